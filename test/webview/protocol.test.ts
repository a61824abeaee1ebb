/**
 * The webview protocol and the webview's pure parts, in Node (no browser): message names, the shared models'
 * agreement with the broker's own types (checked by the compiler), the HTML shell and its CSP, the Host seam's
 * request/response/notification handling and state, templates, the record ring and the filter.
 */
import * as assert from 'node:assert/strict';
import {
  ALL_MESSAGES,
  GroupDescription,
  IpcMessage,
  IpcRequest,
  ipcErrorResponse,
  ipcResponse,
  ProduceRequest,
  ConsumerRecordsNotification,
  RebalanceRecord,
  ResetPlanRow,
  ResetTarget,
  TopicPartitions,
  webviewCsp,
  webviewHtml,
} from '../../src/shared/webview-protocol';
import type { GroupDescription as BrokerGroupDescription, ResetPlanRow as BrokerResetPlanRow, ResetTarget as BrokerResetTarget } from '../../src/broker/coordinator/group/group-admin';
import type { RebalanceRecord as BrokerRebalanceRecord } from '../../src/broker/coordinator/group/rebalance-journal';
import type { TopicPartitions as BrokerTopicPartitions } from '../../src/broker/coordinator/group/consumer-protocol';
import { Host, HostError, VsCodeApiLike } from '../../webview/src/host';
import { checkJsonTemplate, lineColumn, sourceTokens, valueProblem } from '../../webview/src/components/producer/json-check';
import { RecordStore, RecordView } from '../../webview/src/components/consumer/record-store';
import { buildFilter } from '../../webview/src/components/consumer/filter';
import { hexLines, jsonTokens, parseTimestamp } from '../../webview/src/components/common/bytes';
import { orderRecord } from './fixtures/canned';

// The shared models are exact copies of the broker's: a change on either side stops this file compiling.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameShapes: [
  Same<GroupDescription, BrokerGroupDescription>,
  Same<RebalanceRecord, BrokerRebalanceRecord>,
  Same<ResetTarget, BrokerResetTarget>,
  Same<ResetPlanRow, BrokerResetPlanRow>,
  Same<TopicPartitions, BrokerTopicPartitions>,
] = [true, true, true, true, true];

describe('webview protocol', () => {
  it('names every message <scope>/<method>, uniquely; requests answer on <method>/completion', () => {
    assert.deepEqual(sameShapes, [true, true, true, true, true]);
    const methods = Object.values(ALL_MESSAGES).map((m) => m.method);
    assert.equal(new Set(methods).size, methods.length);
    for (const m of Object.values(ALL_MESSAGES)) {
      assert.ok(m.method.startsWith(`${m.scope}/`), m.method);
      if (m instanceof IpcRequest) assert.equal(m.response.method, `${m.method}/completion`);
    }
    assert.equal(ProduceRequest.method, 'producer/produce');
    assert.ok(ConsumerRecordsNotification.is({ method: 'consumer/records' }));
  });

  it('builds the shell with a nonce-only script policy, no inline style, and the panel on <body>', () => {
    const html = webviewHtml({ panel: 'consumer', cspSource: 'https://x.vscode-cdn.net', nonce: 'abc123', scriptUri: 'https://x/dist/webview.js', title: 'T<">' });
    assert.match(html, /default-src 'none'; img-src https:\/\/x\.vscode-cdn\.net data:; font-src https:\/\/x\.vscode-cdn\.net; script-src 'nonce-abc123'; style-src https:\/\/x\.vscode-cdn\.net 'nonce-abc123'/);
    assert.match(html, /<body data-panel="consumer">/);
    assert.match(html, /<script type="module" nonce="abc123" src="https:\/\/x\/dist\/webview.js"><\/script>/);
    assert.match(html, /<meta property="csp-nonce" content="abc123">/);
    assert.match(html, /<title>T&lt;&quot;&gt;<\/title>/);
    assert.doesNotMatch(html, /style=|<style|unsafe-inline|unsafe-eval/);
    assert.equal((html.match(/<script/g) ?? []).length, (html.match(/<script[^>]* nonce="abc123"/g) ?? []).length);
    assert.doesNotMatch(webviewCsp('s', 'n'), /unsafe/);
  });
});

describe('webview host seam', () => {
  function setup() {
    const posted: IpcMessage[] = [];
    let state: unknown = { other: 1 };
    let listener: ((e: Event) => void) | undefined;
    const api: VsCodeApiLike = {
      postMessage: (m) => posted.push(m as IpcMessage),
      getState: () => state,
      setState: <T>(s: T) => ((state = s), s),
    };
    const host = new Host(api, { addEventListener: (_t: string, l: (e: Event) => void) => (listener = l) } as unknown as Window);
    const deliver = (data: unknown) => listener!({ data } as MessageEvent);
    return { host, posted, deliver, state: () => state };
  }

  it('resolves a request with the host answer that carries its id, and ignores others', async () => {
    const { host, posted, deliver } = setup();
    const p = host.request(ProduceRequest, { topic: 't', partition: null, compression: 'none', acks: -1, records: [] });
    const req = posted[0] as IpcMessage<never>;
    assert.equal(req.method, 'producer/produce');
    deliver({ ...ipcResponse(ProduceRequest, req, { records: [] }), completionId: 'someone-else' });
    deliver(ipcResponse(ProduceRequest, req, { records: [{ partition: 0, offset: 7, timestamp: 1 }] }));
    assert.deepEqual(await p, { records: [{ partition: 0, offset: 7, timestamp: 1 }] });
  });

  it('rejects with the host error and its code, and on timeout', async () => {
    const { host, posted, deliver } = setup();
    const p = host.request(ProduceRequest, { topic: 't', partition: null, compression: 'none', acks: -1, records: [] });
    deliver(ipcErrorResponse(ProduceRequest, posted[0] as IpcMessage<never>, { message: 'no such topic', code: 'UNKNOWN_TOPIC_OR_PARTITION' }));
    await assert.rejects(p, (e: HostError) => e instanceof HostError && e.code === 'UNKNOWN_TOPIC_OR_PARTITION' && e.message === 'no such topic');
    await assert.rejects(host.request(ProduceRequest, { topic: 't', partition: null, compression: 'none', acks: -1, records: [] }, 20), (e: HostError) => e.code === 'TIMEOUT');
  });

  it('calls notification handlers until unsubscribed; a throwing handler does not stop others', () => {
    const { host, deliver } = setup();
    const got: number[] = [];
    const orig = console.error;
    console.error = () => undefined;
    try {
      host.on(ConsumerRecordsNotification, () => {
        throw new Error('boom');
      });
      const off = host.on(ConsumerRecordsNotification, (p) => got.push(p.subscriptionId));
      deliver({ id: '1', scope: 'consumer', method: 'consumer/records', params: { subscriptionId: 3, records: [] }, timestamp: 0 });
      deliver({ not: 'a message' });
      off();
      deliver({ id: '2', scope: 'consumer', method: 'consumer/records', params: { subscriptionId: 4, records: [] }, timestamp: 0 });
    } finally {
      console.error = orig;
    }
    assert.deepEqual(got, [3]);
  });

  it('keeps per-panel UI state through VS Code getState/setState', () => {
    const { host, state } = setup();
    host.setState('producer', { key: 'k' });
    assert.deepEqual(state(), { other: 1, producer: { key: 'k' } });
    assert.deepEqual(host.getState('producer'), { key: 'k' });
  });
});

describe('producer value editor: JSON with templates', () => {
  it('accepts JSON whose unquoted helpers render JSON values, and helpers inside strings', () => {
    for (const ok of [
      '{"id": {{seq}}, "i": {{i}}, "at": "{{now}}", "ts": {{timestamp}}, "n": {{random.int(1,5)}}, "c": {{random.choice(1,2.5,true,null)}}}',
      '[{"u": "{{uuid}}", "s": "x-{{random.string(4)}}"}, [], {}, -1.5e3, "\\u00e9\\n"]',
      '  {"nested": {"deep": [1, [2, [3]]]}}  ',
    ]) {
      assert.equal(checkJsonTemplate(ok), undefined, ok);
    }
  });

  it('says where JSON stops being JSON, by line and column of the text as written', () => {
    const cases: Array<[string, number, number, RegExp]> = [
      ['{\n  "a": 1\n  "b": 2\n}', 3, 3, /expected ',' or '}' after a property value, found '"'/],
      ['{"a": 1,}', 1, 9, /trailing comma before '}'/],
      ['[1, 2,]', 1, 7, /trailing comma before ']'/],
      ["{'a': 1}", 1, 2, /property name in double quotes/],
      ['{"a": {{uuid}}}', 1, 7, /\{\{uuid\}\} renders text: put it in quotes \("\{\{uuid\}\}"\)/],
      ['{"a": {{random.choice(x,y)}}}', 1, 7, /renders text/],
      ['{"a": "open\n}', 1, 7, /cannot run over the end of the line/],
      ['{"a": 01}', 1, 7, /invalid number/],
      ['{"a": tru}', 1, 7, /expected a value, found 't'/],
      ['{"a": 1} x', 1, 10, /unexpected 'x' after the JSON value/],
      ['{"a": 1', 1, 8, /found the end of the value/],
    ];
    for (const [src, line, column, message] of cases) {
      const p = checkJsonTemplate(src);
      assert.ok(p, src);
      assert.deepEqual([p.line, p.column], [line, column], `${src}: ${p.message}`);
      assert.match(p.message, message, src);
    }
    assert.deepEqual(lineColumn('ab\ncd\nef', 7), { line: 3, column: 2 });
  });

  it('checks only what the mode asks for', () => {
    assert.equal(valueProblem('not json {', 'auto'), undefined, 'auto: text that does not start with { or [');
    assert.ok(valueProblem('not json {', 'json'));
    assert.equal(valueProblem('{broken', 'text'), undefined);
    assert.ok(valueProblem('  {broken', 'auto'));
  });

  it('colours JSON as written, helpers apart, the tokens adding up to the text', () => {
    const src = '{"id": {{seq}}, "at": "t={{now}}", "ok": true, "n": null, "x": -2}\n{{bad';
    const tokens = sourceTokens(src);
    assert.equal(tokens.map((t) => t.text).join(''), src);
    const kinds = tokens.filter((t) => t.kind !== 'text').map((t) => `${t.kind}:${t.text}`);
    assert.deepEqual(kinds, ['key:"id"', 'helper:{{seq}}', 'key:"at"', 'string:"t=', 'helper:{{now}}', 'string:"', 'key:"ok"', 'boolean:true', 'key:"n"', 'null:null', 'key:"x"', 'number:-2']);
  });
});

describe('consumer record ring and filter', () => {
  it('keeps the newest `capacity` records and numbers them by a growing sequence', () => {
    const s = new RecordStore(5);
    assert.equal(s.push([0, 1, 2].map((i) => orderRecord(i))), 0);
    assert.equal(s.push([3, 4, 5, 6].map((i) => orderRecord(i))), 2);
    assert.equal(s.size, 5);
    assert.equal(s.firstSeq, 2);
    assert.equal(s.get(1), undefined);
    assert.equal(s.get(6)!.value!.text, orderRecord(6).value!.text);
    assert.equal(s.get(6)!.value!.base64, '', 'UTF-8 values keep only their text');
    const bom = { ...orderRecord(7), value: { size: 5, base64: '77u/aGk=', text: 'hi', utf8: true, truncated: false } };
    s.push([bom]);
    assert.equal(s.get(7)!.value!.base64, '77u/aGk=', 'a value whose text lost its BOM keeps its bytes');
  });

  it('keeps the filtered rows in step with appends and drops', () => {
    const s = new RecordStore(6);
    const v = new RecordView(s);
    s.push([0, 1, 2, 3].map((i) => orderRecord(i)));
    const f = buildFilter({ query: '', regex: false, scope: 'all', partition: 1 });
    v.setPredicate(f.predicate);
    // Records 0..3 are in partitions 0, 1, 2, 0: one row.
    assert.equal(v.length, 1);
    assert.equal(s.get(v.seqAt(0))!.partition, 1);
    const from = s.endSeq;
    const evicted = s.push([4, 5, 6, 7].map((i) => orderRecord(i)));
    assert.equal(evicted, 2);
    const dropped = v.appended(from, evicted);
    assert.equal(dropped, 1, 'record 1 (partition 1) fell off; records 4 and 7 (partition 1) came');
    assert.deepEqual(Array.from({ length: v.length }, (_, r) => s.get(v.seqAt(r))!.offset), [1, 2]);
    assert.equal(v.rowOf(v.seqAt(1)), 1);
  });

  it('reports an invalid regex instead of throwing; searches key, value and headers', () => {
    assert.match(buildFilter({ query: '(', regex: true, scope: 'all', partition: null }).error!, /Invalid regular expression/);
    const r = orderRecord(10);
    const t = (q: string, scope: 'all' | 'key' | 'value' | 'headers', regex = false) => buildFilter({ query: q, regex, scope, partition: null }).predicate!(r);
    assert.ok(t('CUSTOMER-10', 'key'));
    assert.ok(!t('customer-10', 'headers'));
    assert.ok(t('trace-a', 'headers'));
    assert.ok(t('"orderId":1\\d', 'value', true));
    assert.ok(!t('.*', 'all'), 'text search takes regex characters literally');
    assert.ok(t('"amount":70.10', 'value'));
    assert.equal(buildFilter({ query: '', regex: false, scope: 'all', partition: null }).predicate, undefined);
  });
});

describe('webview byte helpers', () => {
  it('hex dumps, JSON tokens and timestamps', () => {
    const l = hexLines(new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x31, 0x7d, 0x00]));
    assert.deepEqual(l[0].bytes.slice(0, 8), ['7b', '22', '61', '22', '3a', '31', '7d', '00']);
    assert.equal(l[0].ascii, '{"a":1}.');
    assert.deepEqual(
      jsonTokens('{\n  "a": [1, true, null, "x"]\n}').filter((t) => t.kind !== 'punct' && t.kind !== 'space').map((t) => `${t.kind}:${t.text}`),
      ['key:"a"', 'number:1', 'boolean:true', 'null:null', 'string:"x"'],
    );
    assert.equal(parseTimestamp('1714564800000'), 1714564800000);
    assert.equal(parseTimestamp('2024-05-01T12:00:00Z'), 1714564800000);
    assert.equal(parseTimestamp('yesterday'), undefined);
  });
});
