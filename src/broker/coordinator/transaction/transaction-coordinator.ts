/**
 * Kafka's TransactionCoordinator: a transactional id's producer id and epoch, the partitions of its open
 * transaction, and its state (Empty, Ongoing, PrepareCommit/Abort, CompleteCommit/Abort), kept as records in the
 * compacted __transaction_state topic. InitProducerId fences the previous incarnation of a transactional producer
 * (its open transaction is aborted, its epoch bumped); EndTxn persists the decision and answers, then COMMIT or ABORT
 * markers go to every partition of the transaction through their leaders (acks=all), then the completion is persisted. Transactions
 * open longer than their timeout are aborted the same way, with the epoch bumped so that the producer is fenced.
 * With transactions version 2 (KIP-890 part 2: EndTxn v5, or partitions added by Produce v12 and TxnOffsetCommit v5)
 * every EndTxn bumps the epoch, the markers carry the bumped one and the answer hands it to the producer.
 * All virtual nodes share this one object; which node answers for an id is the leader of its partition.
 */
import { ErrorCode, KafkaError, errorCodeOf } from '../../errors';
import { Logger, silentLogger } from '../../logger';
import { systemClock, sleep, type Clock, type Timer } from '../../clock';
import { partitionForGroup } from '../group/group-partitioner';
import type { OffsetsTopicRecordIn } from '../group/group-context';
import { TxnState, TXN_STATE_IDS, txnStateOf, transactionLogKey, transactionLogValue, transactionLogValueVersion, decodeTransactionLogRecord } from './transaction-log';

export interface TopicPartitionRef {
  topic: string;
  partition: number;
}

/** How the coordinator reaches __transaction_state (the cluster implements it; tests use memory). */
export interface TransactionStateStore {
  readonly numPartitions: number;
  /** Appends to the partition's leader and resolves once the in-sync replicas have it. */
  append(partition: number, records: OffsetsTopicRecordIn[]): Promise<void>;
  read(partition: number): Iterable<OffsetsTopicRecordIn>;
  /** The node leading the partition, or -1 when none is up. */
  leaderOf(partition: number): number;
  /** The partition's leader epoch: the coordinator epoch written into markers. */
  leaderEpochOf(partition: number): number;
}

/** Writes transaction markers (the cluster implements it: control batches through each partition's leader). */
export interface TxnMarkerWriter {
  writeMarkers(m: { producerId: number; producerEpoch: number; coordinatorEpoch: number; commit: boolean; partitions: TopicPartitionRef[] }): Promise<void>;
}

interface TransactionCoordinatorConfig {
  /** transaction.max.timeout.ms */
  maxTimeoutMs: number;
  /** transaction.abort.timed.out.transaction.cleanup.interval.ms */
  abortTimedOutIntervalMs: number;
}

export const DEFAULT_TXN_CONFIG: TransactionCoordinatorConfig = { maxTimeoutMs: 900000, abortTimedOutIntervalMs: 10000 };

interface TxnMetadata {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  txnTimeoutMs: number;
  state: TxnState;
  /** The partitions of the open transaction, by "topic\u0000partition". */
  partitions: Map<string, TopicPartitionRef>;
  txnStartTimestamp: number;
  txnLastUpdateTimestamp: number;
  /** The producer id before the last one the id was given (KIP-360), -1 if none: an EndTxn retried across an epoch overflow names it. */
  previousProducerId: number;
  /** The producer id a transactions-version-2 commit or abort moves to once its markers are written (its epoch overflowed), else -1. */
  nextProducerId: number;
  /** The transactions version of the client's last request that changed the state (Kafka's clientTransactionVersion). */
  clientTransactionVersion: number;
  /** An operation is writing this id's state: others are answered CONCURRENT_TRANSACTIONS (Kafka's pendingState). */
  pending: boolean;
}

/** EndTxn's answer: v5 carries the producer id and epoch the producer goes on with. */
interface EndTxnResult {
  errorCode: number;
  producerId: number;
  producerEpoch: number;
}

/** Transactions version 2: the epoch is bumped at the end of each transaction (Kafka's TransactionVersion.TV_2). */
export const TRANSACTION_VERSION_2 = 2;

interface InitProducerIdResult {
  errorCode: number;
  producerId: number;
  producerEpoch: number;
}

const MAX_EPOCH = 32767;
const ptKey = (t: TopicPartitionRef) => `${t.topic}\u0000${t.partition}`;

export class TransactionCoordinator {
  private readonly txns = new Map<string, TxnMetadata>();
  private readonly logger: Logger;
  private readonly clock: Clock;
  /** The cluster's finalized transaction.version, which decides the format __transaction_state is written in. */
  private readonly transactionVersion: () => number;
  private timer?: Timer;
  private closed = false;
  /** Settles at shutdown: a marker retry waiting out its backoff gives up then instead of when the backoff ends. */
  private readonly stopped: Promise<void>;
  private stop!: () => void;
  /** Decisions whose markers and Complete record are being written, by transactional id. */
  private readonly completing = new Map<string, Promise<void>>();

  constructor(
    private readonly store: TransactionStateStore,
    private readonly markers: TxnMarkerWriter,
    private readonly nextProducerId: () => number,
    private readonly config: TransactionCoordinatorConfig = DEFAULT_TXN_CONFIG,
    opts: { logger?: Logger; clock?: Clock; transactionVersion?: () => number } = {},
  ) {
    this.logger = opts.logger ?? silentLogger;
    this.clock = opts.clock ?? systemClock;
    this.transactionVersion = opts.transactionVersion ?? (() => 0);
    this.stopped = new Promise((r) => (this.stop = r));
  }

  private now(): number {
    return this.clock.now();
  }

  partitionFor(transactionalId: string): number {
    return partitionForGroup(transactionalId, this.store.numPartitions);
  }

  coordinatorFor(transactionalId: string): number {
    return this.store.leaderOf(this.partitionFor(transactionalId));
  }

  /** NOT_COORDINATOR unless `nodeId` leads the id's __transaction_state partition. */
  checkCoordinator(transactionalId: string, nodeId: number): void {
    const leader = this.coordinatorFor(transactionalId);
    if (leader < 0) throw new KafkaError('COORDINATOR_NOT_AVAILABLE', `no leader for the __transaction_state partition of ${transactionalId}`);
    if (leader !== nodeId) throw new KafkaError('NOT_COORDINATOR', `node ${nodeId} is not the transaction coordinator of ${transactionalId} (node ${leader} is)`);
  }

  transaction(transactionalId: string): Readonly<TxnMetadata> | undefined {
    return this.txns.get(transactionalId);
  }

  allTransactions(): Readonly<TxnMetadata>[] {
    return [...this.txns.values()];
  }

  // ------------------------------------------------------------------ InitProducerId

  /**
   * A transactional producer starts (or restarts): a new id gets a producer id and epoch 0; a known one gets its epoch
   * bumped (a new producer id once the epoch is exhausted), and a transaction it left open is aborted first, with
   * markers at a bumped epoch that fence the old incarnation. KIP-360: a producer naming its current id and epoch
   * is bumped the same way; a stale pair is PRODUCER_FENCED.
   */
  async initProducerId(transactionalId: string, txnTimeoutMs: number, expected?: { producerId: number; producerEpoch: number }): Promise<InitProducerIdResult> {
    const fail = (errorCode: number): InitProducerIdResult => ({ errorCode, producerId: -1, producerEpoch: -1 });
    if (txnTimeoutMs <= 0 || txnTimeoutMs > this.config.maxTimeoutMs) return fail(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    let meta = this.txns.get(transactionalId);
    if (meta?.pending) return fail(ErrorCode.CONCURRENT_TRANSACTIONS);
    if (!meta) {
      meta = {
        transactionalId,
        producerId: this.nextProducerId(),
        producerEpoch: -1,
        txnTimeoutMs,
        state: 'Empty',
        partitions: new Map(),
        txnStartTimestamp: -1,
        txnLastUpdateTimestamp: this.now(),
        previousProducerId: -1,
        nextProducerId: -1,
        clientTransactionVersion: 0,
        pending: false,
      };
      this.txns.set(transactionalId, meta);
    } else if (expected && (expected.producerId !== meta.producerId || expected.producerEpoch !== meta.producerEpoch)) {
      return fail(ErrorCode.PRODUCER_FENCED);
    }
    meta.pending = true;
    try {
      // A decision whose markers did not all get written (a leader was down): finish it first.
      if (meta.state === 'PrepareCommit' || meta.state === 'PrepareAbort') await this.complete(meta, meta.state === 'PrepareCommit');
      if (meta.state === 'Ongoing') {
        this.logger.info(`transactional id ${transactionalId}: a new producer fences producer ${meta.producerId} epoch ${meta.producerEpoch} and aborts its open transaction`);
        await this.abortWithFencing(meta);
      }
      const next = this.bumpedEpoch(meta);
      const rotated = next.producerId !== meta.producerId ? { previousProducerId: meta.producerId } : {};
      await this.persist(meta, { ...next, ...rotated, state: 'Empty', partitions: new Map(), txnTimeoutMs, txnStartTimestamp: -1 });
      return { errorCode: ErrorCode.NONE, producerId: meta.producerId, producerEpoch: meta.producerEpoch };
    } catch (e) {
      return fail(retriable(e));
    } finally {
      meta.pending = false;
    }
  }

  private bumpedEpoch(meta: TxnMetadata): { producerId: number; producerEpoch: number } {
    if (meta.producerEpoch + 1 >= MAX_EPOCH) return { producerId: this.nextProducerId(), producerEpoch: 0 };
    return { producerId: meta.producerId, producerEpoch: meta.producerEpoch + 1 };
  }

  // ------------------------------------------------------------------ AddPartitionsToTxn / AddOffsetsToTxn

  /**
   * Adds partitions to the producer's transaction, opening it if needed. Returns one error code for all.
   * `clientTransactionVersion` is 2 when the partitions come from a client that runs transactions version 2 (Produce
   * v12, TxnOffsetCommit v5, AddPartitionsToTxn v4+), as Kafka's transactionVersionForAddPartitionsToTxn decides.
   */
  async addPartitions(transactionalId: string, producerId: number, producerEpoch: number, partitions: TopicPartitionRef[], clientTransactionVersion = 0): Promise<number> {
    const meta = this.txns.get(transactionalId);
    const check = this.checkProducer(meta, producerId, producerEpoch);
    if (check !== ErrorCode.NONE) return check;
    const m = meta!;
    if (m.pending || m.state === 'PrepareCommit' || m.state === 'PrepareAbort' || m.state === 'PrepareEpochFence') return ErrorCode.CONCURRENT_TRANSACTIONS;
    if (m.state === 'Ongoing' && partitions.every((p) => m.partitions.has(ptKey(p)))) return ErrorCode.NONE;
    const merged = new Map(m.state === 'Ongoing' ? m.partitions : []);
    for (const p of partitions) merged.set(ptKey(p), { topic: p.topic, partition: p.partition });
    m.pending = true;
    try {
      await this.persist(m, { state: 'Ongoing', partitions: merged, txnStartTimestamp: m.state === 'Ongoing' ? m.txnStartTimestamp : this.now(), clientTransactionVersion });
      return ErrorCode.NONE;
    } catch (e) {
      return retriable(e);
    } finally {
      m.pending = false;
    }
  }

  // ------------------------------------------------------------------ EndTxn

  async endTxn(transactionalId: string, producerId: number, producerEpoch: number, commit: boolean): Promise<number> {
    const meta = this.txns.get(transactionalId);
    const check = this.checkProducer(meta, producerId, producerEpoch);
    if (check !== ErrorCode.NONE) return check;
    const m = meta!;
    if (m.pending) return ErrorCode.CONCURRENT_TRANSACTIONS;
    switch (m.state) {
      case 'Ongoing':
        break;
      // A retry of an EndTxn that completed: the same answer again; the other decision is not possible any more.
      case 'CompleteCommit':
        return commit ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE;
      case 'CompleteAbort':
        return commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.NONE;
      // The decision is logged and its markers are on their way (or failed and are retried): as Kafka, the client
      // retries until the transaction is complete; the other decision is not possible any more.
      case 'PrepareCommit':
        if (commit) this.completeInBackground(m, true);
        return commit ? ErrorCode.CONCURRENT_TRANSACTIONS : ErrorCode.INVALID_TXN_STATE;
      case 'PrepareAbort':
        if (!commit) this.completeInBackground(m, false);
        return commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.CONCURRENT_TRANSACTIONS;
      case 'PrepareEpochFence':
        return ErrorCode.CONCURRENT_TRANSACTIONS;
      default:
        // Empty: nothing was added to a transaction.
        return ErrorCode.INVALID_TXN_STATE;
    }
    m.pending = true;
    try {
      await this.persist(m, { state: commit ? 'PrepareCommit' : 'PrepareAbort', txnLastUpdateTimestamp: this.now() });
    } catch (e) {
      m.pending = false;
      return retriable(e);
    }
    // Kafka answers EndTxn once the decision is logged: from here the transaction is committed (or aborted) whatever
    // happens. The markers and the Complete record follow; until then the producer's next AddPartitionsToTxn,
    // AddOffsetsToTxn or EndTxn is answered CONCURRENT_TRANSACTIONS, which it retries.
    m.pending = false;
    this.completeInBackground(m, commit);
    return ErrorCode.NONE;
  }

  /**
   * EndTxn v5 (transactions version 2, Kafka's endTransaction with TV_2): the decision is logged with the epoch bumped
   * (a new producer id once the epoch is exhausted, taken when the markers are written), the markers carry the bumped
   * epoch, so that nothing the producer wrote before can join its next transaction, and the answer hands the new
   * producer id and epoch over. A retry is told apart by its epoch: the one it sent is one below the current (or the
   * last of an exhausted producer id), and gets the same answer again. An abort with nothing added still bumps the
   * epoch, as a producer unsure of its state aborts to be sure.
   */
  async endTxnV2(transactionalId: string, producerId: number, producerEpoch: number, commit: boolean): Promise<EndTxnResult> {
    const fail = (errorCode: number): EndTxnResult => ({ errorCode, producerId: -1, producerEpoch: -1 });
    const m = this.txns.get(transactionalId);
    if (!m) return fail(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    const retryOnOverflow = m.previousProducerId === producerId && producerEpoch === MAX_EPOCH - 1 && m.producerEpoch === 0;
    const retryOnEpochBump = m.producerEpoch === producerEpoch + 1;
    const isRetry = retryOnEpochBump || retryOnOverflow;
    // The same epoch as the coordinator's is the next transaction's EndTxn, not a retry of the last one's.
    const validEpoch =
      m.state === 'PrepareCommit' || m.state === 'PrepareAbort'
        ? retryOnEpochBump
        : m.state === 'CompleteCommit' || m.state === 'CompleteAbort'
          ? isRetry || producerEpoch === m.producerEpoch
          : producerEpoch === m.producerEpoch;
    if (m.producerId !== producerId && !retryOnOverflow) return fail(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    if (!validEpoch) return fail(ErrorCode.PRODUCER_FENCED);
    if (m.pending) return fail(ErrorCode.CONCURRENT_TRANSACTIONS);
    const again = (): EndTxnResult => ({ errorCode: ErrorCode.NONE, producerId: m.producerId, producerEpoch: m.producerEpoch });
    switch (m.state) {
      case 'Ongoing':
        return this.prepareWithEpochBump(m, commit, false);
      case 'CompleteCommit':
        if (commit) return isRetry ? again() : fail(ErrorCode.INVALID_TXN_STATE);
        return isRetry ? fail(ErrorCode.INVALID_TXN_STATE) : this.prepareWithEpochBump(m, false, true);
      case 'CompleteAbort':
        if (!commit) return isRetry ? again() : this.prepareWithEpochBump(m, false, true);
        return fail(ErrorCode.INVALID_TXN_STATE);
      case 'PrepareCommit':
        if (commit) this.completeInBackground(m, true);
        return fail(commit ? ErrorCode.CONCURRENT_TRANSACTIONS : ErrorCode.INVALID_TXN_STATE);
      case 'PrepareAbort':
        if (!commit) this.completeInBackground(m, false);
        return fail(commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.CONCURRENT_TRANSACTIONS);
      case 'Empty':
        return commit ? fail(ErrorCode.INVALID_TXN_STATE) : this.prepareWithEpochBump(m, false, true);
      default:
        return fail(ErrorCode.CONCURRENT_TRANSACTIONS);
    }
  }

  private async prepareWithEpochBump(m: TxnMetadata, commit: boolean, noPartitionAdded: boolean): Promise<EndTxnResult> {
    let nextProducerId = -1;
    try {
      if (m.producerEpoch >= MAX_EPOCH - 1) nextProducerId = this.nextProducerId();
    } catch (e) {
      return { errorCode: retriable(e), producerId: -1, producerEpoch: -1 };
    }
    m.pending = true;
    try {
      const now = this.now();
      await this.persist(m, {
        state: commit ? 'PrepareCommit' : 'PrepareAbort',
        producerEpoch: m.producerEpoch + 1,
        nextProducerId,
        clientTransactionVersion: TRANSACTION_VERSION_2,
        // An abort of a transaction that added nothing starts it now, as Kafka needs a start time.
        txnStartTimestamp: noPartitionAdded ? now : m.txnStartTimestamp,
        txnLastUpdateTimestamp: now,
      });
    } catch (e) {
      m.pending = false;
      return { errorCode: retriable(e), producerId: -1, producerEpoch: -1 };
    }
    m.pending = false;
    // An exhausted epoch: the producer goes on with the new producer id at epoch 0, what the Complete record sets.
    const answer = nextProducerId >= 0 ? { producerId: nextProducerId, producerEpoch: 0 } : { producerId: m.producerId, producerEpoch: m.producerEpoch };
    this.completeInBackground(m, commit);
    return { errorCode: ErrorCode.NONE, ...answer };
  }

  /**
   * AddPartitionsToTxn v4+ with VerifyOnly (what a broker asks before appending a transactional batch, KIP-890 part
   * 1): is each partition in the producer's ongoing transaction? Nothing is added. One code for the whole
   * transaction, or one per partition (TRANSACTION_ABORTABLE for a partition that is not in it).
   */
  verifyPartitions(transactionalId: string, producerId: number, producerEpoch: number, partitions: TopicPartitionRef[]): number | number[] {
    const m = this.txns.get(transactionalId);
    const check = this.checkProducer(m, producerId, producerEpoch);
    if (check !== ErrorCode.NONE) return check;
    // The pending state is not looked at: the append itself checks the producer's epoch again.
    if (m!.state === 'PrepareCommit' || m!.state === 'PrepareAbort') return ErrorCode.CONCURRENT_TRANSACTIONS;
    return partitions.map((p) => (m!.partitions.has(ptKey(p)) ? ErrorCode.NONE : ErrorCode.TRANSACTION_ABORTABLE));
  }

  /**
   * Writes the markers of a logged decision and its Complete record (Kafka's marker channel), retrying with backoff
   * while they cannot all be written (a leader is down); the periodic pass and load() pick up what is left.
   */
  private completeInBackground(m: TxnMetadata, commit: boolean): void {
    if (m.pending) return;
    m.pending = true;
    const attempt = async (backoffMs: number): Promise<void> => {
      try {
        await this.complete(m, commit);
      } catch (e) {
        if (this.closed || backoffMs > 2000) {
          this.logger.warn(`transactional id ${m.transactionalId}: the ${commit ? 'commit' : 'abort'} markers cannot be written yet (${(e as Error).message}); retried later`);
          return;
        }
        await sleep(this.clock, backoffMs, this.stopped);
        if (this.closed) return;
        return attempt(backoffMs * 2);
      }
    };
    const done = attempt(50).finally(() => {
      m.pending = false;
      this.completing.delete(m.transactionalId);
    });
    this.completing.set(m.transactionalId, done);
  }

  /** Resolves once no markers of `transactionalId`'s last decision are being written (for tests and tools). */
  async settled(transactionalId: string): Promise<void> {
    await this.completing.get(transactionalId);
  }

  /** Prepare (persisted), markers, Complete (persisted). A failure leaves Prepare*, which load() and retries finish. */
  private async complete(m: TxnMetadata, commit: boolean): Promise<void> {
    const now = this.now();
    if (m.state === 'Ongoing') await this.persist(m, { state: commit ? 'PrepareCommit' : 'PrepareAbort', txnLastUpdateTimestamp: now });
    const partitions = [...m.partitions.values()];
    const coordinatorEpoch = this.store.leaderEpochOf(this.partitionFor(m.transactionalId));
    await this.markers.writeMarkers({ producerId: m.producerId, producerEpoch: m.producerEpoch, coordinatorEpoch, commit, partitions });
    // A transactions-version-2 decision whose bump exhausted the epoch moves to the producer id it took.
    const rotated = m.nextProducerId >= 0 ? { producerId: m.nextProducerId, producerEpoch: 0, previousProducerId: m.producerId, nextProducerId: -1 } : {};
    await this.persist(m, { state: commit ? 'CompleteCommit' : 'CompleteAbort', partitions: new Map(), txnStartTimestamp: -1, ...rotated });
    this.logger.info(`transactional id ${m.transactionalId}: ${commit ? 'committed' : 'aborted'} a transaction of producer ${m.producerId} epoch ${m.producerEpoch} over ${partitions.length} partition(s)`);
  }

  /**
   * Aborts an open transaction with the epoch bumped first, so that its producer can no longer write or commit. A
   * transaction of a transactions-version-2 client then has its abort bump the epoch once more, as every version-2
   * decision does (Kafka's prepareFenceProducerEpoch, then prepareAbortOrCommit): its markers carry the fenced epoch
   * plus one, and an epoch exhausted by the second bump moves to a new producer id as an EndTxn v5 would.
   */
  private async abortWithFencing(m: TxnMetadata): Promise<void> {
    const next = this.bumpedEpoch(m);
    if (next.producerId === m.producerId && m.clientTransactionVersion >= TRANSACTION_VERSION_2) {
      const nextProducerId = next.producerEpoch >= MAX_EPOCH - 1 ? this.nextProducerId() : -1;
      await this.persist(m, { producerEpoch: next.producerEpoch + 1, nextProducerId, state: 'PrepareAbort' });
    } else if (next.producerId === m.producerId) {
      await this.persist(m, { producerEpoch: next.producerEpoch, state: 'PrepareAbort' });
    } else {
      // An exhausted epoch: the markers go out at the last epoch; the new producer id fences the old one.
      await this.persist(m, { state: 'PrepareAbort' });
    }
    await this.complete(m, false);
  }

  private checkProducer(meta: TxnMetadata | undefined, producerId: number, producerEpoch: number): number {
    if (!meta || meta.producerId !== producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    if (producerEpoch !== meta.producerEpoch) return ErrorCode.PRODUCER_FENCED;
    return ErrorCode.NONE;
  }

  private async persist(m: TxnMetadata, change: Partial<Omit<TxnMetadata, 'transactionalId' | 'pending'>>): Promise<void> {
    const next = { ...m, ...change, txnLastUpdateTimestamp: change.txnLastUpdateTimestamp ?? this.now() };
    const byTopic = new Map<string, number[]>();
    for (const p of next.partitions.values()) {
      if (!byTopic.has(p.topic)) byTopic.set(p.topic, []);
      byTopic.get(p.topic)!.push(p.partition);
    }
    await this.store.append(this.partitionFor(m.transactionalId), [
      {
        key: transactionLogKey(m.transactionalId),
        value: transactionLogValue({
          producerId: next.producerId,
          previousProducerId: next.previousProducerId,
          nextProducerId: next.nextProducerId,
          producerEpoch: next.producerEpoch,
          transactionTimeoutMs: next.txnTimeoutMs,
          transactionStatus: TXN_STATE_IDS[next.state],
          transactionPartitions: [...byTopic].map(([topic, partitionIds]) => ({ topic, partitionIds })),
          transactionLastUpdateTimestampMs: next.txnLastUpdateTimestamp,
          transactionStartTimestampMs: next.txnStartTimestamp,
          clientTransactionVersion: next.clientTransactionVersion,
        }, transactionLogValueVersion(this.transactionVersion())),
      },
    ]);
    // Only once the in-sync replicas have it does the state change (Kafka's completeTransitionTo).
    Object.assign(m, change, { txnLastUpdateTimestamp: next.txnLastUpdateTimestamp });
  }

  // ------------------------------------------------------------------ load, timeouts

  /**
   * Rebuilds every transactional id's state from __transaction_state (the last record of each id wins). Decisions
   * whose markers may not all be written (Prepare*) are finished in the background, as Kafka's coordinator does
   * when it takes over a partition.
   */
  load(): { transactions: number; completing: number } {
    this.txns.clear();
    for (let p = 0; p < this.store.numPartitions; p++) {
      for (const r of this.store.read(p)) {
        let rec;
        try {
          rec = decodeTransactionLogRecord(r.key, r.value);
        } catch (e) {
          this.logger.warn(`__transaction_state-${p}: skipping a record that cannot be read: ${(e as Error).message}`);
          continue;
        }
        if (!rec.value) {
          this.txns.delete(rec.transactionalId);
          continue;
        }
        const v = rec.value;
        const partitions = new Map<string, TopicPartitionRef>();
        for (const t of v.transactionPartitions ?? []) for (const partition of t.partitionIds) partitions.set(ptKey({ topic: t.topic, partition }), { topic: t.topic, partition });
        this.txns.set(rec.transactionalId, {
          transactionalId: rec.transactionalId,
          producerId: v.producerId,
          producerEpoch: v.producerEpoch,
          txnTimeoutMs: v.transactionTimeoutMs,
          state: txnStateOf(v.transactionStatus),
          partitions,
          txnStartTimestamp: v.transactionStartTimestampMs,
          txnLastUpdateTimestamp: v.transactionLastUpdateTimestampMs,
          previousProducerId: v.previousProducerId,
          nextProducerId: v.nextProducerId,
          clientTransactionVersion: v.clientTransactionVersion,
          pending: false,
        });
      }
    }
    let completing = 0;
    for (const m of this.txns.values()) {
      if (m.state !== 'PrepareCommit' && m.state !== 'PrepareAbort') continue;
      completing++;
      const commit = m.state === 'PrepareCommit';
      m.pending = true;
      void this.complete(m, commit)
        .catch((e) => this.logger.warn(`transactional id ${m.transactionalId}: finishing its ${commit ? 'commit' : 'abort'} failed (${(e as Error).message}); the next request retries`))
        .finally(() => (m.pending = false));
    }
    return { transactions: this.txns.size, completing };
  }

  /**
   * Aborts, with fencing, every transaction open longer than its timeout (Kafka's abortTimedOutTransactions), and
   * tries again the markers of decisions that could not all be written (Kafka's marker channel retries until they are).
   */
  async abortTimedOutTransactions(now = this.now()): Promise<number> {
    let aborted = 0;
    for (const m of this.txns.values()) {
      if (!m.pending && (m.state === 'PrepareCommit' || m.state === 'PrepareAbort')) {
        m.pending = true;
        await this.complete(m, m.state === 'PrepareCommit')
          .catch((e) => this.logger.warn(`transactional id ${m.transactionalId}: its markers still cannot be written: ${(e as Error).message}`))
          .finally(() => (m.pending = false));
        continue;
      }
      if (m.pending || m.state !== 'Ongoing' || m.txnStartTimestamp < 0 || now - m.txnStartTimestamp <= m.txnTimeoutMs) continue;
      m.pending = true;
      try {
        this.logger.info(`transactional id ${m.transactionalId}: the transaction of producer ${m.producerId} epoch ${m.producerEpoch} passed its timeout of ${m.txnTimeoutMs} ms; aborting it`);
        await this.abortWithFencing(m);
        aborted++;
      } catch (e) {
        this.logger.warn(`transactional id ${m.transactionalId}: aborting the timed-out transaction failed: ${(e as Error).message}`);
      } finally {
        m.pending = false;
      }
    }
    return aborted;
  }

  /**
   * Aborts an open transaction on request (the UI's "abort" of a hanging transaction), exactly as its timeout would:
   * the epoch is bumped first, so that its producer is fenced, then the abort markers are written.
   */
  async abortTransaction(transactionalId: string): Promise<void> {
    const m = this.txns.get(transactionalId);
    if (!m) throw new KafkaError('TRANSACTIONAL_ID_NOT_FOUND', `No transactional id ${transactionalId} is known.`);
    if (m.pending) throw new KafkaError('CONCURRENT_TRANSACTIONS', `Transactional id ${transactionalId} is being changed; try again.`);
    if (m.state !== 'Ongoing') throw new KafkaError('INVALID_TXN_STATE', `Transactional id ${transactionalId} has no open transaction (its state is ${m.state}).`);
    m.pending = true;
    try {
      this.logger.info(`transactional id ${transactionalId}: aborting the transaction of producer ${m.producerId} epoch ${m.producerEpoch} on request`);
      await this.abortWithFencing(m);
    } finally {
      m.pending = false;
    }
  }

  startTimeouts(intervalMs = this.config.abortTimedOutIntervalMs): void {
    this.timer = this.clock.setInterval(() => void this.abortTimedOutTransactions(), intervalMs);
  }

  shutdown(): void {
    this.closed = true;
    this.stop();
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** Storage failures are answered with retriable coordinator errors, as Kafka maps them. */
function retriable(e: unknown): number {
  const code = errorCodeOf(e);
  if (code === ErrorCode.NONE || code === ErrorCode.UNKNOWN_SERVER_ERROR) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  if (code === ErrorCode.NOT_LEADER_OR_FOLLOWER || code === ErrorCode.NOT_ENOUGH_REPLICAS || code === ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND || code === ErrorCode.REQUEST_TIMED_OUT) {
    return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  }
  return code;
}
