/**
 * How a batch is written back when the cleaner keeps only some of it (what Kafka's MemoryRecords.filterTo writes):
 * its offsets, producer fields, flags, codec and leader epoch stay, so consumers and idempotent producers see the
 * same batch boundaries and sequences as before.
 */
import { BatchHeader, COMPRESSION_CODEC_MASK, DELETE_HORIZON_FLAG_MASK, isControl, isLogAppendTime, isTransactional } from '../records/batch-header';
import { CompressionType } from '../records/compression';
import type { Record } from '../records/record';
import { encodeRecordBatch } from '../records/record-batch';

/** The delete horizon (KIP-534) a previous clean stamped on the batch, if any. */
export function deleteHorizonOf(h: BatchHeader): number | undefined {
  return (h.attributes & DELETE_HORIZON_FLAG_MASK) !== 0 ? h.baseTimestamp : undefined;
}

/** The retained records of `h` as a new batch with the same offsets, producer fields, flags, codec and epoch. */
export function rebuildBatch(h: BatchHeader, records: readonly Record[], deleteHorizonMs: number | undefined): Buffer {
  const logAppend = isLogAppendTime(h.attributes);
  return encodeRecordBatch({
    baseOffset: h.baseOffset,
    partitionLeaderEpoch: h.partitionLeaderEpoch,
    compression: (h.attributes & COMPRESSION_CODEC_MASK) as CompressionType,
    timestampType: logAppend ? 'logAppend' : 'create',
    isTransactional: isTransactional(h.attributes),
    isControl: isControl(h.attributes),
    producerId: h.producerId,
    producerEpoch: h.producerEpoch,
    baseSequence: h.baseSequence,
    deleteHorizonMs,
    // Under LogAppendTime the batch's maxTimestamp is the append time every record reports; it must not change.
    maxTimestamp: logAppend ? h.maxTimestamp : undefined,
    // The last offset (and so the last sequence) of the original batch stays, as Kafka's overrideLastOffset keeps it.
    lastOffsetDelta: h.lastOffsetDelta,
    records: records.map((r) => ({ key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp, offsetDelta: r.offsetDelta })),
  });
}

/** Kafka's DefaultRecordBatch.writeEmptyHeader: the batch's offsets and producer fields, no records, no codec. */
export function emptyBatch(h: BatchHeader): Buffer {
  return encodeRecordBatch({
    baseOffset: h.baseOffset,
    partitionLeaderEpoch: h.partitionLeaderEpoch,
    compression: CompressionType.None,
    timestampType: isLogAppendTime(h.attributes) ? 'logAppend' : 'create',
    isTransactional: isTransactional(h.attributes),
    isControl: isControl(h.attributes),
    producerId: h.producerId,
    producerEpoch: h.producerEpoch,
    baseSequence: h.baseSequence,
    baseTimestamp: h.maxTimestamp,
    maxTimestamp: h.maxTimestamp,
    lastOffsetDelta: h.lastOffsetDelta,
    records: [],
  });
}
