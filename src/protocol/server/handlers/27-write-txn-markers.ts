// WriteTxnMarkers 0-1: writes COMMIT or ABORT markers to partitions this node leads. Between Kafka brokers it is how
// a coordinator reaches the partitions; Tributary's coordinator writes in-process, so what sends it here is
// `kafka-transactions.sh abort` (KIP-664), which ends a hanging transaction whose producer and coordinator are gone.
import { defineHandler } from '../handler';
import { ErrorCode, errorCodeOf } from '../../../broker/errors';
import { ControlRecordType, encodeEndTxnMarkerBatch } from '../../../broker/records/control-record';
import { OFFSETS_TOPIC } from '../../../broker/coordinator/group/offsets-topic';

export default defineHandler({
  apiKey: 27,
  minVersion: 0,
  maxVersion: 1,
  async handle(ctx, req) {
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
