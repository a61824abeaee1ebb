/**
 * Kafka's default partitioner, so records produced through Tributary's own API land where a Java client would put
 * them: a keyed record goes to `toPositive(murmur2(key)) % numPartitions` (Utils.murmur2 and Utils.toPositive,
 * exactly), and records without a key stick to one partition per batch (KIP-480's sticky partitioner), moving on
 * for the next batch, or go round-robin record by record (Kafka's RoundRobinPartitioner) when asked.
 */

/** Java's Utils.murmur2: 32-bit MurmurHash2 with Kafka's seed, returned as a signed int like Java's. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  const seed = 0x9747b28c;
  const m = 0x5bd1e995;
  const r = 24;
  // Every step stays in int32 arithmetic (Math.imul, |0) as Java's int does, overflow included.
  let h = (seed ^ length) | 0;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = data[i4] | (data[i4 + 1] << 8) | (data[i4 + 2] << 16) | (data[i4 + 3] << 24);
    k = Math.imul(k, m);
    k ^= k >>> r;
    k = Math.imul(k, m);
    h = Math.imul(h, m);
    h ^= k;
  }
  // Java's switch falls through from case 3 to case 1; written as nested conditions for the same effect.
  const tail = length & ~3;
  const rest = length & 3;
  if (rest >= 3) h ^= data[tail + 2] << 16;
  if (rest >= 2) h ^= data[tail + 1] << 8;
  if (rest >= 1) {
    h ^= data[tail];
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** Java's Utils.toPositive: clears the sign bit (not Math.abs, which Integer.MIN_VALUE would defeat). */
export function toPositive(n: number): number {
  return n & 0x7fffffff;
}

/** The partition Kafka's clients (Java's BuiltInPartitioner, kafkajs' DefaultPartitioner) choose for a key. */
export function partitionForKey(key: Uint8Array, numPartitions: number): number {
  if (!Number.isInteger(numPartitions) || numPartitions < 1) throw new RangeError(`numPartitions must be a positive integer, not ${numPartitions}`);
  return toPositive(murmur2(key)) % numPartitions;
}

export type NullKeyStrategy = 'sticky' | 'roundRobin';

/**
 * Chooses partitions for the records of one producer. Keyed records always hash; records without a key follow
 * `strategy`. Sticky partitions advance round-robin from batch to batch rather than at random (Java picks at random)
 * so what a test or a user sees is reproducible; either way every partition gets its share.
 */
export class DefaultPartitioner {
  private readonly next = new Map<string, number>();

  /** The partition for one record; `batchPartition` is the sticky choice of the batch it belongs to. */
  partition(topic: string, key: Uint8Array | null, numPartitions: number, strategy: NullKeyStrategy, batchPartition: number): number {
    if (key !== null) return partitionForKey(key, numPartitions);
    if (strategy === 'sticky') return batchPartition % numPartitions;
    return this.advance(topic, numPartitions);
  }

  /** Starts a batch: the partition its records without a key stick to. */
  newBatch(topic: string, numPartitions: number): number {
    return this.advance(topic, numPartitions);
  }

  private advance(topic: string, numPartitions: number): number {
    const p = (this.next.get(topic) ?? 0) % numPartitions;
    this.next.set(topic, p + 1);
    return p;
  }

  /** Forgets a topic (deleted, or its partition count changed). */
  forget(topic: string): void {
    this.next.delete(topic);
  }
}
