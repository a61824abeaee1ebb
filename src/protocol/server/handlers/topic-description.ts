// What Metadata and DescribeTopicPartitions both say of a topic that exists, so the two answers cannot drift apart:
// Kafka builds both from one metadata cache, and admin clients mix them (describeTopics now, Metadata for producing).
import { uuidFromKafkaString } from '../../codec';
import { isInternalTopic } from '../../../broker/config/topic-name';
import type { Cluster } from '../../../broker/cluster';
import type { PartitionState, TopicState } from '../../../broker/metadata/metadata-store';

/** The nodes up now: a leader on a stopped node is no leader to a client, and a replica there is offline. */
export function liveNodeIds(cluster: Cluster): Set<number> {
  return new Set(cluster.nodes.filter((n) => n.up).map((n) => n.id));
}

/** The name, id and internal flag of an existing topic. */
export function topicIdentity(t: TopicState): { name: string; topicId: string; isInternal: boolean } {
  return { name: t.name, topicId: uuidFromKafkaString(t.topicId), isInternal: isInternalTopic(t.name) };
}

/** A partition's leader (-1 while its node is down), leader epoch, replicas, ISR and offline replicas. */
export function partitionReplicas(p: PartitionState, live: ReadonlySet<number>): { partitionIndex: number; leaderId: number; leaderEpoch: number; replicaNodes: number[]; isrNodes: number[]; offlineReplicas: number[] } {
  return {
    partitionIndex: p.partition,
    leaderId: live.has(p.leader) ? p.leader : -1,
    leaderEpoch: p.leaderEpoch,
    replicaNodes: p.replicas,
    isrNodes: p.isr,
    offlineReplicas: p.replicas.filter((r) => !live.has(r)),
  };
}
