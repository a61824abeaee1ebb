/**
 * Fetch from follower (KIP-392) over the protocol: per-node broker.rack reported by Metadata, DescribeCluster and
 * DescribeConfigs; a leader with RackAwareReplicaSelector naming the in-sync follower in the consumer's rack as its
 * preferred read replica; followers serving consumers (Fetch v11+) up to their own high watermark and waking long
 * polls when it moves.
 */
import { strict as assert } from 'node:assert';
import { startTestBroker, TestBroker } from '../support/broker';
import { RawClient } from '../support/raw-client';
import { textBatch } from '../support/batches';
import { defaultMetadataRequestData } from '../../src/protocol/messages/metadata-request';
import { defaultFetchRequestData, defaultFetchPartition, type FetchRequestData } from '../../src/protocol/messages/fetch-request';
import type { PartitionData } from '../../src/protocol/messages/fetch-response';
import { defaultDescribeClusterRequestData } from '../../src/protocol/messages/describe-cluster-request';
import { ErrorCode } from '../../src/broker/errors';
import { decodeRecords } from '../../src/broker/records/record-batch';
import { readBatchHeader, batchSizeOf, RECORD_BATCH_OVERHEAD } from '../../src/broker/records/batch-header';
import { RACK_AWARE_REPLICA_SELECTOR } from '../../src/broker/config/broker-config';
import { Cluster } from '../../src/broker/cluster';
import { tmpDir, rm } from '../support/tmp';
import { uuidFromKafkaString } from '../../src/protocol/codec';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const RACKS = { 0: { 'broker.rack': 'RACK0' }, 1: { 'broker.rack': 'RACK1' }, 2: { 'broker.rack': 'RACK2' } };

function values(records: Buffer): string[] {
  const out: string[] = [];
  for (let pos = 0; pos + RECORD_BATCH_OVERHEAD <= records.length; ) {
    const h = readBatchHeader(records, pos);
    for (const r of decodeRecords(records, pos)) out.push(r.value ? r.value.toString() : '');
    pos += batchSizeOf(h);
  }
  return out;
}

function fetchRequest(topic: string, fetchOffset: number, rackId: string, extra: Partial<FetchRequestData> = {}): FetchRequestData {
  return { ...defaultFetchRequestData(), maxWaitMs: 0, minBytes: 1, rackId, topics: [{ topic, topicId: '00000000000000000000000000000000', partitions: [{ ...defaultFetchPartition(), partition: 0, fetchOffset, partitionMaxBytes: 1 << 20 }] }], ...extra };
}

async function waitFor(what: string, cond: () => boolean, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(20);
  }
}

describe('fetch from follower (KIP-392)', function () {
  this.timeout(30000);

  describe('with racks and RackAwareReplicaSelector', () => {
    let broker: TestBroker;
    const clients: RawClient[] = [];
    before(async () => {
      broker = await startTestBroker({ nodes: 3, config: { 'replica.selector.class': RACK_AWARE_REPLICA_SELECTOR, 'replica.lag.time.max.ms': '1500' }, nodeConfig: RACKS });
    });
    after(async () => {
      for (const c of clients) c.close();
      await broker.stop();
    });
    const connect = async (node: number) => {
      const l = broker.server.listeners().find((x) => x.nodeId === node)!;
      const c = await RawClient.connect(`${l.host}:${l.port}`);
      clients.push(c);
      return c;
    };
    /** A one-partition RF 3 topic with `n` records, every follower caught up to the leader's high watermark. */
    const topicWith = async (name: string, n: number) => {
      broker.cluster.createTopic(name, 1, 3);
      for (let i = 0; i < n; i++) await broker.cluster.produce(name, 0, textBatch([`${name}-${i}`]), -1, 5000);
      const st = broker.cluster.partitionState(name, 0);
      await waitFor('every follower has the high watermark', () => st.replicas.every((r) => broker.cluster.node(r).logManager.getLog({ topic: name, partition: 0 })?.highWatermark === n));
      return { leader: st.leader, followers: st.replicas.filter((r) => r !== st.leader) };
    };

    it('reports each node\'s rack in Metadata, DescribeCluster and DescribeConfigs (STATIC_BROKER_CONFIG)', async () => {
      const c = await connect(0);
      const md = await c.request(3, 12, { ...defaultMetadataRequestData(), topics: [] });
      assert.deepEqual(md.brokers.map((b) => [b.nodeId, b.rack]).sort(), [[0, 'RACK0'], [1, 'RACK1'], [2, 'RACK2']]);
      const dc = await c.request(60, 0, defaultDescribeClusterRequestData());
      assert.deepEqual(dc.brokers.map((b) => [b.brokerId, b.rack]), [[0, 'RACK0'], [1, 'RACK1'], [2, 'RACK2']]);
      // A broker's own configs are asked of that broker.
      const cfg = await (await connect(2)).request(32, 4, { resources: [{ resourceType: 4, resourceName: '2', configurationKeys: ['broker.rack', 'replica.selector.class'] }], includeSynonyms: true, includeDocumentation: false });
      const byName = new Map(cfg.results[0].configs.map((e) => [e.name, e]));
      assert.equal(byName.get('broker.rack')?.value, 'RACK2');
      assert.equal(byName.get('broker.rack')?.configSource, 4);
      assert.equal(byName.get('broker.rack')?.readOnly, true);
      assert.equal(byName.get('replica.selector.class')?.value, RACK_AWARE_REPLICA_SELECTOR);
    });

    it('the leader names the in-sync follower in the consumer\'s rack, at once and without records', async () => {
      const { leader, followers } = await topicWith('ff-prefer', 5);
      const c = await connect(leader);
      const t0 = Date.now();
      // A long max.wait.ms: an answer that names another replica must not wait for data.
      const r = await c.request(1, 12, fetchRequest('ff-prefer', 5, `RACK${followers[0]}`, { maxWaitMs: 20000 }), { timeoutMs: 15000 });
      assert.ok(Date.now() - t0 < 15000);
      const p = r.responses[0].partitions[0];
      assert.equal(p.errorCode, ErrorCode.NONE);
      assert.equal(p.preferredReadReplica, followers[0]);
      assert.equal(p.records?.length, 0);
      assert.equal(p.highWatermark, 5);
      // The leader's own rack, an unknown rack, no rack: the leader serves.
      for (const rack of [`RACK${leader}`, 'elsewhere', '']) {
        const own = (await c.request(1, 12, fetchRequest('ff-prefer', 0, rack))).responses[0].partitions[0];
        assert.equal(own.preferredReadReplica, -1, rack);
        assert.deepEqual(values(own.records!), [0, 1, 2, 3, 4].map((i) => `ff-prefer-${i}`));
      }
      // Fetch v10 has no rack: the leader serves.
      const v10 = (await c.request(1, 10, fetchRequest('ff-prefer', 0, ''))).responses[0].partitions[0];
      assert.equal(values(v10.records!).length, 5);
    });

    it('a follower serves a v11+ consumer up to its high watermark; before v11 it answers NOT_LEADER_OR_FOLLOWER', async () => {
      const { followers } = await topicWith('ff-serve', 4);
      const f = await connect(followers[1]);
      const r = (await f.request(1, 12, fetchRequest('ff-serve', 1, `RACK${followers[1]}`))).responses[0].partitions[0];
      assert.equal(r.errorCode, ErrorCode.NONE);
      assert.equal(r.preferredReadReplica, -1);
      assert.equal(r.highWatermark, 4);
      assert.deepEqual(values(r.records!), ['ff-serve-1', 'ff-serve-2', 'ff-serve-3']);
      const old = (await f.request(1, 10, fetchRequest('ff-serve', 0, ''))).responses[0].partitions[0];
      assert.equal(old.errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER);
      // Beyond the follower's log end: out of range, which sends a client back to the leader.
      const beyond = (await f.request(1, 12, fetchRequest('ff-serve', 99, ''))).responses[0].partitions[0];
      assert.equal(beyond.errorCode, ErrorCode.OFFSET_OUT_OF_RANGE);
      assert.equal(beyond.records?.length, 0);
      // A node that holds no replica of the partition is neither leader nor follower.
      broker.cluster.createTopicWithAssignment('ff-two', [[followers[0], followers[1]]]);
      const outsider = [0, 1, 2].find((n) => n !== followers[0] && n !== followers[1])!;
      const o = await connect(outsider);
      const none = (await o.request(1, 12, fetchRequest('ff-two', 0, ''))).responses[0].partitions[0];
      assert.equal(none.errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER);
    });

    it('a long poll on a follower returns when the follower\'s high watermark passes the fetch offset', async () => {
      const { leader, followers } = await topicWith('ff-poll', 2);
      const f = await connect(followers[0]);
      const pending = f.request(1, 12, fetchRequest('ff-poll', 2, `RACK${followers[0]}`, { maxWaitMs: 20000 }), { timeoutMs: 25000 });
      await sleep(200);
      await broker.cluster.produce('ff-poll', 0, textBatch(['late']), -1, 5000);
      const t0 = Date.now();
      const p = (await pending).responses[0].partitions[0];
      assert.ok(Date.now() - t0 < 15000, 'answered well before max.wait.ms');
      assert.deepEqual(values(p.records!), ['late']);
      assert.equal(p.highWatermark, 3);
      assert.notEqual(leader, followers[0]);
    });

    it('an incremental fetch session carries the preferred read replica', async () => {
      const { leader, followers } = await topicWith('ff-session', 3);
      const c = await connect(leader);
      const first = await c.request(1, 12, fetchRequest('ff-session', 0, `RACK${leader}`, { sessionId: 0, sessionEpoch: 0 }));
      assert.ok(first.sessionId > 0);
      assert.equal(values(first.responses[0].partitions[0].records!).length, 3);
      // The same session, the consumer now naming a follower's rack (nothing new to read).
      const next = await c.request(1, 12, { ...fetchRequest('ff-session', 3, `RACK${followers[1]}`), sessionId: first.sessionId, sessionEpoch: 1 });
      const p = next.responses[0]?.partitions[0] as PartitionData | undefined;
      assert.equal(p?.preferredReadReplica, followers[1]);
    });

    it('a follower out of the ISR, or without the fetch offset, is not preferred', async () => {
      const { leader, followers } = await topicWith('ff-isr', 3);
      const lagging = followers[0];
      broker.cluster.replicaManager.faults.pauseFollower(lagging);
      try {
        await broker.cluster.produce('ff-isr', 0, textBatch(['x']), 1, 5000);
        const c = await connect(leader);
        // In the ISR still, but it does not have offset 4 yet.
        const missing = (await c.request(1, 12, fetchRequest('ff-isr', 4, `RACK${lagging}`))).responses[0].partitions[0];
        assert.equal(missing.preferredReadReplica, -1);
        await waitFor('the paused follower leaves the ISR', () => !broker.cluster.partitionState('ff-isr', 0).isr.includes(lagging));
        const out = (await c.request(1, 12, fetchRequest('ff-isr', 0, `RACK${lagging}`))).responses[0].partitions[0];
        assert.equal(out.preferredReadReplica, -1);
        assert.equal(values(out.records!).length, 4);
      } finally {
        broker.cluster.replicaManager.faults.resumeFollower(lagging);
      }
    });
  });

  describe('without a replica selector (Kafka\'s default)', () => {
    let broker: TestBroker;
    before(async () => {
      broker = await startTestBroker({ nodes: 3, nodeConfig: RACKS });
    });
    after(() => broker.stop());

    it('the leader never sends a consumer elsewhere; followers still serve v11+ fetches', async () => {
      broker.cluster.createTopic('ff-none', 1, 3);
      await broker.cluster.produce('ff-none', 0, textBatch(['a', 'b']), -1, 5000);
      const st = broker.cluster.partitionState('ff-none', 0);
      const follower = st.replicas.find((r) => r !== st.leader)!;
      const at = (n: number) => broker.server.listeners().find((x) => x.nodeId === n)!;
      const l = await RawClient.connect(`${at(st.leader).host}:${at(st.leader).port}`);
      const f = await RawClient.connect(`${at(follower).host}:${at(follower).port}`);
      try {
        const p = (await l.request(1, 12, fetchRequest('ff-none', 0, `RACK${follower}`))).responses[0].partitions[0];
        assert.equal(p.preferredReadReplica, -1);
        assert.deepEqual(values(p.records!), ['a', 'b']);
        await waitFor('the follower has the high watermark', () => broker.cluster.node(follower).logManager.getLog({ topic: 'ff-none', partition: 0 })?.highWatermark === 2);
        const q = (await f.request(1, 16, { ...fetchRequest('ff-none', 0, `RACK${follower}`), topics: [{ topic: '', topicId: uuidFromKafkaString(broker.cluster.metadata.topic('ff-none')!.topicId), partitions: [{ ...defaultFetchPartition(), fetchOffset: 0, partitionMaxBytes: 1 << 20 }] }] })).responses[0].partitions[0];
        assert.equal(q.errorCode, ErrorCode.NONE);
        assert.deepEqual(values(q.records!), ['a', 'b']);
      } finally {
        l.close();
        f.close();
      }
    });
  });

  describe('configuration', () => {
    it('refuses a per-node setting of a process-wide config, a node that does not exist and an unknown selector class', () => {
      const dir = tmpDir('tributary-ff-');
      try {
        assert.throws(() => new Cluster({ dataDir: dir, nodes: 3, nodeConfig: { 1: { 'num.nodes': '2' } } }), /num\.nodes is one setting for every node/);
        assert.throws(() => new Cluster({ dataDir: dir, nodes: 3, nodeConfig: { 3: { 'broker.rack': 'r' } } }), /There is no node 3 to configure: the nodes are 0 to 2/);
        assert.throws(() => new Cluster({ dataDir: dir, nodes: 1, config: { 'replica.selector.class': 'com.example.Selector' } }), /Invalid value com\.example\.Selector for configuration replica\.selector\.class/);
      } finally {
        rm(dir);
      }
    });
  });
});
