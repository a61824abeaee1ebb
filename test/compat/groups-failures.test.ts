/**
 * Consumer groups when members fail, with real clients: a librdkafka consumer (python process) and a kafkajs consumer
 * (node process) killed with SIGKILL are expelled after their session timeout; a librdkafka consumer that stops
 * polling past max.poll.interval.ms leaves the group; a kafkajs consumer stuck in eachMessage through a rebalance is
 * dropped after the rebalance timeout; static members (group.instance.id) restart without a rebalance; and
 * cooperative-sticky members move only the partitions that must move, revoking them incrementally. Every one of these
 * rebalances is checked in the broker's rebalance journal (trigger, generations, members before and after, moves).
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { Kafka, Producer } from 'kafkajs';
import { startTestBroker, TestBroker } from '../support/broker';
import { haveConfluentKafka } from './helpers';
import type { RebalanceRecord } from '../../src/broker/coordinator/group/rebalance-journal';
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
  sleep,
} from './groups-helpers';

const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => String(from + i));
const REPO = path.join(__dirname, '..', '..', '..');

/** Partitions named in a journal snapshot, per client id. */
function snapshotHolding(members: RebalanceRecord['before']): Map<string, string[]> {
  return new Map(members.map((m) => [m.clientId, m.partitions.flatMap((tp) => tp.partitions.map((p) => tpKey(tp.topic, p))).sort()]));
}

describe('compat: consumer groups — failures, static members, cooperative rebalancing', function () {
  this.timeout(30000);
  let broker: TestBroker;
  let kafka: Kafka;
  let producer: Producer;
  const kjs: KjsMember[] = [];
  const py: PyMember[] = [];

  before(async () => {
    broker = await startTestBroker({ config: FAST_GROUPS });
    kafka = kafkaClient(broker.bootstrap, 'groups-failures');
    producer = await connectedProducer(kafka);
  });

  afterEach(async () => {
    await Promise.all(kjs.splice(0).map((m) => m.stop().catch(() => {})));
    await Promise.all(py.splice(0).map((m) => m.kill()));
  });

  after(async () => {
    await producer?.disconnect();
    await broker?.stop();
  });

  const pyMember = (name: string, groupId: string, topics: string[], config: Record<string, string | number> = {}, opts: { commitOnRevoke?: boolean } = {}) => {
    const m = new PyMember(name, broker.bootstrap, { topics, config: { 'group.id': groupId, 'session.timeout.ms': 2000, 'heartbeat.interval.ms': 300, ...config }, ...opts });
    py.push(m);
    return m;
  };

  it('a librdkafka consumer killed with SIGKILL is expelled after session.timeout.ms; its partitions move to the others', async function () {
    if (!haveConfluentKafka()) this.skip();
    const topic = 'kill-six';
    const group = 'kill-group';
    broker.cluster.createTopic(topic, 6, 1);
    const [a, b, victim] = ['kill-a', 'kill-b', 'kill-victim'].map((n) => pyMember(n, group, [topic]));
    await waitStable(broker.cluster, group, 3);
    await waitUntil(() => [a, b, victim].every((m) => m.holding().length === 2), 15000, '2/2/2', () => [a, b, victim].map((m) => m.describe()).join('\n'));
    const lost = victim.holding();
    const generation = broker.cluster.groups.describeGroup(group).generation;
    const victimId = broker.cluster.groups.describeGroup(group).members.find((m) => m.clientId === victim.name)!.memberId;

    const killedAt = Date.now();
    await victim.kill();
    await waitUntil(() => a.holding().length === 3 && b.holding().length === 3, 10000, 'the survivors to take over', () => [a, b].map((m) => m.describe()).join('\n') + describeState(broker.cluster, group));
    await waitStable(broker.cluster, group, 2);
    assert.deepEqual([...a.holding(), ...b.holding()].sort(), range(6).map((p) => tpKey(topic, Number(p))).sort());
    assert.deepEqual(brokerAssignment(broker.cluster, group), new Map([[a.name, a.holding()], [b.name, b.holding()]]));

    const h = history(broker.cluster, group);
    assertJournalWellFormed(h);
    const r = h.find((x) => x.fromGeneration === generation)!;
    assert.ok(r, describeState(broker.cluster, group));
    assert.equal(r.trigger, 'session timeout');
    assert.equal(r.triggeredBy, victimId);
    assert.equal(r.toGeneration, generation + 1);
    assert.deepEqual(r.removed, [{ memberId: victimId, clientId: victim.name, why: 'session timeout' }]);
    // Expelled no sooner than the session timeout after its last heartbeat (heartbeats every 300 ms).
    assert.ok(r.startedAt - killedAt >= 2000 - 300 - 50, `expelled ${r.startedAt - killedAt} ms after the kill`);
    assert.ok(r.startedAt - killedAt < 2000 + 1000, `expelled only ${r.startedAt - killedAt} ms after the kill`);
    assert.deepEqual([...snapshotHolding(r.before).keys()].sort(), [a.name, b.name, victim.name].sort());
    assert.deepEqual(snapshotHolding(r.before).get(victim.name), lost);
    assert.deepEqual([...snapshotHolding(r.after!).keys()].sort(), [a.name, b.name].sort());
    // Range assignment may shuffle the survivors' partitions too; the victim's must have gone to them.
    for (const p of lost) {
      const mv = r.moves!.find((x) => tpKey(x.topic, x.partition) === p);
      assert.ok(mv && mv.from?.startsWith(`${victim.name} `) && (mv.to?.startsWith(`${a.name} `) || mv.to?.startsWith(`${b.name} `)), JSON.stringify(r.moves));
    }

    // The survivors read what is produced to all six partitions.
    const before = a.messages.length + b.messages.length;
    await produceValues(producer, topic, 6, range(60));
    await waitUntil(() => a.messages.length + b.messages.length - before >= 60, 10000, '60 messages');
    assert.deepEqual(exactlyOnce([...a.messages, ...b.messages], 60), { missing: [], duplicated: [] });
  });

  it('a kafkajs consumer in a child process killed with SIGKILL is expelled after its session timeout', async () => {
    const topic = 'kjs-kill';
    const group = 'kjs-kill-group';
    broker.cluster.createTopic(topic, 4, 1);
    const survivor = new KjsMember('kjs-survivor', kafkaClient(broker.bootstrap, 'kjs-survivor'), { groupId: group, sessionTimeout: 2000, heartbeatInterval: 300 });
    kjs.push(survivor);
    await survivor.start([topic]);
    await waitStable(broker.cluster, group, 1);
    const script = `
      const { Kafka, logLevel } = require('kafkajs');
      const [bootstrap, groupId, topic, name] = process.argv.slice(1);
      const kafka = new Kafka({ clientId: name, brokers: bootstrap.split(','), logLevel: logLevel.NOTHING });
      const c = kafka.consumer({ groupId, sessionTimeout: 2000, heartbeatInterval: 300, maxWaitTimeInMs: 100 });
      c.on(c.events.GROUP_JOIN, (e) => console.log(JSON.stringify(e.payload.memberAssignment)));
      (async () => {
        await c.connect();
        await c.subscribe({ topics: [topic], fromBeginning: true });
        await c.run({ eachMessage: async () => {} });
      })().catch((e) => { console.error(e); process.exit(1); });`;
    const child = spawn(process.execPath, ['-e', script, broker.bootstrap, group, topic, 'kjs-child'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise((r) => child.on('close', r));
    let childOut = '';
    child.stdout.on('data', (d: Buffer) => (childOut += d.toString()));
    child.stderr.on('data', (d: Buffer) => (childOut += d.toString()));
    try {
      await waitStable(broker.cluster, group, 2);
      await waitUntil(() => survivor.holding().length === 2 && childOut.includes(topic), 10000, 'a 2/2 split', () => childOut + describeState(broker.cluster, group));
      const generation = broker.cluster.groups.describeGroup(group).generation;
      const killedAt = Date.now();
      child.kill('SIGKILL');
      await exited;
      await waitUntil(() => survivor.holding().length === 4, 10000, 'the survivor to take all four partitions', () => describeState(broker.cluster, group));
      const r = history(broker.cluster, group).find((x) => x.fromGeneration === generation)!;
      assert.equal(r.trigger, 'session timeout');
      assert.deepEqual(r.removed.map((x) => [x.clientId, x.why]), [['kjs-child', 'session timeout']]);
      assert.ok(r.startedAt - killedAt >= 2000 - 300 - 50 && r.startedAt - killedAt < 3000, `expelled ${r.startedAt - killedAt} ms after the kill`);
      assert.deepEqual(r.after!.map((x) => x.clientId), ['kjs-survivor']);
      assertJournalWellFormed(history(broker.cluster, group));
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('a librdkafka consumer that stops polling past max.poll.interval.ms leaves the group; the other takes over; it rejoins when it polls again', async function () {
    if (!haveConfluentKafka()) this.skip();
    const topic = 'poll-four';
    const group = 'poll-group';
    broker.cluster.createTopic(topic, 4, 1);
    const config = { 'max.poll.interval.ms': 2000 };
    const [worker, sleeper] = ['poll-worker', 'poll-sleeper'].map((n) => pyMember(n, group, [topic], config));
    await waitStable(broker.cluster, group, 2);
    await waitUntil(() => worker.holding().length === 2 && sleeper.holding().length === 2, 15000, 'a 2/2 split', () => [worker, sleeper].map((m) => m.describe()).join('\n'));
    const d = broker.cluster.groups.describeGroup(group);
    assert.deepEqual(d.members.map((m) => m.rebalanceTimeoutMs), [2000, 2000], 'librdkafka sends max.poll.interval.ms as the rebalance timeout');
    const generation = d.generation;
    const sleeperId = d.members.find((m) => m.clientId === sleeper.name)!.memberId;

    sleeper.send('stall');
    const stalledAt = Date.now();
    await waitUntil(() => worker.holding().length === 4, 10000, 'the worker to take all four partitions', () => [worker, sleeper].map((m) => m.describe()).join('\n') + describeState(broker.cluster, group));
    await waitStable(broker.cluster, group, 1);
    const r = history(broker.cluster, group).find((x) => x.fromGeneration === generation)!;
    // librdkafka notices itself that the application stopped polling and sends LeaveGroup: the broker sees a member
    // leaving, not a session timeout (its background thread kept heartbeating).
    assert.equal(r.trigger, 'member left', describeState(broker.cluster, group));
    assert.equal(r.triggeredBy, sleeperId);
    assert.deepEqual(r.removed.map((x) => [x.clientId, x.why]), [[sleeper.name, 'member left']]);
    assert.ok(r.startedAt - stalledAt >= 2000 - 100, `left ${r.startedAt - stalledAt} ms after it stopped polling`);
    assert.deepEqual(r.after!.map((x) => x.clientId), [worker.name]);

    const base = worker.messages.length;
    await produceValues(producer, topic, 4, range(40));
    await waitUntil(() => worker.messages.length - base >= 40, 10000, 'the worker to read 40 messages');
    assert.equal(sleeper.messages.length, 0);

    // Polling again: librdkafka reports the error to the application and joins again as a new member.
    sleeper.send('resume');
    await waitUntil(() => sleeper.holding().length === 2 && worker.holding().length === 2, 15000, 'the sleeper to rejoin', () => [worker, sleeper].map((m) => m.describe()).join('\n') + describeState(broker.cluster, group));
    assert.ok(sleeper.events.some((e) => e.ev === 'error' && e.error === '_MAX_POLL_EXCEEDED'), sleeper.describe());
    await waitStable(broker.cluster, group, 2);
    const h = history(broker.cluster, group);
    assertJournalWellFormed(h);
    const rejoin = h[h.length - 1];
    assert.equal(rejoin.trigger, 'member joined');
    assert.notEqual(rejoin.triggeredBy, sleeperId, 'it rejoined with a new member id');
    assert.deepEqual(rejoin.after!.map((x) => x.clientId).sort(), [sleeper.name, worker.name].sort());
  });

  it('a kafkajs consumer stuck in eachMessage through a rebalance is removed after the rebalance timeout, and rejoins later', async () => {
    const topic = 'stuck-two';
    const group = 'stuck-group';
    broker.cluster.createTopic(topic, 2, 1);
    await produceValues(producer, topic, 2, range(2));
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const config = { groupId: group, sessionTimeout: 20000, rebalanceTimeout: 2000, heartbeatInterval: 300 };
    const stuck = new KjsMember('stuck', kafkaClient(broker.bootstrap, 'stuck'), config);
    const other = new KjsMember('other', kafkaClient(broker.bootstrap, 'other'), config);
    const late = new KjsMember('late', kafkaClient(broker.bootstrap, 'late'), config);
    kjs.push(stuck, other, late);
    await stuck.start([topic], { onMessage: () => released });
    await waitUntil(() => stuck.messages.length > 0, 10000, 'the stuck member to start processing');
    await other.start([topic]);
    // The stuck member cannot rejoin: after 2 s the broker completes the rebalance without it.
    await waitUntil(() => history(broker.cluster, group).some((r) => r.removed.some((x) => x.why === 'rebalance timeout')), 10000, 'the stuck member to be removed', () => describeState(broker.cluster, group));
    await waitStable(broker.cluster, group, 1);
    const r = history(broker.cluster, group).find((x) => x.removed.length > 0)!;
    assert.equal(r.trigger, 'member joined');
    assert.deepEqual(r.removed.map((x) => [x.clientId, x.why]), [['stuck', 'rebalance timeout']]);
    assert.ok(r.durationMs! >= 2000 - 50 && r.durationMs! < 4000, `the rebalance took ${r.durationMs} ms`);
    assert.deepEqual(r.after!.map((x) => x.clientId), ['other']);
    assert.deepEqual(brokerAssignment(broker.cluster, group), new Map([['other', [tpKey(topic, 0), tpKey(topic, 1)]]]));

    // Once its handler returns, it finds itself out of the group and joins again; a third member joins too.
    release();
    await late.start([topic]);
    await waitStable(broker.cluster, group, 3, 20000);
    const h = history(broker.cluster, group);
    assertJournalWellFormed(h);
    assert.deepEqual([...brokerAssignment(broker.cluster, group).keys()].sort(), ['late', 'other', 'stuck']);
  });

  it('a static member (group.instance.id) restarted within session.timeout.ms gets its partitions back without a rebalance — follower and leader alike', async function () {
    if (!haveConfluentKafka()) this.skip();
    const topic = 'static-four';
    const group = 'static-group';
    broker.cluster.createTopic(topic, 4, 1);
    const staticMember = (instance: string) => pyMember(instance, group, [topic], { 'group.instance.id': instance, 'session.timeout.ms': 5000 });
    const one = staticMember('static-1');
    await waitStable(broker.cluster, group, 1);
    const two = staticMember('static-2');
    await waitStable(broker.cluster, group, 2);
    await waitUntil(() => one.holding().length === 2 && two.holding().length === 2, 15000, 'a 2/2 split', () => [one, two].map((m) => m.describe()).join('\n'));
    const d0 = broker.cluster.groups.describeGroup(group);
    const leaderInstance = d0.members.find((m) => m.memberId === d0.leader)!.groupInstanceId;
    assert.equal(leaderInstance, 'static-1', 'the first member leads');

    const restart = async (victim: PyMember, how: 'kill' | 'close') => {
      const before = broker.cluster.groups.describeGroup(group);
      const oldId = before.members.find((m) => m.groupInstanceId === victim.name)!.memberId;
      const survivor = py.find((m) => m !== victim && m.count('closed') === 0)!;
      const survivorEvents = survivor.events.filter((e) => e.ev === 'assign' || e.ev === 'revoke').length;
      const journalLength = history(broker.cluster, group).length;
      if (how === 'kill') await victim.kill();
      else await victim.close();
      await sleep(300);
      const again = staticMember(victim.name);
      await again.waitFor((m) => m.holding().length === 2, 10000, 'the restarted member to get its partitions');
      const after = broker.cluster.groups.describeGroup(group);
      const newId = after.members.find((m) => m.groupInstanceId === victim.name)!.memberId;
      assert.notEqual(newId, oldId, 'a new member id');
      assert.equal(after.state, 'Stable');
      assert.equal(after.generation, before.generation, `no new generation (${how} of ${victim.name})\n${describeState(broker.cluster, group)}`);
      const held = before.members.find((m) => m.memberId === oldId)!.assignment.flatMap((tp) => tp.partitions.map((p) => tpKey(tp.topic, p))).sort();
      assert.deepEqual(again.holding(), held, 'the same partitions');
      await sleep(500);
      assert.equal(survivor.events.filter((e) => e.ev === 'assign' || e.ev === 'revoke').length, survivorEvents, `the other member was not disturbed\n${survivor.describe()}`);
      const h = history(broker.cluster, group);
      assert.equal(h.length, journalLength + 1, JSON.stringify(h.slice(journalLength)));
      const r = h[h.length - 1];
      assert.equal(r.trigger, 'static member replaced');
      assert.equal(r.fromGeneration, before.generation);
      assert.equal(r.toGeneration, r.fromGeneration, 'no rebalance');
      assert.equal(r.triggeredBy, newId);
      assert.deepEqual(r.moves, []);
      assert.deepEqual(r.before.map((m) => m.memberId).sort(), [oldId, ...before.members.filter((m) => m.memberId !== oldId).map((m) => m.memberId)].sort());
      assert.ok(r.after!.some((m) => m.memberId === newId && m.groupInstanceId === victim.name));
      return again;
    };

    // A follower killed outright, then the leader closed cleanly (a static member does not send LeaveGroup).
    const two2 = await restart(two, 'kill');
    const one2 = await restart(one, 'close');
    assertJournalWellFormed(history(broker.cluster, group));
    // Both still consume their partitions.
    await produceValues(producer, topic, 4, range(40));
    await waitUntil(() => one2.messages.length + two2.messages.length >= 40, 10000, '40 messages');
    assert.deepEqual(exactlyOnce([...one2.messages, ...two2.messages], 40), { missing: [], duplicated: [] });

    // A static member that does not come back is expelled once its session times out.
    const generation = broker.cluster.groups.describeGroup(group).generation;
    await two2.kill();
    await one2.waitFor((m) => m.holding().length === 4, 10000, 'the remaining member to take all partitions');
    const r = history(broker.cluster, group).find((x) => x.fromGeneration === generation && x.trigger !== 'static member replaced')!;
    assert.equal(r.trigger, 'session timeout');
    assert.deepEqual(r.removed.map((x) => [x.clientId, x.why]), [['static-2', 'session timeout']]);
    assert.equal(r.toGeneration, generation + 1);
  });

  it('cooperative-sticky (librdkafka): a third member takes only the partitions that must move, revoked incrementally', async function () {
    if (!haveConfluentKafka()) this.skip();
    const topic = 'coop-six';
    const group = 'coop-group';
    broker.cluster.createTopic(topic, 6, 1);
    const config = { 'partition.assignment.strategy': 'cooperative-sticky' };
    const a = pyMember('coop-a', group, [topic], config, { commitOnRevoke: true });
    await waitStable(broker.cluster, group, 1);
    await a.waitFor((m) => m.holding().length === 6, 10000, 'all six partitions');
    const b = pyMember('coop-b', group, [topic], config, { commitOnRevoke: true });
    await waitUntil(() => a.holding().length === 3 && b.holding().length === 3, 15000, 'a 3/3 split', () => [a, b].map((m) => m.describe()).join('\n') + describeState(broker.cluster, group));
    await waitStable(broker.cluster, group, 2);
    assert.equal(broker.cluster.groups.describeGroup(group).protocol, 'cooperative-sticky');
    await produceValues(producer, topic, 6, range(120));
    await waitUntil(() => a.messages.length + b.messages.length >= 120, 10000, '120 messages');

    const aBefore = a.holding();
    const bBefore = b.holding();
    const mark = { a: a.events.length, b: b.events.length, journal: history(broker.cluster, group).length };
    const c = pyMember('coop-c', group, [topic], config, { commitOnRevoke: true });
    await waitUntil(() => a.holding().length === 2 && b.holding().length === 2 && c.holding().length === 2, 15000, 'a 2/2/2 split', () => [a, b, c].map((m) => m.describe()).join('\n') + describeState(broker.cluster, group));
    await waitStable(broker.cluster, group, 3);

    // Each old member gave up exactly one partition, in a revoke naming only that partition, and kept the rest.
    for (const [m, before, from] of [[a, aBefore, mark.a], [b, bBefore, mark.b]] as const) {
      const evs = m.events.slice(from).filter((e) => e.ev === 'assign' || e.ev === 'revoke' || e.ev === 'lost');
      const revokes = evs.filter((e) => e.ev === 'revoke');
      assert.equal(revokes.length, 1, `${m.name}: ${JSON.stringify(evs)}`);
      assert.equal(revokes[0].partitions!.length, 1, `${m.name} revoked only what moved: ${JSON.stringify(evs)}`);
      const gone = tpKey(revokes[0].partitions![0][0], revokes[0].partitions![0][1]);
      assert.deepEqual(m.holding(), before.filter((p) => p !== gone), `${m.name} kept the others`);
      assert.ok(!evs.some((e) => e.ev === 'lost'));
      assert.ok(evs.filter((e) => e.ev === 'assign').every((e) => e.partitions!.length === 0), `${m.name} was assigned nothing new: ${JSON.stringify(evs)}`);
    }
    const moved = [...aBefore, ...bBefore].filter((p) => !a.holding().includes(p) && !b.holding().includes(p)).sort();
    assert.deepEqual(c.holding(), moved);

    // The journal: the first rebalance (the newcomer joining) takes the two partitions away, to nobody; a later one
    // (usually the next; a third when a member rejoins before it finished revoking) gives them to the newcomer. No
    // partition ever goes straight from one owner to another, and nothing else moves.
    const h = history(broker.cluster, group).slice(mark.journal);
    const show = JSON.stringify(h.map((r) => [r.trigger, r.fromGeneration, r.toGeneration, r.moves]));
    assertJournalWellFormed(history(broker.cluster, group));
    assert.ok(h.length >= 2 && h.length <= 3, show);
    assert.equal(h[0].trigger, 'member joined');
    assert.equal(h[0].triggeredBy, broker.cluster.groups.describeGroup(group).members.find((m) => m.clientId === 'coop-c')!.memberId);
    assert.deepEqual(h[0].moves!.map((mv) => [tpKey(mv.topic, mv.partition), mv.to]).sort(), moved.map((p) => [p, undefined]), show);
    const moves = h.flatMap((r) => r.moves!);
    assert.ok(moves.every((mv) => mv.from === undefined || mv.to === undefined), `a partition moved between owners in one step: ${show}`);
    assert.deepEqual(moves.filter((mv) => mv.from === undefined).map((mv) => [tpKey(mv.topic, mv.partition), mv.to?.split(' ')[0]]).sort(), moved.map((p) => [p, 'coop-c']), show);
    assert.deepEqual([...new Set(moves.map((mv) => tpKey(mv.topic, mv.partition)))].sort(), moved, show);
    h.slice(1).forEach((r, i) => {
      assert.ok(['leader rejoined', 'subscription or metadata change', 'member joined'].includes(r.trigger), show);
      assert.equal(r.fromGeneration, h[i].toGeneration, show);
    });

    // Nothing is lost or read twice across the cooperative rebalance (they commit as they go and on revoke).
    await produceValues(producer, topic, 6, range(120, 120));
    await waitUntil(() => a.messages.length + b.messages.length + c.messages.length >= 240, 10000, '240 messages');
    await sleep(300);
    assert.deepEqual(exactlyOnce([...a.messages, ...b.messages, ...c.messages], 240), { missing: [], duplicated: [] });
  });
});
