/**
 * Producing from the editor: the `kafka` language's CodeLens (Produce, Produce ×N…, Consume), completion (verbs,
 * topics, parameters, helpers), diagnostics, the read-only documents of consumed records, and the commands
 * Produce Selection and Produce File. The format is parsed by kafka-file.ts (no vscode import, unit-tested).
 */
import * as vscode from 'vscode';
import type { TributaryApi } from '../clusters/tributary-api';
import { KafkaCodeLensProvider } from './codelens';
import { registerEditorCommands } from './commands';
import { KafkaCompletionProvider } from './completion';
import { registerDiagnostics } from './diagnostics';
import { RECORDS_SCHEME, RecordsDocuments } from './records-documents';
import { KafkaRunner } from './runner';
import { TopicCache } from './topic-cache';

const KAFKA_LANGUAGE = 'kafka';

/**
 * Registers everything; `output` is the extension's log channel (results and errors go there), else one of its own.
 * The broker is never started for completion: topics are listed only while it runs. Running a block is a need,
 * and starts it (TributaryApi.broker).
 */
export function registerKafkaEditor(context: vscode.ExtensionContext, api: TributaryApi, output?: vscode.LogOutputChannel): void {
  let out = output;
  if (!out) {
    out = vscode.window.createOutputChannel('Tributary Editor', { log: true });
    context.subscriptions.push(out);
  }
  const topics = new TopicCache(() => {
    if (api.state().kind !== 'running') return undefined;
    return api.broker().then((b) => (b ? b.listTopics() : []));
  });
  const documents = new RecordsDocuments();
  const runner = new KafkaRunner(api, out, documents);
  const selector: vscode.DocumentSelector = { language: KAFKA_LANGUAGE };
  const unsubscribeEvents = api.onEvent((e) => topics.handleEvent(e));
  const unsubscribeState = api.onState(() => topics.invalidate());

  context.subscriptions.push(
    documents,
    vscode.workspace.registerTextDocumentContentProvider(RECORDS_SCHEME, documents),
    vscode.languages.registerCodeLensProvider(selector, new KafkaCodeLensProvider()),
    vscode.languages.registerCompletionItemProvider(selector, new KafkaCompletionProvider(topics), ' ', '{', '='),
    { dispose: unsubscribeEvents },
    { dispose: unsubscribeState },
  );
  registerDiagnostics(context);
  registerEditorCommands(context, api, runner, topics);
}
