// CreateTopics v0-7: numPartitions / replicationFactor -1 for the broker defaults (num.partitions,
// default.replication.factor), manual replica assignments checked as Kafka's controller checks them, configs
// validated with Kafka's messages, validateOnly; per-topic errors. v5+ answers with the topic's configs, partition
// count and replication factor, v7+ with its topic id (zero for validateOnly: nothing was created).
import { defineHandler, RequestContext } from '../handler';
import { ErrorCode, KafkaError, errorCodeOf } from '../../../broker/errors';
import { parseTopicConfigs } from '../../../broker/config/topic-config';
import { validateTopicName, hasCollisionChars } from '../../../broker/config/topic-name';
import { uuidFromKafkaString, ZERO_UUID } from '../../codec';
import type { CreatableTopic } from '../../messages/create-topics-request';
import type { CreatableTopicResult } from '../../messages/create-topics-response';
import { topicConfigEntries } from '../../../broker/config/config-entries';
import { AclOperation, ResourceType, authorize, authorizeCluster } from '../authorize';

/** The most partitions one topic may be created with or grown to (Kafka caps records per controller operation at 10000). */
export const MAX_PARTITIONS_PER_REQUEST = 10000;

/**
 * Kafka's checks on one partition's manual replica list: not empty, every node known and named once, and (when
 * given) as many replicas as the partitions before it.
 */
export function validateManualPartitionAssignment(ctx: RequestContext, replicas: readonly number[], replicationFactor: number | undefined): void {
  if (replicas.length === 0) throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', 'The manual partition assignment includes an empty replica list.');
  const known = new Set(ctx.cluster.nodeIds());
  const sorted = [...replicas].sort((a, b) => a - b);
  let prev: number | undefined;
  for (const id of sorted) {
    if (!known.has(id)) throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', `The manual partition assignment includes broker ${id}, but no such broker is registered.`);
    if (id === prev) throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', `The manual partition assignment includes the broker ${id} more than once.`);
    prev = id;
  }
  if (replicationFactor !== undefined && replicas.length !== replicationFactor) {
    throw new KafkaError(
      'INVALID_REPLICA_ASSIGNMENT',
      `The manual partition assignment includes a partition with ${replicas.length} replica(s), but this is not consistent with previous partitions, which have ${replicationFactor} replica(s).`,
    );
  }
}

/** Throws unless one of `replicas` is up (Kafka: the partition would have no one in its ISR). */
export function requireLiveReplica(ctx: RequestContext, replicas: readonly number[], partition: number): void {
  const up = new Set(ctx.cluster.nodes.filter((n) => n.up).map((n) => n.id));
  if (!replicas.some((r) => up.has(r))) {
    throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', `All brokers specified in the manual partition assignment for partition ${partition} are fenced or in controlled shutdown.`);
  }
}

/** The partitions of a manual assignment, by index, checked as Kafka checks them. */
function manualAssignment(ctx: RequestContext, topic: CreatableTopic): number[][] {
  if (topic.replicationFactor !== -1) throw new KafkaError('INVALID_REQUEST', 'A manual partition assignment was specified, but replication factor was not set to -1.');
  if (topic.numPartitions !== -1) throw new KafkaError('INVALID_REQUEST', 'A manual partition assignment was specified, but numPartitions was not set to -1.');
  const byIndex = new Map<number, number[]>();
  let rf: number | undefined;
  for (const a of topic.assignments) {
    if (byIndex.has(a.partitionIndex)) throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', `Found multiple manual partition assignments for partition ${a.partitionIndex}`);
    validateManualPartitionAssignment(ctx, a.brokerIds, rf);
    rf = a.brokerIds.length;
    requireLiveReplica(ctx, a.brokerIds, a.partitionIndex);
    byIndex.set(a.partitionIndex, a.brokerIds);
  }
  if (byIndex.size > MAX_PARTITIONS_PER_REQUEST) throw new KafkaError('INVALID_PARTITIONS', `Tributary creates at most ${MAX_PARTITIONS_PER_REQUEST} partitions in one request.`);
  const out: number[][] = [];
  for (let i = 0; i < byIndex.size; i++) {
    const r = byIndex.get(i);
    if (!r) throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', 'partitions should be a consecutive 0-based integer sequence');
    out.push(r);
  }
  return out;
}

/** The configs of a CreateTopics entry as overrides; null values are refused as Kafka refuses them (the last duplicate wins). */
function creationConfigs(topic: CreatableTopic): Record<string, string> {
  const nulls = topic.configs.filter((c) => c.value === null).map((c) => c.name);
  if (nulls.length > 0) throw new KafkaError('INVALID_CONFIG', `Null value not supported for topic configs: ${nulls.join(',')}`);
  const out: Record<string, string> = {};
  for (const c of topic.configs) out[c.name] = c.value!;
  parseTopicConfigs(out);
  return out;
}

function errorResult(name: string, errorCode: number, errorMessage: string | null): CreatableTopicResult {
  return { name, topicId: ZERO_UUID, errorCode, errorMessage, topicConfigErrorCode: 0, numPartitions: -1, replicationFactor: -1, configs: [] };
}

function createOne(ctx: RequestContext, topic: CreatableTopic, validateOnly: boolean, configsDescribable: boolean): CreatableTopicResult {
  const cluster = ctx.cluster;
  const name = topic.name;
  validateTopicName(name);
  if (cluster.metadata.topic(name)) throw new KafkaError('TOPIC_ALREADY_EXISTS', `Topic '${name}' already exists.`);
  if (hasCollisionChars(name)) {
    const unified = name.replace(/\./g, '_');
    const other = cluster.metadata.topics().find((t) => t.name.replace(/\./g, '_') === unified);
    if (other) throw new KafkaError('INVALID_TOPIC_EXCEPTION', `Topic '${name}' collides with existing topic: ${other.name}`);
  }
  const configs = creationConfigs(topic);

  let assignment: number[][] | undefined;
  let numPartitions: number;
  let replicationFactor: number;
  if (topic.assignments.length > 0) {
    assignment = manualAssignment(ctx, topic);
    numPartitions = assignment.length;
    replicationFactor = assignment[0].length;
  } else {
    if (topic.replicationFactor < -1 || topic.replicationFactor === 0) {
      throw new KafkaError('INVALID_REPLICATION_FACTOR', 'Replication factor must be larger than 0, or -1 to use the default value.');
    }
    if (topic.numPartitions < -1 || topic.numPartitions === 0) throw new KafkaError('INVALID_PARTITIONS', 'Number of partitions was set to an invalid non-positive value.');
    numPartitions = topic.numPartitions === -1 ? cluster.brokerConfig.get<number>('num.partitions') : topic.numPartitions;
    replicationFactor = topic.replicationFactor === -1 ? cluster.brokerConfig.get<number>('default.replication.factor') : topic.replicationFactor;
    // Kafka counts the brokers that may take replicas now (unfenced): a stopped node is not one.
    const brokers = cluster.usableNodeIds().length;
    if (replicationFactor > brokers) {
      throw new KafkaError(
        'INVALID_REPLICATION_FACTOR',
        `Unable to replicate the partition ${replicationFactor} time(s): The target replication factor of ${replicationFactor} cannot be reached because only ${brokers} broker(s) are registered.`,
      );
    }
    if (numPartitions > MAX_PARTITIONS_PER_REQUEST) throw new KafkaError('INVALID_PARTITIONS', `Tributary creates at most ${MAX_PARTITIONS_PER_REQUEST} partitions in one request.`);
  }

  let topicId = ZERO_UUID;
  if (!validateOnly) {
    const t = assignment ? cluster.createTopicWithAssignment(name, assignment, configs) : cluster.createTopic(name, numPartitions, replicationFactor, configs);
    topicId = uuidFromKafkaString(t.topicId);
  }
  const v5 = ctx.apiVersion >= 5;
  // Kafka's controller answers a topic the principal may not DESCRIBE_CONFIGS without its configs, partition count
  // and replication factor, and says why in topicConfigErrorCode.
  if (!configsDescribable) return { ...errorResult(name, ErrorCode.NONE, null), topicId: ctx.apiVersion >= 7 ? topicId : ZERO_UUID, topicConfigErrorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED };
  return {
    name,
    topicId: ctx.apiVersion >= 7 ? topicId : ZERO_UUID,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    topicConfigErrorCode: 0,
    numPartitions: v5 ? numPartitions : -1,
    replicationFactor: v5 ? replicationFactor : -1,
    configs: v5
      ? topicConfigEntries(cluster, configs).map((e) => ({ name: e.name, value: e.value, readOnly: e.readOnly, configSource: e.source, isSensitive: e.isSensitive }))
      : [],
  };
}

export default defineHandler({
  apiKey: 19,
  minVersion: 0,
  maxVersion: 7,
  handle(ctx, req) {
    const counts = new Map<string, number>();
    for (const t of req.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    const answered = new Set<string>();
    const topics: CreatableTopicResult[] = [];
    // CREATE on the cluster covers every topic; Kafka does not log its denial, since a topic ACL may still allow.
    const clusterCreate = authorizeCluster(ctx, AclOperation.CREATE, false);
    for (const t of req.topics) {
      if (answered.has(t.name)) continue;
      answered.add(t.name);
      if (counts.get(t.name)! > 1) {
        topics.push(errorResult(t.name, ErrorCode.INVALID_REQUEST, 'Duplicate topic name.'));
        continue;
      }
      // Before the name is validated or looked up, as Kafka's controller checks: a denied principal learns nothing.
      if (!clusterCreate && !authorize(ctx, AclOperation.CREATE, ResourceType.TOPIC, t.name)) {
        topics.push(errorResult(t.name, ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'Authorization failed.'));
        continue;
      }
      try {
        topics.push(createOne(ctx, t, req.validateOnly, authorize(ctx, AclOperation.DESCRIBE_CONFIGS, ResourceType.TOPIC, t.name, false)));
      } catch (e) {
        const code = errorCodeOf(e);
        if (code === ErrorCode.UNKNOWN_SERVER_ERROR) ctx.server.logger.error(`CreateTopics of ${t.name} failed: ${(e as Error).stack}`);
        topics.push(errorResult(t.name, code, (e as Error).message));
      }
    }
    return { throttleTimeMs: 0, topics };
  },
});
