/**
 * The consumer panel in Chromium under the production CSP: it renders records the host pushes, filters them by
 * partition and by text or regex over key/value/headers (an invalid regex is an error message, not a crash),
 * shows values as text, pretty JSON or hex, keeps 100,000 records in a virtualized list (bounded DOM, later rows
 * reachable by scrolling, the oldest dropped past the ring's capacity), renders hostile keys/values as text, and
 * sends the host the subscribe / copy / open-in-editor / re-produce messages.
 */
import * as assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { OpenValueCommand, ReproduceRequest, SubscribeParams, IpcParamsOf } from '../../src/shared/webview-protocol';
import { orderRecord, textBytes } from './fixtures/canned';
import { chromiumAvailable, choose, fillText, launchChromium, openPanel, pageProblems, PanelPage, screenshot, sentMessages, settle, startServer, TestServer } from './harness';

// The list recycles a fixed pool of row slots (unused ones hidden), so DOM order is not screen order: rows are
// picked by their index in the list (data-row), as a user sees them.
const rows = (page: Page) => page.locator('trib-record-list .row:not([hidden])');
async function rowIndexes(page: Page): Promise<number[]> {
  return (await rows(page).evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-row'))))).sort((a, b) => a - b);
}
/** The n-th row on screen (negative: from the bottom). */
async function row(page: Page, n: number) {
  const all = await rowIndexes(page);
  return page.locator(`trib-record-list .row[data-row="${all.at(n)}"]`);
}

async function start(page: Page): Promise<void> {
  await page.locator('#start').click();
  await page.waitForFunction(() => window.__fakeHost.delivered.some((m) => m.method === 'consumer/subscribe/completion'));
  await settle(page);
}

async function push(page: Page, count: number, chunk = 5000, from = 0): Promise<void> {
  await page.evaluate(([n, c, s]) => window.__fakeHost.pushOrders(n, c, s), [count, chunk, from] as const);
  await settle(page);
}

async function counts(page: Page): Promise<string> {
  return (await page.locator('[data-role="counts"]').innerText()).trim();
}

function expectedMatches(n: number, pred: (i: number) => boolean): number {
  let c = 0;
  for (let i = 0; i < n; i++) if (pred(i)) c++;
  return c;
}

describe('webview: consumer panel (Chromium)', function () {
  this.timeout(120_000);
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

  it('subscribes from the chosen start and renders pushed records; stale subscriptions are ignored', async () => {
    const p = await openPanel(browser!, server!, 'consumer');
    const { page } = p;
    await choose(page, '#start-kind', 'offset');
    await fillText(page, '#start-value', '42');
    await start(page);
    const [sub] = await sentMessages<SubscribeParams>(page, 'consumer/subscribe');
    assert.deepEqual(sub.params, { topic: 'orders', start: { kind: 'offset', offset: 42 }, partitions: null });
    // Records of an older subscription (id 0) arrive late: dropped.
    await page.evaluate(() => window.__fakeHost.notify('consumer/records', { subscriptionId: 0, records: [window.__fakeHost.canned.orderRecord(500)] }));
    await push(page, 30);
    assert.equal(await counts(page), '30 records');
    assert.equal(await rows(page).count(), 30);
    const first = await row(page, 0);
    assert.equal(await first.getAttribute('data-offset'), '0');
    assert.match(await first.innerText(), /customer-0/);
    assert.match(await first.innerText(), /"orderId":0/);
    assert.equal(await page.locator('[data-role="status"]').innerText(), 'running');
    assert.deepEqual(await pageProblems(p), []);
    await page.close();
  });

  it('shows the selected record in detail: text, pretty JSON and hex, headers, size', async () => {
    const { page } = await openPanel(browser!, server!, 'consumer');
    await start(page);
    await push(page, 10);
    await (await row(page, 4)).click();
    const details = page.locator('[data-role="details"]');
    await details.getByText('Partition 1 · offset 1').waitFor();
    assert.match(await details.locator('[data-role="headers"]').innerText(), /trace-id\s+trace-4/);
    const value = details.locator('trib-value-view[data-role="value"] .box');
    assert.equal((await value.innerText()).trim(), orderRecord(4).value!.text);
    await choose(page, '#format', 'json');
    await settle(page);
    const pretty = await value.innerText();
    assert.match(pretty, /\n\s+"orderId": 4,\n/);
    assert.ok(await value.locator('.json-key').count() > 0, 'JSON keys are coloured');
    await choose(page, '#format', 'hex');
    await settle(page);
    const hex = await value.innerText();
    assert.match(hex, /00000000\s+7b 22 6f 72 64 65 72 49\s+64 22 3a 34 2c 22 63 75/); // {"orderId":4,"cu
    assert.match(await (await row(page, 0)).innerText(), /7b 22 6f 72/, 'the list previews hex too');
    await page.close();
  });

  it('filters by partition, by text and by regex; an invalid regex is reported and changes nothing', async () => {
    const p = await openPanel(browser!, server!, 'consumer');
    const { page } = p;
    await start(page);
    const N = 3000;
    await push(page, N, 1000);
    assert.equal(await counts(page), '3,000 records');

    await fillText(page, '#search', 'CUSTOMER-5');
    const text = expectedMatches(N, (i) => `customer-${i % 97}`.includes('customer-5'));
    await page.locator('[data-role="counts"]').getByText(`${text.toLocaleString('en-US')} of 3,000 records match`).waitFor();

    await page.locator('#regex').click();
    await fillText(page, '#search', '^customer-(1|2)$');
    await choose(page, '#scope', 'key');
    const re = expectedMatches(N, (i) => /^customer-(1|2)$/.test(`customer-${i % 97}`));
    await page.locator('[data-role="counts"]').getByText(`${re} of 3,000 records match`).waitFor();
    for (const t of await rows(page).allInnerTexts()) assert.match(t, /customer-(1|2)\s/);

    await fillText(page, '#search', 'customer-(1|2');
    await page.locator('[data-role="filter-error"]').getByText('Invalid regular expression').waitFor();
    assert.equal(await counts(page), `${re} of 3,000 records match`, 'the last valid filter stays');
    await fillText(page, '#search', 'trace-(a|b)');
    await choose(page, '#scope', 'headers');
    await page.locator('[data-role="filter-error"]').waitFor({ state: 'detached' });
    const hdr = expectedMatches(N, (i) => /trace-(a|b)/i.test(`trace-${i.toString(16)}`));
    await page.locator('[data-role="counts"]').getByText(`${hdr.toLocaleString('en-US')} of 3,000 records match`).waitFor();

    await fillText(page, '#search', '');
    await choose(page, '#partition', '1');
    await page.locator('[data-role="counts"]').getByText('1,000 of 3,000 records match').waitFor();
    for (const v of await rows(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-partition')))) assert.equal(v, '1');
    // New records go through the filter as they arrive.
    await push(page, 3, 3, N);
    await page.locator('[data-role="counts"]').getByText('1,001 of 3,003 records match').waitFor();
    assert.deepEqual(await pageProblems(p), []);
    await page.close();
  });

  it('virtualizes 100,000 records: bounded DOM, scrolling reaches every row, the ring drops the oldest', async () => {
    const p = await openPanel(browser!, server!, 'consumer', { height: 700 });
    const { page } = p;
    await start(page);
    await push(page, 100_000);
    assert.equal(await counts(page), '100,000 records');
    const domRows = await rows(page).count();
    assert.ok(domRows > 10 && domRows < 120, `${domRows} rows in the DOM`);
    // Following the tail: the newest record (i = 99,999: partition 0, offset 33,333) is in view.
    assert.equal(await (await row(page, -1)).getAttribute('data-offset'), '33333');
    // Scroll to the middle: row 50,000 is record i = 50,000 (partition 2, offset 16,666).
    await page.locator('trib-record-list .viewport').evaluate((el) => (el.scrollTop = 50_000 * 22));
    await settle(page);
    const mid = await rows(page).evaluateAll((els) => els.map((e) => `${e.getAttribute('data-partition')}/${e.getAttribute('data-offset')}`));
    assert.ok(mid.includes('2/16666'), `row 50,000 rendered: ${mid.slice(0, 3)}…`);
    assert.ok((await rows(page).count()) < 120);
    // 20,000 more: the ring keeps 100,000, the oldest 20,000 go.
    await push(page, 20_000, 5000, 100_000);
    await page.locator('[data-role="counts"]').getByText('100,000 records · the oldest 20,000 were dropped').waitFor();
    await page.locator('trib-record-list .viewport').evaluate((el) => (el.scrollTop = 0));
    await settle(page);
    const top = await row(page, 0);
    assert.equal(`${await top.getAttribute('data-partition')}/${await top.getAttribute('data-offset')}`, `${20_000 % 3}/${Math.floor(20_000 / 3)}`);
    assert.deepEqual(await pageProblems(p), []);
    await page.close();
  });

  for (const csp of [true, false]) {
    it(`renders HTML in keys, values and headers as text, never markup (${csp ? 'with' : 'without'} the CSP)`, async () => {
      const p: PanelPage = await openPanel(browser!, server!, 'consumer', { csp });
      const { page } = p;
      await start(page);
      await page.evaluate(() => window.__fakeHost.pushXss());
      await settle(page);
      await page.waitForTimeout(100);
      assert.equal(await page.evaluate(() => window.__xss), undefined, 'no handler ran');
      assert.equal(await page.locator('img').count(), 0, 'no <img> element was created');
      const first = await row(page, 0);
      assert.match(await first.innerText(), /<img src=x onerror="window.__xss=1">/);
      assert.match(await first.innerText(), /<script>window.__xss=2<\/script>/);
      await first.click();
      for (const fmt of ['text', 'json', 'hex']) {
        await choose(page, '#format', fmt);
        await settle(page);
      }
      await choose(page, '#format', 'text');
      await page.locator('[data-role="details"]').getByText('<img src=x onerror="window.__xss=1">').waitFor();
      await page.locator('[data-role="headers"]').getByText('<svg onload="window.__xss=4">').waitFor();
      await page.waitForTimeout(200);
      assert.equal(await page.evaluate(() => window.__xss), undefined);
      // Playwright's CSS engine pierces shadow roots: no element came from the record's text.
      assert.equal(await page.locator('img').count(), 0);
      assert.equal(await page.locator('tributary-consumer script').count(), 0);
      assert.equal(await page.locator('svg[onload], b[onmouseover]').count(), 0);
      if (csp) assert.deepEqual(await pageProblems(p), []);
      await page.close();
    });
  }

  it('copies, opens the whole value in an editor, and re-produces to another topic', async () => {
    const { page } = await openPanel(browser!, server!, 'consumer');
    await start(page);
    const big = { ...orderRecord(7), value: textBytes('x'.repeat(300_000), 1024) };
    await page.evaluate((r) => window.__fakeHost.notify('consumer/records', { subscriptionId: window.__fakeHost.subscriptionId, records: [r] }), big);
    await settle(page);
    await (await row(page, 0)).click();
    await page.locator('[data-role="truncated"]').getByText('showing the first 1.0 KB of 293 KB').waitFor();
    await page.locator('#open-whole').click();
    const [open] = await sentMessages<IpcParamsOf<typeof OpenValueCommand>>(page, 'consumer/openValue');
    assert.deepEqual(open.params, { topic: 'orders', partition: 1, offset: 2, part: 'value', format: 'text' });

    await page.locator('#copy-key').click();
    const [copy] = await sentMessages<{ text: string }>(page, 'core/copy');
    assert.equal(copy.params.text, 'customer-7');

    await choose(page, '#reproduce-target', 'audit');
    await page.locator('#reproduce').click();
    await page.locator('[data-role="reproduce-result"]').getByText('Produced to audit partition 1 offset 42.').waitFor();
    const [rep] = await sentMessages<IpcParamsOf<typeof ReproduceRequest>>(page, 'consumer/reproduce');
    assert.deepEqual(rep.params, { source: { topic: 'orders', partition: 1, offset: 2 }, targetTopic: 'audit', targetPartition: null });
    await page.close();
  });

  for (const theme of ['light', 'dark', 'hc'] as const) {
    it(`renders in the ${theme} theme (screenshot)`, async () => {
      const p = await openPanel(browser!, server!, 'consumer', { theme, width: 1280, height: 760 });
      const { page } = p;
      await start(page);
      await push(page, 2000);
      await fillText(page, '#search', 'refunded');
      await page.locator('[data-role="counts"]').getByText('400 of 2,000 records match').waitFor();
      await page.locator('trib-record-list .viewport').evaluate((el) => (el.scrollTop = 0));
      await settle(page);
      await (await row(page, 2)).click();
      await choose(page, '#format', 'json');
      await settle(page);
      await screenshot(page, `consumer-${theme}`);
      assert.deepEqual(await pageProblems(p), []);
      await page.close();
    });
  }
});
