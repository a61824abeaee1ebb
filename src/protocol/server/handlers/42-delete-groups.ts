// DeleteGroups 0-2: empty groups only (NON_EMPTY_GROUP otherwise); offsets and metadata get tombstones.
// With an authorizer, as Kafka's KafkaApis: DELETE on each group (GROUP_AUTHORIZATION_FAILED).
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import { coordinatorError } from './group-common';
import { AclOperation, ResourceType, authorize } from '../authorize';

export default defineHandler({
  apiKey: 42,
  minVersion: 0,
  maxVersion: 2,
  async handle(ctx, req) {
    // Kafka answers each group named once, the deleted (or failed) ones first, then those it refused.
    const names = [...new Set(req.groupsNames)];
    const allowed = names.filter((groupId) => authorize(ctx, AclOperation.DELETE, ResourceType.GROUP, groupId));
    const results = [];
    for (const groupId of allowed) {
      const err = coordinatorError(ctx, groupId);
      results.push({ groupId, errorCode: err !== ErrorCode.NONE ? err : await ctx.cluster.groupCoordinator.deleteGroup(groupId) });
    }
    for (const groupId of names) if (!allowed.includes(groupId)) results.push({ groupId, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED });
    return { throttleTimeMs: 0, results };
  },
});
