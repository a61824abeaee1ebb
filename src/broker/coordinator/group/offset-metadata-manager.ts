/**
 * Committed offsets (Kafka's OffsetMetadataManager): OffsetCommit and TxnOffsetCommit written to the group's
 * __consumer_offsets partition, offsets of open transactions held back until their marker, OffsetFetch and
 * OffsetDelete, and the replay of offset records at load.
 */
import { ErrorCode } from '../../errors';
import { ClassicGroup, type CommittedOffset, type Member, offsetKey, parseOffsetKey } from './classic-group';
import type { ConsumerGroup } from './consumer-group';
import { GroupContext, coordinatorErrorOf, type Group } from './group-context';
import { offsetCommitKey, offsetCommitValue, type OffsetsTopicRecord } from './offsets-records';
import { decodeSubscriptionTopics } from './consumer-protocol';

interface OffsetCommitPartition {
  topic: string;
  partition: number;
  offset: number;
  leaderEpoch: number;
  metadata: string | null;
  /** OffsetCommit v1's commit timestamp (-1 or absent: now). */
  commitTimestamp?: number;
  /** OffsetCommit v2-4's retention time (-1 or absent: the broker's offsets.retention.minutes). */
  retentionTimeMs?: number;
}

export interface FetchedOffset {
  topic: string;
  partition: number;
  offset: number;
  leaderEpoch: number;
  metadata: string | null;
}

type OffsetRecord = Extract<OffsetsTopicRecord, { type: 'offset' }>;

export class OffsetMetadataManager {
  /**
   * Offsets committed inside transactions and not decided yet, by producer id, then group, then offsetKey (Kafka's
   * pendingTransactionalOffsetCommits): they count once the transaction's COMMIT marker is written.
   */
  private readonly pendingTxnOffsets = new Map<number, Map<string, Map<string, CommittedOffset>>>();

  constructor(
    private readonly ctx: GroupContext,
    /** A commit from a member is also its heartbeat, as in Kafka. */
    private readonly heartbeat: (group: ClassicGroup, member: Member) => void,
    /** The topics a consumer group's members subscribe to now (regular expressions resolved). */
    private readonly subscribedTopics: (group: ConsumerGroup) => Set<string>,
  ) {}

  /**
   * OffsetCommit: per-partition error codes, in request order. `apiVersion` (of OffsetCommit) decides the error for a
   * missing group and whether a consumer-protocol member may commit at all (v9+, which carries its member epoch).
   */
  async commitOffsets(p: { groupId: string; generationId: number; memberId: string; groupInstanceId: string | null; apiVersion?: number; offsets: OffsetCommitPartition[] }): Promise<number[]> {
    const fail = (code: number) => p.offsets.map(() => code);
    if (!p.groupId) return fail(ErrorCode.INVALID_GROUP_ID);
    const apiVersion = p.apiVersion ?? 9;
    const group = this.groupForCommit(p.groupId, p.generationId);
    if (!group) return fail(apiVersion >= 9 ? ErrorCode.GROUP_ID_NOT_FOUND : ErrorCode.ILLEGAL_GENERATION);
    if (group.type === 'consumer') {
      // Kafka's ConsumerGroup.validateOffsetCommit: a commit from outside the group only while it has no members.
      if (p.generationId < 0 && group.members.size === 0) return this.storeOffsets(group, p.offsets);
      const member = group.members.get(p.memberId);
      if (!member) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
      // A classic member commits with its generation, which is its member epoch, at any version.
      if (!member.useClassicProtocol() && apiVersion < 9) return fail(ErrorCode.UNSUPPORTED_VERSION);
      if (p.generationId !== member.memberEpoch) return fail(member.useClassicProtocol() ? ErrorCode.ILLEGAL_GENERATION : ErrorCode.STALE_MEMBER_EPOCH);
      return this.storeOffsets(group, p.offsets);
    }
    if (p.generationId < 0 && group.is('Empty')) return this.storeOffsets(group, p.offsets);
    const fenced = group.fencedInstance(p.memberId, p.groupInstanceId);
    if (fenced) return fail(fenced);
    if (group.is('CompletingRebalance')) return fail(ErrorCode.REBALANCE_IN_PROGRESS);
    const member = group.members.get(p.memberId);
    if (!member) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    if (p.generationId !== group.generationId) return fail(ErrorCode.ILLEGAL_GENERATION);
    this.heartbeat(group, member);
    return this.storeOffsets(group, p.offsets);
  }

  /**
   * TxnOffsetCommit: offsets written to __consumer_offsets in the producer's transaction, visible to OffsetFetch only
   * once it commits. Generation -1 (v0-2 clients, or a producer outside the group) skips the member checks, as in
   * Kafka; otherwise the member and generation must be current.
   */
  async commitTxnOffsets(p: { groupId: string; producerId: number; producerEpoch: number; generationId: number; memberId: string; groupInstanceId: string | null; offsets: OffsetCommitPartition[] }): Promise<number[]> {
    const fail = (code: number) => p.offsets.map(() => code);
    if (!p.groupId) return fail(ErrorCode.INVALID_GROUP_ID);
    const group = this.groupForCommit(p.groupId, p.generationId);
    if (!group) return fail(ErrorCode.ILLEGAL_GENERATION);
    if (group.type === 'consumer') {
      // A producer outside the group (generation -1, no member, no instance) commits unchecked; a member's epoch must be
      // its current one, a stale one is ILLEGAL_GENERATION here (older transactional producers know no other error).
      if (!(p.generationId < 0 && p.memberId === '' && p.groupInstanceId === null)) {
        const member = group.members.get(p.memberId);
        if (!member) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
        if (p.generationId !== member.memberEpoch) return fail(ErrorCode.ILLEGAL_GENERATION);
      }
      return this.storeOffsets(group, p.offsets, { producerId: p.producerId, producerEpoch: p.producerEpoch });
    }
    if (p.generationId >= 0 || p.memberId !== '') {
      const fenced = group.fencedInstance(p.memberId, p.groupInstanceId);
      if (fenced) return fail(fenced);
      if (!group.members.has(p.memberId)) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
      if (p.generationId >= 0 && p.generationId !== group.generationId) return fail(ErrorCode.ILLEGAL_GENERATION);
    }
    return this.storeOffsets(group, p.offsets, { producerId: p.producerId, producerEpoch: p.producerEpoch });
  }

  /**
   * The group a commit goes to. A commit from outside any group (generation -1: an admin tool, a consumer with manual
   * assignment) creates it Empty; one naming a generation of a group that does not exist is refused (undefined).
   */
  private groupForCommit(groupId: string, generationId: number): Group | undefined {
    const group = this.ctx.liveGroup(groupId);
    if (group || generationId >= 0) return group;
    return this.ctx.createGroup(groupId);
  }

  /**
   * Writes offset commits to the group's __consumer_offsets partition and then takes them in: as the group's committed
   * offsets, or (with `txn`, TxnOffsetCommit) as offsets pending until the transaction's marker decides them.
   */
  private async storeOffsets(group: Group, offsets: OffsetCommitPartition[], txn?: { producerId: number; producerEpoch: number }): Promise<number[]> {
    const now = this.ctx.now();
    const codes = offsets.map((o) => ((o.metadata ?? '').length > this.ctx.config.offsetMetadataMaxBytes ? ErrorCode.OFFSET_METADATA_TOO_LARGE : ErrorCode.NONE));
    const accepted = offsets.filter((_, i) => codes[i] === ErrorCode.NONE);
    if (accepted.length === 0) return codes;
    const values = accepted.map((o) => ({
      offset: o.offset,
      leaderEpoch: o.leaderEpoch,
      metadata: o.metadata ?? '',
      commitTimestamp: o.commitTimestamp !== undefined && o.commitTimestamp !== -1 ? o.commitTimestamp : now,
      expireTimestamp: o.retentionTimeMs !== undefined && o.retentionTimeMs !== -1 ? now + o.retentionTimeMs : -1,
    }));
    const partition = this.ctx.partitionFor(group.groupId);
    const records = accepted.map((o, i) => ({ key: offsetCommitKey(group.groupId, o.topic, o.partition), value: offsetCommitValue(values[i]) }));
    try {
      if (txn) await this.ctx.store.appendTransactional(partition, records, txn.producerId, txn.producerEpoch);
      else await this.ctx.store.append(partition, records);
    } catch (e) {
      const code = coordinatorErrorOf(e);
      return codes.map((c) => (c === ErrorCode.NONE ? code : c));
    }
    const target = txn ? this.pendingFor(txn.producerId, group.groupId) : group.offsets;
    accepted.forEach((o, i) => target.set(offsetKey(o.topic, o.partition), values[i]));
    if (!txn) this.ctx.groupChanged(group.groupId);
    return codes;
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
    const now = this.ctx.now();
    for (const [groupId, offsets] of byGroup) {
      const g = this.ctx.getOrCreateGroup(groupId, now);
      for (const [k, v] of offsets) g.offsets.set(k, v);
      this.ctx.groupChanged(groupId);
    }
  }

  /** Whether an open transaction has committed this partition's offset for the group (OffsetFetch's require_stable). */
  hasPendingTxnOffset(groupId: string, topic: string, partition: number): boolean {
    for (const byGroup of this.pendingTxnOffsets.values()) if (byGroup.get(groupId)?.has(offsetKey(topic, partition))) return true;
    return false;
  }

  /**
   * OffsetFetch v9+ from a member of a consumer group: its member id must be known and its epoch current (Kafka's
   * ConsumerGroup.validateOffsetFetch); NONE for an admin (no member id, epoch < 0) and for classic groups.
   */
  checkOffsetFetch(groupId: string, memberId: string | null, memberEpoch: number): number {
    const group = this.ctx.groups.get(groupId);
    if (group?.type !== 'consumer' || (memberId === null && memberEpoch < 0)) return ErrorCode.NONE;
    const member = memberId === null ? undefined : group.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (member.memberEpoch === memberEpoch) return ErrorCode.NONE;
    return member.useClassicProtocol() ? ErrorCode.ILLEGAL_GENERATION : ErrorCode.STALE_MEMBER_EPOCH;
  }

  /** Committed offsets of a group: all, or those of the given partitions (-1 where none). */
  fetchOffsets(groupId: string, partitions: Array<{ topic: string; partition: number }> | null): FetchedOffset[] {
    const group = this.ctx.groups.get(groupId);
    const all = [...(group?.offsets.entries() ?? [])].map(([k, v]) => ({ ...parseOffsetKey(k), offset: v.offset, leaderEpoch: v.leaderEpoch, metadata: v.metadata }));
    if (partitions === null) return all.sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
    return partitions.map(({ topic, partition }) => {
      const v = group?.offsets.get(offsetKey(topic, partition));
      return v ? { topic, partition, offset: v.offset, leaderEpoch: v.leaderEpoch, metadata: v.metadata } : { topic, partition, offset: -1, leaderEpoch: -1, metadata: '' };
    });
  }

  /** OffsetDelete: refused for partitions of topics the group's members subscribe to. */
  async deleteOffsets(groupId: string, partitions: Array<{ topic: string; partition: number }>): Promise<{ errorCode: number; partitions: number[] }> {
    const group = this.ctx.groups.get(groupId);
    if (!group || group.is('Dead')) return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, partitions: [] };
    let subscribed = new Set<string>();
    if (group.type === 'consumer') {
      subscribed = this.subscribedTopics(group);
    } else if (!group.is('Empty') && group.protocolType === 'consumer') {
      for (const m of group.members.values()) for (const t of decodeSubscriptionTopics(m.metadataFor(group.protocolName ?? '')) ?? []) subscribed.add(t);
    } else if (!group.is('Empty')) {
      return { errorCode: ErrorCode.NON_EMPTY_GROUP, partitions: [] };
    }
    const codes = partitions.map((tp) => (subscribed.has(tp.topic) ? ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC : ErrorCode.NONE));
    const doomed = partitions.filter((tp, i) => codes[i] === ErrorCode.NONE && group.offsets.has(offsetKey(tp.topic, tp.partition)));
    if (doomed.length) {
      try {
        await this.ctx.store.append(this.ctx.partitionFor(groupId), doomed.map((tp) => ({ key: offsetCommitKey(groupId, tp.topic, tp.partition), value: null })));
      } catch (e) {
        return { errorCode: coordinatorErrorOf(e), partitions: [] };
      }
      for (const tp of doomed) group.offsets.delete(offsetKey(tp.topic, tp.partition));
      this.ctx.groupChanged(groupId);
    }
    return { errorCode: ErrorCode.NONE, partitions: codes };
  }

  /**
   * Replays an offset record into the groups in memory (load); one of a transactional batch (`producerId`) waits for
   * its transaction's marker, a later record of the same replay.
   */
  replay(r: OffsetRecord, producerId: number | undefined, now: number): void {
    const k = offsetKey(r.topic, r.partition);
    const value = r.value && { offset: r.value.offset, leaderEpoch: r.value.leaderEpoch, metadata: r.value.metadata, commitTimestamp: r.value.commitTimestamp, expireTimestamp: r.value.expireTimestamp };
    if (producerId !== undefined) {
      if (value) this.pendingFor(producerId, r.group).set(k, value);
      return;
    }
    const g = this.ctx.getOrCreateGroup(r.group, now);
    if (value) g.offsets.set(k, value);
    else g.offsets.delete(k);
  }
}
