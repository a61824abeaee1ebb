/**
 * The Kafka protocol front of the embedded cluster: one listener per virtual node (base port, base + 1, ..., or the
 * next free port when one is taken), bound to loopback unless configured otherwise. Every listener has the same
 * security protocol: PLAINTEXT (TCP), SSL (TLS), SASL_PLAINTEXT or SASL_SSL (the same, with SASL authentication
 * before any other request). Replication between the virtual nodes happens in this process and never goes through
 * these listeners, so their security does not concern it.
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { Cluster } from '../../broker/cluster';
import type { Logger } from '../../broker/logger';
import type { ListenerSecurityOptions } from '../../broker/api';
import { ConfigError } from '../../broker/config/config-def';
import { CredentialStore } from '../../broker/security/credential-store';
import { resolveListenerSecurity, sslPrincipal, type ListenerSecurity } from '../../broker/security/listener-security';
import { Connection } from './connection';
import type { ApiHandler, ListenerInfo, ServerView } from './handler';
import { ClientRegistry } from './client-registry';
import { kafka4MinVersion, KAFKA4_PRODUCE_ADVERTISED_MIN } from '../kafka4';
import { ALL_HANDLERS } from './handlers';
import { SaslAuthenticator } from './sasl-authenticator';
import { QuotaManagers } from '../../broker/quota/quota-managers';
import { normalizeIp } from '../../broker/quota/connection-quotas';

interface KafkaServerOptions {
  host?: string;
  basePort?: number;
  /** Ports to try past the wanted one before giving up. */
  portSearch?: number;
  /** Every listener's security protocol, SASL mechanisms and users, TLS certificate; default PLAINTEXT. */
  security?: ListenerSecurityOptions;
  /** Told when a node's listener opened or closed (a node started or stopped): the ports the UI shows moved. */
  onListenersChanged?: () => void;
}

interface NodeListener {
  nodeId: number;
  server: net.Server;
  port: number;
  connections: Set<Connection>;
  /** Every accepted socket, TLS handshakes still under way included: closing the listener cuts them all. */
  sockets: Set<net.Socket>;
}

/** ConsumerGroupHeartbeat and ConsumerGroupDescribe. */
const CONSUMER_PROTOCOL_APIS = new Set([68, 69]);

export class KafkaServer implements ServerView {
  private readonly handlers = new Map<number, ApiHandler>();
  private readonly nodes = new Map<number, NodeListener>();
  readonly host: string;
  readonly logger: Logger;
  readonly security: ListenerSecurity;
  readonly credentials: CredentialStore;
  readonly clients = new ClientRegistry();
  private readonly quotaManagers = new Map<number, QuotaManagers>();

  constructor(readonly cluster: Cluster, private readonly opts: KafkaServerOptions = {}) {
    this.host = opts.host ?? cluster.brokerConfig.get<string>('listeners.host');
    this.logger = cluster.logger;
    this.security = resolveListenerSecurity(opts.security);
    const clientAuth = opts.security?.tls?.clientAuth;
    if (this.security.protocol === 'SASL_SSL' && clientAuth && clientAuth !== 'none') {
      this.logger.info(`ssl.client.auth=${clientAuth} does not apply to SASL_SSL listeners (as in Kafka, KIP-684): clients authenticate with SASL and are not asked for a certificate`);
    }
    this.credentials = new CredentialStore(cluster.dataDir, this.logger);
    this.credentials.configureUsers(opts.security?.users ?? [], this.security.mechanisms);
    if (this.security.sasl && !this.security.mechanisms.some((m) => this.credentials.userCount(m) > 0)) {
      throw new ConfigError(`SASL is on (${this.security.protocol}, mechanisms ${this.security.mechanisms.join(', ')}) but no user can log in: configure at least one user`);
    }
    // The consumer group protocol's APIs (KIP-848) exist only where group.coordinator.rebalance.protocols names it, as
    // Kafka advertises them.
    const consumerProtocol = cluster.brokerConfig.get<string[]>('group.coordinator.rebalance.protocols').includes('consumer');
    // protocol.versions=4.0: exactly Kafka 4.0's floors (KIP-896), Produce still advertised from 0 as Kafka 4 does.
    const kafka4 = cluster.brokerConfig.get<string>('protocol.versions') === '4.0';
    for (const h of ALL_HANDLERS) {
      if (!consumerProtocol && CONSUMER_PROTOCOL_APIS.has(h.apiKey)) continue;
      const handler = h as ApiHandler;
      const floor = kafka4MinVersion(h.apiKey);
      this.handlers.set(h.apiKey, kafka4 && floor > handler.minVersion ? { ...handler, minVersion: floor, advertisedMinVersion: h.apiKey === 0 ? KAFKA4_PRODUCE_ADVERTISED_MIN : undefined, handle: handler.handle } : handler);
    }
    // A stopped node closes its listener and connections; a started one listens on its old port again.
    this.unsubscribe = cluster.on((e) => {
      if (e.type === 'node-stopped') void this.closeNode(e.nodeId);
      if (e.type === 'node-started' && this.started) {
        this.listen(e.nodeId, this.lastPorts.get(e.nodeId) ?? 0).catch((err) => this.logger.error(`node ${e.nodeId}: cannot listen again: ${(err as Error).message}`));
      }
    });
  }

  private readonly unsubscribe: () => void;
  private readonly lastPorts = new Map<number, number>();

  /** The port a node listens on, or, while it is down, the one it will listen on again. */
  homePortOf(nodeId: number): number | null {
    return this.nodes.get(nodeId)?.port ?? this.lastPorts.get(nodeId) ?? null;
  }
  private started = false;

  supportedApis(): Array<{ apiKey: number; minVersion: number; maxVersion: number }> {
    return [...this.handlers.values()]
      .map((h) => ({ apiKey: h.apiKey as number, minVersion: h.advertisedMinVersion ?? h.minVersion, maxVersion: h.maxVersion }))
      .sort((a, b) => a.apiKey - b.apiKey);
  }

  /** A node's quota managers, made on first use and kept while the process runs (the rates are a node's memory). */
  quotas(nodeId: number): QuotaManagers {
    let q = this.quotaManagers.get(nodeId);
    if (!q) {
      const config = this.cluster.brokerConfig;
      q = new QuotaManagers(
        () => this.cluster.metadata.clientQuotas(),
        { samples: config.get<number>('quota.window.num', nodeId), windowMs: config.get<number>('quota.window.size.seconds', nodeId) * 1000 },
        () => config.get<number>('max.connection.creation.rate', nodeId),
      );
      this.quotaManagers.set(nodeId, q);
    }
    return q;
  }

  listeners(): ListenerInfo[] {
    return [...this.nodes.values()].map((n) => ({ nodeId: n.nodeId, host: this.host, port: n.port, securityProtocol: this.security.protocol }));
  }

  /** The bootstrap string clients use: "127.0.0.1:9092,127.0.0.1:9093,...". */
  bootstrap(): string {
    return this.listeners().map((l) => `${l.host}:${l.port}`).join(',');
  }

  /** Opens a listener for every node that is up. */
  async start(): Promise<void> {
    this.started = true;
    const base = this.opts.basePort ?? this.cluster.brokerConfig.get<number>('listeners.base.port');
    let port = base;
    for (const node of this.cluster.nodes) {
      if (!node.up) continue;
      const l = await this.listen(node.id, port);
      // Base port 0 means "any free port" for every node (tests).
      port = base === 0 ? 0 : l.port + 1;
    }
  }

  /** Starts one node's listener at `wanted` or the next free port (0: any free port). */
  async listen(nodeId: number, wanted: number): Promise<NodeListener> {
    const search = this.opts.portSearch ?? 100;
    let lastError: Error | undefined;
    for (let port = wanted; port <= Math.min(65535, wanted + search); port++) {
      const server = this.security.tls ? tls.createServer(this.security.tlsOptions!) : net.createServer();
      const connections = new Set<Connection>();
      const sockets = new Set<net.Socket>();
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, this.host, () => resolve());
        });
      } catch (e) {
        lastError = e as Error;
        if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE' && wanted !== 0) continue;
        throw e;
      }
      const actual = (server.address() as net.AddressInfo).port;
      const l: NodeListener = { nodeId, server, port: actual, connections, sockets };
      server.on('connection', (socket: net.Socket) => {
        sockets.add(socket);
        socket.once('close', () => sockets.delete(socket));
        if (!this.security.tls) this.accept(l, socket);
      });
      if (this.security.tls) {
        server.on('secureConnection', (socket: tls.TLSSocket) => {
          if (!this.untrustedClientCertificate(nodeId, socket)) this.accept(l, socket);
        });
        server.on('tlsClientError', (err: Error, socket: tls.TLSSocket) => this.tlsFailed(nodeId, err, socket));
      }
      this.nodes.set(nodeId, l);
      this.lastPorts.set(nodeId, actual);
      this.opts.onListenersChanged?.();
      if (wanted !== 0 && actual !== wanted) this.logger.warn(`node ${nodeId}: port ${wanted} is taken; listening on ${actual}`);
      return l;
    }
    throw new Error(`node ${nodeId}: no free port from ${wanted} to ${wanted + search}: ${lastError?.message}`);
  }

  /**
   * Connection creation rates (KIP-612): a connection over its IP's rate is closed, unserved, after its throttle time;
   * one over the listener's max.connection.creation.rate is served once its throttle time has passed.
   */
  private accept(l: NodeListener, socket: net.Socket): void {
    const ip = normalizeIp(socket.remoteAddress ?? '');
    const admission = this.quotas(l.nodeId).connections.admit(ip, Date.now());
    if (admission.action === 'accept') {
      this.serve(l, socket);
      return;
    }
    socket.pause();
    socket.on('error', () => socket.destroy());
    if (admission.action === 'close') {
      this.logger.info(`node ${l.nodeId}: connection from ${ip} is over its connection_creation_rate quota (${admission.quota}/s); closing it in ${admission.delayMs} ms`);
    }
    const timer = setTimeout(() => {
      if (admission.action === 'close' || socket.destroyed) socket.destroy();
      else {
        socket.resume();
        this.serve(l, socket);
      }
    }, admission.delayMs);
    socket.once('close', () => clearTimeout(timer));
  }

  private serve(l: NodeListener, socket: net.Socket): void {
    const config = this.cluster.brokerConfig;
    const c = new Connection(socket, l.nodeId, this, this.handlers, {
      maxRequestBytes: config.get<number>('socket.request.max.bytes'),
      idleMs: config.get<number>('connections.max.idle.ms'),
      // Kafka handles one request of a connection at a time (the connection is muted until it is answered).
      maxInFlight: 1,
      sasl: this.security.sasl
        ? new SaslAuthenticator(this.security.mechanisms, this.credentials, config.get<number>('connection.failed.authentication.delay.ms'), config.get<number>('connections.max.reauth.ms'))
        : undefined,
      sslPrincipal: this.security.protocol === 'SSL' ? sslPrincipal(socket as tls.TLSSocket) : undefined,
      quotas: this.quotas(l.nodeId),
    });
    l.connections.add(c);
    void c.closed.then(() => l.connections.delete(c));
  }

  /** A client that could not complete the TLS handshake (wrong CA, not speaking TLS at all) is logged, not fatal. */
  private tlsFailed(nodeId: number, err: Error, socket: tls.TLSSocket): void {
    const plain = /wrong version number|http request|unknown protocol/i.test(err.message);
    let hint = plain ? ' (the client does not speak TLS: is it configured with security.protocol=SSL or SASL_SSL?)' : '';
    if (/peer did not return a certificate/i.test(err.message)) hint = ' (ssl.client.auth=required: the client must present a certificate, ssl.certificate.location and ssl.key.location)';
    // ssl.client.auth=required: Node completed the handshake, found the certificate untrusted and dropped the client
    // (the socket is gone by now, and its address with it).
    const why = socket.authorizationError ? `the client certificate is not trusted: ${String(socket.authorizationError)} (it must chain to a CA of the truststore, ssl.client.auth=required)` : err.message.trim();
    const peer = socket.remoteAddress === undefined ? 'a client' : `${socket.remoteAddress}:${socket.remotePort}`;
    this.logger.warn(`node ${nodeId}: TLS handshake with ${peer} failed: ${why}${hint}`);
  }

  /**
   * ssl.client.auth=requested: a client that presents no certificate is served, but one whose certificate does not
   * chain to the truststore is dropped, as Kafka's JSSE engine fails that handshake (see resolveListenerSecurity).
   */
  private untrustedClientCertificate(nodeId: number, socket: tls.TLSSocket): boolean {
    if (this.security.clientAuth !== 'requested' || socket.authorized || !socket.getPeerCertificate()?.raw) return false;
    this.logger.warn(`node ${nodeId}: TLS handshake with ${socket.remoteAddress}:${socket.remotePort} failed: the client certificate is not trusted: ${String(socket.authorizationError)} (it must chain to a CA of the truststore, ssl.client.auth=requested)`);
    socket.destroy();
    return true;
  }

  /** Closes one node's listener and its connections (a stopped node). */
  async closeNode(nodeId: number): Promise<void> {
    const l = this.nodes.get(nodeId);
    if (!l) return;
    this.nodes.delete(nodeId);
    this.opts.onListenersChanged?.();
    for (const c of l.connections) c.close();
    for (const socket of l.sockets) socket.destroy();
    await new Promise<void>((r) => l.server.close(() => r()));
  }

  async stop(): Promise<void> {
    this.started = false;
    this.unsubscribe();
    await Promise.all([...this.nodes.keys()].map((id) => this.closeNode(id)));
  }
}
