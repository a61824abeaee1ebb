// ListPartitionReassignments 0 (kafka-reassign-partitions.sh --verify and --list, admin clients'
// listPartitionReassignments): the reassignments in progress with their replicas, addingReplicas and removingReplicas;
// every one (topics null) or those among the partitions named, the rest (not reassigning, unknown) left out. As
// Kafka: DESCRIBE on the cluster first, or the whole request is refused (ListPartitionReassignmentsRequest.
// getErrorResponse: the error at the top, and each partition named echoed back with empty replica lists).
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import { AclOperation, authorizeCluster } from '../authorize';
import type { OngoingTopicReassignment } from '../../messages/list-partition-reassignments-response';
import type { OngoingReassignment } from '../../../broker/replication/partition-reassignment';

/** One entry per topic, its partitions in the order listed. */
function byTopic(ongoing: readonly OngoingReassignment[]): OngoingTopicReassignment[] {
  const out: OngoingTopicReassignment[] = [];
  for (const o of ongoing) {
    let t = out[out.length - 1];
    if (!t || t.name !== o.topic) out.push((t = { name: o.topic, partitions: [] }));
    t.partitions.push({ partitionIndex: o.partition, replicas: o.replicas, addingReplicas: o.addingReplicas, removingReplicas: o.removingReplicas });
  }
  return out;
}

export default defineHandler({
  apiKey: 46,
  minVersion: 0,
  maxVersion: 0,
  handle(ctx, req) {
    if (!authorizeCluster(ctx, AclOperation.DESCRIBE)) {
      const errorMessage = `Request(api=ListPartitionReassignments, version=${ctx.apiVersion}, connectionId=${ctx.connectionId}, principal=${ctx.principal}) is not authorized.`;
      const topics = (req.topics ?? []).map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, replicas: [], addingReplicas: [], removingReplicas: [] })) }));
      return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage, topics };
    }
    // Each topic named answers in its own entry (Kafka's listReassigningTopic), when any of its partitions reassigns.
    const topics = req.topics === null
      ? byTopic(ctx.cluster.listPartitionReassignments(null))
      : req.topics.flatMap((t) => byTopic(ctx.cluster.listPartitionReassignments([{ topic: t.name, partitions: t.partitionIndexes }])));
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, topics };
  },
});
