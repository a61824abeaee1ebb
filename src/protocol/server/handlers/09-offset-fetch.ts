// OffsetFetch 1-9: committed offsets of one group (v1-7; all partitions when topics is null, v2+) or several
// groups at once (v8+); leader epochs from v5.
import { defineHandler, RequestContext } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import { coordinatorError } from './group-common';

interface Wanted {
  name: string;
  partitionIndexes: number[];
}

function fetchGroup(ctx: RequestContext, groupId: string, topics: Wanted[] | null) {
  const err = coordinatorError(ctx, groupId);
  if (err !== ErrorCode.NONE) return { errorCode: err, topics: [] as Array<{ name: string; partitions: Array<{ partitionIndex: number; committedOffset: number; committedLeaderEpoch: number; metadata: string | null; errorCode: number }> }> };
  const wanted = topics === null ? null : topics.flatMap((t) => t.partitionIndexes.map((p) => ({ topic: t.name, partition: p })));
  const rows = ctx.cluster.groupCoordinator.fetchOffsets(groupId, wanted);
  const byTopic = new Map<string, Array<{ partitionIndex: number; committedOffset: number; committedLeaderEpoch: number; metadata: string | null; errorCode: number }>>();
  for (const r of rows) {
    if (!byTopic.has(r.topic)) byTopic.set(r.topic, []);
    byTopic.get(r.topic)!.push({ partitionIndex: r.partition, committedOffset: r.offset, committedLeaderEpoch: ctx.apiVersion >= 5 ? r.leaderEpoch : -1, metadata: r.metadata, errorCode: ErrorCode.NONE });
  }
  return { errorCode: ErrorCode.NONE, topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })) };
}

export default defineHandler({
  apiKey: 9,
  minVersion: 1,
  maxVersion: 9,
  handle(ctx, req) {
    if (ctx.apiVersion >= 8) {
      return {
        throttleTimeMs: 0,
        topics: [],
        errorCode: 0,
        groups: req.groups.map((g) => {
          const r = fetchGroup(ctx, g.groupId, g.topics);
          return { groupId: g.groupId, errorCode: r.errorCode, topics: r.topics };
        }),
      };
    }
    const r = fetchGroup(ctx, req.groupId, ctx.apiVersion >= 2 ? req.topics : req.topics ?? []);
    return { throttleTimeMs: 0, topics: r.topics, errorCode: ctx.apiVersion >= 2 ? r.errorCode : 0, groups: [] };
  },
});
