/** The parser's problems as VS Code diagnostics, refreshed as the document changes (debounced). */
import * as vscode from 'vscode';
import { RECORDS_SCHEME } from './records-documents';
import { forget, parsed } from './parsed';

export function registerDiagnostics(context: vscode.ExtensionContext): void {
  const collection = vscode.languages.createDiagnosticCollection('kafka');
  const timers = new Map<string, NodeJS.Timeout>();

  const update = (doc: vscode.TextDocument) => {
    if (doc.languageId !== 'kafka' || doc.uri.scheme === RECORDS_SCHEME) return;
    collection.set(
      doc.uri,
      parsed(doc).problems.map((p) => {
        const d = new vscode.Diagnostic(
          new vscode.Range(p.line, p.start, p.endLine, Math.max(p.end, p.endLine === p.line ? p.start + 1 : 0)),
          p.message,
          p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
        );
        d.source = 'kafka';
        return d;
      }),
    );
  };
  const later = (doc: vscode.TextDocument) => {
    const key = doc.uri.toString();
    clearTimeout(timers.get(key));
    timers.set(
      key,
      setTimeout(() => {
        timers.delete(key);
        update(doc);
      }, 250),
    );
  };

  context.subscriptions.push(
    collection,
    vscode.workspace.onDidOpenTextDocument(update),
    vscode.workspace.onDidChangeTextDocument((e) => later(e.document)),
    vscode.workspace.onDidCloseTextDocument((doc) => {
      clearTimeout(timers.get(doc.uri.toString()));
      collection.delete(doc.uri);
      forget(doc);
    }),
    { dispose: () => timers.forEach((t) => clearTimeout(t)) },
  );
  vscode.workspace.textDocuments.forEach(update);
}
