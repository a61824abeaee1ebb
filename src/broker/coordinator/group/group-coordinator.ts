/**
 * Kafka's classic group coordinator: JoinGroup / SyncGroup / Heartbeat / LeaveGroup with generations, the
 * rebalance and session timeouts, group.initial.rebalance.delay.ms, static membership (KIP-345), MEMBER_ID_REQUIRED
 * (KIP-394), and offsets and group metadata kept as records in the compacted __consumer_offsets topic. Every
 * rebalance is journalled with its trigger. Cooperative rebalancing (KIP-429) needs nothing more of the broker:
 * clients run it over this same protocol.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode, KafkaError } from '../../errors';
import { Logger, silentLogger } from '../../logger';
import { ClassicGroup, Member, JoinResult, SyncResult, Protocol, CommittedOffset } from './classic-group';
import { RebalanceTrigger, RebalanceRecord, MemberSnapshot, JoinPhase } from './rebalance-journal';
import { partitionForGroup } from './group-partitioner';
import { offsetCommitKey, offsetCommitValue, groupMetadataKey, groupMetadataValue, decodeOffsetsTopicRecord } from './offsets-records';
import { decodeSubscriptionTopics } from './consumer-protocol';

export interface OffsetsTopicRecordIn {
  key: Buffer;
  value: Buffer | null;
  /** Read back: the producer of a transactional batch (its offsets count once its COMMIT marker follows). */
  producerId?: number;
  /** Read back: a transaction marker of `producerId` (key and value are empty). */
  control?: 'commit' | 'abort';
}

/** How the coordinator reaches __consumer_offsets (the cluster implements it). */
export interface OffsetsTopicStore {
  readonly numPartitions: number;
  /**
   * Appends the records as one batch to the partition's leader and resolves once the in-sync replicas have them
   * (Kafka's coordinator writes with acks=all); rejects with a KafkaError when it cannot.
   */
  append(partition: number, records: OffsetsTopicRecordIn[]): Promise<void>;
  /** The same as one transactional batch of the producer (TxnOffsetCommit); its transaction's marker decides it. */
  appendTransactional(partition: number, records: OffsetsTopicRecordIn[], producerId: number, producerEpoch: number): Promise<void>;
  /** Every record of the partition, oldest first. */
  read(partition: number): Iterable<OffsetsTopicRecordIn>;
  /** The node leading the partition, or -1 when none is up. */
  leaderOf(partition: number): number;
}

export interface GroupCoordinatorConfig {
  groupMinSessionTimeoutMs: number;
  groupMaxSessionTimeoutMs: number;
  groupMaxSize: number;
  groupInitialRebalanceDelayMs: number;
  offsetsRetentionMs: number;
  offsetMetadataMaxBytes: number;
  /** How long a member told MEMBER_ID_REQUIRED, or new in a rebalance, may take to come back. */
  newMemberJoinTimeoutMs: number;
}

export const DEFAULT_GROUP_CONFIG: GroupCoordinatorConfig = {
  groupMinSessionTimeoutMs: 6000,
  groupMaxSessionTimeoutMs: 1800000,
  groupMaxSize: 2147483647,
  groupInitialRebalanceDelayMs: 3000,
  offsetsRetentionMs: 7 * 24 * 3600 * 1000,
  offsetMetadataMaxBytes: 4096,
  newMemberJoinTimeoutMs: 5 * 60 * 1000,
};

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

export interface OffsetCommitPartition {
  topic: string;
  partition: number;
  offset: number;
  leaderEpoch: number;
  metadata: string | null;
}

const UNKNOWN_MEMBER_ID = '';

/** The group a record of __consumer_offsets is about, or undefined (markers, unknown record types). */
function groupOfRecord(rec: OffsetsTopicRecordIn): string | undefined {
  try {
    const r = decodeOffsetsTopicRecord(rec.key, rec.value);
    return r.type === 'unknown' ? undefined : r.group;
  } catch {
    return undefined;
  }
}

function joinError(errorCode: number, memberId = ''): JoinResult {
  return { errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', skipAssignment: false, memberId, members: [] };
}

function syncError(errorCode: number): SyncResult {
  return { errorCode, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) };
}

export class GroupCoordinator {
  private readonly groups = new Map<string, ClassicGroup>();
  /**
   * Offsets committed inside transactions and not decided yet, by producer id, then group, then "topic\u0000partition"
   * (Kafka's pendingTransactionalOffsetCommits): they count once the transaction's COMMIT marker is written.
   */
  private readonly pendingTxnOffsets = new Map<number, Map<string, Map<string, CommittedOffset>>>();
  private readonly logger: Logger;
  private readonly now: () => number;
  private expiryTimer?: NodeJS.Timeout;

  constructor(
    private readonly store: OffsetsTopicStore,
    private readonly config: GroupCoordinatorConfig = DEFAULT_GROUP_CONFIG,
    opts: { logger?: Logger; now?: () => number } = {},
  ) {
    this.logger = opts.logger ?? silentLogger;
    this.now = opts.now ?? Date.now;
  }

  partitionFor(groupId: string): number {
    return partitionForGroup(groupId, this.store.numPartitions);
  }

  /** NOT_COORDINATOR unless `nodeId` leads the group's __consumer_offsets partition. */
  checkCoordinator(groupId: string, nodeId: number): void {
    const leader = this.store.leaderOf(this.partitionFor(groupId));
    if (leader < 0) throw new KafkaError('COORDINATOR_NOT_AVAILABLE', `no leader for the __consumer_offsets partition of group ${groupId}`);
    if (leader !== nodeId) throw new KafkaError('NOT_COORDINATOR', `node ${nodeId} is not the coordinator of group ${groupId} (node ${leader} is)`);
  }

  coordinatorFor(groupId: string): number {
    return this.store.leaderOf(this.partitionFor(groupId));
  }

  group(groupId: string): ClassicGroup | undefined {
    return this.groups.get(groupId);
  }

  allGroups(): ClassicGroup[] {
    return [...this.groups.values()].filter((g) => !g.is('Dead'));
  }

  // ---------------------------------------------------------------- JoinGroup

  joinGroup(p: JoinGroupParams): Promise<JoinResult> {
    if (!p.groupId) return Promise.resolve(joinError(ErrorCode.INVALID_GROUP_ID));
    if (p.sessionTimeoutMs < this.config.groupMinSessionTimeoutMs || p.sessionTimeoutMs > this.config.groupMaxSessionTimeoutMs) {
      return Promise.resolve(joinError(ErrorCode.INVALID_SESSION_TIMEOUT, p.memberId));
    }
    let group = this.groups.get(p.groupId);
    if (group?.is('Dead')) {
      this.groups.delete(p.groupId);
      group = undefined;
    }
    if (!group) {
      if (p.memberId !== UNKNOWN_MEMBER_ID) return Promise.resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, p.memberId));
      group = new ClassicGroup(p.groupId, this.now());
      this.groups.set(p.groupId, group);
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
    if (group.members.size >= this.config.groupMaxSize) return Promise.resolve(joinError(ErrorCode.GROUP_MAX_SIZE_REACHED));
    if (p.requireKnownMemberId && p.groupInstanceId === null) {
      // KIP-394: the member learns its id first, so a client that times out and retries is not counted twice.
      const t = setTimeout(() => {
        group.pendingMembers.delete(memberId);
        if (group.is('PreparingRebalance')) this.maybeCompleteJoin(group);
      }, p.sessionTimeoutMs);
      t.unref?.();
      group.pendingMembers.set(memberId, t);
      return Promise.resolve(joinError(ErrorCode.MEMBER_ID_REQUIRED, memberId));
    }
    return this.addMemberAndRebalance(group, memberId, p, 'member joined');
  }

  private joinExistingMember(group: ClassicGroup, p: JoinGroupParams): Promise<JoinResult> {
    const pending = group.pendingMembers.get(p.memberId);
    if (pending) {
      clearTimeout(pending);
      group.pendingMembers.delete(p.memberId);
      return this.addMemberAndRebalance(group, p.memberId, p, 'member joined');
    }
    const fenced = this.fencedInstance(group, p.memberId, p.groupInstanceId);
    if (fenced) return Promise.resolve(joinError(fenced, p.memberId));
    const member = group.members.get(p.memberId);
    if (!member) return Promise.resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, p.memberId));
    switch (group.state) {
      case 'PreparingRebalance':
        return this.updateMemberAndRebalance(group, member, p, 'member joined');
      case 'CompletingRebalance':
        if (member.sameProtocols(p.protocols)) {
          // A retried JoinGroup for the generation in progress: answer it again.
          return Promise.resolve(this.joinResponse(group, member, ErrorCode.NONE));
        }
        return this.updateMemberAndRebalance(group, member, p, 'subscription or metadata change');
      case 'Stable':
      case 'Empty':
        if (p.memberId === group.leaderId) return this.updateMemberAndRebalance(group, member, p, 'leader rejoined');
        if (!member.sameProtocols(p.protocols)) return this.updateMemberAndRebalance(group, member, p, 'subscription or metadata change');
        // A follower rejoining with nothing changed gets the current generation without a rebalance.
        this.heartbeatMember(group, member);
        return Promise.resolve(this.joinResponse(group, member, ErrorCode.NONE));
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
    if (old.heartbeatTimer) clearTimeout(old.heartbeatTimer);
    group.members.delete(oldId);
    old.memberId = newId;
    Object.assign(old, { clientId: p.clientId, clientHost: p.clientHost, sessionTimeoutMs: p.sessionTimeoutMs, rebalanceTimeoutMs: p.rebalanceTimeoutMs, protocols: p.protocols });
    group.members.set(newId, old);
    group.staticMembers.set(p.groupInstanceId!, newId);
    const wasLeader = group.leaderId === oldId;
    if (wasLeader) group.leaderId = newId;
    if (group.pendingSync.delete(oldId)) group.pendingSync.add(newId);

    const protocolUnchanged = group.protocolName !== null && group.selectProtocol() === group.protocolName;
    if (group.is('Stable') && protocolUnchanged) {
      this.heartbeatMember(group, old);
      this.persistGroupInBackground(group);
      const now = this.now();
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
      this.logger.info(`group ${group.groupId}: static member ${p.groupInstanceId} replaced ${oldId} with ${newId} without a rebalance`);
      const r = this.joinResponse(group, old, ErrorCode.NONE);
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
        this.maybeCompleteJoin(group);
      });
    }
    return new Promise((resolve) => {
      old.awaitingJoin = resolve;
      this.prepareRebalance(group, 'static member replaced', newId, p.reason ?? undefined, before);
    });
  }

  private addMemberAndRebalance(group: ClassicGroup, memberId: string, p: JoinGroupParams, trigger: RebalanceTrigger): Promise<JoinResult> {
    const member = new Member(memberId, p.groupInstanceId, p.clientId, p.clientHost, p.rebalanceTimeoutMs, p.sessionTimeoutMs, p.protocolType, p.protocols, this.now());
    // The journal's "before" is the membership of the generation being left, without the newcomer.
    const before = group.snapshot();
    if (group.members.size === 0) group.protocolType = p.protocolType;
    group.members.set(memberId, member);
    if (p.groupInstanceId !== null) group.staticMembers.set(p.groupInstanceId, memberId);
    if (group.leaderId === null) group.leaderId = memberId;
    if (group.initialDelay) group.initialDelay.newMembersAdded = true;
    return new Promise((resolve) => {
      member.awaitingJoin = resolve;
      this.scheduleHeartbeatExpiry(group, member);
      if (group.is('PreparingRebalance')) {
        this.maybeCompleteJoin(group);
      } else {
        this.prepareRebalance(group, trigger, memberId, p.reason ?? undefined, before);
      }
    });
  }

  private updateMemberAndRebalance(group: ClassicGroup, member: Member, p: JoinGroupParams, trigger: RebalanceTrigger): Promise<JoinResult> {
    member.protocols = p.protocols;
    member.sessionTimeoutMs = p.sessionTimeoutMs;
    member.rebalanceTimeoutMs = p.rebalanceTimeoutMs;
    member.clientId = p.clientId;
    member.clientHost = p.clientHost;
    return new Promise((resolve) => {
      member.awaitingJoin?.(joinError(ErrorCode.REBALANCE_IN_PROGRESS, member.memberId));
      member.awaitingJoin = resolve;
      this.heartbeatMember(group, member);
      if (group.is('PreparingRebalance')) this.maybeCompleteJoin(group);
      else this.prepareRebalance(group, trigger, member.memberId, p.reason ?? undefined);
    });
  }

  private prepareRebalance(group: ClassicGroup, trigger: RebalanceTrigger, triggeredBy?: string, detail?: string, before: MemberSnapshot[] = group.snapshot()): void {
    const now = this.now();
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
    this.logger.info(`group ${group.groupId}: preparing to rebalance (generation ${group.generationId}, ${trigger}${triggeredBy ? ` by ${triggeredBy}` : ''})`);
    if (group.joinTimer) clearTimeout(group.joinTimer);
    if (wasEmpty && this.config.groupInitialRebalanceDelayMs > 0) {
      // Kafka's InitialDelayedJoin: wait for more members of a group that is starting up.
      const delay = Math.min(this.config.groupInitialRebalanceDelayMs, group.maxRebalanceTimeoutMs());
      group.initialDelay = { deadline: now + group.maxRebalanceTimeoutMs(), delayMs: delay, newMembersAdded: false };
      this.armInitialDelay(group, delay);
    } else {
      group.joinTimer = setTimeout(() => this.onJoinTimeout(group), group.maxRebalanceTimeoutMs());
      group.joinTimer.unref?.();
      this.maybeCompleteJoin(group);
    }
  }

  private armInitialDelay(group: ClassicGroup, delay: number): void {
    group.joinTimer = setTimeout(() => {
      const d = group.initialDelay;
      if (!d) return;
      const remaining = d.deadline - this.now();
      if (d.newMembersAdded && remaining > 0) {
        d.newMembersAdded = false;
        this.armInitialDelay(group, Math.min(d.delayMs, remaining));
      } else {
        group.initialDelay = undefined;
        this.completeJoin(group, 'initial rebalance delay', d.delayMs);
      }
    }, delay);
    group.joinTimer.unref?.();
  }

  private maybeCompleteJoin(group: ClassicGroup): void {
    if (group.is('PreparingRebalance') && !group.initialDelay && group.allMembersJoined()) this.completeJoin(group, 'all members rejoined', group.maxRebalanceTimeoutMs());
  }

  private onJoinTimeout(group: ClassicGroup): void {
    if (!group.is('PreparingRebalance')) return;
    for (const [id, t] of group.pendingMembers) {
      clearTimeout(t);
      group.pendingMembers.delete(id);
    }
    this.completeJoin(group, 'rebalance timeout', group.maxRebalanceTimeoutMs());
  }

  private completeJoin(group: ClassicGroup, endedBy: JoinPhase['endedBy'], limitMs: number): void {
    if (!group.is('PreparingRebalance')) return;
    if (group.joinTimer) clearTimeout(group.joinTimer);
    group.joinTimer = undefined;
    const now = this.now();
    // Why did my group rebalance for so long: who the coordinator was still waiting for, and what ended the wait.
    const notRejoined = [...group.members.values()].filter((m) => !m.awaitingJoin).map((m) => ({ memberId: m.memberId, clientId: m.clientId, groupInstanceId: m.groupInstanceId }));
    group.journal.noteJoinPhase({ endedBy, limitMs, notRejoined }, now);
    // Dynamic members that did not rejoin are gone. Static ones stay (Kafka's onCompleteJoin, KIP-345): a static member
    // that is restarting keeps its place, and its partitions, until its session timeout says it is gone.
    for (const m of [...group.members.values()]) {
      if (!m.awaitingJoin && m.groupInstanceId === null) {
        this.logger.info(`group ${group.groupId}: member ${m.memberId} did not rejoin within the rebalance timeout; removing it`);
        this.removeMember(group, m, 'rebalance timeout');
      }
    }
    // The leader must be a member that rejoined, or nobody would compute the assignment (maybeElectNewJoinedLeader).
    const joined = [...group.members.values()].filter((m) => m.awaitingJoin);
    if (group.members.size > 0 && joined.length === 0) {
      // Only static members that have not come back: wait another rebalance timeout, while their session timeouts run.
      this.logger.warn(`group ${group.groupId}: no member rejoined; waiting for the static members ${[...group.members.values()].map((m) => m.groupInstanceId).join(', ')}`);
      group.joinTimer = setTimeout(() => this.onJoinTimeout(group), group.maxRebalanceTimeoutMs());
      group.joinTimer.unref?.();
      return;
    }
    if (group.leaderId !== null && !group.members.get(group.leaderId)?.awaitingJoin) group.leaderId = joined[0]?.memberId ?? null;
    group.generationId++;
    if (group.members.size === 0) {
      group.protocolName = null;
      group.leaderId = null;
      group.transitionTo('Empty', now);
      group.journal.end(group.generationId, null, [], now, 'empty');
      this.persistGroupInBackground(group);
      this.logger.info(`group ${group.groupId}: generation ${group.generationId} is empty`);
      return;
    }
    group.protocolName = group.selectProtocol();
    if (group.leaderId === null || !group.members.has(group.leaderId)) group.leaderId = group.members.keys().next().value!;
    group.transitionTo('CompletingRebalance', now);
    group.pendingSync.clear();
    for (const m of group.members.values()) group.pendingSync.add(m.memberId);
    this.logger.info(`group ${group.groupId}: generation ${group.generationId} with ${group.members.size} members, protocol ${group.protocolName}, leader ${group.leaderId}`);
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
    group.syncTimer = setTimeout(() => this.onSyncTimeout(group), group.maxRebalanceTimeoutMs());
    group.syncTimer.unref?.();
  }

  private joinResponse(group: ClassicGroup, m: Member, errorCode: number): JoinResult {
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
        this.logger.info(`group ${group.groupId}: member ${id} did not send SyncGroup within the rebalance timeout; removing it`);
        this.removeMember(group, m, 'sync timeout');
      }
    }
    this.prepareRebalance(group, 'sync timeout');
  }

  private clearSyncTimer(group: ClassicGroup): void {
    if (group.syncTimer) clearTimeout(group.syncTimer);
    group.syncTimer = undefined;
  }

  // ---------------------------------------------------------------- SyncGroup

  syncGroup(p: { groupId: string; generationId: number; memberId: string; groupInstanceId: string | null; protocolType: string | null; protocolName: string | null; assignments: Array<{ memberId: string; assignment: Buffer }> }): Promise<SyncResult> {
    const group = this.groups.get(p.groupId);
    if (!group || group.is('Dead')) return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    const fenced = this.fencedInstance(group, p.memberId, p.groupInstanceId);
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
        this.heartbeatMember(group, member);
        return Promise.resolve({ errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment });
      case 'CompletingRebalance':
        return new Promise((resolve) => {
          member.awaitingSync = resolve;
          group.pendingSync.delete(member.memberId);
          this.heartbeatMember(group, member);
          if (member.memberId === group.leaderId) {
            const byId = new Map(p.assignments.map((a) => [a.memberId, a.assignment]));
            for (const m of group.members.values()) m.assignment = byId.get(m.memberId) ?? Buffer.alloc(0);
            void this.completeSync(group);
          }
        });
      default:
        return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    }
  }

  /** Stores the assignment, then answers every member; a rebalance that starts meanwhile wins. */
  private async completeSync(group: ClassicGroup): Promise<void> {
    const generation = group.generationId;
    try {
      await this.persistGroup(group);
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
    const now = this.now();
    group.transitionTo('Stable', now);
    group.journal.end(group.generationId, group.protocolName, group.snapshot(), now, 'stable');
    for (const m of group.members.values()) {
      if (m.awaitingSync) {
        m.awaitingSync({ errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: m.assignment });
        m.awaitingSync = undefined;
      }
    }
    this.logger.info(`group ${group.groupId}: generation ${group.generationId} is stable`);
  }

  // ---------------------------------------------------------------- Heartbeat and LeaveGroup

  heartbeat(p: { groupId: string; generationId: number; memberId: string; groupInstanceId: string | null }): number {
    const group = this.groups.get(p.groupId);
    if (!group || group.is('Dead')) return ErrorCode.UNKNOWN_MEMBER_ID;
    const fenced = this.fencedInstance(group, p.memberId, p.groupInstanceId);
    if (fenced) return fenced;
    const member = group.members.get(p.memberId);
    if (!member || group.is('Empty')) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (p.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    this.heartbeatMember(group, member);
    return group.is('PreparingRebalance') ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE;
  }

  /** LeaveGroup: removes each member (by member id, or by instance id for static members) and rebalances. */
  leaveGroup(groupId: string, members: Array<{ memberId: string; groupInstanceId: string | null; reason?: string | null }>): { errorCode: number; members: Array<{ memberId: string; groupInstanceId: string | null; errorCode: number }> } {
    const group = this.groups.get(groupId);
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
        clearTimeout(pending);
        group.pendingMembers.delete(memberId);
        if (group.is('PreparingRebalance')) this.maybeCompleteJoin(group);
        return { memberId: req.memberId, groupInstanceId: req.groupInstanceId, errorCode: ErrorCode.NONE };
      }
      const m = group.members.get(memberId);
      if (!m) return { memberId: req.memberId, groupInstanceId: req.groupInstanceId, errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
      this.logger.info(`group ${groupId}: member ${memberId} left${req.reason ? ` (${req.reason})` : ''}`);
      this.memberGone(group, m, 'member left', req.reason ?? undefined);
      return { memberId: req.memberId, groupInstanceId: req.groupInstanceId, errorCode: ErrorCode.NONE };
    });
    return { errorCode: ErrorCode.NONE, members: results };
  }

  /** A member left or expired: remove it and rebalance what remains (Kafka's removeMemberAndUpdateGroup). */
  private memberGone(group: ClassicGroup, m: Member, why: RebalanceTrigger, detail?: string): void {
    const state = group.state;
    if (state === 'Stable' || state === 'CompletingRebalance' || state === 'Empty') {
      group.journal.begin(group.generationId, why, group.snapshot(), this.now(), m.memberId, detail ?? m.clientId);
    }
    this.removeMember(group, m, why);
    if (state === 'Stable' || state === 'CompletingRebalance') this.prepareRebalance(group, why, m.memberId, detail);
    else if (state === 'PreparingRebalance') this.maybeCompleteJoin(group);
  }

  private removeMember(group: ClassicGroup, m: Member, why: RebalanceTrigger): void {
    if (m.heartbeatTimer) clearTimeout(m.heartbeatTimer);
    m.awaitingJoin?.(joinError(ErrorCode.UNKNOWN_MEMBER_ID, m.memberId));
    m.awaitingSync?.(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    m.awaitingJoin = undefined;
    m.awaitingSync = undefined;
    group.members.delete(m.memberId);
    group.pendingSync.delete(m.memberId);
    if (m.groupInstanceId !== null && group.staticMembers.get(m.groupInstanceId) === m.memberId) group.staticMembers.delete(m.groupInstanceId);
    if (group.leaderId === m.memberId) group.leaderId = group.members.keys().next().value ?? null;
    group.journal.noteRemoved(m.memberId, m.clientId, why);
  }

  private fencedInstance(group: ClassicGroup, memberId: string, instanceId: string | null): number | undefined {
    if (instanceId === null) return undefined;
    const current = group.staticMembers.get(instanceId);
    if (current !== undefined && current !== memberId) return ErrorCode.FENCED_INSTANCE_ID;
    return undefined;
  }

  private heartbeatMember(group: ClassicGroup, m: Member): void {
    m.lastHeartbeat = this.now();
    this.scheduleHeartbeatExpiry(group, m);
  }

  private scheduleHeartbeatExpiry(group: ClassicGroup, m: Member): void {
    if (m.heartbeatTimer) clearTimeout(m.heartbeatTimer);
    m.heartbeatTimer = setTimeout(() => this.onHeartbeatExpired(group, m), m.sessionTimeoutMs);
    m.heartbeatTimer.unref?.();
  }

  private onHeartbeatExpired(group: ClassicGroup, m: Member): void {
    if (group.members.get(m.memberId) !== m) return;
    // Members parked in a JoinGroup or SyncGroup are alive: their request is the heartbeat (Kafka's shouldKeepAlive).
    if (m.awaitingSync) return this.scheduleHeartbeatExpiry(group, m);
    if (m.awaitingJoin && !(m.isNew && this.now() - m.lastHeartbeat >= this.config.newMemberJoinTimeoutMs)) return this.scheduleHeartbeatExpiry(group, m);
    this.logger.info(`group ${group.groupId}: member ${m.memberId} (${m.clientId}) missed its session timeout of ${m.sessionTimeoutMs} ms; removing it`);
    this.memberGone(group, m, 'session timeout');
  }

  // ---------------------------------------------------------------- Offsets

  /** OffsetCommit: per-partition error codes, in request order. */
  async commitOffsets(p: { groupId: string; generationId: number; memberId: string; groupInstanceId: string | null; retentionTimeMs?: number; offsets: OffsetCommitPartition[] }): Promise<number[]> {
    const fail = (code: number) => p.offsets.map(() => code);
    if (!p.groupId) return fail(ErrorCode.INVALID_GROUP_ID);
    let group = this.groups.get(p.groupId);
    if (group?.is('Dead')) {
      this.groups.delete(p.groupId);
      group = undefined;
    }
    if (!group) {
      if (p.generationId >= 0) return fail(ErrorCode.ILLEGAL_GENERATION);
      group = new ClassicGroup(p.groupId, this.now());
      this.groups.set(p.groupId, group);
    }
    if (p.generationId < 0 && group.is('Empty')) return this.storeOffsets(group, p.offsets);
    const fenced = this.fencedInstance(group, p.memberId, p.groupInstanceId);
    if (fenced) return fail(fenced);
    if (group.is('CompletingRebalance')) return fail(ErrorCode.REBALANCE_IN_PROGRESS);
    const member = group.members.get(p.memberId);
    if (!member) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    if (p.generationId !== group.generationId) return fail(ErrorCode.ILLEGAL_GENERATION);
    this.heartbeatMember(group, member);
    return this.storeOffsets(group, p.offsets);
  }

  /**
   * Writes offset commits to the group's __consumer_offsets partition and then takes them in: as the group's committed
   * offsets, or (with `txn`, TxnOffsetCommit) as offsets pending until the transaction's marker decides them.
   */
  private async storeOffsets(group: ClassicGroup, offsets: OffsetCommitPartition[], txn?: { producerId: number; producerEpoch: number }): Promise<number[]> {
    const now = this.now();
    const codes = offsets.map((o) => ((o.metadata ?? '').length > this.config.offsetMetadataMaxBytes ? ErrorCode.OFFSET_METADATA_TOO_LARGE : ErrorCode.NONE));
    const accepted = offsets.filter((_, i) => codes[i] === ErrorCode.NONE);
    if (accepted.length === 0) return codes;
    const values = accepted.map((o) => ({ offset: o.offset, leaderEpoch: o.leaderEpoch, metadata: o.metadata ?? '', commitTimestamp: now, expireTimestamp: -1 }));
    const partition = this.partitionFor(group.groupId);
    const records = accepted.map((o, i) => ({ key: offsetCommitKey(group.groupId, o.topic, o.partition), value: offsetCommitValue(values[i]) }));
    try {
      if (txn) await this.store.appendTransactional(partition, records, txn.producerId, txn.producerEpoch);
      else await this.store.append(partition, records);
    } catch (e) {
      const code = e instanceof KafkaError ? mapStoreError(e.code) : ErrorCode.COORDINATOR_NOT_AVAILABLE;
      return codes.map((c) => (c === ErrorCode.NONE ? code : c));
    }
    const target = txn ? this.pendingFor(txn.producerId, group.groupId) : group.offsets;
    accepted.forEach((o, i) => target.set(`${o.topic}\u0000${o.partition}`, values[i]));
    return codes;
  }

  /**
   * TxnOffsetCommit: offsets written to __consumer_offsets in the producer's transaction, visible to OffsetFetch only
   * once it commits. Generation -1 (v0-2 clients, or a producer outside the group) skips the member checks, as in
   * Kafka; otherwise the member and generation must be current.
   */
  async commitTxnOffsets(p: { groupId: string; producerId: number; producerEpoch: number; generationId: number; memberId: string; groupInstanceId: string | null; offsets: OffsetCommitPartition[] }): Promise<number[]> {
    const fail = (code: number) => p.offsets.map(() => code);
    if (!p.groupId) return fail(ErrorCode.INVALID_GROUP_ID);
    let group = this.groups.get(p.groupId);
    if (!group || group.is('Dead')) {
      if (p.generationId >= 0) return fail(ErrorCode.ILLEGAL_GENERATION);
      group = new ClassicGroup(p.groupId, this.now());
      this.groups.set(p.groupId, group);
    }
    if (p.generationId >= 0 || p.memberId !== '') {
      const fenced = this.fencedInstance(group, p.memberId, p.groupInstanceId);
      if (fenced) return fail(fenced);
      if (!group.members.has(p.memberId)) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
      if (p.generationId >= 0 && p.generationId !== group.generationId) return fail(ErrorCode.ILLEGAL_GENERATION);
    }
    return this.storeOffsets(group, p.offsets, { producerId: p.producerId, producerEpoch: p.producerEpoch });
  }

  private pendingFor(producerId: number, groupId: string): Map<string, CommittedOffset> {
    let byGroup = this.pendingTxnOffsets.get(producerId);
    if (!byGroup) this.pendingTxnOffsets.set(producerId, (byGroup = new Map()));
    let m = byGroup.get(groupId);
    if (!m) byGroup.set(groupId, (m = new Map()));
    return m;
  }

  /**
   * A transaction's marker reached __consumer_offsets: its offsets become the groups' committed offsets (COMMIT) or
   * are dropped (ABORT). Kafka's handleTxnCompletion.
   */
  completeTxnOffsets(producerId: number, commit: boolean): void {
    const byGroup = this.pendingTxnOffsets.get(producerId);
    if (!byGroup) return;
    this.pendingTxnOffsets.delete(producerId);
    if (!commit) return;
    const now = this.now();
    for (const [groupId, offsets] of byGroup) {
      let g = this.groups.get(groupId);
      if (!g) this.groups.set(groupId, (g = new ClassicGroup(groupId, now)));
      for (const [k, v] of offsets) g.offsets.set(k, v);
    }
  }

  /** Whether an open transaction has committed this partition's offset for the group (OffsetFetch's require_stable). */
  hasPendingTxnOffset(groupId: string, topic: string, partition: number): boolean {
    for (const byGroup of this.pendingTxnOffsets.values()) if (byGroup.get(groupId)?.has(`${topic}\u0000${partition}`)) return true;
    return false;
  }

  /** Committed offsets of a group: all, or those of the given partitions (-1 where none). */
  fetchOffsets(groupId: string, partitions: Array<{ topic: string; partition: number }> | null): Array<{ topic: string; partition: number; offset: number; leaderEpoch: number; metadata: string | null }> {
    const group = this.groups.get(groupId);
    const all = [...(group?.offsets.entries() ?? [])].map(([k, v]) => {
      const [topic, p] = k.split('\u0000');
      return { topic, partition: Number(p), offset: v.offset, leaderEpoch: v.leaderEpoch, metadata: v.metadata };
    });
    if (partitions === null) return all.sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
    return partitions.map(({ topic, partition }) => {
      const v = group?.offsets.get(`${topic}\u0000${partition}`);
      return v ? { topic, partition, offset: v.offset, leaderEpoch: v.leaderEpoch, metadata: v.metadata } : { topic, partition, offset: -1, leaderEpoch: -1, metadata: '' };
    });
  }

  /** OffsetDelete: refused for partitions of topics the group's members subscribe to. */
  async deleteOffsets(groupId: string, partitions: Array<{ topic: string; partition: number }>): Promise<{ errorCode: number; partitions: number[] }> {
    const group = this.groups.get(groupId);
    if (!group || group.is('Dead')) return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, partitions: [] };
    const subscribed = new Set<string>();
    if (!group.is('Empty') && group.protocolType === 'consumer') {
      for (const m of group.members.values()) for (const t of decodeSubscriptionTopics(m.metadataFor(group.protocolName ?? '')) ?? []) subscribed.add(t);
    } else if (!group.is('Empty')) {
      return { errorCode: ErrorCode.NON_EMPTY_GROUP, partitions: [] };
    }
    const codes = partitions.map((tp) => (subscribed.has(tp.topic) ? ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC : ErrorCode.NONE));
    const doomed = partitions.filter((tp, i) => codes[i] === ErrorCode.NONE && group.offsets.has(`${tp.topic}\u0000${tp.partition}`));
    if (doomed.length) {
      try {
        await this.store.append(this.partitionFor(groupId), doomed.map((tp) => ({ key: offsetCommitKey(groupId, tp.topic, tp.partition), value: null })));
      } catch (e) {
        return { errorCode: e instanceof KafkaError ? mapStoreError(e.code) : ErrorCode.COORDINATOR_NOT_AVAILABLE, partitions: [] };
      }
      for (const tp of doomed) group.offsets.delete(`${tp.topic}\u0000${tp.partition}`);
    }
    return { errorCode: ErrorCode.NONE, partitions: codes };
  }

  /** DeleteGroups: only empty groups; their offsets and metadata get tombstones. */
  async deleteGroup(groupId: string): Promise<number> {
    const group = this.groups.get(groupId);
    if (!group || group.is('Dead')) return ErrorCode.GROUP_ID_NOT_FOUND;
    if (!group.is('Empty')) return ErrorCode.NON_EMPTY_GROUP;
    const tombstones = [...group.offsets.keys()].map((k) => {
      const [topic, p] = k.split('\u0000');
      return { key: offsetCommitKey(groupId, topic, Number(p)), value: null };
    });
    tombstones.push({ key: groupMetadataKey(groupId), value: null });
    try {
      await this.store.append(this.partitionFor(groupId), tombstones);
    } catch (e) {
      return e instanceof KafkaError ? mapStoreError(e.code) : ErrorCode.COORDINATOR_NOT_AVAILABLE;
    }
    group.transitionTo('Dead', this.now());
    this.groups.delete(groupId);
    this.logger.info(`group ${groupId}: deleted`);
    return ErrorCode.NONE;
  }

  // ---------------------------------------------------------------- persistence

  private persistGroupInBackground(group: ClassicGroup): void {
    this.persistGroup(group).catch((e) => this.logger.warn(`group ${group.groupId}: storing its metadata failed: ${(e as Error).message}`));
  }

  private persistGroup(group: ClassicGroup): Promise<void> {
    const value = groupMetadataValue({
      protocolType: group.protocolType ?? '',
      generation: group.generationId,
      protocol: group.protocolName,
      leader: group.leaderId,
      currentStateTimestamp: group.currentStateTimestamp,
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        rebalanceTimeout: m.rebalanceTimeoutMs,
        sessionTimeout: m.sessionTimeoutMs,
        subscription: group.protocolName ? m.metadataFor(group.protocolName) : Buffer.alloc(0),
        assignment: m.assignment,
      })),
    });
    return this.store.append(this.partitionFor(group.groupId), [{ key: groupMetadataKey(group.groupId), value }]);
  }

  /**
   * Rebuilds groups and offsets from __consumer_offsets (at start). Groups with members come back Stable and
   * must heartbeat within their session timeout, as after a Kafka coordinator failover.
   */
  load(): { groups: number; offsets: number } {
    let offsets = 0;
    const now = this.now();
    // A group's records belong on the partition Kafka's hash gives it. Records found on another one come from a data
    // directory written before groups were placed with Kafka's Utils.abs (the sign bit used to be masked instead):
    // they are applied first, so that whatever the group's own partition holds, being newer, wins.
    const foreign: OffsetsTopicRecordIn[] = [];
    const home: OffsetsTopicRecordIn[] = [];
    for (let p = 0; p < this.store.numPartitions; p++) {
      for (const rec of this.store.read(p)) {
        const group = rec.control === undefined ? groupOfRecord(rec) : undefined;
        (group !== undefined && this.partitionFor(group) !== p ? foreign : home).push(rec);
      }
    }
    for (const rec of [...foreign, ...home]) this.applyLoadedRecord(rec, now);
    for (const g of this.groups.values()) {
      offsets += g.offsets.size;
      for (const m of g.members.values()) this.scheduleHeartbeatExpiry(g, m);
      // A group with nothing left is not kept.
      if (g.members.size === 0 && g.offsets.size === 0 && g.generationId === 0) this.groups.delete(g.groupId);
    }
    return { groups: this.groups.size, offsets };
  }

  /** Replays one record of __consumer_offsets into the in-memory state (load). */
  private applyLoadedRecord(rec: OffsetsTopicRecordIn, now: number): void {
    if (rec.control !== undefined) {
      if (rec.producerId !== undefined) this.completeTxnOffsets(rec.producerId, rec.control === 'commit');
      return;
    }
    const r = decodeOffsetsTopicRecord(rec.key, rec.value);
    if (r.type === 'offset' && rec.producerId !== undefined) {
      // Part of a transaction: it counts when its COMMIT marker is read (a later record of this replay).
      if (r.value) this.pendingFor(rec.producerId, r.group).set(`${r.topic}\u0000${r.partition}`, { offset: r.value.offset, leaderEpoch: r.value.leaderEpoch, metadata: r.value.metadata, commitTimestamp: r.value.commitTimestamp, expireTimestamp: r.value.expireTimestamp });
      return;
    }
    if (r.type === 'offset') {
      let g = this.groups.get(r.group);
      if (!g) this.groups.set(r.group, (g = new ClassicGroup(r.group, now)));
      const k = `${r.topic}\u0000${r.partition}`;
      if (r.value) g.offsets.set(k, { offset: r.value.offset, leaderEpoch: r.value.leaderEpoch, metadata: r.value.metadata, commitTimestamp: r.value.commitTimestamp, expireTimestamp: r.value.expireTimestamp });
      else g.offsets.delete(k);
    } else if (r.type === 'group') {
      if (!r.value) {
        const g = this.groups.get(r.group);
        if (g) {
          g.members.clear();
          g.offsets.clear();
          this.groups.delete(r.group);
        }
        return;
      }
      let g = this.groups.get(r.group);
      if (!g) this.groups.set(r.group, (g = new ClassicGroup(r.group, now)));
      g.generationId = r.value.generation;
      g.protocolType = r.value.protocolType;
      g.protocolName = r.value.protocol;
      g.leaderId = r.value.leader;
      g.currentStateTimestamp = r.value.currentStateTimestamp >= 0 ? r.value.currentStateTimestamp : now;
      g.members.clear();
      g.staticMembers.clear();
      for (const m of r.value.members) {
        const member = new Member(m.memberId, m.groupInstanceId, m.clientId, m.clientHost, m.rebalanceTimeout, m.sessionTimeout, r.value.protocolType, [{ name: r.value.protocol ?? '', metadata: m.subscription }], now);
        member.assignment = m.assignment;
        member.isNew = false;
        g.members.set(m.memberId, member);
        if (m.groupInstanceId !== null) g.staticMembers.set(m.groupInstanceId, m.memberId);
      }
      g.state = g.members.size > 0 ? 'Stable' : 'Empty';
    }
  }

  /**
   * offsets.retention.minutes: an empty group's offsets expire that long after it became empty (Kafka 2.1+ rule).
   * Returns the number of offsets removed.
   */
  async expireOffsets(now = this.now()): Promise<number> {
    let removed = 0;
    for (const g of [...this.groups.values()]) {
      if (!g.is('Empty') || g.offsets.size === 0) continue;
      if (now - g.currentStateTimestamp < this.config.offsetsRetentionMs) continue;
      const keys = [...g.offsets.keys()];
      try {
        await this.store.append(this.partitionFor(g.groupId), [
          ...keys.map((k) => {
            const [topic, p] = k.split('\u0000');
            return { key: offsetCommitKey(g.groupId, topic, Number(p)), value: null };
          }),
          { key: groupMetadataKey(g.groupId), value: null },
        ]);
      } catch (e) {
        this.logger.warn(`group ${g.groupId}: expiring offsets failed: ${(e as Error).message}`);
        continue;
      }
      removed += keys.length;
      g.offsets.clear();
      g.transitionTo('Dead', now);
      this.groups.delete(g.groupId);
      this.logger.info(`group ${g.groupId}: ${keys.length} offsets expired (offsets.retention.minutes) and the empty group was removed`);
    }
    return removed;
  }

  startExpiry(intervalMs = 600000): void {
    this.expiryTimer = setInterval(() => void this.expireOffsets().catch((e) => this.logger.warn(`expiring offsets: ${(e as Error).message}`)), intervalMs);
    this.expiryTimer.unref?.();
  }

  shutdown(): void {
    if (this.expiryTimer) clearInterval(this.expiryTimer);
    for (const g of this.groups.values()) {
      if (g.joinTimer) clearTimeout(g.joinTimer);
      this.clearSyncTimer(g);
      for (const t of g.pendingMembers.values()) clearTimeout(t);
      for (const m of g.members.values()) {
        if (m.heartbeatTimer) clearTimeout(m.heartbeatTimer);
        m.awaitingJoin?.(joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, m.memberId));
        m.awaitingSync?.(syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
        m.awaitingJoin = undefined;
        m.awaitingSync = undefined;
      }
    }
  }
}

/** Storage failures become the coordinator errors clients retry on, as Kafka maps them. */
function mapStoreError(code: number): number {
  switch (code) {
    case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
    case ErrorCode.NOT_ENOUGH_REPLICAS:
    case ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    case ErrorCode.REQUEST_TIMED_OUT:
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    case ErrorCode.NOT_LEADER_OR_FOLLOWER:
    case ErrorCode.KAFKA_STORAGE_ERROR:
      return ErrorCode.NOT_COORDINATOR;
    case ErrorCode.MESSAGE_TOO_LARGE:
    case ErrorCode.RECORD_LIST_TOO_LARGE:
    case ErrorCode.INVALID_FETCH_SIZE:
      return ErrorCode.INVALID_COMMIT_OFFSET_SIZE;
    default:
      return code;
  }
}

export type { CommittedOffset };
