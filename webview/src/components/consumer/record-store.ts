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
 * The rows the list shows: every record in arrival order (no filter: row i is sequence firstSeq + i, nothing
 * stored), or an explicit list of sequences: the matching ones when filtered, and sorted by timestamp (then
 * partition, offset) across partitions when asked. Arrival order keeps its list compacting from the front; time
 * order merges each batch in (a batch of mostly newer records costs its own sort and an append).
 */
export class RecordView {
  private seqs: number[] = [];
  private head = 0;
  private predicate: RecordPredicate | undefined;
  private byTime = false;

  constructor(private readonly store: RecordStore) {}

  get filtered(): boolean {
    return this.predicate !== undefined;
  }

  get timeOrder(): boolean {
    return this.byTime;
  }

  /** The rows are an explicit list (filtered or sorted), not the store itself. */
  private get listed(): boolean {
    return this.predicate !== undefined || this.byTime;
  }

  get length(): number {
    return this.listed ? this.seqs.length - this.head : this.store.size;
  }

  seqAt(row: number): number {
    return this.listed ? this.seqs[this.head + row] : this.store.firstSeq + row;
  }

  /** Timestamp, partition, offset, then arrival: a total order of the records held. */
  private compare = (a: number, b: number): number => {
    const ra = this.store.get(a)!;
    const rb = this.store.get(b)!;
    return ra.timestamp - rb.timestamp || ra.partition - rb.partition || ra.offset - rb.offset || a - b;
  };

  /** Row of a sequence, or -1 when it is not shown. */
  rowOf(seq: number): number {
    if (!this.listed) return seq >= this.store.firstSeq && seq < this.store.endSeq ? seq - this.store.firstSeq : -1;
    if (!this.store.get(seq)) return -1;
    const cmp = this.byTime ? this.compare : (a: number, b: number) => a - b;
    let lo = this.head;
    let hi = this.seqs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = cmp(this.seqs[mid], seq);
      if (c === 0) return mid - this.head;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Sets the filter and rebuilds the rows. */
  setPredicate(p: RecordPredicate | undefined): void {
    this.predicate = p;
    this.rebuild();
  }

  /** Timestamp order across partitions (true) or arrival order (false); rebuilds the rows. */
  setTimeOrder(on: boolean): void {
    this.byTime = on;
    this.rebuild();
  }

  private rebuild(): void {
    this.seqs = [];
    this.head = 0;
    if (!this.listed) return;
    const p = this.predicate;
    for (let s = this.store.firstSeq; s < this.store.endSeq; s++) {
      const r = this.store.get(s);
      if (r && (!p || p(r))) this.seqs.push(s);
    }
    if (this.byTime) this.seqs.sort(this.compare);
  }

  /**
   * After store.push: takes in the new sequences [from, store.endSeq) and forgets dropped ones. Returns how many
   * rows went (so the list can keep what the user looks at still).
   */
  appended(from: number, evicted: number): number {
    if (!this.listed) return evicted;
    const added: number[] = [];
    const start = Math.max(from, this.store.firstSeq);
    for (let s = start; s < this.store.endSeq; s++) {
      const r = this.store.get(s);
      if (r && (!this.predicate || this.predicate(r))) added.push(s);
    }
    const first = this.store.firstSeq;
    if (this.byTime) {
      let dropped = 0;
      if (evicted) {
        const before = this.seqs.length;
        this.seqs = this.seqs.filter((s) => s >= first);
        dropped = before - this.seqs.length;
      }
      this.merge(added);
      return dropped;
    }
    for (const s of added) this.seqs.push(s);
    const headBefore = this.head;
    while (this.head < this.seqs.length && this.seqs[this.head] < first) this.head++;
    const dropped = this.head - headBefore;
    if (this.head > 4096 && this.head > this.seqs.length / 2) {
      this.seqs = this.seqs.slice(this.head);
      this.head = 0;
    }
    return dropped;
  }

  /** Merges sequences into the time-ordered list. */
  private merge(added: number[]): void {
    if (!added.length) return;
    added.sort(this.compare);
    const seqs = this.seqs;
    if (!seqs.length || this.compare(seqs[seqs.length - 1], added[0]) <= 0) {
      for (const s of added) seqs.push(s);
      return;
    }
    const out = new Array<number>(seqs.length + added.length);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < seqs.length && j < added.length) out[k++] = this.compare(seqs[i], added[j]) <= 0 ? seqs[i++] : added[j++];
    while (i < seqs.length) out[k++] = seqs[i++];
    while (j < added.length) out[k++] = added[j++];
    this.seqs = out;
  }

  /** Forgets every row (after the store was cleared). */
  reset(): void {
    this.seqs = [];
    this.head = 0;
  }
}
