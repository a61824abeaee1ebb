/**
 * What decoding and encoding a record's key or value through a schema registry gives (Confluent's wire format:
 * magic byte 0, the schema id as a big-endian int32, for Protobuf the message-index list, then the payload). Shared
 * by the consumer panel, the .kafka runner, the segment inspector, the producer and the tests. No vscode import.
 */
import type { SchemaReference, SchemaType } from './registry-client';

/** Which schema a value was written with, as the registry knows it. */
export interface SchemaInfo {
  id: number;
  type: SchemaType;
  /** The subject and version holding the schema (the topic's own subject preferred); absent when none does any more. */
  subject?: string;
  version?: number;
  /** Protobuf: the full name of the message type the indexes point at. Avro: the record's full name. */
  messageName?: string;
}

export type DecodeResult =
  /** Not in the wire format (no magic byte, or too short): shown as it is. */
  | { kind: 'plain' }
  /** `json` is the value as JSON text (Avro as Confluent's console consumer prints it, Protobuf in proto3's JSON mapping). */
  | { kind: 'decoded'; schema: SchemaInfo; json: string }
  /** In the wire format but not readable: the schema id when it was read, and why (unknown id, registry down, bad payload). */
  | { kind: 'error'; schemaId?: number; reason: string };

/** Where the schema to encode with comes from. */
export interface EncodeSchema {
  subject: string;
  /** A registered version (default: latest). Ignored when `schema` is given. */
  version?: number | 'latest';
  /** A schema to use instead of a registered version: registered under `subject` first when autoRegister, else it must be registered already (looked up). */
  schema?: { schema: string; schemaType: SchemaType; references?: SchemaReference[] };
  autoRegister?: boolean;
  /** Protobuf: the message type to encode (full name, or name); default the schema's first message. */
  messageName?: string;
}

/** The input does not fit the schema: each problem with its JSON path, so the user is told before anything is sent. */
export class SchemaValidationError extends Error {
  override name = 'SchemaValidationError';
  constructor(
    message: string,
    readonly problems: string[],
  ) {
    super(message);
  }
}
