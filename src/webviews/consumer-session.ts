/**
 * The consumer panel's live tail, without VS Code: BrokerApi.consume polled per partition from the chosen start,
 * the records turned into the protocol's ConsumedRecords (keys, values and header values as BytesViews capped at
 * `maxPreviewBytes`) and pushed as `consumer/records` notifications:
 *
 * - throttled: queued records go out at once after a quiet spell, then at most every `flushMs`, in messages of at most `maxPerMessage` records (and about
 *   `maxMessageBytes`), each post awaited, and fetching stops while `maxQueued` records (or `maxQueuedBytes`) wait,
 *   so a slow webview slows the fetching, not memory; a consume asks for fewer records when they are large, so one
 *   answer stays near `maxFetchBytes`;
 * - live: a partition that is caught up (next offset = high watermark) is fetched again when a `partitionsAppended`
 *   event says it grew, and, from a source that raises no events (an external cluster), every `pollMs`; partitions
 *   added to the topic are followed
 *   from their start when the subscription covers every partition;
 * - in offset order per partition (one fetch at a time per partition, one FIFO queue);
 * - one subscription at a time: a new subscribe replaces the old one, whose records are never pushed again; pause
 *   keeps the positions; a partition that fails (leader moving, node down) is retried every `retryMs` with the
 *   status saying why; an offset that left the log (retention, truncation) moves to the log start or end;
 * - bounded when asked: after `stopAfter` records, or, reading forward from a point (earliest, an offset, a time),
 *   once the panel's buffer (`maxRecords`) is full, it stops fetching, pushes what it holds and says why (status
 *   stopped with a ConsumerStop), so the panel keeps the first records rather than the last.
 */
import type { BrokerApi, BrokerEvent, ConsumedRecord as ApiRecord, OffsetSpec } from '../broker/api';
import { KafkaError } from '../broker/errors';
import { kafkaErrorOf } from '../broker/rpc';
import { bytesView } from '../broker/segment-dump';
import {
  CONSUMER_MAX_RECORDS,
  keepsFirst,
  type BytesView,
  type ConsumedRecord,
  type ConsumerStatus,
  type ConsumerStop,
  type StartPosition,
  type SubscribeParams,
  type SubscribeResult,
} from '../shared/webview-protocol';
import { decodeField } from '../schemas/decoded-view';
import type { SchemaSerde } from '../schemas/schema-serde';
import { BrokerSource, InvalidRequestError, int, obj, optInt, str } from './panel-router';

interface ConsumerSink {
  /** Posts a batch of records; a returned promise is awaited before the next batch (backpressure). */
  records(subscriptionId: number, records: ConsumedRecord[]): unknown;
  status(status: ConsumerStatus, message?: string, stopped?: ConsumerStop): void;
}

/** The most records `lastN` may ask of each partition. */
const MAX_LAST_N = 1_000_000;

export interface ConsumerSessionOptions {
  /** Records the panel keeps (its buffer): a read that keepsFirst stops there. Default CONSUMER_MAX_RECORDS. */
  maxRecords?: number;
  /** Bytes of each key, value and header value sent to the webview (the rest via openValue). Default 64 KiB. */
  maxPreviewBytes?: number;
  /** Records asked of one consume call. Default 500. */
  fetchRecords?: number;
  /** Records per `consumer/records` message. Default 2,000. */
  maxPerMessage?: number;
  /** While records keep coming, queued ones are posted at most this often (batches them). Default 50 ms. */
  flushMs?: number;
  /** Caught-up partitions are fetched again this often, from a source that raises no events. Default 2 s. */
  pollMs?: number;
  /** Fetching waits while this many records are queued. Default 10,000. */
  maxQueued?: number;
  /** ... or while this many bytes of previews are queued. Default 64 MiB. */
  maxQueuedBytes?: number;
  /** A message holds fewer than maxPerMessage records when their previews pass this many bytes. Default 8 MiB. */
  maxMessageBytes?: number;
  /** A consume asks for fewer than fetchRecords records when the partition's records are this large together. Default 16 MiB. */
  maxFetchBytes?: number;
  /** A failing partition is retried after this long. Default 1 s. */
  retryMs?: number;
}

/** Records asked of a partition's first consume, before their size is known. */
const FIRST_FETCH_RECORDS = 100;

const CONSUMER_DEFAULTS: Required<ConsumerSessionOptions> = {
  maxRecords: CONSUMER_MAX_RECORDS,
  maxPreviewBytes: 64 * 1024,
  fetchRecords: 500,
  maxPerMessage: 2000,
  flushMs: 50,
  pollMs: 2000,
  maxQueued: 10_000,
  maxQueuedBytes: 64 << 20,
  maxMessageBytes: 8 << 20,
  maxFetchBytes: 16 << 20,
  retryMs: 1000,
};

// -- records --------------------------------------------------------------------------------------------------------

function base64Size(b64: string): number {
  const pad = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0;
  return (b64.length / 4) * 3 - pad;
}

/** A BytesView of base64 bytes, decoding only the preview of a large value. */
export function viewOfBase64(b64: string, maxPreviewBytes: number): BytesView {
  const size = base64Size(b64);
  if (size <= maxPreviewBytes) return bytesView(Buffer.from(b64, 'base64'), maxPreviewBytes)!;
  // One byte more than the preview, so bytesView sees the cut (and a character split by it).
  const prefix = Buffer.from(b64.slice(0, Math.ceil((maxPreviewBytes + 1) / 3) * 4), 'base64');
  return { ...bytesView(prefix, maxPreviewBytes)!, size, truncated: true };
}

/** About the bytes a record takes in a message: its previews as base64 and text. */
export function recordWeight(r: ConsumedRecord): number {
  const v = (b: BytesView | null) => (b ? b.base64.length + b.text.length : 0);
  let n = 200 + v(r.key) + v(r.value);
  for (const h of r.headers) n += h.key.length + v(h.value);
  return n;
}

/** Bytes of a broker record's fields as they came over the RPC (base64). */
function apiRecordBytes(r: ApiRecord): number {
  let n = (r.key?.base64.length ?? 0) + (r.value?.base64.length ?? 0);
  for (const h of r.headers) n += h.key.length + (h.value?.base64.length ?? 0);
  return n;
}

/** A broker record as the consumer panel shows it (`fields`: its key and value, when they are made elsewhere). */
function consumedRecord(topic: string, r: ApiRecord, maxPreviewBytes: number, fields?: Pick<ConsumedRecord, 'key' | 'value'>): ConsumedRecord {
  return {
    topic,
    partition: r.partition,
    offset: r.offset,
    timestamp: r.timestamp,
    timestampType: r.timestampType,
    leaderEpoch: r.leaderEpoch,
    key: fields ? fields.key : r.key === null ? null : viewOfBase64(r.key.base64, maxPreviewBytes),
    value: fields ? fields.value : r.value === null ? null : viewOfBase64(r.value.base64, maxPreviewBytes),
    headers: r.headers.map((h) => ({ key: h.key, value: h.value === null ? null : viewOfBase64(h.value.base64, maxPreviewBytes) })),
    size: r.size,
  };
}

/** Base64 whose first byte is 0 starts with "A": most values are skipped without decoding their base64. */
function mayBeWireFormat(b64: string): boolean {
  return b64.charCodeAt(0) === 65 && b64.length >= 8;
}

/**
 * A record with its key and value decoded through the registry when they are in the schema wire format; no promise
 * when their schemas are cached, so a stream of records costs no extra turn of the event loop each.
 */
function decodedRecord(serde: SchemaSerde, topic: string, r: ApiRecord, maxPreviewBytes: number): ConsumedRecord | Promise<ConsumedRecord> {
  const field = (f: ApiRecord['key'], isKey: boolean): BytesView | null | Promise<BytesView> => {
    if (f === null) return null;
    if (!mayBeWireFormat(f.base64)) return viewOfBase64(f.base64, maxPreviewBytes);
    const bytes = Buffer.from(f.base64, 'base64');
    return decodeField(serde, bytes, { topic, isKey }, (withText) => (withText ? viewOfBase64(f.base64, maxPreviewBytes) : rawView(bytes, f.base64, maxPreviewBytes)));
  };
  const key = field(r.key, true);
  const value = field(r.value, false);
  if (key instanceof Promise || value instanceof Promise) return Promise.all([key, value]).then(([k, v]) => consumedRecord(topic, r, maxPreviewBytes, { key: k, value: v }));
  return consumedRecord(topic, r, maxPreviewBytes, { key, value });
}

/** A field's bytes without their text (a decoded value's text is its JSON). */
function rawView(bytes: Buffer, b64: string, maxPreviewBytes: number): BytesView {
  const cut = bytes.length > maxPreviewBytes;
  return { size: bytes.length, base64: cut ? bytes.subarray(0, maxPreviewBytes).toString('base64') : b64, text: '', utf8: true, truncated: cut };
}

/** The whole record at an offset (openValue, reproduce); fails when retention or compaction removed it. */
export async function fetchRecord(api: BrokerApi, topic: string, partition: number, offset: number): Promise<ApiRecord> {
  const res = await api.consume({ topic, partition, from: { kind: 'offset', offset }, maxRecords: 1 });
  const r = res.records[0];
  if (!r || r.offset !== offset) {
    throw new KafkaError('OFFSET_OUT_OF_RANGE', `There is no record at offset ${offset} of ${topic}-${partition} any more (the log now holds offsets ${res.logStartOffset} to ${res.highWatermark - 1}).`);
  }
  return r;
}

/** Checks a start position from the webview. */
function startPosition(v: unknown): StartPosition {
  const s = obj(v, 'start');
  switch (s.kind) {
    case 'lastN':
      return { kind: 'lastN', count: int(s.count, 'start count', 1, MAX_LAST_N) };
    case 'earliest':
    case 'latest':
      return { kind: s.kind };
    case 'offset':
      return { kind: 'offset', offset: int(s.offset, 'start offset', 0) };
    case 'timestamp':
      return { kind: 'timestamp', timestamp: int(s.timestamp, 'start timestamp') };
    default:
      throw new InvalidRequestError(`Unknown start position ${JSON.stringify(s.kind)}`);
  }
}

// -- the session ------------------------------------------------------------------------------------------------------

interface Cursor {
  partition: number;
  /** Next offset to fetch (-1 until the start is resolved). */
  next: number;
  /** Last known high watermark (-1: unknown). */
  hw: number;
  /** Average size of this partition's records in the last fetch (0: not known yet). */
  avgBytes?: number;
  /** Where to start when the first fetch failed (resolved on the next successful one). */
  start?: OffsetSpec;
  error?: string;
}

class Subscription {
  readonly cursors = new Map<number, Cursor>();
  readonly queue: Array<{ record: ConsumedRecord; weight: number }> = [];
  queuedBytes = 0;
  paused = false;
  stopped = false;
  /** Records it may still take (stopAfter, or the panel's buffer); Infinity: no bound. */
  remaining: number;
  /** The bound was reached: nothing more is fetched; what is queued is still pushed, then it stops. */
  finishing = false;
  /** Enqueues still decoding what they took of `remaining`: the bound is not reached until they have queued it. */
  decoding = 0;
  /** Fetch every partition on the next round, caught up or not. */
  poll = false;
  private wakeUp: (() => void) | undefined;

  constructor(
    readonly id: number,
    readonly topic: string,
    /** Follows every partition, including ones added later. */
    readonly all: boolean,
    /** Why it stops by itself, and after how many records (undefined: it does not). */
    readonly bound?: ConsumerStop,
  ) {
    this.remaining = bound ? bound.records : Infinity;
  }

  /** Waits ms (Infinity: until woken), or until woken; resolves true when woken. */
  sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const t =
        ms === Infinity
          ? undefined
          : setTimeout(() => {
              this.wakeUp = undefined;
              resolve(false);
            }, ms);
      this.wakeUp = () => {
        clearTimeout(t);
        this.wakeUp = undefined;
        resolve(true);
      };
    });
  }

  wake(): void {
    this.wakeUp?.();
  }
}

export class ConsumerSession {
  private sub: Subscription | undefined;
  private lastId = 0;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private flushing = false;
  private disposed = false;
  readonly options: Required<ConsumerSessionOptions>;

  constructor(
    private readonly broker: BrokerSource,
    private readonly sink: ConsumerSink,
    options: ConsumerSessionOptions = {},
  ) {
    this.options = { ...CONSUMER_DEFAULTS, ...options };
  }

  /** The current subscription's id (0 before the first). */
  get subscriptionId(): number {
    return this.sub?.id ?? 0;
  }

  get state(): 'idle' | 'running' | 'paused' {
    return !this.sub ? 'idle' : this.sub.paused ? 'paused' : 'running';
  }

  /** Replaces any previous subscription; resolves once every partition's start is known (or failed). */
  async subscribe(params: SubscribeParams): Promise<SubscribeResult> {
    const p = obj(params, 'subscribe');
    const topic = str(p.topic, 'topic');
    const start = startPosition(p.start);
    if (p.partitions !== null && p.partitions !== undefined && !Array.isArray(p.partitions)) throw new InvalidRequestError('partitions must be a list or null');
    const wanted = Array.isArray(p.partitions) ? [...new Set(p.partitions.map((x, i) => int(x, `partitions[${i}]`, 0)))] : null;
    const stopAfter = optInt(p.stopAfter, 'stopAfter', 1);
    const buffer = keepsFirst(start) ? this.options.maxRecords : Infinity;
    const bound: ConsumerStop | undefined =
      stopAfter !== undefined && stopAfter <= buffer ? { records: stopAfter, reason: 'stopAfter' } : buffer < Infinity ? { records: buffer, reason: 'buffer' } : undefined;
    this.stop();
    const sub = new Subscription(++this.lastId, topic, wanted === null, bound);
    this.sub = sub;

    try {
      return await this.start(sub, topic, wanted, start);
    } catch (e) {
      if (this.sub === sub) this.sub = undefined;
      throw e;
    }
  }

  private async start(sub: Subscription, topic: string, wanted: number[] | null, start: StartPosition): Promise<SubscribeResult> {
    const api = await this.broker.api();
    const count = (await api.describeTopic(topic)).partitions.length;
    for (const q of wanted ?? []) if (q >= count) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Topic '${topic}' has partitions 0 to ${count - 1}, not ${q}.`);
    const partitions = (wanted ?? Array.from({ length: count }, (_, i) => i)).sort((a, b) => a - b);
    const from = offsetSpec(start);
    const first = await Promise.all(
      partitions.map(async (partition) => {
        try {
          return { partition, res: await api.consume({ topic, partition, from, maxRecords: this.fetchSize(sub, undefined) }) };
        } catch (e) {
          return { partition, error: e };
        }
      }),
    );
    const failed = first.filter((f) => f.error !== undefined);
    if (failed.length === first.length && failed.length > 0) throw failed[0].error;
    const result: SubscribeResult = { subscriptionId: sub.id, partitions: [] };
    for (const f of first) {
      if (f.res) {
        const recs = f.res.records;
        const avgBytes = recs.length ? recs.reduce((n, r) => n + apiRecordBytes(r), 0) / recs.length : undefined;
        sub.cursors.set(f.partition, { partition: f.partition, next: f.res.nextOffset, hw: f.res.highWatermark, avgBytes });
        result.partitions.push({ partition: f.partition, startOffset: f.res.startOffset, endOffset: f.res.highWatermark });
      } else {
        const error = (f.error as Error)?.message ?? String(f.error);
        sub.cursors.set(f.partition, { partition: f.partition, next: -1, hw: -1, start: from, error });
        result.partitions.push({ partition: f.partition, startOffset: -1, endOffset: -1 });
      }
    }
    if (this.sub !== sub || sub.stopped) return result; // replaced meanwhile: its records are never pushed
    for (const f of first) if (f.res) await this.enqueue(sub, f.res.records);
    if (failed.length) this.sink.status('error', failed.map((f) => `partition ${f.partition}: ${(f.error as Error)?.message ?? String(f.error)}`).join('; '));
    else this.sink.status('running');
    void this.run(sub);
    return result;
  }

  pause(paused: boolean): void {
    const sub = this.sub;
    if (!sub || sub.stopped || sub.paused === paused) return;
    sub.paused = paused;
    this.sink.status(paused ? 'paused' : 'running');
    if (!paused) {
      sub.poll = true;
      sub.wake();
    }
  }

  /** Stops fetching; nothing more of this subscription is pushed. */
  unsubscribe(): void {
    if (!this.sub) return;
    this.stop();
    this.sink.status('stopped');
  }

  private stop(): void {
    const sub = this.sub;
    this.sub = undefined;
    if (!sub) return;
    sub.stopped = true;
    sub.queue.length = 0;
    sub.queuedBytes = 0;
    sub.wake();
  }

  /** Broker events: appends wake caught-up partitions, new partitions are followed, a deleted topic ends it. */
  onEvent(e: BrokerEvent): void {
    const sub = this.sub;
    if (!sub || sub.stopped) return;
    if (e.type === 'partitionsAppended') {
      let grew = false;
      for (const p of e.partitions) {
        if (p.topic !== sub.topic) continue;
        const c = sub.cursors.get(p.partition);
        if (!c) continue;
        c.hw = Math.max(c.hw, p.highWatermark);
        if (c.next < c.hw || p.highWatermark < c.next) grew = true;
        if (p.highWatermark < c.next || p.logStartOffset > c.next) sub.poll = true; // truncated or trimmed
      }
      if (grew || sub.poll) sub.wake();
    } else if (e.type === 'topicChanged' && e.topic === sub.topic && sub.all) {
      for (let partition = 0; partition < e.partitions; partition++) {
        if (!sub.cursors.has(partition)) sub.cursors.set(partition, { partition, next: -1, hw: -1, start: { kind: 'earliest' } });
      }
      sub.wake();
    } else if (e.type === 'topicDeleted' && e.topic === sub.topic) {
      this.stop();
      this.sink.status('error', `The topic ${e.topic} was deleted.`);
    }
  }

  private async run(sub: Subscription): Promise<void> {
    const o = this.options;
    while (!sub.stopped && !sub.finishing) {
      if (sub.paused || this.full(sub)) {
        await sub.sleep(o.pollMs);
        continue;
      }
      const poll = sub.poll;
      sub.poll = false;
      let fetched = false;
      let recovered = false;
      const errors: string[] = [];
      for (const c of [...sub.cursors.values()]) {
        if (sub.stopped || sub.finishing || sub.paused || this.full(sub)) break;
        if (!poll && c.start === undefined && c.error === undefined && c.hw >= 0 && c.next >= c.hw) continue;
        try {
          const api = await this.broker.api();
          const res = await api.consume({ topic: sub.topic, partition: c.partition, from: c.start ?? { kind: 'offset', offset: c.next }, maxRecords: this.fetchSize(sub, c) });
          if (sub.stopped || sub.finishing) return;
          c.start = undefined;
          c.hw = res.highWatermark;
          c.next = res.nextOffset;
          if (c.error !== undefined) {
            c.error = undefined;
            recovered = true;
          }
          if (res.records.length) {
            fetched = true;
            c.avgBytes = res.records.reduce((n, r) => n + apiRecordBytes(r), 0) / res.records.length;
            await this.enqueue(sub, res.records);
          }
        } catch (e) {
          if (sub.stopped) return;
          const code = kafkaErrorOf(e);
          if (code === 'UNKNOWN_TOPIC_OR_PARTITION') {
            this.stop();
            this.sink.status('error', (e as Error).message);
            return;
          }
          if (code === 'OFFSET_OUT_OF_RANGE' && c.start === undefined && (await this.resetCursor(sub, c))) continue;
          c.error = (e as Error)?.message ?? String(e);
          errors.push(`partition ${c.partition}: ${c.error}`);
        }
      }
      if (sub.stopped || sub.finishing) return;
      if (errors.length) {
        this.sink.status('error', `${errors.join('; ')} (retrying)`);
        await sub.sleep(o.retryMs);
        continue;
      }
      if (recovered && !sub.paused) this.sink.status('running');
      // A source that reports every append (the embedded broker) wakes caught-up partitions itself; another is asked.
      if (!fetched && !(await sub.sleep(this.broker.raisesEvents?.() ? Infinity : o.pollMs))) sub.poll = true;
    }
  }

  /** The position left the log: continue at the log start (it was trimmed) or at the high watermark (truncated). */
  private async resetCursor(sub: Subscription, c: Cursor): Promise<boolean> {
    try {
      const api = await this.broker.api();
      const res = await api.consume({ topic: sub.topic, partition: c.partition, from: { kind: 'earliest' }, maxRecords: 1 });
      if (sub.stopped) return true;
      const to = c.next < res.logStartOffset ? res.logStartOffset : res.highWatermark;
      this.sink.status('running', `partition ${c.partition}: offset ${c.next} is no longer in the log; continuing at ${to}`);
      c.next = to;
      c.hw = res.highWatermark;
      return true;
    } catch {
      return false;
    }
  }

  private full(sub: Subscription): boolean {
    return sub.queue.length >= this.options.maxQueued || sub.queuedBytes >= this.options.maxQueuedBytes;
  }

  /**
   * Records to ask of one consume: fewer when the partition's records are large; a partition whose records are
   * not known yet starts with a few (a record can be as large as max.message.bytes).
   */
  private fetchSize(sub: Subscription, c: Cursor | undefined): number {
    const o = this.options;
    const n = !c?.avgBytes ? Math.min(o.fetchRecords, FIRST_FETCH_RECORDS) : Math.max(1, Math.min(o.fetchRecords, Math.floor(o.maxFetchBytes / c.avgBytes)));
    return Math.max(1, Math.min(n, sub.remaining));
  }

  /**
   * Queues what was read, up to the subscription's bound; reaching it ends the fetching. Keys and values in the
   * schema wire format are decoded first (awaiting the registry only for a schema not seen yet).
   */
  private async enqueue(sub: Subscription, records: readonly ApiRecord[]): Promise<void> {
    if (sub.finishing) return;
    const max = this.options.maxPreviewBytes;
    const n = Math.min(records.length, sub.remaining);
    // Taken before any await, so partitions enqueueing at once never pass the bound together; `finishing` waits for
    // the records to be queued, or a flush meanwhile would end the subscription without them.
    sub.remaining -= n;
    sub.decoding++;
    const decoded: ConsumedRecord[] = [];
    try {
      const serde = this.broker.schemas ? await this.broker.schemas().catch(() => undefined) : undefined;
      for (let k = 0; k < n; k++) {
        const d = serde ? decodedRecord(serde, sub.topic, records[k], max) : consumedRecord(sub.topic, records[k], max);
        decoded.push(d instanceof Promise ? await d : d);
      }
    } finally {
      sub.decoding--;
    }
    if (sub.stopped) return;
    for (const record of decoded) {
      const weight = recordWeight(record);
      sub.queue.push({ record, weight });
      sub.queuedBytes += weight;
    }
    if (sub.remaining <= 0 && sub.decoding === 0 && !sub.finishing) {
      sub.finishing = true;
      sub.wake();
    }
    this.scheduleFlush();
  }

  /** The bound was reached and everything queued was pushed: the subscription ends, saying why. */
  private finish(sub: Subscription): void {
    if (sub.stopped || !sub.bound) return;
    sub.stopped = true;
    if (this.sub === sub) this.sub = undefined;
    const { records, reason } = sub.bound;
    const n = records.toLocaleString('en-US');
    this.sink.status(
      'stopped',
      reason === 'stopAfter' ? `Stopped after ${n} records, as asked.` : `Read the first ${n} records, as many as the panel keeps; stopped reading.`,
      sub.bound,
    );
  }

  /** The next message's records: up to maxPerMessage, fewer past maxMessageBytes (never none). */
  private take(sub: Subscription): ConsumedRecord[] {
    const o = this.options;
    let n = 0;
    let bytes = 0;
    while (n < sub.queue.length && n < o.maxPerMessage && (n === 0 || bytes + sub.queue[n].weight <= o.maxMessageBytes)) bytes += sub.queue[n++].weight;
    sub.queuedBytes -= bytes;
    return sub.queue.splice(0, n).map((q) => q.record);
  }

  /** Records after a quiet spell go out at once; while they keep coming, once per flushMs, in large messages. */
  private scheduleFlush(): void {
    if (this.flushTimer || this.flushing || this.disposed) return;
    const wait = Math.max(0, this.lastFlush + this.options.flushMs - performance.now());
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      void this.flush();
    }, wait);
  }

  private lastFlush = -Infinity;

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    this.lastFlush = performance.now();
    try {
      for (;;) {
        const sub = this.sub;
        if (!sub || sub.stopped || sub.queue.length === 0 || this.disposed) break;
        await this.sink.records(sub.id, this.take(sub));
        if (!this.full(sub)) sub.wake();
      }
    } catch {
      // the webview is gone; its panel disposes the session
    } finally {
      this.flushing = false;
    }
    const sub = this.sub;
    if (sub && sub.queue.length) this.scheduleFlush();
    else if (sub && sub.finishing && !this.disposed) this.finish(sub);
  }

  dispose(): void {
    this.disposed = true;
    this.stop();
    clearTimeout(this.flushTimer);
  }
}

function offsetSpec(start: StartPosition): OffsetSpec {
  switch (start.kind) {
    case 'lastN':
      return { kind: 'fromEnd', count: start.count };
    case 'offset':
      return { kind: 'offset', offset: start.offset };
    case 'timestamp':
      return { kind: 'timestamp', timestamp: start.timestamp };
    default:
      return { kind: start.kind };
  }
}
