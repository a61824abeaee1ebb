// AddOffsetsToTxn 0-3: the group's __consumer_offsets partition joins the producer's transaction, so that offsets it
// commits with TxnOffsetCommit are decided by the same marker as its records.
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import { OFFSETS_TOPIC } from '../../../broker/coordinator/group/offsets-topic';
import { txnCoordinatorError, fencedForVersion } from './txn-common';

export default defineHandler({
  apiKey: 25,
  minVersion: 0,
  maxVersion: 3,
  async handle(ctx, req) {
    const err = txnCoordinatorError(ctx, req.transactionalId);
    if (err !== ErrorCode.NONE) return { throttleTimeMs: 0, errorCode: err };
    if (!req.groupId) return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_GROUP_ID };
    ctx.cluster.offsetsTopic.ensure();
    const partition = ctx.cluster.groupCoordinator.partitionFor(req.groupId);
    const errorCode = await ctx.cluster.transactionCoordinator.addPartitions(req.transactionalId, req.producerId, req.producerEpoch, [{ topic: OFFSETS_TOPIC, partition }]);
    return { throttleTimeMs: 0, errorCode: fencedForVersion(errorCode, ctx.apiVersion, 2) };
  },
});
