/**
 * Log compaction (cleanup.policy=compact, alone or with delete), split as Kafka splits it: LogCleaner (this file,
 * the scheduled task), LogCleanerManager (log-cleaner-manager.ts: which log, the checkpoint), Cleaner (cleaner.ts:
 * one round), OffsetMap (offset-map.ts), CleanerConfig (cleaner-config.ts).
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
import { Logger, silentLogger } from '../logger';
import { Log } from './log';
import { TopicPartition, tpKey } from './log-files';
import { segmentsInRange } from './log-segments';
import { CleanerConfig } from './cleaner-config';
import { Cleaner, CleanResult, LastRecordsOfActiveProducers } from './cleaner';
import { LogCleanerManager, LogToClean } from './log-cleaner-manager';

interface LogCleanerOptions extends CleanerConfig {
  /** The log directory (one LogManager): cleaner-offset-checkpoint lives there. */
  logDir: string;
  logger?: Logger;
  /**
   * The last batch of each active producer, from the log's producer state when Tributary has one. By default it is
   * derived from the batch headers of the whole log.
   */
  lastRecordsOfActiveProducers?: LastRecordsOfActiveProducers;
  /** Clock for cleanLogs() when no time is passed. */
  now?: () => number;
}

export class LogCleaner {
  private readonly logger: Logger;
  private readonly manager: LogCleanerManager;
  private readonly cleaner: Cleaner;

  constructor(private readonly opts: LogCleanerOptions) {
    this.logger = opts.logger ?? silentLogger;
    this.manager = new LogCleanerManager(opts.logDir, this.logger);
    this.cleaner = new Cleaner(opts, this.logger, opts.lastRecordsOfActiveProducers);
  }

  /** cleanableRatio of the dirtiest compacted log at the last selection (Kafka's max-dirty-percent / 100). */
  get dirtiestLogCleanableRatio(): number {
    return this.manager.dirtiestLogCleanableRatio;
  }

  /** The checkpointed first dirty offset of `tp`, if any. */
  lastCleanOffset(tp: TopicPartition): number | undefined {
    return this.manager.lastCleanOffset(tp);
  }

  /** Forgets a deleted (or moved) log: its checkpoint entry goes and it may be cleaned again if recreated. */
  removeLog(tp: TopicPartition): void {
    this.manager.removeLog(tp);
  }

  /** After a truncation to `offset`: a checkpoint past it would skip data that is no longer clean. */
  maybeTruncateCheckpoint(tp: TopicPartition, offset: number): void {
    this.manager.maybeTruncateCheckpoint(tp, offset);
  }

  logToClean(log: Log, now: number): LogToClean {
    return this.manager.logToClean(log, now);
  }

  grabFilthiestLog(logs: Iterable<Log>, now: number, skip?: ReadonlySet<string>): LogToClean | undefined {
    return this.manager.grabFilthiestLog(logs, now, skip);
  }

  /**
   * The scheduled task (Kafka's cleaner thread, run every log.cleaner.backoff.ms): cleans the filthiest log, then the
   * next, until none needs it or `budgetMs` has passed. A log whose cleaning fails is marked uncleanable and skipped.
   * `logs` should be every log of the directory: checkpoint entries of other logs are dropped, as Kafka does.
   */
  cleanLogs(logs: Iterable<Log>, now = (this.opts.now ?? Date.now)(), budgetMs = Infinity): CleanResult[] {
    const all = [...logs];
    this.manager.pruneCheckpoints(all);
    const started = Date.now();
    const results: CleanResult[] = [];
    const skip = new Set<string>();
    while (Date.now() - started < budgetMs) {
      const ltc = this.manager.grabFilthiestLog(all, now, skip);
      if (!ltc) break;
      const key = tpKey(ltc.log.tp);
      try {
        const r = this.clean(ltc, now);
        results.push(r);
        // A round that could not move the checkpoint would be picked again forever.
        if (r.endOffset <= ltc.firstDirtyOffset) skip.add(key);
      } catch (e) {
        this.manager.markUncleanable(ltc.log, e);
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
    const ltc = this.manager.logToClean(log, now);
    if (segmentsInRange(log.logSegments, -1, ltc.firstUncleanableOffset).length === 0) {
      if (ltc.forceUpdateCheckpoint) this.manager.updateCheckpoint(log.tp, ltc.firstDirtyOffset);
      return undefined;
    }
    return this.clean(ltc, now);
  }

  private clean(ltc: LogToClean, now: number): CleanResult {
    const result = this.cleaner.clean(ltc, now);
    this.manager.updateCheckpoint(ltc.log.tp, result.endOffset);
    this.logger.info(
      `${ltc.log.name}: cleaned offsets [${result.firstDirtyOffset}, ${result.endOffset}) (dirty ratio ${ltc.cleanableRatio.toFixed(2)}): ` +
        `${result.segmentsBefore} segments → ${result.segmentsAfter}, ${result.bytesRead} → ${result.bytesWritten} bytes, ` +
        `${result.recordsRetained} of ${result.recordsRead} records kept, ${result.tombstonesRemoved} tombstones removed, in ${result.durationMs} ms`,
    );
    return result;
  }
}
