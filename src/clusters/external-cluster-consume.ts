/**
 * Reading an external cluster's records without joining a group, like kcat -C: ListOffsets to find where to start,
 * then sessionless Fetches to the partition's leader (see external-cluster-requests.ts) until enough records are
 * read or the high watermark is reached.
 */
import type { ConsumeRequest, ConsumeResult, ConsumedRecord } from '../broker/api';
import { bytesFromBuffer } from '../broker/api';
import { KafkaError } from '../broker/errors';
import { partitionError } from './external-cluster-errors';
import type { MetadataReader } from './external-cluster-metadata';
import type { OffsetReader } from './external-cluster-offsets';
import type { DirectRequests, RecordsBatch } from './external-cluster-requests';

const MAX_RECORDS_LIMIT = 10_000;
const DEFAULT_MAX_RECORDS = 100;
const DEFAULT_MAX_BYTES = 1024 * 1024;
/** Record batch attributes. */
const TRANSACTIONAL_CONTROL = 0x20;
const LOG_APPEND_TIME = 0x08;

export class RecordReader {
  constructor(
    private readonly metadata: MetadataReader,
    private readonly offsets: OffsetReader,
    private readonly requests: DirectRequests,
  ) {}

  async consume(request: ConsumeRequest): Promise<ConsumeResult> {
    const { topic, partition } = request;
    const { topic: t, brokers } = await this.metadata.topic(topic);
    const p = t.partitions[partition];
    if (!p) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Topic '${topic}' has partitions 0 to ${t.partitionsCount - 1}, not ${partition}.`);
    const maxRecords = Math.min(Math.max(1, Math.floor(request.maxRecords ?? DEFAULT_MAX_RECORDS)), MAX_RECORDS_LIMIT);
    const maxBytes = Math.max(1024, Math.floor(request.maxBytes ?? DEFAULT_MAX_BYTES));
    const { start: starts, end: ends } = await this.offsets.startAndEnd(topic, [partition]);
    const logStart = starts.get(partition) ?? 0;
    let hw = ends.get(partition) ?? 0;
    const start = await this.startOffset(request, logStart, hw);
    if (start < logStart || start > hw) {
      throw new KafkaError('OFFSET_OUT_OF_RANGE', `Offset ${start} is out of range for ${topic}-${partition}: the log has offsets ${logStart} to ${hw}.`);
    }
    const leader = brokers.get(p.leader);
    const records: ConsumedRecord[] = [];
    let offset = start;
    while (records.length < maxRecords && offset < hw) {
      const before = offset;
      if (!leader) throw new KafkaError('LEADER_NOT_AVAILABLE', `The leader, node ${p.leader}, is not among the cluster's brokers.`);
      const response = await this.requests.fetch(leader, { topic, topicId: t.id, partition, offset, maxBytes });
      const part = response.responses[0]?.partitions.find((x) => x.partitionIndex === partition);
      if (!part) break;
      if (part.errorCode !== 0) throw partitionError(part.errorCode, `Fetching ${topic}-${partition} at offset ${offset}`);
      hw = Number(part.highWatermark);
      for (const batch of part.records ?? []) {
        const first = Number(batch.firstOffset);
        const next = first + batch.lastOffsetDelta + 1;
        if (next <= offset) continue;
        // Transaction markers are not records a consumer sees.
        if (batch.attributes & TRANSACTIONAL_CONTROL) {
          offset = next;
          continue;
        }
        for (const r of batchRecords(batch, partition, offset, hw)) {
          if (records.length >= maxRecords) break;
          records.push(r);
          offset = r.offset + 1;
        }
        if (records.length >= maxRecords) break;
        offset = Math.max(offset, Math.min(next, hw));
      }
      if (offset === before) break;
    }
    return { topic, partition, startOffset: start, nextOffset: offset, logStartOffset: logStart, highWatermark: hw, logEndOffset: hw, records };
  }

  /** Where a read starts, in the partition's log of offsets logStart to hw. */
  private async startOffset(request: ConsumeRequest, logStart: number, hw: number): Promise<number> {
    const from = request.from;
    switch (from.kind) {
      case 'earliest':
        return logStart;
      case 'latest':
        return hw;
      case 'offset':
        if (!Number.isSafeInteger(from.offset)) throw new KafkaError('OFFSET_OUT_OF_RANGE', `Invalid offset ${from.offset}`);
        return from.offset;
      case 'timestamp': {
        const found = (await this.offsets.offsets(request.topic, [request.partition], BigInt(Math.floor(from.timestamp)))).get(request.partition);
        return found === undefined || found < 0 ? hw : found;
      }
      case 'fromEnd':
        return Math.max(logStart, hw - Math.max(0, Math.floor(from.count)));
    }
  }
}

/** A batch's records from offset `from` up to (not including) `until`. */
function* batchRecords(batch: RecordsBatch, partition: number, from: number, until: number): Generator<ConsumedRecord> {
  const first = Number(batch.firstOffset);
  const logAppendTime = (batch.attributes & LOG_APPEND_TIME) !== 0;
  for (const r of batch.records) {
    const o = first + r.offsetDelta;
    if (o < from) continue;
    if (o >= until) return;
    yield {
      partition,
      offset: o,
      timestamp: logAppendTime ? Number(batch.maxTimestamp) : Number(batch.firstTimestamp) + Number(r.timestampDelta),
      timestampType: logAppendTime ? 'LogAppendTime' : 'CreateTime',
      key: r.key === undefined || r.key === null ? null : bytesFromBuffer(r.key),
      value: r.value === undefined || r.value === null ? null : bytesFromBuffer(r.value),
      headers: (r.headers ?? []).map(([k, v]) => ({ key: k === null ? '' : Buffer.from(k).toString('utf8'), value: v === undefined || v === null ? null : bytesFromBuffer(v) })),
      size: r.length,
      leaderEpoch: batch.partitionLeaderEpoch,
    };
  }
}
