/**
 * The producer state of one partition (Kafka's ProducerStateManager): every producer id that wrote here with its
 * state (producer-state-entry.ts), the open transactions and those whose marker is not yet replicated (which bound
 * the last stable offset), and the snapshot files (producer-snapshot.ts) it is saved to and loaded from.
 *
 * The leader checks every client batch that carries a producer id against it before the batch is written
 * (producer-append-info.ts); nothing changes here until the batch is in the log (onAppended).
 *
 * The log writes a snapshot when a segment rolls (at the new segment's base offset) and at a clean close (at the log
 * end offset); a segment's snapshot goes when the segment goes; at load, the latest snapshot not above what is known
 * to be on disk is read and the batches after it are replayed (producer-state-loader.ts).
 */
import * as path from 'node:path';
import { LOG_OVERHEAD, NO_PRODUCER_ID, isControl } from '../records/batch-header';
import { KafkaError } from '../errors';
import { Logger, silentLogger } from '../logger';
import { io, writeFileAtomic } from './file-io';
import { SNAPSHOT_FILE_SUFFIX, filenamePrefixFromOffset, offsetFromFileName } from './log-files';
import type { BatchPosition } from './log-segment';
import { BatchMetadata, ProducerStateEntry } from './producer-state-entry';
import { AppendOrigin, CompletedTxn, ProducerAppendInfo, TxnMarker, TxnMetadata, hasProducerId, readTxnMarker } from './producer-append-info';
import { CorruptSnapshotError, encodeProducerSnapshot, producerSnapshotFile, readProducerSnapshot } from './producer-snapshot';

/** producer.id.expiration.ms default: a producer idle this long is forgotten (unless it has an open transaction). */
export const DEFAULT_PRODUCER_ID_EXPIRATION_MS = 86400000;
/** producer.id.expiration.check.interval.ms default. */
const DEFAULT_PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS = 600000;

/** The result of checking one append against the producer state. */
interface ProducerStateAnalysis {
  updatedProducers: ReadonlyMap<number, ProducerAppendInfo>;
  completedTxns: readonly CompletedTxn[];
  /** Set when the (client) append repeats a retained batch: nothing may be written, the answer is this batch. */
  duplicate?: BatchMetadata;
}

const NO_PRODUCER_STATE: ProducerStateAnalysis = Object.freeze({ updatedProducers: new Map(), completedTxns: [] });

interface ProducerStateManagerOptions {
  /** producer.id.expiration.ms. */
  producerIdExpirationMs?: number;
  /** producer.id.expiration.check.interval.ms: expiry runs at most this often, on the next update. */
  expirationCheckIntervalMs?: number;
  now?: () => number;
  logger?: Logger;
}

export class ProducerStateManager {
  private readonly producers = new Map<number, ProducerStateEntry>();
  /** Open transactions by first offset. */
  private readonly ongoingTxns = new Map<number, TxnMetadata>();
  /** Transactions whose marker is above the high watermark, by first offset. */
  private readonly unreplicatedTxns = new Map<number, TxnMetadata>();
  /** Offsets of the snapshot files, ascending. */
  private snapshots: number[] = [];
  private lastMapOffset = 0;
  private lastSnapOffset = 0;
  private lastExpirationCheck: number;
  private readonly expirationMs: number;
  private readonly expirationCheckIntervalMs: number;
  private readonly now: () => number;
  private readonly logger: Logger;

  constructor(
    readonly dir: string,
    /** "topic-partition", for messages. */
    readonly partition: string,
    opts: ProducerStateManagerOptions = {},
  ) {
    this.expirationMs = opts.producerIdExpirationMs ?? DEFAULT_PRODUCER_ID_EXPIRATION_MS;
    this.expirationCheckIntervalMs = opts.expirationCheckIntervalMs ?? DEFAULT_PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS;
    this.now = opts.now ?? Date.now;
    this.logger = opts.logger ?? silentLogger;
    this.lastExpirationCheck = this.now();
  }

  /** Every producer with state here. */
  get activeProducers(): ReadonlyMap<number, ProducerStateEntry> {
    return this.producers;
  }

  get isEmpty(): boolean {
    return this.producers.size === 0 && this.unreplicatedTxns.size === 0;
  }

  /** The offset up to which (exclusive) the state covers the log. */
  get mapEndOffset(): number {
    return this.lastMapOffset;
  }

  lastEntry(producerId: number): ProducerStateEntry | undefined {
    return this.producers.get(producerId);
  }

  // ---- appends ----

  prepareUpdate(producerId: number, origin: AppendOrigin): ProducerAppendInfo {
    return new ProducerAppendInfo(this.partition, producerId, this.lastEntry(producerId) ?? ProducerStateEntry.empty(producerId), origin);
  }

  /**
   * Checks an append (Kafka's analyzeAndValidateProducerState): for client appends, a batch repeating one of its
   * producer's last five batches makes the whole append a duplicate; otherwise every batch with a producer id is
   * checked and its effect accumulated. Throws the Kafka error of the first batch that fails. Changes nothing.
   * `records` holds the batches at `batches[i].position` (needed to read transaction markers).
   */
  analyzeAndValidate(records: Buffer, batches: readonly BatchPosition[], origin: AppendOrigin): ProducerStateAnalysis {
    // Most appends carry no producer id (non-idempotent producers): they share one empty answer, allocating nothing.
    let any = false;
    for (let i = 0; i < batches.length && !any; i++) any = hasProducerId(batches[i].header);
    if (!any) return NO_PRODUCER_STATE;
    const updatedProducers = new Map<number, ProducerAppendInfo>();
    const completedTxns: CompletedTxn[] = [];
    for (const b of batches) {
      const h = b.header;
      if (!hasProducerId(h)) continue;
      if (origin === 'client') {
        const duplicate = this.lastEntry(h.producerId)?.findDuplicateBatch(h);
        if (duplicate) return { updatedProducers, completedTxns, duplicate };
      }
      let marker: TxnMarker | undefined;
      if (isControl(h.attributes)) {
        try {
          marker = readTxnMarker(records.subarray(b.position, b.position + h.batchLength + LOG_OVERHEAD));
        } catch (e) {
          throw new KafkaError('INVALID_RECORD', `control batch at offset ${h.baseOffset} is not a valid transaction marker: ${(e as Error).message}`);
        }
      }
      let info = updatedProducers.get(h.producerId);
      if (!info) updatedProducers.set(h.producerId, (info = this.prepareUpdate(h.producerId, origin)));
      const completed = info.append(h, marker);
      if (completed) completedTxns.push(completed);
    }
    return { updatedProducers, completedTxns };
  }

  /** Takes in what an analyzed append did once it is in the log; `lastOffset` is its last offset. */
  onAppended(analysis: ProducerStateAnalysis, lastOffset: number): void {
    for (const info of analysis.updatedProducers.values()) this.update(info);
    for (const txn of analysis.completedTxns) this.completeTxn(txn);
    // Always, so that a snapshot reflects the log end even without idempotent data.
    this.updateMapEndOffset(lastOffset + 1);
  }

  /** Takes in the state one producer reached in an append. */
  update(appendInfo: ProducerAppendInfo): void {
    if (appendInfo.producerId === NO_PRODUCER_ID) throw new Error(`invalid producer id ${appendInfo.producerId} passed to update for ${this.partition}`);
    const now = this.now();
    if (now - this.lastExpirationCheck >= this.expirationCheckIntervalMs) {
      this.lastExpirationCheck = now;
      this.removeExpiredProducers(now);
    }
    const next = appendInfo.toEntry();
    const current = this.producers.get(appendInfo.producerId);
    if (current) current.update(next);
    else this.producers.set(appendInfo.producerId, next);
    for (const txn of appendInfo.startedTransactions) this.ongoingTxns.set(txn.firstOffset, txn);
  }

  updateMapEndOffset(offset: number): void {
    this.lastMapOffset = offset;
  }

  /** A transaction's marker is in the log: it is decided, but not stable until the high watermark passes it. */
  completeTxn(txn: CompletedTxn): void {
    const meta = this.ongoingTxns.get(txn.firstOffset);
    if (!meta) {
      this.logger.warn(`${this.partition}: a marker at ${txn.lastOffset} completes a transaction at ${txn.firstOffset} that was not open`);
      return;
    }
    this.ongoingTxns.delete(txn.firstOffset);
    meta.lastOffset = txn.lastOffset;
    this.unreplicatedTxns.set(txn.firstOffset, meta);
  }

  /**
   * The last stable offset once `completed` is decided: the first offset of the earliest transaction still open
   * from another producer, else just past the marker (Kafka's lastStableOffset(completedTxn)); kept in .txnindex.
   */
  lastStableOffset(completed: CompletedTxn): number {
    let min: number | undefined;
    for (const t of this.ongoingTxns.values()) if (t.producerId !== completed.producerId && (min === undefined || t.firstOffset < min)) min = t.firstOffset;
    return min ?? completed.lastOffset + 1;
  }

  /** The first offset of the earliest open transaction. */
  firstUndecidedOffset(): number | undefined {
    let min: number | undefined;
    for (const o of this.ongoingTxns.keys()) if (min === undefined || o < min) min = o;
    return min;
  }

  /** The first offset of a transaction that is open or whose marker is above the high watermark. */
  firstUnstableOffset(): number | undefined {
    let min = this.firstUndecidedOffset();
    for (const o of this.unreplicatedTxns.keys()) if (min === undefined || o < min) min = o;
    return min;
  }

  onHighWatermarkUpdated(highWatermark: number): void {
    this.removeUnreplicatedTransactions(highWatermark);
  }

  private removeUnreplicatedTransactions(offset: number): void {
    for (const [first, txn] of this.unreplicatedTxns) {
      if (txn.lastOffset !== undefined && txn.lastOffset < offset) this.unreplicatedTxns.delete(first);
    }
  }

  // ---- expiry ----

  private isProducerExpired(now: number, entry: ProducerStateEntry): boolean {
    return entry.currentTxnFirstOffset === undefined && now - entry.lastTimestamp >= this.expirationMs;
  }

  /** Forgets producers idle for longer than producer.id.expiration.ms (none with an open transaction). */
  removeExpiredProducers(now = this.now()): void {
    for (const [pid, entry] of this.producers) if (this.isProducerExpired(now, entry)) this.producers.delete(pid);
  }

  // ---- log start, truncation ----

  /** Moves the state's start with the log's (retention, DeleteRecords); producers stay until they expire. */
  onLogStartOffsetIncremented(logStartOffset: number): void {
    this.removeUnreplicatedTransactions(logStartOffset);
    if (this.lastMapOffset < logStartOffset) this.lastMapOffset = logStartOffset;
    this.lastSnapOffset = this.latestSnapshotOffset ?? logStartOffset;
  }

  /**
   * Drops the snapshots outside (logStartOffset, logEndOffset] and, unless the state already ends at
   * logEndOffset, reloads it from the latest remaining snapshot. The caller replays the batches after that.
   */
  truncateAndReload(logStartOffset: number, logEndOffset: number, now = this.now()): void {
    for (const offset of [...this.snapshots]) {
      if (offset > logEndOffset || offset <= logStartOffset) this.deleteSnapshot(offset);
    }
    if (logEndOffset !== this.lastMapOffset) {
      this.producers.clear();
      this.ongoingTxns.clear();
      this.unreplicatedTxns.clear();
      this.loadFromSnapshot(logStartOffset, now);
    } else {
      this.onLogStartOffsetIncremented(logStartOffset);
    }
  }

  /** Forgets everything, snapshots included: the log now starts (empty) at `offset`. */
  truncateFullyAndStartAt(offset: number): void {
    this.producers.clear();
    this.ongoingTxns.clear();
    this.unreplicatedTxns.clear();
    for (const o of [...this.snapshots]) this.deleteSnapshot(o);
    this.lastMapOffset = offset;
    // Kafka resets this to 0 and its reload right after sets it to the new log start; the same in one step.
    this.lastSnapOffset = offset;
  }

  private loadFromSnapshot(logStartOffset: number, now: number): void {
    for (;;) {
      const latest = this.latestSnapshotOffset;
      if (latest === undefined) {
        this.lastSnapOffset = logStartOffset;
        this.lastMapOffset = logStartOffset;
        return;
      }
      const file = producerSnapshotFile(this.dir, latest);
      try {
        const entries = readProducerSnapshot(file);
        for (const e of entries) if (!this.isProducerExpired(now, e)) this.loadProducerEntry(e);
        this.lastSnapOffset = latest;
        this.lastMapOffset = latest;
        if (this.producers.size > 0) this.logger.info(`${this.partition}: loaded the state of ${this.producers.size} producers from snapshot ${path.basename(file)}`);
        return;
      } catch (e) {
        if (!(e instanceof CorruptSnapshotError)) throw e;
        this.logger.warn(`${this.partition}: failed to load producer snapshot ${file}: ${e.message}`);
        this.deleteSnapshot(latest);
      }
    }
  }

  loadProducerEntry(entry: ProducerStateEntry): void {
    this.producers.set(entry.producerId, entry);
    if (entry.currentTxnFirstOffset !== undefined) {
      this.ongoingTxns.set(entry.currentTxnFirstOffset, { producerId: entry.producerId, firstOffset: entry.currentTxnFirstOffset });
    }
  }

  // ---- snapshot files ----

  /** Re-reads which snapshot files the directory holds. */
  reloadSnapshots(): void {
    const offsets: number[] = [];
    for (const name of io.readdirSync(this.dir) as string[]) {
      if (!name.endsWith(SNAPSHOT_FILE_SUFFIX)) continue;
      const offset = offsetFromFileName(name);
      if (offset !== undefined && name === filenamePrefixFromOffset(offset) + SNAPSHOT_FILE_SUFFIX) offsets.push(offset);
    }
    this.snapshots = offsets.sort((a, b) => a - b);
  }

  /** Offsets of the snapshot files, ascending. */
  snapshotOffsets(): readonly number[] {
    return this.snapshots;
  }

  get latestSnapshotOffset(): number | undefined {
    return this.snapshots.length ? this.snapshots[this.snapshots.length - 1] : undefined;
  }

  get oldestSnapshotOffset(): number | undefined {
    return this.snapshots.length ? this.snapshots[0] : undefined;
  }

  /**
   * Deletes every snapshot that has no segment starting at its offset, except the newest one when it lies above
   * every segment (the one a clean shutdown writes at the log end). Re-reads the directory first.
   */
  removeStraySnapshots(segmentBaseOffsets: readonly number[]): void {
    this.reloadSnapshots();
    const bases = new Set(segmentBaseOffsets);
    const maxBase = segmentBaseOffsets.length ? Math.max(...segmentBaseOffsets) : undefined;
    let latestStray: number | undefined;
    for (const offset of [...this.snapshots]) {
      if (bases.has(offset)) continue;
      if (latestStray !== undefined) this.deleteSnapshot(latestStray);
      latestStray = offset;
    }
    if (latestStray !== undefined && maxBase !== undefined && latestStray < maxBase) this.deleteSnapshot(latestStray);
  }

  /** Writes a snapshot at the state's end offset, unless one at or past it was already written. */
  takeSnapshot(): string | undefined {
    if (this.lastMapOffset <= this.lastSnapOffset) return undefined;
    const offset = this.lastMapOffset;
    const file = producerSnapshotFile(this.dir, offset);
    const started = Date.now();
    writeFileAtomic(file, encodeProducerSnapshot(this.producers.values()));
    if (!this.snapshots.includes(offset)) {
      this.snapshots.push(offset);
      this.snapshots.sort((a, b) => a - b);
    }
    this.lastSnapOffset = offset;
    this.logger.debug?.(`${this.partition}: wrote producer snapshot at offset ${offset} with ${this.producers.size} producer ids in ${Date.now() - started} ms`);
    return file;
  }

  /** Deletes the snapshot at `offset`, if there is one (a segment starting there was deleted). */
  deleteSnapshot(offset: number): void {
    const i = this.snapshots.indexOf(offset);
    if (i >= 0) this.snapshots.splice(i, 1);
    const file = producerSnapshotFile(this.dir, offset);
    if (io.existsSync(file)) io.unlinkSync(file);
  }

  /** Deletes the snapshots below `offset`. */
  deleteSnapshotsBefore(offset: number): void {
    for (const o of [...this.snapshots]) if (o < offset) this.deleteSnapshot(o);
  }

  /** Deletes the snapshots above `offset`: after an unclean shutdown they may describe data that never reached the disk. */
  deleteSnapshotsAfter(offset: number): void {
    for (const o of [...this.snapshots]) if (o > offset) this.deleteSnapshot(o);
  }
}
