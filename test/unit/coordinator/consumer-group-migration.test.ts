// Classic and consumer groups side by side (KIP-848's migration, Kafka 4's behaviour): a classic group upgraded online
// when a member joins with the consumer protocol, classic members inside a consumer group (JoinGroup answered with no
// leader, SyncGroup returning the broker's assignment, Heartbeat telling them to rejoin, their timers), offsets with
// generations, and the downgrade back when the last consumer-protocol member leaves; records and their replay.
import { strict as assert } from 'node:assert';
import { GroupCoordinator, DEFAULT_GROUP_CONFIG, DEFAULT_CONSUMER_GROUP_CONFIG, type JoinGroupParams } from '../../../src/broker/coordinator/group/group-coordinator';
import type { ConsumerGroupHeartbeatParams } from '../../../src/broker/coordinator/group/consumer-group-manager';
import { decodeAssignment, encodeAssignment, type TopicPartitions } from '../../../src/broker/coordinator/group/consumer-protocol';
import { MemberState } from '../../../src/broker/coordinator/group/consumer-group';
import { decodeOffsetsTopicRecord } from '../../../src/broker/coordinator/group/offsets-records';
import { Writer } from '../../../src/protocol/codec';
import { encodeConsumerProtocolSubscription } from '../../../src/protocol/messages/consumer-protocol-subscription';
import { ErrorCode } from '../../../src/broker/errors';
import { MemoryStore, Topics, heartbeatParams } from '../../support/group-fixtures';
import { ManualClock } from '../../support/manual-clock';

function subscription(topics: string[], version = 0, owned: TopicPartitions[] = []): Buffer {
  const w = new Writer();
  w.int16(version);
  encodeConsumerProtocolSubscription(w, version, { topics, userData: null, ownedPartitions: owned, generationId: -1, rackId: null });
  return w.toBuffer();
}

const partitionsOf = (bytes: Buffer) => (decodeAssignment(bytes) ?? []).flatMap((tp) => tp.partitions.map((p) => `${tp.topic}-${p}`)).sort();

describe('Consumer group protocol: classic and consumer groups side by side (KIP-848 migration)', () => {
  let store: MemoryStore;
  let clock: ManualClock;
  let topics: Topics;
  let gc: GroupCoordinator;
  const make = (policy = DEFAULT_CONSUMER_GROUP_CONFIG.migrationPolicy) =>
    new GroupCoordinator(store, { ...DEFAULT_GROUP_CONFIG, groupInitialRebalanceDelayMs: 0 }, { clock, topics, consumer: { ...DEFAULT_CONSUMER_GROUP_CONFIG, migrationPolicy: policy } });

  const join = (over: Partial<JoinGroupParams> = {}) =>
    gc.joinGroup({
      groupId: 'g',
      memberId: '',
      groupInstanceId: null,
      clientId: 'classic',
      clientHost: '/127.0.0.1',
      sessionTimeoutMs: 10000,
      rebalanceTimeoutMs: 20000,
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: subscription(['t']) }],
      requireKnownMemberId: false,
      supportsSkipAssignment: true,
      ...over,
    });
  const sync = (memberId: string, generationId: number, assignments: Array<{ memberId: string; assignment: Buffer }> = [], protocolName = 'range') =>
    gc.syncGroup({ groupId: 'g', generationId, memberId, groupInstanceId: null, protocolType: 'consumer', protocolName, assignments });
  const heartbeat = (memberId: string, generationId: number) => gc.heartbeat({ groupId: 'g', generationId, memberId, groupInstanceId: null });
  const cgh = (over: Partial<ConsumerGroupHeartbeatParams>) => gc.consumerGroupHeartbeat(heartbeatParams({ memberId: 'new', clientId: 'kip848', ...over }));

  /** Every partition is owned (assigned or being revoked) by at most one member of the consumer group. */
  const assertNoPartitionTwice = () => {
    const seen = new Set<string>();
    for (const m of gc.consumerGroup('g')!.members.values()) {
      for (const a of [m.assignedPartitions, m.partitionsPendingRevocation]) {
        for (const [t, ps] of a) for (const p of ps) {
          assert.ok(!seen.has(`${t}:${p}`), `partition ${p} owned twice`);
          seen.add(`${t}:${p}`);
        }
      }
    }
  };

  /** A stable classic group of two eager members at generation 2: a has t-0..2, b has t-3..5; an offset committed. */
  async function classicGroup(): Promise<{ a: string; b: string }> {
    const a = (await join({ clientId: 'a' })).memberId;
    assert.equal((await sync(a, 1)).errorCode, ErrorCode.NONE);
    const bJoin = join({ clientId: 'b' });
    const [ra, rb] = await Promise.all([join({ memberId: a, clientId: 'a' }), bJoin]);
    assert.equal(ra.generationId, 2);
    const b = rb.memberId;
    const assignments = [
      { memberId: a, assignment: encodeAssignment(0, [{ topic: 't', partitions: [0, 1, 2] }]) },
      { memberId: b, assignment: encodeAssignment(0, [{ topic: 't', partitions: [3, 4, 5] }]) },
    ];
    const [sa, sb] = await Promise.all([sync(a, 2, assignments), sync(b, 2)]);
    assert.deepEqual([sa.errorCode, sb.errorCode], [ErrorCode.NONE, ErrorCode.NONE]);
    await gc.commitOffsets({ groupId: 'g', generationId: 2, memberId: a, groupInstanceId: null, offsets: [{ topic: 't', partition: 0, offset: 42, leaderEpoch: -1, metadata: '' }] });
    return { a, b };
  }

  beforeEach(() => {
    store = new MemoryStore();
    clock = new ManualClock();
    topics = new Topics();
    topics.add('t', 6);
    gc = make();
  });
  afterEach(() => gc.shutdown());

  it('upgrade: a consumer-protocol member joining a classic group converts it online, members, partitions and generation kept', async () => {
    const { a, b } = await classicGroup();
    const r = await cgh({});
    assert.equal(r.errorCode, ErrorCode.NONE, r.errorMessage ?? '');
    const g = gc.consumerGroup('g')!;
    assert.ok(g, 'the group is a consumer group now');
    assert.equal(g.groupEpoch, 3, 'the generation became the epoch, and the newcomer bumped it');
    assert.deepEqual([...g.members.get(a)!.assignedPartitions.values()].map((s) => [...s].sort()), [[0, 1, 2]]);
    assert.equal(g.members.get(a)!.memberEpoch, 2);
    assert.ok(g.members.get(a)!.useClassicProtocol() && g.members.get(b)!.useClassicProtocol() && !g.members.get('new')!.useClassicProtocol());
    assert.equal(r.memberEpoch, 3);
    assert.equal(r.assignment!.length, 0, 'the newcomer waits: every partition is still owned by a classic member');
    assert.equal(g.members.get('new')!.state, MemberState.UNRELEASED_PARTITIONS);
    assert.equal(gc.fetchOffsets('g', [{ topic: 't', partition: 0 }])[0].offset, 42, 'offsets stay');
    // Records, in Kafka's order: the classic group's tombstone first, then the converted members, epoch and assignments.
    const kinds = store.logs.get(gc.partitionFor('g'))!.map((rec) => decodeOffsetsTopicRecord(rec.key, rec.value)).map((d) => (d.type === 'consumer' ? d.record.kind : `${d.type}${d.type === 'group' && !d.value ? '-tombstone' : ''}`));
    const from = kinds.lastIndexOf('group-tombstone');
    assert.deepEqual(kinds.slice(from, from + 8), ['group-tombstone', 'member', 'member', 'metadata', 'targetMember', 'targetMember', 'targetMetadata', 'currentAssignment']);

    // The classic members hear of the new epoch at their next heartbeat and rejoin; the broker assigns them.
    assert.equal(heartbeat(a, 2), ErrorCode.REBALANCE_IN_PROGRESS);
    const ja = await join({ memberId: a, clientId: 'a' });
    assert.equal(ja.errorCode, ErrorCode.NONE);
    assert.equal(ja.generationId, 3);
    assert.equal(ja.leader, '', 'nobody leads: the broker assigns');
    assert.deepEqual(ja.members, []);
    const sa = await sync(a, 3);
    assert.equal(sa.errorCode, ErrorCode.NONE);
    assert.deepEqual(partitionsOf(sa.assignment), ['t-0', 't-1']);
    assert.equal(heartbeat(a, 3), ErrorCode.NONE);
    assertNoPartitionTwice();
    assert.equal(heartbeat(b, 2), ErrorCode.REBALANCE_IN_PROGRESS);
    const jb = await join({ memberId: b, clientId: 'b' });
    const sb = await sync(b, jb.generationId);
    assert.deepEqual(partitionsOf(sb.assignment), ['t-3', 't-4']);
    // The released partitions reach the consumer-protocol member.
    const n = await cgh({ memberEpoch: 3, rebalanceTimeoutMs: -1, subscribedTopicNames: null, topicPartitions: [] });
    assert.deepEqual(n.assignment!.flatMap((t) => t.partitions).sort(), [2, 5]);
    assertNoPartitionTwice();
    assert.equal(gc.consumerGroup('g')!.state, 'Stable');
  });

  it('upgrade refused (GROUP_ID_NOT_FOUND) by the policy, for another protocol type; parked requests are told to rejoin', async () => {
    await classicGroup();
    for (const policy of ['disabled', 'downgrade'] as const) {
      gc.shutdown();
      gc = make(policy);
      gc.load();
      const r = await cgh({});
      assert.equal(r.errorCode, ErrorCode.GROUP_ID_NOT_FOUND, policy);
      assert.equal(gc.group('g')!.type, 'classic');
    }
    // Another protocol type (Connect, Streams' own) is not converted.
    gc.shutdown();
    store = new MemoryStore();
    gc = make();
    await join({ protocolType: 'connect', protocols: [{ name: 'sessioned', metadata: Buffer.from('x') }] });
    assert.equal((await cgh({})).errorCode, ErrorCode.GROUP_ID_NOT_FOUND);
    // A member parked in JoinGroup during the conversion is answered REBALANCE_IN_PROGRESS.
    gc.shutdown();
    store = new MemoryStore();
    gc = make();
    const { a } = await classicGroup();
    const parked = join({ clientId: 'c' });
    assert.equal(gc.classicGroup('g')!.state, 'PreparingRebalance');
    assert.equal((await cgh({})).errorCode, ErrorCode.NONE);
    assert.equal((await parked).errorCode, ErrorCode.REBALANCE_IN_PROGRESS);
    assert.equal(gc.consumerGroup('g')!.members.has(a), true);
  });

  it('a classic member joins a consumer group: MEMBER_ID_REQUIRED, protocol checks, generation checks, offsets by generation', async () => {
    assert.equal((await cgh({})).errorCode, ErrorCode.NONE);
    const first = await join({ requireKnownMemberId: true });
    assert.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
    assert.equal(gc.consumerGroup('g')!.members.size, 1, 'nothing kept until it comes back');
    assert.equal((await join({ protocolType: 'connect' })).errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    assert.equal((await join({ protocols: [{ name: 'range', metadata: Buffer.from([9]) }] })).errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const j = await join({ memberId: first.memberId, requireKnownMemberId: true });
    assert.equal(j.errorCode, ErrorCode.NONE);
    assert.equal(j.protocolType, 'consumer');
    assert.equal(j.protocolName, 'range');
    const g = gc.consumerGroup('g')!;
    assert.equal(g.groupEpoch, 2);
    // Another classic member must share a protocol with it.
    assert.equal((await join({ protocols: [{ name: 'roundrobin', metadata: subscription(['t']) }] })).errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    assert.equal((await sync(first.memberId, j.generationId + 1)).errorCode, ErrorCode.ILLEGAL_GENERATION);
    assert.equal((await sync('new', 1)).errorCode, ErrorCode.UNKNOWN_MEMBER_ID, 'a consumer-protocol member does not SyncGroup');
    assert.equal(heartbeat(first.memberId, j.generationId + 1), ErrorCode.ILLEGAL_GENERATION);
    assert.equal((await gc.syncGroup({ groupId: 'g', generationId: j.generationId, memberId: first.memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'roundrobin', assignments: [] })).errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const s = await sync(first.memberId, j.generationId);
    assert.equal(s.errorCode, ErrorCode.NONE);
    // Offsets: the generation is the member epoch, any OffsetCommit version; a wrong one is ILLEGAL_GENERATION.
    const offsets = [{ topic: 't', partition: 0, offset: 5, leaderEpoch: -1, metadata: '' }];
    assert.deepEqual(await gc.commitOffsets({ groupId: 'g', generationId: j.generationId, memberId: first.memberId, groupInstanceId: null, apiVersion: 8, offsets }), [ErrorCode.NONE]);
    assert.deepEqual(await gc.commitOffsets({ groupId: 'g', generationId: j.generationId + 5, memberId: first.memberId, groupInstanceId: null, apiVersion: 8, offsets }), [ErrorCode.ILLEGAL_GENERATION]);
    assert.equal(gc.checkOffsetFetch('g', first.memberId, 99), ErrorCode.ILLEGAL_GENERATION);
    assert.deepEqual(await gc.commitOffsets({ groupId: 'g', generationId: 2, memberId: 'new', groupInstanceId: null, apiVersion: 8, offsets }), [ErrorCode.UNSUPPORTED_VERSION]);
  });

  it('a cooperative classic member gives up partitions before anyone gets them: SyncGroup returns what it keeps, then it rejoins', async () => {
    const sync2 = (memberId: string, generationId: number) => sync(memberId, generationId, [], 'cooperative-sticky');
    const coop = (owned: number[]) => [{ name: 'cooperative-sticky', metadata: subscription(['t'], 1, owned.length ? [{ topic: 't', partitions: owned }] : []) }];
    const tid = topics.byName('t')!.id;
    const mine = (memberId: string) => [...(gc.consumerGroup('g')!.members.get(memberId)!.assignedPartitions.get(tid) ?? [])].sort();
    await cgh({ memberId: 'n1' });
    const j1 = await join({ memberId: 'c', protocols: coop([]) });
    assert.equal(j1.generationId, 2);
    assert.equal(gc.consumerGroup('g')!.members.get('c')!.state, MemberState.UNRELEASED_PARTITIONS, 'n1 has not released them yet');
    assert.equal(heartbeat('c', 2), ErrorCode.NONE, 'waiting on partitions n1 still owns');
    const all = [{ topicId: tid, partitions: [0, 1, 2, 3, 4, 5] }];
    await cgh({ memberId: 'n1', memberEpoch: 1, rebalanceTimeoutMs: -1, subscribedTopicNames: null, topicPartitions: all });
    await cgh({ memberId: 'n1', memberEpoch: 1, rebalanceTimeoutMs: -1, subscribedTopicNames: null, topicPartitions: [{ topicId: tid, partitions: mine('n1') }] });
    assert.equal(heartbeat('c', 2), ErrorCode.REBALANCE_IN_PROGRESS, 'its partitions are free now: rejoin to take them');
    const j2 = await join({ memberId: 'c', protocols: coop([]) });
    const s2 = await sync2('c', j2.generationId);
    assert.equal(s2.errorCode, ErrorCode.NONE, JSON.stringify(j2));
    const held = partitionsOf(s2.assignment);
    assert.equal(held.length, 3);
    assertNoPartitionTwice();
    // A third member: c must give one partition up, and keeps the rest meanwhile.
    await cgh({ memberId: 'n2' });
    assert.equal(heartbeat('c', 2), ErrorCode.REBALANCE_IN_PROGRESS);
    const owned = mine('c');
    const j3 = await join({ memberId: 'c', protocols: coop(owned) });
    assert.equal(j3.generationId, 2, 'still revoking: the old generation');
    assert.equal(gc.consumerGroup('g')!.members.get('c')!.state, MemberState.UNREVOKED_PARTITIONS);
    const kept = partitionsOf((await sync2('c', 2)).assignment);
    assert.equal(kept.length, 2, 'SyncGroup gives what it keeps; the client revokes the rest');
    assert.equal(heartbeat('c', 2), ErrorCode.REBALANCE_IN_PROGRESS);
    assertNoPartitionTwice();
    const j4 = await join({ memberId: 'c', protocols: coop(mine('c')) });
    assert.equal(j4.generationId, 3);
    assert.deepEqual(partitionsOf((await sync2('c', 3)).assignment), kept);
    assert.equal(heartbeat('c', 3), ErrorCode.NONE);
    assertNoPartitionTwice();
  });

  it('timers: a classic member that does not SyncGroup, or does not rejoin when told, is fenced after its rebalance timeout', async () => {
    assert.equal((await cgh({})).errorCode, ErrorCode.NONE);
    const j = await join({ memberId: 'c1', rebalanceTimeoutMs: 1000, sessionTimeoutMs: 60000 });
    assert.equal(j.errorCode, ErrorCode.NONE);
    clock.advance(999);
    assert.ok(gc.consumerGroup('g')!.members.has('c1'));
    clock.advance(1);
    assert.ok(!gc.consumerGroup('g')!.members.has('c1'), 'no SyncGroup within the rebalance timeout');
    const k = await join({ memberId: 'c2', rebalanceTimeoutMs: 1000, sessionTimeoutMs: 60000 });
    assert.equal((await sync('c2', k.generationId)).errorCode, ErrorCode.NONE);
    // A new epoch: c2 is told to rejoin, and does not.
    await cgh({ memberId: 'other' });
    assert.equal(heartbeat('c2', k.generationId), ErrorCode.REBALANCE_IN_PROGRESS);
    clock.advance(999);
    assert.equal(heartbeat('c2', k.generationId), ErrorCode.REBALANCE_IN_PROGRESS, 'the join timer is not pushed back by heartbeats');
    clock.advance(1);
    assert.ok(!gc.consumerGroup('g')!.members.has('c2'));
    // The session timeout is the one the classic member joined with.
    const l = await join({ memberId: 'c3', rebalanceTimeoutMs: 100000, sessionTimeoutMs: 7000 });
    await sync('c3', l.generationId);
    clock.advance(6999);
    assert.ok(gc.consumerGroup('g')!.members.has('c3'));
    clock.advance(1);
    assert.ok(!gc.consumerGroup('g')!.members.has('c3'));
  });

  it('downgrade: when the last consumer-protocol member leaves, the classic members take the group back at the group epoch', async () => {
    const { a, b } = await classicGroup();
    await cgh({});
    for (const m of [a, b]) {
      const j = await join({ memberId: m });
      await sync(m, j.generationId);
    }
    const epoch = gc.consumerGroup('g')!.groupEpoch;
    const r = await cgh({ memberEpoch: -1 });
    assert.equal(r.errorCode, ErrorCode.NONE);
    const classic = gc.classicGroup('g')!;
    assert.ok(classic, 'a classic group again');
    assert.equal(classic.generationId, epoch);
    assert.equal(classic.state, 'PreparingRebalance', 'the members rejoin under the classic protocol');
    assert.equal(gc.fetchOffsets('g', [{ topic: 't', partition: 0 }])[0].offset, 42);
    const log = store.logs.get(gc.partitionFor('g'))!.map((rec) => decodeOffsetsTopicRecord(rec.key, rec.value));
    const last = log.at(-1)!;
    assert.ok(last.type === 'group' && last.value && last.value.generation === epoch, 'the GroupMetadata record comes last');
    assert.ok(log.at(-2)!.type === 'consumer', 'after the consumer group tombstones');
    // Both rejoin: a classic generation with a leader that assigns.
    const [ja, jb] = await Promise.all([join({ memberId: a }), join({ memberId: b })]);
    assert.equal(ja.generationId, epoch + 1);
    assert.ok([ja, jb].some((x) => x.members.length === 2 && x.leader === x.memberId));
    // A restart replays the classic group.
    gc.shutdown();
    gc = make();
    gc.load();
    assert.equal(gc.group('g')!.type, 'classic');
  });

  it('no downgrade under the upgrade policy; classic members survive a coordinator restart (ClassicMemberMetadata)', async () => {
    gc.shutdown();
    gc = make('upgrade');
    const { a } = await classicGroup();
    await cgh({});
    gc.shutdown();
    gc = make('upgrade');
    gc.load();
    const m = gc.consumerGroup('g')!.members.get(a)!;
    assert.ok(m.useClassicProtocol());
    assert.equal(m.classic!.sessionTimeoutMs, 10000);
    assert.equal(m.classic!.protocols[0].name, 'range');
    await cgh({ memberEpoch: -1 });
    assert.equal(gc.group('g')!.type, 'consumer', 'the upgrade policy never goes back');
    // Under a policy that allows it, the next member to go (a classic LeaveGroup here) takes the group back.
    gc.shutdown();
    gc = make('bidirectional');
    gc.load();
    const left = await gc.leaveGroup('g', [{ memberId: a, groupInstanceId: null }]);
    assert.deepEqual(left.members.map((m) => m.errorCode), [ErrorCode.NONE]);
    assert.equal(gc.group('g')!.type, 'classic');
    assert.deepEqual([...gc.classicGroup('g')!.members.keys()].length, 1);
    assert.equal(gc.classicGroup('g')!.state, 'PreparingRebalance');
  });

  it('a JoinGroup to an empty consumer group replaces it with a classic group, offsets kept', async () => {
    await cgh({});
    await gc.commitOffsets({ groupId: 'g', generationId: 1, memberId: 'new', groupInstanceId: null, apiVersion: 9, offsets: [{ topic: 't', partition: 1, offset: 9, leaderEpoch: -1, metadata: '' }] });
    await cgh({ memberEpoch: -1 });
    assert.equal(gc.consumerGroup('g')!.members.size, 0);
    const j = await join({});
    assert.equal(j.errorCode, ErrorCode.NONE);
    assert.equal(gc.group('g')!.type, 'classic');
    assert.equal(gc.fetchOffsets('g', [{ topic: 't', partition: 1 }])[0].offset, 9);
  });
});
