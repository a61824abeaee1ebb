// OffsetFetch 0-9 (v0 read ZooKeeper: a KRaft broker, Kafka 3.9's and ours, answers it UNSUPPORTED_VERSION; before v2
// a group error is carried by each partition): committed offsets of one group (v1-7; all partitions when topics is null, v2+) or several
// groups at once (v8+); leader epochs from v5; require_stable (v7+) answers UNSTABLE_OFFSET_COMMIT for a partition
// whose offset an open transaction has committed (KIP-447). v9+: a member of a consumer protocol group names itself
// and its epoch, which must be current (UNKNOWN_MEMBER_ID, STALE_MEMBER_EPOCH).
// With an authorizer, as Kafka's KafkaApis, per group: DESCRIBE on the group (GROUP_AUTHORIZATION_FAILED), then
// DESCRIBE on each topic asked for (TOPIC_AUTHORIZATION_FAILED on its partitions); asked for all, the group's offsets
// of topics the principal may not describe are left out.
import { defineHandler, RequestContext } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import { coordinatorError } from './group-common';
import { AclOperation, ResourceType, authorize, authorizedTopicNames } from '../authorize';

interface Wanted {
  name: string;
  partitionIndexes: number[];
}

interface PartitionOut {
  partitionIndex: number;
  committedOffset: number;
  committedLeaderEpoch: number;
  metadata: string | null;
  errorCode: number;
}

interface GroupOut {
  errorCode: number;
  topics: Array<{ name: string; partitions: PartitionOut[] }>;
}

/** A topic asked for whose offsets are not given, each partition carrying `errorCode` (Kafka's INVALID_OFFSET, NO_METADATA). */
function failedTopic(t: Wanted, errorCode: number) {
  return { name: t.name, partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode })) };
}

/** Kafka's OffsetFetchResponse.groupError: from v2 the group's error; before, there is none, each partition asked for carries it. */
function groupError(ctx: RequestContext, errorCode: number, asked: Wanted[] | null): GroupOut {
  if (ctx.apiVersion >= 2) return { errorCode, topics: [] };
  return { errorCode: ErrorCode.NONE, topics: (asked ?? []).map((t) => failedTopic(t, errorCode)) };
}

function fetchGroup(ctx: RequestContext, groupId: string, topics: Wanted[] | null, requireStable: boolean, member?: { memberId: string | null; memberEpoch: number }): GroupOut {
  if (!authorize(ctx, AclOperation.DESCRIBE, ResourceType.GROUP, groupId)) return groupError(ctx, ErrorCode.GROUP_AUTHORIZATION_FAILED, topics);
  if (ctx.apiVersion === 0) {
    ctx.cluster.logger.warn(`OffsetFetch v0 from ${ctx.header.clientId ?? 'a client'} (group ${groupId}): v0 read offsets from ZooKeeper, which a KRaft broker does not have; answered UNSUPPORTED_VERSION as Kafka 3.9 does`);
    return groupError(ctx, ErrorCode.UNSUPPORTED_VERSION, topics);
  }
  // Topics named: the ones the principal may not describe are refused before the coordinator is asked.
  const describable = topics === null ? null : authorizedTopicNames(ctx, AclOperation.DESCRIBE, topics.map((t) => t.name));
  const asked = topics === null ? null : topics.filter((t) => describable!.has(t.name));
  const refused = topics === null ? [] : topics.filter((t) => !describable!.has(t.name));
  let err = coordinatorError(ctx, groupId);
  if (err === ErrorCode.NONE && member) err = ctx.cluster.groupCoordinator.checkOffsetFetch(groupId, member.memberId, member.memberEpoch);
  // Kafka's coordinator sees only the authorized topics: before v2 only theirs carry its error.
  if (err !== ErrorCode.NONE) return groupError(ctx, err, asked);
  const wanted = asked === null ? null : asked.flatMap((t) => t.partitionIndexes.map((p) => ({ topic: t.name, partition: p })));
  const rows = ctx.cluster.groupCoordinator.fetchOffsets(groupId, wanted);
  const byTopic = new Map<string, PartitionOut[]>();
  for (const r of rows) {
    if (!byTopic.has(r.topic)) byTopic.set(r.topic, []);
    // KIP-447: a read_committed consumer asks for stable offsets; one a transaction is still deciding is retried.
    const unstable = requireStable && ctx.cluster.groupCoordinator.hasPendingTxnOffset(groupId, r.topic, r.partition);
    byTopic.get(r.topic)!.push({ partitionIndex: r.partition, committedOffset: unstable ? -1 : r.offset, committedLeaderEpoch: ctx.apiVersion >= 5 && !unstable ? r.leaderEpoch : -1, metadata: r.metadata, errorCode: unstable ? ErrorCode.UNSTABLE_OFFSET_COMMIT : ErrorCode.NONE });
  }
  // All topics: those the principal may not describe are left out, without an error that would name them.
  const shown = asked === null ? authorizedTopicNames(ctx, AclOperation.DESCRIBE, byTopic.keys()) : null;
  const found = [...byTopic].filter(([name]) => shown === null || shown.has(name)).map(([name, partitions]) => ({ name, partitions }));
  // Kafka appends the refused topics after the coordinator's answer.
  return { errorCode: ErrorCode.NONE, topics: [...found, ...refused.map((t) => failedTopic(t, ErrorCode.TOPIC_AUTHORIZATION_FAILED))] };
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
    const r = fetchGroup(ctx, req.groupId, ctx.apiVersion >= 2 ? req.topics : (req.topics ?? []), ctx.apiVersion >= 7 && req.requireStable);
    return { throttleTimeMs: 0, topics: r.topics, errorCode: ctx.apiVersion >= 2 ? r.errorCode : 0, groups: [] };
  },
});
