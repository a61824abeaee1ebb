import { strict as assert } from 'node:assert';
import { BrokerService } from '../../../src/service/broker-service';
import { ConsumeSpec, parseKafkaFile } from '../../../src/editor/kafka-file';
import { readConsume } from '../../../src/editor/consume-plan';
import { consumeDocument } from '../../../src/editor/records';
import { bytesToText } from '../../../src/broker/api';
import { rm, tmpDir } from '../../support/tmp';

const spec = (line: string) => parseKafkaFile(line).blocks[0].request as ConsumeSpec;

describe('.kafka CONSUME: what from=-N reads', () => {
  let dir: string;
  let broker: BrokerService;
  const T0 = Date.parse('2026-01-01T00:00:00Z');

  before(async () => {
    dir = tmpDir('tributary-consume-');
    broker = new BrokerService({ dataDir: dir, nodes: 1, basePort: 0 });
    await broker.start();
    await broker.createTopic({ name: 'orders', partitions: 3, replicationFactor: 1 });
    // 30 old records on partition 0, then 12 new ones spread over the three partitions, one second apart.
    await broker.produce({ topic: 'orders', records: Array.from({ length: 30 }, (_, i) => ({ partition: 0, value: `old-${i}`, timestamp: T0 + i })) });
    for (let i = 0; i < 12; i++) await broker.produce({ topic: 'orders', records: [{ partition: i % 3, value: `new-${i}`, timestamp: T0 + 60_000 + i * 1000 }] });
  });
  after(async () => {
    await broker.stop();
    rm(dir);
  });

  const values = (rs: Awaited<ReturnType<typeof readConsume>>) =>
    rs
      .flatMap((r) => r.records)
      .sort((a, b) => a.timestamp - b.timestamp)
      .map((r) => bytesToText(r.value!));

  it('from=-10 max=5: the newest five records of the topic, whichever partitions hold them', async () => {
    const s = spec('CONSUME orders from=-10 max=5');
    const got = await readConsume(broker, s);
    assert.deepEqual(values(got), ['new-7', 'new-8', 'new-9', 'new-10', 'new-11']);
    const doc = consumeDocument(s, got, new Date(0));
    assert.match(doc.split('\n')[0], /^# CONSUME orders from=the last 10 max=5 — the newest 5 records of the topic/);
  });

  it('from=-4 (max 20 by default): the newest four of the topic; with partition=0, the newest four of that partition', async () => {
    assert.deepEqual(values(await readConsume(broker, spec('CONSUME orders from=-4'))), ['new-8', 'new-9', 'new-10', 'new-11']);
    assert.deepEqual(values(await readConsume(broker, spec('CONSUME orders from=-4 partition=0'))), ['new-0', 'new-3', 'new-6', 'new-9']);
  });

  it('more than the topic holds: everything, in time order', async () => {
    assert.equal(values(await readConsume(broker, spec('CONSUME orders from=-1000 max=1000'))).length, 42);
  });

  it('the other starting points still read up to max records from each partition', async () => {
    const got = await readConsume(broker, spec('CONSUME orders from=earliest max=2'));
    assert.deepEqual(
      got.map((r) => r.records.map((x) => bytesToText(x.value!))),
      [
        ['old-0', 'old-1'],
        ['new-1', 'new-4'],
        ['new-2', 'new-5'],
      ],
    );
  });
});
