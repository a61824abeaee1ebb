/**
 * Kafka's newer admin APIs driven by a client library's own codecs: @platformatic/kafka 1.35 from npm, whose request
 * writers and response parsers were written from Kafka's protocol independently of ours. Its Admin for the client
 * quota APIs (DescribeClientQuotas v0, AlterClientQuotas v1, user and client-id entities) and its low-level APIs, each
 * sent on its own Connection to the node Kafka would send it to: the quota APIs again for ip entities, which its Admin
 * does not take, DescribeTopicPartitions v0, UpdateFeatures v1, DescribeProducers v0, ListTransactions v1, DescribeTransactions v0 and AddPartitionsToTxn v4-5 (VerifyOnly); and its
 * idempotent and transactional Producer (EndTxn v4), whose producers those APIs report.
 *
 * Transactions version 2 (EndTxn v5, Produce v12, TxnOffsetCommit v5) is not here: no client on these machines speaks
 * it (this library stops at EndTxn v4 and Produce v11, librdkafka 2.15 at EndTxn v1), so test/integration/txn-v2.test.ts
 * drives it in raw frames.
 */
import { strict as assert } from 'node:assert';
import {
  Admin,
  Connection,
  Producer,
  ResponseError,
  stringSerializers,
  addPartitionsToTxnV4,
  addPartitionsToTxnV5,
  alterClientQuotasV1,
  describeClientQuotasV0,
  describeProducersV0,
  describeTopicPartitionsV0,
  describeTransactionsV0,
  findCoordinatorV4,
  listTransactionsV1,
  updateFeaturesV1,
} from '@platformatic/kafka';
import { startTestBroker, type TestBroker } from '../support/broker';
import { ErrorCode } from '../../src/broker/errors';

describe('compat: admin APIs with @platformatic/kafka 1.35 (its own codecs)', function () {
  this.timeout(60000);
  let broker: TestBroker;
  let admin: Admin;
  const connections: Connection[] = [];
  const producers: Producer<string, string, string, string>[] = [];

  const connect = async (node: number): Promise<Connection> => {
    const [host, port] = broker.bootstrap.split(',')[node].split(':');
    const c = new Connection('platformatic-admin');
    await c.connect(host, Number(port));
    connections.push(c);
    return c;
  };
  /** The response a request refused in part carries, as the library reports it (a ResponseError with the response). */
  const answered = async <T>(p: Promise<T>): Promise<T> => {
    try {
      return await p;
    } catch (e) {
      if (e instanceof ResponseError) return (e as unknown as { response: T }).response;
      throw e;
    }
  };
  const producer = (opts: { idempotent?: boolean; transactionalId?: string }) => {
    const p = new Producer({ clientId: 'platformatic-producer', bootstrapBrokers: broker.bootstrap.split(','), serializers: stringSerializers, acks: -1, retries: 3, ...opts });
    producers.push(p);
    return p;
  };

  before(async () => {
    broker = await startTestBroker({ nodes: 3 });
    admin = new Admin({ clientId: 'platformatic-admin', bootstrapBrokers: broker.bootstrap.split(',') });
  });
  after(async () => {
    await Promise.allSettled([admin?.close(), ...producers.map((p) => p.close()), ...connections.map((c) => c.close())]);
    await broker?.stop();
  });

  it('client quotas: Admin.alterClientQuotas sets, validates and removes; describeClientQuotas filters as Kafka does', async () => {
    const set = await admin.alterClientQuotas({
      entries: [
        { entities: [{ entityType: 'client-id', entityName: 'billing' }], ops: [{ key: 'producer_byte_rate', value: 1048576, remove: false }, { key: 'request_percentage', value: 50, remove: false }] },
        { entities: [{ entityType: 'user', entityName: 'alice' }, { entityType: 'client-id', entityName: 'billing' }], ops: [{ key: 'consumer_byte_rate', value: 2097152, remove: false }] },
        { entities: [{ entityType: 'user' }], ops: [{ key: 'producer_byte_rate', value: 4096, remove: false }] },
      ],
    });
    assert.deepEqual(set.map((e) => e.errorCode), [0, 0, 0]);
    const c = await connect(0);
    const ip = await alterClientQuotasV1.api.async(c, [{ entities: [{ entityType: 'ip', entityName: '127.0.0.1' }], ops: [{ key: 'connection_creation_rate', value: 100, remove: false }] }] as never, false);
    assert.deepEqual(ip.entries.map((e) => e.errorCode), [0]);

    const byEntity = (rows: { entity: { entityType: string; entityName?: string | null }[]; values: { key: string; value: number }[] }[]) =>
      rows.map((r) => [r.entity.map((x) => `${x.entityType}=${x.entityName ?? '<default>'}`).sort().join(','), Object.fromEntries(r.values.map((v) => [v.key, v.value]))]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));

    // MATCH_TYPE 0 exact, 1 default, 2 any specified; strict leaves out entities with other types.
    assert.deepEqual(byEntity(await admin.describeClientQuotas({ components: [{ entityType: 'client-id', matchType: 0, match: 'billing' }], strict: false })), [
      ['client-id=billing', { producer_byte_rate: 1048576, request_percentage: 50 }],
      ['client-id=billing,user=alice', { consumer_byte_rate: 2097152 }],
    ]);
    assert.deepEqual(byEntity(await admin.describeClientQuotas({ components: [{ entityType: 'client-id', matchType: 0, match: 'billing' }], strict: true })), [['client-id=billing', { producer_byte_rate: 1048576, request_percentage: 50 }]]);
    assert.deepEqual(byEntity(await admin.describeClientQuotas({ components: [{ entityType: 'user', matchType: 1 }], strict: true })), [['user=<default>', { producer_byte_rate: 4096 }]]);
    assert.deepEqual(byEntity(await admin.describeClientQuotas({ components: [{ entityType: 'user', matchType: 2 }], strict: false })), [
      ['client-id=billing,user=alice', { consumer_byte_rate: 2097152 }],
      ['user=<default>', { producer_byte_rate: 4096 }],
    ]);
    assert.deepEqual(byEntity((await describeClientQuotasV0.api.async(c, [{ entityType: 'ip', matchType: 2 }] as never, true)).entries ?? []), [['ip=127.0.0.1', { connection_creation_rate: 100 }]]);

    // Version 0 of DescribeClientQuotas answers as the Admin's requests did.
    const v0 = await describeClientQuotasV0.api.async(c, [{ entityType: 'client-id', matchType: 0, match: 'billing' }], true);
    assert.deepEqual([v0.errorCode, v0.entries?.map((e) => e.values.map((v) => [v.key, v.value]).sort())], [0, [[['producer_byte_rate', 1048576], ['request_percentage', 50]]]]);

    // Refused per entity, the valid entry applied: an ip quota on a client id, a negative rate.
    const refused = await answered(alterClientQuotasV1.api.async(c, [
      { entities: [{ entityType: 'client-id', entityName: 'billing' }], ops: [{ key: 'connection_creation_rate', value: 1, remove: false }] },
      { entities: [{ entityType: 'user', entityName: 'bob' }], ops: [{ key: 'producer_byte_rate', value: -5, remove: false }] },
      { entities: [{ entityType: 'user', entityName: 'carol' }], ops: [{ key: 'producer_byte_rate', value: 8192, remove: false }] },
    ] as never, false));
    assert.deepEqual(refused.entries.map((e) => e.errorCode), [ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST, 0]);
    assert.deepEqual(byEntity(await admin.describeClientQuotas({ components: [{ entityType: 'user', matchType: 0, match: 'carol' }], strict: true })), [['user=carol', { producer_byte_rate: 8192 }]]);

    // Removing every key removes the entity.
    await admin.alterClientQuotas({ entries: [{ entities: [{ entityType: 'client-id', entityName: 'billing' }], ops: [{ key: 'producer_byte_rate', remove: true }, { key: 'request_percentage', remove: true }] }] });
    assert.deepEqual(byEntity(await admin.describeClientQuotas({ components: [{ entityType: 'client-id', matchType: 0, match: 'billing' }], strict: true })), []);
  });

  it('DescribeTopicPartitions v0: pages through topics by cursor with the ids, leaders and ISR Metadata reports', async () => {
    await admin.createTopics({ topics: ['dtp-a', 'dtp-b'], partitions: 3, replicas: 3 });
    const c = await connect(1);
    const names = [{ name: 'dtp-a' }, { name: 'dtp-b' }, { name: 'dtp-missing' }];

    // Three partitions a page fill it with dtp-a; the next page starts at dtp-b. An unknown topic answers in its place
    // in name order, on the page that reaches it (Kafka's KRaftMetadataCache.describeTopicResponse).
    const first = await answered(describeTopicPartitionsV0.api.async(c, names, 3));
    assert.deepEqual(first.topics.map((t) => [t.name, t.errorCode, t.partitions.map((p) => p.partitionIndex)]), [['dtp-a', 0, [0, 1, 2]]]);
    assert.deepEqual(first.nextCursor, { topicName: 'dtp-b', partitionIndex: 0 });

    const second = await answered(describeTopicPartitionsV0.api.async(c, names, 2, first.nextCursor));
    assert.deepEqual(second.topics.map((t) => [t.name, t.errorCode, t.partitions.map((p) => p.partitionIndex)]), [['dtp-b', 0, [0, 1]]]);
    assert.deepEqual(second.nextCursor, { topicName: 'dtp-b', partitionIndex: 2 });
    const last = await answered(describeTopicPartitionsV0.api.async(c, names, 2, second.nextCursor));
    assert.deepEqual(last.topics.map((t) => [t.name, t.errorCode, t.partitions.map((p) => p.partitionIndex)]), [
      ['dtp-b', 0, [2]],
      ['dtp-missing', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, []],
    ]);
    assert.equal(last.nextCursor, undefined, 'no cursor after the last page');

    // What it says of each partition is the cluster's state, as Metadata reports it.
    const metadata = await admin.metadata({ topics: ['dtp-a'] });
    const topic = metadata.topics.get('dtp-a')!;
    const a = first.topics[0];
    assert.equal(a.topicId, topic.id);
    assert.equal(a.isInternal, false);
    for (const p of a.partitions) {
      const state = broker.cluster.partitionState('dtp-a', p.partitionIndex);
      assert.deepEqual([p.errorCode, p.leaderId, p.leaderEpoch, p.replicaNodes, [...p.isrNodes].sort(), p.offlineReplicas, p.eligibleLeaderReplicas], [0, state.leader, state.leaderEpoch, state.replicas, [...state.isr].sort(), [], []]);
      assert.equal(topic.partitions[p.partitionIndex].leader, p.leaderId);
    }
  });

  it('UpdateFeatures v1: validateOnly changes nothing; refusals change nothing; a safe downgrade and the upgrade back do', async () => {
    // Sent to a node that is not the controller's first: any node takes it, as Kafka forwards it to the controller.
    const c = await connect(2);
    // The library parses no features out of ApiVersions, so the levels are read from the cluster metadata.
    const finalized = async () => ({ ...broker.cluster.metadata.finalizedFeatures().levels });
    const before = await finalized();
    assert.equal(before['transaction.version'], 2, 'a new Kafka 4.0 cluster finalizes transactions version 2');

    const SAFE_DOWNGRADE = 2;
    const check = await updateFeaturesV1.api.async(c, 5000, [{ feature: 'transaction.version', maxVersionLevel: 1, upgradeType: SAFE_DOWNGRADE }], true);
    assert.deepEqual([check.errorCode, check.results.map((r) => [r.feature, r.errorCode])], [0, [['transaction.version', 0]]]);
    assert.deepEqual(await finalized(), before, 'validateOnly leaves every level as it was');

    // A downgrade needs its type; above the supported maximum is refused; neither changes anything.
    const unsafe = await answered(updateFeaturesV1.api.async(c, 5000, [{ feature: 'transaction.version', maxVersionLevel: 1, upgradeType: 1 }], false));
    assert.equal(unsafe.errorCode, ErrorCode.INVALID_UPDATE_VERSION);
    const tooHigh = await answered(updateFeaturesV1.api.async(c, 5000, [{ feature: 'transaction.version', maxVersionLevel: 9, upgradeType: 1 }], false));
    assert.equal(tooHigh.errorCode, ErrorCode.INVALID_UPDATE_VERSION);
    assert.deepEqual(await finalized(), before);

    const down = await updateFeaturesV1.api.async(c, 5000, [{ feature: 'transaction.version', maxVersionLevel: 1, upgradeType: SAFE_DOWNGRADE }], false);
    assert.equal(down.errorCode, 0);
    assert.deepEqual(await finalized(), { ...before, 'transaction.version': 1 });
    const up = await updateFeaturesV1.api.async(c, 5000, [{ feature: 'transaction.version', maxVersionLevel: 2, upgradeType: 1 }], false);
    assert.equal(up.errorCode, 0);
    assert.deepEqual(await finalized(), before);
  });

  it("DescribeProducers, ListTransactions and DescribeTransactions report the library's idempotent and transactional producers", async () => {
    await admin.createTopics({ topics: ['dp-pl'], partitions: 2, replicas: 3 });
    const leader = broker.cluster.partitionState('dp-pl', 0).leader;
    const onLeader = await connect(leader);

    const idem = producer({ idempotent: true });
    await idem.send({ messages: ['a', 'b', 'c'].map((value) => ({ topic: 'dp-pl', partition: 0, value })) });
    const described = await describeProducersV0.api.async(onLeader, [{ name: 'dp-pl', partitionIndexes: [0] }]);
    const active = described.topics[0].partitions[0].activeProducers;
    assert.deepEqual(active.map((p) => [p.producerId, p.producerEpoch, p.lastSequence, p.currentTxnStartOffset]), [[idem.producerId, idem.producerEpoch, 2, -1n]]);

    // A transaction left open: its producer is listed with the offset the transaction started at.
    const txProducer = producer({ idempotent: true, transactionalId: 'pl-tx' });
    const tx = await txProducer.beginTransaction();
    const sent = await tx.send({ messages: [{ topic: 'dp-pl', partition: 0, value: 'in-tx' }] });
    const startOffset = BigInt(sent.offsets?.[0]?.offset ?? -1);
    assert.equal(startOffset, 3n);
    const open = (await describeProducersV0.api.async(onLeader, [{ name: 'dp-pl', partitionIndexes: [0] }])).topics[0].partitions[0].activeProducers;
    assert.deepEqual(open.find((p) => p.producerId === txProducer.producerId)?.currentTxnStartOffset, startOffset);

    const fc = await findCoordinatorV4.api.async(onLeader, 1, ['pl-tx']);
    const coordinator = await connect(fc.coordinators[0].nodeId);
    const listed = await listTransactionsV1.api.async(coordinator, ['Ongoing'] as never, [], -1n, null);
    assert.deepEqual(listed.transactionStates.filter((t) => t.transactionalId === 'pl-tx').map((t) => [t.producerId, t.transactionState]), [[txProducer.producerId, 'Ongoing']]);
    const desc = await describeTransactionsV0.api.async(coordinator, ['pl-tx']);
    assert.deepEqual(desc.transactionStates.map((t) => [t.errorCode, t.transactionState, t.producerId, t.producerEpoch, t.topics.map((x) => [x.topic, x.partitions])]), [[0, 'Ongoing', txProducer.producerId, txProducer.producerEpoch, [['dp-pl', [0]]]]]);

    // AddPartitionsToTxn v4-5 with VerifyOnly, as a leader asks the coordinator: the partition in the transaction
    // passes, one outside it does not (v5 tells the producer it can abort), and neither is added. A partition that
    // does not exist fails the request: it is UNKNOWN_TOPIC_OR_PARTITION, the others not attempted.
    const verify = async (v: typeof addPartitionsToTxnV4, partitions: number[]) => {
      const r = await answered(v.api.async(coordinator, [{ transactionalId: 'pl-tx', producerId: txProducer.producerId!, producerEpoch: txProducer.producerEpoch!, verifyOnly: true, topics: [{ name: 'dp-pl', partitions }] }]));
      return [r.errorCode, r.resultsByTransaction[0].topicResults[0].resultsByPartition.map((p) => [p.partitionIndex, p.partitionErrorCode]).sort((x, y) => x[0] - y[0])];
    };
    assert.deepEqual(await verify(addPartitionsToTxnV4, [0, 1]), [0, [[0, 0], [1, ErrorCode.INVALID_TXN_STATE]]]);
    assert.deepEqual(await verify(addPartitionsToTxnV5, [0, 1]), [0, [[0, 0], [1, ErrorCode.TRANSACTION_ABORTABLE]]]);
    assert.deepEqual(await verify(addPartitionsToTxnV5, [0, 7]), [0, [[0, ErrorCode.OPERATION_NOT_ATTEMPTED], [7, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]]);
    assert.deepEqual((await describeTransactionsV0.api.async(coordinator, ['pl-tx'])).transactionStates[0].topics.map((x) => [x.topic, x.partitions]), [['dp-pl', [0]]]);

    await tx.commit();
    const ended = await pollState(coordinator, 'pl-tx', 'CompleteCommit');
    assert.equal(ended, 'CompleteCommit');
    const after = (await describeProducersV0.api.async(onLeader, [{ name: 'dp-pl', partitionIndexes: [0] }])).topics[0].partitions[0].activeProducers;
    assert.equal(after.find((p) => p.producerId === txProducer.producerId)?.currentTxnStartOffset, -1n, 'no open transaction after the commit');
    // The commit marker follows the record: a, b, c, the transaction's record, its marker.
    const end = await admin.listOffsets({ topics: [{ name: 'dp-pl', partitions: [{ partitionIndex: 0, timestamp: -1n }] }] });
    assert.equal(end[0].partitions[0].offset, 5n);
  });

  const pollState = async (c: Connection, id: string, want: string): Promise<string> => {
    const deadline = Date.now() + 10000;
    for (;;) {
      const state = (await describeTransactionsV0.api.async(c, [id])).transactionStates[0].transactionState;
      if (state === want || Date.now() > deadline) return state;
      await new Promise((r) => setTimeout(r, 50));
    }
  };
});
