// The arithmetic of a partition reassignment, as Kafka's PartitionReassignmentReplicas, PartitionReassignmentRevert and
// validateManualPartitionAssignment do it: the replica set while it is under way, when it completes, what a cancel
// leaves, and which targets are refused with which message.
import { strict as assert } from 'node:assert';
import { completeReassignment, reassignmentReplicas, revertReassignment, validateTargetReplicas } from '../../../src/broker/replication/partition-reassignment';
import type { PartitionState } from '../../../src/broker/metadata/metadata-store';

const partition = (replicas: number[], isr: number[], addingReplicas: number[], removingReplicas: number[]): PartitionState => ({ partition: 0, replicas, isr, leader: isr[0] ?? -1, leaderEpoch: 0, addingReplicas, removingReplicas });

describe('partition reassignment', () => {
  it('the replica set while under way: the target, then the replicas removed; adding and removing in ascending order', () => {
    assert.deepEqual(reassignmentReplicas([3, 2, 1], [3, 2, 1]), { replicas: [3, 2, 1], adding: [], removing: [] });
    assert.deepEqual(reassignmentReplicas([3, 2, 1], [3, 6, 2, 1, 5]), { replicas: [3, 6, 2, 1, 5], adding: [5, 6], removing: [] });
    assert.deepEqual(reassignmentReplicas([3, 2, 1], [3, 1]), { replicas: [3, 1, 2], adding: [], removing: [2] });
    assert.deepEqual(reassignmentReplicas([3, 2, 1], [0, 2, 1]), { replicas: [0, 2, 1, 3], adding: [0], removing: [3] });
    assert.deepEqual(reassignmentReplicas([1, 2, 3], [6, 5, 4]), { replicas: [6, 5, 4, 1, 2, 3], adding: [4, 5, 6], removing: [1, 2, 3] });
  });

  it('completes once the ISR without the replicas removed holds every target replica', () => {
    assert.equal(completeReassignment([0, 1, 2], [0, 1, 2], [], []), undefined, 'nothing in progress');
    assert.equal(completeReassignment([2, 0], [0], [2], [0]), undefined, 'the new replica has not caught up');
    assert.deepEqual(completeReassignment([2, 0], [0, 2], [2], [0]), { replicas: [2], isr: [2] });
    assert.deepEqual(completeReassignment([1, 2, 0], [2, 0, 1], [2], [0]), { replicas: [1, 2], isr: [2, 1] }, 'each keeps its order');
    assert.deepEqual(completeReassignment([1, 0, 2], [1, 0, 2], [0, 2], []), { replicas: [1, 0, 2], isr: [1, 0, 2] }, 'growing only');
    assert.equal(completeReassignment([1, 0, 2], [0, 2], [], [0, 2]), undefined, 'nobody in the ISR would be left');
  });

  it('a cancel takes the replicas being added out of the replicas and the ISR, in their current order; an empty ISR is unclean', () => {
    assert.deepEqual(revertReassignment(partition([0, 2, 1, 3], [3, 0, 2, 1], [0], [3])), { replicas: [2, 1, 3], isr: [3, 2, 1], unclean: false });
    assert.deepEqual(revertReassignment(partition([1, 2, 3, 4, 0], [4, 2], [0, 1], [])), { replicas: [2, 3, 4], isr: [4, 2], unclean: false });
    assert.deepEqual(revertReassignment(partition([2, 0], [2], [2], [0])), { replicas: [0], isr: [0], unclean: true });
  });

  it("refuses an empty target, an unknown or negative node, a node named twice, with Kafka's messages, the smallest offender first", () => {
    const nodes = [0, 1, 2];
    assert.doesNotThrow(() => validateTargetReplicas([2, 0], nodes));
    assert.throws(() => validateTargetReplicas([], nodes), { errorName: 'INVALID_REPLICA_ASSIGNMENT', message: 'The manual partition assignment includes an empty replica list.' });
    assert.throws(() => validateTargetReplicas([9, 1, -3], nodes), { errorName: 'INVALID_REPLICA_ASSIGNMENT', message: 'The manual partition assignment includes broker -3, but no such broker is registered.' });
    assert.throws(() => validateTargetReplicas([2, 1, 2, 1], nodes), { errorName: 'INVALID_REPLICA_ASSIGNMENT', message: 'The manual partition assignment includes the broker 1 more than once.' });
  });
});
