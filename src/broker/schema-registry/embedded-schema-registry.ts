/**
 * The schema registry that starts with the embedded broker: its state replayed from `_schemas`, its writes appended
 * there, and Confluent's REST API served on 127.0.0.1 (port 8081 unless told otherwise). Confluent's registry creates
 * its topic when it starts; this one creates it with its first write, so that a broker nobody registers a schema
 * with shows no topic it did not ask for.
 */
import { DEFAULT_SCHEMA_REGISTRY_PORT } from '../api';
import type { InternalTopicHost } from '../coordinator/internal-topic';
import type { Logger } from '../logger';
import { SchemaRegistry } from './schema-registry';
import { startSchemaRegistryServer } from './rest-server';
import { ClusterSchemasTopic } from './schemas-topic';
import { SCHEMA_PROVIDERS } from './schema-types';

interface SchemaRegistryOptions {
  /** Default 8081; 0 for any free port. */
  port?: number;
  /** Default 127.0.0.1: loopback only, like the Kafka listeners. */
  host?: string;
}

export interface RunningSchemaRegistry {
  readonly url: string;
  readonly registry: SchemaRegistry;
  close(): Promise<void>;
}

export async function startEmbeddedSchemaRegistry(cluster: InternalTopicHost, logger: Logger, opts: SchemaRegistryOptions = {}): Promise<RunningSchemaRegistry> {
  const topic = new ClusterSchemasTopic(cluster);
  const registry = new SchemaRegistry(SCHEMA_PROVIDERS, { append: (records) => topic.write(records) });
  let replayed = 0;
  for (const r of topic.records()) {
    registry.apply(r.key, r.value);
    replayed++;
  }
  const host = opts.host ?? '127.0.0.1';
  const server = await startSchemaRegistryServer(registry, { host, port: opts.port ?? DEFAULT_SCHEMA_REGISTRY_PORT });
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${server.port}`;
  logger.info(`schema registry listening on ${url} (state from ${replayed} record(s) of _schemas)`);
  return { url, registry, close: () => server.close() };
}
