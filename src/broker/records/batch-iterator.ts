/**
 * Walks consecutive record batches in a buffer: a segment file read into memory, or a produce request's records.
 *
 * Reading only headers, it stops cleanly where a batch is cut short (a torn write at the tail of a log, a fetch
 * response cut at max bytes) and reports where the complete batches end, which is where log recovery truncates.
 * Structural damage (impossible length, unknown magic) throws CorruptRecordError, or with `stopOnCorrupt` ends the
 * walk there with `stopReason: 'corrupt'`. CRCs are not checked here; see verifyBatchCrc.
 */
import {
  BATCH_LENGTH_OFFSET,
  BatchHeader,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAGIC_VALUE_V2,
  RECORD_BATCH_OVERHEAD,
  readBatchHeader,
} from './batch-header';
import { CorruptRecordError } from './errors';

interface BatchEntry {
  /** Offset of the batch's first byte in the buffer. */
  position: number;
  header: BatchHeader;
  /** Whole batch in bytes: batchLength + LOG_OVERHEAD. */
  size: number;
}

interface BatchIteratorOptions {
  /** Stop instead of throwing at a batch whose header is impossible. */
  stopOnCorrupt?: boolean;
  /** A batch larger than this is corrupt (Kafka's max.message.bytes check while reading a log). */
  maxBatchSize?: number;
}

type StopReason = 'end' | 'truncated' | 'corrupt';

export class BatchIterator implements IterableIterator<BatchEntry> {
  /** Position just past the last complete batch returned so far; after the walk, where valid data ends. */
  validEnd: number;
  /** Set once the walk is over. 'end': the buffer ended exactly at a batch boundary. */
  stopReason: StopReason | undefined;
  /** With stopReason 'corrupt': what was wrong. */
  error: CorruptRecordError | undefined;

  private pos: number;

  constructor(
    private readonly buf: Buffer,
    startPos = 0,
    private readonly options: BatchIteratorOptions = {},
  ) {
    this.pos = startPos;
    this.validEnd = startPos;
  }

  /** Bytes after validEnd that did not form a complete batch. */
  get trailingBytes(): number {
    return this.buf.length - this.validEnd;
  }

  [Symbol.iterator](): IterableIterator<BatchEntry> {
    return this;
  }

  next(): IteratorResult<BatchEntry> {
    if (this.stopReason !== undefined) return { done: true, value: undefined };
    const buf = this.buf;
    const pos = this.pos;
    const remaining = buf.length - pos;
    if (remaining === 0) return this.stop('end');
    // Too short to hold the length field, or the header up to magic: a tail cut mid-header.
    if (remaining < LOG_OVERHEAD) return this.stop('truncated');
    const size = buf.readInt32BE(pos + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
    if (size < RECORD_BATCH_OVERHEAD) {
      return this.corrupt(`Record batch at position ${pos} has size ${size}, smaller than the minimum batch overhead ${RECORD_BATCH_OVERHEAD}`);
    }
    if (this.options.maxBatchSize !== undefined && size > this.options.maxBatchSize) {
      return this.corrupt(`Record batch at position ${pos} has size ${size}, larger than the maximum ${this.options.maxBatchSize}`);
    }
    if (remaining > MAGIC_OFFSET) {
      const magic = buf.readInt8(pos + MAGIC_OFFSET);
      if (magic !== MAGIC_VALUE_V2) return this.corrupt(`Invalid magic ${magic} in record batch at position ${pos}`);
    }
    if (remaining < size) return this.stop('truncated');
    this.pos = pos + size;
    this.validEnd = this.pos;
    return { done: false, value: { position: pos, header: readBatchHeader(buf, pos), size } };
  }

  private stop(reason: StopReason): IteratorResult<BatchEntry> {
    this.stopReason = reason;
    return { done: true, value: undefined };
  }

  private corrupt(message: string): IteratorResult<BatchEntry> {
    const error = new CorruptRecordError(message);
    if (!this.options.stopOnCorrupt) throw error;
    this.error = error;
    return this.stop('corrupt');
  }
}

export function iterateBatches(buf: Buffer, startPos = 0, options?: BatchIteratorOptions): BatchIterator {
  return new BatchIterator(buf, startPos, options);
}
