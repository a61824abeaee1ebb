import { strict as assert } from 'node:assert';
import * as descriptor from 'protobufjs/ext/descriptor';
import { InvalidSchemaError, ResolvedReference } from '../../../src/broker/schema-registry/schema-provider';
import { protobufProvider } from '../../../src/broker/schema-registry/schema-types/protobuf';
import { JavaHashSet, javaIntegerHash, javaStringHash } from '../../../src/broker/schema-registry/schema-types/protobuf/java-hash';

/*
 * Expected texts follow Confluent's printer (ProtobufSchemaUtils.toString over Wire's ProtoFileElement): syntax and
 * package lines, then a blank line before each of imports, options, types (messages, then enums), extends and
 * services; inside a block a blank line before each section (reserved, options, fields, oneofs, groups, extensions,
 * extends, nested types); two spaces of indentation, a blank line inside a nested block indented too.
 */

const canonical = (schema: string, references: ResolvedReference[] = []): string =>
  protobufProvider.parse(schema, references).canonical();
const normalized = (schema: string, references: ResolvedReference[] = []): string =>
  protobufProvider.parse(schema, references).normalized();

function reference(name: string, schema: string, references: ResolvedReference[] = [], version = 1): ResolvedReference {
  return { name, subject: name.replace(/\.proto$/, ''), version, schemaType: 'PROTOBUF', schema, references };
}

function invalid(schema: string, message: RegExp, references: ResolvedReference[] = []): void {
  assert.throws(
    () => protobufProvider.parse(schema, references),
    (error: unknown) => error instanceof InvalidSchemaError && message.test(error.message),
  );
}

/** The error types Confluent reports going from `previous` to `next`, in its order. */
function incompatibilities(previous: string, next: string, previousRefs: ResolvedReference[] = [], nextRefs = previousRefs): string[] {
  const old = protobufProvider.parse(previous, previousRefs);
  return protobufProvider
    .parse(next, nextRefs)
    .isBackwardCompatible(old)
    .map((message) => /errorType:"([A-Z_]+)"/.exec(message)?.[1] ?? message);
}

const P3 = 'syntax = "proto3";\n';
const P2 = 'syntax = "proto2";\n';

describe('Protobuf schema provider', () => {
  describe('canonical text', () => {
    it('lays out a file as Confluent does: header lines, then sections, messages before enums, comments dropped', () => {
      const schema = [
        '// A comment before everything',
        'syntax = "proto3";',
        'import "google/protobuf/timestamp.proto";',
        'package shop.orders;',
        'option java_package = "com.shop";',
        'enum Status {\n  /* leading */ UNKNOWN = 0;\n  SHIPPED = 1; // trailing\n}',
        'message Order {',
        '  string id = 1; // trailing comment',
        '  google.protobuf.Timestamp placed = 2;',
        '  Status status = 3;',
        '}',
        'message Empty {}',
      ].join('\n');
      assert.equal(
        canonical(schema),
        'syntax = "proto3";\n' +
          'package shop.orders;\n' +
          '\n' +
          'import "google/protobuf/timestamp.proto";\n' +
          '\n' +
          'option java_package = "com.shop";\n' +
          '\n' +
          'message Order {\n' +
          '  string id = 1;\n' +
          '  google.protobuf.Timestamp placed = 2;\n' +
          '  Status status = 3;\n' +
          '}\n' +
          'message Empty {}\n' +
          'enum Status {\n' +
          '  UNKNOWN = 0;\n' +
          '  SHIPPED = 1;\n' +
          '}\n',
      );
    });

    it('prints the sections of a message in a fixed order, blank lines inside nested blocks indented', () => {
      const schema = `${P3}message Outer {
  message Inner {
    int32 a = 1;
    oneof choice { string s = 2; int64 n = 3; }
    reserved 9;
  }
  enum Kind { K0 = 0; }
  Inner inner = 1;
  oneof pick { Kind kind = 2; }
  option deprecated = true;
  reserved 5 to 7, 100 to max;
  reserved "old";
}
`;
      assert.equal(
        canonical(schema),
        `${P3}\nmessage Outer {\n` +
          '  reserved 5 to 7, 100 to max;\n' +
          '  reserved "old";\n' +
          '\n' +
          '  option deprecated = true;\n' +
          '\n' +
          '  Inner inner = 1;\n' +
          '\n' +
          '  oneof pick {\n' +
          '    Kind kind = 2;\n' +
          '  }\n' +
          '\n' +
          '  message Inner {\n' +
          '    reserved 9;\n' +
          '  \n' +
          '    int32 a = 1;\n' +
          '  \n' +
          '    oneof choice {\n' +
          '      string s = 2;\n' +
          '      int64 n = 3;\n' +
          '    }\n' +
          '  }\n' +
          '  enum Kind {\n' +
          '    K0 = 0;\n' +
          '  }\n' +
          '}\n',
      );
    });

    it('keeps proto2 labels, groups, extensions and extend blocks, and a file without syntax opens with a blank line', () => {
      const schema = `import "google/protobuf/descriptor.proto";
message Legacy {
  required int32 id = 0x1;
  optional string name = 2 [default = "n/a"];
  repeated group Item = 3 { optional int32 qty = 4; }
  extensions 100 to 199, 500;
}
extend Legacy { optional bool flagged = 100; }
extend google.protobuf.FieldOptions { optional string label = 50001; }
`;
      assert.equal(
        canonical(schema),
        '\nimport "google/protobuf/descriptor.proto";\n' +
          '\n' +
          'message Legacy {\n' +
          '  required int32 id = 1;\n' +
          '  optional string name = 2 [default = "n/a"];\n' +
          '\n' +
          '  repeated group Item = 3 {\n' +
          '    optional int32 qty = 4;\n' +
          '  }\n' +
          '\n' +
          '  extensions 100 to 199, 500;\n' +
          '}\n' +
          '\n' +
          'extend Legacy {\n' +
          '  optional bool flagged = 100;\n' +
          '}\n' +
          'extend google.protobuf.FieldOptions {\n' +
          '  optional string label = 50001;\n' +
          '}\n',
      );
    });

    it('prints field options on one line when there is one, one a line otherwise, default and json_name last', () => {
      const schema = `${P2}message M {
  optional int32 a = 1 [deprecated=true];
  optional string b = 2 [json_name = "bee", default = 'say "hi"\\n', deprecated = false];
  optional bytes c = 3 [default = "raw"];
  optional E e = 4 [default = E1];
  enum E { E0 = 0; E1 = 1 [deprecated = true]; }
}
`;
      assert.equal(
        canonical(schema),
        `${P2}\nmessage M {\n` +
          '  optional int32 a = 1 [deprecated = true];\n' +
          '  optional string b = 2 [\n' +
          '    deprecated = false,\n' +
          '    default = "say \\"hi\\"\\n",\n' +
          '    json_name = "bee"\n' +
          '  ];\n' +
          // Confluent prints a bytes default as a bare word (its printer treats bytes as a number).
          '  optional bytes c = 3 [default = raw];\n' +
          '  optional E e = 4 [default = E1];\n' +
          '\n' +
          '  enum E {\n' +
          '    E0 = 0;\n' +
          '    E1 = 1 [deprecated = true];\n' +
          '  }\n' +
          '}\n',
      );
    });

    it('prints aggregate option values as text-format blocks, gathering a repeated key into a list', () => {
      const schema = `${P3}import "confluent/meta.proto";
option (confluent.file_meta) = { doc: "it's", tags: "a" tags: ["b", "c"], params: [{key: "k", value: "v"}] };
option (confluent.file_meta).tags = ["d"];
message M {
  int32 a = 1 [(confluent.field_meta).doc = "x", (confluent.field_meta) = { tags: "PII" }];
}
`;
      assert.equal(
        canonical(schema),
        `${P3}\nimport "confluent/meta.proto";\n\n` +
          'option (confluent.file_meta) = {\n' +
          '  doc: "it\\\'s",\n' +
          '  tags: [\n' +
          '    "a",\n' +
          '    "b",\n' +
          '    "c"\n' +
          '  ],\n' +
          '  params: [\n' +
          '    {\n' +
          '      key: "k",\n' +
          '      value: "v"\n' +
          '    }\n' +
          '  ]\n' +
          '};\n' +
          'option (confluent.file_meta).tags = ["d"];\n' +
          '\n' +
          'message M {\n' +
          '  int32 a = 1 [\n' +
          '    (confluent.field_meta).doc = "x",\n' +
          '    (confluent.field_meta) = {\n' +
          '      tags: "PII"\n' +
          '    }\n' +
          '  ];\n' +
          '}\n',
      );
    });

    it('prints services and enums with their options, public imports after the others, weak imports dropped', () => {
      const schema = `${P3}package svc;
import public "google/protobuf/empty.proto";
import "google/protobuf/wrappers.proto";
import weak "google/protobuf/any.proto";
enum Level { option allow_alias = true; LOW = 0; MIN = 0; reserved 10 to 20; }
service Api {
  option deprecated = true;
  rpc Ping (google.protobuf.Empty) returns (google.protobuf.StringValue);
  rpc Watch (stream google.protobuf.Empty) returns (stream google.protobuf.StringValue) { option idempotency_level = NO_SIDE_EFFECTS; }
}
service Quiet {}
`;
      assert.equal(
        canonical(schema),
        `${P3}package svc;\n\n` +
          'import "google/protobuf/wrappers.proto";\n' +
          'import public "google/protobuf/empty.proto";\n' +
          '\n' +
          'enum Level {\n' +
          '  reserved 10 to 20;\n' +
          '  option allow_alias = true;\n' +
          '  LOW = 0;\n' +
          '  MIN = 0;\n' +
          '}\n' +
          '\n' +
          'service Api {\n' +
          '  option deprecated = true;\n' +
          '\n' +
          '  rpc Ping (google.protobuf.Empty) returns (google.protobuf.StringValue);\n' +
          '  rpc Watch (stream google.protobuf.Empty) returns (stream google.protobuf.StringValue) {\n' +
          '    option idempotency_level = NO_SIDE_EFFECTS;\n' +
          '  };\n' +
          '}\n' +
          'service Quiet {}\n',
      );
    });

    it('keeps map fields, proto3 optional and names as written', () => {
      const schema = `${P3}package a.b;
message M {
  map<string,  .a.b.M> children = 1;
  optional double ratio = 2;
  repeated b.M.N ns = 3;
  message N {}
}
`;
      assert.equal(
        canonical(schema),
        `${P3}package a.b;\n\n` +
          'message M {\n' +
          '  map<string, .a.b.M> children = 1;\n' +
          '  optional double ratio = 2;\n' +
          '  repeated b.M.N ns = 3;\n' +
          '\n' +
          '  message N {}\n' +
          '}\n',
      );
    });

    it('reads a base64 FileDescriptorProto as Confluent does (map fields as entry messages, json names kept)', () => {
      const file = descriptor.FileDescriptorProto.fromObject({
        name: 'order.proto',
        package: 'shop',
        syntax: 'proto3',
        dependency: ['google/protobuf/timestamp.proto'],
        options: { javaPackage: 'com.shop', optimizeFor: 'SPEED' },
        messageType: [
          {
            name: 'Order',
            field: [
              { name: 'id', number: 1, label: 'LABEL_OPTIONAL', type: 'TYPE_INT64', jsonName: 'id' },
              { name: 'at', number: 2, label: 'LABEL_OPTIONAL', type: 'TYPE_MESSAGE', typeName: '.google.protobuf.Timestamp' },
              { name: 'tags', number: 3, label: 'LABEL_REPEATED', type: 'TYPE_MESSAGE', typeName: '.shop.Order.TagsEntry' },
              { name: 'note', number: 4, label: 'LABEL_OPTIONAL', type: 'TYPE_STRING', oneofIndex: 0, proto3Optional: true },
            ],
            nestedType: [
              {
                name: 'TagsEntry',
                field: [
                  { name: 'key', number: 1, label: 'LABEL_OPTIONAL', type: 'TYPE_STRING' },
                  { name: 'value', number: 2, label: 'LABEL_OPTIONAL', type: 'TYPE_STRING' },
                ],
                options: { mapEntry: true },
              },
            ],
            oneofDecl: [{ name: '_note' }],
            reservedRange: [
              { start: 8, end: 9 },
              { start: 10, end: 20 },
            ],
          },
        ],
      });
      const text = Buffer.from(descriptor.FileDescriptorProto.encode(file).finish()).toString('base64');
      const parsed = protobufProvider.parse(text, []);
      assert.equal(
        parsed.canonical(),
        `${P3}package shop;\n\n` +
          'import "google/protobuf/timestamp.proto";\n\n' +
          'option java_package = "com.shop";\n' +
          'option optimize_for = SPEED;\n\n' +
          'message Order {\n' +
          '  reserved 8;\n' +
          '  reserved 10 to 19;\n' +
          '\n' +
          '  int64 id = 1 [json_name = "id"];\n' +
          '  .google.protobuf.Timestamp at = 2;\n' +
          '  repeated .shop.Order.TagsEntry tags = 3;\n' +
          '  optional string note = 4;\n' +
          '\n' +
          '  message TagsEntry {\n' +
          '    option map_entry = true;\n' +
          '  \n' +
          '    string key = 1;\n' +
          '    string value = 2;\n' +
          '  }\n' +
          '}\n',
      );
      // Normalizing prints the map entry back as the map field it stands for.
      assert.match(parsed.normalized(), /\n {2}map<string, string> tags = 3;\n/);
      assert.doesNotMatch(parsed.normalized(), /TagsEntry/);
    });
  });

  describe('invalid schemas', () => {
    it('refuses text that does not parse, naming line and column as Wire does (after the offending character)', () => {
      invalid(`${P3}message M {\n  int32 a = 1\n}`, /^Could not parse Protobuf - Syntax error in :4:2: expected ';' but was '}'$/);
      invalid('message M { int32 a = 1; }', /unexpected label: int32/); // proto2 needs labels
      invalid(`${P3}message M { required int32 a = 1; }`, /'required' label forbidden in proto3/);
      invalid('package p;\nsyntax = "proto3";', /'syntax' element must be the first declaration/);
      invalid('syntax = "proto4";', /unexpected syntax: proto4/);
      invalid('edition = "2023";', /edition is not currently supported/);
      invalid(`${P3}message M { map<string, int32> m = 1 }`, /expected ';'/);
      invalid(`${P3}message M { int32 a = 1; /* c */ int32 b = 2; }`, /no syntax may follow trailing comment/);
      invalid(`${P3}message M {}\nmessage M {}`, /M is already defined/);
      invalid('{"type": "record"}', /^Could not parse Protobuf - /);
    });

    it('refuses unknown imports and names that resolve to nothing', () => {
      invalid(`${P3}import "money.proto";\nmessage M {}`, /import "money.proto" is neither a reference of the schema nor a well-known file/);
      invalid(`${P3}message M { Missing m = 1; }`, /^Invalid Protobuf schema: no such Type or Enum 'Missing'/);
      invalid(`${P3}message M { map<string, Nope> m = 1; }`, /Nope/);
      // A well-known type still has to be imported.
      invalid(`${P3}message M { google.protobuf.Timestamp t = 1; }`, /google.protobuf.Timestamp/);
      invalid(`${P3}service S { rpc Get (Req) returns (Res); }`, /Req/);
      invalid(`${P2}extend Unknown { optional int32 x = 100; }`, /unresolvable extensions/);
    });

    it('refuses duplicate field numbers and names', () => {
      invalid(`${P3}message M { int32 a = 1; int32 b = 1; }`, /duplicate id 1/);
      invalid(`${P3}message M { int32 a = 1; string a = 2; }`, /duplicate name 'a'/);
    });
  });

  describe('references and well-known imports', () => {
    it('resolves the well-known Google and Confluent files without a reference', () => {
      const schema = `${P3}
import "google/protobuf/any.proto";
import "google/protobuf/duration.proto";
import "google/protobuf/empty.proto";
import "google/protobuf/field_mask.proto";
import "google/protobuf/struct.proto";
import "google/protobuf/timestamp.proto";
import "google/protobuf/wrappers.proto";
import "google/protobuf/descriptor.proto";
import "google/protobuf/api.proto";
import "google/type/date.proto";
import "google/type/money.proto";
import "confluent/meta.proto";
import "confluent/type/decimal.proto";
message Everything {
  google.protobuf.Any any = 1;
  google.protobuf.Duration duration = 2;
  google.protobuf.Empty empty = 3;
  google.protobuf.FieldMask mask = 4;
  google.protobuf.Struct struct = 5;
  google.protobuf.NullValue null_value = 6;
  google.protobuf.Timestamp timestamp = 7;
  google.protobuf.Int64Value wrapped = 8;
  google.protobuf.FileDescriptorProto file = 9;
  google.protobuf.Api api = 10;
  google.type.Date date = 11;
  google.type.Money money = 12;
  confluent.type.Decimal amount = 13 [(confluent.field_meta).params = { key: "scale" value: "2" }];
}
`;
      assert.doesNotThrow(() => protobufProvider.parse(schema, []));
    });

    it('serves imports from references, which may have references of their own', () => {
      const money = reference('money.proto', `${P3}package fin;\nmessage Money { int64 cents = 1; Currency currency = 2; }\nenum Currency { EUR = 0; }`);
      const line = reference('line.proto', `${P3}package shop;\nimport "money.proto";\nmessage Line { fin.Money price = 1; }`, [money]);
      const schema = `${P3}package shop;\nimport "line.proto";\nmessage Order { repeated Line lines = 1; fin.Currency currency = 2; }\n`;
      assert.equal(
        canonical(schema, [line]),
        `${P3}package shop;\n\nimport "line.proto";\n\nmessage Order {\n  repeated Line lines = 1;\n  fin.Currency currency = 2;\n}\n`,
      );
      assert.equal(
        normalized(schema, [line]),
        `${P3}package shop;\n\nimport "line.proto";\n\nmessage Order {\n  repeated .shop.Line lines = 1;\n  .fin.Currency currency = 2;\n}\n`,
      );
    });

    it('refuses a reference that does not parse or imports what it is not given', () => {
      const broken = reference('broken.proto', 'message {');
      invalid(`${P3}import "broken.proto";\nmessage M {}`, /^Could not parse Protobuf reference "broken.proto" - Syntax error/, [broken]);
      const orphan = reference('orphan.proto', `${P3}import "missing.proto";\nmessage O {}`);
      invalid(`${P3}import "orphan.proto";\nmessage M { O o = 1; }`, /in reference "orphan.proto": import "missing.proto"/, [orphan]);
    });
  });

  describe('normalized text', () => {
    it('qualifies type names, sorts imports, options, fields, oneofs, enum constants and reserved ranges', () => {
      const schema = `${P3}package a.b;
import "google/protobuf/timestamp.proto";
import "confluent/meta.proto";
option java_outer_classname = "Outer";
option go_package = "g";
message M {
  reserved 9, 3 to 4, "z", "y";
  map<string, Item> items = 4;
  google.protobuf.Timestamp at = 2;
  Item.Kind kind = 1 [json_name = "k", deprecated = true];
  oneof late { string x = 12; string w = 11; }
  oneof early { int32 v = 10; }
  message Item { enum Kind { B = 1; A = 0; } }
}
service S { rpc Get (M) returns (M.Item); }
`;
      assert.equal(
        normalized(schema),
        `${P3}package a.b;\n\n` +
          'import "confluent/meta.proto";\n' +
          'import "google/protobuf/timestamp.proto";\n' +
          '\n' +
          'option go_package = "g";\n' +
          'option java_outer_classname = "Outer";\n' +
          '\n' +
          'message M {\n' +
          '  reserved 3 to 4;\n' +
          '  reserved 9;\n' +
          '  reserved "y";\n' +
          '  reserved "z";\n' +
          '\n' +
          '  .a.b.M.Item.Kind kind = 1 [\n' +
          '    deprecated = true,\n' +
          '    json_name = "k"\n' +
          '  ];\n' +
          '  .google.protobuf.Timestamp at = 2;\n' +
          '  map<string, .a.b.M.Item> items = 4;\n' +
          '\n' +
          '  oneof early {\n' +
          '    int32 v = 10;\n' +
          '  }\n' +
          '  oneof late {\n' +
          '    string w = 11;\n' +
          '    string x = 12;\n' +
          '  }\n' +
          '\n' +
          '  message Item {\n' +
          '    enum Kind {\n' +
          '      A = 0;\n' +
          '      B = 1;\n' +
          '    }\n' +
          '  }\n' +
          '}\n' +
          '\n' +
          'service S {\n' +
          '  rpc Get (.a.b.M) returns (.a.b.M.Item);\n' +
          '}\n',
      );
    });

    it('drops a proto2 syntax line, qualifies custom options and merges their settings into one block', () => {
      const schema = `${P2}package p;
import "confluent/meta.proto";
import "google/protobuf/descriptor.proto";
extend google.protobuf.FieldOptions { optional Range range = 50000; }
message Range { optional double min = 1; optional double max = 2; }
message M {
  optional int32 a = 1 [(range).max = 1024.0, (range).min = 1e1, (confluent.field_meta).tags = "a", (confluent.field_meta).tags = "b"];
  optional int64 b = 2 [(confluent.field_meta) = { tags: ["only"] doc: "d" }, default = 0x10];
}
`;
      assert.equal(
        normalized(schema),
        'package p;\n\n' +
          'import "confluent/meta.proto";\n' +
          'import "google/protobuf/descriptor.proto";\n' +
          '\n' +
          'message Range {\n' +
          '  optional double min = 1;\n' +
          '  optional double max = 2;\n' +
          '}\n' +
          'message M {\n' +
          '  optional int32 a = 1 [\n' +
          '    (confluent.field_meta) = {\n' +
          '      tags: [\n' +
          '        "a",\n' +
          '        "b"\n' +
          '      ]\n' +
          '    },\n' +
          '    (p.range) = {\n' +
          '      max: 1024,\n' +
          '      min: 10\n' +
          '    }\n' +
          '  ];\n' +
          '  optional int64 b = 2 [\n' +
          '    (confluent.field_meta) = {\n' +
          '      doc: "d",\n' +
          '      tags: "only"\n' +
          '    },\n' +
          '    default = 16\n' +
          '  ];\n' +
          '}\n' +
          '\n' +
          'extend .google.protobuf.FieldOptions {\n' +
          '  optional .p.Range range = 50000;\n' +
          '}\n',
      );
    });

    it('gives the same text for schemas that differ only in order, qualification and layout', () => {
      const a = `${P3}package p;\nmessage M {\n  N n = 2;\n  int32 a = 1;\n  message N {}\n}\n`;
      const b = `${P3}package p; message M { int32 a = 1; .p.M.N n = 2; message N {} }`;
      assert.notEqual(canonical(a), canonical(b));
      assert.equal(normalized(a), normalized(b));
    });

    it('refuses a schema whose type names Confluent cannot qualify', () => {
      // Confluent validates by normalizing, and its type table has no groups: protobufjs resolves this, Confluent not.
      invalid(`${P2}message M {\n  optional group G = 1 { optional int32 a = 2; }\n  optional G again = 3;\n}`, /Could not resolve type: G/);
    });
  });

  describe('backward compatibility', () => {
    const base = `${P3}package p;\nmessage M {\n  string name = 1;\n  int32 count = 2;\n  Sub sub = 3;\n}\nmessage Sub { string s = 1; }\nenum E { E0 = 0; E1 = 1; }\n`;
    const edit = (from: string, to: string): string => {
      assert.ok(base.includes(from), from);
      return base.replace(from, to);
    };

    const cases: [string, string, string, string[]][] = [
      ['adding a field', base, edit('Sub sub = 3;', 'Sub sub = 3;\n  bool extra = 4;'), []],
      ['removing a field', base, edit('  int32 count = 2;\n', ''), []],
      ['renaming a field', base, edit('int32 count', 'int32 total'), []],
      ['renumbering a field (a removal and an addition)', base, edit('count = 2', 'count = 9'), []],
      ['adding a message', base, `${base}message Extra {}\n`, []],
      // Confluent walks message names in java.util.HashSet order: Sub before M.
      ['removing a message', base, edit('message Sub { string s = 1; }\n', '').replace('Sub sub = 3;', 'string sub = 3;'), ['MESSAGE_REMOVED', 'FIELD_KIND_CHANGED']],
      ['reordering messages', base, edit('message Sub { string s = 1; }\n', '').replace('message M', 'message Sub { string s = 1; }\nmessage M'), []],
      ['int32 to int64, uint32, uint64 or bool', base, edit('int32 count', 'uint64 count'), []],
      ['int32 to an enum', base, edit('int32 count', 'E count'), []],
      ['int32 to sint32', base, edit('int32 count', 'sint32 count'), ['FIELD_SCALAR_KIND_CHANGED']],
      ['int32 to fixed32', base, edit('int32 count', 'fixed32 count'), ['FIELD_SCALAR_KIND_CHANGED']],
      ['int32 to double', base, edit('int32 count', 'double count'), ['FIELD_SCALAR_KIND_CHANGED']],
      ['string to bytes', base, edit('string name', 'bytes name'), []],
      ['string to int32', base, edit('string name', 'int32 name'), ['FIELD_SCALAR_KIND_CHANGED']],
      ['a scalar to a message', base, edit('int32 count', 'Sub count'), ['FIELD_KIND_CHANGED']],
      ['a message to another message', base, `${edit('Sub sub', 'Other sub')}message Other { string s = 1; }\n`, ['FIELD_NAMED_TYPE_CHANGED']],
      ['a scalar to a map', base, edit('int32 count', 'map<string, int32> count'), ['FIELD_KIND_CHANGED']],
      ['proto3 implicit to repeated (no label to compare)', base, edit('int32 count', 'repeated int32 count'), []],
      ['optional to repeated, number', edit('int32 count', 'optional int32 count'), edit('int32 count', 'repeated int32 count'), ['FIELD_NUMERIC_LABEL_CHANGED']],
      ['optional to repeated, string', edit('string name', 'optional string name'), edit('string name', 'repeated string name'), []],
      ['optional to repeated, message', edit('Sub sub', 'optional Sub sub'), edit('Sub sub', 'repeated Sub sub'), []],
      ['moving one field into a new oneof', base, edit('  Sub sub = 3;\n', '  oneof pick { Sub sub = 3; bool none = 4; }\n'), []],
      ['moving two fields into a new oneof', base, edit('  int32 count = 2;\n  Sub sub = 3;\n', '  oneof pick { int32 count = 2; Sub sub = 3; }\n'), ['MULTIPLE_FIELDS_MOVED_TO_ONEOF']],
      [
        'moving a field into an existing oneof',
        edit('  Sub sub = 3;\n', '  oneof pick { Sub sub = 3; }\n'),
        edit('  int32 count = 2;\n  Sub sub = 3;\n', '  oneof pick { int32 count = 2; Sub sub = 3; }\n'),
        ['FIELD_MOVED_TO_EXISTING_ONEOF'],
      ],
      ['adding a field to a oneof', edit('  Sub sub = 3;\n', '  oneof pick { Sub sub = 3; }\n'), edit('  Sub sub = 3;\n', '  oneof pick { Sub sub = 3; bool b = 4; }\n'), []],
      ['removing a field from a oneof', edit('  Sub sub = 3;\n', '  oneof pick { Sub sub = 3; bool b = 4; }\n'), edit('  Sub sub = 3;\n', '  oneof pick { Sub sub = 3; }\n'), ['ONEOF_FIELD_REMOVED']],
      ['adding, renaming and removing enum constants', base, edit('E0 = 0; E1 = 1;', 'ZERO = 0; E2 = 2;'), []],
      ['removing an enum', base, edit('enum E { E0 = 0; E1 = 1; }\n', ''), []],
      ['changing the package', base, edit('package p;', 'package q;'), []],
      ['changing the syntax', base, edit(P3, '').replace(/(string|int32|Sub) (\w+) = /g, 'optional $1 $2 = '), []],
      ['changing a nested field\'s type', `${P3}message M { message N { string s = 1; } N n = 1; }`, `${P3}message M { message N { int64 s = 1; } N n = 1; }`, ['FIELD_SCALAR_KIND_CHANGED']],
    ];

    for (const [title, previous, next, expected] of cases) {
      it(`${title}: ${expected.length === 0 ? 'compatible' : expected.join(', ')}`, () => {
        assert.deepEqual(incompatibilities(previous, next), expected);
      });
    }

    it('proto2 required fields may be neither added nor removed', () => {
      const before = `${P2}message M { required int32 a = 1; optional int32 b = 2; }`;
      const after = `${P2}message M { optional int32 b = 2; required int32 c = 3; }`;
      assert.deepEqual(incompatibilities(before, after), ['REQUIRED_FIELD_REMOVED', 'REQUIRED_FIELD_ADDED']);
    });

    it('words each problem as Confluent does, leaving the reader and the writer as %s for the registry to name', () => {
      const before = `${P2}package p;\nmessage M { required int32 id = 1; optional string name = 2; oneof o { int32 x = 3; int32 y = 4; } }\nmessage Gone {}`;
      const after = `${P2}package p;\nmessage M { required int32 id = 1; optional bytes name = 2 ; required string code = 5; oneof o { int32 x = 3; } }`;
      const messages = protobufProvider.parse(after, []).isBackwardCompatible(protobufProvider.parse(before, []));
      assert.deepEqual(messages, [
        '{errorType:"ONEOF_FIELD_REMOVED", description:"The %s schema is missing a oneof field at path \'#/M/o/4\' in the %s schema"}',
        '{errorType:"REQUIRED_FIELD_ADDED", description:"A required field  at path \'#/M/5\' in the %s schema is missing in the %s schema"}',
        '{errorType:"MESSAGE_REMOVED", description:"The %s schema is missing a MESSAGE type at path \'#/Gone\' in the %s schema"}',
      ]);
      const scalar = protobufProvider
        .parse(`${P3}message Foo { string a = 1; }`, [])
        .isBackwardCompatible(protobufProvider.parse(`${P3}message Foo { double a = 1; }`, []));
      // Named as a backward check names them (String.format with "new", then "old").
      assert.deepEqual(
        scalar.map((m) => m.replace('%s', 'new').replace('%s', 'old')),
        [
          '{errorType:"FIELD_SCALAR_KIND_CHANGED", description:"The kind of a SCALAR field at path \'#/Foo/1\' in the new schema does not match its kind in the old schema"}',
        ],
      );
    });

    it('reports problems in the order Confluent walks its hash sets', () => {
      // Confluent iterates names and numbers through java.util.HashSet: not declaration order.
      const before = `${P3}message Alpha { int32 a = 1; }\nmessage Beta { int32 b = 1; }\nmessage Gamma { int32 g = 1; }`;
      const after = `${P3}message Gamma { string g = 1; }\nmessage Alpha { string a = 1; }\nmessage Beta { string b = 1; }`;
      const order = new JavaHashSet(javaStringHash);
      ['Alpha', 'Beta', 'Gamma'].forEach((name) => order.add(name));
      const paths = protobufProvider
        .parse(after, [])
        .isBackwardCompatible(protobufProvider.parse(before, []))
        .map((m) => /#\/(\w+)/.exec(m)?.[1]);
      assert.deepEqual(paths, order.values());
      // String.hashCode spread over 16 buckets: Gamma in bucket 1, Alpha in 8, Beta in 15.
      assert.deepEqual(paths, ['Gamma', 'Alpha', 'Beta']);
    });

    it('compares a referenced message when the reference changes version, reporting at the type', () => {
      const v1 = reference('money.proto', `${P3}package fin;\nmessage Money { int64 cents = 1; }`, [], 1);
      const v2 = reference('money.proto', `${P3}package fin;\nmessage Money { string cents = 1; }`, [], 2);
      const schema = `${P3}import "money.proto";\nmessage Price { fin.Money amount = 1; }`;
      const messages = protobufProvider.parse(schema, [v2]).isBackwardCompatible(protobufProvider.parse(schema, [v1]));
      assert.deepEqual(
        messages.map((m) => /errorType:"(\w+)".*'(#[^']*)'/.exec(m)?.slice(1).join(' ')),
        ['FIELD_SCALAR_KIND_CHANGED #/Money/1', 'FIELD_NAMED_TYPE_CHANGED #/Price/1'],
      );
      // The same version of the same subject is not compared again.
      assert.deepEqual(protobufProvider.parse(schema, [v1]).isBackwardCompatible(protobufProvider.parse(schema, [v1])), []);
    });

    it('treats a well-known enum as a number and a well-known message as a message', () => {
      const before = `${P3}import "google/protobuf/struct.proto";\nmessage M { int32 n = 1; google.protobuf.Struct s = 2; }`;
      const nullValue = `${P3}import "google/protobuf/struct.proto";\nmessage M { google.protobuf.NullValue n = 1; google.protobuf.Struct s = 2; }`;
      assert.deepEqual(incompatibilities(before, nullValue), []);
      const value = `${P3}import "google/protobuf/struct.proto";\nmessage M { google.protobuf.Value n = 1; google.protobuf.Struct s = 2; }`;
      assert.deepEqual(incompatibilities(before, value), ['FIELD_KIND_CHANGED']);
    });
  });

  describe('Java hash set order', () => {
    it('iterates as java.util.HashSet does, growing its table as Java does', () => {
      const strings = new JavaHashSet(javaStringHash);
      ['TestMessage', 'TestMessage2'].forEach((s) => strings.add(s));
      // Confluent's own expectations list TestMessage2 before TestMessage.
      assert.deepEqual(strings.values(), ['TestMessage2', 'TestMessage']);
      // 16 buckets by the low bits; 17 and 1 share bucket 1 in the order they came.
      const numbers = new JavaHashSet(javaIntegerHash);
      [20, 3, 17, 1].forEach((n) => numbers.add(n));
      assert.deepEqual(numbers.values(), [17, 1, 3, 20]);
      // A ninth entry in one bucket makes a small table double (Java's alternative to a tree bin), splitting it.
      const crowded = new JavaHashSet(javaIntegerHash);
      for (let n = 1; n <= 9; n++) crowded.add(n * 16);
      assert.deepEqual(crowded.values(), [32, 64, 96, 128, 16, 48, 80, 112, 144]);
    });
  });
});
