import { strict as assert } from 'node:assert';
import type { AclBinding, BrokerEvent, ClientQuotasView, ClientView, TransactionView, ClusterReader, GroupDescription, GroupSummary, PartitionDescription, TopicDescription, TopicSummary } from '../../../src/broker/api';
import { ClusterTreeModel } from '../../../src/views/cluster-tree-model';
import { TreeNode, formatBytes, partitionNode } from '../../../src/views/tree-nodes';

/** A reader over made-up data that counts the calls the tree makes. */
class FakeReader implements ClusterReader {
  calls: string[] = [];
  topics: TopicSummary[];
  groups: GroupSummary[] = [];

  constructor(topicCount: number) {
    this.topics = Array.from({ length: topicCount }, (_, i) => ({
      name: `topic-${String(i).padStart(4, '0')}`,
      topicId: `id${i}`,
      partitions: 3,
      replicationFactor: 2,
      underReplicated: i % 100 === 7 ? 1 : 0,
      offline: 0,
      internal: false,
    }));
    this.topics.push({ name: '__consumer_offsets', topicId: 'co', partitions: 50, replicationFactor: 3, underReplicated: 0, offline: 0, internal: true });
  }

  async status() {
    this.calls.push('status');
    return {
      clusterId: 'c1',
      dataDir: '/data',
      bootstrap: '127.0.0.1:9092,127.0.0.1:9093',
      controllerId: 0,
      nodes: [
        { id: 0, host: '127.0.0.1', port: 9092, up: true, isController: true, leaderCount: 2, logDir: '/data/node-0' },
        { id: 1, host: '127.0.0.1', port: null, homePort: 9093, up: false, isController: false, leaderCount: 0, logDir: '/data/node-1' },
      ],
    };
  }

  async listTopics() {
    this.calls.push('listTopics');
    return this.topics;
  }

  async describeTopic(topic: string): Promise<TopicDescription> {
    this.calls.push(`describeTopic ${topic}`);
    const partition = (p: number): PartitionDescription => ({
      partition: p,
      leader: 0,
      leaderEpoch: 0,
      replicas: [0, 1],
      isr: p === 1 ? [0] : [0, 1],
      logStartOffset: 0,
      highWatermark: 10,
      logEndOffset: 12,
      size: 2048,
      dir: `/data/node-0/${topic}-${p}`,
      segments: [
        {
          baseOffset: 0,
          size: 2048,
          files: [
            { name: '00000000000000000000.timeindex', path: `/data/node-0/${topic}-${p}/00000000000000000000.timeindex`, size: 12 },
            { name: '00000000000000000000.index', path: `/data/node-0/${topic}-${p}/00000000000000000000.index`, size: 8 },
            { name: '00000000000000000000.log', path: `/data/node-0/${topic}-${p}/00000000000000000000.log`, size: 2048 },
          ],
        },
      ],
      otherFiles: [{ name: 'partition.metadata', path: `/data/node-0/${topic}-${p}/partition.metadata`, size: 40 }],
    });
    return { name: topic, topicId: 'x', internal: false, configs: {}, partitions: [0, 1, 2].map(partition) };
  }

  async listGroups() {
    this.calls.push('listGroups');
    return this.groups;
  }

  async describeGroup(groupId: string): Promise<GroupDescription> {
    this.calls.push(`describeGroup ${groupId}`);
    return {
      groupId,
      type: 'classic',
      state: 'Stable',
      protocolType: 'consumer',
      protocol: 'range',
      generation: 3,
      coordinator: 0,
      leader: 'm1',
      members: [{ memberId: 'm1', groupInstanceId: null, clientId: 'app<script>', clientHost: '/127.0.0.1', sessionTimeoutMs: 10000, rebalanceTimeoutMs: 30000, assignment: [{ topic: 'topic-0000', partitions: [2, 0] }] }],
      offsets: [
        { topic: 'topic-0000', partition: 0, committed: 5, metadata: null, logStartOffset: 0, endOffset: 10, lag: 5, lagFrom: 'committed', owner: { memberId: 'm1', clientId: 'app' } },
        { topic: 'topic-0000', partition: 2, committed: null, metadata: null, logStartOffset: 0, endOffset: 10, lag: 10, lagFrom: 'log-start' },
      ],
      totalLag: 15,
      uncommitted: 1,
    };
  }
}

function find(nodes: TreeNode[], label: string): TreeNode {
  const n = nodes.find((x) => x.label === label);
  assert.ok(n, `no node "${label}" among ${nodes.map((x) => x.label).join(', ')}`);
  return n;
}

describe('Sidebar tree model (no VS Code)', () => {
  it('builds the root and 1,000 topics well under a second, with one topic-list call and no call per topic', async () => {
    const reader = new FakeReader(1000);
    const model = new ClusterTreeModel(() => ({ reader }));
    const t0 = performance.now();
    const roots = await model.children();
    const topics = await model.children(find(roots, 'Topics'));
    const elapsed = performance.now() - t0;
    assert.ok(elapsed < 250, `took ${elapsed.toFixed(1)} ms`);
    assert.equal(topics.length, 1001);
    assert.deepEqual(reader.calls.filter((c) => c.startsWith('describe')), []);
    assert.equal(reader.calls.filter((c) => c === 'listTopics').length, 1, 'the root and the section share one answer');
    assert.equal(find(roots, 'Topics').description, '1001');
    // Internal topics last; under-replicated ones marked.
    assert.equal(topics[topics.length - 1].label, '__consumer_offsets');
    assert.equal(topics[topics.length - 1].contextValue, 'tributary.topic.internal');
    const ur = find(topics, 'topic-0007');
    assert.deepEqual([ur.icon, ur.color], ['warning', 'list.warningForeground']);
    assert.match(ur.description!, /1 under-replicated/);
    assert.equal(find(topics, 'topic-0008').icon, 'symbol-event');
    model.dispose();
  });

  it('shows nodes with their port, controller role, leader count, and down nodes in red', async () => {
    const reader = new FakeReader(1);
    const model = new ClusterTreeModel(() => ({ reader }));
    const cluster = find(await model.children(), 'Cluster');
    assert.equal(cluster.description, '127.0.0.1:9092,127.0.0.1:9093');
    const nodes = await model.children(cluster);
    assert.deepEqual(nodes.map((n) => [n.label, n.description, n.icon, n.color]), [
      ['node 0', '127.0.0.1:9092 · controller · 2 leaders', 'server-process', 'charts.green'],
      ['node 1', 'down · 127.0.0.1:9093 not listening · 0 leaders', 'server', 'charts.red'],
    ]);
  });

  it('describes a topic only when expanded, and shows partitions with their offsets and segment files', async () => {
    const reader = new FakeReader(3);
    const model = new ClusterTreeModel(() => ({ reader }));
    const topics = await model.children(find(await model.children(), 'Topics'));
    const parts = await model.children(find(topics, 'topic-0001'));
    assert.deepEqual(reader.calls.filter((c) => c.startsWith('describe')), ['describeTopic topic-0001']);
    assert.equal(parts.length, 3);
    assert.equal(parts[0].description, 'HW 10 · leader 0 · ISR 2/2 · 0–12 · 2.0 KiB');
    assert.equal(parts[1].icon, 'warning', 'ISR smaller than the replicas');
    const files = await model.children(parts[0]);
    assert.deepEqual(files.map((f) => f.label), ['00000000000000000000.log', '00000000000000000000.index', '00000000000000000000.timeindex', 'partition.metadata']);
    assert.deepEqual([files[0].command, files[0].contextValue], ['tributary.openSegment', 'tributary.segmentFile']);
    assert.deepEqual([files[3].command, files[3].contextValue], [undefined, 'tributary.file']);
    assert.equal(reader.calls.filter((c) => c.startsWith('describe')).length, 1, 'files come from the same description');
  });

  it('refreshes only expanded topics on appends, the whole tree on topic changes, and keeps node identity', async () => {
    const reader = new FakeReader(3);
    const model = new ClusterTreeModel(() => ({ reader }), 10);
    const fired: Array<string | undefined> = [];
    model.onDidChange((n) => fired.push(n?.id));
    const roots = await model.children();
    const topics = await model.children(find(roots, 'Topics'));
    const t1 = find(topics, 'topic-0001');
    await model.children(t1);

    model.handleEvent({ type: 'partitionsAppended', partitions: [1, 2].map((p) => ({ topic: 'topic-0001', partition: p, logStartOffset: 0, highWatermark: 11, logEndOffset: 11 })) });
    model.handleEvent({ type: 'partitionsAppended', partitions: [{ topic: 'topic-0002', partition: 0, logStartOffset: 0, highWatermark: 1, logEndOffset: 1 }] });
    assert.deepEqual(fired, [], 'debounced');
    model.flush();
    assert.deepEqual(fired, [t1.id], 'one refresh, for the expanded topic only');
    await model.children(t1);
    assert.equal(reader.calls.filter((c) => c === 'describeTopic topic-0001').length, 2, 're-described after the append');

    fired.length = 0;
    reader.topics = reader.topics.filter((t) => t.name !== 'topic-0002');
    model.handleEvent({ type: 'topicDeleted', topic: 'topic-0002' });
    model.flush();
    assert.deepEqual(fired, [undefined], 'counts on the root change: refresh from the root');
    const again = await model.children(find(await model.children(), 'Topics'));
    assert.equal(find(again, 'topic-0001'), t1, 'the same object, updated in place');
    assert.ok(!again.some((t) => t.label === 'topic-0002'));
    assert.equal(model.node(t1.id), t1);
  });

  it('shows groups with state, protocol, members and lag; members with assignments; offsets with lag; text stays text', async () => {
    const reader = new FakeReader(1);
    reader.groups = [
      { groupId: 'billing', type: 'classic', state: 'Stable', protocolType: 'consumer', protocol: 'range', members: 1, coordinator: 0, totalLag: 5, uncommitted: 0, topics: ['topic-0000'] },
      { groupId: 'idle', type: 'classic', state: 'Empty', protocolType: 'consumer', protocol: null, members: 0, coordinator: 0, totalLag: 0, uncommitted: 0, topics: ['topic-0000'] },
    ];
    const model = new ClusterTreeModel(() => ({ reader }), 10);
    const groups = await model.children(find(await model.children(), 'Consumer Groups'));
    const billing = find(groups, 'billing');
    assert.deepEqual([billing.description, billing.contextValue, billing.color], ['lag 5 · Stable · 1 member · range', 'tributary.group.active', 'charts.green']);
    assert.equal(find(groups, 'idle').contextValue, 'tributary.group.inactive');
    const [members, offsets] = await model.children(billing);
    const member = (await model.children(members))[0];
    assert.equal(member.label, 'app<script>', 'a client id is shown as the text it is');
    assert.match(member.tooltip!, /Client id: app<script>/);
    assert.deepEqual((await model.children(member)).map((a) => a.label), ['topic-0000-0', 'topic-0000-2']);
    const rows = await model.children(offsets);
    // Lag first; a partition without a committed offset is never shown as caught up, and its lag counts from the
    // log start (the group's total includes it and says how many partitions are uncommitted).
    assert.deepEqual(rows.map((r) => [r.label, r.description, r.icon, r.color]), [
      ['topic-0000-0', 'lag 5 · committed 5 · end 10', 'arrow-down', 'charts.yellow'],
      ['topic-0000-2', 'no committed offset · lag 10 from log start · end 10', 'circle-slash', 'charts.yellow'],
    ]);
    assert.match(rows[1].tooltip!, /Committed offset: none .*\n[\s\S]*Lag: 10 from the log start offset 0\. .*auto\.offset\.reset/);
    assert.equal(offsets.description, 'lag 15 (1 partition uncommitted) · 2');

    // Appends to a topic a group reads move its lag: the groups section refreshes.
    const fired: Array<string | undefined> = [];
    model.onDidChange((n) => fired.push(n?.id));
    model.handleEvent({ type: 'partitionsAppended', partitions: [{ topic: 'topic-0000', partition: 0, logStartOffset: 0, highWatermark: 12, logEndOffset: 12 }] });
    await new Promise((r) => setTimeout(r, 30));
    assert.deepEqual(fired, [find(await model.children(), 'Consumer Groups').id]);
  });

  it('shows nothing without a broker (welcome content), read-only data with the owner, and errors as a node', async () => {
    const current: { source?: { reader: ClusterReader; ownerPid?: number } } = {};
    const model = new ClusterTreeModel(() => current.source);
    assert.deepEqual(await model.children(), []);
    const reader = new FakeReader(2);
    current.source = { reader, ownerPid: 4242 };
    const roots = await model.children();
    assert.equal(find(roots, 'Cluster').description, 'read-only · in use by process 4242');
    assert.equal(find(roots, 'Cluster').contextValue, 'tributary.cluster.readOnly');
    assert.deepEqual((await model.children(find(roots, 'Consumer Groups'))).map((n) => n.label), ['Groups are shown while the broker runs here']);
    assert.ok(!reader.calls.includes('listGroups'));
    reader.describeTopic = async () => {
      throw new Error('gone');
    };
    const topics = await model.children(find(roots, 'Topics'));
    const err = await model.children(topics[0]);
    assert.deepEqual([err[0].label, err[0].icon], ['Could not read: gone', 'error']);
  });

  it('a partition held back by an open transaction says so: LSO below the high watermark, and why, in the tooltip', () => {
    const base: PartitionDescription = { partition: 0, leader: 0, leaderEpoch: 0, replicas: [0], isr: [0], logStartOffset: 0, highWatermark: 10, logEndOffset: 10, size: 100, dir: '/d', segments: [], otherFiles: [] };
    const stable = partitionNode('t', { ...base, lastStableOffset: 10 });
    assert.doesNotMatch(String(stable.description), /LSO/);
    assert.match(String(stable.tooltip), /Last stable offset: 10$/m);
    const held = partitionNode('t', { ...base, lastStableOffset: 4 });
    assert.match(String(held.description), /^LSO 4 \(open transaction\) · HW 10/);
    assert.match(String(held.tooltip), /Last stable offset: 4 \(read_committed consumers wait here for an open transaction\)/);
    assert.doesNotMatch(String(partitionNode('t', base).tooltip), /Last stable/, 'not known (external clusters): not shown');
    // Missing in-sync replicas come first, where a narrow sidebar does not cut them.
    const under = partitionNode('t', { ...base, replicas: [0, 1, 2], isr: [0] });
    assert.match(String(under.description), /^ISR 1\/3 \[0\] · HW 10 · leader 0 · /);
    assert.equal(under.icon, 'warning');
  });

  it('the Clients section: each client with its software and address, its APIs, and what Kafka 4.0 refuses', async () => {
    const reader = new FakeReader(1);
    const clients: ClientView[] = [
      { clientId: 'billing', softwareName: 'apache-kafka-java', softwareVersion: '3.9.0', host: '10.0.0.5', connections: 2, openConnections: 2, firstSeen: 0, lastSeen: 2, requests: 40, apis: [{ api: 'Fetch', apiKey: 1, versions: [17] }], kafka4: [] },
      { clientId: 'monitor', softwareName: null, softwareVersion: null, host: '127.0.0.1', connections: 1, openConnections: 0, firstSeen: 0, lastSeen: 1, requests: 3, apis: [{ api: 'Fetch', apiKey: 1, versions: [0, 1] }, { api: 'ListOffsets', apiKey: 2, versions: [0] }, { api: 'Metadata', apiKey: 3, versions: [0] }], kafka4: [{ api: 'Fetch', version: 0, kafka4Min: 4 }, { api: 'Fetch', version: 1, kafka4Min: 4 }, { api: 'ListOffsets', version: 0, kafka4Min: 1 }] },
    ];
    let asked = 0;
    const model = new ClusterTreeModel(() => ({ reader, clients: async () => (asked++, clients) }));
    const section = find(await model.children(), 'Clients');
    assert.deepEqual([section.description, section.icon], ['2 · 1 not ready for Kafka 4', 'warning']);
    const rows = await model.children(section);
    assert.deepEqual(rows.map((r) => [r.label, r.description, r.icon]), [
      ['billing', 'apache-kafka-java 3.9.0 · 10.0.0.5 · 2 open connections', 'vm-connect'],
      ['monitor', 'software not named (ApiVersions before v3) · 127.0.0.1 · 0 open connections · not ready for Kafka 4', 'warning'],
    ]);
    assert.match(String(rows[1].tooltip), /Kafka 4\.0 refuses: Fetch v0, Fetch v1, ListOffsets v0/);
    const apis = await model.children(rows[1]);
    assert.deepEqual(apis.map((a) => [a.label, a.description ?? null, a.icon]), [
      ['Fetch v0-1', 'Kafka 4.0 refuses v0-1 (serves v4+)', 'warning'],
      ['ListOffsets v0', 'Kafka 4.0 refuses v0 (serves v1+)', 'warning'],
      ['Metadata v0', null, 'symbol-method'],
    ]);
    assert.ok(asked >= 3, 'asked afresh at each look');
    // Without a live broker (a directory read from disk, an external cluster) there is no such section.
    assert.ok(!(await new ClusterTreeModel(() => ({ reader })).children()).some((n) => n.label === 'Clients'));
    model.dispose();
  });

  it('ACLs: a root section, the ACLs that apply under each topic and group (literal, *, prefixes), refreshed on aclsChanged; none without an authorizer', async () => {
    const reader = new FakeReader(2);
    reader.groups = [{ groupId: 'billing', state: 'Stable', protocolType: 'consumer', members: 0, topics: [], totalLag: 0, type: 'classic' } as unknown as GroupSummary];
    const acl = (o: Partial<AclBinding>): AclBinding => ({ resourceType: 2, resourceName: 'topic-0000', patternType: 3, principal: 'User:alice', host: '*', operation: 3, permissionType: 3, ...o });
    let acls: AclBinding[] = [acl({}), acl({ resourceName: 'topic-', patternType: 4, operation: 4, permissionType: 2, principal: 'User:*' }), acl({ resourceName: '*', host: '10.0.0.9', operation: 8 }), acl({ resourceType: 3, resourceName: 'billing' })];
    let asked = 0;
    const model = new ClusterTreeModel(() => ({ reader, acls: async () => (asked++, acls) }));
    const root = find(await model.children(), 'ACLs');
    assert.equal(root.description, '4 · 1 deny');
    assert.equal((await model.children(root)).length, 4);
    const topics = find(await model.children(), 'Topics');
    const topic = (await model.children(topics)).find((t) => t.label === 'topic-0001')!;
    const [section, ...partitions] = await model.children(topic);
    assert.equal(section.label, 'ACLs', 'first under the topic');
    assert.equal(partitions.length, 3);
    assert.equal(section.description, '2 · 1 deny');
    const rows = await model.children(section);
    assert.deepEqual(rows.map((r) => [r.label, r.description ?? null, r.icon, r.contextValue]), [
      ['DENY User:* WRITE', 'topic prefixed topic-', 'circle-slash', 'tributary.acl'],
      ['ALLOW User:alice DESCRIBE', 'topic * · from 10.0.0.9', 'pass', 'tributary.acl'],
    ]);
    const own = await model.children((await model.children(topic)).find((t) => t.label === 'ACLs')!);
    assert.equal(own.length, 2);
    const t0 = (await model.children(topics)).find((t) => t.label === 'topic-0000')!;
    const t0rows = await model.children((await model.children(t0))[0]);
    assert.deepEqual(t0rows.map((r) => [r.label, r.description ?? null]).slice(0, 1), [['ALLOW User:alice READ', null]], "the topic's own literal ACL names no origin");
    const group = (await model.children(find(await model.children(), 'Consumer Groups'))).find((g) => g.label === 'billing')!;
    const groupAcls = (await model.children(group)).find((n) => n.label === 'ACLs')!;
    assert.equal(groupAcls.description, '1');
    // Asked once per refresh; an aclsChanged event makes the next look ask again.
    const before = asked;
    await model.children();
    assert.equal(asked, before);
    acls = acls.slice(0, 1);
    model.handleEvent({ type: 'aclsChanged' });
    assert.equal(find(await model.children(), 'ACLs').description, '1');
    model.dispose();
    // SECURITY_DISABLED (no authorizer): no ACL nodes anywhere.
    const off = new ClusterTreeModel(() => ({ reader, acls: async () => Promise.reject(Object.assign(new Error('No Authorizer is configured on the broker'), { errorName: 'SECURITY_DISABLED' })) }));
    assert.ok(!(await off.children()).some((n) => n.label === 'ACLs'));
    const offTopic = (await off.children(find(await off.children(), 'Topics')))[0];
    assert.ok(!(await off.children(offTopic)).some((n) => n.label === 'ACLs'));
    off.dispose();
  });

  it('Transactions and Quotas: root sections from the live broker, an open transaction offering Abort with its partitions, quota entities and their rates', async () => {
    const reader = new FakeReader(1);
    const now = Date.now();
    let txns: TransactionView[] = [
      { transactionalId: 'orders-writer', state: 'Ongoing', producerId: 7, producerEpoch: 2, timeoutMs: 60000, startTimestamp: now - 5000, lastUpdateTimestamp: now, partitions: [{ topic: 'orders', partition: 0 }, { topic: 'orders', partition: 1 }], coordinator: 0 },
      { transactionalId: 'audit', state: 'CompleteCommit', producerId: 8, producerEpoch: 0, timeoutMs: 60000, startTimestamp: -1, lastUpdateTimestamp: now - 1000, partitions: [], coordinator: 0 },
    ];
    const quotas: ClientQuotasView = {
      quotas: [{ entity: { user: 'alice', 'client-id': null }, values: { producer_byte_rate: 1048576 } }, { entity: { ip: '10.0.0.1' }, values: { connection_creation_rate: 5 } }],
      usage: [{ nodeId: 0, type: 'produce', user: 'alice', clientId: 'app', quota: 1048576, rate: 1048000, throttleCount: 3, avgThrottleMs: 120, lastThrottleMs: 90, lastThrottledAt: now - 2000 }],
    };
    const model = new ClusterTreeModel(() => ({ reader, transactions: async () => txns, quotas: async () => quotas }));
    const section = find(await model.children(), 'Transactions');
    assert.equal(section.description, '2 transactional ids · 1 open');
    const rows = await model.children(section);
    assert.deepEqual(rows.map((r) => [r.label, r.contextValue]), [['orders-writer', 'tributary.transaction.open'], ['audit', 'tributary.transaction']]);
    assert.deepEqual((await model.children(rows[0])).map((p) => p.label), ['orders-0', 'orders-1']);
    const q = find(await model.children(), 'Quotas');
    assert.equal(q.description, '2 entities · 1 throttling now');
    assert.deepEqual((await model.children(q)).map((r) => [r.label, r.description]), [
      ["user 'alice', default client-id", 'producer_byte_rate=1048576'],
      ["ip '10.0.0.1'", 'connection_creation_rate=5'],
      ["user 'alice', client-id 'app' · produce", 'node 0 · 1023 KiB/s of 1.0 MiB/s · throttled 3×, last 90 ms 2 s ago'],
    ]);
    // A transaction's records in __transaction_state refresh the root line's counts.
    txns = txns.slice(1);
    const changed: Array<unknown> = [];
    model.onDidChange((n) => changed.push(n));
    model.handleEvent({ type: 'partitionsAppended', partitions: [{ topic: '__transaction_state', partition: 3, logEndOffset: 9, highWatermark: 9 }] } as unknown as BrokerEvent);
    model.flush();
    assert.ok(changed.includes(undefined), 'the whole tree refreshes');
    assert.equal(find(await model.children(), 'Transactions').description, '1 transactional id · 0 open');
    model.dispose();
    // Neither section without those sources (a directory read from disk); no Quotas section while none is set.
    assert.ok(!(await new ClusterTreeModel(() => ({ reader })).children()).some((n) => n.label === 'Transactions' || n.label === 'Quotas'));
    const none = new ClusterTreeModel(() => ({ reader, quotas: async () => ({ quotas: [], usage: [] }) }));
    assert.ok(!(await none.children()).some((n) => n.label === 'Quotas'));
    none.dispose();
  });

  it('formats sizes in binary units', () => {
    assert.deepEqual([0, 1023, 1024, 1536, 10 * 1024 * 1024, 3 * 1024 ** 3].map(formatBytes), ['0 B', '1023 B', '1.0 KiB', '1.5 KiB', '10.0 MiB', '3.0 GiB']);
  });
});
