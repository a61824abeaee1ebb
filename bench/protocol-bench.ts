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
  const topic = `kcat-${size}-${target}`;
  const file = messagesFile(size, count);
  const p = await run('kcat', ['-b', bootstrap, '-P', '-t', topic, '-p', '0', '-l', file, '-X', 'linger.ms=5', '-X', 'queue.buffering.max.messages=1000000']);
  record({ client: 'kcat', op: 'produce', size, target, msgs: count, ms: p.ms });
  const c = await run('sh', ['-c', `kcat -b ${bootstrap} -C -t ${topic} -p 0 -e -o beginning -q -f '%o\\n' | tail -1`]);
  if (Number(c.stdout.trim()) !== count - 1) throw new Error(`${target}: kcat consumed up to offset ${c.stdout.trim()}, expected ${count - 1}`);
  record({ client: 'kcat', op: 'consume', size, target, msgs: count, ms: c.ms });
}

async function kafkajsRound(target: string, bootstrap: string, size: number, count: number): Promise<void> {
  const topic = `kafkajs-${size}-${target}`;
  const kafka = new Kafka({ clientId: 'bench', brokers: bootstrap.split(','), logLevel: logLevel.NOTHING });
  if (target === 'tributary') {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    await admin.disconnect();
  }
  // The mock cluster reports no controller, which kafkajs' admin needs; its topics are created on first use.
  const producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();
  const value = Buffer.alloc(size, 0x78);
  const batch = Array.from({ length: 1000 }, () => ({ value }));
  let t0 = process.hrtime.bigint();
  const inflight: Promise<unknown>[] = [];
  for (let i = 0; i < count / 1000; i++) {
    inflight.push(producer.send({ topic, messages: batch.map((m) => ({ ...m, partition: 0 })), acks: 1, compression: CompressionTypes.None }));
    if (inflight.length >= 5) await inflight.shift();
  }
  await Promise.all(inflight);
  record({ client: 'kafkajs', op: 'produce', size, target, msgs: count, ms: Number(process.hrtime.bigint() - t0) / 1e6 });
  await producer.disconnect();
  const consumer = kafka.consumer({ groupId: `bench-${topic}`, maxBytes: 50 << 20, maxBytesPerPartition: 10 << 20 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  t0 = 0n;
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch: b }) => {
      if (t0 === 0n) t0 = process.hrtime.bigint();
      seen += b.messages.length;
      if (seen >= count) done();
    },
  });
  const started = process.hrtime.bigint();
  const timedOut = await Promise.race([finished.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), 60_000))]);
  if (timedOut) {
    await consumer.disconnect();
    throw new Error(`consumed ${seen} of ${count} messages within 60 s`);
  }
  record({ client: 'kafkajs', op: 'consume', size, target, msgs: count, ms: Number(process.hrtime.bigint() - (t0 || started)) / 1e6 });
  await consumer.disconnect();
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
