/**
 * `tributary produce` and `tributary consume` (kafka-console-producer/consumer) against a real `tributary start`:
 * keys and headers parsed as LineMessageReader does and printed back by the print.* properties byte for byte;
 * --json lines; --max-messages, --offset, --last N across partitions, waiting for new records until --timeout-ms or
 * Ctrl-C; compression; and kcat, a librdkafka client, reading what produce wrote (and the other way round).
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { CliBroker, startCliBroker } from '../support/cli-broker';
import { show, startTributary, tributary } from '../support/cli-run';
import { rm, tmpDir } from '../support/tmp';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const KCAT = '/usr/bin/kcat';

/** Lines for parse.headers=true, parse.key=true, key.separator=":" and what each becomes. */
const LINES: Array<{ line: Buffer; key: Buffer; value: Buffer; headers: Array<[string, Buffer]> }> = [
  { line: Buffer.from('trace:t-1,lang:fr\tk1:bonjour, ça va ?'), key: Buffer.from('k1'), value: Buffer.from('bonjour, ça va ?'), headers: [['trace', Buffer.from('t-1')], ['lang', Buffer.from('fr')]] },
  { line: Buffer.from('h:\tk2:value:with:colons'), key: Buffer.from('k2'), value: Buffer.from('value:with:colons'), headers: [['h', Buffer.alloc(0)]] },
  { line: Buffer.from('a:1\tk3:'), key: Buffer.from('k3'), value: Buffer.alloc(0), headers: [['a', Buffer.from('1')]] },
  // Bytes that are not UTF-8 travel as they are.
  { line: Buffer.concat([Buffer.from('bin:\xff\tk4:', 'latin1'), Buffer.from([0xfe, 0x00, 0x80]), Buffer.from(' end')]), key: Buffer.from('k4'), value: Buffer.concat([Buffer.from([0xfe, 0x00, 0x80]), Buffer.from(' end')]), headers: [['bin', Buffer.from([0xff])]] },
];

describe('tributary produce and consume: kafka-console-producer/consumer round trips', function () {
  this.timeout(180000);
  let dir: string;
  let broker: CliBroker;
  let bs: string[];
  let kafka: Kafka;
  const produce = (input: string | Buffer, ...args: string[]) => tributary(['produce', ...args, ...bs], input);
  const consume = (...args: string[]) => tributary(['consume', ...args, ...bs]);
  const create = async (topic: string, partitions: number) => {
    const r = await tributary(['topics', 'create', topic, '--partitions', String(partitions), '--replication-factor', '3', ...bs]);
    assert.equal(r.status, 0, show(r));
  };

  before(async () => {
    dir = tmpDir();
    broker = await startCliBroker(['--data', dir, '--port', '0', '--nodes', '3']);
    bs = ['--bootstrap-server', broker.bootstrap.split(',')[0]];
    kafka = new Kafka({ clientId: 'cli-pc', brokers: broker.bootstrap.split(','), logLevel: logLevel.NOTHING });
  });
  after(async () => {
    await broker?.stop();
    rm(dir);
  });

  it('produce parses headers and keys (CRLF and LF lines) and consume prints them back byte for byte with print.*', async () => {
    await create('events', 3);
    const input = Buffer.concat(LINES.flatMap((l, i) => [l.line, Buffer.from(i % 2 ? '\r\n' : '\n')]));
    let r = await produce(input, '--topic', 'events', '--property', 'parse.headers=true', '--property', 'parse.key=true', '--property', 'key.separator=:', '--json');
    assert.equal(r.status, 0, show(r));
    assert.match(r.stderr, /^Produced 4 records \(\d+ bytes of input\) to events \(partition:count [0-2]:\d( [0-2]:\d)*\), acks=all, compression=none\.\n$/);
    const placed = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(placed.length, 4);
    assert.ok(placed.every((p) => p.topic === 'events' && p.partition >= 0 && p.partition < 3 && p.offset >= 0 && p.timestamp > 0));

    r = await consume('--topic', 'events', '--from-beginning', '--timeout-ms', '0', '--property', 'print.key=true', '--property', 'print.headers=true', '--property', 'print.partition=true', '--property', 'print.offset=true', '--property', 'key.separator=|');
    assert.equal(r.status, 0, show(r));
    assert.match(r.stderr, /Processed a total of 4 messages/);
    const expected = LINES.map((l, i) =>
      Buffer.concat([
        Buffer.from(`Partition:${placed[i].partition}|Offset:${placed[i].offset}|`),
        Buffer.concat(l.headers.flatMap(([k, v], j) => [Buffer.from(j ? ',' : ''), Buffer.from(`${k}:`), v])),
        Buffer.from('|'),
        l.key,
        Buffer.from('|'),
        l.value,
      ]),
    );
    const got = splitLines(r.bytes);
    assert.equal(got.length, 4, show(r));
    assert.deepEqual(sortBuffers(got), sortBuffers(expected));

    // print.timestamp and the defaults: value only, a tab between fields.
    r = await consume('--topic', 'events', '--partition', String(placed[0].partition), '--offset', String(placed[0].offset), '--max-messages', '1', '--property', 'print.timestamp=true', '--property', 'print.key=true');
    assert.equal(r.status, 0, show(r));
    assert.equal(r.stdout, `CreateTime:${placed[0].timestamp}\tk1\tbonjour, ça va ?\n`);
  });

  it('consume --json: one object per record, text or base64 bytes; --max-messages; --offset latest waits and exits', async () => {
    let r = await consume('--topic', 'events', '--from-beginning', '--timeout-ms', '0', '--json');
    assert.equal(r.status, 0, show(r));
    const records = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const byKey = new Map(records.map((x) => [x.key, x]));
    assert.deepEqual(Object.keys(records[0]), ['topic', 'partition', 'offset', 'timestamp', 'timestampType', 'key', 'value', 'headers']);
    assert.deepEqual(byKey.get('k1').headers, [{ key: 'trace', value: 't-1' }, { key: 'lang', value: 'fr' }]);
    assert.equal(byKey.get('k1').value, 'bonjour, ça va ?');
    assert.equal(byKey.get('k1').timestampType, 'CreateTime');
    assert.equal(byKey.get('k3').value, '');
    assert.deepEqual(byKey.get('k4').value, { base64: LINES[3].value.toString('base64') });
    assert.deepEqual(byKey.get('k4').headers, [{ key: 'bin', value: { base64: '/w==' } }]);

    r = await consume('--topic', 'events', '--from-beginning', '--max-messages', '2');
    assert.equal(r.status, 0, show(r));
    assert.equal(splitLines(r.bytes).length, 2);
    assert.match(r.stderr, /Processed a total of 2 messages/);

    r = await consume('--topic', 'events', '--offset', 'latest', '--timeout-ms', '300');
    assert.equal(r.status, 0, show(r));
    assert.equal(r.stdout, '');
  });

  it('null.marker, ignore.error, --key-separator, a line without its separator (Kafka\'s error), null.literal', async () => {
    await create('nulls', 1);
    let r = await produce('-=gone\nk=-\nno separator\n', '--topic', 'nulls', '--key-separator', '=', '--property', 'null.marker=-', '--property', 'ignore.error=true');
    assert.equal(r.status, 0, show(r));
    r = await consume('--topic', 'nulls', '--from-beginning', '--timeout-ms', '0', '--property', 'print.key=true', '--property', 'null.literal=<null>');
    assert.equal(r.stdout, '<null>\tgone\nk\t<null>\n<null>\tno separator\n');
    r = await produce('fine:1\nbroken\n', '--topic', 'nulls', '--key-separator', ':');
    assert.equal(r.status, 1, show(r));
    assert.match(r.stderr, /No key separator found on line number 2: 'broken'/);
  });

  it('consume --last N: the newest N records across partitions (by timestamp), oldest first; of one partition with --partition', async () => {
    await create('ticks', 3);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'ticks', acks: -1, messages: Array.from({ length: 12 }, (_, i) => ({ partition: i % 3, value: `tick-${i}`, timestamp: String(1_700_000_000_000 + i) })) });
    await producer.disconnect();
    let r = await consume('--topic', 'ticks', '--last', '4', '--property', 'print.partition=true');
    assert.equal(r.status, 0, show(r));
    assert.equal(r.stdout, 'Partition:2\ttick-8\nPartition:0\ttick-9\nPartition:1\ttick-10\nPartition:2\ttick-11\n');
    r = await consume('--topic', 'ticks', '--last', '2', '--partition', '1', '--json');
    assert.deepEqual(r.stdout.trim().split('\n').map((l) => JSON.parse(l)).map((x) => [x.partition, x.offset, x.value]), [[1, 2, 'tick-7'], [1, 3, 'tick-10']]);
    r = await consume('--topic', 'ticks', '--last', '100');
    assert.equal(splitLines(r.bytes).length, 12);
  });

  it('consume waits for new records: exits after --timeout-ms without one, or on Ctrl-C with --timeout-ms -1', async () => {
    await create('live', 2);
    const producer = kafka.producer();
    await producer.connect();
    const send = (partition: number, value: string) => producer.send({ topic: 'live', acks: -1, messages: [{ partition, value }] });
    try {
      await send(0, 'zero');
      const waiting = startTributary(['consume', '--topic', 'live', '--from-beginning', '--timeout-ms', '10000', ...bs]);
      const forever = startTributary(['consume', '--topic', 'live', '--from-beginning', '--timeout-ms', '-1', '--property', 'print.partition=true', ...bs]);
      const lines = (run: { output(): string }) => run.output().split('\n').filter((l) => l);
      const until = async (f: () => boolean) => {
        const deadline = Date.now() + 30000;
        while (!f() && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
      };
      // Both have read what was there: what comes next they can only get by waiting for it.
      await until(() => lines(waiting).length === 1 && lines(forever).length === 1);
      assert.deepEqual([lines(waiting), lines(forever)], [['zero'], ['Partition:0\tzero']]);
      await send(1, 'first');
      await send(0, 'second');
      const r = await waiting.done;
      assert.equal(r.status, 0, show(r));
      assert.deepEqual(r.stdout.split('\n').filter((l) => l).sort(), ['first', 'second', 'zero']);
      assert.match(r.stderr, /Processed a total of 3 messages/);
      await until(() => lines(forever).length === 3);
      assert.equal(forever.child.exitCode, null, 'still waiting with --timeout-ms -1');
      forever.child.kill('SIGINT');
      const f = await forever.done;
      assert.equal(f.status, 0, show(f));
      assert.deepEqual(f.stdout.split('\n').filter((l) => l).sort(), ['Partition:0\tsecond', 'Partition:0\tzero', 'Partition:1\tfirst']);
      assert.match(f.stderr, /Processed a total of 3 messages/);
    } finally {
      await producer.disconnect();
    }
  });

  it('compression gzip, snappy, lz4, zstd (Tributary\'s codec where Node.js has none) and acks 1 and 0: batches as asked, read back', async () => {
    await create('packed', 1);
    const codecs = [['gzip', '1'], ['snappy', 'all'], ['lz4', '-1'], ['zstd', 'all'], ['none', '0']];
    for (const [codec, acks] of codecs) {
      const r = await produce(`${codec}-a\n${codec}-b\n`, '--topic', 'packed', '--compression-codec', codec, '--request-required-acks', acks);
      assert.equal(r.status, 0, show(r));
      assert.match(r.stderr, new RegExp(`compression=${codec}\\.`));
    }
    // acks 0 answers before the write: wait for the last records before reading.
    const deadline = Date.now() + 20000;
    let r = await consume('--topic', 'packed', '--from-beginning', '--timeout-ms', '500');
    while (r.stdout.split('\n').filter((l) => l).length < 10 && Date.now() < deadline) r = await consume('--topic', 'packed', '--from-beginning', '--timeout-ms', '500');
    assert.deepEqual(r.stdout.split('\n').filter((l) => l), codecs.flatMap(([c]) => [`${c}-a`, `${c}-b`]));
    const segment = path.join(dir, 'node-0', 'packed-0', '00000000000000000000.log');
    const dump = await tributary(['dump-log', segment]);
    assert.deepEqual([...dump.stdout.matchAll(/compresscodec: (\w+)/g)].map((m) => m[1]), codecs.map(([c]) => c));
  });

  it('kcat (librdkafka) reads what produce wrote, keys and headers included; consume reads what kcat wrote', async function () {
    if (!fs.existsSync(KCAT)) this.skip();
    await create('crossed', 2);
    let r = await produce('app:cli,n:1\tuser-1=signed up\nn:2\tuser-2=logged in\n', '--topic', 'crossed', '--property', 'parse.headers=true', '--key-separator', '=', '--compression-codec', 'lz4');
    assert.equal(r.status, 0, show(r));
    const k = spawnSync(KCAT, ['-b', broker.bootstrap, '-C', '-t', 'crossed', '-e', '-q', '-J'], { encoding: 'utf8', timeout: 30000 });
    assert.equal(k.status, 0, k.stderr);
    const seen = k.stdout.trim().split('\n').map((l) => JSON.parse(l)).sort((a, b) => (a.key < b.key ? -1 : 1));
    assert.deepEqual(seen.map((m) => [m.key, m.payload, m.headers]), [
      ['user-1', 'signed up', ['app', 'cli', 'n', '1']],
      ['user-2', 'logged in', ['n', '2']],
    ]);

    const p = spawnSync(KCAT, ['-b', broker.bootstrap, '-P', '-t', 'crossed', '-p', '1', '-K', '#', '-H', 'from=kcat', '-H', 'empty='], { input: 'kc#from kcat\n', encoding: 'utf8', timeout: 30000 });
    assert.equal(p.status, 0, p.stderr);
    r = await consume('--topic', 'crossed', '--partition', '1', '--last', '1', '--property', 'print.key=true', '--property', 'print.headers=true');
    assert.equal(r.stdout, 'from:kcat,empty:\tkc\tfrom kcat\n');
  });

  it('usage errors exit 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['consume', '--topic', 'events', '--offset', '5'], /The partition is required when offset is specified\./],
      [['consume', '--topic', 'events', '--from-beginning', '--offset', 'earliest'], /Options from-beginning and offset cannot be specified together\./],
      [['consume', '--topic', 'events', '--offset', 'soon', '--partition', '0'], /--offset takes earliest, latest or an offset/],
      [['consume', '--topic', 'events', '--last', '3', '--from-beginning'], /--last N takes no --from-beginning or --offset/],
      [['consume', '--topic', 'events', '--property', 'print.colour=true'], /unknown formatter property print\.colour/],
      [['consume', '--topic', 'events', '--group', 'g'], /--group is not supported/],
      [['consume', '--topic', 'events', '--max-messages', '0'], /--max-messages must be a whole number from 1/],
      [['produce', '--topic', 'events', '--compression-codec', 'brotli'], /--compression-codec must be one of none, gzip, snappy, lz4, zstd, not brotli/],
      [['produce', '--topic', 'events', '--acks', '2'], /--request-required-acks must be all, -1, 1 or 0, not 2/],
      [['produce', '--topic', 'events', '--property', 'headers.separator=:'], /headers\.separator and headers\.key\.separator may not be equal/],
      [['produce', '--topic', 'events', '--property', 'parse.value=true'], /unknown reader property parse\.value/],
      [['produce', '--topic', 'events', 'extra'], /unexpected argument extra/],
    ];
    for (const [args, message] of cases) {
      const r = await tributary([...args, ...bs]);
      assert.equal(r.status, 2, `${args.join(' ')}: ${show(r)}`);
      assert.match(r.stderr, message, args.join(' '));
    }
    const r = await produce('x\n', '--topic', 'no-such-topic');
    assert.equal(r.status, 1, show(r));
    assert.match(r.stderr, /UNKNOWN_TOPIC_OR_PARTITION: Topic 'no-such-topic' does not exist\./);
  });
});

/** Lines of output (each ended by \n), as bytes. */
function splitLines(b: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let i = b.indexOf(0x0a); i >= 0; i = b.indexOf(0x0a, start)) {
    out.push(b.subarray(start, i));
    start = i + 1;
  }
  assert.equal(start, b.length, 'the output ends with a line end');
  return out;
}

function sortBuffers(list: Buffer[]): string[] {
  return list.map((b) => b.toString('hex')).sort();
}
