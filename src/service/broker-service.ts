/**
 * The broker API (src/broker/api.ts) in this thread: a Cluster and its KafkaServer, started and stopped together,
 * with their changes raised as BrokerEvents. The worker thread runs one of these; the command line and tests can
 * use it directly.
 */
import type {
  ElectionRecord,
  BrokerApi,
  ClientQuotasView,
  TransactionView,
  BrokerEvent,
  BrokerEventSource,
  BrokerServiceOptions,
  BrokerStatus,
  ConsumeRequest,
  ConsumeResult,
  ConsumedRecord,
  CreateTopicRequest,
  ElectionResult,
  FaultChange,
  FaultState,
  GroupDescription,
  ReplicationView,
  GroupSummary,
  LogLevel,
  ProduceRequest,
  ProduceResult,
  ProducedRecord,
  RebalanceRecord,
  ResetOffsetsRequest,
  ResetPlanRow,
  TopicConfigEntry,
  TopicDescription,
  TopicSummary,
  ClientView,
} from '../broker/api';
import { bytesFromBuffer, bytesToBuffer, DEFAULT_SCHEMA_REGISTRY_PORT } from '../broker/api';
import { Cluster } from '../broker/cluster';
import type { ClusterEvent } from '../broker/replication/cluster-events';
import { KafkaServer } from '../protocol/server/kafka-server';
import { Logger } from '../broker/logger';
import { crc32cNative } from '../broker/records/crc32c';
import { KafkaError, errorName, type ErrorName } from '../broker/errors';
import { StandardAuthorizer, STANDARD_AUTHORIZER_CLASS } from '../broker/security/standard-authorizer';
import { describeBinding, invalidNewAcl, type AclBinding, type AclBindingFilter } from '../broker/security/acl-binding';
import { Listeners } from '../shared/listeners';
import { ChangeFeed } from './change-feed';
import { brokerStatus, describeTopic, groupSummaries, requireTopic, topicConfigs, topicSummary } from '../broker/cluster-views';
import { DefaultPartitioner } from '../broker/partitioner';
import { BrokerStartError, classifyStartError } from '../broker/start-failure';
import { CompressionType, compressionTypeFromName, initCompression } from '../broker/records/compression';
import { encodeRecordBatch } from '../broker/records/record-batch';
import { decodeRecords } from '../broker/records/record-batch';
import { iterateBatches } from '../broker/records/batch-iterator';
import { isControl, isLogAppendTime, nextOffsetOf } from '../broker/records/batch-header';
import type { RecordInput } from '../broker/records/record';
import { isInternalTopic } from '../broker/config/topic-name';
import { MAX_PARTITIONS_PER_REQUEST } from '../protocol/server/handlers/19-create-topics';
import { startEmbeddedSchemaRegistry, type RunningSchemaRegistry } from '../broker/schema-registry/embedded-schema-registry';

const DEFAULT_MAX_RECORDS = 100;
const MAX_RECORDS_LIMIT = 10_000;
const DEFAULT_MAX_BYTES = 1 << 20;
/** The Java producer's request.timeout.ms. */
const DEFAULT_PRODUCE_TIMEOUT_MS = 30_000;

/** How the start log names the CRC-32C code in use (src/broker/records/crc32c.ts picks it). */
const CRC32C_CODE: Record<typeof crc32cNative, string> = {
  addon: 'the native/crc32c addon',
  none: 'JavaScript (no native module here)',
};

export class BrokerService implements BrokerApi, BrokerEventSource {
  private cluster: Cluster | undefined;
  private server: KafkaServer | undefined;
  private feed: ChangeFeed | undefined;
  private schemaRegistry: RunningSchemaRegistry | undefined;
  /** Why the schema registry asked for did not start (its port taken...): the broker runs without it and says so. */
  private schemaRegistryWarning: string | undefined;
  private readonly events = new Listeners<BrokerEvent>();
  private readonly partitioner = new DefaultPartitioner();
  /** The broker's log: each line becomes a `log` event, and also goes to the logger given (the console, a test's memory). */
  readonly logger: Logger;

  constructor(
    readonly options: BrokerServiceOptions,
    extra: { logger?: Logger } = {},
  ) {
    const line = (level: LogLevel, message: string) => this.events.fire({ type: 'log', level, message, time: Date.now() });
    const inner = extra.logger;
    this.logger = {
      info: (m) => (inner?.info(m), line('info', m)),
      warn: (m) => (inner?.warn(m), line('warn', m)),
      error: (m) => (inner?.error(m), line('error', m)),
      debug: (m) => (inner?.debug?.(m), line('debug', m)),
    };
  }

  onEvent(listener: (event: BrokerEvent) => void): () => void {
    return this.events.add(listener);
  }

  get running(): boolean {
    return this.cluster !== undefined;
  }

  /** Opens the data directory and the listeners; a failure says why (BrokerStartError) and leaves nothing open. */
  async start(): Promise<BrokerStatus> {
    if (this.cluster) return this.status();
    const o = this.options;
    let cluster: Cluster | undefined;
    try {
      // zstd's encoder is WebAssembly, which loads asynchronously: once, before any batch is written.
      await initCompression();
      cluster = new Cluster({ dataDir: o.dataDir, nodes: o.nodes, config: o.config, nodeConfig: o.nodeConfig, owner: o.owner, logger: this.logger });
      const server = new KafkaServer(cluster, { host: o.host, basePort: o.basePort, security: o.security, onListenersChanged: () => this.feed?.nodes() });
      await server.start();
      this.cluster = cluster;
      this.server = server;
    } catch (e) {
      cluster?.shutdown();
      throw new BrokerStartError(classifyStartError(e, { dataDir: o.dataDir, basePort: o.basePort ?? 9092 }));
    }
    for (const l of this.server.listeners()) this.logger.info(`node ${l.nodeId} listening on ${l.host}:${l.port} (${l.securityProtocol})`);
    if (o.schemaRegistry) await this.startSchemaRegistry(this.cluster, o.schemaRegistry);
    const sec = this.server.security;
    if (sec.sasl) this.logger.info(`SASL mechanisms ${sec.mechanisms.join(', ')}; configured users: ${sec.userNames.join(', ') || 'none'}`);
    // Which CRC-32C checksums the record batches: a packaged extension says here whether its native addon loaded.
    this.logger.info(`record batch CRC-32C: ${CRC32C_CODE[crc32cNative]}`);
    this.logger.info(`Tributary is running: ${this.cluster.nodes.length} node(s), data in ${this.cluster.dataDir}, bootstrap servers ${this.server.bootstrap()}`);
    this.feed = new ChangeFeed(this.cluster, this.server, (e) => this.events.fire(e), o.eventWindowMs);
    this.feed.start();
    this.unsubscribeCluster = this.cluster.on((e) => this.forwardClusterEvent(e));
    // However they change (this API, any client's CreateAcls/DeleteAcls), the views hear of it.
    this.cluster.metadata.aclListener = () => this.events.fire({ type: 'aclsChanged' });
    this.cluster.metadata.quotaListener = () => this.events.fire({ type: 'quotasChanged' });
    return this.status();
  }

  /**
   * A registry that cannot start (its port taken, most often) leaves the broker running without it: the broker is
   * what the user's services need first, and the warning says what to change.
   */
  private async startSchemaRegistry(cluster: Cluster, opts: NonNullable<BrokerServiceOptions['schemaRegistry']>): Promise<void> {
    this.schemaRegistryWarning = undefined;
    try {
      this.schemaRegistry = await startEmbeddedSchemaRegistry(cluster, this.logger, { ...opts, host: opts.host ?? this.options.host });
    } catch (e) {
      const port = opts.port ?? DEFAULT_SCHEMA_REGISTRY_PORT;
      const why = (e as NodeJS.ErrnoException).code === 'EADDRINUSE' ? `port ${port} is in use (choose another with --schema-registry-port or the tributary.schemaRegistry.port setting, or turn it off)` : (e as Error).message;
      this.schemaRegistryWarning = `the schema registry did not start: ${why}`;
      this.logger.warn(this.schemaRegistryWarning);
    }
  }

  /** Closes the listeners, then flushes the logs, writes the checkpoints and releases the directory. */
  async stop(): Promise<void> {
    const { cluster, server, feed, schemaRegistry } = this;
    if (!cluster) return;
    this.cluster = undefined;
    this.server = undefined;
    this.feed = undefined;
    this.schemaRegistry = undefined;
    feed?.stop();
    this.unsubscribeCluster?.();
    try {
      await schemaRegistry?.close();
    } catch (e) {
      this.logger.error(`closing the schema registry: ${(e as Error).message}`);
    }
    try {
      await server?.stop();
    } catch (e) {
      this.logger.error(`closing listeners: ${(e as Error).message}`);
    }
    cluster.shutdown();
  }

  private unsubscribeCluster: (() => void) | undefined;

  /** Elections, ISR and controller changes as they happen (the cluster view shows them live). */
  private forwardClusterEvent(e: ClusterEvent): void {
    const time = Date.now();
    switch (e.type) {
      case 'leader-elected':
        this.events.fire({ type: 'leaderElected', topic: e.topic, partition: e.partition, leader: e.leader, previousLeader: e.previousLeader, leaderEpoch: e.leaderEpoch, reason: e.reason, unclean: e.unclean, time });
        break;
      case 'isr-changed':
        this.events.fire({ type: 'isrChanged', topic: e.topic, partition: e.partition, isr: e.isr, reason: e.reason, time });
        break;
      case 'controller-changed':
        this.events.fire({ type: 'controllerChanged', from: e.from, to: e.to, time });
        break;
      default:
        // Topics and nodes reach the UI through the change feed.
        break;
    }
  }

  private require(): Cluster {
    if (!this.cluster) throw new KafkaError('BROKER_NOT_AVAILABLE', 'The broker is not running.');
    return this.cluster;
  }

  /**
   * After a change made through this API: report it before answering, so that a caller's next call cannot come
   * first and hide it (a topic created and deleted between two comparisons is never seen).
   */
  private changed(): void {
    if (this.running) this.feed?.flush();
  }


  async status(): Promise<BrokerStatus> {
    const status = brokerStatus(this.require(), this.server);
    if (this.schemaRegistry) status.schemaRegistryUrl = this.schemaRegistry.url;
    if (this.schemaRegistryWarning) status.warnings = [...(status.warnings ?? []), this.schemaRegistryWarning];
    return status;
  }

  // -- topics ------------------------------------------------------------------------------------------------

  async listTopics(): Promise<TopicSummary[]> {
    const c = this.require();
    return c.metadata
      .topics()
      .map((t) => topicSummary(c, t))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async describeTopic(topic: string): Promise<TopicDescription> {
    return describeTopic(this.require(), topic);
  }

  async createTopic(request: CreateTopicRequest): Promise<TopicSummary> {
    const c = this.require();
    const t = c.createTopic(request.name, request.partitions, request.replicationFactor, request.configs ?? {});
    this.changed();
    return topicSummary(c, t);
  }

  async deleteTopic(topic: string): Promise<void> {
    const c = this.require();
    requireTopic(c, topic);
    // As DeleteTopics: the coordinators keep their state in the internal topics while they run.
    if (isInternalTopic(topic)) throw new KafkaError('INVALID_REQUEST', `Topic ${topic} is a Kafka internal topic and is not allowed to be deleted.`);
    c.deleteTopic(topic);
    this.partitioner.forget(topic);
    this.changed();
  }

  async addPartitions(topic: string, totalCount: number): Promise<TopicSummary> {
    const c = this.require();
    const current = requireTopic(c, topic).partitions.length;
    // As CreatePartitions, with Kafka's messages.
    if (isInternalTopic(topic)) {
      throw new KafkaError('INVALID_PARTITIONS', 'The number of partitions for the internal topics __consumer_offsets and __transaction_state cannot be changed.');
    }
    if (!Number.isInteger(totalCount)) throw new KafkaError('INVALID_PARTITIONS', `The partition count must be an integer, not ${totalCount}.`);
    if (totalCount === current) throw new KafkaError('INVALID_PARTITIONS', `Topic already has ${current} partition(s).`);
    if (totalCount < current) throw new KafkaError('INVALID_PARTITIONS', `The topic ${topic} currently has ${current} partition(s); ${totalCount} would not be an increase.`);
    if (totalCount > MAX_PARTITIONS_PER_REQUEST) throw new KafkaError('INVALID_PARTITIONS', `Tributary grows a topic to at most ${MAX_PARTITIONS_PER_REQUEST} partitions.`);
    const t = c.addPartitions(topic, totalCount);
    this.partitioner.forget(topic);
    this.logger.info(`topic ${topic}: grew from ${current} to ${totalCount} partitions`);
    this.changed();
    return topicSummary(c, t);
  }

  async getTopicConfigs(topic: string): Promise<TopicConfigEntry[]> {
    return topicConfigs(this.require(), topic);
  }

  async setTopicConfigs(topic: string, changes: Record<string, string | null>): Promise<TopicConfigEntry[]> {
    const c = this.require();
    const overrides = { ...requireTopic(c, topic).configs };
    for (const [name, value] of Object.entries(changes)) {
      if (value === null) delete overrides[name];
      else overrides[name] = String(value);
    }
    // Validated as a whole (unknown names, ranges) before anything is changed.
    c.setTopicConfigs(topic, overrides);
    this.logger.info(`topic ${topic}: config overrides are now ${JSON.stringify(overrides)}`);
    this.changed();
    return topicConfigs(c, topic);
  }

  // -- records -----------------------------------------------------------------------------------------------

  async produce(request: ProduceRequest): Promise<ProduceResult> {
    const c = this.require();
    const topic = request.topic;
    let t = c.metadata.topic(topic);
    if (!t) {
      // What a Kafka client's metadata request does for an unknown topic, under the same broker setting.
      if (!c.brokerConfig.get<boolean>('auto.create.topics.enable')) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Topic '${topic}' does not exist.`);
      t = c.createTopic(topic);
    }
    const compression = request.compression === undefined ? CompressionType.None : compressionTypeFromName(request.compression);
    if (compression === undefined) throw new KafkaError('INVALID_REQUEST', `Unknown compression ${request.compression}; use none, gzip, snappy, lz4 or zstd.`);
    const numPartitions = t.partitions.length;
    const strategy = request.nullKeyStrategy ?? 'sticky';
    const sticky = this.partitioner.newBatch(topic, numPartitions);
    const now = Date.now();

    const groups = new Map<number, { inputs: RecordInput[]; indexes: number[] }>();
    request.records.forEach((r, i) => {
      const key = r.key === undefined || r.key === null ? null : bytesToBuffer(r.key);
      let partition: number;
      if (r.partition !== undefined) {
        if (!Number.isInteger(r.partition) || r.partition < 0 || r.partition >= numPartitions) {
          throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Topic '${topic}' has partitions 0 to ${numPartitions - 1}, not ${r.partition}.`);
        }
        partition = r.partition;
      } else {
        partition = this.partitioner.partition(topic, key, numPartitions, strategy, sticky);
      }
      if (r.timestamp !== undefined && !Number.isSafeInteger(r.timestamp)) throw new KafkaError('INVALID_TIMESTAMP', `Invalid timestamp ${r.timestamp}`);
      let g = groups.get(partition);
      if (!g) groups.set(partition, (g = { inputs: [], indexes: [] }));
      g.indexes.push(i);
      g.inputs.push({
        key,
        value: r.value === undefined || r.value === null ? null : bytesToBuffer(r.value),
        headers: (r.headers ?? []).map((h) => ({ key: h.key, value: h.value === null ? null : bytesToBuffer(h.value) })),
        timestamp: r.timestamp ?? now,
      });
    });

    const logAppendTime = c.logConfig(topic).messageTimestampType === 'LogAppendTime';
    const acks = request.acks === 'all' || request.acks === undefined ? -1 : request.acks;
    const timeoutMs = request.timeoutMs ?? DEFAULT_PRODUCE_TIMEOUT_MS;
    const records = new Array<ProducedRecord>(request.records.length);
    // Partitions are written in parallel, as a producer's one request to several leaders would be. The appends are
    // reported by the change feed, which coalesces a burst into one event.
    await Promise.all(
      [...groups].map(async ([partition, g]) => {
        const info = await c.produce(topic, partition, encodeRecordBatch({ records: g.inputs, compression }), acks, timeoutMs);
        g.indexes.forEach((index, j) => {
          records[index] = { partition, offset: info.firstOffset + j, timestamp: logAppendTime ? info.logAppendTime : g.inputs[j].timestamp! };
        });
      }),
    );
    return { topic, records };
  }

  async consume(request: ConsumeRequest): Promise<ConsumeResult> {
    const c = this.require();
    const { topic, partition } = request;
    requireTopic(c, topic);
    const log = c.leaderLog(topic, partition);
    const maxRecords = Math.min(Math.max(1, Math.floor(request.maxRecords ?? DEFAULT_MAX_RECORDS)), MAX_RECORDS_LIMIT);
    const maxBytes = Math.max(1024, Math.floor(request.maxBytes ?? DEFAULT_MAX_BYTES));
    const from = request.from;
    let start: number;
    switch (from.kind) {
      case 'earliest':
        start = log.logStartOffset;
        break;
      case 'latest':
        start = log.highWatermark;
        break;
      case 'offset':
        if (!Number.isSafeInteger(from.offset)) throw new KafkaError('OFFSET_OUT_OF_RANGE', `Invalid offset ${from.offset}`);
        start = from.offset;
        break;
      case 'timestamp':
        start = log.fetchOffsetByTimestamp(from.timestamp)?.offset ?? log.highWatermark;
        break;
      case 'fromEnd':
        start = Math.max(log.logStartOffset, log.highWatermark - Math.max(0, Math.floor(from.count)));
        break;
    }
    // Out-of-range offsets answer as a fetch does (OFFSET_OUT_OF_RANGE, with the range in the message).
    const records: ConsumedRecord[] = [];
    let offset = start;
    while (records.length < maxRecords) {
      const data = c.read(topic, partition, offset, maxBytes, 'highWatermark');
      if (data.records.length === 0) break;
      const before = offset;
      for (const b of iterateBatches(data.records)) {
        const h = b.header;
        const next = nextOffsetOf(h);
        if (next <= offset) continue;
        if (isControl(h.attributes)) {
          offset = next; // transaction markers are not records a consumer sees
          continue;
        }
        const batch = data.records.subarray(b.position, b.position + b.size);
        for (const r of decodeRecords(batch)) {
          if (r.offset < offset) continue;
          if (records.length >= maxRecords) break;
          records.push({
            partition,
            offset: r.offset,
            timestamp: r.timestamp,
            timestampType: isLogAppendTime(h.attributes) ? 'LogAppendTime' : 'CreateTime',
            key: r.key === null ? null : bytesFromBuffer(r.key),
            value: r.value === null ? null : bytesFromBuffer(r.value),
            headers: r.headers.map((x) => ({ key: x.key, value: x.value === null ? null : bytesFromBuffer(x.value) })),
            size: r.sizeInBytes,
            leaderEpoch: h.partitionLeaderEpoch,
          });
          offset = r.offset + 1;
        }
        if (records.length >= maxRecords) break;
        // Compaction may have left the batch's last offsets out: the next read starts after the whole batch.
        offset = Math.max(offset, next);
      }
      if (offset === before) break;
    }
    return {
      topic,
      partition,
      startOffset: start,
      nextOffset: offset,
      logStartOffset: log.logStartOffset,
      highWatermark: log.highWatermark,
      logEndOffset: log.logEndOffset,
      records,
    };
  }

  // -- groups ------------------------------------------------------------------------------------------------

  async listGroups(): Promise<GroupSummary[]> {
    return groupSummaries(this.require()).sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  }

  async describeGroup(groupId: string): Promise<GroupDescription> {
    // A copy: the coordinator's objects must not leak to callers in this thread.
    return structuredClone(this.require().groups.describeGroup(groupId));
  }

  async planReset(r: ResetOffsetsRequest): Promise<ResetPlanRow[]> {
    return this.require().groups.planReset(r.groupId, r.topic, r.to, r.partitions);
  }

  async resetOffsets(r: ResetOffsetsRequest): Promise<ResetPlanRow[]> {
    const plan = await this.require().groups.resetOffsets(r.groupId, r.topic, r.to, r.partitions);
    this.logger.info(`group ${r.groupId}: offsets of ${r.topic} reset to ${JSON.stringify(r.to)}`);
    this.changed();
    return plan;
  }

  async deleteGroup(groupId: string): Promise<void> {
    await this.require().groups.deleteGroup(groupId);
    this.logger.info(`group ${groupId}: deleted`);
    this.changed();
  }

  async rebalanceHistory(groupId: string): Promise<RebalanceRecord[]> {
    return structuredClone([...this.require().groups.rebalanceHistory(groupId)]);
  }

  async electionHistory(): Promise<ElectionRecord[]> {
    return structuredClone(this.require().controller.elections);
  }

  // -- ACLs ---------------------------------------------------------------------------------------------------

  private authorizer(): StandardAuthorizer {
    const a = this.require().authorizer;
    if (!a) throw new KafkaError('SECURITY_DISABLED', `No Authorizer is configured on the broker (start it with authorizer.class.name=${STANDARD_AUTHORIZER_CLASS})`);
    return a;
  }

  async describeAcls(filter: AclBindingFilter): Promise<AclBinding[]> {
    return this.authorizer().acls(filter);
  }

  async createAcls(bindings: AclBinding[]): Promise<void> {
    const a = this.authorizer();
    // Validated together first: a form's mistake adds nothing.
    for (const b of bindings) {
      const why = invalidNewAcl(b);
      if (why) throw new KafkaError('INVALID_REQUEST', why);
    }
    a.createAcls(bindings);
    for (const b of bindings) this.logger.info(`ACL added: ${describeBinding(b)}`);
  }

  async deleteAcls(filters: AclBindingFilter[]): Promise<AclBinding[]> {
    const results = this.authorizer().deleteAcls(filters);
    const failed = results.find((r) => r.error);
    if (failed?.error) throw new KafkaError('INVALID_REQUEST', failed.message);
    const deleted = results.flatMap((r) => r.deleted);
    for (const b of deleted) this.logger.info(`ACL removed: ${describeBinding(b)}`);
    return deleted;
  }

  async clientQuotas(): Promise<ClientQuotasView> {
    const c = this.require();
    const now = Date.now();
    const usage = this.server ? c.nodes.flatMap((n) => this.server!.quotas(n.id).usage(now).map((u) => ({ nodeId: n.id, ...u }))) : [];
    return { quotas: c.metadata.clientQuotas().map((q) => ({ entity: { ...q.entity }, values: { ...q.values } })), usage };
  }

  async listTransactions(): Promise<TransactionView[]> {
    const c = this.require();
    const coordinator = c.transactionCoordinator;
    return coordinator
      .allTransactions()
      .map((t) => ({
        transactionalId: t.transactionalId,
        state: t.state,
        producerId: t.producerId,
        producerEpoch: t.producerEpoch,
        timeoutMs: t.txnTimeoutMs,
        startTimestamp: t.txnStartTimestamp,
        lastUpdateTimestamp: t.txnLastUpdateTimestamp,
        partitions: [...t.partitions.values()].map((p) => ({ topic: p.topic, partition: p.partition })),
        coordinator: coordinator.coordinatorFor(t.transactionalId),
      }))
      .sort((a, b) => a.transactionalId.localeCompare(b.transactionalId));
  }

  async abortTransaction(transactionalId: string): Promise<void> {
    const c = this.require();
    await c.transactionCoordinator.abortTransaction(transactionalId);
  }

  async reassignPartition(topic: string, partition: number, replicas: number[] | null): Promise<void> {
    const c = this.require();
    const [r] = c.alterPartitionReassignments([{ topic, partition, replicas }]);
    if (r.errorCode !== 0) throw new KafkaError(errorName(r.errorCode) as ErrorName, r.errorMessage ?? undefined);
    this.logger.info(replicas ? `${topic}-${partition}: reassignment to [${replicas.join(',')}] started from the UI` : `${topic}-${partition}: reassignment cancelled from the UI`);
  }

  async connectedClients(): Promise<ClientView[]> {
    this.require();
    return this.server?.clients.list() ?? [];
  }

  async replication(): Promise<ReplicationView> {
    const c = this.require();
    const now = Date.now();
    const partitions = c.metadata.topics().flatMap((t) =>
      t.partitions.map((p) => {
        const leaderUp = p.leader >= 0 && c.isNodeUp(p.leader);
        const known = new Map(leaderUp ? c.replicaManager.followerStates(t.name, p.partition).map((f) => [f.nodeId, f]) : []);
        return {
          topic: t.name,
          partition: p.partition,
          leader: p.leader,
          leaderEpoch: p.leaderEpoch,
          highWatermark: leaderUp ? c.leaderLog(t.name, p.partition).highWatermark : -1,
          underReplicated: p.isr.length < p.replicas.length,
          offline: !leaderUp,
          replicas: p.replicas.map((node) => {
            const up = c.isNodeUp(node);
            const log = up ? c.node(node).logManager.getLog({ topic: t.name, partition: p.partition }) : undefined;
            const f = known.get(node);
            return { node, up, inSync: p.isr.includes(node), isLeader: node === p.leader, logEndOffset: log?.logEndOffset ?? -1, lastCaughtUpMsAgo: node === p.leader ? 0 : f ? now - f.lastCaughtUpTimeMs : null };
          }),
        };
      }),
    );
    return { controllerId: c.controllerId, nodes: c.nodes.map((n) => ({ id: n.id, up: n.up })), faults: c.replicaManager.faults.describe(), partitions };
  }

  async stopNode(nodeId: number): Promise<void> {
    this.require().stopNode(nodeId);
    this.changed();
  }

  async startNode(nodeId: number): Promise<void> {
    this.require().startNode(nodeId);
    this.changed();
  }

  async setFault(fault: FaultChange): Promise<FaultState> {
    const c = this.require();
    const f = c.replicaManager.faults;
    const node = (id: number) => {
      if (!c.nodes.some((n) => n.id === id)) throw new KafkaError('BROKER_NOT_AVAILABLE', `no node ${id}`);
      return id;
    };
    switch (fault.kind) {
      case 'pauseFollower':
        f.pauseFollower(node(fault.node));
        break;
      case 'resumeFollower':
        f.resumeFollower(node(fault.node));
        break;
      case 'slowFollower':
        f.slowFollower(node(fault.node), Math.max(0, fault.delayMs));
        break;
      case 'cutLink':
        f.cutLink(node(fault.a), node(fault.b));
        break;
      case 'healLink':
        f.healLink(node(fault.a), node(fault.b));
        break;
      case 'clear':
        f.clear();
        break;
    }
    const state = f.describe();
    this.logger.info(`faults now: ${JSON.stringify(state)}`);
    this.events.fire({ type: 'faultsChanged', faults: state });
    return state;
  }

  async electLeaders(type: 'preferred' | 'unclean', partitions?: Array<{ topic: string; partition: number }>): Promise<ElectionResult[]> {
    const c = this.require();
    const wanted = partitions ?? c.metadata.topics().flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partition })));
    const results = wanted.map(({ topic, partition }) => {
      try {
        c.controller.electLeader(topic, partition, type);
        return { topic, partition, error: null, leader: c.partitionLeader(topic, partition) };
      } catch (e) {
        const name = e instanceof KafkaError ? e.errorName : 'UNKNOWN_SERVER_ERROR';
        let leader = -1;
        try {
          leader = c.partitionLeader(topic, partition);
        } catch {
          // an unknown partition has no leader
        }
        return { topic, partition, error: name, leader };
      }
    });
    this.changed();
    return partitions ? results : results.filter((r) => r.error !== 'ELECTION_NOT_NEEDED');
  }
}
