// InitProducerId v0-5 for idempotent producers (Java clients are idempotent by default, librdkafka and kafkajs on
// request): as Kafka's TransactionCoordinator, a request without a transactional id always gets a fresh producer
// id with epoch 0, whatever producer id and epoch it carries (an idempotent producer bumps its epoch itself, KIP-360,
// and asks again only for a new id). Ids come from blocks persisted in the cluster metadata, never reused.
// A transactional id goes to its transaction coordinator, which fences the id's previous producer.
// With an authorizer, as Kafka's KafkaApis: a transactional id needs WRITE on it (TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
// an idempotent producer IDEMPOTENT_WRITE on the cluster or WRITE on some topic (CLUSTER_AUTHORIZATION_FAILED).
import { defineHandler } from '../handler';
import { ErrorCode, errorCodeOf } from '../../../broker/errors';
import { NO_PRODUCER_EPOCH, NO_PRODUCER_ID } from '../../../broker/records/batch-header';
import { producerIdManagerOf } from '../../../broker/producer-id-manager';
import type { InitProducerIdResponseData } from '../../messages/init-producer-id-response';
import { txnCoordinatorError, fencedForVersion, mayWriteTransactionalId } from './txn-common';
import { AclOperation, ResourceType, authorizeAnyOfType, authorizeCluster } from '../authorize';

export default defineHandler({
  apiKey: 22,
  minVersion: 0,
  maxVersion: 5,
  async handle(ctx, req): Promise<InitProducerIdResponseData> {
    const answer = (errorCode: number, producerId = NO_PRODUCER_ID, producerEpoch = NO_PRODUCER_EPOCH): InitProducerIdResponseData => ({
      throttleTimeMs: 0,
      errorCode,
      producerId,
      producerEpoch,
    });
    // Kafka authorizes before it looks at the request's producer id and epoch.
    if (req.transactionalId !== null) {
      if (!mayWriteTransactionalId(ctx, req.transactionalId)) return answer(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    } else if (
      // WRITE on any one topic is enough since KIP-679 (idempotence on by default); the cluster check's denial is not
      // logged, as in Kafka, because that topic rule usually lets the producer through.
      !authorizeCluster(ctx, AclOperation.IDEMPOTENT_WRITE, false) &&
      !authorizeAnyOfType(ctx, AclOperation.WRITE, ResourceType.TOPIC)
    ) {
      return answer(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    }
    // v3+ may name the producer id and epoch to bump (KIP-360): both or neither.
    if ((req.producerId === NO_PRODUCER_ID) !== (req.producerEpoch === NO_PRODUCER_EPOCH)) return answer(ErrorCode.INVALID_REQUEST);
    if (req.transactionalId === null) {
      try {
        return answer(ErrorCode.NONE, producerIdManagerOf(ctx.cluster.metadata).generateProducerId(), 0);
      } catch (e) {
        ctx.server.logger.error(`InitProducerId failed: ${(e as Error).stack}`);
        return answer(errorCodeOf(e) === ErrorCode.NONE ? ErrorCode.UNKNOWN_SERVER_ERROR : errorCodeOf(e));
      }
    }
    // Kafka answers an empty transactional id as an invalid request, consistent with its producer client.
    if (req.transactionalId === '') return answer(ErrorCode.INVALID_REQUEST);
    const err = txnCoordinatorError(ctx, req.transactionalId);
    if (err !== ErrorCode.NONE) return answer(err);
    const expected = req.producerId !== NO_PRODUCER_ID ? { producerId: req.producerId, producerEpoch: req.producerEpoch } : undefined;
    const r = await ctx.cluster.transactionCoordinator.initProducerId(req.transactionalId, req.transactionTimeoutMs, expected);
    return answer(fencedForVersion(r.errorCode, ctx.apiVersion, 4), r.producerId, r.producerEpoch);
  },
});
