/**
 * Broker-level configs with Kafka's names and defaults. Topic configs take their defaults from these
 * (see TOPIC_CONFIG_SYNONYMS); `log.retention.hours` and friends resolve as Kafka resolves them.
 */
import { ConfigDef, ConfigKey, ConfigValue, ConfigError, LONG_MAX, parseValue } from './config-def';
import { TOPIC_CONFIG_KEYS, TOPIC_CONFIG_SYNONYMS, buildLogConfig, LogConfig } from './topic-config';
import { DYNAMIC_ONLY_KEYS, checkDynamicBrokerConfigNames } from './dynamic-broker-config';
import { KafkaError } from '../errors';
import { STANDARD_AUTHORIZER_CLASS } from '../security/standard-authorizer';

const HOUR = 60 * 60 * 1000;

/** Kafka's two ReplicaSelector implementations, by the class names a server.properties gives. */
export const RACK_AWARE_REPLICA_SELECTOR = 'org.apache.kafka.common.replica.RackAwareReplicaSelector';
const LEADER_SELECTOR = 'org.apache.kafka.common.replica.LeaderSelector';
const REPLICA_SELECTORS = [RACK_AWARE_REPLICA_SELECTOR, LEADER_SELECTOR];

/**
 * Settings that shape the whole process (its nodes, ports, data directory and internal topics): one value for
 * every node. Everything else may differ per node, as each Kafka broker has its own server.properties.
 */
const PROCESS_WIDE_KEYS = new Set(['node.id', 'log.dirs', 'listeners.base.port', 'listeners.host', 'num.nodes', 'offsets.topic.num.partitions', 'transaction.state.log.num.partitions', 'authorizer.class.name', 'super.users', 'allow.everyone.if.no.acl.found']);

function synonymKey(topicKey: string): ConfigKey {
  const k = TOPIC_CONFIG_KEYS.find((x) => x.name === topicKey)!;
  return { ...k, name: TOPIC_CONFIG_SYNONYMS[topicKey] };
}

const BROKER_CONFIG_KEYS: readonly ConfigKey[] = [
  { name: 'node.id', type: 'int', default: 0, min: 0, doc: 'this node\'s id', readOnly: true },
  { name: 'log.dirs', type: 'string', default: '.tributary', doc: 'the data directory', readOnly: true },
  { name: 'listeners.base.port', type: 'int', default: 9092, min: 0, max: 65535, doc: 'port of node 0; node i listens on base + i (the next free one when taken)', readOnly: true },
  {
    name: 'protocol.versions',
    type: 'string',
    default: '3.9',
    validValues: ['3.9', '4.0'],
    doc: 'the request versions served: 3.9 (what Kafka 3.9 serves, clients back to Kafka 0.8 included) or 4.0 (exactly what Kafka 4.0 serves: the versions KIP-896 removed close the connection, as on Kafka 4), to prove services ready for Kafka 4',
    readOnly: true,
  },
  { name: 'listeners.host', type: 'string', default: '127.0.0.1', doc: 'address the listeners bind and advertise (loopback unless you say otherwise)', readOnly: true },
  { name: 'num.nodes', type: 'int', default: 3, min: 1, max: 9, doc: 'virtual nodes in this process', readOnly: true },
  { name: 'broker.rack', type: 'string', default: null, doc: 'the rack (availability zone) of this node: Metadata and DescribeCluster report it, and the rack-aware replica selector sends a consumer with the same client.rack to it (KIP-392)', readOnly: true },
  {
    name: 'replica.selector.class',
    type: 'string',
    default: null,
    doc: 'which replica a consumer that names its client.rack should read from: unset (or LeaderSelector), the leader; RackAwareReplicaSelector, a replica in the client\'s rack (KIP-392)',
    readOnly: true,
    validator: (v) => (REPLICA_SELECTORS.includes(v as string) ? undefined : `Class ${String(v)} cannot be found (Tributary has ${REPLICA_SELECTORS.join(' and ')})`),
  },
  {
    name: 'authorizer.class.name',
    type: 'string',
    default: '',
    doc: `${STANDARD_AUTHORIZER_CLASS} turns on ACL authorization on every API, as Kafka's KRaft authorizer; empty, everyone may do everything`,
    readOnly: true,
    validator: (v) =>
      v === '' || v === STANDARD_AUTHORIZER_CLASS
        ? undefined
        : v === 'kafka.security.authorizer.AclAuthorizer'
          ? `AclAuthorizer keeps ACLs in ZooKeeper; on KRaft (and in Tributary) the authorizer is ${STANDARD_AUTHORIZER_CLASS}`
          : `Class ${String(v)} cannot be found (Tributary's authorizer is ${STANDARD_AUTHORIZER_CLASS})`,
  },
  { name: 'super.users', type: 'string', default: '', doc: 'principals allowed everything whatever the ACLs say, semicolon-separated (User:admin;User:ops)', readOnly: true },
  { name: 'allow.everyone.if.no.acl.found', type: 'boolean', default: false, doc: 'with the authorizer on: whether an action on a resource no ACL applies to is allowed (Kafka denies it by default)', readOnly: true },
  { name: 'num.partitions', type: 'int', default: 1, min: 1, doc: 'partitions of an auto-created topic' },
  { name: 'default.replication.factor', type: 'int', default: 1, min: 1, doc: 'replication factor of an auto-created topic' },
  { name: 'auto.create.topics.enable', type: 'boolean', default: true, doc: 'create a topic when a client asks for metadata of an unknown one' },
  { name: 'delete.topic.enable', type: 'boolean', default: true, doc: 'allow DeleteTopics' },
  { name: 'log.retention.hours', type: 'int', default: 168, doc: 'retention in hours, used when log.retention.ms and log.retention.minutes are unset' },
  { name: 'log.retention.minutes', type: 'int', default: null, doc: 'retention in minutes, used when log.retention.ms is unset' },
  { name: 'log.roll.hours', type: 'int', default: 168, min: 1, doc: 'segment roll time in hours, used when log.roll.ms is unset' },
  { name: 'log.retention.check.interval.ms', type: 'long', default: 300000, min: 1, doc: 'how often retention is enforced' },
  { name: 'log.flush.offset.checkpoint.interval.ms', type: 'int', default: 60000, min: 0, doc: 'how often recovery points are checkpointed' },
  { name: 'log.flush.start.offset.checkpoint.interval.ms', type: 'int', default: 60000, min: 0, doc: 'how often log start offsets are checkpointed' },
  { name: 'log.flush.scheduler.interval.ms', type: 'long', default: LONG_MAX, doc: 'how often logs are checked for flush.ms' },
  { name: 'log.cleaner.enable', type: 'boolean', default: true, doc: 'run the log cleaner for compacted topics' },
  { name: 'log.cleaner.backoff.ms', type: 'long', default: 15000, min: 0, doc: 'sleep of the cleaner when there is nothing to clean' },
  { name: 'log.cleaner.dedupe.buffer.size', type: 'long', default: 134217728, doc: 'memory for the cleaner\'s key map' },
  { name: 'message.max.bytes', type: 'int', default: 1048588, min: 0, doc: 'largest record batch size allowed' },
  { name: 'socket.request.max.bytes', type: 'int', default: 104857600, min: 1, doc: 'largest request a client may send' },
  { name: 'connections.max.idle.ms', type: 'long', default: 600000, doc: 'idle connections are closed after this' },
  { name: 'connections.max.reauth.ms', type: 'long', default: 0, min: 0, doc: 'how long a SASL session lasts before the client must authenticate again on its connection (KIP-368); 0: forever' },
  { name: 'connection.failed.authentication.delay.ms', type: 'int', default: 100, min: 0, doc: 'how long the answer to a failed SASL authentication is held back before the connection closes (slows password guessing)' },
  { name: 'max.request.partition.size.limit', type: 'int', default: 2000, min: 1, doc: 'most partitions one DescribeTopicPartitions answer holds', readOnly: true },
  { name: 'quota.window.num', type: 'int', default: 11, min: 1, doc: 'how many samples a client quota\'s rate is measured over', readOnly: true },
  { name: 'quota.window.size.seconds', type: 'int', default: 1, min: 1, doc: 'the time span of each sample of a client quota\'s rate', readOnly: true },
  { name: 'max.connection.creation.rate', type: 'int', default: 2147483647, min: 0, doc: 'new connections per second a node\'s listener accepts; above it, new connections wait (KIP-612)' },
  { name: 'replica.high.watermark.checkpoint.interval.ms', type: 'long', default: 5000, min: 1, doc: 'how often high watermarks are checkpointed (what consumers see after a crash)' },
  { name: 'replica.lag.time.max.ms', type: 'long', default: 30000, doc: 'a follower that has not caught up for this long leaves the ISR' },
  { name: 'offsets.topic.num.partitions', type: 'int', default: 50, min: 1, doc: 'partitions of __consumer_offsets', readOnly: true },
  { name: 'offsets.topic.replication.factor', type: 'int', default: 3, min: 1, doc: 'replication factor of __consumer_offsets' },
  { name: 'offsets.retention.minutes', type: 'int', default: 10080, min: 1, doc: 'committed offsets of empty groups expire after this' },
  { name: 'group.initial.rebalance.delay.ms', type: 'int', default: 3000, doc: 'wait for more members before the first rebalance of a new group' },
  { name: 'group.min.session.timeout.ms', type: 'int', default: 6000, doc: 'smallest session timeout a member may ask for' },
  { name: 'group.max.session.timeout.ms', type: 'int', default: 1800000, doc: 'largest session timeout a member may ask for' },
  { name: 'group.max.size', type: 'int', default: 2147483647, min: 1, doc: 'most members in one group' },
  {
    name: 'group.coordinator.rebalance.protocols',
    type: 'list',
    default: ['classic', 'consumer'],
    validValues: ['classic', 'consumer'],
    doc: 'the group protocols served: classic (JoinGroup/SyncGroup) and consumer (KIP-848, ConsumerGroupHeartbeat); classic cannot be left out',
    readOnly: true,
    validator: (v) => ((v as string[]).includes('classic') ? undefined : 'The classic rebalance protocol must be enabled'),
  },
  { name: 'group.consumer.session.timeout.ms', type: 'int', default: 45000, min: 1, doc: 'a consumer protocol member that does not heartbeat for this long is removed from its group', readOnly: true },
  { name: 'group.consumer.min.session.timeout.ms', type: 'int', default: 45000, min: 1, doc: 'smallest group.consumer.session.timeout.ms allowed', readOnly: true },
  { name: 'group.consumer.max.session.timeout.ms', type: 'int', default: 60000, min: 1, doc: 'largest group.consumer.session.timeout.ms allowed', readOnly: true },
  { name: 'group.consumer.heartbeat.interval.ms', type: 'int', default: 5000, min: 1, doc: 'how often consumer protocol members heartbeat (the broker tells them)', readOnly: true },
  { name: 'group.consumer.min.heartbeat.interval.ms', type: 'int', default: 5000, min: 1, doc: 'smallest group.consumer.heartbeat.interval.ms allowed', readOnly: true },
  { name: 'group.consumer.max.heartbeat.interval.ms', type: 'int', default: 15000, min: 1, doc: 'largest group.consumer.heartbeat.interval.ms allowed', readOnly: true },
  { name: 'group.consumer.max.size', type: 'int', default: 2147483647, min: 1, doc: 'most members in one consumer protocol group', readOnly: true },
  {
    name: 'group.consumer.assignors',
    type: 'list',
    default: ['org.apache.kafka.coordinator.group.assignor.UniformAssignor', 'org.apache.kafka.coordinator.group.assignor.RangeAssignor'],
    doc: 'the broker-side assignors of consumer protocol groups (uniform, range; by name or class name), the first the default; a member picks one with group.remote.assignor',
    readOnly: true,
    validator: (v) => {
      // By name, or by the class name of Kafka's own (org.apache.kafka.coordinator.group.assignor.UniformAssignor).
      const unknown = (v as string[]).filter((a) => !/^(uniform|range)$|(^|\.)(Uniform|Range)Assignor$/.test(a.trim()));
      return unknown.length ? `Tributary has the uniform and range assignors, not ${unknown.join(', ')}` : undefined;
    },
  },
  {
    name: 'group.consumer.migration.policy',
    type: 'string',
    default: 'bidirectional',
    validValues: ['disabled', 'downgrade', 'upgrade', 'bidirectional'],
    doc: 'whether a classic group moves to the consumer protocol when a member joins with it (upgrade), and back when the last consumer protocol member leaves (downgrade)',
    readOnly: true,
  },
  { name: 'offsets.retention.check.interval.ms', type: 'long', default: 600000, min: 1, doc: 'how often expired offsets are removed' },
  { name: 'offset.metadata.max.bytes', type: 'int', default: 4096, doc: 'longest metadata string of a committed offset' },
  { name: 'transaction.state.log.num.partitions', type: 'int', default: 50, min: 1, doc: 'partitions of __transaction_state', readOnly: true },
  { name: 'transaction.state.log.replication.factor', type: 'int', default: 3, min: 1, doc: 'replication factor of __transaction_state' },
  { name: 'transaction.state.log.min.isr', type: 'int', default: 2, min: 1, doc: 'min.insync.replicas of __transaction_state' },
  { name: 'transaction.max.timeout.ms', type: 'int', default: 900000, min: 1, doc: 'longest transaction timeout a producer may ask for' },
  { name: 'transaction.abort.timed.out.transaction.cleanup.interval.ms', type: 'int', default: 10000, min: 1, doc: 'how often transactions past their timeout are aborted' },
  // Every topic config's broker-side synonym, with the topic config's type, range and default.
  ...Object.keys(TOPIC_CONFIG_SYNONYMS)
    .map((t) => synonymKey(t))
    .map((k) => (k.name === 'log.retention.ms' || k.name === 'log.roll.ms' ? { ...k, default: null } : k)),
  ...DYNAMIC_ONLY_KEYS,
];

export const brokerConfigDef = new ConfigDef(dedupe(BROKER_CONFIG_KEYS));

function dedupe(keys: readonly ConfigKey[]): ConfigKey[] {
  const seen = new Map<string, ConfigKey>();
  for (const k of keys) if (!seen.has(k.name)) seen.set(k.name, k);
  return [...seen.values()];
}

/** Where a broker config's value in effect comes from, highest precedence first (Kafka's ConfigSource order). */
export type BrokerConfigLevel = 'dynamicNode' | 'dynamicDefault' | 'static';

/**
 * A broker's configuration: each node's dynamic configs over the cluster-wide dynamic defaults over the static
 * settings (a node's own, then the shared --config ones) over Kafka's defaults. Without a node id a lookup sees the
 * cluster-wide levels only.
 */
export class BrokerConfig {
  /** The static settings every node shares, parsed. */
  readonly values: Map<string, ConfigValue>;
  /** Static settings of single nodes (each Kafka broker's own server.properties: broker.rack, ...), parsed. */
  private readonly nodeValues = new Map<number, Map<string, ConfigValue>>();
  private dynamicDefault = new Map<string, ConfigValue>();
  private readonly dynamicNodes = new Map<number, Map<string, ConfigValue>>();
  /** The dynamic configs as given, custom names included (Kafka keeps configs it does not know). */
  private rawDefault: Record<string, string> = {};
  private readonly rawNodes = new Map<number, Record<string, string>>();

  constructor(readonly explicit: Record<string, string> = {}, readonly explicitPerNode: Readonly<Record<number, Record<string, string>>> = {}) {
    this.values = brokerConfigDef.parse(explicit, 'broker config');
    const nodes = this.get<number>('num.nodes');
    for (const [id, configs] of Object.entries(explicitPerNode)) {
      if (!/^\d+$/.test(id) || Number(id) >= nodes) throw new ConfigError(`There is no node ${id} to configure: the nodes are 0 to ${nodes - 1}`);
      const shared = Object.keys(configs).find((n) => PROCESS_WIDE_KEYS.has(n));
      if (shared !== undefined) throw new ConfigError(`${shared} is one setting for every node of the process; it cannot be set for node ${id} alone`);
      this.nodeValues.set(Number(id), brokerConfigDef.parse(configs, `node ${id} config`));
    }
    if (this.values.has('log.retention.ms') && this.values.get('log.retention.ms')! as number < -1) {
      throw new ConfigError('Invalid value for configuration log.retention.ms: Value must be at least -1');
    }
  }

  get<T extends ConfigValue>(name: string, nodeId?: number): T {
    const v = this.explicitValue(name, nodeId);
    if (v !== undefined) return v as T;
    const d = this.derived(name, nodeId);
    if (d !== undefined) return d as T;
    const key = brokerConfigDef.get(name);
    if (!key) throw new ConfigError(`Unknown broker config name: ${name}`);
    return key.default as T;
  }

  /** Whether the static configuration sets `name` (for every node, or for node `nodeId`). */
  isExplicit(name: string, nodeId?: number): boolean {
    return this.values.has(name) || (nodeId !== undefined && this.nodeValues.get(nodeId)?.has(name) === true);
  }

  /** The value `name` has at one level, if that level sets it. */
  valueAt(level: BrokerConfigLevel, name: string, nodeId?: number): ConfigValue | undefined {
    if (level === 'static') return (nodeId === undefined ? undefined : this.nodeValues.get(nodeId)?.get(name)) ?? this.values.get(name);
    if (level === 'dynamicDefault') return this.dynamicDefault.get(name);
    return nodeId === undefined ? undefined : this.dynamicNodes.get(nodeId)?.get(name);
  }

  /** The dynamic configs of a node (a node id) or the cluster-wide defaults (null), as given. */
  dynamicConfigs(nodeId: number | null): Record<string, string> {
    return { ...(nodeId === null ? this.rawDefault : this.rawNodes.get(nodeId) ?? {}) };
  }

  /**
   * Validates a level's complete new set of dynamic configs as Kafka does (no static config, nothing per-broker at
   * the default level, every known value parsed) and returns it parsed; INVALID_REQUEST on any failure, as Kafka's
   * ConfigAdminManager answers.
   */
  static parseDynamic(nodeId: number | null, configs: Record<string, string>): Map<string, ConfigValue> {
    checkDynamicBrokerConfigNames(Object.keys(configs), nodeId !== null, (n) => brokerConfigDef.get(n) !== undefined);
    const parsed = new Map<string, ConfigValue>();
    try {
      for (const [name, raw] of Object.entries(configs)) {
        const key = brokerConfigDef.get(name);
        if (key) parsed.set(name, parseValue(key, raw));
      }
    } catch (e) {
      throw new KafkaError('INVALID_REQUEST', (e as Error).message);
    }
    return parsed;
  }

  /** Replaces the dynamic configs of a node or of the cluster-wide default level (validated by parseDynamic). */
  setDynamic(nodeId: number | null, configs: Record<string, string>): void {
    const parsed = BrokerConfig.parseDynamic(nodeId, configs);
    if (nodeId === null) {
      this.dynamicDefault = parsed;
      this.rawDefault = { ...configs };
    } else {
      this.dynamicNodes.set(nodeId, parsed);
      this.rawNodes.set(nodeId, { ...configs });
    }
  }

  /** The value set for `name` at the highest level that sets it, if any. */
  private explicitValue(name: string, nodeId?: number): ConfigValue | undefined {
    return this.valueAt('dynamicNode', name, nodeId) ?? this.valueAt('dynamicDefault', name) ?? this.valueAt('static', name, nodeId);
  }

  /** log.retention.ms and log.roll.ms fall back to their minutes/hours forms as in Kafka's KafkaConfig. */
  private derived(name: string, nodeId?: number): ConfigValue | undefined {
    if (name === 'log.retention.ms') {
      const minutes = this.explicitValue('log.retention.minutes', nodeId) as number | undefined;
      if (minutes !== undefined) return minutes * 60000;
      return this.get<number>('log.retention.hours', nodeId) * HOUR;
    }
    if (name === 'log.roll.ms') return this.get<number>('log.roll.hours', nodeId) * HOUR;
    return undefined;
  }

  /** Topic defaults as this broker (a node, or the cluster-wide levels) sets them; topic overrides go on top. */
  topicDefaults(nodeId?: number): Map<string, ConfigValue> {
    const m = new Map<string, ConfigValue>();
    for (const [topicKey, brokerKey] of Object.entries(TOPIC_CONFIG_SYNONYMS)) {
      if (this.explicitValue(brokerKey, nodeId) !== undefined || this.derived(brokerKey, nodeId) !== undefined) m.set(topicKey, this.get(brokerKey, nodeId));
    }
    return m;
  }

  logConfig(topicOverrides: ReadonlyMap<string, ConfigValue> = new Map(), nodeId?: number): LogConfig {
    const m = this.topicDefaults(nodeId);
    for (const [k, v] of topicOverrides) m.set(k, v);
    return buildLogConfig(m);
  }
}
