/**
 * `tributary configs`: Kafka's kafka-configs.sh over the Kafka protocol, against any cluster, for client quotas (and
 * topic configs, as `topics alter-config` does):
 *   --describe | --alter [--add-config k=v,...] [--delete-config k,...]
 *   --entity-type users|clients|ips|topics with --entity-name N or --entity-default, the pair repeated for a user's
 *   client (--entity-type users --entity-name alice --entity-type clients --entity-name app); or Kafka's shortcuts
 *   --user U, --client C, --ip I, --user-defaults, --client-defaults, --ip-defaults, --topic T
 * scripts/kafka-tools/bin/kafka-configs.sh runs it. Its checks, messages and output are kafka-configs.sh's: a describe
 * asks for the entities with exactly the given types (Kafka's strict filter), a type without a name matching every
 * entity of that type; values print as Java prints doubles (1024.0, 1.048576E7), in the order Kafka's tool lists
 * them. Not covered: SCRAM credentials of users (kafka-configs.sh lists and alters them too) and broker configs.
 * --json prints JSON instead.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { ExternalCluster } from '../clusters/external-cluster';
import { parseArgs, UsageError, type ParsedArgs } from './args';
import { CLIENT_OPTIONS, json, withCluster, type Output } from './kafka-client';
import { parseAddConfig } from './topics';
import {
  CLIENT_QUOTA_KEYS,
  IP_QUOTA_KEYS,
  QuotaMatchType,
  javaHashMapOrder,
  javaStringHash,
  type QuotaEntity,
  type QuotaEntityType,
  type QuotaFilterComponent,
  type StoredClientQuota,
} from '../broker/quota/client-quota-entity';

const VALUE_OPTIONS = new Set(['entity-type', 'entity-name', 'add-config', 'delete-config', 'user', 'client', 'ip', 'topic', ...CLIENT_OPTIONS]);
const FLAGS = new Set(['describe', 'alter', 'entity-default', 'user-defaults', 'client-defaults', 'ip-defaults', 'all', 'force', 'json']);

/** Kafka's entity types (ConfigType) with the quota entity type of each; topics are configs, not quotas. */
const QUOTA_TYPES: Record<string, QuotaEntityType> = { users: 'user', clients: 'client-id', ips: 'ip' };
const KAFKA_TYPES = ['topics', 'clients', 'users', 'brokers', 'ips', 'broker-loggers', 'client-metrics', 'groups'];
/** The entity flags, in the order Kafka's tool lists their types and names. */
const ENTITY_FLAGS: Array<[string, string]> = [
  ['topic', 'topics'],
  ['client', 'clients'],
  ['user', 'users'],
  ['ip', 'ips'],
];
const DEFAULT_FLAGS: Array<[string, string]> = [
  ['client-defaults', 'clients'],
  ['user-defaults', 'users'],
  ['ip-defaults', 'ips'],
];
const SCRAM_MECHANISMS = ['SCRAM-SHA-256', 'SCRAM-SHA-512'];

/** How kafka-configs.sh names each quota entity type in its output. */
const TYPE_TEXT: Record<QuotaEntityType, string> = { user: 'user-principal', 'client-id': 'client-id', ip: 'ip' };

/** The entity names in command-line order, "" for a default: --entity-name and --entity-default as given, then the flags. */
function entityNames(argv: string[], a: ParsedArgs): string[] {
  const given: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--entity-default') given.push('');
    else if (argv[i] === '--entity-name') given.push(argv[++i] ?? '');
    else if (argv[i].startsWith('--entity-name=')) given.push(argv[i].slice('--entity-name='.length));
  }
  return [...given, ...ENTITY_FLAGS.filter(([flag]) => a.options.has(flag)).map(([flag]) => a.options.get(flag)!.at(-1)!), ...DEFAULT_FLAGS.filter(([flag]) => a.flags.has(flag)).map(() => '')];
}

function entityTypes(a: ParsedArgs): string[] {
  return [...(a.options.get('entity-type') ?? []), ...ENTITY_FLAGS.filter(([flag]) => a.options.has(flag)).map(([, t]) => t), ...DEFAULT_FLAGS.filter(([flag]) => a.flags.has(flag)).map(([, t]) => t)];
}

/** Java's InetAddress.getByName accepts addresses and names that resolve. */
async function isValidIpEntity(name: string): Promise<boolean> {
  if (isIP(name) || isIP(name.replace(/^\[(.*)\]$/, '$1')) === 6) return true;
  return lookup(name).then(
    () => true,
    () => false,
  );
}

/** kafka-configs.sh's checkArgs, in its order and with its messages. */
async function checkArgs(a: ParsedArgs, types: string[], names: string[]): Promise<'describe' | 'alter'> {
  const actions = (['describe', 'alter'] as const).filter((f) => a.flags.has(f));
  if (actions.length !== 1) throw new UsageError('Command must include exactly one action: --describe, --alter');
  const action = actions[0];
  if (action === 'describe') {
    const alterOnly = ['add-config', 'delete-config'].find((o) => a.options.has(o));
    if (alterOnly) throw new UsageError(`Option "[describe]" can't be used with option "[${alterOnly}]"`);
  }
  const duplicates = types.filter((t, i) => types.indexOf(t) !== i);
  if (duplicates.length) throw new UsageError(`Duplicate entity type(s) specified: ${[...new Set(duplicates)].join(',')}`);
  for (const t of types) {
    if (!KAFKA_TYPES.includes(t)) throw new UsageError(`Invalid entity type ${t}, the entity type must be one of ${KAFKA_TYPES.join(', ')} with a --bootstrap-server or --bootstrap-controller argument`);
    if (!(t in QUOTA_TYPES) && t !== 'topics') throw new UsageError(`tributary configs handles users, clients, ips and topics, not ${t}`);
  }
  if (!types.length) throw new UsageError('At least one entity type must be specified');
  if (types.length > 1 && !(types.length === 2 && types.includes('users') && types.includes('clients'))) throw new UsageError("Only 'users' and 'clients' entity types may be specified together");
  const generic = a.options.has('entity-name') || a.options.has('entity-type') || a.flags.has('entity-default');
  if (generic && (ENTITY_FLAGS.some(([f]) => a.options.has(f)) || DEFAULT_FLAGS.some(([f]) => a.flags.has(f)))) {
    throw new UsageError('--entity-{type,name,default} should not be used in conjunction with specific entity flags');
  }
  const hasName = names.some((n) => n !== '');
  const hasDefault = names.some((n) => n === '');
  if (hasName && types.includes('ips')) {
    for (const ip of [...(a.options.get('entity-name') ?? []), ...(a.options.get('ip') ?? [])]) {
      if (!(await isValidIpEntity(ip))) throw new UsageError(`The entity name for ${types[0]} must be a valid IP or resolvable host, but it is: ${ip}`);
    }
  }
  if (action === 'describe' && a.flags.has('entity-default') && !types.some((t) => t in QUOTA_TYPES)) {
    throw new UsageError(`--entity-default must not be specified with --describe of ${types.join(',')}`);
  }
  if (action === 'alter') {
    if (types.some((t) => t in QUOTA_TYPES)) {
      if (!hasName && !hasDefault) throw new UsageError('An entity-name or default entity must be specified with --alter of users, clients, brokers or ips');
    } else if (!hasName) throw new UsageError(`An entity name must be specified with --alter of ${types.join(',')}`);
    if (!a.options.has('add-config') && !a.options.has('delete-config')) throw new UsageError('At least one of --add-config, --add-config-file, or --delete-config must be specified with --alter');
    if (types.length !== names.length) throw new UsageError('An entity name must be specified for every entity type');
  }
  return action;
}

export async function configsCommand(argv: string[], out: Output): Promise<number> {
  const a = parseArgs(argv, VALUE_OPTIONS, FLAGS);
  if (a.positional.length) throw new UsageError(`unexpected argument ${a.positional[0]}`);
  const types = entityTypes(a);
  const names = entityNames(argv, a);
  const action = await checkArgs(a, types, names);
  return withCluster(a, 'configs', out, async (cluster) => {
    if (types[0] === 'topics') return action === 'alter' ? alterTopic(cluster, a, names[0], out) : describeTopics(cluster, a, names[0], out);
    return action === 'alter' ? alterQuotas(cluster, a, types, names, out) : describeQuotas(cluster, a, types, names, out);
  });
}

// -- client quotas ----------------------------------------------------------------------------------------------

/** The strict filter kafka-configs.sh describes with: a name matches exactly, "" the default, no name any entity of the type. */
function quotaFilter(types: string[], names: string[]): QuotaFilterComponent[] {
  if (names.length > types.length) throw new UsageError('More entity names specified than entity types');
  return types.map((t, i) => {
    const entityType = QUOTA_TYPES[t];
    const name = names[i];
    if (name === undefined) return { entityType, matchType: QuotaMatchType.SPECIFIED, match: null };
    return name === '' ? { entityType, matchType: QuotaMatchType.DEFAULT, match: null } : { entityType, matchType: QuotaMatchType.EXACT, match: name };
  });
}

const describe = (cluster: ExternalCluster, types: string[], names: string[]) => cluster.describeClientQuotas({ components: quotaFilter(types, names), strict: true });

/** Java's Double.toString: a decimal from 10^-3 up to 10^7, computerized scientific notation outside. */
export function javaDouble(d: number): string {
  if (!Number.isFinite(d)) return Number.isNaN(d) ? 'NaN' : d > 0 ? 'Infinity' : '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(d);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(d);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa, exponent] = d.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

/**
 * The entities in the order kafka-configs.sh prints them: it reads the answer into java.util.HashMaps (entities keyed
 * by ClientQuotaEntity, whose hash is 31 + the sum of each type's hash ^ its name's hash; values by key).
 */
function inKafkaOrder(quotas: StoredClientQuota[]): Array<{ entity: QuotaEntity; values: Array<[string, number]> }> {
  const entityHash = (e: QuotaEntity) => (31 + Object.entries(e).reduce((sum, [t, n]) => (sum + (javaStringHash(t) ^ javaStringHash(n ?? null))) | 0, 0)) | 0;
  return javaHashMapOrder(quotas, (q) => entityHash(q.entity), quotas.length).map((q) => {
    const keys = javaHashMapOrder(Object.keys(q.values), javaStringHash, Object.keys(q.values).length);
    return { entity: q.entity, values: keys.map((k) => [k, q.values[k]] as [string, number]) };
  });
}

function entityText(e: QuotaEntity): string {
  return (['user', 'client-id', 'ip'] as const)
    .filter((t) => t in e)
    .map((t) => (e[t] == null ? `the default ${TYPE_TEXT[t]}` : `${TYPE_TEXT[t]} '${e[t]}'`))
    .join(', ');
}

async function describeQuotas(cluster: ExternalCluster, a: ParsedArgs, types: string[], names: string[], io: Output): Promise<number> {
  const quotas = inKafkaOrder(await describe(cluster, types, names));
  if (a.flags.has('json')) io.out(json({ quotas: quotas.map((q) => ({ entity: q.entity, values: Object.fromEntries(q.values) })) }));
  else for (const q of quotas) io.out(`Quota configs for ${entityText(q.entity)} are ${q.values.map(([k, v]) => `${k}=${javaDouble(v)}`).join(', ')}`);
  return 0;
}

/** Java's Double.parseDouble, which the tool parses each value with. */
function quotaValue(key: string, value: string): number {
  const v = value.trim();
  if (/^[+-]?(NaN|Infinity)$/.test(v) || /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[fFdD]?$/.test(v)) return Number(v.replace(/[fFdD]$/, ''));
  throw new UsageError(`Cannot parse quota configuration value for ${key}: ${value}`);
}

function configChanges(a: ParsedArgs): { added: Record<string, string>; deleted: string[] } {
  const added: Record<string, string> = {};
  for (const spec of a.options.get('add-config') ?? []) Object.assign(added, parseAddConfig(spec));
  for (const key of Object.keys(added)) if (!/^[a-zA-Z0-9._-]*$/.test(key)) throw new UsageError(`Invalid character found for config key: ${key}`);
  const deleted = (a.options.get('delete-config') ?? []).flatMap((s) => s.split(',')).map((s) => s.trim());
  return { added, deleted };
}

async function alterQuotas(cluster: ExternalCluster, a: ParsedArgs, types: string[], names: string[], io: Output): Promise<number> {
  const { added, deleted } = configChanges(a);
  const given = [...Object.keys(added), ...deleted];
  const ipOnly = types[0] === 'ips';
  const allowed: readonly string[] = ipOnly ? IP_QUOTA_KEYS : CLIENT_QUOTA_KEYS;
  const unknown = given.filter((k) => !allowed.includes(k));
  if (ipOnly && unknown.length) throw new UsageError(`Only connection quota configs can be added for 'ips' using --bootstrap-server. Unexpected config names: ${unknown.join(',')}`);
  if (unknown.some((k) => SCRAM_MECHANISMS.includes(k))) throw new UsageError('SCRAM credential configs are not supported by tributary configs: only quota configs');
  const verb = (k: string) => (k in added ? 'added' : 'deleted');
  if (unknown.length) {
    const forClients = types[0] === 'clients' || types.length === 2;
    throw new UsageError(`Only quota${forClients ? '' : ' and SCRAM credential'} configs can be ${verb(unknown[0])} for '${forClients ? 'clients' : 'users'}' using --bootstrap-server. Unexpected config names: ${unknown.join(',')}`);
  }
  const entity: QuotaEntity = Object.fromEntries(types.map((t, i) => [QUOTA_TYPES[t], names[i] === '' ? null : names[i]]));
  const current = (await describe(cluster, types, names))[0]?.values ?? {};
  const missing = deleted.filter((k) => !(k in current));
  if (missing.length) throw new Error(`Invalid config(s): ${missing.join(',')}`);
  const ops: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(added)) ops[k] = quotaValue(k, v);
  for (const k of deleted) ops[k] = null;
  await cluster.alterClientQuotas([{ entity, ops }]);
  if (a.flags.has('json')) io.out(json({ entity, added: Object.fromEntries(Object.entries(added).map(([k]) => [k, ops[k]])), deleted }));
  else io.out(completed(types[0], names[0]));
  return 0;
}

function completed(type: string, name: string): string {
  return name !== '' ? `Completed updating config for ${type.slice(0, -1)} ${name}.` : `Completed updating default config for ${type} in the cluster.`;
}

// -- topics -----------------------------------------------------------------------------------------------------

async function alterTopic(cluster: ExternalCluster, a: ParsedArgs, topic: string, io: Output): Promise<number> {
  const { added, deleted } = configChanges(a);
  const before = await cluster.getTopicConfigs(topic);
  const missing = deleted.filter((k) => !before.some((c) => c.name === k && c.source === 'DYNAMIC_TOPIC_CONFIG'));
  if (missing.length) throw new Error(`Invalid config(s): ${missing.join(',')}`);
  const changes: Record<string, string | null> = { ...added };
  for (const k of deleted) changes[k] = null;
  await cluster.setTopicConfigs(topic, changes);
  if (a.flags.has('json')) io.out(json({ topic, added, deleted }));
  else io.out(completed('topics', topic));
  return 0;
}

async function describeTopics(cluster: ExternalCluster, a: ParsedArgs, topic: string | undefined, io: Output): Promise<number> {
  const all = a.flags.has('all');
  const topics = topic !== undefined ? [topic] : (await cluster.listTopics()).map((t) => t.name);
  const described: Array<{ topic: string; configs: Record<string, string | null> }> = [];
  for (const name of topics) {
    const configs = (await cluster.getTopicConfigs(name)).filter((c) => all || c.source === 'DYNAMIC_TOPIC_CONFIG');
    described.push({ topic: name, configs: Object.fromEntries(configs.map((c) => [c.name, c.value])) });
    if (a.flags.has('json')) continue;
    io.out(`${all ? 'All' : 'Dynamic'} configs for topic ${name} are:`);
    // Only the topic's own synonym is known here: Kafka lists the broker-wide ones behind it too.
    for (const c of configs) io.out(`  ${c.name}=${c.value} sensitive=false synonyms={${c.source === 'DYNAMIC_TOPIC_CONFIG' ? `DYNAMIC_TOPIC_CONFIG:${c.name}=${c.value}` : ''}}`);
  }
  if (a.flags.has('json')) io.out(json({ topics: described }));
  return 0;
}
