/**
 * Which cluster the sidebar and the panels show: the embedded broker, or one of the user's connections to an
 * external cluster. Connected clients are made on first use (the password read from SecretStorage then) and closed
 * when their connection changes or goes. No vscode import: SecretStorage comes in as a `get` function.
 */
import type { ClusterReader } from '../broker/api';
import { Listeners } from '../shared/listeners';
import { ConnectionConfig, EMBEDDED_ID, secretKey, usesSasl } from './connections';
import type { ExternalCluster, ExternalClusterOptions } from './external-cluster';

interface SecretReader {
  get(key: string): PromiseLike<string | undefined>;
}

export class ClusterRegistry {
  private connections: ConnectionConfig[] = [];
  private activeName = EMBEDDED_ID;
  private readonly clients = new Map<string, Promise<ExternalCluster>>();
  private readonly changes = new Listeners<string>();

  constructor(
    private readonly secrets: SecretReader,
    // Loaded on first use: the client library compiles its option schemas when it loads (about 200 ms), which an
    // extension that only runs the embedded broker should not pay at activation.
    private readonly create: (o: ExternalClusterOptions) => ExternalCluster | Promise<ExternalCluster> = async (o) => new (await import('./external-cluster')).ExternalCluster(o),
  ) {}

  list(): readonly ConnectionConfig[] {
    return this.connections;
  }

  get(name: string): ConnectionConfig | undefined {
    return this.connections.find((c) => c.name === name);
  }

  /** The selected cluster: EMBEDDED_ID or a connection's name. */
  get active(): string {
    return this.activeName;
  }

  isExternal(): boolean {
    return this.activeName !== EMBEDDED_ID;
  }

  activeConnection(): ConnectionConfig | undefined {
    return this.isExternal() ? this.get(this.activeName) : undefined;
  }

  onChange(listener: (active: string) => void): () => void {
    return this.changes.add(listener);
  }

  /** The setting changed: clients of changed or removed connections are closed; a removed active one falls back to the embedded broker. */
  setConnections(list: readonly ConnectionConfig[]): void {
    const before = new Map(this.connections.map((c) => [c.name, JSON.stringify(c)]));
    this.connections = [...list];
    let affected = false;
    for (const [name, json] of before) {
      const now = this.get(name);
      if (!now || JSON.stringify(now) !== json) {
        this.forget(name);
        if (name === this.activeName) affected = true;
      }
    }
    if (this.isExternal() && !this.get(this.activeName)) this.activeName = EMBEDDED_ID;
    if (affected) this.changes.fire(this.activeName);
  }

  select(name: string): void {
    if (name !== EMBEDDED_ID && !this.get(name)) throw new Error(`There is no connection named "${name}".`);
    if (name === this.activeName) return;
    this.activeName = name;
    this.changes.fire(name);
  }

  /** Closes a connection's client (its password changed, or the user asked to reconnect); the next use makes a new one. */
  forget(name: string): void {
    const c = this.clients.get(name);
    this.clients.delete(name);
    void c?.then((x) => x.close()).catch(() => undefined);
    if (name === this.activeName) this.changes.fire(name);
  }

  /** The client of a connection (the active one by default), made on first use. */
  external(name = this.activeName): Promise<ExternalCluster> {
    const config = this.get(name);
    if (!config) return Promise.reject(new Error(name === EMBEDDED_ID ? 'The embedded broker is selected, not an external cluster.' : `There is no connection named "${name}".`));
    let client = this.clients.get(name);
    if (!client) {
      client = (async () => {
        const password = usesSasl(config) ? await this.secrets.get(secretKey(name)) : undefined;
        if (usesSasl(config) && password === undefined) {
          throw new Error(`No password is stored for the connection "${name}": run "Tributary: Add Cluster Connection" again with the same name to set it.`);
        }
        return this.create({ config, password });
      })();
      this.clients.set(name, client);
      // A failed start is not kept: the next use tries again (the user may have fixed the cause).
      client.catch(() => this.clients.get(name) === client && this.clients.delete(name));
    }
    return client;
  }

  /** A ClusterReader on the active external cluster, for the tree. */
  reader(): ClusterReader {
    const on = async () => this.external();
    return {
      status: async () => (await on()).status(),
      listTopics: async () => (await on()).listTopics(),
      describeTopic: async (t) => (await on()).describeTopic(t),
      listGroups: async () => (await on()).listGroups(),
      describeGroup: async (g) => (await on()).describeGroup(g),
    };
  }

  async dispose(): Promise<void> {
    const all = [...this.clients.values()];
    this.clients.clear();
    await Promise.allSettled(all.map(async (c) => (await c).close()));
  }
}
