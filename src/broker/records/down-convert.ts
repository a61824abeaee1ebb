/**
 * Down-conversion for Fetch v0-3 (Kafka 3.9's RecordsUtil.downConvert / LazyDownConversionRecords): clients older
 * than Kafka 0.11 read message format v0 (Fetch v0-1) or v1 (Fetch v2-3), never RecordBatch v2. Each batch becomes
 * legacy messages: control batches (transaction markers) are dropped, headers are lost, a compressed batch becomes
 * one wrapper message of its codec around its messages (zstd cannot be: UNSUPPORTED_COMPRESSION_TYPE, as Kafka), and
 * an uncompressed batch loses the records before the fetch offset. Magic 0 has no timestamps; magic 1 keeps each
 * record's, or the batch's log append time with the timestamp-type bit.
 */
import * as zlib from 'node:zlib';
import { KafkaError } from '../errors';
import { compress, CompressionType } from './compression';
import { lz4FrameCompress } from './lz4-frame';
import { readBatchHeader, batchSizeOf, COMPRESSION_CODEC_MASK, TIMESTAMP_TYPE_MASK, CONTROL_FLAG_MASK, RECORD_BATCH_OVERHEAD } from './batch-header';
import { decodeRecords } from './record-batch';

type LegacyMagic = 0 | 1;

interface LegacyMessageInput {
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  /** Codec and timestamp-type bits. */
  attributes: number;
}

/** One legacy message: offset, size, then CRC-32 over magic, attributes, (timestamp), key and value. */
function encodeMessage(magic: LegacyMagic, m: LegacyMessageInput): Buffer {
  const keyLen = m.key ? m.key.length : 0;
  const valueLen = m.value ? m.value.length : 0;
  const bodyLen = 1 + 1 + (magic === 1 ? 8 : 0) + 4 + keyLen + 4 + valueLen;
  const out = Buffer.allocUnsafe(12 + 4 + bodyLen);
  out.writeBigInt64BE(BigInt(m.offset), 0);
  out.writeInt32BE(4 + bodyLen, 8);
  let p = 16;
  out[p++] = magic;
  out[p++] = m.attributes;
  if (magic === 1) {
    out.writeBigInt64BE(BigInt(m.timestamp), p);
    p += 8;
  }
  for (const b of [m.key, m.value]) {
    out.writeInt32BE(b ? b.length : -1, p);
    p += 4;
    if (b) {
      b.copy(out, p);
      p += b.length;
    }
  }
  out.writeUInt32BE(zlib.crc32(out.subarray(16)), 12);
  return out;
}

/**
 * The wrapper's compressed payload. Kafka's lz4 writer for magic 0 computes the frame header checksum over the magic
 * number too (KafkaLZ4BlockOutputStream's broken descriptor checksum), which is what magic-0 readers expect.
 */
function compressLegacy(codec: CompressionType, magic: LegacyMagic, data: Buffer): Buffer {
  return codec === CompressionType.Lz4 ? lz4FrameCompress(data, { brokenHeaderChecksum: magic === 0 }) : compress(codec, data);
}

interface DownConverted {
  records: Buffer;
  /** Records rewritten (the cost the broker logs). */
  converted: number;
}

/** The batches of `records` (RecordBatch v2, as stored) in message format `magic`, for a fetch from `fetchOffset`. */
export function downConvert(records: Buffer, magic: LegacyMagic, fetchOffset: number): DownConverted {
  const parts: Buffer[] = [];
  let converted = 0;
  let pos = 0;
  while (pos + RECORD_BATCH_OVERHEAD <= records.length) {
    const h = readBatchHeader(records, pos);
    const size = batchSizeOf(h);
    // A batch cut short by the fetch size is sent as far as it goes by old brokers too: the client ignores a partial
    // message at the end. Here it is left out; the next fetch starts at it.
    if (pos + size > records.length) break;
    const batch = records.subarray(pos, pos + size);
    pos += size;
    if (h.attributes & CONTROL_FLAG_MASK) continue;
    const codec = (h.attributes & COMPRESSION_CODEC_MASK) as CompressionType;
    if (codec === CompressionType.Zstd) throw new KafkaError('UNSUPPORTED_COMPRESSION_TYPE', 'Down-conversion of zstandard-compressed batches is not supported');
    const logAppendTime = (h.attributes & TIMESTAMP_TYPE_MASK) !== 0;
    const tsBit = magic === 1 && logAppendTime ? TIMESTAMP_TYPE_MASK : 0;
    const recs = decodeRecords(batch).filter((r) => codec !== CompressionType.None || r.offset >= fetchOffset);
    if (recs.length === 0) continue;
    converted += recs.length;
    const timestampOf = (t: number) => (magic === 0 ? -1 : logAppendTime ? h.maxTimestamp : t);
    if (codec === CompressionType.None) {
      for (const r of recs) parts.push(encodeMessage(magic, { offset: r.offset, timestamp: timestampOf(r.timestamp), key: r.key, value: r.value, attributes: tsBit }));
      continue;
    }
    // One wrapper message: magic 1 numbers its inner messages from 0 (relative offsets) and carries the last one's
    // absolute offset itself; magic 0 gives every inner message its absolute offset.
    const first = recs[0].offset;
    const inner = Buffer.concat(recs.map((r) => encodeMessage(magic, { offset: magic === 1 ? r.offset - first : r.offset, timestamp: timestampOf(r.timestamp), key: r.key, value: r.value, attributes: 0 })));
    const last = recs[recs.length - 1].offset;
    const maxTs = magic === 0 ? -1 : logAppendTime ? h.maxTimestamp : Math.max(...recs.map((r) => r.timestamp));
    parts.push(encodeMessage(magic, { offset: last, timestamp: maxTs, key: null, value: compressLegacy(codec, magic, inner), attributes: codec | tsBit }));
  }
  return { records: Buffer.concat(parts), converted };
}
