// OffsetCommit 0-9: commits as records in __consumer_offsets; generation -1 commits for an empty group (admin
// tools, consumers without a group); metadata strings round-trip; unknown topics and partitions are refused.
// v1: a commit timestamp per partition; v2-4: a retention time (stored as the record's expire timestamp, as Kafka
// 3.9 stores it). v0 stored offsets in ZooKeeper: a Kafka 3.9 broker without ZooKeeper (KRaft, what Tributary is)
// answers it UNSUPPORTED_VERSION for every partition, and so does Tributary.
// v9+: a consumer protocol member commits with its member epoch in place of the generation.
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import { coordinatorError, forKnownPartitions } from './group-common';

export default defineHandler({
  apiKey: 8,
  minVersion: 0,
  maxVersion: 9,
  async handle(ctx, req) {
    const v = ctx.apiVersion;
    const flat = req.topics.flatMap((t) =>
      t.partitions.map((p) => ({
        topic: t.name,
        partition: p.partitionIndex,
        offset: p.committedOffset,
        leaderEpoch: v >= 6 ? p.committedLeaderEpoch : -1,
        metadata: p.committedMetadata,
        commitTimestamp: v === 1 ? p.commitTimestamp : -1,
        retentionTimeMs: v >= 2 && v <= 4 ? req.retentionTimeMs : -1,
      })),
    );
    if (v === 0) ctx.cluster.logger.warn(`OffsetCommit v0 from ${ctx.header.clientId ?? 'a client'} (group ${req.groupId}): v0 kept offsets in ZooKeeper, which a KRaft broker does not have; answered UNSUPPORTED_VERSION as Kafka 3.9 does`);
    const err = v === 0 ? ErrorCode.UNSUPPORTED_VERSION : coordinatorError(ctx, req.groupId);
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
