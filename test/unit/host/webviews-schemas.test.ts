/**
 * Values in Confluent's schema wire format through the panels' hosts and the .kafka runner's pure parts, on a real
 * broker with its embedded registry: the consumer panel shows them decoded (and says why when it cannot), the
 * whole value opens decoded, the segment inspector decodes its records, the producer encodes with a subject and
 * refuses input that does not fit before sending anything, and a CONSUME document prints them decoded.
 */
import { strict as assert } from 'node:assert';
import {
  ConsumedRecord,
  ConsumerRecordsNotification,
  ConsumerStatusNotification,
  DumpSegmentRequest,
  SegmentInitNotification,
  OpenValueCommand,
  ProduceRequest,
  SchemaSubjectsRequest,
  SubscribeRequest,
  WebviewReadyCommand,
} from '../../../src/shared/webview-protocol';
import { ConsumerRouter } from '../../../src/webviews/consumer-router';
import { ProducerRouter } from '../../../src/webviews/producer-router';
import { SegmentRouter } from '../../../src/webviews/segment-router';
import { SchemaRegistries } from '../../../src/schemas/registry-source';
import type { SchemaSerde } from '../../../src/schemas/schema-serde';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { consumeDocument, decodeConsumed, encodeRecords, encodeTargets } from '../../../src/editor/records';
import { parseKafkaFile, type ProduceSpec } from '../../../src/editor/kafka-file';
import { RecordingEnv, TestService, command, request, startService } from './webviews-support';

const ORDER = JSON.stringify({
  type: 'record',
  name: 'Order',
  namespace: 'com.example',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'item', type: 'string' },
    { name: 'note', type: ['null', 'string'], default: null },
  ],
});
const PROTO = 'syntax = "proto3";\npackage shop;\nmessage Payment {\n  string id = 1;\n  int64 cents = 2;\n}\n';

describe('Schema-encoded values in the panels and the .kafka runner (real broker, embedded registry)', function () {
  this.timeout(60_000);
  let t: TestService;
  let env: RecordingEnv;
  let serde: SchemaSerde;

  beforeEach(async () => {
    t = await startService({ schemaRegistry: { port: 0 } });
    const url = (await t.service.status()).schemaRegistryUrl;
    assert.ok(url, 'the embedded registry runs');
    const registries = new SchemaRegistries(async () => ({ url }));
    serde = (await registries.serde())!;
    t.source.schemas = () => registries.serde();
    await t.service.createTopic({ name: 'orders', partitions: 1 });
    env = new RecordingEnv();
  });
  afterEach(async () => {
    await t.stop();
  });

  async function produceEncoded(): Promise<{ avroId: number; protoId: number }> {
    const avroId = await serde.client.register('orders-value', { schema: ORDER, schemaType: 'AVRO', references: [] });
    const protoId = await serde.client.register('payments-value', { schema: PROTO, schemaType: 'PROTOBUF', references: [] });
    const avro = await serde.encode({ id: 7, item: 'book', note: { string: 'gift' } }, { subject: 'orders-value' });
    const proto = await serde.encode({ id: 'p-1', cents: '1250' }, { subject: 'payments-value' });
    const unknownId = Buffer.from([0, 0, 0, 0x7f, 0x7f, 1, 2, 3]);
    await t.service.produce({
      topic: 'orders',
      records: [
        { key: 'plain', value: 'just text' },
        { key: 'avro', value: { base64: avro.bytes.toString('base64') } },
        { key: 'proto', value: { base64: proto.bytes.toString('base64') } },
        { key: 'lost', value: { base64: unknownId.toString('base64') } },
      ],
    });
    return { avroId, protoId };
  }

  it('the consumer panel shows Avro and Protobuf values decoded with their schema, a plain value as it is, and why an unknown id is not decoded', async () => {
    const { avroId, protoId } = await produceEncoded();
    const router = new ConsumerRouter(t.source, env, 'orders', { flushMs: 10 });
    await command(router, WebviewReadyCommand, { panel: 'consumer' });
    const sub = await request(router, env, SubscribeRequest, { topic: 'orders', partitions: null, start: { kind: 'earliest' } });
    assert.equal(sub.error, undefined);
    await env.waitFor(ConsumerRecordsNotification, () => env.of<{ records: ConsumedRecord[] }>(ConsumerRecordsNotification).flatMap((b) => b.records).length >= 4);
    const records = env.of<{ records: ConsumedRecord[] }>(ConsumerRecordsNotification).flatMap((b) => b.records);
    const byKey = new Map(records.map((r) => [r.key!.text, r]));

    const plain = byKey.get('plain')!;
    assert.equal(plain.value!.text, 'just text');
    assert.equal(plain.value!.schema, undefined);

    const avro = byKey.get('avro')!.value!;
    assert.deepEqual(avro.schema, { id: avroId, type: 'AVRO', subject: 'orders-value', version: 1, messageName: 'com.example.Order' });
    assert.deepEqual(JSON.parse(avro.text), { id: 7, item: 'book', note: { string: 'gift' } });
    assert.equal(avro.utf8, true);
    // The bytes stay as written: magic byte 0 and the id.
    const raw = Buffer.from(avro.base64, 'base64');
    assert.deepEqual([raw[0], raw.readInt32BE(1)], [0, avroId]);

    const proto = byKey.get('proto')!.value!;
    assert.deepEqual(proto.schema, { id: protoId, type: 'PROTOBUF', subject: 'payments-value', version: 1, messageName: 'shop.Payment' });
    assert.deepEqual(JSON.parse(proto.text), { id: 'p-1', cents: '1250' });

    const lost = byKey.get('lost')!.value!;
    assert.equal(lost.schema!.id, 0x7f7f);
    assert.match(lost.schema!.error!, /32639|not (found|in the registry)/i);

    // "Open value in editor" opens the decoded value as JSON.
    await command(router, OpenValueCommand, { topic: 'orders', partition: 0, offset: byKey.get('avro')!.offset, part: 'value', format: 'text' });
    const opened = env.documents.at(-1)!;
    assert.equal(opened.language, 'json');
    assert.deepEqual(JSON.parse(opened.content), { id: 7, item: 'book', note: { string: 'gift' } });
    router.dispose();
  });

  it('a bounded read over several partitions with the registry at hand: exactly the records asked for, decoded, then stopped', async () => {
    const avroId = await serde.client.register('many-value', { schema: ORDER, schemaType: 'AVRO', references: [] });
    await t.service.createTopic({ name: 'many', partitions: 3 });
    for (let p = 0; p < 3; p++) {
      const records = [];
      for (let i = 0; i < 40; i++) records.push({ partition: p, value: { base64: (await serde.encode({ id: p * 100 + i, item: `i${i}`, note: null }, { subject: 'many-value' })).bytes.toString('base64') } });
      await t.service.produce({ topic: 'many', records });
    }
    const router = new ConsumerRouter(t.source, env, 'many', { flushMs: 10, fetchRecords: 7 });
    await command(router, WebviewReadyCommand, { panel: 'consumer' });
    await request(router, env, SubscribeRequest, { topic: 'many', start: { kind: 'earliest' }, partitions: null, stopAfter: 50 });
    const statuses = await env.waitFor(ConsumerStatusNotification, (all) => all.some((x) => x.status === 'stopped'));
    assert.deepEqual(statuses.at(-1)!.stopped, { records: 50, reason: 'stopAfter' });
    const records = env.of<{ records: ConsumedRecord[] }>(ConsumerRecordsNotification).flatMap((b) => b.records);
    assert.equal(records.length, 50);
    assert.ok(records.every((r) => r.value!.schema?.id === avroId && JSON.parse(r.value!.text).id === r.partition * 100 + r.offset));
    router.dispose();
  });

  it('the segment inspector decodes its records', async () => {
    const { avroId } = await produceEncoded();
    const router = new SegmentRouter(t.source, env, { kind: 'partition', topic: 'orders', partition: 0 });
    await command(router, WebviewReadyCommand, { panel: 'segment' });
    const [init] = env.of(SegmentInitNotification);
    const dump = await request(router, env, DumpSegmentRequest, { topic: 'orders', partition: 0, node: init.node, baseOffset: init.segments[0].baseOffset, maxBatches: 50 });
    assert.equal(dump.error, undefined);
    const records = dump.result!.batches.flatMap((b) => b.records ?? []);
    const avro = records.find((r) => r.key?.text === 'avro')!;
    assert.equal(avro.value!.schema!.id, avroId);
    assert.deepEqual(JSON.parse(avro.value!.text), { id: 7, item: 'book', note: { string: 'gift' } });
    assert.equal(records.find((r) => r.key?.text === 'plain')!.value!.schema, undefined);
  });

  it('the producer lists the subjects, encodes keys and values with them, and refuses a value that does not fit before sending anything', async () => {
    await serde.client.register('orders-value', { schema: ORDER, schemaType: 'AVRO', references: [] });
    await serde.client.register('orders-key', { schema: '"string"', schemaType: 'AVRO', references: [] });
    const router = new ProducerRouter(t.source, env, 'orders');
    await command(router, WebviewReadyCommand, { panel: 'producer' });
    const subjects = await request(router, env, SchemaSubjectsRequest, {});
    assert.deepEqual(subjects.result!.subjects, ['orders-key', 'orders-value']);
    assert.equal(subjects.result!.registry, serde.client.url);

    const ok = await request(router, env, ProduceRequest, {
      topic: 'orders',
      partition: null,
      compression: 'none',
      acks: -1,
      records: [{ key: '"o-1"', value: '{"id": 1, "item": "pen", "note": null}', headers: [] }],
      keySchema: { subject: 'orders-key' },
      valueSchema: { subject: 'orders-value', version: 1 },
    });
    assert.equal(ok.error, undefined);
    const [stored] = (await t.service.consume({ topic: 'orders', partition: 0, from: { kind: 'earliest' }, maxRecords: 10 })).records;
    const value = await serde.decode(Buffer.from(stored.value!.base64, 'base64'), { topic: 'orders' });
    assert.equal(value.kind, 'decoded');
    assert.deepEqual(value.kind === 'decoded' && JSON.parse(value.json), { id: 1, item: 'pen', note: null });
    const key = await serde.decode(Buffer.from(stored.key!.base64, 'base64'), { topic: 'orders', isKey: true });
    assert.deepEqual(key.kind === 'decoded' && [JSON.parse(key.json), key.schema.subject], ['o-1', 'orders-key']);

    const bad = await request(router, env, ProduceRequest, {
      topic: 'orders',
      partition: null,
      compression: 'none',
      acks: -1,
      records: [
        { key: null, value: '{"id": 2, "item": "ok"}', headers: [] },
        { key: null, value: '{"id": "three", "item": "pen"}', headers: [] },
      ],
      valueSchema: { subject: 'orders-value' },
    });
    assert.match(bad.error!.message, /Record 2's value does not fit the schema of orders-value: .*id/);
    const notJson = await request(router, env, ProduceRequest, { topic: 'orders', partition: null, compression: 'none', acks: -1, records: [{ key: null, value: 'id=3', headers: [] }], valueSchema: { subject: 'orders-value' } });
    assert.match(notJson.error!.message, /Record 1's value is not JSON/);
    const missing = await request(router, env, ProduceRequest, { topic: 'orders', partition: null, compression: 'none', acks: -1, records: [{ key: null, value: '{}', headers: [] }], valueSchema: { subject: 'nope-value' } });
    assert.match(missing.error!.message, /40401|not found/i);
    // Nothing of the refused requests reached the log.
    assert.equal((await t.service.consume({ topic: 'orders', partition: 0, from: { kind: 'earliest' }, maxRecords: 10 })).records.length, 1);
  });

  it('a cluster without a registry: the producer offers no schemas and refuses a subject', async () => {
    t.source.schemas = async () => undefined;
    const router = new ProducerRouter(t.source, env, 'orders');
    const subjects = await request(router, env, SchemaSubjectsRequest, {});
    assert.deepEqual(subjects.result, { subjects: [] });
    const refused = await request(router, env, ProduceRequest, { topic: 'orders', partition: null, compression: 'none', acks: -1, records: [{ key: null, value: '{}', headers: [] }], valueSchema: { subject: 'orders-value' } });
    assert.match(refused.error!.message, /no schema registry/);
  });

  it('.kafka: PRODUCE key-schema= and value-schema= encode the rendered records; CONSUME prints them decoded with their schema', async () => {
    await serde.client.register('orders-value', { schema: ORDER, schemaType: 'AVRO', references: [] });
    const file = parseKafkaFile('PRODUCE orders key=k{{i}} value-schema=orders-value:1 count=2\n\n{"id": {{i}}, "item": "thing {{i}}", "note": null}\n');
    assert.deepEqual(file.problems, []);
    const spec = file.blocks[0].request as ProduceSpec;
    assert.deepEqual(spec.valueSchema, { subject: 'orders-value', version: 1 });
    const { buildRecords, produceRequest } = await import('../../../src/editor/records');
    const { defaultSources } = await import('../../../src/shared/template');
    const records = buildRecords(spec, 0, 2, 1, defaultSources);
    await encodeRecords(serde, encodeTargets(spec, undefined, () => assert.fail('no file to read')), records, 0);
    await t.service.produce(produceRequest(spec, records));
    const res = await t.service.consume({ topic: 'orders', partition: 0, from: { kind: 'earliest' }, maxRecords: 10 });
    const results = [{ ...res, topic: 'orders', partition: 0, startOffset: 0 }];
    const decoded = await decodeConsumed(serde, 'orders', results as never);
    const doc = consumeDocument({ kind: 'consume', topic: 'orders', from: { kind: 'earliest' }, max: 20 }, results as never, new Date(0), decoded);
    assert.match(doc, /# value: AVRO schema \d+ \(orders-value v1\) com\.example\.Order\n\{\n {2}"id": 0,\n {2}"item": "thing 0"/);

    const bad = parseKafkaFile('PRODUCE orders value-schema=orders-value:0\n\n{}\n');
    assert.match(bad.problems[0].message, /version must be latest or a number from 1/);
    const badRecords = buildRecords(parseKafkaFile('PRODUCE orders value-schema=orders-value\n\n{"id": "x"}\n').blocks[0].request as ProduceSpec, 0, 1, 1, defaultSources);
    await assert.rejects(encodeRecords(serde, { value: { subject: 'orders-value', version: 'latest' } }, badRecords, 0), /Record 0's value does not fit the schema of orders-value/);
  });

  it('.kafka: value-schema-file= registers the file under the topic\'s subject (auto-register=true, the default), or only looks it up with auto-register=false', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tributary-schema-files-'));
    writeFileSync(join(dir, 'order.avsc'), ORDER);
    writeFileSync(join(dir, 'payment.proto'), PROTO);
    writeFileSync(join(dir, 'notes.txt'), 'not a schema');
    const read = (f: string) => readFileSync(f, 'utf8');
    const { buildRecords } = await import('../../../src/editor/records');
    const { defaultSources } = await import('../../../src/shared/template');
    const specOf = (text: string) => {
      const f = parseKafkaFile(text);
      assert.deepEqual(f.problems, []);
      return f.blocks[0].request as ProduceSpec;
    };

    // Not registered yet, and auto-register off: looked up, refused, nothing registered.
    const lookup = specOf('PRODUCE orders value-schema-file=order.avsc auto-register=false\n\n{"id": 1, "item": "pen", "note": null}\n');
    assert.deepEqual([lookup.valueSchemaFile, lookup.autoRegister], ['order.avsc', false]);
    await assert.rejects(encodeRecords(serde, encodeTargets(lookup, dir, read), buildRecords(lookup, 0, 1, 1, defaultSources), 0), /40401|40403|not found/i);
    assert.deepEqual(await serde.client.subjects(), []);

    // Auto-registered under orders-value; the record decodes with it.
    const auto = specOf('PRODUCE orders value-schema-file=order.avsc\n\n{"id": 2, "item": "cup", "note": null}\n');
    const records = buildRecords(auto, 0, 1, 1, defaultSources);
    await encodeRecords(serde, encodeTargets(auto, dir, read), records, 0);
    assert.deepEqual(await serde.client.subjects(), ['orders-value']);
    const decoded = await serde.decode(Buffer.from((records[0].value as { base64: string }).base64, 'base64'), { topic: 'orders' });
    assert.deepEqual(decoded.kind === 'decoded' && [decoded.schema.subject, JSON.parse(decoded.json)], ['orders-value', { id: 2, item: 'cup', note: null }]);

    // Now registered: auto-register=false finds it. A Protobuf file under a subject given by value-schema=.
    await encodeRecords(serde, encodeTargets(lookup, dir, read), buildRecords(lookup, 0, 1, 1, defaultSources), 0);
    const proto = specOf('PRODUCE orders value-schema=payments-value value-schema-file=payment.proto\n\n{"id": "p-9", "cents": "5"}\n');
    await encodeRecords(serde, encodeTargets(proto, dir, read), buildRecords(proto, 0, 1, 1, defaultSources), 0);
    assert.equal((await serde.client.version('payments-value', 'latest')).schemaType, 'PROTOBUF');

    assert.throws(() => encodeTargets(specOf('PRODUCE orders value-schema-file=missing.avsc\n\n{}\n'), dir, read), /value-schema-file=missing.avsc: cannot read .*missing.avsc/);
    assert.throws(() => encodeTargets(specOf('PRODUCE orders value-schema-file=notes.txt\n\n{}\n'), dir, read), /cannot tell whether it is Avro, Protobuf or JSON Schema/);
    assert.match(parseKafkaFile('PRODUCE orders auto-register=maybe\n\n{}\n').problems[0].message, /auto-register= must be true or false/);
  });
});
