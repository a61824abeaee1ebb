/**
 * The five webview panels in a real VS Code (code-server 4.100.3 in Chromium, driven by playwright-core) against the
 * embedded broker, opened as a user opens them, from the command palette:
 *
 *  1. the Consumer panel tails a topic; a keyed record with a header sent from the Producer panel's form arrives in
 *     it live, and its details show partition, offset, key, header and value;
 *  2. the Group inspector of a kafkajs consumer group shows its member, committed offsets and lag; the reset dialog
 *     refuses while the member is there, and once the group is empty previews and applies a reset to earliest,
 *     which the inspector and kafkajs' admin fetchOffsets both show;
 *  3. the Segment inspector of the partition holding that record finds its batch by offset, shows the batch's
 *     dump-log fields and expands the record to its key, header and value;
 *  4. the Cluster view stops the node leading that partition: the node shows down, leaders and ISR change and the
 *     elections appear live; started again, it rejoins the ISR;
 *  5. a Consumer panel opened on a topic with more than 100 records in each partition starts at its default, the last
 *     100 of each partition, headers in their own column;
 *  6. the Producer panel's "Edit in editor" opens the value in an untitled JSON editor; what is typed there shows in
 *     the panel, until the editor is closed.
 *
 * Screenshots of each step go to test-results/e2e/panels-NN-*.png. Skips when Chromium or the code-server install is
 * missing (under CI the reporter counts a skip as a failure).
 */
import { strict as assert } from 'node:assert';
import type { Frame, Page } from 'playwright-core';
import { PanelKind, choose, fillText, panelFrame, panelTab } from './support/webviews';
import { Workbench, clearScreenshots, e2eMissing, eventually, printExtensionHostLogs, quickPick, runCommand, screenshotter, startWorkbench } from './support/workbench';

const { Kafka, logLevel, Partitioners } = require('kafkajs');

const TOPIC = 'panels-orders';
const GROUP = 'panels-group';
const GROUP_848 = 'panels-848-group';
const PARTITIONS = 3;
const SEEDS = 6;
const KEY = 'panel-key-1';
const VALUE = '{"order":"panel-1","note":"sent from the Producer panel"}';
const HEADER = { key: 'x-source', value: 'producer-panel' };
/** A topic with more records in each partition than the Consumer panel's default start (the last 100 of each). */
const BIG = 'panels-big';
const BIG_PER_PARTITION = 250;

/** Text with runs of white space made single spaces. */
const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

describe('Tributary panels in a real VS Code (code-server + Chromium)', function () {
  this.timeout(90_000);
  // Each step builds on the one before: stop at the first failure.
  this.bail(true);

  let wb: Workbench | undefined;
  let page: Page;
  let kafka: { admin(): KafkaAdmin; producer(o: unknown): KafkaProducer; consumer(o: unknown): KafkaConsumer };
  let admin: KafkaAdmin | undefined;
  let producer: KafkaProducer | undefined;
  let consumer: KafkaConsumer | undefined;
  let failed = false;
  let started = Date.now();
  /** Where the Producer panel's record went. */
  let produced: { partition: number; offset: number } | undefined;

  const screenshot = screenshotter(() => page, 'panels-');

  before(async function () {
    started = Date.now();
    const missing = e2eMissing();
    if (missing) {
      console.log(`    skipped: ${missing}`);
      this.skip();
    }
    this.timeout(180_000);
    clearScreenshots(/^panels-.*\.png$/);
    wb = await startWorkbench();
    page = wb.page;
    try {
      await setUp(wb);
    } catch (e) {
      // afterEach does not run for a failed hook: keep what shows why here.
      failed = true;
      await screenshot('failed-setup').catch(() => undefined);
      printExtensionHostLogs(wb.userDataDir);
      throw e;
    }
  });

  /** The broker running (started by tributary.autoStart), the sidebar closed, the topic made and seeded. */
  async function setUp(w: Workbench): Promise<void> {
    // The broker starts by itself (tributary.autoStart); the status bar shows its bootstrap address once it runs.
    await page.locator('.statusbar-item', { hasText: `Kafka: 127.0.0.1:${w.basePort}` }).first().waitFor({ timeout: 60_000 });
    // The editors get the whole window.
    await runCommand(page, 'View: Close Primary Side Bar');

    kafka = new Kafka({ clientId: 'panels-e2e', brokers: [`127.0.0.1:${w.basePort}`], logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS, replicationFactor: 3 }], waitForLeaders: true });
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic: TOPIC, messages: Array.from({ length: SEEDS }, (_, i) => ({ key: `seed-${i + 1}`, value: JSON.stringify({ seed: i + 1 }) })) });
  }

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    failed = true;
    if (page) await screenshot(`failed-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 40)}`).catch(() => undefined);
    printExtensionHostLogs(wb?.userDataDir);
  });

  after(async function () {
    this.timeout(60_000);
    await consumer?.disconnect().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
    if (!wb) return;
    await wb.close(failed);
    if (failed) console.log(`    kept ${wb.root} (user data, logs, workspace) for a look`);
    console.log(`    panels e2e took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  /**
   * Opens a panel with a palette command (that asks for a topic, group or partition in a quick pick when `pick` is
   * given); resolves once its tab is the active one and its webview has rendered.
   */
  async function open(command: string, title: string, kind: PanelKind, pick?: string): Promise<Frame> {
    await runCommand(page, command);
    if (pick !== undefined) await quickPick(page, pick);
    await panelTab(page, title).and(page.locator('.tab.active')).first().waitFor({ timeout: 15_000 });
    return panelFrame(page, kind);
  }

  it('tails the topic in the Consumer panel and sees a record sent from the Producer panel arrive live', async () => {
    let consumerPanel = await open('Tributary: Open Consumer (Live Tail)', `Consume: ${TOPIC}`, 'consumer', TOPIC);
    // A fresh panel on a small topic tails from the earliest offsets: the seed records are there, and it keeps running.
    await consumerPanel.locator('[data-role="status"]', { hasText: /^running$/ }).waitFor();
    await consumerPanel.locator('[data-role="counts"]', { hasText: `${SEEDS} records` }).waitFor();
    assert.equal(await consumerPanel.locator('trib-record-list .row', { hasText: 'panel-1' }).count(), 0);

    await open('Tributary: Open Producer', `Produce: ${TOPIC}`, 'producer', TOPIC);
    // The producer beside the consumer: both in view.
    await runCommand(page, 'View: Move Editor into Right Group');
    await eventually('two editor groups', async () => (await page.locator('.editor-group-container').count()) === 2);
    const producerPanel = await panelFrame(page, 'producer');
    await producerPanel.locator('#topic', { hasText: TOPIC }).waitFor();
    await fillText(producerPanel, '#key', KEY);
    await fillText(producerPanel, '#value', VALUE);
    await producerPanel.locator('#add-header').click();
    await fillText(producerPanel, '[data-role="header-key"]', HEADER.key);
    await fillText(producerPanel, '[data-role="header-value"]', HEADER.value);
    const preview = producerPanel.locator('[data-role="preview"]');
    await preview.getByText(`${HEADER.key}: ${HEADER.value}`).waitFor();
    await preview.getByText(VALUE).waitFor();
    await producerPanel.locator('#send').click();
    const result = producerPanel.locator('[data-role="results"] li').first();
    await result.waitFor();
    const m = new RegExp(`^Produced 1 record to ${TOPIC} in \\d+ ms: partition (\\d) offset (\\d+)$`).exec(await result.innerText());
    assert.ok(m, `producer result: ${await result.innerText()}`);
    produced = { partition: Number(m[1]), offset: Number(m[2]) };
    // Java's partitioner (kafkajs' default) picks the same partition for the key.
    const meta = Array.from({ length: PARTITIONS }, (_, i) => ({ partitionId: i, leader: 0 }));
    assert.equal(produced.partition, Partitioners.DefaultPartitioner()({ topic: TOPIC, partitionMetadata: meta, message: { key: KEY, value: '' } }));

    // Live: the record shows up in the panel that was already tailing, without a restart.
    consumerPanel = await panelFrame(page, 'consumer');
    const row = consumerPanel.locator('trib-record-list .row', { hasText: 'panel-1' });
    await row.waitFor({ timeout: 15_000 });
    await consumerPanel.locator('[data-role="counts"]', { hasText: `${SEEDS + 1} records` }).waitFor();
    assert.equal(await row.getAttribute('data-partition'), String(produced.partition));
    assert.equal(await row.getAttribute('data-offset'), String(produced.offset));
    assert.match(squash(await row.innerText()), new RegExp(`^${produced.partition} ${produced.offset} .* ${KEY} .*panel-1`));
    await row.click();
    const details = consumerPanel.locator('[data-role="details"]');
    await details.locator('h2', { hasText: `Partition ${produced.partition} · offset ${produced.offset}` }).waitFor();
    assert.equal(squash(await details.locator('[data-role="headers"] tr').first().innerText()), `${HEADER.key} ${HEADER.value}`);
    assert.equal(await details.locator('trib-value-view[data-role="key"] pre').innerText(), KEY);
    assert.equal(await details.locator('trib-value-view[data-role="value"] pre').innerText(), VALUE);
    await screenshot('producer-to-live-consumer');
  });

  it('inspects a kafkajs consumer group: offsets and lag, reset refused while a member is in, reset to earliest once empty', async () => {
    assert.ok(produced);
    // One editor group again: the inspector gets the whole width.
    await runCommand(page, 'View: Close All Editor Groups');
    await eventually('no panel open', async () => (await page.locator('.tabs-container .tab').count()) === 0);

    // The group reads everything and commits where it got to, by hand.
    consumer = kafka.consumer({ groupId: GROUP, sessionTimeout: 30_000, heartbeatInterval: 1000 });
    const c = consumer;
    const next = new Map<number, number>();
    let seen = 0;
    await c.connect();
    await c.subscribe({ topics: [TOPIC], fromBeginning: true });
    await c.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }: { partition: number; message: { offset: string } }) => {
        next.set(partition, Math.max(next.get(partition) ?? 0, Number(message.offset) + 1));
        seen++;
      },
    });
    await eventually('the group to read every record', async () => seen >= SEEDS + 1, 30_000);
    await c.commitOffsets([...next].map(([partition, offset]) => ({ topic: TOPIC, partition, offset: String(offset) })));

    let group = await open('Tributary: Open Group Inspector', `Group: ${GROUP}`, 'group', GROUP);
    await group.locator('[data-role="state"]', { hasText: /^Stable$/ }).waitFor({ timeout: 15_000 });
    const members = group.locator('[data-role="members"] tr');
    await eventually('one member row', async () => (await members.count()) === 2);
    assert.match(squash(await members.nth(1).innerText()), new RegExp(`^panels-e2e (leader )?.*${TOPIC} \\[0, 1, 2\\]$`));
    const offsets = async (g: Frame) =>
      g.locator('[data-role="offsets"] tr[data-partition]').evaluateAll((rows) =>
        rows.map((r) => Array.from(r.querySelectorAll('td'), (td) => (td as HTMLElement).innerText.trim()).slice(0, 7)),
      );
    // Topic, partition, owner, log start, committed, end, lag: committed at the end, no lag.
    await eventually('committed offsets at the end of each partition', async () => {
      const rows = await offsets(group);
      return rows.length === PARTITIONS && rows.every((r) => r[4] === r[5] && r[6] === '0' && r[2] === 'panels-e2e');
    });

    // While the member is in, the dialog says why a reset is refused; the preview still works.
    await group.locator('#open-reset').click();
    const dialog = group.locator('dialog[open]');
    await dialog.waitFor();
    assert.match(squash(await dialog.locator('[data-role="reset-refusal"]').innerText()), new RegExp(`'${GROUP}' has 1 member \\(state Stable\\)`));
    await dialog.locator('#reset-preview').click();
    await dialog.locator('[data-role="reset-plan"]').waitFor();
    assert.equal(await dialog.locator('#reset-apply').getAttribute('disabled'), '');
    await screenshot('group-reset-refused-with-member');
    await dialog.locator('#reset-close').click();
    await dialog.waitFor({ state: 'detached' });

    // The member leaves; three more records arrive: the empty group lags behind by them.
    await c.disconnect();
    consumer = undefined;
    await producer!.send({ topic: TOPIC, messages: ['late-1', 'late-2', 'late-3'].map((key) => ({ key, value: key })) });
    group = await panelFrame(page, 'group');
    await group.locator('[data-role="state"]', { hasText: /^Empty$/ }).waitFor({ timeout: 15_000 });
    await group.locator('[data-role="no-members"]').waitFor();
    await group.locator('[data-role="total-lag"]', { hasText: /^total lag 3$/ }).waitFor({ timeout: 15_000 });
    const lagged = await offsets(group);
    assert.deepEqual(
      lagged.map((r) => Number(r[5]) - Number(r[4])),
      lagged.map((r) => Number(r[6])),
    );
    await screenshot('group-empty-offsets-lag');

    // Reset to earliest: preview (current -> 0 per partition), apply, and the inspector shows the new offsets.
    await group.locator('#open-reset').click();
    await dialog.waitFor();
    assert.equal(await dialog.locator('[data-role="reset-refusal"]').count(), 0);
    await choose(group, '#reset-kind', 'earliest');
    await dialog.locator('#reset-preview').click();
    const plan = dialog.locator('[data-role="reset-plan"] tr');
    await eventually('a preview row per partition', async () => (await plan.count()) === PARTITIONS + 1);
    const planned = (await plan.allInnerTexts()).slice(1).map(squash);
    for (const r of lagged) {
      const committed = Number(r[4]);
      assert.ok(planned.includes(`${TOPIC}-${r[1]} ${committed} 0 ${committed === 0 ? '+0' : `-${committed}`}`), `${planned.join(' | ')} has ${TOPIC}-${r[1]}`);
    }
    await screenshot('group-reset-preview');
    await dialog.locator('#reset-apply').click();
    await dialog.locator('[data-role="reset-done"]', { hasText: `Committed new offsets for ${PARTITIONS} partitions of ${TOPIC}.` }).waitFor();
    await dialog.locator('#reset-close').click();
    await eventually('committed offsets 0 and lag = end offset in the inspector', async () => {
      const rows = await offsets(group);
      return rows.length === PARTITIONS && rows.every((r) => r[4] === '0' && r[6] === r[5]);
    });
    const total = lagged.reduce((n, r) => n + Number(r[5]), 0);
    await group.locator('[data-role="total-lag"]', { hasText: `total lag ${total}` }).waitFor();
    const fetched: Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }> = await admin!.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
    assert.deepEqual(
      fetched[0].partitions.map((p) => p.offset),
      Array(PARTITIONS).fill('0'),
    );
    await screenshot('group-reset-applied');
  });

  it('inspects a consumer protocol (KIP-848) group of @platformatic/kafka: its type and epochs, the member at the group\'s epoch', async () => {
    await runCommand(page, 'View: Close All Editor Groups');
    await eventually('no panel open', async () => (await page.locator('.tabs-container .tab').count()) === 0);
    const { Consumer, stringDeserializers } = require('@platformatic/kafka');
    const c = new Consumer({ groupId: GROUP_848, clientId: 'panels-848', bootstrapBrokers: [`127.0.0.1:${wb!.basePort}`], deserializers: stringDeserializers, groupProtocol: 'consumer' });
    try {
      const stream = await c.consume({ topics: [TOPIC], mode: 'earliest', autocommit: true });
      stream.on('data', () => undefined);
      const group = await open('Tributary: Open Group Inspector', `Group: ${GROUP_848}`, 'group', GROUP_848);
      await group.locator('[data-role="group-type"]').waitFor({ timeout: 15_000 });
      assert.equal(await group.locator('[data-role="group-type"]').innerText(), 'consumer protocol (KIP-848)');
      await group.locator('[data-role="state"]', { hasText: /^Stable$/ }).waitFor({ timeout: 15_000 });
      assert.equal(await group.locator('[data-role="epochs"]').innerText(), 'group epoch 1 · assignment epoch 1');
      const row = group.locator('[data-role="members"] tr[data-member="panels-848"]');
      await row.waitFor();
      assert.equal(await row.locator('[data-role="member-epoch"]').innerText(), '1');
      assert.match(squash(await row.innerText()), new RegExp(`${TOPIC} \\[0, 1, 2\\] ${TOPIC} \\[0, 1, 2\\] stable`));
      await screenshot('group-consumer-protocol');
      await stream.close();
    } finally {
      await c.close(true);
    }
  });

  it("finds the Producer panel's record in the Segment inspector: its batch by offset, the batch fields, the record", async () => {
    const { partition, offset } = produced!;
    const seg = await open('Tributary: Open Segment Inspector', `Segments: ${TOPIC}-${partition}`, 'segment', `${TOPIC}-${partition}`);
    await seg.locator('h1', { hasText: `${TOPIC}-${partition}` }).waitFor();
    await seg.locator('[data-role="segments"] button[data-base-offset="0"]').waitFor();
    // The record was sent on its own: a batch of one.
    const batch = seg.locator('[data-role="batch"]', { has: seg.locator('.batch-line', { hasText: `offsets ${offset}–${offset}` }) });
    await batch.waitFor();
    assert.equal(await batch.getAttribute('data-valid'), 'true');
    await batch.locator('.batch-line').click();
    const fields = squash(await batch.locator('[data-role="batch-fields"]').innerText());
    for (const f of [`baseOffset: ${offset}`, `lastOffset: ${offset}`, 'count: 1', 'magic: 2', 'compresscodec: none', 'isvalid: true', 'isControl: false']) {
      assert.ok(fields.includes(f), `${f} in ${fields}`);
    }
    assert.match(fields, /crc: \d+/);
    const rec = batch.locator(`[data-role="records"] tr.rec[data-offset="${offset}"]`);
    assert.match(squash(await rec.innerText()), new RegExp(`^${offset} .* ${KEY.length} ${VALUE.length} -?\\d+ ${HEADER.key} ${KEY} .*panel-1`));
    await rec.click();
    const views = batch.locator('[data-role="records"] trib-value-view pre');
    await eventually('the key and value expanded', async () => (await views.count()) === 2);
    assert.equal(await views.nth(0).innerText(), KEY);
    assert.equal(await views.nth(1).innerText(), VALUE);
    await batch.locator('[data-role="records"] td.mono', { hasText: HEADER.value }).waitFor();
    await screenshot('segment-batch-record');
  });

  it('stops the node leading that partition from the Cluster view: node down, leaders and ISR move, elections live; starts it again', async () => {
    const { partition } = produced!;
    const cluster = await open('Tributary: Open Cluster View', 'Kafka Cluster', 'cluster');
    const rowOf = (p: number) => cluster.locator(`[data-role="matrix"] tr[data-topic="${TOPIC}"][data-partition="${p}"]`);
    /** Per partition of the topic: its leader and the nodes in sync (leader or "in sync" cells). */
    const matrix = async () => {
      const out: Array<{ leader: number; isr: number[]; state: string }> = [];
      for (let p = 0; p < PARTITIONS; p++) {
        const r = rowOf(p);
        const leader = await r.locator('td.cell:has(.leader)').getAttribute('data-node', { timeout: 1000 });
        const isr = await r.locator('td.cell:has(.leader), td.cell:has(.isr)').evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-node'))));
        out.push({ leader: Number(leader), isr: isr.sort(), state: (await r.getAttribute('data-state')) ?? '' });
      }
      return out;
    };
    const before = await eventually('every partition of the topic in sync on 3 nodes', async () => {
      const m = await matrix();
      return m.every((x) => x.state === 'ok' && x.isr.length === 3) ? m : undefined;
    });
    const node = before[partition].leader;
    const card = cluster.locator(`[data-role="node"][data-node="${node}"]`);
    await card.locator('.badge', { hasText: /^up$/ }).waitFor();

    await card.locator('[data-role="stop"]').click();
    await card.locator('.badge', { hasText: /^down$/ }).waitFor({ timeout: 15_000 });
    assert.match((await card.getAttribute('class')) ?? '', /\bdown\b/);
    await cluster.locator('[data-role="matrix"] th.node-col.down', { hasText: `node ${node} (down)` }).waitFor();
    const after = await eventually(`new leaders without node ${node}`, async () => {
      const m = await matrix();
      return m.every((x) => x.leader !== node && x.leader >= 0 && !x.isr.includes(node) && x.state === 'under-replicated') ? m : undefined;
    });
    // Every partition node N led got a new leader, and the elections list says so as they happened; the elections of
    // __consumer_offsets partitions it led are only counted, as the matrix leaves internal topics out.
    for (let p = 0; p < PARTITIONS; p++) {
      if (before[p].leader !== node) continue;
      const e = cluster.locator('[data-role="election"]', { hasText: `${TOPIC}-${p}: node ${node} → node ${after[p].leader}` });
      await e.first().waitFor();
      assert.match(await e.first().innerText(), new RegExp(`node ${node} → node ${after[p].leader} \\(epoch [1-9]\\d*\\) .*node ${node} stopped`));
    }
    assert.equal(await cluster.locator('[data-role="election"]', { hasText: '__consumer_offsets' }).count(), 0);
    await cluster.locator('[data-role="elections-hidden"]').waitFor();
    assert.match(await cluster.locator('[data-role="elections-hidden"]').innerText(), /^\d+ elections? of internal topics not shown/);
    assert.match(squash(await card.innerText()), /leads 0 partitions/);
    assert.match(await rowOf(partition).locator('td.state').innerText(), /^under-replicated \(ISR 2\/3\)$/);
    assert.match(await rowOf(partition).locator(`td.cell[data-node="${node}"]`).innerText(), /^out$/);
    await cluster.locator('[data-role="under-count"]', { hasText: /^[1-9]\d* under-replicated$/ }).waitFor();
    await screenshot('cluster-node-stopped');

    await card.locator('[data-role="start"]').click();
    await card.locator('.badge', { hasText: /^up$/ }).waitFor({ timeout: 15_000 });
    await eventually(
      `node ${node} back in every ISR`,
      async () => {
        const m = await matrix();
        return m.every((x) => x.state === 'ok' && x.isr.includes(node));
      },
      30_000,
    );
    await cluster.locator('[data-role="under-count"]', { hasText: /^0 under-replicated$/ }).waitFor();
    assert.ok(await panelTab(page, 'Kafka Cluster').count());
    await screenshot('cluster-node-started');
  });

  it('opens the Consumer panel on a topic bigger than its default start at the last 100 records of each partition', async () => {
    await runCommand(page, 'View: Close All Editor Groups');
    await eventually('no panel open', async () => (await page.locator('.tabs-container .tab').count()) === 0);
    await admin!.createTopics({ topics: [{ topic: BIG, numPartitions: 2, replicationFactor: 1 }], waitForLeaders: true });
    for (const partition of [0, 1]) {
      const messages = Array.from({ length: BIG_PER_PARTITION }, (_, i) => ({ key: `big-${partition}-${i}`, value: JSON.stringify({ partition, n: i }), partition, headers: { 'x-n': String(i) } }));
      await producer!.send({ topic: BIG, messages });
    }
    const panel = await open('Tributary: Open Consumer (Live Tail)', `Consume: ${BIG}`, 'consumer', BIG);
    await panel.locator('[data-role="status"]', { hasText: /^running$/ }).waitFor();
    await panel.locator('[data-role="counts"]', { hasText: /^\s*200 records\s*$/ }).waitFor();
    assert.equal(await panel.locator('#start-kind').evaluate((e) => (e as HTMLSelectElement).value), 'lastN');
    assert.equal(await panel.locator('#last-n input').inputValue(), '100');
    await panel.locator('trib-record-list .viewport').evaluate((el) => (el.scrollTop = 0));
    const first = panel.locator('trib-record-list .row[data-row="0"]');
    await first.waitFor();
    assert.equal(await first.getAttribute('data-offset'), String(BIG_PER_PARTITION - 100), 'the oldest row shown is the 100th from the end');
    assert.equal(await first.locator('[data-role="row-headers"]').innerText(), `x-n: ${BIG_PER_PARTITION - 100}`);
    await first.click();
    await panel.locator('[data-role="details"] h2', { hasText: `offset ${BIG_PER_PARTITION - 100}` }).waitFor();
    await screenshot('consumer-last-n-per-partition');
  });

  it("edits the Producer panel's value in a real editor: typed there, shown in the panel, until the editor closes", async () => {
    await runCommand(page, 'View: Close All Editor Groups');
    await eventually('no panel open', async () => (await page.locator('.tabs-container .tab').count()) === 0);
    const panel = await open('Tributary: Open Producer', `Produce: ${BIG}`, 'producer', BIG);
    await fillText(panel, '#value', '{"n": {{seq}}}');
    await panel.locator('#edit-in-editor').click();
    await panel.locator('[data-role="linked"]', { hasText: /Editing in Untitled-\d+/ }).waitFor({ timeout: 15_000 });
    // The untitled editor beside the panel, in JSON mode, holds the value; what is typed there comes back.
    const editor = page.locator('.editor-group-container.active .monaco-editor').first();
    await editor.locator('.view-lines', { hasText: '{"n": {{seq}}}' }).waitFor({ timeout: 15_000 });
    await page.locator('.statusbar-item', { hasText: /^JSON$/ }).first().waitFor();
    await editor.locator('.view-lines').click();
    await page.keyboard.press('Control+A');
    // Digits only: the editor would close brackets and quotes by itself as they are typed.
    await page.keyboard.type('4217');
    const typed = '4217';
    await eventually('the panel to show what was typed', async () => (await panel.locator('#value textarea').inputValue()) === typed);
    await panel.locator('[data-role="preview"]', { hasText: typed }).waitFor();
    assert.equal(await panel.locator('#value [data-role="json-error"]').count(), 0);
    await screenshot('producer-edit-in-editor');
    // Closed without saving: the panel edits its value again.
    await runCommand(page, 'View: Revert and Close Editor');
    await panel.locator('[data-role="linked"]').waitFor({ state: 'detached', timeout: 15_000 });
    assert.equal(await panel.locator('#value textarea').getAttribute('readonly'), null);
    assert.equal(await panel.locator('#value textarea').inputValue(), typed);
  });
});

interface KafkaAdmin {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  createTopics(o: unknown): Promise<boolean>;
  fetchOffsets(o: unknown): Promise<Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }>>;
}
interface KafkaProducer {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  send(o: { topic: string; messages: Array<{ key: string; value: string; partition?: number; headers?: Record<string, string> }> }): Promise<unknown>;
}
interface KafkaConsumer {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  subscribe(o: unknown): Promise<void>;
  run(o: unknown): Promise<void>;
  commitOffsets(o: Array<{ topic: string; partition: number; offset: string }>): Promise<void>;
}
