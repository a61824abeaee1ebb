#!/usr/bin/env node
// Captures real librdkafka record batches as golden fixtures for test/unit/records/golden.test.ts.
//
// Runs a minimal fake broker (test/unit/records/support/fake-kafka.ts, compiled: run `npx tsc -p tsconfig.json`
// first), points kcat and confluent-kafka-python at it, and saves each Produce request's records field as
// test/fixtures/golden/<name>.bin with a <name>.json sidecar saying what the client was asked to produce.
// The sidecar's "header" block is read here with plain DataView calls, independently of src/broker/records.
//
// Usage: node scripts/capture-golden.mjs [name-filter]
// Needs: kcat, and /usr/bin/python3 with confluent_kafka (apt-get install -y kcat python3-confluent-kafka).
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { FakeKafkaBroker } = require(join(root, 'out/test/unit/records/support/fake-kafka.js'));
const outDir = join(root, 'test/fixtures/golden');
const PYTHON = '/usr/bin/python3';
const TOPIC = 'golden';
const IDEMPOTENT_PRODUCER_ID = 4242;
const filter = process.argv[2];

function clientVersions() {
  const kcat = spawnSync('kcat', ['-V'], { encoding: 'utf8' }).stdout.match(/Version (\S+) \(.*librdkafka (\S+)/);
  const py = spawnSync(PYTHON, ['-c', 'import confluent_kafka as c; print(c.version()[0], c.libversion()[0])'], { encoding: 'utf8' });
  const [pyVersion, pyLib] = py.stdout.trim().split(' ');
  return { kcat: `kcat ${kcat[1]} (librdkafka ${kcat[2]})`, python: `confluent-kafka-python ${pyVersion} (librdkafka ${pyLib})` };
}

// Values long and repetitive enough that every codec shrinks the batch: librdkafka sends a batch uncompressed
// when compression would not make it smaller.
const filler = (i) => `value-${i} ` + 'the quick brown fox jumps over the lazy dog; '.repeat(6);

/** kcat reads "key:value" lines; with -Z an empty key or value becomes null. Headers apply to every message. */
function kcatCase(codec) {
  const records = [
    { key: 'k1', value: filler(1) },
    { key: 'k2', value: filler(2) },
    { key: null, value: filler(3) },
    { key: 'k4', value: null },
    { key: 'k5', value: filler(5) },
  ];
  const headers = [['h1', 'v1'], ['trace-id', 'abc-123']];
  for (const r of records) r.headers = headers;
  return { name: `kcat-${codec}`, client: 'kcat', codec, records, idempotent: false };
}

/** Python sets explicit timestamps, per-record headers (one null-valued), and a binary value. */
function pythonCase(codec, idempotent) {
  const base = 1700000000000;
  const records = [
    { key: 'user-1', value: filler(1), timestamp: base, headers: [['content-type', 'text/plain']] },
    { key: null, value: filler(2), timestamp: base + 5, headers: [] },
    { key: 'user-3', value: null, timestamp: base + 3, headers: [['tombstone', null]] },
    { key: 'user-4', value: { hex: '00ff10807f' + Buffer.from(filler(4)).toString('hex') }, timestamp: base + 12, headers: [['a', 'x'], ['a', 'y']] },
    { key: { hex: 'c3a9e282ac' }, value: filler(5), timestamp: base + 9, headers: [['unicode-ключ', 'значение']] },
  ];
  return { name: `python-${codec}${idempotent ? '-idempotent' : ''}`, client: 'python', codec, records, idempotent };
}

async function capture(c, versions) {
  const broker = new FakeKafkaBroker({ topic: TOPIC, producerId: IDEMPOTENT_PRODUCER_ID });
  await broker.start();
  const startMs = Date.now();
  try {
    if (c.client === 'kcat') {
      const args = ['-P', '-b', broker.bootstrap, '-t', TOPIC, '-p', '0', '-z', c.codec, '-K', ':', '-Z', '-X', 'linger.ms=100'];
      for (const [k, v] of c.records[0].headers) args.push('-H', `${k}=${v}`);
      const input = c.records.map((r) => `${r.key ?? ''}:${r.value ?? ''}\n`).join('');
      await run('kcat', args, input);
    } else {
      const conf = { 'bootstrap.servers': broker.bootstrap, 'compression.type': c.codec, 'linger.ms': 100 };
      if (c.idempotent) conf['enable.idempotence'] = true;
      await run(PYTHON, ['-c', PY_PRODUCER, JSON.stringify(conf), TOPIC, JSON.stringify(c.records)], '');
    }
    await broker.waitForProduced(1, 10000);
  } finally {
    await broker.close();
  }
  const endMs = Date.now();
  if (broker.produced.length !== 1) throw new Error(`${c.name}: expected one produce partition, got ${broker.produced.length}`);
  const p = broker.produced[0];
  const sidecar = {
    description: `Records field of a Produce v${p.apiVersion} request from ${c.client === 'kcat' ? versions.kcat : versions.python}, compression.type=${c.codec}${c.idempotent ? ', enable.idempotence=true' : ''}`,
    client: c.client === 'kcat' ? versions.kcat : versions.python,
    capturedAt: new Date(startMs).toISOString(),
    produceApiVersion: p.apiVersion,
    compression: c.codec,
    idempotent: c.idempotent,
    expectedProducerId: c.idempotent ? IDEMPOTENT_PRODUCER_ID : -1,
    // kcat cannot set timestamps: the records carry the producer's clock, somewhere inside this window.
    timestampWindow: c.client === 'kcat' ? [startMs, endMs] : null,
    header: readHeaderIndependently(p.records),
    records: c.records.map((r) => ({ key: r.key, value: r.value, headers: r.headers, ...(r.timestamp !== undefined ? { timestamp: r.timestamp } : {}) })),
  };
  writeFileSync(join(outDir, `${c.name}.bin`), p.records);
  writeFileSync(join(outDir, `${c.name}.json`), JSON.stringify(sidecar, null, 2) + '\n');
  console.log(`${c.name}: ${p.records.length} bytes, attributes ${sidecar.header.attributes}, ${sidecar.header.recordCount} records`);
}

function readHeaderIndependently(buf) {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const i64 = (o) => Number(v.getBigInt64(o));
  return {
    baseOffset: i64(0),
    batchLength: v.getInt32(8),
    partitionLeaderEpoch: v.getInt32(12),
    magic: v.getInt8(16),
    crc: v.getUint32(17),
    attributes: v.getInt16(21),
    lastOffsetDelta: v.getInt32(23),
    baseTimestamp: i64(27),
    maxTimestamp: i64(35),
    producerId: i64(43),
    producerEpoch: v.getInt16(51),
    baseSequence: v.getInt32(53),
    recordCount: v.getInt32(57),
  };
}

const PY_PRODUCER = `
import json, sys
from confluent_kafka import Producer
conf, topic, records = json.loads(sys.argv[1]), sys.argv[2], json.loads(sys.argv[3])
def b(x):
    if x is None: return None
    if isinstance(x, dict): return bytes.fromhex(x['hex'])
    return x.encode('utf-8')
p = Producer(conf)
for r in records:
    p.produce(topic, partition=0, key=b(r['key']), value=b(r['value']), timestamp=r['timestamp'],
              headers=[(k, b(v)) for k, v in r['headers']])
left = p.flush(10)
sys.exit(1 if left else 0)
`;

function run(cmd, args, input) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited ${code}: ${stderr}`))));
    child.stdin.end(input);
  });
}

const codecs = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
const cases = [...codecs.map(kcatCase), ...codecs.map((c) => pythonCase(c, false)), pythonCase('zstd', true), pythonCase('none', true)];
mkdirSync(outDir, { recursive: true });
const versions = clientVersions();
for (const c of cases) if (!filter || c.name.includes(filter)) await capture(c, versions);
