/**
 * The classic group's rebalance state machine, Empty → PreparingRebalance → CompletingRebalance → Stable, and the
 * timers that move it when members do not: the rebalance timeout of the join phase (Kafka's DelayedJoin), a new
 * group's group.initial.rebalance.delay.ms (InitialDelayedJoin), the sync timeout, and each member's session
 * timeout (DelayedHeartbeat). The request handlers (group-membership.ts) call in here; every rebalance is journalled.
 */
import { ErrorCode, KafkaError } from '../../errors';
import type { ClassicGroup, Member, JoinResult } from './classic-group';
import { GroupContext, syncError, joinError } from './group-context';
import type { GroupMetadataManager } from './group-metadata-manager';
import type { RebalanceTrigger, MemberSnapshot, JoinPhase } from './rebalance-journal';

export class GroupStateMachine {
  constructor(
    private readonly ctx: GroupContext,
    private readonly metadata: GroupMetadataManager,
  ) {}

  prepareRebalance(group: ClassicGroup, trigger: RebalanceTrigger, triggeredBy?: string, detail?: string, before: MemberSnapshot[] = group.snapshot()): void {
    const now = this.ctx.now();
    if (group.is('CompletingRebalance')) {
      // The assignment being collected is void: members waiting in SyncGroup must rejoin.
      for (const m of group.members.values()) {
        m.assignment = Buffer.alloc(0);
        m.awaitingSync?.(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
        m.awaitingSync = undefined;
      }
    }
    this.clearSyncTimer(group);
    const wasEmpty = group.is('Empty');
    group.journal.begin(group.generationId, trigger, before, now, triggeredBy, detail);
    group.transitionTo('PreparingRebalance', now);
    this.ctx.groupChanged(group.groupId);
    this.ctx.logger.info(`group ${group.groupId}: preparing to rebalance (generation ${group.generationId}, ${trigger}${triggeredBy ? ` by ${triggeredBy}` : ''})`);
    this.ctx.clock.clearTimeout(group.joinTimer);
    if (wasEmpty && this.ctx.config.groupInitialRebalanceDelayMs > 0) {
      // Kafka's InitialDelayedJoin: wait for more members of a group that is starting up.
      const delay = Math.min(this.ctx.config.groupInitialRebalanceDelayMs, group.maxRebalanceTimeoutMs());
      group.initialDelay = { deadline: now + group.maxRebalanceTimeoutMs(), delayMs: delay, newMembersAdded: false };
      this.armInitialDelay(group, delay);
    } else {
      group.joinTimer = this.ctx.clock.setTimeout(() => this.onJoinTimeout(group), group.maxRebalanceTimeoutMs());
      this.maybeCompleteJoin(group);
    }
  }

  private armInitialDelay(group: ClassicGroup, delay: number): void {
    group.joinTimer = this.ctx.clock.setTimeout(() => {
      const d = group.initialDelay;
      if (!d) return;
      const remaining = d.deadline - this.ctx.now();
      if (d.newMembersAdded && remaining > 0) {
        d.newMembersAdded = false;
        this.armInitialDelay(group, Math.min(d.delayMs, remaining));
      } else {
        group.initialDelay = undefined;
        this.completeJoin(group, 'initial rebalance delay', d.delayMs);
      }
    }, delay);
  }

  /** Ends the join phase as soon as nobody is left to wait for (and no initial delay is running). */
  maybeCompleteJoin(group: ClassicGroup): void {
    if (group.is('PreparingRebalance') && !group.initialDelay && group.allMembersJoined()) this.completeJoin(group, 'all members rejoined', group.maxRebalanceTimeoutMs());
  }

  private onJoinTimeout(group: ClassicGroup): void {
    if (!group.is('PreparingRebalance')) return;
    for (const [id, t] of group.pendingMembers) {
      this.ctx.clock.clearTimeout(t);
      group.pendingMembers.delete(id);
    }
    this.completeJoin(group, 'rebalance timeout', group.maxRebalanceTimeoutMs());
  }

  /** Kafka's onCompleteJoin: a new generation for the members that rejoined; the leader gets them all. */
  private completeJoin(group: ClassicGroup, endedBy: JoinPhase['endedBy'], limitMs: number): void {
    if (!group.is('PreparingRebalance')) return;
    this.ctx.clock.clearTimeout(group.joinTimer);
    group.joinTimer = undefined;
    const now = this.ctx.now();
    // Why did my group rebalance for so long: who the coordinator was still waiting for, and what ended the wait.
    const notRejoined = [...group.members.values()].filter((m) => !m.awaitingJoin).map((m) => ({ memberId: m.memberId, clientId: m.clientId, groupInstanceId: m.groupInstanceId }));
    group.journal.noteJoinPhase({ endedBy, limitMs, notRejoined }, now);
    // Dynamic members that did not rejoin are gone. Static ones stay (Kafka's onCompleteJoin, KIP-345): a static member
    // that is restarting keeps its place, and its partitions, until its session timeout says it is gone.
    for (const m of [...group.members.values()]) {
      if (!m.awaitingJoin && m.groupInstanceId === null) {
        this.ctx.logger.info(`group ${group.groupId}: member ${m.memberId} did not rejoin within the rebalance timeout; removing it`);
        this.removeMember(group, m, 'rebalance timeout');
      }
    }
    // The leader must be a member that rejoined, or nobody would compute the assignment (maybeElectNewJoinedLeader).
    const joined = [...group.members.values()].filter((m) => m.awaitingJoin);
    if (group.members.size > 0 && joined.length === 0) {
      // Only static members that have not come back: wait another rebalance timeout, while their session timeouts run.
      this.ctx.logger.warn(`group ${group.groupId}: no member rejoined; waiting for the static members ${[...group.members.values()].map((m) => m.groupInstanceId).join(', ')}`);
      group.joinTimer = this.ctx.clock.setTimeout(() => this.onJoinTimeout(group), group.maxRebalanceTimeoutMs());
      return;
    }
    if (group.leaderId !== null && !group.members.get(group.leaderId)?.awaitingJoin) group.leaderId = joined[0]?.memberId ?? null;
    group.generationId++;
    if (group.members.size === 0) {
      group.protocolName = null;
      group.leaderId = null;
      group.transitionTo('Empty', now);
      this.ctx.groupChanged(group.groupId);
      group.journal.end(group.generationId, null, [], now, 'empty');
      this.metadata.storeGroupInBackground(group);
      this.ctx.logger.info(`group ${group.groupId}: generation ${group.generationId} is empty`);
      return;
    }
    group.protocolName = group.selectProtocol();
    if (group.leaderId === null || !group.members.has(group.leaderId)) group.leaderId = group.members.keys().next().value!;
    group.transitionTo('CompletingRebalance', now);
    this.ctx.groupChanged(group.groupId);
    group.pendingSync.clear();
    for (const m of group.members.values()) group.pendingSync.add(m.memberId);
    this.ctx.logger.info(`group ${group.groupId}: generation ${group.generationId} with ${group.members.size} members, protocol ${group.protocolName}, leader ${group.leaderId}`);
    for (const m of group.members.values()) {
      const respond = m.awaitingJoin;
      m.awaitingJoin = undefined;
      m.isNew = false;
      // A static member that has not rejoined gets no answer now; its session timeout keeps running from its last
      // heartbeat, not from here.
      if (!respond) continue;
      this.heartbeatMember(group, m);
      respond(this.joinResponse(group, m, ErrorCode.NONE));
    }
    // Kafka 3.x removes members that do not send SyncGroup within the rebalance timeout.
    group.syncTimer = this.ctx.clock.setTimeout(() => this.onSyncTimeout(group), group.maxRebalanceTimeoutMs());
  }

  /** The JoinGroup answer of the current generation; only the leader gets the members and their metadata. */
  joinResponse(group: ClassicGroup, m: Member, errorCode: number): JoinResult {
    const isLeader = m.memberId === group.leaderId;
    return {
      errorCode,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leader: group.leaderId ?? '',
      skipAssignment: false,
      memberId: m.memberId,
      members: isLeader
        ? [...group.members.values()].map((x) => ({ memberId: x.memberId, groupInstanceId: x.groupInstanceId, metadata: x.metadataFor(group.protocolName!) }))
        : [],
    };
  }

  private onSyncTimeout(group: ClassicGroup): void {
    if (!group.is('CompletingRebalance') || group.pendingSync.size === 0) return;
    for (const id of [...group.pendingSync]) {
      const m = group.members.get(id);
      if (m) {
        this.ctx.logger.info(`group ${group.groupId}: member ${id} did not send SyncGroup within the rebalance timeout; removing it`);
        this.removeMember(group, m, 'sync timeout');
      }
    }
    this.prepareRebalance(group, 'sync timeout');
  }

  private clearSyncTimer(group: ClassicGroup): void {
    this.ctx.clock.clearTimeout(group.syncTimer);
    group.syncTimer = undefined;
  }

  /** Stores the assignment, then answers every member; a rebalance that starts meanwhile wins. */
  async completeSync(group: ClassicGroup): Promise<void> {
    const generation = group.generationId;
    try {
      await this.metadata.storeGroup(group);
    } catch (e) {
      if (!group.is('CompletingRebalance') || group.generationId !== generation) return;
      // Kafka answers the members with the storage error and starts over.
      const code = e instanceof KafkaError ? e.code : ErrorCode.COORDINATOR_NOT_AVAILABLE;
      for (const m of group.members.values()) {
        m.assignment = Buffer.alloc(0);
        m.awaitingSync?.(syncError(code));
        m.awaitingSync = undefined;
      }
      this.prepareRebalance(group, 'subscription or metadata change', undefined, `storing the assignment failed: ${(e as Error).message}`);
      return;
    }
    if (!group.is('CompletingRebalance') || group.generationId !== generation) return;
    const now = this.ctx.now();
    group.transitionTo('Stable', now);
    this.ctx.groupChanged(group.groupId);
    group.journal.end(group.generationId, group.protocolName, group.snapshot(), now, 'stable');
    for (const m of group.members.values()) {
      if (m.awaitingSync) {
        m.awaitingSync({ errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: m.assignment });
        m.awaitingSync = undefined;
      }
    }
    this.ctx.logger.info(`group ${group.groupId}: generation ${group.generationId} is stable`);
  }

  /** A member left or expired: remove it and rebalance what remains (Kafka's removeMemberAndUpdateGroup). */
  memberGone(group: ClassicGroup, m: Member, why: RebalanceTrigger, detail?: string): void {
    const state = group.state;
    if (state === 'Stable' || state === 'CompletingRebalance' || state === 'Empty') {
      group.journal.begin(group.generationId, why, group.snapshot(), this.ctx.now(), m.memberId, detail ?? m.clientId);
    }
    this.removeMember(group, m, why);
    if (state === 'Stable' || state === 'CompletingRebalance') this.prepareRebalance(group, why, m.memberId, detail);
    else if (state === 'PreparingRebalance') this.maybeCompleteJoin(group);
  }

  private removeMember(group: ClassicGroup, m: Member, why: RebalanceTrigger): void {
    this.ctx.clock.clearTimeout(m.heartbeatTimer);
    m.awaitingJoin?.(joinError(ErrorCode.UNKNOWN_MEMBER_ID, m.memberId));
    m.awaitingSync?.(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    m.awaitingJoin = undefined;
    m.awaitingSync = undefined;
    group.members.delete(m.memberId);
    group.pendingSync.delete(m.memberId);
    if (m.groupInstanceId !== null && group.staticMembers.get(m.groupInstanceId) === m.memberId) group.staticMembers.delete(m.groupInstanceId);
    if (group.leaderId === m.memberId) group.leaderId = group.members.keys().next().value ?? null;
    group.journal.noteRemoved(m.memberId, m.clientId, why);
    this.ctx.groupChanged(group.groupId);
  }

  /** The member is alive now: its session timeout starts over. */
  heartbeatMember(group: ClassicGroup, m: Member): void {
    m.lastHeartbeat = this.ctx.now();
    this.scheduleHeartbeatExpiry(group, m);
  }

  scheduleHeartbeatExpiry(group: ClassicGroup, m: Member): void {
    this.ctx.clock.clearTimeout(m.heartbeatTimer);
    m.heartbeatTimer = this.ctx.clock.setTimeout(() => this.onHeartbeatExpired(group, m), m.sessionTimeoutMs);
  }

  private onHeartbeatExpired(group: ClassicGroup, m: Member): void {
    if (group.members.get(m.memberId) !== m) return;
    // Members parked in a JoinGroup or SyncGroup are alive: their request is the heartbeat (Kafka's shouldKeepAlive).
    if (m.awaitingSync) return this.scheduleHeartbeatExpiry(group, m);
    if (m.awaitingJoin && !(m.isNew && this.ctx.now() - m.lastHeartbeat >= this.ctx.config.newMemberJoinTimeoutMs)) return this.scheduleHeartbeatExpiry(group, m);
    this.ctx.logger.info(`group ${group.groupId}: member ${m.memberId} (${m.clientId}) missed its session timeout of ${m.sessionTimeoutMs} ms; removing it`);
    this.memberGone(group, m, 'session timeout');
  }

  /**
   * The coordinator stops, or the group becomes a consumer group: timers are cancelled and every parked request is
   * answered with `errorCode`; members told MEMBER_ID_REQUIRED and not back yet are forgotten.
   */
  shutdown(group: ClassicGroup, errorCode: number = ErrorCode.COORDINATOR_NOT_AVAILABLE): void {
    this.ctx.clock.clearTimeout(group.joinTimer);
    group.joinTimer = undefined;
    group.initialDelay = undefined;
    this.clearSyncTimer(group);
    for (const t of group.pendingMembers.values()) this.ctx.clock.clearTimeout(t);
    group.pendingMembers.clear();
    for (const m of group.members.values()) {
      this.ctx.clock.clearTimeout(m.heartbeatTimer);
      m.awaitingJoin?.(joinError(errorCode, m.memberId));
      m.awaitingSync?.(syncError(errorCode));
      m.awaitingJoin = undefined;
      m.awaitingSync = undefined;
    }
  }

  /**
   * A classic group made from a consumer group (consumer-group-migration.ts): its members' session timeouts run from
   * now, and a rebalance makes each of them rejoin, so that the group's own assignor takes over.
   */
  adoptDowngraded(group: ClassicGroup): void {
    for (const m of group.members.values()) this.heartbeatMember(group, m);
    this.prepareRebalance(group, 'protocol downgrade', undefined, 'the last member of the consumer protocol left; the classic members rejoin');
  }
}
