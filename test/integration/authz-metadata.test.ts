// Metadata and DescribeCluster with the StandardAuthorizer, as Kafka answers them: topics the principal may not
// DESCRIBE are left out of an all-topics answer and refused by name whether they exist or not; auto-creation needs
// CREATE (on the cluster or the topic); authorized operations follow the ACLs.
import { strict as assert } from 'node:assert';
import { startAuthzBroker, AuthzBroker, AclOperation as Op, ResourceType as R, PatternType } from '../support/authz';
import { ErrorCode } from '../../src/broker/errors';
import { defaultMetadataRequestData, defaultMetadataRequestTopic } from '../../src/protocol/messages/metadata-request';
import { uuidFromKafkaString, ZERO_UUID } from '../../src/protocol/codec';
import { OPERATIONS_NOT_REQUESTED } from '../../src/broker/security/acl-operations';

const bits = (...ops: number[]) => ops.reduce((b, o) => b | (1 << o), 0);
const named = (...names: string[]) => ({ ...defaultMetadataRequestData(), topics: names.map((name) => ({ ...defaultMetadataRequestTopic(), name })) });

describe('Metadata and DescribeCluster with the StandardAuthorizer', function () {
  this.timeout(30000);
  let broker: AuthzBroker;
  before(async () => {
    broker = await startAuthzBroker({ config: { 'auto.create.topics.enable': 'true' } });
    for (const t of ['orders', 'payments', 'secret']) broker.cluster.createTopic(t, 1, 1);
    broker.allow('User:alice', Op.READ, R.TOPIC, 'orders');
    broker.allow('User:alice', Op.DESCRIBE, R.TOPIC, 'pay', PatternType.PREFIXED);
  });
  after(async () => broker?.stop());

  it('all topics: only those the principal may DESCRIBE (READ implies it; a prefix ACL counts)', async () => {
    const alice = await broker.connectAs('alice');
    for (const v of [1, 9, 12]) {
      const r = await alice.request(3, v, { ...defaultMetadataRequestData(), topics: null });
      assert.deepEqual(r.topics.map((t) => t.name).sort(), ['orders', 'payments'], `v${v}`);
    }
    const admin = await broker.connectAs('admin');
    const all = await admin.request(3, 12, { ...defaultMetadataRequestData(), topics: null });
    assert.ok(all.topics.length >= 3);
    const bob = await broker.connectAs('bob');
    assert.deepEqual((await bob.request(3, 12, { ...defaultMetadataRequestData(), topics: null })).topics, []);
  });

  it('named topics: TOPIC_AUTHORIZATION_FAILED for one it may not describe, existing or not, without its id', async () => {
    const alice = await broker.connectAs('alice');
    const r = await alice.request(3, 12, { ...named('orders', 'secret', 'no-such-topic'), allowAutoTopicCreation: false });
    const by = new Map(r.topics.map((t) => [t.name, t]));
    assert.equal(by.get('orders')!.errorCode, 0);
    assert.equal(by.get('secret')!.errorCode, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    assert.equal(by.get('secret')!.topicId, ZERO_UUID);
    assert.deepEqual(by.get('secret')!.partitions, []);
    assert.equal(by.get('no-such-topic')!.errorCode, ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'existence does not leak');
    assert.ok(broker.logger.lines.some((l) => /Principal = User:alice is Denied operation = DESCRIBE .* resource = Topic:LITERAL:secret for request = Metadata/.test(l)));
  });

  it('by topic id (v12): the id is echoed with TOPIC_AUTHORIZATION_FAILED, the name is not', async () => {
    const alice = await broker.connectAs('alice');
    const id = uuidFromKafkaString(broker.cluster.metadata.topic('secret')!.topicId);
    const r = await alice.request(3, 12, { ...defaultMetadataRequestData(), topics: [{ ...defaultMetadataRequestTopic(), name: null, topicId: id }] });
    assert.equal(r.topics[0].errorCode, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    assert.equal(r.topics[0].name, null);
    assert.equal(r.topics[0].topicId, id);
  });

  it('auto-creation needs CREATE on the cluster or on the topic, besides DESCRIBE', async () => {
    const alice = await broker.connectAs('alice');
    broker.allow('User:alice', Op.DESCRIBE, R.TOPIC, 'auto-', PatternType.PREFIXED);
    const refused = await alice.request(3, 12, named('auto-1'));
    assert.equal(refused.topics[0].errorCode, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    assert.equal(broker.cluster.metadata.topic('auto-1'), undefined);
    broker.allow('User:alice', Op.CREATE, R.TOPIC, 'auto-1');
    const created = await alice.request(3, 12, named('auto-1'));
    assert.equal(created.topics[0].errorCode, 0);
    assert.ok(broker.cluster.metadata.topic('auto-1'));
    broker.allow('User:alice', Op.CREATE, R.CLUSTER, 'kafka-cluster');
    const viaCluster = await alice.request(3, 12, named('auto-2'));
    assert.equal(viaCluster.topics[0].errorCode, 0);
  });

  it('topic and cluster authorized operations follow the ACLs; 0 on the cluster without DESCRIBE', async () => {
    const bob = await broker.connectAs('bob');
    broker.allow('User:bob', Op.WRITE, R.TOPIC, 'payments');
    const r = await bob.request(3, 10, { ...named('payments'), includeTopicAuthorizedOperations: true, includeClusterAuthorizedOperations: true });
    assert.equal(r.topics[0].topicAuthorizedOperations, bits(Op.WRITE, Op.DESCRIBE));
    assert.equal(r.clusterAuthorizedOperations, 0);
    const dc = await bob.request(60, 1, { includeClusterAuthorizedOperations: true, endpointType: 1 });
    assert.equal(dc.clusterAuthorizedOperations, 0);
    broker.allow('User:bob', Op.ALTER, R.CLUSTER, 'kafka-cluster');
    const dc2 = await bob.request(60, 1, { includeClusterAuthorizedOperations: true, endpointType: 1 });
    assert.equal(dc2.clusterAuthorizedOperations, bits(Op.ALTER, Op.DESCRIBE));
    const notAsked = await bob.request(60, 1, { includeClusterAuthorizedOperations: false, endpointType: 1 });
    assert.equal(notAsked.clusterAuthorizedOperations, OPERATIONS_NOT_REQUESTED);
    const admin = await broker.connectAs('admin');
    const su = await admin.request(3, 12, { ...named('payments'), includeTopicAuthorizedOperations: true });
    assert.equal(su.topics[0].topicAuthorizedOperations, bits(Op.READ, Op.WRITE, Op.CREATE, Op.DESCRIBE, Op.DELETE, Op.ALTER, Op.DESCRIBE_CONFIGS, Op.ALTER_CONFIGS));
  });
});
