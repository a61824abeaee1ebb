/**
 * An external cluster's consumer groups as kafka-consumer-groups sees them: DescribeGroups for the state and the
 * members' assignments (ConsumerGroupDescribe for a consumer protocol group, which DescribeGroups reports as Dead),
 * OffsetFetch for what each group committed, ListOffsets for the logs' ends and so the lag.
 * A reset commits offsets through the admin API and, as kafka-consumer-groups, is refused while the group has members.
 */
import { type Admin, FindCoordinatorKeyTypes } from '@platformatic/kafka';
import type { GroupDescription, GroupMemberView, GroupOffsetView, GroupState, GroupSummary, ResetOffsetsRequest, ResetPlanRow } from '../broker/api';
import { KafkaError } from '../broker/errors';
import { lagOf, lagTotals, resetTargetOffset } from '../broker/coordinator/group/group-admin';
import { call } from './external-cluster-errors';
import type { MetadataReader } from './external-cluster-metadata';
import type { OffsetReader } from './external-cluster-offsets';
import type { ConsumerGroupDescribeGroup, DirectRequests } from './external-cluster-requests';

type TopicPartitionsIn = ReadonlyArray<{ topicName: string; partitions: readonly number[] }>;

function named(tps: TopicPartitionsIn): Array<{ topic: string; partitions: number[] }> {
  return tps.map((t) => ({ topic: t.topicName, partitions: [...t.partitions].sort((a, b) => a - b) })).sort((a, b) => (a.topic < b.topic ? -1 : 1));
}

/** Partitions of `a` that `b` lacks. */
function minus(a: TopicPartitionsIn, b: TopicPartitionsIn): Array<{ topic: string; partitions: number[] }> {
  const has = new Set(b.flatMap((t) => t.partitions.map((p) => `${t.topicName}\0${p}`)));
  return named(a.map((t) => ({ topicName: t.topicName, partitions: t.partitions.filter((p) => !has.has(`${t.topicName}\0${p}`)) })).filter((t) => t.partitions.length > 0));
}

/** A ConsumerGroupDescribe member as the views show members (what it owns, its target, what it still waits for). */
function consumerMember(g: ConsumerGroupDescribeGroup, m: ConsumerGroupDescribeGroup['members'][number]): GroupMemberView {
  const owns = m.assignment.topicPartitions;
  const target = m.targetAssignment.topicPartitions;
  const toReceive = minus(target, owns);
  return {
    memberId: m.memberId,
    groupInstanceId: m.instanceId ?? null,
    clientId: m.clientId,
    clientHost: m.clientHost,
    // ConsumerGroupDescribe does not return the timeouts.
    sessionTimeoutMs: -1,
    rebalanceTimeoutMs: -1,
    assignment: named(owns),
    consumer: {
      // ConsumerGroupDescribe v0 does not say which protocol a member speaks (v1's MemberType does).
      protocol: 'consumer',
      memberEpoch: m.memberEpoch,
      // ConsumerGroupDescribe does not say what a member is revoking; a member behind the assignment epoch is.
      state: m.memberEpoch < g.assignmentEpoch ? 'unrevoked_partitions' : toReceive.length ? 'unreleased_partitions' : 'stable',
      rackId: m.rackId ?? null,
      subscribedTopicNames: m.subscribedTopicNames,
      subscribedTopicRegex: m.subscribedTopicRegex ?? null,
      serverAssignor: null,
      target: named(target),
      revoking: minus(owns, target),
      toReceive,
    },
  };
}

/** A group state by Kafka's name, in any case, with or without underscores; an unknown one is Dead. */
function groupState(s: string): GroupState {
  const k = s.replace(/_/g, '').toLowerCase();
  const states: GroupState[] = ['Empty', 'PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead', 'Assigning', 'Reconciling'];
  return states.find((x) => x.toLowerCase() === k) ?? 'Dead';
}

export class Groups {
  constructor(
    private readonly admin: Admin,
    private readonly metadata: MetadataReader,
    private readonly offsets: OffsetReader,
    private readonly requests: DirectRequests,
  ) {}

  /** The group as ConsumerGroupDescribe has it at its coordinator, when it is a consumer protocol group there. */
  private async consumerGroup(groupId: string, coordinator: { nodeId: number; host: string; port: number } | undefined): Promise<ConsumerGroupDescribeGroup | undefined> {
    if (!coordinator || !(await this.requests.speaksConsumerGroupDescribe().catch(() => false))) return undefined;
    const g = await this.requests.consumerGroupDescribe({ host: coordinator.host, port: coordinator.port }, groupId).catch(() => undefined);
    return g && g.errorCode === 0 ? g : undefined;
  }

  async listGroups(): Promise<GroupSummary[]> {
    // Both kinds: the library asks for classic groups only unless told (ListGroups v5 types).
    const listed = await call(() => this.admin.listGroups({ types: ['classic', 'consumer'] }));
    const ids = [...listed.keys()];
    if (!ids.length) return [];
    // A group that went away between the two requests is left out, not an error.
    const described = await Promise.all(ids.map((id) => this.describeGroup(id).catch(() => undefined)));
    return described
      .filter((d): d is GroupDescription => d !== undefined)
      .map((d) => ({
        groupId: d.groupId,
        type: d.type,
        state: d.state,
        ...(d.type === 'consumer' ? { groupEpoch: d.groupEpoch, assignmentEpoch: d.assignmentEpoch } : {}),
        protocolType: d.protocolType,
        protocol: d.protocol,
        members: d.members.length,
        coordinator: d.coordinator,
        totalLag: d.totalLag,
        uncommitted: d.uncommitted,
        topics: [...new Set([...d.offsets.map((o) => o.topic), ...d.members.flatMap((m) => m.assignment.map((a) => a.topic))])].sort(),
      }))
      .sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  }

  async describeGroup(groupId: string): Promise<GroupDescription> {
    const [groups, committed, coordinators] = await Promise.all([
      call(() => this.admin.describeGroups({ groups: [groupId] })),
      call(() => this.admin.listConsumerGroupOffsets({ groups: [groupId] })),
      call(() => this.admin.findCoordinator({ keyType: FindCoordinatorKeyTypes.GROUP, keys: [groupId] })).catch(() => []),
    ]);
    const g = groups.get(groupId);
    // DescribeGroups serves classic groups: a consumer protocol group reads as Dead there (Kafka 4).
    const cg = !g || groupState(g.state) === 'Dead' ? await this.consumerGroup(groupId, coordinators[0]) : undefined;
    const state = cg ? groupState(cg.groupState) : g ? groupState(g.state) : 'Dead';
    const topics = committed.find((c) => c.groupId === groupId)?.topics ?? [];
    if (state === 'Dead' && !topics.length) throw new KafkaError('GROUP_ID_NOT_FOUND', `Group ${groupId} does not exist`);
    const members: GroupMemberView[] = cg ? cg.members.map((m) => consumerMember(cg, m)) : [...(g?.members.values() ?? [])].map((m) => ({
      memberId: m.id,
      groupInstanceId: m.groupInstanceId ?? null,
      clientId: m.clientId,
      clientHost: m.clientHost,
      // DescribeGroups does not return the timeouts.
      sessionTimeoutMs: -1,
      rebalanceTimeoutMs: -1,
      assignment: [...(m.assignments?.values() ?? [])].map((a) => ({ topic: a.topic, partitions: [...a.partitions].sort((x, y) => x - y) })),
    }));
    const owners = new Map<string, { memberId: string; clientId: string }>();
    for (const m of members) for (const a of [...m.assignment, ...(m.consumer?.revoking ?? [])]) for (const p of a.partitions) owners.set(`${a.topic}\0${p}`, { memberId: m.memberId, clientId: m.clientId });
    // Every partition committed or assigned, with the log's offsets.
    const wanted = new Map<string, Set<number>>();
    const want = (topic: string, p: number) => (wanted.get(topic) ?? wanted.set(topic, new Set()).get(topic)!).add(p);
    for (const t of topics) for (const p of t.partitions) if (Number(p.committedOffset) >= 0) want(t.name, p.partitionIndex);
    for (const m of members) for (const a of m.assignment) for (const p of a.partitions) want(a.topic, p);
    const offsets: GroupOffsetView[] = [];
    for (const [topic, ps] of wanted) {
      const list = [...ps].sort((a, b) => a - b);
      // A topic deleted since the commit still shows its committed offsets, with unknown log offsets.
      const { start, end } = await this.offsets.startAndEnd(topic, list).catch(() => ({ start: new Map<number, number>(), end: new Map<number, number>() }));
      for (const p of list) {
        const c = topics.find((t) => t.name === topic)?.partitions.find((x) => x.partitionIndex === p);
        const committedOffset = c && Number(c.committedOffset) >= 0 ? Number(c.committedOffset) : null;
        const endOffset = end.get(p) ?? -1;
        offsets.push({
          topic,
          partition: p,
          committed: committedOffset,
          metadata: c?.metadata ?? null,
          logStartOffset: start.get(p) ?? -1,
          endOffset,
          ...lagOf(committedOffset, start.get(p) ?? -1, endOffset),
          owner: owners.get(`${topic}\0${p}`),
        });
      }
    }
    offsets.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
    const kind = cg
      ? { type: 'consumer' as const, protocolType: 'consumer', protocol: cg.assignorName || null, generation: cg.groupEpoch, groupEpoch: cg.groupEpoch, assignmentEpoch: cg.assignmentEpoch }
      : // DescribeGroups does not return the generation or the leader.
        { type: 'classic' as const, protocolType: g?.protocolType || null, protocol: g?.protocol || null, generation: -1 };
    return {
      groupId,
      state,
      ...kind,
      coordinator: coordinators[0]?.nodeId ?? -1,
      leader: null,
      members,
      offsets,
      ...lagTotals(offsets),
    };
  }

  async planReset(r: ResetOffsetsRequest): Promise<ResetPlanRow[]> {
    const { topic: t } = await this.metadata.topic(r.topic);
    const ps = r.partitions ?? t.partitions.map((_, i) => i);
    for (const p of ps) if (!t.partitions[p]) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Partition ${r.topic}-${p} does not exist`);
    const committed = await call(() => this.admin.listConsumerGroupOffsets({ groups: [{ groupId: r.groupId, topics: [{ name: r.topic, partitionIndexes: ps }] }] }));
    const current = new Map<number, number>(
      (committed[0]?.topics.find((x) => x.name === r.topic)?.partitions ?? []).map((p) => [p.partitionIndex, Number(p.committedOffset)] as [number, number]),
    );
    const { start, end } = await this.offsets.startAndEnd(r.topic, ps);
    const byTime = r.to.kind === 'timestamp' ? await this.offsets.offsets(r.topic, ps, BigInt(r.to.timestamp)) : undefined;
    return ps.map((partition) => {
      const s = start.get(partition) ?? 0;
      const e = end.get(partition) ?? 0;
      const cur = current.get(partition) ?? -1;
      return { topic: r.topic, partition, current: cur >= 0 ? cur : null, target: resetTargetOffset(r.to, s, e, cur, byTime?.get(partition)) };
    });
  }

  async resetOffsets(r: ResetOffsetsRequest): Promise<ResetPlanRow[]> {
    const state = await this.describeGroup(r.groupId).then(
      (d) => d.state,
      () => 'Dead' as GroupState,
    );
    if (state !== 'Empty' && state !== 'Dead') {
      throw new KafkaError('NON_EMPTY_GROUP', `Assignments can only be reset if the group '${r.groupId}' is inactive, but the current state is ${state}.`);
    }
    const plan = await this.planReset(r);
    await call(() =>
      this.admin.alterConsumerGroupOffsets({ groupId: r.groupId, topics: [{ name: r.topic, partitionOffsets: plan.map((p) => ({ partition: p.partition, offset: BigInt(p.target) })) }] }),
    );
    return plan;
  }

  async deleteGroup(groupId: string): Promise<void> {
    await call(() => this.admin.deleteGroups({ groups: [groupId] }));
  }
}
