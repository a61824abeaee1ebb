/**
 * A group's lag as the sidebar and the group inspector show it, for both ways the extension reads a cluster (the
 * embedded broker's own API and the Kafka protocol, as for an external cluster): a partition the group owns but never
 * committed counts from its log start, says so, and is part of the group's total.
 */
import { strict as assert } from 'node:assert';
import { Kafka, logLevel } from 'kafkajs';
import { startTestBroker, TestBroker } from '../support/broker';
import { textBatch } from '../support/batches';
import { ExternalCluster } from '../../src/clusters/external-cluster';
import { groupSummaries } from '../../src/broker/cluster-views';
import type { GroupDescription } from '../../src/broker/api';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('group lag with and without committed offsets', function () {
  this.timeout(60000);
  let broker: TestBroker;
  let external: ExternalCluster;
  before(async () => {
    broker = await startTestBroker({ nodes: 1, config: { 'group.initial.rebalance.delay.ms': '0' } });
    external = new ExternalCluster({ config: { name: 'same', bootstrapServers: broker.bootstrap, securityProtocol: 'PLAINTEXT' } });
  });
  after(async () => {
    await external.close();
    await broker.stop();
  });

  const rows = (d: GroupDescription) => d.offsets.map((o) => [o.partition, o.committed, o.lag, o.lagFrom]);

  it('an owned partition without a commit counts from its log start; the total includes it', async () => {
    broker.cluster.createTopic('lagged', 2, 1);
    await broker.cluster.produce('lagged', 0, textBatch(Array.from({ length: 10 }, (_, i) => `a${i}`)), 1, 5000);
    await broker.cluster.produce('lagged', 1, textBatch(Array.from({ length: 25 }, (_, i) => `b${i}`)), 1, 5000);
    // Records 0-2 of partition 1 are gone (DeleteRecords): its lag counts from 3.
    broker.cluster.leaderLog('lagged', 1).deleteRecordsBefore(3);

    const kafka = new Kafka({ clientId: 'lag', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: 'lag-group', sessionTimeout: 10000 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: 'lagged' });
      // Never consumes (latest, nothing new): owns both partitions, commits nothing.
      await consumer.run({ autoCommit: false, eachMessage: async () => {} });
      const deadline = Date.now() + 20000;
      while (broker.cluster.groups.describeGroup('lag-group').state !== 'Stable' && Date.now() < deadline) await sleep(50);

      for (const d of [broker.cluster.groups.describeGroup('lag-group'), await external.describeGroup('lag-group')]) {
        assert.deepEqual(rows(d), [
          [0, null, 10, 'log-start'],
          [1, null, 22, 'log-start'],
        ]);
        assert.deepEqual([d.totalLag, d.uncommitted], [32, 2]);
      }
      await consumer.commitOffsets([{ topic: 'lagged', partition: 0, offset: '4' }]);
      for (const d of [broker.cluster.groups.describeGroup('lag-group'), await external.describeGroup('lag-group')]) {
        assert.deepEqual(rows(d), [
          [0, 4, 6, 'committed'],
          [1, null, 22, 'log-start'],
        ]);
        assert.deepEqual([d.totalLag, d.uncommitted], [28, 1]);
      }
      const summary = groupSummaries(broker.cluster).find((g) => g.groupId === 'lag-group')!;
      assert.deepEqual([summary.totalLag, summary.uncommitted], [28, 1]);
      const ext = (await external.listGroups()).find((g) => g.groupId === 'lag-group')!;
      assert.deepEqual([ext.totalLag, ext.uncommitted], [28, 1]);
    } finally {
      await consumer.disconnect();
    }
  });
});
