/** CodeLens over each `.kafka` block: Produce, Produce ×N… and Consume, or the block's first problem. */
import * as vscode from 'vscode';
import { RECORDS_SCHEME } from './records-documents';
import { parsed } from './parsed';
import { plural } from './records';

/** The internal command the lenses run: (document URI, request line, mode). Not in the command palette. */
export const RUN_BLOCK = 'tributary.runKafkaBlock';
export type RunMode = 'produce' | 'produceTimes' | 'consume';

export class KafkaCodeLensProvider implements vscode.CodeLensProvider {
  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (doc.uri.scheme === RECORDS_SCHEME) return [];
    const lenses: vscode.CodeLens[] = [];
    for (const b of parsed(doc).blocks) {
      const range = new vscode.Range(b.requestLine, 0, b.requestLine, 0);
      const args = (mode: RunMode) => [doc.uri.toString(), b.requestLine, mode];
      const errors = b.problems.filter((p) => p.severity === 'error');
      if (!b.request) {
        lenses.push(
          new vscode.CodeLens(range, {
            title: `$(error) ${plural(errors.length, 'problem')}: ${errors[0]?.message ?? 'see Problems'}`,
            command: 'workbench.actions.view.problems',
            tooltip: 'Fix the problems to run this block',
          }),
        );
        continue;
      }
      const r = b.request;
      if (r.kind === 'produce') {
        const what = `${plural(r.count, 'record')} to ${r.topic}${r.key ? ' (keyed: partitioned by murmur2 of the key, as Kafka clients do)' : ''}${r.partition !== undefined ? `, partition ${r.partition}` : ''}`;
        lenses.push(new vscode.CodeLens(range, { title: 'Produce', command: RUN_BLOCK, arguments: args('produce'), tooltip: `Produce ${what}` }));
        lenses.push(new vscode.CodeLens(range, { title: 'Produce ×N…', command: RUN_BLOCK, arguments: args('produceTimes'), tooltip: 'Produce this block N times (asks N); {{i}} and {{seq}} count the records' }));
      } else {
        lenses.push(new vscode.CodeLens(range, { title: 'Consume', command: RUN_BLOCK, arguments: args('consume'), tooltip: `Read up to ${r.max} records per partition of ${r.topic} into a read-only document` }));
      }
    }
    return lenses;
  }
}
