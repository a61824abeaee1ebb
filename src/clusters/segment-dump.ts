/**
 * "Open Segment": the `tributary dump-log` text of one .log, .index or .timeindex file, produced in a throwaway worker
 * thread (dist/worker.js in its dump-log mode) so that a large segment blocks neither the extension host nor the
 * broker. Capped at `maxLines`; a dump that runs past its time limit is ended.
 */
import { Worker } from 'node:worker_threads';
import { BrokerError, DumpToHost, WorkerInit } from '../broker/rpc';

interface SegmentDump {
  lines: string[];
  /** The dump stopped at maxLines. */
  truncated: boolean;
  /** dump-log's exit code: 1 when the file could not be read at all. */
  exitCode: number;
}

interface SegmentDumpOptions {
  /** Kafka's --print-data-log: keys and values as text. Default true. */
  printData?: boolean;
  /** Default 20,000. */
  maxLines?: number;
  /** Default 60 s. */
  timeoutMs?: number;
}

export function dumpSegmentFile(workerPath: string, file: string, opts: SegmentDumpOptions = {}): Promise<SegmentDump> {
  const init: WorkerInit = { kind: 'dump-log', file, printData: opts.printData ?? true, maxLines: opts.maxLines ?? 20_000 };
  return new Promise<SegmentDump>((resolve, reject) => {
    const lines: string[] = [];
    let settled = false;
    const worker = new Worker(workerPath, { workerData: init });
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      f();
    };
    const timeoutMs = opts.timeoutMs ?? 60_000;
    const timer = setTimeout(() => settle(() => resolve({ lines: [...lines, `... stopped after ${Math.round(timeoutMs / 1000)} s`], truncated: true, exitCode: 0 })), timeoutMs);
    worker.on('message', (m: DumpToHost) => {
      if (m.type === 'lines') lines.push(...m.lines);
      else if (m.type === 'done') settle(() => resolve({ lines, truncated: m.truncated, exitCode: m.exitCode }));
      else settle(() => reject(new BrokerError(m.error)));
    });
    worker.on('error', (e) => settle(() => reject(e)));
    worker.on('exit', (code) => settle(() => reject(new Error(`dump-log worker exited with code ${code} before it finished`))));
  });
}
