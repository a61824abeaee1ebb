import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import * as lz4js from 'lz4js';
import * as snappyjs from 'snappyjs';
import {
  CompressionType,
  compress,
  compressionName,
  compressionTypeFromName,
  decompress,
  initCompression,
} from '../../../src/broker/records/compression';
import { CompressionError } from '../../../src/broker/records/errors';
import { lz4FrameCompress, lz4FrameDecompress } from '../../../src/broker/records/lz4-frame';
import { XERIAL_BLOCK_SIZE, XERIAL_MAGIC, xerialSnappyCompress } from '../../../src/broker/records/snappy-xerial';
import { snappyDecompressRaw } from '../../../src/broker/records/snappy';
import { xxhash32 } from '../../../src/broker/records/xxhash32';

// lz4js's own XXH32, an independent implementation to check ours and to build frames by hand.
const lz4jsXxh32 = require('lz4js/xxh32.js') as { hash(seed: number, buf: Uint8Array, start: number, len: number): number };

/** Deterministic pseudo-random bytes (xorshift), so failures reproduce. */
function noise(n: number, seed = 1): Buffer {
  const out = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Text-like data that compresses, with some variation so matches have varied lengths and offsets. */
function text(n: number): Buffer {
  const words = ['kafka', 'record', 'batch', 'offset', 'partition', 'leader', 'epoch', 'producer', 'consumer', '{"id":', '}, '];
  const parts: string[] = [];
  let len = 0;
  for (let i = 0; len < n; i++) {
    const w = words[(i * 7 + (i >> 3)) % words.length] + (i % 13 === 0 ? i : '') + ' ';
    parts.push(w);
    len += w.length;
  }
  return Buffer.from(parts.join('')).subarray(0, n);
}

const SAMPLES: Array<[string, Buffer]> = [
  ['empty', Buffer.alloc(0)],
  ['one byte', Buffer.from([0x42])],
  ['12 bytes (below the LZ4 match limit)', Buffer.from('abcabcabcabc')],
  ['short text', text(100)],
  ['64 KB of text, exactly one LZ4 block', text(65536)],
  ['200 KB of text', text(200000)],
  ['100 KB of random bytes', noise(100000)],
  ['300 KB of one byte', Buffer.alloc(300000, 7)],
];

describe('compression', () => {
  before(async () => {
    await initCompression();
  });

  for (const type of [CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd]) {
    it(`${compressionName(type)}: decompress(compress(x)) == x for empty, tiny, text, random and repetitive data`, () => {
      for (const [label, data] of SAMPLES) {
        const packed = compress(type, data);
        assert.ok(decompress(type, packed).equals(data), `${compressionName(type)} ${label}`);
        if (type !== CompressionType.None && data.length >= 65536 && label.includes('text')) {
          assert.ok(packed.length < data.length / 2, `${compressionName(type)} should shrink ${label}: ${packed.length}`);
        }
      }
    });
  }

  it("maps codecs to Kafka's names and back", () => {
    assert.deepEqual(
      [0, 1, 2, 3, 4].map((t) => compressionName(t)),
      ['none', 'gzip', 'snappy', 'lz4', 'zstd'],
    );
    assert.equal(compressionName(6), 'unknown(6)');
    assert.equal(compressionTypeFromName('lz4'), CompressionType.Lz4);
    assert.equal(compressionTypeFromName('brotli'), undefined);
  });

  it('rejects an unknown codec id', () => {
    assert.throws(() => compress(5 as CompressionType, Buffer.from('x')), CompressionError);
    assert.throws(() => decompress(7 as CompressionType, Buffer.from('x')), CompressionError);
  });

  describe('gzip', () => {
    it('writes gzip (not raw deflate) and reads concatenated members like GZIPInputStream', () => {
      const packed = compress(CompressionType.Gzip, text(1000));
      assert.deepEqual([...packed.subarray(0, 2)], [0x1f, 0x8b]);
      const two = Buffer.concat([zlib.gzipSync(Buffer.from('first,')), zlib.gzipSync(Buffer.from('second'))]);
      assert.equal(decompress(CompressionType.Gzip, two).toString(), 'first,second');
    });

    it('reports corrupt gzip as a CompressionError', () => {
      const packed = compress(CompressionType.Gzip, text(1000));
      assert.throws(() => decompress(CompressionType.Gzip, packed.subarray(0, packed.length - 10)), CompressionError);
    });
  });

  describe('snappy', () => {
    it('writes the xerial framing of Java SnappyOutputStream: magic, version 1, compatible 1, 32 KB chunks', () => {
      const data = text(100000);
      const framed = xerialSnappyCompress(data);
      assert.deepEqual([...framed.subarray(0, 8)], [0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
      assert.ok(framed.subarray(0, 8).equals(XERIAL_MAGIC));
      assert.equal(framed.readInt32BE(8), 1);
      assert.equal(framed.readInt32BE(12), 1);
      // Walk the chunks and decode each with snappyjs, an independent raw-snappy decoder.
      const pieces: Buffer[] = [];
      let pos = 16;
      while (pos < framed.length) {
        const len = framed.readInt32BE(pos);
        pieces.push(Buffer.from(snappyjs.uncompress(framed.subarray(pos + 4, pos + 4 + len))));
        pos += 4 + len;
      }
      assert.equal(pos, framed.length);
      assert.deepEqual(
        pieces.map((p) => p.length),
        [XERIAL_BLOCK_SIZE, XERIAL_BLOCK_SIZE, XERIAL_BLOCK_SIZE, 100000 - 3 * XERIAL_BLOCK_SIZE],
      );
      assert.ok(Buffer.concat(pieces).equals(data));
    });

    it('reads a bare raw snappy block, as librdkafka writes', () => {
      const data = text(5000);
      const raw = Buffer.from(snappyjs.compress(data));
      assert.ok(decompress(CompressionType.Snappy, raw).equals(data));
    });

    it('reads xerial chunks that were compressed separately, with an empty stream too', () => {
      const header = xerialSnappyCompress(Buffer.alloc(0));
      assert.equal(header.length, 16);
      assert.equal(decompress(CompressionType.Snappy, header).length, 0);
      const a = Buffer.from(snappyjs.compress(Buffer.from('hello ')));
      const b = Buffer.from(snappyjs.compress(Buffer.from('world')));
      const len = (n: number): Buffer => {
        const x = Buffer.alloc(4);
        x.writeInt32BE(n);
        return x;
      };
      assert.equal(decompress(CompressionType.Snappy, Buffer.concat([header, len(a.length), a, len(b.length), b])).toString(), 'hello world');
    });

    it('rejects damaged raw blocks instead of returning short or garbage output', () => {
      const raw = Buffer.from(snappyjs.compress(text(3000)));
      // Declared length larger than what the elements produce.
      const lying = Buffer.concat([Buffer.from([0xb9, 0x17]), raw.subarray(2)]);
      assert.throws(() => snappyDecompressRaw(lying), /declared|overruns/);
      assert.throws(() => snappyDecompressRaw(raw.subarray(0, raw.length - 5)), CompressionError);
      // A copy element (tag 01) whose offset reaches before the start of the output.
      assert.throws(() => snappyDecompressRaw(Buffer.from([0x08, 0x00, 0x61, 0x01, 0x05])), /offset/);
      // A 4-byte-offset copy with offset 0.
      assert.throws(() => snappyDecompressRaw(Buffer.from([0x08, 0x00, 0x61, 0x0f, 0, 0, 0, 0])), /offset 0/);
    });

    it('rejects a truncated xerial chunk', () => {
      const framed = xerialSnappyCompress(text(1000));
      assert.throws(() => decompress(CompressionType.Snappy, framed.subarray(0, framed.length - 3)), CompressionError);
      assert.throws(() => decompress(CompressionType.Snappy, framed.subarray(0, 18)), /truncated/);
    });
  });

  describe('lz4', () => {
    it('writes the frame header Java and librdkafka write: FLG 0x60 (independent blocks), BD 0x40 (64 KB), HC 0x82', () => {
      const frame = lz4FrameCompress(text(1000));
      // Same 7 bytes as the frame in the librdkafka golden capture (test/fixtures/golden/kcat-lz4.bin).
      assert.deepEqual([...frame.subarray(0, 7)], [0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x82]);
      assert.equal(frame.readUInt32LE(frame.length - 4), 0, 'ends with the end mark');
    });

    it('splits input into independent 64 KB blocks that an independent decoder reads one by one', () => {
      const data = Buffer.concat([text(150000), noise(70000)]);
      const frame = lz4FrameCompress(data);
      const pieces: Buffer[] = [];
      let pos = 7;
      for (;;) {
        const word = frame.readUInt32LE(pos);
        pos += 4;
        if (word === 0) break;
        const size = word & 0x7fffffff;
        const block = frame.subarray(pos, pos + size);
        if (word & 0x80000000) {
          pieces.push(Buffer.from(block));
        } else {
          // Decoding each block into a fresh buffer proves it never references an earlier block.
          const out = Buffer.alloc(65536);
          const end = lz4js.decompressBlock(block, out, 0, size, 0);
          pieces.push(out.subarray(0, end));
        }
        pos += size;
      }
      assert.deepEqual(
        pieces.map((p) => p.length),
        [65536, 65536, 65536, 220000 - 3 * 65536],
      );
      assert.ok(Buffer.concat(pieces).equals(data));
      assert.ok(lz4FrameDecompress(frame).equals(data));
    });

    it("never starts a match in a block's last 12 bytes, and ends every block with at least 5 literals", () => {
      // The reference decoder (librdkafka, lz4-java) rejects a full-size block that breaks these rules.
      const inputs = [text(65536), Buffer.alloc(65536, 9), text(13), text(17), text(40), Buffer.alloc(64, 1), text(1000)];
      for (let n = 13; n < 80; n++) inputs.push(Buffer.alloc(n, 0x61));
      for (const input of inputs) {
        const frame = lz4FrameCompress(input);
        let pos = 7;
        for (;;) {
          const word = frame.readUInt32LE(pos);
          pos += 4;
          if (word === 0) break;
          if (!(word & 0x80000000)) checkBlockEndRules(frame, pos, pos + word, input.length);
          pos += word & 0x7fffffff;
        }
      }
    });

    it('reads frames with content size, block checksums and a content checksum, and verifies them', () => {
      const data = text(70000);
      const frame = handBuiltFrame(data, { contentSize: true, blockChecksum: true, contentChecksum: true });
      assert.ok(lz4FrameDecompress(frame).equals(data));
      const badContent = Buffer.from(frame);
      badContent[badContent.length - 1] ^= 1;
      assert.throws(() => lz4FrameDecompress(badContent), /content checksum/);
      const badBlock = Buffer.from(frame);
      badBlock[7 + 8 + 4 + 10] ^= 1; // inside the first block's data
      assert.throws(() => lz4FrameDecompress(badBlock), /block checksum/);
    });

    it('reads linked-block frames as lz4js writes them (FLG 0x40)', () => {
      const data = text(300000);
      const frame = Buffer.from(lz4js.compress(data));
      assert.equal(frame[4], 0x40);
      assert.ok(decompress(CompressionType.Lz4, frame).equals(data));
    });

    it('reads concatenated frames', () => {
      const two = Buffer.concat([lz4FrameCompress(Buffer.from('first,')), lz4FrameCompress(Buffer.from('second'))]);
      assert.equal(lz4FrameDecompress(two).toString(), 'first,second');
    });

    it('rejects bad magic, descriptor checksum, reserved bits, truncation and out-of-window offsets', () => {
      const frame = lz4FrameCompress(text(2000));
      const mutate = (i: number, v: number): Buffer => {
        const b = Buffer.from(frame);
        b[i] = v;
        return b;
      };
      assert.throws(() => lz4FrameDecompress(mutate(0, 0x05)), /magic/);
      assert.throws(() => lz4FrameDecompress(mutate(6, 0x00)), /descriptor checksum/);
      assert.throws(() => lz4FrameDecompress(mutate(4, 0x62)), /reserved/);
      assert.throws(() => lz4FrameDecompress(mutate(5, 0x41)), /reserved BD/);
      assert.throws(() => lz4FrameDecompress(frame.subarray(0, frame.length - 6)), CompressionError);
      // One compressed block: a literal 'a', then a match at offset 2 when only 1 byte has been produced.
      const block = Buffer.from([0x10, 0x61, 0x02, 0x00, 0x50, 0x61, 0x61, 0x61, 0x61, 0x61]);
      const bad = Buffer.concat([frame.subarray(0, 7), u32le(block.length), block, u32le(0)]);
      assert.throws(() => lz4FrameDecompress(bad), /outside the window/);
    });

    it('implements XXH32: known values, and agreement with lz4js for many lengths', () => {
      assert.equal(xxhash32(Buffer.alloc(0)), 0x02cc5d05);
      assert.equal(xxhash32(Buffer.from('abc')), 0x32d153ff);
      const data = noise(300, 3);
      for (let n = 0; n <= 300; n += 7) assert.equal(xxhash32(data, 0, n), lz4jsXxh32.hash(0, data, 0, n) >>> 0, `length ${n}`);
    });
  });

  describe('zstd', () => {
    it('writes standard zstd frames and reads several frames back to back', () => {
      const frame = compress(CompressionType.Zstd, text(5000));
      assert.equal(frame.readUInt32LE(0), 0xfd2fb528);
      const two = Buffer.concat([compress(CompressionType.Zstd, Buffer.from('first,')), compress(CompressionType.Zstd, Buffer.from('second'))]);
      assert.equal(decompress(CompressionType.Zstd, two).toString(), 'first,second');
    });

    it('reports corrupt zstd as a CompressionError', () => {
      const frame = compress(CompressionType.Zstd, text(5000));
      assert.throws(() => decompress(CompressionType.Zstd, frame.subarray(0, 20)), CompressionError);
    });

    it('decompresses without initCompression(), but refuses to compress before it', () => {
      // A fresh process: in this one the encoder is already loaded.
      const modulePath = path.resolve(__dirname, '../../../src/broker/records/compression.js');
      const script = `
        const c = require(${JSON.stringify(modulePath)});
        const packed = ${JSON.stringify([...zlib.gzipSync(Buffer.alloc(0))])};
        try { c.compress(4, Buffer.from('x')); console.log('compressed'); } catch (e) { console.log('refused: ' + e.message); }
        c.initCompression().then(() => console.log('after init: ' + c.decompress(4, c.compress(4, Buffer.from('ok'))).toString()));`;
      const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 10000 });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /^refused: zstd compression is not initialised: await initCompression\(\)/);
      assert.match(r.stdout, /after init: ok/);
    });
  });
});

function u32le(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
}

/** A frame with the optional fields Java and our writer leave out, each block stored uncompressed. */
function handBuiltFrame(data: Buffer, opts: { contentSize: boolean; blockChecksum: boolean; contentChecksum: boolean }): Buffer {
  const flg = 0x60 | (opts.blockChecksum ? 0x10 : 0) | (opts.contentSize ? 0x08 : 0) | (opts.contentChecksum ? 0x04 : 0);
  const descriptor = [flg, 0x40];
  if (opts.contentSize) {
    const size = Buffer.alloc(8);
    size.writeBigUInt64LE(BigInt(data.length));
    descriptor.push(...size);
  }
  const hc = (lz4jsXxh32.hash(0, Buffer.from(descriptor), 0, descriptor.length) >>> 8) & 0xff;
  const parts = [u32le(0x184d2204), Buffer.from(descriptor), Buffer.from([hc])];
  for (let pos = 0; pos < data.length; pos += 65536) {
    const block = data.subarray(pos, Math.min(pos + 65536, data.length));
    parts.push(u32le(block.length | 0x80000000), block);
    if (opts.blockChecksum) parts.push(u32le(lz4jsXxh32.hash(0, block, 0, block.length)));
  }
  parts.push(u32le(0));
  if (opts.contentChecksum) parts.push(u32le(lz4jsXxh32.hash(0, data, 0, data.length)));
  return Buffer.concat(parts);
}

/** Walks an LZ4 block's sequences and checks the format's end-of-block rules. */
function checkBlockEndRules(frame: Buffer, start: number, end: number, inputLength: number): void {
  let i = start;
  let produced = 0;
  const blockLength = Math.min(65536, inputLength);
  for (;;) {
    const token = frame[i++];
    let literals = token >>> 4;
    if (literals === 15) {
      let b;
      do {
        b = frame[i++];
        literals += b;
      } while (b === 255);
    }
    i += literals;
    produced += literals;
    if (i === end) {
      if (blockLength >= 13) assert.ok(literals >= 5, `last sequence has ${literals} literals`);
      return;
    }
    i += 2;
    assert.ok(produced <= blockLength - 12, `match starts at ${produced}, within the last 12 bytes of a ${blockLength}-byte block`);
    let length = (token & 15) + 4;
    if ((token & 15) === 15) {
      let b;
      do {
        b = frame[i++];
        length += b;
      } while (b === 255);
    }
    produced += length;
    assert.ok(produced <= blockLength - 5, 'a match reaches into the last 5 bytes');
  }
}
