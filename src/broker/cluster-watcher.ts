/**
 * Turns changes of the cluster's state into BrokerEvents by comparing snapshots on a short timer.
 *
 * Why compare instead of hooking the Cluster: state changes arrive from many paths (this API, every Kafka protocol
 * handler, auto-created topics, retention, the log cleaner, group timers, and node stop/start once replication
 * lands), and the Cluster has no change notifications. A snapshot of in-memory figures catches all of them, costs
 * well under a millisecond for thousands of partitions, and coalesces bursts by itself: a thousand produce requests
 * between two ticks become one `partitionsAppended`. The Cluster's own events (elections, ISR changes, nodes stopping
 * and starting) and callers that just changed something bring the next comparison forward, so those show at once.
 */
import type { Cluster } from './cluster';
import type { BrokerEvent, PartitionOffsets } from './api';
import { nodeStatuses, type ListenerDirectory } from './cluster-views';
import { OFFSETS_TOPIC } from './coordinator/group/offsets-topic';

interface TopicFingerprint {
  partitions: number;
  /** Leaders, epochs, replicas, ISR and config overrides in one string: any difference is a topicChanged. */
  shape: string;
}

interface GroupFingerprint {
  state: string;
  generation: number;
  members: number;
  /** End of the group's __consumer_offsets partition: moves with every commit. */
  offsetsEnd: number;
}

export class ClusterWatcher {
  private topics = new Map<string, TopicFingerprint>();
  private offsets = new Map<string, string>();
  private groups = new Map<string, GroupFingerprint>();
  private nodes = new Map<number, string>();
  private timer: NodeJS.Timeout | undefined;
  private soonTimer: NodeJS.Immediate | undefined;
  private unsubscribe: (() => void) | undefined;
  private primed = false;

  constructor(
    private readonly cluster: Cluster,
    private readonly server: ListenerDirectory | undefined,
    private readonly emit: (e: BrokerEvent) => void,
    private readonly intervalMs = 250,
  ) {}

  /** Takes the first snapshot (which reports nothing) and starts comparing. */
  start(): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
    this.unsubscribe = this.cluster.on(() => this.soon());
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.soonTimer) clearImmediate(this.soonTimer);
    this.unsubscribe?.();
    this.timer = this.soonTimer = this.unsubscribe = undefined;
  }

  /** Compares once the current burst of changes is over (one turn of the event loop), however many asked. */
  soon(): void {
    if (this.soonTimer || !this.timer) return;
    this.soonTimer = setImmediate(() => {
      this.soonTimer = undefined;
      this.tick();
    });
  }

  /** Compares the cluster with the last snapshot and emits what changed. */
  tick(): void {
    const events: BrokerEvent[] = [];
    this.diffTopics(events);
    this.diffOffsets(events);
    this.diffGroups(events);
    this.diffNodes(events);
    const report = this.primed;
    this.primed = true;
    if (report) for (const e of events) this.emit(e);
  }

  private diffTopics(events: BrokerEvent[]): void {
    const next = new Map<string, TopicFingerprint>();
    for (const t of this.cluster.metadata.topics()) {
      const shape = JSON.stringify([t.topicId, t.configs, t.partitions.map((p) => [p.leader, p.leaderEpoch, p.replicas, p.isr])]);
      const fp = { partitions: t.partitions.length, shape };
      next.set(t.name, fp);
      const before = this.topics.get(t.name);
      if (!before) events.push({ type: 'topicCreated', topic: t.name, partitions: fp.partitions });
      else if (before.shape !== shape) events.push({ type: 'topicChanged', topic: t.name, partitions: fp.partitions });
    }
    for (const name of this.topics.keys()) if (!next.has(name)) events.push({ type: 'topicDeleted', topic: name });
    this.topics = next;
  }

  private diffOffsets(events: BrokerEvent[]): void {
    const next = new Map<string, string>();
    const moved: PartitionOffsets[] = [];
    for (const t of this.cluster.metadata.topics()) {
      for (const p of t.partitions) {
        let o: PartitionOffsets;
        try {
          const log = this.cluster.leaderLog(t.name, p.partition);
          o = { topic: t.name, partition: p.partition, logStartOffset: log.logStartOffset, highWatermark: log.highWatermark, logEndOffset: log.logEndOffset };
        } catch {
          continue; // no live leader: nothing to compare until one is back
        }
        const key = `${t.name}\u0000${p.partition}`;
        const value = `${o.logStartOffset}/${o.highWatermark}/${o.logEndOffset}`;
        next.set(key, value);
        const before = this.offsets.get(key);
        // A new partition is announced by topicCreated/topicChanged; it is reported here once it has data.
        if (before !== undefined ? before !== value : this.primed && o.logEndOffset > 0) moved.push(o);
      }
    }
    this.offsets = next;
    if (moved.length > 0) events.push({ type: 'partitionsAppended', partitions: moved });
  }

  private diffGroups(events: BrokerEvent[]): void {
    const gc = this.cluster.groupCoordinator;
    const next = new Map<string, GroupFingerprint>();
    for (const g of gc.allGroups()) {
      let offsetsEnd = -1;
      try {
        offsetsEnd = this.cluster.leaderLog(OFFSETS_TOPIC, gc.partitionFor(g.groupId)).logEndOffset;
      } catch {
        // __consumer_offsets not created yet, or its leader is down.
      }
      const fp: GroupFingerprint = { state: g.state, generation: g.generationId, members: g.members.size, offsetsEnd };
      next.set(g.groupId, fp);
      const before = this.groups.get(g.groupId);
      if (!before || before.state !== fp.state || before.generation !== fp.generation || before.members !== fp.members || before.offsetsEnd !== fp.offsetsEnd) {
        events.push({ type: 'groupChanged', groupId: g.groupId, state: g.state, generation: g.generationId, members: g.members.size });
      }
    }
    for (const [id, before] of this.groups) {
      if (!next.has(id)) events.push({ type: 'groupChanged', groupId: id, state: null, generation: before.generation, members: 0 });
    }
    this.groups = next;
  }

  private diffNodes(events: BrokerEvent[]): void {
    const next = new Map<number, string>();
    for (const n of nodeStatuses(this.cluster, this.server)) {
      const fp = JSON.stringify(n);
      next.set(n.id, fp);
      if (this.nodes.get(n.id) !== fp) events.push({ type: 'nodeChanged', node: n });
    }
    this.nodes = next;
  }
}
