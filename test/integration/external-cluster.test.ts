// The extension's external-cluster client (ExternalCluster, over @platformatic/kafka) against a standalone
// `tributary start` as the remote cluster: every BrokerApi call the tree and the panels make, checked against what
// kafkajs, an independent client, sees on the same cluster. The requests ExternalCluster sends outside the library's
// clients (external-cluster-requests.ts: Metadata and ListOffsets of internal topics, the sessionless Fetch) are
// checked here too, over PLAINTEXT and over SASL_SSL: this is their contract test against a running broker.
import { strict as assert } from 'node:assert';
import { Kafka, logLevel } from 'kafkajs';
import { Admin, Consumer as PlatformaticConsumer, stringDeserializers } from '@platformatic/kafka';
import { ExternalCluster, LocalOnlyError } from '../../src/clusters/external-cluster';
import { clientOptions } from '../../src/clusters/external-cluster-clients';
import { DirectRequests } from '../../src/clusters/external-cluster-requests';
import { bytesToText } from '../../src/broker/api';
import { partitionForKey } from '../../src/broker/partitioner';
import { CliBroker, startCliBroker } from '../support/cli-broker';
import { rm, tmpDir } from '../support/tmp';
import { pollUntil } from '../support/poll';
import type { KafkaError } from '../../src/broker/errors';
import { CA_FILE, CERT_FILE, KEY_FILE } from '../support/tls';
import type { ConnectionConfig } from '../../src/clusters/connections';
import { ClusterRouter } from '../../src/webviews/cluster-router';
import { GroupRouter } from '../../src/webviews/group-router';
import { ConsumerRouter } from '../../src/webviews/consumer-router';
import { TopicConfigRouter } from '../../src/webviews/topic-config-router';
import type { BrokerSource } from '../../src/webviews/panel-router';
import {
  ApplyTopicConfigsRequest,
  ClusterViewNotification,
  ConsumerRecordsNotification,
  GroupDescriptionNotification,
  GroupJournalNotification,
  SubscribeRequest,
  TopicConfigsNotification,
  WebviewReadyCommand,
} from '../../src/shared/webview-protocol';
import { RecordingEnv, command, request } from '../unit/host/webviews-support';

const text = (b: { base64: string } | null) => (b === null ? null : bytesToText(b));

describe('external cluster: ExternalCluster against a standalone `tributary start`', function () {
  this.timeout(60000);
  let dir: string;
  let broker: CliBroker;
  let cluster: ExternalCluster;
  let kafka: Kafka;

  before(async () => {
    dir = tmpDir();
    broker = await startCliBroker(['--data', dir, '--port', '0', '--nodes', '3']);
    cluster = new ExternalCluster({ config: { name: 'remote', bootstrapServers: broker.bootstrap.split(',')[0], securityProtocol: 'PLAINTEXT' } });
    kafka = new Kafka({ clientId: 'check', brokers: broker.bootstrap.split(','), logLevel: logLevel.NOTHING });
  });
  after(async () => {
    await cluster?.close();
    await broker?.stop();
    rm(dir);
  });

  it('status: the cluster id, every broker with its address and the controller', async () => {
    const s = await cluster.status();
    const ports = broker.bootstrap.split(',').map((hp) => Number(hp.split(':')[1]));
    assert.deepEqual(
      s.nodes.map((n) => [n.id, n.host, n.port, n.up]),
      ports.map((p, i) => [i, '127.0.0.1', p, true]),
    );
    assert.equal(s.nodes.filter((n) => n.isController).length, 1);
    const described = await kafka.admin().describeCluster();
    assert.equal(s.clusterId, described.clusterId);
    assert.equal(s.controllerId, described.controller);
    assert.equal(s.dataDir, '', 'no local data directory');
  });

  it('topics: create, list, describe (leaders, ISR, offsets), add partitions, configs with their sources', async () => {
    const created = await cluster.createTopic({ name: 'orders', partitions: 3, replicationFactor: 3, configs: { 'retention.ms': '3600000' } });
    assert.equal(created.partitions, 3);
    const list = await cluster.listTopics();
    const orders = list.find((t) => t.name === 'orders');
    assert.ok(orders, `orders in ${list.map((t) => t.name)}`);
    assert.deepEqual([orders.partitions, orders.replicationFactor, orders.underReplicated, orders.offline], [3, 3, 0, 0]);
    const kjs = (await kafka.admin().fetchTopicMetadata({ topics: ['orders'] })).topics[0];
    const d = await cluster.describeTopic('orders');
    assert.deepEqual(
      d.partitions.map((p) => [p.partition, p.leader, p.replicas, p.isr]),
      [...kjs.partitions].sort((a, b) => a.partitionId - b.partitionId).map((p) => [p.partitionId, p.leader, p.replicas, p.isr]),
    );
    assert.deepEqual(d.configs, { 'retention.ms': '3600000' });
    assert.ok(d.partitions.every((p) => p.logStartOffset === 0 && p.highWatermark === 0 && p.segments.length === 0));

    const configs = await cluster.getTopicConfigs('orders');
    const retention = configs.find((c) => c.name === 'retention.ms')!;
    assert.equal(retention.value, '3600000');
    assert.equal(retention.source, 'DYNAMIC_TOPIC_CONFIG');
    assert.equal(retention.default, '604800000', 'the broker default behind the override');
    assert.equal(configs.find((c) => c.name === 'cleanup.policy')?.source, 'DEFAULT_CONFIG');
    const changed = await cluster.setTopicConfigs('orders', { 'cleanup.policy': 'compact', 'retention.ms': null });
    assert.equal(changed.find((c) => c.name === 'cleanup.policy')?.value, 'compact');
    assert.equal(changed.find((c) => c.name === 'retention.ms')?.source, 'DEFAULT_CONFIG');
    const seen = await kafka.admin().describeConfigs({ resources: [{ type: 2, name: 'orders', configNames: ['cleanup.policy'] }], includeSynonyms: false });
    assert.equal(seen.resources[0].configEntries[0].configValue, 'compact');
    await cluster.setTopicConfigs('orders', { 'cleanup.policy': null });

    const grown = await cluster.addPartitions('orders', 4);
    assert.equal(grown.partitions, 4);
    await assert.rejects(cluster.createTopic({ name: 'orders', partitions: 1 }), (e: Error & { errorName?: string }) => e.errorName === 'TOPIC_ALREADY_EXISTS');
    await assert.rejects(cluster.describeTopic('no-such-topic'), (e: Error & { errorName?: string }) => e.errorName === 'UNKNOWN_TOPIC_OR_PARTITION');
  });

  it('internal topics are listed and described as on the embedded broker (the client library leaves them out)', async () => {
    // A group's FindCoordinator creates __consumer_offsets on the remote broker.
    const admin = kafka.admin();
    await admin.connect();
    await admin.fetchOffsets({ groupId: 'any-group', topics: ['orders'] }).catch(() => undefined);
    await admin.disconnect();
    const internal = (await cluster.listTopics()).find((t) => t.name === '__consumer_offsets');
    assert.ok(internal, 'listed');
    assert.equal(internal.internal, true);
    assert.equal(internal.partitions, 50);
    const d = await cluster.describeTopic('__consumer_offsets');
    assert.equal(d.partitions.length, 50);
    // Leaders from a Metadata request of our own, offsets from ListOffsets to each leader: as kafkajs sees them.
    const kjs = (await kafka.admin().fetchTopicMetadata({ topics: ['__consumer_offsets'] })).topics[0];
    assert.deepEqual(
      d.partitions.map((p) => [p.partition, p.leader, p.replicas, p.isr]),
      [...kjs.partitions].sort((a, b) => a.partitionId - b.partitionId).map((p) => [p.partitionId, p.leader, p.replicas, p.isr]),
    );
    const offsets = (await kafka.admin().fetchTopicOffsets('__consumer_offsets')).sort((a, b) => a.partition - b.partition);
    assert.deepEqual(
      d.partitions.map((p) => [p.logStartOffset, p.highWatermark]),
      offsets.map((o) => [Number(o.low), Number(o.high)]),
    );
  });

  it('produce: keyed records go where Java would put them (murmur2), headers and timestamps kept, offsets per record', async () => {
    const keys = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];
    const r = await cluster.produce({
      topic: 'orders',
      records: keys.map((k, i) => ({ key: k, value: `order ${i}`, headers: [{ key: 'source', value: 'test' }], timestamp: 1_700_000_000_000 + i })),
    });
    assert.deepEqual(
      r.records.map((x) => x.partition),
      keys.map((k) => partitionForKey(Buffer.from(k), 4)),
    );
    // Offsets count up per partition in the order sent.
    const per = new Map<number, number[]>();
    for (const x of r.records) per.set(x.partition, [...(per.get(x.partition) ?? []), x.offset]);
    for (const offsets of per.values()) assert.deepEqual(offsets, offsets.map((_, i) => offsets[0] + i));

    // An independent client reads exactly that.
    const consumer = kafka.consumer({ groupId: 'verify-produce' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'orders', fromBeginning: true });
    const got: string[] = [];
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          got.push(`${partition}/${message.offset}/${message.key}/${message.value}/${message.headers?.source}/${message.timestamp}`);
          if (got.length === keys.length) resolve();
        },
      });
    });
    await consumer.disconnect();
    const expected = keys.map((k, i) => `${r.records[i].partition}/${r.records[i].offset}/${k}/order ${i}/test/${1_700_000_000_000 + i}`);
    assert.deepEqual(got.sort(), expected.sort());
  });

  it('consume without a group: earliest, an offset, a timestamp, the last N, latest; records whole', async () => {
    const p = partitionForKey(Buffer.from('k'), 4);
    const produced = await cluster.produce({ topic: 'orders', records: [1, 2, 3, 4, 5].map((i) => ({ key: 'k', value: `v${i}`, timestamp: 1_800_000_000_000 + i * 1000, headers: [{ key: 'n', value: String(i) }, { key: 'nil', value: null }] })) });
    const first = produced.records[0].offset;
    const all = await cluster.consume({ topic: 'orders', partition: p, from: { kind: 'earliest' }, maxRecords: 1000 });
    const mine = all.records.filter((x) => x.offset >= first);
    assert.deepEqual(mine.map((x) => text(x.value)), ['v1', 'v2', 'v3', 'v4', 'v5']);
    assert.deepEqual(mine[2].headers.map((h) => [h.key, text(h.value)]), [['n', '3'], ['nil', null]]);
    assert.equal(mine[0].timestamp, 1_800_000_001_000);
    assert.equal(mine[0].timestampType, 'CreateTime');
    assert.equal(text(mine[0].key), 'k');
    assert.ok(mine[0].size > 0);
    assert.equal(all.highWatermark, first + 5);
    assert.equal(all.nextOffset, first + 5);

    const at = await cluster.consume({ topic: 'orders', partition: p, from: { kind: 'offset', offset: first + 3 } });
    assert.deepEqual(at.records.map((x) => text(x.value)), ['v4', 'v5']);
    const byTime = await cluster.consume({ topic: 'orders', partition: p, from: { kind: 'timestamp', timestamp: 1_800_000_002_500 } });
    assert.deepEqual(byTime.records.map((x) => text(x.value)), ['v3', 'v4', 'v5']);
    const tail = await cluster.consume({ topic: 'orders', partition: p, from: { kind: 'fromEnd', count: 2 } });
    assert.deepEqual(tail.records.map((x) => text(x.value)), ['v4', 'v5']);
    const latest = await cluster.consume({ topic: 'orders', partition: p, from: { kind: 'latest' } });
    assert.deepEqual([latest.records.length, latest.startOffset], [0, first + 5]);
    const limited = await cluster.consume({ topic: 'orders', partition: p, from: { kind: 'offset', offset: first }, maxRecords: 2 });
    assert.deepEqual([limited.records.length, limited.nextOffset], [2, first + 2]);
    await assert.rejects(cluster.consume({ topic: 'orders', partition: p, from: { kind: 'offset', offset: first + 99 } }), (e: Error & { errorName?: string }) => e.errorName === 'OFFSET_OUT_OF_RANGE');
    await assert.rejects(cluster.consume({ topic: 'orders', partition: 9, from: { kind: 'earliest' } }), (e: Error & { errorName?: string }) => e.errorName === 'UNKNOWN_TOPIC_OR_PARTITION');
    // Reading joined no group, and took no fetch session: the broker answers a sessionless fetch with session id 0.
    assert.ok(!(await cluster.listGroups()).some((g) => g.groupId === 'tributary-browser'));
    const described = await cluster.describeTopic('orders');
    const leader = described.partitions[p].leader;
    const node = (await cluster.status()).nodes.find((n) => n.id === leader)!;
    const admin = new Admin(clientOptions({ config: { name: 'remote', bootstrapServers: broker.bootstrap.split(',')[0], securityProtocol: 'PLAINTEXT' } }));
    try {
      const raw = await new DirectRequests(admin).fetch({ host: node.host, port: node.port! }, { topic: 'orders', topicId: described.topicId, partition: p, offset: first, maxBytes: 1 << 20 });
      assert.equal(raw.sessionId, 0);
      assert.equal(raw.errorCode, 0);
      assert.ok((raw.responses[0].partitions[0].records ?? []).length > 0);
    } finally {
      await admin.close();
    }
  });

  it('groups: members and assignments, committed offsets and lag; a reset is refused while active, then previewed and applied', async () => {
    await cluster.createTopic({ name: 'payments', partitions: 2, replicationFactor: 3 });
    await cluster.produce({ topic: 'payments', records: Array.from({ length: 10 }, (_, i) => ({ value: `p${i}`, partition: i % 2 })) });
    const consumer = kafka.consumer({ groupId: 'billing' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'payments', fromBeginning: true });
    let n = 0;
    await new Promise<void>((resolve) => {
      void consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          // Commits 3 of each partition's 5 records: a lag of 2 per partition.
          if (Number(message.offset) < 3) await consumer.commitOffsets([{ topic: 'payments', partition, offset: String(Number(message.offset) + 1) }]);
          if (++n === 10) resolve();
        },
      });
    });
    const active = await cluster.describeGroup('billing');
    assert.equal(active.state, 'Stable');
    assert.equal(active.members.length, 1);
    assert.deepEqual(active.members[0].assignment, [{ topic: 'payments', partitions: [0, 1] }]);
    assert.deepEqual(
      active.offsets.map((o) => [o.topic, o.partition, o.committed, o.endOffset, o.lag, o.owner?.memberId === active.members[0].memberId]),
      [
        ['payments', 0, 3, 5, 2, true],
        ['payments', 1, 3, 5, 2, true],
      ],
    );
    assert.equal(active.totalLag, 4);
    const summary = (await cluster.listGroups()).find((g) => g.groupId === 'billing');
    assert.deepEqual([summary?.state, summary?.members, summary?.totalLag, summary?.topics], ['Stable', 1, 4, ['payments']]);
    await assert.rejects(
      cluster.resetOffsets({ groupId: 'billing', topic: 'payments', to: { kind: 'earliest' } }),
      (e: Error & { errorName?: string }) => e.errorName === 'NON_EMPTY_GROUP' && /inactive, but the current state is Stable/.test(e.message),
    );
    await consumer.disconnect();

    const plan = await cluster.planReset({ groupId: 'billing', topic: 'payments', to: { kind: 'shift', by: -2 } });
    assert.deepEqual(plan, [
      { topic: 'payments', partition: 0, current: 3, target: 1 },
      { topic: 'payments', partition: 1, current: 3, target: 1 },
    ]);
    // A preview changes nothing.
    assert.deepEqual((await cluster.describeGroup('billing')).offsets.map((o) => o.committed), [3, 3]);
    await cluster.resetOffsets({ groupId: 'billing', topic: 'payments', to: { kind: 'earliest' }, partitions: [1] });
    const fetched = await kafka.admin().fetchOffsets({ groupId: 'billing', topics: ['payments'] });
    assert.deepEqual(
      fetched[0].partitions.sort((a, b) => a.partition - b.partition).map((p) => p.offset),
      ['3', '0'],
    );
    const after = await cluster.describeGroup('billing');
    assert.equal(after.state, 'Empty');
    assert.deepEqual(after.offsets.map((o) => o.lag), [2, 5]);

    await cluster.deleteGroup('billing');
    await assert.rejects(cluster.describeGroup('billing'), (e: Error & { errorName?: string }) => e.errorName === 'GROUP_ID_NOT_FOUND');
  });

  it('a consumer protocol group (KIP-848), which DescribeGroups reports as Dead: described with ConsumerGroupDescribe', async () => {
    await cluster.createTopic({ name: 'kip848-ext', partitions: 3, replicationFactor: 3 });
    await cluster.produce({ topic: 'kip848-ext', records: Array.from({ length: 6 }, (_, i) => ({ value: `v${i}`, partition: i % 3 })) });
    const consumer = new PlatformaticConsumer({ groupId: 'kip848-ext-group', clientId: 'ext-848', bootstrapBrokers: broker.bootstrap.split(','), deserializers: stringDeserializers, groupProtocol: 'consumer' });
    try {
      const stream = await consumer.consume({ topics: ['kip848-ext'], mode: 'earliest', autocommit: true });
      let seen = 0;
      stream.on('data', () => seen++);
      const deadline = Date.now() + 15000;
      while (seen < 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const d = await cluster.describeGroup('kip848-ext-group');
      assert.deepEqual([d.type, d.state, d.groupEpoch, d.assignmentEpoch, d.protocol], ['consumer', 'Stable', 1, 1, 'uniform']);
      assert.equal(d.members.length, 1);
      const m = d.members[0];
      assert.equal(m.clientId, 'ext-848');
      assert.deepEqual(m.assignment, [{ topic: 'kip848-ext', partitions: [0, 1, 2] }]);
      assert.deepEqual([m.consumer?.memberEpoch, m.consumer?.state, m.consumer?.target, m.consumer?.subscribedTopicNames], [1, 'stable', [{ topic: 'kip848-ext', partitions: [0, 1, 2] }], ['kip848-ext']]);
      assert.ok(d.offsets.every((o) => o.owner?.clientId === 'ext-848'));
      const summary = (await cluster.listGroups()).find((g) => g.groupId === 'kip848-ext-group');
      assert.deepEqual([summary?.type, summary?.state, summary?.groupEpoch, summary?.members], ['consumer', 'Stable', 1, 1]);
      // A reset is refused while it has a member, as for a classic group.
      await assert.rejects(cluster.resetOffsets({ groupId: 'kip848-ext-group', topic: 'kip848-ext', to: { kind: 'earliest' } }), (e: Error & { errorName?: string }) => e.errorName === 'NON_EMPTY_GROUP');
      await stream.close();
    } finally {
      await consumer.close(true);
    }
  });

  it('transactions and quotas: an open kafkajs transaction listed from its coordinator (ListTransactions, DescribeTransactions); the quotas set; abort refused, naming the tool', async () => {
    const producer = kafka.producer({ transactionalId: 'ext-txn', idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      const txn = await producer.transaction();
      await txn.send({ topic: 'orders', messages: [{ value: 'open' }] });
      const t = (await cluster.listTransactions()).find((x) => x.transactionalId === 'ext-txn');
      assert.ok(t, 'listed');
      assert.equal(t.state, 'Ongoing');
      assert.ok(t.startTimestamp > 0 && t.producerId >= 0 && [0, 1, 2].includes(t.coordinator));
      assert.equal(t.partitions.length, 1);
      assert.equal(t.partitions[0].topic, 'orders');
      await assert.rejects(cluster.abortTransaction(), /kafka-transactions\.sh abort/);
      await txn.abort();
      // EndTxn is answered once PrepareAbort is logged; the markers and CompleteAbort follow.
      await pollUntil('the abort to complete', async () => (await cluster.listTransactions()).find((x) => x.transactionalId === 'ext-txn')?.state === 'CompleteAbort');
    } finally {
      await producer.disconnect();
    }
    // Reassign Partition on it (AlterPartitionReassignments): a new replica order is done at once; Kafka's refusals
    // come back as they are.
    const before = (await cluster.describeTopic('orders')).partitions[0].replicas;
    await cluster.reassignPartition('orders', 0, [...before].reverse());
    await pollUntil('the new replica order', async () => (await cluster.describeTopic('orders')).partitions[0].replicas.join() === [...before].reverse().join());
    await assert.rejects(cluster.reassignPartition('orders', 0, [9]), (e: KafkaError) => e.errorName === 'INVALID_REPLICA_ASSIGNMENT');
    await cluster.alterClientQuotas([{ entity: { 'client-id': 'ext-app' }, ops: { consumer_byte_rate: 2048 } }]);
    assert.deepEqual(await cluster.clientQuotas(), { quotas: [{ entity: { 'client-id': 'ext-app' }, values: { consumer_byte_rate: 2048 } }], usage: [] });
  });

  it('replication: the leader and ISR matrix from metadata; what needs local files or processes says so', async () => {
    const r = await cluster.replication();
    assert.deepEqual(r.nodes.map((n) => n.id), [0, 1, 2]);
    const p = r.partitions.find((x) => x.topic === 'orders' && x.partition === 0)!;
    assert.equal(p.replicas.length, 3);
    assert.equal(p.replicas.filter((x) => x.isLeader).length, 1);
    assert.ok(p.replicas.every((x) => x.inSync && x.up));
    assert.deepEqual(cluster.capabilities, { segments: false, faults: false, rebalanceHistory: false });
    for (const attempt of [cluster.stopNode(1), cluster.startNode(1), cluster.setFault(), cluster.rebalanceHistory('x')]) {
      await assert.rejects(attempt, (e: Error) => e instanceof LocalOnlyError && /needs the embedded broker/.test(e.message));
    }
  });

  it('the panels work on it: live consumer tail, group inspector (no journal, says why), cluster view (no faults, says why)', async () => {
    const source: BrokerSource = { api: async () => cluster, onEvent: (l) => cluster.onEvent(l) };
    await cluster.createTopic({ name: 'live', partitions: 1, replicationFactor: 3 });
    const env = new RecordingEnv();
    const consumer = new ConsumerRouter(source, env, 'live', { pollMs: 100, flushMs: 10 });
    const cv = new ClusterRouter(source, env, { throttleMs: 30, electionThrottleMs: 10, refreshMs: 60_000 });
    const gr = new GroupRouter(source, env, 'audit', { refreshMs: 200, eventThrottleMs: 20 });
    try {
      await command(consumer, WebviewReadyCommand, { panel: 'consumer' });
      const sub = await request(consumer, env, SubscribeRequest, { topic: 'live', start: { kind: 'latest' }, partitions: null });
      assert.ok(!sub.error, sub.error?.message);
      await cluster.produce({ topic: 'live', records: [{ key: 'k1', value: 'arrives live' }] });
      const got = await env.waitFor(ConsumerRecordsNotification, (all) => all.some((n) => n.records.some((r) => JSON.stringify(r).includes('arrives live'))));
      assert.ok(got.length > 0);

      await command(cv, WebviewReadyCommand, { panel: 'cluster' });
      const view = (await env.waitFor(ClusterViewNotification)).at(-1)!.view;
      assert.deepEqual(view.nodes.map((n) => n.id), [0, 1, 2]);
      assert.ok(view.partitions.some((p) => p.topic === 'live' && p.isr.length === 3));
      assert.match(view.faultsUnavailable ?? '', /remote is an external cluster: stopping nodes.*need the embedded broker/);

      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic: 'live', messages: [{ value: 'x' }] });
      await producer.disconnect();
      await kafka.admin().setOffsets({ groupId: 'audit', topic: 'live', partitions: [{ partition: 0, offset: '1' }] });
      await command(gr, WebviewReadyCommand, { panel: 'group' });
      const desc = (await env.waitFor(GroupDescriptionNotification)).at(-1)!.description;
      assert.deepEqual(desc.offsets.map((o) => [o.topic, o.committed, o.endOffset, o.lag]), [['live', 1, 2, 1]]);
      const journal = (await env.waitFor(GroupJournalNotification)).at(-1)!;
      assert.deepEqual(journal.records, []);
      assert.match(journal.unavailable ?? '', /rebalance history needs the embedded broker/);
    } finally {
      consumer.dispose();
      cv.dispose();
      gr.dispose();
    }
  });

  it("the topic config table works on it: Kafka's valid values, a refusal on its row, changes from elsewhere seen by polling", async () => {
    const source: BrokerSource = { api: async () => cluster, onEvent: (l) => cluster.onEvent(l) };
    await cluster.createTopic({ name: 'tuned', partitions: 1, replicationFactor: 3 });
    const env = new RecordingEnv();
    const router = new TopicConfigRouter(source, env, 'tuned', { refreshMs: 100, eventThrottleMs: 10 });
    const value = (configs: Array<{ name: string; value: string | null }>, name: string) => configs.find((c) => c.name === name)?.value;
    try {
      await command(router, WebviewReadyCommand, { panel: 'topicConfig' });
      const [first] = await env.waitFor(TopicConfigsNotification);
      // DescribeConfigs carries no allowed values: the dropdowns get Kafka's.
      assert.deepEqual(first.configs.find((c) => c.name === 'cleanup.policy')?.validValues, ['delete', 'compact']);
      assert.ok(first.configs.find((c) => c.name === 'retention.ms')?.documentation);

      const bad = await request(router, env, ApplyTopicConfigsRequest, { topic: 'tuned', changes: [{ name: 'segment.ms', value: '3600000' }, { name: 'retention.ms', value: 'soon' }] });
      assert.deepEqual(bad.result?.refused, { message: 'Invalid value soon for configuration retention.ms: Not a number of type LONG', code: 'INVALID_CONFIG', config: 'retention.ms' });
      assert.equal(value(await cluster.getTopicConfigs('tuned'), 'segment.ms'), '604800000', 'nothing changed');
      const ok = await request(router, env, ApplyTopicConfigsRequest, { topic: 'tuned', changes: [{ name: 'retention.ms', value: '7200000' }] });
      assert.deepEqual(ok.result?.applied, ['retention.ms']);

      // An external cluster raises no events: the visible table polls, and shows a change made by another client.
      await kafka.admin().alterConfigs({ validateOnly: false, resources: [{ type: 2, name: 'tuned', configEntries: [{ name: 'retention.bytes', value: '1048576' }] }] });
      await env.waitFor(TopicConfigsNotification, (all) => value(all.at(-1)!.configs, 'retention.bytes') === '1048576');
    } finally {
      router.dispose();
    }
  });

  it('an unreachable cluster fails with the reason, not a hang', async () => {
    const nowhere = new ExternalCluster({ config: { name: 'nowhere', bootstrapServers: '127.0.0.1:1', securityProtocol: 'PLAINTEXT' }, connectTimeoutMs: 2000, requestTimeoutMs: 3000 });
    try {
      await assert.rejects(nowhere.connect(), (e: Error) => /ECONNREFUSED|connect/i.test(e.message));
    } finally {
      await nowhere.close();
    }
  });
});

describe('external cluster over SASL_SSL: a `tributary start --security-protocol SASL_SSL` as the remote cluster', function () {
  this.timeout(60000);
  let dir: string;
  let broker: CliBroker;
  const open: ExternalCluster[] = [];
  const connect = (config: Partial<ConnectionConfig>, password?: string) => {
    const c = new ExternalCluster({
      config: { name: 'secure', bootstrapServers: broker.bootstrap.split(',')[0], securityProtocol: 'SASL_SSL', saslMechanism: 'SCRAM-SHA-512', username: 'alice', caFile: CA_FILE, ...config },
      password,
      connectTimeoutMs: 5000,
      requestTimeoutMs: 10000,
    });
    open.push(c);
    return c;
  };

  before(async () => {
    dir = tmpDir();
    broker = await startCliBroker([
      '--data', dir, '--port', '0', '--nodes', '3',
      '--security-protocol', 'SASL_SSL', '--sasl-mechanisms', 'SCRAM-SHA-512,SCRAM-SHA-256,PLAIN',
      '--sasl-user', 'alice:alice-secret', '--tls-cert', CERT_FILE, '--tls-key', KEY_FILE,
    ]);
  });
  after(async () => {
    await Promise.all(open.map((c) => c.close()));
    await broker?.stop();
    rm(dir);
  });

  for (const mechanism of ['SCRAM-SHA-512', 'SCRAM-SHA-256', 'PLAIN'] as const) {
    it(`${mechanism} with the cluster's CA: browses, produces and consumes`, async () => {
      const c = connect({ saslMechanism: mechanism }, 'alice-secret');
      const s = await c.status();
      assert.equal(s.nodes.length, 3);
      const topic = `secure-${mechanism.toLowerCase()}`;
      await c.createTopic({ name: topic, partitions: 1, replicationFactor: 3 });
      await c.produce({ topic, records: [{ key: 'k', value: `over ${mechanism}` }] });
      const r = await c.consume({ topic, partition: 0, from: { kind: 'earliest' } });
      assert.deepEqual(r.records.map((x) => text(x.value)), [`over ${mechanism}`]);
      // Internal topics take requests of our own (Metadata, ListOffsets to each leader): over the same TLS and SASL.
      await c.describeGroup('makes-the-offsets-topic').catch(() => undefined);
      const internal = await c.describeTopic('__consumer_offsets');
      assert.equal(internal.partitions.length, 50);
      assert.ok(internal.partitions.every((p) => p.leader >= 0 && p.logStartOffset === 0 && p.highWatermark >= 0));
    });
  }

  it('a wrong password fails with SASL_AUTHENTICATION_FAILED and the broker\'s message', async () => {
    const c = connect({}, 'wrong');
    await assert.rejects(c.connect(), (e: Error & { errorName?: string }) => e.errorName === 'SASL_AUTHENTICATION_FAILED' && /invalid credentials with SASL mechanism SCRAM-SHA-512/.test(e.message));
  });

  it('TLS: a certificate no trusted CA signed is refused unless verification is turned off', async () => {
    const untrusted = connect({ caFile: undefined }, 'alice-secret');
    await assert.rejects(untrusted.connect(), (e: Error) => /certificate/i.test(e.message));
    const unverified = connect({ caFile: undefined, verifyCertificates: false }, 'alice-secret');
    assert.equal((await unverified.status()).nodes.length, 3);
  });

  it('a PLAINTEXT client on the TLS listener fails, not hangs', async () => {
    const c = connect({ securityProtocol: 'PLAINTEXT' });
    await assert.rejects(c.connect());
  });
});
