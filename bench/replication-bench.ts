/**
 * Replication benchmark (issue 5): replication factor 3 with acks=all against replication factor 1 with acks=1,
 * same broker, same run: kcat produce throughput (1 KB messages) and the ratio; then produce latency p50/p99 of
 * kafkajs sending one message at a time at 1,000 msgs/s with acks=all to the rf=3 topic (and acks=1 to rf=1).
 * Run: npm run bench -- replication
 */
import { spawn, ChildProcess, execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';

const ROOT = path.join(__dirname, '..', '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-rbench-'));

function run(cmd: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    execFile(cmd, args, { maxBuffer: 1 << 28 }, (err, _o, stderr) => (err ? reject(new Error(`${err.message} ${stderr}`)) : resolve(Number(process.hrtime.bigint() - t0) / 1e6)));
  });
}

function startBroker(): Promise<{ child: ChildProcess; bootstrap: string }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'tributary.js'), 'start', '--data', path.join(tmp, 'data'), '--port', '0', '--nodes', '3'], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const on = (d: Buffer) => {
      out += d.toString();
      const m = /bootstrap servers: (\S+)\n/.exec(out);
      if (m) resolve({ child, bootstrap: m[1] });
    };
    child.stdout!.on('data', on);
    child.stderr!.on('data', on);
    child.once('exit', (c) => reject(new Error(`broker exited ${c}: ${out}`)));
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  console.log(`machine: ${os.cpus()[0].model}, ${os.cpus().length} cores, node ${process.version}`);
  const { child, bootstrap } = await startBroker();
  try {
    const kafka = new Kafka({ clientId: 'rbench', brokers: bootstrap.split(','), logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'rf3', numPartitions: 1, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] }, { topic: 'rf1', numPartitions: 1, replicationFactor: 1 }] });
    await admin.disconnect();

    const count = 200_000;
    const file = path.join(tmp, 'msgs.txt');
    const line = 'y'.repeat(1023);
    fs.writeFileSync(file, Array.from({ length: 1000 }, () => line).join('\n') + '\n');
    const big = path.join(tmp, 'big.txt');
    const fd = fs.openSync(big, 'w');
    const chunk = fs.readFileSync(file);
    for (let i = 0; i < count / 1000; i++) fs.writeSync(fd, chunk);
    fs.closeSync(fd);
    const rounds: Array<{ rf1: number; rf3: number }> = [];
    for (let i = 0; i < 3; i++) {
      const rf1 = await run('kcat', ['-b', bootstrap, '-P', '-t', 'rf1', '-p', '0', '-l', big, '-X', 'acks=1', '-X', 'linger.ms=5']);
      const rf3 = await run('kcat', ['-b', bootstrap, '-P', '-t', 'rf3', '-p', '0', '-l', big, '-X', 'acks=all', '-X', 'linger.ms=5']);
      rounds.push({ rf1: count / (rf1 / 1000), rf3: count / (rf3 / 1000) });
    }
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[1];
    const rf1 = med(rounds.map((r) => r.rf1));
    const rf3 = med(rounds.map((r) => r.rf3));
    console.log(`kcat produce, 1 KB messages, ${count} per round, 3 rounds:`);
    console.log(`  rf=1 acks=1:   ${Math.round(rf1)} msgs/s  (${rounds.map((r) => Math.round(r.rf1)).join(', ')})`);
    console.log(`  rf=3 acks=all: ${Math.round(rf3)} msgs/s  (${rounds.map((r) => Math.round(r.rf3)).join(', ')})`);
    console.log(`  ratio: ${(med(rounds.map((r) => r.rf3 / r.rf1))).toFixed(2)}  (goal >= 0.5)`);

    for (const [topic, acks] of [['rf3', -1], ['rf1', 1]] as const) {
      const producer = kafka.producer({ allowAutoTopicCreation: false });
      await producer.connect();
      const lat: number[] = [];
      const n = 5000;
      const start = Date.now();
      const inflight: Promise<void>[] = [];
      for (let i = 0; i < n; i++) {
        // A fixed rate of 1,000 msgs/s: message i leaves at start + i ms.
        const wait = start + i - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const t0 = process.hrtime.bigint();
        inflight.push(producer.send({ topic, acks, messages: [{ value: Buffer.alloc(100, 0x7a) }] }).then(() => void lat.push(Number(process.hrtime.bigint() - t0) / 1e6)));
      }
      await Promise.all(inflight);
      await producer.disconnect();
      lat.sort((a, b) => a - b);
      console.log(`kafkajs one message at a time, 1,000 msgs/s for ${n / 1000} s, ${topic} acks=${acks}: p50 ${percentile(lat, 50).toFixed(2)} ms, p99 ${percentile(lat, 99).toFixed(2)} ms, max ${lat[lat.length - 1].toFixed(2)} ms${topic === 'rf3' ? '  (goal p99 <= 10 ms)' : ''}`);
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
