// ListTransactions 0-1 (KIP-664): the transactional ids this node coordinates, filtered by state, producer id and
// (v1, KIP-994) how long their transaction has been open. Admin clients ask every broker and merge the answers.
// With an authorizer, as Kafka: only the ids the principal may DESCRIBE, the others left out without an error.
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import { TXN_STATE_IDS } from '../../../broker/coordinator/transaction/transaction-log';
import { AclOperation, ResourceType, authorize } from '../authorize';

export default defineHandler({
  apiKey: 66,
  minVersion: 0,
  maxVersion: 1,
  handle(ctx, req) {
    const tc = ctx.cluster.transactionCoordinator;
    const known = new Set(Object.keys(TXN_STATE_IDS));
    const states = new Set(req.stateFilters.filter((s) => known.has(s)));
    const producers = new Set(req.producerIdFilters);
    const minDuration = ctx.apiVersion >= 1 ? req.durationFilter : -1;
    const now = Date.now();
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      unknownStateFilters: req.stateFilters.filter((s) => !known.has(s)),
      transactionStates: tc
        .allTransactions()
        .filter((t) => tc.coordinatorFor(t.transactionalId) === ctx.nodeId)
        .filter((t) => req.stateFilters.length === 0 || states.has(t.state))
        .filter((t) => producers.size === 0 || producers.has(t.producerId))
        .filter((t) => minDuration < 0 || (t.txnStartTimestamp >= 0 && now - t.txnStartTimestamp > minDuration))
        .filter((t) => authorize(ctx, AclOperation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, t.transactionalId))
        .map((t) => ({ transactionalId: t.transactionalId, producerId: t.producerId, transactionState: t.state })),
    };
  },
});
