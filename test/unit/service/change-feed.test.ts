// The change feed: the owners of state name what changed, and the feed reports it on the next turn of the event loop
// after a quiet spell, coalescing a burst; while busy, once per window; nothing while nothing changes.
import * as assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import type { BrokerEvent, PartitionOffsets } from '../../../src/broker/api';
import { encodeRecordBatch } from '../../../src/broker/records/record-batch';
import { ChangeFeed } from '../../../src/service/change-feed';
import { startTestBroker, type TestBroker } from '../../support/broker';
import { pollUntil } from '../../support/poll';

const turn = () => new Promise((r) => setImmediate(r));
const batch = (n = 1) => encodeRecordBatch({ records: Array.from({ length: n }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from('v'), timestamp: Date.now() })) });

describe('ChangeFeed: events from the owners of state, not from polling', function () {
  this.timeout(60000);
  let broker: TestBroker;
  let feed: ChangeFeed;
  let events: BrokerEvent[];
  const of = <T extends BrokerEvent['type']>(type: T) => events.filter((e): e is Extract<BrokerEvent, { type: T }> => e.type === type);
  const start = (windowMs: number) => {
    events = [];
    feed = new ChangeFeed(broker.cluster, broker.server, (e) => events.push(e), windowMs);
    feed.start();
  };

  beforeEach(async () => {
    broker = await startTestBroker({ nodes: 3, config: { 'group.initial.rebalance.delay.ms': '0', 'offsets.topic.num.partitions': '2' } });
    broker.cluster.createTopic('orders', 2, 3);
  });
  afterEach(async () => {
    feed?.stop();
    await broker.stop();
  });

  it('reports what it found at the start as nothing, and stays silent while nothing changes', async () => {
    broker.cluster.append('orders', 0, batch(3));
    await pollUntil('the followers have the records', () => broker.cluster.leaderLog('orders', 0).highWatermark === 3);
    start(10);
    for (let i = 0; i < 20; i++) await turn();
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(events, []);
  });

  it('a burst of appends in one turn is one partitionsAppended on the next turn, with the offsets after the burst', async () => {
    start(10);
    for (let i = 0; i < 100; i++) broker.cluster.append('orders', 1, batch());
    assert.equal(events.length, 0, 'nothing is reported inside the burst');
    await turn();
    const appended = of('partitionsAppended');
    assert.equal(appended.length, 1);
    const p1 = appended[0].partitions.find((p) => p.partition === 1);
    assert.deepEqual(p1 && { end: p1.logEndOffset, start: p1.logStartOffset }, { end: 100, start: 0 });
    // The followers then move the high watermark: reported too, by the log that moved it.
    await pollUntil('the high watermark reported', () => of('partitionsAppended').some((e) => e.partitions.some((p: PartitionOffsets) => p.partition === 1 && p.highWatermark === 100)));
  });

  it('while busy, a change waits for the end of the window (or a flush), however many come', async () => {
    start(60_000);
    broker.cluster.append('orders', 0, batch());
    await turn();
    assert.equal(of('partitionsAppended').length, 1, 'the first change after a quiet spell goes at once');
    for (let i = 0; i < 5; i++) broker.cluster.append('orders', 0, batch());
    for (let i = 0; i < 10; i++) await turn();
    assert.equal(of('partitionsAppended').length, 1, 'held for the window');
    feed.flush();
    assert.equal(of('partitionsAppended').length, 2);
    assert.equal(of('partitionsAppended')[1].partitions.find((p) => p.partition === 0)?.logEndOffset, 6);
  });

  it('the log start offset moving (DeleteRecords) is reported', async () => {
    broker.cluster.append('orders', 0, batch(10));
    await pollUntil('replicated', () => broker.cluster.leaderLog('orders', 0).highWatermark === 10);
    start(10);
    broker.cluster.leaderLog('orders', 0).deleteRecordsBefore(4);
    await turn();
    const p0 = of('partitionsAppended').flatMap((e) => e.partitions).find((p) => p.partition === 0);
    assert.equal(p0?.logStartOffset, 4);
  });

  it('topics created, changed and deleted; one created and deleted between two flushes is never reported', async () => {
    start(10);
    broker.cluster.createTopic('payments', 1, 1);
    await turn();
    assert.deepEqual(of('topicCreated').map((e) => [e.topic, e.partitions]), [['payments', 1]]);
    broker.cluster.setTopicConfigs('payments', { 'retention.ms': '1000' });
    broker.cluster.addPartitions('payments', 3);
    await turn();
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(of('topicChanged').map((e) => [e.topic, e.partitions]), [['payments', 3]], 'one event for both changes');
    broker.cluster.deleteTopic('payments');
    broker.cluster.createTopic('brief', 1, 1);
    broker.cluster.deleteTopic('brief');
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(of('topicDeleted').map((e) => e.topic), ['payments']);
    assert.ok(!events.some((e) => 'topic' in e && e.topic === 'brief'));
  });

  it('a node stopping and starting: nodeChanged without a port, then with its port again once it listens', async () => {
    start(10);
    const port = broker.server.homePortOf(2);
    broker.cluster.stopNode(2);
    await pollUntil('node 2 reported down', () => of('nodeChanged').some((e) => e.node.id === 2 && !e.node.up && e.node.port === null));
    broker.cluster.startNode(2);
    await pollUntil('node 2 reported listening again', () => of('nodeChanged').some((e) => e.node.id === 2 && e.node.up && e.node.port === port));
  });

  it('a real consumer group: joining, committing and leaving are groupChanged events; a deleted group is state null', async () => {
    start(10);
    const kafka = new Kafka({ clientId: 'feed-test', brokers: broker.bootstrap.split(','), logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: 'billing', sessionTimeout: 6000, heartbeatInterval: 500 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'orders', fromBeginning: true });
    await consumer.run({ autoCommit: false, eachMessage: async () => undefined });
    await pollUntil('billing Stable', () => of('groupChanged').some((e) => e.groupId === 'billing' && e.state === 'Stable' && e.members === 1));
    const before = of('groupChanged').length;
    await consumer.commitOffsets([{ topic: 'orders', partition: 0, offset: '0' }]);
    await pollUntil('the commit reported', () => of('groupChanged').length > before);
    await consumer.disconnect();
    await pollUntil('billing Empty', () => of('groupChanged').some((e) => e.groupId === 'billing' && e.state === 'Empty' && e.members === 0));
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteGroups(['billing']);
    await admin.disconnect();
    await pollUntil('billing gone', () => of('groupChanged').some((e) => e.groupId === 'billing' && e.state === null));
  });
});
