/**
 * __transaction_state as the transaction coordinator sees it: created on first need (the first FindCoordinator for
 * a transactional id, as Kafka does) with transaction.state.log.num.partitions partitions, compacted, and written
 * through the partition leaders with acks=all.
 */
import type { OffsetsTopicRecordIn } from '../group/group-context';
import { ClusterInternalTopic, type InternalTopicHost } from '../internal-topic';
import type { TransactionStateStore } from './transaction-coordinator';
import { TRANSACTION_STATE_TOPIC } from './transaction-log';

export class ClusterTransactionTopic extends ClusterInternalTopic implements TransactionStateStore {
  constructor(cluster: InternalTopicHost) {
    super(cluster, {
      name: TRANSACTION_STATE_TOPIC,
      partitionsConfig: 'transaction.state.log.num.partitions',
      replicationConfig: 'transaction.state.log.replication.factor',
      configs: (rf) => ({
        'compression.type': 'uncompressed',
        'min.insync.replicas': String(Math.min(cluster.brokerConfig.get<number>('transaction.state.log.min.isr'), rf)),
      }),
    });
  }

  override *read(partition: number): Iterable<OffsetsTopicRecordIn> {
    for (const r of super.read(partition)) if (r.control === undefined) yield r;
  }
}
