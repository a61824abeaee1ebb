import { strict as assert } from 'node:assert';
import { defaultLogConfig, parseTopicConfigs, topicConfigDef } from '../../../src/broker/config/topic-config';
import { BrokerConfig } from '../../../src/broker/config/broker-config';
import { validateTopicName } from '../../../src/broker/config/topic-name';
import { KafkaError } from '../../../src/broker/errors';

const invalid = (name: string) => (e: KafkaError) => e.errorName === name;

describe('configs', () => {
  it('topic configs have Kafka\'s names and defaults', () => {
    const c = defaultLogConfig();
    assert.equal(c.segmentBytes, 1073741824);
    assert.equal(c.retentionMs, 604800000);
    assert.equal(c.retentionBytes, -1);
    assert.equal(c.maxMessageBytes, 1048588);
    assert.equal(c.indexIntervalBytes, 4096);
    assert.equal(c.segmentIndexBytes, 10485760);
    assert.equal(c.deleteRetentionMs, 86400000);
    assert.equal(c.minCleanableDirtyRatio, 0.5);
    assert.equal(c.messageTimestampType, 'CreateTime');
    assert.deepEqual(c.cleanupPolicy, { delete: true, compact: false });
    assert.ok(topicConfigDef.names().includes('min.insync.replicas'));
  });

  it('parses and validates values with Kafka\'s messages', () => {
    assert.deepEqual(defaultLogConfig({ 'cleanup.policy': 'compact,delete' }).cleanupPolicy, { delete: true, compact: true });
    assert.throws(() => parseTopicConfigs({ 'retention.ms': 'soon' }), /Invalid value soon for configuration retention.ms: Not a number of type LONG/);
    assert.throws(() => parseTopicConfigs({ 'cleanup.policy': 'forever' }), /String must be one of: delete, compact/);
    assert.throws(() => parseTopicConfigs({ 'min.insync.replicas': '0' }), /Value must be at least 1/);
    assert.throws(() => parseTopicConfigs({ 'min.cleanable.dirty.ratio': '1.5' }), /no more than 1/);
    assert.throws(() => parseTopicConfigs({ 'segment.bytes': '99999999999' }), /Not a number of type INT/);
    assert.throws(() => parseTopicConfigs({ 'no.such.config': '1' }), /Unknown topic config name: no.such.config/);
    assert.throws(() => parseTopicConfigs({ 'retention.ms': 'x' }), invalid('INVALID_CONFIG'));
  });

  it('broker configs supply topic defaults (log.retention.hours, message.max.bytes, ...)', () => {
    const b = new BrokerConfig({ 'log.retention.hours': '1', 'message.max.bytes': '2000000', 'log.segment.bytes': '1048576' });
    const c = b.logConfig();
    assert.equal(c.retentionMs, 3600000);
    assert.equal(c.maxMessageBytes, 2000000);
    assert.equal(c.segmentBytes, 1048576);
    const overridden = b.logConfig(parseTopicConfigs({ 'retention.ms': '5000' }));
    assert.equal(overridden.retentionMs, 5000);
    assert.equal(new BrokerConfig({ 'log.retention.minutes': '2' }).get('log.retention.ms'), 120000);
    assert.equal(new BrokerConfig({ 'log.retention.ms': '7', 'log.retention.hours': '1' }).get('log.retention.ms'), 7);
    assert.equal(new BrokerConfig().get('num.partitions'), 1);
    assert.throws(() => new BrokerConfig({ 'num.partitions': '0' }), /at least 1/);
  });

  it('topic names follow Kafka\'s rules, so none can escape the data directory', () => {
    for (const ok of ['orders', 'a.b_c-d', 'X'.repeat(249), '__consumer_offsets']) validateTopicName(ok);
    for (const bad of ['', '.', '..', '../etc', 'a/b', 'a b', 'x'.repeat(250), 'é', 'a\\b', 'a\0b']) {
      assert.throws(() => validateTopicName(bad), invalid('INVALID_TOPIC_EXCEPTION'), bad);
    }
  });
});
