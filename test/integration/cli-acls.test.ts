/**
 * `tributary acls` (Kafka's kafka-acls.sh) against a real `tributary start` with the StandardAuthorizer and
 * allow.everyone.if.no.acl.found=true (the shape of librdkafka's test brokers): --add with allow and deny principals,
 * prefixed patterns, --producer/--consumer, --list in Kafka's text and as JSON, --remove, the scripts/kafka-tools
 * kafka-acls.sh wrapper, a DENY taking effect on a real produce, and SECURITY_DISABLED from a broker without an
 * authorizer.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { CliBroker, startCliBroker } from '../support/cli-broker';
import { show, tributary } from '../support/cli-run';
import { rm, tmpDir } from '../support/tmp';

const AUTHZ = ['--config', 'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer', '--config', 'allow.everyone.if.no.acl.found=true'];
const KAFKA_ACLS = path.join(__dirname, '..', '..', '..', 'scripts', 'kafka-tools', 'bin', 'kafka-acls.sh');

describe('tributary acls (kafka-acls.sh)', function () {
  this.timeout(180000);
  let dir: string;
  let broker: CliBroker;
  let bs: string[];
  const acls = (...args: string[]) => tributary(['acls', ...args, ...bs]);
  const listJson = async (...args: string[]) => {
    const r = await acls('--list', '--json', ...args);
    assert.equal(r.status, 0, show(r));
    return JSON.parse(r.stdout) as Array<Record<string, string>>;
  };

  before(async () => {
    dir = tmpDir();
    broker = await startCliBroker(['--data', dir, '--port', '0', '--nodes', '1', ...AUTHZ]);
    bs = ['--bootstrap-server', broker.bootstrap.split(',')[0]];
    // Once the cluster resource has an ACL, allow.everyone.if.no.acl.found no longer covers it: the operator (this
    // tool, User:ANONYMOUS on PLAINTEXT) keeps ALTER (ACL changes) and CREATE (topics) first, as on Kafka.
    const r = await acls('--add', '--allow-principal', 'User:ANONYMOUS', '--operation', 'Alter', '--operation', 'Create', '--cluster');
    assert.equal(r.status, 0, show(r));
  });
  after(async () => {
    await broker?.stop();
    rm(dir);
  });

  it('--add prints what it adds and the resource ACLs after; --list shows them in Kafka text and JSON', async () => {
    const r = await acls('--add', '--allow-principal', 'User:alice', '--allow-principal', 'User:bob', '--operation', 'Read', '--operation', 'Describe', '--topic', 'orders');
    assert.equal(r.status, 0, show(r));
    assert.match(r.stdout, /^Adding ACLs for resource `ResourcePattern\(resourceType=TOPIC, name=orders, patternType=LITERAL\)`:\n \t\(principal=User:alice, host=\*, operation=READ, permissionType=ALLOW\) \n/);
    assert.match(r.stdout, /Current ACLs for resource `ResourcePattern\(resourceType=TOPIC, name=orders, patternType=LITERAL\)`:/);
    const listed = await listJson('--topic', 'orders');
    assert.equal(listed.length, 4);
    assert.deepEqual(listed[0], { resourceType: 'TOPIC', resourceName: 'orders', patternType: 'LITERAL', principal: 'User:alice', host: '*', operation: 'READ', permissionType: 'ALLOW' });
  });

  it('prefixed patterns, deny principals with hosts, --producer and --consumer shortcuts, --principal filter', async () => {
    let r = await acls('--add', '--deny-principal', 'User:mallory', '--deny-host', '10.0.0.9', '--topic', 'pay', '--resource-pattern-type', 'prefixed');
    assert.equal(r.status, 0, show(r));
    r = await acls('--add', '--allow-principal', 'User:svc', '--producer', '--idempotent', '--topic', 'events', '--transactional-id', 'tx-1', '--cluster');
    assert.equal(r.status, 0, show(r));
    r = await acls('--add', '--allow-principal', 'User:svc', '--consumer', '--topic', 'events', '--group', 'svc-group');
    assert.equal(r.status, 0, show(r));
    const svc = await listJson('--principal', 'User:svc');
    const ops = (type: string) => svc.filter((b) => b.resourceType === type).map((b) => b.operation).sort();
    assert.deepEqual(ops('TOPIC'), ['CREATE', 'DESCRIBE', 'READ', 'WRITE']);
    assert.deepEqual(ops('TRANSACTIONAL_ID'), ['DESCRIBE', 'WRITE']);
    assert.deepEqual(ops('CLUSTER'), ['IDEMPOTENT_WRITE']);
    assert.deepEqual(ops('GROUP'), ['READ']);
    const match = await listJson('--topic', 'payments', '--resource-pattern-type', 'match');
    assert.deepEqual(match.map((b) => [b.resourceName, b.patternType, b.principal, b.host, b.permissionType]), [['pay', 'PREFIXED', 'User:mallory', '10.0.0.9', 'DENY']]);
  });

  it('--remove takes what the entries name, or every ACL of the resource without principals', async () => {
    let r = await acls('--remove', '--force', '--allow-principal', 'User:bob', '--operation', 'Read', '--topic', 'orders');
    assert.equal(r.status, 0, show(r));
    assert.match(r.stdout, /Removed ACLs for resource .*orders.*\n \t\(principal=User:bob, host=\*, operation=READ, permissionType=ALLOW\)/);
    assert.equal((await listJson('--topic', 'orders')).length, 3);
    r = await acls('--remove', '--force', '--topic', 'orders');
    assert.equal(r.status, 0, show(r));
    assert.deepEqual(await listJson('--topic', 'orders'), []);
  });

  it("kafka-acls.sh runs it: a DENY for User:* refuses a real produce with Kafka's error", async () => {
    const produce = () => tributary(['produce', '--topic', 'locked', ...bs], 'one\n');
    let r = await tributary(['topics', 'create', 'locked', ...bs]);
    assert.equal(r.status, 0, show(r));
    r = await produce();
    assert.equal(r.status, 0, show(r));
    const sh = spawnSync(KAFKA_ACLS, ['--bootstrap-server', bs[1], '--add', '--deny-principal', 'User:*', '--operation', 'All', '--deny-host', '*', '--topic', 'locked'], { encoding: 'utf8' });
    assert.equal(sh.status, 0, sh.stderr);
    r = await produce();
    assert.equal(r.status, 1, show(r));
    assert.match(r.stderr, /TOPIC_AUTHORIZATION_FAILED/);
  });

  it('usage errors exit 2', async () => {
    assert.equal((await acls('--add', '--topic', 'x')).status, 2, 'no principal');
    assert.equal((await acls('--add', '--list')).status, 2, 'two actions');
    assert.equal((await acls('--add', '--allow-principal', 'User:a', '--operation', 'Fly', '--topic', 'x')).status, 2);
    assert.equal((await acls('--consumer', '--add', '--allow-principal', 'User:a', '--topic', 'x')).status, 2, '--consumer needs --group');
  });
});

describe('tributary acls against a broker without an authorizer', function () {
  this.timeout(120000);
  it("exits 1 with Kafka's SECURITY_DISABLED", async () => {
    const dir = tmpDir();
    const broker = await startCliBroker(['--data', dir, '--port', '0', '--nodes', '1']);
    try {
      const r = await tributary(['acls', '--list', '--bootstrap-server', broker.bootstrap.split(',')[0]]);
      assert.equal(r.status, 1, show(r));
      assert.match(r.stderr, /SECURITY_DISABLED/);
    } finally {
      await broker.stop();
      rm(dir);
    }
  });
});
