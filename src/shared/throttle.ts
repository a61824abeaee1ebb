/**
 * Runs `fn` at most once per `ms`, and without delay when it has not run for a while: the first call after a quiet
 * spell runs it on the next turn of the event loop (the other calls of the same burst join that run); calls while
 * it ran less than `ms` ago run it once, at the end of that window. So one change shows at once, and a stream of
 * changes (a producer writing flat out) costs one run per window however many there are.
 */
export class Throttle {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastRun = -Infinity;
  private disposed = false;

  constructor(
    private readonly ms: number,
    private readonly fn: () => unknown,
  ) {}

  schedule(): void {
    if (this.timer || this.disposed) return;
    const wait = Math.max(0, this.lastRun + this.ms - performance.now());
    this.timer = setTimeout(() => this.run(), wait);
  }

  get pending(): boolean {
    return this.timer !== undefined;
  }

  /** Runs it now if it is scheduled (a caller that must not wait for the window: tests, a flush before answering). */
  runNow(): void {
    if (this.timer) this.run();
  }

  private run(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.disposed) return;
    this.lastRun = performance.now();
    void Promise.resolve().then(this.fn).catch(() => undefined);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
