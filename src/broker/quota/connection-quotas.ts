/**
 * Connection creation rate quotas of one node's listener (KIP-612, Kafka's ConnectionQuotas):
 * - per IP, `connection_creation_rate` set on an ip entity (AlterClientQuotas), or on the default ip: a connection
 *   over the rate is not served and is closed once its throttle time has passed, and it does not count against the
 *   rate (Kafka takes it back);
 * - for the whole listener, the broker config `max.connection.creation.rate`: a connection over it waits, unserved,
 *   for its throttle time, as Kafka's acceptor stops accepting for that long, and then is served.
 */
import type { StoredClientQuota } from './client-quota-entity';
import { SampledRate, throttleTimeMs, type RateConfig } from './rate';

/** Kafka's "no limit" for both rates. */
const UNLIMITED_CONNECTION_RATE = 2147483647;

type ConnectionAdmission =
  | { action: 'accept' }
  /** Serve it once `delayMs` has passed (the listener's rate). */
  | { action: 'delay'; delayMs: number }
  /** Close it, unserved, after `delayMs` (the IP's rate). */
  | { action: 'close'; delayMs: number; quota: number };

export class ConnectionQuotas {
  private readonly ipRates = new Map<string, { rate: SampledRate; lastMs: number }>();
  private listenerRate: SampledRate;
  /** When the listener accepts again: connections arriving before wait for it, in order. */
  private acceptingFrom = 0;

  constructor(
    private readonly quotas: () => readonly StoredClientQuota[],
    private readonly listenerLimit: () => number,
    private readonly config: RateConfig,
  ) {
    this.listenerRate = new SampledRate(config);
  }

  /** The connection_creation_rate of an address: its own, else the default ip's, else none. */
  ipQuota(ip: string): number | undefined {
    let byDefault: number | undefined;
    for (const q of this.quotas()) {
      if (q.entity.ip === undefined || q.entity.user !== undefined || q.entity['client-id'] !== undefined) continue;
      const v = q.values['connection_creation_rate'];
      if (v === undefined) continue;
      if (q.entity.ip === ip) return v;
      if (q.entity.ip === null) byDefault = v;
    }
    return byDefault;
  }

  admit(ip: string, now: number): ConnectionAdmission {
    const ipLimit = this.ipQuota(normalizeIp(ip));
    if (ipLimit !== undefined && ipLimit < UNLIMITED_CONNECTION_RATE) {
      const key = normalizeIp(ip);
      let s = this.ipRates.get(key);
      if (!s) this.ipRates.set(key, (s = { rate: new SampledRate(this.config), lastMs: now }));
      s.lastMs = now;
      s.rate.record(1, now);
      const throttle = throttleTimeMs(s.rate.measure(now), ipLimit, s.rate.windowSize(now));
      if (throttle > 0) {
        s.rate.record(-1, now);
        return { action: 'close', delayMs: throttle, quota: ipLimit };
      }
    }
    const limit = this.listenerLimit();
    if (limit < UNLIMITED_CONNECTION_RATE) {
      const at = Math.max(now, this.acceptingFrom);
      this.listenerRate.record(1, at);
      const throttle = throttleTimeMs(this.listenerRate.measure(at), limit, this.listenerRate.windowSize(at));
      if (throttle > 0) this.acceptingFrom = at + throttle;
      if (at + throttle > now) return { action: 'delay', delayMs: at + throttle - now };
    }
    this.expire(now);
    return { action: 'accept' };
  }

  private expire(now: number): void {
    if (this.ipRates.size < 1000) return;
    for (const [ip, s] of this.ipRates) if (now - s.lastMs > this.config.samples * this.config.windowMs) this.ipRates.delete(ip);
  }
}

/** An IPv4 client on a dual-stack socket shows as ::ffff:a.b.c.d; the quota is set on a.b.c.d. */
export function normalizeIp(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}
