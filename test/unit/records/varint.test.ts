import { strict as assert } from 'node:assert';
import { InvalidVarintError } from '../../../src/broker/records/errors';
import {
  readUnsignedVarint,
  readVarint,
  readVarlong,
  sizeOfUnsignedVarint,
  sizeOfVarint,
  sizeOfVarlong,
  writeUnsignedVarint,
  writeVarint,
  writeVarlong,
} from '../../../src/broker/records/varint';

function encodeVarint(v: number): number[] {
  const buf = Buffer.alloc(10);
  return [...buf.subarray(0, writeVarint(v, buf, 0))];
}
function encodeVarlong(v: number): number[] {
  const buf = Buffer.alloc(10);
  return [...buf.subarray(0, writeVarlong(v, buf, 0))];
}

describe('varint', () => {
  it('encodes zigzag int32 exactly as Kafka ByteUtils does', () => {
    const cases: Array<[number, number[]]> = [
      [0, [0x00]],
      [-1, [0x01]],
      [1, [0x02]],
      [63, [0x7e]],
      [-64, [0x7f]],
      [64, [0x80, 0x01]],
      [-65, [0x81, 0x01]],
      [8191, [0xfe, 0x7f]],
      [-8192, [0xff, 0x7f]],
      [8192, [0x80, 0x80, 0x01]],
      [2147483647, [0xfe, 0xff, 0xff, 0xff, 0x0f]],
      [-2147483648, [0xff, 0xff, 0xff, 0xff, 0x0f]],
    ];
    for (const [value, bytes] of cases) {
      assert.deepEqual(encodeVarint(value), bytes, `encode ${value}`);
      const cur = { pos: 0 };
      assert.equal(readVarint(Buffer.from(bytes), cur), value, `decode ${value}`);
      assert.equal(cur.pos, bytes.length);
      assert.equal(sizeOfVarint(value), bytes.length, `size of ${value}`);
    }
  });

  it('encodes unsigned varints (compact lengths) and reads them back', () => {
    const buf = Buffer.alloc(5);
    assert.deepEqual([...buf.subarray(0, writeUnsignedVarint(300, buf, 0))], [0xac, 0x02]);
    for (const v of [0, 127, 128, 16383, 16384, 2097151, 2097152, 268435455, 268435456, 4294967295]) {
      const end = writeUnsignedVarint(v, buf, 0);
      assert.equal(end, sizeOfUnsignedVarint(v), `size of ${v}`);
      const cur = { pos: 0 };
      assert.equal(readUnsignedVarint(buf, cur), v);
      assert.equal(cur.pos, end);
    }
  });

  it('round-trips varlongs across the safe-integer range, with the sizes Kafka computes', () => {
    const cases: Array<[number, number]> = [
      [0, 1],
      [-1, 1],
      [1073741823, 5],
      [-1073741824, 5],
      [1073741824, 5],
      [2 ** 34, 6],
      [1700000000000, 6], // a millisecond timestamp
      [-1700000000000, 6],
      [2 ** 48, 8],
      [Number.MAX_SAFE_INTEGER, 8],
      [-Number.MAX_SAFE_INTEGER, 8],
    ];
    for (const [value, size] of cases) {
      const bytes = encodeVarlong(value);
      assert.equal(bytes.length, size, `encoded size of ${value}`);
      assert.equal(sizeOfVarlong(value), size, `sizeOfVarlong(${value})`);
      const cur = { pos: 0 };
      assert.equal(readVarlong(Buffer.from(bytes), cur), value);
      assert.equal(cur.pos, size);
    }
  });

  it('writes the same bytes as the int64 zigzag definition for random values', () => {
    for (let i = 0; i < 2000; i++) {
      const magnitude = 2 ** Math.floor(Math.random() * 53);
      const value = Math.floor((Math.random() * 2 - 1) * magnitude);
      const z = value >= 0 ? BigInt(value) * 2n : -BigInt(value) * 2n - 1n;
      const expected: number[] = [];
      let rest = z;
      while (rest >= 0x80n) {
        expected.push(Number(rest & 0x7fn) | 0x80);
        rest >>= 7n;
      }
      expected.push(Number(rest));
      assert.deepEqual(encodeVarlong(value), expected, `value ${value}`);
    }
  });

  it('reads consecutive varints by advancing one cursor', () => {
    const buf = Buffer.alloc(32);
    let pos = writeVarint(-3, buf, 0);
    pos = writeVarlong(1700000000123, buf, pos);
    pos = writeUnsignedVarint(200, buf, pos);
    const cur = { pos: 0 };
    assert.equal(readVarint(buf, cur), -3);
    assert.equal(readVarlong(buf, cur), 1700000000123);
    assert.equal(readUnsignedVarint(buf, cur), 200);
    assert.equal(cur.pos, pos);
  });

  it('rejects truncated and over-long varints without moving the cursor', () => {
    const cur = { pos: 0 };
    assert.throws(() => readVarint(Buffer.from([0x80, 0x80]), cur), InvalidVarintError);
    assert.equal(cur.pos, 0);
    assert.throws(() => readVarint(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), cur), /too long/);
    assert.throws(() => readVarlong(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80]), cur), /past the end/);
    assert.throws(() => readVarlong(Buffer.from(new Array(11).fill(0xff)), cur), /too long/);
    assert.equal(cur.pos, 0);
  });

  it('rejects varlongs that a JS number cannot hold exactly, instead of rounding them', () => {
    // Long.MAX_VALUE zigzag-encoded: 0xFFFFFFFFFFFFFFFE.
    const longMax = Buffer.from([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    assert.throws(() => readVarlong(longMax, { pos: 0 }), /safe integer/);
    assert.throws(() => writeVarlong(2 ** 60, Buffer.alloc(10), 0), RangeError);
  });
});
