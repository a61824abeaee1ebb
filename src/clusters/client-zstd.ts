/**
 * zstd for the client library (@platformatic/kafka) where Node.js has none (zlib's zstd came in Node 22.15): the
 * library then cannot read a zstd batch (kcat -z zstd, a Java producer with compression.type=zstd) nor write one,
 * and fails with "zstd is not supported in the current Node.js version". Its codec table is swapped for Tributary's
 * own codec, the one the broker uses (fzstd to read, synchronous; the WASM encoder to write, loaded once by
 * `ensureClientZstd()` before a zstd produce). With a Node.js that has zstd nothing is changed.
 */
import * as zlib from 'node:zlib';
import { compressionsAlgorithms } from '@platformatic/kafka';
import { initZstd, zstdCompress, zstdDecompress } from '../broker/records/zstd';

const NATIVE = typeof (zlib as { zstdCompressSync?: unknown }).zstdCompressSync === 'function';

/** A Buffer, or the library's DynamicBuffer of several. */
type Data = Parameters<typeof compressionsAlgorithms.zstd.compressSync>[0];
const bytes = (d: Data): Buffer => (Buffer.isBuffer(d) ? d : d.buffer);

/** The library's zstd entry, whose fields it declares read-only: typed so that a change of its shape fails the build. */
interface Codec {
  compressSync(d: Data): Buffer;
  decompressSync(d: Data): Buffer;
  available: boolean;
}

if (!NATIVE) {
  // The same objects are listed by bitmask for reading: changing them serves both directions.
  const codec: Codec = compressionsAlgorithms.zstd;
  codec.compressSync = (d) => zstdCompress(bytes(d));
  codec.decompressSync = (d) => zstdDecompress(bytes(d));
  codec.available = true;
}

/** Before a zstd produce: loads the encoder where the library relies on ours (reading needs nothing). */
export async function ensureClientZstd(): Promise<void> {
  if (!NATIVE) await initZstd();
}
