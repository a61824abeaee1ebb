/**
 * The `.timeindex` file: 12-byte entries (timestamp, offset relative to the base offset), added only when the
 * segment's max timestamp grows, so finding an offset by time is a binary search and a short scan.
 */
import { AbstractIndex, CorruptIndexError } from './abstract-index';

export interface TimestampOffset {
  timestamp: number;
  offset: number;
}

const TIME_INDEX_ENTRY_SIZE = 12;

export class TimeIndex extends AbstractIndex {
  /** The last entry's timestamp (undefined: not known): maybeAppend compares against it on every indexed batch. */
  private lastTimestamp: number | undefined;

  constructor(file: string, baseOffset: number, maxIndexSize = 10 * 1024 * 1024) {
    super(file, baseOffset, maxIndexSize, TIME_INDEX_ENTRY_SIZE);
  }

  private timestampAt(slot: number): number {
    const b = this.buffer();
    return b.readInt32BE(slot * 12) * 4294967296 + b.readUInt32BE(slot * 12 + 4);
  }

  entry(slot: number): TimestampOffset {
    return { timestamp: this.timestampAt(slot), offset: this.baseOffset + this.buffer().readInt32BE(slot * 12 + 8) };
  }

  /** The last entry, or (-1, baseOffset) when empty. */
  lastEntry(): TimestampOffset {
    return this.entries === 0 ? { timestamp: -1, offset: this.baseOffset } : this.entry(this.entries - 1);
  }

  /** The entry with the largest timestamp <= target, or (-1, baseOffset). */
  lookup(targetTimestamp: number): TimestampOffset {
    const slot = this.largestLowerBound(targetTimestamp, (s) => this.timestampAt(s));
    return slot < 0 ? { timestamp: -1, offset: this.baseOffset } : this.entry(slot);
  }

  /**
   * Adds (timestamp, offset) if the timestamp is larger than the last entry's. `skipFullCheck` lets a segment
   * that is being rolled record its final max timestamp even when the index is full (as Kafka does).
   */
  maybeAppend(timestamp: number, offset: number, skipFullCheck = false): void {
    const n = this.entries;
    const full = n >= this.maxEntries;
    if (!skipFullCheck && full) throw new CorruptIndexError(`attempt to append to a full time index ${this.file}`);
    if (n > 0) {
      const lastOffset = this.baseOffset + this.buffer().readInt32BE((n - 1) * 12 + 8);
      if (offset < lastOffset) {
        throw new CorruptIndexError(`attempt to append offset ${offset} to ${this.file}, smaller than its last offset ${lastOffset}`);
      }
      if (this.lastTimestamp === undefined) this.lastTimestamp = this.timestampAt(n - 1);
      if (timestamp <= this.lastTimestamp) return;
    }
    if (full) return;
    const at = this.beginAppend();
    const b = this.buffer();
    const hi = Math.floor(timestamp / 4294967296);
    b.writeInt32BE(hi, at);
    b.writeUInt32BE(timestamp - hi * 4294967296, at + 4);
    b.writeInt32BE(offset - this.baseOffset, at + 8);
    this.endAppend();
    this.lastTimestamp = timestamp;
  }

  protected override entriesReplaced(): void {
    this.lastTimestamp = undefined;
  }

  /** Removes every entry whose offset >= `offset`. */
  truncateTo(offset: number): void {
    let n = this.entries;
    while (n > 0 && this.entry(n - 1).offset >= offset) n--;
    this.truncateToEntries(n);
  }

  protected checkLastEntry(entry: Buffer): string | undefined {
    const rel = entry.readInt32BE(8);
    if (rel < 0) return `${this.file}: last entry has a negative relative offset ${rel}`;
    return undefined;
  }

  sanityCheck(): void {
    this.checkLength();
    const n = this.entries;
    if (n > 0 && this.lastEntry().offset < this.baseOffset) {
      throw new CorruptIndexError(`corrupt time index ${this.file}: last offset is below the base offset`);
    }
  }
}
