import { strict as assert } from 'node:assert';
import {
  decodeConfigValue,
  decodeDeleteSubjectValue,
  decodeKey,
  decodeModeValue,
  decodeSchemaValue,
  encodeClearSubjectValue,
  encodeConfigValue,
  encodeDeleteSubjectValue,
  encodeKey,
  encodeModeValue,
  encodeSchemaValue,
  type RegistryKey,
  type SchemaRecord,
} from '../../../src/broker/schema-registry/schema-records';

const text = (b: Buffer): string => b.toString('utf8');
const buf = (s: string): Buffer => Buffer.from(s, 'utf8');

describe('Schema registry: _schemas records (Confluent key and value formats)', () => {
  it('keys: properties in Jackson order, magic 1 for SCHEMA and 0 otherwise, a null subject for the global scope', () => {
    const cases: Array<[RegistryKey, string]> = [
      [{ keytype: 'SCHEMA', subject: 's', version: 1 }, '{"keytype":"SCHEMA","subject":"s","version":1,"magic":1}'],
      [{ keytype: 'CONFIG', subject: 'orders-value' }, '{"keytype":"CONFIG","subject":"orders-value","magic":0}'],
      [{ keytype: 'CONFIG', subject: null }, '{"keytype":"CONFIG","subject":null,"magic":0}'],
      [{ keytype: 'MODE', subject: 's' }, '{"keytype":"MODE","subject":"s","magic":0}'],
      [{ keytype: 'MODE', subject: null }, '{"keytype":"MODE","subject":null,"magic":0}'],
      [{ keytype: 'DELETE_SUBJECT', subject: 's' }, '{"keytype":"DELETE_SUBJECT","subject":"s","magic":0}'],
      [{ keytype: 'CLEAR_SUBJECT', subject: 's' }, '{"keytype":"CLEAR_SUBJECT","subject":"s","magic":0}'],
      [{ keytype: 'NOOP' }, '{"keytype":"NOOP","magic":0}'],
    ];
    for (const [key, bytes] of cases) {
      assert.equal(text(encodeKey(key)), bytes);
      assert.deepEqual(decodeKey(buf(bytes)), key);
    }
  });

  it('keys read leniently: any property order (Karapace\'s old one), a missing subject as global, unknown types and junk as nothing', () => {
    assert.deepEqual(decodeKey(buf('{"subject":"test","version":1,"magic":1,"keytype":"SCHEMA"}')), { keytype: 'SCHEMA', subject: 'test', version: 1 });
    assert.deepEqual(decodeKey(buf('{"keytype":"CONFIG","magic":0}')), { keytype: 'CONFIG', subject: null });
    assert.equal(decodeKey(buf('{"keytype":"CONTEXT","tenant":"default","context":".ctx","magic":0}')), undefined);
    assert.equal(decodeKey(buf('{"keytype":"SCHEMA","subject":"s","magic":1}')), undefined);
    assert.equal(decodeKey(buf('not json')), undefined);
    assert.equal(decodeKey(buf('[1]')), undefined);
  });

  it('SCHEMA values: schemaType left out for AVRO, references only when there are some, deleted always written', () => {
    const avro: SchemaRecord = { subject: 's', version: 1, id: 1, schemaType: 'AVRO', references: [], schema: '"string"', deleted: false };
    const avroBytes = '{"subject":"s","version":1,"id":1,"schema":"\\"string\\"","deleted":false}';
    assert.equal(text(encodeSchemaValue(avro)), avroBytes);
    assert.deepEqual(decodeSchemaValue(buf(avroBytes)), avro);

    const proto: SchemaRecord = {
      subject: 'orders-value',
      version: 2,
      id: 7,
      schemaType: 'PROTOBUF',
      references: [{ name: 'other.proto', subject: 'other', version: 1 }],
      schema: 'syntax = "proto3";\nmessage A {}\n',
      deleted: true,
    };
    const protoBytes =
      '{"subject":"orders-value","version":2,"id":7,"schemaType":"PROTOBUF","references":[{"name":"other.proto","subject":"other","version":1}],' +
      '"schema":"syntax = \\"proto3\\";\\nmessage A {}\\n","deleted":true}';
    assert.equal(text(encodeSchemaValue(proto)), protoBytes);
    assert.deepEqual(decodeSchemaValue(buf(protoBytes)), proto);
  });

  it('SCHEMA values keep data-contract metadata and rule sets in Confluent\'s place, drop md5, and read old values without deleted', () => {
    const v: SchemaRecord = { subject: 's', version: 1, id: 3, schemaType: 'JSON', references: [], schema: '{}', deleted: false, metadata: { properties: { owner: 'x' } }, ruleSet: { domainRules: [] } };
    const bytes = '{"subject":"s","version":1,"id":3,"schemaType":"JSON","metadata":{"properties":{"owner":"x"}},"ruleSet":{"domainRules":[]},"schema":"{}","deleted":false}';
    assert.equal(text(encodeSchemaValue(v)), bytes);
    assert.deepEqual(decodeSchemaValue(buf(bytes)), v);
    assert.deepEqual(decodeSchemaValue(buf('{"subject":"s","version":1,"id":1,"md5":"AAAA","schema":"\\"int\\""}')), {
      subject: 's',
      version: 1,
      id: 1,
      schemaType: 'AVRO',
      references: [],
      schema: '"int"',
      deleted: false,
    });
    assert.equal(decodeSchemaValue(buf('{"subject":"s","version":1,"schema":"x"}')), undefined, 'no id');
    assert.equal(decodeSchemaValue(buf('{"subject":"s","version":1,"id":1,"schema":"x","references":[{"name":"n"}]}')), undefined, 'a reference without subject');
  });

  it('non-ASCII and control characters are written as Jackson writes them (raw UTF-8, \\n, \\u0001)', () => {
    const v: SchemaRecord = { subject: 'sujet-é/ü', version: 1, id: 1, schemaType: 'AVRO', references: [], schema: 'é\n\u0001', deleted: false };
    assert.equal(text(encodeSchemaValue(v)), '{"subject":"sujet-é/ü","version":1,"id":1,"schema":"é\\n\\u0001","deleted":false}');
  });

  it('CONFIG values: the subject (none for global), then Confluent\'s creator order; unknown properties survive a rewrite', () => {
    assert.equal(text(encodeConfigValue({ subject: null, compatibilityLevel: 'FULL' })), '{"compatibilityLevel":"FULL"}');
    assert.equal(text(encodeConfigValue({ subject: 's', compatibilityLevel: 'BACKWARD_TRANSITIVE' })), '{"subject":"s","compatibilityLevel":"BACKWARD_TRANSITIVE"}');
    assert.deepEqual(decodeConfigValue(buf('{"compatibilityLevel":"FULL"}'), 's'), { subject: 's', compatibilityLevel: 'FULL' });
    const read = decodeConfigValue(buf('{"subject":"s","alias":"t","normalize":true,"compatibilityLevel":"NONE","overrideMetadata":{"properties":{}}}'), 's');
    assert.deepEqual(read, { subject: 's', compatibilityLevel: 'NONE', normalize: true, other: { alias: 't', overrideMetadata: { properties: {} } } });
    assert.equal(text(encodeConfigValue({ ...read!, compatibilityLevel: 'FORWARD' })), '{"subject":"s","alias":"t","normalize":true,"compatibilityLevel":"FORWARD","overrideMetadata":{"properties":{}}}');
    assert.equal(decodeConfigValue(buf('nope'), null), undefined);
  });

  it('MODE, DELETE_SUBJECT and CLEAR_SUBJECT values', () => {
    assert.equal(text(encodeModeValue({ subject: null, mode: 'READONLY' })), '{"mode":"READONLY"}');
    assert.equal(text(encodeModeValue({ subject: 's', mode: 'IMPORT' })), '{"subject":"s","mode":"IMPORT"}');
    assert.deepEqual(decodeModeValue(buf('{"mode":"READONLY_OVERRIDE"}'), null), { subject: null, mode: 'READONLY_OVERRIDE' });
    assert.equal(decodeModeValue(buf('{"mode":"SOMETHING"}'), null), undefined);
    assert.equal(text(encodeDeleteSubjectValue({ subject: 's', version: 3 })), '{"subject":"s","version":3}');
    assert.deepEqual(decodeDeleteSubjectValue(buf('{"subject":"s","version":3}'), 's'), { subject: 's', version: 3 });
    assert.equal(text(encodeClearSubjectValue('s')), '{"subject":"s"}');
    assert.equal(text(encodeClearSubjectValue(null)), '{}');
  });
});
