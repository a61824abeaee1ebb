/**
 * The consumer panel's host logic: its init (the topic, its partitions, every topic for the reproduce picker, the
 * panel's buffer), the live tail (ConsumerSession), and the record actions: open the whole key or value in an editor
 * (text, JSON or hex) and produce a record's original bytes and headers again to another topic.
 */
import type { BrokerEvent } from '../broker/api';
import {
  ConsumerInitNotification,
  ConsumerRecordsNotification,
  ConsumerStatusNotification,
  DEFAULT_START,
  IpcMessage,
  OpenValueCommand,
  PauseCommand,
  ReproduceRequest,
  StartPosition,
  SubscribeRequest,
  TopicsChangedNotification,
  UnsubscribeCommand,
} from '../shared/webview-protocol';
import { ConsumerSession, ConsumerSessionOptions, fetchRecord } from './consumer-session';
import { BrokerSource, InvalidRequestError, PanelEnvironment, PanelRouter, int, obj, oneOf, optInt, str, topicSummaries } from './panel-router';
import { Throttle } from '../shared/throttle';
import { TOPICS_THROTTLE_MS } from './producer-router';
import { formatValue } from './value-format';
import { looksLikeWireFormat } from '../schemas/wire-format';

interface ConsumerRouterOptions extends ConsumerSessionOptions {
  /**
   * Start tailing when the webview is first ready (a panel just opened; not one restored after a reload), from
   * DEFAULT_START: the last 100 records of each partition, then new ones, whatever the topic's size.
   */
  autoStart?: boolean;
}

export class ConsumerRouter extends PanelRouter {
  readonly session: ConsumerSession;
  private readonly topicsPush = new Throttle(TOPICS_THROTTLE_MS, () => this.pushTopics());
  private autoStart: boolean;

  constructor(
    broker: BrokerSource,
    env: PanelEnvironment,
    readonly topic: string,
    options: ConsumerRouterOptions = {},
  ) {
    super('consumer', broker, env);
    this.autoStart = options.autoStart ?? false;
    this.session = new ConsumerSession(
      broker,
      {
        records: (subscriptionId, records) => this.notify(ConsumerRecordsNotification, { subscriptionId, records }),
        status: (status, message, stopped) =>
          void this.notify(ConsumerStatusNotification, { status, ...(message === undefined ? {} : { message }), ...(stopped ? { stopped } : {}) }),
      },
      options,
    );
    this.disposables.push(
      broker.onEvent((e) => this.onEvent(e)),
      () => this.session.dispose(),
      () => this.topicsPush.dispose(),
    );
    if (broker.onAvailability) this.disposables.push(broker.onAvailability((running) => running && this.ready && this.topicsPush.schedule()));
  }

  private onEvent(e: BrokerEvent): void {
    this.session.onEvent(e);
    if (this.ready && (e.type === 'topicCreated' || e.type === 'topicDeleted' || e.type === 'topicChanged')) this.topicsPush.schedule();
  }

  protected async init(): Promise<void> {
    // A (re)loaded webview starts empty: whatever was tailing for the previous one stops.
    this.session.unsubscribe();
    let partitions = 0;
    let topics: ReturnType<typeof topicSummaries> = [];
    let autoStart: StartPosition | undefined;
    let problem: string | undefined;
    try {
      const api = await this.broker.api();
      const [description, all] = await Promise.all([api.describeTopic(this.topic), api.listTopics()]);
      partitions = description.partitions.length;
      topics = topicSummaries(all);
      if (this.autoStart) autoStart = DEFAULT_START;
    } catch (e) {
      problem = (e as Error).message;
    }
    this.autoStart = false;
    await this.notify(ConsumerInitNotification, {
      topic: this.topic,
      partitions,
      topics,
      maxRecords: this.session.options.maxRecords,
      maxPreviewBytes: this.session.options.maxPreviewBytes,
      ...(autoStart ? { autoStart } : {}),
    });
    if (problem) await this.notify(ConsumerStatusNotification, { status: 'error', message: problem });
  }

  private async pushTopics(): Promise<void> {
    const topics = topicSummaries(await (await this.broker.api()).listTopics());
    await this.notify(TopicsChangedNotification, { topics });
  }

  protected async route(msg: IpcMessage): Promise<boolean> {
    if (SubscribeRequest.is(msg)) {
      await this.answer(SubscribeRequest, msg, (p) => this.session.subscribe(p));
    } else if (UnsubscribeCommand.is(msg)) {
      this.session.unsubscribe();
    } else if (PauseCommand.is(msg)) {
      this.session.pause(obj(msg.params, 'pause').paused === true);
    } else if (OpenValueCommand.is(msg)) {
      await this.openValue(msg.params);
    } else if (ReproduceRequest.is(msg)) {
      await this.answer(ReproduceRequest, msg, (p) => this.reproduce(p));
    } else return false;
    return true;
  }

  /** Opens the whole key or value of a record in a read-only editor; failures are shown as a message. */
  async openValue(params: unknown): Promise<void> {
    try {
      const p = obj(params, 'openValue');
      const topic = str(p.topic, 'topic');
      const partition = int(p.partition, 'partition', 0);
      const offset = int(p.offset, 'offset', 0);
      const part = oneOf(p.part, 'part', ['key', 'value'] as const);
      const format = oneOf(p.format ?? 'text', 'format', ['text', 'json', 'hex'] as const);
      const r = await fetchRecord(await this.broker.api(), topic, partition, offset);
      const field = r[part];
      const bytes = field === null ? null : Buffer.from(field.base64, 'base64');
      // A value in the schema wire format opens decoded (as JSON) unless the bytes were asked for.
      const serde = bytes && format !== 'hex' && looksLikeWireFormat(bytes) ? await this.broker.schemas?.() : undefined;
      const decoded = serde && bytes ? await serde.decode(bytes, { topic, isKey: part === 'key' }) : undefined;
      const f = decoded?.kind === 'decoded' ? formatValue(Buffer.from(decoded.json), 'json') : formatValue(bytes, format);
      if (decoded?.kind === 'error') this.env.showMessage('warning', `${topic}-${partition} offset ${offset}, ${part}: schema ${decoded.schemaId ?? ''} not decoded: ${decoded.reason}`);
      await this.env.openDocument(f.content, `${topic}-${partition}@${offset}.${part}.${f.extension}`, f.language);
      if (f.note) this.env.showMessage('info', `${topic}-${partition} offset ${offset}, ${part}: ${f.note}`);
    } catch (e) {
      this.env.showMessage('error', `Could not open the record: ${(e as Error).message}`);
    }
  }

  /** Produces the record's key, value and headers (their bytes, unchanged) to another topic. */
  async reproduce(params: unknown): Promise<{ partition: number; offset: number }> {
    const p = obj(params, 'reproduce');
    const source = obj(p.source, 'source');
    const target = str(p.targetTopic, 'targetTopic');
    if (!target) throw new InvalidRequestError('Choose a topic to produce the record to.');
    const targetPartition = optInt(p.targetPartition, 'targetPartition', 0);
    const api = await this.broker.api();
    const r = await fetchRecord(api, str(source.topic, 'source topic'), int(source.partition, 'source partition', 0), int(source.offset, 'source offset', 0));
    const res = await api.produce({
      topic: target,
      records: [{ key: r.key, value: r.value, headers: r.headers, ...(targetPartition !== undefined ? { partition: targetPartition } : {}) }],
    });
    const out = res.records[0];
    return { partition: out.partition, offset: out.offset };
  }
}
