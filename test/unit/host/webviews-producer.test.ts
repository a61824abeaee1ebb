import { strict as assert } from 'node:assert';
import {
  CopyToClipboardCommand,
  EditValueRequest,
  UnlinkValueCommand,
  ValueEditClosedNotification,
  ValueEditedNotification,
  ProduceRequest,
  ProducerInitNotification,
  ShowMessageCommand,
  TopicsChangedNotification,
  WebviewReadyCommand,
  ipcMessage,
  webviewCsp,
} from '../../../src/shared/webview-protocol';
import { ProducerRouter } from '../../../src/webviews/producer-router';
import { panelHtml } from '../../../src/webviews/html';
import { bytesToBuffer } from '../../../src/broker/api';
import { RecordingEnv, TestService, command, request, sleep, startService } from './webviews-support';

describe('Producer panel host (ProducerRouter, real broker)', () => {
  let t: TestService;
  let env: RecordingEnv;
  let router: ProducerRouter;
  beforeEach(async () => {
    t = await startService();
    await t.service.createTopic({ name: 'orders', partitions: 3 });
    await t.service.createTopic({ name: 'audit', partitions: 1 });
    env = new RecordingEnv();
    router = new ProducerRouter(t.source, env, 'orders');
  });
  afterEach(async () => {
    router.dispose();
    await t.stop();
  });

  it('answers ready with the topics (internal ones left out) and the preselected topic; pushes the list again when topics change', async () => {
    await command(router, WebviewReadyCommand, { panel: 'producer' });
    const [init] = env.of(ProducerInitNotification);
    assert.equal(init.topic, 'orders');
    assert.deepEqual(init.topics, [
      { name: 'audit', partitions: 1, internal: false },
      { name: 'orders', partitions: 3, internal: false },
    ]);
    await t.service.createTopic({ name: 'billing', partitions: 2 });
    const [changed] = await env.waitFor(TopicsChangedNotification);
    assert.deepEqual(changed.topics.map((x) => x.name), ['audit', 'billing', 'orders']);
  });

  it('produces with an explicit partition, the default partitioner, each compression and acks; headers and null values arrive as given', async () => {
    const explicit = await request(router, env, ProduceRequest, {
      topic: 'orders',
      partition: 2,
      compression: 'zstd',
      acks: -1,
      records: [
        { key: 'k1', value: '{"a":1}', headers: [{ key: 'trace', value: 't-1' }, { key: 'empty', value: null }], timestamp: 1_700_000_000_000 },
        { key: null, value: null, headers: [] },
      ],
    });
    assert.equal(explicit.error, undefined);
    assert.deepEqual(explicit.result!.records.map((r) => [r.partition, r.offset]), [[2, 0], [2, 1]]);
    assert.equal(explicit.result!.records[0].timestamp, 1_700_000_000_000);
    const got = await t.service.consume({ topic: 'orders', partition: 2, from: { kind: 'earliest' } });
    assert.equal(bytesToBuffer(got.records[0].value!).toString(), '{"a":1}');
    assert.deepEqual(got.records[0].headers.map((h) => [h.key, h.value && bytesToBuffer(h.value).toString()]), [['trace', 't-1'], ['empty', null]]);
    assert.deepEqual([got.records[1].key, got.records[1].value], [null, null]);

    // The default partitioner: a key always lands on the same partition (murmur2), whatever the codec.
    for (const compression of ['none', 'gzip', 'snappy', 'lz4'] as const) {
      const auto = await request(router, env, ProduceRequest, { topic: 'orders', partition: null, compression, acks: 1, records: [{ key: 'same-key', value: compression, headers: [] }, { key: 'same-key', value: compression, headers: [] }] });
      assert.equal(auto.error, undefined, compression);
      const [a, b] = auto.result!.records;
      assert.equal(a.partition, b.partition);
      assert.equal(b.offset, a.offset + 1);
    }
    // acks 0: no offsets, as a Kafka producer learns none.
    const fire = await request(router, env, ProduceRequest, { topic: 'audit', partition: null, compression: 'none', acks: 0, records: [{ key: null, value: 'x', headers: [] }] });
    assert.deepEqual(fire.result!.records.map((r) => [r.partition, r.offset]), [[0, -1]]);
  });

  it('answers failures with the Kafka error name, and bad parameters with INVALID_REQUEST', async () => {
    const bad = await request(router, env, ProduceRequest, { topic: 'orders', partition: 7, compression: 'none', acks: -1, records: [{ key: null, value: 'x', headers: [] }] });
    assert.equal(bad.error?.code, 'UNKNOWN_TOPIC_OR_PARTITION');
    assert.match(bad.error!.message, /partitions 0 to 2, not 7/);
    const codec = await request(router, env, ProduceRequest, { topic: 'orders', partition: null, compression: 'brotli' as never, acks: -1, records: [{ key: null, value: 'x', headers: [] }] });
    assert.equal(codec.error?.code, 'INVALID_REQUEST');
    const empty = await request(router, env, ProduceRequest, { topic: 'orders', partition: null, compression: 'none', acks: -1, records: [] });
    assert.equal(empty.error?.code, 'INVALID_REQUEST');
    const header = await request(router, env, ProduceRequest, { topic: 'orders', partition: null, compression: 'none', acks: -1, records: [{ key: null, value: 'x', headers: [{ key: 5 as never, value: 'v' }] }] });
    assert.match(header.error!.message, /headers\[0\]\.key must be a string/);
  });

  it('routes the core commands to VS Code and ignores what is not a protocol message', async () => {
    await command(router, CopyToClipboardCommand, { text: '{"k":1}', label: 'the record' });
    await command(router, ShowMessageCommand, { level: 'warning', message: '<b>not html</b>' });
    await router.handle({ hello: 'world' });
    await router.handle({ ...ipcMessage(ProduceRequest, undefined as never), method: 'producer/eval' });
    await command(router, CopyToClipboardCommand, { text: 'plain' });
    assert.deepEqual(env.copied, [{ text: '{"k":1}', label: 'the record' }, { text: 'plain' }]);
    assert.deepEqual(env.messages, [{ level: 'warning', message: '<b>not html</b>' }]);
    assert.equal(env.posted.length, 0, 'nothing is answered to unknown messages');
    assert.equal(env.logs.length, 2);
  });

  it('edits the value in an untitled editor: its changes go back to the panel (throttled) until it closes or is unlinked', async () => {
    await command(router, WebviewReadyCommand, { panel: 'producer' });
    const opened = await request(router, env, EditValueRequest, { text: '{"a": {{seq}}}', language: 'json' });
    assert.deepEqual(opened.result, { name: 'Untitled-1' });
    const doc = env.edited[0];
    assert.deepEqual([doc.content, doc.language], ['{"a": {{seq}}}', 'json']);
    doc.change('{"a": 1');
    doc.change('{"a": 12}');
    const [changed] = await env.waitFor(ValueEditedNotification);
    await sleep(150);
    assert.deepEqual(env.of(ValueEditedNotification), [{ text: '{"a": 12}' }], 'keystrokes close together go as one message with the latest text');
    assert.equal(changed.text, '{"a": 12}');
    // A reloaded webview is told it follows the editor, with the editor's text.
    await command(router, WebviewReadyCommand, { panel: 'producer' });
    assert.deepEqual(env.of(ProducerInitNotification).at(-1)!.editing, { name: 'Untitled-1', text: '{"a": 12}' });
    doc.close();
    assert.deepEqual(env.of(ValueEditClosedNotification), [{ name: 'Untitled-1' }]);
    await command(router, WebviewReadyCommand, { panel: 'producer' });
    assert.equal(env.of(ProducerInitNotification).at(-1)!.editing, undefined);

    // A second editor replaces the first; unlinking stops following it (it stays open).
    await request(router, env, EditValueRequest, { text: 'a', language: 'plaintext' });
    await request(router, env, EditValueRequest, { text: 'b', language: 'plaintext' });
    assert.deepEqual(env.edited.map((d) => d.linked), [false, false, true]);
    await command(router, UnlinkValueCommand, undefined);
    assert.equal(env.edited[2].linked, false);
    env.edited[2].change('ignored');
    await sleep(150);
    assert.equal(env.of(ValueEditedNotification).length, 1);
    const bad = await request(router, env, EditValueRequest, { text: 'x', language: 'python' as never });
    assert.equal(bad.error?.code, 'INVALID_REQUEST');
  });

  it('the page is the protocol’s (strict CSP, csp-nonce meta) with a fresh nonce per render', () => {
    const a = panelHtml({ panel: 'producer', cspSource: 'vscode-resource:', scriptUri: 'vscode-resource:/dist/webview.js', title: 'Produce: <orders>' });
    const b = panelHtml({ panel: 'producer', cspSource: 'vscode-resource:', scriptUri: 'vscode-resource:/dist/webview.js', title: 'x' });
    const nonce = /<meta property="csp-nonce" content="([^"]+)">/.exec(a)![1];
    assert.ok(Buffer.from(nonce, 'base64').length >= 16);
    assert.notEqual(nonce, /<meta property="csp-nonce" content="([^"]+)">/.exec(b)![1]);
    assert.ok(a.includes(webviewCsp('vscode-resource:', nonce)));
    assert.ok(a.includes('data-panel="producer"'));
    assert.ok(a.includes('<title>Produce: &lt;orders&gt;</title>'));
    assert.ok(a.includes(`<script type="module" nonce="${nonce}" src="vscode-resource:/dist/webview.js"></script>`));
  });
});
