/**
 * `tributary consume --topic T`: Kafka's kafka-console-consumer over the Kafka protocol, reading partitions directly
 * (like kcat -C: no consumer group is joined and no offset committed).
 *   --partition N              one partition (default: every partition of the topic)
 *   --from-beginning           from each partition's log start; --offset earliest|latest|N (N needs --partition);
 *                              default latest, as Kafka
 *   --last N                   the newest N records (at most 10,000) of the topic (or of --partition) across
 *                              partitions, by timestamp, printed oldest first; then exit
 *   --max-messages N           stop after N records
 *   --timeout-ms MS            stop once every partition has been read to its end and no new record came for MS
 *                              (default 1000; -1 waits for new records until Ctrl-C, as kafka-console-consumer does
 *                              without --timeout-ms)
 *   --property / --formatter-property  DefaultMessageFormatter's print.timestamp, print.key, print.offset,
 *                              print.partition, print.headers, print.value, key.separator (\t), line.separator (\n),
 *                              headers.separator (,), null.literal (null)
 *   --json                     one JSON object per record and line: topic, partition, offset, timestamp,
 *                              timestampType, key, value, headers [{key, value}]; key and values are text (UTF-8),
 *                              null, or {"base64": "..."} when the bytes are not valid UTF-8.
 * The bytes of keys, values and headers are written as they are. "Processed a total of N messages" goes to stderr.
 */
import type { ConsumedRecord, OffsetSpec } from '../broker/api';
import { bytesToBuffer } from '../broker/api';
import type { ExternalCluster } from '../clusters/external-cluster';
import { readConsume } from '../editor/consume-plan';
import { parseArgs, intOption, UsageError, type ParsedArgs } from './args';
import { CLIENT_OPTIONS, json, keyValues, last, withCluster, type Output } from './kafka-client';

const VALUE_OPTIONS = new Set(['topic', 'partition', 'offset', 'max-messages', 'last', 'timeout-ms', 'property', 'formatter-property', 'group', ...CLIENT_OPTIONS]);
const FLAGS = new Set(['from-beginning', 'json']);
const FORMATTER_PROPERTIES = ['print.timestamp', 'print.key', 'print.offset', 'print.partition', 'print.headers', 'print.value', 'key.separator', 'line.separator', 'headers.separator', 'null.literal'];
/** How often a caught-up consume asks again for new records. */
const POLL_MS = 100;
const BATCH = 500;

interface FormatterConfig {
  printTimestamp: boolean;
  printKey: boolean;
  printOffset: boolean;
  printPartition: boolean;
  printHeaders: boolean;
  printValue: boolean;
  keySeparator: Buffer;
  lineSeparator: Buffer;
  headersSeparator: Buffer;
  nullLiteral: Buffer;
}

export function formatterConfig(props: ReadonlyMap<string, string>): FormatterConfig {
  for (const k of props.keys()) if (!FORMATTER_PROPERTIES.includes(k)) throw new UsageError(`unknown formatter property ${k} (known: ${FORMATTER_PROPERTIES.join(', ')})`);
  const bool = (k: string, d: boolean) => (props.has(k) ? props.get(k)!.trim().toLowerCase() === 'true' : d);
  const bytes = (k: string, d: string) => Buffer.from(props.get(k) ?? d, 'utf8');
  return {
    printTimestamp: bool('print.timestamp', false),
    printKey: bool('print.key', false),
    printOffset: bool('print.offset', false),
    printPartition: bool('print.partition', false),
    printHeaders: bool('print.headers', false),
    printValue: bool('print.value', true),
    keySeparator: bytes('key.separator', '\t'),
    lineSeparator: bytes('line.separator', '\n'),
    headersSeparator: bytes('headers.separator', ','),
    nullLiteral: bytes('null.literal', 'null'),
  };
}

/** One record as DefaultMessageFormatter writes it (the same fields, order, separators and literals). */
export function formatRecord(r: ConsumedRecord, c: FormatterConfig): Buffer {
  const parts: Buffer[] = [];
  const fields: Buffer[] = [];
  const orNull = (b: { base64: string } | null) => (b === null ? c.nullLiteral : bytesToBuffer(b));
  if (c.printTimestamp) fields.push(Buffer.from(r.timestamp >= 0 ? `${r.timestampType}:${r.timestamp}` : 'NO_TIMESTAMP'));
  if (c.printPartition) fields.push(Buffer.from(`Partition:${r.partition}`));
  if (c.printOffset) fields.push(Buffer.from(`Offset:${r.offset}`));
  if (c.printHeaders) {
    if (!r.headers.length) fields.push(Buffer.from('NO_HEADERS'));
    else {
      const hs: Buffer[] = [];
      r.headers.forEach((h, i) => {
        if (i) hs.push(c.headersSeparator);
        hs.push(Buffer.from(`${h.key}:`, 'utf8'), orNull(h.value));
      });
      fields.push(Buffer.concat(hs));
    }
  }
  if (c.printKey) fields.push(orNull(r.key));
  if (c.printValue) fields.push(orNull(r.value));
  fields.forEach((f, i) => {
    if (i) parts.push(c.keySeparator);
    parts.push(f);
  });
  // Kafka ends the line after the value; without print.value the last field ends with the line separator as well.
  if (fields.length) parts.push(c.lineSeparator);
  return Buffer.concat(parts);
}

/** Bytes as JSON: UTF-8 text when they are valid UTF-8, else { base64 }. */
function jsonBytes(b: { base64: string } | null): string | { base64: string } | null {
  if (b === null) return null;
  const buf = bytesToBuffer(b);
  const text = buf.toString('utf8');
  return Buffer.from(text, 'utf8').equals(buf) ? text : { base64: b.base64 };
}

export function recordJson(topic: string, r: ConsumedRecord): string {
  return json({
    topic,
    partition: r.partition,
    offset: r.offset,
    timestamp: r.timestamp,
    timestampType: r.timestampType,
    key: jsonBytes(r.key),
    value: jsonBytes(r.value),
    headers: r.headers.map((h) => ({ key: h.key, value: jsonBytes(h.value) })),
  });
}

/** Where each partition starts. */
function startOf(a: ParsedArgs, partition: number | undefined): OffsetSpec {
  const offset = last(a, 'offset');
  if (a.flags.has('from-beginning') && offset !== undefined) throw new UsageError('Options from-beginning and offset cannot be specified together.');
  if (a.flags.has('from-beginning')) return { kind: 'earliest' };
  if (offset === undefined) return { kind: 'latest' };
  const o = offset.trim().toLowerCase();
  if (o === 'earliest') return { kind: 'earliest' };
  if (o === 'latest') return { kind: 'latest' };
  const n = Number(o);
  if (o === '' || !Number.isSafeInteger(n) || n < 0) throw new UsageError(`--offset takes earliest, latest or an offset (0 or more), not ${offset}`);
  if (partition === undefined) throw new UsageError('The partition is required when offset is specified.');
  return { kind: 'offset', offset: n };
}

/** Writes to stdout, waiting when the pipe is full. */
function writer(stream: NodeJS.WritableStream): (b: Buffer | string) => Promise<void> {
  return (b) => (stream.write(b) ? Promise.resolve() : new Promise<void>((r) => stream.once('drain', () => r())));
}

export async function consumeCommand(argv: string[], io: Output, stdout: NodeJS.WritableStream = process.stdout): Promise<number> {
  const a = parseArgs(argv, VALUE_OPTIONS, FLAGS);
  if (a.positional.length) throw new UsageError(`unexpected argument ${a.positional[0]}`);
  if (a.options.has('group')) throw new UsageError('consume reads partitions without joining a group: --group is not supported (use groups reset-offsets to move a group)');
  const topic = last(a, 'topic');
  if (!topic) throw new UsageError('consume needs --topic TOPIC');
  const partition = intOption(a, 'partition', 0, 1_000_000);
  const maxMessages = intOption(a, 'max-messages', 1, Number.MAX_SAFE_INTEGER);
  const lastN = intOption(a, 'last', 1, 10_000);
  const timeoutMs = intOption(a, 'timeout-ms', -1, 2_147_483_647) ?? 1000;
  if (lastN !== undefined && (a.flags.has('from-beginning') || a.options.has('offset'))) throw new UsageError('--last N takes no --from-beginning or --offset: it reads the newest N records');
  const from = startOf(a, partition);
  const format = formatterConfig(new Map([...keyValues(a.options.get('property'), 'property'), ...keyValues(a.options.get('formatter-property'), 'formatter-property')]));
  const asJson = a.flags.has('json');
  const write = writer(stdout);
  let count = 0;
  const emit = async (r: ConsumedRecord) => {
    await write(asJson ? recordJson(topic, r) + '\n' : formatRecord(r, format));
    count++;
  };

  return withCluster(a, 'consume', io, async (cluster) => {
    let stopped = false;
    const onSignal = () => (stopped = true);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      if (lastN !== undefined) {
        const max = Math.min(lastN, maxMessages ?? lastN);
        const results = await readConsume(cluster, { kind: 'consume', topic, partition, from: { kind: 'fromEnd', count: max }, max });
        const records = results.flatMap((r) => r.records).sort((x, y) => x.timestamp - y.timestamp || x.partition - y.partition || x.offset - y.offset);
        for (const r of records) await emit(r);
      } else {
        await follow(cluster, topic, partition, from, { maxMessages, timeoutMs, emit, stopped: () => stopped });
      }
    } finally {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    }
    io.err(`Processed a total of ${count} messages`);
    return 0;
  });
}

interface FollowOptions {
  maxMessages?: number;
  timeoutMs: number;
  emit(r: ConsumedRecord): Promise<void>;
  stopped(): boolean;
}

/** Reads every partition from its start in turns, then waits for new records until the idle timeout. */
async function follow(cluster: ExternalCluster, topic: string, only: number | undefined, from: OffsetSpec, o: FollowOptions): Promise<void> {
  const partitions = only !== undefined ? [only] : (await cluster.describeTopic(topic)).partitions.map((p) => p.partition);
  const next = new Map<number, OffsetSpec>(partitions.map((p) => [p, from]));
  let emitted = 0;
  let idleSince = Date.now();
  for (;;) {
    let got = 0;
    let behind = false;
    for (const p of partitions) {
      const want = o.maxMessages === undefined ? BATCH : Math.min(BATCH, o.maxMessages - emitted);
      const r = await cluster.consume({ topic, partition: p, from: next.get(p)!, maxRecords: want });
      next.set(p, { kind: 'offset', offset: r.nextOffset });
      for (const rec of r.records) {
        await o.emit(rec);
        emitted++;
        got++;
        if (o.maxMessages !== undefined && emitted >= o.maxMessages) return;
      }
      if (r.nextOffset < r.highWatermark) behind = true;
      if (o.stopped()) return;
    }
    if (got) idleSince = Date.now();
    if (behind) continue;
    if (o.timeoutMs >= 0 && Date.now() - idleSince >= o.timeoutMs) return;
    await new Promise((r) => setTimeout(r, o.timeoutMs >= 0 ? Math.min(POLL_MS, o.timeoutMs) : POLL_MS));
    if (o.stopped()) return;
  }
}
