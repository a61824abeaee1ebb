/**
 * Protobuf-style varints as Kafka writes them (its ByteUtils): unsigned LEB128, and zigzag-signed varint (int32) and
 * varlong (int64). Records use them for every length, delta and header count; flexible protocol versions use the
 * unsigned kind for compact strings and arrays.
 *
 * Readers take a Cursor and advance it, so a record decoder can walk a buffer without allocating per field, and an
 * optional end (default: the buffer's length) past which they will not read.
 * Varlongs are JS numbers: a value outside the safe-integer range would be silently rounded, so it is rejected instead.
 */
import { InvalidVarintError } from './errors';

/** A read position that readers advance past what they consumed. */
export interface Cursor {
  pos: number;
}

const TWO_POW_27 = 0x8000000;

/** Reads an unsigned varint of at most 5 bytes (uint32). Bits beyond 32 in the 5th byte are dropped, as Kafka does. */
export function readUnsignedVarint(buf: Uint8Array, cur: Cursor, end: number = buf.length): number {
  let pos = cur.pos;
  let value = 0;
  for (let shift = 0; shift < 35; shift += 7) {
    if (pos >= end) throw new InvalidVarintError(`varint runs past the end of the buffer at position ${pos}`);
    const b = buf[pos++];
    value |= (b & 0x7f) << shift;
    if (b < 0x80) {
      cur.pos = pos;
      return value >>> 0;
    }
  }
  throw new InvalidVarintError(`varint is too long: the most significant bit in the 5th byte is set (at position ${cur.pos})`);
}

/** Reads a zigzag-encoded int32. */
export function readVarint(buf: Uint8Array, cur: Cursor, end: number = buf.length): number {
  const raw = readUnsignedVarint(buf, cur, end);
  return (raw >>> 1) ^ -(raw & 1);
}

/** Reads a zigzag-encoded int64 of at most 10 bytes, as a safe-integer JS number. */
export function readVarlong(buf: Uint8Array, cur: Cursor, end: number = buf.length): number {
  let pos = cur.pos;
  // Fast path: the first four bytes fit in 28 bits of int arithmetic; nearly every delta in a batch ends here.
  let low = 0;
  for (let shift = 0; shift < 28; shift += 7) {
    if (pos >= end) throw new InvalidVarintError(`varlong runs past the end of the buffer at position ${pos}`);
    const b = buf[pos++];
    low |= (b & 0x7f) << shift;
    if (b < 0x80) {
      cur.pos = pos;
      return (low >>> 1) ^ -(low & 1);
    }
  }
  // Slow path: the remaining groups are scaled by float multiplication, exact while below 2^53.
  let high = 0;
  let scale = 1;
  for (let group = 4; group < 10; group++) {
    if (pos >= end) throw new InvalidVarintError(`varlong runs past the end of the buffer at position ${pos}`);
    const b = buf[pos++];
    high += (b & 0x7f) * scale;
    scale *= 128;
    if (b < 0x80) {
      // zigzag = high * 2^28 + low; halving it piecewise keeps every step exact.
      const half = high * TWO_POW_27 + (low >>> 1);
      const value = (low & 1) === 0 ? half : -half - 1;
      if (!Number.isSafeInteger(value)) {
        throw new InvalidVarintError(`varlong at position ${cur.pos} is outside the safe integer range`);
      }
      cur.pos = pos;
      return value;
    }
  }
  throw new InvalidVarintError(`varlong is too long: the most significant bit in the 10th byte is set (at position ${cur.pos})`);
}

/** Writes value (treated as uint32) and returns the position after it. */
export function writeUnsignedVarint(value: number, buf: Uint8Array, pos: number): number {
  let v = value >>> 0;
  while (v >= 0x80) {
    buf[pos++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[pos++] = v;
  return pos;
}

/** Writes an int32 zigzag-encoded and returns the position after it. */
export function writeVarint(value: number, buf: Uint8Array, pos: number): number {
  return writeUnsignedVarint((value << 1) ^ (value >> 31), buf, pos);
}

/** Writes a safe-integer int64 zigzag-encoded and returns the position after it. */
export function writeVarlong(value: number, buf: Uint8Array, pos: number): number {
  if (value >= -0x40000000 && value < 0x40000000) return writeVarint(value, buf, pos);
  // zigzag(v) = 2m + sign with m = v or -v-1; it can reach 2^54, past exact doubles, so it is never formed
  // whole: the first byte takes sign and 6 bits of m, every later byte 7 more bits of m.
  const sign = checkedSign(value);
  let m = sign ? -value - 1 : value;
  let group = (m % 64) * 2 + sign;
  m = Math.floor(m / 64);
  while (m > 0) {
    buf[pos++] = group | 0x80;
    group = m % 128;
    m = Math.floor(m / 128);
  }
  buf[pos++] = group;
  return pos;
}

export function sizeOfUnsignedVarint(value: number): number {
  const v = value >>> 0;
  if (v < 0x80) return 1;
  if (v < 0x4000) return 2;
  if (v < 0x200000) return 3;
  if (v < 0x10000000) return 4;
  return 5;
}

export function sizeOfVarint(value: number): number {
  return sizeOfUnsignedVarint((value << 1) ^ (value >> 31));
}

export function sizeOfVarlong(value: number): number {
  if (value >= -0x40000000 && value < 0x40000000) return sizeOfVarint(value);
  const sign = checkedSign(value);
  let m = Math.floor((sign ? -value - 1 : value) / 64);
  let size = 1;
  while (m > 0) {
    m = Math.floor(m / 128);
    size++;
  }
  return size;
}

function checkedSign(value: number): number {
  if (!Number.isSafeInteger(value)) throw new RangeError(`varlong value ${value} is not a safe integer`);
  return value < 0 ? 1 : 0;
}
