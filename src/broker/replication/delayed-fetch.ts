/**
 * Fetches waiting for data, by "topic-partition": Kafka's delayed-fetch purgatory, in miniature. The replica manager
 * wakes a partition's waiters when its leader appends or its high watermark moves; consumers' long polls and the
 * followers' fetchers wait here.
 */
/** The key the followers' fetchers also wait on: notified when topics change (new partitions to follow). */
export const FETCHERS_KEY = '\u0000fetchers';

export class DelayedFetchPurgatory {
  private readonly waiters = new Map<string, Set<() => void>>();

  /**
   * Resolves when any of `keys` ("topic-partition") gets new data, after `timeoutMs`, or when `cancel` settles,
   * whichever comes first.
   */
  waitForAppend(keys: readonly string[], timeoutMs: number, cancel?: Promise<unknown>): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        for (const k of keys) this.waiters.get(k)?.delete(done);
        resolve();
      };
      for (const k of keys) {
        let set = this.waiters.get(k);
        if (!set) this.waiters.set(k, (set = new Set()));
        set.add(done);
      }
      const timer = setTimeout(done, timeoutMs);
      void cancel?.then(done, done);
    });
  }

  /** Wakes fetches waiting on `key` ("topic-partition"): new data, or a high watermark that moved. */
  notifyPartition(key: string): void {
    const set = this.waiters.get(key);
    if (!set || set.size === 0) return;
    this.waiters.delete(key);
    for (const f of set) f();
  }
}
