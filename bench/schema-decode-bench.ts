/**
 * Schema decode benchmark (issue 19, point 6): how fast the consumer panel's host takes in Avro records compared with
 * plain JSON ones. Goal: the Avro topic within 2x the time of the JSON one.
 *
 * The broker with its embedded schema registry as the extension runs it (BENCH_BROKER=worker, the default:
 * EmbeddedCluster starting dist/worker.js, so the panel's host reads records over the worker's RPC and the broker's
 * garbage is not the host's), or a BrokerService in this process (BENCH_BROKER=inline, as the host tests start it);
 * two one-partition topics holding the same N orders (about ten fields: a long id, strings, an enum, a
 * nested address record, an array of line items, a nullable string, a double): `orders-json` as JSON.stringify
 * text, `orders-avro` in Confluent's wire format through the registry (the schema registered under
 * `orders-avro-value`, encoded with SchemaSerde.encode). The real ConsumerRouter (its ConsumerSession, default
 * options, as a panel opens) reads each from earliest into a sink standing for the webview: it serializes every
 * message as the webview channel does (JSON) and counts the records in `consumer/records` notifications.
 *
 * 1. Panel: from the SubscribeRequest (earliest) to the N-th record posted, the two topics taking turns for
 *    BENCH_RUNS rounds after a warm-up round each (the registry's schema fetch and the JIT land there); wall time,
 *    records/s and the main thread's CPU time (inline: the broker's fetches too, on both sides).
 * 2. Decode alone, over the same N values in memory: what the session does per value for each side (the BytesView
 *    of the bytes; for Avro also SchemaSerde.decodeCached and the decoded view), SchemaSerde.decodeCached by itself,
 *    and JSON.parse of the JSON text for scale.
 *
 * Run: npm run bench -- schema-decode. Environment: BENCH_RECORDS (default 100,000), BENCH_RUNS (default 5),
 * BENCH_BROKER (worker or inline).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { BrokerService } from '../src/service/broker-service';
import { EmbeddedCluster } from '../src/clusters/embedded-cluster';
import type { BrokerApi, BrokerEventSource } from '../src/broker/api';
import { SchemaRegistries } from '../src/schemas/registry-source';
import { decodeField } from '../src/schemas/decoded-view';
import type { SchemaSerde } from '../src/schemas/schema-serde';
import { ConsumerRouter } from '../src/webviews/consumer-router';
import { viewOfBase64 } from '../src/webviews/consumer-session';
import type { BrokerSource, LinkedDocument, PanelEnvironment } from '../src/webviews/panel-router';
import {
  CONSUMER_MAX_RECORDS,
  ConsumerRecordsNotification,
  ConsumerStatusNotification,
  IpcMessage,
  SubscribeRequest,
  WebviewReadyCommand,
  ipcMessage,
} from '../src/shared/webview-protocol';

const N = Number(process.env.BENCH_RECORDS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const BATCH = 500;
const PREVIEW = 64 * 1024; // the session's default maxPreviewBytes
const BROKER = process.env.BENCH_BROKER === 'inline' ? 'inline' : 'worker';

const ORDER_SCHEMA = JSON.stringify({
  type: 'record',
  name: 'Order',
  namespace: 'com.example.shop',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'customerId', type: 'string' },
    { name: 'email', type: 'string' },
    { name: 'status', type: { type: 'enum', name: 'OrderStatus', symbols: ['PENDING', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED'] } },
    { name: 'createdAt', type: 'long' },
    { name: 'currency', type: 'string' },
    { name: 'total', type: 'double' },
    { name: 'note', type: ['null', 'string'], default: null },
    {
      name: 'shippingAddress',
      type: {
        type: 'record',
        name: 'Address',
        fields: [
          { name: 'street', type: 'string' },
          { name: 'city', type: 'string' },
          { name: 'postalCode', type: 'string' },
          { name: 'country', type: 'string' },
        ],
      },
    },
    {
      name: 'items',
      type: {
        type: 'array',
        items: {
          type: 'record',
          name: 'LineItem',
          fields: [
            { name: 'sku', type: 'string' },
            { name: 'quantity', type: 'int' },
            { name: 'unitPrice', type: 'double' },
          ],
        },
      },
    },
  ],
});

const STATUSES = ['PENDING', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED'];
const CITIES = ['Lisbon', 'Berlin', 'Toronto', 'Osaka', 'Nairobi', 'Lima', 'Oslo', 'Perth'];
const COUNTRIES = ['PT', 'DE', 'CA', 'JP', 'KE', 'PE', 'NO', 'AU'];

/** The i-th order, the same on both topics (a fixed pseudo-random sequence). */
function order(i: number): Record<string, unknown> {
  let seed = (i * 2654435761) >>> 0;
  const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const items = Array.from({ length: 1 + Math.floor(rnd() * 4) }, (_, k) => ({
    sku: `SKU-${(100000 + Math.floor(rnd() * 900000)).toString()}-${k}`,
    quantity: 1 + Math.floor(rnd() * 5),
    unitPrice: Math.round(rnd() * 20000) / 100,
  }));
  const c = Math.floor(rnd() * CITIES.length);
  return {
    id: 1_700_000_000_000 + i,
    customerId: `cust-${Math.floor(rnd() * 50000)}`,
    email: `customer${Math.floor(rnd() * 50000)}@example.com`,
    status: STATUSES[Math.floor(rnd() * STATUSES.length)],
    createdAt: 1_764_000_000_000 + i * 37,
    currency: 'EUR',
    total: Math.round(items.reduce((s, it) => s + it.quantity * it.unitPrice, 0) * 100) / 100,
    note: rnd() < 0.5 ? null : 'Leave the parcel with the neighbour if nobody is home',
    shippingAddress: { street: `${1 + Math.floor(rnd() * 300)} Harbour Road`, city: CITIES[c], postalCode: `${10000 + Math.floor(rnd() * 89999)}`, country: COUNTRIES[c] },
    items,
  };
}

/** The webview: every message crosses the channel as JSON; records in `consumer/records` are counted. */
class CountingEnv implements PanelEnvironment {
  records = 0;
  bytes = 0;
  private target = Infinity;
  private done: (() => void) | undefined;

  post(message: IpcMessage): unknown {
    this.bytes += JSON.stringify(message).length;
    if (message.method === ConsumerRecordsNotification.method) {
      this.records += (message.params as { records: unknown[] }).records.length;
      if (this.records >= this.target) this.done?.();
    } else if (message.method === ConsumerStatusNotification.method) {
      const s = message.params as { status: string; message?: string };
      if (s.status === 'error') console.error(`  status error: ${s.message}`);
    }
    return undefined;
  }
  until(n: number): Promise<void> {
    this.target = n;
    return this.records >= n ? Promise.resolve() : new Promise((r) => (this.done = r));
  }
  copy(): void {}
  showMessage(level: string, message: string): void {
    console.error(`  ${level}: ${message}`);
  }
  openDocument(): void {}
  async editDocument(): Promise<LinkedDocument> {
    return { name: 'x', dispose: () => undefined };
  }
  openExternal(): void {}
  log(level: string, message: string): void {
    if (level !== 'info') console.error(`  log ${level}: ${message}`);
  }
}

interface Round {
  ms: number;
  cpuMs: number;
  postedMB: number;
}

/** One consumer panel reading the topic from earliest until it has posted all N records. */
async function panelRound(source: BrokerSource, topic: string): Promise<Round> {
  const env = new CountingEnv();
  // The panel's own options; a buffer at least N so that reading from earliest takes them all.
  const router = new ConsumerRouter(source, env, topic, N > CONSUMER_MAX_RECORDS ? { maxRecords: N } : {});
  await router.handle(JSON.parse(JSON.stringify(ipcMessage(WebviewReadyCommand, { panel: 'consumer' }))) as IpcMessage);
  env.bytes = 0;
  const all = env.until(N);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await router.handle(JSON.parse(JSON.stringify(ipcMessage(SubscribeRequest, { topic, partitions: null, start: { kind: 'earliest' } }))) as IpcMessage);
  await all;
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  router.dispose();
  if (env.records !== N) throw new Error(`${topic}: ${env.records} records posted, not ${N}`);
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, postedMB: env.bytes / 1024 / 1024 };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const rate = (ms: number) => Math.round(N / (ms / 1000)).toLocaleString('en-US');

/** Milliseconds of fn over the N values, the median of `rounds` after one warm-up. */
function timed(rounds: number, fn: () => void): number {
  fn();
  const out: number[] = [];
  for (let r = 0; r < rounds; r++) {
    gc();
    const t0 = performance.now();
    fn();
    out.push(performance.now() - t0);
  }
  return median(out);
}

async function main(): Promise<void> {
  console.log(`machine: ${os.cpus()[0].model}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 1024 ** 3)} GB, node ${process.version}, ${os.type()} ${os.release()}`);
  console.log(`date: ${new Date().toISOString()}, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`records: ${N.toLocaleString('en-US')} per topic, ${RUNS} rounds`);

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-schema-bench-'));
  const options = { dataDir, nodes: 1, basePort: 0, host: '127.0.0.1', schemaRegistry: { port: 0 } };
  let service: BrokerApi & BrokerEventSource & { stop(): Promise<unknown> };
  if (BROKER === 'worker') {
    const cluster = new EmbeddedCluster({ workerPath: path.join(__dirname, '..', '..', 'dist', 'worker.js'), broker: options });
    await cluster.start();
    service = cluster;
  } else {
    const inline = new BrokerService(options);
    await inline.start();
    service = inline;
  }
  console.log(`broker: ${BROKER === 'worker' ? 'in its worker thread (dist/worker.js), as in the extension' : 'in this thread'}`);
  try {
    const url = (await service.status()).schemaRegistryUrl;
    if (!url) throw new Error('the embedded schema registry did not start');
    const registries = new SchemaRegistries(async () => ({ url }));
    const serde: SchemaSerde = (await registries.serde())!;
    const source: BrokerSource = { api: async () => service, onEvent: (l) => service.onEvent(l), schemas: () => registries.serde() };

    // The two topics, the same orders.
    await service.createTopic({ name: 'orders-json', partitions: 1 });
    await service.createTopic({ name: 'orders-avro', partitions: 1 });
    await serde.client.register('orders-avro-value', { schema: ORDER_SCHEMA, schemaType: 'AVRO', references: [] });
    const jsonTexts: string[] = [];
    const avroB64: string[] = [];
    const t0 = performance.now();
    for (let from = 0; from < N; from += BATCH) {
      const json: Array<{ key: string; value: string }> = [];
      const avro: Array<{ key: string; value: { base64: string } }> = [];
      for (let i = from; i < Math.min(N, from + BATCH); i++) {
        const o = order(i);
        const text = JSON.stringify(o);
        const b64 = (await serde.encode(o, { subject: 'orders-avro-value' })).bytes.toString('base64');
        jsonTexts.push(text);
        avroB64.push(b64);
        json.push({ key: `order-${i}`, value: text });
        avro.push({ key: `order-${i}`, value: { base64: b64 } });
      }
      await service.produce({ topic: 'orders-json', records: json });
      await service.produce({ topic: 'orders-avro', records: avro });
    }
    const avg = (xs: string[], f: (s: string) => number) => (xs.reduce((s, x) => s + f(x), 0) / xs.length).toFixed(0);
    console.log(
      `produced in ${((performance.now() - t0) / 1000).toFixed(1)} s: values JSON ${avg(jsonTexts, (s) => Buffer.byteLength(s))} B on average, Avro ${avg(avroB64, (s) => Buffer.from(s, 'base64').length)} B (5 of them the wire-format header)`,
    );
    console.log(`example JSON value: ${jsonTexts[1]}`);

    // 1. The panel, the two topics taking turns.
    const sides = [
      { name: 'json', topic: 'orders-json' },
      { name: 'avro', topic: 'orders-avro' },
    ] as const;
    const results: Record<'json' | 'avro', Round[]> = { json: [], avro: [] };
    const show = (r: Round) => `${r.ms.toFixed(0)} ms (${rate(r.ms)} records/s, CPU ${r.cpuMs.toFixed(0)} ms, ${r.postedMB.toFixed(1)} MB posted)`;
    for (let round = 0; round <= RUNS; round++) {
      const line: string[] = [];
      for (const s of sides) {
        gc();
        const r = await panelRound(source, s.topic);
        if (round > 0) results[s.name].push(r);
        line.push(`${s.name} ${show(r)}`);
      }
      const ratio = round > 0 ? (results.avro[round - 1].ms / results.json[round - 1].ms).toFixed(2) : '-';
      console.log(`${round === 0 ? 'warm-up' : `round ${round}`}: ${line.join('; ')}; avro/json ${ratio}`);
    }
    const med = (side: 'json' | 'avro', f: (r: Round) => number) => median(results[side].map(f));
    const ratios = results.avro.map((a, i) => a.ms / results.json[i].ms);
    console.log(`\nconsumer panel, subscribe (earliest) to all ${N.toLocaleString('en-US')} records posted, medians of ${RUNS}:`);
    for (const s of sides) console.log(`  ${s.name}: ${med(s.name, (r) => r.ms).toFixed(0)} ms = ${rate(med(s.name, (r) => r.ms))} records/s; CPU ${med(s.name, (r) => r.cpuMs).toFixed(0)} ms (process: host and broker)`);
    console.log(`  avro/json time: ${(med('avro', (r) => r.ms) / med('json', (r) => r.ms)).toFixed(2)} (per round ${ratios.map((x) => x.toFixed(2)).join(', ')}; median ${median(ratios).toFixed(2)}); CPU ${(med('avro', (r) => r.cpuMs) / med('json', (r) => r.cpuMs)).toFixed(2)} (goal time <= 2)`);

    // 2. Decode alone, the N values in memory.
    const ctx = { topic: 'orders-avro', isKey: false };
    const avroBufs = avroB64.map((b) => Buffer.from(b, 'base64'));
    // The JSON side's base64 as it comes over the RPC, made outside the timing.
    const jsonB64 = jsonTexts.map((t) => Buffer.from(t).toString('base64'));
    const sink: unknown[] = new Array(N);
    const micro = [
      {
        name: 'JSON value as the session shows it (viewOfBase64)',
        fn: () => {
          for (let i = 0; i < N; i++) sink[i] = viewOfBase64(jsonB64[i], PREVIEW);
        },
      },
      {
        name: 'Avro value as the session shows it (decodeField, its text never made)',
        fn: () => {
          for (let i = 0; i < N; i++) {
            const b64 = avroB64[i];
            const bytes = Buffer.from(b64, 'base64');
            sink[i] = decodeField(serde, bytes, ctx, (withText) => (withText ? viewOfBase64(b64, PREVIEW) : { size: bytes.length, base64: b64, text: '', utf8: true, truncated: false }));
          }
        },
      },
      {
        name: 'SchemaSerde.decodeCached alone (Avro bytes to JSON text)',
        fn: () => {
          for (let i = 0; i < N; i++) sink[i] = serde.decodeCached(avroBufs[i], ctx);
        },
      },
      {
        name: 'JSON.parse of the JSON text (for scale; the panel does not)',
        fn: () => {
          for (let i = 0; i < N; i++) sink[i] = JSON.parse(jsonTexts[i]);
        },
      },
    ];
    console.log(`\ndecode alone, ${N.toLocaleString('en-US')} values in memory, median of ${RUNS}:`);
    const figures: number[] = [];
    for (const m of micro) {
      // SchemaSerde keeps the subjects of an id for 60 s: once they expire decodeCached answers undefined (and the
      // session awaits decode). Refreshed here so that every value below takes the synchronous path.
      await serde.decode(avroBufs[0], ctx);
      const ms = timed(RUNS, m.fn);
      const bad = sink.findIndex((x) => x === undefined || x instanceof Promise || (x as { kind?: string }).kind === 'error' || (x as { kind?: string }).kind === 'plain' || (x as { schema?: { error?: string } }).schema?.error !== undefined);
      if (bad >= 0) throw new Error(`${m.name}: value ${bad} was not decoded synchronously (${String(sink[bad])})`);
      figures.push(ms);
      console.log(`  ${m.name}: ${ms.toFixed(0)} ms = ${((ms * 1000) / N).toFixed(2)} us/value (${rate(ms)}/s)`);
    }
    console.log(`  Avro/JSON as the session shows them: ${(figures[1] / figures[0]).toFixed(2)}`);
  } finally {
    await service.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
