// AddPartitionsToTxn 0-3 (what producers send; v4+ is Kafka's broker-to-broker verification, not served): the
// partitions join the producer's transaction. As Kafka's KafkaApis: WRITE on the transactional id first (every
// partition TRANSACTIONAL_ID_AUTHORIZATION_FAILED), then per partition WRITE on its topic (TOPIC_AUTHORIZATION_FAILED)
// and its existence (UNKNOWN_TOPIC_OR_PARTITION); one failed partition fails the request, the others getting
// OPERATION_NOT_ATTEMPTED. Only then does the coordinator answer, the same code for every partition.
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import { isInternalTopic } from '../../../broker/config/topic-name';
import { txnCoordinatorError, fencedForVersion, mayWriteTransactionalId } from './txn-common';
import { AclOperation, authorizedTopicNames } from '../authorize';
import type { AddPartitionsToTxnResponseData } from '../../messages/add-partitions-to-txn-response';

export default defineHandler({
  apiKey: 24,
  minVersion: 0,
  maxVersion: 3,
  async handle(ctx, req): Promise<AddPartitionsToTxnResponseData> {
    const topics = req.v3AndBelowTopics;
    const answer = (codeOf: (topic: string, partition: number) => number): AddPartitionsToTxnResponseData => ({
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      resultsByTransaction: [],
      resultsByTopicV3AndBelow: topics.map((t) => ({ name: t.name, resultsByPartition: t.partitions.map((p) => ({ partitionIndex: p, partitionErrorCode: codeOf(t.name, p) })) })),
    });
    if (!mayWriteTransactionalId(ctx, req.v3AndBelowTransactionalId)) return answer(() => ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    // Kafka never authorizes a producer's write to an internal topic here, whatever its ACLs or the lack of an
    // authorizer: offsets join a transaction through AddOffsetsToTxn. Each topic is checked (and logged) once.
    const writable = authorizedTopicNames(ctx, AclOperation.WRITE, topics.map((t) => t.name).filter((name) => !isInternalTopic(name)));
    const failure = (topic: string, partition: number): number => {
      if (!writable.has(topic)) return ErrorCode.TOPIC_AUTHORIZATION_FAILED;
      const t = ctx.cluster.metadata.topic(topic);
      return !t || partition < 0 || partition >= t.partitions.length ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.NONE;
    };
    if (topics.some((t) => t.partitions.some((p) => failure(t.name, p) !== ErrorCode.NONE))) {
      return answer((topic, p) => (failure(topic, p) !== ErrorCode.NONE ? failure(topic, p) : ErrorCode.OPERATION_NOT_ATTEMPTED));
    }
    const err = txnCoordinatorError(ctx, req.v3AndBelowTransactionalId);
    if (err !== ErrorCode.NONE) return answer(() => err);
    const code = await ctx.cluster.transactionCoordinator.addPartitions(
      req.v3AndBelowTransactionalId,
      req.v3AndBelowProducerId,
      req.v3AndBelowProducerEpoch,
      topics.flatMap((t) => t.partitions.map((partition) => ({ topic: t.name, partition }))),
    );
    return answer(() => fencedForVersion(code, ctx.apiVersion, 2));
  },
});
