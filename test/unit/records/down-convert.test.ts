// Fetch v0-3's down-conversion of stored RecordBatch v2 to message format v0/v1, read back with the legacy reader
// (the one Produce v0-2 uses, which checks every CRC): offsets, keys, values, timestamps, wrapper messages of each
// codec with relative (magic 1) or absolute (magic 0) inner offsets, control batches dropped, zstd refused.
import { strict as assert } from 'node:assert';
import { downConvert } from '../../../src/broker/records/down-convert';
import { readLegacyMessages } from '../../../src/broker/records/legacy-message-set';
import { encodeRecordBatch } from '../../../src/broker/records/record-batch';
import { CompressionType, decompress, initCompression } from '../../../src/broker/records/compression';
import { KafkaError } from '../../../src/broker/errors';

const batch = (baseOffset: number, values: string[], opts: { compression?: CompressionType; logAppend?: number; control?: boolean } = {}) =>
  encodeRecordBatch({
    baseOffset,
    compression: opts.compression ?? CompressionType.None,
    timestampType: opts.logAppend !== undefined ? 'logAppend' : 'create',
    maxTimestamp: opts.logAppend,
    isControl: opts.control,
    isTransactional: opts.control,
    producerId: opts.control ? 7 : -1,
    records: values.map((v, i) => ({ offsetDelta: i, timestamp: 1_700_000_000_000 + baseOffset + i, key: Buffer.from(`k${baseOffset + i}`), value: Buffer.from(v), headers: [{ key: 'h', value: Buffer.from('x') }] })),
  });

/** Offset, timestamp, key, value of every message, wrapper messages opened (inner offsets made absolute). */
function readBack(set: Buffer): Array<[number, number, string, string]> {
  const out: Array<[number, number, string, string]> = [];
  for (const m of readLegacyMessages(set)) {
    const codec = (m.attributes & 0x07) as CompressionType;
    if (codec === CompressionType.None) {
      out.push([m.offset, m.timestamp, m.key!.toString(), m.value!.toString()]);
      continue;
    }
    const inner = readLegacyMessages(decompress(codec, m.value!));
    const last = inner[inner.length - 1];
    for (const i of inner) out.push([m.magic === 1 ? m.offset - last.offset + i.offset : i.offset, i.timestamp, i.key!.toString(), i.value!.toString()]);
  }
  return out;
}

describe('down-conversion for Fetch v0-3 (message format v0/v1)', () => {
  before(() => initCompression());

  it('uncompressed: one message per record, magic 1 with its timestamp, magic 0 without; records before the fetch offset left out', () => {
    const stored = Buffer.concat([batch(10, ['a', 'b', 'c']), batch(13, ['d'])]);
    const v1 = downConvert(stored, 1, 11);
    assert.equal(v1.converted, 3);
    assert.deepEqual(readBack(v1.records), [
      [11, 1_700_000_000_011, 'k11', 'b'],
      [12, 1_700_000_000_012, 'k12', 'c'],
      [13, 1_700_000_000_013, 'k13', 'd'],
    ]);
    assert.ok(readLegacyMessages(v1.records).every((m) => m.magic === 1 && m.attributes === 0));
    const v0 = downConvert(stored, 0, 10);
    assert.deepEqual(readBack(v0.records).map(([o, t, , v]) => [o, t, v]), [[10, -1, 'a'], [11, -1, 'b'], [12, -1, 'c'], [13, -1, 'd']]);
    assert.ok(readLegacyMessages(v0.records).every((m) => m.magic === 0));
  });

  it('compressed batches become one wrapper message of the same codec, whole (an old client skips what it has read)', () => {
    for (const codec of [CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4]) {
      for (const magic of [0, 1] as const) {
        const out = downConvert(batch(20, ['x', 'y', 'z'], { compression: codec }), magic, 21);
        const wrappers = readLegacyMessages(out.records);
        assert.equal(wrappers.length, 1);
        assert.equal(wrappers[0].attributes & 0x07, codec);
        assert.equal(wrappers[0].offset, 22, 'the wrapper carries the last inner offset');
        if (magic === 1) assert.equal(wrappers[0].timestamp, 1_700_000_000_022, 'the wrapper carries the largest timestamp');
        const inner = readLegacyMessages(decompress(codec, wrappers[0].value!)).map((m) => m.offset);
        assert.deepEqual(inner, magic === 1 ? [0, 1, 2] : [20, 21, 22], `${codec}/${magic}: relative inner offsets in magic 1, absolute in magic 0`);
        assert.deepEqual(readBack(out.records).map(([o, , , v]) => [o, v]), [[20, 'x'], [21, 'y'], [22, 'z']]);
      }
    }
  });

  it('magic 0 lz4 carries Kafka\'s old frame header checksum (over the magic number too), which our reader takes as Kafka does', () => {
    const out = downConvert(batch(0, ['legacy lz4'], { compression: CompressionType.Lz4 }), 0, 0);
    const frame = readLegacyMessages(out.records)[0].value!;
    const v1frame = readLegacyMessages(downConvert(batch(0, ['legacy lz4'], { compression: CompressionType.Lz4 }), 1, 0).records)[0].value!;
    assert.notEqual(frame[6], v1frame[6], 'the descriptor checksums differ');
    assert.equal(readLegacyMessages(decompress(CompressionType.Lz4, frame))[0].value!.toString(), 'legacy lz4');
  });

  it('LogAppendTime: magic 1 messages carry the batch\'s append time and the timestamp-type bit', () => {
    const out = downConvert(batch(0, ['p', 'q'], { logAppend: 1_800_000_000_000 }), 1, 0);
    assert.deepEqual(readLegacyMessages(out.records).map((m) => [m.timestamp, m.attributes & 0x08]), [[1_800_000_000_000, 8], [1_800_000_000_000, 8]]);
  });

  it('transaction markers (control batches) are dropped; zstd is UNSUPPORTED_COMPRESSION_TYPE', () => {
    const marker = encodeRecordBatch({ baseOffset: 1, isControl: true, isTransactional: true, producerId: 7, producerEpoch: 0, records: [{ offsetDelta: 0, timestamp: 1, key: Buffer.from([0, 0, 0, 1]), value: Buffer.from([0, 0, 0, 0, 0, 0]) }] });
    const out = downConvert(Buffer.concat([batch(0, ['before']), marker, batch(2, ['after'])]), 1, 0);
    assert.deepEqual(readBack(out.records).map(([o, , , v]) => [o, v]), [[0, 'before'], [2, 'after']]);
    assert.throws(() => downConvert(batch(0, ['z'], { compression: CompressionType.Zstd }), 1, 0), (e: unknown) => e instanceof KafkaError && e.errorName === 'UNSUPPORTED_COMPRESSION_TYPE');
  });
});
