/**
 * JSON Schema through the schema serde against the embedded registry: the payload shown as its JSON text (compact,
 * exact), input checked with ajv against the schema's draft and its references, every problem named.
 */
import { strict as assert } from 'node:assert';
import { jsonSchemaCodec } from '../../../src/schemas/json-codec';
import { SchemaSerde } from '../../../src/schemas/schema-serde';
import { SchemaValidationError } from '../../../src/schemas/serde-types';
import { startRegistry, type RegistryFixture } from './registry-fixture';

const ADDRESS = JSON.stringify({
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  properties: { street: { type: 'string' }, zip: { type: 'string', pattern: '^[0-9]{5}$' } },
  required: ['street'],
});

const PERSON = JSON.stringify({
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://example.com/person.json',
  title: 'Person',
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1 },
    age: { type: 'integer', minimum: 0 },
    email: { type: 'string', format: 'email' },
    home: { $ref: 'address.json' },
  },
  required: ['name', 'age'],
  additionalProperties: false,
});

describe('Schema serde: JSON Schema', function () {
  this.timeout(30_000);
  let reg: RegistryFixture;
  let serde: SchemaSerde;
  let personId: number;

  before(async () => {
    reg = await startRegistry();
    await reg.register('address', 'JSON', ADDRESS);
    personId = await reg.register('people-value', 'JSON', PERSON, [{ name: 'address.json', subject: 'address', version: 1 }]);
  });
  after(async () => {
    await reg.close();
  });
  beforeEach(() => {
    serde = new SchemaSerde(reg.client);
  });

  it('encodes a valid value as its JSON text and decodes it back, the reference resolved', async () => {
    const value = { name: 'Ada', age: 36, email: 'ada@example.com', home: { street: 'Main St', zip: '12345' } };
    const { bytes, schema } = await serde.encode(value, { subject: 'people-value' });
    assert.deepEqual(schema, { id: personId, type: 'JSON', subject: 'people-value', version: 1 });
    assert.equal(bytes.subarray(5).toString('utf8'), JSON.stringify(value));
    assert.deepEqual(await serde.decode(bytes, { topic: 'people' }), { kind: 'decoded', schema, json: JSON.stringify(value) });
  });

  it('refuses an invalid value with every problem, each at its path', async () => {
    await assert.rejects(serde.encode({ name: '', age: -1.5, email: 'nope', home: { zip: '1' }, extra: 1 }, { subject: 'people-value' }), (e: unknown) => {
      assert.ok(e instanceof SchemaValidationError);
      assert.deepEqual([...e.problems].sort(), [
        "/ must not have the property 'extra'",
        '/age must be >= 0',
        '/age must be integer',
        '/email must match format "email"',
        "/home must have required property 'street'",
        '/home/zip must match pattern "^[0-9]{5}$"',
        '/name must NOT have fewer than 1 characters',
      ]);
      assert.match(e.message, new RegExp(`^The value does not fit schema ${personId} \\(people-value version 1, JSON\\): `));
      return true;
    });
  });

  it('shows the payload compact but exact: big integers and escapes as written; not JSON is an error', async () => {
    const header = Buffer.alloc(5);
    header.writeInt32BE(personId, 1);
    const text = '{ "name" : "A \\" b\\u00e9" ,\n  "age": 12345678901234567890123 }';
    const decoded = await serde.decode(Buffer.concat([header, Buffer.from(text)]));
    assert.ok(decoded.kind === 'decoded');
    assert.equal(decoded.json, '{"name":"A \\" b\\u00e9","age":12345678901234567890123}');
    const bad = await serde.decode(Buffer.concat([header, Buffer.from('{"name": ')]));
    assert.ok(bad.kind === 'error');
    assert.match(bad.reason, new RegExp(`^the payload does not match schema ${personId} \\(JSON\\): `));
    const binary = await serde.decode(Buffer.concat([header, Buffer.from([0xff, 0xfe])]));
    assert.ok(binary.kind === 'error');
    assert.match(binary.reason, /it is not UTF-8 text/);
  });

  it('checks against the draft the schema names: draft-04 exclusive limits, 2020-12 keywords', async () => {
    await reg.register('d4-value', 'JSON', JSON.stringify({ $schema: 'http://json-schema.org/draft-04/schema#', type: 'number', minimum: 0, exclusiveMinimum: true }));
    await assert.rejects(serde.encode(0, { subject: 'd4-value' }), (e: SchemaValidationError) => {
      assert.deepEqual(e.problems, ['/ must be > 0']);
      return true;
    });
    assert.equal((await serde.encode(0.5, { subject: 'd4-value' })).bytes.subarray(5).toString(), '0.5');
    await reg.register('d2020-value', 'JSON', JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'array', prefixItems: [{ type: 'string' }], items: false }));
    await assert.rejects(serde.encode(['a', 'b'], { subject: 'd2020-value' }), SchemaValidationError);
    assert.equal((await serde.encode(['a'], { subject: 'd2020-value' })).bytes.subarray(5).toString(), '["a"]');
  });

  it('takes a reference whose own $id is the URL its name resolves to (ajv has it under both)', () => {
    const codec = jsonSchemaCodec({
      schema: JSON.stringify({ $id: 'https://example.com/person.json', type: 'object', properties: { home: { $ref: 'address.json' } } }),
      schemaType: 'JSON',
      references: [
        {
          name: 'address.json',
          subject: 'address',
          version: 1,
          resolved: { schema: JSON.stringify({ $id: 'https://example.com/address.json', type: 'object', required: ['street'] }), schemaType: 'JSON', references: [] },
        },
      ],
    });
    assert.throws(() => codec.encode({ home: {} }), (e: SchemaValidationError) => e.problems[0] === "/home must have required property 'street'");
    assert.equal(new TextDecoder().decode(codec.encode({ home: { street: 's' } }).payload), '{"home":{"street":"s"}}');
  });
});
