/**
 * Incremental reconciliation (Kafka's CurrentAssignmentBuilder): moves one member from its current assignment towards
 * the target one without a partition ever being owned by two members. Partitions leaving the member are revoked first,
 * at the member's current epoch (UNREVOKED_PARTITIONS); only once the member no longer reports them does it move to
 * the target epoch and receive its new partitions, each as soon as its previous owner has let it go
 * (UNRELEASED_PARTITIONS until then).
 */
import { KafkaError } from '../../errors';
import { type Assignment, type ConsumerGroupMember, MemberState } from './consumer-group';

export interface OwnedTopicPartitions {
  topicId: string;
  partitions: number[];
}

interface ReconcileInput {
  targetEpoch: number;
  target: Assignment;
  /** Topic ids the member subscribes to now; a topic it left is revoked even if the target still holds it. */
  subscribedTopicIds: ReadonlySet<string>;
  /** The epoch of the partition's owner, or -1 when nobody owns it. */
  partitionEpoch: (topicId: string, partition: number) => number;
  /** What the member reported it owns in this heartbeat; null when it did not say (an unchanged, partial request). */
  owned: readonly OwnedTopicPartitions[] | null;
}

interface ReconciledMember {
  state: MemberState;
  memberEpoch: number;
  previousMemberEpoch: number;
  assignedPartitions: Assignment;
  partitionsPendingRevocation: Assignment;
}

function ownsAnyOf(owned: readonly OwnedTopicPartitions[] | null, revoking: Assignment): boolean {
  if (owned === null) return true;
  return owned.some(({ topicId, partitions }) => partitions.some((p) => revoking.get(topicId)?.has(p)));
}

function current(m: ConsumerGroupMember): ReconciledMember {
  return { state: m.state, memberEpoch: m.memberEpoch, previousMemberEpoch: m.previousMemberEpoch, assignedPartitions: m.assignedPartitions, partitionsPendingRevocation: m.partitionsPendingRevocation };
}

/** The member's next state; the member itself is left untouched. */
export function reconcile(m: ConsumerGroupMember, input: ReconcileInput): ReconciledMember {
  switch (m.state) {
    case MemberState.STABLE:
      return m.memberEpoch !== input.targetEpoch ? computeNext(m, input) : current(m);
    case MemberState.UNREVOKED_PARTITIONS:
      // Still holding what it must give up: nothing moves until it does.
      if (ownsAnyOf(input.owned, m.partitionsPendingRevocation)) return current(m);
      return computeNext(m, input);
    case MemberState.UNRELEASED_PARTITIONS:
      return computeNext(m, input);
    default:
      if (input.owned === null || input.owned.length > 0) {
        throw new KafkaError('FENCED_MEMBER_EPOCH', 'The consumer group member is in a unknown state. The member must abandon all its partitions and rejoin.');
      }
      return computeNext(m, input);
  }
}

function computeNext(m: ConsumerGroupMember, input: ReconcileInput): ReconciledMember {
  const assigned: Assignment = new Map();
  const revoking: Assignment = new Map();
  const pending: Assignment = new Map();
  let unreleased = false;
  const topics = new Set([...input.target.keys(), ...m.assignedPartitions.keys()]);
  for (const topicId of topics) {
    const target = input.subscribedTopicIds.has(topicId) ? (input.target.get(topicId) ?? new Set<number>()) : new Set<number>();
    const had = m.assignedPartitions.get(topicId) ?? new Set<number>();
    const keep = new Set([...had].filter((p) => target.has(p)));
    const give = new Set([...had].filter((p) => !keep.has(p)));
    const get = new Set<number>();
    for (const p of target) {
      if (keep.has(p)) continue;
      // Another member still owns it (the member's own partitions being revoked do not count: it is the owner).
      if (input.partitionEpoch(topicId, p) !== -1 && !m.partitionsPendingRevocation.get(topicId)?.has(p)) unreleased = true;
      else get.add(p);
    }
    if (keep.size) assigned.set(topicId, keep);
    if (give.size) revoking.set(topicId, give);
    if (get.size) pending.set(topicId, get);
  }
  if (revoking.size > 0 && ownsAnyOf(input.owned, revoking)) {
    return { state: MemberState.UNREVOKED_PARTITIONS, ...epochs(m, m.memberEpoch), assignedPartitions: assigned, partitionsPendingRevocation: revoking };
  }
  for (const [t, ps] of pending) {
    const s = assigned.get(t) ?? new Set<number>();
    for (const p of ps) s.add(p);
    assigned.set(t, s);
  }
  return {
    state: unreleased ? MemberState.UNRELEASED_PARTITIONS : MemberState.STABLE,
    ...epochs(m, input.targetEpoch),
    assignedPartitions: assigned,
    partitionsPendingRevocation: new Map(),
  };
}

/** Kafka's updateMemberEpoch: the epoch the member had becomes its previous one (a retry of a lost answer uses it). */
function epochs(m: ConsumerGroupMember, epoch: number): { memberEpoch: number; previousMemberEpoch: number } {
  return { memberEpoch: epoch, previousMemberEpoch: m.memberEpoch };
}
