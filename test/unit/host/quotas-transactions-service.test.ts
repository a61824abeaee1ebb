/**
 * Quotas and transactions as the extension reaches them (BrokerApi on a real BrokerService, what the tree's Quotas and
 * Transactions sections and the Abort Transaction command call): the quotas set by any client's AlterClientQuotas
 * with a quotasChanged event, each quota's rate and throttle count per node once a client is throttled; a kafkajs
 * transaction left open listed with its state, producer, partitions and age, aborted on request (the producer fenced,
 * the transaction then CompleteAbort), a second abort refused; and the tree nodes built from them.
 */
import { strict as assert } from 'node:assert';
import { Kafka, logLevel } from 'kafkajs';
import type { BrokerEvent } from '../../../src/broker/api';
import { abortTransactionConfirmation } from '../../../src/commands/confirmations';
import { quotaNode, quotaUsageNode, quotasSectionNode, transactionNode, transactionsSectionNode } from '../../../src/views/tree-nodes';
import { encodeRecordBatch } from '../../../src/broker/records/record-batch';
import { RawClient } from '../../support/raw-client';
import { pollUntil } from '../../support/poll';
import { startService, TestService } from './webviews-support';

describe('quotas and transactions through the broker API (tree and commands)', function () {
  this.timeout(60000);
  let t: TestService;
  let bootstrap: string;
  const events: BrokerEvent[] = [];
  before(async () => {
    t = await startService({ config: { 'quota.window.num': '2' } });
    t.service.onEvent((e) => events.push(e));
    bootstrap = (await t.service.status()).bootstrap;
    await t.service.createTopic({ name: 'metered', partitions: 1, replicationFactor: 1 });
  });
  after(async () => t?.stop());

  it('shows the quotas any client set, and a throttled client\'s rate and throttle count on its node', async () => {
    const c = await RawClient.connect(bootstrap);
    try {
      const r = await c.request(49, 1, { entries: [{ entity: [{ entityType: 'client-id', entityName: 'slow-app' }], ops: [{ key: 'producer_byte_rate', value: 1000, remove: false }] }], validateOnly: false });
      assert.equal(r.entries[0].errorCode, 0);
      assert.ok(events.some((e) => e.type === 'quotasChanged'));
      const records = encodeRecordBatch({ records: [{ key: null, value: Buffer.alloc(5000, 1), timestamp: Date.now() }] });
      const p = await c.request(0, 9, { transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{ name: 'metered', partitionData: [{ index: 0, records }] }] }, { clientId: 'slow-app' });
      assert.ok(p.throttleTimeMs > 0);
    } finally {
      c.close();
    }
    const view = await t.service.clientQuotas();
    assert.deepEqual(view.quotas, [{ entity: { 'client-id': 'slow-app' }, values: { producer_byte_rate: 1000 } }]);
    const u = view.usage.find((x) => x.clientId === 'slow-app');
    assert.ok(u && u.type === 'produce' && u.nodeId === 0 && u.throttleCount === 1 && u.rate > 1000, JSON.stringify(view.usage));
    const section = quotasSectionNode(view);
    assert.match(section.description ?? '', /1 entity · 1 throttling now/);
    assert.equal(quotaNode(view.quotas[0]).label, "client-id 'slow-app'");
    assert.match(quotaUsageNode(u).description ?? '', /node 0 · .* of 1000 B\/s · throttled 1×, last \d+ ms \d+ s ago/);
  });

  it('lists an open transaction and aborts it on request: the producer is fenced', async () => {
    const kafka = new Kafka({ clientId: 'txn-view', brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 3, initialRetryTime: 100 } });
    const producer = kafka.producer({ transactionalId: 'orders-writer', idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      const txn = await producer.transaction();
      await txn.send({ topic: 'metered', messages: [{ value: 'pending' }] });
      const open = (await t.service.listTransactions()).find((x) => x.transactionalId === 'orders-writer');
      assert.ok(open, 'listed');
      assert.equal(open.state, 'Ongoing');
      assert.deepEqual(open.partitions, [{ topic: 'metered', partition: 0 }]);
      assert.ok(open.startTimestamp > 0 && open.producerId >= 0);
      const node = transactionNode(open);
      assert.equal(node.contextValue, 'tributary.transaction.open', 'offers Abort');
      assert.match(node.description ?? '', /^Ongoing · producer \d+ epoch \d+ · 1 partition · open \d+ s$/);
      assert.match(transactionNode(open, open.startTimestamp + open.timeoutMs + 1000).description ?? '', /past its timeout/);
      assert.match(transactionsSectionNode([open]).description ?? '', /1 transactional id · 1 open/);
      assert.match(abortTransactionConfirmation(open).detail, /metered-0.*fenced/s);

      await t.service.abortTransaction('orders-writer');
      await pollUntil('the abort to complete', async () => (await t.service.listTransactions()).find((x) => x.transactionalId === 'orders-writer')?.state === 'CompleteAbort');
      const after = (await t.service.listTransactions()).find((x) => x.transactionalId === 'orders-writer')!;
      assert.equal(after.producerEpoch, open.producerEpoch + 1, 'the epoch was bumped: the producer is fenced');
      assert.equal(transactionNode(after).contextValue, 'tributary.transaction');
      await assert.rejects(txn.commit(), 'the fenced producer cannot commit');
      await assert.rejects(t.service.abortTransaction('orders-writer'), /INVALID_TXN_STATE|no open transaction/);
      await assert.rejects(t.service.abortTransaction('nobody'), /No transactional id nobody/);
    } finally {
      await producer.disconnect().catch(() => undefined);
    }
  });
});
