/**
 * The topic config table in Chromium under the production CSP, against the fake host: every config with its value
 * (a dropdown, a checkbox or a text field by type; read-only ones as text), default, source and documentation link;
 * the filter and "show overrides only"; Apply sending only the changed rows; a refusal shown on the row it names
 * with nothing else changed; configs changed elsewhere shown without losing edits; markup staying text.
 */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { Browser } from 'playwright-core';
import type { ApplyTopicConfigsParams } from '../../src/shared/webview-protocol';
import { CONFIGS_AT, CONFIG_TOPIC, HOSTILE_CONFIGS, TOPIC_CONFIGS, XSS } from './fixtures/topic-configs';
import { chromiumAvailable, choose, fillText, launchChromium, openPanel, pageProblems, screenshot, sentMessages, settle, startServer, TestServer } from './harness';

const row = (page: Page, name: string) => page.locator(`[data-role="configs"] tr[data-config="${name}"]`);

/** The names of the rows shown, in order. */
async function shown(page: Page): Promise<string[]> {
  return page.locator('[data-role="configs"] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-config') ?? ''));
}

/** Value, default and source of a row as shown (the editor's value, or the read-only text). */
async function cells(page: Page, name: string): Promise<{ value: string; default: string; source: string }> {
  return row(page, name).evaluate((tr) => {
    const editor = tr.querySelector('[data-role="editor"]') as (HTMLElement & { value?: string; checked?: boolean }) | null;
    const value = !editor ? (tr.querySelector('[data-role="read-only-value"]') as HTMLElement).innerText : editor.dataset.editor === 'checkbox' ? String(editor.checked) : String(editor.value);
    return { value, default: (tr.querySelector('[data-role="default"]') as HTMLElement).innerText, source: (tr.querySelector('[data-role="source"]') as HTMLElement).innerText };
  });
}

async function waitForTable(page: Page): Promise<void> {
  await page.locator('[data-role="configs"]').waitFor();
  await settle(page);
}

describe('webview: topic config table (Chromium)', function () {
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

  it('renders every config with its value, default, source and docs link; one editor per type; read-only configs as text', async () => {
    const p = await openPanel(browser!, server!, 'topicConfig');
    const { page } = p;
    await waitForTable(page);
    assert.equal(await page.locator('h1').innerText(), `Configs of topic ${CONFIG_TOPIC}`);
    assert.deepEqual(await shown(page), TOPIC_CONFIGS.map((c) => c.name));
    assert.equal(await page.locator('[data-role="counts"]').innerText(), '14 configs, 3 overrides');
    for (const c of TOPIC_CONFIGS) {
      const got = await cells(page, c.name);
      const label = { DYNAMIC_TOPIC_CONFIG: 'topic override', STATIC_BROKER_CONFIG: 'broker setting', DEFAULT_CONFIG: 'Kafka default' }[c.source];
      // A list is shown in the order of its valid values.
      assert.deepEqual(got, { value: c.name === 'cleanup.policy' ? 'delete,compact' : c.value, default: c.default, source: label }, c.name);
    }
    const editors = await page.locator('[data-role="configs"] tbody tr').evaluateAll((rows) =>
      Object.fromEntries(rows.map((r) => [r.getAttribute('data-config'), (r.querySelector('[data-role="editor"]') as HTMLElement | null)?.dataset.editor ?? 'none'])),
    );
    assert.deepEqual(editors, {
      'cleanup.policy': 'dropdown',
      'compression.type': 'dropdown',
      'delete.retention.ms': 'text',
      'flush.ms': 'text',
      'max.message.bytes': 'text',
      'message.timestamp.type': 'dropdown',
      'min.insync.replicas': 'text',
      preallocate: 'checkbox',
      'remote.storage.enable': 'none',
      'retention.bytes': 'text',
      'retention.ms': 'text',
      'segment.bytes': 'text',
      'segment.ms': 'text',
      'unclean.leader.election.enable': 'checkbox',
    });
    // cleanup.policy offers each valid value and both together; compression.type its six codecs.
    assert.deepEqual(await row(page, 'cleanup.policy').locator('vscode-option').allInnerTexts(), ['delete', 'compact', 'delete,compact']);
    assert.equal(await row(page, 'compression.type').locator('vscode-option').count(), 6);
    assert.match(await row(page, 'remote.storage.enable').innerText(), /read-only/);
    assert.equal(await row(page, 'remote.storage.enable').locator('[data-role="reset"]').count(), 0);
    // Reset to default only where the topic has an override.
    assert.deepEqual(
      await page.locator('[data-role="configs"] tr:has([data-role="reset"])').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-config'))),
      ['cleanup.policy', 'min.insync.replicas', 'retention.ms'],
    );

    // The documentation link goes through the host; the webview does not navigate.
    const docs = row(page, 'retention.ms').locator('[data-role="docs"]');
    assert.equal(await docs.getAttribute('title'), 'https://kafka.apache.org/documentation/#topicconfigs_retention.ms');
    const url = page.url();
    await docs.click();
    await settle(page);
    assert.deepEqual((await sentMessages(page, 'topicConfig/openDocs')).map((m) => m.params), [{ name: 'retention.ms' }]);
    assert.equal(page.url(), url);
    assert.equal((await sentMessages(page, 'topicConfig/apply')).length, 0);
    assert.deepEqual(await pageProblems(p), []);
    await page.close();
  });

  it('filters by name or description, and shows the overrides only', async () => {
    const p = await openPanel(browser!, server!, 'topicConfig');
    const { page } = p;
    await waitForTable(page);
    await fillText(page, '#filter', 'retention');
    await settle(page);
    assert.deepEqual(await shown(page), ['delete.retention.ms', 'retention.bytes', 'retention.ms']);
    // Words match anywhere in the name or the description, all of them.
    await fillText(page, '#filter', 'segment rolled');
    await settle(page);
    assert.deepEqual(await shown(page), ['segment.bytes', 'segment.ms']);
    await fillText(page, '#filter', '');
    await page.locator('#overrides-only').click();
    await settle(page);
    assert.deepEqual(await shown(page), ['cleanup.policy', 'min.insync.replicas', 'retention.ms']);
    await fillText(page, '#filter', 'retention');
    await settle(page);
    assert.deepEqual(await shown(page), ['retention.ms']);
    await fillText(page, '#filter', 'codec');
    await page.locator('[data-role="no-match"]').getByText('No config matches "codec" among the overrides.').waitFor();
    await page.locator('#overrides-only').click();
    await settle(page);
    assert.deepEqual(await shown(page), ['compression.type']);
    assert.deepEqual(await pageProblems(p), []);
    await page.close();
  });

  it('edits inline (text, dropdown, checkbox, reset to default) and applies only the changed rows', async () => {
    const p = await openPanel(browser!, server!, 'topicConfig');
    const { page } = p;
    await waitForTable(page);
    await fillText(page, 'tr[data-config="retention.ms"] [data-role="editor"]', '3600000');
    await choose(page, 'tr[data-config="compression.type"] [data-role="editor"]', 'zstd');
    await choose(page, 'tr[data-config="cleanup.policy"] [data-role="editor"]', 'compact');
    await row(page, 'unclean.leader.election.enable').locator('[data-role="editor"]').click();
    await row(page, 'min.insync.replicas').locator('[data-role="reset"]').click();
    // Typed and typed back: no change.
    await fillText(page, 'tr[data-config="segment.ms"] [data-role="editor"]', '1000');
    await fillText(page, 'tr[data-config="segment.ms"] [data-role="editor"]', '604800000');
    await settle(page);
    assert.equal(await page.locator('[data-role="pending-count"]').innerText(), '5 changes not applied');
    assert.deepEqual(
      await page.locator('[data-role="configs"] tr.changed').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-config'))),
      ['cleanup.policy', 'compression.type', 'min.insync.replicas', 'retention.ms', 'unclean.leader.election.enable'],
    );
    // The reset row shows the value the topic will have, and says so.
    assert.equal((await cells(page, 'min.insync.replicas')).value, '1');
    assert.equal(await row(page, 'min.insync.replicas').locator('[data-role="pending"]').innerText(), 'override removed on Apply (was 2)');
    assert.equal(await row(page, 'retention.ms').locator('[data-role="pending"]').innerText(), 'was 86400000');
    assert.deepEqual(await pageProblems(p), []);
    await screenshot(page, 'topic-config-edits-dark');

    await page.locator('#apply').click();
    await page.locator('[data-role="applied"]').waitFor();
    const [apply] = await sentMessages<ApplyTopicConfigsParams>(page, 'topicConfig/apply');
    assert.equal(apply.params.topic, CONFIG_TOPIC);
    assert.deepEqual(
      [...apply.params.changes].sort((a, b) => (a.name < b.name ? -1 : 1)),
      [
        { name: 'cleanup.policy', value: 'compact' },
        { name: 'compression.type', value: 'zstd' },
        { name: 'min.insync.replicas', value: null },
        { name: 'retention.ms', value: '3600000' },
        { name: 'unclean.leader.election.enable', value: 'true' },
      ],
    );
    assert.equal(await page.locator('[data-role="pending-count"]').innerText(), '');
    assert.equal(await page.locator('[data-role="configs"] tr.changed').count(), 0);
    assert.deepEqual(await cells(page, 'retention.ms'), { value: '3600000', default: '604800000', source: 'topic override' });
    assert.deepEqual(await cells(page, 'compression.type'), { value: 'zstd', default: 'producer', source: 'topic override' });
    assert.deepEqual(await cells(page, 'min.insync.replicas'), { value: '1', default: '1', source: 'Kafka default' });
    assert.deepEqual(await cells(page, 'unclean.leader.election.enable'), { value: 'true', default: 'false', source: 'topic override' });
    assert.match(await page.locator('[data-role="applied"]').innerText(), /min\.insync\.replicas back to its default/);
    // cleanup.policy and retention.ms stay overrides, compression.type and unclean.leader.election.enable become ones.
    assert.equal(await page.locator('[data-role="counts"]').innerText(), '14 configs, 4 overrides');
    assert.equal(await page.locator('#apply').getAttribute('disabled'), '');
    await screenshot(page, 'topic-config-applied-dark');
    assert.deepEqual(await pageProblems(p), []);
    await page.close();
  });

  it("shows the cluster's refusal on the row it names and changes nothing else; an edit of that row clears it", async () => {
    const p = await openPanel(browser!, server!, 'topicConfig');
    const { page } = p;
    await waitForTable(page);
    await fillText(page, 'tr[data-config="retention.ms"] [data-role="editor"]', '3 days');
    await fillText(page, 'tr[data-config="segment.ms"] [data-role="editor"]', '3600000');
    await page.locator('#apply').click();
    const error = row(page, 'retention.ms').locator('[data-role="row-error"]');
    await error.waitFor();
    assert.equal(await error.innerText(), 'Invalid value 3 days for configuration retention.ms: Not a number of type LONG');
    assert.equal(await page.locator('[data-role="row-error"]').count(), 1, 'only the row the message names');
    assert.equal(await page.locator('[data-role="apply-error"]').innerText(), 'Refused by the cluster: retention.ms (its row says why). None of the 2 changes was made.');
    // Nothing changed: segment.ms is still the broker's setting, its edit still pending.
    assert.deepEqual(await cells(page, 'segment.ms'), { value: '3600000', default: '604800000', source: 'broker setting' });
    assert.equal(await row(page, 'segment.ms').locator('[data-role="pending"]').innerText(), 'was 604800000');
    assert.equal(await page.locator('[data-role="pending-count"]').innerText(), '2 changes not applied');
    assert.match((await row(page, 'retention.ms').getAttribute('class')) ?? '', /\brefused\b/);

    await fillText(page, 'tr[data-config="retention.ms"] [data-role="editor"]', '259200000');
    await settle(page);
    assert.equal(await page.locator('[data-role="row-error"]').count(), 0);
    await page.locator('#apply').click();
    await page.locator('[data-role="applied"]').waitFor();
    assert.deepEqual(await cells(page, 'segment.ms'), { value: '3600000', default: '604800000', source: 'topic override' });
    assert.deepEqual(await pageProblems(p), []);
    await page.close();
  });

  it('shows configs changed elsewhere (pushed by the host) and keeps the edits not applied yet', async () => {
    const p = await openPanel(browser!, server!, 'topicConfig');
    const { page } = p;
    await waitForTable(page);
    await fillText(page, 'tr[data-config="segment.bytes"] [data-role="editor"]', '536870912');
    await fillText(page, 'tr[data-config="max.message.bytes"] [data-role="editor"]', '4194304');
    const next = TOPIC_CONFIGS.map((c) =>
      c.name === 'retention.ms' ? { ...c, value: '-1' } : c.name === 'max.message.bytes' ? { ...c, value: '4194304', source: 'DYNAMIC_TOPIC_CONFIG' as const } : c,
    );
    await page.evaluate(([configs, at]) => window.__fakeHost.notify('topicConfig/didChange', { topic: 'orders', configs, at }), [next, CONFIGS_AT + 60_000] as const);
    await page.locator('[data-role="counts"]').getByText('14 configs, 4 overrides').waitFor();
    assert.deepEqual(await cells(page, 'retention.ms'), { value: '-1', default: '604800000', source: 'topic override' });
    // The edit that the change elsewhere made true is done with; the other stays.
    assert.deepEqual(await cells(page, 'max.message.bytes'), { value: '4194304', default: '2097152', source: 'topic override' });
    assert.equal(await row(page, 'max.message.bytes').locator('[data-role="pending"]').count(), 0);
    assert.equal((await cells(page, 'segment.bytes')).value, '536870912');
    assert.equal(await page.locator('[data-role="pending-count"]').innerText(), '1 change not applied');

    await page.evaluate(() => window.__fakeHost.notify('topicConfig/didGo', { topic: 'orders', reason: 'The topic orders does not exist (any more).' }));
    await page.locator('[data-role="gone"]').getByText('The topic orders does not exist (any more).').waitFor();
    assert.equal(await page.locator('#apply').getAttribute('disabled'), '');
    await page.locator('#refresh').click();
    await settle(page);
    assert.deepEqual((await sentMessages(page, 'topicConfig/refresh')).map((m) => m.params), [{ topic: 'orders' }]);
    assert.deepEqual(await pageProblems(p), []);
    await page.close();
  });

  for (const csp of [true, false]) {
    it(`keeps names, values, defaults and descriptions that are markup as text${csp ? '' : ' (without the CSP)'}`, async () => {
      const p = await openPanel(browser!, server!, 'topicConfig', { query: { scenario: 'hostile' }, csp });
      const { page } = p;
      await waitForTable(page);
      await row(page, 'retention.ms').hover();
      await settle(page);
      const injected = await page.locator('tributary-topic-configs').evaluate((el) => {
        const root = el.shadowRoot!;
        return root.querySelectorAll('img, script, svg, i, b, a').length;
      });
      assert.equal(injected, 0);
      assert.equal(await page.evaluate(() => window.__xss), undefined);
      const [retention, policy, odd] = HOSTILE_CONFIGS;
      assert.equal((await cells(page, 'retention.ms')).value, retention.value);
      assert.equal((await cells(page, 'retention.ms')).default, retention.default);
      assert.match(await row(page, 'retention.ms').locator('.doc').innerText(), new RegExp(`${XSS.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}</a>$`));
      assert.deepEqual(await row(page, 'cleanup.policy').locator('vscode-option').allInnerTexts(), [...policy.validValues!.slice(0, 1), policy.validValues![1], `delete,${policy.validValues![1]}`, policy.value]);
      assert.equal(await page.locator(`[data-role="configs"] tr`).filter({ hasText: odd.name }).count(), 1);
      assert.deepEqual(await pageProblems(p), []);
      await page.close();
    });
  }

  it('fits an editor beside the sidebar (760 px) without scrolling sideways, the row actions stacked (screenshot)', async () => {
    const p = await openPanel(browser!, server!, 'topicConfig', { width: 760, height: 900 });
    const { page } = p;
    await waitForTable(page);
    await fillText(page, 'tr[data-config="retention.ms"] [data-role="editor"]', '3600000');
    await settle(page);
    const { scrollWidth, clientWidth } = await page.locator('tributary-topic-configs').evaluate((el) => ({ scrollWidth: el.scrollWidth, clientWidth: el.clientWidth }));
    assert.ok(scrollWidth <= clientWidth, `the table is ${scrollWidth}px wide in ${clientWidth}px`);
    await screenshot(page, 'topic-config-narrow-dark');
    await page.close();
  });

  for (const theme of ['light', 'dark', 'hc'] as const) {
    it(`renders in the ${theme} theme with an edit pending and a refusal (screenshot)`, async () => {
      const p = await openPanel(browser!, server!, 'topicConfig', { theme, width: 1200, height: 1100 });
      const { page } = p;
      await waitForTable(page);
      await fillText(page, 'tr[data-config="retention.ms"] [data-role="editor"]', 'one week');
      await row(page, 'min.insync.replicas').locator('[data-role="reset"]').click();
      await page.locator('#apply').click();
      await row(page, 'retention.ms').locator('[data-role="row-error"]').waitFor();
      await choose(page, 'tr[data-config="compression.type"] [data-role="editor"]', 'lz4');
      await settle(page);
      await screenshot(page, `topic-config-${theme}`);
      assert.deepEqual(await pageProblems(p), []);
      await page.close();
    });
  }
});
