/** Reader / Writer primitives against protocol.html's definitions, including edge cases and malformed input. */
import { strict as assert } from 'node:assert';
import {
  ProtocolDecodeError,
  ProtocolEncodeError,
  Reader,
  Writer,
  ZERO_UUID,
  readInt32Element,
  readCompactStringElement,
  uuidFromKafkaString,
  uuidToKafkaString,
  randomUuid,
  isUuid,
  uvarintSize,
  writeInt32Element,
  writeCompactStringElement,
} from '../../../src/protocol/codec';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

function written(fn: (w: Writer) => void, w = new Writer()): Buffer {
  fn(w);
  return w.toBuffer();
}

describe('protocol: Reader and Writer primitives', () => {
  it('fixed-size integers are big-endian two-complement, with their range edges', () => {
    const cases: ['int8' | 'int16' | 'uint16' | 'int32' | 'uint32', number, string][] = [
      ['int8', -128, '80'],
      ['int8', 127, '7f'],
      ['int8', -1, 'ff'],
      ['int16', -32768, '8000'],
      ['int16', 32767, '7fff'],
      ['int16', -2, 'fffe'],
      ['uint16', 65535, 'ffff'],
      ['int32', -2147483648, '80000000'],
      ['int32', 2147483647, '7fffffff'],
      ['int32', -1, 'ffffffff'],
      ['uint32', 4294967295, 'ffffffff'],
      ['uint32', 2147483648, '80000000'],
    ];
    for (const [m, v, h] of cases) {
      const b = written((w) => w[m](v));
      assert.equal(b.toString('hex'), h, `${m} ${v}`);
      const r = new Reader(b);
      assert.equal(r[m](), v, `${m} ${h}`);
      assert.equal(r.remaining(), 0);
    }
    assert.equal(written((w) => w.bool(true)).toString('hex'), '01');
    assert.equal(new Reader(hex('00')).bool(), false);
    assert.equal(new Reader(hex('02')).bool(), true, 'any non-zero byte is true');
  });

  it('int64 is a number, exact within 2^53; Long.MAX/MIN survive a round trip', () => {
    const cases: [number, string][] = [
      [0, '0000000000000000'],
      [-1, 'ffffffffffffffff'],
      [1, '0000000000000001'],
      [2 ** 32, '0000000100000000'],
      [-(2 ** 32), 'ffffffff00000000'],
      [2 ** 53 - 1, '001fffffffffffff'],
      [-(2 ** 53 - 1), 'ffe0000000000001'],
      [1700000000123, '0000018bcfe5687b'],
    ];
    for (const [v, h] of cases) {
      assert.equal(written((w) => w.int64(v)).toString('hex'), h, `write ${v}`);
      assert.equal(new Reader(hex(h)).int64(), v, `read ${h}`);
    }
    // Long.MAX_VALUE reads as 2^63 (nearest double) and is written back as Long.MAX_VALUE.
    const max = new Reader(hex('7fffffffffffffff')).int64();
    assert.equal(max, 2 ** 63);
    assert.equal(written((w) => w.int64(max)).toString('hex'), '7fffffffffffffff');
    const min = new Reader(hex('8000000000000000')).int64();
    assert.equal(min, -(2 ** 63));
    assert.equal(written((w) => w.int64(min)).toString('hex'), '8000000000000000');
    // Exact access when needed.
    assert.equal(new Reader(hex('7fffffffffffffff')).int64Big(), 9223372036854775807n);
    assert.equal(written((w) => w.int64Big(-9223372036854775808n)).toString('hex'), '8000000000000000');
  });

  it('float64 is IEEE 754 big-endian', () => {
    assert.equal(written((w) => w.float64(1.5)).toString('hex'), '3ff8000000000000');
    assert.equal(new Reader(hex('c000000000000000')).float64(), -2);
    assert.ok(Number.isNaN(new Reader(written((w) => w.float64(NaN))).float64()));
  });

  it('unsigned varints (UNSIGNED_VARINT): 1 to 5 bytes, rejecting overlong or overflowing input', () => {
    const cases: [number, string][] = [
      [0, '00'],
      [1, '01'],
      [127, '7f'],
      [128, '8001'],
      [300, 'ac02'],
      [16383, 'ff7f'],
      [16384, '808001'],
      [2 ** 31, '8080808008'],
      [4294967295, 'ffffffff0f'],
    ];
    for (const [v, h] of cases) {
      assert.equal(written((w) => w.uvarint(v)).toString('hex'), h, `write ${v}`);
      assert.equal(uvarintSize(v), h.length / 2);
      assert.equal(new Reader(hex(h)).uvarint(), v, `read ${h}`);
    }
    assert.throws(() => new Reader(hex('ffffffff1f')).uvarint(), ProtocolDecodeError);
    assert.throws(() => new Reader(hex('8080808080')).uvarint(), ProtocolDecodeError);
    assert.throws(() => new Reader(hex('8080')).uvarint(), ProtocolDecodeError);
    assert.throws(() => new Writer().uvarint(-1), ProtocolEncodeError);
    assert.throws(() => new Writer().uvarint(2 ** 32), ProtocolEncodeError);
  });

  it('signed varints (VARINT) use zigzag encoding', () => {
    const cases: [number, string][] = [
      [0, '00'],
      [-1, '01'],
      [1, '02'],
      [-2, '03'],
      [63, '7e'],
      [-64, '7f'],
      [64, '8001'],
      [-65, '8101'],
      [2147483647, 'feffffff0f'],
      [-2147483648, 'ffffffff0f'],
    ];
    for (const [v, h] of cases) {
      assert.equal(written((w) => w.varint(v)).toString('hex'), h, `write ${v}`);
      assert.equal(new Reader(hex(h)).varint(), v, `read ${h}`);
    }
  });

  it('signed varlongs (VARLONG) use zigzag encoding over 64 bits, exact within 2^53', () => {
    const cases: [number, string][] = [
      [0, '00'],
      [-1, '01'],
      [1, '02'],
      [-2147483649, '8180808010'],
      [2147483648, '8080808010'],
      [2 ** 53 - 1, 'feffffffffffff1f'],
      [-(2 ** 53 - 1), 'fdffffffffffff1f'],
      [-(2 ** 53), 'ffffffffffffff1f'],
      [2 ** 63, 'feffffffffffffffff01'], // Long.MAX_VALUE
      [-(2 ** 63), 'ffffffffffffffffff01'], // Long.MIN_VALUE
    ];
    for (const [v, h] of cases) {
      assert.equal(written((w) => w.varlong(v)).toString('hex'), h, `write ${v}`);
      assert.equal(new Reader(hex(h)).varlong(), v, `read ${h}`);
    }
    for (let i = 0; i < 2000; i++) {
      const v = Math.round((Math.random() - 0.5) * 2 ** (1 + (i % 54))) + 0; // + 0: no -0
      assert.equal(new Reader(written((w) => w.varlong(v))).varlong(), v, `${v}`);
    }
    assert.throws(() => new Reader(hex('ffffffffffffffffff7f')).varlong(), ProtocolDecodeError);
    assert.throws(() => new Reader(hex('ffffffffffffffffffff01')).varlong(), ProtocolDecodeError);
  });

  it('uuid is 32 lowercase hex characters; Kafka text form is base64url', () => {
    const id = '0123456789abcdef0011223344556677';
    const b = written((w) => w.uuid(id));
    assert.equal(b.toString('hex'), id);
    assert.equal(new Reader(b).uuid(), id);
    assert.equal(new Reader(Buffer.alloc(16)).uuid(), ZERO_UUID);
    assert.equal(uuidToKafkaString(ZERO_UUID), 'AAAAAAAAAAAAAAAAAAAAAA');
    assert.equal(uuidFromKafkaString(uuidToKafkaString(id)), id);
    assert.throws(() => new Writer().uuid('0123'), ProtocolEncodeError);
    assert.throws(() => new Writer().uuid(id.toUpperCase()), ProtocolEncodeError);
    const r = randomUuid();
    assert.ok(isUuid(r) && r[12] === '4');
  });

  it('strings: null and empty are distinct in both encodings, lengths are UTF-8 bytes', () => {
    assert.equal(written((w) => w.nullableString(false, null)).toString('hex'), 'ffff');
    assert.equal(written((w) => w.nullableString(false, '')).toString('hex'), '0000');
    assert.equal(written((w) => w.nullableString(true, null)).toString('hex'), '00');
    assert.equal(written((w) => w.nullableString(true, '')).toString('hex'), '01');
    assert.equal(written((w) => w.string(false, 'é')).toString('hex'), '0002c3a9');
    assert.equal(written((w) => w.string(true, 'é')).toString('hex'), '03c3a9');
    assert.equal(new Reader(hex('ffff')).nullableString(false), null);
    assert.equal(new Reader(hex('0000')).nullableString(false), '');
    assert.equal(new Reader(hex('00')).nullableString(true), null);
    assert.equal(new Reader(hex('01')).nullableString(true), '');
    assert.equal(new Reader(hex('0003616263')).string(false), 'abc');
    assert.equal(new Reader(hex('04616263')).string(true), 'abc');
    assert.throws(() => new Reader(hex('ffff')).string(false), /non-nullable string/);
    assert.throws(() => new Reader(hex('00')).string(true), ProtocolDecodeError);
    assert.throws(() => new Writer().string(true, null), ProtocolEncodeError);
    // Truncated and absurd lengths.
    assert.throws(() => new Reader(hex('000561')).string(false), ProtocolDecodeError);
    assert.throws(() => new Reader(hex('7fff')).string(false), /truncated/);
    assert.throws(() => new Reader(hex('ffffffff0f')).string(true), ProtocolDecodeError);
    // Kafka's limit: 32767 bytes.
    const max = 'x'.repeat(32767);
    assert.equal(new Reader(written((w) => w.string(true, max))).string(true), max);
    assert.throws(() => new Writer().string(false, max + 'x'), ProtocolEncodeError);
    assert.throws(() => new Writer().string(false, 'é'.repeat(16384)), ProtocolEncodeError);
  });

  it('bytes: null vs empty, and decoded bytes are zero-copy slices of the input', () => {
    assert.equal(written((w) => w.nullableBytes(false, null)).toString('hex'), 'ffffffff');
    assert.equal(written((w) => w.nullableBytes(false, Buffer.alloc(0))).toString('hex'), '00000000');
    assert.equal(written((w) => w.nullableBytes(true, null)).toString('hex'), '00');
    assert.equal(written((w) => w.nullableBytes(true, Buffer.alloc(0))).toString('hex'), '01');
    assert.equal(written((w) => w.bytes(false, hex('abcd'))).toString('hex'), '00000002abcd');
    assert.equal(written((w) => w.bytes(true, hex('abcd'))).toString('hex'), '03abcd');
    assert.equal(new Reader(hex('ffffffff')).nullableBytes(false), null);
    assert.equal(new Reader(hex('00')).nullableBytes(true), null);
    assert.equal(new Reader(hex('01')).nullableBytes(true)?.length, 0);
    assert.throws(() => new Reader(hex('ffffffff')).bytes(false), /non-nullable bytes/);
    assert.throws(() => new Writer().bytes(false, null), ProtocolEncodeError);

    const input = hex('00000003 aabbcc 99');
    const r = new Reader(input);
    const slice = r.bytes(false);
    assert.equal(slice.toString('hex'), 'aabbcc');
    assert.equal(slice.buffer, input.buffer, 'same memory');
    assert.equal(slice.byteOffset, input.byteOffset + 4);
    input[4] = 0x11;
    assert.equal(slice[0], 0x11, 'a view, not a copy');
    assert.equal(r.int8(), -103);
    // A length larger than what is left is rejected without allocating.
    assert.throws(() => new Reader(hex('7fffffff00')).bytes(false), /truncated/);
    assert.throws(() => new Reader(hex('ffffffff0f')).bytes(true), /truncated/);
  });

  it('arrays: null vs empty, element readers, and counts larger than the input are rejected', () => {
    assert.equal(written((w) => w.nullableArray(false, null, writeInt32Element, 0)).toString('hex'), 'ffffffff');
    assert.equal(written((w) => w.nullableArray(true, null, writeInt32Element, 0)).toString('hex'), '00');
    assert.equal(written((w) => w.array(false, [], writeInt32Element, 0)).toString('hex'), '00000000');
    assert.equal(written((w) => w.array(true, [], writeInt32Element, 0)).toString('hex'), '01');
    assert.equal(written((w) => w.array(false, [1, -1], writeInt32Element, 0)).toString('hex'), '0000000200000001ffffffff');
    assert.equal(written((w) => w.array(true, ['a', ''], writeCompactStringElement, 0)).toString('hex'), '03026101');
    assert.deepEqual(new Reader(hex('03026101')).array(true, readCompactStringElement, 0), ['a', '']);
    assert.deepEqual(new Reader(hex('0000000200000001ffffffff')).array(false, readInt32Element, 0), [1, -1]);
    assert.equal(new Reader(hex('ffffffff')).nullableArray(false, readInt32Element, 0), null);
    assert.equal(new Reader(hex('00')).nullableArray(true, readInt32Element, 0), null);
    assert.deepEqual(new Reader(hex('01')).nullableArray(true, readInt32Element, 0), []);
    assert.throws(() => new Reader(hex('ffffffff')).array(false, readInt32Element, 0), /non-nullable array/);
    assert.throws(() => new Reader(hex('00')).array(true, readInt32Element, 0), /non-nullable array/);
    assert.throws(() => new Reader(hex('7fffffff')).array(false, readInt32Element, 0), /array of 2147483647 elements but only 0 bytes left/);
    assert.throws(() => new Reader(hex('ffffffff0f00')).array(true, readInt32Element, 0), ProtocolDecodeError);
    assert.throws(() => new Reader(hex('00000002 00000001 ffff')).array(false, readInt32Element, 0), /truncated/);
    assert.throws(() => new Writer().array(false, null, writeInt32Element, 0), ProtocolEncodeError);
  });

  it('every fixed-size read of truncated input throws ProtocolDecodeError with the offset', () => {
    const methods = ['bool', 'int8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'float64', 'uuid', 'uvarint', 'varint', 'varlong'] as const;
    for (const m of methods) {
      const r = new Reader(hex('00112233'), 4);
      assert.throws(
        () => r[m](),
        (e: unknown) => e instanceof ProtocolDecodeError && e.offset === 4,
        m,
      );
    }
    const r = new Reader(hex('0011'));
    assert.throws(() => r.int32(), (e: unknown) => e instanceof ProtocolDecodeError && /int32 needs 4 bytes, 2 left/.test(e.message));
    assert.equal(r.pos, 0, 'a failed read consumes nothing');
    assert.throws(() => r.skip(3), ProtocolDecodeError);
    assert.throws(() => new Reader(hex('00'), 0, 2), RangeError);
  });

  it('tagged fields: sections are bounded by their declared sizes', () => {
    // 2 fields: tag 1 size 2 (abcd), tag 7 size 0.
    const r = new Reader(hex('02 01 02 abcd 07 00'));
    const fields = r.unknownTaggedFields();
    assert.deepEqual(
      fields?.map((f) => [f.tag, f.data.toString('hex')]),
      [
        [1, 'abcd'],
        [7, ''],
      ],
    );
    assert.equal(new Reader(hex('00')).unknownTaggedFields(), undefined);
    assert.throws(() => new Reader(hex('01 01 05 abcd')).unknownTaggedFields(), /truncated/);
    assert.throws(() => new Reader(hex('05 01 00')).unknownTaggedFields(), /5 tagged fields but only 2 bytes left/);
    const bounded = new Reader(hex('01 00000000'));
    const end = bounded.beginTag();
    assert.throws(() => bounded.int32(), /truncated/, 'a tagged value cannot read past its size');
    assert.equal(bounded.int8(), 0);
    bounded.endTag(end);
    assert.equal(bounded.int16(), 0, 'the outer limit is back');
    const w = new Writer();
    w.unknownTaggedFields(fields);
    assert.equal(w.toBuffer().toString('hex'), '020102abcd0700');
  });

  it('the writer links large buffers as chunks instead of copying them, and copies small ones', () => {
    const big = Buffer.alloc(5000, 7);
    const small = Buffer.from([1, 2, 3]);
    const w = new Writer(64);
    w.int32(1);
    w.nullableBytes(true, big);
    w.bytes(false, small);
    w.nullableBytes(false, big);
    const chunks = w.toChunks();
    assert.equal(chunks.length, 4);
    assert.equal(chunks[1], big, 'the very same Buffer object');
    assert.equal(chunks[3], big);
    assert.equal(chunks[0].toString('hex'), '00000001' + '8927');
    assert.equal(chunks[2].toString('hex'), '00000003010203' + '00001388');
    assert.equal(w.length, 4 + 2 + 5000 + 7 + 4 + 5000);
    const flat = w.toBuffer();
    assert.equal(flat.length, w.length);
    const r = new Reader(flat);
    assert.equal(r.int32(), 1);
    assert.ok(r.nullableBytes(true)?.equals(big));
    assert.ok(r.bytes(false).equals(small));
    assert.ok(r.nullableBytes(false)?.equals(big));
    // The link threshold is configurable.
    const w2 = new Writer(16, 2);
    w2.bytes(true, small);
    assert.equal(w2.toChunks()[1], small);
  });

  it('the writer grows across many slabs without moving what it wrote', () => {
    const w = new Writer(16);
    for (let i = 0; i < 10000; i++) {
      w.int32(i);
      w.string(true, `s${i}`);
    }
    const chunks = w.toChunks();
    assert.ok(chunks.length > 3 && chunks.length < 40, `${chunks.length} chunks`);
    const r = new Reader(w.toBuffer());
    for (let i = 0; i < 10000; i++) {
      assert.equal(r.int32(), i);
      assert.equal(r.string(true), `s${i}`);
    }
    assert.equal(r.remaining(), 0);
  });

  it('size prefixes are patched in place, even across chunks', () => {
    const w = new Writer(16, 64);
    const outer = w.beginSizePrefix();
    w.int16(7);
    const inner = w.beginSizePrefix();
    w.bytes(false, Buffer.alloc(100, 1));
    w.endSizePrefix(inner);
    w.int8(1);
    w.endSizePrefix(outer);
    const b = w.toBuffer();
    assert.equal(b.length, 4 + 2 + 4 + 4 + 100 + 1);
    assert.equal(b.readInt32BE(0), b.length - 4);
    assert.equal(b.readInt32BE(6), 104);
  });

  it('encoding errors: nulls in non-nullable fields and malformed values', () => {
    const w = new Writer();
    assert.throws(() => w.struct(null, () => undefined, 0), ProtocolEncodeError);
    assert.equal(written((x) => x.nullableStruct(null, () => undefined, 0)).toString('hex'), 'ff');
    assert.equal(written((x) => x.taggedNullableStruct(null, () => undefined, 0)).toString('hex'), '00');
    assert.equal(written((x) => x.nullableStruct({}, (ww) => ww.int8(5), 0)).toString('hex'), '0105');
  });
});
