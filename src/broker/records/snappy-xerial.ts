/**
 * Snappy as Kafka batches carry it. Java producers write the xerial snappy-java stream framing
 * (SnappyOutputStream): a 16-byte header, then chunks of [int32 big-endian length][raw snappy block].
 * librdkafka writes one bare raw snappy block. Java's SnappyInputStream and librdkafka both read either, so we do too;
 * we write the xerial framing, which every Kafka client since 0.8 can read.
 */
import { CompressionError } from './errors';
import { snappyCompressRaw, snappyDecompressRaw, snappyDecompressRawInto, snappyUncompressedLength } from './snappy';

/** 0x82 'SNAPPY' 0x00. A raw block could in theory begin with these 8 bytes; snappy-java and librdkafka make the same bet. */
export const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_SIZE = 16;
const XERIAL_VERSION = 1;
const XERIAL_COMPATIBLE_VERSION = 1;
/** snappy-java's default chunk size, so our output chunks like a Java producer's. */
export const XERIAL_BLOCK_SIZE = 32 * 1024;

function isXerialFramed(data: Uint8Array): boolean {
  if (data.length < XERIAL_HEADER_SIZE) return false;
  for (let i = 0; i < XERIAL_MAGIC.length; i++) if (data[i] !== XERIAL_MAGIC[i]) return false;
  return true;
}

export function xerialSnappyCompress(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  const header = Buffer.alloc(XERIAL_HEADER_SIZE);
  XERIAL_MAGIC.copy(header, 0);
  header.writeInt32BE(XERIAL_VERSION, 8);
  header.writeInt32BE(XERIAL_COMPATIBLE_VERSION, 12);
  parts.push(header);
  for (let pos = 0; pos < data.length; pos += XERIAL_BLOCK_SIZE) {
    const block = snappyCompressRaw(data.subarray(pos, Math.min(pos + XERIAL_BLOCK_SIZE, data.length)));
    const len = Buffer.allocUnsafe(4);
    len.writeInt32BE(block.length, 0);
    parts.push(len, block);
  }
  return Buffer.concat(parts);
}

/** Reads the xerial framing or, without its magic, a single raw snappy block. */
export function snappyDecompress(data: Buffer): Buffer {
  if (!isXerialFramed(data)) return snappyDecompressRaw(data);
  const compatible = data.readInt32BE(12);
  if (compatible > XERIAL_VERSION) {
    throw new CompressionError(`snappy: xerial stream needs reader version ${compatible}, we implement ${XERIAL_VERSION}`);
  }
  // First pass sums the chunks' declared sizes so the output is allocated once.
  let total = 0;
  let pos = XERIAL_HEADER_SIZE;
  while (pos < data.length) {
    if (pos + 4 > data.length) throw new CompressionError('snappy: truncated xerial chunk length');
    const len = data.readInt32BE(pos);
    pos += 4;
    if (len < 0 || pos + len > data.length) throw new CompressionError(`snappy: xerial chunk of ${len} bytes runs past the input`);
    total += snappyUncompressedLength(data, pos, pos + len);
    pos += len;
  }
  const out = Buffer.allocUnsafe(total);
  let o = 0;
  pos = XERIAL_HEADER_SIZE;
  while (pos < data.length) {
    const len = data.readInt32BE(pos);
    pos += 4;
    o = snappyDecompressRawInto(data, pos, pos + len, out, o);
    pos += len;
  }
  return out;
}
