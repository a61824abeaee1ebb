/**
 * __consumer_offsets as the group coordinator sees it: created on first need (as Kafka does on the first
 * FindCoordinator) with offsets.topic.num.partitions partitions, compacted, and written through the partition
 * leaders like any topic.
 */
import type { Cluster } from '../../cluster';
import { encodeRecordBatch } from '../../records/record-batch';
import { decodeRecords } from '../../records/record-batch';
import { LOG_OVERHEAD, readBatchHeader, isControl, isTransactional } from '../../records/batch-header';
import { ControlRecordType, decodeControlRecordType } from '../../records/control-record';
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

  /**
   * The offset commits of a transaction (TxnOffsetCommit): one transactional batch of the producer, which its
   * transaction's marker on this partition later commits or aborts.
   */
  async appendTransactional(partition: number, records: OffsetsTopicRecordIn[], producerId: number, producerEpoch: number): Promise<void> {
    this.ensure();
    const now = Date.now();
    const batch = encodeRecordBatch({
      isTransactional: true,
      producerId,
      producerEpoch,
      // The coordinator's appends carry no sequence (Kafka writes them with NO_SEQUENCE too).
      baseSequence: -1,
      records: records.map((r) => ({ key: r.key, value: r.value, timestamp: now })),
    });
    await this.cluster.produce(OFFSETS_TOPIC, partition, batch, -1, 5000, 'coordinator');
  }

  *read(partition: number): Iterable<OffsetsTopicRecordIn> {
    if (!this.exists()) return;
    yield* readInternalTopic(this.cluster, OFFSETS_TOPIC, partition);
  }
}

/**
 * Every record of an internal topic's partition, oldest first, read from its leader: data records with the producer
 * of their batch when it is transactional, and each COMMIT or ABORT marker as a record with `control` set.
 */
export function* readInternalTopic(cluster: Cluster, topic: string, partition: number): Iterable<OffsetsTopicRecordIn> {
  const log = cluster.leaderLog(topic, partition);
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const { records } = log.read(offset, 1 << 20, 'logEnd');
    if (records.length === 0) break;
    let pos = 0;
    while (pos + LOG_OVERHEAD <= records.length) {
      const h = readBatchHeader(records, pos);
      const size = h.batchLength + LOG_OVERHEAD;
      const batch = records.subarray(pos, pos + size);
      offset = h.baseOffset + h.lastOffsetDelta + 1;
      pos += size;
      if (isControl(h.attributes)) {
        for (const r of decodeRecords(batch)) {
          const type = decodeControlRecordType(r.key);
          if (type === ControlRecordType.Commit || type === ControlRecordType.Abort) {
            yield { key: Buffer.alloc(0), value: null, producerId: h.producerId, control: type === ControlRecordType.Commit ? 'commit' : 'abort' };
          }
        }
        continue;
      }
      const producerId = isTransactional(h.attributes) ? h.producerId : undefined;
      for (const r of decodeRecords(batch)) if (r.key) yield { key: r.key, value: r.value, producerId };
    }
  }
}
