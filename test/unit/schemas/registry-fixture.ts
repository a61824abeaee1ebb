/**
 * The schema serde tests' registry: the embedded schema registry's REST server on a free port over an in-memory
 * `_schemas`, and a client of it whose requests are counted by method (to check what the serde caches).
 */
import { startSchemaRegistryServer, type SchemaRegistryServer } from '../../../src/broker/schema-registry/rest-server';
import { SchemaRegistry, type LogRecord, type SchemaLog } from '../../../src/broker/schema-registry/schema-registry';
import { SCHEMA_PROVIDERS } from '../../../src/broker/schema-registry/schema-types';
import { SchemaRegistryClient, type SchemaReference, type SchemaType } from '../../../src/schemas/registry-client';

class MemoryLog implements SchemaLog {
  records: LogRecord[] = [];
  async append(records: LogRecord[]): Promise<void> {
    await Promise.resolve();
    this.records.push(...records);
  }
}

type Counted = 'schemaById' | 'versionsOfId' | 'version' | 'register' | 'lookup';

export interface RegistryFixture {
  url: string;
  client: SchemaRegistryClient;
  /** Requests the client made, by method, since the fixture started (or since `calls.clear()`). */
  calls: Map<Counted, number>;
  register(subject: string, schemaType: SchemaType, schema: string, references?: SchemaReference[]): Promise<number>;
  close(): Promise<void>;
}

export async function startRegistry(): Promise<RegistryFixture> {
  const server: SchemaRegistryServer = await startSchemaRegistryServer(new SchemaRegistry(SCHEMA_PROVIDERS, new MemoryLog()), { port: 0 });
  const url = `http://127.0.0.1:${server.port}`;
  const client = new SchemaRegistryClient({ url });
  const calls = new Map<Counted, number>();
  for (const method of ['schemaById', 'versionsOfId', 'version', 'register', 'lookup'] as const) {
    const original = client[method].bind(client) as (...args: unknown[]) => Promise<unknown>;
    (client as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
      calls.set(method, (calls.get(method) ?? 0) + 1);
      return original(...args);
    };
  }
  return {
    url,
    client,
    calls,
    register: (subject, schemaType, schema, references = []) => client.register(subject, { schema, schemaType, references }),
    close: () => server.close(),
  };
}
