// The consumer group protocol (KIP-848) over raw frames: ApiVersions advertises it, ConsumerGroupHeartbeat and
// ConsumerGroupDescribe answer as Kafka 4 does, on the group's coordinator only; ListGroups v5 and DescribeGroups see
// consumer groups as Kafka 4 shows them; the state survives a restart of the broker (replayed from __consumer_offsets).
import { strict as assert } from 'node:assert';
import { startTestBroker, TestBroker } from '../support/broker';
import { sendRequest } from '../support/raw-client';
import { ErrorCode } from '../../src/broker/errors';
import { uuidFromKafkaString } from '../../src/protocol/codec';

const heartbeat = (groupId: string, memberId: string, memberEpoch: number, over: Record<string, unknown> = {}) => ({
  groupId,
  memberId,
  memberEpoch,
  instanceId: null,
  rackId: null,
  rebalanceTimeoutMs: memberEpoch === 0 ? 30000 : -1,
  subscribedTopicNames: memberEpoch === 0 ? ['cg-t'] : null,
  subscribedTopicRegex: null,
  serverAssignor: null,
  topicPartitions: memberEpoch === 0 ? [] : null,
  ...over,
});

describe('consumer group protocol (KIP-848) over raw frames', function () {
  this.timeout(30000);
  let broker: TestBroker;
  let topicId: string;
  const start = async (dataDir?: string) => {
    broker = await startTestBroker({ nodes: 3, dataDir, config: { 'offsets.topic.replication.factor': '3' } });
  };
  before(async () => {
    await start();
    topicId = uuidFromKafkaString(broker.cluster.createTopic('cg-t', 4, 3).topicId);
  });
  after(() => broker.stop());

  async function coordinatorOf(groupId: string): Promise<{ at: string; elsewhere: string }> {
    const r = await sendRequest(broker.bootstrap, 10, 4, { key: '', keyType: 0, coordinatorKeys: [groupId] });
    const c = r.coordinators[0];
    const other = broker.server.listeners().find((l) => l.nodeId !== c.nodeId)!;
    return { at: `${c.host}:${c.port}`, elsewhere: `${other.host}:${other.port}` };
  }

  it('ApiVersions advertises ConsumerGroupHeartbeat 0-1 and ConsumerGroupDescribe 0', async () => {
    const r = await sendRequest(broker.bootstrap, 18, 3, { clientSoftwareName: 'raw', clientSoftwareVersion: '1' });
    const byKey = new Map(r.apiKeys.map((k) => [k.apiKey, k]));
    assert.deepEqual([byKey.get(68)?.minVersion, byKey.get(68)?.maxVersion], [0, 1]);
    assert.deepEqual([byKey.get(69)?.minVersion, byKey.get(69)?.maxVersion], [0, 0]);
  });

  it('a member joins, is described with its assignment, and the group is listed and described as Kafka 4 does', async () => {
    const { at, elsewhere } = await coordinatorOf('cg-1');
    assert.equal((await sendRequest(elsewhere, 68, 1, heartbeat('cg-1', 'm-1', 0))).errorCode, ErrorCode.NOT_COORDINATOR);
    const joined = await sendRequest(at, 68, 1, heartbeat('cg-1', 'm-1', 0, { rackId: 'rack-a', instanceId: 'inst-1' }));
    assert.equal(joined.errorCode, ErrorCode.NONE);
    assert.equal(joined.memberId, 'm-1');
    assert.equal(joined.memberEpoch, 1);
    assert.equal(joined.heartbeatIntervalMs, 5000);
    assert.deepEqual(joined.assignment?.topicPartitions, [{ topicId, partitions: [0, 1, 2, 3] }]);

    const d = await sendRequest(at, 69, 0, { groupIds: ['cg-1', 'missing'], includeAuthorizedOperations: false });
    const [g, missing] = d.groups;
    assert.equal(g.errorCode, ErrorCode.NONE);
    assert.equal(g.groupState, 'Stable');
    assert.equal(g.groupEpoch, 1);
    assert.equal(g.assignmentEpoch, 1);
    assert.equal(g.assignorName, 'uniform');
    assert.equal(g.members.length, 1);
    const m = g.members[0];
    assert.deepEqual([m.memberId, m.instanceId, m.rackId, m.memberEpoch, m.subscribedTopicNames], ['m-1', 'inst-1', 'rack-a', 1, ['cg-t']]);
    assert.deepEqual(m.assignment.topicPartitions, [{ topicId, topicName: 'cg-t', partitions: [0, 1, 2, 3] }]);
    assert.deepEqual(m.targetAssignment.topicPartitions, m.assignment.topicPartitions);
    assert.equal(missing.errorCode, ErrorCode.GROUP_ID_NOT_FOUND);

    // ListGroups v5: the type, filterable by type and by state (any case).
    const listed = await sendRequest(at, 16, 5, { statesFilter: ['stable'], typesFilter: ['Consumer'] });
    const mine = listed.groups.find((x) => x.groupId === 'cg-1');
    assert.deepEqual([mine?.protocolType, mine?.groupState, mine?.groupType], ['consumer', 'Stable', 'consumer']);
    assert.equal((await sendRequest(at, 16, 5, { statesFilter: [], typesFilter: ['classic'] })).groups.find((x) => x.groupId === 'cg-1'), undefined);
    // DescribeGroups serves classic groups: before v6 a consumer group reads as Dead, without an error.
    const dg = await sendRequest(at, 15, 5, { groups: ['cg-1'], includeAuthorizedOperations: false });
    assert.deepEqual([dg.groups[0].errorCode, dg.groups[0].groupState, dg.groups[0].members.length], [ErrorCode.NONE, 'Dead', 0]);
    // A classic group is not a consumer group.
    const cd = await sendRequest(at, 69, 0, { groupIds: [''], includeAuthorizedOperations: false });
    assert.equal(cd.groups[0].errorCode, ErrorCode.INVALID_GROUP_ID);
  });

  it('OffsetCommit v9 and OffsetFetch v9 take the member epoch', async () => {
    const { at } = await coordinatorOf('cg-1');
    const commit = (epoch: number) =>
      sendRequest(at, 8, 9, { groupId: 'cg-1', generationIdOrMemberEpoch: epoch, memberId: 'm-1', groupInstanceId: null, retentionTimeMs: -1, topics: [{ name: 'cg-t', partitions: [{ partitionIndex: 0, committedOffset: 12, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: 'x' }] }] });
    assert.equal((await commit(1)).topics[0].partitions[0].errorCode, ErrorCode.NONE);
    assert.equal((await commit(7)).topics[0].partitions[0].errorCode, ErrorCode.STALE_MEMBER_EPOCH);
    const fetch = (memberId: string | null, memberEpoch: number) =>
      sendRequest(at, 9, 9, { groupId: '', topics: [], groups: [{ groupId: 'cg-1', memberId, memberEpoch, topics: [{ name: 'cg-t', partitionIndexes: [0] }] }], requireStable: false });
    const f = (await fetch('m-1', 1)).groups[0];
    assert.equal(f.errorCode, ErrorCode.NONE);
    assert.equal(f.topics[0].partitions[0].committedOffset, 12);
    assert.equal((await fetch('m-1', 0)).groups[0].errorCode, ErrorCode.STALE_MEMBER_EPOCH);
    assert.equal((await fetch('nobody', 1)).groups[0].errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
    assert.equal((await fetch(null, -1)).groups[0].errorCode, ErrorCode.NONE);
  });

  it('the group, its members, epochs and offsets survive a restart of the broker', async () => {
    const dataDir = broker.dataDir;
    await broker.stop(true);
    await start(dataDir);
    const { at } = await coordinatorOf('cg-1');
    const d = (await sendRequest(at, 69, 0, { groupIds: ['cg-1'], includeAuthorizedOperations: false })).groups[0];
    assert.equal(d.errorCode, ErrorCode.NONE);
    assert.deepEqual([d.groupEpoch, d.assignmentEpoch, d.members.map((m) => [m.memberId, m.memberEpoch, m.instanceId])], [1, 1, [['m-1', 1, 'inst-1']]]);
    // The member carries on with its epoch.
    const r = await sendRequest(at, 68, 1, heartbeat('cg-1', 'm-1', 1));
    assert.equal(r.errorCode, ErrorCode.NONE);
    assert.equal(r.memberEpoch, 1);
    const f = await sendRequest(at, 9, 9, { groupId: '', topics: [], groups: [{ groupId: 'cg-1', memberId: 'm-1', memberEpoch: 1, topics: null }], requireStable: false });
    assert.equal(f.groups[0].topics[0].partitions[0].committedOffset, 12);
    // It leaves; the group stays, empty, and can be deleted.
    const left = await sendRequest(at, 68, 1, heartbeat('cg-1', 'm-1', -1, { instanceId: 'inst-1' }));
    assert.deepEqual([left.errorCode, left.memberEpoch], [ErrorCode.NONE, -1]);
    assert.equal((await sendRequest(at, 69, 0, { groupIds: ['cg-1'], includeAuthorizedOperations: false })).groups[0].groupState, 'Empty');
    const del = await sendRequest(at, 42, 2, { groupsNames: ['cg-1'] });
    assert.equal(del.results[0].errorCode, ErrorCode.NONE);
    assert.equal((await sendRequest(at, 69, 0, { groupIds: ['cg-1'], includeAuthorizedOperations: false })).groups[0].errorCode, ErrorCode.GROUP_ID_NOT_FOUND);
  });

  it('group.coordinator.rebalance.protocols=classic: the consumer protocol\'s APIs are not advertised', async () => {
    const classicOnly = await startTestBroker({ config: { 'group.coordinator.rebalance.protocols': 'classic' } });
    try {
      const r = await sendRequest(classicOnly.bootstrap, 18, 3, { clientSoftwareName: 'raw', clientSoftwareVersion: '1' });
      assert.ok(!r.apiKeys.some((k) => k.apiKey === 68 || k.apiKey === 69));
      assert.ok(r.apiKeys.some((k) => k.apiKey === 11), 'JoinGroup is');
    } finally {
      await classicOnly.stop();
    }
  });

  it('v0 members get an id from the coordinator; errors carry Kafka\'s messages', async () => {
    const { at } = await coordinatorOf('cg-2');
    const r = await sendRequest(at, 68, 0, heartbeat('cg-2', '', 0));
    assert.equal(r.errorCode, ErrorCode.NONE);
    assert.match(r.memberId ?? '', /^[0-9a-f-]{36}$/);
    const bad = await sendRequest(at, 68, 1, heartbeat('cg-2', '', 0));
    assert.equal(bad.errorCode, ErrorCode.INVALID_REQUEST);
    assert.equal(bad.errorMessage, "MemberId can't be empty.");
    const fenced = await sendRequest(at, 68, 1, heartbeat('cg-2', r.memberId!, 9));
    assert.equal(fenced.errorCode, ErrorCode.FENCED_MEMBER_EPOCH);
    // A classic member cannot join a consumer group.
    const join = await sendRequest(at, 11, 9, { groupId: 'cg-2', sessionTimeoutMs: 10000, rebalanceTimeoutMs: 10000, memberId: '', groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }], reason: null });
    assert.equal(join.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  });
});
