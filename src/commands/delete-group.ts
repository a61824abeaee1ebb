/** Delete a consumer group and its committed offsets; refused while it has members, as Kafka refuses it. */
import * as vscode from 'vscode';
import { CommandArg, Services, brokerFor } from './services';
import { pickGroup } from './pick';

export async function deleteGroup(s: Services, arg: CommandArg): Promise<void> {
  const api = await brokerFor(s, 'delete a consumer group');
  if (!api) return;
  const groupId = await pickGroup(api, arg, 'Group to delete');
  if (!groupId) return;
  const group = await api.describeGroup(groupId);
  if (group.members.length > 0) {
    void vscode.window.showErrorMessage(`Cannot delete '${groupId}': it has ${group.members.length} active member(s) (state ${group.state}). Stop its consumers first.`);
    return;
  }
  const ok = await vscode.window.showWarningMessage(
    `Delete consumer group '${groupId}'?`,
    { modal: true, detail: `Its ${group.offsets.length} committed offset(s) are removed; a consumer joining it later starts from its auto.offset.reset position.` },
    'Delete Group',
  );
  if (ok !== 'Delete Group') return;
  await api.deleteGroup(groupId);
  void vscode.window.showInformationMessage(`Deleted consumer group ${groupId}.`);
}
