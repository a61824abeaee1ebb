// DescribeGroups 0-5: state, protocol, members with client id, host, metadata and assignment (instance ids v4+).
// Classic groups only, as in Kafka 4: a consumer protocol group is described by ConsumerGroupDescribe, and here reads
// as a group that does not exist (Dead, no error before v6). With an authorizer, as Kafka's KafkaApis: DESCRIBE on
// each group (GROUP_AUTHORIZATION_FAILED), and the authorized operations (v3+, when asked) from the ACLs.
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import { coordinatorError } from './group-common';
import { OPERATIONS_NOT_REQUESTED } from '../../../broker/security/acl-operations';
import { AclOperation, ResourceType, authorize, authorizedOperations } from '../authorize';

export default defineHandler({
  apiKey: 15,
  minVersion: 0,
  maxVersion: 5,
  handle(ctx, req) {
    const v = ctx.apiVersion;
    const requested = v >= 3 && req.includeAuthorizedOperations;
    const empty = (groupId: string, errorCode: number, groupState = '') => ({ errorCode, groupId, groupState, protocolType: '', protocolData: '', members: [], authorizedOperations: errorCode === ErrorCode.NONE ? authorizedOperations(ctx, ResourceType.GROUP, groupId, requested) : OPERATIONS_NOT_REQUESTED });
    const describe = (groupId: string) => {
      const err = coordinatorError(ctx, groupId);
      if (err !== ErrorCode.NONE) return empty(groupId, err);
      const g = ctx.cluster.groupCoordinator.group(groupId);
      if (g?.type !== 'classic') return empty(groupId, ErrorCode.NONE, 'Dead');
      const showData = g.is('Stable');
      return {
        errorCode: ErrorCode.NONE,
        groupId,
        groupState: g.state,
        protocolType: g.protocolType ?? '',
        protocolData: g.is('Stable', 'CompletingRebalance') ? g.protocolName ?? '' : '',
        authorizedOperations: authorizedOperations(ctx, ResourceType.GROUP, groupId, requested),
        members: [...g.members.values()].map((m) => ({
          memberId: m.memberId,
          groupInstanceId: v >= 4 ? m.groupInstanceId : null,
          clientId: m.clientId,
          clientHost: m.clientHost,
          memberMetadata: showData && g.protocolName ? m.metadataFor(g.protocolName) : Buffer.alloc(0),
          memberAssignment: showData ? m.assignment : Buffer.alloc(0),
        })),
      };
    };
    const decided = req.groups.map((groupId) => ({ groupId, allowed: authorize(ctx, AclOperation.DESCRIBE, ResourceType.GROUP, groupId) }));
    // Kafka answers the refused groups first, then the coordinator's descriptions of the others.
    const denied = decided.filter((d) => !d.allowed).map((d) => empty(d.groupId, ErrorCode.GROUP_AUTHORIZATION_FAILED));
    return { throttleTimeMs: 0, groups: [...denied, ...decided.filter((d) => d.allowed).map((d) => describe(d.groupId))] };
  },
});
