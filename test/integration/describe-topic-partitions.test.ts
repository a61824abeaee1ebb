// DescribeTopicPartitions 0 in raw frames (what Java admin clients' describeTopics sends from Kafka 3.8 on), answered
// as Kafka 4.0 does: every topic or the named ones in name order, unknown and invalid names answered by name, pages of
// at most ResponsePartitionLimit partitions with NextCursor, the cursor's rules, authorization (refused names after
// the others, in the order Kafka's HashSet gives them), authorized operations, the internal flag, and a partition
// whose only replica is down.
import { strict as assert } from 'node:assert';
import { startTestBroker, TestBroker } from '../support/broker';
import { startAuthzBroker, AuthzBroker, AclOperation as Op, ResourceType as R, PatternType } from '../support/authz';
import { RawClient } from '../support/raw-client';
import { ErrorCode } from '../../src/broker/errors';
import { uuidFromKafkaString, ZERO_UUID } from '../../src/protocol/codec';
import { OPERATIONS_NOT_REQUESTED, authorizedOperations as everyOperation } from '../../src/broker/security/acl-operations';
import type { DescribeTopicPartitionsRequestData, Cursor } from '../../src/protocol/messages/describe-topic-partitions-request';
import type { DescribeTopicPartitionsResponseData } from '../../src/protocol/messages/describe-topic-partitions-response';

const bits = (...ops: number[]) => ops.reduce((b, o) => b | (1 << o), 0);
const ALL_TOPIC_OPERATIONS = everyOperation(R.TOPIC, true);

function dtp(c: RawClient, names: string[], responsePartitionLimit = 2000, cursor: Cursor | null = null): Promise<DescribeTopicPartitionsResponseData> {
  const req: DescribeTopicPartitionsRequestData = { topics: names.map((name) => ({ name })), responsePartitionLimit, cursor };
  return c.request(75, 0, req);
}

/** Each topic as [name, error, partition indexes]: what pagination tests compare. */
const pages = (r: DescribeTopicPartitionsResponseData) => r.topics.map((t) => [t.name, t.errorCode, t.partitions.map((p) => p.partitionIndex)]);
const cursorOf = (r: DescribeTopicPartitionsResponseData) => (r.nextCursor ? [r.nextCursor.topicName, r.nextCursor.partitionIndex] : null);

describe('DescribeTopicPartitions', function () {
  this.timeout(30000);

  describe('without an authorizer', () => {
    let broker: TestBroker;
    let c: RawClient;
    before(async () => {
      broker = await startTestBroker({ nodes: 3, config: { 'offsets.topic.num.partitions': '3' } });
      broker.cluster.createTopic('alpha', 3, 2);
      broker.cluster.createTopic('beta', 2, 3);
      broker.cluster.createTopic('gamma', 1, 1);
      c = await RawClient.connect(broker.bootstrap.split(',')[0]);
    });
    after(async () => {
      c?.close();
      await broker?.stop();
    });

    it('ApiVersions advertises DescribeTopicPartitions v0', async () => {
      const r = await c.request(18, 3, { clientSoftwareName: 'dtp-test', clientSoftwareVersion: '1' });
      const k = r.apiKeys.find((a) => a.apiKey === 75);
      assert.ok(k, 'key 75 advertised');
      assert.deepEqual([k.minVersion, k.maxVersion], [0, 0]);
    });

    it('no topic named: every topic in name order, with ids, leaders, replicas, ISR, empty ELR lists and every operation', async () => {
      const r = await dtp(c, []);
      assert.equal(r.nextCursor, null);
      assert.deepEqual(pages(r), [['alpha', 0, [0, 1, 2]], ['beta', 0, [0, 1]], ['gamma', 0, [0]]]);
      for (const t of r.topics) {
        const state = broker.cluster.metadata.topic(t.name!)!;
        assert.equal(t.topicId, uuidFromKafkaString(state.topicId));
        assert.equal(t.isInternal, false);
        assert.equal(t.topicAuthorizedOperations, ALL_TOPIC_OPERATIONS, 'no authorizer: every topic operation');
        for (const p of t.partitions) {
          const s = state.partitions[p.partitionIndex];
          assert.deepEqual(
            { ...p, _unknownTaggedFields: undefined },
            { errorCode: 0, partitionIndex: s.partition, leaderId: s.leader, leaderEpoch: s.leaderEpoch, replicaNodes: s.replicas, isrNodes: s.isr, eligibleLeaderReplicas: [], lastKnownElr: [], offlineReplicas: [], _unknownTaggedFields: undefined },
          );
        }
      }
    });

    it('named topics: name order, each once; unknown ones UNKNOWN_TOPIC_OR_PARTITION, illegal names INVALID_TOPIC_EXCEPTION', async () => {
      const r = await dtp(c, ['gamma', 'no-such', 'alpha', 'bad name', 'alpha']);
      assert.deepEqual(pages(r), [['alpha', 0, [0, 1, 2]], ['bad name', ErrorCode.INVALID_TOPIC_EXCEPTION, []], ['gamma', 0, [0]], ['no-such', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, []]]);
      const unknown = r.topics[3];
      assert.equal(unknown.topicId, ZERO_UUID);
      assert.equal(unknown.isInternal, false);
      assert.equal(unknown.topicAuthorizedOperations, ALL_TOPIC_OPERATIONS, 'operations are reported for an unknown topic too');
      assert.equal(r.nextCursor, null);
    });

    it('pages: a topic cut mid-way, a page filled exactly, the cursor resuming there', async () => {
      const all = ['alpha', 'beta', 'gamma'];
      const first = await dtp(c, all, 4);
      assert.deepEqual(pages(first), [['alpha', 0, [0, 1, 2]], ['beta', 0, [0]]]);
      assert.deepEqual(cursorOf(first), ['beta', 1]);
      const second = await dtp(c, all, 4, { topicName: 'beta', partitionIndex: 1 });
      assert.deepEqual(pages(second), [['beta', 0, [1]], ['gamma', 0, [0]]], 'topics before the cursor are not repeated');
      assert.equal(second.nextCursor, null);

      // alpha fills the page: the next one starts at the next topic's partition 0.
      const exact = await dtp(c, all, 3);
      assert.deepEqual(pages(exact), [['alpha', 0, [0, 1, 2]]]);
      assert.deepEqual(cursorOf(exact), ['beta', 0]);
      // ... whether that topic exists or not.
      const toUnknown = await dtp(c, ['alpha', 'beta-missing'], 3);
      assert.deepEqual(pages(toUnknown), [['alpha', 0, [0, 1, 2]]]);
      assert.deepEqual(cursorOf(toUnknown), ['beta-missing', 0]);

      // Every topic, a page at a time: each partition once.
      const seen: string[] = [];
      let cursor: Cursor | null = null;
      for (let i = 0; i < 10; i++) {
        const r = await dtp(c, [], 2, cursor);
        for (const t of r.topics) for (const p of t.partitions) seen.push(`${t.name}-${p.partitionIndex}`);
        cursor = r.nextCursor && { topicName: r.nextCursor.topicName, partitionIndex: r.nextCursor.partitionIndex };
        if (!cursor) break;
      }
      assert.deepEqual(seen, ['alpha-0', 'alpha-1', 'alpha-2', 'beta-0', 'beta-1', 'gamma-0']);
    });

    it('the cursor: its topic must be named, its partition not negative (INVALID_REQUEST for every topic named); past the end, no partitions', async () => {
      const missing = await dtp(c, ['gamma', 'alpha', 'gamma'], 10, { topicName: 'beta', partitionIndex: 0 });
      assert.deepEqual(pages(missing), [['gamma', ErrorCode.INVALID_REQUEST, []], ['alpha', ErrorCode.INVALID_REQUEST, []], ['gamma', ErrorCode.INVALID_REQUEST, []]], 'request order, duplicates kept');
      assert.equal(missing.topics[0].topicAuthorizedOperations, OPERATIONS_NOT_REQUESTED);
      assert.equal(missing.nextCursor, null);
      const negative = await dtp(c, ['alpha'], 10, { topicName: 'alpha', partitionIndex: -1 });
      assert.deepEqual(pages(negative), [['alpha', ErrorCode.INVALID_REQUEST, []]]);
      assert.deepEqual(pages(await dtp(c, [], 10, { topicName: 'alpha', partitionIndex: -1 })), [], 'every topic: nothing to name');

      const past = await dtp(c, ['alpha', 'beta'], 10, { topicName: 'alpha', partitionIndex: 7 });
      assert.deepEqual(pages(past), [['alpha', 0, []], ['beta', 0, [0, 1]]]);
      // Kafka adds cursor and limit as 32-bit ints: near 2^31 the sum wraps and becomes the next cursor.
      const wrapped = await dtp(c, ['alpha', 'beta'], 2000, { topicName: 'alpha', partitionIndex: 2_147_483_647 });
      assert.deepEqual(pages(wrapped), [['alpha', 0, []]]);
      assert.deepEqual(cursorOf(wrapped), ['alpha', (2_147_483_647 + 2000) | 0]);
      // All topics from a cursor naming no topic: from the next name on.
      assert.deepEqual(pages(await dtp(c, [], 10, { topicName: 'b', partitionIndex: 5 })), [['beta', 0, [0, 1]], ['gamma', 0, [0]]]);
    });

    it('a limit below 1 still serves one partition', async () => {
      for (const limit of [0, -5]) {
        const r = await dtp(c, [], limit);
        assert.deepEqual(pages(r), [['alpha', 0, [0]]], `limit ${limit}`);
        assert.deepEqual(cursorOf(r), ['alpha', 1]);
      }
    });

    it('internal topics are flagged, known or not', async () => {
      assert.equal((await c.request(10, 4, { key: '', keyType: 0, coordinatorKeys: ['g'] })).coordinators[0].errorCode, 0, 'FindCoordinator creates __consumer_offsets');
      const r = await dtp(c, ['__consumer_offsets', '__transaction_state', 'alpha']);
      assert.deepEqual(pages(r), [['__consumer_offsets', 0, [0, 1, 2]], ['__transaction_state', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, []], ['alpha', 0, [0, 1, 2]]]);
      assert.deepEqual(r.topics.map((t) => t.isInternal), [true, true, false]);
      assert.equal((await dtp(c, [])).topics[0].name, '__consumer_offsets', "'_' sorts before lower-case letters");
    });

    it('a partition whose only replica is down: leader -1, no partition error (Metadata says LEADER_NOT_AVAILABLE), the replica offline', async () => {
      const cluster = broker.cluster;
      const down = cluster.partitionState('gamma', 0).replicas[0];
      const other = [0, 1, 2].find((n) => n !== down)!;
      const client = await RawClient.connect(broker.bootstrap.split(',')[other]);
      try {
        cluster.stopNode(down);
        const r = await dtp(client, ['beta', 'gamma']);
        const gamma = r.topics.find((t) => t.name === 'gamma')!.partitions[0];
        assert.equal(gamma.errorCode, 0);
        assert.equal(gamma.leaderId, -1);
        assert.deepEqual(gamma.replicaNodes, [down]);
        assert.deepEqual(gamma.offlineReplicas, [down]);
        assert.equal(gamma.leaderEpoch, cluster.partitionState('gamma', 0).leaderEpoch);
        for (const p of r.topics.find((t) => t.name === 'beta')!.partitions) {
          assert.deepEqual(p.offlineReplicas, [down], 'a replica on the stopped node is offline');
          assert.notEqual(p.leaderId, down);
          assert.notEqual(p.leaderId, -1);
        }
        const md = await client.request(3, 12, { topics: [{ topicId: ZERO_UUID, name: 'gamma' }], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false });
        assert.equal(md.topics[0].partitions[0].errorCode, ErrorCode.LEADER_NOT_AVAILABLE);
        assert.deepEqual(md.topics[0].partitions[0].offlineReplicas, [down], 'Metadata reports the same offline replica');
      } finally {
        client.close();
        cluster.startNode(down);
      }
    });
  });

  describe('max.request.partition.size.limit', () => {
    let broker: TestBroker;
    before(async () => {
      broker = await startTestBroker({ nodes: 1 });
      broker.cluster.createTopic('wide', 2001, 1);
    });
    after(async () => broker?.stop());

    it("caps the client's limit at Kafka's default, 2000", async () => {
      const c = await RawClient.connect(broker.bootstrap);
      try {
        const r = await dtp(c, ['wide'], 2_147_483_647);
        assert.equal(r.topics[0].partitions.length, 2000);
        assert.deepEqual(cursorOf(r), ['wide', 2000]);
        const rest = await dtp(c, ['wide'], 2_147_483_647, { topicName: 'wide', partitionIndex: 2000 });
        assert.deepEqual(pages(rest), [['wide', 0, [2000]]]);
        assert.equal(rest.nextCursor, null);
      } finally {
        c.close();
      }
    });

    it('caps it at the configured value when set', async () => {
      const small = await startTestBroker({ nodes: 1, config: { 'max.request.partition.size.limit': '3' } });
      small.cluster.createTopic('five', 5, 1);
      const c = await RawClient.connect(small.bootstrap);
      try {
        const r = await dtp(c, ['five'], 100);
        assert.deepEqual(pages(r), [['five', 0, [0, 1, 2]]]);
        assert.deepEqual(cursorOf(r), ['five', 3]);
      } finally {
        c.close();
        await small.stop();
      }
    });
  });

  describe('with the StandardAuthorizer', () => {
    let broker: AuthzBroker;
    before(async () => {
      broker = await startAuthzBroker();
      for (const t of ['hidden-a', 'hidden-b', 'orders', 'payments', 'secret']) broker.cluster.createTopic(t, 2, 1);
      broker.allow('User:alice', Op.READ, R.TOPIC, 'orders');
      broker.allow('User:alice', Op.DESCRIBE, R.TOPIC, 'pay', PatternType.PREFIXED);
    });
    after(async () => broker?.stop());

    it('no topic named: only those the principal may DESCRIBE, refused ones left out', async () => {
      const alice = await broker.connectAs('alice');
      const r = await dtp(alice, []);
      assert.deepEqual(pages(r), [['orders', 0, [0, 1]], ['payments', 0, [0, 1]]]);
      assert.equal(r.topics[0].topicAuthorizedOperations, bits(Op.READ, Op.DESCRIBE), 'READ implies DESCRIBE');
      assert.equal(r.topics[1].topicAuthorizedOperations, bits(Op.DESCRIBE));
      const bob = await broker.connectAs('bob');
      const none = await dtp(bob, []);
      assert.deepEqual(none.topics, []);
      assert.equal(none.nextCursor, null);
      const admin = await broker.connectAs('admin');
      const su = await dtp(admin, []);
      assert.deepEqual(su.topics.map((t) => t.name), ['hidden-a', 'hidden-b', 'orders', 'payments', 'secret']);
      assert.ok(su.topics.every((t) => t.topicAuthorizedOperations === ALL_TOPIC_OPERATIONS), 'a super user may do everything');
    });

    it("named: TOPIC_AUTHORIZATION_FAILED, existing or not, without id or partitions, after the others in Kafka's HashSet order", async () => {
      const alice = await broker.connectAs('alice');
      const r = await dtp(alice, ['secret', 'orders', 'no-such', 'hidden-a', 'payments', 'hidden-b', 'pay-missing']);
      // Java's HashSet puts hidden-b (bucket 2) before hidden-a (3), no-such (4) and secret (11).
      assert.deepEqual(pages(r), [
        ['orders', 0, [0, 1]],
        ['pay-missing', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, []],
        ['payments', 0, [0, 1]],
        ['hidden-b', ErrorCode.TOPIC_AUTHORIZATION_FAILED, []],
        ['hidden-a', ErrorCode.TOPIC_AUTHORIZATION_FAILED, []],
        ['no-such', ErrorCode.TOPIC_AUTHORIZATION_FAILED, []],
        ['secret', ErrorCode.TOPIC_AUTHORIZATION_FAILED, []],
      ]);
      assert.equal(r.topics[1].topicAuthorizedOperations, bits(Op.DESCRIBE), 'an unknown topic the principal may describe: its operations');
      for (const t of r.topics.slice(3)) {
        assert.equal(t.topicId, ZERO_UUID);
        assert.equal(t.isInternal, false);
        assert.equal(t.topicAuthorizedOperations, OPERATIONS_NOT_REQUESTED);
      }
      assert.ok(broker.logger.lines.some((l) => /Principal = User:alice is Denied operation = DESCRIBE .* resource = Topic:LITERAL:secret for request = DescribeTopicPartitions/.test(l)));
    });

    it('a refused name is reported on every page from the cursor on, whatever the limit', async () => {
      const alice = await broker.connectAs('alice');
      const first = await dtp(alice, ['orders', 'secret'], 1);
      assert.deepEqual(pages(first), [['orders', 0, [0]], ['secret', ErrorCode.TOPIC_AUTHORIZATION_FAILED, []]]);
      assert.deepEqual(cursorOf(first), ['orders', 1]);
      const second = await dtp(alice, ['orders', 'secret'], 1, { topicName: 'orders', partitionIndex: 1 });
      assert.deepEqual(pages(second), [['orders', 0, [1]], ['secret', ErrorCode.TOPIC_AUTHORIZATION_FAILED, []]]);
      assert.equal(second.nextCursor, null);
      // Names before the cursor's topic are not looked at again.
      const later = await dtp(alice, ['hidden-a', 'payments'], 10, { topicName: 'payments', partitionIndex: 1 });
      assert.deepEqual(pages(later), [['payments', 0, [1]]]);
    });
  });
});
