// DeleteRecords v0-2: moves each partition's log start offset up to the offset given (-1: the high watermark),
// deleting the segments wholly below it, and answers the new low watermark. OFFSET_OUT_OF_RANGE past the high
// watermark, NOT_LEADER_OR_FOLLOWER on a node that does not lead the partition, POLICY_VIOLATION on a topic whose
// cleanup.policy does not include delete.
import { defineHandler } from '../handler';
import { ErrorCode, KafkaError, errorCodeOf } from '../../../broker/errors';
import type { DeleteRecordsPartitionResult } from '../../messages/delete-records-response';
import { AclOperation, topicAuthorizer } from '../authorize';

/** The offset that means "everything below the high watermark". */
const HIGH_WATERMARK = -1;

export default defineHandler({
  apiKey: 21,
  minVersion: 0,
  maxVersion: 2,
  handle(ctx, req) {
    const cluster = ctx.cluster;
    const touchedNodes = new Set<number>();
    const mayDelete = topicAuthorizer(ctx, AclOperation.DELETE);
    const topics = req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p): DeleteRecordsPartitionResult => {
        // Before the topic is looked up: an unauthorized principal learns nothing of it, existing or not.
        if (!mayDelete(t.name)) return { partitionIndex: p.partitionIndex, lowWatermark: -1, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED };
        try {
          const state = cluster.partitionState(t.name, p.partitionIndex);
          if (state.leader !== ctx.nodeId) {
            return { partitionIndex: p.partitionIndex, lowWatermark: -1, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER };
          }
          const log = cluster.leaderLog(t.name, p.partitionIndex);
          if (!log.config.cleanupPolicy.delete) {
            throw new KafkaError('POLICY_VIOLATION', `Records of partition ${log.name} can not be deleted due to the configured policy`);
          }
          const offset = p.offset === HIGH_WATERMARK ? log.highWatermark : p.offset;
          if (offset < 0) throw new KafkaError('OFFSET_OUT_OF_RANGE', `The offset ${offset} for partition ${log.name} is not valid`);
          const before = log.logStartOffset;
          const lowWatermark = log.deleteRecordsBefore(offset);
          if (lowWatermark !== before) {
            touchedNodes.add(state.leader);
            ctx.server.logger.info(`${log.name}: records before ${lowWatermark} deleted (DeleteRecords from ${ctx.clientHost})`);
          }
          return { partitionIndex: p.partitionIndex, lowWatermark, errorCode: ErrorCode.NONE };
        } catch (e) {
          const code = errorCodeOf(e);
          if (code === ErrorCode.UNKNOWN_SERVER_ERROR) ctx.server.logger.error(`DeleteRecords on ${t.name}-${p.partitionIndex} failed: ${(e as Error).stack}`);
          return { partitionIndex: p.partitionIndex, lowWatermark: -1, errorCode: code };
        }
      }),
    }));
    // The new log start offsets survive a crash from now on, not only from the next periodic checkpoint.
    for (const id of touchedNodes) {
      try {
        cluster.node(id).logManager.checkpointLogStartOffsets();
      } catch (e) {
        ctx.server.logger.error(`node ${id}: writing the log start offset checkpoint failed: ${(e as Error).message}`);
      }
    }
    return { throttleTimeMs: 0, topics };
  },
});
