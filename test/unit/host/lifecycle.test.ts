import { strict as assert } from 'node:assert';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BrokerEvent, BrokerServiceOptions, BrokerStatus, StartFailure } from '../../../src/broker/api';
import { BrokerLifecycle, BrokerConnection, BrokerState } from '../../../src/clusters/broker-lifecycle';
import type { WorkerExit } from '../../../src/clusters/embedded-cluster';
import { BrokerStartError } from '../../../src/broker/start-failure';
import { Listeners } from '../../../src/shared/listeners';
import { failureActions, shortBootstrap, statusBarView } from '../../../src/views/broker-presentation';
import { brokerOptions, resolveSettings } from '../../../src/config';

const STATUS: BrokerStatus = { clusterId: 'c', dataDir: '/d', bootstrap: '127.0.0.1:9092,127.0.0.1:9093,127.0.0.1:9094', controllerId: 0, nodes: [] };

/** A connection whose start is decided by the test. */
class FakeConnection {
  readonly events = new Listeners<BrokerEvent>();
  readonly exits = new Listeners<WorkerExit>();
  stopped = 0;
  private settle!: { resolve: (s: BrokerStatus) => void; reject: (e: Error) => void };
  readonly started = new Promise<BrokerStatus>((resolve, reject) => (this.settle = { resolve, reject }));

  constructor(readonly options: BrokerServiceOptions) {}
  succeed(): void {
    this.settle.resolve(STATUS);
  }
  fail(f: Partial<StartFailure>): void {
    this.settle.reject(new BrokerStartError({ reason: 'unknown', message: 'no', dataDir: '/d', ...f }));
  }
  asConnection(): BrokerConnection {
    const notUsed = () => Promise.reject(new Error('not used'));
    return {
      start: () => this.started,
      stop: async () => void this.stopped++,
      onEvent: (l) => this.events.add(l),
      onExit: (l) => this.exits.add(l),
      status: async () => STATUS,
      listTopics: notUsed,
      describeTopic: notUsed,
      createTopic: notUsed,
      deleteTopic: notUsed,
      addPartitions: notUsed,
      getTopicConfigs: notUsed,
      setTopicConfigs: notUsed,
      produce: notUsed,
      consume: notUsed,
      listGroups: notUsed,
      describeGroup: notUsed,
      planReset: notUsed,
      resetOffsets: notUsed,
      deleteGroup: notUsed,
      replication: notUsed,
      stopNode: notUsed,
      startNode: notUsed,
      setFault: notUsed,
      electLeaders: notUsed,
      rebalanceHistory: notUsed,
      electionHistory: notUsed,
      connectedClients: notUsed,
      describeAcls: notUsed,
      createAcls: notUsed,
      deleteAcls: notUsed,
      clientQuotas: notUsed,
      listTransactions: notUsed,
      abortTransaction: notUsed,
      reassignPartition: notUsed,
    };
  }
}

function setup() {
  const made: FakeConnection[] = [];
  const states: Array<BrokerState['kind']> = [];
  const lifecycle = new BrokerLifecycle(
    (options) => {
      const c = new FakeConnection(options);
      made.push(c);
      return c.asConnection();
    },
    () => ({ dataDir: '/d' }),
  );
  lifecycle.onState((s) => states.push(s.kind));
  return { lifecycle, made, states };
}

describe('Broker lifecycle (no VS Code)', () => {
  it('starts once on first need however many ask, and forwards events across restarts', async () => {
    const { lifecycle, made, states } = setup();
    const seen: string[] = [];
    lifecycle.onEvent((e) => seen.push(e.type));
    const a = lifecycle.startOnNeed();
    const b = lifecycle.startOnNeed();
    const c = lifecycle.start();
    await new Promise((r) => setImmediate(r));
    assert.equal(made.length, 1, 'one broker for three needs');
    made[0].succeed();
    const [x, y, z] = await Promise.all([a, b, c]);
    assert.ok(x && x === y && y === z);
    assert.deepEqual(states, ['starting', 'running']);
    made[0].events.fire({ type: 'topicCreated', topic: 't', partitions: 1 });

    const restarting = lifecycle.restart();
    await new Promise((r) => setImmediate(r));
    made[1].succeed();
    await restarting;
    assert.equal(made[0].stopped, 1);
    made[0].events.fire({ type: 'topicDeleted', topic: 'stale' }); // the old broker is no longer listened to
    made[1].events.fire({ type: 'topicDeleted', topic: 't' });
    assert.deepEqual(seen, ['topicCreated', 'topicDeleted']);
  });

  it('after a failure or a stop by the user, opening the view does not start it again; an explicit start does', async () => {
    const { lifecycle, made } = setup();
    const first = lifecycle.start();
    await new Promise((r) => setImmediate(r));
    made[0].fail({ reason: 'portInUse', message: 'ports taken' });
    await assert.rejects(first, (e: unknown) => e instanceof BrokerStartError && e.failure.reason === 'portInUse');
    assert.equal(lifecycle.state.kind, 'failed');
    assert.equal(await lifecycle.startOnNeed(), undefined);
    assert.equal(made.length, 1);

    const second = lifecycle.start();
    await new Promise((r) => setImmediate(r));
    made[1].succeed();
    await second;
    await lifecycle.stop();
    assert.equal(lifecycle.state.kind, 'stopped');
    assert.equal(await lifecycle.startOnNeed(), undefined, 'stopped by the user stays stopped');
    assert.equal(made.length, 2);
  });

  it('a locked directory makes it "external"; the owner going away makes it startable on need again', async () => {
    const { lifecycle, made } = setup();
    const p = lifecycle.start();
    await new Promise((r) => setImmediate(r));
    made[0].fail({ reason: 'directoryLocked', pid: 777, owner: 'tributary start', dataDir: '/d', message: 'locked' });
    await assert.rejects(p);
    assert.deepEqual(lifecycle.state, { kind: 'external', pid: 777, dataDir: '/d', owner: 'tributary start' });
    lifecycle.externalOwnerGone();
    assert.equal(lifecycle.state.kind, 'stopped');
    const q = lifecycle.startOnNeed();
    await new Promise((r) => setImmediate(r));
    made[1].succeed();
    assert.ok(await q);
  });

  it('a worker that dies is a failure with its reason, not a silent stop', async () => {
    const { lifecycle, made } = setup();
    const p = lifecycle.start();
    await new Promise((r) => setImmediate(r));
    made[0].succeed();
    await p;
    made[0].exits.fire({ expected: false, code: 1, error: 'RangeError: boom\n    at x' });
    const s = lifecycle.state;
    assert.equal(s.kind, 'failed');
    assert.equal(s.kind === 'failed' && s.failure.reason, 'workerCrashed');
    assert.equal(s.kind === 'failed' && s.failure.message, 'The broker stopped unexpectedly: RangeError: boom.');
    assert.equal(lifecycle.api, undefined);
  });
});

describe('Broker presentation and settings (no VS Code)', () => {
  it('status bar: state and bootstrap, a click copies it when running', () => {
    assert.equal(shortBootstrap('127.0.0.1:9092,127.0.0.1:9093,127.0.0.1:9094'), '127.0.0.1:9092 +2');
    const running = statusBarView({ kind: 'running', status: STATUS });
    assert.deepEqual([running.text, running.command], ['$(radio-tower) Kafka: 127.0.0.1:9092 +2', 'tributary.copyBootstrap']);
    assert.match(running.tooltip, /127\.0\.0\.1:9092,127\.0\.0\.1:9093,127\.0\.0\.1:9094/);
    // The schema registry's address when it runs (Confluent's serializers take it as schema.registry.url).
    assert.doesNotMatch(running.tooltip, /Schema registry/);
    assert.match(statusBarView({ kind: 'running', status: { ...STATUS, schemaRegistryUrl: 'http://127.0.0.1:8081' } }).tooltip, /\nSchema registry: http:\/\/127\.0\.0\.1:8081\n/);
    assert.equal(statusBarView({ kind: 'stopped' }).command, 'tributary.startBroker');
    const failed = statusBarView({ kind: 'failed', failure: { reason: 'portInUse', message: 'No port free', dataDir: '/d' } });
    assert.deepEqual([failed.command, failed.background], ['tributary.showStartFailure', 'statusBarItem.errorBackground']);
    assert.match(statusBarView({ kind: 'external', pid: 12, dataDir: '/d' }).text, /process 12/);
  });

  it('a failed start offers the actions that fix its cause', () => {
    const f = (reason: StartFailure['reason'], extra: Partial<StartFailure> = {}) => failureActions({ reason, message: '', dataDir: '/d', ...extra });
    assert.deepEqual(f('portInUse'), ['useAnotherPort', 'openSettings', 'showLog']);
    assert.deepEqual(f('directoryLocked'), ['useAnotherDirectory', 'retry', 'showLog']);
    assert.deepEqual(f('corruptData', { path: '/d/cluster-metadata.json' }), ['openFile', 'useAnotherDirectory', 'showLog']);
    assert.deepEqual(f('badConfig'), ['openSettings', 'showLog']);
  });

  it('settings: defaults in the workspace, relative paths, topic defaults as the broker configs Kafka reads them from', () => {
    const get = (values: Record<string, unknown>) => ({ get: <T>(k: string) => values[k] as T | undefined });
    const ws = path.join(os.tmpdir(), 'ws');
    const d = resolveSettings(get({}), { workspaceFolder: ws, fallbackDirectory: '/global' });
    assert.deepEqual(d, { settings: { dataDirectory: path.join(ws, '.tributary'), basePort: 9092, nodes: 3, autoStart: false, topicDefaults: {}, brokerConfig: {}, schemaRegistryPort: 8081 }, problems: [] });
    assert.equal(resolveSettings(get({}), { fallbackDirectory: '/global' }).settings.dataDirectory, '/global/.tributary');
    assert.equal(resolveSettings(get({ dataDirectory: 'data/kafka' }), { workspaceFolder: ws, fallbackDirectory: '/g' }).settings.dataDirectory, path.join(ws, 'data', 'kafka'));
    assert.equal(resolveSettings(get({ dataDirectory: '~/k' }), { workspaceFolder: ws, fallbackDirectory: '/g' }).settings.dataDirectory, path.join(os.homedir(), 'k'));

    const r = resolveSettings(get({ basePort: 70000, nodes: 0, autoStart: true, topicDefaults: { 'retention.ms': 3600000, 'cleanup.policy': 'compact', partitions: 3, 'no.such': 1 } }), { workspaceFolder: ws, fallbackDirectory: '/g' });
    assert.deepEqual([r.settings.basePort, r.settings.nodes, r.settings.autoStart], [9092, 3, true]);
    assert.equal(r.problems.length, 3);
    assert.match(r.problems.join('\n'), /no\.such is not a Kafka topic config/);
    assert.deepEqual(brokerOptions(r.settings), {
      dataDir: path.join(ws, '.tributary'),
      nodes: 3,
      basePort: 9092,
      host: '127.0.0.1',
      config: { 'log.retention.ms': '3600000', 'log.cleanup.policy': 'compact', 'num.partitions': '3' },
      // Written into the data directory's lock: `tributary start` and `status` name the extension.
      owner: 'VS Code (the Tributary extension)',
      schemaRegistry: { port: 8081 },
    });
    // The schema registry: on at 8081 unless turned off; a bad port is reported and the default used.
    assert.equal(brokerOptions(resolveSettings(get({ 'schemaRegistry.enabled': false }), { workspaceFolder: ws, fallbackDirectory: '/g' }).settings).schemaRegistry, undefined);
    assert.deepEqual(brokerOptions(resolveSettings(get({ 'schemaRegistry.port': 0 }), { workspaceFolder: ws, fallbackDirectory: '/g' }).settings).schemaRegistry, { port: 0 });
    const badPort = resolveSettings(get({ 'schemaRegistry.port': -1 }), { workspaceFolder: ws, fallbackDirectory: '/g' });
    assert.deepEqual([badPort.settings.schemaRegistryPort, badPort.problems], [8081, ['tributary.schemaRegistry.port must be a port number from 0 to 65535, not -1; using 8081.']]);
    // Any broker config by its Kafka name (the authorizer, for one), the topic defaults winning on the same name.
    const b = resolveSettings(get({ brokerConfig: { 'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer', 'allow.everyone.if.no.acl.found': true, 'num.partitions': 5, bad: { x: 1 } }, topicDefaults: { partitions: 2 } }), { workspaceFolder: ws, fallbackDirectory: '/g' });
    assert.match(b.problems.join('\n'), /tributary\.brokerConfig: bad needs a string, number or boolean value/);
    assert.deepEqual(brokerOptions(b.settings).config, { 'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer', 'allow.everyone.if.no.acl.found': 'true', 'num.partitions': '2' });
  });
});
