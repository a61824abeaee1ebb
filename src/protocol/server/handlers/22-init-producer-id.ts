// InitProducerId v0-5 for idempotent producers (Java clients are idempotent by default, librdkafka and kafkajs on
// request): as Kafka's TransactionCoordinator, a request without a transactional id always gets a fresh producer
// id with epoch 0, whatever producer id and epoch it carries (an idempotent producer bumps its epoch itself, KIP-360,
// and asks again only for a new id). Ids come from blocks persisted in the cluster metadata, never reused.
// Transactional ids need the transaction coordinator, which Tributary does not have yet: they are answered
// COORDINATOR_NOT_AVAILABLE (the error of a broker whose coordinator is not up), and the broker log says why.
import { defineHandler } from '../handler';
import { ErrorCode, errorCodeOf } from '../../../broker/errors';
import { NO_PRODUCER_EPOCH, NO_PRODUCER_ID } from '../../../broker/records/batch-header';
import { producerIdManagerOf } from '../../../broker/producer-id-manager';
import type { InitProducerIdResponseData } from '../../messages/init-producer-id-response';

/** Transactional ids already reported, so that a client retrying does not flood the log. */
const reported = new Set<string>();

export default defineHandler({
  apiKey: 22,
  minVersion: 0,
  maxVersion: 5,
  handle(ctx, req): InitProducerIdResponseData {
    const answer = (errorCode: number, producerId = NO_PRODUCER_ID, producerEpoch = NO_PRODUCER_EPOCH): InitProducerIdResponseData => ({
      throttleTimeMs: 0,
      errorCode,
      producerId,
      producerEpoch,
    });
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
    if (!reported.has(req.transactionalId)) {
      if (reported.size > 1000) reported.clear();
      reported.add(req.transactionalId);
      ctx.server.logger.warn(
        `InitProducerId for transactional id '${req.transactionalId}' from ${ctx.clientHost}: transactions are not supported yet; answering COORDINATOR_NOT_AVAILABLE (idempotent producers without a transactional.id work)`,
      );
    }
    return answer(ErrorCode.COORDINATOR_NOT_AVAILABLE);
  },
});
