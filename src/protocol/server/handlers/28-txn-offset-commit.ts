// TxnOffsetCommit 0-3: a transactional producer commits a group's offsets inside its transaction (consume-transform-
// produce). Sent to the group's coordinator; the offsets count when the transaction commits.
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import { coordinatorError, forKnownPartitions } from './group-common';
import { fencedForVersion } from './txn-common';

export default defineHandler({
  apiKey: 28,
  minVersion: 0,
  maxVersion: 3,
  async handle(ctx, req) {
    const v = ctx.apiVersion;
    const flat = req.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, offset: p.committedOffset, leaderEpoch: v >= 2 ? p.committedLeaderEpoch : -1, metadata: p.committedMetadata })));
    const err = coordinatorError(ctx, req.groupId);
    // Kafka checks only that the topic exists here (its partitions are not looked at for TxnOffsetCommit).
    const codes = await forKnownPartitions(ctx, flat, false, (offsets) => {
      if (err !== ErrorCode.NONE) return offsets.map(() => err);
      // The producer must be the transactional id's current one (Kafka checks the epoch against the partition's
      // producer state when appending; the coordinator's view is the same here).
      const txn = ctx.cluster.transactionCoordinator.transaction(req.transactionalId);
      if (!txn || txn.producerId !== req.producerId) return offsets.map(() => ErrorCode.INVALID_PRODUCER_ID_MAPPING);
      if (txn.producerEpoch !== req.producerEpoch) return offsets.map(() => ErrorCode.PRODUCER_FENCED);
      return ctx.cluster.groupCoordinator.commitTxnOffsets({
        groupId: req.groupId,
        producerId: req.producerId,
        producerEpoch: req.producerEpoch,
        generationId: v >= 3 ? req.generationId : -1,
        memberId: v >= 3 ? req.memberId : '',
        groupInstanceId: v >= 3 ? req.groupInstanceId : null,
        offsets,
      });
    });
    let i = 0;
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: fencedForVersion(codes[i++], v, 3) })) })),
    };
  },
});
