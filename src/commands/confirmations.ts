/**
 * What the destructive commands ask before they act, in one voice: the question names the thing ("Delete topic
 * 'orders'?"), the detail says what is lost or what happens, from the cluster's own figures, and the button is the
 * command's name. Built here from plain data, without VS Code, so the wording is tested against a real broker; the
 * commands show it as a modal (confirm() in services.ts).
 */
import type { AclBinding, GroupDescription, GroupSummary, NodeStatus, ReplicationView, ResetPlanRow, TopicDescription, TransactionView } from '../broker/api';
import { PermissionType, operationName, patternTypeName, permissionTypeName, resourceTypeName } from '../broker/security/acl-binding';

export interface Confirmation {
  /** The question, naming what the command acts on. */
  message: string;
  /** What is lost, or what happens. */
  detail: string;
  /** The button that goes ahead: the command's title. */
  action: string;
}

const count = (n: number): string => n.toLocaleString('en-US');
const plural = (n: number, one: string, many = `${one}s`): string => `${count(n)} ${n === 1 ? one : many}`;

/** "a, b and 3 more": at most `max` names. */
function names(list: readonly string[], max = 5): string {
  const shown = list.slice(0, max);
  const rest = list.length - shown.length;
  if (rest > 0) return `${shown.join(', ')} and ${count(rest)} more`;
  return shown.length > 1 ? `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}` : (shown[0] ?? '');
}

/**
 * Stopping a node from the tree or the palette: which node, and what the rest of the cluster goes through (new
 * leaders, shrunk ISRs, partitions that go offline for want of another in-sync replica, a new controller).
 * `replication` is the embedded broker's partition view (nodes can only be stopped there); without it the detail
 * says what happens in general.
 */
export function stopNodeConfirmation(node: NodeStatus, replication?: ReplicationView): Confirmation {
  const address = node.port !== null ? ` (${node.host}:${node.port})` : '';
  const parts = [
    `Node ${node.id}${address} stops as a crash looks to the rest of the cluster: its listener closes and the clients connected to it reconnect to the other nodes.`,
  ];
  const hosted = replication?.partitions.filter((p) => p.replicas.some((r) => r.node === node.id)) ?? [];
  const led = hosted.filter((p) => p.leader === node.id);
  const offline = led.filter((p) => !p.replicas.some((r) => r.node !== node.id && r.up && r.inSync));
  const moved = led.length - offline.length;
  const under = hosted.length - offline.length;
  if (!replication) parts.push('The partitions it leads elect new leaders from their in-sync replicas, and it drops out of every ISR.');
  else if (hosted.length === 0) parts.push('It holds no partition.');
  else {
    if (led.length === 0) parts.push('It leads no partition.');
    else if (moved === 1 && led.length === 1) parts.push('The partition it leads elects a new leader from its in-sync replicas.');
    else if (moved === led.length) parts.push(`The ${count(led.length)} partitions it leads elect new leaders from their in-sync replicas.`);
    else if (moved > 0) parts.push(`${count(moved)} of the ${count(led.length)} partitions it leads ${moved === 1 ? 'elects a new leader from its' : 'elect new leaders from their'} in-sync replicas.`);
    if (under > 0) parts.push(`${under === 1 ? 'One partition with a replica on it becomes under-replicated: it drops out of its ISR.' : `The ${count(under)} partitions with a replica on it become under-replicated: it drops out of their ISR.`}`);
  }
  if (offline.length) {
    parts.push(`${offline.length === 1 ? 'One partition has' : `${count(offline.length)} partitions have`} no other in-sync replica and ${offline.length === 1 ? 'goes' : 'go'} offline until it starts again: ${names(offline.map((p) => `${p.topic}-${p.partition}`))}.`);
  }
  if (node.isController) parts.push('It is the controller: another node takes over.');
  parts.push('Its data stays on disk: Start Node… brings it back, and it catches up.');
  return { message: `Stop node ${node.id}?`, detail: parts.join(' '), action: 'Stop Node' };
}

/** Deleting a topic: its partitions and records on every node, its config overrides, the groups reading it. */
export function deleteTopicConfirmation(topic: TopicDescription, groups: readonly GroupSummary[] = []): Confirmation {
  const records = topic.partitions.reduce((n, p) => n + Math.max(0, p.highWatermark - p.logStartOffset), 0);
  const overrides = Object.keys(topic.configs).sort();
  const readers = groups.filter((g) => g.topics.includes(topic.name)).map((g) => g.groupId);
  const parts = [
    `Its ${plural(topic.partitions.length, 'partition')} and the ${plural(records, 'record')} in them are removed from every node${overrides.length ? `, with its config overrides (${names(overrides)})` : ''}.`,
  ];
  if (readers.length) parts.push(`${readers.length === 1 ? 'The consumer group' : 'The consumer groups'} ${names(readers.map((g) => `'${g}'`))} ${readers.length === 1 ? 'has' : 'have'} nothing left to read from it.`);
  parts.push('This cannot be undone.');
  return { message: `Delete topic '${topic.name}'?`, detail: parts.join(' '), action: 'Delete Topic' };
}

/** Deleting a consumer group: its committed offsets, hence where its consumers would resume. */
export function deleteGroupConfirmation(group: GroupDescription): Confirmation {
  const committed = group.offsets.filter((o) => o.committed !== null);
  const topics = [...new Set(committed.map((o) => o.topic))].sort();
  const what = committed.length
    ? `Its ${plural(committed.length, 'committed offset')} (on ${names(topics)}) ${committed.length === 1 ? 'is' : 'are'} removed: a consumer that joins '${group.groupId}' later starts from its auto.offset.reset position, not where the group got to.`
    : `It has no committed offset; its name and state are removed.`;
  return { message: `Delete consumer group '${group.groupId}'?`, detail: `${what} This cannot be undone.`, action: 'Delete Group' };
}

/** Resetting a group's offsets: the plan, and the records the group will skip or read again. */
export function resetOffsetsConfirmation(groupId: string, topic: string, plan: readonly ResetPlanRow[], maxRows = 20): Confirmation {
  let skipped = 0;
  let reread = 0;
  for (const r of plan) {
    if (r.current === null) continue;
    if (r.target > r.current) skipped += r.target - r.current;
    else reread += r.current - r.target;
  }
  const effect = [skipped ? `skips ${plural(skipped, 'record')} it has not consumed` : '', reread ? `reads ${plural(reread, 'record')} again` : ''].filter(Boolean);
  const head = `The group's committed offsets are replaced by those below; the current ones are not kept (note them to go back).${effect.length ? ` The group ${effect.join(' and ')}.` : ''}`;
  const rows = plan.map((r) => `${r.topic}-${r.partition}: ${r.current ?? 'none'} → ${r.target}`);
  const shown = rows.length > maxRows ? [...rows.slice(0, maxRows), `… and ${count(rows.length - maxRows)} more`] : rows;
  return { message: `Reset the offsets of '${groupId}' on ${topic}?`, detail: [head, '', ...shown].join('\n'), action: 'Reset Offsets' };
}

/** Removing one ACL from the tree: what it allowed or denied, and who is affected. */
export function removeAclConfirmation(b: AclBinding): Confirmation {
  const what = `${permissionTypeName(b.permissionType)} ${operationName(b.operation)} for ${b.principal}${b.host === '*' ? '' : ` from ${b.host}`} on ${resourceTypeName(b.resourceType).toLowerCase().replace('_', ' ')} ${patternTypeName(b.patternType) === 'PREFIXED' ? `prefix '${b.resourceName}'` : `'${b.resourceName}'`}`;
  const effect =
    b.permissionType === PermissionType.DENY
      ? `${b.principal} is no longer denied this: what other ACLs allow it may do again.`
      : `${b.principal}'s clients are refused what only this ACL allowed (Kafka's *_AUTHORIZATION_FAILED errors) from their next request.`;
  return { message: `Remove ACL ${what}?`, detail: effect, action: 'Remove ACL' };
}

/** Aborting a transaction fences its producer: say so, and what its consumers see. */
export function abortTransactionConfirmation(t: TransactionView): Confirmation {
  const partitions = t.partitions.map((p) => `${p.topic}-${p.partition}`).join(', ') || 'no partition yet';
  return {
    message: `Abort the open transaction of ${t.transactionalId}?`,
    detail: `Its records on ${partitions} are discarded for read_committed consumers, which then read past them. Producer ${t.producerId} (epoch ${t.producerEpoch}) is fenced: its next send or commit fails with PRODUCER_FENCED or INVALID_PRODUCER_EPOCH, and it must start again with a new epoch.`,
    action: 'Abort Transaction',
  };
}
