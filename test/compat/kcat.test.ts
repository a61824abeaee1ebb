/**
 * kcat (librdkafka 2.0.2) against the real broker: -P with every codec, keys, headers, NULL values, acks; -C from
 * the beginning, the end, an offset, an offset relative to the end and a timestamp, with -f format strings, and
 * -L metadata. Every message is checked, both as kcat prints it and as the broker stored it.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { startTestBroker, TestBroker } from '../support/broker';
import { encodeRecordBatch } from '../../src/broker/records/record-batch';
import { KCAT, haveKcat, run, runOk, storedRecords, sleep, waitForLogEnd } from './helpers';

const CODECS = [
  ['gzip', 1],
  ['snappy', 2],
  ['lz4', 3],
  ['zstd', 4],
] as const;

describe('compat: kcat (librdkafka 2.0.2)', function () {
  this.timeout(60000);
  let broker: TestBroker;
  let b: string;

  before(async function () {
    if (!haveKcat()) return this.skip();
    broker = await startTestBroker();
    b = broker.bootstrap;
  });
  after(async () => broker?.stop());

  const kcat = (args: string[], input?: string) => runOk(KCAT, ['-b', b, ...args], { input, timeoutMs: 30000 });
  /** kcat -C ... -e with a format; returns the printed lines. */
  const consume = async (topic: string, args: string[], format: string) => {
    const out = await kcat(['-C', '-t', topic, '-e', '-q', '-X', 'fetch.wait.max.ms=50', ...args, '-f', format]);
    return out.split('\n').filter((l) => l !== '');
  };

  it('-L -J: lists the broker and the topics with their partitions', async () => {
    broker.cluster.createTopic('kcat-meta', 3, 1);
    const md = JSON.parse(await kcat(['-L', '-J', '-t', 'kcat-meta'])) as {
      controllerid: number;
      brokers: Array<{ id: number; name: string }>;
      topics: Array<{ topic: string; error?: string; partitions: Array<{ partition: number; leader: number; replicas: Array<{ id: number }>; isrs: Array<{ id: number }> }> }>;
    };
    assert.equal(md.controllerid, 0);
    assert.deepEqual(md.brokers, [{ id: 0, name: b }]);
    assert.equal(md.topics.length, 1);
    assert.equal(md.topics[0].topic, 'kcat-meta');
    assert.equal(md.topics[0].error, undefined);
    assert.deepEqual(
      md.topics[0].partitions.map((p) => [p.partition, p.leader, p.replicas.map((r) => r.id), p.isrs.map((r) => r.id)]).sort(),
      [[0, 0, [0], [0]], [1, 0, [0], [0]], [2, 0, [0], [0]]],
    );
  });

  for (const [codec, id] of CODECS) {
    it(`-P -z ${codec}: 2000 keyed messages stored ${codec}-compressed, -C reads every one back`, async () => {
      const topic = `kcat-${codec}`;
      const n = 2000;
      const lines = Array.from({ length: n }, (_, i) => `key-${i}:${codec} value ${i} ${'payload-'.repeat(10 + (i % 13))}`);
      await kcat(['-P', '-t', topic, '-z', codec, '-K', ':', '-X', 'linger.ms=20'], lines.join('\n') + '\n');
      const stored = storedRecords(broker.cluster, topic);
      assert.equal(stored.length, n);
      // librdkafka sends a batch uncompressed when compressing would not make it smaller; with these values that
      // should be rare, and no other codec may show up.
      const codecs = new Set(stored.map((r) => r.compression));
      assert.ok([...codecs].every((c) => c === id || c === 0), `stored with codecs ${[...codecs]}`);
      const compressed = stored.filter((r) => r.compression === id).length;
      assert.ok(compressed >= n * 0.9, `only ${compressed} of ${n} records were in ${codec} batches`);
      assert.deepEqual(stored.map((r) => `${r.key}:${r.value}`), lines);
      assert.deepEqual(stored.map((r) => r.offset), Array.from({ length: n }, (_, i) => i));
      const read = await consume(topic, ['-o', 'beginning'], '%o\t%k\t%s\n');
      assert.deepEqual(read, lines.map((l, i) => `${i}\t${l.replace(':', '\t')}`));
    });
  }

  for (const acks of ['0', '1', 'all']) {
    it(`-P -X acks=${acks}: every message appended once, in order`, async () => {
      const topic = `kcat-acks-${acks}`;
      const values = Array.from({ length: 500 }, (_, i) => `acks=${acks} #${i}`);
      await kcat(['-P', '-t', topic, '-X', `acks=${acks}`], values.join('\n') + '\n');
      // With acks=0 kcat cannot know when the broker appended: wait for the log.
      await waitForLogEnd(broker.cluster, topic, values.length);
      assert.deepEqual(storedRecords(broker.cluster, topic).map((r) => r.value), values);
      assert.deepEqual(await consume(topic, ['-o', 'beginning'], '%s\n'), values);
    });
  }

  it('-P -H: headers (repeated keys, empty values) on every message, printed by %h', async () => {
    const topic = 'kcat-headers';
    await kcat(['-P', '-t', topic, '-K', ':', '-H', 'trace=abc-123', '-H', 'dup=1', '-H', 'dup=2', '-H', 'empty='], 'k1:v1\nk2:v2\n');
    const stored = storedRecords(broker.cluster, topic);
    assert.equal(stored.length, 2);
    for (const r of stored) {
      assert.deepEqual(r.headers.map(([k]) => k), ['trace', 'dup', 'dup', 'empty']);
      assert.deepEqual(r.headers.slice(0, 3), [['trace', 'abc-123'], ['dup', '1'], ['dup', '2']]);
      assert.ok(r.headers[3][1] === '' || r.headers[3][1] === null);
    }
    assert.deepEqual(await consume(topic, ['-o', 'beginning'], '%k=%s [%h]\n'), ['k1=v1 [trace=abc-123,dup=1,dup=2,empty=]', 'k2=v2 [trace=abc-123,dup=1,dup=2,empty=]']);
  });

  it('-P -Z: empty keys and values are sent as NULL; -C prints their lengths as -1', async () => {
    const topic = 'kcat-nulls';
    await kcat(['-P', '-t', topic, '-K', ':', '-Z'], 'k1:v1\ntombstone:\n:no-key\nwhole line without delimiter\n');
    assert.deepEqual(storedRecords(broker.cluster, topic).map((r) => [r.key, r.value]), [
      ['k1', 'v1'],
      ['tombstone', null],
      [null, 'no-key'],
      [null, 'whole line without delimiter'],
    ]);
    assert.deepEqual(await consume(topic, ['-o', 'beginning', '-Z'], '%o %K %S %k %s\n'), [
      '0 2 2 k1 v1',
      '1 9 -1 tombstone NULL',
      '2 -1 6 NULL no-key',
      '3 -1 28 NULL whole line without delimiter',
    ]);
  });

  for (const fallback of ['0.8.2', '0.9.0', '0.10.0']) {
    it(`-P as a Kafka ${fallback} client (api.version.request=false: Produce v0-2, message format v0/v1), gzip and plain: read back by a current client`, async () => {
      const topic = `kcat-legacy-${fallback.replace(/\./g, '')}`;
      const lines = Array.from({ length: 300 }, (_, i) => `key-${i}:old client ${fallback} #${i}`);
      for (const codec of ['none', 'gzip']) {
        await kcat(['-P', '-t', topic, '-p', '0', '-K', ':', '-z', codec, '-X', 'api.version.request=false', '-X', `broker.version.fallback=${fallback}`], lines.join('\n') + '\n');
      }
      const stored = storedRecords(broker.cluster, topic);
      assert.deepEqual(stored.map((r) => `${r.key}:${r.value}`), [...lines, ...lines]);
      assert.deepEqual(stored.map((r) => r.offset), Array.from({ length: 600 }, (_, i) => i), 'offsets are the broker\'s');
      assert.ok(stored.slice(300).some((r) => r.compression === 1), 'the gzip wrapper messages stay gzip');
      const read = await consume(topic, ['-o', 'beginning'], '%k:%s\n');
      assert.deepEqual(read, [...lines, ...lines]);
    });
  }

  // librdkafka takes api.version.request=false only with a fallback older than 0.10.0 (from 0.10.0 on it asks
  // ApiVersions anyway): Fetch v0 and v1 here; v2 and v3 (message format v1) are in test/integration/old-request-versions.
  it('-C as Kafka 0.8.2 / 0.9.0 clients (Fetch v0-1, ListOffsets v0): records of every codec down-converted to message format v0', async () => {
    const topic = 'kcat-down';
    const lines = (codec: string) => Array.from({ length: 50 }, (_, i) => `${codec}-${i}:value ${i} of ${codec}`);
    // A current producer writes RecordBatch v2, with a header each (lost in message format v0, as in Kafka).
    for (const codec of ['none', 'gzip', 'snappy', 'lz4']) await kcat(['-P', '-t', topic, '-p', '0', '-K', ':', '-z', codec, '-H', 'h=x'], lines(codec).join('\n') + '\n');
    const all = ['none', 'gzip', 'snappy', 'lz4'].flatMap(lines);
    for (const fallback of ['0.8.2', '0.9.0']) {
      const old = ['-p', '0', '-o', 'beginning', '-X', 'api.version.request=false', '-X', `broker.version.fallback=${fallback}`];
      assert.deepEqual(await consume(topic, old, '%k:%s\n'), all, `${fallback}: every record, in order`);
      const ts = (await consume(topic, old, '%T\n')).map(Number);
      assert.ok(ts.every((t) => t <= 0), `${fallback}: no timestamps in message format v0 (${ts.slice(0, 3).join(',')})`);
      // From the middle: an old client starts at its offset, also inside a compressed wrapper message.
      assert.deepEqual(await consume(topic, ['-p', '0', '-o', '75', '-X', 'api.version.request=false', '-X', `broker.version.fallback=${fallback}`], '%o\n'), Array.from({ length: 125 }, (_, i) => String(75 + i)));
    }
    // The Kafka 4 upgrade check lists these kcat runs with what Kafka 4.0 refuses (Fetch v0-1, ListOffsets v0).
    const refused = broker.server.clients.list().flatMap((c) => c.kafka4.map((p) => `${p.api} v${p.version}`));
    for (const r of ['Fetch v0', 'Fetch v1', 'ListOffsets v0']) assert.ok(refused.includes(r), `${r} listed: ${refused.join(', ')}`);
    // The broker log shows what the conversions cost, per fetch.
    for (const v of [0, 1]) {
      assert.ok(broker.logger.lines.some((l) => l.includes(`Fetch v${v} from`) && new RegExp(`records of ${topic}-0 down-converted to message format v0, \\d+ → \\d+ bytes in [\\d.]+ ms`).test(l)), `Fetch v${v} logged`);
    }
  });

  it('-G as a Kafka 0.9.0 client: joins a group with JoinGroup v0, reads every partition, commits (OffsetCommit v2) and resumes from the commits', async () => {
    const topic = 'kcat-old-group';
    broker.cluster.createTopic(topic, 3, 1);
    const lines = Array.from({ length: 30 }, (_, i) => `m${i}`);
    await kcat(['-P', '-t', topic, '-z', 'gzip'], lines.join('\n') + '\n');
    const old = ['-X', 'api.version.request=false', '-X', 'broker.version.fallback=0.9.0', '-X', 'auto.offset.reset=earliest', '-X', 'session.timeout.ms=6000'];
    const read = (await kcat(['-G', 'kcat-old', ...old, '-e', '-q', '-f', '%s\n', topic])).split('\n').filter((l) => l !== '');
    assert.deepEqual([...read].sort(), [...lines].sort());
    const committed = broker.cluster.groupCoordinator.fetchOffsets('kcat-old', null);
    assert.deepEqual(committed.map((o) => o.offset).reduce((a, b) => a + b, 0), 30, `committed to the end: ${JSON.stringify(committed)}`);
    // Started again, the group resumes from its commits: nothing left to read.
    await kcat(['-P', '-t', topic, '-p', '1'], 'after\n');
    const again = (await kcat(['-G', 'kcat-old', ...old, '-e', '-q', '-f', '%s\n', topic])).split('\n').filter((l) => l !== '');
    assert.deepEqual(again, ['after']);
    const used = new Map(broker.server.clients.list().flatMap((c) => c.apis.map((a) => [a.api, a.versions] as const)));
    assert.ok(used.get('JoinGroup')?.includes(0), `JoinGroup v0: ${JSON.stringify([...used])}`);
    assert.ok(used.get('OffsetCommit')?.includes(2));
    assert.ok(used.get('OffsetFetch')?.includes(1));
  });

  it('-C -o past the end: the offset is reset (auto.offset.reset) and kcat ends, with no parse failure', async () => {
    const topic = 'kcat-out-of-range';
    await kcat(['-P', '-t', topic, '-p', '0'], 'one\ntwo\nthree\n');
    // An OFFSET_OUT_OF_RANGE partition carries empty records; null ones made librdkafka fail the whole response
    // ("invalid MessageSetSize -1") and refetch forever.
    const r = await run(KCAT, ['-b', b, '-C', '-t', topic, '-p', '0', '-o', '100', '-e', '-X', 'fetch.wait.max.ms=50', '-X', 'debug=fetch', '-X', 'auto.offset.reset=earliest'], { timeoutMs: 20000 });
    assert.equal(r.signal, null, `kcat did not end: ${r.stderr.slice(-2000)}`);
    assert.equal(r.code, 0, r.stderr.slice(-2000));
    assert.doesNotMatch(r.stderr, /MessageSetSize|parse failure|Protocol parse/i);
    assert.match(r.stderr, /OFFSET_OUT_OF_RANGE|out of range/i, 'the broker answered out of range (the debug log shows it)');
    assert.deepEqual(r.stdout.split('\n').filter((l) => l !== ''), ['one', 'two', 'three'], 'reset to the earliest offset');
  });

  describe('-C start positions on records with known timestamps', () => {
    const topic = 'kcat-positions';
    const base = Date.now() - 3600_000;
    const N = 20;
    const expectedLine = (i: number) => `0|${i}|${base + i * 1000}|key-${i}|value-${i}`;
    const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => expectedLine(from + k));

    before(() => {
      broker.cluster.createTopic(topic, 1, 1);
      // Four batches of five, written by the broker's own encoder: kcat must decode them.
      for (let batch = 0; batch < 4; batch++) {
        const records = Array.from({ length: 5 }, (_, k) => {
          const i = batch * 5 + k;
          return { key: Buffer.from(`key-${i}`), value: Buffer.from(`value-${i}`), timestamp: base + i * 1000 };
        });
        broker.cluster.append(topic, 0, encodeRecordBatch({ records }));
      }
    });

    it('-o beginning prints every message with its partition, offset, timestamp, key and value', async () => {
      assert.deepEqual(await consume(topic, ['-o', 'beginning'], '%p|%o|%T|%k|%s\n'), range(0, N));
    });

    it('-o <offset> starts at that offset, inside a batch', async () => {
      assert.deepEqual(await consume(topic, ['-o', '7'], '%p|%o|%T|%k|%s\n'), range(7, N));
    });

    it('-o -<n> starts n messages before the end', async () => {
      assert.deepEqual(await consume(topic, ['-o', '-4'], '%p|%o|%T|%k|%s\n'), range(16, N));
    });

    it('-o s@<ms> starts at the first message at or after the timestamp', async () => {
      assert.deepEqual(await consume(topic, ['-o', `s@${base + 6500}`], '%p|%o|%T|%k|%s\n'), range(7, N));
      assert.deepEqual(await consume(topic, ['-o', `s@${base + 12000}`], '%p|%o|%T|%k|%s\n'), range(12, N));
      assert.deepEqual(await consume(topic, ['-o', `s@${base - 1}`], '%p|%o|%T|%k|%s\n'), range(0, N));
    });

    it('-o end sees only what is produced after it started', async () => {
      const child = spawn(KCAT, ['-b', b, '-C', '-t', topic, '-o', 'end', '-c', '3', '-q', '-f', '%o|%s\n'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
      let done = false;
      void exited.then(() => (done = true));
      // kcat resolves "end" some time after it starts: keep producing until it has printed three messages.
      let i = 0;
      const deadline = Date.now() + 20000;
      while (!done && Date.now() < deadline) {
        broker.cluster.append(topic, 0, encodeRecordBatch({ records: [{ key: null, value: Buffer.from(`late-${i++}`) }] }));
        await sleep(100);
      }
      if (!done) child.kill('SIGKILL');
      assert.equal(await exited, 0, `kcat failed: ${err}`);
      const lines = out.split('\n').filter((l) => l);
      assert.equal(lines.length, 3);
      const offsets = lines.map((l) => Number(l.split('|')[0]));
      assert.ok(offsets[0] >= N, `-o end printed offset ${offsets[0]}, which existed before it started`);
      assert.deepEqual(offsets, [offsets[0], offsets[0] + 1, offsets[0] + 2]);
      assert.deepEqual(lines.map((l) => l.split('|')[1]), offsets.map((o) => `late-${o - N}`));
    });
  });

  it('-P -p per partition, -C reads the whole 3-partition topic with per-partition order', async () => {
    const topic = 'kcat-partitions';
    broker.cluster.createTopic(topic, 3, 1);
    for (const p of [0, 1, 2]) {
      const values = Array.from({ length: 300 }, (_, i) => `p${p}-${i}`);
      await kcat(['-P', '-t', topic, '-p', String(p), '-z', 'lz4'], values.join('\n') + '\n');
    }
    const lines = await consume(topic, ['-o', 'beginning'], '%p %o %s\n');
    assert.equal(lines.length, 900);
    for (const p of [0, 1, 2]) {
      const mine = lines.filter((l) => l.startsWith(`${p} `));
      assert.deepEqual(mine, Array.from({ length: 300 }, (_, i) => `${p} ${i} p${p}-${i}`));
    }
  });
});
