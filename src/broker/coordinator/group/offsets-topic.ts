/**
 * __consumer_offsets as the group coordinator sees it: created on first need (as Kafka does on the first
 * FindCoordinator) with offsets.topic.num.partitions partitions, compacted, and written through the partition
 * leaders like any topic.
 */
import { ClusterInternalTopic, type InternalTopicHost } from '../internal-topic';
import type { OffsetsTopicStore, OffsetsTopicRecordIn } from './group-context';

export const OFFSETS_TOPIC = '__consumer_offsets';

export class ClusterOffsetsTopic extends ClusterInternalTopic implements OffsetsTopicStore {
  constructor(cluster: InternalTopicHost) {
    super(cluster, {
      name: OFFSETS_TOPIC,
      partitionsConfig: 'offsets.topic.num.partitions',
      replicationConfig: 'offsets.topic.replication.factor',
      configs: () => ({ 'compression.type': 'producer' }),
    });
  }

  /**
   * The offset commits of a transaction (TxnOffsetCommit): one transactional batch of the producer, which its
   * transaction's marker on this partition later commits or aborts. The coordinator's appends carry no sequence
   * (Kafka writes them with NO_SEQUENCE too).
   */
  async appendTransactional(partition: number, records: OffsetsTopicRecordIn[], producerId: number, producerEpoch: number): Promise<void> {
    await this.appendBatch(partition, records, { isTransactional: true, producerId, producerEpoch, baseSequence: -1 }, 'coordinator');
  }
}
