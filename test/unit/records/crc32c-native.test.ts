import { strict as assert } from 'node:assert';
import { crc32c, crc32cJs, crc32cImplementation } from '../../../src/broker/records/crc32c';

describe('crc32c: native and JS agree', () => {
  it('uses the CPU instruction here, and both give the same checksum at every size and alignment', () => {
    assert.equal(crc32cImplementation, 'native', '@node-rs/crc32 should load on this platform');
    const buf = Buffer.alloc(70_000);
    for (let i = 0; i < buf.length; i++) buf[i] = (i * 2654435761) >>> 24;
    for (const [start, end] of [[0, 0], [0, 511], [0, 512], [3, 4099], [21, 16_384], [1, 70_000], [61, 65_599]]) {
      assert.equal(crc32c(buf, start, end), crc32cJs(buf, start, end), `${start}..${end}`);
    }
    assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
  });
});
