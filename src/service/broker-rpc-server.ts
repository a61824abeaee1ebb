/**
 * The worker's side of the RPC (src/broker/rpc.ts): runs a BrokerService, answers each request with its method's
 * result or error, and pushes the service's events. Written against a MessagePort-like object so that it can be
 * served from a worker thread (src/service/worker.ts) or over a MessageChannel.
 */
import type { BrokerServiceOptions } from '../broker/api';
import { BrokerService } from './broker-service';
import { BrokerStartError, classifyStartError } from '../broker/start-failure';
import { HostToWorker, WorkerToHost, answerRequest, isBrokerMethod } from '../broker/rpc';
import { serveControlSocket } from '../broker/control-socket';

interface RpcPort {
  postMessage(message: WorkerToHost): void;
  on(event: 'message', listener: (message: HostToWorker) => void): unknown;
  close(): void;
}

/** Serves until the host asks for `shutdown`; resolves once the broker has stopped (or failed to start). */
export function serveBroker(port: RpcPort, options: BrokerServiceOptions): Promise<void> {
  const service = new BrokerService(options);
  const post = (m: WorkerToHost) => {
    try {
      port.postMessage(m);
    } catch (e) {
      // Only plain data crosses; anything else is a bug worth a log line rather than a dead worker.
      console.error(`tributary worker: cannot send ${m.type}: ${(e as Error).message}`);
    }
  };
  const unsubscribe = service.onEvent((event) => post({ type: 'event', event }));
  let stopping = false;

  return new Promise<void>((resolve) => {
    const finish = () => {
      unsubscribe();
      port.close();
      resolve();
    };

    // The control socket, as `tributary start` serves it: `tributary status`, `node` and `fault` in a terminal reach
    // the broker that runs in VS Code on the same data directory.
    let closeControl: () => Promise<void> = async () => {};
    const started = service.start().then(
      async (status) => {
        try {
          closeControl = await serveControlSocket(service, options.dataDir);
        } catch (e) {
          service.logger.warn(`the control socket could not be opened (${(e as Error).message}); tributary status/node/fault will not reach this broker`);
        }
        post({ type: 'ready', status });
        return true;
      },
      (e: unknown) => {
        const failure = e instanceof BrokerStartError ? e.failure : classifyStartError(e, { dataDir: options.dataDir, basePort: options.basePort });
        post({ type: 'startFailed', failure });
        stopping = true;
        finish();
        return false;
      },
    );

    port.on('message', (m: HostToWorker) => {
      if (m.type === 'shutdown') {
        if (stopping) return;
        stopping = true;
        // A shutdown that arrives while the broker is still starting waits for the start to settle.
        void started
          .then((ok) => (ok ? closeControl().then(() => service.stop()) : undefined))
          .catch((e: unknown) => service.logger.error(`shutdown failed: ${(e as Error).stack ?? e}`))
          .finally(() => {
            post({ type: 'stopped', id: m.id });
            finish();
          });
        return;
      }
      if (m.type !== 'request') return;
      const { id, method } = m;
      if (stopping || !isBrokerMethod(method)) {
        post({ type: 'response', id, ok: false, error: { name: 'Error', message: stopping ? 'The broker is stopping.' : `Unknown broker method ${String(method)}` } });
        return;
      }
      void started.then(async () => post(await answerRequest(service, m)));
    });
  });
}
