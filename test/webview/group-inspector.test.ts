/**
 * The group inspector in Chromium under the production CSP: members, the partition map (partition -> member),
 * committed offsets and lag with bars, live refresh, the rebalance timeline from the journal, and the reset
 * dialog: a preview from the host's planReset, a clear refusal while the group has members, a commit when empty.
 */
import * as assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { ResetParams } from '../../src/shared/webview-protocol';
import { GROUP_ACTIVE, GROUP_CONSUMER, JOURNAL, JOURNAL_CONSUMER } from './fixtures/canned';
import { chromiumAvailable, choose, fillText, launchChromium, openPanel, pageProblems, screenshot, sentMessages, settle, startServer, TestServer } from './harness';

async function barWidth(page: Page, topic: string, partition: number): Promise<number> {
  const box = await page.locator(`[data-role="offsets"] tr[data-topic="${topic}"][data-partition="${partition}"] [data-role="lag-bar"]`).boundingBox();
  return box?.width ?? 0;
}

describe('webview: group inspector (Chromium)', function () {
  this.timeout(60_000);
  let browser: Browser | undefined;
  let server: TestServer | undefined;

  before(async function () {
    if (!chromiumAvailable()) return this.skip();
    server = await startServer();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('renders members, the partition map and lag bars, and refreshes live', async () => {
    const p = await openPanel(browser!, server!, 'group');
    const { page } = p;
    await page.locator('[data-role="members"]').waitFor();
    assert.equal(await page.locator('[data-role="members"] tr').count(), 3);
    assert.equal(await page.locator('[data-role="state"]').innerText(), 'Stable');
    const owners = await page
      .locator('[data-role="partition-map"] .cell')
      .evaluateAll((els) => els.map((e) => `${e.closest('[data-topic]')!.getAttribute('data-topic')}-${e.getAttribute('data-partition')}=${e.getAttribute('data-owner') ?? 'none'}`));
    assert.deepEqual(owners, ['orders-0=billing-1', 'orders-1=billing-1', 'orders-2=billing-2', 'payments-0=billing-1', 'payments-1=billing-2']);
    // The two members have different colours.
    const colours = await page.locator('[data-role="partition-map"] .cell').evaluateAll((els) => els.map((e) => getComputedStyle(e).backgroundColor));
    assert.equal(colours[0], colours[1]);
    assert.notEqual(colours[0], colours[2]);

    assert.equal(await page.locator('tr[data-topic="orders"][data-partition="1"] [data-role="lag"]').innerText(), '200');
    // Nothing committed: "none", never a caught-up look; the lag counts from the log start and says so (hatched bar).
    assert.equal(await page.locator('tr[data-topic="payments"][data-partition="1"] [data-role="uncommitted"]').innerText(), 'none');
    assert.equal(await page.locator('tr[data-topic="payments"][data-partition="1"] [data-role="lag"]').innerText(), '77 from log start');
    assert.match(await page.locator('[data-role="total-lag"]').innerText(), /^total lag 337 \(1 partition without a committed offset, counted from the log start\)$/);
    const max = await barWidth(page, 'orders', 1);
    assert.ok(max > 100, `the largest lag fills its track (${max}px)`);
    assert.ok(Math.abs((await barWidth(page, 'orders', 0)) / max - 0.25) < 0.03, 'lag 50 of 200 is a quarter bar');
    assert.ok((await barWidth(page, 'orders', 2)) <= 3, 'lag 0 is a sliver');
    assert.ok(Math.abs((await barWidth(page, 'payments', 1)) / max - 77 / 200) < 0.03, 'nothing committed: the lag from the log start');
    assert.match((await page.locator('tr[data-topic="payments"][data-partition="1"] [data-role="lag-bar"]').getAttribute('class')) ?? '', /estimated/);

    // The host pushes a new description: lag grows on orders-0.
    const next = { ...GROUP_ACTIVE, offsets: GROUP_ACTIVE.offsets.map((o) => (o.topic === 'orders' && o.partition === 0 ? { ...o, endOffset: 1600, lag: 400 } : o)), totalLag: 610 };
    await page.evaluate((d) => window.__fakeHost.notify('group/didChange', { description: d, at: Date.now() }), next);
    await page.locator('[data-role="total-lag"]').getByText('total lag 610').waitFor();
    assert.equal(await page.locator('tr[data-topic="orders"][data-partition="0"] [data-role="lag"]').innerText(), '400');
    assert.ok((await barWidth(page, 'orders', 0)) > (await barWidth(page, 'orders', 1)));
    assert.deepEqual(await pageProblems(p), []);
    await page.close();
  });

  it('a consumer protocol group (KIP-848): epochs, each member\'s target, what it gives up and waits for, the reconciliation steps', async () => {
    const p = await openPanel(browser!, server!, 'group');
    const { page } = p;
    await page.locator('[data-role="members"]').waitFor();
    await page.evaluate((d) => window.__fakeHost.notify('group/didChange', { description: d, at: Date.now() }), GROUP_CONSUMER);
    await page.evaluate((records) => window.__fakeHost.notify('group/journal/didChange', { groupId: 'billing', records }), JOURNAL_CONSUMER);
    await page.locator('[data-role="group-type"]').waitFor();
    assert.equal(await page.locator('[data-role="group-type"]').innerText(), 'consumer protocol (KIP-848)');
    assert.equal(await page.locator('[data-role="epochs"]').innerText(), 'group epoch 7 · assignment epoch 7');
    assert.equal(await page.locator('[data-role="state"]').innerText(), 'Reconciling');
    const row = (client: string) => page.locator(`[data-role="members"] tr[data-member="${client}"]`);
    assert.equal(await row('billing-1').locator('[data-role="member-epoch"]').innerText(), '6');
    assert.match(await row('billing-1').locator('[data-role="member-epoch"]').getAttribute('title') ?? '', /assignment epoch is 7/);
    const r1 = await row('billing-1').locator('[data-role="reconciliation"]').innerText();
    assert.match(r1, /revoking\s+orders \[1\]/);
    assert.match(r1, /subscribes orders · rack eu-1a/);
    // billing-1 is a classic consumer inside the consumer group (an upgraded group); billing-3 speaks the new protocol.
    assert.equal(await row('billing-1').locator('[data-role="classic-member"]').innerText(), 'classic');
    assert.equal(await row('billing-3').locator('[data-role="classic-member"]').count(), 0);
    const r3 = await row('billing-3').locator('[data-role="reconciliation"]').innerText();
    assert.match(r3, /to receive\s+orders \[1\]/);
    assert.match(r3, /subscribes — \+ \/orders\|payments\/ · asks for uniform/);
    assert.match(await row('billing-3').innerText(), /orders \[1, 2\]/, 'its target');
    // The partition being given up is still billing-1's, on its way to billing-3.
    const cell = page.locator('[data-role="partition-map"] .cell[data-partition="1"]');
    assert.equal(await cell.getAttribute('data-owner'), 'billing-1');
    assert.match(await cell.innerText(), /billing-1 → billing-3/);
    const entry = page.locator('[data-role="rebalance"]').first();
    await entry.locator('[data-role="steps"]').waitFor();
    assert.match(await entry.innerText(), /group epoch 6 → 7/);
    assert.deepEqual(await entry.locator('[data-role="steps"] li').allInnerTexts(), ['+4 ms: billing-1 is asked to give up orders [1] (epoch 6)', '+6 ms: billing-3 waits for orders [1] (epoch 7)']);
    await screenshot(page, 'group-consumer-protocol-dark');
    assert.deepEqual(await pageProblems(p), []);
    await page.close();
  });

  it('shows the rebalance timeline: trigger, generations, duration, who moved where', async () => {
    const { page } = await openPanel(browser!, server!, 'group');
    const entries = page.locator('[data-role="rebalance"]');
    await entries.first().waitFor();
    assert.equal(await entries.count(), 3);
    const newest = await entries.nth(0).innerText();
    assert.match(newest, /session timeout/);
    assert.match(newest, /generation 2 → 4/);
    assert.match(newest, /took 45\.0 s/);
    assert.match(newest, /Removed: billing-3 \(no heartbeat within its session timeout\)/);
    // What the coordinator waited for, and what ended the wait.
    assert.match(newest, /Waited 45\.0 s for billing-static-2 to rejoin; it did not, and the rebalance timeout \(45\.0 s, the largest max\.poll\.interval\.ms of the members\) ended the wait\./);
    assert.match(await entries.nth(1).innerText(), /Every member rejoined after 450 ms\./);
    assert.match(await entries.nth(2).innerText(), /A new group: waited group\.initial\.rebalance\.delay\.ms \(3\.00 s\) for more members to join\./);
    assert.match(newest, /No partition moved/);
    const second = entries.nth(1);
    assert.match(await second.innerText(), /member joined by billing-2 \(billing-static-2\)/);
    assert.match(await second.innerText(), /Reason given: need to re-join/);
    const moves = await second.locator('[data-role="moves"] tr').allInnerTexts();
    assert.deepEqual(
      moves.slice(1).map((t) => t.split('\t').map((x) => x.trim())),
      [
        ['orders-2', 'billing-1 billing-1-5b0d', 'billing-static-2'],
        ['payments-1', 'billing-1 billing-1-5b0d', 'billing-static-2'],
      ],
    );
    assert.match(await entries.nth(2).innerText(), /generation 0 → 1 · .* took 3\.02 s/);
    // The last member leaves: nobody to wait for, and the timeline says so rather than "every member rejoined".
    const left = { ...JOURNAL[2], fromGeneration: 4, toGeneration: 5, trigger: 'member left', removed: [{ memberId: 'billing-1-5b0d', clientId: 'billing-1', why: 'member left' }], after: [], outcome: 'empty', joinPhase: { endedBy: 'all members rejoined', afterMs: 0, limitMs: 45_000, notRejoined: [] } };
    await page.evaluate((records) => window.__fakeHost.notify('group/journal/didChange', { groupId: 'billing', records }), [...JOURNAL, left]);
    await page.waitForFunction(() => document.querySelector('tributary-group-inspector')?.shadowRoot?.querySelectorAll('[data-role="rebalance"]').length === 4);
    assert.match(await entries.nth(0).innerText(), /No member was left to wait for: the group is empty\./);
    assert.match(await entries.nth(0).innerText(), /Removed: billing-1 \(it left the group: LeaveGroup\)/);
    await page.close();
  });

  it('previews a reset but refuses to apply it while the group has members', async () => {
    const p = await openPanel(browser!, server!, 'group');
    const { page } = p;
    await page.locator('#open-reset').click();
    const refusal = page.locator('[data-role="reset-refusal"]');
    await refusal.waitFor();
    assert.match(await refusal.innerText(), /Offsets can only be reset while the group is inactive: 'billing' has 2 members \(state Stable\)/);
    await page.locator('#reset-preview').click();
    await page.locator('[data-role="reset-plan"]').waitFor();
    const [plan] = await sentMessages<ResetParams>(page, 'group/planReset');
    assert.deepEqual(plan.params, { groupId: 'billing', topic: 'orders', target: { kind: 'earliest' } });
    const rows = await page.locator('[data-role="reset-plan"] tr').allInnerTexts();
    assert.deepEqual(rows.slice(1).map((r) => r.split('\t').map((x) => x.trim())), [
      ['orders-0', '1,200', '0', '-1,200'],
      ['orders-1', '980', '0', '-980'],
      ['orders-2', '1,310', '100', '-1,210'],
    ]);
    assert.equal(await page.locator('#reset-apply').getAttribute('disabled'), '');
    await page.locator('#reset-apply').click({ force: true });
    await settle(page);
    assert.equal((await sentMessages(page, 'group/resetOffsets')).length, 0, 'nothing is committed');
    assert.deepEqual(await pageProblems(p), []);
    await screenshot(page, 'group-reset-refused-dark');
    await page.close();
  });

  it('commits a reset of an empty group, and shows the broker refusing when a member joined meanwhile', async () => {
    const { page } = await openPanel(browser!, server!, 'group', { query: { scenario: 'empty-group' } });
    await page.locator('[data-role="no-members"]').waitFor();
    await page.locator('#open-reset').click();
    assert.equal(await page.locator('[data-role="reset-refusal"]').count(), 0);
    await choose(page, '#reset-kind', 'shift');
    await fillText(page, '#reset-value', '-100');
    await fillText(page, '#reset-partitions', '0, 2');
    await page.locator('#reset-preview').click();
    await page.locator('[data-role="reset-plan"]').waitFor();
    await page.locator('#reset-apply').click();
    await page.locator('[data-role="reset-done"]').getByText('Committed new offsets for 2 partitions of orders.').waitFor();
    const [reset] = await sentMessages<ResetParams>(page, 'group/resetOffsets');
    assert.deepEqual(reset.params, { groupId: 'billing', topic: 'orders', target: { kind: 'shift', by: -100 }, partitions: [0, 2] });
    assert.equal((await sentMessages(page, 'group/refresh')).length, 1);

    await page.evaluate(() => {
      window.__fakeHost.responders['group/resetOffsets'] = () => {
        throw Object.assign(new Error("Assignments can only be reset if the group 'billing' is inactive, but the current state is PreparingRebalance."), { code: 'NON_EMPTY_GROUP' });
      };
    });
    await page.locator('#reset-apply').click();
    await page.locator('[data-role="reset-error"]').getByText('Refused by the broker: Assignments can only be reset').waitFor();
    await page.close();
  });

  for (const theme of ['light', 'dark', 'hc'] as const) {
    it(`renders in the ${theme} theme (screenshot)`, async () => {
      const p = await openPanel(browser!, server!, 'group', { theme, width: 1100, height: 1500 });
      await p.page.locator('[data-role="timeline"]').waitFor();
      await settle(p.page);
      await screenshot(p.page, `group-${theme}`);
      assert.deepEqual(await pageProblems(p), []);
      await p.page.close();
    });
  }
});
