/**
 * The tree's Schemas section and a topic's subjects, read from a real schema registry (the embedded one's REST server
 * over an in-memory _schemas, through SchemaRegistryClient): the subjects with type, latest version and level, their
 * versions, a topic's subjects under each naming strategy, refreshes, and a registry that cannot be reached.
 */
import { strict as assert } from 'node:assert';
import * as net from 'node:net';
import type { ClusterReader, GroupDescription, TopicDescription, TopicSummary } from '../../../src/broker/api';
import { startSchemaRegistryServer, type SchemaRegistryServer } from '../../../src/broker/schema-registry/rest-server';
import { SchemaRegistry, type LogRecord, type SchemaLog } from '../../../src/broker/schema-registry/schema-registry';
import { SCHEMA_PROVIDERS } from '../../../src/broker/schema-registry/schema-types';
import { SchemaRegistryClient, type SchemaText } from '../../../src/schemas/registry-client';
import type { SubjectNameStrategy } from '../../../src/schemas/subject-names';
import { ClusterTreeModel, type TreeSource } from '../../../src/views/cluster-tree-model';
import type { TreeNode } from '../../../src/views/tree-nodes';

class MemoryLog implements SchemaLog {
  records: LogRecord[] = [];
  async append(records: LogRecord[]): Promise<void> {
    this.records.push(...records);
  }
}

/** Topics without partitions' details: what the Schemas nodes need. */
class Topics implements ClusterReader {
  constructor(private readonly names: string[]) {}
  async status() {
    return { clusterId: 'c1', dataDir: '/data', bootstrap: '127.0.0.1:9092', controllerId: 0, nodes: [] };
  }
  async listTopics(): Promise<TopicSummary[]> {
    return this.names.map((name) => ({ name, topicId: name, partitions: 1, replicationFactor: 1, underReplicated: 0, offline: 0, internal: name.startsWith('_') }));
  }
  async describeTopic(name: string): Promise<TopicDescription> {
    return { name, topicId: name, internal: name.startsWith('_'), configs: {}, partitions: [{ partition: 0, leader: 0, leaderEpoch: 0, replicas: [0], isr: [0], logStartOffset: 0, highWatermark: 0, logEndOffset: 0, size: 0, dir: `/d/${name}-0`, segments: [], otherFiles: [] }] };
  }
  async listGroups() {
    return [];
  }
  async describeGroup(): Promise<GroupDescription> {
    throw new Error('no groups');
  }
}

/** A client that counts the subject listings it is asked for. */
class CountingClient extends SchemaRegistryClient {
  listings = 0;
  override subjects(): Promise<string[]> {
    this.listings++;
    return super.subjects();
  }
}

const avro = (o: unknown): SchemaText => ({ schema: JSON.stringify(o), schemaType: 'AVRO', references: [] });
const ORDER_V1 = avro({ type: 'record', name: 'Order', namespace: 'com.example', fields: [{ name: 'id', type: 'string' }] });
const ORDER_V2 = avro({ type: 'record', name: 'Order', namespace: 'com.example', fields: [{ name: 'id', type: 'string' }, { name: 'note', type: ['null', 'string'], default: null }] });
const REFUND = avro({ type: 'record', name: 'Refund', namespace: 'com.example', fields: [{ name: 'amount', type: 'long' }] });
const PAYMENT = avro({ type: 'record', name: 'Payment', namespace: 'com.example', fields: [{ name: 'amount', type: 'long' }] });
const PROTO: SchemaText = { schema: 'syntax = "proto3";\npackage shop;\nmessage Payment { int64 amount = 1; }\n', schemaType: 'PROTOBUF', references: [] };
const JSON_SCHEMA: SchemaText = { schema: JSON.stringify({ type: 'object', properties: { id: { type: 'string' } } }), schemaType: 'JSON', references: [] };

function find(nodes: TreeNode[], label: string): TreeNode {
  const n = nodes.find((x) => x.label === label);
  assert.ok(n, `no node "${label}" among ${nodes.map((x) => x.label).join(', ')}`);
  return n;
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('Sidebar tree model: the Schemas section, from a real schema registry', function () {
  this.timeout(30000);
  let server: SchemaRegistryServer;
  let client: CountingClient;
  const reader = new Topics(['orders', 'orders-eu', 'payments', 'quiet', '__consumer_offsets']);
  const models: ClusterTreeModel[] = [];
  const model = (source: Omit<TreeSource, 'reader'>): ClusterTreeModel => {
    const m = new ClusterTreeModel(() => ({ reader, ...source }), 10);
    models.push(m);
    return m;
  };
  const withStrategy = (strategy?: SubjectNameStrategy) => model({ schemas: async () => client, subjectNameStrategy: strategy });
  /** The labels of the subjects under a topic's Schemas, or null when the topic has no Schemas node. */
  const topicSubjects = async (m: ClusterTreeModel, topic: string): Promise<string[] | null> => {
    const topics = await m.children(find(await m.children(), 'Topics'));
    const section = (await m.children(find(topics, topic))).find((n) => n.label === 'Schemas');
    return section ? (await m.children(section)).map((n) => n.label) : null;
  };

  before(async () => {
    server = await startSchemaRegistryServer(new SchemaRegistry(SCHEMA_PROVIDERS, new MemoryLog()), { port: 0 });
    client = new CountingClient({ url: `http://127.0.0.1:${server.port}` });
    await client.register('orders-value', ORDER_V1);
    await client.register('orders-value', ORDER_V2);
    await client.register('orders-key', { schema: '"string"', schemaType: 'AVRO', references: [] });
    await client.register('orders-com.example.Refund', REFUND);
    await client.register('com.example.Payment', PAYMENT);
    await client.register('orders-eu-value', JSON_SCHEMA);
    await client.register('payments-value', PROTO);
    await client.setCompatibilityLevel('FULL', 'orders-value');
  });
  after(async () => {
    for (const m of models) m.dispose();
    await server.close();
  });

  it('a root section after the consumer groups, listing every subject with its type, latest version and compatibility level', async () => {
    const m = withStrategy();
    const roots = await m.children();
    assert.deepEqual(roots.map((n) => n.label), ['Cluster', 'Topics', 'Consumer Groups', 'Schemas']);
    const section = find(roots, 'Schemas');
    assert.deepEqual([section.description, section.contextValue, section.collapsible], [`127.0.0.1:${server.port}`, 'tributary.schemas', 'collapsed']);
    const subjects = await m.children(section);
    assert.deepEqual(subjects.map((n) => [n.label, n.description, n.contextValue]), [
      ['com.example.Payment', 'AVRO · v1 · BACKWARD', 'tributary.subject'],
      ['orders-com.example.Refund', 'AVRO · v1 · BACKWARD', 'tributary.subject'],
      ['orders-eu-value', 'JSON · v1 · BACKWARD', 'tributary.subject'],
      ['orders-key', 'AVRO · v1 · BACKWARD', 'tributary.subject'],
      ['orders-value', 'AVRO · v2 · FULL', 'tributary.subject'],
      ['payments-value', 'PROTOBUF · v1 · BACKWARD', 'tributary.subject'],
    ]);
    const orders = find(subjects, 'orders-value');
    assert.match(orders.tooltip!, /^Subject orders-value\nType: AVRO\nLatest version: 2 \(schema id 2\)\nCompatibility: FULL$/);
    assert.deepEqual(orders.ref, { kind: 'subject', subject: 'orders-value' });
  });

  it("a subject's versions, the latest first, each with its id and type, opening on click and knowing the version before it", async () => {
    const m = withStrategy();
    const orders = find(await m.children(find(await m.children(), 'Schemas')), 'orders-value');
    const versions = await m.children(orders);
    assert.deepEqual(versions.map((n) => [n.label, n.description, n.contextValue, n.command]), [
      ['v2', 'id 2 · AVRO · latest', 'tributary.schemaVersion', 'tributary.openSchemaVersion'],
      ['v1', 'id 1 · AVRO', 'tributary.schemaVersion', 'tributary.openSchemaVersion'],
    ]);
    assert.deepEqual(versions[0].ref, { kind: 'schemaVersion', subject: 'orders-value', version: 2, id: 2, schemaType: 'AVRO', previous: 1 });
    assert.deepEqual(versions[1].ref, { kind: 'schemaVersion', subject: 'orders-value', version: 1, id: 1, schemaType: 'AVRO' });
    const proto = await m.children(find(await m.children(find(await m.children(), 'Schemas')), 'payments-value'));
    assert.deepEqual(proto.map((n) => n.description), ['id 7 · PROTOBUF · latest']);
  });

  it("a topic's subjects under each naming strategy, in their own nodes; none for a topic without any, nor for internal topics", async () => {
    const topicName = withStrategy('TopicNameStrategy');
    assert.deepEqual(await topicSubjects(topicName, 'orders'), ['orders-key', 'orders-value']);
    assert.deepEqual(await topicSubjects(topicName, 'orders-eu'), ['orders-eu-value']);
    assert.deepEqual(await topicSubjects(topicName, 'payments'), ['payments-value']);
    assert.equal(await topicSubjects(topicName, 'quiet'), null);
    assert.equal(await topicSubjects(topicName, '__consumer_offsets'), null);
    assert.deepEqual(await topicSubjects(withStrategy(), 'orders'), ['orders-key', 'orders-value'], 'TopicNameStrategy by default');

    const topicRecord = withStrategy('TopicRecordNameStrategy');
    assert.deepEqual(await topicSubjects(topicRecord, 'orders'), ['orders-key', 'orders-value', 'orders-com.example.Refund'], "not orders-eu-value: topic orders-eu's");
    assert.deepEqual(await topicSubjects(topicRecord, 'orders-eu'), ['orders-eu-value']);

    const record = withStrategy('RecordNameStrategy');
    assert.deepEqual(await topicSubjects(record, 'orders'), ['orders-key', 'orders-value', 'com.example.Payment']);
    assert.deepEqual(await topicSubjects(record, 'quiet'), ['com.example.Payment'], 'a record-named subject may serve any topic');

    // The topic's node: after the ACLs, before the partitions, with its own ids (the same subject shows at the root too).
    const topics = await topicName.children(find(await topicName.children(), 'Topics'));
    const children = await topicName.children(find(topics, 'orders'));
    assert.deepEqual(children.map((n) => n.label), ['Schemas', 'partition 0']);
    assert.deepEqual([children[0].description, children[0].contextValue], ['2', 'tributary.topicSchemas']);
    assert.deepEqual(children[0].ref, { kind: 'topicSchemas', topic: 'orders' });
    assert.match(children[0].tooltip!, /TopicNameStrategy: its subjects are <topic>-key and <topic>-value/);
    const underTopic = find(await topicName.children(children[0]), 'orders-value');
    const atRoot = find(await topicName.children(find(await topicName.children(), 'Schemas')), 'orders-value');
    assert.notEqual(underTopic.id, atRoot.id);
    assert.deepEqual([underTopic.description, underTopic.ref], ['AVRO · v2 · FULL', { kind: 'subject', subject: 'orders-value', inTopic: 'orders' }]);
    const versions = await topicName.children(underTopic);
    assert.deepEqual(versions.map((n) => n.label), ['v2', 'v1']);
    const rootVersions = await topicName.children(atRoot);
    assert.ok(versions.every((v, i) => v.id !== rootVersions[i].id && topicName.node(v.id) === v), 'a version under the topic is its own node');
    assert.deepEqual(versions[0].ref, { ...rootVersions[0].ref, inTopic: 'orders' });
  });

  it('reads the registry once per refresh; Refresh and a registration (invalidateSchemas) read it again, keeping node identity', async () => {
    const m = withStrategy();
    const fired: Array<string | undefined> = [];
    m.onDidChange((n) => fired.push(n?.id));
    const before = client.listings;
    const section = find(await m.children(), 'Schemas');
    const first = await m.children(section);
    await topicSubjects(m, 'orders');
    await topicSubjects(m, 'payments');
    await m.children(section);
    assert.equal(client.listings - before, 1, 'one subject listing for the section and every topic');

    await client.register('quiet-value', PAYMENT);
    assert.equal(await topicSubjects(m, 'quiet'), null, 'not read again before a refresh');
    m.invalidateSchemas();
    m.flush();
    assert.deepEqual(fired, [undefined], 'the whole tree: topics may gain their Schemas');
    assert.deepEqual(await topicSubjects(m, 'quiet'), ['quiet-value']);
    const again = await m.children(section);
    assert.ok(again.some((n) => n.label === 'quiet-value'));
    assert.equal(find(again, 'orders-value'), find(first, 'orders-value'), 'the same object, updated in place');

    await client.register('orders-value', avro({ type: 'record', name: 'Order', namespace: 'com.example', fields: [{ name: 'id', type: 'string' }, { name: 'note', type: ['null', 'string'], default: null }, { name: 'n', type: 'int', default: 0 }] }));
    m.invalidateAll();
    assert.equal(find(await m.children(section), 'orders-value').description, 'AVRO · v3 · FULL', 'Refresh reads the summaries again');
    await client.deleteSubject('quiet-value');
  });

  it('a registry that cannot be reached: an info node saying why under Schemas, asked once per refresh; topics still expand', async () => {
    const down = new CountingClient({ url: `http://127.0.0.1:${await closedPort()}`, timeoutMs: 2000 });
    const m = model({ schemas: async () => down });
    const section = find(await m.children(), 'Schemas');
    const rows = await m.children(section);
    assert.equal(rows.length, 1);
    assert.deepEqual([rows[0].label, rows[0].icon, rows[0].contextValue], ['Schema registry unavailable', 'warning', 'tributary.info']);
    assert.match(rows[0].description!, /^Cannot reach the schema registry at http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);
    assert.deepEqual(await topicSubjects(m, 'orders'), null, 'no Schemas under the topic, and no error');
    await m.children(section);
    assert.equal(down.listings, 1, 'the failure is kept until a refresh');
    m.invalidateAll();
    await m.children(section);
    assert.equal(down.listings, 2);
  });

  it('no section without a registry; a registry whose endpoint fails shows the section with the reason', async () => {
    assert.ok(!(await model({}).children()).some((n) => n.label === 'Schemas'));
    assert.ok(!(await model({ schemas: async () => undefined }).children()).some((n) => n.label === 'Schemas'));
    const broken = model({
      schemas: async () => {
        throw new Error('No password is stored for the schema registry of "prod"');
      },
    });
    const section = find(await broken.children(), 'Schemas');
    assert.equal(section.description, 'unavailable');
    const [info] = await broken.children(section);
    assert.deepEqual([info.label, info.description], ['Schema registry unavailable', 'No password is stored for the schema registry of "prod"']);
    assert.deepEqual((await broken.children(find(await broken.children(), 'Topics'))).map((t) => t.label).slice(0, 1), ['orders']);
  });

  it('the model hands the commands the shown cluster\'s registry', async () => {
    assert.equal(await withStrategy().schemaRegistry(), client);
    assert.equal(await model({}).schemaRegistry(), undefined);
    assert.equal(await new ClusterTreeModel(() => undefined).schemaRegistry(), undefined);
  });
});
