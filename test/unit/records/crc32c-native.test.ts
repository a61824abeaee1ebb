import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { crc32c, crc32cJs, crc32cImplementation, crc32cNative, nativeCheckBatch } from '../../../src/broker/records/crc32c';
import { countRecords } from '../../../src/broker/storage/log-validator';
import { encodeRecordBatch } from '../../../src/broker/records/record-batch';
import { writeUnsignedVarint } from '../../../src/broker/records/varint';

type Addon = {
  crc32c: (b: Uint8Array, start: number, end: number) => number;
  crc32cStreams: (b: Uint8Array, start: number, end: number) => number;
  crc32cFold?: (b: Uint8Array, start: number, end: number) => number;
  kind: string;
};

function addon(): Addon {
  // The tests run from out/test/unit/records; the addon sits under the package root.
  return require(path.join(__dirname, '..', '..', '..', '..', 'native', 'crc32c', 'build', 'Release', 'crc32c.node')) as Addon;
}

function pseudoRandom(n: number): Buffer {
  const buf = Buffer.alloc(n);
  for (let i = 0; i < buf.length; i++) buf[i] = (i * 2654435761) >>> 24;
  return buf;
}

describe('crc32c: native and JS agree', () => {
  it('uses the CPU instruction here, and both give the same checksum at every size and alignment', function () {
    // `npm run build` builds native/crc32c on x86-64 (g++ and Node's headers are there; the README's set-up);
    // elsewhere CRC-32C is the JS code alone.
    if (process.arch !== 'x64') this.skip();
    assert.equal(crc32cImplementation, 'native', 'a native CRC-32C should load on this platform');
    assert.equal(crc32cNative, 'addon', 'the native/crc32c addon should be built and loaded');
    const buf = pseudoRandom(70_000);
    for (const [start, end] of [[0, 0], [0, 511], [0, 512], [3, 4099], [21, 16_384], [1, 70_000], [61, 65_599], [5, 12_293], [0, 24_576], [7, 3 * 4096 * 2 + 777]]) {
      assert.equal(crc32c(buf, start, end), crc32cJs(buf, start, end), `${start}..${end}`);
    }
    assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
    // A view into a larger buffer (as a produce request's records are) is read from its own start.
    const view = buf.subarray(5, 40_005);
    assert.equal(crc32c(view, 3, 30_000), crc32cJs(buf, 8, 30_005));
  });

  it('folding (VPCLMULQDQ) and the three-stream code both match the table-driven JS at every length and offset', function () {
    if (process.arch !== 'x64') this.skip();
    const a = addon();
    const buf = pseudoRandom(20_000);
    const impls: [string, (b: Uint8Array, s: number, e: number) => number][] = [['streams', a.crc32cStreams], ['chosen', a.crc32c]];
    if (a.crc32cFold) impls.push(['fold', a.crc32cFold]);
    for (let start = 0; start < 9; start++) {
      for (let len = 0; len < 20_000 - 9; len += len < 1100 ? 1 : 257) {
        const want = crc32cJs(buf, start, start + len);
        for (const [name, fn] of impls) assert.equal(fn(buf, start, start + len) >>> 0, want, `${name} ${start}+${len}`);
      }
    }
    // The machines this project is tested on have AVX-512 VPCLMULQDQ: the faster code must be the one in use there.
    if (a.crc32cFold) assert.equal(a.kind, 'vpclmulqdq');
  });

  it("checkBatch: one call gives the CRC and the same record count as the JS walk, or -1 where the walk finds a fault", function () {
    if (!nativeCheckBatch) this.skip();
    const check = nativeCheckBatch!;
    const unpack = (p: number) => ({ crc: p >>> 0, count: Math.floor(p / 4294967296) - 1 });
    const value = pseudoRandom(300);
    const batch = encodeRecordBatch({ records: Array.from({ length: 40 }, (_, i) => ({ key: Buffer.from(`k${i}`), value: value.subarray(0, i * 7), timestamp: 1 })) });
    const good = unpack(check(batch, 21, batch.length, 61));
    assert.deepEqual(good, { crc: crc32cJs(batch, 21, batch.length), count: 40 });
    assert.equal(countRecords(batch, 61, batch.length), 40);
    assert.deepEqual(unpack(check(Buffer.concat([Buffer.alloc(7), batch]).subarray(7), 21, batch.length, 61)), good);
    // Without a walk, the count is -1 and the CRC still right.
    assert.deepEqual(unpack(check(batch, 21, batch.length, -1)), { crc: good.crc, count: -1 });
    // Faults: a cut record, a length past the end, a zero and a negative length, a varint of six bytes, trailing junk.
    const faults: Buffer[] = [];
    faults.push(batch.subarray(0, batch.length - 3));
    const past = Buffer.from(batch);
    past[61] = 0x7e; // zigzag 63 > the first record's length: the next prefix lands mid-record, or past the end
    faults.push(past);
    const zero = Buffer.from(batch);
    zero[61] = 0;
    faults.push(zero);
    const negative = Buffer.from(batch);
    negative[61] = 1; // zigzag -1
    faults.push(negative);
    faults.push(Buffer.concat([batch.subarray(0, 61), Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x01])]));
    const junk = Buffer.alloc(4);
    writeUnsignedVarint(200, junk, 0);
    faults.push(Buffer.concat([batch, junk]));
    for (const [i, f] of faults.entries()) {
      const js = countRecords(f, 61, f.length);
      const native = unpack(check(f, 21, f.length, 61)).count;
      if (typeof js === 'string') assert.equal(native, -1, `fault ${i}: JS says "${js}"`);
      else assert.equal(native, js, `fault ${i}`);
    }
    assert.ok(faults.filter((f) => typeof countRecords(f, 61, f.length) === 'string').length >= 5);
    assert.throws(() => check(batch, 21, batch.length + 1, 61), /outside the buffer/);
  });
});
