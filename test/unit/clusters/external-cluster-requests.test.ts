// The requests an external cluster is sent outside the library's clients (external-cluster-requests.ts), on a
// connection that records what would go on the wire: each goes in the newest version both sides speak, Fetch names
// the topic as its version wants, and a cluster too old for all of them is told so. (Against a running broker they
// are checked in test/integration/external-cluster.test.ts.)
import { strict as assert } from 'node:assert';
import { Connection, type Broker } from '@platformatic/kafka';
import { DirectRequests, type RequestChannel } from '../../../src/clusters/external-cluster-requests';

interface Sent {
  broker: Broker;
  apiKey: number;
  apiVersion: number;
  payload: Buffer;
}

const METADATA = 3;
const FETCH = 1;
const LIST_OFFSETS = 2;

/** A channel whose brokers speak `ranges` (apiKey → [min, max]) and answer every request with `answer`. */
function channel(ranges: Record<number, [number, number]>, answer: unknown = { topics: [], responses: [] }) {
  const sent: Sent[] = [];
  let asked = 0;
  const c: RequestChannel = {
    listApis: async () => {
      asked++;
      return Object.entries(ranges).map(([apiKey, [minVersion, maxVersion]]) => ({ apiKey: Number(apiKey), name: `API ${apiKey}`, minVersion, maxVersion }));
    },
    connections: {
      get: async (broker: Broker) => {
        const connection = new Connection('test');
        connection.send = (apiKey, apiVersion, createPayload, _parser, _requestTags, _responseTags, callback) => {
          sent.push({ broker, apiKey, apiVersion, payload: createPayload().buffer });
          callback(null, answer as never);
        };
        return connection;
      },
    },
  };
  return { c, sent, asked: () => asked };
}

const node = { host: 'kafka-1', port: 9092 };
const read = { topic: 'orders', topicId: '3f0e3b7c-0c8e-4b65-9a4a-1b2c3d4e5f60', partition: 2, offset: 7, maxBytes: 1024 };

describe('external cluster: the requests sent outside the client library', () => {
  it('each request goes to the broker asked, in the newest version both sides speak; the versions are asked once', async () => {
    const { c, sent, asked } = channel({ [METADATA]: [0, 10], [LIST_OFFSETS]: [0, 20], [FETCH]: [4, 15] });
    const requests = new DirectRequests(c);
    await requests.metadata(node, ['__consumer_offsets']);
    await requests.listOffsets(node, '__consumer_offsets', [0, 1], -1n);
    await requests.fetch(node, read);
    assert.deepEqual(
      sent.map((s) => [s.broker, s.apiKey, s.apiVersion]),
      [
        [node, METADATA, 10],
        [node, LIST_OFFSETS, 9],
        [node, FETCH, 15],
      ],
    );
    assert.equal(asked(), 1);
  });

  it('a sessionless Fetch: session 0, epoch -1; the topic by id from Fetch v13, by name before', async () => {
    const v13 = channel({ [FETCH]: [0, 13] });
    await new DirectRequests(v13.c).fetch(node, read);
    const p = v13.sent[0].payload;
    // replica_id (up to v14), max_wait_ms, min_bytes, max_bytes, isolation_level, session_id, session_epoch
    assert.deepEqual([p.readInt32BE(0), p.readInt32BE(4), p.readInt32BE(8), p.readInt32BE(12), p.readInt8(16), p.readInt32BE(17), p.readInt32BE(21)], [-1, 0, 1, 1024, 0, 0, -1]);
    assert.ok(p.includes(Buffer.from(read.topicId.replace(/-/g, ''), 'hex')), 'the topic id');
    assert.ok(!p.includes(Buffer.from('orders')));

    const v12 = channel({ [FETCH]: [0, 12] });
    await new DirectRequests(v12.c).fetch(node, read);
    assert.equal(v12.sent[0].apiVersion, 12);
    assert.ok(v12.sent[0].payload.includes(Buffer.from('orders')), 'the topic name');
  });

  it('a cluster that speaks none of the versions is told so, with both ranges', async () => {
    const { c, sent } = channel({ [FETCH]: [0, 11] });
    await assert.rejects(
      new DirectRequests(c).fetch(node, read),
      (e: Error & { errorName?: string }) => e.errorName === 'UNSUPPORTED_VERSION' && /speaks versions 0 to 11 of API 1; Tributary's client speaks 12 to 17/.test(e.message),
    );
    await assert.rejects(new DirectRequests(c).metadata(node, []), /speaks no version of API 3/);
    assert.deepEqual(sent, []);
  });

  it('versions that could not be asked are asked again next time', async () => {
    let fail = true;
    const { c, sent } = channel({ [METADATA]: [0, 12] });
    const flaky: RequestChannel = { connections: c.connections, listApis: () => (fail ? Promise.reject(new Error('ECONNREFUSED')) : c.listApis()) };
    const requests = new DirectRequests(flaky);
    await assert.rejects(requests.metadata(node, []), /ECONNREFUSED/);
    fail = false;
    await requests.metadata(node, []);
    assert.deepEqual(sent.map((s) => s.apiVersion), [12]);
  });
});
