// EndTxn 0-4: commit or abort. The answer comes once every partition of the transaction has its marker (Kafka answers
// after the decision is logged and sends the markers behind it; waiting for them here means a consumer that reads
// right after the commit already sees it). v5 (transactions version 2, an epoch bump per transaction) is not served.
// With an authorizer, as Kafka: WRITE on the transactional id, else TRANSACTIONAL_ID_AUTHORIZATION_FAILED.
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import { txnCoordinatorError, fencedForVersion, mayWriteTransactionalId } from './txn-common';

export default defineHandler({
  apiKey: 26,
  minVersion: 0,
  maxVersion: 4,
  async handle(ctx, req) {
    const answer = (errorCode: number) => ({ throttleTimeMs: 0, errorCode, producerId: -1, producerEpoch: -1 });
    if (!mayWriteTransactionalId(ctx, req.transactionalId)) return answer(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    const err = txnCoordinatorError(ctx, req.transactionalId);
    if (err !== ErrorCode.NONE) return answer(err);
    const code = await ctx.cluster.transactionCoordinator.endTxn(req.transactionalId, req.producerId, req.producerEpoch, req.committed);
    return answer(fencedForVersion(code, ctx.apiVersion, 2));
  },
});
