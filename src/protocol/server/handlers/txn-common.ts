// Shared by the transaction handlers: is this node the transactional id's coordinator?
import type { RequestContext } from '../handler';
import { ErrorCode, errorCodeOf } from '../../../broker/errors';

/** NONE when this node coordinates `transactionalId`, else NOT_COORDINATOR / COORDINATOR_NOT_AVAILABLE / INVALID_REQUEST. */
export function txnCoordinatorError(ctx: RequestContext, transactionalId: string | null): number {
  if (!transactionalId) return ErrorCode.INVALID_REQUEST;
  try {
    ctx.cluster.transactionCoordinator.checkCoordinator(transactionalId, ctx.nodeId);
    return ErrorCode.NONE;
  } catch (e) {
    return errorCodeOf(e);
  }
}

/**
 * PRODUCER_FENCED exists from InitProducerId v4, AddPartitionsToTxn v2, AddOffsetsToTxn v2, EndTxn v2 and
 * TxnOffsetCommit v3 (KIP-588); older versions get INVALID_PRODUCER_EPOCH, which their clients handle the same way.
 */
export function fencedForVersion(code: number, version: number, sinceVersion: number): number {
  return code === ErrorCode.PRODUCER_FENCED && version < sinceVersion ? ErrorCode.INVALID_PRODUCER_EPOCH : code;
}
