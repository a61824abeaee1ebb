// Bundles the extension host, the broker worker, the command line and the webview with esbuild.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const common = { bundle: true, sourcemap: true, logLevel: 'warning', target: 'node20' };

const entries = [
  { entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs', external: ['vscode', '@node-rs/crc32'] },
  { entryPoints: ['src/broker/worker.ts'], outfile: 'dist/worker.js', platform: 'node', format: 'cjs', external: ['@node-rs/crc32'] },
  { entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs', external: ['@node-rs/crc32'] },
  { entryPoints: ['webview/src/main.ts'], outfile: 'dist/webview.js', platform: 'browser', format: 'esm', target: 'es2022' },
].filter((e) => existsSync(e.entryPoints[0]));

for (const e of entries) {
  const opts = { ...common, ...e };
  if (watch) await (await esbuild.context(opts)).watch();
  else await esbuild.build(opts);
}
if (!watch) console.log(`built ${entries.map((e) => e.outfile).join(', ')}`);
