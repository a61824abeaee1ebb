/**
 * The LZ4 frame format (lz4's doc/lz4_Frame_format.md), which Kafka uses for lz4 in v2 batches.
 *
 * We write what Java's Lz4BlockOutputStream writes: FLG 0x60 (version 01, independent blocks, no checksums, no content
 * size), BD 0x40 (64 KB blocks), the header-checksum byte, blocks, and the end mark. Java's reader refuses linked
 * blocks ("Dependent block stream is unsupported"), and lz4js's frame writer sets exactly that, so we don't use it.
 * We read everything a conforming writer may emit: block and content checksums (verified), content size, linked
 * blocks, uncompressed blocks, and several frames back to back.
 */
import { CompressionError } from './errors';
import { GrowableOutput, lz4CompressBlock, lz4CompressBound, lz4DecompressBlock } from './lz4-block';
import { xxhash32 } from './xxhash32';

const LZ4_FRAME_MAGIC = 0x184d2204;
const FLG_VERSION_MASK = 0xc0;
const FLG_VERSION_01 = 0x40;
const FLG_BLOCK_INDEPENDENT = 0x20;
const FLG_BLOCK_CHECKSUM = 0x10;
const FLG_CONTENT_SIZE = 0x08;
const FLG_CONTENT_CHECKSUM = 0x04;
const FLG_RESERVED = 0x02;
const FLG_DICT_ID = 0x01;
const BD_BLOCK_SIZE_MASK = 0x70;
const BLOCK_UNCOMPRESSED = 0x80000000;
/** Block-size id 4 = 64 KB, Java's and lz4's default. */
const WRITE_BLOCK_SIZE_ID = 4;

function maxBlockSizeOf(id: number): number {
  return 1 << (2 * id + 8);
}

/**
 * `brokenHeaderChecksum`: the frame descriptor's checksum over the magic number too, as Kafka's writer computes it for
 * message format v0 (KafkaLZ4BlockOutputStream), which readers of that format expect.
 */
export function lz4FrameCompress(data: Uint8Array, opts: { brokenHeaderChecksum?: boolean } = {}): Buffer {
  const blockSize = maxBlockSizeOf(WRITE_BLOCK_SIZE_ID);
  const blocks = Math.max(1, Math.ceil(data.length / blockSize));
  // Header, end mark, and per block a size word plus the worst case of compressing that block.
  const out = Buffer.allocUnsafe(7 + 4 + blocks * 4 + (blocks - 1) * lz4CompressBound(blockSize) + lz4CompressBound(data.length - (blocks - 1) * blockSize));
  out.writeUInt32LE(LZ4_FRAME_MAGIC, 0);
  out[4] = FLG_VERSION_01 | FLG_BLOCK_INDEPENDENT;
  out[5] = WRITE_BLOCK_SIZE_ID << 4;
  out[6] = (xxhash32(out, opts.brokenHeaderChecksum ? 0 : 4, 6) >>> 8) & 0xff;
  let op = 7;
  for (let pos = 0; pos < data.length; pos += blockSize) {
    const end = Math.min(pos + blockSize, data.length);
    const blockEnd = lz4CompressBlock(data, pos, end, out, op + 4);
    const compressed = blockEnd - op - 4;
    if (compressed < end - pos) {
      out.writeUInt32LE(compressed, op);
      op = blockEnd;
    } else {
      // Incompressible: store the bytes as they are, flagged by the block size's high bit.
      out.writeUInt32LE(((end - pos) | BLOCK_UNCOMPRESSED) >>> 0, op);
      out.set(data.subarray(pos, end), op + 4);
      op += 4 + (end - pos);
    }
  }
  out.writeUInt32LE(0, op);
  return out.subarray(0, op + 4);
}

export function lz4FrameDecompress(data: Uint8Array): Buffer {
  const out: GrowableOutput = { buf: Buffer.allocUnsafe(Math.max(256, data.length * 4)), pos: 0 };
  let pos = 0;
  do {
    pos = decodeFrame(data, pos, out);
  } while (pos < data.length);
  return out.buf.subarray(0, out.pos);
}

function need(data: Uint8Array, pos: number, n: number, what: string): void {
  if (pos + n > data.length) throw new CompressionError(`lz4: truncated frame (${what})`);
}

function decodeFrame(data: Uint8Array, pos: number, out: GrowableOutput): number {
  const view = Buffer.from(data.buffer, data.byteOffset, data.length);
  need(data, pos, 7, 'header');
  if (view.readUInt32LE(pos) !== LZ4_FRAME_MAGIC) throw new CompressionError('lz4: bad frame magic');
  const descriptorStart = pos + 4;
  const flg = data[pos + 4];
  const bd = data[pos + 5];
  if ((flg & FLG_VERSION_MASK) !== FLG_VERSION_01) throw new CompressionError(`lz4: unsupported frame version ${flg >>> 6}`);
  if (flg & FLG_RESERVED) throw new CompressionError('lz4: reserved FLG bit set');
  if (flg & FLG_DICT_ID) throw new CompressionError('lz4: frames that need a dictionary are not supported');
  if (bd & ~BD_BLOCK_SIZE_MASK) throw new CompressionError('lz4: reserved BD bits set');
  const sizeId = (bd & BD_BLOCK_SIZE_MASK) >>> 4;
  if (sizeId < 4) throw new CompressionError(`lz4: invalid block size id ${sizeId}`);
  const maxBlockSize = maxBlockSizeOf(sizeId);
  pos += 6;
  let contentSize = -1;
  if (flg & FLG_CONTENT_SIZE) {
    need(data, pos, 9, 'content size');
    contentSize = view.readUInt32LE(pos) + view.readUInt32LE(pos + 4) * 0x100000000;
    pos += 8;
  }
  const hc = (xxhash32(data, descriptorStart, pos) >>> 8) & 0xff;
  // Message format v0 producers (Kafka's writer before 0.10) checksum the magic number too; Kafka reads both.
  const brokenHc = (xxhash32(data, descriptorStart - 4, pos) >>> 8) & 0xff;
  if (data[pos] !== hc && data[pos] !== brokenHc) throw new CompressionError('lz4: frame descriptor checksum mismatch');
  pos++;

  const frameStart = out.pos;
  if (contentSize > out.buf.length - out.pos && contentSize <= 0x7fffffff) {
    const grown = Buffer.allocUnsafe(out.pos + contentSize);
    out.buf.copy(grown, 0, 0, out.pos);
    out.buf = grown;
  }
  const independent = (flg & FLG_BLOCK_INDEPENDENT) !== 0;
  for (;;) {
    need(data, pos, 4, 'block size');
    const word = view.readUInt32LE(pos);
    pos += 4;
    if (word === 0) break;
    const size = word & ~BLOCK_UNCOMPRESSED;
    if (size > maxBlockSize) throw new CompressionError(`lz4: block of ${size} bytes exceeds the frame's maximum ${maxBlockSize}`);
    need(data, pos, size + (flg & FLG_BLOCK_CHECKSUM ? 4 : 0), 'block');
    if (flg & FLG_BLOCK_CHECKSUM) {
      if (xxhash32(data, pos, pos + size) !== view.readUInt32LE(pos + size)) throw new CompressionError('lz4: block checksum mismatch');
    }
    const blockStart = out.pos;
    if (word & BLOCK_UNCOMPRESSED) {
      if (out.buf.length - out.pos < size) {
        const grown = Buffer.allocUnsafe(Math.max(out.pos + size, out.buf.length * 2));
        out.buf.copy(grown, 0, 0, out.pos);
        out.buf = grown;
      }
      out.buf.set(data.subarray(pos, pos + size), out.pos);
      out.pos += size;
    } else {
      lz4DecompressBlock(data, pos, pos + size, out, independent ? blockStart : frameStart, blockStart + maxBlockSize);
    }
    pos += size + (flg & FLG_BLOCK_CHECKSUM ? 4 : 0);
  }
  if (contentSize >= 0 && out.pos - frameStart !== contentSize) {
    throw new CompressionError(`lz4: frame declared ${contentSize} bytes of content, decoded ${out.pos - frameStart}`);
  }
  if (flg & FLG_CONTENT_CHECKSUM) {
    need(data, pos, 4, 'content checksum');
    if (xxhash32(out.buf, frameStart, out.pos) !== view.readUInt32LE(pos)) throw new CompressionError('lz4: content checksum mismatch');
    pos += 4;
  }
  return pos;
}
