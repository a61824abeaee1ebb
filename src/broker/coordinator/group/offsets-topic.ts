/**
 * __consumer_offsets as the group coordinator sees it: created on first need (as Kafka does on the first
 * FindCoordinator) with offsets.topic.num.partitions partitions, compacted, and written through the partition
 * leaders like any topic.
 */
import type { Cluster } from '../../cluster';
import { encodeRecordBatch } from '../../records/record-batch';
import { decodeRecords } from '../../records/record-batch';
import { LOG_OVERHEAD, CONTROL_FLAG_MASK, ATTRIBUTES_OFFSET } from '../../records/batch-header';
import type { OffsetsTopicStore, OffsetsTopicRecordIn } from './group-coordinator';

export const OFFSETS_TOPIC = '__consumer_offsets';

export class ClusterOffsetsTopic implements OffsetsTopicStore {
  readonly numPartitions: number;

  constructor(private readonly cluster: Cluster) {
    const existing = cluster.metadata.topic(OFFSETS_TOPIC);
    this.numPartitions = existing ? existing.partitions.length : cluster.brokerConfig.get<number>('offsets.topic.num.partitions');
  }

  exists(): boolean {
    return this.cluster.metadata.topic(OFFSETS_TOPIC) !== undefined;
  }

  /** Creates the topic if it does not exist yet. */
  ensure(): void {
    if (this.exists()) return;
    const rf = Math.min(this.cluster.brokerConfig.get<number>('offsets.topic.replication.factor'), this.cluster.nodes.length);
    this.cluster.createTopic(OFFSETS_TOPIC, this.numPartitions, rf, {
      'cleanup.policy': 'compact',
      'compression.type': 'producer',
      'segment.bytes': '104857600',
    }, { internal: true });
  }

  leaderOf(partition: number): number {
    const p = this.cluster.metadata.topic(OFFSETS_TOPIC)?.partitions[partition];
    if (!p) return -1;
    return this.cluster.nodes.find((n) => n.id === p.leader)?.up ? p.leader : -1;
  }

  /** offsets.commit.required.acks = -1 and offsets.commit.timeout.ms = 5000, as Kafka's coordinator writes. */
  async append(partition: number, records: OffsetsTopicRecordIn[]): Promise<void> {
    this.ensure();
    const now = Date.now();
    const batch = encodeRecordBatch({ records: records.map((r) => ({ key: r.key, value: r.value, timestamp: now })) });
    await this.cluster.produce(OFFSETS_TOPIC, partition, batch, -1, 5000);
  }

  *read(partition: number): Iterable<OffsetsTopicRecordIn> {
    if (!this.exists()) return;
    const log = this.cluster.leaderLog(OFFSETS_TOPIC, partition);
    let offset = log.logStartOffset;
    while (offset < log.logEndOffset) {
      const { records } = log.read(offset, 1 << 20, 'logEnd');
      if (records.length === 0) break;
      let pos = 0;
      while (pos + LOG_OVERHEAD <= records.length) {
        const size = records.readInt32BE(pos + 8) + LOG_OVERHEAD;
        const batch = records.subarray(pos, pos + size);
        const last = batch.readInt32BE(23);
        offset = Number(batch.readBigInt64BE(0)) + last + 1;
        if ((batch.readInt16BE(ATTRIBUTES_OFFSET) & CONTROL_FLAG_MASK) === 0) {
          for (const r of decodeRecords(batch)) if (r.key) yield { key: r.key, value: r.value };
        }
        pos += size;
      }
    }
  }
}
