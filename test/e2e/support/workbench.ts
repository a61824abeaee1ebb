/**
 * The setup the end-to-end suites share: a real VS Code (code-server) in Chromium with the extension installed into a
 * fresh extensions dir, a fresh user-data-dir and a workspace whose settings start the broker on free ports; plus the
 * small helpers every suite needs (waiting for a condition, the quick input, notifications, the command palette,
 * screenshots named per suite, the extension host's logs after a failure).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { CHROMIUM, CodeServer, RESULTS, buildExtension, codeServerEntry, extensionHostLogs, freePort, freePortRange, installExtension, installVsix, startCodeServer } from './code-server';

/** Why the end-to-end suites cannot run here (Chromium or code-server missing), or undefined when they can. */
export function e2eMissing(): string | undefined {
  const cs = codeServerEntry();
  const missing = [!fs.existsSync(CHROMIUM) ? `Chromium is not installed at ${CHROMIUM} (apt-get install chromium)` : '', 'missing' in cs ? cs.missing : ''].filter(Boolean);
  return missing.length ? missing.join('; ') : undefined;
}

/**
 * A suite's first step: skips the suite, saying why, when Chromium or code-server is missing (a failure under CI);
 * else removes the suite's earlier screenshots.
 */
export function skipUnlessE2e(ctx: Mocha.Context, screenshots: RegExp): void {
  const missing = e2eMissing();
  if (missing) {
    console.log(`    skipped: ${missing}`);
    ctx.skip();
  }
  clearScreenshots(screenshots);
}

/** A suite's afterEach: after a failed test, a screenshot named after it and the extension host's logs. */
export async function recordFailure(test: Mocha.Test | undefined, page: Page | undefined, screenshot: (name: string) => Promise<string>, userDataDir: string | undefined): Promise<boolean> {
  if (test?.state !== 'failed') return false;
  if (page) await screenshot(`failed-${test.title.replace(/\W+/g, '-').slice(0, 40)}`).catch(() => undefined);
  printExtensionHostLogs(userDataDir);
  return true;
}

/** Opens a workspace file with Quick Open (Ctrl+P) once the file is among its results. */
export async function quickOpen(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible' });
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
  await page.keyboard.press('Enter');
}

/** Polls `check` every 200 ms until it returns something other than undefined or false (exceptions count as "not yet"). */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
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
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The user settings of every run: no start page, tips, chat, minimap or telemetry in the way of the screenshots. */
export const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.view.alwaysShowHeaderActions': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.commandCenter.enabled': false,
  'editor.minimap.enabled': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'window.commandCenter': false,
};

export interface WorkbenchOptions {
  /** Files to create in the workspace, by relative path. */
  files?: Record<string, string>;
  /** More workspace settings (tributary.basePort and tributary.autoStart are always set). */
  workspaceSettings?: Record<string, unknown>;
  /** More user settings. */
  userSettings?: Record<string, unknown>;
  viewport?: { width: number; height: number };
  /**
   * A packaged extension to install with `code-server --install-extension` instead of the build of this checkout
   * (the run then starts code-server from the run's own folder, away from the repository's node_modules).
   */
  vsix?: string;
}

export interface Workbench {
  /** The temporary directory holding the user data, extensions and workspace of this run. */
  root: string;
  userDataDir: string;
  /** Where the extension is installed. */
  extensionDir: string;
  workspace: string;
  /** Where the broker's first node listens (the others on the next free ports). */
  basePort: number;
  server: CodeServer;
  browser: Browser;
  page: Page;
  /** Closes the browser and code-server; removes the run's directory unless `keep`. */
  close(keep: boolean): Promise<void>;
}

/**
 * (a) builds the extension (or takes the .vsix given), (b) installs it into a fresh extensions dir, (c) a fresh
 * user-data-dir and workspace, then starts code-server on a free port and opens it in Chromium; resolves once the
 * workbench shows.
 */
export async function startWorkbench(o: WorkbenchOptions = {}): Promise<Workbench> {
  const cs = codeServerEntry();
  if ('missing' in cs) throw new Error(cs.missing);
  if (!o.vsix) buildExtension();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-e2e-'));
  const userDataDir = path.join(root, 'user-data');
  const extensionsDir = path.join(root, 'extensions');
  const workspace = path.join(root, 'workspace');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
  const extensionDir = o.vsix ? installVsix(cs.entry, o.vsix, extensionsDir, userDataDir) : installExtension(extensionsDir);
  const basePort = await freePortRange(3);
  fs.writeFileSync(
    path.join(workspace, '.vscode', 'settings.json'),
    JSON.stringify({ 'tributary.basePort': basePort, 'tributary.autoStart': true, ...(o.workspaceSettings ?? {}) }, null, 2),
  );
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...USER_SETTINGS, ...(o.userSettings ?? {}) }, null, 2));
  for (const [name, text] of Object.entries(o.files ?? {})) {
    fs.mkdirSync(path.dirname(path.join(workspace, name)), { recursive: true });
    fs.writeFileSync(path.join(workspace, name), text);
  }

  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  try {
    server = await startCodeServer({ entry: cs.entry, port: await freePort(), userDataDir, extensionsDir, folder: workspace, cwd: o.vsix ? root : undefined });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const page = await browser.newPage({ viewport: o.viewport ?? { width: 1600, height: 1000 } });
    await page.goto(server.url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const s = server;
    const b = browser;
    return {
      root,
      userDataDir,
      extensionDir,
      workspace,
      basePort,
      server: s,
      browser: b,
      page,
      close: async (keep: boolean) => {
        await b.close().catch(() => undefined);
        await s.stop();
        if (!keep) fs.rmSync(root, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    throw e;
  }
}

/** Removes a suite's earlier screenshots from test-results/e2e (only those `mine` matches: suites share the folder). */
export function clearScreenshots(mine: RegExp): void {
  fs.mkdirSync(RESULTS, { recursive: true });
  for (const f of fs.readdirSync(RESULTS)) if (mine.test(f)) fs.rmSync(path.join(RESULTS, f), { force: true });
}

/** Numbered screenshots of the whole window: test-results/e2e/<prefix>NN-<name>.png. */
export function screenshotter(page: () => Page, prefix = ''): (name: string) => Promise<string> {
  let n = 0;
  return async (name: string) => {
    const file = path.join(RESULTS, `${prefix}${String(++n).padStart(2, '0')}-${name}.png`);
    await page().screenshot({ path: file });
    return file;
  };
}

/** Prints the extension host's logs (and Tributary's output channel) of a run: what went on when a step failed. */
export function printExtensionHostLogs(userDataDir: string | undefined): void {
  if (!userDataDir) return;
  for (const log of extensionHostLogs(userDataDir)) {
    if (/remoteexthost\.log$|Tributary/.test(log.file)) console.log(`\n----- ${log.file}\n${log.text.slice(-8000)}`);
  }
}

/** Types into the quick input once it shows `title` (each step of a multi-step input has its own), then Enter. */
export async function quickInput(page: Page, text: string, title?: string): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('input.input');
  await input.waitFor({ state: 'visible' });
  if (title) await widget.locator('.quick-input-title', { hasText: title }).waitFor();
  await page.waitForTimeout(150);
  await input.fill(text);
  await eventually(`the quick input to hold '${text}'`, async () => (await input.inputValue()) === text);
  await page.keyboard.press('Enter');
}

/** Picks the quick pick item whose label is exactly `label` (typing it to filter the list first). */
export async function quickPick(page: Page, label: string, placeholder?: RegExp): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('input.input');
  await input.waitFor({ state: 'visible' });
  if (placeholder) await eventually(`a quick pick asking ${placeholder}`, async () => placeholder.test((await input.getAttribute('placeholder')) ?? ''));
  await input.fill(label);
  const exact = new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  const item = widget.locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: exact }) });
  await item.first().waitFor();
  await item.first().click();
  await widget.waitFor({ state: 'hidden' });
}

/**
 * Runs a command from the command palette by its title as the palette shows it ("Tributary: Open Cluster View").
 * F1 reaches the workbench even when a webview has the focus (webviews pass keybindings on). A panel that opens and
 * takes the focus closes the palette; until the command is chosen, that is tried again.
 */
export async function runCommand(page: Page, title: string): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('input.input');
  const exact = new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  const item = widget.locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: exact }) });
  for (let attempt = 1; ; attempt++) {
    try {
      if (!(await input.isVisible())) await page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: 3000 });
      await input.fill(`>${title}`, { timeout: 3000 });
      await item.first().waitFor({ timeout: 5000 });
    } catch (e) {
      if (attempt >= 5) throw new Error(`could not choose '${title}' in the command palette: ${(e as Error).message}`, { cause: e });
      await page.waitForTimeout(300);
      continue;
    }
    await item.first().click();
    return;
  }
}

export async function notification(page: Page, pattern: RegExp, timeoutMs?: number): Promise<string> {
  return eventually(
    `a notification matching ${pattern}`,
    async () => {
      const texts = await page.locator('.notification-toast .notification-list-item-message').allInnerTexts();
      return texts.find((t) => pattern.test(t));
    },
    timeoutMs,
  );
}

/** A row of the Tributary tree: its label and description as shown. */
export interface TreeRow {
  label: string;
  description: string;
}

export const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Reading the sidebar tree: its rows, waiting for one, and a locator for one by its exact label. */
export function sidebarTree(page: () => Page): {
  rows(): Promise<TreeRow[]>;
  row(label: string, descriptionPattern?: RegExp, timeoutMs?: number): Promise<TreeRow>;
  rowLocator(label: string): Locator;
} {
  const view = () => page().locator('.part.sidebar');
  const rows = async (): Promise<TreeRow[]> =>
    view()
      .locator('.monaco-list-row')
      .evaluateAll((els) =>
        els.map((el) => ({
          label: (el.querySelector('.label-name') as HTMLElement | null)?.innerText.trim() ?? '',
          description: (el.querySelector('.label-description') as HTMLElement | null)?.innerText.trim() ?? '',
        })),
      );
  const row = (label: string, descriptionPattern?: RegExp, timeoutMs?: number): Promise<TreeRow> =>
    eventually(
      `a tree row '${label}'${descriptionPattern ? ` matching ${descriptionPattern}` : ''}`,
      async () => (await rows()).find((r) => r.label === label && (!descriptionPattern || descriptionPattern.test(r.description))),
      timeoutMs,
    ).catch(async (e) => {
      throw new Error(`${(e as Error).message}\nrows now:\n${(await rows()).map((r) => `  ${r.label} | ${r.description}`).join('\n')}`, { cause: e });
    });
  const rowLocator = (label: string): Locator => view().locator('.monaco-list-row', { has: page().locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) });
  return { rows, row, rowLocator };
}
