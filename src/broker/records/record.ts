/**
 * One record inside a RecordBatch v2 (Kafka's DefaultRecord):
 *   length varint | attributes int8 | timestampDelta varlong | offsetDelta varint |
 *   keyLength varint | key | valueLength varint | value | headerCount varint | headers...
 * where each header is headerKeyLength varint | key (UTF-8) | headerValueLength varint | value.
 * A length of -1 means null (key, value, header value); a header key is never null.
 *
 * Decoded keys, values and header values are views into the batch (or its decompressed body), not copies:
 * they stay valid only as long as the caller does not reuse that buffer.
 */
import { CorruptRecordError, InvalidVarintError } from './errors';
import {
  Cursor,
  readVarint,
  readVarlong,
  sizeOfVarint,
  sizeOfVarlong,
  writeVarint,
  writeVarlong,
} from './varint';

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

export interface Record {
  offsetDelta: number;
  timestampDelta: number;
  /** baseOffset + offsetDelta. */
  offset: number;
  /** baseTimestamp + timestampDelta; for a LogAppendTime batch, the batch's maxTimestamp (as Kafka reports it). */
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
  /** Unused by Kafka so far; kept so a record can be rewritten unchanged. */
  attributes: number;
  /** Bytes the record takes in the batch, its length varint included. */
  sizeInBytes: number;
}

/** What a caller gives to write one record. */
export interface RecordInput {
  key?: Buffer | null;
  value?: Buffer | null;
  headers?: RecordHeader[];
  timestamp?: number;
  offsetDelta?: number;
}

const EMPTY_HEADERS: RecordHeader[] = [];

/** Size of the record after its length varint. */
export function sizeOfRecordBody(
  offsetDelta: number,
  timestampDelta: number,
  key: Uint8Array | null,
  value: Uint8Array | null,
  headers: readonly RecordHeader[],
): number {
  let size = 1 + sizeOfVarlong(timestampDelta) + sizeOfVarint(offsetDelta);
  size += key === null ? 1 : sizeOfVarint(key.length) + key.length;
  size += value === null ? 1 : sizeOfVarint(value.length) + value.length;
  size += sizeOfVarint(headers.length);
  for (const h of headers) {
    if (h.key === null || h.key === undefined) throw new TypeError('a record header key cannot be null');
    const keyBytes = Buffer.byteLength(h.key, 'utf8');
    size += sizeOfVarint(keyBytes) + keyBytes;
    size += h.value === null ? 1 : sizeOfVarint(h.value.length) + h.value.length;
  }
  return size;
}

/** Writes a record whose body size the caller already computed; returns the position after it. */
export function writeRecord(
  buf: Buffer,
  pos: number,
  bodySize: number,
  offsetDelta: number,
  timestampDelta: number,
  key: Uint8Array | null,
  value: Uint8Array | null,
  headers: readonly RecordHeader[],
): number {
  pos = writeVarint(bodySize, buf, pos);
  buf[pos++] = 0; // attributes
  pos = writeVarlong(timestampDelta, buf, pos);
  pos = writeVarint(offsetDelta, buf, pos);
  pos = writeBytes(buf, pos, key);
  pos = writeBytes(buf, pos, value);
  pos = writeVarint(headers.length, buf, pos);
  for (const h of headers) {
    const keyBytes = Buffer.byteLength(h.key, 'utf8');
    pos = writeVarint(keyBytes, buf, pos);
    pos += buf.write(h.key, pos, keyBytes, 'utf8');
    pos = writeBytes(buf, pos, h.value);
  }
  return pos;
}

function writeBytes(buf: Buffer, pos: number, bytes: Uint8Array | null): number {
  if (bytes === null) return writeVarint(-1, buf, pos);
  pos = writeVarint(bytes.length, buf, pos);
  buf.set(bytes, pos);
  return pos + bytes.length;
}

/**
 * Reads the record at cur.pos of buf and advances past it. `logAppendTime` is the batch's maxTimestamp when the
 * batch uses LogAppendTime, else null.
 */
export function readRecord(buf: Buffer, cur: Cursor, baseOffset: number, baseTimestamp: number, logAppendTime: number | null): Record {
  const start = cur.pos;
  let bodySize: number;
  try {
    bodySize = readVarint(buf, cur);
  } catch (e) {
    throw corrupt(`record at position ${start}: bad length varint (${(e as Error).message})`, e);
  }
  const bodyStart = cur.pos;
  const end = bodyStart + bodySize;
  if (bodySize < 0 || end > buf.length) {
    cur.pos = start;
    throw new CorruptRecordError(
      `Invalid record size: expected ${bodySize} bytes in record payload, but the batch has only ${buf.length - bodyStart} bytes left (record at position ${start})`,
    );
  }
  // Every read below is bounded by the record's own end, so no field can run into the next record.
  try {
    if (bodySize < 1) throw new CorruptRecordError('record has no attributes byte');
    const attributes = buf[cur.pos++];
    const timestampDelta = readVarlong(buf, cur, end);
    const offsetDelta = readVarint(buf, cur, end);
    const key = readBytes(buf, cur, end, 'key');
    const value = readBytes(buf, cur, end, 'value');
    const headerCount = readVarint(buf, cur, end);
    if (headerCount < 0) throw new CorruptRecordError(`Found invalid number of record headers ${headerCount}`);
    let headers = EMPTY_HEADERS;
    if (headerCount > 0) {
      // Each header needs at least two bytes; a larger count is a lie, not a reason to allocate.
      if (headerCount > (end - cur.pos) / 2) {
        throw new CorruptRecordError(`Found invalid number of record headers ${headerCount}`);
      }
      headers = new Array<RecordHeader>(headerCount);
      for (let i = 0; i < headerCount; i++) {
        const keySize = readVarint(buf, cur, end);
        if (keySize < 0) throw new CorruptRecordError(`Invalid negative header key size ${keySize}`);
        const keyEnd = cur.pos + keySize;
        if (keyEnd > end) throw new CorruptRecordError('header key runs past the end of the record');
        const hKey = buf.toString('utf8', cur.pos, keyEnd);
        cur.pos = keyEnd;
        headers[i] = { key: hKey, value: readBytes(buf, cur, end, 'header value') };
      }
    }
    if (cur.pos !== end) {
      throw new CorruptRecordError(`Invalid record size: expected to read ${bodySize} bytes in record payload, but instead read ${cur.pos - bodyStart}`);
    }
    return {
      offsetDelta,
      timestampDelta,
      offset: baseOffset + offsetDelta,
      timestamp: logAppendTime ?? baseTimestamp + timestampDelta,
      key,
      value,
      headers,
      attributes,
      sizeInBytes: end - start,
    };
  } catch (e) {
    cur.pos = start;
    if (e instanceof CorruptRecordError) {
      throw new CorruptRecordError(`${e.message} (record at position ${start})`, { cause: e.cause });
    }
    if (e instanceof InvalidVarintError) throw corrupt(`record at position ${start}: ${e.message}`, e);
    throw e;
  }
}

function readBytes(buf: Buffer, cur: Cursor, end: number, what: string): Buffer | null {
  const size = readVarint(buf, cur, end);
  if (size === -1) return null;
  // Kafka reads any negative length as null; a writer never produces anything but -1, so anything else is damage.
  if (size < 0) throw new CorruptRecordError(`Invalid ${what} size ${size}`);
  const from = cur.pos;
  if (from + size > end) throw new CorruptRecordError(`${what} of ${size} bytes runs past the end of the record`);
  cur.pos = from + size;
  return buf.subarray(from, from + size);
}

function corrupt(message: string, cause: unknown): CorruptRecordError {
  return new CorruptRecordError(message, { cause });
}
