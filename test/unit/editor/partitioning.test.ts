import { strict as assert } from 'node:assert';
import { BrokerService } from '../../../src/service/broker-service';
import { ProduceSpec, parseKafkaFile } from '../../../src/editor/kafka-file';
import { buildRecords, produceRequest } from '../../../src/editor/records';
import { rm, tmpDir } from '../../support/tmp';

// kafkajs' default partitioner is its port of the Java client's (murmur2 of the key's UTF-8 bytes, toPositive,
// modulo the partition count); test/unit/host/partitioner.test.ts checks that murmur2 against Kafka's own vectors.
const { Partitioners } = require('kafkajs') as { Partitioners: { DefaultPartitioner: () => (args: { topic: string; partitionMetadata: Array<{ partitionId: number; leader: number }>; message: { key: string; value: string } }) => number } };

/** Where the Java producer puts these keys on a topic of 6 partitions (toPositive(murmur2(utf8(key))) % 6). */
const JAVA_PARTITIONS_OF_6: Array<[string, number]> = [
  ['order-1', 4],
  ['order-2', 3],
  ['order-3', 3],
  ['user-42', 4],
  ['a', 4],
  ['hello', 3],
  ['customer-1000', 5],
  ['日本', 3],
];

describe('.kafka keyed records land where a Java producer puts them', () => {
  let dir: string;
  let broker: BrokerService;

  before(async () => {
    dir = tmpDir('tributary-editor-');
    broker = new BrokerService({ dataDir: dir, nodes: 1, basePort: 0 });
    await broker.start();
    await broker.createTopic({ name: 'orders', partitions: 6, replicationFactor: 1 });
    await broker.createTopic({ name: 'foo', partitions: 10, replicationFactor: 1 });
  });

  after(async () => {
    await broker.stop();
    rm(dir);
  });

  it('agrees with kafkajs’ Java-compatible DefaultPartitioner on the recorded keys', () => {
    const kafkajs = Partitioners.DefaultPartitioner();
    const meta = Array.from({ length: 6 }, (_, i) => ({ partitionId: i, leader: 0 }));
    for (const [key, want] of JAVA_PARTITIONS_OF_6) assert.equal(kafkajs({ topic: 'orders', partitionMetadata: meta, message: { key, value: 'v' } }), want, key);
  });

  it('sends each key of a block to its Java partition through the broker API', async () => {
    for (const [key, want] of JAVA_PARTITIONS_OF_6) {
      const spec = parseKafkaFile(`PRODUCE orders key="${key}"\n\n{"key": "${key}"}`).blocks[0].request as ProduceSpec;
      const result = await broker.produce(produceRequest(spec, buildRecords(spec, 0, 1, 1, { now: Date.now, random: Math.random, uuid: () => 'x' })));
      assert.equal(result.records[0].partition, want, key);
    }
    // Kafka's own example (UtilsTest): "foobar" goes to partition 6 of 10.
    const foobar = parseKafkaFile('PRODUCE foo key=foobar\n\nx').blocks[0].request as ProduceSpec;
    assert.equal((await broker.produce(produceRequest(foobar, buildRecords(foobar, 0, 1, 1, { now: Date.now, random: Math.random, uuid: () => 'x' })))).records[0].partition, 6);
  });

  it('spreads templated keys of a ×N run as kafkajs would, and consumes them back from those partitions', async () => {
    const spec = parseKafkaFile('PRODUCE orders key=order-{{seq}} count=50\n\n{"n": {{seq}}}').blocks[0].request as ProduceSpec;
    const result = await broker.produce(produceRequest(spec, buildRecords(spec, 0, 50, 1, { now: Date.now, random: Math.random, uuid: () => 'x' })));
    const kafkajs = Partitioners.DefaultPartitioner();
    const meta = Array.from({ length: 6 }, (_, i) => ({ partitionId: i, leader: 0 }));
    result.records.forEach((r, i) => assert.equal(r.partition, kafkajs({ topic: 'orders', partitionMetadata: meta, message: { key: `order-${i + 1}`, value: '' } }), `order-${i + 1}`));
    const p = result.records[0].partition;
    const back = await broker.consume({ topic: 'orders', partition: p, from: { kind: 'offset', offset: result.records[0].offset }, maxRecords: 1 });
    assert.equal(Buffer.from(back.records[0].key!.base64, 'base64').toString(), 'order-1');
    assert.equal(Buffer.from(back.records[0].value!.base64, 'base64').toString(), '{"n": 1}');
  });
});
