// DescribeProducers 0 (kafka-transactions.sh describe-producers, admin clients' describeProducers): the active
// producers of each partition as its leader's producer state has them, with the first offset of an open transaction
// (what holds a partition's last stable offset back). As Kafka: READ on the topic first (TOPIC_AUTHORIZATION_FAILED),
// then UNKNOWN_TOPIC_OR_PARTITION, and NOT_LEADER_OR_FOLLOWER from a node that does not lead the partition.
import { defineHandler } from '../handler';
import { ErrorCode, errorCodeOf } from '../../../broker/errors';
import { AclOperation, ResourceType, authorize } from '../authorize';
import type { PartitionResponse } from '../../messages/describe-producers-response';

export default defineHandler({
  apiKey: 61,
  minVersion: 0,
  maxVersion: 0,
  handle(ctx, req) {
    const cluster = ctx.cluster;
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => {
        const readable = authorize(ctx, AclOperation.READ, ResourceType.TOPIC, t.name);
        return {
          name: t.name,
          partitions: t.partitionIndexes.map((partitionIndex): PartitionResponse => {
            const answer = (errorCode: number, errorMessage: string | null = null): PartitionResponse => ({ partitionIndex, errorCode, errorMessage, activeProducers: [] });
            if (!readable) return answer(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
            try {
              const state = cluster.partitionState(t.name, partitionIndex);
              if (state.leader !== ctx.nodeId) return answer(ErrorCode.NOT_LEADER_OR_FOLLOWER);
              const producers = cluster.leaderLog(t.name, partitionIndex).producerStateManager.activeProducers;
              return {
                partitionIndex,
                errorCode: ErrorCode.NONE,
                errorMessage: null,
                activeProducers: [...producers.values()].map((p) => ({
                  producerId: p.producerId,
                  producerEpoch: p.producerEpoch,
                  lastSequence: p.isEmpty ? -1 : p.lastSeq,
                  lastTimestamp: p.lastTimestamp,
                  coordinatorEpoch: p.coordinatorEpoch,
                  currentTxnStartOffset: p.currentTxnFirstOffset ?? -1,
                })),
              };
            } catch (e) {
              return answer(errorCodeOf(e));
            }
          }),
        };
      }),
    };
  },
});
