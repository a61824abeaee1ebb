// ElectLeaders 0-2: preferred (type 0) or unclean (type 1, v1+) elections for the given partitions, or all of them.
import { defineHandler } from '../handler';
import { ErrorCode, errorCodeOf } from '../../../broker/errors';
import { AclOperation, authorizeCluster } from '../authorize';

export default defineHandler({
  apiKey: 43,
  minVersion: 0,
  maxVersion: 2,
  handle(ctx, req) {
    if (!authorizeCluster(ctx, AclOperation.ALTER)) {
      // Kafka's controller refuses the whole request (ElectLeadersRequest.getErrorResponse): the error at the top and
      // on every partition named, with the message of its ClusterAuthorizationException, which names the request.
      const errorMessage = `Request(api=ElectLeaders, version=${ctx.apiVersion}, connectionId=${ctx.connectionId}, principal=${ctx.principal}) is not authorized.`;
      const errorCode = ErrorCode.CLUSTER_AUTHORIZATION_FAILED;
      const replicaElectionResults = (req.topicPartitions ?? []).map((tp) => ({ topic: tp.topic, partitionResult: tp.partitions.map((partitionId) => ({ partitionId, errorCode, errorMessage })) }));
      return { throttleTimeMs: 0, errorCode, replicaElectionResults };
    }
    const type = ctx.apiVersion >= 1 && req.electionType === 1 ? 'unclean' : 'preferred';
    const wanted = req.topicPartitions ?? ctx.cluster.metadata.topics().map((t) => ({ topic: t.name, partitions: t.partitions.map((p) => p.partition) }));
    const results = wanted.map((tp) => ({
      topic: tp.topic,
      partitionResult: tp.partitions.map((partitionId) => {
        try {
          ctx.cluster.controller.electLeader(tp.topic, partitionId, type);
          return { partitionId, errorCode: ErrorCode.NONE, errorMessage: null };
        } catch (e) {
          return { partitionId, errorCode: errorCodeOf(e), errorMessage: (e as Error).message };
        }
      }),
    }));
    // Electing everything reports only what was done or failed for a reason other than "not needed" (as Kafka does).
    const shown = req.topicPartitions === null
      ? results.map((r) => ({ ...r, partitionResult: r.partitionResult.filter((p) => p.errorCode !== ErrorCode.ELECTION_NOT_NEEDED) })).filter((r) => r.partitionResult.length)
      : results;
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, replicaElectionResults: shown };
  },
});
