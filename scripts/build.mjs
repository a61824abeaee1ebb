// Bundles the extension host, the broker worker, the command line and the webview with esbuild.
import * as esbuild from 'esbuild';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const watch = process.argv.includes('--watch');

// The CRC-32C addon (native/crc32c): built once with npm's own node-gyp against this Node's headers. Optional: when
// it cannot be built (no compiler, not x86-64), src/broker/records/crc32c.ts falls back to JS.
function buildCrcAddon() {
  const built = 'native/crc32c/build/Release/crc32c.node';
  const stale = existsSync(built) && statSync(built).mtimeMs < statSync('native/crc32c/crc32c.c').mtimeMs;
  if (existsSync(built) && !stale && !process.argv.includes('--rebuild-native')) return;
  const npmRoot = spawnSync('npm', ['root', '-g'], { encoding: 'utf8' }).stdout?.trim() ?? '';
  const candidates = [path.join(npmRoot, 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'), '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js', '/usr/local/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'];
  const gyp = candidates.find((c) => c && existsSync(c));
  const nodeDir = path.dirname(path.dirname(process.execPath));
  const args = gyp ? [gyp, 'rebuild', ...(existsSync(path.join(nodeDir, 'include', 'node', 'node_api.h')) ? [`--nodedir=${nodeDir}`] : [])] : undefined;
  const r = args ? spawnSync(process.execPath, args, { cwd: 'native/crc32c', encoding: 'utf8' }) : undefined;
  if (!r || r.status !== 0) console.warn(`native/crc32c not built (${r ? (r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ') : 'node-gyp not found'}); CRC-32C uses JavaScript`);
}
if (!watch) buildCrcAddon();
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
  { ...node, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  // The worker's metafile (dist/worker.meta.json: every module in the bundle) is what test/unit/build/worker-bundle.test.ts
  // reads to check that it holds the codecs of the APIs the server serves and no others.
  { ...node, entryPoints: ['src/service/worker.ts'], outfile: 'dist/worker.js', metafile: true },
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js' },
  { entryPoints: ['webview/src/main.ts'], outfile: 'dist/webview.js', platform: 'browser', format: 'esm', target: 'es2022' },
].filter((e) => existsSync(e.entryPoints[0]));

for (const e of entries) {
  const opts = { ...common, ...e };
  if (watch) await (await esbuild.context(opts)).watch();
  else {
    const r = await esbuild.build(opts);
    if (r.metafile) writeFileSync(e.outfile.replace(/\.js$/, '.meta.json'), JSON.stringify(r.metafile));
  }
}
if (!watch) console.log(`built ${entries.map((e) => e.outfile).join(', ')}`);
