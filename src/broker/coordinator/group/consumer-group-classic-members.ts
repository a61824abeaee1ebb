/**
 * Members that speak the classic protocol inside a consumer group (KIP-848's mixed groups, Kafka 4's
 * classicGroupJoinToConsumerGroup and its siblings): a classic consumer joining, or staying in, a group that moved to
 * the consumer protocol. The broker's assignor assigns it, as it assigns everyone: its JoinGroup is answered at once,
 * with no leader (every client is a follower and runs no assignor), its SyncGroup returns its current partitions, and
 * its Heartbeat says REBALANCE_IN_PROGRESS whenever it must rejoin to move on (a new group epoch, partitions to give
 * up, partitions now free to take). Its reconciliation happens at JoinGroup, with what its subscription says it owns.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../../errors';
import type { JoinResult, SyncResult } from './classic-group';
import { type ConsumerGroup, type ConsumerGroupMember, MemberState } from './consumer-group';
import type { ConsumerGroupManager, TopicCatalog } from './consumer-group-manager';
import { decodeSubscription, encodeAssignment } from './consumer-protocol';
import type { OwnedTopicPartitions } from './current-assignment-builder';
import { GroupContext, coordinatorErrorOf, joinError, syncError, type OffsetsTopicRecordIn } from './group-context';
import type { JoinGroupParams, LeaveGroupResult, SyncGroupParams } from './group-membership';
import type { RebalanceTrigger } from './rebalance-journal';

const PROTOCOL_TYPE = 'consumer';

export class ClassicMembersOfConsumerGroups {
  constructor(
    private readonly ctx: GroupContext,
    private readonly manager: ConsumerGroupManager,
    private readonly topics: TopicCatalog,
  ) {}

  async join(group: ConsumerGroup, p: JoinGroupParams): Promise<JoinResult> {
    if (p.protocolType !== PROTOCOL_TYPE || p.protocols.length === 0 || !this.sharesAProtocol(group, p)) return joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, p.memberId);
    const subscription = decodeSubscription(p.protocols[0].metadata);
    if (!subscription) return joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, p.memberId);
    const records: OffsetsTopicRecordIn[] = [];
    let member: ConsumerGroupMember;
    let trigger: RebalanceTrigger | undefined;
    if (p.groupInstanceId !== null) {
      const holderId = group.staticMembers.get(p.groupInstanceId);
      const holder = holderId === undefined ? undefined : group.members.get(holderId);
      if (p.memberId === '') {
        if (holder) {
          // A static member restarting: the new incarnation takes the old one's place and partitions.
          member = this.manager.replaceStaticMember(group, holder, `${p.groupInstanceId}-${randomUUID()}`, records);
        } else {
          if (group.members.size >= this.manager.maxSize) return joinError(ErrorCode.GROUP_MAX_SIZE_REACHED);
          member = this.newMember(group, `${p.groupInstanceId}-${randomUUID()}`, p.groupInstanceId);
          trigger = 'member joined';
        }
      } else {
        if (!holder) return joinError(ErrorCode.UNKNOWN_MEMBER_ID, p.memberId);
        if (holder.memberId !== p.memberId) return joinError(ErrorCode.FENCED_INSTANCE_ID, p.memberId);
        if (!holder.useClassicProtocol()) return joinError(ErrorCode.UNKNOWN_MEMBER_ID, p.memberId);
        member = holder;
      }
    } else if (p.memberId === '') {
      const memberId = `${p.clientId}-${randomUUID()}`;
      if (group.members.size >= this.manager.maxSize) return joinError(ErrorCode.GROUP_MAX_SIZE_REACHED);
      // KIP-394: the member learns its id first. Nothing is kept: the id is only a name until it comes back with it.
      if (p.requireKnownMemberId) return joinError(ErrorCode.MEMBER_ID_REQUIRED, memberId);
      member = this.newMember(group, memberId, null);
      trigger = 'member joined';
    } else {
      const existing = group.members.get(p.memberId);
      if (existing && !existing.useClassicProtocol()) return joinError(ErrorCode.UNKNOWN_MEMBER_ID, p.memberId);
      if (existing) member = existing;
      else {
        if (group.members.size >= this.manager.maxSize) return joinError(ErrorCode.GROUP_MAX_SIZE_REACHED, p.memberId);
        member = this.newMember(group, p.memberId, null);
        trigger = 'member joined';
      }
    }

    const metadataBefore = JSON.stringify(this.manager.memberMetadata(member));
    const subscriptionBefore = member.subscribedTopicNames.join('\u0000');
    member.classic = { sessionTimeoutMs: p.sessionTimeoutMs, protocols: p.protocols.map((x) => ({ name: x.name, metadata: x.metadata })) };
    member.rebalanceTimeoutMs = p.rebalanceTimeoutMs;
    member.clientId = p.clientId;
    member.clientHost = p.clientHost;
    member.rackId = subscription.rackId;
    member.subscribedTopicNames = [...new Set(subscription.topics)].sort();
    member.subscribedTopicRegex = null;
    if (trigger || JSON.stringify(this.manager.memberMetadata(member)) !== metadataBefore) records.push(this.manager.memberRecord(group, member));
    const subscriptionChanged = member.subscribedTopicNames.join('\u0000') !== subscriptionBefore;
    if (trigger && !subscriptionChanged && group.groupEpoch > 0) trigger = undefined;
    if (!trigger && subscriptionChanged) trigger = 'subscription or metadata change';

    this.manager.refresh(group, records, trigger, member.memberId);
    // An eager client gave up everything before it rejoined; a cooperative one (subscription v1+) says what it kept.
    const owned: OwnedTopicPartitions[] = [];
    for (const tp of subscription.ownedPartitions) {
      const t = this.topics.byName(tp.topic);
      if (t && tp.partitions.length) owned.push({ topicId: t.id, partitions: tp.partitions });
    }
    this.manager.reconcileMember(group, member, owned, records);
    this.manager.scheduleSessionTimeout(group, member);
    this.scheduleTimeout(group, member, 'sync');
    this.manager.updateState(group);
    this.ctx.groupChanged(group.groupId);
    try {
      await this.ctx.store.append(this.ctx.partitionFor(group.groupId), records);
    } catch (e) {
      return joinError(coordinatorErrorOf(e), member.memberId);
    }
    return {
      errorCode: ErrorCode.NONE,
      generationId: member.memberEpoch,
      protocolType: PROTOCOL_TYPE,
      protocolName: p.protocols[0].name,
      // Nobody leads: the broker has assigned already, so every client is a follower and runs no assignor.
      leader: '',
      skipAssignment: false,
      memberId: member.memberId,
      members: [],
    };
  }

  sync(group: ConsumerGroup, p: SyncGroupParams): Promise<SyncResult> {
    const checked = this.member(group, p.memberId, p.groupInstanceId, p.generationId);
    if (typeof checked === 'number') return Promise.resolve(syncError(checked));
    const m = checked;
    const protocolName = m.classic!.protocols[0]?.name ?? null;
    if ((p.protocolType !== null && p.protocolType !== PROTOCOL_TYPE) || (p.protocolName !== null && p.protocolName !== protocolName)) return Promise.resolve(syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    this.cancelTimeout(m);
    this.manager.scheduleSessionTimeout(group, m);
    if (group.groupEpoch > m.memberEpoch && m.state !== MemberState.UNREVOKED_PARTITIONS) {
      this.scheduleTimeout(group, m, 'join');
      return Promise.resolve(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
    }
    // What it has now, at its subscription's version (its partitions still being revoked are not in it).
    const version = decodeSubscription(m.classic!.protocols[0]?.metadata ?? Buffer.alloc(0))?.version ?? 0;
    const assignment = encodeAssignment(version, this.manager.named(m.assignedPartitions));
    return Promise.resolve({ errorCode: ErrorCode.NONE, protocolType: PROTOCOL_TYPE, protocolName, assignment });
  }

  heartbeat(group: ConsumerGroup, p: { generationId: number; memberId: string; groupInstanceId: string | null }): number {
    const checked = this.member(group, p.memberId, p.groupInstanceId, p.generationId);
    if (typeof checked === 'number') return checked;
    const m = checked;
    this.manager.scheduleSessionTimeout(group, m);
    const mustRejoin =
      m.memberEpoch < group.groupEpoch || m.state === MemberState.UNREVOKED_PARTITIONS || (m.state === MemberState.UNRELEASED_PARTITIONS && !this.waitsOnUnreleasedPartition(group, m));
    if (!mustRejoin) return ErrorCode.NONE;
    if (m.classicTimer?.kind !== 'join') this.scheduleTimeout(group, m, 'join');
    return ErrorCode.REBALANCE_IN_PROGRESS;
  }

  async leave(group: ConsumerGroup, members: Array<{ memberId: string; groupInstanceId: string | null; reason?: string | null }>): Promise<LeaveGroupResult> {
    const records: OffsetsTopicRecordIn[] = [];
    const removed: ConsumerGroupMember[] = [];
    const results = members.map((req) => {
      const answer = (errorCode: number) => ({ memberId: req.memberId, groupInstanceId: req.groupInstanceId, errorCode });
      let m: ConsumerGroupMember | undefined;
      if (req.groupInstanceId !== null) {
        const holderId = group.staticMembers.get(req.groupInstanceId);
        if (holderId === undefined) return answer(ErrorCode.UNKNOWN_MEMBER_ID);
        if (req.memberId !== '' && req.memberId !== holderId) return answer(ErrorCode.FENCED_INSTANCE_ID);
        m = group.members.get(holderId);
      } else {
        m = group.members.get(req.memberId);
      }
      if (!m || !m.useClassicProtocol() || removed.includes(m)) return answer(ErrorCode.UNKNOWN_MEMBER_ID);
      removed.push(m);
      this.ctx.logger.info(`group ${group.groupId}: classic member ${m.memberId} left${req.reason ? ` (${req.reason})` : ''}`);
      return answer(ErrorCode.NONE);
    });
    if (removed.length > 0) {
      // One new epoch for the whole batch, as Kafka does.
      for (const m of removed) this.manager.removeMember(group, m, 'member left', records, { refresh: false });
      if (this.manager.maybeDowngrade(group, records)) return this.store(group, records, members, results);
      this.manager.refresh(group, records, 'member left', removed[0].memberId, { memberId: removed[0].memberId, clientId: removed[0].clientId });
      for (const m of removed.slice(1)) group.journal.noteRemoved(m.memberId, m.clientId, 'member left');
      this.manager.updateState(group);
      this.ctx.groupChanged(group.groupId);
      return this.store(group, records, members, results);
    }
    return { errorCode: ErrorCode.NONE, members: results };
  }

  private async store(group: ConsumerGroup, records: OffsetsTopicRecordIn[], members: Array<{ memberId: string; groupInstanceId: string | null }>, results: LeaveGroupResult['members']): Promise<LeaveGroupResult> {
    try {
      await this.ctx.store.append(this.ctx.partitionFor(group.groupId), records);
    } catch (e) {
      const code = coordinatorErrorOf(e);
      return { errorCode: code, members: members.map((req) => ({ memberId: req.memberId, groupInstanceId: req.groupInstanceId, errorCode: code })) };
    }
    return { errorCode: ErrorCode.NONE, members: results };
  }

  // ------------------------------------------------------------------------------------------------ helpers

  /** The classic member a SyncGroup or Heartbeat comes from, or the error that refuses it. */
  private member(group: ConsumerGroup, memberId: string, instanceId: string | null, generationId: number): ConsumerGroupMember | number {
    const m = group.members.get(memberId);
    if (!m || !m.useClassicProtocol()) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (instanceId !== null && group.staticMembers.get(instanceId) !== memberId) return ErrorCode.FENCED_INSTANCE_ID;
    if (generationId !== m.memberEpoch) return ErrorCode.ILLEGAL_GENERATION;
    return m;
  }

  /** Kafka's supportsClassicProtocols: some protocol of the newcomer is supported by every other classic member. */
  private sharesAProtocol(group: ConsumerGroup, p: JoinGroupParams): boolean {
    const others = [...group.members.values()].filter((m) => m.classic && m.memberId !== p.memberId);
    return p.protocols.some(({ name }) => others.every((m) => m.classic!.protocols.some((x) => x.name === name)));
  }

  private newMember(group: ConsumerGroup, memberId: string, instanceId: string | null): ConsumerGroupMember {
    const member = this.manager.addMember(group, memberId, instanceId);
    this.ctx.logger.info(`group ${group.groupId}: classic member ${memberId} joins the consumer group`);
    return member;
  }

  /** Whether some partition the member is waiting for is still owned by another member. */
  private waitsOnUnreleasedPartition(group: ConsumerGroup, m: ConsumerGroupMember): boolean {
    for (const [t, ps] of group.targetAssignment.get(m.memberId) ?? new Map<string, Set<number>>()) {
      for (const p of ps) if (!m.assignedPartitions.get(t)?.has(p) && group.partitionEpoch(t, p) !== -1) return true;
    }
    return false;
  }

  /** The join timeout (told to rejoin) or the sync timeout (joined): either way, its rebalance timeout to come back. */
  private scheduleTimeout(group: ConsumerGroup, m: ConsumerGroupMember, kind: 'join' | 'sync'): void {
    this.cancelTimeout(m);
    const timeout = m.rebalanceTimeoutMs > 0 ? m.rebalanceTimeoutMs : 300000;
    const timer = this.ctx.clock.setTimeout(() => {
      if (m.classicTimer?.timer !== timer) return;
      m.classicTimer = undefined;
      this.ctx.logger.info(`group ${group.groupId}: classic member ${m.memberId} (${m.clientId}) did not send ${kind === 'join' ? 'JoinGroup' : 'SyncGroup'} within its rebalance timeout of ${timeout} ms; fencing it`);
      this.manager.fence(group, m, kind === 'join' ? 'rebalance timeout' : 'sync timeout');
    }, timeout);
    m.classicTimer = { kind, timer };
  }

  private cancelTimeout(m: ConsumerGroupMember): void {
    this.ctx.clock.clearTimeout(m.classicTimer?.timer);
    m.classicTimer = undefined;
  }
}
