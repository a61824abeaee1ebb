import { strict as assert } from 'node:assert';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EmbeddedCluster } from '../../../src/clusters/embedded-cluster';
import { BrokerLifecycle } from '../../../src/clusters/broker-lifecycle';
import { DirectorySnapshot } from '../../../src/clusters/directory-snapshot';
import { DataDirWatcher, DataDirChange } from '../../../src/clusters/data-dir-watcher';
import { BrokerStartError, classifyStartError } from '../../../src/broker/start-failure';
import { BrokerService } from '../../../src/service/broker-service';
import { DirectoryLockedError } from '../../../src/broker/storage/dir-lock';
import { KafkaError } from '../../../src/broker/errors';
import type { StartFailure } from '../../../src/broker/api';
import { tmpDir, rm } from '../../support/tmp';
import { brokerOptions } from '../../../src/config';
import { CLI, eventually, requireBuiltWorker } from './support';

/** `tributary start` in another process, as a terminal would run it; resolves once it printed its bootstrap line. */
function startCli(dataDir: string): Promise<{ child: ChildProcess; bootstrap: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'start', '--data', dataDir, '--port', '0', '--nodes', '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /bootstrap servers: (\S+)/.exec(out);
      if (m) resolve({ child, bootstrap: m[1] });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`tributary start exited with ${code}: ${out}`)));
  });
}

async function failureOf(p: Promise<unknown>): Promise<StartFailure> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof BrokerStartError, `expected a BrokerStartError, got ${(e as Error).stack}`);
    return e.failure;
  }
  throw new Error('the broker started');
}

describe('Start failures: why the broker could not start, and a directory owned by another broker', function () {
  this.timeout(60000);
  let dir: string;
  beforeEach(() => (dir = tmpDir('tributary-start-')));
  afterEach(() => rm(dir));

  it('a `tributary start` in a terminal holds the directory: the start says so with its pid; its files are shown read-only and refresh; its exit frees the directory', async () => {
    // Data made by an earlier run, then the terminal broker takes the directory.
    const first = new BrokerService({ dataDir: dir, nodes: 2, basePort: 0 });
    await first.start();
    await first.createTopic({ name: 'payments', partitions: 2, replicationFactor: 2 });
    await first.produce({ topic: 'payments', records: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }] });
    await first.stop();
    const { child } = await startCli(dir);
    const exited = new Promise((r) => child.once('exit', r));
    let watcher: DataDirWatcher | undefined;
    try {
      const workerPath = requireBuiltWorker();
      const failure = await failureOf(new EmbeddedCluster({ workerPath, broker: { dataDir: dir, nodes: 2, basePort: 0 } }).start());
      assert.equal(failure.reason, 'directoryLocked');
      assert.equal(failure.pid, child.pid);
      assert.match(failure.message, new RegExp(`in use by another broker: tributary start \\(process ${child.pid}\\)`));
      assert.equal(failure.owner, 'tributary start');
      assert.equal(failure.dataDir, dir);

      // The lifecycle turns that into "external": the sidebar reads the directory instead.
      const lifecycle = new BrokerLifecycle((options) => new EmbeddedCluster({ workerPath, broker: options }), () => ({ dataDir: dir, nodes: 2, basePort: 0 }));
      await assert.rejects(lifecycle.start(), BrokerStartError);
      assert.deepEqual(lifecycle.state, { kind: 'external', pid: child.pid, dataDir: dir, owner: 'tributary start' });
      assert.equal(await lifecycle.startOnNeed(), undefined, 'opening the view does not retry against an owned directory');

      const snapshot = new DirectorySnapshot(dir);
      const status = await snapshot.status();
      assert.deepEqual(status.nodes.map((n) => [n.id, n.up]), [[0, true], [1, true]]);
      assert.deepEqual((await snapshot.listTopics()).map((t) => [t.name, t.partitions, t.replicationFactor]), [['payments', 2, 2]]);
      const described = await snapshot.describeTopic('payments');
      assert.ok(described.partitions.every((p) => p.segments[0]?.files.some((f) => f.name.endsWith('.log'))));
      assert.ok(described.partitions.every((p) => p.logStartOffset === 0));

      // Changes the terminal broker makes show up: the watcher reports them, and the lock's release when it stops.
      const changes: DataDirChange[] = [];
      watcher = new DataDirWatcher(dir, (c) => changes.push(c), 100);
      await new Promise((r) => setTimeout(r, 300)); // let the watches settle
      fs.writeFileSync(path.join(dir, 'node-0', 'touched-by-test'), 'x');
      await eventually('a change report', () => changes.some((c) => c.paths.includes(path.join('node-0', 'touched-by-test'))));
      child.kill('SIGTERM');
      await exited;
      await eventually('the lock release', () => changes.some((c) => c.lockReleased));
      lifecycle.externalOwnerGone();
      assert.equal(lifecycle.state.kind, 'stopped');

      // Now ours can start on the same directory and finds the data.
      const api = await lifecycle.start();
      const topics = await api.listTopics();
      assert.ok(topics.some((t) => t.name === 'payments'));
      await lifecycle.stop();
    } finally {
      watcher?.dispose();
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('the broker VS Code runs (worker thread) serves the control socket: `tributary status` and `node` in a terminal reach it; `tributary start` names it', async () => {
    // The options the extension gives its broker.
    const cluster = new EmbeddedCluster({ workerPath: requireBuiltWorker(), broker: brokerOptions({ dataDirectory: dir, nodes: 2, basePort: 0, autoStart: false, topicDefaults: {}, brokerConfig: {}, schemaRegistryPort: undefined }) });
    await cluster.start();
    try {
      const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args, '--data', dir], { encoding: 'utf8' });
      const st = run('status');
      assert.equal(st.status, 0, st.stderr);
      assert.match(st.stdout, /^nodes: 0 up, 1 up$/m);
      assert.equal(run('node', 'stop', '1').status, 0);
      await eventually('node 1 is down', async () => (await cluster.status()).nodes.find((n) => n.id === 1)?.up === false);
      assert.match(run('status').stdout, /^nodes: 0 up, 1 DOWN$/m);
      const taken = spawnSync(process.execPath, [CLI, 'start', '--data', dir, '--port', '0'], { encoding: 'utf8' });
      assert.equal(taken.status, 1);
      assert.match(taken.stderr, /in use by another broker: VS Code \(the Tributary extension\) \(process \d+\)/);
    } finally {
      await cluster.stop();
    }
    assert.ok(!fs.existsSync(path.join(dir, 'tributary.sock')), 'the socket goes with the broker');
  });

  it('a corrupt cluster-metadata.json is named as the file at fault', async () => {
    fs.writeFileSync(path.join(dir, 'cluster-metadata.json'), '{ "version": 1, "topics": [');
    const failure = await failureOf(new EmbeddedCluster({ workerPath: requireBuiltWorker(), broker: { dataDir: dir, nodes: 1, basePort: 0 } }).start());
    assert.equal(failure.reason, 'corruptData');
    assert.equal(failure.path, path.join(dir, 'cluster-metadata.json'));
    assert.match(failure.message, /not valid JSON/);
  });

  it('a bad topic default in the settings is a config problem, with Kafka’s message', async () => {
    const failure = await failureOf(new BrokerService({ dataDir: dir, nodes: 1, basePort: 0, config: { 'log.retention.ms': 'forever' } }).start());
    assert.equal(failure.reason, 'badConfig');
    assert.match(failure.message, /Invalid value forever for configuration log.retention.ms/);
  });

  it('classifies taken ports, locks, permissions and the rest', () => {
    const ctx = { dataDir: dir, basePort: 9092 };
    const inUse = Object.assign(new Error('listen EADDRINUSE: address already in use 127.0.0.1:9092'), { code: 'EADDRINUSE', syscall: 'listen' });
    assert.deepEqual([classifyStartError(inUse, ctx).reason, classifyStartError(inUse, ctx).port], ['portInUse', 9092]);
    assert.equal(classifyStartError(new Error('node 0: no free port from 9092 to 9192: listen EADDRINUSE'), ctx).reason, 'portInUse');
    const denied = Object.assign(new Error('listen EACCES: permission denied 127.0.0.1:80'), { code: 'EACCES', syscall: 'listen' });
    assert.equal(classifyStartError(denied, ctx).reason, 'portInUse');
    const readOnly = Object.assign(new Error(`EACCES: permission denied, mkdir '${dir}/node-0'`), { code: 'EACCES', syscall: 'mkdir', path: `${dir}/node-0` });
    assert.deepEqual([classifyStartError(readOnly, ctx).reason, classifyStartError(readOnly, ctx).path], ['permissionDenied', `${dir}/node-0`]);
    const locked = classifyStartError(new DirectoryLockedError(path.join(dir, 'node-0'), 4242), ctx);
    assert.deepEqual([locked.reason, locked.pid, locked.path], ['directoryLocked', 4242, path.join(dir, 'node-0')]);
    assert.equal(classifyStartError(new KafkaError('INCONSISTENT_CLUSTER_ID', `${dir}/node-1 belongs to cluster x, not y`), ctx).reason, 'corruptData');
    const other = classifyStartError(new Error('something else'), ctx);
    assert.equal(other.reason, 'unknown');
    assert.match(other.detail!, /something else/);
  });
});
