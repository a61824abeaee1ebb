/** Registers every command, in this one place; each lives in its own file and receives the shared services. */
import * as vscode from 'vscode';
import { CommandArg, Services, guarded } from './services';
import { startBroker, showStartFailure } from './start-broker';
import { stopBroker } from './stop-broker';
import { restartBroker } from './restart-broker';
import { copyBootstrap } from './copy-bootstrap';
import { openSettings } from './open-settings';
import { showLog } from './show-log';
import { refresh } from './refresh';
import { createTopic } from './create-topic';
import { deleteTopic } from './delete-topic';
import { addPartitions } from './add-partitions';
import { resetOffsets } from './reset-offsets';
import { deleteGroup } from './delete-group';
import { addAcl, removeAcl } from './acls';
import { abortTransaction } from './abort-transaction';
import { reassignPartition } from './reassign-partition';
import { openSegment } from './open-segment';
import { stopNode } from './stop-node';
import { startNode } from './start-node';
import { addConnection, removeConnection, selectCluster } from './connections';
import { openProducer } from './open-producer';
import { openConsumer } from './open-consumer';
import { openGroupInspector } from './open-group-inspector';
import { openSegmentInspector } from './open-segment-inspector';
import { openClusterView } from './open-cluster-view';
import { editTopicConfig } from './edit-topic-config';
import { checkSchemaCompatibility, diffSchemaVersions, openSchemaVersion, registerSchemaFromFile } from './schemas';
import { SCHEMA_SCHEME, SchemaDocumentProvider } from '../views/schema-document-provider';
import type { WebviewPanels } from '../webviews';

/** Command ids, as contributed in package.json. */
type Command = { title: string; run: (s: Services, arg: CommandArg, panels: WebviewPanels) => Promise<void> };

const COMMANDS: Record<string, Command> = {
  'tributary.startBroker': { title: 'Start Broker', run: (s) => startBroker(s) },
  'tributary.stopBroker': { title: 'Stop Broker', run: (s) => stopBroker(s) },
  'tributary.restartBroker': { title: 'Restart Broker', run: (s) => restartBroker(s) },
  'tributary.showStartFailure': { title: 'Show Why the Broker Is Not Running', run: (s) => showStartFailure(s) },
  'tributary.copyBootstrap': { title: 'Copy Bootstrap Servers', run: (s) => copyBootstrap(s) },
  'tributary.openSettings': { title: 'Open Settings', run: () => openSettings() },
  'tributary.showLog': { title: 'Show Broker Log', run: (s) => showLog(s) },
  'tributary.refresh': { title: 'Refresh', run: (s) => refresh(s) },
  'tributary.createTopic': { title: 'Create Topic', run: (s) => createTopic(s) },
  'tributary.deleteTopic': { title: 'Delete Topic', run: (s, a) => deleteTopic(s, a) },
  'tributary.addPartitions': { title: 'Add Partitions', run: (s, a) => addPartitions(s, a) },
  'tributary.resetOffsets': { title: 'Reset Offsets', run: (s, a) => resetOffsets(s, a) },
  'tributary.deleteGroup': { title: 'Delete Consumer Group', run: (s, a) => deleteGroup(s, a) },
  'tributary.addAcl': { title: 'Add ACL', run: (s, a) => addAcl(s, a) },
  'tributary.removeAcl': { title: 'Remove ACL', run: (s, a) => removeAcl(s, a) },
  'tributary.abortTransaction': { title: 'Abort Transaction', run: (s, a) => abortTransaction(s, a) },
  'tributary.reassignPartition': { title: 'Reassign Partition', run: (s, a) => reassignPartition(s, a) },
  'tributary.openSegment': { title: 'Open Segment', run: (s, a) => openSegment(s, a) },
  'tributary.stopNode': { title: 'Stop Node', run: (s, a) => stopNode(s, a) },
  'tributary.startNode': { title: 'Start Node', run: (s, a) => startNode(s, a) },
  'tributary.addConnection': { title: 'Add Cluster Connection', run: (s, a) => addConnection(s, a) },
  'tributary.selectCluster': { title: 'Show Cluster', run: (s, a) => selectCluster(s, a) },
  'tributary.removeConnection': { title: 'Remove Cluster Connection', run: (s, a) => removeConnection(s, a) },
  // The schema registry's.
  'tributary.openSchemaVersion': { title: 'Open Schema Version', run: (s, a) => openSchemaVersion(s, a) },
  'tributary.diffSchemaVersions': { title: 'Compare Schema Versions', run: (s, a) => diffSchemaVersions(s, a) },
  'tributary.registerSchemaFromFile': { title: 'Register Schema from File', run: (s, a) => registerSchemaFromFile(s, a) },
  'tributary.checkSchemaCompatibility': { title: 'Check Schema Compatibility', run: (s, a) => checkSchemaCompatibility(s, a) },
  // The panels' commands.
  'tributary.openProducer': { title: 'Open Producer', run: (s, a, p) => openProducer(s, p, a) },
  'tributary.openConsumer': { title: 'Open Consumer', run: (s, a, p) => openConsumer(s, p, a) },
  'tributary.openGroupInspector': { title: 'Open Group Inspector', run: (s, a, p) => openGroupInspector(s, p, a) },
  'tributary.openSegmentInspector': { title: 'Open Segment Inspector', run: (s, a, p) => openSegmentInspector(s, p, a) },
  'tributary.openClusterView': { title: 'Open Cluster View', run: (s, _a, p) => openClusterView(s, p) },
  'tributary.editTopicConfig': { title: 'Edit Topic Configs', run: (s, a, p) => editTopicConfig(s, p, a) },
};

export function registerCommands(context: vscode.ExtensionContext, s: Services, panels: WebviewPanels): void {
  for (const [id, c] of Object.entries(COMMANDS)) {
    context.subscriptions.push(vscode.commands.registerCommand(id, guarded(s, c.title, (arg?: CommandArg) => c.run(s, arg, panels))));
  }
  // The documents Open Schema Version and Compare Schema Versions show, read from the shown cluster's registry.
  context.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(SCHEMA_SCHEME, new SchemaDocumentProvider(() => s.model.schemaRegistry())));
}
