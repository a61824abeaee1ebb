/**
 * Message format v0 and v1 (magic 0 and 1: what Produce v0-2 carries from clients older than Kafka 0.11), read and
 * converted to one RecordBatch v2, as Kafka's LogValidator up-converts on append: offsets are the broker's, magic-0
 * messages have no timestamp (-1), compressed wrapper messages are opened and their inner messages taken one by one,
 * and the batch keeps the producer's codec (the topic's compression.type applies afterwards, as for any batch).
 *
 *   offset int64 | size int32 | crc int32 (CRC-32 of what follows) | magic int8 | attributes int8
 *   | timestamp int64 (magic 1) | key bytes | value bytes
 */
import * as zlib from 'node:zlib';
import { KafkaError } from '../errors';
import { CompressionType, decompress } from './compression';
import { encodeRecordBatch } from './record-batch';
import type { RecordInput } from './record';

const LOG_OVERHEAD = 12;
const CODEC_MASK = 0x07;
const TIMESTAMP_TYPE_MASK = 0x08;
/** magic + attributes + key length + value length, and a magic-1 timestamp. */
const MIN_V0_BODY = 1 + 1 + 4 + 4;

interface LegacyMessage {
  offset: number;
  magic: number;
  attributes: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
}

function corrupt(why: string): KafkaError {
  return new KafkaError('CORRUPT_MESSAGE', `message set (format v0/v1): ${why}`);
}

/** Whether `records` starts with a legacy message (magic 0 or 1) rather than a RecordBatch v2. */
export function isLegacyMessageSet(records: Buffer): boolean {
  return records.length >= LOG_OVERHEAD + 4 + 1 && records[LOG_OVERHEAD + 4] < 2;
}

/** The messages of a message set, in order; each must pass its CRC. Partial trailing messages are an error. */
export function readLegacyMessages(buf: Buffer): LegacyMessage[] {
  const out: LegacyMessage[] = [];
  let pos = 0;
  while (pos < buf.length) {
    if (buf.length - pos < LOG_OVERHEAD) throw corrupt(`${buf.length - pos} trailing bytes`);
    const offset = Number(buf.readBigInt64BE(pos));
    const size = buf.readInt32BE(pos + 8);
    const start = pos + LOG_OVERHEAD;
    const end = start + size;
    if (size < 4 + MIN_V0_BODY || end > buf.length) throw corrupt(`a message claims ${size} bytes but ${buf.length - start} remain`);
    const crc = buf.readUInt32BE(start);
    if (zlib.crc32(buf.subarray(start + 4, end)) !== crc) throw corrupt(`the message at offset ${offset} fails its CRC-32 check`);
    const magic = buf[start + 4];
    if (magic > 1) throw corrupt(`magic ${magic} inside a message set of format v0/v1`);
    const attributes = buf[start + 5];
    let p = start + 6;
    let timestamp = -1;
    if (magic === 1) {
      if (end - p < 8 + 8) throw corrupt('a magic-1 message too short for its timestamp');
      timestamp = Number(buf.readBigInt64BE(p));
      p += 8;
    }
    const readBytes = (): Buffer | null => {
      if (end - p < 4) throw corrupt('a key or value length runs past the message');
      const len = buf.readInt32BE(p);
      p += 4;
      if (len < 0) return null;
      if (end - p < len) throw corrupt('a key or value runs past the message');
      const b = buf.subarray(p, p + len);
      p += len;
      return b;
    };
    const key = readBytes();
    const value = readBytes();
    out.push({ offset, magic, attributes, timestamp, key, value });
    pos = end;
  }
  return out;
}

/**
 * The records a message set holds, wrapper messages opened: uncompressed messages as they are, a compressed
 * wrapper's inner messages (magic 1 inner messages of a LogAppendTime wrapper take the wrapper's timestamp), and the
 * codec the producer used.
 */
function flatten(set: Buffer): { records: RecordInput[]; codec: CompressionType; logAppendTime: boolean } {
  const records: RecordInput[] = [];
  let codec = CompressionType.None;
  let logAppendTime = false;
  for (const m of readLegacyMessages(set)) {
    const c = (m.attributes & CODEC_MASK) as CompressionType;
    if (m.magic === 1 && (m.attributes & TIMESTAMP_TYPE_MASK) !== 0) logAppendTime = true;
    if (c === CompressionType.None) {
      records.push({ key: m.key, value: m.value, timestamp: m.timestamp });
      continue;
    }
    if (c > CompressionType.Lz4) throw corrupt(`codec ${c} is not allowed in message format v0/v1`);
    if (m.value === null) throw corrupt('a compressed wrapper message without a value');
    let inner: Buffer;
    try {
      inner = decompress(c, m.value);
    } catch (e) {
      throw corrupt(`the wrapper message at offset ${m.offset} cannot be decompressed: ${(e as Error).message}`);
    }
    codec = c;
    for (const i of readLegacyMessages(inner)) {
      if ((i.attributes & CODEC_MASK) !== 0) throw corrupt('a compressed message inside a compressed wrapper');
      const wrapperTime = m.magic === 1 && (m.attributes & TIMESTAMP_TYPE_MASK) !== 0;
      records.push({ key: i.key, value: i.value, timestamp: wrapperTime ? m.timestamp : i.magic === 0 ? -1 : i.timestamp });
    }
  }
  if (records.length === 0) throw corrupt('no message');
  return { records, codec, logAppendTime };
}

/** One RecordBatch v2 (no producer id) with every message of a v0/v1 message set, for the ordinary append path. */
export function upConvertMessageSet(set: Buffer): Buffer {
  const { records, codec, logAppendTime } = flatten(set);
  // A producer's LogAppendTime flag is kept, so that a CreateTime topic refuses it as Kafka does.
  return encodeRecordBatch({ compression: codec, timestampType: logAppendTime ? 'logAppend' : 'create', records: records.map((r, i) => ({ ...r, offsetDelta: i })) });
}
