/**
 * `tributary topics` subcommands (list, describe, create, delete, alter, alter-config) with --json, against a real
 * `tributary start`; the kafka-topics.sh flag form keeps working; usage errors exit 2; --command-config connects
 * over SASL_SSL as Kafka's tools' client properties say.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CliBroker, startCliBroker } from '../support/cli-broker';
import { show, tributary } from '../support/cli-run';
import { rm, tmpDir } from '../support/tmp';
import { CA_FILE, CERT_FILE, KEY_FILE } from '../support/tls';

describe('tributary topics: subcommands, alter-config and --json', function () {
  this.timeout(180000);
  let dir: string;
  let broker: CliBroker;
  let bs: string[];
  const topics = (...args: string[]) => tributary(['topics', ...args, ...bs]);

  before(async () => {
    dir = tmpDir();
    broker = await startCliBroker(['--data', dir, '--port', '0', '--nodes', '3']);
    bs = ['--bootstrap-server', broker.bootstrap.split(',')[0]];
  });
  after(async () => {
    await broker?.stop();
    rm(dir);
  });

  it('create, list, describe, alter partitions, alter-config (checked with describe), delete', async () => {
    let r = await topics('create', 'tt-orders', '--partitions', '2', '--replication-factor', '3', '--config', 'retention.ms=60000');
    assert.equal(r.status, 0, show(r));
    assert.equal(r.stdout, 'Created topic tt-orders.\n');

    r = await topics('list');
    assert.ok(r.stdout.split('\n').includes('tt-orders'), show(r));
    r = await topics('describe', 'tt-orders');
    assert.equal(r.status, 0, show(r));
    assert.match(r.stdout, /^Topic: tt-orders\tTopicId: \S+\tPartitionCount: 2\tReplicationFactor: 3\tConfigs: retention\.ms=60000\n/);
    assert.equal(r.stdout.split('\n').filter((l) => /^\tTopic: tt-orders\tPartition: \d\tLeader: \d\tReplicas: \d,\d,\d\tIsr: \d,\d,\d$/.test(l)).length, 2, r.stdout);

    r = await topics('alter-config', 'tt-orders', '--add-config', 'cleanup.policy=[compact,delete],max.message.bytes=2000000', '--delete-config', 'retention.ms');
    assert.equal(r.status, 0, show(r));
    assert.equal(r.stdout, 'Completed updating config for topic tt-orders.\n');
    r = await topics('describe', 'tt-orders', '--json');
    const described = JSON.parse(r.stdout);
    assert.deepEqual(described.topics[0].configs, { 'cleanup.policy': 'compact,delete', 'max.message.bytes': '2000000' });
    assert.match(r.stdout.split('\n')[0], /^\{.*\}$/, 'one JSON document on one line');
    r = await topics('describe', 'tt-orders');
    assert.match(r.stdout, /Configs: cleanup\.policy=compact,delete,max\.message\.bytes=2000000\n/);

    r = await topics('alter', 'tt-orders', '--partitions', '4');
    assert.equal(r.status, 0, show(r));
    const d = JSON.parse((await topics('describe', '--topic', 'tt-orders', '--json')).stdout).topics[0];
    assert.equal(d.partitionCount, 4);
    assert.equal(d.replicationFactor, 3);
    assert.deepEqual(d.partitions.map((p: { partition: number }) => p.partition), [0, 1, 2, 3]);
    assert.ok(d.partitions.every((p: { leader: number; isr: number[]; logStartOffset: number; highWatermark: number }) => p.leader >= 0 && p.isr.length === 3 && p.logStartOffset === 0 && p.highWatermark === 0));

    r = await topics('list', '--json');
    const listed = JSON.parse(r.stdout).topics.find((t: { name: string }) => t.name === 'tt-orders');
    assert.deepEqual({ ...listed, topicId: typeof listed.topicId }, { name: 'tt-orders', topicId: 'string', partitions: 4, replicationFactor: 3, internal: false });

    r = await topics('delete', 'tt-orders');
    assert.equal(r.status, 0, show(r));
    assert.ok(!(await topics('list')).stdout.split('\n').includes('tt-orders'));
    r = await topics('delete', 'tt-orders', '--if-exists', '--json');
    assert.equal(r.status, 0, show(r));
    assert.deepEqual(JSON.parse(r.stdout), { topic: 'tt-orders', deleted: false });
  });

  it('failures exit 1 with Kafka\'s error names', async () => {
    assert.equal((await topics('create', 'tt-twice', '--partitions', '1')).status, 0);
    let r = await topics('create', 'tt-twice', '--partitions', '1');
    assert.equal(r.status, 1, show(r));
    assert.match(r.stderr, /^tributary: TOPIC_ALREADY_EXISTS: .*tt-twice.*already exists/im);
    r = await topics('describe', 'tt-missing');
    assert.equal(r.status, 1, show(r));
    assert.match(r.stderr, /UNKNOWN_TOPIC_OR_PARTITION: Topic 'tt-missing' does not exist\./);
    r = await topics('alter-config', 'tt-twice', '--add-config', 'retention.ms=forever');
    assert.equal(r.status, 1, show(r));
    assert.match(r.stderr, /INVALID_CONFIG: .*retention\.ms/);
    r = await tributary(['topics', 'list', '--bootstrap-server', '127.0.0.1:1']);
    assert.equal(r.status, 1, show(r));
    assert.match(r.stderr, /ECONNREFUSED|connect/i);
  });

  it("kafka-topics.sh's flag form still maps to the same code", async () => {
    const r = await topics('--create', '--topic', 'tt-flags', '--partitions', '3', '--replication-factor', '2');
    assert.equal(r.status, 0, show(r));
    assert.equal(r.stdout, 'Created topic tt-flags.\n');
    assert.match((await topics('--describe', '--topic', 'tt-flags')).stdout, /PartitionCount: 3\tReplicationFactor: 2/);
    assert.ok((await topics('--list')).stdout.split('\n').includes('tt-flags'));
    assert.equal((await topics('--delete', '--topic', 'tt-flags')).status, 0);
  });

  it('usage errors exit 2 with the usage text', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['topics', 'list'], /topics needs --bootstrap-server HOST:PORT/],
      [['topics', 'frobnicate', ...bs], /unknown topics command frobnicate/],
      [['topics', 'create', ...bs], /topics create needs a topic/],
      [['topics', 'alter-config', 'x', ...bs], /alter-config needs --add-config/],
      [['topics', 'describe', 'x', '--add-config', 'a=b', ...bs], /--add-config belongs to topics alter-config/],
      [['topics', 'list', '--create', ...bs], /topics list takes no --create/],
      [['topics', 'create', 'x', '--partitions', 'many', ...bs], /--partitions must be a whole number/],
      [['topics', 'create', 'x', '--config', 'novalue', ...bs], /--config takes name=value/],
      [['topics', 'list', '--nope', ...bs], /unknown option --nope/],
      [['groups', ...bs], /groups takes exactly one of list, describe, reset-offsets, delete/],
      [['produce', ...bs], /produce needs --topic TOPIC/],
      [['consume', ...bs], /consume needs --topic TOPIC/],
    ];
    for (const [args, message] of cases) {
      const r = await tributary(args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${show(r)}`);
      assert.match(r.stderr, message, args.join(' '));
      assert.match(r.stderr, /usage:/);
    }
  });
});

describe('tributary topics/produce/consume --command-config against a SASL_SSL cluster', function () {
  this.timeout(180000);
  let dir: string;
  let broker: CliBroker;
  let bs: string[];
  const props = (file: string, lines: string[]) => {
    const p = path.join(dir, file);
    fs.writeFileSync(p, lines.join('\n') + '\n');
    return p;
  };
  const saslSsl = (password: string) => [
    '# client properties, as for kafka-topics.sh --command-config',
    'security.protocol=SASL_SSL',
    'sasl.mechanism=SCRAM-SHA-256',
    `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \\`,
    `    username="alice" password="${password}";`,
    `ssl.truststore.location=${CA_FILE}`,
    'ssl.truststore.type=PEM',
  ];

  before(async () => {
    dir = tmpDir();
    broker = await startCliBroker([
      '--data', path.join(dir, 'data'), '--port', '0', '--nodes', '1',
      '--security-protocol', 'SASL_SSL', '--sasl-mechanisms', 'SCRAM-SHA-256,PLAIN', '--sasl-user', 'alice:al1ce-secret',
      '--tls-cert', CERT_FILE, '--tls-key', KEY_FILE,
    ]);
    bs = ['--bootstrap-server', broker.bootstrap.split(',')[0]];
  });
  after(async () => {
    await broker?.stop();
    rm(dir);
  });

  it('creates a topic, produces and consumes with SCRAM over TLS (and PLAIN with librdkafka-style sasl.username)', async () => {
    const config = props('client.properties', saslSsl('al1ce-secret'));
    let r = await tributary(['topics', 'create', 'secure', '--partitions', '1', '--command-config', config, ...bs]);
    assert.equal(r.status, 0, show(r));
    r = await tributary(['produce', '--topic', 'secure', '--key-separator', '=', '--producer.config', config, ...bs], 'k=over tls\n');
    assert.equal(r.status, 0, show(r));
    const plain = props('plain.properties', ['security.protocol=SASL_SSL', 'sasl.mechanism=PLAIN', 'sasl.username=alice', 'sasl.password=al1ce-secret', `ssl.truststore.location=${CA_FILE}`]);
    r = await tributary(['consume', '--topic', 'secure', '--from-beginning', '--timeout-ms', '0', '--property', 'print.key=true', '--consumer.config', plain, ...bs]);
    assert.equal(r.status, 0, show(r));
    assert.equal(r.stdout, 'k\tover tls\n');
  });

  it('a wrong password is SASL_AUTHENTICATION_FAILED (exit 1); unsupported or incomplete security properties are usage errors', async () => {
    const r = await tributary(['topics', 'list', '--command-config', props('wrong.properties', saslSsl('wrong')), ...bs]);
    assert.equal(r.status, 1, show(r));
    assert.match(r.stderr, /SASL_AUTHENTICATION_FAILED/);
    const cases: Array<[string[], RegExp]> = [
      [['security.protocol=SASL_SSL', `ssl.truststore.location=${CA_FILE}`], /sasl\.mechanism GSSAPI \(Kafka's default\) is not supported/],
      [['security.protocol=SASL_SSL', 'sasl.mechanism=PLAIN'], /SASL_SSL needs a user: sasl\.jaas\.config/],
      [['security.protocol=SSL', 'ssl.keystore.location=/x.jks'], /ssl\.keystore\.location is not supported: client certificates/],
      [['security.protocol=SSL', 'ssl.truststore.location=/x.jks', 'ssl.truststore.type=JKS'], /ssl\.truststore\.type JKS is not supported/],
      [['security.protocol=TLS'], /security\.protocol must be one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL, not TLS/],
    ];
    for (const [lines, message] of cases) {
      const bad = await tributary(['topics', 'list', '--command-config', props('bad.properties', lines), ...bs]);
      assert.equal(bad.status, 2, `${lines.join(' ')}: ${show(bad)}`);
      assert.match(bad.stderr, message);
    }
    const missing = await tributary(['topics', 'list', '--command-config', path.join(dir, 'nope.properties'), ...bs]);
    assert.equal(missing.status, 1, show(missing));
    assert.match(missing.stderr, /cannot read --command-config .*nope\.properties: ENOENT/);
  });
});
