/**
 * Runs the built `tributary` command line (scripts/tributary.js → dist/cli.js) as a child process, as a user would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

export const TRIBUTARY_BIN = path.join(__dirname, '..', '..', '..', 'scripts', 'tributary.js');

export interface RunningCli {
  child: ChildProcess;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  bootstrap: string;
  /** SIGTERM, and the exit as "code signal". */
  stop(): Promise<string>;
}

/** Starts `tributary start ARGS` and resolves once it printed its bootstrap line (rejects if it exits first). */
export function startCli(args: string[]): Promise<RunningCli> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TRIBUTARY_BIN, 'start', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const exited = new Promise<string>((r) => child.once('exit', (code, signal) => r(`${code} ${signal}`)));
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /bootstrap servers: (\S+)/.exec(out);
      if (m) {
        resolve({
          child,
          output: () => out,
          bootstrap: m[1],
          stop: () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((how) => reject(new Error(`tributary start exited (${how}): ${out}`)));
  });
}
