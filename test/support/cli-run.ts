/**
 * Runs one `tributary` command (the built scripts/tributary.js) as a user would, without blocking the test's event
 * loop (a kafkajs consumer in the test keeps its heartbeats while the command runs): its exit status, stdout as bytes
 * and text, stderr.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { TRIBUTARY_BIN } from './cli-broker';

export interface CliResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  /** stdout as written, for byte-exact checks. */
  bytes: Buffer;
  stderr: string;
}

export interface CliRun {
  child: ChildProcess;
  /** stdout so far. */
  output(): string;
  done: Promise<CliResult>;
}

/** Starts `tributary ARGS`; `input` is written to its stdin (then closed), else stdin is closed at once. */
export function startTributary(args: string[], input?: string | Buffer): CliRun {
  const child = spawn(process.execPath, [TRIBUTARY_BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout!.on('data', (d: Buffer) => out.push(d));
  child.stderr!.on('data', (d: Buffer) => err.push(d));
  child.stdin!.on('error', () => undefined);
  child.stdin!.end(input ?? '');
  const done = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (status, signal) => {
      const bytes = Buffer.concat(out);
      resolve({ status, signal, bytes, stdout: bytes.toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
  return { child, output: () => Buffer.concat(out).toString('utf8'), done };
}

/** Runs `tributary ARGS` to its end (killed after `timeoutMs`). */
export async function tributary(args: string[], input?: string | Buffer, timeoutMs = 30000): Promise<CliResult> {
  const run = startTributary(args, input);
  const timer = setTimeout(() => run.child.kill('SIGKILL'), timeoutMs);
  try {
    return await run.done;
  } finally {
    clearTimeout(timer);
  }
}

/** `${what}: status N` plus the output, for assertion messages. */
export function show(r: CliResult): string {
  return `status ${r.status}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}
