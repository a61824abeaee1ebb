/**
 * The producer panel in Chromium under the production CSP: the ProduceRequest it sends carries the form's
 * topic, partition, compression, acks and headers, with templates expanded per record in the language of `.kafka`
 * files ({{now}} ISO time, {{timestamp}} ms, {{seq}} going on across sends); bad templates are refused with the
 * `.kafka` words before anything is sent; a repeat is split into requests of PRODUCE_CHUNK; the value editor colours
 * JSON and says where it is invalid (line and column), JSON mode refuses to send it; "Edit in editor" follows a real
 * editor's text until it closes; the form survives a reload.
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
    await fillText(page, '#value', '{"n": {{i}}, "seq": {{seq}}, "id": "{{uuid}}", "at": "{{now}}", "ms": {{timestamp}}, "r": {{random.int(5,7)}}}');
    await page.locator('#add-header').click();
    await fillText(page, '[data-role="header-key"]', 'trace');
    await fillText(page, '[data-role="header-value"]', 't-{{i}}');
    await page.locator('[data-role="preview"]').getByText('"seq": 1').waitFor();
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
      assert.equal(v.seq, i + 1);
      assert.match(v.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      uuids.add(v.id);
      assert.match(v.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, '{{now}} is ISO time, as in .kafka files');
      assert.ok(Date.parse(v.at) >= before - 5000 && Date.parse(v.at) <= Date.now(), `{{now}} expanded to ${v.at}`);
      assert.ok(v.ms >= before - 5000 && v.ms <= Date.now(), `{{timestamp}} expanded to ${v.ms}`);
      assert.ok(v.r >= 5 && v.r <= 7);
      assert.deepEqual(r.headers, [{ key: 'trace', value: `t-${i}` }]);
    });
    assert.equal(uuids.size, 3, 'each record gets its own uuid');
    assert.match(await page.locator('[data-role="results"]').innerText(), /partition 2 offsets 100–102/);
    assert.deepEqual(await pageProblems(p), []);
    await page.close();
  });

  it('refuses an unknown template with the .kafka words and sends nothing; \\{{ is a literal {{', async () => {
    const p = await openPanel(browser!, server!, 'producer');
    const { page } = p;
    await fillText(page, '#value', 'hello {{nope}}');
    await page.locator('[data-role="template-error"]').getByText('value: unknown helper {{nope}}; use {{seq}}, {{i}}').waitFor();
    await page.locator('#send').click();
    await page.locator('[data-role="error"]').getByText('unknown helper {{nope}}').waitFor();
    assert.equal((await sentMessages(page, 'producer/produce')).length, 0);
    // The panel's old helpers say what to write now.
    await fillText(page, '#value', '{{now.iso}}');
    await page.locator('[data-role="template-error"]').getByText('{{now}} is ISO time, {{timestamp}} milliseconds').waitFor();
    // Double braces that are no helper are written \{{ as in .kafka files.
    await fillText(page, '#value', '\\{{"a":1}}');
    await page.locator('[data-role="preview"]').getByText('{{"a":1}}').waitFor();
    assert.deepEqual(await pageProblems(p), []);
    await page.close();
  });

  it('{{seq}} goes on across sends, as a .kafka block counts across runs', async () => {
    const { page } = await openPanel(browser!, server!, 'producer');
    await fillText(page, '#repeat', '2');
    await fillText(page, '#key', 'k-{{seq}}');
    await fillText(page, '#value', 'v');
    await page.locator('#send').click();
    await page.locator('[data-role="results"] li').first().waitFor();
    await page.locator('[data-role="preview"]').getByText('k-3').waitFor();
    await page.locator('#send').click();
    await page.locator('[data-role="results"] li').nth(1).waitFor();
    const sent = await sentMessages<ProduceParams>(page, 'producer/produce');
    assert.deepEqual(sent.flatMap((m) => m.params.records.map((r) => r.key)), ['k-1', 'k-2', 'k-3', 'k-4']);
    await page.close();
  });

  it('colours the value as JSON and says where it is invalid; JSON mode refuses to send it, auto mode warns', async () => {
    const p = await openPanel(browser!, server!, 'producer');
    const { page } = p;
    await fillText(page, '#value', '{\n  "id": {{seq}},\n  "at": {{now}}\n}');
    const problem = page.locator('#value [data-role="json-error"]');
    await problem.getByText('Line 3, column 9: {{now}} renders text: put it in quotes ("{{now}}")').waitFor();
    assert.equal(await page.locator('#value .problem-mark').innerText(), '{{now}}');
    assert.equal(await page.locator('#value textarea').getAttribute('aria-invalid'), 'true');
    assert.ok((await page.locator('#value .highlight .helper').count()) >= 2, 'helpers are coloured');
    await fillText(page, '#value', '{\n  "id": {{seq}},\n  "at": "{{now}}"\n  "x": 1\n}');
    await problem.getByText("Line 4, column 3: expected ',' or '}' after a property value").waitFor();
    // auto: sent as written (the line above says what is wrong).
    await page.locator('#send').click();
    await page.locator('[data-role="results"] li').first().waitFor();
    // JSON: not sent.
    await choose(page, '#value-mode', 'json');
    await page.locator('#send').click();
    await page.locator('[data-role="error"]').getByText('The value is not JSON (line 4, column 3').waitFor();
    assert.equal((await sentMessages(page, 'producer/produce')).length, 1);
    // text: no check, no colours.
    await choose(page, '#value-mode', 'text');
    await problem.waitFor({ state: 'detached' });
    assert.equal(await page.locator('#value .highlight .json-key').count(), 0);
    await choose(page, '#value-mode', 'json');
    await fillText(page, '#value', '{"id": {{seq}}, "tags": ["a", "b"], "ok": true}');
    await problem.waitFor({ state: 'detached' });
    assert.equal(await page.locator('#value textarea').getAttribute('aria-invalid'), 'false');
    assert.deepEqual(await page.locator('#value .highlight .json-key').allInnerTexts(), ['"id"', '"tags"', '"ok"']);
    assert.deepEqual(await pageProblems(p), []);
    await page.close();
  });

  it('edits the value in a real editor: opens it as JSON, follows its text, edits here again once it closes', async () => {
    const p = await openPanel(browser!, server!, 'producer');
    const { page } = p;
    await fillText(page, '#value', '{"a": 1}');
    await page.locator('#edit-in-editor').click();
    await page.locator('[data-role="linked"]').getByText('Editing in Untitled-1').waitFor();
    const [edit] = await sentMessages<{ text: string; language: string }>(page, 'producer/editValue');
    assert.deepEqual(edit.params, { text: '{"a": 1}', language: 'json' });
    assert.equal(await page.locator('#value textarea').getAttribute('readonly'), '', 'the panel does not edit what the editor owns');
    await page.evaluate(() => window.__fakeHost.notify('producer/value/didChange', { text: '{"a": 2, "b": "{{uuid}}"}' }));
    await page.locator('[data-role="preview"]').getByText('"a": 2').waitFor();
    assert.equal(await page.locator('#value textarea').inputValue(), '{"a": 2, "b": "{{uuid}}"}');
    await page.evaluate(() => window.__fakeHost.notify('producer/value/didClose', { name: 'Untitled-1' }));
    await page.locator('[data-role="linked"]').waitFor({ state: 'detached' });
    assert.equal(await page.locator('#value textarea').getAttribute('readonly'), null);
    // Unlinking by hand tells the host.
    await page.locator('#edit-in-editor').click();
    await page.locator('#unlink').click();
    await page.locator('[data-role="linked"]').waitFor({ state: 'detached' });
    assert.equal((await sentMessages(page, 'producer/value/unlink')).length, 1);
    assert.deepEqual(await pageProblems(p), []);
    await page.close();
  });

  it(`splits a repeat of 1,200 into requests of ${PRODUCE_CHUNK} with {{i}} running on`, async () => {
    const { page } = await openPanel(browser!, server!, 'producer');
    await fillText(page, '#repeat', '1200');
    await fillText(page, '#value', 'v{{i}} s{{seq}}');
    await page.locator('#send').click();
    await page.locator('[data-role="results"]').getByText('Produced 1,200 records').waitFor();
    const sent = await sentMessages<ProduceParams>(page, 'producer/produce');
    assert.deepEqual(
      sent.map((m) => m.params.records.length),
      [500, 500, 200],
    );
    assert.equal(sent[1].params.records[0].value, 'v500 s501');
    assert.equal(sent[2].params.records[199].value, 'v1199 s1200');
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
      await fillText(page, '#value', '{\n  "orderId": {{seq}},\n  "at": "{{now}}",\n  "amount": {{random.int(1,500)}},\n  "paid": true,\n  "note": null\n}');
      await page.locator('#add-header').click();
      await fillText(page, '[data-role="header-key"]', 'source');
      await fillText(page, '[data-role="header-value"]', 'tributary');
      await settle(page);
      await screenshot(page, `producer-${theme}`);
      // The same value with a mistake: the line and column under the editor, the character marked.
      await fillText(page, '#value', '{\n  "orderId": {{seq}},\n  "at": {{now}},\n  "paid": true\n}');
      await page.locator('#value [data-role="json-error"]').waitFor();
      await settle(page);
      await screenshot(page, `producer-invalid-${theme}`);
      assert.deepEqual(await pageProblems(p), []);
      await page.close();
    });
  }
});
