/**
 * Batches captured from real librdkafka producers (scripts/capture-golden.mjs: kcat 1.7.1 and
 * confluent-kafka-python 1.7.0, both librdkafka 2.0.2), decoded and re-encoded here.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BatchHeader, RECORD_BATCH_OVERHEAD, readBatchHeader } from '../../../src/broker/records/batch-header';
import { iterateBatches } from '../../../src/broker/records/batch-iterator';
import { CompressionType, compressionTypeFromName, decompress, initCompression } from '../../../src/broker/records/compression';
import { Record } from '../../../src/broker/records/record';
import { decodeRecords, encodeRecordBatch, verifyBatchCrc } from '../../../src/broker/records/record-batch';

type Bytes = string | { hex: string } | null;

interface Sidecar {
  description: string;
  compression: string;
  idempotent: boolean;
  expectedProducerId: number;
  timestampWindow: [number, number] | null;
  header: BatchHeader;
  records: Array<{ key: Bytes; value: Bytes; headers: Array<[string, Bytes]>; timestamp?: number }>;
}

const FIXTURES = path.resolve(__dirname, '../../../../test/fixtures/golden');
const names = fs
  .readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -5))
  .sort();

function bytes(x: Bytes): Buffer | null {
  if (x === null) return null;
  return typeof x === 'string' ? Buffer.from(x, 'utf8') : Buffer.from(x.hex, 'hex');
}

function reencode(h: BatchHeader, records: Record[], compression: CompressionType): Buffer {
  return encodeRecordBatch({
    baseOffset: h.baseOffset,
    partitionLeaderEpoch: h.partitionLeaderEpoch,
    compression,
    producerId: h.producerId,
    producerEpoch: h.producerEpoch,
    baseSequence: h.baseSequence,
    baseTimestamp: h.baseTimestamp,
    maxTimestamp: h.maxTimestamp,
    lastOffsetDelta: h.lastOffsetDelta,
    records: records.map((r) => ({ key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp, offsetDelta: r.offsetDelta })),
  });
}

describe('golden batches from librdkafka', () => {
  before(async () => {
    await initCompression();
  });

  it('has the full set of captures: kcat and python for every codec, plus idempotent producers', () => {
    for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd']) {
      assert.ok(names.includes(`kcat-${codec}`), `kcat-${codec}`);
      assert.ok(names.includes(`python-${codec}`), `python-${codec}`);
    }
    assert.ok(names.filter((n) => n.includes('idempotent')).length >= 1);
  });

  for (const name of names) {
    describe(name, () => {
      const sidecar = JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8')) as Sidecar;
      const data = fs.readFileSync(path.join(FIXTURES, `${name}.bin`));
      const codec = compressionTypeFromName(sidecar.compression);

      it('is one complete batch with a valid CRC and the header fields the sidecar records', () => {
        const it = iterateBatches(data);
        const batches = [...it];
        assert.equal(batches.length, 1);
        assert.equal(it.stopReason, 'end');
        assert.ok(verifyBatchCrc(data));
        const h = readBatchHeader(data);
        assert.deepEqual(h, sidecar.header);
        assert.equal(h.magic, 2);
        assert.equal(h.attributes & 7, codec, 'compression codec');
        assert.equal(h.attributes & ~7, 0, 'CreateTime, not transactional, not control');
        assert.equal(h.producerId, sidecar.expectedProducerId);
        assert.deepEqual([h.producerEpoch, h.baseSequence], sidecar.idempotent ? [0, 0] : [-1, -1]);
        assert.equal(h.lastOffsetDelta, sidecar.records.length - 1);
      });

      it('decodes to exactly the records the client was asked to produce', () => {
        const h = readBatchHeader(data);
        const records = decodeRecords(data);
        assert.equal(records.length, sidecar.records.length);
        records.forEach((r, i) => {
          const want = sidecar.records[i];
          assert.equal(r.offsetDelta, i);
          assert.equal(r.offset, h.baseOffset + i);
          assert.deepEqual(r.key, bytes(want.key), `key of record ${i}`);
          assert.deepEqual(r.value, bytes(want.value), `value of record ${i}`);
          assert.deepEqual(
            r.headers.map((x) => [x.key, x.value]),
            want.headers.map(([k, v]) => [k, bytes(v)]),
            `headers of record ${i}`,
          );
          if (want.timestamp !== undefined) {
            assert.equal(r.timestamp, want.timestamp);
          } else {
            const [from, to] = sidecar.timestampWindow!;
            assert.ok(r.timestamp >= from && r.timestamp <= to, `timestamp ${r.timestamp} outside the capture window`);
          }
        });
        assert.equal(h.baseTimestamp, records[0].timestamp);
        assert.equal(h.maxTimestamp, Math.max(...records.map((r) => r.timestamp)));
      });

      it('re-encodes to the same uncompressed records section, byte for byte', () => {
        const h = readBatchHeader(data);
        const ours = reencode(h, decodeRecords(data), CompressionType.None);
        const theirs = decompress(codec!, data.subarray(RECORD_BATCH_OVERHEAD));
        assert.ok(ours.subarray(RECORD_BATCH_OVERHEAD).equals(theirs));
        if (codec === CompressionType.None) assert.ok(ours.equals(data), 'whole batch identical, CRC included');
      });

      it(`re-encodes with ${sidecar.compression} to a batch that decodes to the same records`, () => {
        const h = readBatchHeader(data);
        const records = decodeRecords(data);
        const ours = reencode(h, records, codec!);
        assert.ok(verifyBatchCrc(ours));
        assert.deepEqual({ ...readBatchHeader(ours), crc: 0, batchLength: 0 }, { ...h, crc: 0, batchLength: 0 });
        assert.deepEqual(decodeRecords(ours), records);
      });
    });
  }
});
