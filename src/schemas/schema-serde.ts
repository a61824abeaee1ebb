/**
 * Decodes and encodes record keys and values in Confluent's wire format through a schema registry, for the consumer
 * panel, the segment inspector, the .kafka runner and the producer. Each schema id is fetched once (with its
 * references) and its codec kept, so that a topic of many records costs one request per id; a failed fetch is
 * remembered for a few seconds so that a topic full of unknown ids does not ask the registry once a record.
 */
import { AsyncCache } from './async-cache';
import type { SchemaCodec } from './codec';
import { RegistryHttpError, type SchemaRegistryClient, type SchemaType } from './registry-client';
import { codecFor, ReferenceFetchError, SchemaLoader } from './schema-loader';
import { SchemaValidationError, type DecodeResult, type EncodeSchema, type SchemaInfo } from './serde-types';
import { looksLikeWireFormat, readHeader, schemaIdOf, writeWireFormat } from './wire-format';


/** How long a failure to fetch or read a schema is remembered before it is asked for again. */
const FAILURE_TTL_MS = 5_000;
/** Subjects may come to hold a schema after it was first seen: the list is asked for again after this long. */
const SUBJECTS_TTL_MS = 60_000;
/** A subject's latest version, or a schema looked up or registered under it, for encoding a batch of records. */
const TARGET_TTL_MS = 5_000;

interface DecodeContext {
  topic?: string;
  isKey?: boolean;
}

interface LoadedSchema {
  id: number;
  type: SchemaType;
  codec: SchemaCodec;
}

type SubjectVersions = Array<{ subject: string; version: number }>;

/** The schema id to encode with, and the subject version holding it when the lookup told. */
interface Target {
  id: number;
  subject: string;
  version?: number;
}

export class SchemaSerde {
  private readonly loader: SchemaLoader;
  private readonly schemas = new AsyncCache<number, LoadedSchema>(Infinity, FAILURE_TTL_MS);
  private readonly subjects = new AsyncCache<number, SubjectVersions>(SUBJECTS_TTL_MS, FAILURE_TTL_MS);
  private readonly targets = new AsyncCache<string, Target>(TARGET_TTL_MS, 0);
  /** What a decoded value is said to be written with, per schema id, topic, key or value and message: the same for every record of a stream. */
  private readonly infos = new Map<string, { versions: SubjectVersions; info: SchemaInfo }>();

  /** The registry it reads schemas from (the panels list its subjects through it). */
  constructor(readonly client: SchemaRegistryClient) {
    this.loader = new SchemaLoader(client);
  }

  /** topic and isKey choose which subject to name when a schema sits under several (TopicNameStrategy's `<topic>-key`/`<topic>-value` preferred). Never throws: errors come back as {kind:'error'}. */
  async decode(bytes: Uint8Array, ctx: DecodeContext = {}): Promise<DecodeResult> {
    if (!looksLikeWireFormat(bytes)) return { kind: 'plain' };
    const { id } = readHeader(bytes);
    let schema: LoadedSchema;
    try {
      schema = await this.schema(id);
    } catch (e) {
      return { kind: 'error', schemaId: id, reason: (e as Error).message };
    }
    const versions = await this.subjects.get(id, () => this.client.versionsOfId(id)).catch((): SubjectVersions => []);
    return this.decodeWith(schema, versions, bytes, ctx);
  }

  /** Synchronous fast path once the schema id is cached (undefined when it is not yet: then await decode). */
  decodeCached(bytes: Uint8Array, ctx: DecodeContext = {}): DecodeResult | undefined {
    if (!looksLikeWireFormat(bytes)) return { kind: 'plain' };
    const id = schemaIdOf(bytes);
    const schema = this.schemas.peek(id);
    if (schema?.state === 'failed') return { kind: 'error', schemaId: id, reason: (schema.error as Error).message };
    const versions = this.subjects.peek(id);
    if (schema === undefined || versions === undefined) return undefined;
    return this.decodeWith(schema.value, versions.state === 'ok' ? versions.value : [], bytes, ctx);
  }

  /** `value` is the parsed JSON input. Throws SchemaValidationError (with per-field problems) when it does not fit, other Errors for registry problems. */
  async encode(value: unknown, target: EncodeSchema): Promise<{ bytes: Buffer; schema: SchemaInfo }> {
    const where = await this.target(target);
    let schema: LoadedSchema;
    try {
      schema = await this.schema(where.id);
    } catch (e) {
      throw new Error(upperFirst((e as Error).message), { cause: e });
    }
    let version = where.version;
    if (version === undefined) {
      const versions = await this.subjects.get(where.id, () => this.client.versionsOfId(where.id)).catch((): SubjectVersions => []);
      version = versions.find((v) => v.subject === where.subject)?.version;
    }
    let encoded: { payload: Uint8Array; messageName?: string };
    try {
      encoded = schema.codec.encode(value, target.messageName);
    } catch (e) {
      if (!(e instanceof SchemaValidationError)) throw e;
      const what = `schema ${where.id} (${where.subject}${version !== undefined ? ` version ${version}` : ''}, ${schema.type})`;
      const more = e.problems.length > 1 ? ` (and ${e.problems.length - 1} more)` : '';
      throw new SchemaValidationError(`The value does not fit ${what}: ${e.problems[0] ?? e.message}${more}`, e.problems);
    }
    return {
      bytes: writeWireFormat(where.id, encoded.payload),
      schema: info(schema, { subject: where.subject, version }, encoded.messageName),
    };
  }

  private decodeWith(schema: LoadedSchema, versions: SubjectVersions, bytes: Uint8Array, ctx: DecodeContext): DecodeResult {
    let decoded: { json: string; messageName?: string };
    try {
      decoded = schema.codec.decode(readHeader(bytes).payload);
    } catch (e) {
      return { kind: 'error', schemaId: schema.id, reason: `the payload does not match schema ${schema.id} (${schema.type}): ${(e as Error).message}` };
    }
    const key = `${schema.id}\0${ctx.topic ?? ''}\0${ctx.isKey === true}\0${decoded.messageName ?? ''}`;
    let known = this.infos.get(key);
    if (known?.versions !== versions) {
      known = { versions, info: info(schema, pickSubject(versions, ctx, decoded.messageName), decoded.messageName) };
      this.infos.set(key, known);
    }
    return { kind: 'decoded', schema: known.info, json: decoded.json };
  }

  /** The schema and its codec; the error's message is the reason to show. */
  private schema(id: number): Promise<LoadedSchema> {
    return this.schemas.get(id, async () => {
      let text;
      try {
        text = await this.client.schemaById(id);
      } catch (e) {
        throw new Error(this.fetchFailure(e, `schema ${id}`), { cause: e });
      }
      try {
        return { id, type: text.schemaType, codec: codecFor(await this.loader.resolve(text)) };
      } catch (e) {
        const why = e instanceof ReferenceFetchError ? e.message : lowerFirst((e as Error).message);
        throw new Error(`schema ${id} (${text.schemaType}) cannot be used: ${why}`, { cause: e });
      }
    });
  }

  private fetchFailure(e: unknown, what: string): string {
    if (e instanceof RegistryHttpError) {
      const code = e.errorCode !== undefined ? ` (error ${e.errorCode})` : ` (HTTP ${e.status})`;
      if (e.status === 404) return `${what} is not in the registry at ${this.client.url}${code}`;
      return `the schema registry at ${this.client.url} did not give ${what}: ${e.message}`;
    }
    return lowerFirst((e as Error).message);
  }

  private target(t: EncodeSchema): Promise<Target> {
    const s = t.schema;
    const key = JSON.stringify(s ? [t.subject, t.autoRegister === true, s.schemaType, s.schema, s.references ?? []] : [t.subject, t.version ?? 'latest']);
    return this.targets.get(key, async () => {
      try {
        if (s === undefined) {
          const v = await this.client.version(t.subject, t.version ?? 'latest');
          return { id: v.id, subject: v.subject, version: v.version };
        }
        const text = { schema: s.schema, schemaType: s.schemaType, references: s.references ?? [] };
        if (t.autoRegister) return { id: await this.client.register(t.subject, text), subject: t.subject };
        const v = await this.client.lookup(t.subject, text);
        return { id: v.id, subject: t.subject, version: v.version };
      } catch (e) {
        throw new Error(this.targetFailure(e, t), { cause: e });
      }
    });
  }

  private targetFailure(e: unknown, t: EncodeSchema): string {
    const at = `the schema registry at ${this.client.url}`;
    if (!(e instanceof RegistryHttpError)) return (e as Error).message;
    switch (e.errorCode) {
      case 40401:
        return `Subject '${t.subject}' is not in ${at} (error 40401)`;
      case 40402:
        return `Subject '${t.subject}' has no version ${t.version ?? 'latest'} in ${at} (error 40402)`;
      case 40403:
        return `The schema is not registered under '${t.subject}' in ${at} (error 40403): register it, or let it be registered`;
      default:
        return t.schema && t.autoRegister ? `Registering the schema under '${t.subject}' failed: ${e.message}` : e.message;
    }
  }
}

/**
 * The subject to name: the topic's own (`<topic>-value` or `<topic>-key`), then TopicRecordNameStrategy's
 * `<topic>-<record>` and RecordNameStrategy's `<record>`, else the first the registry lists.
 */
function pickSubject(versions: SubjectVersions, ctx: DecodeContext, messageName: string | undefined): { subject?: string; version?: number } {
  const wanted: string[] = [];
  if (ctx.topic !== undefined) wanted.push(`${ctx.topic}-${ctx.isKey ? 'key' : 'value'}`);
  if (ctx.topic !== undefined && messageName !== undefined) wanted.push(`${ctx.topic}-${messageName}`);
  if (messageName !== undefined) wanted.push(messageName);
  for (const subject of wanted) {
    const held = versions.filter((v) => v.subject === subject);
    if (held.length > 0) return held.reduce((a, b) => (b.version > a.version ? b : a));
  }
  return versions[0] ?? {};
}

function info(schema: LoadedSchema, where: { subject?: string; version?: number }, messageName: string | undefined): SchemaInfo {
  const out: SchemaInfo = { id: schema.id, type: schema.type };
  if (where.subject !== undefined) out.subject = where.subject;
  if (where.version !== undefined) out.version = where.version;
  if (messageName !== undefined) out.messageName = messageName;
  return out;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

function upperFirst(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
