// The transaction coordinator's transactions version 2 (KIP-890 part 2) where the wire cannot reach it in a test's
// time: an epoch bump that exhausts the epoch moves the producer to a new producer id once the markers are written,
// and a retry across that move is recognised; a decision logged with its next producer id is finished after a restart.
import { strict as assert } from 'node:assert';
import { TransactionCoordinator, TRANSACTION_VERSION_2, type TransactionStateStore, type TxnMarkerWriter } from '../../../src/broker/coordinator/transaction/transaction-coordinator';
import { decodeTransactionLogRecord, transactionLogKey, transactionLogValue, TXN_STATE_IDS } from '../../../src/broker/coordinator/transaction/transaction-log';
import { MemoryTopic } from '../../support/memory-topic';
import { ManualClock } from '../../support/manual-clock';
import { ErrorCode } from '../../../src/broker/errors';

class MemoryStore extends MemoryTopic implements TransactionStateStore {
  leaderEpochOf(): number {
    return 2;
  }
}

type Marker = Parameters<TxnMarkerWriter['writeMarkers']>[0];

const MAX_EPOCH = 32767;

describe('TransactionCoordinator: transactions version 2', () => {
  let store: MemoryStore;
  let written: Marker[];
  let nextPid: number;
  /** While set, markers wait for it: the decision stays prepared. */
  let gate: Promise<void> | undefined;
  let tc: TransactionCoordinator;
  const writeMarkers = async (m: Marker) => {
    await gate;
    written.push(m);
  };
  const make = () => new TransactionCoordinator(store, { writeMarkers }, () => nextPid++, undefined, { clock: new ManualClock(), transactionVersion: () => 2 });
  /** Puts a transactional id in __transaction_state as a coordinator before this one left it. */
  const seed = (id: string, v: { producerId: number; producerEpoch: number; state: keyof typeof TXN_STATE_IDS; partitions?: Array<{ topic: string; partitionIds: number[] }>; nextProducerId?: number }) =>
    store.append(tc.partitionFor(id), [
      {
        key: transactionLogKey(id),
        value: transactionLogValue(
          {
            producerId: v.producerId,
            previousProducerId: -1,
            nextProducerId: v.nextProducerId ?? -1,
            producerEpoch: v.producerEpoch,
            transactionTimeoutMs: 60000,
            transactionStatus: TXN_STATE_IDS[v.state],
            transactionPartitions: v.partitions ?? [],
            transactionLastUpdateTimestampMs: 0,
            transactionStartTimestampMs: v.partitions?.length ? 0 : -1,
            clientTransactionVersion: TRANSACTION_VERSION_2,
          },
          1,
        ),
      },
    ]);
  const records = (id: string) =>
    [...store.logs.values()]
      .flat()
      .filter((r) => decodeTransactionLogRecord(r.key, r.value).transactionalId === id)
      .map((r) => ({ version: r.value!.readInt16BE(0), ...decodeTransactionLogRecord(r.key, r.value).value! }));

  beforeEach(() => {
    store = new MemoryStore();
    written = [];
    nextPid = 5000;
    gate = undefined;
    tc = make();
  });
  afterEach(() => tc.shutdown());

  it('an exhausted epoch: the markers go out at the last epoch, the answer and the Complete record move to a new producer id at epoch 0', async () => {
    await seed('t', { producerId: 7, producerEpoch: MAX_EPOCH - 2, state: 'CompleteCommit' });
    tc.load();
    assert.equal(await tc.addPartitions('t', 7, MAX_EPOCH - 2, [{ topic: 'a', partition: 0 }], TRANSACTION_VERSION_2), ErrorCode.NONE);
    // An ordinary bump first: one below the last usable epoch.
    const first = await tc.endTxnV2('t', 7, MAX_EPOCH - 2, true);
    assert.deepEqual(first, { errorCode: 0, producerId: 7, producerEpoch: MAX_EPOCH - 1 });
    await tc.settled('t');
    assert.equal(await tc.addPartitions('t', 7, MAX_EPOCH - 1, [{ topic: 'a', partition: 0 }], TRANSACTION_VERSION_2), ErrorCode.NONE);
    const last = await tc.endTxnV2('t', 7, MAX_EPOCH - 1, false);
    assert.deepEqual(last, { errorCode: 0, producerId: 5000, producerEpoch: 0 });
    await tc.settled('t');
    assert.deepEqual(
      written.map((m) => [m.producerId, m.producerEpoch, m.commit, m.coordinatorEpoch]),
      [
        [7, MAX_EPOCH - 1, true, 2],
        [7, MAX_EPOCH, false, 2],
      ],
    );
    const t = tc.transaction('t')!;
    assert.deepEqual([t.state, t.producerId, t.producerEpoch, t.previousProducerId, t.nextProducerId], ['CompleteAbort', 5000, 0, 7, -1]);
    const [prepare, complete] = records('t').slice(-2);
    assert.deepEqual([prepare.transactionStatus, prepare.producerId, prepare.producerEpoch, prepare.nextProducerId, prepare.version, prepare.clientTransactionVersion], [TXN_STATE_IDS.PrepareAbort, 7, MAX_EPOCH, 5000, 1, 2]);
    assert.deepEqual([complete.transactionStatus, complete.producerId, complete.producerEpoch, complete.previousProducerId], [TXN_STATE_IDS.CompleteAbort, 5000, 0, 7]);
    // The producer that did not get the answer retries with the old id and its last epoch: the same answer again.
    assert.deepEqual(await tc.endTxnV2('t', 7, MAX_EPOCH - 1, false), { errorCode: 0, producerId: 5000, producerEpoch: 0 });
    assert.equal((await tc.endTxnV2('t', 7, MAX_EPOCH - 1, true)).errorCode, ErrorCode.INVALID_TXN_STATE, 'not the decision it retried');
    assert.equal((await tc.endTxnV2('t', 7, MAX_EPOCH - 2, false)).errorCode, ErrorCode.INVALID_PRODUCER_ID_MAPPING, 'the old id, not a retry');
    // The new producer id goes on at epoch 0.
    assert.equal(await tc.addPartitions('t', 5000, 0, [{ topic: 'a', partition: 1 }], TRANSACTION_VERSION_2), ErrorCode.NONE);
    assert.deepEqual(await tc.endTxnV2('t', 5000, 0, true), { errorCode: 0, producerId: 5000, producerEpoch: 1 });
  });

  it('a decision logged with its next producer id before a restart is finished on load, moving to that id', async () => {
    await seed('r', { producerId: 9, producerEpoch: MAX_EPOCH, state: 'PrepareCommit', partitions: [{ topic: 'a', partitionIds: [0, 1] }], nextProducerId: 6000 });
    assert.deepEqual(tc.load(), { transactions: 1, completing: 1 });
    await tc.settled('r');
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(
      written.map((m) => [m.producerId, m.producerEpoch, m.commit, m.partitions.length]),
      [[9, MAX_EPOCH, true, 2]],
    );
    const r = tc.transaction('r')!;
    assert.deepEqual([r.state, r.producerId, r.producerEpoch, r.previousProducerId, r.clientTransactionVersion], ['CompleteCommit', 6000, 0, 9, TRANSACTION_VERSION_2]);
  });

  it('an abort the coordinator starts bumps twice, fence then decision, so that the fenced EndTxn is no retry', async () => {
    const partitions = [{ topic: 'a', partitionIds: [0] }];
    await seed('timed-out', { producerId: 11, producerEpoch: 4, state: 'Ongoing', partitions });
    await seed('exhausted', { producerId: 12, producerEpoch: MAX_EPOCH - 2, state: 'Ongoing', partitions });
    tc.load();
    assert.equal(await tc.abortTimedOutTransactions(60001), 2);
    await Promise.all([tc.settled('timed-out'), tc.settled('exhausted')]);
    // The fence takes 4 to 5, the version-2 abort 5 to 6; at MAX_EPOCH - 2 the second bump exhausts the epoch.
    assert.deepEqual(
      written.map((m) => [m.producerId, m.producerEpoch, m.commit]),
      [
        [11, 6, false],
        [12, MAX_EPOCH, false],
      ],
    );
    const t = tc.transaction('timed-out')!;
    assert.deepEqual([t.state, t.producerId, t.producerEpoch], ['CompleteAbort', 11, 6]);
    const x = tc.transaction('exhausted')!;
    assert.deepEqual([x.state, x.producerId, x.producerEpoch, x.previousProducerId], ['CompleteAbort', 5000, 0, 12]);
    // The producer, unaware, ends its transaction at its own epoch: fenced, not answered as a retry of the abort.
    assert.equal((await tc.endTxnV2('timed-out', 11, 4, false)).errorCode, ErrorCode.PRODUCER_FENCED);
    assert.equal((await tc.endTxnV2('timed-out', 11, 4, true)).errorCode, ErrorCode.PRODUCER_FENCED);
    // It starts again (InitProducerId with its id and last epoch is refused as stale; a plain one bumps once more).
    assert.equal((await tc.initProducerId('timed-out', 60000, { producerId: 11, producerEpoch: 4 })).errorCode, ErrorCode.PRODUCER_FENCED);
    assert.deepEqual(await tc.initProducerId('timed-out', 60000), { errorCode: 0, producerId: 11, producerEpoch: 7 });
  });

  it('a new incarnation fencing an open version-2 transaction: abort markers at the fenced epoch plus one, its own epoch one more', async () => {
    await seed('restart', { producerId: 21, producerEpoch: 0, state: 'Ongoing', partitions: [{ topic: 'a', partitionIds: [0, 1] }] });
    tc.load();
    assert.deepEqual(await tc.initProducerId('restart', 60000), { errorCode: 0, producerId: 21, producerEpoch: 3 });
    assert.deepEqual(written.map((m) => [m.producerId, m.producerEpoch, m.commit, m.partitions.length]), [[21, 2, false, 2]]);
  });

  it('VerifyOnly: one code for a producer that does not match or a decision under way, else one per partition', async () => {
    await seed('v', { producerId: 3, producerEpoch: 4, state: 'Ongoing', partitions: [{ topic: 'a', partitionIds: [0] }] });
    tc.load();
    const a0 = { topic: 'a', partition: 0 };
    const a1 = { topic: 'a', partition: 1 };
    assert.deepEqual(tc.verifyPartitions('v', 3, 4, [a0, a1]), [ErrorCode.NONE, ErrorCode.TRANSACTION_ABORTABLE]);
    assert.equal(tc.verifyPartitions('v', 3, 5, [a0]), ErrorCode.PRODUCER_FENCED);
    assert.equal(tc.verifyPartitions('v', 4, 4, [a0]), ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    assert.equal(tc.verifyPartitions('nobody', 3, 4, [a0]), ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    let open!: () => void;
    gate = new Promise((resolve) => (open = resolve));
    assert.deepEqual(await tc.endTxnV2('v', 3, 4, true), { errorCode: 0, producerId: 3, producerEpoch: 5 });
    assert.equal(tc.verifyPartitions('v', 3, 5, [a0]), ErrorCode.CONCURRENT_TRANSACTIONS, 'PrepareCommit, markers under way');
    // A retry meanwhile is told to come back; the next transaction's EndTxn at the new epoch too.
    assert.equal((await tc.endTxnV2('v', 3, 4, true)).errorCode, ErrorCode.CONCURRENT_TRANSACTIONS);
    assert.equal((await tc.endTxnV2('v', 3, 5, true)).errorCode, ErrorCode.PRODUCER_FENCED, 'not a retry of a prepared decision');
    open();
    await tc.settled('v');
    assert.deepEqual(tc.verifyPartitions('v', 3, 5, [a0]), [ErrorCode.TRANSACTION_ABORTABLE]);
  });
});
