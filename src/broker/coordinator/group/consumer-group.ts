/**
 * A group of the consumer protocol (KIP-848) as Kafka's coordinator keeps it in memory: the group epoch (bumped
 * whenever membership, subscriptions or the subscribed topics change), the target assignment the broker computed for
 * that epoch, and each member's own epoch and current assignment, which reconciles towards the target one heartbeat at
 * a time. Topics are named by id (hex, as the codecs carry them), as in the protocol, so that a topic deleted and
 * created again under its old name is another topic.
 */
import type { Timer } from '../../clock';
import type { CommittedOffset, Protocol } from './classic-group';
import { RebalanceJournal } from './rebalance-journal';

/** Partitions by topic id. */
export type Assignment = Map<string, Set<number>>;

/** Kafka's MemberState, with the byte values its CurrentMemberAssignment record stores. */
export enum MemberState {
  STABLE = 0,
  /** The member must give up partitions before it may move to the target epoch. */
  UNREVOKED_PARTITIONS = 1,
  /** The member is at the target epoch but waits for partitions their previous owners have not released yet. */
  UNRELEASED_PARTITIONS = 2,
  UNKNOWN = 127,
}

export const MEMBER_STATE_NAMES: Record<MemberState, string> = {
  [MemberState.STABLE]: 'stable',
  [MemberState.UNREVOKED_PARTITIONS]: 'unrevoked_partitions',
  [MemberState.UNRELEASED_PARTITIONS]: 'unreleased_partitions',
  [MemberState.UNKNOWN]: 'unknown',
};

/** ConsumerGroupHeartbeat's special member epochs. */
export const JOIN_GROUP_MEMBER_EPOCH = 0;
export const LEAVE_GROUP_MEMBER_EPOCH = -1;
export const LEAVE_GROUP_STATIC_MEMBER_EPOCH = -2;

export type ConsumerGroupState = 'Empty' | 'Assigning' | 'Reconciling' | 'Stable' | 'Dead';

/** What a member speaking the classic protocol in a consumer group joined with (Kafka's ClassicMemberMetadata). */
interface ClassicMemberMetadata {
  sessionTimeoutMs: number;
  /** Its protocols in its order of preference; the first one's metadata is its subscription. */
  protocols: Protocol[];
}

export class ConsumerGroupMember {
  instanceId: string | null = null;
  rackId: string | null = null;
  clientId = '';
  clientHost = '';
  rebalanceTimeoutMs = -1;
  subscribedTopicNames: string[] = [];
  subscribedTopicRegex: string | null = null;
  serverAssignor: string | null = null;
  memberEpoch = 0;
  previousMemberEpoch = -1;
  state = MemberState.STABLE;
  assignedPartitions: Assignment = new Map();
  partitionsPendingRevocation: Assignment = new Map();
  sessionTimer?: Timer;
  /** Armed while the member has partitions to revoke: it is fenced if it has not revoked them in time. */
  rebalanceTimer?: { timer: Timer; epoch: number };
  lastHeartbeat = 0;
  /** Set for a member that speaks the classic protocol (JoinGroup, SyncGroup, Heartbeat) in a consumer group. */
  classic: ClassicMemberMetadata | null = null;
  /**
   * A classic member told to rejoin must send JoinGroup, and one that joined must send SyncGroup, within its
   * rebalance timeout, or it is fenced (Kafka's join and sync timeouts for classic members of consumer groups).
   */
  classicTimer?: { kind: 'join' | 'sync'; timer: Timer };

  constructor(readonly memberId: string) {}

  useClassicProtocol(): boolean {
    return this.classic !== null;
  }

  /** Whether the member subscribes to anything at all. */
  hasSubscription(): boolean {
    return this.subscribedTopicNames.length > 0 || !!this.subscribedTopicRegex;
  }
}

export class ConsumerGroup {
  readonly type = 'consumer' as const;
  groupEpoch = 0;
  assignmentEpoch = 0;
  state: ConsumerGroupState = 'Empty';
  readonly members = new Map<string, ConsumerGroupMember>();
  /** group.instance.id -> member id. */
  readonly staticMembers = new Map<string, string>();
  /** Member id -> its partitions in the target assignment of `assignmentEpoch`. */
  readonly targetAssignment = new Map<string, Assignment>();
  /** "topicId:partition" -> epoch of the member that owns it now (assigned or still revoking). */
  readonly partitionEpochs = new Map<string, number>();
  /** The subscribed topics as last seen, name -> "id/partitions", to notice a topic created, deleted or grown. */
  subscribedTopicsSignature = '';
  /** The assignor of the last target assignment. */
  assignorName = '';
  /**
   * The members' regular expressions and the topic names each matched when last resolved. As in Kafka, resolving is
   * asynchronous: a pattern the group has not resolved yet matches nothing until it is (the member gets its listed
   * topics first, the matched ones at a later epoch).
   */
  readonly resolvedRegexes = new Map<string, string[]>();
  regexResolution?: Timer;
  /** The authorization of the member whose heartbeat last asked for a resolution (ConsumerGroupHeartbeatParams). */
  regexAuthorization?: (names: string[]) => string[];
  readonly offsets = new Map<string, CommittedOffset>();
  currentStateTimestamp: number;
  /** Carried over when the group changes protocol (consumer-group-migration.ts). */
  journal = new RebalanceJournal();

  constructor(readonly groupId: string, now: number) {
    this.currentStateTimestamp = now;
  }

  is(...states: ConsumerGroupState[]): boolean {
    return states.includes(this.state);
  }

  transitionTo(state: ConsumerGroupState, now: number): void {
    if (state === this.state) return;
    this.state = state;
    this.currentStateTimestamp = now;
  }

  /** Kafka's maybeUpdateGroupState: derived from the epochs and the members' states. */
  computeState(): ConsumerGroupState {
    if (this.members.size === 0) return 'Empty';
    if (this.groupEpoch > this.assignmentEpoch) return 'Assigning';
    for (const m of this.members.values()) if (m.memberEpoch !== this.assignmentEpoch || m.state !== MemberState.STABLE) return 'Reconciling';
    return 'Stable';
  }

  /** The epoch of the member owning the partition now, or -1. */
  partitionEpoch(topicId: string, partition: number): number {
    return this.partitionEpochs.get(`${topicId}:${partition}`) ?? -1;
  }

  /** Takes the member's partitions (assigned and still revoking) out of the owners' table. */
  releasePartitions(m: ConsumerGroupMember): void {
    for (const a of [m.assignedPartitions, m.partitionsPendingRevocation]) {
      for (const [t, ps] of a) for (const p of ps) if (this.partitionEpochs.get(`${t}:${p}`) !== undefined) this.partitionEpochs.delete(`${t}:${p}`);
    }
  }

  /** Records the member as owner of its partitions (assigned and still revoking), at its epoch. */
  claimPartitions(m: ConsumerGroupMember): void {
    for (const a of [m.assignedPartitions, m.partitionsPendingRevocation]) for (const [t, ps] of a) for (const p of ps) this.partitionEpochs.set(`${t}:${p}`, m.memberEpoch);
  }
}

export function copyAssignment(a: Assignment): Assignment {
  return new Map([...a].map(([t, ps]) => [t, new Set(ps)]));
}

export function assignmentEquals(a: Assignment, b: Assignment): boolean {
  const nonEmpty = (x: Assignment) => [...x].filter(([, ps]) => ps.size > 0);
  const ea = nonEmpty(a);
  const eb = nonEmpty(b);
  if (ea.length !== eb.length) return false;
  for (const [t, ps] of ea) {
    const other = b.get(t);
    if (!other || other.size !== ps.size) return false;
    for (const p of ps) if (!other.has(p)) return false;
  }
  return true;
}

/** To the protocol's and the records' shape: topics and partitions in order. */
export function assignmentToList(a: Assignment): Array<{ topicId: string; partitions: number[] }> {
  return [...a]
    .filter(([, ps]) => ps.size > 0)
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    .map(([topicId, ps]) => ({ topicId, partitions: [...ps].sort((x, y) => x - y) }));
}

export function assignmentFromList(list: ReadonlyArray<{ topicId: string; partitions: readonly number[] }>): Assignment {
  const a: Assignment = new Map();
  for (const { topicId, partitions } of list) {
    if (partitions.length === 0) continue;
    let s = a.get(topicId);
    if (!s) a.set(topicId, (s = new Set()));
    for (const p of partitions) s.add(p);
  }
  return a;
}

/** Whether every partition of `owned` is in `of`. */
export function isSubset(owned: ReadonlyArray<{ topicId: string; partitions: readonly number[] }>, of: Assignment): boolean {
  return owned.every(({ topicId, partitions }) => partitions.every((p) => of.get(topicId)?.has(p)));
}
