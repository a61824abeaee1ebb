// The consumer-group APIs with the StandardAuthorizer, in raw frames, as Kafka's KafkaApis answers them: the group
// checked first (READ to take part or commit, DESCRIBE to look, DELETE to delete), then the topics (READ to commit or
// delete offsets, DESCRIBE to fetch them or subscribe), so that a refusal never tells whether a topic or group
// exists; the error codes and response shapes of Kafka's error responses; authorized operations from the ACLs.
import { strict as assert } from 'node:assert';
import { startAuthzBroker, AuthzBroker, AclOperation as Op, ResourceType as R, PatternType } from '../support/authz';
import { RawClient } from '../support/raw-client';
import { ErrorCode } from '../../src/broker/errors';
import { Writer } from '../../src/protocol/codec';
import { encodeConsumerProtocolSubscription } from '../../src/protocol/messages/consumer-protocol-subscription';
import { OPERATIONS_NOT_REQUESTED } from '../../src/broker/security/acl-operations';

const bits = (...ops: number[]) => ops.reduce((b, o) => b | (1 << o), 0);
const GROUP_OPS = bits(Op.READ, Op.DESCRIBE, Op.DELETE);

function subscription(topics: string[]): Buffer {
  const w = new Writer(64, Number.MAX_SAFE_INTEGER);
  w.int16(1);
  encodeConsumerProtocolSubscription(w, 1, { topics, userData: null, ownedPartitions: [], generationId: -1, rackId: null });
  return w.toBuffer();
}

const joinReq = (groupId: string, memberId = '') => ({
  groupId,
  sessionTimeoutMs: 30000,
  rebalanceTimeoutMs: 30000,
  memberId,
  groupInstanceId: null,
  protocolType: 'consumer',
  protocols: [{ name: 'range', metadata: subscription(['orders']) }],
  reason: null,
});

const commitReq = (groupId: string, topics: Array<[string, number[]]>, offset = 5) => ({
  groupId,
  generationIdOrMemberEpoch: -1,
  memberId: '',
  groupInstanceId: null,
  retentionTimeMs: -1,
  topics: topics.map(([name, partitions]) => ({ name, partitions: partitions.map((partitionIndex) => ({ partitionIndex, committedOffset: offset, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: 'm' })) })),
});

const cgHeartbeat = (groupId: string, memberId: string, topics: string[]) => ({
  groupId,
  memberId,
  memberEpoch: 0,
  instanceId: null,
  rackId: null,
  rebalanceTimeoutMs: 30000,
  subscribedTopicNames: topics,
  subscribedTopicRegex: null,
  serverAssignor: null,
  topicPartitions: [],
});

/** Each partition's error code, by topic, in the order of the response. */
const codes = (r: { topics: Array<{ name: string; partitions: Array<{ partitionIndex: number; errorCode: number }> }> }) => r.topics.map((t) => [t.name, t.partitions.map((p) => p.errorCode)]);

describe('consumer-group APIs with the StandardAuthorizer', function () {
  this.timeout(30000);
  let broker: AuthzBroker;
  let admin: RawClient;
  let alice: RawClient;
  let bob: RawClient;
  before(async () => {
    broker = await startAuthzBroker({ config: { 'group.initial.rebalance.delay.ms': '0' } });
    broker.cluster.createTopic('orders', 2, 1);
    broker.cluster.createTopic('secret', 1, 1);
    broker.cluster.createTopic('cg-in', 2, 1);
    broker.cluster.createTopic('cg-out', 1, 1);
    admin = await broker.connectAs('admin');
    alice = await broker.connectAs('alice');
    bob = await broker.connectAs('bob');
    // The super user creates __consumer_offsets, as a client's first FindCoordinator does.
    assert.equal((await admin.request(10, 4, { key: '', keyType: 0, coordinatorKeys: ['any'] })).coordinators[0].errorCode, 0);
  });
  after(async () => broker?.stop());

  const denialLogged = (principal: string, op: string, resource: string, api: string) =>
    broker.logger.lines.some((l) => l.includes(`Principal = User:${principal} is Denied operation = ${op} `) && l.includes(`on resource = ${resource} for request = ${api} `));

  it('FindCoordinator: DESCRIBE on the group or the transactional id, per key from v4, with the old error response before', async () => {
    const v4 = await alice.request(10, 4, { key: '', keyType: 0, coordinatorKeys: ['fc-app', 'fc-other'] });
    assert.deepEqual(v4.coordinators.map((c) => [c.key, c.errorCode, c.nodeId, c.host, c.port, c.errorMessage]), [
      ['fc-app', ErrorCode.GROUP_AUTHORIZATION_FAILED, -1, '', -1, null],
      ['fc-other', ErrorCode.GROUP_AUTHORIZATION_FAILED, -1, '', -1, null],
    ]);
    const v3 = await alice.request(10, 3, { key: 'fc-app', keyType: 0, coordinatorKeys: [] });
    assert.deepEqual([v3.errorCode, v3.errorMessage, v3.nodeId, v3.host, v3.port], [ErrorCode.GROUP_AUTHORIZATION_FAILED, 'Group authorization failed.', -1, '', -1]);
    const v0 = await alice.request(10, 0, { key: 'fc-app', keyType: 0, coordinatorKeys: [] });
    assert.equal(v0.errorCode, ErrorCode.GROUP_AUTHORIZATION_FAILED);
    const txn = await alice.request(10, 3, { key: 'fc-txn', keyType: 1, coordinatorKeys: [] });
    assert.deepEqual([txn.errorCode, txn.errorMessage, txn.nodeId], [ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, 'Transactional Id authorization failed.', -1]);
    assert.ok(denialLogged('alice', 'DESCRIBE', 'Group:LITERAL:fc-app', 'FindCoordinator'), 'the denial is logged');

    // A prefixed ACL covers every group it prefixes; READ on a transactional id would not do, DESCRIBE does.
    broker.allow('User:alice', Op.DESCRIBE, R.GROUP, 'fc-', PatternType.PREFIXED);
    const after = await alice.request(10, 4, { key: '', keyType: 0, coordinatorKeys: ['fc-app', 'other-app'] });
    assert.deepEqual(after.coordinators.map((c) => [c.key, c.errorCode]), [['fc-app', 0], ['other-app', ErrorCode.GROUP_AUTHORIZATION_FAILED]]);
    assert.equal(after.coordinators[0].nodeId, 0);
    broker.allow('User:alice', Op.DESCRIBE, R.TRANSACTIONAL_ID, 'fc-txn');
    assert.equal((await alice.request(10, 4, { key: '', keyType: 1, coordinatorKeys: ['fc-txn'] })).coordinators[0].errorCode, 0);
    assert.equal((await admin.request(10, 4, { key: '', keyType: 1, coordinatorKeys: ['any-txn'] })).coordinators[0].errorCode, 0, 'a super user passes');
  });

  it('JoinGroup, SyncGroup, Heartbeat, LeaveGroup: READ on the group; a DENY overrides an ALLOW; a super user passes', async () => {
    const g = 'classic-app';
    const j9 = await alice.request(11, 9, joinReq(g, 'someone'));
    assert.deepEqual([j9.errorCode, j9.generationId, j9.protocolType, j9.protocolName, j9.leader, j9.memberId, j9.members], [ErrorCode.GROUP_AUTHORIZATION_FAILED, -1, null, null, '', '', []]);
    const j5 = await alice.request(11, 5, joinReq(g));
    assert.deepEqual([j5.errorCode, j5.protocolName, j5.memberId], [ErrorCode.GROUP_AUTHORIZATION_FAILED, '', '']);
    const syncReq = (memberId: string, generationId: number) => ({ groupId: g, generationId, memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments: [] });
    const s = await alice.request(14, 5, syncReq('m', 1));
    assert.deepEqual([s.errorCode, s.protocolType, s.protocolName, s.assignment.length], [ErrorCode.GROUP_AUTHORIZATION_FAILED, null, null, 0]);
    // v5 without its mandatory protocol type: Kafka refuses it before it authorizes the request.
    assert.equal((await alice.request(14, 5, { ...syncReq('m', 1), protocolType: null })).errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    assert.equal((await alice.request(12, 4, { groupId: g, generationId: 1, memberId: 'm', groupInstanceId: null })).errorCode, ErrorCode.GROUP_AUTHORIZATION_FAILED);
    const l = await alice.request(13, 5, { groupId: g, memberId: '', members: [{ memberId: 'm', groupInstanceId: null, reason: null }] });
    assert.deepEqual([l.errorCode, l.members], [ErrorCode.GROUP_AUTHORIZATION_FAILED, []]);
    assert.equal((await alice.request(13, 0, { groupId: g, memberId: 'm', members: [] })).errorCode, ErrorCode.GROUP_AUTHORIZATION_FAILED);
    assert.equal(broker.cluster.groupCoordinator.group(g), undefined, 'nothing reached the coordinator');
    assert.ok(denialLogged('alice', 'READ', `Group:LITERAL:${g}`, 'JoinGroup'));

    broker.allow('User:alice', Op.READ, R.GROUP, g);
    const first = await alice.request(11, 9, joinReq(g));
    assert.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
    const joined = await alice.request(11, 9, joinReq(g, first.memberId));
    assert.equal(joined.errorCode, 0);
    assert.equal((await alice.request(14, 5, syncReq(joined.memberId, joined.generationId))).errorCode, 0);
    const hb = { groupId: g, generationId: joined.generationId, memberId: joined.memberId, groupInstanceId: null };
    assert.equal((await alice.request(12, 4, hb)).errorCode, 0);

    broker.deny('User:alice', Op.READ, R.GROUP, g);
    assert.equal((await alice.request(12, 4, hb)).errorCode, ErrorCode.GROUP_AUTHORIZATION_FAILED, 'DENY wins over ALLOW');
    const leave = { groupId: g, memberId: '', members: [{ memberId: joined.memberId, groupInstanceId: null, reason: null }] };
    assert.equal((await alice.request(13, 5, leave)).errorCode, ErrorCode.GROUP_AUTHORIZATION_FAILED);
    assert.equal((await admin.request(12, 4, hb)).errorCode, 0, 'a super user passes');
    const left = await admin.request(13, 5, leave);
    assert.deepEqual([left.errorCode, left.members.map((m) => m.errorCode)], [0, [0]]);
    assert.equal(broker.cluster.groupCoordinator.group(g)!.state, 'Empty');
  });

  it('OffsetCommit: READ on the group for every partition, then READ on each topic, before its existence', async () => {
    const g = 'oc-app';
    const req = commitReq(g, [['orders', [0, 1]], ['secret', [0]], ['no-such-topic', [0]]]);
    const GAF = ErrorCode.GROUP_AUTHORIZATION_FAILED;
    const TAF = ErrorCode.TOPIC_AUTHORIZATION_FAILED;
    assert.deepEqual(codes(await alice.request(8, 9, req)), [['orders', [GAF, GAF]], ['secret', [GAF]], ['no-such-topic', [GAF]]]);
    assert.deepEqual(codes(await alice.request(8, 0, req)), [['orders', [GAF, GAF]], ['secret', [GAF]], ['no-such-topic', [GAF]]], 'v0 too');
    broker.allow('User:alice', Op.READ, R.GROUP, g);
    // No READ on any topic: a topic that does not exist is refused like one that does.
    assert.deepEqual(codes(await alice.request(8, 9, req)), [['orders', [TAF, TAF]], ['secret', [TAF]], ['no-such-topic', [TAF]]]);
    assert.ok(denialLogged('alice', 'READ', 'Topic:LITERAL:secret', 'OffsetCommit'));
    broker.allow('User:alice', Op.READ, R.TOPIC, 'orders');
    broker.allow('User:alice', Op.READ, R.TOPIC, 'no-such-topic');
    assert.deepEqual(codes(await alice.request(8, 9, req)), [['orders', [0, 0]], ['secret', [TAF]], ['no-such-topic', [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]]);
    assert.deepEqual(codes(await alice.request(8, 2, commitReq(g, [['orders', [7]]]))), [['orders', [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]]);
    const offsets = broker.cluster.groupCoordinator.group(g)!.offsets;
    assert.deepEqual([...offsets.keys()].sort(), ['orders\u00000', 'orders\u00001'], 'only the authorized, existing partitions are stored');
    // v0 (ZooKeeper's): refused partitions alone are answered as such; with one it could store, Kafka 3.9 fails it whole.
    assert.deepEqual(codes(await alice.request(8, 0, commitReq(g, [['secret', [0]]]))), [['secret', [TAF]]]);
    const u = ErrorCode.UNSUPPORTED_VERSION;
    assert.deepEqual(codes(await alice.request(8, 0, commitReq(g, [['orders', [0]], ['secret', [0]]]))), [['orders', [u]], ['secret', [u]]]);
    assert.deepEqual(codes(await admin.request(8, 9, commitReq(g, [['secret', [0]]], 9))), [['secret', [0]]], 'a super user passes');
  });

  it('OffsetFetch: DESCRIBE on the group (per group from v8), DESCRIBE on each topic named; all topics leave the others out', async () => {
    const g = 'of-app';
    assert.deepEqual(codes(await admin.request(8, 9, commitReq(g, [['orders', [0, 1]], ['secret', [0]]], 7))), [['orders', [0, 0]], ['secret', [0]]]);
    const GAF = ErrorCode.GROUP_AUTHORIZATION_FAILED;
    const named = { groupId: g, topics: [{ name: 'orders', partitionIndexes: [0, 1] }, { name: 'secret', partitionIndexes: [0] }], requireStable: false, groups: [] };
    const v8 = await bob.request(9, 8, { groupId: '', topics: [], requireStable: false, groups: [{ groupId: g, memberId: null, memberEpoch: -1, topics: null }, { groupId: 'of-other', memberId: null, memberEpoch: -1, topics: null }] });
    assert.deepEqual(v8.groups.map((x) => [x.groupId, x.errorCode, x.topics]), [[g, GAF, []], ['of-other', GAF, []]]);
    const v5 = await bob.request(9, 5, named);
    assert.deepEqual([v5.errorCode, v5.topics], [GAF, []]);
    // Before v2 there is no group error: each partition asked for carries it.
    const v1 = await bob.request(9, 1, named);
    assert.deepEqual(v1.topics.map((t) => [t.name, t.partitions.map((p) => [p.partitionIndex, p.errorCode, p.committedOffset, p.metadata])]), [
      ['orders', [[0, GAF, -1, ''], [1, GAF, -1, '']]],
      ['secret', [[0, GAF, -1, '']]],
    ]);

    // READ on the group implies DESCRIBE; a prefixed DESCRIBE on the topics covers "orders" only.
    broker.allow('User:bob', Op.READ, R.GROUP, g);
    broker.allow('User:bob', Op.DESCRIBE, R.TOPIC, 'ord', PatternType.PREFIXED);
    const ok = await bob.request(9, 8, { groupId: '', topics: [], requireStable: false, groups: [{ groupId: g, memberId: null, memberEpoch: -1, topics: [{ name: 'secret', partitionIndexes: [0] }, { name: 'orders', partitionIndexes: [1] }] }] });
    assert.equal(ok.groups[0].errorCode, 0);
    // Kafka puts the refused topics after the coordinator's answer.
    assert.deepEqual(ok.groups[0].topics.map((t) => [t.name, t.partitions.map((p) => [p.partitionIndex, p.errorCode, p.committedOffset, p.committedLeaderEpoch, p.metadata])]), [
      ['orders', [[1, 0, 7, -1, 'm']]],
      ['secret', [[0, ErrorCode.TOPIC_AUTHORIZATION_FAILED, -1, -1, '']]],
    ]);
    const v1ok = await bob.request(9, 1, named);
    assert.deepEqual(v1ok.topics.map((t) => [t.name, t.partitions.map((p) => [p.errorCode, p.committedOffset])]), [['orders', [[0, 7], [0, 7]]], ['secret', [[ErrorCode.TOPIC_AUTHORIZATION_FAILED, -1]]]]);
    const all = await bob.request(9, 7, { groupId: g, topics: null, requireStable: false, groups: [] });
    assert.equal(all.errorCode, 0);
    assert.deepEqual(all.topics.map((t) => t.name), ['orders'], 'an undescribable topic is left out of all topics, without an error');
    const adminAll = await admin.request(9, 7, { groupId: g, topics: null, requireStable: false, groups: [] });
    assert.deepEqual(adminAll.topics.map((t) => t.name), ['orders', 'secret'], 'a super user sees every topic');
    // v0 (ZooKeeper's): the group is authorized first, then refused as Kafka 3.9 on KRaft refuses v0.
    assert.equal((await alice.request(9, 0, named)).topics[0].partitions[0].errorCode, GAF);
    assert.equal((await bob.request(9, 0, named)).topics[0].partitions[0].errorCode, ErrorCode.UNSUPPORTED_VERSION);
  });

  it('DescribeGroups: DESCRIBE on each group, refused ones first; authorized operations follow the ACLs', async () => {
    await admin.request(8, 9, commitReq('dg-app', [['orders', [0]]]));
    const ask = (c: RawClient, groups: string[], v = 5) => c.request(15, v, { groups, includeAuthorizedOperations: true });
    const denied = await ask(alice, ['dg-app']);
    assert.deepEqual(denied.groups.map((x) => [x.groupId, x.errorCode, x.groupState, x.protocolType, x.protocolData, x.members, x.authorizedOperations]), [
      ['dg-app', ErrorCode.GROUP_AUTHORIZATION_FAILED, '', '', '', [], OPERATIONS_NOT_REQUESTED],
    ]);
    broker.allow('User:alice', Op.DESCRIBE, R.GROUP, 'dg-', PatternType.PREFIXED);
    const mixed = await ask(alice, ['dg-app', 'zz-app', 'dg-missing']);
    assert.deepEqual(mixed.groups.map((x) => [x.groupId, x.errorCode, x.groupState, x.authorizedOperations]), [
      ['zz-app', ErrorCode.GROUP_AUTHORIZATION_FAILED, '', OPERATIONS_NOT_REQUESTED],
      ['dg-app', 0, 'Empty', bits(Op.DESCRIBE)],
      ['dg-missing', 0, 'Dead', bits(Op.DESCRIBE)],
    ]);
    broker.allow('User:alice', Op.READ, R.GROUP, 'dg-app');
    broker.allow('User:alice', Op.DELETE, R.GROUP, 'dg-app');
    assert.equal((await ask(alice, ['dg-app'])).groups[0].authorizedOperations, GROUP_OPS);
    broker.deny('User:alice', Op.DELETE, R.GROUP, 'dg-app');
    assert.equal((await ask(alice, ['dg-app'])).groups[0].authorizedOperations, bits(Op.READ, Op.DESCRIBE), 'a DENY takes its operation out');
    assert.equal((await ask(alice, ['dg-app'], 3)).groups[0].authorizedOperations, bits(Op.READ, Op.DESCRIBE), 'from v3');
    assert.equal((await alice.request(15, 5, { groups: ['dg-app'], includeAuthorizedOperations: false })).groups[0].authorizedOperations, OPERATIONS_NOT_REQUESTED);
    assert.equal((await ask(admin, ['dg-app'])).groups[0].authorizedOperations, GROUP_OPS, 'a super user may do everything');
  });

  it('ListGroups: DESCRIBE on the cluster lists every group, otherwise only the groups the principal may DESCRIBE, without logging', async () => {
    for (const g of ['lg-a', 'lg-b']) await admin.request(8, 9, commitReq(g, [['orders', [0]]]));
    const lines = broker.logger.lines.length;
    const listed = async (c: RawClient) => (await c.request(16, 5, { statesFilter: [], typesFilter: [] })).groups.map((x) => x.groupId).filter((id) => id.startsWith('lg-')).sort();
    assert.deepEqual(await listed(bob), []);
    broker.allow('User:bob', Op.DESCRIBE, R.GROUP, 'lg-a');
    assert.deepEqual(await listed(bob), ['lg-a']);
    assert.ok(!broker.logger.lines.slice(lines).some((l) => l.includes('for request = ListGroups')), 'a filter logs no denial');
    broker.allow('User:bob', Op.DESCRIBE, R.CLUSTER, 'kafka-cluster');
    assert.deepEqual(await listed(bob), ['lg-a', 'lg-b']);
    const v0 = await bob.request(16, 0, { statesFilter: [], typesFilter: [] });
    assert.ok(v0.groups.some((x) => x.groupId === 'lg-b'));
    assert.deepEqual(await listed(admin), ['lg-a', 'lg-b']);
  });

  it('DeleteGroups: DELETE on each group, each named once, the refused ones after the others', async () => {
    for (const g of ['del-a', 'del-b']) await admin.request(8, 9, commitReq(g, [['orders', [0]]]));
    const r = await alice.request(42, 2, { groupsNames: ['del-b', 'del-a', 'del-b'] });
    assert.deepEqual(r.results.map((x) => [x.groupId, x.errorCode]), [['del-b', ErrorCode.GROUP_AUTHORIZATION_FAILED], ['del-a', ErrorCode.GROUP_AUTHORIZATION_FAILED]]);
    // DESCRIBE or READ do not imply DELETE.
    broker.allow('User:alice', Op.READ, R.GROUP, 'del-a');
    broker.allow('User:alice', Op.DELETE, R.GROUP, 'del-a');
    const r2 = await alice.request(42, 2, { groupsNames: ['del-b', 'del-a', 'del-b'] });
    assert.deepEqual(r2.results.map((x) => [x.groupId, x.errorCode]), [['del-a', 0], ['del-b', ErrorCode.GROUP_AUTHORIZATION_FAILED]]);
    assert.equal(broker.cluster.groupCoordinator.group('del-a')?.is('Dead') ?? true, true);
    assert.ok(broker.cluster.groupCoordinator.group('del-b'), 'the refused group is still there');
    assert.deepEqual((await admin.request(42, 2, { groupsNames: ['del-b'] })).results.map((x) => x.errorCode), [0]);
  });

  it('OffsetDelete: DELETE on the group for the request, then READ on each topic; the coordinator still answers for the group', async () => {
    const g = 'od-app';
    await admin.request(8, 9, commitReq(g, [['orders', [0, 1]], ['secret', [0]]]));
    const req = { groupId: g, topics: [{ name: 'orders', partitions: [{ partitionIndex: 0 }] }, { name: 'secret', partitions: [{ partitionIndex: 0 }] }, { name: 'no-such-topic', partitions: [{ partitionIndex: 0 }] }] };
    const denied = await bob.request(47, 0, req);
    assert.deepEqual([denied.errorCode, denied.topics], [ErrorCode.GROUP_AUTHORIZATION_FAILED, []]);
    broker.allow('User:bob', Op.READ, R.GROUP, g);
    assert.equal((await bob.request(47, 0, req)).errorCode, ErrorCode.GROUP_AUTHORIZATION_FAILED, 'READ does not imply DELETE');
    broker.allow('User:bob', Op.DELETE, R.GROUP, g);
    broker.allow('User:bob', Op.READ, R.TOPIC, 'orders');
    const TAF = ErrorCode.TOPIC_AUTHORIZATION_FAILED;
    const r = await bob.request(47, 0, req);
    assert.equal(r.errorCode, 0);
    assert.deepEqual(codes(r), [['orders', [0]], ['secret', [TAF]], ['no-such-topic', [TAF]]]);
    const left = [...broker.cluster.groupCoordinator.group(g)!.offsets.keys()].sort();
    assert.deepEqual(left, ['orders\u00001', 'secret\u00000']);
    // Nothing left to delete but the group is still asked for: one that does not exist is GROUP_ID_NOT_FOUND.
    broker.allow('User:bob', Op.DELETE, R.GROUP, 'od-missing');
    const missing = await bob.request(47, 0, { groupId: 'od-missing', topics: [{ name: 'secret', partitions: [{ partitionIndex: 0 }] }] });
    assert.deepEqual([missing.errorCode, missing.topics], [ErrorCode.GROUP_ID_NOT_FOUND, []]);
    const su = await admin.request(47, 0, { groupId: g, topics: [{ name: 'secret', partitions: [{ partitionIndex: 0 }] }] });
    assert.deepEqual([su.errorCode, codes(su)], [0, [['secret', [0]]]]);
  });

  it('ConsumerGroupHeartbeat: READ on the group, then DESCRIBE on every topic subscribed to by name', async () => {
    const g = 'cgh-app';
    const denied = await alice.request(68, 1, cgHeartbeat(g, 'm-1', ['cg-in']));
    assert.deepEqual([denied.errorCode, denied.errorMessage, denied.memberId, denied.memberEpoch, denied.heartbeatIntervalMs, denied.assignment], [ErrorCode.GROUP_AUTHORIZATION_FAILED, null, null, 0, 0, null]);
    broker.allow('User:alice', Op.READ, R.GROUP, g);
    broker.allow('User:alice', Op.DESCRIBE, R.TOPIC, 'cg-in');
    const one = await alice.request(68, 1, cgHeartbeat(g, 'm-1', ['cg-in', 'cg-out', 'cg-in']));
    assert.deepEqual([one.errorCode, one.errorMessage, one.memberId, one.memberEpoch, one.assignment], [ErrorCode.TOPIC_AUTHORIZATION_FAILED, null, null, 0, null]);
    const missing = await alice.request(68, 1, cgHeartbeat(g, 'm-1', ['cg-none']));
    assert.equal(missing.errorCode, ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'a topic that does not exist is refused alike');
    assert.equal(broker.cluster.groupCoordinator.group(g), undefined, 'the member did not join');
    assert.ok(denialLogged('alice', 'DESCRIBE', 'Topic:LITERAL:cg-out', 'ConsumerGroupHeartbeat'));
    const joined = await alice.request(68, 1, cgHeartbeat(g, 'm-1', ['cg-in']));
    assert.deepEqual([joined.errorCode, joined.memberId, joined.memberEpoch], [0, 'm-1', 1]);
    assert.deepEqual(joined.assignment?.topicPartitions.map((t) => t.partitions), [[0, 1]]);
    const su = await admin.request(68, 1, cgHeartbeat(g, 'm-2', ['cg-out']));
    assert.deepEqual([su.errorCode, su.memberId], [0, 'm-2'], 'a super user passes');
  });

  it('ConsumerGroupHeartbeat: a regular expression matches only the topics the member may describe', async () => {
    const g = 'cgrx-app';
    broker.cluster.createTopic('rx-seen', 2, 1);
    broker.cluster.createTopic('rx-hidden', 1, 1);
    broker.allow('User:alice', Op.READ, R.GROUP, g);
    broker.allow('User:alice', Op.DESCRIBE, R.TOPIC, 'rx-seen');
    const regex = (memberEpoch: number) => ({ ...cgHeartbeat(g, 'rx-1', []), memberEpoch, subscribedTopicNames: null, subscribedTopicRegex: 'rx-.*', rebalanceTimeoutMs: memberEpoch === 0 ? 30000 : -1, topicPartitions: memberEpoch === 0 ? [] : null });
    const joined = await alice.request(68, 1, regex(0));
    assert.equal(joined.errorCode, 0, 'a pattern is not refused');
    const lines = broker.logger.lines.length;
    let epoch = joined.memberEpoch;
    let names: string[] = [];
    for (let i = 0; i < 50 && names.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      const hb = await alice.request(68, 1, regex(epoch));
      assert.equal(hb.errorCode, 0);
      epoch = hb.memberEpoch;
      names = (hb.assignment?.topicPartitions ?? []).map((t) => broker.cluster.groupCoordinator.consumerGroupView.topicName(t.topicId));
    }
    assert.deepEqual(names, ['rx-seen']);
    const d = await admin.request(69, 0, { groupIds: [g], includeAuthorizedOperations: false });
    assert.deepEqual(d.groups[0].members[0].targetAssignment.topicPartitions.map((t) => t.topicName), ['rx-seen'], 'the undescribable match is left out');
    assert.ok(!broker.logger.lines.slice(lines).some((l) => l.includes('Topic:LITERAL:rx-hidden')), 'the filter logs no denial');
  });

  it('ConsumerGroupDescribe: DESCRIBE on the group, refused ones first; a group using a topic the principal may not describe is refused whole', async () => {
    const g = 'cgd-app';
    broker.allow('User:alice', Op.READ, R.GROUP, g);
    broker.allow('User:alice', Op.DESCRIBE, R.TOPIC, 'cg-in');
    assert.equal((await alice.request(68, 1, cgHeartbeat(g, 'm-1', ['cg-in']))).errorCode, 0);
    const ask = (c: RawClient, groupIds: string[]) => c.request(69, 0, { groupIds, includeAuthorizedOperations: true });
    const denied = await ask(bob, [g]);
    assert.deepEqual(denied.groups.map((x) => [x.groupId, x.errorCode, x.errorMessage, x.groupState, x.groupEpoch, x.assignorName, x.members, x.authorizedOperations]), [
      [g, ErrorCode.GROUP_AUTHORIZATION_FAILED, null, '', 0, '', [], OPERATIONS_NOT_REQUESTED],
    ]);
    broker.allow('User:bob', Op.DESCRIBE, R.GROUP, 'cgd-', PatternType.PREFIXED);
    const hidden = await ask(bob, [g]);
    assert.deepEqual(hidden.groups.map((x) => [x.groupId, x.errorCode, x.errorMessage, x.groupState, x.groupEpoch, x.members, x.authorizedOperations]), [
      [g, ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'The group has described topic(s) that the client is not authorized to describe.', '', 0, [], OPERATIONS_NOT_REQUESTED],
    ]);
    broker.allow('User:bob', Op.DESCRIBE, R.TOPIC, 'cg-in');
    const shown = await ask(bob, ['cgd-missing', 'zz-app', g]);
    assert.deepEqual(shown.groups.map((x) => [x.groupId, x.errorCode, x.authorizedOperations]), [
      ['zz-app', ErrorCode.GROUP_AUTHORIZATION_FAILED, OPERATIONS_NOT_REQUESTED],
      ['cgd-missing', ErrorCode.GROUP_ID_NOT_FOUND, OPERATIONS_NOT_REQUESTED],
      [g, 0, bits(Op.DESCRIBE)],
    ]);
    assert.deepEqual(shown.groups[2].members.map((m) => [m.memberId, m.assignment.topicPartitions.map((t) => t.topicName)]), [['m-1', ['cg-in']]]);
    broker.allow('User:bob', Op.READ, R.GROUP, g);
    assert.equal((await ask(bob, [g])).groups[0].authorizedOperations, bits(Op.READ, Op.DESCRIBE));
    const su = await ask(admin, [g]);
    assert.deepEqual([su.groups[0].errorCode, su.groups[0].authorizedOperations], [0, GROUP_OPS], 'a super user passes');
  });
});
