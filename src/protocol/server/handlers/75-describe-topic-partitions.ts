// DescribeTopicPartitions 0 (KIP-966; Java admin clients' describeTopics from Kafka 3.8 on): topics and their partitions
// a page at a time, as Kafka 4.0 answers it. No topic named means every topic the principal may DESCRIBE. The answer
// holds the topics in name order from the cursor on, at most ResponsePartitionLimit partitions (capped by the broker's
// max.request.partition.size.limit), and NextCursor where the next page starts. A named topic the principal may not
// DESCRIBE is answered TOPIC_AUTHORIZATION_FAILED after the others, without checking whether it exists.
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import { ZERO_UUID } from '../../codec';
import { validateTopicName, isInternalTopic } from '../../../broker/config/topic-name';
import { OPERATIONS_NOT_REQUESTED } from '../../../broker/security/acl-operations';
import { AclOperation, ResourceType, authorizedOperations, authorizedTopicNames } from '../authorize';
import { liveNodeIds, partitionReplicas, topicIdentity } from './topic-description';
import type { DescribeTopicPartitionsRequestData } from '../../messages/describe-topic-partitions-request';
import type { Cursor, DescribeTopicPartitionsResponseData, DescribeTopicPartitionsResponsePartition, DescribeTopicPartitionsResponseTopic } from '../../messages/describe-topic-partitions-response';

function errorTopic(errorCode: number, name: string, isInternal = false): DescribeTopicPartitionsResponseTopic {
  return { errorCode, name, topicId: ZERO_UUID, isInternal, partitions: [], topicAuthorizedOperations: OPERATIONS_NOT_REQUESTED };
}

/**
 * Kafka's answer to a request it refuses as a whole (its getErrorResponse): every topic named, in request order and
 * duplicates kept, with the error.
 */
function refused(req: DescribeTopicPartitionsRequestData): DescribeTopicPartitionsResponseData {
  return { throttleTimeMs: 0, topics: req.topics.map((t) => errorTopic(ErrorCode.INVALID_REQUEST, t.name)), nextCursor: null };
}

function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * Kafka collects the refused topics in a java.util.HashSet (the elements hash by name alone) before appending them, so
 * they come in that set's iteration order: by bucket of the spread name hash in a table of 16 doubled past a 0.75
 * load, then in the order added (name order). A client comparing answers with a real broker sees the same order.
 */
function javaHashSetOrder(names: readonly string[]): string[] {
  let capacity = 16;
  while (names.length > capacity * 0.75) capacity *= 2;
  const bucket = (name: string) => {
    const h = javaStringHash(name);
    return (h ^ (h >>> 16)) & (capacity - 1);
  };
  return names
    .map((name, i) => ({ name, i, b: bucket(name) }))
    .sort((x, y) => x.b - y.b || x.i - y.i)
    .map((x) => x.name);
}

export default defineHandler({
  apiKey: 75,
  minVersion: 0,
  maxVersion: 0,
  handle(ctx, req) {
    const cluster = ctx.cluster;
    const fetchAll = req.topics.length === 0;
    const cursor = req.cursor;
    const cursorTopic = cursor?.topicName ?? '';
    // Names before the cursor's topic were answered on earlier pages (Java's compareTo, JS's < and sort() all order
    // by UTF-16 code unit).
    const candidates = new Set((fetchAll ? cluster.metadata.topics().map((t) => t.name) : req.topics.map((t) => t.name)).filter((n) => n >= cursorTopic));
    if (cursor && !fetchAll && !candidates.has(cursor.topicName)) return refused(req);
    if (cursor && cursor.partitionIndex < 0) return refused(req);

    const sorted = [...candidates].sort();
    // Kafka asks the authorizer about every candidate before paging, so a refused name is reported on each page it
    // falls on or after, whatever the limit.
    const allowed = authorizedTopicNames(ctx, AclOperation.DESCRIBE, sorted);
    const live = liveNodeIds(cluster);

    const topics: DescribeTopicPartitionsResponseTopic[] = [];
    let nextCursor: Cursor | null = null;
    // Kafka 4.0 serves at least one partition whatever the client asks, so a page always makes progress.
    // max.request.partition.size.limit caps what a client may ask for in one answer.
    const limit = cluster.brokerConfig.get<number>('max.request.partition.size.limit', ctx.nodeId);
    let remaining = Math.max(Math.min(limit, req.responsePartitionLimit), 1);
    for (const name of sorted) {
      if (!allowed.has(name)) continue;
      if (remaining === 0) {
        // The previous topic filled the page exactly: the next one starts the next page, known to exist or not.
        nextCursor = { topicName: name, partitionIndex: 0 };
        break;
      }
      const t = cluster.metadata.topic(name);
      if (!t) {
        if (fetchAll) continue;
        let errorCode: number = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        try {
          validateTopicName(name);
        } catch {
          errorCode = ErrorCode.INVALID_TOPIC_EXCEPTION;
        }
        topics.push(errorTopic(errorCode, name, isInternalTopic(name)));
        continue;
      }
      const start = cursor && name === cursor.topicName ? cursor.partitionIndex : 0;
      const count = t.partitions.length;
      // Kafka adds in 32-bit arithmetic: a cursor near 2^31 wraps, and the page ends there with that cursor.
      const upper = Math.min(count, (start + remaining) | 0);
      const partitions: DescribeTopicPartitionsResponsePartition[] = [];
      for (let i = start; i < upper; i++) {
        const p = t.partitions[i];
        // Kafka's cache sets no partition error here (Metadata says LEADER_NOT_AVAILABLE): a leaderless partition is
        // leader -1 with its offline replicas. Without eligible leader replicas (KIP-966's ELR is off) both ELR lists
        // are empty rather than null.
        partitions.push({ errorCode: ErrorCode.NONE, ...partitionReplicas(p, live), eligibleLeaderReplicas: [], lastKnownElr: [] });
      }
      topics.push({ errorCode: ErrorCode.NONE, ...topicIdentity(t), partitions, topicAuthorizedOperations: OPERATIONS_NOT_REQUESTED });
      if (upper < count) {
        nextCursor = { topicName: name, partitionIndex: upper };
        break;
      }
      remaining -= partitions.length;
    }
    // Unlike Metadata, the operations are always reported (the request has no flag), unknown topics included.
    for (const t of topics) t.topicAuthorizedOperations = authorizedOperations(ctx, ResourceType.TOPIC, t.name!, true);
    if (!fetchAll) for (const name of javaHashSetOrder(sorted.filter((n) => !allowed.has(n)))) topics.push(errorTopic(ErrorCode.TOPIC_AUTHORIZATION_FAILED, name));
    return { throttleTimeMs: 0, topics, nextCursor };
  },
});
