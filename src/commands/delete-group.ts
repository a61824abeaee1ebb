/**
 * Delete a consumer group and its committed offsets, after a modal that names them; refused while it has members,
 * as Kafka refuses it.
 */
import * as vscode from 'vscode';
import { CommandArg, Services, brokerFor, confirm } from './services';
import { pickGroup } from './pick';
import { deleteGroupConfirmation } from './confirmations';

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
  if (!(await confirm(deleteGroupConfirmation(group)))) return;
  await api.deleteGroup(groupId);
  void vscode.window.showInformationMessage(`Deleted consumer group ${groupId}.`);
}
