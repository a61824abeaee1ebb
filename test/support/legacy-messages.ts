/** Messages of format v0/v1, as clients older than Kafka 0.11 write them (for Produce v0-2 tests). */
import * as zlib from 'node:zlib';

/** One message of format v0 (no timestamp) or v1, as an old client writes it. */
export function legacyMessage(m: { offset: number; magic: 0 | 1; attributes?: number; timestamp?: number; key: string | Buffer | null; value: string | Buffer | null }): Buffer {
  const bytes = (b: string | Buffer | null) => {
    if (b === null) return Buffer.from([0xff, 0xff, 0xff, 0xff]);
    const v = Buffer.isBuffer(b) ? b : Buffer.from(b);
    const len = Buffer.alloc(4);
    len.writeInt32BE(v.length);
    return Buffer.concat([len, v]);
  };
  const ts = Buffer.alloc(m.magic === 1 ? 8 : 0);
  if (m.magic === 1) ts.writeBigInt64BE(BigInt(m.timestamp ?? -1));
  const body = Buffer.concat([Buffer.from([m.magic, m.attributes ?? 0]), ts, bytes(m.key), bytes(m.value)]);
  const head = Buffer.alloc(16);
  head.writeBigInt64BE(BigInt(m.offset), 0);
  head.writeInt32BE(body.length + 4, 8);
  head.writeUInt32BE(zlib.crc32(body), 12);
  return Buffer.concat([head, body]);
}

/** A gzip wrapper message holding `inner` (magic 1: relative inner offsets, the wrapper at the last one). */
export function gzipWrapper(magic: 0 | 1, inner: Buffer[], timestamp = -1): Buffer {
  return legacyMessage({ offset: inner.length - 1, magic, attributes: 1, timestamp, key: null, value: zlib.gzipSync(Buffer.concat(inner)) });
}
