import { strict as assert } from 'node:assert';
import { GroupCoordinator, OffsetsTopicStore, OffsetsTopicRecordIn, DEFAULT_GROUP_CONFIG, JoinGroupParams } from '../../../src/broker/coordinator/group/group-coordinator';
import { partitionForGroup, javaStringHashCode } from '../../../src/broker/coordinator/group/group-partitioner';
import { decodeOffsetsTopicRecord, offsetCommitKey, offsetCommitValue } from '../../../src/broker/coordinator/group/offsets-records';
import { ErrorCode } from '../../../src/broker/errors';
import { MemoryTopic } from '../../support/memory-topic';
import { ManualClock } from '../../support/manual-clock';

class MemoryStore extends MemoryTopic implements OffsetsTopicStore {
  async appendTransactional(partition: number, records: OffsetsTopicRecordIn[], producerId: number): Promise<void> {
    await this.append(partition, records.map((r) => ({ ...r, producerId })));
  }
  /** What a transaction marker does to this partition. */
  marker(partition: number, producerId: number, control: 'commit' | 'abort'): void {
    this.logs.set(partition, [...(this.logs.get(partition) ?? []), { key: Buffer.alloc(0), value: null, producerId, control }]);
  }
}

const config = { ...DEFAULT_GROUP_CONFIG, groupInitialRebalanceDelayMs: 0, groupMinSessionTimeoutMs: 10 };

function join(gc: GroupCoordinator, over: Partial<JoinGroupParams> = {}) {
  return gc.joinGroup({
    groupId: 'g',
    memberId: '',
    groupInstanceId: null,
    clientId: 'client',
    clientHost: '/127.0.0.1',
    sessionTimeoutMs: 10000,
    rebalanceTimeoutMs: 10000,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: Buffer.from([1]) }],
    requireKnownMemberId: false,
    supportsSkipAssignment: true,
    ...over,
  });
}

describe('GroupCoordinator', () => {
  let store: MemoryStore;
  let clock: ManualClock;
  let gc: GroupCoordinator;
  beforeEach(() => {
    store = new MemoryStore();
    clock = new ManualClock();
    gc = new GroupCoordinator(store, config, { clock });
  });
  afterEach(() => gc.shutdown());

  it('places groups on __consumer_offsets partitions with Java\'s String.hashCode', () => {
    assert.equal(javaStringHashCode('hello'), 99162322);
    assert.equal(javaStringHashCode('abc'), 96354);
    assert.equal(javaStringHashCode(''), 0);
    assert.equal(javaStringHashCode('polygenelubricants'), -2147483648);
    // Kafka's Utils.abs(Integer.MIN_VALUE) is 0, not MIN_VALUE.
    assert.equal(partitionForGroup('polygenelubricants', 50), 0);
    assert.equal(partitionForGroup('abc', 50), 96354 % 50);
    // A negative hash: Utils.abs is Math.abs, not a mask of the sign bit (what Kafka's own docs compute with jshell).
    assert.equal(partitionForGroup('my-group', 50), 12);
    assert.equal(partitionForGroup('kafka-txn-0', 50), 30);
  });

  it('MEMBER_ID_REQUIRED first (v4+), then a generation with the leader seeing every member', async () => {
    const first = await join(gc, { requireKnownMemberId: true });
    assert.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
    assert.match(first.memberId, /^client-[0-9a-f-]{36}$/);
    const joined = await join(gc, { memberId: first.memberId, requireKnownMemberId: true });
    assert.equal(joined.errorCode, ErrorCode.NONE);
    assert.equal(joined.generationId, 1);
    assert.equal(joined.leader, first.memberId);
    assert.equal(joined.protocolName, 'range');
    assert.deepEqual(joined.members.map((m) => m.memberId), [first.memberId]);
    const sync = await gc.syncGroup({ groupId: 'g', generationId: 1, memberId: first.memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments: [{ memberId: first.memberId, assignment: Buffer.from('A') }] });
    assert.equal(sync.errorCode, ErrorCode.NONE);
    assert.equal(sync.assignment.toString(), 'A');
    assert.equal(gc.classicGroup('g')!.state, 'Stable');
    assert.equal(gc.heartbeat({ groupId: 'g', generationId: 1, memberId: first.memberId, groupInstanceId: null }), ErrorCode.NONE);
    assert.equal(gc.heartbeat({ groupId: 'g', generationId: 0, memberId: first.memberId, groupInstanceId: null }), ErrorCode.ILLEGAL_GENERATION);
    assert.equal(gc.heartbeat({ groupId: 'g', generationId: 1, memberId: 'nobody', groupInstanceId: null }), ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('a second member triggers a rebalance: the first learns REBALANCE_IN_PROGRESS and both get generation 2', async () => {
    const a = await join(gc);
    await gc.syncGroup({ groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
    const bJoin = join(gc, { clientId: 'b' });
    assert.equal(gc.classicGroup('g')!.state, 'PreparingRebalance');
    assert.equal(gc.heartbeat({ groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: null }), ErrorCode.REBALANCE_IN_PROGRESS);
    const aJoin = join(gc, { memberId: a.memberId });
    const [ra, rb] = await Promise.all([aJoin, bJoin]);
    assert.equal(ra.generationId, 2);
    assert.equal(rb.generationId, 2);
    assert.equal(ra.members.length, 2, 'the leader gets the member list');
    assert.equal(rb.members.length, 0);
    const journal = gc.group('g')!.journal.list();
    assert.equal(journal[1].trigger, 'member joined');
    assert.equal(journal[1].triggeredBy, rb.memberId);
    // What ended the wait: everyone came back, nobody was waited for.
    assert.equal(journal[1].joinPhase?.endedBy, 'all members rejoined');
    assert.deepEqual(journal[1].joinPhase?.notRejoined, []);
  });

  it('inconsistent protocols and bad session timeouts are refused', async () => {
    await join(gc);
    assert.equal((await join(gc, { protocols: [{ name: 'roundrobin', metadata: Buffer.alloc(0) }] })).errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    assert.equal((await join(gc, { protocolType: 'connect' })).errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    assert.equal((await join(gc, { sessionTimeoutMs: 1 })).errorCode, ErrorCode.INVALID_SESSION_TIMEOUT);
    assert.equal((await join(gc, { groupId: '' })).errorCode, ErrorCode.INVALID_GROUP_ID);
    assert.equal((await join(gc, { memberId: 'ghost' })).errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('a member that stops heartbeating is expelled at its session timeout, not 1 ms before, and the journal says so', async () => {
    const a = await join(gc, { sessionTimeoutMs: 300 });
    await gc.syncGroup({ groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
    const b = join(gc, { clientId: 'b', sessionTimeoutMs: 5000 });
    const ra = await join(gc, { memberId: a.memberId, sessionTimeoutMs: 300 });
    const rb = await b;
    await gc.syncGroup({ groupId: 'g', generationId: 2, memberId: ra.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
    await gc.syncGroup({ groupId: 'g', generationId: 2, memberId: rb.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
    // Both last heartbeated with their SyncGroup, now. b heartbeats again, a does not.
    clock.advance(200);
    assert.equal(gc.heartbeat({ groupId: 'g', generationId: 2, memberId: rb.memberId, groupInstanceId: null }), ErrorCode.NONE);
    clock.advance(99);
    const g = gc.group('g')!;
    assert.ok(g.members.has(a.memberId), 'a is still in the group 299 ms after its last heartbeat');
    assert.equal(g.state, 'Stable');
    clock.advance(1);
    assert.ok(!g.members.has(a.memberId), 'a was expelled at 300 ms');
    assert.equal(g.state, 'PreparingRebalance');
    const last = g.journal.list().at(-1)!;
    assert.equal(last.trigger, 'session timeout');
    assert.equal(last.triggeredBy, a.memberId);
    assert.deepEqual(last.removed.map((r) => r.memberId), [a.memberId]);
  });

  it('a member that does not rejoin within the rebalance timeout is removed (rebalance timeout)', async () => {
    const a = await join(gc, { rebalanceTimeoutMs: 200 });
    await gc.syncGroup({ groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
    let answered = false;
    const bJoin = join(gc, { clientId: 'b', rebalanceTimeoutMs: 200 }).finally(() => (answered = true));
    await clock.advanceAsync(199);
    assert.ok(!answered, 'the join phase waits for a until the rebalance timeout');
    await clock.advanceAsync(1);
    assert.ok(answered, 'and ends at the rebalance timeout');
    const rb = await bJoin;
    assert.equal(rb.errorCode, ErrorCode.NONE);
    assert.equal(rb.generationId, 2);
    assert.deepEqual([...gc.group('g')!.members.keys()], [rb.memberId]);
    const last = gc.group('g')!.journal.list().at(-1)!;
    assert.equal(last.trigger, 'member joined');
    assert.deepEqual(last.removed.map((r) => [r.memberId, r.why]), [[a.memberId, 'rebalance timeout']]);
    // The journal says whom the coordinator waited for and that the rebalance timeout ended the wait.
    assert.equal(last.joinPhase?.endedBy, 'rebalance timeout');
    assert.equal(last.joinPhase?.limitMs, 200);
    assert.deepEqual(last.joinPhase?.notRejoined.map((m) => m.memberId), [a.memberId]);
    assert.equal(last.joinPhase!.afterMs, 200);
  });

  it('group.initial.rebalance.delay.ms: a new group waits the delay, and again for each newcomer, up to the rebalance timeout', async () => {
    gc.shutdown();
    gc = new GroupCoordinator(store, { ...config, groupInitialRebalanceDelayMs: 3000 }, { clock });
    let answered = 0;
    const a = join(gc, { rebalanceTimeoutMs: 10000 }).finally(() => answered++);
    await clock.advanceAsync(1000);
    // A second member joins during the delay: the coordinator waits another full delay once the first one ends.
    const b = join(gc, { clientId: 'b', rebalanceTimeoutMs: 10000 }).finally(() => answered++);
    await clock.advanceAsync(4999);
    assert.equal(answered, 0, 'nothing at 5 999 ms');
    assert.equal(gc.classicGroup('g')!.state, 'PreparingRebalance');
    await clock.advanceAsync(1);
    assert.equal(answered, 2, 'both answered at 6 000 ms (3 000, then 3 000 more)');
    assert.deepEqual([(await a).generationId, (await b).generationId], [1, 1]);
    const phase = gc.group('g')!.journal.list().at(-1)!.joinPhase!;
    assert.deepEqual([phase.endedBy, phase.afterMs], ['initial rebalance delay', 6000]);
  });

  it('a member told MEMBER_ID_REQUIRED that does not come back within its session timeout is forgotten', async () => {
    const first = await join(gc, { requireKnownMemberId: true, sessionTimeoutMs: 1000 });
    assert.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
    assert.ok(gc.classicGroup('g')!.pendingMembers.has(first.memberId));
    clock.advance(999);
    assert.ok(gc.classicGroup('g')!.pendingMembers.has(first.memberId));
    clock.advance(1);
    assert.ok(!gc.classicGroup('g')!.pendingMembers.has(first.memberId), 'forgotten at 1 000 ms');
    assert.equal(clock.pending, 0, 'no timer left behind');
  });

  it('the sync timeout: members that do not send SyncGroup within the rebalance timeout are removed', async () => {
    const a = await join(gc, { rebalanceTimeoutMs: 500 });
    await gc.syncGroup({ groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
    const bJoin = join(gc, { clientId: 'b', rebalanceTimeoutMs: 500 });
    const ra = await join(gc, { memberId: a.memberId, rebalanceTimeoutMs: 500 });
    const rb = await bJoin;
    assert.equal(gc.classicGroup('g')!.state, 'CompletingRebalance');
    // Only b syncs (a follower's SyncGroup waits for the leader's); a, the leader, never does.
    const bSync = gc.syncGroup({ groupId: 'g', generationId: 2, memberId: rb.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
    await clock.advanceAsync(499);
    assert.equal(gc.classicGroup('g')!.state, 'CompletingRebalance');
    await clock.advanceAsync(1);
    assert.ok(!gc.group('g')!.members.has(ra.memberId), 'a removed at 500 ms');
    assert.equal((await bSync).errorCode, ErrorCode.REBALANCE_IN_PROGRESS, 'b is told to rejoin');
    assert.deepEqual(gc.group('g')!.journal.list().at(-1)!.removed.map((r) => [r.memberId, r.why]), [[ra.memberId, 'sync timeout']]);
  });

  it('offsets.retention.check.interval.ms: the periodic check expires an empty group\'s offsets on the first tick past the retention', async () => {
    gc.shutdown();
    gc = new GroupCoordinator(store, { ...config, offsetsRetentionMs: 60_000 }, { clock });
    gc.startExpiry(10_000);
    await gc.commitOffsets({ groupId: 'old', generationId: -1, memberId: '', groupInstanceId: null, offsets: [{ topic: 't', partition: 0, offset: 5, leaderEpoch: -1, metadata: '' }] });
    await clock.advanceAsync(59_999);
    assert.ok(gc.group('old'), 'kept through the tick at 50 000 ms');
    await clock.advanceAsync(1);
    assert.equal(gc.group('old'), undefined, 'expired by the tick at 60 000 ms');
  });

  it('static members: a restart within the session timeout needs no rebalance; the old id is fenced', async () => {
    const a = await join(gc, { groupInstanceId: 'instance-1' });
    assert.match(a.memberId, /^instance-1-/);
    await gc.syncGroup({ groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: 'instance-1', protocolType: null, protocolName: null, assignments: [{ memberId: a.memberId, assignment: Buffer.from('P') }] });
    const again = await join(gc, { groupInstanceId: 'instance-1' });
    assert.equal(again.errorCode, ErrorCode.NONE);
    assert.equal(again.generationId, 1, 'no new generation');
    assert.notEqual(again.memberId, a.memberId);
    assert.equal(again.skipAssignment, true, 'the returning leader skips the assignment');
    const s = await gc.syncGroup({ groupId: 'g', generationId: 1, memberId: again.memberId, groupInstanceId: 'instance-1', protocolType: null, protocolName: null, assignments: [] });
    assert.equal(s.assignment.toString(), 'P', 'the old assignment is kept');
    assert.equal(gc.heartbeat({ groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: 'instance-1' }), ErrorCode.FENCED_INSTANCE_ID);
    const last = gc.group('g')!.journal.list().at(-1)!;
    assert.equal(last.trigger, 'static member replaced');
    assert.equal(last.toGeneration, last.fromGeneration);
  });

  it('a static member that does not rejoin keeps its place through the rebalance (KIP-345) until its session timeout', async () => {
    const a = await join(gc, { groupInstanceId: 'i-a', sessionTimeoutMs: 400, rebalanceTimeoutMs: 150 });
    await gc.syncGroup({ groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: 'i-a', protocolType: null, protocolName: null, assignments: [] });
    // c joins; a (restarting, say) neither rejoins nor heartbeats. The join completes at the rebalance timeout.
    const cJoin = join(gc, { clientId: 'c', rebalanceTimeoutMs: 150 });
    await clock.advanceAsync(150);
    const c = await cJoin;
    assert.equal(c.errorCode, ErrorCode.NONE);
    assert.equal(c.generationId, 2);
    assert.equal(c.leader, c.memberId, 'the leader is a member that rejoined');
    assert.deepEqual(c.members.map((m) => m.groupInstanceId ?? 'dynamic').sort(), ['dynamic', 'i-a'], 'the assignor sees the absent static member');
    assert.ok(gc.group('g')!.members.has(a.memberId));
    const sync = await gc.syncGroup({ groupId: 'g', generationId: 2, memberId: c.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [{ memberId: a.memberId, assignment: Buffer.from('A') }, { memberId: c.memberId, assignment: Buffer.from('C') }] });
    assert.equal(sync.assignment.toString(), 'C');
    // Its session timeout (400 ms since its last heartbeat, its SyncGroup of generation 1) is what removes it.
    await clock.advanceAsync(249);
    assert.ok(gc.group('g')!.members.has(a.memberId), 'still there at 399 ms');
    await clock.advanceAsync(1);
    assert.ok(!gc.group('g')!.members.has(a.memberId), 'removed at 400 ms');
    const expiry = gc.group('g')!.journal.list().find((r) => r.trigger === 'session timeout');
    assert.ok(expiry, 'a rebalance for the session timeout');
    assert.equal(expiry.triggeredBy, a.memberId);
    assert.ok(!gc.group('g')!.journal.list().some((r) => r.removed.some((x) => x.memberId === a.memberId && x.why === 'rebalance timeout')));
  });

  it('a rebalance where only absent static members remain waits for them instead of completing without a leader', async () => {
    const a = await join(gc, { groupInstanceId: 'i-a', sessionTimeoutMs: 300, rebalanceTimeoutMs: 100 });
    await gc.syncGroup({ groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: 'i-a', protocolType: null, protocolName: null, assignments: [] });
    // A dynamic member joins, then leaves before the join completes: only the absent static member is left.
    const b = join(gc, { clientId: 'b', rebalanceTimeoutMs: 100 });
    const bId = [...gc.group('g')!.members.keys()].find((id) => id !== a.memberId)!;
    void gc.leaveGroup('g', [{ memberId: bId, groupInstanceId: null }]);
    assert.equal((await b).errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
    await clock.advanceAsync(150);
    assert.equal(gc.classicGroup('g')!.state, 'PreparingRebalance', 'still waiting for the static member');
    assert.equal(gc.classicGroup('g')!.generationId, 1);
    // It comes back with its instance id: the join completes with it as the leader.
    const back = await join(gc, { groupInstanceId: 'i-a', sessionTimeoutMs: 300, rebalanceTimeoutMs: 100 });
    assert.equal(back.errorCode, ErrorCode.NONE);
    assert.equal(back.leader, back.memberId);
    assert.equal(back.generationId, 2);
  });

  it('LeaveGroup removes members (batched, by instance id too) and rebalances the rest', async () => {
    const a = await join(gc, { groupInstanceId: 'i-a' });
    await gc.syncGroup({ groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: 'i-a', protocolType: null, protocolName: null, assignments: [] });
    const r = await gc.leaveGroup('g', [{ memberId: '', groupInstanceId: 'i-a', reason: 'shutting down' }, { memberId: 'ghost', groupInstanceId: null }]);
    assert.deepEqual(r.members.map((m) => m.errorCode), [ErrorCode.NONE, ErrorCode.UNKNOWN_MEMBER_ID]);
    assert.equal(gc.classicGroup('g')!.state, 'Empty');
    const last = gc.group('g')!.journal.list().at(-1)!;
    assert.equal(last.trigger, 'member left');
    assert.equal(last.detail, 'shutting down');
    assert.equal(last.outcome, 'empty');
  });

  it('offsets: commits are records in __consumer_offsets, fetched back, reloaded after a restart, metadata kept', async () => {
    const a = await join(gc);
    await gc.syncGroup({ groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
    const codes = await gc.commitOffsets({ groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: null, offsets: [{ topic: 't', partition: 0, offset: 42, leaderEpoch: 3, metadata: 'my metadata ✓' }, { topic: 't', partition: 1, offset: 7, leaderEpoch: -1, metadata: 'x'.repeat(5000) }] });
    assert.deepEqual(codes, [ErrorCode.NONE, ErrorCode.OFFSET_METADATA_TOO_LARGE]);
    assert.deepEqual(await gc.commitOffsets({ groupId: 'g', generationId: 0, memberId: a.memberId, groupInstanceId: null, offsets: [{ topic: 't', partition: 0, offset: 1, leaderEpoch: -1, metadata: null }] }), [ErrorCode.ILLEGAL_GENERATION]);
    assert.deepEqual(gc.fetchOffsets('g', [{ topic: 't', partition: 0 }, { topic: 't', partition: 9 }]), [
      { topic: 't', partition: 0, offset: 42, leaderEpoch: 3, metadata: 'my metadata ✓' },
      { topic: 't', partition: 9, offset: -1, leaderEpoch: -1, metadata: '' },
    ]);
    const recs = [...store.read(partitionForGroup('g', 50))].map((r) => decodeOffsetsTopicRecord(r.key, r.value));
    assert.ok(recs.some((r) => r.type === 'offset' && r.topic === 't' && r.value?.offset === 42));
    assert.ok(recs.some((r) => r.type === 'group' && r.value?.generation === 1 && r.value.members[0].memberId === a.memberId));
    gc.shutdown();
    const reloaded = new GroupCoordinator(store, config);
    assert.deepEqual(reloaded.load(), { groups: 1, offsets: 1 });
    assert.equal(reloaded.classicGroup('g')!.state, 'Stable');
    assert.equal(reloaded.classicGroup('g')!.generationId, 1);
    assert.equal(reloaded.fetchOffsets('g', null)[0].metadata, 'my metadata ✓');
    reloaded.shutdown();
  });

  it('transactional offsets (TxnOffsetCommit) count once their transaction commits, never if it aborts, also after a reload', async () => {
    const commit = (producerId: number, offset: number, generationId = -1, memberId = '') =>
      gc.commitTxnOffsets({ groupId: 'tg', producerId, producerEpoch: 0, generationId, memberId, groupInstanceId: null, offsets: [{ topic: 't', partition: 0, offset, leaderEpoch: -1, metadata: '' }] });
    assert.deepEqual(await commit(7, 10), [ErrorCode.NONE]);
    assert.deepEqual(await commit(8, 20), [ErrorCode.NONE]);
    assert.equal(gc.fetchOffsets('tg', [{ topic: 't', partition: 0 }])[0].offset, -1, 'not before the decision');
    assert.ok(gc.hasPendingTxnOffset('tg', 't', 0));
    gc.completeTxnOffsets(8, false);
    gc.completeTxnOffsets(7, true);
    assert.equal(gc.fetchOffsets('tg', [{ topic: 't', partition: 0 }])[0].offset, 10);
    assert.ok(!gc.hasPendingTxnOffset('tg', 't', 0));
    // A member's commit is checked like OffsetCommit: an unknown member or a stale generation is refused.
    assert.deepEqual(await commit(9, 30, 5, 'ghost'), [ErrorCode.UNKNOWN_MEMBER_ID]);
    // In the log: transactional records, then the markers, in any order between producers. A reload replays them.
    const part = partitionForGroup('tg', 50);
    store.marker(part, 8, 'abort');
    store.marker(part, 7, 'commit');
    assert.deepEqual(await commit(11, 40), [ErrorCode.NONE]);
    gc.shutdown();
    gc = new GroupCoordinator(store, config);
    gc.load();
    assert.equal(gc.fetchOffsets('tg', [{ topic: 't', partition: 0 }])[0].offset, 10, 'the committed one; the aborted and the undecided ones do not count');
    assert.ok(gc.hasPendingTxnOffset('tg', 't', 0), 'producer 11 is still undecided');
    gc.completeTxnOffsets(11, true);
    assert.equal(gc.fetchOffsets('tg', [{ topic: 't', partition: 0 }])[0].offset, 40);
  });

  it('a data directory from before Utils.abs placement: the group\'s own partition wins over its old one, whatever their order', async () => {
    // "my-group" hashes negative: masking the sign bit put it on partition 36, Kafka's Utils.abs puts it on 12.
    assert.equal(partitionForGroup('my-group', 50), 12);
    const value = (offset: number) => offsetCommitValue({ offset, leaderEpoch: -1, metadata: '', commitTimestamp: 1, expireTimestamp: -1 });
    await store.append(36, [{ key: offsetCommitKey('my-group', 't', 0), value: value(5) }]);
    await store.append(12, [{ key: offsetCommitKey('my-group', 't', 0), value: value(9) }]);
    gc.load();
    assert.equal(gc.fetchOffsets('my-group', [{ topic: 't', partition: 0 }])[0].offset, 9);
    // Only the old partition: its records still count (nothing is lost across the upgrade).
    await store.append(36, [{ key: offsetCommitKey('my-group', 't', 1), value: value(3) }]);
    gc.load();
    assert.equal(gc.fetchOffsets('my-group', [{ topic: 't', partition: 1 }])[0].offset, 3);
  });

  it('commits from outside the group (generation -1) work only while it is empty; deletes need an empty group', async () => {
    assert.deepEqual(await gc.commitOffsets({ groupId: 'admin', generationId: -1, memberId: '', groupInstanceId: null, offsets: [{ topic: 't', partition: 0, offset: 5, leaderEpoch: -1, metadata: '' }] }), [ErrorCode.NONE]);
    const a = await join(gc, { groupId: 'admin' });
    assert.deepEqual(await gc.commitOffsets({ groupId: 'admin', generationId: -1, memberId: '', groupInstanceId: null, offsets: [{ topic: 't', partition: 0, offset: 6, leaderEpoch: -1, metadata: '' }] }), [ErrorCode.REBALANCE_IN_PROGRESS]);
    assert.equal(await gc.deleteGroup('admin'), ErrorCode.NON_EMPTY_GROUP);
    void gc.leaveGroup('admin', [{ memberId: a.memberId, groupInstanceId: null }]);
    assert.equal(await gc.deleteGroup('admin'), ErrorCode.NONE);
    assert.equal(await gc.deleteGroup('admin'), ErrorCode.GROUP_ID_NOT_FOUND);
    assert.deepEqual(gc.fetchOffsets('admin', null), []);
  });

  it('offsets of an empty group expire after offsets.retention.minutes', async () => {
    const short = new GroupCoordinator(store, { ...config, offsetsRetentionMs: 60_000 }, { clock });
    await short.commitOffsets({ groupId: 'old', generationId: -1, memberId: '', groupInstanceId: null, offsets: [{ topic: 't', partition: 0, offset: 5, leaderEpoch: -1, metadata: '' }] });
    clock.advance(30_000);
    assert.equal(await short.expireOffsets(), 0);
    clock.advance(31_000);
    assert.equal(await short.expireOffsets(), 1);
    assert.equal(short.group('old'), undefined);
    short.shutdown();
  });

  it('onGroupChanged: the listener hears of a join, the stable generation, a leave, an offset commit and a delete, not of a heartbeat', async () => {
    let heard: string[] = [];
    // What a listener sees when it is called: the group's state already changed.
    const off = gc.onGroupChanged((id) => heard.push(`${id} ${gc.group(id)?.state ?? 'gone'}`));
    gc.onGroupChanged(() => {
      throw new Error('a broken listener');
    });
    const step = async <T>(f: () => Promise<T> | T): Promise<T> => {
      heard = [];
      return f();
    };
    const a = await step(() => join(gc));
    assert.equal(heard.at(-1), 'g CompletingRebalance', 'join');
    assert.ok(heard.includes('g PreparingRebalance'));
    await step(() => gc.syncGroup({ groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] }));
    assert.deepEqual(heard, ['g Stable'], 'sync');
    await step(() => gc.heartbeat({ groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: null }));
    assert.deepEqual(heard, [], 'a heartbeat changes nothing');
    await step(() => gc.commitOffsets({ groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: null, offsets: [{ topic: 't', partition: 0, offset: 1, leaderEpoch: -1, metadata: '' }] }));
    assert.deepEqual(heard, ['g Stable'], 'offset commit');
    await step(() => gc.leaveGroup('g', [{ memberId: a.memberId, groupInstanceId: null }]));
    assert.equal(heard.at(-1), 'g Empty', 'leave');
    await step(() => gc.deleteGroup('g'));
    assert.deepEqual(heard, ['g gone'], 'delete');
    off();
    await step(() => gc.commitOffsets({ groupId: 'g', generationId: -1, memberId: '', groupInstanceId: null, offsets: [{ topic: 't', partition: 0, offset: 1, leaderEpoch: -1, metadata: '' }] }));
    assert.deepEqual(heard, [], 'unsubscribed');
  });

  it('storage failures become retriable coordinator errors', async () => {
    const { KafkaError } = await import('../../../src/broker/errors');
    store.failWith = new KafkaError('NOT_LEADER_OR_FOLLOWER');
    assert.deepEqual(await gc.commitOffsets({ groupId: 'x', generationId: -1, memberId: '', groupInstanceId: null, offsets: [{ topic: 't', partition: 0, offset: 1, leaderEpoch: -1, metadata: '' }] }), [ErrorCode.NOT_COORDINATOR]);
  });
});
