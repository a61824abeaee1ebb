/**
 * Who talks to the broker, and with which request versions: per client (its id, the software it names in ApiVersions
 * v3+, its address), the APIs and versions it used, and those Kafka 4.0 refuses (kafka4.ts). The Kafka 4 upgrade
 * check reads this: a service that works against Tributary today and would fail against Kafka 4 shows up here first.
 */
import { kafka4MinVersion } from '../kafka4';
import type { ClientView } from '../../broker/api';

interface ConnectionEntry {
  host: string;
  clientId: string;
  softwareName: string | null;
  softwareVersion: string | null;
  open: boolean;
  firstSeen: number;
  lastSeen: number;
  requests: number;
  /** apiKey -> its name and the versions used. */
  apis: Map<number, { api: string; versions: Set<number> }>;
}

/** Connections remembered after they close, so that a short-lived tool still shows up. */
const MAX_CONNECTIONS = 500;

export class ClientRegistry {
  private readonly connections = new Map<string, ConnectionEntry>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A decoded request of a connection. */
  noteRequest(connectionId: string, host: string, clientId: string | null, apiKey: number, api: string, version: number): void {
    let c = this.connections.get(connectionId);
    if (!c) {
      c = { host, clientId: clientId ?? '', softwareName: null, softwareVersion: null, open: true, firstSeen: this.now(), lastSeen: this.now(), requests: 0, apis: new Map() };
      this.connections.set(connectionId, c);
      this.evict();
    }
    if (clientId) c.clientId = clientId;
    c.lastSeen = this.now();
    c.requests++;
    let a = c.apis.get(apiKey);
    if (!a) c.apis.set(apiKey, (a = { api, versions: new Set() }));
    a.versions.add(version);
  }

  /** ApiVersions v3+: the client's own name and version (KIP-511). */
  noteSoftware(connectionId: string, name: string, version: string): void {
    const c = this.connections.get(connectionId);
    if (!c || !name) return;
    c.softwareName = name;
    c.softwareVersion = version;
  }

  closed(connectionId: string): void {
    const c = this.connections.get(connectionId);
    if (c) c.open = false;
  }

  private evict(): void {
    if (this.connections.size <= MAX_CONNECTIONS) return;
    for (const [id, c] of this.connections) {
      if (!c.open) {
        this.connections.delete(id);
        if (this.connections.size <= MAX_CONNECTIONS) return;
      }
    }
  }

  /** One row per client (id, software and address), most recently seen first. */
  list(): ClientView[] {
    const byClient = new Map<string, ClientView & { versionSets: Map<number, { api: string; versions: Set<number> }> }>();
    for (const c of this.connections.values()) {
      const key = [c.clientId, c.softwareName ?? '', c.softwareVersion ?? '', c.host].join('\u0000');
      let v = byClient.get(key);
      if (!v) {
        v = { clientId: c.clientId, softwareName: c.softwareName, softwareVersion: c.softwareVersion, host: c.host, connections: 0, openConnections: 0, firstSeen: c.firstSeen, lastSeen: c.lastSeen, requests: 0, apis: [], kafka4: [], versionSets: new Map() };
        byClient.set(key, v);
      }
      v.connections++;
      if (c.open) v.openConnections++;
      v.firstSeen = Math.min(v.firstSeen, c.firstSeen);
      v.lastSeen = Math.max(v.lastSeen, c.lastSeen);
      v.requests += c.requests;
      for (const [k, a] of c.apis) {
        let s = v.versionSets.get(k);
        if (!s) v.versionSets.set(k, (s = { api: a.api, versions: new Set() }));
        for (const x of a.versions) s.versions.add(x);
      }
    }
    return [...byClient.values()]
      .map(({ versionSets, ...v }) => {
        const apis = [...versionSets].sort(([a], [b]) => a - b).map(([apiKey, a]) => ({ api: a.api, apiKey, versions: [...a.versions].sort((x, y) => x - y) }));
        const kafka4 = apis.flatMap((a) => a.versions.filter((x) => x < kafka4MinVersion(a.apiKey)).map((version) => ({ api: a.api, version, kafka4Min: kafka4MinVersion(a.apiKey) })));
        return { ...v, apis, kafka4 };
      })
      .sort((a, b) => b.lastSeen - a.lastSeen);
  }
}
