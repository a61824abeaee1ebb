import { randomBytes } from 'node:crypto';
import type { OffsetsTopicStore, OffsetsTopicRecordIn, TopicCatalog } from '../../src/broker/coordinator/group/group-coordinator';
import type { ConsumerGroupHeartbeatParams } from '../../src/broker/coordinator/group/consumer-group-manager';
import { MemoryTopic } from './memory-topic';

/** __consumer_offsets in memory, transactional batches included. */
export class MemoryStore extends MemoryTopic implements OffsetsTopicStore {
  async appendTransactional(partition: number, records: OffsetsTopicRecordIn[], producerId: number): Promise<void> {
    await this.append(partition, records.map((r) => ({ ...r, producerId })));
  }
}

/** Topics by name with hex ids, as the cluster's catalog gives them. */
export class Topics implements TopicCatalog {
  readonly byNameMap = new Map<string, { id: string; name: string; partitions: number }>();
  add(name: string, partitions: number): string {
    const id = randomBytes(16).toString('hex');
    this.byNameMap.set(name, { id, name, partitions });
    return id;
  }
  remove(name: string): void {
    this.byNameMap.delete(name);
  }
  byName(name: string) {
    return this.byNameMap.get(name);
  }
  byId(id: string) {
    return [...this.byNameMap.values()].find((t) => t.id === id);
  }
  names() {
    return this.byNameMap.keys();
  }
}

/** A ConsumerGroupHeartbeat joining group g (member m1, epoch 0, topic t); `over` changes any field. */
export function heartbeatParams(over: Partial<ConsumerGroupHeartbeatParams>): ConsumerGroupHeartbeatParams {
  return {
    apiVersion: 1,
    groupId: 'g',
    memberId: 'm1',
    memberEpoch: 0,
    instanceId: null,
    rackId: null,
    rebalanceTimeoutMs: 30000,
    subscribedTopicNames: ['t'],
    subscribedTopicRegex: null,
    serverAssignor: null,
    topicPartitions: [],
    clientId: 'client',
    clientHost: '/127.0.0.1',
    ...over,
  };
}
