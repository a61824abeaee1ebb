// ConsumerGroupHeartbeat 0-1 (KIP-848): a consumer protocol member's join (epoch 0), heartbeat, acknowledgement of its
// assignment and leave (epoch -1, or -2 for a static member coming back); the broker answers with the member's epoch
// and the partitions it may use now. v1: the client makes its member id up (KIP-1082) and may subscribe by pattern.
// With an authorizer, as Kafka 4's KafkaApis: READ on the group (GROUP_AUTHORIZATION_FAILED), then DESCRIBE on every
// topic subscribed to by name (TOPIC_AUTHORIZATION_FAILED, without a message, if any is refused).
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import { coordinatorError } from './group-common';
import { AclOperation, ResourceType, authorize, authorizedTopicNames } from '../authorize';

export default defineHandler({
  apiKey: 68,
  minVersion: 0,
  maxVersion: 1,
  async handle(ctx, req) {
    const fail = (errorCode: number, errorMessage: string | null = null) => ({ throttleTimeMs: 0, errorCode, errorMessage, memberId: null, memberEpoch: 0, heartbeatIntervalMs: 0, assignment: null });
    if (!authorize(ctx, AclOperation.READ, ResourceType.GROUP, req.groupId)) return fail(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    // KAFKA-18813: a member may not learn of (or be assigned) a topic it cannot describe. A regular expression is
    // not refused here: the coordinator leaves such topics out of what it matches.
    if (req.subscribedTopicNames !== null && req.subscribedTopicNames.length > 0) {
      const subscribed = new Set(req.subscribedTopicNames);
      if (authorizedTopicNames(ctx, AclOperation.DESCRIBE, subscribed).size < subscribed.size) return fail(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    }
    const err = coordinatorError(ctx, req.groupId);
    if (err !== ErrorCode.NONE) {
      const errorCode = err === ErrorCode.INVALID_GROUP_ID ? ErrorCode.INVALID_REQUEST : err;
      return fail(errorCode, errorCode === ErrorCode.INVALID_REQUEST ? "GroupId can't be empty." : null);
    }
    const r = await ctx.cluster.groupCoordinator.consumerGroupHeartbeat({
      apiVersion: ctx.apiVersion,
      groupId: req.groupId,
      memberId: req.memberId,
      memberEpoch: req.memberEpoch,
      instanceId: req.instanceId,
      rackId: req.rackId,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs,
      subscribedTopicNames: req.subscribedTopicNames,
      subscribedTopicRegex: ctx.apiVersion >= 1 ? req.subscribedTopicRegex : null,
      serverAssignor: req.serverAssignor,
      topicPartitions: req.topicPartitions,
      clientId: ctx.header.clientId ?? '',
      clientHost: `/${ctx.clientHost}`,
      // Kafka's filter logs no denial: a pattern is expected to match topics the member may not see.
      describableTopics: ctx.cluster.authorizer ? (names) => names.filter((name) => authorize(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, name, false)) : undefined,
    });
    return {
      throttleTimeMs: 0,
      errorCode: r.errorCode,
      errorMessage: r.errorMessage,
      memberId: r.memberId,
      memberEpoch: r.memberEpoch,
      heartbeatIntervalMs: r.heartbeatIntervalMs,
      assignment: r.assignment === null ? null : { topicPartitions: r.assignment },
    };
  },
});
