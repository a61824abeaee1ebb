// The request versions Kafka 3.9 serves and Kafka 4.0 dropped (KIP-896), in raw frames: ListOffsets v0 (offsets at
// segment granularity), OffsetCommit v1 (a commit timestamp) and v2-4 (a retention time), OffsetCommit/OffsetFetch v0
// (ZooKeeper-backed in Kafka, so UNSUPPORTED_VERSION on a KRaft broker), OffsetFetch v1's per-partition errors, and
// OffsetForLeaderEpoch v0-1, and Fetch v0-3 with its down-conversion to message formats v0 and v1.
import { strict as assert } from 'node:assert';
import { startTestBroker, TestBroker } from '../support/broker';
import { RawClient } from '../support/raw-client';
import { textBatch } from '../support/batches';
import { ErrorCode } from '../../src/broker/errors';
import { decodeOffsetsTopicRecord } from '../../src/broker/coordinator/group/offsets-records';
import { defaultFetchRequestData } from '../../src/protocol/messages/fetch-request';
import { ZERO_UUID } from '../../src/protocol/codec';
import { readLegacyMessages } from '../../src/broker/records/legacy-message-set';
import { ClusterOffsetsTopic } from '../../src/broker/coordinator/group/offsets-topic';

describe('Old request versions (Kafka 3.9 serves them, Kafka 4.0 does not)', function () {
  this.timeout(30000);
  let broker: TestBroker;
  const clients: RawClient[] = [];
  before(async () => {
    broker = await startTestBroker({ nodes: 1 });
    broker.cluster.createTopic('old', 1, 1, { 'segment.bytes': '1024' });
  });
  after(async () => {
    for (const c of clients) c.close();
    await broker?.stop();
  });
  const connect = async () => {
    const c = await RawClient.connect(broker.bootstrap);
    clients.push(c);
    return c;
  };
  const produce = (c: RawClient, values: string[]) => c.request(0, 3, { transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{ name: 'old', partitionData: [{ index: 0, records: textBatch(values) }] }] });

  it('ListOffsets v0: the newest segment boundaries first, at most MaxNumOffsets, latest and earliest', async () => {
    const c = await connect();
    // Three rolls of ~1 KiB segments.
    for (let i = 0; i < 6; i++) await produce(c, [`${'x'.repeat(400)}${i}`]);
    const log = broker.cluster.leaderLog('old', 0);
    assert.ok(log.numberOfSegments >= 3, `${log.numberOfSegments} segments`);
    const bases = log.logSegments.map((s) => s.baseOffset);
    const ask = async (timestamp: number, maxNumOffsets: number) => {
      const r = await c.request(2, 0, { replicaId: -1, isolationLevel: 0, timeoutMs: 0, topics: [{ name: 'old', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp, maxNumOffsets }] }] });
      const p = r.topics[0].partitions[0];
      assert.equal(p.errorCode, ErrorCode.NONE);
      return p.oldStyleOffsets.map(Number);
    };
    const end = log.logEndOffset;
    assert.deepEqual(await ask(-1, 1), [end], 'latest: the log end offset');
    assert.deepEqual(await ask(-1, 100), [end, ...[...bases].reverse()], 'every boundary, newest first');
    assert.deepEqual(await ask(-2, 5), [bases[0]], 'earliest: the log start');
    // A timestamp before every segment was written: nothing.
    assert.deepEqual(await ask(1, 5), []);
    // Unknown partition: the error, no offsets.
    const r = await c.request(2, 0, { replicaId: -1, isolationLevel: 0, timeoutMs: 0, topics: [{ name: 'nope', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1, maxNumOffsets: 1 }] }] });
    assert.equal(r.topics[0].partitions[0].errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('OffsetCommit v1 (commit timestamp) and v2 (retention time) are stored; v0 is UNSUPPORTED_VERSION as on a KRaft Kafka 3.9', async () => {
    const c = await connect();
    const coordinator = async (group: string) => {
      const f = await c.request(10, 1, { key: group, keyType: 0, coordinatorKeys: [] });
      assert.equal(f.errorCode, 0);
      return f;
    };
    await coordinator('old-group');
    const commit = (v: number, offset: number, extra: Record<string, number> = {}) =>
      c.request(8, v, {
        groupId: 'old-group',
        generationIdOrMemberEpoch: -1,
        memberId: '',
        groupInstanceId: null,
        retentionTimeMs: extra.retentionTimeMs ?? -1,
        topics: [{ name: 'old', partitions: [{ partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: -1, commitTimestamp: extra.commitTimestamp ?? -1, committedMetadata: 'm' }] }],
      });
    const r1 = await commit(1, 3, { commitTimestamp: 1_600_000_000_000 });
    assert.equal(r1.topics[0].partitions[0].errorCode, ErrorCode.NONE);
    const fetch = async (v: number) => (await c.request(9, v, { groupId: 'old-group', topics: [{ name: 'old', partitionIndexes: [0] }], requireStable: false, groups: [] })).topics[0].partitions[0];
    assert.equal((await fetch(1)).committedOffset, 3);
    const offsetRecord = () => broker.cluster.groupCoordinator.group('old-group')!.offsets.get('old\u00000')!;
    assert.equal(offsetRecord().commitTimestamp, 1_600_000_000_000, 'v1 keeps the commit timestamp it was given');
    assert.equal(offsetRecord().expireTimestamp, -1);
    const before = Date.now();
    assert.equal((await commit(2, 4, { retentionTimeMs: 60_000 })).topics[0].partitions[0].errorCode, ErrorCode.NONE);
    assert.ok(offsetRecord().expireTimestamp >= before + 60_000, 'v2 stores now + the retention time');
    // The record is OffsetCommitValue v1, the version with an expire timestamp, as Kafka writes it.
    const records = [...new ClusterOffsetsTopic(broker.cluster).read(broker.cluster.groupCoordinator.partitionFor('old-group'))];
    const last = records.filter((rec) => rec.control === undefined).map((rec) => ({ version: rec.value ? rec.value.readInt16BE(0) : null, d: decodeOffsetsTopicRecord(rec.key, rec.value) })).filter((x) => x.d.type === 'offset').at(-1)!;
    assert.equal(last.version, 1);
    assert.equal(last.d.type === 'offset' && last.d.value!.offset, 4);
    // v0: ZooKeeper's; a KRaft broker refuses it per partition, and nothing changes.
    assert.equal((await commit(0, 9)).topics[0].partitions[0].errorCode, ErrorCode.UNSUPPORTED_VERSION);
    assert.equal((await fetch(0)).errorCode, ErrorCode.UNSUPPORTED_VERSION);
    assert.equal((await fetch(1)).committedOffset, 4);
  });

  it('OffsetFetch v1 has no group error: a wrong coordinator is answered on each partition', async () => {
    const b2 = await startTestBroker({ nodes: 3 });
    try {
      const group = 'elsewhere';
      // FindCoordinator makes __consumer_offsets; then the group has a coordinator, and another node is not it.
      const first = await RawClient.connect(b2.bootstrap);
      clients.push(first);
      for (let i = 0; i < 50 && (await first.request(10, 1, { key: group, keyType: 0, coordinatorKeys: [] })).errorCode !== 0; i++) await new Promise((r) => setTimeout(r, 100));
      const coordinator = b2.cluster.groupCoordinator.coordinatorFor(group);
      const other = b2.server.listeners().find((l) => l.nodeId !== coordinator)!;
      const c = await RawClient.connect(`${other.host}:${other.port}`);
      clients.push(c);
      const r = await c.request(9, 1, { groupId: group, topics: [{ name: 'a', partitionIndexes: [0, 1] }], requireStable: false, groups: [] });
      assert.deepEqual(r.topics[0].partitions.map((p) => [p.partitionIndex, p.errorCode]), [[0, ErrorCode.NOT_COORDINATOR], [1, ErrorCode.NOT_COORDINATOR]]);
    } finally {
      await b2?.stop();
    }
  });

  it('OffsetForLeaderEpoch v0 (no epoch in the answer) and v1 (with it)', async () => {
    const c = await connect();
    const ask = (v: number) => c.request(23, v, { replicaId: -2, topics: [{ topic: 'old', partitions: [{ partition: 0, currentLeaderEpoch: -1, leaderEpoch: 0 }] }] });
    const end = broker.cluster.leaderLog('old', 0).logEndOffset;
    const r0 = (await ask(0)).topics[0].partitions[0];
    assert.deepEqual([r0.errorCode, r0.endOffset, r0.leaderEpoch], [ErrorCode.NONE, end, -1]);
    const r1 = (await ask(1)).topics[0].partitions[0];
    assert.deepEqual([r1.errorCode, r1.endOffset, r1.leaderEpoch], [ErrorCode.NONE, end, 0]);
  });

  it('Fetch v0-3: message format v0 (v0-1) and v1 (v2-3) with timestamps; v0-2 keep the partition limit hard; zstd and disabled down-conversion refused', async () => {
    broker.cluster.createTopic('old-fetch', 1, 1);
    broker.cluster.createTopic('old-zstd', 1, 1, { 'compression.type': 'zstd' });
    broker.cluster.createTopic('old-noconv', 1, 1, { 'message.downconversion.enable': 'false' });
    const c = await connect();
    const put = (topic: string, values: string[], timestamp: number) => c.request(0, 3, { transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records: textBatch(values, { timestamp }) }] }] });
    await put('old-fetch', ['a', 'b'], 1_700_000_000_000);
    await put('old-fetch', ['c'], 1_700_000_000_500);
    const fetch = async (v: number, topic: string, offset: number, partitionMaxBytes = 1 << 20) => {
      const r = await c.request(1, v, { ...defaultFetchRequestData(), replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, topics: [{ topic, topicId: ZERO_UUID, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes, replicaDirectoryId: ZERO_UUID }] }] });
      return r.responses[0].partitions[0];
    };
    for (const v of [0, 1, 2, 3]) {
      const p = await fetch(v, 'old-fetch', 1);
      assert.equal(p.errorCode, ErrorCode.NONE);
      assert.equal(p.highWatermark, 3);
      const ms = readLegacyMessages(p.records as Buffer);
      assert.deepEqual(ms.map((m) => [m.offset, m.magic, m.value!.toString()]), [[1, v <= 1 ? 0 : 1, 'b'], [2, v <= 1 ? 0 : 1, 'c']], `v${v}`);
      assert.deepEqual(ms.map((m) => m.timestamp), v <= 1 ? [-1, -1] : [1_700_000_000_000, 1_700_000_000_500]);
    }
    // v0-2: a batch larger than the partition's max bytes is not sent (v3+ sends the first one whole).
    assert.equal((await fetch(2, 'old-fetch', 0, 10)).records!.length, 0);
    assert.ok((await fetch(3, 'old-fetch', 0, 10)).records!.length > 0);
    // A zstd topic cannot be read below Fetch v10; a topic without down-conversion below v4.
    await put('old-zstd', ['z'], 1);
    assert.equal((await fetch(9, 'old-zstd', 0)).errorCode, ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
    assert.equal((await fetch(10, 'old-zstd', 0)).errorCode, ErrorCode.NONE);
    await put('old-noconv', ['n'], 1);
    assert.equal((await fetch(3, 'old-noconv', 0)).errorCode, ErrorCode.UNSUPPORTED_VERSION);
    assert.equal((await fetch(4, 'old-noconv', 0)).errorCode, ErrorCode.NONE);
  });

  it('protocol.versions=4.0: exactly Kafka 4.0\'s floors (Produce still advertised from 0); an older version closes the connection and is listed', async () => {
    const b4 = await startTestBroker({ nodes: 1, config: { 'protocol.versions': '4.0' } });
    try {
      const c = await RawClient.connect(b4.bootstrap);
      clients.push(c);
      const r = await c.request(18, 3, { clientSoftwareName: 'legacy-app', clientSoftwareVersion: '1.0' });
      const byKey = new Map(r.apiKeys.map((k) => [k.apiKey, k.minVersion]));
      assert.deepEqual([0, 1, 2, 3, 8, 9, 11, 19, 20, 23].map((k) => byKey.get(k)), [0, 4, 1, 0, 2, 1, 2, 2, 1, 2]);
      // Fetch v3: Kafka 4 closes the connection on it, and so does the broker here.
      c.writeRaw(Buffer.from([0, 0, 0, 10, 0, 1, 0, 3, 0, 0, 0, 9, 0, 0]));
      await c.closed;
      assert.ok(b4.logger.lines.some((l) => /Fetch version 3 is not supported \(4-16\)/.test(l)));
      const seen = b4.server.clients.list();
      assert.equal(seen.length, 1);
      assert.equal(seen[0].softwareName, 'legacy-app');
      assert.deepEqual(seen[0].kafka4, [{ api: 'Fetch', version: 3, kafka4Min: 4 }]);
      // Produce v2 too: advertised from 0 as Kafka 4.0 does, refused all the same.
      const c2 = await RawClient.connect(b4.bootstrap);
      clients.push(c2);
      c2.writeRaw(Buffer.from([0, 0, 0, 10, 0, 0, 0, 2, 0, 0, 0, 9, 0, 0]));
      await c2.closed;
      assert.ok(b4.logger.lines.some((l) => /Produce version 2 is not supported \(3-12\)/.test(l)));
    } finally {
      await b4.stop();
    }
    // The default (3.9) serves them, and lists what Kafka 4.0 would refuse.
    const c = await connect();
    await c.request(2, 0, { replicaId: -1, isolationLevel: 0, timeoutMs: 0, topics: [] });
    const mine = broker.server.clients.list().find((x) => x.apis.some((a) => a.api === 'ListOffsets' && a.versions.includes(0)));
    assert.ok(mine?.kafka4.some((p) => p.api === 'ListOffsets' && p.version === 0 && p.kafka4Min === 1));
  });
});
