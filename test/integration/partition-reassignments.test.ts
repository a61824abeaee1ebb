// AlterPartitionReassignments 0 and ListPartitionReassignments 0 in raw frames (what kafka-reassign-partitions.sh and
// admin clients send), against 3 virtual nodes: a partition moved from one node to another with its records (the old
// node's log deleted), grown from one replica to three and shrunk back, its leader moved away (a new leader with a
// new epoch once the target is in sync, the old one leading until then), a reassignment listed while its new replica
// is held back and completed once it fetches again, given a new target while in progress, cancelled (and refused a
// cancel that would need an unclean election), refused as Kafka's controller refuses it, refused without ALTER (or
// DESCRIBE) on the cluster, and resumed after a restart.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startTestBroker, type TestBroker } from '../support/broker';
import { startAuthzBroker, type AuthzBroker, AclOperation as Op, ResourceType as R } from '../support/authz';
import { RawClient } from '../support/raw-client';
import { textBatch } from '../support/batches';
import { pollUntil } from '../support/poll';
import { tmpDir, rm } from '../support/tmp';
import { replicaValues } from '../support/replica-values';
import { ErrorCode } from '../../src/broker/errors';
import { ZERO_UUID } from '../../src/protocol/codec';
import type { Cluster } from '../../src/broker/cluster';
import type { ClusterEvent } from '../../src/broker/replication/cluster-events';
import type { ReassignableTopic } from '../../src/protocol/messages/alter-partition-reassignments-request';
import type { ListPartitionReassignmentsTopics } from '../../src/protocol/messages/list-partition-reassignments-request';
import type { AlterPartitionReassignmentsResponseData } from '../../src/protocol/messages/alter-partition-reassignments-response';
import type { ListPartitionReassignmentsResponseData } from '../../src/protocol/messages/list-partition-reassignments-response';

const valuesOn = replicaValues;

const alter = (c: RawClient, topics: ReassignableTopic[]): Promise<AlterPartitionReassignmentsResponseData> => c.request(45, 0, { timeoutMs: 30000, topics });
const move = (c: RawClient, topic: string, replicas: number[] | null, partitionIndex = 0) => alter(c, [{ name: topic, partitions: [{ partitionIndex, replicas }] }]);
const list = (c: RawClient, topics: ListPartitionReassignmentsTopics[] | null): Promise<ListPartitionReassignmentsResponseData> => c.request(46, 0, { timeoutMs: 30000, topics });
/** The listed reassignments without the codec's bookkeeping fields. */
const listed = (r: ListPartitionReassignmentsResponseData) =>
  r.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, replicas: p.replicas, addingReplicas: p.addingReplicas, removingReplicas: p.removingReplicas })) }));
/** Each partition's answer as [topic, partition, error code, message]. */
const answers = (r: AlterPartitionReassignmentsResponseData) => r.responses.flatMap((t) => t.partitions.map((p) => [t.name, p.partitionIndex, p.errorCode, p.errorMessage]));

const logDirOf = (b: TestBroker, node: number, topic: string, partition = 0) => path.join(b.dataDir, `node-${node}`, `${topic}-${partition}`);

async function produce(cluster: Cluster, topic: string, values: string[]): Promise<void> {
  for (const v of values) await cluster.produce(topic, 0, textBatch([v]), -1, 5000);
}

describe('partition reassignments', function () {
  this.timeout(30000);

  describe('without an authorizer', () => {
    let broker: TestBroker;
    let c: RawClient;
    let events: ClusterEvent[];
    before(async () => {
      broker = await startTestBroker({ nodes: 3 });
      events = [];
      broker.cluster.on((e) => events.push(e));
      // Node 1, which no test stops (any node forwards these requests to the controller in Kafka).
      c = await RawClient.connect(broker.bootstrap.split(',')[1]);
    });
    after(async () => {
      c?.close();
      await broker?.stop();
    });
    afterEach(() => broker.cluster.replicaManager.faults.clear());

    const state = (topic: string, partition = 0) => broker.cluster.partitionState(topic, partition);
    const settled = (topic: string, replicas: number[]) => pollUntil(`${topic} on ${JSON.stringify(replicas)}`, () => JSON.stringify(state(topic).replicas) === JSON.stringify(replicas) && !state(topic).addingReplicas && !state(topic).removingReplicas);

    it('moves a partition of one replica from node 0 to node 2: its records arrive there, node 0 loses its log', async () => {
      const cluster = broker.cluster;
      cluster.createTopicWithAssignment('moved', [[0]]);
      await produce(cluster, 'moved', ['a', 'b', 'c', 'd', 'e']);
      const epoch = state('moved').leaderEpoch;
      assert.ok(fs.existsSync(logDirOf(broker, 0, 'moved')));

      const r = await move(c, 'moved', [2]);
      assert.equal(r.errorCode, ErrorCode.NONE);
      assert.equal(r.errorMessage, null);
      assert.deepEqual(answers(r), [['moved', 0, ErrorCode.NONE, null]]);
      await settled('moved', [2]);

      const s = state('moved');
      assert.deepEqual([s.leader, s.isr, s.leaderEpoch], [2, [2], epoch + 1], 'node 2 leads with a new epoch');
      assert.deepEqual(valuesOn(cluster, 2, 'moved'), ['a', 'b', 'c', 'd', 'e']);
      assert.equal(cluster.node(0).logManager.getLog({ topic: 'moved', partition: 0 }), undefined);
      assert.ok(!fs.existsSync(logDirOf(broker, 0, 'moved')), "node 0's log directory is gone");
      // The partition takes writes on its new node.
      await produce(cluster, 'moved', ['f']);
      assert.deepEqual(valuesOn(cluster, 2, 'moved'), ['a', 'b', 'c', 'd', 'e', 'f']);
      assert.equal(cluster.leaderLog('moved', 0).highWatermark, 6);

      const steps = events.filter((e) => e.type === 'reassignment' && e.topic === 'moved').map((e) => (e.type === 'reassignment' ? e.step : ''));
      assert.deepEqual(steps, ['started', 'caught-up', 'completed']);
      assert.ok(events.some((e) => e.type === 'leader-elected' && e.topic === 'moved' && e.leader === 2 && e.previousLeader === 0 && e.reason === 'reassignment completed'));
      assert.ok(broker.logger.lines.some((l) => l.includes('moved-0: reassignment to [2] started: adding [2], removing [0]')));
      assert.ok(broker.logger.lines.some((l) => l.includes('moved-0: reassignment completed: replicas [2]')));
    });

    it('grows a partition from one replica to three, then shrinks it back to one (at once: the target is in sync)', async () => {
      const cluster = broker.cluster;
      cluster.createTopicWithAssignment('grown', [[1]]);
      await produce(cluster, 'grown', ['x', 'y']);
      const epoch = state('grown').leaderEpoch;

      assert.deepEqual(answers(await move(c, 'grown', [1, 0, 2])), [['grown', 0, ErrorCode.NONE, null]]);
      await settled('grown', [1, 0, 2]);
      await pollUntil('all three in sync', () => state('grown').isr.length === 3);
      assert.equal(state('grown').leader, 1);
      assert.equal(state('grown').leaderEpoch, epoch, 'no replica left and the leader stayed: no new epoch');
      for (const n of [0, 2]) await pollUntil(`node ${n} has the records`, () => valuesOn(cluster, n, 'grown').length === 2);

      // Shrinking to one replica that is in sync needs no catching up: complete in the same request.
      assert.deepEqual(answers(await move(c, 'grown', [2])), [['grown', 0, ErrorCode.NONE, null]]);
      const s = state('grown');
      assert.deepEqual([s.replicas, s.isr, s.leader, s.leaderEpoch, s.addingReplicas, s.removingReplicas], [[2], [2], 2, epoch + 1, undefined, undefined]);
      assert.deepEqual(valuesOn(cluster, 2, 'grown'), ['x', 'y']);
      for (const n of [0, 1]) assert.equal(cluster.node(n).logManager.getLog({ topic: 'grown', partition: 0 }), undefined, `node ${n} deleted its replica`);
      assert.deepEqual(listed(await list(c, null)), []);
    });

    it('shrinks three replicas to one, keeping the leader: a new epoch all the same, as a replica left', async () => {
      const cluster = broker.cluster;
      cluster.createTopicWithAssignment('shrunk', [[0, 1, 2]]);
      await produce(cluster, 'shrunk', ['1', '2', '3']);
      const before = { ...state('shrunk') };
      assert.equal(before.leader, 0);
      assert.deepEqual(answers(await move(c, 'shrunk', [0])), [['shrunk', 0, ErrorCode.NONE, null]]);
      const s = state('shrunk');
      assert.deepEqual([s.replicas, s.isr, s.leader, s.leaderEpoch], [[0], [0], 0, before.leaderEpoch + 1]);
      for (const n of [1, 2]) assert.ok(!fs.existsSync(logDirOf(broker, n, 'shrunk')), `node ${n}'s log directory is gone`);
      // Writes with acks=all need only the one replica left.
      await produce(cluster, 'shrunk', ['4']);
      assert.deepEqual(valuesOn(cluster, 0, 'shrunk'), ['1', '2', '3', '4']);
    });

    it('moves the leader away: it leads until the target is in sync, then an in-sync target replica leads with a new epoch', async () => {
      const cluster = broker.cluster;
      cluster.createTopicWithAssignment('led', [[0, 1]]);
      await produce(cluster, 'led', ['p', 'q']);
      const epoch = state('led').leaderEpoch;
      cluster.replicaManager.faults.pauseFollower(2);
      assert.deepEqual(answers(await move(c, 'led', [1, 2])), [['led', 0, ErrorCode.NONE, null]]);
      let s = state('led');
      assert.deepEqual([s.replicas, s.addingReplicas, s.removingReplicas, s.leader, s.leaderEpoch], [[1, 2, 0], [2], [0], 0, epoch], 'the target first, then the replica being removed; node 0 still leads');
      await produce(cluster, 'led', ['r']);
      assert.equal(state('led').leader, 0);

      cluster.replicaManager.faults.resumeFollower(2);
      await settled('led', [1, 2]);
      s = state('led');
      assert.equal(s.leader, 1, 'the first target replica in the ISR');
      assert.equal(s.leaderEpoch, epoch + 1);
      assert.deepEqual([...s.isr].sort(), [1, 2]);
      assert.deepEqual(valuesOn(cluster, 2, 'led'), ['p', 'q', 'r']);
      assert.ok(!fs.existsSync(logDirOf(broker, 0, 'led')));
      await produce(cluster, 'led', ['s']);
      for (const n of [1, 2]) await pollUntil(`node ${n} has every record`, () => valuesOn(cluster, n, 'led').length === 4);
    });

    it('lists a reassignment while its new replica is held back, Metadata and DescribeTopicPartitions showing every replica; it completes once the replica fetches', async () => {
      const cluster = broker.cluster;
      cluster.createTopicWithAssignment('slow', [[0], [1]]);
      cluster.createTopicWithAssignment('idle', [[0]]);
      await produce(cluster, 'slow', ['m1', 'm2', 'm3']);
      cluster.replicaManager.faults.pauseFollower(2);
      assert.deepEqual(answers(await move(c, 'slow', [2])), [['slow', 0, ErrorCode.NONE, null]]);

      const ongoing = [{ name: 'slow', partitions: [{ partitionIndex: 0, replicas: [2, 0], addingReplicas: [2], removingReplicas: [0] }] }];
      const all = await list(c, null);
      assert.equal(all.errorCode, ErrorCode.NONE);
      assert.equal(all.errorMessage, null);
      assert.deepEqual(listed(all), ongoing);
      assert.deepEqual(listed(await list(c, [{ name: 'slow', partitionIndexes: [0, 1, 7] }])), ongoing, 'partitions not reassigning or unknown are left out');
      assert.deepEqual(listed(await list(c, [{ name: 'idle', partitionIndexes: [0] }, { name: 'no-such-topic', partitionIndexes: [0] }])), []);
      assert.deepEqual(listed(await list(c, [{ name: 'slow', partitionIndexes: [1] }])), []);
      // Through the Cluster, as the UI asks.
      assert.deepEqual(cluster.listPartitionReassignments(), [{ topic: 'slow', partition: 0, replicas: [2, 0], addingReplicas: [2], removingReplicas: [0] }]);

      const md = await c.request(3, 12, { topics: [{ topicId: ZERO_UUID, name: 'slow' }], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false });
      const mp = md.topics[0].partitions.find((p) => p.partitionIndex === 0)!;
      assert.deepEqual([mp.leaderId, mp.replicaNodes, mp.isrNodes], [0, [2, 0], [0]]);
      const dtp = await c.request(75, 0, { topics: [{ name: 'slow' }], responsePartitionLimit: 2000, cursor: null });
      const dp = dtp.topics[0].partitions.find((p) => p.partitionIndex === 0)!;
      assert.deepEqual([dp.leaderId, dp.replicaNodes, dp.isrNodes], [0, [2, 0], [0]]);
      // Held back, node 2 has not fetched a record; the leader keeps serving.
      assert.deepEqual(valuesOn(cluster, 2, 'slow'), []);
      await produce(cluster, 'slow', ['m4']);
      // Growing the topic meanwhile takes the replication factor from partition 0's replicas as they stand, two here,
      // as Kafka's controller does.
      const grown = await c.request(37, 3, { topics: [{ name: 'slow', count: 3, assignments: null }], timeoutMs: 5000, validateOnly: false });
      assert.equal(grown.results[0].errorCode, ErrorCode.NONE);
      assert.equal(state('slow', 2).replicas.length, 2);

      cluster.replicaManager.faults.resumeFollower(2);
      await settled('slow', [2]);
      assert.deepEqual(listed(await list(c, null)), []);
      assert.deepEqual(valuesOn(cluster, 2, 'slow'), ['m1', 'm2', 'm3', 'm4']);
      assert.deepEqual(state('slow', 1).replicas, [1], 'the other partition was left alone');
    });

    it('cancels a reassignment: the replicas being added leave (their logs deleted), the others stay with their leader', async () => {
      const cluster = broker.cluster;
      cluster.createTopicWithAssignment('undone', [[0, 1]]);
      await produce(cluster, 'undone', ['u']);
      const epoch = state('undone').leaderEpoch;
      cluster.replicaManager.faults.pauseFollower(2);
      await move(c, 'undone', [1, 2]);
      assert.ok(cluster.node(2).logManager.getLog({ topic: 'undone', partition: 0 }), 'the replica being added has its log');

      const r = await move(c, 'undone', null);
      assert.deepEqual(answers(r), [['undone', 0, ErrorCode.NONE, null]]);
      const s = state('undone');
      // Kafka's revert keeps the current order of the replicas that stay ([1, 2, 0] without 2), not the original one.
      assert.deepEqual([s.replicas, [...s.isr].sort(), s.leader, s.leaderEpoch, s.addingReplicas, s.removingReplicas], [[1, 0], [0, 1], 0, epoch + 1, undefined, undefined]);
      assert.equal(cluster.node(2).logManager.getLog({ topic: 'undone', partition: 0 }), undefined);
      assert.ok(!fs.existsSync(logDirOf(broker, 2, 'undone')));
      assert.deepEqual(listed(await list(c, null)), []);
      assert.ok(events.some((e) => e.type === 'reassignment' && e.topic === 'undone' && e.step === 'cancelled'));

      // Nothing left to cancel: Kafka answers without a message.
      assert.deepEqual(answers(await move(c, 'undone', null)), [['undone', 0, ErrorCode.NO_REASSIGNMENT_IN_PROGRESS, null]]);
      await produce(cluster, 'undone', ['v']);
      assert.deepEqual(valuesOn(cluster, 0, 'undone'), ['u', 'v']);
    });

    it('a new target while a reassignment is in progress: the replicas of the first one being added are now being removed', async () => {
      const cluster = broker.cluster;
      cluster.createTopicWithAssignment('retargeted', [[0]]);
      await produce(cluster, 'retargeted', ['t1', 't2']);
      cluster.replicaManager.faults.pauseFollower(2);
      cluster.replicaManager.faults.pauseFollower(1);
      await move(c, 'retargeted', [2]);
      assert.deepEqual(answers(await move(c, 'retargeted', [1])), [['retargeted', 0, ErrorCode.NONE, null]]);
      const s = state('retargeted');
      assert.deepEqual([s.replicas, s.addingReplicas, s.removingReplicas], [[1, 0, 2], [1], [0, 2]], 'the target, then every other replica in ascending order');
      cluster.replicaManager.faults.resumeFollower(1);
      await settled('retargeted', [1]);
      assert.equal(state('retargeted').leader, 1);
      assert.deepEqual(valuesOn(cluster, 1, 'retargeted'), ['t1', 't2']);
      for (const n of [0, 2]) assert.equal(cluster.node(n).logManager.getLog({ topic: 'retargeted', partition: 0 }), undefined, `node ${n} deleted its replica`);
    });

    it('a cancel that would leave no replica in sync needs unclean.leader.election.enable, as in Kafka', async () => {
      const cluster = broker.cluster;
      cluster.createTopicWithAssignment('stranded', [[0]]);
      await produce(cluster, 'stranded', ['s1']);
      cluster.replicaManager.faults.pauseFollower(2);
      await move(c, 'stranded', [1, 2]);
      await pollUntil('node 1 in sync', () => state('stranded').isr.includes(1));
      // The only replica the cancel would keep stops: node 1, being added, leads with an ISR of its own.
      cluster.stopNode(0);
      try {
        assert.deepEqual([state('stranded').leader, state('stranded').isr], [1, [1]]);
        assert.deepEqual(answers(await move(c, 'stranded', null)), [['stranded', 0, ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'Unable to revert partition assignment for stranded:0 because it would require an unclean leader election.']]);
        cluster.setTopicConfigs('stranded', { 'unclean.leader.election.enable': 'true' });
        assert.deepEqual(cluster.alterPartitionReassignments([{ topic: 'stranded', partition: 0, replicas: null }]), [{ topic: 'stranded', partition: 0, errorCode: ErrorCode.NONE, errorMessage: null }]);
        const s = state('stranded');
        assert.deepEqual([s.replicas, s.isr, s.leader, s.addingReplicas], [[0], [0], -1, undefined], 'back on node 0, offline until it returns');
        for (const n of [1, 2]) assert.equal(cluster.node(n).logManager.getLog({ topic: 'stranded', partition: 0 }), undefined);
      } finally {
        cluster.startNode(0);
      }
      assert.equal(state('stranded').leader, 0);
      assert.deepEqual(valuesOn(cluster, 0, 'stranded'), ['s1']);
    });

    it("answers each partition with Kafka's errors and messages; a reorder or the same replicas complete at once", async () => {
      const cluster = broker.cluster;
      cluster.createTopicWithAssignment('checked', [[0, 1], [1, 2]]);
      const epoch = state('checked').leaderEpoch;
      const r = await alter(c, [
        {
          name: 'checked',
          partitions: [
            { partitionIndex: 0, replicas: [] },
            { partitionIndex: 0, replicas: [1, 1] },
            { partitionIndex: 0, replicas: [0, 7] },
            { partitionIndex: 0, replicas: [2, -1] },
            { partitionIndex: 5, replicas: [0] },
            { partitionIndex: 1, replicas: null },
            { partitionIndex: 0, replicas: [1, 0] },
            { partitionIndex: 1, replicas: [1, 2] },
          ],
        },
        { name: 'nope', partitions: [{ partitionIndex: 0, replicas: [0] }] },
        { name: 'empty', partitions: [] },
      ]);
      assert.equal(r.errorCode, ErrorCode.NONE);
      assert.equal(r.errorMessage, null);
      assert.deepEqual(answers(r), [
        ['checked', 0, ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The manual partition assignment includes an empty replica list.'],
        ['checked', 0, ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The manual partition assignment includes the broker 1 more than once.'],
        ['checked', 0, ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The manual partition assignment includes broker 7, but no such broker is registered.'],
        ['checked', 0, ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The manual partition assignment includes broker -1, but no such broker is registered.'],
        ['checked', 5, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'Unable to find partition checked:5.'],
        ['checked', 1, ErrorCode.NO_REASSIGNMENT_IN_PROGRESS, null],
        ['checked', 0, ErrorCode.NONE, null],
        ['checked', 1, ErrorCode.NONE, null],
        ['nope', 0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'Unable to find a topic named nope.'],
      ]);
      assert.deepEqual(r.responses.map((t) => t.name), ['checked', 'nope', 'empty'], 'a topic without partitions is answered too');
      // The reorder took effect at once, without a reassignment in progress or a new epoch; the same replicas changed nothing.
      assert.deepEqual([state('checked').replicas, state('checked').leader, state('checked').leaderEpoch], [[1, 0], 0, epoch]);
      assert.deepEqual(state('checked', 1).replicas, [1, 2]);
      assert.deepEqual(listed(await list(c, null)), []);
    });

    it('serves an empty request', async () => {
      const r = await alter(c, []);
      assert.deepEqual([r.errorCode, r.errorMessage, r.responses], [ErrorCode.NONE, null, []]);
    });
  });

  describe('authorization', () => {
    let broker: AuthzBroker;
    before(async () => {
      broker = await startAuthzBroker({ nodes: 3 });
      broker.cluster.createTopicWithAssignment('guarded', [[0]]);
    });
    after(async () => broker?.stop());

    it('refuses AlterPartitionReassignments without ALTER and ListPartitionReassignments without DESCRIBE on the cluster', async () => {
      const alice = await broker.connectAs('alice');
      const a = await move(alice, 'guarded', [1]);
      assert.equal(a.errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
      assert.match(a.errorMessage!, /^Request\(api=AlterPartitionReassignments, version=0, connectionId=.*, principal=User:alice\) is not authorized\.$/);
      assert.deepEqual(answers(a), [['guarded', 0, ErrorCode.CLUSTER_AUTHORIZATION_FAILED, a.errorMessage]]);
      assert.deepEqual(broker.cluster.partitionState('guarded', 0).replicas, [0], 'nothing moved');

      const l = await list(alice, [{ name: 'guarded', partitionIndexes: [0, 3] }]);
      assert.equal(l.errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
      assert.match(l.errorMessage!, /^Request\(api=ListPartitionReassignments, version=0, .*principal=User:alice\) is not authorized\.$/);
      assert.deepEqual(listed(l), [{ name: 'guarded', partitions: [0, 3].map((partitionIndex) => ({ partitionIndex, replicas: [], addingReplicas: [], removingReplicas: [] })) }]);
      assert.deepEqual(listed(await list(alice, null)), []);
      assert.equal((await list(alice, null)).errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);

      broker.allow('User:alice', Op.DESCRIBE, R.CLUSTER, 'kafka-cluster');
      assert.equal((await list(alice, null)).errorCode, ErrorCode.NONE);
      assert.equal((await move(alice, 'guarded', [1])).errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'DESCRIBE is not ALTER');

      broker.allow('User:alice', Op.ALTER, R.CLUSTER, 'kafka-cluster');
      assert.deepEqual(answers(await move(alice, 'guarded', [1])), [['guarded', 0, ErrorCode.NONE, null]]);
      await pollUntil('guarded moved to node 1', () => JSON.stringify(broker.cluster.partitionState('guarded', 0).replicas) === '[1]');
      const admin = await broker.connectAs('admin');
      assert.equal((await list(admin, null)).errorCode, ErrorCode.NONE, 'a super user may');
    });
  });

  describe('across a restart', () => {
    let dir: string;
    let broker: TestBroker | undefined;
    beforeEach(() => (dir = tmpDir('tributary-reassign-')));
    afterEach(async () => {
      await broker?.stop(true);
      broker = undefined;
      rm(dir);
    });

    it('a reassignment in progress when the broker stops resumes and completes after it starts again', async () => {
      broker = await startTestBroker({ nodes: 3, dataDir: dir });
      const cluster = broker.cluster;
      cluster.createTopicWithAssignment('resumed', [[0]]);
      await produce(cluster, 'resumed', ['r1', 'r2', 'r3']);
      cluster.replicaManager.faults.pauseFollower(2);
      const c = await RawClient.connect(broker.bootstrap.split(',')[0]);
      assert.deepEqual(answers(await move(c, 'resumed', [2])), [['resumed', 0, ErrorCode.NONE, null]]);
      c.close();
      await broker.stop(true);
      broker = undefined;
      const saved = JSON.parse(fs.readFileSync(path.join(dir, 'cluster-metadata.json'), 'utf8')) as { topics: Array<{ name: string; partitions: Array<Record<string, unknown>> }> };
      const p = saved.topics.find((t) => t.name === 'resumed')!.partitions[0];
      assert.deepEqual([p.replicas, p.addingReplicas, p.removingReplicas], [[2, 0], [2], [0]], 'persisted in the cluster metadata');

      broker = await startTestBroker({ nodes: 3, dataDir: dir });
      const again = broker.cluster;
      assert.ok(broker.logger.lines.some((l) => l.includes('resumed-0: reassignment in progress resumes')));
      await pollUntil('the reassignment completes', () => JSON.stringify(again.partitionState('resumed', 0).replicas) === '[2]');
      assert.equal(again.partitionState('resumed', 0).leader, 2);
      assert.deepEqual(valuesOn(again, 2, 'resumed'), ['r1', 'r2', 'r3']);
      assert.ok(!fs.existsSync(path.join(dir, 'node-0', 'resumed-0')));
      const c2 = await RawClient.connect(broker.bootstrap.split(',')[0]);
      assert.deepEqual(listed(await list(c2, null)), []);
      c2.close();
    });
  });
});
