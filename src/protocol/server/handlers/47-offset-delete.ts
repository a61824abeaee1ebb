// OffsetDelete 0: removes committed offsets of partitions the group no longer consumes (GROUP_SUBSCRIBED_TO_TOPIC
// for topics a member still subscribes to, UNKNOWN_TOPIC_OR_PARTITION for partitions the cluster does not have).
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import { coordinatorError, forKnownPartitions } from './group-common';

export default defineHandler({
  apiKey: 47,
  minVersion: 0,
  maxVersion: 0,
  async handle(ctx, req) {
    const err = coordinatorError(ctx, req.groupId);
    if (err !== ErrorCode.NONE) return { errorCode: err, throttleTimeMs: 0, topics: [] };
    const flat = req.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex })));
    let groupError: number = ErrorCode.NONE;
    const codes = await forKnownPartitions(ctx, flat, true, async (known) => {
      const r = await ctx.cluster.groupCoordinator.deleteOffsets(req.groupId, known);
      groupError = r.errorCode;
      return r.partitions;
    });
    if (groupError !== ErrorCode.NONE) return { errorCode: groupError, throttleTimeMs: 0, topics: [] };
    let i = 0;
    return {
      errorCode: ErrorCode.NONE,
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: codes[i++] })) })),
    };
  },
});
