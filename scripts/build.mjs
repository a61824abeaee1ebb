// Bundles the extension host, the broker worker, the command line and the webview with esbuild.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const common = { bundle: true, sourcemap: true, logLevel: 'warning', target: 'node20' };

// Node bundles are CommonJS, where import.meta is empty: ES modules bundled into them (@platformatic/kafka) that use
// import.meta.url (createRequire, files beside the module) get the bundle's own file URL instead of undefined (the
// extension failed to activate with "Invalid URL"). @platformatic/wasm-utils reads ../dist/native.wasm beside itself:
// its "bundled" build, with the module inlined, is used instead.
const node = {
  platform: 'node',
  format: 'cjs',
  define: { 'import.meta.url': '__bundleFileUrl' },
  banner: { js: "const __bundleFileUrl = require('node:url').pathToFileURL(__filename).href;" },
  alias: { '@platformatic/wasm-utils': '@platformatic/wasm-utils/bundled' },
};

const entries = [
  { ...node, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode', '@node-rs/crc32'] },
  { ...node, entryPoints: ['src/broker/worker.ts'], outfile: 'dist/worker.js', external: ['@node-rs/crc32'] },
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', external: ['@node-rs/crc32'] },
  { entryPoints: ['webview/src/main.ts'], outfile: 'dist/webview.js', platform: 'browser', format: 'esm', target: 'es2022' },
].filter((e) => existsSync(e.entryPoints[0]));

for (const e of entries) {
  const opts = { ...common, ...e };
  if (watch) await (await esbuild.context(opts)).watch();
  else await esbuild.build(opts);
}
if (!watch) console.log(`built ${entries.map((e) => e.outfile).join(', ')}`);
