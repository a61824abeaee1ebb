/**
 * `tributary groups`: Kafka's kafka-consumer-groups.sh over the Kafka protocol, against any cluster.
 *   list [--state [S,...]]                                   describe G... | --all-groups [--members [--verbose] | --state]
 *   reset-offsets G --topic T[:P,P]... | --all-topics  --to-earliest | --to-latest | --to-current | --to-offset N |
 *       --shift-by N | --to-datetime YYYY-MM-DDTHH:mm:SS.sss | --by-duration PnDTnHnMnS   [--dry-run (default) | --execute]
 *   delete G...
 * Kafka's flag form works too (--list, --describe --group G, --reset-offsets --group G, --delete --group G).
 *
 * Where this differs from Kafka's tool, on purpose:
 * - describe: a partition the group owns but never committed has CURRENT-OFFSET "-" as in Kafka, but its LAG is not
 *   "-": it is counted from the log start offset (what a consumer with auto.offset.reset=earliest would still read)
 *   and marked with a trailing "*", explained in a footnote under the table.
 * - reset-offsets: a dry run prints the plan and says on stderr that nothing was changed.
 */
import type { ExternalCluster } from '../clusters/external-cluster';
import type { GroupDescription, GroupState, ResetPlanRow, ResetTarget } from '../broker/api';
import { KafkaError } from '../broker/errors';
import { parseArgs, UsageError, type ParsedArgs } from './args';
import { CLIENT_OPTIONS, json, last, optionalValue, table, withCluster, type Output } from './kafka-client';

const VALUE_OPTIONS = new Set(['group', 'state', 'topic', 'to-offset', 'shift-by', 'to-datetime', 'by-duration', ...CLIENT_OPTIONS]);
const FLAGS = new Set(['list', 'describe', 'delete', 'reset-offsets', 'all-groups', 'all-topics', 'members', 'offsets', 'verbose', 'to-earliest', 'to-latest', 'to-current', 'dry-run', 'execute', 'json']);
const ACTIONS = ['list', 'describe', 'reset-offsets', 'delete'] as const;
type Action = (typeof ACTIONS)[number];
// Kafka 4's states of both kinds of group: the consumer protocol's Assigning and Reconciling too.
const STATES: GroupState[] = ['PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead', 'Empty', 'Assigning', 'Reconciling'];
const MISSING = '-';

/** The footnote under `describe` when a partition's lag counts from its log start. */
const LOG_START_FOOTNOTE = '* no committed offset: LAG counts from the log start offset (what the group would read from the earliest offset); kafka-consumer-groups prints - there';

export async function groupsCommand(argv: string[], io: Output): Promise<number> {
  // `--state` alone (describe's variant, or list's state column) and `--state S,S` (list's filter).
  const a = parseArgs(optionalValue(argv, 'state', ''), VALUE_OPTIONS, FLAGS);
  const flagged = ACTIONS.filter((f) => a.flags.has(f));
  let action: Action;
  let groups = a.options.get('group') ?? [];
  if (a.positional.length && (ACTIONS as readonly string[]).includes(a.positional[0])) {
    if (flagged.length) throw new UsageError(`groups ${a.positional[0]} takes no --${flagged[0]}`);
    action = a.positional[0] as Action;
    groups = [...a.positional.slice(1), ...groups];
  } else {
    if (a.positional.length) throw new UsageError(`unknown groups command ${a.positional[0]} (list, describe, reset-offsets, delete)`);
    if (flagged.length !== 1) throw new UsageError('groups takes exactly one of list, describe, reset-offsets, delete (or --list, --describe, --reset-offsets, --delete)');
    action = flagged[0];
  }
  const state = last(a, 'state');
  // `describe --state G`: the group was taken as --state's value.
  if (action === 'describe' && state) groups = [...groups, state];
  if (action === 'describe' && [a.flags.has('members'), state !== undefined, a.flags.has('offsets')].filter(Boolean).length > 1) {
    throw new UsageError('groups describe takes one of --members, --state, --offsets');
  }
  const describeOnly = ['members', 'offsets', 'verbose'].find((f) => a.flags.has(f));
  if (describeOnly && action !== 'describe') throw new UsageError(`--${describeOnly} belongs to groups describe`);
  if (action === 'list') {
    if (groups.length) throw new UsageError(`groups list takes no group (${groups[0]})`);
  } else if (!groups.length && !(a.flags.has('all-groups') && action !== 'reset-offsets')) {
    throw new UsageError(`groups ${action} needs a group (groups ${action} GROUP, or --group GROUP${action === 'reset-offsets' ? '' : ', or --all-groups'})`);
  }
  const resetOnly = ['to-earliest', 'to-latest', 'to-current', 'all-topics', 'dry-run', 'execute'].find((f) => a.flags.has(f)) ?? ['to-offset', 'shift-by', 'to-datetime', 'by-duration', 'topic'].find((o) => a.options.has(o));
  if (resetOnly && action !== 'reset-offsets') throw new UsageError(`--${resetOnly} belongs to groups reset-offsets`);
  const target = action === 'reset-offsets' ? resetTarget(a) : undefined;
  return withCluster(a, 'groups', io, async (cluster) => {
    switch (action) {
      case 'list':
        return listGroups(cluster, a, state, io);
      case 'describe':
        return describeGroups(cluster, a.flags.has('all-groups') ? await consumerGroupIds(cluster) : groups, a, state !== undefined, io);
      case 'reset-offsets':
        return resetOffsets(cluster, groups, target!, a, io);
      default:
        return deleteGroups(cluster, a.flags.has('all-groups') ? await consumerGroupIds(cluster) : groups, a, io);
    }
  });
}

// -- list -----------------------------------------------------------------------------------------------------------

/** Consumer groups only, as kafka-consumer-groups lists them (no Connect or other protocol types). */
async function consumerGroups(cluster: ExternalCluster) {
  return (await cluster.listGroups()).filter((g) => !g.protocolType || g.protocolType === 'consumer');
}

async function consumerGroupIds(cluster: ExternalCluster): Promise<string[]> {
  return (await consumerGroups(cluster)).map((g) => g.groupId);
}

/** Kafka's state names, case-insensitively: "stable,empty" → Stable, Empty. */
function parseStates(list: string): Set<GroupState> {
  const out = new Set<GroupState>();
  for (const s of list.split(',').map((x) => x.trim()).filter((x) => x !== '')) {
    const found = STATES.find((x) => x.toLowerCase() === s.toLowerCase());
    if (!found) throw new UsageError(`Invalid state list '${list}'. Valid states are: ${STATES.join(', ')}`);
    out.add(found);
  }
  return out;
}

async function listGroups(cluster: ExternalCluster, a: ParsedArgs, state: string | undefined, io: Output): Promise<number> {
  const wanted = state ? parseStates(state) : undefined;
  const groups = (await consumerGroups(cluster)).filter((g) => !wanted || wanted.has(g.state));
  if (a.flags.has('json')) {
    io.out(json({ groups: groups.map((g) => ({ group: g.groupId, state: g.state, protocolType: g.protocolType, members: g.members, coordinator: g.coordinator, totalLag: g.totalLag, uncommitted: g.uncommitted, topics: g.topics })) }));
  } else if (state === undefined) {
    for (const g of groups) io.out(g.groupId);
  } else {
    const width = Math.max(15, ...groups.map((g) => g.groupId.length)) + 10;
    for (const l of table(['GROUP', 'STATE'], groups.map((g) => [g.groupId, g.state]), [width, 20])) io.out(l);
  }
  return 0;
}

// -- describe -------------------------------------------------------------------------------------------------------

async function describeOne(cluster: ExternalCluster, groupId: string): Promise<GroupDescription> {
  try {
    return await cluster.describeGroup(groupId);
  } catch (e) {
    if (e instanceof KafkaError && e.errorName === 'GROUP_ID_NOT_FOUND') throw new KafkaError('GROUP_ID_NOT_FOUND', `Consumer group '${groupId}' does not exist.`);
    throw e;
  }
}

function assignmentText(assignment: Array<{ topic: string; partitions: number[] }>): string {
  const parts = assignment.filter((t) => t.partitions.length).map((t) => `${t.topic}:${[...t.partitions].sort((x, y) => x - y).join(',')}`);
  return parts.length ? parts.sort().join(';') : MISSING;
}

async function describeGroups(cluster: ExternalCluster, groupIds: string[], a: ParsedArgs, stateVariant: boolean, io: Output): Promise<number> {
  const members = a.flags.has('members');
  const nodes = new Map((await cluster.status()).nodes.map((n) => [n.id, n]));
  const described: GroupDescription[] = [];
  for (const id of [...new Set(groupIds)].sort()) described.push(await describeOne(cluster, id));
  if (a.flags.has('json')) {
    io.out(json({ groups: described.map((d) => groupJson(d, nodes)) }));
    return 0;
  }
  for (const d of described) {
    const hosts = new Map(d.members.map((m) => [m.memberId, m]));
    if (d.state === 'Empty') io.err(`\nConsumer group '${d.groupId}' has no active members.`);
    else if (['PreparingRebalance', 'CompletingRebalance', 'Assigning', 'Reconciling'].includes(d.state)) io.err(`\nWarning: Consumer group '${d.groupId}' is rebalancing.`);
    if (stateVariant) {
      const node = nodes.get(d.coordinator);
      const coordinator = node ? `${node.host}:${node.port}  (${node.id})` : `${MISSING}  (${d.coordinator})`;
      io.out('');
      const rows = [[d.groupId, coordinator, d.protocol || MISSING, d.state, String(d.members.length)]];
      for (const l of table(['GROUP', 'COORDINATOR (ID)', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS'], rows, [15, 25, 20, 20])) io.out(l);
      continue;
    }
    if (members) {
      if (!d.members.length) continue;
      const withInstance = d.members.some((m) => m.groupInstanceId);
      const verbose = a.flags.has('verbose');
      const header = ['GROUP', 'CONSUMER-ID', ...(withInstance ? ['GROUP-INSTANCE-ID'] : []), 'HOST', 'CLIENT-ID', '#PARTITIONS', ...(verbose ? ['ASSIGNMENT'] : [])];
      const rows = d.members.map((m) => [
        d.groupId,
        m.memberId,
        ...(withInstance ? [m.groupInstanceId ?? ''] : []),
        m.clientHost,
        m.clientId,
        String(m.assignment.reduce((n, t) => n + t.partitions.length, 0)),
        ...(verbose ? [assignmentText(m.assignment)] : []),
      ]);
      io.out('');
      for (const l of table(header, rows, [15, 15, ...(withInstance ? [17] : []), 15, 15, 15])) io.out(l);
      continue;
    }
    if (!d.offsets.length) continue;
    const rows = d.offsets.map((o) => {
      const owner = o.owner ? hosts.get(o.owner.memberId) : undefined;
      const lag = o.lag === null ? MISSING : o.lagFrom === 'log-start' ? `${o.lag}*` : String(o.lag);
      return [d.groupId, o.topic, String(o.partition), o.committed === null ? MISSING : String(o.committed), o.endOffset < 0 ? MISSING : String(o.endOffset), lag, owner?.memberId ?? MISSING, owner?.clientHost ?? MISSING, owner?.clientId ?? MISSING];
    });
    io.out('');
    for (const l of table(['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'], rows, [15, 15, 10, 15, 15, 15, 15, 15])) io.out(l);
    if (d.offsets.some((o) => o.lagFrom === 'log-start')) io.out(LOG_START_FOOTNOTE);
  }
  return 0;
}

function groupJson(d: GroupDescription, nodes: Map<number, { host: string; port: number | null }>) {
  const byId = new Map(d.members.map((m) => [m.memberId, m]));
  const node = nodes.get(d.coordinator);
  return {
    group: d.groupId,
    state: d.state,
    protocolType: d.protocolType,
    assignmentStrategy: d.protocol,
    coordinator: { id: d.coordinator, host: node?.host ?? null, port: node?.port ?? null },
    members: d.members.map((m) => ({
      consumerId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      host: m.clientHost,
      clientId: m.clientId,
      partitions: m.assignment.flatMap((t) => t.partitions.map((p) => ({ topic: t.topic, partition: p }))),
    })),
    offsets: d.offsets.map((o) => {
      const owner = o.owner ? byId.get(o.owner.memberId) : undefined;
      return {
        topic: o.topic,
        partition: o.partition,
        currentOffset: o.committed,
        logStartOffset: o.logStartOffset,
        logEndOffset: o.endOffset,
        lag: o.lag,
        lagFrom: o.lagFrom,
        consumerId: owner?.memberId ?? null,
        host: owner?.clientHost ?? null,
        clientId: owner?.clientId ?? null,
      };
    }),
    totalLag: d.totalLag,
    uncommitted: d.uncommitted,
  };
}

// -- reset-offsets --------------------------------------------------------------------------------------------------

/**
 * Kafka's --to-datetime: 'YYYY-MM-DDTHH:mm:SS.sss', in UTC unless a zone (Z, +01:00, -0500) is given, as
 * kafka-consumer-groups (Utils.getDateTime) reads it; milliseconds may be left out.
 */
export function parseKafkaDateTime(text: string): number {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d{1,3})?(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(text.trim());
  const bad = () => new UsageError(`--to-datetime takes YYYY-MM-DDTHH:mm:SS.sss (UTC unless a zone such as Z or +02:00 is given), not ${text}`);
  if (!m) throw bad();
  let zone = m[4] ?? 'Z';
  if (zone !== 'Z') zone = zone.length === 3 ? `${zone}:00` : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  const ms = Date.parse(`${m[1]}T${m[2]}${m[3] ?? ''}${zone}`);
  if (!Number.isFinite(ms)) throw bad();
  return ms;
}

/** Java's Duration.parse, as --by-duration takes it: PnDTnHnMn.nS (e.g. PT1H, P1DT30M). In milliseconds. */
export function parseIsoDuration(text: string): number {
  const m = /^([-+]?)P(?:([-+]?\d+)D)?(?:T(?:([-+]?\d+)H)?(?:([-+]?\d+)M)?(?:([-+]?\d+)(?:[.,](\d{0,9}))?S)?)?$/i.exec(text.trim());
  if (!m || /T$/i.test(text.trim()) || text.trim().replace(/^[-+]/, '').toUpperCase() === 'P') throw new UsageError(`--by-duration takes an ISO-8601 duration PnDTnHnMn.nS (PT1H, P1DT12H), not ${text}`);
  const n = (s: string | undefined) => (s ? Number(s) : 0);
  const fraction = m[6] ? Number(`0.${m[6]}`) * (n(m[5]) < 0 || m[5]?.startsWith('-') ? -1 : 1) : 0;
  const ms = n(m[2]) * 86_400_000 + n(m[3]) * 3_600_000 + n(m[4]) * 60_000 + (n(m[5]) + fraction) * 1000;
  return Math.round(m[1] === '-' ? -ms : ms);
}

function integer(a: ParsedArgs, name: string): number {
  const v = last(a, name)!;
  const n = Number(v);
  if (v.trim() === '' || !Number.isSafeInteger(n)) throw new UsageError(`--${name} takes a whole number, not ${v}`);
  return n;
}

function resetTarget(a: ParsedArgs): ResetTarget {
  const given = [...['to-earliest', 'to-latest', 'to-current'].filter((f) => a.flags.has(f)), ...['to-offset', 'shift-by', 'to-datetime', 'by-duration'].filter((o) => a.options.has(o))];
  if (given.length !== 1) {
    throw new UsageError(`reset-offsets takes exactly one of --to-earliest, --to-latest, --to-current, --to-offset N, --shift-by N, --to-datetime DATETIME, --by-duration DURATION${given.length ? ` (given: --${given.join(', --')})` : ''}`);
  }
  if (a.flags.has('dry-run') && a.flags.has('execute')) throw new UsageError('--dry-run and --execute cannot be given together');
  const scopes = (a.options.has('topic') ? 1 : 0) + (a.flags.has('all-topics') ? 1 : 0);
  if (scopes !== 1) throw new UsageError('One of the reset scopes should be defined: --all-topics, --topic.');
  switch (given[0]) {
    case 'to-earliest':
      return { kind: 'earliest' };
    case 'to-latest':
      return { kind: 'latest' };
    case 'to-current':
      return { kind: 'shift', by: 0 };
    case 'to-offset': {
      const offset = integer(a, 'to-offset');
      if (offset < 0) throw new UsageError(`--to-offset takes an offset (0 or more), not ${offset}`);
      return { kind: 'offset', offset };
    }
    case 'shift-by':
      return { kind: 'shift', by: integer(a, 'shift-by') };
    case 'to-datetime':
      return { kind: 'timestamp', timestamp: parseKafkaDateTime(last(a, 'to-datetime')!) };
    default:
      return { kind: 'timestamp', timestamp: Date.now() - parseIsoDuration(last(a, 'by-duration')!) };
  }
}

/** --topic T (every partition) or T:0,2 (those), as Kafka's parseTopicPartitionsToReset reads them. */
function topicScopes(specs: string[]): Array<{ topic: string; partitions?: number[] }> {
  const scopes = new Map<string, number[] | undefined>();
  for (const spec of specs) {
    const i = spec.lastIndexOf(':');
    if (i < 0) {
      scopes.set(spec, undefined);
      continue;
    }
    const topic = spec.slice(0, i);
    const partitions = spec.slice(i + 1).split(',').map((p) => {
      const n = Number(p);
      if (p.trim() === '' || !Number.isInteger(n) || n < 0) throw new UsageError(`Invalid partition '${p}' specified in topic arg '${spec}'`);
      return n;
    });
    if (!topic) throw new UsageError(`Invalid topic arg '${spec}', expected topic name and partitions`);
    const before = scopes.get(topic);
    scopes.set(topic, scopes.has(topic) && before === undefined ? undefined : [...new Set([...(before ?? []), ...partitions])].sort((x, y) => x - y));
  }
  return [...scopes].map(([topic, partitions]) => ({ topic, partitions }));
}

async function groupState(cluster: ExternalCluster, groupId: string): Promise<{ state: GroupState; description?: GroupDescription }> {
  try {
    const description = await cluster.describeGroup(groupId);
    return { state: description.state, description };
  } catch (e) {
    if (e instanceof KafkaError && e.errorName === 'GROUP_ID_NOT_FOUND') return { state: 'Dead' };
    throw e;
  }
}

async function resetOffsets(cluster: ExternalCluster, groupIds: string[], to: ResetTarget, a: ParsedArgs, io: Output): Promise<number> {
  const execute = a.flags.has('execute');
  const done: Array<ResetPlanRow & { group: string }> = [];
  for (const groupId of [...new Set(groupIds)]) {
    const { state, description } = await groupState(cluster, groupId);
    // Kafka refuses the dry run too: the plan of a group whose members commit as they go would be stale at once.
    if (state !== 'Empty' && state !== 'Dead') throw new KafkaError('NON_EMPTY_GROUP', `Assignments can only be reset if the group '${groupId}' is inactive, but the current state is ${state}.`);
    let scopes: Array<{ topic: string; partitions?: number[] }>;
    if (a.flags.has('all-topics')) {
      // Kafka's --all-topics: the partitions the group has committed offsets for.
      const committed = new Map<string, number[]>();
      for (const o of description?.offsets ?? []) if (o.committed !== null) committed.set(o.topic, [...(committed.get(o.topic) ?? []), o.partition]);
      scopes = [...committed].map(([topic, partitions]) => ({ topic, partitions }));
    } else scopes = topicScopes(a.options.get('topic') ?? []);
    const plans: ResetPlanRow[][] = [];
    for (const s of scopes) {
      const plan = await cluster.planReset({ groupId, topic: s.topic, partitions: s.partitions, to });
      if (to.kind === 'shift' && to.by !== 0) {
        const none = plan.find((r) => r.current === null);
        if (none) throw new Error(`Cannot shift offset for partition ${none.topic}-${none.partition} since there is no current committed offset`);
      }
      for (const r of plan) {
        const asked = to.kind === 'offset' ? to.offset : to.kind === 'shift' && r.current !== null ? r.current + to.by : undefined;
        if (asked === undefined || asked === r.target) continue;
        io.err(`tributary: warning: New offset (${asked}) is ${asked > r.target ? 'higher than latest' : 'lower than earliest'} offset for topic partition ${r.topic}-${r.partition}. Value will be set to ${r.target}.`);
      }
      plans.push(plan);
    }
    // The commit plans again (and checks the state again): what it returns is what was committed.
    if (execute) for (let i = 0; i < scopes.length; i++) plans[i] = await cluster.resetOffsets({ groupId, topic: scopes[i].topic, partitions: scopes[i].partitions, to });
    for (const plan of plans) for (const r of plan) done.push({ ...r, group: groupId });
  }
  done.sort((x, y) => (x.group < y.group ? -1 : x.group > y.group ? 1 : x.topic < y.topic ? -1 : x.topic > y.topic ? 1 : x.partition - y.partition));
  if (a.flags.has('json')) {
    io.out(json({ dryRun: !execute, offsets: done.map((r) => ({ group: r.group, topic: r.topic, partition: r.partition, currentOffset: r.current, newOffset: r.target })) }));
  } else {
    io.out('');
    const rows = done.map((r) => [r.group, r.topic, String(r.partition), String(r.target)]);
    if (rows.length) for (const l of table(['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'], rows, [15, 15, 10])) io.out(l);
  }
  if (!execute) io.err('Dry run: nothing was changed. Run again with --execute to commit these offsets.');
  return 0;
}

// -- delete ---------------------------------------------------------------------------------------------------------

async function deleteGroups(cluster: ExternalCluster, groupIds: string[], a: ParsedArgs, io: Output): Promise<number> {
  const deleted: string[] = [];
  const failed: Array<{ group: string; error: string; message: string }> = [];
  for (const g of [...new Set(groupIds)]) {
    try {
      await cluster.deleteGroup(g);
      deleted.push(g);
    } catch (e) {
      const name = e instanceof KafkaError ? e.errorName : 'UNKNOWN_SERVER_ERROR';
      failed.push({ group: g, error: name, message: (e as Error).message });
    }
  }
  if (a.flags.has('json')) io.out(json({ deleted, failed }));
  else if (!failed.length) io.out(`Deletion of requested consumer groups (${deleted.map((g) => `'${g}'`).join(', ')}) was successful.`);
  else {
    io.err('Error: Deletion of some consumer groups failed:');
    for (const f of failed) io.err(`* Group '${f.group}' could not be deleted due to: ${f.error}${f.message && f.message !== f.error ? `: ${f.message}` : ''}`);
    if (deleted.length) io.out(`These consumer groups were deleted successfully: ${deleted.map((g) => `'${g}'`).join(', ')}`);
  }
  return failed.length ? 1 : 0;
}
