/**
 * Avro schemas, parsed with avsc: the referenced schemas first, into one registry of named types, so that the schema
 * can name theirs. Unions are parsed wrapped (avsc's wrapUnions) so that every branch has the name Avro's JSON
 * encoding gives it; logical types are left as their underlying types, as the console consumer shows them.
 */
import * as avro from 'avsc';
import { avroToJson } from './avro-read';
import { avroFromJson } from './avro-write';
import { referencesInOrder, type ResolvedSchema, type SchemaCodec } from './codec';
import { SchemaValidationError } from './serde-types';

export function avroCodec(schema: ResolvedSchema): SchemaCodec {
  const registry: Record<string, avro.Type> = {};
  for (const ref of referencesInOrder(schema)) {
    try {
      parse(ref.resolved.schema, registry);
    } catch (e) {
      throw new Error(`its reference '${ref.name}' (${ref.subject} version ${ref.version}) is not a schema avsc can read: ${(e as Error).message}`, { cause: e });
    }
  }
  const type = parse(schema.schema, registry);
  const messageName = type.name;
  return {
    decode: (payload) => ({ json: avroToJson(type, payload), messageName }),
    encode: (value) => {
      const { bytes, problems } = avroFromJson(type, value);
      if (problems.length > 0) throw new SchemaValidationError(`the value does not fit ${messageName ?? `the ${type.typeName} schema`}`, problems);
      return { payload: bytes, messageName };
    },
  };
}

function parse(text: string, registry: Record<string, avro.Type>): avro.Type {
  return avro.Type.forSchema(JSON.parse(text) as Parameters<typeof avro.Type.forSchema>[0], { registry, wrapUnions: true });
}
