// DeleteGroups 0-2: empty groups only (NON_EMPTY_GROUP otherwise); offsets and metadata get tombstones.
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import { coordinatorError } from './group-common';

export default defineHandler({
  apiKey: 42,
  minVersion: 0,
  maxVersion: 2,
  handle(ctx, req) {
    return {
      throttleTimeMs: 0,
      results: req.groupsNames.map((groupId) => {
        const err = coordinatorError(ctx, groupId);
        return { groupId, errorCode: err !== ErrorCode.NONE ? err : ctx.cluster.groupCoordinator.deleteGroup(groupId) };
      }),
    };
  },
});
