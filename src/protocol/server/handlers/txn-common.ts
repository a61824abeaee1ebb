// Shared by the transaction handlers: is this node the transactional id's coordinator, may the principal act for it?
import type { RequestContext } from '../handler';
import { ErrorCode, errorCodeOf } from '../../../broker/errors';
import { AclOperation, ResourceType, authorize } from '../authorize';

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
 * Kafka's first check of every request a transactional producer sends (InitProducerId with an id, AddPartitionsToTxn,
 * AddOffsetsToTxn, EndTxn, TxnOffsetCommit): WRITE on its transactional id, before the coordinator looks at anything.
 */
export function mayWriteTransactionalId(ctx: RequestContext, transactionalId: string): boolean {
  return authorize(ctx, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, transactionalId);
}

/**
 * PRODUCER_FENCED exists from InitProducerId v4, AddPartitionsToTxn v2, AddOffsetsToTxn v2, EndTxn v2 and
 * TxnOffsetCommit v3 (KIP-588); older versions get INVALID_PRODUCER_EPOCH, which their clients handle the same way.
 */
export function fencedForVersion(code: number, version: number, sinceVersion: number): number {
  return code === ErrorCode.PRODUCER_FENCED && version < sinceVersion ? ErrorCode.INVALID_PRODUCER_EPOCH : code;
}
