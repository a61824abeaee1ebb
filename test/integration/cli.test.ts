import { strict as assert } from 'node:assert';
import { spawn, spawnSync, ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { tmpDir, rm } from '../support/tmp';
import { Log } from '../../src/broker/storage/log';
import { defaultLogConfig } from '../../src/broker/config/topic-config';
import { textBatch } from '../support/batches';
import { RawClient } from '../support/raw-client';
import { defaultMetadataRequestData } from '../../src/protocol/messages/metadata-request';

const ROOT = path.join(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'scripts', 'tributary.js');

/** Starts `tributary start` and resolves once it printed its bootstrap line. */
function start(args: string[]): Promise<{ child: ChildProcess; output: () => string; bootstrap: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'start', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /bootstrap servers: (\S+)/.exec(out);
      if (m) resolve({ child, output: () => out, bootstrap: m[1] });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`tributary start exited with ${code}: ${out}`)));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

describe('tributary command line', function () {
  this.timeout(30000);
  let dir: string;
  beforeEach(() => (dir = tmpDir()));
  afterEach(() => rm(dir));

  it('start: listens on consecutive loopback ports (skipping a taken one), says where, and stops cleanly on SIGTERM', async () => {
    // A free port whose next one we can take ourselves (other processes may hold ports around it).
    let base = 0;
    let blocker: net.Server | undefined;
    for (let i = 0; !blocker && i < 20; i++) {
      base = await freePort();
      const s = net.createServer();
      const ok = await new Promise<boolean>((r) => {
        s.once('error', () => r(false));
        s.listen(base + 1, '127.0.0.1', () => r(true));
      });
      if (ok) blocker = s;
    }
    assert.ok(blocker, 'no pair of free ports found');
    try {
      const { child, output, bootstrap } = await start(['--data', dir, '--port', String(base), '--nodes', '3']);
      const ports = bootstrap.split(',').map((hp) => Number(hp.split(':')[1]));
      assert.equal(ports[0], base);
      assert.ok(!ports.includes(base + 1), 'the taken port is skipped');
      assert.ok(bootstrap.split(',').every((hp) => hp.startsWith('127.0.0.1:')));
      assert.match(output(), /port \d+ is taken; listening on \d+/);
      // A real Kafka client round trip through the listener.
      const sock = net.connect(ports[2], '127.0.0.1');
      await new Promise((r) => sock.once('connect', r));
      sock.destroy();
      const exited = new Promise<string>((r) => child.once('exit', (c, sig) => r(`${c} ${sig}`)));
      child.kill('SIGTERM');
      assert.equal(await exited, '0 null', output());
      for (const n of [0, 1, 2]) assert.ok(fs.existsSync(path.join(dir, `node-${n}`, '.kafka_cleanshutdown')), `node ${n} left a clean-shutdown marker`);
      assert.ok(fs.existsSync(path.join(dir, 'cluster-metadata.json')));
    } finally {
      blocker.close();
    }
  });

  it('start: a second broker on the same data directory is refused with a clear message', async () => {
    const { child } = await start(['--data', dir, '--port', '0', '--nodes', '1']);
    try {
      const second = spawnSync(process.execPath, [BIN, 'start', '--data', dir, '--port', '0', '--nodes', '1'], { encoding: 'utf8', timeout: 15000 });
      assert.equal(second.status, 1);
      assert.match(second.stderr, /in use by another broker: tributary start \(process \d+\)/);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });

  it('start: two brokers started at the same moment on a fresh directory: one runs, the other is told it is in use', async function () {
    this.timeout(120000);
    for (let trial = 0; trial < 6; trial++) {
      const fresh = path.join(dir, `race-${trial}`);
      const launch = () => spawn(process.execPath, [BIN, 'start', '--data', fresh, '--port', '0', '--nodes', '3'], { stdio: ['ignore', 'pipe', 'pipe'] });
      const children = [launch(), launch()];
      const outputs = children.map((c) => {
        let out = '';
        c.stdout!.on('data', (d: Buffer) => (out += d.toString()));
        c.stderr!.on('data', (d: Buffer) => (out += d.toString()));
        return () => out;
      });
      // The loser exits on its own; the winner runs until told to stop.
      const loser = await Promise.race(children.map((c, i) => new Promise<number>((r) => c.once('exit', () => r(i)))));
      const winner = 1 - loser;
      await new Promise((r) => setTimeout(r, 300));
      assert.match(outputs[loser](), /in use by another broker: tributary start \(process \d+\)/, `trial ${trial}: ${outputs[loser]()}`);
      assert.doesNotMatch(outputs[loser](), /ENOENT|EEXIST/);
      assert.equal(children[winner].exitCode, null, `trial ${trial}: the winner must keep running: ${outputs[winner]()}`);
      children[winner].kill('SIGTERM');
      await new Promise((r) => children[winner].once('exit', r));
      assert.match(outputs[winner](), /bootstrap servers: /);
    }
  });

  it('a closed stdout (| head) ends status and dump-log quietly with status 0; start keeps running', async () => {
    const { child, bootstrap } = await start(['--data', dir, '--port', '0', '--nodes', '3']);
    try {
      // Enough partitions that status prints more than a pipe buffer's worth after head has gone.
      const created = spawnSync(process.execPath, ['-e', `
        const { Kafka, logLevel } = require('kafkajs');
        const admin = new Kafka({ brokers: '${bootstrap}'.split(','), logLevel: logLevel.NOTHING }).admin();
        admin.connect().then(() => admin.createTopics({ topics: [{ topic: 'many', numPartitions: 2000, replicationFactor: 1 }] })).then(() => admin.disconnect());
      `], { cwd: ROOT, encoding: 'utf8', timeout: 60000 });
      assert.equal(created.status, 0, created.stderr);
      for (const cmd of [`status --data ${dir}`, `dump-log ${dir}/node-*/many-*/0*`]) {
        const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${BIN}" ${cmd} | head -1; echo "status=\${PIPESTATUS[0]}" >&2`], { encoding: 'utf8', timeout: 30000 });
        assert.equal(r.stdout.split('\n').filter((l) => l).length, 1, r.stdout);
        assert.doesNotMatch(r.stderr, /EPIPE|Error|at /, `${cmd}: ${r.stderr}`);
        assert.match(r.stderr, /status=0/, `${cmd}: ${r.stderr}`);
      }
      assert.equal(child.exitCode, null);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });

  it('topics (and scripts/kafka-tools/bin/kafka-topics.sh): create with configs, describe, alter partitions, list, delete, as kafka-topics.sh', async function () {
    // Thirteen runs of the command line, each loading the whole bundle: a busy machine needs more than 30 s.
    this.timeout(90000);
    const { child, bootstrap } = await start(['--data', dir, '--port', '0', '--nodes', '3']);
    const script = path.join(ROOT, 'scripts', 'kafka-tools', 'bin', 'kafka-topics.sh');
    // As librdkafka's suite runs it: through a shell, the topic name quoted.
    const sh = (args: string) => spawnSync('sh', ['-c', `"${script}" --bootstrap-server ${bootstrap} ${args}`], { encoding: 'utf8', timeout: 30000 });
    try {
      let r = sh('--create --topic "kt-stamps" --replication-factor 3 --partitions 2 --config message.timestamp.type=LogAppendTime --config retention.ms=60000');
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /Created topic kt-stamps\./);
      r = sh('--describe --topic kt-stamps');
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /Topic: kt-stamps\tTopicId: \S+\tPartitionCount: 2\tReplicationFactor: 3\tConfigs: .*message\.timestamp\.type=LogAppendTime/);
      assert.equal(r.stdout.split('\n').filter((l) => l.startsWith('\tTopic: kt-stamps\tPartition:')).length, 2);
      r = sh('--alter --topic kt-stamps --partitions 4');
      assert.equal(r.status, 0, r.stderr);
      assert.match(sh('--describe --topic kt-stamps').stdout, /PartitionCount: 4/);
      r = sh('--create --topic kt-stamps --partitions 1');
      assert.equal(r.status, 1, 'an existing topic is an error');
      assert.match(r.stderr, /already exists/i);
      assert.equal(sh('--create --topic kt-stamps --partitions 1 --if-not-exists').status, 0);
      assert.ok(sh('--list').stdout.split('\n').includes('kt-stamps'));
      r = sh('--create --topic kt-bad --partitions 1 --config retention.ms=forever');
      assert.equal(r.status, 1);
      assert.match(r.stderr, /retention\.ms/);
      assert.equal(sh('--delete --topic kt-stamps').status, 0);
      assert.ok(!sh('--list').stdout.split('\n').includes('kt-stamps'));
      assert.equal(sh('--delete --topic kt-stamps --if-exists').status, 0);
      assert.equal(sh('--describe').status, 0);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });

  it('rejects bad arguments with usage', () => {
    const r = spawnSync(process.execPath, [BIN, 'start', '--nodes', '12'], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--nodes must be a whole number from 1 to 9/);
    assert.match(r.stderr, /usage:/);
  });

  it('start --node-config: a config for one node (broker.rack), reported in Metadata; malformed or impossible ones refused', async () => {
    const b = await start(['--data', dir, '--port', '0', '--nodes', '2', '--node-config', '0:broker.rack=az-a', '--node-config', '1:broker.rack=az-b']);
    try {
      const c = await RawClient.connect(b.bootstrap);
      try {
        const md = await c.request(3, 12, { ...defaultMetadataRequestData(), topics: [] });
        assert.deepEqual(md.brokers.map((x) => [x.nodeId, x.rack]).sort(), [[0, 'az-a'], [1, 'az-b']]);
      } finally {
        c.close();
      }
    } finally {
      b.child.kill('SIGTERM');
      await new Promise((r) => b.child.once('exit', r));
    }
    const bad = spawnSync(process.execPath, [BIN, 'start', '--data', dir, '--node-config', 'broker.rack=x'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--node-config takes ID:name=value/);
    const missing = spawnSync(process.execPath, [BIN, 'start', '--data', dir, '--port', '0', '--nodes', '2', '--node-config', '5:broker.rack=x'], { encoding: 'utf8' });
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /There is no node 5 to configure: the nodes are 0 to 1/);
  });

  it('dump-log prints a segment, its index and time index like kafka-dump-log', () => {
    const logDir = path.join(dir, 'orders-0');
    const log = Log.open(logDir, { topic: 'orders', partition: 0 }, defaultLogConfig({ 'index.interval.bytes': '10' }));
    for (let i = 0; i < 3; i++) log.appendAsLeader(textBatch([`value-${i}`], { timestamp: 1_700_000_000_000 + i }), 5);
    log.close();
    const files = ['log', 'index', 'timeindex'].map((e) => path.join(logDir, `00000000000000000000.${e}`));
    const r = spawnSync(process.execPath, [BIN, 'dump-log', '--print-data-log', ...files], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Dumping .*00000000000000000000\.log/);
    assert.match(r.stdout, /baseOffset: 1 lastOffset: 1 count: 1 baseSequence: -1 lastSequence: -1 producerId: -1 producerEpoch: -1 partitionLeaderEpoch: 5 isTransactional: false isControl: false/);
    assert.match(r.stdout, /\| offset: 2 CreateTime: 1700000000002 keySize: 2 valueSize: 7 sequence: -1 headerKeys: \[\] key: k0 payload: value-2/);
    assert.match(r.stdout, /compresscodec: none crc: \d+ isvalid: true/);
    assert.match(r.stdout, /offset: 1 position: \d+/);
    assert.match(r.stdout, /timestamp: 1700000000001 offset: 1/);
    // A corrupt byte is flagged, not a crash.
    const bytes = fs.readFileSync(files[0]);
    bytes[bytes.length - 3] ^= 0xff;
    fs.writeFileSync(files[0], bytes);
    const bad = spawnSync(process.execPath, [BIN, 'dump-log', files[0]], { encoding: 'utf8' });
    assert.match(bad.stdout, /isvalid: false/);
  });
});
