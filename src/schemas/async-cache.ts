/**
 * A cache of asynchronous lookups for the schema serde: concurrent misses for one key share one load, a value lives
 * for `okTtlMs` and a failure for `failTtlMs` (briefly, so that a topic full of unknown schema ids asks the registry
 * once every few seconds rather than once a record, yet a registry that comes back is noticed). `peek` answers
 * synchronously for the decoder's fast path.
 */

type Entry<V> = { state: 'pending'; promise: Promise<V> } | { state: 'ok'; value: V; until: number } | { state: 'failed'; error: unknown; until: number };

type Peeked<V> = { state: 'ok'; value: V } | { state: 'failed'; error: unknown };

export class AsyncCache<K, V> {
  private readonly entries = new Map<K, Entry<V>>();

  constructor(
    private readonly okTtlMs: number,
    private readonly failTtlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  peek(key: K): Peeked<V> | undefined {
    const e = this.entries.get(key);
    if (e === undefined || e.state === 'pending') return undefined;
    if (e.until <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return e.state === 'ok' ? { state: 'ok', value: e.value } : { state: 'failed', error: e.error };
  }

  get(key: K, load: () => Promise<V>): Promise<V> {
    const e = this.entries.get(key);
    if (e?.state === 'pending') return e.promise;
    const known = this.peek(key);
    if (known?.state === 'ok') return Promise.resolve(known.value);
    if (known?.state === 'failed') return Promise.reject(known.error);
    const promise = load().then(
      (value) => {
        this.entries.set(key, { state: 'ok', value, until: this.now() + this.okTtlMs });
        return value;
      },
      (error: unknown) => {
        this.entries.set(key, { state: 'failed', error, until: this.now() + this.failTtlMs });
        throw error;
      },
    );
    this.entries.set(key, { state: 'pending', promise });
    return promise;
  }
}
