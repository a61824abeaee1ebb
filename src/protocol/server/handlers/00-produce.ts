// Produce 0-12: acks 0, 1 and all; per-partition errors with Kafka's codes, per-record ones from v8 (KIP-467);
// LogAppendTime and log start offset in the answer. v0-2 carry message sets of format v0/v1 (clients older than Kafka
// 0.11), up-converted to RecordBatch v2 before the append as Kafka does.
// v3-11: a transactional batch that would start its producer's transaction on a partition is first verified with the
// coordinator (KIP-890 part 1, transaction.partition.verification.enable).
// v12 is v11 from a producer running transactions version 2 (KIP-890 part 2), which sends no AddPartitionsToTxn: a
// transactional batch for a partition where the producer has no ongoing transaction is added to the transaction by
// the broker first (Kafka's AddPartitionsToTxnManager), its errors answered as Kafka's ReplicaManager answers them.
import { defineHandler, type RequestContext } from '../handler';
import { ErrorCode, errorCodeOf, errorName, RecordValidationError } from '../../../broker/errors';
import type { PartitionProduceResponse } from '../../messages/produce-response';
import { isLegacyMessageSet, upConvertMessageSet } from '../../../broker/records/legacy-message-set';
import { ATTRIBUTES_OFFSET, MAGIC_OFFSET, MAGIC_VALUE_V2, PRODUCER_EPOCH_OFFSET, PRODUCER_ID_OFFSET, RECORD_BATCH_OVERHEAD, isTransactional, readInt64 } from '../../../broker/records/batch-header';
import type { ProduceRequestData } from '../../messages/produce-request';
import type { Cluster } from '../../../broker/cluster';
import type { TopicPartitionRef } from '../../../broker/coordinator/transaction/transaction-coordinator';
import { AclOperation, ResourceType, authorize, topicAuthorizer } from '../authorize';
import { addPartitionsForClient } from './txn-common';

/** Kafka's RequestUtils.hasTransactionalRecords: the first batch of some partition is transactional. */
function hasTransactionalRecords(req: ProduceRequestData): boolean {
  return req.topicData.some((t) =>
    t.partitionData.some((p) => !!p.records && p.records.length > ATTRIBUTES_OFFSET + 1 && p.records[MAGIC_OFFSET] === MAGIC_VALUE_V2 && isTransactional(p.records.readInt16BE(ATTRIBUTES_OFFSET))),
  );
}

type ProduceResponse = { responses: Array<{ name: string; partitionResponses: PartitionProduceResponse[] }>; throttleTimeMs: number; nodeEndpoints: [] };
type PreAppendErrors = Map<string, { code: number; message: string | null }>;
const ptKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

export default defineHandler({
  apiKey: 0,
  minVersion: 0,
  maxVersion: 12,
  handle(ctx, req) {
    const acks = req.acks;
    // Kafka checks the transactional id only when the records are transactional, and then fails the whole request.
    const transactional = hasTransactionalRecords(req);
    const txnDenied = transactional && (req.transactionalId === null || !authorize(ctx, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, req.transactionalId));
    if (txnDenied && acks === 0) {
      // Kafka has no error response for acks=0: it closes the connection instead.
      ctx.closeConnection(`acks=0 produce refused: TRANSACTIONAL_ID_AUTHORIZATION_FAILED for transactional id ${req.transactionalId}`);
      return undefined;
    }
    const mayWrite = topicAuthorizer(ctx, AclOperation.WRITE);
    const transactionalId = req.transactionalId;
    if (ctx.apiVersion >= 12 && transactional && !txnDenied && transactionalId !== null) {
      // One producer's requests pipelined on its connection: each adds its partitions and starts its appends before
      // the next looks at the partitions' state, so that batches are appended in the order they were sent.
      return serially(ctx.cluster, transactionalId, async () => ({ answer: append(ctx, req, mayWrite, false, await addToTransaction(ctx, req, transactionalId, mayWrite)) })).then((r) => r.answer);
    }
    if (transactional && !txnDenied && transactionalId !== null && ctx.cluster.brokerConfig.get<boolean>('transaction.partition.verification.enable', ctx.nodeId)) {
      return serially(ctx.cluster, transactionalId, async () => ({ answer: append(ctx, req, mayWrite, false, await verifyTransaction(ctx, req, transactionalId, mayWrite)) })).then((r) => r.answer);
    }
    return append(ctx, req, mayWrite, txnDenied, new Map());
  },
});

interface TransactionStarts {
  /** The partitions led here whose transactional batch starts the producer's transaction on them. */
  candidates: TopicPartitionRef[];
  producerId: number;
  producerEpoch: number;
  /** Kafka refuses the whole request when its transactional batches name more than one producer. */
  errors: PreAppendErrors;
}

/** Where a Produce's transactional batches start their producer's transaction (Kafka's hasOngoingTransaction). */
function transactionStarts(ctx: RequestContext, req: ProduceRequestData, mayWrite: (topic: string) => boolean): TransactionStarts {
  const cluster = ctx.cluster;
  const candidates: TopicPartitionRef[] = [];
  const producers = new Set<string>();
  let producerId = -1;
  let producerEpoch = -1;
  for (const t of req.topicData) {
    for (const p of t.partitionData) {
      const records = p.records;
      if (!mayWrite(t.name) || !records || records.length < RECORD_BATCH_OVERHEAD || records[MAGIC_OFFSET] !== MAGIC_VALUE_V2 || !isTransactional(records.readInt16BE(ATTRIBUTES_OFFSET))) continue;
      if (req.acks !== 0 && req.acks !== 1 && req.acks !== -1) continue;
      let leader: number;
      try {
        leader = cluster.partitionLeader(t.name, p.index);
      } catch {
        continue;
      }
      if (leader !== ctx.nodeId) continue;
      producerId = readInt64(records, PRODUCER_ID_OFFSET);
      producerEpoch = records.readInt16BE(PRODUCER_EPOCH_OFFSET);
      producers.add(`${producerId}/${producerEpoch}`);
      // Kafka's hasOngoingTransaction: the producer's transaction at this epoch already started here.
      const entry = cluster.leaderLog(t.name, p.index).producerStateManager.activeProducers.get(producerId);
      if (entry && entry.currentTxnFirstOffset !== undefined && entry.producerEpoch === producerEpoch) continue;
      candidates.push({ topic: t.name, partition: p.index });
    }
  }
  const errors: PreAppendErrors = new Map();
  if (producers.size > 1) {
    for (const t of req.topicData) for (const p of t.partitionData) errors.set(ptKey(t.name, p.index), { code: ErrorCode.INVALID_PRODUCER_ID_MAPPING, message: 'Transactional records contained more than one producer ID' });
  }
  return { candidates, producerId, producerEpoch, errors };
}

/** The partitions of a Produce v12 whose transactional batch starts the producer's transaction there. */
async function addToTransaction(ctx: RequestContext, req: ProduceRequestData, transactionalId: string, mayWrite: (topic: string) => boolean): Promise<PreAppendErrors> {
  const { candidates, producerId, producerEpoch, errors } = transactionStarts(ctx, req, mayWrite);
  if (errors.size > 0 || candidates.length === 0) return errors;
  const code = await addPartitionsForClient(ctx, transactionalId, producerId, producerEpoch, candidates);
  if (code !== ErrorCode.NONE) for (const c of candidates) errors.set(ptKey(c.topic, c.partition), appendErrorOfAdd(code));
  return errors;
}

/**
 * KIP-890 part 1 (Kafka 3.6+, transaction.partition.verification.enable): before a Produce v3-11 starts a producer's
 * transaction on a partition, the leader asks the coordinator (AddPartitionsToTxn VerifyOnly) whether the client
 * added the partition to that transaction. A batch that arrives after its transaction ended (a late retry, a producer
 * whose AddPartitionsToTxn never came) is refused INVALID_TXN_STATE instead of opening a transaction nobody will end,
 * which would hold the partition's last stable offset back for good (a hanging transaction).
 */
async function verifyTransaction(ctx: RequestContext, req: ProduceRequestData, transactionalId: string, mayWrite: (topic: string) => boolean): Promise<PreAppendErrors> {
  const { candidates, producerId, producerEpoch, errors } = transactionStarts(ctx, req, mayWrite);
  if (errors.size > 0 || candidates.length === 0) return errors;
  const coordinator = ctx.cluster.transactionCoordinator;
  const verified = coordinator.coordinatorFor(transactionalId) < 0 ? ErrorCode.COORDINATOR_NOT_AVAILABLE : coordinator.verifyPartitions(transactionalId, producerId, producerEpoch, candidates);
  candidates.forEach((c, i) => {
    const code = typeof verified === 'number' ? verified : verified[i];
    // A partition not in the transaction: TRANSACTION_ABORTABLE is for KIP-890 clients; older ones are told
    // INVALID_TXN_STATE, as Kafka does.
    if (code !== ErrorCode.NONE) errors.set(ptKey(c.topic, c.partition), appendErrorOfAdd(code === ErrorCode.TRANSACTION_ABORTABLE ? ErrorCode.INVALID_TXN_STATE : code));
  });
  return errors;
}

/** How Kafka's ReplicaManager answers a producer whose partition could not be added to its transaction. */
function appendErrorOfAdd(code: number): { code: number; message: string | null } {
  switch (code) {
    case ErrorCode.PRODUCER_FENCED:
      // The coordinator's fencing reads, on the data path, as a stale epoch (Kafka's AddPartitionsToTxnManager).
      return { code: ErrorCode.INVALID_PRODUCER_EPOCH, message: null };
    case ErrorCode.INVALID_TXN_STATE:
      return { code, message: 'Partition was not added to the transaction' };
    case ErrorCode.NETWORK_EXCEPTION:
    case ErrorCode.CONCURRENT_TRANSACTIONS:
    case ErrorCode.COORDINATOR_LOAD_IN_PROGRESS:
    case ErrorCode.COORDINATOR_NOT_AVAILABLE:
    case ErrorCode.NOT_COORDINATOR:
      // Retriable for every client, and without the metadata refresh NOT_LEADER_OR_FOLLOWER would cause.
      return { code: ErrorCode.NOT_ENOUGH_REPLICAS, message: `Unable to verify the partition has been added to the transaction. Underlying error: ${errorName(code)}` };
    default:
      return { code, message: null };
  }
}

/** The requests of one transactional id that add partitions, one after the other (per cluster). */
const chains = new WeakMap<Cluster, Map<string, Promise<unknown>>>();

function serially<T>(cluster: Cluster, transactionalId: string, fn: () => Promise<T>): Promise<T> {
  let byId = chains.get(cluster);
  if (!byId) chains.set(cluster, (byId = new Map()));
  const previous = byId.get(transactionalId) ?? Promise.resolve();
  const run = previous.then(fn, fn);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  byId.set(transactionalId, settled);
  void settled.then(() => {
    if (byId.get(transactionalId) === settled) byId.delete(transactionalId);
  });
  return run;
}

function append(ctx: RequestContext, req: ProduceRequestData, mayWrite: (topic: string) => boolean, txnDenied: boolean, preAppendErrors: PreAppendErrors): ProduceResponse | Promise<ProduceResponse> | undefined {
  const cluster = ctx.cluster;
  const acks = req.acks;
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
        const refused = preAppendErrors.get(ptKey(t.name, p.index));
        if (refused) return answer(refused.code, refused.message);
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
  const response: ProduceResponse = { responses, throttleTimeMs: 0, nodeEndpoints: [] };
  return pending.length ? Promise.all(pending).then(() => response) : response;
}
