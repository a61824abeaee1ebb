/**
 * From a parsed PRODUCE block to the broker API's records, and from the API's answers to what the user reads (the
 * output channel's lines, the notifications, the consumed-records document). No vscode import.
 */
import type { ConsumeResult, ConsumedRecord, OffsetSpec, ProduceRecord, ProduceRequest, ProducedRecord } from '../broker/api';
import { bytesToText } from '../broker/api';
import type { ConsumeSpec, ProduceSpec } from './kafka-file';
import { RenderSources, looksLikeJson, recordContext, renderRecord } from '../shared/template';
import type { SchemaSerde } from '../schemas/schema-serde';
import { looksLikeWireFormat } from '../schemas/wire-format';
import type { DecodeResult } from '../schemas/serde-types';
import { encodeJsonText } from '../schemas/encode-text';
import { inferSchemaType } from '../schemas/schema-files';
import type { EncodeSchema } from '../schemas/serde-types';
import { isAbsolute, join } from 'node:path';

/**
 * Records `first` .. `first + count - 1` of a run: `{{i}}` is the index in the run, `{{seq}}` is `seqBase + i`
 * (the block's own counter, so that runs go on numbering where the last one stopped).
 */
export function buildRecords(spec: ProduceSpec, first: number, count: number, seqBase: number, env: RenderSources): ProduceRecord[] {
  const out = new Array<ProduceRecord>(count);
  for (let k = 0; k < count; k++) {
    const r: ProduceRecord = renderRecord(spec, recordContext(first + k, seqBase, env));
    if (spec.partition !== undefined) r.partition = spec.partition;
    out[k] = r;
  }
  return out;
}

/** One produce call of a run. */
export function produceRequest(spec: ProduceSpec, records: ProduceRecord[]): ProduceRequest {
  const r: ProduceRequest = { topic: spec.topic, records };
  if (spec.compression) r.compression = spec.compression;
  if (spec.acks !== undefined) r.acks = spec.acks;
  return r;
}

/** A value that starts like JSON ({ or [) but does not parse: worth a warning, though it is sent as written. */
export function brokenJson(value: string): boolean {
  if (!looksLikeJson(value)) return false;
  try {
    JSON.parse(value);
    return false;
  } catch {
    return true;
  }
}

/** Records per produce call: big runs go in chunks so progress shows and cancelling is prompt. */
export const CHUNK_RECORDS = 1000;

/** Where a run's records went, per partition: first and last offset and how many. */
export class ProduceTally {
  readonly partitions = new Map<number, { first: number; last: number; count: number }>();
  total = 0;

  add(records: readonly ProducedRecord[]): void {
    for (const r of records) {
      this.total++;
      const p = this.partitions.get(r.partition);
      if (!p) this.partitions.set(r.partition, { first: r.offset, last: r.offset, count: 1 });
      else {
        p.first = Math.min(p.first, r.offset);
        p.last = Math.max(p.last, r.offset);
        p.count++;
      }
    }
  }

  /** "partition 0 offset 12" or "partition 0: offsets 10–14 (5); partition 2: offsets 3–7 (5)". */
  describe(): string {
    const parts = [...this.partitions].sort(([a], [b]) => a - b);
    if (this.total === 1 && parts.length === 1) return `partition ${parts[0][0]}, offset ${parts[0][1].first}`;
    return parts.map(([p, r]) => `partition ${p}: ${r.first === r.last ? `offset ${r.first}` : `offsets ${r.first}–${r.last}`}${parts.length > 1 ? ` (${r.count})` : ''}`).join('; ');
  }
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

export function describeFrom(from: OffsetSpec): string {
  switch (from.kind) {
    case 'earliest':
      return 'earliest';
    case 'latest':
      return 'latest';
    case 'offset':
      return `offset ${from.offset}`;
    case 'fromEnd':
      return `the last ${from.count}`;
    case 'timestamp':
      return `timestamp ${new Date(from.timestamp).toISOString()}`;
  }
}

/** Text of bytes for the document: UTF-8 when it is valid text, else base64, said so. */
function text(b: { base64: string } | null): { text: string; binary: boolean } | null {
  if (b === null) return null;
  const buf = Buffer.from(b.base64, 'base64');
  const t = bytesToText(b);
  // Invalid UTF-8 became U+FFFD; such bytes are shown as base64 rather than garbled.
  if (!Buffer.from(t, 'utf8').equals(buf)) return { text: b.base64, binary: true };
  return { text: t, binary: false };
}

/** A JSON value indented, anything else as it is. */
export function prettyValue(value: string): string {
  const t = value.trim();
  if ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'))) {
    try {
      return JSON.stringify(JSON.parse(t), null, 2);
    } catch {
      return value;
    }
  }
  return value;
}

/** What a PRODUCE encodes its keys and values with, its schema files read. */
export interface EncodeTargets {
  key?: EncodeSchema;
  value?: EncodeSchema;
}

/**
 * The block's key-schema=/value-schema= and their -file= forms as the serde takes them. A file is read with `read`
 * (relative paths against `dir`, the .kafka file's folder) and its type told from its name or text.
 */
export function encodeTargets(spec: ProduceSpec, dir: string | undefined, read: (file: string) => string): EncodeTargets {
  const targets: EncodeTargets = {};
  for (const [part, choice, file] of [['key', spec.keySchema, spec.keySchemaFile], ['value', spec.valueSchema, spec.valueSchemaFile]] as const) {
    if (file === undefined) {
      if (choice) targets[part] = { subject: choice.subject, version: choice.version };
      continue;
    }
    const full = isAbsolute(file) || dir === undefined ? file : join(dir, file);
    let text: string;
    try {
      text = read(full);
    } catch (e) {
      throw new Error(`${part}-schema-file=${file}: cannot read ${full}: ${(e as Error).message}`, { cause: e });
    }
    const schemaType = inferSchemaType(file, text);
    if (!schemaType) throw new Error(`${part}-schema-file=${file}: cannot tell whether it is Avro, Protobuf or JSON Schema (name it .avsc, .proto or .json, or give it $schema)`);
    targets[part] = { subject: choice?.subject ?? `${spec.topic}-${part}`, schema: { schema: text, schemaType }, autoRegister: spec.autoRegister !== false };
  }
  return targets;
}

/** Encodes the rendered keys and values of records `first`.. with the block's schemas. */
export async function encodeRecords(serde: SchemaSerde, targets: EncodeTargets, records: ProduceRecord[], first: number): Promise<void> {
  for (let k = 0; k < records.length; k++) {
    const r = records[k];
    for (const part of ['key', 'value'] as const) {
      const target = targets[part];
      const field = r[part];
      if (!target || field === null || field === undefined) continue;
      const text = typeof field === 'string' ? field : Buffer.from(field.base64, 'base64').toString('utf8');
      r[part] = { base64: (await encodeJsonText(serde, text, target, `Record ${first + k}'s ${part}`)).toString('base64') };
    }
  }
}

/** A key's or value's schema-decoded form, when it was in the wire format and a registry was at hand. */
export type DecodedFields = (r: ConsumedRecord, part: 'key' | 'value') => DecodeResult | undefined;

function schemaNote(d: DecodeResult): string {
  if (d.kind === 'error') return `schema ${d.schemaId ?? '?'} not decoded: ${d.reason}`;
  if (d.kind !== 'decoded') return '';
  const s = d.schema;
  return `${s.type} schema ${s.id}${s.subject !== undefined ? ` (${s.subject} v${s.version})` : ''}${s.messageName ? ` ${s.messageName}` : ''}`;
}

function recordText(topic: string, r: ConsumedRecord, decoded?: DecodedFields): string[] {
  const lines = [`### ${topic}-${r.partition} @ ${r.offset} · ${new Date(r.timestamp).toISOString()} (${r.timestampType})`];
  const dk = decoded?.(r, 'key');
  const key = text(r.key);
  if (dk?.kind === 'decoded') lines.push(`# key (${schemaNote(dk)}): ${dk.json}`);
  else {
    if (dk?.kind === 'error') lines.push(`# key: ${schemaNote(dk)}`);
    lines.push(`# key: ${key === null ? '(null)' : key.binary ? `(bytes, base64) ${key.text}` : JSON.stringify(key.text)}`);
  }
  for (const h of r.headers) {
    const v = text(h.value);
    lines.push(`# header ${h.key}: ${v === null ? '(null)' : v.binary ? `(bytes, base64) ${v.text}` : v.text}`);
  }
  const dv = decoded?.(r, 'value');
  if (dv && dv.kind !== 'plain') lines.push(`# value: ${schemaNote(dv)}`);
  const v = text(r.value);
  if (dv?.kind === 'decoded') lines.push(prettyValue(dv.json));
  else lines.push(v === null ? '# value: (null, a tombstone)' : v.binary ? `# value (bytes, base64):\n${v.text}` : prettyValue(v.text));
  lines.push('');
  return lines;
}

/** The read-only document of a CONSUME: a summary per partition, then each record with its key and headers. */
export function consumeDocument(spec: ConsumeSpec, results: ConsumeResult[], at: Date, decoded?: DecodedFields): string {
  const total = results.reduce((n, r) => n + r.records.length, 0);
  const out = [
    spec.from.kind === 'fromEnd'
      ? `# CONSUME ${spec.topic} from=${describeFrom(spec.from)} max=${spec.max} — the newest ${plural(total, 'record')} of ${spec.partition !== undefined ? `partition ${spec.partition}` : 'the topic'}, read ${at.toISOString()}`
      : `# CONSUME ${spec.topic} from=${describeFrom(spec.from)} max=${spec.max} per partition — ${plural(total, 'record')}, read ${at.toISOString()}`,
  ];
  for (const r of results) {
    out.push(
      `# partition ${r.partition}: ${r.records.length ? `offsets ${r.records[0].offset}–${r.records[r.records.length - 1].offset}` : 'no records'} from ${r.startOffset}; log start ${r.logStartOffset}, high watermark ${r.highWatermark}, next ${r.nextOffset}`,
    );
  }
  out.push('');
  // Records in time order across partitions (offset order within each), as a console consumer would interleave them.
  const all = results.flatMap((r) => r.records.map((rec) => ({ topic: r.topic, rec })));
  all.sort((a, b) => a.rec.timestamp - b.rec.timestamp || a.rec.partition - b.rec.partition || a.rec.offset - b.rec.offset);
  for (const { topic, rec } of all) out.push(...recordText(topic, rec, decoded));
  return out.join('\n');
}

/** Decodes the keys and values of a CONSUME's records that are in the schema wire format (one registry call per schema). */
export async function decodeConsumed(serde: SchemaSerde, topic: string, results: ConsumeResult[]): Promise<DecodedFields> {
  const found = new Map<ConsumedRecord, { key?: DecodeResult; value?: DecodeResult }>();
  for (const r of results) {
    for (const rec of r.records) {
      const d: { key?: DecodeResult; value?: DecodeResult } = {};
      for (const part of ['key', 'value'] as const) {
        const field = rec[part];
        if (!field) continue;
        const bytes = Buffer.from(field.base64, 'base64');
        if (looksLikeWireFormat(bytes)) d[part] = await serde.decode(bytes, { topic, isKey: part === 'key' });
      }
      if (d.key || d.value) found.set(rec, d);
    }
  }
  return (rec, part) => found.get(rec)?.[part];
}

/** One line for the output channel about a CONSUME. */
export function consumeSummary(spec: ConsumeSpec, results: ConsumeResult[]): string {
  const total = results.reduce((n, r) => n + r.records.length, 0);
  const parts = results.map((r) => `p${r.partition} ${r.records.length ? `${r.records[0].offset}–${r.records[r.records.length - 1].offset}` : '-'} (HW ${r.highWatermark})`);
  return `CONSUME ${spec.topic} from ${describeFrom(spec.from)}: ${plural(total, 'record')} · ${parts.join(', ')}`;
}
