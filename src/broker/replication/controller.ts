/**
 * The controller's decisions (what KRaft's QuorumController does for partitions): which node leads each partition
 * and which replicas are in sync. A node that stops is fenced: it leaves every ISR, and the partitions it led get
 * a new leader from the rest of the ISR with a new leader epoch; with nobody left they go offline, unless
 * unclean.leader.election.enable lets an out-of-sync replica lead (and lose what it missed).
 * The active controller is the lowest-numbered node that is up; it changes when that node stops.
 */
import type { ClusterState } from '../cluster-state';
import type { ClusterEvent } from './cluster-events';
import type { PartitionState, TopicState } from '../metadata/metadata-store';
import { KafkaError } from '../errors';
import { PartitionReassignments, addingReplicasOf, completeReassignment, isReassigning, removingReplicasOf, type PartitionChange, type PartitionChangeOutcome } from './partition-reassignment';

type ElectionType = 'preferred' | 'unclean';


/** A partition's change of leader, as the controller made it. */
export interface ElectionRecord {
  time: number;
  topic: string;
  partition: number;
  leader: number;
  previousLeader: number;
  leaderEpoch: number;
  reason: string;
  /** A replica outside the ISR was elected: records it missed are lost. */
  unclean: boolean;
}

/** Elections kept for the cluster view (a stop of one node among many partitions makes one per partition it led). */
const MAX_ELECTIONS = 1000;

/** What the controller tells the replica manager of its decisions. */
interface LeadershipListener {
  onLeadershipChange(topic: string, partition: number): void;
  /** The replica set or leader epoch changed under the same leader. */
  onReplicasChanged(topic: string, partition: number): void;
  maybeIncrementHighWatermark(topic: string, partition: number): void;
}

export class Controller {
  private currentController: number;

  constructor(
    private readonly cluster: ClusterState,
    private readonly replicas: LeadershipListener,
    private readonly emit: (e: ClusterEvent) => void,
  ) {
    this.currentController = this.computeController();
    this.reassignments = new PartitionReassignments(cluster, this, emit);
  }

  /** AlterPartitionReassignments and ListPartitionReassignments, carried out through this controller's changes. */
  readonly reassignments: PartitionReassignments;

  get controllerId(): number {
    return this.currentController;
  }

  private computeController(): number {
    return this.cluster.nodes.find((n) => n.up)?.id ?? -1;
  }

  private isUp(id: number): boolean {
    return this.cluster.nodes.some((n) => n.id === id && n.up);
  }

  private maybeMoveController(): void {
    const next = this.computeController();
    if (next !== this.currentController) {
      const from = this.currentController;
      this.currentController = next;
      this.cluster.logger.info(`controller moved from node ${from} to node ${next}`);
      this.emit({ type: 'controller-changed', from, to: next });
    }
  }

  uncleanAllowed(topic: string): boolean {
    return this.cluster.logConfig(topic).uncleanLeaderElectionEnable;
  }

  /** The elections since the broker started, oldest first (the cluster view lists them; bounded). */
  readonly elections: ElectionRecord[] = [];

  private setLeader(t: TopicState, p: PartitionState, leader: number, isr: number[], reason: string, unclean = false): void {
    const previousLeader = p.leader;
    this.cluster.metadata.updatePartition(t.name, p.partition, { leader, leaderEpoch: p.leaderEpoch + 1, isr });
    this.leaderChanged(t, p, previousLeader, reason, unclean);
  }

  /** What follows a new leader with its new epoch, once in the metadata: the journal, the event, the replicas told. */
  private leaderChanged(t: TopicState, p: PartitionState, previousLeader: number, reason: string, unclean: boolean): void {
    const leader = p.leader;
    this.cluster.logger.info(
      `${t.name}-${p.partition}: leader ${previousLeader} -> ${leader} (epoch ${p.leaderEpoch}) ${reason}${unclean ? ' (UNCLEAN: records the new leader missed are lost)' : ''}`,
    );
    this.elections.push({ time: Date.now(), topic: t.name, partition: p.partition, leader, previousLeader, leaderEpoch: p.leaderEpoch, reason, unclean });
    if (this.elections.length > MAX_ELECTIONS) this.elections.splice(0, this.elections.length - MAX_ELECTIONS);
    this.emit({ type: 'leader-elected', topic: t.name, partition: p.partition, leader, previousLeader, leaderEpoch: p.leaderEpoch, reason, unclean });
    this.replicas.onLeadershipChange(t.name, p.partition);
  }

  setIsr(topic: string, partition: number, isr: number[], reason: string): void {
    const p = this.cluster.partitionState(topic, partition);
    if (sameSet(p.isr, isr)) return;
    const before = p.isr.length;
    const joined = isr.filter((r) => !p.isr.includes(r));
    this.cluster.metadata.updatePartition(topic, partition, { isr });
    this.cluster.logger.info(`${topic}-${partition}: ISR ${JSON.stringify(isr)} (${reason})`);
    this.emit({ type: 'isr-changed', topic, partition, isr, reason });
    // A smaller ISR may let the high watermark move (Kafka: maybeIncrementLeaderHW after an ISR shrink).
    if (isr.length < before) this.replicas.maybeIncrementHighWatermark(topic, partition);
    // Kafka completes a reassignment with the AlterPartition that brings its last target replica into the ISR.
    if (joined.length > 0 && isReassigning(p)) this.reassignments.onIsrExpanded(topic, partition, joined);
  }

  /**
   * Kafka's PartitionChangeBuilder: gives a partition the target ISR, replicas and reassignment state of `change`
   * (the rest as they are), completes a reassignment in progress whose target replicas are all in sync, and elects a
   * leader only when the current one may not stay: it stays while it is in the ISR and up, even when the
   * reassignment removes it, and otherwise the first replica in the ISR and up takes over (any live replica when
   * `change.unclean` allows it; none leaves the partition offline). The leader epoch moves with a new leader and
   * when a replica leaves. Replicas joining get their logs; replicas leaving lose theirs once the metadata is saved.
   */
  changePartition(topic: string, partition: number, change: PartitionChange, reason: string): PartitionChangeOutcome {
    const t = this.cluster.metadata.topic(topic);
    const p = t?.partitions[partition];
    if (!t || !p) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `This server does not host this topic-partition: ${topic}-${partition}`);
    let replicas = change.replicas ?? p.replicas;
    let isr = change.isr ?? p.isr;
    let adding = change.addingReplicas ?? addingReplicasOf(p);
    let removing = change.removingReplicas ?? removingReplicasOf(p);
    const completed = completeReassignment(replicas, isr, adding, removing);
    if (completed) {
      ({ replicas, isr } = completed);
      adding = [];
      removing = [];
    }
    let leader = p.leader;
    let unclean = false;
    if (!isr.includes(leader) || !this.isUp(leader)) {
      const inSync = replicas.find((r) => isr.includes(r) && this.isUp(r));
      const live = change.unclean ? replicas.find((r) => this.isUp(r)) : undefined;
      if (inSync !== undefined) leader = inSync;
      else if (live !== undefined) {
        leader = live;
        unclean = true;
        isr = [live];
      } else leader = -1;
    }
    const previous = { leader: p.leader, isr: [...p.isr], replicas: [...p.replicas] };
    const joining = replicas.filter((r) => !previous.replicas.includes(r));
    const leaving = previous.replicas.filter((r) => !replicas.includes(r));
    const epochBump = leader !== previous.leader || leaving.length > 0;
    const isrChanged = !sameSet(isr, previous.isr);
    const unchanged = !epochBump && sameList(isr, previous.isr) && sameList(replicas, previous.replicas) && sameList(adding, addingReplicasOf(p)) && sameList(removing, removingReplicasOf(p));
    if (unchanged) return { completed: false };
    this.cluster.metadata.updatePartition(topic, partition, {
      replicas: [...replicas],
      isr: [...isr],
      leader,
      leaderEpoch: epochBump ? p.leaderEpoch + 1 : p.leaderEpoch,
      addingReplicas: adding.length > 0 ? [...adding] : undefined,
      removingReplicas: removing.length > 0 ? [...removing] : undefined,
    });
    for (const r of joining) if (this.isUp(r)) this.cluster.node(r).logManager.getOrCreateLog({ topic, partition }, t.topicId);
    if (isrChanged) {
      this.cluster.logger.info(`${topic}-${partition}: ISR ${JSON.stringify(p.isr)} (${reason})`);
      this.emit({ type: 'isr-changed', topic, partition, isr: [...p.isr], reason });
    }
    if (leader !== previous.leader) this.leaderChanged(t, p, previous.leader, reason, unclean);
    else if (epochBump || joining.length > 0) this.replicas.onReplicasChanged(topic, partition);
    else if (isrChanged) this.replicas.maybeIncrementHighWatermark(topic, partition);
    if (leaving.length > 0) {
      const tp = { topic, partition };
      this.cluster.metadata.whenSaved(() => {
        // Unless a later change (a new reassignment in the same batch) brought the replica back.
        const now = this.cluster.metadata.topic(topic)?.partitions[partition];
        for (const r of leaving) if (now && !now.replicas.includes(r) && this.isUp(r)) this.cluster.node(r).logManager.deleteLog(tp);
      });
    }
    return { completed: completed !== undefined };
  }

  /** A node stopped: fence it and move its leaderships. */
  onNodeStopped(nodeId: number): void {
    this.cluster.metadata.batch(() => {
      for (const t of this.cluster.metadata.topics()) {
        for (const p of t.partitions) {
          if (!p.replicas.includes(nodeId)) continue;
          const rest = p.isr.filter((r) => r !== nodeId && this.isUp(r));
          if (p.leader === nodeId) {
            const next = p.replicas.find((r) => rest.includes(r));
            if (next !== undefined) {
              this.setLeader(t, p, next, rest, `node ${nodeId} stopped`);
            } else if (this.uncleanAllowed(t.name) && p.replicas.some((r) => r !== nodeId && this.isUp(r))) {
              const u = p.replicas.find((r) => r !== nodeId && this.isUp(r))!;
              this.setLeader(t, p, u, [u], `node ${nodeId} stopped and no in-sync replica is left`, true);
            } else {
              // Offline: the ISR keeps the last leader so that it leads again when it comes back.
              this.setLeader(t, p, -1, p.isr.length ? p.isr : [nodeId], `node ${nodeId} stopped; no in-sync replica left: partition offline`);
            }
          } else if (p.isr.includes(nodeId) && p.leader >= 0) {
            this.setIsr(t.name, p.partition, p.isr.filter((r) => r !== nodeId), `node ${nodeId} stopped`);
          }
        }
      }
    });
    this.maybeMoveController();
  }

  /** A node started: offline partitions it can lead come back; elsewhere it follows and will rejoin the ISR. */
  onNodeStarted(nodeId: number): void {
    this.cluster.metadata.batch(() => {
      for (const t of this.cluster.metadata.topics()) {
        for (const p of t.partitions) {
          if (p.leader === -1 && p.replicas.includes(nodeId)) {
            if (p.isr.includes(nodeId)) this.setLeader(t, p, nodeId, p.isr.filter((r) => this.isUp(r)), `node ${nodeId} (in the ISR) came back`);
            else if (this.uncleanAllowed(t.name)) this.setLeader(t, p, nodeId, [nodeId], `node ${nodeId} came back; no in-sync replica was left`, true);
          } else if (p.replicas.includes(nodeId) && p.leader !== nodeId) {
            this.replicas.onLeadershipChange(t.name, p.partition);
          }
        }
      }
    });
    this.maybeMoveController();
  }

  /**
   * ElectLeaders: "preferred" makes the first replica lead if it is up and in sync (ELECTION_NOT_NEEDED when it
   * already does); "unclean" elects any live replica when no in-sync one is left.
   */
  electLeader(topic: string, partition: number, type: ElectionType): void {
    const t = this.cluster.metadata.topic(topic);
    const p = t?.partitions[partition];
    if (!t || !p) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `${topic}-${partition} does not exist`);
    if (type === 'preferred') {
      const preferred = p.replicas[0];
      if (p.leader === preferred) throw new KafkaError('ELECTION_NOT_NEEDED', `${topic}-${partition} is already led by its preferred replica ${preferred}`);
      if (!this.isUp(preferred) || !p.isr.includes(preferred)) {
        throw new KafkaError('PREFERRED_LEADER_NOT_AVAILABLE', `the preferred replica ${preferred} of ${topic}-${partition} is not up and in sync`);
      }
      this.setLeader(t, p, preferred, p.isr, 'preferred leader election');
      return;
    }
    if (p.leader >= 0 && this.isUp(p.leader)) throw new KafkaError('ELECTION_NOT_NEEDED', `${topic}-${partition} has a leader`);
    const live = p.replicas.filter((r) => this.isUp(r));
    if (live.length === 0) throw new KafkaError('ELIGIBLE_LEADERS_NOT_AVAILABLE', `no replica of ${topic}-${partition} is up`);
    const inSync = live.find((r) => p.isr.includes(r));
    if (inSync !== undefined) this.setLeader(t, p, inSync, p.isr.filter((r) => this.isUp(r)), 'unclean election request with an in-sync replica up');
    else this.setLeader(t, p, live[0], [live[0]], 'unclean leader election', true);
  }

  /** Kafka's auto.leader.rebalance.enable: give partitions back to their preferred replicas when they can take them. */
  rebalancePreferredLeaders(): number {
    let moved = 0;
    this.cluster.metadata.batch(() => {
      for (const t of this.cluster.metadata.topics()) {
        for (const p of t.partitions) {
          const preferred = p.replicas[0];
          if (p.leader !== preferred && this.isUp(preferred) && p.isr.includes(preferred)) {
            this.setLeader(t, p, preferred, p.isr, 'preferred leader rebalance');
            moved++;
          }
        }
      }
    });
    return moved;
  }
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function sameSet(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
