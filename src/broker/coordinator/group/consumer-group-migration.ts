/**
 * Moving a group between the two protocols, online, as Kafka 4's coordinator does (KIP-848's upgrade path,
 * group.consumer.migration.policy): a classic group whose members use the consumer embedded protocol becomes a
 * consumer group when a member joins it with ConsumerGroupHeartbeat, keeping its members (as classic members), their
 * partitions and its generation as the epoch; and a consumer group left with classic members only becomes a classic
 * group again, at the group epoch, with each member's target assignment as its classic assignment. The conversions
 * only build the new group and its records; the managers swap it in and deal with timers and parked requests.
 */
import { KafkaError } from '../../errors';
import { ClassicGroup, Member } from './classic-group';
import { ConsumerGroup, ConsumerGroupMember, MemberState, type Assignment, assignmentToList, copyAssignment } from './consumer-group';
import { decodeFullAssignment, decodeSubscription, encodeAssignment } from './consumer-protocol';
import { currentAssignmentRecord, groupEpochRecord, memberRecord, targetEpochRecord, targetMemberRecord } from './consumer-group-records';
import { groupMetadataKey, groupMetadataValue } from './offsets-records';
import type { OffsetsTopicRecordIn } from './group-context';

export type MigrationPolicy = 'disabled' | 'downgrade' | 'upgrade' | 'bidirectional';

export function upgradeAllowed(policy: MigrationPolicy): boolean {
  return policy === 'upgrade' || policy === 'bidirectional';
}

function downgradeAllowed(policy: MigrationPolicy): boolean {
  return policy === 'downgrade' || policy === 'bidirectional';
}

/** The member metadata record's value for a member (what ConsumerGroupMemberMetadata stores). */
type MemberMetadataOf = (m: ConsumerGroupMember) => Parameters<typeof memberRecord>[2];
type CurrentAssignmentOf = (m: ConsumerGroupMember) => Parameters<typeof currentAssignmentRecord>[2];

function notConsumerGroup(groupId: string, why: string): never {
  throw new KafkaError('GROUP_ID_NOT_FOUND', `Group ${groupId} is not a consumer group: ${why}`);
}

/**
 * The consumer group a non-empty classic group becomes (Kafka's ConsumerGroup.fromClassicGroup), with the records
 * that say so, in Kafka's order. GROUP_ID_NOT_FOUND when it cannot be: members that do not speak the consumer
 * embedded protocol, too many of them, or a subscription or assignment that does not parse (or carries a custom
 * client assignor's user data, which a broker-side assignor would lose).
 */
export function upgradeClassicGroup(
  classic: ClassicGroup,
  opts: { maxSize: number; now: number; topicId: (name: string) => string | undefined; memberMetadata: MemberMetadataOf; currentAssignment: CurrentAssignmentOf },
): { group: ConsumerGroup; records: OffsetsTopicRecordIn[] } {
  const id = classic.groupId;
  if (classic.protocolType !== 'consumer') notConsumerGroup(id, `its protocol type is ${classic.protocolType ?? 'none'}, not consumer.`);
  if (classic.members.size > opts.maxSize) notConsumerGroup(id, `its ${classic.members.size} members exceed group.consumer.max.size (${opts.maxSize}).`);
  const group = new ConsumerGroup(id, opts.now);
  group.journal = classic.journal;
  for (const [k, v] of classic.offsets) group.offsets.set(k, v);
  const generation = classic.generationId;
  for (const cm of classic.members.values()) {
    const subscription = decodeSubscription(cm.metadataFor(classic.protocolName ?? ''));
    const assignment = decodeFullAssignment(cm.assignment);
    if (!subscription || !assignment) notConsumerGroup(id, `member ${cm.memberId}'s subscription or assignment is not the consumer protocol's.`);
    if (assignment.userData && assignment.userData.length > 0) notConsumerGroup(id, `member ${cm.memberId}'s assignment carries a client assignor's user data.`);
    const m = new ConsumerGroupMember(cm.memberId);
    const assigned: Assignment = new Map();
    for (const tp of assignment.partitions) {
      const topicId = opts.topicId(tp.topic);
      // A topic deleted since the assignment is dropped.
      if (topicId === undefined || tp.partitions.length === 0) continue;
      assigned.set(topicId, new Set([...(assigned.get(topicId) ?? []), ...tp.partitions]));
    }
    Object.assign(m, {
      instanceId: cm.groupInstanceId,
      rackId: subscription.rackId,
      clientId: cm.clientId,
      clientHost: cm.clientHost,
      rebalanceTimeoutMs: cm.rebalanceTimeoutMs,
      subscribedTopicNames: [...new Set(subscription.topics)].sort(),
      memberEpoch: generation,
      previousMemberEpoch: generation,
      state: MemberState.STABLE,
      assignedPartitions: assigned,
      classic: { sessionTimeoutMs: cm.sessionTimeoutMs, protocols: cm.protocols.map((p) => ({ name: p.name, metadata: p.metadata })) },
      lastHeartbeat: cm.lastHeartbeat,
    });
    group.members.set(m.memberId, m);
    if (m.instanceId !== null) group.staticMembers.set(m.instanceId, m.memberId);
    group.targetAssignment.set(m.memberId, copyAssignment(assigned));
  }
  group.groupEpoch = generation;
  group.assignmentEpoch = generation;
  for (const m of group.members.values()) group.claimPartitions(m);
  const members = [...group.members.values()];
  const records: OffsetsTopicRecordIn[] = [
    { key: groupMetadataKey(id), value: null },
    ...members.map((m) => memberRecord(id, m.memberId, opts.memberMetadata(m))),
    groupEpochRecord(id, generation),
    ...members.map((m) => targetMemberRecord(id, m.memberId, assignmentToList(group.targetAssignment.get(m.memberId)!))),
    targetEpochRecord(id, generation),
    ...members.map((m) => currentAssignmentRecord(id, m.memberId, opts.currentAssignment(m))),
  ];
  return { group, records };
}

/** Whether a consumer group may go back to the classic protocol now: only classic members left, and not too many. */
export function canDowngrade(group: ConsumerGroup, policy: MigrationPolicy, classicMaxSize: number): boolean {
  if (!downgradeAllowed(policy) || group.members.size === 0 || group.members.size > classicMaxSize) return false;
  let common: string[] | undefined;
  for (const m of group.members.values()) {
    if (!m.useClassicProtocol()) return false;
    const names = m.classic!.protocols.map((p) => p.name);
    common = common ? common.filter((n) => names.includes(n)) : names;
  }
  // A classic group needs a protocol every member supports (the vote that names the assignor).
  return (common ?? []).length > 0;
}

/**
 * The classic group a consumer group of classic members becomes (Kafka's ClassicGroup.fromConsumerGroup): the group
 * epoch is its generation, the first member leads, and each member's classic assignment is its target assignment at
 * its subscription's version. It is Stable: the caller stores it and starts a rebalance, so that every member rejoins
 * and the group's own assignor takes over.
 */
export function downgradeConsumerGroup(group: ConsumerGroup, opts: { now: number; topicName: (id: string) => string }): ClassicGroup {
  const classic = new ClassicGroup(group.groupId, opts.now);
  classic.journal = group.journal;
  for (const [k, v] of group.offsets) classic.offsets.set(k, v);
  classic.generationId = group.groupEpoch;
  classic.protocolType = 'consumer';
  for (const m of group.members.values()) {
    const meta = m.classic!;
    const member = new Member(m.memberId, m.instanceId, m.clientId, m.clientHost, m.rebalanceTimeoutMs, meta.sessionTimeoutMs, 'consumer', meta.protocols, opts.now);
    const version = decodeSubscription(meta.protocols[0]?.metadata ?? Buffer.alloc(0))?.version ?? 0;
    const target = group.targetAssignment.get(m.memberId) ?? new Map();
    member.assignment = encodeAssignment(version, assignmentToList(target).map(({ topicId, partitions }) => ({ topic: opts.topicName(topicId), partitions })));
    member.isNew = false;
    classic.members.set(member.memberId, member);
    if (member.groupInstanceId !== null) classic.staticMembers.set(member.groupInstanceId, member.memberId);
  }
  classic.leaderId = classic.members.keys().next().value ?? null;
  classic.protocolName = classic.selectProtocol();
  classic.state = 'Stable';
  return classic;
}

/** The GroupMetadata record of a classic group (Kafka's storeGroup). */
export function classicGroupRecord(group: ClassicGroup): OffsetsTopicRecordIn {
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
  return { key: groupMetadataKey(group.groupId), value };
}
