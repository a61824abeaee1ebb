/**
 * Reset a consumer group's committed offsets like kafka-consumer-groups --reset-offsets: choose the topic and the
 * target (earliest, latest, a timestamp, an offset, or a shift), see the plan and what the group skips or reads
 * again, confirm (the current offsets are not kept). Refused, with the reason, while the group has members: Kafka
 * resets offsets only of inactive groups.
 */
import * as vscode from 'vscode';
import type { ResetTarget } from '../broker/api';
import { CommandArg, Services, brokerFor, confirm, isTreeNode } from './services';
import { integerProblem, pickGroup } from './pick';
import { resetOffsetsConfirmation } from './confirmations';

/** Parses a timestamp given as epoch milliseconds or an ISO 8601 date-time. */
function parseTimestamp(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+$/.test(t)) return Number(t);
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}

async function askTarget(): Promise<ResetTarget | undefined> {
  const kinds = [
    { label: 'Earliest', description: 'the log start offset of each partition', target: 'earliest' as const },
    { label: 'Latest', description: 'the end of each partition: skip everything not consumed yet', target: 'latest' as const },
    { label: 'Timestamp…', description: 'the first record at or after a time', target: 'timestamp' as const },
    { label: 'Offset…', description: 'one offset for every partition', target: 'offset' as const },
    { label: 'Shift by…', description: 'move each committed offset forward or back', target: 'shift' as const },
  ];
  const k = await vscode.window.showQuickPick(kinds, { title: 'Reset Offsets: to where?' });
  if (!k) return undefined;
  switch (k.target) {
    case 'earliest':
    case 'latest':
      return { kind: k.target };
    case 'timestamp': {
      const text = await vscode.window.showInputBox({
        title: 'Reset Offsets: timestamp',
        prompt: 'An ISO date-time (2025-01-31T12:00:00Z) or epoch milliseconds',
        value: new Date(Date.now() - 3600_000).toISOString(),
        validateInput: (v) => (parseTimestamp(v) === undefined ? 'Enter an ISO date-time or epoch milliseconds.' : undefined),
      });
      return text === undefined ? undefined : { kind: 'timestamp', timestamp: parseTimestamp(text)! };
    }
    case 'offset': {
      const text = await vscode.window.showInputBox({ title: 'Reset Offsets: offset', prompt: 'The offset to commit (clamped to each partition\'s range)', validateInput: (v) => integerProblem(v, 0) });
      return text === undefined ? undefined : { kind: 'offset', offset: Number(text.trim()) };
    }
    case 'shift': {
      const text = await vscode.window.showInputBox({ title: 'Reset Offsets: shift', prompt: 'How far to move each committed offset: -10 re-reads ten records, 10 skips ten', validateInput: (v) => integerProblem(v) });
      return text === undefined ? undefined : { kind: 'shift', by: Number(text.trim()) };
    }
  }
}

export async function resetOffsets(s: Services, arg: CommandArg): Promise<void> {
  const api = await brokerFor(s, 'reset offsets');
  if (!api) return;
  const groupId = await pickGroup(api, arg, 'Group whose offsets to reset');
  if (!groupId) return;
  const group = await api.describeGroup(groupId);
  if (group.members.length > 0) {
    void vscode.window.showErrorMessage(
      `Cannot reset the offsets of '${groupId}': it has ${group.members.length} active member(s) (state ${group.state}). Kafka resets offsets only of inactive groups; stop its consumers first.`,
    );
    return;
  }
  // From an offset row, the topic is known; otherwise the group's topics come first in the list.
  let topic = isTreeNode(arg) && arg.ref.kind === 'offset' ? arg.ref.topic : undefined;
  if (!topic) {
    const own = [...new Set(group.offsets.map((o) => o.topic))];
    const others = (await api.listTopics()).filter((t) => !t.internal && !own.includes(t.name)).map((t) => t.name);
    const picked = await vscode.window.showQuickPick(
      [...own.map((t) => ({ label: t, description: 'committed by this group' })), ...others.map((t) => ({ label: t }))],
      { title: `Reset Offsets of ${groupId}: which topic?` },
    );
    topic = picked?.label;
  }
  if (!topic) return;
  const to = await askTarget();
  if (!to) return;
  const request = { groupId, topic, to };
  const plan = await api.planReset(request);
  if (!(await confirm(resetOffsetsConfirmation(groupId, topic, plan)))) return;
  await api.resetOffsets(request);
  void vscode.window.showInformationMessage(`Reset ${plan.length} offset(s) of ${groupId} on ${topic}.`);
}
