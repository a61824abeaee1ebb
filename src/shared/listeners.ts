/**
 * A typed listener list: what VS Code's EventEmitter does, without importing vscode, so the broker worker, the
 * host-side clusters and the pure view models can all raise events.
 */
type Unsubscribe = () => void;

export class Listeners<T> {
  private readonly listeners = new Set<(value: T) => void>();

  /** Adds a listener; the returned function removes it. */
  add(listener: (value: T) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Calls every listener; one that throws does not keep the others from hearing the event. */
  fire(value: T): void {
    for (const l of [...this.listeners]) {
      try {
        l(value);
      } catch (e) {
        // A listener's bug must not break the broker or the RPC loop; it is reported where it can be seen.
        console.error(`event listener failed: ${(e as Error).stack ?? e}`);
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }

  clear(): void {
    this.listeners.clear();
  }
}
