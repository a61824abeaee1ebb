/**
 * Start the broker, and when it cannot start say why with actions that fix the cause: another port, another data
 * directory, the corrupt file, the settings, the log.
 */
import * as vscode from 'vscode';
import type { StartFailure } from '../broker/api';
import { BrokerStartError } from '../broker/start-failure';
import { FAILURE_ACTION_LABELS, FailureAction, failureActions, ownerText } from '../views/broker-presentation';
import { SECTION } from '../config';
import { Services } from './services';
import { openSettings } from './open-settings';

export async function startBroker(s: Services): Promise<void> {
  try {
    await s.lifecycle.start();
  } catch (e) {
    await s.presentStartFailure(e);
  }
}

/** Where a settings change goes: the workspace when one is open (the data is the workspace's), else the user's. */
function target(): vscode.ConfigurationTarget {
  return vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
}

export async function presentStartFailure(s: Services, e: unknown): Promise<void> {
  const failure: StartFailure =
    e instanceof BrokerStartError ? e.failure : { reason: 'unknown', message: `The broker failed to start: ${(e as Error)?.message ?? e}`, dataDir: s.settings().settings.dataDirectory };
  s.output.error(`${failure.message}${failure.detail ? `\n${failure.detail}` : ''}`);
  const actions = failureActions(failure);
  const picked = await vscode.window.showErrorMessage(`Tributary: ${failure.message}`, ...actions.map((a) => FAILURE_ACTION_LABELS[a]));
  const action = actions.find((a) => FAILURE_ACTION_LABELS[a] === picked);
  if (action) await runFailureAction(s, action, failure);
}

async function runFailureAction(s: Services, action: FailureAction, failure: StartFailure): Promise<void> {
  const config = () => vscode.workspace.getConfiguration(SECTION);
  switch (action) {
    case 'useAnotherPort': {
      const current = s.settings().settings.basePort;
      const text = await vscode.window.showInputBox({
        title: 'Tributary: base port',
        prompt: 'Port of node 0; node i listens on the next free port from base + i. 0 picks any free port.',
        value: String(current === 0 ? 0 : Math.min(current + 100, 65000)),
        validateInput: (v) => (/^\d+$/.test(v.trim()) && Number(v) <= 65535 ? undefined : 'Enter a port from 0 to 65535.'),
      });
      if (text === undefined) return;
      await config().update('basePort', Number(text.trim()), target());
      await startBroker(s);
      return;
    }
    case 'useAnotherDirectory': {
      const picked = await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, canSelectMany: false, openLabel: 'Use as Data Directory', title: 'Tributary: data directory' });
      if (!picked?.[0]) return;
      await config().update('dataDirectory', picked[0].fsPath, target());
      await startBroker(s);
      return;
    }
    case 'openFile':
      if (failure.path) await vscode.window.showTextDocument(vscode.Uri.file(failure.path), { preview: true });
      return;
    case 'openSettings':
      await openSettings();
      return;
    case 'showLog':
      s.output.show(true);
      return;
    case 'retry':
      await startBroker(s);
      return;
  }
}

/** The status bar's click while failed or read-only: the reason again, with its actions. */
export async function showStartFailure(s: Services): Promise<void> {
  const state = s.lifecycle.state;
  if (state.kind === 'failed') return presentStartFailure(s, new BrokerStartError(state.failure));
  if (state.kind === 'external') {
    return presentStartFailure(
      s,
      new BrokerStartError({
        reason: 'directoryLocked',
        message: `The data directory is in use by another broker, ${ownerText(state.pid, state.owner)}; its files are shown read-only. Stop it, or choose another data directory.`,
        dataDir: state.dataDir,
        pid: state.pid,
        owner: state.owner,
      }),
    );
  }
  s.output.show(true);
}
