/**
 * The `.txnindex` file of a segment (Kafka's TransactionIndex): one 34-byte entry per transaction aborted by a marker
 * in that segment — version (int16, 0), producer id, first offset, last offset (the marker's) and the log's last
 * stable offset when the marker was written (int64s). A read_committed fetch collects the entries that overlap what
 * it returns, so that the consumer can drop the aborted records. The file is created with its first entry; aborts
 * are rare, so each entry is written through at once.
 */
import { io, readAt, writeFully, KafkaStorageError } from './file-io';
import { readInt64, writeInt64 } from '../records/batch-header';

export const ABORTED_TXN_SIZE = 34;
const CURRENT_VERSION = 0;

export interface AbortedTxn {
  producerId: number;
  firstOffset: number;
  lastOffset: number;
  lastStableOffset: number;
}

export class TransactionIndex {
  private entries: AbortedTxn[] | undefined;

  constructor(
    public file: string,
    readonly baseOffset: number,
  ) {}

  /** Every entry, oldest first; read from the file on first use. */
  all(): readonly AbortedTxn[] {
    if (!this.entries) this.entries = this.load();
    return this.entries;
  }

  private load(): AbortedTxn[] {
    if (!io.existsSync(this.file)) return [];
    const data = io.readFileSync(this.file) as Buffer;
    const out: AbortedTxn[] = [];
    // A torn last entry (a crash mid-write) is ignored here; the segment's recovery rebuilds the file.
    for (let pos = 0; pos + ABORTED_TXN_SIZE <= data.length; pos += ABORTED_TXN_SIZE) {
      const version = data.readInt16BE(pos);
      if (version !== CURRENT_VERSION) throw new KafkaStorageError(`${this.file}: entry at ${pos} has version ${version}; only ${CURRENT_VERSION} is known`);
      out.push({ producerId: readInt64(data, pos + 2), firstOffset: readInt64(data, pos + 10), lastOffset: readInt64(data, pos + 18), lastStableOffset: readInt64(data, pos + 26) });
    }
    return out;
  }

  append(txn: AbortedTxn): void {
    const entries = this.all() as AbortedTxn[];
    const last = entries.at(-1);
    if (last && txn.lastOffset <= last.lastOffset) {
      throw new KafkaStorageError(`${this.file}: an aborted transaction ending at ${txn.lastOffset} does not follow the last one, ending at ${last.lastOffset}`);
    }
    const b = Buffer.alloc(ABORTED_TXN_SIZE);
    b.writeInt16BE(CURRENT_VERSION, 0);
    writeInt64(b, 2, txn.producerId);
    writeInt64(b, 10, txn.firstOffset);
    writeInt64(b, 18, txn.lastOffset);
    writeInt64(b, 26, txn.lastStableOffset);
    const fd = io.openSync(this.file, 'a');
    try {
      writeFully(fd, b, entries.length * ABORTED_TXN_SIZE);
    } finally {
      io.closeSync(fd);
    }
    entries.push({ ...txn });
  }

  /** True when an entry for this producer's transaction ending at `lastOffset` is already here. */
  has(producerId: number, lastOffset: number): boolean {
    return this.all().some((e) => e.producerId === producerId && e.lastOffset === lastOffset);
  }

  /**
   * The entries whose transactions overlap [fetchOffset, upperBoundOffset), and whether the search is complete: an
   * entry whose last stable offset reaches the upper bound was written after every transaction that could overlap
   * the range had ended, so later segments need not be searched (Kafka's TxnIndexSearchResult.isComplete).
   */
  collect(fetchOffset: number, upperBoundOffset: number): { aborted: AbortedTxn[]; complete: boolean } {
    const aborted: AbortedTxn[] = [];
    for (const e of this.all()) {
      if (e.lastOffset >= fetchOffset && e.firstOffset < upperBoundOffset) aborted.push(e);
      if (e.lastStableOffset >= upperBoundOffset) return { aborted, complete: true };
    }
    return { aborted, complete: false };
  }

  /** Removes the entries whose markers are at or after `offset` (the segment was cut there). */
  truncateTo(offset: number): void {
    const entries = this.all();
    const keep = entries.filter((e) => e.lastOffset < offset);
    if (keep.length === entries.length) return;
    this.rewrite(keep);
  }

  reset(): void {
    this.rewrite([]);
  }

  private rewrite(entries: AbortedTxn[]): void {
    this.entries = [];
    if (io.existsSync(this.file)) io.unlinkSync(this.file);
    for (const e of entries) this.append(e);
  }

  flush(): void {
    if (!io.existsSync(this.file)) return;
    const fd = io.openSync(this.file, 'r+');
    try {
      io.fsyncSync(fd);
    } finally {
      io.closeSync(fd);
    }
  }

  renameTo(file: string): void {
    if (io.existsSync(this.file)) io.renameSync(this.file, file);
    this.file = file;
  }

  deleteIfExists(): void {
    if (io.existsSync(this.file)) io.unlinkSync(this.file);
    this.entries = [];
  }

  /** Checks the file without keeping it: whole entries of a known version. */
  sanityCheck(): string | undefined {
    if (!io.existsSync(this.file)) return undefined;
    const size = io.statSync(this.file).size;
    if (size % ABORTED_TXN_SIZE !== 0) return `${this.file} is ${size} bytes, not a whole number of ${ABORTED_TXN_SIZE}-byte entries`;
    if (size === 0) return undefined;
    const fd = io.openSync(this.file, 'r');
    try {
      const version = readAt(fd, size - ABORTED_TXN_SIZE, 2).readInt16BE(0);
      return version === CURRENT_VERSION ? undefined : `${this.file}: last entry has version ${version}`;
    } finally {
      io.closeSync(fd);
    }
  }
}
