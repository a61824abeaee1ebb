/**
 * The records of `_schemas` as Confluent's Schema Registry writes them (its storage package: SchemaKey, SchemaValue,
 * ConfigKey, ConfigValue, ModeKey, ModeValue, DeleteSubjectKey, DeleteSubjectValue, ClearSubjectKey,
 * ClearSubjectValue, NoopKey): key and value are compact JSON in UTF-8, properties in Jackson's order, values with
 * empty properties left out (Jackson's NON_EMPTY; `false` is not empty, so `"deleted":false` is written). The bytes
 * matter beyond parsing: the topic is compacted by key, so a key must be byte-identical to the one it replaces.
 */
import type { SchemaReference } from './schema-provider';

export type CompatibilityLevel = 'NONE' | 'BACKWARD' | 'BACKWARD_TRANSITIVE' | 'FORWARD' | 'FORWARD_TRANSITIVE' | 'FULL' | 'FULL_TRANSITIVE';
export const COMPATIBILITY_LEVELS: readonly CompatibilityLevel[] = ['NONE', 'BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE'];

export type Mode = 'READWRITE' | 'READONLY' | 'READONLY_OVERRIDE' | 'IMPORT';
export const MODES: readonly Mode[] = ['READWRITE', 'READONLY', 'READONLY_OVERRIDE', 'IMPORT'];

/** A key of `_schemas`. `subject: null` is the global scope (of CONFIG and MODE; of CLEAR_SUBJECT, every subject). */
export type RegistryKey =
  | { keytype: 'SCHEMA'; subject: string; version: number }
  | { keytype: 'CONFIG'; subject: string | null }
  | { keytype: 'MODE'; subject: string | null }
  | { keytype: 'DELETE_SUBJECT'; subject: string }
  | { keytype: 'CLEAR_SUBJECT'; subject: string | null }
  | { keytype: 'NOOP' };

/** A SCHEMA value: one version of a subject. `metadata` and `ruleSet` are Confluent's data contracts, kept as read. */
export interface SchemaRecord {
  subject: string;
  version: number;
  id: number;
  schemaType: string;
  references: SchemaReference[];
  schema: string;
  deleted: boolean;
  metadata?: unknown;
  ruleSet?: unknown;
}

/**
 * A CONFIG value. Only the compatibility level and `normalize` mean something here; the other properties newer
 * registries write (alias, validateFields, default and override metadata and rule sets) are kept as read, so that a
 * config written back loses none of them.
 */
export interface ConfigRecord {
  subject: string | null;
  compatibilityLevel?: CompatibilityLevel;
  normalize?: boolean;
  other?: Record<string, unknown>;
}

interface ModeRecord {
  subject: string | null;
  mode: Mode;
}

/** A DELETE_SUBJECT value: every version of the subject up to `version` is soft deleted. */
interface DeleteSubjectRecord {
  subject: string;
  version: number;
}

const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');

// Each key type has a fixed magic: 1 for SCHEMA (its key format changed once, early on), 0 for the others.
export function encodeKey(key: RegistryKey): Buffer {
  switch (key.keytype) {
    case 'SCHEMA':
      return utf8(JSON.stringify({ keytype: key.keytype, subject: key.subject, version: key.version, magic: 1 }));
    case 'NOOP':
      return utf8(JSON.stringify({ keytype: key.keytype, magic: 0 }));
    default:
      return utf8(JSON.stringify({ keytype: key.keytype, subject: key.subject, magic: 0 }));
  }
}

function parseObject(buf: Buffer): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(buf.toString('utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const optSubject = (v: unknown): string | null | undefined => (v === undefined || v === null ? null : typeof v === 'string' ? v : undefined);

/** The key, or undefined for one this registry does not know (newer key types: CONTEXT, ...) or cannot read. */
export function decodeKey(buf: Buffer): RegistryKey | undefined {
  const o = parseObject(buf);
  if (!o) return undefined;
  switch (o.keytype) {
    case 'SCHEMA':
      return typeof o.subject === 'string' && isInt(o.version) ? { keytype: 'SCHEMA', subject: o.subject, version: o.version } : undefined;
    case 'CONFIG':
    case 'MODE':
    case 'CLEAR_SUBJECT': {
      const subject = optSubject(o.subject);
      return subject === undefined ? undefined : { keytype: o.keytype, subject };
    }
    case 'DELETE_SUBJECT':
      return typeof o.subject === 'string' ? { keytype: 'DELETE_SUBJECT', subject: o.subject } : undefined;
    case 'NOOP':
      return { keytype: 'NOOP' };
    default:
      return undefined;
  }
}

export function encodeSchemaValue(v: SchemaRecord): Buffer {
  // Jackson writes a SchemaValue's creator properties first, in the creator's order: subject, version, id, (md5),
  // schemaType, references, metadata, ruleSet, schema, deleted. AVRO is written as no schemaType at all.
  const o: Record<string, unknown> = { subject: v.subject, version: v.version, id: v.id };
  if (v.schemaType !== 'AVRO') o.schemaType = v.schemaType;
  if (v.references.length) o.references = v.references.map((r) => ({ name: r.name, subject: r.subject, version: r.version }));
  if (v.metadata !== undefined && v.metadata !== null) o.metadata = v.metadata;
  if (v.ruleSet !== undefined && v.ruleSet !== null) o.ruleSet = v.ruleSet;
  o.schema = v.schema;
  o.deleted = v.deleted;
  return utf8(JSON.stringify(o));
}

function decodeReferences(v: unknown): SchemaReference[] | undefined {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) return undefined;
  const out: SchemaReference[] = [];
  for (const r of v as unknown[]) {
    if (!r || typeof r !== 'object') return undefined;
    const { name, subject, version } = r as Record<string, unknown>;
    if (typeof name !== 'string' || typeof subject !== 'string' || !isInt(version)) return undefined;
    out.push({ name, subject, version });
  }
  return out;
}

/** The value, or undefined when it is not one (a registry reading it would fail the record; the replay skips it). */
export function decodeSchemaValue(buf: Buffer): SchemaRecord | undefined {
  const o = parseObject(buf);
  if (!o || typeof o.subject !== 'string' || !isInt(o.version) || !isInt(o.id) || typeof o.schema !== 'string') return undefined;
  const references = decodeReferences(o.references);
  if (!references) return undefined;
  const out: SchemaRecord = {
    subject: o.subject,
    version: o.version,
    id: o.id,
    schemaType: typeof o.schemaType === 'string' ? o.schemaType : 'AVRO',
    references,
    schema: o.schema,
    deleted: o.deleted === true,
  };
  if (o.metadata !== undefined && o.metadata !== null) out.metadata = o.metadata;
  if (o.ruleSet !== undefined && o.ruleSet !== null) out.ruleSet = o.ruleSet;
  return out;
}

// ConfigValue's creator order in Confluent 7.x and later; compatibilityLevel is among them.
const CONFIG_ORDER = ['alias', 'normalize', 'validateFields', 'compatibilityLevel', 'compatibilityGroup', 'defaultMetadata', 'overrideMetadata', 'defaultRuleSet', 'overrideRuleSet'];

export function encodeConfigValue(v: ConfigRecord): Buffer {
  const fields: Record<string, unknown> = { ...v.other };
  if (v.compatibilityLevel !== undefined) fields.compatibilityLevel = v.compatibilityLevel;
  if (v.normalize !== undefined) fields.normalize = v.normalize;
  const o: Record<string, unknown> = {};
  if (v.subject !== null) o.subject = v.subject;
  for (const k of CONFIG_ORDER) if (fields[k] !== undefined && fields[k] !== null) o[k] = fields[k];
  for (const [k, x] of Object.entries(fields)) if (!CONFIG_ORDER.includes(k) && x !== undefined && x !== null) o[k] = x;
  return utf8(JSON.stringify(o));
}

/** `subject` is the key's: values written before Confluent 7.0 carry none. */
export function decodeConfigValue(buf: Buffer, subject: string | null): ConfigRecord | undefined {
  const o = parseObject(buf);
  if (!o) return undefined;
  const out: ConfigRecord = { subject };
  const other: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) {
    // "__proto__" would set the object's prototype rather than keep a property.
    if (k === 'subject' || k === '__proto__' || x === null || x === undefined) continue;
    if (k === 'compatibilityLevel' && typeof x === 'string' && (COMPATIBILITY_LEVELS as readonly string[]).includes(x)) out.compatibilityLevel = x as CompatibilityLevel;
    else if (k === 'normalize' && typeof x === 'boolean') out.normalize = x;
    else other[k] = x;
  }
  if (Object.keys(other).length) out.other = other;
  return out;
}

export function encodeModeValue(v: ModeRecord): Buffer {
  return utf8(JSON.stringify(v.subject === null ? { mode: v.mode } : { subject: v.subject, mode: v.mode }));
}

export function decodeModeValue(buf: Buffer, subject: string | null): ModeRecord | undefined {
  const o = parseObject(buf);
  return o && typeof o.mode === 'string' && (MODES as readonly string[]).includes(o.mode) ? { subject, mode: o.mode as Mode } : undefined;
}

export function encodeDeleteSubjectValue(v: DeleteSubjectRecord): Buffer {
  return utf8(JSON.stringify({ subject: v.subject, version: v.version }));
}

export function decodeDeleteSubjectValue(buf: Buffer, subject: string): DeleteSubjectRecord | undefined {
  const o = parseObject(buf);
  return o && isInt(o.version) ? { subject, version: o.version } : undefined;
}

/** CLEAR_SUBJECT's value is only its subject (none for the global scope). */
export function encodeClearSubjectValue(subject: string | null): Buffer {
  return utf8(JSON.stringify(subject === null ? {} : { subject }));
}
