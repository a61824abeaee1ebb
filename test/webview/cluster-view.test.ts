/**
 * The cluster view in Chromium under the production CSP: nodes, the partition × node matrix of leaders and
 * ISR, under-replicated and offline partitions highlighted, the fault buttons sending their requests (and a
 * host failure shown), and elections pushed by the host appearing live.
 */
import * as assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { CLUSTER } from './fixtures/canned';
import { chromiumAvailable, choose, fillText, launchChromium, openPanel, pageProblems, screenshot, sentMessages, settle, startServer, TestServer } from './harness';

async function matrix(page: Page): Promise<string[][]> {
  return page.locator('[data-role="matrix"] tr[data-topic]').evaluateAll((trs) =>
    trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => (td.textContent ?? '').replace(/\s+/g, ' ').trim())),
  );
}

describe('webview: cluster view (Chromium)', function () {
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

  it('renders the partition × node matrix with under-replicated and offline partitions highlighted', async () => {
    const p = await openPanel(browser!, server!, 'cluster');
    const { page } = p;
    await page.locator('[data-role="matrix"]').waitFor();
    assert.deepEqual(await matrix(page), [
      ['audit-0', '0', 'leader', '·', '·', 'ok'],
      ['orders-0', '3', 'leader', 'in sync', 'out', 'under-replicated (ISR 2/3)'],
      ['orders-1', '2', 'in sync', 'leader', 'out', 'under-replicated (ISR 2/3)'],
      ['orders-2', '5', 'leader', 'in sync', 'out', 'under-replicated (ISR 2/3)'],
      ['payments-0', '1', 'in sync', 'leader', '·', 'ok'],
      ['payments-1', '4', '·', '·', 'out', 'offline'],
    ]);
    assert.equal(await page.locator('[data-role="under-count"]').innerText(), '3 under-replicated');
    assert.equal(await page.locator('[data-role="offline-count"]').innerText(), '1 offline');
    const bg = (sel: string) => page.locator(sel).first().evaluate((e) => getComputedStyle(e).backgroundColor);
    const [ok, under, off] = await Promise.all([bg('tr[data-state="ok"] td'), bg('tr[data-state="under-replicated"] td'), bg('tr[data-state="offline"] td')]);
    assert.notEqual(under, ok);
    assert.notEqual(off, ok);
    assert.notEqual(off, under);
    // Only problems; internal topics.
    await page.locator('#only-problems').click();
    assert.equal(await page.locator('[data-role="matrix"] tr[data-topic]').count(), 4);
    await page.locator('#show-internal').click();
    await page.locator('[data-role="matrix"] tr[data-topic="__consumer_offsets"]').waitFor();
    assert.equal(await page.locator('[data-role="node"][data-node="2"] .badge.error').innerText(), 'down');
    assert.deepEqual(await pageProblems(p), []);
    await page.close();
  });

  it('sends stop/start node, slow follower and cut link requests, and shows a failure', async () => {
    const p = await openPanel(browser!, server!, 'cluster');
    const { page } = p;
    await page.locator('[data-role="node"][data-node="0"] [data-role="stop"]').click();
    await page.locator('[data-role="node"][data-node="2"] [data-role="start"]').click();
    await fillText(page, '[data-role="node"][data-node="1"] [data-role="slow-ms"]', '750');
    await page.locator('[data-role="node"][data-node="1"] [data-role="slow"]').click();
    await choose(page, '[data-role="node"][data-node="0"] [data-role="cut-target"]', '2');
    await page.locator('[data-role="node"][data-node="0"] [data-role="cut"]').click();
    await page.waitForFunction(() => window.__fakeHost.sent.some((m) => m.method === 'cluster/cutLink'));
    assert.deepEqual((await sentMessages(page, 'cluster/stopNode')).map((m) => m.params), [{ nodeId: 0 }]);
    assert.deepEqual((await sentMessages(page, 'cluster/startNode')).map((m) => m.params), [{ nodeId: 2 }]);
    assert.deepEqual((await sentMessages(page, 'cluster/slowFollower')).map((m) => m.params), [{ nodeId: 1, delayMs: 750 }]);
    assert.deepEqual((await sentMessages(page, 'cluster/cutLink')).map((m) => m.params), [{ from: 0, to: 2, cut: true }]);

    await page.evaluate(() => {
      window.__fakeHost.responders['cluster/stopNode'] = () => {
        throw new Error('node 1 is the last node holding payments-0 in sync');
      };
    });
    await page.locator('[data-role="node"][data-node="1"] [data-role="stop"]').click();
    await page.locator('[data-role="node"][data-node="1"] [data-role="node-error"]').getByText('last node holding payments-0').waitFor();
    assert.deepEqual(await pageProblems(p), []);
    await page.close();
  });

  it('a down node keeps its address, its fault controls are disabled; the broker\'s election history replaces the list; preferred leader election reports its outcome', async () => {
    const { page } = await openPanel(browser!, server!, 'cluster');
    const down = page.locator('[data-role="node"][data-node="2"]');
    await down.waitFor();
    assert.match(await down.locator('[data-role="address"]').innerText(), /^127\.0\.0\.1:\d+ \(not listening\)$/);
    for (const role of ['slow', 'cut']) assert.equal(await down.locator(`[data-role="${role}"]`).getAttribute('disabled'), '', `${role} disabled on a down node`);
    assert.equal(await down.locator('[data-role="slow"]').getAttribute('title'), 'Node 2 is down: start it first');
    assert.equal(await page.locator('[data-role="node"][data-node="1"] [data-role="slow"]').getAttribute('disabled'), null);
    await page.locator('[data-role="no-elections"]', { hasText: 'No election since the broker started.' }).waitFor();

    // The history the host sends when the view opens replaces the list (newest first).
    await page.evaluate(() =>
      window.__fakeHost.notify('cluster/didElect', {
        history: true,
        events: [
          { at: Date.now() - 60_000, topic: 'orders', partition: 1, previousLeader: -1, newLeader: 0, leaderEpoch: 0, reason: 'topic created' },
          { at: Date.now() - 30_000, topic: 'orders', partition: 1, previousLeader: 0, newLeader: 2, leaderEpoch: 1, reason: 'node 0 stopped' },
        ],
      }),
    );
    await page.locator('[data-role="election"]').nth(1).waitFor();
    assert.deepEqual(
      (await page.locator('[data-role="election"]').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim().replace(/^.*?(?=orders-)/, '')),
      ['orders-1: node 0 → node 2 (epoch 1) node 0 stopped', 'orders-1: no leader → node 0 (epoch 0) topic created'],
    );

    await page.evaluate(() => {
      window.__fakeHost.responders['cluster/electPreferred'] = () => ({ elected: 2, notNeeded: 5, failed: [{ topic: 'payments', partition: 1, error: 'PREFERRED_LEADER_NOT_AVAILABLE' }] });
    });
    await page.locator('[data-role="elect-preferred"]').click();
    await page.locator('[data-role="election-outcome"]').waitFor();
    assert.equal(await page.locator('[data-role="election-outcome"]').innerText(), '2 partitions moved to their preferred leader; 5 already had theirs; 1 could not (1 PREFERRED_LEADER_NOT_AVAILABLE).');
    assert.deepEqual((await sentMessages(page, 'cluster/electPreferred')).map((m) => m.params), [{}]);
    await settle(page);
    await screenshot(page, 'cluster-history-preferred-dark');
    await page.close();
  });

  it('shows elections as the host pushes them and follows the new cluster state', async () => {
    const { page } = await openPanel(browser!, server!, 'cluster');
    await page.locator('[data-role="matrix"]').waitFor();
    await page.evaluate(() =>
      window.__fakeHost.notify('cluster/didElect', {
        events: [{ at: Date.now(), topic: 'orders', partition: 0, previousLeader: 0, newLeader: 1, leaderEpoch: 4, reason: 'node 0 stopped' }],
      }),
    );
    await page.locator('[data-role="election"]').getByText('orders-0: node 0 → node 1 (epoch 4)').waitFor();
    const row = page.locator('[data-role="matrix"] tr[data-topic="orders"][data-partition="0"]');
    assert.equal((await row.locator('td[data-node="1"]').innerText()).trim(), 'leader');
    assert.match((await row.locator('td[data-node="1"]').getAttribute('class')) ?? '', /flash/);
    // The host's next view: node 0 down, orders-0 led by 1, payments-1 still offline.
    const view = {
      ...CLUSTER,
      controllerId: 1,
      nodes: CLUSTER.nodes.map((n) => (n.id === 0 ? { ...n, up: false, isController: false } : n.id === 1 ? { ...n, isController: true } : n)),
      partitions: CLUSTER.partitions.map((x) => (x.topic === 'orders' && x.partition === 0 ? { ...x, leader: 1, leaderEpoch: 4, isr: [1] } : x)),
    };
    await page.evaluate((v) => window.__fakeHost.notify('cluster/didChange', { view: v }), view);
    await page.locator('[data-role="node"][data-node="0"].down').waitFor();
    await page.evaluate(() =>
      window.__fakeHost.notify('cluster/didElect', {
        events: [{ at: Date.now(), topic: 'audit', partition: 0, previousLeader: 0, newLeader: -1, leaderEpoch: 1, reason: 'no replica in sync' }],
      }),
    );
    await page.locator('[data-role="election"]').first().getByText('audit-0: node 0 → offline').waitFor();
    await page.locator('tr[data-topic="audit"][data-state="offline"]').waitFor();
    assert.equal(await page.locator('[data-role="election"]').count(), 2);
    await settle(page);
    await screenshot(page, 'cluster-elections-dark');
    await page.close();
  });

  for (const theme of ['light', 'dark', 'hc'] as const) {
    it(`renders in the ${theme} theme (screenshot)`, async () => {
      const p = await openPanel(browser!, server!, 'cluster', { theme, width: 1100, height: 900 });
      await p.page.locator('[data-role="matrix"]').waitFor();
      await settle(p.page);
      await screenshot(p.page, `cluster-${theme}`);
      assert.deepEqual(await pageProblems(p), []);
      await p.page.close();
    });
  }
});
