/**
 * Consumer-group offsets with real clients: committed offsets survive a broker restart and consumers resume exactly
 * there; resets through the broker's own API (cluster.groups: earliest, an offset, a shift, a timestamp) are refused
 * with NON_EMPTY_GROUP while the group has members and consumers re-read from the new positions afterwards; kafkajs'
 * admin setOffsets/resetOffsets and a librdkafka commit from outside the group (generation -1); and, with synchronous
 * commits and no deaths, every one of 20,000 messages is consumed exactly once by three librdkafka consumers that
 * join one after another while the group is reading.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { Kafka, Producer, Admin } from 'kafkajs';
import { startTestBroker, TestBroker } from '../support/broker';
import { rm } from '../support/tmp';
import { KafkaError } from '../../src/broker/errors';
import { haveConfluentKafka, run, PYTHON } from './helpers';
import {
  FAST_GROUPS,
  KjsMember,
  PyMember,
  ConsumedMessage,
  kafkaClient,
  connectedProducer,
  produceValues,
  waitStable,
  waitUntil,
  history,
  describeState,
  assertJournalWellFormed,
  exactlyOnce,
  sleep,
  committedToEnd,
} from './groups-helpers';

const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => String(from + i));
const PY_COMMIT = path.join(__dirname, '..', '..', '..', 'test', 'compat', 'py', 'groups_commit.py');

/** The first offset read and the number of messages read, per partition. */
function readFrom(messages: ConsumedMessage[]): Record<number, { first: number; count: number }> {
  const out: Record<number, { first: number; count: number }> = {};
  for (const m of messages) {
    const r = (out[m.partition] ??= { first: m.offset, count: 0 });
    r.first = Math.min(r.first, m.offset);
    r.count++;
  }
  return out;
}

/** Every partition's offsets read in order with no gap and no repeat. */
function assertContiguous(messages: ConsumedMessage[], what: string): void {
  const last = new Map<number, number>();
  for (const m of messages) {
    const prev = last.get(m.partition);
    if (prev !== undefined) assert.equal(m.offset, prev + 1, `${what}: partition ${m.partition} read ${m.offset} after ${prev}`);
    last.set(m.partition, m.offset);
  }
}

describe('compat: consumer groups — offsets (restart, resets, exactly once)', function () {
  this.timeout(30000);
  let broker: TestBroker;
  let kafka: Kafka;
  let producer: Producer;
  let admin: Admin;
  const kjs: KjsMember[] = [];
  const py: PyMember[] = [];
  const extraBrokers: TestBroker[] = [];

  before(async () => {
    broker = await startTestBroker({ config: FAST_GROUPS });
    kafka = kafkaClient(broker.bootstrap, 'groups-offsets');
    producer = await connectedProducer(kafka);
    admin = kafka.admin();
    await admin.connect();
  });

  afterEach(async () => {
    await Promise.all(kjs.splice(0).map((m) => m.stop().catch(() => {})));
    await Promise.all(py.splice(0).map((m) => m.kill()));
    for (const b of extraBrokers.splice(0)) await b.stop().catch(() => {});
  });

  after(async () => {
    await producer?.disconnect();
    await admin?.disconnect();
    await broker?.stop();
  });

  const pyMember = (b: TestBroker, name: string, groupId: string, topics: string[], spec: { config?: Record<string, string | number>; commitOnRevoke?: boolean; batch?: number; processMs?: number } = {}) => {
    const m = new PyMember(name, b.bootstrap, { topics, config: { 'group.id': groupId, 'session.timeout.ms': 2000, 'heartbeat.interval.ms': 300, ...spec.config }, commitOnRevoke: spec.commitOnRevoke, batch: spec.batch, processMs: spec.processMs });
    py.push(m);
    return m;
  };
  const kjsMember = (b: TestBroker, name: string, groupId: string) => {
    const m = new KjsMember(name, kafkaClient(b.bootstrap, name), { groupId, sessionTimeout: 2000, heartbeatInterval: 300 });
    kjs.push(m);
    return m;
  };
  const stopKjs = async (m: KjsMember) => {
    await m.stop();
    kjs.splice(kjs.indexOf(m), 1);
  };

  it('committed offsets survive a broker restart; consumers resume exactly there (nothing re-read, nothing skipped)', async function () {
    if (!haveConfluentKafka()) this.skip();
    const first = await startTestBroker({ config: FAST_GROUPS });
    extraBrokers.push(first);
    const dataDir = first.dataDir;
    const topic = 'persist';
    first.cluster.createTopic(topic, 3, 1);
    const p1 = await connectedProducer(kafkaClient(first.bootstrap, 'persist-producer'));
    await produceValues(p1, topic, 3, range(300));
    await p1.disconnect();

    // librdkafka (two members, synchronous commits) and kafkajs (auto commit) groups read everything.
    const rdk = [pyMember(first, 'persist-rdk-1', 'persist-rdk', [topic]), pyMember(first, 'persist-rdk-2', 'persist-rdk', [topic])];
    const kj = kjsMember(first, 'persist-kjs-1', 'persist-kjs');
    await kj.start([topic]);
    await waitUntil(() => rdk[0].messages.length + rdk[1].messages.length >= 300 && kj.messages.length >= 300, 15000, 'both groups to read 300 messages');
    for (const g of ['persist-rdk', 'persist-kjs']) {
      await waitUntil(() => committedToEnd(first.cluster, g, 3), 5000, `${g} to commit 100 everywhere`, () => describeState(first.cluster, g));
    }
    await waitStable(first.cluster, 'persist-rdk', 2);
    const generation = first.cluster.groups.describeGroup('persist-rdk').generation;

    // The broker goes down under its live consumers, which then die too.
    extraBrokers.splice(extraBrokers.indexOf(first), 1);
    await first.stop(true);
    await Promise.all(py.splice(0).map((m) => m.kill()));
    await stopKjs(kj).catch(() => {});

    const second = await startTestBroker({ config: FAST_GROUPS, dataDir });
    extraBrokers.push(second);
    try {
      for (const g of ['persist-rdk', 'persist-kjs']) {
        assert.deepEqual(second.cluster.groupCoordinator.fetchOffsets(g, null).map((o) => [o.topic, o.partition, o.offset]), [[topic, 0, 100], [topic, 1, 100], [topic, 2, 100]], `${g} after the restart`);
      }
      // The librdkafka group comes back with its generation and its (now stale) members, as after a failover.
      const loaded = second.cluster.groups.describeGroup('persist-rdk');
      assert.equal(loaded.generation, generation);
      assert.equal(loaded.state, 'Stable');
      assert.deepEqual(loaded.members.map((m) => m.clientId).sort(), ['persist-rdk-1', 'persist-rdk-2']);

      const p2 = await connectedProducer(kafkaClient(second.bootstrap, 'persist-producer-2'));
      await produceValues(p2, topic, 3, range(60, 300));
      await p2.disconnect();
      const rdkAgain = pyMember(second, 'persist-rdk-3', 'persist-rdk', [topic]);
      const kjAgain = kjsMember(second, 'persist-kjs-2', 'persist-kjs');
      await kjAgain.start([topic]);
      await waitUntil(() => rdkAgain.messages.length >= 60 && kjAgain.messages.length >= 60, 15000, 'both groups to read the 60 new messages', () => rdkAgain.describe() + describeState(second.cluster, 'persist-rdk'));
      await sleep(500);
      for (const [name, msgs] of [['librdkafka', rdkAgain.messages], ['kafkajs', kjAgain.messages]] as const) {
        assert.equal(msgs.length, 60, `${name} read ${msgs.length} messages`);
        assert.deepEqual(msgs.map((m) => Number(m.value)).sort((a, b) => a - b), range(60, 300).map(Number), `${name}: exactly the new messages`);
        assert.deepEqual(readFrom(msgs), { 0: { first: 100, count: 20 }, 1: { first: 100, count: 20 }, 2: { first: 100, count: 20 } }, name);
        assertContiguous(msgs, name);
      }
      // The stale members expired (session timeout) during the newcomer's rebalance, in a later generation.
      await waitStable(second.cluster, 'persist-rdk', 1);
      const h = history(second.cluster, 'persist-rdk');
      assertJournalWellFormed(h);
      assert.equal(h[0].fromGeneration, generation);
      assert.equal(h[0].trigger, 'member joined');
      assert.deepEqual(h.flatMap((r) => r.removed.map((x) => [x.clientId, x.why])).sort(), [['persist-rdk-1', 'session timeout'], ['persist-rdk-2', 'session timeout']]);
      assert.deepEqual(h[h.length - 1].after!.map((m) => m.clientId), ['persist-rdk-3']);
    } finally {
      await Promise.all(kjs.splice(0).map((m) => m.stop().catch(() => {})));
      await Promise.all(py.splice(0).map((m) => m.kill()));
      extraBrokers.splice(extraBrokers.indexOf(second), 1);
      await second.stop(true);
      rm(dataDir);
    }
  });

  it('cluster.groups.resetOffsets: refused with NON_EMPTY_GROUP while members are active; earliest, offset, shift and timestamp resets are read from', async () => {
    const topic = 'reset-t';
    const group = 'reset-group';
    broker.cluster.createTopic(topic, 2, 1);
    const t0 = Date.now() - 3_600_000;
    // Offset k of each partition has timestamp t0 + k s.
    await produceValues(producer, topic, 2, range(40), (i) => t0 + Math.floor(i / 2) * 1000);
    const consume = async (expect: number) => {
      const m = kjsMember(broker, 'resetter', group);
      await m.start([topic]);
      await waitUntil(() => m.messages.length >= expect && committedToEnd(broker.cluster, group, 2), 10000, `${expect} messages and commits to the end`, () => `${m.messages.length}\n${describeState(broker.cluster, group)}`);
      await sleep(200);
      return m;
    };

    const m1 = await consume(40);
    assert.equal(m1.messages.length, 40);
    const groups = broker.cluster.groups;
    for (const to of [{ kind: 'earliest' } as const, { kind: 'offset', offset: 3 } as const, { kind: 'shift', by: -1 } as const]) {
      await assert.rejects(
        groups.resetOffsets(group, topic, to),
        (e: unknown) => e instanceof KafkaError && e.errorName === 'NON_EMPTY_GROUP' && e.message === `Assignments can only be reset if the group '${group}' is inactive, but the current state is Stable.`,
      );
    }
    assert.deepEqual(broker.cluster.groupCoordinator.fetchOffsets(group, null).map((o) => o.offset), [20, 20], 'nothing was reset');
    await stopKjs(m1);
    await waitUntil(() => broker.cluster.groupCoordinator.group(group)?.is('Empty'), 5000, 'the group to be empty');

    // A dry run changes nothing; targets are clamped to the log.
    assert.deepEqual(groups.planReset(group, topic, { kind: 'shift', by: -100 }), [{ topic, partition: 0, current: 20, target: 0 }, { topic, partition: 1, current: 20, target: 0 }]);
    assert.deepEqual(groups.planReset(group, topic, { kind: 'offset', offset: 99 }).map((r) => r.target), [20, 20]);
    assert.deepEqual(groups.planReset(group, topic, { kind: 'latest' }).map((r) => r.target), [20, 20]);
    assert.deepEqual(broker.cluster.groupCoordinator.fetchOffsets(group, null).map((o) => o.offset), [20, 20]);

    const cases: Array<{ to: Parameters<typeof groups.resetOffsets>[2]; partitions?: number[]; target: number[] }> = [
      { to: { kind: 'earliest' }, target: [0, 0] },
      { to: { kind: 'offset', offset: 15 }, target: [15, 15] },
      { to: { kind: 'shift', by: -3 }, target: [17, 17] },
      { to: { kind: 'timestamp', timestamp: t0 + 12_000 }, target: [12, 12] },
      { to: { kind: 'timestamp', timestamp: t0 + 11_500 }, target: [12, 12] },
      { to: { kind: 'offset', offset: 4 }, partitions: [1], target: [20, 4] },
    ];
    for (const c of cases) {
      const plan = await groups.resetOffsets(group, topic, c.to, c.partitions);
      assert.deepEqual(plan.map((r) => r.target), c.partitions ? [c.target[1]] : c.target, JSON.stringify(c.to));
      assert.deepEqual(broker.cluster.groupCoordinator.fetchOffsets(group, null).map((o) => o.offset), c.target, JSON.stringify(c.to));
      const expect = (20 - c.target[0]) + (20 - c.target[1]);
      const m = await consume(expect);
      const got = readFrom(m.messages);
      assert.equal(m.messages.length, expect, `${JSON.stringify(c.to)}: read ${m.messages.length}`);
      for (const p of [0, 1]) if (c.target[p] < 20) assert.deepEqual(got[p], { first: c.target[p], count: 20 - c.target[p] }, `${JSON.stringify(c.to)} partition ${p}`);
      assertContiguous(m.messages, JSON.stringify(c.to));
      await stopKjs(m);
      await waitUntil(() => broker.cluster.groupCoordinator.group(group)?.is('Empty'), 5000, 'the group to be empty');
    }
    assertJournalWellFormed(history(broker.cluster, group));
  });

  it('kafkajs admin.setOffsets / resetOffsets: refused while the group runs; afterwards consumers (kafkajs and librdkafka) read from there', async function () {
    const topic = 'kjs-reset';
    const group = 'kjs-reset-group';
    broker.cluster.createTopic(topic, 2, 1);
    await produceValues(producer, topic, 2, range(40));
    const m1 = kjsMember(broker, 'kjs-resetter', group);
    await m1.start([topic]);
    await waitUntil(() => committedToEnd(broker.cluster, group, 2), 10000, 'commits to the end');

    await assert.rejects(admin.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: '5' }] }), /The consumer group must have no running instances, current state: Stable/);
    await stopKjs(m1);
    await waitUntil(() => broker.cluster.groupCoordinator.group(group)?.is('Empty'), 5000, 'the group to be empty');

    // kafkajs' setOffsets joins the group itself and commits with its generation (not -1), then leaves. (It takes
    // kafkajs' default maxWaitTime, 5 s, to notice its paused consumer fetched: a client-side wait.)
    const journalBefore = history(broker.cluster, group).length;
    await admin.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: '5' }, { partition: 1, offset: '7' }] });
    assert.deepEqual(broker.cluster.groupCoordinator.fetchOffsets(group, null).map((o) => o.offset), [5, 7]);
    const adminRebalances = history(broker.cluster, group).slice(journalBefore);
    assert.deepEqual(adminRebalances.map((r) => r.trigger), ['member joined', 'member left'], 'kafkajs admin joined the group to commit');
    await waitUntil(() => broker.cluster.groupCoordinator.group(group)?.is('Empty'), 5000, 'the group to be empty');

    const m2 = kjsMember(broker, 'kjs-reread', group);
    await m2.start([topic]);
    await waitUntil(() => m2.messages.length >= 28, 10000, '28 messages');
    await sleep(200);
    assert.deepEqual(readFrom(m2.messages), { 0: { first: 5, count: 15 }, 1: { first: 7, count: 13 } });
    await stopKjs(m2);
    await waitUntil(() => broker.cluster.groupCoordinator.group(group)?.is('Empty'), 5000, 'the group to be empty');

    // resetOffsets({ earliest: true }) commits the logical offset -2 (EARLIEST), which consumers resolve themselves.
    await admin.resetOffsets({ groupId: group, topic, earliest: true });
    assert.deepEqual(broker.cluster.groupCoordinator.fetchOffsets(group, null).map((o) => o.offset), [-2, -2]);
    assert.deepEqual(broker.cluster.groups.describeGroup(group).offsets.map((o) => o.committed), [null, null], 'a logical offset is no position: no lag shown');
    await waitUntil(() => broker.cluster.groupCoordinator.group(group)?.is('Empty'), 5000, 'the group to be empty');
    if (!haveConfluentKafka()) this.skip();
    const rdk = pyMember(broker, 'rdk-reread', group, [topic], { config: { 'auto.offset.reset': 'latest' } });
    await rdk.waitFor((m) => m.messages.length >= 40, 15000, 'librdkafka to read all 40 from the beginning');
    await sleep(200);
    assert.deepEqual(readFrom(rdk.messages), { 0: { first: 0, count: 20 }, 1: { first: 0, count: 20 } });
    await rdk.close();
    py.splice(py.indexOf(rdk), 1);
    await waitUntil(() => broker.cluster.groupCoordinator.group(group)?.is('Empty'), 5000, 'the group to be empty');
    assert.deepEqual(broker.cluster.groupCoordinator.fetchOffsets(group, null).map((o) => o.offset), [20, 20]);

    // A librdkafka consumer outside the group commits with generation -1: accepted for the empty group, refused
    // (UNKNOWN_MEMBER_ID, as Kafka does) while the group has members.
    const commitOutside = async (offsets: Array<[string, number, number]>) => {
      const r = await run(PYTHON, [PY_COMMIT, broker.bootstrap, JSON.stringify({ group, offsets })], { timeoutMs: 20000 });
      const lines = r.stdout.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as { results?: Array<[string, number, number, string | null]>; error?: string; done?: boolean });
      assert.ok(lines.some((l) => l.done), `groups_commit.py: ${r.stdout}\n${r.stderr}`);
      return lines[0];
    };
    assert.deepEqual(await commitOutside([[topic, 0, 11], [topic, 1, 12]]), { results: [[topic, 0, 11, null], [topic, 1, 12, null]] });
    assert.deepEqual(broker.cluster.groupCoordinator.fetchOffsets(group, null).map((o) => o.offset), [11, 12]);
    const m3 = kjsMember(broker, 'kjs-member', group);
    await m3.start([topic]);
    await waitUntil(() => m3.messages.length >= 17, 10000, '17 messages');
    assert.deepEqual(readFrom(m3.messages), { 0: { first: 11, count: 9 }, 1: { first: 12, count: 8 } });
    const refused = await commitOutside([[topic, 0, 1]]);
    assert.ok(refused.error === 'UNKNOWN_MEMBER_ID' || refused.results?.[0][3] === 'UNKNOWN_MEMBER_ID', JSON.stringify(refused));
    assert.notEqual(broker.cluster.groupCoordinator.fetchOffsets(group, [{ topic, partition: 0 }])[0].offset, 1);
  });

  it('synchronous commits, no deaths: 20,000 messages over 6 partitions are consumed exactly once by 3 librdkafka consumers joining one by one', async function () {
    if (!haveConfluentKafka()) this.skip();
    this.timeout(60000);
    const topic = 'eo-six';
    const group = 'eo-group';
    const N = 20000;
    broker.cluster.createTopic(topic, 6, 1);
    await produceValues(producer, topic, 6, range(N));
    const spec = { commitOnRevoke: true, batch: 50, processMs: 10 };
    const members = [pyMember(broker, 'eo-1', group, [topic], spec)];
    const total = () => members.reduce((n, m) => n + m.messages.length, 0);
    await waitUntil(() => total() >= 2000, 15000, 'the first consumer to be under way');
    members.push(pyMember(broker, 'eo-2', group, [topic], spec));
    await waitUntil(() => members[1].messages.length >= 1000, 15000, 'the second consumer to be under way', () => members.map((m) => m.describe()).join('\n'));
    members.push(pyMember(broker, 'eo-3', group, [topic], spec));
    await waitUntil(() => total() >= N, 30000, `${N} messages`, () => `${total()}\n` + members.map((m) => m.describe()).join('\n') + describeState(broker.cluster, group));
    await waitStable(broker.cluster, group, 3);
    await waitUntil(() => committedToEnd(broker.cluster, group, 6), 10000, 'commits to the end');
    await sleep(300);

    const all = members.flatMap((m) => m.messages);
    const { missing, duplicated } = exactlyOnce(all, N);
    assert.deepEqual({ missing: missing.slice(0, 10), duplicated: duplicated.slice(0, 10) }, { missing: [], duplicated: [] }, `${all.length} messages read`);
    assert.equal(all.length, N);
    // Each partition was read 0, 1, 2, ... across the members, in order: each member started where the last commit was.
    const byPartition = new Map<number, number[]>();
    for (const m of members) for (const msg of m.messages) (byPartition.get(msg.partition) ?? byPartition.set(msg.partition, []).get(msg.partition)!).push(msg.offset);
    for (const [p, offsets] of byPartition) {
      offsets.sort((a, b) => a - b);
      assert.ok(offsets.every((o, i) => o === i), `partition ${p}`);
    }
    assert.ok(members.every((m) => m.count('commit_error') === 0), members.map((m) => m.describe()).join('\n'));
    assert.ok(members.every((m) => m.messages.length > 0), `every member read something: ${members.map((m) => m.messages.length)}`);

    const h = history(broker.cluster, group);
    assertJournalWellFormed(h);
    assert.ok(h.length >= 3 && h.every((r) => r.trigger === 'member joined'), JSON.stringify(h.map((r) => r.trigger)));
    assert.deepEqual(h[h.length - 1].after!.map((m) => m.clientId).sort(), ['eo-1', 'eo-2', 'eo-3']);
  });
});
