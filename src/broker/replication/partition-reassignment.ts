/**
 * Partition reassignment as Kafka's KRaft controller does it (KIP-455: ReplicationControlManager's
 * alterPartitionReassignments and listPartitionReassignments, PartitionReassignmentReplicas,
 * PartitionReassignmentRevert). A reassignment names a partition's target replicas; the replica set grows to the
 * target followed by the replicas it removes, with addingReplicas and removingReplicas kept in the cluster metadata.
 * The replicas added follow the leader and join the ISR once caught up; when the ISR, less the replicas being removed,
 * holds every target replica, the controller's next change of the partition completes it: replicas become the
 * target, the removed ones leave the ISR and their logs are deleted, and a leader leaving is replaced by an in-sync
 * target replica. Until then a leader being removed keeps leading. Cancelling takes the replicas being added out.
 */
import type { ClusterState } from '../cluster-state';
import type { PartitionState, TopicState } from '../metadata/metadata-store';
import type { ClusterEvent, ReassignmentStep } from './cluster-events';
import { KafkaError, errorCodeOf } from '../errors';

/** One partition of an AlterPartitionReassignments request: its target replicas, or null to cancel. */
export interface ReassignmentTarget {
  topic: string;
  partition: number;
  replicas: number[] | null;
}

/** The answer for one partition: Kafka's error code, with its message (null where Kafka sends none). */
export interface ReassignmentResult {
  topic: string;
  partition: number;
  errorCode: number;
  errorMessage: string | null;
}

/** A reassignment in progress, as ListPartitionReassignments answers it. */
export interface OngoingReassignment {
  topic: string;
  partition: number;
  replicas: number[];
  addingReplicas: number[];
  removingReplicas: number[];
}

/** A target state for a partition, each field left out keeping its current value (Kafka's PartitionChangeBuilder). */
export interface PartitionChange {
  isr?: number[];
  replicas?: number[];
  addingReplicas?: number[];
  removingReplicas?: number[];
  /** Kafka's Election.UNCLEAN: a live replica outside the ISR may lead when no in-sync one can. */
  unclean?: boolean;
}

/** What the controller tells of a partition change it made. */
export interface PartitionChangeOutcome {
  /** The ISR held every target replica: the reassignment in progress completed with this change. */
  completed: boolean;
}

/** The controller's side: it makes every change of a partition's replicas, ISR and leader. */
interface PartitionChanger {
  changePartition(topic: string, partition: number, change: PartitionChange, reason: string): PartitionChangeOutcome;
  uncleanAllowed(topic: string): boolean;
}

const ascending = (a: number, b: number) => a - b;

export function addingReplicasOf(p: PartitionState): number[] {
  return p.addingReplicas ?? [];
}

export function removingReplicasOf(p: PartitionState): number[] {
  return p.removingReplicas ?? [];
}

export function isReassigning(p: PartitionState): boolean {
  return addingReplicasOf(p).length > 0 || removingReplicasOf(p).length > 0;
}

/**
 * Kafka's PartitionReassignmentReplicas: the replicas to remove and to add, each in ascending order, and the replica
 * set while both are under way, the target first (so that its first replica is the preferred leader) and then the
 * replicas being removed.
 */
export function reassignmentReplicas(current: readonly number[], target: readonly number[]): { replicas: number[]; adding: number[]; removing: number[] } {
  const removing = [...new Set(current.filter((r) => !target.includes(r)))].sort(ascending);
  const adding = [...new Set(target.filter((r) => !current.includes(r)))].sort(ascending);
  return { replicas: [...target, ...removing], adding, removing };
}

/**
 * Kafka's maybeCompleteReassignment: the replicas and ISR once a reassignment in progress completes, or undefined
 * while it cannot: the ISR without the replicas being removed must be left with someone and hold every remaining
 * replica. The ISR keeps its order, the replicas theirs (the target's).
 */
export function completeReassignment(replicas: readonly number[], isr: readonly number[], adding: readonly number[], removing: readonly number[]): { replicas: number[]; isr: number[] } | undefined {
  if (adding.length === 0 && removing.length === 0) return undefined;
  const targetIsr = isr.filter((r) => !removing.includes(r));
  const targetReplicas = replicas.filter((r) => !removing.includes(r));
  if (targetIsr.length === 0 || targetReplicas.length === 0) return undefined;
  if (!targetReplicas.every((r) => targetIsr.includes(r))) return undefined;
  return { replicas: targetReplicas, isr: targetIsr };
}

/**
 * Kafka's PartitionReassignmentRevert: the replicas without those being added (in their current order, so not
 * necessarily the order before the reassignment), the ISR without them too. An ISR left empty takes the first
 * replica, which is an unclean election.
 */
export function revertReassignment(p: PartitionState): { replicas: number[]; isr: number[]; unclean: boolean } {
  const adding = addingReplicasOf(p);
  const replicas = p.replicas.filter((r) => !adding.includes(r));
  const isr = p.isr.filter((r) => !adding.includes(r));
  if (isr.length > 0) return { replicas, isr, unclean: false };
  // Unreachable unless the partition was created without replicas; Kafka refuses it the same way.
  if (replicas.length === 0) throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', 'Invalid replica assignment: addingReplicas contains all replicas.');
  return { replicas, isr: [replicas[0]], unclean: true };
}

/**
 * Kafka's validateManualPartitionAssignment for a reassignment's target: not empty, every node registered (a stopped
 * node still is, as a fenced broker), none named twice; checked in ascending order, so the smallest offender is named.
 */
export function validateTargetReplicas(replicas: readonly number[], registered: readonly number[]): void {
  if (replicas.length === 0) throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', 'The manual partition assignment includes an empty replica list.');
  let previous: number | undefined;
  for (const id of [...replicas].sort(ascending)) {
    if (!registered.includes(id)) throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', `The manual partition assignment includes broker ${id}, but no such broker is registered.`);
    if (id === previous) throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', `The manual partition assignment includes the broker ${id} more than once.`);
    previous = id;
  }
}

/**
 * Kafka's ApiError.fromThrowable: no message where it would only repeat the error's own (an error thrown without
 * one), and none for an unexpected failure, whose text is for the log.
 */
function messageOf(e: unknown): string | null {
  if (!(e instanceof KafkaError)) return null;
  return e.message === e.errorName ? null : e.message;
}

const sameList = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);
const list = (xs: readonly number[]) => `[${xs.join(', ')}]`;

export class PartitionReassignments {
  private stopped = false;

  constructor(
    private readonly cluster: ClusterState,
    private readonly controller: PartitionChanger,
    private readonly emit: (e: ClusterEvent) => void,
  ) {}

  /** No completion runs after the cluster shut down (one may be queued behind the ISR change that allowed it). */
  stop(): void {
    this.stopped = true;
  }

  /**
   * AlterPartitionReassignments: starts, changes or (replicas null) cancels the reassignment of each partition named,
   * one by one; each answers on its own, as Kafka's controller does.
   */
  alter(targets: readonly ReassignmentTarget[]): ReassignmentResult[] {
    let altered = 0;
    const results = targets.map((target): ReassignmentResult => {
      const { topic, partition } = target;
      try {
        this.alterOne(target);
        altered++;
        return { topic, partition, errorCode: 0, errorMessage: null };
      } catch (e) {
        this.cluster.logger.info(`reassignment of ${topic}-${partition} refused: ${(e as Error).message}`);
        return { topic, partition, errorCode: errorCodeOf(e), errorMessage: messageOf(e) };
      }
    });
    if (targets.length > 0) this.cluster.logger.info(`altered ${altered} of ${targets.length} partition reassignment(s)`);
    return results;
  }

  /**
   * ListPartitionReassignments: every reassignment in progress (`query` null), or those among the partitions named;
   * topics and partitions that do not exist or are not being reassigned are left out, as Kafka leaves them out.
   */
  list(query: ReadonlyArray<{ topic: string; partitions: readonly number[] }> | null): OngoingReassignment[] {
    const md = this.cluster.metadata;
    const wanted = query ?? md.topics().map((t) => ({ topic: t.name, partitions: t.partitions.map((p) => p.partition) }));
    const out: OngoingReassignment[] = [];
    for (const q of wanted) {
      const t = md.topic(q.topic);
      if (!t) continue;
      for (const index of q.partitions) {
        const p = t.partitions[index];
        if (!p || !isReassigning(p)) continue;
        out.push({ topic: t.name, partition: index, replicas: [...p.replicas], addingReplicas: [...addingReplicasOf(p)], removingReplicas: [...removingReplicasOf(p)] });
      }
    }
    return out;
  }

  /**
   * The ISR grew: replicas being added that joined it caught up, and the reassignment may now complete. That is left
   * to a microtask, once the follower fetch that expanded the ISR has finished with the leader it fetched from (the
   * completion may move the leadership to that very follower and delete the old leader's log).
   */
  onIsrExpanded(topic: string, partition: number, joined: readonly number[]): void {
    const p = this.cluster.metadata.topic(topic)?.partitions[partition];
    if (!p || !isReassigning(p)) return;
    const adding = addingReplicasOf(p);
    const caughtUp = joined.filter((r) => adding.includes(r));
    if (caughtUp.length > 0) {
      const waiting = adding.filter((r) => !p.isr.includes(r));
      this.step(topic, p, 'caught-up', `reassignment: node(s) ${caughtUp.join(', ')} caught up${waiting.length ? `; waiting for ${list(waiting)}` : ''}`);
    }
    queueMicrotask(() => this.maybeComplete(topic, partition));
  }

  /** After a restart: reassignments left in progress carry on, and one whose ISR was already complete completes now. */
  resume(): void {
    for (const t of this.cluster.metadata.topics()) {
      for (const p of t.partitions) {
        if (!isReassigning(p)) continue;
        this.cluster.logger.info(`${t.name}-${p.partition}: reassignment in progress resumes (replicas ${list(p.replicas)}, adding ${list(addingReplicasOf(p))}, removing ${list(removingReplicasOf(p))})`);
        this.maybeComplete(t.name, p.partition);
      }
    }
  }

  private maybeComplete(topic: string, partition: number): void {
    if (this.stopped) return;
    const p = this.cluster.metadata.topic(topic)?.partitions[partition];
    if (!p || !isReassigning(p)) return;
    try {
      if (this.controller.changePartition(topic, partition, {}, 'reassignment completed').completed) this.step(topic, p, 'completed', `reassignment completed: replicas ${list(p.replicas)}, ISR ${list(p.isr)}`);
    } catch (e) {
      this.cluster.logger.error(`${topic}-${partition}: completing the reassignment failed: ${(e as Error).message}`);
    }
  }

  private alterOne(target: ReassignmentTarget): void {
    const t = this.cluster.metadata.topic(target.topic);
    if (!t) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Unable to find a topic named ${target.topic}.`);
    const p = t.partitions[target.partition];
    if (!p) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Unable to find partition ${target.topic}:${target.partition}.`);
    if (target.replicas === null) {
      this.cancel(t, p);
      return;
    }
    validateTargetReplicas(target.replicas, this.cluster.nodes.map((n) => n.id));
    const next = reassignmentReplicas(p.replicas, target.replicas);
    // As Kafka's changePartitionReassignment: adding and removing are replaced only when the new target has some, so a
    // target equal to the replica set of a reassignment in progress leaves that reassignment as it was.
    const change: PartitionChange = {};
    if (!sameList(next.replicas, p.replicas)) change.replicas = next.replicas;
    if (next.removing.length > 0) change.removingReplicas = next.removing;
    if (next.adding.length > 0) change.addingReplicas = next.adding;
    const before = [...p.replicas];
    const outcome = this.controller.changePartition(t.name, p.partition, change, `reassignment to ${list(target.replicas)}`);
    if (outcome.completed) this.step(t.name, p, 'completed', `reassignment to ${list(target.replicas)} completed at once: replicas ${list(p.replicas)}, ISR ${list(p.isr)}`);
    else if (isReassigning(p)) this.step(t.name, p, 'started', `reassignment to ${list(target.replicas)} started: adding ${list(addingReplicasOf(p))}, removing ${list(removingReplicasOf(p))}`);
    else if (!sameList(before, p.replicas)) this.step(t.name, p, 'completed', `replicas reordered to ${list(p.replicas)}`);
  }

  private cancel(t: TopicState, p: PartitionState): void {
    // Kafka answers this one without a message.
    if (!isReassigning(p)) throw new KafkaError('NO_REASSIGNMENT_IN_PROGRESS');
    const revert = revertReassignment(p);
    const unclean = this.controller.uncleanAllowed(t.name);
    if (revert.unclean && !unclean) {
      throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', `Unable to revert partition assignment for ${t.name}:${p.partition} because it would require an unclean leader election.`);
    }
    const dropped = addingReplicasOf(p);
    this.controller.changePartition(t.name, p.partition, { replicas: revert.replicas, isr: revert.isr, addingReplicas: [], removingReplicas: [], unclean }, 'reassignment cancelled');
    this.step(t.name, p, 'cancelled', `reassignment cancelled: replicas back to ${list(p.replicas)}${dropped.length ? `, ${list(dropped)} dropped` : ''}`);
  }

  private step(topic: string, p: PartitionState, step: ReassignmentStep, description: string): void {
    this.cluster.logger.info(`${topic}-${p.partition}: ${description}`);
    this.emit({ type: 'reassignment', topic, partition: p.partition, step, replicas: [...p.replicas], addingReplicas: [...addingReplicasOf(p)], removingReplicas: [...removingReplicasOf(p)], description });
  }
}
