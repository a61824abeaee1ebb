/**
 * Proves librdkafka reads what we write: a fake broker serves batches encoded here, with every codec, in Fetch
 * responses to `kcat -C` (librdkafka 2.0.2) with CRC checking on, and kcat must print back exactly our records.
 * Runs only where kcat is installed (CI installs it; the reporter counts a skip as a failure there).
 */
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { CompressionType, compressionName, initCompression } from '../../../src/broker/records/compression';
import { RecordInput } from '../../../src/broker/records/record';
import { encodeRecordBatch } from '../../../src/broker/records/record-batch';
import { FakeKafkaBroker } from './support/fake-kafka';

const hasKcat = !spawnSync('kcat', ['-V']).error;
const TOPIC = 'ours';
const CODECS = [CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd];

interface KcatMessage {
  offset: number;
  ts: number;
  tstype: string;
  key: string | null;
  payload: string | null;
  headers?: Array<string | null>;
}

async function consumeWithKcat(batches: Buffer, highWatermark: number): Promise<KcatMessage[]> {
  const broker = new FakeKafkaBroker({ topic: TOPIC, fetchData: new Map([[0, { records: batches, highWatermark }]]) });
  await broker.start();
  try {
    const args = ['-C', '-b', broker.bootstrap, '-t', TOPIC, '-p', '0', '-o', '0', '-e', '-J', '-Z', '-q', '-X', 'check.crcs=true'];
    const child = spawn('kcat', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill(), 10000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    clearTimeout(timer);
    assert.equal(code, 0, `kcat failed: ${stderr}`);
    return stdout
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as KcatMessage);
  } finally {
    await broker.close();
  }
}

/** kcat -J prints headers as a flat [key, value, key, value...] list and omits it when there are none. */
function expected(records: RecordInput[], baseOffset: number): KcatMessage[] {
  return records.map((r, i) => {
    const m: KcatMessage = {
      offset: baseOffset + i,
      ts: r.timestamp!,
      tstype: 'create',
      key: r.key ? r.key.toString() : null,
      payload: r.value ? r.value.toString() : null,
    };
    if (r.headers?.length) m.headers = r.headers.flatMap((h) => [h.key, h.value ? h.value.toString() : null]);
    return m;
  });
}

function pick(m: KcatMessage): KcatMessage {
  const out: KcatMessage = { offset: m.offset, ts: m.ts, tstype: m.tstype, key: m.key, payload: m.payload };
  if (m.headers) out.headers = m.headers;
  return out;
}

function sampleRecords(tag: string, base: number): RecordInput[] {
  const text = (i: number): string => `${tag} value ${i}: ` + 'all work and no play makes jack a dull boy. '.repeat(8);
  return [
    { key: Buffer.from(`${tag}-k0`), value: Buffer.from(text(0)), timestamp: base, headers: [{ key: 'h1', value: Buffer.from('x') }, { key: 'empty', value: null }] },
    { key: null, value: Buffer.from(text(1)), timestamp: base + 7 },
    { key: Buffer.from(`${tag}-k2`), value: null, timestamp: base + 3 },
    { key: Buffer.from(`${tag}-k3`), value: Buffer.from(text(3)), timestamp: base + 11, headers: [{ key: 'trace', value: Buffer.from(tag) }] },
  ];
}

/** ~120 KB of mostly compressible ASCII per record: several LZ4 blocks, several xerial chunks. */
function largeRecords(tag: string, base: number): RecordInput[] {
  let seed = tag.length * 7919;
  const noise = (n: number): string => {
    let s = '';
    for (let i = 0; i < n; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      s += 'abcdefghijklmnopqrstuvwxyz0123456789'[seed % 36];
    }
    return s;
  };
  return [0, 1, 2].map((i) => ({
    key: Buffer.from(`${tag}-big-${i}`),
    value: Buffer.from(`${tag} ${i} ` + 'lorem ipsum dolor sit amet '.repeat(3700) + noise(20000)),
    timestamp: base + i,
  }));
}

describe('librdkafka (kcat) consumes batches we encoded', function () {
  before(async function () {
    if (!hasKcat) this.skip();
    await initCompression();
  });

  for (const codec of CODECS) {
    it(`reads our ${compressionName(codec)} batch: keys, null keys and values, headers, offsets, timestamps, CRC`, async () => {
      const records = sampleRecords(compressionName(codec), 1700000000000);
      const batch = encodeRecordBatch({ baseOffset: 0, compression: codec, records });
      const got = await consumeWithKcat(batch, records.length);
      assert.deepEqual(got.map(pick), expected(records, 0));
    });
  }

  it('reads large multi-block batches of every codec back to back in one partition', async () => {
    const parts: Buffer[] = [];
    const want: KcatMessage[] = [];
    let offset = 0;
    for (const codec of CODECS) {
      const records = largeRecords(compressionName(codec), 1710000000000 + offset);
      parts.push(encodeRecordBatch({ baseOffset: offset, compression: codec, records }));
      want.push(...expected(records, offset));
      offset += records.length;
    }
    const got = await consumeWithKcat(Buffer.concat(parts), offset);
    assert.equal(got.length, want.length);
    got.forEach((m, i) => {
      assert.deepEqual(pick(m), want[i], `message at offset ${want[i].offset}`);
    });
  });
});
