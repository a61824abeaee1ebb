/**
 * The schema commands as package.json contributes them (no VS Code): each registered in src/commands/index.ts, the
 * sidebar's schema nodes offering the right ones (their context values from the node builders themselves), schema
 * files in the explorer too, and the subject name strategy setting with the strategies the tree knows.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SUBJECT_NAME_STRATEGIES } from '../../../src/schemas/subject-names';
import { schemaVersionNode, schemasSectionNode, subjectNode, topicSchemasNode } from '../../../src/views/schema-nodes';
import { topicNode } from '../../../src/views/tree-nodes';

const ROOT = path.join(__dirname, '..', '..', '..', '..');
interface Menu {
  command: string;
  when?: string;
  group?: string;
}
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  contributes: { commands: Array<{ command: string }>; menus: Record<string, Menu[]>; configuration: { properties: Record<string, { enum?: string[]; default?: unknown }> } };
};

const SCHEMA_COMMANDS = ['tributary.openSchemaVersion', 'tributary.diffSchemaVersions', 'tributary.registerSchemaFromFile', 'tributary.checkSchemaCompatibility'];

function matchesViewItem(when: string, contextValue: string): boolean {
  const eq = /viewItem == ([\w.]+)/.exec(when);
  if (eq) return eq[1] === contextValue;
  const re = /viewItem =~ \/(.+?)\/(?:\s|$)/.exec(when);
  return re ? new RegExp(re[1]).test(contextValue) : false;
}

/** The schema commands (and Refresh) on an item: [context menu], [inline]. */
function commandsOn(contextValue: string): { menu: string[]; inline: string[] } {
  const items = pkg.contributes.menus['view/item/context'].filter((m) => (SCHEMA_COMMANDS.includes(m.command) || m.command === 'tributary.refresh') && m.when && matchesViewItem(m.when, contextValue));
  const ids = (ms: Menu[]) => [...new Set(ms.map((m) => m.command))].sort();
  return { menu: ids(items.filter((m) => m.group !== 'inline')), inline: ids(items.filter((m) => m.group === 'inline')) };
}

describe('Schema commands: package.json contributions (no VS Code)', () => {
  it('contributes every schema command and registers each in src/commands/index.ts, with the tributary-schema documents', () => {
    const contributed = pkg.contributes.commands.map((c) => c.command);
    const source = fs.readFileSync(path.join(ROOT, 'src', 'commands', 'index.ts'), 'utf8');
    for (const id of SCHEMA_COMMANDS) {
      assert.ok(contributed.includes(id), `${id} is contributed`);
      assert.equal(source.split(`'${id}'`).length, 2, `${id} is registered once`);
    }
    assert.match(source, /registerTextDocumentContentProvider\(SCHEMA_SCHEME, new SchemaDocumentProvider\(/);
  });

  it("the schema nodes' menus: open and compare on a version, register and check on a subject, a topic and its Schemas", () => {
    const v = { subject: 's', version: 2, id: 5, schemaType: 'AVRO' as const, schema: '"string"', references: [] };
    assert.deepEqual(commandsOn(schemasSectionNode('http://127.0.0.1:8081').contextValue), { menu: ['tributary.registerSchemaFromFile'], inline: ['tributary.refresh', 'tributary.registerSchemaFromFile'] });
    assert.deepEqual(commandsOn(subjectNode({ subject: 's', latest: v, compatibility: 'BACKWARD' }).contextValue), {
      menu: ['tributary.checkSchemaCompatibility', 'tributary.diffSchemaVersions', 'tributary.registerSchemaFromFile'],
      inline: ['tributary.registerSchemaFromFile'],
    });
    assert.deepEqual(commandsOn(schemaVersionNode(v, 1, true).contextValue), { menu: ['tributary.diffSchemaVersions', 'tributary.openSchemaVersion'], inline: ['tributary.diffSchemaVersions'] });
    assert.deepEqual(commandsOn(topicSchemasNode('t', ['t-value'], 'TopicNameStrategy').contextValue), {
      menu: ['tributary.checkSchemaCompatibility', 'tributary.registerSchemaFromFile'],
      inline: ['tributary.registerSchemaFromFile'],
    });
    const topic = topicNode({ name: 't', topicId: 'i', partitions: 1, replicationFactor: 1, underReplicated: 0, offline: 0, internal: false });
    assert.deepEqual(commandsOn(topic.contextValue), { menu: ['tributary.checkSchemaCompatibility', 'tributary.registerSchemaFromFile'], inline: [] });
    assert.deepEqual(commandsOn('tributary.info'), { menu: [], inline: [] });
  });

  it('schema files in the explorer offer Register and Check', () => {
    const explorer = pkg.contributes.menus['explorer/context'].filter((m) => SCHEMA_COMMANDS.includes(m.command));
    assert.deepEqual(explorer.map((m) => m.command).sort(), ['tributary.checkSchemaCompatibility', 'tributary.registerSchemaFromFile']);
    for (const m of explorer) {
      const re = new RegExp(/resourceExtname =~ \/(.+)\/$/.exec(m.when!)![1]);
      assert.deepEqual(['.avsc', '.avro', '.proto', '.json', '.log', '.jsonl'].map((e) => re.test(e)), [true, true, true, true, false, false]);
    }
  });

  it('the setting tributary.schemaRegistry.subjectNameStrategy offers the strategies the tree knows', () => {
    const setting = pkg.contributes.configuration.properties['tributary.schemaRegistry.subjectNameStrategy'];
    assert.deepEqual(setting.enum, [...SUBJECT_NAME_STRATEGIES]);
    assert.equal(setting.default, 'TopicNameStrategy');
  });
});
