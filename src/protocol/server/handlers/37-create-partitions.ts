// CreatePartitions v0-3: grows a topic to `count` partitions, placed like CreateTopics places them or on the
// replicas given (one assignment per new partition, checked as Kafka checks them); validateOnly; INVALID_PARTITIONS
// with Kafka's messages when the count is not an increase; the internal topics' counts cannot be changed.
import { defineHandler, RequestContext } from '../handler';
import { ErrorCode, KafkaError, errorCodeOf } from '../../../broker/errors';
import { isInternalTopic } from '../../../broker/config/topic-name';
import type { CreatePartitionsTopic } from '../../messages/create-partitions-request';
import { MAX_PARTITIONS_PER_REQUEST, requireLiveReplica, validateManualPartitionAssignment } from './19-create-topics';
import { AclOperation, ResourceType, authorize } from '../authorize';

function grow(ctx: RequestContext, topic: CreatePartitionsTopic, validateOnly: boolean): void {
  const t = ctx.cluster.metadata.topic(topic.name);
  if (!t) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', 'This server does not host this topic-partition.');
  const current = t.partitions.length;
  // Kafka's tools refuse this too: a group's or transactional id's coordinator partition follows from the count.
  if (isInternalTopic(topic.name)) {
    throw new KafkaError('INVALID_PARTITIONS', 'The number of partitions for the internal topics __consumer_offsets and __transaction_state cannot be changed.');
  }
  if (topic.count === current) throw new KafkaError('INVALID_PARTITIONS', `Topic already has ${current} partition(s).`);
  if (topic.count < current) throw new KafkaError('INVALID_PARTITIONS', `The topic ${topic.name} currently has ${current} partition(s); ${topic.count} would not be an increase.`);
  const additional = topic.count - current;
  if (topic.assignments !== null && topic.assignments.length !== additional) {
    throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', `Attempted to add ${additional} additional partition(s), but only ${topic.assignments.length} assignment(s) were specified.`);
  }
  if (topic.count > MAX_PARTITIONS_PER_REQUEST) throw new KafkaError('INVALID_PARTITIONS', `Tributary grows a topic to at most ${MAX_PARTITIONS_PER_REQUEST} partitions.`);
  const rf = t.partitions[0].replicas.length;
  const assignment = topic.assignments?.map((a) => a.brokerIds);
  assignment?.forEach((replicas, i) => {
    validateManualPartitionAssignment(ctx, replicas, rf);
    requireLiveReplica(ctx, replicas, current + i);
  });
  if (validateOnly) return;
  if (assignment) ctx.cluster.addPartitionsWithAssignment(topic.name, assignment);
  else ctx.cluster.addPartitions(topic.name, topic.count);
  ctx.server.logger.info(`topic ${topic.name}: grew from ${current} to ${topic.count} partitions`);
}

export default defineHandler({
  apiKey: 37,
  minVersion: 0,
  maxVersion: 3,
  handle(ctx, req) {
    const counts = new Map<string, number>();
    for (const t of req.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    const answered = new Set<string>();
    const results = [];
    for (const t of req.topics) {
      if (answered.has(t.name)) continue;
      answered.add(t.name);
      if (counts.get(t.name)! > 1) {
        results.push({ name: t.name, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic name.' });
        continue;
      }
      // Before the topic is looked up, and without a message, as Kafka's controller answers it.
      if (!authorize(ctx, AclOperation.ALTER, ResourceType.TOPIC, t.name)) {
        results.push({ name: t.name, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: null });
        continue;
      }
      try {
        grow(ctx, t, req.validateOnly);
        results.push({ name: t.name, errorCode: ErrorCode.NONE, errorMessage: null });
      } catch (e) {
        const code = errorCodeOf(e);
        if (code === ErrorCode.UNKNOWN_SERVER_ERROR) ctx.server.logger.error(`CreatePartitions of ${t.name} failed: ${(e as Error).stack}`);
        results.push({ name: t.name, errorCode: code, errorMessage: (e as Error).message });
      }
    }
    return { throttleTimeMs: 0, results };
  },
});
