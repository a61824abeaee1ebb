/**
 * Topic-level configs (Kafka's LogConfig / TopicConfig): names, defaults and ranges as Apache Kafka 3.x has them,
 * and which broker config supplies each default (what DescribeConfigs reports as DEFAULT_CONFIG vs
 * STATIC_BROKER_CONFIG vs DYNAMIC_TOPIC_CONFIG).
 */
import { ConfigDef, ConfigKey, ConfigValue, ConfigError, LONG_MAX } from './config-def';
import { DEFAULT_MESSAGE_FORMAT_VERSION, metadataVersionValidator } from './metadata-version';

const DAY = 24 * 60 * 60 * 1000;

export const TOPIC_CONFIG_KEYS: readonly ConfigKey[] = [
  { name: 'cleanup.policy', type: 'list', default: ['delete'], validValues: ['delete', 'compact'], doc: 'delete old segments, compact by key, or both', importance: 'medium' },
  { name: 'compression.type', type: 'string', default: 'producer', validValues: ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'], doc: 'final compression of the topic data; producer keeps the codec the producer used', importance: 'medium' },
  { name: 'compression.gzip.level', type: 'int', default: -1, validator: (v) => (v === -1 || ((v as number) >= 1 && (v as number) <= 9) ? undefined : 'Value must be between 1 and 9, or -1'), doc: 'gzip level of compression.type=gzip (-1: the codec\'s default)', importance: 'medium' },
  { name: 'compression.lz4.level', type: 'int', default: 9, min: 1, max: 17, doc: 'lz4 level of compression.type=lz4', importance: 'medium' },
  { name: 'compression.zstd.level', type: 'int', default: 3, min: -131072, max: 22, doc: 'zstd level of compression.type=zstd', importance: 'medium' },
  { name: 'delete.retention.ms', type: 'long', default: DAY, min: 0, doc: 'how long tombstones are kept in compacted topics', importance: 'medium' },
  { name: 'file.delete.delay.ms', type: 'long', default: 60000, min: 0, doc: 'time to wait before deleting a file from the filesystem', importance: 'medium' },
  { name: 'flush.messages', type: 'long', default: LONG_MAX, min: 1, doc: 'fsync the log after this many messages', importance: 'medium' },
  { name: 'flush.ms', type: 'long', default: LONG_MAX, min: 0, doc: 'fsync the log after this much time', importance: 'medium' },
  { name: 'follower.replication.throttled.replicas', type: 'list', default: [], doc: 'replicas throttled on the follower side', importance: 'medium' },
  { name: 'index.interval.bytes', type: 'int', default: 4096, min: 0, doc: 'bytes of log between two offset index entries', importance: 'medium' },
  { name: 'leader.replication.throttled.replicas', type: 'list', default: [], doc: 'replicas throttled on the leader side', importance: 'medium' },
  { name: 'local.retention.bytes', type: 'long', default: -2, min: -2, doc: 'tiered storage: local retention size (-2 follows retention.bytes)', importance: 'medium' },
  { name: 'local.retention.ms', type: 'long', default: -2, min: -2, doc: 'tiered storage: local retention time (-2 follows retention.ms)', importance: 'medium' },
  { name: 'max.compaction.lag.ms', type: 'long', default: LONG_MAX, min: 1, doc: 'longest a message may stay uncompacted', importance: 'medium' },
  { name: 'max.message.bytes', type: 'int', default: 1048588, min: 0, doc: 'largest record batch size allowed', importance: 'medium' },
  { name: 'message.downconversion.enable', type: 'boolean', default: true, doc: '[DEPRECATED] whether consumers fetching with Fetch v0-3 (clients older than Kafka 0.11) get the records down-converted to message format v0/v1; false: UNSUPPORTED_VERSION', importance: 'low' },
  { name: 'message.format.version', type: 'string', default: DEFAULT_MESSAGE_FORMAT_VERSION, validator: metadataVersionValidator, doc: '[DEPRECATED] message format of the topic; always taken as 3.0 (record batch v2), as Kafka 3.x does, whatever the value', importance: 'medium' },
  { name: 'message.timestamp.after.max.ms', type: 'long', default: LONG_MAX, min: 0, doc: 'how far a CreateTime timestamp may be ahead of the broker clock', importance: 'medium' },
  { name: 'message.timestamp.before.max.ms', type: 'long', default: LONG_MAX, min: 0, doc: 'how far a CreateTime timestamp may be behind the broker clock', importance: 'medium' },
  { name: 'message.timestamp.difference.max.ms', type: 'long', default: LONG_MAX, min: 0, doc: '[DEPRECATED] the limit of message.timestamp.before.max.ms and message.timestamp.after.max.ms where those are not set', importance: 'medium' },
  { name: 'message.timestamp.type', type: 'string', default: 'CreateTime', validValues: ['CreateTime', 'LogAppendTime'], doc: 'whether the timestamp is the producer\'s or the broker\'s append time', importance: 'medium' },
  { name: 'min.cleanable.dirty.ratio', type: 'double', default: 0.5, min: 0, max: 1, doc: 'dirty share of the log that triggers compaction', importance: 'medium' },
  { name: 'min.compaction.lag.ms', type: 'long', default: 0, min: 0, doc: 'shortest time a message stays uncompacted', importance: 'medium' },
  { name: 'min.insync.replicas', type: 'int', default: 1, min: 1, doc: 'replicas that must acknowledge an acks=all write', importance: 'medium' },
  { name: 'preallocate', type: 'boolean', default: false, doc: 'preallocate segment files (ignored: Tributary never preallocates)', importance: 'medium' },
  { name: 'remote.log.copy.disable', type: 'boolean', default: false, doc: 'tiered storage: stop copying segments to remote storage (not supported by Tributary)', importance: 'medium' },
  { name: 'remote.log.delete.on.disable', type: 'boolean', default: false, doc: 'tiered storage: delete remote data when tiering is turned off (not supported by Tributary)', importance: 'medium' },
  { name: 'remote.storage.enable', type: 'boolean', default: false, doc: 'tiered storage (not supported by Tributary)', importance: 'medium' },
  { name: 'retention.bytes', type: 'long', default: -1, doc: 'largest size of a partition before old segments are deleted; -1 for no limit', importance: 'medium' },
  { name: 'retention.ms', type: 'long', default: 7 * DAY, min: -1, doc: 'how long segments are kept; -1 for no limit', importance: 'medium' },
  { name: 'segment.bytes', type: 'int', default: 1073741824, min: 14, doc: 'segment file size at which a new segment is rolled', importance: 'medium' },
  { name: 'segment.index.bytes', type: 'int', default: 10485760, min: 4, doc: 'largest size of an offset or time index', importance: 'medium' },
  { name: 'segment.jitter.ms', type: 'long', default: 0, min: 0, doc: 'random jitter subtracted from segment.ms', importance: 'medium' },
  { name: 'segment.ms', type: 'long', default: 7 * DAY, min: 1, doc: 'time after which a new segment is rolled', importance: 'medium' },
  { name: 'unclean.leader.election.enable', type: 'boolean', default: false, doc: 'allow an out-of-sync replica to become leader', importance: 'medium' },
];

export const topicConfigDef = new ConfigDef(TOPIC_CONFIG_KEYS);

/** The broker config whose value is each topic config's default (Kafka's "synonyms"). */
export const TOPIC_CONFIG_SYNONYMS: Readonly<Record<string, string>> = {
  'cleanup.policy': 'log.cleanup.policy',
  'compression.type': 'compression.type',
  'compression.gzip.level': 'compression.gzip.level',
  'compression.lz4.level': 'compression.lz4.level',
  'compression.zstd.level': 'compression.zstd.level',
  'delete.retention.ms': 'log.cleaner.delete.retention.ms',
  'file.delete.delay.ms': 'log.segment.delete.delay.ms',
  'flush.messages': 'log.flush.interval.messages',
  'flush.ms': 'log.flush.interval.ms',
  'index.interval.bytes': 'log.index.interval.bytes',
  'max.compaction.lag.ms': 'log.cleaner.max.compaction.lag.ms',
  'max.message.bytes': 'message.max.bytes',
  'message.downconversion.enable': 'log.message.downconversion.enable',
  'message.format.version': 'log.message.format.version',
  'message.timestamp.difference.max.ms': 'log.message.timestamp.difference.max.ms',
  'message.timestamp.after.max.ms': 'log.message.timestamp.after.max.ms',
  'message.timestamp.before.max.ms': 'log.message.timestamp.before.max.ms',
  'message.timestamp.type': 'log.message.timestamp.type',
  'min.cleanable.dirty.ratio': 'log.cleaner.min.cleanable.ratio',
  'min.compaction.lag.ms': 'log.cleaner.min.compaction.lag.ms',
  'min.insync.replicas': 'min.insync.replicas',
  'local.retention.ms': 'log.local.retention.ms',
  'local.retention.bytes': 'log.local.retention.bytes',
  'preallocate': 'log.preallocate',
  'retention.bytes': 'log.retention.bytes',
  'retention.ms': 'log.retention.ms',
  'segment.bytes': 'log.segment.bytes',
  'segment.index.bytes': 'log.index.size.max.bytes',
  'segment.jitter.ms': 'log.roll.jitter.ms',
  'segment.ms': 'log.roll.ms',
  'unclean.leader.election.enable': 'unclean.leader.election.enable',
};

/** The typed view the Log reads on every append; built once per config change. */
export interface LogConfig {
  cleanupPolicy: { delete: boolean; compact: boolean };
  compressionType: string;
  deleteRetentionMs: number;
  fileDeleteDelayMs: number;
  flushMessages: number;
  flushMs: number;
  indexIntervalBytes: number;
  maxCompactionLagMs: number;
  maxMessageBytes: number;
  messageDownconversionEnable: boolean;
  messageTimestampAfterMaxMs: number;
  messageTimestampBeforeMaxMs: number;
  messageTimestampType: 'CreateTime' | 'LogAppendTime';
  minCleanableDirtyRatio: number;
  minCompactionLagMs: number;
  minInsyncReplicas: number;
  retentionBytes: number;
  retentionMs: number;
  segmentBytes: number;
  segmentIndexBytes: number;
  segmentJitterMs: number;
  segmentMs: number;
  uncleanLeaderElectionEnable: boolean;
}

/** Resolved values: topic override, else broker default, else Kafka's default. */
export function buildLogConfig(values: ReadonlyMap<string, ConfigValue>): LogConfig {
  const v = <T extends ConfigValue>(name: string): T => {
    if (values.has(name)) return values.get(name) as T;
    return topicConfigDef.get(name)!.default as T;
  };
  const policy = v<string[]>('cleanup.policy');
  return {
    cleanupPolicy: { delete: policy.includes('delete'), compact: policy.includes('compact') },
    compressionType: v('compression.type'),
    deleteRetentionMs: v('delete.retention.ms'),
    fileDeleteDelayMs: v('file.delete.delay.ms'),
    flushMessages: v('flush.messages'),
    flushMs: v('flush.ms'),
    indexIntervalBytes: v('index.interval.bytes'),
    maxCompactionLagMs: v('max.compaction.lag.ms'),
    maxMessageBytes: v('max.message.bytes'),
    messageDownconversionEnable: v('message.downconversion.enable'),
    // Kafka 3.x: an unset before/after limit (Long.MAX_VALUE) falls back to the deprecated difference limit.
    messageTimestampAfterMaxMs: orDifference(v('message.timestamp.after.max.ms'), v('message.timestamp.difference.max.ms')),
    messageTimestampBeforeMaxMs: orDifference(v('message.timestamp.before.max.ms'), v('message.timestamp.difference.max.ms')),
    messageTimestampType: v('message.timestamp.type'),
    minCleanableDirtyRatio: v('min.cleanable.dirty.ratio'),
    minCompactionLagMs: v('min.compaction.lag.ms'),
    minInsyncReplicas: v('min.insync.replicas'),
    retentionBytes: v('retention.bytes'),
    retentionMs: v('retention.ms'),
    segmentBytes: v('segment.bytes'),
    segmentIndexBytes: v('segment.index.bytes'),
    segmentJitterMs: v('segment.jitter.ms'),
    segmentMs: v('segment.ms'),
    uncleanLeaderElectionEnable: v('unclean.leader.election.enable'),
  };
}

function orDifference(limit: number, difference: number): number {
  return limit >= LONG_MAX ? difference : limit;
}

/** Parses topic overrides given as strings (CreateTopics, AlterConfigs, the persisted metadata). */
export function parseTopicConfigs(overrides: Record<string, string>): Map<string, ConfigValue> {
  const parsed = topicConfigDef.parse(overrides, 'topic config');
  const segmentBytes = parsed.get('segment.bytes');
  if (typeof segmentBytes === 'number' && segmentBytes < 14) throw new ConfigError(`Invalid value ${segmentBytes} for configuration segment.bytes`);
  return parsed;
}

export function defaultLogConfig(overrides: Record<string, string> = {}): LogConfig {
  return buildLogConfig(parseTopicConfigs(overrides));
}
