/**
 * Cross-checks with a real client library, @kafkajs/confluent-schema-registry (4.1), against the embedded registry:
 * what it encodes (Avro, JSON Schema, and Protobuf, which it writes without message indexes) decodes with ours to the
 * same values, and what ours encodes (Avro, JSON Schema) decodes with it.
 */
import { strict as assert } from 'node:assert';
import { SchemaRegistry as KafkajsRegistry } from '@kafkajs/confluent-schema-registry';
import { SchemaSerde } from '../../../src/schemas/schema-serde';
import { startRegistry, type RegistryFixture } from './registry-fixture';

const ITEM = JSON.stringify({
  type: 'record',
  name: 'Item',
  namespace: 'shop',
  fields: [
    { name: 'sku', type: 'string' },
    { name: 'count', type: 'int' },
    { name: 'total', type: 'long' },
    { name: 'price', type: 'double' },
    { name: 'kind', type: { type: 'enum', name: 'Kind', symbols: ['BOOK', 'TOOL'] } },
    { name: 'labels', type: { type: 'array', items: 'string' } },
    { name: 'attrs', type: { type: 'map', values: 'int' } },
    { name: 'maker', type: { type: 'record', name: 'Maker', fields: [{ name: 'name', type: 'string' }] } },
    { name: 'note', type: ['null', 'string'], default: null },
  ],
});

const PERSON = JSON.stringify({ type: 'object', properties: { name: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } } }, required: ['name'] });

const PROTO = `syntax = "proto3";
package acme;

message Shipment {
  string shipment_id = 1;
  int64 weight_grams = 2;
  repeated string stops = 3;
  Mode mode = 4;
  Box box = 5;

  enum Mode {
    ROAD = 0;
    AIR = 1;
  }
  message Box {
    int32 width = 1;
  }
}
`;

describe('Schema serde: cross-checked with @kafkajs/confluent-schema-registry', function () {
  this.timeout(30_000);
  let reg: RegistryFixture;
  let serde: SchemaSerde;
  let theirs: KafkajsRegistry;
  let itemId: number;
  let personId: number;
  let protoId: number;

  before(async () => {
    reg = await startRegistry();
    itemId = await reg.register('items-value', 'AVRO', ITEM);
    personId = await reg.register('people-value', 'JSON', PERSON);
    protoId = await reg.register('shipments-value', 'PROTOBUF', PROTO);
    theirs = new KafkajsRegistry({ host: reg.url });
  });
  after(async () => {
    await reg.close();
  });
  beforeEach(() => {
    serde = new SchemaSerde(reg.client);
  });

  const item = { sku: 'b-1', count: 3, total: 1234567890123, price: 9.99, kind: 'TOOL', labels: ['x', 'y'], attrs: { w: 2 }, maker: { name: 'Acme' } };

  it('Avro: what it encodes we decode to the same values (a nullable union wrapped, as Avro JSON has it)', async () => {
    const bytes = await theirs.encode(itemId, { ...item, note: 'fragile' });
    const decoded = await serde.decode(bytes, { topic: 'items' });
    assert.ok(decoded.kind === 'decoded');
    assert.deepEqual(JSON.parse(decoded.json), { ...item, note: { string: 'fragile' } });
    assert.equal(decoded.schema.messageName, 'shop.Item');
  });

  it('Avro: what we encode it decodes to the same values', async () => {
    const { bytes } = await serde.encode({ ...item, note: null }, { subject: 'items-value' });
    // Their values are avsc's record instances: compared as the JSON they stand for.
    assert.deepEqual(JSON.parse(JSON.stringify(await theirs.decode(bytes))), { ...item, note: null });
    const withNote = await serde.encode({ ...item, note: { string: 'n' } }, { subject: 'items-value' });
    assert.equal((await theirs.decode(withNote.bytes)).note, 'n');
  });

  it('JSON Schema: both ways', async () => {
    const person = { name: 'Ada', tags: ['a'] };
    const decoded = await serde.decode(await theirs.encode(personId, person));
    assert.ok(decoded.kind === 'decoded');
    assert.deepEqual(JSON.parse(decoded.json), person);
    const { bytes } = await serde.encode(person, { subject: 'people-value' });
    assert.deepEqual(await theirs.decode(bytes), person);
  });

  it('Protobuf: what it encodes without message indexes we decode as the first message', async () => {
    const bytes = await theirs.encode(protoId, { shipmentId: 's-1', weightGrams: 1500, stops: ['A', 'B'], mode: 1, box: { width: 30 } });
    const decoded = await serde.decode(bytes);
    assert.deepEqual(decoded, {
      kind: 'decoded',
      schema: { id: protoId, type: 'PROTOBUF', subject: 'shipments-value', version: 1, messageName: 'acme.Shipment' },
      json: '{"shipmentId":"s-1","weightGrams":"1500","stops":["A","B"],"mode":"AIR","box":{"width":30}}',
    });
  });

  it('Protobuf: what we encode (first message, index byte 0) it decodes, skipping the zero as it does', async () => {
    const { bytes } = await serde.encode({ shipmentId: 's-2', weightGrams: '7', mode: 'AIR' }, { subject: 'shipments-value' });
    const message = (await theirs.decode(bytes)) as { shipmentId: string; weightGrams: { toString(): string }; mode: number };
    assert.equal(message.shipmentId, 's-2');
    assert.equal(message.weightGrams.toString(), '7');
    assert.equal(message.mode, 1);
  });
});
