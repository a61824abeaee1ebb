/**
 * Acknowledged data is visible after a crash without anything new being produced: a `tributary start` process
 * takes 20,000 idempotent acks=all messages on partitions whose ISR is the leader alone (replication factor 1, the
 * default of auto-created topics), is killed with SIGKILL before its high-watermark checkpoint catches up, and
 * restarts: the high watermark comes back at the log end (Kafka's makeLeader raises it) and a consumer reads every
 * message, also when replication-offset-checkpoint is gone.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { startCliBroker, type CliBroker } from '../support/cli-broker';
import { tmpDir, rm } from '../support/tmp';

const MESSAGES = 20000;

async function killHard(b: CliBroker): Promise<void> {
  const exited = new Promise<void>((r) => b.child.once('exit', () => r()));
  b.child.kill('SIGKILL');
  await exited;
}

describe('crash: acknowledged messages are visible after SIGKILL (replication factor 1)', function () {
  this.timeout(120000);
  const cases: Array<{ nodes: number; dropCheckpoint: boolean }> = [
    { nodes: 1, dropCheckpoint: false },
    { nodes: 3, dropCheckpoint: false },
    { nodes: 1, dropCheckpoint: true },
  ];
  for (const { nodes, dropCheckpoint } of cases) {
    it(`${nodes} node(s)${dropCheckpoint ? ', replication-offset-checkpoint deleted' : ''}: high watermark at the log end, every message consumed`, async () => {
      const dir = tmpDir('crash-visible');
      let broker: CliBroker | undefined;
      try {
        // A long checkpoint interval: the kill always lands before the high watermarks were written.
        const args = ['--data', dir, '--port', '0', '--nodes', String(nodes), '--config', 'replica.high.watermark.checkpoint.interval.ms=600000'];
        broker = await startCliBroker(args);
        const kafka = new Kafka({ brokers: broker.bootstrap.split(','), clientId: 'crash-visible', logLevel: logLevel.NOTHING });
        const admin = kafka.admin();
        await admin.connect();
        await admin.createTopics({ topics: [{ topic: 'visible', numPartitions: nodes, replicationFactor: 1 }] });
        await admin.disconnect();
        const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
        await producer.connect();
        for (let i = 0; i < MESSAGES; i += 1000) {
          await producer.send({ topic: 'visible', acks: -1, messages: Array.from({ length: 1000 }, (_, k) => ({ key: String((i + k) % 97), value: `m${i + k}` })) });
        }
        await producer.disconnect();
        await killHard(broker);
        broker = undefined;
        if (dropCheckpoint) for (let n = 0; n < nodes; n++) fs.rmSync(path.join(dir, `node-${n}`, 'replication-offset-checkpoint'), { force: true });

        broker = await startCliBroker(args);
        const after = new Kafka({ brokers: broker.bootstrap.split(','), clientId: 'crash-visible-2', logLevel: logLevel.NOTHING });
        const admin2 = after.admin();
        await admin2.connect();
        const offsets = await admin2.fetchTopicOffsets('visible');
        await admin2.disconnect();
        const total = offsets.reduce((s, o) => s + Number(o.high), 0);
        assert.equal(total, MESSAGES, `high watermarks after the restart: ${JSON.stringify(offsets)}`);

        const consumer = after.consumer({ groupId: `crash-visible-${nodes}-${dropCheckpoint}`, readUncommitted: true });
        await consumer.connect();
        await consumer.subscribe({ topic: 'visible', fromBeginning: true });
        const seen = new Set<string>();
        let duplicates = 0;
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`only ${seen.size} of ${MESSAGES} messages were consumed`)), 60000);
          void consumer.run({
            eachBatch: async ({ batch }) => {
              for (const m of batch.messages) {
                const v = m.value!.toString();
                if (seen.has(v)) duplicates++;
                seen.add(v);
              }
              if (seen.size >= MESSAGES) {
                clearTimeout(timer);
                resolve();
              }
            },
          });
        });
        await consumer.disconnect();
        assert.equal(seen.size, MESSAGES);
        assert.equal(duplicates, 0);
      } finally {
        await broker?.stop();
        rm(dir);
      }
    });
  }
});
