/**
 * The registry's side of parsing: a request's schema given to its language's provider with its references looked up
 * in the store (recursively), the text the registry keeps for it (canonical, or normalized on request), and stored
 * versions parsed once for the compatibility checks. Parse failures become Confluent's 42201 with its message.
 */
import type { EarlierSchema } from './compatibility';
import { invalidSchema, invalidVersion } from './registry-errors';
import type { RegistryState } from './registry-state';
import type { ParsedSchema, ResolvedReference, SchemaProvider, SchemaReference, SchemaType } from './schema-provider';
import type { SchemaRecord } from './schema-records';

/** A registration or lookup as the REST body gives it (Confluent's RegisterSchemaRequest). */
export interface SchemaRequest {
  schema?: string;
  schemaType?: string;
  references?: SchemaReference[];
  /** Only in IMPORT mode: the version and id to register under. */
  version?: number;
  id?: number;
  metadata?: unknown;
  ruleSet?: unknown;
}

/** A request's schema parsed, with the type, text and references the registry stores for it. */
export interface Candidate {
  type: string;
  text: string;
  references: SchemaReference[];
  parsed: ParsedSchema;
}

// A reference chain deeper than this is a cycle (the topic could hold one: nothing stops a replayed record).
const MAX_REFERENCE_DEPTH = 32;
const INT_MAX = 2147483647;

const refKey = (refs: readonly SchemaReference[]): string => JSON.stringify(refs.map((r) => [r.name, r.subject, r.version]));
const javaRefs = (refs: readonly SchemaReference[]): string => `[${refs.map((r) => `{name='${r.name}', subject='${r.subject}', version=${r.version}}`).join(', ')}]`;

/** A version as the API takes it: a number, "latest" (any case) or -1. -1 stands for the latest. */
export function parseVersion(version: string | number): number {
  const text = String(version).trim();
  if (text.toLowerCase() === 'latest') return -1;
  const n = /^[+-]?\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n > INT_MAX || (n <= 0 && n !== -1)) throw invalidVersion(String(version));
  return n;
}

/** Whether the stored version holds the candidate: the same text, type and references make the same schema. */
export function sameSchema(r: SchemaRecord, c: Candidate): boolean {
  return r.schema === c.text && r.schemaType === c.type && refKey(r.references) === refKey(c.references);
}

export class SchemaParser {
  private readonly cache = new Map<string, { text: string; parsed: ParsedSchema }>();

  constructor(
    private readonly providers: Readonly<Partial<Record<string, SchemaProvider>>>,
    private readonly state: RegistryState,
  ) {}

  /** The request's schema (which must not be empty). Stored references name the version they resolved to, so that "latest" (-1) stays what it was. */
  request(subject: string, req: SchemaRequest, normalize: boolean): Candidate {
    const type = req.schemaType ?? 'AVRO';
    const refs = req.references ?? [];
    const { parsed, resolved } = this.parse(subject, req.version ?? 0, req.id ?? -1, type, req.schema ?? '', refs);
    const references = refs.map((r, i) => ({ name: r.name, subject: r.subject, version: resolved[i].version }));
    return { type, references, parsed, text: normalize ? parsed.normalized() : parsed.canonical() };
  }

  /** A stored version as the compatibility check takes it, parsed once. */
  earlier(r: SchemaRecord): EarlierSchema {
    const key = JSON.stringify([r.subject, r.version]);
    let hit = this.cache.get(key);
    if (!hit || hit.text !== r.schema) {
      hit = { text: r.schema, parsed: this.parse(r.subject, r.version, r.id, r.schemaType, r.schema, r.references).parsed };
      this.cache.set(key, hit);
    }
    return { version: r.version, text: r.schema, parsed: hit.parsed };
  }

  /** The schema a reference names, with its own references, as providers take it. Version -1 is the latest. */
  private resolve(ref: SchemaReference, depth: number): ResolvedReference {
    const r = ref.version === -1 ? this.state.latest(ref.subject) : this.state.version(ref.subject, ref.version);
    if (!r || depth > MAX_REFERENCE_DEPTH) throw new Error(`No schema reference found for subject "${ref.subject}" and version ${ref.version}`);
    return {
      name: ref.name,
      subject: r.subject,
      version: r.version,
      schemaType: r.schemaType as SchemaType,
      schema: r.schema,
      references: r.references.map((x) => this.resolve(x, depth + 1)),
    };
  }

  /** Parses with the provider of `type`; the message of a failure quotes the schema as Java prints Confluent's Schema. */
  private parse(subject: string, version: number, id: number, type: string, schema: string, refs: readonly SchemaReference[]): { parsed: ParsedSchema; resolved: ResolvedReference[] } {
    const provider = this.providers[type];
    if (!provider) throw invalidSchema(`Invalid schema type ${type}`);
    try {
      const resolved = refs.map((r) => this.resolve(r, 0));
      return { parsed: provider.parse(schema, resolved), resolved };
    } catch (e) {
      const described = `{subject=${subject},version=${version},id=${id},schemaType=${type},references=${javaRefs(refs)},metadata=null,ruleSet=null,schema=${schema}}`;
      throw invalidSchema(`Invalid schema ${described} with refs ${javaRefs(refs)} of type ${type}, details: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
