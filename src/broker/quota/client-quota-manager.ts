/**
 * One node's client quotas of one type (Kafka's ClientQuotaManager): produce bytes, fetch bytes, or request time.
 * The quota of a connection is the most specific of the stored ones, in Kafka's order:
 *   user + client-id, user + default client-id, user, default user + client-id, default user + default client-id,
 *   default user, client-id, default client-id.
 * Clients that share the entity the quota was set on share its rate: a user quota is one budget for all of that
 * user's clients, a client-id quota one for every connection with that client id (whoever the user). Each node keeps
 * its own rates, as each Kafka broker does: a quota is per broker.
 */
import type { QuotaEntity, StoredClientQuota } from './client-quota-entity';
import { SampledRate, throttleTimeMs, type RateConfig } from './rate';

type ClientQuotaType = 'produce' | 'fetch' | 'request';

/** The config key that sets each quota type. */
const QUOTA_KEY: Record<ClientQuotaType, string> = {
  produce: 'producer_byte_rate',
  fetch: 'consumer_byte_rate',
  request: 'request_percentage',
};

/** Kafka drops a client's sensors after an hour without traffic. */
const INACTIVE_SENSOR_EXPIRY_MS = 3600_000;

interface Sensor {
  user: string;
  clientId: string;
  rate: SampledRate;
  /** The bound at the last record (a quota changed since applies from the next one). */
  bound: number;
  lastRecordMs: number;
  throttleCount: number;
  throttleTotalMs: number;
  lastThrottleMs: number;
  lastThrottledAt: number;
}

/** What the UI shows of one client's quota on one node. */
export interface ClientQuotaUsage {
  type: ClientQuotaType;
  /** The user the quota applies to, '' when the quota is a client-id one. */
  user: string;
  /** The client id the quota applies to, '' when it is a user one. */
  clientId: string;
  /** The bound: bytes per second, or percent of one request thread. */
  quota: number;
  /** The current rate over the quota window. */
  rate: number;
  throttleCount: number;
  /** Average throttle time of the throttled requests. */
  avgThrottleMs: number;
  lastThrottleMs: number;
  lastThrottledAt: number | null;
}

interface ResolvedQuota {
  bound: number;
  /** Which clients share the rate: (user, client-id), (user, ''), or ('', client-id). */
  user: string;
  clientId: string;
}

/** An entity's index key; absent components are '-', defaults '*', names quoted so that no name can collide. */
function indexKey(user: string | null | undefined, clientId: string | null | undefined): string {
  const part = (v: string | null | undefined) => (v === undefined ? '-' : v === null ? '*' : JSON.stringify(v));
  return `${part(user)}/${part(clientId)}`;
}

export class ClientQuotaManager {
  private readonly sensors = new Map<string, Sensor>();
  private indexedFrom: readonly StoredClientQuota[] | undefined;
  private index = new Map<string, Record<string, number>>();

  constructor(
    readonly type: ClientQuotaType,
    private readonly quotas: () => readonly StoredClientQuota[],
    private readonly config: RateConfig,
  ) {}

  /** The bound and sharing of the quota that applies to a user's client, or undefined when none does. */
  quotaFor(user: string, clientId: string): ResolvedQuota | undefined {
    const idx = this.entities();
    // Every request asks: with no client quota set (the usual case) it costs one identity check, as Kafka's
    // quotasEnabled spares the sensors.
    if (idx.size === 0) return undefined;
    const key = QUOTA_KEY[this.type];
    const at = (u: string | null | undefined, c: string | null | undefined) => idx.get(indexKey(u, c))?.[key];
    const levels: Array<[string | null | undefined, string | null | undefined, string, string]> = [
      [user, clientId, user, clientId],
      [user, null, user, clientId],
      [user, undefined, user, ''],
      [null, clientId, user, clientId],
      [null, null, user, clientId],
      [null, undefined, user, ''],
      [undefined, clientId, '', clientId],
      [undefined, null, '', clientId],
    ];
    for (const [u, c, sharedUser, sharedClient] of levels) {
      const bound = at(u, c);
      if (bound !== undefined) return { bound, user: sharedUser, clientId: sharedClient };
    }
    return undefined;
  }

  /**
   * Records a request's bytes or time against the client's quota and returns how long it must be throttled (0 when
   * within its quota, or without one). The value stays recorded either way, as Kafka's sensor keeps it.
   */
  recordAndGetThrottleTimeMs(user: string, clientId: string, value: number, now: number): number {
    const q = this.quotaFor(user, clientId);
    if (!q) return 0;
    const sensor = this.sensor(q, now);
    sensor.rate.record(value, now);
    sensor.bound = q.bound;
    sensor.lastRecordMs = now;
    const observed = sensor.rate.measure(now);
    const ms = throttleTimeMs(observed, q.bound, sensor.rate.windowSize(now));
    // Kafka bounds a request-time throttle by one window (ClientRequestQuotaManager): a single slow request must not
    // silence a client for many seconds.
    return this.type === 'request' ? Math.min(ms, this.config.windowMs) : ms;
  }

  /** Takes back a recorded value: a throttled fetch answers with no data, so its bytes must not count. */
  unrecord(user: string, clientId: string, value: number, now: number): void {
    const q = this.quotaFor(user, clientId);
    if (q) this.sensor(q, now).rate.record(-value, now);
  }

  /** Notes a throttle, for the throttle-time figures (Kafka's throttle-time sensor). */
  noteThrottle(user: string, clientId: string, ms: number, now: number): void {
    const q = this.quotaFor(user, clientId);
    if (!q || ms <= 0) return;
    const s = this.sensor(q, now);
    s.throttleCount++;
    s.throttleTotalMs += ms;
    s.lastThrottleMs = ms;
    s.lastThrottledAt = now;
  }

  /**
   * The most one request may record without being throttled for sure (getMaxValueInQuotaWindow): Fetch caps its
   * answer to it, so that a throttled consumer is not handed more than its quota allows in a whole window.
   */
  maxValueInQuotaWindow(user: string, clientId: string): number {
    const q = this.quotaFor(user, clientId);
    if (!q) return Number.MAX_VALUE;
    return q.bound * (this.config.samples - 1) * (this.config.windowMs / 1000);
  }

  usage(now: number): ClientQuotaUsage[] {
    const out: ClientQuotaUsage[] = [];
    for (const [k, s] of this.sensors) {
      if (now - s.lastRecordMs > INACTIVE_SENSOR_EXPIRY_MS) {
        this.sensors.delete(k);
        continue;
      }
      out.push({
        type: this.type,
        user: s.user,
        clientId: s.clientId,
        quota: s.bound,
        rate: s.rate.measure(now),
        throttleCount: s.throttleCount,
        avgThrottleMs: s.throttleCount ? s.throttleTotalMs / s.throttleCount : 0,
        lastThrottleMs: s.lastThrottleMs,
        lastThrottledAt: s.throttleCount ? s.lastThrottledAt : null,
      });
    }
    return out;
  }

  private sensor(q: ResolvedQuota, now: number): Sensor {
    const key = `${JSON.stringify(q.user)}/${JSON.stringify(q.clientId)}`;
    let s = this.sensors.get(key);
    if (!s) {
      if (this.sensors.size > 0 && this.sensors.size % 1000 === 0) this.expire(now);
      s = { user: q.user, clientId: q.clientId, rate: new SampledRate(this.config), bound: q.bound, lastRecordMs: now, throttleCount: 0, throttleTotalMs: 0, lastThrottleMs: 0, lastThrottledAt: 0 };
      this.sensors.set(key, s);
    }
    return s;
  }

  private expire(now: number): void {
    for (const [k, s] of this.sensors) if (now - s.lastRecordMs > INACTIVE_SENSOR_EXPIRY_MS) this.sensors.delete(k);
  }

  /** The stored quotas by (user, client-id), rebuilt when the store's list is replaced. */
  private entities(): Map<string, Record<string, number>> {
    const all = this.quotas();
    if (all !== this.indexedFrom) {
      this.indexedFrom = all;
      this.index = new Map();
      for (const q of all) {
        if (!isClientEntity(q.entity)) continue;
        this.index.set(indexKey(q.entity.user, q.entity['client-id']), q.values);
      }
    }
    return this.index;
  }
}

function isClientEntity(e: QuotaEntity): boolean {
  return e.ip === undefined && (e.user !== undefined || e['client-id'] !== undefined);
}
