import { strict as assert } from 'node:assert';
import { startTestBroker, TestBroker } from '../support/broker';
import { sendRequest } from '../support/raw-client';
import { ManualClock } from '../support/manual-clock';
import { pollUntil } from '../support/poll';
import { ErrorCode } from '../../src/broker/errors';
import { encodeRecordBatch } from '../../src/broker/records/record-batch';

describe('transaction APIs over raw frames: coordinators, errors by version, read_committed fetches', function () {
  this.timeout(30000);
  let broker: TestBroker;
  before(async () => {
    broker = await startTestBroker({ nodes: 3 });
    broker.cluster.createTopic('t', 1, 3);
  });
  after(() => broker.stop());

  /** The coordinator of `txnId` as FindCoordinator (key type 1) answers, and some other node. */
  async function coordinator(txnId: string): Promise<{ at: string; elsewhere: string }> {
    const r = await sendRequest(broker.bootstrap, 10, 4, { key: '', keyType: 1, coordinatorKeys: [txnId] });
    const c = r.coordinators[0];
    assert.equal(c.errorCode, 0);
    assert.equal(c.nodeId, broker.cluster.transactionCoordinator.coordinatorFor(txnId));
    assert.ok(broker.cluster.metadata.topic('__transaction_state'), 'created on first use');
    const other = broker.server.listeners().find((l) => l.nodeId !== c.nodeId)!;
    return { at: `${c.host}:${c.port}`, elsewhere: `${other.host}:${other.port}` };
  }

  const init = (at: string, txnId: string, version = 4) => sendRequest(at, 22, version, { transactionalId: txnId, transactionTimeoutMs: 60000, producerId: -1, producerEpoch: -1 });
  const add = (at: string, txnId: string, pid: number, epoch: number, topics: Array<{ name: string; partitions: number[] }>, version = 3) =>
    sendRequest(at, 24, version, { transactions: [], v3AndBelowTransactionalId: txnId, v3AndBelowProducerId: pid, v3AndBelowProducerEpoch: epoch, v3AndBelowTopics: topics });
  const end = (at: string, txnId: string, pid: number, epoch: number, committed: boolean, version = 3) => sendRequest(at, 26, version, { transactionalId: txnId, producerId: pid, producerEpoch: epoch, committed });

  it('on a manual clock, an open transaction is aborted by the first timeout check past transaction.timeout.ms, and its producer fenced', async () => {
    const clock = new ManualClock();
    const b = await startTestBroker({ clock, config: { 'transaction.abort.timed.out.transaction.cleanup.interval.ms': '1000' } });
    try {
      b.cluster.createTopic('tt', 1, 1);
      assert.equal((await sendRequest(b.bootstrap, 10, 4, { key: '', keyType: 1, coordinatorKeys: ['x-clock'] })).coordinators[0].errorCode, 0);
      const p = await sendRequest(b.bootstrap, 22, 4, { transactionalId: 'x-clock', transactionTimeoutMs: 5000, producerId: -1, producerEpoch: -1 });
      assert.equal((await add(b.bootstrap, 'x-clock', p.producerId, p.producerEpoch, [{ name: 'tt', partitions: [0] }])).resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode, 0);
      const tc = b.cluster.transactionCoordinator;
      // Checks every 1 000 ms: open exactly 5 000 ms at the check of 5 000 is not past the timeout; at 6 000 it is.
      await clock.advanceAsync(5999);
      assert.equal(tc.transaction('x-clock')!.state, 'Ongoing');
      await clock.advanceAsync(1);
      await pollUntil('the abort markers and CompleteAbort to be written', () => tc.transaction('x-clock')!.state === 'CompleteAbort');
      assert.equal(tc.transaction('x-clock')!.producerEpoch, p.producerEpoch + 1, 'the producer is fenced');
      assert.equal((await end(b.bootstrap, 'x-clock', p.producerId, p.producerEpoch, true)).errorCode, ErrorCode.PRODUCER_FENCED);
    } finally {
      await b.stop();
    }
  });

  it('requests to a node that is not the coordinator get NOT_COORDINATOR; unknown key types and empty ids INVALID_REQUEST', async () => {
    const { elsewhere } = await coordinator('x-nc');
    assert.equal((await init(elsewhere, 'x-nc')).errorCode, ErrorCode.NOT_COORDINATOR);
    assert.equal((await end(elsewhere, 'x-nc', 1, 0, true)).errorCode, ErrorCode.NOT_COORDINATOR);
    const r = await sendRequest(broker.bootstrap, 10, 4, { key: '', keyType: 2, coordinatorKeys: ['k'] });
    assert.equal(r.coordinators[0].errorCode, ErrorCode.INVALID_REQUEST);
    const empty = await sendRequest(broker.bootstrap, 10, 4, { key: '', keyType: 1, coordinatorKeys: [''] });
    assert.equal(empty.coordinators[0].errorCode, ErrorCode.INVALID_REQUEST);
  });

  it('AddPartitionsToTxn: an unknown partition fails the request (the rest OPERATION_NOT_ATTEMPTED); fencing is INVALID_PRODUCER_EPOCH before v2', async () => {
    const { at } = await coordinator('x-add');
    const p = await init(at, 'x-add');
    assert.equal(p.errorCode, 0);
    const r = await add(at, 'x-add', p.producerId, p.producerEpoch, [{ name: 't', partitions: [0, 7] }, { name: 'nope', partitions: [0] }]);
    const codes = r.resultsByTopicV3AndBelow.flatMap((t: { name: string; resultsByPartition: Array<{ partitionIndex: number; partitionErrorCode: number }> }) => t.resultsByPartition.map((x) => [t.name, x.partitionIndex, x.partitionErrorCode]));
    assert.deepEqual(codes, [['t', 0, ErrorCode.OPERATION_NOT_ATTEMPTED], ['t', 7, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION], ['nope', 0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]);
    assert.equal(broker.cluster.transactionCoordinator.transaction('x-add')!.state, 'Empty');
    const stale = (v: number) => add(at, 'x-add', p.producerId, p.producerEpoch - 1, [{ name: 't', partitions: [0] }], v);
    assert.equal((await stale(1)).resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode, ErrorCode.INVALID_PRODUCER_EPOCH);
    assert.equal((await stale(3)).resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode, ErrorCode.PRODUCER_FENCED);
    assert.equal((await end(at, 'x-add', p.producerId + 1, p.producerEpoch, true)).errorCode, ErrorCode.INVALID_PRODUCER_ID_MAPPING);
  });

  it('a produced transaction: read_committed Fetch stops at the last stable offset, then names the aborted transaction', async () => {
    const { at } = await coordinator('x-fetch');
    const p = await init(at, 'x-fetch');
    assert.equal((await add(at, 'x-fetch', p.producerId, p.producerEpoch, [{ name: 't', partitions: [0] }])).resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode, 0);
    const leader = broker.server.listeners().find((l) => l.nodeId === broker.cluster.partitionLeader('t', 0))!;
    const batch = encodeRecordBatch({ isTransactional: true, producerId: p.producerId, producerEpoch: p.producerEpoch, baseSequence: 0, records: [{ key: null, value: Buffer.from('v'), timestamp: Date.now() }] });
    const produced = await sendRequest(`${leader.host}:${leader.port}`, 0, 9, { transactionalId: 'x-fetch', acks: -1, timeoutMs: 5000, topicData: [{ name: 't', partitionData: [{ index: 0, records: batch }] }] });
    assert.equal(produced.responses[0].partitionResponses[0].errorCode, 0);
    const fetch = (isolationLevel: number) =>
      sendRequest(`${leader.host}:${leader.port}`, 1, 11, { clusterId: null, replicaId: -1, replicaState: { replicaId: -1, replicaEpoch: -1 }, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel, sessionId: 0, sessionEpoch: -1, topics: [{ topic: 't', topicId: '00000000-0000-0000-0000-000000000000', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1 << 20, replicaDirectoryId: '00000000-0000-0000-0000-000000000000' }] }], forgottenTopicsData: [], rackId: '' });
    let rc = (await fetch(1)).responses[0].partitions[0];
    assert.equal(rc.lastStableOffset, 0);
    assert.equal(rc.records?.length ?? 0, 0, 'nothing stable to read');
    assert.ok(((await fetch(0)).responses[0].partitions[0].records?.length ?? 0) > 0, 'read_uncommitted sees it');
    assert.equal((await end(at, 'x-fetch', p.producerId, p.producerEpoch, false)).errorCode, 0);
    rc = (await fetch(1)).responses[0].partitions[0];
    assert.equal(rc.lastStableOffset, 2, 'past the ABORT marker');
    assert.ok((rc.records?.length ?? 0) > 0);
    assert.deepEqual((rc.abortedTransactions ?? []).map((a: { producerId: number; firstOffset: number }) => [a.producerId, a.firstOffset]), [[p.producerId, 0]]);
    // ListOffsets latest under read_committed is the last stable offset.
    const lo = await sendRequest(`${leader.host}:${leader.port}`, 2, 7, { replicaId: -1, isolationLevel: 1, timeoutMs: 0, topics: [{ name: 't', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1, maxNumOffsets: 1 }] }] });
    assert.equal(lo.topics[0].partitions[0].offset, 2);
  });

  it('KIP-890 part 1: a Produce v3-11 that would start a transaction the coordinator does not have on that partition is refused, so none hangs', async () => {
    broker.cluster.createTopic('verified', 2, 3);
    const { at } = await coordinator('x-verify');
    const p = await init(at, 'x-verify');
    await add(at, 'x-verify', p.producerId, p.producerEpoch, [{ name: 'verified', partitions: [0] }]);
    const send = (partition: number, baseSequence: number, transactionalId = 'x-verify') => {
      const leader = broker.server.listeners().find((l) => l.nodeId === broker.cluster.partitionLeader('verified', partition))!;
      const records = encodeRecordBatch({ isTransactional: true, producerId: p.producerId, producerEpoch: p.producerEpoch, baseSequence, records: [{ key: null, value: Buffer.from(`v${baseSequence}`), timestamp: Date.now() }] });
      return sendRequest(`${leader.host}:${leader.port}`, 0, 9, { transactionalId, acks: -1, timeoutMs: 5000, topicData: [{ name: 'verified', partitionData: [{ index: partition, records }] }] });
    };
    const result = (r: { responses: Array<{ partitionResponses: Array<{ errorCode: number; errorMessage: string | null }> }> }) => [r.responses[0].partitionResponses[0].errorCode, r.responses[0].partitionResponses[0].errorMessage];
    assert.deepEqual(result(await send(0, 0)), [0, null], 'added: appended');
    assert.deepEqual(result(await send(1, 0)), [ErrorCode.INVALID_TXN_STATE, 'Partition was not added to the transaction'], 'never added');
    assert.equal(broker.cluster.leaderLog('verified', 1).logEndOffset, 0, 'nothing appended');
    assert.equal((await end(at, 'x-verify', p.producerId, p.producerEpoch, true)).errorCode, 0);
    await broker.cluster.transactionCoordinator.settled('x-verify');
    // A batch of the ended transaction arriving late (a retry) would open a new one on the partition that nobody ends.
    const log0 = broker.cluster.leaderLog('verified', 0);
    const stable = log0.lastStableOffset;
    assert.deepEqual(result(await send(0, 1)), [ErrorCode.INVALID_TXN_STATE, 'Partition was not added to the transaction']);
    assert.equal(log0.lastStableOffset, stable, 'no hanging transaction holds the partition back');
    assert.equal(result(await send(0, 1, 'x-unknown'))[0], ErrorCode.INVALID_PRODUCER_ID_MAPPING, 'a transactional id the coordinator does not know');
  });

  it('transaction.partition.verification.enable=false appends without asking the coordinator, as Kafka before 3.6', async () => {
    const b = await startTestBroker({ config: { 'transaction.partition.verification.enable': 'false' } });
    try {
      b.cluster.createTopic('unverified', 1, 1);
      const records = encodeRecordBatch({ isTransactional: true, producerId: 42, producerEpoch: 0, baseSequence: 0, records: [{ key: null, value: Buffer.from('x'), timestamp: Date.now() }] });
      const r = await sendRequest(b.bootstrap, 0, 9, { transactionalId: 'nobody', acks: -1, timeoutMs: 5000, topicData: [{ name: 'unverified', partitionData: [{ index: 0, records }] }] });
      assert.equal(r.responses[0].partitionResponses[0].errorCode, 0);
      assert.equal(b.cluster.leaderLog('unverified', 0).lastStableOffset, 0, 'a transaction the coordinator will never end: what verification prevents');
    } finally {
      await b.stop();
    }
  });

  it('WriteTxnMarkers (kafka-transactions.sh abort): ends a hanging transaction on the partition leader; elsewhere refused', async () => {
    broker.cluster.createTopic('hang', 1, 3);
    const { at } = await coordinator('x-hang');
    const p = await init(at, 'x-hang');
    await add(at, 'x-hang', p.producerId, p.producerEpoch, [{ name: 'hang', partitions: [0] }]);
    const leaderId = broker.cluster.partitionLeader('hang', 0);
    const leader = broker.server.listeners().find((l) => l.nodeId === leaderId)!;
    const other = broker.server.listeners().find((l) => l.nodeId !== leaderId)!;
    const batch = encodeRecordBatch({ isTransactional: true, producerId: p.producerId, producerEpoch: p.producerEpoch, baseSequence: 0, records: [{ key: null, value: Buffer.from('hanging'), timestamp: Date.now() }] });
    await sendRequest(`${leader.host}:${leader.port}`, 0, 9, { transactionalId: 'x-hang', acks: -1, timeoutMs: 5000, topicData: [{ name: 'hang', partitionData: [{ index: 0, records: batch }] }] });
    const log = broker.cluster.leaderLog('hang', 0);
    assert.equal(log.lastStableOffset, 0, 'held by the hanging transaction');
    const marker = (topics: Array<{ name: string; partitionIndexes: number[] }>) => ({ markers: [{ producerId: p.producerId, producerEpoch: p.producerEpoch, transactionResult: false, topics, coordinatorEpoch: 0 }] });
    const refused = await sendRequest(`${other.host}:${other.port}`, 27, 1, marker([{ name: 'hang', partitionIndexes: [0] }, { name: 'nope', partitionIndexes: [0] }]));
    assert.deepEqual(refused.markers[0].topics.map((t: { name: string; partitions: Array<{ errorCode: number }> }) => [t.name, t.partitions[0].errorCode]), [['hang', ErrorCode.NOT_LEADER_OR_FOLLOWER], ['nope', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]);
    const written = await sendRequest(`${leader.host}:${leader.port}`, 27, 1, marker([{ name: 'hang', partitionIndexes: [0] }]));
    assert.equal(written.markers[0].topics[0].partitions[0].errorCode, 0);
    assert.equal(log.lastStableOffset, log.logEndOffset, 'the partition is stable again');
    assert.deepEqual(log.collectAbortedTransactions(0, log.logEndOffset).map((t) => [t.producerId, t.firstOffset, t.lastOffset]), [[p.producerId, 0, 1]]);
    // The coordinator still has the transaction open (as Kafka's would); its own abort is harmless afterwards.
    assert.equal(broker.cluster.transactionCoordinator.transaction('x-hang')!.state, 'Ongoing');
    assert.equal((await end(at, 'x-hang', p.producerId, p.producerEpoch, false)).errorCode, 0);
    await broker.cluster.transactionCoordinator.settled('x-hang');
    assert.equal(log.lastStableOffset, log.logEndOffset);
  });

  it('DescribeTransactions and ListTransactions (what kafka-transactions.sh asks): state, producer, partitions, filters', async () => {
    const { at, elsewhere } = await coordinator('x-admin');
    const p = await init(at, 'x-admin');
    await add(at, 'x-admin', p.producerId, p.producerEpoch, [{ name: 't', partitions: [0] }]);
    const d = await sendRequest(at, 65, 0, { transactionalIds: ['x-admin'] });
    const [mine] = d.transactionStates;
    const [nobody] = (await sendRequest((await coordinator('nobody')).at, 65, 0, { transactionalIds: ['nobody'] })).transactionStates;
    assert.deepEqual(
      [mine.errorCode, mine.transactionState, mine.producerId, mine.producerEpoch, mine.transactionTimeoutMs, mine.topics.map((t: { topic: string; partitions: number[] }) => [t.topic, t.partitions])],
      [0, 'Ongoing', p.producerId, p.producerEpoch, 60000, [['t', [0]]]],
    );
    assert.ok(mine.transactionStartTimeMs > 0);
    assert.equal(nobody.errorCode, ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);
    assert.equal((await sendRequest(elsewhere, 65, 0, { transactionalIds: ['x-admin'] })).transactionStates[0].errorCode, ErrorCode.NOT_COORDINATOR);
    // Every broker lists the ids it coordinates; together they list each id once.
    const listAll = async (req: { stateFilters: string[]; producerIdFilters: number[]; durationFilter: number }) => {
      const answers = await Promise.all(broker.server.listeners().map((l) => sendRequest(`${l.host}:${l.port}`, 66, 1, req)));
      return { ids: answers.flatMap((a) => a.transactionStates.map((t: { transactionalId: string; transactionState: string }) => `${t.transactionalId}:${t.transactionState}`)).sort(), unknown: answers[0].unknownStateFilters };
    };
    const all = await listAll({ stateFilters: [], producerIdFilters: [], durationFilter: -1 });
    assert.ok(all.ids.includes('x-admin:Ongoing') && all.ids.includes('x-fetch:CompleteAbort'), all.ids.join());
    assert.deepEqual((await listAll({ stateFilters: ['Ongoing', 'Bogus'], producerIdFilters: [], durationFilter: -1 })).ids, ['x-admin:Ongoing']);
    assert.deepEqual((await listAll({ stateFilters: ['Ongoing', 'Bogus'], producerIdFilters: [], durationFilter: -1 })).unknown, ['Bogus']);
    assert.deepEqual((await listAll({ stateFilters: [], producerIdFilters: [p.producerId], durationFilter: -1 })).ids, ['x-admin:Ongoing']);
    assert.deepEqual((await listAll({ stateFilters: [], producerIdFilters: [], durationFilter: 3_600_000 })).ids, [], 'none open for an hour');
    assert.equal((await end(at, 'x-admin', p.producerId, p.producerEpoch, true)).errorCode, 0);
  });
});
