/**
 * The consumer panel in Chromium under the production CSP: it starts at the last 100 records of each partition by
 * default (or earliest, latest, an offset, a time; stop after N), renders records the host pushes, keeps the first
 * records of a read from a point and says it stopped there once its buffer is full, orders rows by timestamp across
 * partitions when asked, filters them by partition and by text or regex over key/value/headers (an invalid regex is
 * an error message, not a crash), shows headers in a column and values as text, pretty JSON or hex, keeps 100,000
 * records in a virtualized list (bounded DOM, later rows reachable by scrolling, the oldest dropped past the ring's
 * capacity when tailing), renders hostile keys/values/headers as text, and sends the host the subscribe / copy /
 * open-in-editor / re-produce messages.
 */
import * as assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { ConsumedRecord, OpenValueCommand, ReproduceRequest, SubscribeParams, IpcParamsOf } from '../../src/shared/webview-protocol';
import { orderRecord, T0, textBytes } from './fixtures/canned';
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

async function pushRecords(page: Page, records: ConsumedRecord[]): Promise<void> {
  await page.evaluate((rs) => window.__fakeHost.notify('consumer/records', { subscriptionId: window.__fakeHost.subscriptionId, records: rs }), records);
  await settle(page);
}

/** The host's status after a bounded read: stopped, with why. */
async function stoppedBy(page: Page, records: number, reason: 'stopAfter' | 'buffer'): Promise<void> {
  await page.evaluate(([n, r]) => window.__fakeHost.notify('consumer/status', { status: 'stopped', message: 'stopped', stopped: { records: n, reason: r } }), [records, reason] as const);
  await settle(page);
}

/** partition/offset of the rows in view, top to bottom. */
async function shownRows(page: Page): Promise<string[]> {
  const all = await rows(page).evaluateAll((els) => els.map((e) => [Number(e.getAttribute('data-row')), `${e.getAttribute('data-partition')}/${e.getAttribute('data-offset')}`] as const));
  return all.sort((a, b) => a[0] - b[0]).map(([, v]) => v);
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

  it('starts at the last 100 of each partition by default; last N, offset, time and stop after N go to the host', async () => {
    const p = await openPanel(browser!, server!, 'consumer');
    const { page } = p;
    assert.equal(await page.locator('#start-kind').evaluate((e) => (e as HTMLSelectElement).value), 'lastN');
    assert.equal(await page.locator('#last-n input').inputValue(), '100');
    await start(page);
    const subs = () => sentMessages<SubscribeParams>(page, 'consumer/subscribe').then((all) => all.map((m) => m.params));
    assert.deepEqual((await subs())[0], { topic: 'orders', start: { kind: 'lastN', count: 100 }, partitions: null });

    await fillText(page, '#last-n', '5');
    await fillText(page, '#stop-after', '50');
    await page.locator('#start').click();
    await page.waitForFunction(() => window.__fakeHost.sent.filter((m) => m.method === 'consumer/subscribe').length === 2);
    assert.deepEqual((await subs())[1], { topic: 'orders', start: { kind: 'lastN', count: 5 }, partitions: null, stopAfter: 50 });

    await choose(page, '#start-kind', 'timestamp');
    await fillText(page, '#start-value', '2024-05-01T12:00:00Z');
    await fillText(page, '#stop-after', '');
    await page.locator('#start').click();
    await page.waitForFunction(() => window.__fakeHost.sent.filter((m) => m.method === 'consumer/subscribe').length === 3);
    assert.deepEqual((await subs())[2], { topic: 'orders', start: { kind: 'timestamp', timestamp: T0 }, partitions: null });

    await choose(page, '#start-kind', 'lastN');
    await fillText(page, '#last-n', 'ten');
    await page.locator('#start').click();
    await page.locator('[data-role="start-error"]').getByText('a whole number from 1').waitFor();
    await fillText(page, '#last-n', '10');
    await fillText(page, '#stop-after', '-3');
    await page.locator('#start').click();
    await page.locator('[data-role="start-error"]').getByText('Stop after: a whole number').waitFor();
    assert.equal((await subs()).length, 3, 'nothing sent for a wrong field');
    // What was chosen is kept across a reload of the webview.
    await page.reload();
    await page.locator('tributary-consumer').waitFor();
    await settle(page);
    assert.equal(await page.locator('#last-n input').inputValue(), '10');
    assert.deepEqual(await pageProblems(p), []);
    await page.close();
  });

  it('stops after N: keeps N and says it stopped as asked', async () => {
    const p = await openPanel(browser!, server!, 'consumer');
    const { page } = p;
    await choose(page, '#start-kind', 'earliest');
    await fillText(page, '#stop-after', '50');
    await start(page);
    await push(page, 80); // more than asked: the panel keeps 50 whatever comes
    assert.equal(await counts(page), '50 records');
    await stoppedBy(page, 50, 'stopAfter');
    await page.locator('[data-role="notice"]').getByText('Stopped after 50 records, as asked (stop after 50).').waitFor();
    assert.equal(await page.locator('[data-role="status"]').innerText(), 'stopped');
    assert.notEqual(await page.locator('#stop').getAttribute('disabled'), null, 'nothing left to stop');
    // A new start clears the notice.
    await fillText(page, '#stop-after', '');
    await start(page);
    await page.locator('[data-role="notice"]').waitFor({ state: 'detached' });
    assert.deepEqual(await pageProblems(p), []);
    await page.close();
  });

  it('from earliest over more records than the buffer: keeps the first ones and says it stopped reading; a tail keeps the newest', async () => {
    const p = await openPanel(browser!, server!, 'consumer', { query: { maxRecords: '1000' } });
    const { page } = p;
    await choose(page, '#start-kind', 'earliest');
    await start(page);
    await push(page, 1500, 500);
    assert.equal(await counts(page), '1,000 records', 'the first 1,000 kept, nothing dropped');
    await stoppedBy(page, 1000, 'buffer');
    await page.locator('[data-role="notice"]').getByText('Showing the first 1,000 records from earliest; stopped reading there: the panel keeps 1,000 records.').waitFor();
    await page.locator('trib-record-list .viewport').evaluate((el) => (el.scrollTop = 0));
    await settle(page);
    assert.equal((await shownRows(page))[0], '0/0', 'record 0 first');
    await page.locator('trib-record-list .viewport').evaluate((el) => (el.scrollTop = el.scrollHeight));
    await settle(page);
    assert.equal((await shownRows(page)).at(-1), `${999 % 3}/${Math.floor(999 / 3)}`, 'record 999 last');
    await screenshot(page, 'consumer-first-records-dark');

    // The last N per partition is a tail: the ring keeps the newest and says what it dropped.
    await choose(page, '#start-kind', 'lastN');
    await start(page);
    await page.locator('[data-role="notice"]').waitFor({ state: 'detached' });
    await push(page, 1500, 500);
    await page.locator('[data-role="counts"]').getByText('1,000 records · the oldest 500 were dropped (keeping 1,000)').waitFor();
    assert.deepEqual(await pageProblems(p), []);
    await page.close();
  });

  it('orders rows by timestamp across partitions when asked, arrival order otherwise', async () => {
    const p = await openPanel(browser!, server!, 'consumer');
    const { page } = p;
    await start(page);
    // Each partition arrives as a whole (as fetches do), its records 30 ms apart, the partitions 10 ms apart.
    const rec = (partition: number, offset: number): ConsumedRecord => ({ ...orderRecord(offset * 3 + partition), partition, offset, timestamp: T0 + offset * 30 + partition * 10 });
    await pushRecords(page, [rec(0, 0), rec(0, 1), rec(0, 2), rec(1, 0), rec(1, 1), rec(2, 0), rec(2, 1)]);
    assert.deepEqual(await shownRows(page), ['0/0', '0/1', '0/2', '1/0', '1/1', '2/0', '2/1']);
    await page.locator('#time-order').click();
    await settle(page);
    assert.deepEqual(await shownRows(page), ['0/0', '1/0', '2/0', '0/1', '1/1', '2/1', '0/2']);
    // Later records merge in by their time, a filter keeps the order.
    await pushRecords(page, [{ ...rec(1, 2), timestamp: T0 + 5 }, rec(2, 2)]);
    assert.deepEqual(await shownRows(page), ['0/0', '1/2', '1/0', '2/0', '0/1', '1/1', '2/1', '0/2', '2/2']);
    await choose(page, '#partition', '2');
    await page.locator('[data-role="counts"]').getByText('3 of 9 records match').waitFor();
    assert.deepEqual(await shownRows(page), ['2/0', '2/1', '2/2']);
    await choose(page, '#partition', 'all');
    await page.locator('#time-order').click();
    await settle(page);
    assert.deepEqual(await shownRows(page), ['0/0', '0/1', '0/2', '1/0', '1/1', '2/0', '2/1', '1/2', '2/2']);
    assert.deepEqual(await pageProblems(p), []);
    await page.close();
  });

  it('shows headers in a column of their own: long values cut, more in the tooltip, all in the details', async () => {
    const p = await openPanel(browser!, server!, 'consumer');
    const { page } = p;
    await start(page);
    const long = 'v'.repeat(2000);
    await pushRecords(page, [
      { ...orderRecord(0), headers: [{ key: 'trace-id', value: textBytes('abc') }, { key: 'empty', value: null }, { key: 'long', value: textBytes(long) }] },
      { ...orderRecord(1), headers: [] },
    ]);
    const cell = (n: number) => page.locator(`trib-record-list .row[data-row="${n}"] [data-role="row-headers"]`);
    assert.equal(await page.locator('trib-record-list .head').innerText().then((t) => t.replace(/\s+/g, ' ').trim()), 'P Offset Timestamp Key Headers Value');
    const line = await cell(0).innerText();
    assert.ok(line.startsWith(`trace-id: abc · empty: null · long: ${'v'.repeat(40)}…`), line);
    const tip = (await cell(0).getAttribute('title'))!;
    assert.deepEqual(tip.split('\n').map((l) => l.slice(0, 30)), ['trace-id: abc', 'empty: null', `long: ${'v'.repeat(24)}`, '(the details pane shows whole ']);
    assert.equal(tip.split('\n')[2].length, 'long: '.length + 500 + 1);
    assert.equal(await cell(1).innerText(), '');
    await page.locator('trib-record-list .row[data-row="0"]').click();
    assert.equal(await page.locator('[data-role="headers"] tr:nth-child(3) td:nth-child(2)').innerText(), long);
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
      // The headers column and its tooltip: text and an attribute value, never markup.
      const headers = first.locator('[data-role="row-headers"]');
      assert.equal(await headers.innerText(), '<b onmouseover="window.__xss=3">h</b>: <svg onload="window.__xss=4">');
      assert.equal(await headers.getAttribute('title'), '<b onmouseover="window.__xss=3">h</b>: <svg onload="window.__xss=4">');
      await headers.hover();
      await page.mouse.move(5, 5);
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
      const p = await openPanel(browser!, server!, 'consumer', { theme, width: 1280, height: 760, query: { maxRecords: '2000' } });
      const { page } = p;
      await choose(page, '#start-kind', 'earliest');
      await start(page);
      await push(page, 2000);
      await stoppedBy(page, 2000, 'buffer');
      await page.locator('#time-order').click();
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
