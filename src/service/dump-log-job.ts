/**
 * `tributary dump-log` of one file for the sidebar's "Open Segment", run in a throwaway worker so that a 1 GB
 * segment neither blocks the extension host nor the broker. Lines go back in chunks; past `maxLines` the dump stops.
 */
import { dumpLog } from '../cli/dump-log';
import type { DumpToHost } from '../broker/rpc';
import { toRemoteError } from '../broker/rpc';

const CHUNK = 500;

class LineLimitReached extends Error {}

export async function runDumpLog(port: { postMessage(m: DumpToHost): void }, file: string, printData: boolean, maxLines: number): Promise<void> {
  let chunk: string[] = [];
  let count = 0;
  let truncated = false;
  const flush = () => {
    if (chunk.length > 0) port.postMessage({ type: 'lines', lines: chunk });
    chunk = [];
  };
  const out = (line: string) => {
    if (count >= maxLines) {
      truncated = true;
      // dumpLog reports a throwing `out` through `err`, which throws again: the walk ends here.
      throw new LineLimitReached();
    }
    count++;
    chunk.push(line);
    if (chunk.length >= CHUNK) flush();
  };
  try {
    const exitCode = await dumpLog([file], { printData, out, err: out });
    flush();
    port.postMessage({ type: 'done', exitCode, truncated });
  } catch (e) {
    flush();
    if (e instanceof LineLimitReached) port.postMessage({ type: 'done', exitCode: 0, truncated: true });
    else port.postMessage({ type: 'failed', error: toRemoteError(e) });
  }
}
