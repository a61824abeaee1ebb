/**
 * Writes Avro's binary encoding from JSON input, collecting every place the input does not fit rather than stopping
 * at the first. The input is Avro's JSON encoding (what the decoder shows: unions as {"<branch>": value}, bytes as
 * ISO-8859-1 strings), or plainer JSON a developer would write: a union's value bare when exactly one branch takes it,
 * a long as a string of digits when it is beyond 2^53 (JSON numbers are not exact there). Missing fields take their
 * schema default. avsc's own writer is not used: it wants its in-memory values (Buffers, its union shapes), and stops
 * at the first problem.
 */
import type * as avro from 'avsc';

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;
const MAX_FLOAT = 3.4028234663852886e38;
const NON_FINITE: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };
const utf8 = new TextEncoder();

/** Problems as "<path> <what is wrong>", the path a JSON pointer into the input ("/" for the whole value). */
export function avroFromJson(type: avro.Type, value: unknown): { bytes: Uint8Array; problems: string[] } {
  const out = new Output();
  const problems: string[] = [];
  write(type, value, '', out, problems);
  return { bytes: out.finish(), problems };
}

type AnyType = avro.Type & { size?: number; symbols?: string[]; itemsType?: avro.Type; valuesType?: avro.Type; fields?: avro.types.Field[]; types?: avro.Type[] };

function write(type: avro.Type, value: unknown, path: string, out: Output, problems: string[]): void {
  const t = type as AnyType;
  const problem = (what: string): void => void problems.push(`${path || '/'} ${what}`);
  switch (t.typeName) {
    case 'null':
      if (value !== null) problem(`must be null, not ${show(value)}`);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') problem(`must be true or false, not ${show(value)}`);
      else out.byte(value ? 1 : 0);
      return;
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < INT_MIN || value > INT_MAX) problem(`must be an int (a whole number from -2^31 to 2^31-1), not ${show(value)}`);
      else out.long(BigInt(value));
      return;
    case 'long': {
      const v = toLong(value);
      if (typeof v === 'string') problem(v);
      else out.long(v);
      return;
    }
    case 'float':
    case 'double': {
      const v = typeof value === 'string' && value in NON_FINITE ? NON_FINITE[value] : value;
      if (typeof v !== 'number') problem(`must be a number (or "NaN", "Infinity", "-Infinity"), not ${show(value)}`);
      else if (t.typeName === 'float' && Math.abs(v) > MAX_FLOAT && Number.isFinite(v)) problem(`is beyond a float's range: ${v}`);
      else if (t.typeName === 'float') out.float32(v);
      else out.float64(v);
      return;
    }
    case 'string':
      if (typeof value !== 'string') problem(`must be a string, not ${show(value)}`);
      else out.bytesWithLength(utf8.encode(value));
      return;
    case 'bytes':
    case 'fixed': {
      const bytes = toBytes(value);
      if (bytes === undefined) problem(`must be a string of ISO-8859-1 characters (\\u0000-\\u00ff), one a byte, not ${show(value)}`);
      else if (t.typeName === 'bytes') out.bytesWithLength(bytes);
      else if (bytes.length !== t.size) problem(`must be ${t.size} bytes long (${t.name}), not ${bytes.length}`);
      else out.raw(bytes);
      return;
    }
    case 'enum': {
      const symbols = t.symbols as string[];
      const i = typeof value === 'string' ? symbols.indexOf(value) : -1;
      if (i < 0) problem(`must be one of ${t.name}'s symbols ${symbols.join(', ')}, not ${show(value)}`);
      else out.long(BigInt(i));
      return;
    }
    case 'array':
      if (!Array.isArray(value)) problem(`must be an array, not ${show(value)}`);
      else {
        if (value.length > 0) out.long(BigInt(value.length));
        value.forEach((item, i) => write(t.itemsType as avro.Type, item, `${path}/${i}`, out, problems));
        out.long(0n);
      }
      return;
    case 'map':
      if (!isObject(value)) problem(`must be an object (an Avro map), not ${show(value)}`);
      else {
        const entries = Object.entries(value);
        if (entries.length > 0) out.long(BigInt(entries.length));
        for (const [k, v] of entries) {
          out.bytesWithLength(utf8.encode(k));
          write(t.valuesType as avro.Type, v, `${path}/${pointer(k)}`, out, problems);
        }
        out.long(0n);
      }
      return;
    case 'record':
    case 'error':
      writeRecord(t, value, path, out, problems);
      return;
    case 'union:wrapped':
    case 'union:unwrapped':
      writeUnion(t.types as avro.Type[], value, path, out, problems);
      return;
    default:
      problem(`has Avro type ${t.typeName}, which cannot be written`);
  }
}

function writeRecord(t: AnyType, value: unknown, path: string, out: Output, problems: string[]): void {
  if (!isObject(value)) {
    problems.push(`${path || '/'} must be an object (record ${t.name}), not ${show(value)}`);
    return;
  }
  const fields = t.fields as avro.types.Field[];
  for (const key of Object.keys(value)) {
    if (!fields.some((f) => f.name === key)) problems.push(`${path}/${pointer(key)} is not a field of ${t.name} (its fields: ${fields.map((f) => f.name).join(', ')})`);
  }
  for (const f of fields) {
    const fieldPath = `${path}/${pointer(f.name)}`;
    if (Object.prototype.hasOwnProperty.call(value, f.name)) write(f.type, value[f.name], fieldPath, out, problems);
    else {
      // avsc's defaults are its in-memory values (Buffers, wrapped unions), which this writer takes as well.
      const fallback: unknown = f.defaultValue();
      if (fallback === undefined) problems.push(`${fieldPath} is missing, and the field has no default`);
      else write(f.type, fallback, fieldPath, out, problems);
    }
  }
}

/**
 * {"<branch>": value} picks the branch, by full or short name (unless that does not fit and the bare object fits one
 * branch: a map or record whose one key happens to be a branch name); otherwise the one branch that takes the value.
 */
function writeUnion(branches: avro.Type[], value: unknown, path: string, out: Output, problems: string[]): void {
  const at = path || '/';
  const nullIndex = branches.findIndex((b) => b.typeName === 'null');
  if (value === null) {
    if (nullIndex >= 0) out.long(BigInt(nullIndex));
    else problems.push(`${at} cannot be null (the union is ${branchList(branches)})`);
    return;
  }
  let wrapped: { index: number; attempt: Attempt } | undefined;
  if (isObject(value) && !(value instanceof Uint8Array)) {
    const keys = Object.keys(value);
    const index = keys.length === 1 ? branches.findIndex((b) => b.branchName === keys[0] || shortName(b) === keys[0]) : -1;
    if (index >= 0) {
      wrapped = { index, attempt: attempt(branches[index], value[keys[0]], `${path}/${pointer(keys[0])}`) };
      if (wrapped.attempt.problems.length === 0) return commit(out, index, wrapped.attempt);
    }
  }
  const fits: Array<{ index: number; attempt: Attempt }> = [];
  const misfits: Attempt[] = [];
  branches.forEach((b, index) => {
    if (index === nullIndex) return;
    const a = attempt(b, value, path);
    if (a.problems.length === 0) fits.push({ index, attempt: a });
    else misfits.push(a);
  });
  if (fits.length === 1) return commit(out, fits[0].index, fits[0].attempt);
  if (fits.length > 1) {
    const names = fits.map((f) => branches[f.index].branchName);
    problems.push(`${at} fits several branches of the union (${names.join(', ')}): wrap it to say which, as {"${names[0]}": …}`);
  } else if (wrapped) problems.push(...wrapped.attempt.problems);
  else if (misfits.length === 1) problems.push(...misfits[0].problems);
  else problems.push(`${at} fits none of the union's branches (${branchList(branches)}): ${show(value)}`);
}

interface Attempt {
  bytes: Uint8Array;
  problems: string[];
}

function attempt(type: avro.Type, value: unknown, path: string): Attempt {
  const scratch = new Output();
  const problems: string[] = [];
  write(type, value, path, scratch, problems);
  return { bytes: scratch.finish(), problems };
}

function commit(out: Output, index: number, a: Attempt): void {
  out.long(BigInt(index));
  out.raw(a.bytes);
}

function branchList(branches: avro.Type[]): string {
  return branches.map((b) => b.branchName).join(', ');
}

function shortName(t: avro.Type): string | undefined {
  return t.name?.slice(t.name.lastIndexOf('.') + 1);
}

/** A bigint, or why the value is not a long. */
function toLong(value: unknown): bigint | string {
  let v: bigint;
  if (typeof value === 'bigint') v = value;
  else if (typeof value === 'number' && Number.isInteger(value)) {
    if (!Number.isSafeInteger(value)) return `is beyond 2^53, where a JSON number has lost digits: write the long as a string ("…")`;
    v = BigInt(value);
  } else if (typeof value === 'string' && /^[-+]?\d+$/.test(value.trim())) v = BigInt(value.trim());
  else return `must be a long (a whole number, or a string of digits), not ${show(value)}`;
  return v < LONG_MIN || v > LONG_MAX ? `is beyond a long's range (-2^63 to 2^63-1): ${v}` : v;
}

function toBytes(value: unknown): Uint8Array | undefined {
  if (value instanceof Uint8Array) return value;
  if (typeof value !== 'string') return undefined;
  const bytes = new Uint8Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c > 0xff) return undefined;
    bytes[i] = c;
  }
  return bytes;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A key as a JSON pointer segment. */
function pointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'bigint') return v.toString();
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** A growing byte buffer with Avro's primitive encodings. */
class Output {
  private buf = new Uint8Array(64);
  private view = new DataView(this.buf.buffer);
  private pos = 0;

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    bigger.set(this.buf.subarray(0, this.pos));
    this.buf = bigger;
    this.view = new DataView(bigger.buffer);
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.pos++] = b;
  }

  /** A zigzag varint. */
  long(n: bigint): void {
    let raw = n >= 0n ? n << 1n : ((-n) << 1n) - 1n;
    while (raw >= 0x80n) {
      this.byte(Number(raw & 0x7fn) | 0x80);
      raw >>= 7n;
    }
    this.byte(Number(raw));
  }

  float32(v: number): void {
    this.room(4);
    this.view.setFloat32(this.pos, v, true);
    this.pos += 4;
  }

  float64(v: number): void {
    this.room(8);
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  raw(bytes: Uint8Array): void {
    this.room(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  bytesWithLength(bytes: Uint8Array): void {
    this.long(BigInt(bytes.length));
    this.raw(bytes);
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}
