// DeleteGroups 0-2: empty groups only (NON_EMPTY_GROUP otherwise); offsets and metadata get tombstones.
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import { coordinatorError } from './group-common';

export default defineHandler({
  apiKey: 42,
  minVersion: 0,
  maxVersion: 2,
  async handle(ctx, req) {
    const results = [];
    for (const groupId of req.groupsNames) {
      const err = coordinatorError(ctx, groupId);
      results.push({ groupId, errorCode: err !== ErrorCode.NONE ? err : await ctx.cluster.groupCoordinator.deleteGroup(groupId) });
    }
    return { throttleTimeMs: 0, results };
  },
});
