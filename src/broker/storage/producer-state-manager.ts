/**
 * The producer state of one partition (Kafka's ProducerStateManager, with ProducerStateEntry, BatchMetadata and
 * ProducerAppendInfo): for every producer id that wrote here, its epoch, the sequence ranges and offsets of its last
 * five batches, the epoch of the last transaction coordinator that ended one of its transactions, and the first
 * offset of its open transaction.
 *
 * The leader checks every client batch that carries a producer id against it before the batch is written:
 *  - a batch whose epoch and sequence range equal one of the last five is a retry of a batch already in the log: it
 *    is not written again, and the producer is answered with the original offsets (no error, as Kafka does);
 *  - an epoch below the producer's current one is INVALID_PRODUCER_EPOCH (a zombie of a fenced producer);
 *  - a new epoch must start at sequence 0, otherwise OUT_OF_ORDER_SEQUENCE_NUMBER;
 *  - within an epoch the first sequence must follow the last one (wrapping from Int32 max to 0), otherwise
 *    OUT_OF_ORDER_SEQUENCE_NUMBER;
 *  - a producer the partition knows nothing about (never wrote here, or its state expired or went with retention)
 *    may start at any sequence: since KIP-360 (Kafka 2.5) the broker no longer answers UNKNOWN_PRODUCER_ID.
 * Batches without a producer id (-1) are not looked at.
 *
 * Snapshots: `<20-digit offset>.snapshot` in the partition directory holds the state of every producer as of that
 * offset (exclusive), in Kafka's exact format so that Kafka and its tools read ours and we read theirs:
 *
 *   Version int16 (1) | Crc uint32 (CRC-32C of every byte after this field) | ProducerEntries: int32 count, then
 *   per entry ProducerId int64 | Epoch int16 | LastSequence int32 | LastOffset int64 | OffsetDelta int32 |
 *   Timestamp int64 | CoordinatorEpoch int32 | CurrentTxnFirstOffset int64 (-1: no open transaction)
 *
 * A snapshot keeps only the last batch of each producer; replaying the batches after it restores up to five.
 * The log writes one when a segment rolls (at the new segment's base offset) and at a clean close (at the log end
 * offset); a segment's snapshot goes when the segment goes; at load, the latest snapshot not above what is known to
 * be on disk is read and the batches after it are replayed (rebuildProducerState).
 */
import * as path from 'node:path';
import {
  BatchHeader,
  LOG_OVERHEAD,
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  NO_SEQUENCE,
  NO_TIMESTAMP,
  isControl,
  isTransactional,
  readInt64,
  writeInt64,
} from '../records/batch-header';
import { crc32c } from '../records/crc32c';
import { decodeRecords, incrementSequence, lastSequenceOf } from '../records/record-batch';
import { ControlRecordType, decodeEndTxnMarker } from '../records/control-record';
import { KafkaError } from '../errors';
import { Logger, silentLogger } from '../logger';
import { io, writeFileAtomic } from './file-io';
import { SNAPSHOT_FILE_SUFFIX, filenamePrefixFromOffset, offsetFromFileName } from './log-files';
import type { BatchPosition, LogSegment } from './log-segment';

/** How many batches per producer are kept for duplicate detection (Kafka's NUM_BATCHES_TO_RETAIN). */
export const NUM_BATCHES_TO_RETAIN = 5;
export const PRODUCER_SNAPSHOT_VERSION = 1;
/** producer.id.expiration.ms default: a producer idle this long is forgotten (unless it has an open transaction). */
export const DEFAULT_PRODUCER_ID_EXPIRATION_MS = 86400000;
/** producer.id.expiration.check.interval.ms default. */
export const DEFAULT_PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS = 600000;

const INT32_MAX = 0x7fffffff;
const VERSION_OFFSET = 0;
const CRC_OFFSET = VERSION_OFFSET + 2;
const PRODUCER_ENTRIES_OFFSET = CRC_OFFSET + 4;
/** Bytes of one snapshot entry: 8 + 2 + 4 + 8 + 4 + 8 + 4 + 8. */
export const SNAPSHOT_ENTRY_SIZE = 46;

/** Kafka's DefaultRecordBatch.decrementSequence: sequences wrap from Int32 max to 0. */
export function decrementSequence(sequence: number, decrement: number): number {
  return sequence < decrement ? INT32_MAX - (decrement - sequence) + 1 : sequence - decrement;
}

/** One appended batch of a producer, as the state keeps it. */
export class BatchMetadata {
  constructor(
    readonly lastSeq: number,
    readonly lastOffset: number,
    /** lastOffset - firstOffset, which is also lastSeq - firstSeq. */
    readonly offsetDelta: number,
    /** The batch's max timestamp. */
    readonly timestamp: number,
  ) {}

  get firstSeq(): number {
    return decrementSequence(this.lastSeq, this.offsetDelta);
  }

  get firstOffset(): number {
    return this.lastOffset - this.offsetDelta;
  }
}

/** A transaction's start, and its end marker's offset once it has one (Kafka's TxnMetadata). */
export interface TxnMetadata {
  producerId: number;
  firstOffset: number;
  lastOffset?: number;
}

/** A transaction ended by a COMMIT or ABORT marker (Kafka's CompletedTxn). */
export interface CompletedTxn {
  producerId: number;
  firstOffset: number;
  lastOffset: number;
  isAborted: boolean;
}

/** What the log needs of a transaction marker: the one record of a control batch. */
export interface TxnMarker {
  isAbort: boolean;
  coordinatorEpoch: number;
  /** The marker record's timestamp. */
  timestamp: number;
}

/**
 * Where an append comes from, which decides how much is checked (Kafka's AppendOrigin): client batches get the
 * duplicate, epoch and sequence checks; coordinator writes (markers, offsets) the epoch check only; replicated and
 * replayed batches were checked by the leader and are taken as they are.
 */
export type AppendOrigin = 'client' | 'coordinator' | 'replication';

/** The state of one producer id (Kafka's ProducerStateEntry). */
export class ProducerStateEntry {
  private readonly batches: BatchMetadata[] = [];

  constructor(
    readonly producerId: number,
    public producerEpoch: number,
    public coordinatorEpoch: number,
    public lastTimestamp: number,
    /** The first offset of the producer's open transaction; undefined when none is open. */
    public currentTxnFirstOffset: number | undefined,
    firstBatch?: BatchMetadata,
  ) {
    if (firstBatch) this.batches.push(firstBatch);
  }

  static empty(producerId: number): ProducerStateEntry {
    return new ProducerStateEntry(producerId, NO_PRODUCER_EPOCH, -1, NO_TIMESTAMP, undefined);
  }

  /** Oldest first. */
  get batchMetadata(): readonly BatchMetadata[] {
    return this.batches;
  }
  get isEmpty(): boolean {
    return this.batches.length === 0;
  }
  get firstSeq(): number {
    return this.isEmpty ? NO_SEQUENCE : this.batches[0].firstSeq;
  }
  get lastSeq(): number {
    return this.isEmpty ? NO_SEQUENCE : this.batches[this.batches.length - 1].lastSeq;
  }
  get firstDataOffset(): number {
    return this.isEmpty ? -1 : this.batches[0].firstOffset;
  }
  get lastDataOffset(): number {
    return this.isEmpty ? -1 : this.batches[this.batches.length - 1].lastOffset;
  }
  get lastOffsetDelta(): number {
    return this.isEmpty ? 0 : this.batches[this.batches.length - 1].offsetDelta;
  }

  /** A copy with this entry's epoch, coordinator epoch, timestamp and transaction, but no batches. */
  withProducerId(producerId: number): ProducerStateEntry {
    return new ProducerStateEntry(producerId, this.producerEpoch, this.coordinatorEpoch, this.lastTimestamp, this.currentTxnFirstOffset);
  }

  addBatch(producerEpoch: number, lastSeq: number, lastOffset: number, offsetDelta: number, timestamp: number): void {
    this.maybeUpdateProducerEpoch(producerEpoch);
    this.addBatchMetadata(new BatchMetadata(lastSeq, lastOffset, offsetDelta, timestamp));
    this.lastTimestamp = timestamp;
  }

  /** A new epoch starts afresh: the batches of the old one no longer count. */
  maybeUpdateProducerEpoch(producerEpoch: number): boolean {
    if (this.producerEpoch === producerEpoch) return false;
    this.batches.length = 0;
    this.producerEpoch = producerEpoch;
    return true;
  }

  private addBatchMetadata(batch: BatchMetadata): void {
    if (this.batches.length === NUM_BATCHES_TO_RETAIN) this.batches.shift();
    this.batches.push(batch);
  }

  /** Takes over what an append produced (Kafka's update(ProducerStateEntry)). */
  update(next: ProducerStateEntry): void {
    this.maybeUpdateProducerEpoch(next.producerEpoch);
    for (const b of next.batches) this.addBatchMetadata(b);
    this.coordinatorEpoch = next.coordinatorEpoch;
    this.currentTxnFirstOffset = next.currentTxnFirstOffset;
    this.lastTimestamp = next.lastTimestamp;
  }

  /** After a transaction marker: the epoch and coordinator epoch it carries, no open transaction. */
  updateFromMarker(producerEpoch: number, coordinatorEpoch: number, timestamp: number): void {
    this.maybeUpdateProducerEpoch(producerEpoch);
    this.coordinatorEpoch = coordinatorEpoch;
    this.currentTxnFirstOffset = undefined;
    this.lastTimestamp = timestamp;
  }

  /** The retained batch that `h` repeats: same epoch, same first and last sequence. */
  findDuplicateBatch(h: BatchHeader): BatchMetadata | undefined {
    if (h.producerEpoch !== this.producerEpoch) return undefined;
    return this.batchWithSequenceRange(h.baseSequence, lastSequenceOf(h.baseSequence, h.lastOffsetDelta));
  }

  batchWithSequenceRange(firstSeq: number, lastSeq: number): BatchMetadata | undefined {
    return this.batches.find((b) => b.firstSeq === firstSeq && b.lastSeq === lastSeq);
  }
}

/**
 * Checks the batches of one producer in one append and accumulates the state they lead to (Kafka's
 * ProducerAppendInfo). Nothing changes in the manager until `ProducerStateManager.update` takes the result.
 */
export class ProducerAppendInfo {
  private readonly updatedEntry: ProducerStateEntry;
  readonly startedTransactions: TxnMetadata[] = [];

  constructor(
    private readonly partition: string,
    readonly producerId: number,
    private readonly currentEntry: ProducerStateEntry,
    private readonly origin: AppendOrigin,
  ) {
    this.updatedEntry = currentEntry.withProducerId(producerId);
  }

  /** Adds one batch; a control batch needs its decoded marker (none when the cleaner emptied the batch). */
  append(h: BatchHeader, marker?: TxnMarker): CompletedTxn | undefined {
    if (isControl(h.attributes)) {
      return marker ? this.appendEndTxnMarker(marker, h.producerEpoch, h.baseOffset, marker.timestamp) : undefined;
    }
    const lastOffset = h.baseOffset + h.lastOffsetDelta;
    this.appendDataBatch(h.producerEpoch, h.baseSequence, lastSequenceOf(h.baseSequence, h.lastOffsetDelta), h.maxTimestamp, h.baseOffset, lastOffset, isTransactional(h.attributes));
    return undefined;
  }

  appendDataBatch(epoch: number, firstSeq: number, lastSeq: number, lastTimestamp: number, firstOffset: number, lastOffset: number, transactional: boolean): void {
    this.checkProducerEpoch(epoch, firstOffset);
    if (this.origin === 'client') this.checkSequence(epoch, firstSeq, firstOffset);
    this.updatedEntry.addBatch(epoch, lastSeq, lastOffset, lastOffset - firstOffset, lastTimestamp);
    const open = this.updatedEntry.currentTxnFirstOffset;
    if (open !== undefined && !transactional) {
      throw new KafkaError('INVALID_TXN_STATE', `Expected transactional write from producer ${this.producerId} at offset ${firstOffset} in partition ${this.partition}`);
    }
    if (open === undefined && transactional) {
      this.updatedEntry.currentTxnFirstOffset = firstOffset;
      this.startedTransactions.push({ producerId: this.producerId, firstOffset });
    }
  }

  appendEndTxnMarker(marker: TxnMarker, producerEpoch: number, offset: number, timestamp: number): CompletedTxn | undefined {
    this.checkProducerEpoch(producerEpoch, offset);
    if (this.updatedEntry.coordinatorEpoch > marker.coordinatorEpoch && this.origin !== 'replication') {
      throw new KafkaError(
        'TRANSACTION_COORDINATOR_FENCED',
        `Invalid coordinator epoch for producerId ${this.producerId} at offset ${offset} in partition ${this.partition}: ${marker.coordinatorEpoch} (zombie), ${this.updatedEntry.coordinatorEpoch} (current)`,
      );
    }
    const first = this.updatedEntry.currentTxnFirstOffset;
    const completed = first !== undefined ? { producerId: this.producerId, firstOffset: first, lastOffset: offset, isAborted: marker.isAbort } : undefined;
    this.updatedEntry.updateFromMarker(producerEpoch, marker.coordinatorEpoch, timestamp);
    return completed;
  }

  private checkProducerEpoch(epoch: number, offset: number): void {
    const current = this.updatedEntry.producerEpoch;
    if (epoch >= current) return;
    // A replica takes what its leader wrote (Kafka only logs it there).
    if (this.origin === 'replication') return;
    // Kafka answers INVALID_PRODUCER_EPOCH here for every Produce version (PRODUCER_FENCED is the coordinator's).
    throw new KafkaError(
      'INVALID_PRODUCER_EPOCH',
      `Epoch of producer ${this.producerId} at offset ${offset} in ${this.partition} is ${epoch}, which is smaller than the last seen epoch ${current}`,
    );
  }

  private checkSequence(epoch: number, firstSeq: number, offset: number): void {
    if (epoch !== this.updatedEntry.producerEpoch) {
      // A new epoch starts at 0; a producer with no state here may start anywhere (KIP-360).
      if (firstSeq !== 0 && this.updatedEntry.producerEpoch !== NO_PRODUCER_EPOCH) {
        throw new KafkaError(
          'OUT_OF_ORDER_SEQUENCE_NUMBER',
          `Invalid sequence number for new epoch of producer ${this.producerId} at offset ${offset} in partition ${this.partition}: ${epoch} (request epoch), ${firstSeq} (seq. number), ${this.updatedEntry.producerEpoch} (current producer epoch)`,
        );
      }
      return;
    }
    let currentLastSeq: number;
    if (!this.updatedEntry.isEmpty) currentLastSeq = this.updatedEntry.lastSeq;
    else if (epoch === this.currentEntry.producerEpoch) currentLastSeq = this.currentEntry.lastSeq;
    else currentLastSeq = NO_SEQUENCE;
    // With no known epoch (everything of the producer went with retention or DeleteRecords) any sequence goes.
    if (this.currentEntry.producerEpoch !== NO_PRODUCER_EPOCH && !inSequence(currentLastSeq, firstSeq)) {
      throw new KafkaError(
        'OUT_OF_ORDER_SEQUENCE_NUMBER',
        `Out of order sequence number for producer ${this.producerId} at offset ${offset} in partition ${this.partition}: ${firstSeq} (incoming seq. number), ${currentLastSeq} (current end sequence number)`,
      );
    }
  }

  toEntry(): ProducerStateEntry {
    return this.updatedEntry;
  }
}

function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === INT32_MAX);
}

/** Kafka's hasProducerId. */
export function hasProducerId(h: BatchHeader): boolean {
  return h.producerId > NO_PRODUCER_ID;
}

/** The result of checking one append against the producer state. */
export interface ProducerStateAnalysis {
  updatedProducers: ReadonlyMap<number, ProducerAppendInfo>;
  completedTxns: readonly CompletedTxn[];
  /** Set when the (client) append repeats a retained batch: nothing may be written, the answer is this batch. */
  duplicate?: BatchMetadata;
}

const NO_PRODUCER_STATE: ProducerStateAnalysis = Object.freeze({ updatedProducers: new Map(), completedTxns: [] });

export interface ProducerStateManagerOptions {
  /** producer.id.expiration.ms. */
  producerIdExpirationMs?: number;
  /** producer.id.expiration.check.interval.ms: expiry runs at most this often, on the next update. */
  expirationCheckIntervalMs?: number;
  now?: () => number;
  logger?: Logger;
}

/** The path of the snapshot at `offset` in `dir`. */
export function producerSnapshotFile(dir: string, offset: number): string {
  return path.join(dir, filenamePrefixFromOffset(offset) + SNAPSHOT_FILE_SUFFIX);
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

/** A snapshot file that cannot be read (Kafka's CorruptSnapshotException): it is deleted and an older one used. */
export class CorruptSnapshotError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CorruptSnapshotError';
  }
}

/** The bytes of a snapshot holding `entries`, producers in ascending id order. */
export function encodeProducerSnapshot(entries: Iterable<ProducerStateEntry>): Buffer {
  const list = [...entries].sort((a, b) => a.producerId - b.producerId);
  const buf = Buffer.alloc(PRODUCER_ENTRIES_OFFSET + 4 + list.length * SNAPSHOT_ENTRY_SIZE);
  buf.writeInt16BE(PRODUCER_SNAPSHOT_VERSION, VERSION_OFFSET);
  let pos = PRODUCER_ENTRIES_OFFSET;
  buf.writeInt32BE(list.length, pos);
  pos += 4;
  for (const e of list) {
    writeInt64(buf, pos, e.producerId);
    buf.writeInt16BE(e.producerEpoch, pos + 8);
    buf.writeInt32BE(e.lastSeq, pos + 10);
    writeInt64(buf, pos + 14, e.lastDataOffset);
    buf.writeInt32BE(e.lastOffsetDelta, pos + 22);
    writeInt64(buf, pos + 26, e.lastTimestamp);
    buf.writeInt32BE(e.coordinatorEpoch, pos + 34);
    writeInt64(buf, pos + 38, e.currentTxnFirstOffset ?? -1);
    pos += SNAPSHOT_ENTRY_SIZE;
  }
  buf.writeUInt32BE(crc32c(buf, PRODUCER_ENTRIES_OFFSET, buf.length), CRC_OFFSET);
  return buf;
}

/** Reads the bytes of a snapshot; throws CorruptSnapshotError for a bad version, size or CRC. */
export function decodeProducerSnapshot(buf: Buffer): ProducerStateEntry[] {
  if (buf.length < PRODUCER_ENTRIES_OFFSET + 4) throw new CorruptSnapshotError(`Snapshot failed schema validation: ${buf.length} bytes are too few`);
  const version = buf.readInt16BE(VERSION_OFFSET);
  if (version !== PRODUCER_SNAPSHOT_VERSION) throw new CorruptSnapshotError(`Snapshot contained an unknown file version ${version}`);
  const count = buf.readInt32BE(PRODUCER_ENTRIES_OFFSET);
  if (count < 0 || PRODUCER_ENTRIES_OFFSET + 4 + count * SNAPSHOT_ENTRY_SIZE > buf.length) {
    throw new CorruptSnapshotError(`Snapshot failed schema validation: ${count} entries do not fit in ${buf.length} bytes`);
  }
  const stored = buf.readUInt32BE(CRC_OFFSET);
  const computed = crc32c(buf, PRODUCER_ENTRIES_OFFSET, buf.length);
  if (stored !== computed) throw new CorruptSnapshotError(`Snapshot is corrupt (CRC is no longer valid). Stored crc: ${stored}. Computed crc: ${computed}`);
  const entries: ProducerStateEntry[] = [];
  let pos = PRODUCER_ENTRIES_OFFSET + 4;
  for (let i = 0; i < count; i++) {
    const producerId = readInt64(buf, pos);
    const epoch = buf.readInt16BE(pos + 8);
    const lastSeq = buf.readInt32BE(pos + 10);
    const lastOffset = readInt64(buf, pos + 14);
    const offsetDelta = buf.readInt32BE(pos + 22);
    const timestamp = readInt64(buf, pos + 26);
    const coordinatorEpoch = buf.readInt32BE(pos + 34);
    const txnFirst = readInt64(buf, pos + 38);
    const batch = lastOffset >= 0 ? new BatchMetadata(lastSeq, lastOffset, offsetDelta, timestamp) : undefined;
    entries.push(new ProducerStateEntry(producerId, epoch, coordinatorEpoch, timestamp, txnFirst >= 0 ? txnFirst : undefined, batch));
    pos += SNAPSHOT_ENTRY_SIZE;
  }
  return entries;
}

/** Reads a snapshot file (for the log and for dump tools). */
export function readProducerSnapshot(file: string): ProducerStateEntry[] {
  return decodeProducerSnapshot(io.readFileSync(file) as Buffer);
}

/** The marker in a control batch, or undefined when the batch has no record left. Throws for anything else. */
export function readTxnMarker(batch: Buffer): TxnMarker | undefined {
  const records = decodeRecords(batch);
  if (records.length === 0) return undefined;
  const m = decodeEndTxnMarker(records[0]);
  return { isAbort: m.type === ControlRecordType.Abort, coordinatorEpoch: m.coordinatorEpoch, timestamp: records[0].timestamp };
}

/**
 * Kafka's LogSegments.values(from, to): the segments holding offsets in [from, to), from the one containing
 * `from` on, up to those starting before `to`.
 */
function segmentsInRange(segments: readonly LogSegment[], from: number, to: number): LogSegment[] {
  if (from >= to) return [];
  const out: LogSegment[] = [];
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    const next = segments[i + 1];
    if (seg.baseOffset >= to) break;
    if (next && next.baseOffset <= from) continue;
    out.push(seg);
  }
  return out;
}

/** The segment holding `offset`: the last one starting at or before it. */
function floorSegment(segments: readonly LogSegment[], offset: number): LogSegment | undefined {
  let found: LogSegment | undefined;
  for (const s of segments) {
    if (s.baseOffset > offset) break;
    found = s;
  }
  return found;
}

/** Replays the batches of `seg` from the one holding `startOffset` up to `maxPosition`, as replicated data. */
/** Told of each transaction a replayed marker completes, with the last stable offset then (for .txnindex). */
export type CompletedTxnHook = (segment: LogSegment, txn: CompletedTxn, lastStableOffset: number) => void;

function replaySegment(psm: ProducerStateManager, seg: LogSegment, startOffset: number, maxPosition: number, logger: Logger, onCompletedTxn?: CompletedTxnHook): void {
  const start = seg.translateOffset(startOffset);
  if (!start || start.position >= maxPosition) return;
  const loaded = new Map<number, ProducerAppendInfo>();
  const completed: CompletedTxn[] = [];
  seg.scanBatches(
    start.position,
    (b) => {
      const h = b.header;
      if (!hasProducerId(h)) return true;
      try {
        let marker: TxnMarker | undefined;
        if (isControl(h.attributes) && h.recordCount > 0) {
          const read = seg.read(h.baseOffset, 1, seg.size, true);
          if (read) marker = readTxnMarker(read.records.subarray(0, h.batchLength + LOG_OVERHEAD));
        }
        let info = loaded.get(h.producerId);
        if (!info) loaded.set(h.producerId, (info = psm.prepareUpdate(h.producerId, 'replication')));
        const c = info.append(h, marker);
        if (c) completed.push(c);
      } catch (e) {
        logger.warn(`${psm.partition}: skipping the batch at offset ${h.baseOffset} while rebuilding producer state: ${(e as Error).message}`);
      }
      return true;
    },
    maxPosition,
  );
  for (const info of loaded.values()) psm.update(info);
  for (const c of completed) {
    onCompletedTxn?.(seg, c, psm.lastStableOffset(c));
    psm.completeTxn(c);
  }
}

/**
 * Brings the producer state to `lastOffset` (Kafka's UnifiedLog.rebuildProducerState): from the latest snapshot in
 * (logStartOffset, lastOffset], replaying the batches after it, then writes a snapshot at `lastOffset`. Snapshots
 * are also taken at the base offsets of the last two segments on the way. After a clean shutdown that left no
 * snapshot at all (a log written before producer state existed), nothing is replayed: there was no state.
 */
export function rebuildProducerState(
  psm: ProducerStateManager,
  segments: readonly LogSegment[],
  logStartOffset: number,
  lastOffset: number,
  reloadFromCleanShutdown: boolean,
  logger: Logger = silentLogger,
  onCompletedTxn?: CompletedTxnHook,
): void {
  const offsetsToSnapshot: number[] = [];
  if (segments.length > 1) offsetsToSnapshot.push(segments[segments.length - 2].baseOffset);
  if (segments.length > 0) offsetsToSnapshot.push(segments[segments.length - 1].baseOffset);
  offsetsToSnapshot.push(lastOffset);

  if (psm.latestSnapshotOffset === undefined && reloadFromCleanShutdown) {
    for (const offset of offsetsToSnapshot) {
      psm.updateMapEndOffset(offset);
      psm.takeSnapshot();
    }
    return;
  }
  const isEmptyBeforeTruncation = psm.isEmpty && psm.mapEndOffset >= lastOffset;
  psm.truncateAndReload(logStartOffset, lastOffset);
  if (lastOffset > psm.mapEndOffset && !isEmptyBeforeTruncation) {
    const segmentOfLastOffset = floorSegment(segments, lastOffset);
    for (const seg of segmentsInRange(segments, psm.mapEndOffset, lastOffset)) {
      const startOffset = Math.max(seg.baseOffset, psm.mapEndOffset, logStartOffset);
      psm.updateMapEndOffset(startOffset);
      if (offsetsToSnapshot.includes(seg.baseOffset)) psm.takeSnapshot();
      let maxPosition = seg.size;
      if (seg === segmentOfLastOffset) maxPosition = seg.translateOffset(lastOffset)?.position ?? seg.size;
      replaySegment(psm, seg, startOffset, maxPosition, logger, onCompletedTxn);
    }
  }
  psm.updateMapEndOffset(lastOffset);
  psm.takeSnapshot();
}

/**
 * Loads a log's producer state at open (Kafka's LogLoader): drops stray snapshots; after an unclean shutdown also
 * every snapshot above the first segment that had to be recovered (it may describe data that never reached the
 * disk); then rebuilds from the latest remaining snapshot to the log end.
 */
export function loadProducerState(
  psm: ProducerStateManager,
  p: { segments: readonly LogSegment[]; logStartOffset: number; logEndOffset: number; hadCleanShutdown: boolean; firstRecoveredOffset?: number; logger?: Logger; onCompletedTxn?: CompletedTxnHook },
): void {
  psm.removeStraySnapshots(p.segments.map((s) => s.baseOffset));
  if (!p.hadCleanShutdown && p.firstRecoveredOffset !== undefined) psm.deleteSnapshotsAfter(p.firstRecoveredOffset);
  rebuildProducerState(psm, p.segments, p.logStartOffset, p.logEndOffset, p.hadCleanShutdown, p.logger, p.onCompletedTxn);
}

/** Re-exported for callers that check sequences themselves (tests, dump tools). */
export { incrementSequence };
