/**
 * `tributary start` with the security flags, as the extension's "external cluster" tests and users run it:
 * SASL_SSL with SCRAM and PLAIN users from --sasl-user, the certificate from --tls-cert/--tls-key, reached by
 * kafkajs configured as for a secured cluster; and the clear refusals of flags that cannot work.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import { startCli, TRIBUTARY_BIN } from '../support/cli';
import { CA_FILE, CERT_FILE, KEY_FILE, caPem } from '../support/tls';
import { tmpDir, rm } from '../support/tmp';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const TLS_FLAGS = ['--tls-cert', CERT_FILE, '--tls-key', KEY_FILE];

describe('tributary start with SASL and TLS', function () {
  this.timeout(60000);
  let dir: string;
  beforeEach(() => (dir = tmpDir()));
  afterEach(() => rm(dir));

  it('SASL_SSL with --sasl-user and --tls-cert/--tls-key: kafkajs produces and consumes over SCRAM-SHA-256 and PLAIN; a disabled mechanism is refused', async () => {
    const broker = await startCli([
      '--data', dir, '--port', '0', '--nodes', '2',
      '--config', 'group.initial.rebalance.delay.ms=0', '--config', 'offsets.topic.replication.factor=2',
      '--security-protocol', 'SASL_SSL', '--sasl-mechanisms', 'SCRAM-SHA-256,PLAIN',
      '--sasl-user', 'alice:al1ce-secret', '--sasl-user', 'bob:pw:with:colons', ...TLS_FLAGS,
    ]);
    try {
      assert.match(broker.output(), /security protocol: SASL_SSL/);
      assert.match(broker.output(), /node 0 listening on 127\.0\.0\.1:\d+ \(SASL_SSL\)/);
      assert.match(broker.output(), /SASL mechanisms SCRAM-SHA-256, PLAIN; configured users: alice, bob/);
      assert.ok(!broker.output().includes('al1ce-secret'), 'passwords are not printed');
      const kafka = (sasl: SASLOptions) => new Kafka({ clientId: 'cli-sasl', brokers: broker.bootstrap.split(','), ssl: { ca: [caPem()] }, sasl, logLevel: logLevel.NOTHING, retry: { retries: 2 } });

      const alice = kafka({ mechanism: 'scram-sha-256', username: 'alice', password: 'al1ce-secret' });
      const admin = alice.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 2, replicationFactor: 2 }] });
      await admin.disconnect();
      const producer = alice.producer();
      await producer.connect();
      await producer.send({ topic: 'orders', acks: -1, messages: [{ key: 'o-1', value: 'first' }, { key: 'o-2', value: 'second' }] });
      await producer.disconnect();

      // bob reads them with PLAIN, through a consumer group.
      const consumer = kafka({ mechanism: 'plain', username: 'bob', password: 'pw:with:colons' }).consumer({ groupId: 'cli-readers', maxWaitTimeInMs: 100 });
      const got: string[] = [];
      await consumer.connect();
      await consumer.subscribe({ topic: 'orders', fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void got.push(`${message.key}=${message.value}`) });
      const deadline = Date.now() + 20000;
      while (got.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await consumer.disconnect();
      assert.deepEqual(got.sort(), ['o-1=first', 'o-2=second']);

      const other = kafka({ mechanism: 'scram-sha-512', username: 'alice', password: 'al1ce-secret' }).admin();
      await assert.rejects(other.connect(), /The broker does not support the requested SASL mechanism/);
      await other.disconnect();
    } finally {
      assert.equal(await broker.stop(), '0 null', broker.output());
    }
  });

  const start = (args: string[]) => spawnSync(process.execPath, [TRIBUTARY_BIN, 'start', '--data', dir, '--port', '0', '--nodes', '1', ...args], { encoding: 'utf8', timeout: 20000 });

  it('refuses flags that cannot work, naming what is missing (usage errors exit 2)', () => {
    const cases: Array<[string[], RegExp]> = [
      [['--security-protocol', 'SASL_SSL', '--sasl-user', 'a:b'], /--security-protocol SASL_SSL needs --tls-cert FILE and --tls-key FILE/],
      [['--security-protocol', 'SSL', '--tls-cert', CERT_FILE], /--security-protocol SSL needs --tls-cert FILE and --tls-key FILE/],
      [['--security-protocol', 'SASL_PLAINTEXT'], /--security-protocol SASL_PLAINTEXT needs at least one --sasl-user NAME:PASSWORD/],
      [['--security-protocol', 'TLS'], /--security-protocol must be one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL, not TLS/],
      [['--security-protocol', 'SASL_PLAINTEXT', '--sasl-user', 'alice'], /--sasl-user takes NAME:PASSWORD/],
      [['--security-protocol', 'SASL_PLAINTEXT', '--sasl-user', 'a:b', '--sasl-mechanisms', 'GSSAPI'], /--sasl-mechanisms takes a comma-separated list of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, not GSSAPI/],
      [['--sasl-user', 'a:b'], /--sasl-user needs --security-protocol SASL_PLAINTEXT or SASL_SSL \(it is PLAINTEXT\)/],
      [[...TLS_FLAGS], /--tls-cert needs --security-protocol SSL or SASL_SSL \(it is PLAINTEXT\)/],
    ];
    for (const [args, message] of cases) {
      const r = start(args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.match(r.stderr, /usage:/);
    }
  });

  it('a certificate file that is missing, or a key that does not belong to the certificate, stops the start (exit 1)', () => {
    const missing = start(['--security-protocol', 'SSL', '--tls-cert', `${dir}/nope.pem`, '--tls-key', KEY_FILE]);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /cannot read --tls-cert .*nope\.pem: ENOENT/);
    const mismatch = start(['--security-protocol', 'SSL', '--tls-cert', CA_FILE, '--tls-key', KEY_FILE]);
    assert.equal(mismatch.status, 1, mismatch.stderr);
    assert.match(mismatch.stderr, /A broker or topic setting is invalid: The TLS certificate and key cannot be used: .*key values mismatch/);
  });
});
