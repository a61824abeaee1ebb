/**
 * Schema'd records in a real VS Code (code-server in Chromium, driven by playwright-core) against the embedded broker
 * and its schema registry:
 *
 *  1. @kafkajs/confluent-schema-registry registers an Avro and a Protobuf schema with the embedded registry and
 *     encodes records that kafkajs produces; the Consumer panel lists them decoded (JSON), and the details name the
 *     schema (type, id, subject, version, record/message) above the decoded value; the search finds a record by a
 *     decoded field; the hex view shows the wire format's bytes;
 *  2. the Producer panel encodes a JSON value with the subject chosen in its Value schema picker (the library reads it
 *     back), and refuses a value that does not fit the schema, sending nothing;
 *  3. a `.kafka` PRODUCE with value-schema= writes an Avro record, and CONSUME opens it decoded, naming its schema;
 *  4. the tree's Schemas section lists the subjects with their type and version; a version opens read-only.
 *
 * Screenshots go to test-results/e2e/schemas-NN-*.png. Skips when Chromium or the code-server install is missing
 * (under CI the reporter counts a skip as a failure).
 */
import { strict as assert } from 'node:assert';
import type { Frame, Page } from 'playwright-core';
import { choose, fillText, panelFrame, panelTab } from './support/webviews';
import { freePort } from './support/code-server';
import { Workbench, eventually, notification, printExtensionHostLogs, quickOpen, quickPick, recordFailure, runCommand, screenshotter, sidebarTree, skipUnlessE2e, startWorkbench } from './support/workbench';

const { Kafka, logLevel } = require('kafkajs');
const { SchemaRegistry, SchemaType } = require('@kafkajs/confluent-schema-registry');

const TOPIC = 'schema-orders';
const AVRO = JSON.stringify({
  type: 'record',
  name: 'Order',
  namespace: 'com.example',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'item', type: 'string' },
    { name: 'quantity', type: 'int' },
  ],
});
const PROTO = 'syntax = "proto3";\npackage shop;\n\nmessage Payment {\n  string payment_id = 1;\n  int64 cents = 2;\n}\n';

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

describe('Schema registry records in a real VS Code (code-server + Chromium)', function () {
  this.timeout(90_000);
  this.bail(true);

  let wb: Workbench | undefined;
  let page: Page;
  let failed = false;
  let registryUrl = '';
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let registry: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let producer: any;
  let avroId = 0;
  let protoId = 0;
  const screenshot = screenshotter(() => page, 'schemas-');
  const tree = sidebarTree(() => page);

  before(async function () {
    skipUnlessE2e(this, /^schemas-.*\.png$/);
    this.timeout(180_000);
    const registryPort = await freePort();
    registryUrl = `http://127.0.0.1:${registryPort}`;
    wb = await startWorkbench({
      workspaceSettings: { 'tributary.schemaRegistry.port': registryPort },
      files: {
        'orders.kafka': [
          `PRODUCE ${TOPIC} key=from-file value-schema=${TOPIC}-value`,
          '',
          '{"id": 77, "item": "from a .kafka file", "quantity": 3}',
          '',
          '###',
          `CONSUME ${TOPIC} from=-1`,
          '',
        ].join('\n'),
      },
    });
    page = wb.page;
    try {
      await page.locator('.statusbar-item', { hasText: `Kafka: 127.0.0.1:${wb.basePort}` }).first().waitFor({ timeout: 60_000 });
      const kafka = new Kafka({ clientId: 'schemas-e2e', brokers: [`127.0.0.1:${wb.basePort}`], logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 1, replicationFactor: 3 }], waitForLeaders: true });
      await admin.disconnect();
      registry = new SchemaRegistry({ host: registryUrl });
      avroId = (await registry.register({ type: SchemaType.AVRO, schema: AVRO }, { subject: `${TOPIC}-value` })).id;
      protoId = (await registry.register({ type: SchemaType.PROTOBUF, schema: PROTO }, { subject: 'payments-value' })).id;
      producer = kafka.producer();
      await producer.connect();
      await producer.send({
        topic: TOPIC,
        messages: [
          { key: 'avro-1', value: await registry.encode(avroId, { id: 1, item: 'keyboard', quantity: 2 }) },
          { key: 'proto-1', value: await registry.encode(protoId, { paymentId: 'pay-42', cents: 1999 }) },
          { key: 'plain-1', value: 'plain text value' },
        ],
      });
    } catch (e) {
      failed = true;
      await screenshot('failed-setup').catch(() => undefined);
      printExtensionHostLogs(wb.userDataDir);
      throw e;
    }
  });

  afterEach(async function () {
    if (await recordFailure(this.currentTest, page, screenshot, wb?.userDataDir)) failed = true;
  });

  after(async function () {
    this.timeout(60_000);
    await producer?.disconnect().catch(() => undefined);
    if (!wb) return;
    await wb.close(failed);
    if (failed) console.log(`    kept ${wb.root} (user data, logs, workspace) for a look`);
  });

  async function openConsumer(): Promise<Frame> {
    await runCommand(page, 'Tributary: Open Consumer (Live Tail)');
    await quickPick(page, TOPIC);
    await panelTab(page, `Consume: ${TOPIC}`).and(page.locator('.tab.active')).first().waitFor({ timeout: 15_000 });
    return panelFrame(page, 'consumer');
  }

  it('the Consumer panel shows Avro and Protobuf records decoded, naming their schemas; search finds a decoded field', async () => {
    await runCommand(page, 'View: Close Primary Side Bar');
    const panel = await openConsumer();
    await panel.locator('[data-role="counts"]', { hasText: '3 records' }).waitFor({ timeout: 20_000 });
    const avroRow = panel.locator('trib-record-list .row', { hasText: 'avro-1' });
    assert.match(squash(await avroRow.innerText()), /"item":"keyboard"/);
    await avroRow.click();
    const details = panel.locator('[data-role="details"]');
    const valueView = details.locator('trib-value-view[data-role="value"]');
    await valueView.locator('[data-role="schema"]').waitFor();
    assert.equal(squash(await valueView.locator('[data-role="schema"]').innerText()), `AVRO · schema ${avroId} · ${TOPIC}-value v1 · com.example.Order`);
    assert.deepEqual(JSON.parse(await valueView.locator('pre').innerText()), { id: 1, item: 'keyboard', quantity: 2 });
    await choose(panel, '#format', 'json');
    await screenshot('consumer-avro-decoded');

    await panel.locator('trib-record-list .row', { hasText: 'proto-1' }).click();
    await valueView.locator('[data-role="schema"]', { hasText: 'PROTOBUF' }).waitFor();
    assert.equal(squash(await valueView.locator('[data-role="schema"]').innerText()), `PROTOBUF · schema ${protoId} · payments-value v1 · shop.Payment`);
    assert.deepEqual(JSON.parse(await valueView.locator('pre').innerText()), { paymentId: 'pay-42', cents: '1999' });
    await screenshot('consumer-protobuf-decoded');

    // The hex view shows the bytes as written: magic byte 0, then the schema id.
    await choose(panel, '#format', 'hex');
    const idHex = protoId.toString(16).padStart(8, '0').match(/../g)!.join(' ');
    assert.match(squash(await valueView.locator('.hex').innerText()), new RegExp(`^00000000 00 ${idHex}`));
    await choose(panel, '#format', 'text');

    // The search looks at decoded values.
    await fillText(panel, '#search', 'pay-42');
    await panel.locator('[data-role="counts"]', { hasText: '1 of 3 records match' }).waitFor();
    await fillText(panel, '#search', '');
  });

  it('the Producer panel encodes a JSON value with the chosen subject, and refuses one that does not fit before sending', async () => {
    await runCommand(page, 'Tributary: Open Producer');
    await quickPick(page, TOPIC);
    const p = await panelFrame(page, 'producer');
    await p.locator('[data-role="schemas"]').waitFor({ timeout: 15_000 });
    await choose(p, '#value-subject', `${TOPIC}-value`);
    await fillText(p, '#key', 'from-panel');
    await fillText(p, '#value', '{"id": 5, "item": "mouse", "quantity": "many"}');
    await p.locator('#send').click();
    const error = p.locator('[data-role="error"]');
    await error.waitFor();
    assert.match(await error.innerText(), new RegExp(`Record 1's value does not fit the schema of ${TOPIC}-value: .*quantity`));
    await screenshot('producer-schema-refused');

    await fillText(p, '#value', '{"id": 5, "item": "mouse", "quantity": 1}');
    await p.locator('#send').click();
    await p.locator('[data-role="results"] li', { hasText: `Produced 1 record to ${TOPIC}` }).waitFor();
    await screenshot('producer-schema-sent');

    // The real client library reads what the panel wrote.
    const kafka = new Kafka({ clientId: 'schemas-e2e-read', brokers: [`127.0.0.1:${wb!.basePort}`], logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: 'schemas-e2e-reader' });
    const values = new Map<string, unknown>();
    await consumer.connect();
    await consumer.subscribe({ topics: [TOPIC], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }: { message: { key: Buffer; value: Buffer } }) => {
        if (message.key.toString() === 'from-panel') values.set('from-panel', await registry.decode(message.value));
      },
    });
    await eventually('the library to decode the panel record', async () => values.has('from-panel'), 30_000);
    await consumer.disconnect();
    // avsc answers an instance of its Order class: compared by its fields.
    assert.deepEqual({ ...(values.get('from-panel') as object) }, { id: 5, item: 'mouse', quantity: 1 });
  });

  it('a .kafka PRODUCE with value-schema= writes Avro, and CONSUME opens it decoded with its schema named', async () => {
    await runCommand(page, 'View: Close All Editor Groups');
    await quickOpen(page, 'orders.kafka');
    const produce = page.locator('.codelens-decoration a', { hasText: /^Produce$/ });
    await produce.first().waitFor({ timeout: 30_000 });
    await produce.first().click();
    await notification(page, new RegExp(`^Produced 1 record to ${TOPIC}`));
    const consume = page.locator('.codelens-decoration a', { hasText: /^Consume$/ });
    await consume.first().click();
    const text = await eventually('the records document', async () => {
      const all = (await page.locator('.monaco-editor .view-lines').allInnerTexts()).map((t) => t.replace(/\u00a0/g, ' '));
      return all.find((t) => t.includes(`# CONSUME ${TOPIC}`));
    });
    assert.match(text, new RegExp(`# value: AVRO schema ${avroId} \\(${TOPIC}-value v1\\) com\\.example\\.Order`));
    assert.match(text, /"item": "from a \.kafka file"/);
    await screenshot('kafka-file-consume-decoded');
  });

  it("the tree's Schemas section lists the subjects with their type and latest version", async () => {
    await runCommand(page, 'View: Close All Editor Groups');
    await page.locator('.activitybar a[aria-label="Tributary"]').click();
    await tree.row('Schemas');
    await tree.rowLocator('Schemas').click();
    const row = await tree.row(`${TOPIC}-value`);
    assert.match(row.description, /AVRO/);
    assert.match((await tree.row('payments-value')).description, /PROTOBUF/);
    // A version opens read-only, laid out for reading.
    await tree.rowLocator(`${TOPIC}-value`).first().click();
    await tree.row('v1', /id \d+ · AVRO/);
    await tree.rowLocator('v1').first().click();
    await page.locator('.tab', { hasText: `${TOPIC}-value v1.json` }).waitFor({ timeout: 15_000 });
    const text = await eventually('the schema document', async () => {
      const all = (await page.locator('.monaco-editor .view-lines').allInnerTexts()).map((t) => t.replace(/\u00a0/g, ' '));
      return all.find((t) => t.includes('com.example'));
    });
    assert.match(squash(text), /"name": "Order", "namespace": "com.example"/);
    await screenshot('tree-schemas');
  });
});
