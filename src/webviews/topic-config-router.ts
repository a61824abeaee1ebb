/**
 * The topic config table's host logic: every config of one topic as the cluster describes it (value, default,
 * source, type, documentation, valid values, read-only), pushed when the webview is ready, when the broker says the
 * topic changed (its overrides changed from anywhere: this panel, kafka-configs, another client) and every few seconds
 * while the panel is visible, because an external cluster raises no events and a broker-level default can change
 * without any topic event. The rows the user changed are applied in one setTopicConfigs (Kafka's
 * IncrementalAlterConfigs), which the cluster validates as a whole: a refusal changes nothing and comes back with
 * Kafka's message and the config it names, so that the webview shows it on that row.
 */
import type { BrokerEvent, TopicConfigEntry } from '../broker/api';
import { kafkaErrorOf } from '../broker/rpc';
import {
  ApplyTopicConfigsParams,
  ApplyTopicConfigsRequest,
  ApplyTopicConfigsResult,
  IpcMessage,
  OpenConfigDocsCommand,
  TopicConfigGoneNotification,
  TopicConfigInitNotification,
  TopicConfigRefreshCommand,
  TopicConfigsNotification,
  topicConfigDocsUrl,
} from '../shared/webview-protocol';
import { BrokerSource, InvalidRequestError, PanelEnvironment, obj, str } from './panel-router';
import { PollingRouter } from './polling-router';

interface TopicConfigRouterOptions {
  /** Refresh period while visible; default 5 s. */
  refreshMs?: number;
  /** Coalesces refreshes caused by events; default 250 ms. */
  eventThrottleMs?: number;
}

/** What a Kafka config name looks like; anything else from the webview is refused before it reaches the cluster. */
const CONFIG_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Errors that say the cluster or the topic is not there, rather than that it refused the changes. */
const UNREACHABLE = new Set(['BROKER_NOT_AVAILABLE', 'UNKNOWN_TOPIC_OR_PARTITION', 'LOCAL_ONLY']);

/**
 * The config a refusal is about: the first of `names` that Kafka's message names as a whole word ("Invalid value abc
 * for configuration retention.ms: Not a number of type LONG"), so `segment.ms` is not found in `segment.jitter.ms`.
 */
export function configNamedIn(message: string, names: readonly string[]): string | undefined {
  let best: { name: string; at: number } | undefined;
  for (const name of names) {
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const m = new RegExp(`(?<![\\w.-])${escaped}(?![\\w-]|\\.[\\w-])`).exec(message);
    if (m && (!best || m.index < best.at)) best = { name, at: m.index };
  }
  return best?.name;
}

export class TopicConfigRouter extends PollingRouter {
  /** The configs last pushed (JSON), so that polling pushes only what changed. */
  private lastPushed: string | undefined;
  /** The configs last read, for the read-only check of an apply. */
  private configs: TopicConfigEntry[] = [];
  private gone = false;
  private lastError: string | undefined;
  /** The next read pushes even what the webview already has (it asked, or has just opened). */
  private forcePush = false;

  constructor(
    broker: BrokerSource,
    env: PanelEnvironment,
    readonly topic: string,
    options: TopicConfigRouterOptions = {},
  ) {
    super('topicConfig', broker, env, options.refreshMs ?? 5000, options.eventThrottleMs ?? 250);
    this.disposables.push(broker.onEvent((e) => this.onEvent(e)));
    if (broker.onAvailability) this.disposables.push(broker.onAvailability((running) => running && this.ready && void this.refresh(true)));
  }

  private onEvent(e: BrokerEvent): void {
    if (!this.ready) return;
    const ours = (e.type === 'topicChanged' || e.type === 'topicDeleted' || e.type === 'topicCreated') && e.topic === this.topic;
    if (ours) this.eventRefresh.schedule();
  }

  protected async init(): Promise<void> {
    await this.notify(TopicConfigInitNotification, { topic: this.topic });
    await this.refresh(true);
    this.startTimer();
  }

  /** Reads the configs and pushes them when they changed, or always when `force`. */
  override refresh(force = false): Promise<void> {
    if (force) this.forcePush = true;
    return super.refresh();
  }

  protected async refreshOnce(): Promise<void> {
    if (this.disposed) return;
    let configs: TopicConfigEntry[];
    try {
      configs = await (await this.broker.api()).getTopicConfigs(this.topic);
    } catch (e) {
      const code = kafkaErrorOf(e);
      const message = (e as Error).message;
      if (code === 'UNKNOWN_TOPIC_OR_PARTITION' || code === 'BROKER_NOT_AVAILABLE') {
        if (!this.gone) {
          this.gone = true;
          this.lastPushed = undefined;
          const reason = code === 'UNKNOWN_TOPIC_OR_PARTITION' ? `The topic ${this.topic} does not exist (any more).` : message;
          await this.notify(TopicConfigGoneNotification, { topic: this.topic, reason });
        }
      } else if (message !== this.lastError) this.env.log('warn', `topic config panel ${this.topic}: ${message}`);
      this.lastError = message;
      return;
    }
    this.gone = false;
    this.lastError = undefined;
    this.push(configs, this.forcePush);
    this.forcePush = false;
  }

  private push(configs: TopicConfigEntry[], force: boolean): void {
    this.configs = configs;
    const json = JSON.stringify(configs);
    if (!force && json === this.lastPushed) return;
    this.lastPushed = json;
    void this.notify(TopicConfigsNotification, { topic: this.topic, configs, at: Date.now() });
  }

  protected async route(msg: IpcMessage): Promise<boolean> {
    if (TopicConfigRefreshCommand.is(msg)) {
      await this.refresh(true);
    } else if (OpenConfigDocsCommand.is(msg)) {
      const name = str(obj(msg.params, 'openDocs').name, 'name');
      if (!CONFIG_NAME.test(name)) throw new InvalidRequestError(`${JSON.stringify(name)} is not a config name`);
      await this.env.openExternal(topicConfigDocsUrl(name));
    } else if (ApplyTopicConfigsRequest.is(msg)) {
      await this.answer(ApplyTopicConfigsRequest, msg, (p) => this.apply(p));
    } else return false;
    return true;
  }

  /** The changes of an apply, checked: this panel's topic, config names, a string or null each, no name twice. */
  private changes(params: ApplyTopicConfigsParams): Map<string, string | null> {
    const p = obj(params, 'apply');
    const topic = str(p.topic, 'topic');
    if (topic !== this.topic) throw new InvalidRequestError(`This panel shows the configs of ${this.topic}, not ${topic}.`);
    if (!Array.isArray(p.changes)) throw new InvalidRequestError('changes must be a list');
    if (p.changes.length === 0) throw new InvalidRequestError('Nothing to apply: no config was changed.');
    const out = new Map<string, string | null>();
    p.changes.forEach((c: unknown, i: number) => {
      const o = obj(c, `changes[${i}]`);
      const name = str(o.name, `changes[${i}].name`);
      if (!CONFIG_NAME.test(name)) throw new InvalidRequestError(`${JSON.stringify(name)} is not a config name`);
      if (out.has(name)) throw new InvalidRequestError(`${name} is changed twice`);
      out.set(name, o.value === null ? null : str(o.value, `changes[${i}].value`));
    });
    return out;
  }

  async apply(params: ApplyTopicConfigsParams): Promise<ApplyTopicConfigsResult> {
    const changes = this.changes(params);
    const names = [...changes.keys()];
    // Kafka would refuse it too; said here, before anything is sent, in the same shape as the cluster's refusals.
    const readOnly = this.configs.find((c) => c.readOnly && changes.has(c.name));
    if (readOnly) return { applied: [], refused: { message: `${readOnly.name} is read-only on this cluster: it cannot be changed.`, code: 'INVALID_CONFIG', config: readOnly.name } };
    const api = await this.broker.api();
    let configs: TopicConfigEntry[];
    try {
      configs = await api.setTopicConfigs(this.topic, Object.fromEntries(changes));
    } catch (e) {
      const code = kafkaErrorOf(e);
      // Not a refusal of these values: no cluster, no topic, or a failure without Kafka's error name.
      if (!code || UNREACHABLE.has(code)) throw e;
      const message = (e as Error).message;
      const after = await api.getTopicConfigs(this.topic).catch(() => undefined);
      if (after) this.push(after, false);
      const config = configNamedIn(message, names);
      return { applied: [], ...(after ? { configs: after } : {}), refused: { message, code, ...(config ? { config } : {}) } };
    }
    this.env.log('info', `topic ${this.topic}: ${names.map((n) => (changes.get(n) === null ? `${n} reset to its default` : `${n}=${changes.get(n)}`)).join(', ')}`);
    // The answer carries the configs; the next poll need not push them again.
    this.configs = configs;
    this.lastPushed = JSON.stringify(configs);
    return { configs, applied: names };
  }
}
