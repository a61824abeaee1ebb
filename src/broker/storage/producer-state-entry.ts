/**
 * The state of one producer id in one partition (Kafka's ProducerStateEntry and BatchMetadata): its epoch, the
 * sequence ranges and offsets of its last five batches, the coordinator epoch of the last marker that ended one of
 * its transactions, and the first offset of its open transaction. Five batches, because a producer has at most five
 * requests in flight (max.in.flight.requests.per.connection): any retry repeats one of them.
 */
import { BatchHeader, NO_PRODUCER_EPOCH, NO_SEQUENCE, NO_TIMESTAMP } from '../records/batch-header';
import { lastSequenceOf } from '../records/record-batch';

/** How many batches per producer are kept for duplicate detection (Kafka's NUM_BATCHES_TO_RETAIN). */
const NUM_BATCHES_TO_RETAIN = 5;

const INT32_MAX = 0x7fffffff;

/** Kafka's DefaultRecordBatch.decrementSequence: sequences wrap from Int32 max to 0. */
export function decrementSequence(sequence: number, decrement: number): number {
  return sequence < decrement ? INT32_MAX - (decrement - sequence) + 1 : sequence - decrement;
}

/** One appended batch of a producer, as the state keeps it. */
export class BatchMetadata {
  constructor(
    readonly lastSeq: number,
    readonly lastOffset: number,
    /** lastOffset - firstOffset, which is also lastSeq - firstSeq. */
    readonly offsetDelta: number,
    /** The batch's max timestamp. */
    readonly timestamp: number,
  ) {}

  get firstSeq(): number {
    return decrementSequence(this.lastSeq, this.offsetDelta);
  }

  get firstOffset(): number {
    return this.lastOffset - this.offsetDelta;
  }
}

/** The state of one producer id (Kafka's ProducerStateEntry). */
export class ProducerStateEntry {
  private readonly batches: BatchMetadata[] = [];

  constructor(
    readonly producerId: number,
    public producerEpoch: number,
    public coordinatorEpoch: number,
    public lastTimestamp: number,
    /** The first offset of the producer's open transaction; undefined when none is open. */
    public currentTxnFirstOffset: number | undefined,
    firstBatch?: BatchMetadata,
  ) {
    if (firstBatch) this.batches.push(firstBatch);
  }

  static empty(producerId: number): ProducerStateEntry {
    return new ProducerStateEntry(producerId, NO_PRODUCER_EPOCH, -1, NO_TIMESTAMP, undefined);
  }

  /** Oldest first. */
  get batchMetadata(): readonly BatchMetadata[] {
    return this.batches;
  }
  get isEmpty(): boolean {
    return this.batches.length === 0;
  }
  get firstSeq(): number {
    return this.isEmpty ? NO_SEQUENCE : this.batches[0].firstSeq;
  }
  get lastSeq(): number {
    return this.isEmpty ? NO_SEQUENCE : this.batches[this.batches.length - 1].lastSeq;
  }
  get firstDataOffset(): number {
    return this.isEmpty ? -1 : this.batches[0].firstOffset;
  }
  get lastDataOffset(): number {
    return this.isEmpty ? -1 : this.batches[this.batches.length - 1].lastOffset;
  }
  get lastOffsetDelta(): number {
    return this.isEmpty ? 0 : this.batches[this.batches.length - 1].offsetDelta;
  }

  /** A copy with this entry's epoch, coordinator epoch, timestamp and transaction, but no batches. */
  withProducerId(producerId: number): ProducerStateEntry {
    return new ProducerStateEntry(producerId, this.producerEpoch, this.coordinatorEpoch, this.lastTimestamp, this.currentTxnFirstOffset);
  }

  addBatch(producerEpoch: number, lastSeq: number, lastOffset: number, offsetDelta: number, timestamp: number): void {
    this.maybeUpdateProducerEpoch(producerEpoch);
    this.addBatchMetadata(new BatchMetadata(lastSeq, lastOffset, offsetDelta, timestamp));
    this.lastTimestamp = timestamp;
  }

  /** A new epoch starts afresh: the batches of the old one no longer count. */
  maybeUpdateProducerEpoch(producerEpoch: number): boolean {
    if (this.producerEpoch === producerEpoch) return false;
    this.batches.length = 0;
    this.producerEpoch = producerEpoch;
    return true;
  }

  private addBatchMetadata(batch: BatchMetadata): void {
    if (this.batches.length === NUM_BATCHES_TO_RETAIN) this.batches.shift();
    this.batches.push(batch);
  }

  /** Takes over what an append produced (Kafka's update(ProducerStateEntry)). */
  update(next: ProducerStateEntry): void {
    this.maybeUpdateProducerEpoch(next.producerEpoch);
    for (const b of next.batches) this.addBatchMetadata(b);
    this.coordinatorEpoch = next.coordinatorEpoch;
    this.currentTxnFirstOffset = next.currentTxnFirstOffset;
    this.lastTimestamp = next.lastTimestamp;
  }

  /** After a transaction marker: the epoch and coordinator epoch it carries, no open transaction. */
  updateFromMarker(producerEpoch: number, coordinatorEpoch: number, timestamp: number): void {
    this.maybeUpdateProducerEpoch(producerEpoch);
    this.coordinatorEpoch = coordinatorEpoch;
    this.currentTxnFirstOffset = undefined;
    this.lastTimestamp = timestamp;
  }

  /** The retained batch that `h` repeats: same epoch, same first and last sequence. */
  findDuplicateBatch(h: BatchHeader): BatchMetadata | undefined {
    if (h.producerEpoch !== this.producerEpoch) return undefined;
    return this.batchWithSequenceRange(h.baseSequence, lastSequenceOf(h.baseSequence, h.lastOffsetDelta));
  }

  batchWithSequenceRange(firstSeq: number, lastSeq: number): BatchMetadata | undefined {
    return this.batches.find((b) => b.firstSeq === firstSeq && b.lastSeq === lastSeq);
  }
}
