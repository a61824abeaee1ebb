/**
 * Partition reassignment driven by a real client: kafkajs 2.2.4's admin.alterPartitionReassignments and
 * listPartitionReassignments (AlterPartitionReassignments v0 and ListPartitionReassignments v0, sent to the controller
 * kafkajs finds in Metadata) against a 3-node embedded broker, with a kafkajs producer writing acks=all before, during
 * and after the move and a kafkajs consumer reading every message back from the partition's new node.
 */
import { strict as assert } from 'node:assert';
import { Kafka, logLevel, type Admin, type Producer, type Consumer } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../support/broker';
import { pollUntil } from '../support/poll';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

type KafkaJsError = Error & { type?: string; errors?: KafkaJsError[]; originalError?: KafkaJsError; cause?: KafkaJsError };

describe('partition reassignment with kafkajs', function () {
  this.timeout(60000);
  let broker: TestBroker;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  let consumer: Consumer | undefined;

  before(async () => {
    broker = await startTestBroker({ nodes: 3, config: { 'group.initial.rebalance.delay.ms': '0' } });
    kafka = new Kafka({ clientId: 'reassign-compat', brokers: broker.bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 50 } });
    admin = kafka.admin();
    producer = kafka.producer();
    await Promise.all([admin.connect(), producer.connect()]);
  });

  after(async () => {
    await Promise.allSettled([admin?.disconnect(), producer?.disconnect(), consumer?.disconnect()]);
    await broker?.stop();
  });

  const send = async (topic: string, values: string[]) => {
    await producer.send({ topic, acks: -1, messages: values.map((value) => ({ partition: 0, value })) });
  };

  it('moves a partition to another node while a producer writes; a consumer reads every message from the new node', async () => {
    const cluster = broker.cluster;
    const topic = 'kjs-moved';
    cluster.createTopicWithAssignment(topic, [[0]]);
    await send(topic, ['before-0', 'before-1', 'before-2']);

    // Held back, node 2 keeps the reassignment in progress long enough to list it.
    cluster.replicaManager.faults.pauseFollower(2);
    await admin.alterPartitionReassignments({ topics: [{ topic, partitionAssignment: [{ partition: 0, replicas: [2] }] }] });
    const ongoing = { name: topic, partitions: [{ partition: 0, replicas: [2, 0], addingReplicas: [2], removingReplicas: [0] }] };
    assert.deepEqual((await admin.listPartitionReassignments({})).topics, [ongoing]);
    assert.deepEqual((await admin.listPartitionReassignments({ topics: [{ topic, partitions: [0] }] })).topics, [ongoing]);
    const md = await admin.fetchTopicMetadata({ topics: [topic] });
    assert.deepEqual(md.topics[0].partitions[0].replicas, [2, 0], 'Metadata shows every replica during the reassignment');
    await send(topic, ['during-0', 'during-1']);

    cluster.replicaManager.faults.resumeFollower(2);
    await pollUntil('the reassignment to complete', () => JSON.stringify(cluster.partitionState(topic, 0).replicas) === '[2]', 15000);
    assert.equal(cluster.partitionState(topic, 0).leader, 2);
    assert.deepEqual((await admin.listPartitionReassignments({})).topics, []);
    assert.equal(cluster.node(0).logManager.getLog({ topic, partition: 0 }), undefined, "node 0's replica is gone");

    // The producer still has node 0 as the leader: it is told otherwise, refreshes its metadata and writes to node 2.
    await send(topic, ['after-0', 'after-1']);
    assert.equal(cluster.leaderLog(topic, 0).logEndOffset, 7);

    const received: string[] = [];
    consumer = kafka.consumer({ groupId: 'reassign-compat-group', sessionTimeout: 10000, heartbeatInterval: 500 });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        received.push(message.value!.toString());
      },
    });
    await pollUntil('every message consumed', () => received.length >= 7, 20000);
    assert.deepEqual(received, ['before-0', 'before-1', 'before-2', 'during-0', 'during-1', 'after-0', 'after-1']);
  });

  it('grows a partition to three replicas and reports a reassignment to an unknown node as INVALID_REPLICA_ASSIGNMENT', async () => {
    const cluster = broker.cluster;
    const topic = 'kjs-grown';
    cluster.createTopicWithAssignment(topic, [[1]]);
    await send(topic, ['g0', 'g1']);
    await admin.alterPartitionReassignments({ topics: [{ topic, partitionAssignment: [{ partition: 0, replicas: [1, 2, 0] }] }] });
    await pollUntil('three in-sync replicas', () => cluster.partitionState(topic, 0).isr.length === 3 && !cluster.partitionState(topic, 0).addingReplicas, 15000);
    assert.deepEqual(cluster.partitionState(topic, 0).replicas, [1, 2, 0]);
    const md = await admin.fetchTopicMetadata({ topics: [topic] });
    assert.deepEqual([...md.topics[0].partitions[0].isr].sort(), [0, 1, 2]);

    let failure: KafkaJsError | undefined;
    try {
      await admin.alterPartitionReassignments({ topics: [{ topic, partitionAssignment: [{ partition: 0, replicas: [1, 9] }] }] });
    } catch (e) {
      failure = e as KafkaJsError;
    }
    assert.ok(failure, 'the reassignment to node 9 was refused');
    const types = [failure.type, failure.originalError?.type, failure.cause?.type, ...(failure.errors ?? []).map((x) => x.type ?? x.originalError?.type)];
    assert.ok(types.includes('INVALID_REPLICA_ASSIGNMENT'), `error types: ${JSON.stringify(types)} (${failure.message})`);
    assert.deepEqual(cluster.partitionState(topic, 0).replicas, [1, 2, 0], 'nothing changed');
  });
});
