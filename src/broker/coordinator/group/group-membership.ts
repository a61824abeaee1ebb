/**
 * The classic group protocol's requests (Kafka's handleJoinGroup, handleSyncGroup, handleHeartbeat and
 * handleLeaveGroup): who may join and with which id (MEMBER_ID_REQUIRED, KIP-394; static members, KIP-345), which
 * answer each state gives, and when a request starts a rebalance. The rebalance itself and its timers are the state
 * machine's (group-state-machine.ts).
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../../errors';
import type { ConsumerGroup } from './consumer-group';
import { type ClassicGroup, Member, type JoinResult, type SyncResult, type Protocol } from './classic-group';
import { GroupContext, joinError, syncError } from './group-context';
import type { GroupMetadataManager } from './group-metadata-manager';
import type { GroupStateMachine } from './group-state-machine';
import type { RebalanceTrigger, RebalanceRecord } from './rebalance-journal';

export interface JoinGroupParams {
  groupId: string;
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: Protocol[];
  /** JoinGroup v4+: a new member must first learn its id (MEMBER_ID_REQUIRED). */
  requireKnownMemberId: boolean;
  /** JoinGroup v9+: a static leader replaced without a rebalance is told to skip the assignment. */
  supportsSkipAssignment: boolean;
  reason?: string | null;
}

export interface SyncGroupParams {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string | null;
  protocolName: string | null;
  assignments: Array<{ memberId: string; assignment: Buffer }>;
}

export interface LeaveGroupResult {
  errorCode: number;
  members: Array<{ memberId: string; groupInstanceId: string | null; errorCode: number }>;
}

const UNKNOWN_MEMBER_ID = '';

/** How classic requests reach a consumer group's classic members (consumer-group-classic-members.ts). */
interface ConsumerGroupBridge {
  join(group: ConsumerGroup, p: JoinGroupParams): Promise<JoinResult>;
  sync(group: ConsumerGroup, p: SyncGroupParams): Promise<SyncResult>;
  heartbeat(group: ConsumerGroup, p: { generationId: number; memberId: string; groupInstanceId: string | null }): number;
  leave(group: ConsumerGroup, members: Array<{ memberId: string; groupInstanceId: string | null; reason?: string | null }>): Promise<LeaveGroupResult>;
  /** A consumer group with no member left gives way to a classic group. */
  replaceEmpty(group: ConsumerGroup): ClassicGroup;
}

/** Without the consumer protocol (unit tests of the classic one): a consumer group takes no classic member. */
const NO_BRIDGE: ConsumerGroupBridge = {
  join: (_g, p) => Promise.resolve(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, p.memberId)),
  sync: () => Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID)),
  heartbeat: () => ErrorCode.UNKNOWN_MEMBER_ID,
  leave: (_g, members) => Promise.resolve({ errorCode: ErrorCode.NONE, members: members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode: ErrorCode.UNKNOWN_MEMBER_ID })) }),
  replaceEmpty: () => {
    throw new Error('no consumer protocol');
  },
};

export class GroupMembership {
  constructor(
    private readonly ctx: GroupContext,
    private readonly sm: GroupStateMachine,
    private readonly metadata: GroupMetadataManager,
    private readonly consumerGroups: ConsumerGroupBridge = NO_BRIDGE,
  ) {}

  joinGroup(p: JoinGroupParams): Promise<JoinResult> {
    if (!p.groupId) return Promise.resolve(joinError(ErrorCode.INVALID_GROUP_ID));
    if (p.sessionTimeoutMs < this.ctx.config.groupMinSessionTimeoutMs || p.sessionTimeoutMs > this.ctx.config.groupMaxSessionTimeoutMs) {
      return Promise.resolve(joinError(ErrorCode.INVALID_SESSION_TIMEOUT, p.memberId));
    }
    const live = this.ctx.liveGroup(p.groupId);
    // A consumer group with members takes the classic member in; an empty one gives way to a classic group.
    if (live?.type === 'consumer' && live.members.size > 0) return this.consumerGroups.join(live, p);
    let group = live?.type === 'consumer' ? this.consumerGroups.replaceEmpty(live) : live;
    if (!group) {
      if (p.memberId !== UNKNOWN_MEMBER_ID) return Promise.resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, p.memberId));
      group = this.ctx.createGroup(p.groupId);
    }
    if (!group.supportsProtocols(p.protocolType, p.protocols)) return Promise.resolve(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, p.memberId));
    return p.memberId === UNKNOWN_MEMBER_ID ? this.joinNewMember(group, p) : this.joinExistingMember(group, p);
  }

  private joinNewMember(group: ClassicGroup, p: JoinGroupParams): Promise<JoinResult> {
    const memberId = `${p.groupInstanceId ?? p.clientId}-${randomUUID()}`;
    if (p.groupInstanceId !== null) {
      const existingId = group.staticMembers.get(p.groupInstanceId);
      if (existingId && group.members.has(existingId)) return this.replaceStaticMember(group, existingId, memberId, p);
    }
    if (group.members.size >= this.ctx.config.groupMaxSize) return Promise.resolve(joinError(ErrorCode.GROUP_MAX_SIZE_REACHED));
    if (p.requireKnownMemberId && p.groupInstanceId === null) {
      // KIP-394: the member learns its id first, so a client that times out and retries is not counted twice.
      const t = this.ctx.clock.setTimeout(() => {
        group.pendingMembers.delete(memberId);
        if (group.is('PreparingRebalance')) this.sm.maybeCompleteJoin(group);
      }, p.sessionTimeoutMs);
      group.pendingMembers.set(memberId, t);
      return Promise.resolve(joinError(ErrorCode.MEMBER_ID_REQUIRED, memberId));
    }
    return this.addMemberAndRebalance(group, memberId, p, 'member joined');
  }

  private joinExistingMember(group: ClassicGroup, p: JoinGroupParams): Promise<JoinResult> {
    const pending = group.pendingMembers.get(p.memberId);
    if (pending) {
      this.ctx.clock.clearTimeout(pending);
      group.pendingMembers.delete(p.memberId);
      return this.addMemberAndRebalance(group, p.memberId, p, 'member joined');
    }
    const fenced = group.fencedInstance(p.memberId, p.groupInstanceId);
    if (fenced) return Promise.resolve(joinError(fenced, p.memberId));
    const member = group.members.get(p.memberId);
    if (!member) return Promise.resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, p.memberId));
    switch (group.state) {
      case 'PreparingRebalance':
        return this.updateMemberAndRebalance(group, member, p, 'member joined');
      case 'CompletingRebalance':
        if (member.sameProtocols(p.protocols)) {
          // A retried JoinGroup for the generation in progress: answer it again.
          return Promise.resolve(this.sm.joinResponse(group, member, ErrorCode.NONE));
        }
        return this.updateMemberAndRebalance(group, member, p, 'subscription or metadata change');
      case 'Stable':
      case 'Empty':
        if (p.memberId === group.leaderId) return this.updateMemberAndRebalance(group, member, p, 'leader rejoined');
        if (!member.sameProtocols(p.protocols)) return this.updateMemberAndRebalance(group, member, p, 'subscription or metadata change');
        // A follower rejoining with nothing changed gets the current generation without a rebalance.
        this.sm.heartbeatMember(group, member);
        return Promise.resolve(this.sm.joinResponse(group, member, ErrorCode.NONE));
      default:
        return Promise.resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, p.memberId));
    }
  }

  /** A static member came back with a new member id (a restart within the session timeout). */
  private replaceStaticMember(group: ClassicGroup, oldId: string, newId: string, p: JoinGroupParams): Promise<JoinResult> {
    const old = group.members.get(oldId)!;
    const before = group.snapshot();
    // The old incarnation is fenced: whatever it was waiting for ends now.
    old.awaitingJoin?.(joinError(ErrorCode.FENCED_INSTANCE_ID, oldId));
    old.awaitingSync?.(syncError(ErrorCode.FENCED_INSTANCE_ID));
    old.awaitingJoin = undefined;
    old.awaitingSync = undefined;
    this.ctx.clock.clearTimeout(old.heartbeatTimer);
    group.members.delete(oldId);
    old.memberId = newId;
    Object.assign(old, { clientId: p.clientId, clientHost: p.clientHost, sessionTimeoutMs: p.sessionTimeoutMs, rebalanceTimeoutMs: p.rebalanceTimeoutMs, protocols: p.protocols });
    group.members.set(newId, old);
    group.staticMembers.set(p.groupInstanceId!, newId);
    const wasLeader = group.leaderId === oldId;
    if (wasLeader) group.leaderId = newId;
    if (group.pendingSync.delete(oldId)) group.pendingSync.add(newId);
    this.ctx.groupChanged(group.groupId);

    const protocolUnchanged = group.protocolName !== null && group.selectProtocol() === group.protocolName;
    if (group.is('Stable') && protocolUnchanged) {
      this.sm.heartbeatMember(group, old);
      this.metadata.storeGroupInBackground(group);
      const now = this.ctx.now();
      const record: RebalanceRecord = {
        fromGeneration: group.generationId,
        toGeneration: group.generationId,
        trigger: 'static member replaced',
        triggeredBy: newId,
        detail: `static member ${p.groupInstanceId} rejoined as ${newId} within its session timeout: no rebalance`,
        removed: [],
        startedAt: now,
        endedAt: now,
        durationMs: 0,
        protocol: group.protocolName,
        before,
        after: group.snapshot(),
        moves: [],
        outcome: 'stable',
      };
      group.journal.event(record);
      this.ctx.logger.info(`group ${group.groupId}: static member ${p.groupInstanceId} replaced ${oldId} with ${newId} without a rebalance`);
      const r = this.sm.joinResponse(group, old, ErrorCode.NONE);
      if (wasLeader && p.supportsSkipAssignment) {
        // v9+: the replaced leader learns it leads, with the members, but must not run the assignor.
        r.skipAssignment = true;
      } else if (wasLeader) {
        // Before v9 Kafka answers a replaced leader with the old leader id and no members, so the client does not
        // think it leads and runs no assignment that a Stable group would ignore; no rebalance either way.
        r.leader = oldId;
        r.members = [];
      }
      return Promise.resolve(r);
    }
    if (group.is('PreparingRebalance')) {
      return new Promise((resolve) => {
        old.awaitingJoin = resolve;
        this.sm.maybeCompleteJoin(group);
      });
    }
    return new Promise((resolve) => {
      old.awaitingJoin = resolve;
      this.sm.prepareRebalance(group, 'static member replaced', newId, p.reason ?? undefined, before);
    });
  }

  private addMemberAndRebalance(group: ClassicGroup, memberId: string, p: JoinGroupParams, trigger: RebalanceTrigger): Promise<JoinResult> {
    const member = new Member(memberId, p.groupInstanceId, p.clientId, p.clientHost, p.rebalanceTimeoutMs, p.sessionTimeoutMs, p.protocolType, p.protocols, this.ctx.now());
    // The journal's "before" is the membership of the generation being left, without the newcomer.
    const before = group.snapshot();
    if (group.members.size === 0) group.protocolType = p.protocolType;
    group.members.set(memberId, member);
    if (p.groupInstanceId !== null) group.staticMembers.set(p.groupInstanceId, memberId);
    if (group.leaderId === null) group.leaderId = memberId;
    if (group.initialDelay) group.initialDelay.newMembersAdded = true;
    this.ctx.groupChanged(group.groupId);
    return new Promise((resolve) => {
      member.awaitingJoin = resolve;
      this.sm.scheduleHeartbeatExpiry(group, member);
      if (group.is('PreparingRebalance')) {
        this.sm.maybeCompleteJoin(group);
      } else {
        this.sm.prepareRebalance(group, trigger, memberId, p.reason ?? undefined, before);
      }
    });
  }

  private updateMemberAndRebalance(group: ClassicGroup, member: Member, p: JoinGroupParams, trigger: RebalanceTrigger): Promise<JoinResult> {
    member.protocols = p.protocols;
    member.sessionTimeoutMs = p.sessionTimeoutMs;
    member.rebalanceTimeoutMs = p.rebalanceTimeoutMs;
    member.clientId = p.clientId;
    member.clientHost = p.clientHost;
    this.ctx.groupChanged(group.groupId);
    return new Promise((resolve) => {
      member.awaitingJoin?.(joinError(ErrorCode.REBALANCE_IN_PROGRESS, member.memberId));
      member.awaitingJoin = resolve;
      this.sm.heartbeatMember(group, member);
      if (group.is('PreparingRebalance')) this.sm.maybeCompleteJoin(group);
      else this.sm.prepareRebalance(group, trigger, member.memberId, p.reason ?? undefined);
    });
  }

  syncGroup(p: SyncGroupParams): Promise<SyncResult> {
    const any = this.ctx.groups.get(p.groupId);
    if (any?.type === 'consumer') return this.consumerGroups.sync(any, p);
    const group = any;
    if (!group || group.is('Dead')) return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    const fenced = group.fencedInstance(p.memberId, p.groupInstanceId);
    if (fenced) return Promise.resolve(syncError(fenced));
    const member = group.members.get(p.memberId);
    if (!member) return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    if (p.generationId !== group.generationId) return Promise.resolve(syncError(ErrorCode.ILLEGAL_GENERATION));
    if ((p.protocolType !== null && p.protocolType !== group.protocolType) || (p.protocolName !== null && p.protocolName !== group.protocolName)) {
      return Promise.resolve(syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    }
    switch (group.state) {
      case 'Empty':
        return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
      case 'PreparingRebalance':
        return Promise.resolve(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      case 'Stable':
        this.sm.heartbeatMember(group, member);
        return Promise.resolve({ errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment });
      case 'CompletingRebalance':
        return new Promise((resolve) => {
          member.awaitingSync = resolve;
          group.pendingSync.delete(member.memberId);
          this.sm.heartbeatMember(group, member);
          if (member.memberId === group.leaderId) {
            const byId = new Map(p.assignments.map((a) => [a.memberId, a.assignment]));
            for (const m of group.members.values()) m.assignment = byId.get(m.memberId) ?? Buffer.alloc(0);
            void this.sm.completeSync(group);
          }
        });
      default:
        return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    }
  }

  /** Stores the assignment, then answers every member; a rebalance that starts meanwhile wins. */

  heartbeat(p: { groupId: string; generationId: number; memberId: string; groupInstanceId: string | null }): number {
    const any = this.ctx.groups.get(p.groupId);
    if (any?.type === 'consumer') return this.consumerGroups.heartbeat(any, p);
    const group = any;
    if (!group || group.is('Dead')) return ErrorCode.UNKNOWN_MEMBER_ID;
    const fenced = group.fencedInstance(p.memberId, p.groupInstanceId);
    if (fenced) return fenced;
    const member = group.members.get(p.memberId);
    if (!member || group.is('Empty')) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (p.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    this.sm.heartbeatMember(group, member);
    return group.is('PreparingRebalance') ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE;
  }

  /** LeaveGroup: removes each member (by member id, or by instance id for static members) and rebalances. */
  leaveGroup(groupId: string, members: Array<{ memberId: string; groupInstanceId: string | null; reason?: string | null }>): Promise<LeaveGroupResult> {
    const any = this.ctx.groups.get(groupId);
    if (any?.type === 'consumer') return this.consumerGroups.leave(any, members);
    return Promise.resolve(this.leaveClassicGroup(groupId, members));
  }

  private leaveClassicGroup(groupId: string, members: Array<{ memberId: string; groupInstanceId: string | null; reason?: string | null }>): LeaveGroupResult {
    const group = this.ctx.classicGroup(groupId);
    if (!group || group.is('Dead')) return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID, members: members.map((m) => ({ ...m, errorCode: ErrorCode.UNKNOWN_MEMBER_ID })) };
    const results = members.map((req) => {
      let memberId = req.memberId;
      if (req.groupInstanceId !== null) {
        const current = group.staticMembers.get(req.groupInstanceId);
        if (!current) return { memberId: req.memberId, groupInstanceId: req.groupInstanceId, errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
        if (memberId !== UNKNOWN_MEMBER_ID && memberId !== current) return { memberId: req.memberId, groupInstanceId: req.groupInstanceId, errorCode: ErrorCode.FENCED_INSTANCE_ID };
        memberId = current;
      }
      const pending = group.pendingMembers.get(memberId);
      if (pending) {
        this.ctx.clock.clearTimeout(pending);
        group.pendingMembers.delete(memberId);
        if (group.is('PreparingRebalance')) this.sm.maybeCompleteJoin(group);
        return { memberId: req.memberId, groupInstanceId: req.groupInstanceId, errorCode: ErrorCode.NONE };
      }
      const m = group.members.get(memberId);
      if (!m) return { memberId: req.memberId, groupInstanceId: req.groupInstanceId, errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
      this.ctx.logger.info(`group ${groupId}: member ${memberId} left${req.reason ? ` (${req.reason})` : ''}`);
      this.sm.memberGone(group, m, 'member left', req.reason ?? undefined);
      return { memberId: req.memberId, groupInstanceId: req.groupInstanceId, errorCode: ErrorCode.NONE };
    });
    return { errorCode: ErrorCode.NONE, members: results };
  }

}
