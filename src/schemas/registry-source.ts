/**
 * Which schema registry goes with the cluster the panels, the editor and the tree show: the embedded broker's own,
 * or the one configured on an external cluster's connection (its password or token read from SecretStorage). One
 * client and one SchemaSerde per registry, kept while its endpoint stays the same, so their caches of schemas by id
 * outlive a panel. No vscode import: the endpoint comes in as a function.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { registrySecretKey, type ConnectionConfig } from '../clusters/connections';
import { SchemaRegistryClient, type RegistryEndpoint } from './registry-client';
import type { SchemaSerde } from './schema-serde';

interface Registry {
  key: string;
  client: SchemaRegistryClient;
  /** Made on first need: the schema languages' libraries take some 100 ms to load, which activation should not pay. */
  serde?: Promise<SchemaSerde>;
}

export class SchemaRegistries {
  private current: Registry | undefined;

  /** `endpoint` gives the active cluster's registry, undefined when it has none (or the broker is not running). */
  constructor(private readonly endpoint: () => Promise<RegistryEndpoint | undefined>) {}

  async client(): Promise<SchemaRegistryClient | undefined> {
    return (await this.registry())?.client;
  }

  async serde(): Promise<SchemaSerde | undefined> {
    const r = await this.registry();
    if (!r) return undefined;
    r.serde ??= import('./schema-serde').then(({ SchemaSerde }) => new SchemaSerde(r.client));
    return r.serde;
  }

  private async registry(): Promise<Registry | undefined> {
    const e = await this.endpoint();
    if (!e) return undefined;
    const key = JSON.stringify([e.url, e.auth, e.tls?.rejectUnauthorized, e.tls?.ca?.toString()]);
    if (this.current?.key !== key) {
      this.current = { key, client: new SchemaRegistryClient(e) };
    }
    return this.current;
  }
}

/**
 * An external connection's registry endpoint: its secret from SecretStorage (`get`), and its TLS checks those of
 * the Kafka connection (the same CA file, the same choice about verifying), since the two usually share a CA.
 */
export async function connectionRegistryEndpoint(c: ConnectionConfig, get: (key: string) => PromiseLike<string | undefined>): Promise<RegistryEndpoint | undefined> {
  const r = c.schemaRegistry;
  if (!r) return undefined;
  const endpoint: RegistryEndpoint = { url: r.url };
  if (r.url.startsWith('https:')) {
    const tls: TlsOptions = { rejectUnauthorized: c.verifyCertificates !== false };
    if (c.caFile) tls.ca = readFileSync(c.caFile);
    endpoint.tls = tls;
  }
  if (r.auth !== 'none') {
    const secret = await get(registrySecretKey(c.name));
    if (secret === undefined) throw new Error(`No ${r.auth === 'basic' ? 'password' : 'token'} is stored for the schema registry of "${c.name}": run "Tributary: Add Cluster Connection" again with the same name to set it.`);
    endpoint.auth = r.auth === 'basic' ? { kind: 'basic', username: r.username ?? '', password: secret } : { kind: 'bearer', token: secret };
  }
  return endpoint;
}
