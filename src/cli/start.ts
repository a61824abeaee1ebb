/**
 * `tributary start`: the broker (the same BrokerService the extension runs in its worker) in the foreground until
 * SIGINT or SIGTERM, with its control socket open so that `tributary node` and `tributary fault` can reach it.
 */
import { BrokerService } from '../service/broker-service';
import { BrokerStartError } from '../broker/start-failure';
import { consoleLogger } from '../broker/logger';
import { serveControlSocket } from '../broker/control-socket';
import type { ListenerSecurityOptions } from '../broker/api';

interface StartOptions {
  dataDir: string;
  port?: number;
  nodes?: number;
  host?: string;
  config?: Record<string, string>;
  nodeConfig?: Record<number, Record<string, string>>;
  security?: ListenerSecurityOptions;
  schemaRegistry?: { port?: number };
}

export async function startBroker(opts: StartOptions): Promise<void> {
  const service = new BrokerService({ dataDir: opts.dataDir, nodes: opts.nodes, basePort: opts.port, host: opts.host, config: opts.config, nodeConfig: opts.nodeConfig, security: opts.security, schemaRegistry: opts.schemaRegistry, owner: 'tributary start' }, { logger: consoleLogger });
  let status;
  try {
    status = await service.start();
  } catch (e) {
    if (e instanceof BrokerStartError) throw new Error(e.failure.message, { cause: e });
    throw e;
  }
  let closeControl: () => Promise<void> = async () => {};
  try {
    closeControl = await serveControlSocket(service, opts.dataDir);
  } catch (e) {
    consoleLogger.warn(`the control socket could not be opened (${(e as Error).message}); tributary node/fault commands will not reach this broker`);
  }
  // Signal handlers go in before the "running" lines: whoever reads them may stop us at once.
  const stopped = new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      consoleLogger.info(`${signal}: shutting down`);
      closeControl()
        .then(() => service.stop())
        .catch((e) => consoleLogger.error(`shutting down: ${(e as Error).message}`))
        .finally(resolve);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  process.stdout.write(`Tributary is running: ${status.nodes.length} node(s), data in ${opts.dataDir}\n`);
  const protocol = opts.security?.protocol ?? 'PLAINTEXT';
  if (protocol !== 'PLAINTEXT') process.stdout.write(`security protocol: ${protocol} (clients set security.protocol=${protocol})\n`);
  process.stdout.write(`bootstrap servers: ${status.bootstrap}\n`);
  if (status.schemaRegistryUrl) process.stdout.write(`schema registry: ${status.schemaRegistryUrl}\n`);
  for (const w of status.warnings ?? []) process.stdout.write(`warning: ${w}\n`);
  await stopped;
}
