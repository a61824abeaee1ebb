/**
 * One segment of a partition's log: the `.log` file of record batches plus its `.index` and `.timeindex`.
 * Appends go to the end; reads start at the batch that contains the requested offset (whole batches, as Kafka
 * serves them); recovery rescans the file, rebuilding the indexes and cutting off a torn or corrupt tail.
 */
import {
  BatchHeader,
  LOG_OVERHEAD,
  RECORD_BATCH_OVERHEAD,
  CRC_OFFSET,
  ATTRIBUTES_OFFSET,
  readBatchHeader,
} from '../records/batch-header';
import { crc32c } from '../records/crc32c';
import { decodeRecords } from '../records/record-batch';
import { io, readAt, writeFully, KafkaStorageError } from './file-io';
import { OffsetIndex } from './offset-index';
import { TimeIndex, TimestampOffset } from './time-index';
import { logFile, offsetIndexFile, timeIndexFile, txnIndexFile } from './log-files';
import { TransactionIndex, AbortedTxn } from './transaction-index';

export interface BatchPosition {
  position: number;
  header: BatchHeader;
}

interface LogOffsetPosition {
  /** Last offset of the batch found. */
  offset: number;
  position: number;
  size: number;
}

interface SegmentRead {
  records: Buffer;
  /** Position in this segment of the first byte returned. */
  position: number;
}

interface RecoveryResult {
  truncatedBytes: number;
  /** Why the tail was cut, for the log line. */
  reason?: string;
  validBatches: number;
}

export interface SegmentConfig {
  indexIntervalBytes: number;
  segmentIndexBytes: number;
  segmentJitterMs: number;
}

const SCAN_CHUNK = 64 * 1024;
const MIN_BATCH_LENGTH = RECORD_BATCH_OVERHEAD - LOG_OVERHEAD;

export class LogSegment {
  private fd: number | undefined;
  private bytesSinceLastIndexEntry = 0;
  private maxTs: TimestampOffset | undefined;
  private rollingBasedTimestamp: number | undefined;
  readonly created = Date.now();

  private constructor(
    readonly dir: string,
    readonly baseOffset: number,
    public file: string,
    readonly offsetIndex: OffsetIndex,
    readonly timeIndex: TimeIndex,
    readonly txnIndex: TransactionIndex,
    private config: SegmentConfig,
    private _size: number,
  ) {}

  /** Opens (or creates) the segment starting at `baseOffset` in `dir`. */
  static open(dir: string, baseOffset: number, config: SegmentConfig, suffix = ''): LogSegment {
    const file = logFile(dir, baseOffset, suffix);
    const exists = io.existsSync(file);
    if (!exists) {
      const fd = io.openSync(file, 'w');
      io.closeSync(fd);
    }
    const size = exists ? io.statSync(file).size : 0;
    return new LogSegment(
      dir,
      baseOffset,
      file,
      new OffsetIndex(offsetIndexFile(dir, baseOffset, suffix), baseOffset, config.segmentIndexBytes),
      new TimeIndex(timeIndexFile(dir, baseOffset, suffix), baseOffset, config.segmentIndexBytes),
      new TransactionIndex(txnIndexFile(dir, baseOffset, suffix), baseOffset),
      config,
      size,
    );
  }

  get size(): number {
    return this._size;
  }

  updateConfig(config: SegmentConfig): void {
    this.config = config;
  }

  private handle(): number {
    if (this.fd === undefined) this.fd = io.openSync(this.file, 'r+');
    return this.fd;
  }

  /** The largest timestamp in the segment and the offset of the batch that carries it. */
  get maxTimestampSoFar(): TimestampOffset {
    if (!this.maxTs) this.maxTs = this.timeIndex.lastEntry();
    return this.maxTs;
  }

  /**
   * Appends batches whose offsets are already assigned. `batches` are the positions of the batches inside
   * `records` with their headers, so that the caller's validation pass is not repeated here.
   * On a failed write the file is cut back to its old size: a partial batch never stays in the log.
   */
  append(records: Buffer, batches: readonly BatchPosition[]): void {
    if (records.length === 0) return;
    const start = this._size;
    const fd = this.handle();
    try {
      writeFully(fd, records, start);
    } catch (e) {
      try {
        io.ftruncateSync(fd, start);
      } catch {
        // The error below says the disk failed; the next recovery will cut the tail anyway.
      }
      throw new KafkaStorageError(`failed to append ${records.length} bytes to ${this.file}: ${(e as Error).message}`, e);
    }
    this._size = start + records.length;
    if (this.rollingBasedTimestamp === undefined && start === 0) {
      this.rollingBasedTimestamp = batches[0].header.maxTimestamp;
    }
    for (const b of batches) this.indexBatch(b.header, start + b.position);
  }

  private indexBatch(h: BatchHeader, physicalPosition: number): void {
    const lastOffset = h.baseOffset + h.lastOffsetDelta;
    let max = this.maxTimestampSoFar;
    if (h.maxTimestamp > max.timestamp) this.maxTs = max = { timestamp: h.maxTimestamp, offset: lastOffset };
    if (this.bytesSinceLastIndexEntry > this.config.indexIntervalBytes) {
      this.offsetIndex.append(lastOffset, physicalPosition);
      this.timeIndex.maybeAppend(max.timestamp, max.offset);
      this.bytesSinceLastIndexEntry = 0;
    }
    this.bytesSinceLastIndexEntry += h.batchLength + LOG_OVERHEAD;
  }

  /**
   * Walks the batch headers from `position`, reading the file in chunks. `visit` returns false to stop.
   * Stops at the end of the file or at a header that cannot be read whole.
   */
  scanBatches(position: number, visit: (b: BatchPosition) => boolean, end = this._size): void {
    let chunk: Buffer = Buffer.alloc(0);
    let chunkStart = position;
    let pos = position;
    while (pos + RECORD_BATCH_OVERHEAD <= end) {
      if (pos + RECORD_BATCH_OVERHEAD > chunkStart + chunk.length) {
        chunkStart = pos;
        chunk = readAt(this.handle(), pos, Math.min(SCAN_CHUNK, end - pos));
        if (chunk.length < RECORD_BATCH_OVERHEAD) return;
      }
      const header = readBatchHeader(chunk, pos - chunkStart);
      if (header.batchLength < MIN_BATCH_LENGTH) return;
      if (!visit({ position: pos, header })) return;
      pos += header.batchLength + LOG_OVERHEAD;
    }
  }

  /** The first batch whose last offset >= `offset`, scanning from the index entry at or before it. */
  translateOffset(offset: number, startingFilePosition = 0): LogOffsetPosition | undefined {
    const mapping = this.offsetIndex.lookup(offset);
    let found: LogOffsetPosition | undefined;
    this.scanBatches(Math.max(mapping.position, startingFilePosition), (b) => {
      const last = b.header.baseOffset + b.header.lastOffsetDelta;
      if (last >= offset) {
        found = { offset: last, position: b.position, size: b.header.batchLength + LOG_OVERHEAD };
        return false;
      }
      return true;
    });
    return found;
  }

  /**
   * Reads whole batches starting with the one that contains `startOffset`, up to `maxSize` bytes and not past
   * `maxPosition`. With `minOneMessage` the first batch is returned whole even when larger than `maxSize`
   * (Kafka's KIP-74 rule, so a consumer never gets stuck behind a big batch).
   */
  read(startOffset: number, maxSize: number, maxPosition = this._size, minOneMessage = false): SegmentRead | undefined {
    const start = this.translateOffset(startOffset);
    if (!start || start.position >= maxPosition) return undefined;
    const firstSize = start.size;
    const budget = minOneMessage ? Math.max(maxSize, firstSize) : maxSize;
    const limit = Math.min(maxPosition - start.position, budget);
    if (limit < firstSize) return { records: Buffer.alloc(0), position: start.position };
    const data = readAt(this.handle(), start.position, limit);
    // Cut at the last whole batch so that clients never see a partial one.
    let end = 0;
    while (end + LOG_OVERHEAD <= data.length) {
      const size = data.readInt32BE(end + 8) + LOG_OVERHEAD;
      if (end + size > data.length) break;
      end += size;
    }
    return { records: end === data.length ? data : data.subarray(0, end), position: start.position };
  }

  /** The offset after the last batch, or the base offset when empty. */
  readNextOffset(): number {
    let next = this.baseOffset;
    this.scanBatches(this.offsetIndex.lastEntry().position, (b) => {
      next = b.header.baseOffset + b.header.lastOffsetDelta + 1;
      return true;
    });
    return next;
  }

  /** The first offset >= startingOffset whose timestamp >= `timestamp`, with that timestamp. */
  findOffsetByTimestamp(timestamp: number, startingOffset = this.baseOffset): TimestampOffset | undefined {
    const ts = this.timeIndex.lookup(timestamp);
    const position = this.offsetIndex.lookup(Math.max(ts.offset, startingOffset)).position;
    let result: TimestampOffset | undefined;
    this.scanBatches(position, (b) => {
      if (b.header.maxTimestamp < timestamp) return true;
      const batch = readAt(this.handle(), b.position, b.header.batchLength + LOG_OVERHEAD);
      for (const r of decodeRecords(batch)) {
        if (r.timestamp >= timestamp && r.offset >= startingOffset) {
          result = { timestamp: r.timestamp, offset: r.offset };
          return false;
        }
      }
      return true;
    });
    return result;
  }

  /**
   * Rebuilds both indexes by reading every batch, checking framing and CRC. Everything from the first bad batch
   * on is cut off. `onBatch` lets the log rebuild its leader-epoch cache and producer state on the way.
   */
  recover(onBatch?: (h: BatchHeader) => void): RecoveryResult {
    this.offsetIndex.reset();
    this.timeIndex.reset();
    // Rebuilt from the markers when the log replays this segment into its producer state.
    this.txnIndex.reset();
    this.bytesSinceLastIndexEntry = 0;
    this.maxTs = { timestamp: -1, offset: this.baseOffset };
    this.rollingBasedTimestamp = undefined;
    const fileSize = io.statSync(this.file).size;
    this._size = fileSize;
    let validBytes = 0;
    let validBatches = 0;
    let reason: string | undefined;
    let lastOffset = this.baseOffset - 1;
    const fd = this.handle();
    while (validBytes < fileSize) {
      if (fileSize - validBytes < RECORD_BATCH_OVERHEAD) {
        reason = `${fileSize - validBytes} bytes at position ${validBytes} are too short for a batch header`;
        break;
      }
      const head = readAt(fd, validBytes, RECORD_BATCH_OVERHEAD);
      const h = readBatchHeader(head);
      const size = h.batchLength + LOG_OVERHEAD;
      if (h.magic !== 2) {
        reason = `batch at position ${validBytes} has magic ${h.magic}, expected 2`;
        break;
      }
      if (h.batchLength < MIN_BATCH_LENGTH || validBytes + size > fileSize) {
        reason = `batch at position ${validBytes} claims ${size} bytes but ${fileSize - validBytes} remain`;
        break;
      }
      if (h.baseOffset <= lastOffset || h.lastOffsetDelta < 0) {
        reason = `batch at position ${validBytes} has offset ${h.baseOffset}, not after ${lastOffset}`;
        break;
      }
      const batch = readAt(fd, validBytes, size);
      const crc = crc32c(batch, ATTRIBUTES_OFFSET, size);
      if (crc !== batch.readUInt32BE(CRC_OFFSET)) {
        reason = `batch at position ${validBytes} (offset ${h.baseOffset}) fails its CRC check`;
        break;
      }
      if (validBatches === 0) this.rollingBasedTimestamp = h.maxTimestamp;
      this.indexBatch(h, validBytes);
      onBatch?.(h);
      lastOffset = h.baseOffset + h.lastOffsetDelta;
      validBytes += size;
      validBatches++;
    }
    const truncatedBytes = fileSize - validBytes;
    if (truncatedBytes > 0) {
      io.ftruncateSync(fd, validBytes);
      this._size = validBytes;
    }
    this.timeIndex.maybeAppend(this.maxTimestampSoFar.timestamp, this.maxTimestampSoFar.offset, true);
    // The rebuilt indexes go to disk now: a second crash must not lose them again.
    this.offsetIndex.persist();
    this.timeIndex.persist();
    return { truncatedBytes, reason, validBatches };
  }

  /** Whether appending `messagesSize` bytes with these bounds should first roll a new segment. */
  shouldRoll(segmentBytes: number, segmentMs: number, maxTimestampInMessages: number, maxOffsetInMessages: number, messagesSize: number, now: number): boolean {
    const rollingBased = this.rollingBasedTimestamp;
    const waited = rollingBased !== undefined && rollingBased >= 0 ? maxTimestampInMessages - rollingBased : now - this.created;
    const reachedRollMs = waited > segmentMs - this.config.segmentJitterMs;
    return (
      this._size > segmentBytes - messagesSize ||
      (this._size > 0 && reachedRollMs) ||
      this.offsetIndex.isFull() ||
      this.timeIndex.isFull() ||
      maxOffsetInMessages - this.baseOffset > 0x7fffffff
    );
  }

  /** Loads the first batch's timestamp after a restart so that segment.ms counts from it. */
  loadFirstBatchTimestamp(): void {
    if (this.rollingBasedTimestamp !== undefined || this._size === 0) return;
    this.scanBatches(0, (b) => {
      this.rollingBasedTimestamp = b.header.maxTimestamp;
      return false;
    });
  }

  /** Cuts the segment so that its last batch ends before `offset`; returns the bytes removed. */
  truncateTo(offset: number): number {
    const mapping = this.translateOffset(offset);
    this.offsetIndex.truncateTo(offset);
    this.timeIndex.truncateTo(offset);
    this.txnIndex.truncateTo(offset);
    this.maxTs = undefined;
    this.bytesSinceLastIndexEntry = 0;
    if (!mapping) return 0;
    const removed = this._size - mapping.position;
    io.ftruncateSync(this.handle(), mapping.position);
    this._size = mapping.position;
    if (this._size === 0) this.rollingBasedTimestamp = undefined;
    return removed;
  }

  /** The segment is no longer the active one: record its final max timestamp in the time index. */
  onBecomeInactiveSegment(): void {
    this.timeIndex.maybeAppend(this.maxTimestampSoFar.timestamp, this.maxTimestampSoFar.offset, true);
    this.offsetIndex.closeHandler();
    this.timeIndex.closeHandler();
  }

  /** Largest timestamp in the segment, or the file's modification time when it has none. */
  get largestTimestamp(): number {
    const t = this.maxTimestampSoFar.timestamp;
    return t >= 0 ? t : this.lastModified;
  }

  /** When the segment's log file was last written (Kafka's LogSegment.lastModified: also what ListOffsets v0 goes by). */
  get lastModified(): number {
    return io.statSync(this.file).mtimeMs;
  }

  flush(): void {
    if (this.fd !== undefined) io.fsyncSync(this.fd);
    this.offsetIndex.flush();
    this.timeIndex.flush();
    this.txnIndex.flush();
  }

  close(): void {
    if (this.maxTs && this.maxTs.timestamp >= 0) {
      try {
        this.timeIndex.maybeAppend(this.maxTs.timestamp, this.maxTs.offset, true);
      } catch {
        // A full or failing time index at close is rebuilt by the next recovery.
      }
    }
    this.offsetIndex.close();
    this.timeIndex.close();
    if (this.fd !== undefined) {
      io.closeSync(this.fd);
      this.fd = undefined;
    }
  }

  /** Renames the segment's files from `oldSuffix` to `newSuffix` (".deleted", ".cleaned", ".swap" or ""). */
  changeFileSuffixes(oldSuffix: string, newSuffix: string): void {
    const rename = (f: string) => (f.endsWith(oldSuffix) ? f.slice(0, f.length - oldSuffix.length) + newSuffix : f + newSuffix);
    if (this.fd !== undefined) {
      io.closeSync(this.fd);
      this.fd = undefined;
    }
    const next = rename(this.file);
    io.renameSync(this.file, next);
    this.file = next;
    this.offsetIndex.renameTo(rename(this.offsetIndex.file));
    this.timeIndex.renameTo(rename(this.timeIndex.file));
    this.txnIndex.renameTo(rename(this.txnIndex.file));
  }

  deleteIfExists(): void {
    this.close();
    if (io.existsSync(this.file)) io.unlinkSync(this.file);
    this.offsetIndex.deleteIfExists();
    this.timeIndex.deleteIfExists();
    this.txnIndex.deleteIfExists();
  }

  /** Records a transaction aborted by a marker in this segment (Kafka's updateTxnIndex); commits need no entry. */
  updateTxnIndex(txn: { producerId: number; firstOffset: number; lastOffset: number; isAborted: boolean }, lastStableOffset: number): void {
    if (!txn.isAborted || this.txnIndex.has(txn.producerId, txn.lastOffset)) return;
    const entry: AbortedTxn = { producerId: txn.producerId, firstOffset: txn.firstOffset, lastOffset: txn.lastOffset, lastStableOffset };
    this.txnIndex.append(entry);
  }
}
