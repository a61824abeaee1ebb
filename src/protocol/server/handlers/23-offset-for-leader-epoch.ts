// OffsetForLeaderEpoch 0-4 (v0 answers no epoch, v2+ fence with the current leader epoch): for each partition, the largest epoch <= the one asked and the offset where it ended on
// this leader (KIP-101/279), which clients (KIP-320) and followers use to detect a diverged log.
import { defineHandler } from '../handler';
import { ErrorCode, errorCodeOf } from '../../../broker/errors';
import { AclOperation, authorizeCluster, topicAuthorizer } from '../authorize';

export default defineHandler({
  apiKey: 23,
  minVersion: 0,
  maxVersion: 4,
  handle(ctx, req) {
    // Followers ask with CLUSTER_ACTION, consumers (KIP-320) with DESCRIBE on each topic; Kafka asks the former quietly.
    const clusterAction = authorizeCluster(ctx, AclOperation.CLUSTER_ACTION, false);
    const describable = topicAuthorizer(ctx, AclOperation.DESCRIBE);
    const mayDescribe = (topic: string) => clusterAction || describable(topic);
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        topic: t.topic,
        partitions: t.partitions.map((p) => {
          const answer = (errorCode: number, leaderEpoch = -1, endOffset = -1) => ({ errorCode, partition: p.partition, leaderEpoch, endOffset });
          // Before the topic is looked up: an unauthorized principal learns nothing of it, existing or not.
          if (!mayDescribe(t.topic)) return answer(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
          try {
            const state = ctx.cluster.partitionState(t.topic, p.partition);
            if (state.leader !== ctx.nodeId) return answer(ErrorCode.NOT_LEADER_OR_FOLLOWER);
            if (p.currentLeaderEpoch >= 0 && p.currentLeaderEpoch !== state.leaderEpoch) {
              return answer(p.currentLeaderEpoch < state.leaderEpoch ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.UNKNOWN_LEADER_EPOCH);
            }
            const log = ctx.cluster.leaderLog(t.topic, p.partition);
            const r = log.leaderEpochCache.endOffsetFor(p.leaderEpoch, log.logEndOffset);
            return answer(ErrorCode.NONE, r.epoch, r.endOffset);
          } catch (e) {
            return answer(errorCodeOf(e));
          }
        }),
      })),
    };
  },
});
