/**
 * __transaction_state as the transaction coordinator sees it: created on first need (the first FindCoordinator for
 * a transactional id, as Kafka does) with transaction.state.log.num.partitions partitions, compacted, and written
 * through the partition leaders with acks=all.
 */
import type { Cluster } from '../../cluster';
import { encodeRecordBatch } from '../../records/record-batch';
import type { OffsetsTopicRecordIn } from '../group/group-coordinator';
import { readInternalTopic } from '../group/offsets-topic';
import type { TransactionStateStore } from './transaction-coordinator';
import { TRANSACTION_STATE_TOPIC } from './transaction-log';

export class ClusterTransactionTopic implements TransactionStateStore {
  readonly numPartitions: number;

  constructor(private readonly cluster: Cluster) {
    const existing = cluster.metadata.topic(TRANSACTION_STATE_TOPIC);
    this.numPartitions = existing ? existing.partitions.length : cluster.brokerConfig.get<number>('transaction.state.log.num.partitions');
  }

  exists(): boolean {
    return this.cluster.metadata.topic(TRANSACTION_STATE_TOPIC) !== undefined;
  }

  ensure(): void {
    if (this.exists()) return;
    const nodes = this.cluster.nodes.length;
    const rf = Math.min(this.cluster.brokerConfig.get<number>('transaction.state.log.replication.factor'), nodes);
    const minIsr = Math.min(this.cluster.brokerConfig.get<number>('transaction.state.log.min.isr'), rf);
    this.cluster.createTopic(TRANSACTION_STATE_TOPIC, this.numPartitions, rf, {
      'cleanup.policy': 'compact',
      'compression.type': 'uncompressed',
      'min.insync.replicas': String(minIsr),
      'segment.bytes': '104857600',
    }, { internal: true });
  }

  leaderOf(partition: number): number {
    const p = this.cluster.metadata.topic(TRANSACTION_STATE_TOPIC)?.partitions[partition];
    if (!p) return -1;
    return this.cluster.nodes.find((n) => n.id === p.leader)?.up ? p.leader : -1;
  }

  leaderEpochOf(partition: number): number {
    return this.cluster.metadata.topic(TRANSACTION_STATE_TOPIC)?.partitions[partition]?.leaderEpoch ?? 0;
  }

  async append(partition: number, records: OffsetsTopicRecordIn[]): Promise<void> {
    this.ensure();
    const now = Date.now();
    const batch = encodeRecordBatch({ records: records.map((r) => ({ key: r.key, value: r.value, timestamp: now })) });
    await this.cluster.produce(TRANSACTION_STATE_TOPIC, partition, batch, -1, 5000);
  }

  *read(partition: number): Iterable<OffsetsTopicRecordIn> {
    if (!this.exists()) return;
    for (const r of readInternalTopic(this.cluster, TRANSACTION_STATE_TOPIC, partition)) if (r.control === undefined) yield r;
  }
}
