/**
 * One follower node's fetcher (Kafka's ReplicaFetcherThread, one per node here): it fetches every partition the
 * node follows from that partition's leader, appends what it gets, learns the high watermark and log start offset,
 * and, after a leader change, first truncates a divergent tail by leader epoch (KIP-101/279) before fetching again.
 * Idle, it sleeps until a leader appends or replica.fetch.wait.max.ms passes.
 */
import type { ClusterState } from '../cluster-state';
import { FETCHERS_KEY, type DelayedFetchPurgatory } from './delayed-fetch';
import type { Faults } from './faults';
import type { Log } from '../storage/log';
import { KafkaError } from '../errors';
import { systemClock, sleep, type Clock } from '../clock';

const FETCH_MAX_BYTES = 1 << 20;
const IDLE_WAIT_MS = 500;

export interface FollowerFetchResult {
  records: Buffer;
  highWatermark: number;
  logStartOffset: number;
  leaderEpoch: number;
}

/** What a follower's fetcher asks of its leaders' side (the replica manager). */
interface LeaderReplicas {
  readonly faults: Faults;
  /** "node:topic-partition" of follower replicas that must reconcile with their (new) leader before fetching. */
  readonly needsTruncation: Set<string>;
  fetchForFollower(followerId: number, topic: string, partition: number, fetchOffset: number, maxBytes: number): FollowerFetchResult;
}

export class ReplicaFetcher {
  private running = false;
  private stopSignal!: () => void;
  private readonly stopped = new Promise<void>((r) => (this.stopSignal = r));

  constructor(
    private readonly cluster: ClusterState,
    private readonly rm: LeaderReplicas,
    private readonly purgatory: DelayedFetchPurgatory,
    readonly nodeId: number,
    private readonly clock: Clock = systemClock,
  ) {}

  start(): void {
    this.running = true;
    void this.loop();
  }

  stop(): void {
    this.running = false;
    this.stopSignal();
  }

  private async loop(): Promise<void> {
    while (this.running) {
      try {
        const faults = this.rm.faults;
        if (faults.isPaused(this.nodeId)) {
          await sleep(this.clock, 100, this.stopped);
          continue;
        }
        const delay = faults.delayOf(this.nodeId);
        if (delay > 0) await sleep(this.clock, delay, this.stopped);
        if (!this.running) break;
        const { fetched, keys } = this.fetchRound();
        if (fetched) await new Promise((r) => setImmediate(r));
        // Also woken when the topics change: a new topic's partitions are not among the keys of the last round.
        else await this.purgatory.waitForAppend([...keys, FETCHERS_KEY], IDLE_WAIT_MS, this.stopped);
      } catch (e) {
        this.cluster.logger.error(`node ${this.nodeId} fetcher: ${(e as Error).stack ?? e}`);
        await sleep(this.clock, 200, this.stopped);
      }
    }
  }

  /** One pass over every followed partition; true when any data arrived. */
  private fetchRound(): { fetched: boolean; keys: string[] } {
    let fetched = false;
    const keys: string[] = [];
    if (!this.cluster.isNodeUp(this.nodeId)) return { fetched, keys };
    const lm = this.cluster.node(this.nodeId).logManager;
    for (const t of this.cluster.metadata.topics()) {
      for (const p of t.partitions) {
        if (!p.replicas.includes(this.nodeId) || p.leader === this.nodeId || p.leader < 0) continue;
        if (!this.cluster.isNodeUp(p.leader) || this.rm.faults.isCut(this.nodeId, p.leader)) continue;
        const k = `${t.name}-${p.partition}`;
        keys.push(k);
        const log = lm.getOrCreateLog({ topic: t.name, partition: p.partition }, t.topicId);
        const leaderLog = this.cluster.leaderLog(t.name, p.partition);
        if (this.rm.needsTruncation.delete(`${this.nodeId}:${k}`)) this.reconcile(log, leaderLog);
        try {
          const res = this.rm.fetchForFollower(this.nodeId, t.name, p.partition, log.logEndOffset, FETCH_MAX_BYTES);
          if (res.records.length > 0) {
            log.appendAsFollower(res.records);
            fetched = true;
          }
          if (res.logStartOffset > log.logStartOffset && res.logStartOffset <= log.logEndOffset) {
            log.updateHighWatermark(Math.max(log.highWatermark, res.logStartOffset));
            log.deleteRecordsBefore(res.logStartOffset);
          }
          const hw = log.highWatermark;
          log.updateHighWatermark(Math.min(res.highWatermark, log.logEndOffset));
          // Consumers fetching from this follower (KIP-392) wait for its high watermark to move.
          if (log.highWatermark !== hw) this.purgatory.notifyPartition(k);
        } catch (e) {
          if (e instanceof KafkaError && e.errorName === 'OFFSET_OUT_OF_RANGE') this.handleOutOfRange(log, leaderLog);
          else throw e;
        }
      }
    }
    return { fetched, keys };
  }

  /** Truncates what the follower has beyond where its history and the leader's agree. */
  private reconcile(log: Log, leaderLog: Log): void {
    const ours = log.leaderEpochCache.latestEpoch;
    let target: number;
    if (ours === undefined) {
      target = Math.min(log.logEndOffset, leaderLog.logEndOffset);
    } else {
      const theirs = leaderLog.leaderEpochCache.endOffsetFor(ours, leaderLog.logEndOffset);
      if (theirs.epoch < 0) target = Math.min(log.highWatermark, leaderLog.logEndOffset);
      else {
        const oursEnd = theirs.epoch === ours ? log.logEndOffset : log.leaderEpochCache.endOffsetFor(theirs.epoch, log.logEndOffset).endOffset;
        target = Math.min(theirs.endOffset, oursEnd, log.logEndOffset);
      }
    }
    if (target < log.logEndOffset) {
      this.cluster.logger.info(`node ${this.nodeId}: ${log.name} diverged from the leader's log at ${target}; truncating ${log.logEndOffset - target} offsets`);
      log.truncateTo(target);
    }
    this.handleOutOfRange(log, leaderLog);
  }

  private handleOutOfRange(log: Log, leaderLog: Log): void {
    if (log.logEndOffset < leaderLog.logStartOffset) {
      this.cluster.logger.info(`node ${this.nodeId}: ${log.name} is behind the leader's log start ${leaderLog.logStartOffset}; starting over there`);
      log.truncateFullyAndStartAt(leaderLog.logStartOffset);
    } else if (log.logEndOffset > leaderLog.logEndOffset) {
      log.truncateTo(leaderLog.logEndOffset);
    }
  }
}
