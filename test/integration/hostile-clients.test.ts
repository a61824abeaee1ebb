/**
 * Hostile clients against a `tributary start` process: connections that pipeline hundreds of large Fetch requests
 * in one write and never read, a frame that declares 2 GB, 1,000 idle connections and a writer that sends a byte at a
 * time. The broker's memory stays bounded (each connection takes one request at a time, and none while its answers
 * go unread) and a normal client is served throughout. The figures per connection are in bench/ (hostile).
 */
import { strict as assert } from 'node:assert';
import * as net from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import { startCliBroker, type CliBroker } from '../support/cli-broker';
import { encodeRequestFrame, RawClient } from '../support/raw-client';
import { tmpDir, rm } from '../support/tmp';
import { rssMb, bigFetchFrame, pipelineAndIgnore, fillTopic } from '../support/hostile';

describe('hostile clients against a broker process', function () {
  this.timeout(180000);
  let dir: string;
  let broker: CliBroker;
  before(async () => {
    dir = tmpDir('hostile');
    broker = await startCliBroker(['--data', dir, '--port', '0', '--nodes', '1', '--config', 'message.max.bytes=2000000']);
    await fillTopic(broker.bootstrap, 'big');
  });
  after(async () => {
    await broker?.stop();
    rm(dir);
  });

  it('pipelined unread fetches, a 2 GB frame, 1,000 idle connections and a slow writer: memory bounded, a normal client served', async () => {
    const pid = broker.child.pid!;
    const before = rssMb(pid);
    const sockets: net.Socket[] = [];
    try {
      // Four connections, each 300 pipelined 10 MB fetches in one write, never read (this once took 6 GB).
      for (let c = 0; c < 4; c++) sockets.push(await pipelineAndIgnore(broker.bootstrap, Array.from({ length: 300 }, (_, i) => bigFetchFrame('big', i + 1))));
      // A frame that declares 2 GB: the connection is closed, nothing is allocated for it.
      const huge = await pipelineAndIgnore(broker.bootstrap, [Buffer.from([0x7f, 0xff, 0xff, 0xff, 0, 1, 0, 12])]);
      sockets.push(huge);
      // 1,000 idle connections.
      for (let i = 0; i < 1000; i++) {
        const s = net.connect({ host: '127.0.0.1', port: Number(broker.bootstrap.split(',')[0].split(':')[1]) });
        s.on('error', () => undefined);
        sockets.push(s);
      }
      // A slow writer: a metadata request, one byte every 20 ms.
      const slowFrame = encodeRequestFrame(3, 12, { topics: null, allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false }, 1);
      const slow = await pipelineAndIgnore(broker.bootstrap, []);
      sockets.push(slow);
      let sent = 0;
      const dribble = setInterval(() => (sent < slowFrame.length ? slow.write(slowFrame.subarray(sent, ++sent)) : clearInterval(dribble)), 20);

      // Meanwhile a normal client produces and consumes.
      const kafka = new Kafka({ brokers: broker.bootstrap.split(','), clientId: 'normal', logLevel: logLevel.NOTHING });
      const producer = kafka.producer();
      await producer.connect();
      for (let i = 0; i < 20; i++) await producer.send({ topic: 'normal', messages: [{ value: `hello ${i}` }] });
      await producer.disconnect();
      const consumer = kafka.consumer({ groupId: 'normal-group' });
      await consumer.connect();
      await consumer.subscribe({ topic: 'normal', fromBeginning: true });
      let got = 0;
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`the normal consumer got ${got} of 20 messages`)), 60000);
        void consumer.run({ eachMessage: async () => void (++got === 20 && (clearTimeout(t), resolve())) });
      });
      await consumer.disconnect();
      clearInterval(dribble);

      assert.ok(huge.destroyed || (await new Promise((r) => huge.once('close', () => r(true)))), 'the 2 GB frame closed its connection');
      const during = rssMb(pid);
      // The defect this guards took ~750 MB per such connection; bounded, four of them cost a few tens of MB each.
      assert.ok(during - before < 400, `the broker grew from ${before.toFixed(0)} MB to ${during.toFixed(0)} MB`);
      assert.match(broker.output(), /request size 2147483647 is outside/);
    } finally {
      for (const s of sockets) s.destroy();
    }
    // Everything those clients held is dropped when they go: the broker still answers and holds no connections.
    const c = await RawClient.connect(broker.bootstrap);
    const md = await c.request(3, 12, { topics: null, allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false });
    c.close();
    assert.ok(md.topics.some((t) => t.name === 'big'));
  });
});
