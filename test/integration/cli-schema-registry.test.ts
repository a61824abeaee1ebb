// `tributary start` with its schema registry: where it listens, that it keeps its state across a restart (in
// `_schemas`), that a taken port leaves the broker running with a warning, and that it can be turned off.
import { strict as assert } from 'node:assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { tmpDir, rm } from '../support/tmp';

const BIN = path.join(__dirname, '..', '..', '..', 'scripts', 'tributary.js');
const JSON_TYPE = { 'content-type': 'application/vnd.schemaregistry.v1+json' };

interface Started {
  child: ChildProcess;
  output: () => string;
  bootstrap: string;
}

/** Starts the broker and resolves once it has printed everything up to its last start line. */
function start(args: string[], lastLine: RegExp): Promise<Started> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'start', '--port', '0', '--nodes', '1', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const bootstrap = /bootstrap servers: (\S+)/.exec(out)?.[1];
      if (bootstrap && lastLine.test(out)) resolve({ child, output: () => out, bootstrap });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`tributary start exited with ${code}: ${out}`)));
  });
}

async function stop(s: Started): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => s.child.once('exit', (code) => resolve(code)));
  s.child.kill('SIGTERM');
  return exited;
}

describe('tributary start: the schema registry', function () {
  this.timeout(60000);
  let dir: string;
  beforeEach(() => (dir = tmpDir()));
  afterEach(() => rm(dir));

  it('listens where it says, keeps what is registered across a restart, and stops with the broker', async () => {
    const first = await start(['--data', dir, '--schema-registry-port', '0'], /schema registry: \S+\n/);
    const url = /schema registry: (\S+)/.exec(first.output())![1];
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.deepEqual(await (await fetch(`${url}/`)).json(), {});
    const schema = JSON.stringify({ type: 'record', name: 'Reading', fields: [{ name: 'celsius', type: 'double' }] });
    const reg = await fetch(`${url}/subjects/readings-value/versions`, { method: 'POST', headers: JSON_TYPE, body: JSON.stringify({ schema }) });
    assert.equal(reg.status, 200);
    const { id } = (await reg.json()) as { id: number };
    assert.equal(await stop(first), 0);
    await assert.rejects(fetch(`${url}/`), 'the registry stopped with the broker');

    const second = await start(['--data', dir, '--schema-registry-port', '0'], /schema registry: \S+\n/);
    try {
      const url2 = /schema registry: (\S+)/.exec(second.output())![1];
      const latest = (await (await fetch(`${url2}/subjects/readings-value/versions/latest`)).json()) as { id: number; version: number; schema: string };
      assert.deepEqual([latest.id, latest.version, JSON.parse(latest.schema).name], [id, 1, 'Reading']);
      // The topic holding it is an ordinary topic any client lists.
      assert.match(spawnSync(process.execPath, [BIN, 'topics', 'list', '--bootstrap-server', second.bootstrap], { encoding: 'utf8' }).stdout, /^_schemas$/m);
    } finally {
      await stop(second);
    }
  });

  it('a taken port: the broker runs without the registry and says why', async () => {
    const blocker = net.createServer();
    const port = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as net.AddressInfo).port)));
    try {
      const s = await start(['--data', dir, '--schema-registry-port', String(port)], /warning: .*\n/);
      try {
        assert.match(s.output(), new RegExp(`warning: the schema registry did not start: port ${port} is in use`));
        assert.doesNotMatch(s.output(), /schema registry: http/);
        // The broker itself serves.
        assert.equal(spawnSync(process.execPath, [BIN, 'topics', 'create', 'still-up', '--bootstrap-server', s.bootstrap], { encoding: 'utf8' }).status, 0);
      } finally {
        assert.equal(await stop(s), 0);
      }
    } finally {
      blocker.close();
    }
  });

  it('--no-schema-registry starts none; with --schema-registry-port it is a usage error', async () => {
    const s = await start(['--data', dir, '--no-schema-registry'], /bootstrap servers: /);
    // Its start lines are all out once the process is idle: give the last of them a moment.
    await new Promise((r) => setTimeout(r, 300));
    assert.doesNotMatch(s.output(), /schema registry/);
    assert.equal(await stop(s), 0);
    const both = spawnSync(process.execPath, [BIN, 'start', '--data', dir, '--no-schema-registry', '--schema-registry-port', '0'], { encoding: 'utf8' });
    assert.notEqual(both.status, 0);
    assert.match(both.stderr + both.stdout, /--schema-registry-port and --no-schema-registry contradict each other/);
  });
});
