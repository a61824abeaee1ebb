/**
 * `tributary acls`: Kafka's kafka-acls.sh over the Kafka protocol, against any cluster with an authorizer (Tributary
 * started with --config authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer, or Kafka):
 *   --add | --remove [--force] | --list
 *   resources   --topic T (repeatable) | --group G | --cluster | --transactional-id X, with --resource-pattern-type
 *               literal (default) | prefixed, and any | match for --list and --remove
 *   entries     --allow-principal P / --deny-principal P (repeatable), --allow-host / --deny-host (default *),
 *               --operation O (repeatable; default All); --principal P filters --list
 *   shortcuts   --producer (WRITE, DESCRIBE, CREATE on the topics; WRITE and DESCRIBE on --transactional-id;
 *               IDEMPOTENT_WRITE on the cluster with --idempotent), --consumer (READ and DESCRIBE on the topics,
 *               READ on the --group)
 * scripts/kafka-tools/bin/kafka-acls.sh runs it, so tools and test suites that call Kafka's script work without Java.
 * As kafka-acls.sh, --remove without principals removes every ACL of the resource. --json prints JSON instead.
 */
import type { ExternalCluster } from '../clusters/external-cluster';
import { parseArgs, UsageError, type ParsedArgs } from './args';
import { CLIENT_OPTIONS, json, withCluster, type Output } from './kafka-client';
import {
  CLUSTER_NAME,
  PatternType,
  PermissionType,
  operationCode,
  operationName,
  patternTypeCode,
  patternTypeName,
  permissionTypeName,
  resourceTypeName,
  type AclBinding,
  type AclBindingFilter,
} from '../broker/security/acl-binding';
import { AclOperation, ResourceType } from '../broker/security/acl-operations';

const VALUE_OPTIONS = new Set(['topic', 'group', 'transactional-id', 'resource-pattern-type', 'allow-principal', 'deny-principal', 'allow-host', 'deny-host', 'operation', 'principal', ...CLIENT_OPTIONS]);
const FLAGS = new Set(['add', 'remove', 'list', 'force', 'cluster', 'producer', 'consumer', 'idempotent', 'json']);

interface Resource {
  resourceType: number;
  name: string;
}

function resources(a: ParsedArgs): Resource[] {
  return [
    ...(a.options.get('topic') ?? []).map((name) => ({ resourceType: ResourceType.TOPIC, name })),
    ...(a.options.get('group') ?? []).map((name) => ({ resourceType: ResourceType.GROUP, name })),
    ...(a.flags.has('cluster') ? [{ resourceType: ResourceType.CLUSTER, name: CLUSTER_NAME }] : []),
    ...(a.options.get('transactional-id') ?? []).map((name) => ({ resourceType: ResourceType.TRANSACTIONAL_ID, name })),
  ];
}

/** The operations each resource gets: --operation, or the --producer / --consumer sets. */
function operationsFor(a: ParsedArgs, r: Resource): number[] {
  const O = AclOperation;
  if (a.flags.has('producer') || a.flags.has('consumer')) {
    const ops: number[] = [];
    if (a.flags.has('producer')) {
      if (r.resourceType === ResourceType.TOPIC) ops.push(O.WRITE, O.DESCRIBE, O.CREATE);
      if (r.resourceType === ResourceType.TRANSACTIONAL_ID) ops.push(O.WRITE, O.DESCRIBE);
      if (r.resourceType === ResourceType.CLUSTER && a.flags.has('idempotent')) ops.push(O.IDEMPOTENT_WRITE);
    }
    if (a.flags.has('consumer')) {
      if (r.resourceType === ResourceType.TOPIC) ops.push(O.READ, O.DESCRIBE);
      if (r.resourceType === ResourceType.GROUP) ops.push(O.READ);
    }
    return [...new Set(ops)];
  }
  const given = a.options.get('operation') ?? ['All'];
  return given.map((o) => {
    try {
      return operationCode(o);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  });
}

function patternType(a: ParsedArgs, allowed: number[]): number {
  const given = a.options.get('resource-pattern-type')?.at(-1) ?? 'literal';
  let code: number;
  try {
    code = patternTypeCode(given);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (!allowed.includes(code)) throw new UsageError(`--resource-pattern-type ${given} is not valid here (${allowed.map((c) => patternTypeName(c).toLowerCase()).join(', ')})`);
  return code;
}

/** Every (principal, host) pair of one permission: Kafka's tool crosses the principals with the hosts. */
function entries(a: ParsedArgs, permission: 'allow' | 'deny'): Array<{ principal: string; host: string; permissionType: number }> {
  const principals = a.options.get(`${permission}-principal`) ?? [];
  const hosts = a.options.get(`${permission}-host`) ?? (principals.length ? ['*'] : []);
  if (hosts.length && !principals.length) throw new UsageError(`--${permission}-host needs --${permission}-principal`);
  const permissionType = permission === 'allow' ? PermissionType.ALLOW : PermissionType.DENY;
  return principals.flatMap((principal) => hosts.map((host) => ({ principal, host, permissionType })));
}

const patternText = (resourceType: number, name: string, pattern: number) => `ResourcePattern(resourceType=${resourceTypeName(resourceType)}, name=${name}, patternType=${patternTypeName(pattern)})`;
const entryText = (b: AclBinding) => `(principal=${b.principal}, host=${b.host}, operation=${operationName(b.operation)}, permissionType=${permissionTypeName(b.permissionType)})`;

export async function aclsCommand(argv: string[], out: Output): Promise<number> {
  const a = parseArgs(argv, VALUE_OPTIONS, FLAGS);
  if (a.positional.length) throw new UsageError(`unexpected argument ${a.positional[0]}`);
  const actions = ['add', 'remove', 'list'].filter((f) => a.flags.has(f));
  if (actions.length !== 1) throw new UsageError('acls takes exactly one of --add, --remove, --list');
  const action = actions[0];
  if ((a.flags.has('producer') || a.flags.has('consumer')) && action !== 'add') throw new UsageError('--producer and --consumer go with --add');
  if (a.flags.has('consumer') && !a.options.has('group')) throw new UsageError('--consumer needs --group');
  return withCluster(a, 'acls', out, (cluster) => runAcls(cluster, action, a, out));
}

async function runAcls(cluster: ExternalCluster, action: string, a: ParsedArgs, io: Output): Promise<number> {
  const asJson = a.flags.has('json');
  const rs = resources(a);
  const listOf = async (filters: AclBindingFilter[]) => (await Promise.all(filters.map((f) => cluster.describeAcls(f)))).flat();
  const resourceFilter = (r: Resource, pattern: number): AclBindingFilter => ({
    resourceType: r.resourceType,
    resourceName: r.name,
    patternType: pattern,
    principal: null,
    host: null,
    operation: AclOperation.ANY,
    permissionType: PermissionType.ANY,
  });
  const print = (bindings: AclBinding[], heading: string) => {
    if (asJson) return io.out(json(bindings.map(named)));
    const byPattern = new Map<string, AclBinding[]>();
    for (const b of bindings) {
      const key = patternText(b.resourceType, b.resourceName, b.patternType);
      byPattern.set(key, [...(byPattern.get(key) ?? []), b]);
    }
    for (const [key, list] of byPattern) {
      io.out(`${heading} \`${key}\`:`);
      for (const b of list) io.out(` \t${entryText(b)} `);
      io.out('');
    }
  };

  if (action === 'list') {
    const pattern = patternType(a, [PatternType.LITERAL, PatternType.PREFIXED, PatternType.ANY, PatternType.MATCH]);
    const principal = a.options.get('principal')?.at(-1) ?? null;
    const filters: AclBindingFilter[] = rs.length
      ? rs.map((r) => ({ ...resourceFilter(r, pattern), principal }))
      : [{ resourceType: ResourceType.ANY, resourceName: null, patternType: PatternType.ANY, principal, host: null, operation: AclOperation.ANY, permissionType: PermissionType.ANY }];
    print(await listOf(filters), 'Current ACLs for resource');
    return 0;
  }

  if (!rs.length) throw new UsageError(`--${action} needs a resource: --topic, --group, --cluster or --transactional-id`);
  const who = [...entries(a, 'allow'), ...entries(a, 'deny')];
  if (action === 'add') {
    const pattern = patternType(a, [PatternType.LITERAL, PatternType.PREFIXED]);
    if (!who.length) throw new UsageError('--add needs --allow-principal or --deny-principal');
    const bindings = rs.flatMap((r) => operationsFor(a, r).flatMap((operation) => who.map((w) => ({ resourceType: r.resourceType, resourceName: r.name, patternType: pattern, ...w, operation }))));
    if (!bindings.length) throw new UsageError('--producer / --consumer give these resources no operation (topics, a group, a transactional id, or the cluster with --idempotent)');
    if (!asJson) print(bindings, 'Adding ACLs for resource');
    await cluster.createAcls(bindings);
    if (asJson) io.out(json({ added: bindings.map(named) }));
    else print(await listOf(rs.map((r) => resourceFilter(r, pattern))), 'Current ACLs for resource');
    return 0;
  }

  // remove: without principals, every ACL of the resource (kafka-acls.sh asks first; --force is accepted and implied).
  const pattern = patternType(a, [PatternType.LITERAL, PatternType.PREFIXED, PatternType.ANY, PatternType.MATCH]);
  const filters: AclBindingFilter[] = rs.flatMap((r) =>
    who.length
      ? operationsFor(a, r).flatMap((operation) => who.map((w) => ({ ...resourceFilter(r, pattern), principal: w.principal, host: w.host, operation, permissionType: w.permissionType })))
      : [resourceFilter(r, pattern)],
  );
  const removed = await cluster.deleteAcls(filters);
  if (asJson) io.out(json({ removed: removed.map(named) }));
  else print(removed, 'Removed ACLs for resource');
  return 0;
}

/** A binding with Kafka's names instead of codes, for --json. */
function named(b: AclBinding) {
  return {
    resourceType: resourceTypeName(b.resourceType),
    resourceName: b.resourceName,
    patternType: patternTypeName(b.patternType),
    principal: b.principal,
    host: b.host,
    operation: operationName(b.operation),
    permissionType: permissionTypeName(b.permissionType),
  };
}
