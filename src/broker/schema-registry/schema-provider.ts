/**
 * What the registry needs of each schema language (Confluent's SchemaProvider and ParsedSchema): parse and validate a
 * schema with the schemas it references, give the text the registry stores and compares (its canonical string, or its
 * normalized one on request), and say whether a new schema can read what an older one wrote. The registry itself
 * (subjects, versions, ids, compatibility levels) does not know any language; src/broker/schema-registry/schema-types
 * has one provider per language.
 */

export type SchemaType = 'AVRO' | 'PROTOBUF' | 'JSON';

/** A reference as a client sends it: the name the referring schema uses for it, and the subject and version holding it. */
export interface SchemaReference {
  name: string;
  subject: string;
  version: number;
}

/**
 * A reference looked up: its schema's text as stored, its type, and its own references, resolved likewise (a
 * reference may itself reference others). `name` is how the referring schema imports it: an Avro full type name, a
 * Protobuf import path ("other.proto"), a JSON Schema `$ref` URL.
 */
export interface ResolvedReference {
  name: string;
  subject: string;
  version: number;
  schemaType: SchemaType;
  schema: string;
  references: ResolvedReference[];
}

/** A schema that does not parse or is not valid: the registry answers it 422 with error code 42201 and this message. */
export class InvalidSchemaError extends Error {
  override name = 'InvalidSchemaError';
}

export interface ParsedSchema {
  readonly schemaType: SchemaType;
  /**
   * The text the registry stores and serves for this schema, as Confluent's `canonicalString()` gives it (for Avro,
   * Java Avro's `Schema.toString()`: compact JSON, keys in Avro's order). Two registrations of schemas with the same
   * canonical string, type and references are the same schema (the same id).
   */
  canonical(): string;
  /** Confluent's `normalize()` then `canonicalString()`: what `?normalize=true` registers and looks up. */
  normalized(): string;
  /**
   * Confluent's `isBackwardCompatible(previous)`: whether data written with `previous` can be read with this schema.
   * Empty when it can; otherwise one message per problem, in the words of Confluent's messages where it has them.
   * `previous` is always of the same type (the registry refuses a type change before asking).
   */
  isBackwardCompatible(previous: ParsedSchema): string[];
}

export interface SchemaProvider {
  readonly schemaType: SchemaType;
  /** Parses `schema` with its references resolved; throws InvalidSchemaError with the reason when it is not valid. */
  parse(schema: string, references: readonly ResolvedReference[]): ParsedSchema;
}
