/**
 * The producer panel in Chromium under the production CSP: the ProduceRequest it sends carries the form's
 * topic, partition, compression, acks and headers, with templates expanded per record; bad templates are
 * refused before anything is sent; a repeat is split into requests of PRODUCE_CHUNK; the form survives a reload.
 */
import * as assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { PRODUCE_CHUNK, ProduceParams } from '../../src/shared/webview-protocol';
import { chromiumAvailable, choose, fillText, launchChromium, openPanel, pageProblems, screenshot, sentMessages, settle, startServer, TestServer } from './harness';

describe('webview: producer panel (Chromium)', function () {
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

  it('sends one ProduceRequest per chunk with templates expanded per record', async () => {
    const p = await openPanel(browser!, server!, 'producer');
    const { page } = p;
    await page.locator('#topic').waitFor();
    await choose(page, '#partition', '2');
    await choose(page, '#compression', 'gzip');
    await choose(page, '#acks', '1');
    await fillText(page, '#repeat', '3');
    await fillText(page, '#key', 'k-{{i}}');
    await fillText(page, '#value', '{"n": {{i}}, "next": {{i+1}}, "id": "{{uuid}}", "at": {{now}}, "r": {{random.int(5,7)}}}');
    await page.locator('#add-header').click();
    await fillText(page, '[data-role="header-key"]', 'trace');
    await fillText(page, '[data-role="header-value"]', 't-{{i}}');
    await page.locator('[data-role="preview"]').getByText('"next": 1').waitFor();
    const before = Date.now();
    await page.locator('#send').click();
    await page.locator('[data-role="results"]').getByText('Produced 3 records to orders').waitFor();

    const sent = await sentMessages<ProduceParams>(page, 'producer/produce');
    assert.equal(sent.length, 1);
    const req = sent[0].params;
    assert.equal(req.topic, 'orders');
    assert.equal(req.partition, 2);
    assert.equal(req.compression, 'gzip');
    assert.equal(req.acks, 1);
    assert.equal(req.records.length, 3);
    const uuids = new Set<string>();
    req.records.forEach((r, i) => {
      assert.equal(r.key, `k-${i}`);
      const v = JSON.parse(r.value!);
      assert.equal(v.n, i);
      assert.equal(v.next, i + 1);
      assert.match(v.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      uuids.add(v.id);
      assert.ok(v.at >= before - 5000 && v.at <= Date.now(), `{{now}} expanded to ${v.at}`);
      assert.ok(v.r >= 5 && v.r <= 7);
      assert.deepEqual(r.headers, [{ key: 'trace', value: `t-${i}` }]);
    });
    assert.equal(uuids.size, 3, 'each record gets its own uuid');
    assert.match(await page.locator('[data-role="results"]').innerText(), /partition 2 offsets 100–102/);
    assert.deepEqual(await pageProblems(p), []);
    await page.close();
  });

  it('refuses an unknown template and sends nothing', async () => {
    const p = await openPanel(browser!, server!, 'producer');
    const { page } = p;
    await fillText(page, '#value', 'hello {{nope}}');
    await page.locator('[data-role="template-error"]').getByText('Unknown template {{nope}}').waitFor();
    await page.locator('#send').click();
    await page.locator('[data-role="error"]').getByText('Unknown template').waitFor();
    assert.equal((await sentMessages(page, 'producer/produce')).length, 0);
    // A JSON object in double braces is not a template.
    await fillText(page, '#value', '{{"a":1}}');
    await page.locator('[data-role="preview"]').getByText('{{"a":1}}').waitFor();
    await page.close();
  });

  it(`splits a repeat of 1,200 into requests of ${PRODUCE_CHUNK} with {{i}} running on`, async () => {
    const { page } = await openPanel(browser!, server!, 'producer');
    await fillText(page, '#repeat', '1200');
    await fillText(page, '#value', 'v{{i}}');
    await page.locator('#send').click();
    await page.locator('[data-role="results"]').getByText('Produced 1,200 records').waitFor();
    const sent = await sentMessages<ProduceParams>(page, 'producer/produce');
    assert.deepEqual(
      sent.map((m) => m.params.records.length),
      [500, 500, 200],
    );
    assert.equal(sent[1].params.records[0].value, 'v500');
    assert.equal(sent[2].params.records[199].value, 'v1199');
    assert.equal(sent[0].params.partition, null, 'automatic partition');
    assert.equal(sent[0].params.records[0].key, null, 'an empty key is a null key');
    await page.close();
  });

  it('restores the form after a reload (getState/setState)', async () => {
    const { page } = await openPanel(browser!, server!, 'producer');
    await fillText(page, '#key', 'kept-key');
    await fillText(page, '#value', 'kept value');
    await page.reload();
    await page.locator('tributary-producer').waitFor();
    await settle(page);
    assert.equal(await page.locator('#key input').inputValue(), 'kept-key');
    assert.equal(await page.locator('#value textarea').inputValue(), 'kept value');
    await page.close();
  });

  for (const theme of ['light', 'dark', 'hc'] as const) {
    it(`renders in the ${theme} theme (screenshot)`, async () => {
      const p = await openPanel(browser!, server!, 'producer', { theme, width: 1000, height: 820 });
      const { page } = p;
      await fillText(page, '#key', 'customer-{{random.int(1,99)}}');
      await fillText(page, '#value', '{\n  "orderId": {{i}},\n  "at": {{now}}\n}');
      await page.locator('#add-header').click();
      await fillText(page, '[data-role="header-key"]', 'source');
      await fillText(page, '[data-role="header-value"]', 'tributary');
      await settle(page);
      await screenshot(page, `producer-${theme}`);
      assert.deepEqual(await pageProblems(p), []);
      await page.close();
    });
  }
});
