/**
 * The segment inspector in Chromium under the production CSP: the segments of a partition, each batch with the
 * kafka-dump-log fields, an invalid CRC and a torn tail highlighted, records expandable, __consumer_offsets
 * records decoded, a hex view with the header fields marked, and the .index / .timeindex entries beside the log.
 */
import * as assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { chromiumAvailable, launchChromium, openPanel, pageProblems, screenshot, sentMessages, settle, startServer, TestServer } from './harness';

describe('webview: segment inspector (Chromium)', function () {
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

  it('lists batches with their dump-log fields and highlights the invalid CRC and the torn tail', async () => {
    const p = await openPanel(browser!, server!, 'segment');
    const { page } = p;
    const batches = page.locator('[data-role="batch"]');
    await batches.first().waitFor();
    const [dump] = await sentMessages<{ baseOffset: number; node: number }>(page, 'segment/dump');
    assert.equal(dump.params.baseOffset, 0);
    assert.equal(await page.locator('[data-role="segments"] button').count(), 2);
    assert.equal(await batches.count(), 3);
    assert.deepEqual(await batches.evaluateAll((els) => els.map((e) => e.getAttribute('data-valid'))), ['true', 'false', 'true']);
    const bad = page.locator('[data-role="batch"][data-position="180"]');
    assert.match(await bad.getAttribute('class') ?? '', /\binvalid\b/);
    await bad.locator('[data-role="crc-invalid"]').waitFor();
    // Highlighted means a different look, not just a class: the invalid batch's border is the error colour.
    const [okBorder, badBorder] = await Promise.all([
      batches.nth(0).evaluate((e) => getComputedStyle(e).borderTopColor),
      bad.evaluate((e) => getComputedStyle(e).borderTopColor),
    ]);
    assert.notEqual(okBorder, badBorder);
    assert.equal(await page.locator('[data-role="invalid-count"]').innerText(), '1 invalid CRC');
    assert.match(await page.locator('[data-role="torn-tail"]').innerText(), /Found 72 invalid bytes at the end of 00000000000000000000\.log\. Valid data ends at position 540/);

    await batches.nth(0).locator('.batch-line').click();
    const fields = (await batches.nth(0).locator('[data-role="batch-fields"]').innerText()).replace(/\s+/g, ' ');
    for (const f of [
      'baseOffset: 0',
      'lastOffset: 1',
      'count: 2',
      'baseSequence: -1',
      'lastSequence: -1',
      'producerId: -1',
      'producerEpoch: -1',
      'partitionLeaderEpoch: 0',
      'isTransactional: false',
      'isControl: false',
      'deleteHorizonMs: OptionalLong.empty',
      'position: 0',
      'CreateTime: 1714564800000',
      'size: 180',
      'magic: 2',
      'compresscodec: none',
      'crc: 2863311530',
      'isvalid: true',
    ])
      assert.ok(fields.includes(f), `${f} in ${fields}`);
    const recs = batches.nth(0).locator('[data-role="records"] tr.rec');
    assert.equal(await recs.count(), 2);
    await recs.nth(0).click();
    await batches.nth(0).locator('trib-value-view .box').getByText('{"orderId":0,"ok":true}').waitFor();
    assert.deepEqual(await pageProblems(p), []);
    await page.close();
  });

  it('shows the invalid batch in hex with the stored CRC marked, and the computed CRC', async () => {
    const p = await openPanel(browser!, server!, 'segment');
    const { page } = p;
    const bad = page.locator('[data-role="batch"][data-position="180"]');
    await bad.locator('.batch-line').click();
    const fields = await bad.locator('[data-role="batch-fields"]').innerText();
    assert.match(fields, /crc:\s*305419896/);
    assert.match(fields, /computed crc:\s*2596069104/);
    assert.match(fields, /isvalid:\s*false/);
    assert.ok((await bad.locator('[data-role="batch-fields"] .bad').count()) >= 3);
    await bad.locator('[data-role="hex-toggle"]').click();
    const hex = bad.locator('[data-role="hex"]');
    await hex.waitFor();
    const [req] = await sentMessages<{ position: number; baseOffset: number }>(page, 'segment/batchBytes');
    assert.equal(req.params.position, 180);
    assert.match(await hex.innerText(), /^00000000\s+00 00 00 00 00 00 00 02\s+00 00 00 c6 00 00 00 00/);
    assert.deepEqual(await hex.locator('.crc-bad').allInnerTexts(), ['12', '34', '56', '78']);
    assert.deepEqual(await pageProblems(p), []);
    await page.close();
  });

  it('decodes __consumer_offsets records', async () => {
    const { page } = await openPanel(browser!, server!, 'segment');
    const b = page.locator('[data-role="batch"][data-position="390"]');
    await b.locator('.batch-line').click();
    const decoded = await b.locator('[data-role="offsets-record"]').allInnerTexts();
    assert.match(decoded[0], /^OffsetCommit: group billing, orders-0 → offset 1200 \(leader epoch 0, metadata "", committed /);
    assert.match(decoded[1], /^GroupMetadata: group billing, consumer\/range, generation 4, leader billing-1-5b0d, 1 member: billing-1 billing-1-5b0d ← orders \[0,1\]/);
    await page.close();
  });

  it('lists .index and .timeindex entries, flags one past the log, and jumps to the batch an entry points at', async () => {
    const { page } = await openPanel(browser!, server!, 'segment');
    const index = page.locator('[data-role="offset-index"]');
    await index.waitFor();
    assert.equal(await index.locator('tr.entry').count(), 2);
    assert.match(await index.locator('tr.problem').last().innerText(), /position 9000 is past the end/);
    assert.equal(await page.locator('[data-role="time-index"] tr').count(), 3);
    await index.locator('tr.entry').first().click();
    await settle(page);
    assert.match((await page.locator('[data-role="batch"][data-position="180"]').getAttribute('class')) ?? '', /highlight/);
    // Another segment.
    await page.locator('[data-role="segments"] button[data-base-offset="4096"]').click();
    await page.waitForFunction(() => window.__fakeHost.sent.filter((m) => m.method === 'segment/dump').length === 2);
    const dumps = await sentMessages<{ baseOffset: number }>(page, 'segment/dump');
    assert.equal(dumps[1].params.baseOffset, 4096);
    await page.close();
  });

  for (const theme of ['light', 'dark', 'hc'] as const) {
    it(`renders in the ${theme} theme (screenshot)`, async () => {
      const p = await openPanel(browser!, server!, 'segment', { theme, width: 1400, height: 900 });
      const { page } = p;
      await page.locator('[data-role="batch"]').first().waitFor();
      await page.locator('[data-role="batch"][data-position="0"] .batch-line').click();
      await page.locator('[data-role="batch"][data-position="180"] .batch-line').click();
      await page.locator('[data-role="batch"][data-position="180"] [data-role="hex-toggle"]').click();
      await page.locator('[data-role="hex"]').waitFor();
      await page.locator('[data-role="batch"][data-position="390"] .batch-line').click();
      await settle(page);
      await screenshot(page, `segment-${theme}`);
      assert.deepEqual(await pageProblems(p), []);
      await page.close();
    });
  }
});
