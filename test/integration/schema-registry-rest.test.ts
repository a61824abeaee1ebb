/**
 * The schema registry's REST server on a free port over an in-memory `_schemas`, driven with Node's fetch: each
 * endpoint's status, body and Confluent error code. AVRO is the real Avro provider; PROTOBUF and JSON are mostly the
 * test language, whose compatibility the tests write down, for what the registry does with any language (types,
 * references, referencedby); one test runs the real Protobuf and JSON Schema providers through the same endpoints.
 */
import { strict as assert } from 'node:assert';
import { startSchemaRegistryServer, type SchemaRegistryServer } from '../../src/broker/schema-registry/rest-server';
import { SchemaRegistry, type LogRecord, type SchemaLog } from '../../src/broker/schema-registry/schema-registry';
import { SCHEMA_PROVIDERS } from '../../src/broker/schema-registry/schema-types';
import { avroProvider } from '../../src/broker/schema-registry/schema-types/avro';
import { TOY_PROVIDERS, toy } from '../support/toy-schema-provider';

const PROVIDERS = { ...TOY_PROVIDERS, AVRO: avroProvider };
const V1 = 'application/vnd.schemaregistry.v1+json';

class MemoryLog implements SchemaLog {
  records: LogRecord[] = [];
  failing = false;
  async append(records: LogRecord[]): Promise<void> {
    await Promise.resolve();
    if (this.failing) throw new Error('not enough replicas');
    this.records.push(...records);
  }
}

interface Reply {
  status: number;
  type: string | null;
  text: string;
  json: unknown;
}

const USER_V1 = '{"type": "record", "name": "User", "namespace": "com.example", "fields": [{"name": "id", "type": "int"}]}';
const USER_V1_CANONICAL = '{"type":"record","name":"User","namespace":"com.example","fields":[{"name":"id","type":"int"}]}';
const USER_V2 = JSON.stringify({ type: 'record', name: 'User', namespace: 'com.example', fields: [{ name: 'id', type: 'int' }, { name: 'email', type: ['null', 'string'], default: null }] });
const USER_BAD = JSON.stringify({ type: 'record', name: 'User', namespace: 'com.example', fields: [{ name: 'id', type: 'int' }, { name: 'email', type: 'string' }] });

describe('Schema registry REST API (Confluent v1) over an in-memory _schemas', function () {
  this.timeout(30000);
  let log: MemoryLog;
  let registry: SchemaRegistry;
  let server: SchemaRegistryServer;
  let base: string;

  beforeEach(async () => {
    log = new MemoryLog();
    registry = new SchemaRegistry(PROVIDERS, log);
    server = await startSchemaRegistryServer(registry, { port: 0, maxBodyBytes: 64 * 1024 });
    base = `http://127.0.0.1:${server.port}`;
  });
  afterEach(async () => {
    await server.close();
  });

  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = { 'content-type': V1 }): Promise<Reply> {
    const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, type: res.headers.get('content-type'), text, json };
  }

  async function expectError(r: Promise<Reply>, status: number, code: number, message?: string | RegExp): Promise<void> {
    const reply = await r;
    assert.equal(reply.status, status, reply.text);
    const body = reply.json as { error_code: number; message: string };
    assert.deepEqual(Object.keys(body), ['error_code', 'message']);
    assert.equal(body.error_code, code, reply.text);
    if (typeof message === 'string') assert.equal(body.message, message);
    else if (message) assert.match(body.message, message);
  }

  const register = (subject: string, body: unknown, query = ''): Promise<Reply> => call('POST', `/subjects/${encodeURIComponent(subject)}/versions${query}`, body);

  it('GET / answers {}, with the registry\'s content type', async () => {
    const r = await call('GET', '/');
    assert.equal(r.status, 200);
    assert.equal(r.type, V1);
    assert.equal(r.text, '{}');
  });

  it('registers Avro and serves it back: versions, by version, latest, by id, raw, lookup, types, subjects', async () => {
    let r = await register('users-value', { schema: USER_V1 });
    assert.deepEqual([r.status, r.text], [200, '{"id":1}']);
    r = await register('users-value', { schema: USER_V1_CANONICAL, schemaType: 'AVRO' });
    assert.deepEqual(r.json, { id: 1 }, 'the same schema is the same id');
    assert.deepEqual((await call('GET', '/subjects/users-value/versions')).json, [1]);
    const expected = { subject: 'users-value', version: 1, id: 1, schema: USER_V1_CANONICAL };
    assert.equal((await call('GET', '/subjects/users-value/versions/1')).text, JSON.stringify(expected), 'no schemaType for AVRO, Confluent\'s property order');
    assert.deepEqual((await call('GET', '/subjects/users-value/versions/latest')).json, expected);
    assert.deepEqual((await call('GET', '/subjects/users-value/versions/-1')).json, expected);
    assert.equal((await call('GET', '/schemas/ids/1')).text, JSON.stringify({ schema: USER_V1_CANONICAL }));
    assert.deepEqual((await call('GET', '/schemas/ids/1?fetchMaxId=true')).json, { schema: USER_V1_CANONICAL, maxId: 1 });
    assert.equal((await call('GET', '/schemas/ids/1/schema')).text, USER_V1_CANONICAL);
    assert.equal((await call('GET', '/subjects/users-value/versions/1/schema')).text, USER_V1_CANONICAL);
    assert.deepEqual((await call('GET', '/schemas/ids/1/subjects')).json, ['users-value']);
    assert.deepEqual((await call('GET', '/schemas/ids/1/versions')).json, [{ subject: 'users-value', version: 1 }]);
    assert.deepEqual((await call('POST', '/subjects/users-value', { schema: USER_V1 })).json, expected);
    assert.deepEqual((await call('GET', '/schemas/types')).json, ['JSON', 'PROTOBUF', 'AVRO']);
    assert.deepEqual((await call('GET', '/subjects')).json, ['users-value']);
    assert.deepEqual((await call('GET', '/schemas')).json, [expected]);
    assert.deepEqual((await call('GET', '/contexts')).json, ['.']);
    // What was written is Confluent's record.
    assert.equal(log.records[0].key.toString(), '{"keytype":"SCHEMA","subject":"users-value","version":1,"magic":1}');
    assert.equal(log.records[0].value?.toString(), JSON.stringify({ subject: 'users-value', version: 1, id: 1, schema: USER_V1_CANONICAL, deleted: false }));
  });

  it('read errors: 40401, 40402, 40403, 42202, and 404 for an id that is not a number', async () => {
    await register('s', { schema: USER_V1 });
    await expectError(call('GET', '/subjects/nope/versions'), 404, 40401, "Subject 'nope' not found.");
    await expectError(call('GET', '/subjects/nope/versions/1'), 404, 40401, "Subject 'nope' not found.");
    await expectError(call('GET', '/subjects/s/versions/2'), 404, 40402, 'Version 2 not found.');
    await expectError(call('GET', '/subjects/s/versions/0'), 422, 42202, "The specified version '0' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"");
    await expectError(call('GET', '/subjects/s/versions/first'), 422, 42202);
    await expectError(call('GET', '/schemas/ids/99'), 404, 40403, 'Schema 99 not found');
    await expectError(call('GET', '/schemas/ids/99/subjects'), 404, 40403, 'Schema not found');
    await expectError(call('GET', '/schemas/ids/abc'), 404, 404, 'HTTP 404 Not Found');
    await expectError(call('POST', '/subjects/s', { schema: USER_V2 }), 404, 40403, 'Schema not found');
    await expectError(call('POST', '/subjects/other', { schema: USER_V1 }), 404, 40401, "Subject 'other' not found.");
  });

  it('an incompatible Avro schema is 409 with Confluent\'s message; the compatibility endpoints say why', async () => {
    await register('users-value', { schema: USER_V1 });
    const reason =
      "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'email' at path '/fields/1' in the new schema has no default value and is missing in the old schema', additionalInfo:'email'}";
    const details = [reason, '{oldSchemaVersion: 1}', `{oldSchema: '${USER_V1_CANONICAL}'}`, "{validateFields: 'false', compatibility: 'BACKWARD'}"];
    await expectError(register('users-value', { schema: USER_BAD }), 409, 409, `Schema being registered is incompatible with an earlier schema for subject "users-value", details: [${details.join(', ')}]`);
    assert.deepEqual((await call('POST', '/compatibility/subjects/users-value/versions/latest', { schema: USER_BAD })).json, { is_compatible: false });
    assert.deepEqual((await call('POST', '/compatibility/subjects/users-value/versions/1?verbose=true', { schema: USER_BAD })).json, { is_compatible: false, messages: details });
    assert.deepEqual((await call('POST', '/compatibility/subjects/users-value/versions?verbose=true', { schema: USER_V2 })).json, { is_compatible: true, messages: [] });
    assert.deepEqual((await call('POST', '/compatibility/subjects/new-subject/versions/latest', { schema: USER_BAD })).json, { is_compatible: true });
    await expectError(call('POST', '/compatibility/subjects/users-value/versions/9', { schema: USER_V2 }), 404, 40402, 'Version 9 not found.');
    await expectError(call('POST', '/compatibility/subjects/users-value/versions/latest', { schema: '{"type":"nope"}' }), 422, 42201, /^Invalid schema .* details: /);
    const verbose = await call('POST', '/compatibility/subjects/users-value/versions/latest?verbose=true', { schema: '{"type":"nope"}' });
    assert.equal((verbose.json as { is_compatible: boolean }).is_compatible, false);
    assert.deepEqual((await register('users-value', { schema: USER_V2 })).json, { id: 2 });
  });

  it('register errors: 42201 for invalid schemas and types, 422 without a body', async () => {
    await expectError(register('s', { schema: '{"type": "record"}' }), 422, 42201, /^Invalid schema \{subject=s,version=0,id=-1,schemaType=AVRO,.* of type AVRO, details: /);
    await expectError(register('s', { schema: 'x', schemaType: 'XML' }), 422, 42201, 'Invalid schema type XML');
    await expectError(register('s', {}), 422, 42201, 'Empty schema');
    await expectError(call('POST', '/subjects/s/versions'), 422, 422);
  });

  it('config: GET/PUT/DELETE globally and per subject, with Confluent\'s bodies and codes', async () => {
    assert.deepEqual((await call('GET', '/config')).json, { compatibilityLevel: 'BACKWARD' });
    assert.deepEqual((await call('PUT', '/config', { compatibility: 'FULL' })).json, { compatibility: 'FULL' });
    assert.deepEqual((await call('GET', '/config')).json, { compatibilityLevel: 'FULL' });
    await expectError(call('GET', '/config/s'), 404, 40408, "Subject 's' does not have subject-level compatibility configured");
    assert.deepEqual((await call('GET', '/config/s?defaultToGlobal=true')).json, { compatibilityLevel: 'FULL' });
    assert.deepEqual((await call('PUT', '/config/s', { compatibility: 'none' })).json, { compatibility: 'none' }, 'the request echoed');
    assert.deepEqual((await call('GET', '/config/s')).json, { compatibilityLevel: 'NONE' });
    await expectError(call('PUT', '/config/s', { compatibility: 'SOMETIMES' }), 422, 42203);
    await expectError(call('PUT', '/config', {}), 422, 42203);
    assert.deepEqual((await call('DELETE', '/config/s')).json, { compatibilityLevel: 'NONE' });
    await expectError(call('DELETE', '/config/s'), 404, 40401, "Subject 's' not found.");
    assert.deepEqual((await call('DELETE', '/config')).json, { compatibilityLevel: 'FULL' });
    assert.deepEqual((await call('GET', '/config')).json, { compatibilityLevel: 'BACKWARD' });
  });

  it('mode: GET/PUT/DELETE; READONLY refuses registration (42205); invalid mode 42204; IMPORT with ids', async () => {
    assert.deepEqual((await call('GET', '/mode')).json, { mode: 'READWRITE' });
    await register('s', { schema: USER_V1 });
    assert.deepEqual((await call('PUT', '/mode', { mode: 'READONLY' })).json, { mode: 'READONLY' });
    assert.deepEqual((await register('s', { schema: USER_V1 })).json, { id: 1 }, 'a known schema is still answered');
    await expectError(register('s', { schema: USER_V2 }), 422, 42205, 'Subject s is in read-only mode');
    await expectError(call('GET', '/mode/s'), 404, 40409, "Subject 's' does not have subject-level mode configured");
    assert.deepEqual((await call('GET', '/mode/s?defaultToGlobal=true')).json, { mode: 'READONLY' });
    await expectError(call('PUT', '/mode/s', { mode: 'WRITEONLY' }), 422, 42204, 'Invalid mode. Valid values are READWRITE, READONLY, and IMPORT.');
    assert.deepEqual((await call('DELETE', '/mode')).json, { mode: 'READONLY' });
    assert.deepEqual((await call('PUT', '/mode/t', { mode: 'import' })).json, { mode: 'import' }, 'the request echoed');
    await expectError(call('PUT', '/mode/s', { mode: 'IMPORT' }), 422, 42205, 'Cannot import since found existing subjects');
    assert.deepEqual((await register('t', { schema: USER_V2, id: 77, version: 3 })).json, { id: 77 });
    assert.deepEqual((await call('GET', '/subjects/t/versions')).json, [3]);
    await expectError(register('t', { schema: USER_V1 }), 422, 42205, 'Subject t is not in read-write mode');
    assert.deepEqual((await call('DELETE', '/mode/t')).json, { mode: 'IMPORT' });
    await expectError(call('DELETE', '/mode/t'), 404, 40401);
  });

  it('deletes: versions soft then hard, subjects soft then hard, with 40404-40407', async () => {
    await register('s', { schema: USER_V1 });
    await register('s', { schema: USER_V2 });
    await expectError(call('DELETE', '/subjects/s/versions/1?permanent=true'), 404, 40407, "Subject 's' Version 1 was not deleted first before being permanently deleted");
    assert.equal((await call('DELETE', '/subjects/s/versions/1')).text, '1');
    await expectError(call('DELETE', '/subjects/s/versions/1'), 404, 40406, "Subject 's' Version 1 was soft deleted.Set permanent=true to delete permanently");
    await expectError(call('GET', '/subjects/s/versions/1'), 404, 40402);
    assert.equal((await call('GET', '/subjects/s/versions/1?deleted=true')).status, 200);
    assert.deepEqual((await call('GET', '/subjects/s/versions?deleted=true')).json, [1, 2]);
    assert.equal((await call('DELETE', '/subjects/s/versions/1?permanent=true')).text, '1');
    await expectError(call('DELETE', '/subjects/s?permanent=true'), 404, 40405, "Subject 's' was not deleted first before being permanently deleted");
    assert.deepEqual((await call('DELETE', '/subjects/s')).json, [2]);
    await expectError(call('DELETE', '/subjects/s'), 404, 40404, "Subject 's' was soft deleted.Set permanent=true to delete permanently");
    assert.deepEqual((await call('GET', '/subjects')).json, []);
    assert.deepEqual((await call('GET', '/subjects?deleted=true')).json, ['s']);
    assert.deepEqual((await call('DELETE', '/subjects/s?permanent=true')).json, [2]);
    await expectError(call('DELETE', '/subjects/s'), 404, 40401, "Subject 's' not found.");
    await expectError(call('GET', '/schemas/ids/2'), 404, 40403);
  });

  it('listings: subjects and schemas by prefix, deleted, deletedOnly, latestOnly, offset and limit', async () => {
    await register('orders-value', { schema: USER_V1 });
    await register('orders-value', { schema: USER_V2 });
    await register('orders-key', { schema: '"string"' });
    await register('users-value', { schema: '"long"' });
    await call('DELETE', '/subjects/orders-key');
    assert.deepEqual((await call('GET', '/subjects')).json, ['orders-value', 'users-value']);
    assert.deepEqual((await call('GET', '/subjects?subjectPrefix=orders&deleted=true')).json, ['orders-key', 'orders-value']);
    assert.deepEqual((await call('GET', '/subjects?deletedOnly=true')).json, ['orders-key']);
    assert.deepEqual((await call('GET', `/subjects?subjectPrefix=${encodeURIComponent(':*:')}`)).json, ['orders-value', 'users-value']);
    const list = async (q: string): Promise<Array<[unknown, unknown]>> => ((await call('GET', `/schemas${q}`)).json as Array<{ subject: string; version: number }>).map((s) => [s.subject, s.version]);
    assert.deepEqual(await list(''), [
      ['orders-value', 1],
      ['orders-value', 2],
      ['users-value', 1],
    ]);
    assert.deepEqual(await list('?latestOnly=true&subjectPrefix=orders'), [['orders-value', 2]]);
    assert.deepEqual(await list('?deleted=true&offset=1&limit=2'), [
      ['orders-value', 1],
      ['orders-value', 2],
    ]);
    await expectError(call('GET', '/schemas?limit=many'), 404, 404);
    assert.deepEqual((await call('GET', '/schemas/ids/3?subject=orders-key')).json, { schema: '"string"' }, 'a soft-deleted version still serves its id');
    assert.deepEqual((await call('GET', '/schemas/ids/3/versions')).json, []);
    assert.deepEqual((await call('GET', '/schemas/ids/3/versions?deleted=true')).json, [{ subject: 'orders-key', version: 1 }]);
  });

  it('other types, references and referencedby; subjects with encoded "/", ":" and "."', async () => {
    const addr = 'com.example/address:v1.proto';
    assert.deepEqual((await register(addr, { schema: toy('Address', ['street']), schemaType: 'PROTOBUF' })).json, { id: 1 });
    const ref = { name: 'Address', subject: addr, version: 1 };
    assert.deepEqual((await register('customer', { schema: toy('Customer', ['id'], ['Address']), schemaType: 'PROTOBUF', references: [ref] })).json, { id: 2 });
    assert.deepEqual((await call('GET', '/subjects/customer/versions/1')).json, { subject: 'customer', version: 1, id: 2, schemaType: 'PROTOBUF', references: [ref], schema: toy('Customer', ['id'], ['Address']) });
    assert.deepEqual((await call('GET', '/schemas/ids/2')).json, { schemaType: 'PROTOBUF', schema: toy('Customer', ['id'], ['Address']), references: [ref] });
    assert.deepEqual((await call('GET', '/subjects')).json, [addr, 'customer']);
    assert.deepEqual((await call('GET', `/subjects/${encodeURIComponent(addr)}/versions/1/referencedby`)).json, [2]);
    await expectError(call('DELETE', `/subjects/${encodeURIComponent(addr)}/versions/1`), 422, 42206, `{magic=1,keytype=SCHEMA,subject=${addr},version=1}`);
    await expectError(register('x', { schema: toy('X', ['a'], ['Nope']), schemaType: 'JSON', references: [{ name: 'Nope', subject: 'none', version: 1 }] }), 422, 42201);
    await expectError(register('x', { schema: 'x', references: [{ name: 'Nope' }] }), 422, 42201);
    await expectError(register('customer', { schema: toy('Customer', ['id']), schemaType: 'JSON' }), 409, 409, /Incompatible because of different schema type/);
  });

  it('with the real Protobuf and JSON Schema providers: an import as a reference, referencedby, a refused JSON Schema change', async () => {
    const real = new SchemaRegistry(SCHEMA_PROVIDERS, new MemoryLog());
    const srv = await startSchemaRegistryServer(real, { port: 0 });
    try {
      const at = (path: string, method = 'GET', body?: unknown): Promise<Response> =>
        fetch(`http://127.0.0.1:${srv.port}${path}`, { method, headers: { 'content-type': V1 }, body: body === undefined ? undefined : JSON.stringify(body) });
      const address = 'syntax = "proto3";\npackage shop;\nmessage Address { string street = 1; }\n';
      const customer = 'syntax = "proto3";\npackage shop;\nimport "address.proto";\nmessage Customer { shop.Address address = 1; int32 id = 2; }\n';
      assert.deepEqual(await (await at('/subjects/address.proto/versions', 'POST', { schema: address, schemaType: 'PROTOBUF' })).json(), { id: 1 });
      const ref = { name: 'address.proto', subject: 'address.proto', version: 1 };
      assert.deepEqual(await (await at('/subjects/customer-value/versions', 'POST', { schema: customer, schemaType: 'PROTOBUF', references: [ref] })).json(), { id: 2 });
      const stored = (await (await at('/subjects/customer-value/versions/latest')).json()) as { schemaType: string; references: unknown; schema: string };
      assert.equal(stored.schemaType, 'PROTOBUF');
      assert.deepEqual(stored.references, [ref]);
      assert.deepEqual(await (await at('/subjects/customer-value', 'POST', { schema: stored.schema, schemaType: 'PROTOBUF', references: [ref] })).json(), { subject: 'customer-value', version: 1, id: 2, ...stored });
      assert.deepEqual(await (await at('/subjects/address.proto/versions/1/referencedby')).json(), [2]);
      assert.equal((await at('/subjects/address.proto', 'DELETE')).status, 422);

      const v1 = { type: 'object', properties: { a: { type: 'string' } } };
      const v2 = { type: 'object', properties: { a: { type: 'integer' } } };
      assert.deepEqual(await (await at('/subjects/j/versions', 'POST', { schema: JSON.stringify(v1), schemaType: 'JSON' })).json(), { id: 3 });
      const refused = await at('/subjects/j/versions', 'POST', { schema: JSON.stringify(v2), schemaType: 'JSON' });
      assert.equal(refused.status, 409);
      assert.match(((await refused.json()) as { message: string }).message, /^Schema being registered is incompatible with an earlier schema for subject "j", details: \[.*new schema.*old schema/);
    } finally {
      await srv.close();
    }
  });

  it('HTTP: 404 and 405 as Jersey writes them, 415 for other bodies, 400 for bad JSON, 413 past the limit, HEAD', async () => {
    await expectError(call('GET', '/nothing/here'), 404, 404, 'HTTP 404 Not Found');
    await expectError(call('PATCH', '/subjects'), 405, 405, 'HTTP 405 Method Not Allowed');
    await expectError(call('DELETE', '/schemas/types'), 405, 405);
    await expectError(register('s', { schema: USER_V1 }).then(() => call('POST', '/subjects/s/versions', JSON.stringify({ schema: USER_V1 }), { 'content-type': 'text/plain' })), 415, 415, 'HTTP 415 Unsupported Media Type');
    for (const type of ['application/json', 'application/vnd.schemaregistry+json', 'application/octet-stream; charset=utf-8']) {
      assert.equal((await call('POST', '/subjects/s/versions', { schema: USER_V1 }, { 'content-type': type })).status, 200, type);
    }
    await expectError(call('POST', '/subjects/s/versions', '{"schema": '), 400, 400);
    await expectError(call('POST', '/subjects/s/versions', '[1]'), 400, 400);
    await expectError(call('POST', '/subjects/s/versions', { schema: { type: 'string' } }), 400, 400, /java\.lang\.String/);
    await expectError(call('POST', '/subjects/s/versions', { schema: 'x'.repeat(70 * 1024) }), 413, 413);
    const head = await fetch(`${base}/subjects`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
    assert.equal((await call('GET', '/subjects/')).status, 200, 'a trailing slash is the same path');
  });

  it('a failing _schemas is 50001 and leaves the state as it was; the records written replay to the same state', async () => {
    await register('s', { schema: USER_V1 });
    log.failing = true;
    await expectError(register('s', { schema: USER_V2 }), 500, 50001, 'Register schema operation failed while writing to the Kafka store');
    await expectError(call('PUT', '/config', { compatibility: 'NONE' }), 500, 50001, 'Failed to update compatibility level');
    log.failing = false;
    await register('s', { schema: USER_V2 });
    await call('PUT', '/config/s', { compatibility: 'FULL' });
    await call('DELETE', '/subjects/s/versions/1');
    const fresh = new SchemaRegistry(PROVIDERS, new MemoryLog());
    for (const r of log.records) fresh.apply(r.key, r.value);
    assert.deepEqual(fresh.snapshot(), registry.snapshot());
  });
});
