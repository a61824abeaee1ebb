/**
 * The sidebar's nodes as plain data, built from the broker API's answers: labels, descriptions, tooltips, codicon
 * and theme colour ids, context values for menus. No vscode import (cluster-tree-provider.ts turns these into
 * TreeItems), so the building is tested, and timed for a thousand topics, without VS Code.
 *
 * Every tooltip and label is plain text: names and messages are shown as data, never interpreted as markup.
 */
import { formatVersions } from '../broker/api';
import type { BrokerStatus, ClientQuotaEntry, ClientQuotaUsageView, ClientQuotasView, ClientView, FileInfo, TransactionView, GroupDescription, GroupMemberView, GroupOffsetView, GroupSummary, NodeStatus, PartitionDescription, TopicSummary } from '../broker/api';
import { ownerText } from './broker-presentation';
import type { AclBinding } from '../broker/api';
import { operationName, patternTypeName, permissionTypeName, resourceTypeName, PermissionType } from '../broker/security/acl-binding';
import { AclOperation, IMPLIES_DESCRIBE } from '../broker/security/acl-operations';
import type { SchemaType } from '../schemas/registry-client';

type NodeRef =
  | { kind: 'cluster' }
  | { kind: 'node'; nodeId: number }
  | { kind: 'topics' }
  | { kind: 'topic'; topic: string; internal: boolean; partitions: number }
  | { kind: 'partition'; topic: string; partition: number }
  | { kind: 'file'; topic: string; partition: number; path: string; name: string }
  | { kind: 'groups' }
  | { kind: 'group'; groupId: string; state: string; members: number }
  | { kind: 'members'; groupId: string }
  | { kind: 'member'; groupId: string; memberId: string }
  | { kind: 'assignment'; groupId: string; topic: string; partition: number }
  | { kind: 'offsets'; groupId: string }
  | { kind: 'offset'; groupId: string; topic: string; partition: number }
  | { kind: 'clients' }
  | { kind: 'client'; key: string }
  | { kind: 'clientApi'; key: string; api: string }
  /** The ACLs that apply to a resource (a topic's, a group's), or every ACL of the cluster (resourceType undefined). */
  | { kind: 'acls'; resourceType?: number; resourceName?: string }
  | { kind: 'acl'; binding: AclBinding }
  | { kind: 'quotas' }
  | { kind: 'quota'; entry: ClientQuotaEntry }
  | { kind: 'quotaUsage' }
  | { kind: 'transactions' }
  | { kind: 'transaction'; transactionalId: string; state: string }
  /** The schema registry's subjects (schema-nodes.ts), at the root and a topic's own under it. */
  | { kind: 'schemas' }
  | { kind: 'topicSchemas'; topic: string }
  /** `inTopic`: shown under that topic's Schemas (the same subject has one node there and one at the root). */
  | { kind: 'subject'; subject: string; inTopic?: string }
  | { kind: 'schemaVersion'; subject: string; version: number; id: number; schemaType: SchemaType; previous?: number; inTopic?: string }
  | { kind: 'info' };

type Collapsible = 'none' | 'collapsed' | 'expanded';

export interface TreeNode {
  /** Stable across refreshes: VS Code keeps expansion and selection by it. */
  readonly id: string;
  ref: NodeRef;
  label: string;
  description?: string;
  tooltip?: string;
  /** A codicon id (https://code.visualstudio.com/api/references/icons-in-labels). */
  icon: string;
  /** A theme colour id for the icon. */
  color?: string;
  /** What menus match on (`viewItem == tributary.topic`). */
  contextValue: string;
  collapsible: Collapsible;
  /** Clicking the node runs this (a segment file opens its dump, a schema version its text). */
  command?: 'tributary.openSegment' | 'tributary.openSchemaVersion';
}

/** The files dump-log reads; others (.snapshot, checkpoints) have nothing to open. */
const DUMPABLE_SUFFIXES = ['.log', '.index', '.timeindex'];

export function formatBytes(n: number): string {
  if (n < 0) return '?';
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

function offset(n: number): string {
  return n < 0 ? '?' : String(n);
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

const COLOR = {
  up: 'charts.green',
  down: 'charts.red',
  warning: 'list.warningForeground',
  error: 'list.errorForeground',
  lag: 'charts.yellow',
  muted: 'disabledForeground',
} as const;

// -- ids ----------------------------------------------------------------------------------------------------------
// Names can hold '.', '_' and '-' (topics) or anything (group ids), so parts are joined with a character neither uses.
const SEP = '\u241f';
export const nodeId = (...parts: Array<string | number>): string => parts.join(SEP);

// -- cluster ------------------------------------------------------------------------------------------------------

interface ClusterNodeInput {
  status: BrokerStatus;
  /** Read from disk while another process (this pid) runs the broker. */
  ownerPid?: number;
  /** Who that process is, when its lock says ("tributary start"). */
  owner?: string;
}

export function clusterNode(input: ClusterNodeInput): Omit<TreeNode, 'id'> {
  const { status, ownerPid, owner } = input;
  if (status.connection) {
    return {
      ref: { kind: 'cluster' },
      label: status.connection,
      description: status.bootstrap,
      tooltip: [`External cluster ${status.connection}`, `Cluster id: ${status.clusterId}`, `Bootstrap servers: ${status.bootstrap}`, `Controller: node ${status.controllerId}`].join('\n'),
      icon: 'cloud',
      contextValue: 'tributary.cluster.external',
      collapsible: 'expanded',
    };
  }
  const readOnly = ownerPid !== undefined;
  const description = readOnly ? `read-only · in use by ${ownerText(ownerPid, owner)}` : status.bootstrap;
  const lines = [
    readOnly ? `The data directory is used by another broker, ${ownerText(ownerPid, owner)}; shown from its files, read-only. \`tributary status\` in a terminal shows it live.` : 'The embedded cluster is running.',
    `Cluster id: ${status.clusterId || 'not formatted yet'}`,
    `Data directory: ${status.dataDir}`,
  ];
  if (status.bootstrap) lines.push(`Bootstrap servers: ${status.bootstrap}`);
  return {
    ref: { kind: 'cluster' },
    label: 'Cluster',
    description,
    tooltip: lines.join('\n'),
    icon: readOnly ? 'lock' : 'server-environment',
    color: readOnly ? COLOR.muted : undefined,
    contextValue: readOnly ? 'tributary.cluster.readOnly' : 'tributary.cluster',
    collapsible: 'expanded',
  };
}

export function brokerNode(n: NodeStatus, readOnly: boolean): Omit<TreeNode, 'id'> {
  const parts: string[] = [];
  if (n.up && n.port !== null) parts.push(`${n.host}:${n.port}`);
  if (!n.up) parts.push(readOnly ? 'not running' : 'down');
  // A stopped node listens on the same port again when started: show where.
  if (!n.up && !readOnly && n.homePort) parts.push(`${n.host}:${n.homePort} not listening`);
  if (n.isController) parts.push('controller');
  parts.push(plural(n.leaderCount, 'leader'));
  return {
    ref: { kind: 'node', nodeId: n.id },
    label: `node ${n.id}`,
    description: parts.join(' · '),
    tooltip: [
      `Node ${n.id}: ${n.up ? 'up' : 'down'}${n.isController ? ', controller' : ''}`,
      n.port !== null ? `Listener: ${n.host}:${n.port}` : 'Listener: none',
      `Leads ${plural(n.leaderCount, 'partition')}`,
      `Log directory: ${n.logDir}`,
    ].join('\n'),
    icon: n.isController ? 'server-process' : 'server',
    color: n.up ? COLOR.up : readOnly ? COLOR.muted : COLOR.down,
    contextValue: readOnly ? 'tributary.node.readOnly' : `tributary.node.${n.up ? 'up' : 'down'}`,
    collapsible: 'none',
  };
}

// -- topics -------------------------------------------------------------------------------------------------------

export function topicsSectionNode(count: number | undefined): Omit<TreeNode, 'id'> {
  return {
    ref: { kind: 'topics' },
    label: 'Topics',
    description: count === undefined ? undefined : String(count),
    icon: 'list-unordered',
    contextValue: 'tributary.topics',
    collapsible: 'expanded',
  };
}

export function topicNode(t: TopicSummary): Omit<TreeNode, 'id'> {
  // Trouble first: a narrow sidebar cuts descriptions at the end.
  const parts: string[] = [];
  if (t.offline > 0) parts.push(`${t.offline} offline`);
  if (t.underReplicated > 0) parts.push(`${t.underReplicated} under-replicated`);
  parts.push(plural(t.partitions, 'partition'), `RF ${t.replicationFactor}`);
  if (t.internal) parts.push('internal');
  const tooltip = [
    `Topic ${t.name}${t.internal ? ' (internal)' : ''}`,
    `Topic id: ${t.topicId}`,
    `${plural(t.partitions, 'partition')}, replication factor ${t.replicationFactor}`,
  ];
  if (t.underReplicated > 0) tooltip.push(`${plural(t.underReplicated, 'partition')} with fewer in-sync replicas than replicas`);
  if (t.offline > 0) tooltip.push(`${plural(t.offline, 'partition')} without a live leader`);
  return {
    ref: { kind: 'topic', topic: t.name, internal: t.internal, partitions: t.partitions },
    label: t.name,
    description: parts.join(' · '),
    tooltip: tooltip.join('\n'),
    icon: t.offline > 0 ? 'error' : t.underReplicated > 0 ? 'warning' : t.internal ? 'gear' : 'symbol-event',
    color: t.offline > 0 ? COLOR.error : t.underReplicated > 0 ? COLOR.warning : t.internal ? COLOR.muted : undefined,
    contextValue: t.internal ? 'tributary.topic.internal' : 'tributary.topic',
    collapsible: 'collapsed',
  };
}

/** Internal topics last, each group by name (the API already sorts by name). */
export function sortTopics(topics: readonly TopicSummary[]): TopicSummary[] {
  return [...topics].sort((a, b) => (a.internal === b.internal ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.internal ? 1 : -1));
}

export function partitionNode(topic: string, p: PartitionDescription): Omit<TreeNode, 'id'> {
  const underReplicated = p.isr.length < p.replicas.length;
  const range = p.logEndOffset >= 0 ? `${offset(p.logStartOffset)}–${offset(p.logEndOffset)}` : `from ${offset(p.logStartOffset)}`;
  // What needs attention first (a narrow sidebar cuts the end): missing in-sync replicas, then a transaction holding
  // read_committed consumers back (the first thing to see when their lag does not move); the rest in the tooltip.
  const heldBack = p.lastStableOffset !== undefined && p.lastStableOffset >= 0 && p.lastStableOffset < p.highWatermark;
  const parts: string[] = [];
  const moving = (p.addingReplicas?.length ?? 0) + (p.removingReplicas?.length ?? 0) > 0;
  if (moving) parts.push(`reassigning${p.addingReplicas?.length ? ` +[${p.addingReplicas.join(',')}]` : ''}${p.removingReplicas?.length ? ` −[${p.removingReplicas.join(',')}]` : ''}`);
  if (p.leader < 0) parts.push('offline');
  if (underReplicated) parts.push(`ISR ${p.isr.length}/${p.replicas.length} [${p.isr.join(',')}]`);
  if (heldBack) parts.push(`LSO ${offset(p.lastStableOffset!)} (open transaction)`);
  parts.push(`HW ${offset(p.highWatermark)}`, `leader ${p.leader}`);
  if (!underReplicated) parts.push(`ISR ${p.isr.length}/${p.replicas.length}`);
  parts.push(range);
  // An external cluster's partitions have no size or directory here (size -1): nothing to show, not "?".
  const local = p.size >= 0 || p.dir !== '';
  if (local) parts.push(formatBytes(p.size));
  return {
    ref: { kind: 'partition', topic, partition: p.partition },
    label: `partition ${p.partition}`,
    description: parts.join(' · '),
    tooltip: [
      `${topic}-${p.partition}`,
      `Leader: node ${p.leader} (epoch ${p.leaderEpoch})`,
      `Replicas: ${p.replicas.join(', ')}`,
      ...(moving ? [`Reassigning: adding ${p.addingReplicas?.join(', ') || 'none'}, removing ${p.removingReplicas?.join(', ') || 'none'} (done when the added replicas are in sync)`] : []),
      `In-sync replicas: ${p.isr.join(', ')}${underReplicated ? ' (under-replicated)' : ''}`,
      `Log start offset: ${offset(p.logStartOffset)}`,
      `High watermark: ${offset(p.highWatermark)}`,
      ...(p.lastStableOffset !== undefined && p.lastStableOffset >= 0
        ? [`Last stable offset: ${offset(p.lastStableOffset)}${heldBack ? ' (read_committed consumers wait here for an open transaction)' : ''}`]
        : []),
      `Log end offset: ${offset(p.logEndOffset)}`,
      ...(local ? [`Size: ${formatBytes(p.size)} in ${plural(p.segments.length, 'segment')}`, `Directory: ${p.dir}`] : ["Segment files: on the cluster's brokers"]),
    ].join('\n'),
    icon: underReplicated ? 'warning' : 'layers',
    color: underReplicated ? COLOR.warning : undefined,
    contextValue: 'tributary.partition',
    collapsible: 'collapsed',
  };
}

export function fileNode(topic: string, partition: number, f: FileInfo, baseOffset?: number): Omit<TreeNode, 'id'> {
  const dumpable = DUMPABLE_SUFFIXES.some((s) => f.name.endsWith(s));
  const icon = f.name.endsWith('.log') ? 'file-binary' : f.name.endsWith('.index') ? 'list-ordered' : f.name.endsWith('.timeindex') ? 'watch' : 'file';
  return {
    ref: { kind: 'file', topic, partition, path: f.path, name: f.name },
    label: f.name,
    description: formatBytes(f.size),
    tooltip: [f.path, `${f.size} bytes`, ...(baseOffset !== undefined ? [`Segment base offset: ${baseOffset}`] : []), ...(dumpable ? ['Click to open its dump-log output.'] : [])].join('\n'),
    icon,
    contextValue: dumpable ? 'tributary.segmentFile' : 'tributary.file',
    collapsible: 'none',
    command: dumpable ? 'tributary.openSegment' : undefined,
  };
}

/** A partition's files: segment files by base offset (.log first), then the others. */
export function partitionFiles(p: PartitionDescription): Array<{ file: FileInfo; baseOffset?: number }> {
  const rank = (name: string) => {
    const i = DUMPABLE_SUFFIXES.findIndex((s) => name.endsWith(s));
    return i < 0 ? DUMPABLE_SUFFIXES.length : i;
  };
  const out: Array<{ file: FileInfo; baseOffset?: number }> = [];
  for (const s of p.segments) for (const f of [...s.files].sort((a, b) => rank(a.name) - rank(b.name) || (a.name < b.name ? -1 : 1))) out.push({ file: f, baseOffset: s.baseOffset });
  for (const f of p.otherFiles) out.push({ file: f });
  return out;
}

// -- groups -------------------------------------------------------------------------------------------------------

export function groupsSectionNode(count: number | undefined): Omit<TreeNode, 'id'> {
  return {
    ref: { kind: 'groups' },
    label: 'Consumer Groups',
    description: count === undefined ? undefined : String(count),
    icon: 'organization',
    contextValue: 'tributary.groups',
    collapsible: 'collapsed',
  };
}

const STATE_COLOR: Record<string, string | undefined> = {
  Stable: COLOR.up,
  PreparingRebalance: COLOR.lag,
  CompletingRebalance: COLOR.lag,
  Assigning: COLOR.lag,
  Reconciling: COLOR.lag,
  Empty: undefined,
  Dead: COLOR.muted,
};

/** "lag 2,501 (1 partition uncommitted)": the lag first, and whether part of it has no committed offset. */
function lagText(totalLag: number, uncommitted: number): string {
  return `lag ${totalLag.toLocaleString('en-US')}${uncommitted > 0 ? ` (${plural(uncommitted, 'partition')} uncommitted)` : ''}`;
}

const UNCOMMITTED_NOTE = 'Partitions without a committed offset count from their log start: the broker does not know the consumer\'s auto.offset.reset (with latest it would start at the end instead).';

export function groupNode(g: GroupSummary): Omit<TreeNode, 'id'> {
  const parts: string[] = [lagText(g.totalLag, g.uncommitted), g.state, plural(g.members, 'member')];
  // A consumer protocol group (KIP-848) says so, with its epoch: the broker assigns, there is no generation.
  if (g.type === 'consumer') parts.push(`consumer protocol, epoch ${g.groupEpoch}`);
  if (g.protocol) parts.push(g.protocol);
  return {
    ref: { kind: 'group', groupId: g.groupId, state: g.state, members: g.members },
    label: g.groupId,
    description: parts.join(' · '),
    tooltip: [
      `Group ${g.groupId}`,
      `State: ${g.state}`,
      ...(g.type === 'consumer'
        ? [`Consumer group protocol (KIP-848), assignor ${g.protocol ?? 'none yet'}`, `Group epoch ${g.groupEpoch}, assignment epoch ${g.assignmentEpoch}`]
        : [`Protocol: ${g.protocolType ?? 'none'}${g.protocol ? ` / ${g.protocol}` : ''}`]),
      `Members: ${g.members}`,
      `Coordinator: node ${g.coordinator}`,
      `Total lag: ${g.totalLag.toLocaleString('en-US')}`,
      ...(g.uncommitted > 0 ? [`${plural(g.uncommitted, 'partition')} without a committed offset. ${UNCOMMITTED_NOTE}`] : []),
      ...(g.topics.length ? [`Topics: ${g.topics.join(', ')}`] : []),
    ].join('\n'),
    icon: g.members > 0 ? 'organization' : 'circle-outline',
    color: STATE_COLOR[g.state],
    // Menus tell an active group (offsets cannot be reset) from an inactive one.
    contextValue: g.members > 0 ? 'tributary.group.active' : 'tributary.group.inactive',
    collapsible: 'collapsed',
  };
}

export function membersSectionNode(d: GroupDescription): Omit<TreeNode, 'id'> {
  return {
    ref: { kind: 'members', groupId: d.groupId },
    label: 'Members',
    description: String(d.members.length),
    icon: 'account',
    contextValue: 'tributary.groupMembers',
    collapsible: d.members.length > 0 ? 'expanded' : 'none',
  };
}

export function offsetsSectionNode(d: GroupDescription): Omit<TreeNode, 'id'> {
  return {
    ref: { kind: 'offsets', groupId: d.groupId },
    label: 'Offsets',
    description: `${lagText(d.totalLag, d.uncommitted)} · ${d.offsets.length}`,
    icon: 'symbol-numeric',
    contextValue: 'tributary.groupOffsets',
    collapsible: d.offsets.length > 0 ? 'expanded' : 'none',
  };
}

const tpList = (tps: ReadonlyArray<{ topic: string; partitions: number[] }>) => tps.map((a) => `${a.topic} [${a.partitions.join(',')}]`).join('; ');
const partitionCount = (tps: ReadonlyArray<{ partitions: number[] }>) => tps.reduce((n, a) => n + a.partitions.length, 0);

export function memberNode(groupId: string, m: GroupMemberView): Omit<TreeNode, 'id'> {
  const count = partitionCount(m.assignment);
  const c = m.consumer;
  const parts = [m.clientHost, plural(count, 'partition')];
  if (c) {
    parts.push(c.memberEpoch === -2 ? 'left, coming back (static)' : `epoch ${c.memberEpoch}`);
    if (c.protocol === 'classic') parts.push('classic protocol');
    if (c.revoking.length) parts.push(`revoking ${partitionCount(c.revoking)}`);
    if (c.toReceive.length) parts.push(`waiting for ${partitionCount(c.toReceive)}`);
  }
  return {
    ref: { kind: 'member', groupId, memberId: m.memberId },
    label: m.clientId || m.memberId,
    description: parts.join(' · '),
    tooltip: [
      `Member id: ${m.memberId}`,
      ...(m.groupInstanceId ? [`Group instance id: ${m.groupInstanceId} (static member)`] : []),
      `Client id: ${m.clientId}`,
      `Host: ${m.clientHost}`,
      `Session timeout: ${m.sessionTimeoutMs} ms, rebalance timeout: ${m.rebalanceTimeoutMs} ms`,
      `Assigned: ${tpList(m.assignment) || 'nothing'}`,
      ...(c
        ? [
            `Member epoch ${c.memberEpoch}, ${c.state.replace(/_/g, ' ')}`,
            ...(c.protocol === 'classic' ? ['Speaks the classic protocol (JoinGroup/SyncGroup): the broker assigns it, and it rejoins at each new group epoch'] : []),
            `Target: ${tpList(c.target) || 'nothing'}`,
            ...(c.revoking.length ? [`Giving up: ${tpList(c.revoking)}`] : []),
            ...(c.toReceive.length ? [`Still to receive (another member has them): ${tpList(c.toReceive)}`] : []),
            `Subscribes: ${c.subscribedTopicNames.join(', ') || 'no topic by name'}${c.subscribedTopicRegex ? `, pattern ${c.subscribedTopicRegex}` : ''}`,
          ]
        : []),
    ].join('\n'),
    icon: 'account',
    contextValue: 'tributary.groupMember',
    collapsible: count + partitionCount(c?.revoking ?? []) + partitionCount(c?.toReceive ?? []) > 0 ? 'collapsed' : 'none',
  };
}

/** A member's partitions; a consumer protocol member's also those it is giving up and those it still waits for. */
export function assignmentNodes(groupId: string, m: GroupMemberView): Array<Omit<TreeNode, 'id'>> {
  const out: Array<Omit<TreeNode, 'id'>> = [];
  const add = (tps: ReadonlyArray<{ topic: string; partitions: number[] }>, description?: string, tooltip?: string) => {
    for (const a of tps) {
      for (const p of [...a.partitions].sort((x, y) => x - y)) {
        out.push({ ref: { kind: 'assignment', groupId, topic: a.topic, partition: p }, label: `${a.topic}-${p}`, description, tooltip, icon: 'symbol-field', contextValue: 'tributary.assignment', collapsible: 'none' });
      }
    }
  };
  add(m.assignment);
  if (m.consumer) {
    add(m.consumer.revoking, 'revoking', 'The broker asked the member to give this partition up; it has not confirmed yet.');
    add(m.consumer.toReceive, 'to receive', 'In the member\'s target assignment, but its previous owner has not given it up yet.');
  }
  return out;
}

export function offsetNode(groupId: string, o: GroupOffsetView): Omit<TreeNode, 'id'> {
  const uncommitted = o.committed === null;
  const lagging = o.lag !== null && o.lag > 0;
  const lag = o.lag === null ? 'lag unknown' : `lag ${o.lag.toLocaleString('en-US')}`;
  const description = uncommitted
    ? `no committed offset · ${lag}${o.lagFrom === 'log-start' ? ' from log start' : ''} · end ${offset(o.endOffset)}`
    : `${lag} · committed ${o.committed} · end ${offset(o.endOffset)}`;
  const lagLine =
    o.lag === null
      ? 'Lag: unknown (the partition has no live leader)'
      : o.lagFrom === 'log-start'
        ? `Lag: ${o.lag} from the log start offset ${offset(o.logStartOffset)}. ${UNCOMMITTED_NOTE}`
        : `Lag: ${o.lag}`;
  return {
    ref: { kind: 'offset', groupId, topic: o.topic, partition: o.partition },
    label: `${o.topic}-${o.partition}`,
    description,
    tooltip: [
      `${o.topic}-${o.partition}`,
      `Committed offset: ${o.committed ?? 'none (the group never committed this partition)'}`,
      ...(o.metadata ? [`Commit metadata: ${o.metadata}`] : []),
      `Log start offset: ${offset(o.logStartOffset)}`,
      `End offset (high watermark): ${offset(o.endOffset)}`,
      lagLine,
      `Owner: ${o.owner ? `${o.owner.clientId} (${o.owner.memberId})` : 'none'}`,
    ].join('\n'),
    // Never the caught-up check for a partition nothing was committed for.
    icon: uncommitted ? 'circle-slash' : lagging ? 'arrow-down' : 'check',
    color: lagging ? COLOR.lag : uncommitted ? COLOR.muted : undefined,
    contextValue: 'tributary.groupOffset',
    collapsible: 'none',
  };
}

export function infoNode(label: string, tooltip?: string, icon = 'info'): Omit<TreeNode, 'id'> {
  return { ref: { kind: 'info' }, label, tooltip, icon, color: icon === 'error' ? COLOR.error : undefined, contextValue: 'tributary.info', collapsible: 'none' };
}

// -- clients (the Kafka 4 upgrade check) ------------------------------------------------------------------------

/** A client's identity in the tree: id, software and address (the registry's grouping). */
export function clientKey(c: ClientView): string {
  return [c.clientId, c.softwareName ?? '', c.softwareVersion ?? '', c.host].join('\u0000');
}


export function clientsSectionNode(clients: readonly ClientView[]): Omit<TreeNode, 'id'> {
  const notReady = clients.filter((c) => c.kafka4.length > 0).length;
  return {
    ref: { kind: 'clients' },
    label: 'Clients',
    description: clients.length === 0 ? undefined : notReady ? `${clients.length} · ${notReady} not ready for Kafka 4` : String(clients.length),
    tooltip: 'The clients that connected to the embedded broker, the request versions each used, and those Kafka 4.0 refuses (KIP-896).',
    icon: notReady ? 'warning' : 'plug',
    color: notReady ? COLOR.warning : undefined,
    contextValue: 'tributary.clients',
    collapsible: 'collapsed',
  };
}

export function clientNode(c: ClientView): Omit<TreeNode, 'id'> {
  const software = c.softwareName ? `${c.softwareName} ${c.softwareVersion ?? ''}`.trim() : 'software not named (ApiVersions before v3)';
  const parts = [software, c.host, plural(c.openConnections, 'open connection')];
  if (c.kafka4.length) parts.push('not ready for Kafka 4');
  return {
    ref: { kind: 'client', key: clientKey(c) },
    label: c.clientId || '(no client id)',
    description: parts.join(' · '),
    tooltip: [
      `Client id: ${c.clientId || '(none)'}`,
      `Software: ${software}`,
      `Address: ${c.host}`,
      `${plural(c.connections, 'connection')} (${c.openConnections} open), ${c.requests.toLocaleString('en-US')} requests`,
      `APIs: ${c.apis.map((a) => `${a.api} ${formatVersions(a.versions)}`).join(', ')}`,
      c.kafka4.length ? `Kafka 4.0 refuses: ${c.kafka4.map((p) => `${p.api} v${p.version}`).join(', ')}` : 'Every request it sent is one Kafka 4.0 serves.',
    ].join('\n'),
    icon: c.kafka4.length ? 'warning' : 'vm-connect',
    color: c.kafka4.length ? COLOR.warning : undefined,
    contextValue: 'tributary.client',
    collapsible: 'collapsed',
  };
}

/** Under a client: each API with the versions it used, a warning on those Kafka 4.0 refuses. */
export function clientApiNodes(c: ClientView): Array<Omit<TreeNode, 'id'>> {
  return c.apis.map((a) => {
    const refused = c.kafka4.filter((p) => p.api === a.api);
    return {
      ref: { kind: 'clientApi', key: clientKey(c), api: a.api },
      label: `${a.api} ${formatVersions(a.versions)}`,
      description: refused.length ? `Kafka 4.0 refuses ${formatVersions(refused.map((p) => p.version))} (serves v${refused[0].kafka4Min}+)` : undefined,
      tooltip: refused.length ? `Kafka 4.0 removed ${a.api} ${formatVersions(refused.map((p) => p.version))} (KIP-896): this client must be upgraded before the cluster is.` : undefined,
      icon: refused.length ? 'warning' : 'symbol-method',
      color: refused.length ? COLOR.warning : undefined,
      contextValue: 'tributary.clientApi',
      collapsible: 'none' as const,
    };
  });
}

// -- ACLs (with the authorizer on) ------------------------------------------------------------------------------

const RESOURCE_WORD: Record<number, string> = { 2: 'topic', 3: 'group', 4: 'cluster', 5: 'transactional id', 6: 'delegation token', 7: 'user' };

/**
 * The ACLs of a resource (those that apply to it: its literal name, `*`, prefixes), or of the whole cluster when no
 * resource is given.
 */
export function aclsSectionNode(acls: readonly AclBinding[], resource?: { resourceType: number; resourceName: string }): Omit<TreeNode, 'id'> {
  const denies = acls.filter((a) => a.permissionType === PermissionType.DENY).length;
  const what = resource ? `the ${RESOURCE_WORD[resource.resourceType] ?? 'resource'} ${resource.resourceName}` : 'every resource of the cluster';
  return {
    ref: { kind: 'acls', resourceType: resource?.resourceType, resourceName: resource?.resourceName },
    label: 'ACLs',
    description: acls.length === 0 ? (resource ? 'none apply' : 'none') : `${acls.length}${denies ? ` · ${denies} deny` : ''}`,
    tooltip: `The ACLs that apply to ${what} (literal name, the * wildcard, prefixes), as the broker's StandardAuthorizer reads them.${resource ? ' Without an ALLOW here, only super users may use it (unless allow.everyone.if.no.acl.found and no ACL applies).' : ''}`,
    icon: 'shield',
    contextValue: resource ? 'tributary.acls.resource' : 'tributary.acls',
    collapsible: acls.length ? 'collapsed' : 'none',
  };
}

/** `ALLOW User:alice READ`, and where it comes from when it is not the resource's own literal ACL. */
export function aclNode(b: AclBinding, resourceName?: string): Omit<TreeNode, 'id'> {
  const pattern = patternTypeName(b.patternType).toLowerCase();
  const origin = resourceName !== undefined && b.resourceName === resourceName && pattern === 'literal' ? undefined : `${RESOURCE_WORD[b.resourceType] ?? resourceTypeName(b.resourceType)} ${pattern === 'literal' ? '' : `${pattern} `}${b.resourceName}`;
  const deny = b.permissionType === PermissionType.DENY;
  return {
    ref: { kind: 'acl', binding: b },
    label: `${permissionTypeName(b.permissionType)} ${b.principal} ${operationName(b.operation)}`,
    description: [origin, b.host === '*' ? undefined : `from ${b.host}`].filter(Boolean).join(' · ') || undefined,
    tooltip: [
      `${permissionTypeName(b.permissionType)} ${operationName(b.operation)} to ${b.principal} from ${b.host === '*' ? 'any host' : b.host}`,
      `Resource: ${resourceTypeName(b.resourceType)} ${b.resourceName} (${patternTypeName(b.patternType)})`,
      deny ? 'A matching DENY wins over every ALLOW.' : b.operation !== AclOperation.DESCRIBE && IMPLIES_DESCRIBE.includes(b.operation) ? 'Implies DESCRIBE.' : '',
    ]
      .filter(Boolean)
      .join('\n'),
    icon: deny ? 'circle-slash' : 'pass',
    color: deny ? COLOR.error : COLOR.up,
    contextValue: 'tributary.acl',
    collapsible: 'none',
  };
}

/** A stable id part for a binding. */
export function aclKey(b: AclBinding): string {
  return [b.resourceType, b.patternType, b.resourceName, b.principal, b.host, b.operation, b.permissionType].join('\u0000');
}

// -- client quotas ----------------------------------------------------------------------------------------------

/** A quota throttled this recently counts as throttling now. */
const THROTTLING_NOW_MS = 30_000;

const BYTE_RATE_KEYS = new Set(['producer_byte_rate', 'consumer_byte_rate']);

function quotaValue(key: string, v: number): string {
  if (BYTE_RATE_KEYS.has(key)) return `${formatBytes(v)}/s`;
  if (key === 'request_percentage') return `${v}% of a request thread`;
  if (key === 'connection_creation_rate') return `${v} connections/s`;
  if (key === 'controller_mutation_rate') return `${v} partition mutations/s`;
  return String(v);
}

/** kafka-configs.sh's wording: user 'alice', client-id 'app', the default user, ip '10.0.0.1'. */
export function quotaEntityLabel(entity: ClientQuotaEntry['entity']): string {
  const order: Array<keyof ClientQuotaEntry['entity']> = ['user', 'client-id', 'ip'];
  return order
    .filter((t) => entity[t] !== undefined)
    .map((t) => (entity[t] === null ? `default ${t}` : `${t} '${entity[t]}'`))
    .join(', ');
}

function throttlingNow(u: ClientQuotaUsageView, now: number): boolean {
  return u.lastThrottledAt !== null && now - u.lastThrottledAt < THROTTLING_NOW_MS;
}

export function quotasSectionNode(view: ClientQuotasView, now = Date.now()): Omit<TreeNode, 'id'> {
  const throttled = view.usage.filter((u) => throttlingNow(u, now)).length;
  return {
    ref: { kind: 'quotas' },
    label: 'Quotas',
    description: `${plural(view.quotas.length, 'entity', 'entities')}${throttled ? ` · ${throttled} throttling now` : ''}`,
    tooltip: 'Client quotas (kafka-configs.sh --entity-type users|clients|ips): what is set, and on the embedded broker each quota\'s current rate and how often its clients were throttled.',
    icon: 'dashboard',
    color: throttled ? COLOR.warning : undefined,
    contextValue: 'tributary.quotas',
    collapsible: view.quotas.length || view.usage.length ? 'collapsed' : 'none',
  };
}

export function quotaNode(entry: ClientQuotaEntry): Omit<TreeNode, 'id'> {
  const values = Object.entries(entry.values).sort(([a], [b]) => a.localeCompare(b));
  return {
    ref: { kind: 'quota', entry },
    label: quotaEntityLabel(entry.entity),
    description: values.map(([k, v]) => `${k}=${v}`).join(', '),
    tooltip: [`Quotas of ${quotaEntityLabel(entry.entity)}:`, ...values.map(([k, v]) => `  ${k} = ${quotaValue(k, v)}`)].join('\n'),
    icon: entry.entity.ip !== undefined ? 'globe' : 'account',
    contextValue: 'tributary.quota',
    collapsible: 'none',
  };
}

const USAGE_WORD: Record<ClientQuotaUsageView['type'], string> = { produce: 'produce', fetch: 'fetch', request: 'request time' };

/** One quota's measured use on one node: whose it is, its rate against the bound, and its throttling. */
export function quotaUsageNode(u: ClientQuotaUsageView, now = Date.now()): Omit<TreeNode, 'id'> {
  const who = [u.user ? `user '${u.user}'` : '', u.clientId ? `client-id '${u.clientId}'` : ''].filter(Boolean).join(', ');
  const rate = u.type === 'request' ? `${u.rate.toFixed(1)}% of ${u.quota}%` : `${formatBytes(u.rate)}/s of ${formatBytes(u.quota)}/s`;
  const ago = u.lastThrottledAt === null ? '' : `, last ${u.lastThrottleMs} ms ${Math.max(0, Math.round((now - u.lastThrottledAt) / 1000))} s ago`;
  const throttled = u.throttleCount ? `throttled ${u.throttleCount}×${ago}` : 'never throttled';
  const hot = throttlingNow(u, now);
  return {
    ref: { kind: 'quotaUsage' },
    label: `${who} · ${USAGE_WORD[u.type]}`,
    description: `node ${u.nodeId} · ${rate} · ${throttled}`,
    tooltip: [
      `${USAGE_WORD[u.type]} quota of ${who} on node ${u.nodeId}`,
      `Rate over the quota window: ${rate}`,
      u.throttleCount ? `Throttled ${u.throttleCount} times, ${Math.round(u.avgThrottleMs)} ms on average${ago}` : 'Never throttled',
      'Clients over their quota get their answer with a throttle time and their connection is muted for it (KIP-219).',
    ].join('\n'),
    icon: hot ? 'watch' : 'pulse',
    color: hot ? COLOR.warning : undefined,
    contextValue: 'tributary.quotaUsage',
    collapsible: 'none',
  };
}

// -- transactions -----------------------------------------------------------------------------------------------

function seconds(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${Math.round(s / 3600)} h`;
}

export function transactionsSectionNode(txns: readonly TransactionView[], now = Date.now()): Omit<TreeNode, 'id'> {
  const open = txns.filter((t) => t.state === 'Ongoing');
  const overdue = open.filter((t) => t.startTimestamp >= 0 && now - t.startTimestamp > t.timeoutMs).length;
  return {
    ref: { kind: 'transactions' },
    label: 'Transactions',
    description: txns.length === 0 ? undefined : `${plural(txns.length, 'transactional id')} · ${open.length} open${overdue ? ` · ${overdue} past timeout` : ''}`,
    tooltip: 'The transactional ids the transaction coordinators know (kafka-transactions.sh list/describe): state, producer id and epoch, partitions, and how long the open transaction has run. An open one can be aborted from its menu.',
    icon: 'git-commit',
    color: overdue ? COLOR.warning : undefined,
    contextValue: 'tributary.transactions',
    collapsible: txns.length ? 'collapsed' : 'none',
  };
}

export function transactionNode(t: TransactionView, now = Date.now()): Omit<TreeNode, 'id'> {
  const open = t.state === 'Ongoing';
  const age = open && t.startTimestamp >= 0 ? now - t.startTimestamp : -1;
  const overdue = age > t.timeoutMs;
  const parts = [t.state, `producer ${t.producerId} epoch ${t.producerEpoch}`];
  if (t.partitions.length) parts.push(plural(t.partitions.length, 'partition'));
  if (age >= 0) parts.push(`open ${seconds(age)}${overdue ? ' · past its timeout' : ''}`);
  return {
    ref: { kind: 'transaction', transactionalId: t.transactionalId, state: t.state },
    label: t.transactionalId,
    description: parts.join(' · '),
    tooltip: [
      `Transactional id: ${t.transactionalId}`,
      `State: ${t.state}`,
      `Producer id ${t.producerId}, epoch ${t.producerEpoch}`,
      `Timeout: ${seconds(t.timeoutMs)}`,
      age >= 0 ? `Open for ${seconds(age)} (read_committed consumers stop before its first record)` : t.lastUpdateTimestamp >= 0 ? `Last change ${seconds(now - t.lastUpdateTimestamp)} ago` : 'No open transaction',
      `Coordinator: node ${t.coordinator}`,
      t.partitions.length ? `Partitions: ${t.partitions.map((p) => `${p.topic}-${p.partition}`).join(', ')}` : 'No partitions',
    ].join('\n'),
    icon: open ? (overdue ? 'warning' : 'loading') : t.state === 'CompleteAbort' || t.state === 'PrepareAbort' ? 'discard' : 'check',
    color: overdue ? COLOR.warning : undefined,
    contextValue: open ? 'tributary.transaction.open' : 'tributary.transaction',
    collapsible: t.partitions.length ? 'collapsed' : 'none',
  };
}

export function transactionPartitionNodes(t: TransactionView): Array<Omit<TreeNode, 'id'>> {
  return t.partitions.map((p) => ({
    ref: { kind: 'partition', topic: p.topic, partition: p.partition },
    label: `${p.topic}-${p.partition}`,
    icon: 'symbol-array',
    contextValue: 'tributary.transactionPartition',
    collapsible: 'none' as const,
  }));
}
