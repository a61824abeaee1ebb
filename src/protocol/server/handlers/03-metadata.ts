// Metadata v0-12: nodes with the address they listen on, topics with leaders, replicas, ISR and offline replicas;
// auto topic creation per auto.create.topics.enable and the request's flag (v4+). With an authorizer, as Kafka: a
// topic the principal may not DESCRIBE is left out of an all-topics answer and answered TOPIC_AUTHORIZATION_FAILED
// when named (existing or not, so its existence does not leak); auto-creation needs CREATE on the cluster or topic.
import { defineHandler, RequestContext } from '../handler';
import { ErrorCode, KafkaError, errorCodeOf } from '../../../broker/errors';
import { uuidToKafkaString, ZERO_UUID } from '../../codec';
import type { MetadataResponseTopic } from '../../messages/metadata-response';
import type { TopicState } from '../../../broker/metadata/metadata-store';
import { validateTopicName, isInternalTopic } from '../../../broker/config/topic-name';
import { OPERATIONS_NOT_REQUESTED } from '../../../broker/security/acl-operations';
import { AclOperation, ResourceType, authorize, authorizeCluster, authorizedOperations, clusterAuthorizedOperations } from '../authorize';
import { liveNodeIds, partitionReplicas, topicIdentity } from './topic-description';

function describeTopic(ctx: RequestContext, t: TopicState): MetadataResponseTopic {
  const live = liveNodeIds(ctx.cluster);
  return {
    errorCode: ErrorCode.NONE,
    ...topicIdentity(t),
    topicAuthorizedOperations: OPERATIONS_NOT_REQUESTED,
    partitions: t.partitions.map((p) => ({ errorCode: live.has(p.leader) ? ErrorCode.NONE : ErrorCode.LEADER_NOT_AVAILABLE, ...partitionReplicas(p, live) })),
  };
}

function errorTopic(name: string | null, topicId: string, code: number): MetadataResponseTopic {
  return { errorCode: code, name, topicId, isInternal: false, partitions: [], topicAuthorizedOperations: OPERATIONS_NOT_REQUESTED };
}

export default defineHandler({
  apiKey: 3,
  minVersion: 0,
  maxVersion: 12,
  handle(ctx, req) {
    const cluster = ctx.cluster;
    const all = req.topics === null || (ctx.apiVersion === 0 && req.topics.length === 0);
    const allowAuto = (ctx.apiVersion < 4 || req.allowAutoTopicCreation) && cluster.brokerConfig.get<boolean>('auto.create.topics.enable');
    let topics: MetadataResponseTopic[];
    if (all) {
      topics = cluster.metadata
        .topics()
        .filter((t) => authorize(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, t.name, false))
        .map((t) => describeTopic(ctx, t));
    } else if (ctx.apiVersion < 12 && req.topics!.some((rt) => rt.name === null || rt.topicId !== ZERO_UUID)) {
      // Kafka (KafkaApis.handleTopicMetadataRequest): topic ids are not supported before v12 and names cannot be null
      // in v10-11; the whole request fails with INVALID_REQUEST, a null name answered as "" (the response cannot
      // carry null before v12).
      topics = req.topics!.map((rt) => errorTopic(rt.name ?? '', rt.topicId, ErrorCode.INVALID_REQUEST));
    } else {
      topics = (req.topics ?? []).map((rt) => {
        let t: TopicState | undefined;
        if (rt.name === null || rt.name === '') {
          if (rt.topicId === ZERO_UUID) return errorTopic(rt.name, rt.topicId, ErrorCode.INVALID_REQUEST);
          t = cluster.metadata.topicById(uuidToKafkaString(rt.topicId));
          if (!t) return errorTopic(null, rt.topicId, ErrorCode.UNKNOWN_TOPIC_ID);
          // Kafka does not count a topic id as sensitive: the id is echoed, the name is not.
          if (!authorize(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, t.name)) return errorTopic(null, rt.topicId, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
          return describeTopic(ctx, t);
        }
        if (!authorize(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, rt.name)) return errorTopic(rt.name, ZERO_UUID, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
        t = cluster.metadata.topic(rt.name);
        if (t) return describeTopic(ctx, t);
        try {
          validateTopicName(rt.name);
          if (!allowAuto || isInternalTopic(rt.name)) return errorTopic(rt.name, ZERO_UUID, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
          if (!authorizeCluster(ctx, AclOperation.CREATE, false) && !authorize(ctx, AclOperation.CREATE, ResourceType.TOPIC, rt.name)) return errorTopic(rt.name, ZERO_UUID, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
          // Kafka logs an auto-creation too; naming the client tells a user which service made the topic.
          ctx.cluster.logger.info(`auto-creating topic ${rt.name}: Metadata v${ctx.apiVersion} from ${ctx.header.clientId ?? 'a client'} (${ctx.clientHost}, connection ${ctx.connectionId}) asked for it with auto-creation allowed`);
          return describeTopic(ctx, cluster.createTopic(rt.name));
        } catch (e) {
          const code = e instanceof KafkaError && e.errorName === 'TOPIC_ALREADY_EXISTS' ? ErrorCode.NONE : errorCodeOf(e);
          if (code === ErrorCode.NONE) return describeTopic(ctx, cluster.metadata.topic(rt.name)!);
          return errorTopic(rt.name, ZERO_UUID, code === ErrorCode.UNKNOWN_SERVER_ERROR ? ErrorCode.INVALID_TOPIC_EXCEPTION : code);
        }
      });
    }
    // v8+: the operations the client may perform on each topic in the answer (not on those it was refused: Kafka
    // leaves them unset), and v8-10 on the cluster, when asked; without an authorizer, every supported operation.
    if (ctx.apiVersion >= 8 && req.includeTopicAuthorizedOperations) {
      for (const t of topics) if (t.name !== null && t.errorCode !== ErrorCode.TOPIC_AUTHORIZATION_FAILED) t.topicAuthorizedOperations = authorizedOperations(ctx, ResourceType.TOPIC, t.name, true);
    }
    return {
      throttleTimeMs: 0,
      brokers: ctx.server.listeners().map((l) => ({ nodeId: l.nodeId, host: l.host, port: l.port, rack: cluster.rackOf(l.nodeId) })),
      clusterId: cluster.metadata.clusterId,
      controllerId: cluster.controllerId,
      topics,
      clusterAuthorizedOperations: clusterAuthorizedOperations(ctx, ctx.apiVersion >= 8 && ctx.apiVersion <= 10 && req.includeClusterAuthorizedOperations),
    };
  },
});
