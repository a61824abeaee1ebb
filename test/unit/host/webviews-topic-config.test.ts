import { strict as assert } from 'node:assert';
import { Kafka, logLevel, ConfigResourceTypes } from 'kafkajs';
import { topicConfigDef } from '../../../src/broker/config/topic-config';
import {
  ApplyTopicConfigsRequest,
  OpenConfigDocsCommand,
  TopicConfigEntry,
  TopicConfigGoneNotification,
  TopicConfigInitNotification,
  TopicConfigRefreshCommand,
  TopicConfigsNotification,
  WebviewReadyCommand,
} from '../../../src/shared/webview-protocol';
import { TopicConfigRouter, configNamedIn } from '../../../src/webviews/topic-config-router';
import { RecordingEnv, TestService, command, request, startService } from './webviews-support';

const byName = (configs: TopicConfigEntry[]) => new Map(configs.map((c) => [c.name, c]));
const valueOf = (configs: TopicConfigEntry[], name: string) => byName(configs).get(name)?.value;

describe('Topic config table host (TopicConfigRouter, real broker)', function () {
  this.timeout(60_000);
  let t: TestService;
  let env: RecordingEnv;
  let router: TopicConfigRouter;

  beforeEach(async () => {
    // A broker setting supplies retention.ms's default (log.retention.hours), as Kafka's server.properties would.
    t = await startService({ config: { 'log.retention.hours': '48' } });
    await t.service.createTopic({ name: 'orders', partitions: 2, configs: { 'cleanup.policy': 'compact' } });
    env = new RecordingEnv();
    router = new TopicConfigRouter(t.source, env, 'orders', { refreshMs: 200, eventThrottleMs: 20 });
  });
  afterEach(async () => {
    router.dispose();
    await t.stop();
  });

  async function ready(): Promise<TopicConfigEntry[]> {
    await command(router, WebviewReadyCommand, { panel: 'topicConfig' });
    assert.deepEqual(env.of(TopicConfigInitNotification), [{ topic: 'orders' }]);
    const [first] = await env.waitFor(TopicConfigsNotification);
    return first.configs;
  }

  it('lists every topic config with its value, default and source; applies several; resets one to its default', async () => {
    const configs = await ready();
    assert.deepEqual(configs.map((c) => c.name), topicConfigDef.names(), 'every config Kafka defines for a topic');
    const m = byName(configs);
    assert.deepEqual(m.get('cleanup.policy'), { name: 'cleanup.policy', value: 'compact', default: 'delete', source: 'DYNAMIC_TOPIC_CONFIG', type: 'list', documentation: m.get('cleanup.policy')!.documentation, validValues: ['delete', 'compact'] });
    assert.deepEqual([m.get('retention.ms')!.value, m.get('retention.ms')!.default, m.get('retention.ms')!.source], ['172800000', '172800000', 'STATIC_BROKER_CONFIG']);
    assert.deepEqual([m.get('segment.bytes')!.value, m.get('segment.bytes')!.source, m.get('segment.bytes')!.type], ['1073741824', 'DEFAULT_CONFIG', 'int']);
    assert.ok(configs.every((c) => !c.readOnly), 'Kafka lets clients change every topic config');

    const r = await request(router, env, ApplyTopicConfigsRequest, {
      topic: 'orders',
      changes: [
        { name: 'retention.ms', value: '3600000' },
        { name: 'max.message.bytes', value: '2097152' },
        { name: 'cleanup.policy', value: 'compact,delete' },
        { name: 'unclean.leader.election.enable', value: 'true' },
      ],
    });
    assert.equal(r.error, undefined);
    assert.deepEqual(r.result!.applied, ['retention.ms', 'max.message.bytes', 'cleanup.policy', 'unclean.leader.election.enable']);
    assert.equal(r.result!.refused, undefined);
    const after = byName(r.result!.configs!);
    assert.deepEqual([after.get('retention.ms')!.value, after.get('retention.ms')!.default, after.get('retention.ms')!.source], ['3600000', '172800000', 'DYNAMIC_TOPIC_CONFIG']);
    assert.equal(after.get('cleanup.policy')!.value, 'compact,delete');
    // What the broker holds: the overrides, as DescribeConfigs and kafka-topics --describe see them.
    assert.deepEqual((await t.service.describeTopic('orders')).configs, {
      'cleanup.policy': 'compact,delete',
      'max.message.bytes': '2097152',
      'retention.ms': '3600000',
      'unclean.leader.election.enable': 'true',
    });

    const reset = await request(router, env, ApplyTopicConfigsRequest, { topic: 'orders', changes: [{ name: 'cleanup.policy', value: null }, { name: 'retention.ms', value: null }] });
    assert.deepEqual(reset.result!.applied, ['cleanup.policy', 'retention.ms']);
    const back = byName(await t.service.getTopicConfigs('orders'));
    assert.deepEqual([back.get('cleanup.policy')!.value, back.get('cleanup.policy')!.source], ['delete', 'DEFAULT_CONFIG']);
    assert.deepEqual([back.get('retention.ms')!.value, back.get('retention.ms')!.source], ['172800000', 'STATIC_BROKER_CONFIG'], 'back to the broker setting');
    assert.deepEqual(Object.keys((await t.service.describeTopic('orders')).configs).sort(), ['max.message.bytes', 'unclean.leader.election.enable']);
  });

  it("refuses an invalid value with Kafka's message on that config and changes nothing else", async () => {
    await ready();
    const before = await t.service.getTopicConfigs('orders');
    const bad = await request(router, env, ApplyTopicConfigsRequest, {
      topic: 'orders',
      changes: [
        { name: 'segment.ms', value: '3600000' },
        { name: 'retention.ms', value: '3 days' },
        { name: 'cleanup.policy', value: null },
      ],
    });
    assert.equal(bad.error, undefined, 'a refusal is an answer, not a failure');
    assert.deepEqual(bad.result!.applied, []);
    assert.deepEqual(bad.result!.refused, { message: 'Invalid value 3 days for configuration retention.ms: Not a number of type LONG', code: 'INVALID_CONFIG', config: 'retention.ms' });
    assert.deepEqual(await t.service.getTopicConfigs('orders'), before, 'segment.ms and cleanup.policy unchanged');
    assert.deepEqual(bad.result!.configs, before);

    const cases: Array<[string, string, RegExp]> = [
      ['min.insync.replicas', '0', /^Invalid value 0 for configuration min\.insync\.replicas: Value must be at least 1$/],
      ['compression.type', 'brotli', /^Invalid value brotli for configuration compression\.type: String must be one of: uncompressed, zstd, lz4, snappy, gzip, producer$/],
      ['preallocate', 'yes', /^Invalid value yes for configuration preallocate: Expected value to be either true or false$/],
      ['retention.days', '3', /^Unknown topic config name: retention\.days$/],
    ];
    for (const [name, value, message] of cases) {
      const r = await request(router, env, ApplyTopicConfigsRequest, { topic: 'orders', changes: [{ name: 'segment.bytes', value: '1048576' }, { name, value }] });
      assert.equal(r.result!.refused?.config, name, name);
      assert.match(r.result!.refused!.message, message);
    }
    assert.deepEqual(await t.service.getTopicConfigs('orders'), before);

    // Requests that are not the panel's are refused before the broker sees them.
    for (const params of [
      { topic: 'payments', changes: [{ name: 'retention.ms', value: '1' }] },
      { topic: 'orders', changes: [] },
      { topic: 'orders', changes: [{ name: '__proto__', value: '1' }] },
      { topic: 'orders', changes: [{ name: 'retention.ms', value: 5 }] },
      { topic: 'orders', changes: [{ name: 'retention.ms', value: '1' }, { name: 'retention.ms', value: '2' }] },
      { topic: 'orders', changes: 'retention.ms=1' },
    ]) {
      const r = await request(router, env, ApplyTopicConfigsRequest, params as never);
      assert.equal(r.error?.code, 'INVALID_REQUEST', JSON.stringify(params));
    }
    assert.deepEqual(await t.service.getTopicConfigs('orders'), before);
  });

  it('pushes the configs again when they change elsewhere (the API, a Kafka client), and says when the topic is gone', async () => {
    await ready();
    await t.service.setTopicConfigs('orders', { 'segment.ms': '60000' });
    const pushed = await env.waitFor(TopicConfigsNotification, (all) => valueOf(all.at(-1)!.configs, 'segment.ms') === '60000');
    assert.equal(byName(pushed.at(-1)!.configs).get('segment.ms')!.source, 'DYNAMIC_TOPIC_CONFIG');

    // kafka-configs' way, through the Kafka protocol: AlterConfigs replaces the topic's overrides with its own.
    const { bootstrap } = await t.service.status();
    const admin = new Kafka({ clientId: 'configs-test', brokers: bootstrap.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'orders', configEntries: [{ name: 'retention.bytes', value: '1048576' }] }] });
    } finally {
      await admin.disconnect();
    }
    const after = await env.waitFor(TopicConfigsNotification, (all) => valueOf(all.at(-1)!.configs, 'retention.bytes') === '1048576');
    const m = byName(after.at(-1)!.configs);
    assert.deepEqual([m.get('segment.ms')!.value, m.get('segment.ms')!.source], ['604800000', 'DEFAULT_CONFIG']);
    assert.deepEqual([m.get('cleanup.policy')!.value, m.get('cleanup.policy')!.source], ['delete', 'DEFAULT_CONFIG']);

    // Nothing changed: polling pushes nothing; asked for, the configs are pushed again.
    const count = env.of(TopicConfigsNotification).length;
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(env.of(TopicConfigsNotification).length, count);
    await command(router, TopicConfigRefreshCommand, { topic: 'orders' });
    assert.equal(env.of(TopicConfigsNotification).length, count + 1);

    await t.service.deleteTopic('orders');
    const [gone] = await env.waitFor(TopicConfigGoneNotification);
    assert.deepEqual(gone, { topic: 'orders', reason: 'The topic orders does not exist (any more).' });
    const r = await request(router, env, ApplyTopicConfigsRequest, { topic: 'orders', changes: [{ name: 'retention.ms', value: '1' }] });
    assert.equal(r.error?.code, 'UNKNOWN_TOPIC_OR_PARTITION');
  });

  it("opens Kafka's documentation of a config through VS Code, and nothing that is not a config name", async () => {
    await ready();
    await command(router, OpenConfigDocsCommand, { name: 'retention.ms' });
    await command(router, OpenConfigDocsCommand, { name: 'javascript:alert(1)' });
    await command(router, OpenConfigDocsCommand, { name: 'x/../../evil' });
    assert.deepEqual(env.opened, ['https://kafka.apache.org/documentation/#topicconfigs_retention.ms']);
  });

  it('finds the config a refusal names as a whole word', () => {
    assert.equal(configNamedIn('Invalid value 1 for configuration segment.jitter.ms: Value must be at least 0', ['segment.ms', 'segment.jitter.ms']), 'segment.jitter.ms');
    assert.equal(configNamedIn('Unknown topic config name: retention.days.', ['retention.days']), 'retention.days');
    assert.equal(configNamedIn('Topic authorization failed.', ['retention.ms']), undefined);
    assert.equal(configNamedIn('retention.ms and segment.ms', ['segment.ms', 'retention.ms']), 'retention.ms', 'the first one named');
  });
});
