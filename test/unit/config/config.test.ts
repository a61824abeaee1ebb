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

  it('Kafka 3.9\'s deprecated topic configs are accepted: message.format.version (any known version), message.downconversion.enable, message.timestamp.difference.max.ms', () => {
    for (const v of ['0.10.0', '0.10.0.1', '0.10.0-IV1', '0.8.2', '1.0', '2.8', '2.8-IV1', '2.8.2', '3.0-IV1', '3.9', '3.9-IV0']) {
      assert.equal(parseTopicConfigs({ 'message.format.version': v }).get('message.format.version'), v, v);
    }
    for (const v of ['abc', '0.7.0', '3.10', '']) {
      assert.throws(() => parseTopicConfigs({ 'message.format.version': v }), (e: KafkaError) => e.errorName === 'INVALID_CONFIG' && e.message === `Invalid value ${v} for configuration message.format.version: Version ${v.trim()} is not a valid version`, v);
    }
    assert.equal(topicConfigDef.get('message.format.version')!.default, '3.0-IV1');
    assert.equal(parseTopicConfigs({ 'message.downconversion.enable': 'false' }).get('message.downconversion.enable'), false);
    // The deprecated difference limit bounds both sides where before/after are not set, as in Kafka 3.x.
    const c = defaultLogConfig({ 'message.timestamp.difference.max.ms': '60000' });
    assert.deepEqual([c.messageTimestampBeforeMaxMs, c.messageTimestampAfterMaxMs], [60000, 60000]);
    const d = defaultLogConfig({ 'message.timestamp.difference.max.ms': '60000', 'message.timestamp.after.max.ms': '1000' });
    assert.deepEqual([d.messageTimestampBeforeMaxMs, d.messageTimestampAfterMaxMs], [60000, 1000]);
    // The broker synonym is a broker config too.
    assert.equal(new BrokerConfig({ 'log.message.format.version': '2.1' }).get('log.message.format.version'), '2.1');
    assert.throws(() => new BrokerConfig({ 'log.message.format.version': 'x' }), invalid('INVALID_CONFIG'));
  });

  it('topic names follow Kafka\'s rules, so none can escape the data directory', () => {
    for (const ok of ['orders', 'a.b_c-d', 'X'.repeat(249), '__consumer_offsets']) validateTopicName(ok);
    for (const bad of ['', '.', '..', '../etc', 'a/b', 'a b', 'x'.repeat(250), 'é', 'a\\b', 'a\0b']) {
      assert.throws(() => validateTopicName(bad), invalid('INVALID_TOPIC_EXCEPTION'), bad);
    }
  });
});
