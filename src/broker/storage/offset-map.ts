/**
 * The log cleaner's key → latest offset map (the role of Kafka's SkimpyOffsetMap).
 *
 * Kafka stores a 16-byte MD5 of each key plus an 8-byte offset in a fixed buffer of log.cleaner.dedupe.buffer.size
 * bytes and stops filling it at log.cleaner.io.buffer.load.factor. We keep the same capacity rule (slots =
 * buffer / 24 bytes, usable = slots × load factor), so a cleaning round covers as much of the dirty log as Kafka's
 * would, but the entries live in a JS Map that grows only with the keys actually seen. Short keys are stored as
 * they are (no hashing, no collisions); longer keys by their MD5 digest, as Kafka does for every key.
 */
import { createHash } from 'node:crypto';

/** Bytes per entry as Kafka counts them: a 16-byte MD5 digest and an 8-byte offset. */
const OFFSET_MAP_ENTRY_BYTES = 24;
/** Keys up to this many bytes are used directly; longer ones are replaced by their MD5 digest. */
const MAX_RAW_KEY = 32;

export class OffsetMap {
  private readonly entries = new Map<string, number>();
  private lastOffset = -1;
  /** How many distinct keys the map accepts before it reports itself full. */
  readonly maxEntries: number;

  /**
   * @param slots what Kafka would allocate: dedupe buffer bytes / 24
   * @param loadFactor the share of the slots that may be used (log.cleaner.io.buffer.load.factor)
   */
  constructor(
    readonly slots: number,
    loadFactor = 0.9,
  ) {
    this.maxEntries = Math.max(1, Math.floor(slots * loadFactor));
  }

  /** A map sized like Kafka's for a dedupe buffer of `bytes`. */
  static forBufferSize(bytes: number, loadFactor = 0.9): OffsetMap {
    return new OffsetMap(Math.max(1, Math.floor(bytes / OFFSET_MAP_ENTRY_BYTES)), loadFactor);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Share of the slots in use, as Kafka reports it (buffer utilization). */
  get utilization(): number {
    return this.entries.size / this.slots;
  }

  /** The last offset whose batch was fully read into the map; -1 when nothing was. */
  get latestOffset(): number {
    return this.lastOffset;
  }

  updateLatestOffset(offset: number): void {
    this.lastOffset = offset;
  }

  /** Records `offset` as the latest for `key`. Returns false, storing nothing, when a new key would not fit. */
  put(key: Uint8Array, offset: number): boolean {
    const k = mapKey(key);
    if (this.entries.size >= this.maxEntries && !this.entries.has(k)) return false;
    this.entries.set(k, offset);
    return true;
  }

  /** The latest offset of `key`, or -1 when the map does not hold it. */
  get(key: Uint8Array): number {
    return this.entries.get(mapKey(key)) ?? -1;
  }

  clear(): void {
    this.entries.clear();
    this.lastOffset = -1;
  }
}

function mapKey(key: Uint8Array): string {
  const b = Buffer.isBuffer(key) ? key : Buffer.from(key.buffer, key.byteOffset, key.length);
  // The prefix keeps the two spaces apart: a raw key never equals a digest.
  if (b.length <= MAX_RAW_KEY) return 'r' + b.toString('latin1');
  return 'h' + createHash('md5').update(b).digest().toString('latin1');
}
