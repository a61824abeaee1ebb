// DescribeGroups 0-5: state, protocol, members with client id, host, metadata and assignment (instance ids v4+).
// Classic groups only, as in Kafka 4: a consumer protocol group is described by ConsumerGroupDescribe, and here reads
// as a group that does not exist (Dead, no error before v6).
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import { coordinatorError } from './group-common';
import { authorizedOperations, OPERATIONS_NOT_REQUESTED, ResourceType } from '../../../broker/security/acl-operations';


export default defineHandler({
  apiKey: 15,
  minVersion: 0,
  maxVersion: 5,
  handle(ctx, req) {
    const v = ctx.apiVersion;
    // v3+: what the client may do with each group it could describe (every group operation: there is no authorizer).
    const ops = authorizedOperations(ResourceType.GROUP, v >= 3 && req.includeAuthorizedOperations);
    return {
      throttleTimeMs: 0,
      groups: req.groups.map((groupId) => {
        const empty = (errorCode: number, groupState = '') => ({ errorCode, groupId, groupState, protocolType: '', protocolData: '', members: [], authorizedOperations: errorCode === ErrorCode.NONE ? ops : OPERATIONS_NOT_REQUESTED });
        const err = coordinatorError(ctx, groupId);
        if (err !== ErrorCode.NONE) return empty(err);
        const g = ctx.cluster.groupCoordinator.group(groupId);
        if (g?.type !== 'classic') return empty(ErrorCode.NONE, 'Dead');
        const showData = g.is('Stable');
        return {
          errorCode: ErrorCode.NONE,
          groupId,
          groupState: g.state,
          protocolType: g.protocolType ?? '',
          protocolData: g.is('Stable', 'CompletingRebalance') ? g.protocolName ?? '' : '',
          authorizedOperations: ops,
          members: [...g.members.values()].map((m) => ({
            memberId: m.memberId,
            groupInstanceId: v >= 4 ? m.groupInstanceId : null,
            clientId: m.clientId,
            clientHost: m.clientHost,
            memberMetadata: showData && g.protocolName ? m.metadataFor(g.protocolName) : Buffer.alloc(0),
            memberAssignment: showData ? m.assignment : Buffer.alloc(0),
          })),
        };
      }),
    };
  },
});
