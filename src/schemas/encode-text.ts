/**
 * A key or value typed as JSON text (the producer panel, a `.kafka` PRODUCE) encoded with a registered schema into
 * Confluent's wire format; the errors name the record and, for input that does not fit the schema, each field, so
 * the user fixes the input before anything is sent. No vscode import.
 */
import type { SchemaSerde } from './schema-serde';
import { SchemaValidationError, type EncodeSchema } from './serde-types';

export async function encodeJsonText(serde: SchemaSerde, text: string, schema: EncodeSchema, what: string): Promise<Buffer> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new SchemaValidationError(`${what} is not JSON (${(e as Error).message}); a value encoded with ${schema.subject} is written as JSON.`, [(e as Error).message]);
  }
  try {
    return (await serde.encode(value, schema)).bytes;
  } catch (e) {
    if (e instanceof SchemaValidationError) throw new SchemaValidationError(`${what} does not fit the schema of ${schema.subject}: ${e.problems.join('; ')}`, e.problems);
    throw e;
  }
}
