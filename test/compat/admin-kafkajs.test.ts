/**
 * The admin APIs driven by a real client: kafkajs 2.2.4's admin (CreateTopics v3, DeleteTopics v1, CreatePartitions
 * v1, DescribeConfigs v2, AlterConfigs v1, DeleteRecords v1, Metadata) against a 3-node embedded broker, and kcat's
 * metadata listing. What the broker stored is checked through the Cluster as well as through the client.
 */
import { strict as assert } from 'node:assert';
import { execFile, spawnSync } from 'node:child_process';
import { Kafka, logLevel, ConfigResourceTypes, type Admin } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../support/broker';

const KCAT = '/usr/bin/kcat';
const haveKcat = spawnSync(KCAT, ['-V'], { encoding: 'utf8' }).status === 0;

type KafkaJsError = Error & { type?: string; errors?: KafkaJsError[]; originalError?: KafkaJsError; cause?: KafkaJsError };

/** The kafkajs error type of a rejected promise (the first one of an aggregate). */
async function errorType(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    const err = e as KafkaJsError;
    // Retriable errors come back wrapped once kafkajs has given up retrying.
    return err.type ?? err.originalError?.type ?? err.cause?.type ?? err.errors?.[0]?.type ?? err.name;
  }
  assert.fail('expected the call to fail');
}

describe('admin APIs with kafkajs', function () {
  this.timeout(20000);
  let broker: TestBroker;
  let admin: Admin;
  let kafka: Kafka;

  before(async () => {
    broker = await startTestBroker({ nodes: 3, config: { 'log.retention.bytes': '1000000', 'num.partitions': '2' } });
    kafka = new Kafka({ clientId: 'admin-compat', brokers: broker.bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 2, initialRetryTime: 50 } });
    admin = kafka.admin();
    await admin.connect();
  });

  after(async () => {
    await admin?.disconnect();
    await broker?.stop();
  });

  it('creates topics with partitions, replication and configs; lists them and describes their metadata', async function () {
    this.timeout(5000);
    const created = await admin.createTopics({
      topics: [
        { topic: 'orders', numPartitions: 3, replicationFactor: 2, configEntries: [{ name: 'cleanup.policy', value: 'compact' }, { name: 'retention.ms', value: '60000' }] },
        { topic: 'defaults' },
      ],
    });
    assert.equal(created, true);
    const topics = await admin.listTopics();
    assert.ok(topics.includes('orders') && topics.includes('defaults'), `listTopics: ${topics}`);

    const md = await admin.fetchTopicMetadata({ topics: ['orders', 'defaults'] });
    const orders = md.topics.find((t) => t.name === 'orders')!;
    assert.equal(orders.partitions.length, 3);
    for (const p of orders.partitions) {
      assert.equal(p.replicas.length, 2);
      assert.equal(new Set(p.replicas).size, 2, 'two distinct replicas');
      assert.equal(p.leader, p.replicas[0]);
    }
    // kafkajs 2.2.4 sends -1 for what it is not told: the broker's num.partitions (2) and default.replication.factor (1).
    const defaults = md.topics.find((t) => t.name === 'defaults')!;
    assert.equal(defaults.partitions.length, 2);
    assert.equal(defaults.partitions[0].replicas.length, 1);

    const stored = broker.cluster.metadata.topic('orders')!;
    assert.deepEqual(stored.configs, { 'cleanup.policy': 'compact', 'retention.ms': '60000' });
    assert.equal(broker.cluster.logConfig('orders').retentionMs, 60000);
    assert.equal(broker.cluster.logConfig('orders').cleanupPolicy.compact, true);
  });

  it('validateOnly creates nothing; a duplicate, a bad config, a bad name and too many replicas are refused', async function () {
    this.timeout(5000);
    // (waitForLeaders: false, or kafkajs would wait for the leaders of a topic that validateOnly did not create.)
    assert.equal(await admin.createTopics({ validateOnly: true, waitForLeaders: false, topics: [{ topic: 'dry-run', numPartitions: 4 }] }), true);
    assert.ok(!(await admin.listTopics()).includes('dry-run'));
    assert.equal(broker.cluster.metadata.topic('dry-run'), undefined);

    // kafkajs reports "already exists" as false rather than an error.
    assert.equal(await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 1 }] }), false);
    assert.equal(broker.cluster.metadata.topic('orders')!.partitions.length, 3, 'the existing topic is untouched');

    assert.equal(await errorType(admin.createTopics({ topics: [{ topic: 'bad-config', configEntries: [{ name: 'retention.ms', value: 'soon' }] }] })), 'INVALID_CONFIG');
    assert.equal(await errorType(admin.createTopics({ topics: [{ topic: 'bad-config', configEntries: [{ name: 'no.such.config', value: '1' }] }] })), 'INVALID_CONFIG');
    assert.equal(await errorType(admin.createTopics({ topics: [{ topic: 'bad name!' }] })), 'INVALID_TOPIC_EXCEPTION');
    assert.equal(await errorType(admin.createTopics({ topics: [{ topic: 'too-replicated', replicationFactor: 4 }] })), 'INVALID_REPLICATION_FACTOR');
    for (const t of ['bad-config', 'bad name!', 'too-replicated']) assert.equal(broker.cluster.metadata.topic(t), undefined, t);
  });

  it('creates a topic with a manual replica assignment', async function () {
    this.timeout(5000);
    await admin.createTopics({
      topics: [{ topic: 'placed', replicaAssignment: [{ partition: 0, replicas: [2, 0] }, { partition: 1, replicas: [1, 2] }] }],
    });
    const t = broker.cluster.metadata.topic('placed')!;
    assert.deepEqual(t.partitions.map((p) => p.replicas), [[2, 0], [1, 2]]);
    assert.deepEqual(t.partitions.map((p) => p.leader), [2, 1]);
    // Each replica has its log directory on its own node.
    assert.ok(broker.cluster.node(2).logManager.getLog({ topic: 'placed', partition: 0 }));
    assert.ok(broker.cluster.node(0).logManager.getLog({ topic: 'placed', partition: 0 }));
    assert.equal(broker.cluster.node(1).logManager.getLog({ topic: 'placed', partition: 0 }), undefined);
  });

  it('adds partitions, and refuses a count that is not an increase', async function () {
    this.timeout(5000);
    await admin.createPartitions({ topicPartitions: [{ topic: 'orders', count: 5 }] });
    const md = await admin.fetchTopicMetadata({ topics: ['orders'] });
    assert.equal(md.topics[0].partitions.length, 5);
    assert.ok(broker.cluster.leaderLog('orders', 4));
    assert.equal(await errorType(admin.createPartitions({ topicPartitions: [{ topic: 'orders', count: 2 }] })), 'INVALID_PARTITIONS');
    assert.equal(await errorType(admin.createPartitions({ topicPartitions: [{ topic: 'orders', count: 5 }] })), 'INVALID_PARTITIONS');
    assert.equal(await errorType(admin.createPartitions({ validateOnly: false, topicPartitions: [{ topic: 'no-such-topic', count: 5 }] })), 'UNKNOWN_TOPIC_OR_PARTITION');
    assert.equal(broker.cluster.metadata.topic('orders')!.partitions.length, 5);
  });

  it('describes topic configs with values, sources, defaults and synonyms', async function () {
    this.timeout(5000);
    const { resources } = await admin.describeConfigs({ includeSynonyms: true, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'orders' }] });
    assert.equal(resources.length, 1);
    assert.equal(resources[0].errorCode, 0);
    const entries = new Map(resources[0].configEntries.map((e) => [e.configName, e]));
    assert.ok(entries.size >= 25, `all topic configs are listed (${entries.size})`);

    const policy = entries.get('cleanup.policy')!;
    assert.equal(policy.configValue, 'compact');
    assert.equal(policy.configSource, 1, 'DYNAMIC_TOPIC_CONFIG');
    assert.equal(policy.isDefault, false);
    assert.equal(policy.readOnly, false);
    assert.deepEqual(
      policy.configSynonyms.map((s) => [s.configName, s.configValue, s.configSource]),
      [['cleanup.policy', 'compact', 1], ['log.cleanup.policy', 'delete', 5]],
    );

    const retentionMs = entries.get('retention.ms')!;
    assert.equal(retentionMs.configValue, '60000');
    assert.equal(retentionMs.configSynonyms[0].configSource, 1);
    assert.deepEqual(retentionMs.configSynonyms.slice(1).map((s) => [s.configName, s.configValue, s.configSource]), [['log.retention.hours', '168', 5]]);

    // Set in the broker's configuration: STATIC_BROKER_CONFIG, with the broker's value.
    const retentionBytes = entries.get('retention.bytes')!;
    assert.equal(retentionBytes.configValue, '1000000');
    assert.equal(retentionBytes.configSource, 4, 'STATIC_BROKER_CONFIG');
    assert.deepEqual(retentionBytes.configSynonyms.map((s) => [s.configName, s.configValue, s.configSource]), [['log.retention.bytes', '1000000', 4], ['log.retention.bytes', '-1', 5]]);

    // Nobody's setting: DEFAULT_CONFIG with Kafka's default.
    const maxBytes = entries.get('max.message.bytes')!;
    assert.equal(maxBytes.configValue, '1048588');
    assert.equal(maxBytes.configSource, 5, 'DEFAULT_CONFIG');
    assert.equal(entries.get('flush.messages')!.configValue, '9223372036854775807');
    assert.equal(entries.get('min.cleanable.dirty.ratio')!.configValue, '0.5');

    // Only the keys asked for.
    const some = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'orders', configNames: ['segment.bytes', 'retention.ms'] }] });
    assert.deepEqual(some.resources[0].configEntries.map((e) => e.configName).sort(), ['retention.ms', 'segment.bytes']);
    assert.deepEqual(some.resources[0].configEntries.find((e) => e.configName === 'retention.ms')!.configSynonyms, []);

    // An unknown topic is a resource error.
    const unknown = await errorType(admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'nope' }] }));
    assert.equal(unknown, 'UNKNOWN_TOPIC_OR_PARTITION');
  });

  it('describes a broker\'s configs with their sources', async function () {
    this.timeout(5000);
    const { resources } = await admin.describeConfigs({ includeSynonyms: true, resources: [{ type: ConfigResourceTypes.BROKER, name: '1' }] });
    const entries = new Map(resources[0].configEntries.map((e) => [e.configName, e]));
    assert.equal(entries.get('node.id')!.configValue, '1');
    assert.equal(entries.get('log.retention.bytes')!.configValue, '1000000');
    assert.equal(entries.get('log.retention.bytes')!.configSource, 4);
    assert.equal(entries.get('num.partitions')!.configValue, '2');
    assert.equal(entries.get('default.replication.factor')!.configValue, '1');
    assert.equal(entries.get('default.replication.factor')!.configSource, 5);
    assert.equal(entries.get('log.retention.hours')!.configValue, '168');
    assert.equal(entries.get('log.retention.ms')!.configValue, null, 'unset without a default, as Kafka shows it');
    assert.deepEqual(['node.id', 'log.retention.hours', 'log.retention.ms'].map((n) => entries.get(n)!.readOnly), [true, true, false], 'only what Kafka changes at run time is writable');
  });

  it('alterConfigs replaces the whole override set; validateOnly changes nothing; bad values are refused', async function () {
    this.timeout(5000);
    await admin.alterConfigs({ validateOnly: true, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'orders', configEntries: [{ name: 'segment.ms', value: '3600000' }] }] });
    assert.deepEqual(broker.cluster.metadata.topic('orders')!.configs, { 'cleanup.policy': 'compact', 'retention.ms': '60000' });

    await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'orders', configEntries: [{ name: 'segment.ms', value: '3600000' }] }] });
    // What the request left out went back to its default.
    assert.deepEqual(broker.cluster.metadata.topic('orders')!.configs, { 'segment.ms': '3600000' });
    assert.equal(broker.cluster.leaderLog('orders', 0).config.segmentMs, 3600000, 'applied to the open logs');
    const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'orders', configNames: ['cleanup.policy', 'segment.ms'] }] });
    const e = new Map(resources[0].configEntries.map((x) => [x.configName, x]));
    assert.equal(e.get('cleanup.policy')!.configValue, 'delete');
    assert.equal(e.get('cleanup.policy')!.configSource, 5);
    assert.equal(e.get('segment.ms')!.configValue, '3600000');
    assert.equal(e.get('segment.ms')!.configSource, 1);

    assert.equal(
      await errorType(admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'orders', configEntries: [{ name: 'min.insync.replicas', value: '0' }] }] })),
      'INVALID_CONFIG',
    );
    assert.deepEqual(broker.cluster.metadata.topic('orders')!.configs, { 'segment.ms': '3600000' }, 'a refused change changes nothing');
  });

  it('deletes records: the low watermark moves to the offset given, or to the high watermark for -1', async function () {
    this.timeout(5000);
    await admin.createTopics({ topics: [{ topic: 'trimmed', numPartitions: 1 }] });
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({ topic: 'trimmed', messages: Array.from({ length: 10 }, (_, i) => ({ value: `m${i}` })) });
    } finally {
      await producer.disconnect();
    }
    // kafkajs finds the leader in its metadata, which holds the topic once fetchTopicOffsets has asked for it.
    let offsets = await admin.fetchTopicOffsets('trimmed');
    assert.deepEqual(offsets.map((o) => [o.partition, o.low, o.high]), [[0, '0', '10']]);
    await admin.deleteTopicRecords({ topic: 'trimmed', partitions: [{ partition: 0, offset: '4' }] });
    offsets = await admin.fetchTopicOffsets('trimmed');
    assert.deepEqual(offsets.map((o) => [o.partition, o.low, o.high]), [[0, '4', '10']]);
    assert.equal(broker.cluster.leaderLog('trimmed', 0).logStartOffset, 4);

    await admin.deleteTopicRecords({ topic: 'trimmed', partitions: [{ partition: 0, offset: '-1' }] });
    offsets = await admin.fetchTopicOffsets('trimmed');
    assert.deepEqual(offsets.map((o) => [o.low, o.high]), [['10', '10']]);
  });

  it('describes the cluster: every node with its listener, the controller and the cluster id', async function () {
    this.timeout(5000);
    const c = await admin.describeCluster();
    assert.equal(c.clusterId, broker.cluster.metadata.clusterId);
    assert.equal(c.controller, broker.cluster.controllerId);
    const expected = broker.server.listeners().map((l) => ({ nodeId: l.nodeId, host: l.host, port: l.port }));
    assert.deepEqual([...c.brokers].sort((a, b) => a.nodeId - b.nodeId), expected.sort((a, b) => a.nodeId - b.nodeId));
  });

  it('ACLs: describeAcls, createAcls and deleteAcls are refused with SECURITY_DISABLED (no authorizer), as by Kafka', async function () {
    this.timeout(5000);
    const { AclResourceTypes, AclOperationTypes, AclPermissionTypes, ResourcePatternTypes } = await import('kafkajs');
    const acl = { resourceType: AclResourceTypes.TOPIC, resourceName: 'orders', resourcePatternType: ResourcePatternTypes.LITERAL, principal: 'User:alice', host: '*', operation: AclOperationTypes.READ, permissionType: AclPermissionTypes.ALLOW };
    await assert.rejects(admin.describeAcls({ resourceType: AclResourceTypes.ANY, resourcePatternType: ResourcePatternTypes.ANY, operation: AclOperationTypes.ANY, permissionType: AclPermissionTypes.ANY }), (e: Error & { type?: string }) => e.type === 'SECURITY_DISABLED' || /SECURITY_DISABLED|Security features are disabled/.test(String(e)));
    await assert.rejects(admin.createAcls({ acl: [acl] }), (e: Error) => /SECURITY_DISABLED|Security features are disabled|No Authorizer/.test(`${e.message} ${JSON.stringify(e)}`));
    await assert.rejects(admin.deleteAcls({ filters: [acl] }), (e: Error) => /SECURITY_DISABLED|Security features are disabled|No Authorizer/.test(`${e.message} ${JSON.stringify(e)}`));
  });

  it('deletes topics, and refuses an unknown one', async function () {
    this.timeout(5000);
    await admin.deleteTopics({ topics: ['defaults'] });
    assert.ok(!(await admin.listTopics()).includes('defaults'));
    assert.equal(broker.cluster.metadata.topic('defaults'), undefined);
    for (const n of broker.cluster.nodes) assert.equal(n.logManager.allLogs().filter((l) => l.tp.topic === 'defaults').length, 0);
    assert.equal(await errorType(admin.deleteTopics({ topics: ['never-was'] })), 'UNKNOWN_TOPIC_OR_PARTITION');
  });

  (haveKcat ? it : it.skip)('kcat -L lists the topics created, with their partitions', async function () {
    this.timeout(5000);
    // Asynchronously: the broker answers from this very process.
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(KCAT, ['-b', broker.bootstrap, '-L', '-J', '-m', '3'], { timeout: 4500 }, (err, out, errOut) => (err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out))),
    );
    const md = JSON.parse(stdout) as { brokers: Array<{ id: number }>; topics: Array<{ topic: string; partitions: unknown[] }> };
    const byName = new Map(md.topics.map((t) => [t.topic, t]));
    assert.equal(byName.get('orders')?.partitions.length, 5);
    assert.equal(byName.get('placed')?.partitions.length, 2);
    assert.ok(!byName.has('defaults'), 'the deleted topic is gone');
    assert.deepEqual(md.brokers.map((b) => b.id).sort(), [0, 1, 2]);
  });
});
