import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OffsetIndex } from '../../../src/broker/storage/offset-index';
import { TimeIndex } from '../../../src/broker/storage/time-index';
import { CorruptIndexError } from '../../../src/broker/storage/abstract-index';
import { tmpDir, rm } from '../../support/tmp';

describe('OffsetIndex and TimeIndex', () => {
  let dir: string;
  beforeEach(() => (dir = tmpDir()));
  afterEach(() => rm(dir));

  it('offset index: 8-byte entries relative to the base offset, lookup finds the largest entry <= target', () => {
    const file = path.join(dir, '00000000000000000100.index');
    const idx = new OffsetIndex(file, 100);
    idx.append(110, 4100);
    idx.append(125, 8300);
    idx.append(140, 12500);
    idx.flush(); // entries reach the file in bulk (on flush, roll or close), as Kafka's mmap would
    const bytes = fs.readFileSync(file);
    assert.equal(bytes.length, 24);
    assert.equal(bytes.readInt32BE(0), 10);
    assert.equal(bytes.readInt32BE(4), 4100);
    assert.deepEqual(idx.lookup(99), { offset: 100, position: 0 });
    assert.deepEqual(idx.lookup(109), { offset: 100, position: 0 });
    assert.deepEqual(idx.lookup(110), { offset: 110, position: 4100 });
    assert.deepEqual(idx.lookup(139), { offset: 125, position: 8300 });
    assert.deepEqual(idx.lookup(1e9), { offset: 140, position: 12500 });
    assert.throws(() => idx.append(140, 20000), CorruptIndexError);
    idx.close();
    const reopened = new OffsetIndex(file, 100);
    assert.equal(reopened.entries, 3);
    reopened.truncateTo(125);
    assert.equal(reopened.entries, 1);
    assert.equal(fs.statSync(file).size, 8);
  });

  it('offset index is full at segment.index.bytes / 8 entries', () => {
    const idx = new OffsetIndex(path.join(dir, 'a.index'), 0, 24);
    for (let i = 1; i <= 3; i++) idx.append(i, i * 10);
    assert.ok(idx.isFull());
    assert.throws(() => idx.append(4, 40), /full/);
  });

  it('reads a preallocated Kafka index (zero-filled tail) up to its last real entry', () => {
    const file = path.join(dir, '00000000000000000000.index');
    const buf = Buffer.alloc(8 * 100);
    buf.writeInt32BE(0, 0); buf.writeInt32BE(0, 4); // a first entry of (0, 0) is legal
    buf.writeInt32BE(5, 8); buf.writeInt32BE(4096, 12);
    fs.writeFileSync(file, buf);
    const idx = new OffsetIndex(file, 0);
    assert.equal(idx.entries, 2);
    assert.deepEqual(idx.lookup(7), { offset: 5, position: 4096 });
  });

  it('quickCheck finds a torn index and one that points past the log', () => {
    const file = path.join(dir, '00000000000000000000.index');
    const idx = new OffsetIndex(file, 0);
    idx.append(10, 5000);
    idx.close();
    assert.equal(idx.quickCheck(6000), undefined);
    assert.match(idx.quickCheck(4000)!, /past the end/);
    fs.appendFileSync(file, Buffer.from([1, 2, 3]));
    assert.match(new OffsetIndex(file, 0).quickCheck(6000)!, /not a whole number/);
  });

  it('time index: 12-byte entries, only growing timestamps are added, lookup by time', () => {
    const file = path.join(dir, '00000000000000000000.timeindex');
    const idx = new TimeIndex(file, 0);
    idx.maybeAppend(1_700_000_000_000, 5);
    idx.maybeAppend(1_700_000_000_000, 9); // not larger: ignored
    idx.maybeAppend(1_700_000_001_000, 12);
    assert.equal(idx.entries, 2);
    idx.flush();
    const bytes = fs.readFileSync(file);
    assert.equal(bytes.length, 24);
    assert.equal(Number(bytes.readBigInt64BE(12)), 1_700_000_001_000);
    assert.equal(bytes.readInt32BE(20), 12);
    assert.deepEqual(idx.lookup(1_600_000_000_000), { timestamp: -1, offset: 0 });
    assert.deepEqual(idx.lookup(1_700_000_000_500), { timestamp: 1_700_000_000_000, offset: 5 });
    assert.throws(() => idx.maybeAppend(1_800_000_000_000, 3), CorruptIndexError);
    idx.truncateTo(12);
    assert.equal(idx.entries, 1);
  });
});
