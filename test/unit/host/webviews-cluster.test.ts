import { strict as assert } from 'node:assert';
import {
  ClusterView,
  ClusterViewNotification,
  CutLinkRequest,
  ElectionNotification,
  ElectPreferredLeadersRequest,
  SlowFollowerRequest,
  StartNodeRequest,
  StopNodeRequest,
  WebviewReadyCommand,
} from '../../../src/shared/webview-protocol';
import { ClusterRouter } from '../../../src/webviews/cluster-router';
import { RecordingEnv, TestService, command, request, sleep, startService } from './webviews-support';

describe('Cluster view host (ClusterRouter, real 3-node broker)', function () {
  this.timeout(60_000);
  let t: TestService;
  let env: RecordingEnv;
  let router: ClusterRouter;

  beforeEach(async () => {
    t = await startService({ nodes: 3, config: { 'replica.lag.time.max.ms': '1500' } });
    await t.service.createTopic({ name: 'orders', partitions: 3, replicationFactor: 3 });
    env = new RecordingEnv();
    router = new ClusterRouter(t.source, env, { throttleMs: 30, electionThrottleMs: 10, refreshMs: 60_000 });
  });
  afterEach(async () => {
    router.dispose();
    await t.stop();
  });

  const latest = (): ClusterView => env.of(ClusterViewNotification).at(-1)!.view;
  const waitView = async (what: (v: ClusterView) => boolean): Promise<ClusterView> => (await env.waitFor(ClusterViewNotification, (all) => all.length > 0 && what(all.at(-1)!.view))).at(-1)!.view;

  it('answers ready with nodes, the controller and every partition’s leader, replicas and ISR', async () => {
    const status = await t.service.status();
    await command(router, WebviewReadyCommand, { panel: 'cluster' });
    const v = latest();
    assert.equal(v.clusterId, status.clusterId);
    assert.equal(v.controllerId, status.controllerId);
    assert.deepEqual(v.nodes.map((n) => [n.id, n.up, n.port, n.isController, n.slowFollowerMs, n.cutLinks]), status.nodes.map((n) => [n.id, true, n.port, n.id === status.controllerId, 0, []]));
    const orders = v.partitions.filter((p) => p.topic === 'orders');
    assert.equal(orders.length, 3);
    for (const p of orders) {
      assert.deepEqual([...p.replicas].sort(), [0, 1, 2]);
      assert.deepEqual([...p.isr].sort(), [0, 1, 2]);
      assert.ok(p.replicas.includes(p.leader));
    }
  });

  it('stopNode elects new leaders (pushed as cluster/didElect) and shows the node down; startNode brings it back into the ISR', async () => {
    await command(router, WebviewReadyCommand, { panel: 'cluster' });
    const p0 = latest().partitions.find((p) => p.topic === 'orders' && p.partition === 0)!;
    const victim = p0.leader;
    const stop = await request(router, env, StopNodeRequest, { nodeId: victim });
    assert.equal(stop.error, undefined);
    const elections = await env.waitFor(ElectionNotification, (all) => all.flatMap((e) => e.events).some((e) => e.topic === 'orders' && e.partition === 0));
    const e = elections.flatMap((x) => x.events).find((x) => x.topic === 'orders' && x.partition === 0)!;
    assert.equal(e.previousLeader, victim);
    assert.notEqual(e.newLeader, victim);
    assert.ok(e.newLeader >= 0);
    assert.ok(e.leaderEpoch > p0.leaderEpoch);
    assert.ok(e.reason.length > 0);
    const down = await waitView((v) => v.nodes.some((n) => n.id === victim && !n.up) && v.partitions.every((p) => !p.isr.includes(victim)));
    assert.ok(down.partitions.every((p) => p.leader !== victim));
    const port = latest().nodes.find((n) => n.id === victim)!.port;
    assert.equal(port, env.of(ClusterViewNotification)[0].view.nodes.find((n) => n.id === victim)!.port, 'a stopped node shows the port it listened on');

    const start = await request(router, env, StartNodeRequest, { nodeId: victim });
    assert.equal(start.error, undefined);
    await waitView((v) => v.nodes.some((n) => n.id === victim && n.up) && v.partitions.filter((p) => p.topic === 'orders').every((p) => p.isr.includes(victim)));
  });

  it('slow followers and cut links show on their nodes; healing clears them; bad requests carry the Kafka error name', async () => {
    await command(router, WebviewReadyCommand, { panel: 'cluster' });
    assert.equal((await request(router, env, SlowFollowerRequest, { nodeId: 2, delayMs: 300 })).error, undefined);
    await waitView((v) => v.nodes.find((n) => n.id === 2)!.slowFollowerMs === 300);
    assert.equal((await request(router, env, CutLinkRequest, { from: 0, to: 1, cut: true })).error, undefined);
    const cut = await waitView((v) => v.nodes.find((n) => n.id === 0)!.cutLinks.length === 1);
    assert.deepEqual([cut.nodes[0].cutLinks, cut.nodes[1].cutLinks, cut.nodes[2].cutLinks], [[1], [0], []]);
    await request(router, env, CutLinkRequest, { from: 1, to: 0, cut: false });
    await request(router, env, SlowFollowerRequest, { nodeId: 2, delayMs: 0 });
    await waitView((v) => v.nodes.every((n) => n.cutLinks.length === 0 && n.slowFollowerMs === 0));

    assert.equal((await request(router, env, StopNodeRequest, { nodeId: 9 })).error?.code, 'BROKER_NOT_AVAILABLE');
    assert.equal((await request(router, env, CutLinkRequest, { from: 1, to: 1, cut: true })).error?.code, 'INVALID_REQUEST');
    assert.equal((await request(router, env, SlowFollowerRequest, { nodeId: 1, delayMs: -5 })).error?.code, 'INVALID_REQUEST');
    await request(router, env, StopNodeRequest, { nodeId: 1 });
    await request(router, env, StopNodeRequest, { nodeId: 2 });
    const last = await request(router, env, StopNodeRequest, { nodeId: 0 });
    assert.equal(last.error?.code, 'INVALID_REQUEST');
    assert.match(last.error!.message, /last node up/);
  });

  it('the broker keeps the elections: a view opened later gets them as history; a node down when it opens shows its port; preferred leader election moves leaders back', async () => {
    await t.service.createTopic({ name: 'pref', partitions: 3, replicationFactor: 3 });
    const first = (await t.service.replication()).partitions.find((p) => p.topic === 'pref' && p.partition === 0)!;
    const victim = first.leader;
    const port = (await t.service.status()).nodes.find((n) => n.id === victim)!.port;
    await t.service.stopNode(victim);
    // Opened after the election, with the node down.
    await command(router, WebviewReadyCommand, { panel: 'cluster' });
    const history = await env.waitFor(ElectionNotification, (all) => all.some((n) => n.history === true));
    const events = history.find((n) => n.history)!.events;
    assert.ok(events.some((e) => e.topic === 'pref' && e.partition === 0 && e.previousLeader === victim && e.newLeader !== victim), JSON.stringify(events.slice(-5)));
    assert.equal(latest().nodes.find((n) => n.id === victim)!.port, port, 'the port it will listen on again, not 0');
    await t.service.startNode(victim);
    await waitView((v) => v.partitions.filter((p) => p.topic === 'pref').every((p) => p.isr.includes(victim)));
    const r = await request(router, env, ElectPreferredLeadersRequest, {});
    assert.equal(r.error, undefined);
    const moved = (await t.service.electionHistory()).filter((e) => e.leader === victim && e.reason.includes('preferred'));
    assert.ok(r.result!.elected >= 1 && r.result!.elected === moved.length, JSON.stringify(r.result));
    assert.ok(r.result!.notNeeded >= 1);
    assert.equal((await t.service.replication()).partitions.find((p) => p.topic === 'pref' && p.partition === 0)!.leader, victim, 'back on its preferred replica');
  });

  it('coalesces a burst of events into few pushes', async () => {
    await command(router, WebviewReadyCommand, { panel: 'cluster' });
    const before = env.of(ClusterViewNotification).length;
    for (let i = 0; i < 20; i++) await t.service.setFault({ kind: 'slowFollower', node: 1, delayMs: i * 10 });
    await sleep(300);
    const pushes = env.of(ClusterViewNotification).length - before;
    assert.ok(pushes >= 1 && pushes <= 4, `${pushes} pushes for 20 fault changes`);
    assert.equal(latest().nodes.find((n) => n.id === 1)!.slowFollowerMs, 190);
  });
});
