/**
 * Time as the broker's timers see it. The coordinators and the replication code take a Clock instead of calling
 * Date.now and setTimeout, so that a test can replace it with a manual one (test/support/manual-clock.ts) and drive
 * a session or transaction timeout to the millisecond instead of sleeping past it.
 */

declare const timerBrand: unique symbol;

/** A scheduled callback, to be given back to clearTimeout. Opaque: each clock has its own kind. */
export interface Timer {
  readonly [timerBrand]: true;
}

export interface Clock {
  /** Milliseconds since the epoch, as Date.now. */
  now(): number;
  setTimeout(callback: () => void, ms: number): Timer;
  setInterval(callback: () => void, ms: number): Timer;
  /** Cancels a timeout or an interval; one that already ran, or undefined, is ignored. */
  clearTimeout(timer: Timer | undefined): void;
}

/**
 * The real clock. Its timers do not keep the process alive: the broker is kept alive by its sockets and the worker's
 * port, and a timer left behind must not hold up a clean exit.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(callback, ms) {
    const t = setTimeout(callback, ms);
    t.unref?.();
    return t as unknown as Timer;
  },
  setInterval(callback, ms) {
    const t = setInterval(callback, ms);
    t.unref?.();
    return t as unknown as Timer;
  },
  clearTimeout(timer) {
    if (timer) clearTimeout(timer as unknown as NodeJS.Timeout);
  },
};

/** Resolves after `ms` of the clock's time, or as soon as `cancel` settles (its timer is then cleared). */
export function sleep(clock: Clock, ms: number, cancel?: Promise<unknown>): Promise<void> {
  return new Promise((resolve) => {
    const timer = clock.setTimeout(resolve, ms);
    void cancel?.then(
      () => (clock.clearTimeout(timer), resolve()),
      () => (clock.clearTimeout(timer), resolve()),
    );
  });
}
