/**
 * Test support: reads Apache Kafka's JSON message schemas (at test time, from the shared spec directory: they are not
 * part of the repository) and builds sample data for any message at any version, independently of the generator, so
 * that the round-trip tests check the generated codecs against a second reading of the schemas.
 *
 * Two kinds of samples:
 * - 'full': every field present in the version holds a non-default value (non-null, non-empty, tagged fields set);
 * - 'sparse': nullable fields are null, other strings/bytes/arrays are empty, numbers are zero.
 * Fields absent from the version hold their default, which is what decoding must produce for them.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '..', '..', '..', '..');
export const SPEC_DIR = process.env.KAFKA_SPEC_DIR ?? resolve(REPO_ROOT, '..', 'shared', 'kafka-spec', 'message');
export const RECORDS_SPEC_DIR = resolve(SPEC_DIR, '..', 'coordinator-records');
export const MESSAGES_DIR = join(REPO_ROOT, 'src', 'protocol', 'messages');

export interface FieldJson {
  name: string;
  type: string;
  versions?: string;
  taggedVersions?: string;
  nullableVersions?: string;
  flexibleVersions?: string;
  tag?: number;
  default?: string | number | boolean | null;
  ignorable?: boolean;
  fields?: FieldJson[];
}

export interface SchemaJson {
  name: string;
  type: 'request' | 'response' | 'header' | 'data';
  apiKey?: number;
  validVersions: string;
  flexibleVersions: string;
  fields: FieldJson[];
  commonStructs?: { name: string; versions: string; fields: FieldJson[] }[];
}

export function specAvailable(): boolean {
  return existsSync(SPEC_DIR);
}

/** Why the schema tests skip, said once where they are skipped. */
export function specMissingMessage(): string {
  return `Kafka's message schemas are not at ${SPEC_DIR}: these tests skip (under CI=true a skip fails). Put the shared folder beside the clone (../shared/kafka-spec/message) or set KAFKA_SPEC_DIR.`;
}

/** JSON with // comments (outside strings). */
export function parseJsonWithComments(text: string): unknown {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else out += c;
  }
  return JSON.parse(out);
}

export function loadSchemas(dir: string): SchemaJson[] {
  return readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((n) => withKafka40Versions(parseJsonWithComments(readFileSync(join(dir, n), 'utf8')) as SchemaJson));
}

/** The versions Kafka 4.0 added without changing the wire format, which the generator serves too (scripts/kafka-4.0-versions.json). */
function withKafka40Versions(schema: SchemaJson): SchemaJson {
  const later = (JSON.parse(readFileSync(join(REPO_ROOT, 'scripts', 'kafka-4.0-versions.json'), 'utf8')) as { sameAsPrevious: Record<string, number> }).sameAsPrevious[schema.name];
  const range = versionRange(schema.validVersions);
  if (later === undefined || !range || range[1] !== later - 1) return schema;
  return { ...schema, validVersions: `${range[0]}-${later}` };
}

/** [lo, hi] inclusive; hi = Infinity for "N+"; null for "none" or absent. */
export function versionRange(s: string | undefined): [number, number] | null {
  if (s === undefined || s === 'none') return null;
  if (s.endsWith('+')) return [Number(s.slice(0, -1)), Infinity];
  const [a, b] = s.split('-');
  return [Number(a), Number(b ?? a)];
}

export function inRange(s: string | undefined, v: number): boolean {
  const r = versionRange(s);
  return r !== null && v >= r[0] && v <= r[1];
}

export const kebab = (s: string): string => s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
export const camel = (s: string): string => s[0].toLowerCase() + s.slice(1);

type Sample = Record<string, unknown>;
const NUMERIC_RANGE: Record<string, [number, number]> = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
  int64: [-(2 ** 53 - 1), 2 ** 53 - 1],
};

export class SampleBuilder {
  private counter = 0;

  constructor(
    private readonly schema: SchemaJson,
    private readonly mode: 'full' | 'sparse',
  ) {}

  private struct(name: string): FieldJson[] {
    const common = this.schema.commonStructs?.find((s) => s.name === name);
    if (!common) throw new Error(`${this.schema.name}: no struct ${name}`);
    return common.fields;
  }

  private fieldsOf(f: FieldJson): FieldJson[] {
    return f.fields ?? this.struct(f.type.replace(/^\[\]/, ''));
  }

  build(version: number): Sample {
    return this.structSample(this.schema.fields, version);
  }

  defaults(fields: FieldJson[]): Sample {
    const o: Sample = {};
    for (const f of fields) o[camel(f.name)] = this.defaultValue(f);
    return o;
  }

  private structSample(fields: FieldJson[], v: number): Sample {
    const o: Sample = {};
    for (const f of fields) {
      const versions = f.versions ?? f.taggedVersions;
      o[camel(f.name)] = inRange(versions, v) ? this.value(f, v) : this.defaultValue(f);
    }
    return o;
  }

  defaultValue(f: FieldJson): unknown {
    const d = f.default === undefined ? '' : f.default === null ? 'null' : String(f.default);
    const t = f.type;
    if (d === 'null') return null;
    if (t.startsWith('[]')) return [];
    if (t === 'bool') return d.toLowerCase() === 'true';
    if (t in NUMERIC_RANGE || t === 'float64') {
      if (d === '') return 0;
      const neg = d.startsWith('-');
      const body = neg ? d.slice(1) : d;
      const n = body.startsWith('0x') ? parseInt(body.slice(2), 16) : Number(body);
      return neg ? -n : n;
    }
    if (t === 'string') return d;
    if (t === 'uuid') return '0'.repeat(32);
    if (t === 'bytes') return Buffer.alloc(0);
    if (t === 'records') return null;
    return this.defaults(this.fieldsOf(f));
  }

  private next(): number {
    return ++this.counter;
  }

  private value(f: FieldJson, v: number): unknown {
    const t = f.type;
    const nullable = inRange(f.nullableVersions, v);
    const sparse = this.mode === 'sparse';
    if (sparse && nullable) return null;
    if (t.startsWith('[]')) {
      if (sparse) return [];
      const elem = t.slice(2);
      const n = 2;
      const out: unknown[] = [];
      for (let i = 0; i < n; i++) {
        if (/^[A-Z]/.test(elem)) out.push(this.structSample(this.fieldsOf(f), v));
        else out.push(this.primitive(elem, { ...f, type: elem, default: undefined }, false));
      }
      return out;
    }
    if (/^[A-Z]/.test(t)) return this.structSample(this.fieldsOf(f), v);
    return this.primitive(t, f, sparse);
  }

  private primitive(t: string, f: FieldJson, sparse: boolean): unknown {
    const n = this.next();
    const def = this.defaultValue(f);
    switch (t) {
      case 'bool':
        return sparse ? false : !def;
      case 'float64':
        return sparse ? 0 : n + 0.25;
      case 'string':
        return sparse ? '' : `${f.name}-${n}-é✓😀`;
      case 'uuid': {
        if (sparse) return '0'.repeat(32);
        return (n.toString(16).padStart(8, '0') + 'a1b2c3d4e5f60718293a4b5c').slice(0, 32);
      }
      case 'bytes':
        return sparse ? Buffer.alloc(0) : Buffer.from(Array.from({ length: 3 + (n % 5) }, (_, i) => (i * 37 + n) & 0xff));
      case 'records':
        // Sometimes above the writer's link threshold, to exercise zero-copy chunks.
        return sparse ? Buffer.alloc(0) : Buffer.alloc(n % 2 === 0 ? 3000 : 61, n & 0xff);
      default: {
        const range = NUMERIC_RANGE[t];
        if (!range) throw new Error(`unknown type ${t}`);
        if (sparse) return 0;
        const candidates = [range[1], range[0], n % 100, range[1] - n];
        const pick = candidates[n % candidates.length];
        return pick === def ? (pick === range[1] ? range[1] - 1 : range[1]) : pick;
      }
    }
  }
}
