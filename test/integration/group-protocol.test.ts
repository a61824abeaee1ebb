import { strict as assert } from 'node:assert';
import { startTestBroker, TestBroker } from '../support/broker';
import { sendRequest } from '../support/raw-client';
import { ManualClock } from '../support/manual-clock';
import { ErrorCode } from '../../src/broker/errors';
import { Writer } from '../../src/protocol/codec';
import { encodeConsumerProtocolSubscription } from '../../src/protocol/messages/consumer-protocol-subscription';

function subscription(topics: string[]): Buffer {
  const w = new Writer(64, Number.MAX_SAFE_INTEGER);
  w.int16(1);
  encodeConsumerProtocolSubscription(w, 1, { topics, userData: null, ownedPartitions: [], generationId: -1, rackId: null });
  return w.toBuffer();
}

const joinReq = (groupId: string, memberId = '', topics = ['t']) => ({
  groupId,
  sessionTimeoutMs: 10000,
  rebalanceTimeoutMs: 10000,
  memberId,
  groupInstanceId: null,
  protocolType: 'consumer',
  protocols: [{ name: 'range', metadata: subscription(topics) }],
  reason: null,
});

describe('group APIs over raw frames: coordinators, limits, offsets of several groups', function () {
  this.timeout(30000);
  let broker: TestBroker;
  before(async () => {
    broker = await startTestBroker({ nodes: 3, config: { 'group.initial.rebalance.delay.ms': '0', 'group.max.size': '1' } });
    broker.cluster.createTopic('t', 2, 1);
    broker.cluster.createTopic('other', 1, 1);
  });
  after(() => broker.stop());

  /** The coordinator of `groupId` as FindCoordinator answers, and some other node. */
  async function coordinator(groupId: string): Promise<{ at: string; elsewhere: string; node: number }> {
    const r = await sendRequest(broker.bootstrap, 10, 4, { key: '', keyType: 0, coordinatorKeys: [groupId] });
    const c = r.coordinators[0];
    assert.equal(c.errorCode, 0);
    assert.equal(c.nodeId, broker.cluster.groupCoordinator.coordinatorFor(groupId));
    const other = broker.server.listeners().find((l) => l.nodeId !== c.nodeId)!;
    return { at: `${c.host}:${c.port}`, elsewhere: `${other.host}:${other.port}`, node: c.nodeId };
  }

  it('group requests to a node that is not the coordinator get NOT_COORDINATOR', async () => {
    const { elsewhere } = await coordinator('g-nc');
    assert.equal((await sendRequest(elsewhere, 11, 9, joinReq('g-nc'))).errorCode, ErrorCode.NOT_COORDINATOR);
    assert.equal((await sendRequest(elsewhere, 12, 4, { groupId: 'g-nc', generationId: 1, memberId: 'm', groupInstanceId: null })).errorCode, ErrorCode.NOT_COORDINATOR);
    const commit = await sendRequest(elsewhere, 8, 9, { groupId: 'g-nc', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1, topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: null }] }] });
    assert.equal(commit.topics[0].partitions[0].errorCode, ErrorCode.NOT_COORDINATOR);
  });

  it('on a manual clock, a member that stops heartbeating is removed at session.timeout.ms after its last heartbeat, to the millisecond', async () => {
    const clock = new ManualClock();
    const b = await startTestBroker({ clock, config: { 'group.initial.rebalance.delay.ms': '0' } });
    try {
      // FindCoordinator first, as clients do: it creates __consumer_offsets.
      assert.equal((await sendRequest(b.bootstrap, 10, 4, { key: '', keyType: 0, coordinatorKeys: ['g-clock'] })).coordinators[0].errorCode, 0);
      const first = await sendRequest(b.bootstrap, 11, 9, joinReq('g-clock'));
      const joined = await sendRequest(b.bootstrap, 11, 9, joinReq('g-clock', first.memberId));
      assert.equal(joined.errorCode, 0);
      await sendRequest(b.bootstrap, 14, 5, { groupId: 'g-clock', generationId: joined.generationId, memberId: joined.memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments: [] });
      const heartbeat = async () => (await sendRequest(b.bootstrap, 12, 4, { groupId: 'g-clock', generationId: joined.generationId, memberId: joined.memberId, groupInstanceId: null })).errorCode;
      await clock.advanceAsync(9999);
      assert.equal(await heartbeat(), 0, 'alive at 9 999 ms; the heartbeat starts its session over');
      await clock.advanceAsync(9999);
      assert.equal(b.cluster.groupCoordinator.group('g-clock')!.state, 'Stable');
      await clock.advanceAsync(1);
      assert.equal(b.cluster.groupCoordinator.group('g-clock')!.state, 'Empty', 'removed 10 000 ms after its last heartbeat');
      assert.equal(await heartbeat(), ErrorCode.UNKNOWN_MEMBER_ID);
    } finally {
      await b.stop();
    }
  });

  it('GROUP_MAX_SIZE_REACHED past group.max.size; MEMBER_ID_REQUIRED for v4+ joins', async () => {
    const { at } = await coordinator('g-max');
    const first = await sendRequest(at, 11, 9, joinReq('g-max'));
    assert.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
    const joined = await sendRequest(at, 11, 9, joinReq('g-max', first.memberId));
    assert.equal(joined.errorCode, 0);
    const second = await sendRequest(at, 11, 9, joinReq('g-max'));
    assert.equal(second.errorCode, ErrorCode.GROUP_MAX_SIZE_REACHED);
    await sendRequest(at, 13, 5, { groupId: 'g-max', memberId: '', members: [{ memberId: joined.memberId, groupInstanceId: null, reason: 'test done' }] });
  });

  it('OffsetDelete refuses topics a member subscribes to; OffsetFetch v8 answers several groups; ListGroups filters by state', async () => {
    const g = 'g-od';
    const { at } = await coordinator(g);
    const m = await sendRequest(at, 11, 9, joinReq(g, '', ['t']));
    const joined = await sendRequest(at, 11, 9, joinReq(g, m.memberId, ['t']));
    await sendRequest(at, 14, 5, { groupId: g, generationId: joined.generationId, memberId: joined.memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments: [] });
    const commit = await sendRequest(at, 8, 9, {
      groupId: g,
      generationIdOrMemberEpoch: joined.generationId,
      memberId: joined.memberId,
      groupInstanceId: null,
      retentionTimeMs: -1,
      topics: [
        { name: 't', partitions: [{ partitionIndex: 0, committedOffset: 3, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: 'meta' }] },
        { name: 'other', partitions: [{ partitionIndex: 0, committedOffset: 9, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: null }] },
      ],
    });
    assert.deepEqual(commit.topics.map((t) => t.partitions[0].errorCode), [0, 0]);
    const del = await sendRequest(at, 47, 0, { groupId: g, topics: [{ name: 't', partitions: [{ partitionIndex: 0 }] }, { name: 'other', partitions: [{ partitionIndex: 0 }] }] });
    assert.equal(del.errorCode, 0);
    assert.deepEqual(del.topics.map((t) => t.partitions[0].errorCode), [ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC, 0]);
    // v8: two groups in one request (the second unknown: offsets -1).
    const fetched = await sendRequest(at, 9, 8, { groupId: '', topics: [], requireStable: true, groups: [{ groupId: g, memberId: null, memberEpoch: -1, topics: null }] });
    const rows = fetched.groups[0].topics.flatMap((t) => t.partitions.map((p) => [t.name, p.partitionIndex, p.committedOffset, p.metadata]));
    assert.deepEqual(rows, [['t', 0, 3, 'meta']]);
    const stable = await sendRequest(at, 16, 5, { statesFilter: ['Stable'], typesFilter: [] });
    assert.ok(stable.groups.some((x) => x.groupId === g && x.groupState === 'Stable' && x.groupType === 'classic'));
    const empty = await sendRequest(at, 16, 5, { statesFilter: ['Empty'], typesFilter: [] });
    assert.ok(!empty.groups.some((x) => x.groupId === g));
    const described = await sendRequest(at, 15, 5, { groups: [g, 'nope'], includeAuthorizedOperations: false });
    assert.equal(described.groups[0].groupState, 'Stable');
    assert.equal(described.groups[0].members[0].memberId, joined.memberId);
    // An unknown group is Dead where it would live, NOT_COORDINATOR elsewhere (Kafka routes per group).
    const sameNode = broker.cluster.groupCoordinator.coordinatorFor('nope') === broker.cluster.groupCoordinator.coordinatorFor(g);
    assert.deepEqual([described.groups[1].errorCode, described.groups[1].groupState], sameNode ? [0, 'Dead'] : [ErrorCode.NOT_COORDINATOR, '']);
    // DeleteGroups while it has a member: NON_EMPTY_GROUP.
    const dg = await sendRequest(at, 42, 2, { groupsNames: [g] });
    assert.equal(dg.results[0].errorCode, ErrorCode.NON_EMPTY_GROUP);
  });

  const commitPartition = (name: string, partitionIndex: number, committedOffset: number) => ({ name, partitions: [{ partitionIndex, committedOffset, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: null }] });

  it('OffsetCommit, TxnOffsetCommit and OffsetDelete answer UNKNOWN_TOPIC_OR_PARTITION for a topic or partition that does not exist, and store nothing for it', async () => {
    const g = 'g-unknown-topic';
    const { at } = await coordinator(g);
    for (const v of [2, 5, 8, 9]) {
      const commit = await sendRequest(at, 8, v, {
        groupId: g,
        generationIdOrMemberEpoch: -1,
        memberId: '',
        groupInstanceId: null,
        retentionTimeMs: -1,
        topics: [commitPartition('no-such-topic', 0, 5), commitPartition('t', 7, 5), commitPartition('t', 1, 4)],
      });
      assert.deepEqual(commit.topics.map((t) => t.partitions[0].errorCode), [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 0], `v${v}`);
    }
    const fetched = await sendRequest(at, 9, 8, { groupId: '', topics: [], requireStable: false, groups: [{ groupId: g, memberId: null, memberEpoch: -1, topics: null }] });
    assert.deepEqual(fetched.groups[0].topics.flatMap((t) => t.partitions.map((p) => [t.name, p.partitionIndex, p.committedOffset])), [['t', 1, 4]], 'only the existing partition was stored');
    // Only unknown topics: the group is not even created.
    const only = 'g-only-unknown';
    const c2 = await coordinator(only);
    const r = await sendRequest(c2.at, 8, 9, { groupId: only, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1, topics: [commitPartition('missing-a', 0, 1)] });
    assert.equal(r.topics[0].partitions[0].errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    assert.equal(broker.cluster.groupCoordinator.group(only)?.offsets.size ?? 0, 0);
    // TxnOffsetCommit: the topic is checked before the producer.
    const txn = await sendRequest(at, 28, 3, { transactionalId: 'no-txn', groupId: g, producerId: 1, producerEpoch: 0, generationId: -1, memberId: '', groupInstanceId: null, topics: [commitPartition('no-such-topic', 0, 1), commitPartition('t', 0, 1)] });
    assert.deepEqual(txn.topics.map((t) => t.partitions[0].errorCode), [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.INVALID_PRODUCER_ID_MAPPING]);
    const del = await sendRequest(at, 47, 0, { groupId: g, topics: [{ name: 'no-such-topic', partitions: [{ partitionIndex: 0 }] }, { name: 't', partitions: [{ partitionIndex: 1 }] }] });
    assert.equal(del.errorCode, 0);
    assert.deepEqual(del.topics.map((t) => t.partitions[0].errorCode), [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 0]);
  });
});
