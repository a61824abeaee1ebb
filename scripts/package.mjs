// `npm run package`: the extension's .vsix files, made with @vscode/vsce from the esbuild bundles.
//
// Targets. The only native code the extension can load is the optional CRC-32C addon (native/crc32c, an N-API
// module, x86-64 only: SSE 4.2 and, where the CPU has them, AVX-512 VPCLMULQDQ, chosen at run time); everything else
// is JavaScript bundled into dist/. So there are two packages:
//   tributary-<version>-universal.vsix   no native code: CRC-32C in JavaScript (src/broker/records/crc32c.ts). It
//                                         installs on every platform VS Code runs on (Windows, macOS, Linux on
//                                         arm, Alpine, ...) and is the one to use where no targeted package exists.
//   tributary-<version>-linux-x64.vsix   the same plus the addon built here (`--target linux-x64`, what VS Code on
//                                         x86-64 glibc Linux, and a remote/code-server host there, picks). It needs
//                                         N-API 8 and no particular glibc (the addon imports no versioned symbol);
//                                         a CPU without SSE 4.2 gets the JavaScript CRC.
// The addon can only be built for the machine that packages (node-gyp, no cross-compiling), so the targeted package
// is the host's: linux-x64 on CI; on an x86-64 Mac or Windows machine darwin-x64 or win32-x64, on x86-64 Alpine
// alpine-x64. Where the addon does not build, only the universal package is made.
// The packages carry no node_modules at all (`dependencies: false`): dist/*.js must be self-contained, which is
// checked below, and test/e2e/package.test.ts installs each .vsix and runs it. (@node-rs/crc32, a prebuilt CRC-32C
// per platform, was never packaged and was removed on 2026-12-06: bench/RESULTS.md has the figures.)
//
// Usage: npm run package [-- --out DIR] [-- --target universal|<host target>]...   (default: both, into the repo root)
// Each package's file list is checked against what the extension loads: package.json, README.md, the three bundles,
// media/ (every path package.json names there included) and, in the targeted one, the addon; anything else fails.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(ROOT);
const require = createRequire(import.meta.url);
const started = Date.now();

const ADDON = 'native/crc32c/build/Release/crc32c.node';
const BUNDLES = ['dist/extension.js', 'dist/worker.js', 'dist/webview.js'];
/** What the bundles may still require at run time: VS Code's API. */
const RUNTIME_EXTERNALS = new Set(['vscode']);

function fail(message) {
  console.error(`npm run package: ${message}`);
  process.exit(1);
}

function parseArgs(argv) {
  const o = { out: ROOT, targets: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') o.out = path.resolve(argv[++i] ?? fail('--out needs a directory'));
    else if (argv[i] === '--target') o.targets.push(argv[++i] ?? fail('--target needs a target'));
    else fail(`unknown argument ${argv[i]} (usage: npm run package [-- --out DIR] [-- --target T]...)`);
  }
  return o;
}

/** VS Code's name for this machine's platform (what `--target` takes), or undefined where it has none. */
function hostTarget() {
  const arch = { x64: 'x64', arm64: 'arm64', arm: 'armhf' }[process.arch];
  if (!arch) return undefined;
  if (process.platform === 'linux') return `${process.report.getReport().header.glibcVersionRuntime ? 'linux' : 'alpine'}-${arch}`;
  if (process.platform === 'darwin' || process.platform === 'win32') return `${process.platform}-${arch}`;
  return undefined;
}

/** The addon, when it is built and computes CRC-32C on this CPU (it exports nothing without SSE 4.2). */
function addonWorks() {
  if (!existsSync(ADDON)) return false;
  try {
    const m = require(path.join(ROOT, ADDON));
    return typeof m.crc32c === 'function' && m.crc32c(Buffer.from('123456789'), 0, 9) >>> 0 === 0xe3069283;
  } catch {
    return false;
  }
}

/**
 * Every module a bundle loads at run time that no package carries: for the Node bundles a require() of anything but
 * Node's own modules and the two allowed above; for the webview (an ES module loaded alone) any import at all. Import
 * statements are looked for in the ES module only: in a CommonJS bundle they cannot be code, and text that looks like
 * one is data (the Protobuf import lines of the well-known schemas the schema registry carries).
 */
function unbundledModules(file) {
  const builtin = new Set(builtinModules);
  const text = readFileSync(file, 'utf8');
  const found = new Set();
  const esm = file === 'dist/webview.js';
  for (const m of esm ? text.matchAll(/(?:^|[;\n])\s*(?:import|export)\b[^;\n]*?\bfrom\s*"([^"]+)"|\bimport\s*\(\s*"([^"]+)"\s*\)|(?:^|[;\n])\s*import\s*"([^"]+)"/g) : []) {
    found.add(m[1] ?? m[2] ?? m[3]);
  }
  // A dynamic import() is code in either kind of bundle.
  if (!esm) for (const m of text.matchAll(/\bimport\s*\(\s*"([^"]+)"\s*\)/g)) found.add(m[1]);
  // A require call in code, not inside a string (ajv keeps 'require("ajv/dist/runtime/equal")' as text for its
  // standalone code generation, which the extension never uses).
  for (const m of text.matchAll(/(?<!['"`\w$.])require\("([^"]+)"\)/g)) {
    const id = m[1].replace(/^node:/, '');
    if (!builtin.has(id) && !builtin.has(id.split('/')[0]) && !RUNTIME_EXTERNALS.has(id)) found.add(m[1]);
  }
  return [...found];
}

/** Every file the manifest points at under media/ or dist/ (the entry, icons, grammars, walkthrough pages). */
function manifestFiles(manifest) {
  const out = new Set([manifest.main.replace(/^\.\//, '')]);
  const walk = (v) => {
    if (typeof v === 'string') {
      const p = v.replace(/^\.\//, '');
      if (/^(media|dist)\//.test(p)) out.add(p);
    } else if (v && typeof v === 'object') for (const x of Object.values(v)) walk(x);
  };
  walk(manifest.contributes);
  return [...out];
}

const filesUnder = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name).split(path.sep).join('/')]));

/** What a package must hold, exactly: anything missing or more is an error. */
function expectedFiles(manifest, withAddon) {
  return new Set(['package.json', 'README.md', ...BUNDLES, ...filesUnder('media'), ...manifestFiles(manifest), ...(withAddon ? [ADDON] : [])]);
}

function checkFileList(name, files, expected) {
  const have = new Set(files);
  const missing = [...expected].filter((f) => !have.has(f));
  const extra = files.filter((f) => !expected.has(f));
  const problems = [
    ...missing.map((f) => `missing ${f}${existsSync(f) ? '' : ' (it does not exist: is it built?)'}`),
    ...extra.map((f) => `${f} should not be in it (.vscodeignore lists what goes in)`),
  ];
  const shown = problems.length > 20 ? [...problems.slice(0, 20), `... and ${problems.length - 20} more`] : problems;
  if (problems.length) fail(`${name}:\n  ${shown.join('\n  ')}`);
}

const opts = parseArgs(process.argv.slice(2));
const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
const host = hostTarget();

// One build for every package: the bundles and, where it builds, the addon.
const build = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
if (build.status !== 0) fail('node scripts/build.mjs failed');
for (const f of BUNDLES) {
  const needs = unbundledModules(f);
  if (needs.length) fail(`${f} loads ${needs.join(', ')} at run time, which no .vsix carries: bundle it (scripts/build.mjs)`);
}

const haveAddon = host !== undefined && addonWorks();
const targets = opts.targets.length ? opts.targets : ['universal', ...(haveAddon ? [host] : [])];
for (const t of targets) {
  if (t === 'universal') continue;
  if (t !== host) fail(`--target ${t}: its CRC-32C addon can only be built on ${t} (this machine is ${host ?? 'none of VS Code\'s targets'}); the universal package serves it`);
  if (!haveAddon) fail(`--target ${t}: ${ADDON} did not build or does not load here (see the build's warning); the universal package serves ${t}`);
}

const { createVSIX, listFiles, PackageManager } = require('@vscode/vsce');
// The options `vsce package` would take as flags: no node_modules (the bundles are self-contained), no LICENSE file
// or repository URL yet (package.json names the licence), and the README's relative links kept as they are.
const vsceOptions = { cwd: ROOT, dependencies: false, skipLicense: true, allowMissingRepository: true, rewriteRelativeLinks: false };
mkdirSync(opts.out, { recursive: true });
const made = [];
for (const target of targets) {
  const withAddon = target !== 'universal';
  // The targeted package is .vscodeignore's list plus the addon.
  let ignoreFile = path.join(ROOT, '.vscodeignore');
  if (withAddon) {
    ignoreFile = path.join(tmpdir(), `tributary-vscodeignore-${process.pid}-${target}`);
    writeFileSync(ignoreFile, `${readFileSync('.vscodeignore', 'utf8')}\n!${ADDON}\n`);
  }
  try {
    const files = await listFiles({ ...vsceOptions, packageManager: PackageManager.None, ignoreFile });
    checkFileList(`the ${target} package`, files, expectedFiles(manifest, withAddon));
    const packagePath = path.join(opts.out, `${manifest.name}-${manifest.version}-${target}.vsix`);
    rmSync(packagePath, { force: true });
    await createVSIX({ ...vsceOptions, packagePath, ignoreFile, ...(withAddon ? { target } : {}) });
    made.push(`${path.relative(process.cwd(), packagePath) || packagePath} (${(statSync(packagePath).size / 1048576).toFixed(2)} MB)`);
  } finally {
    if (withAddon) rmSync(ignoreFile, { force: true });
  }
}
console.log(`packaged in ${((Date.now() - started) / 1000).toFixed(1)} s: ${made.join(', ')}`);
if (!targets.includes(host ?? '') && !opts.targets.length) console.log(`(no ${host ?? 'targeted'} package: the CRC-32C addon is not built here; the universal package uses the JavaScript CRC-32C)`);
