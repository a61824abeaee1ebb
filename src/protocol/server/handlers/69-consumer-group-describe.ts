// ConsumerGroupDescribe 0 (KIP-848): a consumer protocol group's epochs, assignor and members, each with its epoch,
// subscription, current assignment and target assignment. A classic group, or none, is GROUP_ID_NOT_FOUND.
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import { coordinatorError } from './group-common';
import { authorizedOperations, OPERATIONS_NOT_REQUESTED, ResourceType } from '../../../broker/security/acl-operations';
import { assignmentToList, type Assignment } from '../../../broker/coordinator/group/consumer-group';

export default defineHandler({
  apiKey: 69,
  minVersion: 0,
  maxVersion: 0,
  handle(ctx, req) {
    const gc = ctx.cluster.groupCoordinator;
    const view = gc.consumerGroupView;
    const ops = authorizedOperations(ResourceType.GROUP, req.includeAuthorizedOperations);
    const topics = (a: Assignment) => ({ topicPartitions: assignmentToList(a).map((t) => ({ topicId: t.topicId, topicName: view.topicName(t.topicId), partitions: t.partitions })) });
    return {
      throttleTimeMs: 0,
      groups: req.groupIds.map((groupId) => {
        const none = (errorCode: number, errorMessage: string | null) => ({ errorCode, errorMessage, groupId, groupState: '', groupEpoch: 0, assignmentEpoch: 0, assignorName: '', members: [], authorizedOperations: OPERATIONS_NOT_REQUESTED });
        const err = coordinatorError(ctx, groupId);
        if (err !== ErrorCode.NONE) return none(err, null);
        const g = gc.group(groupId);
        if (!g || g.is('Dead')) return none(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${groupId} not found.`);
        if (g.type !== 'consumer') return none(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${groupId} is not a consumer group.`);
        return {
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          groupId,
          groupState: g.state,
          groupEpoch: g.groupEpoch,
          assignmentEpoch: g.assignmentEpoch,
          assignorName: g.assignorName || 'uniform',
          authorizedOperations: ops,
          members: [...g.members.values()].map((m) => ({
            memberId: m.memberId,
            instanceId: m.instanceId,
            rackId: m.rackId,
            memberEpoch: m.memberEpoch,
            clientId: m.clientId,
            clientHost: m.clientHost,
            subscribedTopicNames: m.subscribedTopicNames,
            subscribedTopicRegex: m.subscribedTopicRegex,
            assignment: topics(m.assignedPartitions),
            targetAssignment: topics(g.targetAssignment.get(m.memberId) ?? new Map()),
          })),
        };
      }),
    };
  },
});
