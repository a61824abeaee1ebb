/** Schema files without VS Code: the type a file holds, the record it defines, the subject named after it, its layout. */
import { strict as assert } from 'node:assert';
import { inferSchemaType, prettySchema, recordFullName, subjectFromFileName } from '../../../src/schemas/schema-files';

const AVRO_RECORD = '{"type":"record","name":"Order","namespace":"com.example","fields":[{"name":"id","type":"string"}]}';
const JSON_SCHEMA = '{"$schema":"http://json-schema.org/draft-07/schema#","title":"Order","type":"object","properties":{"id":{"type":"string"}}}';
const PROTO = 'syntax = "proto3";\npackage shop.v1;\n\nimport "google/protobuf/timestamp.proto";\n\nmessage Order {\n  string id = 1;\n}\nmessage Line { int32 n = 1; }\n';

describe('Schema files: type, record name, subject, layout (no VS Code)', () => {
  it('infers the type from the extension first: .avsc and .avro are Avro, .proto Protobuf, whatever they hold', () => {
    assert.equal(inferSchemaType('/w/order.avsc', JSON_SCHEMA), 'AVRO');
    assert.equal(inferSchemaType('C:\\w\\order.AVRO', '"string"'), 'AVRO');
    assert.equal(inferSchemaType('/w/order.proto', ''), 'PROTOBUF');
  });

  it('else from the text: JSON Schema keywords, an Avro named type or union, Protobuf syntax; nothing when it cannot tell', () => {
    assert.equal(inferSchemaType('/w/order.json', JSON_SCHEMA), 'JSON');
    assert.equal(inferSchemaType('order.json', '{"type":"object"}'), 'JSON');
    assert.equal(inferSchemaType('order.json', '{"properties":{"a":{}}}'), 'JSON');
    assert.equal(inferSchemaType('order.json', AVRO_RECORD), 'AVRO', 'an Avro record in a .json file');
    assert.equal(inferSchemaType(undefined, '{"type":"enum","name":"Suit","symbols":["SPADES"]}'), 'AVRO');
    assert.equal(inferSchemaType(undefined, '["null","string"]'), 'AVRO');
    assert.equal(inferSchemaType(undefined, '{"type":"array","items":"string"}'), undefined, 'an Avro array or a JSON Schema one: asked');
    assert.equal(inferSchemaType('Untitled-1', PROTO), 'PROTOBUF');
    assert.equal(inferSchemaType(undefined, 'message A { string b = 1; }'), 'PROTOBUF');
    assert.equal(inferSchemaType('order.json', '{"type":"string"}'), undefined, 'valid as both: asked');
    assert.equal(inferSchemaType('notes.txt', 'hello'), undefined);
  });

  it("names the record as the record-name strategies do: Avro namespace and name, Protobuf package and first message, JSON Schema's title", () => {
    assert.equal(recordFullName('AVRO', AVRO_RECORD), 'com.example.Order');
    assert.equal(recordFullName('AVRO', '{"type":"record","name":"a.b.C","namespace":"ignored","fields":[]}'), 'a.b.C');
    assert.equal(recordFullName('AVRO', '{"type":"record","name":"C","fields":[]}'), 'C');
    assert.equal(recordFullName('AVRO', '"string"'), undefined);
    assert.equal(recordFullName('PROTOBUF', PROTO), 'shop.v1.Order');
    assert.equal(recordFullName('PROTOBUF', 'message A {}'), 'A');
    assert.equal(recordFullName('PROTOBUF', 'syntax = "proto3";'), undefined);
    assert.equal(recordFullName('JSON', JSON_SCHEMA), 'Order');
    assert.equal(recordFullName('JSON', '{"type":"object"}'), undefined);
  });

  it('names a subject after a file without its extension', () => {
    assert.equal(subjectFromFileName('/w/schemas/orders-value.avsc'), 'orders-value');
    assert.equal(subjectFromFileName('C:\\w\\com.example.Order.proto'), 'com.example.Order');
    assert.equal(subjectFromFileName('Untitled-1'), 'Untitled-1');
  });

  it('lays out Avro and JSON Schema two spaces a level, every token as written; Protobuf and non-JSON text as they are', () => {
    assert.equal(
      prettySchema('AVRO', '{"type":"record","name":"R","fields":[{"name":"x","type":"double","default":1.0},{"name":"s","type":"string","default":"a, {b}: \\"c\\""},{"name":"e","type":{"type":"array","items":"int"},"default":[]}]}'),
      [
        '{',
        '  "type": "record",',
        '  "name": "R",',
        '  "fields": [',
        '    {',
        '      "name": "x",',
        '      "type": "double",',
        '      "default": 1.0',
        '    },',
        '    {',
        '      "name": "s",',
        '      "type": "string",',
        '      "default": "a, {b}: \\"c\\""',
        '    },',
        '    {',
        '      "name": "e",',
        '      "type": {',
        '        "type": "array",',
        '        "items": "int"',
        '      },',
        '      "default": []',
        '    }',
        '  ]',
        '}',
        '',
      ].join('\n'),
    );
    assert.equal(prettySchema('JSON', '{ "big": 12345678901234567890, "o": { } }'), '{\n  "big": 12345678901234567890,\n  "o": {}\n}\n');
    assert.equal(prettySchema('AVRO', '"string"'), '"string"\n');
    assert.equal(prettySchema('PROTOBUF', PROTO), PROTO);
    assert.equal(prettySchema('JSON', '{not json'), '{not json\n');
  });
});
