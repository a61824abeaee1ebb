/** The schema languages the registry serves, by Confluent's schemaType names. */
import type { SchemaProvider, SchemaType } from '../schema-provider';
import { avroProvider } from './avro';
import { protobufProvider } from './protobuf';
import { jsonSchemaProvider } from './json-schema';

export const SCHEMA_PROVIDERS: Readonly<Record<SchemaType, SchemaProvider>> = {
  AVRO: avroProvider,
  PROTOBUF: protobufProvider,
  JSON: jsonSchemaProvider,
};
