import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { dumpLog } from '../../../src/cli/dump-log';
import { TransactionIndex } from '../../../src/broker/storage/transaction-index';
import { CompressionType } from '../../../src/broker/records/compression';
import { ControlRecordType, encodeEndTxnMarkerBatch } from '../../../src/broker/records/control-record';
import { encodeRecordBatch } from '../../../src/broker/records/record-batch';

const b = (s: string): Buffer => Buffer.from(s);

async function run(files: string[], opts: { printData?: boolean; deepIteration?: boolean } = {}): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await dumpLog(files, { ...opts, out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

function offsetIndex(entries: Array<[number, number]>, preallocatedEntries = 0): Buffer {
  const buf = Buffer.alloc(8 * Math.max(entries.length, preallocatedEntries));
  entries.forEach(([rel, pos], i) => {
    buf.writeInt32BE(rel, i * 8);
    buf.writeInt32BE(pos, i * 8 + 4);
  });
  return buf;
}

function timeIndex(entries: Array<[number, number]>, preallocatedEntries = 0): Buffer {
  const buf = Buffer.alloc(12 * Math.max(entries.length, preallocatedEntries));
  entries.forEach(([ts, rel], i) => {
    buf.writeBigInt64BE(BigInt(ts), i * 12);
    buf.writeInt32BE(rel, i * 12 + 8);
  });
  return buf;
}

describe('dump-log', () => {
  let dir: string;
  // Segment 0: a plain batch, an idempotent gzip batch, a COMMIT marker.
  const plain = encodeRecordBatch({
    baseOffset: 0,
    partitionLeaderEpoch: 0,
    records: [
      { key: b('k0'), value: b('hello'), timestamp: 1700000000000, headers: [{ key: 'h1', value: b('a') }, { key: 'h2', value: null }] },
      { key: null, value: b('world!'), timestamp: 1700000000005 },
    ],
  });
  const idempotent = encodeRecordBatch({
    baseOffset: 2,
    partitionLeaderEpoch: 1,
    compression: CompressionType.Gzip,
    isTransactional: true,
    producerId: 5,
    producerEpoch: 1,
    baseSequence: 10,
    records: [
      { key: b('k2'), value: null, timestamp: 1700000000010 },
      { key: b('k3'), value: b('v3'), timestamp: 1700000000020 },
    ],
  });
  const marker = encodeEndTxnMarkerBatch({
    type: ControlRecordType.Commit,
    producerId: 5,
    producerEpoch: 1,
    coordinatorEpoch: 7,
    baseOffset: 4,
    partitionLeaderEpoch: 1,
    timestamp: 1700000000030,
  });
  const segment = Buffer.concat([plain, idempotent, marker]);
  const p1 = plain.length;
  const p2 = plain.length + idempotent.length;

  const batchLines = [
    `baseOffset: 0 lastOffset: 1 count: 2 baseSequence: -1 lastSequence: -1 producerId: -1 producerEpoch: -1 partitionLeaderEpoch: 0 isTransactional: false isControl: false deleteHorizonMs: OptionalLong.empty position: 0 CreateTime: 1700000000005 size: ${plain.length} magic: 2 compresscodec: none crc: ${plain.readUInt32BE(17)} isvalid: true`,
    `baseOffset: 2 lastOffset: 3 count: 2 baseSequence: 10 lastSequence: 11 producerId: 5 producerEpoch: 1 partitionLeaderEpoch: 1 isTransactional: true isControl: false deleteHorizonMs: OptionalLong.empty position: ${p1} CreateTime: 1700000000020 size: ${idempotent.length} magic: 2 compresscodec: gzip crc: ${idempotent.readUInt32BE(17)} isvalid: true`,
    `baseOffset: 4 lastOffset: 4 count: 1 baseSequence: -1 lastSequence: -1 producerId: 5 producerEpoch: 1 partitionLeaderEpoch: 1 isTransactional: true isControl: true deleteHorizonMs: OptionalLong.empty position: ${p2} CreateTime: 1700000000030 size: ${marker.length} magic: 2 compresscodec: none crc: ${marker.readUInt32BE(17)} isvalid: true`,
  ];
  const recordLines = [
    '| offset: 0 CreateTime: 1700000000000 keySize: 2 valueSize: 5 sequence: -1 headerKeys: [h1,h2]',
    '| offset: 1 CreateTime: 1700000000005 keySize: -1 valueSize: 6 sequence: -1 headerKeys: []',
    '| offset: 2 CreateTime: 1700000000010 keySize: 2 valueSize: -1 sequence: 10 headerKeys: []',
    '| offset: 3 CreateTime: 1700000000020 keySize: 2 valueSize: 2 sequence: 11 headerKeys: []',
    '| offset: 4 CreateTime: 1700000000030 keySize: 4 valueSize: 6 sequence: -1 headerKeys: [] endTxnMarker: COMMIT coordinatorEpoch: 7',
  ];

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dump-log-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const write = (name: string, data: Buffer): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, data);
    return file;
  };

  it('prints batches and records of a .log with the fields and format of kafka-dump-log --deep-iteration', async () => {
    const log = write('00000000000000000000.log', segment);
    const { code, out, err } = await run([log]);
    assert.equal(code, 0);
    assert.deepEqual(out, [
      `Dumping ${log}`,
      'Log starting offset: 0',
      batchLines[0],
      recordLines[0],
      recordLines[1],
      batchLines[1],
      recordLines[2],
      recordLines[3],
      batchLines[2],
      recordLines[4],
    ]);
    assert.deepEqual(err, []);
  });

  it('prints a .txnindex as kafka-dump-log does: one line per aborted transaction', async () => {
    const file = path.join(dir, '00000000000000000100.txnindex');
    const idx = new TransactionIndex(file, 100);
    idx.append({ producerId: 7, firstOffset: 100, lastOffset: 104, lastStableOffset: 105 });
    idx.append({ producerId: 2 ** 40, firstOffset: 103, lastOffset: 110, lastStableOffset: 103 });
    const r = await run([file]);
    assert.equal(r.code, 0);
    assert.deepEqual(r.out.slice(1), [
      'version: 0 producerId: 7 firstOffset: 100 lastOffset: 104 lastStableOffset: 105',
      'version: 0 producerId: 1099511627776 firstOffset: 103 lastOffset: 110 lastStableOffset: 103',
    ]);
    fs.appendFileSync(file, Buffer.alloc(5));
    assert.match((await run([file])).err.join('\n'), /not a multiple of 34/);
  });

  it('adds keys and payloads with printData, but never for control records', async () => {
    const log = write('00000000000000000000.log', segment);
    const { out } = await run([log], { printData: true });
    assert.deepEqual(out.slice(2), [
      batchLines[0],
      recordLines[0] + ' key: k0 payload: hello',
      recordLines[1] + ' payload: world!',
      batchLines[1],
      recordLines[2] + ' key: k2',
      recordLines[3] + ' key: k3 payload: v3',
      batchLines[2],
      recordLines[4],
    ]);
  });

  it('prints only batch lines without deep iteration', async () => {
    const log = write('00000000000000000000.log', segment);
    assert.deepEqual((await run([log], { deepIteration: false })).out.slice(2), batchLines);
  });

  it('prints LogAppendTime batches with their type and the log-append time on every record', async () => {
    const batch = encodeRecordBatch({ baseOffset: 7, timestampType: 'logAppend', maxTimestamp: 1800000000000, records: [{ value: b('x'), timestamp: 1 }] });
    const log = write('00000000000000000007.log', batch);
    const { out } = await run([log]);
    assert.equal(out[1], 'Log starting offset: 7');
    assert.match(out[2], / position: 0 LogAppendTime: 1800000000000 size: /);
    assert.equal(out[3], '| offset: 7 LogAppendTime: 1800000000000 keySize: -1 valueSize: 1 sequence: -1 headerKeys: []');
  });

  it('marks a batch whose CRC does not match isvalid: false and still lists its records', async () => {
    const damaged = Buffer.from(segment);
    damaged[p1 + 40] ^= 0xff; // maxTimestamp of the gzip batch: covered by the CRC, records still readable
    const log = write('00000000000000000000.log', damaged);
    const { out } = await run([log], { deepIteration: true });
    assert.match(out[5], / isvalid: false$/);
    assert.match(out[2], / isvalid: true$/);
    assert.equal(out.length, 10);
  });

  it('reports a torn tail (where valid data ends, how many bytes follow) instead of failing', async () => {
    const torn = segment.subarray(0, p2 + 30);
    const log = write('00000000000000000000.log', torn);
    const { code, out } = await run([log]);
    assert.equal(code, 0);
    assert.deepEqual(out.slice(-2), [
      'Found 30 invalid bytes at the end of 00000000000000000000.log',
      `Valid data ends at position ${p2}: a ${marker.length}-byte batch starts here but only 30 bytes follow`,
    ]);
    assert.equal(out.filter((l) => l.startsWith('baseOffset:')).length, 2);
  });

  it('reports a garbage tail as invalid bytes with the reason', async () => {
    const log = write('00000000000000000000.log', Buffer.concat([plain, Buffer.alloc(25, 0xab)]));
    const { out } = await run([log], { deepIteration: false });
    assert.deepEqual(out.slice(-2), [
      'Found 25 invalid bytes at the end of 00000000000000000000.log',
      // The length field reads 0xabababab: -1414812757, so the batch would be 12 bytes more than that.
      `Valid data ends at position ${plain.length}: batch length field gives -1414812745 bytes, less than the 61-byte header`,
    ]);
  });

  it("reports a batch whose records cannot be read, then goes on (Kafka's tool would stop with a stack trace)", async () => {
    const broken = Buffer.from(plain);
    broken.writeInt32BE(3, 57); // record count 3, but only 2 records
    const log = write('00000000000000000000.log', Buffer.concat([broken, idempotent]));
    const { out, err } = await run([log]);
    assert.match(out[2], / isvalid: false$/);
    assert.equal(err.length, 3);
    assert.match(err[0], /^Cannot read the records of the batch at position 0: Batch declares 3 records but its data ends after 2/);
    assert.deepEqual(err.slice(1), [`Non-consecutive offsets in ${log}`, '  -1 is followed by 2']);
    assert.ok(out.includes(batchLines[1]));
  });

  it('lists offset index entries, stopping at the zero-filled preallocated tail as Kafka does', async () => {
    write('00000000000000000000.log', segment);
    const idx = write('00000000000000000000.index', offsetIndex([[1, 0], [3, p1], [4, p2]], 10));
    const { out, err } = await run([idx]);
    assert.deepEqual(out, [`Dumping ${idx}`, 'offset: 1 position: 0', `offset: 3 position: ${p1}`, `offset: 4 position: ${p2}`]);
    assert.deepEqual(err, []);
  });

  it('takes index offsets relative to the base offset in the file name', async () => {
    const seg = encodeRecordBatch({ baseOffset: 100, records: [{ value: b('a'), timestamp: 5 }, { value: b('b'), timestamp: 6 }] });
    write('00000000000000000100.log', seg);
    const idx = write('00000000000000000100.index', offsetIndex([[1, 0]], 4));
    assert.deepEqual((await run([idx])).out, [`Dumping ${idx}`, 'offset: 101 position: 0']);
  });

  it('names each bad index entry: wrong offset for its position, position past the end of the log', async () => {
    write('00000000000000000000.log', segment);
    const idx = write('00000000000000000000.index', offsetIndex([[1, 0], [2, p1], [9, segment.length + 100], [10, segment.length]]));
    const { out, err } = await run([idx]);
    assert.deepEqual(out.slice(1), ['offset: 1 position: 0', `offset: 2 position: ${p1}`, `offset: 9 position: ${segment.length + 100}`, `offset: 10 position: ${segment.length}`]);
    assert.deepEqual(err, [
      `Mismatches in :${idx}`,
      `  Index offset: 10, position: ${segment.length} is past the end of 00000000000000000000.log (${segment.length} bytes) (entry 3)`,
      `  Index offset: 9, position: ${segment.length + 100} is past the end of 00000000000000000000.log (${segment.length} bytes) (entry 2)`,
      '  Index offset: 2, log offset: 3',
    ]);
  });

  it('says an empty index is empty', async () => {
    const idx = write('00000000000000000000.index', Buffer.alloc(0));
    const tidx = write('00000000000000000000.timeindex', Buffer.alloc(0));
    assert.deepEqual((await run([idx, tidx])).out, [`Dumping ${idx}`, `${idx} is empty.`, `Dumping ${tidx}`, `${tidx} is empty.`]);
  });

  it('lists time index entries and checks them against the max timestamps of the batches they name', async () => {
    write('00000000000000000000.log', segment);
    write('00000000000000000000.index', offsetIndex([[3, p1]]));
    const tidx = write('00000000000000000000.timeindex', timeIndex([[1700000000005, 1], [1700000000020, 3]], 6));
    const { out, err } = await run([tidx]);
    assert.deepEqual(out, [`Dumping ${tidx}`, 'timestamp: 1700000000005 offset: 1', 'timestamp: 1700000000020 offset: 3']);
    assert.deepEqual(err, []);
  });

  it('reports time index entries with the wrong timestamp, out of order, or naming no batch end', async () => {
    write('00000000000000000000.log', segment);
    const tidx = write('00000000000000000000.timeindex', timeIndex([[1700000000099, 1], [1700000000030, 4], [1700000000020, 2], [1700000000040, 20]]));
    const { out, err } = await run([tidx]);
    assert.equal(out.length, 5);
    assert.deepEqual(err, [
      `Found timestamp mismatch in :${tidx}`,
      '  Index timestamp: 1700000000099, log timestamp: 1700000000005',
      `Found out of order timestamp in :${tidx}`,
      '  Index timestamp: 1700000000030, Previously indexed timestamp: 1700000000099',
      'The following indexed offsets are not found in the log.',
      'Indexed offset: 2, found log offset: 3',
      'Indexed offset: 20, found log offset: -1',
    ]);
  });

  it('reports non-consecutive offsets like Kafka, including its -1 start for a segment not at offset 0', async () => {
    const seg = Buffer.concat([
      encodeRecordBatch({ baseOffset: 100, records: [{ value: b('a'), timestamp: 1 }] }),
      encodeRecordBatch({ baseOffset: 105, records: [{ value: b('b'), timestamp: 2 }] }),
    ]);
    const log = write('00000000000000000100.log', seg);
    const { err } = await run([log]);
    assert.deepEqual(err, [`Non-consecutive offsets in ${log}`, '  -1 is followed by 100', '  100 is followed by 105']);
  });

  it('ignores unknown files and fails with exit code 1 on a missing file', async () => {
    const other = write('leader-epoch-checkpoint', b('0\n0\n'));
    const missing = path.join(dir, '00000000000000000000.log');
    const { code, out, err } = await run([other, missing]);
    assert.equal(code, 1);
    assert.deepEqual(out, [`Dumping ${other}`, `Dumping ${missing}`, 'Log starting offset: 0']);
    assert.equal(err[0], `Ignoring unknown file ${other}`);
    assert.match(err[1], /ENOENT/);
  });
});
