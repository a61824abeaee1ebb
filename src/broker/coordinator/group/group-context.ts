/**
 * What the parts of the group coordinator share: the __consumer_offsets store, the configuration, and the groups
 * in memory. The parts (membership, the state machine, offsets, group metadata) each take this one object, so that
 * none of them needs the others' internals to find a group or to write a record.
 */
import { ErrorCode, KafkaError } from '../../errors';
import type { Logger } from '../../logger';
import type { Clock } from '../../clock';
import { ClassicGroup, type JoinResult, type SyncResult } from './classic-group';
import type { ConsumerGroup } from './consumer-group';
import { partitionForGroup } from './group-partitioner';

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

/** A group of either protocol: they share the id space and __consumer_offsets. */
export type Group = ClassicGroup | ConsumerGroup;

/** Called with the id of a group whose state, generation, members or committed offsets changed, or that went or came. */
export type GroupChangeListener = (groupId: string) => void;

export class GroupContext {
  readonly groups = new Map<string, Group>();
  private readonly listeners = new Set<GroupChangeListener>();

  constructor(
    readonly store: OffsetsTopicStore,
    readonly config: GroupCoordinatorConfig,
    readonly logger: Logger,
    readonly clock: Clock,
  ) {}

  now(): number {
    return this.clock.now();
  }

  onGroupChanged(listener: GroupChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Tells the listeners, synchronously: they are expected to note the id and return (the worker coalesces the ids
   * and pushes them to the views). One that throws is logged and does not stop the coordinator or the others.
   */
  groupChanged(groupId: string): void {
    for (const l of this.listeners) {
      try {
        l(groupId);
      } catch (e) {
        this.logger.warn(`a listener of group ${groupId}'s changes failed: ${(e as Error).message}`);
      }
    }
  }

  partitionFor(groupId: string): number {
    return partitionForGroup(groupId, this.store.numPartitions);
  }

  /** The group unless it is Dead; a Dead one is forgotten here, so that the id can start over (Kafka's getOrMaybeCreate). */
  liveGroup(groupId: string): Group | undefined {
    const group = this.groups.get(groupId);
    if (!group?.is('Dead')) return group;
    this.groups.delete(groupId);
    return undefined;
  }

  /** The classic group of that id, if it is one. */
  classicGroup(groupId: string): ClassicGroup | undefined {
    const g = this.groups.get(groupId);
    return g?.type === 'classic' ? g : undefined;
  }

  createGroup(groupId: string, now = this.now()): ClassicGroup {
    const group = new ClassicGroup(groupId, now);
    this.groups.set(groupId, group);
    this.groupChanged(groupId);
    return group;
  }

  /** The group of either type, or a new (empty, classic) one: where replayed and transactional offsets go. */
  getOrCreateGroup(groupId: string, now = this.now()): Group {
    return this.groups.get(groupId) ?? this.createGroup(groupId, now);
  }
}

/** A JoinGroup answer that carries only an error. */
export function joinError(errorCode: number, memberId = ''): JoinResult {
  return { errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', skipAssignment: false, memberId, members: [] };
}

/** A SyncGroup answer that carries only an error. */
export function syncError(errorCode: number): SyncResult {
  return { errorCode, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) };
}

/** A failed write to __consumer_offsets becomes the coordinator error that clients retry on, as Kafka maps them. */
export function coordinatorErrorOf(e: unknown): number {
  if (!(e instanceof KafkaError)) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  switch (e.code) {
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
      return e.code;
  }
}
