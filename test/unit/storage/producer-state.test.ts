import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Log } from '../../../src/broker/storage/log';
import { defaultLogConfig } from '../../../src/broker/config/topic-config';
import { encodeRecordBatch, decodeRecords } from '../../../src/broker/records/record-batch';
import { LOG_OVERHEAD, readBatchHeader } from '../../../src/broker/records/batch-header';
import { crc32c } from '../../../src/broker/records/crc32c';
import { KafkaError } from '../../../src/broker/errors';
import { ProducerStateManager } from '../../../src/broker/storage/producer-state-manager';
import { ProducerStateEntry, BatchMetadata, decrementSequence } from '../../../src/broker/storage/producer-state-entry';
import {
  decodeProducerSnapshot,
  encodeProducerSnapshot,
  readProducerSnapshot,
  producerSnapshotFile,
  SNAPSHOT_ENTRY_SIZE,
} from '../../../src/broker/storage/producer-snapshot';
import { tmpDir, rm } from '../../support/tmp';

const TP = { topic: 'orders', partition: 0 };
const INT32_MAX = 0x7fffffff;

/** A batch of `n` records from an idempotent producer, values `${tag}-${i}`. */
function idemBatch(pid: number, epoch: number, seq: number, n: number, tag = `p${pid}e${epoch}s${seq}`, timestamp = Date.now()): Buffer {
  return encodeRecordBatch({
    producerId: pid,
    producerEpoch: epoch,
    baseSequence: seq,
    records: Array.from({ length: n }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`${tag}-${i}`), timestamp })),
  });
}

function plainBatch(values: string[]): Buffer {
  return encodeRecordBatch({ records: values.map((v) => ({ key: null, value: Buffer.from(v), timestamp: Date.now() })) });
}

/** Every record value in the log, in offset order. */
function allValues(log: Log): string[] {
  const out: string[] = [];
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const { records } = log.read(offset, 1 << 20);
    if (records.length === 0) break;
    let pos = 0;
    while (pos < records.length) {
      const h = readBatchHeader(records, pos);
      for (const r of decodeRecords(records, pos)) out.push(r.value!.toString());
      offset = h.baseOffset + h.lastOffsetDelta + 1;
      pos += h.batchLength + LOG_OVERHEAD;
    }
  }
  return out;
}

function snapshotNames(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.snapshot'))
    .sort();
}

function throwsKafka(f: () => unknown, name: string): void {
  assert.throws(f, (e: unknown) => e instanceof KafkaError && e.errorName === name, `expected ${name}`);
}

describe('idempotent producer state', () => {
  let dir: string;
  let logDir: string;
  beforeEach(() => {
    dir = tmpDir();
    logDir = path.join(dir, 'orders-0');
  });
  afterEach(() => rm(dir));

  /** Producer 7 writes six batches of 1..6 records (sequences 0, 1, 3, 6, 10, 15). Returns their append infos. */
  function sixBatches(log: Log) {
    const infos = [];
    let seq = 0;
    for (let i = 1; i <= 6; i++) {
      infos.push({ seq, n: i, info: log.appendAsLeader(idemBatch(7, 0, seq, i), 0) });
      seq += i;
    }
    return infos;
  }

  it('answers a retry of each of the last five batches with its original offsets and appends nothing', () => {
    const log = Log.open(logDir, TP, defaultLogConfig());
    log.appendAsLeader(plainBatch(['x']), 0); // offsets move away from sequences
    const batches = sixBatches(log);
    const end = log.logEndOffset;
    const values = allValues(log);
    for (const b of batches.slice(1)) {
      const again = log.appendAsLeader(idemBatch(7, 0, b.seq, b.n), 0);
      assert.equal(again.duplicate, true);
      assert.equal(again.firstOffset, b.info.firstOffset);
      assert.equal(again.lastOffset, b.info.lastOffset);
      assert.equal(log.logEndOffset, end, 'nothing appended');
    }
    assert.deepEqual(allValues(log), values);
    // The first batch is no longer retained: its retry is out of order, as in Kafka.
    throwsKafka(() => log.appendAsLeader(idemBatch(7, 0, 0, 1), 0), 'OUT_OF_ORDER_SEQUENCE_NUMBER');
    // The next sequence is still accepted.
    const next = log.appendAsLeader(idemBatch(7, 0, 21, 2), 0);
    assert.equal(next.duplicate, undefined);
    assert.equal(next.firstOffset, end);
    log.close();
  });

  it('rejects a sequence gap with OUT_OF_ORDER_SEQUENCE_NUMBER and appends nothing', () => {
    const log = Log.open(logDir, TP, defaultLogConfig());
    log.appendAsLeader(idemBatch(1, 0, 0, 3), 0);
    throwsKafka(() => log.appendAsLeader(idemBatch(1, 0, 4, 1), 0), 'OUT_OF_ORDER_SEQUENCE_NUMBER');
    // A batch overlapping the last one without matching it exactly is also out of order.
    throwsKafka(() => log.appendAsLeader(idemBatch(1, 0, 1, 3), 0), 'OUT_OF_ORDER_SEQUENCE_NUMBER');
    assert.equal(log.logEndOffset, 3);
    assert.equal(log.appendAsLeader(idemBatch(1, 0, 3, 1), 0).firstOffset, 3);
    log.close();
  });

  it('fences an older epoch (INVALID_PRODUCER_EPOCH); a new epoch must start at sequence 0', () => {
    const log = Log.open(logDir, TP, defaultLogConfig());
    log.appendAsLeader(idemBatch(1, 0, 0, 2), 0);
    throwsKafka(() => log.appendAsLeader(idemBatch(1, 1, 5, 1), 0), 'OUT_OF_ORDER_SEQUENCE_NUMBER');
    log.appendAsLeader(idemBatch(1, 1, 0, 1), 0);
    throwsKafka(() => log.appendAsLeader(idemBatch(1, 0, 2, 1), 0), 'INVALID_PRODUCER_EPOCH');
    // A retry from the old epoch is no duplicate either: the new epoch dropped the old batches.
    throwsKafka(() => log.appendAsLeader(idemBatch(1, 0, 0, 2), 0), 'INVALID_PRODUCER_EPOCH');
    assert.equal(log.logEndOffset, 3);
    assert.equal(log.producerStateManager.lastEntry(1)?.producerEpoch, 1);
    log.close();
  });

  it('accepts any first sequence from a producer it has no state for (KIP-360), and skips batches without a producer id', () => {
    const log = Log.open(logDir, TP, defaultLogConfig());
    log.appendAsLeader(idemBatch(9, 3, 1234, 2), 0);
    assert.equal(log.producerStateManager.lastEntry(9)?.lastSeq, 1235);
    for (let i = 0; i < 3; i++) log.appendAsLeader(plainBatch(['same']), 0);
    assert.equal(log.logEndOffset, 5, 'identical plain batches are all appended');
    assert.equal(log.producerStateManager.activeProducers.size, 1);
    log.close();
  });

  it('wraps sequences from Int32 max to 0', () => {
    assert.equal(decrementSequence(1, 3), INT32_MAX - 1);
    const log = Log.open(logDir, TP, defaultLogConfig());
    log.appendAsLeader(idemBatch(2, 0, INT32_MAX - 1, 3), 0); // sequences MAX-1, MAX, 0
    const entry = log.producerStateManager.lastEntry(2)!;
    assert.equal(entry.lastSeq, 0);
    assert.equal(entry.firstSeq, INT32_MAX - 1);
    throwsKafka(() => log.appendAsLeader(idemBatch(2, 0, 2, 1), 0), 'OUT_OF_ORDER_SEQUENCE_NUMBER');
    assert.equal(log.appendAsLeader(idemBatch(2, 0, INT32_MAX - 1, 3), 0).duplicate, true);
    assert.equal(log.appendAsLeader(idemBatch(2, 0, 1, 1), 0).firstOffset, 3);
    log.close();
  });

  it('keeps the state across a clean restart through the snapshot written at close', () => {
    const log = Log.open(logDir, TP, defaultLogConfig());
    const batches = sixBatches(log);
    log.appendAsLeader(idemBatch(8, 2, 0, 1), 0);
    const end = log.logEndOffset;
    log.close();
    assert.deepEqual(snapshotNames(logDir), [`${String(end).padStart(20, '0')}.snapshot`]);

    const reopened = Log.open(logDir, TP, defaultLogConfig(), { hadCleanShutdown: true });
    assert.equal(reopened.producerStateManager.mapEndOffset, end);
    const last = batches[5];
    const again = reopened.appendAsLeader(idemBatch(7, 0, last.seq, last.n), 0);
    assert.deepEqual([again.duplicate, again.firstOffset, again.lastOffset], [true, last.info.firstOffset, last.info.lastOffset]);
    throwsKafka(() => reopened.appendAsLeader(idemBatch(7, 0, 30, 1), 0), 'OUT_OF_ORDER_SEQUENCE_NUMBER');
    throwsKafka(() => reopened.appendAsLeader(idemBatch(8, 1, 1, 1), 0), 'INVALID_PRODUCER_EPOCH');
    assert.equal(reopened.appendAsLeader(idemBatch(7, 0, 21, 1), 0).firstOffset, end);
    reopened.close();
  });

  it('rebuilds the state after an unclean shutdown by replaying the log (all five batches)', () => {
    const log = Log.open(logDir, TP, defaultLogConfig());
    const batches = sixBatches(log);
    const end = log.logEndOffset;
    log.flush();
    // No close: no snapshot, no clean shutdown.
    assert.deepEqual(snapshotNames(logDir), []);
    const reopened = Log.open(logDir, TP, defaultLogConfig(), { hadCleanShutdown: false, recoveryPoint: 0 });
    for (const b of batches.slice(1)) {
      const again = reopened.appendAsLeader(idemBatch(7, 0, b.seq, b.n), 0);
      assert.deepEqual([again.duplicate, again.firstOffset, again.lastOffset], [true, b.info.firstOffset, b.info.lastOffset]);
    }
    assert.equal(reopened.logEndOffset, end);
    // The rebuilt state was written as a snapshot at the log end.
    assert.deepEqual(snapshotNames(logDir), [`${String(end).padStart(20, '0')}.snapshot`]);
    reopened.close();
    log.close();
  });

  it('after an unclean shutdown, starts from the snapshot of the recovered segment and replays only what follows', () => {
    const config = defaultLogConfig({ 'segment.bytes': '250' }); // three of these batches per segment
    const log = Log.open(logDir, TP, config);
    // Producer 1 fills the first segment with five batches, then producer 2 writes after the roll.
    for (let s = 0; s < 5; s++) log.appendAsLeader(idemBatch(1, 0, s, 1, `one-${s}`), 0);
    const rolledAt = log.activeSegment.baseOffset;
    assert.ok(rolledAt > 0 && rolledAt < 5, `expected a roll inside producer 1's batches, got ${rolledAt}`);
    while (log.activeSegment.baseOffset === rolledAt) log.appendAsLeader(plainBatch(['filler-'.repeat(20)]), 0);
    const secondRoll = log.activeSegment.baseOffset;
    log.appendAsLeader(idemBatch(2, 0, 0, 1, 'two'), 0);
    assert.ok(snapshotNames(logDir).includes(`${String(secondRoll).padStart(20, '0')}.snapshot`));
    log.flush();

    // Recovery starts at the last segment: its snapshot (last batch per producer) plus a replay of the segment.
    const reopened = Log.open(logDir, TP, config, { hadCleanShutdown: false, recoveryPoint: secondRoll });
    assert.equal(reopened.appendAsLeader(idemBatch(1, 0, 4, 1, 'one-4'), 0).duplicate, true);
    throwsKafka(() => reopened.appendAsLeader(idemBatch(1, 0, 3, 1, 'one-3'), 0), 'OUT_OF_ORDER_SEQUENCE_NUMBER');
    assert.equal(reopened.appendAsLeader(idemBatch(2, 0, 0, 1, 'two'), 0).duplicate, true);
    reopened.close();
    log.close();
  });

  it('writes a snapshot at each roll and deletes it with its segment', () => {
    const config = defaultLogConfig({ 'segment.bytes': '200', 'retention.bytes': '1' }); // two batches per segment
    const log = Log.open(logDir, TP, config);
    for (let s = 0; s < 6; s++) log.appendAsLeader(idemBatch(1, 0, s, 1), 0);
    const bases = log.logSegments.map((s) => s.baseOffset);
    assert.ok(bases.length >= 3);
    assert.deepEqual(
      snapshotNames(logDir),
      bases.slice(1).map((b) => `${String(b).padStart(20, '0')}.snapshot`),
      'one snapshot per rolled segment base',
    );
    log.updateHighWatermark(log.logEndOffset);
    log.deleteOldSegments();
    const left = log.logSegments.map((s) => s.baseOffset);
    for (const name of snapshotNames(logDir)) assert.ok(left.includes(Number(name.slice(0, 20))), `${name} has a segment`);
    // The producer survives the retention of its old batches.
    assert.equal(log.producerStateManager.lastEntry(1)?.lastSeq, 5);
    assert.equal(log.appendAsLeader(idemBatch(1, 0, 5, 1), 0).duplicate, true);
    log.close();
  });

  it('truncation drops the snapshots above the new end and restores the state at that point', () => {
    const config = defaultLogConfig({ 'segment.bytes': '200' });
    const log = Log.open(logDir, TP, config);
    const infos = [];
    for (let s = 0; s < 8; s++) infos.push(log.appendAsLeader(idemBatch(1, 0, s, 1), 0));
    const target = infos[3].lastOffset + 1; // keeps sequences 0-3
    log.truncateTo(target);
    for (const name of snapshotNames(logDir)) assert.ok(Number(name.slice(0, 20)) <= target, `${name} is above ${target}`);
    assert.equal(log.producerStateManager.lastEntry(1)?.lastSeq, 3);
    assert.equal(log.appendAsLeader(idemBatch(1, 0, 3, 1), 0).duplicate, true);
    throwsKafka(() => log.appendAsLeader(idemBatch(1, 0, 5, 1), 0), 'OUT_OF_ORDER_SEQUENCE_NUMBER');
    assert.equal(log.appendAsLeader(idemBatch(1, 0, 4, 1), 0).firstOffset, target);
    log.close();
  });

  it('removes stray snapshots at load but keeps the one a clean shutdown wrote at the log end', () => {
    const log = Log.open(logDir, TP, defaultLogConfig());
    log.appendAsLeader(idemBatch(1, 0, 0, 3), 0);
    log.close();
    // Snapshots at 1 and 2 have no segment there and lie below the log end one: strays.
    for (const stray of [1, 2]) fs.writeFileSync(producerSnapshotFile(logDir, stray), encodeProducerSnapshot([]));
    const reopened = Log.open(logDir, TP, defaultLogConfig(), { hadCleanShutdown: true });
    assert.deepEqual(snapshotNames(logDir), ['00000000000000000003.snapshot']);
    assert.equal(reopened.appendAsLeader(idemBatch(1, 0, 0, 3), 0).duplicate, true);
    reopened.close();
  });

  it('writes snapshot files byte for byte in Kafka\'s format and reads them back', () => {
    fs.mkdirSync(logDir, { recursive: true });
    const psm = new ProducerStateManager(logDir, 'orders-0');
    // Producer 5: epoch 3, last batch seq 10-14 at offsets 100-104, ts 1700000000123, coordinator epoch 7, txn open at 90.
    const a = new ProducerStateEntry(5, 3, 7, 1700000000123, 90, new BatchMetadata(14, 104, 4, 1700000000123));
    // Producer 2^40 + 1: no batch retained (the state after a marker), no transaction.
    const b = new ProducerStateEntry(2 ** 40 + 1, 0, -1, 1700000000000, undefined);
    psm.loadProducerEntry(a);
    psm.loadProducerEntry(b);
    psm.updateMapEndOffset(105);
    const file = psm.takeSnapshot()!;
    assert.equal(path.basename(file), '00000000000000000105.snapshot');
    const bytes = fs.readFileSync(file);

    // The expected bytes, written out field by field from Kafka's PID_SNAPSHOT_MAP_SCHEMA.
    const entry = (pid: bigint, epoch: number, lastSeq: number, lastOffset: bigint, delta: number, ts: bigint, coord: number, txn: bigint) => {
      const e = Buffer.alloc(46);
      e.writeBigInt64BE(pid, 0);
      e.writeInt16BE(epoch, 8);
      e.writeInt32BE(lastSeq, 10);
      e.writeBigInt64BE(lastOffset, 14);
      e.writeInt32BE(delta, 22);
      e.writeBigInt64BE(ts, 26);
      e.writeInt32BE(coord, 34);
      e.writeBigInt64BE(txn, 38);
      return e;
    };
    const body = Buffer.concat([
      Buffer.from([0, 0, 0, 2]),
      entry(5n, 3, 14, 104n, 4, 1700000000123n, 7, 90n),
      entry(2n ** 40n + 1n, 0, -1, -1n, 0, 1700000000000n, -1, -1n),
    ]);
    const header = Buffer.alloc(6);
    header.writeInt16BE(1, 0);
    header.writeUInt32BE(crc32c(body), 2);
    assert.deepEqual(bytes, Buffer.concat([header, body]));
    assert.equal(bytes.length, 6 + 4 + 2 * SNAPSHOT_ENTRY_SIZE);

    const back = readProducerSnapshot(file);
    assert.deepEqual(
      back.map((e) => [e.producerId, e.producerEpoch, e.lastSeq, e.firstSeq, e.lastDataOffset, e.firstDataOffset, e.lastTimestamp, e.coordinatorEpoch, e.currentTxnFirstOffset]),
      [
        [5, 3, 14, 10, 104, 100, 1700000000123, 7, 90],
        [2 ** 40 + 1, 0, -1, -1, -1, -1, 1700000000000, -1, undefined],
      ],
    );
    // A flipped byte fails the CRC; a bad version is refused.
    const bad = Buffer.from(bytes);
    bad[20] ^= 1;
    assert.throws(() => decodeProducerSnapshot(bad), /CRC/);
    const v2 = Buffer.from(bytes);
    v2.writeInt16BE(2, 0);
    assert.throws(() => decodeProducerSnapshot(v2), /version 2/);
  });

  it('skips a corrupt snapshot at load and falls back to an older one plus replay', () => {
    const config = defaultLogConfig({ 'segment.bytes': '300' });
    const log = Log.open(logDir, TP, config);
    for (let s = 0; s < 6; s++) log.appendAsLeader(idemBatch(1, 0, s, 1), 0);
    log.close();
    const names = snapshotNames(logDir);
    const latest = path.join(logDir, names[names.length - 1]);
    const bytes = fs.readFileSync(latest);
    bytes[bytes.length - 1] ^= 0xff;
    fs.writeFileSync(latest, bytes);
    const reopened = Log.open(logDir, TP, config, { hadCleanShutdown: true });
    assert.equal(reopened.producerStateManager.lastEntry(1)?.lastSeq, 5);
    assert.equal(reopened.appendAsLeader(idemBatch(1, 0, 5, 1), 0).duplicate, true);
    reopened.close();
  });

  it('a follower takes the leader\'s batches without sequence checks and keeps the state', () => {
    const log = Log.open(logDir, TP, defaultLogConfig());
    const b = idemBatch(4, 0, 10, 2);
    b.writeBigInt64BE(0n, 0);
    log.appendAsFollower(b);
    assert.equal(log.producerStateManager.lastEntry(4)?.lastSeq, 11);
    log.close();
  });
});
