/**
 * Abort Transaction on an open transactional id in the tree: what a hanging transaction needs when its producer is
 * gone and its timeout is far away (read_committed consumers stop at its first record until then). The coordinator
 * aborts it as its timeout would: the producer is fenced and abort markers go to every partition it wrote.
 */
import * as vscode from 'vscode';
import { CommandArg, Services, brokerFor, confirm, isTreeNode } from './services';
import { abortTransactionConfirmation } from './confirmations';

export async function abortTransaction(s: Services, arg: CommandArg): Promise<void> {
  if (!isTreeNode(arg) || arg.ref.kind !== 'transaction') {
    void vscode.window.showInformationMessage('Abort Transaction works on an open transaction under Transactions in the Tributary view.');
    return;
  }
  const id = arg.ref.transactionalId;
  const api = await brokerFor(s, 'abort a transaction');
  if (!api) return;
  const t = (await api.listTransactions()).find((x) => x.transactionalId === id);
  if (!t || t.state !== 'Ongoing') {
    void vscode.window.showInformationMessage(`Transactional id ${id} has no open transaction any more${t ? ` (${t.state})` : ''}.`);
    return;
  }
  if (!(await confirm(abortTransactionConfirmation(t)))) return;
  await api.abortTransaction(id);
  void vscode.window.showInformationMessage(`Aborted the transaction of ${id}.`);
}
