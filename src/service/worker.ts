/**
 * The broker's worker-thread entry (bundled as dist/worker.js). The extension host starts it with
 * `new Worker(dist/worker.js, { workerData: WorkerInit })`; it either serves the broker API over the RPC in
 * src/broker/rpc.ts until told to shut down, or runs one dump-log job.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { WorkerInit } from '../broker/rpc';
import { serveBroker } from './broker-rpc-server';
import { runDumpLog } from './dump-log-job';

const port = parentPort;
if (!port) throw new Error('src/service/worker.ts runs as a worker thread: new Worker("dist/worker.js", { workerData })');

const init = workerData as WorkerInit;
switch (init?.kind) {
  case 'broker':
    void serveBroker(port, init.options);
    break;
  case 'dump-log':
    void runDumpLog(port, init.file, init.printData, init.maxLines).finally(() => port.close());
    break;
  default:
    throw new Error(`tributary worker: unknown workerData ${JSON.stringify(init)}`);
}
