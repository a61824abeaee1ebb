/** Copy the bootstrap servers ("127.0.0.1:9092,127.0.0.1:9093,...") for a client's configuration. */
import * as vscode from 'vscode';
import { Services, brokerFor } from './services';

export async function copyBootstrap(s: Services): Promise<void> {
  const api = await brokerFor(s, 'copy the bootstrap servers');
  if (!api) return;
  const { bootstrap } = await api.status();
  await vscode.env.clipboard.writeText(bootstrap);
  void vscode.window.showInformationMessage(`Copied the bootstrap servers: ${bootstrap}`);
}
