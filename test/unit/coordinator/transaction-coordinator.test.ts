import { strict as assert } from 'node:assert';
import { TransactionCoordinator, TransactionStateStore, TxnMarkerWriter, DEFAULT_TXN_CONFIG } from '../../../src/broker/coordinator/transaction/transaction-coordinator';
import { decodeTransactionLogRecord, TXN_STATE_IDS } from '../../../src/broker/coordinator/transaction/transaction-log';
import { MemoryTopic } from '../../support/memory-topic';
import { ManualClock, flush } from '../../support/manual-clock';
import { javaStringHashCode } from '../../../src/broker/coordinator/group/group-partitioner';
import { ErrorCode, KafkaError } from '../../../src/broker/errors';

class MemoryStore extends MemoryTopic implements TransactionStateStore {
  leaderEpochOf(): number {
    return 4;
  }
  /** The states written for `id`, in order. */
  states(id: string): string[] {
    return [...this.logs.values()].flat().map((r) => decodeTransactionLogRecord(r.key, r.value)).filter((r) => r.transactionalId === id).map((r) => Object.entries(TXN_STATE_IDS).find(([, v]) => v === r.value?.transactionStatus)![0]);
  }
}

type Marker = Parameters<TxnMarkerWriter['writeMarkers']>[0];

class Markers implements TxnMarkerWriter {
  readonly written: Marker[] = [];
  /** Every attempt, failed or not, at the clock's time. */
  readonly attempts: number[] = [];
  failWith?: Error;
  constructor(private readonly clock: ManualClock) {}
  async writeMarkers(m: Marker): Promise<void> {
    this.attempts.push(this.clock.now());
    if (this.failWith) throw this.failWith;
    this.written.push(m);
  }
}

describe('TransactionCoordinator', () => {
  let store: MemoryStore;
  let markers: Markers;
  let nextPid: number;
  let clock: ManualClock;
  let tc: TransactionCoordinator;
  const make = (config = DEFAULT_TXN_CONFIG) => new TransactionCoordinator(store, markers, () => nextPid++, config, { clock });
  beforeEach(() => {
    clock = new ManualClock();
    store = new MemoryStore();
    markers = new Markers(clock);
    nextPid = 1000;
    tc = make();
  });
  afterEach(() => tc.shutdown());

  it('places transactional ids on __transaction_state partitions as Kafka does (String.hashCode)', () => {
    assert.ok(javaStringHashCode('my-txn') < 0);
    assert.equal(tc.partitionFor('my-txn'), Math.abs(javaStringHashCode('my-txn')) % 50);
    assert.equal(tc.partitionFor('kafka-txn-0'), 30);
  });

  it('InitProducerId: epoch 0 for a new id, bumped for each restart; timeouts over transaction.max.timeout.ms refused', async () => {
    assert.deepEqual(await tc.initProducerId('t', 60000), { errorCode: ErrorCode.NONE, producerId: 1000, producerEpoch: 0 });
    assert.deepEqual(await tc.initProducerId('t', 60000), { errorCode: ErrorCode.NONE, producerId: 1000, producerEpoch: 1 });
    assert.equal((await tc.initProducerId('t', 900001)).errorCode, ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    // KIP-360: a producer naming a stale id/epoch is fenced; naming the current one gets the next epoch.
    assert.equal((await tc.initProducerId('t', 60000, { producerId: 1000, producerEpoch: 0 })).errorCode, ErrorCode.PRODUCER_FENCED);
    assert.equal((await tc.initProducerId('t', 60000, { producerId: 1000, producerEpoch: 1 })).producerEpoch, 2);
    assert.deepEqual(store.states('t'), ['Empty', 'Empty', 'Empty']);
  });

  it('a transaction: partitions added (Ongoing), EndTxn answers once PrepareCommit is logged, then writes markers to each with the coordinator epoch, then CompleteCommit', async () => {
    const { producerId, producerEpoch } = await tc.initProducerId('t', 60000);
    assert.equal(await tc.endTxn('t', producerId, producerEpoch, true), ErrorCode.INVALID_TXN_STATE, 'nothing to end');
    assert.equal(await tc.addPartitions('t', producerId, producerEpoch, [{ topic: 'a', partition: 0 }, { topic: 'b', partition: 2 }]), ErrorCode.NONE);
    assert.equal(await tc.addPartitions('t', producerId, producerEpoch, [{ topic: 'a', partition: 0 }, { topic: 'a', partition: 1 }]), ErrorCode.NONE);
    assert.equal(tc.transaction('t')!.state, 'Ongoing');
    assert.equal(tc.transaction('t')!.txnStartTimestamp, clock.now());
    assert.equal(await tc.endTxn('t', producerId, producerEpoch, true), ErrorCode.NONE);
    // As Kafka: the answer comes once the decision is logged; until the markers are written the producer's next
    // requests are answered CONCURRENT_TRANSACTIONS.
    assert.equal(tc.transaction('t')!.state, 'PrepareCommit');
    assert.equal(await tc.addPartitions('t', producerId, producerEpoch, [{ topic: 'a', partition: 0 }]), ErrorCode.CONCURRENT_TRANSACTIONS);
    assert.equal(await tc.endTxn('t', producerId, producerEpoch, true), ErrorCode.CONCURRENT_TRANSACTIONS);
    await tc.settled('t');
    assert.equal(markers.written.length, 1);
    const m = markers.written[0];
    assert.deepEqual({ ...m, partitions: m.partitions.map((p) => `${p.topic}-${p.partition}`).sort() }, { producerId, producerEpoch, coordinatorEpoch: 4, commit: true, partitions: ['a-0', 'a-1', 'b-2'] });
    assert.deepEqual(store.states('t'), ['Empty', 'Ongoing', 'Ongoing', 'PrepareCommit', 'CompleteCommit']);
    // A retried EndTxn gets the same answer; the other decision is refused.
    assert.equal(await tc.endTxn('t', producerId, producerEpoch, true), ErrorCode.NONE);
    assert.equal(await tc.endTxn('t', producerId, producerEpoch, false), ErrorCode.INVALID_TXN_STATE);
    assert.equal(markers.written.length, 1, 'no markers again');
  });

  it('wrong producer ids and epochs: INVALID_PRODUCER_ID_MAPPING and PRODUCER_FENCED', async () => {
    const { producerId, producerEpoch } = await tc.initProducerId('t', 60000);
    assert.equal(await tc.addPartitions('nobody', producerId, producerEpoch, [{ topic: 'a', partition: 0 }]), ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    assert.equal(await tc.addPartitions('t', producerId + 1, producerEpoch, [{ topic: 'a', partition: 0 }]), ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    assert.equal(await tc.addPartitions('t', producerId, producerEpoch + 1, [{ topic: 'a', partition: 0 }]), ErrorCode.PRODUCER_FENCED);
    assert.equal(await tc.endTxn('t', producerId, producerEpoch - 1, true), ErrorCode.PRODUCER_FENCED);
  });

  it('a new producer for the id aborts the open transaction with its epoch bumped (fencing), then gets the next epoch', async () => {
    const old = await tc.initProducerId('t', 60000);
    await tc.addPartitions('t', old.producerId, old.producerEpoch, [{ topic: 'a', partition: 0 }]);
    const successor = await tc.initProducerId('t', 60000);
    assert.deepEqual(successor, { errorCode: ErrorCode.NONE, producerId: old.producerId, producerEpoch: old.producerEpoch + 2 });
    assert.deepEqual(markers.written.map((m) => [m.commit, m.producerEpoch]), [[false, old.producerEpoch + 1]], 'ABORT markers at the bumped epoch');
    assert.equal(await tc.endTxn('t', old.producerId, old.producerEpoch, true), ErrorCode.PRODUCER_FENCED, 'the old producer cannot commit');
    assert.deepEqual(store.states('t'), ['Empty', 'Ongoing', 'PrepareAbort', 'CompleteAbort', 'Empty']);
  });

  it('transactions open longer than their timeout are aborted, and their producer fenced', async () => {
    const p = await tc.initProducerId('t', 1000);
    await tc.addPartitions('t', p.producerId, p.producerEpoch, [{ topic: 'a', partition: 0 }]);
    const now = clock.now();
    assert.equal(await tc.abortTimedOutTransactions(now + 1000), 0, 'not yet');
    assert.equal(await tc.abortTimedOutTransactions(now + 1001), 1);
    assert.equal(tc.transaction('t')!.state, 'CompleteAbort');
    assert.equal(markers.written[0].commit, false);
    assert.equal(await tc.addPartitions('t', p.producerId, p.producerEpoch, [{ topic: 'a', partition: 0 }]), ErrorCode.PRODUCER_FENCED);
  });

  it('transaction.timeout.ms: the periodic check aborts the transaction on its first tick past the timeout, not before', async () => {
    tc.shutdown();
    tc = make({ ...DEFAULT_TXN_CONFIG, abortTimedOutIntervalMs: 100 });
    tc.startTimeouts();
    const p = await tc.initProducerId('t', 1000);
    await tc.addPartitions('t', p.producerId, p.producerEpoch, [{ topic: 'a', partition: 0 }]);
    // Open for exactly 1 000 ms at the tick of 1 000: not past its timeout yet. The tick of 1 100 is.
    await clock.advanceAsync(1099);
    assert.equal(tc.transaction('t')!.state, 'Ongoing');
    await clock.advanceAsync(1);
    assert.equal(tc.transaction('t')!.state, 'CompleteAbort');
    assert.deepEqual(markers.written.map((m) => [m.commit, m.producerEpoch]), [[false, p.producerEpoch + 1]]);
  });

  it('reloads every id from __transaction_state and finishes a decision whose markers were not all written', async () => {
    const p = await tc.initProducerId('t', 60000);
    await tc.addPartitions('t', p.producerId, p.producerEpoch, [{ topic: 'a', partition: 0 }]);
    markers.failWith = new KafkaError('NOT_ENOUGH_REPLICAS', 'a leader is down');
    // The decision is logged: the commit stands, whatever becomes of the markers.
    assert.equal(await tc.endTxn('t', p.producerId, p.producerEpoch, true), ErrorCode.NONE);
    assert.equal(tc.transaction('t')!.state, 'PrepareCommit');
    assert.equal(await tc.endTxn('t', p.producerId, p.producerEpoch, true), ErrorCode.CONCURRENT_TRANSACTIONS, 'retried until complete');
    assert.equal(await tc.endTxn('t', p.producerId, p.producerEpoch, false), ErrorCode.CONCURRENT_TRANSACTIONS, 'the decision is taken');
    await tc.initProducerId('other', 60000);
    // A stop ends the marker retries; the decision stays logged.
    tc.shutdown();
    await tc.settled('t');
    assert.equal(tc.transaction('t')!.state, 'PrepareCommit');
    assert.equal(await tc.endTxn('t', p.producerId, p.producerEpoch, false), ErrorCode.INVALID_TXN_STATE, 'the other decision is refused');
    // The periodic sweep tries the markers again; still failing, the decision stays.
    await tc.abortTimedOutTransactions();
    assert.equal(tc.transaction('t')!.state, 'PrepareCommit');
    // A restart: the coordinator reloads and completes the commit (the leader is back).
    markers.failWith = undefined;
    tc = make();
    assert.deepEqual(tc.load(), { transactions: 2, completing: 1 });
    await flush();
    assert.equal(tc.transaction('t')!.state, 'CompleteCommit');
    assert.deepEqual(markers.written.map((m) => [m.commit, m.partitions.length]), [[true, 1]]);
    assert.equal(tc.transaction('other')!.producerId, 1001);
    // The producer's EndTxn retry succeeds.
    assert.equal(await tc.endTxn('t', p.producerId, p.producerEpoch, true), ErrorCode.NONE);
  });

  it('the periodic sweep completes a decision once its markers can be written', async () => {
    const p = await tc.initProducerId('t', 60000);
    await tc.addPartitions('t', p.producerId, p.producerEpoch, [{ topic: 'a', partition: 0 }]);
    markers.failWith = new KafkaError('NOT_ENOUGH_REPLICAS', 'a leader is down');
    assert.equal(await tc.endTxn('t', p.producerId, p.producerEpoch, false), ErrorCode.NONE);
    // Left to the sweep: the background retries stop with the coordinator.
    tc.shutdown();
    await tc.settled('t');
    assert.equal(tc.transaction('t')!.state, 'PrepareAbort');
    markers.failWith = undefined;
    await tc.abortTimedOutTransactions();
    assert.equal(tc.transaction('t')!.state, 'CompleteAbort');
    assert.deepEqual(markers.written.map((m) => m.commit), [false]);
  });

  it('markers that cannot be written at first are retried in the background until they are', async () => {
    const p = await tc.initProducerId('t', 60000);
    await tc.addPartitions('t', p.producerId, p.producerEpoch, [{ topic: 'a', partition: 0 }]);
    markers.failWith = new KafkaError('NOT_ENOUGH_REPLICAS', 'a leader is down');
    const t0 = clock.now();
    assert.equal(await tc.endTxn('t', p.producerId, p.producerEpoch, true), ErrorCode.NONE);
    // Retried after 50 ms, then 100 ms more (the backoff doubles).
    await clock.advanceAsync(149);
    assert.deepEqual(markers.attempts.map((t) => t - t0), [0, 50]);
    await clock.advanceAsync(1);
    assert.deepEqual(markers.attempts.map((t) => t - t0), [0, 50, 150]);
    assert.equal(tc.transaction('t')!.state, 'PrepareCommit');
    markers.failWith = undefined;
    await clock.advanceAsync(200);
    assert.deepEqual(markers.attempts.map((t) => t - t0), [0, 50, 150, 350]);
    await tc.settled('t');
    assert.equal(tc.transaction('t')!.state, 'CompleteCommit');
    assert.deepEqual(markers.written.map((m) => m.commit), [true]);
    assert.equal(await tc.endTxn('t', p.producerId, p.producerEpoch, true), ErrorCode.NONE);
  });

  it('a failed state write changes nothing and is answered with a retriable error', async () => {
    const p = await tc.initProducerId('t', 60000);
    store.failWith = new KafkaError('NOT_ENOUGH_REPLICAS', 'down');
    assert.equal(await tc.addPartitions('t', p.producerId, p.producerEpoch, [{ topic: 'a', partition: 0 }]), ErrorCode.COORDINATOR_NOT_AVAILABLE);
    assert.equal(tc.transaction('t')!.state, 'Empty');
    assert.equal(tc.transaction('t')!.partitions.size, 0);
  });
});
