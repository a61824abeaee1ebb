/** What the host tests share: where the built worker is, waiting for a condition, fake workers. */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const ROOT = path.join(__dirname, '..', '..', '..', '..');
export const WORKER = path.join(ROOT, 'dist', 'worker.js');
export const CLI = path.join(ROOT, 'scripts', 'tributary.js');

/** The host tests run the bundled worker, as VS Code does: `node scripts/build.mjs` (npm test builds first). */
export function requireBuiltWorker(): string {
  if (!fs.existsSync(WORKER)) throw new Error(`${WORKER} is missing: run \`node scripts/build.mjs\` before these tests`);
  return WORKER;
}

/** Polls until `check` returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function eventually<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Writes a worker script that speaks the RPC protocol badly on purpose (never answers, crashes...). */
export function fakeWorker(dir: string, name: string, body: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(
    file,
    `'use strict';\nconst { parentPort } = require('node:worker_threads');\n` +
      `const status = { clusterId: 'fake', dataDir: '/nowhere', bootstrap: '127.0.0.1:1', controllerId: 0, nodes: [] };\n${body}\n`,
  );
  return file;
}
