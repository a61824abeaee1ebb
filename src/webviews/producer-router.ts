/**
 * The producer panel's host logic: the topic list (kept current as topics come and go), ProduceRequest mapped to
 * BrokerApi.produce with the panel's compression, acks and partition (or Kafka's default partitioner), and the value
 * edited in a real editor (EditValueRequest): its changes go back to the panel until it closes.
 */
import type { ProduceRecord } from '../broker/api';
import {
  EditValueRequest,
  IpcMessage,
  PRODUCE_CHUNK,
  ProduceParams,
  ProduceRequest,
  ProduceResult,
  ProducerInitNotification,
  ProduceSchemaChoice,
  SchemaSubjects,
  SchemaSubjectsRequest,
  TopicsChangedNotification,
  UnlinkValueCommand,
  ValueEditClosedNotification,
  ValueEditedNotification,
} from '../shared/webview-protocol';
import { BrokerSource, InvalidRequestError, LinkedDocument, PanelEnvironment, PanelRouter, int, obj, oneOf, optInt, str, topicSummaries } from './panel-router';
import { Throttle } from '../shared/throttle';
import { encodeJsonText } from '../schemas/encode-text';

const COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
const ACKS = [0, 1, -1] as const;
/** A panel may send a repeat of N in chunks of PRODUCE_CHUNK; a little slack for hand-made requests. */
const MAX_RECORDS_PER_REQUEST = PRODUCE_CHUNK * 2;

/** Topic lists are pushed at most this often while topics change. */
export const TOPICS_THROTTLE_MS = 300;
/** A linked editor's text goes to the panel at most this often while it is typed in. */
const EDIT_THROTTLE_MS = 100;

function nullableStr(v: unknown, what: string): string | null {
  return v === null || v === undefined ? null : str(v, what);
}

/** Checks a ProduceRequest's parameters and turns them into BrokerApi.produce's records. */
function produceRecords(p: ProduceParams): ProduceRecord[] {
  if (!Array.isArray(p.records)) throw new InvalidRequestError('records must be a list');
  if (p.records.length === 0) throw new InvalidRequestError('There is nothing to produce.');
  if (p.records.length > MAX_RECORDS_PER_REQUEST) throw new InvalidRequestError(`At most ${MAX_RECORDS_PER_REQUEST} records per request, not ${p.records.length}.`);
  const partition = optInt(p.partition, 'partition', 0);
  return p.records.map((raw, i) => {
    const r = obj(raw, `records[${i}]`);
    const headers = r.headers === undefined ? [] : Array.isArray(r.headers) ? r.headers : [];
    return {
      key: nullableStr(r.key, `records[${i}].key`),
      value: nullableStr(r.value, `records[${i}].value`),
      headers: headers.map((h, j) => {
        const x = obj(h, `records[${i}].headers[${j}]`);
        return { key: str(x.key, `records[${i}].headers[${j}].key`), value: nullableStr(x.value, `records[${i}].headers[${j}].value`) };
      }),
      ...(partition !== undefined ? { partition } : {}),
      ...(r.timestamp !== undefined && r.timestamp !== null ? { timestamp: int(r.timestamp, `records[${i}].timestamp`, 0) } : {}),
    };
  });
}

export class ProducerRouter extends PanelRouter {
  private readonly topicsPush = new Throttle(TOPICS_THROTTLE_MS, () => this.pushTopics());
  /** The editor the panel's value follows, and its latest text. */
  private linked: { doc: LinkedDocument; text: string } | undefined;
  private readonly editPush = new Throttle(EDIT_THROTTLE_MS, () => this.linked && this.notify(ValueEditedNotification, { text: this.linked.text }));

  constructor(
    broker: BrokerSource,
    env: PanelEnvironment,
    /** The topic the panel was opened for (preselected); undefined: the user picks one. */
    readonly topic: string | undefined,
  ) {
    super('producer', broker, env);
    this.disposables.push(
      broker.onEvent((e) => {
        if (this.ready && (e.type === 'topicCreated' || e.type === 'topicDeleted' || e.type === 'topicChanged')) this.topicsPush.schedule();
      }),
      () => this.topicsPush.dispose(),
      () => this.unlink(),
      () => this.editPush.dispose(),
    );
    if (broker.onAvailability) this.disposables.push(broker.onAvailability((running) => running && this.ready && this.topicsPush.schedule()));
  }

  protected async init(): Promise<void> {
    let topics: ReturnType<typeof topicSummaries> = [];
    try {
      topics = topicSummaries(await (await this.broker.api()).listTopics()).filter((t) => !t.internal);
    } catch (e) {
      this.env.log('warn', `producer panel: could not list topics: ${(e as Error).message}`);
    }
    const editing = this.linked ? { editing: { name: this.linked.doc.name, text: this.linked.text } } : {};
    await this.notify(ProducerInitNotification, { topics, ...(this.topic !== undefined ? { topic: this.topic } : {}), ...editing });
  }

  private async pushTopics(): Promise<void> {
    const topics = topicSummaries(await (await this.broker.api()).listTopics()).filter((t) => !t.internal);
    await this.notify(TopicsChangedNotification, { topics });
  }

  protected async route(msg: IpcMessage): Promise<boolean> {
    if (ProduceRequest.is(msg)) {
      await this.answer(ProduceRequest, msg, (p) => this.produce(p));
    } else if (SchemaSubjectsRequest.is(msg)) {
      await this.answer(SchemaSubjectsRequest, msg, () => this.schemaSubjects());
    } else if (EditValueRequest.is(msg)) {
      await this.answer(EditValueRequest, msg, (p) => this.editValue(p));
    } else if (UnlinkValueCommand.is(msg)) {
      this.unlink();
    } else return false;
    return true;
  }

  /** Opens the value in an untitled editor whose changes the panel follows (one at a time). */
  async editValue(params: unknown): Promise<{ name: string }> {
    const p = obj(params, 'editValue');
    const text = str(p.text, 'text');
    const language = oneOf(p.language ?? 'plaintext', 'language', ['json', 'plaintext'] as const);
    this.unlink();
    const link: { doc?: LinkedDocument; text: string } = { text };
    const doc = await this.env.editDocument(
      text,
      language,
      (changed) => {
        link.text = changed;
        if (this.linked?.doc === link.doc) this.editPush.schedule();
      },
      () => {
        if (!link.doc || this.linked?.doc !== link.doc) return;
        this.linked = undefined;
        void this.notify(ValueEditClosedNotification, { name: link.doc.name });
      },
    );
    link.doc = doc;
    this.linked = link as { doc: LinkedDocument; text: string };
    return { name: doc.name };
  }

  private unlink(): void {
    this.linked?.doc.dispose();
    this.linked = undefined;
  }

  async produce(params: ProduceParams): Promise<ProduceResult> {
    const p = obj(params, 'produce') as unknown as ProduceParams;
    const topic = str(p.topic, 'topic');
    if (!topic) throw new InvalidRequestError('Choose a topic to produce to.');
    const compression = oneOf(p.compression ?? 'none', 'compression', COMPRESSIONS);
    const acks = oneOf(p.acks ?? -1, 'acks', ACKS);
    const records = produceRecords(p);
    const keySchema = schemaChoice(p.keySchema, 'keySchema');
    const valueSchema = schemaChoice(p.valueSchema, 'valueSchema');
    if (keySchema || valueSchema) await this.encode(records, keySchema, valueSchema);
    const api = await this.broker.api();
    const result = await api.produce({ topic, records, compression, acks: acks === -1 ? 'all' : acks });
    // With acks 0 a Kafka producer learns no offsets; the panel shows them as -1 (the protocol's contract).
    return { records: result.records.map((r) => ({ partition: r.partition, offset: acks === 0 ? -1 : r.offset, timestamp: r.timestamp })) };
  }

  /** Every key and value encoded before anything is sent: a record that does not fit its schema sends none. */
  private async encode(records: ProduceRecord[], keySchema: ProduceSchemaChoice | undefined, valueSchema: ProduceSchemaChoice | undefined): Promise<void> {
    const serde = await this.broker.schemas?.();
    if (!serde) throw new InvalidRequestError('This cluster has no schema registry: produce without a schema, or configure one.');
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
      for (const [part, choice] of [['key', keySchema], ['value', valueSchema]] as const) {
        const text = r[part];
        if (!choice || text === null || text === undefined) continue;
        r[part] = { base64: (await encodeJsonText(serde, String(text), choice, `Record ${i + 1}'s ${part}`)).toString('base64') };
      }
    }
  }

  /** The registry's subjects for the schema pickers. */
  async schemaSubjects(): Promise<SchemaSubjects> {
    const serde = await this.broker.schemas?.().catch(() => undefined);
    if (!serde) return { subjects: [] };
    try {
      return { registry: serde.client.url, subjects: (await serde.client.subjects()).sort() };
    } catch (e) {
      return { registry: serde.client.url, subjects: [], error: (e as Error).message };
    }
  }
}

function schemaChoice(v: unknown, what: string): ProduceSchemaChoice | undefined {
  if (v === undefined || v === null) return undefined;
  const o = obj(v, what);
  const subject = str(o.subject, `${what}.subject`);
  if (!subject) return undefined;
  const version = o.version === undefined || o.version === null || o.version === 'latest' ? 'latest' : int(o.version, `${what}.version`, 1);
  return { subject, version };
}
