// DescribeProducers 0 in raw frames (what kafka-transactions.sh describe-producers sends): an idempotent producer with
// its epoch, last sequence and timestamp; a transactional one with the first offset of its open transaction, gone once
// it commits; READ on the topic first (TOPIC_AUTHORIZATION_FAILED), then UNKNOWN_TOPIC_OR_PARTITION, and
// NOT_LEADER_OR_FOLLOWER from a node that does not lead the partition.
import { strict as assert } from 'node:assert';
import { startAuthzBroker, AuthzBroker, AclOperation as Op, ResourceType as R } from '../support/authz';
import { ErrorCode } from '../../src/broker/errors';
import { encodeRecordBatch } from '../../src/broker/records/record-batch';
import type { RawClient } from '../support/raw-client';

describe('DescribeProducers', function () {
  this.timeout(30000);
  let broker: AuthzBroker;
  let admin: RawClient;
  before(async () => {
    broker = await startAuthzBroker({ nodes: 2 });
    broker.cluster.createTopic('dp', 1, 2);
    // Its leader's node: DescribeProducers is answered by the leader only.
    const leader = broker.cluster.partitionState('dp', 0).leader;
    admin = await broker.connectAs('admin', leader);
  });
  after(async () => broker?.stop());

  const batch = (producerId: number, producerEpoch: number, baseSequence: number, n: number, isTransactional = false) =>
    encodeRecordBatch({ producerId, producerEpoch, baseSequence, isTransactional, records: Array.from({ length: n }, (_, i) => ({ key: null, value: Buffer.from(`v${baseSequence + i}`), timestamp: 1_700_000_000_000 + i })) });
  const produce = async (records: Buffer, transactionalId: string | null = null) => {
    const r = await admin.request(0, 9, { transactionalId, acks: -1, timeoutMs: 5000, topicData: [{ name: 'dp', partitionData: [{ index: 0, records }] }] });
    assert.equal(r.responses[0].partitionResponses[0].errorCode, 0);
    return r.responses[0].partitionResponses[0].baseOffset;
  };
  const describe = (c: RawClient, partitions = [0], name = 'dp') => c.request(61, 0, { topics: [{ name, partitionIndexes: partitions }] });

  it("an idempotent producer's epoch, last sequence and timestamp; a transaction's start offset while it is open", async () => {
    const idem = await admin.request(22, 4, { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1, producerEpoch: -1 });
    assert.equal(idem.errorCode, 0);
    await produce(batch(idem.producerId, idem.producerEpoch, 0, 3));
    await produce(batch(idem.producerId, idem.producerEpoch, 3, 2));

    // A transaction: coordinator on a 2-node broker, found first.
    const fc = await admin.request(10, 4, { key: '', keyType: 1, coordinatorKeys: ['dp-tx'] });
    const coordinatorNode = fc.coordinators[0].nodeId;
    const txc = await broker.connectAs('admin', coordinatorNode);
    const tx = await txc.request(22, 4, { transactionalId: 'dp-tx', transactionTimeoutMs: 60000, producerId: -1, producerEpoch: -1 });
    assert.equal(tx.errorCode, 0);
    const add = await txc.request(24, 3, { transactions: [], v3AndBelowTransactionalId: 'dp-tx', v3AndBelowProducerId: tx.producerId, v3AndBelowProducerEpoch: tx.producerEpoch, v3AndBelowTopics: [{ name: 'dp', partitions: [0] }] });
    assert.equal(add.resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode, 0);
    const txStart = await produce(batch(tx.producerId, tx.producerEpoch, 0, 2, true), 'dp-tx');

    const r = await describe(admin);
    const p = r.topics[0].partitions[0];
    assert.equal(p.errorCode, 0);
    const byId = new Map(p.activeProducers.map((x) => [x.producerId, x]));
    assert.deepEqual({ ...byId.get(idem.producerId)!, _unknownTaggedFields: undefined }, { producerId: idem.producerId, producerEpoch: idem.producerEpoch, lastSequence: 4, lastTimestamp: 1_700_000_000_001, coordinatorEpoch: -1, currentTxnStartOffset: -1, _unknownTaggedFields: undefined });
    assert.equal(byId.get(tx.producerId)!.currentTxnStartOffset, Number(txStart));
    assert.equal(byId.get(tx.producerId)!.lastSequence, 1);

    const end = await txc.request(26, 3, { transactionalId: 'dp-tx', producerId: tx.producerId, producerEpoch: tx.producerEpoch, committed: true });
    assert.equal(end.errorCode, 0);
    const after = (await describe(admin)).topics[0].partitions[0].activeProducers.find((x) => x.producerId === tx.producerId)!;
    assert.equal(after.currentTxnStartOffset, -1, 'committed: no open transaction');
    assert.ok(after.coordinatorEpoch >= 0, 'the marker carried the coordinator epoch');
  });

  it('READ on the topic first, then unknown partitions, then the leader', async () => {
    const alice = await broker.connectAs('alice', broker.cluster.partitionState('dp', 0).leader);
    assert.equal((await describe(alice)).topics[0].partitions[0].errorCode, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    assert.equal((await describe(alice, [0], 'no-such')).topics[0].partitions[0].errorCode, ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'existence does not leak');
    broker.allow('User:alice', Op.READ, R.TOPIC, 'dp');
    assert.equal((await describe(alice)).topics[0].partitions[0].errorCode, 0);
    assert.equal((await describe(admin, [5])).topics[0].partitions[0].errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const follower = broker.cluster.partitionState('dp', 0).replicas.find((n) => n !== broker.cluster.partitionState('dp', 0).leader)!;
    const other = await broker.connectAs('admin', follower);
    assert.equal((await describe(other)).topics[0].partitions[0].errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER);
  });
});
