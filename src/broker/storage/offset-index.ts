/**
 * The sparse `.index` file: 8-byte entries (offset relative to the segment's base offset, position in the .log),
 * one per `index.interval.bytes` of appended data. A lookup finds the batch to start scanning from.
 */
import { AbstractIndex, CorruptIndexError } from './abstract-index';

interface OffsetPosition {
  offset: number;
  position: number;
}

const OFFSET_INDEX_ENTRY_SIZE = 8;

export class OffsetIndex extends AbstractIndex {
  constructor(file: string, baseOffset: number, maxIndexSize = 10 * 1024 * 1024) {
    super(file, baseOffset, maxIndexSize, OFFSET_INDEX_ENTRY_SIZE);
  }

  entry(slot: number): OffsetPosition {
    const b = this.buffer();
    return { offset: this.baseOffset + b.readInt32BE(slot * 8), position: b.readInt32BE(slot * 8 + 4) };
  }

  /** The last entry, or (baseOffset, 0) when empty. */
  lastEntry(): OffsetPosition {
    return this.entries === 0 ? { offset: this.baseOffset, position: 0 } : this.entry(this.entries - 1);
  }

  get lastOffset(): number {
    return this.lastEntry().offset;
  }

  /** The entry with the largest offset <= target, or (baseOffset, 0). */
  lookup(targetOffset: number): OffsetPosition {
    const b = this.buffer();
    const rel = targetOffset - this.baseOffset;
    const slot = this.largestLowerBound(rel, (s) => b.readInt32BE(s * 8));
    return slot < 0 ? { offset: this.baseOffset, position: 0 } : this.entry(slot);
  }

  append(offset: number, position: number): void {
    const n = this.entries;
    const rel = offset - this.baseOffset;
    if (n > 0 && rel <= this.buffer().readInt32BE((n - 1) * 8)) {
      throw new CorruptIndexError(
        `attempt to append offset ${offset} to ${this.file}, no larger than its last offset ${this.lastOffset}`,
      );
    }
    if (rel < 0 || rel > 0x7fffffff) throw new CorruptIndexError(`offset ${offset} out of range for ${this.file}`);
    const at = this.beginAppend();
    const b = this.buffer();
    b.writeInt32BE(rel, at);
    b.writeInt32BE(position, at + 4);
    this.endAppend();
  }

  /** Removes every entry with offset >= `offset`. */
  truncateTo(offset: number): void {
    const b = this.buffer();
    const rel = offset - this.baseOffset;
    const slot = this.largestLowerBound(rel, (s) => b.readInt32BE(s * 8));
    const keep = slot < 0 ? 0 : this.entry(slot).offset === offset ? slot : slot + 1;
    this.truncateToEntries(keep);
  }

  protected checkLastEntry(entry: Buffer, logSize: number): string | undefined {
    const rel = entry.readInt32BE(0);
    const position = entry.readInt32BE(4);
    if (rel < 0) return `${this.file}: last entry has a negative relative offset ${rel}`;
    if (position < 0 || position >= Math.max(logSize, 1)) return `${this.file}: last entry points to position ${position}, past the end of the ${logSize}-byte log`;
    return undefined;
  }

  sanityCheck(): void {
    this.checkLength();
    const n = this.entries;
    if (n > 0 && this.lastOffset < this.baseOffset) {
      throw new CorruptIndexError(
        `corrupt index ${this.file}: last offset ${this.lastOffset} is below base offset ${this.baseOffset}`,
      );
    }
  }
}
