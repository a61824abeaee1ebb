/**
 * Which broker configs may change while the broker runs, and at which level (Kafka's DynamicBrokerConfig and
 * DynamicConfig.Broker, 3.9): a node's own dynamic configs (AlterConfigs on BROKER resource "<id>") override the
 * cluster-wide dynamic defaults (resource ""), which override the static configuration (--config), which overrides
 * Kafka's defaults. Checks and messages follow Kafka's ConfigAdminManager and DynamicBrokerConfig.validateConfigs.
 */
import { ConfigKey, LONG_MAX } from './config-def';
import { TOPIC_CONFIG_SYNONYMS } from './topic-config';
import { KafkaError } from '../errors';

const INT_MAX = 2147483647;

/**
 * Kafka's dynamic broker configs that Tributary has no key for yet, with their types and defaults, so that they can be
 * set, validated and described (thread pools, connection limits, the log cleaner's buffers, Kerberos login, quotas).
 * Their values are stored and shown; the broker's behaviour does not depend on them.
 */
export const DYNAMIC_ONLY_KEYS: readonly ConfigKey[] = [
  { name: 'background.threads', type: 'int', default: 10, min: 1, doc: 'threads for background tasks (kept for compatibility: Tributary runs in one thread)' },
  { name: 'num.io.threads', type: 'int', default: 8, min: 1, doc: 'request handler threads (kept for compatibility)' },
  { name: 'num.network.threads', type: 'int', default: 3, min: 1, doc: 'network threads (kept for compatibility)' },
  { name: 'num.replica.fetchers', type: 'int', default: 1, doc: 'replica fetcher threads per source node (kept for compatibility)' },
  { name: 'num.recovery.threads.per.data.dir', type: 'int', default: 1, min: 1, doc: 'log recovery threads (kept for compatibility)' },
  { name: 'log.cleaner.threads', type: 'int', default: 1, min: 0, doc: 'log cleaner threads (kept for compatibility)' },
  { name: 'log.cleaner.io.buffer.size', type: 'int', default: 524288, min: 0, doc: 'log cleaner I/O buffer memory' },
  { name: 'log.cleaner.io.buffer.load.factor', type: 'double', default: 0.9, doc: 'log cleaner dedupe buffer load factor' },
  { name: 'log.cleaner.io.max.bytes.per.second', type: 'double', default: Number.MAX_VALUE, doc: 'log cleaner I/O throttle' },
  { name: 'metric.reporters', type: 'list', default: [], doc: 'metrics reporter classes (not used by Tributary)' },
  { name: 'max.connections', type: 'int', default: INT_MAX, min: 0, doc: 'most connections a node accepts' },
  { name: 'max.connections.per.ip', type: 'int', default: INT_MAX, min: 0, doc: 'most connections from one address' },
  { name: 'max.connections.per.ip.overrides', type: 'string', default: '', doc: 'per-address connection limits' },
  { name: 'max.connection.creation.rate', type: 'int', default: INT_MAX, min: 0, doc: 'most new connections per second' },
  { name: 'producer.id.expiration.ms', type: 'int', default: 86400000, min: 1, doc: 'idle time after which a producer id\'s state expires' },
  { name: 'transaction.partition.verification.enable', type: 'boolean', default: true, doc: 'verify transactional partitions before appends (KIP-890)' },
  { name: 'leader.replication.throttled.rate', type: 'long', default: LONG_MAX, min: 0, doc: 'replication throttle on leaders, bytes/s' },
  { name: 'follower.replication.throttled.rate', type: 'long', default: LONG_MAX, min: 0, doc: 'replication throttle on followers, bytes/s' },
  { name: 'replica.alter.log.dirs.io.max.bytes.per.second', type: 'long', default: LONG_MAX, min: 0, doc: 'throttle of moves between log directories, bytes/s' },
  { name: 'sasl.kerberos.service.name', type: 'string', default: null, doc: 'Kerberos principal name of the broker (GSSAPI is not offered by Tributary)' },
  { name: 'sasl.kerberos.kinit.cmd', type: 'string', default: '/usr/bin/kinit', doc: 'Kerberos kinit command' },
  { name: 'sasl.kerberos.ticket.renew.window.factor', type: 'double', default: 0.8, doc: 'Kerberos ticket renewal point' },
  { name: 'sasl.kerberos.ticket.renew.jitter', type: 'double', default: 0.05, doc: 'Kerberos ticket renewal jitter' },
  { name: 'sasl.kerberos.min.time.before.relogin', type: 'long', default: 60000, doc: 'Kerberos login refresh sleep' },
  { name: 'sasl.kerberos.principal.to.local.rules', type: 'list', default: ['DEFAULT'], doc: 'Kerberos principal mapping rules' },
  { name: 'sasl.login.refresh.window.factor', type: 'double', default: 0.8, min: 0.5, max: 1.0, doc: 'login refresh point' },
  { name: 'sasl.login.refresh.window.jitter', type: 'double', default: 0.05, min: 0, max: 0.25, doc: 'login refresh jitter' },
  { name: 'sasl.login.refresh.min.period.seconds', type: 'int', default: 60, min: 0, max: 900, doc: 'shortest login refresh period' },
  { name: 'sasl.login.refresh.buffer.seconds', type: 'int', default: 300, min: 0, max: 3600, doc: 'login refresh buffer' },
];

/** The replication quotas are dynamic configs that Kafka still describes read-only (not in AllDynamicConfigs). */
const QUOTA_CONFIGS = new Set(['leader.replication.throttled.rate', 'follower.replication.throttled.rate', 'replica.alter.log.dirs.io.max.bytes.per.second']);

/** Kafka's dynamic log configs: the primary broker synonym of every topic config (log.retention.ms, not .hours). */
const DYNAMIC_LOG_CONFIGS = new Set(Object.values(TOPIC_CONFIG_SYNONYMS));

const DYNAMIC_OTHER = new Set([
  'log.cleaner.threads', 'log.cleaner.dedupe.buffer.size', 'log.cleaner.io.buffer.load.factor', 'log.cleaner.io.buffer.size',
  'log.cleaner.io.max.bytes.per.second', 'log.cleaner.backoff.ms', 'num.io.threads', 'num.replica.fetchers',
  'num.recovery.threads.per.data.dir', 'background.threads', 'num.network.threads', 'metric.reporters', 'max.connections',
  'max.connections.per.ip', 'max.connections.per.ip.overrides', 'max.connection.creation.rate', 'producer.id.expiration.ms',
  'transaction.partition.verification.enable',
  'sasl.kerberos.service.name', 'sasl.kerberos.kinit.cmd', 'sasl.kerberos.ticket.renew.window.factor', 'sasl.kerberos.ticket.renew.jitter',
  'sasl.kerberos.min.time.before.relogin', 'sasl.kerberos.principal.to.local.rules', 'sasl.login.refresh.window.factor',
  'sasl.login.refresh.window.jitter', 'sasl.login.refresh.min.period.seconds', 'sasl.login.refresh.buffer.seconds',
]);

/** Listener settings, dynamic in Kafka: Tributary's listeners are set up at start (--security-protocol, --tls-*, --sasl-*). */
const LISTENER_CONFIGS = new Set([
  'listeners', 'advertised.listeners', 'listener.security.protocol.map', 'principal.builder.class', 'sasl.enabled.mechanisms',
  'sasl.jaas.config', 'sasl.mechanism.inter.broker.protocol', 'ssl.protocol', 'ssl.provider', 'ssl.cipher.suites', 'ssl.enabled.protocols',
  'ssl.keystore.type', 'ssl.keystore.location', 'ssl.keystore.password', 'ssl.key.password', 'ssl.truststore.type', 'ssl.truststore.location',
  'ssl.truststore.password', 'ssl.keymanager.algorithm', 'ssl.trustmanager.algorithm', 'ssl.endpoint.identification.algorithm',
  'ssl.secure.random.implementation', 'ssl.client.auth', 'ssl.engine.factory.class', 'ssl.keystore.certificate.chain', 'ssl.keystore.key',
  'ssl.truststore.certificates',
]);

/** Kafka's per-broker-only configs among the ones above (security and listeners, less the connection limits). */
const PER_BROKER_ONLY = new Set([
  ...[...LISTENER_CONFIGS],
  ...[...DYNAMIC_OTHER].filter((n) => n.startsWith('sasl.')),
]);

/** Whether Kafka lets `name` change at run time (its AllDynamicConfigs; also answers describe's readOnly). */
export function isDynamicBrokerConfig(name: string): boolean {
  return DYNAMIC_LOG_CONFIGS.has(name) || DYNAMIC_OTHER.has(name) || LISTENER_CONFIGS.has(name);
}

/** Whether AlterConfigs may set `name` on a BROKER resource (DynamicConfig.Broker: the dynamic ones and the quotas). */
function isSettableBrokerConfig(name: string): boolean {
  return isDynamicBrokerConfig(name) || QUOTA_CONFIGS.has(name);
}

/** Scala's rendering of a Set in Kafka's messages. */
function scalaSet(names: readonly string[]): string {
  return `${names.length > 4 ? 'HashSet' : 'Set'}(${names.join(', ')})`;
}

/**
 * Kafka's checks of a BROKER resource's new dynamic configs, before their values are parsed: no static config
 * (INVALID_REQUEST "Cannot update these configs dynamically"), nothing per-broker at the cluster-default level.
 * Names Kafka does not know are custom configs: accepted and stored. `known` says whether a name is a broker config.
 */
export function checkDynamicBrokerConfigNames(names: readonly string[], perBroker: boolean, known: (name: string) => boolean): void {
  const nonDynamic = names.filter((n) => known(n) && !isSettableBrokerConfig(n));
  if (nonDynamic.length > 0) throw new KafkaError('INVALID_REQUEST', `Cannot update these configs dynamically: ${scalaSet(nonDynamic)}`);
  const listener = names.filter((n) => LISTENER_CONFIGS.has(n) || n.startsWith('listener.name.'));
  if (listener.length > 0) {
    throw new KafkaError(
      'INVALID_REQUEST',
      `Tributary cannot change its listeners while it runs: ${scalaSet(listener)}. Restart the broker with --security-protocol, --sasl-* and --tls-* instead.`,
    );
  }
  if (!perBroker) {
    const perBrokerOnly = names.filter((n) => PER_BROKER_ONLY.has(n));
    if (perBrokerOnly.length > 0) throw new KafkaError('INVALID_REQUEST', `Cannot update these configs at default cluster level, broker id must be specified: ${scalaSet(perBrokerOnly)}`);
  }
}
