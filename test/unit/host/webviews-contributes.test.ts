import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { VIEW_TYPES } from '../../../src/webviews/view-types';
import { panelKey, panelTitle, targetFromTitle } from '../../../src/webviews/panel-targets';
import { brokerNode, clusterNode, fileNode, groupNode, partitionNode, topicNode } from '../../../src/views/tree-nodes';
import type { GroupSummary, PartitionDescription, TopicSummary } from '../../../src/broker/api';
import type { PanelKind } from '../../../src/shared/webview-protocol';

const ROOT = path.join(__dirname, '..', '..', '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  activationEvents: string[];
  contributes: { commands: Array<{ command: string; title: string }>; menus: Record<string, Array<{ command: string; when?: string; group?: string }>> };
};

const OPEN_COMMANDS = ['tributary.openProducer', 'tributary.openConsumer', 'tributary.openGroupInspector', 'tributary.openSegmentInspector', 'tributary.openClusterView', 'tributary.editTopicConfig'];

/** Evaluates the `viewItem == x` / `viewItem =~ /re/` part of a when clause (the ones these menus use). */
function matchesViewItem(when: string, contextValue: string): boolean {
  const eq = /viewItem == ([\w.]+)/.exec(when);
  if (eq) return eq[1] === contextValue;
  const re = /viewItem =~ \/(.+)\/(?:\s|$)/.exec(when);
  if (re) return new RegExp(re[1]).test(contextValue);
  return false;
}

/** The commands the sidebar shows on an item with this context value. */
function commandsOn(contextValue: string): string[] {
  return [...new Set(pkg.contributes.menus['view/item/context'].filter((m) => OPEN_COMMANDS.includes(m.command) && m.when && matchesViewItem(m.when, contextValue)).map((m) => m.command))].sort();
}

describe('Webview panels: package.json contributions and panel identity (no VS Code)', () => {
  it('contributes the commands that open panels, registers each with the other commands in src/commands, and activates on each panel kind for restoring', () => {
    const contributed = pkg.contributes.commands.map((c) => c.command);
    for (const id of OPEN_COMMANDS) assert.ok(contributed.includes(id), `${id} is contributed`);
    const source = fs.readFileSync(path.join(ROOT, 'src', 'commands', 'index.ts'), 'utf8');
    for (const id of OPEN_COMMANDS) assert.ok(source.includes(`'${id}'`), `${id} is registered`);
    for (const viewType of Object.values(VIEW_TYPES)) assert.ok(pkg.activationEvents.includes(`onWebviewPanel:${viewType}`), viewType);
    const palette = pkg.contributes.menus.commandPalette.map((m) => m.command);
    for (const id of OPEN_COMMANDS.filter((c) => c !== 'tributary.openSegmentInspector' && c !== 'tributary.editTopicConfig')) assert.ok(palette.includes(id), `${id} in the palette`);
    // The topic config table is a panel now, not a quick pick, titled as the table it opens.
    assert.equal(pkg.contributes.commands.find((c) => c.command === 'tributary.editTopicConfig')?.title, 'Edit Topic Configs');
    assert.ok(pkg.activationEvents.includes('onWebviewPanel:tributary.topicConfig'));
    assert.equal(source.split("'tributary.editTopicConfig'").length, 2, 'registered once');
    const extension = fs.readFileSync(path.join(ROOT, 'src', 'extension.ts'), 'utf8');
    assert.match(extension, /registerWebviews\(context, services\)/);
    assert.match(extension, /registerCommands\(context, services, panels\)/);
  });

  it('the sidebar’s items get the right “open” entries (context values from the tree’s own node builders)', () => {
    const topic = (internal: boolean): TopicSummary => ({ name: 't', topicId: 'id', partitions: 1, replicationFactor: 1, underReplicated: 0, offline: 0, internal });
    const group = (members: number): GroupSummary => ({ groupId: 'g', type: 'classic', state: members ? 'Stable' : 'Empty', protocolType: 'consumer', protocol: 'range', members, coordinator: 0, totalLag: 0, uncommitted: 0, topics: [] });
    const partition = { partition: 0, leader: 0, leaderEpoch: 0, replicas: [0], isr: [0], logStartOffset: 0, highWatermark: 0, logEndOffset: 0, size: 0, dir: '/d', segments: [], otherFiles: [] } as PartitionDescription;
    const status = { clusterId: 'c', dataDir: '/d', bootstrap: 'b', controllerId: 0, nodes: [] };
    const node = (up: boolean) => ({ id: 0, host: 'h', port: up ? 1 : null, up, isController: false, leaderCount: 0, logDir: '/d' });

    assert.deepEqual(commandsOn(topicNode(topic(false)).contextValue), ['tributary.editTopicConfig', 'tributary.openConsumer', 'tributary.openProducer']);
    assert.deepEqual(commandsOn(topicNode(topic(true)).contextValue), ['tributary.editTopicConfig', 'tributary.openConsumer'], 'internal topics: consume and configs, not produce');
    assert.deepEqual(commandsOn(groupNode(group(1)).contextValue), ['tributary.openGroupInspector']);
    assert.deepEqual(commandsOn(groupNode(group(0)).contextValue), ['tributary.openGroupInspector']);
    assert.deepEqual(commandsOn(partitionNode('t', partition).contextValue), ['tributary.openSegmentInspector']);
    assert.deepEqual(commandsOn(fileNode('t', 0, { name: '00000000000000000000.log', path: '/d/00000000000000000000.log', size: 1 }).contextValue), ['tributary.openSegmentInspector']);
    assert.deepEqual(commandsOn(fileNode('t', 0, { name: 'leader-epoch-checkpoint', path: '/d/leader-epoch-checkpoint', size: 1 }).contextValue), []);
    assert.deepEqual(commandsOn(clusterNode({ status }).contextValue), ['tributary.openClusterView']);
    assert.deepEqual(commandsOn(brokerNode(node(true), false).contextValue), ['tributary.openClusterView']);
    assert.deepEqual(commandsOn(brokerNode(node(false), false).contextValue), ['tributary.openClusterView']);
    assert.deepEqual(commandsOn(clusterNode({ status, ownerPid: 5 }).contextValue), [], 'nothing to open on a read-only directory');
  });

  it('one panel per topic, group, partition or file; a restored panel is recognised from its title', () => {
    const cases: Array<[PanelKind, Parameters<typeof panelKey>[1]]> = [
      ['producer', { topic: 'orders' }],
      ['producer', {}],
      ['consumer', { topic: 'my-topic.v2' }],
      ['group', { groupId: 'billing: team (eu)' }],
      ['segment', { kind: 'partition', topic: 'a-b-c', partition: 12 }],
      ['cluster', {}],
      ['topicConfig', { topic: '__consumer_offsets' }],
    ];
    for (const [kind, target] of cases) {
      const title = panelTitle(kind, target as never);
      assert.deepEqual(targetFromTitle(kind, title), target, `${kind}: ${title}`);
      assert.equal(panelKey(kind, targetFromTitle(kind, title) as never), panelKey(kind, target as never));
    }
    assert.notEqual(panelKey('consumer', { topic: 'a' }), panelKey('producer', { topic: 'a' }));
    assert.notEqual(panelKey('topicConfig', { topic: 'a' }), panelKey('consumer', { topic: 'a' }));
    assert.equal(panelTitle('topicConfig', { topic: 'orders' }), 'Configs: orders');
    assert.equal(panelKey('segment', { kind: 'file', file: '/x/orders-0/00000000000000000000.index' }), panelKey('segment', { kind: 'file', file: '/x/orders-0/../orders-0/00000000000000000000.log' }), 'a segment’s files share its panel');
    assert.equal(panelTitle('segment', { kind: 'file', file: '/x/orders-0/00000000000000000000.log' }), 'Segment: orders-0/00000000000000000000.log');
    assert.equal(targetFromTitle('segment', 'Segment: orders-0/00000000000000000000.log'), undefined, 'a file panel needs the workspace state');
    assert.equal(targetFromTitle('consumer', 'Something else'), undefined);
  });
});
