// OffsetCommit 0-9: commits as records in __consumer_offsets; generation -1 commits for an empty group (admin
// tools, consumers without a group); metadata strings round-trip; unknown topics and partitions are refused.
// v1: a commit timestamp per partition; v2-4: a retention time (stored as the record's expire timestamp, as Kafka
// 3.9 stores it). v0 stored offsets in ZooKeeper: a Kafka 3.9 broker without ZooKeeper (KRaft, what Tributary is)
// answers it UNSUPPORTED_VERSION for every partition, and so does Tributary.
// v9+: a consumer protocol member commits with its member epoch in place of the generation.
// With an authorizer, as Kafka's KafkaApis: READ on the group, else GROUP_AUTHORIZATION_FAILED on every partition;
// then READ on each topic, whose partitions get TOPIC_AUTHORIZATION_FAILED while the others are committed.
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import { coordinatorError, precheckPartitions } from './group-common';
import { AclOperation, ResourceType, authorize } from '../authorize';

export default defineHandler({
  apiKey: 8,
  minVersion: 0,
  maxVersion: 9,
  async handle(ctx, req) {
    const v = ctx.apiVersion;
    const answer = (codes: number[]) => {
      let i = 0;
      return {
        throttleTimeMs: 0,
        topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: codes[i++] })) })),
      };
    };
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
    if (!authorize(ctx, AclOperation.READ, ResourceType.GROUP, req.groupId)) return answer(flat.map(() => ErrorCode.GROUP_AUTHORIZATION_FAILED));
    const codes = precheckPartitions(ctx, flat, AclOperation.READ);
    const passed = flat.filter((_, i) => codes[i] === ErrorCode.NONE);
    // Only unauthorized or unknown partitions: Kafka answers without asking its coordinator (no group error).
    if (passed.length === 0) return answer(codes);
    if (v === 0) {
      ctx.cluster.logger.warn(`OffsetCommit v0 from ${ctx.header.clientId ?? 'a client'} (group ${req.groupId}): v0 kept offsets in ZooKeeper, which a KRaft broker does not have; answered UNSUPPORTED_VERSION as Kafka 3.9 does`);
      // Kafka 3.9 fails the whole request there (its ZooKeeper path throws): every partition, refused ones included.
      return answer(flat.map(() => ErrorCode.UNSUPPORTED_VERSION));
    }
    const err = coordinatorError(ctx, req.groupId);
    const results =
      err !== ErrorCode.NONE
        ? passed.map(() => err)
        : await ctx.cluster.groupCoordinator.commitOffsets({
            groupId: req.groupId,
            generationId: req.generationIdOrMemberEpoch,
            memberId: req.memberId,
            groupInstanceId: v >= 7 ? req.groupInstanceId : null,
            apiVersion: v,
            offsets: passed,
          });
    let j = 0;
    return answer(codes.map((c) => (c === ErrorCode.NONE ? results[j++] : c)));
  },
});
