/**
 * Waits for a condition that real time brings about (a real client, a socket, a fetcher thread), checking it every
 * few milliseconds instead of sleeping a fixed time; fails naming `what` after `timeoutMs`. Timeouts of the broker's
 * own timers do not need it: tests drive those with a ManualClock.
 */
export async function pollUntil<T>(what: string, check: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 5000, everyMs = 10): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
