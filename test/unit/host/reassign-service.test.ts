/**
 * Reassign Partition as the extension reaches it (BrokerApi on a real 3-node BrokerService): the target's replicas
 * shown as being added and removed on the partition's line while the new follower is held back, the move completed
 * once it catches up (records on the new node, the old one gone), a cancel, Kafka's refusals, and the input's checks.
 */
import { strict as assert } from 'node:assert';
import { partitionNode } from '../../../src/views/tree-nodes';
import { bytesToText } from '../../../src/broker/api';
import type { KafkaError } from '../../../src/broker/errors';
import { parseReplicaList } from '../../../src/commands/replica-list';
import { pollUntil } from '../../support/poll';
import { startService, TestService } from './webviews-support';

describe('Reassign Partition through the broker API (tree and command)', function () {
  this.timeout(60000);
  let t: TestService;
  before(async () => {
    t = await startService({ nodes: 3 });
  });
  after(async () => t?.stop());

  const partition0 = async (topic: string) => (await t.service.describeTopic(topic)).partitions[0];

  it('moves a partition: shown as reassigning while the new replica catches up, then on its target only', async () => {
    await t.service.createTopic({ name: 'moved', partitions: 1, replicationFactor: 1 });
    await t.service.produce({ topic: 'moved', records: [{ value: 'kept', partition: 0 }] });
    const from = (await partition0('moved')).replicas[0];
    const to = [0, 1, 2].find((n) => n !== from)!;
    await t.service.setFault({ kind: 'pauseFollower', node: to });
    await t.service.reassignPartition('moved', 0, [to]);
    const during = await partition0('moved');
    assert.deepEqual([during.addingReplicas, during.removingReplicas], [[to], [from]]);
    assert.match(partitionNode('moved', during).description ?? '', new RegExp(`^reassigning \\+\\[${to}\\] −\\[${from}\\] · `));
    await t.service.setFault({ kind: 'resumeFollower', node: to });
    await pollUntil('the reassignment to complete', async () => (await partition0('moved')).addingReplicas === undefined);
    const done = await partition0('moved');
    assert.deepEqual([done.replicas, done.leader], [[to], to]);
    assert.doesNotMatch(partitionNode('moved', done).description ?? '', /reassigning/);
    const read = await t.service.consume({ topic: 'moved', partition: 0, from: { kind: 'earliest' } });
    assert.deepEqual(read.records.map((r) => (r.value ? bytesToText(r.value) : null)), ['kept']);
  });

  it('cancels one in progress, and passes on Kafka\'s refusals', async () => {
    await t.service.createTopic({ name: 'cancelled', partitions: 1, replicationFactor: 1 });
    const from = (await partition0('cancelled')).replicas[0];
    const to = [0, 1, 2].find((n) => n !== from)!;
    await t.service.setFault({ kind: 'pauseFollower', node: to });
    try {
      await t.service.reassignPartition('cancelled', 0, [from, to]);
      assert.deepEqual((await partition0('cancelled')).addingReplicas, [to]);
      await t.service.reassignPartition('cancelled', 0, null);
      const after = await partition0('cancelled');
      assert.deepEqual([after.replicas, after.addingReplicas], [[from], undefined]);
      const refusedWith = (name: string) => (e: KafkaError) => e.errorName === name;
      await assert.rejects(t.service.reassignPartition('cancelled', 0, null), refusedWith('NO_REASSIGNMENT_IN_PROGRESS'));
      await assert.rejects(t.service.reassignPartition('cancelled', 0, [7]), (e: KafkaError) => refusedWith('INVALID_REPLICA_ASSIGNMENT')(e) && /broker 7, but no such broker is registered/.test(e.message));
      await assert.rejects(t.service.reassignPartition('nowhere', 0, [0]), refusedWith('UNKNOWN_TOPIC_OR_PARTITION'));
    } finally {
      await t.service.setFault({ kind: 'resumeFollower', node: to });
    }
  });

  it("checks the input box's list before sending it", () => {
    assert.deepEqual(parseReplicaList('2, 0', [0, 1, 2]), [2, 0]);
    assert.deepEqual(parseReplicaList(' 1 2 ', [0, 1, 2]), [1, 2]);
    assert.equal(parseReplicaList('', [0, 1, 2]), 'At least one node id');
    assert.equal(parseReplicaList('1, 1', [0, 1, 2]), 'Each node once');
    assert.equal(parseReplicaList('1, x', [0, 1, 2]), 'Node ids are whole numbers, separated by commas');
    assert.equal(parseReplicaList('5', [0, 1, 2]), 'No node 5 in this cluster (nodes: 0, 1, 2)');
  });
});
