import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LogManager } from '../../../src/broker/storage/log-manager';
import { defaultLogConfig } from '../../../src/broker/config/topic-config';
import { DirectoryLockedError } from '../../../src/broker/storage/dir-lock';
import { tmpDir, rm } from '../../support/tmp';
import { textBatch } from '../../support/batches';

describe('LogManager', () => {
  let dir: string;
  beforeEach(() => (dir = tmpDir()));
  afterEach(() => rm(dir));
  const open = () => new LogManager({ logDir: dir, nodeId: 1, clusterId: 'cluster-x', topicConfig: () => defaultLogConfig({ 'segment.bytes': '2000' }) });

  it('writes meta.properties and Kafka\'s checkpoint files, and a clean-shutdown marker', () => {
    const lm = open();
    const log = lm.getOrCreateLog({ topic: 'orders', partition: 2 }, 'AAAAAAAAAAAAAAAAAAAAAQ');
    for (let i = 0; i < 30; i++) log.appendAsLeader(textBatch([`v${i}`.padEnd(200)]), 0);
    log.updateHighWatermark(25);
    log.deleteRecordsBefore(3);
    lm.shutdown();
    const meta = fs.readFileSync(path.join(dir, 'meta.properties'), 'utf8');
    assert.match(meta, /^cluster\.id=cluster-x$/m);
    assert.match(meta, /^node\.id=1$/m);
    assert.match(meta, /^version=1$/m);
    assert.match(meta, /^directory\.id=\S{22}$/m);
    assert.equal(fs.readFileSync(path.join(dir, 'recovery-point-offset-checkpoint'), 'utf8'), '0\n1\norders 2 30\n');
    assert.equal(fs.readFileSync(path.join(dir, 'log-start-offset-checkpoint'), 'utf8'), '0\n1\norders 2 3\n');
    assert.equal(fs.readFileSync(path.join(dir, 'replication-offset-checkpoint'), 'utf8'), '0\n1\norders 2 25\n');
    assert.ok(fs.existsSync(path.join(dir, '.kafka_cleanshutdown')));
    assert.ok(fs.existsSync(path.join(dir, 'orders-2', 'partition.metadata')));
    assert.ok(fs.existsSync(path.join(dir, 'orders-2', '00000000000000000000.log')));

    const again = open();
    assert.ok(again.hadCleanShutdown);
    assert.ok(!fs.existsSync(path.join(dir, '.kafka_cleanshutdown')), 'the marker is consumed at start');
    const reopened = again.getLog({ topic: 'orders', partition: 2 })!;
    assert.deepEqual([reopened.logStartOffset, reopened.highWatermark, reopened.logEndOffset], [3, 25, 30]);
    again.shutdown();
  });

  it('refuses a second broker on the same directory and a directory of another node', () => {
    const lm = open();
    assert.throws(() => open(), DirectoryLockedError);
    lm.shutdown();
    assert.throws(() => new LogManager({ logDir: dir, nodeId: 2, clusterId: 'cluster-x', topicConfig: () => defaultLogConfig() }), /belongs to node 1/);
  });

  it('deletes a partition by renaming it to a -delete directory first, and finishes an interrupted delete at start', () => {
    const lm = open();
    lm.getOrCreateLog({ topic: 't', partition: 0 }).appendAsLeader(textBatch(['x']), 0);
    assert.ok(lm.deleteLog({ topic: 't', partition: 0 }));
    assert.deepEqual(fs.readdirSync(dir).filter((n) => n.startsWith('t-')), []);
    lm.shutdown();
    fs.mkdirSync(path.join(dir, 'u-0.0123456789abcdef-delete'));
    const again = open();
    assert.ok(!fs.existsSync(path.join(dir, 'u-0.0123456789abcdef-delete')));
    assert.equal(again.allLogs().length, 0);
    again.shutdown();
  });

  it('retention runs across logs and checkpoints the new log start offsets', () => {
    const lm = new LogManager({ logDir: dir, nodeId: 1, clusterId: 'c', topicConfig: () => defaultLogConfig({ 'segment.bytes': '1000', 'retention.bytes': '1500' }) });
    const log = lm.getOrCreateLog({ topic: 'r', partition: 0 });
    for (let i = 0; i < 20; i++) log.appendAsLeader(textBatch([`v${i}`.padEnd(200)]), 0);
    log.updateHighWatermark(20);
    assert.ok(lm.cleanupLogs() > 0);
    assert.ok(log.logStartOffset > 0);
    assert.equal(fs.readFileSync(path.join(dir, 'log-start-offset-checkpoint'), 'utf8'), `0\n1\nr 0 ${log.logStartOffset}\n`);
    lm.shutdown();
  });
});
