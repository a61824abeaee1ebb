import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  BatchBytesRequest,
  DumpSegmentRequest,
  ListSegmentsRequest,
  SegmentInitNotification,
  WebviewReadyCommand,
} from '../../../src/shared/webview-protocol';
import { SegmentRouter } from '../../../src/webviews/segment-router';
import { RecordingEnv, TestService, command, request, startService } from './webviews-support';

describe('Segment inspector host (SegmentRouter, real broker and files on disk)', function () {
  this.timeout(60_000);
  let t: TestService;
  let env: RecordingEnv;

  beforeEach(async () => {
    t = await startService({ nodes: 3 });
    await t.service.createTopic({ name: 'orders', partitions: 2, replicationFactor: 2, configs: { 'segment.bytes': '2000' } });
    for (let i = 0; i < 40; i++) await t.service.produce({ topic: 'orders', records: [{ key: `k${i}`, value: `value ${i} ${'x'.repeat(40)}`, partition: 1 }] });
    env = new RecordingEnv();
  });
  afterEach(async () => {
    await t.stop();
  });

  it('partition mode: the leader’s replica first, every segment, paged dumps, the other replica, a batch’s bytes; nothing outside the partition', async () => {
    const router = new SegmentRouter(t.source, env, { kind: 'partition', topic: 'orders', partition: 1 });
    const described = (await t.service.describeTopic('orders')).partitions[1];
    await command(router, WebviewReadyCommand, { panel: 'segment' });
    const [init] = env.of(SegmentInitNotification);
    assert.deepEqual([init.topic, init.partition, init.node], ['orders', 1, described.leader]);
    assert.deepEqual(init.replicaNodes, described.replicas);
    assert.ok(init.segments.length >= 2, `${init.segments.length} segments`);
    assert.deepEqual(init.segments.map((s) => s.baseOffset), described.segments.map((s) => s.baseOffset));
    assert.equal(init.segments.at(-1)!.active, true);

    let records = 0;
    for (const s of init.segments) {
      const d = await request(router, env, DumpSegmentRequest, { topic: 'orders', partition: 1, node: init.node, baseOffset: s.baseOffset, maxBatches: 500 });
      assert.equal(d.error, undefined);
      assert.deepEqual([d.result!.topic, d.result!.partition, d.result!.node, d.result!.baseOffset], ['orders', 1, init.node, s.baseOffset]);
      assert.ok(d.result!.batches.every((b) => b.isValid));
      records += d.result!.batches.reduce((n, b) => n + b.count, 0);
    }
    assert.equal(records, 40);
    const paged = await request(router, env, DumpSegmentRequest, { topic: 'orders', partition: 1, node: init.node, baseOffset: 0, maxBatches: 2 });
    assert.equal(paged.result!.batches.length, 2);
    const next = await request(router, env, DumpSegmentRequest, { topic: 'orders', partition: 1, node: init.node, baseOffset: 0, fromPosition: paged.result!.nextPosition, maxBatches: 2 });
    assert.equal(next.result!.batches[0].baseOffset, 2);

    const follower = init.replicaNodes.find((n) => n !== init.node)!;
    const listed = await request(router, env, ListSegmentsRequest, { topic: 'orders', partition: 1, node: follower });
    assert.ok(listed.result!.segments.length >= 1);
    const onFollower = await request(router, env, DumpSegmentRequest, { topic: 'orders', partition: 1, node: follower, baseOffset: 0 });
    assert.equal(onFollower.result!.node, follower);
    assert.equal(onFollower.result!.batches[0].baseOffset, 0);

    const b = paged.result!.batches[1];
    const bytes = await request(router, env, BatchBytesRequest, { topic: 'orders', partition: 1, node: init.node, baseOffset: 0, position: b.position, maxBytes: 4096 });
    assert.deepEqual([bytes.result!.size, bytes.result!.truncated, Buffer.from(bytes.result!.base64, 'base64').length], [b.size, false, b.size]);

    const notReplica = [0, 1, 2].find((n) => !init.replicaNodes.includes(n))!;
    assert.equal((await request(router, env, ListSegmentsRequest, { topic: 'orders', partition: 1, node: notReplica })).error?.code, 'REPLICA_NOT_AVAILABLE');
    // The request's topic and partition select nothing: the panel's own partition is read.
    const sneaky = await request(router, env, DumpSegmentRequest, { topic: '../../..', partition: 0, node: init.node, baseOffset: 0 });
    assert.equal(sneaky.result!.topic, 'orders');
    assert.equal(sneaky.result!.partition, 1);
    assert.equal((await request(router, env, DumpSegmentRequest, { topic: 'orders', partition: 1, node: init.node, baseOffset: -1 })).error?.code, 'INVALID_REQUEST');
    assert.match((await request(router, env, DumpSegmentRequest, { topic: 'orders', partition: 1, node: init.node, baseOffset: 123456 })).error!.message, /ENOENT/);
    router.dispose();
  });

  it('file mode: a segment file anywhere (no broker needed), its node from the path, only that segment', async () => {
    const status = await t.service.status();
    const described = (await t.service.describeTopic('orders')).partitions[1];
    const node = described.replicas[1];
    const dir = path.join(status.nodes.find((n) => n.id === node)!.logDir, 'orders-1');
    const second = fs.readdirSync(dir).filter((n) => n.endsWith('.log')).sort()[1];
    const copyDir = path.join(t.dataDir, 'elsewhere', 'node-7', 'orders-1');
    fs.mkdirSync(copyDir, { recursive: true });
    for (const n of fs.readdirSync(dir)) if (n.startsWith(second.slice(0, 20))) fs.copyFileSync(path.join(dir, n), path.join(copyDir, n));

    const offline = { api: async () => Promise.reject(new Error('no broker here')), onEvent: () => () => undefined };
    const router = new SegmentRouter(offline, env, { kind: 'file', file: path.join(copyDir, second.replace('.log', '.timeindex')) });
    await command(router, WebviewReadyCommand, { panel: 'segment' });
    const [init] = env.of(SegmentInitNotification);
    assert.deepEqual([init.topic, init.partition, init.node, init.replicaNodes], ['orders', 1, 7, [7]]);
    assert.deepEqual(init.segments.map((s) => s.logFile), [second]);
    const d = await request(router, env, DumpSegmentRequest, { topic: 'x', partition: 9, node: 3, baseOffset: init.segments[0].baseOffset });
    assert.equal(d.error, undefined);
    assert.equal(d.result!.batches[0].baseOffset, init.segments[0].baseOffset);
    assert.equal(d.result!.node, 7);
    router.dispose();
  });
});
