/**
 * `tributary groups` (kafka-consumer-groups.sh) against a real `tributary start`, with a kafkajs consumer group as
 * the group: list (--state), describe with Kafka's lag table (a partition without a committed offset included),
 * --members and --state, reset-offsets as a dry run and with --execute for every spec (checked with kafkajs admin
 * fetchOffsets), refused while a member is in, delete; --json documents.
 */
import { strict as assert } from 'node:assert';
import { Kafka, logLevel, type Admin, type Consumer } from 'kafkajs';
import { CliBroker, startCliBroker } from '../support/cli-broker';
import { show, tributary } from '../support/cli-run';
import { rm, tmpDir } from '../support/tmp';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

/** 2021-01-01T00:00:00Z: record i of each partition is stamped T0 + i ms. */
const T0 = Date.UTC(2021, 0, 1);
const COUNTS = [4, 4, 3];

async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 30000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('tributary groups: list, describe, reset-offsets, delete against a kafkajs consumer group', function () {
  this.timeout(180000);
  let dir: string;
  let broker: CliBroker;
  let bs: string[];
  let kafka: Kafka;
  let admin: Admin;
  let consumer: Consumer | undefined;
  const groups = (...args: string[]) => tributary(['groups', ...args, ...bs]);
  const committed = async (group: string) => {
    const [t] = await admin.fetchOffsets({ groupId: group, topics: ['orders'] });
    return [...t.partitions].sort((a, b) => a.partition - b.partition).map((p) => Number(p.offset));
  };
  /** The rows of Kafka's table after its header line, split on runs of spaces. */
  const rows = (stdout: string, header: string) => {
    const lines = stdout.split('\n');
    const at = lines.findIndex((l) => l.startsWith(header));
    assert.ok(at >= 0, `no ${header} header in:\n${stdout}`);
    return lines.slice(at + 1).filter((l) => l.trim() !== '' && !l.startsWith('*')).map((l) => l.trim().split(/ +/));
  };

  before(async () => {
    dir = tmpDir();
    broker = await startCliBroker(['--data', dir, '--port', '0', '--nodes', '3', '--config', 'group.initial.rebalance.delay.ms=0']);
    bs = ['--bootstrap-server', broker.bootstrap.split(',')[0]];
    kafka = new Kafka({ clientId: 'cli-groups', brokers: broker.bootstrap.split(','), logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    await admin.connect();
    const r = await tributary(['topics', 'create', 'orders', '--partitions', '3', '--replication-factor', '3', ...bs]);
    assert.equal(r.status, 0, show(r));
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: 'orders',
      acks: -1,
      messages: COUNTS.flatMap((n, partition) => Array.from({ length: n }, (_, i) => ({ partition, key: `k${partition}`, value: `order ${partition}/${i}`, timestamp: String(T0 + i) }))),
    });
    await producer.disconnect();
  });
  after(async () => {
    await consumer?.disconnect().catch(() => undefined);
    await admin?.disconnect();
    await broker?.stop();
    rm(dir);
  });

  it('a live group: list, list --state, describe with the lag of an uncommitted partition marked, --members, --state, --json', async () => {
    // The consumer reads every partition but commits only partitions 0 and 1: partition 2 is owned, never committed.
    consumer = kafka.consumer({ groupId: 'billing', maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'orders', fromBeginning: true });
    const seen = [0, 0, 0];
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        seen[partition]++;
        if (partition !== 2) await consumer!.commitOffsets([{ topic: 'orders', partition, offset: String(Number(message.offset) + 1) }]);
      },
    });
    await until('the consumer to read and commit', async () => (seen.every((n, p) => n === COUNTS[p]) && (await committed('billing')).join() === '4,4,-1' ? true : undefined));

    let r = await groups('list');
    assert.equal(r.status, 0, show(r));
    assert.ok(r.stdout.split('\n').includes('billing'), r.stdout);
    r = await groups('list', '--state');
    assert.deepEqual(rows(r.stdout, 'GROUP').find((x) => x[0] === 'billing'), ['billing', 'Stable']);
    assert.match(r.stdout, /^GROUP {20,}STATE\n/);
    r = await groups('list', '--state', 'empty,dead');
    assert.ok(!r.stdout.includes('billing'), show(r));
    r = await groups('list', '--json');
    const listed = JSON.parse(r.stdout).groups.find((g: { group: string }) => g.group === 'billing');
    assert.deepEqual(listed, { group: 'billing', state: 'Stable', protocolType: 'consumer', members: 1, coordinator: listed.coordinator, totalLag: 3, uncommitted: 1, topics: ['orders'] });

    r = await groups('describe', 'billing');
    assert.equal(r.status, 0, show(r));
    assert.match(r.stdout, /^\nGROUP +TOPIC +PARTITION +CURRENT-OFFSET +LOG-END-OFFSET +LAG +CONSUMER-ID +HOST +CLIENT-ID\n/);
    const table = rows(r.stdout, 'GROUP');
    const member = table[0][6];
    assert.match(member, /^cli-groups-/);
    assert.deepEqual(table, [
      ['billing', 'orders', '0', '4', '4', '0', member, '/127.0.0.1', 'cli-groups'],
      ['billing', 'orders', '1', '4', '4', '0', member, '/127.0.0.1', 'cli-groups'],
      ['billing', 'orders', '2', '-', '3', '3*', member, '/127.0.0.1', 'cli-groups'],
    ]);
    assert.match(r.stdout, /\n\* no committed offset: LAG counts from the log start offset/);

    r = await groups('describe', 'billing', '--members', '--verbose');
    assert.equal(r.status, 0, show(r));
    assert.deepEqual(rows(r.stdout, 'GROUP'), [['billing', member, '/127.0.0.1', 'cli-groups', '3', 'orders:0,1,2']]);
    assert.match(r.stdout, /^\nGROUP +CONSUMER-ID +HOST +CLIENT-ID +#PARTITIONS +ASSIGNMENT\n/);
    r = await groups('describe', 'billing', '--state');
    assert.equal(r.status, 0, show(r));
    assert.match(r.stdout, /^\nGROUP +COORDINATOR \(ID\) +ASSIGNMENT-STRATEGY +STATE +#MEMBERS\nbilling +127\.0\.0\.1:\d+ +\(\d\) +\S+ +Stable +1\n$/);

    r = await groups('describe', '--group', 'billing', '--json');
    const [g] = JSON.parse(r.stdout).groups;
    assert.equal(g.state, 'Stable');
    assert.equal(g.members.length, 1);
    assert.deepEqual(g.members[0].partitions, [0, 1, 2].map((partition) => ({ topic: 'orders', partition })));
    assert.deepEqual(g.offsets[2], { topic: 'orders', partition: 2, currentOffset: null, logStartOffset: 0, logEndOffset: 3, lag: 3, lagFrom: 'log-start', consumerId: member, host: '/127.0.0.1', clientId: 'cli-groups' });
    assert.deepEqual([g.offsets[0].currentOffset, g.offsets[0].lag, g.offsets[0].lagFrom], [4, 0, 'committed']);
    assert.deepEqual([g.totalLag, g.uncommitted], [3, 1]);
  });

  it('a consumer protocol group (KIP-848, @platformatic/kafka): listed with its state, described with its member and lag', async () => {
    const { Consumer: PlatformaticConsumer, stringDeserializers } = await import('@platformatic/kafka');
    const c = new PlatformaticConsumer({ groupId: 'billing-848', clientId: 'cli-848', bootstrapBrokers: broker.bootstrap.split(','), deserializers: stringDeserializers, groupProtocol: 'consumer' });
    try {
      const stream = await c.consume({ topics: ['orders'], mode: 'earliest', autocommit: true });
      stream.on('data', () => undefined);
      await until('the consumer protocol member to commit to the end', async () => {
        const r = await groups('describe', 'billing-848');
        return r.status === 0 && rows(r.stdout, 'GROUP').every((x) => x[5] === '0') && rows(r.stdout, 'GROUP').length === 3 ? true : undefined;
      });
      let r = await groups('list', '--state');
      assert.deepEqual(rows(r.stdout, 'GROUP').find((x) => x[0] === 'billing-848'), ['billing-848', 'Stable']);
      r = await groups('list', '--state', 'reconciling');
      assert.equal(r.status, 0, show(r));
      assert.ok(!r.stdout.includes('billing-848'));
      r = await groups('describe', 'billing-848', '--members', '--verbose');
      assert.equal(r.status, 0, show(r));
      const [member] = rows(r.stdout, 'GROUP');
      assert.deepEqual([member[0], member[3], member[4], member[5]], ['billing-848', 'cli-848', '3', 'orders:0,1,2']);
      r = await groups('describe', 'billing-848', '--state');
      assert.match(r.stdout, /\nbilling-848 +127\.0\.0\.1:\d+ +\(\d\) +uniform +Stable +1\n$/);
      await stream.close();
    } finally {
      await c.close(true);
    }
  });

  it('reset-offsets and delete are refused while a member is in, with Kafka\'s message; nothing changes', async () => {
    for (const extra of [[], ['--execute']]) {
      const r = await groups('reset-offsets', 'billing', '--topic', 'orders', '--to-earliest', ...extra);
      assert.equal(r.status, 1, show(r));
      assert.match(r.stderr, /NON_EMPTY_GROUP: Assignments can only be reset if the group 'billing' is inactive, but the current state is Stable\./);
    }
    const r = await groups('delete', 'billing');
    assert.equal(r.status, 1, show(r));
    assert.match(r.stderr, /\* Group 'billing' could not be deleted due to: NON_EMPTY_GROUP/);
    assert.deepEqual(await committed('billing'), [4, 4, -1]);
  });

  it('an empty group: describe says so; every reset spec as a dry run (nothing changed) and with --execute (committed)', async () => {
    await consumer!.disconnect();
    consumer = undefined;
    await until('the group to be empty', async () => (JSON.parse((await groups('describe', 'billing', '--json')).stdout).groups[0].state === 'Empty' ? true : undefined));
    let r = await groups('describe', 'billing');
    assert.match(r.stderr, /Consumer group 'billing' has no active members\./);
    assert.deepEqual(rows(r.stdout, 'GROUP').map((x) => x.slice(2)), [
      ['0', '4', '4', '0', '-', '-', '-'],
      ['1', '4', '4', '0', '-', '-', '-'],
    ]);

    const reset = async (spec: string[], expected: number[], scope = ['--topic', 'orders']) => {
      const before = await committed('billing');
      const dry = await groups('reset-offsets', 'billing', ...scope, ...spec);
      assert.equal(dry.status, 0, show(dry));
      assert.match(dry.stderr, /Dry run: nothing was changed/);
      assert.deepEqual(await committed('billing'), before, `${spec.join(' ')}: a dry run changes nothing`);
      const planned = rows(dry.stdout, 'GROUP');
      const run = await groups('reset-offsets', 'billing', ...scope, ...spec, '--execute');
      assert.equal(run.status, 0, show(run));
      assert.doesNotMatch(run.stderr, /Dry run/);
      assert.deepEqual(rows(run.stdout, 'GROUP'), planned, 'the plan printed is what was committed');
      assert.deepEqual(await committed('billing'), expected, spec.join(' '));
      return planned;
    };
    assert.deepEqual(await reset(['--to-earliest'], [0, 0, 0]), [0, 1, 2].map((p) => ['billing', 'orders', String(p), '0']));
    assert.match((await groups('reset-offsets', 'billing', '--topic', 'orders', '--to-earliest')).stdout, /^\nGROUP +TOPIC +PARTITION +NEW-OFFSET\n/);
    await reset(['--to-latest'], [4, 4, 3]);
    await reset(['--to-offset', '2'], [2, 4, 3], ['--topic', 'orders:0']);
    await reset(['--shift-by', '-1'], [2, 3, 2], ['--topic', 'orders:1,2']);
    await reset(['--to-datetime', '2021-01-01T00:00:00.002'], [2, 2, 2]);
    await reset(['--to-datetime', '2021-01-01T01:00:00.001+01:00'], [1, 1, 1]);
    // No record is younger than an hour: Kafka falls back to the latest offset.
    await reset(['--by-duration', 'PT1H'], [4, 4, 3]);
    await reset(['--to-current'], [4, 4, 3], ['--all-topics']);
    await reset(['--shift-by', '-3'], [1, 1, 0], ['--all-topics']);

    // An offset out of range is clamped, with Kafka's warning.
    r = await groups('reset-offsets', 'billing', '--topic', 'orders:1', '--shift-by', '10');
    assert.equal(r.status, 0, show(r));
    assert.match(r.stderr, /New offset \(11\) is higher than latest offset for topic partition orders-1\. Value will be set to 4\./);
    assert.deepEqual(rows(r.stdout, 'GROUP'), [['billing', 'orders', '1', '4']]);

    r = await groups('reset-offsets', 'billing', '--topic', 'orders', '--to-earliest', '--json');
    assert.deepEqual(JSON.parse(r.stdout), {
      dryRun: true,
      offsets: [
        { group: 'billing', topic: 'orders', partition: 0, currentOffset: 1, newOffset: 0 },
        { group: 'billing', topic: 'orders', partition: 1, currentOffset: 1, newOffset: 0 },
        { group: 'billing', topic: 'orders', partition: 2, currentOffset: 0, newOffset: 0 },
      ],
    });
  });

  it('a group that does not exist: reset --execute creates its offsets (as Kafka), --shift-by needs committed offsets, describe fails', async () => {
    let r = await groups('reset-offsets', 'fresh', '--topic', 'orders:0', '--shift-by', '1');
    assert.equal(r.status, 1, show(r));
    assert.match(r.stderr, /Cannot shift offset for partition orders-0 since there is no current committed offset/);
    r = await groups('describe', 'fresh');
    assert.equal(r.status, 1, show(r));
    assert.match(r.stderr, /GROUP_ID_NOT_FOUND: Consumer group 'fresh' does not exist\./);
    r = await tributary(['groups', '--reset-offsets', '--group', 'fresh', '--topic', 'orders', '--to-offset', '3', '--execute', ...bs]);
    assert.equal(r.status, 0, show(r));
    assert.deepEqual(await committed('fresh'), [3, 3, 3]);
    r = await tributary(['groups', '--describe', '--group', 'fresh', ...bs]);
    assert.equal(r.status, 0, show(r));
    assert.deepEqual(rows(r.stdout, 'GROUP').map((x) => x.slice(2, 6)), [['0', '3', '4', '1'], ['1', '3', '4', '1'], ['2', '3', '3', '0']]);
  });

  it('delete: the groups go (Kafka\'s message), list no longer has them, a missing group is an error', async () => {
    let r = await groups('delete', 'billing', '--group', 'fresh');
    assert.equal(r.status, 0, show(r));
    assert.equal(r.stdout, "Deletion of requested consumer groups ('billing', 'fresh') was successful.\n");
    r = await groups('list', '--json');
    assert.deepEqual(JSON.parse(r.stdout).groups.filter((g: { group: string }) => g.group === 'billing' || g.group === 'fresh'), []);
    r = await groups('delete', 'billing', '--json');
    assert.equal(r.status, 1, show(r));
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(doc.deleted, []);
    assert.equal(doc.failed[0].group, 'billing');
    assert.equal(doc.failed[0].error, 'GROUP_ID_NOT_FOUND');
  });

  it('usage errors exit 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['reset-offsets', 'g', '--topic', 'orders'], /reset-offsets takes exactly one of --to-earliest/],
      [['reset-offsets', 'g', '--topic', 'orders', '--to-earliest', '--to-latest'], /exactly one of .*\(given: --to-earliest, --to-latest\)/],
      [['reset-offsets', 'g', '--to-earliest'], /One of the reset scopes should be defined: --all-topics, --topic\./],
      [['reset-offsets', 'g', '--topic', 'orders', '--all-topics', '--to-earliest'], /One of the reset scopes/],
      [['reset-offsets', 'g', '--topic', 'orders', '--to-earliest', '--dry-run', '--execute'], /--dry-run and --execute cannot be given together/],
      [['reset-offsets', 'g', '--topic', 'orders', '--to-datetime', 'yesterday'], /--to-datetime takes YYYY-MM-DDTHH:mm:SS\.sss/],
      [['reset-offsets', 'g', '--topic', 'orders', '--by-duration', '1h'], /--by-duration takes an ISO-8601 duration/],
      [['reset-offsets', 'g', '--topic', 'orders:x', '--to-earliest'], /Invalid partition 'x' specified in topic arg 'orders:x'/],
      [['reset-offsets', 'g', '--topic', 'orders', '--shift-by', 'two'], /--shift-by takes a whole number, not two/],
      [['reset-offsets', '--topic', 'orders', '--to-earliest'], /groups reset-offsets needs a group/],
      [['describe'], /groups describe needs a group/],
      [['describe', 'g', '--to-earliest'], /--to-earliest belongs to groups reset-offsets/],
      [['list', '--state', 'Sleeping'], /Invalid state list 'Sleeping'\. Valid states are: /],
      [['describe', 'g', '--members', '--state'], /groups describe takes one of --members, --state, --offsets/],
      [['list', 'extra'], /groups list takes no group/],
    ];
    for (const [args, message] of cases) {
      const r = await groups(...args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${show(r)}`);
      assert.match(r.stderr, message, args.join(' '));
    }
  });
});
