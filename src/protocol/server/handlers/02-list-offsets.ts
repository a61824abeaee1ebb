// ListOffsets 0-8: earliest (-2), latest (-1), by timestamp, max timestamp (-3, v7+), earliest local (-4, v8).
// v0 (clients before Kafka 0.10.1, offset monitors) asks for up to MaxNumOffsets offsets at segment granularity.
import { defineHandler } from '../handler';
import { ErrorCode, errorCodeOf } from '../../../broker/errors';
import type { ListOffsetsPartitionResponse } from '../../messages/list-offsets-response';
import { AclOperation, topicAuthorizer } from '../authorize';

const LATEST_TIMESTAMP = -1;
const EARLIEST_TIMESTAMP = -2;
const MAX_TIMESTAMP = -3;
const EARLIEST_LOCAL_TIMESTAMP = -4;
const CONSUMER_REPLICA_ID = -1;

export default defineHandler({
  apiKey: 2,
  minVersion: 0,
  maxVersion: 8,
  handle(ctx, req) {
    const cluster = ctx.cluster;
    const mayDescribe = topicAuthorizer(ctx, AclOperation.DESCRIBE);
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p): ListOffsetsPartitionResponse => {
          const answer = (errorCode: number, offset = -1, timestamp = -1, leaderEpoch = -1): ListOffsetsPartitionResponse => ({
            partitionIndex: p.partitionIndex,
            errorCode,
            oldStyleOffsets: [],
            timestamp,
            offset,
            // Not in the schema before v4, and not ignorable there.
            leaderEpoch: ctx.apiVersion >= 4 ? leaderEpoch : -1,
          });
          // Before the topic is looked up: an unauthorized principal learns nothing of it, existing or not.
          if (!mayDescribe(t.name)) return answer(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
          try {
            const state = cluster.partitionState(t.name, p.partitionIndex);
            if (state.leader !== ctx.nodeId) return answer(ErrorCode.NOT_LEADER_OR_FOLLOWER);
            if (ctx.apiVersion === 0) {
              const log = cluster.leaderLog(t.name, p.partitionIndex);
              const offsets = log.legacyOffsetsBefore(p.timestamp, p.maxNumOffsets, Date.now());
              // A consumer is not shown offsets past the high watermark: the high watermark stands in for them.
              const hw = log.highWatermark;
              const visible = req.replicaId === CONSUMER_REPLICA_ID && offsets.some((o) => o > hw) ? [hw, ...offsets.filter((o) => o <= hw)] : offsets;
              return { ...answer(ErrorCode.NONE), oldStyleOffsets: visible };
            }
            if (p.currentLeaderEpoch >= 0 && p.currentLeaderEpoch !== state.leaderEpoch) {
              return answer(p.currentLeaderEpoch < state.leaderEpoch ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.UNKNOWN_LEADER_EPOCH);
            }
            const log = cluster.leaderLog(t.name, p.partitionIndex);
            const epochAt = (offset: number) => log.leaderEpochCache.epochForOffset(offset) ?? -1;
            // What the asking consumer can read: up to the last stable offset under read_committed (v2+ carry the
            // isolation level), else the high watermark.
            const visibleEnd = ctx.apiVersion >= 2 && req.isolationLevel === 1 ? log.lastStableOffset : log.highWatermark;
            switch (p.timestamp) {
              case EARLIEST_TIMESTAMP:
              case EARLIEST_LOCAL_TIMESTAMP:
                return answer(ErrorCode.NONE, log.logStartOffset, -1, epochAt(log.logStartOffset));
              case LATEST_TIMESTAMP: {
                return answer(ErrorCode.NONE, visibleEnd, -1, log.leaderEpochCache.latestEpoch ?? -1);
              }
              case MAX_TIMESTAMP: {
                if (ctx.apiVersion < 7) return answer(ErrorCode.UNSUPPORTED_VERSION);
                const m = log.fetchMaxTimestamp();
                return m && m.offset < visibleEnd ? answer(ErrorCode.NONE, m.offset, m.timestamp, m.leaderEpoch) : answer(ErrorCode.NONE);
              }
              default: {
                if (p.timestamp < 0) return answer(ErrorCode.INVALID_REQUEST);
                const found = log.fetchOffsetByTimestamp(p.timestamp);
                if (!found || found.offset >= visibleEnd) return answer(ErrorCode.NONE, -1, -1);
                return answer(ErrorCode.NONE, found.offset, found.timestamp, found.leaderEpoch);
              }
            }
          } catch (e) {
            return answer(errorCodeOf(e));
          }
        }),
      })),
    };
  },
});
