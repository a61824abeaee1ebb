// The consumer group protocol (KIP-848) in the group coordinator: heartbeats, epochs, reconciliation, timers, static
// members, patterns, records and their replay, offsets, with a manual clock and an in-memory __consumer_offsets.
import { strict as assert } from 'node:assert';
import { GroupCoordinator, DEFAULT_GROUP_CONFIG, DEFAULT_CONSUMER_GROUP_CONFIG } from '../../../src/broker/coordinator/group/group-coordinator';
import type { ConsumerGroupHeartbeatParams, ConsumerGroupHeartbeatResult } from '../../../src/broker/coordinator/group/consumer-group-manager';
import { decodeOffsetsTopicRecord } from '../../../src/broker/coordinator/group/offsets-records';
import { SERVER_ASSIGNORS } from '../../../src/broker/coordinator/group/server-assignors';
import { ErrorCode } from '../../../src/broker/errors';
import { MemoryStore, Topics, heartbeatParams } from '../../support/group-fixtures';
import { ManualClock } from '../../support/manual-clock';

type Owned = Array<{ topicId: string; partitions: number[] }>;

const params = heartbeatParams;

/** A heartbeat of a member already in: only what changed is sent (the fields are null), as clients do. */
function beat(memberId: string, memberEpoch: number, owned: Owned | null, over: Partial<ConsumerGroupHeartbeatParams> = {}): ConsumerGroupHeartbeatParams {
  return params({ memberId, memberEpoch, rebalanceTimeoutMs: -1, subscribedTopicNames: null, topicPartitions: owned, ...over });
}

const count = (a: Owned | null) => (a ?? []).reduce((n, t) => n + t.partitions.length, 0);

describe('Consumer group protocol (KIP-848)', () => {
  let store: MemoryStore;
  let clock: ManualClock;
  let topics: Topics;
  let gc: GroupCoordinator;
  let t: string;
  const make = () => new GroupCoordinator(store, { ...DEFAULT_GROUP_CONFIG, groupInitialRebalanceDelayMs: 0 }, { clock, topics });
  const hb = async (p: ConsumerGroupHeartbeatParams): Promise<ConsumerGroupHeartbeatResult> => gc.consumerGroupHeartbeat(p);
  const ok = async (p: ConsumerGroupHeartbeatParams) => {
    const r = await hb(p);
    assert.equal(r.errorCode, ErrorCode.NONE, r.errorMessage ?? '');
    return r;
  };
  /** Every partition of the group is owned (assigned or being revoked) by at most one member. */
  const assertNoPartitionTwice = () => {
    const g = gc.consumerGroup('g')!;
    const seen = new Set<string>();
    for (const m of g.members.values()) {
      for (const a of [m.assignedPartitions, m.partitionsPendingRevocation]) {
        for (const [topic, ps] of a) {
          for (const p of ps) {
            assert.ok(!seen.has(`${topic}:${p}`), `partition ${p} owned twice`);
            seen.add(`${topic}:${p}`);
          }
        }
      }
    }
  };

  beforeEach(() => {
    store = new MemoryStore();
    clock = new ManualClock();
    topics = new Topics();
    t = topics.add('t', 6);
    gc = make();
  });
  afterEach(() => gc.shutdown());

  it('a first member joins with epoch 0 and gets every partition at group epoch 1', async () => {
    const r = await ok(params({}));
    assert.equal(r.memberId, 'm1');
    assert.equal(r.memberEpoch, 1);
    assert.equal(r.heartbeatIntervalMs, 5000);
    assert.deepEqual(r.assignment, [{ topicId: t, partitions: [0, 1, 2, 3, 4, 5] }]);
    const g = gc.consumerGroup('g')!;
    assert.equal(g.groupEpoch, 1);
    assert.equal(g.assignmentEpoch, 1);
    assert.equal(g.state, 'Stable');
    // A heartbeat with nothing new gets no assignment back.
    const again = await ok(beat('m1', 1, null));
    assert.equal(again.assignment, null);
    assert.equal(again.memberEpoch, 1);
  });

  it('a second member: the first revokes before the second receives, and no partition is ever owned twice', async () => {
    await ok(params({ memberId: 'a' }));
    const b1 = await ok(params({ memberId: 'b' }));
    // The new member is at the new epoch but waits: every partition is still a's.
    assert.equal(b1.memberEpoch, 2);
    assert.deepEqual(b1.assignment, []);
    assert.equal(gc.consumerGroup('g')!.state, 'Reconciling');
    assertNoPartitionTwice();
    // a learns it must give three up; it stays at epoch 1 until it has.
    const a2 = await ok(beat('a', 1, [{ topicId: t, partitions: [0, 1, 2, 3, 4, 5] }]));
    assert.equal(a2.memberEpoch, 1);
    assert.equal(count(a2.assignment), 3);
    assertNoPartitionTwice();
    // b asks again: still nothing, a has not acknowledged.
    assert.equal((await ok(beat('b', 2, []))).assignment, null);
    // a acknowledges: it moves to epoch 2.
    const a3 = await ok(beat('a', 1, a2.assignment));
    assert.equal(a3.memberEpoch, 2);
    // b gets the three partitions a let go.
    const b2 = await ok(beat('b', 2, []));
    assert.equal(count(b2.assignment), 3);
    const mine = new Set(a2.assignment![0].partitions);
    assert.ok(b2.assignment![0].partitions.every((p) => !mine.has(p)));
    assertNoPartitionTwice();
    await ok(beat('b', 2, b2.assignment));
    assert.equal(gc.consumerGroup('g')!.state, 'Stable');
    // The journal has the rebalance, with who gave up what.
    const rec = gc.consumerGroup('g')!.journal.list().at(-1)!;
    assert.equal(rec.trigger, 'member joined');
    assert.equal(rec.outcome, 'stable');
    assert.deepEqual([rec.before.map((m) => m.memberId), rec.after!.map((m) => m.memberId).sort()], [['a'], ['a', 'b']]);
    assert.ok(rec.steps!.some((s) => s.memberId === 'a' && s.action === 'revoke'));
    assert.ok(rec.steps!.some((s) => s.memberId === 'a' && s.action === 'revoked'));
    assert.ok(rec.steps!.some((s) => s.memberId === 'b' && s.action === 'assigned'));
  });

  it('refuses malformed heartbeats with INVALID_REQUEST and Kafka\'s messages', async () => {
    const cases: Array<[Partial<ConsumerGroupHeartbeatParams>, number, RegExp]> = [
      [{ memberId: '' }, ErrorCode.INVALID_REQUEST, /MemberId can't be empty/],
      [{ rebalanceTimeoutMs: -1 }, ErrorCode.INVALID_REQUEST, /RebalanceTimeoutMs must be provided/],
      [{ topicPartitions: [{ topicId: t, partitions: [0] }] }, ErrorCode.INVALID_REQUEST, /TopicPartitions must be empty/],
      [{ topicPartitions: null }, ErrorCode.INVALID_REQUEST, /TopicPartitions must be empty/],
      [{ subscribedTopicNames: null }, ErrorCode.INVALID_REQUEST, /SubscribedTopicNames or SubscribedTopicRegex/],
      [{ memberEpoch: -3 }, ErrorCode.INVALID_REQUEST, /MemberEpoch is invalid/],
      [{ instanceId: '' }, ErrorCode.INVALID_REQUEST, /InstanceId can't be empty/],
      [{ rackId: '' }, ErrorCode.INVALID_REQUEST, /RackId can't be empty/],
      [{ memberEpoch: -2 }, ErrorCode.INVALID_REQUEST, /InstanceId can't be null/],
      [{ serverAssignor: 'sticky' }, ErrorCode.UNSUPPORTED_ASSIGNOR, /not supported. Supported assignors: uniform, range/],
      [{ subscribedTopicRegex: '(' }, ErrorCode.INVALID_REGULAR_EXPRESSION, /not a valid regular expression/],
    ];
    for (const [over, code, message] of cases) {
      const r = await hb(params(over));
      assert.equal(r.errorCode, code, JSON.stringify(over));
      assert.match(r.errorMessage ?? '', message);
    }
    // v0: the coordinator makes the member id up.
    const v0 = await ok(params({ apiVersion: 0, memberId: '' }));
    assert.match(v0.memberId!, /^[0-9a-f-]{36}$/);
  });

  it('fences wrong epochs, accepts a retry with the previous epoch, and knows unknown members and groups', async () => {
    assert.equal((await hb(beat('m1', 3, []))).errorCode, ErrorCode.GROUP_ID_NOT_FOUND);
    await ok(params({ memberId: 'a' }));
    assert.equal((await hb(beat('a', 2, null))).errorCode, ErrorCode.FENCED_MEMBER_EPOCH);
    assert.equal((await hb(beat('nobody', 1, null))).errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
    await ok(params({ memberId: 'b' }));
    const a = await ok(beat('a', 1, [{ topicId: t, partitions: [0, 1, 2, 3, 4, 5] }]));
    await ok(beat('a', 1, a.assignment));
    assert.equal(gc.consumerGroup('g')!.members.get('a')!.memberEpoch, 2);
    // The answer that moved a to epoch 2 was lost: a retries with epoch 1 and what it owns, a subset: accepted.
    assert.equal((await hb(beat('a', 1, a.assignment))).errorCode, ErrorCode.NONE);
    // With partitions it no longer has: fenced.
    assert.equal((await hb(beat('a', 1, [{ topicId: t, partitions: [0, 1, 2, 3, 4, 5] }]))).errorCode, ErrorCode.FENCED_MEMBER_EPOCH);
  });

  it('a member that stops heartbeating is removed after group.consumer.session.timeout.ms and its partitions move', async () => {
    await ok(params({ memberId: 'a' }));
    const b = await ok(params({ memberId: 'b' }));
    assert.deepEqual(b.assignment, []);
    // b keeps heartbeating; a is silent.
    for (let i = 0; i < 8; i++) {
      clock.advance(5000);
      await ok(beat('b', 2, []));
    }
    clock.advance(4999);
    assert.ok(gc.consumerGroup('g')!.members.has('a'), 'still there at 44 999 ms after its last heartbeat');
    clock.advance(1);
    await Promise.resolve();
    assert.ok(!gc.consumerGroup('g')!.members.has('a'), 'removed at 45 000 ms');
    assert.equal(gc.consumerGroup('g')!.groupEpoch, 3);
    const b2 = await ok(beat('b', 2, []));
    assert.equal(b2.memberEpoch, 3);
    assert.equal(count(b2.assignment), 6);
    // The rebalance b's arrival started never finished (a never revoked): its record names a as removed, and why.
    const rec = gc.consumerGroup('g')!.journal.list().at(-1)!;
    assert.equal(rec.trigger, 'member joined');
    assert.deepEqual(rec.removed.map((r) => [r.memberId, r.why]), [['a', 'session timeout']]);
    assert.deepEqual(rec.epochs, [2, 3]);
  });

  it('a member that does not revoke within its rebalance timeout is fenced', async () => {
    await ok(params({ memberId: 'a', rebalanceTimeoutMs: 10000 }));
    await ok(params({ memberId: 'b' }));
    await ok(beat('a', 1, [{ topicId: t, partitions: [0, 1, 2, 3, 4, 5] }]));
    assert.equal(gc.consumerGroup('g')!.members.get('a')!.state, 1 /* UNREVOKED_PARTITIONS */);
    // It keeps heartbeating, still reporting every partition.
    for (let i = 0; i < 3; i++) {
      clock.advance(3000);
      await ok(beat('a', 1, [{ topicId: t, partitions: [0, 1, 2, 3, 4, 5] }]));
    }
    clock.advance(1000);
    assert.ok(!gc.consumerGroup('g')!.members.has('a'), 'fenced at its 10 s rebalance timeout');
    assert.equal((await hb(beat('a', 1, null))).errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
    assert.equal(count((await ok(beat('b', 2, []))).assignment), 6);
  });

  it('a member leaving with epoch -1 is removed at once; its partitions go to the others', async () => {
    await ok(params({ memberId: 'a' }));
    await ok(params({ memberId: 'b' }));
    const a = await ok(beat('a', 1, [{ topicId: t, partitions: [0, 1, 2, 3, 4, 5] }]));
    await ok(beat('a', 1, a.assignment));
    const b = await ok(beat('b', 2, []));
    const left = await ok(beat('a', -1, null));
    assert.equal(left.memberEpoch, -1);
    assert.equal(left.memberId, 'a');
    const b2 = await ok(beat('b', 2, b.assignment));
    assert.equal(b2.memberEpoch, 3);
    assert.equal(count(b2.assignment), 6);
    assert.equal((await hb(beat('a', -1, null))).errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('static members: leave with -2 keeps the partitions, a restart within the session timeout takes them back with no rebalance', async () => {
    const a = await ok(params({ memberId: 'a1', instanceId: 'app-1' }));
    await ok(params({ memberId: 'b', instanceId: 'app-2' }));
    const a2 = await ok(beat('a1', 1, a.assignment));
    await ok(beat('a1', 1, a2.assignment));
    const b = await ok(beat('b', 2, []));
    await ok(beat('b', 2, b.assignment));
    const epoch = gc.consumerGroup('g')!.groupEpoch;
    const kept = gc.consumerGroup('g')!.members.get('a1')!.assignedPartitions;
    const left = await ok(beat('a1', -2, null, { instanceId: 'app-1' }));
    assert.equal(left.memberEpoch, -2);
    // Another process with the same instance id while the first is still in: UNRELEASED_INSTANCE_ID.
    assert.equal((await hb(params({ memberId: 'x', instanceId: 'app-2' }))).errorCode, ErrorCode.UNRELEASED_INSTANCE_ID);
    clock.advance(20000);
    const back = await ok(params({ memberId: 'a2', instanceId: 'app-1' }));
    assert.equal(gc.consumerGroup('g')!.groupEpoch, epoch, 'no new group epoch');
    assert.deepEqual(back.assignment, [{ topicId: t, partitions: [...kept.get(t)!].sort() }]);
    assert.ok(!gc.consumerGroup('g')!.members.has('a1'));
    assert.ok(gc.consumerGroup('g')!.journal.list().some((r) => r.trigger === 'static member replaced'));
    // A static member that does not come back is removed at its session timeout.
    await ok(beat('b', 2, null, { memberEpoch: -2, instanceId: 'app-2' }));
    clock.advance(45000);
    assert.ok(!gc.consumerGroup('g')!.members.has('b'));
    assert.ok(gc.consumerGroup('g')!.groupEpoch > epoch);
  });

  it('a pattern subscription resolves on the broker, after the listed topics, and picks up new topics', async () => {
    topics.add('orders-eu', 2);
    const r = await ok(params({ subscribedTopicNames: ['t'], subscribedTopicRegex: 'orders-.*' }));
    // Resolving is asynchronous: first the listed topic only.
    assert.equal(count(r.assignment), 6);
    clock.advance(0);
    const r2 = await ok(beat('m1', 1, r.assignment));
    assert.equal(r2.memberEpoch, 2);
    assert.equal(count(r2.assignment), 8);
    // A new topic that matches: a new epoch with it.
    topics.add('orders-us', 3);
    topics.add('payments', 3);
    gc.topicsChanged();
    clock.advance(0);
    const r3 = await ok(beat('m1', 2, r2.assignment));
    assert.equal(count(r3.assignment), 11);
    // The whole name must match, as Kafka's matcher does.
    topics.add('xorders-eu', 1);
    gc.topicsChanged();
    clock.advance(0);
    assert.equal((await ok(beat('m1', r3.memberEpoch, r3.assignment))).assignment, null);
  });

  it('a pattern that backtracks catastrophically is refused in good time, not left to block the broker', async () => {
    topics.add('a'.repeat(60), 1);
    const started = Date.now();
    const r = await hb(params({ subscribedTopicNames: [], subscribedTopicRegex: '(a+)+b' }));
    assert.equal(r.errorCode, ErrorCode.INVALID_REGULAR_EXPRESSION);
    assert.match(r.errorMessage!, /takes longer than 100 ms to match the topics' names \(catastrophic backtracking\)/);
    assert.ok(Date.now() - started < 5000, `answered in ${Date.now() - started} ms`);
    // A harmless pattern over the same names is fine.
    assert.equal((await hb(params({ subscribedTopicNames: [], subscribedTopicRegex: 'a+' }))).errorCode, ErrorCode.NONE);
  });

  it('a topic that grows or is deleted moves the group to a new epoch', async () => {
    const r = await ok(params({}));
    topics.byNameMap.get('t')!.partitions = 8;
    gc.topicsChanged();
    const r2 = await ok(beat('m1', 1, r.assignment));
    assert.equal(r2.memberEpoch, 2);
    assert.equal(count(r2.assignment), 8);
    topics.remove('t');
    gc.topicsChanged();
    // Revoked first (the member still reports them), then gone.
    const r3 = await ok(beat('m1', 2, r2.assignment));
    assert.equal(count(r3.assignment), 0);
    assert.equal(r3.memberEpoch, 2);
    const r4 = await ok(beat('m1', 2, []));
    assert.equal(r4.memberEpoch, 3);
  });

  it('writes Kafka\'s ConsumerGroup* records and a new coordinator rebuilds the group from them', async () => {
    await ok(params({ memberId: 'a', instanceId: 'i-a', rackId: 'r1', serverAssignor: 'range' }));
    await ok(params({ memberId: 'b' }));
    const a = await ok(beat('a', 1, [{ topicId: t, partitions: [0, 1, 2, 3, 4, 5] }]));
    await ok(beat('a', 1, a.assignment));
    await ok(beat('b', 2, []));
    const records = [...store.read(gc.partitionFor('g'))].map((r) => decodeOffsetsTopicRecord(r.key, r.value));
    const kinds = new Set<string>(records.map((r) => (r.type === 'consumer' ? r.record.kind : r.type)));
    for (const k of ['metadata', 'partitionMetadata', 'member', 'targetMetadata', 'targetMember', 'currentAssignment']) assert.ok(kinds.has(k), k);
    const before = gc.consumerGroup('g')!;
    gc.shutdown();
    gc = make();
    gc.load();
    const g = gc.consumerGroup('g')!;
    assert.equal(g.groupEpoch, before.groupEpoch);
    assert.equal(g.assignmentEpoch, before.assignmentEpoch);
    assert.equal(g.assignorName === '' ? 'range' : g.assignorName, 'range');
    assert.deepEqual([...g.members.keys()].sort(), ['a', 'b']);
    const ma = g.members.get('a')!;
    assert.equal(ma.instanceId, 'i-a');
    assert.equal(ma.rackId, 'r1');
    assert.equal(ma.serverAssignor, 'range');
    assert.deepEqual([...ma.assignedPartitions.get(t)!].sort(), [...before.members.get('a')!.assignedPartitions.get(t)!].sort());
    assert.deepEqual([...g.targetAssignment.get('b')!.get(t)!].sort(), [...before.targetAssignment.get('b')!.get(t)!].sort());
    assert.equal(g.staticMembers.get('i-a'), 'a');
    // The members carry on with their epochs.
    clock.advance(40000);
    assert.equal((await hb(beat('b', 2, []))).errorCode, ErrorCode.NONE);
    // Members that do not come back after the restart expire at their session timeout, counted from the load.
    clock.advance(5000);
    assert.deepEqual([...gc.consumerGroup('g')!.members.keys()], ['b']);
  });

  it('OffsetCommit and OffsetFetch check the member epoch (v9); commits from outside only while the group is empty', async () => {
    const r = await ok(params({}));
    const offsets = [{ topic: 't', partition: 0, offset: 5, leaderEpoch: -1, metadata: '' }];
    assert.deepEqual(await gc.commitOffsets({ groupId: 'g', generationId: 1, memberId: 'm1', groupInstanceId: null, apiVersion: 9, offsets }), [ErrorCode.NONE]);
    assert.deepEqual(await gc.commitOffsets({ groupId: 'g', generationId: 0, memberId: 'm1', groupInstanceId: null, apiVersion: 9, offsets }), [ErrorCode.STALE_MEMBER_EPOCH]);
    assert.deepEqual(await gc.commitOffsets({ groupId: 'g', generationId: 1, memberId: 'zz', groupInstanceId: null, apiVersion: 9, offsets }), [ErrorCode.UNKNOWN_MEMBER_ID]);
    assert.deepEqual(await gc.commitOffsets({ groupId: 'g', generationId: 1, memberId: 'm1', groupInstanceId: null, apiVersion: 8, offsets }), [ErrorCode.UNSUPPORTED_VERSION]);
    assert.deepEqual(await gc.commitOffsets({ groupId: 'g', generationId: -1, memberId: '', groupInstanceId: null, apiVersion: 9, offsets }), [ErrorCode.UNKNOWN_MEMBER_ID]);
    assert.deepEqual(await gc.commitOffsets({ groupId: 'nope', generationId: 3, memberId: 'x', groupInstanceId: null, apiVersion: 9, offsets }), [ErrorCode.GROUP_ID_NOT_FOUND]);
    assert.deepEqual(await gc.commitOffsets({ groupId: 'nope', generationId: 3, memberId: 'x', groupInstanceId: null, apiVersion: 8, offsets }), [ErrorCode.ILLEGAL_GENERATION]);
    assert.equal(gc.checkOffsetFetch('g', 'm1', 1), ErrorCode.NONE);
    assert.equal(gc.checkOffsetFetch('g', 'm1', 0), ErrorCode.STALE_MEMBER_EPOCH);
    assert.equal(gc.checkOffsetFetch('g', 'zz', 1), ErrorCode.UNKNOWN_MEMBER_ID);
    assert.equal(gc.checkOffsetFetch('g', null, -1), ErrorCode.NONE);
    assert.equal(gc.fetchOffsets('g', [{ topic: 't', partition: 0 }])[0].offset, 5);
    // Refused while it has members (offsets of subscribed topics, the group itself).
    assert.equal((await gc.deleteOffsets('g', [{ topic: 't', partition: 0 }])).partitions[0], ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC);
    assert.equal(await gc.deleteGroup('g'), ErrorCode.NON_EMPTY_GROUP);
    await ok(beat('m1', r.memberEpoch, null, { memberEpoch: -1 }));
    assert.equal(gc.consumerGroup('g')!.state, 'Empty');
    assert.deepEqual(await gc.commitOffsets({ groupId: 'g', generationId: -1, memberId: '', groupInstanceId: null, apiVersion: 9, offsets }), [ErrorCode.NONE]);
    assert.equal(await gc.deleteGroup('g'), ErrorCode.NONE);
    assert.equal(gc.group('g'), undefined);
    // Deleted for good: a new coordinator finds nothing.
    gc.shutdown();
    gc = make();
    gc.load();
    assert.equal(gc.group('g'), undefined);
  });

  it('an empty classic group becomes a consumer group with its offsets; a classic member whose subscription is not the consumer protocol\'s is refused', async () => {
    const offsets = [{ topic: 't', partition: 1, offset: 7, leaderEpoch: -1, metadata: '' }];
    await gc.commitOffsets({ groupId: 'g', generationId: -1, memberId: '', groupInstanceId: null, offsets });
    assert.equal(gc.group('g')!.type, 'classic');
    await ok(params({}));
    assert.equal(gc.group('g')!.type, 'consumer');
    assert.equal(gc.fetchOffsets('g', [{ topic: 't', partition: 1 }])[0].offset, 7);
    const join = await gc.joinGroup({ groupId: 'g', memberId: '', groupInstanceId: null, clientId: 'c', clientHost: 'h', sessionTimeoutMs: 10000, rebalanceTimeoutMs: 10000, protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }], requireKnownMemberId: false, supportsSkipAssignment: true });
    assert.equal(join.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    // Replayed: the group is a consumer group with the offset.
    gc.shutdown();
    gc = make();
    gc.load();
    assert.equal(gc.group('g')!.type, 'consumer');
    assert.equal(gc.fetchOffsets('g', [{ topic: 't', partition: 1 }])[0].offset, 7);
  });

  it('group.consumer.max.size refuses one member too many', async () => {
    gc.shutdown();
    gc = new GroupCoordinator(store, DEFAULT_GROUP_CONFIG, { clock, topics, consumer: { ...DEFAULT_CONSUMER_GROUP_CONFIG, maxSize: 2 } });
    await ok(params({ memberId: 'a' }));
    await ok(params({ memberId: 'b' }));
    const r = await hb(params({ memberId: 'c' }));
    assert.equal(r.errorCode, ErrorCode.GROUP_MAX_SIZE_REACHED);
    assert.match(r.errorMessage!, /maximum capacity of 2 members/);
  });

  describe('server assignors', () => {
    const topic = (id: string, name: string, partitions: number) => [id, { id, name, partitions }] as const;
    const tp = new Map([topic('x', 'x', 7), topic('y', 'y', 3)]);
    const members = (n: number, subs: string[][] = []) =>
      Array.from({ length: n }, (_, i) => ({ memberId: `m${i}`, instanceId: null, subscribedTopicIds: new Set(subs[i] ?? ['x', 'y']), previous: new Map<string, Set<number>>() }));
    const sizes = (r: Map<string, Map<string, Set<number>>>) => [...r.values()].map((a) => [...a.values()].reduce((n, s) => n + s.size, 0));

    it('uniform: balanced within one partition, sticky when a member joins', () => {
      const u = SERVER_ASSIGNORS.get('uniform')!;
      const first = u.assign(members(3), tp);
      assert.deepEqual(sizes(first).sort(), [3, 3, 4]);
      const prev = members(4);
      for (let i = 0; i < 3; i++) prev[i].previous = first.get(`m${i}`)!;
      const second = u.assign(prev, tp);
      assert.deepEqual(sizes(second).sort(), [2, 2, 3, 3]);
      // Members keep what they had, except what they had to give the newcomer.
      let kept = 0;
      for (let i = 0; i < 3; i++) for (const [t2, ps] of second.get(`m${i}`)!) for (const p of ps) if (first.get(`m${i}`)!.get(t2)?.has(p)) kept++;
      assert.equal(kept, 10 - sizes(second)[3]);
      // Heterogeneous: a member subscribed to y only gets y's partitions.
      const het = u.assign(members(2, [['x', 'y'], ['y']]), tp);
      assert.ok([...het.get('m1')!.keys()].every((k) => k === 'y'));
      assert.equal(sizes(het).reduce((a, b) => a + b), 10);
    });

    it('range: contiguous ranges per topic, the same partition numbers for co-partitioned topics', () => {
      const r = SERVER_ASSIGNORS.get('range')!.assign(members(2), new Map([topic('x', 'x', 4), topic('y', 'y', 4)]));
      assert.deepEqual([...r.get('m0')!.get('x')!], [0, 1]);
      assert.deepEqual([...r.get('m0')!.get('y')!], [0, 1]);
      assert.deepEqual([...r.get('m1')!.get('x')!], [2, 3]);
      const odd = SERVER_ASSIGNORS.get('range')!.assign(members(2), new Map([topic('x', 'x', 5)]));
      assert.deepEqual([...odd.get('m0')!.get('x')!], [0, 1, 2]);
    });
  });
});
