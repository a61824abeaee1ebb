import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Log } from '../../../src/broker/storage/log';
import { defaultLogConfig } from '../../../src/broker/config/topic-config';
import { decodeRecords, encodeRecordBatch } from '../../../src/broker/records/record-batch';
import { readBatchHeader, LOG_OVERHEAD } from '../../../src/broker/records/batch-header';
import { io } from '../../../src/broker/storage/file-io';
import { KafkaError, RecordValidationError } from '../../../src/broker/errors';
import { MemoryLogger } from '../../../src/broker/logger';
import { tmpDir, rm } from '../../support/tmp';
import { textBatch, sizedBatch } from '../../support/batches';
import { CompressionType, compress, compressionName, initCompression } from '../../../src/broker/records/compression';
import { crc32c } from '../../../src/broker/records/crc32c';

const TP = { topic: 'orders', partition: 0 };

/** Values of every record in the fetched buffer, in order. */
function values(records: Buffer): string[] {
  const out: string[] = [];
  let pos = 0;
  while (pos < records.length) {
    const size = records.readInt32BE(pos + 8) + LOG_OVERHEAD;
    for (const r of decodeRecords(records.subarray(pos, pos + size))) out.push(r.value!.toString());
    pos += size;
  }
  return out;
}

function readAll(log: Log, from = log.logStartOffset): string[] {
  const out: string[] = [];
  let offset = from;
  while (offset < log.logEndOffset) {
    const { records } = log.read(offset, 1 << 20);
    if (records.length === 0) break;
    out.push(...values(records));
    let pos = 0;
    while (pos < records.length) {
      const h = readBatchHeader(records, pos);
      offset = h.baseOffset + h.lastOffsetDelta + 1;
      pos += h.batchLength + LOG_OVERHEAD;
    }
  }
  return out;
}

describe('Log', () => {
  let dir: string;
  let logDir: string;
  beforeEach(() => {
    dir = tmpDir();
    logDir = path.join(dir, 'orders-0');
  });
  afterEach(() => rm(dir));

  it('appends batches with consecutive offsets and reads them back from any offset', () => {
    const log = Log.open(logDir, TP, defaultLogConfig());
    const a = log.appendAsLeader(textBatch(['a0', 'a1', 'a2']), 0);
    const b = log.appendAsLeader(textBatch(['b0', 'b1']), 0);
    assert.deepEqual([a.firstOffset, a.lastOffset, b.firstOffset, b.lastOffset], [0, 2, 3, 4]);
    assert.equal(log.logEndOffset, 5);
    assert.deepEqual(readAll(log), ['a0', 'a1', 'a2', 'b0', 'b1']);
    // Reading from an offset inside a batch returns the whole batch that contains it, as Kafka does.
    assert.deepEqual(values(log.read(4, 1 << 20).records), ['b0', 'b1']);
    assert.deepEqual(values(log.read(1, 1 << 20).records), ['a0', 'a1', 'a2', 'b0', 'b1']);
    assert.equal(log.read(5, 1000).records.length, 0);
    assert.throws(() => log.read(6, 1000), (e: KafkaError) => e.errorName === 'OFFSET_OUT_OF_RANGE');
    const first = fs.readFileSync(path.join(logDir, '00000000000000000000.log'));
    assert.equal(readBatchHeader(first, 0).baseOffset, 0);
    assert.equal(readBatchHeader(first, 0).partitionLeaderEpoch, 0);
    log.close();
  });

  it('reads at most maxBytes in whole batches, but always one whole batch', () => {
    const log = Log.open(logDir, TP, defaultLogConfig());
    for (let i = 0; i < 5; i++) log.appendAsLeader(sizedBatch(1000), 0);
    const one = log.read(0, 10);
    assert.equal(values(one.records).length, 1);
    const two = log.read(0, 2500);
    assert.equal(values(two.records).length, 2);
    log.close();
  });

  it('respects the high watermark when reading with that isolation', () => {
    const log = Log.open(logDir, TP, defaultLogConfig());
    log.appendAsLeader(textBatch(['x']), 0);
    log.appendAsLeader(textBatch(['y']), 0);
    log.updateHighWatermark(1);
    assert.deepEqual(values(log.read(0, 1 << 20, 'highWatermark').records), ['x']);
    assert.equal(log.read(1, 1 << 20, 'highWatermark').records.length, 0);
    assert.deepEqual(values(log.read(0, 1 << 20, 'logEnd').records), ['x', 'y']);
    log.close();
  });

  it('writes a sparse offset index every index.interval.bytes and a time index', () => {
    const log = Log.open(logDir, TP, defaultLogConfig({ 'index.interval.bytes': '4096' }));
    const t0 = 1_700_000_000_000;
    for (let i = 0; i < 40; i++) log.appendAsLeader(sizedBatch(1000, t0 + i * 1000), 0);
    const seg = log.activeSegment;
    // ~1.07 KB per batch: an entry roughly every 4 batches.
    assert.ok(seg.offsetIndex.entries >= 8 && seg.offsetIndex.entries <= 10, `entries ${seg.offsetIndex.entries}`);
    for (let i = 0; i < seg.offsetIndex.entries; i++) {
      const e = seg.offsetIndex.entry(i);
      const h = readBatchHeader(fs.readFileSync(seg.file).subarray(e.position), 0);
      assert.equal(h.baseOffset + h.lastOffsetDelta, e.offset, 'an entry points at the batch holding its offset');
    }
    assert.ok(seg.timeIndex.entries >= 8);
    const found = log.fetchOffsetByTimestamp(t0 + 17_500);
    assert.deepEqual(found, { offset: 18, timestamp: t0 + 18_000, leaderEpoch: 0 });
    assert.deepEqual(log.fetchOffsetByTimestamp(t0 - 1)?.offset, 0);
    assert.equal(log.fetchOffsetByTimestamp(t0 + 10_000_000), undefined);
    assert.equal(log.fetchMaxTimestamp()?.offset, 39);
    log.close();
  });

  it('rolls on segment.bytes, naming segments by their 20-digit base offset', () => {
    const log = Log.open(logDir, TP, defaultLogConfig({ 'segment.bytes': '5000' }));
    for (let i = 0; i < 12; i++) log.appendAsLeader(sizedBatch(1000), 0);
    const names = fs.readdirSync(logDir).filter((n) => n.endsWith('.log'));
    assert.ok(names.length >= 3, names.join());
    assert.deepEqual(log.logSegments.map((s) => s.file.slice(-24)), names.sort());
    for (const s of log.logSegments) assert.ok(s.size <= 5000);
    assert.ok(fs.existsSync(path.join(logDir, '00000000000000000004.log')));
    assert.equal(readAll(log).length, 12);
    assert.ok(log.recoveryPoint >= log.logSegments[log.numberOfSegments - 1].baseOffset, 'a roll flushes and moves the recovery point');
    log.close();
  });

  it('rolls on segment.ms measured from the first batch timestamp, and when the index is full', () => {
    const log = Log.open(logDir, TP, defaultLogConfig({ 'segment.ms': '60000' }));
    const t0 = 1_700_000_000_000;
    log.appendAsLeader(sizedBatch(10, t0), 0);
    log.appendAsLeader(sizedBatch(10, t0 + 30_000), 0);
    assert.equal(log.numberOfSegments, 1);
    log.appendAsLeader(sizedBatch(10, t0 + 61_000), 0);
    assert.equal(log.numberOfSegments, 2);
    log.close();
    const small = Log.open(path.join(dir, 'small-0'), { topic: 'small', partition: 0 }, defaultLogConfig({ 'segment.index.bytes': '16', 'index.interval.bytes': '0' }));
    for (let i = 0; i < 6; i++) small.appendAsLeader(sizedBatch(10), 0);
    assert.ok(small.numberOfSegments >= 2, 'a full offset index rolls the segment');
    small.close();
  });

  it('restarts cleanly with the same offsets, epochs and data', () => {
    let log = Log.open(logDir, TP, defaultLogConfig({ 'segment.bytes': '3000' }), { topicId: 'AAAAAAAAAAAAAAAAAAAAAA' });
    for (let i = 0; i < 10; i++) log.appendAsLeader(textBatch([`v${i}`]), i < 5 ? 0 : 3);
    log.flush();
    log.close();
    log = Log.open(logDir, TP, defaultLogConfig({ 'segment.bytes': '3000' }), { hadCleanShutdown: true });
    assert.equal(log.logEndOffset, 10);
    assert.equal(log.topicId, 'AAAAAAAAAAAAAAAAAAAAAA');
    assert.equal(fs.readFileSync(path.join(logDir, 'partition.metadata'), 'utf8'), 'version: 0\ntopic_id: AAAAAAAAAAAAAAAAAAAAAA\n');
    assert.equal(fs.readFileSync(path.join(logDir, 'leader-epoch-checkpoint'), 'utf8'), '0\n2\n0 0\n3 5\n');
    assert.deepEqual(readAll(log), ['v0', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7', 'v8', 'v9']);
    const next = log.appendAsLeader(textBatch(['v10']), 3);
    assert.equal(next.firstOffset, 10);
    log.close();
  });

  it('recovery cuts a torn tail and says what it dropped', () => {
    let log = Log.open(logDir, TP, defaultLogConfig());
    for (let i = 0; i < 5; i++) log.appendAsLeader(textBatch([`v${i}`]), 0);
    const file = log.activeSegment.file;
    log.close();
    const sizeBefore = fs.statSync(file).size;
    const torn = textBatch(['torn']).subarray(0, 40);
    fs.appendFileSync(file, torn);
    const logger = new MemoryLogger();
    log = Log.open(logDir, TP, defaultLogConfig(), { recoveryPoint: 0, logger });
    assert.equal(log.logEndOffset, 5);
    assert.equal(fs.statSync(file).size, sizeBefore);
    assert.ok(logger.lines.some((l) => /truncated segment 0 .* dropping 40 bytes/.test(l)), logger.lines.join('\n'));
    assert.equal(log.appendAsLeader(textBatch(['after']), 0).firstOffset, 5);
    assert.deepEqual(readAll(log), ['v0', 'v1', 'v2', 'v3', 'v4', 'after']);
    log.close();
  });

  it('recovery stops at a batch that fails its CRC and deletes the segments after it', () => {
    let log = Log.open(logDir, TP, defaultLogConfig({ 'segment.bytes': '300' }));
    for (let i = 0; i < 8; i++) log.appendAsLeader(textBatch([`value-${i}`.padEnd(100, '.')]), 0);
    const segs = log.logSegments.map((s) => s.file);
    assert.ok(segs.length >= 3);
    const keptOffsets = log.logSegments[2].baseOffset;
    log.close();
    // Flip one byte inside the last record of the third segment.
    const victim = segs[2];
    const bytes = fs.readFileSync(victim);
    bytes[bytes.length - 10] ^= 0xff;
    fs.writeFileSync(victim, bytes);
    const logger = new MemoryLogger();
    log = Log.open(logDir, TP, defaultLogConfig({ 'segment.bytes': '300' }), { recoveryPoint: 0, logger });
    assert.ok(logger.lines.some((l) => /fails its CRC check/.test(l)), logger.lines.join('\n'));
    for (const f of segs.slice(3)) assert.ok(!fs.existsSync(f), `${f} should be gone`);
    const kept = readAll(log);
    // Everything before the corrupt batch survives; its own segment holds one batch here, so it ends empty.
    assert.equal(log.logEndOffset, keptOffsets);
    assert.deepEqual(kept, Array.from({ length: keptOffsets }, (_, i) => `value-${i}`.padEnd(100, '.')));
    log.close();
  });

  it('rebuilds a missing or corrupt index even behind the recovery point', () => {
    let log = Log.open(logDir, TP, defaultLogConfig({ 'index.interval.bytes': '100' }));
    for (let i = 0; i < 20; i++) log.appendAsLeader(sizedBatch(200), 0);
    const index = log.activeSegment.offsetIndex.file;
    log.close();
    const good = fs.readFileSync(index);
    assert.ok(good.length >= 8 * 10);
    fs.unlinkSync(index);
    log = Log.open(logDir, TP, defaultLogConfig({ 'index.interval.bytes': '100' }), { hadCleanShutdown: true });
    assert.deepEqual(fs.readFileSync(index), good);
    log.close();
    fs.writeFileSync(index, Buffer.concat([good, Buffer.from([9, 9, 9])]));
    const logger = new MemoryLogger();
    log = Log.open(logDir, TP, defaultLogConfig({ 'index.interval.bytes': '100' }), { hadCleanShutdown: true, logger });
    assert.deepEqual(fs.readFileSync(index), good);
    assert.ok(logger.lines.some((l) => /rebuilding the indexes/.test(l)));
    assert.equal(readAll(log).length, 20);
    log.close();
  });

  it('truncates to an offset (a follower diverged), including across segments and epochs', () => {
    const log = Log.open(logDir, TP, defaultLogConfig({ 'segment.bytes': '300' }));
    for (let i = 0; i < 8; i++) log.appendAsLeader(textBatch([`value-${i}`.padEnd(100, '.')]), i < 4 ? 1 : 2);
    log.truncateTo(3);
    assert.equal(log.logEndOffset, 3);
    assert.equal(readAll(log).length, 3);
    assert.deepEqual(log.leaderEpochCache.all(), [{ epoch: 1, startOffset: 0 }]);
    assert.equal(log.appendAsLeader(textBatch(['z']), 3).firstOffset, 3);
    log.truncateFullyAndStartAt(100);
    assert.deepEqual([log.logStartOffset, log.logEndOffset], [100, 100]);
    assert.equal(log.appendAsLeader(textBatch(['w']), 3).firstOffset, 100);
    assert.ok(fs.existsSync(path.join(logDir, '00000000000000000100.log')));
    log.close();
  });

  it('retention.bytes deletes whole oldest segments and moves the log start offset', () => {
    const log = Log.open(logDir, TP, defaultLogConfig({ 'segment.bytes': '2500', 'retention.bytes': '5000' }));
    for (let i = 0; i < 20; i++) log.appendAsLeader(sizedBatch(1000), 0);
    log.updateHighWatermark(log.logEndOffset);
    const before = log.size;
    const deleted = log.deleteOldSegments();
    assert.ok(deleted > 0);
    assert.ok(log.size <= 5000 + 2500 && log.size < before);
    assert.equal(log.logStartOffset, log.logSegments[0].baseOffset);
    assert.throws(() => log.read(0, 100), (e: KafkaError) => e.errorName === 'OFFSET_OUT_OF_RANGE');
    assert.equal(readAll(log).length, 20 - log.logStartOffset);
    assert.ok(!fs.readdirSync(logDir).some((n) => n.endsWith('.deleted')));
    log.close();
  });

  it('retention.ms deletes segments whose newest record is older, rolling the active one if needed', () => {
    let now = 1_700_000_000_000;
    const log = Log.open(logDir, TP, defaultLogConfig({ 'segment.bytes': '2500', 'retention.ms': '60000' }), { now: () => now });
    for (let i = 0; i < 6; i++) log.appendAsLeader(sizedBatch(1000, now - 120_000), 0);
    for (let i = 0; i < 2; i++) log.appendAsLeader(sizedBatch(1000, now), 0);
    log.updateHighWatermark(log.logEndOffset);
    log.deleteOldSegments(now);
    assert.equal(log.logStartOffset, 6);
    assert.equal(readAll(log).length, 2);
    now += 120_000;
    log.deleteOldSegments(now);
    assert.equal(log.logStartOffset, 8);
    assert.equal(log.logEndOffset, 8);
    assert.equal(log.size, 0);
    log.close();
  });

  it('retention never deletes data above the high watermark', () => {
    const log = Log.open(logDir, TP, defaultLogConfig({ 'segment.bytes': '2500', 'retention.bytes': '0' }));
    for (let i = 0; i < 6; i++) log.appendAsLeader(sizedBatch(1000), 0);
    log.updateHighWatermark(0);
    assert.equal(log.deleteOldSegments(), 0);
    assert.equal(log.logStartOffset, 0);
    log.close();
  });

  it('delete-records moves the log start offset and drops segments wholly below it', () => {
    const log = Log.open(logDir, TP, defaultLogConfig({ 'segment.bytes': '2500' }));
    for (let i = 0; i < 10; i++) log.appendAsLeader(sizedBatch(1000), 0);
    log.updateHighWatermark(10);
    assert.equal(log.deleteRecordsBefore(5), 5);
    assert.equal(log.logStartOffset, 5);
    assert.ok(log.logSegments[0].baseOffset <= 5);
    assert.throws(() => log.read(4, 100), (e: KafkaError) => e.errorName === 'OFFSET_OUT_OF_RANGE');
    assert.equal(readAll(log).length, 5);
    assert.throws(() => log.deleteRecordsBefore(11), (e: KafkaError) => e.errorName === 'OFFSET_OUT_OF_RANGE');
    log.close();
    const reopened = Log.open(logDir, TP, defaultLogConfig({ 'segment.bytes': '2500' }), { hadCleanShutdown: true, logStartOffset: 5 });
    assert.equal(reopened.logStartOffset, 5);
    reopened.close();
  });

  it('refuses bad batches with Kafka\'s error codes and appends nothing', () => {
    const log = Log.open(logDir, TP, defaultLogConfig({ 'max.message.bytes': '2000' }));
    const expectError = (records: Buffer, name: string) =>
      assert.throws(() => log.appendAsLeader(records, 0), (e: KafkaError) => e.errorName === name);
    expectError(sizedBatch(3000), 'MESSAGE_TOO_LARGE');
    const corrupt = textBatch(['x']);
    corrupt[corrupt.length - 1] ^= 1;
    expectError(corrupt, 'CORRUPT_MESSAGE');
    expectError(textBatch(['x']).subarray(0, 50), 'CORRUPT_MESSAGE');
    const oldMagic = textBatch(['x']);
    oldMagic[16] = 1;
    expectError(oldMagic, 'UNSUPPORTED_FOR_MESSAGE_FORMAT');
    expectError(Buffer.concat([textBatch(['a']), textBatch(['b'])]), 'INVALID_RECORD');
    assert.equal(log.logEndOffset, 0);
    assert.equal(log.size, 0);
    log.close();
  });

  it('decompresses a client\'s compressed batch to check its records, as Kafka does: broken data or records are refused', async () => {
    await initCompression();
    const log = Log.open(logDir, TP, defaultLogConfig());
    const expectError = (records: Buffer, name: string, message: RegExp) =>
      assert.throws(() => log.appendAsLeader(records, 0), (e: KafkaError) => e.errorName === name && message.test(e.message), `${name} ${message}`);
    // A batch with `body` as its (compressed) records and a correct CRC: only what is inside is wrong.
    const withBody = (codec: CompressionType, body: Buffer, count = 3): Buffer => {
      const header = Buffer.from(textBatch(['a', 'b', 'c']).subarray(0, 61));
      header.writeInt32BE(49 + body.length, 8);
      header.writeInt16BE(codec, 21);
      header.writeInt32BE(count - 1, 23);
      header.writeInt32BE(count, 57);
      const batch = Buffer.concat([header, body]);
      batch.writeUInt32BE(crc32c(batch, 21, batch.length), 17);
      return batch;
    };
    const plain = textBatch(['a', 'b', 'c']).subarray(61);
    for (const codec of [CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd]) {
      const name = compressionName(codec);
      // Sound: accepted.
      assert.equal(log.appendAsLeader(withBody(codec, compress(codec, plain)), 0).numMessages, 3, name);
      // Codec data cut short: it does not decompress.
      const packed = compress(codec, plain);
      expectError(withBody(codec, packed.subarray(0, packed.length - 4)), 'CORRUPT_MESSAGE', /cannot be decompressed/);
      // Decompresses, but the last record is cut short.
      expectError(withBody(codec, compress(codec, plain.subarray(0, plain.length - 1))), 'CORRUPT_MESSAGE', /malformed records/);
      // Decompresses to three whole records while the header claims four.
      expectError(withBody(codec, compress(codec, plain), 4), 'INVALID_RECORD', /claims 4 records but holds 3/);
    }
    assert.equal(log.logEndOffset, 12);
    assert.deepEqual(readAll(log), ['a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', 'c']);
    log.close();
  });

  it('compacted topics refuse records without a key (INVALID_RECORD)', () => {
    const log = Log.open(logDir, TP, defaultLogConfig({ 'cleanup.policy': 'compact' }));
    assert.throws(() => log.appendAsLeader(textBatch(['x'], { keys: [null] }), 0), (e: KafkaError) => e.errorName === 'INVALID_RECORD');
    assert.equal(log.appendAsLeader(textBatch(['x'], { keys: ['k'] }), 0).firstOffset, 0);
    log.close();
  });

  it('names every offending record by its index in the batch (KIP-467), and appends none of the batch', () => {
    const now = 1_750_000_000_000;
    const compacted = Log.open(logDir, TP, defaultLogConfig({ 'cleanup.policy': 'compact' }), { now: () => now });
    const keys = ['a', null, 'c', null, 'e'];
    assert.throws(
      () => compacted.appendAsLeader(textBatch(['0', '1', '2', '3', '4'], { keys }), 0),
      (e: RecordValidationError) => {
        assert.ok(e instanceof RecordValidationError);
        assert.equal(e.errorName, 'INVALID_RECORD');
        assert.deepEqual(e.recordErrors.map((r) => r.batchIndex), [1, 3]);
        assert.match(e.recordErrors[0].message, /Compacted topic cannot accept message without key in topic partition orders-0/);
        assert.match(e.message, /2 record errors in total/);
        return true;
      },
    );
    assert.equal(compacted.logEndOffset, 0);
    compacted.close();
    rm(logDir);
    const timed = Log.open(logDir, TP, defaultLogConfig({ 'message.timestamp.before.max.ms': '60000', 'message.timestamp.after.max.ms': '60000' }), { now: () => now });
    // The batch's max timestamp is in range; only a record-by-record check finds the old one.
    const stamps = [now, now - 3_600_000, now + 1000, now + 3_600_000];
    const batch = encodeRecordBatch({ records: stamps.map((timestamp, i) => ({ key: null, value: Buffer.from(String(i)), timestamp })) });
    assert.throws(
      () => timed.appendAsLeader(batch, 0),
      (e: RecordValidationError) => {
        assert.equal(e.errorName, 'INVALID_TIMESTAMP');
        assert.deepEqual(e.recordErrors.map((r) => r.batchIndex), [1, 3]);
        assert.match(e.recordErrors[0].message, /Timestamp \d+ of message with offset 1 is out of range/);
        return true;
      },
    );
    // A producer may not set LogAppendTime on a CreateTime topic: every record is named.
    const claimed = encodeRecordBatch({ records: [{ key: null, value: Buffer.from('x'), timestamp: now }] });
    claimed.writeInt16BE(claimed.readInt16BE(21) | 0x08, 21);
    claimed.writeUInt32BE(crc32c(claimed, 21, claimed.length), 17);
    assert.throws(() => timed.appendAsLeader(claimed, 0), (e: RecordValidationError) => e.errorName === 'INVALID_TIMESTAMP' && e.recordErrors.length === 1);
    assert.equal(timed.appendAsLeader(encodeRecordBatch({ records: [{ key: null, value: Buffer.from('ok'), timestamp: now - 1000 }] }), 0).firstOffset, 0);
    timed.close();
  });

  it('stamps LogAppendTime on batches when the topic asks for it, keeping the CRC valid', () => {
    const now = 1_750_000_000_000;
    const log = Log.open(logDir, TP, defaultLogConfig({ 'message.timestamp.type': 'LogAppendTime' }), { now: () => now });
    const info = log.appendAsLeader(textBatch(['x'], { timestamp: 1000 }), 0);
    assert.equal(info.logAppendTime, now);
    const { records } = log.read(0, 1000);
    const h = readBatchHeader(records, 0);
    assert.equal(h.maxTimestamp, now);
    assert.ok(h.attributes & 0x08);
    assert.equal(decodeRecords(records)[0].value!.toString(), 'x');
    log.close();
  });

  it('a full disk fails the append with KAFKA_STORAGE_ERROR and leaves no partial batch', () => {
    const log = Log.open(logDir, TP, defaultLogConfig());
    log.appendAsLeader(textBatch(['before']), 0);
    const size = log.size;
    const realWrite = io.writeSync;
    io.writeSync = ((fd: number, buf: Uint8Array, off?: number, len?: number, pos?: number | null) => {
      if ((len ?? buf.length) > 20) {
        realWrite(fd, buf, off, 20, pos); // a short write, then the disk is full
        const e = new Error('ENOSPC: no space left on device') as NodeJS.ErrnoException;
        e.code = 'ENOSPC';
        throw e;
      }
      return realWrite(fd, buf, off, len, pos);
    }) as typeof io.writeSync;
    try {
      assert.throws(() => log.appendAsLeader(textBatch(['lost?']), 0), (e: Error) => e.name === 'KafkaStorageError' && /no space left/.test(e.message));
    } finally {
      io.writeSync = realWrite;
    }
    assert.equal(log.size, size);
    assert.equal(fs.statSync(log.activeSegment.file).size, size);
    assert.equal(log.logEndOffset, 1);
    assert.equal(log.appendAsLeader(textBatch(['after']), 0).firstOffset, 1);
    assert.deepEqual(readAll(log), ['before', 'after']);
    log.close();
  });

  it('appends replicated batches as a follower, keeping the leader\'s offsets and epochs', () => {
    const leader = Log.open(logDir, TP, defaultLogConfig());
    leader.appendAsLeader(textBatch(['a', 'b']), 4);
    leader.appendAsLeader(textBatch(['c']), 5);
    const data = leader.read(0, 1 << 20).records;
    const follower = Log.open(path.join(dir, 'f', 'orders-0'), TP, defaultLogConfig());
    const info = follower.appendAsFollower(Buffer.from(data));
    assert.deepEqual([info.firstOffset, info.lastOffset], [0, 2]);
    assert.deepEqual(follower.leaderEpochCache.all(), [{ epoch: 4, startOffset: 0 }, { epoch: 5, startOffset: 2 }]);
    assert.deepEqual(follower.leaderEpochCache.endOffsetFor(4, follower.logEndOffset), { epoch: 4, endOffset: 2 });
    assert.throws(() => follower.appendAsFollower(Buffer.from(data)), (e: KafkaError) => e.errorName === 'OFFSET_OUT_OF_RANGE');
    leader.close();
    follower.close();
  });
});

describe('Log: compression.type', () => {
  let dir: string;
  beforeEach(() => (dir = tmpDir()));
  afterEach(() => rm(dir));

  it('recompresses batches to the topic\'s compression.type, keeping records and producer fields', async () => {
    const { initCompression, CompressionType } = await import('../../../src/broker/records/compression');
    const { encodeRecordBatch } = await import('../../../src/broker/records/record-batch');
    await initCompression();
    for (const [name, codec] of [['zstd', CompressionType.Zstd], ['gzip', CompressionType.Gzip], ['uncompressed', CompressionType.None]] as const) {
      const log = Log.open(path.join(dir, `${name}-0`), { topic: name, partition: 0 }, defaultLogConfig({ 'compression.type': name }));
      const sent = encodeRecordBatch({
        compression: name === 'uncompressed' ? CompressionType.Lz4 : CompressionType.None,
        producerId: 77,
        producerEpoch: 2,
        baseSequence: 10,
        records: [{ key: Buffer.from('a'), value: Buffer.from('x'.repeat(500)) }, { key: null, value: null, headers: [{ key: 'h', value: Buffer.from('v') }] }],
      });
      log.appendAsLeader(sent, 0);
      const { records } = log.read(0, 1 << 20);
      const h = readBatchHeader(records, 0);
      assert.equal(h.attributes & 7, codec, name);
      assert.deepEqual([h.producerId, h.producerEpoch, h.baseSequence, h.recordCount], [77, 2, 10, 2]);
      const rs = decodeRecords(records);
      assert.equal(rs[0].value!.toString(), 'x'.repeat(500));
      assert.equal(rs[1].value, null);
      assert.equal(rs[1].headers[0].value!.toString(), 'v');
      log.close();
    }
  });
});

describe('Log: follower appends', () => {
  let dir: string;
  beforeEach(() => (dir = tmpDir()));
  afterEach(() => rm(dir));

  it('accept the offset gaps of a compacted leader log without dropping what the follower has', () => {
    const leader = Log.open(path.join(dir, 'l', 'c-0'), { topic: 'c', partition: 0 }, defaultLogConfig());
    leader.appendAsLeader(textBatch(['a']), 1);
    leader.appendAsLeader(textBatch(['b']), 1);
    leader.appendAsLeader(textBatch(['c']), 2);
    const all = leader.read(0, 1 << 20).records;
    const follower = Log.open(path.join(dir, 'f', 'c-0'), { topic: 'c', partition: 0 }, defaultLogConfig());
    const firstSize = all.readInt32BE(8) + LOG_OVERHEAD;
    const secondSize = all.readInt32BE(firstSize + 8) + LOG_OVERHEAD;
    follower.appendAsFollower(Buffer.from(all.subarray(0, firstSize)));
    // Offset 1 was compacted away on the leader: the next batch starts at 2.
    follower.appendAsFollower(Buffer.from(all.subarray(firstSize + secondSize)));
    assert.deepEqual([follower.logStartOffset, follower.logEndOffset], [0, 3]);
    assert.deepEqual(values(follower.read(0, 1 << 20).records), ['a', 'c']);
    assert.deepEqual(follower.leaderEpochCache.all(), [{ epoch: 1, startOffset: 0 }, { epoch: 2, startOffset: 2 }]);
    leader.close();
    follower.close();
  });
});
