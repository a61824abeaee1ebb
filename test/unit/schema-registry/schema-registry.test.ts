import { strict as assert } from 'node:assert';
import { SchemaRegistryError } from '../../../src/broker/schema-registry/registry-errors';
import { SchemaRegistry, type LogRecord, type SchemaLog } from '../../../src/broker/schema-registry/schema-registry';
import { encodeKey } from '../../../src/broker/schema-registry/schema-records';
import { TOY_PROVIDERS, toy } from '../../support/toy-schema-provider';

class MemoryLog implements SchemaLog {
  records: LogRecord[] = [];
  failWith?: Error;
  async append(records: LogRecord[]): Promise<void> {
    await Promise.resolve();
    if (this.failWith) throw this.failWith;
    this.records.push(...records);
  }
  text(): Array<[string, string | null]> {
    return this.records.map((r) => [r.key.toString(), r.value === null ? null : r.value.toString()]);
  }
}

function setup(): { reg: SchemaRegistry; log: MemoryLog } {
  const log = new MemoryLog();
  return { reg: new SchemaRegistry(TOY_PROVIDERS, log), log };
}

/** A registry rebuilt from the records alone holds what the live one holds. */
function assertReplayEquals(reg: SchemaRegistry, log: MemoryLog): void {
  const fresh = new SchemaRegistry(TOY_PROVIDERS, new MemoryLog());
  for (const r of log.records) fresh.apply(r.key, r.value);
  assert.deepEqual(fresh.snapshot(), reg.snapshot());
}

async function rejects(p: Promise<unknown> | (() => unknown), status: number, code: number, message?: string | RegExp): Promise<void> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    assert.ok(e instanceof SchemaRegistryError, `not a SchemaRegistryError: ${String(e)}`);
    assert.equal(e.httpStatus, status, e.message);
    assert.equal(e.errorCode, code, e.message);
    if (typeof message === 'string') assert.equal(e.message, message);
    else if (message) assert.match(e.message, message);
    return;
  }
  assert.fail(`expected error ${code}`);
}

const A = toy('A', ['a']);
const A_SPACED = '{ "name": "A",  "fields": ["a"] }';
const AB = toy('A', ['a', 'b?']);
const B_REQ = toy('A', ['b']);

describe('Schema registry: state, ids, versions, deletes, references, modes, levels', () => {
  it('registers: ids from 1, one record per version in Confluent\'s format, idempotent on the canonical text', async () => {
    const { reg, log } = setup();
    assert.equal(await reg.register('s', { schema: A }), 1);
    assert.deepEqual(log.text(), [['{"keytype":"SCHEMA","subject":"s","version":1,"magic":1}', `{"subject":"s","version":1,"id":1,"schema":${JSON.stringify(A)},"deleted":false}`]]);
    assert.equal(await reg.register('s', { schema: A_SPACED }), 1, 'the same schema, spaced otherwise');
    assert.equal(log.records.length, 1, 'nothing written for a schema the subject has');
    assert.equal(await reg.register('s', { schema: AB }), 2);
    assert.deepEqual(reg.versions('s'), [1, 2]);
    assert.equal(reg.getVersion('s', 'latest').id, 2);
    assert.equal(reg.getVersion('s', -1).version, 2);
    assert.equal(reg.getVersion('s', '1').schema, A);
    assertReplayEquals(reg, log);
  });

  it('ids are global: the same schema under another subject keeps its id; another type is another schema', async () => {
    const { reg } = setup();
    assert.equal(await reg.register('s1', { schema: A }), 1);
    assert.equal(await reg.register('s2', { schema: A }), 1);
    assert.equal(await reg.register('s3', { schema: A, schemaType: 'JSON' }), 2);
    assert.deepEqual(reg.subjectsForId(1), ['s1', 's2']);
    assert.deepEqual(reg.versionsForId(1), [
      { subject: 's1', version: 1 },
      { subject: 's2', version: 1 },
    ]);
    assert.equal(reg.schemaById(2).schemaType, 'JSON');
    await rejects(() => reg.schemaById(9), 404, 40403, 'Schema 9 not found');
    await rejects(() => reg.subjectsForId(9), 404, 40403, 'Schema not found');
    assert.deepEqual(reg.schemaTypes(), ['JSON', 'PROTOBUF', 'AVRO']);
  });

  it('registrations at once get distinct ids (writes run one at a time)', async () => {
    const { reg, log } = setup();
    const ids = await Promise.all([0, 1, 2, 3, 4].map((i) => reg.register(`s${i}`, { schema: toy(`N${i}`, ['x']) })));
    assert.deepEqual(ids, [1, 2, 3, 4, 5]);
    assertReplayEquals(reg, log);
  });

  it('reads: versions, "latest", -1, invalid versions (42202), unknown subject (40401) and version (40402)', async () => {
    const { reg } = setup();
    await reg.register('s', { schema: A });
    for (const bad of ['0', '-2', 'abc', '1.5', '2147483648']) {
      await rejects(() => reg.getVersion('s', bad), 422, 42202, `The specified version '${bad}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`);
    }
    assert.equal(reg.getVersion('s', 'LATEST').version, 1);
    await rejects(() => reg.getVersion('s', 2), 404, 40402, 'Version 2 not found.');
    await rejects(() => reg.getVersion('nope', 1), 404, 40401, "Subject 'nope' not found.");
    await rejects(() => reg.versions('nope'), 404, 40401, "Subject 'nope' not found.");
  });

  it('lookup: the version holding the schema, else 40403 (subject known) or 40401; normalized as a fallback', async () => {
    const { reg } = setup();
    await reg.register('s', { schema: toy('A', ['b', 'a']) });
    assert.equal(reg.lookup('s', { schema: toy('A', ['b', 'a']) }).version, 1);
    await rejects(() => reg.lookup('s', { schema: toy('Z', ['q']) }), 404, 40403, 'Schema not found');
    await rejects(() => reg.lookup('t', { schema: A }), 404, 40401, "Subject 't' not found.");
    await rejects(() => reg.lookup('s', { schema: 'not json' }), 422, 42201, /^Invalid schema \{subject=s,version=0,id=-1,schemaType=AVRO,references=\[\],.*details: not JSON/);
    // Registered normalized, looked up as sent: found through the normalized retry.
    const { reg: n } = setup();
    await n.register('s', { schema: toy('A', ['b', 'a']) }, { normalize: true });
    assert.equal(n.getVersion('s', 1).schema, toy('A', ['a', 'b']));
    assert.equal(n.lookup('s', { schema: toy('A', ['b', 'a']) }).version, 1);
  });

  it('invalid schemas and types are 42201; an empty schema is "Empty schema"', async () => {
    const { reg } = setup();
    await rejects(reg.register('s', { schema: '{' }), 422, 42201, /^Invalid schema .* of type AVRO, details: not JSON/);
    await rejects(reg.register('s', { schema: A, schemaType: 'XML' }), 422, 42201, 'Invalid schema type XML');
    await rejects(reg.register('s', { schema: '  ' }), 422, 42201, 'Empty schema');
    await rejects(reg.register('bad\u0001subject', { schema: A }), 422, 42208, "The specified subject 'bad\u0001subject' is not a valid.");
  });

  it('BACKWARD by default: an incompatible schema is 409 with Confluent\'s message', async () => {
    const { reg } = setup();
    await reg.register('s', { schema: A });
    await rejects(
      reg.register('s', { schema: B_REQ }),
      409,
      409,
      'Schema being registered is incompatible with an earlier schema for subject "s", details: [' +
        "The field 'b' at path '/fields/0' in the new schema has no default value and is missing in the old schema, {oldSchemaVersion: 1}, " +
        `{oldSchema: '${A}'}, {validateFields: 'false', compatibility: 'BACKWARD'}]`,
    );
    assert.deepEqual(reg.versions('s'), [1]);
  });

  it('levels: NONE, FORWARD, FULL and the transitive ones (checked newest first, against all versions)', async () => {
    const { reg } = setup();
    await reg.register('s', { schema: A });
    await reg.register('s', { schema: AB });
    // B_REQ reads AB (b is there, optional) but not A: only the transitive levels see it.
    assert.deepEqual(reg.testCompatibility('s', undefined, { schema: B_REQ }), { isCompatible: true, messages: [] });
    await reg.setCompatibility('s', 'BACKWARD_TRANSITIVE');
    const r = reg.testCompatibility('s', undefined, { schema: B_REQ });
    assert.equal(r.isCompatible, false);
    assert.deepEqual(r.messages.slice(1), ['{oldSchemaVersion: 1}', `{oldSchema: '${A}'}`, "{validateFields: 'false', compatibility: 'BACKWARD_TRANSITIVE'}"]);
    // FORWARD: the old schema (AB, requiring a) must read the new one, which has no a.
    await reg.setCompatibility('s', 'FORWARD');
    assert.deepEqual(reg.testCompatibility('s', undefined, { schema: B_REQ }).messages, [
      "The field 'a' at path '/fields/0' in the old schema has no default value and is missing in the new schema",
      '{oldSchemaVersion: 2}',
      `{oldSchema: '${AB}'}`,
      "{validateFields: 'false', compatibility: 'FORWARD'}",
    ]);
    // FULL: both ways, the old schema quoted once at the end.
    await reg.setCompatibility('s', 'full');
    assert.deepEqual(reg.testCompatibility('s', undefined, { schema: toy('A', ['c']) }).messages, [
      "The field 'a' at path '/fields/0' in the old schema has no default value and is missing in the new schema",
      "The field 'c' at path '/fields/0' in the new schema has no default value and is missing in the old schema",
      '{oldSchemaVersion: 2}',
      `{oldSchema: '${AB}'}`,
      "{validateFields: 'false', compatibility: 'FULL'}",
    ]);
    assert.equal(reg.testCompatibility('s', undefined, { schema: toy('A', ['a', 'b?', 'c?']) }).isCompatible, true);
    await reg.setCompatibility('s', 'NONE');
    assert.equal(await reg.register('s', { schema: toy('Other', ['z']) }), 3);
  });

  it('a schema of another type is incompatible unless the level is NONE', async () => {
    const { reg } = setup();
    await reg.register('s', { schema: A });
    assert.deepEqual(reg.testCompatibility('s', undefined, { schema: A, schemaType: 'JSON' }).messages, ['Incompatible because of different schema type', "{validateFields: 'false', compatibility: 'BACKWARD'}"]);
    await reg.setCompatibility(null, 'NONE');
    assert.equal(await reg.register('s', { schema: A, schemaType: 'JSON' }), 2);
  });

  it('testCompatibility: against one version, "latest" of nothing is compatible, an unknown version is 40402, verbose takes an invalid schema', async () => {
    const { reg } = setup();
    assert.deepEqual(reg.testCompatibility('none', 'latest', { schema: A }), { isCompatible: true, messages: [] });
    await rejects(() => reg.testCompatibility('none', 3, { schema: A }), 404, 40402, 'Version 3 not found.');
    await reg.register('s', { schema: A });
    await reg.register('s', { schema: AB });
    assert.equal(reg.testCompatibility('s', 1, { schema: B_REQ }).isCompatible, false);
    assert.equal(reg.testCompatibility('s', 2, { schema: B_REQ }).isCompatible, true);
    await rejects(() => reg.testCompatibility('s', 2, { schema: 'x' }), 422, 42201);
    const v = reg.testCompatibility('s', 2, { schema: 'x' }, { verbose: true });
    assert.equal(v.isCompatible, false);
    assert.match(v.messages[0], /^Invalid schema/);
  });

  it('soft and hard deletes of versions, with Confluent\'s codes, and ids still served after a soft delete', async () => {
    const { reg, log } = setup();
    await reg.register('s', { schema: A });
    await reg.register('s', { schema: AB });
    await rejects(reg.deleteVersion('s', 1, { permanent: true }), 404, 40407, "Subject 's' Version 1 was not deleted first before being permanently deleted");
    assert.equal(await reg.deleteVersion('s', '1'), 1);
    assert.equal(log.text().at(-1)![1], `{"subject":"s","version":1,"id":1,"schema":${JSON.stringify(A)},"deleted":true}`);
    await rejects(reg.deleteVersion('s', '1'), 404, 40406, "Subject 's' Version 1 was soft deleted.Set permanent=true to delete permanently");
    await rejects(() => reg.getVersion('s', 1), 404, 40402, 'Version 1 not found.');
    assert.equal(reg.getVersion('s', 1, { deleted: true }).deleted, true);
    assert.deepEqual(reg.versions('s'), [2]);
    assert.deepEqual(reg.versions('s', { deleted: true }), [1, 2]);
    assert.deepEqual(reg.versions('s', { deletedOnly: true }), [1]);
    assert.equal(reg.schemaById(1).schema, A, 'a soft-deleted version still serves its id');
    assert.deepEqual(reg.subjectsForId(1), []);
    assert.deepEqual(reg.subjectsForId(1, { deleted: true }), ['s']);
    assert.equal(await reg.deleteVersion('s', 1, { permanent: true }), 1);
    assert.deepEqual(log.text().at(-1), ['{"keytype":"SCHEMA","subject":"s","version":1,"magic":1}', null]);
    await rejects(() => reg.schemaById(1), 404, 40403, 'Schema 1 not found');
    await rejects(reg.deleteVersion('s', 7), 404, 40402, 'Version 7 not found.');
    await rejects(reg.deleteVersion('x', 1), 404, 40401, "Subject 'x' not found.");
    await rejects(reg.deleteVersion('s', 'zero'), 422, 42202);
    // Ids are never reused: the next schema after a hard delete of id 1 is id 3.
    assert.equal(await reg.register('s', { schema: toy('A', ['a', 'b?', 'c?']) }), 3);
    assertReplayEquals(reg, log);
  });

  it('a soft-deleted schema registered again gets a new version with its id, and its old version is tombstoned', async () => {
    const { reg, log } = setup();
    await reg.register('s', { schema: A });
    await reg.register('s', { schema: AB });
    await reg.deleteVersion('s', 1);
    assert.equal(await reg.register('s', { schema: A }), 1);
    assert.deepEqual(log.text().slice(-2), [
      ['{"keytype":"SCHEMA","subject":"s","version":1,"magic":1}', null],
      ['{"keytype":"SCHEMA","subject":"s","version":3,"magic":1}', `{"subject":"s","version":3,"id":1,"schema":${JSON.stringify(A)},"deleted":false}`],
    ]);
    assert.deepEqual(reg.versions('s', { deleted: true }), [2, 3]);
    assertReplayEquals(reg, log);
  });

  it('subject deletes: soft (one DELETE_SUBJECT record), then hard; 40404 and 40405; listings by deletion', async () => {
    const { reg, log } = setup();
    await reg.register('s', { schema: A });
    await reg.register('s', { schema: AB });
    await reg.register('t', { schema: A });
    await rejects(reg.deleteSubject('s', { permanent: true }), 404, 40405, "Subject 's' was not deleted first before being permanently deleted");
    assert.deepEqual(await reg.deleteSubject('s'), [1, 2]);
    assert.deepEqual(log.text().at(-1), ['{"keytype":"DELETE_SUBJECT","subject":"s","magic":0}', '{"subject":"s","version":2}']);
    await rejects(reg.deleteSubject('s'), 404, 40404, "Subject 's' was soft deleted.Set permanent=true to delete permanently");
    assert.deepEqual(reg.subjects(), ['t']);
    assert.deepEqual(reg.subjects({ deleted: true }), ['s', 't']);
    assert.deepEqual(reg.subjects({ deletedOnly: true }), ['s']);
    assert.deepEqual(reg.subjects({ prefix: 's', deleted: true }), ['s']);
    await rejects(() => reg.versions('s'), 404, 40401);
    assert.deepEqual(reg.versions('s', { deleted: true }), [1, 2]);
    assertReplayEquals(reg, log);
    assert.deepEqual(await reg.deleteSubject('s', { permanent: true }), [1, 2]);
    assert.deepEqual(log.text().slice(-2), [
      ['{"keytype":"SCHEMA","subject":"s","version":1,"magic":1}', null],
      ['{"keytype":"SCHEMA","subject":"s","version":2,"magic":1}', null],
    ]);
    assert.deepEqual(reg.subjects({ deleted: true }), ['t']);
    await rejects(reg.deleteSubject('s'), 404, 40401, "Subject 's' not found.");
    assertReplayEquals(reg, log);
  });

  it('references: resolved from the store ("latest" pinned), referencedby, 42206 while referenced, 42201 when unknown', async () => {
    const { reg, log } = setup();
    await reg.register('addr', { schema: toy('Address', ['street']) });
    const ref = { name: 'Address', subject: 'addr', version: -1 };
    assert.equal(await reg.register('cust', { schema: toy('Customer', ['id'], ['Address']), references: [ref] }), 2);
    assert.deepEqual(reg.getVersion('cust', 1).references, [{ name: 'Address', subject: 'addr', version: 1 }]);
    assert.deepEqual(reg.referencedBy('addr', 1), [2]);
    assert.deepEqual(reg.referencedBy('addr', 'latest'), [2]);
    await rejects(reg.deleteVersion('addr', 1), 422, 42206, '{magic=1,keytype=SCHEMA,subject=addr,version=1}');
    await rejects(reg.deleteSubject('addr'), 422, 42206);
    await rejects(reg.register('x', { schema: toy('X', ['a'], ['Nope']), references: [{ name: 'Nope', subject: 'none', version: 1 }] }), 422, 42201, /No schema reference found for subject "none" and version 1/);
    // The same schema with the same references is the same id; lookups compare references too.
    assert.equal(await reg.register('cust2', { schema: toy('Customer', ['id'], ['Address']), references: [{ name: 'Address', subject: 'addr', version: 1 }] }), 2);
    assert.equal(reg.lookup('cust', { schema: toy('Customer', ['id'], ['Address']), references: [ref] }).id, 2);
    await reg.deleteSubject('cust');
    await reg.deleteSubject('cust2');
    assert.deepEqual(reg.referencedBy('addr', 1), [], 'soft-deleted referrers do not hold a reference');
    assert.equal(await reg.deleteVersion('addr', 1), 1);
    assertReplayEquals(reg, log);
  });

  it('modes: READONLY refuses writes (42205) but still answers a known schema; a subject\'s mode overrides the global one', async () => {
    const { reg, log } = setup();
    await reg.register('s', { schema: A });
    await reg.setMode(null, 'READONLY');
    assert.equal(reg.getMode(null), 'READONLY');
    assert.equal(await reg.register('s', { schema: A }), 1);
    await rejects(reg.register('s', { schema: AB }), 422, 42205, 'Subject s is in read-only mode');
    await rejects(reg.deleteVersion('s', 1), 422, 42205, 'Subject s is in read-only mode');
    await rejects(reg.setCompatibility(null, 'FULL'), 422, 42205, 'Subject null is in read-only mode');
    await reg.setMode('s', 'READWRITE');
    assert.equal(await reg.register('s', { schema: AB }), 2);
    await rejects(() => reg.getMode('t'), 404, 40409, "Subject 't' does not have subject-level mode configured");
    assert.equal(reg.getMode('t', { defaultToGlobal: true }), 'READONLY');
    await reg.setMode(null, 'READONLY_OVERRIDE');
    assert.equal(reg.getMode('s'), 'READONLY_OVERRIDE');
    await rejects(reg.register('s', { schema: toy('A', ['a', 'b?', 'c?']) }), 422, 42205);
    await rejects(reg.setMode('s', 'sideways'), 422, 42204, 'Invalid mode. Valid values are READWRITE, READONLY, and IMPORT.');
    assert.equal(await reg.deleteMode(null), 'READONLY_OVERRIDE');
    assert.equal(await reg.deleteMode('s'), 'READWRITE');
    await rejects(reg.deleteMode('s'), 404, 40401, "Subject 's' not found.");
    assert.equal(reg.getMode(null), 'READWRITE');
    assertReplayEquals(reg, log);
  });

  it('IMPORT: only into an empty scope, with the client\'s ids and versions, no compatibility check; ids go on from the largest', async () => {
    const { reg, log } = setup();
    await reg.register('s', { schema: A });
    await rejects(reg.setMode(null, 'IMPORT'), 422, 42205, 'Cannot import since found existing subjects');
    await rejects(reg.register('s', { schema: AB, id: 50 }), 422, 42205, 'Subject s is not in import mode');
    await reg.deleteSubject('s');
    await reg.setMode(null, 'IMPORT');
    // Entering IMPORT dropped the soft-deleted versions for good, then cleared the subject.
    assert.deepEqual(log.text().slice(-3), [
      ['{"keytype":"SCHEMA","subject":"s","version":1,"magic":1}', null],
      ['{"keytype":"CLEAR_SUBJECT","subject":null,"magic":0}', '{}'],
      ['{"keytype":"MODE","subject":null,"magic":0}', '{"mode":"IMPORT"}'],
    ]);
    await rejects(reg.register('s', { schema: AB }), 422, 42205, 'Subject s is not in read-write mode');
    assert.equal(await reg.register('s', { schema: B_REQ, id: 100, version: 5 }), 100);
    assert.equal(await reg.register('s', { schema: A, id: 42, version: 6 }), 42, 'no compatibility check in IMPORT');
    assert.equal(await reg.register('s', { schema: A, id: 42, version: 6 }), 42, 'the same import again');
    await rejects(reg.register('t', { schema: toy('Other', ['z']), id: 100, version: 1 }), 422, 42205, 'Overwrite new schema with id 100 is not permitted.');
    assert.deepEqual(reg.versions('s'), [5, 6]);
    await reg.setMode(null, 'READWRITE');
    await reg.setCompatibility('s', 'NONE');
    assert.equal(await reg.register('s', { schema: toy('New', ['n']) }), 101);
    assert.deepEqual(reg.versions('s'), [5, 6, 7]);
    assertReplayEquals(reg, log);
  });

  it('compatibility settings: global default BACKWARD, subject levels (40408 without one), deletes, 42203', async () => {
    const { reg, log } = setup();
    assert.equal(reg.getCompatibility(null), 'BACKWARD');
    await rejects(() => reg.getCompatibility('s'), 404, 40408, "Subject 's' does not have subject-level compatibility configured");
    assert.equal(reg.getCompatibility('s', { defaultToGlobal: true }), 'BACKWARD');
    assert.equal(await reg.setCompatibility(null, 'FULL'), 'FULL');
    assert.equal(await reg.setCompatibility('s', 'forward_transitive'), 'FORWARD_TRANSITIVE');
    assert.deepEqual(log.text().slice(-2), [
      ['{"keytype":"CONFIG","subject":null,"magic":0}', '{"compatibilityLevel":"FULL"}'],
      ['{"keytype":"CONFIG","subject":"s","magic":0}', '{"subject":"s","compatibilityLevel":"FORWARD_TRANSITIVE"}'],
    ]);
    assert.equal(reg.getCompatibility('s'), 'FORWARD_TRANSITIVE');
    assert.equal(reg.getCompatibility('t', { defaultToGlobal: true }), 'FULL');
    await rejects(reg.setCompatibility(null, 'SIDEWAYS'), 422, 42203, 'Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive');
    await rejects(reg.setCompatibility(null, undefined), 422, 42203);
    await rejects(reg.deleteCompatibility('t'), 404, 40401, "Subject 't' not found.");
    assert.equal(await reg.deleteCompatibility('s'), 'FORWARD_TRANSITIVE');
    assert.equal(await reg.deleteCompatibility(null), 'FULL');
    assert.equal(reg.getCompatibility(null), 'BACKWARD');
    assertReplayEquals(reg, log);
  });

  it('soft-deleting a subject\'s last live version drops the subject\'s own level and mode', async () => {
    const { reg, log } = setup();
    await reg.register('s', { schema: A });
    await reg.setCompatibility('s', 'NONE');
    await reg.setMode('s', 'READWRITE');
    await reg.deleteVersion('s', 1);
    assert.deepEqual(log.text().slice(-2), [
      ['{"keytype":"MODE","subject":"s","magic":0}', null],
      ['{"keytype":"CONFIG","subject":"s","magic":0}', null],
    ]);
    await rejects(() => reg.getCompatibility('s'), 404, 40408);
    assertReplayEquals(reg, log);
  });

  it('a failed append changes nothing: 50001, or 50002 when it timed out', async () => {
    const { reg, log } = setup();
    log.failWith = new Error('disk full');
    await rejects(reg.register('s', { schema: A }), 500, 50001, 'Register schema operation failed while writing to the Kafka store');
    assert.deepEqual(reg.subjects({ deleted: true }), []);
    log.failWith = Object.assign(new Error('slow'), { name: 'TimeoutError' });
    await rejects(reg.register('s', { schema: A }), 500, 50002, 'Register operation timed out');
    log.failWith = Object.assign(new Error('x'), { errorName: 'REQUEST_TIMED_OUT' });
    await rejects(reg.setMode(null, 'READONLY'), 500, 50002, 'Update mode operation timed out');
    await rejects(reg.setCompatibility(null, 'NONE'), 500, 50001, 'Failed to update compatibility level');
    log.failWith = undefined;
    assert.equal(await reg.register('s', { schema: A }), 1);
    assert.equal(reg.getCompatibility(null), 'BACKWARD');
  });

  it('replays records as Confluent wrote them, and skips what it does not know', () => {
    const reg = new SchemaRegistry(TOY_PROVIDERS, new MemoryLog());
    const put = (k: string, v: string | null): void => reg.apply(Buffer.from(k), v === null ? null : Buffer.from(v));
    put('{"keytype":"NOOP","magic":0}', null);
    put('{"keytype":"SCHEMA","subject":"s","version":1,"magic":1}', '{"subject":"s","version":1,"id":7,"schema":"x","deleted":false}');
    put('{"keytype":"SCHEMA","subject":"s","version":2,"magic":1}', '{"subject":"s","version":2,"id":9,"schemaType":"PROTOBUF","schema":"y","deleted":false}');
    put('{"keytype":"CONFIG","subject":null,"magic":0}', '{"compatibilityLevel":"FULL"}');
    put('{"keytype":"CONTEXT","tenant":"default","context":".x","magic":0}', '{}');
    put('garbage', 'garbage');
    put('{"keytype":"SCHEMA","subject":"s","version":3,"magic":1}', 'garbage');
    put('{"keytype":"DELETE_SUBJECT","subject":"s","magic":0}', '{"subject":"s","version":1}');
    assert.deepEqual(reg.versions('s'), [2]);
    assert.deepEqual(reg.versions('s', { deleted: true }), [1, 2]);
    assert.equal(reg.getCompatibility(null), 'FULL');
    assert.equal(reg.maxId(), 9);
    put('{"keytype":"CONFIG","subject":null,"magic":0}', null);
    put('{"keytype":"SCHEMA","subject":"s","version":2,"magic":1}', null);
    assert.equal(reg.getCompatibility(null), 'BACKWARD');
    assert.deepEqual(reg.versions('s', { deleted: true }), [1]);
    assert.equal(reg.maxId(), 9, 'the largest id is remembered past its tombstone');
    assert.equal(encodeKey({ keytype: 'NOOP' }).toString(), '{"keytype":"NOOP","magic":0}');
  });

  it('lists schemas by subject then version, with a prefix, deleted ones and latest only', async () => {
    const { reg } = setup();
    await reg.register('b', { schema: A });
    await reg.register('a', { schema: A });
    await reg.register('a', { schema: AB });
    await reg.deleteVersion('a', 1);
    assert.deepEqual(
      reg.schemas().map((r) => [r.subject, r.version]),
      [
        ['a', 2],
        ['b', 1],
      ],
    );
    assert.deepEqual(
      reg.schemas({ deleted: true }).map((r) => [r.subject, r.version]),
      [
        ['a', 1],
        ['a', 2],
        ['b', 1],
      ],
    );
    assert.deepEqual(
      reg.schemas({ subjectPrefix: 'a', deleted: true, latestOnly: true }).map((r) => [r.subject, r.version]),
      [['a', 2]],
    );
    assert.deepEqual(
      reg.schemas({ deleted: true, offset: 1, limit: 1 }).map((r) => [r.subject, r.version]),
      [['a', 2]],
    );
  });
});
