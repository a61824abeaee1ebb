/**
 * Checks a client's records before the leader appends them and assigns their offsets (Kafka's LogValidator and
 * UnifiedLog.analyzeAndValidateRecords): framing, magic, CRC, sizes, timestamps and, for compacted topics, keys.
 * Offsets are written into the caller's buffer in place: the batch CRC does not cover baseOffset or the epoch.
 */
import {
  BatchHeader,
  LOG_OVERHEAD,
  RECORD_BATCH_OVERHEAD,
  ATTRIBUTES_OFFSET,
  CRC_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  TIMESTAMP_TYPE_MASK,
  PARTITION_LEADER_EPOCH_OFFSET,
  readBatchHeader,
  writeInt64,
  writeInt32,
  isControl,
  compressionOf,
} from '../records/batch-header';
import { crc32c, nativeCheckBatch } from '../records/crc32c';
import { decodeRecords, encodeRecordBatch } from '../records/record-batch';
import { CompressionType, compressionName, compressionTypeFromName, decompress } from '../records/compression';
import { KafkaError, RecordValidationError, type RecordError } from '../errors';
import { LogConfig } from '../config/topic-config';
import { BatchPosition } from './log-segment';

interface ValidatedRecords {
  /** The records to write: the caller's buffer, or a recompressed copy under a topic's compression.type. */
  records: Buffer;
  batches: BatchPosition[];
  firstOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  offsetOfMaxTimestamp: number;
  numMessages: number;
  /** The broker's time stamped on the batches under LogAppendTime, else -1. */
  logAppendTime: number;
}

/**
 * Walks the batches in `records`, rejecting anything malformed; no offsets are assigned. With `clientPartition`
 * (an append from a client, named for messages) each batch also gets checkClientBatch's checks.
 */
export function analyzeBatches(records: Buffer, maxMessageBytes: number, clientPartition?: string): BatchPosition[] {
  const batches: BatchPosition[] = [];
  let pos = 0;
  while (pos < records.length) {
    if (records.length - pos < RECORD_BATCH_OVERHEAD) {
      throw new KafkaError('CORRUPT_MESSAGE', `${records.length - pos} trailing bytes are too short for a record batch`);
    }
    const h = readBatchHeader(records, pos);
    const size = h.batchLength + LOG_OVERHEAD;
    if (h.magic !== 2) {
      throw new KafkaError('UNSUPPORTED_FOR_MESSAGE_FORMAT', `record batch magic ${h.magic} is not supported; Tributary stores only magic 2 (Kafka 0.11+ clients)`);
    }
    if (h.batchLength < RECORD_BATCH_OVERHEAD - LOG_OVERHEAD || pos + size > records.length) {
      throw new KafkaError('CORRUPT_MESSAGE', `record batch at byte ${pos} claims ${size} bytes but ${records.length - pos} remain`);
    }
    if (size > maxMessageBytes) {
      throw new KafkaError('MESSAGE_TOO_LARGE', `the record batch is ${size} bytes, larger than max.message.bytes ${maxMessageBytes}`);
    }
    // A client's uncompressed records are walked by their length prefixes; where the addon is built, in the same
    // call as the CRC (this runs on every produced batch).
    const walk = clientPartition !== undefined && compressionOf(h.attributes) === 0;
    let crc: number;
    let count = -1;
    if (nativeCheckBatch) {
      const packed = nativeCheckBatch(records, pos + ATTRIBUTES_OFFSET, pos + size, walk ? pos + RECORD_BATCH_OVERHEAD : -1);
      crc = packed >>> 0;
      count = Math.floor(packed / 4294967296) - 1;
    } else {
      crc = crc32c(records, pos + ATTRIBUTES_OFFSET, pos + size);
    }
    if (crc !== h.crc) {
      throw new KafkaError('CORRUPT_MESSAGE', `record batch at byte ${pos} fails its CRC-32C check`);
    }
    // The dense-offsets rule for client batches is checkClientBatch's; a leader's (compacted) batch may have gaps.
    if (h.recordCount < 0 || h.lastOffsetDelta < 0) {
      throw new KafkaError('INVALID_RECORD', `record batch has ${h.recordCount} records and lastOffsetDelta ${h.lastOffsetDelta}`);
    }
    const b = { position: pos, header: h };
    if (clientPartition !== undefined) checkClientBatch(records, b, clientPartition, walk && nativeCheckBatch ? count : undefined);
    batches.push(b);
    pos += size;
  }
  if (batches.length === 0) throw new KafkaError('INVALID_RECORD', 'the produce request carried no record batch');
  return batches;
}

/**
 * Validates the records of a leader append and assigns offsets from `nextOffset` and the leader epoch,
 * in place. Under LogAppendTime the batch's max timestamp becomes `now` and the CRC is recomputed.
 */
export function validateAndAssignOffsets(
  records: Buffer,
  nextOffset: number,
  leaderEpoch: number,
  config: LogConfig,
  now: number,
  fromClient: boolean,
  /** "topic-partition", for messages. */
  partition = '',
): ValidatedRecords {
  let batches = analyzeBatches(records, config.maxMessageBytes, fromClient ? partition : undefined);
  const target = targetCompression(config.compressionType);
  if (target !== undefined && needsRecompression(batches, target)) {
    records = recompress(records, batches, target);
    batches = analyzeBatches(records, Number.MAX_SAFE_INTEGER);
  }
  if (fromClient && batches.length > 1) {
    throw new KafkaError('INVALID_RECORD', 'Produce requests with version 3 and above may carry exactly one record batch per partition');
  }
  const logAppend = config.messageTimestampType === 'LogAppendTime';
  const checkRecords = config.cleanupPolicy.compact || (!logAppend && (config.messageTimestampBeforeMaxMs < Number.MAX_SAFE_INTEGER || config.messageTimestampAfterMaxMs < Number.MAX_SAFE_INTEGER));
  let offset = nextOffset;
  let maxTimestamp = -1;
  let offsetOfMaxTimestamp = -1;
  let numMessages = 0;
  for (const b of batches) {
    const h: BatchHeader = b.header;
    // A producer may not claim LogAppendTime on a CreateTime topic; that, too, is a per-record error in Kafka.
    const claimsLogAppendTime = !logAppend && (h.attributes & TIMESTAMP_TYPE_MASK) !== 0;
    if ((checkRecords || claimsLogAppendTime) && !isControl(h.attributes)) {
      checkRecordsOf(records.subarray(b.position, b.position + h.batchLength + LOG_OVERHEAD), config, now, offset, partition);
    }
    writeInt64(records, b.position, offset);
    writeInt32(records, b.position + PARTITION_LEADER_EPOCH_OFFSET, leaderEpoch);
    h.baseOffset = offset;
    h.partitionLeaderEpoch = leaderEpoch;
    if (logAppend) {
      writeInt64(records, b.position + MAX_TIMESTAMP_OFFSET, now);
      const attrs = h.attributes | TIMESTAMP_TYPE_MASK;
      records.writeInt16BE(attrs, b.position + ATTRIBUTES_OFFSET);
      const end = b.position + h.batchLength + LOG_OVERHEAD;
      records.writeUInt32BE(crc32c(records, b.position + ATTRIBUTES_OFFSET, end), b.position + CRC_OFFSET);
      h.maxTimestamp = now;
      h.attributes = attrs;
    }
    const last = offset + h.lastOffsetDelta;
    if (h.maxTimestamp > maxTimestamp) {
      maxTimestamp = h.maxTimestamp;
      offsetOfMaxTimestamp = last;
    }
    numMessages += h.recordCount;
    offset = last + 1;
  }
  return {
    records,
    batches,
    firstOffset: nextOffset,
    lastOffset: offset - 1,
    maxTimestamp,
    offsetOfMaxTimestamp,
    numMessages,
    logAppendTime: logAppend ? now : -1,
  };
}

function needsRecompression(batches: readonly BatchPosition[], target: CompressionType): boolean {
  for (const b of batches) if (!isControl(b.header.attributes) && compressionOf(b.header.attributes) !== target) return true;
  return false;
}

/** The codec a topic's compression.type forces, or undefined for "producer" (keep what the producer sent). */
function targetCompression(name: string): CompressionType | undefined {
  if (name === 'producer') return undefined;
  return name === 'uncompressed' ? CompressionType.None : compressionTypeFromName(name);
}

/** Rewrites every data batch with `target` compression, keeping producer and transaction fields (as Kafka's LogValidator). */
function recompress(records: Buffer, batches: BatchPosition[], target: CompressionType): Buffer {
  const out: Buffer[] = [];
  for (const b of batches) {
    const h = b.header;
    const batch = records.subarray(b.position, b.position + h.batchLength + LOG_OVERHEAD);
    if (isControl(h.attributes) || compressionOf(h.attributes) === target) {
      out.push(batch);
      continue;
    }
    let decoded;
    try {
      decoded = decodeRecords(batch);
    } catch (e) {
      throw new KafkaError('CORRUPT_MESSAGE', `record batch cannot be read for recompression: ${(e as Error).message}`);
    }
    out.push(
      encodeRecordBatch({
        compression: target,
        isTransactional: (h.attributes & 0x10) !== 0,
        producerId: h.producerId,
        producerEpoch: h.producerEpoch,
        baseSequence: h.baseSequence,
        baseTimestamp: h.baseTimestamp,
        maxTimestamp: h.maxTimestamp,
        lastOffsetDelta: h.lastOffsetDelta,
        records: decoded.map((r) => ({ key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp, offsetDelta: r.offsetDelta })),
      }),
    );
  }
  return Buffer.concat(out);
}

/**
 * What Kafka's LogValidator refuses in a batch a client sent (beyond framing and CRC): an empty or inconsistent offset
 * range (a zero-record batch claiming lastOffsetDelta 2^31-1 would move the log end by 2^31), control records
 * (transaction markers are the coordinator's), a producer id without a sequence, an unknown codec, and records that
 * do not fill the batch exactly. Records are walked by their length prefixes only, compressed ones after
 * decompression (as Kafka does); uncompressed ones without allocating.
 */
function checkClientBatch(records: Buffer, b: BatchPosition, partition: string, walkedCount: number | undefined): void {
  const h = b.header;
  if (h.recordCount <= 0) throw invalidRecord(`Invalid reported count for record batch: ${h.recordCount}`, partition);
  if (h.lastOffsetDelta + 1 !== h.recordCount) throw invalidRecord(`Inconsistent batch offset range [${h.baseOffset}, ${h.baseOffset + h.lastOffsetDelta}] and count of records ${h.recordCount}`, partition);
  if (isControl(h.attributes)) throw invalidRecord('Clients are not allowed to write control records', partition);
  if (h.producerId >= 0 && h.baseSequence < 0) throw invalidRecord(`Invalid sequence number ${h.baseSequence} in record batch with producerId ${h.producerId}`, partition);
  const codec = compressionOf(h.attributes);
  if (codec > 4) throw new KafkaError('CORRUPT_MESSAGE', `Unknown compression type id: ${codec}`);
  const start = b.position + RECORD_BATCH_OVERHEAD;
  const end = b.position + h.batchLength + LOG_OVERHEAD;
  let n: number | string;
  if (codec !== 0) {
    // Kafka's LogValidator decompresses a client's compressed batch and reads every record; a batch whose codec
    // data or records are broken is refused here rather than stored for every consumer to trip over.
    let body: Buffer;
    try {
      body = decompress(codec as CompressionType, records.subarray(start, end));
    } catch (e) {
      throw new KafkaError('CORRUPT_MESSAGE', `record batch at offset ${h.baseOffset} cannot be decompressed (${compressionName(codec)}): ${(e as Error).message}`);
    }
    n = countRecords(body, 0, body.length);
  } else {
    // The addon counted them already; its -1 (malformed) is walked again here for the message.
    n = walkedCount !== undefined && walkedCount >= 0 ? walkedCount : countRecords(records, start, end);
  }
  if (typeof n === 'string') throw new KafkaError('CORRUPT_MESSAGE', `record batch at offset ${h.baseOffset} has malformed records: ${n}`);
  if (n !== h.recordCount) throw invalidRecord(`Record batch claims ${h.recordCount} records but holds ${n}`, partition);
}

/**
 * Counts an uncompressed batch's records in buf[pos, end) by their length prefixes (zigzag varints), without
 * decoding them; a string says why they do not fill the range exactly. native/crc32c's count_records mirrors it.
 */
export function countRecords(buf: Uint8Array, pos: number, end: number): number | string {
  let n = 0;
  while (pos < end) {
    let raw = 0;
    let shift = 0;
    let byte = 0x80;
    while (byte & 0x80) {
      if (pos >= end || shift > 28) return `record ${n}'s length runs past the batch or is too long`;
      byte = buf[pos++];
      raw |= (byte & 0x7f) << shift;
      shift += 7;
    }
    const length = (raw >>> 1) ^ -(raw & 1);
    if (length <= 0 || pos + length > end) return `record ${n} claims ${length} bytes`;
    pos += length;
    n++;
  }
  return n;
}

function invalidRecord(m: string, partition: string): KafkaError {
  return new KafkaError('INVALID_RECORD', `${m} in topic partition ${partition}`);
}

function timestampOutOfRange(ts: number, config: LogConfig, now: number): boolean {
  return now - ts > config.messageTimestampBeforeMaxMs || ts - now > config.messageTimestampAfterMaxMs;
}

/**
 * Every record of a client's batch against the topic's rules (Kafka's LogValidator.validateRecord): a key on a
 * compacted topic, a timestamp within message.timestamp.before/after.max.ms, no LogAppendTime set by a producer on a
 * CreateTime topic. All offending records are named, by their index in the batch, and the batch is refused whole.
 */
function checkRecordsOf(batch: Buffer, config: LogConfig, now: number, baseOffset: number, partition: string): void {
  const attributes = batch.readInt16BE(ATTRIBUTES_OFFSET);
  const compressed = compressionOf(attributes) !== 0;
  let records;
  try {
    records = decodeRecords(batch);
  } catch (e) {
    throw new KafkaError('CORRUPT_MESSAGE', `record batch cannot be read${compressed ? ' (after decompression)' : ''}: ${(e as Error).message}`);
  }
  const errors: RecordError[] = [];
  let timestampError = false;
  const createTime = config.messageTimestampType === 'CreateTime';
  const producerLogAppendTime = (attributes & TIMESTAMP_TYPE_MASK) !== 0;
  records.forEach((r, batchIndex) => {
    if (config.cleanupPolicy.compact && r.key === null) {
      errors.push({ batchIndex, message: `Compacted topic cannot accept message without key in topic partition ${partition}` });
      return;
    }
    if (createTime && producerLogAppendTime) {
      timestampError = true;
      errors.push({ batchIndex, message: 'Invalid timestamp type in message. Producer should not set timestamp type to LogAppendTime.' });
    } else if (createTime && r.timestamp >= 0 && timestampOutOfRange(r.timestamp, config, now)) {
      timestampError = true;
      errors.push({
        batchIndex,
        message: `Timestamp ${r.timestamp} of message with offset ${baseOffset + r.offsetDelta} is out of range. The timestamp should be within [${now - config.messageTimestampBeforeMaxMs}, ${now + config.messageTimestampAfterMaxMs}]`,
      });
    }
  });
  if (errors.length === 0) return;
  // Kafka's processRecordErrors: any timestamp error makes the whole answer INVALID_TIMESTAMP.
  if (timestampError) throw new RecordValidationError('INVALID_TIMESTAMP', 'One or more records have been rejected due to invalid timestamp', errors);
  const shown = errors.slice(0, 3).map((e) => `RecordError(batchIndex=${e.batchIndex}, message='${e.message}')`).join(', ');
  throw new RecordValidationError('INVALID_RECORD', `One or more records have been rejected due to ${errors.length} record errors in total, and only showing the first three errors at most: [${shown}]`, errors);
}
