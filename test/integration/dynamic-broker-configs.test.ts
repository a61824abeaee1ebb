/**
 * Dynamic broker configs over raw frames, as Kafka 3.9 has them: AlterConfigs and IncrementalAlterConfigs on BROKER
 * resources (a node id, or "" for the cluster-wide defaults), their checks and messages, DescribeConfigs sources and
 * synonyms, the effect on topics without overrides, and persistence across a restart.
 */
import { strict as assert } from 'node:assert';
import { startTestBroker, type TestBroker } from '../support/broker';
import { RawClient } from '../support/raw-client';
import { textBatch, sizedBatch } from '../support/batches';
import { tmpDir, rm } from '../support/tmp';
import { ErrorCode } from '../../src/broker/errors';
import { defaultDescribeConfigsRequestData } from '../../src/protocol/messages/describe-configs-request';
import { defaultIncrementalAlterConfigsRequestData } from '../../src/protocol/messages/incremental-alter-configs-request';
import { defaultAlterConfigsRequestData } from '../../src/protocol/messages/alter-configs-request';

const TOPIC = 2;
const BROKER = 4;
const SET = 0;
const DELETE = 1;
const APPEND = 2;
const SUBTRACT = 3;
const DYNAMIC_BROKER_CONFIG = 2;
const DYNAMIC_DEFAULT_BROKER_CONFIG = 3;
const STATIC_BROKER_CONFIG = 4;
const DEFAULT_CONFIG = 5;

type Op = [string, number, string | null];

describe('dynamic broker configs (AlterConfigs / IncrementalAlterConfigs on BROKER resources)', function () {
  this.timeout(30000);
  let dir: string;
  let broker: TestBroker;
  const clients = new Map<number, RawClient>();
  const to = (id: number) => clients.get(id)!;

  async function start(): Promise<void> {
    broker = await startTestBroker({ nodes: 3, dataDir: dir, config: { 'log.retention.hours': '5', 'log.segment.bytes': '2000000' } });
    for (const l of broker.server.listeners()) clients.set(l.nodeId, await RawClient.connect(`${l.host}:${l.port}`));
  }
  async function stop(): Promise<void> {
    for (const c of clients.values()) c.close();
    clients.clear();
    await broker?.stop(true);
  }

  before(async () => {
    dir = tmpDir('dynamic-configs');
    await start();
  });
  after(async () => {
    await stop();
    rm(dir);
  });

  const incremental = (nodeId: number, resourceName: string, ops: Op[], validateOnly = false) =>
    to(nodeId).request(44, 1, {
      ...defaultIncrementalAlterConfigsRequestData(),
      validateOnly,
      resources: [{ resourceType: BROKER, resourceName, configs: ops.map(([name, configOperation, value]) => ({ name, configOperation, value })) }],
    });
  const outcome = async (p: ReturnType<typeof incremental>) => {
    const r = (await p).responses[0];
    return [r.errorCode, r.errorMessage];
  };
  const describe = async (nodeId: number, resourceType: number, resourceName: string, keys: string[] | null = null) => {
    const r = await to(nodeId).request(32, 4, { ...defaultDescribeConfigsRequestData(), includeSynonyms: true, resources: [{ resourceType, resourceName, configurationKeys: keys }] });
    assert.equal(r.results[0].errorCode, 0, r.results[0].errorMessage ?? '');
    return new Map(r.results[0].configs.map((c) => [c.name, c]));
  };

  it('a cluster-wide default and a node\'s own value: sources, synonyms and values as Kafka describes them', async () => {
    assert.deepEqual(await outcome(incremental(0, '', [['log.retention.ms', SET, '7200000'], ['message.max.bytes', SET, '3000']])), [0, null]);
    assert.deepEqual(await outcome(incremental(1, '1', [['log.retention.ms', SET, '3600000']])), [0, null]);

    const node1 = await describe(1, BROKER, '1', ['log.retention.ms', 'message.max.bytes', 'log.retention.hours']);
    const ret = node1.get('log.retention.ms')!;
    assert.deepEqual([ret.value, ret.configSource, ret.readOnly], ['3600000', DYNAMIC_BROKER_CONFIG, false]);
    assert.deepEqual(ret.synonyms.map((s) => [s.name, s.value, s.source]), [
      ['log.retention.ms', '3600000', DYNAMIC_BROKER_CONFIG],
      ['log.retention.ms', '7200000', DYNAMIC_DEFAULT_BROKER_CONFIG],
      ['log.retention.hours', '5', STATIC_BROKER_CONFIG],
      ['log.retention.hours', '168', DEFAULT_CONFIG],
    ]);
    assert.deepEqual([node1.get('message.max.bytes')!.value, node1.get('message.max.bytes')!.configSource], ['3000', DYNAMIC_DEFAULT_BROKER_CONFIG]);
    assert.deepEqual([node1.get('log.retention.hours')!.configSource, node1.get('log.retention.hours')!.readOnly], [STATIC_BROKER_CONFIG, true]);

    // Node 2 has no value of its own: the cluster-wide default.
    const node2 = await describe(2, BROKER, '2', ['log.retention.ms']);
    assert.deepEqual([node2.get('log.retention.ms')!.value, node2.get('log.retention.ms')!.configSource], ['7200000', DYNAMIC_DEFAULT_BROKER_CONFIG]);

    // "" lists the dynamic defaults only, each from that level.
    const defaults = await describe(2, BROKER, '');
    assert.deepEqual([...defaults.values()].map((c) => [c.name, c.value, c.configSource, c.synonyms.map((s) => s.source)]), [
      ['log.retention.ms', '7200000', DYNAMIC_DEFAULT_BROKER_CONFIG, [DYNAMIC_DEFAULT_BROKER_CONFIG]],
      ['message.max.bytes', '3000', DYNAMIC_DEFAULT_BROKER_CONFIG, [DYNAMIC_DEFAULT_BROKER_CONFIG]],
    ]);
  });

  it('topics without overrides take the new defaults at once: retention.ms and max.message.bytes, in describe and in the log', async () => {
    broker.cluster.createTopic('dyn-defaults', 1, 3);
    broker.cluster.createTopic('dyn-override', 1, 3, { 'retention.ms': '1000', 'max.message.bytes': '100000' });
    const topic = await describe(0, TOPIC, 'dyn-defaults', ['retention.ms', 'max.message.bytes']);
    assert.deepEqual([topic.get('retention.ms')!.value, topic.get('retention.ms')!.configSource], ['7200000', DYNAMIC_DEFAULT_BROKER_CONFIG]);
    assert.deepEqual(topic.get('retention.ms')!.synonyms.map((s) => [s.name, s.source]), [
      ['log.retention.ms', DYNAMIC_DEFAULT_BROKER_CONFIG],
      ['log.retention.hours', STATIC_BROKER_CONFIG],
      ['log.retention.hours', DEFAULT_CONFIG],
    ]);
    // Node 1's own value shows when node 1 answers.
    assert.equal((await describe(1, TOPIC, 'dyn-defaults', ['retention.ms'])).get('retention.ms')!.value, '3600000');

    const leader = broker.cluster.partitionLeader('dyn-defaults', 0);
    const log = broker.cluster.leaderLog('dyn-defaults', 0);
    assert.equal(log.config.retentionMs, leader === 1 ? 3600000 : 7200000);
    assert.equal(log.config.maxMessageBytes, 3000);
    assert.equal(broker.cluster.leaderLog('dyn-override', 0).config.retentionMs, 1000, 'an override still wins');

    // message.max.bytes is enforced on produce: a 5000-byte batch is too large now, and fine once the default goes.
    const l = broker.server.listeners().find((x) => x.nodeId === leader)!;
    const c = await RawClient.connect(`${l.host}:${l.port}`);
    try {
      const produce = () => c.request(0, 9, { transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{ name: 'dyn-defaults', partitionData: [{ index: 0, records: sizedBatch(5000) }] }] });
      assert.equal((await produce()).responses[0].partitionResponses[0].errorCode, ErrorCode.MESSAGE_TOO_LARGE);
      assert.deepEqual(await outcome(incremental(2, '', [['message.max.bytes', DELETE, null]])), [0, null]);
      assert.equal((await produce()).responses[0].partitionResponses[0].errorCode, 0);
    } finally {
      c.close();
    }
  });

  it('refuses what Kafka refuses, with its codes and messages; custom configs are kept', async () => {
    assert.deepEqual(await outcome(incremental(0, '0', [['log.retention.hours', SET, '1']])), [ErrorCode.INVALID_REQUEST, 'Cannot update these configs dynamically: Set(log.retention.hours)']);
    assert.deepEqual(await outcome(incremental(0, '0', [['log.retention.ms', SET, 'abc']])), [ErrorCode.INVALID_REQUEST, 'Invalid value abc for configuration log.retention.ms: Not a number of type LONG']);
    assert.deepEqual(await outcome(incremental(0, '0', [['background.threads', SET, '0']])), [ErrorCode.INVALID_REQUEST, 'Invalid value 0 for configuration background.threads: Value must be at least 1']);
    assert.deepEqual(await outcome(incremental(0, '', [['sasl.kerberos.min.time.before.relogin', SET, '58000']])), [
      ErrorCode.INVALID_REQUEST,
      'Cannot update these configs at default cluster level, broker id must be specified: Set(sasl.kerberos.min.time.before.relogin)',
    ]);
    assert.deepEqual(await outcome(incremental(0, '2', [['background.threads', SET, '4']])), [ErrorCode.INVALID_REQUEST, 'Unexpected broker id, expected 0, but received 2']);
    assert.deepEqual(await outcome(incremental(0, 'x', [['background.threads', SET, '4']])), [ErrorCode.INVALID_REQUEST, 'Node id must be an integer, but it is: x']);
    assert.deepEqual(await outcome(incremental(0, '0', [['background.threads', APPEND, '4']])), [ErrorCode.INVALID_CONFIG, "Can't APPEND to key background.threads because its type is not LIST."]);
    assert.equal((await outcome(incremental(0, '0', [['listeners', SET, 'PLAINTEXT://:1']])))[0], ErrorCode.INVALID_REQUEST);
    assert.deepEqual(broker.cluster.brokerConfig.dynamicConfigs(0), {}, 'nothing was stored by a refused change');

    // Per-broker Kerberos settings and a custom (unknown) config are accepted, as by Kafka; validateOnly stores nothing.
    assert.deepEqual(await outcome(incremental(0, '0', [['sasl.kerberos.min.time.before.relogin', SET, '58000']], true)), [0, null]);
    assert.deepEqual(broker.cluster.brokerConfig.dynamicConfigs(0), {});
    assert.deepEqual(await outcome(incremental(0, '0', [['sasl.kerberos.min.time.before.relogin', SET, '58000'], ['custom.plugin.setting', SET, 'x']])), [0, null]);
    const d = await describe(0, BROKER, '0', ['sasl.kerberos.min.time.before.relogin', 'custom.plugin.setting']);
    assert.deepEqual([d.get('sasl.kerberos.min.time.before.relogin')!.value, d.get('sasl.kerberos.min.time.before.relogin')!.configSource], ['58000', DYNAMIC_BROKER_CONFIG]);
    assert.deepEqual([d.get('custom.plugin.setting')!.value, d.get('custom.plugin.setting')!.isSensitive, d.get('custom.plugin.setting')!.configSource], [null, true, DYNAMIC_BROKER_CONFIG]);
  });

  it('APPEND and SUBTRACT start from the level\'s dynamic value or the default; DELETE falls back; the legacy API replaces the set', async () => {
    assert.deepEqual(await outcome(incremental(1, '1', [['background.threads', SET, '9'], ['log.cleanup.policy', APPEND, 'compact']])), [0, null]);
    assert.deepEqual(broker.cluster.brokerConfig.dynamicConfigs(1), { 'log.retention.ms': '3600000', 'background.threads': '9', 'log.cleanup.policy': 'delete,compact' });
    assert.deepEqual(await outcome(incremental(1, '1', [['background.threads', DELETE, ''], ['log.cleanup.policy', SUBTRACT, 'compact']])), [0, null]);
    assert.deepEqual(broker.cluster.brokerConfig.dynamicConfigs(1), { 'log.retention.ms': '3600000', 'log.cleanup.policy': 'delete' });
    const threads = (await describe(1, BROKER, '1', ['background.threads'])).get('background.threads')!;
    assert.deepEqual([threads.value, threads.configSource], ['10', DEFAULT_CONFIG]);

    const legacy = await to(1).request(33, 2, { ...defaultAlterConfigsRequestData(), resources: [{ resourceType: BROKER, resourceName: '1', configs: [{ name: 'log.retention.bytes', value: '123456789' }] }] });
    assert.equal(legacy.responses[0].errorCode, 0);
    assert.deepEqual(broker.cluster.brokerConfig.dynamicConfigs(1), { 'log.retention.bytes': '123456789' }, 'AlterConfigs replaces the level\'s whole set');
  });

  it('dynamic configs survive a restart and apply to the logs loaded then', async () => {
    await stop();
    await start();
    assert.deepEqual(broker.cluster.brokerConfig.dynamicConfigs(null), { 'log.retention.ms': '7200000' });
    assert.deepEqual(broker.cluster.brokerConfig.dynamicConfigs(1), { 'log.retention.bytes': '123456789' });
    const node1 = await describe(1, BROKER, '1', ['log.retention.bytes', 'log.retention.ms']);
    assert.deepEqual([node1.get('log.retention.bytes')!.value, node1.get('log.retention.bytes')!.configSource], ['123456789', DYNAMIC_BROKER_CONFIG]);
    assert.equal(node1.get('log.retention.ms')!.configSource, DYNAMIC_DEFAULT_BROKER_CONFIG);
    assert.equal(broker.cluster.leaderLog('dyn-defaults', 0).config.retentionMs, 7200000);
    broker.cluster.append('dyn-defaults', 0, textBatch(['after restart']));
  });
});
