// The producer-id and transaction APIs with the StandardAuthorizer, in raw frames, as Kafka's KafkaApis answers them:
// InitProducerId (WRITE on the transactional id; IDEMPOTENT_WRITE on the cluster or WRITE on some topic without one),
// AddPartitionsToTxn, AddOffsetsToTxn, EndTxn and TxnOffsetCommit (WRITE on the transactional id first, then the
// group and topics), WriteTxnMarkers (ALTER or CLUSTER_ACTION on the cluster), DescribeTransactions and
// ListTransactions (DESCRIBE on the transactional id; topics filtered by DESCRIBE). `admin` is a super user.
import { strict as assert } from 'node:assert';
import { startAuthzBroker, AuthzBroker, AclOperation as Op, ResourceType as R, PatternType } from '../support/authz';
import { RawClient } from '../support/raw-client';
import { ErrorCode } from '../../src/broker/errors';

type Topics = Array<{ name: string; partitions: number[] }>;

describe('transaction APIs with the StandardAuthorizer', function () {
  this.timeout(30000);
  let broker: AuthzBroker;
  let admin: RawClient;
  let alice: RawClient;
  let bob: RawClient;

  before(async () => {
    broker = await startAuthzBroker();
    broker.cluster.createTopic('paid', 2, 1);
    broker.cluster.createTopic('secret', 1, 1);
    broker.cluster.createTopic('in', 1, 1);
    [admin, alice, bob] = await Promise.all([broker.connectAs('admin'), broker.connectAs('alice'), broker.connectAs('bob')]);
    // The coordinators' internal topics, created on first lookup (a 1-node cluster: node 0 coordinates everything).
    for (const keyType of [0, 1]) {
      const r = await admin.request(10, 4, { key: '', keyType, coordinatorKeys: ['any'] });
      assert.equal(r.coordinators[0].errorCode, 0);
    }
    // alice's producers: every transactional id starting "app-", and writes to one topic.
    broker.allow('User:alice', Op.WRITE, R.TRANSACTIONAL_ID, 'app-', PatternType.PREFIXED);
    broker.allow('User:alice', Op.WRITE, R.TOPIC, 'paid');
  });
  after(async () => broker?.stop());

  const init = (c: RawClient, transactionalId: string | null, producerId = -1, producerEpoch = -1, version = 5) =>
    c.request(22, version, { transactionalId, transactionTimeoutMs: 60000, producerId, producerEpoch });
  const add = (c: RawClient, txnId: string, p: { producerId: number; producerEpoch: number }, topics: Topics, version = 3) =>
    c.request(24, version, { transactions: [], v3AndBelowTransactionalId: txnId, v3AndBelowProducerId: p.producerId, v3AndBelowProducerEpoch: p.producerEpoch, v3AndBelowTopics: topics });
  const codes = (r: { resultsByTopicV3AndBelow: Array<{ name: string; resultsByPartition: Array<{ partitionIndex: number; partitionErrorCode: number }> }> }) =>
    r.resultsByTopicV3AndBelow.flatMap((t) => t.resultsByPartition.map((x) => [t.name, x.partitionIndex, x.partitionErrorCode]));
  const addOffsets = (c: RawClient, txnId: string, p: { producerId: number; producerEpoch: number }, groupId: string) =>
    c.request(25, 3, { transactionalId: txnId, producerId: p.producerId, producerEpoch: p.producerEpoch, groupId });
  const end = (c: RawClient, txnId: string, p: { producerId: number; producerEpoch: number }, committed: boolean) =>
    c.request(26, 4, { transactionalId: txnId, producerId: p.producerId, producerEpoch: p.producerEpoch, committed });
  const commitOffsets = (c: RawClient, txnId: string, groupId: string, p: { producerId: number; producerEpoch: number }, topics: Topics) =>
    c.request(28, 3, {
      transactionalId: txnId,
      groupId,
      producerId: p.producerId,
      producerEpoch: p.producerEpoch,
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      topics: topics.map((t) => ({ name: t.name, partitions: t.partitions.map((partitionIndex) => ({ partitionIndex, committedOffset: 5, committedLeaderEpoch: -1, committedMetadata: null })) })),
    });
  const offsetCodes = (r: { topics: Array<{ name: string; partitions: Array<{ partitionIndex: number; errorCode: number }> }> }) =>
    r.topics.flatMap((t) => t.partitions.map((x) => [t.name, x.partitionIndex, x.errorCode]));
  const state = (txnId: string) => broker.cluster.transactionCoordinator.transaction(txnId);
  /** A transactional producer of `c`, initialized and expected to succeed. */
  async function producer(c: RawClient, txnId: string) {
    const p = await init(c, txnId);
    assert.equal(p.errorCode, 0, `InitProducerId ${txnId}`);
    return p;
  }

  describe('InitProducerId', () => {
    it('a transactional id needs WRITE on it: TRANSACTIONAL_ID_AUTHORIZATION_FAILED, checked before the request is validated', async () => {
      for (const v of [0, 3, 5]) {
        assert.deepEqual(await init(bob, 'app-1', -1, -1, v), { throttleTimeMs: 0, errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, producerId: -1, producerEpoch: -1 }, `v${v}`);
      }
      // A producer id without an epoch is an INVALID_REQUEST, but only for a principal that passed the check.
      assert.equal((await init(bob, 'app-1', 7, -1)).errorCode, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
      assert.equal((await init(alice, 'app-1', 7, -1)).errorCode, ErrorCode.INVALID_REQUEST);
      assert.equal((await init(alice, 'other-1')).errorCode, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, 'outside the prefix');
      assert.equal(state('other-1'), undefined, 'the coordinator never saw it');
      assert.ok(broker.logger.lines.some((l) => /Principal = User:bob is Denied operation = WRITE .* resource = TransactionalId:LITERAL:app-1 for request = InitProducerId/.test(l)));
    });

    it('a PREFIXED ALLOW on transactional ids lets a producer in; a literal DENY overrides it', async () => {
      const p = await init(alice, 'app-1');
      assert.equal(p.errorCode, 0);
      assert.ok(p.producerId >= 0);
      assert.equal(p.producerEpoch, 0);
      assert.equal(state('app-1')!.producerId, p.producerId);
      broker.deny('User:alice', Op.WRITE, R.TRANSACTIONAL_ID, 'app-blocked');
      assert.equal((await init(alice, 'app-blocked')).errorCode, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
      assert.equal((await init(alice, 'app-open')).errorCode, 0, 'the rest of the prefix is still allowed');
    });

    it('an idempotent producer needs IDEMPOTENT_WRITE on the cluster or WRITE on some topic, else CLUSTER_AUTHORIZATION_FAILED', async () => {
      assert.deepEqual(await init(bob, null), { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, producerId: -1, producerEpoch: -1 });
      // alice holds WRITE on the topic "paid" and no IDEMPOTENT_WRITE: enough.
      const a = await init(alice, null);
      assert.equal(a.errorCode, 0);
      assert.ok(a.producerId >= 0);
      assert.ok(!broker.logger.lines.some((l) => /is Denied operation = IDEMPOTENT_WRITE/.test(l)), 'the cluster check is not logged');
      broker.allow('User:bob', Op.IDEMPOTENT_WRITE, R.CLUSTER, 'kafka-cluster');
      const b = await init(bob, null);
      assert.equal(b.errorCode, 0);
      assert.notEqual(b.producerId, a.producerId);
    });
  });

  describe('AddPartitionsToTxn', () => {
    it('WRITE on the transactional id first: every partition TRANSACTIONAL_ID_AUTHORIZATION_FAILED', async () => {
      const p = await producer(alice, 'app-add');
      for (const v of [0, 3]) {
        const r = await add(bob, 'app-add', p, [{ name: 'paid', partitions: [0, 1] }, { name: 'nope', partitions: [0] }], v);
        assert.equal(r.errorCode, 0);
        assert.deepEqual(codes(r), [['paid', 0, 53], ['paid', 1, 53], ['nope', 0, 53]], `v${v}`);
      }
      assert.equal(state('app-add')!.partitions.size, 0);
    });

    it('then WRITE on each topic: a denied topic TOPIC_AUTHORIZATION_FAILED (before its existence), an unknown partition UNKNOWN_TOPIC_OR_PARTITION, the rest OPERATION_NOT_ATTEMPTED', async () => {
      const p = await producer(alice, 'app-add2');
      const r = await add(alice, 'app-add2', p, [{ name: 'paid', partitions: [0, 9] }, { name: 'secret', partitions: [0] }, { name: 'nope', partitions: [0] }, { name: 'paid-too', partitions: [0] }]);
      assert.deepEqual(codes(r), [
        ['paid', 0, ErrorCode.OPERATION_NOT_ATTEMPTED],
        ['paid', 9, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
        ['secret', 0, ErrorCode.TOPIC_AUTHORIZATION_FAILED],
        ['nope', 0, ErrorCode.TOPIC_AUTHORIZATION_FAILED],
        ['paid-too', 0, ErrorCode.TOPIC_AUTHORIZATION_FAILED],
      ]);
      assert.ok(broker.logger.lines.some((l) => /Principal = User:alice is Denied operation = WRITE .* resource = Topic:LITERAL:secret for request = AddPartitionsToTxn/.test(l)));
      assert.equal(state('app-add2')!.partitions.size, 0, 'nothing joined the transaction');
      const ok = await add(alice, 'app-add2', p, [{ name: 'paid', partitions: [0, 1] }]);
      assert.deepEqual(codes(ok), [['paid', 0, 0], ['paid', 1, 0]]);
      assert.equal(state('app-add2')!.state, 'Ongoing');
      assert.equal(state('app-add2')!.partitions.size, 2);
    });

    it('an internal topic is refused even to a super user (offsets join through AddOffsetsToTxn)', async () => {
      const p = await producer(admin, 'adm-add');
      const r = await add(admin, 'adm-add', p, [{ name: '__consumer_offsets', partitions: [0] }, { name: 'secret', partitions: [0] }]);
      assert.deepEqual(codes(r), [['__consumer_offsets', 0, ErrorCode.TOPIC_AUTHORIZATION_FAILED], ['secret', 0, ErrorCode.OPERATION_NOT_ATTEMPTED]]);
      assert.deepEqual(codes(await add(admin, 'adm-add', p, [{ name: 'secret', partitions: [0] }])), [['secret', 0, 0]]);
    });
  });

  describe('AddOffsetsToTxn and EndTxn', () => {
    it('AddOffsetsToTxn: WRITE on the transactional id, then READ on the group', async () => {
      const p = await producer(alice, 'app-off');
      assert.deepEqual(await addOffsets(bob, 'app-off', p, 'g-off'), { throttleTimeMs: 0, errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED }, 'bob may do neither: the id is checked first');
      assert.deepEqual(await addOffsets(alice, 'app-off', p, 'g-off'), { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED });
      assert.equal(state('app-off')!.partitions.size, 0);
      broker.allow('User:alice', Op.READ, R.GROUP, 'g-off');
      assert.equal((await addOffsets(alice, 'app-off', p, 'g-off')).errorCode, 0);
      assert.deepEqual([...state('app-off')!.partitions.values()].map((x) => x.topic), ['__consumer_offsets']);
    });

    it('EndTxn: WRITE on the transactional id, else TRANSACTIONAL_ID_AUTHORIZATION_FAILED and the transaction stays open', async () => {
      const p = await producer(alice, 'app-end');
      assert.equal(codes(await add(alice, 'app-end', p, [{ name: 'paid', partitions: [0] }]))[0][2], 0);
      for (const committed of [true, false]) {
        const r = await end(bob, 'app-end', p, committed);
        assert.equal(r.errorCode, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
        assert.equal(r.throttleTimeMs, 0);
      }
      assert.equal(state('app-end')!.state, 'Ongoing');
      assert.equal((await end(alice, 'app-end', p, true)).errorCode, 0);
      await broker.cluster.transactionCoordinator.settled('app-end');
      assert.equal(state('app-end')!.state, 'CompleteCommit');
    });
  });

  describe('TxnOffsetCommit', () => {
    it('WRITE on the transactional id, then READ on the group, each failing every partition', async () => {
      broker.allow('User:alice', Op.READ, R.GROUP, 'g-toc');
      const p = await producer(alice, 'app-toc');
      assert.equal((await addOffsets(alice, 'app-toc', p, 'g-toc')).errorCode, 0);
      const topics = [{ name: 'in', partitions: [0] }, { name: 'secret', partitions: [0, 1] }];
      const denied = await commitOffsets(bob, 'app-toc', 'g-toc', p, topics);
      assert.equal(denied.throttleTimeMs, 0);
      assert.deepEqual(offsetCodes(denied), [['in', 0, 53], ['secret', 0, 53], ['secret', 1, 53]]);
      assert.deepEqual(offsetCodes(await commitOffsets(alice, 'app-toc', 'g-noread', p, topics)), [['in', 0, 30], ['secret', 0, 30], ['secret', 1, 30]]);
    });

    it('then READ on each topic: a denied topic TOPIC_AUTHORIZATION_FAILED (existing or not), the others committed', async () => {
      broker.allow('User:alice', Op.READ, R.GROUP, 'g-toc2');
      broker.allow('User:alice', Op.READ, R.TOPIC, 'in');
      broker.allow('User:alice', Op.READ, R.TOPIC, 'ghost');
      const p = await producer(alice, 'app-toc2');
      assert.equal((await addOffsets(alice, 'app-toc2', p, 'g-toc2')).errorCode, 0);
      const r = await commitOffsets(alice, 'app-toc2', 'g-toc2', p, [
        { name: 'in', partitions: [0] },
        { name: 'secret', partitions: [0] },
        { name: 'ghost', partitions: [0] },
        { name: 'nope', partitions: [0] },
      ]);
      assert.deepEqual(offsetCodes(r), [
        ['in', 0, 0],
        ['secret', 0, ErrorCode.TOPIC_AUTHORIZATION_FAILED],
        ['ghost', 0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
        ['nope', 0, ErrorCode.TOPIC_AUTHORIZATION_FAILED],
      ]);
      assert.ok(broker.logger.lines.some((l) => /Principal = User:alice is Denied operation = READ .* resource = Topic:LITERAL:secret for request = TxnOffsetCommit/.test(l)));
      assert.equal((await end(alice, 'app-toc2', p, true)).errorCode, 0);
      await broker.cluster.transactionCoordinator.settled('app-toc2');
      const fetched = await admin.request(9, 8, { groupId: '', topics: [], groups: [{ groupId: 'g-toc2', memberId: null, memberEpoch: -1, topics: null }], requireStable: true });
      assert.deepEqual(fetched.groups[0].topics.map((t) => [t.name, t.partitions.map((x) => x.committedOffset)]), [['in', [5]]], 'only the allowed offset was committed');
    });
  });

  describe('WriteTxnMarkers', () => {
    const markers = (producerId: number) => ({
      markers: [
        { producerId, producerEpoch: 0, transactionResult: false, coordinatorEpoch: 0, topics: [{ name: 'paid', partitionIndexes: [0, 1] }, { name: 'nope', partitionIndexes: [0] }] },
        { producerId: producerId + 1, producerEpoch: 0, transactionResult: false, coordinatorEpoch: 0, topics: [{ name: 'secret', partitionIndexes: [0] }] },
      ],
    });
    const markerCodes = (r: { markers: Array<{ producerId: number; topics: Array<{ name: string; partitions: Array<{ partitionIndex: number; errorCode: number }> }> }> }) =>
      r.markers.map((m) => [m.producerId, m.topics.flatMap((t) => t.partitions.map((x) => [t.name, x.partitionIndex, x.errorCode]))]);

    it('without ALTER or CLUSTER_ACTION on the cluster: every partition CLUSTER_AUTHORIZATION_FAILED, nothing written', async () => {
      const before = broker.cluster.leaderLog('paid', 0).logEndOffset;
      const r = await bob.request(27, 1, markers(9000));
      assert.deepEqual(markerCodes(r), [
        [9000, [['paid', 0, 31], ['paid', 1, 31], ['nope', 0, 31]]],
        [9001, [['secret', 0, 31]]],
      ]);
      assert.equal(broker.cluster.leaderLog('paid', 0).logEndOffset, before);
      assert.ok(broker.logger.lines.some((l) => /Principal = User:bob is Denied operation = CLUSTER_ACTION .* for request = WriteTxnMarkers/.test(l)));
      assert.ok(!broker.logger.lines.some((l) => /Principal = User:bob is Denied operation = ALTER .* for request = WriteTxnMarkers/.test(l)), 'the ALTER check is not logged');
      // One producer's markers are answered as one, as Kafka's map of them answers them.
      const twice = await bob.request(27, 1, { markers: [markers(9000).markers[0], { ...markers(9000).markers[0], topics: [{ name: 'paid', partitionIndexes: [1] }, { name: 'in', partitionIndexes: [0] }] }] });
      assert.deepEqual(markerCodes(twice), [[9000, [['paid', 0, 31], ['paid', 1, 31], ['nope', 0, 31], ['in', 0, 31]]]]);
    });

    it('ALTER on the cluster (kafka-transactions.sh abort) or CLUSTER_ACTION (brokers) lets the markers be written', async () => {
      broker.allow('User:alice', Op.ALTER, R.CLUSTER, 'kafka-cluster');
      const before = broker.cluster.leaderLog('paid', 0).logEndOffset;
      const r = await alice.request(27, 1, { markers: [markers(9100).markers[0]] });
      assert.deepEqual(markerCodes(r), [[9100, [['paid', 0, 0], ['paid', 1, 0], ['nope', 0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]]]);
      assert.equal(broker.cluster.leaderLog('paid', 0).logEndOffset, before + 1, 'the marker was appended');
      broker.allow('User:bob', Op.CLUSTER_ACTION, R.CLUSTER, 'kafka-cluster');
      assert.deepEqual(markerCodes(await bob.request(27, 1, { markers: [markers(9200).markers[1]] })), [[9201, [['secret', 0, 0]]]]);
    });
  });

  describe('DescribeTransactions and ListTransactions', () => {
    before(async () => {
      const p = await producer(admin, 'adm-desc');
      assert.deepEqual(codes(await add(admin, 'adm-desc', p, [{ name: 'paid', partitions: [1] }, { name: 'secret', partitions: [0] }])), [['paid', 1, 0], ['secret', 0, 0]]);
      await producer(admin, 'adm-hidden');
      broker.allow('User:alice', Op.DESCRIBE, R.TRANSACTIONAL_ID, 'adm-desc');
    });

    it("DescribeTransactions: DESCRIBE on each id (refused with the schema's defaults, before the id is looked up), and only topics the principal may DESCRIBE", async () => {
      const r = await alice.request(65, 0, { transactionalIds: ['adm-desc', 'adm-hidden', 'adm-nobody'] });
      const [mine, hidden, nobody] = r.transactionStates;
      assert.equal(mine.errorCode, 0);
      assert.equal(mine.transactionState, 'Ongoing');
      assert.deepEqual(mine.topics, [{ topic: 'paid', partitions: [1] }], '"secret" is left out: alice may not DESCRIBE it');
      const refused = (transactionalId: string) => ({ errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, transactionalId, transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: 0, producerId: 0, producerEpoch: 0, topics: [] });
      assert.deepEqual(hidden, refused('adm-hidden'));
      assert.deepEqual(nobody, refused('adm-nobody'), 'not TRANSACTIONAL_ID_NOT_FOUND');
      // WRITE on a transactional id implies DESCRIBE on it.
      assert.equal((await alice.request(65, 0, { transactionalIds: ['app-add2'] })).transactionStates[0].errorCode, 0);
      const all = await admin.request(65, 0, { transactionalIds: ['adm-desc', 'adm-nobody'] });
      assert.deepEqual(all.transactionStates[0].topics.map((t) => t.topic).sort(), ['paid', 'secret']);
      assert.equal(all.transactionStates[1].errorCode, ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);
    });

    it('ListTransactions: only the ids the principal may DESCRIBE; a DENY overrides the prefix ALLOW', async () => {
      const list = async (c: RawClient) => {
        const r = await c.request(66, 1, { stateFilters: [], producerIdFilters: [], durationFilter: -1 });
        assert.equal(r.errorCode, 0);
        return r.transactionStates.map((t) => t.transactionalId).sort();
      };
      const everything = await list(admin);
      assert.ok(['adm-desc', 'adm-hidden', 'app-add2', 'app-end'].every((id) => everything.includes(id)), everything.join());
      assert.deepEqual(await list(bob), []);
      const seen = await list(alice);
      assert.deepEqual(seen, everything.filter((id) => id.startsWith('app-') || id === 'adm-desc'));
      assert.ok(seen.includes('app-end'));
      broker.deny('User:alice', Op.DESCRIBE, R.TRANSACTIONAL_ID, 'app-end');
      assert.deepEqual(await list(alice), seen.filter((id) => id !== 'app-end'));
    });
  });

  it('a super user needs no ACL for any of them', async () => {
    const p = await producer(admin, 'adm-flow');
    assert.equal((await init(admin, null)).errorCode, 0);
    assert.deepEqual(codes(await add(admin, 'adm-flow', p, [{ name: 'in', partitions: [0] }])), [['in', 0, 0]]);
    assert.equal((await addOffsets(admin, 'adm-flow', p, 'g-adm')).errorCode, 0);
    assert.deepEqual(offsetCodes(await commitOffsets(admin, 'adm-flow', 'g-adm', p, [{ name: 'in', partitions: [0] }])), [['in', 0, 0]]);
    assert.equal((await end(admin, 'adm-flow', p, false)).errorCode, 0);
    assert.equal((await admin.request(65, 0, { transactionalIds: ['adm-flow'] })).transactionStates[0].errorCode, 0);
    const w = await admin.request(27, 1, { markers: [{ producerId: 9300, producerEpoch: 0, transactionResult: false, coordinatorEpoch: 0, topics: [{ name: 'in', partitionIndexes: [0] }] }] });
    assert.equal(w.markers[0].topics[0].partitions[0].errorCode, 0);
  });
});
