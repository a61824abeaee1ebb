/**
 * Fetches a schema with everything it references (GET /subjects/{s}/versions/{v} for each reference, recursively)
 * and builds its codec. Referenced versions are shared between the schemas that name them, fetched once.
 */
import { avroCodec } from './avro-codec';
import type { ResolvedSchema, SchemaCodec } from './codec';
import { jsonSchemaCodec } from './json-codec';
import { protobufCodec } from './protobuf-codec';
import type { SchemaRegistryClient, SchemaText, SubjectVersion } from './registry-client';

/** References deeper than this are a loop the registry let through (it checks, but an older one may not). */
const MAX_REFERENCE_DEPTH = 32;

/** A failure to fetch a referenced schema, told apart from failing to fetch the schema itself. */
export class ReferenceFetchError extends Error {
  override name = 'ReferenceFetchError';
}

export class SchemaLoader {
  private readonly versions = new Map<string, Promise<SubjectVersion>>();

  constructor(private readonly client: SchemaRegistryClient) {}

  async resolve(text: SchemaText, depth = 0): Promise<ResolvedSchema> {
    const references = await Promise.all(
      text.references.map(async (ref) => {
        if (depth >= MAX_REFERENCE_DEPTH) throw new ReferenceFetchError(`its references nest more than ${MAX_REFERENCE_DEPTH} deep (a loop?)`);
        const version = await this.version(ref.subject, ref.version);
        return { ...ref, resolved: await this.resolve(version, depth + 1) };
      }),
    );
    return { schema: text.schema, schemaType: text.schemaType, references };
  }

  private version(subject: string, version: number): Promise<SubjectVersion> {
    const key = `${subject}\u0000${version}`;
    let p = this.versions.get(key);
    if (p === undefined) {
      p = this.client.version(subject, version).catch((e: unknown) => {
        // Not kept: the next schema to name it asks again.
        this.versions.delete(key);
        throw new ReferenceFetchError(`its reference to ${subject} version ${version} cannot be fetched: ${lowerFirst((e as Error).message)}`, { cause: e });
      });
      this.versions.set(key, p);
    }
    return p;
  }
}

/** The codec for a schema's language; throws with the reason the schema cannot be used. */
export function codecFor(schema: ResolvedSchema): SchemaCodec {
  switch (schema.schemaType) {
    case 'AVRO':
      return avroCodec(schema);
    case 'PROTOBUF':
      return protobufCodec(schema);
    case 'JSON':
      return jsonSchemaCodec(schema);
  }
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
