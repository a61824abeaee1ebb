// Produce 0-11: acks 0, 1 and all; per-partition errors with Kafka's codes, per-record ones from v8 (KIP-467);
// LogAppendTime and log start offset in the answer. v0-2 carry message sets of format v0/v1 (clients older than Kafka
// 0.11), up-converted to RecordBatch v2 before the append as Kafka does.
import { defineHandler } from '../handler';
import { ErrorCode, errorCodeOf, RecordValidationError } from '../../../broker/errors';
import type { PartitionProduceResponse } from '../../messages/produce-response';
import { isLegacyMessageSet, upConvertMessageSet } from '../../../broker/records/legacy-message-set';
import { ATTRIBUTES_OFFSET, MAGIC_OFFSET, MAGIC_VALUE_V2, isTransactional } from '../../../broker/records/batch-header';
import type { ProduceRequestData } from '../../messages/produce-request';
import { AclOperation, ResourceType, authorize, topicAuthorizer } from '../authorize';

/** Kafka's RequestUtils.hasTransactionalRecords: the first batch of some partition is transactional. */
function hasTransactionalRecords(req: ProduceRequestData): boolean {
  return req.topicData.some((t) =>
    t.partitionData.some((p) => !!p.records && p.records.length > ATTRIBUTES_OFFSET + 1 && p.records[MAGIC_OFFSET] === MAGIC_VALUE_V2 && isTransactional(p.records.readInt16BE(ATTRIBUTES_OFFSET))),
  );
}

export default defineHandler({
  apiKey: 0,
  minVersion: 0,
  maxVersion: 11,
  handle(ctx, req) {
    const cluster = ctx.cluster;
    const acks = req.acks;
    // Kafka checks the transactional id only when the records are transactional, and then fails the whole request.
    const txnDenied = hasTransactionalRecords(req) && (req.transactionalId === null || !authorize(ctx, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, req.transactionalId));
    if (txnDenied && acks === 0) {
      // Kafka has no error response for acks=0: it closes the connection instead.
      ctx.closeConnection(`acks=0 produce refused: TRANSACTIONAL_ID_AUTHORIZATION_FAILED for transactional id ${req.transactionalId}`);
      return undefined;
    }
    const mayWrite = topicAuthorizer(ctx, AclOperation.WRITE);
    const pending: Array<Promise<void>> = [];
    const responses = req.topicData.map((t) => ({
      name: t.name,
      partitionResponses: t.partitionData.map((p): PartitionProduceResponse => {
        const answer = (errorCode: number, errorMessage: string | null = null, extra: Partial<PartitionProduceResponse> = {}): PartitionProduceResponse => ({
          index: p.index,
          errorCode,
          baseOffset: -1,
          logAppendTimeMs: -1,
          logStartOffset: -1,
          recordErrors: [],
          errorMessage,
          currentLeader: { leaderId: -1, leaderEpoch: -1 },
          ...extra,
        });
        const failed = (e: unknown): PartitionProduceResponse => {
          const code = errorCodeOf(e);
          if (code === ErrorCode.UNKNOWN_SERVER_ERROR) ctx.server.logger.error(`produce to ${t.name}-${p.index} failed: ${(e as Error).stack}`);
          // v8+ (KIP-467): the records that made the batch fail, so the client fails only those and retries the rest.
          const recordErrors = e instanceof RecordValidationError ? e.recordErrors.map((r) => ({ batchIndex: r.batchIndex, batchIndexErrorMessage: r.message })) : [];
          return answer(code, (e as Error).message, { recordErrors });
        };
        if (txnDenied) return answer(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
        // Before any other check, so that an unauthorized principal learns nothing of the topic.
        if (!mayWrite(t.name)) return answer(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
        if (acks !== 0 && acks !== 1 && acks !== -1) return answer(ErrorCode.INVALID_REQUIRED_ACKS);
        if (!p.records || p.records.length === 0) return answer(ErrorCode.CORRUPT_MESSAGE, 'no records');
        try {
          const leader = cluster.partitionLeader(t.name, p.index);
          if (leader !== ctx.nodeId) return answer(ErrorCode.NOT_LEADER_OR_FOLLOWER, `node ${ctx.nodeId} is not the leader of ${t.name}-${p.index}`);
          // On the leader only, as Kafka converts on append. v2 batches in old requests (some clients send them) pass as they are.
          const records = ctx.apiVersion < 3 && isLegacyMessageSet(p.records) ? upConvertMessageSet(p.records) : p.records;
          if (acks !== -1) {
            const info = cluster.append(t.name, p.index, records);
            return answer(ErrorCode.NONE, null, { baseOffset: info.firstOffset, logAppendTimeMs: info.logAppendTime, logStartOffset: info.logStartOffset });
          }
          // acks=all: the slot is filled in when the in-sync replicas have the records.
          const slot = answer(ErrorCode.NONE);
          pending.push(
            cluster.produce(t.name, p.index, records, acks, Math.max(1, req.timeoutMs)).then(
              (info) => void Object.assign(slot, { baseOffset: info.firstOffset, logAppendTimeMs: info.logAppendTime, logStartOffset: info.logStartOffset }),
              (e) => void Object.assign(slot, failed(e)),
            ),
          );
          return slot;
        } catch (e) {
          return failed(e);
        }
      }),
    }));
    if (acks === 0) {
      // Kafka's answer to a failed acks=0 produce: close the connection, so the client notices and refreshes.
      const bad = responses.flatMap((t) => t.partitionResponses.filter((p) => p.errorCode !== ErrorCode.NONE).map((p) => `${t.name}-${p.index}: ${p.errorMessage ?? p.errorCode}`));
      if (bad.length) ctx.closeConnection(`acks=0 produce failed (${bad.join('; ')})`);
      return undefined;
    }
    const response = { responses, throttleTimeMs: 0, nodeEndpoints: [] };
    return pending.length ? Promise.all(pending).then(() => response) : response;
  },
});
