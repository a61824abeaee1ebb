import { strict as assert } from 'node:assert';
import {
  ConsumedRecord,
  ConsumerInitNotification,
  ConsumerRecordsNotification,
  ConsumerStatusNotification,
  OpenValueCommand,
  PauseCommand,
  ReproduceRequest,
  SubscribeRequest,
  UnsubscribeCommand,
  WebviewReadyCommand,
} from '../../../src/shared/webview-protocol';
import { ConsumerRouter } from '../../../src/webviews/consumer-router';
import { ConsumerSession, recordWeight, viewOfBase64 } from '../../../src/webviews/consumer-session';
import { formatValue, hexDump } from '../../../src/webviews/value-format';
import { bytesToBuffer, type BrokerApi } from '../../../src/broker/api';
import { RecordingEnv, TestService, command, request, sleep, startService } from './webviews-support';

type Batch = { subscriptionId: number; records: ConsumedRecord[] };

function recordsOf(env: RecordingEnv, subscriptionId?: number): ConsumedRecord[] {
  return env.of<Batch>(ConsumerRecordsNotification).filter((b) => subscriptionId === undefined || b.subscriptionId === subscriptionId).flatMap((b) => b.records);
}

async function waitForRecords(env: RecordingEnv, n: number, subscriptionId?: number): Promise<ConsumedRecord[]> {
  await env.waitFor(ConsumerRecordsNotification, () => recordsOf(env, subscriptionId).length >= n);
  return recordsOf(env, subscriptionId);
}

/** Per partition, the offsets seen, in arrival order. */
function offsetsByPartition(records: ConsumedRecord[]): Map<number, number[]> {
  const m = new Map<number, number[]>();
  for (const r of records) m.set(r.partition, [...(m.get(r.partition) ?? []), r.offset]);
  return m;
}

describe('Consumer panel host (ConsumerRouter + ConsumerSession, real broker)', () => {
  let t: TestService;
  let env: RecordingEnv;
  let router: ConsumerRouter;
  const options = { maxPerMessage: 100, fetchRecords: 150, flushMs: 10, pollMs: 300, retryMs: 100 };

  beforeEach(async () => {
    t = await startService();
    await t.service.createTopic({ name: 'orders', partitions: 3 });
    env = new RecordingEnv();
    router = new ConsumerRouter(t.source, env, 'orders', options);
  });
  afterEach(async () => {
    router.dispose();
    await t.stop();
  });

  async function produce(n: number, start = 0, topic = 'orders'): Promise<void> {
    for (let i = 0; i < n; i += 500) {
      const records = Array.from({ length: Math.min(500, n - i) }, (_, j) => ({ key: `k${start + i + j}`, value: `v${start + i + j}` }));
      await t.service.produce({ topic, records });
    }
  }

  it('init: the topic, its partitions, every topic, the buffer and preview caps; no tail until asked (or autoStart: the last 100 of each partition)', async () => {
    await command(router, WebviewReadyCommand, { panel: 'consumer' });
    const [init] = env.of(ConsumerInitNotification);
    assert.deepEqual([init.topic, init.partitions, init.maxRecords, init.maxPreviewBytes, init.autoStart], ['orders', 3, 100_000, 65536, undefined]);
    assert.ok(init.topics.some((x) => x.name === 'orders'));

    const fresh = new ConsumerRouter(t.source, env, 'orders', { ...options, autoStart: true });
    await command(fresh, WebviewReadyCommand, { panel: 'consumer' });
    assert.deepEqual(env.of(ConsumerInitNotification)[1].autoStart, { kind: 'lastN', count: 100 });
    await command(fresh, WebviewReadyCommand, { panel: 'consumer' }); // a reload of that webview: no second auto start
    assert.equal(env.of(ConsumerInitNotification)[2].autoStart, undefined);
    fresh.dispose();
  });

  /** `perPartition[p]` records in partition p, values p-<offset>, timestamps T + offset seconds. */
  async function fill(perPartition: number[], T = 1_700_000_000_000): Promise<void> {
    for (const [partition, n] of perPartition.entries()) {
      for (let i = 0; i < n; i += 500) {
        const records = Array.from({ length: Math.min(500, n - i) }, (_, j) => ({ value: `${partition}-${i + j}`, partition, timestamp: T + (i + j) * 1000 }));
        await t.service.produce({ topic: 'orders', records });
      }
    }
  }

  it('starts at the last N of each partition (fewer where a partition holds fewer), then goes on live', async () => {
    await fill([250, 250, 30]);
    const sub = await request(router, env, SubscribeRequest, { topic: 'orders', start: { kind: 'lastN', count: 100 }, partitions: null });
    assert.deepEqual(sub.result!.partitions, [
      { partition: 0, startOffset: 150, endOffset: 250 },
      { partition: 1, startOffset: 150, endOffset: 250 },
      { partition: 2, startOffset: 0, endOffset: 30 },
    ]);
    const got = await waitForRecords(env, 230);
    const by = offsetsByPartition(got);
    assert.deepEqual(by.get(0), Array.from({ length: 100 }, (_, i) => 150 + i));
    assert.deepEqual(by.get(1), Array.from({ length: 100 }, (_, i) => 150 + i));
    assert.deepEqual(by.get(2), Array.from({ length: 30 }, (_, i) => i));
    await t.service.produce({ topic: 'orders', records: [{ value: 'live', partition: 1 }] });
    const more = await waitForRecords(env, 231);
    assert.deepEqual([more[230].partition, more[230].offset, more[230].value!.text], [1, 250, 'live']);
    assert.equal(env.of(ConsumerStatusNotification).some((s) => s.status === 'stopped'), false, 'a tail is not bounded by the buffer');
    // More than a partition's records, and more than the buffer holds in all: still a tail (the panel drops the oldest).
    const small = new ConsumerRouter(t.source, env, 'orders', { ...options, maxRecords: 50 });
    const big = await request(small, env, SubscribeRequest, { topic: 'orders', start: { kind: 'lastN', count: 400 }, partitions: null });
    await env.waitFor(ConsumerRecordsNotification, () => recordsOf(env, big.result!.subscriptionId).length >= 531);
    small.dispose();
    const bad = await request(router, env, SubscribeRequest, { topic: 'orders', start: { kind: 'lastN', count: 0 }, partitions: null });
    assert.equal(bad.error?.code, 'INVALID_REQUEST');
  });

  it('starts at a time in every partition', async () => {
    const T = 1_700_000_000_000;
    await fill([30, 30, 30], T);
    const ts = await request(router, env, SubscribeRequest, { topic: 'orders', start: { kind: 'timestamp', timestamp: T + 25_500 }, partitions: null });
    assert.deepEqual(ts.result!.partitions.map((p) => [p.partition, p.startOffset]), [[0, 26], [1, 26], [2, 26]]);
    const got = await waitForRecords(env, 12);
    assert.deepEqual([...offsetsByPartition(got).entries()].sort(), [[0, [26, 27, 28, 29]], [1, [26, 27, 28, 29]], [2, [26, 27, 28, 29]]]);
  });

  it('stops after N records in all: exactly N, the first of each partition, then status stopped saying so', async () => {
    await fill([250, 250, 250]);
    const sub = await request(router, env, SubscribeRequest, { topic: 'orders', start: { kind: 'earliest' }, partitions: null, stopAfter: 120 });
    const statuses = await env.waitFor(ConsumerStatusNotification, (all) => all.some((s) => s.status === 'stopped'));
    assert.deepEqual(statuses.at(-1), { status: 'stopped', message: 'Stopped after 120 records, as asked.', stopped: { records: 120, reason: 'stopAfter' } });
    const got = recordsOf(env, sub.result!.subscriptionId);
    assert.equal(got.length, 120);
    for (const offsets of offsetsByPartition(got).values()) assert.deepEqual(offsets, offsets.map((_, i) => i), 'each partition from its start, no gap');
    await t.service.produce({ topic: 'orders', records: [{ value: 'after', partition: 0 }] });
    await sleep(400);
    assert.equal(recordsOf(env).length, 120, 'nothing after it stopped');

    // From an offset, and from the last N, the same.
    const at = await request(router, env, SubscribeRequest, { topic: 'orders', start: { kind: 'offset', offset: 240 }, partitions: [2], stopAfter: 5 });
    await env.waitFor(ConsumerStatusNotification, (all) => all.filter((s) => s.status === 'stopped').length === 2);
    assert.deepEqual(recordsOf(env, at.result!.subscriptionId).map((r) => r.offset), [240, 241, 242, 243, 244]);
    const tail = await request(router, env, SubscribeRequest, { topic: 'orders', start: { kind: 'lastN', count: 100 }, partitions: null, stopAfter: 250 });
    await env.waitFor(ConsumerStatusNotification, (all) => all.filter((s) => s.status === 'stopped').length === 3);
    assert.equal(recordsOf(env, tail.result!.subscriptionId).length, 250);
    const bad = await request(router, env, SubscribeRequest, { topic: 'orders', start: { kind: 'earliest' }, partitions: null, stopAfter: 0 });
    assert.equal(bad.error?.code, 'INVALID_REQUEST');
  });

  it('earliest over a topic bigger than the panel keeps the first records it can hold and stops reading, saying so', async () => {
    await fill([250, 250, 250]);
    const small = new ConsumerRouter(t.source, env, 'orders', { ...options, maxRecords: 500 });
    await command(small, WebviewReadyCommand, { panel: 'consumer' });
    assert.equal(env.of(ConsumerInitNotification).at(-1)!.maxRecords, 500);
    const sub = await request(small, env, SubscribeRequest, { topic: 'orders', start: { kind: 'earliest' }, partitions: null });
    const statuses = await env.waitFor(ConsumerStatusNotification, (all) => all.some((s) => s.status === 'stopped'));
    assert.deepEqual(statuses.at(-1)!.stopped, { records: 500, reason: 'buffer' });
    assert.match(statuses.at(-1)!.message!, /first 500 records, as many as the panel keeps; stopped reading/);
    const got = recordsOf(env, sub.result!.subscriptionId);
    assert.equal(got.length, 500);
    const by = offsetsByPartition(got);
    assert.equal(by.size, 3);
    for (const offsets of by.values()) assert.deepEqual(offsets, offsets.map((_, i) => i), 'the first records of each partition, in order');
    // A stopAfter under the buffer is the reason; one over it is not.
    const over = await request(small, env, SubscribeRequest, { topic: 'orders', start: { kind: 'earliest' }, partitions: null, stopAfter: 600 });
    await env.waitFor(ConsumerStatusNotification, (all) => all.filter((s) => s.status === 'stopped').length === 2);
    assert.equal(recordsOf(env, over.result!.subscriptionId).length, 500);
    assert.deepEqual(env.of(ConsumerStatusNotification).at(-1)!.stopped, { records: 500, reason: 'buffer' });
    small.dispose();
  });

  it('tails from the earliest offsets: every record once, in offset order per partition, at most maxPerMessage per message, then live as records arrive', async () => {
    await produce(1000);
    const sub = await request(router, env, SubscribeRequest, { topic: 'orders', start: { kind: 'earliest' }, partitions: null });
    assert.equal(sub.error, undefined);
    const { subscriptionId, partitions } = sub.result!;
    assert.equal(subscriptionId, 1);
    assert.deepEqual(partitions.map((p) => [p.partition, p.startOffset]), [[0, 0], [1, 0], [2, 0]]);
    assert.equal(partitions.reduce((n, p) => n + p.endOffset, 0), 1000);

    let got = await waitForRecords(env, 1000);
    for (const b of env.of<Batch>(ConsumerRecordsNotification)) {
      assert.ok(b.records.length <= 100, `a message of ${b.records.length} records`);
      assert.equal(b.subscriptionId, 1);
    }
    for (const [partition, offsets] of offsetsByPartition(got)) {
      assert.deepEqual(offsets, Array.from({ length: partitions[partition].endOffset }, (_, i) => i), `partition ${partition}`);
    }
    const r = got.find((x) => x.key?.text === 'k7')!;
    assert.deepEqual([r.topic, r.value!.text, r.value!.utf8, r.value!.truncated, r.timestampType], ['orders', 'v7', true, false, 'CreateTime']);
    assert.deepEqual(env.of(ConsumerStatusNotification).at(-1), { status: 'running' });

    await produce(50, 1000); // live: the partitionsAppended event wakes the caught-up partitions
    got = await waitForRecords(env, 1050);
    assert.equal(got.length, 1050);
    assert.deepEqual(new Set(got.slice(1000).map((x) => x.key!.text)), new Set(Array.from({ length: 50 }, (_, i) => `k${1000 + i}`)));
    for (const offsets of offsetsByPartition(got).values()) assert.deepEqual(offsets, offsets.map((_, i) => i));
  });

  it('starts at an offset or a timestamp, on chosen partitions; follows partitions added later when it covers them all', async () => {
    const T = 1_700_000_000_000;
    await t.service.produce({ topic: 'orders', records: Array.from({ length: 30 }, (_, i) => ({ value: `t${i}`, partition: 0, timestamp: T + i * 1000 })) });
    const at = await request(router, env, SubscribeRequest, { topic: 'orders', start: { kind: 'offset', offset: 10 }, partitions: [0] });
    assert.deepEqual(at.result!.partitions, [{ partition: 0, startOffset: 10, endOffset: 30 }]);
    let got = await waitForRecords(env, 20, at.result!.subscriptionId);
    assert.deepEqual(got.map((r) => r.offset), Array.from({ length: 20 }, (_, i) => 10 + i));

    const ts = await request(router, env, SubscribeRequest, { topic: 'orders', start: { kind: 'timestamp', timestamp: T + 25_500 }, partitions: [0] });
    assert.equal(ts.result!.subscriptionId, at.result!.subscriptionId + 1, 'ids strictly increase');
    got = await waitForRecords(env, 4, ts.result!.subscriptionId);
    assert.deepEqual(got.map((r) => r.value!.text), ['t26', 't27', 't28', 't29']);

    const all = await request(router, env, SubscribeRequest, { topic: 'orders', start: { kind: 'latest' }, partitions: null });
    assert.equal(all.result!.partitions.length, 3);
    await t.service.addPartitions('orders', 4);
    await sleep(300); // the topicChanged event
    await t.service.produce({ topic: 'orders', records: [{ value: 'in-new-partition', partition: 3 }] });
    got = await waitForRecords(env, 1, all.result!.subscriptionId);
    assert.deepEqual(got.map((r) => [r.partition, r.offset, r.value!.text]), [[3, 0, 'in-new-partition']]);
  });

  it('pause keeps the position and sends nothing; resume catches up; unsubscribe stops; a new subscription replaces the old one', async () => {
    const sub = await request(router, env, SubscribeRequest, { topic: 'orders', start: { kind: 'latest' }, partitions: null });
    const id = sub.result!.subscriptionId;
    await command(router, PauseCommand, { paused: true });
    assert.deepEqual(env.of(ConsumerStatusNotification).at(-1), { status: 'paused' });
    await produce(20);
    await sleep(500);
    assert.equal(recordsOf(env, id).length, 0, 'nothing while paused');
    await command(router, PauseCommand, { paused: false });
    const got = await waitForRecords(env, 20, id);
    assert.deepEqual(got.map((r) => r.key!.text).sort(), Array.from({ length: 20 }, (_, i) => `k${i}`).sort());
    await command(router, UnsubscribeCommand, undefined);
    assert.deepEqual(env.of(ConsumerStatusNotification).at(-1), { status: 'stopped' });
    await produce(5, 20);
    await sleep(400);
    assert.equal(recordsOf(env).length, 20, 'nothing after unsubscribe');

    // Replaced: a long catch-up from the earliest offsets is cut off by a new subscription.
    await produce(3000, 100);
    const first = await request(router, env, SubscribeRequest, { topic: 'orders', start: { kind: 'earliest' }, partitions: null });
    const second = await request(router, env, SubscribeRequest, { topic: 'orders', start: { kind: 'latest' }, partitions: null });
    const mark = env.posted.length;
    await sleep(500);
    const later = env.posted.slice(mark).filter((m) => m.method === ConsumerRecordsNotification.method && (m.params as Batch).subscriptionId === first.result!.subscriptionId);
    assert.equal(later.length, 0, 'no record of the replaced subscription is pushed after the new one is answered');
    assert.equal(second.result!.subscriptionId, first.result!.subscriptionId + 1);
  });

  it('sends a capped preview of large values (truncated, with the whole size), opens the whole value as text, JSON or hex', async () => {
    const big = Buffer.alloc(200_000, 'a');
    const json = JSON.stringify({ id: 1, items: [1, 2, 3], note: 'x'.repeat(70_000) });
    await t.service.produce({ topic: 'orders', records: [{ key: 'big', value: { base64: big.toString('base64') }, partition: 1 }, { key: 'json', value: json, partition: 1 }, { key: 'bin', value: { base64: Buffer.from([0, 1, 2, 255]).toString('base64') }, partition: 1 }] });
    await request(router, env, SubscribeRequest, { topic: 'orders', start: { kind: 'earliest' }, partitions: [1] });
    const [r0, r1, r2] = await waitForRecords(env, 3);
    assert.deepEqual([r0.value!.size, r0.value!.truncated, Buffer.from(r0.value!.base64, 'base64').length, r0.value!.text.length], [200_000, true, 65536, 65536]);
    assert.deepEqual([r0.key!.truncated, r0.key!.text], [false, 'big']);
    assert.equal(r1.value!.truncated, true);
    assert.deepEqual([r2.value!.utf8, r2.value!.size], [false, 4]);

    await command(router, OpenValueCommand, { topic: 'orders', partition: 1, offset: 1, part: 'value', format: 'json' });
    await command(router, OpenValueCommand, { topic: 'orders', partition: 1, offset: 0, part: 'value', format: 'text' });
    await command(router, OpenValueCommand, { topic: 'orders', partition: 1, offset: 2, part: 'value', format: 'hex' });
    await command(router, OpenValueCommand, { topic: 'orders', partition: 1, offset: 2, part: 'key', format: 'json' });
    await command(router, OpenValueCommand, { topic: 'orders', partition: 1, offset: 99, part: 'value', format: 'text' });
    const [asJson, asText, asHex, notJson] = env.documents;
    assert.deepEqual(JSON.parse(asJson.content), JSON.parse(json));
    assert.ok(asJson.content.includes('\n  "items": [\n'));
    assert.deepEqual([asJson.language, asJson.name], ['json', 'orders-1@1.value.json']);
    assert.equal(asText.content.length, 200_000, 'the whole value, not the preview');
    assert.equal(asHex.content, `00000000  ${'00 01 02 ff '.padEnd(49)} |....|\n00000004\n`);
    assert.deepEqual([notJson.content, notJson.language], ['bin', 'plaintext']);
    assert.match(env.messages[0].message, /Not JSON/);
    assert.match(env.messages[1].message, /offset 99/);
    assert.equal(env.messages[1].level, 'error');
  });

  it('reproduces a record’s original bytes and headers to another topic; failures carry the Kafka error name', async () => {
    await t.service.createTopic({ name: 'replay', partitions: 2 });
    const value = Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00]);
    await t.service.produce({ topic: 'orders', records: [{ key: 'order-9', value: { base64: value.toString('base64') }, headers: [{ key: 'h', value: { base64: Buffer.from([1, 2]).toString('base64') } }, { key: 'n', value: null }], partition: 2 }] });
    const res = await request(router, env, ReproduceRequest, { source: { topic: 'orders', partition: 2, offset: 0 }, targetTopic: 'replay', targetPartition: 1 });
    assert.deepEqual(res.result, { partition: 1, offset: 0 });
    const copy = (await t.service.consume({ topic: 'replay', partition: 1, from: { kind: 'earliest' } })).records[0];
    assert.deepEqual(bytesToBuffer(copy.value!), value);
    assert.equal(bytesToBuffer(copy.key!).toString(), 'order-9');
    assert.deepEqual(copy.headers.map((h) => [h.key, h.value && [...bytesToBuffer(h.value)]]), [['h', [1, 2]], ['n', null]]);

    const auto = await request(router, env, ReproduceRequest, { source: { topic: 'orders', partition: 2, offset: 0 }, targetTopic: 'replay', targetPartition: null });
    assert.equal(auto.error, undefined);
    const noPartition = await request(router, env, ReproduceRequest, { source: { topic: 'orders', partition: 2, offset: 0 }, targetTopic: 'replay', targetPartition: 9 });
    assert.equal(noPartition.error?.code, 'UNKNOWN_TOPIC_OR_PARTITION');
    const gone = await request(router, env, ReproduceRequest, { source: { topic: 'orders', partition: 2, offset: 5 }, targetTopic: 'replay', targetPartition: null });
    assert.equal(gone.error?.code, 'OFFSET_OUT_OF_RANGE');
    const unknown = await request(router, env, SubscribeRequest, { topic: 'nope', start: { kind: 'earliest' }, partitions: null });
    assert.equal(unknown.error?.code, 'UNKNOWN_TOPIC_OR_PARTITION');
    const badStart = await request(router, env, SubscribeRequest, { topic: 'orders', start: { kind: 'yesterday' } as never, partitions: null });
    assert.equal(badStart.error?.code, 'INVALID_REQUEST');
  });

  it('says so when the topic is deleted under it', async () => {
    await request(router, env, SubscribeRequest, { topic: 'orders', start: { kind: 'latest' }, partitions: null });
    await t.service.deleteTopic('orders');
    const statuses = await env.waitFor(ConsumerStatusNotification, (all) => all.some((s) => s.status === 'error'));
    assert.match(statuses.find((s) => s.status === 'error')!.message!, /orders/);
  });

  it('a slow webview slows the fetching: queued records stay bounded (backpressure)', async () => {
    await produce(6000);
    let consumed = 0;
    const counting = {
      api: async () =>
        new Proxy(t.service, {
          get(target, prop, receiver) {
            if (prop === 'consume') return async (...args: Parameters<BrokerApi['consume']>) => {
              const r = await target.consume(...args);
              consumed += r.records.length;
              return r;
            };
            return Reflect.get(target, prop, receiver) as unknown;
          },
        }) as BrokerApi,
      onEvent: t.source.onEvent,
    };
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const posted: number[] = [];
    const session = new ConsumerSession(counting, { records: async (_id, recs) => (posted.push(recs.length), gate), status: () => undefined }, { maxQueued: 1000, fetchRecords: 200, maxPerMessage: 100, flushMs: 5, pollMs: 100 });
    await session.subscribe({ topic: 'orders', start: { kind: 'earliest' }, partitions: null });
    await sleep(600);
    assert.equal(posted.length, 1, 'the first post has not been taken');
    assert.ok(consumed <= 1000 + 3 * 200, `fetched ${consumed} records while the webview took none`);
    release();
    const deadline = Date.now() + 15000;
    while (posted.reduce((a, b) => a + b, 0) < 6000 && Date.now() < deadline) await sleep(20);
    assert.equal(posted.reduce((a, b) => a + b, 0), 6000);
    session.dispose();
  });

  it('large records: messages are cut by bytes as well as count, and consumes ask for fewer records', async () => {
    const value = { base64: Buffer.alloc(300_000, 'z').toString('base64') };
    for (let i = 0; i < 40; i++) await t.service.produce({ topic: 'orders', records: [{ value, partition: 0 }] });
    const asked: number[] = [];
    const recording = {
      api: async () =>
        new Proxy(t.service, {
          get(target, prop, receiver) {
            if (prop === 'consume') return (req: Parameters<BrokerApi['consume']>[0]) => (asked.push(req.maxRecords ?? -1), target.consume(req));
            return Reflect.get(target, prop, receiver) as unknown;
          },
        }) as BrokerApi,
      onEvent: t.source.onEvent,
    };
    const messages: ConsumedRecord[][] = [];
    const session = new ConsumerSession(recording, { records: (_id, recs) => void messages.push(recs), status: () => undefined }, { maxMessageBytes: 1 << 20, maxFetchBytes: 2 << 20, flushMs: 5, pollMs: 100 });
    await session.subscribe({ topic: 'orders', start: { kind: 'earliest' }, partitions: [0] });
    const deadline = Date.now() + 10_000;
    while (messages.flat().length < 40 && Date.now() < deadline) await sleep(20);
    session.dispose();
    assert.equal(messages.flat().length, 40);
    for (const m of messages) assert.ok(m.length === 1 || m.reduce((n, r) => n + recordWeight(r), 0) <= 1 << 20, `a message of ${m.length} large records`);
    assert.ok(messages.length >= 7, `${messages.length} messages`);
    assert.equal(asked[0], 100, 'the first consume asks for a few records');
    assert.ok(asked.slice(1).every((n) => n === 5), `then 2 MiB / 400 KB of base64 = 5 records: ${asked.join(',')}`);
  });

  it('value formatting and previews of base64 without decoding the whole value', () => {
    const lines = hexDump(Buffer.from('0123456789abcdefXY')).split('\n');
    assert.equal(lines[0], '00000000  30 31 32 33 34 35 36 37  38 39 61 62 63 64 65 66  |0123456789abcdef|');
    assert.equal(lines[1], `00000010  ${'58 59 '.padEnd(49)} |XY|`);
    assert.equal(lines[2], '00000012');
    assert.deepEqual(formatValue(Buffer.from('[1,2]'), 'json'), { content: '[\n  1,\n  2\n]\n', language: 'json', extension: 'json' });
    assert.equal(formatValue(null, 'text').note, 'The field is null.');
    const v = viewOfBase64(Buffer.from('héllo wörld').toString('base64'), 2);
    assert.deepEqual([v.size, v.truncated, v.text, v.utf8], [13, true, 'h', true]);
  });
});
