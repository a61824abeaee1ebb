/**
 * The extension in a real VS Code: code-server 4.100.3 (VS Code 1.100.3) driven by Chromium through playwright-core.
 * Builds and installs the extension into a fresh extensions dir, opens a workspace whose settings start the broker on
 * a free port, then does what a user does: opens the Tributary view, creates a topic from the tree, produces from a
 * `.kafka` file with its CodeLens (typing a CONSUME with topic completion), watches the partitions' offsets move,
 * runs a kafkajs consumer group beside it and finds it in the tree with its member and lag, stops the leader's node
 * from the tree (the modal naming it: Cancel leaves it up, Stop Node stops it) and sees the leader move. The topic's
 * configs are edited in the table its context menu opens (retention.ms, then `tributary topics --describe` shows it).
 * A screenshot of each step goes to test-results/e2e/.
 *
 * Skips when Chromium or the code-server install is missing (under CI the reporter counts a skip as a failure; .ci/run
 * installs both through scripts/install-deps.sh).
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT } from './support/code-server';
import { RawClient } from '../support/raw-client';
import { fillText, panelFrame, panelTab } from './support/webviews';
import { Workbench, clearScreenshots, e2eMissing, eventually, notification as notificationIn, printExtensionHostLogs, quickInput as quickInputIn, runCommand, escapeRegExp, screenshotter, startWorkbench, sidebarTree } from './support/workbench';

// kafkajs (a dev dependency) is the consumer group run beside VS Code, and its default partitioner (Java's) says
// where the keyed records must land.
const { Kafka, logLevel, Partitioners } = require('kafkajs');

const TOPIC = 'e2e-orders';
const GROUP = 'e2e-group';
const PARTITIONS = 3;
const KAFKA_FILE = [
  '# Orders for the end-to-end test: five keyed records per click.',
  `PRODUCE ${TOPIC} key=order-{{seq}} count=5`,
  'Content-Type: application/json',
  'X-Run: {{i}}',
  '',
  '{',
  '  "id": {{seq}},',
  '  "amount": {{random.int(1,100)}},',
  '  "currency": "{{random.choice(EUR,USD,GBP)}}"',
  '}',
  '',
].join('\n');


/** Where Java's (and kafkajs') default partitioner puts each key, counted per partition. */
function expectedCounts(keys: string[]): number[] {
  const partitioner = Partitioners.DefaultPartitioner();
  const meta = Array.from({ length: PARTITIONS }, (_, i) => ({ partitionId: i, leader: 0 }));
  const counts = new Array(PARTITIONS).fill(0);
  for (const key of keys) counts[partitioner({ topic: TOPIC, partitionMetadata: meta, message: { key, value: '' } })]++;
  return counts;
}

describe('Tributary in a real VS Code (code-server + Chromium)', function () {
  this.timeout(120_000);
  // Each step builds on the one before: stop at the first failure.
  this.bail(true);

  let wb: Workbench | undefined;
  let page: Page;
  let basePort: number;
  let consumer: { disconnect(): Promise<void>; pause(t: Array<{ topic: string }>): void } | undefined;
  let failed = false;
  let started = Date.now();

  /** Saves a numbered screenshot of the whole window (test-results/e2e/NN-name.png). */
  const screenshot = screenshotter(() => page);

  const view = () => page.locator('.part.sidebar');

  const { rows, row, rowLocator } = sidebarTree(() => page);


  async function expand(label: string): Promise<void> {
    const r = rowLocator(label).first();
    await r.waitFor();
    if ((await r.getAttribute('aria-expanded')) !== 'true') await r.click();
    await eventually(`'${label}' expanded`, async () => (await r.getAttribute('aria-expanded')) === 'true');
  }

  /**
   * Runs an entry of a tree row's context menu. A click that comes right after the menu opened can be dropped (the
   * menu is still placing itself): the menu then stays open, and the click is tried again.
   */
  async function fromContextMenu(rowLabel: string, entry: string, shot?: string): Promise<void> {
    const menu = page.locator('.context-view .monaco-menu');
    for (let attempt = 1; ; attempt++) {
      await rowLocator(rowLabel).first().click({ button: 'right' });
      const item = menu.locator('.action-label', { hasText: entry });
      await item.first().waitFor();
      if (shot && attempt === 1) await screenshot(shot);
      await page.waitForTimeout(200);
      await item.first().click();
      const closed = await menu.waitFor({ state: 'hidden', timeout: 3000 }).then(
        () => true,
        () => false,
      );
      if (closed) return;
      if (attempt >= 3) throw new Error(`the context menu of '${rowLabel}' did not run '${entry}'`);
      await page.keyboard.press('Escape');
    }
  }

  const quickInput = (text: string, title?: string) => quickInputIn(page, text, title);
  const notification = (pattern: RegExp) => notificationIn(page, pattern);

  /** Per partition: "from–to" range and HW from the partition rows of the topic. */
  async function partitionOffsets(): Promise<Array<{ leader: number; isr: string; end: number }>> {
    const out: Array<{ leader: number; isr: string; end: number }> = [];
    for (let p = 0; p < PARTITIONS; p++) {
      const r = await row(`partition ${p}`);
      // "HW 5 · leader 0 · ISR 3/3 · 0–5 · 1.2 KiB", or "ISR 2/3 [0,2] · HW 5 · leader 0 · 0–5 · ..." when under-replicated.
      const m = /^(?:ISR \d+\/\d+ \[([\d,]*)\] · )?HW (\d+) · leader (-?\d+) · (?:ISR (\d+)\/\d+ · )?(\d+)–(\d+)/.exec(r.description);
      assert.ok(m, `partition ${p} row: ${r.description}`);
      out.push({ leader: Number(m[3]), isr: m[1] ?? `all ${m[4]}`, end: Number(m[6]) });
    }
    return out;
  }

  before(async function () {
    started = Date.now();
    const missing = e2eMissing();
    if (missing) {
      console.log(`    skipped: ${missing}`);
      this.skip();
    }
    // This suite's numbered screenshots (the panels suite's panels-*.png stay).
    clearScreenshots(/^\d+-.*\.png$/);
    // Kafka's authorizer on, everything allowed where no ACL says otherwise (the last step adds one).
    wb = await startWorkbench({
      files: { 'orders.kafka': KAFKA_FILE },
      workspaceSettings: { 'tributary.brokerConfig': { 'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer', 'allow.everyone.if.no.acl.found': true } },
    });
    page = wb.page;
    basePort = wb.basePort;
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    failed = true;
    if (page) await screenshot(`failed-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 40)}`).catch(() => undefined);
    printExtensionHostLogs(wb?.userDataDir);
  });

  after(async function () {
    await consumer?.disconnect().catch(() => undefined);
    if (!wb) return;
    await wb.close(failed);
    if (failed) console.log(`    kept ${wb.root} (user data, logs, workspace) for a look`);
    console.log(`    e2e took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  it('shows the Tributary view with the broker started by tributary.autoStart', async () => {
    await page.locator('.activitybar a[aria-label="Tributary"]').click();
    // Wider sidebar, so the screenshots show the descriptions (offsets, leaders, lag).
    const box = (await view().boundingBox())!;
    await page.mouse.move(box.x + box.width + 1, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(720, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await page.mouse.move(1200, 600);
    const cluster = await row('Cluster', new RegExp(`127\\.0\\.0\\.1:${basePort}`), 60_000);
    assert.match(cluster.description, new RegExp(`^127\\.0\\.0\\.1:${basePort},127\\.0\\.0\\.1:\\d+,127\\.0\\.0\\.1:\\d+$`));
    for (const n of [0, 1, 2]) await row(`node ${n}`, /127\.0\.0\.1:\d+/);
    const status = await page.locator('.statusbar-item', { hasText: 'Kafka:' }).first().innerText();
    assert.match(status, new RegExp(`Kafka: 127\\.0\\.0\\.1:${basePort} \\+2`));
    await screenshot('view-broker-running');
  });

  it('creates a topic from the view (3 partitions, replication factor 3)', async () => {
    await view().locator('a.action-label[aria-label="Create Topic…"]').first().click();
    await quickInput(TOPIC, 'Create Topic (1/3)');
    await quickInput(String(PARTITIONS), 'Create Topic (2/3)');
    await quickInput('3', 'Create Topic (3/3)');
    await row(TOPIC, /^3 partitions · RF 3$/);
    await expand(TOPIC);
    const offsets = await partitionOffsets();
    assert.deepEqual(
      offsets.map((o) => o.end),
      [0, 0, 0],
    );
    await screenshot('topic-created');
  });

  it("edits the topic's configs in the table its context menu opens: retention.ms applied, shown in the table and by `tributary topics --describe`", async () => {
    await fromContextMenu(TOPIC, 'Edit Topic Configs');
    await panelTab(page, `Configs: ${TOPIC}`).first().waitFor();
    const table = await panelFrame(page, 'topicConfig');
    const retention = table.locator('tr[data-config="retention.ms"]');
    await retention.locator('[data-role="source"]', { hasText: /^Kafka default$/ }).waitFor();
    const value = () => retention.locator('[data-role="editor"]').evaluate((el) => (el as HTMLInputElement).value);
    assert.equal(await value(), '604800000');
    await fillText(table, '#filter', 'retention');
    await eventually('the filtered rows', async () => (await table.locator('[data-role="configs"] tbody tr').count()) === 5);
    await fillText(table, 'tr[data-config="retention.ms"] [data-role="editor"]', '3600000');
    await table.locator('[data-role="pending-count"]', { hasText: /^1 change not applied$/ }).waitFor();
    await table.locator('#apply').click();
    await table.locator('[data-role="applied"]', { hasText: 'Applied retention.ms = 3600000.' }).waitFor();
    await retention.locator('[data-role="source"]', { hasText: /^topic override$/ }).waitFor();
    assert.equal(await value(), '3600000');
    assert.equal(await retention.locator('[data-role="default"]').innerText(), '604800000');
    await table.locator('#overrides-only').click();
    await eventually('only the override shown', async () => (await table.locator('[data-role="configs"] tbody tr').count()) === 1);
    await screenshot('topic-configs-retention-applied');

    // The broker has it: Kafka's kafka-topics --describe (tributary topics) lists the topic's overrides.
    const describe = execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'tributary.js'), 'topics', '--bootstrap-server', `127.0.0.1:${basePort}`, '--describe', '--topic', TOPIC], { encoding: 'utf8' });
    assert.match(describe.split('\n')[0], new RegExp(`^Topic: ${TOPIC}\\t.*\\tConfigs: retention\\.ms=3600000$`));
    // The tree and the editor get the whole window again for the next steps.
    await runCommand(page, 'View: Close All Editors');
    await eventually('the table closed', async () => (await page.locator('.tabs-container .tab').count()) === 0);
  });

  it('produces from a .kafka file with the Produce CodeLens; each keyed record lands on its Java partition', async () => {
    // Quick Open: wait for the file among the results before choosing it.
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible' });
    await input.fill('orders.kafka');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'orders.kafka' }).first().waitFor();
    await page.keyboard.press('Enter');
    const produce = page.locator('.codelens-decoration a', { hasText: /^Produce$/ });
    await produce.first().waitFor({ timeout: 30_000 });
    assert.ok(await page.locator('.codelens-decoration a', { hasText: /^Produce ×N…$/ }).count());
    await screenshot('kafka-file-codelens');

    await produce.first().click();
    await notification(/^Produced 5 records to e2e-orders: /);
    const want = expectedCounts(['order-1', 'order-2', 'order-3', 'order-4', 'order-5']);
    await eventually(
      `partition offsets ${want.join(',')}`,
      async () => (await partitionOffsets()).map((o) => o.end).join(',') === want.join(','),
    ).catch(async (e) => {
      throw new Error(`${(e as Error).message}; tree shows ${(await partitionOffsets()).map((o) => o.end).join(',')}`);
    });
    await screenshot('produced-offsets-moved');
  });

  it('completes the topic name after CONSUME and consumes with the Consume CodeLens into a read-only document', async () => {
    const editor = page.locator('.editor-instance .monaco-editor').first();
    await editor.locator('.view-lines').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('###\nCONSUME e2e', { delay: 30 });
    const suggestion = page.locator('.suggest-widget .monaco-list-row', { hasText: TOPIC });
    await suggestion.first().waitFor({ timeout: 15_000 });
    await screenshot('topic-completion');
    await page.keyboard.press('Enter');
    await page.keyboard.type(' from=earliest max=3', { delay: 10 });
    await page.keyboard.press('Escape');
    const consume = page.locator('.codelens-decoration a', { hasText: /^Consume$/ });
    await consume.first().waitFor({ timeout: 15_000 });
    await consume.first().click();
    const tab = page.locator('.tab', { hasText: `${TOPIC} from earliest (1).kafka` });
    await tab.waitFor({ timeout: 15_000 });
    const text = await eventually('the records document', async () => {
      // Monaco renders spaces as no-break spaces.
      const all = (await page.locator('.monaco-editor .view-lines').allInnerTexts()).map((t) => t.replace(/\u00a0/g, ' '));
      return all.find((t) => t.includes('# CONSUME e2e-orders'));
    });
    assert.match(text, /5 records/);
    assert.match(text, /### e2e-orders-\d @ 0/);
    assert.match(text, /# key: "order-1"/);
    await screenshot('consumed-records-document');
  });

  it('shows a kafkajs consumer group with its member and its lag', async () => {
    const cluster = await row('Cluster');
    const kafka = new Kafka({ clientId: 'e2e-consumer', brokers: cluster.description.split(','), logLevel: logLevel.NOTHING });
    const c = kafka.consumer({ groupId: GROUP, sessionTimeout: 30_000, heartbeatInterval: 1000 });
    consumer = c;
    const seen: string[] = [];
    await c.connect();
    await c.subscribe({ topics: [TOPIC], fromBeginning: true });
    await c.run({
      eachMessage: async ({ message }: { message: { key: Buffer } }) => {
        seen.push(message.key.toString());
      },
    });
    await eventually('the consumer to read the 5 records', async () => seen.length >= 5, 30_000);
    await expand('Consumer Groups');
    await row(GROUP, /^lag 0(?: \(\d+ partitions? uncommitted\))? · Stable · 1 member · \S+$/, 30_000);
    // Paused, it stays in the group (heartbeats) but reads nothing more: the next five records are its lag.
    c.pause([{ topic: TOPIC }]);
    await page.locator('.codelens-decoration a', { hasText: /^Produce$/ }).first().click();
    await notification(/^Produced 5 records to e2e-orders: /);
    await row(GROUP, /^lag 5(?: \(\d+ partitions? uncommitted\))? · Stable · 1 member · \S+$/, 30_000);
    await expand(GROUP);
    await row('Members', /^1$/);
    await row('e2e-consumer', /127\.0\.0\.1 · 3 partitions/);
    const offsets = (await rows()).filter((r) => r.label.startsWith(`${TOPIC}-`) && /^(lag \d+ · committed|no committed offset)/.test(r.description));
    assert.equal(offsets.length, PARTITIONS);
    const lags = offsets.map((r) => Number(/lag (\d+)/.exec(r.description)![1]));
    assert.deepEqual(lags, expectedCounts(['order-6', 'order-7', 'order-8', 'order-9', 'order-10']), offsets.map((r) => `${r.label} ${r.description}`).join('; '));
    await screenshot('consumer-group-lag');
    // The Clients section (the Kafka 4 upgrade check) lists kafkajs with the versions it speaks, all of them Kafka 4's.
    await expand('Clients');
    const client = await eventually('the kafkajs consumer in Clients', async () => (await rows()).find((r) => r.label === 'e2e-consumer' && / · 127\.0\.0\.1 · \d+ open connections?$/.test(r.description)), 30_000);
    assert.doesNotMatch(client.description, /not ready for Kafka 4/);
    await rowLocator('e2e-consumer').last().click();
    await eventually('its APIs', async () => (await rows()).some((r) => /^Fetch v\d+/.test(r.label)), 10_000);
    await screenshot('clients');
    await rowLocator('Clients').first().click();
  });

  it('stops the node leading partition 0 from its context menu after a modal naming it (Cancel leaves it up); the leader moves', async () => {
    await consumer?.disconnect();
    consumer = undefined;
    // The member leaving refreshes the whole tree; a context menu opened during a refresh loses its item (VS Code
    // resolves the row's element after the click), so let the tree settle first.
    await row(GROUP, /^lag 5(?: \(\d+ partitions? uncommitted\))? · Empty · 0 members$/, 30_000);
    await page.waitForTimeout(1000);
    const before = (await partitionOffsets())[0];
    const leader = before.leader;
    const dialog = page.locator('.monaco-dialog-box');
    const askToStop = async (shot?: string) => {
      await fromContextMenu(`node ${leader}`, 'Stop Node…', shot);
      await dialog.waitFor();
    };
    await askToStop('stop-node-menu');
    // The modal names the node, its address and what the cluster goes through.
    assert.equal(await dialog.locator('.dialog-message-text').innerText(), `Stop node ${leader}?`);
    const detail = await dialog.locator('.dialog-message-detail').innerText();
    assert.match(detail, new RegExp(`^Node ${leader} \\(127\\.0\\.0\\.1:\\d+\\) stops as a crash looks to the rest of the cluster: its listener closes and the clients connected to it reconnect to the other nodes\\.`));
    assert.match(detail, /partitions? it leads elects? (a )?new leaders? from (its|their) in-sync replicas\./);
    assert.match(detail, /Start Node… brings it back, and it catches up\.$/);
    await screenshot('stop-node-confirm');
    await dialog.locator('.monaco-button', { hasText: /^Cancel$/ }).click();
    await dialog.waitFor({ state: 'detached' });
    // Cancelled: the node stays up and keeps its partitions.
    await page.waitForTimeout(1500);
    assert.doesNotMatch((await row(`node ${leader}`)).description, /down/);
    assert.equal((await partitionOffsets())[0].leader, leader);

    await askToStop();
    await dialog.locator('.monaco-button', { hasText: /^Stop Node$/ }).click();
    await row(`node ${leader}`, /down/);
    const after = await eventually('a new leader for partition 0', async () => {
      const p0 = (await partitionOffsets())[0];
      return p0.leader !== leader && p0.leader >= 0 ? p0 : undefined;
    });
    assert.ok(!after.isr.startsWith('all') && !after.isr.split(',').includes(String(leader)), `ISR [${after.isr}] without node ${leader}`);
    assert.equal(after.end, before.end, 'no record lost');
    await screenshot('node-stopped-leader-moved');
  });

  it('produces ×N (asked in an input box, with progress) to the new leaders while the node is down', async () => {
    const before = await partitionOffsets();
    await page.locator('.codelens-decoration a', { hasText: /^Produce ×N…$/ }).first().click();
    await quickInput('3000', 'Produce ×N to e2e-orders');
    await notification(/^Produced 3,000 records to e2e-orders: /);
    // {{seq}} went on from the two runs before: keys order-11 .. order-3010.
    const keys = Array.from({ length: 3000 }, (_, i) => `order-${i + 11}`);
    const want = expectedCounts(keys).map((n, p) => before[p].end + n);
    await eventually(`partition end offsets ${want.join(',')}`, async () => (await partitionOffsets()).map((o) => o.end).join(',') === want.join(','));
    // The idle group's lag follows the end offsets.
    await row(GROUP, /^lag 3,005(?: \(\d+ partitions? uncommitted\))? · Empty · 0 members$/);
    await page.waitForTimeout(500); // the progress toast's closing animation
    await screenshot('produced-times-n-after-failover');
  });

  it('runs every block of the file with Tributary: Produce File from the command palette', async () => {
    const before = await partitionOffsets();
    await page.locator('.tab', { hasText: 'orders.kafka' }).first().click();
    await page.keyboard.press('Control+Shift+P');
    const input = page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible' });
    await input.fill('>Tributary: Produce File');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Tributary: Produce File' }).first().waitFor();
    await page.keyboard.press('Enter');
    // The PRODUCE block (5 records) then the CONSUME block (3 per partition).
    await notification(/^Ran 2 blocks of orders\.kafka: 14 records produced or consumed\.$/);
    const keys = Array.from({ length: 5 }, (_, i) => `order-${i + 3011}`);
    const want = expectedCounts(keys).map((n, p) => before[p].end + n);
    await eventually(`partition end offsets ${want.join(',')}`, async () => (await partitionOffsets()).map((o) => o.end).join(',') === want.join(','));
    await page.locator('.tab', { hasText: `${TOPIC} from earliest (2).kafka` }).waitFor();
    await screenshot('produce-file');
  });

  it('CONSUME from=-3 shows the newest three records of the topic, across its partitions', async () => {
    await page.locator('.tab', { hasText: 'orders.kafka' }).first().click();
    const editor = page.locator('.editor-instance .monaco-editor').first();
    await editor.locator('.view-lines').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type(`\n###\nCONSUME ${TOPIC} from=-3`, { delay: 10 });
    await page.keyboard.press('Escape');
    const consume = page.locator('.codelens-decoration a', { hasText: /^Consume$/ });
    await eventually('a second Consume CodeLens', async () => (await consume.count()) >= 2);
    await consume.last().click();
    await page.locator('.tab', { hasText: new RegExp(`${TOPIC} from the last 3 \\(\\d+\\)\\.kafka`) }).waitFor({ timeout: 15_000 });
    const text = await eventually('the newest records document', async () => {
      const all = (await page.locator('.monaco-editor .view-lines').allInnerTexts()).map((t) => t.replace(/\u00a0/g, ' '));
      return all.find((t) => t.includes('the newest 3 records of the topic'));
    });
    // The newest three are from the last run of the file (keys order-3011 .. order-3015), whatever their partitions.
    const keys = [...text.matchAll(/# key: "(order-\d+)"/g)].map((m) => m[1]);
    assert.equal(keys.length, 3, text);
    for (const k of keys) assert.ok(Number(k.slice(6)) >= 3011, `${k} is not among the newest: ${keys.join(', ')}`);
    await screenshot('consume-newest-three');
  });
  it("adds a DENY ACL from the topic's context menu (Add ACL, step by step), shown under the topic; a kafkajs producer is refused until Remove ACL lifts it", async () => {
    const widget = page.locator('.quick-input-widget');
    const input = widget.locator('input.input');
    // One step of the flow: the pick asking `placeholder`, its item `label` chosen; the next step opens at once, so
    // the widget stays: the step is done when the placeholder changes.
    const step = async (label: string, placeholder: RegExp) => {
      await eventually(`a quick pick asking ${placeholder}`, async () => placeholder.test((await input.getAttribute('placeholder')) ?? ''));
      await input.fill(label);
      await widget.locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) }).first().click();
      await eventually(`the pick after ${placeholder}`, async () => !placeholder.test((await input.getAttribute('placeholder')) ?? ''));
    };
    await fromContextMenu(TOPIC, 'Add ACL…');
    await step(`'${TOPIC}' only`, /Which names the ACL applies to/);
    await quickInput('User:*', 'Add ACL');
    await step('Deny', /Allow or deny/);
    // Operations: a multiple choice, WRITE ticked, then OK.
    await eventually('the operations pick', async () => /Operations/.test((await input.getAttribute('placeholder')) ?? ''));
    await input.fill('WRITE');
    await widget.locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: /^WRITE$/ }) }).first().click();
    await page.keyboard.press('Enter');
    await eventually('the host input', async () => !/Operations/.test((await input.getAttribute('placeholder')) ?? ''));
    await quickInput('*', 'Add ACL');
    await notification(/^Added an ACL: DENY User:\* WRITE on e2e-orders\.$/);
    // The topic's ACLs node (the first "ACLs" row, above the root's section) counts it; expanded, it shows it.
    await row('ACLs', /^1 · 1 deny$/);
    await expand('ACLs');
    await row('DENY User:* WRITE');
    await screenshot('acl-added');
    const cluster = await row('Cluster');
    const producer = new Kafka({ clientId: 'e2e-acl', brokers: cluster.description.split(','), logLevel: logLevel.NOTHING, retry: { retries: 0 } }).producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    try {
      await assert.rejects(producer.send({ topic: TOPIC, messages: [{ key: 'acl', value: 'refused' }] }), /TOPIC_AUTHORIZATION_FAILED|Not authorized/);
      // Remove ACL asks first, naming who is affected.
      await fromContextMenu('DENY User:* WRITE', 'Remove ACL…');
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor();
      assert.equal(await dialog.locator('.dialog-message-text').innerText(), `Remove ACL DENY WRITE for User:* on topic '${TOPIC}'?`);
      await screenshot('acl-remove-confirm');
      await dialog.locator('.monaco-button', { hasText: /^Remove ACL$/ }).click();
      await notification(/^Removed the ACL\.$/);
      await row('ACLs', /^none apply$/);
      await producer.send({ topic: TOPIC, messages: [{ key: 'acl', value: 'allowed again' }] });
    } finally {
      await producer.disconnect();
    }
  });

  it('shows a kafkajs transaction left open under Transactions and aborts it from its menu after a modal: the producer is fenced', async () => {
    const cluster = await row('Cluster');
    const producer = new Kafka({ clientId: 'e2e-txn', brokers: cluster.description.split(','), logLevel: logLevel.NOTHING, retry: { retries: 2 } }).producer({ transactionalId: 'e2e-txn', idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    try {
      const txn = await producer.transaction();
      await txn.send({ topic: TOPIC, messages: [{ key: 'txn', value: 'left open' }] });
      await row('Transactions', /1 open/);
      await expand('Transactions');
      await row('e2e-txn', /^Ongoing · producer \d+ epoch \d+ · 1 partition · open \d+ s$/);
      await screenshot('transaction-open');
      await fromContextMenu('e2e-txn', 'Abort Transaction…');
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor();
      assert.equal(await dialog.locator('.dialog-message-text').innerText(), 'Abort the open transaction of e2e-txn?');
      await screenshot('transaction-abort-confirm');
      await dialog.locator('.monaco-button', { hasText: /^Abort Transaction$/ }).click();
      await notification(/^Aborted the transaction of e2e-txn\.$/);
      await row('e2e-txn', /^CompleteAbort · producer \d+ epoch \d+/);
      await assert.rejects(txn.commit(), 'the fenced producer cannot commit');
    } finally {
      await producer.disconnect().catch(() => undefined);
    }
  });

  it('shows a client over its producer_byte_rate under Quotas, throttled', async () => {
    const cluster = await row('Cluster');
    const admin = await RawClient.connect(cluster.description);
    try {
      const r = await admin.request(49, 1, { entries: [{ entity: [{ entityType: 'client-id', entityName: 'e2e-metered' }], ops: [{ key: 'producer_byte_rate', value: 1024, remove: false }] }], validateOnly: false });
      assert.equal(r.entries[0].errorCode, 0);
    } finally {
      admin.close();
    }
    const producer = new Kafka({ clientId: 'e2e-metered', brokers: cluster.description.split(','), logLevel: logLevel.NOTHING }).producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    try {
      await producer.send({ topic: TOPIC, messages: [{ key: 'q', value: 'x'.repeat(30000) }] });
      await row('Quotas', /^1 entity · 1 throttling now$/);
      await expand('Quotas');
      await row("client-id 'e2e-metered'", /^producer_byte_rate=1024$/);
      await row("client-id 'e2e-metered' · produce", /^node \d+ · .* of 1.0 KiB\/s · throttled 1×/);
      await screenshot('quotas-throttled');
    } finally {
      await producer.disconnect();
    }
  });

  it('reassigns partition 0 from its menu to the nodes that are up: the replica on the stopped node dropped, the ISR whole again', async () => {
    // The node stopped earlier is the one that led partition 0, whichever that was.
    const up: number[] = [];
    for (const n of [0, 1, 2]) if (!/down/.test((await row(`node ${n}`)).description)) up.push(n);
    assert.equal(up.length, 2);
    await fromContextMenu('partition 0', 'Reassign Partition…');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Reassign e2e-orders-0' }).waitFor();
    await screenshot('reassign-input');
    await quickInput(up.join(', '), 'Reassign e2e-orders-0');
    await notification(new RegExp(`^Reassigning e2e-orders-0 to \\[${up.join(', ')}\\]: the new replicas join once they have caught up\\.$`));
    // Both targets are in sync already: the reassignment completes at once and node 2's replica is gone.
    const r = await row('partition 0', /· ISR 2\/2 ·/);
    assert.doesNotMatch(r.description, /reassigning/);
    await screenshot('reassigned');
  });
});
