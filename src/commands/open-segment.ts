/** Open a segment, offset index or time index file as `tributary dump-log` output in a read-only editor. */
import * as vscode from 'vscode';
import { CommandArg, Services, isTreeNode } from './services';
import { dumpUri } from '../views/segment-document-provider';

export async function openSegment(s: Services, arg: CommandArg): Promise<void> {
  let file: string | undefined;
  if (typeof arg === 'string') file = arg;
  else if (isTreeNode(arg) && arg.ref.kind === 'file') file = arg.ref.path;
  else {
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: false,
      defaultUri: vscode.Uri.file(s.settings().settings.dataDirectory),
      filters: { 'Kafka log files': ['log', 'index', 'timeindex'] },
      openLabel: 'Dump',
      title: 'Tributary: open a segment file',
    });
    file = picked?.[0]?.fsPath;
  }
  if (!file) return;
  const uri = dumpUri(file);
  // An open dump of the same file is redone: the segment may have grown since.
  if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString())) s.dumps.refresh(uri);
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.languages.setTextDocumentLanguage(doc, 'log');
  await vscode.window.showTextDocument(doc, { preview: true });
}
