/**
 * The group inspector's host logic: the group's description (members, assignments, committed offsets, lag) and its
 * rebalance journal, pushed when the broker says the group changed, when the topics it reads grow (lag), and every
 * few seconds while the panel is visible; offset resets planned and committed through BrokerApi, refused with
 * kafka-consumer-groups' reason (code NON_EMPTY_GROUP) while the group has members.
 */
import type { BrokerEvent, RebalanceRecord, ResetOffsetsRequest as ApiResetRequest } from '../broker/api';
import { kafkaErrorOf } from '../broker/rpc';
import {
  GroupDescription,
  GroupDescriptionNotification,
  GroupGoneNotification,
  GroupInitNotification,
  GroupJournalNotification,
  GroupRefreshCommand,
  IpcMessage,
  PlanResetRequest,
  ResetOffsetsRequest,
  ResetParams,
  ResetPlanRow,
  ResetTarget,
} from '../shared/webview-protocol';
import { BrokerSource, InvalidRequestError, PanelEnvironment, int, obj, str, topicSummaries } from './panel-router';
import { PollingRouter } from './polling-router';

interface GroupRouterOptions {
  /** Refresh period while visible; default 3 s. */
  refreshMs?: number;
  /** Coalesces refreshes caused by events; default 250 ms. */
  eventThrottleMs?: number;
}

/** Checks a reset target from the webview. */
function resetTarget(v: unknown): ResetTarget {
  const t = obj(v, 'target');
  switch (t.kind) {
    case 'earliest':
    case 'latest':
      return { kind: t.kind };
    case 'timestamp':
      return { kind: 'timestamp', timestamp: int(t.timestamp, 'timestamp') };
    case 'offset':
      return { kind: 'offset', offset: int(t.offset, 'offset', 0) };
    case 'shift':
      return { kind: 'shift', by: int(t.by, 'shift') };
    default:
      throw new InvalidRequestError(`Unknown reset target ${JSON.stringify(t.kind)}`);
  }
}

export class GroupRouter extends PollingRouter {
  private lastJournal: string | undefined;
  private gone = false;
  /** Topics the group has offsets for or is assigned (appends to them change its lag). */
  private topics = new Set<string>();
  private lastError: string | undefined;

  constructor(
    broker: BrokerSource,
    env: PanelEnvironment,
    readonly groupId: string,
    options: GroupRouterOptions = {},
  ) {
    super('group', broker, env, options.refreshMs ?? 3000, options.eventThrottleMs ?? 250);
    this.disposables.push(broker.onEvent((e) => this.onEvent(e)));
    if (broker.onAvailability) this.disposables.push(broker.onAvailability((running) => running && this.ready && this.eventRefresh.schedule()));
  }

  private onEvent(e: BrokerEvent): void {
    if (!this.ready) return;
    if (e.type === 'groupChanged' && e.groupId === this.groupId) {
      this.eventRefresh.schedule();
    } else if (e.type === 'partitionsAppended' && this.visible && e.partitions.some((p) => this.topics.has(p.topic))) {
      this.eventRefresh.schedule();
    } else if (e.type === 'topicDeleted' && this.topics.has(e.topic)) {
      this.eventRefresh.schedule();
    }
  }

  protected async init(): Promise<void> {
    this.lastJournal = undefined;
    let topics: ReturnType<typeof topicSummaries> = [];
    try {
      topics = topicSummaries(await (await this.broker.api()).listTopics()).filter((t) => !t.internal);
    } catch (e) {
      this.env.log('warn', `group panel: could not list topics: ${(e as Error).message}`);
    }
    await this.notify(GroupInitNotification, { groupId: this.groupId, topics });
    await this.refresh();
    this.startTimer();
  }

  /** Pushes the description and (when it changed) the journal. */
  protected async refreshOnce(): Promise<void> {
    if (this.disposed) return;
    let description: GroupDescription;
    let journal: RebalanceRecord[];
    let unavailable: string | undefined;
    try {
      const api = await this.broker.api();
      [description, journal] = await Promise.all([
        api.describeGroup(this.groupId),
        api.rebalanceHistory(this.groupId).catch((e: unknown) => {
          // Only the embedded broker journals rebalances: elsewhere the panel says so and shows the rest.
          if (kafkaErrorOf(e) !== 'LOCAL_ONLY') throw e;
          unavailable = (e as Error).message;
          return [];
        }),
      ]);
    } catch (e) {
      const code = kafkaErrorOf(e);
      if (code === 'GROUP_ID_NOT_FOUND' || code === 'BROKER_NOT_AVAILABLE') {
        if (!this.gone) {
          this.gone = true;
          const reason = code === 'GROUP_ID_NOT_FOUND' ? `The group ${this.groupId} does not exist (any more).` : (e as Error).message;
          await this.notify(GroupGoneNotification, { groupId: this.groupId, reason });
        }
      } else if ((e as Error).message !== this.lastError) this.env.log('warn', `group panel ${this.groupId}: ${(e as Error).message}`);
      this.lastError = (e as Error).message;
      return;
    }
    this.gone = false;
    this.lastError = undefined;
    this.topics = new Set([...description.offsets.map((o) => o.topic), ...description.members.flatMap((m) => m.assignment.map((a) => a.topic))]);
    await this.notify(GroupDescriptionNotification, { description, at: Date.now() });
    const j = JSON.stringify([journal, unavailable]);
    if (j !== this.lastJournal) {
      this.lastJournal = j;
      await this.notify(GroupJournalNotification, { groupId: this.groupId, records: journal, ...(unavailable ? { unavailable } : {}) });
    }
  }

  protected async route(msg: IpcMessage): Promise<boolean> {
    if (GroupRefreshCommand.is(msg)) {
      await this.refresh();
    } else if (PlanResetRequest.is(msg)) {
      await this.answer(PlanResetRequest, msg, async (p) => ({ rows: await this.plan(p) }));
    } else if (ResetOffsetsRequest.is(msg)) {
      await this.answer(ResetOffsetsRequest, msg, async (p) => {
        const rows = await this.reset(p);
        void this.refresh();
        return { rows };
      });
    } else return false;
    return true;
  }

  private request(params: ResetParams): ApiResetRequest {
    const p = obj(params, 'reset');
    const groupId = str(p.groupId ?? this.groupId, 'groupId');
    if (groupId !== this.groupId) throw new InvalidRequestError(`This panel shows the group ${this.groupId}, not ${groupId}.`);
    const topic = str(p.topic, 'topic');
    if (!topic) throw new InvalidRequestError('Choose a topic whose offsets to reset.');
    if (p.partitions !== undefined && p.partitions !== null && !Array.isArray(p.partitions)) throw new InvalidRequestError('partitions must be a list');
    const partitions = Array.isArray(p.partitions) ? p.partitions.map((x, i) => int(x, `partitions[${i}]`, 0)) : undefined;
    return { groupId, topic, to: resetTarget(p.target), ...(partitions ? { partitions } : {}) };
  }

  async plan(params: ResetParams): Promise<ResetPlanRow[]> {
    return (await this.broker.api()).planReset(this.request(params));
  }

  async reset(params: ResetParams): Promise<ResetPlanRow[]> {
    return (await this.broker.api()).resetOffsets(this.request(params));
  }
}
