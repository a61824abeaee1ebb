/**
 * What a schema file is, from its name and text: its type (AVRO, PROTOBUF, JSON), the record it defines (what the
 * record-name strategies name subjects after), and its text laid out for reading. No vscode import.
 */
import type { SchemaType } from './registry-client';

const EXTENSION_TYPES: Record<string, SchemaType> = { '.avsc': 'AVRO', '.avro': 'AVRO', '.proto': 'PROTOBUF' };

/** Keywords only a JSON Schema has (an Avro schema has none of them). */
const JSON_SCHEMA_KEYS = ['$schema', '$id', '$ref', '$defs', 'definitions', 'properties', 'required', 'allOf', 'anyOf', 'oneOf', 'additionalProperties', 'patternProperties'];
const AVRO_NAMED_TYPES = ['record', 'enum', 'fixed', 'error'];
const AVRO_PRIMITIVES = ['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string'];

function extensionOf(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot).toLowerCase() : '';
}

function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

function looksLikeProtobuf(text: string): boolean {
  return /^\s*syntax\s*=\s*["']proto[23]["']\s*;/m.test(text) || /^\s*(message|enum|service)\s+[A-Za-z_]\w*\s*\{/m.test(text);
}

function jsonSchemaLike(v: unknown): boolean {
  if (typeof v === 'boolean') return true;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  if (JSON_SCHEMA_KEYS.some((k) => k in o) && !('fields' in o) && !('symbols' in o)) return true;
  return o.type === 'object' || o.type === 'integer' || o.type === 'number' || Array.isArray(o.type);
}

function avroLike(v: unknown): boolean {
  if (typeof v === 'string') return AVRO_PRIMITIVES.includes(v);
  if (Array.isArray(v)) return v.length > 0 && v.every(avroLike);
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return (AVRO_NAMED_TYPES.includes(String(o.type)) && typeof o.name === 'string') || Array.isArray(o.fields) || Array.isArray(o.symbols);
}

/**
 * The schema type a file holds, or undefined when it cannot be told (the user is asked then). `.avsc`/`.avro` are
 * Avro and `.proto` Protobuf whatever they hold; otherwise the text decides: a JSON Schema's keywords, an Avro
 * record, enum, fixed or union, Protobuf's syntax line or a message. A JSON document that is neither (`{"type":
 * "string"}` is both) is not guessed.
 */
export function inferSchemaType(fileName: string | undefined, text: string): SchemaType | undefined {
  const byExtension = fileName ? EXTENSION_TYPES[extensionOf(fileName)] : undefined;
  if (byExtension) return byExtension;
  const json = parseJson(text);
  if (!json) return looksLikeProtobuf(text) ? 'PROTOBUF' : undefined;
  if (jsonSchemaLike(json.value)) return 'JSON';
  if (avroLike(json.value)) return 'AVRO';
  return undefined;
}

/**
 * The full name of the record a schema defines, as Confluent's record-name strategies take it: an Avro named type's
 * namespace and name, a Protobuf file's package and first message, a JSON Schema's title. Undefined when it has none.
 */
export function recordFullName(type: SchemaType, text: string): string | undefined {
  if (type === 'PROTOBUF') {
    const message = /^\s*message\s+([A-Za-z_]\w*)/m.exec(text)?.[1];
    if (!message) return undefined;
    const pkg = /^\s*package\s+([\w.]+)\s*;/m.exec(text)?.[1];
    return pkg ? `${pkg}.${message}` : message;
  }
  const json = parseJson(text)?.value;
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const o = json as Record<string, unknown>;
  if (type === 'JSON') return typeof o.title === 'string' && o.title ? o.title : undefined;
  if (typeof o.name !== 'string' || !o.name) return undefined;
  if (o.name.includes('.') || typeof o.namespace !== 'string' || !o.namespace) return o.name;
  return `${o.namespace}.${o.name}`;
}

/** A subject named after a file: its name without the extension (`orders-value.avsc` → `orders-value`). */
export function subjectFromFileName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const ext = extensionOf(base);
  return ext ? base.slice(0, -ext.length) : base;
}

/**
 * A schema laid out for reading: Avro and JSON Schema text (the registry keeps it compact) indented two spaces per
 * level, every token kept as written (numbers such as 1.0 and big integers stay as they were, which a round trip
 * through JSON.parse would change). Protobuf, and text that is not JSON, as it is.
 */
export function prettySchema(type: SchemaType, text: string): string {
  if (type === 'PROTOBUF' || !parseJson(text)) return text.endsWith('\n') ? text : `${text}\n`;
  let out = '';
  let depth = 0;
  const newline = () => `\n${'  '.repeat(depth)}`;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
    } else if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      let j = i + 1;
      while (/\s/.test(text[j] ?? '')) j++;
      if (text[j] === close) {
        out += c + close;
        i = j;
      } else {
        depth++;
        out += c + newline();
      }
    } else if (c === '}' || c === ']') {
      depth--;
      out += newline() + c;
    } else if (c === ',') out += `,${newline()}`;
    else if (c === ':') out += ': ';
    else if (!/\s/.test(c)) out += c;
  }
  return `${out}\n`;
}
