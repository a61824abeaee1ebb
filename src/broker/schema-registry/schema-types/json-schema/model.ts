/**
 * The schema model Confluent's compatibility check walks: the everit-json-schema objects its loader makes (json-sKema
 * translated to them for 2019-09 and 2020-12). A document's keywords become typed parts: `enum`, each of
 * `allOf`/`anyOf`/`oneOf`, `not`, `const`, the `type` (a list of types is an anyOf), then one part per kind of
 * keyword left over (array, object, number, string, if/then/else). One part is the schema; several are a synthetic
 * allOf. That shape decides what the comparison sees, e.g. `{"type":"string","enum":[...]}` is allOf[enum, string].
 */
import type { Documents } from './documents';
import { idOf } from './documents';
import { writeJson, type JsonNode, type JsonNumberNode, type JsonObjectNode } from './json-text';
import type { Draft } from './validate';

type Criterion = 'allOf' | 'anyOf' | 'oneOf';

interface Annotations {
  id?: string;
  title?: string;
  description?: string;
  /** The default's JSON text; undefined when the schema has none (`"default": null` is one). */
  defaultValue?: string;
  /** Kafka Connect's converter marks bytes so; Confluent lets such a string become such a number and back. */
  connectType?: string;
}

export interface StringSchema extends Annotations {
  kind: 'string';
  minLength?: number;
  maxLength?: number;
  pattern?: string;
}

export interface NumberSchema extends Annotations {
  kind: 'number';
  requiresInteger: boolean;
  minimum?: JsonNumberNode;
  maximum?: JsonNumberNode;
  exclusiveMinimum?: JsonNumberNode;
  exclusiveMaximum?: JsonNumberNode;
  multipleOf?: JsonNumberNode;
}

export interface ObjectSchema extends Annotations {
  kind: 'object';
  properties: Map<string, Schema>;
  required: string[];
  minProperties?: number;
  maxProperties?: number;
  permitsAdditional: boolean;
  additionalSchema?: Schema;
  patternProperties: Array<readonly [RegExp, Schema]>;
  propertyDependencies: Map<string, Set<string>>;
  schemaDependencies: Map<string, Schema>;
  unevaluated?: Schema;
}

export interface ArraySchema extends Annotations {
  kind: 'array';
  allItems?: Schema;
  itemSchemas?: Schema[];
  permitsAdditionalItems: boolean;
  additionalItemsSchema?: Schema;
  minItems?: number;
  maxItems?: number;
  uniqueItems: boolean;
  minContains?: number;
  maxContains?: number;
  unevaluated?: Schema;
}

interface EnumSchema extends Annotations {
  kind: 'enum';
  /** Each value's JSON text with sorted keys: Java compares the values as sets of equal objects. */
  values: Set<string>;
}

interface ConstSchema extends Annotations {
  kind: 'const';
  value: string;
}

export interface CombinedSchema extends Annotations {
  kind: 'combined';
  criterion: Criterion;
  subschemas: Schema[];
  /** Per subschema, what makes two of them the same schema (Confluent drops duplicates before matching). */
  keys: string[];
}

export interface NotSchema extends Annotations {
  kind: 'not';
  mustNotMatch: Schema;
}

interface ReferenceSchema extends Annotations {
  kind: 'ref';
  referred(): Schema;
}

/** `empty` is `{}`, `true` the boolean schema (everit's TrueSchema, an EmptySchema too). */
interface SimpleSchema extends Annotations {
  kind: 'empty' | 'true' | 'false' | 'boolean' | 'null' | 'conditional';
}

export type Schema =
  | StringSchema
  | NumberSchema
  | ObjectSchema
  | ArraySchema
  | EnumSchema
  | ConstSchema
  | CombinedSchema
  | NotSchema
  | ReferenceSchema
  | SimpleSchema;

export function isEmptySchema(schema: Schema | undefined): boolean {
  return schema?.kind === 'empty' || schema?.kind === 'true';
}

type Kind = 'array' | 'object' | 'number' | 'string';

const NUMBER_KEYWORDS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'];
const COMBINATIONS: readonly Criterion[] = ['allOf', 'anyOf', 'oneOf'];

function keywordsOf(kind: Kind, draft: Draft): readonly string[] {
  const modern = draft >= 2019;
  switch (kind) {
    case 'string':
      // json-sKema's translation ignores `format`; everit counts it as a string keyword.
      return modern ? ['minLength', 'maxLength', 'pattern'] : ['minLength', 'maxLength', 'pattern', 'format'];
    case 'number':
      return NUMBER_KEYWORDS;
    case 'object':
      if (modern) {
        return ['properties', 'required', 'minProperties', 'maxProperties', 'patternProperties', 'additionalProperties',
          'propertyNames', 'dependentRequired', 'dependentSchemas', 'unevaluatedProperties'];
      }
      return ['properties', 'required', 'minProperties', 'maxProperties', 'dependencies', 'patternProperties',
        'additionalProperties', ...(draft === 4 ? [] : ['propertyNames'])];
    case 'array':
      if (draft === 2020) return ['prefixItems', 'items', 'minItems', 'maxItems', 'uniqueItems', 'contains', 'unevaluatedItems'];
      if (draft === 2019) return ['items', 'additionalItems', 'minItems', 'maxItems', 'uniqueItems', 'contains', 'unevaluatedItems'];
      return ['items', 'additionalItems', 'minItems', 'maxItems', 'uniqueItems', ...(draft === 4 ? [] : ['contains'])];
  }
}

const TYPE_KINDS = new Map<string, Kind | 'boolean' | 'null' | 'integer'>([
  ['string', 'string'], ['number', 'number'], ['integer', 'integer'], ['object', 'object'], ['array', 'array'], ['boolean', 'boolean'], ['null', 'null'],
]);

/** Builds the model of one document set, each JSON node once, so a recursive `$ref` leads back to the same object. */
export class ModelLoader {
  private readonly loaded = new Map<JsonNode, Schema>();

  constructor(
    private readonly documents: Documents,
    private readonly draft: Draft,
  ) {}

  load(node: JsonNode): Schema {
    const done = this.loaded.get(node);
    if (done) return done;
    const schema = this.build(node);
    this.loaded.set(node, schema);
    return schema;
  }

  private build(node: JsonNode): Schema {
    if (node.kind === 'boolean') return { kind: node.value ? 'true' : 'false' };
    if (node.kind !== 'object') return { kind: 'empty' };
    const parts = this.parts(node);
    // A synthetic allOf's parts are of different kinds: none is a duplicate of another.
    const schema: Schema =
      parts.length === 0 ? { kind: 'empty' } : parts.length === 1 ? parts[0] : combined('allOf', parts, parts.map((_, i) => `part:${i}`));
    return Object.assign(schema, this.annotations(node));
  }

  private annotations(node: JsonObjectNode): Annotations {
    const text = (key: string): string | undefined => {
      const v = node.members.get(key);
      return v?.kind === 'string' ? v.value : undefined;
    };
    const def = node.members.get('default');
    return {
      id: idOf(node, this.draft),
      title: text('title'),
      description: text('description'),
      defaultValue: def === undefined ? undefined : writeJson(def, true),
      connectType: text('connect.type'),
    };
  }

  private parts(node: JsonObjectNode): Schema[] {
    const m = node.members;
    const parts: Schema[] = [];
    const ref = m.get('$ref') ?? m.get('$recursiveRef') ?? m.get('$dynamicRef');
    if (ref?.kind === 'string') {
      parts.push(this.reference(ref.value, node));
      // draft-07 and before ignore what stands beside a `$ref`; 2019-09 on apply it too.
      if (this.draft < 2019) return parts;
    }
    const en = m.get('enum');
    if (en?.kind === 'array') parts.push({ kind: 'enum', values: new Set(en.items.map((v) => writeJson(v, true))) });
    for (const criterion of COMBINATIONS) {
      const subs = m.get(criterion);
      if (subs?.kind === 'array') parts.push(combined(criterion, subs.items.map((s) => this.load(s)), subs.items.map((s) => writeJson(s, true))));
    }
    const not = m.get('not');
    if (not !== undefined) parts.push({ kind: 'not', mustNotMatch: this.load(not) });
    const constant = m.get('const');
    if (constant !== undefined && this.draft !== 4) parts.push({ kind: 'const', value: writeJson(constant, true) });
    const typed = this.typed(node);
    parts.push(...typed.parts);
    for (const kind of ['array', 'object', 'number', 'string'] as const) {
      if (!typed.kinds.has(kind) && this.hasKeywordsOf(kind, node)) parts.push(this.ofKind(kind, node));
    }
    if (this.draft >= 7 && (m.has('if') || m.has('then') || m.has('else'))) parts.push({ kind: 'conditional' });
    return parts;
  }

  /** The part `type` makes, with the keywords of its kind in it; several types make an anyOf of one each. */
  private typed(node: JsonObjectNode): { parts: Schema[]; kinds: Set<Kind> } {
    const type = node.members.get('type');
    const names = type?.kind === 'string' ? [type.value] : type?.kind === 'array' ? type.items.flatMap((t) => (t.kind === 'string' ? [t.value] : [])) : [];
    const kinds = new Set<Kind>();
    const members = names.map((name) => {
      const kind = TYPE_KINDS.get(name);
      if (kind === 'boolean' || kind === 'null') return { kind } as Schema;
      if (kind === undefined) return { kind: 'empty' } as Schema;
      const k: Kind = kind === 'integer' ? 'number' : kind;
      kinds.add(k);
      const schema = this.ofKind(k, node);
      if (schema.kind === 'number') schema.requiresInteger = kind === 'integer';
      return schema;
    });
    if (type?.kind === 'array') return { parts: [combined('anyOf', members, names.map((n) => `type:${n}`))], kinds };
    return { parts: members, kinds };
  }

  /** Whether leftover keywords make a part of this kind (2019-09 on: an empty `properties` makes none). */
  private hasKeywordsOf(kind: Kind, node: JsonObjectNode): boolean {
    return keywordsOf(kind, this.draft).some((key) => {
      const value = node.members.get(key);
      if (value === undefined) return false;
      if (this.draft >= 2019 && (key === 'properties' || key === 'patternProperties')) return value.kind === 'object' && value.members.size > 0;
      return true;
    });
  }

  private ofKind(kind: Kind, node: JsonObjectNode): Schema {
    switch (kind) {
      case 'string':
        return {
          kind: 'string',
          minLength: numberValue(node, 'minLength'),
          maxLength: numberValue(node, 'maxLength'),
          pattern: stringValue(node, 'pattern'),
        };
      case 'number':
        return this.numberSchema(node);
      case 'object':
        return this.objectSchema(node);
      case 'array':
        return this.arraySchema(node);
    }
  }

  private numberSchema(node: JsonObjectNode): NumberSchema {
    const num = (key: string): JsonNumberNode | undefined => {
      const v = node.members.get(key);
      return v?.kind === 'number' ? v : undefined;
    };
    // draft-04's boolean exclusiveMinimum/Maximum only qualify minimum/maximum; everit has no limit for them.
    return {
      kind: 'number',
      requiresInteger: false,
      minimum: num('minimum'),
      maximum: num('maximum'),
      exclusiveMinimum: num('exclusiveMinimum'),
      exclusiveMaximum: num('exclusiveMaximum'),
      multipleOf: num('multipleOf'),
    };
  }

  private objectSchema(node: JsonObjectNode): ObjectSchema {
    const m = node.members;
    const modern = this.draft >= 2019;
    const schema: ObjectSchema = {
      kind: 'object',
      properties: this.schemaMap(m.get('properties')),
      required: stringList(m.get('required')),
      minProperties: numberValue(node, 'minProperties'),
      maxProperties: numberValue(node, 'maxProperties'),
      permitsAdditional: true,
      patternProperties: [...this.schemaMap(m.get('patternProperties'))].flatMap(([p, s]) => {
        const re = toRegExp(p);
        return re ? [[re, s] as const] : [];
      }),
      propertyDependencies: new Map(),
      schemaDependencies: new Map(),
    };
    const additional = m.get('additionalProperties');
    if (additional?.kind === 'boolean') schema.permitsAdditional = additional.value;
    else if (additional !== undefined) schema.additionalSchema = this.load(additional);
    const deps = modern ? [m.get('dependentRequired'), m.get('dependentSchemas')] : [m.get('dependencies')];
    for (const d of deps) if (d?.kind === 'object') this.addDependencies(schema, d);
    const uneval = m.get('unevaluatedProperties');
    if (modern && uneval !== undefined) schema.unevaluated = this.load(uneval);
    return schema;
  }

  private addDependencies(schema: ObjectSchema, deps: JsonObjectNode): void {
    for (const [key, value] of deps.members) {
      if (value.kind === 'array') schema.propertyDependencies.set(key, new Set(stringList(value)));
      else schema.schemaDependencies.set(key, this.load(value));
    }
  }

  private arraySchema(node: JsonObjectNode): ArraySchema {
    const schema: ArraySchema = {
      kind: 'array',
      permitsAdditionalItems: true,
      minItems: numberValue(node, 'minItems'),
      maxItems: numberValue(node, 'maxItems'),
      uniqueItems: booleanValue(node, 'uniqueItems') ?? false,
    };
    if (this.draft >= 2019) this.modernItems(schema, node);
    else this.classicItems(schema, node);
    return schema;
  }

  /** everit: `items` one schema for all, or a tuple; `additionalItems` a boolean or a schema. */
  private classicItems(schema: ArraySchema, node: JsonObjectNode): void {
    const items = node.members.get('items');
    if (items?.kind === 'array') schema.itemSchemas = items.items.map((s) => this.load(s));
    else if (items !== undefined) schema.allItems = this.load(items);
    const additional = node.members.get('additionalItems');
    if (additional?.kind === 'boolean') schema.permitsAdditionalItems = additional.value;
    else if (additional !== undefined) schema.additionalItemsSchema = this.load(additional);
  }

  /**
   * Confluent's translation of 2019-09/2020-12: the tuple (`prefixItems`, or 2019-09's `items` array) is the item
   * list; the schema for the rest (2020-12's `items`, 2019-09's `additionalItems`) is `false`, nothing when `true`,
   * else the items schema (no tuple) or the additional one. `contains` brings minContains, 1 unless given.
   */
  private modernItems(schema: ArraySchema, node: JsonObjectNode): void {
    const m = node.members;
    const tupleNode = this.draft === 2020 ? m.get('prefixItems') : m.get('items');
    const tuple = tupleNode?.kind === 'array' ? tupleNode.items : undefined;
    if (tuple) schema.itemSchemas = tuple.map((s) => this.load(s));
    const rest = this.draft === 2020 ? m.get('items') : tuple ? m.get('additionalItems') : m.get('items');
    if (rest?.kind === 'boolean') schema.permitsAdditionalItems = rest.value;
    else if (rest !== undefined && rest.kind !== 'array') {
      if (tuple && tuple.length > 0) schema.additionalItemsSchema = this.load(rest);
      else schema.allItems = this.load(rest);
    }
    if (m.has('contains')) {
      schema.minContains = numberValue(node, 'minContains') ?? 1;
      schema.maxContains = numberValue(node, 'maxContains');
    }
    const uneval = m.get('unevaluatedItems');
    if (uneval !== undefined) schema.unevaluated = this.load(uneval);
  }

  private schemaMap(node: JsonNode | undefined): Map<string, Schema> {
    const out = new Map<string, Schema>();
    if (node?.kind === 'object') for (const [key, value] of node.members) out.set(key, this.load(value));
    return out;
  }

  /** Resolved on first use: a schema may refer to itself, and the comparison follows only what it needs. */
  private reference(ref: string, from: JsonObjectNode): ReferenceSchema {
    let referred: Schema | undefined;
    return {
      kind: 'ref',
      referred: () => {
        if (referred === undefined) {
          const target = this.documents.resolve(ref, from);
          referred = target === undefined ? { kind: 'empty' } : this.load(target);
        }
        return referred;
      },
    };
  }
}

function combined(criterion: Criterion, subschemas: Schema[], keys: string[]): CombinedSchema {
  return { kind: 'combined', criterion, subschemas, keys };
}

function numberValue(node: JsonObjectNode, key: string): number | undefined {
  const v = node.members.get(key);
  return v?.kind === 'number' ? v.value : undefined;
}

function booleanValue(node: JsonObjectNode, key: string): boolean | undefined {
  const v = node.members.get(key);
  return v?.kind === 'boolean' ? v.value : undefined;
}

function stringValue(node: JsonObjectNode, key: string): string | undefined {
  const v = node.members.get(key);
  return v?.kind === 'string' ? v.value : undefined;
}

function stringList(node: JsonNode | undefined): string[] {
  return node?.kind === 'array' ? node.items.flatMap((i) => (i.kind === 'string' ? [i.value] : [])) : [];
}

/** ajv compiled the pattern with the `u` flag already; a Java-only construct that JavaScript refuses matches nothing. */
function toRegExp(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    try {
      return new RegExp(pattern);
    } catch {
      return undefined;
    }
  }
}
