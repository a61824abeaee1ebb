/**
 * Raw snappy blocks (the format of google/snappy's format_description.txt), which librdkafka writes bare and
 * Java's xerial SnappyOutputStream wraps in chunks (see snappy-xerial.ts).
 *
 * Compression is snappyjs's. Decompression is our own: snappyjs neither checks that output stays within the
 * declared length nor that it reaches it, and a broker must reject such a batch rather than store garbage.
 * It also copies literals and non-overlapping matches with native memcpy, which matters on the produce path.
 */
import * as snappyjs from 'snappyjs';
import { CompressionError } from './errors';
import { Cursor, readUnsignedVarint } from './varint';

export function snappyCompressRaw(data: Uint8Array): Buffer {
  const out = snappyjs.compress(data instanceof Buffer ? data : Buffer.from(data.buffer, data.byteOffset, data.length));
  return out as Buffer;
}

/** Uncompressed length from the block's preamble, without decoding it. */
export function snappyUncompressedLength(src: Uint8Array, start = 0, end: number = src.length): number {
  const cur: Cursor = { pos: start };
  try {
    return readUnsignedVarint(src, cur, end);
  } catch (e) {
    throw new CompressionError('snappy: bad uncompressed-length preamble', { cause: e });
  }
}

/** Decodes the raw snappy block src[start, end) into dst at dstPos; returns the position after the output. */
export function snappyDecompressRawInto(src: Uint8Array, start: number, end: number, dst: Buffer, dstPos: number): number {
  const cur: Cursor = { pos: start };
  let length: number;
  try {
    length = readUnsignedVarint(src, cur, end);
  } catch (e) {
    throw new CompressionError('snappy: bad uncompressed-length preamble', { cause: e });
  }
  const outStart = dstPos;
  const outEnd = dstPos + length;
  if (outEnd > dst.length) throw new CompressionError(`snappy: block of ${length} bytes does not fit the output`);
  let i = cur.pos;
  let o = dstPos;
  while (i < end) {
    const tag = src[i++];
    const kind = tag & 3;
    if (kind === 0) {
      let len = (tag >>> 2) + 1;
      if (len > 60) {
        const n = len - 60;
        if (i + n > end) throw new CompressionError('snappy: literal length runs past the input');
        len = src[i] | (n > 1 ? src[i + 1] << 8 : 0) | (n > 2 ? src[i + 2] << 16 : 0);
        if (n > 3) len += src[i + 3] * 0x1000000;
        len += 1;
        i += n;
      }
      if (i + len > end) throw new CompressionError('snappy: literal runs past the input');
      if (o + len > outEnd) throw new CompressionError('snappy: literal overruns the declared length');
      if (len < 16) {
        for (let k = 0; k < len; k++) dst[o + k] = src[i + k];
      } else {
        dst.set(src.subarray(i, i + len), o);
      }
      i += len;
      o += len;
      continue;
    }
    let len: number;
    let offset: number;
    if (kind === 1) {
      if (i >= end) throw new CompressionError('snappy: copy runs past the input');
      len = ((tag >>> 2) & 7) + 4;
      offset = ((tag >>> 5) << 8) | src[i++];
    } else if (kind === 2) {
      if (i + 2 > end) throw new CompressionError('snappy: copy runs past the input');
      len = (tag >>> 2) + 1;
      offset = src[i] | (src[i + 1] << 8);
      i += 2;
    } else {
      if (i + 4 > end) throw new CompressionError('snappy: copy runs past the input');
      len = (tag >>> 2) + 1;
      offset = (src[i] | (src[i + 1] << 8) | (src[i + 2] << 16)) + src[i + 3] * 0x1000000;
      i += 4;
    }
    if (offset === 0 || offset > o - outStart) throw new CompressionError(`snappy: copy offset ${offset} is outside the output`);
    if (o + len > outEnd) throw new CompressionError('snappy: copy overruns the declared length');
    if (offset >= len) {
      dst.copyWithin(o, o - offset, o - offset + len);
    } else {
      // Overlapping copy repeats a short pattern; it must run byte by byte.
      for (let k = 0; k < len; k++) dst[o + k] = dst[o - offset + k];
    }
    o += len;
  }
  if (o !== outEnd) throw new CompressionError(`snappy: produced ${o - outStart} bytes, the block declared ${length}`);
  return o;
}

export function snappyDecompressRaw(src: Uint8Array, start = 0, end: number = src.length): Buffer {
  const out = Buffer.allocUnsafe(snappyUncompressedLength(src, start, end));
  snappyDecompressRawInto(src, start, end, out, 0);
  return out;
}
