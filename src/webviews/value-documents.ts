/**
 * The panels' editors for values. Read-only ones for a record's whole key or value (consumer/openValue): a
 * TextDocumentContentProvider on the `tributary-value` scheme serving text the consumer panel's host put there. Each
 * open gets its own URI (named after the record, so the tab says which) and its content is dropped when the document
 * closes, the oldest first past MAX_DOCUMENTS. And editable ones for the producer's value (producer/editValue): an
 * untitled document whose changes go back to the panel until it closes.
 */
import * as vscode from 'vscode';
import type { LinkedDocument } from './panel-router';

const VALUE_SCHEME = 'tributary-value';
const MAX_DOCUMENTS = 32;

export class ValueDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private next = 0;
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly links = new Set<LinkedDocument>();

  constructor() {
    this.subscriptions.push(
      vscode.workspace.registerTextDocumentContentProvider(VALUE_SCHEME, this),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (d.uri.scheme === VALUE_SCHEME) this.contents.delete(d.uri.toString());
      }),
    );
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? 'This value is no longer available: open it again from the consumer panel.';
  }

  /** Shows `content` in a read-only editor titled `name` (a file name; its extension picks the language). */
  async open(content: string, name: string, language: string): Promise<void> {
    const safe = name.replace(/[\\/?#%]/g, '_');
    const uri = vscode.Uri.from({ scheme: VALUE_SCHEME, path: `/${safe}`, query: String(++this.next) });
    this.contents.set(uri.toString(), content);
    while (this.contents.size > MAX_DOCUMENTS) this.contents.delete(this.contents.keys().next().value as string);
    let doc = await vscode.workspace.openTextDocument(uri);
    if (doc.languageId !== language) doc = await vscode.languages.setTextDocumentLanguage(doc, language);
    await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
  }

  /** Opens `content` in a new untitled editor beside the panel; its changes and its closing are reported. */
  async edit(content: string, language: string, onChange: (text: string) => void, onClose: () => void): Promise<LinkedDocument> {
    const doc = await vscode.workspace.openTextDocument({ language, content });
    const listeners: vscode.Disposable[] = [];
    const link: LinkedDocument = {
      name: doc.uri.path.split('/').pop() || 'Untitled',
      dispose: () => {
        for (const l of listeners.splice(0)) l.dispose();
        this.links.delete(link);
      },
    };
    listeners.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === doc && e.contentChanges.length) onChange(doc.getText());
      }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (d !== doc) return;
        link.dispose();
        onClose();
      }),
    );
    this.links.add(link);
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: false });
    return link;
  }

  dispose(): void {
    for (const l of [...this.links]) l.dispose();
    for (const s of this.subscriptions.splice(0)) s.dispose();
    this.contents.clear();
  }
}
