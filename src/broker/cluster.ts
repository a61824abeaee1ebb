/**
 * The embedded cluster: N virtual nodes in one process, each with its own `node-<id>/` log directory, and the
 * cluster metadata they share. This is the one owner of broker state; the protocol handlers, the worker RPC, the
 * command line and the tests all go through it.
 */
import * as path from 'node:path';
import { BrokerConfig } from './config/broker-config';
import { StandardAuthorizer, STANDARD_AUTHORIZER_CLASS, parseSuperUsers } from './security/standard-authorizer';
import { lockDirectory } from './storage/dir-lock';
import { parseTopicConfigs, LogConfig } from './config/topic-config';
import { Logger, silentLogger } from './logger';
import { MetadataStore, TopicState, PartitionState } from './metadata/metadata-store';
import { LogManager } from './storage/log-manager';
import { Log, LogAppendInfo, FetchDataInfo, FetchIsolation } from './storage/log';
import { KafkaError } from './errors';
import { ConfigError } from './config/config-def';
import { uuidFromKafkaString, uuidToKafkaString } from '../protocol/codec';
import { io } from './storage/file-io';
import { GroupCoordinator, GroupCoordinatorConfig, type ConsumerGroupConfig, type TopicCatalog } from './coordinator/group/group-coordinator';
import { assignorName } from './coordinator/group/server-assignors';
import type { MigrationPolicy } from './coordinator/group/consumer-group-migration';
import { ClusterOffsetsTopic, OFFSETS_TOPIC } from './coordinator/group/offsets-topic';
import { ClusterTransactionTopic } from './coordinator/transaction/transaction-topic';
import { TransactionCoordinator, type TopicPartitionRef } from './coordinator/transaction/transaction-coordinator';
import { producerIdManagerOf } from './producer-id-manager';
import { TRANSACTION_VERSION } from './metadata/features';
import { ControlRecordType, encodeEndTxnMarkerBatch } from './records/control-record';
import { GroupAdmin } from './coordinator/group/group-admin';
import { Controller } from './replication/controller';
import type { OngoingReassignment, ReassignmentResult, ReassignmentTarget } from './replication/partition-reassignment';
import type { Clock } from './clock';
import { ReplicaManager, type AppendOrigin } from './replication/replica-manager';
import type { ClusterEvent, ClusterEventListener } from './replication/cluster-events';
import type { ClusterState, StateChangeListener, VirtualNode } from './cluster-state';
import type { InternalTopicHost } from './coordinator/internal-topic';
import { DelayedFetchPurgatory, FETCHERS_KEY } from './replication/delayed-fetch';

function groupConfig(c: BrokerConfig): GroupCoordinatorConfig {
  return {
    groupMinSessionTimeoutMs: c.get('group.min.session.timeout.ms'),
    groupMaxSessionTimeoutMs: c.get('group.max.session.timeout.ms'),
    groupMaxSize: c.get('group.max.size'),
    groupInitialRebalanceDelayMs: c.get('group.initial.rebalance.delay.ms'),
    offsetsRetentionMs: c.get<number>('offsets.retention.minutes') * 60000,
    offsetMetadataMaxBytes: c.get('offset.metadata.max.bytes'),
    newMemberJoinTimeoutMs: 5 * 60 * 1000,
  };
}

/** The topics as the group coordinator sees them: ids in hex, as the protocol's codecs carry them. */
function topicCatalog(metadata: MetadataStore): TopicCatalog {
  const view = (t: TopicState | undefined) => t && { id: uuidFromKafkaString(t.topicId), name: t.name, partitions: t.partitions.length };
  return {
    byName: (name) => view(metadata.topic(name)),
    byId: (id) => view(metadata.topicById(uuidToKafkaString(id))),
    names: () => metadata.topics().map((t) => t.name),
  };
}

/** group.consumer.*: Kafka checks at start that each value lies within its min and max, and heartbeats come before the session ends. */
function consumerGroupConfig(c: BrokerConfig): ConsumerGroupConfig {
  const session = c.get<number>('group.consumer.session.timeout.ms');
  const heartbeat = c.get<number>('group.consumer.heartbeat.interval.ms');
  const within = (name: string, value: number) => {
    const min = c.get<number>(name.replace('group.consumer.', 'group.consumer.min.'));
    const max = c.get<number>(name.replace('group.consumer.', 'group.consumer.max.'));
    if (value < min) throw new ConfigError(`${name} must be greater than or equal to ${name.replace('group.consumer.', 'group.consumer.min.')}`);
    if (value > max) throw new ConfigError(`${name} must be less than or equal to ${name.replace('group.consumer.', 'group.consumer.max.')}`);
  };
  within('group.consumer.session.timeout.ms', session);
  within('group.consumer.heartbeat.interval.ms', heartbeat);
  if (heartbeat >= session) throw new ConfigError('group.consumer.heartbeat.interval.ms must be less than group.consumer.session.timeout.ms');
  return {
    sessionTimeoutMs: session,
    heartbeatIntervalMs: heartbeat,
    maxSize: c.get('group.consumer.max.size'),
    assignors: c.get<string[]>('group.consumer.assignors').map(assignorName),
    migrationPolicy: c.get<MigrationPolicy>('group.consumer.migration.policy'),
  };
}

interface ClusterOptions {
  dataDir: string;
  nodes?: number;
  /** Broker configs by Kafka name ("log.retention.hours": "1", ...). */
  config?: Record<string, string>;
  /** Broker configs of single nodes, by node id, over `config`. */
  nodeConfig?: Record<number, Record<string, string>>;
  /** Who runs this broker, written into the data directory's lock for whoever finds it taken. */
  owner?: string;
  logger?: Logger;
  /** The time of the coordinators' and replication's timers; tests pass a manual one. */
  clock?: Clock;
}

export class Cluster implements ClusterState, InternalTopicHost {
  readonly metadata: MetadataStore;
  readonly brokerConfig: BrokerConfig;
  readonly nodes: VirtualNode[] = [];
  readonly logger: Logger;
  private closed = false;
  private readonly unlockDataDir: () => void;
  /** Fetches waiting for data: consumers' long polls and the followers' fetchers. */
  readonly fetchPurgatory = new DelayedFetchPurgatory();
  /** Kafka's StandardAuthorizer when authorizer.class.name names it; undefined, everyone may do everything. */
  readonly authorizer: StandardAuthorizer | undefined;

  constructor(readonly opts: ClusterOptions) {
    this.logger = opts.logger ?? silentLogger;
    const settings = { ...(opts.config ?? {}) };
    if (opts.nodes !== undefined) settings['num.nodes'] = String(opts.nodes);
    this.brokerConfig = new BrokerConfig(settings, opts.nodeConfig);
    io.mkdirSync(opts.dataDir, { recursive: true });
    // The data directory's lock comes before anything is written to it: of two brokers started at once on a fresh
    // directory, the loser is told it is in use instead of tripping over the winner's files.
    this.unlockDataDir = lockDirectory(opts.dataDir, opts.owner);
    try {
      this.metadata = new MetadataStore(opts.dataDir);
      this.metadata.topicListener = (name) => {
        this.fetchPurgatory.notifyPartition(FETCHERS_KEY);
        // Consumer protocol groups subscribed to the topic, or to a pattern it matches, move to a new epoch.
        this.groupCoordinator?.topicsChanged();
        for (const l of this.stateListeners) l.topic(name);
      };
      this.loadDynamicBrokerConfigs();
      if (this.brokerConfig.get<string>('authorizer.class.name') === STANDARD_AUTHORIZER_CLASS) {
        this.authorizer = new StandardAuthorizer(this.metadata, {
          superUsers: parseSuperUsers(this.brokerConfig.get<string>('super.users')),
          allowEveryoneIfNoAclFound: this.brokerConfig.get<boolean>('allow.everyone.if.no.acl.found'),
        });
      }
      const count = this.brokerConfig.get<number>('num.nodes');
      for (let id = 0; id < count; id++) this.nodes.push({ id, logManager: this.openLogManager(id), up: true });
    } catch (e) {
      for (const n of this.nodes) n.logManager.shutdown();
      this.unlockDataDir();
      throw e;
    }
    for (const n of this.nodes) this.reconcileLogs(n);
    for (const n of this.nodes) n.logManager.startup();
    // The two call each other (decisions one way, ISR changes the other); each sees only what it calls.
    this.replicaManager = new ReplicaManager(this, { setIsr: (...a) => this.controller.setIsr(...a) }, this.fetchPurgatory, opts.clock);
    this.controller = new Controller(this, this.replicaManager, (e) => this.emit(e));
    // Followers reconcile with their leaders before fetching: the last run may have ended with diverged logs.
    for (const t of this.metadata.topics()) for (const p of t.partitions) for (const r of p.replicas) if (r !== p.leader) this.replicaManager.needsTruncation.add(`${r}:${t.name}-${p.partition}`);
    this.replicaManager.start();
    // Reassignments persisted in progress carry on: their new replicas follow like any other.
    this.controller.reassignments.resume();
    this.offsetsTopic = new ClusterOffsetsTopic(this);
    this.groupCoordinator = new GroupCoordinator(this.offsetsTopic, groupConfig(this.brokerConfig), {
      logger: this.logger,
      clock: opts.clock,
      topics: topicCatalog(this.metadata),
      consumer: consumerGroupConfig(this.brokerConfig),
    });
    this.groupCoordinator.onGroupChanged((groupId) => {
      for (const l of this.stateListeners) l.group(groupId);
    });
    const loaded = this.groupCoordinator.load();
    if (loaded.groups > 0) this.logger.info(`group coordinator loaded ${loaded.groups} groups and ${loaded.offsets} committed offsets from __consumer_offsets`);
    this.groups = new GroupAdmin(this, this.groupCoordinator);
    this.groupCoordinator.startExpiry(this.brokerConfig.get<number>('offsets.retention.check.interval.ms'));
    this.transactionTopic = new ClusterTransactionTopic(this);
    this.transactionCoordinator = new TransactionCoordinator(
      this.transactionTopic,
      { writeMarkers: (m) => this.writeTxnMarkers(m) },
      () => producerIdManagerOf(this.metadata).generateProducerId(),
      { maxTimeoutMs: this.brokerConfig.get<number>('transaction.max.timeout.ms'), abortTimedOutIntervalMs: this.brokerConfig.get<number>('transaction.abort.timed.out.transaction.cleanup.interval.ms') },
      { logger: this.logger, clock: opts.clock, transactionVersion: () => this.metadata.finalizedFeatures().levels[TRANSACTION_VERSION] ?? 0 },
    );
    const txns = this.transactionCoordinator.load();
    if (txns.transactions > 0) this.logger.info(`transaction coordinator loaded ${txns.transactions} transactional ids from __transaction_state (${txns.completing} decisions being completed)`);
    this.transactionCoordinator.startTimeouts();
  }

  /**
   * Writes a transaction's COMMIT or ABORT markers through each partition's leader with acks=all (what Kafka's
   * WriteTxnMarkers does between brokers; here the nodes share a process). A partition whose topic was deleted
   * needs no marker. Offsets committed in the transaction count once __consumer_offsets has its marker.
   */
  private async writeTxnMarkers(m: { producerId: number; producerEpoch: number; coordinatorEpoch: number; commit: boolean; partitions: TopicPartitionRef[] }): Promise<void> {
    const type = m.commit ? ControlRecordType.Commit : ControlRecordType.Abort;
    await Promise.all(
      m.partitions.map(async (p) => {
        if (!this.metadata.topic(p.topic)?.partitions[p.partition]) return;
        const batch = encodeEndTxnMarkerBatch({ type, producerId: m.producerId, producerEpoch: m.producerEpoch, coordinatorEpoch: m.coordinatorEpoch, timestamp: Date.now() });
        try {
          await this.produce(p.topic, p.partition, batch, -1, 30000, 'coordinator');
        } catch (e) {
          // A partition deleted meanwhile needs no marker, as Kafka drops the markers of partitions that are gone.
          if (this.metadata.topic(p.topic)?.partitions[p.partition]) throw e;
        }
      }),
    );
    if (m.partitions.some((p) => p.topic === OFFSETS_TOPIC)) this.groupCoordinator.completeTxnOffsets(m.producerId, m.commit);
  }

  /** Leader and ISR decisions, the active controller. */
  readonly controller: Controller;
  /** Leader appends with acks, follower fetching, ISR and high watermarks. */
  readonly replicaManager: ReplicaManager;
  private readonly listeners = new Set<ClusterEventListener>();

  on(listener: ClusterEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Takes note of every change of state (see StateChangeListener); the UI's change feed listens. */
  watchState(listener: StateChangeListener): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  private readonly stateListeners = new Set<StateChangeListener>();

  emit(e: ClusterEvent): void {
    // Every cluster event (nodes stopping and starting, elections, controller moves) changes what the nodes show.
    if (e.type !== 'isr-changed' && e.type !== 'fault-changed') for (const l of this.stateListeners) l.nodes();
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        this.logger.error(`cluster event listener failed: ${(err as Error).message}`);
      }
    }
  }

  private openLogManager(id: number): LogManager {
    return new LogManager({
      logDir: path.join(this.opts.dataDir, `node-${id}`),
      nodeId: id,
      clusterId: this.metadata.clusterId,
      topicConfig: (topic) => this.logConfig(topic, id),
      logger: this.logger,
      retentionCheckIntervalMs: this.brokerConfig.get<number>('log.retention.check.interval.ms'),
      checkpointIntervalMs: this.brokerConfig.get<number>('log.flush.offset.checkpoint.interval.ms') || 60000,
      highWatermarkCheckpointIntervalMs: this.brokerConfig.get<number>('replica.high.watermark.checkpoint.interval.ms'),
      logCleanerEnable: this.brokerConfig.get<boolean>('log.cleaner.enable'),
      logCleanerBackoffMs: this.brokerConfig.get<number>('log.cleaner.backoff.ms'),
      logCleanerDedupeBufferSize: this.brokerConfig.get<number>('log.cleaner.dedupe.buffer.size'),
      onOffsetsChanged: (tp) => {
        for (const l of this.stateListeners) l.partitionOffsets(tp.topic, tp.partition);
      },
    });
  }

  isNodeUp(id: number): boolean {
    return this.nodes.some((n) => n.id === id && n.up);
  }

  /**
   * Stops a node as a crash or shutdown would look to the others: its logs are closed (cleanly), it stops
   * fetching, the controller fences it (new leaders with bumped epochs, ISR shrunk), and its listener closes
   * (the server watches for 'node-stopped').
   */
  stopNode(id: number): void {
    const node = this.node(id);
    if (!node.up) return;
    if (this.nodes.filter((n) => n.up).length === 1) throw new KafkaError('INVALID_REQUEST', `node ${id} is the last node up; stop the broker instead`);
    this.replicaManager.stopFetcher(id);
    node.up = false;
    node.logManager.shutdown();
    this.controller.onNodeStopped(id);
    this.logger.info(`node ${id} stopped`);
    this.emit({ type: 'node-stopped', nodeId: id });
  }

  /** Starts a stopped node: it reloads its logs, follows its leaders, catches up and rejoins the ISR. */
  startNode(id: number): void {
    const node = this.node(id);
    if (node.up) return;
    node.logManager = this.openLogManager(id);
    node.up = true;
    this.reconcileLogs(node);
    node.logManager.startup();
    this.controller.onNodeStarted(id);
    this.replicaManager.startFetcher(id);
    this.logger.info(`node ${id} started`);
    this.emit({ type: 'node-started', nodeId: id });
  }

  /**
   * AlterPartitionReassignments (KIP-455): moves each partition named to its target replicas, or cancels its
   * reassignment in progress (replicas null); the answer per partition, as Kafka's controller gives it.
   */
  alterPartitionReassignments(targets: readonly ReassignmentTarget[]): ReassignmentResult[] {
    return this.controller.reassignments.alter(targets);
  }

  /** ListPartitionReassignments: the reassignments in progress, all (null) or among the partitions named. */
  listPartitionReassignments(query: ReadonlyArray<{ topic: string; partitions: readonly number[] }> | null = null): OngoingReassignment[] {
    return this.controller.reassignments.list(query);
  }

  /** Kafka's classic group coordinator, over __consumer_offsets. */
  readonly groupCoordinator: GroupCoordinator;
  /** Describe, lag, reset, delete, rebalance history: the group operations the UI and the command line use. */
  readonly groups: GroupAdmin;
  readonly offsetsTopic: ClusterOffsetsTopic;
  readonly transactionTopic: ClusterTransactionTopic;
  readonly transactionCoordinator: TransactionCoordinator;

  get dataDir(): string {
    return this.opts.dataDir;
  }

  /** The active controller: the lowest-numbered node that is up. */
  get controllerId(): number {
    return this.controller.controllerId;
  }

  partitionState(topic: string, partition: number): PartitionState {
    const p = this.metadata.topic(topic)?.partitions[partition];
    if (!p) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `This server does not host this topic-partition: ${topic}-${partition}`);
    return p;
  }

  partitionLeader(topic: string, partition: number): number {
    return this.partitionState(topic, partition).leader;
  }

  /** Resolves when any of `keys` ("topic-partition") gets new data, after `timeoutMs`, or when `cancel` settles. */
  waitForAppend(keys: readonly string[], timeoutMs: number, cancel?: Promise<unknown>): Promise<void> {
    return this.fetchPurgatory.waitForAppend(keys, timeoutMs, cancel);
  }

  nodeIds(): number[] {
    return this.nodes.map((n) => n.id);
  }

  /**
   * The nodes new replicas may go to: those up, as Kafka's controller places replicas on unfenced brokers only, so
   * that a topic created while a node is stopped has no partition led by it (offline from the start).
   */
  usableNodeIds(): number[] {
    return this.nodes.filter((n) => n.up).map((n) => n.id);
  }

  node(id: number): VirtualNode {
    const n = this.nodes.find((x) => x.id === id);
    if (!n) throw new KafkaError('BROKER_NOT_AVAILABLE', `no node ${id}`);
    return n;
  }

  /**
   * The resolved log config of a topic: its overrides over the broker's defaults, as node `nodeId` has them (its own
   * dynamic configs included), or as the cluster-wide levels have them.
   */
  /** A node's broker.rack, or null when it has none (Metadata and DescribeCluster report it; KIP-392 reads by it). */
  rackOf(nodeId: number): string | null {
    return this.brokerConfig.get<string>('broker.rack', nodeId) ?? null;
  }

  logConfig(topic: string, nodeId?: number): LogConfig {
    const t = this.metadata.topic(topic);
    return this.brokerConfig.logConfig(t ? parseTopicConfigs(t.configs) : new Map(), nodeId);
  }

  /**
   * Replaces the dynamic configs of a node (its id) or the cluster-wide defaults (null), as AlterConfigs on a BROKER
   * resource does: validated, persisted with the cluster metadata, and in effect at once (every log takes its new
   * defaults, as Kafka's DynamicLogConfig.reconfigure does).
   */
  setDynamicBrokerConfigs(nodeId: number | null, configs: Record<string, string>, validateOnly = false): void {
    if (validateOnly) {
      BrokerConfig.parseDynamic(nodeId, configs);
      return;
    }
    // Validated (once) by setDynamic before anything is saved.
    this.brokerConfig.setDynamic(nodeId, configs);
    this.metadata.setDynamicBrokerConfigs(nodeId, configs);
    for (const n of this.nodes) if (n.up) n.logManager.updateAllConfigs();
    this.logger.info(`dynamic broker configs of ${nodeId === null ? 'the cluster default' : `node ${nodeId}`} are now ${JSON.stringify(configs)}`);
  }

  /** The dynamic broker configs saved with the metadata; one that no longer validates is logged and left out. */
  private loadDynamicBrokerConfigs(): void {
    const saved = this.metadata.dynamicBrokerConfigs();
    const levels: Array<[number | null, Record<string, string>]> = [[null, saved.clusterDefault], ...Object.entries(saved.nodes).map(([id, c]): [number, Record<string, string>] => [Number(id), c])];
    for (const [nodeId, configs] of levels) {
      try {
        this.brokerConfig.setDynamic(nodeId, configs);
      } catch (e) {
        this.logger.warn(`dynamic broker configs of ${nodeId === null ? 'the cluster default' : `node ${nodeId}`} are ignored: ${(e as Error).message}`);
      }
    }
  }

  /** Makes a node's directories match the metadata: logs for its replicas, none for deleted topics. */
  private reconcileLogs(node: VirtualNode): void {
    const wanted = new Set<string>();
    for (const t of this.metadata.topics()) {
      for (const p of t.partitions) {
        if (!p.replicas.includes(node.id)) continue;
        wanted.add(`${t.name}-${p.partition}`);
        node.logManager.getOrCreateLog({ topic: t.name, partition: p.partition }, t.topicId);
      }
    }
    for (const log of node.logManager.allLogs()) {
      // Kept, not deleted (Kafka's stray logs): a replaced or restored cluster-metadata.json must not cost data.
      if (!wanted.has(log.name)) node.logManager.retireUnknownLog(log.tp);
    }
  }

  /** Creates the logs of a topic's partitions on the replicas that are up (stopped ones create theirs at start). */
  private createLogs(t: TopicState, first = 0): void {
    for (const p of t.partitions.slice(first)) {
      for (const r of p.replicas) if (this.isNodeUp(r)) this.node(r).logManager.getOrCreateLog({ topic: t.name, partition: p.partition }, t.topicId);
    }
  }

  createTopic(name: string, numPartitions?: number, replicationFactor?: number, configs: Record<string, string> = {}, opts: { internal?: boolean } = {}): TopicState {
    const t = this.metadata.createTopic(
      name,
      numPartitions ?? this.brokerConfig.get<number>('num.partitions'),
      replicationFactor ?? this.brokerConfig.get<number>('default.replication.factor'),
      this.usableNodeIds(),
      configs,
      opts.internal ?? false,
    );
    this.createLogs(t);
    this.logger.info(`created topic ${name} with ${t.partitions.length} partitions, replication factor ${t.partitions[0].replicas.length}`);
    this.emit({ type: 'topic-created', topic: name });
    return t;
  }

  deleteTopic(name: string): void {
    if (!this.brokerConfig.get<boolean>('delete.topic.enable')) throw new KafkaError('TOPIC_DELETION_DISABLED', 'Topic deletion is disabled.');
    const t = this.metadata.deleteTopic(name);
    for (const p of t.partitions) {
      this.replicaManager.forgetPartition(name, p.partition);
      for (const r of p.replicas) if (this.isNodeUp(r)) this.node(r).logManager.deleteLog({ topic: name, partition: p.partition });
    }
    this.logger.info(`deleted topic ${name}`);
    this.emit({ type: 'topic-deleted', topic: name });
  }

  addPartitions(name: string, totalCount: number): TopicState {
    const before = this.metadata.topic(name)?.partitions.length ?? 0;
    const t = this.metadata.addPartitions(name, totalCount, this.usableNodeIds());
    this.createLogs(t, before);
    return t;
  }

  /** CreateTopics with a manual assignment (validated by the caller): partition i on the nodes `assignment[i]`. */
  createTopicWithAssignment(name: string, assignment: number[][], configs: Record<string, string> = {}): TopicState {
    const t = this.metadata.createTopic(name, assignment.length, assignment[0].length, this.nodeIds(), configs);
    this.placeManually(t, 0, assignment);
    this.logger.info(`created topic ${name} with ${t.partitions.length} partitions on the replicas given: ${JSON.stringify(assignment)}`);
    return t;
  }

  /** CreatePartitions with a manual assignment (validated by the caller): new partition n + i on `assignment[i]`. */
  addPartitionsWithAssignment(name: string, assignment: number[][]): TopicState {
    const first = this.metadata.topic(name)?.partitions.length ?? 0;
    const t = this.metadata.addPartitions(name, first + assignment.length, this.nodeIds());
    this.placeManually(t, first, assignment);
    return t;
  }

  /** Puts partitions first.. on the given replicas, each led by its first replica that is up, and creates their logs. */
  private placeManually(t: TopicState, first: number, assignment: number[][]): void {
    const up = new Set(this.nodes.filter((n) => n.up).map((n) => n.id));
    assignment.forEach((replicas, i) => {
      const isr = replicas.filter((r) => up.has(r));
      this.metadata.updatePartition(t.name, first + i, { replicas: [...replicas], leader: isr[0] ?? replicas[0], isr: isr.length > 0 ? isr : [...replicas] });
    });
    this.createLogs(t, first);
  }

  /** Replaces a topic's config overrides and applies them to its logs at once. */
  setTopicConfigs(name: string, configs: Record<string, string>): void {
    this.metadata.setTopicConfigs(name, configs);
    for (const n of this.nodes) if (n.up) n.logManager.updateTopicConfig(name);
  }

  /** The leader's log of a partition. */
  leaderLog(topic: string, partition: number): Log {
    const t = this.metadata.topic(topic);
    const p = t?.partitions[partition];
    if (!t || !p) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `This server does not host this topic-partition: ${topic}-${partition}`);
    if (p.leader < 0) throw new KafkaError('LEADER_NOT_AVAILABLE', `${topic}-${partition} is offline: no in-sync replica is up`);
    const node = this.node(p.leader);
    if (!node.up) throw new KafkaError('LEADER_NOT_AVAILABLE', `the leader of ${topic}-${partition} (node ${p.leader}) is down`);
    const log = node.logManager.getLog({ topic, partition });
    if (!log) throw new KafkaError('KAFKA_STORAGE_ERROR', `node ${p.leader} has no log for ${topic}-${partition}`);
    return log;
  }

  /** Appends to the partition's leader and returns once it is written there (acks=1). */
  append(topic: string, partition: number, records: Buffer): LogAppendInfo {
    return this.replicaManager.appendLocal(topic, partition, records);
  }

  /** The Produce path: acks 0 and 1 return after the leader's write, acks=all once the ISR has the records. */
  produce(topic: string, partition: number, records: Buffer, acks: number, timeoutMs: number, origin: AppendOrigin = 'client'): Promise<LogAppendInfo> {
    return this.replicaManager.appendRecords(topic, partition, records, acks, timeoutMs, origin);
  }

  read(topic: string, partition: number, offset: number, maxBytes: number, isolation: FetchIsolation = 'highWatermark'): FetchDataInfo {
    return this.leaderLog(topic, partition).read(offset, maxBytes, isolation);
  }

  shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    this.controller.reassignments.stop();
    this.groupCoordinator.shutdown();
    this.transactionCoordinator.shutdown();
    this.replicaManager.shutdown();
    for (const n of this.nodes) if (n.up) n.logManager.shutdown();
    this.unlockDataDir();
    this.logger.info('cluster shut down cleanly');
  }
}
