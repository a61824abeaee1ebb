// EndTxn 0-5: commit or abort. Kafka answers once the decision is logged and writes the markers behind it; until they
// are written the producer's next requests are answered CONCURRENT_TRANSACTIONS, which it retries.
// v5 (transactions version 2, KIP-890 part 2; a Kafka 4 producer sends it when transaction.version 2 is finalized):
// the epoch is bumped at the end of every transaction, the markers carry the new epoch and the answer the producer
// id and epoch to go on with; which rules apply follows the request's version, as Kafka's transactionVersionForEndTxn.
// With an authorizer, as Kafka: WRITE on the transactional id, else TRANSACTIONAL_ID_AUTHORIZATION_FAILED.
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import { txnCoordinatorError, fencedForVersion, mayWriteTransactionalId } from './txn-common';

export default defineHandler({
  apiKey: 26,
  minVersion: 0,
  maxVersion: 5,
  async handle(ctx, req) {
    const answer = (errorCode: number, producerId = -1, producerEpoch = -1) => ({ throttleTimeMs: 0, errorCode, producerId, producerEpoch });
    if (!mayWriteTransactionalId(ctx, req.transactionalId)) return answer(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    const err = txnCoordinatorError(ctx, req.transactionalId);
    if (err !== ErrorCode.NONE) return answer(err);
    const coordinator = ctx.cluster.transactionCoordinator;
    if (ctx.apiVersion >= 5) {
      const r = await coordinator.endTxnV2(req.transactionalId, req.producerId, req.producerEpoch, req.committed);
      return answer(r.errorCode, r.producerId, r.producerEpoch);
    }
    const code = await coordinator.endTxn(req.transactionalId, req.producerId, req.producerEpoch, req.committed);
    return answer(fencedForVersion(code, ctx.apiVersion, 2));
  },
});
