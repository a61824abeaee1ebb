// JoinGroup 0-9: MEMBER_ID_REQUIRED from v4, static members (group.instance.id) from v5, reasons from v8,
// skipAssignment for a replaced static leader from v9. With an authorizer: READ on the group, as Kafka's KafkaApis.
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import { coordinatorError } from './group-common';
import { AclOperation, ResourceType, authorize } from '../authorize';

export default defineHandler({
  apiKey: 11,
  minVersion: 0,
  maxVersion: 9,
  async handle(ctx, req) {
    const v = ctx.apiVersion;
    const answer = (r: { errorCode: number; generationId: number; protocolType: string | null; protocolName: string | null; leader: string; skipAssignment: boolean; memberId: string; members: Array<{ memberId: string; groupInstanceId: string | null; metadata: Buffer }> }) => ({
      throttleTimeMs: 0,
      errorCode: r.errorCode,
      generationId: r.generationId,
      protocolType: v >= 7 ? r.protocolType : null,
      protocolName: v >= 7 ? r.protocolName : (r.protocolName ?? ''),
      leader: r.leader,
      skipAssignment: v >= 9 ? r.skipAssignment : false,
      memberId: r.memberId,
      members: r.members.map((m) => ({ memberId: m.memberId, groupInstanceId: v >= 5 ? m.groupInstanceId : null, metadata: m.metadata })),
    });
    // Kafka's JoinGroupRequest.getErrorResponse: no member id given back (a coordinator error keeps the one sent).
    if (!authorize(ctx, AclOperation.READ, ResourceType.GROUP, req.groupId)) return answer({ errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, generationId: -1, protocolType: null, protocolName: null, leader: '', skipAssignment: false, memberId: '', members: [] });
    const err = coordinatorError(ctx, req.groupId);
    if (err !== ErrorCode.NONE) return answer({ errorCode: err, generationId: -1, protocolType: null, protocolName: null, leader: '', skipAssignment: false, memberId: req.memberId, members: [] });
    const r = await ctx.cluster.groupCoordinator.joinGroup({
      groupId: req.groupId,
      memberId: req.memberId,
      groupInstanceId: v >= 5 ? req.groupInstanceId : null,
      clientId: ctx.header.clientId ?? '',
      clientHost: `/${ctx.clientHost}`,
      sessionTimeoutMs: req.sessionTimeoutMs,
      rebalanceTimeoutMs: v >= 1 ? req.rebalanceTimeoutMs : req.sessionTimeoutMs,
      protocolType: req.protocolType,
      protocols: req.protocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata) })),
      requireKnownMemberId: v >= 4,
      supportsSkipAssignment: v >= 9,
      reason: v >= 8 ? req.reason : null,
    });
    return answer(r);
  },
});
