/**
 * What the compatibility suites share: finding the real clients, running them, and reading back what the broker
 * stored (straight from the partition logs, independent of any client).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Cluster } from '../../src/broker/cluster';
import { decodeRecords } from '../../src/broker/records/record-batch';
import { LOG_OVERHEAD, readBatchHeader, compressionOf } from '../../src/broker/records/batch-header';

export const KCAT = '/usr/bin/kcat';
export const PYTHON = '/usr/bin/python3';
export const PY_CLIENT = path.join(__dirname, '..', '..', '..', 'test', 'compat', 'py', 'client.py');

let kcatOk: boolean | undefined;
let newRdkafka: string | null | undefined;

/**
 * The directory of a librdkafka that speaks the consumer group protocol (KIP-848, librdkafka 2.12+): the one the
 * conformance gate builds from ../shared (scripts/librdkafka/gate.mjs --build-only, which `npm test` runs first), in
 * $RDK_HOME or ~/.cache/tributary-rdk-gate-*. Debian's kcat and confluent-kafka-python load it with LD_LIBRARY_PATH.
 */
export function kip848Librdkafka(): string | undefined {
  if (newRdkafka === undefined) {
    const cache = path.join(os.homedir(), '.cache');
    const homes = process.env.RDK_HOME ? [process.env.RDK_HOME] : fs.existsSync(cache) ? fs.readdirSync(cache).filter((d) => d.startsWith('tributary-rdk-gate-')).map((d) => path.join(cache, d)) : [];
    const dir = homes.map((h) => path.join(h, 'librdkafka', 'src')).find((d) => fs.existsSync(path.join(d, 'librdkafka.so.1')) && fs.existsSync(path.join(d, '..', '..', '.built')));
    newRdkafka = dir ?? null;
  }
  return newRdkafka ?? undefined;
}
let confluentOk: boolean | undefined;

/** kcat is installed and runs. */
export function haveKcat(): boolean {
  if (kcatOk === undefined) kcatOk = spawnSync(KCAT, ['-V'], { encoding: 'utf8' }).status === 0;
  return kcatOk;
}

/** /usr/bin/python3 can import confluent_kafka. */
export function haveConfluentKafka(): boolean {
  if (confluentOk === undefined) confluentOk = spawnSync(PYTHON, ['-c', 'import confluent_kafka'], { encoding: 'utf8' }).status === 0;
  return confluentOk;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end (killed after timeoutMs), feeding `input` on stdin. */
export function run(cmd: string, args: string[], opts: { input?: string | Buffer; timeoutMs?: number; env?: Record<string, string> } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: opts.env ? { ...process.env, ...opts.env } : process.env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}

/** Runs a command and fails (with its stderr) unless it exits 0. */
export async function runOk(cmd: string, args: string[], opts: { input?: string | Buffer; timeoutMs?: number; env?: Record<string, string> } = {}): Promise<string> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) throw new Error(`${path.basename(cmd)} ${args.join(' ')} exited with ${r.code ?? r.signal}\nstderr: ${r.stderr.slice(-4000)}\nstdout: ${r.stdout.slice(-2000)}`);
  return r.stdout;
}

/** Runs test/compat/py/client.py and returns its JSON lines; fails on a {"fatal"} line or a missing {"done"}. */
export async function python(command: string, bootstrap: string, spec: unknown, timeoutMs = 60000): Promise<Array<Record<string, unknown>>> {
  // The spec goes on stdin: a long list of messages does not fit in argv.
  const r = await run(PYTHON, [PY_CLIENT, command, bootstrap], { input: JSON.stringify(spec), timeoutMs });
  const lines = r.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const fatal = lines.find((l) => 'fatal' in l);
  if (fatal || r.code !== 0 || !lines.some((l) => l.done)) {
    throw new Error(`client.py ${command} failed (exit ${r.code ?? r.signal}): ${fatal?.fatal ?? 'no result'}\nstderr: ${r.stderr.slice(-4000)}`);
  }
  return lines;
}

export interface StoredRecord {
  offset: number;
  timestamp: number;
  key: string | null;
  value: string | null;
  headers: Array<[string, string | null]>;
  /** The compression codec of the batch the record is in (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd). */
  compression: number;
}

/** Every record of a partition as the broker stored it, read from the leader's log. */
export function storedRecords(cluster: Cluster, topic: string, partition = 0): StoredRecord[] {
  const log = cluster.leaderLog(topic, partition);
  const out: StoredRecord[] = [];
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const { records } = log.read(offset, 8 << 20, 'logEnd');
    if (records.length === 0) break;
    let pos = 0;
    while (pos < records.length) {
      const h = readBatchHeader(records, pos);
      const size = h.batchLength + LOG_OVERHEAD;
      for (const r of decodeRecords(records, pos)) {
        out.push({
          offset: r.offset,
          timestamp: r.timestamp,
          key: r.key === null ? null : r.key.toString('utf8'),
          value: r.value === null ? null : r.value.toString('utf8'),
          headers: r.headers.map((x) => [x.key, x.value === null ? null : x.value.toString('utf8')]),
          compression: compressionOf(h.attributes),
        });
      }
      offset = h.baseOffset + h.lastOffsetDelta + 1;
      pos += size;
    }
  }
  return out;
}

/** Waits until a partition's log holds `n` records (acks=0 producers cannot tell when the broker appended). */
export async function waitForLogEnd(cluster: Cluster, topic: string, n: number, partition = 0, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (cluster.metadata.topic(topic) && cluster.leaderLog(topic, partition).logEndOffset >= n) return;
    await sleep(10);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
