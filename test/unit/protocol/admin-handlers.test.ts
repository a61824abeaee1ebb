/**
 * The admin APIs on the wire, as real frames over a socket (test/support/raw-client.ts), for what kafkajs does not
 * send: CreateTopics v7 answers, DeleteTopics by id, IncrementalAlterConfigs, DescribeLogDirs, DescribeCluster, the
 * newest and oldest versions of each API, and Kafka's error codes and messages.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { startTestBroker, type TestBroker } from '../../support/broker';
import { RawClient, sendRequest } from '../../support/raw-client';
import { textBatch } from '../../support/batches';
import { ErrorCode } from '../../../src/broker/errors';
import { uuidFromKafkaString, ZERO_UUID } from '../../../src/protocol/codec';
import { defaultCreateTopicsRequestData, defaultCreatableTopic, type CreatableTopic } from '../../../src/protocol/messages/create-topics-request';
import { defaultDeleteTopicsRequestData } from '../../../src/protocol/messages/delete-topics-request';
import { defaultCreatePartitionsRequestData } from '../../../src/protocol/messages/create-partitions-request';
import { defaultDescribeConfigsRequestData, type DescribeConfigsResource } from '../../../src/protocol/messages/describe-configs-request';
import { defaultAlterConfigsRequestData } from '../../../src/protocol/messages/alter-configs-request';
import { defaultIncrementalAlterConfigsRequestData } from '../../../src/protocol/messages/incremental-alter-configs-request';
import { defaultDeleteRecordsRequestData } from '../../../src/protocol/messages/delete-records-request';
import { defaultDescribeClusterRequestData } from '../../../src/protocol/messages/describe-cluster-request';
import { defaultDescribeLogDirsRequestData } from '../../../src/protocol/messages/describe-log-dirs-request';
import { defaultApiVersionsRequestData } from '../../../src/protocol/messages/api-versions-request';

const TOPIC = 2;
const BROKER = 4;
const BROKER_LOGGER = 8;
const SET = 0;
const DELETE = 1;
const APPEND = 2;
const SUBTRACT = 3;
const DYNAMIC_TOPIC_CONFIG = 1;
const STATIC_BROKER_CONFIG = 4;
const DEFAULT_CONFIG = 5;

function topic(name: string, extra: Partial<CreatableTopic> = {}): CreatableTopic {
  return { ...defaultCreatableTopic(), name, numPartitions: -1, replicationFactor: -1, ...extra };
}

describe('admin APIs on the wire', function () {
  this.timeout(10000);
  let broker: TestBroker;
  /** One connection per node, by node id. */
  const clients = new Map<number, RawClient>();
  const to = (nodeId: number) => clients.get(nodeId)!;

  before(async () => {
    broker = await startTestBroker({ nodes: 3, config: { 'log.retention.hours': '2', 'num.partitions': '3', 'default.replication.factor': '2' } });
    for (const l of broker.server.listeners()) clients.set(l.nodeId, await RawClient.connect(`${l.host}:${l.port}`));
  });

  after(async () => {
    for (const c of clients.values()) c.close();
    await broker?.stop();
  });

  it('ApiVersions advertises exactly the versions served', async () => {
    const res = await to(0).request(18, 3, { ...defaultApiVersionsRequestData(), clientSoftwareName: 'raw', clientSoftwareVersion: '1' });
    const ranges = new Map(res.apiKeys.map((k) => [k.apiKey, [k.minVersion, k.maxVersion]]));
    const expected: Array<[number, number, number]> = [
      [19, 0, 7],
      [20, 0, 6],
      [21, 0, 2],
      [32, 0, 4],
      [33, 0, 2],
      [35, 0, 4],
      [37, 0, 3],
      [44, 0, 1],
      [60, 0, 1],
      [29, 0, 3],
      [30, 0, 3],
      [31, 0, 3],
    ];
    for (const [key, min, max] of expected) assert.deepEqual(ranges.get(key), [min, max], `api key ${key}`);
  });

  describe('CreateTopics', () => {
    it('v7 answers the topic id, partitions, replication factor and configs of what it created', async () => {
      const res = await to(1).request(19, 7, {
        ...defaultCreateTopicsRequestData(),
        topics: [topic('v7-topic', { configs: [{ name: 'retention.ms', value: '5000' }] })],
      });
      assert.equal(res.topics.length, 1);
      const r = res.topics[0];
      assert.equal(r.errorCode, ErrorCode.NONE);
      assert.equal(r.errorMessage, null);
      const stored = broker.cluster.metadata.topic('v7-topic')!;
      assert.equal(r.topicId, uuidFromKafkaString(stored.topicId));
      assert.notEqual(r.topicId, ZERO_UUID);
      // -1 and -1: the broker's num.partitions (3) and default.replication.factor (2).
      assert.equal(r.numPartitions, 3);
      assert.equal(r.replicationFactor, 2);
      assert.equal(stored.partitions.length, 3);
      assert.ok(stored.partitions.every((p) => p.replicas.length === 2));
      const configs = new Map((r.configs ?? []).map((c) => [c.name, c]));
      assert.equal(configs.get('retention.ms')?.value, '5000');
      assert.equal(configs.get('retention.ms')?.configSource, DYNAMIC_TOPIC_CONFIG);
      assert.equal(configs.get('cleanup.policy')?.value, 'delete');
      assert.equal(configs.get('cleanup.policy')?.configSource, DEFAULT_CONFIG);
      assert.equal(configs.get('segment.ms')?.value, String(7 * 24 * 3600 * 1000));
      assert.equal(configs.get('segment.ms')?.readOnly, false);
      assert.equal(configs.get('segment.ms')?.isSensitive, false);
    });

    it('validateOnly checks everything, answers as for a creation, and creates nothing', async () => {
      const res = await to(0).request(19, 7, { ...defaultCreateTopicsRequestData(), validateOnly: true, topics: [topic('dry', { numPartitions: 4, replicationFactor: 3 })] });
      const r = res.topics[0];
      assert.equal(r.errorCode, ErrorCode.NONE);
      assert.equal(r.topicId, ZERO_UUID, 'nothing was created, so no id');
      assert.equal(r.numPartitions, 4);
      assert.equal(r.replicationFactor, 3);
      assert.ok((r.configs ?? []).length > 20);
      assert.equal(broker.cluster.metadata.topic('dry'), undefined);
      const bad = await to(0).request(19, 7, { ...defaultCreateTopicsRequestData(), validateOnly: true, topics: [topic('dry', { replicationFactor: 4 })] });
      assert.equal(bad.topics[0].errorCode, ErrorCode.INVALID_REPLICATION_FACTOR);
    });

    it('answers each topic with Kafka\'s error and message', async () => {
      broker.cluster.createTopic('metrics_name', 1, 1);
      const res = await to(0).request(19, 5, {
        ...defaultCreateTopicsRequestData(),
        topics: [
          topic('v7-topic'),
          topic('twice'),
          topic('twice'),
          topic('bad/name'),
          topic('no-partitions', { numPartitions: 0 }),
          topic('no-replicas', { replicationFactor: 0 }),
          topic('too-many-replicas', { replicationFactor: 4 }),
          topic('bad-value', { configs: [{ name: 'retention.ms', value: 'soon' }] }),
          topic('null-value', { configs: [{ name: 'retention.ms', value: null }] }),
          topic('unknown-config', { configs: [{ name: 'no.such.thing', value: '1' }] }),
          topic('metrics.name'),
        ],
      });
      const byName = new Map(res.topics.map((t) => [t.name, t]));
      assert.equal(res.topics.length, 10, 'one answer per distinct name');
      const expect = (name: string, code: number, message: string) => {
        const t = byName.get(name)!;
        assert.equal(t.errorCode, code, name);
        assert.equal(t.errorMessage, message, name);
        assert.equal(t.numPartitions, -1, name);
        assert.equal(t.replicationFactor, -1, name);
      };
      expect('v7-topic', ErrorCode.TOPIC_ALREADY_EXISTS, "Topic 'v7-topic' already exists.");
      expect('twice', ErrorCode.INVALID_REQUEST, 'Duplicate topic name.');
      expect('bad/name', ErrorCode.INVALID_TOPIC_EXCEPTION, 'Topic name "bad/name" is illegal, it contains a character other than ASCII alphanumerics, \'.\', \'_\' and \'-\'');
      expect('no-partitions', ErrorCode.INVALID_PARTITIONS, 'Number of partitions was set to an invalid non-positive value.');
      expect('no-replicas', ErrorCode.INVALID_REPLICATION_FACTOR, 'Replication factor must be larger than 0, or -1 to use the default value.');
      expect(
        'too-many-replicas',
        ErrorCode.INVALID_REPLICATION_FACTOR,
        'Unable to replicate the partition 4 time(s): The target replication factor of 4 cannot be reached because only 3 broker(s) are registered.',
      );
      expect('bad-value', ErrorCode.INVALID_CONFIG, 'Invalid value soon for configuration retention.ms: Not a number of type LONG');
      expect('null-value', ErrorCode.INVALID_CONFIG, 'Null value not supported for topic configs: retention.ms');
      expect('unknown-config', ErrorCode.INVALID_CONFIG, 'Unknown topic config name: no.such.thing');
      // '.' and '_' collide in metric names.
      expect('metrics.name', ErrorCode.INVALID_TOPIC_EXCEPTION, "Topic 'metrics.name' collides with existing topic: metrics_name");
      for (const n of byName.keys()) if (n !== 'v7-topic') assert.equal(broker.cluster.metadata.topic(n), undefined, n);
    });

    it('checks manual replica assignments as Kafka does', async () => {
      const assign = (name: string, parts: Array<[number, number[]]>, extra: Partial<CreatableTopic> = {}) =>
        topic(name, { assignments: parts.map(([partitionIndex, brokerIds]) => ({ partitionIndex, brokerIds })), ...extra });
      const res = await to(2).request(19, 7, {
        ...defaultCreateTopicsRequestData(),
        topics: [
          assign('manual', [[1, [0, 2]], [0, [2, 1]]]),
          assign('gap', [[0, [0]], [2, [1]]]),
          assign('unknown-node', [[0, [0, 7]]]),
          assign('same-node-twice', [[0, [1, 1]]]),
          assign('uneven', [[0, [0, 1]], [1, [2]]]),
          assign('empty', [[0, []]]),
          assign('repeated', [[0, [0]], [0, [1]]]),
          assign('with-count', [[0, [0]]], { numPartitions: 1 }),
          assign('with-factor', [[0, [0]]], { replicationFactor: 1 }),
        ],
      });
      const byName = new Map(res.topics.map((t) => [t.name, t]));
      const m = byName.get('manual')!;
      assert.equal(m.errorCode, ErrorCode.NONE);
      assert.equal(m.numPartitions, 2);
      assert.equal(m.replicationFactor, 2);
      const stored = broker.cluster.metadata.topic('manual')!;
      assert.deepEqual(stored.partitions.map((p) => [p.replicas, p.leader, p.isr]), [[[2, 1], 2, [2, 1]], [[0, 2], 0, [0, 2]]]);
      const expect = (name: string, code: number, message: string) => {
        assert.equal(byName.get(name)!.errorCode, code, name);
        assert.equal(byName.get(name)!.errorMessage, message, name);
      };
      expect('gap', ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'partitions should be a consecutive 0-based integer sequence');
      expect('unknown-node', ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The manual partition assignment includes broker 7, but no such broker is registered.');
      expect('same-node-twice', ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The manual partition assignment includes the broker 1 more than once.');
      expect(
        'uneven',
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        'The manual partition assignment includes a partition with 1 replica(s), but this is not consistent with previous partitions, which have 2 replica(s).',
      );
      expect('empty', ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The manual partition assignment includes an empty replica list.');
      expect('repeated', ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'Found multiple manual partition assignments for partition 0');
      expect('with-count', ErrorCode.INVALID_REQUEST, 'A manual partition assignment was specified, but numPartitions was not set to -1.');
      expect('with-factor', ErrorCode.INVALID_REQUEST, 'A manual partition assignment was specified, but replication factor was not set to -1.');
    });

    it('serves v0 (no messages, no v5 fields) and v4', async () => {
      const v0 = await to(0).request(19, 0, { ...defaultCreateTopicsRequestData(), topics: [topic('old-client', { numPartitions: 2, replicationFactor: 1 }), topic('v7-topic', { numPartitions: 1, replicationFactor: 1 })] });
      // (v0 has no error message on the wire: the decoder fills in the field's default.)
      assert.deepEqual(v0.topics.map((t) => [t.name, t.errorCode]), [['old-client', 0], ['v7-topic', ErrorCode.TOPIC_ALREADY_EXISTS]]);
      assert.equal(broker.cluster.metadata.topic('old-client')!.partitions.length, 2);
      const v4 = await to(0).request(19, 4, { ...defaultCreateTopicsRequestData(), topics: [topic('v4-client')] });
      assert.equal(v4.topics[0].errorCode, 0);
      assert.equal(v4.topics[0].numPartitions, -1, 'not in v4');
      assert.equal(broker.cluster.metadata.topic('v4-client')!.partitions.length, 3);
    });
  });

  describe('DeleteTopics', () => {
    it('v6 deletes by topic id and by name, and answers unknown ids and names', async () => {
      broker.cluster.createTopic('by-id', 1, 1);
      broker.cluster.createTopic('by-name', 1, 1);
      const id = uuidFromKafkaString(broker.cluster.metadata.topic('by-id')!.topicId);
      const nameId = uuidFromKafkaString(broker.cluster.metadata.topic('by-name')!.topicId);
      const unknownId = '0123456789abcdef0123456789abcdef';
      const res = await to(0).request(20, 6, {
        ...defaultDeleteTopicsRequestData(),
        topics: [
          { name: null, topicId: id },
          { name: 'by-name', topicId: ZERO_UUID },
          { name: null, topicId: unknownId },
          { name: 'never-existed', topicId: ZERO_UUID },
          { name: null, topicId: ZERO_UUID },
          { name: 'old-client', topicId: id },
        ],
      });
      const rows = res.responses.map((r) => [r.name, r.topicId, r.errorCode, r.errorMessage]);
      assert.deepEqual(rows, [
        ['by-id', id, ErrorCode.NONE, null],
        ['by-name', nameId, ErrorCode.NONE, null],
        [null, unknownId, ErrorCode.UNKNOWN_TOPIC_ID, 'This server does not host this topic ID.'],
        ['never-existed', ZERO_UUID, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'This server does not host this topic-partition.'],
        [null, ZERO_UUID, ErrorCode.INVALID_REQUEST, 'Neither topic name nor id were specified.'],
        ['old-client', id, ErrorCode.INVALID_REQUEST, 'You may not specify both topic name and topic id.'],
      ]);
      assert.equal(broker.cluster.metadata.topic('by-id'), undefined);
      assert.equal(broker.cluster.metadata.topic('by-name'), undefined);
      assert.ok(broker.cluster.metadata.topic('old-client'), 'an invalid entry deletes nothing');
      for (const n of broker.cluster.nodes) assert.equal(n.logManager.allLogs().filter((l) => l.tp.topic === 'by-id').length, 0);
    });

    it('v1 deletes by name; duplicates are refused', async () => {
      broker.cluster.createTopic('dup-delete', 1, 1);
      const res = await to(0).request(20, 1, { ...defaultDeleteTopicsRequestData(), topicNames: ['old-client', 'dup-delete', 'dup-delete'] });
      assert.deepEqual(res.responses.map((r) => [r.name, r.errorCode]), [['old-client', 0], ['dup-delete', ErrorCode.INVALID_REQUEST]]);
      assert.equal(broker.cluster.metadata.topic('old-client'), undefined);
      assert.ok(broker.cluster.metadata.topic('dup-delete'));
    });

    it('refuses to delete or grow an internal topic', async () => {
      broker.cluster.createTopic('__transaction_state', 1, 1);
      const del = await to(0).request(20, 5, { ...defaultDeleteTopicsRequestData(), topicNames: ['__transaction_state'] });
      assert.deepEqual(del.responses.map((r) => [r.errorCode, r.errorMessage]), [[ErrorCode.INVALID_REQUEST, 'Topic __transaction_state is a Kafka internal topic and is not allowed to be deleted.']]);
      const grow = await to(0).request(37, 2, { ...defaultCreatePartitionsRequestData(), topics: [{ name: '__transaction_state', count: 2, assignments: null }] });
      assert.equal(grow.results[0].errorCode, ErrorCode.INVALID_PARTITIONS);
      assert.equal(broker.cluster.metadata.topic('__transaction_state')!.partitions.length, 1);
    });

    it('TOPIC_DELETION_DISABLED when delete.topic.enable is false (INVALID_REQUEST before v3)', async () => {
      const b = await startTestBroker({ nodes: 1, config: { 'delete.topic.enable': 'false' } });
      try {
        b.cluster.createTopic('kept', 1, 1);
        const v6 = await sendRequest(b.bootstrap, 20, 6, { ...defaultDeleteTopicsRequestData(), topics: [{ name: 'kept', topicId: ZERO_UUID }] });
        assert.deepEqual(v6.responses.map((r) => [r.name, r.errorCode, r.errorMessage]), [['kept', ErrorCode.TOPIC_DELETION_DISABLED, 'Topic deletion is disabled.']]);
        const v2 = await sendRequest(b.bootstrap, 20, 2, { ...defaultDeleteTopicsRequestData(), topicNames: ['kept'] });
        assert.equal(v2.responses[0].errorCode, ErrorCode.INVALID_REQUEST);
        assert.ok(b.cluster.metadata.topic('kept'));
      } finally {
        await b.stop();
      }
    });
  });

  describe('CreatePartitions', () => {
    it('v3 grows a topic on the replicas given; validateOnly; Kafka\'s messages', async () => {
      broker.cluster.createTopic('grow', 1, 2);
      const rf2 = (brokerIds: number[]) => ({ brokerIds });
      const dry = await to(0).request(37, 3, { ...defaultCreatePartitionsRequestData(), validateOnly: true, topics: [{ name: 'grow', count: 3, assignments: [rf2([1, 2]), rf2([2, 0])] }] });
      assert.deepEqual(dry.results.map((r) => [r.name, r.errorCode]), [['grow', 0]]);
      assert.equal(broker.cluster.metadata.topic('grow')!.partitions.length, 1);

      const res = await to(0).request(37, 3, {
        ...defaultCreatePartitionsRequestData(),
        topics: [
          { name: 'grow', count: 3, assignments: [rf2([1, 2]), rf2([2, 0])] },
          { name: 'manual', count: 1, assignments: null },
          { name: 'v7-topic', count: 2, assignments: null },
          { name: 'dup-delete', count: 3, assignments: [rf2([0])] },
          { name: 'no-such-topic', count: 3, assignments: null },
        ],
      });
      const byName = new Map(res.results.map((r) => [r.name, r]));
      assert.equal(byName.get('grow')!.errorCode, 0);
      assert.deepEqual(broker.cluster.metadata.topic('grow')!.partitions.slice(1).map((p) => [p.partition, p.replicas, p.leader]), [[1, [1, 2], 1], [2, [2, 0], 2]]);
      assert.ok(broker.cluster.node(2).logManager.getLog({ topic: 'grow', partition: 2 }));
      assert.deepEqual([byName.get('manual')!.errorCode, byName.get('manual')!.errorMessage], [ErrorCode.INVALID_PARTITIONS, 'The topic manual currently has 2 partition(s); 1 would not be an increase.']);
      assert.deepEqual([byName.get('v7-topic')!.errorCode, byName.get('v7-topic')!.errorMessage], [ErrorCode.INVALID_PARTITIONS, 'The topic v7-topic currently has 3 partition(s); 2 would not be an increase.']);
      assert.deepEqual(
        [byName.get('dup-delete')!.errorCode, byName.get('dup-delete')!.errorMessage],
        [ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'Attempted to add 2 additional partition(s), but only 1 assignment(s) were specified.'],
      );
      assert.equal(byName.get('no-such-topic')!.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);

      const same = await to(0).request(37, 0, { ...defaultCreatePartitionsRequestData(), topics: [{ name: 'grow', count: 3, assignments: null }, { name: 'grow', count: 4, assignments: null }] });
      assert.deepEqual(same.results.map((r) => [r.errorCode, r.errorMessage]), [[ErrorCode.INVALID_REQUEST, 'Duplicate topic name.']]);
      const equal = await to(0).request(37, 1, { ...defaultCreatePartitionsRequestData(), topics: [{ name: 'grow', count: 3, assignments: null }] });
      assert.deepEqual(equal.results.map((r) => [r.errorCode, r.errorMessage]), [[ErrorCode.INVALID_PARTITIONS, 'Topic already has 3 partition(s).']]);
      const badRf = await to(0).request(37, 3, { ...defaultCreatePartitionsRequestData(), topics: [{ name: 'grow', count: 4, assignments: [rf2([1])] }] });
      assert.equal(badRf.results[0].errorCode, ErrorCode.INVALID_REPLICA_ASSIGNMENT);
      assert.equal(broker.cluster.metadata.topic('grow')!.partitions.length, 3);
    });
  });

  describe('DescribeConfigs', () => {
    const resource = (resourceType: number, resourceName: string, configurationKeys: string[] | null = null): DescribeConfigsResource => ({ resourceType, resourceName, configurationKeys });

    it('v4: values, sources, synonyms, types and documentation of a topic\'s configs', async () => {
      broker.cluster.setTopicConfigs('v7-topic', { 'retention.ms': '5000', 'cleanup.policy': 'compact,delete', 'min.cleanable.dirty.ratio': '1' });
      const res = await to(2).request(32, 4, { ...defaultDescribeConfigsRequestData(), includeSynonyms: true, includeDocumentation: true, resources: [resource(TOPIC, 'v7-topic')] });
      const r = res.results[0];
      assert.equal(r.errorCode, 0);
      const e = new Map(r.configs.map((c) => [c.name, c]));
      assert.deepEqual(
        r.configs.map((c) => c.name),
        [...r.configs.map((c) => c.name)].sort(),
        'sorted by name',
      );
      const ret = e.get('retention.ms')!;
      assert.equal(ret.value, '5000');
      assert.equal(ret.configSource, DYNAMIC_TOPIC_CONFIG);
      assert.equal(ret.configType, 5, 'LONG');
      assert.ok(ret.documentation && ret.documentation.length > 0);
      // Below the override: log.retention.hours, set in the broker's configuration, then its default.
      assert.deepEqual(ret.synonyms.map((s) => [s.name, s.value, s.source]), [['retention.ms', '5000', 1], ['log.retention.hours', '2', 4], ['log.retention.hours', '168', 5]]);
      assert.equal(e.get('cleanup.policy')!.value, 'compact,delete');
      assert.equal(e.get('cleanup.policy')!.configType, 7, 'LIST');
      assert.equal(e.get('min.cleanable.dirty.ratio')!.value, '1.0', 'a DOUBLE keeps its .0');
      assert.equal(e.get('min.cleanable.dirty.ratio')!.configType, 6);
      assert.equal(e.get('preallocate')!.configType, 1, 'BOOLEAN');
      assert.equal(e.get('max.message.bytes')!.configType, 3, 'INT');
      assert.equal(e.get('compression.type')!.configType, 2, 'STRING');
      // Not overridden, but supplied by the broker's log.retention.hours: STATIC_BROKER_CONFIG.
      const seg = new Map(
        (await to(0).request(32, 4, { ...defaultDescribeConfigsRequestData(), includeSynonyms: true, resources: [resource(TOPIC, 'manual', ['retention.ms', 'segment.ms'])] })).results[0].configs.map(
          (c) => [c.name, c],
        ),
      );
      assert.equal(seg.size, 2);
      assert.equal(seg.get('retention.ms')!.value, String(2 * 3600 * 1000));
      assert.equal(seg.get('retention.ms')!.configSource, STATIC_BROKER_CONFIG);
      assert.equal(seg.get('retention.ms')!.documentation, null, 'not asked for');
      assert.equal(seg.get('segment.ms')!.configSource, DEFAULT_CONFIG);
    });

    it('v0 says isDefault instead of a source; unknown topics, bad names and unknown brokers are resource errors', async () => {
      const res = await to(0).request(32, 0, {
        ...defaultDescribeConfigsRequestData(),
        resources: [resource(TOPIC, 'v7-topic', ['retention.ms', 'segment.bytes']), resource(TOPIC, 'missing'), resource(TOPIC, ''), resource(BROKER, '5'), resource(BROKER, 'abc'), resource(BROKER_LOGGER, '0')],
      });
      const [ok, missing, empty, unknownBroker, notANumber, logger] = res.results;
      assert.deepEqual(ok.configs.map((c) => [c.name, c.value, c.isDefault, c.synonyms.length]), [['retention.ms', '5000', false, 0], ['segment.bytes', '1073741824', true, 0]]);
      assert.equal(missing.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      assert.equal(empty.errorCode, ErrorCode.INVALID_TOPIC_EXCEPTION);
      assert.deepEqual([unknownBroker.errorCode, unknownBroker.errorMessage], [ErrorCode.INVALID_REQUEST, 'Unexpected broker id, expected 0 or empty string, but received 5']);
      assert.deepEqual([notANumber.errorCode, notANumber.errorMessage], [ErrorCode.INVALID_REQUEST, 'Broker id must be an integer, but it is: abc']);
      assert.equal(logger.errorCode, ErrorCode.INVALID_REQUEST);
      for (const r of [missing, empty, unknownBroker, notANumber, logger]) assert.deepEqual(r.configs, []);
    });

    it('broker resources: the node\'s configs with sources; "" (cluster defaults) lists only dynamic defaults', async () => {
      const res = await to(1).request(32, 3, { ...defaultDescribeConfigsRequestData(), includeSynonyms: true, resources: [resource(BROKER, '1'), resource(BROKER, '')] });
      const [node, defaults] = res.results;
      assert.equal(node.errorCode, 0);
      const e = new Map(node.configs.map((c) => [c.name, c]));
      assert.deepEqual([e.get('node.id')!.value, e.get('node.id')!.configSource], ['1', STATIC_BROKER_CONFIG]);
      assert.deepEqual([e.get('log.retention.hours')!.value, e.get('log.retention.hours')!.configSource], ['2', STATIC_BROKER_CONFIG]);
      assert.deepEqual(e.get('log.retention.hours')!.synonyms.map((s) => [s.name, s.value, s.source]), [['log.retention.hours', '2', 4], ['log.retention.hours', '168', 5]]);
      assert.deepEqual([e.get('log.retention.ms')!.value, e.get('log.retention.ms')!.configSource], [null, DEFAULT_CONFIG]);
      assert.deepEqual([e.get('message.max.bytes')!.value, e.get('message.max.bytes')!.configSource], ['1048588', DEFAULT_CONFIG]);
      // Read-only unless Kafka changes it at run time: node.id and log.retention.hours are static, the primary log
      // configs are dynamic.
      assert.deepEqual(['node.id', 'log.retention.hours', 'log.retention.ms', 'message.max.bytes'].map((n) => e.get(n)!.readOnly), [true, true, false, false]);
      assert.deepEqual([defaults.errorCode, defaults.configs], [0, []], 'no dynamic defaults have been set');
    });
  });

  describe('AlterConfigs and IncrementalAlterConfigs', () => {
    it('AlterConfigs v2 replaces the overrides; refuses bad values, unknown topics, duplicates and broker changes', async () => {
      const res = await to(0).request(33, 2, {
        ...defaultAlterConfigsRequestData(),
        resources: [
          { resourceType: TOPIC, resourceName: 'v7-topic', configs: [{ name: 'segment.bytes', value: '1048576' }] },
          { resourceType: TOPIC, resourceName: 'manual', configs: [{ name: 'retention.ms', value: '-5' }] },
          { resourceType: TOPIC, resourceName: 'missing', configs: [{ name: 'retention.ms', value: '5' }] },
          { resourceType: TOPIC, resourceName: 'grow', configs: [{ name: 'retention.ms', value: null }] },
          { resourceType: BROKER, resourceName: '0', configs: [{ name: 'log.retention.hours', value: '1' }] },
          { resourceType: BROKER, resourceName: '', configs: [] },
        ],
      });
      const rows = res.responses.map((r) => [r.resourceName, r.errorCode]);
      assert.deepEqual(rows, [
        ['v7-topic', 0],
        ['manual', ErrorCode.INVALID_CONFIG],
        ['missing', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
        ['grow', ErrorCode.INVALID_REQUEST],
        ['0', ErrorCode.INVALID_REQUEST],
        ['', 0],
      ]);
      assert.deepEqual(broker.cluster.metadata.topic('v7-topic')!.configs, { 'segment.bytes': '1048576' });
      assert.equal(res.responses[1].errorMessage, 'Invalid value -5 for configuration retention.ms: Value must be at least -1');
      assert.equal(res.responses[2].errorMessage, "The topic 'missing' does not exist.");
      assert.equal(res.responses[3].errorMessage, 'Null value not supported for : retention.ms');
      assert.equal(res.responses[4].errorMessage, 'Cannot update these configs dynamically: Set(log.retention.hours)');
      assert.equal(broker.cluster.brokerConfig.get<number>('log.retention.hours'), 2);

      const dup = await to(0).request(33, 0, {
        ...defaultAlterConfigsRequestData(),
        resources: [
          { resourceType: TOPIC, resourceName: 'grow', configs: [] },
          { resourceType: TOPIC, resourceName: 'grow', configs: [] },
        ],
      });
      assert.deepEqual(dup.responses.map((r) => [r.errorCode, r.errorMessage]), [[ErrorCode.INVALID_REQUEST, 'Each resource must appear at most once.'], [ErrorCode.INVALID_REQUEST, 'Each resource must appear at most once.']]);
    });

    it('IncrementalAlterConfigs v1: SET, DELETE, APPEND and SUBTRACT; all or nothing; validateOnly', async () => {
      const alter = (configs: Array<[string, number, string | null]>, validateOnly = false, resourceName = 'v7-topic') =>
        to(1).request(44, 1, {
          ...defaultIncrementalAlterConfigsRequestData(),
          validateOnly,
          resources: [{ resourceType: TOPIC, resourceName, configs: configs.map(([name, configOperation, value]) => ({ name, configOperation, value })) }],
        });
      const configs = () => broker.cluster.metadata.topic('v7-topic')!.configs;
      assert.deepEqual(configs(), { 'segment.bytes': '1048576' });

      let r = await alter([['retention.ms', SET, '9000'], ['segment.bytes', DELETE, null], ['cleanup.policy', APPEND, 'compact']]);
      assert.equal(r.responses[0].errorCode, 0);
      // APPEND starts from the value in effect (the default "delete").
      assert.deepEqual(configs(), { 'retention.ms': '9000', 'cleanup.policy': 'delete,compact' });
      assert.equal(broker.cluster.logConfig('v7-topic').retentionMs, 9000);

      r = await alter([['cleanup.policy', SUBTRACT, 'delete']]);
      assert.equal(r.responses[0].errorCode, 0);
      assert.deepEqual(configs(), { 'retention.ms': '9000', 'cleanup.policy': 'compact' });

      r = await alter([['retention.ms', SET, '1'], ['cleanup.policy', APPEND, 'compact']], true);
      assert.equal(r.responses[0].errorCode, 0);
      assert.deepEqual(configs(), { 'retention.ms': '9000', 'cleanup.policy': 'compact' }, 'validateOnly changed nothing');

      r = await alter([['retention.ms', SET, '1'], ['segment.bytes', SET, '3']]);
      assert.deepEqual([r.responses[0].errorCode, r.responses[0].errorMessage], [ErrorCode.INVALID_CONFIG, 'Invalid value 3 for configuration segment.bytes: Value must be at least 14']);
      assert.deepEqual(configs(), { 'retention.ms': '9000', 'cleanup.policy': 'compact' }, 'one bad change refuses the whole resource');

      r = await alter([['retention.ms', APPEND, '5']]);
      assert.deepEqual([r.responses[0].errorCode, r.responses[0].errorMessage], [ErrorCode.INVALID_CONFIG, "Can't APPEND to key retention.ms because its type is not LIST."]);
      r = await alter([['retention.ms', SET, '5'], ['retention.ms', DELETE, null]]);
      assert.deepEqual([r.responses[0].errorCode, r.responses[0].errorMessage], [ErrorCode.INVALID_REQUEST, 'Error due to duplicate config keys']);
      r = await alter([['retention.ms', SET, null]]);
      assert.equal(r.responses[0].errorCode, ErrorCode.INVALID_REQUEST);
      r = await alter([['retention.ms', 9, '5']]);
      assert.equal(r.responses[0].errorCode, ErrorCode.INVALID_REQUEST);
      r = await alter([['retention.ms', SET, '5']], false, 'missing');
      assert.equal(r.responses[0].errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);

      const v0 = await to(1).request(44, 0, {
        ...defaultIncrementalAlterConfigsRequestData(),
        resources: [
          { resourceType: TOPIC, resourceName: 'v7-topic', configs: [{ name: 'cleanup.policy', configOperation: DELETE, value: null }] },
          { resourceType: BROKER, resourceName: '1', configs: [{ name: 'message.max.bytes', configOperation: SET, value: 'five' }] },
          { resourceType: BROKER_LOGGER, resourceName: '1', configs: [{ name: 'kafka', configOperation: SET, value: 'DEBUG' }] },
        ],
      });
      assert.deepEqual(v0.responses.map((x) => [x.resourceType, x.errorCode]), [[TOPIC, 0], [BROKER, ErrorCode.INVALID_REQUEST], [BROKER_LOGGER, ErrorCode.INVALID_REQUEST]]);
      assert.deepEqual(configs(), { 'retention.ms': '9000' });
      assert.equal(broker.cluster.leaderLog('v7-topic', 0).config.cleanupPolicy.compact, false, 'the open logs follow');
    });
  });

  describe('DeleteRecords', () => {
    it('v2 moves the low watermark on the leader, -1 meaning the high watermark; Kafka\'s errors elsewhere', async () => {
      broker.cluster.createTopic('records', 2, 1);
      broker.cluster.createTopic('compacted', 1, 1, { 'cleanup.policy': 'compact' });
      for (let i = 0; i < 3; i++) broker.cluster.append('records', 0, textBatch(['a', 'b', 'c']));
      broker.cluster.append('records', 1, textBatch(['a', 'b']));
      const leader0 = broker.cluster.partitionLeader('records', 0);
      const leader1 = broker.cluster.partitionLeader('records', 1);
      const other = [0, 1, 2].find((n) => n !== leader0)!;

      const req = (partitions: Array<[number, number]>, name = 'records') => ({
        ...defaultDeleteRecordsRequestData(),
        topics: [{ name, partitions: partitions.map(([partitionIndex, offset]) => ({ partitionIndex, offset })) }],
      });
      let res = await to(leader0).request(21, 2, req([[0, 4]]));
      assert.deepEqual(res.topics[0].partitions.map((p) => [p.partitionIndex, p.lowWatermark, p.errorCode]), [[0, 4, 0]]);
      assert.equal(broker.cluster.leaderLog('records', 0).logStartOffset, 4);

      res = await to(leader0).request(21, 2, req([[0, 10], [0, 2]]));
      assert.deepEqual(res.topics[0].partitions.map((p) => [p.lowWatermark, p.errorCode]), [[-1, ErrorCode.OFFSET_OUT_OF_RANGE], [4, 0]], 'beyond the high watermark; below the low watermark changes nothing');

      res = await to(leader0).request(21, 0, req([[0, -1], [7, 1]]));
      assert.deepEqual(res.topics[0].partitions.map((p) => [p.partitionIndex, p.lowWatermark, p.errorCode]), [[0, 9, 0], [7, -1, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]);

      res = await to(other).request(21, 1, req([[0, -1]]));
      assert.deepEqual(res.topics[0].partitions.map((p) => [p.lowWatermark, p.errorCode]), [[-1, ErrorCode.NOT_LEADER_OR_FOLLOWER]]);

      res = await to(leader1).request(21, 2, req([[1, -1]]));
      assert.deepEqual(res.topics[0].partitions.map((p) => [p.lowWatermark, p.errorCode]), [[2, 0]]);

      const compactedLeader = broker.cluster.partitionLeader('compacted', 0);
      res = await to(compactedLeader).request(21, 2, req([[0, -1]], 'compacted'));
      assert.equal(res.topics[0].partitions[0].errorCode, ErrorCode.POLICY_VIOLATION);
    });
  });

  describe('DescribeCluster', () => {
    it('v0 and v1 list every node with its listener, the controller and the cluster id', async () => {
      const expected = broker.server
        .listeners()
        .map((l) => ({ brokerId: l.nodeId, host: l.host, port: l.port, rack: null }))
        .sort((a, b) => a.brokerId - b.brokerId);
      for (const version of [0, 1]) {
        const res = await to(2).request(60, version, { ...defaultDescribeClusterRequestData(), includeClusterAuthorizedOperations: version === 1 });
        assert.equal(res.errorCode, 0);
        assert.equal(res.clusterId, broker.cluster.metadata.clusterId);
        assert.equal(res.controllerId, broker.cluster.controllerId);
        assert.deepEqual(res.brokers.map(({ brokerId, host, port, rack }) => ({ brokerId, host, port, rack })), expected);
        assert.equal(res.endpointType, 1);
        // Without an authorizer every cluster operation is allowed (Kafka's bit field); not asked for: Integer.MIN_VALUE.
        assert.equal(res.clusterAuthorizedOperations, version === 1 ? 8096 : -2147483648);
      }
      const controllers = await to(2).request(60, 1, { ...defaultDescribeClusterRequestData(), endpointType: 2 });
      assert.equal(controllers.errorCode, ErrorCode.MISMATCHED_ENDPOINT_TYPE);
      assert.deepEqual(controllers.brokers, []);
    });
  });

  describe('authorized operations (no authorizer: every operation the resource type supports)', () => {
    // Bits of Kafka's AclOperation codes: READ 3, WRITE 4, CREATE 5, DELETE 6, ALTER 7, DESCRIBE 8, CLUSTER_ACTION 9,
    // DESCRIBE_CONFIGS 10, ALTER_CONFIGS 11, IDEMPOTENT_WRITE 12.
    const bits = (ops: number[]) => ops.reduce((b, o) => b | (1 << o), 0);
    const TOPIC_OPS = bits([3, 4, 5, 6, 7, 8, 10, 11]);
    const CLUSTER_OPS = bits([5, 7, 8, 9, 10, 11, 12]);
    const GROUP_OPS = bits([3, 6, 8]);
    const count = (b: number) => [...Array(32).keys()].filter((i) => b & (1 << i)).length;

    it('Metadata v8+: 8 topic operations when asked (also for a topic in error), 7 cluster operations in v8-10, INT32_MIN otherwise', async () => {
      broker.cluster.createTopic('ops-topic', 1, 1);
      assert.equal(count(TOPIC_OPS), 8);
      assert.equal(count(CLUSTER_OPS), 7);
      for (let v = 8; v <= 12; v++) {
        const topics = [{ name: 'ops-topic', topicId: ZERO_UUID }, { name: 'ops-missing', topicId: ZERO_UUID }];
        const asked = await to(0).request(3, v, { topics, allowAutoTopicCreation: false, includeClusterAuthorizedOperations: v <= 10, includeTopicAuthorizedOperations: true });
        assert.deepEqual(asked.topics.map((t) => [t.name, t.errorCode, t.topicAuthorizedOperations]), [['ops-topic', 0, TOPIC_OPS], ['ops-missing', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, TOPIC_OPS]], `v${v}`);
        if (v <= 10) assert.equal(asked.clusterAuthorizedOperations, CLUSTER_OPS, `v${v}`);
        const plain = await to(0).request(3, v, { topics, allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false });
        assert.deepEqual(plain.topics.map((t) => t.topicAuthorizedOperations), [-2147483648, -2147483648]);
        if (v <= 10) assert.equal(plain.clusterAuthorizedOperations, -2147483648);
      }
    });

    it('DescribeGroups v3+: the group operations (READ, DESCRIBE, DELETE) when asked', async () => {
      const groupId = 'ops-group';
      const found = await to(0).request(10, 4, { key: '', keyType: 0, coordinatorKeys: [groupId] });
      const coordinator = found.coordinators[0].nodeId;
      for (const v of [3, 4, 5]) {
        const asked = await to(coordinator).request(15, v, { groups: [groupId], includeAuthorizedOperations: true });
        assert.deepEqual([asked.groups[0].errorCode, asked.groups[0].groupState, asked.groups[0].authorizedOperations], [0, 'Dead', GROUP_OPS], `v${v}`);
        const plain = await to(coordinator).request(15, v, { groups: [groupId], includeAuthorizedOperations: false });
        assert.equal(plain.groups[0].authorizedOperations, -2147483648);
      }
      const elsewhere = [0, 1, 2].find((n) => n !== coordinator)!;
      const wrong = await to(elsewhere).request(15, 5, { groups: [groupId], includeAuthorizedOperations: true });
      assert.deepEqual([wrong.groups[0].errorCode, wrong.groups[0].authorizedOperations], [ErrorCode.NOT_COORDINATOR, -2147483648]);
    });
  });

  describe('ACL APIs without an authorizer', () => {
    it('DescribeAcls, CreateAcls and DeleteAcls 0-3 answer SECURITY_DISABLED with Kafka\'s message', async () => {
      for (let v = 0; v <= 3; v++) {
        const d = await to(1).request(29, v, { resourceTypeFilter: 1, resourceNameFilter: null, patternTypeFilter: 3, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1 });
        assert.deepEqual([d.errorCode, d.errorMessage, d.resources], [ErrorCode.SECURITY_DISABLED, 'No Authorizer is configured on the broker', []], `DescribeAcls v${v}`);
        const creation = { resourceType: 2, resourceName: 'orders', resourcePatternType: 3, principal: 'User:alice', host: '*', operation: 3, permissionType: 3 };
        const c = await to(1).request(30, v, { creations: [creation, { ...creation, operation: 4 }] });
        assert.deepEqual(c.results.map((r) => [r.errorCode, r.errorMessage]), [[ErrorCode.SECURITY_DISABLED, 'No Authorizer is configured.'], [ErrorCode.SECURITY_DISABLED, 'No Authorizer is configured.']], `CreateAcls v${v}`);
        const del = await to(1).request(31, v, { filters: [{ resourceTypeFilter: 2, resourceNameFilter: 'orders', patternTypeFilter: 3, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1 }] });
        assert.deepEqual(del.filterResults.map((r) => [r.errorCode, r.matchingAcls.length]), [[ErrorCode.SECURITY_DISABLED, 0]], `DeleteAcls v${v}`);
      }
    });
  });

  describe('DescribeLogDirs', () => {
    it('v4: each node reports its own directory, the partitions it holds with their sizes, and the volume', async () => {
      broker.cluster.createTopic('sized', 1, 3);
      broker.cluster.append('sized', 0, textBatch(['x'.repeat(500)]));
      for (const node of broker.cluster.nodes) {
        const res = await to(node.id).request(35, 4, { ...defaultDescribeLogDirsRequestData(), topics: null });
        assert.equal(res.errorCode, 0);
        assert.equal(res.results.length, 1);
        const dir = res.results[0];
        assert.equal(dir.errorCode, 0);
        assert.equal(dir.logDir, path.resolve(broker.dataDir, `node-${node.id}`));
        assert.ok(dir.totalBytes > 0 && dir.usableBytes > 0 && dir.usableBytes <= dir.totalBytes);
        const held = node.logManager.allLogs().map((l) => `${l.tp.topic}-${l.tp.partition}`).sort();
        const reported = dir.topics.flatMap((t) => t.partitions.map((p) => `${t.name}-${p.partitionIndex}`)).sort();
        assert.deepEqual(reported, held);
        for (const t of dir.topics) for (const p of t.partitions) {
          assert.equal(p.partitionSize, node.logManager.getLog({ topic: t.name, partition: p.partitionIndex })!.size);
          assert.equal(p.offsetLag, 0);
          assert.equal(p.isFutureKey, false);
        }
      }
      const leader = broker.cluster.partitionLeader('sized', 0);
      const only = await to(leader).request(35, 1, { ...defaultDescribeLogDirsRequestData(), topics: [{ topic: 'sized', partitions: [0] }, { topic: 'missing', partitions: [0] }] });
      assert.deepEqual(only.results[0].topics.map((t) => [t.name, t.partitions.map((p) => p.partitionIndex)]), [['sized', [0]]]);
      assert.ok(only.results[0].topics[0].partitions[0].partitionSize > 500);
      assert.equal(only.results[0].totalBytes, -1, 'not in v1');
    });
  });
});
