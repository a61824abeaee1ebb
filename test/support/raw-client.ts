/**
 * A minimal Kafka client for tests: one TCP connection, requests encoded with the generated codecs, responses
 * decoded and matched to their request by correlation id. No retries, no metadata, no routing: the test decides
 * which node to talk to.
 *
 *   const c = await RawClient.connect(broker.bootstrap);
 *   const md = await c.request(3, 12, { ...defaultMetadataRequestData(), topics: null });
 *   c.close();
 *
 * `rawRequest` encodes a request into a size-prefixed frame without sending it (for tests that mutate frames).
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import { Reader, Writer, readResponseHeader, writeRequestHeader } from '../../src/protocol/codec';
import { getApiCodec, requestHeaderVersion, responseHeaderVersion, type ApiMessageTypes } from '../../src/protocol/messages';

export type ApiKeyNumber = keyof ApiMessageTypes;
export type RequestOf<K extends ApiKeyNumber> = ApiMessageTypes[K]['request'];
export type ResponseOf<K extends ApiKeyNumber> = ApiMessageTypes[K]['response'];

/** The size-prefixed frame of one request. */
export function encodeRequestFrame<K extends ApiKeyNumber>(apiKey: K, version: number, data: RequestOf<K>, correlationId: number, clientId: string | null = 'raw-client'): Buffer {
  const codec = getApiCodec(apiKey);
  if (!codec) throw new Error(`no codec for api key ${apiKey}`);
  const w = new Writer();
  const size = w.beginSizePrefix();
  writeRequestHeader(w, requestHeaderVersion(apiKey, version), { apiKey, apiVersion: version, correlationId, clientId });
  codec.encodeRequest(w, version, data);
  w.endSizePrefix(size);
  return w.toBuffer();
}

/** Decodes a response frame (without its 4-byte size) of `apiKey`/`version`. */
export function decodeResponseFrame<K extends ApiKeyNumber>(apiKey: K, version: number, frame: Buffer): { correlationId: number; response: ResponseOf<K> } {
  const r = new Reader(frame);
  const header = readResponseHeader(r, responseHeaderVersion(apiKey, version));
  const response = getApiCodec(apiKey)!.decodeResponse(r, version) as ResponseOf<K>;
  return { correlationId: header.correlationId, response };
}

interface Waiter {
  apiKey: number;
  version: number;
  resolve: (frame: Buffer) => void;
  reject: (e: Error) => void;
  timer?: NodeJS.Timeout;
}

export class RawClient {
  private nextCorrelationId = 1;
  private readonly waiters = new Map<number, Waiter>();
  private buffered: Buffer = Buffer.alloc(0);
  private closedError: Error | undefined;
  /** Resolves when the connection closes (either side). */
  readonly closed: Promise<void>;

  private constructor(readonly socket: net.Socket, readonly timeoutMs: number) {
    let resolveClosed!: () => void;
    this.closed = new Promise((r) => (resolveClosed = r));
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('error', (e) => this.fail(e));
    socket.on('close', () => {
      this.fail(new Error('connection closed by the broker'));
      resolveClosed();
    });
  }

  /** Connects to `address` ("host:port", or a bootstrap list: its first entry); over TLS when `tls` is given. */
  static connect(address: string, opts: { timeoutMs?: number; tls?: tls.ConnectionOptions } = {}): Promise<RawClient> {
    const first = address.split(',')[0];
    const i = first.lastIndexOf(':');
    const host = first.slice(0, i);
    const port = Number(first.slice(i + 1));
    return new Promise((resolve, reject) => {
      const socket = opts.tls ? tls.connect({ host, port, ...opts.tls }) : net.connect({ host, port });
      const onError = (e: Error) => reject(e);
      socket.once('error', onError);
      socket.once(opts.tls ? 'secureConnect' : 'connect', () => {
        socket.off('error', onError);
        resolve(new RawClient(socket, opts.timeoutMs ?? 10000));
      });
    });
  }

  get isClosed(): boolean {
    return this.closedError !== undefined;
  }

  /** Sends one request and resolves with its decoded response. */
  async request<K extends ApiKeyNumber>(apiKey: K, version: number, data: RequestOf<K>, opts: { clientId?: string | null; timeoutMs?: number } = {}): Promise<ResponseOf<K>> {
    const correlationId = this.nextCorrelationId++;
    const frame = encodeRequestFrame(apiKey, version, data, correlationId, opts.clientId === undefined ? 'raw-client' : opts.clientId);
    const response = this.expect(correlationId, apiKey, version, opts.timeoutMs);
    this.socket.write(frame);
    const body = await response;
    return decodeResponseFrame(apiKey, version, body).response;
  }

  /** Sends a request that gets no response (Produce with acks=0). */
  send<K extends ApiKeyNumber>(apiKey: K, version: number, data: RequestOf<K>): void {
    if (this.closedError) throw this.closedError;
    this.socket.write(encodeRequestFrame(apiKey, version, data, this.nextCorrelationId++));
  }

  /** Writes raw bytes (a hand-made or mutated frame) to the socket. */
  writeRaw(bytes: Buffer): void {
    if (!this.closedError) this.socket.write(bytes);
  }

  /** Resolves with the raw body (header included, size excluded) of the response with `correlationId`. */
  expect(correlationId: number, apiKey: number, version: number, timeoutMs = this.timeoutMs): Promise<Buffer> {
    if (this.closedError) return Promise.reject(this.closedError);
    return new Promise((resolve, reject) => {
      const w: Waiter = { apiKey, version, resolve, reject };
      w.timer = setTimeout(() => {
        this.waiters.delete(correlationId);
        reject(new Error(`no response to api key ${apiKey} v${version} (correlation id ${correlationId}) within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.set(correlationId, w);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private fail(e: Error): void {
    if (!this.closedError) this.closedError = e;
    for (const [id, w] of this.waiters) {
      clearTimeout(w.timer);
      w.reject(e);
      this.waiters.delete(id);
    }
  }

  private onData(d: Buffer): void {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, d]) : d;
    while (this.buffered.length >= 4) {
      const size = this.buffered.readInt32BE(0);
      if (this.buffered.length < 4 + size) return;
      const frame = this.buffered.subarray(4, 4 + size);
      this.buffered = this.buffered.subarray(4 + size);
      const correlationId = frame.readInt32BE(0);
      const w = this.waiters.get(correlationId);
      if (!w) {
        this.fail(new Error(`response with unexpected correlation id ${correlationId}`));
        this.socket.destroy();
        return;
      }
      this.waiters.delete(correlationId);
      clearTimeout(w.timer);
      w.resolve(Buffer.from(frame));
    }
  }
}

/** Connects, sends one request, awaits its response and disconnects. */
export async function sendRequest<K extends ApiKeyNumber>(address: string, apiKey: K, version: number, data: RequestOf<K>): Promise<ResponseOf<K>> {
  const c = await RawClient.connect(address);
  try {
    return await c.request(apiKey, version, data);
  } finally {
    c.close();
  }
}
