/**
 * What the cleaner must keep of each active producer (Kafka's LastRecord): the last batch of a producer carries its
 * last sequence and epoch, which idempotence and fencing need after a restart, so it survives as an empty batch.
 */
import { isControl, isTransactional, lastOffsetOf } from '../records/batch-header';
import type { Log } from './log';

/** What the cleaner must keep about a producer (Kafka's LastRecord). */
export interface LastRecord {
  /** Last offset of the producer's last data batch, when there is one. */
  lastDataOffset: number | undefined;
  producerEpoch: number;
}

/**
 * The last batch of each producer that is still active (idle for less than producer.id.expiration.ms, or in a
 * transaction), from the batch headers of the whole log: what Kafka reads from its producer state manager.
 */
export function lastRecordsOfProducers(log: Log, now: number, expirationMs: number): Map<number, LastRecord> {
  interface Entry extends LastRecord {
    lastTimestamp: number;
    inTransaction: boolean;
  }
  const entries = new Map<number, Entry>();
  for (const seg of log.logSegments) {
    seg.scanBatches(0, ({ header: h }) => {
      if (h.producerId < 0) return true;
      let e = entries.get(h.producerId);
      if (!e) {
        e = { lastDataOffset: undefined, producerEpoch: h.producerEpoch, lastTimestamp: -1, inTransaction: false };
        entries.set(h.producerId, e);
      }
      // A new epoch starts a new sequence: what came before it is not needed.
      if (h.producerEpoch !== e.producerEpoch) e.lastDataOffset = undefined;
      e.producerEpoch = h.producerEpoch;
      if (isControl(h.attributes)) e.inTransaction = false;
      else {
        e.lastDataOffset = lastOffsetOf(h);
        if (isTransactional(h.attributes)) e.inTransaction = true;
      }
      e.lastTimestamp = Math.max(e.lastTimestamp, h.maxTimestamp);
      return true;
    });
  }
  const active = new Map<number, LastRecord>();
  for (const [pid, e] of entries) {
    if (e.inTransaction || now - e.lastTimestamp < expirationMs) active.set(pid, { lastDataOffset: e.lastDataOffset, producerEpoch: e.producerEpoch });
  }
  return active;
}
