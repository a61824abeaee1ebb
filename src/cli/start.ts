/** `tributary start`: the cluster and its listeners in the foreground until SIGINT or SIGTERM. */
import { Cluster } from '../broker/cluster';
import { consoleLogger } from '../broker/logger';
import { KafkaServer } from '../protocol/server/kafka-server';
import { initCompression } from '../broker/records/compression';

export interface StartOptions {
  dataDir: string;
  port?: number;
  nodes?: number;
  host?: string;
  config?: Record<string, string>;
}

export async function startBroker(opts: StartOptions): Promise<void> {
  // zstd's encoder is WebAssembly, which loads asynchronously: once, before any batch is written.
  await initCompression();
  const cluster = new Cluster({ dataDir: opts.dataDir, nodes: opts.nodes, config: opts.config, logger: consoleLogger });
  const server = new KafkaServer(cluster, { host: opts.host, basePort: opts.port });
  try {
    await server.start();
  } catch (e) {
    cluster.shutdown();
    throw e;
  }
  // Signal handlers go in before the "running" lines: whoever reads them may stop us at once.
  const stopped = new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      consoleLogger.info(`${signal}: shutting down`);
      server
        .stop()
        .catch((e) => consoleLogger.error(`closing listeners: ${(e as Error).message}`))
        .finally(() => {
          cluster.shutdown();
          resolve();
        });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  for (const l of server.listeners()) consoleLogger.info(`node ${l.nodeId} listening on ${l.host}:${l.port}`);
  process.stdout.write(`Tributary is running: ${cluster.nodes.length} node(s), data in ${opts.dataDir}\n`);
  process.stdout.write(`bootstrap servers: ${server.bootstrap()}\n`);
  await stopped;
}
