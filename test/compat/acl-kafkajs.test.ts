/**
 * kafkajs 2.2.4 against a broker with Kafka's StandardAuthorizer (SASL/PLAIN, super.users=User:admin): the admin
 * client creates, describes and deletes ACLs; a service principal without ACLs is refused with Kafka's errors
 * (TOPIC_AUTHORIZATION_FAILED for produce, GROUP_AUTHORIZATION_FAILED for its consumer group), sees only the topics
 * it may describe, and works once the ACLs a Kafka operator would write (WRITE on a prefix, READ on the topic and
 * group) are in place; removing them refuses it again.
 */
import { strict as assert } from 'node:assert';
import { Kafka, logLevel, AclResourceTypes, ResourcePatternTypes, AclOperationTypes, AclPermissionTypes, type Admin } from 'kafkajs';
import { startAuthzBroker, AuthzBroker } from '../support/authz';
import { waitUntil } from './groups-helpers';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

function kafka(b: AuthzBroker, user: string): Kafka {
  const password = `${user}-secret`;
  return new Kafka({ clientId: `acl-${user}`, brokers: b.bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 1, initialRetryTime: 100 }, sasl: { mechanism: 'plain', username: user, password } });
}

const acl = (o: { type: AclResourceTypes; name: string; pattern?: ResourcePatternTypes; principal: string; op: AclOperationTypes }) => ({
  resourceType: o.type,
  resourceName: o.name,
  resourcePatternType: o.pattern ?? ResourcePatternTypes.LITERAL,
  principal: o.principal,
  host: '*',
  operation: o.op,
  permissionType: AclPermissionTypes.ALLOW,
});

describe('compat: kafkajs with ACLs (StandardAuthorizer)', function () {
  this.timeout(60000);
  let broker: AuthzBroker;
  let admin: Admin;

  before(async () => {
    broker = await startAuthzBroker({ nodes: 3, config: { 'auto.create.topics.enable': 'false' } });
    admin = kafka(broker, 'admin').admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'orders-in', numPartitions: 2, replicationFactor: 3 }, { topic: 'audit', numPartitions: 1, replicationFactor: 3 }] });
  });
  after(async () => {
    await admin?.disconnect();
    await broker?.stop();
  });

  it('an admin creates, describes and deletes ACLs', async () => {
    await admin.createAcls({ acl: [acl({ type: AclResourceTypes.TOPIC, name: 'tmp-', pattern: ResourcePatternTypes.PREFIXED, principal: 'User:bob', op: AclOperationTypes.READ })] });
    const d = await admin.describeAcls({ resourceType: AclResourceTypes.ANY, resourcePatternType: ResourcePatternTypes.ANY, operation: AclOperationTypes.ANY, permissionType: AclPermissionTypes.ANY });
    assert.deepEqual(
      d.resources.map((r) => [r.resourceType, r.resourceName, r.resourcePatternType, r.acls.map((a) => [a.principal, a.operation, a.permissionType])]),
      [[AclResourceTypes.TOPIC, 'tmp-', ResourcePatternTypes.PREFIXED, [['User:bob', AclOperationTypes.READ, AclPermissionTypes.ALLOW]]]],
    );
    const del = await admin.deleteAcls({ filters: [{ resourceType: AclResourceTypes.TOPIC, resourceName: 'tmp-x', resourcePatternType: ResourcePatternTypes.MATCH, operation: AclOperationTypes.ANY, permissionType: AclPermissionTypes.ANY }] });
    assert.equal(del.filterResponses[0].matchingAcls.length, 1);
    const after = await admin.describeAcls({ resourceType: AclResourceTypes.ANY, resourcePatternType: ResourcePatternTypes.ANY, operation: AclOperationTypes.ANY, permissionType: AclPermissionTypes.ANY });
    assert.deepEqual(after.resources, []);
  });

  it('a principal without ACLs is refused and sees no topics; with them it produces and consumes through its group', async () => {
    const alice = kafka(broker, 'alice');
    const aliceAdmin = alice.admin();
    await aliceAdmin.connect();
    try {
      assert.deepEqual(await aliceAdmin.listTopics(), [], 'no DESCRIBE, no topics');
      const producer = alice.producer();
      await producer.connect();
      try {
        await assert.rejects(producer.send({ topic: 'orders-in', acks: -1, messages: [{ value: 'refused' }] }), (e: Error & { type?: string }) => {
          assert.match(`${e.type} ${e.message}`, /TOPIC_AUTHORIZATION_FAILED|Not authorized to access topics/);
          return true;
        });

        await admin.createAcls({
          acl: [
            acl({ type: AclResourceTypes.TOPIC, name: 'orders-', pattern: ResourcePatternTypes.PREFIXED, principal: 'User:alice', op: AclOperationTypes.WRITE }),
            acl({ type: AclResourceTypes.TOPIC, name: 'orders-in', principal: 'User:alice', op: AclOperationTypes.READ }),
          ],
        });
        assert.deepEqual(await aliceAdmin.listTopics(), ['orders-in'], 'WRITE and READ imply DESCRIBE; audit stays hidden');
        await producer.send({ topic: 'orders-in', acks: -1, messages: [0, 1, 2, 3].map((i) => ({ key: `k${i}`, value: `order ${i}` })) });
      } finally {
        await producer.disconnect();
      }

      // The group needs READ on the group too: refused first.
      const refused = alice.consumer({ groupId: 'billing', sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100, retry: { retries: 0 } });
      await refused.connect();
      try {
        await refused.subscribe({ topic: 'orders-in', fromBeginning: true });
        const crashed = new Promise<Error>((resolve) => refused.on(refused.events.CRASH, (e) => resolve(e.payload.error)));
        void refused.run({ eachMessage: async () => {} });
        // kafkajs looks the coordinator up first; FindCoordinator needs DESCRIBE on the group, and kafkajs reports
        // its GROUP_AUTHORIZATION_FAILED as a coordinator it could not find (as against Kafka).
        const error = (await crashed) as Error & { type?: string };
        assert.match(`${error.type} ${error.message}`, /GROUP_AUTHORIZATION_FAILED|Not authorized to access group|Failed to find group coordinator/);
        assert.ok(broker.logger.lines.some((l) => /Principal = User:alice is Denied operation = DESCRIBE .* resource = Group:LITERAL:billing for request = FindCoordinator/.test(l)), 'the broker refused the group');
      } finally {
        await refused.disconnect();
      }

      await admin.createAcls({ acl: [acl({ type: AclResourceTypes.GROUP, name: 'billing', principal: 'User:alice', op: AclOperationTypes.READ })] });
      const consumer = alice.consumer({ groupId: 'billing', sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
      const got: string[] = [];
      await consumer.connect();
      try {
        await consumer.subscribe({ topic: 'orders-in', fromBeginning: true });
        await consumer.run({ eachMessage: async ({ message }) => void got.push(String(message.value)) });
        await waitUntil(() => got.length >= 4, 20000, 'the four orders');
      } finally {
        await consumer.disconnect();
      }
      assert.deepEqual(got.sort(), ['order 0', 'order 1', 'order 2', 'order 3']);
      const offsets = await admin.fetchOffsets({ groupId: 'billing', topics: ['orders-in'] });
      assert.equal(offsets[0].partitions.reduce((n, p) => n + Number(p.offset), 0), 4, 'the group committed through its ACL');

      // Taking the WRITE ACL away refuses the producer again.
      await admin.deleteAcls({ filters: [{ resourceType: AclResourceTypes.TOPIC, resourceName: 'orders-', resourcePatternType: ResourcePatternTypes.PREFIXED, principal: 'User:alice', operation: AclOperationTypes.WRITE, permissionType: AclPermissionTypes.ALLOW }] });
      const again = alice.producer();
      await again.connect();
      try {
        await assert.rejects(again.send({ topic: 'orders-in', acks: -1, messages: [{ value: 'refused again' }] }), /TOPIC_AUTHORIZATION_FAILED|Not authorized/);
      } finally {
        await again.disconnect();
      }
    } finally {
      await aliceAdmin.disconnect();
    }
  });
});
