/**
 * The page of a panel: the protocol's webviewHtml (strict CSP, the csp-nonce meta tag the toolkit reads, the bundle as
 * a nonce'd ES module) with a fresh 128-bit nonce per render. No vscode import.
 */
import * as crypto from 'node:crypto';
import { PanelKind, webviewHtml } from '../shared/webview-protocol';

function newNonce(): string {
  return crypto.randomBytes(16).toString('base64');
}

export function panelHtml(o: { panel: PanelKind; cspSource: string; scriptUri: string; title: string }): string {
  return webviewHtml({ panel: o.panel, cspSource: o.cspSource, nonce: newNonce(), scriptUri: o.scriptUri, title: o.title });
}
