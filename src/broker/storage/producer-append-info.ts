/**
 * The checks a batch with a producer id passes before the leader writes it (Kafka's ProducerAppendInfo), and the
 * state it leads to:
 *  - a batch whose epoch and sequence range equal one of the last five is a retry of a batch already in the log: it
 *    is not written again, and the producer is answered with the original offsets (no error, as Kafka does);
 *  - an epoch below the producer's current one is INVALID_PRODUCER_EPOCH (a zombie of a fenced producer);
 *  - a new epoch must start at sequence 0, otherwise OUT_OF_ORDER_SEQUENCE_NUMBER;
 *  - within an epoch the first sequence must follow the last one (wrapping from Int32 max to 0), otherwise
 *    OUT_OF_ORDER_SEQUENCE_NUMBER;
 *  - a producer the partition knows nothing about (never wrote here, or its state expired or went with retention)
 *    may start at any sequence: since KIP-360 (Kafka 2.5) the broker no longer answers UNKNOWN_PRODUCER_ID.
 * Batches without a producer id (-1) are not looked at. (The duplicate check is the manager's: it needs every
 * producer's retained batches.)
 */
import { BatchHeader, NO_PRODUCER_EPOCH, NO_PRODUCER_ID, NO_SEQUENCE, isControl, isTransactional } from '../records/batch-header';
import { decodeRecords, lastSequenceOf } from '../records/record-batch';
import { ControlRecordType, decodeEndTxnMarker } from '../records/control-record';
import { KafkaError } from '../errors';
import { ProducerStateEntry } from './producer-state-entry';

const INT32_MAX = 0x7fffffff;

/** A transaction's start, and its end marker's offset once it has one (Kafka's TxnMetadata). */
export interface TxnMetadata {
  producerId: number;
  firstOffset: number;
  lastOffset?: number;
}

/** A transaction ended by a COMMIT or ABORT marker (Kafka's CompletedTxn). */
export interface CompletedTxn {
  producerId: number;
  firstOffset: number;
  lastOffset: number;
  isAborted: boolean;
}

/** What the log needs of a transaction marker: the one record of a control batch. */
export interface TxnMarker {
  isAbort: boolean;
  coordinatorEpoch: number;
  /** The marker record's timestamp. */
  timestamp: number;
}

/**
 * Where an append comes from, which decides how much is checked (Kafka's AppendOrigin): client batches get the
 * duplicate, epoch and sequence checks; coordinator writes (markers, offsets) the epoch check only; replicated and
 * replayed batches were checked by the leader and are taken as they are.
 */
export type AppendOrigin = 'client' | 'coordinator' | 'replication';

/**
 * Checks the batches of one producer in one append and accumulates the state they lead to (Kafka's
 * ProducerAppendInfo). Nothing changes in the manager until `ProducerStateManager.update` takes the result.
 */
export class ProducerAppendInfo {
  private readonly updatedEntry: ProducerStateEntry;
  readonly startedTransactions: TxnMetadata[] = [];

  constructor(
    private readonly partition: string,
    readonly producerId: number,
    private readonly currentEntry: ProducerStateEntry,
    private readonly origin: AppendOrigin,
  ) {
    this.updatedEntry = currentEntry.withProducerId(producerId);
  }

  /** Adds one batch; a control batch needs its decoded marker (none when the cleaner emptied the batch). */
  append(h: BatchHeader, marker?: TxnMarker): CompletedTxn | undefined {
    if (isControl(h.attributes)) {
      return marker ? this.appendEndTxnMarker(marker, h.producerEpoch, h.baseOffset, marker.timestamp) : undefined;
    }
    const lastOffset = h.baseOffset + h.lastOffsetDelta;
    this.appendDataBatch(h.producerEpoch, h.baseSequence, lastSequenceOf(h.baseSequence, h.lastOffsetDelta), h.maxTimestamp, h.baseOffset, lastOffset, isTransactional(h.attributes));
    return undefined;
  }

  appendDataBatch(epoch: number, firstSeq: number, lastSeq: number, lastTimestamp: number, firstOffset: number, lastOffset: number, transactional: boolean): void {
    this.checkProducerEpoch(epoch, firstOffset);
    if (this.origin === 'client') this.checkSequence(epoch, firstSeq, firstOffset);
    this.updatedEntry.addBatch(epoch, lastSeq, lastOffset, lastOffset - firstOffset, lastTimestamp);
    const open = this.updatedEntry.currentTxnFirstOffset;
    if (open !== undefined && !transactional) {
      throw new KafkaError('INVALID_TXN_STATE', `Expected transactional write from producer ${this.producerId} at offset ${firstOffset} in partition ${this.partition}`);
    }
    if (open === undefined && transactional) {
      this.updatedEntry.currentTxnFirstOffset = firstOffset;
      this.startedTransactions.push({ producerId: this.producerId, firstOffset });
    }
  }

  appendEndTxnMarker(marker: TxnMarker, producerEpoch: number, offset: number, timestamp: number): CompletedTxn | undefined {
    this.checkProducerEpoch(producerEpoch, offset);
    if (this.updatedEntry.coordinatorEpoch > marker.coordinatorEpoch && this.origin !== 'replication') {
      throw new KafkaError(
        'TRANSACTION_COORDINATOR_FENCED',
        `Invalid coordinator epoch for producerId ${this.producerId} at offset ${offset} in partition ${this.partition}: ${marker.coordinatorEpoch} (zombie), ${this.updatedEntry.coordinatorEpoch} (current)`,
      );
    }
    const first = this.updatedEntry.currentTxnFirstOffset;
    const completed = first !== undefined ? { producerId: this.producerId, firstOffset: first, lastOffset: offset, isAborted: marker.isAbort } : undefined;
    this.updatedEntry.updateFromMarker(producerEpoch, marker.coordinatorEpoch, timestamp);
    return completed;
  }

  private checkProducerEpoch(epoch: number, offset: number): void {
    const current = this.updatedEntry.producerEpoch;
    if (epoch >= current) return;
    // A replica takes what its leader wrote (Kafka only logs it there).
    if (this.origin === 'replication') return;
    // Kafka answers INVALID_PRODUCER_EPOCH here for every Produce version (PRODUCER_FENCED is the coordinator's).
    throw new KafkaError(
      'INVALID_PRODUCER_EPOCH',
      `Epoch of producer ${this.producerId} at offset ${offset} in ${this.partition} is ${epoch}, which is smaller than the last seen epoch ${current}`,
    );
  }

  private checkSequence(epoch: number, firstSeq: number, offset: number): void {
    if (epoch !== this.updatedEntry.producerEpoch) {
      // A new epoch starts at 0; a producer with no state here may start anywhere (KIP-360).
      if (firstSeq !== 0 && this.updatedEntry.producerEpoch !== NO_PRODUCER_EPOCH) {
        throw new KafkaError(
          'OUT_OF_ORDER_SEQUENCE_NUMBER',
          `Invalid sequence number for new epoch of producer ${this.producerId} at offset ${offset} in partition ${this.partition}: ${epoch} (request epoch), ${firstSeq} (seq. number), ${this.updatedEntry.producerEpoch} (current producer epoch)`,
        );
      }
      return;
    }
    let currentLastSeq: number;
    if (!this.updatedEntry.isEmpty) currentLastSeq = this.updatedEntry.lastSeq;
    else if (epoch === this.currentEntry.producerEpoch) currentLastSeq = this.currentEntry.lastSeq;
    else currentLastSeq = NO_SEQUENCE;
    // With no known epoch (everything of the producer went with retention or DeleteRecords) any sequence goes.
    if (this.currentEntry.producerEpoch !== NO_PRODUCER_EPOCH && !inSequence(currentLastSeq, firstSeq)) {
      throw new KafkaError(
        'OUT_OF_ORDER_SEQUENCE_NUMBER',
        `Out of order sequence number for producer ${this.producerId} at offset ${offset} in partition ${this.partition}: ${firstSeq} (incoming seq. number), ${currentLastSeq} (current end sequence number)`,
      );
    }
  }

  toEntry(): ProducerStateEntry {
    return this.updatedEntry;
  }
}

function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === INT32_MAX);
}

/** Kafka's hasProducerId. */
export function hasProducerId(h: BatchHeader): boolean {
  return h.producerId > NO_PRODUCER_ID;
}

/** The marker in a control batch, or undefined when the batch has no record left. Throws for anything else. */
export function readTxnMarker(batch: Buffer): TxnMarker | undefined {
  const records = decodeRecords(batch);
  if (records.length === 0) return undefined;
  const m = decodeEndTxnMarker(records[0]);
  return { isAbort: m.type === ControlRecordType.Abort, coordinatorEpoch: m.coordinatorEpoch, timestamp: records[0].timestamp };
}
