/** Delete a topic and its data, after a modal confirmation. */
import * as vscode from 'vscode';
import { CommandArg, Services, brokerFor } from './services';
import { pickTopic } from './pick';

export async function deleteTopic(s: Services, arg: CommandArg): Promise<void> {
  const api = await brokerFor(s, 'delete a topic');
  if (!api) return;
  const topic = await pickTopic(api, arg, 'Topic to delete');
  if (!topic) return;
  const ok = await vscode.window.showWarningMessage(
    `Delete topic '${topic}'?`,
    { modal: true, detail: 'Its partitions and every record in them are removed from all nodes. This cannot be undone.' },
    'Delete Topic',
  );
  if (ok !== 'Delete Topic') return;
  await api.deleteTopic(topic);
  void vscode.window.showInformationMessage(`Deleted topic ${topic}.`);
}
