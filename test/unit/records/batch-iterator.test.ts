import { strict as assert } from 'node:assert';
import { BatchIterator, iterateBatches } from '../../../src/broker/records/batch-iterator';
import { CompressionType } from '../../../src/broker/records/compression';
import { CorruptRecordError } from '../../../src/broker/records/errors';
import { encodeRecordBatch } from '../../../src/broker/records/record-batch';

function threeBatches(): Buffer[] {
  return [
    encodeRecordBatch({ baseOffset: 0, records: [{ value: Buffer.from('a'), timestamp: 1 }, { value: Buffer.from('b'), timestamp: 2 }] }),
    encodeRecordBatch({ baseOffset: 2, compression: CompressionType.Gzip, records: [{ value: Buffer.from('c'), timestamp: 3 }] }),
    encodeRecordBatch({ baseOffset: 3, records: [{ key: Buffer.from('k'), value: Buffer.from('d'), timestamp: 4 }] }),
  ];
}

describe('batch iterator', () => {
  it('walks consecutive batches, giving each position, header and size, and ends exactly at the buffer end', () => {
    const batches = threeBatches();
    const buf = Buffer.concat(batches);
    const it = iterateBatches(buf);
    const seen = [...it];
    assert.deepEqual(
      seen.map((e) => [e.position, e.size, e.header.baseOffset, e.header.recordCount]),
      [
        [0, batches[0].length, 0, 2],
        [batches[0].length, batches[1].length, 2, 1],
        [batches[0].length + batches[1].length, batches[2].length, 3, 1],
      ],
    );
    assert.equal(it.stopReason, 'end');
    assert.equal(it.validEnd, buf.length);
    assert.equal(it.trailingBytes, 0);
  });

  it('starts at a given position', () => {
    const batches = threeBatches();
    const seen = [...iterateBatches(Buffer.concat(batches), batches[0].length)];
    assert.deepEqual(
      seen.map((e) => e.header.baseOffset),
      [2, 3],
    );
  });

  it('stops cleanly at a batch cut short and reports where the valid data ends', () => {
    const batches = threeBatches();
    const full = Buffer.concat(batches);
    const validEnd = batches[0].length + batches[1].length;
    for (const cut of [1, 11, 12, 17, 40, batches[2].length - 1]) {
      const it = new BatchIterator(full.subarray(0, validEnd + cut));
      assert.equal([...it].length, 2, `cut after ${cut} bytes`);
      assert.equal(it.stopReason, 'truncated');
      assert.equal(it.validEnd, validEnd);
      assert.equal(it.trailingBytes, cut);
    }
  });

  it('throws CorruptRecordError at an impossible length or a wrong magic, after yielding the good batches', () => {
    const batches = threeBatches();
    const bad = Buffer.from(batches[1]);
    bad.writeInt32BE(20, 8);
    const it = iterateBatches(Buffer.concat([batches[0], bad, batches[2]]));
    assert.equal(it.next().done, false);
    assert.throws(
      () => it.next(),
      (e: unknown) => e instanceof CorruptRecordError && /at position \d+ has size 32, smaller than the minimum batch overhead 61/.test(e.message),
    );
    const wrongMagic = Buffer.from(batches[1]);
    wrongMagic[16] = 1;
    assert.throws(() => [...iterateBatches(Buffer.concat([batches[0], wrongMagic]))], /Invalid magic 1 in record batch at position/);
  });

  it('with stopOnCorrupt, ends the walk at the damage and keeps the error', () => {
    const batches = threeBatches();
    const garbage = Buffer.alloc(30, 0xee);
    const it = iterateBatches(Buffer.concat([batches[0], garbage]), 0, { stopOnCorrupt: true });
    assert.equal([...it].length, 1);
    assert.equal(it.stopReason, 'corrupt');
    assert.equal(it.validEnd, batches[0].length);
    assert.equal(it.trailingBytes, 30);
    assert.ok(it.error instanceof CorruptRecordError);
  });

  it('treats a batch over maxBatchSize as corrupt', () => {
    const batches = threeBatches();
    assert.throws(() => [...iterateBatches(batches[0], 0, { maxBatchSize: batches[0].length - 1 })], /larger than the maximum/);
    assert.equal([...iterateBatches(batches[0], 0, { maxBatchSize: batches[0].length })].length, 1);
  });

  it('treats an empty buffer as a clean end', () => {
    const it = iterateBatches(Buffer.alloc(0));
    assert.equal([...it].length, 0);
    assert.equal(it.stopReason, 'end');
  });
});
