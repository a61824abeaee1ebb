/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78): the checksum of RecordBatch v2, over attributes..end.
 *
 * Every produced batch is verified and every appended batch is checksummed, so this runs over all data the broker
 * takes in. Plain JS has no CRC instruction; the fastest portable form is "slicing-by-16": sixteen 256-entry tables
 * let one loop iteration fold 16 input bytes with 16 independent table lookups instead of 16 dependent ones.
 * Input is read as little-endian 32-bit words through an Int32Array view when the host is little-endian (every
 * platform Node ships for), which halves the bytes-loads; a byte-at-a-time path covers the unaligned head and tail.
 */

import * as fs from 'node:fs';
import * as path from 'node:path';

const POLY = 0x82f63b78;
const SLICES = 16;

/** TABLE[k * 256 + b] = CRC of byte b followed by k zero bytes. */
const TABLE: Int32Array = (() => {
  const t = new Int32Array(256 * SLICES);
  for (let b = 0; b < 256; b++) {
    let c = b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t[b] = c;
  }
  for (let b = 0; b < 256; b++) {
    let c = t[b];
    for (let k = 1; k < SLICES; k++) {
      c = t[c & 0xff] ^ (c >>> 8);
      t[k * 256 + b] = c;
    }
  }
  return t;
})();

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Below this many bytes, setting up the word view costs more than it saves. */
const WORD_PATH_MIN = 64;

/**
 * The CPU's own CRC-32C instructions: the project's addon (native/crc32c, built by `npm run build` with node-gyp,
 * shipped in the host's targeted .vsix, linux-x64 on CI; VPCLMULQDQ folding or three interleaved crc32 streams),
 * else the table-driven JS below (the universal .vsix, and the reference the tests compare the addon with). The
 * addon is checked on the standard test vector before it is trusted. @node-rs/crc32 was a third choice until
 * 2026-12-06: no .vsix shipped it and it was 11x slower than the addon here (bench/RESULTS.md).
 */
type NativeCrc = (input: Uint8Array, start: number, end: number) => number;

/** The addon's fused check of a produced batch: see native/crc32c/crc32c.c, check_batch. */
type NativeCheckBatch = (input: Uint8Array, crcStart: number, end: number, recordsStart: number) => number;

function loadNative(): { fn: NativeCrc; name: 'addon'; checkBatch?: NativeCheckBatch } | undefined {
  const CHECK = 0xe3069283;
  // TRIBUTARY_CRC32C=js forces the JS code (benchmarks compare the two).
  if (process.env.TRIBUTARY_CRC32C === 'js') return undefined;
  // dist/ (the bundles) and out/src/broker/records/ (tests) sit at different depths under the package root.
  for (let dir = __dirname, i = 0; i < 6; i++, dir = path.dirname(dir)) {
    const file = path.join(dir, 'native', 'crc32c', 'build', 'Release', 'crc32c.node');
    if (!fs.existsSync(file)) continue;
    try {
      const m = require(file) as { crc32c?: NativeCrc; checkBatch?: NativeCheckBatch };
      // The range form is checked too: an addon built from an older source takes only the buffer.
      if (m.crc32c && m.crc32c(Buffer.from('x123456789y'), 1, 10) === CHECK) return { fn: m.crc32c, name: 'addon', checkBatch: m.checkBatch };
    } catch {
      // an addon built for another platform: fall through
    }
    break;
  }
  return undefined;
}

const loaded = loadNative();
const native = loaded?.fn;

/**
 * The addon's one-call check of a produced batch, when it is built: the CRC-32C over [crcStart, end) and, when
 * recordsStart >= 0, the record count found by following the records' length prefixes from there (-1 when they do
 * not fit the batch; log-validator's countRecords is the reference), packed as crc + 2^32 * (count + 1).
 */
export const nativeCheckBatch: NativeCheckBatch | undefined = loaded?.checkBatch;

/** Below this many bytes the call into native code costs more than it saves. */
const NATIVE_MIN = 512;

export const crc32cImplementation: 'native' | 'js' = native ? 'native' : 'js';
/** Which native code computes it: the project's addon, or none. */
export const crc32cNative: 'addon' | 'none' = loaded?.name ?? 'none';

/** CRC-32C of buf[start, end), as an unsigned 32-bit number. */
export function crc32c(buf: Uint8Array, start = 0, end: number = buf.length): number {
  if (native && end - start >= NATIVE_MIN && start >= 0 && end <= buf.length && start <= end) {
    return native(buf, start, end) >>> 0;
  }
  return crc32cJs(buf, start, end);
}

/** The portable table-driven CRC-32C (kept callable so tests check both against each other). */
export function crc32cJs(buf: Uint8Array, start = 0, end: number = buf.length): number {
  return (updateCrc32c(-1, buf, start, end) ^ -1) >>> 0;
}

/**
 * Continues a running CRC (the raw register, not the finalized value) over buf[start, end).
 * Start from -1 and finish with `(crc ^ -1) >>> 0`; lets a caller checksum data that is not contiguous.
 */
export function updateCrc32c(crc: number, buf: Uint8Array, start: number, end: number): number {
  if (start < 0 || end > buf.length || start > end) {
    throw new RangeError(`crc32c range [${start}, ${end}) is outside the buffer of ${buf.length} bytes`);
  }
  const t = TABLE;
  let i = start;
  if (LITTLE_ENDIAN && end - i >= WORD_PATH_MIN) {
    // Walk single bytes up to a 4-byte boundary of the underlying ArrayBuffer so the Int32Array view is legal.
    while (((buf.byteOffset + i) & 3) !== 0) crc = t[(crc ^ buf[i++]) & 0xff] ^ (crc >>> 8);
    const blocks = (end - i) >>> 4;
    const w = new Int32Array(buf.buffer, buf.byteOffset + i, blocks * 4);
    for (let k = 0; k < w.length; k += 4) {
      const a = w[k] ^ crc;
      const b = w[k + 1];
      const c = w[k + 2];
      const d = w[k + 3];
      crc =
        t[3840 + (a & 0xff)] ^ t[3584 + ((a >>> 8) & 0xff)] ^ t[3328 + ((a >>> 16) & 0xff)] ^ t[3072 + (a >>> 24)] ^
        t[2816 + (b & 0xff)] ^ t[2560 + ((b >>> 8) & 0xff)] ^ t[2304 + ((b >>> 16) & 0xff)] ^ t[2048 + (b >>> 24)] ^
        t[1792 + (c & 0xff)] ^ t[1536 + ((c >>> 8) & 0xff)] ^ t[1280 + ((c >>> 16) & 0xff)] ^ t[1024 + (c >>> 24)] ^
        t[768 + (d & 0xff)] ^ t[512 + ((d >>> 8) & 0xff)] ^ t[256 + ((d >>> 16) & 0xff)] ^ t[d >>> 24];
    }
    i += blocks * 16;
  } else {
    const end8 = i + ((end - i) & ~7);
    while (i < end8) {
      const a = (buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24)) ^ crc;
      crc =
        t[1792 + (a & 0xff)] ^ t[1536 + ((a >>> 8) & 0xff)] ^ t[1280 + ((a >>> 16) & 0xff)] ^ t[1024 + (a >>> 24)] ^
        t[768 + buf[i + 4]] ^ t[512 + buf[i + 5]] ^ t[256 + buf[i + 6]] ^ t[buf[i + 7]];
      i += 8;
    }
  }
  while (i < end) crc = t[(crc ^ buf[i++]) & 0xff] ^ (crc >>> 8);
  return crc;
}
