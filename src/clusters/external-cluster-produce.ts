/**
 * Producing to an external cluster: records are placed on partitions here, by Kafka's default partitioner as the
 * embedded broker applies it, so that a keyed record lands where a Java producer would put it whichever cluster it
 * goes to; then sent with the library's Producer (not idempotent: a browser's one-off sends need no producer id).
 */
import type { ProduceRequest, ProduceResult } from '../broker/api';
import { bytesToBuffer } from '../broker/api';
import { KafkaError } from '../broker/errors';
import { partitionForKey } from '../broker/partitioner';
import { ensureClientZstd } from './client-zstd';
import type { RecordProducer } from './external-cluster-clients';
import { call } from './external-cluster-errors';
import type { MetadataReader } from './external-cluster-metadata';

export class RecordWriter {
  constructor(
    private readonly producer: RecordProducer,
    private readonly metadata: MetadataReader,
  ) {}

  async produce(request: ProduceRequest): Promise<ProduceResult> {
    const { topic: t } = await this.metadata.topic(request.topic);
    const placed = placeRecords(request, t.partitionsCount);
    const now = Date.now();
    const acks = request.acks === undefined || request.acks === 'all' ? -1 : request.acks;
    const messages = request.records.map((r, i) => ({
      topic: request.topic,
      partition: placed[i],
      key: r.key === undefined || r.key === null ? undefined : bytesToBuffer(r.key),
      value: r.value === undefined || r.value === null ? undefined : bytesToBuffer(r.value),
      headers: new Map((r.headers ?? []).map((h) => [h.key, h.value === null ? null : bytesToBuffer(h.value)])),
      timestamp: BigInt(r.timestamp ?? now),
    }));
    if (request.compression === 'zstd') await ensureClientZstd();
    const result = await call(() => this.producer.send({ messages, acks, compression: request.compression ?? 'none', idempotent: false }));
    // The answer gives each partition's first offset; a partition's records follow it in the order sent.
    const base = new Map((result.offsets ?? []).map((o) => [o.partition, Number(o.offset)]));
    const seen = new Map<number, number>();
    return {
      topic: request.topic,
      records: placed.map((partition, i) => {
        const j = seen.get(partition) ?? 0;
        seen.set(partition, j + 1);
        return { partition, offset: acks === 0 ? -1 : (base.get(partition) ?? -1) + j, timestamp: Number(messages[i].timestamp) };
      }),
    };
  }
}

/**
 * Each record's partition: its own if given, else murmur2 of its key; keyless records stick to one random partition
 * per request (or go round the partitions).
 */
function placeRecords(request: ProduceRequest, count: number): number[] {
  let next = Math.floor(Math.random() * count);
  const sticky = next;
  return request.records.map((r) => {
    if (r.partition !== undefined) {
      if (!Number.isInteger(r.partition) || r.partition < 0 || r.partition >= count) {
        throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Topic '${request.topic}' has partitions 0 to ${count - 1}, not ${r.partition}.`);
      }
      return r.partition;
    }
    if (r.key !== undefined && r.key !== null) return partitionForKey(bytesToBuffer(r.key), count);
    return request.nullKeyStrategy === 'roundRobin' ? next++ % count : sticky;
  });
}
