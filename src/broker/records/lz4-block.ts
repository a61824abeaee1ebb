/**
 * The LZ4 block format (lz4's doc/lz4_Block_format.md): a sequence of [token][literals][offset][match] groups.
 *
 * Written here rather than taken from lz4js: lz4js's compressor may start a match within the last 12 bytes of a
 * block, which the block format forbids and which the reference decoder (in librdkafka and lz4-java) rejects when
 * a block fills its maximum size; its decoder checks no bounds.
 */
import { CompressionError } from './errors';

const MIN_MATCH = 4;
/** The last 5 bytes of a block are always literals. */
const LAST_LITERALS = 5;
/** The last match must start at least 12 bytes before the end of the block. */
const MFLIMIT = 12;
const MAX_DISTANCE = 65535;
const HASH_LOG = 13;
/** After 2^SKIP_TRIGGER misses the search starts stepping faster through incompressible data, as lz4 does. */
const SKIP_TRIGGER = 6;

/** hashTable[h] = 1 + (position - blockStart) of the last 4-byte sequence with hash h; 0 = empty. */
const hashTable = new Int32Array(1 << HASH_LOG);

/** Worst-case compressed size of n bytes (all literals plus run-length bytes). */
export function lz4CompressBound(n: number): number {
  return n + Math.floor(n / 255) + 16;
}

function read32(b: Uint8Array, i: number): number {
  return b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
}

function hash(seq: number): number {
  return Math.imul(seq, 2654435761) >>> (32 - HASH_LOG);
}

function writeLength(dst: Uint8Array, op: number, extra: number): number {
  for (; extra >= 255; extra -= 255) dst[op++] = 255;
  dst[op++] = extra;
  return op;
}

function copyBytes(src: Uint8Array, from: number, to: number, dst: Uint8Array, op: number): void {
  if (to - from < 16) {
    for (let i = from; i < to; i++) dst[op++] = src[i];
  } else {
    dst.set(src.subarray(from, to), op);
  }
}

/**
 * Compresses src[start, end) as one independent block into dst at dstPos (dst needs lz4CompressBound(end - start)
 * bytes free) and returns the position after it. Greedy single-probe hash search, like lz4's default level.
 */
export function lz4CompressBlock(src: Uint8Array, start: number, end: number, dst: Uint8Array, dstPos: number): number {
  let op = dstPos;
  let anchor = start;
  if (end - start > MFLIMIT) {
    const table = hashTable;
    table.fill(0);
    const mflimitPlusOne = end - MFLIMIT + 1;
    const matchLimit = end - LAST_LITERALS;
    let ip = start;
    search: for (;;) {
      let match: number;
      let forward = ip;
      let step = 1;
      let misses = 1 << SKIP_TRIGGER;
      for (;;) {
        ip = forward;
        forward += step;
        step = misses++ >> SKIP_TRIGGER;
        if (forward > mflimitPlusOne) break search;
        const seq = read32(src, ip);
        const h = hash(seq);
        const entry = table[h];
        table[h] = ip - start + 1;
        if (entry !== 0) {
          match = entry - 1 + start;
          if (ip - match <= MAX_DISTANCE && read32(src, match) === seq) break;
        }
      }
      // Extend the match backwards over literals that also match.
      while (ip > anchor && match > start && src[ip - 1] === src[match - 1]) {
        ip--;
        match--;
      }
      const literals = ip - anchor;
      const token = op++;
      if (literals >= 15) {
        dst[token] = 0xf0;
        op = writeLength(dst, op, literals - 15);
      } else {
        dst[token] = literals << 4;
      }
      copyBytes(src, anchor, ip, dst, op);
      op += literals;
      const offset = ip - match;
      dst[op++] = offset & 0xff;
      dst[op++] = offset >>> 8;
      let p = ip + MIN_MATCH;
      let q = match + MIN_MATCH;
      while (p < matchLimit && src[p] === src[q]) {
        p++;
        q++;
      }
      const extra = p - ip - MIN_MATCH;
      if (extra >= 15) {
        dst[token] |= 15;
        op = writeLength(dst, op, extra - 15);
      } else {
        dst[token] |= extra;
      }
      ip = p;
      anchor = ip;
      if (ip >= mflimitPlusOne) break;
      // Index a position inside the match so the next search has a recent candidate.
      table[hash(read32(src, ip - 2))] = ip - 2 - start + 1;
    }
  }
  const literals = end - anchor;
  if (literals >= 15) {
    dst[op++] = 0xf0;
    op = writeLength(dst, op, literals - 15);
  } else {
    dst[op++] = literals << 4;
  }
  copyBytes(src, anchor, end, dst, op);
  return op + literals;
}

/** Where a block decodes to: a buffer that grows on demand, and how much of it is filled. */
export interface GrowableOutput {
  buf: Buffer;
  pos: number;
}

function reserve(out: GrowableOutput, need: number, limit: number): Buffer {
  const required = out.pos + need;
  if (required > limit) throw new CompressionError('lz4: block decodes to more than its maximum block size');
  if (required > out.buf.length) {
    const grown = Buffer.allocUnsafe(Math.max(required, Math.min(out.buf.length * 2, Math.max(limit, required))));
    out.buf.copy(grown, 0, 0, out.pos);
    out.buf = grown;
  }
  return out.buf;
}

/**
 * Decodes the block src[start, end) onto out. Matches may reach back to windowStart (the block's own start for
 * independent blocks, the frame's start for linked ones); the output may not pass limit.
 */
export function lz4DecompressBlock(src: Uint8Array, start: number, end: number, out: GrowableOutput, windowStart: number, limit: number): void {
  let i = start;
  let dst: Buffer;
  for (;;) {
    if (i >= end) throw new CompressionError('lz4: block ends inside a sequence');
    const token = src[i++];
    let literals = token >>> 4;
    if (literals === 15) {
      let b: number;
      do {
        if (i >= end) throw new CompressionError('lz4: literal length runs past the block');
        b = src[i++];
        literals += b;
      } while (b === 255);
    }
    if (literals > 0) {
      if (i + literals > end) throw new CompressionError('lz4: literals run past the block');
      dst = reserve(out, literals, limit);
      copyBytes(src, i, i + literals, dst, out.pos);
      i += literals;
      out.pos += literals;
    }
    // The last sequence of a block is literals only.
    if (i === end) return;
    if (i + 2 > end) throw new CompressionError('lz4: match offset runs past the block');
    const offset = src[i] | (src[i + 1] << 8);
    i += 2;
    if (offset === 0 || offset > out.pos - windowStart) throw new CompressionError(`lz4: match offset ${offset} is outside the window`);
    let length = (token & 15) + MIN_MATCH;
    if ((token & 15) === 15) {
      let b: number;
      do {
        if (i >= end) throw new CompressionError('lz4: match length runs past the block');
        b = src[i++];
        length += b;
      } while (b === 255);
    }
    dst = reserve(out, length, limit);
    const o = out.pos;
    const from = o - offset;
    if (offset >= length) {
      dst.copyWithin(o, from, from + length);
    } else {
      // An overlapping match repeats the last `offset` bytes; copy forwards byte by byte.
      for (let k = 0; k < length; k++) dst[o + k] = dst[from + k];
    }
    out.pos = o + length;
  }
}
