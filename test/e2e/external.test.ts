/**
 * An external cluster in a real VS Code (code-server 4.100.3 in Chromium, driven by playwright-core): a standalone
 * `tributary start` in a child process plays the remote cluster, with 3 nodes behind SASL_SSL (SCRAM-SHA-512 and
 * PLAIN, the test certificate signed by test/fixtures/tls/ca.pem); kafkajs makes a topic there and produces to it.
 * In VS Code, as a user does:
 *
 *  1. "Tributary: Add Cluster Connection…" from the command palette, every prompt answered in the UI (name, bootstrap
 *     servers, SASL_SSL, SCRAM-SHA-512, user, the password in a password box, the CA file typed into code-server's
 *     simple file dialog, the schema registry's URL with basic auth, its user and its password in a password box):
 *     "Connected to <name>", the tree shows the cluster, its 3 nodes and the remote topic, the status bar
 *     "Kafka: <name>", and the user settings.json holds the connection without either password;
 *  2. a partition of the remote topic says its segment files are on the cluster's brokers;
 *  3. the Consumer panel on the remote topic shows the records, and one more produced with kafkajs arrives live; an
 *     Avro record encoded by @kafkajs/confluent-schema-registry shows decoded, read through the connection's registry
 *     (the remote `tributary start`'s, behind a proxy that demands basic auth: the password from secret storage);
 *  4. the Cluster view shows the 3 remote nodes, says stopping nodes and faults need the embedded broker, and offers
 *     no Stop node buttons;
 *  5. a second connection with a wrong password is refused with the authentication failure, and nothing is saved;
 *  6. "Tributary: Show Cluster…" lists the embedded broker and the saved connection only, and goes back to the
 *     embedded broker: the tree, the status bar and the open Cluster view (Stop node buttons again) show it.
 *
 * Screenshots of each step go to test-results/e2e/external-NN-*.png. Skips when Chromium or the code-server install
 * is missing (under CI the reporter counts a skip as a failure).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Kafka, Producer, logLevel } from 'kafkajs';
import { CliBroker, startCliBroker } from '../support/cli-broker';
import { CA_FILE, CERT_FILE, KEY_FILE, caPem } from '../support/tls';
import { rm, tmpDir } from '../support/tmp';
import { panelFrame, panelTab } from './support/webviews';
import { Workbench, clearScreenshots, e2eMissing, eventually, notification, printExtensionHostLogs, quickPick, runCommand, screenshotter, startWorkbench, sidebarTree } from './support/workbench';

const { SchemaRegistry, SchemaType } = require('@kafkajs/confluent-schema-registry');

interface BasicAuthProxy {
  url: string;
  /** Requests passed on, and refused for a missing or wrong password. */
  served: number;
  refused: number;
  close(): Promise<void>;
}

/**
 * A registry that wants a login, as a managed one does: HTTP basic auth in front of `target` (the remote broker's
 * registry, which has none of its own); a request without the right user and password gets 401 with Confluent's body.
 */
function startBasicAuthProxy(target: string, user: string, password: string): Promise<BasicAuthProxy> {
  const expected = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const proxy: BasicAuthProxy = { url: '', served: 0, refused: 0, close: async () => undefined };
  const server = http.createServer((req, res) => {
    if (req.headers.authorization !== expected) {
      proxy.refused++;
      res.writeHead(401, { 'content-type': 'application/vnd.schemaregistry.v1+json' }).end('{"error_code":40101,"message":"Unauthorized"}');
      return;
    }
    proxy.served++;
    const headers = { ...req.headers };
    delete headers.authorization;
    delete headers.host;
    const upstream = http.request(new URL(req.url ?? '/', target), { method: req.method, headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    upstream.on('error', (e) => res.writeHead(502).end(e.message));
    req.pipe(upstream);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      proxy.close = () => new Promise((r) => server.close(() => r()));
      resolve(proxy);
    }),
  );
}

const NAME = 'remote-sasl';
const BAD_NAME = 'remote-wrong-password';
const USER = 'alice';
const PASSWORD = 'alice-secret';
const TOPIC = 'remote-orders';
const PARTITIONS = 3;
const SEEDS = ['order-1', 'order-2', 'order-3', 'order-4', 'order-5'];
const LIVE_KEY = 'order-live';
const AVRO_KEY = 'order-avro';
const SR_USER = 'sr-reader';
const SR_PASSWORD = 'sr-secret';


const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

describe('Tributary on an external SASL_SSL cluster in a real VS Code (code-server + Chromium)', function () {
  this.timeout(60_000);
  // Each step builds on the one before: stop at the first failure.
  this.bail(true);

  let wb: Workbench | undefined;
  let page: Page;
  let dataDir: string | undefined;
  let remote: CliBroker | undefined;
  let producer: Producer | undefined;
  let failed = false;
  let started = Date.now();
  /** The CLI's first bootstrap address: what the user types. */
  let bootstrap = '';

  let registryProxy: BasicAuthProxy | undefined;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let registryClient: any;
  let avroId = 0;
  const screenshot = screenshotter(() => page, 'external-');
  const view = () => page.locator('.part.sidebar');
  const widget = () => page.locator('.quick-input-widget');
  const userSettingsFile = () => path.join(wb!.userDataDir, 'User', 'settings.json');

  const { rows, row, rowLocator } = sidebarTree(() => page);


  async function expand(label: string): Promise<void> {
    const r = rowLocator(label).first();
    await r.waitFor();
    if ((await r.getAttribute('aria-expanded')) !== 'true') await r.click();
    await eventually(`'${label}' expanded`, async () => (await r.getAttribute('aria-expanded')) === 'true');
  }

  /** Answers the input box whose prompt says `prompt` (every step of the flow has the same title), then Enter. */
  async function answer(prompt: string | RegExp, text: string, opts: { password?: boolean } = {}): Promise<void> {
    const input = widget().locator('input.input');
    await widget().locator('.quick-input-message', { hasText: prompt }).waitFor();
    await input.waitFor({ state: 'visible' });
    if (opts.password) assert.equal(await input.getAttribute('type'), 'password', 'the password is asked in a password box');
    await input.fill(text);
    await eventually(`the input box to hold the answer to ${prompt}`, async () => (await input.inputValue()) === text);
    await page.keyboard.press('Enter');
  }

  /**
   * Picks the item `label` of the quick pick asking `placeholder`. The flow's next step may reuse the widget at once
   * (it never hides in between), so this waits for the question to change rather than for the widget to go.
   */
  async function choose(placeholder: RegExp, label: string): Promise<void> {
    const input = widget().locator('input.input');
    const asking = async () => (await input.isVisible()) && placeholder.test((await input.getAttribute('placeholder')) ?? '');
    await eventually(`a quick pick asking ${placeholder}`, asking);
    await input.fill(label);
    const item = widget().locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${escape(label)}$`) }) });
    await item.first().click();
    await eventually(`the quick pick asking ${placeholder} to be answered`, async () => !(await asking()));
  }

  /**
   * The CA file in VS Code's open dialog. code-server has no native dialog: showOpenDialog is the "simple file dialog",
   * a quick input holding a path (the workspace folder at first) with the folder's entries below; typing a file's full
   * path and Enter (or OK) opens it.
   */
  async function chooseFileInDialog(title: string, file: string): Promise<void> {
    await widget().locator('.quick-input-title', { hasText: title }).waitFor();
    const input = widget().locator('input.input');
    const entries = widget().locator('.quick-input-list .monaco-list-row');
    const fileEntry = entries.filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escape(path.basename(file))}$`) }) });
    // The dialog fills in its start folder and lists it asynchronously, and may do so after something was typed:
    // type the path again until it stays, the dialog listing the file's folder.
    for (let attempt = 1; ; attempt++) {
      await eventually('the dialog to list a folder', async () => (attempt > 1 || (await input.inputValue()).endsWith('/')) && (await entries.count()) > 0);
      await input.fill(file);
      try {
        await eventually(`the dialog to hold ${file} and list it`, async () => (await input.inputValue()) === file && (await fileEntry.count()) > 0, 5000);
        await page.waitForTimeout(500);
        if ((await input.inputValue()) === file) break;
      } catch (e) {
        if (attempt >= 4) throw e;
      }
      if (attempt >= 4) throw new Error(`the open dialog did not keep ${file}: it holds ${await input.inputValue()}`);
    }
    await screenshot('ca-file-dialog');
    await page.keyboard.press('Enter');
    // The flow's next question (the schema registry's URL) may reuse the widget at once: wait for the dialog to go.
    await widget().locator('.quick-input-title', { hasText: title }).waitFor({ state: 'hidden' });
  }

  /** "Tributary: Add Cluster Connection…" answered like a user, up to the CA file. */
  async function addConnection(name: string, password: string, registry?: { url: string; password: string }): Promise<void> {
    await runCommand(page, 'Tributary: Add Cluster Connection…');
    await answer('A name for the cluster', name);
    await answer('Bootstrap servers (host:port, comma separated)', bootstrap);
    await choose(/Security protocol/, 'SASL_SSL');
    await choose(/SASL mechanism/, 'SCRAM-SHA-512');
    await answer('User name', USER);
    await answer(`Password of ${USER}`, password, { password: true });
    await choose(/How to check the brokers' certificates/, 'Choose a CA certificate file (PEM)…');
    await chooseFileInDialog('CA certificate (PEM)', CA_FILE);
    await answer('Schema registry URL (leave empty for none)', registry?.url ?? '');
    if (!registry) return;
    await choose(/How to log into the schema registry/, 'basic');
    await answer('Schema registry user name', SR_USER);
    await answer('Schema registry password', registry.password, { password: true });
  }

  function userConnections(): { text: string; connections: unknown } {
    const text = fs.readFileSync(userSettingsFile(), 'utf8');
    return { text, connections: (JSON.parse(text) as Record<string, unknown>)['tributary.connections'] };
  }

  before(async function () {
    started = Date.now();
    const missing = e2eMissing();
    if (missing) {
      console.log(`    skipped: ${missing}`);
      this.skip();
    }
    this.timeout(180_000);
    clearScreenshots(/^external-.*\.png$/);
    try {
      // The remote cluster: a `tributary start` in a terminal elsewhere, as a user runs it.
      dataDir = tmpDir('tributary-e2e-remote-');
      remote = await startCliBroker([
        '--data', dataDir, '--port', '0', '--nodes', '3',
        '--security-protocol', 'SASL_SSL', '--sasl-user', `${USER}:${PASSWORD}`, '--sasl-mechanisms', 'SCRAM-SHA-512,PLAIN',
        '--tls-cert', CERT_FILE, '--tls-key', KEY_FILE, '--schema-registry-port', '0',
      ]);
      const target = await eventually('the remote registry address', async () => remote!.schemaRegistry());
      registryProxy = await startBasicAuthProxy(target, SR_USER, SR_PASSWORD);
      registryClient = new SchemaRegistry({ host: registryProxy.url, auth: { username: SR_USER, password: SR_PASSWORD } });
      avroId = (await registryClient.register({ type: SchemaType.AVRO, schema: JSON.stringify({ type: 'record', name: 'Order', namespace: 'shop', fields: [{ name: 'order', type: 'int' }, { name: 'item', type: 'string' }] }) }, { subject: `${TOPIC}-value` })).id;
      bootstrap = remote.bootstrap.split(',')[0];
      const kafka = new Kafka({
        clientId: 'external-e2e',
        brokers: remote.bootstrap.split(','),
        ssl: { ca: [caPem()] },
        sasl: { mechanism: 'scram-sha-512', username: USER, password: PASSWORD },
        logLevel: logLevel.NOTHING,
      });
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS, replicationFactor: 3 }], waitForLeaders: true });
      await admin.disconnect();
      producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic: TOPIC, messages: SEEDS.map((key, i) => ({ key, value: JSON.stringify({ order: i + 1, via: 'kafkajs over SASL_SSL' }) })) });

      wb = await startWorkbench();
      page = wb.page;
      // The embedded broker starts by itself (tributary.autoStart) and is what the view shows first.
      await page.locator('.statusbar-item', { hasText: `Kafka: 127.0.0.1:${wb.basePort}` }).first().waitFor({ timeout: 60_000 });
      await page.locator('.activitybar a[aria-label="Tributary"]').click();
      // A wider sidebar, so the screenshots show the descriptions (addresses, leaders, offsets).
      const box = (await view().boundingBox())!;
      await page.mouse.move(box.x + box.width + 1, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(640, box.y + box.height / 2, { steps: 5 });
      await page.mouse.up();
      await page.mouse.move(1200, 600);
      await row('Cluster', new RegExp(`^127\\.0\\.0\\.1:${wb.basePort},`), 30_000);
    } catch (e) {
      // afterEach does not run for a failed hook: keep what shows why here.
      failed = true;
      if (page) await screenshot('failed-setup').catch(() => undefined);
      printExtensionHostLogs(wb?.userDataDir);
      if (remote) console.log(`----- tributary start\n${remote.output().slice(-4000)}`);
      throw e;
    }
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    failed = true;
    if (page) await screenshot(`failed-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 40)}`).catch(() => undefined);
    printExtensionHostLogs(wb?.userDataDir);
    if (remote) console.log(`----- tributary start\n${remote.output().slice(-4000)}`);
  });

  after(async function () {
    this.timeout(60_000);
    await producer?.disconnect().catch(() => undefined);
    if (wb) {
      await wb.close(failed);
      if (failed) console.log(`    kept ${wb.root} (user data, logs, workspace) for a look`);
    }
    await registryProxy?.close();
    await remote?.stop();
    if (dataDir) rm(dataDir);
    if (wb) console.log(`    external e2e took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  it('adds the SASL_SSL connection through the prompts (CA file in the open dialog): connected, shown, password not in settings.json', async () => {
    await addConnection(NAME, PASSWORD, { url: registryProxy!.url, password: SR_PASSWORD });
    await notification(page, new RegExp(`^Connected to ${escape(NAME)}: the Tributary view now shows it\\.$`), 30_000);

    // The tree: the cluster by its name and bootstrap address, its 3 brokers, the topic made with kafkajs.
    await row(NAME, new RegExp(`^${escape(bootstrap)}$`));
    const ports = remote!.bootstrap.split(',').map((hp) => hp.split(':')[1]);
    // Each broker leads one of the topic's partitions (kafkajs' admin spread the leaders); one also leads `_schemas`,
    // the registry's topic.
    for (const [i, port] of ports.entries()) await row(`node ${i}`, new RegExp(`^127\\.0\\.0\\.1:${port}( · controller)? · [12] leaders?$`));
    assert.equal((await rows()).filter((r) => /^node \d+$/.test(r.label)).length, 3);
    await row('Topics', /^\d+$/);
    await row(TOPIC, new RegExp(`^${PARTITIONS} partitions · RF 3$`));
    // The embedded cluster's node is gone from the view.
    assert.equal((await rows()).filter((r) => r.label === 'Cluster').length, 0);
    await page.locator('.statusbar-item', { hasText: `Kafka: ${NAME}` }).first().waitFor();
    // The embedded broker's start and stop buttons are not offered for an external cluster.
    const titleActions = page.locator('.part.sidebar .title-actions a.action-label');
    await eventually('the view title without Start/Stop Broker', async () => {
      const labels = await titleActions.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
      return labels.includes('Show Cluster…') && !labels.some((l) => /^(Start|Stop) Broker$/.test(l));
    });

    // settings.json: the connection without its password (that went to VS Code's secret storage).
    const { text, connections } = userConnections();
    assert.deepEqual(connections, [
      { name: NAME, bootstrapServers: bootstrap, securityProtocol: 'SASL_SSL', saslMechanism: 'SCRAM-SHA-512', username: USER, caFile: CA_FILE, schemaRegistry: { url: registryProxy!.url, auth: 'basic', username: SR_USER } },
    ]);
    assert.ok(!text.includes(PASSWORD), 'the password is not in the user settings.json');
    assert.ok(!text.includes(SR_PASSWORD), "the registry's password is not in the user settings.json");
    await screenshot('connected-tree');
  });

  it("expands a partition of the remote topic: its segment files are on the cluster's brokers", async () => {
    await expand(TOPIC);
    // Leader, replicas, ISR and offsets from the cluster; no size (the files are not here).
    await row('partition 0', /^HW \d+ · leader \d · ISR 3\/3 · 0–\d+$/);
    await expand('partition 0');
    await row("Segment files are on the cluster's brokers");
    await screenshot('partition-segments-remote');
  });

  it('tails the remote topic in the Consumer panel: the kafkajs records, then one more arriving live', async () => {
    await runCommand(page, 'Tributary: Open Consumer (Live Tail)');
    await quickPick(page, TOPIC);
    await panelTab(page, `Consume: ${TOPIC}`).and(page.locator('.tab.active')).first().waitFor({ timeout: 15_000 });
    let consumer = await panelFrame(page, 'consumer');
    await consumer.locator('[data-role="status"]', { hasText: /^running$/ }).waitFor({ timeout: 20_000 });
    await consumer.locator('[data-role="counts"]', { hasText: `${SEEDS.length} records` }).waitFor({ timeout: 20_000 });
    for (const key of SEEDS) await consumer.locator('trib-record-list .row', { hasText: key }).first().waitFor();
    assert.equal(await consumer.locator('trib-record-list .row', { hasText: LIVE_KEY }).count(), 0);
    await screenshot('consumer-records');

    const sent = await producer!.send({ topic: TOPIC, messages: [{ key: LIVE_KEY, value: '{"order":"live","via":"kafkajs while the panel tails"}' }] });
    consumer = await panelFrame(page, 'consumer');
    const live = consumer.locator('trib-record-list .row', { hasText: LIVE_KEY });
    await live.waitFor({ timeout: 20_000 });
    await consumer.locator('[data-role="counts"]', { hasText: `${SEEDS.length + 1} records` }).waitFor();
    assert.equal(await live.getAttribute('data-partition'), String(sent[0].partition));
    assert.equal(await live.getAttribute('data-offset'), String(sent[0].baseOffset));
    assert.match(squash(await live.innerText()), /"live"/);
    await live.click();
    const details = consumer.locator('[data-role="details"]');
    await details.locator('h2', { hasText: `Partition ${sent[0].partition} · offset ${sent[0].baseOffset}` }).waitFor();
    assert.equal(await details.locator('trib-value-view[data-role="key"] pre').innerText(), LIVE_KEY);
    await screenshot('consumer-live-record');

    // An Avro record: decoded with the connection's registry, logged into with the password from secret storage.
    const refusedBefore = registryProxy!.refused;
    const avroSent = await producer!.send({ topic: TOPIC, messages: [{ key: AVRO_KEY, value: await registryClient.encode(avroId, { order: 7, item: 'lamp' }) }] });
    const avroRow = consumer.locator('trib-record-list .row', { hasText: AVRO_KEY });
    await avroRow.waitFor({ timeout: 20_000 });
    await avroRow.click();
    await details.locator('h2', { hasText: `Partition ${avroSent[0].partition} · offset ${avroSent[0].baseOffset}` }).waitFor();
    const value = details.locator('trib-value-view[data-role="value"]');
    await value.locator('[data-role="schema"]').waitFor();
    assert.equal(squash(await value.locator('[data-role="schema"]').innerText()), `AVRO · schema ${avroId} · ${TOPIC}-value v1 · shop.Order`);
    assert.deepEqual(JSON.parse(await value.locator('pre').innerText()), { order: 7, item: 'lamp' });
    assert.ok(registryProxy!.served > 0, 'the panel asked the registry through the proxy');
    assert.equal(registryProxy!.refused, refusedBefore, 'every request the extension made carried the right password');
    await screenshot('consumer-avro-via-registry');
  });

  it('opens the Cluster view: the 3 remote nodes, a note that stopping nodes and faults need the embedded broker, no Stop node buttons', async () => {
    await runCommand(page, 'Tributary: Open Cluster View');
    await panelTab(page, 'Kafka Cluster').and(page.locator('.tab.active')).first().waitFor({ timeout: 15_000 });
    const cluster = await panelFrame(page, 'cluster');
    const note = cluster.locator('[data-role="faults-unavailable"]');
    await note.waitFor({ timeout: 20_000 });
    assert.match(squash(await note.innerText()), new RegExp(`^${escape(NAME)} is an external cluster: stopping nodes, slowing followers and cutting links need the embedded broker`));
    await eventually('3 node cards', async () => (await cluster.locator('[data-role="node"]').count()) === 3);
    for (const b of ['stop', 'start', 'slow', 'cut']) assert.equal(await cluster.locator(`[data-role="${b}"]`).count(), 0, `no ${b} buttons`);
    // The leader/ISR matrix of the remote topic.
    await eventually(`a matrix row per partition of ${TOPIC}`, async () => (await cluster.locator(`[data-role="matrix"] tr[data-topic="${TOPIC}"]`).count()) === PARTITIONS);
    await screenshot('cluster-view-no-faults');
  });

  it('refuses a second connection with a wrong password: the authentication failure is shown, nothing is saved', async () => {
    const before = userConnections().connections;
    await addConnection(BAD_NAME, 'not-the-password');
    const shown = await notification(page, /^Add Cluster Connection failed: /, 30_000);
    assert.match(shown, /Authentication failed/);
    assert.match(shown, /SCRAM-SHA-512/);
    // The progress notification goes; the error stays, opened to its whole message for the screenshot.
    await page.locator('.notification-toast', { hasText: `Connecting to ${BAD_NAME}` }).waitFor({ state: 'detached', timeout: 15_000 });
    const toast = page.locator('.notification-toast', { hasText: 'Add Cluster Connection failed' }).first();
    await toast.hover();
    const more = toast.locator('a.codicon-notifications-expand');
    if (await more.count()) await more.first().click();
    await screenshot('wrong-password-refused');
    // Nothing saved: the settings as before, the view and the status bar still on the first connection.
    assert.deepEqual(userConnections().connections, before);
    assert.equal((await page.locator('.notification-toast .notification-list-item-message').allInnerTexts()).filter((t) => t.includes(`Connected to ${BAD_NAME}`)).length, 0);
    await page.locator('.statusbar-item', { hasText: `Kafka: ${NAME}` }).first().waitFor();
    await row(NAME);
  });

  it('switches back to the embedded broker with "Tributary: Show Cluster…"', async () => {
    await runCommand(page, 'Tributary: Show Cluster…');
    const input = widget().locator('input.input');
    await eventually('the cluster picker', async () => /The cluster the Tributary view and panels show/.test((await input.getAttribute('placeholder')) ?? ''));
    // The picker lists the embedded broker, the saved connection and nothing for the refused one.
    const items = await widget()
      .locator('.quick-input-list .monaco-list-row')
      .evaluateAll((els) => els.map((el) => Array.from(el.querySelectorAll('.label-name'), (e) => (e as HTMLElement).innerText.trim())));
    // Label, then the detail of the cluster shown now.
    assert.deepEqual(items, [['Embedded broker'], [NAME, 'shown now'], ['Add Cluster Connection…']]);
    await screenshot('show-cluster-picker');
    await widget().locator('.quick-input-list .monaco-list-row', { hasText: 'Embedded broker' }).first().click();
    await widget().waitFor({ state: 'hidden' });

    const basePort = wb!.basePort;
    await row('Cluster', new RegExp(`^127\\.0\\.0\\.1:${basePort},127\\.0\\.0\\.1:\\d+,127\\.0\\.0\\.1:\\d+$`));
    await eventually('the remote cluster gone from the view', async () => !(await rows()).some((r) => r.label === NAME || r.label === TOPIC));
    await page.locator('.statusbar-item', { hasText: `Kafka: 127.0.0.1:${basePort}` }).first().waitFor();
    for (const n of [0, 1, 2]) await row(`node ${n}`, /^127\.0\.0\.1:\d+/);
    // The embedded broker's own buttons are back.
    await page.locator('.part.sidebar .title-actions a.action-label[aria-label="Stop Broker"]').waitFor();
    // The open Cluster view follows the switch: the embedded nodes, with their Stop node buttons and no note.
    const cluster = await panelFrame(page, 'cluster');
    await eventually('the Cluster view on the embedded broker', async () => (await cluster.locator('[data-role="node"] [data-role="stop"]').count()) === 3);
    assert.equal(await cluster.locator('[data-role="faults-unavailable"]').count(), 0);
    await screenshot('back-to-embedded');
  });
});
