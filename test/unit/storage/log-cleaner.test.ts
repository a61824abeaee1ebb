import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Log } from '../../../src/broker/storage/log';
import { LogCleaner } from '../../../src/broker/storage/log-cleaner';
import { CLEANER_OFFSET_CHECKPOINT } from '../../../src/broker/storage/log-cleaner-manager';
import { groupSegmentsBySize } from '../../../src/broker/storage/cleaner';
import { OffsetMap } from '../../../src/broker/storage/offset-map';
import { defaultLogConfig, LogConfig } from '../../../src/broker/config/topic-config';
import { decodeRecords, encodeRecordBatch, EncodeBatchInput, verifyBatchCrc } from '../../../src/broker/records/record-batch';
import { CompressionType } from '../../../src/broker/records/compression';
import { ControlRecordType, encodeEndTxnMarkerBatch } from '../../../src/broker/records/control-record';
import {
  BatchHeader,
  LOG_OVERHEAD,
  DELETE_HORIZON_FLAG_MASK,
  COMPRESSION_CODEC_MASK,
  TRANSACTIONAL_FLAG_MASK,
  CONTROL_FLAG_MASK,
  readBatchHeader,
  nextOffsetOf,
} from '../../../src/broker/records/batch-header';
import { tmpDir, rm } from '../../support/tmp';

const TP = { topic: 'orders', partition: 0 };
const T0 = 1_700_000_000_000;

interface Rec {
  offset: number;
  key: string;
  value: string | null;
}

/** One batch of (key, value) records; a null value is a tombstone. */
function kv(pairs: Array<[string, string | null]>, timestamp = T0, extra: Partial<EncodeBatchInput> = {}): Buffer {
  return encodeRecordBatch({
    ...extra,
    records: pairs.map(([k, v]) => ({ key: Buffer.from(k), value: v === null ? null : Buffer.from(v), timestamp })),
  });
}

function compactConfig(overrides: Record<string, string> = {}): LogConfig {
  return defaultLogConfig({ 'cleanup.policy': 'compact', 'delete.retention.ms': '1000', ...overrides });
}

function batchesOf(buf: Buffer): Array<{ header: BatchHeader; batch: Buffer }> {
  const out: Array<{ header: BatchHeader; batch: Buffer }> = [];
  let pos = 0;
  while (pos < buf.length) {
    const header = readBatchHeader(buf, pos);
    const size = header.batchLength + LOG_OVERHEAD;
    out.push({ header, batch: buf.subarray(pos, pos + size) });
    pos += size;
  }
  return out;
}

function rec(r: { offset: number; key: Buffer | null; value: Buffer | null }): Rec {
  return { offset: r.offset, key: r.key!.toString(), value: r.value === null ? null : r.value.toString() };
}

/** What a consumer sees fetching from `from` to the log end: records at or after each fetch offset, in order. */
function consume(log: Log, from = log.logStartOffset): Rec[] {
  const out: Rec[] = [];
  let offset = from;
  while (offset < log.logEndOffset) {
    const { records } = log.read(offset, 1 << 20);
    if (records.length === 0) break;
    for (const b of batchesOf(records)) {
      for (const r of decodeRecords(b.batch)) if (r.offset >= offset) out.push(rec(r));
      offset = nextOffsetOf(b.header);
    }
  }
  return out;
}

function triples(recs: Rec[]): Array<[number, string, string | null]> {
  return recs.map((r) => [r.offset, r.key, r.value]);
}

/** Every batch header in the log, in order. */
function headers(log: Log): BatchHeader[] {
  return log.batchHeaders(0);
}

function segmentFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter((n) => /^\d{20}\./.test(n)).sort();
}

/** A small deterministic PRNG, so the randomized test is reproducible. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 0x100000000;
  };
}

describe('LogCleaner (cleanup.policy=compact)', () => {
  let dir: string;
  let logDir: string;
  beforeEach(() => {
    dir = tmpDir();
    logDir = path.join(dir, 'orders-0');
  });
  afterEach(() => rm(dir));

  /** Offsets 0-3 in one segment, 4-6 in a second, 7 in the active one. */
  function threeSegmentLog(config = compactConfig()): Log {
    const log = Log.open(logDir, TP, config);
    log.appendAsLeader(kv([['k0', 'a0'], ['k1', 'a1'], ['k2', 'a2']]), 0); // 0-2
    log.appendAsLeader(kv([['k0', 'b0']]), 0); // 3
    log.roll();
    log.appendAsLeader(kv([['k1', 'c1'], ['k3', 'c3']]), 0); // 4-5
    log.appendAsLeader(kv([['k0', 'd0']]), 0); // 6
    log.roll();
    log.appendAsLeader(kv([['k2', 'e2']]), 0); // 7, active segment
    log.updateHighWatermark(log.logEndOffset);
    return log;
  }

  it('keeps only the latest value of each key at its original offset, merging segments and never touching the active one', () => {
    const log = threeSegmentLog();
    const cleaner = new LogCleaner({ logDir: dir });
    const r = cleaner.cleanLog(log, T0 + 1000)!;
    assert.equal(r.firstDirtyOffset, 0);
    assert.equal(r.endOffset, 7, 'the cleanable range ends at the active segment');
    assert.equal(r.recordsRead, 7);
    assert.equal(r.recordsRetained, 4);
    // k2@2 stays: its newer value sits in the active segment, which is neither mapped nor cleaned.
    assert.deepEqual(triples(consume(log)), [
      [2, 'k2', 'a2'],
      [4, 'k1', 'c1'],
      [5, 'k3', 'c3'],
      [6, 'k0', 'd0'],
      [7, 'k2', 'e2'],
    ]);
    assert.equal(log.logStartOffset, 0);
    assert.equal(log.logEndOffset, 8);
    // Both cleaned segments fit segment.bytes: they become one segment named by the first base offset.
    assert.deepEqual(
      log.logSegments.map((s) => s.baseOffset),
      [0, 7],
    );
    assert.deepEqual(
      segmentFiles(logDir).filter((n) => !n.startsWith('00000000000000000007')),
      ['00000000000000000000.index', '00000000000000000000.log', '00000000000000000000.timeindex'],
      'one segment for offsets 0-6, no .cleaned/.swap/.deleted left',
    );
    // Batches keep their offsets: the first still spans 0-2 with one record; the one at 3 is gone.
    const hs = headers(log);
    assert.deepEqual(
      hs.map((h) => [h.baseOffset, h.lastOffsetDelta, h.recordCount]),
      [
        [0, 2, 1],
        [4, 1, 2],
        [6, 0, 1],
        [7, 0, 1],
      ],
    );
    // A fetch of a removed offset gets the next batch after it.
    assert.equal(batchesOf(log.read(3, 1 << 20).records)[0].header.baseOffset, 4);
    assert.equal(fs.readFileSync(path.join(dir, CLEANER_OFFSET_CHECKPOINT), 'utf8'), '0\n1\norders 0 7\n');
    log.close();
  });

  it('serves every offset in order after compaction, and after a restart that rebuilds the indexes', () => {
    const config = compactConfig({ 'segment.bytes': '2048', 'index.interval.bytes': '200' });
    const log = Log.open(logDir, TP, config);
    const rnd = prng(7);
    const latest = new Map<string, Rec>();
    let offset = 0;
    while (offset < 400) {
      const n = 1 + Math.floor(rnd() * 4);
      const pairs: Array<[string, string | null]> = [];
      for (let i = 0; i < n; i++) {
        const key = `k${Math.floor(rnd() * 25)}`;
        const value = rnd() < 0.1 ? null : `v${offset + i}`;
        pairs.push([key, value]);
        latest.set(key, { offset: offset + i, key, value });
      }
      log.appendAsLeader(kv(pairs, T0 + offset), 0);
      offset += n;
    }
    log.roll();
    log.updateHighWatermark(log.logEndOffset);
    const segmentsBefore = log.numberOfSegments;
    const sizeBefore = log.size;
    const cleaner = new LogCleaner({ logDir: dir });
    const r = cleaner.cleanLog(log, T0 + 10_000)!;
    assert.equal(r.endOffset, log.logEndOffset);
    const expected = [...latest.values()].sort((a, b) => a.offset - b.offset);
    assert.deepEqual(consume(log), expected, 'the latest record of every key, tombstones included on the first clean');
    // Groups are sized by the segments before cleaning (as in Kafka): each full segment stays its own group now and
    // the shrunken segments merge on a later round.
    assert.equal(log.numberOfSegments, segmentsBefore);
    assert.ok(log.size < sizeBefore / 4);
    for (const s of log.logSegments) assert.ok(s.size <= 2048);

    const check = (l: Log, want: Rec[]) => {
      let prevEnd = -1;
      for (const h of headers(l)) {
        assert.ok(h.baseOffset > prevEnd, 'batches stay in offset order');
        prevEnd = h.baseOffset + h.lastOffsetDelta;
      }
      for (let o = 0; o < l.logEndOffset; o++) {
        const next = want.find((w) => w.offset >= o);
        assert.deepEqual(consume(l, o)[0], next, `fetch from offset ${o}`);
      }
    };
    check(log, expected);
    log.close();

    // An unclean restart recovers every segment from scratch: gapped batches must pass recovery.
    const reopened = Log.open(logDir, TP, config, { hadCleanShutdown: false, recoveryPoint: 0 });
    assert.equal(reopened.logEndOffset, 400);
    check(reopened, expected);

    // Past delete.retention.ms the tombstones go.
    reopened.updateHighWatermark(reopened.logEndOffset);
    cleaner.cleanLog(reopened, T0 + 10_000 + 1000);
    const live = expected.filter((e) => e.value !== null);
    assert.ok(live.length < expected.length, 'the data set has tombstones');
    assert.deepEqual(consume(reopened), live);
    check(reopened, live);
    assert.ok(reopened.numberOfSegments < segmentsBefore, `the small cleaned segments merged: ${reopened.numberOfSegments} < ${segmentsBefore}`);
    reopened.close();
  });

  it('keeps a tombstone with a KIP-534 delete horizon on the first clean and drops it once the horizon has passed', () => {
    const log = Log.open(logDir, TP, compactConfig({ 'delete.retention.ms': '1000' }));
    log.appendAsLeader(kv([['k0', 'v0'], ['k1', 'v1']]), 0); // 0-1
    log.appendAsLeader(kv([['k0', null]]), 0); // 2: tombstone
    log.roll();
    log.appendAsLeader(kv([['k2', 'x']]), 0); // 3
    log.updateHighWatermark(log.logEndOffset);
    const cleaner = new LogCleaner({ logDir: dir });
    const t1 = T0 + 5000;
    cleaner.cleanLog(log, t1);
    assert.deepEqual(triples(consume(log)), [
      [1, 'k1', 'v1'],
      [2, 'k0', null],
      [3, 'k2', 'x'],
    ]);
    const [plain, tomb] = headers(log);
    assert.equal(plain.attributes & DELETE_HORIZON_FLAG_MASK, 0, 'a batch without tombstones gets no horizon');
    assert.notEqual(tomb.attributes & DELETE_HORIZON_FLAG_MASK, 0, 'the tombstone batch is stamped');
    assert.equal(tomb.baseTimestamp, t1 + 1000, 'horizon = clean time + delete.retention.ms');
    const tombRecord = decodeRecords(log.read(2, 1 << 20).records)[0];
    assert.equal(tombRecord.timestamp, T0, 'the record keeps its own timestamp');

    cleaner.cleanLog(log, t1 + 999);
    assert.equal(consume(log).filter((r) => r.value === null).length, 1, 'still kept before the horizon');
    assert.equal(headers(log)[1].baseTimestamp, t1 + 1000, 'a second clean does not move the horizon');

    const r = cleaner.cleanLog(log, t1 + 1000)!;
    assert.equal(r.tombstonesRemoved, 1);
    assert.deepEqual(triples(consume(log)), [
      [1, 'k1', 'v1'],
      [3, 'k2', 'x'],
    ]);
    // The tombstone's batch ended the cleaned range: it stays as an empty header so that offset 2 stays accounted for.
    const empty = headers(log)[1];
    assert.deepEqual([empty.baseOffset, empty.lastOffsetDelta, empty.recordCount], [2, 0, 0]);
    log.close();
  });

  it('leaves records younger than min.compaction.lag.ms dirty', () => {
    const log = Log.open(logDir, TP, compactConfig({ 'min.compaction.lag.ms': '10000' }));
    const now = T0 + 100_000;
    log.appendAsLeader(kv([['k0', 'a'], ['k1', 'b']], now - 60_000), 0); // 0-1
    log.roll();
    log.appendAsLeader(kv([['k0', 'c']], now - 1000), 0); // 2
    log.roll();
    log.appendAsLeader(kv([['k1', 'd']], now), 0); // 3, active
    log.updateHighWatermark(log.logEndOffset);
    const cleaner = new LogCleaner({ logDir: dir });
    const r = cleaner.cleanLog(log, now)!;
    assert.equal(r.firstUncleanableOffset, 2, 'the segment with a record 1 s old is not cleanable yet');
    assert.equal(r.endOffset, 2);
    assert.deepEqual(
      consume(log).map((x) => x.value),
      ['a', 'b', 'c', 'd'],
      'k0=a stays: its newer value is too recent to be mapped',
    );
    const ltc = cleaner.logToClean(log, now);
    assert.equal(ltc.firstDirtyOffset, 2);
    assert.equal(ltc.cleanableBytes, 0);

    const later = cleaner.cleanLog(log, now + 20_000)!;
    assert.equal(later.firstDirtyOffset, 2);
    assert.equal(later.endOffset, 3);
    assert.deepEqual(triples(consume(log)), [
      [1, 'k1', 'b'],
      [2, 'k0', 'c'],
      [3, 'k1', 'd'],
    ]);
    log.close();
  });

  it('cleans a log only when its dirty ratio is above min.cleanable.dirty.ratio, dirtiest first', () => {
    const log = Log.open(logDir, TP, compactConfig({ 'min.cleanable.dirty.ratio': '0.5' }));
    const other = Log.open(path.join(dir, 'plain-0'), { topic: 'plain', partition: 0 }, defaultLogConfig());
    const value = 'x'.repeat(100);
    const write = (keys: number[]) => {
      for (const k of keys) log.appendAsLeader(kv([[`k${k}`, value]]), 0);
      log.roll();
      log.updateHighWatermark(log.logEndOffset);
    };
    other.appendAsLeader(kv([['k0', value]]), 0);
    other.roll();
    const cleaner = new LogCleaner({ logDir: dir });
    write([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(cleaner.logToClean(log, T0).cleanableRatio, 1);
    const first = cleaner.cleanLogs([log, other], T0);
    assert.deepEqual(
      first.map((x) => x.tp.topic),
      ['orders'],
      'a delete-policy log is never cleaned',
    );
    assert.equal(cleaner.lastCleanOffset(TP), 10);

    write([0, 1]); // 2 dirty batches against 10 clean ones
    const ltc = cleaner.logToClean(log, T0);
    assert.ok(ltc.cleanableRatio > 0.1 && ltc.cleanableRatio < 0.5, `ratio ${ltc.cleanableRatio}`);
    assert.equal(cleaner.grabFilthiestLog([log], T0), undefined);
    assert.deepEqual(cleaner.cleanLogs([log, other], T0), []);
    assert.equal(consume(log).length, 12, 'nothing was removed');
    assert.equal(cleaner.dirtiestLogCleanableRatio, ltc.cleanableRatio);

    write([2, 3, 4, 5, 6, 7, 8, 9, 0, 1]); // now 12 dirty against 10 clean
    assert.ok(cleaner.logToClean(log, T0).cleanableRatio > 0.5);
    const cleaned = cleaner.cleanLogs([log, other], T0);
    assert.equal(cleaned.length, 1);
    assert.deepEqual(
      consume(log).map((x) => x.offset),
      [12, 13, 14, 15, 16, 17, 18, 19, 20, 21],
    );
    assert.equal(cleaner.logToClean(log, T0).cleanableRatio, 0);
    log.close();
    other.close();
  });

  it('cleans below the dirty ratio once a dirty record is older than max.compaction.lag.ms', () => {
    const log = Log.open(logDir, TP, compactConfig({ 'min.cleanable.dirty.ratio': '0.99', 'max.compaction.lag.ms': '60000' }));
    const value = 'x'.repeat(100);
    for (let k = 0; k < 10; k++) log.appendAsLeader(kv([[`k${k}`, value]], T0), 0);
    log.roll();
    log.updateHighWatermark(log.logEndOffset);
    const cleaner = new LogCleaner({ logDir: dir });
    assert.equal(cleaner.cleanLogs([log], T0).length, 1, 'all dirty: ratio 1 > 0.99');
    log.appendAsLeader(kv([['k0', 'new']], T0 + 1000), 0);
    log.roll();
    log.updateHighWatermark(log.logEndOffset);
    assert.deepEqual(cleaner.cleanLogs([log], T0 + 30_000), [], 'ratio below 0.99 and not overdue');
    assert.equal(cleaner.logToClean(log, T0 + 61_001).needCompactionNow, true);
    assert.equal(cleaner.cleanLogs([log], T0 + 61_001).length, 1);
    assert.equal(consume(log).length, 10);
    assert.equal(consume(log)[9].value, 'new');
    log.close();
  });

  it('writes cleaner-offset-checkpoint in Kafka format and resumes from it after a restart', () => {
    const log = threeSegmentLog();
    const users = Log.open(path.join(dir, 'users-3'), { topic: 'users', partition: 3 }, compactConfig());
    users.appendAsLeader(kv([['u', '1']]), 0);
    users.appendAsLeader(kv([['u', '2']]), 0);
    users.roll();
    users.updateHighWatermark(users.logEndOffset);
    const cleaner = new LogCleaner({ logDir: dir });
    assert.equal(cleaner.cleanLogs([log, users], T0).length, 2);
    const file = path.join(dir, CLEANER_OFFSET_CHECKPOINT);
    assert.equal(fs.readFileSync(file, 'utf8'), '0\n2\norders 0 7\nusers 3 2\n');
    log.close();
    users.close();

    // Restart: a new cleaner reads the checkpoint; the reopened log is clean up to 7.
    const restarted = new LogCleaner({ logDir: dir });
    assert.equal(restarted.lastCleanOffset(TP), 7);
    const reopened = Log.open(logDir, TP, compactConfig());
    reopened.updateHighWatermark(reopened.logEndOffset);
    const before = restarted.logToClean(reopened, T0);
    assert.equal(before.firstDirtyOffset, 7);
    assert.equal(before.cleanableBytes, 0, 'nothing dirty below the active segment');
    assert.equal(restarted.grabFilthiestLog([reopened], T0), undefined);

    reopened.roll();
    reopened.appendAsLeader(kv([['k0', 'z']]), 0); // 8
    reopened.roll();
    reopened.updateHighWatermark(reopened.logEndOffset);
    const r = restarted.cleanLog(reopened, T0)!;
    assert.equal(r.firstDirtyOffset, 7, 'only the dirty part is mapped');
    assert.equal(r.mapEntries, 2, 'k2@7 and k0@8');
    assert.deepEqual(triples(consume(reopened)), [
      [4, 'k1', 'c1'],
      [5, 'k3', 'c3'],
      [7, 'k2', 'e2'],
      [8, 'k0', 'z'],
    ]);
    assert.equal(fs.readFileSync(file, 'utf8'), '0\n2\norders 0 9\nusers 3 2\n', 'cleanLog leaves other entries alone');
    // cleanLogs is given every log of the directory: entries of logs that no longer exist are dropped, as in Kafka.
    assert.deepEqual(restarted.cleanLogs([reopened], T0), []);
    assert.equal(fs.readFileSync(file, 'utf8'), '0\n1\norders 0 9\n');
    restarted.maybeTruncateCheckpoint(TP, 5);
    assert.equal(fs.readFileSync(file, 'utf8'), '0\n1\norders 0 5\n');
    restarted.removeLog(TP);
    assert.equal(fs.readFileSync(file, 'utf8'), '0\n0\n');
    reopened.close();
  });

  it('compacts gzip batches into gzip batches', () => {
    const log = Log.open(logDir, TP, compactConfig());
    const gz = (pairs: Array<[string, string]>) => kv(pairs, T0, { compression: CompressionType.Gzip });
    log.appendAsLeader(gz([['k0', 'a'], ['k1', 'a'], ['k2', 'a'], ['k3', 'a'], ['k4', 'a']]), 0); // 0-4
    log.appendAsLeader(gz([['k1', 'b'], ['k3', 'b']]), 0); // 5-6
    const untouched = fs.readFileSync(log.activeSegment.file).subarray(-(readBatchHeader(gz([['k1', 'b'], ['k3', 'b']])).batchLength + LOG_OVERHEAD));
    log.roll();
    log.updateHighWatermark(log.logEndOffset);
    new LogCleaner({ logDir: dir }).cleanLog(log, T0);
    assert.deepEqual(triples(consume(log)), [
      [0, 'k0', 'a'],
      [2, 'k2', 'a'],
      [4, 'k4', 'a'],
      [5, 'k1', 'b'],
      [6, 'k3', 'b'],
    ]);
    const data = fs.readFileSync(log.logSegments[0].file);
    const batches = batchesOf(data);
    assert.equal(batches.length, 2);
    const [rebuilt, kept] = batches;
    assert.equal(rebuilt.header.attributes & COMPRESSION_CODEC_MASK, CompressionType.Gzip);
    assert.deepEqual([rebuilt.header.baseOffset, rebuilt.header.lastOffsetDelta, rebuilt.header.recordCount], [0, 4, 3]);
    assert.deepEqual([...rebuilt.batch.subarray(61, 63)], [0x1f, 0x8b], 'the records are a gzip stream');
    assert.ok(verifyBatchCrc(rebuilt.batch));
    assert.ok(kept.batch.equals(untouched), 'a batch that loses nothing is copied byte for byte');
    log.close();
  });

  it('preserves producer fields, flags and leader epochs, and keeps the last batch of a producer as an empty batch', () => {
    const log = Log.open(logDir, TP, compactConfig());
    const idem = { producerId: 42, producerEpoch: 3, baseSequence: 10 };
    log.appendAsLeader(kv([['k0', 'a'], ['k1', 'b'], ['k2', 'c']], T0, idem), 5); // 0-2: producer 42's last batch
    const txn = { producerId: 7, producerEpoch: 1, baseSequence: 0, isTransactional: true };
    log.appendAsLeader(kv([['k5', 't1'], ['k6', 't2']], T0, txn), 5); // 3-4
    log.appendAsLeader(encodeEndTxnMarkerBatch({ type: ControlRecordType.Commit, producerId: 7, producerEpoch: 1, coordinatorEpoch: 0, timestamp: T0 }), 6, { fromClient: false }); // 5
    log.appendAsLeader(kv([['k0', 'x'], ['k1', 'y'], ['k2', 'z'], ['k5', 'u']]), 6); // 6-9
    log.roll();
    log.appendAsLeader(kv([['k9', 'q']]), 6); // 10
    log.updateHighWatermark(log.logEndOffset);
    new LogCleaner({ logDir: dir }).cleanLog(log, T0 + 1000);
    const hs = headers(log);
    assert.deepEqual(
      hs.map((h) => [h.baseOffset, h.lastOffsetDelta, h.recordCount]),
      [
        [0, 2, 0],
        [3, 1, 1],
        [5, 0, 1],
        [6, 3, 4],
        [10, 0, 1],
      ],
    );
    const [empty, tx, marker] = hs;
    assert.deepEqual([empty.producerId, empty.producerEpoch, empty.baseSequence, empty.partitionLeaderEpoch], [42, 3, 10, 5]);
    assert.deepEqual([tx.producerId, tx.producerEpoch, tx.baseSequence, tx.partitionLeaderEpoch], [7, 1, 0, 5]);
    assert.notEqual(tx.attributes & TRANSACTIONAL_FLAG_MASK, 0);
    assert.notEqual(marker.attributes & CONTROL_FLAG_MASK, 0, 'the marker stays while its transaction has data');
    assert.deepEqual(triples(consume(log)).filter(([, k]) => k.startsWith('k')), [
      [4, 'k6', 't2'],
      [6, 'k0', 'x'],
      [7, 'k1', 'y'],
      [8, 'k2', 'z'],
      [9, 'k5', 'u'],
      [10, 'k9', 'q'],
    ]);
    log.close();
  });

  it('aborted transactional records never supersede a committed value and are removed (the offsets a failed sendOffsets wrote)', () => {
    const log = Log.open(logDir, TP, compactConfig());
    log.appendAsLeader(kv([['g/t/0', 'offset 10'], ['other', 'o1']]), 0); // 0-1: committed outside any transaction
    const txn = { producerId: 7, producerEpoch: 0, baseSequence: 0, isTransactional: true };
    log.appendAsLeader(kv([['g/t/0', 'offset 20 (aborted)']], T0, txn), 0); // 2
    log.appendAsLeader(encodeEndTxnMarkerBatch({ type: ControlRecordType.Abort, producerId: 7, producerEpoch: 0, coordinatorEpoch: 0, timestamp: T0 }), 0, { fromClient: false }); // 3
    log.appendAsLeader(kv([['other', 'o2']]), 0); // 4
    log.roll();
    log.appendAsLeader(kv([['k9', 'q']]), 0); // 5, active
    log.updateHighWatermark(log.logEndOffset);
    assert.deepEqual(log.collectAbortedTransactions(0, 6).map((t) => [t.producerId, t.firstOffset, t.lastOffset]), [[7, 2, 3]]);
    new LogCleaner({ logDir: dir }).cleanLog(log, T0 + 1000);
    // The committed value of g/t/0 survives; the aborted one is gone; the superseded "other" too.
    assert.deepEqual(triples(consume(log)).filter(([, k]) => !k.includes('\u0000')), [
      [0, 'g/t/0', 'offset 10'],
      [4, 'other', 'o2'],
      [5, 'k9', 'q'],
    ]);
    // The aborted transaction stays indexed in the cleaned segment while its marker is there.
    assert.ok(headers(log).some((h) => h.baseOffset === 3 && (h.attributes & CONTROL_FLAG_MASK) !== 0), 'the ABORT marker stays until its horizon');
    assert.deepEqual(log.collectAbortedTransactions(0, 6).map((t) => [t.producerId, t.firstOffset, t.lastOffset]), [[7, 2, 3]]);
    log.close();
  });

  it('removes a transaction marker only after its data is gone and its own delete horizon has passed', () => {
    const log = Log.open(logDir, TP, compactConfig({ 'delete.retention.ms': '1000' }));
    const txn = { producerId: 7, producerEpoch: 1, baseSequence: 0, isTransactional: true };
    log.appendAsLeader(kv([['k5', 't1']], T0, txn), 0); // 0
    log.appendAsLeader(encodeEndTxnMarkerBatch({ type: ControlRecordType.Commit, producerId: 7, producerEpoch: 1, coordinatorEpoch: 0, timestamp: T0 }), 0, { fromClient: false }); // 1
    log.appendAsLeader(kv([['k5', 'later']]), 0); // 2
    log.appendAsLeader(kv([['k6', 'end']]), 0); // 3
    log.roll();
    log.updateHighWatermark(log.logEndOffset);
    // Producer 7 is long idle: its batches need not be kept for idempotence.
    const cleaner = new LogCleaner({ logDir: dir, producerIdExpirationMs: 1000 });
    const isMarker = (h: BatchHeader) => (h.attributes & CONTROL_FLAG_MASK) !== 0;
    const t = T0 + 10_000;
    cleaner.cleanLog(log, t);
    assert.deepEqual(
      headers(log).map((h) => h.baseOffset),
      [1, 2, 3],
      'the superseded transactional batch goes; the marker stays this round',
    );
    cleaner.cleanLog(log, t + 1);
    const stamped = headers(log).find(isMarker)!;
    assert.notEqual(stamped.attributes & DELETE_HORIZON_FLAG_MASK, 0, 'no data left: the marker gets a delete horizon');
    assert.equal(stamped.baseTimestamp, t + 1 + 1000);
    cleaner.cleanLog(log, t + 500);
    assert.ok(headers(log).some(isMarker), 'kept before its horizon');
    cleaner.cleanLog(log, t + 1001);
    assert.deepEqual(
      headers(log).map((h) => h.baseOffset),
      [2, 3],
    );
    log.close();
  });

  it('with compact,delete: retention deletes old segments and compaction restarts from the new log start', () => {
    const config = compactConfig({ 'cleanup.policy': 'compact,delete', 'retention.ms': '60000' });
    const log = Log.open(logDir, TP, config);
    log.appendAsLeader(kv([['k0', 'a']], T0), 0); // 0
    log.roll();
    log.updateHighWatermark(log.logEndOffset);
    const cleaner = new LogCleaner({ logDir: dir });
    cleaner.cleanLog(log, T0);
    assert.equal(cleaner.lastCleanOffset(TP), 1);
    log.appendAsLeader(kv([['k1', 'b']], T0), 0); // 1
    log.roll();
    log.appendAsLeader(kv([['k0', 'c'], ['k2', 'x']], T0 + 100_000), 0); // 2-3
    log.appendAsLeader(kv([['k2', 'y']], T0 + 100_000), 0); // 4
    log.roll();
    log.appendAsLeader(kv([['k3', 'd']], T0 + 100_000), 0); // 5
    log.updateHighWatermark(log.logEndOffset);
    assert.equal(log.deleteOldSegments(T0 + 100_000), 2);
    assert.equal(log.logStartOffset, 2);
    const ltc = cleaner.logToClean(log, T0 + 100_000);
    assert.equal(ltc.firstDirtyOffset, 2, 'a checkpoint below the log start is reset to it');
    assert.equal(ltc.forceUpdateCheckpoint, true);
    assert.equal(cleaner.cleanLogs([log], T0 + 100_000).length, 1);
    assert.deepEqual(triples(consume(log)), [
      [2, 'k0', 'c'],
      [4, 'k2', 'y'],
      [5, 'k3', 'd'],
    ]);
    assert.equal(cleaner.lastCleanOffset(TP), 5);
    log.close();
  });

  it('does nothing to logs that are not compacted, and never cleans past the high watermark', () => {
    const plain = Log.open(logDir, TP, defaultLogConfig());
    plain.appendAsLeader(kv([['k', '1']]), 0);
    plain.appendAsLeader(kv([['k', '2']]), 0);
    plain.roll();
    plain.updateHighWatermark(plain.logEndOffset);
    const cleaner = new LogCleaner({ logDir: dir });
    assert.equal(cleaner.cleanLog(plain, T0), undefined);
    plain.close();

    const log = Log.open(path.join(dir, 'c-0'), { topic: 'c', partition: 0 }, compactConfig());
    log.appendAsLeader(kv([['k', '1']]), 0); // 0
    log.roll();
    log.appendAsLeader(kv([['k', '2']]), 0); // 1
    log.roll();
    log.updateHighWatermark(1); // offset 1 is not committed yet
    const r = cleaner.cleanLog(log, T0)!;
    assert.equal(r.firstUncleanableOffset, 1);
    assert.deepEqual(
      consume(log).map((x) => x.value),
      ['1', '2'],
      'the value at 1 is above the high watermark, so it supersedes nothing yet',
    );
    log.close();
  });

  describe('crash safety', () => {
    it('removes .cleaned leftovers of an interrupted clean at Log.open', () => {
      const log = threeSegmentLog();
      log.close();
      for (const ext of ['log', 'index', 'timeindex']) fs.writeFileSync(path.join(logDir, `00000000000000000000.${ext}.cleaned`), 'half-written');
      fs.writeFileSync(path.join(logDir, '00000000000000000004.log.deleted'), 'old');
      const reopened = Log.open(logDir, TP, compactConfig());
      assert.deepEqual(
        fs.readdirSync(logDir).filter((n) => n.endsWith('.cleaned') || n.endsWith('.deleted')),
        [],
      );
      assert.equal(consume(reopened).length, 8, 'the uncleaned data is intact');
      // Cleaning works again after the restart.
      reopened.updateHighWatermark(reopened.logEndOffset);
      new LogCleaner({ logDir: dir }).cleanLog(reopened, T0);
      assert.equal(consume(reopened).length, 5);
      reopened.close();
    });

    /** Cleans a copy of the log and leaves the cleaned segment at `base` in `into` as .swap files. */
    function swapFilesFromACleanedCopy(into: string, base: string, config: LogConfig): void {
      const copy = path.join(dir, 'copy', 'orders-0');
      fs.mkdirSync(copy, { recursive: true });
      for (const n of fs.readdirSync(into)) fs.copyFileSync(path.join(into, n), path.join(copy, n));
      const l = Log.open(copy, TP, config);
      l.updateHighWatermark(l.logEndOffset);
      new LogCleaner({ logDir: path.dirname(copy) }).cleanLog(l, T0);
      l.close();
      for (const ext of ['log', 'index', 'timeindex']) {
        fs.copyFileSync(path.join(copy, `${base}.${ext}`), path.join(into, `${base}.${ext}.swap`));
      }
    }

    it('completes a swap interrupted before the old segment was replaced', () => {
      // segment.bytes small enough that each segment is its own group.
      const config = compactConfig({ 'segment.bytes': '120' });
      const log = Log.open(logDir, TP, config);
      log.appendAsLeader(kv([['k0', 'a'], ['k1', 'b']]), 0); // 0-1
      log.roll();
      log.appendAsLeader(kv([['k0', 'c']]), 0); // 2
      log.roll();
      log.close();
      swapFilesFromACleanedCopy(logDir, '00000000000000000000', config);
      fs.writeFileSync(path.join(logDir, '00000000000000000002.log.cleaned'), 'junk');
      const reopened = Log.open(logDir, TP, config);
      assert.deepEqual(segmentFiles(logDir).filter((n) => n.endsWith('.swap') || n.endsWith('.cleaned')), []);
      assert.deepEqual(triples(consume(reopened)), [
        [1, 'k1', 'b'],
        [2, 'k0', 'c'],
      ]);
      reopened.close();
    });

    // Needs Log.load to delete the old segments that a .swap covers (Kafka's LogLoader does): see the lead's notes.
    it('completes a swap of a multi-segment group interrupted before the old segments were deleted', () => {
      const log = threeSegmentLog();
      log.close();
      swapFilesFromACleanedCopy(logDir, '00000000000000000000', compactConfig());
      // The crash left 0000.log.swap (covering 0-6) beside the old 0000.log and 0004.log.
      const reopened = Log.open(logDir, TP, compactConfig());
      assert.deepEqual(
        reopened.logSegments.map((s) => s.baseOffset),
        [0, 7],
      );
      assert.deepEqual(
        consume(reopened).map((r) => r.offset),
        [2, 4, 5, 6, 7],
      );
      reopened.close();
    });
  });

  describe('helpers', () => {
    it('OffsetMap keeps the latest offset per key and reports full at the load factor', () => {
      const map = new OffsetMap(4, 0.5);
      assert.equal(map.maxEntries, 2);
      assert.ok(map.put(Buffer.from('a'), 1));
      assert.ok(map.put(Buffer.from('b'), 2));
      assert.ok(map.put(Buffer.from('a'), 3), 'an existing key is updated when full');
      assert.equal(map.put(Buffer.from('c'), 4), false);
      assert.equal(map.get(Buffer.from('a')), 3);
      assert.equal(map.get(Buffer.from('c')), -1);
      const long = Buffer.alloc(100, 7);
      const big = new OffsetMap(10);
      big.put(long, 9);
      assert.equal(big.get(Buffer.from(long)), 9, 'long keys are found by digest');
      assert.equal(OffsetMap.forBufferSize(24 * 1000, 0.9).maxEntries, 900);
    });

    it('groups segments up to segment.bytes', () => {
      const log = Log.open(logDir, TP, compactConfig());
      for (let i = 0; i < 6; i++) {
        log.appendAsLeader(kv([[`k${i}`, 'v'.repeat(50)]]), 0);
        log.roll();
      }
      const segs = log.logSegments.slice(0, 6);
      const one = segs[0].size;
      const groups = groupSegmentsBySize(segs, one * 2, 1 << 20, 6);
      assert.deepEqual(
        groups.map((g) => g.map((s) => s.baseOffset)),
        [
          [0, 1],
          [2, 3],
          [4, 5],
        ],
      );
      log.close();
    });
  });
});
