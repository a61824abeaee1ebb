/**
 * Read-only documents holding `tributary dump-log` output of a segment, index or time index file
 * (tributary-dump:/<partition dir>/<file>?file=<absolute path>). Content providers' documents cannot be edited, and
 * the dump runs in a throwaway worker (src/clusters/segment-dump.ts).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { dumpSegmentFile } from '../clusters/segment-dump';

export const DUMP_SCHEME = 'tributary-dump';

export function dumpUri(file: string): vscode.Uri {
  // The path gives the editor tab a readable title ("00000000000000000000.log"); the query says which file.
  const title = `/${path.basename(path.dirname(file))}/${path.basename(file)}`;
  return vscode.Uri.from({ scheme: DUMP_SCHEME, path: title, query: new URLSearchParams({ file }).toString() });
}

export class SegmentDocumentProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changes = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changes.event;

  constructor(private readonly workerPath: string) {}

  /** Dumps the file again the next time its document is shown (a segment grows while the broker runs). */
  refresh(uri: vscode.Uri): void {
    this.changes.fire(uri);
  }

  dispose(): void {
    this.changes.dispose();
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const file = new URLSearchParams(uri.query).get('file');
    if (!file) return 'No file given.';
    try {
      const dump = await dumpSegmentFile(this.workerPath, file, { printData: true });
      const lines = dump.lines;
      if (dump.truncated) lines.push('', `... the dump stops here, after ${dump.lines.length} lines; run \`npx tributary dump-log --print-data-log ${file}\` for all of it.`);
      return lines.join('\n') + '\n';
    } catch (e) {
      return `Could not dump ${file}: ${(e as Error).message}\n`;
    }
  }
}
