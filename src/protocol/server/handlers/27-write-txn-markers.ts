// WriteTxnMarkers 0-1: writes COMMIT or ABORT markers to partitions this node leads. Between Kafka brokers it is how
// a coordinator reaches the partitions; Tributary's coordinator writes in-process, so what sends it here is
// `kafka-transactions.sh abort` (KIP-664), which ends a hanging transaction whose producer and coordinator are gone.
// With an authorizer, as Kafka since 3.8 (KIP-1037): ALTER or CLUSTER_ACTION on the cluster, else every partition
// CLUSTER_AUTHORIZATION_FAILED.
import { defineHandler } from '../handler';
import { ErrorCode, errorCodeOf } from '../../../broker/errors';
import { ControlRecordType, encodeEndTxnMarkerBatch } from '../../../broker/records/control-record';
import { OFFSETS_TOPIC } from '../../../broker/coordinator/group/offsets-topic';
import { AclOperation, authorizeCluster } from '../authorize';
import type { WriteTxnMarkersRequestData } from '../../messages/write-txn-markers-request';
import type { WriteTxnMarkersResponseData } from '../../messages/write-txn-markers-response';

/**
 * Kafka's answer to a request it refuses as a whole (WriteTxnMarkersRequest.getErrorResponse): `errorCode` for every
 * partition, the markers of one producer id merged into one result as Kafka's map of them merges them.
 */
function refuseAll(req: WriteTxnMarkersRequestData, errorCode: number): WriteTxnMarkersResponseData {
  const byProducer = new Map<number, Map<string, Set<number>>>();
  for (const m of req.markers) {
    const topics = byProducer.get(m.producerId) ?? new Map<string, Set<number>>();
    byProducer.set(m.producerId, topics);
    for (const t of m.topics) topics.set(t.name, new Set([...(topics.get(t.name) ?? []), ...t.partitionIndexes]));
  }
  return {
    markers: [...byProducer].map(([producerId, topics]) => ({
      producerId,
      topics: [...topics].map(([name, partitions]) => ({ name, partitions: [...partitions].map((partitionIndex) => ({ partitionIndex, errorCode })) })),
    })),
  };
}

export default defineHandler({
  apiKey: 27,
  minVersion: 0,
  maxVersion: 1,
  async handle(ctx, req) {
    // ALTER is what kafka-transactions.sh's operator holds; a denial of it is not logged, as in Kafka, since
    // CLUSTER_ACTION (what brokers hold) may still allow the request.
    if (!authorizeCluster(ctx, AclOperation.ALTER, false) && !authorizeCluster(ctx, AclOperation.CLUSTER_ACTION)) {
      return refuseAll(req, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    }
    const markers = await Promise.all(
      req.markers.map(async (m) => {
        let offsetsWritten = false;
        const topics = await Promise.all(
          m.topics.map(async (t) => ({
            name: t.name,
            partitions: await Promise.all(
              t.partitionIndexes.map(async (partitionIndex) => {
                try {
                  const state = ctx.cluster.partitionState(t.name, partitionIndex);
                  if (state.leader !== ctx.nodeId) return { partitionIndex, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER };
                  const batch = encodeEndTxnMarkerBatch({
                    type: m.transactionResult ? ControlRecordType.Commit : ControlRecordType.Abort,
                    producerId: m.producerId,
                    producerEpoch: m.producerEpoch,
                    coordinatorEpoch: m.coordinatorEpoch,
                    timestamp: Date.now(),
                  });
                  await ctx.cluster.produce(t.name, partitionIndex, batch, -1, 30000, 'coordinator');
                  if (t.name === OFFSETS_TOPIC) offsetsWritten = true;
                  return { partitionIndex, errorCode: ErrorCode.NONE };
                } catch (e) {
                  return { partitionIndex, errorCode: errorCodeOf(e) };
                }
              }),
            ),
          })),
        );
        if (offsetsWritten) ctx.cluster.groupCoordinator.completeTxnOffsets(m.producerId, m.transactionResult);
        return { producerId: m.producerId, topics };
      }),
    );
    return { markers };
  },
});
