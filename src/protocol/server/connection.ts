/**
 * One client connection (TCP, or TLS on SSL listeners): size-prefixed frames in, responses out in request order.
 * As Kafka mutes a connection while its request is being handled, at most `maxInFlight` requests of a connection are
 * handled at once (Kafka: one), and none is taken while the client leaves its answers unread: what a connection holds
 * is bounded by that, whatever it sends in one write, and released when it closes. Bad input (a frame over
 * socket.request.max.bytes, an unknown API key, an undecodable request) is logged and closes this connection only;
 * nothing is allocated from an unchecked length.
 * On a SASL listener the connection's SaslAuthenticator decides which requests may come before authentication.
 */
import * as net from 'node:net';
import { Reader, Writer, readRequestHeader, writeResponseHeader, ProtocolDecodeError, type RequestHeader } from '../codec';
import { codecRequestHeaderVersion, codecResponseHeaderVersion } from '../messages/api-codec';
import type { ApiHandler, RequestContext, ServerView } from './handler';
import { apiVersionsErrorResponse } from './handlers/18-api-versions';
import { SERVED_CODECS } from './handlers';
import type { SaslAuthenticator } from './sasl-authenticator';
import { ANONYMOUS_PRINCIPAL } from '../../broker/security/listener-security';
import type { QuotaManagers } from '../../broker/quota/quota-managers';
import { throttleTimeOf } from './request-throttle';

interface Pending {
  done: boolean;
  /** undefined: no response is sent (acks=0). */
  chunks?: Buffer[];
}

interface ConnectionOptions {
  maxRequestBytes: number;
  idleMs: number;
  /** Requests handled at once; further frames wait, unread, until one is answered (Kafka mutes the connection: 1). */
  maxInFlight: number;
  /** The SASL state of a connection to a SASL_PLAINTEXT or SASL_SSL listener. */
  sasl?: SaslAuthenticator;
  /** On SSL listeners, the principal the TLS handshake established (User:DN of a trusted client certificate). */
  sslPrincipal?: string;
  /** The node's client quotas: requests over them mute the connection for their throttle time. */
  quotas: QuotaManagers;
}

/** How long a connection closed after its last answer waits for the client to read it before it is cut. */
const LINGER_MS = 1000;

let connectionCounter = 0;

export class Connection {
  private readonly id: string;
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  private readonly queue: Pending[] = [];
  private closedFlag = false;
  private resolveClosed!: () => void;
  readonly closed = new Promise<void>((r) => (this.resolveClosed = r));
  private paused = false;
  private readonly sasl: SaslAuthenticator | undefined;
  /** Until when the connection is muted for a throttled request (KIP-219): no request is taken before. */
  private throttledUntil = 0;
  private throttleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly socket: net.Socket,
    private readonly nodeId: number,
    private readonly server: ServerView,
    private readonly handlers: ReadonlyMap<number, ApiHandler>,
    private readonly opts: ConnectionOptions,
  ) {
    this.id = `${nodeId}-${socket.remoteAddress}:${socket.remotePort}-${++connectionCounter}`;
    this.sasl = opts.sasl;
    socket.setNoDelay(true);
    socket.setTimeout(opts.idleMs, () => {
      if (this.queue.length === 0) this.close(`idle for ${opts.idleMs} ms (connections.max.idle.ms)`);
    });
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('drain', () => this.maybeResume());
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
  }

  get isClosed(): boolean {
    return this.closedFlag;
  }

  /**
   * Kafka's principal of this connection: on SASL listeners the authenticated user, on SSL listeners the subject of a
   * trusted client certificate (User:CN=...,O=...), otherwise User:ANONYMOUS.
   */
  get principal(): string {
    if (this.sasl) return this.sasl.principal !== undefined ? `User:${this.sasl.principal}` : ANONYMOUS_PRINCIPAL;
    return this.opts.sslPrincipal ?? ANONYMOUS_PRINCIPAL;
  }

  close(reason?: string): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    if (reason) this.server.logger.warn(`connection ${this.id} closed: ${reason}`);
    this.server.clients.closed(this.id);
    clearTimeout(this.throttleTimer);
    this.socket.destroy();
    this.release();
    this.resolveClosed();
  }

  /** Drops what the connection held (unread requests, answers not yet sent): a departed client costs nothing. */
  private release(): void {
    this.buffered = [];
    this.bufferedBytes = 0;
    for (const p of this.queue) p.chunks = undefined;
    this.queue.length = 0;
  }

  /** Closes after what was written reaches the client (the answer that says why authentication failed). */
  private closeAfterWrite(reason: string): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    this.server.logger.warn(`connection ${this.id} closed: ${reason}`);
    this.server.clients.closed(this.id);
    this.socket.end();
    setTimeout(() => this.socket.destroy(), LINGER_MS).unref();
    this.buffered = [];
    this.bufferedBytes = 0;
    this.resolveClosed();
  }

  private onData(d: Buffer): void {
    if (this.closedFlag) return;
    this.buffered.push(d);
    this.bufferedBytes += d.length;
    this.processFrames();
  }

  /** Whether another request may be taken: few enough in flight, and the client reads what it was sent. */
  private canTakeRequest(): boolean {
    return this.queue.length < this.opts.maxInFlight && !this.socket.writableNeedDrain && this.throttledUntil === 0;
  }

  /** Mutes the connection for a throttled request; the answer itself goes out at once (KIP-219). */
  private throttle(ms: number): void {
    const until = Date.now() + ms;
    if (until <= this.throttledUntil) return;
    this.throttledUntil = until;
    clearTimeout(this.throttleTimer);
    this.throttleTimer = setTimeout(() => {
      this.throttleTimer = undefined;
      this.throttledUntil = 0;
      this.maybeResume();
    }, ms);
  }

  private processing = false;

  /** Handles the buffered frames while requests may be taken; the rest waits, and the socket is not read meanwhile. */
  private processFrames(): void {
    if (this.processing) return;
    this.processing = true;
    try {
      while (!this.closedFlag && this.bufferedBytes >= 4 && this.canTakeRequest()) {
        const head = this.peek(4);
        const size = head.readInt32BE(0);
        if (size < 0 || size > this.opts.maxRequestBytes) {
          // A TLS record starts 0x16 0x03: a client set up for SSL talking to a listener that is not.
          const tlsHint = head[0] === 0x16 && head[1] === 0x03 ? '; it looks like a TLS handshake: the client uses SSL or SASL_SSL, but this listener does not' : '';
          this.close(`request size ${size} is outside 0..${this.opts.maxRequestBytes} (socket.request.max.bytes)${tlsHint}`);
          return;
        }
        if (this.bufferedBytes < 4 + size) break;
        const frame = this.take(4 + size).subarray(4);
        this.handleFrame(frame);
      }
    } finally {
      this.processing = false;
    }
    this.maybePause();
  }

  private peek(n: number): Buffer {
    if (this.buffered[0].length >= n) return this.buffered[0];
    const all = Buffer.concat(this.buffered);
    this.buffered = [all];
    return all;
  }

  private take(n: number): Buffer {
    const first = this.buffered[0];
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.buffered.shift();
      else this.buffered[0] = first.subarray(n);
    } else {
      const all = Buffer.concat(this.buffered);
      out = all.subarray(0, n);
      this.buffered = all.length > n ? [all.subarray(n)] : [];
    }
    this.bufferedBytes -= n;
    return out;
  }

  private handleFrame(frame: Buffer): void {
    if (this.sasl?.expectsRawTokens) {
      this.handleRawSaslToken(this.sasl, frame);
      return;
    }
    if (frame.length < 8) {
      this.close(`a ${frame.length}-byte request is too short for a request header`);
      return;
    }
    const apiKey = frame.readInt16BE(0);
    const apiVersion = frame.readInt16BE(2);
    const handler = this.handlers.get(apiKey);
    const codec = SERVED_CODECS.get(apiKey);
    if (!handler || !codec) {
      this.close(`unsupported API key ${apiKey} (version ${apiVersion})`);
      return;
    }
    const refusal = this.sasl?.refusal(apiKey, codec.name);
    if (refusal) {
      this.close(refusal);
      return;
    }
    if (apiVersion < handler.minVersion || apiVersion > handler.maxVersion) {
      if (apiKey === 18) {
        // Kafka answers an ApiVersions request it cannot parse with a v0 answer listing what it supports.
        const correlationId = frame.readInt32BE(4);
        this.enqueueResponse(correlationId, 18, 0, apiVersionsErrorResponse(this.server));
        return;
      }
      // Seen too: a client refused for its version (protocol.versions=4.0) is what the upgrade check is about.
      this.server.clients.noteRequest(this.id, this.socket.remoteAddress ?? '', legacyClientId(frame), apiKey, codec.name, apiVersion);
      this.close(`${codec.name} version ${apiVersion} is not supported (${handler.minVersion}-${handler.maxVersion})`);
      return;
    }
    const started = process.hrtime.bigint();
    let header: RequestHeader;
    let request: unknown;
    try {
      const r = new Reader(frame);
      header = readRequestHeader(r, codecRequestHeaderVersion(codec, apiVersion));
      request = codec.decodeRequest(r, apiVersion);
    } catch (e) {
      const why = e instanceof ProtocolDecodeError ? e.message : String(e);
      this.close(`malformed ${codec.name} v${apiVersion} request: ${why}`);
      return;
    }
    this.server.clients.noteRequest(this.id, this.socket.remoteAddress ?? '', header.clientId, apiKey, codec.name, apiVersion);
    const quotaUser = principalName(this.principal);
    const slot: Pending = { done: false };
    this.queue.push(slot);
    const ctx: RequestContext = {
      server: this.server,
      cluster: this.server.cluster,
      nodeId: this.nodeId,
      header,
      apiName: codec.name,
      apiVersion,
      clientHost: this.socket.remoteAddress ?? '',
      principal: this.principal,
      connectionId: this.id,
      closed: this.closed,
      sasl: this.sasl,
      quotas: this.opts.quotas,
      quotaUser,
      closeConnection: (reason: string) => {
        slot.done = true;
        this.flush();
        this.close(reason);
      },
    };
    let handlerNanos = 0;
    const finish = (response: unknown) => {
      if (!this.closedFlag) {
        const answer = response as { throttleTimeMs?: number } | undefined;
        const throttleMs = throttleTimeOf(this.opts.quotas, {
          apiKey,
          user: quotaUser,
          clientId: header.clientId ?? '',
          requestBytes: frame.length,
          handlerNanos,
          handlerThrottleMs: answer?.throttleTimeMs ?? 0,
          now: Date.now(),
        });
        if (throttleMs > 0) {
          if (answer && 'throttleTimeMs' in answer) answer.throttleTimeMs = throttleMs;
          this.throttle(throttleMs);
        }
      }
      if (response !== undefined) slot.chunks = this.encode(header.correlationId, apiKey, apiVersion, response);
      slot.done = true;
      this.flush();
      if (this.sasl?.failed) this.closeAfterWrite(this.sasl.failure ?? 'SASL authentication failed');
    };
    try {
      const result = (handler as ApiHandler).handle(ctx, request as never);
      // The request quota counts handling time, not a long poll's wait: what ran before the handler first yielded.
      handlerNanos = Number(process.hrtime.bigint() - started);
      if (result instanceof Promise) {
        result.then(finish, (e) => this.handlerFailed(codec.name, apiVersion, e, slot));
      } else finish(result);
    } catch (e) {
      this.handlerFailed(codec.name, apiVersion, e, slot);
    }
  }

  /**
   * After a v0 SaslHandshake: a bare SASL message in, the mechanism's answer out as a bare size-prefixed frame.
   * A failure cannot be answered in this framing; as in Kafka, the connection just closes.
   */
  private handleRawSaslToken(sasl: SaslAuthenticator, token: Buffer): void {
    const slot: Pending = { done: false };
    this.queue.push(slot);
    sasl.authenticate(Buffer.from(token)).then(
      (r) => {
        if (!r.ok) {
          slot.done = true;
          this.flush();
          this.close(sasl.failure ?? 'SASL authentication failed');
          return;
        }
        const size = Buffer.alloc(4);
        size.writeInt32BE(r.response.length, 0);
        slot.chunks = [size, r.response];
        slot.done = true;
        this.flush();
      },
      (e) => this.handlerFailed('SASL (v0 framing)', 0, e, slot),
    );
  }

  private handlerFailed(name: string, version: number, e: unknown, slot: Pending): void {
    this.server.logger.error(`${name} v${version} on connection ${this.id} failed: ${(e as Error)?.stack ?? e}`);
    slot.done = true;
    this.close(`${name} handler failed`);
  }

  private encode(correlationId: number, apiKey: number, apiVersion: number, response: unknown): Buffer[] {
    const w = new Writer();
    const size = w.beginSizePrefix();
    const codec = SERVED_CODECS.get(apiKey)!;
    writeResponseHeader(w, codecResponseHeaderVersion(codec, apiVersion), correlationId);
    codec.encodeResponse(w, apiVersion, response);
    w.endSizePrefix(size);
    return w.toChunks();
  }

  private enqueueResponse(correlationId: number, apiKey: number, apiVersion: number, response: unknown): void {
    this.queue.push({ done: true, chunks: this.encode(correlationId, apiKey, apiVersion, response) });
    this.flush();
  }

  private flush(): void {
    if (this.closedFlag) return;
    let wrote = false;
    while (this.queue.length && this.queue[0].done) {
      const p = this.queue.shift()!;
      if (!p.chunks) continue;
      if (!wrote) this.socket.cork();
      wrote = true;
      for (const c of p.chunks) this.socket.write(c);
    }
    if (wrote) this.socket.uncork();
    this.maybeResume();
  }

  /** Back-pressure: the socket is not read while no request may be taken, so frames cannot pile up unparsed. */
  private maybePause(): void {
    if (!this.paused && !this.closedFlag && !this.canTakeRequest()) {
      this.paused = true;
      this.socket.pause();
    }
  }

  /** A request was answered or the client read its answers: take the frames that waited, then read again. */
  private maybeResume(): void {
    if (this.closedFlag || !this.canTakeRequest()) return;
    if (this.bufferedBytes >= 4) this.processFrames();
    if (this.paused && this.canTakeRequest()) {
      this.paused = false;
      this.socket.resume();
    }
  }
}

/** Kafka's principal name (alice for User:alice), what user quota entities name. */
function principalName(principal: string): string {
  const colon = principal.indexOf(':');
  return colon < 0 ? principal : principal.slice(colon + 1);
}

/** The client id of a request header v1/v2 (a nullable int16 string after key, version and correlation id), or null. */
function legacyClientId(frame: Buffer): string | null {
  if (frame.length < 10) return null;
  const len = frame.readInt16BE(8);
  if (len < 0 || frame.length < 10 + len) return null;
  return frame.toString('utf8', 10, 10 + len);
}
