/**
 * JSON Schema for the registry, as Confluent's json-schema-provider has it (JsonSchema.java): the text is kept as a
 * JSON tree and stored compact in its own key order (canonical), or with every object's keys sorted (normalized);
 * it is checked with ajv; and compatibility is Confluent's SchemaDiff, whose messages it repeats.
 */
import { InvalidSchemaError, type ParsedSchema, type ResolvedReference, type SchemaProvider } from '../schema-provider';
import { schemaDifferences } from './json-schema/diff';
import { Documents, idOf, rootBaseOf, type NamedDocument } from './json-schema/documents';
import { parseJson, writeJson, type JsonNode } from './json-schema/json-text';
import { ModelLoader, type Schema } from './json-schema/model';
import { isCompatible, message } from './json-schema/difference';
import { compileWithAjv, draftOf, type Draft } from './json-schema/validate';

class JsonSchemaDocument implements ParsedSchema {
  readonly schemaType = 'JSON' as const;
  private model: Schema | undefined;

  constructor(
    readonly root: JsonNode,
    private readonly draft: Draft,
    private readonly references: readonly NamedDocument[],
  ) {}

  canonical(): string {
    return writeJson(this.root);
  }

  normalized(): string {
    return writeJson(this.root, true);
  }

  isBackwardCompatible(previous: ParsedSchema): string[] {
    const before = previous instanceof JsonSchemaDocument ? previous : reparse(previous);
    return schemaDifferences(before.schemaModel(), this.schemaModel())
      .filter((d) => !isCompatible(d.type))
      .map(message);
  }

  /** Built when first compared: parsing alone (a lookup, a registration) never needs it. */
  schemaModel(): Schema {
    if (this.model === undefined) {
      const documents = new Documents(this.root, this.references, this.draft);
      this.model = new ModelLoader(documents, this.draft).load(this.root);
    }
    return this.model;
  }
}

/** Another ParsedSchema claiming to be JSON: all we can trust of it is its text. */
function reparse(previous: ParsedSchema): JsonSchemaDocument {
  const root = parseJson(previous.canonical());
  return new JsonSchemaDocument(root, draftOf(root), []);
}

function parseText(text: string, what: string): JsonNode {
  try {
    return parseJson(text);
  } catch (e) {
    throw new InvalidSchemaError(`Invalid JSON Schema: ${what} is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
}

/** Every reference, nested ones too, once each by name (the first found wins, as a map of names would keep). */
function flattenReferences(references: readonly ResolvedReference[], out: NamedDocument[] = [], seen = new Set<string>()): NamedDocument[] {
  for (const ref of references) {
    if (seen.has(ref.name)) continue;
    seen.add(ref.name);
    out.push({ name: ref.name, node: parseText(ref.schema, `referenced schema '${ref.name}'`) });
    flattenReferences(ref.references, out, seen);
  }
  return out;
}

export const jsonSchemaProvider: SchemaProvider = {
  schemaType: 'JSON',
  parse(schema: string, references: readonly ResolvedReference[]): ParsedSchema {
    const root = parseText(schema, 'the schema');
    if (root.kind !== 'object' && root.kind !== 'boolean') {
      throw new InvalidSchemaError(`Invalid JSON Schema: a schema is a JSON object or a boolean, not ${article(root.kind)}`);
    }
    const draft = draftOf(root);
    const named = flattenReferences(references);
    const base = idOf(root, draft) !== undefined ? rootBaseOf(root, draft) : undefined;
    try {
      compileWithAjv(root, draft, named, base);
    } catch (e) {
      throw new InvalidSchemaError(`Invalid JSON Schema: ${(e as Error).message}`, { cause: e });
    }
    return new JsonSchemaDocument(root, draft, named);
  },
};

function article(kind: JsonNode['kind']): string {
  return kind === 'array' ? 'an array' : kind === 'null' ? 'null' : `a ${kind}`;
}
