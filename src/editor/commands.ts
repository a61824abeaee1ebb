/**
 * The editor's commands: Produce Selection, Produce File, and the lenses' internal run-block command.
 *
 * Produce Selection in a `.kafka` file runs the blocks the selections touch (or the block at the cursor); in any
 * other file it produces each selection's text (the line at the cursor when nothing is selected) as one record's
 * value to a topic chosen from a list, or typed.
 */
import * as vscode from 'vscode';
import { integerProblem } from '../commands/pick';
import { validateTopicName } from '../broker/config/topic-name';
import type { TributaryApi } from '../clusters/tributary-api';
import { KafkaBlock, MAX_COUNT, ProduceSpec, blockAt, blocksIn } from './kafka-file';
import { parsed } from './parsed';
import { plural } from './records';
import type { KafkaRunner } from './runner';
import type { TopicCache } from './topic-cache';
import { RUN_BLOCK, RunMode } from './codelens';

const PRODUCE_SELECTION = 'tributary.produceSelection';
const PRODUCE_FILE = 'tributary.produceFile';

export function registerEditorCommands(context: vscode.ExtensionContext, api: TributaryApi, runner: KafkaRunner, topics: TopicCache): void {
  let lastTimes = 100;

  const runBlock = async (uri: string, line: number, mode: RunMode) => {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri) ?? (await vscode.workspace.openTextDocument(vscode.Uri.parse(uri)));
    const block = blockAt(parsed(doc), line);
    if (!block) return;
    if (mode === 'produceTimes') {
      const text = await vscode.window.showInputBox({
        title: `Produce ×N to ${block.topic}`,
        prompt: `How many records? {{i}} counts them from 0 in this run, {{seq}} goes on from the last run.`,
        value: String(lastTimes),
        validateInput: (v) => integerProblem(v, 1, MAX_COUNT),
      });
      if (text === undefined) return;
      lastTimes = Number(text.trim());
      await runner.run(doc, block, { count: lastTimes, progress: true });
      return;
    }
    await runner.run(doc, block);
  };

  /** Runs blocks in order, stopping at the first failure; one notification at the end when there are several. */
  const runBlocks = async (doc: vscode.TextDocument, blocks: KafkaBlock[]) => {
    const broken = blocks.filter((b) => !b.request);
    if (broken.length > 0) {
      const p = broken[0].problems.find((x) => x.severity === 'error');
      void vscode.window.showErrorMessage(`${plural(broken.length, 'block')} ${broken.length === 1 ? 'has' : 'have'} errors; nothing was run.${p ? ` Line ${p.line + 1}: ${p.message}` : ''}`);
      return;
    }
    if (blocks.length === 1) {
      await runner.run(doc, blocks[0]);
      return;
    }
    let records = 0;
    for (const [n, b] of blocks.entries()) {
      const r = await runner.run(doc, b, { quiet: true });
      if (!r.ok || r.cancelled) {
        if (n > 0) void vscode.window.showWarningMessage(`Stopped at block ${n + 1} of ${blocks.length} (line ${b.requestLine + 1}).`);
        return;
      }
      records += r.records;
    }
    void vscode.window.showInformationMessage(`Ran ${plural(blocks.length, 'block')} of ${vscode.workspace.asRelativePath(doc.uri)}: ${plural(records, 'record')} produced or consumed.`);
  };

  const produceSelection = async () => {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showInformationMessage('Open a .kafka file, or select text to produce as a record value.');
      return;
    }
    const doc = editor.document;
    if (doc.languageId === 'kafka') {
      const file = parsed(doc);
      const chosen = new Map<number, KafkaBlock>();
      for (const sel of editor.selections) {
        const found = sel.isEmpty ? [blockAt(file, sel.active.line)].filter((b): b is KafkaBlock => !!b) : blocksIn(file, sel.start.line, sel.end.line);
        for (const b of found) chosen.set(b.index, b);
      }
      if (chosen.size === 0) {
        void vscode.window.showInformationMessage('No PRODUCE or CONSUME block at the cursor.');
        return;
      }
      await runBlocks(doc, [...chosen.values()].sort((a, b) => a.index - b.index));
      return;
    }
    const values = editor.selections.map((s) => (s.isEmpty ? doc.lineAt(s.active.line).text : doc.getText(s))).filter((v) => v.length > 0);
    if (values.length === 0) {
      void vscode.window.showInformationMessage('Select the text to produce as a record value.');
      return;
    }
    const topic = await pickOrTypeTopic(topics, values.length);
    if (!topic) return;
    const broker = await api.broker();
    if (!broker) return;
    // The selection is sent as written: '{{' in it is text, not a helper.
    for (const value of values) {
      const spec: ProduceSpec = { kind: 'produce', topic, count: 1, headers: [], value: { source: value, parts: [value], constant: true } };
      const r = await runner.produce(broker, spec, `selection:${topic}`);
      if (!r.ok) return;
    }
  };

  const produceFile = async (uri?: vscode.Uri) => {
    const doc = uri instanceof vscode.Uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
    if (!doc || doc.languageId !== 'kafka') {
      void vscode.window.showInformationMessage('Produce File runs the blocks of a .kafka file: open one first.');
      return;
    }
    const blocks = parsed(doc).blocks;
    if (blocks.length === 0) {
      void vscode.window.showInformationMessage('This file has no PRODUCE or CONSUME block.');
      return;
    }
    await runBlocks(doc, blocks);
  };

  context.subscriptions.push(
    vscode.commands.registerCommand(RUN_BLOCK, (uri: string, line: number, mode: RunMode) => runBlock(uri, line, mode)),
    vscode.commands.registerCommand(PRODUCE_SELECTION, produceSelection),
    vscode.commands.registerCommand(PRODUCE_FILE, produceFile),
  );
}

/** A topic from the broker's list, or a new name typed in the same box (produce creates it, as Kafka clients do). */
async function pickOrTypeTopic(topics: TopicCache, records: number): Promise<string | undefined> {
  const list = (await topics.get()).filter((t) => !t.internal);
  const qp = vscode.window.createQuickPick();
  qp.title = `Produce ${plural(records, 'record')} to…`;
  qp.placeholder = 'Topic (type a new name to create it)';
  const base = list.map((t) => ({ label: t.name, description: `${t.partitions} partition${t.partitions === 1 ? '' : 's'}` }));
  qp.items = base;
  qp.onDidChangeValue((v) => {
    let problem: string | undefined;
    try {
      validateTopicName(v);
    } catch (e) {
      problem = (e as Error).message;
    }
    qp.items = v && !list.some((t) => t.name === v) ? [{ label: v, description: problem ? `✗ ${problem}` : 'new topic' }, ...base] : base;
  });
  return new Promise<string | undefined>((resolve) => {
    qp.onDidAccept(() => {
      const name = qp.selectedItems[0]?.label ?? qp.value;
      try {
        validateTopicName(name);
      } catch {
        return; // the typed item's description says why
      }
      resolve(name);
      qp.hide();
    });
    qp.onDidHide(() => {
      resolve(undefined);
      qp.dispose();
    });
    qp.show();
  });
}
