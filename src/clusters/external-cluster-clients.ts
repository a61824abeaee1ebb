/**
 * The library's clients for one external cluster, made from the connection the user keeps (see connections.ts):
 * an Admin for metadata, groups and configs, whose connection pool also carries the requests the library's clients
 * cannot make (external-cluster-requests.ts), and a Producer for records. Both connect on first use, so making them
 * costs nothing until the cluster is browsed.
 */
import { Admin, Producer, type BaseOptions } from '@platformatic/kafka';
import { ConnectionConfig, parseBootstrap, tlsOptions, usesSasl } from './connections';
import { DirectRequests } from './external-cluster-requests';

export interface ExternalClusterOptions {
  config: ConnectionConfig;
  /** The SASL password, from SecretStorage. */
  password?: string;
  clientId?: string;
  /** Per request; default 30 s. */
  requestTimeoutMs?: number;
  /** Per connection attempt; default 10 s. */
  connectTimeoutMs?: number;
}

/** Keys are Buffers; header keys strings; a header's value may be null, as Kafka allows. */
export type RecordProducer = Producer<Buffer, Buffer, string, Buffer | null>;

export interface ExternalClients {
  admin: Admin;
  producer: RecordProducer;
  requests: DirectRequests;
}

/** The connection's settings in the library's terms: TLS, SASL and timeouts for every client alike. */
export function clientOptions(options: ExternalClusterOptions): BaseOptions {
  const c = options.config;
  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  return {
    clientId: options.clientId ?? 'tributary-vscode',
    bootstrapBrokers: parseBootstrap(c.bootstrapServers),
    tls: tlsOptions(c),
    sasl: usesSasl(c) ? { mechanism: c.saslMechanism ?? 'PLAIN', username: c.username, password: options.password ?? '' } : undefined,
    connectTimeout: options.connectTimeoutMs ?? 10_000,
    requestTimeout,
    timeout: requestTimeout,
    // An unreachable cluster is reported within seconds: one retry, where the library's default is three a second apart.
    retries: 1,
    retryDelay: 250,
  };
}

export function createClients(options: ExternalClusterOptions): ExternalClients {
  const base = clientOptions(options);
  const admin = new Admin(base);
  const producer: RecordProducer = new Producer({ ...base, serializers: { headerKey: (k?: string) => (k === undefined ? undefined : Buffer.from(k, 'utf8')) } });
  return { admin, producer, requests: new DirectRequests(admin) };
}

export async function closeClients(clients: ExternalClients): Promise<void> {
  await Promise.allSettled([clients.admin.close(), clients.producer.close()]);
}
