/**
 * Fetch from follower (KIP-392) with real clients: three nodes in racks RACK0-2 with RackAwareReplicaSelector, as
 * librdkafka's CI runs Kafka. A consumer whose client.rack is a follower's rack reads every message, in order, and
 * reads them from that follower: librdkafka's statistics (bytes received per broker) and kafkajs's request events
 * say where its fetches went.
 */
import { strict as assert } from 'node:assert';
import { Kafka, logLevel } from 'kafkajs';
import { startTestBroker, TestBroker } from '../support/broker';
import { textBatch } from '../support/batches';
import { RACK_AWARE_REPLICA_SELECTOR } from '../../src/broker/config/broker-config';
import { haveConfluentKafka, python } from './helpers';

const RACKS = { 0: { 'broker.rack': 'RACK0' }, 1: { 'broker.rack': 'RACK1' }, 2: { 'broker.rack': 'RACK2' } };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('fetch from follower with real clients', function () {
  this.timeout(60000);
  let broker: TestBroker;
  before(async () => {
    broker = await startTestBroker({ nodes: 3, config: { 'replica.selector.class': RACK_AWARE_REPLICA_SELECTOR }, nodeConfig: RACKS });
  });
  after(() => broker.stop());

  /** A one-partition RF 3 topic holding `n` 100-byte messages "topic-i ..."; its leader and a follower. */
  async function topicWith(name: string, n: number): Promise<{ leader: number; follower: number; expected: string[] }> {
    broker.cluster.createTopic(name, 1, 3);
    const expected = Array.from({ length: n }, (_, i) => `${name}-${i} `.padEnd(100, '.'));
    for (let i = 0; i < n; i += 100) await broker.cluster.produce(name, 0, textBatch(expected.slice(i, i + 100)), -1, 5000);
    const st = broker.cluster.partitionState(name, 0);
    const deadline = Date.now() + 10000;
    while (!st.replicas.every((r) => broker.cluster.node(r).logManager.getLog({ topic: name, partition: 0 })?.highWatermark === n)) {
      if (Date.now() > deadline) throw new Error('followers did not catch up');
      await sleep(20);
    }
    return { leader: st.leader, follower: st.replicas.find((r) => r !== st.leader)!, expected };
  }

  it('confluent-kafka-python (librdkafka) with client.rack reads everything from the follower in its rack', async function () {
    if (!haveConfluentKafka()) return this.skip();
    const { leader, follower, expected } = await topicWith('fff-py', 1000);
    const lines = await python('consume', broker.bootstrap, { topic: 'fff-py', start: 'beginning', count: 1000, stats: true, timeout: 40, config: { 'client.rack': `RACK${follower}` } });
    const got = lines.filter((l) => 'offset' in l);
    assert.deepEqual(got.map((l) => l.value), expected);
    assert.deepEqual(got.map((l) => l.offset), expected.map((_, i) => i));
    const rx = (lines.find((l) => 'rxbytes' in l)!.rxbytes as Record<string, number>);
    // As librdkafka's own test 0101: the follower sent more than the messages' bytes, more than any other broker.
    assert.ok(rx[String(follower)] > 1000 * 100, `rxbytes ${JSON.stringify(rx)}`);
    for (const n of [0, 1, 2].filter((x) => x !== follower)) assert.ok(rx[String(n)] === undefined || rx[String(n)] < rx[String(follower)], `rxbytes ${JSON.stringify(rx)}`);
    assert.notEqual(leader, follower);
  });

  it('kafkajs with rackId fetches from the follower in its rack after the leader names it', async () => {
    const { leader, follower, expected } = await topicWith('fff-js', 300);
    const kafka = new Kafka({ clientId: 'fff', brokers: broker.bootstrap.split(','), logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: 'fff-js-group', rackId: `RACK${follower}`, maxWaitTimeInMs: 100 });
    const port = (n: number) => broker.server.listeners().find((l) => l.nodeId === n)!.port;
    const fetchesTo = new Map<number, number>();
    consumer.on(consumer.events.REQUEST, (e) => {
      if (e.payload.apiName !== 'Fetch') return;
      const p = Number(String(e.payload.broker).split(':').pop());
      fetchesTo.set(p, (fetchesTo.get(p) ?? 0) + 1);
    });
    const got: string[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: 'fff-js', fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void got.push(message.value!.toString()) });
      const deadline = Date.now() + 30000;
      while (got.length < expected.length && Date.now() < deadline) await sleep(50);
    } finally {
      await consumer.disconnect();
    }
    assert.deepEqual(got, expected);
    const toFollower = fetchesTo.get(port(follower)) ?? 0;
    assert.ok(toFollower > 0, `fetches by port: ${JSON.stringify([...fetchesTo])}, follower ${port(follower)}, leader ${port(leader)}`);
  });
});
