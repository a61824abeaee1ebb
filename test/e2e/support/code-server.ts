/**
 * A real VS Code for the end-to-end suite: code-server 4.100.3 (VS Code 1.100.3) as installed by
 * scripts/install-code-server.sh, started with a fresh user-data-dir, extensions dir and workspace per run, and the
 * extension installed into it as VS Code would unpack it (a `publisher.name-version` folder).
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const ROOT = path.join(__dirname, '..', '..', '..', '..');
export const CODE_SERVER_VERSION = '4.100.3';
export const CODE_SERVER_DIR = process.env.TRIBUTARY_CODE_SERVER ?? path.join(os.homedir(), '.cache', `code-server-${CODE_SERVER_VERSION}`);
export const CHROMIUM = process.env.TRIBUTARY_CHROMIUM ?? '/usr/bin/chromium';
export const RESULTS = path.join(ROOT, 'test-results', 'e2e');

/** The code-server entry point when the install is complete, else why not. */
export function codeServerEntry(): { entry: string } | { missing: string } {
  const entry = path.join(CODE_SERVER_DIR, 'package', 'out', 'node', 'entry.js');
  if (!fs.existsSync(path.join(CODE_SERVER_DIR, '.installed')) || !fs.existsSync(entry)) {
    return { missing: `code-server ${CODE_SERVER_VERSION} is not installed under ${CODE_SERVER_DIR} (run scripts/install-code-server.sh)` };
  }
  return { entry };
}

/** Builds the extension (`node scripts/build.mjs`), as the suite's first step. */
export function buildExtension(): void {
  const r = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`node scripts/build.mjs failed:\n${r.stdout}\n${r.stderr}`);
}

/**
 * Installs the built extension into `extensionsDir` as `tributary.tributary-<version>`: package.json, dist/, media/
 * and the CRC-32C addon where it is built (as the host's targeted .vsix carries it).
 */
export function installExtension(extensionsDir: string): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
  const target = path.join(extensionsDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`);
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target, { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(target, 'package.json'));
  for (const dir of ['dist', 'media']) fs.cpSync(path.join(ROOT, dir), path.join(target, dir), { recursive: true });
  const addon = 'native/crc32c/build/Release/crc32c.node';
  if (fs.existsSync(path.join(ROOT, addon))) fs.cpSync(path.join(ROOT, addon), path.join(target, addon));
  return target;
}

/**
 * Installs a .vsix as a user does, `code-server --install-extension FILE` into `extensionsDir`, and returns the
 * folder it unpacked to (`publisher.name-version`). Run from an empty folder with no NODE_PATH: nothing of the
 * repository is on the installed extension's module path.
 */
export function installVsix(entry: string, vsix: string, extensionsDir: string, userDataDir: string): string {
  fs.mkdirSync(extensionsDir, { recursive: true });
  const before = new Set(fs.readdirSync(extensionsDir));
  const r = spawnSync(process.execPath, [entry, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', vsix], {
    cwd: path.dirname(extensionsDir),
    env: isolatedEnv(),
    encoding: 'utf8',
    timeout: 60_000,
  });
  const said = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? r.error.message : ''}`.trim();
  if (r.status !== 0 || !/successfully installed/.test(said)) throw new Error(`code-server --install-extension ${vsix} failed (exit ${r.status}):\n${said}`);
  const added = fs.readdirSync(extensionsDir).filter((d) => !before.has(d) && fs.statSync(path.join(extensionsDir, d)).isDirectory());
  if (added.length !== 1) throw new Error(`installing ${vsix} added ${added.length} folders to ${extensionsDir}: ${added.join(', ')}`);
  return path.join(extensionsDir, added[0]);
}

/** This process's environment without what would let a child find modules outside its own folders. */
export function isolatedEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, VSCODE_PROXY_URI: '' };
  delete env.NODE_PATH;
  return env;
}

/** A port nothing listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** A base port whose next `count` ports are free: where the broker's nodes will listen. */
export async function freePortRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20000 + Math.floor(Math.random() * 30000);
    let ok = true;
    for (let i = 0; i < count && ok; i++) ok = await portFree(base + i);
    if (ok) return base;
  }
  throw new Error('no free port range found');
}

export interface CodeServer {
  url: string;
  process: ChildProcess;
  /** What code-server printed. */
  output: string[];
  stop(): Promise<void>;
}

export async function startCodeServer(opts: { entry: string; port: number; userDataDir: string; extensionsDir: string; folder: string; cwd?: string }): Promise<CodeServer> {
  const args = [
    opts.entry,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${opts.port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir',
    opts.userDataDir,
    '--extensions-dir',
    opts.extensionsDir,
    opts.folder,
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: isolatedEnv(), cwd: opts.cwd, detached: true });
  const output: string[] = [];
  const url = `http://127.0.0.1:${opts.port}/?folder=${encodeURIComponent(opts.folder)}`;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`code-server did not start within 60 s:\n${output.join('')}`)), 60_000);
    const onData = (d: Buffer) => {
      output.push(d.toString());
      if (/HTTP server listening on/.test(output.join(''))) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited with ${code}:\n${output.join('')}`));
    });
  });
  return {
    url,
    process: child,
    output,
    stop: async () => {
      if (child.exitCode !== null) return;
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      // Its own process group: the extension host and its broker worker go with it.
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        child.kill('SIGTERM');
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }, 10_000);
      await gone;
      clearTimeout(timer);
    },
  };
}

/** The extension host's logs of a run (logs/<session>/exthost<N>/remoteexthost.log and the like). */
export function extensionHostLogs(userDataDir: string): Array<{ file: string; text: string }> {
  const out: Array<{ file: string; text: string }> = [];
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/exthost/i.test(p) && e.name.endsWith('.log')) out.push({ file: p, text: fs.readFileSync(p, 'utf8') });
    }
  };
  walk(path.join(userDataDir, 'logs'));
  return out;
}
