/**
 * Transactions with kafkajs 2.2.4 against the real broker (3 virtual nodes): committed records reach read_committed
 * consumers, aborted ones never do (read_uncommitted consumers see both), an open transaction holds read_committed
 * consumers at its first offset, a new producer with the same transactional.id fences the old one and aborts its
 * open transaction, and consume-transform-produce commits the group's offsets with the transaction (sendOffsets).
 */
import { strict as assert } from 'node:assert';
import { Kafka, logLevel, Producer, Consumer } from 'kafkajs';
import { startTestBroker, TestBroker } from '../support/broker';
import { describeTopic } from '../../src/broker/cluster-views';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

describe('compat: kafkajs transactions', function () {
  this.timeout(60000);
  let broker: TestBroker;
  let kafka: Kafka;
  const open: Array<Producer | Consumer> = [];

  before(async () => {
    broker = await startTestBroker({ nodes: 3, config: { 'group.initial.rebalance.delay.ms': '0' } });
    kafka = new Kafka({ clientId: 'txn-test', brokers: broker.bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 100 } });
  });
  after(async () => {
    for (const c of open) await c.disconnect().catch(() => undefined);
    await broker.stop();
  });

  async function createTopic(topic: string, partitions = 1): Promise<void> {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 3 }] });
    await admin.disconnect();
  }

  async function txnProducer(transactionalId: string): Promise<Producer> {
    const p = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 });
    await p.connect();
    open.push(p);
    return p;
  }

  /** Everything a consumer of `isolation` reads from the topic's start until it has seen `until` messages or waited. */
  async function readAll(topic: string, readUncommitted: boolean, until: number, waitMs = 3000): Promise<string[]> {
    const c = kafka.consumer({ groupId: `reader-${topic}-${readUncommitted}-${Math.random()}`, readUncommitted, maxWaitTimeInMs: 100 });
    open.push(c);
    await c.connect();
    await c.subscribe({ topic, fromBeginning: true });
    const seen: string[] = [];
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, waitMs);
      void c.run({
        eachMessage: async ({ message }) => {
          seen.push(message.value!.toString());
          if (seen.length >= until) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    await c.disconnect();
    return seen;
  }

  it('commit reaches read_committed consumers; abort never does; read_uncommitted sees both', async () => {
    await createTopic('txn-basic', 2);
    const p = await txnProducer('tx-basic');
    const t1 = await p.transaction();
    await t1.send({ topic: 'txn-basic', messages: [{ key: 'a', value: 'committed-1' }, { key: 'b', value: 'committed-2' }] });
    await t1.commit();
    const t2 = await p.transaction();
    await t2.send({ topic: 'txn-basic', messages: [{ key: 'a', value: 'aborted-1' }, { key: 'b', value: 'aborted-2' }] });
    await t2.abort();
    const t3 = await p.transaction();
    await t3.send({ topic: 'txn-basic', messages: [{ key: 'c', value: 'committed-3' }] });
    await t3.commit();

    const committed = await readAll('txn-basic', false, 3);
    assert.deepEqual([...committed].sort(), ['committed-1', 'committed-2', 'committed-3']);
    // Give a read_committed consumer time to (wrongly) deliver aborted records: none may come.
    const settled = await readAll('txn-basic', false, 99, 2000);
    assert.deepEqual([...settled].sort(), ['committed-1', 'committed-2', 'committed-3']);
    const everything = await readAll('txn-basic', true, 5);
    assert.deepEqual([...everything].sort(), ['aborted-1', 'aborted-2', 'committed-1', 'committed-2', 'committed-3']);

    // On disk: the ABORT marker's transaction is in the partition's .txnindex, and the coordinator's state is
    // CompleteCommit in __transaction_state.
    const aborted = [0, 1].flatMap((part) => broker.cluster.leaderLog('txn-basic', part).collectAbortedTransactions(0, Number.MAX_SAFE_INTEGER));
    assert.ok(aborted.length >= 1, 'an aborted transaction is indexed');
    await broker.cluster.transactionCoordinator.settled('tx-basic');
    assert.equal(broker.cluster.transactionCoordinator.transaction('tx-basic')?.state, 'CompleteCommit');
  });

  it('an open transaction holds read_committed consumers at its first offset until it commits', async () => {
    await createTopic('txn-open');
    const p = await txnProducer('tx-open');
    const plain = kafka.producer();
    await plain.connect();
    open.push(plain);
    await plain.send({ topic: 'txn-open', messages: [{ value: 'before' }] });
    const t = await p.transaction();
    await t.send({ topic: 'txn-open', messages: [{ value: 'in-txn' }] });
    await plain.send({ topic: 'txn-open', messages: [{ value: 'after-open' }] });
    const log = broker.cluster.leaderLog('txn-open', 0);
    assert.equal(log.lastStableOffset, 1, 'stable only below the open transaction');
    assert.equal(describeTopic(broker.cluster, 'txn-open').partitions[0].lastStableOffset, 1, 'what the sidebar shows');
    assert.deepEqual(await readAll('txn-open', false, 99, 1500), ['before']);
    await t.commit();
    // As with Kafka, the commit is answered once it is logged; the markers that release consumers follow.
    await broker.cluster.transactionCoordinator.settled('tx-open');
    assert.equal(log.lastStableOffset, log.highWatermark);
    assert.deepEqual(await readAll('txn-open', false, 3), ['before', 'in-txn', 'after-open']);
  });

  it('a new producer with the same transactional.id fences the old one and aborts its open transaction', async () => {
    await createTopic('txn-fence');
    const old = await txnProducer('tx-fence');
    const t = await old.transaction();
    await t.send({ topic: 'txn-fence', messages: [{ value: 'zombie' }] });
    const epochBefore = broker.cluster.transactionCoordinator.transaction('tx-fence')!.producerEpoch;
    const successor = await txnProducer('tx-fence');
    // kafkajs asks for its producer id (InitProducerId) when it begins its first transaction.
    const t2 = await successor.transaction();
    assert.ok(broker.cluster.transactionCoordinator.transaction('tx-fence')!.producerEpoch > epochBefore, 'epoch bumped');
    await assert.rejects(() => t.commit(), /fenced|epoch|ProducerFenced|INVALID_PRODUCER_EPOCH/i);
    await t2.send({ topic: 'txn-fence', messages: [{ value: 'successor' }] });
    await t2.commit();
    assert.deepEqual(await readAll('txn-fence', false, 1, 2000), ['successor']);
    assert.deepEqual([...(await readAll('txn-fence', true, 2))].sort(), ['successor', 'zombie']);
  });

  it('the transaction coordinator\'s node stops mid-transaction: the producer finds the new coordinator and commits', async () => {
    await createTopic('txn-failover', 3);
    const p = await txnProducer('tx-failover');
    const t = await p.transaction();
    await t.send({ topic: 'txn-failover', messages: [{ key: 'a', value: 'one' }, { key: 'b', value: 'two' }, { key: 'c', value: 'three' }] });
    const tc = broker.cluster.transactionCoordinator;
    const coordinator = tc.coordinatorFor('tx-failover');
    broker.cluster.stopNode(coordinator);
    try {
      const moved = tc.coordinatorFor('tx-failover');
      assert.ok(moved >= 0 && moved !== coordinator, `the coordinator moved off node ${coordinator}`);
      await t.commit();
      await tc.settled('tx-failover');
      assert.equal(tc.transaction('tx-failover')!.state, 'CompleteCommit');
      assert.deepEqual([...(await readAll('txn-failover', false, 3))].sort(), ['one', 'three', 'two']);
    } finally {
      broker.cluster.startNode(coordinator);
    }
  });

  it('consume-transform-produce: the group offsets commit with the transaction (sendOffsets), and not when it aborts', async () => {
    await createTopic('txn-in');
    await createTopic('txn-out');
    const plain = kafka.producer();
    await plain.connect();
    open.push(plain);
    await plain.send({ topic: 'txn-in', messages: [{ value: 'x' }, { value: 'y' }] });
    const p = await txnProducer('tx-ctp');
    const admin = kafka.admin();
    await admin.connect();
    const groupOffset = async () => (await admin.fetchOffsets({ groupId: 'ctp-group', topics: ['txn-in'] }))[0].partitions[0].offset;

    const aborted = await p.transaction();
    await aborted.send({ topic: 'txn-out', messages: [{ value: 'X?' }] });
    await aborted.sendOffsets({ consumerGroupId: 'ctp-group', topics: [{ topic: 'txn-in', partitions: [{ partition: 0, offset: '1' }] }] });
    await aborted.abort();
    assert.equal(await groupOffset(), '-1', 'an aborted transaction commits no offset');

    const t = await p.transaction();
    await t.send({ topic: 'txn-out', messages: [{ value: 'X' }, { value: 'Y' }] });
    await t.sendOffsets({ consumerGroupId: 'ctp-group', topics: [{ topic: 'txn-in', partitions: [{ partition: 0, offset: '2' }] }] });
    assert.equal(await groupOffset(), '-1', 'not before the commit');
    await t.commit();
    assert.equal(await groupOffset(), '2');
    await admin.disconnect();
    assert.deepEqual(await readAll('txn-out', false, 2), ['X', 'Y']);

    // The offsets survive a restart: they are in __consumer_offsets with the transaction's COMMIT marker.
    await broker.cluster.transactionCoordinator.settled('tx-ctp');
    await broker.server.stop();
    broker.cluster.shutdown();
    const dataDir = broker.dataDir;
    broker = await startTestBroker({ nodes: 3, dataDir, config: { 'group.initial.rebalance.delay.ms': '0' } });
    assert.equal(broker.cluster.groupCoordinator.fetchOffsets('ctp-group', [{ topic: 'txn-in', partition: 0 }])[0].offset, 2);
    assert.equal(broker.cluster.transactionCoordinator.transaction('tx-ctp')?.state, 'CompleteCommit');
  });
});
