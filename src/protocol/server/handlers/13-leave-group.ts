// LeaveGroup 0-5: one member (v0-2) or a batch of members by id or group.instance.id (v3+), with reasons (v5).
// With an authorizer: READ on the group, as Kafka's KafkaApis.
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import { coordinatorError } from './group-common';
import { AclOperation, ResourceType, authorize } from '../authorize';

export default defineHandler({
  apiKey: 13,
  minVersion: 0,
  maxVersion: 5,
  async handle(ctx, req) {
    const v = ctx.apiVersion;
    if (!authorize(ctx, AclOperation.READ, ResourceType.GROUP, req.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, members: [] };
    const members = v >= 3 ? req.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, reason: v >= 5 ? m.reason : null })) : [{ memberId: req.memberId, groupInstanceId: null, reason: null }];
    const err = coordinatorError(ctx, req.groupId);
    if (err !== ErrorCode.NONE) return { throttleTimeMs: 0, errorCode: err, members: [] };
    const r = await ctx.cluster.groupCoordinator.leaveGroup(req.groupId, members);
    if (v < 3) return { throttleTimeMs: 0, errorCode: r.members[0].errorCode, members: [] };
    return { throttleTimeMs: 0, errorCode: r.errorCode, members: r.members };
  },
});
