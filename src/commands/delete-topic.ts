/** Delete a topic and its data, after a modal that names what is lost (partitions, records, config overrides). */
import * as vscode from 'vscode';
import { CommandArg, Services, brokerFor, confirm } from './services';
import { pickTopic } from './pick';
import { deleteTopicConfirmation } from './confirmations';

export async function deleteTopic(s: Services, arg: CommandArg): Promise<void> {
  const api = await brokerFor(s, 'delete a topic');
  if (!api) return;
  const topic = await pickTopic(api, arg, 'Topic to delete');
  if (!topic) return;
  const [description, groups] = await Promise.all([api.describeTopic(topic), api.listGroups().catch(() => [])]);
  if (!(await confirm(deleteTopicConfirmation(description, groups)))) return;
  await api.deleteTopic(topic);
  void vscode.window.showInformationMessage(`Deleted topic ${topic}.`);
}
