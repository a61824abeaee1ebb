/**
 * Runs the webview bundle in a real Chromium: a tiny HTTP server on 127.0.0.1 serves dist/webview.js, the fake
 * host (test/webview/fixtures/fake-host.ts, bundled here with esbuild), VS Code theme variables, and a shell page
 * built by the protocol's own webviewHtml() with the production CSP and a fresh nonce per page.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import * as crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { IpcMessage, PanelKind, webviewHtml } from '../../src/shared/webview-protocol';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const RESULTS_DIR = path.join(ROOT, 'test-results', 'webview');
export type Theme = 'light' | 'dark' | 'hc';

export function chromiumAvailable(): boolean {
  return fs.existsSync(CHROMIUM) && fs.existsSync(path.join(ROOT, 'dist', 'webview.js'));
}

export interface TestServer {
  origin: string;
  close(): Promise<void>;
}

function bundleFakeHost(): string {
  // esbuild is a devDependency; required lazily so that loading this module never needs it.
  const esbuild = require('esbuild') as typeof import('esbuild');
  const out = esbuild.buildSync({
    entryPoints: [path.join(ROOT, 'test', 'webview', 'fixtures', 'fake-host.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return out.outputFiles[0].text;
}

const THEME_KIND = { light: 'vscode-light', dark: 'vscode-dark', hc: 'vscode-high-contrast' } as const;

export async function startServer(): Promise<TestServer> {
  const fakeHost = bundleFakeHost();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const send = (status: number, type: string, body: string | Buffer) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    const m = /^\/panel\/(producer|consumer|group|segment|cluster|topicConfig)$/.exec(url.pathname);
    if (m) {
      const theme = (url.searchParams.get('theme') ?? 'dark') as Theme;
      const nonce = crypto.randomBytes(16).toString('base64');
      const origin = `http://${req.headers.host}`;
      return send(
        200,
        'text/html; charset=utf-8',
        webviewHtml({
          panel: m[1] as PanelKind,
          cspSource: origin,
          nonce,
          scriptUri: `${origin}/dist/webview.js`,
          title: `Tributary ${m[1]}`,
          preloadScripts: [`${origin}/fixtures/fake-host.js${url.search}`],
          stylesheets: [`${origin}/fixtures/theme-${theme}.css`],
          themeKind: THEME_KIND[theme] ?? 'vscode-dark',
          noCsp: url.searchParams.get('csp') === '0',
        }),
      );
    }
    if (url.pathname === '/favicon.ico') return send(204, 'image/x-icon', '');
    if (url.pathname === '/fixtures/fake-host.js') return send(200, 'text/javascript', fakeHost);
    const theme = /^\/fixtures\/(theme-(?:light|dark|hc)\.css)$/.exec(url.pathname);
    if (theme) return send(200, 'text/css', fs.readFileSync(path.join(ROOT, 'test', 'webview', 'fixtures', 'themes', theme[1])));
    const dist = /^\/dist\/(webview\.js(?:\.map)?)$/.exec(url.pathname);
    if (dist) return send(200, dist[1].endsWith('.map') ? 'application/json' : 'text/javascript', fs.readFileSync(path.join(ROOT, 'dist', dist[1])));
    send(404, 'text/plain', 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', ...extraArgs],
  });
}

export interface PanelPage {
  page: Page;
  /** Console errors and page errors seen so far. */
  problems: string[];
}

export interface OpenOptions {
  theme?: Theme;
  /** Extra query parameters for the fake host (scenario, maxRecords, ...). */
  query?: Record<string, string>;
  /** false: serve the page without its CSP (to prove escaping does not rely on it). */
  csp?: boolean;
  width?: number;
  height?: number;
}

const PANEL_TAG: Record<PanelKind, string> = {
  producer: 'tributary-producer',
  consumer: 'tributary-consumer',
  group: 'tributary-group-inspector',
  segment: 'tributary-segment-inspector',
  cluster: 'tributary-cluster-view',
  topicConfig: 'tributary-topic-configs',
};

export async function openPanel(browser: Browser, server: TestServer, panel: PanelKind, o: OpenOptions = {}): Promise<PanelPage> {
  const page = await browser.newPage({ viewport: { width: o.width ?? 1280, height: o.height ?? 800 } });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  const q = new URLSearchParams({ theme: o.theme ?? 'dark', ...(o.query ?? {}) });
  if (o.csp === false) q.set('csp', '0');
  await page.goto(`${server.origin}/panel/${panel}?${q}`);
  await page.waitForFunction((tag) => {
    const el = document.querySelector(tag) as (HTMLElement & { updateComplete?: Promise<unknown> }) | null;
    return !!el && !!el.shadowRoot && window.__fakeHost.sent.some((m) => m.method === 'core/webview/ready');
  }, PANEL_TAG[panel]);
  return { page, problems };
}

/** What the webview posted to the host with this method, in order. */
export async function sentMessages<P = unknown>(page: Page, method: string): Promise<Array<IpcMessage<P>>> {
  return page.evaluate((m) => window.__fakeHost.sent.filter((x) => x.method === m), method) as Promise<Array<IpcMessage<P>>>;
}

/** Types into a toolkit text field / text area (the native control inside its shadow root). */
export async function fillText(page: Page, selector: string, value: string): Promise<void> {
  await page.locator(`${selector} input, ${selector} textarea`).first().fill(value);
}

/** Picks an option of a toolkit dropdown the way a user does: open it, click the option. */
export async function choose(page: Page, selector: string, value: string): Promise<void> {
  await page.locator(selector).click();
  await page.locator(`${selector} vscode-option[value="${value}"]`).click();
}

/** CSP violations and JS errors the page reported (both must stay empty). */
export async function pageProblems(p: PanelPage): Promise<string[]> {
  const inPage = await p.page.evaluate(() => {
    const f = window.__fakeHost;
    return [...f.cspViolations.map((v) => `csp: ${v}`), ...f.errors.map((e) => `error: ${e}`)];
  });
  return [...p.problems, ...inPage];
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Waits for the panel's Lit render to settle after a change. */
export async function settle(page: Page): Promise<void> {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}
