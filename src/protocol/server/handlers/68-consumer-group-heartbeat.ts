// ConsumerGroupHeartbeat 0-1 (KIP-848): a consumer protocol member's join (epoch 0), heartbeat, acknowledgement of its
// assignment and leave (epoch -1, or -2 for a static member coming back); the broker answers with the member's epoch
// and the partitions it may use now. v1: the client makes its member id up (KIP-1082) and may subscribe by pattern.
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import { coordinatorError } from './group-common';

export default defineHandler({
  apiKey: 68,
  minVersion: 0,
  maxVersion: 1,
  async handle(ctx, req) {
    const err = coordinatorError(ctx, req.groupId);
    if (err !== ErrorCode.NONE) {
      const errorCode = err === ErrorCode.INVALID_GROUP_ID ? ErrorCode.INVALID_REQUEST : err;
      return { throttleTimeMs: 0, errorCode, errorMessage: errorCode === ErrorCode.INVALID_REQUEST ? "GroupId can't be empty." : null, memberId: null, memberEpoch: 0, heartbeatIntervalMs: 0, assignment: null };
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
