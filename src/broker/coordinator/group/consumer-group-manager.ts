/**
 * The consumer group protocol's coordinator side (KIP-848, Kafka 4's GroupMetadataManager.consumerGroupHeartbeat):
 * one ConsumerGroupHeartbeat request is a member's join, heartbeat, acknowledgement and leave. The broker owns the
 * assignment: a change of membership, subscriptions or subscribed topics bumps the group epoch, the server assignor
 * computes the target assignment for it, and every member reconciles towards its target at its own pace
 * (current-assignment-builder.ts). Every change is written to __consumer_offsets as Kafka's ConsumerGroup* records
 * before the member hears of it, and replayed from there at load.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode, KafkaError, type ErrorName } from '../../errors';
import {
  ConsumerGroup,
  ConsumerGroupMember,
  MemberState,
  type Assignment,
  assignmentEquals,
  assignmentFromList,
  assignmentToList,
  copyAssignment,
  isSubset,
  JOIN_GROUP_MEMBER_EPOCH,
  LEAVE_GROUP_MEMBER_EPOCH,
  LEAVE_GROUP_STATIC_MEMBER_EPOCH,
} from './consumer-group';
import { reconcile, type OwnedTopicPartitions } from './current-assignment-builder';
import { matchTopics } from './topic-regex';
import { SERVER_ASSIGNORS, type AssignorTopic } from './server-assignors';
import { GroupContext, coordinatorErrorOf, type OffsetsTopicRecordIn } from './group-context';
import { currentAssignmentRecord, groupEpochRecord, memberRecord, subscribedTopicsRecord, targetEpochRecord, targetMemberRecord, type ConsumerGroupRecord } from './consumer-group-records';
import { groupMetadataKey } from './offsets-records';
import type { MemberSnapshot, RebalanceTrigger } from './rebalance-journal';
import type { TopicPartitions } from './consumer-protocol';
import type { ConsumerGroupHeartbeatRequestData } from '../../../protocol/messages/consumer-group-heartbeat-request';
import type { ClassicGroup } from './classic-group';
import { canDowngrade, downgradeConsumerGroup, classicGroupRecord, upgradeAllowed, upgradeClassicGroup, type MigrationPolicy } from './consumer-group-migration';
import { groupTombstones } from './group-metadata-manager';

/** What the coordinator needs to know of the cluster's topics (ids in hex, as the protocol's codecs carry them). */
export interface TopicCatalog {
  byName(name: string): AssignorTopic | undefined;
  byId(id: string): AssignorTopic | undefined;
  /** Every topic a regular expression may match (internal topics excluded). */
  names(): Iterable<string>;
}

export interface ConsumerGroupConfig {
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  maxSize: number;
  /** group.consumer.assignors, by name; the first is the default. */
  assignors: string[];
  /** group.consumer.migration.policy: whether groups move between the protocols online. */
  migrationPolicy: MigrationPolicy;
}

/** What the consumer protocol needs of the classic one when a group changes protocol. */
interface ClassicGroupHooks {
  /** A classic group being replaced: its parked requests get `errorCode`, its timers stop. */
  abandon(group: ClassicGroup, errorCode: number): void;
  /** A classic group made from a consumer group: its members' session timers start, and a rebalance. */
  adopt(group: ClassicGroup): void;
}

const NO_CLASSIC_HOOKS: ClassicGroupHooks = { abandon: () => undefined, adopt: () => undefined };

export const DEFAULT_CONSUMER_GROUP_CONFIG: ConsumerGroupConfig = {
  sessionTimeoutMs: 45000,
  heartbeatIntervalMs: 5000,
  maxSize: 2147483647,
  assignors: ['uniform', 'range'],
  migrationPolicy: 'bidirectional',
};

/** The request's fields (a null one: unchanged since the last heartbeat), with who sent it. */
export type ConsumerGroupHeartbeatParams = Omit<ConsumerGroupHeartbeatRequestData, '_unknownTaggedFields'> & {
  apiVersion: number;
  clientId: string;
  clientHost: string;
  /**
   * With an authorizer: the names, among those given, of the topics the member's principal may DESCRIBE. Kafka's
   * coordinator resolves the group's regular expressions with the authorization of the member whose heartbeat asked
   * for the resolution, and leaves the other topics out (filterTopicDescribeAuthorizedTopics, KAFKA-18813).
   */
  describableTopics?: (names: string[]) => string[];
};

export interface ConsumerGroupHeartbeatResult {
  errorCode: number;
  errorMessage: string | null;
  memberId: string | null;
  memberEpoch: number;
  heartbeatIntervalMs: number;
  assignment: OwnedTopicPartitions[] | null;
}

function invalid(message: string): never {
  throw new KafkaError('INVALID_REQUEST', message);
}

function fail(name: ErrorName, message: string): never {
  throw new KafkaError(name, message);
}

export class ConsumerGroupManager {
  /** The topic names at the last topic change, to tell a new or deleted topic from a leader or ISR change. */
  private topicNames = '';

  constructor(
    private readonly ctx: GroupContext,
    private readonly config: ConsumerGroupConfig,
    private readonly topics: TopicCatalog,
    private readonly classicHooks: ClassicGroupHooks = NO_CLASSIC_HOOKS,
  ) {}

  get maxSize(): number {
    return this.config.maxSize;
  }

  consumerGroup(groupId: string): ConsumerGroup | undefined {
    const g = this.ctx.groups.get(groupId);
    return g?.type === 'consumer' ? g : undefined;
  }

  // ------------------------------------------------------------------------------------------------ the request

  async heartbeat(p: ConsumerGroupHeartbeatParams): Promise<ConsumerGroupHeartbeatResult> {
    const records: OffsetsTopicRecordIn[] = [];
    let result: ConsumerGroupHeartbeatResult;
    try {
      this.validate(p);
      result = p.memberEpoch === LEAVE_GROUP_MEMBER_EPOCH || p.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH ? this.leave(p, records) : this.joinOrHeartbeat(p, records);
    } catch (e) {
      if (!(e instanceof KafkaError)) throw e;
      return { errorCode: e.code, errorMessage: e.message, memberId: null, memberEpoch: 0, heartbeatIntervalMs: 0, assignment: null };
    }
    if (records.length > 0) {
      try {
        await this.ctx.store.append(this.ctx.partitionFor(p.groupId), records);
      } catch (e) {
        const code = coordinatorErrorOf(e);
        return { errorCode: code, errorMessage: (e as Error).message, memberId: null, memberEpoch: 0, heartbeatIntervalMs: 0, assignment: null };
      }
    }
    return result;
  }

  /** Kafka's throwIfConsumerGroupHeartbeatRequestIsInvalid. */
  private validate(p: ConsumerGroupHeartbeatParams): void {
    if (!p.groupId) invalid("GroupId can't be empty.");
    if (p.instanceId === '') invalid("InstanceId can't be empty.");
    if (p.rackId === '') invalid("RackId can't be empty.");
    // KIP-1082: from v1 the client makes its member id up, and sends it from the first request on.
    if (p.apiVersion >= 1 && !p.memberId) invalid("MemberId can't be empty.");
    if (p.memberEpoch > 0 || p.memberEpoch === LEAVE_GROUP_MEMBER_EPOCH) {
      if (!p.memberId) invalid("MemberId can't be empty.");
    } else if (p.memberEpoch === JOIN_GROUP_MEMBER_EPOCH) {
      if (p.rebalanceTimeoutMs === -1) invalid('RebalanceTimeoutMs must be provided in first request.');
      if (p.topicPartitions === null || p.topicPartitions.length > 0) invalid('TopicPartitions must be empty when (re-)joining.');
      if (p.subscribedTopicNames === null && p.subscribedTopicRegex === null) invalid('SubscribedTopicNames or SubscribedTopicRegex must be set in first request.');
    } else if (p.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
      if (!p.memberId) invalid("MemberId can't be empty.");
      if (p.instanceId === null) invalid("InstanceId can't be null.");
    } else {
      invalid(`MemberEpoch is invalid.`);
    }
    if (p.serverAssignor !== null && !this.config.assignors.includes(p.serverAssignor)) {
      fail('UNSUPPORTED_ASSIGNOR', `ServerAssignor ${p.serverAssignor} is not supported. Supported assignors: ${this.config.assignors.join(', ')}.`);
    }
    // A new expression must compile and match the topics there are now in good time (topic-regex.ts).
    if (p.subscribedTopicRegex) matchTopics(p.subscribedTopicRegex, this.topics.names());
  }

  private joinOrHeartbeat(p: ConsumerGroupHeartbeatParams, records: OffsetsTopicRecordIn[]): ConsumerGroupHeartbeatResult {
    const joining = p.memberEpoch === JOIN_GROUP_MEMBER_EPOCH;
    const previous = this.ctx.groups.get(p.groupId);
    const wasClassic = previous?.type === 'classic' && previous.members.size > 0;
    const group = this.groupFor(p.groupId, joining, records);
    let member: ConsumerGroupMember;
    let trigger: RebalanceTrigger | undefined;
    if (joining) {
      ({ member, trigger } = this.joiningMember(group, p, records));
    } else {
      if (p.instanceId !== null) {
        const holder = group.staticMembers.get(p.instanceId);
        if (holder === undefined) fail('UNKNOWN_MEMBER_ID', `Instance id ${p.instanceId} is unknown.`);
        if (holder !== p.memberId) fail('FENCED_INSTANCE_ID', `Static member ${p.memberId} with instance id ${p.instanceId} is not the member ${holder}.`);
      }
      const m = group.members.get(p.memberId);
      if (!m) fail('UNKNOWN_MEMBER_ID', `Member ${p.memberId} is not a member of group ${p.groupId}.`);
      this.checkEpoch(m, p);
      member = m;
    }
    const before = { assigned: copyAssignment(member.assignedPartitions) };

    // The member's own metadata: a field sent replaces what the coordinator had.
    const metadataBefore = JSON.stringify(this.memberMetadata(member));
    const subscriptionBefore = JSON.stringify([member.subscribedTopicNames, member.subscribedTopicRegex]);
    if (p.instanceId !== null) member.instanceId = p.instanceId;
    if (p.rackId !== null) member.rackId = p.rackId;
    if (p.rebalanceTimeoutMs !== -1) member.rebalanceTimeoutMs = p.rebalanceTimeoutMs;
    if (p.subscribedTopicNames !== null) member.subscribedTopicNames = [...new Set(p.subscribedTopicNames)].sort();
    // An empty expression clears it (librdkafka sends "" with a list of names).
    if (p.subscribedTopicRegex !== null) member.subscribedTopicRegex = p.subscribedTopicRegex === '' ? null : p.subscribedTopicRegex;
    if (p.serverAssignor !== null) member.serverAssignor = p.serverAssignor;
    member.clientId = p.clientId;
    member.clientHost = p.clientHost;
    if (JSON.stringify(this.memberMetadata(member)) !== metadataBefore || joining) records.push(memberRecord(group.groupId, member.memberId, this.memberMetadata(member)));
    // Kafka bumps the epoch for a subscription that changed (a newcomer's included) and for a new group, not for a
    // member that joins subscribing to nothing.
    const subscriptionChanged = JSON.stringify([member.subscribedTopicNames, member.subscribedTopicRegex]) !== subscriptionBefore;
    if (trigger === 'member joined' && !subscriptionChanged && group.groupEpoch > 0) trigger = undefined;
    if (!trigger && subscriptionChanged) trigger = 'subscription or metadata change';
    if (!trigger && group.groupEpoch === 0) trigger = 'member joined';
    // The journal says why the classic members are told to rejoin: their group changed protocol.
    if (wasClassic) trigger = 'protocol upgrade';

    // A pattern new to the group is resolved with this member's authorization; so is every pattern at the first
    // heartbeat after a load, which resolved them without one.
    if (member.subscribedTopicRegex && (!group.resolvedRegexes.has(member.subscribedTopicRegex) || (p.describableTopics && !group.regexAuthorization))) {
      group.regexAuthorization = p.describableTopics;
      this.scheduleRegexResolution(group);
    }
    this.refresh(group, records, trigger, member.memberId);
    this.reconcileMember(group, member, p.topicPartitions, records);
    this.scheduleSessionTimeout(group, member);
    this.updateState(group);
    this.ctx.groupChanged(group.groupId);

    const changed = !assignmentEquals(before.assigned, member.assignedPartitions);
    // A full request (what a client sends after an error, or to be sure) always gets the assignment back.
    const full = joining || (p.rebalanceTimeoutMs !== -1 && (p.subscribedTopicNames !== null || p.subscribedTopicRegex !== null) && p.topicPartitions !== null);
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      memberId: member.memberId,
      memberEpoch: member.memberEpoch,
      heartbeatIntervalMs: this.config.heartbeatIntervalMs,
      assignment: full || changed ? assignmentToList(member.assignedPartitions) : null,
    };
  }

  /** The group, created when a member joins one that does not exist; an empty classic group of that id is taken over. */
  private groupFor(groupId: string, createIfMissing: boolean, records: OffsetsTopicRecordIn[]): ConsumerGroup {
    const existing = this.ctx.liveGroup(groupId);
    if (existing?.type === 'consumer') return existing;
    if (existing?.type === 'classic') {
      if (!createIfMissing) fail('GROUP_ID_NOT_FOUND', `Group ${groupId} is not a consumer group.`);
      if (existing.members.size > 0 || !existing.is('Empty')) {
        if (!upgradeAllowed(this.config.migrationPolicy)) fail('GROUP_ID_NOT_FOUND', `Group ${groupId} is not a consumer group.`);
        return this.upgrade(existing, records);
      }
      // An empty classic group becomes a consumer group; its committed offsets stay (Kafka converts it the same way).
      const group = new ConsumerGroup(groupId, this.ctx.now());
      for (const [k, v] of existing.offsets) group.offsets.set(k, v);
      records.push({ key: groupMetadataKey(groupId), value: null });
      this.ctx.groups.set(groupId, group);
      this.ctx.logger.info(`group ${groupId}: the empty classic group becomes a consumer group`);
      return group;
    }
    if (!createIfMissing) fail('GROUP_ID_NOT_FOUND', `Group ${groupId} not found.`);
    const group = new ConsumerGroup(groupId, this.ctx.now());
    this.ctx.groups.set(groupId, group);
    return group;
  }

  /**
   * A member joins a classic group with the consumer protocol: the group becomes a consumer group online, its classic
   * members staying in it as they are (same epoch, same partitions) until they rejoin; parked JoinGroup and SyncGroup
   * requests are told to rejoin.
   */
  private upgrade(classic: ClassicGroup, records: OffsetsTopicRecordIn[]): ConsumerGroup {
    const { group, records: converted } = upgradeClassicGroup(classic, {
      maxSize: this.config.maxSize,
      now: this.ctx.now(),
      topicId: (name) => this.topics.byName(name)?.id,
      memberMetadata: (m) => this.memberMetadata(m),
      currentAssignment: (m) => this.currentAssignmentValue(m),
    });
    this.classicHooks.abandon(classic, ErrorCode.REBALANCE_IN_PROGRESS);
    records.push(...converted);
    this.ctx.groups.set(group.groupId, group);
    for (const m of group.members.values()) this.scheduleSessionTimeout(group, m);
    this.ctx.logger.info(`group ${group.groupId}: the classic group (generation ${classic.generationId}, ${group.members.size} members) becomes a consumer group`);
    return group;
  }

  /**
   * A consumer group left with classic members only goes back to the classic protocol, if the policy lets it (Kafka's
   * convertToClassicGroup): the consumer group's records are deleted, the classic group's is written, and a classic
   * rebalance starts. Returns whether it did.
   */
  maybeDowngrade(group: ConsumerGroup, records: OffsetsTopicRecordIn[]): boolean {
    if (!canDowngrade(group, this.config.migrationPolicy, this.ctx.config.groupMaxSize)) return false;
    this.shutdown(group);
    const classic = downgradeConsumerGroup(group, { now: this.ctx.now(), topicName: (id) => this.topicName(id) });
    records.push(...groupTombstones(group), classicGroupRecord(classic));
    this.ctx.groups.set(group.groupId, classic);
    this.ctx.logger.info(`group ${group.groupId}: only classic members are left; the group becomes a classic group at generation ${classic.generationId}`);
    this.classicHooks.adopt(classic);
    this.ctx.groupChanged(group.groupId);
    return true;
  }

  /** A new member, not yet assigned anything. */
  addMember(group: ConsumerGroup, memberId: string, instanceId: string | null): ConsumerGroupMember {
    const member = new ConsumerGroupMember(memberId);
    member.instanceId = instanceId;
    member.lastHeartbeat = this.ctx.now();
    group.members.set(memberId, member);
    if (instanceId !== null) group.staticMembers.set(instanceId, memberId);
    return member;
  }

  /**
   * A classic member joins a consumer group that has no member left: the group gives way to a classic group, with its
   * offsets (Kafka deletes the empty consumer group and creates a classic one, whatever the migration policy).
   */
  replaceEmptyWithClassic(group: ConsumerGroup): ClassicGroup {
    this.shutdown(group);
    const records = groupTombstones(group);
    this.ctx.groups.delete(group.groupId);
    const classic = this.ctx.createGroup(group.groupId);
    for (const [k, v] of group.offsets) classic.offsets.set(k, v);
    classic.journal = group.journal;
    this.appendInBackground(group.groupId, records);
    this.ctx.logger.info(`group ${group.groupId}: the empty consumer group becomes a classic group`);
    return classic;
  }

  memberRecord(group: ConsumerGroup, m: ConsumerGroupMember): OffsetsTopicRecordIn {
    return memberRecord(group.groupId, m.memberId, this.memberMetadata(m));
  }

  /** A member joining with epoch 0: new, rejoining after being fenced, or a static member coming back. */
  private joiningMember(group: ConsumerGroup, p: ConsumerGroupHeartbeatParams, records: OffsetsTopicRecordIn[]): { member: ConsumerGroupMember; trigger?: RebalanceTrigger } {
    const memberId = p.memberId || randomUUID();
    if (p.instanceId !== null) {
      const holderId = group.staticMembers.get(p.instanceId);
      const holder = holderId !== undefined ? group.members.get(holderId) : undefined;
      if (holder && holder.memberId !== memberId) {
        if (holder.memberEpoch !== LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
          fail('UNRELEASED_INSTANCE_ID', `Static member ${memberId} with instance id ${p.instanceId} cannot join the group because the instance id is owned by ${holder.memberId} member.`);
        }
        return { member: this.replaceStaticMember(group, holder, memberId, records) };
      }
    }
    const existing = group.members.get(memberId);
    if (existing) return { member: existing };
    if (group.members.size >= this.config.maxSize) fail('GROUP_MAX_SIZE_REACHED', `The consumer group has reached its maximum capacity of ${this.config.maxSize} members.`);
    const member = this.addMember(group, memberId, p.instanceId);
    this.ctx.logger.info(`group ${group.groupId}: member ${memberId} (${p.clientId}) joins`);
    return { member, trigger: 'member joined' };
  }

  /**
   * A static member that left with epoch -2 comes back under a new member id within its session timeout: the new
   * id takes over its place, epoch and partitions, with no new group epoch and no partition moving (KIP-848).
   */
  replaceStaticMember(group: ConsumerGroup, old: ConsumerGroupMember, newId: string, records: OffsetsTopicRecordIn[]): ConsumerGroupMember {
    const m = new ConsumerGroupMember(newId);
    Object.assign(m, {
      instanceId: old.instanceId,
      rackId: old.rackId,
      rebalanceTimeoutMs: old.rebalanceTimeoutMs,
      subscribedTopicNames: old.subscribedTopicNames,
      subscribedTopicRegex: old.subscribedTopicRegex,
      serverAssignor: old.serverAssignor,
      // The newcomer starts at epoch 0 with the old incarnation's partitions, and reconciles from there to the
      // current target, which it inherits: nothing moves.
      memberEpoch: 0,
      previousMemberEpoch: 0,
      state: old.state,
      assignedPartitions: old.assignedPartitions,
      partitionsPendingRevocation: old.partitionsPendingRevocation,
      lastHeartbeat: this.ctx.now(),
    });
    this.cancelTimers(old);
    group.releasePartitions(old);
    group.members.delete(old.memberId);
    group.members.set(newId, m);
    group.staticMembers.set(m.instanceId!, newId);
    const target = group.targetAssignment.get(old.memberId) ?? new Map();
    group.targetAssignment.delete(old.memberId);
    group.targetAssignment.set(newId, target);
    group.claimPartitions(m);
    records.push(currentAssignmentRecord(group.groupId, old.memberId, null), targetMemberRecord(group.groupId, old.memberId, null), memberRecord(group.groupId, old.memberId, null));
    records.push(targetMemberRecord(group.groupId, newId, assignmentToList(target)), currentAssignmentRecord(group.groupId, newId, this.currentAssignmentValue(m)));
    const now = this.ctx.now();
    group.journal.event({
      fromGeneration: group.groupEpoch,
      toGeneration: group.groupEpoch,
      trigger: 'static member replaced',
      triggeredBy: newId,
      detail: `static member ${m.instanceId} rejoined as ${newId} within its session timeout: no rebalance`,
      removed: [],
      startedAt: now,
      endedAt: now,
      durationMs: 0,
      protocol: group.assignorName,
      before: this.snapshot(group),
      after: this.snapshot(group),
      moves: [],
      outcome: 'stable',
    });
    this.ctx.logger.info(`group ${group.groupId}: static member ${m.instanceId} replaced ${old.memberId} with ${newId} without a rebalance`);
    return m;
  }

  /** Kafka's throwIfMemberEpochIsInvalid: a lost answer may be retried with the previous epoch, nothing else. */
  private checkEpoch(m: ConsumerGroupMember, p: ConsumerGroupHeartbeatParams): void {
    if (p.memberEpoch > m.memberEpoch) {
      fail('FENCED_MEMBER_EPOCH', `The consumer group member has a greater member epoch (${p.memberEpoch}) than the one known by the group coordinator (${m.memberEpoch}). The member must abandon all its partitions and rejoin.`);
    }
    if (p.memberEpoch < m.memberEpoch && (p.memberEpoch !== m.previousMemberEpoch || p.topicPartitions === null || !isSubset(p.topicPartitions, m.assignedPartitions))) {
      fail('FENCED_MEMBER_EPOCH', `The consumer group member has a smaller member epoch (${p.memberEpoch}) than the one known by the group coordinator (${m.memberEpoch}). The member must abandon all its partitions and rejoin.`);
    }
  }

  private leave(p: ConsumerGroupHeartbeatParams, records: OffsetsTopicRecordIn[]): ConsumerGroupHeartbeatResult {
    const group = this.consumerGroup(p.groupId);
    if (!group || group.is('Dead')) fail('GROUP_ID_NOT_FOUND', `Group ${p.groupId} not found.`);
    let member = group.members.get(p.memberId);
    if (p.instanceId !== null) {
      const holderId = group.staticMembers.get(p.instanceId);
      if (holderId === undefined) fail('UNKNOWN_MEMBER_ID', `Instance id ${p.instanceId} is unknown.`);
      if (holderId !== p.memberId) fail('FENCED_INSTANCE_ID', `Static member ${p.memberId} with instance id ${p.instanceId} is not the member ${holderId}.`);
      member = group.members.get(holderId);
    }
    if (!member) fail('UNKNOWN_MEMBER_ID', `Member ${p.memberId} is not a member of group ${p.groupId}.`);
    const result: ConsumerGroupHeartbeatResult = { errorCode: ErrorCode.NONE, errorMessage: null, memberId: p.memberId, memberEpoch: p.memberEpoch, heartbeatIntervalMs: 0, assignment: null };
    if (p.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
      // A static member going away for a restart keeps its place and partitions until its session timeout says it is
      // gone; nobody else gets them meanwhile.
      this.cancelRebalanceTimeout(member);
      group.releasePartitions(member);
      member.previousMemberEpoch = member.memberEpoch;
      member.memberEpoch = LEAVE_GROUP_STATIC_MEMBER_EPOCH;
      member.partitionsPendingRevocation = new Map();
      group.claimPartitions(member);
      records.push(currentAssignmentRecord(group.groupId, member.memberId, this.currentAssignmentValue(member)));
      this.ctx.logger.info(`group ${group.groupId}: static member ${member.instanceId} (${member.memberId}) left temporarily`);
      this.updateState(group);
      this.ctx.groupChanged(group.groupId);
      return result;
    }
    this.removeMember(group, member, 'member left', records);
    return result;
  }

  // ------------------------------------------------------------------------------------------------ the group

  /** Removes a member (it left, or was fenced) and moves the group to a new epoch and target without it. */
  removeMember(group: ConsumerGroup, m: ConsumerGroupMember, why: RebalanceTrigger, records: OffsetsTopicRecordIn[], opts: { refresh?: boolean } = {}): void {
    this.cancelTimers(m);
    group.releasePartitions(m);
    group.members.delete(m.memberId);
    group.targetAssignment.delete(m.memberId);
    if (m.instanceId !== null && group.staticMembers.get(m.instanceId) === m.memberId) group.staticMembers.delete(m.instanceId);
    records.push(currentAssignmentRecord(group.groupId, m.memberId, null), targetMemberRecord(group.groupId, m.memberId, null), memberRecord(group.groupId, m.memberId, null));
    this.ctx.logger.info(`group ${group.groupId}: member ${m.memberId} (${m.clientId}) removed: ${why}`);
    // A batch of leaves (classic LeaveGroup) decides once, after the last of them.
    if (opts.refresh === false) return;
    // Only classic members left: they may take the group back (Kafka's validateOnlineDowngradeWithFencedMember).
    if (this.maybeDowngrade(group, records)) return;
    this.refresh(group, records, why, m.memberId, { memberId: m.memberId, clientId: m.clientId });
    this.updateState(group);
    this.ctx.groupChanged(group.groupId);
  }

  /**
   * Bumps the group epoch when something the assignment depends on changed (`trigger`, or the subscribed topics), and
   * computes the target assignment of the new epoch.
   */
  refresh(group: ConsumerGroup, records: OffsetsTopicRecordIn[], trigger: RebalanceTrigger | undefined, triggeredBy?: string, removed?: { memberId: string; clientId: string }): void {
    // A pattern no member subscribes to any more is forgotten: subscribing to it again resolves it afresh.
    const used = new Set([...group.members.values()].map((m) => m.subscribedTopicRegex));
    for (const regex of [...group.resolvedRegexes.keys()]) if (!used.has(regex)) group.resolvedRegexes.delete(regex);
    const topics = this.subscribedTopics(group);
    const signature = [...topics.values()].map((t) => `${t.name}/${t.id}/${t.partitions}`).sort().join(',');
    if (signature !== group.subscribedTopicsSignature) {
      group.subscribedTopicsSignature = signature;
      records.push(subscribedTopicsRecord(group.groupId, [...topics.values()].map((t) => ({ topicId: t.id, topicName: t.name, numPartitions: t.partitions }))));
      trigger ??= 'topic metadata change';
    }
    if (!trigger) return;
    const now = this.ctx.now();
    // "Before" is the membership of the epoch being left: without a member that is only joining now.
    const before = this.snapshot(group).filter((m) => !((trigger === 'member joined' || trigger === 'protocol upgrade') && m.memberId === triggeredBy));
    const record = group.journal.begin(group.groupEpoch, trigger, before, now, triggeredBy, removed ? `${removed.clientId} ${removed.memberId}` : undefined);
    if (removed) group.journal.noteRemoved(removed.memberId, removed.clientId, trigger);
    group.groupEpoch++;
    record.epochs = [...(record.epochs ?? []), group.groupEpoch];
    records.push(groupEpochRecord(group.groupId, group.groupEpoch));
    this.computeTarget(group, topics, records);
  }

  /** The target assignment of the group epoch, by the assignor the members prefer (Kafka's preferredServerAssignor). */
  private computeTarget(group: ConsumerGroup, topics: Map<string, AssignorTopic>, records: OffsetsTopicRecordIn[]): void {
    const votes = new Map<string, number>();
    for (const m of group.members.values()) if (m.serverAssignor) votes.set(m.serverAssignor, (votes.get(m.serverAssignor) ?? 0) + 1);
    let name = this.config.assignors[0];
    let best = 0;
    for (const [n, c] of votes) if (c > best) [name, best] = [n, c];
    const assignor = SERVER_ASSIGNORS.get(name) ?? SERVER_ASSIGNORS.get('uniform')!;
    const members = [...group.members.values()].map((m) => ({ memberId: m.memberId, instanceId: m.instanceId, subscribedTopicIds: this.subscribedTopicIds(group, m), previous: group.targetAssignment.get(m.memberId) ?? new Map<string, Set<number>>() }));
    const result = assignor.assign(members, topics);
    for (const m of members) {
      const next = result.get(m.memberId) ?? new Map<string, Set<number>>();
      if (!group.targetAssignment.has(m.memberId) || !assignmentEquals(next, m.previous)) records.push(targetMemberRecord(group.groupId, m.memberId, assignmentToList(next)));
      group.targetAssignment.set(m.memberId, next);
    }
    group.assignmentEpoch = group.groupEpoch;
    group.assignorName = assignor.name;
    records.push(targetEpochRecord(group.groupId, group.assignmentEpoch));
  }

  /** Moves the member one step towards its target and records what it has now. */
  reconcileMember(group: ConsumerGroup, m: ConsumerGroupMember, owned: OwnedTopicPartitions[] | null, records: OffsetsTopicRecordIn[]): void {
    const next = reconcile(m, {
      targetEpoch: group.assignmentEpoch,
      target: group.targetAssignment.get(m.memberId) ?? new Map(),
      subscribedTopicIds: this.subscribedTopicIds(group, m),
      partitionEpoch: (t, p) => group.partitionEpoch(t, p),
      owned,
    });
    const unchanged =
      next.state === m.state &&
      next.memberEpoch === m.memberEpoch &&
      assignmentEquals(next.assignedPartitions, m.assignedPartitions) &&
      assignmentEquals(next.partitionsPendingRevocation, m.partitionsPendingRevocation);
    if (unchanged) return;
    const now = this.ctx.now();
    const step = (action: 'revoke' | 'revoked' | 'assigned' | 'waiting', a: Assignment) =>
      group.journal.noteStep({ at: now, memberId: m.memberId, clientId: m.clientId, action, memberEpoch: next.memberEpoch, partitions: this.named(a) });
    const revokedNow = diff(m.partitionsPendingRevocation, next.partitionsPendingRevocation);
    const newlyRevoking = diff(next.partitionsPendingRevocation, m.partitionsPendingRevocation);
    const received = diff(next.assignedPartitions, m.assignedPartitions);
    if (revokedNow.size) step('revoked', revokedNow);
    if (newlyRevoking.size) step('revoke', newlyRevoking);
    if (received.size) step('assigned', received);
    if (next.state === MemberState.UNRELEASED_PARTITIONS && m.state !== MemberState.UNRELEASED_PARTITIONS) step('waiting', diff(group.targetAssignment.get(m.memberId) ?? new Map(), next.assignedPartitions));
    group.releasePartitions(m);
    Object.assign(m, next);
    group.claimPartitions(m);
    records.push(currentAssignmentRecord(group.groupId, m.memberId, this.currentAssignmentValue(m)));
    // A member with partitions to give up has its rebalance timeout to do it (Kafka's scheduleConsumerGroupRebalanceTimeout).
    if (m.state === MemberState.UNREVOKED_PARTITIONS) this.scheduleRebalanceTimeout(group, m);
    else this.cancelRebalanceTimeout(m);
  }

  updateState(group: ConsumerGroup): void {
    const now = this.ctx.now();
    const state = group.computeState();
    group.transitionTo(state, now);
    if (state === 'Stable' || state === 'Empty') {
      if (group.journal.inProgress) group.journal.end(group.assignmentEpoch, group.assignorName, this.snapshot(group), now, state === 'Stable' ? 'stable' : 'empty');
    }
  }

  /** Topic changes: groups whose subscribed topics changed move to a new epoch (a regex matching a new topic, ...). */
  topicsChanged(): void {
    // The cluster says so for leader and ISR changes too: patterns are resolved again only when a name came or went.
    const names = [...this.topics.names()].join('\u0000');
    const namesChanged = names !== this.topicNames;
    this.topicNames = names;
    for (const g of this.ctx.groups.values()) {
      if (g.type !== 'consumer' || g.members.size === 0) continue;
      if (namesChanged && [...g.members.values()].some((m) => m.subscribedTopicRegex)) this.scheduleRegexResolution(g);
      const records: OffsetsTopicRecordIn[] = [];
      this.refresh(g, records, undefined);
      if (records.length === 0) continue;
      this.updateState(g);
      this.ctx.groupChanged(g.groupId);
      this.appendInBackground(g.groupId, records);
    }
  }

  // ------------------------------------------------------------------------------------------------ timers

  scheduleSessionTimeout(group: ConsumerGroup, m: ConsumerGroupMember): void {
    m.lastHeartbeat = this.ctx.now();
    this.ctx.clock.clearTimeout(m.sessionTimer);
    // A classic member keeps the session timeout it joined with.
    const timeout = m.classic?.sessionTimeoutMs ?? this.config.sessionTimeoutMs;
    m.sessionTimer = this.ctx.clock.setTimeout(() => {
      if (group.members.get(m.memberId) !== m) return;
      this.ctx.logger.info(`group ${group.groupId}: member ${m.memberId} (${m.clientId}) missed its session timeout of ${timeout} ms; fencing it`);
      this.fence(group, m, 'session timeout');
    }, timeout);
  }

  private scheduleRebalanceTimeout(group: ConsumerGroup, m: ConsumerGroupMember): void {
    if (m.rebalanceTimer?.epoch === m.memberEpoch) return;
    this.cancelRebalanceTimeout(m);
    const epoch = m.memberEpoch;
    const timeout = m.rebalanceTimeoutMs > 0 ? m.rebalanceTimeoutMs : 300000;
    m.rebalanceTimer = {
      epoch,
      timer: this.ctx.clock.setTimeout(() => {
        if (group.members.get(m.memberId) !== m || m.state !== MemberState.UNREVOKED_PARTITIONS || m.memberEpoch !== epoch) return;
        this.ctx.logger.info(`group ${group.groupId}: member ${m.memberId} (${m.clientId}) did not revoke its partitions within its rebalance timeout of ${timeout} ms; fencing it`);
        this.fence(group, m, 'rebalance timeout');
      }, timeout),
    };
  }

  private cancelRebalanceTimeout(m: ConsumerGroupMember): void {
    if (m.rebalanceTimer) this.ctx.clock.clearTimeout(m.rebalanceTimer.timer);
    m.rebalanceTimer = undefined;
  }

  cancelTimers(m: ConsumerGroupMember): void {
    this.ctx.clock.clearTimeout(m.sessionTimer);
    m.sessionTimer = undefined;
    this.cancelRebalanceTimeout(m);
    this.ctx.clock.clearTimeout(m.classicTimer?.timer);
    m.classicTimer = undefined;
  }

  fence(group: ConsumerGroup, m: ConsumerGroupMember, why: RebalanceTrigger): void {
    if (group.members.get(m.memberId) !== m || this.ctx.groups.get(group.groupId) !== group) return;
    const records: OffsetsTopicRecordIn[] = [];
    this.removeMember(group, m, why, records);
    this.appendInBackground(group.groupId, records);
  }

  appendInBackground(groupId: string, records: OffsetsTopicRecordIn[]): void {
    this.ctx.store.append(this.ctx.partitionFor(groupId), records).catch((e) => this.ctx.logger.warn(`group ${groupId}: storing its records failed: ${(e as Error).message}`));
  }

  shutdown(group: ConsumerGroup): void {
    for (const m of group.members.values()) this.cancelTimers(m);
    this.ctx.clock.clearTimeout(group.regexResolution);
  }

  // ------------------------------------------------------------------------------------------------ subscriptions

  /**
   * Resolves the group's regular expressions against the topics there are now, soon after (Kafka does it off the
   * request path, too); a resolution that changed what a pattern matches moves the group to a new epoch.
   */
  private scheduleRegexResolution(group: ConsumerGroup): void {
    if (group.regexResolution) return;
    group.regexResolution = this.ctx.clock.setTimeout(() => {
      group.regexResolution = undefined;
      if (this.ctx.groups.get(group.groupId) !== group) return;
      const used = new Set([...group.members.values()].map((m) => m.subscribedTopicRegex).filter((r): r is string => !!r));
      let changed = false;
      for (const regex of [...group.resolvedRegexes.keys()]) if (!used.has(regex)) group.resolvedRegexes.delete(regex);
      const names = [...this.topics.names()];
      for (const regex of used) {
        let matched: string[];
        try {
          matched = matchTopics(regex, names);
        } catch (e) {
          // Accepted once, too slow now (more or longer topic names): it matches nothing, and says so.
          this.ctx.logger.warn(`group ${group.groupId}: ${(e as Error).message}`);
          matched = [];
        }
        if (group.regexAuthorization) matched = group.regexAuthorization(matched);
        const before = group.resolvedRegexes.get(regex);
        if (before && before.join('\u0000') === matched.join('\u0000')) continue;
        group.resolvedRegexes.set(regex, matched);
        changed = true;
      }
      if (!changed) return;
      const records: OffsetsTopicRecordIn[] = [];
      this.refresh(group, records, 'subscription or metadata change');
      this.updateState(group);
      this.ctx.groupChanged(group.groupId);
      this.appendInBackground(group.groupId, records);
    }, 0);
  }

  /** The ids of the existing topics the member subscribes to, by name or by its regular expression. */
  private subscribedTopicIds(group: ConsumerGroup, m: ConsumerGroupMember): Set<string> {
    const ids = new Set<string>();
    const matched = m.subscribedTopicRegex ? (group.resolvedRegexes.get(m.subscribedTopicRegex) ?? []) : [];
    for (const n of [...m.subscribedTopicNames, ...matched]) {
      const t = this.topics.byName(n);
      if (t) ids.add(t.id);
    }
    return ids;
  }

  private subscribedTopics(group: ConsumerGroup): Map<string, AssignorTopic> {
    const topics = new Map<string, AssignorTopic>();
    for (const m of group.members.values()) {
      for (const id of this.subscribedTopicIds(group, m)) {
        const t = this.topics.byId(id);
        if (t) topics.set(id, t);
      }
    }
    return topics;
  }

  // ------------------------------------------------------------------------------------------------ records

  memberMetadata(m: ConsumerGroupMember) {
    return {
      instanceId: m.instanceId,
      rackId: m.rackId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      subscribedTopicNames: m.subscribedTopicNames,
      subscribedTopicRegex: m.subscribedTopicRegex,
      rebalanceTimeoutMs: m.rebalanceTimeoutMs,
      serverAssignor: m.serverAssignor,
      classicMemberMetadata: m.classic ? { sessionTimeoutMs: m.classic.sessionTimeoutMs, supportedProtocols: m.classic.protocols.map((p) => ({ name: p.name, metadata: p.metadata })) } : null,
    };
  }

  currentAssignmentValue(m: ConsumerGroupMember) {
    return {
      memberEpoch: m.memberEpoch,
      previousMemberEpoch: m.previousMemberEpoch,
      state: m.state,
      assignedPartitions: assignmentToList(m.assignedPartitions),
      partitionsPendingRevocation: assignmentToList(m.partitionsPendingRevocation),
    };
  }

  /** Replays one consumer group record (load). */
  replay(r: ConsumerGroupRecord, now: number): void {
    const tombstone = r.kind === 'metadata' ? r.epoch === null : r.kind === 'targetMetadata' ? r.assignmentEpoch === null : r.kind === 'targetMember' ? r.topicPartitions === null : r.value === null;
    let group = this.consumerGroup(r.group);
    if (!group) {
      if (tombstone) return;
      // A classic group of that id (its offsets, or an older incarnation) was converted: the offsets stay.
      const previous = this.ctx.groups.get(r.group);
      group = new ConsumerGroup(r.group, now);
      if (previous) for (const [k, v] of previous.offsets) group.offsets.set(k, v);
      this.ctx.groups.set(r.group, group);
    }
    const memberOf = (id: string) => {
      let m = group.members.get(id);
      if (!m) group.members.set(id, (m = new ConsumerGroupMember(id)));
      return m;
    };
    switch (r.kind) {
      case 'metadata':
        if (r.epoch === null) {
          // The group's last record: it was deleted, or converted to a classic group (whose record follows); its
          // offsets, if any are left, stay with the id.
          this.ctx.groups.delete(r.group);
          if (group.offsets.size > 0) {
            const kept = this.ctx.createGroup(r.group, now);
            for (const [k, v] of group.offsets) kept.offsets.set(k, v);
          }
          return;
        }
        group.groupEpoch = r.epoch;
        return;
      case 'partitionMetadata':
        group.subscribedTopicsSignature = r.value ? r.value.topics.map((t) => `${t.topicName}/${t.topicId}/${t.numPartitions}`).sort().join(',') : '';
        return;
      case 'member': {
        if (r.value === null) {
          const m = group.members.get(r.memberId);
          if (m?.instanceId && group.staticMembers.get(m.instanceId) === r.memberId) group.staticMembers.delete(m.instanceId);
          group.members.delete(r.memberId);
          return;
        }
        const m = memberOf(r.memberId);
        Object.assign(m, {
          instanceId: r.value.instanceId,
          rackId: r.value.rackId,
          clientId: r.value.clientId,
          clientHost: r.value.clientHost,
          subscribedTopicNames: r.value.subscribedTopicNames,
          subscribedTopicRegex: r.value.subscribedTopicRegex,
          rebalanceTimeoutMs: r.value.rebalanceTimeoutMs,
          serverAssignor: r.value.serverAssignor,
          classic: r.value.classicMemberMetadata
            ? { sessionTimeoutMs: r.value.classicMemberMetadata.sessionTimeoutMs, protocols: r.value.classicMemberMetadata.supportedProtocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata) })) }
            : null,
        });
        if (m.instanceId) group.staticMembers.set(m.instanceId, m.memberId);
        return;
      }
      case 'targetMetadata':
        group.assignmentEpoch = r.assignmentEpoch ?? 0;
        return;
      case 'targetMember':
        if (r.topicPartitions === null) group.targetAssignment.delete(r.memberId);
        else group.targetAssignment.set(r.memberId, assignmentFromList(r.topicPartitions));
        return;
      case 'currentAssignment': {
        if (r.value === null) return;
        const m = group.members.get(r.memberId);
        if (!m) return;
        m.memberEpoch = r.value.memberEpoch;
        m.previousMemberEpoch = r.value.previousMemberEpoch;
        m.state = r.value.state in MemberState ? (r.value.state as MemberState) : MemberState.UNKNOWN;
        m.assignedPartitions = assignmentFromList(r.value.assignedPartitions);
        m.partitionsPendingRevocation = assignmentFromList(r.value.partitionsPendingRevocation);
        return;
      }
    }
  }

  /** After load: owners of partitions, states, and every member's session timeout started afresh. */
  loaded(group: ConsumerGroup): void {
    group.partitionEpochs.clear();
    for (const m of group.members.values()) {
      group.claimPartitions(m);
      this.scheduleSessionTimeout(group, m);
    }
    group.state = group.computeState();
    if ([...group.members.values()].some((m) => m.subscribedTopicRegex)) this.scheduleRegexResolution(group);
  }

  // ------------------------------------------------------------------------------------------------ views

  /** Topic ids to names, for the journal and the describe answers (a deleted topic keeps its id). */
  named(a: Assignment): TopicPartitions[] {
    return assignmentToList(a).map(({ topicId, partitions }) => ({ topic: this.topics.byId(topicId)?.name ?? topicId, partitions }));
  }

  topicName(topicId: string): string {
    return this.topics.byId(topicId)?.name ?? '';
  }

  snapshot(group: ConsumerGroup): MemberSnapshot[] {
    return [...group.members.values()].map((m) => ({ memberId: m.memberId, groupInstanceId: m.instanceId, clientId: m.clientId, clientHost: m.clientHost, partitions: this.named(m.assignedPartitions) }));
  }

  /** The topics a member subscribes to now, by name (its regular expression resolved). */
  subscribedTopicNames(group: ConsumerGroup, m: ConsumerGroupMember): string[] {
    return [...this.subscribedTopicIds(group, m)].map((id) => this.topicName(id)).sort();
  }

  get heartbeatIntervalMs(): number {
    return this.config.heartbeatIntervalMs;
  }
}

function diff(a: Assignment, b: Assignment): Assignment {
  const out: Assignment = new Map();
  for (const [t, ps] of a) {
    const rest = [...ps].filter((p) => !b.get(t)?.has(p));
    if (rest.length) out.set(t, new Set(rest));
  }
  return out;
}
