/**
 * Reassign Partition… on a partition in the tree (kafka-reassign-partitions.sh for one partition): asks for the
 * target replicas, the current ones filled in, and starts the reassignment; the partition's line then shows the
 * replicas being added and removed until the new ones are in sync. On a partition being reassigned it offers to
 * cancel instead.
 */
import * as vscode from 'vscode';
import { CommandArg, Services, brokerFor, isTreeNode } from './services';
import { parseReplicaList } from './replica-list';


export async function reassignPartition(s: Services, arg: CommandArg): Promise<void> {
  if (!isTreeNode(arg) || arg.ref.kind !== 'partition') {
    void vscode.window.showInformationMessage('Reassign Partition works on a partition in the Tributary view.');
    return;
  }
  const { topic, partition } = arg.ref;
  const api = await brokerFor(s, 'reassign a partition');
  if (!api) return;
  const title = `Reassign ${topic}-${partition}`;
  const p = (await api.describeTopic(topic)).partitions[partition];
  if (!p) return;
  if ((p.addingReplicas?.length ?? 0) + (p.removingReplicas?.length ?? 0) > 0) {
    const cancel = 'Cancel the reassignment';
    const pick = await vscode.window.showQuickPick([cancel, 'Reassign to other replicas'], { title, placeHolder: `Being reassigned: adding ${p.addingReplicas?.join(', ') || 'none'}, removing ${p.removingReplicas?.join(', ') || 'none'}` });
    if (!pick) return;
    if (pick === cancel) {
      await api.reassignPartition(topic, partition, null);
      void vscode.window.showInformationMessage(`Cancelled the reassignment of ${topic}-${partition}.`);
      return;
    }
  }
  const nodeIds = (await api.status()).nodes.map((n) => n.id);
  const text = await vscode.window.showInputBox({
    title,
    prompt: `Target replicas: node ids, the first the preferred leader (now ${p.replicas.join(', ')}; nodes ${nodeIds.join(', ')})`,
    value: p.replicas.join(', '),
    validateInput: (v) => {
      const r = parseReplicaList(v, nodeIds);
      return typeof r === 'string' ? r : undefined;
    },
  });
  if (text === undefined) return;
  const replicas = parseReplicaList(text, nodeIds);
  if (typeof replicas === 'string') return;
  await api.reassignPartition(topic, partition, replicas);
  void vscode.window.showInformationMessage(`Reassigning ${topic}-${partition} to [${replicas.join(', ')}]: the new replicas join once they have caught up.`);
}
