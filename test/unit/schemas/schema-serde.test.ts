/**
 * The schema serde's behaviour whatever the schema language: what is not in the wire format, the reasons it gives
 * when a schema cannot be had, what it caches (one request per schema id however many records, failures briefly,
 * concurrent misses shared), which subject it names, and how encoding finds the schema to write with.
 */
import { strict as assert } from 'node:assert';
import { createServer } from 'node:net';
import { AsyncCache } from '../../../src/schemas/async-cache';
import { SchemaRegistryClient } from '../../../src/schemas/registry-client';
import { SchemaSerde } from '../../../src/schemas/schema-serde';
import { looksLikeWireFormat } from '../../../src/schemas/wire-format';
import { startRegistry, type RegistryFixture } from './registry-fixture';

const POINT = JSON.stringify({ type: 'record', name: 'Point', namespace: 'geo', fields: [{ name: 'x', type: 'int' }, { name: 'y', type: 'int' }] });

function header(id: number, ...payload: number[]): Buffer {
  const b = Buffer.alloc(5 + payload.length);
  b.writeInt32BE(id, 1);
  b.set(payload, 5);
  return b;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('Schema serde: wire format, errors, caches, subjects', function () {
  this.timeout(30_000);
  let reg: RegistryFixture;
  let serde: SchemaSerde;
  let pointId: number;

  before(async () => {
    reg = await startRegistry();
    pointId = await reg.register('points-value', 'AVRO', POINT);
  });
  after(async () => {
    await reg.close();
  });
  beforeEach(() => {
    serde = new SchemaSerde(reg.client);
    reg.calls.clear();
  });

  it('bytes without the magic byte, or shorter than its header, are plain', async () => {
    assert.equal(looksLikeWireFormat(Buffer.from('hello')), false);
    assert.equal(looksLikeWireFormat(Buffer.from([0, 0, 0, 1])), false);
    assert.equal(looksLikeWireFormat(Buffer.from([0, 0, 0, 0, 1])), true);
    assert.deepEqual(await serde.decode(Buffer.from('{"x":1}')), { kind: 'plain' });
    assert.deepEqual(await serde.decode(Buffer.from([0, 0, 0, 1])), { kind: 'plain' });
    assert.deepEqual(serde.decodeCached(Buffer.from('plain')), { kind: 'plain' });
    assert.equal(reg.calls.size, 0);
  });

  it('decoding 1000 records of one schema id fetches the schema once; then the synchronous path answers', async () => {
    const records = await Promise.all(Array.from({ length: 1000 }, (_, i) => serde.encode({ x: i, y: -i }, { subject: 'points-value' })));
    assert.equal(reg.calls.get('version'), 1, 'the latest version is looked up once for the batch');
    reg.calls.clear();
    const reader = new SchemaSerde(reg.client);
    assert.equal(reader.decodeCached(records[0].bytes), undefined, 'decodeCached before the first decode: not cached yet');
    const decoded = await Promise.all(records.map((r) => reader.decode(r.bytes, { topic: 'points' })));
    assert.deepEqual(decoded[999], { kind: 'decoded', schema: { id: pointId, type: 'AVRO', subject: 'points-value', version: 1, messageName: 'geo.Point' }, json: '{"x":999,"y":-999}' });
    for (const r of records) assert.equal(reader.decodeCached(r.bytes)?.kind, 'decoded');
    assert.deepEqual(Object.fromEntries(reg.calls), { schemaById: 1, versionsOfId: 1 });
  });

  it('an unknown schema id is an error naming the registry and its error code, remembered for a few seconds', async () => {
    const bytes = header(4242, 1, 2, 3);
    const r = await serde.decode(bytes);
    assert.deepEqual(r, { kind: 'error', schemaId: 4242, reason: `schema 4242 is not in the registry at ${reg.url} (error 40403)` });
    assert.deepEqual(await Promise.all([serde.decode(bytes), serde.decode(header(4242))]), [r, r]);
    assert.deepEqual(serde.decodeCached(bytes), r, 'the remembered failure answers synchronously');
    assert.equal(reg.calls.get('schemaById'), 1);
  });

  it('concurrent misses for one id share one request', async () => {
    const id = await reg.register('fresh-value', 'AVRO', '"string"');
    reg.calls.clear();
    const bytes = header(id, 4, 0x68, 0x69);
    const results = await Promise.all(Array.from({ length: 50 }, () => serde.decode(bytes)));
    assert.ok(results.every((x) => x.kind === 'decoded' && x.json === '"hi"'));
    assert.deepEqual(Object.fromEntries(reg.calls), { schemaById: 1, versionsOfId: 1 });
  });

  it('a registry nobody answers at is named in the reason', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const r = await new SchemaSerde(new SchemaRegistryClient({ url })).decode(header(1, 0));
    assert.ok(r.kind === 'error');
    assert.equal(r.schemaId, 1);
    assert.match(r.reason, new RegExp(`^cannot reach the schema registry at ${url.replace(/\./g, '\\.')}: .*ECONNREFUSED`));
  });

  it('a referenced subject version the registry lacks makes the schema unusable, saying which', async () => {
    const client = reg.client as unknown as { schemaById: (id: number) => Promise<unknown> };
    const original = client.schemaById;
    client.schemaById = async () => ({ schema: POINT, schemaType: 'AVRO', references: [{ name: 'x', subject: 'missing', version: 3 }] });
    try {
      const r = await serde.decode(header(77, 0));
      assert.ok(r.kind === 'error');
      assert.match(r.reason, /^schema 77 \(AVRO\) cannot be used: its reference to missing version 3 cannot be fetched: schema registry GET \/subjects\/missing\/versions\/3: 404 \(error 40401\)/);
    } finally {
      client.schemaById = original;
    }
  });

  it('references shared by two schemas are fetched once', async () => {
    await reg.register('shared-geo', 'AVRO', JSON.stringify({ type: 'record', name: 'Spot', namespace: 'geo', fields: [{ name: 'p', type: 'string' }] }));
    const refs = [{ name: 'geo.Spot', subject: 'shared-geo', version: 1 }];
    const a = await reg.register('a-value', 'AVRO', JSON.stringify({ type: 'record', name: 'A', fields: [{ name: 's', type: 'geo.Spot' }] }), refs);
    const b = await reg.register('b-value', 'AVRO', JSON.stringify({ type: 'array', items: 'geo.Spot' }), refs);
    reg.calls.clear();
    const [ra, rb] = await Promise.all([serde.decode(header(a, 2, 0x71)), serde.decode(header(b, 2, 2, 0x71, 0))]);
    assert.deepEqual([ra.kind === 'decoded' && ra.json, rb.kind === 'decoded' && rb.json], ['{"s":{"p":"q"}}', '[{"p":"q"}]']);
    assert.equal(reg.calls.get('version'), 1);
  });

  it("names the topic's own subject when a schema sits under several, else a record-name subject, else the first", async () => {
    const schema = JSON.stringify({ type: 'record', name: 'Shared', namespace: 'multi', fields: [{ name: 'n', type: 'int' }] });
    const id = await reg.register('alpha-value', 'AVRO', schema);
    await reg.register('beta-key', 'AVRO', schema);
    await reg.register('beta-value', 'AVRO', schema);
    await reg.register('multi.Shared', 'AVRO', schema);
    const bytes = header(id, 2);
    const subject = async (ctx?: { topic?: string; isKey?: boolean }): Promise<string | undefined> => {
      const r = await serde.decode(bytes, ctx);
      return r.kind === 'decoded' ? r.schema.subject : undefined;
    };
    assert.equal(await subject({ topic: 'beta', isKey: true }), 'beta-key');
    assert.equal(await subject({ topic: 'beta' }), 'beta-value');
    assert.equal(await subject({ topic: 'gamma' }), 'multi.Shared');
    assert.equal(await subject(), 'multi.Shared');
  });

  it('encodes with a given schema: looked up when registered, registered when asked to, refused otherwise', async () => {
    const text = JSON.stringify({ type: 'record', name: 'Given', fields: [{ name: 'v', type: 'string' }] });
    await assert.rejects(serde.encode({ v: 'a' }, { subject: 'given-value', schema: { schema: text, schemaType: 'AVRO' } }), (e: Error) => {
      assert.match(e.message, /^(Subject 'given-value' is not in|The schema is not registered under 'given-value' in) the schema registry at /);
      return true;
    });
    const registered = await serde.encode({ v: 'a' }, { subject: 'given-value', schema: { schema: text, schemaType: 'AVRO' }, autoRegister: true });
    assert.deepEqual(registered.schema, { id: registered.bytes.readInt32BE(1), type: 'AVRO', subject: 'given-value', version: 1, messageName: 'Given' });
    const fresh = new SchemaSerde(reg.client);
    const lookedUp = await fresh.encode({ v: 'b' }, { subject: 'given-value', schema: { schema: text, schemaType: 'AVRO' } });
    assert.deepEqual(lookedUp.schema, registered.schema);
  });

  it('an unknown subject or version is an Error saying so', async () => {
    await assert.rejects(serde.encode({}, { subject: 'nope-value' }), new RegExp(`^Error: Subject 'nope-value' is not in the schema registry at ${reg.url.replace(/\./g, '\\.')} \\(error 40401\\)$`));
    await assert.rejects(serde.encode({ x: 1, y: 2 }, { subject: 'points-value', version: 9 }), /^Error: Subject 'points-value' has no version 9 in the schema registry at .* \(error 40402\)$/);
  });

  it('the cache remembers a failure only until its time is up', async () => {
    let now = 0;
    const cache = new AsyncCache<string, number>(Infinity, 5_000, () => now);
    let loads = 0;
    const failing = (): Promise<number> => (loads++, Promise.reject(new Error('down')));
    await assert.rejects(cache.get('k', failing), /down/);
    await assert.rejects(cache.get('k', failing), /down/);
    assert.equal(loads, 1);
    assert.deepEqual(cache.peek('k'), { state: 'failed', error: new Error('down') });
    now = 5_000;
    assert.equal(cache.peek('k'), undefined);
    assert.equal(await cache.get('k', async () => 7), 7);
    now = 1e12;
    assert.deepEqual(cache.peek('k'), { state: 'ok', value: 7 });
  });
});
