/**
 * The fixed 61-byte header of a RecordBatch v2 (Kafka's DefaultRecordBatch), read and patched in place.
 * Offsets and timestamps are JS numbers: int64 on the wire, but exact up to 2^53, far beyond any real log.
 */

export const BASE_OFFSET_OFFSET = 0;
export const BATCH_LENGTH_OFFSET = 8;
export const PARTITION_LEADER_EPOCH_OFFSET = 12;
export const MAGIC_OFFSET = 16;
export const CRC_OFFSET = 17;
export const ATTRIBUTES_OFFSET = 21;
export const LAST_OFFSET_DELTA_OFFSET = 23;
export const BASE_TIMESTAMP_OFFSET = 27;
export const MAX_TIMESTAMP_OFFSET = 35;
export const PRODUCER_ID_OFFSET = 43;
export const PRODUCER_EPOCH_OFFSET = 51;
export const BASE_SEQUENCE_OFFSET = 53;
export const RECORDS_COUNT_OFFSET = 57;
export const RECORD_BATCH_OVERHEAD = 61;
/** baseOffset + batchLength: the part of a batch not counted in batchLength. */
export const LOG_OVERHEAD = 12;

export const COMPRESSION_CODEC_MASK = 0x07;
export const TIMESTAMP_TYPE_MASK = 0x08;
export const TRANSACTIONAL_FLAG_MASK = 0x10;
export const CONTROL_FLAG_MASK = 0x20;
export const DELETE_HORIZON_FLAG_MASK = 0x40;

/** The only batch format this broker reads and writes (RecordBatch v2, Kafka 0.11+). */
export const MAGIC_VALUE_V2 = 2;

export const NO_PRODUCER_ID = -1;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
export const NO_PARTITION_LEADER_EPOCH = -1;
export const NO_TIMESTAMP = -1;

export interface BatchHeader {
  baseOffset: number;
  /** Bytes after the batchLength field; the whole batch is batchLength + LOG_OVERHEAD. */
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

// Plain byte arithmetic rather than Buffer's readInt32BE & co.: those validate their offset argument through a wrapped
// function on every call, and a batch header is read on every append. Callers check the length first
// (readBatchHeader does), since an index past the end reads as undefined here rather than throwing.
function i32(b: Uint8Array, p: number): number {
  return (b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3];
}
function u32(b: Uint8Array, p: number): number {
  return ((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0;
}
function i16(b: Uint8Array, p: number): number {
  return ((b[p] << 24) | (b[p + 1] << 16)) >> 16;
}

export function readInt64(buf: Uint8Array, pos: number): number {
  if (pos < 0 || pos + 8 > buf.length) throw new RangeError(`int64 at ${pos} is outside the buffer of ${buf.length} bytes`);
  return i32(buf, pos) * 4294967296 + u32(buf, pos + 4);
}

export function writeInt32(buf: Uint8Array, pos: number, value: number): void {
  if (pos < 0 || pos + 4 > buf.length) throw new RangeError(`int32 at ${pos} is outside the buffer of ${buf.length} bytes`);
  buf[pos] = value >>> 24;
  buf[pos + 1] = value >>> 16;
  buf[pos + 2] = value >>> 8;
  buf[pos + 3] = value;
}

export function writeInt64(buf: Uint8Array, pos: number, value: number): void {
  const hi = Math.floor(value / 4294967296);
  writeInt32(buf, pos, hi);
  writeInt32(buf, pos + 4, value - hi * 4294967296);
}

export function readBatchHeader(buf: Uint8Array, pos = 0): BatchHeader {
  if (pos < 0 || pos + RECORD_BATCH_OVERHEAD > buf.length) {
    throw new RangeError(`a record batch header at ${pos} needs ${RECORD_BATCH_OVERHEAD} bytes; the buffer has ${buf.length}`);
  }
  return {
    baseOffset: i32(buf, pos) * 4294967296 + u32(buf, pos + 4),
    batchLength: i32(buf, pos + BATCH_LENGTH_OFFSET),
    partitionLeaderEpoch: i32(buf, pos + PARTITION_LEADER_EPOCH_OFFSET),
    magic: (buf[pos + MAGIC_OFFSET] << 24) >> 24,
    crc: u32(buf, pos + CRC_OFFSET),
    attributes: i16(buf, pos + ATTRIBUTES_OFFSET),
    lastOffsetDelta: i32(buf, pos + LAST_OFFSET_DELTA_OFFSET),
    baseTimestamp: i32(buf, pos + BASE_TIMESTAMP_OFFSET) * 4294967296 + u32(buf, pos + BASE_TIMESTAMP_OFFSET + 4),
    maxTimestamp: i32(buf, pos + MAX_TIMESTAMP_OFFSET) * 4294967296 + u32(buf, pos + MAX_TIMESTAMP_OFFSET + 4),
    producerId: i32(buf, pos + PRODUCER_ID_OFFSET) * 4294967296 + u32(buf, pos + PRODUCER_ID_OFFSET + 4),
    producerEpoch: i16(buf, pos + PRODUCER_EPOCH_OFFSET),
    baseSequence: i32(buf, pos + BASE_SEQUENCE_OFFSET),
    recordCount: i32(buf, pos + RECORDS_COUNT_OFFSET),
  };
}

export function lastOffsetOf(h: BatchHeader): number {
  return h.baseOffset + h.lastOffsetDelta;
}
export function nextOffsetOf(h: BatchHeader): number {
  return h.baseOffset + h.lastOffsetDelta + 1;
}
export function batchSizeOf(h: BatchHeader): number {
  return h.batchLength + LOG_OVERHEAD;
}
export function compressionOf(attributes: number): number {
  return attributes & COMPRESSION_CODEC_MASK;
}
export function isTransactional(attributes: number): boolean {
  return (attributes & TRANSACTIONAL_FLAG_MASK) !== 0;
}
export function isControl(attributes: number): boolean {
  return (attributes & CONTROL_FLAG_MASK) !== 0;
}
export function isLogAppendTime(attributes: number): boolean {
  return (attributes & TIMESTAMP_TYPE_MASK) !== 0;
}
