/**
 * Kafka's ReplicaManager and Partition, for the virtual nodes of one process: leader appends with acks 0, 1 and
 * all (min.insync.replicas), follower LEO tracking from their fetches, the high watermark as the smallest LEO in
 * the ISR, ISR shrink (replica.lag.time.max.ms) and expand (caught up to the high watermark), and delayed produce
 * requests completed when the high watermark passes them.
 */
import type { ClusterState } from '../cluster-state';
import type { DelayedFetchPurgatory } from './delayed-fetch';
import { KafkaError } from '../errors';
import { systemClock, type Clock, type Timer } from '../clock';
import type { LogAppendInfo } from '../storage/log';
import { ReplicaFetcher, type FollowerFetchResult } from './replica-fetcher';
import { Faults } from './faults';
import { replicaSelectorFor, type ReplicaView } from './replica-selector';

interface FollowerState {
  /** The offset of the follower's last fetch: everything below it is on the follower. */
  leo: number;
  lastCaughtUpTimeMs: number;
  lastFetchTimeMs: number;
  /** Leader LEO when that last fetch arrived (Kafka's lastFetchLeaderLogEndOffset). */
  lastFetchLeaderLeo: number;
}

interface DelayedProduce {
  requiredOffset: number;
  resolve: () => void;
  reject: (e: Error) => void;
  timer: Timer;
}


/** Who writes: a client (checked as Kafka checks a Produce), or a coordinator (transaction markers, its own records). */
export type AppendOrigin = 'client' | 'coordinator';

const key = (topic: string, partition: number) => `${topic}-${partition}`;
const EMPTY = Buffer.alloc(0);

/** Where the replica manager takes its ISR changes: the controller decides them. */
interface IsrChanger {
  setIsr(topic: string, partition: number, isr: number[], reason: string): void;
}

export class ReplicaManager {
  private readonly followers = new Map<string, Map<number, FollowerState>>();
  private readonly delayed = new Map<string, DelayedProduce[]>();
  private readonly fetchers = new Map<number, ReplicaFetcher>();
  /** "node:topic-partition" of follower replicas that must reconcile with their (new) leader before fetching. */
  readonly needsTruncation = new Set<string>();
  readonly faults = new Faults();
  private isrTimer?: Timer;

  constructor(
    private readonly cluster: ClusterState,
    private readonly controller: IsrChanger,
    private readonly purgatory: DelayedFetchPurgatory,
    private readonly clock: Clock = systemClock,
  ) {}

  private now(): number {
    return this.clock.now();
  }

  start(): void {
    for (const n of this.cluster.nodes) if (n.up) this.startFetcher(n.id);
    // As Kafka's makeLeader: each leader raises its high watermark as far as its ISR allows. A partition whose ISR is
    // the leader alone (replication factor 1) shows every record on its disk again; with followers the high
    // watermark comes back from the checkpoint and moves once they fetch.
    for (const t of this.cluster.metadata.topics()) for (const p of t.partitions) this.maybeIncrementHighWatermark(t.name, p.partition);
    const lag = this.cluster.brokerConfig.get<number>('replica.lag.time.max.ms');
    this.isrTimer = this.clock.setInterval(() => this.maybeShrinkIsr(), Math.max(50, Math.floor(lag / 2)));
  }

  shutdown(): void {
    this.clock.clearTimeout(this.isrTimer);
    for (const f of this.fetchers.values()) f.stop();
    this.fetchers.clear();
    for (const list of this.delayed.values()) for (const d of list) {
      this.clock.clearTimeout(d.timer);
      d.reject(new KafkaError('NOT_LEADER_OR_FOLLOWER', 'the broker is shutting down'));
    }
    this.delayed.clear();
  }

  startFetcher(nodeId: number): void {
    if (this.fetchers.has(nodeId)) return;
    const f = new ReplicaFetcher(this.cluster, this, this.purgatory, nodeId, this.clock);
    this.fetchers.set(nodeId, f);
    f.start();
  }

  stopFetcher(nodeId: number): void {
    this.fetchers.get(nodeId)?.stop();
    this.fetchers.delete(nodeId);
  }

  /**
   * The leader's append. acks=all first requires min.insync.replicas in the ISR (NOT_ENOUGH_REPLICAS), then waits
   * until the high watermark covers the records (REQUEST_TIMED_OUT after `timeoutMs`); if the ISR shrank below the
   * minimum meanwhile the answer is NOT_ENOUGH_REPLICAS_AFTER_APPEND, as in Kafka.
   */
  async appendRecords(topic: string, partition: number, records: Buffer, acks: number, timeoutMs: number, origin: AppendOrigin = 'client'): Promise<LogAppendInfo> {
    const state = this.cluster.partitionState(topic, partition);
    const minIsr = this.cluster.logConfig(topic, state.leader).minInsyncReplicas;
    if (acks === -1 && state.isr.length < minIsr) {
      throw new KafkaError('NOT_ENOUGH_REPLICAS', `The size of the current ISR ${JSON.stringify(state.isr)} is insufficient to satisfy the min.isr requirement of ${minIsr} for partition ${topic}-${partition}`);
    }
    const info = this.appendLocal(topic, partition, records, origin);
    // A duplicate (an idempotent producer's retry) is answered with the first attempt's offsets, and like any other
    // acks=all append only once the ISR has them: the first attempt may have reached this replica but not the rest
    // of the ISR (it was sent to a leader that died before the high watermark covered it). Kafka waits the same way.
    if (acks !== -1) return info;
    const log = this.cluster.leaderLog(topic, partition);
    const required = info.lastOffset + 1;
    if (log.highWatermark < required) {
      await new Promise<void>((resolve, reject) => {
        const d: DelayedProduce = {
          requiredOffset: required,
          resolve,
          reject,
          timer: this.clock.setTimeout(() => {
            this.removeDelayed(key(topic, partition), d);
            reject(new KafkaError('REQUEST_TIMED_OUT', `${topic}-${partition}: the in-sync replicas did not acknowledge offset ${info.lastOffset} within ${timeoutMs} ms`));
          }, timeoutMs),
        };
        const k = key(topic, partition);
        if (!this.delayed.has(k)) this.delayed.set(k, []);
        this.delayed.get(k)!.push(d);
      });
    }
    if (this.cluster.partitionState(topic, partition).isr.length < minIsr) {
      throw new KafkaError('NOT_ENOUGH_REPLICAS_AFTER_APPEND', `${topic}-${partition}: the ISR shrank below min.insync.replicas ${minIsr} after the append`);
    }
    return info;
  }

  /** Appends on the leader and moves the high watermark as far as the ISR allows (all the way with one replica). */
  appendLocal(topic: string, partition: number, records: Buffer, origin: AppendOrigin = 'client'): LogAppendInfo {
    const state = this.cluster.partitionState(topic, partition);
    const log = this.cluster.leaderLog(topic, partition);
    const info = log.appendAsLeader(records, state.leaderEpoch, { fromClient: origin === 'client' });
    this.maybeIncrementHighWatermark(topic, partition);
    this.purgatory.notifyPartition(key(topic, partition));
    return info;
  }

  private removeDelayed(k: string, d: DelayedProduce): void {
    const list = this.delayed.get(k);
    if (!list) return;
    const i = list.indexOf(d);
    if (i >= 0) list.splice(i, 1);
  }

  private follower(topic: string, partition: number, nodeId: number): FollowerState {
    const k = key(topic, partition);
    let m = this.followers.get(k);
    if (!m) this.followers.set(k, (m = new Map()));
    let s = m.get(nodeId);
    if (!s) {
      // A replica newly followed counts as caught up now (Kafka resets this when a leader takes over).
      const now = this.now();
      m.set(nodeId, (s = { leo: 0, lastCaughtUpTimeMs: now, lastFetchTimeMs: now, lastFetchLeaderLeo: 0 }));
    }
    return s;
  }

  /** Follower LEOs as the leader knows them (for the UI's replication view). */
  followerStates(topic: string, partition: number): Array<{ nodeId: number; logEndOffset: number; lastCaughtUpTimeMs: number }> {
    return [...(this.followers.get(key(topic, partition)) ?? new Map<number, FollowerState>()).entries()].map(([nodeId, s]) => ({ nodeId, logEndOffset: s.leo, lastCaughtUpTimeMs: s.lastCaughtUpTimeMs }));
  }

  /** The leader's side of a follower fetch (Fetch with a replica id): records from `fetchOffset`, HW and log start. */
  fetchForFollower(followerId: number, topic: string, partition: number, fetchOffset: number, maxBytes: number): FollowerFetchResult {
    const state = this.cluster.partitionState(topic, partition);
    const log = this.cluster.leaderLog(topic, partition);
    const now = this.now();
    const f = this.follower(topic, partition, followerId);
    const leaderLeo = log.logEndOffset;
    if (fetchOffset >= leaderLeo) f.lastCaughtUpTimeMs = now;
    else if (fetchOffset >= f.lastFetchLeaderLeo) f.lastCaughtUpTimeMs = Math.max(f.lastCaughtUpTimeMs, f.lastFetchTimeMs);
    f.leo = fetchOffset;
    f.lastFetchTimeMs = now;
    f.lastFetchLeaderLeo = leaderLeo;
    this.maybeExpandIsr(topic, partition, followerId);
    this.maybeIncrementHighWatermark(topic, partition);
    // A caught-up follower's fetch only reports its position: no read (most rounds, for most partitions).
    const records = fetchOffset === log.logEndOffset ? EMPTY : log.read(fetchOffset, maxBytes, 'logEnd', true).records;
    return { records, highWatermark: log.highWatermark, logStartOffset: log.logStartOffset, leaderEpoch: state.leaderEpoch };
  }

  /**
   * Kafka's findPreferredReadReplica, on the leader for a consumer that names its rack (Fetch v11+): the replica the
   * configured replica.selector.class picks among the leader and the in-sync followers that hold `fetchOffset`, or
   * undefined when that is the leader itself (or no selector is configured) and the leader should answer.
   */
  preferredReadReplica(topic: string, partition: number, clientRack: string, fetchOffset: number): number | undefined {
    const state = this.cluster.partitionState(topic, partition);
    const selector = replicaSelectorFor(this.cluster.brokerConfig.get<string>('replica.selector.class', state.leader));
    if (!selector) return undefined;
    const now = this.now();
    const leaderLog = this.cluster.leaderLog(topic, partition);
    const leader: ReplicaView = { nodeId: state.leader, rack: this.cluster.rackOf(state.leader), logEndOffset: leaderLog.logEndOffset, timeSinceLastCaughtUpMs: 0 };
    const replicas: ReplicaView[] = [leader];
    for (const id of state.isr) {
      if (id === state.leader || !this.cluster.isNodeUp(id)) continue;
      // Followers outside the ISR may lag without bound; a follower without the offset would answer out of range.
      const f = this.follower(topic, partition, id);
      const logStart = this.cluster.node(id).logManager.getLog({ topic, partition })?.logStartOffset;
      if (logStart === undefined || f.leo < fetchOffset || logStart > fetchOffset) continue;
      replicas.push({ nodeId: id, rack: this.cluster.rackOf(id), logEndOffset: f.leo, timeSinceLastCaughtUpMs: now - f.lastCaughtUpTimeMs });
    }
    const chosen = selector(clientRack, leader, replicas);
    return chosen.nodeId === leader.nodeId ? undefined : chosen.nodeId;
  }

  private maybeExpandIsr(topic: string, partition: number, followerId: number): void {
    const state = this.cluster.partitionState(topic, partition);
    if (state.isr.includes(followerId) || !state.replicas.includes(followerId)) return;
    const log = this.cluster.leaderLog(topic, partition);
    const f = this.follower(topic, partition, followerId);
    const epochStart = log.leaderEpochCache.all().find((e) => e.epoch === state.leaderEpoch)?.startOffset ?? 0;
    // Kafka's rule: caught up to the high watermark and past the start of the current leader epoch.
    if (f.leo >= log.highWatermark && f.leo >= epochStart) {
      this.controller.setIsr(topic, partition, [...state.isr, followerId], `node ${followerId} caught up to the high watermark ${log.highWatermark}`);
    }
  }

  /** Removes followers that have not caught up within replica.lag.time.max.ms. */
  maybeShrinkIsr(): void {
    const lag = this.cluster.brokerConfig.get<number>('replica.lag.time.max.ms');
    const now = this.now();
    this.cluster.metadata.batch(() => {
      for (const t of this.cluster.metadata.topics()) {
        for (const p of t.partitions) {
          if (p.leader < 0 || !this.cluster.isNodeUp(p.leader) || p.isr.length <= 1) continue;
          const out = p.isr.filter((r) => r !== p.leader && now - this.follower(t.name, p.partition, r).lastCaughtUpTimeMs > lag);
          if (out.length === 0) continue;
          this.controller.setIsr(t.name, p.partition, p.isr.filter((r) => !out.includes(r)), `node(s) ${out.join(', ')} fell more than replica.lag.time.max.ms ${lag} behind`);
          this.maybeIncrementHighWatermark(t.name, p.partition);
        }
      }
    });
  }

  /** HW = the smallest LEO in the ISR; it only moves forward. Completes the acks=all requests it covers. */
  maybeIncrementHighWatermark(topic: string, partition: number): void {
    const state = this.cluster.partitionState(topic, partition);
    if (state.leader < 0 || !this.cluster.isNodeUp(state.leader)) return;
    const log = this.cluster.leaderLog(topic, partition);
    let hw = log.logEndOffset;
    for (const r of state.isr) {
      if (r === state.leader) continue;
      hw = Math.min(hw, this.follower(topic, partition, r).leo);
    }
    if (hw > log.highWatermark) {
      log.updateHighWatermark(hw);
      this.purgatory.notifyPartition(key(topic, partition));
    }
    this.completeDelayed(topic, partition, log.highWatermark);
  }

  private completeDelayed(topic: string, partition: number, hw: number): void {
    const k = key(topic, partition);
    const list = this.delayed.get(k);
    if (!list || list.length === 0) return;
    const done = list.filter((d) => d.requiredOffset <= hw);
    if (done.length === 0) return;
    this.delayed.set(k, list.filter((d) => d.requiredOffset > hw));
    for (const d of done) {
      this.clock.clearTimeout(d.timer);
      d.resolve();
    }
  }

  /**
   * Leadership of a partition changed: requests waiting on the old leader fail with NOT_LEADER_OR_FOLLOWER,
   * the new leader records the epoch start and tracks its followers afresh, and every follower reconciles its log
   * with the new leader (OffsetForLeaderEpoch) before fetching again.
   */
  onLeadershipChange(topic: string, partition: number): void {
    const k = key(topic, partition);
    for (const d of this.delayed.get(k) ?? []) {
      this.clock.clearTimeout(d.timer);
      d.reject(new KafkaError('NOT_LEADER_OR_FOLLOWER', `leadership of ${k} moved`));
    }
    this.delayed.delete(k);
    this.followers.delete(k);
    const state = this.cluster.partitionState(topic, partition);
    if (state.leader >= 0 && this.cluster.isNodeUp(state.leader)) {
      const log = this.cluster.node(state.leader).logManager.getLog({ topic, partition });
      if (log) log.leaderEpochCache.assign(state.leaderEpoch, log.logEndOffset);
    }
    for (const r of state.replicas) if (r !== state.leader) this.needsTruncation.add(`${r}:${k}`);
    this.maybeIncrementHighWatermark(topic, partition);
    this.purgatory.notifyPartition(k);
  }

  /**
   * The replica set or the leader epoch changed under the same leader (a reassignment completed or was cancelled):
   * replicas that left are no longer tracked, a new epoch starts at the leader's log end (as Kafka's makeLeader does
   * again for a leader that stays), and a smaller ISR may let the high watermark move. Produces waiting for the ISR
   * keep waiting: the leader did not change.
   */
  onReplicasChanged(topic: string, partition: number): void {
    const k = key(topic, partition);
    const state = this.cluster.partitionState(topic, partition);
    const tracked = this.followers.get(k);
    if (tracked) for (const id of [...tracked.keys()]) if (!state.replicas.includes(id)) tracked.delete(id);
    if (state.leader >= 0 && this.cluster.isNodeUp(state.leader)) {
      const log = this.cluster.node(state.leader).logManager.getLog({ topic, partition });
      if (log) log.leaderEpochCache.assign(state.leaderEpoch, log.logEndOffset);
    }
    this.maybeIncrementHighWatermark(topic, partition);
    this.purgatory.notifyPartition(k);
  }

  /**
   * The partition is gone (its topic was deleted): produces waiting for its ISR are answered now, as Kafka completes
   * them when it stops the replica, instead of holding the producer until its request times out; long polls on it
   * wake up and find it gone.
   */
  forgetPartition(topic: string, partition: number): void {
    const k = key(topic, partition);
    this.followers.delete(k);
    for (const d of this.delayed.get(k) ?? []) {
      this.clock.clearTimeout(d.timer);
      d.reject(new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `${k} was deleted before the in-sync replicas acknowledged the records`));
    }
    this.delayed.delete(k);
    this.purgatory.notifyPartition(k);
  }
}
