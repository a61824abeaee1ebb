/**
 * What the destructive commands ask (src/commands/confirmations.ts), from a real broker's figures: the node to stop
 * and what the cluster goes through (checked against what then happens), the partitions, records, overrides and
 * groups a topic deletion loses, a group's committed offsets, the records an offset reset skips or reads again.
 */
import { strict as assert } from 'node:assert';
import { Kafka, logLevel } from 'kafkajs';
import { deleteGroupConfirmation, deleteTopicConfirmation, resetOffsetsConfirmation, stopNodeConfirmation } from '../../../src/commands/confirmations';
import { TestService, startService } from './webviews-support';

describe('Confirmations of the destructive commands (real broker)', function () {
  this.timeout(60_000);
  let t: TestService;

  beforeEach(async () => {
    t = await startService({ nodes: 3, config: { 'offsets.topic.replication.factor': '3', 'offsets.topic.num.partitions': '3' } });
  });
  afterEach(async () => {
    await t.stop();
  });

  it('stop node: names the node and its address, the partitions that move, those that go offline, the controller; and that is what happens', async () => {
    await t.service.createTopic({ name: 'orders', partitions: 3, replicationFactor: 3 });
    await t.service.createTopic({ name: 'solo', partitions: 3, replicationFactor: 1 });
    const before = await t.service.replication();
    // The node leading solo-0 (a single replica): stopping it takes solo-0 offline.
    const id = before.partitions.find((p) => p.topic === 'solo' && p.partition === 0)!.leader;
    const node = (await t.service.status()).nodes.find((n) => n.id === id)!;
    const c = stopNodeConfirmation(node, before);
    assert.equal(c.message, `Stop node ${id}?`);
    assert.equal(c.action, 'Stop Node');
    assert.ok(c.detail.startsWith(`Node ${id} (127.0.0.1:${node.port}) stops as a crash looks to the rest of the cluster: its listener closes and the clients connected to it reconnect to the other nodes.`), c.detail);
    const led = before.partitions.filter((p) => p.leader === id);
    const soloLed = led.filter((p) => p.topic === 'solo').map((p) => `solo-${p.partition}`);
    const under = before.partitions.filter((p) => p.replicas.some((r) => r.node === id)).length - soloLed.length;
    const moved = led.length - soloLed.length;
    if (moved > 0) assert.match(c.detail, new RegExp(`${moved} of the ${led.length} partitions it leads (elects a new leader from its|elect new leaders from their) in-sync replicas\\.`));
    assert.match(c.detail, new RegExp(`The ${under} partitions with a replica on it become under-replicated: it drops out of their ISR\\.`));
    assert.match(c.detail, soloLed.length === 1 ? /One partition has no other in-sync replica and goes offline until it starts again: solo-0\./ : new RegExp(`${soloLed.length} partitions have no other in-sync replica and go offline until it starts again: `));
    assert.equal(c.detail.includes('It is the controller: another node takes over.'), node.isController);
    assert.ok(c.detail.endsWith('Its data stays on disk: Start Node… brings it back, and it catches up.'));

    // What it says is what happens.
    await t.service.stopNode(id);
    const after = await t.service.replication();
    const offline = after.partitions.filter((p) => p.offline).map((p) => `${p.topic}-${p.partition}`).sort();
    assert.deepEqual(offline, soloLed.sort());
    for (const p of led.filter((x) => x.topic !== 'solo')) {
      const now = after.partitions.find((x) => x.topic === p.topic && x.partition === p.partition)!;
      assert.ok(now.leader >= 0 && now.leader !== id, `${p.topic}-${p.partition} has a new leader`);
    }

    // A node leading nothing, and without the partition view (said in general).
    const other = (await t.service.status()).nodes.find((n) => n.up && n.id !== id)!;
    const none = stopNodeConfirmation({ ...other, leaderCount: 0 }, { ...after, partitions: [] });
    assert.match(none.detail, /It holds no partition\./);
    const one = before.partitions.find((p) => p.topic === 'orders' && p.leader === id);
    assert.ok(one, `node ${id} leads a partition of orders (Kafka's round-robin placement)`);
    assert.match(stopNodeConfirmation(node, { ...before, partitions: [one] }).detail, / The partition it leads elects a new leader from its in-sync replicas\. One partition with a replica on it becomes under-replicated: it drops out of its ISR\. /);
    assert.match(stopNodeConfirmation(other).detail, /The partitions it leads elect new leaders from their in-sync replicas, and it drops out of every ISR\./);
  });

  it('delete topic, delete group, reset offsets: what is lost, in the same voice', async () => {
    await t.service.createTopic({ name: 'orders', partitions: 3, replicationFactor: 3, configs: { 'retention.ms': '3600000', 'cleanup.policy': 'compact,delete' } });
    await t.service.produce({ topic: 'orders', records: Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });
    const { bootstrap } = await t.service.status();
    const admin = new Kafka({ clientId: 'confirmations', brokers: bootstrap.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      await admin.setOffsets({ groupId: 'billing', topic: 'orders', partitions: [0, 1, 2].map((partition) => ({ partition, offset: '2' })) });
    } finally {
      await admin.disconnect();
    }

    const topic = deleteTopicConfirmation(await t.service.describeTopic('orders'), await t.service.listGroups());
    assert.deepEqual(topic, {
      message: "Delete topic 'orders'?",
      detail:
        "Its 3 partitions and the 30 records in them are removed from every node, with its config overrides (cleanup.policy and retention.ms). The consumer group 'billing' has nothing left to read from it. This cannot be undone.",
      action: 'Delete Topic',
    });

    const group = deleteGroupConfirmation(await t.service.describeGroup('billing'));
    assert.deepEqual(group, {
      message: "Delete consumer group 'billing'?",
      detail: "Its 3 committed offsets (on orders) are removed: a consumer that joins 'billing' later starts from its auto.offset.reset position, not where the group got to. This cannot be undone.",
      action: 'Delete Group',
    });

    const earliest = await t.service.planReset({ groupId: 'billing', topic: 'orders', to: { kind: 'earliest' } });
    const back = resetOffsetsConfirmation('billing', 'orders', earliest);
    assert.equal(back.message, "Reset the offsets of 'billing' on orders?");
    assert.equal(back.action, 'Reset Offsets');
    assert.deepEqual(back.detail.split('\n'), [
      "The group's committed offsets are replaced by those below; the current ones are not kept (note them to go back). The group reads 6 records again.",
      '',
      'orders-0: 2 → 0',
      'orders-1: 2 → 0',
      'orders-2: 2 → 0',
    ]);
    const latest = resetOffsetsConfirmation('billing', 'orders', await t.service.planReset({ groupId: 'billing', topic: 'orders', to: { kind: 'latest' } }));
    assert.match(latest.detail.split('\n')[0], /The group skips 24 records it has not consumed\.$/);
    const many = resetOffsetsConfirmation('g', 't', Array.from({ length: 25 }, (_, partition) => ({ topic: 't', partition, current: null, target: 0 })));
    assert.deepEqual(many.detail.split('\n').slice(-2), ['t-19: none → 0', '… and 5 more']);
  });
});
