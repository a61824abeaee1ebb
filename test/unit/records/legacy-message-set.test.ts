import { strict as assert } from 'node:assert';
import { legacyMessage, gzipWrapper } from '../../support/legacy-messages';
import { readLegacyMessages, upConvertMessageSet, isLegacyMessageSet } from '../../../src/broker/records/legacy-message-set';
import { decodeRecords } from '../../../src/broker/records/record-batch';
import { readBatchHeader, compressionOf } from '../../../src/broker/records/batch-header';
import { KafkaError } from '../../../src/broker/errors';

describe('message format v0/v1 (Produce v0-2): reading and up-conversion to RecordBatch v2', () => {
  it('reads magic 0 and 1 messages with their keys, values and timestamps; null keys and values stay null', () => {
    const set = Buffer.concat([
      legacyMessage({ offset: 0, magic: 0, key: 'k0', value: 'v0' }),
      legacyMessage({ offset: 1, magic: 1, timestamp: 1_700_000_000_000, key: null, value: 'v1' }),
      legacyMessage({ offset: 2, magic: 1, timestamp: 1_700_000_000_001, key: 'k2', value: null }),
    ]);
    assert.ok(isLegacyMessageSet(set));
    const ms = readLegacyMessages(set);
    assert.deepEqual(ms.map((m) => [m.magic, m.timestamp, m.key?.toString() ?? null, m.value?.toString() ?? null]), [
      [0, -1, 'k0', 'v0'],
      [1, 1_700_000_000_000, null, 'v1'],
      [1, 1_700_000_000_001, 'k2', null],
    ]);
    const batch = upConvertMessageSet(set);
    assert.ok(!isLegacyMessageSet(batch));
    const h = readBatchHeader(batch, 0);
    assert.equal(h.magic, 2);
    assert.equal(h.producerId, -1);
    assert.equal(h.recordCount, 3);
    assert.deepEqual(decodeRecords(batch).map((r) => [r.offsetDelta, r.timestamp, r.key?.toString() ?? null, r.value?.toString() ?? null]), [
      [0, -1, 'k0', 'v0'],
      [1, 1_700_000_000_000, null, 'v1'],
      [2, 1_700_000_000_001, 'k2', null],
    ]);
  });

  it('opens gzip wrapper messages (magic 0 and 1) and keeps the producer\'s codec', () => {
    for (const magic of [0, 1] as const) {
      const inner = [0, 1, 2].map((i) => legacyMessage({ offset: i, magic, timestamp: 1000 + i, key: `k${i}`, value: `value ${i}` }));
      const set = Buffer.concat([gzipWrapper(magic, inner), legacyMessage({ offset: 3, magic, timestamp: 2000, key: 'plain', value: 'x' })]);
      const batch = upConvertMessageSet(set);
      assert.equal(compressionOf(readBatchHeader(batch, 0).attributes), 1, 'gzip');
      assert.deepEqual(decodeRecords(batch).map((r) => [r.key!.toString(), r.timestamp]), [['k0', magic ? 1000 : -1], ['k1', magic ? 1001 : -1], ['k2', magic ? 1002 : -1], ['plain', magic ? 2000 : -1]]);
    }
  });

  it('refuses what Kafka refuses: a bad CRC, a torn message, a nested compressed message, an empty set (CORRUPT_MESSAGE)', () => {
    const good = legacyMessage({ offset: 0, magic: 1, timestamp: 5, key: 'k', value: 'v' });
    const badCrc = Buffer.from(good);
    badCrc[badCrc.length - 1] ^= 1;
    const nested = gzipWrapper(1, [gzipWrapper(1, [good])]);
    for (const [what, set] of [['bad crc', badCrc], ['torn', good.subarray(0, good.length - 3)], ['nested', nested], ['short tail', Buffer.concat([good, Buffer.alloc(5)])]] as const) {
      assert.throws(() => upConvertMessageSet(set), (e: KafkaError) => e instanceof KafkaError && e.errorName === 'CORRUPT_MESSAGE', what);
    }
  });
});
