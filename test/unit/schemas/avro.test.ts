/**
 * Avro through the schema serde against the embedded registry: decoding to Avro's JSON encoding (what Confluent's
 * kafka-avro-console-consumer prints), encoding from it and from plainer JSON, references to other subjects, and
 * the problems an input that does not fit is refused with.
 */
import { strict as assert } from 'node:assert';
import * as avro from 'avsc';
import { SchemaSerde } from '../../../src/schemas/schema-serde';
import { SchemaValidationError } from '../../../src/schemas/serde-types';
import { startRegistry, type RegistryFixture } from './registry-fixture';

const ADDRESS = JSON.stringify({
  type: 'record',
  name: 'Address',
  namespace: 'com.example.common',
  fields: [
    { name: 'street', type: 'string' },
    { name: 'zip', type: ['null', 'string'], default: null },
  ],
});

const USER = JSON.stringify({
  type: 'record',
  name: 'User',
  namespace: 'com.example',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'name', type: 'string' },
    { name: 'email', type: ['null', 'string'], default: null },
    { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['ACTIVE', 'SUSPENDED'] } },
    { name: 'tags', type: { type: 'array', items: 'string' } },
    { name: 'scores', type: { type: 'map', values: 'double' } },
    { name: 'home', type: 'com.example.common.Address' },
    { name: 'avatar', type: 'bytes' },
    { name: 'hash', type: { type: 'fixed', name: 'Hash', size: 4 } },
    { name: 'ratio', type: 'float' },
    { name: 'choice', type: ['null', 'int', 'com.example.common.Address', { type: 'array', items: 'long' }], default: null },
    { name: 'active', type: 'boolean', default: true },
  ],
});

/** A User in Avro's JSON encoding: unions wrapped, bytes as ISO-8859-1, a long beyond 2^53 exact. */
const USER_JSON =
  '{"id":9007199254740993,"name":"Ada","email":{"string":"ada@example.com"},"status":"SUSPENDED","tags":["a","b"],' +
  '"scores":{"math":1.5,"art":-2},"home":{"street":"Main St","zip":null},"avatar":"\\u0000ÿhi","hash":"ABCD",' +
  '"ratio":0.1,"choice":{"com.example.common.Address":{"street":"Side St","zip":{"string":"12345"}}},"active":false}';

describe('Schema serde: Avro', function () {
  this.timeout(30_000);
  let reg: RegistryFixture;
  let serde: SchemaSerde;
  let userId: number;

  before(async () => {
    reg = await startRegistry();
    await reg.register('address', 'AVRO', ADDRESS);
    userId = await reg.register('users-value', 'AVRO', USER, [{ name: 'com.example.common.Address', subject: 'address', version: 1 }]);
  });
  after(async () => {
    await reg.close();
  });
  beforeEach(() => {
    serde = new SchemaSerde(reg.client);
  });

  it('encodes Avro JSON and decodes it back to the same text, the reference resolved and the subject named', async () => {
    const { bytes, schema } = await serde.encode(JSON.parse(USER_JSON.replace('9007199254740993', '"9007199254740993"')), { subject: 'users-value' });
    assert.deepEqual(schema, { id: userId, type: 'AVRO', subject: 'users-value', version: 1, messageName: 'com.example.User' });
    assert.equal(bytes[0], 0);
    assert.equal(bytes.readInt32BE(1), userId);
    const decoded = await serde.decode(bytes, { topic: 'users' });
    assert.deepEqual(decoded, { kind: 'decoded', schema: { id: userId, type: 'AVRO', subject: 'users-value', version: 1, messageName: 'com.example.User' }, json: USER_JSON });
  });

  it('writes the bytes avsc writes, and reads what avsc writes', async () => {
    const registry = {};
    avro.Type.forSchema(JSON.parse(ADDRESS), { registry, wrapUnions: true });
    const type = avro.Type.forSchema(JSON.parse(USER), { registry, wrapUnions: true });
    const value = {
      id: 42,
      name: 'Grace',
      email: null,
      status: 'ACTIVE',
      tags: [],
      scores: { x: 0.25 },
      home: { street: 'High St', zip: { string: '99' } },
      avatar: Buffer.from([1, 2, 250]),
      hash: Buffer.from('wxyz'),
      ratio: 2.5,
      choice: { array: [1, -1] },
      active: true,
    };
    const theirs = type.toBuffer(value);
    const ours = await serde.encode(
      { ...value, avatar: '\u0001\u0002\u00fa', hash: 'wxyz', choice: [1, -1], email: null, home: { street: 'High St', zip: '99' } },
      { subject: 'users-value' },
    );
    assert.deepEqual(ours.bytes.subarray(5), theirs);
    const decoded = await serde.decode(Buffer.concat([ours.bytes.subarray(0, 5), theirs]));
    assert.equal(decoded.kind, 'decoded');
    if (decoded.kind !== 'decoded') return;
    assert.deepEqual(JSON.parse(decoded.json), {
      id: 42,
      name: 'Grace',
      email: null,
      status: 'ACTIVE',
      tags: [],
      scores: { x: 0.25 },
      home: { street: 'High St', zip: { string: '99' } },
      avatar: '\u0001\u0002\u00fa',
      hash: 'wxyz',
      ratio: 2.5,
      choice: { array: [1, -1] },
      active: true,
    });
  });

  it('keeps longs beyond 2^53 exact both ways, at the limits of a long', async () => {
    const id = await reg.register('longs-value', 'AVRO', JSON.stringify({ type: 'array', items: 'long' }));
    const values = ['9223372036854775807', '-9223372036854775808', '9007199254740993', '-1', '0'];
    const { bytes } = await serde.encode(values, { subject: 'longs-value' });
    const decoded = await serde.decode(bytes);
    assert.deepEqual(decoded, { kind: 'decoded', schema: { id, type: 'AVRO', subject: 'longs-value', version: 1 }, json: `[${values.join(',')}]` });
    // A JSON number beyond 2^53 has lost its digits before it reached us: refused, with the way out.
    await assert.rejects(serde.encode([2 ** 60], { subject: 'longs-value' }), (e: SchemaValidationError) => {
      assert.match(e.problems[0], /^\/0 is beyond 2\^53.*string/);
      return true;
    });
  });

  it('takes plain JSON: a union value bare when one branch takes it, a missing field from its default', async () => {
    const { bytes } = await serde.encode(
      {
        id: 1,
        name: 'Lin',
        email: 'lin@example.com',
        status: 'ACTIVE',
        tags: ['x'],
        scores: {},
        home: { street: 'A' },
        avatar: '',
        hash: '\u0000\u0000\u0000\u0000',
        ratio: 1,
        choice: 7,
      },
      { subject: 'users-value' },
    );
    const decoded = await serde.decode(bytes);
    assert.equal(decoded.kind, 'decoded');
    if (decoded.kind !== 'decoded') return;
    const v = JSON.parse(decoded.json) as Record<string, unknown>;
    assert.deepEqual(v.email, { string: 'lin@example.com' });
    assert.deepEqual(v.home, { street: 'A', zip: null });
    assert.deepEqual(v.choice, { int: 7 });
    assert.equal(v.active, true);
  });

  it('a union value two branches take must be wrapped; wrapping by the short name works too', async () => {
    await reg.register('either-value', 'AVRO', JSON.stringify({ type: 'record', name: 'E', fields: [{ name: 'n', type: ['int', 'long'] }] }));
    await assert.rejects(serde.encode({ n: 3 }, { subject: 'either-value' }), (e: SchemaValidationError) => {
      assert.deepEqual(e.problems, ['/n fits several branches of the union (int, long): wrap it to say which, as {"int": …}']);
      return true;
    });
    const { bytes } = await serde.encode({ n: { long: 3 } }, { subject: 'either-value' });
    assert.deepEqual([...bytes.subarray(5)], [2, 6]);
    const byShortName = await serde.encode(
      { id: 1, name: 'n', status: 'ACTIVE', tags: [], scores: {}, home: { street: 's' }, avatar: '', hash: 'abcd', ratio: 0, choice: { Address: { street: 'x' } } },
      { subject: 'users-value' },
    );
    const decoded = await serde.decode(byShortName.bytes);
    assert.ok(decoded.kind === 'decoded' && decoded.json.includes('"choice":{"com.example.common.Address":{"street":"x","zip":null}}'));
  });

  it('refuses input that does not fit, naming every field at fault', async () => {
    await assert.rejects(
      serde.encode({ id: 1.5, name: 7, status: 'GONE', tags: 'x', scores: { a: 'b' }, home: { street: 's', city: 'c' }, avatar: '\u2603', hash: 'abc', ratio: 1, extra: true }, { subject: 'users-value' }),
      (e: unknown) => {
        assert.ok(e instanceof SchemaValidationError);
        assert.deepEqual(e.problems, [
          '/extra is not a field of com.example.User (its fields: id, name, email, status, tags, scores, home, avatar, hash, ratio, choice, active)',
          '/id must be a long (a whole number, or a string of digits), not 1.5',
          '/name must be a string, not 7',
          "/status must be one of com.example.Status's symbols ACTIVE, SUSPENDED, not \"GONE\"",
          '/tags must be an array, not "x"',
          '/scores/a must be a number (or "NaN", "Infinity", "-Infinity"), not "b"',
          '/home/city is not a field of com.example.common.Address (its fields: street, zip)',
          '/avatar must be a string of ISO-8859-1 characters (\\u0000-\\u00ff), one a byte, not "☃"',
          '/hash must be 4 bytes long (com.example.Hash), not 3',
        ]);
        assert.match(e.message, new RegExp(`^The value does not fit schema ${userId} \\(users-value version 1, AVRO\\): /extra is not a field .* \\(and 8 more\\)$`));
        return true;
      },
    );
    await assert.rejects(serde.encode({}, { subject: 'users-value' }), (e: SchemaValidationError) => {
      assert.ok(e.problems.includes('/id is missing, and the field has no default'));
      assert.ok(!e.problems.some((p) => p.startsWith('/email')), 'a field with a default may be left out');
      return true;
    });
  });

  it('prints floats as their shortest decimal, doubles exactly, and the non-finite ones quoted as Jackson does', async () => {
    await reg.register('numbers-value', 'AVRO', JSON.stringify({ type: 'record', name: 'N', fields: [{ name: 'f', type: { type: 'array', items: 'float' } }, { name: 'd', type: { type: 'array', items: 'double' } }] }));
    const { bytes } = await serde.encode({ f: [0.1, 3.4e38, 'NaN'], d: [0.1, 1e300, 'Infinity', '-Infinity'] }, { subject: 'numbers-value' });
    const decoded = await serde.decode(bytes);
    assert.ok(decoded.kind === 'decoded');
    assert.equal(decoded.json, '{"f":[0.1,3.4e+38,"NaN"],"d":[0.1,1e+300,"Infinity","-Infinity"]}');
  });

  it('a truncated, garbled or over-long payload is an error saying where it went wrong', async () => {
    const { bytes } = await serde.encode(JSON.parse(USER_JSON.replace('9007199254740993', '1')), { subject: 'users-value' });
    const truncated = await serde.decode(bytes.subarray(0, bytes.length - 3));
    assert.equal(truncated.kind, 'error');
    assert.ok(truncated.kind === 'error');
    assert.equal(truncated.schemaId, userId);
    assert.match(truncated.reason, new RegExp(`^the payload does not match schema ${userId} \\(AVRO\\): .*the payload ends`));
    const extra = await serde.decode(Buffer.concat([bytes, Buffer.from([1, 2])]));
    assert.ok(extra.kind === 'error');
    assert.match(extra.reason, /2 byte\(s\) left over/);
    // An array count of billions in 9 bytes: refused at once rather than believed.
    const huge = Buffer.concat([bytes.subarray(0, 5), Buffer.from([2, 2, 0x61, 0, 0, 0xfe, 0xff, 0xff, 0xff, 0x0f])]);
    const garbled = await serde.decode(huge);
    assert.ok(garbled.kind === 'error');
    assert.match(garbled.reason, /array \/tags at byte 5 claims 2147483647 items, more than the 0 byte\(s\) left can hold/);
  });

  it('decodes a value larger than its reused output buffer, and the small ones after it, whole', async () => {
    const BLOB = { type: 'record', name: 'Blob', fields: [{ name: 'parts', type: { type: 'array', items: 'string' } }, { name: 'n', type: 'long' }] };
    const id = await reg.register('blob-value', 'AVRO', JSON.stringify(BLOB));
    const type = avro.Type.forSchema(BLOB as avro.Schema);
    const frame = (v: unknown) => {
      const b = Buffer.concat([Buffer.alloc(5), type.toBuffer(v)]);
      b.writeInt32BE(id, 1);
      return b;
    };
    const big = { parts: Array.from({ length: 300 }, (_, i) => `${i}:${'é✓'.repeat(2000)}`), n: -1234567890123 };
    for (const value of [big, { parts: ['x'], n: 0 }, big, { parts: [], n: 9 }]) {
      const d = await serde.decode(frame(value));
      assert.ok(d.kind === 'decoded');
      assert.equal(d.json, JSON.stringify(value));
    }
  });

  it('reads a record that holds itself, strings of every kind, and names the path of a bad value inside a collection', async () => {
    const NODE = { type: 'record', name: 'Node', fields: [{ name: 'label', type: 'string' }, { name: 'children', type: { type: 'array', items: 'Node' } }, { name: 'attrs', type: { type: 'map', values: ['null', 'Node', 'int'] } }] };
    const id = await reg.register('tree-value', 'AVRO', JSON.stringify(NODE));
    const type = avro.Type.forSchema(NODE as avro.Schema, { wrapUnions: true });
    const labels = ['plain', 'with "quotes" and \\ slash', 'tab\there', 'ünïcödé ✓ 🎉', 'x'.repeat(65), 'y'.repeat(64), ''];
    const value = {
      label: labels[0],
      children: labels.slice(1).map((label) => ({ label, children: [], attrs: {} })),
      attrs: { 'key "q"': { Node: { label: 'deep', children: [{ label: 'deeper', children: [], attrs: { n: { int: -3 } } }], attrs: {} } }, none: null },
    };
    const bytes = Buffer.concat([Buffer.from([0, 0, 0, 0, id]), type.toBuffer(value)]);
    bytes.writeInt32BE(id, 1);
    const decoded = await serde.decode(bytes);
    assert.ok(decoded.kind === 'decoded');
    assert.deepEqual(JSON.parse(decoded.json), value);
    assert.equal(decoded.json, JSON.stringify(value));
    // A union branch index out of range deep inside the recursion: the path is named as at the record's outermost
    // level (its paths are worked out once per schema, and an inner Node is read by the outer Node's reader).
    const bad = Buffer.from(bytes);
    const at = bad.lastIndexOf(Buffer.from([0x04, 0x05])); // branch 2 (int), value -3
    bad[at] = 0x08; // branch 4
    const refused = await serde.decode(bad);
    assert.ok(refused.kind === 'error');
    assert.match(refused.reason, /: union \/attrs\/\* has branch index 4, but it has 3 branches$/);
  });
});
