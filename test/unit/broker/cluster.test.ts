import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Cluster } from '../../../src/broker/cluster';
import { KafkaError } from '../../../src/broker/errors';
import { assignReplicas } from '../../../src/broker/metadata/metadata-store';
import { tmpDir, rm } from '../../support/tmp';
import { textBatch } from '../../support/batches';

const code = (name: string) => (e: KafkaError) => e.errorName === name;

describe('Cluster: topics, configs and their persistence', () => {
  let dir: string;
  beforeEach(() => (dir = tmpDir()));
  afterEach(() => rm(dir));

  it('creates topics on the nodes of their replicas and keeps topics and configs across a restart', () => {
    let c = new Cluster({ dataDir: dir, nodes: 3 });
    const t = c.createTopic('orders', 6, 2, { 'retention.ms': '60000', 'cleanup.policy': 'compact,delete' });
    assert.equal(t.partitions.length, 6);
    for (const p of t.partitions) {
      assert.equal(new Set(p.replicas).size, 2);
      for (const r of p.replicas) assert.ok(fs.existsSync(path.join(dir, `node-${r}`, `orders-${p.partition}`, 'partition.metadata')));
    }
    // Leaders are spread over the nodes, as Kafka's rack-unaware placement spreads them.
    assert.equal(new Set(t.partitions.map((p) => p.leader)).size, 3);
    c.append('orders', 0, textBatch(['a'], { keys: ['k'] }));
    c.setTopicConfigs('orders', { 'retention.ms': '1000', 'max.message.bytes': '5000', 'cleanup.policy': 'compact' });
    assert.equal(c.logConfig('orders').maxMessageBytes, 5000);
    assert.equal(c.leaderLog('orders', 0).config.retentionMs, 1000, 'a config change reaches the live log');
    c.shutdown();

    c = new Cluster({ dataDir: dir, nodes: 3 });
    const again = c.metadata.topic('orders')!;
    assert.equal(again.topicId, t.topicId);
    assert.deepEqual(again.configs, { 'retention.ms': '1000', 'max.message.bytes': '5000', 'cleanup.policy': 'compact' });
    assert.equal(c.leaderLog('orders', 0).config.retentionMs, 1000);
    assert.deepEqual(c.leaderLog('orders', 0).config.cleanupPolicy, { delete: false, compact: true });
    assert.equal(c.leaderLog('orders', 0).logEndOffset, 1);
    c.shutdown();
  });

  it('refuses bad topics, partitions, replication factors and configs with Kafka\'s errors, creating nothing', () => {
    const c = new Cluster({ dataDir: dir, nodes: 3 });
    assert.throws(() => c.createTopic('../escape', 1, 1), code('INVALID_TOPIC_EXCEPTION'));
    assert.throws(() => c.createTopic('a'.repeat(250), 1, 1), code('INVALID_TOPIC_EXCEPTION'));
    assert.throws(() => c.createTopic('ok', 0, 1), code('INVALID_PARTITIONS'));
    assert.throws(() => c.createTopic('ok', 1, 4), code('INVALID_REPLICATION_FACTOR'));
    assert.throws(() => c.createTopic('ok', 1, 1, { 'retention.ms': 'forever' }), code('INVALID_CONFIG'));
    assert.throws(() => c.createTopic('ok', 1, 1, { 'not.a.config': '1' }), code('INVALID_CONFIG'));
    assert.equal(c.metadata.topics().length, 0);
    for (const n of [0, 1, 2]) assert.deepEqual(fs.readdirSync(path.join(dir, `node-${n}`)).filter((f) => f.includes('-')), []);
    c.createTopic('ok', 1, 1);
    assert.throws(() => c.createTopic('ok', 1, 1), code('TOPIC_ALREADY_EXISTS'));
    assert.throws(() => c.setTopicConfigs('ok', { 'segment.bytes': '1' }), code('INVALID_CONFIG'));
    assert.throws(() => c.addPartitions('ok', 1), code('INVALID_PARTITIONS'));
    c.shutdown();
  });

  it('deletes a topic and its partition directories; adds partitions', () => {
    const c = new Cluster({ dataDir: dir, nodes: 2 });
    c.createTopic('gone', 2, 2);
    c.addPartitions('gone', 4);
    assert.equal(c.metadata.topic('gone')!.partitions.length, 4);
    assert.ok(fs.existsSync(path.join(dir, 'node-0', 'gone-3')));
    c.deleteTopic('gone');
    assert.equal(c.metadata.topic('gone'), undefined);
    for (const n of [0, 1]) assert.deepEqual(fs.readdirSync(path.join(dir, `node-${n}`)).filter((f) => f.startsWith('gone')), []);
    c.shutdown();
  });

  it('broker configs set at start become topic defaults', () => {
    const c = new Cluster({ dataDir: dir, nodes: 1, config: { 'log.retention.hours': '2', 'num.partitions': '3', 'log.segment.bytes': '2000000' } });
    const t = c.createTopic('defaults');
    assert.equal(t.partitions.length, 3);
    assert.equal(c.logConfig('defaults').retentionMs, 7_200_000);
    assert.equal(c.logConfig('defaults').segmentBytes, 2_000_000);
    c.shutdown();
  });

  it('replica placement: every replica set is distinct and leaders rotate', () => {
    const ps = assignReplicas(9, 3, [0, 1, 2], 0);
    for (const p of ps) assert.equal(new Set(p.replicas).size, 3);
    const leaders = ps.map((p) => p.leader);
    assert.deepEqual([0, 1, 2].map((n) => leaders.filter((l) => l === n).length), [3, 3, 3]);
  });
});
