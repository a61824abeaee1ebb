/**
 * What the schema serde asks of each schema language (Avro, Protobuf, JSON Schema): to turn the payload after the
 * schema id into JSON text, and JSON input into that payload. Built once per schema id from the schema and its
 * references, then used for every record written with it.
 */
import type { SchemaType } from './registry-client';

/** A schema with the schemas it references, fetched recursively: each under the name the referring schema uses. */
export interface ResolvedSchema {
  schema: string;
  schemaType: SchemaType;
  references: ResolvedReference[];
}

interface ResolvedReference {
  name: string;
  subject: string;
  version: number;
  resolved: ResolvedSchema;
}

export interface SchemaCodec {
  /** The payload as JSON text, and the message type it was read as. Throws an Error saying why it does not fit. */
  decode(payload: Uint8Array): { json: string; messageName?: string };
  /** The payload for a JSON value (Protobuf: its message indexes first). Throws SchemaValidationError when it does not fit. */
  encode(value: unknown, messageName?: string): { payload: Uint8Array; messageName?: string };
}

/** Each referenced schema once, those it references before it: the order to declare them in. */
export function referencesInOrder(schema: ResolvedSchema): ResolvedReference[] {
  const out: ResolvedReference[] = [];
  const seen = new Set<string>();
  const visit = (s: ResolvedSchema): void => {
    for (const ref of s.references) {
      const key = `${ref.subject}\u0000${ref.version}`;
      if (seen.has(key)) continue;
      seen.add(key);
      visit(ref.resolved);
      out.push(ref);
    }
  };
  visit(schema);
  return out;
}
