/**
 * What the cleaner knows of transactions while it rewrites a log (Kafka's CleanedTransactionMetadata and
 * AbortedTransactionMetadata): aborted data is dropped, and a marker stays while its transaction has data left.
 */
import { BatchHeader, isControl, isTransactional } from '../records/batch-header';
import { ControlRecordType, decodeControlRecordType } from '../records/control-record';
import type { Record } from '../records/record';
import type { AbortedTxn } from './transaction-index';

/** The aborted transactions of a log (from its .txnindex files): which transactional batches are aborted data. */
export class AbortedRanges {
  constructor(private readonly txns: readonly AbortedTxn[]) {}

  /** A data batch of a producer's transaction that its ABORT marker ended. */
  contains(h: BatchHeader): boolean {
    if (!isTransactional(h.attributes) || isControl(h.attributes) || this.txns.length === 0) return false;
    return this.txns.some((t) => t.producerId === h.producerId && t.firstOffset <= h.baseOffset && h.baseOffset < t.lastOffset);
  }
}

/**
 * Kafka's CleanedTransactionMetadata: which producers have a transaction whose (committed) data batches were seen in
 * this round, so that its marker is kept while they exist; aborted data is discarded.
 */
export class CleanedTransactions {
  private readonly ongoing = new Set<number>();

  constructor(private readonly aborted: AbortedRanges) {}

  /** A data batch; returns whether its records can all be discarded (those of an aborted transaction). */
  onBatchRead(h: BatchHeader): boolean {
    if (this.aborted.contains(h)) return true;
    if (isTransactional(h.attributes)) this.ongoing.add(h.producerId);
    return false;
  }

  /** A control batch; returns whether the marker may be discarded (once past its delete horizon). */
  onControlBatchRead(h: BatchHeader, records: readonly Record[]): boolean {
    // An empty control batch was already cleaned: nothing of it is needed but what RETAIN_EMPTY keeps.
    if (records.length === 0) return true;
    let type: number;
    try {
      type = decodeControlRecordType(records[0].key);
    } catch {
      return false;
    }
    if (type === ControlRecordType.Commit || type === ControlRecordType.Abort) return !this.ongoing.delete(h.producerId);
    return false;
  }
}
