/**
 * The consumer group protocol (KIP-848, group.protocol=consumer) with real clients on a three-node cluster:
 * librdkafka 2.15 (built by the conformance gate from ../shared) under Debian's confluent-kafka-python and kcat, and
 * @platformatic/kafka from npm. Members share partitions without a partition ever held by two of them, a SIGKILLed
 * member leaves at its session timeout, a pattern picks up a new topic, a static member restarts without a rebalance.
 * What the clients say (their assign/revoke callbacks, what they read) is checked against the broker's own view.
 */
import { strict as assert } from 'node:assert';
import { Kafka, PartitionAssigners, Producer, type PartitionAssigner } from 'kafkajs';
import { Consumer as PlatformaticConsumer, stringDeserializers } from '@platformatic/kafka';
import { startTestBroker, TestBroker } from '../support/broker';
import { haveConfluentKafka, haveKcat, kip848Librdkafka, runOk, KCAT } from './helpers';
import { FAST_GROUPS, PyMember, KjsMember, describeState, kafkaClient, connectedProducer, produceValues, waitUntil, history, exactlyOnce, tpKey, committedToEnd } from './groups-helpers';

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => String(from + i));

/** Short sessions and heartbeats (Kafka's floors lowered) so that a vanished member is noticed in seconds. */
const KIP848_CONFIG: Record<string, string> = {
  ...FAST_GROUPS,
  'offsets.topic.replication.factor': '3',
  'group.consumer.session.timeout.ms': '6000',
  'group.consumer.min.session.timeout.ms': '1000',
  'group.consumer.heartbeat.interval.ms': '500',
  'group.consumer.min.heartbeat.interval.ms': '100',
};

describe('compat: the consumer group protocol (KIP-848) with librdkafka 2.15 and @platformatic/kafka', function () {
  this.timeout(60000);
  let broker: TestBroker;
  let kafka: Kafka;
  let producer: Producer;
  let env: Record<string, string>;
  const members: PyMember[] = [];

  /** A librdkafka 2.15 member speaking the consumer protocol, in its own python process. */
  const member = (name: string, group: string, topics: string[], extra: Record<string, string> = {}) => {
    const m = new PyMember(name, broker.bootstrap, { topics, config: { 'group.id': group, 'group.protocol': 'consumer', ...extra }, commitOnRevoke: true }, env);
    members.push(m);
    return m;
  };

  /** The broker's view: every partition of the group owned (assigned or being revoked) by at most one member. */
  const ownedTwice = (group: string): string[] => {
    const g = broker.cluster.groupCoordinator.consumerGroup(group);
    if (!g) return [];
    const seen = new Set<string>();
    const twice: string[] = [];
    for (const m of g.members.values()) {
      for (const a of [m.assignedPartitions, m.partitionsPendingRevocation]) {
        for (const [t, ps] of a) {
          for (const p of ps) {
            if (seen.has(`${t}:${p}`)) twice.push(`${t}:${p}`);
            seen.add(`${t}:${p}`);
          }
        }
      }
    }
    return twice;
  };

  before(async function () {
    const lib = kip848Librdkafka();
    if (!lib || !haveConfluentKafka()) this.skip();
    env = { LD_LIBRARY_PATH: lib };
    broker = await startTestBroker({ nodes: 3, config: KIP848_CONFIG });
    kafka = kafkaClient(broker.bootstrap, 'kip848');
    producer = await connectedProducer(kafka);
  });

  afterEach(async () => {
    await Promise.all(members.splice(0).map((m) => m.kill()));
  });

  after(async () => {
    await producer?.disconnect();
    await broker?.stop();
  });

  it('confluent-kafka-python runs on librdkafka 2.15 here', async () => {
    const v = await runOk('/usr/bin/python3', ['-c', 'import confluent_kafka; print(confluent_kafka.libversion()[0])'], { env });
    const [major, minor] = v.trim().split('.').map(Number);
    assert.ok(major > 2 || (major === 2 && minor >= 12), `librdkafka ${v.trim()} speaks KIP-848`);
  });

  it('two then three members share six partitions: revoked before reassigned, nothing read twice or lost', async () => {
    const topic = 'kip-six';
    const group = 'kip-share';
    broker.cluster.createTopic(topic, 6, 3);
    await produceValues(producer, topic, 6, range(0, 300));
    const violations: string[] = [];
    const sampler = setInterval(() => {
      const twice = ownedTwice(group);
      if (twice.length) violations.push(`broker: ${twice.join(',')}`);
      const held = new Map<string, string>();
      for (const m of members) for (const tp of m.assigned) {
        if (held.has(tp)) violations.push(`clients: ${tp} held by ${held.get(tp)} and ${m.name}`);
        held.set(tp, m.name);
      }
    }, 10);
    try {
      const a = member('kip-a', group, [topic]);
      await a.waitFor((m) => m.holding().length === 6, 20000, 'all six partitions');
      const b = member('kip-b', group, [topic]);
      await waitUntil(() => a.holding().length === 3 && b.holding().length === 3, 20000, 'a 3/3 split', () => members.map((m) => m.describe()).join('\n'));
      const c = member('kip-c', group, [topic]);
      await waitUntil(() => members.every((m) => m.holding().length === 2), 20000, 'a 2/2/2 split', () => members.map((m) => m.describe()).join('\n'));
      // Incremental: a gave up partitions (revoke events) without losing the rest; nobody was told its partitions were lost.
      assert.ok(a.count('revoke') >= 2, a.describe());
      for (const m of members) assert.equal(m.count('lost'), 0, m.describe());
      await produceValues(producer, topic, 6, range(300, 600));
      const all = () => members.flatMap((m) => m.messages);
      await waitUntil(() => all().length >= 600, 20000, '600 messages read', () => `${all().length}`);
      await waitUntil(() => committedToEnd(broker.cluster, group, 6), 10000, 'commits to the end');
      assert.deepEqual(exactlyOnce(all(), 600), { missing: [], duplicated: [] });
      assert.deepEqual(violations, []);
      // The broker's view agrees with the clients'.
      const d = broker.cluster.groups.describeGroup(group);
      assert.equal(d.type, 'consumer');
      assert.equal(d.state, 'Stable');
      const byClient = new Map(d.members.map((m) => [m.clientId, m.assignment.flatMap((t) => t.partitions.map((p) => tpKey(t.topic, p))).sort()]));
      for (const m of [a, b, c]) assert.deepEqual(byClient.get(m.name), m.holding());
      // The journal shows who gave up what.
      const steps = history(broker.cluster, group).flatMap((r) => r.steps ?? []);
      assert.ok(steps.some((s) => s.clientId === 'kip-a' && s.action === 'revoked'));
      assert.ok(steps.some((s) => s.clientId === 'kip-c' && s.action === 'assigned'));
    } finally {
      clearInterval(sampler);
    }
  });

  it('a SIGKILLed member stays until its session timeout (6 s here), then its partitions move', async () => {
    const topic = 'kip-kill';
    const group = 'kip-kill-group';
    broker.cluster.createTopic(topic, 4, 3);
    const a = member('kill-a', group, [topic]);
    const b = member('kill-b', group, [topic]);
    await waitUntil(() => a.holding().length === 2 && b.holding().length === 2, 20000, 'a 2/2 split', () => members.map((m) => m.describe()).join('\n'));
    const killedAt = Date.now();
    await b.kill();
    await new Promise((r) => setTimeout(r, 3000));
    const g = broker.cluster.groupCoordinator.consumerGroup(group)!;
    assert.ok([...g.members.values()].some((m) => m.clientId === 'kill-b'), 'still a member 3 s after the kill');
    assert.equal(a.holding().length, 2);
    await a.waitFor((m) => m.holding().length === 4, 20000, 'all four partitions after b expired');
    assert.ok(Date.now() - killedAt >= 5500, `moved ${Date.now() - killedAt} ms after the kill`);
    assert.ok(![...g.members.values()].some((m) => m.clientId === 'kill-b'));
    assert.ok(history(broker.cluster, group).some((r) => r.removed.some((x) => x.clientId === 'kill-b' && x.why === 'session timeout')));
  });

  it('a pattern subscription is resolved by the broker and picks up a topic created later', async () => {
    broker.cluster.createTopic('kip-rx-one', 2, 3);
    const m = member('rx', 'kip-rx-group', ['^kip-rx-.*']);
    await m.waitFor((x) => x.holding().length === 2, 20000, 'the two partitions of kip-rx-one');
    broker.cluster.createTopic('kip-rx-two', 3, 3);
    broker.cluster.createTopic('other-kip-rx', 1, 3);
    await m.waitFor((x) => x.holding().length === 5, 20000, 'kip-rx-two as well');
    assert.ok(m.holding().every((tp) => tp.startsWith('kip-rx-')), m.holding().join(','));
    await produceValues(producer, 'kip-rx-two', 3, range(0, 30));
    await m.waitFor((x) => x.messages.filter((msg) => msg.topic === 'kip-rx-two').length === 30, 20000, 'the new topic\'s messages');
    const d = broker.cluster.groups.describeGroup('kip-rx-group');
    assert.equal(d.members[0].consumer?.subscribedTopicRegex, '(^kip-rx-.*)');
  });

  it('a static member restarts within its session timeout and gets its partitions back with no rebalance', async () => {
    const topic = 'kip-static';
    const group = 'kip-static-group';
    broker.cluster.createTopic(topic, 4, 3);
    const a = member('static-a', group, [topic], { 'group.instance.id': 'instance-a' });
    const b = member('static-b', group, [topic], { 'group.instance.id': 'instance-b' });
    await waitUntil(() => a.holding().length === 2 && b.holding().length === 2, 20000, 'a 2/2 split', () => members.map((m) => m.describe()).join('\n'));
    await waitUntil(() => broker.cluster.groupCoordinator.consumerGroup(group)?.state === 'Stable', 10000, 'a stable group');
    const epoch = broker.cluster.groupCoordinator.consumerGroup(group)!.groupEpoch;
    const aHad = a.holding();
    const bEvents = b.events.length;
    await a.close();
    // Left with epoch -2: still in the group, partitions kept.
    const left = [...broker.cluster.groupCoordinator.consumerGroup(group)!.members.values()].find((m) => m.instanceId === 'instance-a')!;
    assert.equal(left.memberEpoch, -2);
    const a2 = member('static-a2', group, [topic], { 'group.instance.id': 'instance-a' });
    await a2.waitFor((m) => m.holding().length === 2, 20000, 'its two partitions back');
    assert.deepEqual(a2.holding(), aHad);
    assert.equal(broker.cluster.groupCoordinator.consumerGroup(group)!.groupEpoch, epoch, 'no new group epoch');
    assert.deepEqual(b.events.slice(bEvents).filter((e) => e.ev === 'assign' || e.ev === 'revoke'), [], 'b saw no rebalance');
    assert.ok(history(broker.cluster, group).some((r) => r.trigger === 'static member replaced'));
  });

  it('kcat -X group.protocol=consumer (Debian\'s kcat on librdkafka 2.15) reads a topic and commits', async function () {
    if (!haveKcat()) this.skip();
    const topic = 'kip-kcat';
    broker.cluster.createTopic(topic, 3, 3);
    await produceValues(producer, topic, 3, range(0, 90));
    const out = await runOk(KCAT, ['-b', broker.bootstrap, '-X', 'group.protocol=consumer', '-X', 'auto.offset.reset=earliest', '-G', 'kip-kcat-group', topic, '-e', '-q', '-f', '%s\n'], { env, timeoutMs: 30000 });
    const values = out.split('\n').filter((l) => l !== '');
    assert.deepEqual(exactlyOnce(values.map((value) => ({ value })), 90), { missing: [], duplicated: [] });
    assert.ok(committedToEnd(broker.cluster, 'kip-kcat-group', 3), JSON.stringify(broker.cluster.groupCoordinator.fetchOffsets('kip-kcat-group', null)));
  });

  it('@platformatic/kafka with groupProtocol "consumer" reads a topic as a group member', async () => {
    const topic = 'kip-platformatic';
    broker.cluster.createTopic(topic, 2, 3);
    await produceValues(producer, topic, 2, range(0, 40));
    const consumer = new PlatformaticConsumer({ groupId: 'kip-pl-group', clientId: 'platformatic', bootstrapBrokers: broker.bootstrap.split(','), deserializers: stringDeserializers, groupProtocol: 'consumer' });
    const seen: string[] = [];
    try {
      const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: true } as Parameters<typeof consumer.consume>[0]);
      stream.on('data', (m: { value: string }) => seen.push(m.value));
      await waitUntil(() => seen.length >= 40, 20000, '40 messages', () => `${seen.length}`);
      assert.deepEqual(exactlyOnce(seen.map((value) => ({ value })), 40), { missing: [], duplicated: [] });
      const g = broker.cluster.groupCoordinator.consumerGroup('kip-pl-group');
      assert.equal(g?.members.size, 1);
      assert.equal([...g!.members.values()][0].clientId, 'platformatic');
      await stream.close();
    } finally {
      await consumer.close(true);
    }
  });

  it('a classic group (kafkajs and librdkafka 2.0 members) is upgraded online when a librdkafka 2.15 member joins, and downgraded when it leaves: nothing lost or read twice', async () => {
    const topic = 'kip-migrate';
    const group = 'kip-migrate-group';
    broker.cluster.createTopic(topic, 6, 3);
    // kafkajs's round robin under librdkafka's name, so that both clients share a classic protocol.
    const roundrobin: PartitionAssigner = (cfg) => ({ ...PartitionAssigners.roundRobin(cfg), name: 'roundrobin' });
    const kjs = new KjsMember('mig-kjs', kafkaClient(broker.bootstrap, 'mig-kjs'), { groupId: group, sessionTimeout: 6000, heartbeatInterval: 300, partitionAssigners: [roundrobin] });
    // Debian's librdkafka (2.0), classic protocol: no LD_LIBRARY_PATH.
    const rdk = new PyMember('mig-rdk', broker.bootstrap, { topics: [topic], config: { 'group.id': group, 'partition.assignment.strategy': 'roundrobin', 'session.timeout.ms': 6000, 'heartbeat.interval.ms': 300 }, commitOnRevoke: true });
    members.push(rdk);
    const violations: string[] = [];
    const sampler = setInterval(() => {
      const twice = ownedTwice(group);
      if (twice.length) violations.push(`broker: ${twice.join(',')}`);
    }, 10);
    const all = () => [...kjs.messages, ...members.flatMap((m) => m.messages)];
    const holdings = () => `kjs ${kjs.holding().join(',')}\n${members.map((m) => m.describe()).join('\n')}\n${describeState(broker.cluster, group)}`;
    try {
      await kjs.start([topic]);
      await produceValues(producer, topic, 6, range(0, 300));
      await waitUntil(() => kjs.holding().length === 3 && rdk.holding().length === 3, 30000, 'a classic 3/3 split', holdings);
      await waitUntil(() => all().length >= 300 && committedToEnd(broker.cluster, group, 6), 30000, '300 read and committed', holdings);
      assert.equal(broker.cluster.groupCoordinator.group(group)!.type, 'classic');

      // A member with the consumer protocol joins: the group becomes a consumer group, the classic members stay in it.
      const kip = member('mig-kip', group, [topic]);
      await waitUntil(() => kjs.holding().length === 2 && rdk.holding().length === 2 && kip.holding().length === 2, 30000, 'a 2/2/2 split across both protocols', holdings);
      const g = broker.cluster.groupCoordinator.consumerGroup(group);
      assert.ok(g, 'the group is a consumer group now');
      assert.deepEqual([...g.members.values()].map((m) => `${m.clientId}:${m.useClassicProtocol() ? 'classic' : 'consumer'}`).sort(), ['mig-kip:consumer', 'mig-kjs:classic', 'mig-rdk:classic']);
      await produceValues(producer, topic, 6, range(300, 600));
      await waitUntil(() => all().length >= 600 && committedToEnd(broker.cluster, group, 6), 30000, '600 read and committed', holdings);
      assert.ok(kip.messages.length > 0, 'the new member read its share');

      // It leaves: only classic members are left, and the group goes back to the classic protocol.
      await kip.close();
      await waitUntil(() => broker.cluster.groupCoordinator.classicGroup(group)?.is('Stable') && kjs.holding().length === 3 && rdk.holding().length === 3, 30000, 'a classic group again, 3/3', holdings);
      await produceValues(producer, topic, 6, range(600, 900));
      await waitUntil(() => all().length >= 900 && committedToEnd(broker.cluster, group, 6), 30000, '900 read and committed', holdings);
      assert.deepEqual(exactlyOnce(all(), 900), { missing: [], duplicated: [] });
      assert.deepEqual(violations, []);
      const triggers = history(broker.cluster, group).map((r) => r.trigger);
      assert.deepEqual(triggers.slice(-2), ['protocol upgrade', 'protocol downgrade']);
    } finally {
      clearInterval(sampler);
      await kjs.stop();
    }
  });
});
