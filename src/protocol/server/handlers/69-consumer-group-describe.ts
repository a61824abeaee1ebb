// ConsumerGroupDescribe 0 (KIP-848): a consumer protocol group's epochs, assignor and members, each with its epoch,
// subscription, current assignment and target assignment. A classic group, or none, is GROUP_ID_NOT_FOUND.
// With an authorizer, as Kafka 4's KafkaApis: DESCRIBE on each group (GROUP_AUTHORIZATION_FAILED), the authorized
// operations when asked, and TOPIC_AUTHORIZATION_FAILED for a group whose assignments name a topic the principal
// may not describe (KAFKA-18813).
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import { coordinatorError } from './group-common';
import { OPERATIONS_NOT_REQUESTED } from '../../../broker/security/acl-operations';
import { assignmentToList, type Assignment } from '../../../broker/coordinator/group/consumer-group';
import type { DescribedGroup } from '../../messages/consumer-group-describe-response';
import { AclOperation, ResourceType, authorize, authorizedOperations, authorizedTopicNames } from '../authorize';

export default defineHandler({
  apiKey: 69,
  minVersion: 0,
  maxVersion: 0,
  handle(ctx, req) {
    const gc = ctx.cluster.groupCoordinator;
    const view = gc.consumerGroupView;
    const topics = (a: Assignment) => ({ topicPartitions: assignmentToList(a).map((t) => ({ topicId: t.topicId, topicName: view.topicName(t.topicId), partitions: t.partitions })) });
    const none = (groupId: string, errorCode: number, errorMessage: string | null): DescribedGroup => ({ errorCode, errorMessage, groupId, groupState: '', groupEpoch: 0, assignmentEpoch: 0, assignorName: '', members: [], authorizedOperations: OPERATIONS_NOT_REQUESTED });
    const describe = (groupId: string): DescribedGroup => {
      const err = coordinatorError(ctx, groupId);
      if (err !== ErrorCode.NONE) return none(groupId, err, null);
      const g = gc.group(groupId);
      if (!g || g.is('Dead')) return none(groupId, ErrorCode.GROUP_ID_NOT_FOUND, `Group ${groupId} not found.`);
      if (g.type !== 'consumer') return none(groupId, ErrorCode.GROUP_ID_NOT_FOUND, `Group ${groupId} is not a consumer group.`);
      return {
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        groupId,
        groupState: g.state,
        groupEpoch: g.groupEpoch,
        assignmentEpoch: g.assignmentEpoch,
        assignorName: g.assignorName || 'uniform',
        authorizedOperations: authorizedOperations(ctx, ResourceType.GROUP, groupId, req.includeAuthorizedOperations),
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
    };
    const decided = req.groupIds.map((groupId) => ({ groupId, allowed: authorize(ctx, AclOperation.DESCRIBE, ResourceType.GROUP, groupId) }));
    // Kafka answers the refused groups first, then the coordinator's descriptions of the others.
    const groups = [...decided.filter((d) => !d.allowed).map((d) => none(d.groupId, ErrorCode.GROUP_AUTHORIZATION_FAILED, null)), ...decided.filter((d) => d.allowed).map((d) => describe(d.groupId))];
    if (!ctx.cluster.authorizer) return { throttleTimeMs: 0, groups };
    // A description would tell which topics (ids, partitions) the group uses: one naming a topic the principal may
    // not describe is replaced by an error, as a whole.
    // A deleted topic has no name here (Kafka's description leaves it out): there is nothing to authorize.
    const assigned = (g: DescribedGroup) => g.members.flatMap((m) => [...m.assignment.topicPartitions, ...m.targetAssignment.topicPartitions].map((tp) => tp.topicName)).filter((name) => name !== '');
    const describable = authorizedTopicNames(ctx, AclOperation.DESCRIBE, groups.flatMap(assigned));
    return {
      throttleTimeMs: 0,
      groups: groups.map((g) => (assigned(g).every((name) => describable.has(name)) ? g : none(g.groupId, ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'The group has described topic(s) that the client is not authorized to describe.'))),
    };
  },
});
