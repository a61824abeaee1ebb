// TxnOffsetCommit 0-5: a transactional producer commits a group's offsets inside its transaction (consume-transform-
// produce). Sent to the group's coordinator; the offsets count when the transaction commits. With an authorizer, as
// Kafka's KafkaApis: WRITE on the transactional id, then READ on the group, each failing every partition
// (TRANSACTIONAL_ID_AUTHORIZATION_FAILED, GROUP_AUTHORIZATION_FAILED); then READ on each topic, whose partitions
// get TOPIC_AUTHORIZATION_FAILED while the others are committed.
// v5 (transactions version 2, KIP-890 part 2) comes without AddOffsetsToTxn: the group's __consumer_offsets partition
// is added to the transaction here, as Kafka's broker adds it before writing the offsets.
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import { coordinatorError, forKnownPartitions } from './group-common';
import { addPartitionsForClient, fencedForVersion, mayWriteTransactionalId } from './txn-common';
import { OFFSETS_TOPIC } from '../../../broker/coordinator/group/offsets-topic';
import { AclOperation, ResourceType, authorize, authorizedTopicNames } from '../authorize';

export default defineHandler({
  apiKey: 28,
  minVersion: 0,
  maxVersion: 5,
  async handle(ctx, req) {
    const v = ctx.apiVersion;
    const answer = (codes: number[]) => {
      let i = 0;
      return {
        throttleTimeMs: 0,
        topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: fencedForVersion(codes[i++], v, 3) })) })),
      };
    };
    const flat = req.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, offset: p.committedOffset, leaderEpoch: v >= 2 ? p.committedLeaderEpoch : -1, metadata: p.committedMetadata })));
    // The producer id is not authorized on its own: the transactional id's WRITE implies it (Kafka's rule).
    if (!mayWriteTransactionalId(ctx, req.transactionalId)) return answer(flat.map(() => ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED));
    if (!authorize(ctx, AclOperation.READ, ResourceType.GROUP, req.groupId)) return answer(flat.map(() => ErrorCode.GROUP_AUTHORIZATION_FAILED));
    // Each topic is checked (and a denial logged) once; a denied topic is refused before its existence is looked at.
    const readable = authorizedTopicNames(ctx, AclOperation.READ, req.topics.map((t) => t.name));
    const allowed = flat.filter((o) => readable.has(o.topic));
    const err = coordinatorError(ctx, req.groupId);
    // Kafka checks only that the topic exists here (its partitions are not looked at for TxnOffsetCommit).
    const allowedCodes = await forKnownPartitions(ctx, allowed, false, async (offsets) => {
      if (err !== ErrorCode.NONE) return offsets.map(() => err);
      // The producer must be the transactional id's current one (Kafka checks the epoch against the partition's
      // producer state when appending; the coordinator's view is the same here).
      const txn = ctx.cluster.transactionCoordinator.transaction(req.transactionalId);
      if (!txn || txn.producerId !== req.producerId) return offsets.map(() => ErrorCode.INVALID_PRODUCER_ID_MAPPING);
      if (txn.producerEpoch !== req.producerEpoch) return offsets.map(() => ErrorCode.PRODUCER_FENCED);
      if (v >= 5) {
        const partition = { topic: OFFSETS_TOPIC, partition: ctx.cluster.groupCoordinator.partitionFor(req.groupId) };
        const added = await addPartitionsForClient(ctx, req.transactionalId, req.producerId, req.producerEpoch, [partition]);
        if (added !== ErrorCode.NONE) return offsets.map(() => added);
      }
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
    let j = 0;
    return answer(flat.map((o) => (readable.has(o.topic) ? allowedCodes[j++] : ErrorCode.TOPIC_AUTHORIZATION_FAILED)));
  },
});
