import { strict as assert } from 'node:assert';
import { Kafka, logLevel, Consumer } from 'kafkajs';
import {
  GroupDescriptionNotification,
  GroupGoneNotification,
  GroupInitNotification,
  GroupJournalNotification,
  GroupRefreshCommand,
  PlanResetRequest,
  ResetOffsetsRequest,
  WebviewReadyCommand,
} from '../../../src/shared/webview-protocol';
import { GroupRouter } from '../../../src/webviews/group-router';
import { RecordingEnv, TestService, command, request, sleep, startService } from './webviews-support';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const FAST_GROUPS: Record<string, string> = {
  'group.initial.rebalance.delay.ms': '0',
  'group.min.session.timeout.ms': '1000',
  'offsets.topic.replication.factor': '1',
  'offsets.topic.num.partitions': '4',
};

describe('Group inspector host (GroupRouter, real broker and a kafkajs member)', function () {
  this.timeout(60_000);
  let t: TestService;
  let env: RecordingEnv;
  let router: GroupRouter;
  let consumer: Consumer | undefined;

  beforeEach(async () => {
    t = await startService({ config: FAST_GROUPS });
    await t.service.createTopic({ name: 'orders', partitions: 2 });
    await t.service.produce({ topic: 'orders', records: Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });
    env = new RecordingEnv();
    router = new GroupRouter(t.source, env, 'billing', { refreshMs: 200, eventThrottleMs: 20 });
  });
  afterEach(async () => {
    router.dispose();
    await consumer?.disconnect().catch(() => undefined);
    consumer = undefined;
    await t.stop();
  });

  async function join(): Promise<void> {
    const { bootstrap } = await t.service.status();
    const kafka = new Kafka({ clientId: 'billing-app', brokers: bootstrap.split(','), logLevel: logLevel.NOTHING });
    consumer = kafka.consumer({ groupId: 'billing', sessionTimeout: 6000, heartbeatInterval: 300 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'orders', fromBeginning: true });
    let seen = 0;
    await consumer.run({ autoCommitInterval: 100, eachMessage: async () => void seen++ });
    const deadline = Date.now() + 30_000;
    for (;;) {
      const d = await t.service.describeGroup('billing').catch(() => undefined);
      if (d?.state === 'Stable' && seen >= 40 && d.offsets.every((o) => o.committed === o.endOffset)) return;
      if (Date.now() > deadline) assert.fail(`the kafkajs member did not settle (state ${d?.state}, ${seen} seen)`);
      await sleep(100);
    }
  }

  it('pushes the description and journal, refuses a reset while the group has members (NON_EMPTY_GROUP), resets once it is empty', async () => {
    await join();
    await command(router, WebviewReadyCommand, { panel: 'group' });
    const [init] = env.of(GroupInitNotification);
    assert.equal(init.groupId, 'billing');
    assert.deepEqual(init.topics.map((x) => x.name), ['orders'], 'internal topics are left out');
    const [first] = env.of(GroupDescriptionNotification);
    assert.deepEqual([first.description.state, first.description.members.length, first.description.members[0].clientId, first.description.totalLag], ['Stable', 1, 'billing-app', 0]);
    assert.deepEqual(first.description.members[0].assignment, [{ topic: 'orders', partitions: [0, 1] }]);
    const [journal] = env.of(GroupJournalNotification);
    assert.ok(journal.records.length >= 1);
    assert.equal(journal.records[0].trigger, 'member joined');

    const plan = await request(router, env, PlanResetRequest, { groupId: 'billing', topic: 'orders', target: { kind: 'earliest' } });
    assert.deepEqual(plan.result!.rows.map((r) => r.target), [0, 0]);
    assert.equal(plan.result!.rows.reduce((n, r) => n + (r.current ?? 0), 0), 40);
    const refused = await request(router, env, ResetOffsetsRequest, { groupId: 'billing', topic: 'orders', target: { kind: 'earliest' } });
    assert.equal(refused.error?.code, 'NON_EMPTY_GROUP');
    assert.match(refused.error!.message, /Assignments can only be reset if the group 'billing' is inactive, but the current state is Stable/);

    await consumer!.disconnect();
    consumer = undefined;
    const after = await env.waitFor(GroupDescriptionNotification, (all) => all.at(-1)!.description.state === 'Empty');
    assert.equal(after.at(-1)!.description.members.length, 0);
    const journals = await env.waitFor(GroupJournalNotification, (all) => all.length >= 2);
    assert.ok(journals.at(-1)!.records.length > journal.records.length, 'the journal is pushed again when it changed');

    const shift = await request(router, env, ResetOffsetsRequest, { groupId: 'billing', topic: 'orders', target: { kind: 'shift', by: -5 }, partitions: [1] });
    assert.equal(shift.error, undefined);
    assert.equal(shift.result!.rows.length, 1);
    const reset = await env.waitFor(GroupDescriptionNotification, (all) => all.at(-1)!.description.totalLag === 5);
    assert.equal(reset.at(-1)!.description.offsets.find((o) => o.partition === 1)!.lag, 5);

    const bad = await request(router, env, PlanResetRequest, { groupId: 'billing', topic: 'orders', target: { kind: 'someday' } as never });
    assert.equal(bad.error?.code, 'INVALID_REQUEST');
    const other = await request(router, env, PlanResetRequest, { groupId: 'payments', topic: 'orders', target: { kind: 'earliest' } });
    assert.match(other.error!.message, /shows the group billing, not payments/);
  });

  it('refreshes every few seconds only while visible, on demand, and says when the group is gone', async () => {
    await command(router, WebviewReadyCommand, { panel: 'group' });
    // The group does not exist yet.
    const [gone] = await env.waitFor(GroupGoneNotification);
    assert.match(gone.reason, /billing does not exist/);
    assert.equal(env.of(GroupGoneNotification).length, 1);
    await join();
    await env.waitFor(GroupDescriptionNotification, (all) => all.length >= 3);
    router.setVisible(false);
    await sleep(100);
    const hidden = env.of(GroupDescriptionNotification).length;
    await sleep(700);
    assert.ok(env.of(GroupDescriptionNotification).length <= hidden + 1, 'no periodic refresh while hidden');
    await command(router, GroupRefreshCommand, { groupId: 'billing' });
    assert.ok(env.of(GroupDescriptionNotification).length >= hidden + 1);
    router.setVisible(true);
    await env.waitFor(GroupDescriptionNotification, (all) => all.length >= hidden + 4);

    await consumer!.disconnect();
    consumer = undefined;
    await env.waitFor(GroupDescriptionNotification, (all) => all.at(-1)!.description.state === 'Empty');
    await t.service.deleteGroup('billing');
    const goneAgain = await env.waitFor(GroupGoneNotification, (all) => all.length >= 2);
    assert.match(goneAgain[1].reason, /does not exist/);
  });
});
