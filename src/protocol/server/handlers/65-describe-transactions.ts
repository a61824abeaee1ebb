// DescribeTransactions 0 (KIP-664, what kafka-transactions.sh describe sends to the coordinator): a transactional id's
// state, producer id and epoch, timeout, start time and the partitions of its open transaction. With an authorizer,
// as Kafka's KafkaApis: DESCRIBE on each transactional id (TRANSACTIONAL_ID_AUTHORIZATION_FAILED), and only the
// partitions of topics the principal may DESCRIBE.
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import { txnCoordinatorError } from './txn-common';
import { AclOperation, ResourceType, authorize } from '../authorize';

export default defineHandler({
  apiKey: 65,
  minVersion: 0,
  maxVersion: 0,
  handle(ctx, req) {
    return {
      throttleTimeMs: 0,
      transactionStates: req.transactionalIds.map((transactionalId) => {
        // Kafka's refusal carries the id and the error, every other field at the schema's default.
        if (!authorize(ctx, AclOperation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, transactionalId)) {
          return { errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, transactionalId, transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: 0, producerId: 0, producerEpoch: 0, topics: [] };
        }
        const none = { transactionalId, transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: -1, producerId: -1, producerEpoch: -1, topics: [] };
        const err = txnCoordinatorError(ctx, transactionalId);
        if (err !== ErrorCode.NONE) return { ...none, errorCode: err };
        const t = ctx.cluster.transactionCoordinator.transaction(transactionalId);
        if (!t) return { ...none, errorCode: ErrorCode.TRANSACTIONAL_ID_NOT_FOUND };
        const byTopic = new Map<string, number[]>();
        for (const p of t.partitions.values()) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
        return {
          errorCode: ErrorCode.NONE,
          transactionalId,
          transactionState: t.state,
          transactionTimeoutMs: t.txnTimeoutMs,
          transactionStartTimeMs: t.txnStartTimestamp,
          producerId: t.producerId,
          producerEpoch: t.producerEpoch,
          topics: [...byTopic]
            .filter(([topic]) => authorize(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, topic))
            .map(([topic, partitions]) => ({ topic, partitions: partitions.sort((a, b) => a - b) })),
        };
      }),
    };
  },
});
