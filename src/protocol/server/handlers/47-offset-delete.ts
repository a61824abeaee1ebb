// OffsetDelete 0: removes committed offsets of partitions the group no longer consumes (GROUP_SUBSCRIBED_TO_TOPIC
// for topics a member still subscribes to, UNKNOWN_TOPIC_OR_PARTITION for partitions the cluster does not have).
// With an authorizer, as Kafka's KafkaApis: DELETE on the group (GROUP_AUTHORIZATION_FAILED for the request), then
// READ on each topic, whose partitions get TOPIC_AUTHORIZATION_FAILED while the others' offsets are deleted.
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import { coordinatorError, precheckPartitions } from './group-common';
import { AclOperation, ResourceType, authorize } from '../authorize';

export default defineHandler({
  apiKey: 47,
  minVersion: 0,
  maxVersion: 0,
  async handle(ctx, req) {
    const groupError = (errorCode: number) => ({ errorCode, throttleTimeMs: 0, topics: [] });
    if (!authorize(ctx, AclOperation.DELETE, ResourceType.GROUP, req.groupId)) return groupError(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    const flat = req.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex })));
    const codes = precheckPartitions(ctx, flat, AclOperation.READ);
    const err = coordinatorError(ctx, req.groupId);
    if (err !== ErrorCode.NONE) return groupError(err);
    const passed = flat.filter((_, i) => codes[i] === ErrorCode.NONE);
    // Kafka asks its coordinator even when no partition is left: the group's own errors (GROUP_ID_NOT_FOUND,
    // NON_EMPTY_GROUP) still answer the request, and replace the partitions' errors.
    const r = await ctx.cluster.groupCoordinator.deleteOffsets(req.groupId, passed);
    if (r.errorCode !== ErrorCode.NONE) return groupError(r.errorCode);
    let j = 0;
    const final = codes.map((c) => (c === ErrorCode.NONE ? r.partitions[j++] : c));
    let i = 0;
    return {
      errorCode: ErrorCode.NONE,
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: final[i++] })) })),
    };
  },
});
