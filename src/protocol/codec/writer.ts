/**
 * Writes Kafka's primitive types into a list of Buffer chunks, without ever copying what it has already written.
 *
 * Small values go into a "slab" (a Buffer allocated by the writer); when a slab is full the written part becomes a
 * chunk and a new, bigger slab is started (nothing is moved). Large byte payloads (bytes/records of at least
 * `linkThreshold` bytes, e.g. the record batches of a Fetch response) are not copied at all: the writer closes the
 * current chunk and links the caller's Buffer as a chunk of its own. So:
 *
 *   const w = new Writer();
 *   const size = w.beginSizePrefix();          // the int32 frame size
 *   writeResponseHeader(w, 1, correlationId);
 *   encodeFetchResponse(w, 16, data);
 *   w.endSizePrefix(size);
 *   socket.cork(); for (const c of w.toChunks()) socket.write(c); socket.uncork();
 *
 * Linked buffers are referenced, not copied: do not modify them until the chunks have been consumed.
 * int64 takes a JS number (exact within +-2^53; see reader.ts); uuid a 32-character hex string.
 */
import { ProtocolEncodeError } from './errors';
import { MAX_STRING_BYTES, type RawTaggedField } from './reader';
import { assertUuid } from './uuid';

const DEFAULT_INITIAL_SIZE = 256;
const MAX_SLAB_SIZE = 1 << 20;
/** Byte payloads at least this big are linked as their own chunk instead of being copied. */
export const DEFAULT_LINK_THRESHOLD = 1024;

const TWO_32 = 4294967296;
const TWO_31 = 2147483648;
/** 2^63: Long.MAX_VALUE rounds to it as a double. */
const TWO_63 = 2 ** 63;

/** A position reserved by beginSizePrefix. */
export interface SizePrefix {
  readonly slab: Buffer;
  readonly offset: number;
  /** writer.length right after the reserved int32. */
  readonly start: number;
}

/** Byte length of an unsigned varint. */
export function uvarintSize(n: number): number {
  if (n < 0x80) return 1;
  if (n < 0x4000) return 2;
  if (n < 0x200000) return 3;
  if (n < 0x10000000) return 4;
  return 5;
}

export class Writer {
  private chunks: Buffer[] = [];
  /** Total bytes in `chunks`. */
  private flushed = 0;
  private slab: Buffer;
  private pos = 0;
  /** Start in `slab` of the bytes not yet turned into a chunk. */
  private segStart = 0;
  private readonly linkThreshold: number;

  constructor(initialSize = DEFAULT_INITIAL_SIZE, linkThreshold = DEFAULT_LINK_THRESHOLD) {
    this.slab = Buffer.allocUnsafe(Math.max(16, initialSize));
    this.linkThreshold = linkThreshold;
  }

  /** Bytes written so far. */
  get length(): number {
    return this.flushed + this.pos - this.segStart;
  }

  private ensure(n: number): void {
    if (this.pos + n > this.slab.length) this.newSlab(n);
  }

  private newSlab(n: number): void {
    this.flushSegment();
    const size = Math.max(n, Math.min(this.slab.length * 2, MAX_SLAB_SIZE));
    this.slab = Buffer.allocUnsafe(size);
    this.pos = 0;
    this.segStart = 0;
  }

  private flushSegment(): void {
    if (this.pos > this.segStart) {
      this.chunks.push(this.slab.subarray(this.segStart, this.pos));
      this.flushed += this.pos - this.segStart;
      this.segStart = this.pos;
    }
  }

  /** The bytes written, as chunks to be sent in order (e.g. socket.write each, or writev). */
  toChunks(): Buffer[] {
    this.flushSegment();
    return this.chunks.slice();
  }

  /** The bytes written as one Buffer (concatenates, i.e. copies, when there is more than one chunk). */
  toBuffer(): Buffer {
    const chunks = this.toChunks();
    if (chunks.length === 1) return chunks[0];
    return Buffer.concat(chunks, this.flushed);
  }

  // ---- fixed-size ----

  bool(v: boolean): void {
    this.ensure(1);
    this.slab[this.pos++] = v ? 1 : 0;
  }

  int8(v: number): void {
    this.ensure(1);
    this.slab[this.pos++] = v & 0xff;
  }

  uint8(v: number): void {
    this.int8(v);
  }

  int16(v: number): void {
    this.ensure(2);
    const b = this.slab;
    const p = this.pos;
    b[p] = (v >>> 8) & 0xff;
    b[p + 1] = v & 0xff;
    this.pos = p + 2;
  }

  uint16(v: number): void {
    this.int16(v);
  }

  int32(v: number): void {
    this.ensure(4);
    const b = this.slab;
    const p = this.pos;
    b[p] = (v >>> 24) & 0xff;
    b[p + 1] = (v >>> 16) & 0xff;
    b[p + 2] = (v >>> 8) & 0xff;
    b[p + 3] = v & 0xff;
    this.pos = p + 4;
  }

  uint32(v: number): void {
    this.int32(v);
  }

  /** int64 from a number: exact within +-2^53; 2^63 and above write Long.MAX_VALUE, below -2^63 Long.MIN_VALUE. */
  int64(v: number): void {
    let hi: number;
    let lo: number;
    if (v >= TWO_63) {
      hi = 0x7fffffff;
      lo = 0xffffffff;
    } else if (v <= -TWO_63) {
      hi = -TWO_31;
      lo = 0;
    } else {
      hi = Math.floor(v / TWO_32);
      lo = v - hi * TWO_32;
    }
    this.ensure(8);
    const b = this.slab;
    const p = this.pos;
    b[p] = (hi >>> 24) & 0xff;
    b[p + 1] = (hi >>> 16) & 0xff;
    b[p + 2] = (hi >>> 8) & 0xff;
    b[p + 3] = hi & 0xff;
    b[p + 4] = (lo >>> 24) & 0xff;
    b[p + 5] = (lo >>> 16) & 0xff;
    b[p + 6] = (lo >>> 8) & 0xff;
    b[p + 7] = lo & 0xff;
    this.pos = p + 8;
  }

  int64Big(v: bigint): void {
    this.ensure(8);
    this.slab.writeBigInt64BE(BigInt.asIntN(64, v), this.pos);
    this.pos += 8;
  }

  float64(v: number): void {
    this.ensure(8);
    this.slab.writeDoubleBE(v, this.pos);
    this.pos += 8;
  }

  uuid(v: string): void {
    assertUuid(v);
    this.ensure(16);
    this.slab.write(v, this.pos, 16, 'hex');
    this.pos += 16;
  }

  // ---- varints ----

  uvarint(v: number): void {
    if (v < 0x80 && v >= 0) {
      this.ensure(1);
      this.slab[this.pos++] = v;
      return;
    }
    if (!(v >= 0 && v <= 0xffffffff)) throw new ProtocolEncodeError(`unsigned varint out of range: ${v}`);
    this.ensure(5);
    const b = this.slab;
    let p = this.pos;
    while (v >= 0x80) {
      b[p++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    b[p++] = v;
    this.pos = p;
  }

  /** Zigzag signed varint (int32 range). */
  varint(v: number): void {
    this.uvarint(((v << 1) ^ (v >> 31)) >>> 0);
  }

  /** Zigzag signed varlong from a number (exact within +-2^53). */
  varlong(v: number): void {
    if (v >= -0x40000000 && v < 0x40000000) {
      this.uvarint(((v << 1) ^ (v >> 31)) >>> 0);
      return;
    }
    // zigzag on the 64-bit pair: raw = 2 * m + sign, with m = v for v >= 0 and -v - 1 otherwise.
    const neg = v < 0;
    const m = neg ? -v - 1 : v;
    let mHi = Math.floor(m / TWO_32);
    let mLo = m - mHi * TWO_32;
    if (m >= TWO_63) {
      // clamp to the int64 range
      mHi = 0x7fffffff;
      mLo = 0xffffffff;
    }
    let lo = ((mLo * 2) % TWO_32) + (neg ? 1 : 0);
    let hi = ((mHi * 2) % TWO_32) + (mLo >= TWO_31 ? 1 : 0);
    this.ensure(10);
    const b = this.slab;
    let p = this.pos;
    // Emit 7 bits at a time from the (hi, lo) pair.
    while (hi !== 0 || lo >= 0x80) {
      b[p++] = (lo & 0x7f) | 0x80;
      lo = Math.floor(lo / 128) + (hi % 128) * 0x2000000; // (hi:lo) >>> 7
      hi = Math.floor(hi / 128);
    }
    b[p++] = lo;
    this.pos = p;
  }

  // ---- strings ----

  /** STRING or COMPACT_STRING; null is an error. */
  string(flex: boolean, s: string | null): void {
    if (s === null) throw new ProtocolEncodeError('null written to a non-nullable string');
    this.stringBody(flex, s);
  }

  /** NULLABLE_STRING or COMPACT_NULLABLE_STRING. */
  nullableString(flex: boolean, s: string | null): void {
    if (s === null) {
      if (flex) this.uvarint(0);
      else this.int16(-1);
      return;
    }
    this.stringBody(flex, s);
  }

  private stringBody(flex: boolean, s: string): void {
    const len = s.length === 0 ? 0 : Buffer.byteLength(s, 'utf8');
    if (len > MAX_STRING_BYTES) throw new ProtocolEncodeError(`string of ${len} bytes is longer than ${MAX_STRING_BYTES}`);
    if (flex) this.uvarint(len + 1);
    else this.int16(len);
    if (len === 0) return;
    this.ensure(len);
    this.slab.write(s, this.pos, len, 'utf8');
    this.pos += len;
  }

  // ---- bytes ----

  /** BYTES or COMPACT_BYTES; null is an error. Large buffers are linked, not copied. */
  bytes(flex: boolean, b: Buffer | null): void {
    if (b === null) throw new ProtocolEncodeError('null written to non-nullable bytes');
    if (flex) this.uvarint(b.length + 1);
    else this.int32(b.length);
    this.raw(b);
  }

  /** NULLABLE_BYTES / COMPACT_NULLABLE_BYTES, also RECORDS / COMPACT_RECORDS. Large buffers are linked, not copied. */
  nullableBytes(flex: boolean, b: Buffer | null): void {
    if (b === null) {
      if (flex) this.uvarint(0);
      else this.int32(-1);
      return;
    }
    if (flex) this.uvarint(b.length + 1);
    else this.int32(b.length);
    this.raw(b);
  }

  /** Appends bytes as they are: copied when small, linked as a chunk of their own when large. */
  raw(b: Uint8Array): void {
    const n = b.length;
    if (n === 0) return;
    if (n >= this.linkThreshold) {
      this.flushSegment();
      this.chunks.push(Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, n));
      this.flushed += n;
      return;
    }
    this.ensure(n);
    this.slab.set(b, this.pos);
    this.pos += n;
  }

  // ---- arrays and structs ----

  arrayLength(flex: boolean, n: number): void {
    if (flex) this.uvarint(n + 1);
    else this.int32(n);
  }

  /** A non-nullable array, each element written by fn(writer, v, element). */
  array<T>(flex: boolean, items: readonly T[] | null, fn: (w: Writer, v: number, item: T) => void, v: number): void {
    if (items === null) throw new ProtocolEncodeError('null written to a non-nullable array');
    const n = items.length;
    if (flex) this.uvarint(n + 1);
    else this.int32(n);
    for (let i = 0; i < n; i++) fn(this, v, items[i]);
  }

  nullableArray<T>(flex: boolean, items: readonly T[] | null, fn: (w: Writer, v: number, item: T) => void, v: number): void {
    if (items === null) {
      if (flex) this.uvarint(0);
      else this.int32(-1);
      return;
    }
    this.array(flex, items, fn, v);
  }

  /** A non-nullable struct (null is an error). */
  struct<T>(item: T | null, fn: (w: Writer, v: number, item: T) => void, v: number): void {
    if (item === null) throw new ProtocolEncodeError('null written to a non-nullable struct');
    fn(this, v, item);
  }

  /** A nullable struct outside a tagged field: int8 -1 for null, 1 then the struct otherwise. */
  nullableStruct<T>(item: T | null, fn: (w: Writer, v: number, item: T) => void, v: number): void {
    if (item === null) {
      this.int8(-1);
      return;
    }
    this.int8(1);
    fn(this, v, item);
  }

  /** A nullable struct as a tagged field value: unsigned varint 0 for null, 1 then the struct otherwise. */
  taggedNullableStruct<T>(item: T | null, fn: (w: Writer, v: number, item: T) => void, v: number): void {
    if (item === null) {
      this.uvarint(0);
      return;
    }
    this.uvarint(1);
    fn(this, v, item);
  }

  // ---- tagged fields ----

  /** A writer for the value of a tagged field, later added with taggedField(). */
  child(): Writer {
    return new Writer(64, this.linkThreshold);
  }

  /** Writes a tagged field: tag, size, then the bytes of `value` (a writer from child()). */
  taggedField(tag: number, value: Writer): void {
    this.uvarint(tag);
    this.uvarint(value.length);
    for (const c of value.toChunks()) this.raw(c);
  }

  /**
   * Writes the raw (unknown) tagged fields of `list`, from index `from`, whose tag is below `beforeTag`, keeping the
   * fields of a struct in ascending tag order; returns the index of the first one not written.
   */
  rawTaggedFields(list: readonly RawTaggedField[], from: number, beforeTag: number): number {
    let i = from;
    while (i < list.length && list[i].tag < beforeTag) {
      const f = list[i++];
      this.uvarint(f.tag);
      this.uvarint(f.data.length);
      this.raw(f.data);
    }
    return i;
  }

  /** A whole TAGGED_FIELDS section made of raw fields only (count, then each field): just 0 when there are none. */
  unknownTaggedFields(list: readonly RawTaggedField[] | undefined): void {
    if (!list || list.length === 0) {
      this.uvarint(0);
      return;
    }
    this.uvarint(list.length);
    this.rawTaggedFields(list, 0, Infinity);
  }

  // ---- size prefixes ----

  /** Reserves an int32 to be filled by endSizePrefix with the number of bytes written in between. */
  beginSizePrefix(): SizePrefix {
    this.ensure(4);
    const mark = { slab: this.slab, offset: this.pos, start: this.length + 4 };
    this.pos += 4;
    return mark;
  }

  endSizePrefix(mark: SizePrefix): void {
    mark.slab.writeInt32BE(this.length - mark.start, mark.offset);
  }
}

// Element writers for arrays of primitives: w.array(flex, items, writeInt32Element, v).
export const writeBoolElement = (w: Writer, _v: number, x: boolean): void => w.bool(x);
export const writeInt8Element = (w: Writer, _v: number, x: number): void => w.int8(x);
export const writeInt16Element = (w: Writer, _v: number, x: number): void => w.int16(x);
export const writeUint16Element = (w: Writer, _v: number, x: number): void => w.uint16(x);
export const writeInt32Element = (w: Writer, _v: number, x: number): void => w.int32(x);
export const writeUint32Element = (w: Writer, _v: number, x: number): void => w.uint32(x);
export const writeInt64Element = (w: Writer, _v: number, x: number): void => w.int64(x);
export const writeFloat64Element = (w: Writer, _v: number, x: number): void => w.float64(x);
export const writeUuidElement = (w: Writer, _v: number, x: string): void => w.uuid(x);
export const writeStringElement = (w: Writer, _v: number, x: string): void => w.string(false, x);
export const writeCompactStringElement = (w: Writer, _v: number, x: string): void => w.string(true, x);
export const writeBytesElement = (w: Writer, _v: number, x: Buffer): void => w.bytes(false, x);
export const writeCompactBytesElement = (w: Writer, _v: number, x: Buffer): void => w.bytes(true, x);
