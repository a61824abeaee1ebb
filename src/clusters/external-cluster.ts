/**
 * An external cluster (Apache Kafka, Redpanda, a `tributary start` elsewhere) behind the same BrokerApi as the
 * embedded broker, reached through @platformatic/kafka, a maintained pure-TypeScript Kafka client: the tree and the
 * panels browse it without knowing which kind of cluster they show.
 *
 * What only the embedded broker can do (its segment files, stopping nodes, injecting faults, its rebalance journal)
 * throws LocalOnlyError, which says so; the UI asks `capabilities` first and offers none of it here.
 *
 * Reads go through Kafka's own APIs as a Kafka tool would: Metadata for topics and leaders, ListOffsets for the
 * offsets, Fetch to the leader without joining a group (like kcat -C), DescribeGroups and OffsetFetch for groups,
 * OffsetCommit through the admin API to reset a group's offsets (refused while it has members, as
 * kafka-consumer-groups does).
 */
import { Admin, Consumer, Producer, kGetApi, kGetConnection } from '@platformatic/kafka';
import type {
  ElectionRecord,
  BrokerApi,
  BrokerEvent,
  BrokerEventSource,
  BrokerStatus,
  ConfigSourceName,
  ConsumeRequest,
  ConsumeResult,
  ConsumedRecord,
  CreateTopicRequest,
  ElectionResult,
  FaultState,
  GroupDescription,
  GroupSummary,
  PartitionDescription,
  ProduceRequest,
  ProduceResult,
  RebalanceRecord,
  ReplicationView,
  ResetOffsetsRequest,
  ResetPlanRow,
  TopicConfigEntry,
  TopicDescription,
  TopicSummary,
} from '../broker/api';
import { bytesFromBuffer, bytesToBuffer } from '../broker/api';
import { ErrorCode, ErrorName, KafkaError } from '../broker/errors';
import { partitionForKey } from '../broker/partitioner';
import { topicConfigDef } from '../broker/config/topic-config';
import type { GroupMemberView, GroupOffsetView, GroupState } from '../broker/api';
import { lagOf, lagTotals, resetTargetOffset } from '../broker/coordinator/group/group-admin';
import { Listeners } from '../shared/listeners';
import { ConnectionConfig, parseBootstrap, tlsOptions, usesSasl } from './connections';
import { ensureClientZstd } from './client-zstd';

/** Thrown for what needs the embedded broker's process or files. */
export class LocalOnlyError extends Error {
  readonly errorName = 'LOCAL_ONLY';
  constructor(what: string, why = "an external cluster's files and processes are not on this machine") {
    super(`${what} needs the embedded broker: ${why}.`);
    this.name = 'LocalOnlyError';
  }
}

/** What a cluster can do beyond browsing; the embedded broker can do all of it. */
export interface ClusterCapabilities {
  segments: boolean;
  faults: boolean;
  rebalanceHistory: boolean;
}

export interface ExternalClusterOptions {
  config: ConnectionConfig;
  /** The SASL password, from SecretStorage. */
  password?: string;
  clientId?: string;
  /** Per request; default 30 s. */
  requestTimeoutMs?: number;
  /** Per connection attempt; default 10 s. */
  connectTimeoutMs?: number;
}

const MAX_RECORDS_LIMIT = 10_000;
const DEFAULT_MAX_RECORDS = 100;
const DEFAULT_MAX_BYTES = 1024 * 1024;
const EARLIEST = -2n;
const LATEST = -1n;

type Meta = Awaited<ReturnType<Admin['metadata']>>;
/** The part of a Metadata response rawTopicMetadata reads (the library's own response type). */
interface MetadataResponse {
  topics: Array<{ errorCode: number; name: string | null; topicId: string; partitions: Array<{ partitionIndex: number; leaderId: number; leaderEpoch: number; replicaNodes: number[]; isrNodes: number[]; offlineReplicas: number[] }> }>;
}
type FetchResponse = Awaited<ReturnType<Consumer['fetch']>>;
type TopicMeta = NonNullable<ReturnType<Meta['topics']['get']>>;

function num(v: bigint | number): number {
  return typeof v === 'bigint' ? Number(v) : v;
}

function isInternal(name: string): boolean {
  return name === '__consumer_offsets' || name === '__transaction_state' || name.startsWith('__');
}

/** A client library error as the broker's own KafkaError (Kafka's error name and the broker's message), else as is. */
export function asKafkaError(e: unknown): Error {
  const seen = new Set<unknown>();
  const find = (x: unknown): { apiId?: string; message?: string; serverErrorMessage?: string } | undefined => {
    if (!x || typeof x !== 'object' || seen.has(x)) return undefined;
    seen.add(x);
    const o = x as { apiId?: string; errors?: unknown[]; cause?: unknown };
    if (typeof o.apiId === 'string' && o.apiId in ErrorCode) return o as never;
    for (const inner of o.errors ?? []) {
      const f = find(inner);
      if (f) return f;
    }
    return find(o.cause);
  };
  const p = find(e);
  if (p) return new KafkaError(p.apiId as ErrorName, p.serverErrorMessage || p.message || p.apiId);
  if (e instanceof Error) {
    const code = (e as { code?: string }).code;
    if (code === 'PLT_KFK_AUTHENTICATION') return new KafkaError('SASL_AUTHENTICATION_FAILED', e.message);
    // The library's aggregates ("metadata failed 2 times", "Cannot connect to any broker.") hide the socket's or
    // TLS's own reason in their nested causes: the innermost messages say what went wrong.
    const leaves: string[] = [];
    const walk = (x: unknown, depth: number) => {
      if (!x || typeof x !== 'object' || depth > 6) return;
      const o = x as { message?: string; errors?: unknown[]; cause?: unknown };
      const inner = [...(o.errors ?? []), ...(o.cause ? [o.cause] : [])];
      if (!inner.length && o.message) leaves.push(o.message);
      for (const i of inner) walk(i, depth + 1);
    };
    walk(e, 0);
    const causes = [...new Set(leaves)].filter((m) => m !== e.message);
    if (causes.length) return new Error(`${e.message} (${causes.join('; ')})`, { cause: e });
    return e;
  }
  return new Error(String(e));
}

async function call<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw asKafkaError(e);
  }
}

function groupState(s: string): GroupState {
  const k = s.replace(/_/g, '').toLowerCase();
  const states: GroupState[] = ['Empty', 'PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead'];
  return states.find((x) => x.toLowerCase() === k) ?? 'Dead';
}

const SOURCES: Record<number, ConfigSourceName> = { 1: 'DYNAMIC_TOPIC_CONFIG', 2: 'STATIC_BROKER_CONFIG', 3: 'STATIC_BROKER_CONFIG', 4: 'STATIC_BROKER_CONFIG', 5: 'DEFAULT_CONFIG' };
const CONFIG_TYPES = ['UNKNOWN', 'BOOLEAN', 'STRING', 'INT', 'SHORT', 'LONG', 'DOUBLE', 'LIST', 'CLASS', 'PASSWORD'];

export class ExternalCluster implements BrokerApi, BrokerEventSource {
  readonly capabilities: ClusterCapabilities = { segments: false, faults: false, rebalanceHistory: false };
  private readonly admin: Admin;
  private readonly producer: Producer<Buffer, Buffer, string, Buffer>;
  private readonly consumer: Consumer;
  private readonly events = new Listeners<BrokerEvent>();
  private closed = false;

  constructor(readonly options: ExternalClusterOptions) {
    const c = options.config;
    const base = {
      clientId: options.clientId ?? 'tributary-vscode',
      bootstrapBrokers: parseBootstrap(c.bootstrapServers),
      tls: tlsOptions(c),
      sasl: usesSasl(c) ? { mechanism: c.saslMechanism ?? 'PLAIN', username: c.username, password: options.password ?? '' } : undefined,
      connectTimeout: options.connectTimeoutMs ?? 10_000,
      requestTimeout: options.requestTimeoutMs ?? 30_000,
      timeout: options.requestTimeoutMs ?? 30_000,
      retries: 1,
      retryDelay: 250,
    };
    this.admin = new Admin(base as never);
    this.producer = new Producer({ ...base, serializers: { headerKey: (k?: string) => (k === undefined ? undefined : Buffer.from(k, 'utf8')) } } as never);
    // Fetch only: this consumer never joins its group (the id is required by the library, never sent to a coordinator).
    this.consumer = new Consumer({ ...base, groupId: 'tributary-browser' } as never);
  }

  get name(): string {
    return this.options.config.name;
  }

  onEvent(listener: (event: BrokerEvent) => void): () => void {
    // An external cluster says nothing unasked; the panels poll it (their `pollMs`).
    return this.events.add(listener);
  }

  /** Checks that the cluster answers (and the credentials work): the cluster's status, or the reason it failed. */
  async connect(): Promise<BrokerStatus> {
    return this.status();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([this.admin.close(), this.producer.close(), this.consumer.close(true)]);
  }

  private async meta(topics?: string[]): Promise<Meta> {
    const m = await call(() => this.admin.metadata({ topics: topics && [...topics], forceUpdate: true }));
    // The library answers from its cache, where a topic the response left out is undefined.
    const found = new Map([...m.topics].filter(([, t]) => t !== undefined));
    // It also leaves internal topics (__consumer_offsets, __transaction_state) out of that cache: they are asked for
    // with a Metadata request of our own, so that the tree shows them as it does for the embedded broker.
    const missing = (topics ?? []).filter((t) => !found.has(t) && isInternal(t));
    if (missing.length) for (const [name, t] of await this.rawTopicMetadata(m.brokers, missing)) found.set(name, t);
    return { ...m, topics: found };
  }

  /**
   * One request of the library's protocol layer (`apiName`, e.g. "Metadata") to one broker, outside its clients: for
   * what those clients do not offer (internal topics, sessionless fetches).
   */
  private async rawRequest<T>(client: Admin | Consumer, node: { host: string; port: number }, apiName: string, ...args: unknown[]): Promise<T> {
    type Callback<V> = (error: Error | null, value: V) => void;
    const c = client as unknown as {
      [kGetConnection](broker: { host: string; port: number }, cb: Callback<unknown>): void;
      [kGetApi](name: string, cb: Callback<(...a: unknown[]) => void>): void;
    };
    const connection = await new Promise<unknown>((res, rej) => c[kGetConnection]({ host: node.host, port: node.port }, (e, v) => (e ? rej(e) : res(v))));
    const api = await new Promise<(...a: unknown[]) => void>((res, rej) => c[kGetApi](apiName, (e, a) => (e ? rej(e) : res(a))));
    return new Promise<T>((res, rej) => api(connection, ...args, (e: Error | null, v: T) => (e ? rej(e) : res(v))));
  }

  private async rawTopicMetadata(brokers: Meta['brokers'], names: string[]): Promise<Map<string, TopicMeta>> {
    const node = [...brokers.values()][0];
    if (!node) return new Map();
    const r = await this.rawRequest<MetadataResponse>(this.admin, node, 'Metadata', names, false, false);
    const out = new Map<string, TopicMeta>();
    for (const t of r.topics) {
      if (t.errorCode !== 0 || !t.name) continue;
      const partitions = [...t.partitions]
        .sort((a, b) => a.partitionIndex - b.partitionIndex)
        .map((p) => ({ leader: p.leaderId, leaderEpoch: p.leaderEpoch, replicas: p.replicaNodes, isr: p.isrNodes, offlineReplicas: p.offlineReplicas }));
      out.set(t.name, { id: t.topicId, partitions, partitionsCount: partitions.length, lastUpdate: Date.now() } as TopicMeta);
    }
    return out;
  }

  private async topicMeta(topic: string): Promise<TopicMeta> {
    return (await this.topicAndBrokers(topic)).topic;
  }

  /** A topic's metadata and the brokers of the same answer (where its leaders listen). */
  private async topicAndBrokers(topic: string): Promise<{ topic: TopicMeta; brokers: Meta['brokers'] }> {
    const all = await call(() => this.admin.listTopics({ includeInternals: true }));
    if (!all.includes(topic)) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Topic '${topic}' does not exist.`);
    const m = await this.meta([topic]);
    const t = m.topics.get(topic);
    if (!t) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Topic '${topic}' does not exist.`);
    return { topic: t, brokers: m.brokers };
  }

  /** ListOffsets for some partitions of one topic: partition → offset. */
  private async offsets(topic: string, partitions: number[], timestamp: bigint): Promise<Map<number, number>> {
    if (!partitions.length) return new Map();
    if (isInternal(topic)) return this.rawOffsets(topic, partitions, timestamp);
    const r = await call(() => this.admin.listOffsets({ topics: [{ name: topic, partitions: partitions.map((p) => ({ partitionIndex: p, timestamp })) }] }));
    return new Map(r.flatMap((t) => t.partitions.map((p) => [p.partitionIndex, num(p.offset)] as [number, number])));
  }

  /** ListOffsets to each leader ourselves: the library's listOffsets finds leaders in a cache without internal topics. */
  private async rawOffsets(topic: string, partitions: number[], timestamp: bigint): Promise<Map<number, number>> {
    const { topic: t, brokers } = await this.topicAndBrokers(topic);
    const byLeader = new Map<number, number[]>();
    for (const p of partitions) {
      const leader = t.partitions[p]?.leader ?? -1;
      if (!byLeader.has(leader)) byLeader.set(leader, []);
      byLeader.get(leader)!.push(p);
    }
    const out = new Map<number, number>();
    await Promise.all(
      [...byLeader].map(async ([leader, ps]) => {
        const node = brokers.get(leader);
        if (!node) return;
        const r = await this.rawRequest<{ topics: Array<{ partitions: Array<{ partitionIndex: number; errorCode: number; offset: bigint }> }> }>(this.admin, node, 'ListOffsets', -1, 0, [
          { name: topic, partitions: ps.map((partitionIndex) => ({ partitionIndex, currentLeaderEpoch: -1, timestamp })) },
        ]);
        for (const tp of r.topics) for (const p of tp.partitions) if (p.errorCode === 0) out.set(p.partitionIndex, num(p.offset));
      }),
    );
    return out;
  }

  // -- cluster --------------------------------------------------------------------------------------------------

  async status(): Promise<BrokerStatus> {
    // Metadata for no topics names none: ask for every topic, or each broker would lead 0 partitions.
    const names = await call(() => this.admin.listTopics({ includeInternals: true }));
    const m = await this.meta(names);
    const leaders = new Map<number, number>();
    for (const t of m.topics.values()) for (const p of t.partitions) leaders.set(p.leader, (leaders.get(p.leader) ?? 0) + 1);
    return {
      clusterId: m.id,
      dataDir: '',
      bootstrap: this.options.config.bootstrapServers,
      controllerId: m.controllerId,
      connection: this.options.config.name,
      nodes: [...m.brokers]
        .sort((a, b) => a[0] - b[0])
        .map(([id, b]) => ({ id, host: b.host, port: b.port, up: true, isController: id === m.controllerId, leaderCount: leaders.get(id) ?? 0, logDir: '' })),
    };
  }

  // -- topics ---------------------------------------------------------------------------------------------------

  async listTopics(): Promise<TopicSummary[]> {
    const names = await call(() => this.admin.listTopics({ includeInternals: true }));
    if (!names.length) return [];
    const m = await this.meta(names);
    const live = new Set(m.brokers.keys());
    return [...m.topics]
      .map(([name, t]) => ({
        name,
        topicId: t.id,
        partitions: t.partitionsCount,
        replicationFactor: t.partitions[0]?.replicas.length ?? 0,
        underReplicated: t.partitions.filter((p) => p.isr.length < p.replicas.length).length,
        offline: t.partitions.filter((p) => p.leader < 0 || !live.has(p.leader)).length,
        internal: isInternal(name),
      }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async describeTopic(topic: string): Promise<TopicDescription> {
    const t = await this.topicMeta(topic);
    const ids = t.partitions.map((_, i) => i);
    const [start, end, configs] = await Promise.all([this.offsets(topic, ids, EARLIEST), this.offsets(topic, ids, LATEST), this.getTopicConfigs(topic)]);
    const partitions: PartitionDescription[] = t.partitions.map((p, i) => ({
      partition: i,
      leader: p.leader,
      leaderEpoch: p.leaderEpoch,
      replicas: p.replicas,
      isr: p.isr,
      logStartOffset: start.get(i) ?? -1,
      highWatermark: end.get(i) ?? -1,
      // A client sees the high watermark, not the leader's log end.
      logEndOffset: end.get(i) ?? -1,
      size: -1,
      dir: '',
      segments: [],
      otherFiles: [],
    }));
    const overrides = Object.fromEntries(configs.filter((c) => c.source === 'DYNAMIC_TOPIC_CONFIG' && c.value !== null).map((c) => [c.name, c.value as string]));
    return { name: topic, topicId: t.id, internal: isInternal(topic), configs: overrides, partitions };
  }

  async createTopic(request: CreateTopicRequest): Promise<TopicSummary> {
    const created = await call(() =>
      this.admin.createTopics({
        topics: [request.name],
        partitions: request.partitions ?? -1,
        replicas: request.replicationFactor ?? -1,
        configs: Object.entries(request.configs ?? {}).map(([name, value]) => ({ name, value })),
      }),
    );
    const c = created[0];
    return { name: request.name, topicId: c?.id ?? '', partitions: c?.partitions ?? 0, replicationFactor: c?.replicas ?? 0, underReplicated: 0, offline: 0, internal: false };
  }

  async deleteTopic(topic: string): Promise<void> {
    await call(() => this.admin.deleteTopics({ topics: [topic] }));
  }

  async addPartitions(topic: string, totalCount: number): Promise<TopicSummary> {
    await call(() => this.admin.createPartitions({ topics: [{ name: topic, count: totalCount, assignments: null }] }));
    const found = (await this.listTopics()).find((t) => t.name === topic);
    if (!found) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Topic '${topic}' does not exist.`);
    return found;
  }

  async getTopicConfigs(topic: string): Promise<TopicConfigEntry[]> {
    const r = await call(() => this.admin.describeConfigs({ resources: [{ resourceType: 2, resourceName: topic, configurationKeys: [] }], includeSynonyms: true, includeDocumentation: true }));
    const configs = r[0]?.configs ?? [];
    return configs
      .map((c) => {
        // The first synonym that is not the topic's own override is what the topic would have without it.
        const fallback = c.synonyms?.find((s) => s.source !== 1);
        // DescribeConfigs carries no allowed values: Kafka's own, for the configs Kafka defines, so that the
        // editors offer the same choices as on the embedded broker.
        const known = topicConfigDef.get(c.name);
        const entry: TopicConfigEntry = {
          name: c.name,
          value: c.value ?? null,
          default: c.configSource === 1 ? inUnitOf(c.name, fallback) : (c.value ?? null),
          source: SOURCES[c.configSource] ?? 'DEFAULT_CONFIG',
          type: (CONFIG_TYPES[c.configType] ?? 'STRING').toLowerCase(),
          documentation: c.documentation || known?.doc || '',
        };
        if (known?.validValues) entry.validValues = [...known.validValues];
        if (c.readOnly) entry.readOnly = true;
        return entry;
      })
      .sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  async setTopicConfigs(topic: string, changes: Record<string, string | null>): Promise<TopicConfigEntry[]> {
    await call(() =>
      this.admin.incrementalAlterConfigs({
        resources: [
          {
            resourceType: 2,
            resourceName: topic,
            configs: Object.entries(changes).map(([name, value]) => ({ name, configOperation: value === null ? 1 : 0, value: value ?? null })) as never,
          },
        ],
      }),
    );
    return this.getTopicConfigs(topic);
  }

  // -- records --------------------------------------------------------------------------------------------------

  async produce(request: ProduceRequest): Promise<ProduceResult> {
    const t = await this.topicMeta(request.topic);
    const count = t.partitionsCount;
    // Kafka's default partitioner, as the embedded broker applies it: murmur2 of the key; keyless records stick to
    // one random partition per request (or go round the partitions).
    let next = Math.floor(Math.random() * count);
    const sticky = next;
    const placed = request.records.map((r) => {
      if (r.partition !== undefined) {
        if (!Number.isInteger(r.partition) || r.partition < 0 || r.partition >= count) {
          throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Topic '${request.topic}' has partitions 0 to ${count - 1}, not ${r.partition}.`);
        }
        return r.partition;
      }
      if (r.key !== undefined && r.key !== null) return partitionForKey(bytesToBuffer(r.key), count);
      return request.nullKeyStrategy === 'roundRobin' ? next++ % count : sticky;
    });
    const now = Date.now();
    const acks = request.acks === undefined || request.acks === 'all' ? -1 : request.acks;
    const messages = request.records.map((r, i) => ({
      topic: request.topic,
      partition: placed[i],
      key: r.key === undefined || r.key === null ? undefined : bytesToBuffer(r.key),
      value: r.value === undefined || r.value === null ? undefined : bytesToBuffer(r.value),
      headers: new Map((r.headers ?? []).map((h) => [h.key, h.value === null ? null : bytesToBuffer(h.value)])),
      timestamp: BigInt(r.timestamp ?? now),
    }));
    if (request.compression === 'zstd') await ensureClientZstd();
    const result = await call(() => this.producer.send({ messages, acks, compression: request.compression ?? 'none', idempotent: false } as never));
    // The answer gives each partition's first offset; a partition's records follow it in the order sent.
    const base = new Map<number, number>(((result as { offsets?: Array<{ partition: number; offset: bigint }> }).offsets ?? []).map((o) => [o.partition, num(o.offset)]));
    const seen = new Map<number, number>();
    return {
      topic: request.topic,
      records: placed.map((partition, i) => {
        const j = seen.get(partition) ?? 0;
        seen.set(partition, j + 1);
        return { partition, offset: acks === 0 ? -1 : (base.get(partition) ?? -1) + j, timestamp: num(messages[i].timestamp) };
      }),
    };
  }

  async consume(request: ConsumeRequest): Promise<ConsumeResult> {
    const { topic, partition } = request;
    const { topic: t, brokers } = await this.topicAndBrokers(topic);
    const p = t.partitions[partition];
    if (!p) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Topic '${topic}' has partitions 0 to ${t.partitionsCount - 1}, not ${partition}.`);
    const maxRecords = Math.min(Math.max(1, Math.floor(request.maxRecords ?? DEFAULT_MAX_RECORDS)), MAX_RECORDS_LIMIT);
    const maxBytes = Math.max(1024, Math.floor(request.maxBytes ?? DEFAULT_MAX_BYTES));
    const [startMap, endMap] = await Promise.all([this.offsets(topic, [partition], EARLIEST), this.offsets(topic, [partition], LATEST)]);
    const logStart = startMap.get(partition) ?? 0;
    let hw = endMap.get(partition) ?? 0;
    const from = request.from;
    let start: number;
    switch (from.kind) {
      case 'earliest':
        start = logStart;
        break;
      case 'latest':
        start = hw;
        break;
      case 'offset':
        if (!Number.isSafeInteger(from.offset)) throw new KafkaError('OFFSET_OUT_OF_RANGE', `Invalid offset ${from.offset}`);
        start = from.offset;
        break;
      case 'timestamp': {
        const found = (await this.offsets(topic, [partition], BigInt(Math.floor(from.timestamp)))).get(partition);
        start = found === undefined || found < 0 ? hw : found;
        break;
      }
      case 'fromEnd':
        start = Math.max(logStart, hw - Math.max(0, Math.floor(from.count)));
        break;
    }
    if (start < logStart || start > hw) {
      throw new KafkaError('OFFSET_OUT_OF_RANGE', `Offset ${start} is out of range for ${topic}-${partition}: the log has offsets ${logStart} to ${hw}.`);
    }
    const records: ConsumedRecord[] = [];
    let offset = start;
    while (records.length < maxRecords && offset < hw) {
      const before = offset;
      const response = await call(() =>
        this.sessionlessFetch(brokers.get(p.leader), p.leader, [{ topicId: t.id, partitions: [{ partition, fetchOffset: BigInt(offset), partitionMaxBytes: maxBytes, currentLeaderEpoch: -1, lastFetchedEpoch: -1 }] }], maxBytes),
      );
      const part = response.responses[0]?.partitions.find((x) => x.partitionIndex === partition);
      if (!part) break;
      if (part.errorCode !== 0) {
        const name = Object.entries(ErrorCode).find(([, code]) => code === part.errorCode)?.[0] ?? 'UNKNOWN_SERVER_ERROR';
        throw new KafkaError(name as ErrorName, `Fetching ${topic}-${partition} at offset ${offset}: ${name}`);
      }
      hw = num(part.highWatermark);
      for (const batch of part.records ?? []) {
        const first = num(batch.firstOffset);
        const next = first + batch.lastOffsetDelta + 1;
        if (next <= offset) continue;
        // Transaction markers are not records a consumer sees.
        if (batch.attributes & 0x20) {
          offset = next;
          continue;
        }
        const logAppendTime = (batch.attributes & 0x08) !== 0;
        for (const r of batch.records) {
          const o = first + r.offsetDelta;
          if (o < offset) continue;
          if (records.length >= maxRecords || o >= hw) break;
          const headers = (r.headers ?? []) as Array<[Buffer, Buffer | undefined]>;
          records.push({
            partition,
            offset: o,
            timestamp: logAppendTime ? num(batch.maxTimestamp) : num(batch.firstTimestamp) + num(r.timestampDelta),
            timestampType: logAppendTime ? 'LogAppendTime' : 'CreateTime',
            key: r.key === undefined || r.key === null ? null : bytesFromBuffer(r.key),
            value: r.value === undefined || r.value === null ? null : bytesFromBuffer(r.value),
            headers: headers.map(([k, v]) => ({ key: Buffer.from(k).toString('utf8'), value: v === undefined || v === null ? null : bytesFromBuffer(v) })),
            size: r.length,
            leaderEpoch: batch.partitionLeaderEpoch,
          });
          offset = o + 1;
        }
        if (records.length >= maxRecords) break;
        offset = Math.max(offset, Math.min(next, hw));
      }
      if (offset === before) break;
    }
    return { topic, partition, startOffset: start, nextOffset: offset, logStartOffset: logStart, highWatermark: hw, logEndOffset: hw, records };
  }

  /**
   * One Fetch to a partition's leader with session id 0 and epoch -1: a sessionless fetch, as Kafka's own tools make
   * when they do not poll. The library's Consumer.fetch sends epoch 0, which asks the broker for a new incremental
   * fetch session each time: on a shared cluster every look at a topic would take a slot of the brokers' session
   * cache (max.incremental.fetch.session.cache.slots) from the real consumers.
   */
  private async sessionlessFetch(node: { host: string; port: number } | undefined, leader: number, topics: unknown[], maxBytes: number): Promise<FetchResponse> {
    if (!node) throw new KafkaError('LEADER_NOT_AVAILABLE', `The leader, node ${leader}, is not among the cluster's brokers.`);
    // maxWaitMs 0, minBytes 1: answer at once; isolation read_uncommitted; session 0, epoch -1; no rack.
    return this.rawRequest<FetchResponse>(this.consumer, node, 'Fetch', 0, 1, maxBytes, 0, 0, -1, topics, [], '');
  }

  // -- groups ---------------------------------------------------------------------------------------------------

  async listGroups(): Promise<GroupSummary[]> {
    const listed = await call(() => this.admin.listGroups());
    const ids = [...listed.keys()];
    if (!ids.length) return [];
    const described = await Promise.all(ids.map((id) => this.describeGroup(id).catch(() => undefined)));
    return described
      .filter((d): d is GroupDescription => d !== undefined)
      .map((d) => ({
        groupId: d.groupId,
        state: d.state,
        protocolType: d.protocolType,
        protocol: d.protocol,
        members: d.members.length,
        coordinator: d.coordinator,
        totalLag: d.totalLag,
        uncommitted: d.uncommitted,
        topics: [...new Set([...d.offsets.map((o) => o.topic), ...d.members.flatMap((m) => m.assignment.map((a) => a.topic))])].sort(),
      }))
      .sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  }

  async describeGroup(groupId: string): Promise<GroupDescription> {
    const [groups, committed, coordinators] = await Promise.all([
      call(() => this.admin.describeGroups({ groups: [groupId] })),
      call(() => this.admin.listConsumerGroupOffsets({ groups: [groupId] })),
      call(() => this.admin.findCoordinator({ keyType: 0, keys: [groupId] })).catch(() => []),
    ]);
    const g = groups.get(groupId);
    const state = g ? groupState(g.state) : 'Dead';
    const topics = committed.find((c) => c.groupId === groupId)?.topics ?? [];
    if (state === 'Dead' && !topics.length) throw new KafkaError('GROUP_ID_NOT_FOUND', `Group ${groupId} does not exist`);
    const members: GroupMemberView[] = [...(g?.members.values() ?? [])].map((m) => ({
      memberId: m.id,
      groupInstanceId: m.groupInstanceId ?? null,
      clientId: m.clientId,
      clientHost: m.clientHost,
      // DescribeGroups does not return the timeouts.
      sessionTimeoutMs: -1,
      rebalanceTimeoutMs: -1,
      assignment: [...(m.assignments?.values() ?? [])].map((a) => ({ topic: a.topic, partitions: [...a.partitions].sort((x, y) => x - y) })),
    }));
    const owners = new Map<string, { memberId: string; clientId: string }>();
    for (const m of members) for (const a of m.assignment) for (const p of a.partitions) owners.set(`${a.topic}\0${p}`, { memberId: m.memberId, clientId: m.clientId });
    // Every partition committed or assigned, with the log's offsets.
    const wanted = new Map<string, Set<number>>();
    const want = (topic: string, p: number) => (wanted.get(topic) ?? wanted.set(topic, new Set()).get(topic)!).add(p);
    for (const t of topics) for (const p of t.partitions) if (num(p.committedOffset) >= 0) want(t.name, p.partitionIndex);
    for (const m of members) for (const a of m.assignment) for (const p of a.partitions) want(a.topic, p);
    const offsets: GroupOffsetView[] = [];
    for (const [topic, ps] of wanted) {
      const list = [...ps].sort((a, b) => a - b);
      const [start, end] = await Promise.all([this.offsets(topic, list, EARLIEST), this.offsets(topic, list, LATEST)]).catch(() => [new Map(), new Map()]);
      for (const p of list) {
        const c = topics.find((t) => t.name === topic)?.partitions.find((x) => x.partitionIndex === p);
        const committedOffset = c && num(c.committedOffset) >= 0 ? num(c.committedOffset) : null;
        const endOffset = end.get(p) ?? -1;
        offsets.push({
          topic,
          partition: p,
          committed: committedOffset,
          metadata: c?.metadata ?? null,
          logStartOffset: start.get(p) ?? -1,
          endOffset,
          ...lagOf(committedOffset, start.get(p) ?? -1, endOffset),
          owner: owners.get(`${topic}\0${p}`),
        });
      }
    }
    offsets.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
    return {
      groupId,
      state,
      protocolType: g?.protocolType || null,
      protocol: g?.protocol || null,
      // DescribeGroups does not return the generation or the leader.
      generation: -1,
      coordinator: coordinators[0]?.nodeId ?? -1,
      leader: null,
      members,
      offsets,
      ...lagTotals(offsets),
    };
  }

  async planReset(r: ResetOffsetsRequest): Promise<ResetPlanRow[]> {
    const t = await this.topicMeta(r.topic);
    const ps = r.partitions ?? t.partitions.map((_, i) => i);
    for (const p of ps) if (!t.partitions[p]) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Partition ${r.topic}-${p} does not exist`);
    const committed = await call(() => this.admin.listConsumerGroupOffsets({ groups: [{ groupId: r.groupId, topics: [{ name: r.topic, partitionIndexes: ps }] }] }));
    const current = new Map<number, number>(
      (committed[0]?.topics.find((x) => x.name === r.topic)?.partitions ?? []).map((p) => [p.partitionIndex, num(p.committedOffset)] as [number, number]),
    );
    const [start, end] = await Promise.all([this.offsets(r.topic, ps, EARLIEST), this.offsets(r.topic, ps, LATEST)]);
    const byTime = r.to.kind === 'timestamp' ? await this.offsets(r.topic, ps, BigInt(r.to.timestamp)) : undefined;
    return ps.map((partition) => {
      const s = start.get(partition) ?? 0;
      const e = end.get(partition) ?? 0;
      const cur = current.get(partition) ?? -1;
      return { topic: r.topic, partition, current: cur >= 0 ? cur : null, target: resetTargetOffset(r.to, s, e, cur, byTime?.get(partition)) };
    });
  }

  async resetOffsets(r: ResetOffsetsRequest): Promise<ResetPlanRow[]> {
    const g = (await call(() => this.admin.describeGroups({ groups: [r.groupId] }))).get(r.groupId);
    const state = g ? groupState(g.state) : 'Dead';
    if (state !== 'Empty' && state !== 'Dead') {
      throw new KafkaError('NON_EMPTY_GROUP', `Assignments can only be reset if the group '${r.groupId}' is inactive, but the current state is ${state}.`);
    }
    const plan = await this.planReset(r);
    await call(() =>
      this.admin.alterConsumerGroupOffsets({ groupId: r.groupId, topics: [{ name: r.topic, partitionOffsets: plan.map((p) => ({ partition: p.partition, offset: BigInt(p.target) })) }] }),
    );
    return plan;
  }

  async deleteGroup(groupId: string): Promise<void> {
    await call(() => this.admin.deleteGroups({ groups: [groupId] }));
  }

  async rebalanceHistory(_groupId: string): Promise<RebalanceRecord[]> {
    throw new LocalOnlyError('The rebalance history', 'Tributary records rebalances as its own group coordinator runs them, and a Kafka cluster keeps no history that a client can read');
  }

  // -- replication ----------------------------------------------------------------------------------------------

  async electionHistory(): Promise<ElectionRecord[]> {
    throw new LocalOnlyError('The election history', 'Tributary records elections as its own controller makes them; a Kafka cluster keeps no history that a client can read');
  }

  async replication(): Promise<ReplicationView> {
    const names = await call(() => this.admin.listTopics({ includeInternals: true }));
    const m = names.length ? await this.meta(names) : await this.meta();
    const live = new Set(m.brokers.keys());
    const none: FaultState = { cutLinks: [], paused: [], slow: [] };
    return {
      controllerId: m.controllerId,
      nodes: [...m.brokers.keys()].sort((a, b) => a - b).map((id) => ({ id, up: true })),
      faults: none,
      partitions: [...m.topics].flatMap(([topic, t]) =>
        t.partitions.map((p, partition) => ({
          topic,
          partition,
          leader: p.leader,
          leaderEpoch: p.leaderEpoch,
          highWatermark: -1,
          underReplicated: p.isr.length < p.replicas.length,
          offline: p.leader < 0 || !live.has(p.leader),
          replicas: p.replicas.map((node) => ({
            node,
            up: live.has(node) && !p.offlineReplicas.includes(node),
            inSync: p.isr.includes(node),
            isLeader: node === p.leader,
            logEndOffset: -1,
            lastCaughtUpMsAgo: null,
          })),
        })),
      ),
    };
  }

  async stopNode(_nodeId: number): Promise<void> {
    throw new LocalOnlyError('Stopping a node');
  }

  async startNode(_nodeId: number): Promise<void> {
    throw new LocalOnlyError('Starting a node');
  }

  async setFault(): Promise<FaultState> {
    throw new LocalOnlyError('Fault injection');
  }

  async electLeaders(): Promise<ElectionResult[]> {
    throw new LocalOnlyError('Electing leaders from Tributary');
  }
}

/**
 * A synonym's value in the unit of the config it stands behind: Kafka reports retention.ms's broker default as
 * log.retention.hours=168, which the topic sees as 604800000.
 */
function inUnitOf(name: string, synonym: { name: string; value?: string | null } | undefined): string | null {
  const value = synonym?.value ?? null;
  if (value === null || !synonym || !name.endsWith('.ms') || !/^-?\d+$/.test(value) || Number(value) < 0) return value;
  const factor = synonym.name.endsWith('.hours') ? 3_600_000 : synonym.name.endsWith('.minutes') ? 60_000 : 1;
  return String(Number(value) * factor);
}
