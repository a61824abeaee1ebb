/**
 * The codecs of a RecordBatch v2's attributes bits 0-2. Each reads what librdkafka and Java clients write and writes
 * what both read: librdkafka both ways in tests (golden captures, and kcat consuming our batches); Java by following
 * the rules of its readers (Lz4BlockInputStream, snappy-java). Each codec's module says what mattered for it.
 *
 * All calls are synchronous, so a batch decodes inside one turn of the event loop. The one exception to "ready at
 * import" is zstd compression (a WASM encoder): await `initCompression()` once before compressing with Zstd.
 */
import * as zlib from 'node:zlib';
import { CompressionError } from './errors';
import { lz4FrameCompress, lz4FrameDecompress } from './lz4-frame';
import { snappyDecompress, xerialSnappyCompress } from './snappy-xerial';
import { initZstd, zstdCompress, zstdDecompress } from './zstd';

export enum CompressionType {
  None = 0,
  Gzip = 1,
  Snappy = 2,
  Lz4 = 3,
  Zstd = 4,
}

/** The names Kafka uses in configs (compression.type) and tools (DumpLogSegments' compresscodec). */
export const COMPRESSION_NAMES: Readonly<Record<CompressionType, string>> = {
  [CompressionType.None]: 'none',
  [CompressionType.Gzip]: 'gzip',
  [CompressionType.Snappy]: 'snappy',
  [CompressionType.Lz4]: 'lz4',
  [CompressionType.Zstd]: 'zstd',
};

export function compressionName(type: number): string {
  return COMPRESSION_NAMES[type as CompressionType] ?? `unknown(${type})`;
}

export function compressionTypeFromName(name: string): CompressionType | undefined {
  for (const [id, n] of Object.entries(COMPRESSION_NAMES)) if (n === name) return Number(id) as CompressionType;
  return undefined;
}

/** Prepares every codec for compression (today: loads the zstd WASM encoder). Await once at startup. */
export function initCompression(): Promise<void> {
  return initZstd();
}

export function compress(type: CompressionType, data: Buffer): Buffer {
  switch (type) {
    case CompressionType.None:
      return data;
    case CompressionType.Gzip:
      return zlib.gzipSync(data);
    case CompressionType.Snappy:
      return xerialSnappyCompress(data);
    case CompressionType.Lz4:
      return lz4FrameCompress(data);
    case CompressionType.Zstd:
      return zstdCompress(data);
    default:
      throw new CompressionError(`unknown compression type ${type as number}`);
  }
}

export function decompress(type: CompressionType, data: Buffer): Buffer {
  switch (type) {
    case CompressionType.None:
      return data;
    case CompressionType.Gzip:
      try {
        // gunzip reads concatenated gzip members too, as Java's GZIPInputStream does.
        return zlib.gunzipSync(data);
      } catch (e) {
        throw new CompressionError(`gzip: ${(e as Error).message}`, { cause: e });
      }
    case CompressionType.Snappy:
      return snappyDecompress(data);
    case CompressionType.Lz4:
      return lz4FrameDecompress(data);
    case CompressionType.Zstd:
      return zstdDecompress(data);
    default:
      throw new CompressionError(`unknown compression type ${type as number}`);
  }
}
