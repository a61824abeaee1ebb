// OffsetCommit 2-9: commits as records in __consumer_offsets; generation -1 commits for an empty group (admin
// tools, consumers without a group); metadata strings round-trip; unknown topics and partitions are refused.
// v9+: a consumer protocol member commits with its member epoch in place of the generation.
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import { coordinatorError, forKnownPartitions } from './group-common';

export default defineHandler({
  apiKey: 8,
  minVersion: 2,
  maxVersion: 9,
  async handle(ctx, req) {
    const v = ctx.apiVersion;
    const flat = req.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, offset: p.committedOffset, leaderEpoch: v >= 6 ? p.committedLeaderEpoch : -1, metadata: p.committedMetadata })));
    const err = coordinatorError(ctx, req.groupId);
    const codes = await forKnownPartitions(ctx, flat, true, (offsets) =>
      err !== ErrorCode.NONE
        ? offsets.map(() => err)
        : ctx.cluster.groupCoordinator.commitOffsets({
            groupId: req.groupId,
            generationId: req.generationIdOrMemberEpoch,
            memberId: req.memberId,
            groupInstanceId: v >= 7 ? req.groupInstanceId : null,
            apiVersion: v,
            offsets,
          }),
    );
    let i = 0;
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: codes[i++] })) })),
    };
  },
});
