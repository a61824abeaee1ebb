/**
 * The Avro schema language, as Confluent's schema registry (7.x, on Java Avro 1.11) handles it: which schemas it
 * accepts, the text it stores for them (Java Avro's `Schema.toString()`, printed with Jackson), the text it stores when
 * asked to normalize, and the messages of its backward compatibility check (Avro's `SchemaCompatibility`, worded by
 * Confluent's `Difference`).
 *
 * The schema is read with the registry's own JSON reader (./ordered-json) rather than JSON.parse because the printed
 * text depends on what Jackson keeps and JSON.parse loses: whether a number was written as an integer (`1`) or not
 * (`1.0`, printed back as Java's `Double.toString` does), integers beyond 2^53, and the position of a key that appears
 * twice. avsc is not used: it refuses schemas Java Avro accepts (names with non-ASCII letters, an enum default outside
 * the symbols), so it cannot be the judge of what Confluent would register.
 */
import { InvalidSchemaError, ParsedSchema, ResolvedReference, SchemaProvider } from '../schema-provider';
import { jsonString, readFirstJsonValue, type JsonDialect, type OrderedJson } from './ordered-json';

// ---------------------------------------------------------------------------------------------------------------------
// JSON, as Jackson reads and writes it
// ---------------------------------------------------------------------------------------------------------------------

/** A number as a Jackson tree holds it. `float` only arises in normalization, where Avro turns a default into a Java float. */
type JsonNumber =
  | { readonly kind: 'integer'; readonly value: bigint }
  | { readonly kind: 'double'; readonly value: number }
  | { readonly kind: 'float'; readonly value: number };
/** A JSON value as a Jackson tree holds it. */
type JsonNode = OrderedJson<JsonNumber>;

const JSON_NULL: JsonNode = { kind: 'null' };
const INT_MIN = -(2n ** 31n);
const INT_MAX = 2n ** 31n - 1n;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

const fitsInt = (v: bigint): boolean => v >= INT_MIN && v <= INT_MAX;
const fitsLong = (v: bigint): boolean => v >= LONG_MIN && v <= LONG_MAX;

function invalid(message: string): InvalidSchemaError {
  return new InvalidSchemaError(message);
}

/**
 * JSON the way Avro's Jackson parser is configured: comments allowed (Avro enables ALLOW_COMMENTS), Jackson's default
 * stream limits (2.15 and later: nesting depth and the length of one number) and its messages, in substance. Only the
 * first value is read (ObjectMapper.readTree on a parser does not look past it, so Confluent ignores text after the
 * schema).
 */
const AVRO_JSON: JsonDialect<JsonNumber> = {
  comments: true,
  byteOrderMark: true,
  depth: 'opening',
  literals: 'word',
  refusedAfterNumber: /[0-9.eE]/,
  maxNumberLength: 1000,
  badEscapeAt: 'after',
  messages: {
    expected: (tokens, atEnd) => (atEnd ? 'unexpected end of input' : `expected '${tokens[0]}'`),
    unexpected: (token) => `unexpected token '${token}'`,
    propertyName: 'expected a double-quoted field name',
    controlCharacter: 'unescaped control character in a string',
    badEscape: 'unrecognized character escape',
    badUnicodeEscape: 'bad \\u escape',
    badNumber: 'malformed number',
  },
  number: (source, integer) => (integer ? { kind: 'integer', value: BigInt(source) } : { kind: 'double', value: Number(source) }),
  error: (message) => invalid(`Invalid JSON: ${message}`),
};

/** A JSON tree as Jackson writes it, compact. */
function writeJson(node: JsonNode): string {
  switch (node.kind) {
    case 'null':
      return 'null';
    case 'boolean':
      return String(node.value);
    case 'integer':
      return node.value.toString();
    case 'double':
      return Number.isFinite(node.value) ? javaDouble(node.value) : jsonString(javaDouble(node.value));
    case 'float':
      return Number.isFinite(node.value) ? javaFloat(node.value) : jsonString(javaDouble(node.value));
    case 'string':
      return jsonString(node.value);
    case 'array':
      return `[${node.items.map(writeJson).join(',')}]`;
    case 'object':
      return `{${[...node.members].map(([k, v]) => `${jsonString(k)}:${writeJson(v)}`).join(',')}}`;
  }
}

/** Java's Double.toString: the shortest digits that read back as the value, in plain or E notation by magnitude. */
function javaDouble(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  return javaDecimal(value, value.toExponential());
}

/** Java's Float.toString: as Double's, with the fewest digits that read back as the same float. */
function javaFloat(value: number): string {
  for (let precision = 1; precision < 10; precision++) {
    const candidate = Number(value.toPrecision(precision));
    if (Math.fround(candidate) === value) return javaDecimal(value, candidate.toExponential());
  }
  return javaDecimal(value, value.toExponential());
}

function javaDecimal(value: number, exponential: string): string {
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const [, sign, first, rest, exp] = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(exponential) ?? [];
  const digits = `${first}${rest ?? ''}`;
  const exponent = Number(exp);
  const magnitude = Math.abs(value);
  if (magnitude < 1e-3 || magnitude >= 1e7) return `${sign}${first}.${rest ?? '0'}E${exponent}`;
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  return `${sign}${whole}.${digits.slice(exponent + 1) || '0'}`;
}

/** Java's Double.valueOf for a default written as a string: trimmed, optional sign, NaN, Infinity or a decimal with an optional type suffix. */
function javaParseDouble(text: string): number | undefined {
  const trimmed = text.replace(/^[\0- ]+|[\0- ]+$/g, '');
  const match = /^([+-]?)(?:(NaN)|(Infinity)|((?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)[fFdD]?)$/.exec(trimmed);
  if (!match) return undefined;
  const magnitude = match[2] ? NaN : match[3] ? Infinity : Number(match[4]);
  return match[1] === '-' ? -magnitude : magnitude;
}

const member = (node: JsonNode | undefined, key: string): JsonNode | undefined => (node?.kind === 'object' ? node.members.get(key) : undefined);
const textOf = (node: JsonNode | undefined): string | undefined => (node?.kind === 'string' ? node.value : undefined);

// ---------------------------------------------------------------------------------------------------------------------
// The schema model: what Java Avro's Schema objects hold
// ---------------------------------------------------------------------------------------------------------------------

type PrimitiveName = 'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'bytes' | 'string';
const PRIMITIVE_NAMES: ReadonlySet<string> = new Set<PrimitiveName>(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);
const isPrimitiveName = (s: string): s is PrimitiveName => PRIMITIVE_NAMES.has(s);

interface AvroName {
  readonly short: string;
  readonly space: string | undefined;
  readonly full: string;
}

/** Properties other than the ones Avro reserves, in the order they were written (Avro's JsonProperties keeps it). */
type Props = Map<string, JsonNode>;

interface PrimitiveSchema {
  readonly type: PrimitiveName;
  readonly props: Props;
}
interface NamedParts {
  readonly name: AvroName;
  readonly doc: string | undefined;
  readonly props: Props;
  readonly aliases: AvroName[];
}
interface RecordSchema extends NamedParts {
  readonly type: 'record';
  readonly isError: boolean;
  readonly fields: AvroField[];
}
interface EnumSchema extends NamedParts {
  readonly type: 'enum';
  readonly symbols: readonly string[];
  readonly enumDefault: string | undefined;
}
interface FixedSchema extends NamedParts {
  readonly type: 'fixed';
  readonly size: number;
}
interface ArraySchema {
  readonly type: 'array';
  readonly items: AvroSchema;
  readonly props: Props;
}
interface MapSchema {
  readonly type: 'map';
  readonly values: AvroSchema;
  readonly props: Props;
}
interface UnionSchema {
  readonly type: 'union';
  readonly branches: readonly AvroSchema[];
}
type NamedSchema = RecordSchema | EnumSchema | FixedSchema;
type AvroSchema = PrimitiveSchema | NamedSchema | ArraySchema | MapSchema | UnionSchema;

type FieldOrder = 'ascending' | 'descending' | 'ignore';
interface AvroField {
  readonly name: string;
  readonly pos: number;
  readonly schema: AvroSchema;
  readonly doc: string | undefined;
  readonly defaultValue: JsonNode | undefined;
  readonly order: FieldOrder;
  /** As written: field aliases are plain strings in Avro, not names within a namespace. */
  readonly aliases: readonly string[];
  readonly props: Props;
}

const isNamed = (s: AvroSchema): s is NamedSchema => s.type === 'record' || s.type === 'enum' || s.type === 'fixed';
const propsOf = (s: AvroSchema): ReadonlyMap<string, JsonNode> => (s.type === 'union' ? new Map() : s.props);
/** Java's Schema.Type names, which Avro's compatibility messages use. */
const typeName = (s: AvroSchema): string => s.type.toUpperCase();

// ---------------------------------------------------------------------------------------------------------------------
// Parsing, as Java Avro's Schema.Parser does it
// ---------------------------------------------------------------------------------------------------------------------

const SCHEMA_RESERVED: ReadonlySet<string> = new Set(['doc', 'fields', 'items', 'name', 'namespace', 'size', 'symbols', 'values', 'type', 'aliases']);
const ENUM_RESERVED: ReadonlySet<string> = new Set([...SCHEMA_RESERVED, 'default']);
const FIELD_RESERVED: ReadonlySet<string> = new Set(['default', 'doc', 'name', 'order', 'type', 'aliases']);
// Java's Character.isLetter / isLetterOrDigit, one UTF-16 unit at a time as Avro checks them.
const NAME_START = /^[\p{L}_]$/u;
const NAME_PART = /^[\p{L}\p{Nd}_]$/u;

function validateName(name: string | undefined): string {
  if (name === undefined) throw invalid('Null name');
  if (name.length === 0) throw invalid('Empty name');
  if (!NAME_START.test(name.charAt(0))) throw invalid(`Illegal initial character: ${name}`);
  for (let i = 1; i < name.length; i++) if (!NAME_PART.test(name.charAt(i))) throw invalid(`Illegal character in: ${name}`);
  return name;
}

/** A name as Avro's Schema.Name makes one: a dotted name carries its own namespace, an empty namespace is none. */
function makeName(name: string, space: string | undefined): AvroName {
  const dot = name.lastIndexOf('.');
  const short = validateName(dot < 0 ? name : name.slice(dot + 1));
  const ns = dot < 0 ? space : name.slice(0, dot);
  const effective = ns === '' ? undefined : ns;
  return { short, space: effective, full: effective === undefined ? short : `${effective}.${short}` };
}

/** Whether `value` may be the default of a field of `schema`, by Avro's rules (a union's default is its first branch's). */
function isValidDefault(schema: AvroSchema, value: JsonNode): boolean {
  switch (schema.type) {
    case 'string':
    case 'bytes':
    case 'enum':
    case 'fixed':
      return value.kind === 'string';
    case 'int':
      return value.kind === 'integer' && fitsInt(value.value);
    case 'long':
      return value.kind === 'integer' && fitsLong(value.value);
    case 'float':
    case 'double':
      return value.kind === 'integer' || value.kind === 'double' || value.kind === 'float';
    case 'boolean':
      return value.kind === 'boolean';
    case 'null':
      return value.kind === 'null';
    case 'array':
      return value.kind === 'array' && value.items.every((item) => isValidDefault(schema.items, item));
    case 'map':
      return value.kind === 'object' && [...value.members.values()].every((v) => isValidDefault(schema.values, v));
    case 'union':
      return schema.branches.length > 0 && isValidDefault(schema.branches[0], value);
    case 'record':
      return value.kind === 'object' && schema.fields.every((f) => isValidRecordDefaultField(f, value.members.get(f.name)));
  }
}

function isValidRecordDefaultField(field: AvroField, given: JsonNode | undefined): boolean {
  const value = given ?? field.defaultValue;
  return value !== undefined && isValidDefault(field.schema, value);
}

/** Parses schemas into one set of names, as one Schema.Parser does: references first, then the schema that uses them. */
class SchemaParser {
  private readonly names = new Map<string, NamedSchema>();
  private space: string | undefined;

  parseText(text: string): AvroSchema {
    const node = readFirstJsonValue(text, AVRO_JSON);
    if (node === undefined) throw invalid('The schema is empty');
    return this.parse(node);
  }

  private parse(node: JsonNode): AvroSchema {
    switch (node.kind) {
      case 'string': {
        const found = this.lookup(node.value);
        if (found === undefined) throw invalid(`Undefined name: ${writeJson(node)}`);
        return found;
      }
      case 'object':
        return this.parseObject(node);
      case 'array':
        return this.parseUnion(node);
      default:
        throw invalid(`Schema not yet supported: ${writeJson(node)}`);
    }
  }

  /** A type named in a string: a primitive, or a named type in the current namespace, or else in none. */
  private lookup(name: string): AvroSchema | undefined {
    if (isPrimitiveName(name)) return { type: name, props: new Map() };
    return this.names.get(makeName(name, this.space).full) ?? this.names.get(makeName(name, undefined).full);
  }

  private parseObject(node: JsonNode): AvroSchema {
    const type = requiredText(node, 'type', 'No type');
    const saved = this.space;
    const named = type === 'record' || type === 'error' || type === 'enum' || type === 'fixed';
    const name = named ? this.declaredName(node) : undefined;
    if (name !== undefined) this.space = name.space;
    const doc = named ? textOf(member(node, 'doc')) : undefined;
    let result: AvroSchema;
    if (isPrimitiveName(type)) result = { type, props: new Map() };
    else if (name !== undefined && (type === 'record' || type === 'error')) result = this.parseRecord(node, name, doc, type === 'error');
    else if (name !== undefined && type === 'enum') result = this.parseEnum(node, name, doc);
    else if (name !== undefined && type === 'fixed') result = this.parseFixed(node, name, doc);
    else if (type === 'array') result = { type, items: this.parse(required(node, 'items', 'Array has no items type')), props: new Map() };
    else if (type === 'map') result = { type, values: this.parse(required(node, 'values', 'Map has no values type')), props: new Map() };
    else return this.namedInObject(type);
    addProps(result, node, type === 'enum' ? ENUM_RESERVED : SCHEMA_RESERVED);
    this.space = saved;
    if (isNamed(result)) addAliases(result, node);
    return result;
  }

  private declaredName(node: JsonNode): AvroName {
    const space = textOf(member(node, 'namespace')) ?? this.space;
    return makeName(requiredText(node, 'name', 'No name in schema'), space);
  }

  /** `{"type": "Name"}`: Avro looks the name up in the current namespace only, and ignores the object's other keys. */
  private namedInObject(type: string): AvroSchema {
    const found = this.names.get(makeName(type, this.space).full);
    if (found === undefined) throw invalid(`Type not supported: ${type}`);
    return found;
  }

  private define(schema: NamedSchema): void {
    if (isPrimitiveName(schema.name.full)) throw invalid(`Schemas may not be named after primitives: ${schema.name.full}`);
    if (this.names.has(schema.name.full)) throw invalid(`Can't redefine: ${schema.name.full}`);
    this.names.set(schema.name.full, schema);
  }

  private parseRecord(node: JsonNode, name: AvroName, doc: string | undefined, isError: boolean): RecordSchema {
    const record: RecordSchema = { type: 'record', name, doc, isError, fields: [], props: new Map(), aliases: [] };
    // Defined before its fields are read, so that a field may refer to the record itself.
    this.define(record);
    const fieldsNode = member(node, 'fields');
    if (fieldsNode?.kind !== 'array') throw invalid(`Record has no fields: ${writeJson(node)}`);
    const fields = fieldsNode.items.map((f, pos) => this.parseField(f, pos));
    const byName = new Map<string, AvroField>();
    for (const f of fields) {
      const existing = byName.get(f.name);
      if (existing) throw invalid(`Duplicate field ${f.name} in record ${name.full}: ${describeField(f)} and ${describeField(existing)}.`);
      byName.set(f.name, f);
    }
    record.fields.push(...fields);
    return record;
  }

  private parseField(node: JsonNode, pos: number): AvroField {
    const name = requiredText(node, 'name', 'No field name');
    const doc = textOf(member(node, 'doc'));
    const typeNode = member(node, 'type');
    if (typeNode === undefined) throw invalid(`No field type: ${writeJson(node)}`);
    if (typeNode.kind === 'string' && this.lookup(typeNode.value) === undefined) {
      throw invalid(`${writeJson(typeNode)} is not a defined name. The type of the "${name}" field must be a defined name or a {"type": ...} expression.`);
    }
    const schema = this.parse(typeNode);
    const order = parseOrder(member(node, 'order'));
    const defaultValue = fieldDefault(name, schema, member(node, 'default'));
    validateName(name);
    // Confluent turns default validation on for every schema it is asked to register (AvroSchema's isNew, the parser's
    // validateDefaults), in 7.x and 8.x alike; it is off only when re-reading schemas it already stores. Every schema
    // this registry stores was validated on the way in, so it is always on here.
    if (defaultValue !== undefined && !isValidDefault(schema, defaultValue)) {
      throw invalid(`Invalid default for field ${name}: ${writeJson(defaultValue)} not a ${standalone(schema)}`);
    }
    const props: Props = new Map();
    if (node.kind === 'object') for (const [k, v] of node.members) if (!FIELD_RESERVED.has(k)) props.set(k, v);
    return { name, pos, schema, doc, defaultValue, order, aliases: [...new Set(parseAliases(node))], props };
  }

  private parseEnum(node: JsonNode, name: AvroName, doc: string | undefined): EnumSchema {
    const symbolsNode = member(node, 'symbols');
    if (symbolsNode?.kind !== 'array') throw invalid(`Enum has no symbols: ${writeJson(node)}`);
    const symbols = symbolsNode.items.map((n) => textOf(n));
    const enumDefault = textOf(member(node, 'default'));
    const seen = new Set<string>();
    for (const symbol of symbols) {
      const valid = validateName(symbol);
      if (seen.has(valid)) throw invalid(`Duplicate enum symbol: ${valid}`);
      seen.add(valid);
    }
    if (enumDefault !== undefined && !seen.has(enumDefault)) {
      throw invalid(`The Enum Default: ${enumDefault} is not in the enum symbol set: [${[...seen].join(', ')}]`);
    }
    const result: EnumSchema = { type: 'enum', name, doc, symbols: [...seen], enumDefault, props: new Map(), aliases: [] };
    this.define(result);
    return result;
  }

  private parseFixed(node: JsonNode, name: AvroName, doc: string | undefined): FixedSchema {
    const sizeNode = member(node, 'size');
    if (sizeNode?.kind !== 'integer' || !fitsInt(sizeNode.value)) throw invalid(`Invalid or no size: ${writeJson(node)}`);
    if (sizeNode.value < 0n) throw invalid(`Invalid fixed size: ${sizeNode.value}`);
    const result: FixedSchema = { type: 'fixed', name, doc, size: Number(sizeNode.value), props: new Map(), aliases: [] };
    this.define(result);
    return result;
  }

  private parseUnion(node: JsonNode & { kind: 'array' }): UnionSchema {
    const branches = node.items.map((item) => this.parse(item));
    const seen = new Set<string>();
    for (const branch of branches) {
      if (branch.type === 'union') throw invalid(`Nested union: ${writeJson(node)}`);
      const key = isNamed(branch) ? branch.name.full : branch.type;
      if (seen.has(key)) throw invalid(`Duplicate in union:${key}`);
      seen.add(key);
    }
    return { type: 'union', branches };
  }
}

function required(node: JsonNode, key: string, error: string): JsonNode {
  const value = member(node, key);
  if (value === undefined) throw invalid(`${error}: ${writeJson(node)}`);
  return value;
}

function requiredText(node: JsonNode, key: string, error: string): string {
  const value = textOf(member(node, key));
  if (value === undefined) throw invalid(`${error}: ${writeJson(node)}`);
  return value;
}

function parseOrder(node: JsonNode | undefined): FieldOrder {
  if (node === undefined) return 'ascending';
  const order = textOf(node)?.toUpperCase();
  if (order === 'ASCENDING' || order === 'DESCENDING' || order === 'IGNORE') return order.toLowerCase() as FieldOrder;
  throw invalid(`Invalid field order: ${writeJson(node)}`);
}

/** The default as Avro keeps it: a string default of a float or double field is read as the number it spells. */
function fieldDefault(field: string, schema: AvroSchema, node: JsonNode | undefined): JsonNode | undefined {
  if (node?.kind !== 'string' || (schema.type !== 'float' && schema.type !== 'double')) return node;
  const value = javaParseDouble(node.value);
  if (value === undefined) throw invalid(`Invalid default for field ${field}: ${writeJson(node)} is not a number`);
  return { kind: 'double', value };
}

function parseAliases(node: JsonNode): string[] {
  const aliases = member(node, 'aliases');
  if (aliases === undefined) return [];
  if (aliases.kind !== 'array') throw invalid(`aliases not an array: ${writeJson(node)}`);
  return aliases.items.map((a) => {
    if (a.kind !== 'string') throw invalid(`alias not a string: ${writeJson(a)}`);
    return a.value;
  });
}

function addProps(schema: AvroSchema, node: JsonNode, reserved: ReadonlySet<string>): void {
  if (schema.type === 'union' || node.kind !== 'object') return;
  for (const [k, v] of node.members) if (!reserved.has(k)) schema.props.set(k, v);
}

/** A named type's aliases are names in its own namespace unless dotted; a repeated one counts once. */
function addAliases(schema: NamedSchema, node: JsonNode): void {
  for (const alias of parseAliases(node)) {
    const name = makeName(alias, schema.name.space);
    if (!schema.aliases.some((a) => a.full === name.full)) schema.aliases.push(name);
  }
}

/** Java's Field.toString, which Avro puts in some of its messages. */
const describeField = (f: AvroField): string => `${f.name} type:${typeName(f.schema)} pos:${f.pos}`;

// ---------------------------------------------------------------------------------------------------------------------
// Printing, as Java Avro's Schema.toString does it
// ---------------------------------------------------------------------------------------------------------------------

/**
 * Writes a schema as `Schema.toString` does: a named type in full where it first appears and by name after that (or
 * always by name when it is a referenced schema's type), names relative to the enclosing namespace.
 */
class CanonicalWriter {
  private readonly written: Map<string, NamedSchema>;
  private space: string | undefined;

  constructor(known: ReadonlyMap<string, NamedSchema>) {
    this.written = new Map(known);
  }

  write(schema: AvroSchema): string {
    switch (schema.type) {
      case 'record':
        return this.record(schema);
      case 'enum':
        return this.named(schema, () => [
          ...optional('doc', schema.doc),
          `"symbols":[${schema.symbols.map(jsonString).join(',')}]`,
          ...optional('default', schema.enumDefault),
        ]);
      case 'fixed':
        return this.named(schema, () => [...optional('doc', schema.doc), `"size":${schema.size}`]);
      case 'array':
        return `{"type":"array","items":${this.write(schema.items)}${propsText(schema.props)}}`;
      case 'map':
        return `{"type":"map","values":${this.write(schema.values)}${propsText(schema.props)}}`;
      case 'union':
        return `[${schema.branches.map((b) => this.write(b)).join(',')}]`;
      default:
        return schema.props.size === 0 ? jsonString(schema.type) : `{"type":${jsonString(schema.type)}${propsText(schema.props)}}`;
    }
  }

  private record(schema: RecordSchema): string {
    return this.named(schema, () => {
      const saved = this.space;
      this.space = schema.name.space;
      const fields = schema.fields.map((f) => this.field(f)).join(',');
      this.space = saved;
      return [...optional('doc', schema.doc), `"fields":[${fields}]`];
    });
  }

  /** type, name, namespace, the type's own keys, props, aliases: or just the name when already written. */
  private named(schema: NamedSchema, body: () => string[]): string {
    const { name } = schema;
    if (this.written.get(name.full) === schema) return jsonString(name.space === undefined || name.space === this.space ? name.short : name.full);
    this.written.set(name.full, schema);
    const type = schema.type === 'record' && schema.isError ? 'error' : schema.type;
    const head = [`"type":${jsonString(type)}`, `"name":${jsonString(name.short)}`, ...this.namespacePart(name)];
    const aliases = schema.aliases.map((a) => jsonString(a.space === undefined || a.space === name.space ? a.short : a.full));
    const tail = aliases.length > 0 ? `,"aliases":[${aliases.join(',')}]` : '';
    return `{${[...head, ...body()].join(',')}${propsText(schema.props)}${tail}}`;
  }

  /** Written when it differs from the enclosing one; an empty one marks a type in no namespace inside one that has. */
  private namespacePart(name: AvroName): string[] {
    if (name.space !== undefined) return name.space === this.space ? [] : [`"namespace":${jsonString(name.space)}`];
    return this.space === undefined ? [] : ['"namespace":""'];
  }

  private field(f: AvroField): string {
    const parts = [`"name":${jsonString(f.name)}`, `"type":${this.write(f.schema)}`, ...optional('doc', f.doc)];
    if (f.defaultValue !== undefined) parts.push(`"default":${writeJson(f.defaultValue)}`);
    if (f.order !== 'ascending') parts.push(`"order":${jsonString(f.order)}`);
    if (f.aliases.length > 0) parts.push(`"aliases":[${f.aliases.map(jsonString).join(',')}]`);
    return `{${parts.join(',')}${propsText(f.props)}}`;
  }
}

const optional = (key: string, value: string | undefined): string[] => (value === undefined ? [] : [`${jsonString(key)}:${jsonString(value)}`]);
const propsText = (props: ReadonlyMap<string, JsonNode>): string => [...props].map(([k, v]) => `,${jsonString(k)}:${writeJson(v)}`).join('');

/** The schema on its own, as Avro prints a fragment in its messages. */
const standalone = (schema: AvroSchema): string => new CanonicalWriter(new Map()).write(schema);

// ---------------------------------------------------------------------------------------------------------------------
// Normalization, as Confluent's AvroSchemaUtils.toNormalizedString does it
// ---------------------------------------------------------------------------------------------------------------------

/** A logical type Java Avro 1.11 recognises and finds valid; Confluent's normalization writes those first. */
interface LogicalType {
  readonly name: string;
  readonly precision?: number;
  readonly scale?: number;
}

const TIME_TYPES: Readonly<Record<string, string>> = {
  date: 'int',
  'time-millis': 'int',
  'time-micros': 'long',
  'timestamp-millis': 'long',
  'timestamp-micros': 'long',
  'local-timestamp-millis': 'long',
  'local-timestamp-micros': 'long',
  uuid: 'string',
};
/** Properties Avro's LogicalType.validate refuses a logical type beside. */
const LOGICAL_TYPE_CONFLICTS = ['avro.java.string', 'java-class', 'java-key-class', 'java-element-class'];

function logicalTypeOf(schema: AvroSchema): LogicalType | undefined {
  const props = propsOf(schema);
  const name = textOf(props.get('logicalType'));
  if (name === undefined || LOGICAL_TYPE_CONFLICTS.some((p) => textOf(props.get(p)) !== undefined)) return undefined;
  if (name === 'decimal') return decimalOf(schema, props);
  return TIME_TYPES[name] === schema.type ? { name } : undefined;
}

function decimalOf(schema: AvroSchema, props: ReadonlyMap<string, JsonNode>): LogicalType | undefined {
  const int = (key: string): number | undefined => {
    const node = props.get(key);
    return node?.kind === 'integer' && fitsInt(node.value) ? Number(node.value) : undefined;
  };
  const precision = int('precision');
  const scale = props.has('scale') ? int('scale') : 0;
  if (precision === undefined || scale === undefined || precision <= 0 || scale < 0 || scale > precision) return undefined;
  if (schema.type === 'bytes') return { name: 'decimal', precision, scale };
  if (schema.type !== 'fixed' || precision > Math.round(Math.floor(Math.log10(2) * (8 * schema.size - 1)))) return undefined;
  return { name: 'decimal', precision, scale };
}

/**
 * The text Confluent's normalization produces, before it parses it again and prints it as the canonical string: full
 * names, props and aliases sorted, defaults re-encoded through Java objects (a double default always has a fraction, a
 * float's is rounded to a float, object keys sorted), a named type's empty doc dropped.
 */
class NormalizedSourceWriter {
  private readonly seen: Set<string>;

  constructor(known: Iterable<string>) {
    this.seen = new Set(known);
  }

  write(schema: AvroSchema): string {
    switch (schema.type) {
      case 'union':
        return `[${schema.branches.map((b) => this.write(b)).join(',')}]`;
      case 'array':
        return `{"type":"array","items":${this.write(schema.items)}${sortedPropsText(schema.props)}}`;
      case 'map':
        return `{"type":"map","values":${this.write(schema.values)}${sortedPropsText(schema.props)}}`;
      case 'record':
      case 'enum':
      case 'fixed':
        return this.named(schema);
      default:
        return primitiveNormalized(schema);
    }
  }

  private named(schema: NamedSchema): string {
    const full = schema.name.full;
    if (this.seen.has(full)) return jsonString(full);
    this.seen.add(full);
    // An error record becomes a record here: Confluent writes the schema's Type, which has no error.
    let out = `{"name":${jsonString(full)},"type":"${schema.type}"`;
    if (schema.type === 'enum') out += `,"symbols":[${schema.symbols.map(jsonString).join(',')}]`;
    if (schema.type === 'fixed') out += `,"size":${schema.size}${logicalTypeText(logicalTypeOf(schema))}`;
    if (schema.type === 'record') out += `,"fields":[${schema.fields.map((f) => this.field(f)).join(',')}]`;
    if (schema.doc) out += `,"doc":${jsonString(schema.doc)}`;
    if (schema.aliases.length > 0) out += `,"aliases":${sortedStrings(schema.aliases.map((a) => a.full))}`;
    if (schema.type === 'enum' && schema.enumDefault !== undefined) out += `,"default":${jsonString(schema.enumDefault)}`;
    return `${out}${sortedPropsText(schema.props)}}`;
  }

  private field(f: AvroField): string {
    let out = `{"name":${jsonString(f.name)},"type":${this.write(f.schema)},"order":"${f.order.toUpperCase()}"`;
    if (f.doc !== undefined) out += `,"doc":${jsonString(f.doc)}`;
    if (f.aliases.length > 0) out += `,"aliases":${sortedStrings(f.aliases)}`;
    const value = f.defaultValue === undefined ? undefined : asJavaObject(f.defaultValue, f.schema);
    if (value !== undefined) out += `,"default":${writeJson(value)}`;
    return `${out}${sortedPropsText(f.props)}}`;
  }
}

function primitiveNormalized(schema: PrimitiveSchema): string {
  const logical = logicalTypeOf(schema);
  if (logical === undefined && schema.props.size === 0) return jsonString(schema.type);
  return `{"type":"${schema.type}"${logicalTypeText(logical)}${sortedPropsText(schema.props)}}`;
}

function logicalTypeText(logical: LogicalType | undefined): string {
  if (logical === undefined) return '';
  const decimal = logical.precision === undefined ? '' : `,"precision":${logical.precision}${logical.scale ? `,"scale":${logical.scale}` : ''}`;
  return `,"logicalType":${jsonString(logical.name)}${decimal}`;
}

const sortedStrings = (values: readonly string[]): string => `[${[...new Set(values)].sort().map(jsonString).join(',')}]`;

function sortedPropsText(props: ReadonlyMap<string, JsonNode>): string {
  return [...props.keys()]
    .sort()
    .map((k) => `,${jsonString(k)}:${writeJson(sortedKeys(props.get(k) ?? JSON_NULL))}`)
    .join('');
}

/** Confluent re-reads values with a node factory that sorts object keys. */
function sortedKeys(node: JsonNode): JsonNode {
  if (node.kind === 'array') return { kind: 'array', items: node.items.map(sortedKeys) };
  if (node.kind !== 'object') return node;
  return { kind: 'object', members: new Map([...node.members.keys()].sort().map((k) => [k, sortedKeys(node.members.get(k) ?? JSON_NULL)])) };
}

/**
 * A default as Avro's JacksonUtils.toObject turns it into a Java value for the field's schema (a union's first branch),
 * and as Confluent writes that value back: undefined where Java gets no value (and Confluent then leaves the default out).
 */
function asJavaObject(node: JsonNode, schema: AvroSchema | undefined): JsonNode | undefined {
  if (schema?.type === 'union') return schema.branches.length > 0 ? asJavaObject(node, schema.branches[0]) : undefined;
  switch (node.kind) {
    case 'null':
    case 'boolean':
      return node;
    case 'integer':
      return integerAsJava(node, schema);
    case 'double':
    case 'float':
      if (schema === undefined || schema.type === 'double') return { kind: 'double', value: node.value };
      return schema.type === 'float' ? { kind: 'float', value: Math.fround(node.value) } : undefined;
    case 'string':
      if (schema === undefined || schema.type === 'string' || schema.type === 'enum') return node;
      return schema.type === 'bytes' || schema.type === 'fixed' ? { kind: 'string', value: latin1RoundTrip(node.value) } : undefined;
    case 'array':
      if (schema !== undefined && schema.type !== 'array') return undefined;
      return { kind: 'array', items: node.items.map((i) => asJavaObject(i, schema?.items) ?? JSON_NULL) };
    case 'object':
      return objectAsJava(node, schema);
  }
}

function integerAsJava(node: JsonNode & { kind: 'integer' }, schema: AvroSchema | undefined): JsonNode | undefined {
  // Jackson holds an integer beyond a long as a BigInteger, which Avro's conversion has no case for.
  if (!fitsLong(node.value)) return undefined;
  if (schema === undefined || schema.type === 'int' || schema.type === 'long') return node;
  if (schema.type === 'double') return { kind: 'double', value: Number(node.value) };
  if (schema.type === 'float') return { kind: 'float', value: Math.fround(Number(node.value)) };
  return undefined;
}

function objectAsJava(node: JsonNode & { kind: 'object' }, schema: AvroSchema | undefined): JsonNode {
  const valueSchema = (key: string): AvroSchema | undefined => {
    if (schema?.type === 'map') return schema.values;
    if (schema?.type === 'record') return schema.fields.find((f) => f.name === key)?.schema;
    return undefined;
  };
  const keys = [...node.members.keys()].sort();
  return { kind: 'object', members: new Map(keys.map((k) => [k, asJavaObject(node.members.get(k) ?? JSON_NULL, valueSchema(k)) ?? JSON_NULL])) };
}

/** A bytes default goes through ISO-8859-1 bytes and back: a character beyond it becomes '?'. */
const latin1RoundTrip = (s: string): string => [...s].map((c) => ((c.codePointAt(0) ?? 0) > 0xff ? '?' : c)).join('');

// ---------------------------------------------------------------------------------------------------------------------
// Compatibility, as Java Avro's SchemaCompatibility.checkReaderWriterCompatibility decides it
// ---------------------------------------------------------------------------------------------------------------------

type IncompatibilityType = 'NAME_MISMATCH' | 'FIXED_SIZE_MISMATCH' | 'MISSING_ENUM_SYMBOLS' | 'READER_FIELD_MISSING_DEFAULT_VALUE' | 'TYPE_MISMATCH' | 'MISSING_UNION_BRANCH';

interface Incompatibility {
  readonly type: IncompatibilityType;
  readonly message: string;
  /** The reference tokens from the root down (the root's own token, empty, first). */
  readonly location: readonly string[];
}

const COMPATIBLE: readonly Incompatibility[] = [];
const IN_PROGRESS: readonly Incompatibility[] = [];

/** Avro throws this when a reader field's name and aliases match more than one writer field; Confluent reports its message. */
class AmbiguousFieldError extends Error {}

/**
 * One compatibility check. Results are remembered per (reader, writer) pair of schema objects, which is how Avro stops
 * on recursive types and why a type used twice reports its problems twice, at the first place it was met.
 */
class CompatibilityChecker {
  private readonly memo = new Map<AvroSchema, Map<AvroSchema, readonly Incompatibility[]>>();

  /** A check that starts its location afresh: Avro does so for union branches, whose problems then read as at '/'. */
  check(reader: AvroSchema, writer: AvroSchema): readonly Incompatibility[] {
    return this.compatibility('', reader, writer, []);
  }

  private compatibility(token: string, reader: AvroSchema, writer: AvroSchema, location: string[]): readonly Incompatibility[] {
    location.push(token);
    let byWriter = this.memo.get(reader);
    if (!byWriter) this.memo.set(reader, (byWriter = new Map()));
    let result = byWriter.get(writer);
    if (result === IN_PROGRESS) result = COMPATIBLE;
    else if (result === undefined) {
      byWriter.set(writer, IN_PROGRESS);
      result = this.calculate(reader, writer, location);
      byWriter.set(writer, result);
    }
    location.pop();
    return result;
  }

  private calculate(reader: AvroSchema, writer: AvroSchema, location: string[]): readonly Incompatibility[] {
    if (reader.type === writer.type) return this.sameType(reader, writer, location);
    // A writer union can be read when each of its branches can, each checked as if from the top.
    if (writer.type === 'union') return writer.branches.flatMap((branch) => this.check(reader, branch));
    if (reader.type === 'union') return this.readerUnion(reader, writer, location);
    return promotes(reader.type, writer.type) ? COMPATIBLE : [typeMismatch(reader, writer, location)];
  }

  private sameType(reader: AvroSchema, writer: AvroSchema, location: string[]): readonly Incompatibility[] {
    if (reader.type === 'array' && writer.type === 'array') return this.compatibility('items', reader.items, writer.items, location);
    if (reader.type === 'map' && writer.type === 'map') return this.compatibility('values', reader.values, writer.values, location);
    if (reader.type === 'fixed' && writer.type === 'fixed') return [...checkNames(reader, writer, location), ...checkFixedSize(reader, writer, location)];
    if (reader.type === 'enum' && writer.type === 'enum') return [...checkNames(reader, writer, location), ...checkEnumSymbols(reader, writer, location)];
    if (reader.type === 'record' && writer.type === 'record') return [...checkNames(reader, writer, location), ...this.recordFields(reader, writer, location)];
    if (reader.type === 'union' && writer.type === 'union') return this.writerUnion(reader, writer, location);
    return COMPATIBLE;
  }

  /** Each writer branch must be readable; a branch that is not is reported as missing, whatever the reason. */
  private writerUnion(reader: AvroSchema, writer: UnionSchema, location: string[]): readonly Incompatibility[] {
    const out: Incompatibility[] = [];
    writer.branches.forEach((branch, i) => {
      location.push(String(i));
      if (this.check(reader, branch).length > 0) out.push(incompatibility('MISSING_UNION_BRANCH', `reader union lacking writer type: ${typeName(branch)}`, location));
      location.pop();
    });
    return out;
  }

  private readerUnion(reader: UnionSchema, writer: AvroSchema, location: string[]): readonly Incompatibility[] {
    for (const branch of reader.branches) if (this.check(branch, writer).length === 0) return COMPATIBLE;
    return [incompatibility('MISSING_UNION_BRANCH', `reader union lacking writer type: ${typeName(writer)}`, location)];
  }

  private recordFields(reader: RecordSchema, writer: RecordSchema, location: string[]): readonly Incompatibility[] {
    const out: Incompatibility[] = [];
    location.push('fields');
    for (const field of reader.fields) {
      location.push(String(field.pos));
      const writerField = lookupWriterField(writer, field);
      if (writerField !== undefined) out.push(...this.compatibility('type', field.schema, writerField.schema, location));
      else if (field.defaultValue !== undefined) {
        // A default fills the field in.
      } else if (field.schema.type === 'enum' && field.schema.enumDefault !== undefined) {
        // Avro compares the enum with the writer record itself here, which can only fail as a type mismatch.
        out.push(...this.compatibility('type', field.schema, writer, location));
      } else out.push(incompatibility('READER_FIELD_MISSING_DEFAULT_VALUE', field.name, location));
      location.pop();
    }
    location.pop();
    return out;
  }
}

/** Avro's promotions: int to long, float and double; long to float and double; float to double; string and bytes both ways. */
function promotes(reader: AvroSchema['type'], writer: AvroSchema['type']): boolean {
  switch (reader) {
    case 'long':
      return writer === 'int';
    case 'float':
      return writer === 'int' || writer === 'long';
    case 'double':
      return writer === 'int' || writer === 'long' || writer === 'float';
    case 'bytes':
      return writer === 'string';
    case 'string':
      return writer === 'bytes';
    default:
      return false;
  }
}

function incompatibility(type: IncompatibilityType, message: string, location: readonly string[]): Incompatibility {
  return { type, message, location: [...location] };
}

function typeMismatch(reader: AvroSchema, writer: AvroSchema, location: readonly string[]): Incompatibility {
  return incompatibility('TYPE_MISMATCH', `reader type: ${typeName(reader)} not compatible with writer type: ${typeName(writer)}`, location);
}

/** Avro 1.11 compares the names without their namespaces, or the writer's full name with the reader's aliases. */
function checkNames(reader: NamedSchema, writer: NamedSchema, location: string[]): readonly Incompatibility[] {
  if (reader.name.short === writer.name.short || reader.aliases.some((a) => a.full === writer.name.full)) return COMPATIBLE;
  return [incompatibility('NAME_MISMATCH', `expected: ${writer.name.full}`, [...location, 'name'])];
}

function checkFixedSize(reader: FixedSchema, writer: FixedSchema, location: string[]): readonly Incompatibility[] {
  if (reader.size === writer.size) return COMPATIBLE;
  return [incompatibility('FIXED_SIZE_MISMATCH', `expected: ${writer.size}, found: ${reader.size}`, [...location, 'size'])];
}

/** Writer symbols the reader lacks, sorted as Avro's TreeSet lists them; none matter when the reader has a default symbol. */
function checkEnumSymbols(reader: EnumSchema, writer: EnumSchema, location: string[]): readonly Incompatibility[] {
  const missing = writer.symbols.filter((s) => !reader.symbols.includes(s)).sort();
  if (missing.length === 0 || (reader.enumDefault !== undefined && reader.symbols.includes(reader.enumDefault))) return COMPATIBLE;
  return [incompatibility('MISSING_ENUM_SYMBOLS', `[${missing.join(', ')}]`, [...location, 'symbols'])];
}

function lookupWriterField(writer: RecordSchema, readerField: AvroField): AvroField | undefined {
  const matches = [readerField.name, ...readerField.aliases].flatMap((n) => writer.fields.filter((f) => f.name === n));
  if (matches.length > 1) {
    throw new AmbiguousFieldError(`Reader record field ${describeField(readerField)} matches multiple fields in writer record schema ${standalone(writer)}`);
  }
  return matches[0];
}

/** Avro's location as a JSON pointer, the root's token left out. */
function pointer(location: readonly string[]): string {
  return `/${location
    .slice(1)
    .map((t) => t.replace(/~/g, '~0').replace(/\//g, '~1'))
    .join('/')}`;
}

/**
 * Confluent's Difference message for one incompatibility. The two `%s` stand for the reader and the writer schema:
 * Confluent fills them in afterwards ("new" and "old" for a backward check, the other way round for a forward one).
 */
function describe(i: Incompatibility): string {
  const path = pointer(i.location);
  const descriptions: Record<IncompatibilityType, string> = {
    FIXED_SIZE_MISMATCH: `The size of FIXED type field at path '${path}' in the %s schema does not match with the %s schema`,
    TYPE_MISMATCH: `The type (path '${path}') of a field in the %s schema does not match with the %s schema`,
    NAME_MISMATCH: `The name of the schema has changed (path '${path}')`,
    MISSING_ENUM_SYMBOLS: `The %s schema is missing enum symbols '${i.message}' at path '${path}' in the %s schema`,
    MISSING_UNION_BRANCH: `The %s schema is missing a type inside a union field at path '${path}' in the %s schema`,
    READER_FIELD_MISSING_DEFAULT_VALUE: `The field '${i.message}' at path '${path}' in the %s schema has no default value and is missing in the %s schema`,
  };
  return `{errorType:'${i.type}', description:'${descriptions[i.type]}', additionalInfo:'${i.message}'}`;
}

// ---------------------------------------------------------------------------------------------------------------------
// The provider
// ---------------------------------------------------------------------------------------------------------------------

/** References in the order Confluent resolves them: each one's own references before it, each name once. */
function flattenReferences(references: readonly ResolvedReference[], into = new Map<string, ResolvedReference>()): ResolvedReference[] {
  for (const ref of references) {
    if (into.has(ref.name)) continue;
    flattenReferences(ref.references, into);
    if (!into.has(ref.name)) into.set(ref.name, ref);
  }
  return [...into.values()];
}

class AvroParsedSchema implements ParsedSchema {
  readonly schemaType = 'AVRO';
  private canonicalText: string | undefined;

  private constructor(
    private readonly root: AvroSchema,
    /** The referenced schemas' own types, which print by name only. */
    private readonly referenced: ReadonlyMap<string, NamedSchema>,
    private readonly references: readonly ResolvedReference[],
  ) {}

  static parse(schema: string, references: readonly ResolvedReference[]): AvroParsedSchema {
    const parser = new SchemaParser();
    const referenced = new Map<string, NamedSchema>();
    for (const ref of flattenReferences(references)) {
      let parsed: AvroSchema;
      try {
        parsed = parser.parseText(ref.schema);
      } catch (e) {
        if (!(e instanceof InvalidSchemaError)) throw e;
        throw new InvalidSchemaError(`Invalid schema in reference '${ref.name}' (subject ${ref.subject}, version ${ref.version}): ${e.message}`, { cause: e });
      }
      if (isNamed(parsed)) referenced.set(parsed.name.full, parsed);
    }
    return new AvroParsedSchema(parser.parseText(schema), referenced, references);
  }

  canonical(): string {
    this.canonicalText ??= new CanonicalWriter(this.referenced).write(this.root);
    return this.canonicalText;
  }

  /** Confluent normalizes by writing its normalized text, parsing it again, and printing that as the canonical string. */
  normalized(): string {
    const source = new NormalizedSourceWriter(this.referenced.keys()).write(this.root);
    return AvroParsedSchema.parse(source, this.references).canonical();
  }

  /**
   * The messages Confluent's AvroSchema.isBackwardCompatible gives, each with two `%s` for the reader and the writer
   * (this schema and `previous`), which the compatibility check fills in with the words its direction calls for.
   */
  isBackwardCompatible(previous: ParsedSchema): string[] {
    if (!(previous instanceof AvroParsedSchema)) return ['Incompatible because of different schema type'];
    try {
      return new CompatibilityChecker().check(this.root, previous.root).map(describe);
    } catch (e) {
      if (!(e instanceof AmbiguousFieldError)) throw e;
      return [`Unexpected exception during compatibility check: ${e.message}`];
    }
  }
}

export const avroProvider: SchemaProvider = {
  schemaType: 'AVRO',
  parse: (schema, references) => AvroParsedSchema.parse(schema, references),
};
