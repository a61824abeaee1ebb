/**
 * A schema language for the registry's tests, whose compatibility the test writes down: a schema is
 * `{"name": ..., "fields": [...], "refs": [...]}`, a field ending in "?" is optional, and a schema can read data
 * written with another when each of its required fields is among the other's fields. The canonical text is the
 * object re-printed compactly (so spacing does not make a new schema); normalized, the fields are sorted. `refs` must
 * name references the registry resolved.
 */
import { InvalidSchemaError, type ParsedSchema, type ResolvedReference, type SchemaProvider, type SchemaType } from '../../src/broker/schema-registry/schema-provider';

interface Toy {
  name: string;
  fields: string[];
  refs?: string[];
}

function read(text: string): Toy {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch (e) {
    throw new InvalidSchemaError(`not JSON: ${(e as Error).message}`);
  }
  const t = o as Partial<Toy> | null;
  if (!t || typeof t !== 'object' || typeof t.name !== 'string' || !Array.isArray(t.fields)) throw new InvalidSchemaError('a toy schema needs a name and fields');
  return { name: t.name, fields: t.fields.map(String), ...(t.refs ? { refs: t.refs.map(String) } : {}) };
}

const bare = (f: string): string => f.replace(/\?$/, '');

export function toyProvider(schemaType: SchemaType): SchemaProvider {
  return {
    schemaType,
    parse(schema: string, references: readonly ResolvedReference[]): ParsedSchema {
      const toy = read(schema);
      for (const r of toy.refs ?? []) if (!references.some((x) => x.name === r)) throw new InvalidSchemaError(`unknown reference ${r}`);
      const print = (fields: string[]): string => JSON.stringify({ name: toy.name, fields, ...(toy.refs ? { refs: toy.refs } : {}) });
      const parsed: ParsedSchema & { toy: Toy } = {
        schemaType,
        toy,
        canonical: () => print(toy.fields),
        normalized: () => print([...toy.fields].sort()),
        isBackwardCompatible(previous: ParsedSchema): string[] {
          const old = (previous as ParsedSchema & { toy: Toy }).toy.fields.map(bare);
          return toy.fields.flatMap((f, i) =>
            f.endsWith('?') || old.includes(f) ? [] : [`The field '${f}' at path '/fields/${i}' in the %s schema has no default value and is missing in the %s schema`],
          );
        },
      };
      return parsed;
    },
  };
}

export const TOY_PROVIDERS: Record<SchemaType, SchemaProvider> = { AVRO: toyProvider('AVRO'), PROTOBUF: toyProvider('PROTOBUF'), JSON: toyProvider('JSON') };

/** A toy schema's text. */
export const toy = (name: string, fields: string[], refs?: string[]): string => JSON.stringify({ name, fields, ...(refs ? { refs } : {}) });
