// Heartbeat 0-4: keeps a member in its group; REBALANCE_IN_PROGRESS tells it to rejoin. With an authorizer: READ on
// the group, as Kafka's KafkaApis.
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import { coordinatorError } from './group-common';
import { AclOperation, ResourceType, authorize } from '../authorize';

export default defineHandler({
  apiKey: 12,
  minVersion: 0,
  maxVersion: 4,
  handle(ctx, req) {
    if (!authorize(ctx, AclOperation.READ, ResourceType.GROUP, req.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED };
    const err = coordinatorError(ctx, req.groupId);
    const errorCode = err !== ErrorCode.NONE ? err : ctx.cluster.groupCoordinator.heartbeat({
      groupId: req.groupId,
      generationId: req.generationId,
      memberId: req.memberId,
      groupInstanceId: ctx.apiVersion >= 3 ? req.groupInstanceId : null,
    });
    return { throttleTimeMs: 0, errorCode };
  },
});
