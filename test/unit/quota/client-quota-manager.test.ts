// Kafka's quota arithmetic, checked against the figures of Kafka's own ClientQuotaManagerTest: the windowed rate
// (never divided by less than samples - 1 windows), the throttle time X = (O - T) / T * W, the precedence of the
// eight entity levels, which clients share a rate, the fetch cap, and connection creation rates (KIP-612).
import { strict as assert } from 'node:assert';
import { ClientQuotaManager } from '../../../src/broker/quota/client-quota-manager';
import { ConnectionQuotas, normalizeIp } from '../../../src/broker/quota/connection-quotas';
import { SampledRate } from '../../../src/broker/quota/rate';
import type { StoredClientQuota } from '../../../src/broker/quota/client-quota-entity';

const KAFKA_WINDOWS = { samples: 11, windowMs: 1000 };

describe('client quotas (Kafka ClientQuotaManager)', () => {
  it('throttles a spike by (O - T) / T * W, as Kafka computes it (2100 ms for 600 B/s against 500 over 10.5 s)', () => {
    const quotas: StoredClientQuota[] = [{ entity: { 'client-id': null }, values: { producer_byte_rate: 500 } }];
    const m = new ClientQuotaManager('produce', () => quotas, KAFKA_WINDOWS);
    let now = 1_000_000;
    for (let i = 0; i < 10; i++) {
      assert.equal(m.recordAndGetThrottleTimeMs('ANONYMOUS', 'unknown', 400, now), 0, `second ${i} is under the quota`);
      now += 1000;
    }
    now += 500;
    // 400 * 10 + 2300 = 6300 bytes over 10.5 s = 600 B/s; (600 - 500) / 500 * 10.5 s = 2100 ms.
    assert.equal(m.recordAndGetThrottleTimeMs('ANONYMOUS', 'unknown', 2300, now), 2100);
  });

  it('measures a first burst over samples - 1 whole windows, not over the milliseconds it took', () => {
    const r = new SampledRate(KAFKA_WINDOWS);
    r.record(1000, 0);
    assert.equal(r.windowSize(10), 10_010);
    assert.ok(Math.abs(r.measure(10) - 1000 / 10.01) < 1e-9);
  });

  it('forgets samples older than the whole window', () => {
    const r = new SampledRate({ samples: 2, windowMs: 1000 });
    r.record(5000, 0);
    assert.ok(r.measure(500) > 0);
    assert.equal(r.measure(2500), 0);
    assert.ok(r.idle(2500));
  });

  it('picks the most specific quota in Kafka\'s order of the eight levels', () => {
    const levels: Array<[StoredClientQuota['entity'], number]> = [
      [{ user: 'alice', 'client-id': 'app' }, 1],
      [{ user: 'alice', 'client-id': null }, 2],
      [{ user: 'alice' }, 3],
      [{ user: null, 'client-id': 'app' }, 4],
      [{ user: null, 'client-id': null }, 5],
      [{ user: null }, 6],
      [{ 'client-id': 'app' }, 7],
      [{ 'client-id': null }, 8],
    ];
    for (let from = 0; from < levels.length; from++) {
      const quotas = levels.slice(from).map(([entity, v]) => ({ entity, values: { producer_byte_rate: v } }));
      const m = new ClientQuotaManager('produce', () => quotas, KAFKA_WINDOWS);
      assert.equal(m.quotaFor('alice', 'app')?.bound, from + 1, `with levels ${from + 1}.. stored`);
    }
    const none = new ClientQuotaManager('produce', () => [{ entity: { user: 'bob' }, values: { producer_byte_rate: 1 } }], KAFKA_WINDOWS);
    assert.equal(none.quotaFor('alice', 'app'), undefined);
  });

  it('reads each quota type from its own key, so the levels are searched per type', () => {
    const quotas: StoredClientQuota[] = [
      { entity: { user: 'alice' }, values: { consumer_byte_rate: 10 } },
      { entity: { 'client-id': 'app' }, values: { producer_byte_rate: 20, request_percentage: 50 } },
    ];
    assert.equal(new ClientQuotaManager('fetch', () => quotas, KAFKA_WINDOWS).quotaFor('alice', 'app')?.bound, 10);
    assert.equal(new ClientQuotaManager('produce', () => quotas, KAFKA_WINDOWS).quotaFor('alice', 'app')?.bound, 20);
    assert.equal(new ClientQuotaManager('request', () => quotas, KAFKA_WINDOWS).quotaFor('alice', 'app')?.bound, 50);
  });

  it('shares one rate among the clients of the entity the quota is on', () => {
    const quotas: StoredClientQuota[] = [
      { entity: { user: 'alice' }, values: { producer_byte_rate: 100 } },
      { entity: { 'client-id': null }, values: { producer_byte_rate: 100 } },
    ];
    const m = new ClientQuotaManager('produce', () => quotas, { samples: 2, windowMs: 1000 });
    // alice's two clients share her user quota: 150 bytes between them is over 100 B/s.
    assert.equal(m.recordAndGetThrottleTimeMs('alice', 'a', 75, 0), 0);
    assert.ok(m.recordAndGetThrottleTimeMs('alice', 'b', 75, 0) > 0);
    // The default client-id quota gives each client id its own rate.
    assert.equal(m.recordAndGetThrottleTimeMs('bob', 'a', 75, 0), 0);
    assert.equal(m.recordAndGetThrottleTimeMs('bob', 'b', 75, 0), 0);
    const usage = m.usage(0);
    assert.deepEqual(usage.map((u) => [u.user, u.clientId]).sort(), [['', 'a'], ['', 'b'], ['alice', '']]);
  });

  it('follows a quota change at once, and a client with no quota is never throttled', () => {
    let quotas: StoredClientQuota[] = [];
    const m = new ClientQuotaManager('produce', () => quotas, { samples: 2, windowMs: 1000 });
    assert.equal(m.recordAndGetThrottleTimeMs('u', 'c', 1e9, 0), 0);
    quotas = [{ entity: { 'client-id': 'c' }, values: { producer_byte_rate: 10 } }];
    assert.ok(m.recordAndGetThrottleTimeMs('u', 'c', 100, 0) > 0);
    quotas = [{ entity: { 'client-id': 'c' }, values: { producer_byte_rate: 1e6 } }];
    assert.equal(m.recordAndGetThrottleTimeMs('u', 'c', 100, 0), 0);
  });

  it('takes back an unrecorded value (a throttled fetch returns nothing) and caps a fetch to a window\'s worth', () => {
    const quotas: StoredClientQuota[] = [{ entity: { 'client-id': 'c' }, values: { consumer_byte_rate: 100 } }];
    const m = new ClientQuotaManager('fetch', () => quotas, KAFKA_WINDOWS);
    assert.ok(m.recordAndGetThrottleTimeMs('u', 'c', 5000, 0) > 0);
    m.unrecord('u', 'c', 5000, 0);
    assert.equal(m.recordAndGetThrottleTimeMs('u', 'c', 900, 0), 0);
    assert.equal(m.maxValueInQuotaWindow('u', 'c'), 100 * 10);
    assert.equal(m.maxValueInQuotaWindow('u', 'other'), Number.MAX_VALUE);
  });
});

describe('connection creation rate quotas (KIP-612)', () => {
  it('closes a connection over its IP\'s rate, unrecorded, and uses the default ip quota for other addresses', () => {
    const quotas: StoredClientQuota[] = [
      { entity: { ip: '10.0.0.1' }, values: { connection_creation_rate: 2 } },
      { entity: { ip: null }, values: { connection_creation_rate: 1000 } },
    ];
    const c = new ConnectionQuotas(() => quotas, () => 2147483647, { samples: 2, windowMs: 1000 });
    assert.equal(c.ipQuota('10.0.0.1'), 2);
    assert.equal(c.ipQuota('10.0.0.2'), 1000);
    assert.deepEqual(c.admit('10.0.0.1', 0), { action: 'accept' });
    assert.deepEqual(c.admit('10.0.0.1', 0), { action: 'accept' });
    const third = c.admit('10.0.0.1', 0);
    assert.equal(third.action, 'close');
    // The refused connection did not count: the rate stays at 2 per window, so one more is refused the same way.
    assert.equal(c.admit('10.0.0.1', 0).action, 'close');
    assert.deepEqual(c.admit('10.0.0.2', 0), { action: 'accept' });
    assert.equal(normalizeIp('::ffff:10.0.0.1'), '10.0.0.1');
  });

  it('delays connections over the listener\'s max.connection.creation.rate, one after another', () => {
    const c = new ConnectionQuotas(() => [], () => 1, { samples: 2, windowMs: 1000 });
    assert.deepEqual(c.admit('10.0.0.1', 0), { action: 'accept' });
    const second = c.admit('10.0.0.1', 0);
    assert.equal(second.action, 'delay');
    const third = c.admit('10.0.0.1', 0);
    assert.equal(third.action, 'delay');
    assert.ok((third as { delayMs: number }).delayMs > (second as { delayMs: number }).delayMs, 'each waits behind the one before');
  });
});
