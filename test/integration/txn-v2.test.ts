// Transactions version 2 (KIP-890 part 2) in raw frames, the way a Kafka 4 producer runs a transaction when
// transaction.version 2 is finalized: InitProducerId, Produce v12 without AddPartitionsToTxn, TxnOffsetCommit v5 without
// AddOffsetsToTxn, EndTxn v5 answering the bumped epoch, which the markers carry. Retries of EndTxn, fencing of the old
// epoch, the broker-to-broker AddPartitionsToTxn v4+ (VerifyOnly, CLUSTER_ACTION), and transaction.version 0, which
// brings back the classic path for Kafka 4 clients and the classic __transaction_state format.
import { strict as assert } from 'node:assert';
import { startTestBroker, type TestBroker } from '../support/broker';
import { startAuthzBroker, type AuthzBroker, AclOperation as Op, ResourceType as R } from '../support/authz';
import { RawClient } from '../support/raw-client';
import { ErrorCode } from '../../src/broker/errors';
import { encodeRecordBatch, decodeRecords } from '../../src/broker/records/record-batch';
import { readBatchHeader, batchSizeOf, isControl, isTransactional } from '../../src/broker/records/batch-header';
import { ControlRecordType, decodeEndTxnMarker } from '../../src/broker/records/control-record';
import { TRANSACTION_VERSION, UpgradeType } from '../../src/broker/metadata/features';
import { decodeTransactionLogRecord } from '../../src/broker/coordinator/transaction/transaction-log';
import type { FetchResponseData } from '../../src/protocol/messages/fetch-response';

interface Producer {
  producerId: number;
  producerEpoch: number;
}

const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

function txnBatch(p: Producer, baseSequence: number, values: string[], transactional = true): Buffer {
  return encodeRecordBatch({ isTransactional: transactional, producerId: p.producerId, producerEpoch: p.producerEpoch, baseSequence, records: values.map((v) => ({ key: null, value: Buffer.from(v), timestamp: Date.now() })) });
}

/** The batches of a partition's log, as its leader holds them. */
function logBatches(broker: TestBroker, topic: string, partition: number) {
  const { records } = broker.cluster.read(topic, partition, 0, 1 << 20, 'logEnd');
  const out: Array<{ baseOffset: number; producerId: number; producerEpoch: number; control?: 'commit' | 'abort'; transactional: boolean; values: string[] }> = [];
  for (let pos = 0; pos < records.length; ) {
    const h = readBatchHeader(records, pos);
    const batch = records.subarray(pos, pos + batchSizeOf(h));
    const decoded = decodeRecords(batch);
    const control = isControl(h.attributes) ? (decodeEndTxnMarker(decoded[0]).type === ControlRecordType.Commit ? 'commit' : 'abort') : undefined;
    out.push({ baseOffset: h.baseOffset, producerId: h.producerId, producerEpoch: h.producerEpoch, control, transactional: isTransactional(h.attributes), values: control ? [] : decoded.map((r) => r.value!.toString()) });
    pos += batchSizeOf(h);
  }
  return out;
}

/** The values a read_committed (1) or read_uncommitted (0) consumer gets, with the aborted transactions it is told of. */
async function fetchValues(c: RawClient, topic: string, partition: number, isolationLevel: number): Promise<{ values: string[]; lastStableOffset: number; aborted: number[][] }> {
  const r: FetchResponseData = await c.request(1, 11, {
    clusterId: null,
    replicaId: -1,
    replicaState: { replicaId: -1, replicaEpoch: -1 },
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 1 << 20,
    isolationLevel,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic, topicId: ZERO_UUID, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: 0, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1 << 20, replicaDirectoryId: ZERO_UUID }] }],
    forgottenTopicsData: [],
    rackId: '',
  });
  const p = r.responses[0].partitions[0];
  assert.equal(p.errorCode, 0);
  const aborted = (p.abortedTransactions ?? []).map((a) => [a.producerId, a.firstOffset]);
  const records = p.records ?? Buffer.alloc(0);
  const values: string[] = [];
  for (let pos = 0; pos < records.length; ) {
    const h = readBatchHeader(records, pos);
    const batch = records.subarray(pos, pos + batchSizeOf(h));
    const abortedHere = isolationLevel === 1 && aborted.some(([pid, first]) => pid === h.producerId && h.baseOffset >= first);
    if (!isControl(h.attributes) && !abortedHere) values.push(...decodeRecords(batch).map((x) => x.value!.toString()));
    pos += batchSizeOf(h);
  }
  return { values, lastStableOffset: Number(p.lastStableOffset), aborted };
}

describe('transactions version 2 (KIP-890 part 2) over raw frames', function () {
  this.timeout(30000);
  let broker: TestBroker;
  let c: RawClient;
  before(async () => {
    broker = await startTestBroker({ nodes: 1 });
    broker.cluster.createTopic('t', 2, 1);
    c = await RawClient.connect(broker.bootstrap);
  });
  after(async () => {
    c?.close();
    await broker?.stop();
  });

  const coordinator = () => broker.cluster.transactionCoordinator;
  const findCoordinators = async (txnId: string, groupId?: string) => {
    assert.equal((await c.request(10, 4, { key: '', keyType: 1, coordinatorKeys: [txnId] })).coordinators[0].errorCode, 0);
    if (groupId) assert.equal((await c.request(10, 4, { key: '', keyType: 0, coordinatorKeys: [groupId] })).coordinators[0].errorCode, 0);
  };
  const init = async (txnId: string): Promise<Producer> => {
    const r = await c.request(22, 5, { transactionalId: txnId, transactionTimeoutMs: 60000, producerId: -1, producerEpoch: -1 });
    assert.equal(r.errorCode, 0);
    return { producerId: r.producerId, producerEpoch: r.producerEpoch };
  };
  const produce = (txnId: string, version: number, partitions: Array<{ partition: number; records: Buffer }>, topic = 't') =>
    c.request(0, version, { transactionalId: txnId, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: partitions.map((p) => ({ index: p.partition, records: p.records })) }] });
  const produceCodes = (r: { responses: Array<{ partitionResponses: Array<{ index: number; errorCode: number }> }> }) => r.responses.flatMap((t) => t.partitionResponses.map((p) => [p.index, p.errorCode]));
  const end = (txnId: string, p: Producer, committed: boolean, version = 5) => c.request(26, version, { transactionalId: txnId, producerId: p.producerId, producerEpoch: p.producerEpoch, committed });
  const commitOffsets = (txnId: string, groupId: string, p: Producer, offset: number, version = 5) =>
    c.request(28, version, {
      transactionalId: txnId,
      groupId,
      producerId: p.producerId,
      producerEpoch: p.producerEpoch,
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: null }] }],
    });
  const committedOffset = async (groupId: string) => {
    const r = await c.request(9, 8, { groupId: '', topics: [], groups: [{ groupId, memberId: null, memberEpoch: -1, topics: null }], requireStable: true });
    return r.groups[0].topics.find((t) => t.name === 't')?.partitions.find((x) => x.partitionIndex === 0)?.committedOffset ?? -1;
  };
  const verify = (version: number, txns: Array<{ txnId: string; p: Producer; topics: Array<{ name: string; partitions: number[] }>; verifyOnly: boolean }>, client = c) =>
    client.request(24, version, {
      transactions: txns.map((t) => ({ transactionalId: t.txnId, producerId: t.p.producerId, producerEpoch: t.p.producerEpoch, verifyOnly: t.verifyOnly, topics: t.topics })),
      v3AndBelowTransactionalId: '',
      v3AndBelowProducerId: 0,
      v3AndBelowProducerEpoch: 0,
      v3AndBelowTopics: [],
    });
  const verifyCodes = (r: { resultsByTransaction: Array<{ transactionalId: string; topicResults: Array<{ name: string; resultsByPartition: Array<{ partitionIndex: number; partitionErrorCode: number }> }> }> }) =>
    r.resultsByTransaction.map((t) => [t.transactionalId, t.topicResults.flatMap((x) => x.resultsByPartition.map((y) => [x.name, y.partitionIndex, y.partitionErrorCode]))]);
  /** The value version and ClientTransactionVersion of the id's last __transaction_state record. */
  const lastStateRecord = (txnId: string) => {
    const records = [...broker.cluster.transactionTopic.read(coordinator().partitionFor(txnId))].filter((r) => decodeTransactionLogRecord(r.key, r.value).transactionalId === txnId);
    const last = records[records.length - 1];
    return { valueVersion: last.value!.readInt16BE(0), ...decodeTransactionLogRecord(last.key, last.value).value! };
  };

  it('a committed transaction the Kafka 4 way: no AddPartitionsToTxn, no AddOffsetsToTxn; EndTxn v5 answers the bumped epoch, which the markers carry', async () => {
    await findCoordinators('v2-commit', 'g-v2');
    const p = await init('v2-commit');
    const produced = await produce('v2-commit', 12, [
      { partition: 0, records: txnBatch(p, 0, ['a0', 'a1']) },
      { partition: 1, records: txnBatch(p, 0, ['b0']) },
    ]);
    assert.deepEqual(produceCodes(produced), [[0, 0], [1, 0]]);
    const open = coordinator().transaction('v2-commit')!;
    assert.equal(open.state, 'Ongoing');
    assert.equal(open.clientTransactionVersion, 2);
    assert.deepEqual([...open.partitions.values()].map((x) => `${x.topic}-${x.partition}`).sort(), ['t-0', 't-1'], 'added by the broker');
    // More batches to a partition already in the transaction need no coordinator.
    assert.deepEqual(produceCodes(await produce('v2-commit', 12, [{ partition: 0, records: txnBatch(p, 2, ['a2']) }])), [[0, 0]]);
    const offsets = await commitOffsets('v2-commit', 'g-v2', p, 3);
    assert.deepEqual(offsets.topics[0].partitions.map((x) => x.errorCode), [0]);
    assert.ok([...coordinator().transaction('v2-commit')!.partitions.values()].some((x) => x.topic === '__consumer_offsets'), 'the group’s partition joined the transaction');
    assert.deepEqual((await fetchValues(c, 't', 0, 1)).values, [], 'nothing stable yet');
    assert.equal(await committedOffset('g-v2'), -1, 'the offsets wait for the commit');

    const ended = await end('v2-commit', p, true);
    assert.deepEqual([ended.errorCode, ended.producerId, ended.producerEpoch], [0, p.producerId, p.producerEpoch + 1]);
    await coordinator().settled('v2-commit');
    const markers = logBatches(broker, 't', 0).filter((b) => b.control);
    assert.deepEqual(markers.map((m) => [m.control, m.producerId, m.producerEpoch]), [['commit', p.producerId, p.producerEpoch + 1]]);
    assert.deepEqual(logBatches(broker, 't', 1).filter((b) => b.control).map((m) => m.producerEpoch), [p.producerEpoch + 1]);
    assert.deepEqual((await fetchValues(c, 't', 0, 1)).values, ['a0', 'a1', 'a2'], 'read_committed sees the records');
    assert.deepEqual((await fetchValues(c, 't', 1, 1)).values, ['b0']);
    assert.equal(await committedOffset('g-v2'), 3);
    const described = await c.request(65, 0, { transactionalIds: ['v2-commit'] });
    assert.deepEqual([described.transactionStates[0].transactionState, described.transactionStates[0].producerEpoch], ['CompleteCommit', p.producerEpoch + 1]);
    // Written at value version 1 with the client's transactions version, as Kafka 4.0 writes it at transaction.version 2.
    const record = lastStateRecord('v2-commit');
    assert.deepEqual([record.valueVersion, record.clientTransactionVersion, record.producerEpoch], [1, 2, p.producerEpoch + 1]);
  });

  it('an aborted transaction likewise; EndTxn retries answer again; the old epoch is fenced', async () => {
    await findCoordinators('v2-abort', 'g-v2a');
    const first = await init('v2-abort');
    assert.deepEqual(produceCodes(await produce('v2-abort', 12, [{ partition: 0, records: txnBatch(first, 0, ['committed']) }])), [[0, 0]]);
    const committed = await end('v2-abort', first, true);
    const p: Producer = { producerId: committed.producerId, producerEpoch: committed.producerEpoch };
    // The next transaction starts right away, its markers maybe still being written: the broker waits for them.
    assert.deepEqual(produceCodes(await produce('v2-abort', 12, [{ partition: 0, records: txnBatch(p, 0, ['aborted']) }])), [[0, 0]], 'a new epoch starts at sequence 0');
    assert.deepEqual((await commitOffsets('v2-abort', 'g-v2a', p, 7)).topics[0].partitions.map((x) => x.errorCode), [0]);
    const aborted = await end('v2-abort', p, false);
    assert.deepEqual([aborted.errorCode, aborted.producerId, aborted.producerEpoch], [0, p.producerId, p.producerEpoch + 1]);
    await coordinator().settled('v2-abort');
    const mine = logBatches(broker, 't', 0).filter((b) => b.producerId === p.producerId);
    assert.deepEqual(
      mine.map((b) => [b.control ?? b.values.join(), b.producerEpoch]),
      [
        ['committed', first.producerEpoch],
        ['commit', first.producerEpoch + 1],
        ['aborted', p.producerEpoch],
        ['abort', p.producerEpoch + 1],
      ],
    );
    const rc = await fetchValues(c, 't', 0, 1);
    assert.ok(rc.values.includes('committed') && !rc.values.includes('aborted'));
    assert.ok(rc.aborted.some(([pid]) => pid === p.producerId), 'the aborted transaction is named');
    assert.equal(await committedOffset('g-v2a'), -1, 'aborted offsets are dropped');

    // A retry of the same EndTxn (its epoch one below the current) gets the same answer; the other decision does not.
    const retried = await end('v2-abort', p, false);
    assert.deepEqual([retried.errorCode, retried.producerId, retried.producerEpoch], [0, p.producerId, p.producerEpoch + 1]);
    assert.equal((await end('v2-abort', p, true)).errorCode, ErrorCode.INVALID_TXN_STATE);
    const now: Producer = { producerId: p.producerId, producerEpoch: p.producerEpoch + 1 };
    assert.equal((await end('v2-abort', now, true)).errorCode, ErrorCode.INVALID_TXN_STATE, 'nothing to commit');
    // The old epoch: the data path answers INVALID_PRODUCER_EPOCH, the coordinator PRODUCER_FENCED.
    const stale = await produce('v2-abort', 12, [{ partition: 1, records: txnBatch(p, 0, ['zombie']) }]);
    assert.deepEqual(produceCodes(stale), [[1, ErrorCode.INVALID_PRODUCER_EPOCH]]);
    assert.ok(!logBatches(broker, 't', 1).some((b) => b.values.includes('zombie')));
    assert.equal((await commitOffsets('v2-abort', 'g-v2a', p, 9)).topics[0].partitions[0].errorCode, ErrorCode.PRODUCER_FENCED);
    assert.equal((await end('v2-abort', { producerId: p.producerId, producerEpoch: p.producerEpoch - 1 }, false)).errorCode, ErrorCode.PRODUCER_FENCED);
    // A producer unsure of its state aborts: with nothing added the epoch is still bumped.
    const empty = await end('v2-abort', now, false);
    assert.deepEqual([empty.errorCode, empty.producerEpoch], [0, now.producerEpoch + 1]);
    await coordinator().settled('v2-abort');
    assert.equal(coordinator().transaction('v2-abort')!.state, 'CompleteAbort');
  });

  it('pipelined Produce v12 requests of one producer are appended in order while the first adds the partition', async () => {
    await findCoordinators('v2-pipe');
    const p = await init('v2-pipe');
    const sent = [0, 1, 2, 3].map((i) => produce('v2-pipe', 12, [{ partition: 1, records: txnBatch(p, i, [`pipe-${i}`]) }]));
    for (const r of await Promise.all(sent)) assert.deepEqual(produceCodes(r), [[1, 0]]);
    assert.deepEqual(logBatches(broker, 't', 1).filter((b) => b.producerId === p.producerId).map((b) => b.values.join()), ['pipe-0', 'pipe-1', 'pipe-2', 'pipe-3']);
    assert.equal((await end('v2-pipe', p, true)).errorCode, 0);
    await coordinator().settled('v2-pipe');
  });

  it('a Produce v12 with an unknown producer id or another epoch adds nothing and appends nothing', async () => {
    await findCoordinators('v2-bad');
    const p = await init('v2-bad');
    const unknown = await produce('v2-bad', 12, [{ partition: 0, records: txnBatch({ producerId: p.producerId + 1000, producerEpoch: 0 }, 0, ['x']) }]);
    assert.deepEqual(produceCodes(unknown), [[0, ErrorCode.INVALID_PRODUCER_ID_MAPPING]]);
    const future = await produce('v2-bad', 12, [{ partition: 0, records: txnBatch({ producerId: p.producerId, producerEpoch: p.producerEpoch + 1 }, 0, ['x']) }]);
    assert.deepEqual(produceCodes(future), [[0, ErrorCode.INVALID_PRODUCER_EPOCH]]);
    assert.equal(coordinator().transaction('v2-bad')!.state, 'Empty');
  });

  it('AddPartitionsToTxn v4-5: VerifyOnly checks without adding, per partition; without it the partitions are added as transactions version 2', async () => {
    await findCoordinators('v2-verify');
    const p = await init('v2-verify');
    const both = [{ name: 't', partitions: [0, 1] }];
    // Nothing added yet: no partition is in the (empty) transaction.
    for (const [version, notIn] of [
      [4, ErrorCode.INVALID_TXN_STATE],
      [5, ErrorCode.TRANSACTION_ABORTABLE],
    ]) {
      assert.deepEqual(verifyCodes(await verify(version, [{ txnId: 'v2-verify', p, topics: both, verifyOnly: true }])), [['v2-verify', [['t', 0, notIn], ['t', 1, notIn]]]]);
    }
    assert.deepEqual(produceCodes(await produce('v2-verify', 12, [{ partition: 0, records: txnBatch(p, 0, ['in']) }])), [[0, 0]]);
    const r = await verify(5, [
      { txnId: 'v2-verify', p, topics: both, verifyOnly: true },
      { txnId: 'v2-verify-stale', p: { producerId: p.producerId, producerEpoch: p.producerEpoch }, topics: both, verifyOnly: true },
    ]);
    assert.equal(r.errorCode, 0);
    assert.deepEqual(verifyCodes(r), [
      ['v2-verify', [['t', 0, 0], ['t', 1, ErrorCode.TRANSACTION_ABORTABLE]]],
      ['v2-verify-stale', [['t', 0, ErrorCode.INVALID_PRODUCER_ID_MAPPING], ['t', 1, ErrorCode.INVALID_PRODUCER_ID_MAPPING]]],
    ]);
    assert.deepEqual(verifyCodes(await verify(4, [{ txnId: 'v2-verify', p: { producerId: p.producerId, producerEpoch: p.producerEpoch + 1 }, topics: both, verifyOnly: true }])), [['v2-verify', [['t', 0, ErrorCode.PRODUCER_FENCED], ['t', 1, ErrorCode.PRODUCER_FENCED]]]]);
    assert.deepEqual(verifyCodes(await verify(4, [{ txnId: 'v2-verify', p, topics: [{ name: 't', partitions: [0, 7] }], verifyOnly: true }])), [['v2-verify', [['t', 0, ErrorCode.OPERATION_NOT_ATTEMPTED], ['t', 7, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]]]);
    assert.deepEqual([...coordinator().transaction('v2-verify')!.partitions.keys()].length, 1, 'verifying added nothing');
    // Without VerifyOnly: what a Kafka 4 broker sends for a Produce v12.
    assert.deepEqual(verifyCodes(await verify(5, [{ txnId: 'v2-verify', p, topics: both, verifyOnly: false }])), [['v2-verify', [['t', 0, 0], ['t', 1, 0]]]]);
    assert.equal(coordinator().transaction('v2-verify')!.partitions.size, 2);
    assert.deepEqual(verifyCodes(await verify(5, [{ txnId: 'v2-verify', p, topics: both, verifyOnly: true }])), [['v2-verify', [['t', 0, 0], ['t', 1, 0]]]]);
    const answered = await end('v2-verify', p, true);
    assert.equal(answered.errorCode, 0);
    await coordinator().settled('v2-verify');
    const next = { producerId: answered.producerId, producerEpoch: answered.producerEpoch };
    assert.deepEqual(verifyCodes(await verify(5, [{ txnId: 'v2-verify', p: next, topics: [{ name: 't', partitions: [0] }], verifyOnly: true }])), [['v2-verify', [['t', 0, ErrorCode.TRANSACTION_ABORTABLE]]]], 'the markers ended it');
  });

  it('EndTxn v4 on a transaction.version 2 cluster keeps the classic rules: no bump, what the request version decides', async () => {
    await findCoordinators('v2-classic');
    const p = await init('v2-classic');
    const add = await c.request(24, 3, { transactions: [], v3AndBelowTransactionalId: 'v2-classic', v3AndBelowProducerId: p.producerId, v3AndBelowProducerEpoch: p.producerEpoch, v3AndBelowTopics: [{ name: 't', partitions: [1] }] });
    assert.equal(add.resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode, 0);
    assert.deepEqual(produceCodes(await produce('v2-classic', 11, [{ partition: 1, records: txnBatch(p, 0, ['classic']) }])), [[1, 0]]);
    const ended = await end('v2-classic', p, true, 4);
    assert.deepEqual([ended.errorCode, ended.producerId, ended.producerEpoch], [0, -1, -1]);
    await coordinator().settled('v2-classic');
    assert.deepEqual(logBatches(broker, 't', 1).filter((b) => b.producerId === p.producerId && b.control).map((b) => b.producerEpoch), [p.producerEpoch]);
    assert.equal(coordinator().transaction('v2-classic')!.producerEpoch, p.producerEpoch);
    assert.equal(lastStateRecord('v2-classic').clientTransactionVersion, 0);
  });

  it('transaction.version 0 finalized (UpdateFeatures downgrade): Kafka 4 clients see no transactions version 2 and take the classic path; __transaction_state goes back to value version 0', async () => {
    const down = await c.request(57, 1, { timeoutMs: 60000, featureUpdates: [{ feature: TRANSACTION_VERSION, maxVersionLevel: 0, allowDowngrade: false, upgradeType: UpgradeType.SAFE_DOWNGRADE }], validateOnly: false });
    assert.equal(down.errorCode, 0);
    try {
      const versions = await c.request(18, 4, { clientSoftwareName: 'txn-v2-test', clientSoftwareVersion: '1' });
      assert.equal(
        versions.finalizedFeatures.find((f) => f.name === TRANSACTION_VERSION),
        undefined,
        'a Kafka 4 producer caps Produce at v11, TxnOffsetCommit at v4 and EndTxn at v4 and sends AddPartitionsToTxn again',
      );
      await findCoordinators('v0-classic', 'g-v0');
      const p = await init('v0-classic');
      const add = await c.request(24, 3, { transactions: [], v3AndBelowTransactionalId: 'v0-classic', v3AndBelowProducerId: p.producerId, v3AndBelowProducerEpoch: p.producerEpoch, v3AndBelowTopics: [{ name: 't', partitions: [0] }] });
      assert.equal(add.resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode, 0);
      assert.deepEqual(produceCodes(await produce('v0-classic', 11, [{ partition: 0, records: txnBatch(p, 0, ['v0']) }])), [[0, 0]]);
      assert.equal((await c.request(25, 3, { transactionalId: 'v0-classic', producerId: p.producerId, producerEpoch: p.producerEpoch, groupId: 'g-v0' })).errorCode, 0);
      assert.equal((await commitOffsets('v0-classic', 'g-v0', p, 11, 3)).topics[0].partitions[0].errorCode, 0);
      const ended = await end('v0-classic', p, true, 4);
      assert.equal(ended.errorCode, 0);
      await coordinator().settled('v0-classic');
      assert.deepEqual(logBatches(broker, 't', 0).filter((b) => b.producerId === p.producerId).map((b) => [b.control ?? b.values.join(), b.producerEpoch]), [
        ['v0', p.producerEpoch],
        ['commit', p.producerEpoch],
      ]);
      assert.equal(await committedOffset('g-v0'), 11);
      // Brokers before Kafka 4.0 read this format: no tagged fields, no client transactions version.
      const record = lastStateRecord('v0-classic');
      assert.deepEqual([record.valueVersion, record.clientTransactionVersion, record.transactionStatus], [0, 0, 4]);
      // The same producer goes on at the same epoch, as a classic producer does.
      const again = await c.request(24, 3, { transactions: [], v3AndBelowTransactionalId: 'v0-classic', v3AndBelowProducerId: p.producerId, v3AndBelowProducerEpoch: p.producerEpoch, v3AndBelowTopics: [{ name: 't', partitions: [0] }] });
      assert.equal(again.resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode, 0);
      assert.equal((await end('v0-classic', p, false, 4)).errorCode, 0);
      await coordinator().settled('v0-classic');
    } finally {
      const up = await c.request(57, 1, { timeoutMs: 60000, featureUpdates: [{ feature: TRANSACTION_VERSION, maxVersionLevel: 2, allowDowngrade: false, upgradeType: UpgradeType.UPGRADE }], validateOnly: false });
      assert.equal(up.errorCode, 0);
    }
    // Loaded back after a restart whatever the format each record was written in.
    c.close();
    await broker.stop(true);
    broker = await startTestBroker({ nodes: 1, dataDir: broker.dataDir });
    c = await RawClient.connect(broker.bootstrap);
    assert.deepEqual([coordinator().transaction('v0-classic')!.state, coordinator().transaction('v2-commit')!.state, coordinator().transaction('v2-commit')!.clientTransactionVersion], ['CompleteAbort', 'CompleteCommit', 2]);
  });
});

describe('transactions version 2: AddPartitionsToTxn v4+ is broker-to-broker (CLUSTER_ACTION)', function () {
  this.timeout(30000);
  let broker: AuthzBroker;
  before(async () => {
    broker = await startAuthzBroker();
    broker.cluster.createTopic('secure', 1, 1);
  });
  after(async () => broker?.stop());

  it('refused without CLUSTER_ACTION on the cluster (top-level CLUSTER_AUTHORIZATION_FAILED); with it no topic or transactional id ACL is needed', async () => {
    const admin = await broker.connectAs('admin');
    assert.equal((await admin.request(10, 4, { key: '', keyType: 1, coordinatorKeys: ['sec-v2'] })).coordinators[0].errorCode, 0);
    const p = await admin.request(22, 5, { transactionalId: 'sec-v2', transactionTimeoutMs: 60000, producerId: -1, producerEpoch: -1 });
    const alice = await broker.connectAs('alice');
    const request = (verifyOnly: boolean) => ({
      transactions: [{ transactionalId: 'sec-v2', producerId: p.producerId, producerEpoch: p.producerEpoch, verifyOnly, topics: [{ name: 'secure', partitions: [0] }] }],
      v3AndBelowTransactionalId: '',
      v3AndBelowProducerId: 0,
      v3AndBelowProducerEpoch: 0,
      v3AndBelowTopics: [],
    });
    for (const version of [4, 5]) {
      const refused = await alice.request(24, version, request(false));
      assert.deepEqual([refused.errorCode, refused.resultsByTransaction], [ErrorCode.CLUSTER_AUTHORIZATION_FAILED, []], `v${version}`);
    }
    assert.equal(broker.cluster.transactionCoordinator.transaction('sec-v2')!.state, 'Empty');
    broker.allow('User:alice', Op.CLUSTER_ACTION, R.CLUSTER, 'kafka-cluster');
    const added = await alice.request(24, 5, request(false));
    assert.equal(added.errorCode, 0);
    assert.equal(added.resultsByTransaction[0].topicResults[0].resultsByPartition[0].partitionErrorCode, 0);
    assert.equal((await alice.request(24, 4, request(true))).resultsByTransaction[0].topicResults[0].resultsByPartition[0].partitionErrorCode, 0);
    // The client versions still need WRITE on the transactional id.
    const v3 = await alice.request(24, 3, { transactions: [], v3AndBelowTransactionalId: 'sec-v2', v3AndBelowProducerId: p.producerId, v3AndBelowProducerEpoch: p.producerEpoch, v3AndBelowTopics: [{ name: 'secure', partitions: [0] }] });
    assert.equal(v3.resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
  });
});
