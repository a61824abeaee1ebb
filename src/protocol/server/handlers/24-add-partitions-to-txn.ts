// AddPartitionsToTxn 0-5. v0-3 are what producers send: the partitions join the producer's transaction. As Kafka's
// KafkaApis: WRITE on the transactional id first (every partition TRANSACTIONAL_ID_AUTHORIZATION_FAILED), then per
// partition WRITE on its topic (TOPIC_AUTHORIZATION_FAILED) and its existence (UNKNOWN_TOPIC_OR_PARTITION); one failed
// partition fails the request, the others getting OPERATION_NOT_ATTEMPTED. Only then does the coordinator answer, the
// same code for every partition.
// v4+ is Kafka's broker-to-broker form (KIP-890): several transactions in one request, each either added (a Kafka 4
// broker adding the partition of a Produce v12 or TxnOffsetCommit v5, transactions version 2) or, with VerifyOnly,
// only checked to be in the producer's ongoing transaction before a transactional append. It needs CLUSTER_ACTION on
// the cluster (a top-level CLUSTER_AUTHORIZATION_FAILED otherwise) and no topic ACL; a partition not in the
// transaction is TRANSACTION_ABORTABLE from v5, INVALID_TXN_STATE in v4, which predates that error.
import { defineHandler, type RequestContext } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import { isInternalTopic } from '../../../broker/config/topic-name';
import { TRANSACTION_VERSION_2 } from '../../../broker/coordinator/transaction/transaction-coordinator';
import { txnCoordinatorError, fencedForVersion, mayWriteTransactionalId } from './txn-common';
import { AclOperation, authorizeCluster, authorizedTopicNames } from '../authorize';
import type { AddPartitionsToTxnResponseData, AddPartitionsToTxnTopicResult } from '../../messages/add-partitions-to-txn-response';
import type { AddPartitionsToTxnTopic, AddPartitionsToTxnTransaction } from '../../messages/add-partitions-to-txn-request';

type CodeOf = (topic: string, partition: number) => number;

function resultsByTopic(topics: AddPartitionsToTxnTopic[], codeOf: CodeOf): AddPartitionsToTxnTopicResult[] {
  return topics.map((t) => ({ name: t.name, resultsByPartition: t.partitions.map((p) => ({ partitionIndex: p, partitionErrorCode: codeOf(t.name, p) })) }));
}

function unknownPartition(ctx: RequestContext, topic: string, partition: number): boolean {
  const t = ctx.cluster.metadata.topic(topic);
  return !t || partition < 0 || partition >= t.partitions.length;
}

/** One transaction of a v4+ request, answered per partition. */
async function brokerTransaction(ctx: RequestContext, txn: AddPartitionsToTxnTransaction): Promise<AddPartitionsToTxnTopicResult[]> {
  const answer = (codeOf: CodeOf) => resultsByTopic(txn.topics, codeOf);
  if (txn.topics.some((t) => t.partitions.some((p) => unknownPartition(ctx, t.name, p)))) {
    return answer((topic, p) => (unknownPartition(ctx, topic, p) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.OPERATION_NOT_ATTEMPTED));
  }
  const err = txnCoordinatorError(ctx, txn.transactionalId);
  if (err !== ErrorCode.NONE) return answer(() => err);
  const partitions = txn.topics.flatMap((t) => t.partitions.map((partition) => ({ topic: t.name, partition })));
  const coordinator = ctx.cluster.transactionCoordinator;
  if (!txn.verifyOnly) {
    const code = await coordinator.addPartitions(txn.transactionalId, txn.producerId, txn.producerEpoch, partitions, TRANSACTION_VERSION_2);
    return answer(() => code);
  }
  const verified = coordinator.verifyPartitions(txn.transactionalId, txn.producerId, txn.producerEpoch, partitions);
  if (typeof verified === 'number') return answer(() => verified);
  const codes = new Map(partitions.map((p, i) => [`${p.topic}\u0000${p.partition}`, verified[i]]));
  return answer((topic, p) => {
    const code = codes.get(`${topic}\u0000${p}`)!;
    return code === ErrorCode.TRANSACTION_ABORTABLE && ctx.apiVersion < 5 ? ErrorCode.INVALID_TXN_STATE : code;
  });
}

export default defineHandler({
  apiKey: 24,
  minVersion: 0,
  maxVersion: 5,
  async handle(ctx, req): Promise<AddPartitionsToTxnResponseData> {
    if (ctx.apiVersion >= 4) {
      const response = (errorCode: number, resultsByTransaction: AddPartitionsToTxnResponseData['resultsByTransaction']): AddPartitionsToTxnResponseData => ({
        throttleTimeMs: 0,
        errorCode,
        resultsByTransaction,
        resultsByTopicV3AndBelow: [],
      });
      if (!authorizeCluster(ctx, AclOperation.CLUSTER_ACTION)) return response(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, []);
      const results = [];
      for (const txn of req.transactions) results.push({ transactionalId: txn.transactionalId, topicResults: await brokerTransaction(ctx, txn) });
      return response(ErrorCode.NONE, results);
    }
    const topics = req.v3AndBelowTopics;
    const answer = (codeOf: CodeOf): AddPartitionsToTxnResponseData => ({
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      resultsByTransaction: [],
      resultsByTopicV3AndBelow: resultsByTopic(topics, codeOf),
    });
    if (!mayWriteTransactionalId(ctx, req.v3AndBelowTransactionalId)) return answer(() => ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    // Kafka never authorizes a producer's write to an internal topic here, whatever its ACLs or the lack of an
    // authorizer: offsets join a transaction through AddOffsetsToTxn. Each topic is checked (and logged) once.
    const writable = authorizedTopicNames(ctx, AclOperation.WRITE, topics.map((t) => t.name).filter((name) => !isInternalTopic(name)));
    const failure = (topic: string, partition: number): number => {
      if (!writable.has(topic)) return ErrorCode.TOPIC_AUTHORIZATION_FAILED;
      return unknownPartition(ctx, topic, partition) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.NONE;
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
