import { strict as assert } from 'node:assert';
import { crc32c, updateCrc32c } from '../../../src/broker/records/crc32c';

/** Bit-at-a-time CRC-32C: slow, obviously right, and independent of the table code. */
function referenceCrc32c(buf: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of buf) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

describe('crc32c', () => {
  it('matches the standard check value: "123456789" -> 0xE3069283', () => {
    assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
  });

  it('matches RFC 3720 (iSCSI) test vectors', () => {
    assert.equal(crc32c(Buffer.alloc(32, 0x00)), 0x8a9136aa);
    assert.equal(crc32c(Buffer.alloc(32, 0xff)), 0x62a8ab43);
    assert.equal(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => i))), 0x46dd794e);
    assert.equal(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => 31 - i))), 0x113fdb5c);
  });

  it('agrees with a bit-at-a-time reference for every length 0-300 and every alignment', () => {
    const backing = Buffer.alloc(400);
    for (let i = 0; i < backing.length; i++) backing[i] = (i * 131 + 7) & 0xff;
    for (let offset = 0; offset < 4; offset++) {
      for (let len = 0; len <= 300; len++) {
        const view = backing.subarray(offset, offset + len);
        assert.equal(crc32c(view), referenceCrc32c(view), `len ${len} offset ${offset}`);
        assert.equal(crc32c(backing, offset, offset + len), referenceCrc32c(view), `range len ${len} offset ${offset}`);
      }
    }
  });

  it('checksums a sub-range of a larger buffer, as a batch inside a log file', () => {
    const big = Buffer.alloc(70000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7919) >>> 3;
    assert.equal(crc32c(big, 1234, 65000), referenceCrc32c(big.subarray(1234, 65000)));
  });

  it('continues a running CRC across pieces', () => {
    const data = Buffer.from('the quick brown fox jumps over the lazy dog, again and again and again and again');
    let crc = -1;
    crc = updateCrc32c(crc, data, 0, 10);
    crc = updateCrc32c(crc, data, 10, 77);
    crc = updateCrc32c(crc, data, 77, data.length);
    assert.equal((crc ^ -1) >>> 0, crc32c(data));
  });

  it('refuses a range outside the buffer rather than reading undefined bytes', () => {
    assert.throws(() => crc32c(Buffer.alloc(10), 0, 11), RangeError);
    assert.throws(() => crc32c(Buffer.alloc(10), 5, 4), RangeError);
  });
});
