// AddPartitionsToTxn 0-3 (what producers send; v4+ is Kafka's broker-to-broker verification): the partitions join the
// producer's transaction. As in Kafka, one unknown partition fails the request: it gets UNKNOWN_TOPIC_OR_PARTITION
// and the others OPERATION_NOT_ATTEMPTED; otherwise every partition gets the coordinator's answer.
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import { txnCoordinatorError, fencedForVersion } from './txn-common';
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
    const err = txnCoordinatorError(ctx, req.v3AndBelowTransactionalId);
    if (err !== ErrorCode.NONE) return answer(() => err);
    const unknown = (topic: string, partition: number) => {
      const t = ctx.cluster.metadata.topic(topic);
      return !t || partition < 0 || partition >= t.partitions.length;
    };
    if (topics.some((t) => t.partitions.some((p) => unknown(t.name, p)))) {
      return answer((topic, p) => (unknown(topic, p) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.OPERATION_NOT_ATTEMPTED));
    }
    const code = await ctx.cluster.transactionCoordinator.addPartitions(
      req.v3AndBelowTransactionalId,
      req.v3AndBelowProducerId,
      req.v3AndBelowProducerEpoch,
      topics.flatMap((t) => t.partitions.map((partition) => ({ topic: t.name, partition }))),
    );
    return answer(() => fencedForVersion(code, ctx.apiVersion, 2));
  },
});
