import { strict as assert } from 'node:assert';
import type { ConsumeResult, TopicSummary } from '../../../src/broker/api';
import { bytesFromText } from '../../../src/broker/api';
import { ConsumeSpec, ProduceSpec, parseKafkaFile } from '../../../src/editor/kafka-file';
import { ProduceTally, brokenJson, buildRecords, consumeDocument, consumeSummary, prettyValue, produceRequest } from '../../../src/editor/records';
import { TopicCache } from '../../../src/editor/topic-cache';

const ENV = { now: () => Date.UTC(2025, 0, 1), random: () => 0, uuid: () => 'id' };

describe('.kafka records', () => {
  it('renders each record of a run: {{i}} from 0, {{seq}} going on from the block counter', () => {
    const spec = parseKafkaFile('PRODUCE t key=k-{{seq}} partition=1 compression=gzip\nX-I: {{i}}\n\n{"n": {{seq}}}').blocks[0].request as ProduceSpec;
    const recs = buildRecords(spec, 2, 3, 10, ENV);
    assert.deepEqual(recs, [
      { key: 'k-12', partition: 1, value: '{"n": 12}', headers: [{ key: 'X-I', value: '2' }] },
      { key: 'k-13', partition: 1, value: '{"n": 13}', headers: [{ key: 'X-I', value: '3' }] },
      { key: 'k-14', partition: 1, value: '{"n": 14}', headers: [{ key: 'X-I', value: '4' }] },
    ]);
    assert.deepEqual(produceRequest(spec, recs), { topic: 't', records: recs, compression: 'gzip' });
    const tomb = parseKafkaFile('PRODUCE t key=gone').blocks[0].request as ProduceSpec;
    assert.deepEqual(buildRecords(tomb, 0, 1, 1, ENV), [{ key: 'gone', value: null, headers: [] }]);
  });

  it('renders a large run quickly (templates compiled once)', () => {
    const spec = parseKafkaFile('PRODUCE t key=user-{{random.int(1,1000)}}\n\n{"id":"{{uuid}}","n":{{seq}},"at":"{{now}}","c":"{{random.choice(a,b,c)}}"}').blocks[0].request as ProduceSpec;
    const t0 = process.hrtime.bigint();
    const recs = buildRecords(spec, 0, 100_000, 1, { now: Date.now, random: Math.random, uuid: () => 'x' });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    assert.equal(recs.length, 100_000);
    assert.ok(ms < 2000, `100k records took ${ms} ms`);
  });

  it('tallies where records went, per partition', () => {
    const t = new ProduceTally();
    t.add([{ partition: 0, offset: 5, timestamp: 0 }]);
    assert.equal(t.describe(), 'partition 0, offset 5');
    t.add([
      { partition: 2, offset: 3, timestamp: 0 },
      { partition: 0, offset: 6, timestamp: 0 },
      { partition: 2, offset: 4, timestamp: 0 },
    ]);
    assert.equal(t.total, 4);
    assert.equal(t.describe(), 'partition 0: offsets 5–6 (2); partition 2: offsets 3–4 (2)');
  });

  it('writes consumed records as a readable document, JSON indented, binary as base64', () => {
    const spec = parseKafkaFile('CONSUME orders max=5').blocks[0].request as ConsumeSpec;
    const rec = (partition: number, offset: number, timestamp: number, value: string | null, key: string | null = null) => ({
      partition,
      offset,
      timestamp,
      timestampType: 'CreateTime' as const,
      key: key === null ? null : bytesFromText(key),
      value: value === null ? null : bytesFromText(value),
      headers: [{ key: 'h', value: bytesFromText('v') }],
      size: 10,
      leaderEpoch: 0,
    });
    const results: ConsumeResult[] = [
      { topic: 'orders', partition: 0, startOffset: 0, nextOffset: 2, logStartOffset: 0, highWatermark: 2, logEndOffset: 2, records: [rec(0, 0, 1000, '{"a":1}', 'k'), rec(0, 1, 3000, null)] },
      { topic: 'orders', partition: 1, startOffset: 0, nextOffset: 1, logStartOffset: 0, highWatermark: 1, logEndOffset: 1, records: [rec(1, 0, 2000, 'text')] },
    ];
    results[1].records[0].value = { base64: Buffer.from([0xff, 0xfe, 0x00]).toString('base64') };
    const doc = consumeDocument(spec, results, new Date(0));
    const lines = doc.split('\n');
    assert.match(lines[0], /^# CONSUME orders from=earliest max=5 per partition — 3 records/);
    assert.match(doc, /### orders-0 @ 0 · 1970-01-01T00:00:01\.000Z \(CreateTime\)\n# key: "k"\n# header h: v\n\{\n {2}"a": 1\n\}/);
    // In time order across partitions.
    assert.ok(doc.indexOf('orders-0 @ 0') < doc.indexOf('orders-1 @ 0') && doc.indexOf('orders-1 @ 0') < doc.indexOf('orders-0 @ 1'));
    assert.match(doc, /# value \(bytes, base64\):\n\/\/4A/);
    assert.match(doc, /# value: \(null, a tombstone\)/);
    assert.equal(consumeSummary(spec, results), 'CONSUME orders from earliest: 3 records · p0 0–1 (HW 2), p1 0–0 (HW 1)');
    assert.equal(prettyValue('[1,2]'), '[\n  1,\n  2\n]');
    assert.equal(prettyValue('{not json}'), '{not json}');
    assert.equal(brokenJson('{"a":'), true);
    assert.equal(brokenJson('plain'), false);
  });

  it('keeps the topic list until a topic event, and asks nothing while no broker runs', async () => {
    let running = false;
    let list: TopicSummary[] = [{ name: 'a', topicId: 'x', partitions: 1, replicationFactor: 1, underReplicated: 0, offline: 0, internal: false }];
    const cache = new TopicCache(() => (running ? Promise.resolve(list) : undefined));
    assert.deepEqual(await cache.get(), []);
    assert.equal(cache.loads, 0);
    running = true;
    assert.deepEqual((await cache.get()).map((t) => t.name), ['a']);
    list = [...list, { ...list[0], name: 'b' }];
    assert.deepEqual((await cache.get()).map((t) => t.name), ['a'], 'cached');
    cache.handleEvent({ type: 'partitionsAppended', partitions: [] });
    assert.equal(cache.loads, 1);
    cache.handleEvent({ type: 'topicCreated', topic: 'b', partitions: 1 });
    assert.deepEqual((await cache.get()).map((t) => t.name), ['a', 'b']);
    assert.equal(cache.loads, 2);
    const failing = new TopicCache(() => Promise.reject(new Error('down')));
    assert.deepEqual(await failing.get(), []);
    await failing.get();
    assert.equal(failing.loads, 2, 'a failure is not kept');
  });
});
