/**
 * The extension's entry: activate() builds the pieces and registers them, deactivate() stops the broker cleanly.
 *
 * The broker runs in a worker thread (EmbeddedCluster) under BrokerLifecycle, started on first need: the sidebar
 * opened, a command, or tributary.autoStart. Its log goes to the "Tributary" output channel, its state to the
 * status bar and the `tributary.state` context key, its events and data-directory changes to the sidebar.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { BrokerLifecycle, BrokerState } from './clusters/broker-lifecycle';
import { EmbeddedCluster } from './clusters/embedded-cluster';
import { DirectorySnapshot } from './clusters/directory-snapshot';
import { DataDirWatcher } from './clusters/data-dir-watcher';
import type { TributaryApi } from './clusters/tributary-api';
import { ClusterRegistry } from './clusters/cluster-registry';
import { EMBEDDED_ID, parseConnections } from './clusters/connections';
import { RESTART_SETTINGS, ResolvedSettings, SECTION, brokerOptions, resolveSettings, subjectNameStrategy } from './config';
import { ClusterTreeModel, TreeSource } from './views/cluster-tree-model';
import { ClusterTreeProvider } from './views/cluster-tree-provider';
import { BrokerStatusBar } from './views/status-bar';
import { ownerText, stateContextValue } from './views/broker-presentation';
import { DUMP_SCHEME, SegmentDocumentProvider } from './views/segment-document-provider';
import { registerCommands } from './commands';
import { Services, brokerFor } from './commands/services';
import { presentStartFailure } from './commands/start-broker';
import { registerWebviews } from './webviews';
import { registerKafkaEditor } from './editor';
import { SchemaRegistries, connectionRegistryEndpoint } from './schemas/registry-source';

let lifecycle: BrokerLifecycle | undefined;

export function activate(context: vscode.ExtensionContext): TributaryApi {
  const output = vscode.window.createOutputChannel('Tributary', { log: true });
  const workerPath = context.asAbsolutePath(path.join('dist', 'worker.js'));

  const readSettings = (): ResolvedSettings =>
    resolveSettings(vscode.workspace.getConfiguration(SECTION), {
      workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
      fallbackDirectory: context.globalStorageUri.fsPath,
    });
  let resolved = readSettings();
  const reportProblems = () => {
    for (const p of resolved.problems) {
      output.warn(p);
      void vscode.window.showWarningMessage(`Tributary: ${p}`);
    }
  };
  reportProblems();

  const broker = new BrokerLifecycle((options) => new EmbeddedCluster({ workerPath, broker: options }), () => brokerOptions(resolved.settings));
  lifecycle = broker;

  // External clusters: connections from the settings, passwords from SecretStorage; the choice survives reloads.
  const clusters = new ClusterRegistry(context.secrets);
  const readConnections = () => {
    const { connections, problems } = parseConnections(vscode.workspace.getConfiguration(SECTION).get('connections'));
    for (const p of problems) {
      output.warn(p);
      void vscode.window.showWarningMessage(`Tributary: ${p}`);
    }
    clusters.setConnections(connections);
  };
  readConnections();
  const remembered = context.workspaceState.get<string>('tributary.activeCluster');
  if (remembered && clusters.get(remembered)) clusters.select(remembered);

  // The registry of the cluster shown: the embedded broker's own, or the one set on the external connection.
  const schemas = new SchemaRegistries(async () => {
    const external = clusters.activeConnection();
    if (external) return connectionRegistryEndpoint(external, (k) => context.secrets.get(k));
    const state = broker.state;
    return state.kind === 'running' && state.status.schemaRegistryUrl ? { url: state.status.schemaRegistryUrl } : undefined;
  });

  // The sidebar reads the selected external cluster, the running broker, or the directory's files while another
  // process owns it.
  let snapshot: DirectorySnapshot | undefined;
  const treeSource = (): TreeSource | undefined => {
    const registry = { schemas: () => schemas.client(), subjectNameStrategy: subjectNameStrategy(vscode.workspace.getConfiguration(SECTION)) };
    if (clusters.isExternal()) return { ...registry, reader: clusters.reader(), acls: async (f) => (await clusters.external()).describeAcls(f), quotas: async () => (await clusters.external()).clientQuotas(), transactions: async () => (await clusters.external()).listTransactions() };
    const state = broker.state;
    if (state.kind === 'running' && broker.api) {
      const api = broker.api;
      return { ...registry, reader: api, clients: () => api.connectedClients(), acls: (f) => api.describeAcls(f), quotas: () => api.clientQuotas(), transactions: () => api.listTransactions() };
    }
    if (state.kind === 'external') {
      if (snapshot?.dataDir !== state.dataDir) snapshot = new DirectorySnapshot(state.dataDir);
      return { reader: snapshot, ownerPid: state.pid, owner: state.owner };
    }
    return undefined;
  };
  const model = new ClusterTreeModel(treeSource);
  model.onAuthorizer = (enabled) => void vscode.commands.executeCommand('setContext', 'tributary.authorizer', enabled);
  const provider = new ClusterTreeProvider(model);
  const treeView = vscode.window.createTreeView('tributary.cluster', { treeDataProvider: provider, showCollapseAll: true });
  const statusBar = new BrokerStatusBar();
  const dumps = new SegmentDocumentProvider(workerPath);

  const services: Services = {
    lifecycle: broker,
    clusters,
    schemas,
    secrets: context.secrets,
    model,
    output,
    workerPath,
    dumps,
    settings: () => resolved,
    presentStartFailure: (e) => presentStartFailure(services, e),
  };

  broker.onEvent((e) => {
    if (e.type === 'log') output[e.level](e.message);
    else model.handleEvent(e);
  });

  const showState = (state: BrokerState) => {
    const external = clusters.activeConnection();
    if (external) {
      statusBar.showExternal(external.name, external.bootstrapServers);
      // 'remote' hides the embedded broker's start and stop buttons and its welcome pages.
      void vscode.commands.executeCommand('setContext', 'tributary.state', 'remote');
      treeView.description = external.name;
      treeView.message = undefined;
    } else {
      statusBar.show(state);
      void vscode.commands.executeCommand('setContext', 'tributary.state', stateContextValue(state));
      treeView.description = undefined;
      treeView.message = state.kind === 'external' ? `Read-only: the data directory is used by another broker, ${ownerText(state.pid, state.owner)}.` : undefined;
    }
    void vscode.commands.executeCommand('setContext', 'tributary.clusterKind', external ? 'external' : 'embedded');
    model.invalidateAll();
  };
  broker.onState(showState);
  // What the broker found wrong in its data directory and worked around (a log moved aside...): said once per start.
  let wasRunning = false;
  broker.onState((state) => {
    const started = state.kind === 'running' && !wasRunning;
    wasRunning = state.kind === 'running';
    if (!started) return;
    for (const w of state.status.warnings ?? []) {
      output.warn(w);
      void vscode.window.showWarningMessage(`Tributary: ${w}`, 'Show Log').then((choice) => choice && output.show());
    }
  });
  clusters.onChange((active) => {
    void context.workspaceState.update('tributary.activeCluster', active === EMBEDDED_ID ? undefined : active);
    showState(broker.state);
  });
  showState(broker.state);

  /** First need: start unless the user stopped it or it already failed; say why when it cannot start. */
  const startOnNeed = () => {
    broker.startOnNeed().catch((e: unknown) => presentStartFailure(services, e));
  };
  // The sidebar needs the embedded broker only while it shows it, not while it shows an external cluster.
  const startForView = () => treeView.visible && !clusters.isExternal() && startOnNeed();
  context.subscriptions.push(treeView.onDidChangeVisibility(startForView));
  clusters.onChange(startForView);
  startForView();

  // Files written by anyone (a `tributary start` in a terminal) refresh the read-only view; a released lock
  // means that broker stopped, and ours may start.
  let watcher: DataDirWatcher | undefined;
  const watch = () => {
    watcher?.dispose();
    watcher = new DataDirWatcher(resolved.settings.dataDirectory, (change) => {
      if (change.lockReleased) broker.externalOwnerGone();
      if (broker.state.kind !== 'running') model.invalidateAll();
      if (change.lockReleased) startForView();
    });
  };
  watch();

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (!e.affectsConfiguration(SECTION)) return;
      if (e.affectsConfiguration(`${SECTION}.connections`)) readConnections();
      if (e.affectsConfiguration(`${SECTION}.schemaRegistry.subjectNameStrategy`)) model.invalidateAll();
      const before = resolved.settings;
      resolved = readSettings();
      reportProblems();
      if (before.dataDirectory !== resolved.settings.dataDirectory) watch();
      if (broker.state.kind === 'running' && RESTART_SETTINGS.some((k) => e.affectsConfiguration(k))) {
        const restart = await vscode.window.showInformationMessage('Tributary: restart the broker to apply the changed settings?', 'Restart');
        if (restart) void vscode.commands.executeCommand('tributary.restartBroker');
      }
    }),
  );

  // The panels (producer, consumer, group inspector, segment inspector, cluster view, topic configs), then every
  // command, those that open the panels included.
  const panels = registerWebviews(context, services);
  registerCommands(context, services, panels);
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(DUMP_SCHEME, dumps),
    dumps,
    treeView,
    provider,
    statusBar,
    output,
    { dispose: () => watcher?.dispose() },
    { dispose: () => model.dispose() },
    { dispose: () => void clusters.dispose() },
  );

  if (resolved.settings.autoStart) startOnNeed();

  const api: TributaryApi = {
    broker: () => brokerFor(services, 'use the broker'),
    state: () => broker.state,
    onState: (l) => broker.onState(l),
    schemas: () => schemas.serde(),
    onEvent: (l) => broker.onEvent(l),
  };

  // Issue 6 part B: the `.kafka` language (CodeLens, completion, diagnostics) and producing from the editor; results
  // and errors go to the same output channel as the broker's log.
  registerKafkaEditor(context, api, output);

  return api;
}

/** Stops the broker cleanly (logs flushed, checkpoints written, ports freed) before the extension host goes. */
export async function deactivate(): Promise<void> {
  const b = lifecycle;
  lifecycle = undefined;
  await b?.stop();
}
