/**
 * Storage benchmark (issue 2): append throughput of 1 KB records in 16 KB batches against a plain sequential
 * file append of the same bytes, read throughput from an offset, and clean-restart time with 1 GB of data.
 * Run: npm run bench -- storage      (prints the figures; record them in bench/RESULTS.md)
 * TRIBUTARY_CRC32C=js forces the JS CRC-32C (src/broker/records/crc32c.ts; else the addon where it is built).
 * BENCH_CRC_COMPARE=addon,js runs only the CRC and append figures, once per implementation in child processes,
 * taking turns (BENCH_CRC_PAIRS turns each, default 3), and prints the medians of each side.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { Log } from '../src/broker/storage/log';
import { LogManager } from '../src/broker/storage/log-manager';
import { defaultLogConfig } from '../src/broker/config/topic-config';
import { encodeRecordBatch } from '../src/broker/records/record-batch';
import { crc32c, crc32cNative } from '../src/broker/records/crc32c';

const MB = 1024 * 1024;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-bench-'));
const TOTAL = Number(process.env.BENCH_APPEND_MB ?? 512) * MB;

function makeBatch(): Buffer {
  const value = Buffer.alloc(1000);
  for (let i = 0; i < value.length; i++) value[i] = (i * 31) & 0xff;
  return encodeRecordBatch({ records: Array.from({ length: 16 }, (_, i) => ({ key: Buffer.from(`key-${i}`), value, timestamp: Date.now() })) });
}

/**
 * The two sides of the append comparison, written in alternating chunks of CHUNK batches so that both see the same
 * machine state (page-cache pressure, writeback, other processes come and go within seconds here): a plain
 * sequential file append of the batch's bytes, and Log.appendAsLeader of the same batch (validation, offsets, CRC,
 * indexes, producer state). Each round writes `count` batches to each side; the side that goes first alternates.
 */
function appendRound(batch: Buffer, count: number): { plainSecs: number; logSecs: number } {
  const CHUNK = 256;
  const roundDir = path.join(dir, `round-${Math.random().toString(36).slice(2)}`);
  fs.mkdirSync(roundDir);
  const plainFile = path.join(roundDir, 'plain.bin');
  const fd = fs.openSync(plainFile, 'w');
  const log = Log.open(path.join(roundDir, 'bench-0'), { topic: 'bench', partition: 0 }, defaultLogConfig());
  let plainNs = 0n;
  let logNs = 0n;
  let pos = 0;
  for (let done = 0, k = 0; done < count; k++) {
    const n = Math.min(CHUNK, count - done);
    const plain = (): void => {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < n; i++) {
        fs.writeSync(fd, batch, 0, batch.length, pos);
        pos += batch.length;
      }
      plainNs += process.hrtime.bigint() - t0;
    };
    const append = (): void => {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < n; i++) log.appendAsLeader(batch, 0);
      logNs += process.hrtime.bigint() - t0;
    };
    if (k % 2 === 0) {
      plain();
      append();
    } else {
      append();
      plain();
    }
    done += n;
  }
  fs.closeSync(fd);
  log.delete();
  fs.rmSync(roundDir, { recursive: true, force: true });
  return { plainSecs: Number(plainNs) / 1e9, logSecs: Number(logNs) / 1e9 };
}

function logAppend(batch: Buffer, count: number): Log {
  const logDir = path.join(dir, `bench-${Math.random().toString(36).slice(2)}`, 'bench-0');
  const log = Log.open(logDir, { topic: 'bench', partition: 0 }, defaultLogConfig());
  for (let i = 0; i < count; i++) log.appendAsLeader(batch, 0);
  return log;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** BENCH_CRC_COMPARE: the CRC and append figures of each implementation, in child processes taking turns. */
function compareCrc(impls: string[]): void {
  const pairs = Number(process.env.BENCH_CRC_PAIRS ?? 3);
  const figures = new Map(impls.map((i) => [i, { ratio: [] as number[], crcUs: [] as number[], appendUs: [] as number[], mbps: [] as number[] }]));
  console.log(`machine: ${os.cpus()[0].model}, ${os.cpus().length} cores, node ${process.version}, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  for (let turn = 0; turn < pairs; turn++) {
    const order = turn % 2 === 0 ? impls : [...impls].reverse();
    for (const impl of order) {
      const r = spawnSync(process.execPath, [__filename], { env: { ...process.env, BENCH_CRC_COMPARE: '', TRIBUTARY_CRC32C: impl, BENCH_STORAGE_PART: 'append' }, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`${impl}: ${r.stderr}`);
      const used = /CRC-32C code: (\S+)/.exec(r.stdout)?.[1];
      if (used !== impl) throw new Error(`asked for ${impl}, the child used ${used}`);
      const f = figures.get(impl)!;
      f.ratio.push(Number(/ratio: ([\d.]+)/.exec(r.stdout)![1]));
      f.mbps.push(Number(/crc32c: (\d+) MB\/s/.exec(r.stdout)![1]));
      const per = /CRC-32C check ([\d.]+) us, Log append ([\d.]+) us/.exec(r.stdout)!;
      f.crcUs.push(Number(per[1]));
      f.appendUs.push(Number(per[2]));
      console.log(`turn ${turn + 1} ${impl.padEnd(8)} ratio ${f.ratio.at(-1)!.toFixed(2)}, CRC ${f.crcUs.at(-1)!.toFixed(2)} us and Log append ${f.appendUs.at(-1)!.toFixed(1)} us per 16 KB batch, crc32c ${f.mbps.at(-1)} MB/s`);
    }
  }
  for (const [impl, f] of figures) {
    console.log(`${impl.padEnd(8)} median of ${pairs}: append ratio ${median(f.ratio).toFixed(2)}, CRC-32C ${median(f.crcUs).toFixed(2)} us per 16 KB batch (${median(f.mbps)} MB/s), Log append ${median(f.appendUs).toFixed(1)} us`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

function main(): void {
  if (process.env.BENCH_CRC_COMPARE) return compareCrc(process.env.BENCH_CRC_COMPARE.split(','));
  const batch = makeBatch();
  const count = Math.floor(TOTAL / batch.length);
  console.log(`machine: ${os.cpus()[0].model}, ${os.cpus().length} cores, node ${process.version}; data in ${dir}`);
  console.log(`CRC-32C code: ${crc32cNative === 'none' ? 'js' : crc32cNative}`);
  const crcBuf = Buffer.alloc(16 * 1024, 7);
  let t0 = process.hrtime.bigint();
  for (let i = 0; i < 20000; i++) crc32c(crcBuf);
  console.log(`crc32c: ${((20000 * crcBuf.length) / MB / (Number(process.hrtime.bigint() - t0) / 1e9)).toFixed(0)} MB/s on 16 KB buffers`);

  // A short round first, not counted: both loops reach optimized code before anything is measured.
  appendRound(batch, 4096);
  const ROUNDS = 5;
  const plain: number[] = [];
  const tributary: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const r = appendRound(batch, count);
    plain.push((count * batch.length) / MB / r.plainSecs);
    tributary.push((count * batch.length) / MB / r.logSecs);
  }
  const ratios = plain.map((p, i) => tributary[i] / p);
  console.log(`append ${count} batches of ${batch.length} bytes (${(count * batch.length / MB).toFixed(0)} MB) to each side, ${ROUNDS} rounds after a warm-up, sides alternating every 256 batches:`);
  console.log(`  plain sequential write: ${median(plain).toFixed(0)} MB/s   (${plain.map((x) => x.toFixed(0)).join(', ')})`);
  console.log(`  Log.appendAsLeader:     ${median(tributary).toFixed(0)} MB/s   (${tributary.map((x) => x.toFixed(0)).join(', ')})`);
  console.log(`  ratio: ${median(ratios).toFixed(2)}  (${ratios.map((x) => x.toFixed(2)).join(', ')}; goal >= 0.8)`);
  // Where the difference goes: the CRC-32C check Kafka makes on every produced batch, measured alone.
  t0 = process.hrtime.bigint();
  for (let i = 0; i < count; i++) crc32c(batch, 21, batch.length);
  const crcMbps = (count * batch.length) / MB / (Number(process.hrtime.bigint() - t0) / 1e9);
  const plainUs = (batch.length / MB / median(plain)) * 1e6;
  const crcUs = (batch.length / MB / crcMbps) * 1e6;
  const appendUs = (batch.length / MB / median(tributary)) * 1e6;
  console.log(`  per 16 KB batch: plain write ${plainUs.toFixed(1)} us, CRC-32C check ${crcUs.toFixed(1)} us, Log append ${appendUs.toFixed(1)} us (other work ${(appendUs - plainUs - crcUs).toFixed(1)} us)`);
  console.log(`  ceiling with the CRC check and nothing else: ${(plainUs / (plainUs + crcUs)).toFixed(2)}`);
  if (process.env.BENCH_STORAGE_PART === 'append') {
    fs.rmSync(dir, { recursive: true, force: true });
    return;
  }

  // Read throughput from an offset.
  const l = logAppend(batch, count);
  t0 = process.hrtime.bigint();
  let offset = Math.floor(l.logEndOffset / 4);
  let bytes = 0;
  while (offset < l.logEndOffset) {
    const r = l.read(offset, MB, 'logEnd');
    bytes += r.records.length;
    let pos = 0;
    while (pos < r.records.length) {
      offset = Number(r.records.readBigInt64BE(pos)) + r.records.readInt32BE(pos + 23) + 1;
      pos += r.records.readInt32BE(pos + 8) + 12;
    }
  }
  const readSecs = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`read from offset ${Math.floor(l.logEndOffset / 4)} to the end in 1 MB fetches: ${(bytes / MB / readSecs).toFixed(0)} MB/s`);
  l.close();

  // Clean restart time with 1 GB and with 256 MB: it must not grow with the data behind the recovery point.
  for (const gb of [0.25, 1]) {
    const nodeDir = path.join(dir, `restart-${gb}`);
    const cfg = () => defaultLogConfig({ 'segment.bytes': String(64 * MB) });
    const lm = new LogManager({ logDir: nodeDir, nodeId: 0, clusterId: 'bench', topicConfig: cfg });
    const plog = lm.getOrCreateLog({ topic: 'restart', partition: 0 });
    const n = Math.floor((gb * 1024 * MB) / batch.length);
    for (let i = 0; i < n; i++) plog.appendAsLeader(batch, 0);
    lm.shutdown();
    const t = process.hrtime.bigint();
    const again = new LogManager({ logDir: nodeDir, nodeId: 0, clusterId: 'bench', topicConfig: cfg });
    const first = again.getLog({ topic: 'restart', partition: 0 })!;
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    console.log(`clean restart with ${gb * 1024} MB in ${first.numberOfSegments} segment(s): ${ms.toFixed(1)} ms (log end offset ${first.logEndOffset}; goal < 2000 ms)`);
    // An unclean stop with everything behind the recovery point but the last 16 MB.
    const tail = Math.floor((16 * MB) / batch.length);
    for (let i = 0; i < tail; i++) first.appendAsLeader(batch, 0);
    again.checkpointRecoveryPoints();
    const rp = first.recoveryPoint;
    // Simulate a crash: no flush, no clean-shutdown marker, the lock left behind by this process is released.
    (again as unknown as { unlock: () => void }).unlock();
    for (const s of first.logSegments) s.close();
    const t2 = process.hrtime.bigint();
    const crashed = new LogManager({ logDir: nodeDir, nodeId: 0, clusterId: 'bench', topicConfig: cfg });
    const ms2 = Number(process.hrtime.bigint() - t2) / 1e6;
    const rlog = crashed.getLog({ topic: 'restart', partition: 0 })!;
    console.log(`unclean restart with ${gb * 1024} MB, recovery point ${rp} of ${rlog.logEndOffset}: ${ms2.toFixed(1)} ms`);
    crashed.shutdown();
    fs.rmSync(nodeDir, { recursive: true, force: true });
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

main();
