// AddOffsetsToTxn 0-3: the group's __consumer_offsets partition joins the producer's transaction, so that offsets it
// commits with TxnOffsetCommit are decided by the same marker as its records. With an authorizer, as Kafka: WRITE on
// the transactional id (TRANSACTIONAL_ID_AUTHORIZATION_FAILED), then READ on the group (GROUP_AUTHORIZATION_FAILED).
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import { OFFSETS_TOPIC } from '../../../broker/coordinator/group/offsets-topic';
import { txnCoordinatorError, fencedForVersion, mayWriteTransactionalId } from './txn-common';
import { AclOperation, ResourceType, authorize } from '../authorize';

export default defineHandler({
  apiKey: 25,
  minVersion: 0,
  maxVersion: 3,
  async handle(ctx, req) {
    if (!mayWriteTransactionalId(ctx, req.transactionalId)) return { throttleTimeMs: 0, errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED };
    // READ, as for committing the group's offsets: the transaction will commit them (TxnOffsetCommit asks it again).
    if (!authorize(ctx, AclOperation.READ, ResourceType.GROUP, req.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED };
    const err = txnCoordinatorError(ctx, req.transactionalId);
    if (err !== ErrorCode.NONE) return { throttleTimeMs: 0, errorCode: err };
    if (!req.groupId) return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_GROUP_ID };
    ctx.cluster.offsetsTopic.ensure();
    const partition = ctx.cluster.groupCoordinator.partitionFor(req.groupId);
    const errorCode = await ctx.cluster.transactionCoordinator.addPartitions(req.transactionalId, req.producerId, req.producerEpoch, [{ topic: OFFSETS_TOPIC, partition }]);
    return { throttleTimeMs: 0, errorCode: fencedForVersion(errorCode, ctx.apiVersion, 2) };
  },
});
