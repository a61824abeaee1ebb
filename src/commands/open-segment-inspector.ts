/**
 * Open the segment inspector: for a partition of the running broker (every replica's segments), or for a segment
 * file anywhere on disk (a .log, .index or .timeindex; a real Kafka log directory too). From the sidebar's partition
 * or segment file, the explorer's .log file, a path or { topic, partition } given, or picked.
 */
import * as vscode from 'vscode';
import { Services, brokerFor, isTreeNode } from './services';
import { segmentFileInfo } from '../broker/segment-dump';
import type { SegmentSource, WebviewPanels } from '../webviews';

const SEGMENT_FILE = /\.(log|index|timeindex)$/;

async function pickFile(s: Services): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    defaultUri: vscode.Uri.file(s.settings().settings.dataDirectory),
    filters: { 'Kafka segment files': ['log', 'index', 'timeindex'] },
    openLabel: 'Inspect',
    title: 'Tributary: inspect a segment file (any Kafka log directory)',
  });
  return picked?.[0]?.fsPath;
}

/** A partition of the running broker, or a file, chosen in a quick pick. */
async function pick(s: Services): Promise<SegmentSource | undefined> {
  const items: Array<vscode.QuickPickItem & { source?: SegmentSource }> = [{ label: '$(folder-opened) Open a segment file…', description: 'a .log file of any Kafka log directory' }];
  const api = s.lifecycle.api;
  if (api) {
    for (const t of await api.listTopics()) {
      for (let p = 0; p < t.partitions; p++) items.push({ label: `${t.name}-${p}`, description: t.internal ? 'internal' : undefined, source: { kind: 'partition', topic: t.name, partition: p } });
    }
  }
  const chosen = await vscode.window.showQuickPick(items, { placeHolder: 'Partition whose segments to inspect, or a segment file', matchOnDescription: true });
  if (!chosen) return undefined;
  if (chosen.source) return chosen.source;
  const file = await pickFile(s);
  return file ? { kind: 'file', file } : undefined;
}

function sourceOf(arg: unknown): SegmentSource | undefined {
  if (typeof arg === 'string') return { kind: 'file', file: arg };
  if (arg instanceof vscode.Uri) return { kind: 'file', file: arg.fsPath };
  if (isTreeNode(arg)) {
    const ref = arg.ref;
    if (ref.kind === 'file') return { kind: 'file', file: ref.path };
    if (ref.kind === 'partition') return { kind: 'partition', topic: ref.topic, partition: ref.partition };
    return undefined;
  }
  const o = arg as { topic?: unknown; partition?: unknown; node?: unknown } | undefined;
  if (o && typeof o.topic === 'string' && typeof o.partition === 'number') {
    return { kind: 'partition', topic: o.topic, partition: o.partition, ...(typeof o.node === 'number' ? { node: o.node } : {}) };
  }
  return undefined;
}

export async function openSegmentInspector(s: Services, panels: WebviewPanels, arg: unknown): Promise<void> {
  const source = sourceOf(arg) ?? (arg === undefined ? await pick(s) : undefined);
  if (!source) {
    if (arg !== undefined) void vscode.window.showErrorMessage('Tributary: the segment inspector opens a partition or a .log, .index or .timeindex file.');
    return;
  }
  if (source.kind === 'file') {
    if (!SEGMENT_FILE.test(source.file)) throw new Error(`${source.file} is not a segment file (.log, .index or .timeindex)`);
    segmentFileInfo(source.file); // says why a name without a base offset cannot be read
  } else if (!(await brokerFor(s, 'inspect the segments of a partition'))) return;
  panels.openSegment(source);
}
