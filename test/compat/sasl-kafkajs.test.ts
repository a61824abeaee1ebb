/**
 * kafkajs 2.2.4 against SASL and TLS listeners, configured as for a secured production cluster: PLAIN,
 * SCRAM-SHA-256 and SCRAM-SHA-512 over SASL_PLAINTEXT and SASL_SSL (the broker's certificate checked against the
 * test CA), and SSL alone. Each produces keyed messages and reads them back through a consumer group; a wrong password
 * fails with the broker's message. A 3-node SASL_SSL cluster shows replication (in-process) unaffected.
 */
import { strict as assert } from 'node:assert';
import { Kafka, logLevel, type KafkaConfig, type SASLOptions } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../support/broker';
import { caPem, serverTls } from '../support/tls';
import { FAST_GROUPS, waitUntil } from './groups-helpers';
import { storedRecords } from './helpers';
import type { ListenerSecurityOptions } from '../../src/broker/api';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const USER = { name: 'svc-orders', password: 'orders-Pa55:word' };
const MECHANISMS = [
  ['PLAIN', 'plain'],
  ['SCRAM-SHA-256', 'scram-sha-256'],
  ['SCRAM-SHA-512', 'scram-sha-512'],
] as const;

function kafka(b: TestBroker, extra: Partial<KafkaConfig>): Kafka {
  return new Kafka({ clientId: 'sasl-compat', brokers: b.bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 2, initialRetryTime: 100 }, ...extra });
}

/** Produces three keyed messages and reads them back with a consumer group from the beginning. */
async function roundTrip(k: Kafka, topic: string): Promise<Array<[string, string]>> {
  const sent = [0, 1, 2].map((i) => ({ key: `k${i}`, value: `${topic} #${i}` }));
  const producer = k.producer();
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: sent });
  } finally {
    await producer.disconnect();
  }
  // A short long-poll: disconnect() waits for the fetch in flight.
  const consumer = k.consumer({ groupId: `g-${topic}`, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
  const got: Array<[string, string]> = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void got.push([String(message.key), String(message.value)]) });
    await waitUntil(() => got.length >= sent.length, 20000, `${sent.length} messages of ${topic}`);
  } finally {
    await consumer.disconnect();
  }
  return got;
}

describe('compat: kafkajs with SASL and TLS', function () {
  this.timeout(60000);
  const brokers = new Map<string, TestBroker>();
  const ssl = { ca: [caPem()] };

  before(async () => {
    const configs: Record<string, ListenerSecurityOptions> = {
      SASL_PLAINTEXT: { protocol: 'SASL_PLAINTEXT', users: [USER] },
      SASL_SSL: { protocol: 'SASL_SSL', users: [USER], tls: serverTls() },
      SSL: { protocol: 'SSL', tls: serverTls() },
    };
    for (const [name, security] of Object.entries(configs)) brokers.set(name, await startTestBroker({ config: FAST_GROUPS, security }));
  });
  after(async () => {
    for (const b of brokers.values()) await b.stop();
  });

  for (const protocol of ['SASL_PLAINTEXT', 'SASL_SSL'] as const) {
    for (const [mechanism, kjs] of MECHANISMS) {
      it(`${protocol} + ${mechanism}: produce, then consume through a consumer group`, async () => {
        const b = brokers.get(protocol)!;
        const topic = `kjs-${protocol}-${mechanism}`.toLowerCase();
        const sasl = { mechanism: kjs, username: USER.name, password: USER.password } as SASLOptions;
        const got = await roundTrip(kafka(b, { sasl, ...(protocol === 'SASL_SSL' ? { ssl } : {}) }), topic);
        assert.deepEqual(got, [0, 1, 2].map((i) => [`k${i}`, `${topic} #${i}`]));
        assert.deepEqual(storedRecords(b.cluster, topic).map((r) => r.value), got.map(([, v]) => v));
      });
    }
  }

  it('SSL without SASL: produce and consume over TLS', async () => {
    const b = brokers.get('SSL')!;
    assert.deepEqual(await roundTrip(kafka(b, { ssl }), 'kjs-ssl'), [0, 1, 2].map((i) => [`k${i}`, `kjs-ssl #${i}`]));
  });

  it("a wrong password fails the connection with the broker's message (PLAIN and SCRAM)", async () => {
    const b = brokers.get('SASL_SSL')!;
    const cases = [
      ['plain', 'SASL PLAIN authentication failed: Authentication failed: Invalid username or password'],
      ['scram-sha-512', 'SASL SCRAM SHA512 authentication failed: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512'],
    ] as const;
    for (const [mechanism, message] of cases) {
      const admin = kafka(b, { ssl, sasl: { mechanism, username: USER.name, password: 'wrong' } as SASLOptions }).admin();
      await assert.rejects(admin.connect(), (e: Error) => {
        assert.equal(e.name, 'KafkaJSSASLAuthenticationError');
        assert.equal(e.message, message);
        return true;
      });
      await admin.disconnect();
    }
  });

  it('a client without SASL on a SASL listener is refused (the broker closes the connection and says why)', async () => {
    const b = brokers.get('SASL_PLAINTEXT')!;
    const admin = kafka(b, { retry: { retries: 0 } }).admin();
    try {
      // connect() sends only ApiVersions, which a SASL listener answers before authentication; Metadata is refused.
      await admin.connect();
      await assert.rejects(admin.listTopics(), /Connection error|closed/i);
    } finally {
      await admin.disconnect();
    }
    assert.ok(b.logger.lines.some((l) => /closed: Unexpected Kafka request of type Metadata during SASL handshake/.test(l)), b.logger.lines.slice(-5).join('\n'));
  });

  it('3 nodes on SASL_SSL: acks=all writes reach every replica (replication is in-process, not through the listeners)', async function () {
    const b = await startTestBroker({ nodes: 3, config: { ...FAST_GROUPS, 'offsets.topic.replication.factor': '3' }, security: { protocol: 'SASL_SSL', users: [USER], saslMechanisms: ['SCRAM-SHA-512'], tls: serverTls() } });
    try {
      b.cluster.createTopic('kjs-replicated', 2, 3);
      const k = kafka(b, { ssl, sasl: { mechanism: 'scram-sha-512', username: USER.name, password: USER.password } });
      const got = await roundTrip(k, 'kjs-replicated');
      assert.deepEqual(got.map(([, v]) => v).sort(), [0, 1, 2].map((i) => `kjs-replicated #${i}`));
      for (const p of [0, 1]) {
        const part = b.cluster.metadata.topic('kjs-replicated')!.partitions[p];
        assert.deepEqual([...part.isr].sort(), [0, 1, 2]);
        const ends = [0, 1, 2].map((n) => b.cluster.node(n).logManager.getLog({ topic: 'kjs-replicated', partition: p })!.logEndOffset);
        assert.equal(new Set(ends).size, 1, `replicas of partition ${p} at ${ends}`);
        assert.equal(b.cluster.leaderLog('kjs-replicated', p).highWatermark, ends[0]);
      }
    } finally {
      await b.stop();
    }
  });
});
