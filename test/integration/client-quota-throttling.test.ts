// Quotas enforced on the wire, in raw frames (KIP-219 throttling): a request over its client's producer_byte_rate,
// consumer_byte_rate or request_percentage is answered at once with its ThrottleTimeMs and its connection is muted for
// that long (the next request waits; other connections do not); a throttled fetch answers with no data and creates no
// session, and a fetch under a quota is capped to what the quota allows in a window; connection creation rates
// (KIP-612): an IP over its connection_creation_rate is closed unserved, a listener over max.connection.creation.rate
// serves late. Quotas are set through AlterClientQuotas, as kafka-configs.sh does.
import { strict as assert } from 'node:assert';
import { startTestBroker, type TestBroker } from '../support/broker';
import { RawClient } from '../support/raw-client';
import { encodeRecordBatch } from '../../src/broker/records/record-batch';
import { defaultMetadataRequestData } from '../../src/protocol/messages/metadata-request';
import { defaultFetchRequestData } from '../../src/protocol/messages/fetch-request';

const batchOf = (bytes: number) => encodeRecordBatch({ records: [{ key: null, value: Buffer.alloc(bytes, 120), timestamp: Date.now() }] });

async function setQuota(broker: TestBroker, entity: Array<[string, string | null]>, values: Record<string, number | null>): Promise<void> {
  const admin = await RawClient.connect(broker.bootstrap);
  try {
    const r = await admin.request(49, 1, {
      entries: [{ entity: entity.map(([entityType, entityName]) => ({ entityType, entityName })), ops: Object.entries(values).map(([key, v]) => ({ key, value: v ?? 0, remove: v === null })) }],
      validateOnly: false,
    }, { clientId: 'quota-admin' });
    assert.equal(r.entries[0].errorCode, 0, String(r.entries[0].errorMessage));
  } finally {
    admin.close();
  }
}

const timed = async <T>(f: () => Promise<T>): Promise<[T, number]> => {
  const t0 = Date.now();
  const v = await f();
  return [v, Date.now() - t0];
};

describe('client quotas on the wire (throttling)', function () {
  this.timeout(30000);
  let broker: TestBroker;
  // Rates over 2 one-second windows: a request is measured against at least one whole second.
  beforeEach(async () => {
    broker = await startTestBroker({ nodes: 1, config: { 'quota.window.num': '2' } });
    broker.cluster.createTopic('q', 1, 1);
  });
  afterEach(async () => broker?.stop());

  const produce = (c: RawClient, clientId: string, bytes: number, version = 9) =>
    c.request(0, version, { transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{ name: 'q', partitionData: [{ index: 0, records: batchOf(bytes) }] }] }, { clientId });
  const metadata = (c: RawClient, clientId: string) => c.request(3, 12, { ...defaultMetadataRequestData(), topics: null }, { clientId });

  it('a produce over producer_byte_rate is answered at once, appended, with its throttle time; its connection alone is muted for it', async () => {
    await setQuota(broker, [['client-id', 'metered']], { producer_byte_rate: 10000 });
    const c = await RawClient.connect(broker.bootstrap);
    const other = await RawClient.connect(broker.bootstrap);
    try {
      const first = await produce(c, 'metered', 5000);
      assert.equal(first.throttleTimeMs, 0, 'within the quota');
      const [second, took] = await timed(() => produce(c, 'metered', 10000));
      assert.equal(second.responses[0].partitionResponses[0].errorCode, 0, 'a throttled produce is still appended');
      assert.ok(took < 400, `answered at once (${took} ms)`);
      // ~15 kB in the 1 s minimum window against 10 kB/s: (15 - 10) / 10 * 1000 ms.
      assert.ok(second.throttleTimeMs >= 400 && second.throttleTimeMs <= 600, `throttle ${second.throttleTimeMs} ms`);
      const [, otherTook] = await timed(() => metadata(other, 'someone-else'));
      assert.ok(otherTook < 200, `another connection is not muted (${otherTook} ms)`);
      const [, mutedFor] = await timed(() => metadata(c, 'metered'));
      assert.ok(mutedFor >= second.throttleTimeMs - 150, `the next request on the throttled connection waited ${mutedFor} ms of ${second.throttleTimeMs}`);
      assert.equal(broker.cluster.leaderLog('q', 0).logEndOffset, 2);
      const usage = broker.server.quotas(0).usage(Date.now()).find((u) => u.type === 'produce');
      assert.deepEqual([usage?.clientId, usage?.quota, usage?.throttleCount], ['metered', 10000, 1]);
    } finally {
      c.close();
      other.close();
    }
  });

  it('an old client (Produce v2, no throttle field) finds its next request waiting out the throttle', async () => {
    await setQuota(broker, [['client-id', 'old']], { producer_byte_rate: 5000 });
    const c = await RawClient.connect(broker.bootstrap);
    try {
      await produce(c, 'old', 7500, 2);
      const [, waited] = await timed(() => metadata(c, 'old'));
      assert.ok(waited >= 350, `muted after the throttled produce (${waited} ms)`);
    } finally {
      c.close();
    }
  });

  it('a fetch is capped to a window of consumer_byte_rate, and one over it comes back empty, throttled, without a session', async () => {
    const writer = await RawClient.connect(broker.bootstrap);
    for (let i = 0; i < 5; i++) await produce(writer, 'writer', 3000);
    writer.close();
    await setQuota(broker, [['client-id', 'reader']], { consumer_byte_rate: 10000 });
    const c = await RawClient.connect(broker.bootstrap);
    try {
      const fetch = (fetchOffset: number, sessionEpoch: number) =>
        c.request(1, 12, { ...defaultFetchRequestData(), replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, sessionId: 0, sessionEpoch, topics: [{ topic: 'q', topicId: '', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }] } as never, { clientId: 'reader' });
      const first = await fetch(0, -1);
      const got = first.responses[0].partitions[0].records?.length ?? 0;
      assert.ok(got > 0 && got <= 10000 + 3200, `capped to one window of the quota (10000 bytes), first batch whole: ${got}`);
      assert.equal(first.throttleTimeMs, 0);
      // Asking for the rest goes over 10 kB/s: no data, the throttle time, and no session for this initial fetch.
      const second = await fetch(3, 0);
      assert.ok(second.throttleTimeMs > 0);
      assert.deepEqual(second.responses, []);
      assert.equal(second.sessionId, 0);
      const usage = broker.server.quotas(0).usage(Date.now()).find((u) => u.type === 'fetch');
      assert.equal(usage?.throttleCount, 1);
      assert.ok(usage!.rate * 1 <= 10000, 'the empty answer\'s bytes were taken back');
    } finally {
      c.close();
    }
  });

  it('request_percentage throttles by handling time, at most one window per request (Kafka bounds it)', async () => {
    await setQuota(broker, [['client-id', 'busy']], { request_percentage: 0.0001 });
    const c = await RawClient.connect(broker.bootstrap);
    try {
      const r = await metadata(c, 'busy');
      assert.ok(r.throttleTimeMs > 0 && r.throttleTimeMs <= 1000, `throttle ${r.throttleTimeMs} ms`);
      const free = await metadata(c, 'not-busy');
      assert.equal(free.throttleTimeMs, 0, 'another client id on the same connection has no quota');
    } finally {
      c.close();
    }
  });

  it('a user quota applies to the principal (User:ANONYMOUS on PLAINTEXT) and a more specific client-id level wins', async () => {
    await setQuota(broker, [['user', 'ANONYMOUS']], { producer_byte_rate: 1000 });
    await setQuota(broker, [['user', 'ANONYMOUS'], ['client-id', 'vip']], { producer_byte_rate: 1e9 });
    const c = await RawClient.connect(broker.bootstrap);
    try {
      assert.equal((await produce(c, 'vip', 20000)).throttleTimeMs, 0);
      assert.ok((await produce(c, 'anyone', 20000)).throttleTimeMs > 0);
    } finally {
      c.close();
    }
  });

  it('a connection over its IP\'s connection_creation_rate is closed unanswered; the default ip quota applies to every address', async () => {
    await setQuota(broker, [['ip', null]], { connection_creation_rate: 1 });
    const first = await RawClient.connect(broker.bootstrap);
    const second = await RawClient.connect(broker.bootstrap);
    try {
      await metadata(first, 'a');
      const t0 = Date.now();
      await assert.rejects(metadata(second, 'b'), /closed/);
      assert.ok(Date.now() - t0 >= 500, 'closed after its throttle time, not at once');
      assert.ok(broker.logger.lines.some((l) => /over its connection_creation_rate quota \(1\/s\)/.test(l)));
    } finally {
      first.close();
      second.close();
    }
  });

  it('a listener over max.connection.creation.rate serves the next connection late instead of refusing it', async () => {
    await broker.stop();
    broker = await startTestBroker({ nodes: 1, config: { 'quota.window.num': '2', 'max.connection.creation.rate': '1' } });
    const first = await RawClient.connect(broker.bootstrap);
    const second = await RawClient.connect(broker.bootstrap);
    try {
      await metadata(first, 'a');
      const [r, took] = await timed(() => metadata(second, 'b'));
      assert.ok(r.brokers.length === 1);
      assert.ok(took >= 500, `served after the listener's throttle (${took} ms)`);
    } finally {
      first.close();
      second.close();
    }
  });
});
