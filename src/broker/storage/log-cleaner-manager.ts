/**
 * Which compacted log to clean next and how far it is clean (Kafka's LogCleanerManager): the
 * cleaner-offset-checkpoint file (log → first dirty offset), the cleanable range and dirty ratio of each log, and the
 * logs whose cleaning failed (skipped until removed or restarted).
 */
import * as path from 'node:path';
import { Logger } from '../logger';
import { CheckpointFile, offsetCheckpointFormat, TopicPartitionOffset } from './checkpoint-file';
import type { Log } from './log';
import type { LogSegment } from './log-segment';
import { TopicPartition, tpKey } from './log-files';
import { segmentsInRange } from './log-segments';

export const CLEANER_OFFSET_CHECKPOINT = 'cleaner-offset-checkpoint';

/** A compacted log with its cleanable range and dirtiness (Kafka's LogToClean). */
export interface LogToClean {
  log: Log;
  firstDirtyOffset: number;
  /** Base offset of the first segment that cannot be cleaned now: the cleanable range ends here. */
  firstUncleanableOffset: number;
  /** Bytes of the segments before the first dirty offset. */
  cleanBytes: number;
  /** Bytes of the segments from the first dirty offset to the first uncleanable segment. */
  cleanableBytes: number;
  totalBytes: number;
  /** cleanableBytes / totalBytes, compared with min.cleanable.dirty.ratio. */
  cleanableRatio: number;
  /** A dirty record is older than max.compaction.lag.ms. */
  needCompactionNow: boolean;
  /** The checkpoint was invalid (below the log start or past the log end) and was reset to the log start. */
  forceUpdateCheckpoint: boolean;
}

export class LogCleanerManager {
  private readonly checkpointFile: CheckpointFile<TopicPartitionOffset>;
  private readonly checkpoints = new Map<string, TopicPartitionOffset>();
  /** Logs whose cleaning failed unexpectedly: skipped until removeLog() or a restart (Kafka's uncleanable partitions). */
  private readonly uncleanable = new Set<string>();
  /** cleanableRatio of the dirtiest compacted log at the last selection (Kafka's max-dirty-percent / 100). */
  dirtiestLogCleanableRatio = 0;

  constructor(
    logDir: string,
    private readonly logger: Logger,
  ) {
    this.checkpointFile = new CheckpointFile(path.join(logDir, CLEANER_OFFSET_CHECKPOINT), offsetCheckpointFormat);
    try {
      for (const e of this.checkpointFile.read()) this.checkpoints.set(tpKey(e), e);
    } catch (e) {
      // Losing the checkpoint only means cleaning from the log start again: safe, so it does not stop the broker.
      this.logger.warn(`ignoring ${this.checkpointFile.file}: ${(e as Error).message}; every compacted log is dirty from its start`);
    }
  }

  get checkpointPath(): string {
    return this.checkpointFile.file;
  }

  /** The checkpointed first dirty offset of `tp`, if any. */
  lastCleanOffset(tp: TopicPartition): number | undefined {
    return this.checkpoints.get(tpKey(tp))?.offset;
  }

  /** Every checkpoint entry, keyed "topic-partition". */
  allCleanerCheckpoints(): Map<string, number> {
    return new Map([...this.checkpoints].map(([k, e]) => [k, e.offset]));
  }

  /** Forgets a deleted (or moved) log: its checkpoint entry goes and it may be cleaned again if recreated. */
  removeLog(tp: TopicPartition): void {
    const key = tpKey(tp);
    this.uncleanable.delete(key);
    if (this.checkpoints.delete(key)) this.writeCheckpoints();
  }

  /** After a truncation to `offset`: a checkpoint past it would skip data that is no longer clean. */
  maybeTruncateCheckpoint(tp: TopicPartition, offset: number): void {
    const e = this.checkpoints.get(tpKey(tp));
    if (e && e.offset > offset) {
      e.offset = offset;
      this.writeCheckpoints();
    }
  }

  isUncleanable(tp: TopicPartition): boolean {
    return this.uncleanable.has(tpKey(tp));
  }

  updateCheckpoint(tp: TopicPartition, offset: number): void {
    this.checkpoints.set(tpKey(tp), { topic: tp.topic, partition: tp.partition, offset });
    this.writeCheckpoints();
  }

  private writeCheckpoints(): void {
    const entries = [...this.checkpoints.values()].sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
    this.checkpointFile.write(entries);
  }

  /**
   * The cleanable range of a compacted log and how dirty it is. An invalid checkpoint (below the log start, e.g.
   * after retention of a compact,delete log, or past the log end) is reset to the log start and rewritten.
   */
  logToClean(log: Log, now: number): LogToClean {
    const segments = log.logSegments;
    const active = log.activeSegment;
    const logStart = log.logStartOffset;
    const checkpointed = this.lastCleanOffset(log.tp) ?? logStart;
    let firstDirtyOffset = checkpointed;
    let forceUpdateCheckpoint = false;
    if (checkpointed < logStart || checkpointed > log.logEndOffset) {
      if (!(log.config.cleanupPolicy.delete && checkpointed < logStart)) {
        this.logger.warn(`${log.name}: resetting the first dirty offset to the log start offset ${logStart}: the checkpointed offset ${checkpointed} is invalid`);
      }
      firstDirtyOffset = logStart;
      forceUpdateCheckpoint = true;
    }

    // The first offset that cannot be cleaned: the high watermark (Kafka: last stable offset), the active segment,
    // and the first segment that holds a record younger than min.compaction.lag.ms.
    let uncleanable = Math.min(log.highWatermark, active.baseOffset);
    const minLag = Math.max(log.config.minCompactionLagMs, 0);
    if (minLag > 0) {
      for (const seg of segmentsInRange(segments, firstDirtyOffset, active.baseOffset)) {
        if (seg.largestTimestamp > now - minLag) {
          uncleanable = Math.min(uncleanable, seg.baseOffset);
          break;
        }
      }
    }
    uncleanable = Math.max(firstDirtyOffset, uncleanable);

    // Aligned down to a segment boundary: only whole segments are cleaned.
    const nonActive = segmentsInRange(segments, uncleanable, active.baseOffset);
    const firstUncleanableOffset = (nonActive[0] ?? active).baseOffset;
    const cleanableBytes = sizeOf(segmentsInRange(segments, Math.min(firstDirtyOffset, firstUncleanableOffset), firstUncleanableOffset));
    const cleanBytes = sizeOf(segmentsInRange(segments, -1, firstDirtyOffset));
    const totalBytes = cleanBytes + cleanableBytes;
    return {
      log,
      firstDirtyOffset,
      firstUncleanableOffset,
      cleanBytes,
      cleanableBytes,
      totalBytes,
      cleanableRatio: totalBytes > 0 ? cleanableBytes / totalBytes : 0,
      needCompactionNow: maxCompactionDelay(log, firstDirtyOffset, now) > 0,
      forceUpdateCheckpoint,
    };
  }

  /**
   * The compacted log most in need of cleaning, as Kafka picks it: among the logs whose dirty ratio is above
   * min.cleanable.dirty.ratio (strictly, as in Kafka) or which hold a dirty record older than max.compaction.lag.ms,
   * the one with the highest ratio.
   */
  grabFilthiestLog(logs: Iterable<Log>, now: number, skip: ReadonlySet<string> = new Set()): LogToClean | undefined {
    let best: LogToClean | undefined;
    let dirtiest = 0;
    for (const log of logs) {
      if (!log.config.cleanupPolicy.compact) continue;
      const key = tpKey(log.tp);
      if (this.uncleanable.has(key) || skip.has(key)) continue;
      let ltc: LogToClean;
      try {
        ltc = this.logToClean(log, now);
        if (ltc.forceUpdateCheckpoint) this.updateCheckpoint(log.tp, ltc.firstDirtyOffset);
      } catch (e) {
        this.markUncleanable(log, e);
        continue;
      }
      if (ltc.totalBytes <= 0) continue;
      dirtiest = Math.max(dirtiest, ltc.cleanableRatio);
      const cleanable = (ltc.needCompactionNow && ltc.cleanableBytes > 0) || ltc.cleanableRatio > log.config.minCleanableDirtyRatio;
      if (cleanable && (!best || ltc.cleanableRatio > best.cleanableRatio)) best = ltc;
    }
    this.dirtiestLogCleanableRatio = dirtiest;
    return best;
  }

  /** Kafka's markPartitionUncleanable. */
  markUncleanable(log: Log, e: unknown): void {
    this.uncleanable.add(tpKey(log.tp));
    this.logger.error(`${log.name}: log cleaning failed, marking the partition uncleanable: ${(e as Error).stack ?? e}`);
  }

  /** Checkpoint entries of logs that no longer exist go (Kafka drops them when it writes the checkpoint). */
  pruneCheckpoints(logs: readonly Log[]): void {
    const live = new Set(logs.map((l) => tpKey(l.tp)));
    let changed = false;
    for (const key of [...this.checkpoints.keys()]) {
      if (!live.has(key)) {
        this.checkpoints.delete(key);
        changed = true;
      }
    }
    if (changed) this.writeCheckpoints();
  }
}

/** How long past max.compaction.lag.ms the oldest dirty record is (0: not overdue). Kafka's maxCompactionDelay. */
function maxCompactionDelay(log: Log, firstDirtyOffset: number, now: number): number {
  const cleanUntil = now - Math.max(log.config.maxCompactionLagMs, 0);
  if (cleanUntil <= 0) return 0; // the default (Long.MAX_VALUE): no record is ever overdue
  let earliest = Infinity;
  for (const seg of segmentsInRange(log.logSegments, firstDirtyOffset, log.activeSegment.baseOffset)) {
    const ts = firstBatchTimestamp(seg);
    if (ts > 0 && ts < earliest) earliest = ts;
  }
  return earliest < cleanUntil ? cleanUntil - earliest : 0;
}

/** The max timestamp of the segment's first batch, or -1 (Kafka's getFirstBatchTimestamp). */
function firstBatchTimestamp(seg: LogSegment): number {
  let ts = -1;
  seg.scanBatches(0, (b) => {
    ts = b.header.maxTimestamp;
    return false;
  });
  return ts;
}

function sizeOf(segments: readonly LogSegment[]): number {
  let n = 0;
  for (const s of segments) n += s.size;
  return n;
}
