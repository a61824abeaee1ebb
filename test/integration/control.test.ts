import { strict as assert } from 'node:assert';
import { spawn, execFile, ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tmpDir, rm } from '../support/tmp';
import { controlSocketPath } from '../../src/broker/control-socket';
import { RawClient } from '../support/raw-client';
import { defaultMetadataRequestData } from '../../src/protocol/messages/metadata-request';

const ROOT = path.join(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'scripts', 'tributary.js');

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], (err, stdout, stderr) => resolve({ code: err ? (err as NodeJS.ErrnoException & { code: number }).code ?? 1 : 0, stdout, stderr }));
  });
}

describe('tributary node / fault / status / elect-leaders against a running broker', function () {
  this.timeout(60000);
  let dir: string;
  let child: ChildProcess;
  let bootstrap = '';
  before(async () => {
    dir = tmpDir();
    child = spawn(process.execPath, [BIN, 'start', '--data', dir, '--port', '0', '--nodes', '3', '--config', 'replica.lag.time.max.ms=1000', '--config', 'default.replication.factor=3', '--config', 'auto.create.topics.enable=true'], { stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d) => {
        out += d;
        const m = /^bootstrap servers: (\S+)/m.exec(out);
        if (m) {
          bootstrap = m[1];
          resolve();
        }
      });
      child.once('exit', (c) => reject(new Error(`exited ${c}`)));
    });
  });
  after(async () => {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    assert.ok(!fs.existsSync(controlSocketPath(dir)), 'the control socket is removed at shutdown');
    rm(dir);
  });

  it('tributary clients: who connected, with which versions, and what Kafka 4.0 would refuse (status warns too)', async () => {
    const c = await RawClient.connect(bootstrap.split(',')[0]);
    try {
      await c.request(18, 3, { clientSoftwareName: 'offset-monitor', clientSoftwareVersion: '0.8.2' });
      await c.request(3, 1, { ...defaultMetadataRequestData(), topics: [] });
      await c.request(2, 0, { replicaId: -1, isolationLevel: 0, timeoutMs: 0, topics: [] });
    } finally {
      c.close();
    }
    const r = await cli(['clients', '--data', dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /raw-client \(offset-monitor 0\.8\.2\) from \S+: 1 connection \((0|1) open\), 3 requests/);
    assert.match(r.stdout, /APIs: ListOffsets v0, Metadata v1, ApiVersions v3/);
    assert.match(r.stdout, /Kafka 4\.0 refuses: ListOffsets v0 \(Kafka 4\.0 serves v1\+\)/);
    const s = await cli(['status', '--data', dir]);
    assert.match(s.stdout, /warning: client raw-client \(offset-monitor 0\.8\.2\) from \S+ uses requests Kafka 4\.0 refuses: ListOffsets v0/);
  });

  it('stops and starts nodes, moving the controller, and shows the cluster', async () => {
    const s = await cli(['status', '--data', dir]);
    assert.equal(s.code, 0, s.stderr);
    assert.match(s.stdout, /controller: node 0/);
    assert.match(s.stdout, /nodes: 0 up, 1 up, 2 up/);
    const stop = await cli(['node', 'stop', '0', '--data', dir]);
    assert.equal(stop.code, 0, stop.stderr);
    assert.match(stop.stdout, /node 0 stopped/);
    assert.match(stop.stdout, /controller: node 1/);
    assert.match(stop.stdout, /nodes: 0 DOWN, 1 up, 2 up/);
    const start = await cli(['node', 'start', '0', '--data', dir]);
    assert.match(start.stdout, /nodes: 0 up, 1 up, 2 up/);
  });

  it('injects and clears faults', async () => {
    const cut = await cli(['fault', 'cut-link', '1', '2', '--data', dir]);
    assert.match(cut.stdout, /cut links: 1-2/);
    const slow = await cli(['fault', 'slow-follower', '2', '150', '--data', dir]);
    assert.match(slow.stdout, /slow followers: 2 \(150 ms\)/);
    const status = await cli(['status', '--data', dir]);
    assert.match(status.stdout, /faults: cut links 1-2; paused -; slow 2:150ms/);
    const clear = await cli(['fault', 'clear', '--data', dir]);
    assert.match(clear.stdout, /cut links: -/);
    const bad = await cli(['fault', 'cut-link', '1', '--data', dir]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /expected a node id/);
  });

  it('says when no broker runs on a directory', async () => {
    const other = tmpDir();
    try {
      const r = await cli(['status', '--data', other]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /no broker is running on/);
    } finally {
      rm(other);
    }
  });
});
