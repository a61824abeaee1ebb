/**
 * The Cluster's state in the API's shapes (src/broker/api.ts): plain data, copied out, so nothing a caller keeps
 * can change broker state or see it change later.
 */
import * as path from 'node:path';
import type { Cluster } from './cluster';
import type { TopicState } from './metadata/metadata-store';
import type { BrokerStatus, ConfigSourceName, GroupSummary, NodeStatus, PartitionDescription, TopicConfigEntry, TopicDescription, TopicSummary } from './api';
import { KafkaError } from './errors';
import { partitionDirName } from './storage/log-files';
import { listPartitionFiles } from './partition-files';
import { topicConfigDef } from './config/topic-config';
import { ConfigSource, topicConfigEntries } from './config/config-entries';
import { OFFSETS_TOPIC } from './coordinator/group/offsets-topic';

function isLeaderLive(cluster: Cluster, leader: number): boolean {
  return cluster.nodes.some((n) => n.id === leader && n.up);
}

/** Partitions led by each live node, counted in one pass over the metadata. */
function leaderCounts(cluster: Cluster): Map<number, number> {
  const counts = new Map<number, number>();
  for (const t of cluster.metadata.topics()) for (const p of t.partitions) counts.set(p.leader, (counts.get(p.leader) ?? 0) + 1);
  return counts;
}

/**
 * The Kafka listeners as the views report them: the protocol server implements it, and the broker below it does not
 * import the server.
 */
export interface ListenerDirectory {
  readonly host: string;
  listeners(): ReadonlyArray<{ nodeId: number; host: string; port: number }>;
  homePortOf(nodeId: number): number | null;
  bootstrap(): string;
}

export function nodeStatuses(cluster: Cluster, server: ListenerDirectory | undefined): NodeStatus[] {
  const ports = new Map((server?.listeners() ?? []).map((l) => [l.nodeId, l]));
  const counts = leaderCounts(cluster);
  const controller = cluster.controllerId;
  const host = server?.host ?? cluster.brokerConfig.get<string>('listeners.host');
  return cluster.nodes.map((n) => ({
    id: n.id,
    host: ports.get(n.id)?.host ?? host,
    port: n.up ? ports.get(n.id)?.port ?? null : null,
    homePort: server?.homePortOf(n.id) ?? null,
    up: n.up,
    isController: n.id === controller,
    leaderCount: n.up ? counts.get(n.id) ?? 0 : 0,
    logDir: n.logManager.logDir,
  }));
}

export function brokerStatus(cluster: Cluster, server: ListenerDirectory | undefined): BrokerStatus {
  return {
    clusterId: cluster.metadata.clusterId,
    dataDir: cluster.dataDir,
    bootstrap: server?.bootstrap() ?? '',
    controllerId: cluster.controllerId,
    nodes: nodeStatuses(cluster, server),
    warnings: cluster.nodes.flatMap((n) => n.logManager.warnings),
  };
}

export function topicSummary(cluster: Cluster, t: TopicState): TopicSummary {
  let underReplicated = 0;
  let offline = 0;
  for (const p of t.partitions) {
    if (p.isr.length < p.replicas.length) underReplicated++;
    if (!isLeaderLive(cluster, p.leader)) offline++;
  }
  return {
    name: t.name,
    topicId: t.topicId,
    partitions: t.partitions.length,
    replicationFactor: t.partitions[0]?.replicas.length ?? 0,
    underReplicated,
    offline,
    internal: t.internal === true || t.name === OFFSETS_TOPIC,
  };
}

export function requireTopic(cluster: Cluster, name: string): TopicState {
  const t = cluster.metadata.topic(name);
  if (!t) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Topic '${name}' does not exist.`);
  return t;
}

/** The replicas a reassignment in progress adds and removes, where one is. */
function reassigning(p: { addingReplicas?: number[]; removingReplicas?: number[] }): Pick<PartitionDescription, 'addingReplicas' | 'removingReplicas'> {
  return p.addingReplicas?.length || p.removingReplicas?.length ? { addingReplicas: [...(p.addingReplicas ?? [])], removingReplicas: [...(p.removingReplicas ?? [])] } : {};
}

export function describeTopic(cluster: Cluster, name: string): TopicDescription {
  const t = requireTopic(cluster, name);
  const partitions = t.partitions.map((p): PartitionDescription => {
    const dir = path.join(cluster.dataDir, `node-${p.leader}`, partitionDirName({ topic: t.name, partition: p.partition }));
    const files = listPartitionFiles(dir);
    const base = { partition: p.partition, leader: p.leader, leaderEpoch: p.leaderEpoch, replicas: [...p.replicas], isr: [...p.isr], dir, ...files, ...reassigning(p) };
    try {
      const log = cluster.leaderLog(t.name, p.partition);
      return { ...base, logStartOffset: log.logStartOffset, highWatermark: log.highWatermark, lastStableOffset: log.lastStableOffset, logEndOffset: log.logEndOffset, size: log.size };
    } catch {
      // No live leader: the figures are unknown, the files on disk are still worth showing.
      return { ...base, logStartOffset: -1, highWatermark: -1, logEndOffset: -1, size: files.segments.reduce((s, x) => s + x.size, 0) };
    }
  });
  return { name: t.name, topicId: t.topicId, internal: topicSummary(cluster, t).internal, configs: { ...t.configs }, partitions };
}

const SOURCE_NAMES: Record<number, ConfigSourceName> = {
  [ConfigSource.DYNAMIC_TOPIC_CONFIG]: 'DYNAMIC_TOPIC_CONFIG',
  [ConfigSource.STATIC_BROKER_CONFIG]: 'STATIC_BROKER_CONFIG',
  [ConfigSource.DEFAULT_CONFIG]: 'DEFAULT_CONFIG',
};

/** Every topic config with its value and source, computed exactly as DescribeConfigs answers Kafka clients. */
export function topicConfigs(cluster: Cluster, name: string): TopicConfigEntry[] {
  const t = requireTopic(cluster, name);
  // Defaults are the values the topic would have with no overrides at all (the broker's settings, then Kafka's),
  // computed the same way rather than read off a synonym, which may be in other units (log.retention.hours).
  const defaults = new Map(topicConfigEntries(cluster, {}).map((e) => [e.name, e.value]));
  return topicConfigEntries(cluster, t.configs).map((e) => {
    const key = topicConfigDef.get(e.name)!;
    const entry: TopicConfigEntry = {
      name: e.name,
      value: e.value,
      default: defaults.get(e.name) ?? null,
      source: SOURCE_NAMES[e.source] ?? 'DEFAULT_CONFIG',
      type: key.type,
      documentation: e.documentation,
    };
    if (key.validValues) entry.validValues = [...key.validValues];
    if (e.readOnly) entry.readOnly = true;
    return entry;
  });
}

/** Every group with the figures the sidebar shows, computed here so that the UI needs one call for all of them. */
export function groupSummaries(cluster: Cluster): GroupSummary[] {
  return cluster.groups.listGroups().map((g) => {
    try {
      const d = cluster.groups.describeGroup(g.groupId);
      return {
        groupId: g.groupId,
        type: d.type,
        state: d.state,
        ...(d.type === 'consumer' ? { groupEpoch: d.groupEpoch, assignmentEpoch: d.assignmentEpoch } : {}),
        protocolType: d.protocolType,
        protocol: d.protocol,
        members: d.members.length,
        coordinator: d.coordinator,
        totalLag: d.totalLag,
        uncommitted: d.uncommitted,
        topics: [...new Set(d.offsets.map((o) => o.topic))].sort(),
      };
    } catch {
      return { groupId: g.groupId, type: g.type, state: g.state, protocolType: g.protocolType, protocol: null, members: g.members, coordinator: g.coordinator, totalLag: 0, uncommitted: 0, topics: [] };
    }
  });
}
