/**
 * Hostile-client benchmark (issue 13): N connections that each write 300 pipelined Fetch requests (10 MB per
 * partition) in one write and never read. Prints the broker's RSS growth per such connection and a normal kcat
 * client's round trip (produce one message, consume it) meanwhile, against the same with no hostile connection.
 * Goal: under 50 MB per connection, kcat unaffected.
 * Run: npm run bench -- hostile        (needs kcat: scripts/install-deps.sh)
 */
import { execFile } from 'node:child_process';
import * as net from 'node:net';
import { startCliBroker } from '../test/support/cli-broker';
import { tmpDir, rm } from '../test/support/tmp';
import { rssMb, bigFetchFrame, pipelineAndIgnore, fillTopic } from '../test/support/hostile';

const KCAT = '/usr/bin/kcat';

function kcat(args: string[], input?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const c = execFile(KCAT, args, (err, _out, stderr) => (err ? reject(new Error(`${err.message} ${stderr}`)) : resolve(Number(process.hrtime.bigint() - t0) / 1e6)));
    if (input !== undefined) c.stdin!.end(input);
  });
}

/** Median milliseconds of `rounds` kcat round trips: produce one message, then consume the last one. */
async function kcatRoundTrip(bootstrap: string, rounds: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = Date.now();
    await kcat(['-b', bootstrap, '-P', '-t', 'normal', '-p', '0'], `ping ${i}\n`);
    await kcat(['-b', bootstrap, '-C', '-t', 'normal', '-p', '0', '-o', '-1', '-c', '1', '-q', '-X', 'fetch.wait.max.ms=10']);
    times.push(Date.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const settle = () => new Promise((r) => setTimeout(r, 2000));

async function main(): Promise<void> {
  const dir = tmpDir('hostile-bench');
  const broker = await startCliBroker(['--data', dir, '--port', '0', '--nodes', '1', '--config', 'message.max.bytes=2000000']);
  try {
    await fillTopic(broker.bootstrap, 'big');
    const pid = broker.child.pid!;
    await kcatRoundTrip(broker.bootstrap, 3);
    await settle();
    const base = rssMb(pid);
    const baseLatency = await kcatRoundTrip(broker.bootstrap, 9);
    console.log(`no hostile connection: RSS ${base.toFixed(0)} MB, kcat produce+consume round trip ${baseLatency} ms (median of 9)`);
    const all: net.Socket[] = [];
    for (const n of [1, 2, 4, 8]) {
      while (all.length < n) all.push(await pipelineAndIgnore(broker.bootstrap, Array.from({ length: 300 }, (_, i) => bigFetchFrame('big', i + 1))));
      await settle();
      const rss = rssMb(pid);
      const latency = await kcatRoundTrip(broker.bootstrap, 9);
      console.log(`${n} hostile connection(s): RSS ${rss.toFixed(0)} MB, +${((rss - base) / n).toFixed(1)} MB per connection; kcat round trip ${latency} ms (${(latency / baseLatency).toFixed(2)}x)`);
    }
    for (const s of all) s.destroy();
    await settle();
    const after = await kcatRoundTrip(broker.bootstrap, 9);
    console.log(`after they closed: RSS ${rssMb(pid).toFixed(0)} MB, kcat round trip ${after} ms`);
  } finally {
    await broker.stop();
    rm(dir);
  }
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
