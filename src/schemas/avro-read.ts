/**
 * Reads Avro's binary encoding straight into Avro's JSON encoding, the text Confluent's kafka-avro-console-consumer
 * prints: a union as {"<branch>": value} (null bare), bytes and fixed as strings of ISO-8859-1 characters, longs with
 * all their digits. avsc only parses the schema: its decoder would round longs beyond 2^53, and on a garbled payload
 * it trusts a block count of billions (allocating or looping for as long), where this reader checks every count and
 * length against the bytes left and names the place it went wrong. Each schema is compiled once into a tree of
 * writers, with the field names' JSON and the error messages' paths worked out then rather than per value, and a
 * value's JSON is written as bytes into one buffer reused by every decode, made a string once at the end: the
 * consumer panel decodes tens of thousands of records a second through it, and this keeps its garbage to that string
 * (in a busy heap, building the text by concatenation cost twice the time, most of it collecting garbage).
 */
import type * as avro from 'avsc';
import { shortestFloat32 } from './float32';

/** The longest run of zero-byte items (arrays of null, empty records) a block may claim: more is a garbled count. */
const MAX_EMPTY_ITEMS = 1_000_000;

type Writer = (input: Input) => void;

/** One compiled writer per schema (avsc's Type objects stay the same for a schema id's codec). */
const compiled = new WeakMap<avro.Type, Writer>();

export function avroToJson(type: avro.Type, bytes: Uint8Array): string {
  let writer = compiled.get(type);
  if (writer === undefined) compiled.set(type, (writer = compile(type, '', new Map())));
  const input = new Input(bytes);
  out.pos = 0;
  writer(input);
  if (input.pos !== bytes.length) throw new Error(`${bytes.length - input.pos} byte(s) left over after the value ended at byte ${input.pos}`);
  const json = out.text();
  // A very large value grew the buffer: it is not kept that large for the next ones.
  if (out.buf.length > KEPT_BUFFER_BYTES) out.buf = Buffer.allocUnsafe(KEPT_BUFFER_BYTES);
  return json;
}

const KEPT_BUFFER_BYTES = 1 << 20;

/** The JSON being written: decoding is synchronous, so one buffer serves every decode. */
class Output {
  buf = Buffer.allocUnsafe(64 * 1024);
  pos = 0;

  room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  byte(c: number): void {
    this.room(1);
    this.buf[this.pos++] = c;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Copies input bytes start..end (checked to be plain ASCII). */
  range(b: Uint8Array, start: number, end: number): void {
    this.room(end - start);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = start; i < end; i++) buf[pos++] = b[i];
    this.pos = pos;
  }

  string(s: string): void {
    this.room(s.length * 3);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /** A safe integer's digits, without making a string of it. */
  integer(v: number): void {
    if (v < 0) {
      this.byte(0x2d);
      v = -v;
    }
    if (v < 10) {
      this.byte(0x30 + v);
      return;
    }
    this.room(16);
    let digits = 1;
    for (let x = v; x >= 10; x = Math.floor(x / 10)) digits++;
    const buf = this.buf;
    let at = this.pos + digits;
    this.pos = at;
    do {
      buf[--at] = 0x30 + (v % 10);
      v = Math.floor(v / 10);
    } while (v > 0);
  }

  text(): string {
    return this.buf.toString('utf8', 0, this.pos);
  }
}

const out = new Output();
const utf8Bytes = (s: string): Buffer => Buffer.from(s, 'utf8');
const NULL = utf8Bytes('null');
const TRUE = utf8Bytes('true');
const FALSE = utf8Bytes('false');
const EMPTY_OBJECT = utf8Bytes('{}');

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
 * The writer of a type at a path (for the error messages). `open` holds the records being compiled: a record that
 * holds itself (through a union or a collection) writes its inner values with the outer record's writer.
 */
function compile(type: avro.Type, path: string, open: Map<avro.Type, Writer>): Writer {
  const t = type as AnyType;
  const at = path || '/';
  switch (t.typeName) {
    case 'null':
      return () => out.bytes(NULL);
    case 'boolean': {
      const what = `boolean ${at}`;
      return (input) => {
        const b = input.take(1, what)[0];
        if (b > 1) throw new Error(`${what} at byte ${input.pos - 1} is ${b}, not 0 or 1`);
        out.bytes(b === 1 ? TRUE : FALSE);
      };
    }
    case 'int': {
      const what = `int ${at}`;
      return (input) => out.integer(input.int(what));
    }
    case 'long': {
      const what = `long ${at}`;
      return (input) => {
        const v = input.varint(what);
        if (typeof v === 'number') out.integer(v);
        else out.string(String(v));
      };
    }
    case 'float': {
      const what = `float ${at}`;
      return (input) => {
        input.need(4, what);
        const v = readFloat(input, 4);
        input.pos += 4;
        out.string(jsonNumber(shortestFloat32(v)));
      };
    }
    case 'double': {
      const what = `double ${at}`;
      return (input) => {
        input.need(8, what);
        const v = readFloat(input, 8);
        input.pos += 8;
        out.string(jsonNumber(v));
      };
    }
    case 'string': {
      const what = `string ${at}`;
      return (input) => jsonText(input, what);
    }
    case 'bytes': {
      const what = `bytes ${at}`;
      return (input) => out.string(latin1(input.take(length(input, what), what)));
    }
    case 'fixed': {
      const what = `fixed ${at}`;
      const size = t.size as number;
      return (input) => out.string(latin1(input.take(size, what)));
    }
    case 'enum': {
      const what = `enum ${at}`;
      const symbols = (t.symbols as string[]).map((x) => utf8Bytes(JSON.stringify(x)));
      return (input) => {
        const i = input.int(what);
        if (i < 0 || i >= symbols.length) throw new Error(`${what} has symbol index ${i}, but ${t.name} has ${symbols.length} symbols`);
        out.bytes(symbols[i]);
      };
    }
    case 'array': {
      const what = `array ${at}`;
      const itemType = t.itemsType as avro.Type;
      const item = compile(itemType, `${path}/*`, open);
      const least = minimumSize(itemType);
      return (input) => {
        out.byte(0x5b);
        let first = true;
        readBlocks(input, least, what, () => {
          if (!first) out.byte(0x2c);
          first = false;
          item(input);
        });
        out.byte(0x5d);
      };
    }
    case 'map': {
      const what = `map ${at}`;
      const keyWhat = `map key ${at}`;
      const valuesType = t.valuesType as avro.Type;
      const value = compile(valuesType, `${path}/*`, open);
      const least = minimumSize(valuesType);
      return (input) => {
        out.byte(0x7b);
        let first = true;
        readBlocks(input, least, what, () => {
          if (!first) out.byte(0x2c);
          first = false;
          jsonText(input, keyWhat);
          out.byte(0x3a);
          value(input);
        });
        out.byte(0x7d);
      };
    }
    case 'record':
    case 'error': {
      const inside = open.get(type);
      if (inside) return (input) => inside(input);
      let self: Writer = () => undefined;
      open.set(type, (input) => self(input));
      const fields = t.fields as avro.types.Field[];
      // `{"a":` then `,"b":`...: each field's JSON name with its separator, made once.
      const prefixes = fields.map((f, i) => utf8Bytes(`${i === 0 ? '{' : ','}${JSON.stringify(f.name)}:`));
      const writers = fields.map((f) => compile(f.type, `${path}/${f.name}`, open));
      open.delete(type);
      self = (input) => {
        if (writers.length === 0) return out.bytes(EMPTY_OBJECT);
        for (let i = 0; i < writers.length; i++) {
          out.bytes(prefixes[i]);
          writers[i](input);
        }
        out.byte(0x7d);
      };
      return self;
    }
    case 'union:wrapped':
    case 'union:unwrapped': {
      const what = `union ${at}`;
      const branches = t.types as avro.Type[];
      const writers = branches.map((b) => compile(b, path, open));
      const prefixes = branches.map((b) => (b.typeName === 'null' ? undefined : utf8Bytes(`{${JSON.stringify(b.branchName)}:`)));
      return (input) => {
        const i = input.int(what);
        const write = writers[i];
        if (write === undefined) throw new Error(`${what} has branch index ${i}, but it has ${branches.length} branches`);
        const prefix = prefixes[i];
        if (prefix === undefined) return write(input);
        out.bytes(prefix);
        write(input);
        out.byte(0x7d);
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

/** A length-prefixed UTF-8 string written as a JSON string; plain ASCII (most field values) copied as it is. */
function jsonText(input: Input, what: string): void {
  const n = length(input, what);
  input.need(n, what);
  const b = input.bytes;
  const start = input.pos;
  const end = start + n;
  input.pos = end;
  for (let i = start; i < end; i++) {
    const c = b[i];
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) {
      out.string(JSON.stringify(utf8Slice.call(b, start, end)));
      return;
    }
  }
  out.byte(0x22);
  out.range(b, start, end);
  out.byte(0x22);
}

// Buffer's UTF-8 slicer takes any Uint8Array and is much quicker than a TextDecoder on short strings.
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
