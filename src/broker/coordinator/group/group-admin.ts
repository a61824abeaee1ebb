/**
 * Group administration in the broker's own API (what the sidebar and the group inspector call): describe a group
 * with its members, assignments and lag; reset offsets of an inactive group the way kafka-consumer-groups.sh does;
 * delete offsets or the group; read its rebalance journal.
 */
import type { ClusterState } from '../../cluster-state';
import type { GroupCoordinator } from './group-coordinator';
import { KafkaError, ErrorCode, errorName } from '../../errors';
import { decodeAssignment, TopicPartitions } from './consumer-protocol';
import type { RebalanceRecord } from './rebalance-journal';
import type { GroupState as ClassicGroupState } from './classic-group';
import { MEMBER_STATE_NAMES, type ConsumerGroupState, type Assignment } from './consumer-group';

/** A classic group's state, or a consumer protocol group's (Assigning, Reconciling). */
export type GroupState = ClassicGroupState | ConsumerGroupState;

/** Which protocol a group speaks: the classic JoinGroup/SyncGroup one, or KIP-848's ConsumerGroupHeartbeat. */
export type GroupType = 'classic' | 'consumer';

export interface GroupMemberView {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  /** What the member owns now (classic: its assignment of the current generation). */
  assignment: TopicPartitions[];
  /** Consumer protocol members: where the member is in its reconciliation. */
  consumer?: ConsumerMemberView;
}

interface ConsumerMemberView {
  /** The protocol the member speaks: a classic member of a consumer group (KIP-848 migration) joins and syncs. */
  protocol: 'consumer' | 'classic';
  memberEpoch: number;
  /** stable, unrevoked_partitions (must give partitions up), unreleased_partitions (waits for partitions). */
  state: string;
  rackId: string | null;
  subscribedTopicNames: string[];
  subscribedTopicRegex: string | null;
  serverAssignor: string | null;
  /** Its partitions in the target assignment of the group's assignment epoch. */
  target: TopicPartitions[];
  /** Partitions it was asked to give up and still has. */
  revoking: TopicPartitions[];
  /** Partitions of its target it has not received yet (their previous owner still has them). */
  toReceive: TopicPartitions[];
}

export interface GroupOffsetView {
  topic: string;
  partition: number;
  committed: number | null;
  metadata: string | null;
  logStartOffset: number;
  /** High watermark, or the last stable offset under read_committed. */
  endOffset: number;
  /**
   * What the group has left to read: endOffset - committed, or, with nothing committed, endOffset - logStartOffset
   * (where a consumer with auto.offset.reset=earliest starts; see `lagFrom`). Null when the partition has no leader.
   */
  lag: number | null;
  /** What `lag` counts from: the committed offset, or the log start when nothing is committed. */
  lagFrom: LagBasis;
  /** Member currently assigned the partition. */
  owner?: { memberId: string; clientId: string };
}

/**
 * What a partition's lag is counted from. The broker never learns a consumer's auto.offset.reset, so a partition
 * without a committed offset is counted from the log start: everything a new consumer could still be made to read.
 */
type LagBasis = 'committed' | 'log-start' | null;

/** The lag of one partition of a group (see GroupOffsetView.lag). */
export function lagOf(committed: number | null, logStartOffset: number, endOffset: number): { lag: number | null; lagFrom: LagBasis } {
  if (endOffset < 0) return { lag: null, lagFrom: null };
  if (committed !== null && committed >= 0) return { lag: Math.max(0, endOffset - committed), lagFrom: 'committed' };
  if (logStartOffset < 0) return { lag: null, lagFrom: null };
  return { lag: Math.max(0, endOffset - logStartOffset), lagFrom: 'log-start' };
}

export interface GroupDescription {
  groupId: string;
  type: GroupType;
  state: GroupState;
  /** Consumer protocol groups: the group epoch and the epoch of the target assignment. */
  groupEpoch?: number;
  assignmentEpoch?: number;
  protocolType: string | null;
  protocol: string | null;
  generation: number;
  coordinator: number;
  leader: string | null;
  members: GroupMemberView[];
  offsets: GroupOffsetView[];
  /** Sum of every partition's lag, those without a committed offset included (counted from their log start). */
  totalLag: number;
  /** Partitions the group owns or committed that have no committed offset. */
  uncommitted: number;
}

export type ResetTarget =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'timestamp'; timestamp: number }
  | { kind: 'offset'; offset: number }
  | { kind: 'shift'; by: number };

export interface ResetPlanRow {
  topic: string;
  partition: number;
  current: number | null;
  target: number;
}

/**
 * Where a reset moves a partition, as kafka-consumer-groups computes it, kept between the log start and the high
 * watermark. `current` is the committed offset or -1; `atTime` the first offset at or after the timestamp, if any.
 */
export function resetTargetOffset(to: ResetTarget, start: number, end: number, current: number, atTime: number | undefined): number {
  let target: number;
  switch (to.kind) {
    case 'earliest':
      target = start;
      break;
    case 'latest':
      target = end;
      break;
    case 'timestamp':
      target = atTime === undefined || atTime < 0 ? end : atTime;
      break;
    case 'offset':
      target = to.offset;
      break;
    case 'shift':
      target = (current >= 0 ? current : end) + to.by;
      break;
  }
  return Math.min(Math.max(target, start), end);
}

/** A group's total lag and how many of its partitions have nothing committed. */
export function lagTotals(offsets: readonly GroupOffsetView[]): { totalLag: number; uncommitted: number } {
  return { totalLag: offsets.reduce((sum, o) => sum + (o.lag ?? 0), 0), uncommitted: offsets.filter((o) => o.committed === null).length };
}

export class GroupAdmin {
  constructor(
    private readonly cluster: Pick<ClusterState, 'metadata' | 'leaderLog'>,
    private readonly gc: GroupCoordinator,
  ) {}

  listGroups(): Array<{ groupId: string; type: GroupType; state: GroupState; protocolType: string | null; members: number; coordinator: number }> {
    return this.gc.allGroups().map((g) => ({
      groupId: g.groupId,
      type: g.type,
      state: g.state,
      protocolType: g.type === 'consumer' ? 'consumer' : g.protocolType,
      members: g.members.size,
      coordinator: this.gc.coordinatorFor(g.groupId),
    }));
  }

  describeGroup(groupId: string, isolation: 'read_uncommitted' | 'read_committed' = 'read_uncommitted'): GroupDescription {
    void isolation; // the last stable offset equals the high watermark until transactions arrive
    const g = this.gc.group(groupId);
    if (!g) throw new KafkaError('GROUP_ID_NOT_FOUND', `Group ${groupId} does not exist`);
    const view = this.gc.consumerGroupView;
    const members: GroupMemberView[] =
      g.type === 'classic'
        ? [...g.members.values()].map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            clientId: m.clientId,
            clientHost: m.clientHost,
            sessionTimeoutMs: m.sessionTimeoutMs,
            rebalanceTimeoutMs: m.rebalanceTimeoutMs,
            assignment: decodeAssignment(m.assignment) ?? [],
          }))
        : [...g.members.values()].map((m) => {
            const target: Assignment = g.targetAssignment.get(m.memberId) ?? new Map();
            const toReceive: Assignment = new Map([...target].map(([t, ps]) => [t, new Set([...ps].filter((p) => !m.assignedPartitions.get(t)?.has(p)))]));
            return {
              memberId: m.memberId,
              groupInstanceId: m.instanceId,
              clientId: m.clientId,
              clientHost: m.clientHost,
              sessionTimeoutMs: m.classic?.sessionTimeoutMs ?? this.gc.consumerSessionTimeoutMs,
              rebalanceTimeoutMs: m.rebalanceTimeoutMs,
              assignment: view.named(m.assignedPartitions),
              consumer: {
                protocol: m.useClassicProtocol() ? 'classic' : 'consumer',
                memberEpoch: m.memberEpoch,
                state: MEMBER_STATE_NAMES[m.state] ?? String(m.state),
                rackId: m.rackId,
                subscribedTopicNames: m.subscribedTopicNames,
                subscribedTopicRegex: m.subscribedTopicRegex,
                serverAssignor: m.serverAssignor,
                target: view.named(target),
                revoking: view.named(m.partitionsPendingRevocation),
                toReceive: view.named(toReceive),
              },
            };
          });
    const owners = new Map<string, { memberId: string; clientId: string }>();
    // A consumer protocol member still owns what it is giving up, until it confirms.
    for (const m of members) for (const tp of [...m.assignment, ...(m.consumer?.revoking ?? [])]) for (const p of tp.partitions) owners.set(`${tp.topic}-${p}`, { memberId: m.memberId, clientId: m.clientId });
    // Partitions that are committed or assigned.
    const keys = new Map<string, { topic: string; partition: number }>();
    for (const o of this.gc.fetchOffsets(groupId, null)) keys.set(`${o.topic}-${o.partition}`, { topic: o.topic, partition: o.partition });
    for (const m of members) for (const tp of m.assignment) for (const p of tp.partitions) keys.set(`${tp.topic}-${p}`, { topic: tp.topic, partition: p });
    const committed = new Map(this.gc.fetchOffsets(groupId, [...keys.values()]).map((o) => [`${o.topic}-${o.partition}`, o]));
    const offsets: GroupOffsetView[] = [...keys.entries()]
      .map(([k, tp]) => {
        const c = committed.get(k);
        const { start, end } = this.bounds(tp.topic, tp.partition);
        const has = c !== undefined && c.offset >= 0;
        return { topic: tp.topic, partition: tp.partition, committed: has ? c!.offset : null, metadata: has ? c!.metadata : null, logStartOffset: start, endOffset: end, ...lagOf(has ? c!.offset : null, start, end), owner: owners.get(k) };
      })
      .sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
    const protocol =
      g.type === 'classic'
        ? { type: g.type, protocolType: g.protocolType, protocol: g.protocolName, generation: g.generationId, leader: g.leaderId }
        : { type: g.type, protocolType: 'consumer', protocol: g.assignorName || null, generation: g.groupEpoch, leader: null, groupEpoch: g.groupEpoch, assignmentEpoch: g.assignmentEpoch };
    return {
      groupId,
      state: g.state,
      ...protocol,
      coordinator: this.gc.coordinatorFor(groupId),
      members,
      offsets,
      ...lagTotals(offsets),
    };
  }

  /** Log start and end offsets of a partition; -1 when it has no live leader. */
  private bounds(topic: string, partition: number): { start: number; end: number } {
    try {
      const log = this.cluster.leaderLog(topic, partition);
      return { start: log.logStartOffset, end: log.highWatermark };
    } catch {
      return { start: -1, end: -1 };
    }
  }

  /**
   * The offsets a reset would commit (kafka-consumer-groups --reset-offsets --dry-run): targets are clamped to the
   * partition's [log start, end] as the tool does. `partitions` defaults to every partition of `topic`.
   */
  planReset(groupId: string, topic: string, to: ResetTarget, partitions?: number[]): ResetPlanRow[] {
    const t = this.cluster.metadata.topic(topic);
    if (!t) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Topic ${topic} does not exist`);
    const ps = partitions ?? t.partitions.map((p) => p.partition);
    const current = new Map(this.gc.fetchOffsets(groupId, ps.map((p) => ({ topic, partition: p }))).map((o) => [o.partition, o.offset]));
    return ps.map((partition) => {
      if (!t.partitions[partition]) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Partition ${topic}-${partition} does not exist`);
      const log = this.cluster.leaderLog(topic, partition);
      const start = log.logStartOffset;
      const end = log.highWatermark;
      const cur = current.get(partition) ?? -1;
      const atTime = to.kind === 'timestamp' ? log.fetchOffsetByTimestamp(to.timestamp)?.offset : undefined;
      const target = resetTargetOffset(to, start, end, cur, atTime);
      return { topic, partition, current: cur >= 0 ? cur : null, target };
    });
  }

  /** Commits a reset plan; refused while the group has members, with kafka-consumer-groups' reason. */
  async resetOffsets(groupId: string, topic: string, to: ResetTarget, partitions?: number[]): Promise<ResetPlanRow[]> {
    const g = this.gc.group(groupId);
    if (g && !g.is('Empty', 'Dead')) {
      throw new KafkaError('NON_EMPTY_GROUP', `Assignments can only be reset if the group '${groupId}' is inactive, but the current state is ${g.state}.`);
    }
    const plan = this.planReset(groupId, topic, to, partitions);
    const codes = await this.gc.commitOffsets({
      groupId,
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      offsets: plan.map((r) => ({ topic: r.topic, partition: r.partition, offset: r.target, leaderEpoch: -1, metadata: '' })),
    });
    const bad = codes.find((c) => c !== ErrorCode.NONE);
    if (bad !== undefined) throw new KafkaError(errorName(bad) as never, `resetting offsets of ${groupId} failed: ${errorName(bad)}`);
    return plan;
  }

  async deleteOffsets(groupId: string, topic: string, partitions: number[]): Promise<number[]> {
    const r = await this.gc.deleteOffsets(groupId, partitions.map((p) => ({ topic, partition: p })));
    if (r.errorCode !== ErrorCode.NONE) throw new KafkaError(errorName(r.errorCode) as never, `deleting offsets of ${groupId}: ${errorName(r.errorCode)}`);
    return r.partitions;
  }

  async deleteGroup(groupId: string): Promise<void> {
    const code = await this.gc.deleteGroup(groupId);
    if (code === ErrorCode.NON_EMPTY_GROUP) throw new KafkaError('NON_EMPTY_GROUP', `The group '${groupId}' is not empty.`);
    if (code !== ErrorCode.NONE) throw new KafkaError(errorName(code) as never, `deleting group ${groupId}: ${errorName(code)}`);
  }

  rebalanceHistory(groupId: string): readonly RebalanceRecord[] {
    const g = this.gc.group(groupId);
    if (!g) throw new KafkaError('GROUP_ID_NOT_FOUND', `Group ${groupId} does not exist`);
    return g.journal.list();
  }
}
