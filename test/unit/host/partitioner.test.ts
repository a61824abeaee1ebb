import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { DefaultPartitioner, murmur2, partitionForKey, toPositive } from '../../../src/broker/partitioner';

// kafkajs' DefaultPartitioner hash, a port of Java's Utils.murmur2 (kafkajs is a dev dependency of this repository).
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2') as (key: Buffer) => number;

describe('Kafka default partitioner', () => {
  it("matches Kafka's own murmur2 test vectors (UtilsTest.testMurmur2)", () => {
    const vectors: Array<[Uint8Array, number]> = [
      [Buffer.from('21'), -973932308],
      [Buffer.from('foobar'), -790332482],
      [Buffer.from('a-little-bit-long-string'), -985981536],
      [Buffer.from('a-little-bit-longer-string'), -1486304829],
      [Buffer.from('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8'), -58897971],
      [new Uint8Array([0x61, 0x62, 0x63]), 479470107],
    ];
    for (const [key, want] of vectors) assert.equal(murmur2(key), want, Buffer.from(key).toString());
  });

  it('toPositive clears the sign bit as Java does, Integer.MIN_VALUE included', () => {
    assert.equal(toPositive(-790332482), 1357151166);
    assert.equal(toPositive(-2147483648), 0);
    assert.equal(toPositive(2147483647), 2147483647);
    // "foobar" over 10 partitions, as Java computes toPositive(murmur2(key)) % 10.
    assert.equal(partitionForKey(Buffer.from('foobar'), 10), 6);
  });

  it('places keys of every length (every tail case, bytes >= 0x80) where a Java-compatible client does', () => {
    for (let i = 0; i < 2000; i++) {
      const key = randomBytes(i % 67);
      assert.equal(murmur2(key), kafkajsMurmur2(key), key.toString('hex'));
      for (const n of [1, 3, 7, 50]) assert.equal(partitionForKey(key, n), toPositive(kafkajsMurmur2(key)) % n);
    }
  });

  it('keeps records without a key on one partition per batch (sticky), moving on with each batch', () => {
    const p = new DefaultPartitioner();
    const seen: number[] = [];
    for (let batch = 0; batch < 6; batch++) {
      const sticky = p.newBatch('t', 3);
      const inBatch = new Set([0, 1, 2, 3].map(() => p.partition('t', null, 3, 'sticky', sticky)));
      assert.equal(inBatch.size, 1, 'one partition within a batch');
      seen.push(sticky);
    }
    assert.deepEqual(seen, [0, 1, 2, 0, 1, 2]);
    // Keyed records ignore the sticky choice.
    assert.equal(p.partition('t', Buffer.from('foobar'), 10, 'sticky', 3), 6);
  });

  it('spreads records without a key round-robin, record by record, when asked', () => {
    const p = new DefaultPartitioner();
    const sticky = p.newBatch('u', 4);
    const got = Array.from({ length: 8 }, () => p.partition('u', null, 4, 'roundRobin', sticky));
    assert.deepEqual(got, [1, 2, 3, 0, 1, 2, 3, 0]);
    assert.throws(() => partitionForKey(Buffer.from('k'), 0), RangeError);
  });
});
