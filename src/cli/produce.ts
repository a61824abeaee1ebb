/**
 * `tributary produce --topic T`: Kafka's kafka-console-producer over the Kafka protocol. Each line of stdin is a
 * record (lines end at \n, \r\n or \r, as Java's readLine; an empty line is a record with an empty value); the bytes
 * are sent as they are. The reader properties are LineMessageReader's:
 *   parse.key=false            key.separator=\t          (--key-separator S: key.separator=S and parse.key=true)
 *   parse.headers=false        headers.delimiter=\t      headers.separator=,     headers.key.separator=:
 *   ignore.error=false         null.marker=(none)
 * so that with both: "h1:v1,h2:v2<TAB>key<TAB>value". headers.separator is taken literally (Kafka reads it as a
 * regular expression; the default "," is the same either way).
 * --compression-codec/--compression none|gzip|snappy|lz4|zstd (alone: gzip, as Kafka), --request-required-acks/--acks
 * all|-1|1|0 (default all), --partition N (kcat's -p; otherwise Kafka's default partitioner). Records are sent as
 * they arrive (a chunk of stdin at a time), in order. The summary goes to stderr; --json prints, for each record, where
 * it was written ({"topic","partition","offset","timestamp"}, one line each).
 */
import type { CompressionName, ProduceRecord } from '../broker/api';
import { bytesFromBuffer } from '../broker/api';
import { parseArgs, intOption, UsageError, type ParsedArgs } from './args';
import { CLIENT_OPTIONS, json, keyValues, last, optionalValue, withCluster, type Output } from './kafka-client';

const VALUE_OPTIONS = new Set(['topic', 'property', 'reader-property', 'key-separator', 'compression-codec', 'compression', 'request-required-acks', 'acks', 'partition', ...CLIENT_OPTIONS]);
const FLAGS = new Set(['json', 'sync']);
const COMPRESSIONS: readonly CompressionName[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
const READER_PROPERTIES = ['parse.key', 'key.separator', 'parse.headers', 'headers.delimiter', 'headers.separator', 'headers.key.separator', 'ignore.error', 'null.marker'];
/** A produce request is sent at the latest when this many records or bytes are waiting. */
const MAX_PENDING_RECORDS = 1000;
const MAX_PENDING_BYTES = 256 * 1024;

interface LineReaderConfig {
  parseKey: boolean;
  keySeparator: string;
  parseHeaders: boolean;
  headersDelimiter: string;
  headersSeparator: string;
  headersKeySeparator: string;
  ignoreError: boolean;
  nullMarker?: string;
}

/** LineMessageReader's configuration from --property values, with Kafka's checks of separators that would clash. */
export function lineReaderConfig(props: ReadonlyMap<string, string>): LineReaderConfig {
  for (const k of props.keys()) if (!READER_PROPERTIES.includes(k)) throw new UsageError(`unknown reader property ${k} (known: ${READER_PROPERTIES.join(', ')})`);
  const bool = (k: string) => props.get(k)?.trim().toLowerCase() === 'true';
  const c: LineReaderConfig = {
    parseKey: bool('parse.key'),
    keySeparator: props.get('key.separator') ?? '\t',
    parseHeaders: bool('parse.headers'),
    headersDelimiter: props.get('headers.delimiter') ?? '\t',
    headersSeparator: props.get('headers.separator') ?? ',',
    headersKeySeparator: props.get('headers.key.separator') ?? ':',
    ignoreError: bool('ignore.error'),
    nullMarker: props.get('null.marker'),
  };
  for (const [k, v] of [['key.separator', c.keySeparator], ['headers.delimiter', c.headersDelimiter], ['headers.separator', c.headersSeparator], ['headers.key.separator', c.headersKeySeparator]] as const) {
    if (v === '') throw new UsageError(`${k} may not be empty`);
  }
  const clash = (a: string, b: string, x: string | undefined, y: string | undefined) => {
    if (x !== undefined && x === y) throw new UsageError(`${a} and ${b} may not be equal`);
  };
  clash('headers.delimiter', 'headers.separator', c.headersDelimiter, c.headersSeparator);
  clash('headers.delimiter', 'headers.key.separator', c.headersDelimiter, c.headersKeySeparator);
  clash('headers.separator', 'headers.key.separator', c.headersSeparator, c.headersKeySeparator);
  clash('null.marker', 'key.separator', c.nullMarker, c.keySeparator);
  clash('null.marker', 'headers.separator', c.nullMarker, c.headersSeparator);
  clash('null.marker', 'headers.delimiter', c.nullMarker, c.headersDelimiter);
  clash('null.marker', 'headers.key.separator', c.nullMarker, c.headersKeySeparator);
  return c;
}

/** A parse error of one line, with Kafka's wording. */
export class LineFormatError extends Error {}

/** One line (its bytes, without the line end) as LineMessageReader makes a record of it. */
export function parseLine(line: Buffer, lineNumber: number, c: LineReaderConfig): ProduceRecord {
  const marker = c.nullMarker === undefined ? undefined : Buffer.from(c.nullMarker, 'utf8');
  const isNull = (b: Buffer) => marker !== undefined && b.equals(marker);
  const field = (enabled: boolean, start: number, separator: string, name: string): Buffer | null => {
    if (!enabled) return null;
    const i = line.indexOf(separator, start, 'utf8');
    if (i < 0) {
      if (c.ignoreError) return null;
      throw new LineFormatError(`No ${name} found on line number ${lineNumber}: '${line.toString('utf8')}'`);
    }
    return line.subarray(start, i);
  };
  const headers = field(c.parseHeaders, 0, c.headersDelimiter, 'headers delimiter');
  const headerEnd = headers === null ? 0 : headers.length + Buffer.byteLength(c.headersDelimiter);
  const key = field(c.parseKey, headerEnd, c.keySeparator, 'key separator');
  const keyEnd = key === null ? 0 : key.length + Buffer.byteLength(c.keySeparator);
  const value = line.subarray(headerEnd + keyEnd);
  const record: ProduceRecord = { key: key === null || isNull(key) ? null : bytesFromBuffer(key), value: isNull(value) ? null : bytesFromBuffer(value) };
  if (headers !== null && !isNull(headers)) {
    record.headers = splitBuffer(headers, Buffer.from(c.headersSeparator, 'utf8')).map((pair) => {
      const i = pair.indexOf(c.headersKeySeparator, 0, 'utf8');
      if (i < 0) {
        if (c.ignoreError) return { key: pair.toString('utf8'), value: null };
        throw new LineFormatError(`No header key separator found in pair '${pair.toString('utf8')}' on line number ${lineNumber}`);
      }
      const k = pair.subarray(0, i);
      if (isNull(k)) throw new LineFormatError(`Header keys should not be equal to the null marker '${c.nullMarker}' as they can't be null`);
      const v = pair.subarray(i + Buffer.byteLength(c.headersKeySeparator));
      return { key: k.toString('utf8'), value: isNull(v) ? null : bytesFromBuffer(v) };
    });
  }
  return record;
}

function splitBuffer(b: Buffer, separator: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let i = b.indexOf(separator, start); i >= 0; i = b.indexOf(separator, start)) {
    out.push(b.subarray(start, i));
    start = i + separator.length;
  }
  out.push(b.subarray(start));
  return out;
}

/** Splits a byte stream into lines as Java's BufferedReader.readLine: \n, \r\n or \r end a line. */
export class LineSplitter {
  private rest: Buffer = Buffer.alloc(0);

  /** The complete lines of what has arrived so far; a trailing \r waits for the next chunk (it may be \r\n). */
  push(chunk: Buffer): Buffer[] {
    const data = this.rest.length ? Buffer.concat([this.rest, chunk]) : chunk;
    const lines: Buffer[] = [];
    let start = 0;
    for (let i = 0; i < data.length; i++) {
      const b = data[i];
      if (b !== 0x0a && b !== 0x0d) continue;
      if (b === 0x0d && i === data.length - 1) break;
      lines.push(data.subarray(start, i));
      if (b === 0x0d && data[i + 1] === 0x0a) i++;
      start = i + 1;
    }
    this.rest = Buffer.from(data.subarray(start));
    return lines;
  }

  /** At the end of the input: the last line, if it had no line end. */
  end(): Buffer[] {
    const r = this.rest;
    this.rest = Buffer.alloc(0);
    if (!r.length) return [];
    // A lone \r kept back is a line end.
    return [r[r.length - 1] === 0x0d ? r.subarray(0, r.length - 1) : r];
  }
}

function compressionOf(a: ParsedArgs): CompressionName {
  const given = last(a, 'compression-codec') ?? last(a, 'compression');
  if (given === undefined) return 'none';
  const c = given.trim().toLowerCase() as CompressionName;
  if (!COMPRESSIONS.includes(c)) throw new UsageError(`--compression-codec must be one of ${COMPRESSIONS.join(', ')}, not ${given}`);
  return c;
}

function acksOf(a: ParsedArgs): 'all' | 1 | 0 {
  const given = last(a, 'request-required-acks') ?? last(a, 'acks');
  if (given === undefined) return 'all';
  const v = given.trim().toLowerCase();
  if (v === 'all' || v === '-1') return 'all';
  if (v === '1' || v === '0') return Number(v) as 1 | 0;
  throw new UsageError(`--request-required-acks must be all, -1, 1 or 0, not ${given}`);
}

export async function produceCommand(argv: string[], io: Output, input: AsyncIterable<Buffer | string> = process.stdin): Promise<number> {
  const a = parseArgs(optionalValue(argv, 'compression-codec', 'gzip'), VALUE_OPTIONS, FLAGS);
  if (a.positional.length) throw new UsageError(`unexpected argument ${a.positional[0]}`);
  const topic = last(a, 'topic');
  if (!topic) throw new UsageError('produce needs --topic TOPIC');
  const props = new Map([...keyValues(a.options.get('property'), 'property'), ...keyValues(a.options.get('reader-property'), 'reader-property')]);
  const keySeparator = last(a, 'key-separator');
  if (keySeparator !== undefined) {
    props.set('key.separator', keySeparator);
    if (!props.has('parse.key')) props.set('parse.key', 'true');
  }
  const reader = lineReaderConfig(props);
  const compression = compressionOf(a);
  const acks = acksOf(a);
  const partition = intOption(a, 'partition', 0, 1_000_000);
  const asJson = a.flags.has('json');

  return withCluster(a, 'produce', io, async (cluster) => {
    // The topic is looked up first: a missing one is said before anything is read from stdin.
    await cluster.describeTopic(topic);
    const splitter = new LineSplitter();
    const perPartition = new Map<number, number>();
    let pending: ProduceRecord[] = [];
    let pendingBytes = 0;
    let lineNumber = 0;
    let sent = 0;
    let bytes = 0;
    const flush = async () => {
      if (!pending.length) return;
      const records = pending;
      pending = [];
      pendingBytes = 0;
      const r = await cluster.produce({ topic, records, compression, acks });
      for (const p of r.records) {
        perPartition.set(p.partition, (perPartition.get(p.partition) ?? 0) + 1);
        if (asJson) io.out(json({ topic, partition: p.partition, offset: p.offset, timestamp: p.timestamp }));
      }
      sent += records.length;
    };
    const take = async (lines: Buffer[]) => {
      for (const line of lines) {
        const record = parseLine(line, ++lineNumber, reader);
        if (partition !== undefined) record.partition = partition;
        pending.push(record);
        pendingBytes += line.length;
        bytes += line.length;
        if (pending.length >= MAX_PENDING_RECORDS || pendingBytes >= MAX_PENDING_BYTES) await flush();
      }
    };
    try {
      for await (const chunk of input) {
        await take(splitter.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk));
        // What arrived is sent now: a line typed at a terminal goes out when it is entered.
        await flush();
      }
      await take(splitter.end());
      await flush();
    } catch (e) {
      if (sent) io.err(`tributary: ${sent} record(s) were produced to ${topic} before the failure`);
      throw e;
    }
    const where = [...perPartition].sort((x, y) => x[0] - y[0]).map(([p, n]) => `${p}:${n}`).join(' ');
    io.err(`Produced ${sent} record${sent === 1 ? '' : 's'} (${bytes} bytes of input) to ${topic}${sent ? ` (partition:count ${where})` : ''}, acks=${acks}, compression=${compression}.`);
    return 0;
  });
}
