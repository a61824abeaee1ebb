/**
 * confluent-kafka-python (librdkafka 2.0.2, Debian's) against a broker with Kafka's StandardAuthorizer, over
 * SASL/PLAIN: a principal without ACLs lists no topics, its produce is refused with TOPIC_AUTHORIZATION_FAILED and
 * its consumer reads nothing (Metadata refuses the topic); once ACLs allow it (WRITE through a prefixed ACL, READ on
 * the topic) it produces and reads back; a DENY ACL then overrides the ALLOW. confluent-kafka-python 1.7 has no ACL
 * admin calls: librdkafka's own ACL admin API is covered by its test 0081 in the conformance gate
 * (scripts/librdkafka/gate.mjs, the acl-super broker).
 */
import { strict as assert } from 'node:assert';
import { startAuthzBroker, AuthzBroker, AclOperation as Op, ResourceType as R, PatternType } from '../support/authz';
import { haveConfluentKafka, python } from './helpers';

const sasl = (user: string) => ({ 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanisms': 'PLAIN', 'sasl.username': user, 'sasl.password': `${user}-secret` });

describe('compat: confluent-kafka-python with ACLs (StandardAuthorizer)', function () {
  this.timeout(90000);
  let broker: AuthzBroker;
  before(async function () {
    if (!haveConfluentKafka()) return this.skip();
    broker = await startAuthzBroker({ nodes: 3, config: { 'auto.create.topics.enable': 'false' } });
    broker.cluster.createTopic('events-a', 2, 3);
    broker.cluster.createTopic('hidden', 1, 3);
    // client.py's consumers carry a group.id (confluent-kafka-python 1.7 insists) and librdkafka looks its coordinator
    // up even for assign(): FindCoordinator needs DESCRIBE on the group, as on Kafka.
    broker.allow('User:alice', Op.DESCRIBE, R.GROUP, 'tributary-compat-unused');
  });
  after(async () => broker?.stop());

  const produce = async (user: string, value: string) => {
    const lines = await python('produce', broker.bootstrap, { runs: [{ config: { ...sasl(user), acks: 'all', 'message.timeout.ms': 10000 }, topic: 'events-a', messages: [{ key: 'k', value, partition: 0 }] }] });
    return lines.filter((l) => 'i' in l).map((l) => l.error as string | null);
  };
  const listed = async (user: string) => (await python('probe', broker.bootstrap, { config: sasl(user), timeout: 10 })).find((l) => 'listed' in l)!;
  const consume = (user: string, count: number) => python('consume', broker.bootstrap, { topic: 'events-a', partitions: [0], start: 'beginning', count, timeout: 20, config: sasl(user) });

  it('no ACLs: no topics listed, produce refused with TOPIC_AUTHORIZATION_FAILED, nothing read', async () => {
    const probe = await listed('alice');
    assert.equal(probe.listed, true);
    assert.deepEqual(probe.topics, []);
    assert.deepEqual(await produce('alice', 'refused'), ['TOPIC_AUTHORIZATION_FAILED']);
    // librdkafka 2.0.2 learns of the refusal from Metadata (the topic cannot be described) and never fetches: nothing
    // is read, as against Kafka.
    const lines = broker.logger.lines.length;
    const r = await consume('alice', 1);
    assert.deepEqual(r.filter((l) => 'offset' in l && 'value' in l), []);
    assert.equal(r.find((l) => l.done)?.count, 0);
    assert.ok(broker.logger.lines.slice(lines).some((l) => /Principal = User:alice is Denied operation = DESCRIBE .* resource = Topic:LITERAL:events-a for request = Metadata/.test(l)), 'refused by Metadata');
  });

  it('with ACLs: lists what it may describe, produces and reads back; a DENY overrides the ALLOW', async () => {
    broker.allow('User:alice', Op.WRITE, R.TOPIC, 'events-', PatternType.PREFIXED);
    broker.allow('User:alice', Op.READ, R.TOPIC, 'events-a');
    assert.deepEqual((await listed('alice')).topics, ['events-a']);
    assert.deepEqual(await produce('alice', 'allowed'), [null]);
    const got = (await consume('alice', 1)).filter((l) => 'offset' in l && 'value' in l);
    assert.deepEqual(got.map((l) => l.value), ['allowed']);
    assert.ok(((await listed('admin')).topics as string[]).includes('hidden'), 'the super user sees every topic');
    broker.deny('User:alice', Op.WRITE, R.TOPIC, 'events-a');
    assert.deepEqual(await produce('alice', 'denied'), ['TOPIC_AUTHORIZATION_FAILED']);
  });
});
