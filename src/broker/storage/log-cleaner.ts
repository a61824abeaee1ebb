/**
 * Log compaction (cleanup.policy=compact, alone or with delete): Kafka's LogCleaner, LogCleanerManager and Cleaner.
 *
 * A compacted log is split by the cleaner-offset-checkpoint into a clean head (already compacted) and a dirty
 * tail. A round of cleaning:
 *  1. finds the cleanable range [first dirty offset, first uncleanable offset): never the active segment, never
 *     past the high watermark (Kafka: the last stable offset), never a segment whose newest record is younger than
 *     min.compaction.lag.ms; the end is always a segment boundary;
 *  2. reads the dirty range into a key → latest offset map (which may fill up: the round then stops early and the
 *     rest stays dirty for the next round);
 *  3. rewrites every segment from the start of the log up to where the map ends, in groups whose total size fits
 *     segment.bytes (and the indexes segment.index.bytes), each group into one `.cleaned` segment that replaces the
 *     group through Log.replaceSegments (.cleaned → .swap → live, crash-safe with Log.load completing swaps);
 *  4. writes the new first dirty offset to cleaner-offset-checkpoint.
 *
 * What a rewrite keeps, as Kafka's Cleaner does:
 *  - a record whose offset is the latest for its key (or that lies past the map, i.e. is newer than the dirty
 *    range that was mapped); records without a key are dropped (a compacted topic never accepts them);
 *  - every record keeps its offset: a batch keeps its baseOffset and lastOffsetDelta, so batches get gaps; and its
 *    producer id/epoch, base sequence, transactional/control flags, codec, timestamp type, timestamps and leader
 *    epoch. A batch whose records all survive is copied byte for byte;
 *  - tombstones (null value) by the KIP-534 rule: the first clean that keeps a tombstone stamps its batch with a
 *    delete horizon (baseTimestamp = now + delete.retention.ms, attribute bit 6); a clean at or after the horizon
 *    drops it. Legacy (magic < 2) batches do not exist in Tributary, so the older "segment mtime" rule is not needed;
 *  - control batches (transaction markers): kept while any batch of their transaction is still in the log; once
 *    none is, the marker gets a delete horizon like a tombstone and goes after it;
 *  - empty batches: a batch whose records are all gone is removed, except (Kafka's BatchRetention.RETAIN_EMPTY)
 *    the last batch of each active producer (it carries the producer's last sequence and epoch, which idempotence
 *    and fencing need after a restart) and the batch that ends the cleaned range (so the last offset stays known).
 *    Those stay as a 61-byte header with recordCount 0 and their original offsets;
 *  - aborted transactional data (known from the .txnindex files): left out of the key map, so that it never
 *    supersedes a committed value, and removed; its ABORT marker then goes after its delete horizon like any other.
 *    The cleaned segment keeps the .txnindex entries of the segments it replaces.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  BatchHeader,
  DELETE_HORIZON_FLAG_MASK,
  COMPRESSION_CODEC_MASK,
  LOG_OVERHEAD,
  RECORD_BATCH_OVERHEAD,
  readBatchHeader,
  isControl,
  isTransactional,
  isLogAppendTime,
  lastOffsetOf,
  nextOffsetOf,
} from '../records/batch-header';
import { iterateBatches } from '../records/batch-iterator';
import { CompressionType } from '../records/compression';
import { ControlRecordType, decodeControlRecordType } from '../records/control-record';
import { decodeRecords, encodeRecordBatch } from '../records/record-batch';
import { Record } from '../records/record';
import { LogConfig } from '../config/topic-config';
import { Logger, silentLogger } from '../logger';
import { io, readAt, KafkaStorageError } from './file-io';
import { Log } from './log';
import { LogSegment, BatchPosition, SegmentConfig } from './log-segment';
import { CheckpointFile, offsetCheckpointFormat, TopicPartitionOffset } from './checkpoint-file';
import { TopicPartition, tpKey, CLEANED_FILE_SUFFIX, logFile, offsetIndexFile, timeIndexFile, txnIndexFile } from './log-files';
import type { AbortedTxn } from './transaction-index';
import { OffsetMap } from './offset-map';

export const CLEANER_OFFSET_CHECKPOINT = 'cleaner-offset-checkpoint';

/** Kafka's defaults for the broker-level cleaner settings. */
export const DEFAULT_DEDUPE_BUFFER_SIZE = 128 * 1024 * 1024;
export const DEFAULT_DEDUPE_LOAD_FACTOR = 0.9;
export const DEFAULT_IO_BUFFER_SIZE = 512 * 1024;
export const DEFAULT_PRODUCER_ID_EXPIRATION_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_CLEANER_BACKOFF_MS = 15_000;

export interface LogCleanerOptions {
  /** The log directory (one LogManager): cleaner-offset-checkpoint lives there. */
  logDir: string;
  logger?: Logger;
  /** log.cleaner.dedupe.buffer.size: bounds the keys one round maps (24 bytes per key, as Kafka counts). */
  dedupeBufferSize?: number;
  /** log.cleaner.io.buffer.load.factor. */
  dedupeBufferLoadFactor?: number;
  /** log.cleaner.io.buffer.size: how much of a segment is read at a time (grown for a larger batch). */
  ioBufferSize?: number;
  /** producer.id.expiration.ms: a producer idle for longer no longer needs its last batch kept. */
  producerIdExpirationMs?: number;
  /**
   * The last batch of each active producer, from the log's producer state when Tributary has one. By default it is
   * derived from the batch headers of the whole log.
   */
  lastRecordsOfActiveProducers?: (log: Log, now: number) => Map<number, LastRecord>;
  /** Clock for cleanLogs() when no time is passed. */
  now?: () => number;
}

/** What the cleaner must keep about a producer (Kafka's LastRecord). */
export interface LastRecord {
  /** Last offset of the producer's last data batch, when there is one. */
  lastDataOffset: number | undefined;
  producerEpoch: number;
}

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

export interface CleanResult {
  tp: TopicPartition;
  firstDirtyOffset: number;
  /** Where the next round starts: what cleaner-offset-checkpoint now holds for the log. */
  endOffset: number;
  firstUncleanableOffset: number;
  segmentsBefore: number;
  segmentsAfter: number;
  /** Number of replacement segments written (one per group). */
  groups: number;
  bytesRead: number;
  bytesWritten: number;
  recordsRead: number;
  recordsRetained: number;
  tombstonesRemoved: number;
  /** Batches whose records all went but which were kept as an empty header (last batch of a producer or of the range). */
  emptyBatchesRetained: number;
  /** Distinct keys mapped, and the share of Kafka's map that would have used. */
  mapEntries: number;
  mapUtilization: number;
  durationMs: number;
}

interface Stats {
  bytesRead: number;
  bytesWritten: number;
  recordsRead: number;
  recordsRetained: number;
  tombstonesRemoved: number;
  emptyBatchesRetained: number;
}

interface ReadBatch {
  batch: Buffer;
  header: BatchHeader;
}

type BatchRetention = 'delete' | 'retainEmpty' | 'deleteEmpty';

/** Everything one round needs while rewriting the groups of a log. */
interface CleaningRound {
  map: OffsetMap;
  now: number;
  deleteRetentionMs: number;
  producers: Map<number, LastRecord>;
  /** Next offset of the cleaned range: the batch that ends there is kept even if empty. */
  upperBoundOffset: number;
  txns: CleanedTransactions;
  stats: Stats;
}

export class LogCleaner {
  private readonly logger: Logger;
  private readonly checkpointFile: CheckpointFile<TopicPartitionOffset>;
  private readonly checkpoints = new Map<string, TopicPartitionOffset>();
  /** Logs whose cleaning failed unexpectedly: skipped until removeLog() or a restart (Kafka's uncleanable partitions). */
  private readonly uncleanable = new Set<string>();
  private readonly ioBufferSize: number;
  /** cleanableRatio of the dirtiest compacted log at the last selection (Kafka's max-dirty-percent / 100). */
  dirtiestLogCleanableRatio = 0;

  constructor(private readonly opts: LogCleanerOptions) {
    this.logger = opts.logger ?? silentLogger;
    this.ioBufferSize = opts.ioBufferSize ?? DEFAULT_IO_BUFFER_SIZE;
    this.checkpointFile = new CheckpointFile(path.join(opts.logDir, CLEANER_OFFSET_CHECKPOINT), offsetCheckpointFormat);
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

  private updateCheckpoint(tp: TopicPartition, offset: number): void {
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

  /**
   * The scheduled task (Kafka's cleaner thread, run every log.cleaner.backoff.ms): cleans the filthiest log, then the
   * next, until none needs it or `budgetMs` has passed. A log whose cleaning fails is marked uncleanable and skipped.
   * `logs` should be every log of the directory: checkpoint entries of other logs are dropped, as Kafka does.
   */
  cleanLogs(logs: Iterable<Log>, now = (this.opts.now ?? Date.now)(), budgetMs = Infinity): CleanResult[] {
    const all = [...logs];
    this.pruneCheckpoints(all);
    const started = Date.now();
    const results: CleanResult[] = [];
    const skip = new Set<string>();
    while (Date.now() - started < budgetMs) {
      const ltc = this.grabFilthiestLog(all, now, skip);
      if (!ltc) break;
      const key = tpKey(ltc.log.tp);
      try {
        const r = this.clean(ltc, now);
        results.push(r);
        // A round that could not move the checkpoint would be picked again forever.
        if (r.endOffset <= ltc.firstDirtyOffset) skip.add(key);
      } catch (e) {
        this.markUncleanable(ltc.log, e);
      }
    }
    return results;
  }

  /**
   * Cleans `log` now, whatever its dirty ratio (the ratio only decides which log cleanLogs() picks): maps its dirty
   * range and rewrites every segment before the first uncleanable offset, which also drops tombstones and markers
   * whose delete horizon has passed. Returns undefined when the log is not compacted or has no cleanable segment.
   */
  cleanLog(log: Log, now: number): CleanResult | undefined {
    if (!log.config.cleanupPolicy.compact) return undefined;
    const ltc = this.logToClean(log, now);
    if (segmentsInRange(log.logSegments, -1, ltc.firstUncleanableOffset).length === 0) {
      if (ltc.forceUpdateCheckpoint) this.updateCheckpoint(log.tp, ltc.firstDirtyOffset);
      return undefined;
    }
    return this.clean(ltc, now);
  }

  private clean(ltc: LogToClean, now: number): CleanResult {
    const result = this.doClean(ltc, now);
    this.updateCheckpoint(ltc.log.tp, result.endOffset);
    this.logger.info(
      `${ltc.log.name}: cleaned offsets [${result.firstDirtyOffset}, ${result.endOffset}) (dirty ratio ${ltc.cleanableRatio.toFixed(2)}): ` +
        `${result.segmentsBefore} segments → ${result.segmentsAfter}, ${result.bytesRead} → ${result.bytesWritten} bytes, ` +
        `${result.recordsRetained} of ${result.recordsRead} records kept, ${result.tombstonesRemoved} tombstones removed, in ${result.durationMs} ms`,
    );
    return result;
  }

  private markUncleanable(log: Log, e: unknown): void {
    this.uncleanable.add(tpKey(log.tp));
    this.logger.error(`${log.name}: log cleaning failed, marking the partition uncleanable: ${(e as Error).stack ?? e}`);
  }

  private pruneCheckpoints(logs: readonly Log[]): void {
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

  private doClean(ltc: LogToClean, now: number): CleanResult {
    const started = Date.now();
    const log = ltc.log;
    const stats: Stats = { bytesRead: 0, bytesWritten: 0, recordsRead: 0, recordsRetained: 0, tombstonesRemoved: 0, emptyBatchesRetained: 0 };
    const map = OffsetMap.forBufferSize(this.opts.dedupeBufferSize ?? DEFAULT_DEDUPE_BUFFER_SIZE, this.opts.dedupeBufferLoadFactor ?? DEFAULT_DEDUPE_LOAD_FACTOR);
    const upper = ltc.firstUncleanableOffset;
    // Aborted transactional records take no part in compaction: they neither supersede a committed value of their key
    // nor survive the clean (Kafka's CleanedTransactionMetadata), so a read_committed consumer never needed them.
    const aborted = new AbortedRanges(log.collectAbortedTransactions(0, upper));
    this.buildOffsetMap(log, ltc.firstDirtyOffset, upper, map, aborted);
    // Everything before the first dirty offset is judged by the map, even when nothing could be mapped (a forced
    // clean with no dirty data, which then only expires tombstones and markers in the clean part).
    if (map.latestOffset < ltc.firstDirtyOffset - 1) map.updateLatestOffset(ltc.firstDirtyOffset - 1);
    const endOffset = map.latestOffset + 1;
    const segmentsBefore = log.numberOfSegments;
    const round: CleaningRound = {
      map,
      now,
      deleteRetentionMs: log.config.deleteRetentionMs,
      producers: this.opts.lastRecordsOfActiveProducers?.(log, now) ?? lastRecordsOfProducers(log, now, this.opts.producerIdExpirationMs ?? DEFAULT_PRODUCER_ID_EXPIRATION_MS),
      upperBoundOffset: upper,
      txns: new CleanedTransactions(aborted),
      stats,
    };
    const toClean = segmentsInRange(log.logSegments, -1, Math.min(endOffset, upper)).filter((s) => s !== log.activeSegment);
    const groups = groupSegmentsBySize(toClean, log.config.segmentBytes, log.config.segmentIndexBytes, upper);
    for (const group of groups) this.cleanSegments(log, group, round);
    return {
      tp: log.tp,
      firstDirtyOffset: ltc.firstDirtyOffset,
      endOffset,
      firstUncleanableOffset: upper,
      segmentsBefore,
      segmentsAfter: log.numberOfSegments,
      groups: groups.length,
      ...stats,
      mapEntries: map.size,
      mapUtilization: map.utilization,
      durationMs: Date.now() - started,
    };
  }

  /** Maps key → latest offset over the dirty segments in [start, end), stopping when the map is full. */
  private buildOffsetMap(log: Log, start: number, end: number, map: OffsetMap, aborted: AbortedRanges): void {
    map.clear();
    const dirty = segmentsInRange(log.logSegments, start, end);
    for (let i = 0; i < dirty.length; i++) {
      const nextSegmentStart = i + 1 < dirty.length ? dirty[i + 1].baseOffset : end;
      if (this.buildOffsetMapForSegment(dirty[i], map, start, nextSegmentStart, aborted)) {
        this.logger.info(`${log.name}: offset map full after ${map.size} keys, in the segment at ${dirty[i].baseOffset}; the rest stays dirty`);
        break;
      }
    }
  }

  /** Returns true when the map filled up inside this segment. */
  private buildOffsetMapForSegment(seg: LogSegment, map: OffsetMap, start: number, nextSegmentStart: number, aborted: AbortedRanges): boolean {
    let full = false;
    readSegmentBatches(seg, seg.offsetIndex.lookup(start).position, this.ioBufferSize, (batches) => {
      for (const { batch, header: h } of batches) {
        const last = lastOffsetOf(h);
        if (last < start) continue;
        if (!isControl(h.attributes) && !aborted.contains(h)) {
          for (const r of decodeRecords(batch)) {
            if (r.key === null || r.offset < start) continue;
            if (!map.put(r.key, r.offset)) {
              full = true;
              return false;
            }
          }
        }
        map.updateLatestOffset(last);
      }
      return true;
    });
    // Offsets missing at the end of the segment (an earlier clean removed them) are covered too.
    if (!full) map.updateLatestOffset(nextSegmentStart - 1);
    return full;
  }

  /** Rewrites `group` into one `.cleaned` segment and swaps it in. */
  private cleanSegments(log: Log, group: readonly LogSegment[], round: CleaningRound): void {
    const base = group[0].baseOffset;
    // A leftover of a clean that failed in this process (Log.load removes those of a crash).
    for (const f of [logFile(log.dir, base, CLEANED_FILE_SUFFIX), offsetIndexFile(log.dir, base, CLEANED_FILE_SUFFIX), timeIndexFile(log.dir, base, CLEANED_FILE_SUFFIX), txnIndexFile(log.dir, base, CLEANED_FILE_SUFFIX)]) {
      if (io.existsSync(f)) io.unlinkSync(f);
    }
    const cleaned = LogSegment.open(log.dir, base, segmentConfigOf(log.config), CLEANED_FILE_SUFFIX);
    try {
      // Index files exist from the start, even empty: the rename into place must replace the old segment's indexes
      // at this base offset, never leave them beside the new log file.
      io.writeFileSync(cleaned.offsetIndex.file, '');
      io.writeFileSync(cleaned.timeIndex.file, '');
      for (const seg of group) this.cleanInto(seg, cleaned, round);
      // The aborted transactions stay indexed: their markers (and empty batches kept for their producers) remain.
      for (const seg of group) for (const t of seg.txnIndex.all()) cleaned.txnIndex.append(t);
      const max = cleaned.maxTimestampSoFar;
      if (max.timestamp >= 0) cleaned.timeIndex.maybeAppend(max.timestamp, max.offset, true);
      cleaned.flush();
      cleaned.offsetIndex.closeHandler();
      cleaned.timeIndex.closeHandler();
      // Keep the group's modification time: retention falls back on it for segments without timestamps.
      const modified = group[group.length - 1].lastModified;
      try {
        fs.utimesSync(cleaned.file, new Date(modified), new Date(modified));
      } catch {
        // Cosmetic: the segment is still correct.
      }
    } catch (e) {
      try {
        cleaned.deleteIfExists();
      } catch {
        // Log.load removes .cleaned files at the next start.
      }
      throw e;
    }
    log.replaceSegments(cleaned, group);
  }

  /** Copies what `source` keeps into `dest`, a chunk at a time. */
  private cleanInto(source: LogSegment, dest: LogSegment, round: CleaningRound): void {
    readSegmentBatches(source, 0, this.ioBufferSize, (batches) => {
      const out: Buffer[] = [];
      const positions: BatchPosition[] = [];
      let size = 0;
      for (const b of batches) {
        const kept = this.filterBatch(b, round);
        if (!kept) continue;
        positions.push({ position: size, header: kept === b.batch ? b.header : readBatchHeader(kept) });
        out.push(kept);
        size += kept.length;
      }
      if (size > 0) {
        dest.append(Buffer.concat(out, size), positions);
        round.stats.bytesWritten += size;
      }
      return true;
    });
  }

  /** The batch as it should be written to the cleaned segment (the same bytes, a rebuilt batch, an empty header), or nothing. */
  private filterBatch({ batch, header: h }: ReadBatch, round: CleaningRound): Buffer | undefined {
    const { map, now, stats } = round;
    stats.bytesRead += batch.length;
    const control = isControl(h.attributes);
    const records = decodeRecords(batch);
    stats.recordsRead += records.length;

    const canDiscardBatch = control ? round.txns.onControlBatchRead(h, records) : round.txns.onBatchRead(h);
    const horizon = deleteHorizonOf(h);
    // A marker goes only when its transaction left nothing in the log and its own delete horizon has passed.
    const discardBatchRecords = control ? canDiscardBatch && horizon !== undefined && horizon <= now : canDiscardBatch;
    let retention: BatchRetention;
    if (h.producerId >= 0 && isLastBatchOfProducer(h, round.producers)) retention = 'retainEmpty';
    else if (nextOffsetOf(h) === round.upperBoundOffset) retention = 'retainEmpty';
    else if (discardBatchRecords) retention = 'delete';
    else retention = 'deleteEmpty';
    const markerForEmptyTxn = canDiscardBatch && control;
    if (retention === 'delete') return undefined;

    const retained: Record[] = [];
    let containsTombstones = false;
    for (const r of records) {
      let keep: boolean;
      if (discardBatchRecords) keep = false;
      else if (control) keep = true;
      else if (r.offset > map.latestOffset) keep = true; // newer than the mapped range
      else if (r.key === null) keep = false; // invalid in a compacted topic
      else {
        const latest = r.offset >= map.get(r.key);
        const retainDeletes = horizon === undefined || now < horizon;
        keep = latest && (r.value !== null || retainDeletes);
        if (latest && !keep) stats.tombstonesRemoved++;
      }
      if (keep) {
        retained.push(r);
        if (r.value === null) containsTombstones = true;
      }
    }
    stats.recordsRetained += retained.length;

    if (retained.length > 0) {
      const needToSetDeleteHorizon = (containsTombstones || markerForEmptyTxn) && horizon === undefined;
      if (retained.length === records.length && !needToSetDeleteHorizon) return batch;
      return rebuildBatch(h, retained, needToSetDeleteHorizon ? now + round.deleteRetentionMs : horizon);
    }
    if (retention === 'retainEmpty') {
      stats.emptyBatchesRetained++;
      return emptyBatch(h);
    }
    return undefined;
  }
}

/** The aborted transactions of a log (from its .txnindex files): which transactional batches are aborted data. */
class AbortedRanges {
  constructor(private readonly txns: readonly AbortedTxn[]) {}

  /** A data batch of a producer's transaction that its ABORT marker ended. */
  contains(h: BatchHeader): boolean {
    if (!isTransactional(h.attributes) || isControl(h.attributes) || this.txns.length === 0) return false;
    return this.txns.some((t) => t.producerId === h.producerId && t.firstOffset <= h.baseOffset && h.baseOffset < t.lastOffset);
  }
}

/**
 * Kafka's CleanedTransactionMetadata: which producers have a transaction whose (committed) data batches were seen in
 * this round, so that its marker is kept while they exist; aborted data is discarded.
 */
class CleanedTransactions {
  private readonly ongoing = new Set<number>();

  constructor(private readonly aborted: AbortedRanges) {}

  /** A data batch; returns whether its records can all be discarded (those of an aborted transaction). */
  onBatchRead(h: BatchHeader): boolean {
    if (this.aborted.contains(h)) return true;
    if (isTransactional(h.attributes)) this.ongoing.add(h.producerId);
    return false;
  }

  /** A control batch; returns whether the marker may be discarded (once past its delete horizon). */
  onControlBatchRead(h: BatchHeader, records: readonly Record[]): boolean {
    // An empty control batch was already cleaned: nothing of it is needed but what RETAIN_EMPTY keeps.
    if (records.length === 0) return true;
    let type: number;
    try {
      type = decodeControlRecordType(records[0].key);
    } catch {
      return false;
    }
    if (type === ControlRecordType.Commit || type === ControlRecordType.Abort) return !this.ongoing.delete(h.producerId);
    return false;
  }
}

function deleteHorizonOf(h: BatchHeader): number | undefined {
  return (h.attributes & DELETE_HORIZON_FLAG_MASK) !== 0 ? h.baseTimestamp : undefined;
}

function isLastBatchOfProducer(h: BatchHeader, producers: Map<number, LastRecord>): boolean {
  const last = producers.get(h.producerId);
  if (!last) return false;
  if (last.lastDataOffset !== undefined) return lastOffsetOf(h) === last.lastDataOffset;
  return isControl(h.attributes) && h.producerEpoch === last.producerEpoch;
}

/** The retained records of `h` as a new batch with the same offsets, producer fields, flags, codec and epoch. */
function rebuildBatch(h: BatchHeader, records: readonly Record[], deleteHorizonMs: number | undefined): Buffer {
  const logAppend = isLogAppendTime(h.attributes);
  return encodeRecordBatch({
    baseOffset: h.baseOffset,
    partitionLeaderEpoch: h.partitionLeaderEpoch,
    compression: (h.attributes & COMPRESSION_CODEC_MASK) as CompressionType,
    timestampType: logAppend ? 'logAppend' : 'create',
    isTransactional: isTransactional(h.attributes),
    isControl: isControl(h.attributes),
    producerId: h.producerId,
    producerEpoch: h.producerEpoch,
    baseSequence: h.baseSequence,
    deleteHorizonMs,
    // Under LogAppendTime the batch's maxTimestamp is the append time every record reports; it must not change.
    maxTimestamp: logAppend ? h.maxTimestamp : undefined,
    // The last offset (and so the last sequence) of the original batch stays, as Kafka's overrideLastOffset keeps it.
    lastOffsetDelta: h.lastOffsetDelta,
    records: records.map((r) => ({ key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp, offsetDelta: r.offsetDelta })),
  });
}

/** Kafka's DefaultRecordBatch.writeEmptyHeader: the batch's offsets and producer fields, no records, no codec. */
function emptyBatch(h: BatchHeader): Buffer {
  return encodeRecordBatch({
    baseOffset: h.baseOffset,
    partitionLeaderEpoch: h.partitionLeaderEpoch,
    compression: CompressionType.None,
    timestampType: isLogAppendTime(h.attributes) ? 'logAppend' : 'create',
    isTransactional: isTransactional(h.attributes),
    isControl: isControl(h.attributes),
    producerId: h.producerId,
    producerEpoch: h.producerEpoch,
    baseSequence: h.baseSequence,
    baseTimestamp: h.maxTimestamp,
    maxTimestamp: h.maxTimestamp,
    lastOffsetDelta: h.lastOffsetDelta,
    records: [],
  });
}

/**
 * The last batch of each producer that is still active (idle for less than producer.id.expiration.ms, or in a
 * transaction), from the batch headers of the whole log: what Kafka reads from its producer state manager.
 */
export function lastRecordsOfProducers(log: Log, now: number, expirationMs: number): Map<number, LastRecord> {
  interface Entry extends LastRecord {
    lastTimestamp: number;
    inTransaction: boolean;
  }
  const entries = new Map<number, Entry>();
  for (const seg of log.logSegments) {
    seg.scanBatches(0, ({ header: h }) => {
      if (h.producerId < 0) return true;
      let e = entries.get(h.producerId);
      if (!e) {
        e = { lastDataOffset: undefined, producerEpoch: h.producerEpoch, lastTimestamp: -1, inTransaction: false };
        entries.set(h.producerId, e);
      }
      // A new epoch starts a new sequence: what came before it is not needed.
      if (h.producerEpoch !== e.producerEpoch) e.lastDataOffset = undefined;
      e.producerEpoch = h.producerEpoch;
      if (isControl(h.attributes)) e.inTransaction = false;
      else {
        e.lastDataOffset = lastOffsetOf(h);
        if (isTransactional(h.attributes)) e.inTransaction = true;
      }
      e.lastTimestamp = Math.max(e.lastTimestamp, h.maxTimestamp);
      return true;
    });
  }
  const active = new Map<number, LastRecord>();
  for (const [pid, e] of entries) {
    if (e.inTransaction || now - e.lastTimestamp < expirationMs) active.set(pid, { lastDataOffset: e.lastDataOffset, producerEpoch: e.producerEpoch });
  }
  return active;
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

/**
 * Kafka's logSegments(from, to): the segments holding offsets in [from, to), i.e. from the one containing `from`
 * (or the first) up to those starting before `to`. Empty when from >= to.
 */
export function segmentsInRange(segments: readonly LogSegment[], from: number, to: number): LogSegment[] {
  if (from >= to) return [];
  let lower = -Infinity;
  for (const s of segments) {
    if (s.baseOffset <= from) lower = s.baseOffset;
    else break;
  }
  return segments.filter((s) => s.baseOffset >= lower && s.baseOffset < to);
}

/**
 * Splits consecutive segments into groups that each become one cleaned segment: at most `maxSize` bytes of log and
 * `maxIndexSize` bytes of each index, and offsets within 2^31 of the group's base (the index stores relative
 * offsets as int32). Kafka's groupSegmentsBySize.
 */
export function groupSegmentsBySize(segments: readonly LogSegment[], maxSize: number, maxIndexSize: number, firstUncleanableOffset: number): LogSegment[][] {
  const groups: LogSegment[][] = [];
  let i = 0;
  while (i < segments.length) {
    const first = segments[i];
    const group = [first];
    let logSize = first.size;
    let indexSize = fileSize(first.offsetIndex.file);
    let timeIndexSize = fileSize(first.timeIndex.file);
    i++;
    while (i < segments.length) {
      const s = segments[i];
      // The next segment's base bounds this one's last offset without reading it.
      const lastOffset = i + 1 < segments.length ? segments[i + 1].baseOffset - 1 : firstUncleanableOffset - 1;
      const sIndex = fileSize(s.offsetIndex.file);
      const sTimeIndex = fileSize(s.timeIndex.file);
      if (
        logSize + s.size > maxSize ||
        indexSize + sIndex > maxIndexSize ||
        timeIndexSize + sTimeIndex > maxIndexSize ||
        (s.size > 0 && lastOffset - first.baseOffset > 0x7fffffff)
      ) {
        break;
      }
      group.push(s);
      logSize += s.size;
      indexSize += sIndex;
      timeIndexSize += sTimeIndex;
      i++;
    }
    groups.push(group);
  }
  return groups;
}

function fileSize(file: string): number {
  return io.existsSync(file) ? io.statSync(file).size : 0;
}

function sizeOf(segments: readonly LogSegment[]): number {
  let n = 0;
  for (const s of segments) n += s.size;
  return n;
}

function segmentConfigOf(c: LogConfig): SegmentConfig {
  return { indexIntervalBytes: c.indexIntervalBytes, segmentIndexBytes: c.segmentIndexBytes, segmentJitterMs: c.segmentJitterMs };
}

/**
 * Reads the segment's batches from `startPosition` in chunks of about `bufferSize` bytes (one batch at least) and
 * hands each chunk's complete batches to `visit`, which returns false to stop.
 */
function readSegmentBatches(seg: LogSegment, startPosition: number, bufferSize: number, visit: (batches: ReadBatch[]) => boolean): void {
  const end = seg.size;
  if (startPosition >= end) return;
  const fd = io.openSync(seg.file, 'r');
  try {
    let pos = startPosition;
    while (pos < end) {
      let chunk = readAt(fd, pos, Math.min(bufferSize, end - pos));
      if (chunk.length < RECORD_BATCH_OVERHEAD) throw corruptSegment(seg, pos, `${end - pos} bytes are too short for a batch`);
      const first = chunk.readInt32BE(8) + LOG_OVERHEAD;
      if (first > chunk.length) {
        // One batch larger than the buffer: read it whole.
        if (pos + first > end) throw corruptSegment(seg, pos, `a batch of ${first} bytes runs past the end of the segment`);
        chunk = readAt(fd, pos, first);
      }
      const it = iterateBatches(chunk, 0, { stopOnCorrupt: true });
      const batches: ReadBatch[] = [];
      for (const b of it) batches.push({ batch: chunk.subarray(b.position, b.position + b.size), header: b.header });
      if (it.stopReason === 'corrupt') throw corruptSegment(seg, pos + it.validEnd, it.error?.message ?? 'corrupt batch');
      if (batches.length === 0) throw corruptSegment(seg, pos, 'no complete batch');
      if (!visit(batches)) return;
      pos += it.validEnd;
    }
  } finally {
    io.closeSync(fd);
  }
}

function corruptSegment(seg: LogSegment, position: number, why: string): KafkaStorageError {
  return new KafkaStorageError(`log cleaner: ${seg.file} at position ${position}: ${why}`);
}
