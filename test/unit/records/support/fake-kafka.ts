/**
 * A minimal Kafka broker for tests against real clients (librdkafka via kcat and confluent-kafka-python): one node,
 * one topic, and just enough of ApiVersions, Metadata, Produce, Fetch and InitProducerId for a producer to hand us
 * its record batches and a consumer to read batches we built. It is a test instrument, not the broker: it keeps
 * nothing but what a test asks it to capture or serve.
 *
 * Versions answered: ApiVersions 0-3, Metadata 0-1, Produce 3-7, Fetch 4-11, InitProducerId 0-1.
 * Advertised more widely where librdkafka's feature detection demands it: it enables MsgVer2 only if Produce 3 and
 * Fetch 4 are in range, ZSTD only with Produce 7 and Fetch 10, LZ4 only if FindCoordinator 0 is listed, and the
 * idempotent producer only with InitProducerId 0. So the ranges are Produce 0-7 and Fetch 0-11, and
 * FindCoordinator 0 is listed though never answered.
 */
import * as net from 'node:net';

export const API_PRODUCE = 0;
export const API_FETCH = 1;
export const API_METADATA = 3;
export const API_FIND_COORDINATOR = 10;
export const API_VERSIONS = 18;
export const API_INIT_PRODUCER_ID = 22;

const ADVERTISED: ReadonlyArray<[number, number, number]> = [
  [API_PRODUCE, 0, 7],
  [API_FETCH, 0, 11],
  [API_METADATA, 0, 1],
  [API_FIND_COORDINATOR, 0, 0],
  [API_VERSIONS, 0, 3],
  [API_INIT_PRODUCER_ID, 0, 1],
];

export interface ProducedBatch {
  apiVersion: number;
  transactionalId: string | null;
  acks: number;
  topic: string;
  partition: number;
  /** The request's records field as sent: one or more record batches. */
  records: Buffer;
}

export interface FakeKafkaOptions {
  topic: string;
  partitions?: number;
  /** What Fetch returns per partition: concatenated batches; the high watermark is the offset after the last. */
  fetchData?: Map<number, { records: Buffer; highWatermark: number }>;
  /** The producer id InitProducerId hands out. */
  producerId?: number;
}

/** Big-endian writer for response bodies. */
class Writer {
  private parts: Buffer[] = [];
  int8(v: number): this {
    const b = Buffer.alloc(1);
    b.writeInt8(v);
    return this.push(b);
  }
  int16(v: number): this {
    const b = Buffer.alloc(2);
    b.writeInt16BE(v);
    return this.push(b);
  }
  int32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    return this.push(b);
  }
  int64(v: number): this {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(BigInt(v));
    return this.push(b);
  }
  uvarint(v: number): this {
    const bytes: number[] = [];
    while (v >= 0x80) {
      bytes.push((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    bytes.push(v);
    return this.push(Buffer.from(bytes));
  }
  string(s: string | null): this {
    if (s === null) return this.int16(-1);
    const b = Buffer.from(s, 'utf8');
    return this.int16(b.length).push(b);
  }
  bytes(b: Buffer | null): this {
    if (b === null) return this.int32(-1);
    return this.int32(b.length).push(b);
  }
  push(b: Buffer): this {
    this.parts.push(b);
    return this;
  }
  build(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** Big-endian reader for request bodies. */
class Reader {
  constructor(
    private readonly buf: Buffer,
    public pos = 0,
  ) {}
  int8(): number {
    return this.buf.readInt8((this.pos += 1) - 1);
  }
  int16(): number {
    return this.buf.readInt16BE((this.pos += 2) - 2);
  }
  int32(): number {
    return this.buf.readInt32BE((this.pos += 4) - 4);
  }
  int64(): number {
    return Number(this.buf.readBigInt64BE((this.pos += 8) - 8));
  }
  string(): string | null {
    const n = this.int16();
    if (n < 0) return null;
    return this.buf.toString('utf8', this.pos, (this.pos += n));
  }
  bytes(): Buffer | null {
    const n = this.int32();
    if (n < 0) return null;
    return this.buf.subarray(this.pos, (this.pos += n));
  }
  uvarint(): number {
    let v = 0;
    for (let shift = 0; ; shift += 7) {
      const b = this.buf[this.pos++];
      v |= (b & 0x7f) << shift;
      if (b < 0x80) return v >>> 0;
    }
  }
  skipTaggedFields(): void {
    const n = this.uvarint();
    for (let i = 0; i < n; i++) {
      this.uvarint();
      this.pos += this.uvarint();
    }
  }
}

export class FakeKafkaBroker {
  readonly produced: ProducedBatch[] = [];
  /** [apiKey, apiVersion] of every request, in arrival order. */
  readonly requests: Array<[number, number]> = [];
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private produceWaiters: Array<() => void> = [];
  port = 0;

  constructor(private readonly options: FakeKafkaOptions) {}

  get bootstrap(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = net.createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /** Resolves once at least n produce partitions have arrived. */
  waitForProduced(n: number, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        if (this.produced.length >= n) {
          clearTimeout(timer);
          resolve();
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${n} produced batches, got ${this.produced.length}`)), timeoutMs);
      if (!check()) this.produceWaiters.push(() => void check());
    });
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let pending: Buffer = Buffer.alloc(0);
    // Kafka answers a connection's requests in order; chaining keeps a delayed Fetch from being overtaken.
    let chain = Promise.resolve();
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      while (pending.length >= 4) {
        const size = pending.readInt32BE(0);
        if (pending.length < 4 + size) break;
        const frame = pending.subarray(4, 4 + size);
        pending = pending.subarray(4 + size);
        chain = chain.then(async () => {
          const response = await this.handle(frame);
          if (response === null) {
            socket.destroy();
            return;
          }
          const header = Buffer.alloc(4);
          header.writeInt32BE(response.length);
          if (!socket.destroyed) socket.write(Buffer.concat([header, response]));
        });
      }
    });
  }

  private async handle(frame: Buffer): Promise<Buffer | null> {
    const r = new Reader(frame);
    const apiKey = r.int16();
    const apiVersion = r.int16();
    const correlationId = r.int32();
    r.string(); // client id
    this.requests.push([apiKey, apiVersion]);
    if (apiKey === API_VERSIONS && apiVersion >= 3) r.skipTaggedFields();
    // Every response here uses header v0: ApiVersions always does, and nothing flexible is advertised otherwise.
    const w = new Writer().int32(correlationId);
    switch (apiKey) {
      case API_VERSIONS:
        return this.apiVersions(w, apiVersion).build();
      case API_METADATA:
        if (apiVersion > 1) return null;
        return this.metadata(w, apiVersion).build();
      case API_PRODUCE:
        if (apiVersion < 3 || apiVersion > 7) return null;
        return this.produce(r, w, apiVersion).build();
      case API_FETCH:
        if (apiVersion < 4 || apiVersion > 11) return null;
        return (await this.fetch(r, w, apiVersion)).build();
      case API_INIT_PRODUCER_ID:
        if (apiVersion > 1) return null;
        return w.int32(0).int16(0).int64(this.options.producerId ?? 1000).int16(0).build();
      default:
        return null;
    }
  }

  private apiVersions(w: Writer, version: number): Writer {
    w.int16(0);
    if (version >= 3) {
      w.uvarint(ADVERTISED.length + 1);
      for (const [key, min, max] of ADVERTISED) w.int16(key).int16(min).int16(max).uvarint(0);
      return w.int32(0).uvarint(0);
    }
    w.int32(ADVERTISED.length);
    for (const [key, min, max] of ADVERTISED) w.int16(key).int16(min).int16(max);
    if (version >= 1) w.int32(0);
    return w;
  }

  private metadata(w: Writer, version: number): Writer {
    w.int32(1).int32(1).string('127.0.0.1').int32(this.port);
    if (version >= 1) w.string(null).int32(1); // rack, controller id
    const partitions = this.options.partitions ?? 1;
    w.int32(1).int16(0).string(this.options.topic);
    if (version >= 1) w.int8(0); // is_internal
    w.int32(partitions);
    for (let p = 0; p < partitions; p++) w.int16(0).int32(p).int32(1).int32(1).int32(1).int32(1).int32(1);
    return w;
  }

  private produce(r: Reader, w: Writer, version: number): Writer {
    const transactionalId = r.string();
    const acks = r.int16();
    r.int32(); // timeout
    const topics = r.int32();
    const answers: Array<[string, number[]]> = [];
    for (let t = 0; t < topics; t++) {
      const topic = r.string() ?? '';
      const count = r.int32();
      const parts: number[] = [];
      for (let p = 0; p < count; p++) {
        const partition = r.int32();
        const records = r.bytes();
        parts.push(partition);
        if (records) this.produced.push({ apiVersion: version, transactionalId, acks, topic, partition, records: Buffer.from(records) });
      }
      answers.push([topic, parts]);
    }
    const waiters = this.produceWaiters;
    this.produceWaiters = [];
    for (const wake of waiters) wake();
    w.int32(answers.length);
    for (const [topic, parts] of answers) {
      w.string(topic).int32(parts.length);
      for (const p of parts) {
        w.int32(p).int16(0).int64(0).int64(-1);
        if (version >= 5) w.int64(0);
      }
    }
    return w.int32(0);
  }

  private async fetch(r: Reader, w: Writer, version: number): Promise<Writer> {
    r.int32(); // replica id
    const maxWait = r.int32();
    r.int32(); // min bytes
    r.int32(); // max bytes
    r.int8(); // isolation level
    if (version >= 7) {
      r.int32();
      r.int32();
    }
    const wanted: Array<[string, Array<[number, number]>]> = [];
    const topics = r.int32();
    for (let t = 0; t < topics; t++) {
      const topic = r.string() ?? '';
      const count = r.int32();
      const parts: Array<[number, number]> = [];
      for (let p = 0; p < count; p++) {
        const partition = r.int32();
        if (version >= 9) r.int32(); // current leader epoch
        const offset = r.int64();
        if (version >= 5) r.int64(); // log start offset
        r.int32(); // partition max bytes
        parts.push([partition, offset]);
      }
      wanted.push([topic, parts]);
    }
    let anyData = false;
    const answers = wanted.map(([topic, parts]) => {
      const rows = parts.map(([partition, offset]) => {
        const data = this.options.fetchData?.get(partition);
        const hw = data?.highWatermark ?? 0;
        const records = data && offset < hw ? data.records : Buffer.alloc(0);
        if (records.length) anyData = true;
        return { partition, hw, records };
      });
      return { topic, rows };
    });
    // Like a real broker, hold an empty answer for max wait (capped) so an idle consumer does not spin.
    if (!anyData) await new Promise((resolve) => setTimeout(resolve, Math.min(Math.max(maxWait, 0), 100)));
    w.int32(0);
    if (version >= 7) w.int16(0).int32(0);
    w.int32(answers.length);
    for (const { topic, rows } of answers) {
      w.string(topic).int32(rows.length);
      for (const { partition, hw, records } of rows) {
        w.int32(partition).int16(0).int64(hw).int64(hw);
        if (version >= 5) w.int64(0);
        w.int32(-1); // aborted transactions: null
        if (version >= 11) w.int32(-1); // preferred read replica
        w.bytes(records);
      }
    }
    return w;
  }
}
