/**
 * Protocol benchmark (issue 3): produce and consume throughput with kcat and kafkajs against Tributary and
 * against librdkafka's in-memory mock cluster, same client, same run; 100-byte and 1 KB messages. Then the broker's
 * RSS while BENCH_MEM_GB (default 10) GB pass through it.
 * Run: npm run bench -- protocol      (needs kcat and python3-confluent-kafka: scripts/install-deps.sh)
 */
import { spawn, ChildProcess, execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Kafka, logLevel, CompressionTypes } from 'kafkajs';

const ROOT = path.join(__dirname, '..', '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-pbench-'));

function run(cmd: string, args: string[], opts: { input?: string } = {}): Promise<{ ms: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const c = execFile(cmd, args, { maxBuffer: 1 << 30 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')}: ${err.message} ${stderr}`));
      else resolve({ ms: Number(process.hrtime.bigint() - t0) / 1e6, stdout });
    });
    if (opts.input) c.stdin!.end(opts.input);
  });
}

function startLine(child: ChildProcess, re: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const on = (d: Buffer) => {
      out += d.toString();
      const m = re.exec(out);
      if (m) resolve(m[1]);
    };
    child.stdout!.on('data', on);
    child.stderr!.on('data', on);
    child.once('exit', (c) => reject(new Error(`exited ${c}: ${out}`)));
  });
}

async function startTributary(): Promise<{ child: ChildProcess; bootstrap: string }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'tributary.js'), 'start', '--data', path.join(tmp, 'data'), '--port', '0', '--nodes', '1',
    '--config', 'log.retention.bytes=2147483648', '--config', 'log.segment.bytes=268435456', '--config', 'log.retention.check.interval.ms=2000', '--config', 'group.initial.rebalance.delay.ms=0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  return { child, bootstrap: await startLine(child, /bootstrap servers: (\S+)\n/) };
}

async function startMock(): Promise<{ child: ChildProcess; bootstrap: string }> {
  const child = spawn('/usr/bin/python3', [path.join(ROOT, 'bench', 'mock-cluster.py')], { stdio: ['pipe', 'pipe', 'pipe'] });
  return { child, bootstrap: await startLine(child, /^(\S+:\d+(?:,\S+:\d+)*)\n/m) };
}

/**
 * The mock cluster keeps only about 5 MB per partition and makes topics of 4 partitions: a run of more messages than
 * fit (a consumer would find the first ones gone, and a count by last offset would credit it with messages it never
 * served) is split into rounds, each on a fresh topic of 4 partitions holding at most MAX_TOPIC_BYTES; Tributary gets
 * exactly the same topics. Times are summed over the rounds.
 */
const PARTITIONS = 4;
const MAX_TOPIC_BYTES = 16 * 1024 * 1024;

function rounds(size: number, count: number): number[] {
  // Whole thousands: the message files are written 1,000 lines at a time.
  const perTopic = Math.floor(MAX_TOPIC_BYTES / (size + 40) / 1000) * 1000;
  const out: number[] = [];
  for (let left = count; left > 0; left -= perTopic) out.push(Math.min(left, perTopic));
  return out;
}

async function createTopic(target: string, bootstrap: string, topic: string): Promise<void> {
  if (target === 'mock') return; // created with 4 partitions on first use
  const kafka = new Kafka({ clientId: 'bench-admin', brokers: bootstrap.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] });
  await admin.disconnect();
}

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

function messagesFile(size: number, count: number): string {
  const file = path.join(tmp, `msgs-${size}-${count}.txt`);
  if (fs.existsSync(file)) return file;
  const line = 'x'.repeat(size - 1);
  const fd = fs.openSync(file, 'w');
  const chunk = Array.from({ length: 1000 }, (_, i) => (String(i).padStart(8, '0') + line).slice(0, size)).join('\n') + '\n';
  for (let i = 0; i < count / 1000; i++) fs.writeSync(fd, chunk);
  fs.closeSync(fd);
  return file;
}

interface Figure {
  client: string;
  op: string;
  size: number;
  target: string;
  msgs: number;
  ms: number;
}

const figures: Figure[] = [];
function record(f: Figure): void {
  figures.push(f);
  const mps = f.msgs / (f.ms / 1000);
  console.log(`${f.client.padEnd(8)} ${f.op.padEnd(8)} ${String(f.size).padStart(5)} B  ${f.target.padEnd(10)} ${Math.round(mps).toString().padStart(9)} msgs/s ${((mps * f.size) / 1e6).toFixed(1).padStart(7)} MB/s`);
}

async function kcatRound(target: string, bootstrap: string, size: number, count: number): Promise<void> {
  let produceMs = 0;
  let consumeMs = 0;
  for (const [r, n] of rounds(size, count).entries()) {
    const topic = `kcat-${size}-${target}-${r}`;
    await createTopic(target, bootstrap, topic);
    // Keyed by the line number before the first "x" (-K x), so murmur2 spreads them evenly over the partitions and
    // none passes the mock's cap (keyless records go to partitions in random sticky runs, unevenly).
    const p = await run('kcat', ['-b', bootstrap, '-P', '-t', topic, '-K', 'x', '-l', messagesFile(size, n), '-X', 'partitioner=murmur2_random', '-X', 'linger.ms=5', '-X', 'queue.buffering.max.messages=1000000']);
    produceMs += p.ms;
    // Every message counted, so a cluster that dropped some cannot look faster. `-c n` ends at the n-th message: with
    // `-e` each round would also wait out one empty long-poll (fetch.wait.max.ms) per partition to see the end.
    const c = await run('sh', ['-c', `timeout 120 kcat -b ${bootstrap} -C -t ${topic} -c ${n} -o beginning -q -f '%o\\n' | wc -l`]);
    if (Number(c.stdout.trim()) !== n) throw new Error(`${target}: kcat consumed ${c.stdout.trim()} messages of ${topic}, expected ${n}`);
    consumeMs += c.ms;
  }
  record({ client: 'kcat', op: 'produce', size, target, msgs: count, ms: produceMs });
  record({ client: 'kcat', op: 'consume', size, target, msgs: count, ms: consumeMs });
}

async function kafkajsRound(target: string, bootstrap: string, size: number, count: number): Promise<void> {
  const kafka = new Kafka({ clientId: 'bench', brokers: bootstrap.split(','), logLevel: logLevel.NOTHING });
  const value = Buffer.alloc(size, 0x78);
  let produceMs = 0;
  let consumeMs = 0;
  for (const [r, n] of rounds(size, count).entries()) {
    const topic = `kafkajs-${size}-${target}-${r}`;
    await createTopic(target, bootstrap, topic);
    const producer = kafka.producer({ allowAutoTopicCreation: true });
    await producer.connect();
    const t0 = process.hrtime.bigint();
    const inflight: Promise<unknown>[] = [];
    for (let sent = 0, i = 0; sent < n; sent += 1000, i++) {
      const messages = Array.from({ length: Math.min(1000, n - sent) }, () => ({ value, partition: i % PARTITIONS }));
      inflight.push(producer.send({ topic, messages, acks: 1, compression: CompressionTypes.None }));
      if (inflight.length >= 5) await inflight.shift();
    }
    await Promise.all(inflight);
    produceMs += Number(process.hrtime.bigint() - t0) / 1e6;
    await producer.disconnect();

    // kafkajs consumes only in a group: timed from the moment it has joined (the mock delays a new group's first
    // rebalance by 3 s, Tributary here by 0), so the join does not count but every fetch does. Default fetch sizes.
    const consumer = kafka.consumer({ groupId: `bench-${topic}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let seen = 0;
    let first = 0n;
    let last = 0n;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      if (first === 0n) first = process.hrtime.bigint();
    });
    let done!: () => void;
    const finished = new Promise<void>((res) => (done = res));
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch: b }) => {
        seen += b.messages.length;
        if (seen >= n) {
          last = process.hrtime.bigint();
          done();
        }
      },
    });
    const timedOut = await Promise.race([finished.then(() => false), new Promise<boolean>((res) => setTimeout(() => res(true), 60_000))]);
    await consumer.disconnect();
    if (timedOut) throw new Error(`consumed ${seen} of ${n} messages of ${topic} within 60 s`);
    if (seen !== n) throw new Error(`consumed ${seen} messages of ${topic}, expected ${n}`);
    consumeMs += Number(last - first) / 1e6;
  }
  record({ client: 'kafkajs', op: 'produce', size, target, msgs: count, ms: produceMs });
  record({ client: 'kafkajs', op: 'consume', size, target, msgs: count, ms: consumeMs });
}

async function main(): Promise<void> {
  console.log(`machine: ${os.cpus()[0].model}, ${os.cpus().length} cores, node ${process.version}`);
  const trib = await startTributary();
  const mock = await startMock();
  try {
    for (const [size, count] of [[100, 500_000], [1024, 200_000]] as const) {
      for (const [name, b] of [['tributary', trib.bootstrap], ['mock', mock.bootstrap]] as const) await kcatRound(name, b, size, count);
    }
    for (const [size, count] of (process.env.BENCH_SKIP_KAFKAJS ? [] : [[100, 100_000], [1024, 50_000]]) as Array<[number, number]>) {
      for (const [name, b] of [['tributary', trib.bootstrap], ['mock', mock.bootstrap]] as const) {
        try {
          await kafkajsRound(name, b, size, count);
        } catch (e) {
          console.log(`kafkajs against ${name}: ${(e as Error).message}`);
        }
      }
    }
    console.log('\nratios (Tributary / mock, msgs/s):');
    for (const f of figures.filter((x) => x.target === 'tributary')) {
      const m = figures.find((x) => x.target === 'mock' && x.client === f.client && x.op === f.op && x.size === f.size);
      if (m) console.log(`  ${f.client} ${f.op} ${f.size} B: ${(m.ms / f.ms).toFixed(2)}  (goal >= 0.5)`);
    }

    const gb = Number(process.env.BENCH_MEM_GB ?? 10);
    if (gb <= 0) return;
    console.log(`\nmemory: ${gb} GB through the broker (kcat produce 1 KB messages, then consume them), RSS sampled every 200 ms`);
    let maxRss = rssMb(trib.child.pid!);
    const sampler = setInterval(() => (maxRss = Math.max(maxRss, rssMb(trib.child.pid!))), 200);
    const file = messagesFile(1024, 1_000_000);
    const fileGb = fs.statSync(file).size / 1e9;
    const rounds = Math.ceil(gb / fileGb / 2);
    const t0 = Date.now();
    for (let i = 0; i < rounds; i++) {
      await run('kcat', ['-b', trib.bootstrap, '-P', '-t', 'memory', '-l', file, '-X', 'linger.ms=5', '-X', 'queue.buffering.max.messages=1000000']);
      await run('sh', ['-c', `kcat -b ${trib.bootstrap} -C -t memory -e -o -1000000 -q -f '%o\\n' | tail -1`]);
    }
    clearInterval(sampler);
    console.log(`  ${(rounds * fileGb * 2).toFixed(1)} GB (produced and consumed) in ${((Date.now() - t0) / 1000).toFixed(0)} s; broker max RSS ${maxRss.toFixed(0)} MB (goal < 300 MB)`);
  } finally {
    trib.child.kill('SIGTERM');
    mock.child.stdin!.end();
    await new Promise((r) => trib.child.once('exit', r));
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
