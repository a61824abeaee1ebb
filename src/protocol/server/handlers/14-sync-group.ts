// SyncGroup 0-5: the leader's assignment reaches every member; protocol type and name are checked from v5.
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import { coordinatorError } from './group-common';

export default defineHandler({
  apiKey: 14,
  minVersion: 0,
  maxVersion: 5,
  async handle(ctx, req) {
    const v = ctx.apiVersion;
    const err = coordinatorError(ctx, req.groupId);
    if (err !== ErrorCode.NONE) return { throttleTimeMs: 0, errorCode: err, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) };
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
