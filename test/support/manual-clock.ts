import type { Clock, Timer } from '../../src/broker/clock';

interface Scheduled {
  due: number;
  /** Order of scheduling: timers due at the same time run in the order they were set, as Node's do. */
  seq: number;
  callback: () => void;
  intervalMs?: number;
}

/**
 * A clock that moves only when the test says so. advance(ms) runs every timer that falls due, in order, each with
 * now() at its own due time, so a test can say "not at 9 999 ms, at 10 000 ms" and mean it.
 */
export class ManualClock implements Clock {
  private time: number;
  private seq = 0;
  private readonly timers = new Map<number, Scheduled>();

  constructor(start = 1_700_000_000_000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): Timer {
    return this.schedule({ due: this.time + Math.max(0, ms), seq: 0, callback });
  }

  setInterval(callback: () => void, ms: number): Timer {
    const intervalMs = Math.max(1, ms);
    return this.schedule({ due: this.time + intervalMs, seq: 0, callback, intervalMs });
  }

  clearTimeout(timer: Timer | undefined): void {
    if (timer !== undefined) this.timers.delete(timer as unknown as number);
  }

  /** How many timers are waiting. */
  get pending(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, running the timers that fall due on the way (and those they set, if due by then). */
  advance(ms: number): void {
    const target = this.time + ms;
    for (let next = this.nextDue(target); next; next = this.nextDue(target)) this.fire(next);
    this.time = target;
  }

  /**
   * advance() for code that awaits between timers (a coordinator writing to its store, a retry after a backoff):
   * promise continuations and immediates run before each timer and at the end.
   */
  async advanceAsync(ms: number): Promise<void> {
    const target = this.time + ms;
    await flush();
    for (let next = this.nextDue(target); next; next = this.nextDue(target)) {
      this.fire(next);
      await flush();
    }
    this.time = target;
    await flush();
  }

  private schedule(s: Scheduled): Timer {
    const id = ++this.seq;
    s.seq = id;
    this.timers.set(id, s);
    return id as unknown as Timer;
  }

  private nextDue(limit: number): [number, Scheduled] | undefined {
    let best: [number, Scheduled] | undefined;
    for (const entry of this.timers) {
      const s = entry[1];
      if (s.due <= limit && (!best || s.due < best[1].due || (s.due === best[1].due && s.seq < best[1].seq))) best = entry;
    }
    return best;
  }

  private fire([id, s]: [number, Scheduled]): void {
    this.time = s.due;
    if (s.intervalMs === undefined) this.timers.delete(id);
    else s.due += s.intervalMs;
    s.callback();
  }
}

/** Lets pending promise continuations run (they all do before the next macrotask). */
export function flush(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}
