// Shared by the transaction handlers: is this node the transactional id's coordinator, may the principal act for it?
import type { RequestContext } from '../handler';
import { ErrorCode, errorCodeOf } from '../../../broker/errors';
import { AclOperation, ResourceType, authorize } from '../authorize';
import { TRANSACTION_VERSION_2, type TopicPartitionRef } from '../../../broker/coordinator/transaction/transaction-coordinator';

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

/** Kafka's add.partitions.to.txn.retry.backoff.ms and add.partitions.to.txn.retry.backoff.max.ms (defaults). */
const ADD_PARTITIONS_RETRY_BACKOFF_MS = 20;
const ADD_PARTITIONS_RETRY_MAX_MS = 100;

/**
 * Transactions version 2 (Produce v12, TxnOffsetCommit v5, KIP-890 part 2): the broker adds the partitions to the
 * producer's transaction itself, as Kafka's AddPartitionsToTxnManager does with a non-VerifyOnly AddPartitionsToTxn.
 * Right after an EndTxn the coordinator is still writing the last transaction's markers and answers
 * CONCURRENT_TRANSACTIONS; as Kafka, that is retried for a short while here rather than sent back at once.
 */
export async function addPartitionsForClient(ctx: RequestContext, transactionalId: string, producerId: number, producerEpoch: number, partitions: TopicPartitionRef[]): Promise<number> {
  const coordinator = ctx.cluster.transactionCoordinator;
  if (coordinator.coordinatorFor(transactionalId) < 0) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  const deadline = Date.now() + ADD_PARTITIONS_RETRY_MAX_MS;
  for (;;) {
    const code = await coordinator.addPartitions(transactionalId, producerId, producerEpoch, partitions, TRANSACTION_VERSION_2);
    if (code !== ErrorCode.CONCURRENT_TRANSACTIONS || Date.now() >= deadline) return code;
    // Woken as soon as the markers are written, or after the backoff when something else holds the id.
    await Promise.race([coordinator.settled(transactionalId).then(() => delay(1)), delay(ADD_PARTITIONS_RETRY_BACKOFF_MS)]);
  }
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
