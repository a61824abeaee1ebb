/**
 * Protobuf schemas as Confluent's registry handles them (ProtobufSchemaProvider / ProtobufSchema): .proto text
 * (proto2 or proto3) or a base64 FileDescriptorProto, imports served by references or by the well-known files,
 * printed, normalized and compared as Confluent does. See ./protobuf/ for the parts.
 */

import { InvalidSchemaError, ParsedSchema, ResolvedReference, SchemaProvider } from '../schema-provider';
import { SchemaFiles, TypeContext } from './protobuf/context';
import { compareSchemas, COMPATIBLE_CHANGES, differenceMessage } from './protobuf/diff';
import { printProto, UnresolvedTypeError } from './protobuf/printer';
import { loadSchemaFiles } from './protobuf/schema-files';

class ProtobufSchema implements ParsedSchema {
  readonly schemaType = 'PROTOBUF';
  private readonly canonicalText: string;
  private readonly normalizedText: string;

  constructor(readonly files: SchemaFiles) {
    this.canonicalText = printProto(files.main, 'canonical');
    this.normalizedText = normalize(files);
  }

  canonical(): string {
    return this.canonicalText;
  }

  normalized(): string {
    return this.normalizedText;
  }

  isBackwardCompatible(previous: ParsedSchema): string[] {
    if (!(previous instanceof ProtobufSchema)) return ['Incompatible because of different schema type'];
    return compareSchemas(previous.files, this.files)
      .filter((difference) => !COMPATIBLE_CHANGES.has(difference.type))
      .map((difference) => differenceMessage(difference));
  }
}

/**
 * Confluent validates a Protobuf schema by normalizing it, which qualifies every type name: a name it cannot qualify
 * makes the schema invalid there, so it does here too.
 */
function normalize(files: SchemaFiles): string {
  const ctx = new TypeContext();
  ctx.collectTypeInfo(files);
  try {
    return printProto(files.main, 'normalized', ctx);
  } catch (error) {
    if (error instanceof UnresolvedTypeError) throw new InvalidSchemaError(`Invalid Protobuf schema: ${error.message}`);
    throw error;
  }
}

export const protobufProvider: SchemaProvider = {
  schemaType: 'PROTOBUF',
  parse(schema: string, references: readonly ResolvedReference[]): ParsedSchema {
    return new ProtobufSchema(loadSchemaFiles(schema, references));
  },
};
