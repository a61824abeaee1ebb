/**
 * What OffsetIndex and TimeIndex share: fixed-size entries kept sorted, appended to a file and mirrored in memory
 * (Kafka mmaps; Node cannot, so we keep the file's image in a Buffer). Entries of inactive segments are loaded on
 * first use, which is what keeps a restart with a large log fast.
 * Unlike Kafka we never preallocate, so the file length is always entries * entrySize; a preallocated file from a
 * real Kafka log directory is read up to its first all-zero entry past the start.
 */
import { io, readAt, writeFully, KafkaStorageError } from './file-io';

const PENDING_LIMIT = 256;

export class CorruptIndexError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CorruptIndexError';
  }
}

export abstract class AbstractIndex {
  private image: Buffer | undefined;
  private count = 0;
  /** Entries already in the file. The rest are written in bulk (flush, roll, close, or every PENDING_LIMIT). */
  private persisted = 0;
  private fd: number | undefined;
  readonly maxEntries: number;

  constructor(
    public file: string,
    readonly baseOffset: number,
    maxIndexSize: number,
    readonly entrySize: number,
  ) {
    this.maxEntries = Math.floor(maxIndexSize / entrySize);
  }

  /** Number of entries; loads the file on first use. */
  get entries(): number {
    this.load();
    return this.count;
  }

  isFull(): boolean {
    return this.entries >= this.maxEntries;
  }

  sizeInBytes(): number {
    return this.entries * this.entrySize;
  }

  protected buffer(): Buffer {
    this.load();
    return this.image!;
  }

  private load(): void {
    if (this.image) return;
    let data: Buffer = Buffer.alloc(0);
    if (io.existsSync(this.file)) data = io.readFileSync(this.file) as Buffer;
    const whole = Math.floor(data.length / this.entrySize);
    let n = whole;
    // A real Kafka index of an active segment is preallocated with zeros; its entries end where zeros begin.
    for (let i = 1; i < whole; i++) {
      if (this.isZeroEntry(data, i)) {
        n = i;
        break;
      }
    }
    this.image = Buffer.alloc(Math.max(n, 16) * this.entrySize);
    data.copy(this.image, 0, 0, n * this.entrySize);
    this.count = n;
    this.persisted = n;
    this.entriesReplaced();
    this.trailingBytes = data.length - n * this.entrySize;
  }

  /** Bytes past the last whole entry when loaded: a torn write or preallocation. sanityCheck() reports them. */
  protected trailingBytes = 0;

  private isZeroEntry(data: Buffer, i: number): boolean {
    for (let j = i * this.entrySize; j < (i + 1) * this.entrySize; j++) if (data[j] !== 0) return false;
    return true;
  }

  /**
   * Makes room for one more entry and returns its byte position in the image; the subclass writes the entry there
   * and calls endAppend(). Written in place rather than copied from a scratch buffer: this runs on every append.
   */
  protected beginAppend(): number {
    this.load();
    if (this.count >= this.maxEntries) throw new CorruptIndexError(`attempt to append to a full index ${this.file}`);
    if ((this.count + 1) * this.entrySize > this.image!.length) {
      const bigger = Buffer.alloc(this.image!.length * 2);
      this.image!.copy(bigger, 0, 0, this.count * this.entrySize);
      this.image = bigger;
    }
    return this.count * this.entrySize;
  }

  /** Called when entries are loaded, dropped or truncated (not appended): subclasses drop what they cached. */
  protected entriesReplaced(): void {}

  protected endAppend(): void {
    this.count++;
    // Kafka's index is an mmap: no syscall per entry. Ours batches them; an entry lost in a crash is rebuilt by
    // recovery, which rescans everything past the recovery point, and a roll or clean stop writes them all.
    if (this.count - this.persisted >= PENDING_LIMIT) this.persist();
  }

  /** Writes the entries not yet in the file (creating it if needed). */
  persist(): void {
    if (!this.image && this.fd === undefined && io.existsSync(this.file)) return;
    try {
      if (this.fd === undefined) this.fd = io.openSync(this.file, 'a+');
      if (this.count > this.persisted) {
        writeFully(this.fd, this.image!.subarray(this.persisted * this.entrySize, this.count * this.entrySize), this.persisted * this.entrySize);
        this.persisted = this.count;
      }
    } catch (e) {
      throw new KafkaStorageError(`cannot write index ${this.file}: ${(e as Error).message}`, e);
    }
  }

  /** Keeps the first `n` entries. */
  protected truncateToEntries(n: number): void {
    this.load();
    if (n >= this.count && this.trailingBytes === 0) return;
    this.count = Math.min(n, this.count);
    this.entriesReplaced();
    this.persisted = Math.min(this.persisted, this.count);
    this.trailingBytes = 0;
    this.closeFd();
    if (io.existsSync(this.file)) {
      const fd = io.openSync(this.file, 'r+');
      try {
        io.ftruncateSync(fd, this.persisted * this.entrySize);
      } finally {
        io.closeSync(fd);
      }
    }
  }

  /** Index of the last entry whose key <= target, or -1. `keyAt` must be non-decreasing. */
  protected largestLowerBound(target: number, keyAt: (slot: number) => number): number {
    const n = this.entries;
    if (n === 0 || keyAt(0) > target) return -1;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (keyAt(mid) <= target) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Drops every entry; the file becomes empty. */
  reset(): void {
    this.load();
    this.truncateToEntries(0);
  }

  abstract sanityCheck(): void;

  /**
   * Checks the file without loading it: whole entries only, and a last entry that makes sense for a segment of
   * `logSize` bytes. Returns what is wrong, or undefined.
   */
  quickCheck(logSize: number): string | undefined {
    const size = io.statSync(this.file).size;
    if (size % this.entrySize !== 0) return `${this.file} is ${size} bytes, not a whole number of ${this.entrySize}-byte entries`;
    if (size === 0) return undefined;
    const fd = io.openSync(this.file, 'r');
    try {
      return this.checkLastEntry(readAt(fd, size - this.entrySize, this.entrySize), logSize);
    } finally {
      io.closeSync(fd);
    }
  }

  protected abstract checkLastEntry(entry: Buffer, logSize: number): string | undefined;

  protected checkLength(): void {
    if (this.trailingBytes !== 0) {
      throw new CorruptIndexError(
        `index file ${this.file} has ${this.trailingBytes} bytes past its last whole ${this.entrySize}-byte entry`,
      );
    }
  }

  flush(): void {
    this.persist();
    if (this.fd !== undefined) io.fsyncSync(this.fd);
  }

  /** Writes what is pending and releases the file handle, keeping entries in memory. */
  closeHandler(): void {
    this.persist();
    this.closeFd();
  }

  close(): void {
    this.persist();
    this.closeFd();
  }

  /** Forgets the in-memory image of an inactive segment; it is read again when next needed. */
  unload(): void {
    this.persist();
    this.closeFd();
    this.image = undefined;
    this.count = 0;
    this.entriesReplaced();
  }

  private closeFd(): void {
    if (this.fd !== undefined) {
      io.closeSync(this.fd);
      this.fd = undefined;
    }
  }

  renameTo(file: string): void {
    this.persist();
    this.closeFd();
    if (io.existsSync(this.file)) io.renameSync(this.file, file);
    this.file = file;
  }

  deleteIfExists(): void {
    this.closeFd();
    if (io.existsSync(this.file)) io.unlinkSync(this.file);
  }
}
