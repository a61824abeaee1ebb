// AlterPartitionReassignments 0 (kafka-reassign-partitions.sh --execute and --cancel, admin clients'
// alterPartitionReassignments): each partition named moves to its target replicas, or (replicas null) has its
// reassignment in progress cancelled; the controller's work (see partition-reassignment.ts), answered per partition.
// As Kafka: ALTER on the cluster first, or the whole request is refused (AlterPartitionReassignmentsRequest.
// getErrorResponse: the error at the top and on every partition named, with the message of its
// ClusterAuthorizationException, which names the request).
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import { AclOperation, authorizeCluster } from '../authorize';

export default defineHandler({
  apiKey: 45,
  minVersion: 0,
  maxVersion: 0,
  handle(ctx, req) {
    if (!authorizeCluster(ctx, AclOperation.ALTER)) {
      const errorMessage = `Request(api=AlterPartitionReassignments, version=${ctx.apiVersion}, connectionId=${ctx.connectionId}, principal=${ctx.principal}) is not authorized.`;
      const errorCode = ErrorCode.CLUSTER_AUTHORIZATION_FAILED;
      const responses = req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode, errorMessage })) }));
      return { throttleTimeMs: 0, errorCode, errorMessage, responses };
    }
    const results = ctx.cluster.alterPartitionReassignments(req.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, replicas: p.replicas }))));
    let i = 0;
    const responses = req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => {
        const r = results[i++];
        return { partitionIndex: p.partitionIndex, errorCode: r.errorCode, errorMessage: r.errorMessage };
      }),
    }));
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, responses };
  },
});
