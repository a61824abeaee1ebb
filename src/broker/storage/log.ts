/**
 * A partition's log (Kafka's UnifiedLog + LocalLog): an ordered list of segments, the log start and end offsets,
 * the high watermark and recovery point, the leader-epoch cache, and every operation that changes them:
 * append, read, roll, truncate, retention and delete-records.
 */
import * as path from 'node:path';
import { BatchHeader, LOG_OVERHEAD, readBatchHeader } from '../records/batch-header';
import { KafkaError } from '../errors';
import { LogConfig } from '../config/topic-config';
import { Logger, silentLogger } from '../logger';
import { io, KafkaStorageError, fsyncDir } from './file-io';
import { LogSegment, SegmentConfig, BatchPosition } from './log-segment';
import { LeaderEpochFileCache } from './leader-epoch-cache';
import { validateAndAssignOffsets, analyzeBatches } from './log-validator';
import {
  TopicPartition,
  offsetFromFileName,
  LOG_FILE_SUFFIX,
  INDEX_FILE_SUFFIX,
  TIME_INDEX_FILE_SUFFIX,
  TXN_INDEX_FILE_SUFFIX,
  DELETED_FILE_SUFFIX,
  CLEANED_FILE_SUFFIX,
  SWAP_FILE_SUFFIX,
} from './log-files';
import { readPartitionMetadata, writePartitionMetadata } from './partition-metadata-file';
import { ProducerStateManager } from './producer-state-manager';
import { loadProducerState, rebuildProducerState } from './producer-state-loader';
import type { CompletedTxn } from './producer-append-info';
import type { AbortedTxn } from './transaction-index';

export interface LogAppendInfo {
  firstOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  offsetOfMaxTimestamp: number;
  logAppendTime: number;
  logStartOffset: number;
  numMessages: number;
  validBytes: number;
  /** The batch repeats one its idempotent producer already wrote: nothing was appended, the offsets are the original ones. */
  duplicate?: boolean;
}

/** How far a read may go: the log end (replication), the high watermark, or the last stable offset (read_committed). */
export type FetchIsolation = 'logEnd' | 'highWatermark' | 'txnCommitted';

export interface FetchDataInfo {
  records: Buffer;
  /** Log end offset and high watermark at read time, for the fetch response. */
  highWatermark: number;
  logEndOffset: number;
  logStartOffset: number;
}

interface LogOpenOptions {
  recoveryPoint?: number;
  highWatermark?: number;
  logStartOffset?: number;
  hadCleanShutdown?: boolean;
  topicId?: string;
  logger?: Logger;
  now?: () => number;
}

function segmentConfig(c: LogConfig): SegmentConfig {
  return { indexIntervalBytes: c.indexIntervalBytes, segmentIndexBytes: c.segmentIndexBytes, segmentJitterMs: c.segmentJitterMs };
}

export class Log {
  private segments: LogSegment[] = [];
  private _logStartOffset = 0;
  private _logEndOffset = 0;
  private _highWatermark = 0;
  private _recoveryPoint = 0;
  private unflushedMessages = 0;
  private lastFlushTime: number;
  readonly leaderEpochCache: LeaderEpochFileCache;
  /** Idempotent-producer state and its .snapshot files. */
  readonly producerStateManager: ProducerStateManager;
  /**
   * Told when the log start offset, the high watermark or the log end offset moves: the owner of the log says so
   * itself, so that the UI's change feed needs no polling (set by the LogManager).
   */
  offsetsListener: ((tp: TopicPartition) => void) | undefined;
  private readonly logger: Logger;
  private readonly now: () => number;
  topicId: string | undefined;
  private closed = false;

  private constructor(readonly dir: string, readonly tp: TopicPartition, public config: LogConfig, opts: LogOpenOptions) {
    this.name = `${tp.topic}-${tp.partition}`;
    this.logger = opts.logger ?? silentLogger;
    this.now = opts.now ?? Date.now;
    this.lastFlushTime = this.now();
    this.leaderEpochCache = new LeaderEpochFileCache(dir);
    this.producerStateManager = new ProducerStateManager(dir, this.name, { now: this.now, logger: this.logger });
  }

  /** Opens the partition directory, creating it when absent, and recovers what an unclean shutdown left. */
  static open(dir: string, tp: TopicPartition, config: LogConfig, opts: LogOpenOptions = {}): Log {
    io.mkdirSync(dir, { recursive: true });
    const log = new Log(dir, tp, config, opts);
    log.load(opts);
    return log;
  }

  /** "topic-partition": kept, not rebuilt, since every append passes it for messages. */
  readonly name: string;
  get logStartOffset(): number {
    return this._logStartOffset;
  }
  get logEndOffset(): number {
    return this._logEndOffset;
  }
  get highWatermark(): number {
    return this._highWatermark;
  }
  get recoveryPoint(): number {
    return this._recoveryPoint;
  }
  get activeSegment(): LogSegment {
    return this.segments[this.segments.length - 1];
  }
  get logSegments(): readonly LogSegment[] {
    return this.segments;
  }
  get size(): number {
    let s = 0;
    for (const seg of this.segments) s += seg.size;
    return s;
  }
  /**
   * ListOffsets v0 (Kafka 3.9's legacyFetchOffsetsBefore): offsets at segment granularity, newest first, at most
   * `maxNumOffsets` of them: each segment's base offset paired with its file's modification time, plus the log end
   * offset at `now` when the active segment holds data. Latest (-1) starts from the newest entry, earliest (-2) from
   * the oldest, a timestamp from the newest entry not later than it.
   */
  legacyOffsetsBefore(timestamp: number, maxNumOffsets: number, now: number): number[] {
    const entries: Array<[number, number]> = this.segments.map((seg) => [Math.max(seg.baseOffset, this.logStartOffset), seg.lastModified]);
    if (this.activeSegment.size > 0) entries.push([this.logEndOffset, now]);
    let start: number;
    if (timestamp === -1) start = entries.length - 1;
    else if (timestamp === -2) start = 0;
    else {
      start = entries.length - 1;
      while (start >= 0 && entries[start][1] > timestamp) start--;
    }
    const out: number[] = [];
    for (let n = Math.min(maxNumOffsets, start + 1); n > 0; n--) out.push(entries[start--][0]);
    return out.sort((a, b) => b - a);
  }

  get numberOfSegments(): number {
    return this.segments.length;
  }

  private load(opts: LogOpenOptions): void {
    // Leftovers of an interrupted delete or clean: .deleted and .cleaned files are garbage; a .swap is a
    // finished clean whose rename did not happen, so it is completed (Kafka's LogLoader does the same).
    const names = io.readdirSync(this.dir) as string[];
    for (const name of names) {
      if (name.endsWith(DELETED_FILE_SUFFIX) || name.endsWith(CLEANED_FILE_SUFFIX) || name.endsWith('.tmp')) {
        io.unlinkSync(path.join(this.dir, name));
      }
    }
    // A .swap log covers [base, its next offset): any old segment file in that range is what the swap replaces,
    // left behind by a crash between renames, and must go before the swap is completed.
    let minSwap = Infinity;
    let maxSwap = -Infinity;
    for (const name of names.filter((n) => n.endsWith(LOG_FILE_SUFFIX + SWAP_FILE_SUFFIX))) {
      const base = offsetFromFileName(name)!;
      const swapSeg = LogSegment.open(this.dir, base, segmentConfig(this.config), SWAP_FILE_SUFFIX);
      minSwap = Math.min(minSwap, base);
      maxSwap = Math.max(maxSwap, swapSeg.readNextOffset());
      swapSeg.close();
    }
    for (const name of io.readdirSync(this.dir) as string[]) {
      const base = offsetFromFileName(name);
      if (name.endsWith(SWAP_FILE_SUFFIX) || base === undefined || base < minSwap || base >= maxSwap) continue;
      this.logger.warn(`${this.name}: deleting ${name}, replaced by an interrupted clean's swap file`);
      io.unlinkSync(path.join(this.dir, name));
    }
    for (const name of names.filter((n) => n.endsWith(SWAP_FILE_SUFFIX))) {
      const target = path.join(this.dir, name.slice(0, -SWAP_FILE_SUFFIX.length));
      if (name.includes(LOG_FILE_SUFFIX)) {
        const base = offsetFromFileName(name)!;
        this.logger.warn(`${this.name}: completing an interrupted segment swap at base offset ${base}`);
      }
      io.renameSync(path.join(this.dir, name), target);
    }
    const files = (io.readdirSync(this.dir) as string[]).sort();
    const bases = files.filter((n) => n.endsWith(LOG_FILE_SUFFIX)).map((n) => offsetFromFileName(n)).filter((o): o is number => o !== undefined);
    // Index files whose log file is gone are orphans.
    for (const n of files) {
      if (n.endsWith(INDEX_FILE_SUFFIX) || n.endsWith(TIME_INDEX_FILE_SUFFIX) || n.endsWith(TXN_INDEX_FILE_SUFFIX)) {
        const base = offsetFromFileName(n);
        if (base !== undefined && !bases.includes(base)) io.unlinkSync(path.join(this.dir, n));
      }
    }
    bases.sort((a, b) => a - b);
    const sc = segmentConfig(this.config);
    this.segments = bases.map((b) => LogSegment.open(this.dir, b, sc));

    // After a clean shutdown nothing is rescanned; otherwise every segment from the one holding the recovery
    // point on is. Segments before it are trusted, but an index that is missing or visibly broken is rebuilt.
    const firstToRecover = opts.hadCleanShutdown ? this.segments.length : this.floorSegmentIndexOrZero(opts.recoveryPoint ?? 0);
    for (const seg of this.segments.slice(0, firstToRecover)) {
      const broken = this.indexProblem(seg);
      if (broken) {
        this.logger.warn(`${this.name}: rebuilding the indexes of segment ${seg.baseOffset}: ${broken}`);
        this.recoverSegment(seg);
      }
    }
    const firstRecoveredOffset = this.segments[firstToRecover]?.baseOffset;
    this.recoverFrom(firstToRecover);

    if (this.segments.length === 0) this.segments.push(LogSegment.open(this.dir, opts.logStartOffset ?? 0, sc));
    const active = this.activeSegment;
    active.loadFirstBatchTimestamp();
    this._logEndOffset = active.readNextOffset();
    this._logStartOffset = Math.max(opts.logStartOffset ?? 0, this.segments[0].baseOffset);
    if (this._logStartOffset > this._logEndOffset) this._logStartOffset = this._logEndOffset;
    // A new partition has nothing to make durable yet: no fsyncs for an empty segment (a topic of 1,000 partitions).
    if (firstToRecover < this.segments.length && bases.length > 0) active.flush();
    this._recoveryPoint = this._logEndOffset;
    this.updateHighWatermark(opts.highWatermark ?? this._logStartOffset);
    this.leaderEpochCache.truncateFromEnd(this._logEndOffset);
    this.leaderEpochCache.truncateFromStart(this._logStartOffset);
    loadProducerState(this.producerStateManager, {
      segments: this.segments,
      logStartOffset: this._logStartOffset,
      logEndOffset: this._logEndOffset,
      hadCleanShutdown: opts.hadCleanShutdown ?? false,
      firstRecoveredOffset,
      logger: this.logger,
      // Segments that recovery rescanned lost their .txnindex entries: the replay writes them again.
      onCompletedTxn: (seg, c, lso) => seg.updateTxnIndex(c, lso),
    });

    const existingId = readPartitionMetadata(this.dir);
    if (opts.topicId && existingId && existingId !== opts.topicId) {
      throw new KafkaError('INCONSISTENT_TOPIC_ID', `${this.dir} belongs to topic id ${existingId}, not ${opts.topicId}`);
    }
    this.topicId = existingId ?? opts.topicId;
    if (opts.topicId && !existingId) writePartitionMetadata(this.dir, opts.topicId);
  }

  private floorSegmentIndexOrZero(offset: number): number {
    return this.segments.length === 0 ? 0 : this.floorSegmentIndex(offset);
  }

  /** Cheap checks that read no entries, so that a restart does not grow with the data behind the recovery point. */
  private indexProblem(seg: LogSegment): string | undefined {
    if (!io.existsSync(seg.offsetIndex.file)) return 'the offset index is missing';
    if (!io.existsSync(seg.timeIndex.file)) return 'the time index is missing';
    return seg.offsetIndex.quickCheck(seg.size) ?? seg.timeIndex.quickCheck(seg.size);
  }

  /** Recovers segments from index `first` on; a segment with a corrupt tail ends the log there. */
  private recoverFrom(first: number): void {
    for (let i = first; i < this.segments.length; i++) {
      const seg = this.segments[i];
      const truncated = this.recoverSegment(seg);
      if (truncated > 0) {
        const dropped = this.segments.slice(i + 1);
        for (const d of dropped) {
          this.logger.warn(`${this.name}: deleting segment ${d.baseOffset} (${d.size} bytes), which follows a corrupt one`);
          d.deleteIfExists();
        }
        this.segments = this.segments.slice(0, i + 1);
        break;
      }
    }
  }

  private recoverSegment(seg: LogSegment): number {
    const before = seg.size;
    const r = seg.recover((h) => this.leaderEpochCache.assign(h.partitionLeaderEpoch, h.baseOffset));
    if (r.truncatedBytes > 0) {
      this.logger.warn(
        `${this.name}: recovery truncated segment ${seg.baseOffset} from ${before} to ${seg.size} bytes, dropping ${r.truncatedBytes} bytes: ${r.reason}`,
      );
    }
    return r.truncatedBytes;
  }

  /** Appends a client's records as the leader: validates, assigns offsets and the epoch, then writes. */
  appendAsLeader(records: Buffer, leaderEpoch: number, opts?: { fromClient?: boolean }): LogAppendInfo {
    this.checkOpen();
    const fromClient = opts?.fromClient ?? true;
    const now = this.now();
    const v = validateAndAssignOffsets(records, this._logEndOffset, leaderEpoch, this.config, now, fromClient, this.name);
    // Idempotence (Kafka's analyzeAndValidateProducerState): epochs and sequences are checked before anything is
    // written, and a retried batch already in the log is answered with its original offsets, not written again.
    const producers = this.producerStateManager.analyzeAndValidate(v.records, v.batches, fromClient ? 'client' : 'coordinator');
    if (producers.duplicate) {
      const d = producers.duplicate;
      return { firstOffset: d.firstOffset, lastOffset: d.lastOffset, maxTimestamp: v.maxTimestamp, offsetOfMaxTimestamp: v.offsetOfMaxTimestamp, logAppendTime: d.timestamp, numMessages: v.numMessages, logStartOffset: this._logStartOffset, validBytes: v.records.length, duplicate: true };
    }
    this.appendValidated(v.records, v.batches, v.lastOffset, v.maxTimestamp, now);
    this.indexCompletedTxns(producers.completedTxns);
    this.producerStateManager.onAppended(producers, v.lastOffset);
    this.leaderEpochCache.assign(leaderEpoch, v.firstOffset);
    return { firstOffset: v.firstOffset, lastOffset: v.lastOffset, maxTimestamp: v.maxTimestamp, offsetOfMaxTimestamp: v.offsetOfMaxTimestamp, logAppendTime: v.logAppendTime, numMessages: v.numMessages, logStartOffset: this._logStartOffset, validBytes: v.records.length };
  }

  /** Appends records a leader already stamped with offsets (replication, recovery of a follower). */
  appendAsFollower(records: Buffer): LogAppendInfo {
    this.checkOpen();
    const batches = analyzeBatches(records, Math.max(this.config.maxMessageBytes, records.length));
    const first = batches[0].header;
    if (first.baseOffset < this._logEndOffset) {
      throw new KafkaError('OFFSET_OUT_OF_RANGE', `${this.name}: follower append at ${first.baseOffset} is below the log end offset ${this._logEndOffset}`);
    }
    let maxTimestamp = -1;
    let offsetOfMax = -1;
    let n = 0;
    let last = first.baseOffset - 1;
    for (const b of batches) {
      if (b.header.baseOffset <= last) throw new KafkaError('CORRUPT_MESSAGE', `${this.name}: replicated batches are out of order`);
      last = b.header.baseOffset + b.header.lastOffsetDelta;
      if (b.header.maxTimestamp > maxTimestamp) {
        maxTimestamp = b.header.maxTimestamp;
        offsetOfMax = last;
      }
      n += b.header.recordCount;
    }
    // A gap (first.baseOffset > log end) is normal: the leader's log was compacted there. A leader whose log
    // starts past ours answers the fetch with OFFSET_OUT_OF_RANGE and the follower restarts its log instead.
    const producers = this.producerStateManager.analyzeAndValidate(records, batches, 'replication');
    this.appendValidated(records, batches, last, maxTimestamp, this.now());
    for (const b of batches) this.leaderEpochCache.assign(b.header.partitionLeaderEpoch, b.header.baseOffset);
    this.indexCompletedTxns(producers.completedTxns);
    this.producerStateManager.onAppended(producers, last);
    return { firstOffset: first.baseOffset, lastOffset: last, maxTimestamp, offsetOfMaxTimestamp: offsetOfMax, logAppendTime: -1, logStartOffset: this._logStartOffset, numMessages: n, validBytes: records.length };
  }

  /** Aborted transactions whose markers were just appended go into the active segment's .txnindex. */
  private indexCompletedTxns(completed: readonly CompletedTxn[]): void {
    for (const c of completed) this.activeSegment.updateTxnIndex(c, this.producerStateManager.lastStableOffset(c));
  }

  private appendValidated(records: Buffer, batches: BatchPosition[], lastOffset: number, maxTimestamp: number, now: number): void {
    if (records.length > this.config.segmentBytes) {
      throw new KafkaError('RECORD_LIST_TOO_LARGE', `${records.length} bytes of records are larger than segment.bytes ${this.config.segmentBytes}`);
    }
    const segment = this.maybeRoll(records.length, batches[0].header.baseOffset, lastOffset, maxTimestamp, now);
    segment.append(records, batches);
    this._logEndOffset = lastOffset + 1;
    this.unflushedMessages += batches.length;
    if (this.unflushedMessages >= this.config.flushMessages) this.flush();
    this.offsetsListener?.(this.tp);
  }

  private maybeRoll(size: number, firstOffset: number, maxOffset: number, maxTimestamp: number, now: number): LogSegment {
    const seg = this.activeSegment;
    const roll = seg.shouldRoll(this.config.segmentBytes, this.config.segmentMs, maxTimestamp, maxOffset, size, now);
    return roll ? this.roll(firstOffset) : seg;
  }

  /**
   * Starts a new active segment at `expectedNextOffset` (default: the log end offset). The old segment is
   * flushed and the recovery point moves past it, as Kafka's scheduled flush after a roll does.
   */
  roll(expectedNextOffset?: number): LogSegment {
    this.checkOpen();
    const newOffset = Math.max(expectedNextOffset ?? 0, this._logEndOffset);
    const active = this.activeSegment;
    if (active.baseOffset === newOffset && active.size === 0) return active;
    if (active.baseOffset >= newOffset) {
      throw new KafkaStorageError(`${this.name}: cannot roll to offset ${newOffset}: the active segment starts at ${active.baseOffset}`);
    }
    active.onBecomeInactiveSegment();
    const seg = LogSegment.open(this.dir, newOffset, segmentConfig(this.config));
    this.segments.push(seg);
    this.flushUpTo(newOffset);
    // A producer snapshot at the new segment's base: recovery of that segment starts from it.
    this.producerStateManager.updateMapEndOffset(newOffset);
    this.producerStateManager.takeSnapshot();
    this.logger.info(`${this.name}: rolled new segment at offset ${newOffset}`);
    return seg;
  }

  /** Fsyncs every segment holding offsets below `offset` and moves the recovery point there. */
  private flushUpTo(offset: number): void {
    if (offset <= this._recoveryPoint) return;
    for (const seg of this.segments) {
      if (seg.baseOffset >= offset) break;
      const next = this.segments[this.segments.indexOf(seg) + 1];
      if (next && next.baseOffset <= this._recoveryPoint) continue;
      seg.flush();
    }
    this._recoveryPoint = offset;
    this.lastFlushTime = this.now();
  }

  /** Fsyncs everything appended so far. */
  flush(): void {
    this.flushUpTo(this._logEndOffset);
    this.activeSegment.flush();
    this.unflushedMessages = 0;
  }

  /** Runs flush.ms: called by the log manager's scheduler. */
  maybeFlushByTime(now: number): void {
    if (this._recoveryPoint < this._logEndOffset && now - this.lastFlushTime >= this.config.flushMs) this.flush();
  }

  updateHighWatermark(hw: number): void {
    const before = this._highWatermark;
    this._highWatermark = Math.max(this._logStartOffset, Math.min(hw, this._logEndOffset));
    this.producerStateManager.onHighWatermarkUpdated(this._highWatermark);
    if (this._highWatermark !== before) this.offsetsListener?.(this.tp);
  }

  /**
   * The last stable offset: read_committed consumers read up to here, below the first transaction that is still
   * open or whose marker the in-sync replicas do not all have yet (Kafka's UnifiedLog.lastStableOffset).
   */
  get lastStableOffset(): number {
    const unstable = this.producerStateManager.firstUnstableOffset();
    return unstable !== undefined && unstable < this._highWatermark ? unstable : this._highWatermark;
  }

  /**
   * The transactions aborted in [fetchOffset, upperBoundOffset), from the segments' transaction indexes: what a
   * read_committed fetch answers with, so that the consumer drops their records.
   */
  collectAbortedTransactions(fetchOffset: number, upperBoundOffset: number): AbortedTxn[] {
    const out: AbortedTxn[] = [];
    // A transaction's entry sits in the segment of its ABORT marker, which may be far past the range read (a long
    // transaction spans segments): walk on until an entry shows that every overlapping transaction had ended.
    for (let i = this.floorSegmentIndexOrZero(fetchOffset); i < this.segments.length; i++) {
      const { aborted, complete } = this.segments[i].txnIndex.collect(fetchOffset, upperBoundOffset);
      out.push(...aborted);
      if (complete) break;
    }
    return out;
  }

  /**
   * Reads whole batches from `startOffset`. An offset below the log start or above the log end is
   * OFFSET_OUT_OF_RANGE, as in Kafka; an offset at the end (or past the high watermark) returns nothing.
   */
  read(startOffset: number, maxBytes: number, isolation: FetchIsolation = 'logEnd', minOneMessage = true): FetchDataInfo {
    this.checkOpen();
    const info = (records: Buffer): FetchDataInfo => ({ records, highWatermark: this._highWatermark, logEndOffset: this._logEndOffset, logStartOffset: this._logStartOffset });
    if (startOffset < this._logStartOffset || startOffset > this._logEndOffset) {
      throw new KafkaError(
        'OFFSET_OUT_OF_RANGE',
        `${this.name}: offset ${startOffset} is out of range; the log holds ${this._logStartOffset} to ${this._logEndOffset}`,
      );
    }
    const maxOffset = isolation === 'highWatermark' ? this._highWatermark : isolation === 'txnCommitted' ? this.lastStableOffset : this._logEndOffset;
    if (startOffset >= maxOffset) return info(Buffer.alloc(0));
    let i = this.floorSegmentIndex(startOffset);
    while (i < this.segments.length) {
      const seg = this.segments[i];
      const read = seg.read(Math.max(startOffset, seg.baseOffset), maxBytes, seg.size, minOneMessage);
      if (read && read.records.length > 0) return info(cutAtOffset(read.records, maxOffset));
      if (read && read.records.length === 0) return info(read.records);
      i++;
    }
    return info(Buffer.alloc(0));
  }

  private floorSegmentIndex(offset: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.segments[mid].baseOffset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * ListOffsets by timestamp: the earliest offset whose timestamp >= `timestamp`, with its timestamp and the
   * leader epoch of its batch; undefined when every record is older.
   */
  fetchOffsetByTimestamp(timestamp: number): { offset: number; timestamp: number; leaderEpoch: number } | undefined {
    for (const seg of this.segments) {
      if (seg.largestTimestamp < timestamp && seg !== this.activeSegment) continue;
      const found = seg.findOffsetByTimestamp(timestamp, this._logStartOffset);
      if (found) return { ...found, leaderEpoch: this.leaderEpochCache.epochForOffset(found.offset) ?? -1 };
    }
    return undefined;
  }

  /** ListOffsets MAX_TIMESTAMP: the record with the largest timestamp (the first such one). */
  fetchMaxTimestamp(): { offset: number; timestamp: number; leaderEpoch: number } | undefined {
    let best: { offset: number; timestamp: number } | undefined;
    for (const seg of this.segments) {
      const m = seg.maxTimestampSoFar;
      if (m.timestamp >= 0 && (!best || m.timestamp > best.timestamp)) best = m;
    }
    if (!best) return undefined;
    // The segment tracks the batch's last offset; find the record itself.
    const exact = this.fetchOffsetByTimestamp(best.timestamp);
    return exact ?? { ...best, leaderEpoch: this.leaderEpochCache.epochForOffset(best.offset) ?? -1 };
  }

  /** Removes every offset >= `targetOffset` (a follower diverged from its leader). */
  truncateTo(targetOffset: number): boolean {
    this.checkOpen();
    if (targetOffset >= this._logEndOffset) return false;
    if (targetOffset < this.segments[0].baseOffset) {
      this.truncateFullyAndStartAt(targetOffset);
      return true;
    }
    const keep = this.segments.filter((s) => s.baseOffset < targetOffset || (s.baseOffset === targetOffset && s === this.segments[0]));
    for (const s of this.segments.slice(keep.length)) s.deleteIfExists();
    this.segments = keep.length ? keep : [this.segments[0]];
    this.activeSegment.truncateTo(targetOffset);
    this._logEndOffset = this.activeSegment.readNextOffset();
    this._highWatermark = Math.min(this._highWatermark, this._logEndOffset);
    this._recoveryPoint = Math.min(this._recoveryPoint, this._logEndOffset);
    this.leaderEpochCache.truncateFromEnd(this._logEndOffset);
    // Snapshots above the new end go; the state is reloaded from the latest one left and the batches after it.
    rebuildProducerState(this.producerStateManager, this.segments, this._logStartOffset, this._logEndOffset, false, this.logger);
    this.logger.info(`${this.name}: truncated to offset ${targetOffset}`);
    this.offsetsListener?.(this.tp);
    return true;
  }

  /** Deletes every segment and starts an empty log at `offset`. */
  truncateFullyAndStartAt(offset: number): void {
    this.checkOpen();
    for (const s of this.segments) s.deleteIfExists();
    this.segments = [LogSegment.open(this.dir, offset, segmentConfig(this.config))];
    this._logStartOffset = offset;
    this._logEndOffset = offset;
    this._highWatermark = offset;
    this._recoveryPoint = offset;
    this.leaderEpochCache.clearAndFlush();
    this.producerStateManager.truncateFullyAndStartAt(offset);
    this.offsetsListener?.(this.tp);
  }

  /**
   * DeleteRecords: moves the log start offset up to `newStart` (at most the high watermark); whole segments
   * below it are deleted. Returns the new log start offset.
   */
  deleteRecordsBefore(newStart: number): number {
    this.checkOpen();
    if (newStart > this._highWatermark) {
      throw new KafkaError('OFFSET_OUT_OF_RANGE', `${this.name}: cannot delete records before ${newStart}, beyond the high watermark ${this._highWatermark}`);
    }
    this.maybeIncrementLogStartOffset(newStart, 'delete-records');
    this.deleteSegmentsBelowLogStart();
    return this._logStartOffset;
  }

  private maybeIncrementLogStartOffset(newStart: number, reason: string): void {
    if (newStart <= this._logStartOffset) return;
    this._logStartOffset = newStart;
    this.leaderEpochCache.truncateFromStart(newStart);
    this.producerStateManager.onLogStartOffsetIncremented(newStart);
    this.logger.info(`${this.name}: log start offset is now ${newStart} (${reason})`);
    this.offsetsListener?.(this.tp);
  }

  private deleteSegmentsBelowLogStart(): number {
    return this.deleteOldSegmentsWhile((seg, next) => next !== undefined && next.baseOffset <= this._logStartOffset, 'log start offset');
  }

  /**
   * Retention (cleanup.policy=delete): segments past retention.ms, then the oldest segments while the log is
   * larger than retention.bytes, then segments wholly below the log start offset. Whole segments only, and
   * never the active one unless it has data and has expired (it is rolled first, as Kafka does).
   */
  deleteOldSegments(now = this.now()): number {
    this.checkOpen();
    let deleted = 0;
    if (this.config.cleanupPolicy.delete) {
      const retentionMs = this.config.retentionMs;
      if (retentionMs >= 0) {
        deleted += this.deleteOldSegmentsWhile((seg) => now - seg.largestTimestamp > retentionMs, `retention.ms ${retentionMs}`);
      }
      const retentionBytes = this.config.retentionBytes;
      if (retentionBytes >= 0) {
        let diff = this.size - retentionBytes;
        deleted += this.deleteOldSegmentsWhile((seg) => {
          if (diff - seg.size >= 0) {
            diff -= seg.size;
            return true;
          }
          return false;
        }, `retention.bytes ${retentionBytes}`);
      }
    }
    deleted += this.deleteSegmentsBelowLogStart();
    return deleted;
  }

  private deleteOldSegmentsWhile(predicate: (seg: LogSegment, next: LogSegment | undefined) => boolean, reason: string): number {
    const deletable: LogSegment[] = [];
    for (let i = 0; i < this.segments.length; i++) {
      const seg = this.segments[i];
      const next = this.segments[i + 1];
      // Nothing above the high watermark is deleted: consumers have not been allowed to see it yet.
      const upper = next ? next.baseOffset : this._logEndOffset;
      if (upper > this._highWatermark) break;
      if (!predicate(seg, next)) break;
      if (!next && seg.size === 0) break;
      deletable.push(seg);
    }
    if (deletable.length === 0) return 0;
    if (deletable.length === this.segments.length) this.roll();
    const last = deletable[deletable.length - 1];
    const nextBase = this.segments[this.segments.indexOf(last) + 1].baseOffset;
    this.segments = this.segments.slice(deletable.length);
    this.maybeIncrementLogStartOffset(Math.max(nextBase, this._logStartOffset), `deleted segments by ${reason}`);
    for (const seg of deletable) {
      this.logger.info(`${this.name}: deleting segment ${seg.baseOffset} (${seg.size} bytes) by ${reason}`);
      seg.changeFileSuffixes('', DELETED_FILE_SUFFIX);
      seg.deleteIfExists();
      this.producerStateManager.deleteSnapshot(seg.baseOffset);
    }
    return deletable.length;
  }

  /** Replaces `oldSegments` with `newSegment` (written with the .cleaned suffix) crash-safely via .swap. */
  replaceSegments(newSegment: LogSegment, oldSegments: readonly LogSegment[]): void {
    newSegment.changeFileSuffixes(CLEANED_FILE_SUFFIX, SWAP_FILE_SUFFIX);
    const remaining = new Set(oldSegments);
    for (const s of oldSegments) {
      s.close();
      s.changeFileSuffixes('', DELETED_FILE_SUFFIX);
    }
    for (const s of oldSegments) s.deleteIfExists();
    for (const s of oldSegments) if (s.baseOffset !== newSegment.baseOffset) this.producerStateManager.deleteSnapshot(s.baseOffset);
    newSegment.changeFileSuffixes(SWAP_FILE_SUFFIX, '');
    fsyncDir(this.dir);
    const i = this.segments.findIndex((s) => remaining.has(s));
    this.segments = [...this.segments.slice(0, i), newSegment, ...this.segments.slice(i).filter((s) => !remaining.has(s))];
  }

  updateConfig(config: LogConfig): void {
    this.config = config;
    for (const s of this.segments) s.updateConfig(segmentConfig(config));
  }

  /** Every batch header from `from` to the end; used by the cleaner, dump tools and tests. */
  batchHeaders(from = this._logStartOffset): BatchHeader[] {
    const out: BatchHeader[] = [];
    for (const seg of this.segments) {
      if (seg !== this.activeSegment && this.segments[this.segments.indexOf(seg) + 1].baseOffset <= from) continue;
      seg.scanBatches(0, (b) => {
        if (b.header.baseOffset + b.header.lastOffsetDelta >= from) out.push(b.header);
        return true;
      });
    }
    return out;
  }

  close(): void {
    if (this.closed) return;
    // A producer snapshot at the log end, so that the next start need not replay anything.
    try {
      this.producerStateManager.takeSnapshot();
    } catch (e) {
      this.logger.warn(`${this.name}: could not write the producer snapshot at close: ${(e as Error).message}`);
    }
    for (const s of this.segments) s.close();
    this.closed = true;
  }

  /** Closes and removes the partition directory. */
  delete(): void {
    this.close();
    io.rmSync(this.dir, { recursive: true, force: true });
  }

  private checkOpen(): void {
    if (this.closed) throw new KafkaStorageError(`${this.name}: the log is closed`);
  }
}

/** Drops batches that start at or after `maxOffset` (data beyond the high watermark). */
function cutAtOffset(records: Buffer, maxOffset: number): Buffer {
  let pos = 0;
  while (pos + LOG_OVERHEAD <= records.length) {
    const base = readBatchHeader(records, pos).baseOffset;
    if (base >= maxOffset) break;
    pos += records.readInt32BE(pos + 8) + LOG_OVERHEAD;
  }
  return pos === records.length ? records : records.subarray(0, pos);
}
