import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { EmbeddedCluster } from '../../../src/clusters/embedded-cluster';
import { dumpSegmentFile } from '../../../src/clusters/segment-dump';
import { BrokerEvent, BrokerStatus, bytesToText } from '../../../src/broker/api';
import { BrokerError, BROKER_METHODS } from '../../../src/broker/rpc';
import { partitionForKey } from '../../../src/broker/partitioner';
import { tmpDir, rm } from '../../support/tmp';
import { eventually, fakeWorker, requireBuiltWorker } from './support';

function rejectsWith(kafkaError: string) {
  return (e: unknown) => {
    assert.ok(e instanceof BrokerError, `expected a BrokerError, got ${String(e)}`);
    assert.equal(e.kafkaError, kafkaError, e.message);
    return true;
  };
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

describe('EmbeddedCluster: a real broker in a worker thread, over the typed RPC', function () {
  this.timeout(60000);
  let dir: string;
  let cluster: EmbeddedCluster;
  let status: BrokerStatus;
  const events: BrokerEvent[] = [];

  before(async () => {
    dir = tmpDir('tributary-host-');
    cluster = new EmbeddedCluster({
      workerPath: requireBuiltWorker(),
      broker: { dataDir: dir, nodes: 3, basePort: 0, config: { 'group.initial.rebalance.delay.ms': '0', 'offsets.topic.num.partitions': '3' } },
    });
    cluster.onEvent((e) => events.push(e));
    status = await cluster.start();
  });

  after(async () => {
    await cluster?.stop();
    rm(dir);
  });

  it('starts three nodes on real ports with one controller, reachable by a Kafka client at the bootstrap servers', async () => {
    assert.equal(cluster.state, 'running');
    assert.equal(status.nodes.length, 3);
    assert.equal(status.nodes.filter((n) => n.isController).length, 1);
    for (const n of status.nodes) {
      assert.ok(n.up && n.port !== null && n.port > 0);
      assert.equal(n.logDir, path.join(dir, `node-${n.id}`));
    }
    assert.equal(status.bootstrap, status.nodes.map((n) => `127.0.0.1:${n.port}`).join(','));
    assert.equal(status.dataDir, dir);
    const admin = new Kafka({ clientId: 'host-test', brokers: status.bootstrap.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const meta = await admin.describeCluster();
      assert.deepEqual(meta.brokers.map((b) => b.nodeId).sort(), [0, 1, 2]);
    } finally {
      await admin.disconnect();
    }
  });

  it('creates, describes, reconfigures, grows and deletes topics through typed calls', async () => {
    const created = await cluster.createTopic({ name: 'orders', partitions: 6, replicationFactor: 2, configs: { 'retention.ms': '3600000' } });
    assert.deepEqual({ ...created, topicId: '' }, { name: 'orders', topicId: '', partitions: 6, replicationFactor: 2, underReplicated: 0, offline: 0, internal: false });
    const listed = await cluster.listTopics();
    assert.ok(listed.some((t) => t.name === 'orders'));

    const d = await cluster.describeTopic('orders');
    assert.equal(d.partitions.length, 6);
    for (const p of d.partitions) {
      assert.equal(p.replicas.length, 2);
      assert.equal(p.leader, p.replicas[0]);
      assert.equal(p.dir, path.join(dir, `node-${p.leader}`, `orders-${p.partition}`));
      assert.deepEqual(p.segments.map((s) => s.baseOffset), [0]);
      assert.ok(p.segments[0].files.some((f) => f.name === '00000000000000000000.log'));
      assert.ok(p.otherFiles.some((f) => f.name === 'partition.metadata'));
    }

    let configs = await cluster.getTopicConfigs('orders');
    const retention = configs.find((c) => c.name === 'retention.ms')!;
    assert.deepEqual([retention.value, retention.default, retention.source], ['3600000', '604800000', 'DYNAMIC_TOPIC_CONFIG']);
    configs = await cluster.setTopicConfigs('orders', { 'retention.ms': null, 'cleanup.policy': 'compact,delete' });
    assert.equal(configs.find((c) => c.name === 'retention.ms')!.source, 'DEFAULT_CONFIG');
    assert.equal(configs.find((c) => c.name === 'cleanup.policy')!.value, 'compact,delete');
    await assert.rejects(cluster.setTopicConfigs('orders', { 'retention.ms': 'soon' }), rejectsWith('INVALID_CONFIG'));
    await assert.rejects(cluster.setTopicConfigs('orders', { 'no.such.config': '1' }), rejectsWith('INVALID_CONFIG'));
    await cluster.setTopicConfigs('orders', { 'cleanup.policy': null });

    await cluster.createTopic({ name: 'scratch', partitions: 1, replicationFactor: 1 });
    assert.equal((await cluster.addPartitions('scratch', 4)).partitions, 4);
    await assert.rejects(cluster.addPartitions('scratch', 2), rejectsWith('INVALID_PARTITIONS'));
    await cluster.deleteTopic('scratch');
    assert.ok(!(await cluster.listTopics()).some((t) => t.name === 'scratch'));
  });

  it("produces with Kafka's default partitioner and consumes records back with keys, values and headers", async () => {
    const records = Array.from({ length: 60 }, (_, i) => ({ key: `key-${i}`, value: `value-${i}`, headers: [{ key: 'n', value: String(i) }, { key: 'none', value: null }] }));
    const produced = await cluster.produce({ topic: 'orders', records });
    assert.equal(produced.records.length, 60);
    produced.records.forEach((r, i) => assert.equal(r.partition, partitionForKey(Buffer.from(`key-${i}`), 6), `key-${i}`));

    let seen = 0;
    for (let p = 0; p < 6; p++) {
      const c = await cluster.consume({ topic: 'orders', partition: p, from: { kind: 'earliest' }, maxRecords: 1000 });
      assert.equal(c.highWatermark, c.records.length, 'acks=all: every record is below the high watermark when produce answers');
      for (const r of c.records) {
        const i = Number(bytesToText(r.key!).slice(4));
        assert.equal(bytesToText(r.value!), `value-${i}`);
        assert.deepEqual(r.headers.map((h) => [h.key, h.value === null ? null : bytesToText(h.value)]), [['n', String(i)], ['none', null]]);
        assert.equal(produced.records[i].offset, r.offset);
        assert.equal(r.timestampType, 'CreateTime');
        assert.ok(r.size > 0);
        seen++;
      }
      assert.equal(c.nextOffset, c.highWatermark);
    }
    assert.equal(seen, 60);

    // Records without a key stick to one partition per request; binary values cross as base64.
    const sticky = await cluster.produce({ topic: 'orders', records: [{ value: { base64: Buffer.from([0, 255, 1]).toString('base64') } }, { value: 'b' }, { value: 'c' }] });
    assert.equal(new Set(sticky.records.map((r) => r.partition)).size, 1);
    const p = sticky.records[0].partition;
    const tail = await cluster.consume({ topic: 'orders', partition: p, from: { kind: 'fromEnd', count: 2 } });
    assert.deepEqual(tail.records.map((r) => bytesToText(r.value!)), ['b', 'c']);
    const first = await cluster.consume({ topic: 'orders', partition: p, from: { kind: 'offset', offset: sticky.records[0].offset }, maxRecords: 1 });
    assert.deepEqual([...Buffer.from(first.records[0].value!.base64, 'base64')], [0, 255, 1]);
    assert.equal(first.nextOffset, sticky.records[0].offset + 1);
    const byTime = await cluster.consume({ topic: 'orders', partition: p, from: { kind: 'timestamp', timestamp: sticky.records[0].timestamp } });
    assert.ok(byTime.startOffset <= sticky.records[0].offset);
    const latest = await cluster.consume({ topic: 'orders', partition: p, from: { kind: 'latest' } });
    assert.deepEqual([latest.records.length, latest.startOffset], [0, latest.highWatermark]);

    // Explicit partitions, compression (gzip: the codec kafkajs reads without plugins, for the group test below),
    // and what is refused.
    const explicit = await cluster.produce({ topic: 'orders', records: [{ partition: 5, key: 'x', value: 'y' }], compression: 'gzip' });
    assert.equal(explicit.records[0].partition, 5);
    await assert.rejects(cluster.produce({ topic: 'orders', records: [{ partition: 6, value: 'y' }] }), rejectsWith('UNKNOWN_TOPIC_OR_PARTITION'));
    await assert.rejects(cluster.consume({ topic: 'orders', partition: 0, from: { kind: 'offset', offset: 10_000 } }), rejectsWith('OFFSET_OUT_OF_RANGE'));
  });

  it('answers failures with the broker’s Kafka error names and messages', async () => {
    await assert.rejects(cluster.describeTopic('missing'), rejectsWith('UNKNOWN_TOPIC_OR_PARTITION'));
    await assert.rejects(cluster.createTopic({ name: 'orders' }), rejectsWith('TOPIC_ALREADY_EXISTS'));
    await assert.rejects(cluster.createTopic({ name: 'bad/name' }), rejectsWith('INVALID_TOPIC_EXCEPTION'));
    await assert.rejects(cluster.createTopic({ name: 'wide', replicationFactor: 4 }), rejectsWith('INVALID_REPLICATION_FACTOR'));
    await assert.rejects(cluster.describeGroup('nobody'), rejectsWith('GROUP_ID_NOT_FOUND'));
    // Only the API's own methods are served.
    assert.ok(BROKER_METHODS.includes('produce') && !BROKER_METHODS.includes('constructor' as never));
    await assert.rejects((cluster.call as (m: string) => Promise<unknown>)('stop'), /Unknown broker method stop/);
  });

  it('forwards events: topics created and deleted, appends coalesced, node status, log lines', async () => {
    await eventually(`topic events (got ${JSON.stringify(events.filter((e) => e.type.startsWith('topic')))})`, () => events.some((e) => e.type === 'topicCreated' && e.topic === 'orders') && events.some((e) => e.type === 'topicDeleted' && e.topic === 'scratch'), 3000);
    assert.ok(events.some((e) => e.type === 'topicChanged' && e.topic === 'scratch' && e.partitions === 4), 'growing a topic is a topicChanged');
    assert.ok(events.some((e) => e.type === 'log' && e.level === 'info' && e.message.includes('created topic orders')));
    assert.ok(events.some((e) => e.type === 'nodeChanged' && e.node.isController));

    await cluster.createTopic({ name: 'burst', partitions: 1, replicationFactor: 1 });
    const before = events.length;
    const t0 = Date.now();
    await Promise.all(Array.from({ length: 200 }, (_, i) => cluster.produce({ topic: 'burst', records: [{ value: `m${i}` }], acks: 1 })));
    const appended = await eventually('the appends to be reported', () => {
      const found = events.slice(before).filter((e): e is Extract<BrokerEvent, { type: 'partitionsAppended' }> => e.type === 'partitionsAppended');
      const burst = found.flatMap((e) => e.partitions).filter((p) => p.topic === 'burst');
      return burst.length > 0 && burst[burst.length - 1].logEndOffset === 200 ? found : undefined;
    });
    const elapsed = Date.now() - t0;
    // At most one event per comparison (every 50 ms here), however many appends happened in between.
    assert.ok(appended.length < 200 && appended.length <= Math.ceil(elapsed / 50) + 2, `200 produce calls in ${elapsed} ms became ${appended.length} partitionsAppended events`);
  });

  it('shows a real consumer group: members, lag, reset refused while active, then reset, history and delete', async () => {
    const kafka = new Kafka({ clientId: 'host-test-consumer', brokers: status.bootstrap.split(','), logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: 'billing', sessionTimeout: 10000, heartbeatInterval: 500 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'orders', fromBeginning: true });
    let consumed = 0;
    await consumer.run({ autoCommitInterval: 100, eachMessage: async () => void consumed++ });
    try {
      const total = (await cluster.listTopics()).find((t) => t.name === 'orders')!;
      assert.ok(total);
      const g = await eventually('the group to consume everything and commit', async () => {
        const groups = await cluster.listGroups();
        const billing = groups.find((x) => x.groupId === 'billing');
        return billing && billing.state === 'Stable' && consumed >= 64 && billing.totalLag === 0 && billing.topics.includes('orders') ? billing : undefined;
      }, 30000);
      assert.deepEqual([g.members, g.protocolType, g.protocol], [1, 'consumer', 'RoundRobinAssigner']);
      const d = await cluster.describeGroup('billing');
      assert.equal(d.members[0].clientId, 'host-test-consumer');
      assert.equal(d.members[0].assignment.flatMap((a) => a.partitions).length, 6);
      assert.equal(d.offsets.length, 6);
      assert.ok(events.some((e) => e.type === 'groupChanged' && e.groupId === 'billing' && e.state === 'Stable'));

      await assert.rejects(cluster.resetOffsets({ groupId: 'billing', topic: 'orders', to: { kind: 'earliest' } }), rejectsWith('NON_EMPTY_GROUP'));
      await assert.rejects(cluster.deleteGroup('billing'), rejectsWith('NON_EMPTY_GROUP'));
    } finally {
      await consumer.disconnect();
    }
    await eventually('the group to be empty', async () => (await cluster.listGroups()).find((x) => x.groupId === 'billing')?.state === 'Empty');

    const plan = await cluster.planReset({ groupId: 'billing', topic: 'orders', to: { kind: 'earliest' } });
    assert.equal(plan.length, 6);
    for (const r of plan) assert.equal(r.target, 0);
    await cluster.resetOffsets({ groupId: 'billing', topic: 'orders', to: { kind: 'earliest' } });
    const after = await cluster.describeGroup('billing');
    assert.equal(after.totalLag, after.offsets.reduce((s, o) => s + o.endOffset, 0));
    assert.ok(after.totalLag >= 64);
    const history = await cluster.rebalanceHistory('billing');
    assert.ok(history.length >= 1 && history.some((h) => h.trigger === 'member joined'));

    await cluster.deleteGroup('billing');
    assert.ok(!(await cluster.listGroups()).some((x) => x.groupId === 'billing'));
    await eventually('the deletion event', () => events.some((e) => e.type === 'groupChanged' && e.groupId === 'billing' && e.state === null));
  });

  it('dumps a segment in a throwaway worker, capped at a number of lines', async () => {
    const d = await cluster.describeTopic('burst');
    const log = d.partitions[0].segments[0].files.find((f) => f.name.endsWith('.log'))!;
    const dump = await dumpSegmentFile(requireBuiltWorker(), log.path, { printData: true });
    assert.equal(dump.exitCode, 0);
    assert.equal(dump.truncated, false);
    assert.equal(dump.lines[0], `Dumping ${log.path}`);
    assert.ok(dump.lines.some((l) => l.startsWith('baseOffset: 0 lastOffset: 0 count: 1')));
    assert.ok(dump.lines.some((l) => l.includes('payload: m')));
    const capped = await dumpSegmentFile(requireBuiltWorker(), log.path, { maxLines: 10 });
    assert.deepEqual([capped.lines.length, capped.truncated], [10, true]);
  });

  it('stops cleanly: logs flushed with clean-shutdown markers, locks released, ports freed, calls refused', async () => {
    const ports = status.nodes.map((n) => n.port!);
    await cluster.stop();
    assert.equal(cluster.state, 'stopped');
    for (const n of status.nodes) {
      assert.ok(fs.existsSync(path.join(n.logDir, '.kafka_cleanshutdown')), `node ${n.id} shut down cleanly`);
      assert.ok(!fs.existsSync(path.join(n.logDir, '.lock')), `node ${n.id} released its lock`);
    }
    for (const p of ports) assert.ok(await portIsFree(p), `port ${p} is free again`);
    await assert.rejects(cluster.status(), rejectsWith('BROKER_NOT_AVAILABLE'));
    await cluster.stop(); // twice is harmless
  });
});

describe('EmbeddedCluster: a worker that misbehaves', function () {
  this.timeout(20000);
  let dir: string;
  beforeEach(() => (dir = tmpDir('tributary-fake-worker-')));
  afterEach(() => rm(dir));

  it('gives up on a call the worker never answers, with REQUEST_TIMED_OUT', async () => {
    const workerPath = fakeWorker(dir, 'silent.js', "parentPort.postMessage({ type: 'ready', status }); parentPort.on('message', () => {});");
    const c = new EmbeddedCluster({ workerPath, broker: { dataDir: dir }, callTimeoutMs: 200, stopTimeoutMs: 200 });
    await c.start();
    const t0 = Date.now();
    await assert.rejects(c.listTopics(), rejectsWith('REQUEST_TIMED_OUT'));
    assert.ok(Date.now() - t0 < 2000);
    await c.stop();
  });

  it('fails the calls in flight and tells its listeners when the worker dies', async () => {
    const workerPath = fakeWorker(dir, 'crash.js', "parentPort.postMessage({ type: 'ready', status }); parentPort.on('message', () => process.exit(3));");
    const c = new EmbeddedCluster({ workerPath, broker: { dataDir: dir } });
    const exits: Array<{ expected: boolean; code: number }> = [];
    c.onExit((e) => exits.push(e));
    await c.start();
    await assert.rejects(c.status(), (e: unknown) => e instanceof BrokerError && e.kafkaError === 'BROKER_NOT_AVAILABLE' && /ended unexpectedly/.test(e.message));
    await eventually('the exit report', () => exits.length === 1);
    assert.deepEqual(exits[0], { expected: false, code: 3 });
    assert.equal(c.state, 'failed');
  });

  it('reports a worker that cannot load, or never gets ready, as a start failure', async () => {
    const missing = new EmbeddedCluster({ workerPath: path.join(dir, 'no-such-worker.js'), broker: { dataDir: dir } });
    await assert.rejects(missing.start(), (e: unknown) => (e as { failure?: { reason: string } }).failure?.reason === 'workerCrashed');
    const slow = new EmbeddedCluster({ workerPath: fakeWorker(dir, 'slow.js', "parentPort.on('message', () => {});"), broker: { dataDir: dir }, startTimeoutMs: 300 });
    await assert.rejects(slow.start(), (e: unknown) => (e as { failure?: { reason: string } }).failure?.reason === 'timeout');
    await slow.stop();
  });
});
