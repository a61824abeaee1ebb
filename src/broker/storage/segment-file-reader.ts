/**
 * The one walker over a segment's .log file for the dump tools, `tributary dump-log` (src/cli/dump-log.ts) and the
 * segment inspector (src/broker/segment-dump.ts): batch by batch from a position, as Kafka's FileLogInputStream reads
 * a FileRecords, so that both give the same verdict on the same bytes.
 *
 * Unlike LogSegment (the broker's own segments, trusted and read synchronously), it reads any file, a real Kafka
 * log directory's too, and never throws on bad bytes: a walk ends at the end of the file, or at a torn or corrupt
 * tail and says why. Reads are positioned and asynchronous (the inspector runs on the extension host), through a
 * one-chunk cache so that a run of small batches costs one read; a 1 GB segment is never loaded whole.
 */
import * as fs from 'node:fs';
import { BatchHeader, LOG_OVERHEAD, MAGIC_OFFSET, MAGIC_VALUE_V2, RECORD_BATCH_OVERHEAD, lastOffsetOf, readBatchHeader } from '../records/batch-header';

/** Bytes up to and including magic: enough to size a batch and know its format. */
const HEADER_UP_TO_MAGIC = MAGIC_OFFSET + 1;
/** Reads of the log are done in chunks of this size. */
const CHUNK = 1 << 20;

/** A complete batch at `position`. */
interface FileBatch {
  position: number;
  header: BatchHeader;
  /** Bytes of the whole batch, log overhead included. */
  size: number;
}

/** Why there is no complete batch at a position: the end of the file, a torn batch, or bytes that are no batch. */
interface WalkEnd {
  end: 'eof' | 'truncated' | 'corrupt';
  reason: string;
}

export class SegmentFileReader {
  private chunk = Buffer.alloc(0);
  private chunkStart = 0;

  private constructor(
    private readonly fh: fs.promises.FileHandle,
    readonly file: string,
    readonly size: number,
  ) {}

  static async open(file: string): Promise<SegmentFileReader> {
    const fh = await fs.promises.open(file, 'r');
    try {
      return new SegmentFileReader(fh, file, (await fh.stat()).size);
    } catch (e) {
      await fh.close();
      throw e;
    }
  }

  close(): Promise<void> {
    return this.fh.close();
  }

  /** `length` bytes at `position` (fewer at the end of the file). The result may share memory with the cache. */
  async read(position: number, length: number): Promise<Buffer> {
    const end = Math.min(position + length, this.size);
    if (position >= this.chunkStart && end <= this.chunkStart + this.chunk.length) {
      return this.chunk.subarray(position - this.chunkStart, end - this.chunkStart);
    }
    const want = Math.max(end - position, Math.min(CHUNK, this.size - position));
    const buf = Buffer.allocUnsafe(want);
    let done = 0;
    while (done < want) {
      const { bytesRead } = await this.fh.read(buf, done, want - done, position + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    this.chunk = buf.subarray(0, done);
    this.chunkStart = position;
    return this.chunk.subarray(0, Math.min(done, end - position));
  }

  /** The batch at `position`, or why there is no complete batch there. */
  async batchAt(position: number): Promise<FileBatch | WalkEnd> {
    const remaining = this.size - position;
    if (remaining <= 0) return { end: 'eof', reason: 'end of file' };
    if (remaining < HEADER_UP_TO_MAGIC) return { end: 'truncated', reason: `only ${remaining} bytes, less than a batch header` };
    const head = await this.read(position, HEADER_UP_TO_MAGIC);
    const size = head.readInt32BE(8) + LOG_OVERHEAD;
    const magic = head.readInt8(MAGIC_OFFSET);
    if (size < RECORD_BATCH_OVERHEAD) return { end: 'corrupt', reason: `batch length field gives ${size} bytes, less than the ${RECORD_BATCH_OVERHEAD}-byte header` };
    if (magic !== MAGIC_VALUE_V2) return { end: 'corrupt', reason: `magic ${magic}, only magic 2 is supported` };
    if (remaining < size) return { end: 'truncated', reason: `a ${size}-byte batch starts here but only ${remaining} bytes follow` };
    return { position, header: readBatchHeader(await this.read(position, RECORD_BATCH_OVERHEAD)), size };
  }

  /**
   * Hands every batch from `position` on to `visit` until it returns false or no complete batch follows. Returns
   * where the walk stopped and, unless `visit` stopped it, why.
   */
  async walk(position: number, visit: (b: FileBatch) => boolean | Promise<boolean>): Promise<{ position: number; end?: WalkEnd }> {
    for (;;) {
      const b = await this.batchAt(position);
      if ('end' in b) return { position, end: b };
      if (!(await visit(b))) return { position };
      position += b.size;
    }
  }

  /**
   * The batch holding `offset`, or the first after it, walking from `position` (a batch start taken from the offset
   * index, as Kafka's LogSegment.translateOffset does). Undefined when none follows.
   */
  async batchHolding(position: number, offset: number): Promise<FileBatch | undefined> {
    if (position < 0 || position >= this.size) return undefined;
    let found: FileBatch | undefined;
    await this.walk(position, (b) => {
      if (lastOffsetOf(b.header) < offset) return true;
      found = b;
      return false;
    });
    return found;
  }
}
