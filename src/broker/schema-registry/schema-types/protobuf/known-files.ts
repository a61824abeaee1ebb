/**
 * The files a schema may import without a reference, as Confluent's registry allows (ProtobufSchema's
 * KNOWN_DEPENDENCIES): Google's well-known types, the google/type common types and Confluent's own meta and decimal
 * types. Google's protobuf files come from protobufjs (its bundled definitions); the others are declared here, types
 * and fields only.
 */

import * as protobuf from 'protobufjs';
import { emptyFile, emptyMessage, EnumElement, FieldElement, MessageElement, ProtoFile, TypeElement } from './ast';
import { parseProto } from './parser';

export interface KnownFile {
  /** The import path. */
  readonly name: string;
  /** The files it imports in turn. */
  readonly imports: readonly string[];
  /** Adds its definitions to a protobufjs root. */
  addTo(root: protobuf.Root): void;
  /** Its declarations, for resolving names and comparing types. */
  readonly proto: ProtoFile;
}

interface JsonNamespace {
  nested?: Record<string, JsonNode>;
}
interface JsonNode extends JsonNamespace {
  fields?: Record<string, { type: string; id: number; rule?: string; keyType?: string; protoName?: string }>;
  oneofs?: Record<string, { oneof: string[] }>;
  values?: Record<string, number>;
  methods?: unknown;
}

const GOOGLE_JSON_FILES: Record<string, { json: () => JsonNamespace; imports: string[] }> = {
  'google/protobuf/any.proto': { json: () => commonJson('any'), imports: [] },
  'google/protobuf/duration.proto': { json: () => commonJson('duration'), imports: [] },
  'google/protobuf/empty.proto': { json: () => commonJson('empty'), imports: [] },
  'google/protobuf/field_mask.proto': { json: () => commonJson('field_mask'), imports: [] },
  'google/protobuf/struct.proto': { json: () => commonJson('struct'), imports: [] },
  'google/protobuf/timestamp.proto': { json: () => commonJson('timestamp'), imports: [] },
  'google/protobuf/wrappers.proto': { json: () => commonJson('wrappers'), imports: [] },
  'google/protobuf/descriptor.proto': {
    json: () => require('protobufjs/google/protobuf/descriptor.json') as JsonNamespace,
    imports: [],
  },
  'google/protobuf/source_context.proto': {
    json: () => require('protobufjs/google/protobuf/source_context.json') as JsonNamespace,
    imports: [],
  },
  'google/protobuf/type.proto': {
    json: () => require('protobufjs/google/protobuf/type.json') as JsonNamespace,
    imports: ['google/protobuf/any.proto', 'google/protobuf/source_context.proto'],
  },
  'google/protobuf/api.proto': {
    json: () => require('protobufjs/google/protobuf/api.json') as JsonNamespace,
    imports: ['google/protobuf/source_context.proto', 'google/protobuf/type.proto'],
  },
};

function commonJson(name: string): JsonNamespace {
  const json = (protobuf.common as unknown as Record<string, JsonNamespace | undefined>)[`google/protobuf/${name}.proto`];
  if (json === undefined) throw new Error(`protobufjs has no google/protobuf/${name}.proto`);
  return json;
}

/** Declared here as text: each names its types and fields as the published file does. */
const TEXT_FILES: Record<string, string> = {
  'confluent/meta.proto': `syntax = "proto3";
package confluent;
import "google/protobuf/descriptor.proto";
message Meta {
  string doc = 1;
  map<string, string> params = 2;
  repeated string tags = 3;
}
extend google.protobuf.FileOptions { Meta file_meta = 1088; }
extend google.protobuf.MessageOptions { Meta message_meta = 1088; }
extend google.protobuf.FieldOptions { Meta field_meta = 1088; }
extend google.protobuf.EnumOptions { Meta enum_meta = 1088; }
extend google.protobuf.EnumValueOptions { Meta enum_value_meta = 1088; }
`,
  'confluent/type/decimal.proto': `syntax = "proto3";
package confluent.type;
message Decimal {
  bytes value = 1;
  uint32 precision = 2;
  int32 scale = 3;
}
`,
  'google/type/calendar_period.proto': `syntax = "proto3";
package google.type;
enum CalendarPeriod {
  CALENDAR_PERIOD_UNSPECIFIED = 0;
  DAY = 1;
  WEEK = 2;
  FORTNIGHT = 3;
  MONTH = 4;
  QUARTER = 5;
  HALF = 6;
  YEAR = 7;
}
`,
  'google/type/color.proto': `syntax = "proto3";
package google.type;
import "google/protobuf/wrappers.proto";
message Color {
  float red = 1;
  float green = 2;
  float blue = 3;
  google.protobuf.FloatValue alpha = 4;
}
`,
  'google/type/date.proto': `syntax = "proto3";
package google.type;
message Date {
  int32 year = 1;
  int32 month = 2;
  int32 day = 3;
}
`,
  'google/type/datetime.proto': `syntax = "proto3";
package google.type;
import "google/protobuf/duration.proto";
message DateTime {
  int32 year = 1;
  int32 month = 2;
  int32 day = 3;
  int32 hours = 4;
  int32 minutes = 5;
  int32 seconds = 6;
  int32 nanos = 7;
  oneof time_offset {
    google.protobuf.Duration utc_offset = 8;
    TimeZone time_zone = 9;
  }
}
message TimeZone {
  string id = 1;
  string version = 2;
}
`,
  'google/type/dayofweek.proto': `syntax = "proto3";
package google.type;
enum DayOfWeek {
  DAY_OF_WEEK_UNSPECIFIED = 0;
  MONDAY = 1;
  TUESDAY = 2;
  WEDNESDAY = 3;
  THURSDAY = 4;
  FRIDAY = 5;
  SATURDAY = 6;
  SUNDAY = 7;
}
`,
  'google/type/decimal.proto': `syntax = "proto3";
package google.type;
message Decimal {
  string value = 1;
}
`,
  'google/type/expr.proto': `syntax = "proto3";
package google.type;
message Expr {
  string expression = 1;
  string title = 2;
  string description = 3;
  string location = 4;
}
`,
  'google/type/fraction.proto': `syntax = "proto3";
package google.type;
message Fraction {
  int64 numerator = 1;
  int64 denominator = 2;
}
`,
  'google/type/interval.proto': `syntax = "proto3";
package google.type;
import "google/protobuf/timestamp.proto";
message Interval {
  google.protobuf.Timestamp start_time = 1;
  google.protobuf.Timestamp end_time = 2;
}
`,
  'google/type/latlng.proto': `syntax = "proto3";
package google.type;
message LatLng {
  double latitude = 1;
  double longitude = 2;
}
`,
  'google/type/money.proto': `syntax = "proto3";
package google.type;
message Money {
  string currency_code = 1;
  int64 units = 2;
  int32 nanos = 3;
}
`,
  'google/type/month.proto': `syntax = "proto3";
package google.type;
enum Month {
  MONTH_UNSPECIFIED = 0;
  JANUARY = 1;
  FEBRUARY = 2;
  MARCH = 3;
  APRIL = 4;
  MAY = 5;
  JUNE = 6;
  JULY = 7;
  AUGUST = 8;
  SEPTEMBER = 9;
  OCTOBER = 10;
  NOVEMBER = 11;
  DECEMBER = 12;
}
`,
  'google/type/phone_number.proto': `syntax = "proto3";
package google.type;
message PhoneNumber {
  message ShortCode {
    string region_code = 1;
    string number = 2;
  }
  oneof kind {
    string e164_number = 1;
    ShortCode short_code = 2;
  }
  string extension = 3;
}
`,
  'google/type/postal_address.proto': `syntax = "proto3";
package google.type;
message PostalAddress {
  int32 revision = 1;
  string region_code = 2;
  string language_code = 3;
  string postal_code = 4;
  string sorting_code = 5;
  string administrative_area = 6;
  string locality = 7;
  string sublocality = 8;
  repeated string address_lines = 9;
  repeated string recipients = 10;
  string organization = 11;
}
`,
  'google/type/quaternion.proto': `syntax = "proto3";
package google.type;
message Quaternion {
  double x = 1;
  double y = 2;
  double z = 3;
  double w = 4;
}
`,
  'google/type/timeofday.proto': `syntax = "proto3";
package google.type;
message TimeOfDay {
  int32 hours = 1;
  int32 minutes = 2;
  int32 seconds = 3;
  int32 nanos = 4;
}
`,
};

let knownFiles: ReadonlyMap<string, KnownFile> | null = null;

/** The known files by import path, built once: their trees are shared, as Confluent shares its parsed copies. */
export function getKnownFiles(): ReadonlyMap<string, KnownFile> {
  if (knownFiles === null) {
    const files = new Map<string, KnownFile>();
    for (const [name, source] of Object.entries(GOOGLE_JSON_FILES)) {
      const json = source.json();
      files.set(name, {
        name,
        imports: source.imports,
        addTo: (root) => addJsonTypes(root, json, ''),
        proto: jsonToProto(json),
      });
    }
    for (const [name, text] of Object.entries(TEXT_FILES)) {
      const proto = parseProto(text);
      files.set(name, {
        name,
        imports: proto.imports,
        addTo: (root) => void protobuf.parse(text, root, { keepCase: true }),
        proto,
      });
    }
    knownFiles = files;
  }
  return knownFiles;
}

/**
 * Adds the types of a JSON definition that the root does not have yet: protobufjs's api.json and type.json carry
 * copies of the types they import (SourceContext, Option, Any), which would otherwise be declared twice.
 */
function addJsonTypes(root: protobuf.Root, namespace: JsonNamespace, path: string): void {
  for (const [name, node] of Object.entries(namespace.nested ?? {})) {
    const fullName = `${path}.${name}`;
    if (!isType(node)) {
      addJsonTypes(root, node, fullName);
    } else if (root.lookup(fullName) === null) {
      const parent = path === '' ? root : root.define(path.substring(1));
      parent.addJSON({ [name]: node as protobuf.AnyNestedObject });
    }
  }
}

/** A protobufjs JSON definition as a file tree: the namespaces down to the first types are its package. */
function jsonToProto(json: JsonNamespace): ProtoFile {
  const file = emptyFile();
  let namespace: JsonNamespace = json;
  const packageParts: string[] = [];
  for (;;) {
    const entries = Object.entries(namespace.nested ?? {});
    const only = entries.length === 1 ? entries[0] : undefined;
    if (only === undefined || isType(only[1])) break;
    packageParts.push(only[0]);
    namespace = only[1];
  }
  file.packageName = packageParts.length > 0 ? packageParts.join('.') : null;
  file.syntax = 'proto3';
  file.types = jsonTypes(namespace);
  return file;
}

function isType(node: JsonNode): boolean {
  return node.fields !== undefined || node.values !== undefined || node.methods !== undefined;
}

function jsonTypes(namespace: JsonNamespace): TypeElement[] {
  const types: TypeElement[] = [];
  for (const [name, node] of Object.entries(namespace.nested ?? {})) {
    if (node.values !== undefined) types.push(jsonEnum(name, node.values));
    else if (node.fields !== undefined) types.push(jsonMessage(name, node));
  }
  return types;
}

function jsonEnum(name: string, values: Record<string, number>): EnumElement {
  return {
    kind: 'enum',
    name,
    options: [],
    reserveds: [],
    constants: Object.entries(values).map(([constant, tag]) => ({ name: constant, tag, options: [] })),
  };
}

function jsonMessage(name: string, node: JsonNode): MessageElement {
  const message = emptyMessage(name);
  const fields = new Map<string, FieldElement>();
  for (const [key, field] of Object.entries(node.fields ?? {})) {
    fields.set(key, {
      label: field.rule === 'repeated' ? 'repeated' : null,
      type: field.keyType !== undefined ? `map<${field.keyType}, ${field.type}>` : field.type,
      name: field.protoName ?? key,
      tag: field.id,
      defaultValue: null,
      jsonName: null,
      options: [],
    });
  }
  for (const [oneOfName, oneOf] of Object.entries(node.oneofs ?? {})) {
    const members = oneOf.oneof.flatMap((key) => fields.get(key) ?? []);
    oneOf.oneof.forEach((key) => fields.delete(key));
    message.oneOfs.push({ name: oneOfName, fields: members, groups: [], options: [] });
  }
  message.fields = [...fields.values()];
  message.nestedTypes = jsonTypes(node);
  return message;
}
