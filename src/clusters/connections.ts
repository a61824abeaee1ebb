/**
 * Connections to external clusters (a real Apache Kafka, Redpanda, or a `tributary start` elsewhere), as the user
 * keeps them in the `tributary.connections` setting. Everything but the secret is a setting, so a team can share
 * connections in a workspace's settings.json; the password lives in VS Code's SecretStorage, keyed by the
 * connection's name (see secretKey). No vscode import: the rules are tested without VS Code.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions as TlsOptions } from 'node:tls';

/** Kafka's security.protocol values. */
export const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number];

/** The SASL mechanisms offered (Kafka's sasl.mechanism names). */
export const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

export interface ConnectionConfig {
  /** Unique among the connections; shown in the tree and the panels' titles. */
  name: string;
  /** "host:port,host:port" as Kafka's bootstrap.servers. */
  bootstrapServers: string;
  securityProtocol: SecurityProtocol;
  saslMechanism?: SaslMechanism;
  username?: string;
  /** PEM file of the CA that signed the brokers' certificates (Kafka's ssl.truststore as PEM); else the system's. */
  caFile?: string;
  /** Off only for development clusters with self-signed certificates: the connection is then open to a man in the middle. */
  verifyCertificates?: boolean;
  /** The cluster's Confluent-compatible schema registry, whose schemas decode and encode its records. */
  schemaRegistry?: SchemaRegistryConnection;
}

/** How the registry is logged into: nothing, basic auth (Confluent's basic.auth.user.info) or a bearer token. */
export const REGISTRY_AUTH_KINDS = ['none', 'basic', 'bearer'] as const;
type RegistryAuthKind = (typeof REGISTRY_AUTH_KINDS)[number];

interface SchemaRegistryConnection {
  /** http(s)://host:port[/path] */
  url: string;
  auth: RegistryAuthKind;
  /** basic auth's user; its password (or the bearer token) is in SecretStorage under registrySecretKey. */
  username?: string;
}

export const EMBEDDED_ID = 'embedded';

export function usesSasl(c: Pick<ConnectionConfig, 'securityProtocol'>): boolean {
  return c.securityProtocol === 'SASL_PLAINTEXT' || c.securityProtocol === 'SASL_SSL';
}

export function usesTls(c: Pick<ConnectionConfig, 'securityProtocol'>): boolean {
  return c.securityProtocol === 'SSL' || c.securityProtocol === 'SASL_SSL';
}

/** Where a connection's password is kept in SecretStorage. */
export function secretKey(name: string): string {
  return `tributary.connection.${name}.password`;
}

/** Where a connection's schema registry password or token is kept in SecretStorage. */
export function registrySecretKey(name: string): string {
  return `tributary.connection.${name}.schemaRegistry.secret`;
}

/** The registry part of a connection from the setting's JSON, or why it cannot be used. */
function parseRegistry(name: string, raw: unknown): SchemaRegistryConnection | { problem: string } {
  if (typeof raw === 'string') raw = { url: raw };
  if (typeof raw !== 'object' || raw === null) return { problem: `connection "${name}": schemaRegistry must be a URL or { url, auth, username }` };
  const r = raw as Record<string, unknown>;
  let url: URL;
  try {
    url = new URL(String(r.url ?? ''));
  } catch {
    return { problem: `connection "${name}": schemaRegistry.url ${JSON.stringify(r.url)} is not a URL` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { problem: `connection "${name}": schemaRegistry.url must be http:// or https://` };
  const auth = (r.auth ?? 'none') as RegistryAuthKind;
  if (!REGISTRY_AUTH_KINDS.includes(auth)) return { problem: `connection "${name}": schemaRegistry.auth must be one of ${REGISTRY_AUTH_KINDS.join(', ')}, not ${JSON.stringify(r.auth)}` };
  const out: SchemaRegistryConnection = { url: String(r.url), auth };
  if (auth === 'basic') {
    if (typeof r.username !== 'string' || !r.username) return { problem: `connection "${name}": schemaRegistry basic auth needs a username` };
    out.username = r.username;
  }
  return out;
}

/** host:port pairs; throws with the bad entry named. */
export function parseBootstrap(servers: string): Array<{ host: string; port: number }> {
  const entries = servers
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!entries.length) throw new Error('bootstrap servers are empty: give host:port[,host:port...]');
  return entries.map((entry) => {
    // [::1]:9092 as well as host:9092
    const m = /^(?:\[([^\]]+)\]|([^:\s]+)):(\d{1,5})$/.exec(entry);
    const port = m ? Number(m[3]) : NaN;
    if (!m || port < 1 || port > 65535) throw new Error(`bootstrap server "${entry}" is not host:port`);
    return { host: m[1] ?? m[2], port };
  });
}

/** A connection from the setting's JSON: the reason when it cannot be used, so the user is told instead of ignored. */
export function parseConnection(raw: unknown): ConnectionConfig | { problem: string } {
  if (typeof raw !== 'object' || raw === null) return { problem: `a connection must be an object, not ${JSON.stringify(raw)}` };
  const r = raw as Record<string, unknown>;
  const name = typeof r.name === 'string' ? r.name.trim() : '';
  if (!name) return { problem: 'a connection has no name' };
  if (name === EMBEDDED_ID) return { problem: `"${EMBEDDED_ID}" is the embedded broker's name; choose another` };
  const servers = typeof r.bootstrapServers === 'string' ? r.bootstrapServers : '';
  try {
    parseBootstrap(servers);
  } catch (e) {
    return { problem: `connection "${name}": ${(e as Error).message}` };
  }
  const securityProtocol = (r.securityProtocol ?? 'PLAINTEXT') as SecurityProtocol;
  if (!SECURITY_PROTOCOLS.includes(securityProtocol)) {
    return { problem: `connection "${name}": securityProtocol must be one of ${SECURITY_PROTOCOLS.join(', ')}, not ${JSON.stringify(r.securityProtocol)}` };
  }
  const c: ConnectionConfig = { name, bootstrapServers: servers, securityProtocol };
  if (usesSasl(c)) {
    const mechanism = (r.saslMechanism ?? 'PLAIN') as SaslMechanism;
    if (!SASL_MECHANISMS.includes(mechanism)) {
      return { problem: `connection "${name}": saslMechanism must be one of ${SASL_MECHANISMS.join(', ')}, not ${JSON.stringify(r.saslMechanism)}` };
    }
    if (typeof r.username !== 'string' || !r.username) return { problem: `connection "${name}": ${securityProtocol} needs a username` };
    c.saslMechanism = mechanism;
    c.username = r.username;
  }
  if (usesTls(c)) {
    if (r.caFile !== undefined) {
      if (typeof r.caFile !== 'string') return { problem: `connection "${name}": caFile must be a path` };
      c.caFile = r.caFile;
    }
    c.verifyCertificates = r.verifyCertificates !== false;
  }
  if (r.schemaRegistry !== undefined && r.schemaRegistry !== null && r.schemaRegistry !== '') {
    const registry = parseRegistry(name, r.schemaRegistry);
    if ('problem' in registry) return registry;
    c.schemaRegistry = registry;
  }
  return c;
}

/** Every usable connection of the setting, and why the others were left out (duplicates keep the first). */
export function parseConnections(raw: unknown): { connections: ConnectionConfig[]; problems: string[] } {
  const connections: ConnectionConfig[] = [];
  const problems: string[] = [];
  if (raw === undefined || raw === null) return { connections, problems };
  if (!Array.isArray(raw)) return { connections, problems: ['tributary.connections must be a list of connections'] };
  for (const item of raw) {
    const c = parseConnection(item);
    if ('problem' in c) problems.push(c.problem);
    else if (connections.some((x) => x.name === c.name)) problems.push(`two connections are named "${c.name}"; the second is ignored`);
    else connections.push(c);
  }
  return { connections, problems };
}

/** The setting's JSON for a connection: only what is set, never a secret. */
export function connectionToSetting(c: ConnectionConfig): Record<string, unknown> {
  const out: Record<string, unknown> = { name: c.name, bootstrapServers: c.bootstrapServers, securityProtocol: c.securityProtocol };
  if (usesSasl(c)) {
    out.saslMechanism = c.saslMechanism;
    out.username = c.username;
  }
  if (usesTls(c)) {
    if (c.caFile) out.caFile = c.caFile;
    if (c.verifyCertificates === false) out.verifyCertificates = false;
  }
  if (c.schemaRegistry) out.schemaRegistry = { ...c.schemaRegistry };
  return out;
}

/** Node's TLS options for a connection: the CA read now, so a missing file is reported when connecting. */
export function tlsOptions(c: ConnectionConfig, readFile: (p: string) => Buffer = readFileSync): TlsOptions | undefined {
  if (!usesTls(c)) return undefined;
  const options: TlsOptions = { rejectUnauthorized: c.verifyCertificates !== false };
  if (c.caFile) {
    try {
      options.ca = readFile(c.caFile);
    } catch (e) {
      throw new Error(`connection "${c.name}": cannot read the CA file ${c.caFile}: ${(e as Error).message}`, { cause: e });
    }
  }
  return options;
}
