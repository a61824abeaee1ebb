import { strict as assert } from 'node:assert';
import { startTestBroker, TestBroker } from '../support/broker';
import { RawClient } from '../support/raw-client';
import { textBatch } from '../support/batches';
import { pollUntil } from '../support/poll';
import { defaultMetadataRequestData } from '../../src/protocol/messages/metadata-request';
import { ErrorCode } from '../../src/broker/errors';


describe('replication over the protocol', function () {
  this.timeout(30000);
  let broker: TestBroker;
  before(async () => {
    broker = await startTestBroker({ nodes: 3, config: { 'replica.lag.time.max.ms': '1000' } });
  });
  after(() => broker.stop());

  const address = (node: number) => {
    const l = broker.server.listeners().find((x) => x.nodeId === node)!;
    return `${l.host}:${l.port}`;
  };
  const live = () => broker.server.listeners().map((l) => l.nodeId)[0];

  it('metadata shows the new leader, its epoch and the offline replica after a node stops; the listener closes', async () => {
    broker.cluster.createTopic('rp', 1, 3);
    for (let i = 0; i < 3; i++) await broker.cluster.produce('rp', 0, textBatch([`v${i}`]), -1, 5000);
    const old = broker.cluster.partitionLeader('rp', 0);
    const oldAddress = address(old);
    broker.cluster.stopNode(old);
    await pollUntil('the stopped node\'s listener to close', () => RawClient.connect(oldAddress).then((c) => void c.close(), (e: Error) => /ECONNREFUSED/.test(e.message)));
    const c = await RawClient.connect(address(live()));
    try {
      const md = await c.request(3, 12, { ...defaultMetadataRequestData(), topics: [{ topicId: '00000000000000000000000000000000', name: 'rp' }] });
      const p = md.topics[0].partitions[0];
      assert.notEqual(p.leaderId, old);
      assert.equal(p.leaderEpoch, 1);
      assert.deepEqual(p.offlineReplicas, [old]);
      assert.ok(!p.isrNodes.includes(old));
      assert.ok(!md.brokers.some((b) => b.nodeId === old), 'a stopped node is not advertised');
    } finally {
      c.close();
    }
    // The new leader: epoch 0 ended where epoch 1 began; a request with the old epoch is fenced.
    const leader = broker.cluster.partitionLeader('rp', 0);
    await broker.cluster.produce('rp', 0, textBatch(['after']), 1, 5000);
    const l = await RawClient.connect(address(leader));
    try {
      const r = await l.request(23, 4, { replicaId: -1, topics: [{ topic: 'rp', partitions: [{ partition: 0, currentLeaderEpoch: 1, leaderEpoch: 0 }] }] });
      assert.deepEqual(r.topics[0].partitions[0], { errorCode: 0, partition: 0, leaderEpoch: 0, endOffset: 3 });
      const fenced = await l.request(23, 4, { replicaId: -1, topics: [{ topic: 'rp', partitions: [{ partition: 0, currentLeaderEpoch: 0, leaderEpoch: 0 }] }] });
      assert.equal(fenced.topics[0].partitions[0].errorCode, ErrorCode.FENCED_LEADER_EPOCH);
    } finally {
      l.close();
    }
    broker.cluster.startNode(old);
    const back = await pollUntil('the restarted node\'s listener to open', () => RawClient.connect(oldAddress).catch(() => undefined));
    back.close();
    await pollUntil('the restarted node to rejoin the ISR', () => broker.cluster.partitionState('rp', 0).isr.includes(old));
    // ElectLeaders (preferred) moves leadership back to the first replica.
    const e = await RawClient.connect(address(live()));
    try {
      // The first leader was the preferred replica (leaders start on replicas[0]) and lost leadership when stopped.
      const preferred = broker.cluster.partitionState('rp', 0).replicas[0];
      assert.equal(preferred, old);
      assert.notEqual(broker.cluster.partitionLeader('rp', 0), preferred);
      const r = await e.request(43, 2, { electionType: 0, topicPartitions: [{ topic: 'rp', partitions: [0] }], timeoutMs: 5000 });
      assert.equal(r.replicaElectionResults[0].partitionResult[0].errorCode, ErrorCode.NONE);
      assert.equal(broker.cluster.partitionLeader('rp', 0), preferred);
      const again = await e.request(43, 2, { electionType: 0, topicPartitions: [{ topic: 'rp', partitions: [0] }], timeoutMs: 5000 });
      assert.equal(again.replicaElectionResults[0].partitionResult[0].errorCode, ErrorCode.ELECTION_NOT_NEEDED);
    } finally {
      e.close();
    }
  });
});
