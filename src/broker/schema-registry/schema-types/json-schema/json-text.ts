/**
 * JSON text as Confluent's registry reads and writes it. Confluent keeps a JSON Schema as a Jackson tree and stores
 * `writeValueAsString(tree)`: compact, keys in the order given, floats kept as exact BigDecimals (so `1.0` stays
 * `1.0`, which JSON.parse would turn into `1`). This reader keeps every number's own text for that reason, and the
 * writer prints strings and numbers the way Jackson does.
 */

export type JsonNode = JsonObjectNode | JsonArrayNode | JsonStringNode | JsonNumberNode | JsonBooleanNode | JsonNullNode;

export interface JsonObjectNode {
  readonly kind: 'object';
  /** Insertion order; a repeated key keeps its first place and its last value, as Jackson's ObjectNode does. */
  readonly members: Map<string, JsonNode>;
}
interface JsonArrayNode {
  readonly kind: 'array';
  readonly items: JsonNode[];
}
interface JsonStringNode {
  readonly kind: 'string';
  readonly value: string;
}
export interface JsonNumberNode {
  readonly kind: 'number';
  /** As Jackson prints it: an integer's digits, or a float's Java `BigDecimal.toString()`. */
  readonly text: string;
  readonly value: number;
}
interface JsonBooleanNode {
  readonly kind: 'boolean';
  readonly value: boolean;
}
interface JsonNullNode {
  readonly kind: 'null';
}

/** Jackson's default nesting limit (StreamReadConstraints): deeper documents are refused rather than overflow the stack. */
const MAX_DEPTH = 1000;

class JsonSyntaxError extends Error {
  override name = 'JsonSyntaxError';
}

/** Parses one JSON document (RFC 8259, nothing more: no comments, NaN or trailing commas) keeping number texts. */
export function parseJson(text: string): JsonNode {
  const reader = new Reader(text);
  reader.skipSpace();
  const node = reader.value(0);
  reader.skipSpace();
  if (!reader.atEnd()) reader.fail('unexpected content after the JSON value');
  return node;
}

class Reader {
  private pos = 0;

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  fail(reason: string): never {
    const before = this.text.slice(0, this.pos);
    const line = before.split('\n').length;
    const column = this.pos - before.lastIndexOf('\n');
    throw new JsonSyntaxError(`${reason} at line ${line}, column ${column}`);
  }

  skipSpace(): void {
    while (this.pos < this.text.length && ' \t\n\r'.includes(this.text[this.pos])) this.pos++;
  }

  value(depth: number): JsonNode {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
    const c = this.text[this.pos];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return { kind: 'string', value: this.string() };
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    if (this.word('true')) return { kind: 'boolean', value: true };
    if (this.word('false')) return { kind: 'boolean', value: false };
    if (this.word('null')) return { kind: 'null' };
    return this.fail(c === undefined ? 'unexpected end of input' : `unexpected character '${c}'`);
  }

  private word(w: string): boolean {
    if (!this.text.startsWith(w, this.pos)) return false;
    this.pos += w.length;
    return true;
  }

  private expect(c: string): void {
    if (this.text[this.pos] !== c) this.fail(`expected '${c}'`);
    this.pos++;
  }

  private object(depth: number): JsonObjectNode {
    const members = new Map<string, JsonNode>();
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return { kind: 'object', members };
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] !== '"') this.fail('expected a property name in double quotes');
      const key = this.string();
      this.skipSpace();
      this.expect(':');
      this.skipSpace();
      members.set(key, this.value(depth + 1));
      this.skipSpace();
      if (this.text[this.pos] === ',') {
        this.pos++;
        continue;
      }
      this.expect('}');
      return { kind: 'object', members };
    }
  }

  private array(depth: number): JsonArrayNode {
    const items: JsonNode[] = [];
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return { kind: 'array', items };
    }
    for (;;) {
      this.skipSpace();
      items.push(this.value(depth + 1));
      this.skipSpace();
      if (this.text[this.pos] === ',') {
        this.pos++;
        continue;
      }
      this.expect(']');
      return { kind: 'array', items };
    }
  }

  private string(): string {
    this.pos++;
    let out = '';
    for (;;) {
      const c = this.text[this.pos];
      if (c === undefined) this.fail('unterminated string');
      if (c === '"') {
        this.pos++;
        return out;
      }
      if (c.charCodeAt(0) < 0x20) this.fail('unescaped control character in string');
      if (c === '\\') {
        out += this.escape();
        continue;
      }
      out += c;
      this.pos++;
    }
  }

  private escape(): string {
    const c = this.text[this.pos + 1];
    this.pos += 2;
    const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
    if (c !== undefined && c in simple) return simple[c];
    if (c !== 'u') {
      this.pos -= 2;
      this.fail('invalid escape in string');
    }
    const hex = this.text.slice(this.pos, this.pos + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('invalid \\u escape in string');
    this.pos += 4;
    return String.fromCharCode(parseInt(hex, 16));
  }

  private number(): JsonNumberNode {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.text.slice(this.pos));
    if (!match) this.fail('invalid number');
    const source = match[0];
    const next = this.text[this.pos + source.length];
    if (next !== undefined && /[0-9.eE+-]/.test(next)) this.fail('invalid number');
    this.pos += source.length;
    return { kind: 'number', text: jacksonNumberText(source), value: Number(source) };
  }
}

/**
 * How Jackson prints a number it read: an integer token as an int/long/BigInteger (so `-0` is `0`), any token with a
 * fraction or exponent as the exact BigDecimal Confluent's mapper keeps (USE_BIG_DECIMAL_FOR_FLOATS, exact decimals).
 */
function jacksonNumberText(source: string): string {
  if (!/[.eE]/.test(source)) return BigInt(source).toString();
  const { negative, digits, scale } = decimalParts(source);
  return (negative ? '-' : '') + bigDecimalLayout(digits, scale);
}

/** A decimal token as Java's `new BigDecimal(text)` holds it: unscaled digits (no leading zeros) and a scale. */
export function decimalParts(source: string): { negative: boolean; digits: string; scale: number } {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(source);
  if (!m) throw new Error(`not a decimal: ${source}`);
  const fraction = m[3] ?? '';
  const digits = `${m[2]}${fraction}`.replace(/^0+(?=\d)/, '') || '0';
  const scale = fraction.length - Number(m[4] ?? 0);
  return { negative: m[1] === '-' && digits !== '0', digits, scale };
}

/** Java's `BigDecimal.toString()` for a non-negative unscaled value: plain unless the exponent says scientific. */
function bigDecimalLayout(digits: string, scale: number): string {
  if (scale === 0) return digits;
  const adjusted = -scale + (digits.length - 1);
  if (scale > 0 && adjusted >= -6) {
    const pad = scale - digits.length;
    if (pad >= 0) return `0.${'0'.repeat(pad)}${digits}`;
    return `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  }
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${mantissa}E${adjusted > 0 ? '+' : ''}${adjusted}`;
}

/** Jackson's compact output; `sorted` orders every object's keys as Confluent's normalizing mapper (a TreeMap) does. */
export function writeJson(node: JsonNode, sorted = false): string {
  const out: string[] = [];
  write(node, sorted, out);
  return out.join('');
}

function write(node: JsonNode, sorted: boolean, out: string[]): void {
  switch (node.kind) {
    case 'object': {
      const keys = [...node.members.keys()];
      // String.compareTo and JavaScript's default order both compare UTF-16 code units.
      if (sorted) keys.sort();
      out.push('{');
      keys.forEach((key, i) => {
        if (i > 0) out.push(',');
        out.push(quote(key), ':');
        write(node.members.get(key) as JsonNode, sorted, out);
      });
      out.push('}');
      return;
    }
    case 'array':
      out.push('[');
      node.items.forEach((item, i) => {
        if (i > 0) out.push(',');
        write(item, sorted, out);
      });
      out.push(']');
      return;
    case 'string':
      out.push(quote(node.value));
      return;
    case 'number':
      out.push(node.text);
      return;
    case 'boolean':
      out.push(node.value ? 'true' : 'false');
      return;
    case 'null':
      out.push('null');
  }
}

const SHORT_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r' };

/** Jackson escapes only what JSON requires, with upper-case hex; non-ASCII text and `/` are written as they are. */
function quote(s: string): string {
  // eslint-disable-next-line no-control-regex
  const escaped = s.replace(/["\\\u0000-\u001f]/g, (c) => SHORT_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
  return `"${escaped}"`;
}

/** The plain JavaScript value, for ajv. Own properties are defined, so a key such as `__proto__` stays a key. */
export function toPlain(node: JsonNode): unknown {
  switch (node.kind) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, value] of node.members) {
        Object.defineProperty(out, key, { value: toPlain(value), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    case 'array':
      return node.items.map(toPlain);
    case 'null':
      return null;
    default:
      return node.value;
  }
}
