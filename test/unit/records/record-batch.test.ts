import { strict as assert } from 'node:assert';
import * as zlib from 'node:zlib';
import {
  ATTRIBUTES_OFFSET,
  CRC_OFFSET,
  RECORD_BATCH_OVERHEAD,
  RECORDS_COUNT_OFFSET,
  readBatchHeader,
} from '../../../src/broker/records/batch-header';
import { CompressionType, compress, initCompression } from '../../../src/broker/records/compression';
import { crc32c } from '../../../src/broker/records/crc32c';
import { CorruptRecordError } from '../../../src/broker/records/errors';
import { RecordInput } from '../../../src/broker/records/record';
import {
  computeBatchCrc,
  decodeRecords,
  encodeRecordBatch,
  ensureBatchValid,
  incrementSequence,
  lastSequenceOf,
  setBaseOffset,
  setMaxTimestampAndType,
  setPartitionLeaderEpoch,
  verifyBatchCrc,
} from '../../../src/broker/records/record-batch';

const b = (s: string): Buffer => Buffer.from(s, 'utf8');
const CODECS = [CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd];

const SAMPLE: RecordInput[] = [
  { key: b('k1'), value: b('v1'), timestamp: 1700000000000, headers: [{ key: 'h', value: b('x') }] },
  { key: null, value: b('no key'), timestamp: 1700000000050 },
  { key: b('tombstone'), value: null, timestamp: 1699999999990, headers: [{ key: 'null-valued', value: null }] },
  { key: Buffer.alloc(0), value: Buffer.alloc(0), timestamp: 1700000000010, headers: [{ key: 'ключ', value: b('значение') }, { key: 'h', value: b('') }] },
];

/** Rebuilds a batch byte by byte from a list of fields, for corruption tests. */
function withRecordsSection(batch: Buffer, records: Buffer, count: number): Buffer {
  const out = Buffer.concat([batch.subarray(0, RECORD_BATCH_OVERHEAD), records]);
  out.writeInt32BE(out.length - 12, 8);
  out.writeInt32BE(count, RECORDS_COUNT_OFFSET);
  out.writeUInt32BE(crc32c(out, ATTRIBUTES_OFFSET, out.length), CRC_OFFSET);
  return out;
}

describe('record batch', () => {
  before(async () => {
    await initCompression();
  });

  it('lays out a one-record batch byte for byte as RecordBatch v2 specifies', () => {
    const batch = encodeRecordBatch({ baseOffset: 5, records: [{ key: b('a'), value: b('b'), timestamp: 1000 }] });
    const expectedWithoutCrc =
      '0000000000000005' + // baseOffset
      '0000003a' + // batchLength = 70 - 12
      'ffffffff' + // partitionLeaderEpoch: none yet (the broker stamps it)
      '02' + // magic
      '00000000' + // crc, checked below
      '0000' + // attributes
      '00000000' + // lastOffsetDelta
      '00000000000003e8' + // baseTimestamp
      '00000000000003e8' + // maxTimestamp
      'ffffffffffffffff' + // producerId
      'ffff' + // producerEpoch
      'ffffffff' + // baseSequence
      '00000001' + // records count
      '10' + // record length 8 (zigzag 16)
      '00' + // attributes
      '00' + // timestampDelta
      '00' + // offsetDelta
      '02' + '61' + // key length 1, 'a'
      '02' + '62' + // value length 1, 'b'
      '00'; // no headers
    const copy = Buffer.from(batch);
    copy.writeUInt32BE(0, CRC_OFFSET);
    assert.equal(copy.toString('hex'), expectedWithoutCrc);
    assert.equal(batch.readUInt32BE(CRC_OFFSET), crc32c(batch, ATTRIBUTES_OFFSET, batch.length));
  });

  it('writes every header field and attribute bit it is given', () => {
    const batch = encodeRecordBatch({
      baseOffset: 2 ** 40 + 7,
      partitionLeaderEpoch: 12,
      compression: CompressionType.Lz4,
      timestampType: 'logAppend',
      isTransactional: true,
      isControl: false,
      producerId: 2 ** 45 + 3,
      producerEpoch: 9,
      baseSequence: 1000,
      baseTimestamp: 1600000000000,
      maxTimestamp: 1700000000999,
      records: SAMPLE,
    });
    const h = readBatchHeader(batch);
    assert.deepEqual(
      { ...h, crc: 0 },
      {
        baseOffset: 2 ** 40 + 7,
        batchLength: batch.length - 12,
        partitionLeaderEpoch: 12,
        magic: 2,
        crc: 0,
        attributes: 0x3 | 0x8 | 0x10,
        lastOffsetDelta: 3,
        baseTimestamp: 1600000000000,
        maxTimestamp: 1700000000999,
        producerId: 2 ** 45 + 3,
        producerEpoch: 9,
        baseSequence: 1000,
        recordCount: 4,
      },
    );
    assert.equal(readBatchHeader(encodeRecordBatch({ isControl: true, records: [] })).attributes, 0x20);
    assert.equal(readBatchHeader(encodeRecordBatch({ deleteHorizonMs: 5, records: [] })).attributes, 0x40);
  });

  it('defaults baseTimestamp to the first record and maxTimestamp to the largest, with no producer identity', () => {
    const h = readBatchHeader(encodeRecordBatch({ records: SAMPLE }));
    assert.equal(h.baseTimestamp, 1700000000000);
    assert.equal(h.maxTimestamp, 1700000000050);
    assert.deepEqual([h.producerId, h.producerEpoch, h.baseSequence, h.partitionLeaderEpoch, h.baseOffset], [-1, -1, -1, -1, 0]);
  });

  for (const codec of CODECS) {
    it(`decodes what it encodes with ${CompressionType[codec]}: keys, values, headers, offsets and timestamps`, () => {
      const batch = encodeRecordBatch({ baseOffset: 100, compression: codec, records: SAMPLE });
      assert.equal(readBatchHeader(batch).attributes & 7, codec);
      assert.ok(verifyBatchCrc(batch));
      const records = decodeRecords(batch);
      assert.equal(records.length, SAMPLE.length);
      records.forEach((r, i) => {
        const input = SAMPLE[i];
        assert.equal(r.offsetDelta, i);
        assert.equal(r.offset, 100 + i);
        assert.equal(r.timestamp, input.timestamp);
        assert.equal(r.timestampDelta, (input.timestamp ?? 0) - 1700000000000);
        assert.deepEqual(r.key, input.key);
        assert.deepEqual(r.value, input.value);
        assert.deepEqual(r.headers, input.headers ?? []);
        assert.equal(r.attributes, 0);
      });
      // Empty key and value stay empty, distinct from null.
      assert.equal(records[3].key?.length, 0);
      assert.equal(records[3].value?.length, 0);
    });
  }

  it('compresses exactly the uncompressed records section', () => {
    const plain = encodeRecordBatch({ records: SAMPLE });
    const section = plain.subarray(RECORD_BATCH_OVERHEAD);
    const gz = encodeRecordBatch({ records: SAMPLE, compression: CompressionType.Gzip });
    assert.ok(zlib.gunzipSync(gz.subarray(RECORD_BATCH_OVERHEAD)).equals(section));
    const sizes = decodeRecords(plain).map((r) => r.sizeInBytes);
    assert.equal(sizes.reduce((x, y) => x + y, 0), section.length);
  });

  it('keeps offset-delta gaps and a larger lastOffsetDelta, as compaction leaves them', () => {
    const batch = encodeRecordBatch({
      baseOffset: 10,
      lastOffsetDelta: 9,
      records: [
        { value: b('a'), offsetDelta: 0, timestamp: 1 },
        { value: b('d'), offsetDelta: 3, timestamp: 2 },
        { value: b('h'), offsetDelta: 7, timestamp: 3 },
      ],
    });
    assert.equal(readBatchHeader(batch).lastOffsetDelta, 9);
    assert.deepEqual(
      decodeRecords(batch).map((r) => r.offset),
      [10, 13, 17],
    );
  });

  it('stores a delete horizon in baseTimestamp while keeping record timestamps', () => {
    const batch = encodeRecordBatch({ deleteHorizonMs: 1800000000000, records: [{ value: b('x'), timestamp: 1700000000000 }] });
    assert.equal(readBatchHeader(batch).baseTimestamp, 1800000000000);
    assert.equal(decodeRecords(batch)[0].timestamp, 1700000000000);
    assert.equal(decodeRecords(batch)[0].timestampDelta, -100000000000);
  });

  it('gives records without a timestamp the current time', () => {
    const before = Date.now();
    const [r] = decodeRecords(encodeRecordBatch({ records: [{ value: b('now') }] }));
    assert.ok(r.timestamp >= before && r.timestamp <= Date.now());
  });

  it('encodes an empty batch (what compaction keeps to preserve producer state)', () => {
    const batch = encodeRecordBatch({ baseOffset: 50, lastOffsetDelta: 4, producerId: 7, baseSequence: 3, records: [] });
    assert.equal(batch.length, RECORD_BATCH_OVERHEAD);
    const h = readBatchHeader(batch);
    assert.deepEqual([h.recordCount, h.maxTimestamp, h.baseTimestamp, h.lastOffsetDelta], [0, -1, -1, 4]);
    assert.deepEqual(decodeRecords(batch), []);
  });

  it('reports LogAppendTime batches with the batch maxTimestamp on every record, as Kafka does', () => {
    const batch = encodeRecordBatch({ timestampType: 'logAppend', maxTimestamp: 1750000000000, records: SAMPLE });
    assert.deepEqual(
      decodeRecords(batch).map((r) => r.timestamp),
      [1750000000000, 1750000000000, 1750000000000, 1750000000000],
    );
  });

  it('decodes a batch at a position inside a larger buffer, leaving what follows alone', () => {
    const first = encodeRecordBatch({ records: [{ value: b('one'), timestamp: 1 }] });
    const second = encodeRecordBatch({ baseOffset: 1, records: [{ value: b('two'), timestamp: 2 }] });
    const both = Buffer.concat([first, second]);
    assert.equal(decodeRecords(both)[0].value?.toString(), 'one');
    assert.equal(decodeRecords(both, first.length)[0].value?.toString(), 'two');
    assert.ok(verifyBatchCrc(both, first.length));
  });

  describe('CRC and in-place updates', () => {
    it('covers attributes..end but not baseOffset or partitionLeaderEpoch', () => {
      const batch = encodeRecordBatch({ records: SAMPLE });
      assert.ok(verifyBatchCrc(batch));
      assert.equal(computeBatchCrc(batch), batch.readUInt32BE(CRC_OFFSET));
      for (const pos of [0, 7, 12, 15]) {
        const copy = Buffer.from(batch);
        copy[pos] ^= 0xff;
        assert.ok(verifyBatchCrc(copy), `byte ${pos} is outside the CRC`);
      }
      for (const pos of [ATTRIBUTES_OFFSET, 30, RECORD_BATCH_OVERHEAD, batch.length - 1]) {
        const copy = Buffer.from(batch);
        copy[pos] ^= 0x01;
        assert.ok(!verifyBatchCrc(copy), `byte ${pos} is covered`);
        assert.throws(() => ensureBatchValid(copy), (e: unknown) => e instanceof CorruptRecordError && /Record is corrupt \(stored crc = \d+, computed crc = \d+\)/.test(e.message));
      }
      assert.ok(!verifyBatchCrc(batch.subarray(0, batch.length - 1)), 'truncated');
    });

    it('restamps baseOffset and partitionLeaderEpoch without touching the CRC', () => {
      const batch = encodeRecordBatch({ records: SAMPLE });
      const crc = batch.readUInt32BE(CRC_OFFSET);
      setBaseOffset(batch, 4242);
      setPartitionLeaderEpoch(batch, 17);
      assert.equal(batch.readUInt32BE(CRC_OFFSET), crc);
      assert.ok(verifyBatchCrc(batch));
      const h = readBatchHeader(batch);
      assert.deepEqual([h.baseOffset, h.partitionLeaderEpoch], [4242, 17]);
      assert.deepEqual(
        decodeRecords(batch).map((r) => r.offset),
        [4242, 4243, 4244, 4245],
      );
    });

    it('restamps a batch inside a larger buffer at its position', () => {
      const a = encodeRecordBatch({ records: [{ value: b('a'), timestamp: 1 }] });
      const c = encodeRecordBatch({ records: [{ value: b('c'), timestamp: 1 }] });
      const buf = Buffer.concat([a, c]);
      setBaseOffset(buf, 1, a.length);
      setMaxTimestampAndType(buf, 'logAppend', 99, a.length);
      assert.equal(readBatchHeader(buf).baseOffset, 0);
      assert.equal(readBatchHeader(buf, a.length).baseOffset, 1);
      assert.ok(verifyBatchCrc(buf, 0) && verifyBatchCrc(buf, a.length));
      assert.equal(readBatchHeader(buf, a.length).maxTimestamp, 99);
    });

    it('sets LogAppendTime and maxTimestamp and rewrites the CRC; switching back restores record timestamps', () => {
      const batch = encodeRecordBatch({ compression: CompressionType.Snappy, records: SAMPLE });
      setMaxTimestampAndType(batch, 'logAppend', 1800000000000);
      assert.ok(verifyBatchCrc(batch));
      let h = readBatchHeader(batch);
      assert.equal(h.attributes, CompressionType.Snappy | 0x08);
      assert.equal(h.maxTimestamp, 1800000000000);
      assert.ok(decodeRecords(batch).every((r) => r.timestamp === 1800000000000));
      setMaxTimestampAndType(batch, 'create', 1700000000050);
      assert.ok(verifyBatchCrc(batch));
      h = readBatchHeader(batch);
      assert.equal(h.attributes, CompressionType.Snappy);
      assert.deepEqual(
        decodeRecords(batch).map((r) => r.timestamp),
        SAMPLE.map((r) => r.timestamp),
      );
    });

    it('leaves the batch alone when type and maxTimestamp already match (no CRC rewrite)', () => {
      const batch = encodeRecordBatch({ records: SAMPLE });
      batch.writeUInt32BE(12345, CRC_OFFSET); // deliberately wrong
      setMaxTimestampAndType(batch, 'create', readBatchHeader(batch).maxTimestamp);
      assert.equal(batch.readUInt32BE(CRC_OFFSET), 12345);
    });
  });

  describe('corruption', () => {
    const good = (): Buffer => encodeRecordBatch({ records: SAMPLE });
    const isCorrupt =
      (pattern: RegExp) =>
      (e: unknown): boolean =>
        e instanceof CorruptRecordError && e.errorCode === 2 && pattern.test(e.message);

    it('rejects a wrong magic byte', () => {
      const batch = good();
      batch[16] = 1;
      assert.throws(() => decodeRecords(batch), isCorrupt(/Invalid magic found in record batch: 1/));
    });

    it('rejects a batch shorter than its header, or shorter than its length field says', () => {
      assert.throws(() => decodeRecords(good().subarray(0, 60)), isCorrupt(/smaller than the minimum allowed overhead 61/));
      assert.throws(() => decodeRecords(good().subarray(0, 80)), isCorrupt(/truncated/));
      const tiny = good();
      tiny.writeInt32BE(10, 8);
      assert.throws(() => decodeRecords(tiny), isCorrupt(/size 22 is smaller/));
    });

    it('rejects a record count that disagrees with the records present', () => {
      const batch = good();
      const section = batch.subarray(RECORD_BATCH_OVERHEAD);
      assert.throws(() => decodeRecords(withRecordsSection(batch, section, 5)), isCorrupt(/declares 5 records but its data ends after 4/));
      assert.throws(() => decodeRecords(withRecordsSection(batch, section, 3)), isCorrupt(/bytes remain after the last of 3 records/));
      assert.throws(() => decodeRecords(withRecordsSection(batch, section, -1)), isCorrupt(/invalid record count -1/));
      assert.throws(() => decodeRecords(withRecordsSection(batch, section, 1_000_000)), isCorrupt(/cannot fit/));
    });

    it('rejects a record whose length overruns the batch', () => {
      const batch = good();
      const section = Buffer.from(batch.subarray(RECORD_BATCH_OVERHEAD));
      section[0] = 0x7e; // record length 63, more than is left
      const onlyFirst = section.subarray(0, 20);
      assert.throws(() => decodeRecords(withRecordsSection(batch, onlyFirst, 1)), isCorrupt(/Invalid record size: expected 63 bytes/));
    });

    it('rejects a field that runs past its record, even when the next record would supply the bytes', () => {
      // Record 1: body size 8 but key length claims 20 bytes.
      const rec = Buffer.from([0x10, 0x00, 0x00, 0x00, 0x28, 0x61, 0x02, 0x62, 0x00]);
      const next = Buffer.alloc(40, 0x61);
      assert.throws(() => decodeRecords(withRecordsSection(good(), Buffer.concat([rec, next]), 1)), isCorrupt(/key of 20 bytes runs past the end of the record/));
    });

    it('rejects bad varints, negative header counts, negative header key sizes and odd negative lengths', () => {
      const cases: Array<[number[], RegExp]> = [
        [[0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0, 0, 0, 0], /bad length varint/],
        [[0x0c, 0x00, 0x00, 0x00, 0x01, 0x01, 0x01], /invalid number of record headers -1/],
        [[0x10, 0x00, 0x00, 0x00, 0x01, 0x01, 0x02, 0x01, 0x00], /negative header key size/],
        [[0x0c, 0x00, 0x00, 0x00, 0x03, 0x01, 0x00], /Invalid key size -2/],
        [[0x0e, 0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00], /Invalid record size: expected to read 7 bytes in record payload, but instead read 6/],
      ];
      for (const [bytes, pattern] of cases) {
        assert.throws(() => decodeRecords(withRecordsSection(good(), Buffer.from(bytes), 1)), isCorrupt(pattern), pattern.source);
      }
    });

    it('rejects an unknown codec and undecodable compressed data, saying which codec failed', () => {
      const batch = good();
      batch.writeInt16BE(5, ATTRIBUTES_OFFSET);
      assert.throws(() => decodeRecords(batch), isCorrupt(/Unknown compression codec 5/));
      const gz = encodeRecordBatch({ compression: CompressionType.Gzip, records: SAMPLE });
      const damaged = withRecordsSection(gz, gz.subarray(RECORD_BATCH_OVERHEAD, gz.length - 8), 4);
      assert.throws(() => decodeRecords(damaged), isCorrupt(/Failed to decompress gzip record batch/));
      const zstdGarbage = withRecordsSection(encodeRecordBatch({ compression: CompressionType.Zstd, records: [] }), compress(CompressionType.Gzip, b('x')), 1);
      assert.throws(() => decodeRecords(zstdGarbage), isCorrupt(/Failed to decompress zstd/));
    });
  });

  it('does sequence arithmetic with wrap-around at Integer.MAX_VALUE', () => {
    assert.equal(incrementSequence(5, 3), 8);
    assert.equal(incrementSequence(2147483646, 3), 1);
    assert.equal(lastSequenceOf(2147483647, 1), 0);
    assert.equal(lastSequenceOf(-1, 10), -1);
  });
});
