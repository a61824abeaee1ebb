/**
 * Client quotas seen by a real client: confluent-kafka-python (librdkafka, Debian's) producing and consuming as fast
 * as it can, with producer_byte_rate and consumer_byte_rate set on its client id through AlterClientQuotas. Its
 * throughput is held at the quota while another client id, in the same run, goes several times faster; librdkafka
 * reports the broker's throttling through throttle_cb and the "throttle" window of its statistics, as against Kafka.
 * The broker measures over quota.window.num=3 one-second windows (Kafka: 11) so that a run of a few seconds is not
 * dominated by the burst a fresh client is allowed (samples - 1 windows' worth).
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { startTestBroker, type TestBroker } from '../support/broker';
import { RawClient } from '../support/raw-client';
import { haveConfluentKafka, run, PYTHON } from './helpers';

const SCRIPT = path.join(__dirname, '..', '..', '..', 'test', 'compat', 'py', 'quotas.py');
const QUOTA = 256 * 1024;

interface Figures {
  bytes: number;
  messages: number;
  seconds: number;
  /** After the warm-up: the rate the quota holds a client to once its first burst is spent. */
  steadyBytes: number;
  steadySeconds: number;
  throttleEvents: Array<[number, number]>;
  statsThrottleMaxMs: number;
}

async function quotas(command: 'produce' | 'consume', bootstrap: string, spec: unknown): Promise<Figures> {
  const r = await run(PYTHON, [SCRIPT, command, bootstrap], { input: JSON.stringify(spec), timeoutMs: 60000 });
  const lines = r.stdout.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);
  const fatal = lines.find((l) => 'fatal' in l);
  if (fatal || !lines.some((l) => l.done)) throw new Error(`quotas.py ${command} failed: ${String(fatal?.fatal ?? 'no result')}\n${r.stderr.slice(-3000)}`);
  return lines.find((l) => 'bytes' in l) as unknown as Figures;
}

describe('compat: confluent-kafka-python under client quotas (producer_byte_rate, consumer_byte_rate)', function () {
  this.timeout(120000);
  let broker: TestBroker;
  before(async function () {
    if (!haveConfluentKafka()) return this.skip();
    broker = await startTestBroker({ nodes: 1, config: { 'quota.window.num': '3' } });
    broker.cluster.createTopic('metered', 1, 1);
    const admin = await RawClient.connect(broker.bootstrap);
    try {
      const r = await admin.request(49, 1, {
        entries: [{ entity: [{ entityType: 'client-id', entityName: 'metered-app' }], ops: [{ key: 'producer_byte_rate', value: QUOTA, remove: false }, { key: 'consumer_byte_rate', value: QUOTA, remove: false }] }],
        validateOnly: false,
      });
      assert.equal(r.entries[0].errorCode, 0, String(r.entries[0].errorMessage));
    } finally {
      admin.close();
    }
  });
  after(async () => broker?.stop());

  const rate = (f: Figures) => f.bytes / f.seconds;
  const steady = (f: Figures) => f.steadyBytes / f.steadySeconds;
  const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB/s`;
  // librdkafka reports each throttle time, and a 0 when throttling ends.
  const throttled = (f: Figures) => f.throttleEvents.filter(([, ms]) => ms > 0);

  it('holds a producer at its producer_byte_rate and tells it so through throttle_cb and its statistics', async () => {
    const free = await quotas('produce', broker.bootstrap, { topic: 'metered', clientId: 'free-app', seconds: 3, size: 10240 });
    const metered = await quotas('produce', broker.bootstrap, { topic: 'metered', clientId: 'metered-app', seconds: 9, warmup: 3, size: 10240 });
    const ratio = steady(metered) / QUOTA;
    assert.ok(ratio > 0.7 && ratio < 1.3, `after its first burst the metered producer ran at ${kib(steady(metered))} against a quota of ${kib(QUOTA)}`);
    assert.ok(rate(metered) < 1.5 * QUOTA, `burst included, ${kib(rate(metered))}`);
    assert.ok(rate(free) > 4 * QUOTA, `the unmetered producer (${kib(rate(free))}) is not held back`);
    assert.deepEqual(throttled(free), [], 'no throttling without a quota');
    assert.ok(throttled(metered).length > 0, 'throttle_cb reported the throttling');
    assert.ok(metered.throttleEvents.every(([node]) => node === 0), JSON.stringify(metered.throttleEvents.slice(0, 5)));
    assert.ok(metered.statsThrottleMaxMs > 0, 'the statistics show a throttle time');
    const produce = broker.server.quotas(0).usage(Date.now()).find((u) => u.type === 'produce' && u.clientId === 'metered-app');
    assert.ok(produce && produce.throttleCount > 0 && produce.quota === QUOTA && produce.user === '', JSON.stringify(produce));
  });

  it('holds a consumer at its consumer_byte_rate (throttled fetches come back empty) and reports the throttle', async () => {
    const free = await quotas('consume', broker.bootstrap, { topic: 'metered', partitions: [0], clientId: 'free-reader', seconds: 3 });
    const metered = await quotas('consume', broker.bootstrap, { topic: 'metered', partitions: [0], clientId: 'metered-app', seconds: 9, warmup: 3 });
    const ratio = steady(metered) / QUOTA;
    assert.ok(ratio > 0.7 && ratio < 1.3, `after its first burst the metered consumer read ${kib(steady(metered))} against a quota of ${kib(QUOTA)}`);
    assert.ok(rate(free) > 4 * QUOTA, `the unmetered consumer (${kib(rate(free))}) is not held back`);
    assert.deepEqual(throttled(free), []);
    assert.ok(throttled(metered).length > 0, 'throttle_cb reported the throttling');
    assert.ok(metered.statsThrottleMaxMs > 0);
    const fetch = broker.server.quotas(0).usage(Date.now()).find((u) => u.type === 'fetch' && u.clientId === 'metered-app');
    assert.ok(fetch && fetch.throttleCount > 0 && fetch.quota === QUOTA, JSON.stringify(fetch));
  });
});
