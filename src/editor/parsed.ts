/** Each `.kafka` document parsed once per version, shared by the CodeLens, completion, diagnostics and commands. */
import type * as vscode from 'vscode';
import { KafkaFile, parseKafkaFile } from './kafka-file';

const cache = new Map<string, { version: number; file: KafkaFile }>();

export function parsed(doc: vscode.TextDocument): KafkaFile {
  const key = doc.uri.toString();
  const hit = cache.get(key);
  if (hit && hit.version === doc.version) return hit.file;
  const file = parseKafkaFile(doc.getText());
  cache.set(key, { version: doc.version, file });
  return file;
}

export function forget(doc: vscode.TextDocument): void {
  cache.delete(doc.uri.toString());
}
