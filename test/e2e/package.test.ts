/**
 * The extension as a user installs it: `npm run package` (scripts/package.mjs) makes the .vsix files with
 * @vscode/vsce, each is installed with `code-server --install-extension` into a fresh extensions dir, away from this
 * checkout (no node_modules of the repository on its module path), and run:
 *
 *  1. the packages hold what the extension loads and nothing else: the universal one no native code, the linux-x64
 *     one (on an x86-64 glibc Linux machine, as CI) the CRC-32C addon too, marked with its target platform;
 *  2. the universal package's broker worker, run as the extension runs it, starts with the JavaScript CRC-32C and
 *     takes records from a Kafka client (every produced batch's CRC is checked) that read back intact;
 *  3. the host's package in code-server: the Tributary view shows the embedded cluster and its log says the addon
 *     loaded; records produced from a `.kafka` file's CodeLens and from the Producer panel arrive in the Consumer
 *     panel;
 *  4. the walkthrough (contributes.walkthroughs) is listed on VS Code's Welcome page, opens from the command palette,
 *     each step shows its page, and its completion events tick the steps: the broker running, a `.kafka` block
 *     produced, the Group inspector opened from the step's button on a kafkajs group; step 2's button opens an
 *     untitled `.kafka` file.
 *
 * A package that lacks a file the extension needs fails here: packaging checks each list, the install's files are
 * compared with what the extension loads, and the run needs the bundles, the webview and the walkthrough pages.
 * Screenshots go to test-results/e2e/package-NN-*.png. Skips when Chromium or the code-server install is missing
 * (under CI the reporter counts a skip as a failure).
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { EmbeddedCluster } from '../../src/clusters/embedded-cluster';
import { bytesToText } from '../../src/broker/api';
import { ROOT, codeServerEntry, extensionHostLogs, installVsix } from './support/code-server';
import { fillText, panelFrame, panelTab, PanelKind } from './support/webviews';
import { Workbench, eventually, notification, quickOpen, quickPick, recordFailure, runCommand, screenshotter, sidebarTree, skipUnlessE2e, startWorkbench } from './support/workbench';

const { Kafka, logLevel } = require('kafkajs');

const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string; publisher: string };
const TOPIC = 'pkg-orders';
const GROUP = 'pkg-group';
const KAFKA_FILE = ['# Three orders per click, from the packaged extension.', `PRODUCE ${TOPIC} key=order-{{seq}} count=3`, 'Content-Type: application/json', '', '{"id": {{seq}}, "from": "the .vsix"}', ''].join('\n');
const ADDON = 'native/crc32c/build/Release/crc32c.node';
const WALKTHROUGH = 'Get Started with Tributary';

/** VS Code's target for this machine when the addon can be built here (x86-64), as scripts/package.mjs names it. */
function hostTarget(): string | undefined {
  if (process.arch !== 'x64') return undefined;
  if (process.platform === 'linux') return (process.report.getReport() as { header: { glibcVersionRuntime?: string } }).header.glibcVersionRuntime ? 'linux-x64' : 'alpine-x64';
  return `${process.platform}-x64`;
}

/** Every file below `dir`, relative, with / separators. */
function filesUnder(dir: string, base = dir): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name), base) : [path.relative(base, path.join(dir, e.name)).split(path.sep).join('/')]));
}

/** What an installed package must hold: the manifest, the README, the three bundles, media/ and (targeted) the addon. */
function expectedInstall(withAddon: boolean): string[] {
  const media = filesUnder(path.join(ROOT, 'media')).map((f) => `media/${f}`);
  return ['.vsixmanifest', 'package.json', 'readme.md', 'dist/extension.js', 'dist/worker.js', 'dist/webview.js', ...media, ...(withAddon ? [ADDON] : [])].sort();
}

describe('The packaged extension (.vsix) installed in a real VS Code (code-server + Chromium)', function () {
  this.timeout(90_000);
  this.bail(true);

  let tmp: string;
  let universal: string;
  /** The package for this machine: the targeted one when the addon was built, else the universal one. */
  let hostPackage: { file: string; target: string };
  let packagingSeconds = 0;
  let wb: Workbench | undefined;
  let page: Page;
  let cluster: EmbeddedCluster | undefined;
  let kafkaClients: Array<{ disconnect(): Promise<void> }> = [];
  let failed = false;
  let started = Date.now();
  const screenshot = screenshotter(() => page, 'package-');
  const { row } = sidebarTree(() => page);

  before(async function () {
    started = Date.now();
    skipUnlessE2e(this, /^package-.*\.png$/);
    this.timeout(120_000);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-package-'));
    // The README's command, into a folder of this run.
    const t0 = Date.now();
    const r = spawnSync('npm', ['run', 'package', '--', '--out', path.join(tmp, 'vsix')], { cwd: ROOT, encoding: 'utf8' });
    packagingSeconds = (Date.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`npm run package failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
    const made = fs.readdirSync(path.join(tmp, 'vsix'));
    universal = path.join(tmp, 'vsix', `${PKG.name}-${PKG.version}-universal.vsix`);
    const target = hostTarget();
    const targeted = target && made.includes(`${PKG.name}-${PKG.version}-${target}.vsix`) ? target : undefined;
    hostPackage = targeted ? { file: path.join(tmp, 'vsix', `${PKG.name}-${PKG.version}-${targeted}.vsix`), target: targeted } : { file: universal, target: 'universal' };
    console.log(`    npm run package took ${packagingSeconds.toFixed(1)} s: ${made.join(', ')}`);
  });

  afterEach(async function () {
    if (await recordFailure(this.currentTest, page, screenshot, wb?.userDataDir)) failed = true;
  });

  after(async function () {
    this.timeout(60_000);
    for (const c of kafkaClients) await c.disconnect().catch(() => undefined);
    await cluster?.stop().catch(() => undefined);
    await wb?.close(failed);
    if (tmp && !failed) fs.rmSync(tmp, { recursive: true, force: true });
    if (failed && tmp) console.log(`    kept ${tmp} (the packages) and ${wb?.root ?? 'no workbench'} for a look`);
    console.log(`    package e2e took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  it('packages in well under a minute: a universal .vsix without native code and, on x86-64 Linux, a linux-x64 one with the CRC-32C addon', () => {
    assert.ok(packagingSeconds < 45, `npm run package took ${packagingSeconds.toFixed(1)} s`);
    assert.ok(fs.existsSync(universal), `${universal} was made`);
    // CI is an x86-64 Debian machine with a compiler: there the targeted package must be made.
    if (hostTarget() === 'linux-x64') assert.equal(hostPackage.target, 'linux-x64', 'the linux-x64 package (the addon did not build?)');
    const cs = codeServerEntry();
    if ('missing' in cs) throw new Error(cs.missing);
    const dir = installVsix(cs.entry, universal, path.join(tmp, 'universal', 'extensions'), path.join(tmp, 'universal', 'user-data'));
    assert.equal(path.basename(dir), `${PKG.publisher}.${PKG.name}-${PKG.version}`);
    assert.deepEqual(filesUnder(dir).sort(), expectedInstall(false));
    assert.doesNotMatch(fs.readFileSync(path.join(dir, '.vsixmanifest'), 'utf8'), /TargetPlatform=/);
  });

  it("runs the universal package's broker worker on its own: JavaScript CRC-32C, records in and out over Kafka's protocol", async () => {
    const ext = path.join(tmp, 'universal', 'extensions', `${PKG.publisher}.${PKG.name}-${PKG.version}`);
    const logs: string[] = [];
    cluster = new EmbeddedCluster({ workerPath: path.join(ext, 'dist', 'worker.js'), broker: { dataDir: path.join(tmp, 'universal', 'data'), nodes: 1, basePort: 0 } });
    cluster.onEvent((e) => {
      if (e.type === 'log') logs.push(e.message);
    });
    const status = await cluster.start();
    await eventually('the CRC-32C line in the log', async () => logs.some((l) => l.startsWith('record batch CRC-32C: ')));
    assert.ok(logs.includes('record batch CRC-32C: JavaScript (no native module here)'), logs.join('\n'));
    const producer = new Kafka({ clientId: 'pkg-universal', brokers: status.bootstrap.split(','), logLevel: logLevel.NOTHING }).producer();
    kafkaClients.push(producer);
    await producer.connect();
    const values = Array.from({ length: 50 }, (_, i) => `record ${i} ${'x'.repeat(i * 40)}`);
    await producer.send({ topic: 'universal', acks: -1, messages: values.map((value, i) => ({ key: `k${i}`, value })) });
    const read = await cluster.consume({ topic: 'universal', partition: 0, from: { kind: 'earliest' }, maxRecords: 100 });
    assert.deepEqual(
      read.records.map((r) => (r.value ? bytesToText(r.value) : null)),
      values,
    );
    await producer.disconnect();
    kafkaClients = [];
    await cluster.stop();
    cluster = undefined;
  });

  it("installs the host's package in code-server: the view shows the embedded cluster, the log names the CRC-32C code", async function () {
    this.timeout(120_000);
    // VS Code's own default startup editor, the Welcome page, which lists the walkthroughs.
    wb = await startWorkbench({ vsix: hostPackage.file, files: { 'orders.kafka': KAFKA_FILE }, userSettings: { 'workbench.startupEditor': 'welcomePage' } });
    page = wb.page;
    const withAddon = hostPackage.target !== 'universal';
    assert.deepEqual(filesUnder(wb.extensionDir).sort(), expectedInstall(withAddon));
    const manifest = fs.readFileSync(path.join(wb.extensionDir, '.vsixmanifest'), 'utf8');
    if (withAddon) assert.match(manifest, new RegExp(`TargetPlatform="${hostPackage.target}"`));

    // The walkthrough is listed there. (Opening the page also starts VS Code's walkthrough service, which counts
    // completion events from then on: the broker getting to 'running' is the first step's.) A first start shows VS
    // Code's own setup walkthrough: its back button leads to the list.
    const listed = page.locator('button.getting-started-category', { hasText: WALKTHROUGH });
    const back = page.locator('button.prev-button', { hasText: 'Welcome' });
    await listed.or(back).first().waitFor({ timeout: 30_000 });
    if (await back.isVisible()) await back.click();
    await listed.first().waitFor();
    await screenshot('welcome-page-lists-walkthrough');
    await runCommand(page, 'View: Close All Editor Groups');

    await page.locator('.activitybar a[aria-label="Tributary"]').click();
    const c = await row('Cluster', new RegExp(`127\\.0\\.0\\.1:${wb.basePort}`), 60_000);
    assert.match(c.description, new RegExp(`^127\\.0\\.0\\.1:${wb.basePort},127\\.0\\.0\\.1:\\d+,127\\.0\\.0\\.1:\\d+$`));
    for (const n of [0, 1, 2]) await row(`node ${n}`, /127\.0\.0\.1:\d+/);
    await page.locator('.statusbar-item', { hasText: `Kafka: 127.0.0.1:${wb.basePort}` }).first().waitFor();
    // The broker's log (the Tributary output channel, written under the user data dir) says which CRC-32C it uses.
    const want = withAddon ? 'record batch CRC-32C: the native/crc32c addon' : 'record batch CRC-32C: JavaScript';
    await eventually(`'${want}' in the Tributary log`, async () => extensionHostLogs(wb!.userDataDir).some((l) => /Tributary\.log$/.test(l.file) && l.text.includes(want)));
    await screenshot('installed-view-running');
  });

  /** Opens a panel with a palette command (and a quick pick answer); resolves once its webview has rendered. */
  async function openPanel(command: string, title: string, kind: PanelKind, pick?: string): Promise<Frame> {
    await runCommand(page, command);
    if (pick !== undefined) await quickPick(page, pick);
    await panelTab(page, title).and(page.locator('.tab.active')).first().waitFor({ timeout: 15_000 });
    return panelFrame(page, kind);
  }

  it('produces from the .kafka file and from the Producer panel; the Consumer panel shows the records live', async () => {
    await quickOpen(page, 'orders.kafka');
    const produce = page.locator('.codelens-decoration a', { hasText: /^Produce$/ });
    await produce.first().waitFor({ timeout: 30_000 });
    await produce.first().click();
    await notification(page, new RegExp(`^Produced 3 records to ${TOPIC}: `));

    let consumer = await openPanel('Tributary: Open Consumer (Live Tail)', `Consume: ${TOPIC}`, 'consumer', TOPIC);
    await consumer.locator('[data-role="status"]', { hasText: /^running$/ }).waitFor();
    await consumer.locator('[data-role="counts"]', { hasText: '3 records' }).waitFor();
    await openPanel('Tributary: Open Producer', `Produce: ${TOPIC}`, 'producer', TOPIC);
    await runCommand(page, 'View: Move Editor into Right Group');
    const producer = await panelFrame(page, 'producer');
    await producer.locator('#topic', { hasText: TOPIC }).waitFor();
    await fillText(producer, '#key', 'from-panel');
    await fillText(producer, '#value', '{"from":"the Producer panel of the installed .vsix"}');
    await producer.locator('#send').click();
    const result = producer.locator('[data-role="results"] li').first();
    await result.waitFor();
    assert.match(await result.innerText(), new RegExp(`^Produced 1 record to ${TOPIC} in \\d+ ms: partition \\d+ offset \\d+$`));
    consumer = await panelFrame(page, 'consumer');
    const row4 = consumer.locator('trib-record-list .row', { hasText: 'the Producer panel of the installed .vsix' });
    await row4.waitFor({ timeout: 15_000 });
    await consumer.locator('[data-role="counts"]', { hasText: '4 records' }).waitFor();
    assert.match(await row4.innerText(), /from-panel/);
    await screenshot('produced-and-consumed-in-panels');
    await runCommand(page, 'View: Close All Editor Groups');
    await eventually('no editor open', async () => (await page.locator('.tabs-container .tab').count()) === 0);
  });

  it('lists the walkthrough; its steps open with their pages and tick as the user goes (broker, .kafka file, group)', async () => {
    // A kafkajs consumer group reading the topic: what step 3 watches.
    const c = await row('Cluster');
    const group = new Kafka({ clientId: 'pkg-consumer', brokers: c.description.split(','), logLevel: logLevel.NOTHING }).consumer({ groupId: GROUP, heartbeatInterval: 1000 });
    kafkaClients.push(group);
    let seen = 0;
    await group.connect();
    await group.subscribe({ topics: [TOPIC], fromBeginning: true });
    await group.run({
      eachMessage: async () => {
        seen++;
      },
    });

    await runCommand(page, 'Welcome: Open Walkthrough...');
    await quickPick(page, WALKTHROUGH);
    const walkthroughTab = () => page.locator('.tabs-container .tab', { hasText: /Walkthrough: / });
    const step = (id: string) => page.locator(`button.getting-started-step[data-step-id$="#${id}"]`);
    await step('startBroker').waitFor({ timeout: 15_000 });
    assert.equal(await page.locator('button.getting-started-step').count(), 3);
    /** The step's page: the markdown media rendered in a webview, found by its heading. */
    const media = (heading: string) =>
      eventually(`the page '${heading}'`, async () => {
        for (const f of page.frames()) {
          if (f === page.mainFrame() || f.isDetached()) continue;
          const h = await f.evaluate(() => Array.from(document.querySelectorAll('h1'), (e) => (e as HTMLElement).innerText)).catch(() => [] as string[]);
          if (h.includes(heading)) return f;
        }
        return undefined;
      });
    const steps: Array<[string, string]> = [
      ['startBroker', 'Start the embedded broker'],
      ['produceFromKafkaFile', 'Produce from a .kafka file'],
      ['watchGroup', 'Watch a consumer group'],
    ];
    // The walkthrough opens on its first step not done; its page loads before another is chosen (VS Code renders a
    // step's markdown asynchronously: a page still loading could land over the next one).
    const first = await eventually('a step open', async () => {
      for (const [id, heading] of steps) if ((await step(id).getAttribute('aria-expanded')) === 'true') return heading;
      return undefined;
    });
    await media(first);
    for (const [id, heading] of steps) {
      if ((await step(id).getAttribute('aria-expanded')) !== 'true') await step(id).click();
      await eventually(`step ${id} expanded`, async () => (await step(id).getAttribute('aria-expanded')) === 'true');
      await media(heading);
      await page.waitForTimeout(300);
      await screenshot(`walkthrough-${id}`);
    }
    // Done so far: the broker runs (onContext) and a block was produced with the CodeLens (onCommand).
    assert.equal(await step('startBroker').getAttribute('aria-checked'), 'true');
    assert.equal(await step('produceFromKafkaFile').getAttribute('aria-checked'), 'true');
    assert.equal(await step('watchGroup').getAttribute('aria-checked'), 'false');

    // Step 3's button opens the Group inspector on the kafkajs group, which ticks the step.
    await eventually('the group to read the 4 records', async () => seen >= 4, 30_000);
    await step('watchGroup').locator('xpath=..').getByRole('button', { name: 'Open Group Inspector' }).click();
    await quickPick(page, GROUP);
    const inspector = await panelFrame(page, 'group');
    await inspector.locator('[data-role="state"]', { hasText: /^Stable$/ }).waitFor({ timeout: 15_000 });
    await screenshot('walkthrough-group-inspector');
    await walkthroughTab().first().click();
    await eventually('step watchGroup ticked', async () => (await step('watchGroup').getAttribute('aria-checked')) === 'true');

    // Step 2's button opens an untitled .kafka file (the command link carries its language).
    await step('produceFromKafkaFile').click();
    await step('produceFromKafkaFile').locator('xpath=..').getByRole('button', { name: 'New .kafka File' }).click();
    await page.locator('.statusbar-item', { hasText: /^Kafka$/ }).first().waitFor({ timeout: 15_000 });
    await walkthroughTab().first().click();
    await media('Produce from a .kafka file');
    await screenshot('walkthrough-steps-done');
  });
});
