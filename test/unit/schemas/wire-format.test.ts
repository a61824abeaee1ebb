/**
 * Confluent's wire format at the byte level: the header, and the Protobuf message-index list as Confluent documents
 * it (a zigzag varint count, then each index as a zigzag varint; [0] as the single byte 0).
 */
import { strict as assert } from 'node:assert';
import { readHeader, readMessageIndexes, writeMessageIndexes, writeWireFormat } from '../../../src/schemas/wire-format';

describe('Schema wire format', () => {
  it('writes and reads the magic byte and the big-endian schema id', () => {
    const bytes = writeWireFormat(0x01020304, Uint8Array.of(9, 8));
    assert.deepEqual([...bytes], [0, 1, 2, 3, 4, 9, 8]);
    const { id, payload } = readHeader(bytes);
    assert.equal(id, 0x01020304);
    assert.deepEqual([...payload], [9, 8]);
    assert.equal(readHeader(Buffer.concat([Buffer.from([7, 7]), bytes]).subarray(2)).id, 0x01020304, 'a view into a larger buffer');
  });

  it("writes message indexes as Confluent's documentation gives them", () => {
    assert.deepEqual([...writeMessageIndexes([0])], [0x00]);
    assert.deepEqual([...writeMessageIndexes([1])], [0x02, 0x02]);
    assert.deepEqual([...writeMessageIndexes([0, 1])], [0x04, 0x00, 0x02]);
    assert.deepEqual([...writeMessageIndexes([0, 0])], [0x04, 0x00, 0x00], 'only [0] itself is shortened');
    assert.deepEqual([...writeMessageIndexes([64])], [0x02, 0x80, 0x01]);
  });

  it('reads them back, and where the message starts', () => {
    for (const indexes of [[0], [1], [0, 1], [2, 0, 5], [300], [0, 0, 0, 0]]) {
      const bytes = Buffer.concat([writeMessageIndexes(indexes), Buffer.from([0xaa])]);
      assert.deepEqual(readMessageIndexes(bytes), { indexes, offset: bytes.length - 1 });
    }
  });

  it('refuses garbled index lists', () => {
    assert.throws(() => readMessageIndexes(Uint8Array.of()), /end early/);
    assert.throws(() => readMessageIndexes(Uint8Array.of(0x04, 0x00)), /end early/);
    assert.throws(() => readMessageIndexes(Uint8Array.of(0x01)), /count -1 is not plausible/);
    assert.throws(() => readMessageIndexes(Uint8Array.of(0x02, 0x01)), /index -1 is negative/);
    assert.throws(() => readMessageIndexes(Uint8Array.of(0xfe, 0x01)), /count 127 is not plausible/);
    assert.throws(() => readMessageIndexes(Uint8Array.of(0x02, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01)), /longer than a 32-bit varint/);
  });
});
