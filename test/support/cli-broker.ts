/** A standalone `tributary start` in a child process, as a user runs it in a terminal: the "remote" cluster of tests. */
import { spawn, ChildProcess } from 'node:child_process';
import * as path from 'node:path';

export const TRIBUTARY_BIN = path.join(__dirname, '..', '..', '..', 'scripts', 'tributary.js');

export interface CliBroker {
  child: ChildProcess;
  bootstrap: string;
  /** The schema registry's address once `tributary start` printed it (the line after the bootstrap one). */
  schemaRegistry(): string | undefined;
  output(): string;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

/** Starts `tributary start ARGS` and resolves once it printed its bootstrap line. */
export function startCliBroker(args: string[]): Promise<CliBroker> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TRIBUTARY_BIN, 'start', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const exited = new Promise<void>((r) => child.on('exit', () => r()));
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /bootstrap servers: (\S+)/.exec(out);
      if (m)
        resolve({
          child,
          bootstrap: m[1],
          schemaRegistry: () => /schema registry: (\S+)/.exec(out)?.[1],
          output: () => out,
          stop: async () => {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
            await exited;
          },
        });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`tributary start exited with ${code}: ${out}`)));
  });
}
