/**
 * A bounds-checked cursor over a Buffer, reading Kafka's primitive types (protocol.html "Protocol Primitive Types").
 *
 * - Every read checks that the bytes are there and throws ProtocolDecodeError otherwise; no allocation is ever sized
 *   by an unchecked length (a string, bytes or array length larger than what is left in the input is an error).
 * - int64 is returned as a JS number: hi * 2^32 + lo, exact for |value| <= 2^53 (offsets, timestamps, producer ids);
 *   beyond that it is the nearest double (Long.MAX_VALUE reads as 2^63, and Writer#int64 writes 2^63 back as
 *   Long.MAX_VALUE, so that sentinel survives a round trip).
 * - uuid is a 32-character lowercase hex string (see uuid.ts).
 * - bytes and records are returned as zero-copy Buffer slices of the input: they keep the input alive and see any
 *   later change to it. Copy (Buffer.from(slice)) what you keep after reusing the input buffer.
 * - "flex" arguments select the compact encodings of flexible versions (unsigned varint length + 1, 0 = null).
 */
import { ProtocolDecodeError } from './errors';

/** A tagged field that the schema does not know (or not at this version), kept as raw bytes. */
export interface RawTaggedField {
  tag: number;
  data: Buffer;
}

/** Kafka rejects strings longer than this (Short.MAX_VALUE bytes), in both the classic and the compact encoding. */
export const MAX_STRING_BYTES = 0x7fff;

export class Reader {
  readonly buf: Buffer;
  /** Absolute position of the next byte to read in buf. */
  pos: number;
  /** Absolute end (exclusive) of the readable region of buf. */
  end: number;
  /** Ends saved by beginTag while reading a tagged value. */
  private readonly outerEnds: number[] = [];

  constructor(buf: Buffer, start = 0, end = buf.length) {
    if (start < 0 || end > buf.length || start > end) throw new RangeError(`bad reader bounds ${start}..${end} of ${buf.length}`);
    this.buf = buf;
    this.pos = start;
    this.end = end;
  }

  remaining(): number {
    return this.end - this.pos;
  }

  /** A ProtocolDecodeError located at the current position. */
  error(message: string): ProtocolDecodeError {
    return new ProtocolDecodeError(message, this.pos);
  }

  private truncated(n: number, what: string): ProtocolDecodeError {
    return this.error(`truncated input: ${what} needs ${n} bytes, ${this.end - this.pos} left`);
  }

  skip(n: number): void {
    if (n < 0 || n > this.end - this.pos) throw this.truncated(n, 'skip');
    this.pos += n;
  }

  bool(): boolean {
    if (this.pos >= this.end) throw this.truncated(1, 'bool');
    return this.buf[this.pos++] !== 0;
  }

  int8(): number {
    if (this.pos >= this.end) throw this.truncated(1, 'int8');
    return (this.buf[this.pos++] << 24) >> 24;
  }

  uint8(): number {
    if (this.pos >= this.end) throw this.truncated(1, 'uint8');
    return this.buf[this.pos++];
  }

  int16(): number {
    const p = this.pos;
    if (p + 2 > this.end) throw this.truncated(2, 'int16');
    this.pos = p + 2;
    const b = this.buf;
    return ((b[p] << 24) | (b[p + 1] << 16)) >> 16;
  }

  uint16(): number {
    const p = this.pos;
    if (p + 2 > this.end) throw this.truncated(2, 'uint16');
    this.pos = p + 2;
    const b = this.buf;
    return (b[p] << 8) | b[p + 1];
  }

  int32(): number {
    const p = this.pos;
    if (p + 4 > this.end) throw this.truncated(4, 'int32');
    this.pos = p + 4;
    const b = this.buf;
    return (b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3];
  }

  uint32(): number {
    const p = this.pos;
    if (p + 4 > this.end) throw this.truncated(4, 'uint32');
    this.pos = p + 4;
    const b = this.buf;
    return ((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0;
  }

  /** int64 as a number: exact within +-2^53 (see the file comment). */
  int64(): number {
    const p = this.pos;
    if (p + 8 > this.end) throw this.truncated(8, 'int64');
    this.pos = p + 8;
    const b = this.buf;
    const hi = (b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3];
    const lo = ((b[p + 4] << 24) | (b[p + 5] << 16) | (b[p + 6] << 8) | b[p + 7]) >>> 0;
    return hi * 4294967296 + lo;
  }

  /** int64 as a bigint, for the rare value that must be exact beyond 2^53. */
  int64Big(): bigint {
    const p = this.pos;
    if (p + 8 > this.end) throw this.truncated(8, 'int64');
    this.pos = p + 8;
    return this.buf.readBigInt64BE(p);
  }

  float64(): number {
    const p = this.pos;
    if (p + 8 > this.end) throw this.truncated(8, 'float64');
    this.pos = p + 8;
    return this.buf.readDoubleBE(p);
  }

  /** 16 bytes as 32 lowercase hex characters. */
  uuid(): string {
    const p = this.pos;
    if (p + 16 > this.end) throw this.truncated(16, 'uuid');
    this.pos = p + 16;
    return this.buf.toString('hex', p, p + 16);
  }

  /** Unsigned varint (protocol.html UNSIGNED_VARINT), at most 5 bytes and 2^32 - 1. */
  uvarint(): number {
    const b = this.buf;
    let p = this.pos;
    if (p < this.end) {
      const first = b[p];
      if (first < 0x80) {
        this.pos = p + 1;
        return first;
      }
    }
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 5; i++) {
      if (p >= this.end) throw this.truncated(i + 1, 'unsigned varint');
      const byte = b[p++];
      if (i === 4 && byte > 0x0f) throw this.error('unsigned varint does not fit in 32 bits');
      result += (byte & 0x7f) * mul;
      if (byte < 0x80) {
        this.pos = p;
        return result;
      }
      mul *= 128;
    }
    throw this.error('unsigned varint is longer than 5 bytes');
  }

  /** Zigzag-encoded signed varint (protocol.html VARINT), int32 range. */
  varint(): number {
    const raw = this.uvarint();
    return (raw >>> 1) ^ -(raw & 1);
  }

  /** Zigzag-encoded signed varlong (protocol.html VARLONG), as a number exact within +-2^53. */
  varlong(): number {
    const b = this.buf;
    let p = this.pos;
    let lo = 0; // bits 0..31
    let hi = 0; // bits 32..63
    for (let i = 0; i < 10; i++) {
      if (p >= this.end) throw this.truncated(i + 1, 'varlong');
      const byte = b[p++];
      const bits = byte & 0x7f;
      if (i < 4) {
        lo |= bits << (7 * i);
      } else if (i === 4) {
        lo |= (bits & 0x0f) << 28;
        hi |= bits >>> 4;
      } else {
        if (i === 9 && byte > 0x01) throw this.error('varlong does not fit in 64 bits');
        hi |= bits << (7 * i - 32);
      }
      if (byte < 0x80) {
        this.pos = p;
        lo >>>= 0;
        hi >>>= 0;
        // zigzag: value = (raw >>> 1) ^ -(raw & 1), on the 64-bit pair.
        const mLo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
        const mHi = hi >>> 1;
        const magnitude = mHi * 4294967296 + mLo;
        return (lo & 1) === 0 ? magnitude : -magnitude - 1;
      }
    }
    throw this.error('varlong is longer than 10 bytes');
  }

  // ---- strings ----

  private stringLength(flex: boolean): number {
    const len = flex ? this.uvarint() - 1 : this.int16();
    if (len > MAX_STRING_BYTES) throw this.error(`string length ${len} exceeds ${MAX_STRING_BYTES}`);
    if (len > this.end - this.pos) throw this.truncated(len, 'string');
    return len;
  }

  /** STRING (int16 length) or, when flex, COMPACT_STRING (unsigned varint length + 1). Null is an error. */
  string(flex: boolean): string {
    const len = this.stringLength(flex);
    if (len < 0) throw this.error('non-nullable string was serialized as null');
    const p = this.pos;
    this.pos = p + len;
    return len === 0 ? '' : this.buf.toString('utf8', p, p + len);
  }

  /** NULLABLE_STRING or COMPACT_NULLABLE_STRING. */
  nullableString(flex: boolean): string | null {
    const len = this.stringLength(flex);
    if (len < 0) return null;
    const p = this.pos;
    this.pos = p + len;
    return len === 0 ? '' : this.buf.toString('utf8', p, p + len);
  }

  // ---- bytes (zero-copy) ----

  private bytesLength(flex: boolean): number {
    const len = flex ? this.uvarint() - 1 : this.int32();
    if (len > this.end - this.pos) throw this.truncated(len, 'bytes');
    return len;
  }

  /** BYTES (int32 length) or COMPACT_BYTES, as a zero-copy slice. Null is an error. */
  bytes(flex: boolean): Buffer {
    const len = this.bytesLength(flex);
    if (len < 0) throw this.error('non-nullable bytes were serialized as null');
    const p = this.pos;
    this.pos = p + len;
    return this.buf.subarray(p, p + len);
  }

  /** NULLABLE_BYTES / COMPACT_NULLABLE_BYTES (also RECORDS and COMPACT_RECORDS), as a zero-copy slice. */
  nullableBytes(flex: boolean): Buffer | null {
    const len = this.bytesLength(flex);
    if (len < 0) return null;
    const p = this.pos;
    this.pos = p + len;
    return this.buf.subarray(p, p + len);
  }

  /** n raw bytes, as a zero-copy slice. */
  raw(n: number): Buffer {
    const p = this.pos;
    if (n < 0 || n > this.end - p) throw this.truncated(n, 'raw bytes');
    this.pos = p + n;
    return this.buf.subarray(p, p + n);
  }

  // ---- arrays ----

  /**
   * ARRAY (int32 count) or COMPACT_ARRAY (unsigned varint count + 1) length: -1 for null. A count larger than the
   * bytes left is rejected before anything is allocated (every element takes at least one byte in practice; Kafka
   * applies the same rule).
   */
  arrayLength(flex: boolean): number {
    const n = flex ? this.uvarint() - 1 : this.int32();
    if (n > this.end - this.pos) throw this.error(`array of ${n} elements but only ${this.end - this.pos} bytes left`);
    return n < 0 ? -1 : n;
  }

  /** A non-nullable array whose elements are read by fn(reader, v). */
  array<T>(flex: boolean, fn: (r: Reader, v: number) => T, v: number): T[] {
    const n = this.arrayLength(flex);
    if (n < 0) throw this.error('non-nullable array was serialized as null');
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(fn(this, v));
    return out;
  }

  nullableArray<T>(flex: boolean, fn: (r: Reader, v: number) => T, v: number): T[] | null {
    const n = this.arrayLength(flex);
    if (n < 0) return null;
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(fn(this, v));
    return out;
  }

  // ---- structs ----

  /** A nullable struct outside a tagged field: int8 marker (-1 = null, 1 = present) then the struct. */
  nullableStruct<T>(fn: (r: Reader, v: number) => T, v: number): T | null {
    return this.int8() < 0 ? null : fn(this, v);
  }

  /** A nullable struct as the value of a tagged field: unsigned varint marker (0 = null, 1 = present). */
  taggedNullableStruct<T>(fn: (r: Reader, v: number) => T, v: number): T | null {
    return this.uvarint() <= 0 ? null : fn(this, v);
  }

  // ---- tagged fields ----

  /** Number of tagged fields that follow (the TAGGED_FIELDS count), checked against the bytes left. */
  taggedFieldCount(): number {
    const n = this.uvarint();
    if (n > this.end - this.pos) throw this.error(`${n} tagged fields but only ${this.end - this.pos} bytes left`);
    return n;
  }

  /**
   * Reads a tag's size and limits the reader to it (a tagged value cannot read past its declared size); returns the
   * absolute end of the value, to be handed to endTag once the value is read.
   */
  beginTag(): number {
    const size = this.uvarint();
    if (size > this.end - this.pos) throw this.truncated(size, 'tagged field');
    this.outerEnds.push(this.end);
    this.end = this.pos + size;
    return this.end;
  }

  /** Skips whatever the tagged value did not read, and lifts the limit set by beginTag. */
  endTag(tagEnd: number): void {
    if (this.pos > tagEnd) throw this.error(`tagged field overran its size by ${this.pos - tagEnd} bytes`);
    this.pos = tagEnd;
    const outer = this.outerEnds.pop();
    if (outer === undefined) throw this.error('endTag without beginTag');
    this.end = outer;
  }

  /** Keeps an unknown tagged field (whose size was read by beginTag) as raw bytes. */
  unknownTag(list: RawTaggedField[] | undefined, tag: number, tagEnd: number): RawTaggedField[] {
    const data = this.raw(tagEnd - this.pos);
    const out = list ?? [];
    out.push({ tag, data });
    return out;
  }

  /** A whole TAGGED_FIELDS section none of whose tags are known: returns them raw, undefined when there are none. */
  unknownTaggedFields(): RawTaggedField[] | undefined {
    const n = this.taggedFieldCount();
    if (n === 0) return undefined;
    let out: RawTaggedField[] | undefined;
    for (let i = 0; i < n; i++) {
      const tag = this.uvarint();
      const end = this.beginTag();
      out = this.unknownTag(out, tag, end);
      this.endTag(end);
    }
    return out;
  }
}

// Element readers for arrays of primitives: r.array(flex, readInt32Element, v).
export const readBoolElement = (r: Reader): boolean => r.bool();
export const readInt8Element = (r: Reader): number => r.int8();
export const readInt16Element = (r: Reader): number => r.int16();
export const readUint16Element = (r: Reader): number => r.uint16();
export const readInt32Element = (r: Reader): number => r.int32();
export const readUint32Element = (r: Reader): number => r.uint32();
export const readInt64Element = (r: Reader): number => r.int64();
export const readFloat64Element = (r: Reader): number => r.float64();
export const readUuidElement = (r: Reader): string => r.uuid();
export const readStringElement = (r: Reader): string => r.string(false);
export const readCompactStringElement = (r: Reader): string => r.string(true);
export const readBytesElement = (r: Reader): Buffer => r.bytes(false);
export const readCompactBytesElement = (r: Reader): Buffer => r.bytes(true);
