/**
 * The shape of a referenced schema, shared by the `$ref` resolution (documents.ts) and the ajv check (validate.ts),
 * which would otherwise import each other.
 */
import type { JsonNode } from './json-text';

/** A referenced schema, under the name the referring schema's `$ref`s use for it. */
export interface NamedDocument {
  readonly name: string;
  readonly node: JsonNode;
}
