// SyncGroup 0-5: the leader's assignment reaches every member; protocol type and name are checked from v5.
// With an authorizer: READ on the group, as Kafka's KafkaApis.
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import { coordinatorError } from './group-common';
import { AclOperation, ResourceType, authorize } from '../authorize';

export default defineHandler({
  apiKey: 14,
  minVersion: 0,
  maxVersion: 5,
  async handle(ctx, req) {
    const v = ctx.apiVersion;
    const fail = (errorCode: number) => ({ throttleTimeMs: 0, errorCode, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) });
    // KIP-559: from v5 both are mandatory; Kafka refuses a request without them before it authorizes it.
    if (v >= 5 && (req.protocolType === null || req.protocolName === null)) return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    if (!authorize(ctx, AclOperation.READ, ResourceType.GROUP, req.groupId)) return fail(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    const err = coordinatorError(ctx, req.groupId);
    if (err !== ErrorCode.NONE) return fail(err);
    const r = await ctx.cluster.groupCoordinator.syncGroup({
      groupId: req.groupId,
      generationId: req.generationId,
      memberId: req.memberId,
      groupInstanceId: v >= 3 ? req.groupInstanceId : null,
      protocolType: v >= 5 ? req.protocolType : null,
      protocolName: v >= 5 ? req.protocolName : null,
      assignments: req.assignments.map((a) => ({ memberId: a.memberId, assignment: Buffer.from(a.assignment) })),
    });
    return { throttleTimeMs: 0, errorCode: r.errorCode, protocolType: v >= 5 ? r.protocolType : null, protocolName: v >= 5 ? r.protocolName : null, assignment: r.assignment };
  },
});
