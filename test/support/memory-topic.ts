import type { OffsetsTopicRecordIn } from '../../src/broker/coordinator/group/group-coordinator';

/** An internal topic (__consumer_offsets, __transaction_state) in memory, for coordinator unit tests. */
export class MemoryTopic {
  readonly numPartitions = 50;
  readonly logs = new Map<number, OffsetsTopicRecordIn[]>();
  /** Set to make appends fail, as a partition without enough in-sync replicas does. */
  failWith?: Error;
  async append(partition: number, records: OffsetsTopicRecordIn[]): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.logs.set(partition, [...(this.logs.get(partition) ?? []), ...records]);
  }
  read(partition: number): Iterable<OffsetsTopicRecordIn> {
    return this.logs.get(partition) ?? [];
  }
  leaderOf(): number {
    return 0;
  }
}
