import { strict as assert } from 'node:assert';
import { startTestBroker, TestBroker } from '../support/broker';
import { RawClient } from '../support/raw-client';
import { textBatch } from '../support/batches';
import { defaultFetchRequestData, type FetchRequestData } from '../../src/protocol/messages/fetch-request';
import { defaultMetadataRequestData } from '../../src/protocol/messages/metadata-request';
import { ErrorCode } from '../../src/broker/errors';
import { uuidFromKafkaString } from '../../src/protocol/codec';
import { decodeRecords } from '../../src/broker/records/record-batch';
import { readBatchHeader } from '../../src/broker/records/batch-header';
import { legacyMessage, gzipWrapper } from '../support/legacy-messages';

const produceReq = (topic: string, partition: number, records: Buffer, acks = 1) => ({ transactionalId: null, acks, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: partition, records }] }] });

function fetchReq(topics: Array<{ topic: string; topicId?: string; partitions: Array<{ partition: number; fetchOffset: number }> }>, over: Partial<FetchRequestData> = {}): FetchRequestData {
  return {
    ...defaultFetchRequestData(),
    maxWaitMs: 0,
    minBytes: 1,
    maxBytes: 1 << 20,
    topics: topics.map((t) => ({ topic: t.topic, topicId: t.topicId ?? '00000000000000000000000000000000', partitions: t.partitions.map((p) => ({ partition: p.partition, currentLeaderEpoch: -1, fetchOffset: p.fetchOffset, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1 << 20, replicaDirectoryId: '00000000000000000000000000000000' })) })),
    ...over,
  };
}

describe('Kafka server (raw frames)', function () {
  this.timeout(30000);
  let broker: TestBroker;
  let client: RawClient;
  before(async () => {
    broker = await startTestBroker({ nodes: 2, config: { 'socket.request.max.bytes': '200000', 'connections.max.idle.ms': '400' } });
    broker.cluster.createTopic('t', 2, 1);
  });
  after(() => broker.stop());
  beforeEach(async () => (client = await RawClient.connect(broker.bootstrap)));
  afterEach(() => client.close());

  const leaderAddress = (topic: string, p: number) => {
    const leader = broker.cluster.partitionLeader(topic, p);
    const l = broker.server.listeners().find((x) => x.nodeId === leader)!;
    return `${l.host}:${l.port}`;
  };

  it('ApiVersions advertises exactly the served ranges, and answers an unknown version with v0 + UNSUPPORTED_VERSION', async () => {
    const r = await client.request(18, 3, { clientSoftwareName: 'test', clientSoftwareVersion: '1' });
    assert.equal(r.errorCode, 0);
    const byKey = new Map(r.apiKeys.map((k) => [k.apiKey, [k.minVersion, k.maxVersion]]));
    assert.deepEqual(byKey.get(0), [0, 12]);
    assert.deepEqual(byKey.get(1), [0, 16]);
    assert.deepEqual(byKey.get(2), [0, 8]);
    assert.deepEqual(byKey.get(3), [0, 12]);
    assert.deepEqual(byKey.get(18), [0, 4]);
    assert.deepEqual(byKey.get(22), [0, 5]);
    assert.deepEqual(byKey.get(11), [0, 9]);
    // A version from the future: the answer is a v0 response listing what we serve.
    const frame = Buffer.alloc(4 + 14);
    frame.writeInt32BE(14, 0);
    frame.writeInt16BE(18, 4);
    frame.writeInt16BE(99, 6);
    frame.writeInt32BE(77, 8);
    frame.writeInt16BE(2, 12);
    frame.write('ok', 14);
    const p = client.expect(77, 18, 0);
    client.writeRaw(frame);
    const { decodeResponseFrame } = await import('../support/raw-client');
    const answer = decodeResponseFrame(18, 0, await p).response;
    assert.equal(answer.errorCode, ErrorCode.UNSUPPORTED_VERSION);
    assert.ok(answer.apiKeys.length >= 20);
  });

  it('closes the connection on an unknown API key, an unserved version, and a frame over socket.request.max.bytes', async () => {
    for (const bytes of [
      Buffer.from([0, 0, 0, 8, 0x7f, 0x7f, 0, 0, 0, 0, 0, 1]), // api key 32639
      Buffer.from([0, 0, 0, 10, 0, 1, 0, 17, 0, 0, 0, 1, 0xff, 0xff]), // Fetch v17 (Kafka 4's, not served)
      Buffer.from([0x00, 0x10, 0x00, 0x00, 0, 3, 0, 1]), // a 1 MB frame announced
    ]) {
      const c = await RawClient.connect(broker.bootstrap);
      c.writeRaw(bytes);
      await c.closed;
      assert.ok(c.isClosed);
    }
    assert.ok(broker.logger.lines.some((l) => /unsupported API key 32639/.test(l)));
    assert.ok(broker.logger.lines.some((l) => /Fetch version 17 is not supported/.test(l)));
    assert.ok(broker.logger.lines.some((l) => /socket.request.max.bytes/.test(l)));
    // The broker still serves.
    const md = await client.request(3, 12, { ...defaultMetadataRequestData(), topics: null });
    assert.ok(md.topics.some((t) => t.name === 't'));
  });

  it('closes idle connections after connections.max.idle.ms', async () => {
    const c = await RawClient.connect(broker.bootstrap);
    const t0 = Date.now();
    await c.closed;
    assert.ok(Date.now() - t0 >= 300, 'not before the idle time');
  });

  it('metadata: auto topic creation follows the request flag and the broker config; bad names are refused', async () => {
    const req = (name: string, allow: boolean) => client.request(3, 12, { ...defaultMetadataRequestData(), topics: [{ topicId: '00000000000000000000000000000000', name }], allowAutoTopicCreation: allow });
    assert.equal((await req('not-created', false)).topics[0].errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    assert.equal(broker.cluster.metadata.topic('not-created'), undefined);
    const created = (await req('auto-made', true)).topics[0];
    assert.equal(created.errorCode, 0);
    assert.equal(created.partitions.length, 1);
    assert.equal(created.topicId, uuidFromKafkaString(broker.cluster.metadata.topic('auto-made')!.topicId));
    assert.equal((await req('bad/name', true)).topics[0].errorCode, ErrorCode.INVALID_TOPIC_EXCEPTION);
    const md = await client.request(3, 12, { ...defaultMetadataRequestData(), topics: null });
    assert.deepEqual(md.brokers.map((b) => b.host), ['127.0.0.1', '127.0.0.1'], 'the advertised address is one clients can reach');
  });

  it('produce: offsets, NOT_LEADER_OR_FOLLOWER on the wrong node, a v2 batch in a v2 request, and no answer for acks=0', async () => {
    const leader = await RawClient.connect(leaderAddress('t', 0));
    const other = broker.server.listeners().find((l) => l.nodeId !== broker.cluster.partitionLeader('t', 0))!;
    const wrong = await RawClient.connect(`${other.host}:${other.port}`);
    try {
      const r = await leader.request(0, 9, produceReq('t', 0, textBatch(['a', 'b'])));
      assert.equal(r.responses[0].partitionResponses[0].errorCode, 0);
      const base = r.responses[0].partitionResponses[0].baseOffset;
      assert.equal((await wrong.request(0, 9, produceReq('t', 0, textBatch(['x'])))).responses[0].partitionResponses[0].errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER);
      // Kafka takes a v2 batch in an old request as it is.
      assert.equal((await leader.request(0, 2, produceReq('t', 0, textBatch(['x'])))).responses[0].partitionResponses[0].baseOffset, base + 2);
      leader.send(0, 9, produceReq('t', 0, textBatch(['silent']), 0));
      const after = await leader.request(0, 9, produceReq('t', 0, textBatch(['c'])));
      assert.equal(after.responses[0].partitionResponses[0].baseOffset, base + 4, 'the acks=0 batch was written and not answered');
    } finally {
      leader.close();
      wrong.close();
    }
  });

  it('produce v0-2: message sets of format v0/v1 are up-converted to RecordBatch v2, offsets the broker\'s, timestamps by the topic\'s type', async () => {
    broker.cluster.createTopic('legacy', 1, 1);
    broker.cluster.createTopic('legacy-append', 1, 1, { 'message.timestamp.type': 'LogAppendTime' });
    const c = await RawClient.connect(leaderAddress('legacy', 0));
    const c2 = await RawClient.connect(leaderAddress('legacy-append', 0));
    try {
      const v0set = Buffer.concat([legacyMessage({ offset: 0, magic: 0, key: 'a', value: 'one' }), legacyMessage({ offset: 0, magic: 0, key: null, value: 'two' })]);
      const v1set = gzipWrapper(1, [0, 1, 2].map((i) => legacyMessage({ offset: i, magic: 1, timestamp: 1_700_000_000_000 + i, key: `k${i}`, value: `gz${i}` })));
      const r0 = await c.request(0, 0, { ...produceReq('legacy', 0, v0set), transactionalId: null });
      assert.deepEqual([r0.responses[0].partitionResponses[0].errorCode, r0.responses[0].partitionResponses[0].baseOffset], [0, 0]);
      const r1 = await c.request(0, 1, produceReq('legacy', 0, v1set));
      assert.deepEqual([r1.responses[0].partitionResponses[0].errorCode, r1.responses[0].partitionResponses[0].baseOffset], [0, 2]);
      const r2 = await c2.request(0, 2, produceReq('legacy-append', 0, v1set));
      const p2 = r2.responses[0].partitionResponses[0];
      assert.equal(p2.errorCode, 0);
      assert.ok(p2.logAppendTimeMs > 1_700_000_000_100, 'v2 answers the log append time');
      // Stored as v2 batches: magic-0 messages have no timestamp, magic-1 ones keep theirs; gzip kept.
      const stored = broker.cluster.read('legacy', 0, 0, 1 << 20, 'logEnd').records;
      const values: Array<[number, string, number]> = [];
      let pos = 0;
      while (pos < stored.length) {
        const h = readBatchHeader(stored, pos);
        assert.equal(h.magic, 2);
        const size = h.batchLength + 12;
        for (const r of decodeRecords(stored.subarray(pos, pos + size))) values.push([h.baseOffset + r.offsetDelta, r.value!.toString(), r.timestamp]);
        pos += size;
      }
      assert.deepEqual(values, [[0, 'one', -1], [1, 'two', -1], [2, 'gz0', 1_700_000_000_000], [3, 'gz1', 1_700_000_000_001], [4, 'gz2', 1_700_000_000_002]]);
      const appended = broker.cluster.read('legacy-append', 0, 0, 1 << 20, 'logEnd').records;
      assert.equal(readBatchHeader(appended, 0).maxTimestamp, p2.logAppendTimeMs);
      // A bad CRC in an old message: CORRUPT_MESSAGE, nothing appended.
      const bad = Buffer.from(v0set);
      bad[20] ^= 0xff;
      assert.equal((await c.request(0, 2, produceReq('legacy', 0, bad))).responses[0].partitionResponses[0].errorCode, ErrorCode.CORRUPT_MESSAGE);
      assert.equal(broker.cluster.leaderLog('legacy', 0).logEndOffset, 5);
    } finally {
      c.close();
      c2.close();
    }
  });

  it('produce v8+: the records that failed validation are named by batch index (KIP-467), with an error message', async () => {
    broker.cluster.createTopic('compacted-kip467', 1, 1, { 'cleanup.policy': 'compact' });
    const c = await RawClient.connect(leaderAddress('compacted-kip467', 0));
    try {
      const batch = () => textBatch(['k0', 'none1', 'k2', 'none3'], { keys: ['a', null, 'c', null] });
      for (const v of [3, 7, 8, 9, 11]) {
        const r = await c.request(0, v, produceReq('compacted-kip467', 0, batch()));
        const p = r.responses[0].partitionResponses[0];
        assert.equal(p.errorCode, ErrorCode.INVALID_RECORD, `v${v}`);
        if (v >= 8) {
          assert.deepEqual(p.recordErrors.map((e) => e.batchIndex), [1, 3], `v${v}`);
          assert.match(p.recordErrors[0].batchIndexErrorMessage ?? '', /Compacted topic cannot accept message without key/);
          assert.match(p.errorMessage ?? '', /One or more records have been rejected due to 2 record errors/);
        }
      }
      assert.equal(broker.cluster.leaderLog('compacted-kip467', 0).logEndOffset, 0, 'nothing of a refused batch is appended');
    } finally {
      c.close();
    }
  });

  it('fetch: a long poll is woken by new data; responses keep request order', async () => {
    const c = await RawClient.connect(leaderAddress('t', 1));
    try {
      const end = broker.cluster.leaderLog('t', 1).logEndOffset;
      const t0 = Date.now();
      const poll = c.request(1, 12, fetchReq([{ topic: 't', partitions: [{ partition: 1, fetchOffset: end }] }], { maxWaitMs: 10000 }));
      // Pipelined behind the long poll: answered after it.
      let metadataAt = 0;
      const md = c.request(3, 12, { ...defaultMetadataRequestData(), topics: null }).then(() => (metadataAt = Date.now()));
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(metadataAt, 0, 'the metadata answer waits for the fetch before it');
      broker.cluster.append('t', 1, textBatch(['wake up']));
      const r = await poll;
      const fetchedAt = Date.now();
      await md;
      assert.ok(fetchedAt - t0 < 5000, 'woken by the append, not by max.wait.ms');
      assert.ok(metadataAt >= fetchedAt);
      const recs = decodeRecords(r.responses[0].partitions[0].records!);
      assert.equal(recs[0].value!.toString(), 'wake up');
      assert.equal(r.responses[0].partitions[0].highWatermark, end + 1);
    } finally {
      c.close();
    }
  });

  it('fetch: OFFSET_OUT_OF_RANGE past the end; topic ids from v13', async () => {
    const c = await RawClient.connect(leaderAddress('t', 0));
    try {
      const end = broker.cluster.leaderLog('t', 0).logEndOffset;
      const oor = await c.request(1, 12, fetchReq([{ topic: 't', partitions: [{ partition: 0, fetchOffset: end + 10 }] }]));
      assert.equal(oor.responses[0].partitions[0].errorCode, ErrorCode.OFFSET_OUT_OF_RANGE);
      const id = uuidFromKafkaString(broker.cluster.metadata.topic('t')!.topicId);
      const byId = await c.request(1, 16, fetchReq([{ topic: '', topicId: id, partitions: [{ partition: 0, fetchOffset: 0 }] }]));
      assert.equal(byId.responses[0].topicId, id);
      assert.ok(byId.responses[0].partitions[0].records!.length > 0);
      const unknown = await c.request(1, 16, fetchReq([{ topic: '', topicId: 'ffffffffffffffffffffffffffffffff', partitions: [{ partition: 0, fetchOffset: 0 }] }]));
      assert.equal(unknown.responses[0].partitions[0].errorCode, ErrorCode.UNKNOWN_TOPIC_ID);
    } finally {
      c.close();
    }
  });

  it('fetch: a partition answered with an error carries an empty record set, never null, in every version', async () => {
    const leader = broker.cluster.partitionLeader('t', 0);
    const other = broker.server.listeners().find((x) => x.nodeId !== leader)!;
    const c = await RawClient.connect(leaderAddress('t', 0));
    const wrong = await RawClient.connect(`${other.host}:${other.port}`);
    try {
      const end = broker.cluster.leaderLog('t', 0).logEndOffset;
      const epoch = broker.cluster.partitionState('t', 0).leaderEpoch;
      for (let v = 4; v <= 16; v++) {
        const id = v >= 13 ? uuidFromKafkaString(broker.cluster.metadata.topic('t')!.topicId) : undefined;
        const cases: Array<[RawClient, FetchRequestData, number]> = [
          [c, fetchReq([{ topic: 't', topicId: id, partitions: [{ partition: 0, fetchOffset: end + 100 }] }]), ErrorCode.OFFSET_OUT_OF_RANGE],
          [wrong, fetchReq([{ topic: 't', topicId: id, partitions: [{ partition: 0, fetchOffset: 0 }] }]), ErrorCode.NOT_LEADER_OR_FOLLOWER],
        ];
        if (v >= 9) {
          const stale = fetchReq([{ topic: 't', topicId: id, partitions: [{ partition: 0, fetchOffset: 0 }] }]);
          stale.topics[0].partitions[0].currentLeaderEpoch = epoch + 5;
          cases.push([c, stale, ErrorCode.UNKNOWN_LEADER_EPOCH]);
        }
        if (v >= 13) cases.push([c, fetchReq([{ topic: '', topicId: 'ffffffffffffffffffffffffffffffff', partitions: [{ partition: 0, fetchOffset: 0 }] }]), ErrorCode.UNKNOWN_TOPIC_ID]);
        else cases.push([c, fetchReq([{ topic: 'no-such-topic-fetch', partitions: [{ partition: 0, fetchOffset: 0 }] }]), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
        for (const [client, req, code] of cases) {
          const r = await client.request(1, v, req);
          const p = r.responses[0].partitions[0];
          assert.equal(p.errorCode, code, `v${v}`);
          assert.deepEqual(p.records, Buffer.alloc(0), `v${v} error ${code}: records must be empty, not null`);
        }
      }
    } finally {
      c.close();
      wrong.close();
    }
  });

  it('incremental fetch sessions: only partitions with news are answered; bad ids and epochs are refused', async () => {
    broker.cluster.createTopic('s', 2, 1, {});
    const leader0 = broker.cluster.partitionLeader('s', 0);
    // Keep both partitions on one node for one session.
    broker.cluster.metadata.updatePartition('s', 1, { leader: leader0, replicas: [leader0], isr: [leader0] });
    broker.cluster.node(leader0).logManager.getOrCreateLog({ topic: 's', partition: 1 });
    const c = await RawClient.connect(leaderAddress('s', 0));
    try {
      broker.cluster.append('s', 0, textBatch(['p0']));
      broker.cluster.append('s', 1, textBatch(['p1']));
      const full = await c.request(1, 12, fetchReq([{ topic: 's', partitions: [{ partition: 0, fetchOffset: 0 }, { partition: 1, fetchOffset: 0 }] }], { sessionId: 0, sessionEpoch: 0 }));
      assert.ok(full.sessionId > 0, 'a session was created');
      assert.equal(full.responses[0].partitions.length, 2);
      // Epoch 1: the client sends the positions that moved (both, after reading one record from each).
      broker.cluster.append('s', 0, textBatch(['p0-again']));
      const inc = await c.request(1, 12, fetchReq([{ topic: 's', partitions: [{ partition: 0, fetchOffset: 1 }, { partition: 1, fetchOffset: 1 }] }], { sessionId: full.sessionId, sessionEpoch: 1 }));
      assert.equal(inc.sessionId, full.sessionId);
      assert.deepEqual(inc.responses.flatMap((t) => t.partitions.map((p) => p.partitionIndex)), [0], 'partition 1 has no news');
      assert.equal(decodeRecords(inc.responses[0].partitions[0].records!)[0].value!.toString(), 'p0-again');
      // New data on partition 1, whose position the session holds: it comes back though the request names nothing.
      broker.cluster.append('s', 1, textBatch(['p1-again']));
      const inc2 = await c.request(1, 12, fetchReq([{ topic: 's', partitions: [{ partition: 0, fetchOffset: 2 }] }], { sessionId: full.sessionId, sessionEpoch: 2 }));
      assert.deepEqual(inc2.responses.flatMap((t) => t.partitions.map((p) => p.partitionIndex)), [1]);
      const forget = await c.request(1, 12, fetchReq([], { sessionId: full.sessionId, sessionEpoch: 3, forgottenTopicsData: [{ topic: 's', topicId: '00000000000000000000000000000000', partitions: [0, 1] }] }));
      assert.deepEqual(forget.responses, []);
      assert.equal((await c.request(1, 12, fetchReq([], { sessionId: full.sessionId, sessionEpoch: 9 }))).errorCode, ErrorCode.INVALID_FETCH_SESSION_EPOCH);
      assert.equal((await c.request(1, 12, fetchReq([], { sessionId: 123456789, sessionEpoch: 1 }))).errorCode, ErrorCode.FETCH_SESSION_ID_NOT_FOUND);
    } finally {
      c.close();
    }
  });

  it('list offsets: earliest, latest, by timestamp and max timestamp', async () => {
    broker.cluster.createTopic('lo', 1, 1);
    const t0 = 1_700_000_000_000;
    for (let i = 0; i < 5; i++) broker.cluster.append('lo', 0, textBatch([`v${i}`], { timestamp: t0 + i * 1000 }));
    const c = await RawClient.connect(leaderAddress('lo', 0));
    try {
      const ask = (timestamp: number) => c.request(2, 8, { replicaId: -1, isolationLevel: 0, timeoutMs: 1000, topics: [{ name: 'lo', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp, maxNumOffsets: 1 }] }] }).then((r) => r.topics[0].partitions[0]);
      assert.equal((await ask(-2)).offset, 0);
      assert.equal((await ask(-1)).offset, 5);
      const byTime = await ask(t0 + 2500);
      assert.deepEqual([byTime.offset, byTime.timestamp], [3, t0 + 3000]);
      const max = await ask(-3);
      assert.deepEqual([max.offset, max.timestamp], [4, t0 + 4000]);
      assert.equal((await ask(t0 + 99_000)).offset, -1);
    } finally {
      c.close();
    }
  });
});
