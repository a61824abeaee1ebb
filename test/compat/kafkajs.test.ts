/**
 * kafkajs 2.2.4 against the real broker: produce with acks 0, 1 and all, gzip (the one codec kafkajs has without
 * plugins; librdkafka covers snappy, lz4 and zstd in kcat.test.ts and confluent-kafka.test.ts), headers, null keys
 * and values, the message.max.bytes boundary. kafkajs can only consume through a consumer group, which the broker
 * does not serve yet, so the consume side uses kafkajs' own Fetch/ListOffsets code (its internal Cluster/Broker,
 * the same code its consumer runs) and, independently, the records as the broker stored them.
 */
import { strict as assert } from 'node:assert';
import { Kafka, CompressionTypes, logLevel, Producer, Admin, KafkaJSProtocolError, IHeaders } from 'kafkajs';
import { startTestBroker, TestBroker } from '../support/broker';
import { encodeRecordBatch } from '../../src/broker/records/record-batch';
import { storedRecords, waitForLogEnd } from './helpers';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

interface FetchedMessage {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
}

/** kafkajs' internal cluster and broker objects (not in its typings). */
interface KjsBroker {
  fetch(req: {
    isolationLevel: number;
    maxWaitTime: number;
    minBytes?: number;
    maxBytes?: number;
    topics: Array<{ topic: string; partitions: Array<{ partition: number; fetchOffset: string; maxBytes: number }> }>;
  }): Promise<{ responses: Array<{ topicName: string; partitions: Array<{ partition: number; errorCode: number; highWatermark: string; messages: FetchedMessage[] }> }> }>;
}
interface KjsCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>;
  findBroker(b: { nodeId: string }): Promise<KjsBroker>;
}

/** A kafkajs Cluster built exactly as its producer/consumer build theirs. */
function kafkajsCluster(kafka: Kafka): KjsCluster {
  const sym = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  assert.ok(sym, 'kafkajs internals changed: no createCluster symbol');
  return (kafka as unknown as Record<symbol, (o: object) => KjsCluster>)[sym]({});
}

/** Reads a partition from `from` to its high watermark with kafkajs' Fetch, decoding with kafkajs. */
async function kafkajsRead(cluster: KjsCluster, topic: string, partition = 0, from = 0): Promise<FetchedMessage[]> {
  await cluster.addTargetTopic(topic);
  const leaders = cluster.findLeaderForPartitions(topic, [partition]);
  const broker = await cluster.findBroker({ nodeId: Object.keys(leaders)[0] });
  const out: FetchedMessage[] = [];
  let offset = from;
  for (let round = 0; round < 1000; round++) {
    const r = await broker.fetch({ isolationLevel: 1, maxWaitTime: 50, minBytes: 1, maxBytes: 4 << 20, topics: [{ topic, partitions: [{ partition, fetchOffset: String(offset), maxBytes: 4 << 20 }] }] });
    const p = r.responses[0].partitions[0];
    assert.equal(p.errorCode, 0, `fetch error ${p.errorCode}`);
    // A compressed batch comes whole: kafkajs returns its records below the fetch offset too.
    const fresh = p.messages.filter((m) => Number(m.offset) >= offset);
    out.push(...fresh);
    if (fresh.length) offset = Number(fresh[fresh.length - 1].offset) + 1;
    if (offset >= Number(p.highWatermark)) return out;
    if (!fresh.length) throw new Error(`no progress at offset ${offset} (high watermark ${p.highWatermark})`);
  }
  throw new Error('too many fetch rounds');
}

const str = (b: Buffer | null) => (b === null ? null : b.toString('utf8'));
const headerStrings = (h: IHeaders) =>
  Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Array.isArray(v) ? v.map((x) => String(x)) : v === undefined ? undefined : String(v)]));

describe('compat: kafkajs 2.2.4', function () {
  this.timeout(60000);
  let broker: TestBroker;
  let kafka: Kafka;
  let producer: Producer;
  let admin: Admin;
  let cluster: KjsCluster;

  before(async () => {
    broker = await startTestBroker();
    kafka = new Kafka({ brokers: broker.bootstrap.split(','), clientId: 'compat-kafkajs', logLevel: logLevel.NOTHING, retry: { retries: 2 } });
    producer = kafka.producer();
    admin = kafka.admin();
    cluster = kafkajsCluster(kafka);
    await Promise.all([producer.connect(), admin.connect(), cluster.connect()]);
  });
  after(async () => {
    await Promise.allSettled([producer?.disconnect(), admin?.disconnect(), cluster?.disconnect()]);
    await broker?.stop();
  });

  for (const acks of [0, 1, -1]) {
    it(`produces with acks=${acks} and reads every message back`, async () => {
      const topic = `kjs-acks-${acks === -1 ? 'all' : acks}`;
      const messages = Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: `acks ${acks} message ${i}` }));
      const first = await producer.send({ topic, acks, messages: messages.slice(0, 25) });
      const second = await producer.send({ topic, acks, messages: messages.slice(25) });
      if (acks === 0) {
        // No response at all for acks=0: kafkajs resolves with nothing to report.
        assert.deepEqual(first, []);
        assert.deepEqual(second, []);
        // ...and the broker must still have appended (poll: nothing tells us when).
        await waitForLogEnd(broker.cluster, topic, 50);
      } else {
        assert.equal(first.length, 1);
        assert.equal(first[0].errorCode, 0);
        assert.equal(first[0].baseOffset, '0');
        assert.equal(second[0].baseOffset, '25');
      }
      const stored = storedRecords(broker.cluster, topic);
      assert.deepEqual(stored.map((r) => [r.offset, r.key, r.value]), messages.map((m, i) => [i, m.key, m.value]));
      const read = await kafkajsRead(cluster, topic);
      assert.deepEqual(read.map((m) => [Number(m.offset), str(m.key), str(m.value)]), messages.map((m, i) => [i, m.key, m.value]));
      const offsets = await admin.fetchTopicOffsets(topic);
      assert.deepEqual(offsets, [{ partition: 0, offset: '50', high: '50', low: '0' }]);
    });
  }

  for (const [name, codec, id] of [
    ['none', CompressionTypes.None, 0],
    ['gzip', CompressionTypes.GZIP, 1],
  ] as const) {
    it(`produces ${name}-compressed batches that the broker stores as such and kafkajs reads back`, async () => {
      const topic = `kjs-codec-${name}`;
      // Repetitive values so that compression has something to do; some large enough to span several KB.
      const messages = Array.from({ length: 200 }, (_, i) => ({ key: `key-${i}`, value: `${name}:${i}:` + 'abcdefgh'.repeat(i % 7 === 0 ? 500 : 4) }));
      for (let i = 0; i < messages.length; i += 50) {
        const r = await producer.send({ topic, acks: -1, compression: codec, messages: messages.slice(i, i + 50) });
        assert.equal(r[0].errorCode, 0);
      }
      const stored = storedRecords(broker.cluster, topic);
      assert.equal(stored.length, 200);
      assert.ok(stored.every((r) => r.compression === id), `batches stored with codecs ${[...new Set(stored.map((r) => r.compression))]}`);
      assert.deepEqual(stored.map((r) => r.value), messages.map((m) => m.value));
      const read = await kafkajsRead(cluster, topic);
      assert.deepEqual(read.map((m) => [Number(m.offset), str(m.key), str(m.value)]), messages.map((m, i) => [i, m.key, m.value]));
      // A fetch from the middle of a compressed batch: the broker serves the whole batch, kafkajs skips what it
      // did not ask for.
      const tail = await kafkajsRead(cluster, topic, 0, 130);
      assert.deepEqual(tail.map((m) => Number(m.offset)), Array.from({ length: 70 }, (_, i) => 130 + i));
    });
  }

  it('keeps headers: several per record, repeated keys, binary and empty values', async () => {
    const topic = 'kjs-headers';
    const binary = Buffer.from([0, 1, 2, 0xff, 0xfe, 0x80]);
    await producer.send({
      topic,
      acks: -1,
      messages: [
        { key: 'a', value: 'one', headers: { 'trace-id': 'abc-123', 'content-type': 'text/plain' } },
        { key: 'b', value: 'two', headers: { multi: ['x', 'y', 'z'], empty: '', bin: binary } },
        { key: 'c', value: 'three' },
      ],
    });
    const stored = storedRecords(broker.cluster, topic);
    assert.deepEqual(stored.map((r) => r.headers), [
      [['trace-id', 'abc-123'], ['content-type', 'text/plain']],
      [['multi', 'x'], ['multi', 'y'], ['multi', 'z'], ['empty', ''], ['bin', binary.toString('utf8')]],
      [],
    ]);
    const read = await kafkajsRead(cluster, topic);
    assert.deepEqual(headerStrings(read[0].headers), { 'trace-id': 'abc-123', 'content-type': 'text/plain' });
    assert.deepEqual(headerStrings(read[1].headers), { multi: ['x', 'y', 'z'], empty: '', bin: binary.toString() });
    assert.ok(Buffer.isBuffer(read[1].headers.bin) && (read[1].headers.bin as Buffer).equals(binary), 'binary header value survives');
    assert.deepEqual(read[2].headers, {});
  });

  it('keeps null keys and null values (tombstones) apart from empty ones', async () => {
    const topic = 'kjs-nulls';
    await producer.send({
      topic,
      acks: 1,
      messages: [
        { key: null, value: 'no key' },
        { key: 'tomb', value: null },
        { key: null, value: null },
        { key: '', value: '' },
      ],
    });
    const expected = [
      [null, 'no key'],
      ['tomb', null],
      [null, null],
      ['', ''],
    ];
    assert.deepEqual(storedRecords(broker.cluster, topic).map((r) => [r.key, r.value]), expected);
    const read = await kafkajsRead(cluster, topic);
    assert.deepEqual(read.map((m) => [str(m.key), str(m.value)]), expected);
  });

  it('accepts a batch of exactly message.max.bytes (1048588) and rejects one byte more with MESSAGE_TOO_LARGE', async () => {
    const topic = 'kjs-max-bytes';
    const limit = 1048588;
    // The value size whose one-record, null-key batch is exactly `limit` bytes, as kafkajs encodes it
    // (timestamp delta 0, offset delta 0, no headers: the same bytes as our encoder).
    const sizeFor = (n: number) => encodeRecordBatch({ records: [{ key: null, value: Buffer.alloc(n), timestamp: 0 }] }).length;
    let n = limit - 80;
    while (sizeFor(n) < limit) n++;
    assert.equal(sizeFor(n), limit);
    const ok = await producer.send({ topic, acks: -1, messages: [{ key: null, value: Buffer.alloc(n, 0x61) }] });
    assert.equal(ok[0].errorCode, 0);
    const log = broker.cluster.leaderLog(topic, 0);
    assert.equal(log.logEndOffset, 1);
    assert.equal(log.read(0, 2 << 20, 'logEnd').records.length, limit, 'the stored batch is exactly message.max.bytes long');

    await assert.rejects(
      producer.send({ topic, acks: -1, messages: [{ key: null, value: Buffer.alloc(n + 1, 0x62) }] }),
      (e: unknown) => {
        assert.ok(e instanceof KafkaJSProtocolError, `expected KafkaJSProtocolError, got ${(e as Error)?.name}: ${(e as Error)?.message}`);
        assert.equal(e.type, 'MESSAGE_TOO_LARGE');
        assert.equal(e.retriable, false);
        assert.match(e.message, /larger than the max message size/);
        return true;
      },
    );
    assert.equal(log.logEndOffset, 1, 'nothing of the rejected batch was appended');
    // The producer and the connection are still good.
    const after = await producer.send({ topic, acks: -1, messages: [{ value: 'small' }] });
    assert.equal(after[0].baseOffset, '1');
  });

  it('lists offsets: earliest/latest and by timestamp (ListOffsets)', async () => {
    const topic = 'kjs-timestamps';
    const base = Date.now() - 60000;
    await producer.send({ topic, acks: -1, messages: Array.from({ length: 10 }, (_, i) => ({ value: `t${i}`, timestamp: String(base + i * 1000) })) });
    assert.deepEqual(await admin.fetchTopicOffsets(topic), [{ partition: 0, offset: '10', high: '10', low: '0' }]);
    assert.deepEqual(await admin.fetchTopicOffsetsByTimestamp(topic, base + 3500), [{ partition: 0, offset: '4' }]);
    assert.deepEqual(await admin.fetchTopicOffsetsByTimestamp(topic, base), [{ partition: 0, offset: '0' }]);
    const read = await kafkajsRead(cluster, topic);
    assert.deepEqual(read.map((m) => Number(m.timestamp) - base), Array.from({ length: 10 }, (_, i) => i * 1000));
  });

  it('sees topics and partitions through Metadata (auto-created and created by the cluster)', async () => {
    broker.cluster.createTopic('kjs-three', 3, 1);
    const md = await admin.fetchTopicMetadata({ topics: ['kjs-three', 'kjs-acks-1'] });
    const byName = Object.fromEntries(md.topics.map((t) => [t.name, t.partitions.map((p) => [p.partitionId, p.leader]).sort()]));
    assert.deepEqual(byName, { 'kjs-three': [[0, 0], [1, 0], [2, 0]], 'kjs-acks-1': [[0, 0]] });
    // The default partitioner spreads keyed messages over the three partitions; each lands where kafkajs says.
    const res = await producer.send({ topic: 'kjs-three', acks: -1, messages: Array.from({ length: 30 }, (_, i) => ({ key: `key-${i}`, value: `v${i}` })) });
    const total = res.reduce((n, r) => n + (r.errorCode === 0 ? 1 : 0), 0);
    assert.equal(total, res.length);
    let stored = 0;
    for (const p of [0, 1, 2]) stored += storedRecords(broker.cluster, 'kjs-three', p).length;
    assert.equal(stored, 30);
    assert.ok(res.length >= 2, 'keys were spread over more than one partition');
  });
});
