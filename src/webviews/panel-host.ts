/**
 * The small base of every panel's host: sets up a WebviewPanel (scripts on, resources only from dist/ and media/,
 * the page from webviewHtml with a fresh nonce and asWebviewUri(dist/webview.js)), connects it to the panel's
 * PanelRouter (messages in, posts out, visibility) and provides the router's PanelEnvironment: VS Code's
 * clipboard, messages, read-only editors and the Tributary log. Subclasses only say which router and title.
 */
import * as vscode from 'vscode';
import type { PanelKind } from '../shared/webview-protocol';
import { panelHtml } from './html';
import type { BrokerSource, PanelEnvironment, PanelRouter } from './panel-router';
import type { ValueDocuments } from './value-documents';
import { VIEW_TYPES } from './view-types';

/** What the panel hosts share. */
export interface PanelContext {
  readonly extensionUri: vscode.Uri;
  readonly broker: BrokerSource;
  readonly output: vscode.LogOutputChannel;
  readonly values: ValueDocuments;
}

/** Options every panel is created with; the consumer and segment panels keep their webview while hidden. */
function webviewOptions(ctx: PanelContext, retainContextWhenHidden: boolean): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableFindWidget: true,
    retainContextWhenHidden,
    localResourceRoots: [vscode.Uri.joinPath(ctx.extensionUri, 'dist'), vscode.Uri.joinPath(ctx.extensionUri, 'media')],
  };
}

export function createPanel(ctx: PanelContext, kind: PanelKind, title: string, retainContextWhenHidden: boolean): vscode.WebviewPanel {
  return vscode.window.createWebviewPanel(VIEW_TYPES[kind], title, { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, webviewOptions(ctx, retainContextWhenHidden));
}

export abstract class PanelHost implements vscode.Disposable {
  readonly router: PanelRouter;
  private readonly subscriptions: vscode.Disposable[] = [];
  private disposed = false;
  private readonly disposeListeners: Array<() => void> = [];

  protected constructor(
    protected readonly ctx: PanelContext,
    readonly panel: vscode.WebviewPanel,
    readonly kind: PanelKind,
    /** Identifies what the panel shows: one panel per key. */
    readonly key: string,
    makeRouter: (env: PanelEnvironment) => PanelRouter,
  ) {
    const webview = panel.webview;
    // A restored panel comes back with its options; they are set again in case the extension changed them.
    webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(ctx.extensionUri, 'dist'), vscode.Uri.joinPath(ctx.extensionUri, 'media')] };
    panel.iconPath = vscode.Uri.joinPath(ctx.extensionUri, 'media', 'tributary.svg');
    this.router = makeRouter(this.environment());
    this.subscriptions.push(
      webview.onDidReceiveMessage((m: unknown) => void this.router.handle(m)),
      panel.onDidChangeViewState((e) => this.router.setVisible(e.webviewPanel.visible)),
      panel.onDidDispose(() => this.dispose()),
    );
    this.router.setVisible(panel.visible);
    webview.html = panelHtml({
      panel: kind,
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(ctx.extensionUri, 'dist', 'webview.js')).toString(),
      title: panel.title,
    });
  }

  private environment(): PanelEnvironment {
    const out = this.ctx.output;
    return {
      post: (message) => (this.disposed ? false : this.panel.webview.postMessage(message)),
      copy: async (text, label) => {
        await vscode.env.clipboard.writeText(text);
        vscode.window.setStatusBarMessage(`$(copy) Copied ${label ?? `${text.length} characters`}`, 3000);
      },
      showMessage: (level, message) => {
        if (level === 'error') void vscode.window.showErrorMessage(message);
        else if (level === 'warning') void vscode.window.showWarningMessage(message);
        else void vscode.window.showInformationMessage(message);
      },
      openDocument: (content, name, language) => this.ctx.values.open(content, name, language),
      editDocument: (content, language, onChange, onClose) => this.ctx.values.edit(content, language, onChange, onClose),
      openExternal: (url) => vscode.env.openExternal(vscode.Uri.parse(url, true)),
      log: (level, message) => out[level](message),
    };
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  onDidDispose(listener: () => void): void {
    this.disposeListeners.push(listener);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.router.dispose();
    for (const s of this.subscriptions.splice(0)) s.dispose();
    for (const l of this.disposeListeners.splice(0)) l();
    this.panel.dispose();
  }
}
