/**
 * The broker's one typed API: what the extension host, the command line, webviews and tests ask of an embedded
 * cluster. Everything going in and out is plain data that survives JSON (and so a worker's postMessage and a
 * webview's): numbers, strings, arrays, objects; bytes travel as base64 (`Bytes`). Names follow Kafka's vocabulary
 * (high watermark, log start offset, ISR, committed offset, lag...).
 *
 * Implemented in-process by BrokerService (src/service/broker-service.ts) and over the worker RPC by EmbeddedCluster
 * (src/clusters/embedded-cluster.ts); both raise the same BrokerEvents.
 */
import type { StoredClientQuota } from './quota/client-quota-entity';
import type { ClientQuotaUsage } from './quota/client-quota-manager';
import type { GroupDescription, GroupMemberView, GroupOffsetView, ResetPlanRow, ResetTarget } from './coordinator/group/group-admin';
import type { GroupState, GroupType } from './coordinator/group/group-admin';
import type { RebalanceRecord } from './coordinator/group/rebalance-journal';
import type { NullKeyStrategy } from './partitioner';
import type { AclBinding, AclBindingFilter } from './security/acl-binding';

export type { AclBinding, AclBindingFilter };

export type { GroupDescription, GroupMemberView, GroupOffsetView, ResetPlanRow, ResetTarget, GroupState, GroupType, RebalanceRecord };

// ---------------------------------------------------------------------------------------------------------------
// Bytes

/** Bytes as base64, so a record's key or value stays JSON. */
interface Bytes {
  base64: string;
}

/** What a caller may give for bytes: a string is taken as UTF-8 text, `{ base64 }` as raw bytes. */
export type BytesInput = string | Bytes;

/** Request versions as people read them: "v0-3" for a run, else "v0, v2" (`sep` between them). */
export function formatVersions(vs: readonly number[], sep = ', '): string {
  return vs.length > 1 && vs[vs.length - 1] - vs[0] === vs.length - 1 ? `v${vs[0]}-${vs[vs.length - 1]}` : vs.map((v) => `v${v}`).join(sep);
}

export function bytesFromBuffer(b: Uint8Array): Bytes {
  return { base64: Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64') };
}

export function bytesFromText(text: string): Bytes {
  return { base64: Buffer.from(text, 'utf8').toString('base64') };
}

export function bytesToBuffer(b: BytesInput): Buffer {
  return typeof b === 'string' ? Buffer.from(b, 'utf8') : Buffer.from(b.base64, 'base64');
}

/** The bytes as UTF-8 text (invalid sequences become U+FFFD, as a UI would show them). */
export function bytesToText(b: Bytes): string {
  return Buffer.from(b.base64, 'base64').toString('utf8');
}

// ---------------------------------------------------------------------------------------------------------------
// Cluster and nodes

export interface NodeStatus {
  id: number;
  host: string;
  /** The port the node listens on; null while it is down. */
  port: number | null;
  /** The node's own port, also while it is down (it listens there again when started); null before it ever listened. */
  homePort?: number | null;
  up: boolean;
  isController: boolean;
  /** Partitions this node leads. */
  leaderCount: number;
  /** The node's Kafka log directory (<dataDir>/node-<id>). */
  logDir: string;
}

export interface BrokerStatus {
  clusterId: string;
  dataDir: string;
  /** "127.0.0.1:9092,127.0.0.1:9093,..." for every node that listens. */
  bootstrap: string;
  controllerId: number;
  nodes: NodeStatus[];
  /** Set for an external cluster reached over the network: the name of its connection. */
  connection?: string;
  /** What the embedded broker found wrong in its data directory at start and worked around (logs moved aside...). */
  warnings?: string[];
  /** The embedded schema registry's address (http://127.0.0.1:8081), when it runs. */
  schemaRegistryUrl?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Topics

export interface TopicSummary {
  name: string;
  topicId: string;
  partitions: number;
  replicationFactor: number;
  /** Partitions whose ISR is smaller than their replica set. */
  underReplicated: number;
  /** Partitions without a live leader. */
  offline: number;
  internal: boolean;
}

export interface FileInfo {
  name: string;
  /** Absolute path. */
  path: string;
  size: number;
}

/** One log segment: the files named by its base offset (.log, .index, .timeindex, .snapshot, .txnindex...). */
export interface SegmentInfo {
  baseOffset: number;
  /** Size of the .log file in bytes. */
  size: number;
  files: FileInfo[];
}

export interface PartitionDescription {
  partition: number;
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  /** Offsets of the leader's log; -1 where they are not known (a directory read without a broker). */
  logStartOffset: number;
  highWatermark: number;
  /**
   * What read_committed consumers can read up to: below the first transaction still open (or whose marker is not
   * replicated yet). Equal to the high watermark without transactions; absent where it is not known.
   */
  lastStableOffset?: number;
  logEndOffset: number;
  /** Bytes in the leader's log. */
  size: number;
  /** While a reassignment is in progress: the replicas it adds and those it removes (KIP-455). */
  addingReplicas?: number[];
  removingReplicas?: number[];
  /** The directory the figures come from: the leader's partition directory. */
  dir: string;
  segments: SegmentInfo[];
  /** Files of the partition directory that belong to no segment (leader-epoch-checkpoint, partition.metadata). */
  otherFiles: FileInfo[];
}

export interface TopicDescription {
  name: string;
  topicId: string;
  internal: boolean;
  /** Config overrides only; getTopicConfigs gives every config with its source. */
  configs: Record<string, string>;
  partitions: PartitionDescription[];
}

export interface CreateTopicRequest {
  name: string;
  /** Defaults to the broker's num.partitions. */
  partitions?: number;
  /** Defaults to the broker's default.replication.factor. */
  replicationFactor?: number;
  configs?: Record<string, string>;
}

/** Where a topic config's value comes from, in Kafka's DescribeConfigs words. */
export type ConfigSourceName = 'DYNAMIC_TOPIC_CONFIG' | 'STATIC_BROKER_CONFIG' | 'DEFAULT_CONFIG';

export interface TopicConfigEntry {
  name: string;
  value: string | null;
  /** The value the topic would have without its override (the broker's setting, else Kafka's default). */
  default: string | null;
  source: ConfigSourceName;
  type: string;
  documentation: string;
  /** Kafka's allowed values, when the config has a fixed set (cleanup.policy, compression.type...). */
  validValues?: string[];
  /** DescribeConfigs' readOnly: the cluster does not let clients change this config (absent: it does). */
  readOnly?: boolean;
}

// ---------------------------------------------------------------------------------------------------------------
// Producing and consuming

interface ProduceHeader {
  key: string;
  value: BytesInput | null;
}

export interface ProduceRecord {
  key?: BytesInput | null;
  value?: BytesInput | null;
  headers?: ProduceHeader[];
  /** An explicit partition; otherwise Kafka's default partitioner chooses (murmur2 of the key, or sticky). */
  partition?: number;
  /** CreateTime in ms; defaults to now. */
  timestamp?: number;
}

export type CompressionName = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

export interface ProduceRequest {
  topic: string;
  records: ProduceRecord[];
  compression?: CompressionName;
  /** For records without a key or partition: one partition per request ('sticky', the default) or per record. */
  nullKeyStrategy?: NullKeyStrategy;
  /**
   * Kafka's acks: 'all' (the Java producer's default since Kafka 3.0) answers once every in-sync replica has the
   * records, so a consume right after sees them; 1 once the leader has written them; 0 likewise, without waiting
   * for anything else. Default 'all'.
   */
  acks?: 'all' | 1 | 0;
  /** How long acks 'all' may wait for the in-sync replicas (Kafka's request.timeout.ms); default 30 s. */
  timeoutMs?: number;
}

export interface ProducedRecord {
  partition: number;
  offset: number;
  /** The record's timestamp as stored: its CreateTime, or the broker's append time for LogAppendTime topics. */
  timestamp: number;
}

export interface ProduceResult {
  topic: string;
  /** One entry per record, in the order given. */
  records: ProducedRecord[];
}

/** Where a consume starts, as ListOffsets and kafka-console-consumer name it. */
export type OffsetSpec =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'offset'; offset: number }
  /** The first record whose timestamp is at or after this (ms). */
  | { kind: 'timestamp'; timestamp: number }
  /** The last `count` offsets before the high watermark ("tail"). */
  | { kind: 'fromEnd'; count: number };

export interface ConsumeRequest {
  topic: string;
  partition: number;
  from: OffsetSpec;
  /** Default 100, at most 10,000. */
  maxRecords?: number;
  /** Bytes read from the log per step; default 1 MiB. */
  maxBytes?: number;
}

interface ConsumedHeader {
  key: string;
  value: Bytes | null;
}

export interface ConsumedRecord {
  partition: number;
  offset: number;
  timestamp: number;
  timestampType: 'CreateTime' | 'LogAppendTime';
  key: Bytes | null;
  value: Bytes | null;
  headers: ConsumedHeader[];
  /** Bytes the record takes inside its batch. */
  size: number;
  leaderEpoch: number;
}

export interface ConsumeResult {
  topic: string;
  partition: number;
  /** The offset `from` resolved to. */
  startOffset: number;
  /** Where the next consume should start. */
  nextOffset: number;
  logStartOffset: number;
  highWatermark: number;
  logEndOffset: number;
  records: ConsumedRecord[];
}

// ---------------------------------------------------------------------------------------------------------------
// Consumer groups

export interface GroupSummary {
  groupId: string;
  /** classic (JoinGroup/SyncGroup) or consumer (KIP-848, ConsumerGroupHeartbeat). */
  type: GroupType;
  state: GroupState;
  /** Consumer protocol groups: the group epoch and the epoch of the target assignment. */
  groupEpoch?: number;
  assignmentEpoch?: number;
  protocolType: string | null;
  /** The assignor the members agreed on (range, cooperative-sticky...). */
  protocol: string | null;
  members: number;
  coordinator: number;
  /** Sum of the partitions' lag; those without a committed offset count from their log start (GroupOffsetView). */
  totalLag: number;
  /** Partitions the group owns or committed that have no committed offset. */
  uncommitted: number;
  /** Topics the group has committed offsets for or is assigned. */
  topics: string[];
}

export interface ResetOffsetsRequest {
  groupId: string;
  topic: string;
  to: ResetTarget;
  /** Defaults to every partition of the topic. */
  partitions?: number[];
}

// ---------------------------------------------------------------------------------------------------------------
// Events

export interface PartitionOffsets {
  topic: string;
  partition: number;
  logStartOffset: number;
  highWatermark: number;
  logEndOffset: number;
}

export type LogLevel = 'info' | 'warn' | 'error' | 'debug';

/**
 * What the broker tells its users without being asked. Changes are noticed from every path (this API, Kafka clients,
 * retention, replication) and coalesced, so a burst of produce requests becomes one `partitionsAppended`.
 */
export type BrokerEvent =
  | { type: 'topicCreated'; topic: string; partitions: number }
  | { type: 'topicDeleted'; topic: string }
  /** Partitions added, leaders or ISR moved, or config overrides changed. */
  | { type: 'topicChanged'; topic: string; partitions: number }
  /** Offsets that moved since the last event: appends, retention or DeleteRecords, truncation. */
  | { type: 'partitionsAppended'; partitions: PartitionOffsets[] }
  /** A group's state, generation, membership or committed offsets changed; `state` null: the group is gone. */
  | { type: 'groupChanged'; groupId: string; state: GroupState | null; generation: number; members: number }
  /**
   * A node went up or down, gained or lost the controller role, or led a different number of partitions.
   * (Stopping and starting nodes is the replication work's; this event already carries what it changes.)
   */
  | { type: 'nodeChanged'; node: NodeStatus }
  /** A partition got a new leader (a node stopped, an election); `unclean` when records may have been lost. */
  | { type: 'leaderElected'; topic: string; partition: number; leader: number; previousLeader: number; leaderEpoch: number; reason: string; unclean: boolean; time: number }
  | { type: 'isrChanged'; topic: string; partition: number; isr: number[]; reason: string; time: number }
  | { type: 'controllerChanged'; from: number; to: number; time: number }
  | { type: 'faultsChanged'; faults: FaultState }
  /** ACLs were added or removed (through the API or any client's CreateAcls/DeleteAcls). */
  | { type: 'aclsChanged' }
  /** Client quotas were set or removed (AlterClientQuotas). */
  | { type: 'quotasChanged' }
  | { type: 'log'; level: LogLevel; message: string; time: number };

// ---------------------------------------------------------------------------------------------------------------
// Start failures

type StartFailureReason =
  /** No port free at or after the one asked for (or not allowed to bind it). */
  | 'portInUse'
  /** Another broker process holds the data directory's lock. */
  | 'directoryLocked'
  /** A file the broker must read is unreadable: cluster-metadata.json, meta.properties, a checkpoint. */
  | 'corruptData'
  /** A broker or topic config the settings gave is unknown or out of range. */
  | 'badConfig'
  /** The data directory cannot be created or written. */
  | 'permissionDenied'
  /** The worker thread did not load or died before the broker was up. */
  | 'workerCrashed'
  | 'timeout'
  | 'unknown';

export interface StartFailure {
  reason: StartFailureReason;
  /** One sentence for the user. */
  message: string;
  dataDir: string;
  /** portInUse: the port asked for. */
  port?: number;
  /** directoryLocked: the process holding the lock, and who it is when its lock says so. */
  pid?: number;
  owner?: string;
  /** corruptData, permissionDenied, directoryLocked: the file or directory at fault. */
  path?: string;
  /** The original error, with its stack, for the log. */
  detail?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// The API

export interface BrokerApi {
  status(): Promise<BrokerStatus>;

  listTopics(): Promise<TopicSummary[]>;
  describeTopic(topic: string): Promise<TopicDescription>;
  createTopic(request: CreateTopicRequest): Promise<TopicSummary>;
  deleteTopic(topic: string): Promise<void>;
  /** Grows the topic to `totalCount` partitions (Kafka's CreatePartitions). */
  addPartitions(topic: string, totalCount: number): Promise<TopicSummary>;
  getTopicConfigs(topic: string): Promise<TopicConfigEntry[]>;
  /**
   * Changes overrides like IncrementalAlterConfigs: a string sets the override, null removes it (back to the
   * default); configs not named keep their overrides. Returns every config afterwards.
   */
  setTopicConfigs(topic: string, changes: Record<string, string | null>): Promise<TopicConfigEntry[]>;

  produce(request: ProduceRequest): Promise<ProduceResult>;
  consume(request: ConsumeRequest): Promise<ConsumeResult>;

  listGroups(): Promise<GroupSummary[]>;
  describeGroup(groupId: string): Promise<GroupDescription>;
  /** What resetOffsets would commit (kafka-consumer-groups --reset-offsets --dry-run). */
  planReset(request: ResetOffsetsRequest): Promise<ResetPlanRow[]>;
  /** Commits a reset; refused with NON_EMPTY_GROUP while the group has members. */
  resetOffsets(request: ResetOffsetsRequest): Promise<ResetPlanRow[]>;
  deleteGroup(groupId: string): Promise<void>;
  rebalanceHistory(groupId: string): Promise<RebalanceRecord[]>;

  /** Every partition's replicas as the leader sees them: the cluster view's partition x node matrix. */
  replication(): Promise<ReplicationView>;
  /** The leader elections since the broker started, oldest first (bounded). */
  electionHistory(): Promise<ElectionRecord[]>;
  /** Stops a node as a crash would look to the others: listener and logs closed, leaders re-elected, ISR shrunk. */
  stopNode(nodeId: number): Promise<void>;
  /** Starts a stopped node: it reloads its logs, catches up and rejoins the ISR. */
  startNode(nodeId: number): Promise<void>;
  /** Injects or removes a fault between nodes (pause or slow a follower, cut or heal a link). */
  setFault(fault: FaultChange): Promise<FaultState>;
  /** ElectLeaders: preferred (give partitions back to their first replica) or unclean. */
  electLeaders(type: 'preferred' | 'unclean', partitions?: Array<{ topic: string; partition: number }>): Promise<ElectionResult[]>;

  /** The clients that connected, with the request versions they used and those Kafka 4.0 refuses (upgrade check). */
  connectedClients(): Promise<ClientView[]>;

  /** The ACLs a filter selects (DescribeAcls); SECURITY_DISABLED when the cluster has no authorizer. */
  describeAcls(filter: AclBindingFilter): Promise<AclBinding[]>;
  /** CreateAcls: all or nothing here, the first invalid binding refused with INVALID_REQUEST and its reason. */
  createAcls(bindings: AclBinding[]): Promise<void>;
  /** DeleteAcls: the ACLs the filters matched, now gone. */
  deleteAcls(filters: AclBindingFilter[]): Promise<AclBinding[]>;

  /** The client quotas set (DescribeClientQuotas) and, where the broker is ours, each quota's rate and throttling. */
  clientQuotas(): Promise<ClientQuotasView>;
  /** The transactional ids the transaction coordinators know, with their open transaction if any. */
  listTransactions(): Promise<TransactionView[]>;
  /**
   * Aborts a transactional id's open transaction as its timeout would (Kafka's abortTimedOutTransactions): the producer
   * epoch is bumped, so the producer is fenced, and abort markers go to its partitions. INVALID_TXN_STATE when none is
   * open.
   */
  abortTransaction(transactionalId: string): Promise<void>;
  /**
   * AlterPartitionReassignments for one partition: moves it to `replicas` (the first the preferred leader), or, with
   * null, cancels the reassignment in progress. Resolves once it is under way; the replicas change as they catch up.
   */
  reassignPartition(topic: string, partition: number, replicas: number[] | null): Promise<void>;
}

/** A quota entity (user, client-id, both, or ip; null names the type's default) and its values. */
export type ClientQuotaEntry = StoredClientQuota;

/** One quota's measured use on one node: the clients that share the quota share this rate. */
export type ClientQuotaUsageView = ClientQuotaUsage & { nodeId: number };

export interface ClientQuotasView {
  quotas: ClientQuotaEntry[];
  /** Empty where the broker is not ours to measure (an external cluster). */
  usage: ClientQuotaUsageView[];
}

export interface TransactionView {
  transactionalId: string;
  /** Kafka's TransactionState: Empty, Ongoing, PrepareCommit, PrepareAbort, CompleteCommit, CompleteAbort, Dead. */
  state: string;
  producerId: number;
  producerEpoch: number;
  timeoutMs: number;
  /** When the open transaction began; -1 when none is open. */
  startTimestamp: number;
  lastUpdateTimestamp: number;
  partitions: Array<{ topic: string; partition: number }>;
  /** The node whose transaction coordinator holds the id. */
  coordinator: number;
}

export interface ClientApiUse {
  api: string;
  apiKey: number;
  versions: number[];
}

/** A request version Kafka 4.0 refuses (KIP-896), and the lowest it serves. */
export interface Kafka4Problem {
  api: string;
  version: number;
  kafka4Min: number;
}

export interface ClientView {
  clientId: string;
  /** ApiVersions v3+ (KIP-511); null for older clients, which do not say. */
  softwareName: string | null;
  softwareVersion: string | null;
  /** The client's address (one client, several connections). */
  host: string;
  connections: number;
  openConnections: number;
  firstSeen: number;
  lastSeen: number;
  requests: number;
  apis: ClientApiUse[];
  kafka4: Kafka4Problem[];
}

export type FaultChange =
  | { kind: 'pauseFollower'; node: number }
  | { kind: 'resumeFollower'; node: number }
  /** delayMs 0 removes the delay. */
  | { kind: 'slowFollower'; node: number; delayMs: number }
  | { kind: 'cutLink'; a: number; b: number }
  | { kind: 'healLink'; a: number; b: number }
  | { kind: 'clear' };

export interface FaultState {
  /** "a-b" pairs of nodes that cannot replicate between each other. */
  cutLinks: string[];
  paused: number[];
  slow: Array<{ node: number; delayMs: number }>;
}

interface ReplicaView {
  node: number;
  up: boolean;
  inSync: boolean;
  isLeader: boolean;
  /** The replica's log end offset, as its own log says (-1 when its node is down). */
  logEndOffset: number;
  /** What the leader knows of it: the offset of its last fetch. */
  lastCaughtUpMsAgo: number | null;
}

interface PartitionReplication {
  topic: string;
  partition: number;
  leader: number;
  leaderEpoch: number;
  highWatermark: number;
  underReplicated: boolean;
  offline: boolean;
  replicas: ReplicaView[];
}

export interface ReplicationView {
  controllerId: number;
  nodes: Array<{ id: number; up: boolean }>;
  faults: FaultState;
  partitions: PartitionReplication[];
}

export interface ElectionResult {
  topic: string;
  partition: number;
  /** null when the election happened; else Kafka's error name (ELECTION_NOT_NEEDED, PREFERRED_LEADER_NOT_AVAILABLE...). */
  error: string | null;
  leader: number;
}

export type { ElectionRecord } from './replication/controller';
import type { ElectionRecord } from './replication/controller';

export type BrokerMethod = keyof BrokerApi;

/** The read-only part of the API that the sidebar needs; a data directory read without a broker provides it too. */
export type ClusterReader = Pick<BrokerApi, 'status' | 'listTopics' | 'describeTopic' | 'listGroups' | 'describeGroup'>;

/** Something that raises BrokerEvents. */
export interface BrokerEventSource {
  onEvent(listener: (event: BrokerEvent) => void): () => void;
}

/** Options of an embedded broker, whether it runs in this thread or in a worker. */
export interface BrokerServiceOptions {
  dataDir: string;
  /** Virtual nodes; default 3. */
  nodes?: number;
  /** Port of node 0 (node i tries base + i, then the next free one); 0 for any free port. Default 9092. */
  basePort?: number;
  /** Address to bind and advertise; default 127.0.0.1. */
  host?: string;
  /** Broker configs by Kafka name ("log.retention.hours": "1", ...). */
  config?: Record<string, string>;
  /** Broker configs of single nodes, by node id, over `config` (each Kafka broker's own server.properties: "broker.rack", ...). */
  nodeConfig?: Record<number, Record<string, string>>;
  /** Who runs the broker ("tributary start", "VS Code (Tributary extension)"): named to whoever finds the data directory taken. */
  owner?: string;
  /** While changes keep coming, at most one event flush per this many ms carries them all; default 10 ms. */
  eventWindowMs?: number;
  /** Authentication and encryption of every node's listener; default PLAINTEXT (neither). */
  security?: ListenerSecurityOptions;
  /**
   * Start the embedded Confluent-compatible schema registry with the broker (port 8081 unless given, on `host`);
   * absent, none starts. `tributary start` and the extension ask for it unless turned off.
   */
  schemaRegistry?: { port?: number; host?: string };
}

/** Confluent's default, what its serializers' `schema.registry.url` usually names. */
export const DEFAULT_SCHEMA_REGISTRY_PORT = 8081;

/** Kafka's security protocols of a listener: TLS or not, SASL authentication or not. */
export type SecurityProtocol = 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';
export const SECURITY_PROTOCOLS: readonly SecurityProtocol[] = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'];

/** The SASL mechanisms the broker serves (Kafka's `sasl.enabled.mechanisms` values). */
export type SaslMechanismName = 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
export const SASL_MECHANISMS: readonly SaslMechanismName[] = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'];

export interface ListenerSecurityOptions {
  /** Every node listener's protocol (Kafka's listener.security.protocol.map entry); default PLAINTEXT. */
  protocol?: SecurityProtocol;
  /** `sasl.enabled.mechanisms` of a SASL listener; default all of SASL_MECHANISMS. */
  saslMechanisms?: SaslMechanismName[];
  /**
   * Users who may log in with every enabled mechanism (PLAIN as Kafka's JAAS `user_NAME="PASSWORD"` entries, SCRAM
   * as credentials kafka-configs would create). Passwords are hashed and salted at start and not kept.
   */
  users?: Array<{ name: string; password: string }>;
  /**
   * The certificate (chain) and private key of SSL and SASL_SSL listeners, as PEM text; `ca` and `clientAuth` ask
   * clients for certificates (mutual TLS, Kafka's `ssl.client.auth` with a PEM truststore).
   */
  tls?: {
    cert: string;
    key: string;
    /** The CA certificates (PEM, one or more) client certificates must chain to: `ssl.truststore.certificates`. */
    ca?: string;
    /**
     * Kafka's `ssl.client.auth`: `none` (default), `requested` (a client without a certificate connects as
     * User:ANONYMOUS) or `required`; both need `ca`. SSL listeners only: as Kafka ignores the broker-wide setting on
     * SASL_SSL listeners (KIP-684), SASL_SSL clients are not asked for a certificate.
     */
    clientAuth?: SslClientAuth;
  };
}

/** Kafka's `ssl.client.auth` values. */
export type SslClientAuth = 'none' | 'requested' | 'required';
export const SSL_CLIENT_AUTH: readonly SslClientAuth[] = ['none', 'requested', 'required'];
