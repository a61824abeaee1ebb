// Shared by the group handlers: is this node the group's coordinator?
import type { RequestContext } from '../handler';
import { ErrorCode, errorCodeOf } from '../../../broker/errors';

/** NONE when this node coordinates `groupId`, else NOT_COORDINATOR / COORDINATOR_NOT_AVAILABLE / INVALID_GROUP_ID. */
export function coordinatorError(ctx: RequestContext, groupId: string): number {
  if (!groupId) return ErrorCode.INVALID_GROUP_ID;
  try {
    ctx.cluster.groupCoordinator.checkCoordinator(groupId, ctx.nodeId);
    return ErrorCode.NONE;
  } catch (e) {
    return errorCodeOf(e);
  }
}
