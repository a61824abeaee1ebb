/**
 * The Kafka protocol front of the embedded cluster: one TCP listener per virtual node (base port, base + 1, ...,
 * or the next free port when one is taken), bound to loopback unless configured otherwise.
 */
import * as net from 'node:net';
import type { Cluster } from '../../broker/cluster';
import type { Logger } from '../../broker/logger';
import { Connection } from './connection';
import type { ApiHandler, ListenerInfo, ServerView } from './handler';
import { ALL_HANDLERS } from './handlers';

export interface KafkaServerOptions {
  host?: string;
  basePort?: number;
  /** Ports to try past the wanted one before giving up. */
  portSearch?: number;
}

interface NodeListener {
  nodeId: number;
  server: net.Server;
  port: number;
  connections: Set<Connection>;
}

export class KafkaServer implements ServerView {
  private readonly handlers = new Map<number, ApiHandler>();
  private readonly nodes = new Map<number, NodeListener>();
  readonly host: string;
  readonly logger: Logger;

  constructor(readonly cluster: Cluster, private readonly opts: KafkaServerOptions = {}) {
    this.host = opts.host ?? cluster.brokerConfig.get<string>('listeners.host');
    this.logger = cluster.logger;
    for (const h of ALL_HANDLERS) this.handlers.set(h.apiKey, h as ApiHandler);
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
  private started = false;

  supportedApis(): Array<{ apiKey: number; minVersion: number; maxVersion: number }> {
    return [...this.handlers.values()]
      .map((h) => ({ apiKey: h.apiKey as number, minVersion: h.advertisedMinVersion ?? h.minVersion, maxVersion: h.maxVersion }))
      .sort((a, b) => a.apiKey - b.apiKey);
  }

  listeners(): ListenerInfo[] {
    return [...this.nodes.values()].map((n) => ({ nodeId: n.nodeId, host: this.host, port: n.port }));
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
      const server = net.createServer();
      const connections = new Set<Connection>();
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
      const l: NodeListener = { nodeId, server, port: actual, connections };
      server.on('connection', (socket) => this.accept(l, socket));
      this.nodes.set(nodeId, l);
      this.lastPorts.set(nodeId, actual);
      if (wanted !== 0 && actual !== wanted) this.logger.warn(`node ${nodeId}: port ${wanted} is taken; listening on ${actual}`);
      return l;
    }
    throw new Error(`node ${nodeId}: no free port from ${wanted} to ${wanted + search}: ${lastError?.message}`);
  }

  private accept(l: NodeListener, socket: net.Socket): void {
    const c = new Connection(socket, l.nodeId, this, this.handlers, {
      maxRequestBytes: this.cluster.brokerConfig.get<number>('socket.request.max.bytes'),
      idleMs: this.cluster.brokerConfig.get<number>('connections.max.idle.ms'),
      maxInFlight: 64,
    });
    l.connections.add(c);
    void c.closed.then(() => l.connections.delete(c));
  }

  /** Closes one node's listener and its connections (a stopped node). */
  async closeNode(nodeId: number): Promise<void> {
    const l = this.nodes.get(nodeId);
    if (!l) return;
    this.nodes.delete(nodeId);
    for (const c of l.connections) c.close();
    await new Promise<void>((r) => l.server.close(() => r()));
  }

  async stop(): Promise<void> {
    this.started = false;
    this.unsubscribe();
    await Promise.all([...this.nodes.keys()].map((id) => this.closeNode(id)));
  }
}
