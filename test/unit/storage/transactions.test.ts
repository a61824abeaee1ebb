import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Log } from '../../../src/broker/storage/log';
import { defaultLogConfig } from '../../../src/broker/config/topic-config';
import { encodeRecordBatch } from '../../../src/broker/records/record-batch';
import { encodeEndTxnMarkerBatch, ControlRecordType } from '../../../src/broker/records/control-record';
import { TransactionIndex, ABORTED_TXN_SIZE } from '../../../src/broker/storage/transaction-index';
import { tmpDir, rm } from '../../support/tmp';

const TP = { topic: 'orders', partition: 0 };

/** A transactional batch of `n` records from producer `pid` (epoch 0), starting at sequence `seq`. */
function txnBatch(pid: number, seq: number, n: number, tag: string): Buffer {
  return encodeRecordBatch({
    isTransactional: true,
    producerId: pid,
    producerEpoch: 0,
    baseSequence: seq,
    records: Array.from({ length: n }, (_, i) => ({ key: null, value: Buffer.from(`${tag}-${i}`), timestamp: Date.now() })),
  });
}

function marker(pid: number, type: ControlRecordType.Abort | ControlRecordType.Commit): Buffer {
  return encodeEndTxnMarkerBatch({ type, producerId: pid, producerEpoch: 0, coordinatorEpoch: 0, timestamp: Date.now() });
}

/** Appends as the coordinator does (markers are not a client's to write). */
function appendMarker(log: Log, pid: number, type: ControlRecordType.Abort | ControlRecordType.Commit) {
  return log.appendAsLeader(marker(pid, type), 0, { fromClient: false });
}

describe('Log: transactions (last stable offset, .txnindex, read_committed reads)', () => {
  let dir: string;
  let logDir: string;
  beforeEach(() => {
    dir = tmpDir('txn');
    logDir = path.join(dir, 'orders-0');
  });
  afterEach(() => rm(dir));

  it('the last stable offset stops at the first open transaction and moves past it once its marker is replicated', () => {
    const log = Log.open(logDir, TP, defaultLogConfig());
    log.appendAsLeader(txnBatch(7, 0, 2, 'a'), 0); // 0-1, producer 7's transaction opens at 0
    log.appendAsLeader(txnBatch(8, 0, 1, 'b'), 0); // 2, producer 8's opens at 2
    log.updateHighWatermark(log.logEndOffset);
    assert.equal(log.lastStableOffset, 0);
    assert.equal(log.read(0, 1 << 20, 'txnCommitted').records.length, 0, 'nothing is stable yet');
    appendMarker(log, 7, ControlRecordType.Commit); // 3
    assert.equal(log.lastStableOffset, 0, 'the marker is not replicated yet (high watermark 3)');
    log.updateHighWatermark(log.logEndOffset);
    assert.equal(log.lastStableOffset, 2, 'producer 8 is still open at 2');
    appendMarker(log, 8, ControlRecordType.Abort); // 4
    log.updateHighWatermark(log.logEndOffset);
    assert.equal(log.lastStableOffset, 5);
    const read = log.read(0, 1 << 20, 'txnCommitted');
    assert.ok(read.records.length > 0);
    // Producer 8's aborted transaction, and only it, is in the index, found by any fetch range that overlaps it.
    assert.deepEqual(log.collectAbortedTransactions(0, 5), [{ producerId: 8, firstOffset: 2, lastOffset: 4, lastStableOffset: 5 }]);
    assert.deepEqual(log.collectAbortedTransactions(4, 5).map((t) => t.producerId), [8]);
    assert.deepEqual(log.collectAbortedTransactions(0, 2), [], 'a range that ends before it starts');
    assert.deepEqual(log.collectAbortedTransactions(5, 9), [], 'a range after its marker');
    log.close();
    // Kafka's file: one 34-byte entry, version 0.
    const file = path.join(logDir, '00000000000000000000.txnindex');
    const bytes = fs.readFileSync(file);
    assert.equal(bytes.length, ABORTED_TXN_SIZE);
    assert.equal(bytes.readInt16BE(0), 0);
    assert.equal(bytes.readBigInt64BE(2), 8n);
    assert.equal(bytes.readBigInt64BE(10), 2n);
    assert.equal(bytes.readBigInt64BE(18), 4n);
    assert.equal(bytes.readBigInt64BE(26), 5n);
  });

  it('an aborted transaction whose marker is segments past the data read is still named (the search walks later segments)', () => {
    const log = Log.open(logDir, TP, defaultLogConfig());
    log.appendAsLeader(txnBatch(7, 0, 2, 'a'), 0); // 0-1: producer 7's transaction, in segment 0
    log.roll();
    log.appendAsLeader(txnBatch(7, 2, 2, 'b'), 0); // 2-3, segment 2
    log.appendAsLeader(encodeRecordBatch({ records: [{ key: null, value: Buffer.from('plain'), timestamp: Date.now() }] }), 0); // 4
    log.roll();
    appendMarker(log, 7, ControlRecordType.Abort); // 5, segment 5: the .txnindex entry is here
    log.appendAsLeader(txnBatch(9, 0, 1, 'c'), 0); // 6
    appendMarker(log, 9, ControlRecordType.Abort); // 7, same segment
    log.updateHighWatermark(log.logEndOffset);
    assert.equal(log.logSegments.length, 3);
    assert.deepEqual(log.collectAbortedTransactions(0, 2).map((t) => [t.producerId, t.firstOffset]), [[7, 0]], 'a read of segment 0 alone finds the abort two segments on');
    assert.deepEqual(log.collectAbortedTransactions(2, 5).map((t) => [t.producerId, t.firstOffset]), [[7, 0]]);
    assert.deepEqual(log.collectAbortedTransactions(6, 8).map((t) => t.producerId), [9]);
    log.close();
  });

  it('the transaction index search stops at the first entry whose last stable offset reaches the upper bound', () => {
    const file = path.join(dir, 'x.txnindex');
    fs.mkdirSync(dir, { recursive: true });
    const idx = new TransactionIndex(file, 0);
    idx.append({ producerId: 1, firstOffset: 0, lastOffset: 10, lastStableOffset: 0 });
    idx.append({ producerId: 2, firstOffset: 5, lastOffset: 20, lastStableOffset: 11 });
    idx.append({ producerId: 3, firstOffset: 12, lastOffset: 30, lastStableOffset: 21 });
    assert.deepEqual(idx.collect(0, 8), { aborted: idx.all().slice(0, 2), complete: true });
    assert.deepEqual(idx.collect(0, 40).aborted.map((e) => e.producerId), [1, 2, 3]);
    assert.equal(idx.collect(0, 40).complete, false, 'no entry reaches 40: later segments may hold more');
  });

  it('the abort index survives a clean restart, is rebuilt by recovery after a crash, and follows truncation', () => {
    let log = Log.open(logDir, TP, defaultLogConfig());
    log.appendAsLeader(txnBatch(7, 0, 3, 'a'), 0); // 0-2
    appendMarker(log, 7, ControlRecordType.Abort); // 3
    log.appendAsLeader(txnBatch(7, 3, 1, 'b'), 0); // 4
    appendMarker(log, 7, ControlRecordType.Abort); // 5
    log.close();
    log = Log.open(logDir, TP, defaultLogConfig(), { hadCleanShutdown: true });
    assert.deepEqual(log.collectAbortedTransactions(0, 6).map((t) => [t.firstOffset, t.lastOffset]), [[0, 3], [4, 5]]);
    log.close();
    // A crash: the .txnindex is gone (or torn); recovery rescans the segment and writes it again.
    const file = path.join(logDir, '00000000000000000000.txnindex');
    fs.writeFileSync(file, Buffer.alloc(20));
    log = Log.open(logDir, TP, defaultLogConfig(), { hadCleanShutdown: false, recoveryPoint: 0 });
    assert.deepEqual(log.collectAbortedTransactions(0, 6).map((t) => [t.producerId, t.firstOffset, t.lastOffset]), [[7, 0, 3], [7, 4, 5]]);
    assert.equal(fs.statSync(file).size, 2 * ABORTED_TXN_SIZE);
    // A follower truncating below the second marker drops its entry.
    log.truncateTo(5);
    assert.deepEqual(log.collectAbortedTransactions(0, 6).map((t) => t.lastOffset), [3]);
    assert.equal(new TransactionIndex(file, 0).all().length, 1);
    log.close();
  });

  it('an open transaction still holds the last stable offset after a restart, clean or not', () => {
    for (const clean of [true, false]) {
      const d = path.join(dir, `restart-${clean}`, 'orders-0');
      let log = Log.open(d, TP, defaultLogConfig());
      log.appendAsLeader(encodeRecordBatch({ records: [{ key: null, value: Buffer.from('plain'), timestamp: Date.now() }] }), 0); // 0
      log.appendAsLeader(txnBatch(7, 0, 2, 'open'), 0); // 1-2
      log.roll(); // a producer snapshot at 3 carries the open transaction
      log.appendAsLeader(txnBatch(8, 0, 1, 'other'), 0); // 3
      appendMarker(log, 8, ControlRecordType.Commit); // 4
      log.close();
      log = Log.open(d, TP, defaultLogConfig(), clean ? { hadCleanShutdown: true } : { hadCleanShutdown: false, recoveryPoint: 0 });
      log.updateHighWatermark(log.logEndOffset);
      assert.equal(log.lastStableOffset, 1, `producer 7's transaction, open since 1 (${clean ? 'clean' : 'unclean'} restart)`);
      appendMarker(log, 7, ControlRecordType.Commit);
      log.updateHighWatermark(log.logEndOffset);
      assert.equal(log.lastStableOffset, log.logEndOffset);
      log.close();
    }
  });

  it('replicas index the aborts they replicate, and the index goes with its segment when retention deletes it', () => {
    const leader = Log.open(logDir, TP, defaultLogConfig({ 'segment.bytes': '300' }));
    leader.appendAsLeader(txnBatch(9, 0, 2, 'x'), 0);
    appendMarker(leader, 9, ControlRecordType.Abort);
    leader.appendAsLeader(encodeRecordBatch({ records: [{ key: null, value: Buffer.alloc(200, 1), timestamp: Date.now() }] }), 0);
    leader.appendAsLeader(encodeRecordBatch({ records: [{ key: null, value: Buffer.alloc(200, 2), timestamp: Date.now() }] }), 0);
    leader.updateHighWatermark(leader.logEndOffset);
    const followerDir = path.join(dir, 'follower', 'orders-0');
    const follower = Log.open(followerDir, TP, defaultLogConfig({ 'segment.bytes': '300' }));
    for (let offset = 0; offset < leader.logEndOffset; ) {
      const { records } = leader.read(offset, 1 << 20, 'logEnd');
      const info = follower.appendAsFollower(records);
      offset = info.lastOffset + 1;
    }
    assert.deepEqual(follower.collectAbortedTransactions(0, follower.logEndOffset), leader.collectAbortedTransactions(0, leader.logEndOffset));
    const first = leader.logSegments[0];
    assert.ok(fs.existsSync(first.txnIndex.file));
    leader.deleteRecordsBefore(leader.logSegments[1].baseOffset);
    leader.deleteOldSegments();
    assert.ok(!fs.existsSync(first.txnIndex.file), 'deleted with its segment');
    leader.close();
    follower.close();
  });
});
