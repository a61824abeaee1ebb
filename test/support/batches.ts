import { encodeRecordBatch } from '../../src/broker/records/record-batch';

/** An uncompressed batch of `n` records whose values are `${prefix}${i}`, keys `k${i}`. */
export function textBatch(values: string[], opts: { timestamp?: number; keys?: (string | null)[] } = {}): Buffer {
  const ts = opts.timestamp ?? Date.now();
  return encodeRecordBatch({
    records: values.map((v, i) => ({
      key: opts.keys ? (opts.keys[i] === null ? null : Buffer.from(opts.keys[i] as string)) : Buffer.from(`k${i}`),
      value: Buffer.from(v),
      timestamp: ts,
    })),
  });
}

/** One record of `size` bytes of value. */
export function sizedBatch(size: number, timestamp = Date.now(), key: string | null = 'k'): Buffer {
  return encodeRecordBatch({ records: [{ key: key === null ? null : Buffer.from(key), value: Buffer.alloc(size, 0x61), timestamp }] });
}
