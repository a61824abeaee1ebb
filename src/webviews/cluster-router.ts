/**
 * The cluster view's host logic: the partition x node picture (leaders, replicas, ISR, nodes up or down, injected
 * faults) from BrokerApi.replication() and status(), pushed when leaders, ISRs, nodes or faults change (throttled)
 * and every few seconds while visible; elections pushed as they happen (`cluster/didElect`); node and fault actions
 * mapped to stopNode, startNode and setFault.
 */
import type { BrokerEvent, BrokerStatus, ElectionResult, FaultState, ReplicationView, TopicSummary as ApiTopicSummary } from '../broker/api';
import {
  ClusterView,
  ClusterViewNotification,
  CutLinkRequest,
  ElectionEvent,
  ElectionNotification,
  ElectionSummary,
  ElectPreferredLeadersRequest,
  IpcMessage,
  NodeView,
  SlowFollowerRequest,
  StartNodeRequest,
  StopNodeRequest,
} from '../shared/webview-protocol';
import { BrokerSource, InvalidRequestError, PanelEnvironment, PanelRouter, int, obj } from './panel-router';
import { Throttle } from '../shared/throttle';

interface ClusterRouterOptions {
  /** Coalesces view pushes caused by events; default 250 ms. */
  throttleMs?: number;
  /** Elections are gathered this long before being pushed; default 50 ms. */
  electionThrottleMs?: number;
  /** Refresh period while visible; default 5 s. */
  refreshMs?: number;
}

/**
 * The protocol's cluster view from the broker's answers. A stopped node has no port; `knownPorts` (kept up to date
 * here) remembers the one it listened on, which is where it listens again when started.
 */
function clusterView(status: BrokerStatus, replication: ReplicationView, topics: readonly ApiTopicSummary[], knownPorts = new Map<number, number>()): ClusterView {
  for (const n of status.nodes) if (n.port !== null) knownPorts.set(n.id, n.port);
  const faults: FaultState = replication.faults;
  const slow = new Map(faults.slow.map((s) => [s.node, s.delayMs]));
  const cuts = faults.cutLinks.map((l) => l.split('-').map(Number) as [number, number]);
  const up = new Map(replication.nodes.map((n) => [n.id, n.up]));
  const nodes: NodeView[] = status.nodes.map((n) => ({
    id: n.id,
    host: n.host,
    port: n.port ?? n.homePort ?? knownPorts.get(n.id) ?? 0,
    up: up.get(n.id) ?? n.up,
    isController: n.id === replication.controllerId,
    slowFollowerMs: slow.get(n.id) ?? 0,
    cutLinks: cuts.flatMap(([a, b]) => (a === n.id ? [b] : b === n.id ? [a] : [])).sort((x, y) => x - y),
  }));
  return {
    clusterId: status.clusterId,
    controllerId: replication.controllerId,
    nodes,
    partitions: replication.partitions.map((p) => ({
      topic: p.topic,
      partition: p.partition,
      leader: p.offline ? -1 : p.leader,
      leaderEpoch: p.leaderEpoch,
      replicas: p.replicas.map((r) => r.node),
      isr: p.replicas.filter((r) => r.inSync).map((r) => r.node),
    })),
    internalTopics: topics.filter((t) => t.internal).map((t) => t.name),
    ...(status.connection
      ? { faultsUnavailable: `${status.connection} is an external cluster: stopping nodes, slowing followers and cutting links need the embedded broker, whose nodes run in this process.` }
      : {}),
  };
}

const VIEW_EVENTS = new Set<BrokerEvent['type']>(['leaderElected', 'isrChanged', 'nodeChanged', 'faultsChanged', 'controllerChanged', 'topicCreated', 'topicDeleted', 'topicChanged']);

/** An election as the view lists it. */
function electionEvent(e: { time: number; topic: string; partition: number; previousLeader: number; leader: number; leaderEpoch: number; reason: string; unclean: boolean }): ElectionEvent {
  return { at: e.time, topic: e.topic, partition: e.partition, previousLeader: e.previousLeader, newLeader: e.leader, leaderEpoch: e.leaderEpoch, reason: e.unclean ? `${e.reason} (unclean)` : e.reason };
}

function summarize(results: readonly ElectionResult[]): ElectionSummary {
  return {
    elected: results.filter((r) => r.error === null).length,
    notNeeded: results.filter((r) => r.error === 'ELECTION_NOT_NEEDED').length,
    failed: results.filter((r) => r.error !== null && r.error !== 'ELECTION_NOT_NEEDED').map((r) => ({ topic: r.topic, partition: r.partition, error: r.error! })),
  };
}

export class ClusterRouter extends PanelRouter {
  private readonly options: Required<ClusterRouterOptions>;
  private readonly viewPush: Throttle;
  private readonly electionPush: Throttle;
  private elections: ElectionEvent[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;
  private pushing: Promise<void> | undefined;
  private again = false;
  private lastError: string | undefined;
  private readonly knownPorts = new Map<number, number>();

  constructor(broker: BrokerSource, env: PanelEnvironment, options: ClusterRouterOptions = {}) {
    super('cluster', broker, env);
    this.options = { throttleMs: 250, electionThrottleMs: 50, refreshMs: 5000, ...options };
    this.viewPush = new Throttle(this.options.throttleMs, () => this.pushView());
    this.electionPush = new Throttle(this.options.electionThrottleMs, () => this.pushElections());
    this.disposables.push(
      broker.onEvent((e) => this.onEvent(e)),
      () => this.viewPush.dispose(),
      () => this.electionPush.dispose(),
      () => this.stopTimer(),
    );
    if (broker.onAvailability) {
      this.disposables.push(
        broker.onAvailability((running) => {
          // Another cluster (embedded or external) may or may not raise events: the timer follows.
          this.stopTimer();
          if (running && this.ready) {
            this.viewPush.schedule();
            this.startTimer();
          }
        }),
      );
    }
  }

  private onEvent(e: BrokerEvent): void {
    if (!this.ready) return;
    if (e.type === 'leaderElected') {
      this.elections.push(electionEvent({ ...e, unclean: e.unclean }));
      this.electionPush.schedule();
    }
    if (VIEW_EVENTS.has(e.type)) this.viewPush.schedule();
  }

  private async pushElections(): Promise<void> {
    const events = this.elections.splice(0);
    if (events.length) await this.notify(ElectionNotification, { events });
  }

  protected async init(): Promise<void> {
    await this.pushView();
    await this.pushHistory();
    this.startTimer();
  }

  /** The broker's elections since it started: the view shows them whenever it opens. */
  private async pushHistory(): Promise<void> {
    // Elections pushed from now on come after the history (one made in between may show twice, never not at all).
    this.elections = [];
    try {
      const history = await (await this.broker.api()).electionHistory();
      await this.notify(ElectionNotification, { events: history.map(electionEvent), history: true });
    } catch (e) {
      // An external cluster keeps no history: the list starts empty and says so.
      this.env.log('info', `cluster view: no election history: ${(e as Error).message}`);
    }
  }

  protected override visibilityChanged(visible: boolean): void {
    if (!this.ready) return;
    if (visible) {
      this.viewPush.schedule();
      this.startTimer();
    } else this.stopTimer();
  }

  /** An external cluster raises no events: the view looks again every refreshMs while it is visible. */
  private startTimer(): void {
    if (this.timer || !this.visible || this.disposed || this.broker.raisesEvents?.()) return;
    this.timer = setInterval(() => this.viewPush.schedule(), this.options.refreshMs);
  }

  private stopTimer(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  async view(): Promise<ClusterView> {
    const api = await this.broker.api();
    const [status, replication, topics] = await Promise.all([api.status(), api.replication(), api.listTopics()]);
    return clusterView(status, replication, topics, this.knownPorts);
  }

  /** Pushes the current view; one at a time, a push asked for meanwhile runs once more after. */
  pushView(): Promise<void> {
    if (this.pushing) {
      this.again = true;
      return this.pushing;
    }
    this.pushing = (async () => {
      try {
        do {
          this.again = false;
          try {
            await this.notify(ClusterViewNotification, { view: await this.view() });
            this.lastError = undefined;
          } catch (e) {
            // Said once while it lasts (the broker stopped: every refresh would fail the same way).
            const message = (e as Error).message;
            if (message !== this.lastError) this.env.log('warn', `cluster view: ${message}`);
            this.lastError = message;
          }
        } while (this.again && !this.disposed);
      } finally {
        this.pushing = undefined;
      }
    })();
    return this.pushing;
  }

  protected async route(msg: IpcMessage): Promise<boolean> {
    if (StopNodeRequest.is(msg)) {
      // No confirmation, unlike the Stop Node… command: this panel is the fault-injection bench, where stopping a
      // node is the experiment itself, undone by its Start node button; a modal would only get in the way.
      await this.answer(StopNodeRequest, msg, async (p) => this.after(await this.broker.api().then((api) => api.stopNode(int(obj(p, 'stopNode').nodeId, 'nodeId', 0)))));
    } else if (StartNodeRequest.is(msg)) {
      await this.answer(StartNodeRequest, msg, async (p) => this.after(await this.broker.api().then((api) => api.startNode(int(obj(p, 'startNode').nodeId, 'nodeId', 0)))));
    } else if (SlowFollowerRequest.is(msg)) {
      await this.answer(SlowFollowerRequest, msg, async (p) => {
        const q = obj(p, 'slowFollower');
        const node = int(q.nodeId, 'nodeId', 0);
        const delayMs = int(q.delayMs, 'delayMs', 0, 600_000);
        await (await this.broker.api()).setFault({ kind: 'slowFollower', node, delayMs });
        this.after(undefined);
      });
    } else if (CutLinkRequest.is(msg)) {
      await this.answer(CutLinkRequest, msg, async (p) => {
        const q = obj(p, 'cutLink');
        const a = int(q.from, 'from', 0);
        const b = int(q.to, 'to', 0);
        if (a === b) throw new InvalidRequestError('A link joins two different nodes.');
        await (await this.broker.api()).setFault(q.cut === false ? { kind: 'healLink', a, b } : { kind: 'cutLink', a, b });
        this.after(undefined);
      });
    } else if (ElectPreferredLeadersRequest.is(msg)) {
      await this.answer(ElectPreferredLeadersRequest, msg, async () => {
        const api = await this.broker.api();
        // Every partition named, so that the answer also says which ones already had their preferred leader.
        const all = (await api.replication()).partitions.map((p) => ({ topic: p.topic, partition: p.partition }));
        const results = await api.electLeaders('preferred', all);
        this.after(undefined);
        return summarize(results);
      });
    } else return false;
    return true;
  }

  /** After an action: the view is pushed soon (the events it causes are coalesced with it). */
  private after(result: void): void {
    this.viewPush.schedule();
    return result;
  }
}
