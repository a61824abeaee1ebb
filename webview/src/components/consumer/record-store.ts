/**
 * The consumer panel's memory: a ring of at most `capacity` records (the oldest are dropped), each numbered by a
 * sequence that only grows, and a filtered view (the sequences that match the current filter). Memory is bounded
 * by the capacity and by what the host sends per record (previews of at most maxPreviewBytes).
 */
import type { BytesView, ConsumedRecord } from '../../../../src/shared/webview-protocol';

/** Bytes of a string in UTF-8, without encoding it. */
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/**
 * Drops base64 when the UTF-8 text says exactly the same bytes (bytesOf re-encodes it for the hex view): about
 * half the memory of a text record. Kept when the text could differ (invalid UTF-8, a stripped BOM, truncation).
 */
function compactBytes(v: BytesView | null): BytesView | null {
  if (v && v.utf8 && !v.truncated && v.base64 !== '' && !v.text.includes('\ufffd') && utf8Length(v.text) === v.size) return { ...v, base64: '' };
  return v;
}

export function compactRecord(r: ConsumedRecord): ConsumedRecord {
  return {
    ...r,
    key: compactBytes(r.key),
    value: compactBytes(r.value),
    headers: r.headers.length ? r.headers.map((h) => ({ key: h.key, value: compactBytes(h.value) })) : r.headers,
  };
}

export class RecordStore {
  private buf: Array<ConsumedRecord | undefined>;
  /** Sequence of the oldest record held. */
  private first = 0;
  /** Sequence the next record gets. */
  private next = 0;

  constructor(readonly capacity: number) {
    this.buf = new Array(capacity);
  }

  get size(): number {
    return this.next - this.first;
  }
  get firstSeq(): number {
    return this.first;
  }
  get endSeq(): number {
    return this.next;
  }

  /** Appends; returns how many old records were dropped. */
  push(records: readonly ConsumedRecord[]): number {
    const before = this.first;
    for (const r of records) {
      this.buf[this.next % this.capacity] = compactRecord(r);
      this.next++;
    }
    if (this.next - this.first > this.capacity) {
      const newFirst = this.next - this.capacity;
      this.first = newFirst;
    }
    return this.first - before;
  }

  get(seq: number): ConsumedRecord | undefined {
    if (seq < this.first || seq >= this.next) return undefined;
    return this.buf[seq % this.capacity];
  }

  clear(): void {
    this.buf = new Array(this.capacity);
    this.first = this.next;
  }
}

export type RecordPredicate = (r: ConsumedRecord) => boolean;

/**
 * The rows the list shows: every record (no filter: row i is sequence firstSeq + i, nothing stored) or the
 * matching sequences, in order, kept in a compacting array.
 */
export class RecordView {
  private seqs: number[] = [];
  private head = 0;
  private predicate: RecordPredicate | undefined;

  constructor(private readonly store: RecordStore) {}

  get filtered(): boolean {
    return this.predicate !== undefined;
  }

  get length(): number {
    return this.predicate ? this.seqs.length - this.head : this.store.size;
  }

  seqAt(row: number): number {
    return this.predicate ? this.seqs[this.head + row] : this.store.firstSeq + row;
  }

  /** Row of a sequence, or -1 when it is not shown. */
  rowOf(seq: number): number {
    if (!this.predicate) return seq >= this.store.firstSeq && seq < this.store.endSeq ? seq - this.store.firstSeq : -1;
    let lo = this.head;
    let hi = this.seqs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.seqs[mid];
      if (v === seq) return mid - this.head;
      if (v < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Sets the filter and rebuilds the matching rows. */
  setPredicate(p: RecordPredicate | undefined): void {
    this.predicate = p;
    this.seqs = [];
    this.head = 0;
    if (!p) return;
    for (let s = this.store.firstSeq; s < this.store.endSeq; s++) {
      const r = this.store.get(s);
      if (r && p(r)) this.seqs.push(s);
    }
  }

  /**
   * After store.push: takes in the new sequences [from, store.endSeq) and forgets dropped ones. Returns how many
   * rows fell off the top (so the list can keep what the user looks at still).
   */
  appended(from: number, evicted: number): number {
    if (!this.predicate) return evicted;
    const headBefore = this.head;
    const start = Math.max(from, this.store.firstSeq);
    for (let s = start; s < this.store.endSeq; s++) {
      const r = this.store.get(s);
      if (r && this.predicate(r)) this.seqs.push(s);
    }
    const first = this.store.firstSeq;
    while (this.head < this.seqs.length && this.seqs[this.head] < first) this.head++;
    const dropped = this.head - headBefore;
    if (this.head > 4096 && this.head > this.seqs.length / 2) {
      this.seqs = this.seqs.slice(this.head);
      this.head = 0;
    }
    return dropped;
  }

  /** Forgets every row (after the store was cleared). */
  reset(): void {
    this.seqs = [];
    this.head = 0;
  }
}
