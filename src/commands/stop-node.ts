/**
 * Stop one virtual node as a crash would look to the others (listener and logs closed, its partitions' leaders
 * re-elected from the ISR, the ISR shrunk): from a node's context menu, or choosing among the nodes that are up,
 * after a modal that names the node and what the cluster goes through. (The cluster view's "Stop node" button asks
 * nothing: that panel is the fault-injection bench, see cluster-router.ts.)
 */
import * as vscode from 'vscode';
import type { BrokerApi } from '../broker/api';
import { CommandArg, Services, brokerFor, confirm, isTreeNode } from './services';
import { stopNodeConfirmation } from './confirmations';

/** The node a command acts on: the tree node or id given, else one picked from the nodes that are `up` (or down). */
export async function pickNode(api: BrokerApi, arg: CommandArg | number, up: boolean, placeHolder: string): Promise<number | undefined> {
  if (typeof arg === 'number') return arg;
  if (typeof arg === 'string' && /^\d+$/.test(arg.trim())) return Number(arg.trim());
  if (isTreeNode(arg) && arg.ref.kind === 'node') return arg.ref.nodeId;
  const nodes = (await api.status()).nodes.filter((n) => n.up === up);
  if (nodes.length === 0) {
    void vscode.window.showInformationMessage(up ? 'No node is up.' : 'Every node is up.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    nodes.map((n) => ({
      label: `node ${n.id}`,
      description: [n.port !== null ? `${n.host}:${n.port}` : 'down', n.isController ? 'controller' : '', `${n.leaderCount} leader${n.leaderCount === 1 ? '' : 's'}`].filter(Boolean).join(' · '),
      id: n.id,
    })),
    { placeHolder },
  );
  return picked?.id;
}

export async function stopNode(s: Services, arg: CommandArg | number): Promise<void> {
  const api = await brokerFor(s, 'stop a node');
  if (!api) return;
  const id = await pickNode(api, arg, true, 'Node to stop (its partitions elect new leaders from their in-sync replicas)');
  if (id === undefined) return;
  // An external cluster's nodes are not ours to stop: nothing to confirm, stopNode says why (LOCAL_ONLY).
  if (s.clusters.isExternal()) return api.stopNode(id);
  const node = (await api.status()).nodes.find((n) => n.id === id);
  if (!node?.up) {
    void vscode.window.showInformationMessage(node ? `Node ${id} is already down.` : `There is no node ${id}.`);
    return;
  }
  // The partitions it leads and follows, to say which go offline; only the embedded broker has nodes to stop.
  const replication = await api.replication().catch(() => undefined);
  if (!(await confirm(stopNodeConfirmation(node, replication)))) return;
  await api.stopNode(id);
  s.output.info(`node ${id} stopped`);
  s.model.invalidateAll();
}
