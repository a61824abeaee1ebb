// Shared by the group handlers: is this node the group's coordinator? which topics may the principal use?
import type { RequestContext } from '../handler';
import { ErrorCode, errorCodeOf } from '../../../broker/errors';
import { authorizedTopicNames } from '../authorize';

/** NONE when this node coordinates `groupId`, else NOT_COORDINATOR / COORDINATOR_NOT_AVAILABLE / INVALID_GROUP_ID. */
export function coordinatorError(ctx: RequestContext, groupId: string): number {
  if (!groupId) return ErrorCode.INVALID_GROUP_ID;
  try {
    ctx.cluster.groupCoordinator.checkCoordinator(groupId, ctx.nodeId);
    return ErrorCode.NONE;
  } catch (e) {
    return errorCodeOf(e);
  }
}

function exists(ctx: RequestContext, o: { topic: string; partition: number }, checkPartitions: boolean): boolean {
  const t = ctx.cluster.metadata.topic(o.topic);
  return t !== undefined && (!checkPartitions || (o.partition >= 0 && o.partition < t.partitions.length));
}

/**
 * Runs `apply` on the offsets whose topic (with `checkPartitions`, whose partition) the cluster has, and answers
 * UNKNOWN_TOPIC_OR_PARTITION for the others: Kafka refuses those before its coordinator sees them, so nothing is
 * stored for a topic that does not exist (an admin's AlterConsumerGroupOffsets, a consumer's stale commit).
 */
export async function forKnownPartitions<T extends { topic: string; partition: number }>(
  ctx: RequestContext,
  offsets: T[],
  checkPartitions: boolean,
  apply: (known: T[]) => Promise<number[]> | number[],
): Promise<number[]> {
  const codes = offsets.map((o) => (exists(ctx, o, checkPartitions) ? ErrorCode.NONE : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
  const known = offsets.filter((_, i) => codes[i] === ErrorCode.NONE);
  const results = known.length > 0 ? await apply(known) : [];
  let j = 0;
  return codes.map((c) => (c === ErrorCode.NONE ? results[j++] : c));
}

/**
 * What Kafka answers for each partition of an OffsetCommit or OffsetDelete before its coordinator sees it:
 * TOPIC_AUTHORIZATION_FAILED for a topic the principal may not `operation`, existing or not (authorization comes
 * first, so a refusal does not tell whether the topic exists), then UNKNOWN_TOPIC_OR_PARTITION for a topic or
 * partition the cluster does not have; NONE for the partitions the coordinator is to get.
 */
export function precheckPartitions(ctx: RequestContext, offsets: Array<{ topic: string; partition: number }>, operation: number): number[] {
  const allowed = authorizedTopicNames(ctx, operation, offsets.map((o) => o.topic));
  return offsets.map((o) => (!allowed.has(o.topic) ? ErrorCode.TOPIC_AUTHORIZATION_FAILED : exists(ctx, o, true) ? ErrorCode.NONE : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
}
