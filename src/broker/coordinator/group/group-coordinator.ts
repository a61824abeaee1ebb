/**
 * Kafka's group coordinator, for both protocols. The consumer protocol (KIP-848): ConsumerGroupHeartbeat with member
 * epochs and broker-side assignment (consumer-group-manager.ts). The classic one: JoinGroup / SyncGroup / Heartbeat / LeaveGroup with generations, the
 * rebalance and session timeouts, group.initial.rebalance.delay.ms, static membership (KIP-345), MEMBER_ID_REQUIRED
 * (KIP-394), and offsets and group metadata kept as records in the compacted __consumer_offsets topic. Every
 * rebalance is journalled with its trigger. Cooperative rebalancing (KIP-429) needs nothing more of the broker:
 * clients run it over this same protocol.
 *
 * This class is the coordinator's one entry point; the work is split as Kafka splits it:
 * - group-membership.ts: the requests (join, sync, heartbeat, leave);
 * - group-state-machine.ts: the rebalance states and their timers;
 * - offset-metadata-manager.ts: committed offsets (OffsetCommit, TxnOffsetCommit, OffsetFetch, OffsetDelete);
 * - group-metadata-manager.ts: the group's own records (store, load, delete, expiry);
 * - group-context.ts: what they share (the store, the configuration, the groups in memory);
 * - consumer-group-manager.ts: the consumer protocol's groups.
 */
import { KafkaError } from '../../errors';
import { Logger, silentLogger } from '../../logger';
import { systemClock, type Clock, type Timer } from '../../clock';
import type { ClassicGroup, JoinResult, SyncResult } from './classic-group';
import type { ConsumerGroup } from './consumer-group';
import { ConsumerGroupManager, DEFAULT_CONSUMER_GROUP_CONFIG, type ConsumerGroupConfig, type ConsumerGroupHeartbeatParams, type ConsumerGroupHeartbeatResult, type TopicCatalog } from './consumer-group-manager';
import { decodeOffsetsTopicRecord } from './offsets-records';
import { GroupContext, DEFAULT_GROUP_CONFIG, type Group, type GroupChangeListener, type GroupCoordinatorConfig, type OffsetsTopicStore, type OffsetsTopicRecordIn } from './group-context';
import { GroupStateMachine } from './group-state-machine';
import { GroupMembership, type JoinGroupParams, type SyncGroupParams, type LeaveGroupResult } from './group-membership';
import { OffsetMetadataManager, type FetchedOffset } from './offset-metadata-manager';
import { GroupMetadataManager } from './group-metadata-manager';
import { ClassicMembersOfConsumerGroups } from './consumer-group-classic-members';

export { DEFAULT_GROUP_CONFIG, DEFAULT_CONSUMER_GROUP_CONFIG };
export type { GroupCoordinatorConfig, OffsetsTopicStore, OffsetsTopicRecordIn, JoinGroupParams, ConsumerGroupConfig, TopicCatalog, Group };

/** No topics: what a coordinator built without the cluster's catalog (unit tests of the classic protocol) sees. */
const NO_TOPICS: TopicCatalog = { byName: () => undefined, byId: () => undefined, names: () => [] };

/** The group a record of __consumer_offsets is about, or undefined (markers, unknown record types). */
function groupOfRecord(rec: OffsetsTopicRecordIn): string | undefined {
  try {
    const r = decodeOffsetsTopicRecord(rec.key, rec.value);
    return r.type === 'unknown' ? undefined : r.group;
  } catch {
    return undefined;
  }
}

export class GroupCoordinator {
  private readonly ctx: GroupContext;
  private readonly stateMachine: GroupStateMachine;
  private readonly membership: GroupMembership;
  private readonly offsets: OffsetMetadataManager;
  private readonly metadata: GroupMetadataManager;
  private readonly consumerGroups: ConsumerGroupManager;
  private readonly consumerConfig: ConsumerGroupConfig;
  private expiryTimer?: Timer;

  constructor(
    store: OffsetsTopicStore,
    config: GroupCoordinatorConfig = DEFAULT_GROUP_CONFIG,
    opts: { logger?: Logger; clock?: Clock; topics?: TopicCatalog; consumer?: ConsumerGroupConfig } = {},
  ) {
    this.ctx = new GroupContext(store, config, opts.logger ?? silentLogger, opts.clock ?? systemClock);
    this.metadata = new GroupMetadataManager(this.ctx);
    this.stateMachine = new GroupStateMachine(this.ctx, this.metadata);
    this.consumerConfig = opts.consumer ?? DEFAULT_CONSUMER_GROUP_CONFIG;
    const topics = opts.topics ?? NO_TOPICS;
    this.consumerGroups = new ConsumerGroupManager(this.ctx, this.consumerConfig, topics, {
      abandon: (group, errorCode) => this.stateMachine.shutdown(group, errorCode),
      adopt: (group) => this.stateMachine.adoptDowngraded(group),
    });
    const classicMembers = new ClassicMembersOfConsumerGroups(this.ctx, this.consumerGroups, topics);
    this.membership = new GroupMembership(this.ctx, this.stateMachine, this.metadata, {
      join: (group, p) => classicMembers.join(group, p),
      sync: (group, p) => classicMembers.sync(group, p),
      heartbeat: (group, p) => classicMembers.heartbeat(group, p),
      leave: (group, members) => classicMembers.leave(group, members),
      replaceEmpty: (group) => this.consumerGroups.replaceEmptyWithClassic(group),
    });
    this.offsets = new OffsetMetadataManager(
      this.ctx,
      (group, member) => this.stateMachine.heartbeatMember(group, member),
      (group) => new Set([...group.members.values()].flatMap((m) => this.consumerGroups.subscribedTopicNames(group, m))),
    );
  }

  /**
   * Calls `listener` with a group's id, synchronously, whenever its state, generation, members or committed offsets
   * change, or it is deleted, expired or loaded (a heartbeat changes none of these). Several calls may come for one
   * request; the caller coalesces. Returns the unsubscribe function.
   */
  onGroupChanged(listener: GroupChangeListener): () => void {
    return this.ctx.onGroupChanged(listener);
  }

  partitionFor(groupId: string): number {
    return this.ctx.partitionFor(groupId);
  }

  /** NOT_COORDINATOR unless `nodeId` leads the group's __consumer_offsets partition. */
  checkCoordinator(groupId: string, nodeId: number): void {
    const leader = this.coordinatorFor(groupId);
    if (leader < 0) throw new KafkaError('COORDINATOR_NOT_AVAILABLE', `no leader for the __consumer_offsets partition of group ${groupId}`);
    if (leader !== nodeId) throw new KafkaError('NOT_COORDINATOR', `node ${nodeId} is not the coordinator of group ${groupId} (node ${leader} is)`);
  }

  coordinatorFor(groupId: string): number {
    return this.ctx.store.leaderOf(this.partitionFor(groupId));
  }

  group(groupId: string): Group | undefined {
    return this.ctx.groups.get(groupId);
  }

  /** The group if it is a classic one. */
  classicGroup(groupId: string): ClassicGroup | undefined {
    return this.ctx.classicGroup(groupId);
  }

  /** The group if it is a consumer protocol one. */
  consumerGroup(groupId: string): ConsumerGroup | undefined {
    return this.consumerGroups.consumerGroup(groupId);
  }

  allGroups(): Group[] {
    return [...this.ctx.groups.values()].filter((g) => !g.is('Dead'));
  }

  // ---------------------------------------------------------------- consumer protocol (KIP-848)

  consumerGroupHeartbeat(p: ConsumerGroupHeartbeatParams): Promise<ConsumerGroupHeartbeatResult> {
    return this.consumerGroups.heartbeat(p);
  }

  /** The consumer protocol's view of its groups' topics: names, subscriptions resolved, for describe answers and views. */
  get consumerGroupView(): Pick<ConsumerGroupManager, 'named' | 'topicName' | 'subscribedTopicNames' | 'heartbeatIntervalMs'> {
    return this.consumerGroups;
  }

  get consumerSessionTimeoutMs(): number {
    return this.consumerConfig.sessionTimeoutMs;
  }

  /** A topic was created, deleted or grew: consumer groups subscribed to it (or to a pattern it matches) rebalance. */
  topicsChanged(): void {
    this.consumerGroups.topicsChanged();
  }

  // ---------------------------------------------------------------- membership

  joinGroup(p: JoinGroupParams): Promise<JoinResult> {
    return this.membership.joinGroup(p);
  }

  syncGroup(p: SyncGroupParams): Promise<SyncResult> {
    return this.membership.syncGroup(p);
  }

  heartbeat(p: { groupId: string; generationId: number; memberId: string; groupInstanceId: string | null }): number {
    return this.membership.heartbeat(p);
  }

  /** LeaveGroup: removes each member (by member id, or by instance id for static members) and rebalances. */
  leaveGroup(groupId: string, members: Array<{ memberId: string; groupInstanceId: string | null; reason?: string | null }>): Promise<LeaveGroupResult> {
    return this.membership.leaveGroup(groupId, members);
  }

  // ---------------------------------------------------------------- offsets

  commitOffsets(p: Parameters<OffsetMetadataManager['commitOffsets']>[0]): Promise<number[]> {
    return this.offsets.commitOffsets(p);
  }

  commitTxnOffsets(p: Parameters<OffsetMetadataManager['commitTxnOffsets']>[0]): Promise<number[]> {
    return this.offsets.commitTxnOffsets(p);
  }

  completeTxnOffsets(producerId: number, commit: boolean): void {
    this.offsets.completeTxnOffsets(producerId, commit);
  }

  hasPendingTxnOffset(groupId: string, topic: string, partition: number): boolean {
    return this.offsets.hasPendingTxnOffset(groupId, topic, partition);
  }

  checkOffsetFetch(groupId: string, memberId: string | null, memberEpoch: number): number {
    return this.offsets.checkOffsetFetch(groupId, memberId, memberEpoch);
  }

  fetchOffsets(groupId: string, partitions: Array<{ topic: string; partition: number }> | null): FetchedOffset[] {
    return this.offsets.fetchOffsets(groupId, partitions);
  }

  deleteOffsets(groupId: string, partitions: Array<{ topic: string; partition: number }>): Promise<{ errorCode: number; partitions: number[] }> {
    return this.offsets.deleteOffsets(groupId, partitions);
  }

  // ---------------------------------------------------------------- group lifecycle

  deleteGroup(groupId: string): Promise<number> {
    return this.metadata.deleteGroup(groupId);
  }

  expireOffsets(now?: number): Promise<number> {
    return this.metadata.expireOffsets(now);
  }

  /**
   * Rebuilds groups and offsets from __consumer_offsets (at start). Groups with members come back Stable and
   * must heartbeat within their session timeout, as after a Kafka coordinator failover.
   */
  load(): { groups: number; offsets: number } {
    let offsets = 0;
    const now = this.ctx.now();
    // A group's records belong on the partition Kafka's hash gives it. Records found on another one come from a data
    // directory written before groups were placed with Kafka's Utils.abs (the sign bit used to be masked instead):
    // they are applied first, so that whatever the group's own partition holds, being newer, wins.
    const foreign: OffsetsTopicRecordIn[] = [];
    const home: OffsetsTopicRecordIn[] = [];
    for (let p = 0; p < this.ctx.store.numPartitions; p++) {
      for (const rec of this.ctx.store.read(p)) {
        const group = rec.control === undefined ? groupOfRecord(rec) : undefined;
        (group !== undefined && this.partitionFor(group) !== p ? foreign : home).push(rec);
      }
    }
    for (const rec of [...foreign, ...home]) this.replay(rec, now);
    const groups = this.ctx.groups;
    for (const g of groups.values()) {
      offsets += g.offsets.size;
      if (g.type === 'consumer') {
        this.consumerGroups.loaded(g);
        continue;
      }
      for (const m of g.members.values()) this.stateMachine.scheduleHeartbeatExpiry(g, m);
      // A group with nothing left is not kept.
      if (g.members.size === 0 && g.offsets.size === 0 && g.generationId === 0) groups.delete(g.groupId);
    }
    for (const groupId of groups.keys()) this.ctx.groupChanged(groupId);
    return { groups: groups.size, offsets };
  }

  /** Replays one record of __consumer_offsets into the in-memory state (load), as Kafka's coordinator shard does. */
  private replay(rec: OffsetsTopicRecordIn, now: number): void {
    if (rec.control !== undefined) {
      if (rec.producerId !== undefined) this.offsets.completeTxnOffsets(rec.producerId, rec.control === 'commit');
      return;
    }
    const r = decodeOffsetsTopicRecord(rec.key, rec.value);
    if (r.type === 'offset') this.offsets.replay(r, rec.producerId, now);
    else if (r.type === 'group') this.metadata.replay(r, now);
    else if (r.type === 'consumer') this.consumerGroups.replay(r.record, now);
  }

  startExpiry(intervalMs = 600000): void {
    this.expiryTimer = this.ctx.clock.setInterval(() => void this.expireOffsets().catch((e) => this.ctx.logger.warn(`expiring offsets: ${(e as Error).message}`)), intervalMs);
  }

  shutdown(): void {
    this.ctx.clock.clearTimeout(this.expiryTimer);
    for (const g of this.ctx.groups.values()) {
      if (g.type === 'consumer') this.consumerGroups.shutdown(g);
      else this.stateMachine.shutdown(g);
    }
  }
}
