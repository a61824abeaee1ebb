import { strict as assert } from 'node:assert';
import { readBatchHeader } from '../../../src/broker/records/batch-header';
import {
  ControlRecordType,
  controlRecordTypeName,
  decodeControlRecordType,
  decodeEndTxnMarker,
  encodeControlRecordKey,
  encodeEndTxnMarkerBatch,
  encodeEndTxnMarkerValue,
} from '../../../src/broker/records/control-record';
import { CorruptRecordError } from '../../../src/broker/records/errors';
import { decodeRecords, verifyBatchCrc } from '../../../src/broker/records/record-batch';

describe('control records', () => {
  it('encodes a COMMIT marker batch as the broker writes it: transactional + control, one record, no sequence', () => {
    const batch = encodeEndTxnMarkerBatch({
      type: ControlRecordType.Commit,
      producerId: 77,
      producerEpoch: 3,
      coordinatorEpoch: 12,
      baseOffset: 40,
      partitionLeaderEpoch: 2,
      timestamp: 1700000000000,
    });
    assert.ok(verifyBatchCrc(batch));
    const h = readBatchHeader(batch);
    assert.deepEqual(
      [h.attributes, h.producerId, h.producerEpoch, h.baseSequence, h.recordCount, h.baseOffset, h.partitionLeaderEpoch, h.maxTimestamp],
      [0x30, 77, 3, -1, 1, 40, 2, 1700000000000],
    );
    const [record] = decodeRecords(batch);
    assert.equal(record.key?.toString('hex'), '00000001');
    assert.equal(record.value?.toString('hex'), '00000000000c');
    assert.deepEqual(decodeEndTxnMarker(record), { type: ControlRecordType.Commit, coordinatorEpoch: 12 });
  });

  it('round-trips an ABORT marker', () => {
    const [record] = decodeRecords(encodeEndTxnMarkerBatch({ type: ControlRecordType.Abort, producerId: 1, producerEpoch: 0, coordinatorEpoch: 0 }));
    assert.deepEqual(decodeEndTxnMarker(record), { type: ControlRecordType.Abort, coordinatorEpoch: 0 });
  });

  it("names control types as Kafka's ControlRecordType does", () => {
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5, 6, 42].map(controlRecordTypeName),
      ['ABORT', 'COMMIT', 'LEADER_CHANGE', 'SNAPSHOT_HEADER', 'SNAPSHOT_FOOTER', 'KRAFT_VERSION', 'KRAFT_VOTERS', 'UNKNOWN'],
    );
  });

  it('reads the type from a newer, longer key version', () => {
    const key = Buffer.from([0x00, 0x01, 0x00, 0x02, 0xaa, 0xbb]);
    assert.equal(decodeControlRecordType(key), ControlRecordType.LeaderChange);
    assert.equal(decodeControlRecordType(encodeControlRecordKey(ControlRecordType.Abort)), 0);
  });

  it('rejects malformed keys and values with CorruptRecordError', () => {
    assert.throws(() => decodeControlRecordType(null), CorruptRecordError);
    assert.throws(() => decodeControlRecordType(Buffer.from([0, 0, 0])), /at least 4 bytes, found 3/);
    assert.throws(() => decodeControlRecordType(Buffer.from([0xff, 0xff, 0, 1])), /Invalid version/);
    const commitKey = encodeControlRecordKey(ControlRecordType.Commit);
    assert.throws(() => decodeEndTxnMarker({ key: commitKey, value: Buffer.from([0, 0, 0]) }), /needs 6 bytes, found 3/);
    assert.throws(() => decodeEndTxnMarker({ key: commitKey, value: null }), /found null/);
    assert.throws(
      () => decodeEndTxnMarker({ key: encodeControlRecordKey(ControlRecordType.LeaderChange), value: encodeEndTxnMarkerValue(1) }),
      /LEADER_CHANGE \(2\) is not a transaction marker/,
    );
  });
});
