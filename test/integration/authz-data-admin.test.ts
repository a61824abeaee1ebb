// The data APIs (Produce, Fetch, ListOffsets, DeleteRecords, OffsetForLeaderEpoch) and the admin APIs (CreateTopics,
// DeleteTopics, CreatePartitions, DescribeConfigs, AlterConfigs, IncrementalAlterConfigs, DescribeLogDirs,
// ElectLeaders, Describe/AlterUserScramCredentials) in raw frames against a broker with Kafka's StandardAuthorizer:
// each refused as Kafka refuses it (code, message and response shape, checked before the resource is looked up so
// that existence does not leak), each allowed by an ACL (implications, PREFIXED patterns, DENY over ALLOW), and a
// super user allowed everything.
import { strict as assert } from 'node:assert';
import { startAuthzBroker, AuthzBroker, AclOperation as Op, ResourceType as R, PatternType, PermissionType } from '../support/authz';
import { RawClient } from '../support/raw-client';
import { textBatch } from '../support/batches';
import { ErrorCode } from '../../src/broker/errors';
import { CLUSTER_NAME as CLUSTER } from '../../src/broker/security/acl-binding';
import { encodeRecordBatch } from '../../src/broker/records/record-batch';
import { uuidFromKafkaString, ZERO_UUID } from '../../src/protocol/codec';
import { defaultFetchRequestData, defaultFetchPartition, defaultFetchTopic } from '../../src/protocol/messages/fetch-request';
import { defaultListOffsetsRequestData, defaultListOffsetsPartition } from '../../src/protocol/messages/list-offsets-request';
import { defaultCreatableTopic, defaultCreateTopicsRequestData } from '../../src/protocol/messages/create-topics-request';
import { defaultDescribeConfigsRequestData } from '../../src/protocol/messages/describe-configs-request';

const TOPIC_DENIED = ErrorCode.TOPIC_AUTHORIZATION_FAILED;
const CLUSTER_DENIED = ErrorCode.CLUSTER_AUTHORIZATION_FAILED;
/** An id no topic has. */
const UNKNOWN_TOPIC_ID = uuidFromKafkaString('AAAAAAAAAAAAAAAAAAAAAQ');
/** Config resource types (Kafka's ConfigResource.Type ids). */
const CR = { TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8 } as const;

function clearAcls(broker: AuthzBroker): void {
  broker.cluster.authorizer!.deleteAcls([{ resourceType: R.ANY, resourceName: null, patternType: PatternType.ANY, principal: null, host: null, operation: Op.ANY, permissionType: PermissionType.ANY }]);
}

const produceRequest = (topics: string[], o: { acks?: number; transactionalId?: string | null; records?: Buffer } = {}) => ({
  transactionalId: o.transactionalId ?? null,
  acks: o.acks ?? 1,
  timeoutMs: 5000,
  topicData: topics.map((name) => ({ name, partitionData: [{ index: 0, records: o.records ?? textBatch(['v']) }] })),
});

const fetchRequest = (topics: string[], o: { maxWaitMs?: number; replicaId?: number } = {}) => ({
  ...defaultFetchRequestData(),
  replicaId: o.replicaId ?? -1,
  maxWaitMs: o.maxWaitMs ?? 0,
  minBytes: 1,
  topics: topics.map((topic) => ({ ...defaultFetchTopic(), topic, partitions: [{ ...defaultFetchPartition(), partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 }] })),
});

const listOffsets = (topics: string[]) => ({
  ...defaultListOffsetsRequestData(),
  replicaId: -1,
  topics: topics.map((name) => ({ name, partitions: [{ ...defaultListOffsetsPartition(), partitionIndex: 0, timestamp: -1 }] })),
});

const epochRequest = (topics: string[]) => ({ replicaId: -1, topics: topics.map((topic) => ({ topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, leaderEpoch: 0 }] })) });

describe('Data APIs with the StandardAuthorizer: Produce, Fetch, ListOffsets, DeleteRecords, OffsetForLeaderEpoch', function () {
  this.timeout(30000);
  let broker: AuthzBroker;
  let admin: RawClient;
  let alice: RawClient;
  before(async () => {
    broker = await startAuthzBroker();
    for (const t of ['data-a', 'data-b', 'secret']) broker.cluster.createTopic(t, 1, 1);
    admin = await broker.connectAs('admin');
    alice = await broker.connectAs('alice');
    const seeded = await admin.request(0, 9, produceRequest(['data-a', 'data-b', 'secret'], { records: textBatch(['one', 'two']) }));
    assert.deepEqual(seeded.responses.map((t) => t.partitionResponses[0].errorCode), [0, 0, 0], 'the super user produces');
  });
  afterEach(() => clearAcls(broker));
  after(async () => broker?.stop());

  describe('Produce', () => {
    it('WRITE on each topic: TOPIC_AUTHORIZATION_FAILED per partition, existing or not, in the error shape', async () => {
      const r = await alice.request(0, 9, produceRequest(['data-a', 'no-such-topic']));
      assert.deepEqual(
        r.responses.map((t) => [t.name, t.partitionResponses]),
        ['data-a', 'no-such-topic'].map((name) => [name, [{ index: 0, errorCode: TOPIC_DENIED, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1, recordErrors: [], errorMessage: null, currentLeader: { leaderId: -1, leaderEpoch: -1 } }]]),
      );
      assert.ok(broker.logger.lines.some((l) => /Principal = User:alice is Denied operation = WRITE .* resource = Topic:LITERAL:data-a for request = Produce/.test(l)), 'the denial is logged');
    });

    it('a PREFIXED ALLOW opens the topics it covers; the topic is then checked for existence; a DENY wins over the ALLOW', async () => {
      broker.allow('User:alice', Op.WRITE, R.TOPIC, 'data-', PatternType.PREFIXED);
      broker.deny('User:alice', Op.WRITE, R.TOPIC, 'data-b');
      const r = await alice.request(0, 9, produceRequest(['data-a', 'data-b', 'data-missing', 'secret']));
      const codes = Object.fromEntries(r.responses.map((t) => [t.name, t.partitionResponses[0].errorCode]));
      assert.deepEqual(codes, { 'data-a': 0, 'data-b': TOPIC_DENIED, 'data-missing': ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, secret: TOPIC_DENIED });
      assert.ok(r.responses[0].partitionResponses[0].baseOffset >= 2, 'appended after the seeded records');
    });

    it('transactional records need WRITE on the transactional id: every partition TRANSACTIONAL_ID_AUTHORIZATION_FAILED', async () => {
      broker.allow('User:alice', Op.WRITE, R.TOPIC, 'data-a');
      const txn = encodeRecordBatch({ records: [{ key: null, value: Buffer.from('t'), timestamp: Date.now() }], isTransactional: true, producerId: 7, producerEpoch: 0, baseSequence: 0 });
      for (const transactionalId of ['tx-alice', null]) {
        const r = await alice.request(0, 9, produceRequest(['data-a', 'secret'], { transactionalId, records: txn }));
        assert.deepEqual(
          r.responses.map((t) => [t.name, t.partitionResponses[0].errorCode, t.partitionResponses[0].baseOffset, t.partitionResponses[0].errorMessage]),
          [['data-a', ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, -1, null], ['secret', ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, -1, null]],
          `transactional id ${transactionalId}`,
        );
      }
      // Kafka looks at the transactional id only when the records are transactional.
      const plain = await alice.request(0, 9, produceRequest(['data-a'], { transactionalId: 'tx-alice' }));
      assert.equal(plain.responses[0].partitionResponses[0].errorCode, 0);
      // With the id allowed (a PREFIXED ACL) the request passes authorization, and the broker verifies the
      // transaction with its coordinator (KIP-890 part 1): none exists yet (no __transaction_state), which a producer
      // is told as Kafka tells it, NOT_ENOUGH_REPLICAS (retriable), instead of the batch opening a transaction.
      broker.allow('User:alice', Op.WRITE, R.TRANSACTIONAL_ID, 'tx-', PatternType.PREFIXED);
      const allowed = await alice.request(0, 9, produceRequest(['data-a'], { transactionalId: 'tx-alice', records: txn }));
      assert.deepEqual([allowed.responses[0].partitionResponses[0].errorCode, allowed.responses[0].partitionResponses[0].errorMessage], [ErrorCode.NOT_ENOUGH_REPLICAS, 'Unable to verify the partition has been added to the transaction. Underlying error: COORDINATOR_NOT_AVAILABLE']);
    });

    it('acks=0: no answer; a refused produce closes the connection, as Kafka answers a failed acks=0 produce', async () => {
      const c = await broker.connectAs('alice');
      c.send(0, 9, produceRequest(['data-a'], { acks: 0 }));
      await c.closed;
      broker.allow('User:alice', Op.WRITE, R.TOPIC, 'data-a');
      const ok = await broker.connectAs('alice');
      ok.send(0, 9, produceRequest(['data-a'], { acks: 0 }));
      const after = await ok.request(2, 7, listOffsets(['data-a']));
      assert.equal(after.topics[0].partitions[0].errorCode, 0, 'still connected; WRITE implies DESCRIBE');
      assert.equal(ok.isClosed, false);
    });
  });

  describe('Fetch', () => {
    it('a consumer needs READ on each topic: TOPIC_AUTHORIZATION_FAILED, existing or not, answered at once', async () => {
      const started = Date.now();
      const r = await alice.request(1, 12, fetchRequest(['data-a', 'no-such-topic'], { maxWaitMs: 5000 }));
      assert.ok(Date.now() - started < 2500, 'nothing to wait for');
      assert.equal(r.errorCode, 0);
      for (const t of r.responses) {
        const p = t.partitions[0];
        assert.deepEqual([t.topic, p.errorCode, p.highWatermark, p.lastStableOffset, p.logStartOffset, p.preferredReadReplica, p.records!.length], [t.topic, TOPIC_DENIED, -1, -1, -1, -1, 0]);
      }
      assert.deepEqual(r.responses.map((t) => t.topic), ['data-a', 'no-such-topic']);
    });

    it('READ (PREFIXED) reads; a DENY on one topic refuses it without holding back the others', async () => {
      broker.allow('User:alice', Op.READ, R.TOPIC, 'data-', PatternType.PREFIXED);
      broker.deny('User:alice', Op.READ, R.TOPIC, 'data-b');
      const r = await alice.request(1, 12, fetchRequest(['data-a', 'data-b'], { maxWaitMs: 2000 }));
      const [a, b] = r.responses.map((t) => t.partitions[0]);
      assert.equal(a.errorCode, 0);
      assert.ok(a.records!.length > 0 && a.highWatermark >= 2);
      assert.equal(b.errorCode, TOPIC_DENIED);
    });

    it('by topic id (v13): an unknown id is UNKNOWN_TOPIC_ID, a known one the principal may not read is refused with its id', async () => {
      const id = uuidFromKafkaString(broker.cluster.metadata.topic('secret')!.topicId);
      const req = { ...fetchRequest([]), topics: [id, UNKNOWN_TOPIC_ID].map((topicId) => ({ ...defaultFetchTopic(), topicId, partitions: [{ ...defaultFetchPartition(), partition: 0, partitionMaxBytes: 1 << 20 }] })) };
      const r = await alice.request(1, 13, req);
      assert.deepEqual(r.responses.map((t) => [t.topicId, t.partitions[0].errorCode]), [[id, TOPIC_DENIED], [UNKNOWN_TOPIC_ID, ErrorCode.UNKNOWN_TOPIC_ID]]);
      broker.allow('User:alice', Op.READ, R.TOPIC, 'secret');
      const allowed = await alice.request(1, 13, { ...req, topics: req.topics.slice(0, 1) });
      assert.equal(allowed.responses[0].partitions[0].errorCode, 0);
    });

    it('a follower fetch (replica id >= 0) needs CLUSTER_ACTION, READ on the topic is not enough (v12 and v15)', async () => {
      broker.allow('User:alice', Op.READ, R.TOPIC, 'data-a');
      const v12 = await alice.request(1, 12, fetchRequest(['data-a'], { replicaId: 0 }));
      assert.equal(v12.responses[0].partitions[0].errorCode, TOPIC_DENIED);
      const v15 = { ...fetchRequest([]), replicaState: { replicaId: 0, replicaEpoch: -1 }, topics: [{ ...defaultFetchTopic(), topicId: uuidFromKafkaString(broker.cluster.metadata.topic('data-a')!.topicId), partitions: [{ ...defaultFetchPartition(), partition: 0, partitionMaxBytes: 1 << 20 }] }] };
      assert.equal((await alice.request(1, 15, v15)).responses[0].partitions[0].errorCode, TOPIC_DENIED);
      broker.allow('User:alice', Op.CLUSTER_ACTION, R.CLUSTER, CLUSTER);
      assert.equal((await alice.request(1, 12, fetchRequest(['secret'], { replicaId: 0 }))).responses[0].partitions[0].errorCode, 0, 'no topic ACL needed then');
      assert.equal((await alice.request(1, 15, v15)).responses[0].partitions[0].errorCode, 0);
    });

    it('the super user reads everything', async () => {
      const r = await admin.request(1, 12, fetchRequest(['secret', 'data-b']));
      assert.deepEqual(r.responses.map((t) => t.partitions[0].errorCode), [0, 0]);
    });
  });

  describe('ListOffsets, DeleteRecords, OffsetForLeaderEpoch', () => {
    it('ListOffsets needs DESCRIBE: TOPIC_AUTHORIZATION_FAILED with offset and timestamp -1; WRITE implies DESCRIBE', async () => {
      const r = await alice.request(2, 7, listOffsets(['data-a', 'no-such-topic']));
      for (const t of r.topics) assert.deepEqual(t.partitions, [{ partitionIndex: 0, errorCode: TOPIC_DENIED, oldStyleOffsets: [], timestamp: -1, offset: -1, leaderEpoch: -1 }], t.name);
      const v0 = await alice.request(2, 0, { ...listOffsets(['data-a']), topics: [{ name: 'data-a', partitions: [{ ...defaultListOffsetsPartition(), timestamp: -1, maxNumOffsets: 1 }] }] });
      assert.deepEqual([v0.topics[0].partitions[0].errorCode, v0.topics[0].partitions[0].oldStyleOffsets], [TOPIC_DENIED, []]);
      broker.allow('User:alice', Op.WRITE, R.TOPIC, 'data-a');
      const allowed = await alice.request(2, 7, listOffsets(['data-a', 'no-such-topic']));
      assert.equal(allowed.topics[0].partitions[0].errorCode, 0);
      assert.equal(allowed.topics[0].partitions[0].offset, broker.cluster.leaderLog('data-a', 0).highWatermark);
      assert.equal(allowed.topics[1].partitions[0].errorCode, TOPIC_DENIED, 'no ACL on the other topic');
    });

    it('DeleteRecords needs DELETE: TOPIC_AUTHORIZATION_FAILED with low watermark -1, existing or not', async () => {
      const req = (offset: number) => ({ timeoutMs: 5000, topics: ['data-b', 'no-such-topic'].map((name) => ({ name, partitions: [{ partitionIndex: 0, offset }] })) });
      broker.allow('User:alice', Op.DESCRIBE, R.TOPIC, 'data-b');
      const r = await alice.request(21, 2, req(1));
      assert.deepEqual(r.topics.map((t) => [t.name, t.partitions]), ['data-b', 'no-such-topic'].map((name) => [name, [{ partitionIndex: 0, lowWatermark: -1, errorCode: TOPIC_DENIED }]]));
      assert.equal(broker.cluster.leaderLog('data-b', 0).logStartOffset, 0);
      broker.allow('User:alice', Op.DELETE, R.TOPIC, 'data-', PatternType.PREFIXED);
      const allowed = await alice.request(21, 2, req(1));
      assert.deepEqual(allowed.topics[0].partitions[0], { partitionIndex: 0, lowWatermark: 1, errorCode: 0 });
      assert.equal(allowed.topics[1].partitions[0].errorCode, TOPIC_DENIED);
    });

    it('OffsetForLeaderEpoch needs DESCRIBE on the topic, or CLUSTER_ACTION for every topic', async () => {
      const r = await alice.request(23, 4, epochRequest(['data-a', 'no-such-topic']));
      for (const t of r.topics) assert.deepEqual(t.partitions, [{ errorCode: TOPIC_DENIED, partition: 0, leaderEpoch: -1, endOffset: -1 }], t.topic);
      broker.allow('User:alice', Op.DESCRIBE, R.TOPIC, 'data-a');
      const described = await alice.request(23, 4, epochRequest(['data-a', 'secret']));
      assert.deepEqual(described.topics.map((t) => t.partitions[0].errorCode), [0, TOPIC_DENIED]);
      assert.equal(described.topics[0].partitions[0].endOffset, broker.cluster.leaderLog('data-a', 0).logEndOffset);
      broker.allow('User:alice', Op.CLUSTER_ACTION, R.CLUSTER, CLUSTER);
      assert.deepEqual((await alice.request(23, 4, epochRequest(['secret']))).topics[0].partitions[0].errorCode, 0);
      // A CLUSTER_ACTION principal sees which topics do not exist.
      assert.equal((await alice.request(23, 4, epochRequest(['no-such-topic']))).topics[0].partitions[0].errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    });

    it('the super user passes all three', async () => {
      assert.equal((await admin.request(2, 7, listOffsets(['secret']))).topics[0].partitions[0].errorCode, 0);
      assert.equal((await admin.request(23, 4, epochRequest(['secret']))).topics[0].partitions[0].errorCode, 0);
      assert.equal((await admin.request(21, 2, { timeoutMs: 5000, topics: [{ name: 'secret', partitions: [{ partitionIndex: 0, offset: 1 }] }] })).topics[0].partitions[0].errorCode, 0);
    });
  });
});

describe('Admin APIs with the StandardAuthorizer: topics, configs, log dirs, elections, SCRAM credentials', function () {
  this.timeout(30000);
  let broker: AuthzBroker;
  let admin: RawClient;
  let alice: RawClient;
  before(async () => {
    broker = await startAuthzBroker();
    for (const t of ['adm-a', 'adm-b', 'secret']) broker.cluster.createTopic(t, 1, 1);
    admin = await broker.connectAs('admin');
    alice = await broker.connectAs('alice');
  });
  afterEach(() => clearAcls(broker));
  after(async () => broker?.stop());

  const create = (...names: string[]) => ({ ...defaultCreateTopicsRequestData(), topics: names.map((name) => ({ ...defaultCreatableTopic(), name, numPartitions: 2, replicationFactor: 1 })) });
  const topicId = (name: string) => uuidFromKafkaString(broker.cluster.metadata.topic(name)!.topicId);

  describe('CreateTopics', () => {
    it('CREATE on the cluster or the topic, checked before the name is validated or looked up', async () => {
      const r = await alice.request(19, 7, create('new-1', 'adm-a', 'bad name!'));
      assert.deepEqual(
        r.topics.map((t) => [t.name, t.errorCode, t.errorMessage, t.topicId, t.numPartitions, t.replicationFactor, t.topicConfigErrorCode, t.configs]),
        ['new-1', 'adm-a', 'bad name!'].map((n) => [n, TOPIC_DENIED, 'Authorization failed.', ZERO_UUID, -1, -1, 0, []]),
      );
      assert.equal(broker.cluster.metadata.topic('new-1'), undefined);
      // Duplicates are refused as ever, before authorization.
      const dup = await alice.request(19, 7, create('new-1', 'new-1'));
      assert.deepEqual(dup.topics.map((t) => [t.errorCode, t.errorMessage]), [[ErrorCode.INVALID_REQUEST, 'Duplicate topic name.']]);
    });

    it('created without DESCRIBE_CONFIGS: no configs, partition count or replication factor, topicConfigErrorCode says why', async () => {
      broker.allow('User:alice', Op.CREATE, R.TOPIC, 'new-', PatternType.PREFIXED);
      const r = await alice.request(19, 7, create('new-2'));
      const t = r.topics[0];
      assert.deepEqual([t.errorCode, t.errorMessage, t.numPartitions, t.replicationFactor, t.topicConfigErrorCode, t.configs], [0, null, -1, -1, TOPIC_DENIED, []]);
      assert.equal(t.topicId, topicId('new-2'));
      assert.equal(broker.cluster.metadata.topic('new-2')!.partitions.length, 2);
      // ALTER_CONFIGS implies DESCRIBE_CONFIGS.
      broker.allow('User:alice', Op.ALTER_CONFIGS, R.TOPIC, 'new-3');
      const described = (await alice.request(19, 7, create('new-3'))).topics[0];
      assert.deepEqual([described.errorCode, described.numPartitions, described.replicationFactor, described.topicConfigErrorCode], [0, 2, 1, 0]);
      assert.ok(described.configs!.some((c) => c.name === 'cleanup.policy'));
      // Allowed to create, a topic that exists is TOPIC_ALREADY_EXISTS.
      assert.equal((await alice.request(19, 7, create('new-2'))).topics[0].errorCode, ErrorCode.TOPIC_ALREADY_EXISTS);
    });

    it('CREATE on the cluster creates any topic; so does the super user', async () => {
      broker.allow('User:alice', Op.CREATE, R.CLUSTER, CLUSTER);
      assert.equal((await alice.request(19, 7, create('any-1'))).topics[0].errorCode, 0);
      const byAdmin = (await admin.request(19, 7, create('any-2'))).topics[0];
      assert.deepEqual([byAdmin.errorCode, byAdmin.topicConfigErrorCode, byAdmin.numPartitions], [0, 0, 2]);
    });
  });

  describe('DeleteTopics', () => {
    const byName = (...names: string[]) => ({ timeoutMs: 5000, topicNames: [], topics: names.map((name) => ({ name, topicId: ZERO_UUID })) });
    const byId = (...ids: string[]) => ({ timeoutMs: 5000, topicNames: [], topics: ids.map((topicId) => ({ name: null, topicId })) });

    it('by name: without DESCRIBE refused whether the topic exists or not; with DESCRIBE only, existence shows', async () => {
      const r = await alice.request(20, 6, byName('adm-a', 'no-such-topic'));
      assert.deepEqual(
        r.responses.map((t) => [t.name, t.topicId, t.errorCode, t.errorMessage]),
        [['adm-a', ZERO_UUID, TOPIC_DENIED, 'Topic authorization failed.'], ['no-such-topic', ZERO_UUID, TOPIC_DENIED, 'Topic authorization failed.']],
      );
      broker.allow('User:alice', Op.DESCRIBE, R.TOPIC, '*');
      const described = await alice.request(20, 6, byName('adm-a', 'no-such-topic'));
      assert.deepEqual(described.responses.map((t) => [t.name, t.errorCode]), [['adm-a', TOPIC_DENIED], ['no-such-topic', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]);
      assert.ok(broker.cluster.metadata.topic('adm-a'));
    });

    it('by id: the name is answered only to a principal that may DESCRIBE the topic; an unknown id is UNKNOWN_TOPIC_ID', async () => {
      const id = topicId('adm-a');
      const unknown = UNKNOWN_TOPIC_ID;
      const r = await alice.request(20, 6, byId(id, unknown));
      assert.deepEqual(
        r.responses.map((t) => [t.name, t.topicId, t.errorCode, t.errorMessage]),
        [[null, id, TOPIC_DENIED, 'Topic authorization failed.'], [null, unknown, ErrorCode.UNKNOWN_TOPIC_ID, 'This server does not host this topic ID.']],
      );
      broker.allow('User:alice', Op.DESCRIBE, R.TOPIC, 'adm-a');
      assert.deepEqual((await alice.request(20, 6, byId(id))).responses.map((t) => [t.name, t.errorCode]), [['adm-a', TOPIC_DENIED]]);
    });

    it('DELETE (which implies DESCRIBE) deletes, by name and by id; DELETE on the cluster deletes any topic', async () => {
      for (const t of ['del-1', 'del-2', 'del-3']) broker.cluster.createTopic(t, 1, 1);
      broker.allow('User:alice', Op.DELETE, R.TOPIC, 'del-', PatternType.PREFIXED);
      broker.deny('User:alice', Op.DELETE, R.TOPIC, 'del-3');
      const id2 = topicId('del-2');
      const r = await alice.request(20, 6, { timeoutMs: 5000, topicNames: [], topics: [{ name: 'del-1', topicId: ZERO_UUID }, { name: null, topicId: id2 }, { name: 'del-3', topicId: ZERO_UUID }] });
      assert.deepEqual(r.responses.map((t) => [t.name, t.errorCode]), [['del-1', 0], ['del-2', 0], ['del-3', TOPIC_DENIED]]);
      assert.equal(broker.cluster.metadata.topic('del-1'), undefined);
      assert.ok(broker.cluster.metadata.topic('del-3'), 'the DENY wins over the prefixed ALLOW');
      clearAcls(broker);
      broker.allow('User:alice', Op.DELETE, R.CLUSTER, CLUSTER);
      assert.deepEqual((await alice.request(20, 5, { timeoutMs: 5000, topicNames: ['del-3'], topics: [] })).responses.map((t) => [t.name, t.errorCode]), [['del-3', 0]]);
    });

    it('the super user deletes; v5 by name', async () => {
      broker.cluster.createTopic('del-admin', 1, 1);
      assert.deepEqual((await admin.request(20, 5, { timeoutMs: 5000, topicNames: ['del-admin'], topics: [] })).responses.map((t) => t.errorCode), [0]);
    });
  });

  describe('CreatePartitions', () => {
    const grow = (count: number, ...names: string[]) => ({ timeoutMs: 5000, validateOnly: false, topics: names.map((name) => ({ name, count, assignments: null })) });

    it('ALTER on the topic: TOPIC_AUTHORIZATION_FAILED without a message, existing or not', async () => {
      broker.allow('User:alice', Op.DESCRIBE, R.TOPIC, 'adm-a');
      const r = await alice.request(37, 3, grow(3, 'adm-a', 'no-such-topic'));
      assert.deepEqual(r.results.map((t) => [t.name, t.errorCode, t.errorMessage]), [['adm-a', TOPIC_DENIED, null], ['no-such-topic', TOPIC_DENIED, null]]);
      assert.equal(broker.cluster.metadata.topic('adm-a')!.partitions.length, 1);
      broker.allow('User:alice', Op.ALTER, R.TOPIC, 'adm-', PatternType.PREFIXED);
      const allowed = await alice.request(37, 3, grow(3, 'adm-a', 'no-such-topic', 'adm-missing'));
      assert.deepEqual(allowed.results.map((t) => [t.name, t.errorCode]), [['adm-a', 0], ['no-such-topic', TOPIC_DENIED], ['adm-missing', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]);
      assert.equal(broker.cluster.metadata.topic('adm-a')!.partitions.length, 3);
      assert.equal((await admin.request(37, 3, grow(2, 'secret'))).results[0].errorCode, 0, 'the super user');
    });
  });

  describe('DescribeConfigs, AlterConfigs, IncrementalAlterConfigs', () => {
    const describeConfigs = (...resources: Array<[number, string]>) => ({ ...defaultDescribeConfigsRequestData(), resources: resources.map(([resourceType, resourceName]) => ({ resourceType, resourceName, configurationKeys: null })) });
    const alterConfigs = (resourceType: number, resourceName: string, configs: Array<[string, string]>, validateOnly = false) => ({ validateOnly, resources: [{ resourceType, resourceName, configs: configs.map(([name, value]) => ({ name, value })) }] });
    const incremental = (resourceType: number, resourceName: string, configs: Array<[string, string]>) => ({ validateOnly: false, resources: [{ resourceType, resourceName, configs: configs.map(([name, value]) => ({ name, configOperation: 0, value })) }] });

    it('DescribeConfigs: DESCRIBE_CONFIGS on the topic, on the cluster for BROKER and BROKER_LOGGER resources', async () => {
      const r = await alice.request(32, 4, describeConfigs([CR.TOPIC, 'adm-b'], [CR.TOPIC, 'no-such-topic'], [CR.BROKER, '0'], [CR.BROKER_LOGGER, '0']));
      assert.deepEqual(
        r.results.map((x) => [x.resourceType, x.resourceName, x.errorCode, x.errorMessage, x.configs]),
        [
          [CR.TOPIC, 'adm-b', TOPIC_DENIED, 'Topic authorization failed.', []],
          [CR.TOPIC, 'no-such-topic', TOPIC_DENIED, 'Topic authorization failed.', []],
          [CR.BROKER, '0', CLUSTER_DENIED, 'Cluster authorization failed.', []],
          [CR.BROKER_LOGGER, '0', CLUSTER_DENIED, 'Cluster authorization failed.', []],
        ],
      );
      // ALTER_CONFIGS implies DESCRIBE_CONFIGS, on a topic and on the cluster.
      broker.allow('User:alice', Op.ALTER_CONFIGS, R.TOPIC, 'adm-', PatternType.PREFIXED);
      broker.allow('User:alice', Op.ALTER_CONFIGS, R.CLUSTER, CLUSTER);
      const allowed = await alice.request(32, 4, describeConfigs([CR.TOPIC, 'adm-b'], [CR.BROKER, '0'], [CR.TOPIC, 'adm-missing']));
      assert.deepEqual(allowed.results.map((x) => x.errorCode), [0, 0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
      assert.ok(allowed.results[0].configs.length > 0 && allowed.results[1].configs.length > 0);
      assert.equal((await admin.request(32, 4, describeConfigs([CR.TOPIC, 'secret']))).results[0].errorCode, 0, 'the super user');
    });

    it('AlterConfigs: ALTER_CONFIGS on the topic before it is looked up; a BROKER resource is validated first, then authorized', async () => {
      const topic = await alice.request(33, 2, alterConfigs(CR.TOPIC, 'no-such-topic', [['retention.ms', '1000']]));
      assert.deepEqual(topic.responses.map((x) => [x.errorCode, x.errorMessage]), [[TOPIC_DENIED, 'Topic authorization failed.']]);
      const invalid = await alice.request(33, 2, alterConfigs(CR.BROKER, '0', [['log.retention.ms', 'soon']]));
      assert.deepEqual([invalid.responses[0].errorCode, invalid.responses[0].errorMessage], [ErrorCode.INVALID_REQUEST, 'Invalid value soon for configuration log.retention.ms: Not a number of type LONG'], 'validation comes first for a broker resource');
      const broker0 = await alice.request(33, 2, alterConfigs(CR.BROKER, '0', [['log.retention.ms', '7200000']]));
      assert.deepEqual(broker0.responses.map((x) => [x.errorCode, x.errorMessage]), [[CLUSTER_DENIED, 'Cluster authorization failed.']]);
      assert.deepEqual(broker.cluster.brokerConfig.dynamicConfigs(0), {}, 'nothing changed');
      broker.allow('User:alice', Op.ALTER_CONFIGS, R.TOPIC, 'adm-a');
      broker.allow('User:alice', Op.ALTER_CONFIGS, R.CLUSTER, CLUSTER);
      assert.equal((await alice.request(33, 2, alterConfigs(CR.TOPIC, 'adm-a', [['retention.ms', '1000']]))).responses[0].errorCode, 0);
      assert.equal(broker.cluster.metadata.topic('adm-a')!.configs['retention.ms'], '1000');
      assert.equal((await alice.request(33, 2, alterConfigs(CR.BROKER, '0', [['log.retention.ms', '7200000']], true))).responses[0].errorCode, 0);
      assert.equal((await admin.request(33, 2, alterConfigs(CR.TOPIC, 'secret', [['retention.ms', '2000']]))).responses[0].errorCode, 0, 'the super user');
    });

    it('IncrementalAlterConfigs: the same rules; a BROKER_LOGGER resource is refused by the broker without a message', async () => {
      const r = await alice.request(44, 1, {
        validateOnly: false,
        resources: [
          { resourceType: CR.TOPIC, resourceName: 'adm-b', configs: [{ name: 'retention.ms', configOperation: 0, value: '1000' }] },
          { resourceType: CR.BROKER, resourceName: '', configs: [{ name: 'log.retention.ms', configOperation: 0, value: '7200000' }] },
          { resourceType: CR.BROKER_LOGGER, resourceName: '0', configs: [{ name: 'kafka.server', configOperation: 0, value: 'DEBUG' }] },
        ],
      });
      assert.deepEqual(r.responses.map((x) => [x.resourceType, x.errorCode, x.errorMessage]), [
        [CR.TOPIC, TOPIC_DENIED, 'Topic authorization failed.'],
        [CR.BROKER, CLUSTER_DENIED, 'Cluster authorization failed.'],
        [CR.BROKER_LOGGER, CLUSTER_DENIED, null],
      ]);
      assert.equal(broker.cluster.metadata.topic('adm-b')!.configs['retention.ms'], undefined);
      broker.allow('User:alice', Op.ALTER_CONFIGS, R.TOPIC, 'adm-b');
      assert.equal((await alice.request(44, 1, incremental(CR.TOPIC, 'adm-b', [['retention.ms', '1000']]))).responses[0].errorCode, 0);
      assert.equal(broker.cluster.metadata.topic('adm-b')!.configs['retention.ms'], '1000');
      broker.allow('User:alice', Op.ALTER_CONFIGS, R.CLUSTER, CLUSTER);
      assert.equal((await alice.request(44, 1, incremental(CR.BROKER_LOGGER, '0', [['kafka.server', 'DEBUG']]))).responses[0].errorCode, ErrorCode.INVALID_REQUEST, 'authorized, then refused as unsupported');
      assert.equal((await admin.request(44, 1, incremental(CR.TOPIC, 'secret', [['retention.ms', '3000']]))).responses[0].errorCode, 0, 'the super user');
    });
  });

  describe('DescribeLogDirs, ElectLeaders, Describe/AlterUserScramCredentials', () => {
    it('DescribeLogDirs needs DESCRIBE on the cluster: CLUSTER_AUTHORIZATION_FAILED and no log dir; ALTER implies DESCRIBE', async () => {
      const r = await alice.request(35, 4, { topics: null });
      assert.deepEqual([r.errorCode, r.results], [CLUSTER_DENIED, []]);
      assert.deepEqual((await alice.request(35, 1, { topics: null })).results, [], 'v1 has no error code: just nothing');
      broker.allow('User:alice', Op.ALTER, R.CLUSTER, CLUSTER);
      const allowed = await alice.request(35, 4, { topics: null });
      assert.equal(allowed.errorCode, 0);
      assert.ok(allowed.results[0].topics.some((t) => t.name === 'secret'));
      assert.equal((await admin.request(35, 4, { topics: null })).results.length, 1, 'the super user');
    });

    it('ElectLeaders needs ALTER on the cluster: the error at the top and on every partition named', async () => {
      const req = { electionType: 0, timeoutMs: 5000, topicPartitions: [{ topic: 'adm-a', partitions: [0] }, { topic: 'no-such-topic', partitions: [0, 1] }] };
      const r = await alice.request(43, 2, req);
      assert.equal(r.errorCode, CLUSTER_DENIED);
      assert.deepEqual(r.replicaElectionResults.map((t) => [t.topic, t.partitionResult.map((p) => [p.partitionId, p.errorCode])]), [['adm-a', [[0, CLUSTER_DENIED]]], ['no-such-topic', [[0, CLUSTER_DENIED], [1, CLUSTER_DENIED]]]]);
      assert.match(r.replicaElectionResults[0].partitionResult[0].errorMessage!, /^Request\(.*principal=User:alice\) is not authorized\.$/);
      const all = await alice.request(43, 2, { ...req, topicPartitions: null });
      assert.deepEqual([all.errorCode, all.replicaElectionResults], [CLUSTER_DENIED, []]);
      broker.allow('User:alice', Op.ALTER, R.CLUSTER, CLUSTER);
      const allowed = await alice.request(43, 2, { ...req, topicPartitions: [{ topic: 'adm-a', partitions: [0] }] });
      assert.deepEqual([allowed.errorCode, allowed.replicaElectionResults[0].partitionResult[0].errorCode], [0, ErrorCode.ELECTION_NOT_NEEDED]);
      assert.equal((await admin.request(43, 2, { ...req, topicPartitions: null })).errorCode, 0, 'the super user');
    });

    it('DescribeUserScramCredentials needs DESCRIBE on the cluster: Kafka\'s error response, no message, one nameless result per user asked', async () => {
      const r = await alice.request(50, 0, { users: [{ name: 'bob' }, { name: 'carol' }] });
      assert.deepEqual([r.errorCode, r.errorMessage], [CLUSTER_DENIED, null]);
      assert.deepEqual(r.results, [0, 1].map(() => ({ user: '', errorCode: CLUSTER_DENIED, errorMessage: null, credentialInfos: [] })));
      assert.deepEqual((await alice.request(50, 0, { users: null })).results, []);
      broker.allow('User:alice', Op.DESCRIBE, R.CLUSTER, CLUSTER);
      const allowed = await alice.request(50, 0, { users: null });
      assert.equal(allowed.errorCode, 0);
      assert.equal((await admin.request(50, 0, { users: null })).errorCode, 0, 'the super user');
    });

    it('AlterUserScramCredentials needs ALTER on the cluster: each user named once, sorted, refused; nothing changes', async () => {
      const upsertion = (name: string) => ({ name, mechanism: 1, iterations: 4096, salt: Buffer.alloc(16, 1), saltedPassword: Buffer.alloc(32, 2) });
      const req = { deletions: [{ name: 'zed', mechanism: 1 }], upsertions: [upsertion('carol'), upsertion('zed')] };
      const r = await alice.request(51, 0, req);
      assert.deepEqual(r.results.map((x) => [x.user, x.errorCode]), [['carol', CLUSTER_DENIED], ['zed', CLUSTER_DENIED]]);
      assert.match(r.results[0].errorMessage!, /is not authorized\.$/);
      const carol = await admin.request(50, 0, { users: [{ name: 'carol' }] });
      assert.equal(carol.results[0].errorCode, ErrorCode.RESOURCE_NOT_FOUND, 'carol was not created');
      broker.allow('User:alice', Op.ALTER, R.CLUSTER, CLUSTER);
      assert.deepEqual((await alice.request(51, 0, { deletions: [], upsertions: [upsertion('carol')] })).results.map((x) => [x.user, x.errorCode]), [['carol', 0]]);
      assert.deepEqual((await admin.request(51, 0, { deletions: [{ name: 'carol', mechanism: 1 }], upsertions: [] })).results.map((x) => x.errorCode), [0], 'the super user');
    });
  });
});
