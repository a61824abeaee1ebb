/**
 * The read-only documents CONSUME opens: `tributary-records:` URIs whose text is kept here until the document is
 * closed. Their names end in `.kafka`, so they get the language's colours (`###` record lines, `#` metadata).
 */
import * as vscode from 'vscode';

export const RECORDS_SCHEME = 'tributary-records';

export class RecordsDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private next = 1;
  private readonly closing: vscode.Disposable;

  constructor() {
    this.closing = vscode.workspace.onDidCloseTextDocument((d) => {
      if (d.uri.scheme === RECORDS_SCHEME) this.texts.delete(d.uri.toString());
    });
  }

  /** Keeps a text and gives the URI that opens it. */
  add(title: string, text: string): vscode.Uri {
    const safe = title.replace(/[\\/:*?"<>|#]/g, '_');
    const uri = vscode.Uri.from({ scheme: RECORDS_SCHEME, path: `/${safe} (${this.next++}).kafka` });
    this.texts.set(uri.toString(), text);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '# These records are no longer available: run the CONSUME again.';
  }

  dispose(): void {
    this.closing.dispose();
    this.texts.clear();
  }
}
