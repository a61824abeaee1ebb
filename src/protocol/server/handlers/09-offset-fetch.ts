// OffsetFetch 0-9 (v0 read ZooKeeper: a KRaft broker, Kafka 3.9's and ours, answers it UNSUPPORTED_VERSION; before v2
// a group error is carried by each partition): committed offsets of one group (v1-7; all partitions when topics is null, v2+) or several
// groups at once (v8+); leader epochs from v5; require_stable (v7+) answers UNSTABLE_OFFSET_COMMIT for a partition
// whose offset an open transaction has committed (KIP-447). v9+: a member of a consumer protocol group names itself
// and its epoch, which must be current (UNKNOWN_MEMBER_ID, STALE_MEMBER_EPOCH).
import { defineHandler, RequestContext } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import { coordinatorError } from './group-common';

interface Wanted {
  name: string;
  partitionIndexes: number[];
}

function fetchGroup(ctx: RequestContext, groupId: string, topics: Wanted[] | null, requireStable: boolean, member?: { memberId: string | null; memberEpoch: number }) {
  let err = coordinatorError(ctx, groupId);
  if (err === ErrorCode.NONE && member) err = ctx.cluster.groupCoordinator.checkOffsetFetch(groupId, member.memberId, member.memberEpoch);
  if (err !== ErrorCode.NONE) return { errorCode: err, topics: [] as Array<{ name: string; partitions: Array<{ partitionIndex: number; committedOffset: number; committedLeaderEpoch: number; metadata: string | null; errorCode: number }> }> };
  const wanted = topics === null ? null : topics.flatMap((t) => t.partitionIndexes.map((p) => ({ topic: t.name, partition: p })));
  const rows = ctx.cluster.groupCoordinator.fetchOffsets(groupId, wanted);
  const byTopic = new Map<string, Array<{ partitionIndex: number; committedOffset: number; committedLeaderEpoch: number; metadata: string | null; errorCode: number }>>();
  for (const r of rows) {
    if (!byTopic.has(r.topic)) byTopic.set(r.topic, []);
    // KIP-447: a read_committed consumer asks for stable offsets; one a transaction is still deciding is retried.
    const unstable = requireStable && ctx.cluster.groupCoordinator.hasPendingTxnOffset(groupId, r.topic, r.partition);
    byTopic.get(r.topic)!.push({ partitionIndex: r.partition, committedOffset: unstable ? -1 : r.offset, committedLeaderEpoch: ctx.apiVersion >= 5 && !unstable ? r.leaderEpoch : -1, metadata: r.metadata, errorCode: unstable ? ErrorCode.UNSTABLE_OFFSET_COMMIT : ErrorCode.NONE });
  }
  return { errorCode: ErrorCode.NONE, topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })) };
}

export default defineHandler({
  apiKey: 9,
  minVersion: 0,
  maxVersion: 9,
  handle(ctx, req) {
    if (ctx.apiVersion >= 8) {
      return {
        throttleTimeMs: 0,
        topics: [],
        errorCode: 0,
        groups: req.groups.map((g) => {
          const r = fetchGroup(ctx, g.groupId, g.topics, req.requireStable, ctx.apiVersion >= 9 ? { memberId: g.memberId, memberEpoch: g.memberEpoch } : undefined);
          return { groupId: g.groupId, errorCode: r.errorCode, topics: r.topics };
        }),
      };
    }
    if (ctx.apiVersion === 0) ctx.cluster.logger.warn(`OffsetFetch v0 from ${ctx.header.clientId ?? 'a client'} (group ${req.groupId}): v0 read offsets from ZooKeeper, which a KRaft broker does not have; answered UNSUPPORTED_VERSION as Kafka 3.9 does`);
    const r = ctx.apiVersion === 0 ? { errorCode: ErrorCode.UNSUPPORTED_VERSION, topics: [] } : fetchGroup(ctx, req.groupId, ctx.apiVersion >= 2 ? req.topics : req.topics ?? [], ctx.apiVersion >= 7 && req.requireStable);
    if (ctx.apiVersion < 2 && r.errorCode !== ErrorCode.NONE) {
      // Before v2 there is no group-level error: each partition asked for carries it (Kafka's getErrorResponse).
      const topics = (req.topics ?? []).map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: r.errorCode })) }));
      return { throttleTimeMs: 0, topics, errorCode: 0, groups: [] };
    }
    return { throttleTimeMs: 0, topics: r.topics, errorCode: ctx.apiVersion >= 2 ? r.errorCode : 0, groups: [] };
  },
});
