/** Asking for the thing a command acts on when it was not given (run from the command palette). */
import * as vscode from 'vscode';
import type { BrokerApi } from '../broker/api';
import { CommandArg, isTreeNode } from './services';

/** The topic a command acts on: from the node or name given, else chosen from the broker's topics. */
export async function pickTopic(api: BrokerApi, arg: CommandArg, placeHolder: string, opts: { includeInternal?: boolean } = {}): Promise<string | undefined> {
  if (typeof arg === 'string') return arg;
  if (isTreeNode(arg) && 'topic' in arg.ref) return arg.ref.topic;
  const topics = (await api.listTopics()).filter((t) => opts.includeInternal || !t.internal);
  if (topics.length === 0) {
    void vscode.window.showInformationMessage('There are no topics yet.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    topics.map((t) => ({ label: t.name, description: `${t.partitions} partition(s), RF ${t.replicationFactor}` })),
    { placeHolder, matchOnDescription: false },
  );
  return picked?.label;
}

/** The consumer group a command acts on: from the node or id given, else chosen from the broker's groups. */
export async function pickGroup(api: BrokerApi, arg: CommandArg, placeHolder: string): Promise<string | undefined> {
  if (typeof arg === 'string') return arg;
  if (isTreeNode(arg) && 'groupId' in arg.ref) return arg.ref.groupId;
  const groups = await api.listGroups();
  if (groups.length === 0) {
    void vscode.window.showInformationMessage('There are no consumer groups yet.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    groups.map((g) => ({ label: g.groupId, description: `${g.state} · ${g.members} member(s) · lag ${g.totalLag}` })),
    { placeHolder },
  );
  return picked?.label;
}

/** An integer from an input box, checked as it is typed. */
export async function inputInteger(opts: { title: string; prompt: string; value?: number; min?: number; max?: number }): Promise<number | undefined> {
  const text = await vscode.window.showInputBox({
    title: opts.title,
    prompt: opts.prompt,
    value: opts.value === undefined ? undefined : String(opts.value),
    validateInput: (v) => integerProblem(v, opts.min, opts.max),
  });
  return text === undefined ? undefined : Number(text.trim());
}

export function integerProblem(v: string, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): string | undefined {
  const t = v.trim();
  if (!/^[+-]?\d+$/.test(t)) return 'Enter a whole number.';
  const n = Number(t);
  if (n < min) return `Enter ${min} or more.`;
  if (n > max) return `Enter ${max} or less.`;
  return undefined;
}
