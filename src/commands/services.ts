/** What commands share: the broker's lifecycle, the tree model, the log, the settings; and how they reach the broker. */
import * as vscode from 'vscode';
import type { BrokerApi } from '../broker/api';
import type { BrokerLifecycle } from '../clusters/broker-lifecycle';
import type { ClusterRegistry } from '../clusters/cluster-registry';
import type { ClusterTreeModel } from '../views/cluster-tree-model';
import type { ResolvedSettings } from '../config';
import type { TreeNode } from '../views/tree-nodes';
import type { SegmentDocumentProvider } from '../views/segment-document-provider';
import { kafkaErrorOf } from '../broker/rpc';
import { BrokerStartError } from '../broker/start-failure';
import type { Confirmation } from './confirmations';
import type { SchemaRegistries } from '../schemas/registry-source';

export interface Services {
  readonly lifecycle: BrokerLifecycle;
  /** The external clusters, and which cluster the view and panels show. */
  readonly clusters: ClusterRegistry;
  /** VS Code's SecretStorage: the connections' passwords. */
  readonly secrets: vscode.SecretStorage;
  readonly model: ClusterTreeModel;
  readonly output: vscode.LogOutputChannel;
  /** The extension's dist/worker.js. */
  readonly workerPath: string;
  /** The schema registry of the cluster shown (the embedded one, or the connection's). */
  readonly schemas: SchemaRegistries;
  /** The read-only dump-log documents. */
  readonly dumps: SegmentDocumentProvider;
  settings(): ResolvedSettings;
  /** Shows a failed start with its actions (see start-broker.ts); set once the commands are registered. */
  presentStartFailure(e: unknown): Promise<void>;
}

/** What a command receives: a tree node (context menu), a name (another command, a test), or nothing (palette). */
export type CommandArg = TreeNode | string | undefined;

export function isTreeNode(arg: unknown): arg is TreeNode {
  return typeof arg === 'object' && arg !== null && 'ref' in arg && 'id' in arg;
}

/**
 * The running broker, started if need be (a command is a need). Undefined, after telling the user why, when it
 * cannot run here: another process owns the data directory, or the start failed.
 */
export async function brokerFor(s: Services, action: string): Promise<BrokerApi | undefined> {
  if (s.clusters.isExternal()) {
    try {
      return await s.clusters.external();
    } catch (e) {
      reportError(s, `Cannot ${action}: connecting to ${s.clusters.active}`, e);
      return undefined;
    }
  }
  const state = s.lifecycle.state;
  if (state.kind === 'running') return s.lifecycle.api;
  if (state.kind === 'external') {
    void vscode.window.showWarningMessage(
      `Cannot ${action}: the data directory ${state.dataDir} is used by another broker (process ${state.pid}). Use a Kafka client against that broker, or stop it and start Tributary's.`,
    );
    return undefined;
  }
  try {
    return await s.lifecycle.start();
  } catch (e) {
    await s.presentStartFailure(e);
    return undefined;
  }
}

/** Asks a destructive command's question as a modal (Cancel is VS Code's own button); true to go ahead. */
export async function confirm(c: Confirmation): Promise<boolean> {
  return (await vscode.window.showWarningMessage(c.message, { modal: true, detail: c.detail }, c.action)) === c.action;
}

/** Shows a failed action with the broker's own words (Kafka's error messages), and logs the details. */
function reportError(s: Services, what: string, e: unknown): void {
  if (e instanceof BrokerStartError) {
    void s.presentStartFailure(e);
    return;
  }
  const message = (e as Error)?.message ?? String(e);
  const code = kafkaErrorOf(e);
  s.output.error(`${what} failed${code ? ` (${code})` : ''}: ${(e as Error)?.stack ?? message}`);
  void vscode.window.showErrorMessage(`${what} failed: ${message}`);
}

/** Runs a command body, reporting anything it throws. */
export function guarded<A extends unknown[]>(s: Services, what: string, body: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await body(...args);
    } catch (e) {
      reportError(s, what, e);
    }
  };
}
