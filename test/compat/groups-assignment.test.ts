/**
 * Consumer groups with real clients, the happy paths: kafkajs 2.2.4 consumers and librdkafka 2.0.2 consumers
 * (confluent-kafka-python, one process each) split topics between them, an extra member sits idle, two groups read
 * one topic independently, kcat -G joins and commits, and kafkajs' admin describes, lists, fetches offsets of and
 * deletes groups. The cluster has three nodes, so groups have different coordinators that the clients must find
 * (FindCoordinator) and use. What each client says it was assigned is checked against the broker's view
 * (describeGroup) and the rebalance journal.
 */
import { strict as assert } from 'node:assert';
import { AssignerProtocol, Kafka, Producer, Admin } from 'kafkajs';
import { startTestBroker, TestBroker } from '../support/broker';
import { haveConfluentKafka, haveKcat, runOk, KCAT } from './helpers';
import {
  FAST_GROUPS,
  KjsMember,
  PyMember,
  kafkaClient,
  connectedProducer,
  produceValues,
  waitStable,
  waitUntil,
  brokerAssignment,
  history,
  describeState,
  assertJournalWellFormed,
  exactlyOnce,
  tpKey,
  committedToEnd,
} from './groups-helpers';

const range = (n: number) => Array.from({ length: n }, (_, i) => String(i));

describe('compat: consumer groups — assignment (kafkajs, librdkafka, kcat) on a three-node cluster', function () {
  this.timeout(30000);
  let broker: TestBroker;
  let kafka: Kafka;
  let producer: Producer;
  let admin: Admin;
  const kjs: KjsMember[] = [];
  const py: PyMember[] = [];

  before(async () => {
    broker = await startTestBroker({ nodes: 3, config: { ...FAST_GROUPS, 'offsets.topic.replication.factor': '3' } });
    kafka = kafkaClient(broker.bootstrap, 'groups-assignment');
    producer = await connectedProducer(kafka);
    admin = kafka.admin();
    await admin.connect();
  });

  afterEach(async () => {
    await Promise.all(kjs.splice(0).map((m) => m.stop().catch(() => {})));
    await Promise.all(py.splice(0).map((m) => m.kill()));
  });

  after(async () => {
    await producer?.disconnect();
    await admin?.disconnect();
    await broker?.stop();
  });

  const kjsMember = (name: string, groupId: string) => {
    const m = new KjsMember(name, kafkaClient(broker.bootstrap, name), { groupId, sessionTimeout: 6000, heartbeatInterval: 500 });
    kjs.push(m);
    return m;
  };
  const pyMember = (name: string, groupId: string, topics: string[], config: Record<string, string | number> = {}) => {
    const m = new PyMember(name, broker.bootstrap, { topics, config: { 'group.id': groupId, 'session.timeout.ms': 6000, 'heartbeat.interval.ms': 500, ...config } });
    py.push(m);
    return m;
  };

  it('three kafkajs consumers split a six-partition topic 2/2/2 and each reads only its own partitions', async () => {
    const topic = 'kjs-six';
    const group = 'kjs-split';
    broker.cluster.createTopic(topic, 6, 1);
    const members = ['kjs-a', 'kjs-b', 'kjs-c'].map((n) => kjsMember(n, group));
    for (let i = 0; i < members.length; i++) {
      await members[i].start([topic]);
      await waitStable(broker.cluster, group, i + 1);
    }
    // Every member's own view (its last GROUP_JOIN) agrees with the broker's and the split is 2/2/2.
    await waitUntil(() => members.every((m) => m.holding().length === 2), 10000, 'every kafkajs consumer to hold 2 partitions', () => describeState(broker.cluster, group));
    const fromBroker = brokerAssignment(broker.cluster, group);
    for (const m of members) assert.deepEqual(m.holding(), fromBroker.get(m.name), `${m.name}: client and broker disagree`);
    const all = members.flatMap((m) => m.holding()).sort();
    assert.deepEqual(all, range(6).map((p) => tpKey(topic, Number(p))).sort(), 'the six partitions, each assigned once');

    await produceValues(producer, topic, 6, range(60));
    await waitUntil(() => members.reduce((n, m) => n + m.messages.length, 0) >= 60, 10000, '60 messages consumed');
    for (const m of members) {
      assert.equal(m.messages.length, 20, `${m.name} read ${m.messages.length} messages`);
      for (const msg of m.messages) assert.ok(m.holding().includes(tpKey(msg.topic, msg.partition)), `${m.name} read ${msg.topic}-${msg.partition}, not its own`);
    }
    assert.deepEqual(exactlyOnce(members.flatMap((m) => m.messages), 60), { missing: [], duplicated: [] });

    // The journal: three joins, generations 1, 2, 3, each with the members before and after.
    const h = history(broker.cluster, group);
    assertJournalWellFormed(h);
    assert.deepEqual(h.map((r) => [r.trigger, r.fromGeneration, r.toGeneration]), [['member joined', 0, 1], ['member joined', 1, 2], ['member joined', 2, 3]]);
    assert.deepEqual(h.map((r) => [r.before.length, r.after!.length]), [[0, 1], [1, 2], [2, 3]]);
    assert.ok(h.every((r) => r.outcome === 'stable'));
    // Round robin is not sticky: whatever moved, the third member's two partitions came from the other two.
    const toC = h[2].moves!.filter((mv) => mv.to?.startsWith('kjs-c '));
    assert.deepEqual(toC.map((mv) => tpKey(mv.topic, mv.partition)).sort(), members[2].holding(), JSON.stringify(h[2].moves));
    assert.ok(toC.every((mv) => mv.from?.startsWith('kjs-a ') || mv.from?.startsWith('kjs-b ')), JSON.stringify(toC));
    assert.deepEqual(h[2].after!.map((x) => x.clientId).sort(), ['kjs-a', 'kjs-b', 'kjs-c']);
    assert.ok(h[2].after!.every((x) => x.partitions.reduce((n, tp) => n + tp.partitions.length, 0) === 2));
  });

  it('a fourth kafkajs consumer on a three-partition topic sits idle', async () => {
    const topic = 'kjs-three';
    const group = 'kjs-idle';
    broker.cluster.createTopic(topic, 3, 1);
    const members = ['idle-a', 'idle-b', 'idle-c', 'idle-d'].map((n) => kjsMember(n, group));
    for (let i = 0; i < members.length; i++) {
      await members[i].start([topic]);
      await waitStable(broker.cluster, group, i + 1);
    }
    await waitUntil(() => members.filter((m) => m.holding().length === 1).length === 3 && members.some((m) => m.joins.length > 0 && m.holding().length === 0), 10000, 'three members with one partition and one without', () => describeState(broker.cluster, group));
    const fromBroker = brokerAssignment(broker.cluster, group);
    for (const m of members) assert.deepEqual(m.holding(), fromBroker.get(m.name), `${m.name}: client and broker disagree`);
    const idle = members.find((m) => m.holding().length === 0)!;
    assert.deepEqual(broker.cluster.groups.describeGroup(group).members.find((m) => m.clientId === idle.name)!.assignment, []);

    await produceValues(producer, topic, 3, range(30));
    await waitUntil(() => members.reduce((n, m) => n + m.messages.length, 0) >= 30, 10000, '30 messages consumed');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(idle.messages.length, 0, 'the idle member read nothing');
    for (const m of members) if (m !== idle) assert.equal(m.messages.length, 10, `${m.name}`);
    assert.deepEqual(exactlyOnce(members.flatMap((m) => m.messages), 30), { missing: [], duplicated: [] });
    assertJournalWellFormed(history(broker.cluster, group));
  });

  it('three librdkafka consumers (separate processes) split a six-partition topic 2/2/2; leaving members are journalled', async function () {
    if (!haveConfluentKafka()) this.skip();
    const topic = 'rdk-six';
    const group = 'rdk-split';
    broker.cluster.createTopic(topic, 6, 1);
    const members = ['rdk-a', 'rdk-b', 'rdk-c'].map((n) => pyMember(n, group, [topic]));
    await waitStable(broker.cluster, group, 3);
    await waitUntil(() => members.every((m) => m.holding().length === 2), 15000, 'every librdkafka consumer to hold 2 partitions', () => members.map((m) => m.describe()).join('\n') + describeState(broker.cluster, group));
    const fromBroker = brokerAssignment(broker.cluster, group);
    for (const m of members) assert.deepEqual(m.holding(), fromBroker.get(m.name), `${m.name}: client and broker disagree`);
    assert.deepEqual(members.flatMap((m) => m.holding()).sort(), range(6).map((p) => tpKey(topic, Number(p))).sort());
    assert.equal(broker.cluster.groups.describeGroup(group).protocol, 'range', 'librdkafka prefers the range assignor');

    await produceValues(producer, topic, 6, range(600));
    await waitUntil(() => members.reduce((n, m) => n + m.messages.length, 0) >= 600, 15000, '600 messages consumed');
    for (const m of members) {
      assert.equal(m.messages.length, 200, `${m.name}`);
      for (const msg of m.messages) assert.ok(m.holding().includes(tpKey(msg.topic, msg.partition)), `${m.name} read ${msg.topic}-${msg.partition}`);
    }
    assert.deepEqual(exactlyOnce(members.flatMap((m) => m.messages), 600), { missing: [], duplicated: [] });
    // They committed synchronously after each batch: the group is at the end of every partition.
    await waitUntil(() => committedToEnd(broker.cluster, group, 6), 5000, 'commits to the end', () => describeState(broker.cluster, group));
    const d = broker.cluster.groups.describeGroup(group);
    assert.equal(d.totalLag, 0);
    assert.ok(members.every((m) => m.count('commit_error') === 0), members.map((m) => m.describe()).join('\n'));

    const genBefore = d.generation;
    for (const m of members) await m.close();
    await waitUntil(() => broker.cluster.groupCoordinator.group(group)?.is('Empty'), 10000, 'the group to be empty', () => describeState(broker.cluster, group));
    const h = history(broker.cluster, group);
    assertJournalWellFormed(h);
    const leaves = h.filter((r) => r.fromGeneration >= genBefore);
    assert.ok(leaves.length >= 1, describeState(broker.cluster, group));
    assert.ok(leaves.every((r) => r.trigger === 'member left'), JSON.stringify(leaves.map((r) => r.trigger)));
    assert.equal(leaves[leaves.length - 1].outcome, 'empty');
    assert.deepEqual(leaves[leaves.length - 1].after, []);
    assert.equal(leaves.flatMap((r) => r.removed).filter((x) => x.why === 'member left').length, 3);
  });

  it('two groups read one topic independently: each gets every message once', async function () {
    if (!haveConfluentKafka()) this.skip();
    const topic = 'shared';
    broker.cluster.createTopic(topic, 4, 1);
    await produceValues(producer, topic, 4, range(400));
    const a = ['ga-1', 'ga-2'].map((n) => kjsMember(n, 'group-a'));
    const b = ['gb-1', 'gb-2'].map((n) => pyMember(n, 'group-b', [topic]));
    await Promise.all(a.map((m) => m.start([topic])));
    const total = (ms: Array<{ messages: unknown[] }>) => ms.reduce((n, m) => n + m.messages.length, 0);
    await waitUntil(() => total(a) >= 400 && total(b) >= 400, 20000, 'both groups to read 400 messages', () => `${total(a)} ${total(b)}\n${describeState(broker.cluster, 'group-a')}\n${describeState(broker.cluster, 'group-b')}`);
    await waitStable(broker.cluster, 'group-a', 2);
    await waitStable(broker.cluster, 'group-b', 2);
    // Fresh messages go to both groups as well.
    await produceValues(producer, topic, 4, range(500).slice(400));
    await waitUntil(() => total(a) >= 500 && total(b) >= 500, 15000, 'both groups to read 500 messages');
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(exactlyOnce(a.flatMap((m) => m.messages), 500), { missing: [], duplicated: [] }, 'group-a (kafkajs)');
    assert.deepEqual(exactlyOnce(b.flatMap((m) => m.messages), 500), { missing: [], duplicated: [] }, 'group-b (librdkafka)');
    // Each group has its own offsets, both at the end.
    await waitUntil(() => committedToEnd(broker.cluster, 'group-a', 4) && committedToEnd(broker.cluster, 'group-b', 4), 5000, 'both groups to commit to the end');
    for (const g of ['group-a', 'group-b']) assert.deepEqual(broker.cluster.groupCoordinator.fetchOffsets(g, null).map((o) => o.offset), [125, 125, 125, 125], g);
    assert.notEqual(broker.cluster.groups.describeGroup('group-a').protocol, broker.cluster.groups.describeGroup('group-b').protocol);
    // On this three-node cluster the two groups have different coordinators: both clients found theirs.
    const coordinators = ['group-a', 'group-b'].map((g) => broker.cluster.groupCoordinator.coordinatorFor(g));
    assert.notEqual(coordinators[0], coordinators[1], `coordinators ${coordinators}`);
  });

  it('group.initial.rebalance.delay.ms: three librdkafka consumers starting together form the group in one rebalance', async function () {
    if (!haveConfluentKafka()) this.skip();
    const delayed = await startTestBroker({ config: { ...FAST_GROUPS, 'group.initial.rebalance.delay.ms': '1500' } });
    const members: PyMember[] = [];
    try {
      const topic = 'delay-six';
      const group = 'delay-group';
      delayed.cluster.createTopic(topic, 6, 1);
      for (const n of ['delay-a', 'delay-b', 'delay-c']) members.push(new PyMember(n, delayed.bootstrap, { topics: [topic], config: { 'group.id': group, 'session.timeout.ms': 6000, 'heartbeat.interval.ms': 500 } }));
      await waitUntil(() => members.every((m) => m.holding().length === 2), 15000, 'a 2/2/2 split', () => members.map((m) => m.describe()).join('\n') + describeState(delayed.cluster, group));
      const h = history(delayed.cluster, group);
      assertJournalWellFormed(h);
      assert.equal(h.length, 1, `one rebalance: ${describeState(delayed.cluster, group)}`);
      assert.deepEqual([h[0].trigger, h[0].fromGeneration, h[0].toGeneration, h[0].before.length, h[0].after!.length], ['member joined', 0, 1, 0, 3]);
      assert.ok(h[0].durationMs! >= 1500, `the first rebalance waited the initial delay: ${h[0].durationMs} ms`);
      for (const m of members) assert.equal(m.count('assign'), 1, `${m.name} was assigned once: ${m.describe()}`);
    } finally {
      await Promise.all(members.map((m) => m.kill()));
      await delayed.stop();
    }
  });

  it('kafkajs admin: describeGroups, listGroups, fetchOffsets; deleteGroups refused with NON_EMPTY_GROUP while active, works when empty', async () => {
    const topic = 'admin-t';
    const group = 'admin-group';
    broker.cluster.createTopic(topic, 2, 1);
    await produceValues(producer, topic, 2, range(20));
    const m = kjsMember('admin-member', group);
    await m.start([topic]);
    await waitUntil(() => m.messages.length >= 20, 10000, '20 messages');
    await waitUntil(() => committedToEnd(broker.cluster, group, 2), 5000, 'commits to the end');

    const { groups } = await admin.describeGroups([group, 'no-such-group']);
    const g = groups.find((x) => x.groupId === group)!;
    assert.equal(g.state, 'Stable');
    assert.equal(g.protocolType, 'consumer');
    assert.equal(g.protocol, 'RoundRobinAssigner');
    assert.equal(g.members.length, 1);
    assert.equal(g.members[0].clientId, 'admin-member');
    assert.equal(g.members[0].memberId, m.memberId);
    assert.match(g.members[0].clientHost, /^\/127\.0\.0\.1$/);
    const assignment = AssignerProtocol.MemberAssignment.decode(g.members[0].memberAssignment)!;
    assert.deepEqual(assignment.assignment, { [topic]: [0, 1] });
    const meta = AssignerProtocol.MemberMetadata.decode(g.members[0].memberMetadata)!;
    assert.deepEqual(meta.topics, [topic]);
    assert.equal(groups.find((x) => x.groupId === 'no-such-group')!.state, 'Dead');

    const listed = await admin.listGroups();
    assert.deepEqual(listed.groups.find((x) => x.groupId === group), { groupId: group, protocolType: 'consumer' });

    const offsets = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    assert.deepEqual(offsets, [{ topic, partitions: [{ partition: 0, offset: '10', metadata: null }, { partition: 1, offset: '10', metadata: null }] }]);

    const refused = await admin.deleteGroups([group]).then(
      () => assert.fail('deleteGroups of an active group succeeded'),
      (e: Error & { groups?: Array<{ groupId: string; error?: { type?: string } }> }) => e,
    );
    assert.equal(refused.name, 'KafkaJSDeleteGroupsError');
    assert.equal(refused.groups?.[0].error?.type, 'NON_EMPTY_GROUP');
    assert.ok(broker.cluster.groupCoordinator.group(group), 'still there');

    await m.stop();
    kjs.splice(kjs.indexOf(m), 1);
    await waitUntil(() => broker.cluster.groupCoordinator.group(group)?.is('Empty'), 5000, 'the group to be empty');
    const deleted = await admin.deleteGroups([group]);
    assert.deepEqual(deleted.map((x) => ({ groupId: x.groupId, errorCode: x.errorCode })), [{ groupId: group, errorCode: 0 }]);
    assert.equal(broker.cluster.groupCoordinator.group(group), undefined);
    assert.equal((await admin.describeGroups([group])).groups[0].state, 'Dead');
    assert.deepEqual(await admin.fetchOffsets({ groupId: group, topics: [topic] }), [{ topic, partitions: [{ partition: 0, offset: '-1', metadata: null }, { partition: 1, offset: '-1', metadata: null }] }]);
    assert.equal((await admin.listGroups()).groups.find((x) => x.groupId === group), undefined);
  });

  it('kcat -G joins the group, reads to the end and commits; the next run resumes where it stopped', async function () {
    if (!haveKcat()) this.skip();
    const topic = 'kcat-t';
    const group = 'kcat-group';
    broker.cluster.createTopic(topic, 3, 1);
    await produceValues(producer, topic, 3, range(30));
    const kcat = () => runOk(KCAT, ['-b', broker.bootstrap, '-G', group, '-X', 'auto.offset.reset=earliest', '-X', 'session.timeout.ms=6000', '-e', '-q', '-f', '%p %o %s\n', topic], { timeoutMs: 20000 });
    const lines = (s: string) => s.split('\n').filter((l) => l.trim() !== '');

    const first = lines(await kcat());
    assert.equal(first.length, 30, first.join('\n'));
    assert.deepEqual(exactlyOnce(first.map((l) => ({ value: l.split(' ')[2] })), 30), { missing: [], duplicated: [] });
    assert.deepEqual(broker.cluster.groupCoordinator.fetchOffsets(group, null).map((o) => [o.partition, o.offset]), [[0, 10], [1, 10], [2, 10]]);
    assert.ok(broker.cluster.groupCoordinator.group(group)!.is('Empty'), 'kcat left the group');

    assert.deepEqual(lines(await kcat()), [], 'nothing new');
    await produceValues(producer, topic, 3, range(36).slice(30));
    const third = lines(await kcat());
    assert.deepEqual(third.map((l) => l.split(' ')[2]).sort(), ['30', '31', '32', '33', '34', '35']);
    assert.deepEqual(third.map((l) => l.split(' ').slice(0, 2).join('-')).sort(), ['0-10', '0-11', '1-10', '1-11', '2-10', '2-11'], 'resumed at the committed offsets');

    const h = history(broker.cluster, group);
    assertJournalWellFormed(h);
    assert.deepEqual(h.map((r) => r.trigger), ['member joined', 'member left', 'member joined', 'member left', 'member joined', 'member left']);
    assert.ok(h.every((r, i) => r.toGeneration === i + 1), JSON.stringify(h.map((r) => [r.fromGeneration, r.toGeneration])));
  });
});
