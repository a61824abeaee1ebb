/**
 * librdkafka 2.0.2 (kcat, and confluent-kafka-python through test/compat/py/client.py) against SASL_SSL with
 * SCRAM-SHA-512 and PLAIN and against SSL alone, configured as for a secured production cluster
 * (`security.protocol`, `sasl.mechanisms`, `sasl.username`/`sasl.password`, `ssl.ca.location` = the test CA, with
 * librdkafka's default hostname verification): produce, consume back, compare with what the broker stored; a wrong
 * password fails with the broker's message.
 */
import { strict as assert } from 'node:assert';
import { startTestBroker, type TestBroker } from '../support/broker';
import { CA_FILE, serverTls } from '../support/tls';
import { KCAT, haveConfluentKafka, haveKcat, python, run, runOk, storedRecords } from './helpers';

const USER = { name: 'svc-billing', password: 'b1ll:ing,secret=' };
const SCRAM_FAILED = 'Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512';

/** librdkafka properties of a client of `protocol` (mechanism for SASL), with `password`. */
function clientConfig(protocol: 'SSL' | 'SASL_SSL', mechanism = 'SCRAM-SHA-512', password = USER.password): Record<string, string> {
  const tls = { 'security.protocol': protocol, 'ssl.ca.location': CA_FILE };
  return protocol === 'SSL' ? tls : { ...tls, 'sasl.mechanisms': mechanism, 'sasl.username': USER.name, 'sasl.password': password };
}

const kcatArgs = (config: Record<string, string>) => Object.entries(config).flatMap(([k, v]) => ['-X', `${k}=${v}`]);

describe('compat: librdkafka with SASL and TLS', function () {
  this.timeout(60000);
  let saslSsl: TestBroker;
  let ssl: TestBroker;

  before(async function () {
    if (!haveKcat() && !haveConfluentKafka()) return this.skip();
    saslSsl = await startTestBroker({ security: { protocol: 'SASL_SSL', saslMechanisms: ['SCRAM-SHA-512', 'PLAIN'], users: [USER], tls: serverTls() } });
    ssl = await startTestBroker({ security: { protocol: 'SSL', tls: serverTls() } });
  });
  after(async () => {
    await saslSsl?.stop();
    await ssl?.stop();
  });

  const cases = [
    { name: 'SASL_SSL + SCRAM-SHA-512', broker: () => saslSsl, config: () => clientConfig('SASL_SSL') },
    { name: 'SASL_SSL + PLAIN', broker: () => saslSsl, config: () => clientConfig('SASL_SSL', 'PLAIN') },
    { name: 'SSL', broker: () => ssl, config: () => clientConfig('SSL') },
  ];

  describe('kcat', () => {
    before(function () {
      if (!haveKcat()) this.skip();
    });

    for (const c of cases) {
      it(`${c.name}: -P then -C, every message back as sent and as stored`, async () => {
        const b = c.broker();
        const topic = `kcat-${c.name.replace(/[^A-Za-z0-9]+/g, '-').toLowerCase()}`;
        const lines = Array.from({ length: 50 }, (_, i) => `key-${i}:${c.name} value ${i}`);
        const common = ['-b', b.bootstrap, ...kcatArgs(c.config())];
        await runOk(KCAT, [...common, '-P', '-t', topic, '-K', ':', '-z', 'lz4'], { input: lines.join('\n') + '\n' });
        const out = await runOk(KCAT, [...common, '-C', '-t', topic, '-e', '-q', '-X', 'fetch.wait.max.ms=50', '-f', '%o %k:%s\n']);
        assert.deepEqual(out.split('\n').filter((l) => l), lines.map((l, i) => `${i} ${l}`));
        assert.deepEqual(storedRecords(b.cluster, topic).map((r) => `${r.key}:${r.value}`), lines);
      });
    }

    it('a wrong SCRAM password: kcat fails with the broker\'s message', async () => {
      const r = await run(KCAT, ['-b', saslSsl.bootstrap, ...kcatArgs(clientConfig('SASL_SSL', 'SCRAM-SHA-512', 'wrong')), '-L', '-m', '2'], { timeoutMs: 30000 });
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, new RegExp(`SASL authentication error: ${SCRAM_FAILED}`));
    });
  });

  describe('confluent-kafka-python', () => {
    before(function () {
      if (!haveConfluentKafka()) this.skip();
    });

    for (const c of cases.filter((x) => x.name !== 'SASL_SSL + PLAIN')) {
      it(`${c.name}: produce (acks=all, zstd) and consume back with assign()`, async () => {
        const b = c.broker();
        const topic = `py-${c.name.replace(/[^A-Za-z0-9]+/g, '-').toLowerCase()}`;
        const messages = Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: `${c.name} #${i}`, headers: [['h', String(i)]] }));
        const produced = await python('produce', b.bootstrap, { runs: [{ topic, config: { ...c.config(), acks: 'all', 'compression.type': 'zstd' }, messages }] });
        assert.deepEqual(produced.filter((l) => 'run' in l).map((l) => [l.offset, l.error]), messages.map((_, i) => [i, null]));
        const consumed = (await python('consume', b.bootstrap, { topic, start: 'beginning', config: c.config() })).filter((l) => 'offset' in l && 'value' in l);
        assert.deepEqual(consumed.map((m) => [m.offset, m.key, m.value, m.headers]), messages.map((m, i) => [i, m.key, m.value, m.headers]));
        assert.deepEqual(storedRecords(b.cluster, topic).map((r) => r.value), messages.map((m) => m.value));
      });
    }

    it('a wrong SCRAM password: list_topics fails and error_cb reports _AUTHENTICATION with the broker\'s message', async () => {
      const lines = await python('probe', saslSsl.bootstrap, { config: clientConfig('SASL_SSL', 'SCRAM-SHA-512', 'wrong'), timeout: 2 });
      const listed = lines.find((l) => 'listed' in l)!;
      assert.equal(listed.listed, false);
      const errors = lines.find((l) => 'errors' in l)!.errors as Array<{ name: string; str: string }>;
      const auth = errors.find((e) => e.name === '_AUTHENTICATION');
      assert.ok(auth, `no _AUTHENTICATION among ${JSON.stringify(errors)}`);
      assert.match(auth.str, new RegExp(`SASL authentication error: ${SCRAM_FAILED}`));
    });

    it('the right password: list_topics sees the broker at 127.0.0.1 and its port', async () => {
      const lines = await python('probe', saslSsl.bootstrap, { config: clientConfig('SASL_SSL'), timeout: 10 });
      const listed = lines.find((l) => 'listed' in l)!;
      assert.deepEqual({ listed: listed.listed, brokers: listed.brokers }, { listed: true, brokers: [saslSsl.bootstrap] });
      assert.deepEqual(lines.find((l) => 'errors' in l)!.errors, []);
    });
  });
});
