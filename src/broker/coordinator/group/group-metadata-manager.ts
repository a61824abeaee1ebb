/**
 * A group's own records in __consumer_offsets (the classic coordinator's GroupMetadataManager): the GroupMetadata
 * record written at each stable generation, its replay at load, and the tombstones that delete a group with its
 * offsets (DeleteGroups, and offsets.retention.minutes expiry of an empty group).
 */
import { ErrorCode } from '../../errors';
import { ClassicGroup, Member, parseOffsetKey } from './classic-group';
import { GroupContext, coordinatorErrorOf, type Group, type OffsetsTopicRecordIn } from './group-context';
import { offsetCommitKey, groupMetadataKey, type OffsetsTopicRecord } from './offsets-records';
import { classicGroupRecord } from './consumer-group-migration';
import { currentAssignmentRecord, groupEpochRecord, memberRecord, subscribedTopicsRecord, targetEpochRecord, targetMemberRecord } from './consumer-group-records';

type GroupRecord = Extract<OffsetsTopicRecord, { type: 'group' }>;

export class GroupMetadataManager {
  constructor(private readonly ctx: GroupContext) {}

  /** Stores the group's generation, leader and members with their assignments (Kafka's storeGroup). */
  storeGroup(group: ClassicGroup): Promise<void> {
    return this.ctx.store.append(this.ctx.partitionFor(group.groupId), [classicGroupRecord(group)]);
  }

  /** For the changes nobody waits on (an empty generation, a static member replaced): a failure is only logged. */
  storeGroupInBackground(group: ClassicGroup): void {
    this.storeGroup(group).catch((e) => this.ctx.logger.warn(`group ${group.groupId}: storing its metadata failed: ${(e as Error).message}`));
  }

  /** Replays a GroupMetadata record or its tombstone into the groups in memory (load). */
  replay(r: GroupRecord, now: number): void {
    const { groups } = this.ctx;
    if (!r.value) {
      const g = groups.get(r.group);
      if (g?.type === 'classic') {
        // Deleting a group tombstones its offsets first; offsets still here outlive it, as in Kafka, where they are
        // not part of the group: the classic group was converted to a consumer group, whose records follow.
        const offsets = new Map(g.offsets);
        groups.delete(r.group);
        if (offsets.size > 0) {
          const kept = this.ctx.createGroup(r.group, now);
          for (const [k, v] of offsets) kept.offsets.set(k, v);
        }
      }
      return;
    }
    const g = this.classicGroupForReplay(r.group, now);
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

  /** The classic group a GroupMetadata record describes; a consumer group of that id was converted back (its offsets stay). */
  private classicGroupForReplay(groupId: string, now: number): ClassicGroup {
    const existing = this.ctx.groups.get(groupId);
    if (existing?.type === 'classic') return existing;
    const g = this.ctx.createGroup(groupId, now);
    if (existing) for (const [k, v] of existing.offsets) g.offsets.set(k, v);
    return g;
  }

  /** DeleteGroups: only empty groups; their offsets and metadata get tombstones. */
  async deleteGroup(groupId: string): Promise<number> {
    const group = this.ctx.groups.get(groupId);
    if (!group || group.is('Dead')) return ErrorCode.GROUP_ID_NOT_FOUND;
    if (!group.is('Empty')) return ErrorCode.NON_EMPTY_GROUP;
    try {
      await this.removeGroup(group, this.ctx.now());
    } catch (e) {
      return coordinatorErrorOf(e);
    }
    this.ctx.logger.info(`group ${groupId}: deleted`);
    return ErrorCode.NONE;
  }

  /**
   * offsets.retention.minutes: an empty group's offsets expire that long after it became empty (Kafka 2.1+ rule),
   * and the group goes with them. Returns the number of offsets removed.
   */
  async expireOffsets(now = this.ctx.now()): Promise<number> {
    let removed = 0;
    for (const g of [...this.ctx.groups.values()]) {
      if (!g.is('Empty') || g.offsets.size === 0) continue;
      if (now - g.currentStateTimestamp < this.ctx.config.offsetsRetentionMs) continue;
      const count = g.offsets.size;
      try {
        await this.removeGroup(g, now);
      } catch (e) {
        this.ctx.logger.warn(`group ${g.groupId}: expiring offsets failed: ${(e as Error).message}`);
        continue;
      }
      removed += count;
      this.ctx.logger.info(`group ${g.groupId}: ${count} offsets expired (offsets.retention.minutes) and the empty group was removed`);
    }
    return removed;
  }

  /** Tombstones for the group's offsets and metadata; once they are stored the group is Dead and forgotten. */
  private async removeGroup(group: Group, now: number): Promise<void> {
    const tombstones: OffsetsTopicRecordIn[] = [...group.offsets.keys()].map((k) => {
      const { topic, partition } = parseOffsetKey(k);
      return { key: offsetCommitKey(group.groupId, topic, partition), value: null };
    });
    tombstones.push(...groupTombstones(group));
    await this.ctx.store.append(this.ctx.partitionFor(group.groupId), tombstones);
    group.offsets.clear();
    group.transitionTo('Dead', now);
    this.ctx.groups.delete(group.groupId);
    this.ctx.groupChanged(group.groupId);
  }
}

/**
 * The tombstones that delete a group's own records (Kafka's createGroupTombstoneRecords): the GroupMetadata record of a
 * classic group; a consumer group's members, target assignment, subscribed topics and epoch, the epoch last.
 */
export function groupTombstones(group: Group): OffsetsTopicRecordIn[] {
  if (group.type === 'classic') return [{ key: groupMetadataKey(group.groupId), value: null }];
  const out: OffsetsTopicRecordIn[] = [];
  for (const id of group.members.keys()) out.push(currentAssignmentRecord(group.groupId, id, null));
  for (const id of group.targetAssignment.keys()) out.push(targetMemberRecord(group.groupId, id, null));
  out.push(targetEpochRecord(group.groupId, null));
  for (const id of group.members.keys()) out.push(memberRecord(group.groupId, id, null));
  out.push(subscribedTopicsRecord(group.groupId, null), groupEpochRecord(group.groupId, null));
  return out;
}
