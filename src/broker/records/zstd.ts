/**
 * Zstandard for Kafka batches: one or more standard zstd frames (RFC 8878), no framing of Kafka's own.
 *
 * Decompression is fzstd (pure JS, synchronous, ready at import). Compression needs a real encoder, which in plain
 * JS means WebAssembly: @hpcc-js/wasm-zstd carries zstd 1.5 compiled to WASM inside its JS file (nothing to
 * download, nothing to copy next to a bundle), but compiles it asynchronously. So zstd compression works only after
 * `initZstd()` (or compression.ts's `initCompression()`) has resolved once; decompression never waits.
 */
import { decompress as fzstdDecompress } from 'fzstd';
import { CompressionError } from './errors';

/** The part of @hpcc-js/wasm-zstd we use, declared here so this file compiles even where the package is absent. */
interface ZstdEncoder {
  compress(data: Uint8Array, level?: number): Uint8Array;
}
interface ZstdPackage {
  Zstd: { load(): Promise<ZstdEncoder> };
}

/** Kafka's and librdkafka's default zstd level. */
const ZSTD_DEFAULT_LEVEL = 3;

let encoder: ZstdEncoder | undefined;
let loading: Promise<void> | undefined;

/** Loads the WASM encoder; idempotent, and safe to call concurrently. */
export function initZstd(): Promise<void> {
  if (!loading) {
    loading = (async () => {
      // Loaded on demand: processes that only read zstd never pay for the 240 KB encoder. The package is ESM;
      // bundles turn this require into their own loader, and unbundled it needs Node's require(esm) (20.19+).
      let pkg: ZstdPackage;
      try {
        pkg = require('@hpcc-js/wasm-zstd') as ZstdPackage;
      } catch (e) {
        throw new CompressionError(`zstd compression needs the @hpcc-js/wasm-zstd package: ${(e as Error).message}`, { cause: e });
      }
      encoder = await pkg.Zstd.load();
    })();
    loading.catch(() => {
      loading = undefined;
    });
  }
  return loading;
}

export function zstdCompress(data: Uint8Array, level = ZSTD_DEFAULT_LEVEL): Buffer {
  if (!encoder) {
    throw new CompressionError('zstd compression is not initialised: await initCompression() once at startup');
  }
  const out = encoder.compress(data, level);
  return Buffer.from(out.buffer, out.byteOffset, out.length);
}

export function zstdDecompress(data: Uint8Array): Buffer {
  let out: Uint8Array;
  try {
    out = fzstdDecompress(data);
  } catch (e) {
    throw new CompressionError(`zstd: ${(e as Error).message}`, { cause: e });
  }
  return Buffer.from(out.buffer, out.byteOffset, out.length);
}
