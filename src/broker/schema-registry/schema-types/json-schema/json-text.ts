/**
 * JSON text as Confluent's registry reads and writes it. Confluent keeps a JSON Schema as a Jackson tree and stores
 * `writeValueAsString(tree)`: compact, keys in the order given, floats kept as exact BigDecimals (so `1.0` stays
 * `1.0`, which JSON.parse would turn into `1`). This reader keeps every number's own text for that reason, and the
 * writer prints strings and numbers the way Jackson does. The reader is the registry's shared one (../ordered-json).
 */
import { jsonString, readJson, type JsonDialect, type JsonObject, type OrderedJson } from '../ordered-json';

export type JsonNode = OrderedJson<JsonNumberNode>;
export type JsonObjectNode = JsonObject<JsonNumberNode>;

export interface JsonNumberNode {
  readonly kind: 'number';
  /** As Jackson prints it: an integer's digits, or a float's Java `BigDecimal.toString()`. */
  readonly text: string;
  readonly value: number;
}

class JsonSyntaxError extends Error {
  override name = 'JsonSyntaxError';
}

/** RFC 8259, nothing more: no comments, NaN or trailing commas; nested at most 1000 deep, counting the containers around a value. */
const STRICT_JSON: JsonDialect<JsonNumberNode> = {
  comments: false,
  byteOrderMark: false,
  depth: 'enclosing',
  literals: 'prefix',
  refusedAfterNumber: /[0-9.eE+-]/,
  maxNumberLength: Infinity,
  badEscapeAt: 'backslash',
  messages: {
    expected: (tokens) => `expected '${tokens[tokens.length - 1]}'`,
    unexpected: (token) => `unexpected character '${token}'`,
    propertyName: 'expected a property name in double quotes',
    controlCharacter: 'unescaped control character in string',
    badEscape: 'invalid escape in string',
    badUnicodeEscape: 'invalid \\u escape in string',
    badNumber: 'invalid number',
  },
  number: (source, integer) => ({ kind: 'number', text: jacksonNumberText(source, integer), value: Number(source) }),
  error: (message) => new JsonSyntaxError(message),
};

/** Parses one JSON document keeping key order and number texts. */
export function parseJson(text: string): JsonNode {
  return readJson(text, STRICT_JSON);
}

/**
 * How Jackson prints a number it read: an integer token as an int/long/BigInteger (so `-0` is `0`), any token with a
 * fraction or exponent as the exact BigDecimal Confluent's mapper keeps (USE_BIG_DECIMAL_FOR_FLOATS, exact decimals).
 */
function jacksonNumberText(source: string, integer: boolean): string {
  if (integer) return BigInt(source).toString();
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
        out.push(jsonString(key), ':');
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
      out.push(jsonString(node.value));
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
