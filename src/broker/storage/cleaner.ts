/**
 * One round of cleaning of one log (Kafka's Cleaner): maps the dirty range key → latest offset, then rewrites every
 * segment up to where the map ends, group by group, each group into one `.cleaned` segment swapped in through
 * Log.replaceSegments. What a rewrite keeps is described in log-cleaner.ts.
 */
import * as fs from 'node:fs';
import { BatchHeader, LOG_OVERHEAD, RECORD_BATCH_OVERHEAD, readBatchHeader, isControl, lastOffsetOf, nextOffsetOf } from '../records/batch-header';
import { iterateBatches } from '../records/batch-iterator';
import { decodeRecords } from '../records/record-batch';
import { Record } from '../records/record';
import { LogConfig } from '../config/topic-config';
import { Logger } from '../logger';
import { io, readAt, KafkaStorageError } from './file-io';
import { Log } from './log';
import { LogSegment, BatchPosition, SegmentConfig } from './log-segment';
import { TopicPartition, CLEANED_FILE_SUFFIX, logFile, offsetIndexFile, timeIndexFile, txnIndexFile } from './log-files';
import { segmentsInRange } from './log-segments';
import { OffsetMap } from './offset-map';
import { DEFAULT_PRODUCER_ID_EXPIRATION_MS } from './producer-state-manager';
import { CleanerConfig, DEFAULT_DEDUPE_BUFFER_SIZE, DEFAULT_DEDUPE_LOAD_FACTOR, DEFAULT_IO_BUFFER_SIZE } from './cleaner-config';
import { LastRecord, lastRecordsOfProducers } from './last-record';
import { AbortedRanges, CleanedTransactions } from './cleaned-transactions';
import { deleteHorizonOf, emptyBatch, rebuildBatch } from './cleaned-batch';
import type { LogToClean } from './log-cleaner-manager';

/** What a round read and kept (Kafka's CleanerStats). */
interface CleanerStats {
  bytesRead: number;
  bytesWritten: number;
  recordsRead: number;
  recordsRetained: number;
  tombstonesRemoved: number;
  /** Batches whose records all went but which were kept as an empty header (last batch of a producer or of the range). */
  emptyBatchesRetained: number;
}

export interface CleanResult extends CleanerStats {
  tp: TopicPartition;
  firstDirtyOffset: number;
  /** Where the next round starts: what cleaner-offset-checkpoint now holds for the log. */
  endOffset: number;
  firstUncleanableOffset: number;
  segmentsBefore: number;
  segmentsAfter: number;
  /** Number of replacement segments written (one per group). */
  groups: number;
  /** Distinct keys mapped, and the share of Kafka's map that would have used. */
  mapEntries: number;
  mapUtilization: number;
  durationMs: number;
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
  stats: CleanerStats;
}

/** The last batch of each active producer; the cleaner keeps it even when it empties it. */
export type LastRecordsOfActiveProducers = (log: Log, now: number) => Map<number, LastRecord>;

export class Cleaner {
  private readonly ioBufferSize: number;

  constructor(
    private readonly config: CleanerConfig,
    private readonly logger: Logger,
    private readonly lastRecordsOfActiveProducers?: LastRecordsOfActiveProducers,
  ) {
    this.ioBufferSize = config.ioBufferSize ?? DEFAULT_IO_BUFFER_SIZE;
  }

  /** Cleans the cleanable range of `ltc`; the caller moves the checkpoint to the result's endOffset. */
  clean(ltc: LogToClean, now: number): CleanResult {
    const started = Date.now();
    const log = ltc.log;
    const stats: CleanerStats = { bytesRead: 0, bytesWritten: 0, recordsRead: 0, recordsRetained: 0, tombstonesRemoved: 0, emptyBatchesRetained: 0 };
    const map = OffsetMap.forBufferSize(this.config.dedupeBufferSize ?? DEFAULT_DEDUPE_BUFFER_SIZE, this.config.dedupeBufferLoadFactor ?? DEFAULT_DEDUPE_LOAD_FACTOR);
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
      producers: this.lastRecordsOfActiveProducers?.(log, now) ?? lastRecordsOfProducers(log, now, this.config.producerIdExpirationMs ?? DEFAULT_PRODUCER_ID_EXPIRATION_MS),
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

function isLastBatchOfProducer(h: BatchHeader, producers: Map<number, LastRecord>): boolean {
  const last = producers.get(h.producerId);
  if (!last) return false;
  if (last.lastDataOffset !== undefined) return lastOffsetOf(h) === last.lastDataOffset;
  return isControl(h.attributes) && h.producerEpoch === last.producerEpoch;
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
