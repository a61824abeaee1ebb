import { strict as assert } from 'node:assert';
import { crc32c, crc32cJs, crc32cImplementation, crc32cNative } from '../../../src/broker/records/crc32c';

describe('crc32c: native and JS agree', () => {
  it('uses the CPU instruction here, and both give the same checksum at every size and alignment', () => {
    assert.equal(crc32cImplementation, 'native', 'a native CRC-32C should load on this platform');
    // `npm run build` builds native/crc32c on x86-64 (g++ and Node's headers are there; the README's set-up).
    if (process.arch === 'x64') assert.equal(crc32cNative, 'addon', 'the native/crc32c addon (three-stream CRC) should be built and loaded');
    const buf = Buffer.alloc(70_000);
    for (let i = 0; i < buf.length; i++) buf[i] = (i * 2654435761) >>> 24;
    for (const [start, end] of [[0, 0], [0, 511], [0, 512], [3, 4099], [21, 16_384], [1, 70_000], [61, 65_599], [5, 12_293], [0, 24_576], [7, 3 * 4096 * 2 + 777]]) {
      assert.equal(crc32c(buf, start, end), crc32cJs(buf, start, end), `${start}..${end}`);
    }
    assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
  });
});
