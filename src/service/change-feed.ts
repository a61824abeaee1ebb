/**
 * Turns the owners' change notifications (logs, the metadata, the group coordinator, the controller's events) into
 * BrokerEvents for the UI, in this one place in the worker.
 *
 * The owners only name what changed (StateChangeListener); the feed keeps the names until it flushes, then reads
 * the current state of those alone and reports what differs from what it last reported. A change after a quiet
 * spell is reported on the next turn of the event loop; while changes keep coming (a producer writing flat out),
 * one flush per `windowMs` carries them all, so the extension host gets a bounded rate of events however busy the
 * broker is. Nothing runs while nothing changes: no timer, no comparison.
 */
import type { Cluster } from '../broker/cluster';
import type { Group } from '../broker/coordinator/group/group-coordinator';
import type { StateChangeListener } from '../broker/cluster-state';
import type { BrokerEvent, PartitionOffsets } from '../broker/api';
import { nodeStatuses, type ListenerDirectory } from '../broker/cluster-views';

interface GroupFingerprint {
  state: string;
  generation: number;
  members: number;
}

const partitionKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

export class ChangeFeed implements StateChangeListener {
  private readonly dirtyPartitions = new Map<string, { topic: string; partition: number }>();
  private readonly dirtyTopics = new Set<string>();
  private readonly dirtyGroups = new Set<string>();
  private dirtyNodes = false;

  /** What was last reported (or found at the start), to report only differences. */
  private readonly topics = new Map<string, string>();
  private readonly offsets = new Map<string, string>();
  private readonly groups = new Map<string, GroupFingerprint>();
  private readonly nodeShapes = new Map<number, string>();

  private scheduled: { immediate: NodeJS.Immediate } | { timeout: NodeJS.Timeout } | undefined;
  private lastFlush = -Infinity;
  private unwatch: (() => void) | undefined;

  constructor(
    private readonly cluster: Cluster,
    private readonly server: ListenerDirectory | undefined,
    private readonly emit: (e: BrokerEvent) => void,
    private readonly windowMs = 10,
  ) {}

  /** Notes the current state (nothing is reported for it) and starts listening. */
  start(): void {
    for (const t of this.cluster.metadata.topics()) {
      this.topics.set(t.name, this.shapeOf(t.name)!);
      for (const p of t.partitions) {
        const o = this.offsetsOf(t.name, p.partition);
        if (o) this.offsets.set(partitionKey(t.name, p.partition), offsetsValue(o));
      }
    }
    for (const g of this.cluster.groupCoordinator.allGroups()) this.groups.set(g.groupId, { state: g.state, generation: generationOf(g), members: g.members.size });
    for (const n of nodeStatuses(this.cluster, this.server)) this.nodeShapes.set(n.id, JSON.stringify(n));
    this.unwatch = this.cluster.watchState(this);
  }

  stop(): void {
    this.unwatch?.();
    this.unwatch = undefined;
    this.cancel();
  }

  partitionOffsets(topic: string, partition: number): void {
    const k = partitionKey(topic, partition);
    if (!this.dirtyPartitions.has(k)) this.dirtyPartitions.set(k, { topic, partition });
    this.schedule();
  }

  topic(name: string): void {
    this.dirtyTopics.add(name);
    // Leader counts per node follow the topics' leaders.
    this.dirtyNodes = true;
    this.schedule();
  }

  group(groupId: string): void {
    this.dirtyGroups.add(groupId);
    this.schedule();
  }

  nodes(): void {
    this.dirtyNodes = true;
    this.schedule();
  }

  /**
   * Reports what changed now, without waiting for the window: a caller that just changed something through the
   * broker API reports it before answering, so that its next call cannot overtake the event.
   */
  flush(): void {
    this.cancel();
    this.lastFlush = performance.now();
    const events: BrokerEvent[] = [];
    this.flushTopics(events);
    this.flushOffsets(events);
    this.flushGroups(events);
    this.flushNodes(events);
    for (const e of events) this.emit(e);
  }

  private schedule(): void {
    if (this.scheduled || !this.unwatch) return;
    const wait = this.lastFlush + this.windowMs - performance.now();
    // After a quiet spell, the next turn of the event loop (the rest of the burst that caused it comes first);
    // while busy, the end of the window.
    this.scheduled = wait <= 0 ? { immediate: setImmediate(() => this.flush()) } : { timeout: setTimeout(() => this.flush(), wait) };
  }

  private cancel(): void {
    // Each kind with its own clear: clearImmediate given a Timeout corrupts Node's queue of immediates.
    const s = this.scheduled;
    if (!s) return;
    if ('immediate' in s) clearImmediate(s.immediate);
    else clearTimeout(s.timeout);
    this.scheduled = undefined;
  }

  private shapeOf(name: string): string | undefined {
    const t = this.cluster.metadata.topic(name);
    // A reassignment's adding and removing replicas included: each of its steps shows as the topic changing.
    return t && JSON.stringify([t.topicId, t.configs, t.partitions.map((p) => [p.leader, p.leaderEpoch, p.replicas, p.isr, p.addingReplicas ?? [], p.removingReplicas ?? []])]);
  }

  private offsetsOf(topic: string, partition: number): PartitionOffsets | undefined {
    try {
      const log = this.cluster.leaderLog(topic, partition);
      return { topic, partition, logStartOffset: log.logStartOffset, highWatermark: log.highWatermark, logEndOffset: log.logEndOffset };
    } catch {
      return undefined; // no live leader: reported once one is back (its election marks the topic)
    }
  }

  private flushTopics(events: BrokerEvent[]): void {
    for (const name of this.dirtyTopics) {
      const shape = this.shapeOf(name);
      const before = this.topics.get(name);
      const t = this.cluster.metadata.topic(name);
      if (shape === undefined || !t) {
        if (before === undefined) continue; // created and deleted between two flushes
        this.topics.delete(name);
        for (const k of [...this.offsets.keys()]) if (k.startsWith(`${name}\u0000`)) this.offsets.delete(k);
        events.push({ type: 'topicDeleted', topic: name });
        continue;
      }
      this.topics.set(name, shape);
      if (before === undefined) events.push({ type: 'topicCreated', topic: name, partitions: t.partitions.length });
      else if (before !== shape) events.push({ type: 'topicChanged', topic: name, partitions: t.partitions.length });
      // A new leader serves other offsets (a truncated tail, a high watermark not yet known).
      for (const p of t.partitions) this.dirtyPartitions.set(partitionKey(name, p.partition), { topic: name, partition: p.partition });
    }
    this.dirtyTopics.clear();
  }

  private flushOffsets(events: BrokerEvent[]): void {
    const moved: PartitionOffsets[] = [];
    for (const [k, { topic, partition }] of this.dirtyPartitions) {
      const o = this.offsetsOf(topic, partition);
      if (!o) continue;
      const value = offsetsValue(o);
      const before = this.offsets.get(k);
      this.offsets.set(k, value);
      // A new partition is announced by topicCreated/topicChanged; it is reported here once it has data.
      if (before !== undefined ? before !== value : o.logEndOffset > 0) moved.push(o);
    }
    this.dirtyPartitions.clear();
    if (moved.length > 0) events.push({ type: 'partitionsAppended', partitions: moved });
  }

  private flushGroups(events: BrokerEvent[]): void {
    const gc = this.cluster.groupCoordinator;
    for (const id of this.dirtyGroups) {
      const g = gc.group(id);
      if (!g) {
        const before = this.groups.get(id);
        if (!before) continue;
        this.groups.delete(id);
        events.push({ type: 'groupChanged', groupId: id, state: null, generation: before.generation, members: 0 });
        continue;
      }
      // Reported even when these figures did not move: the group's committed offsets may have.
      this.groups.set(id, { state: g.state, generation: generationOf(g), members: g.members.size });
      events.push({ type: 'groupChanged', groupId: id, state: g.state, generation: generationOf(g), members: g.members.size });
    }
    this.dirtyGroups.clear();
  }

  private flushNodes(events: BrokerEvent[]): void {
    if (!this.dirtyNodes) return;
    this.dirtyNodes = false;
    for (const n of nodeStatuses(this.cluster, this.server)) {
      const fp = JSON.stringify(n);
      if (this.nodeShapes.get(n.id) === fp) continue;
      this.nodeShapes.set(n.id, fp);
      events.push({ type: 'nodeChanged', node: n });
    }
  }
}

function offsetsValue(o: PartitionOffsets): string {
  return `${o.logStartOffset}/${o.highWatermark}/${o.logEndOffset}`;
}

/** A classic group's generation, a consumer protocol group's epoch. */
function generationOf(g: Group): number {
  return g.type === 'classic' ? g.generationId : g.groupEpoch;
}
