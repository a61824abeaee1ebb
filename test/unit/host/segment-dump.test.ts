import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Log } from '../../../src/broker/storage/log';
import { defaultLogConfig } from '../../../src/broker/config/topic-config';
import { encodeRecordBatch, EncodeBatchInput } from '../../../src/broker/records/record-batch';
import { CompressionType, initCompression } from '../../../src/broker/records/compression';
import { ControlRecordType, encodeEndTxnMarkerBatch } from '../../../src/broker/records/control-record';
import { groupMetadataKey, groupMetadataValue, offsetCommitKey, offsetCommitValue } from '../../../src/broker/coordinator/group/offsets-records';
import { currentAssignmentRecord, groupEpochRecord, memberRecord } from '../../../src/broker/coordinator/group/consumer-group-records';
import { encodeConsumerProtocolAssignment } from '../../../src/protocol/messages/consumer-protocol-assignment';
import { Writer } from '../../../src/protocol/codec';
import { dumpLog } from '../../../src/cli/dump-log';
import { bytesView, dumpSegment, listSegments, positionOfOffset, readBatchBytes, segmentFileInfo } from '../../../src/broker/segment-dump';
import type { BatchDump, SegmentDump } from '../../../src/shared/webview-protocol';
import { tmpDir, rm } from '../../support/tmp';

const T0 = 1_700_000_000_000;
const LOG0 = '00000000000000000000.log';

function batch(records: Array<{ key: string | null; value: string | null; headers?: Array<[string, string | null]>; ts?: number }>, extra: Partial<EncodeBatchInput> = {}): Buffer {
  return encodeRecordBatch({
    ...extra,
    records: records.map((r, i) => ({
      key: r.key === null ? null : Buffer.from(r.key),
      value: r.value === null ? null : Buffer.from(r.value),
      headers: (r.headers ?? []).map(([k, v]) => ({ key: k, value: v === null ? null : Buffer.from(v) })),
      timestamp: r.ts ?? T0 + i,
    })),
  });
}

/** kafka-dump-log's batch lines for a file, as field maps (what `tributary dump-log` prints). */
async function dumpLogBatchLines(file: string): Promise<Array<Record<string, string>>> {
  const lines: string[] = [];
  await dumpLog([file], { out: (l) => lines.push(l), err: () => undefined });
  return lines
    .filter((l) => l.startsWith('baseOffset:'))
    .map((l) => {
      const fields: Record<string, string> = {};
      const re = /(\w+): (OptionalLong\[[^\]]*\]|OptionalLong\.empty|\S+)/g;
      for (let m = re.exec(l); m; m = re.exec(l)) fields[m[1]] = m[2];
      return fields;
    });
}

/** The same fields from a structured dump, formatted as kafka-dump-log prints them. */
function asDumpLogFields(b: BatchDump): Record<string, string> {
  return {
    baseOffset: String(b.baseOffset),
    lastOffset: String(b.lastOffset),
    count: String(b.count),
    baseSequence: String(b.baseSequence),
    lastSequence: String(b.lastSequence),
    producerId: String(b.producerId),
    producerEpoch: String(b.producerEpoch),
    partitionLeaderEpoch: String(b.partitionLeaderEpoch),
    isTransactional: String(b.isTransactional),
    isControl: String(b.isControl),
    deleteHorizonMs: b.deleteHorizonMs === null ? 'OptionalLong.empty' : `OptionalLong[${b.deleteHorizonMs}]`,
    position: String(b.position),
    [b.timestampType]: String(b.maxTimestamp),
    size: String(b.size),
    magic: String(b.magic),
    compresscodec: b.compresscodec,
    crc: String(b.crc),
    isvalid: String(b.isValid),
  };
}

async function allPages(file: string, maxBatches: number): Promise<SegmentDump[]> {
  const pages: SegmentDump[] = [];
  let from: number | undefined;
  for (;;) {
    const page = await dumpSegment(file, { fromPosition: from, maxBatches });
    pages.push(page);
    if (page.nextPosition === undefined) return pages;
    from = page.nextPosition;
  }
}

describe('Segment dump for the segment inspector (structured kafka-dump-log)', () => {
  let dir: string;
  before(() => initCompression());
  beforeEach(() => (dir = tmpDir('tributary-segdump-')));
  afterEach(() => rm(dir));

  /** node-0/orders-0 with plain, zstd idempotent, transactional and control batches. */
  function ordersLog(config: Record<string, string> = { 'index.interval.bytes': '1' }): { file: string; partitionDir: string } {
    const partitionDir = path.join(dir, 'node-0', 'orders-0');
    const log = Log.open(partitionDir, { topic: 'orders', partition: 0 }, defaultLogConfig(config));
    log.appendAsLeader(batch([{ key: 'k0', value: '{"n":0}', headers: [['trace', 't-0'], ['nil', null]] }, { key: null, value: 'v1' }]), 3); // 0-1
    log.appendAsLeader(batch([{ key: 'k2', value: 'v2' }, { key: 'k3', value: null }, { key: 'k4', value: 'v4' }], { compression: CompressionType.Zstd, producerId: 42, producerEpoch: 3, baseSequence: 0 }), 3); // 2-4
    log.appendAsLeader(batch([{ key: 'k5', value: 't5' }], { producerId: 7, producerEpoch: 1, baseSequence: 0, isTransactional: true }), 4); // 5
    log.appendAsLeader(encodeEndTxnMarkerBatch({ type: ControlRecordType.Commit, producerId: 7, producerEpoch: 1, coordinatorEpoch: 5, timestamp: T0 + 10 }), 4, { fromClient: false }); // 6
    log.close();
    return { file: path.join(partitionDir, LOG0), partitionDir };
  }

  it('gives every batch the fields kafka-dump-log prints (same values as `tributary dump-log`), the computed CRC, records, headers and control records', async () => {
    const { file } = ordersLog();
    const d = await dumpSegment(file);
    assert.deepEqual([d.topic, d.partition, d.node, d.baseOffset, d.logFile, d.logSize], ['orders', 0, 0, 0, LOG0, fs.statSync(file).size]);
    assert.equal(d.batches.length, 4);
    assert.deepEqual(d.batches.map(asDumpLogFields), await dumpLogBatchLines(file));
    assert.equal(d.nextPosition, undefined);
    assert.equal(d.invalidTail, undefined);
    assert.deepEqual(d.problems, []);

    const [plain, zstd, txn, control] = d.batches;
    assert.deepEqual([plain.position, zstd.position, txn.position, control.position], [0, plain.size, plain.size + zstd.size, plain.size + zstd.size + txn.size]);
    assert.equal(control.position + control.size, d.logSize);
    for (const b of d.batches) {
      assert.equal(b.isValid, true);
      assert.equal(b.computedCrc, undefined, 'computedCrc is only sent when it differs');
    }
    assert.deepEqual([zstd.compresscodec, zstd.producerId, zstd.producerEpoch, zstd.baseSequence, zstd.lastSequence, zstd.partitionLeaderEpoch], ['zstd', 42, 3, 0, 2, 3]);
    assert.deepEqual([txn.isTransactional, control.isControl, control.isTransactional, control.partitionLeaderEpoch], [true, true, true, 4]);

    const r0 = plain.records![0];
    assert.deepEqual([r0.offset, r0.timestamp, r0.keySize, r0.valueSize, r0.sequence, r0.headerKeys], [0, T0, 2, 7, -1, ['trace', 'nil']]);
    assert.deepEqual([r0.key!.text, r0.value!.text, r0.value!.utf8, r0.value!.truncated, r0.value!.size], ['k0', '{"n":0}', true, false, 7]);
    assert.equal(Buffer.from(r0.value!.base64, 'base64').toString(), '{"n":0}');
    assert.deepEqual(r0.headers.map((h) => [h.key, h.value?.text ?? null]), [['trace', 't-0'], ['nil', null]]);
    assert.deepEqual([plain.records![1].key, plain.records![1].keySize], [null, -1]);
    assert.deepEqual(zstd.records!.map((r) => [r.offset, r.sequence, r.valueSize]), [[2, 0, 2], [3, 1, -1], [4, 2, 2]]);
    assert.equal(control.records![0].control, 'endTxnMarker: COMMIT coordinatorEpoch: 5');
    assert.equal(txn.records![0].control, undefined);

    // Every batch got an index entry (index.interval.bytes=1: after the first), each pointing at its batch.
    assert.ok(d.offsetIndex.length >= 3);
    assert.deepEqual(d.offsetIndex.filter((e) => e.problem), []);
    for (const e of d.offsetIndex) assert.equal(d.batches.find((b) => b.position === e.position)?.lastOffset, e.offset);
    assert.ok(d.timeIndex.length >= 1);
    assert.deepEqual(d.timeIndex.filter((e) => e.problem), []);
  });

  it('flags a batch whose CRC is wrong (stored and computed CRC) and keeps going; reports a torn tail as Kafka does', async () => {
    const { file } = ordersLog();
    const clean = await dumpSegment(file);
    const victim = clean.batches[1];
    const bytes = fs.readFileSync(file);
    bytes[victim.position + 61 + 3] ^= 0xff; // inside the zstd body, covered by the CRC
    const torn = batch([{ key: 'late', value: 'x'.repeat(100) }]).subarray(0, 40); // a batch cut short by a crash
    fs.writeFileSync(file, Buffer.concat([bytes, torn]));

    const d = await dumpSegment(file);
    assert.equal(d.batches.length, 4, 'the walk goes on past the corrupt batch');
    const bad = d.batches[1];
    assert.equal(bad.isValid, false);
    assert.equal(bad.crc, victim.crc);
    assert.notEqual(bad.computedCrc, undefined);
    assert.notEqual(bad.computedCrc, bad.crc);
    assert.deepEqual(d.batches.filter((b) => !b.isValid).length, 1);
    assert.deepEqual(d.batches.map(asDumpLogFields), await dumpLogBatchLines(file), 'the same verdict as dump-log');
    assert.ok(d.invalidTail);
    assert.equal(d.invalidTail.position, clean.logSize);
    assert.equal(d.invalidTail.bytes, 40);
    assert.match(d.invalidTail.reason, /only 40 bytes follow/);
    assert.equal(d.nextPosition, undefined);

    // A tail that is not a batch at all (garbage magic).
    fs.writeFileSync(file, Buffer.concat([fs.readFileSync(file).subarray(0, clean.logSize), Buffer.alloc(64, 0x41)]));
    const g = await dumpSegment(file);
    assert.match(g.invalidTail!.reason, /magic 65/);
    assert.equal(g.invalidTail!.bytes, 64);
  });

  it('decodes __consumer_offsets records (commits, group metadata with assignments, tombstones)', async () => {
    const partitionDir = path.join(dir, 'node-1', '__consumer_offsets-7');
    const log = Log.open(partitionDir, { topic: '__consumer_offsets', partition: 7 }, defaultLogConfig({ 'cleanup.policy': 'compact' }));
    const w = new Writer(64, Number.MAX_SAFE_INTEGER);
    w.int16(0);
    encodeConsumerProtocolAssignment(w, 0, { assignedPartitions: [{ topic: 'orders', partitions: [2, 0] }], userData: null });
    const assignment = w.toBuffer();
    const member = { memberId: 'm-1', groupInstanceId: null, clientId: 'billing-app', clientHost: '/127.0.0.1', rebalanceTimeout: 30000, sessionTimeout: 10000, subscription: Buffer.alloc(0), assignment };
    log.appendAsLeader(
      encodeRecordBatch({
        records: [
          { key: offsetCommitKey('billing', 'orders', 0), value: offsetCommitValue({ offset: 1200, leaderEpoch: 0, metadata: 'm', commitTimestamp: T0, expireTimestamp: -1 }), timestamp: T0 },
          { key: groupMetadataKey('billing'), value: groupMetadataValue({ protocolType: 'consumer', generation: 4, protocol: 'range', leader: 'm-1', currentStateTimestamp: T0, members: [member] }), timestamp: T0 },
          { key: offsetCommitKey('billing', 'orders', 1), value: null, timestamp: T0 },
        ],
      }),
      0,
      { fromClient: false },
    );
    log.close();
    const d = await dumpSegment(path.join(partitionDir, LOG0));
    assert.deepEqual([d.topic, d.partition, d.node], ['__consumer_offsets', 7, 1]);
    const [commit, group, tombstone] = d.batches[0].records!.map((r) => r.offsetsTopic);
    assert.deepEqual(commit, { type: 'offset', group: 'billing', topic: 'orders', partition: 0, value: { offset: 1200, leaderEpoch: 0, metadata: 'm', commitTimestamp: T0, expireTimestamp: -1 } });
    assert.equal(group?.type, 'group');
    assert.ok(group?.type === 'group' && group.value);
    assert.deepEqual([group.value.generation, group.value.protocol, group.value.leader], [4, 'range', 'm-1']);
    assert.deepEqual(group.value.members[0].assignment, [{ topic: 'orders', partitions: [0, 2] }]);
    assert.equal(group.value.members[0].clientId, 'billing-app');
    assert.deepEqual(tombstone, { type: 'offset', group: 'billing', topic: 'orders', partition: 1, value: null });
  });

  it('decodes the consumer protocol\'s records (KIP-848): epochs, members, assignments, tombstones, in words', async () => {
    const partitionDir = path.join(dir, 'node-1', '__consumer_offsets-8');
    const log = Log.open(partitionDir, { topic: '__consumer_offsets', partition: 8 }, defaultLogConfig({ 'cleanup.policy': 'compact' }));
    const topicId = '0123456789abcdef0123456789abcdef';
    const records = [
      groupEpochRecord('g848', 3),
      memberRecord('g848', 'm-1', { instanceId: 'i-1', rackId: null, clientId: 'billing-1', clientHost: '/127.0.0.1', subscribedTopicNames: ['orders'], subscribedTopicRegex: null, rebalanceTimeoutMs: 30000, serverAssignor: 'range', classicMemberMetadata: null }),
      currentAssignmentRecord('g848', 'm-1', { memberEpoch: 3, previousMemberEpoch: 2, state: 1, assignedPartitions: [{ topicId, partitions: [0] }], partitionsPendingRevocation: [{ topicId, partitions: [1] }] }),
      groupEpochRecord('g848', null),
    ];
    log.appendAsLeader(encodeRecordBatch({ records: records.map((r) => ({ ...r, timestamp: T0 })) }), 0, { fromClient: false });
    log.close();
    const d = await dumpSegment(path.join(partitionDir, LOG0));
    const [epoch, member, current, gone] = d.batches[0].records!.map((r) => r.offsetsTopic);
    assert.deepEqual(epoch, { type: 'consumerGroup', group: 'g848', record: 'ConsumerGroupMetadata', summary: 'group epoch 3' });
    assert.deepEqual(member, {
      type: 'consumerGroup',
      group: 'g848',
      record: 'ConsumerGroupMemberMetadata',
      memberId: 'm-1',
      summary: 'client billing-1 on /127.0.0.1, instance i-1, topics [orders], assignor range, rebalance timeout 30000 ms',
    });
    assert.deepEqual(current, {
      type: 'consumerGroup',
      group: 'g848',
      record: 'ConsumerGroupCurrentMemberAssignment',
      memberId: 'm-1',
      summary: 'member epoch 3 (previous 2), state unrevoked_partitions, assigned ASNFZ4mrze8BI0VniavN7w [0], revoking ASNFZ4mrze8BI0VniavN7w [1]',
    });
    assert.deepEqual(gone, { type: 'consumerGroup', group: 'g848', record: 'ConsumerGroupMetadata', summary: null });
  });

  it('pages through a segment: pages join up to the whole dump, each with the index entries of its own batches; offsets and odd positions are found through the index', async () => {
    const partitionDir = path.join(dir, 'node-2', 'pages-0');
    const log = Log.open(partitionDir, { topic: 'pages', partition: 0 }, defaultLogConfig({ 'index.interval.bytes': '500' }));
    for (let i = 0; i < 300; i++) log.appendAsLeader(batch([{ key: `k${i}`, value: `value-${i}-${'x'.repeat(i % 50)}`, ts: T0 + i * 1000 }, { key: `k${i}b`, value: 'y', ts: T0 + i * 1000 + 1 }]), 0);
    log.close();
    const file = path.join(partitionDir, LOG0);

    const whole = await dumpSegment(file, { maxBatches: 1000 });
    assert.equal(whole.batches.length, 300);
    assert.equal(whole.nextPosition, undefined);
    const pages = await allPages(file, 70);
    assert.deepEqual(pages.map((p) => p.batches.length), [70, 70, 70, 70, 20]);
    assert.deepEqual(pages.flatMap((p) => p.batches), whole.batches);
    assert.deepEqual(pages.flatMap((p) => p.offsetIndex), whole.offsetIndex, 'the index entries split along the pages');
    assert.deepEqual(pages.flatMap((p) => p.timeIndex), whole.timeIndex);
    assert.ok(whole.offsetIndex.length > 20);
    assert.deepEqual(whole.offsetIndex.filter((e) => e.problem), []);
    assert.deepEqual(whole.timeIndex.filter((e) => e.problem), []);
    for (const p of pages) {
      const first = p.batches[0].position;
      const end = p.nextPosition ?? p.logSize;
      for (const e of p.offsetIndex) assert.ok(e.position >= first && e.position < end, `entry at ${e.position} belongs to the page [${first}, ${end})`);
    }

    // An offset's batch, through the index.
    const target = whole.batches[201];
    assert.equal(await positionOfOffset(file, target.baseOffset + 1), target.position);
    assert.equal(await positionOfOffset(file, 0), 0);
    assert.equal(await positionOfOffset(file, 600), undefined);
    // A position inside a batch: the page starts at the next batch, and says so.
    const odd = await dumpSegment(file, { fromPosition: target.position + 5, maxBatches: 3 });
    assert.equal(odd.batches[0].position, whole.batches[202].position);
    assert.match(odd.problems[0], /is not the start of a batch/);
  });

  it('bounds a page by bytes and records as well as batches, listing at most maxRecords records of a huge batch', async () => {
    const partitionDir = path.join(dir, 'node-0', 'big-0');
    const log = Log.open(partitionDir, { topic: 'big', partition: 0 }, defaultLogConfig());
    for (let i = 0; i < 4; i++) log.appendAsLeader(batch([{ key: 'k', value: 'v'.repeat(300_000) }]), 0);
    log.appendAsLeader(batch(Array.from({ length: 50 }, (_, i) => ({ key: `m${i}`, value: 'small' }))), 0);
    log.close();
    const file = path.join(partitionDir, LOG0);
    const p1 = await dumpSegment(file, { maxBytes: 700_000, maxPreviewBytes: 100 });
    assert.equal(p1.batches.length, 2);
    const v = p1.batches[0].records![0].value!;
    assert.deepEqual([v.size, v.truncated, Buffer.from(v.base64, 'base64').length, v.text.length], [300_000, true, 100, 100]);
    const p2 = await dumpSegment(file, { fromPosition: p1.nextPosition, maxRecords: 10 });
    assert.deepEqual(p2.batches.map((b) => b.count), [1, 1], 'the 50-record batch would pass maxRecords: it starts the next page');
    const p3 = await dumpSegment(file, { fromPosition: p2.nextPosition, maxRecords: 10 });
    assert.equal(p3.batches.length, 1, 'a page always holds one batch');
    assert.equal(p3.batches[0].records!.length, 10);
    assert.match(p3.batches[0].recordsError!, /first 10 of 50/);
  });

  it('reports index entries past the end of the log or pointing at the wrong batch, and reads a preallocated (zero-filled) index as Kafka does', async () => {
    const { file, partitionDir } = ordersLog();
    const size = fs.statSync(file).size;
    const indexFile = path.join(partitionDir, '00000000000000000000.index');
    const index = fs.readFileSync(indexFile);
    const entries = index.length / 8;
    assert.ok(entries >= 2);
    index.writeInt32BE(index.readInt32BE(8) + 1, 8); // entry 1 claims one offset more than its batch ends at
    const pastEnd = Buffer.alloc(8);
    pastEnd.writeInt32BE(100, 0);
    pastEnd.writeInt32BE(size + 1000, 4);
    // Kafka preallocates an active segment's index and fills it with zeros.
    fs.writeFileSync(indexFile, Buffer.concat([index, pastEnd, Buffer.alloc(80)]));
    const timeIndexFile = path.join(partitionDir, '00000000000000000000.timeindex');
    fs.writeFileSync(timeIndexFile, Buffer.concat([fs.readFileSync(timeIndexFile), Buffer.alloc(120)]));

    const d = await dumpSegment(file);
    assert.equal(d.offsetIndex.length, entries + 1, 'the zero fill is not read as entries');
    const e1 = d.offsetIndex[1];
    const b1 = d.batches.find((b) => b.position === e1.position)!;
    assert.equal(e1.problem, `points at offset ${b1.lastOffset}, not ${b1.lastOffset + 1}`);
    assert.match(d.offsetIndex[entries].problem!, new RegExp(`position ${size + 1000} is past the end of the log \\(${size} bytes\\)`));
    assert.deepEqual(d.timeIndex.filter((e) => e.problem), []);
    assert.deepEqual(d.problems, []);

    // Missing indexes of a closed segment are a problem of their own, not a failure; the active segment's may not
    // be written yet.
    fs.rmSync(indexFile);
    fs.rmSync(timeIndexFile);
    assert.deepEqual((await dumpSegment(file)).problems, []);
    fs.writeFileSync(path.join(partitionDir, '00000000000000000007.log'), '');
    const m = await dumpSegment(file);
    assert.equal(m.batches.length, 4);
    assert.equal(m.problems.length, 2);
    assert.match(m.problems[0], /offset index \(\.index\) is missing/);
  });

  it('opens a real Kafka log directory by path (node id from meta.properties, topic names with dashes), the .index path too; lists segments; returns a batch’s bytes', async () => {
    const kafkaLogDir = path.join(dir, 'kafka-logs');
    fs.mkdirSync(kafkaLogDir);
    fs.writeFileSync(path.join(kafkaLogDir, 'meta.properties'), '#\nnode.id=3\nversion=1\ncluster.id=abc\n');
    const partitionDir = path.join(kafkaLogDir, 'my-topic-v2-11');
    const log = Log.open(partitionDir, { topic: 'my-topic-v2', partition: 11 }, defaultLogConfig({ 'segment.bytes': '400' }));
    for (let i = 0; i < 10; i++) log.appendAsLeader(batch([{ key: `k${i}`, value: 'v'.repeat(60) }]), 0);
    log.close();
    const segments = listSegments(partitionDir);
    assert.ok(segments.length >= 3);
    assert.deepEqual(segments.map((s) => s.active), [...segments.slice(1).map(() => false), true]);
    assert.equal(segments[1].logFile, `${String(segments[1].baseOffset).padStart(20, '0')}.log`);
    assert.ok(segments.every((s) => s.logSize > 0 && s.indexSize >= 0));

    const second = path.join(partitionDir, segments[1].logFile.replace('.log', '.index'));
    const info = segmentFileInfo(second);
    assert.deepEqual([info.topic, info.partition, info.node, info.baseOffset], ['my-topic-v2', 11, 3, segments[1].baseOffset]);
    const d = await dumpSegment(second);
    assert.deepEqual([d.topic, d.partition, d.node, d.baseOffset, d.logFile], ['my-topic-v2', 11, 3, segments[1].baseOffset, segments[1].logFile]);
    assert.equal(d.batches[0].baseOffset, segments[1].baseOffset);

    const raw = fs.readFileSync(path.join(partitionDir, segments[1].logFile));
    const b = d.batches[1];
    const whole = await readBatchBytes(path.join(partitionDir, segments[1].logFile), b.position);
    assert.deepEqual([whole.size, whole.truncated], [b.size, false]);
    assert.deepEqual(Buffer.from(whole.base64, 'base64'), raw.subarray(b.position, b.position + b.size));
    const cut = await readBatchBytes(path.join(partitionDir, segments[1].logFile), b.position, 16);
    assert.deepEqual([cut.size, cut.truncated, Buffer.from(cut.base64, 'base64').length], [b.size, true, 16]);
    await assert.rejects(readBatchBytes(path.join(partitionDir, segments[1].logFile), raw.length + 5), /outside the log/);
    assert.throws(() => segmentFileInfo(path.join(partitionDir, 'leader-epoch-checkpoint')), /not a segment file/);
  });

  it('BytesView: caps the preview, keeps a character cut by the cap from making text invalid, and flags binary bytes', () => {
    assert.equal(bytesView(null, 10), null);
    const euro = Buffer.from('€€€€', 'utf8'); // 3 bytes each
    const v = bytesView(euro, 7)!;
    assert.deepEqual([v.size, v.truncated, v.utf8, v.text, Buffer.from(v.base64, 'base64').length], [12, true, true, '€€', 7]);
    const bin = bytesView(Buffer.from([0xff, 0xfe, 0x00]), 10)!;
    assert.deepEqual([bin.utf8, bin.truncated, bin.size], [false, false, 3]);
  });
});
