/**
 * Reads Avro's binary encoding straight into Avro's JSON encoding, the text Confluent's kafka-avro-console-consumer
 * prints: a union as {"<branch>": value} (null bare), bytes and fixed as strings of ISO-8859-1 characters, longs with
 * all their digits. avsc only parses the schema: its decoder would round longs beyond 2^53, and on a garbled payload
 * it trusts a block count of billions (allocating or looping for as long), where this reader checks every count and
 * length against the bytes left and names the place it went wrong. Each schema is compiled once into a tree of
 * readers, with the field names' JSON and the error messages' paths worked out then rather than per value: the
 * consumer panel decodes tens of thousands of records a second through it.
 */
import type * as avro from 'avsc';
import { shortestFloat32 } from './float32';

/** The longest run of zero-byte items (arrays of null, empty records) a block may claim: more is a garbled count. */
const MAX_EMPTY_ITEMS = 1_000_000;

type Reader = (input: Input) => string;

/** One compiled reader per schema (avsc's Type objects stay the same for a schema id's codec). */
const compiled = new WeakMap<avro.Type, Reader>();

export function avroToJson(type: avro.Type, bytes: Uint8Array): string {
  let reader = compiled.get(type);
  if (reader === undefined) compiled.set(type, (reader = compile(type, '', new Map())));
  const input = new Input(bytes);
  const json = reader(input);
  if (input.pos !== bytes.length) throw new Error(`${bytes.length - input.pos} byte(s) left over after the value ended at byte ${input.pos}`);
  return json;
}

class Input {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}

  get left(): number {
    return this.bytes.length - this.pos;
  }

  need(n: number, what: string): void {
    if (n > this.left) throw new Error(`${what} needs ${n} byte(s) at byte ${this.pos}, but the payload ends after ${this.left}`);
  }

  /** A zigzag varint: a number when it fits in 2^53 exactly, a bigint otherwise (only longs can be that large). */
  varint(what: string): number | bigint {
    // Most varints are a few bytes: up to four with int arithmetic, then on in float arithmetic (exact to 2^53).
    const b = this.bytes;
    let pos = this.pos;
    let small = 0;
    let shift = 0;
    for (; shift < 28; shift += 7) {
      if (pos >= b.length) {
        this.pos = pos;
        this.need(1, what);
      }
      const x = b[pos++];
      small |= (x & 0x7f) << shift;
      if ((x & 0x80) === 0) {
        this.pos = pos;
        return (small >>> 1) ^ -(small & 1);
      }
    }
    this.pos = pos;
    let raw = small;
    for (; shift < 49; shift += 7) {
      this.need(1, what);
      const x = b[this.pos++];
      raw += (x & 0x7f) * 2 ** shift;
      if ((x & 0x80) === 0) return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
    }
    let big = BigInt(raw);
    for (let shift = 49n; shift < 70n; shift += 7n) {
      this.need(1, what);
      const b = this.bytes[this.pos++];
      big |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) {
        big = BigInt.asUintN(64, big);
        const value = (big >> 1n) ^ -(big & 1n);
        return Number.isSafeInteger(Number(value)) ? Number(value) : value;
      }
    }
    throw new Error(`${what} at byte ${this.pos} is longer than a 64-bit varint`);
  }

  /** An int, or a count or length, which must be a plain number. */
  int(what: string): number {
    const start = this.pos;
    const v = this.varint(what);
    if (typeof v !== 'number' || v < -(2 ** 31) || v >= 2 ** 31) throw new Error(`${what} at byte ${start} is ${v}, beyond a 32-bit int`);
    return v;
  }

  take(n: number, what: string): Uint8Array {
    this.need(n, what);
    return this.bytes.subarray(this.pos, (this.pos += n));
  }
}

/**
 * The reader of a type at a path (for the error messages). `open` holds the records being compiled: a record that
 * holds itself (through a union or a collection) reads its inner values with the outer record's reader.
 */
function compile(type: avro.Type, path: string, open: Map<avro.Type, Reader>): Reader {
  const t = type as AnyType;
  const at = path || '/';
  switch (t.typeName) {
    case 'null':
      return () => 'null';
    case 'boolean': {
      const what = `boolean ${at}`;
      return (input) => {
        const b = input.take(1, what)[0];
        if (b > 1) throw new Error(`${what} at byte ${input.pos - 1} is ${b}, not 0 or 1`);
        return b === 1 ? 'true' : 'false';
      };
    }
    case 'int': {
      const what = `int ${at}`;
      return (input) => String(input.int(what));
    }
    case 'long': {
      const what = `long ${at}`;
      return (input) => String(input.varint(what));
    }
    case 'float': {
      const what = `float ${at}`;
      return (input) => {
        input.need(4, what);
        const v = readFloat(input, 4);
        input.pos += 4;
        return jsonNumber(shortestFloat32(v));
      };
    }
    case 'double': {
      const what = `double ${at}`;
      return (input) => {
        input.need(8, what);
        const v = readFloat(input, 8);
        input.pos += 8;
        return jsonNumber(v);
      };
    }
    case 'string': {
      const what = `string ${at}`;
      return (input) => jsonText(input, what);
    }
    case 'bytes': {
      const what = `bytes ${at}`;
      return (input) => latin1(input.take(length(input, what), what));
    }
    case 'fixed': {
      const what = `fixed ${at}`;
      const size = t.size as number;
      return (input) => latin1(input.take(size, what));
    }
    case 'enum': {
      const what = `enum ${at}`;
      const symbols = (t.symbols as string[]).map((x) => JSON.stringify(x));
      return (input) => {
        const i = input.int(what);
        if (i < 0 || i >= symbols.length) throw new Error(`${what} has symbol index ${i}, but ${t.name} has ${symbols.length} symbols`);
        return symbols[i];
      };
    }
    case 'array': {
      const what = `array ${at}`;
      const itemType = t.itemsType as avro.Type;
      const item = compile(itemType, `${path}/*`, open);
      const least = minimumSize(itemType);
      return (input) => {
        let out = '[';
        let first = true;
        readBlocks(input, least, what, () => {
          out += first ? item(input) : `,${item(input)}`;
          first = false;
        });
        return `${out}]`;
      };
    }
    case 'map': {
      const what = `map ${at}`;
      const keyWhat = `map key ${at}`;
      const valuesType = t.valuesType as avro.Type;
      const value = compile(valuesType, `${path}/*`, open);
      const least = minimumSize(valuesType);
      return (input) => {
        let out = '{';
        let first = true;
        readBlocks(input, least, what, () => {
          const key = jsonText(input, keyWhat);
          out += `${first ? '' : ','}${key}:${value(input)}`;
          first = false;
        });
        return `${out}}`;
      };
    }
    case 'record':
    case 'error': {
      const inside = open.get(type);
      if (inside) return (input) => inside(input);
      let self: Reader = () => '';
      open.set(type, (input) => self(input));
      const fields = t.fields as avro.types.Field[];
      // `{"a":` then `,"b":`...: each field's JSON name with its separator, made once.
      const prefixes = fields.map((f, i) => `${i === 0 ? '{' : ','}${JSON.stringify(f.name)}:`);
      const readers = fields.map((f) => compile(f.type, `${path}/${f.name}`, open));
      open.delete(type);
      self = (input) => {
        if (readers.length === 0) return '{}';
        let out = '';
        for (let i = 0; i < readers.length; i++) out += prefixes[i] + readers[i](input);
        return `${out}}`;
      };
      return self;
    }
    case 'union:wrapped':
    case 'union:unwrapped': {
      const what = `union ${at}`;
      const branches = t.types as avro.Type[];
      const readers = branches.map((b) => compile(b, path, open));
      const prefixes = branches.map((b) => (b.typeName === 'null' ? '' : `{${JSON.stringify(b.branchName)}:`));
      return (input) => {
        const i = input.int(what);
        const read = readers[i];
        if (read === undefined) throw new Error(`${what} has branch index ${i}, but it has ${branches.length} branches`);
        const value = read(input);
        return prefixes[i] === '' ? value : `${prefixes[i]}${value}}`;
      };
    }
    default:
      throw new Error(`Avro type ${t.typeName} is not supported`);
  }
}

/** One scratch buffer for floats and doubles, so that reading a value allocates no DataView. */
const scratch = new Uint8Array(8);
const scratchView = new DataView(scratch.buffer);

/** A little-endian float (4 bytes) or double (8) at the input's position; the caller moves past it. */
function readFloat(input: Input, size: 4 | 8): number {
  for (let k = 0; k < size; k++) scratch[k] = input.bytes[input.pos + k];
  return size === 4 ? scratchView.getFloat32(0, true) : scratchView.getFloat64(0, true);
}

/** A length-prefixed UTF-8 string as a JSON string; plain ASCII (most field values) without escaping it. */
function jsonText(input: Input, what: string): string {
  const n = length(input, what);
  input.need(n, what);
  const b = input.bytes;
  const start = input.pos;
  const end = start + n;
  input.pos = end;
  for (let i = start; i < end; i++) {
    const c = b[i];
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return JSON.stringify(utf8Slice.call(b, start, end));
  }
  return `"${latin1Slice.call(b, start, end)}"`;
}

// Buffer's own slicers take any Uint8Array and are much quicker than a TextDecoder on short strings.
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice(this: Uint8Array, start: number, end: number): string }).latin1Slice;
const utf8Slice = (Buffer.prototype as unknown as { utf8Slice(this: Uint8Array, start: number, end: number): string }).utf8Slice;

/** The fields avsc's Type subclasses carry, looked at by type name (avsc's typings declare them per subclass). */
type AnyType = avro.Type & { typeName: string; size?: number; symbols?: string[]; itemsType?: avro.Type; valuesType?: avro.Type; fields?: avro.types.Field[]; types?: avro.Type[] };

function length(input: Input, what: string): number {
  const start = input.pos;
  const n = input.int(`${what} length`);
  if (n < 0) throw new Error(`${what} at byte ${start} has a negative length ${n}`);
  return n;
}

/** Avro's blocks: counts until a zero; a negative count is followed by the block's size in bytes. */
function readBlocks(input: Input, least: number, what: string, readItem: () => void): void {
  for (;;) {
    const start = input.pos;
    let count = input.int(`${what} block count`);
    if (count === 0) return;
    if (count < 0) {
      count = -count;
      input.varint(`${what} block size`);
    }
    if (least > 0 ? count * least > input.left : count > MAX_EMPTY_ITEMS) {
      throw new Error(`${what} at byte ${start} claims ${count} items, more than the ${input.left} byte(s) left can hold`);
    }
    for (let i = 0; i < count; i++) readItem();
  }
}

/** The fewest bytes a value of the type takes, to check block counts before believing them. */
function minimumSize(type: avro.Type): number {
  const t = type as AnyType;
  switch (t.typeName) {
    case 'null':
      return 0;
    case 'float':
      return 4;
    case 'double':
      return 8;
    case 'fixed':
      return t.size as number;
    case 'record':
    case 'error':
      // A record holds itself only through a union or a collection, counted as one byte: the sum ends.
      return (t.fields as avro.types.Field[]).reduce((sum, f) => sum + minimumSize(f.type), 0);
    default:
      return 1;
  }
}

function jsonNumber(v: number): string {
  // Jackson, as Avro's JSON encoder configures it, quotes the non-finite doubles.
  return Number.isFinite(v) ? String(v) : `"${String(v)}"`;
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return JSON.stringify(s);
}
