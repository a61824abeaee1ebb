/**
 * Starts a real embedded broker (cluster + Kafka listeners on free loopback ports) for a test, in this process.
 * `bootstrap` is what real clients connect to.
 */
import type { Clock } from '../../src/broker/clock';
import { Cluster } from '../../src/broker/cluster';
import { KafkaServer } from '../../src/protocol/server/kafka-server';
import { MemoryLogger } from '../../src/broker/logger';
import { tmpDir, rm } from './tmp';
import { initCompression } from '../../src/broker/records/compression';
import type { ListenerSecurityOptions } from '../../src/broker/api';

export interface TestBroker {
  cluster: Cluster;
  server: KafkaServer;
  bootstrap: string;
  dataDir: string;
  logger: MemoryLogger;
  /** Stops listeners and the cluster (cleanly); `keepData` leaves the directory for a restart. */
  stop(keepData?: boolean): Promise<void>;
}

export async function startTestBroker(opts: { nodes?: number; config?: Record<string, string>; nodeConfig?: Record<number, Record<string, string>>; dataDir?: string; security?: ListenerSecurityOptions; clock?: Clock } = {}): Promise<TestBroker> {
  await initCompression();
  const dataDir = opts.dataDir ?? tmpDir('tributary-broker-');
  const logger = new MemoryLogger();
  const cluster = new Cluster({ dataDir, nodes: opts.nodes ?? 1, config: opts.config, nodeConfig: opts.nodeConfig, logger, clock: opts.clock });
  let server: KafkaServer;
  try {
    server = new KafkaServer(cluster, { basePort: 0, security: opts.security });
    await server.start();
  } catch (e) {
    // A refused security setting must not leave the data directory locked for the next test.
    cluster.shutdown();
    if (!opts.dataDir) rm(dataDir);
    throw e;
  }
  return {
    cluster,
    server,
    bootstrap: server.bootstrap(),
    dataDir,
    logger,
    async stop(keepData = false) {
      await server.stop();
      cluster.shutdown();
      if (!keepData) rm(dataDir);
    },
  };
}
