/**
 * RecordBatch v2 (Kafka's DefaultRecordBatch): encode a whole batch, decode its records, verify and patch it in place.
 *
 * Layout (batch-header.ts has the offsets): a 61-byte header, then the records, compressed as one blob when the
 * attributes say so. The CRC-32C covers attributes..end, so the broker may restamp baseOffset and
 * partitionLeaderEpoch (before the CRC) without recomputing it, but not the timestamp type or maxTimestamp.
 */
import {
  ATTRIBUTES_OFFSET,
  BASE_OFFSET_OFFSET,
  BASE_SEQUENCE_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  BATCH_LENGTH_OFFSET,
  COMPRESSION_CODEC_MASK,
  CONTROL_FLAG_MASK,
  CRC_OFFSET,
  DELETE_HORIZON_FLAG_MASK,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAGIC_VALUE_V2,
  MAX_TIMESTAMP_OFFSET,
  NO_PARTITION_LEADER_EPOCH,
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  NO_SEQUENCE,
  NO_TIMESTAMP,
  PARTITION_LEADER_EPOCH_OFFSET,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
  RECORDS_COUNT_OFFSET,
  RECORD_BATCH_OVERHEAD,
  TIMESTAMP_TYPE_MASK,
  TRANSACTIONAL_FLAG_MASK,
  readInt64,
  writeInt64,
} from './batch-header';
import { CompressionType, compress, compressionName, decompress } from './compression';
import { crc32c } from './crc32c';
import { CompressionError, CorruptRecordError } from './errors';
import { Record, RecordHeader, RecordInput, readRecord, sizeOfRecordBody, writeRecord } from './record';
import { Cursor } from './varint';

export const CURRENT_MAGIC = MAGIC_VALUE_V2;

export type TimestampType = 'create' | 'logAppend';

export interface EncodeBatchInput {
  baseOffset?: number;
  partitionLeaderEpoch?: number;
  compression?: CompressionType;
  timestampType?: TimestampType;
  isTransactional?: boolean;
  isControl?: boolean;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  /** Defaults to the first record's timestamp (Kafka's choice); ignored when deleteHorizonMs is set. */
  baseTimestamp?: number;
  /** Defaults to the largest record timestamp. */
  maxTimestamp?: number;
  /** Sets attribute bit 6 and stores the horizon in baseTimestamp, as the log cleaner does. */
  deleteHorizonMs?: number;
  /** Defaults to the last record's offsetDelta; compaction keeps a batch's original value when it drops records. */
  lastOffsetDelta?: number;
  records: RecordInput[];
}

const EMPTY: RecordHeader[] = [];

/** Builds a complete batch, CRC included. Records without a timestamp get the time of the call. */
export function encodeRecordBatch(input: EncodeBatchInput): Buffer {
  const records = input.records;
  const n = records.length;
  const compression = input.compression ?? CompressionType.None;
  let now = NO_TIMESTAMP;
  const timestamps = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let ts = records[i].timestamp;
    if (ts === undefined) {
      if (now === NO_TIMESTAMP) now = Date.now();
      ts = now;
    }
    timestamps[i] = ts;
  }
  const baseTimestamp = input.deleteHorizonMs ?? input.baseTimestamp ?? (n > 0 ? timestamps[0] : NO_TIMESTAMP);
  let maxTimestamp = input.maxTimestamp;
  if (maxTimestamp === undefined) {
    maxTimestamp = NO_TIMESTAMP;
    for (const ts of timestamps) if (ts > maxTimestamp) maxTimestamp = ts;
  }

  // Size every record first so the records are written once, into a buffer of the right size.
  const bodySizes = new Array<number>(n);
  let recordsSize = 0;
  let lastOffsetDelta = 0;
  for (let i = 0; i < n; i++) {
    const r = records[i];
    const offsetDelta = r.offsetDelta ?? i;
    lastOffsetDelta = offsetDelta;
    const body = sizeOfRecordBody(offsetDelta, timestamps[i] - baseTimestamp, r.key ?? null, r.value ?? null, r.headers ?? EMPTY);
    bodySizes[i] = body;
    recordsSize += sizeOfVarintFast(body) + body;
  }
  if (input.lastOffsetDelta !== undefined) lastOffsetDelta = input.lastOffsetDelta;

  const writeRecords = (buf: Buffer, pos: number): number => {
    for (let i = 0; i < n; i++) {
      const r = records[i];
      pos = writeRecord(buf, pos, bodySizes[i], r.offsetDelta ?? i, timestamps[i] - baseTimestamp, r.key ?? null, r.value ?? null, r.headers ?? EMPTY);
    }
    return pos;
  };

  let batch: Buffer;
  if (compression === CompressionType.None) {
    batch = Buffer.allocUnsafe(RECORD_BATCH_OVERHEAD + recordsSize);
    writeRecords(batch, RECORD_BATCH_OVERHEAD);
  } else {
    const plain = Buffer.allocUnsafe(recordsSize);
    writeRecords(plain, 0);
    const packed = compress(compression, plain);
    batch = Buffer.allocUnsafe(RECORD_BATCH_OVERHEAD + packed.length);
    packed.copy(batch, RECORD_BATCH_OVERHEAD);
  }

  let attributes = compression & COMPRESSION_CODEC_MASK;
  if (input.timestampType === 'logAppend') attributes |= TIMESTAMP_TYPE_MASK;
  if (input.isTransactional) attributes |= TRANSACTIONAL_FLAG_MASK;
  if (input.isControl) attributes |= CONTROL_FLAG_MASK;
  if (input.deleteHorizonMs !== undefined) attributes |= DELETE_HORIZON_FLAG_MASK;

  writeInt64(batch, BASE_OFFSET_OFFSET, input.baseOffset ?? 0);
  batch.writeInt32BE(batch.length - LOG_OVERHEAD, BATCH_LENGTH_OFFSET);
  batch.writeInt32BE(input.partitionLeaderEpoch ?? NO_PARTITION_LEADER_EPOCH, PARTITION_LEADER_EPOCH_OFFSET);
  batch.writeInt8(CURRENT_MAGIC, MAGIC_OFFSET);
  batch.writeInt16BE(attributes, ATTRIBUTES_OFFSET);
  batch.writeInt32BE(lastOffsetDelta, LAST_OFFSET_DELTA_OFFSET);
  writeInt64(batch, BASE_TIMESTAMP_OFFSET, baseTimestamp);
  writeInt64(batch, MAX_TIMESTAMP_OFFSET, maxTimestamp);
  writeInt64(batch, PRODUCER_ID_OFFSET, input.producerId ?? NO_PRODUCER_ID);
  batch.writeInt16BE(input.producerEpoch ?? NO_PRODUCER_EPOCH, PRODUCER_EPOCH_OFFSET);
  batch.writeInt32BE(input.baseSequence ?? NO_SEQUENCE, BASE_SEQUENCE_OFFSET);
  batch.writeInt32BE(n, RECORDS_COUNT_OFFSET);
  batch.writeUInt32BE(crc32c(batch, ATTRIBUTES_OFFSET, batch.length), CRC_OFFSET);
  return batch;
}

function sizeOfVarintFast(v: number): number {
  // Record body sizes are positive int32s; zigzag doubles them.
  const z = v * 2;
  return z < 0x80 ? 1 : z < 0x4000 ? 2 : z < 0x200000 ? 3 : z < 0x10000000 ? 4 : 5;
}

/**
 * Checks what can be checked without the CRC: magic, a length that fits the buffer and covers the header.
 * Returns the batch's total size.
 */
function checkFrame(batch: Buffer, pos: number): number {
  if (batch.length - pos < RECORD_BATCH_OVERHEAD) {
    throw new CorruptRecordError(`Record batch is corrupt (the size ${batch.length - pos} is smaller than the minimum allowed overhead ${RECORD_BATCH_OVERHEAD})`);
  }
  const magic = batch.readInt8(pos + MAGIC_OFFSET);
  if (magic !== CURRENT_MAGIC) throw new CorruptRecordError(`Invalid magic found in record batch: ${magic} (only magic 2 is supported)`);
  const size = batch.readInt32BE(pos + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
  if (size < RECORD_BATCH_OVERHEAD) {
    throw new CorruptRecordError(`Record batch is corrupt (the size ${size} is smaller than the minimum allowed overhead ${RECORD_BATCH_OVERHEAD})`);
  }
  if (pos + size > batch.length) {
    throw new CorruptRecordError(`Record batch is truncated: its length says ${size} bytes, only ${batch.length - pos} are present`);
  }
  return size;
}

/** The CRC the batch at pos should carry. */
export function computeBatchCrc(batch: Buffer, pos = 0): number {
  const size = checkFrame(batch, pos);
  return crc32c(batch, pos + ATTRIBUTES_OFFSET, pos + size);
}

/** True when the batch at pos is complete and its stored CRC matches its bytes. */
export function verifyBatchCrc(batch: Buffer, pos = 0): boolean {
  let size: number;
  try {
    size = checkFrame(batch, pos);
  } catch {
    return false;
  }
  return crc32c(batch, pos + ATTRIBUTES_OFFSET, pos + size) === batch.readUInt32BE(pos + CRC_OFFSET);
}

/** Throws CorruptRecordError with Kafka's wording when the batch at pos fails its CRC. */
export function ensureBatchValid(batch: Buffer, pos = 0): void {
  const size = checkFrame(batch, pos);
  const stored = batch.readUInt32BE(pos + CRC_OFFSET);
  const computed = crc32c(batch, pos + ATTRIBUTES_OFFSET, pos + size);
  if (stored !== computed) throw new CorruptRecordError(`Record is corrupt (stored crc = ${stored}, computed crc = ${computed})`);
}

/**
 * Decodes every record of the batch at pos, decompressing as needed. Does not check the CRC (see verifyBatchCrc):
 * callers on the produce path check it once, callers reading their own log need not.
 * Throws CorruptRecordError for anything malformed, including records that overrun or underrun the batch.
 */
export function decodeRecords(batch: Buffer, pos = 0): Record[] {
  const size = checkFrame(batch, pos);
  const attributes = batch.readInt16BE(pos + ATTRIBUTES_OFFSET);
  const count = batch.readInt32BE(pos + RECORDS_COUNT_OFFSET);
  if (count < 0) throw new CorruptRecordError(`Found invalid record count ${count} in magic v2 batch`);
  const baseOffset = readInt64(batch, pos + BASE_OFFSET_OFFSET);
  const baseTimestamp = readInt64(batch, pos + BASE_TIMESTAMP_OFFSET);
  const logAppendTime = attributes & TIMESTAMP_TYPE_MASK ? readInt64(batch, pos + MAX_TIMESTAMP_OFFSET) : null;
  const codec = attributes & COMPRESSION_CODEC_MASK;

  let body = batch.subarray(pos + RECORD_BATCH_OVERHEAD, pos + size);
  if (codec !== CompressionType.None) {
    if (codec > CompressionType.Zstd) throw new CorruptRecordError(`Unknown compression codec ${codec} in record batch attributes`);
    try {
      body = decompress(codec as CompressionType, body);
    } catch (e) {
      if (e instanceof CompressionError) {
        throw new CorruptRecordError(`Failed to decompress ${compressionName(codec)} record batch: ${e.message}`, { cause: e });
      }
      throw e;
    }
  }
  // Every record takes at least 7 bytes, so a count beyond that is rejected before anything is allocated for it.
  if (count > body.length / 7) {
    throw new CorruptRecordError(`Record count ${count} cannot fit in ${body.length} bytes of records`);
  }
  const records = new Array<Record>(count);
  const cur: Cursor = { pos: 0 };
  for (let i = 0; i < count; i++) {
    if (cur.pos >= body.length) {
      throw new CorruptRecordError(`Batch declares ${count} records but its data ends after ${i}`);
    }
    records[i] = readRecord(body, cur, baseOffset, baseTimestamp, logAppendTime);
  }
  if (cur.pos !== body.length) {
    throw new CorruptRecordError(`Incorrect declared batch size, ${body.length - cur.pos} bytes remain after the last of ${count} records`);
  }
  return records;
}

/** Restamps baseOffset (outside the CRC, so the CRC stays valid). */
export function setBaseOffset(batch: Buffer, baseOffset: number, pos = 0): void {
  writeInt64(batch, pos + BASE_OFFSET_OFFSET, baseOffset);
}

/** Restamps partitionLeaderEpoch (outside the CRC, so the CRC stays valid). */
export function setPartitionLeaderEpoch(batch: Buffer, epoch: number, pos = 0): void {
  batch.writeInt32BE(epoch, pos + PARTITION_LEADER_EPOCH_OFFSET);
}

/**
 * Sets the timestamp-type bit and maxTimestamp, as the broker does for LogAppendTime topics, and rewrites the CRC.
 * Like Kafka, leaves the batch untouched (CRC not recomputed) when both already have the requested values.
 */
export function setMaxTimestampAndType(batch: Buffer, timestampType: TimestampType, maxTimestamp: number, pos = 0): void {
  const size = checkFrame(batch, pos);
  const attributes = batch.readInt16BE(pos + ATTRIBUTES_OFFSET);
  const newAttributes = timestampType === 'logAppend' ? attributes | TIMESTAMP_TYPE_MASK : attributes & ~TIMESTAMP_TYPE_MASK;
  if (newAttributes === attributes && readInt64(batch, pos + MAX_TIMESTAMP_OFFSET) === maxTimestamp) return;
  batch.writeInt16BE(newAttributes, pos + ATTRIBUTES_OFFSET);
  writeInt64(batch, pos + MAX_TIMESTAMP_OFFSET, maxTimestamp);
  batch.writeUInt32BE(crc32c(batch, pos + ATTRIBUTES_OFFSET, pos + size), pos + CRC_OFFSET);
}

/** Kafka's sequence arithmetic: sequences wrap from Integer.MAX_VALUE to 0. */
export function incrementSequence(sequence: number, increment: number): number {
  if (sequence > 0x7fffffff - increment) return increment - (0x7fffffff - sequence) - 1;
  return sequence + increment;
}

/** The sequence of the batch's last record, or NO_SEQUENCE for a batch without one. */
export function lastSequenceOf(baseSequence: number, lastOffsetDelta: number): number {
  return baseSequence === NO_SEQUENCE ? NO_SEQUENCE : incrementSequence(baseSequence, lastOffsetDelta);
}
