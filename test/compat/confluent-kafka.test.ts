/**
 * confluent-kafka-python 1.7 (librdkafka 2.0.2) against the real broker, driven through test/compat/py/client.py:
 * produce with every compression.type and acks setting, headers, null keys and values, explicit timestamps;
 * consume with assign() from OFFSET_BEGINNING, a given offset and offsets_for_times; and the big round trip:
 * 100,000 messages through a 3-partition topic with every message checked (none lost, none duplicated, order kept
 * per partition), by the client and again from the broker's own logs.
 */
import { strict as assert } from 'node:assert';
import { startTestBroker, TestBroker } from '../support/broker';
import { haveConfluentKafka, python, storedRecords, waitForLogEnd } from './helpers';

const COMPRESSIONS = [
  ['none', 0],
  ['gzip', 1],
  ['snappy', 2],
  ['lz4', 3],
  ['zstd', 4],
] as const;
const ACKS = ['0', '1', 'all'] as const;

interface Delivery {
  run: number;
  i: number;
  partition: number;
  offset: number | null;
  error: string | null;
}
interface Consumed {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  headers: Array<[string, string | null]>;
  timestamp: number;
  timestampType: number;
}

/** The test messages: keys and values with nulls mixed in, headers (one with a null value), timestamps 1 s apart. */
function messages(tag: string, n: number, base: number) {
  return Array.from({ length: n }, (_, i) => ({
    key: i % 10 === 3 ? null : `key-${i}`,
    value: i % 10 === 7 ? null : `${tag} #${i} ${'lorem ipsum '.repeat(8)}`,
    headers: i % 5 === 0 ? [] : [['seq', String(i)], ['tag', tag], ['nothing', null]],
    timestamp: base + i * 1000,
  }));
}

const consumedOf = (lines: Array<Record<string, unknown>>) => lines.filter((l) => 'offset' in l && 'value' in l) as unknown as Consumed[];

describe('compat: confluent-kafka-python (librdkafka 2.0.2)', function () {
  this.timeout(90000);
  let broker: TestBroker;
  let b: string;
  const base = Date.now() - 3600_000;
  const N = 100;

  before(async function () {
    if (!haveConfluentKafka()) return this.skip();
    broker = await startTestBroker();
    b = broker.bootstrap;
  });
  after(async () => broker?.stop());

  describe('produce: every compression.type x acks', () => {
    const runs = COMPRESSIONS.flatMap(([compression]) => ACKS.map((acks) => ({ compression, acks, topic: `py-${compression}-acks-${acks}` })));
    let deliveries: Delivery[];

    before(async () => {
      const lines = await python('produce', b, {
        runs: runs.map((r) => ({
          topic: r.topic,
          config: { 'compression.type': r.compression, acks: r.acks, 'linger.ms': 10 },
          messages: messages(r.topic, N, base),
        })),
      });
      deliveries = lines.filter((l) => 'run' in l) as unknown as Delivery[];
    });

    for (const [ri, r] of runs.entries()) {
      it(`compression.type=${r.compression} acks=${r.acks}: delivered, stored and compressed as sent`, async () => {
        const mine = deliveries.filter((d) => d.run === ri).sort((x, y) => x.i - y.i);
        assert.equal(mine.length, N);
        assert.deepEqual(mine.filter((d) => d.error !== null), []);
        if (r.acks === '0') {
          // No response to acks=0: librdkafka reports the offset as unknown (OFFSET_INVALID, None in Python).
          assert.ok(mine.every((d) => d.offset === null || d.offset < 0), 'acks=0 deliveries carry no offset');
        } else {
          assert.deepEqual(mine.map((d) => d.offset), Array.from({ length: N }, (_, i) => i));
        }
        await waitForLogEnd(broker.cluster, r.topic, N);
        const stored = storedRecords(broker.cluster, r.topic);
        const sent = messages(r.topic, N, base);
        assert.deepEqual(
          stored.map((s) => [s.offset, s.key, s.value, s.timestamp, s.headers]),
          sent.map((m, i) => [i, m.key, m.value, m.timestamp, m.headers]),
        );
        const id = COMPRESSIONS.find(([c]) => c === r.compression)![1];
        // librdkafka sends a batch uncompressed when compression would not make it smaller (rare here).
        assert.ok(stored.every((s) => s.compression === id || s.compression === 0), `codecs ${[...new Set(stored.map((s) => s.compression))]}`);
        assert.ok(stored.filter((s) => s.compression === id).length >= N * 0.9, `most records are in ${r.compression} batches`);
      });
    }
  });

  describe('consume with assign()', () => {
    const topic = 'py-consume';
    const sent = messages(topic, N, base);

    before(async () => {
      await python('produce', b, { runs: [{ topic, config: { 'compression.type': 'zstd', acks: 'all', 'batch.num.messages': 17 }, messages: sent }] });
      assert.equal(broker.cluster.leaderLog(topic, 0).logEndOffset, N);
    });

    it('from OFFSET_BEGINNING: every message with key, value, headers (null values too) and CreateTime timestamp', async () => {
      const got = consumedOf(await python('consume', b, { topic, start: 'beginning' }));
      assert.equal(got.length, N);
      assert.deepEqual(
        got.map((m) => [m.partition, m.offset, m.key, m.value, m.headers, m.timestamp, m.timestampType]),
        sent.map((m, i) => [0, i, m.key, m.value, m.headers, m.timestamp, 1]),
      );
    });

    it('from a given offset (inside a compressed batch)', async () => {
      const got = consumedOf(await python('consume', b, { topic, start: 42, count: 10 }));
      assert.deepEqual(got.map((m) => [m.offset, m.value]), sent.slice(42, 52).map((m, k) => [42 + k, m.value]));
    });

    it('from offsets_for_times: the first offset at or after the timestamp', async () => {
      const lines = await python('consume', b, { topic, start: { timestamp: base + 57_500 } });
      const resolved = lines.find((l) => 'resolved' in l)!.resolved as Array<{ partition: number; offset: number; error: string | null }>;
      assert.deepEqual(resolved, [{ partition: 0, offset: 58, error: null }]);
      const got = consumedOf(lines);
      assert.deepEqual(got.map((m) => m.offset), Array.from({ length: N - 58 }, (_, k) => 58 + k));
      assert.deepEqual(got.map((m) => m.timestamp), sent.slice(58).map((m) => m.timestamp));
    });

    it('offsets_for_times past the last timestamp resolves to -1 (no such message)', async () => {
      const lines = await python('consume', b, { topic, start: { timestamp: base + N * 1000 + 1 } });
      const resolved = lines.find((l) => 'resolved' in l)!.resolved as Array<{ partition: number; offset: number }>;
      assert.equal(resolved[0].offset, -1);
      assert.deepEqual(consumedOf(lines), []);
    });

    it('reports LogAppendTime (type 2) and the broker time on a LogAppendTime topic', async () => {
      const t = 'py-log-append-time';
      broker.cluster.createTopic(t, 1, 1, { 'message.timestamp.type': 'LogAppendTime' });
      const before = Date.now();
      await python('produce', b, { runs: [{ topic: t, config: { acks: 'all' }, messages: messages(t, 5, base) }] });
      const after = Date.now();
      const got = consumedOf(await python('consume', b, { topic: t, start: 'beginning' }));
      assert.equal(got.length, 5);
      for (const m of got) {
        assert.equal(m.timestampType, 2);
        assert.ok(m.timestamp >= before && m.timestamp <= after, `log append time ${m.timestamp} not within ${before}..${after}`);
      }
    });
  });

  const roundTrips: Array<{ name: string; topic: string; config: Record<string, string | boolean>; consumerConfig?: Record<string, string | boolean>; count?: number }> = [
    { name: 'lz4, acks=all', topic: 'py-roundtrip-100k', config: { 'compression.type': 'lz4', acks: 'all' } },
    // An idempotent producer (InitProducerId, sequence numbers per partition) under the same volume.
    { name: 'zstd, enable.idempotence', topic: 'py-roundtrip-100k-idempotent', config: { 'compression.type': 'zstd', 'enable.idempotence': true } },
    // As a Kafka 0.9.0 client, producer and consumer (api.version.request=false): Produce v1 and Fetch v1, message
    // format v0 both ways (up-converted on the way in, down-converted on the way out), ListOffsets v0.
    ...['gzip', 'snappy', 'lz4'].map((codec) => {
      const old = { 'api.version.request': false, 'broker.version.fallback': '0.9.0' };
      return { name: `as a Kafka 0.9.0 client, ${codec}`, topic: `py-roundtrip-old-${codec}`, config: { 'compression.type': codec, ...old }, consumerConfig: old, count: 20_000 };
    }),
  ];
  for (const rt of roundTrips) {
  it(`${(rt.count ?? 100_000).toLocaleString('en-US')} messages through a 3-partition topic (${rt.name}): none lost, none duplicated, per-partition order kept`, async function () {
    this.timeout(120000);
    const topic = rt.topic;
    const count = rt.count ?? 100_000;
    const partitions = 3;
    broker.cluster.createTopic(topic, partitions, 1);
    const started = Date.now();
    const lines = await python('roundtrip', b, { topic, partitions, count, config: rt.config, consumerConfig: rt.consumerConfig ?? {}, timeout: 50 }, 110000);
    const r = lines.find((l) => l.done) as Record<string, unknown>;
    assert.deepEqual(
      { produced: r.produced, consumed: r.consumed, missing: r.missing, duplicates: r.duplicates, outOfOrder: r.outOfOrder, wrongPartition: r.wrongPartition, wrongKey: r.wrongKey, offsetGaps: r.offsetGaps, problems: r.problems },
      { produced: count, consumed: count, missing: 0, duplicates: 0, outOfOrder: 0, wrongPartition: 0, wrongKey: 0, offsetGaps: 0, problems: [] },
    );
    const perPartition = [0, 1, 2].map((p) => Math.ceil((count - p) / partitions));
    assert.deepEqual(r.nextOffsets, perPartition);

    // And independently of any client: what the broker stored, partition by partition.
    const seen = new Uint8Array(count);
    for (let p = 0; p < partitions; p++) {
      const stored = storedRecords(broker.cluster, topic, p);
      assert.equal(stored.length, perPartition[p]);
      let last = -1;
      for (const [k, s] of stored.entries()) {
        assert.equal(s.offset, k);
        const seq = Number(s.value);
        assert.equal(seq % partitions, p);
        assert.ok(seq > last, `partition ${p}: ${seq} stored after ${last}`);
        assert.equal(s.key, `k${seq}`);
        assert.equal(seen[seq], 0, `${seq} stored twice`);
        seen[seq] = 1;
        last = seq;
      }
    }
    assert.equal(seen.reduce((a, x) => a + x, 0), count);
    // Informational: how long the produce and consume halves took.
    this.test!.title += ` [produce ${r.produceSeconds}s, consume ${r.consumeSeconds}s, total ${((Date.now() - started) / 1000).toFixed(1)}s]`;
  });
  }

  it('AdminClient: create_topics (partitions, configs, validate_only), refusals, delete_topics, list_topics', async () => {
    const lines = await python('admin', b, {
      create: [
        { topic: 'py-admin-a', partitions: 4, replication: 1, config: { 'cleanup.policy': 'compact', 'retention.ms': '3600000' } },
        { topic: 'py-admin-b' },
        { topic: 'py-admin-bad-config', partitions: 1, replication: 1, config: { 'cleanup.policy': 'sideways' } },
        { topic: 'py-admin-too-many-replicas', partitions: 1, replication: 3 },
      ],
    });
    const created = Object.fromEntries(lines.filter((l) => 'created' in l).map((l) => [l.created, l.error]));
    assert.deepEqual(created, { 'py-admin-a': null, 'py-admin-b': null, 'py-admin-bad-config': 'INVALID_CONFIG', 'py-admin-too-many-replicas': 'INVALID_REPLICATION_FACTOR' });
    const a = broker.cluster.metadata.topic('py-admin-a')!;
    assert.equal(a.partitions.length, 4);
    assert.deepEqual(a.configs, { 'cleanup.policy': 'compact', 'retention.ms': '3600000' });
    assert.equal(broker.cluster.metadata.topic('py-admin-b')!.partitions.length, 1, 'num.partitions (-1: the broker default)');
    assert.equal(broker.cluster.metadata.topic('py-admin-bad-config'), undefined);
    const topics = (lines.find((l) => 'topics' in l)!.topics ?? {}) as Record<string, number>;
    assert.equal(topics['py-admin-a'], 4);

    const again = await python('admin', b, { create: [{ topic: 'py-admin-a', partitions: 1, replication: 1 }, { topic: 'py-admin-c', partitions: 2, replication: 1 }], validateOnly: true, delete: ['py-admin-b', 'py-admin-missing'] });
    assert.deepEqual(Object.fromEntries(again.filter((l) => 'created' in l).map((l) => [l.created, l.error])), { 'py-admin-a': 'TOPIC_ALREADY_EXISTS', 'py-admin-c': null });
    assert.equal(broker.cluster.metadata.topic('py-admin-c'), undefined, 'validate_only created nothing');
    assert.deepEqual(Object.fromEntries(again.filter((l) => 'deleted' in l).map((l) => [l.deleted, l.error])), { 'py-admin-b': null, 'py-admin-missing': 'UNKNOWN_TOPIC_OR_PART' });
    assert.equal(broker.cluster.metadata.topic('py-admin-b'), undefined);
  });
});
