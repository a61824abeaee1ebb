/**
 * Authorization as the request handlers ask for it (Kafka's AuthHelper): every check passes when the cluster has no
 * authorizer; with one, each denial is logged as Kafka's authorizer logger logs it, naming the principal, the
 * operation, the resource and the rule that decided, which is what a developer needs to find the missing ACL.
 */
import type { RequestContext } from './handler';
import { AclOperation, OPERATIONS_NOT_REQUESTED, ResourceType, authorizedOperations as everyOperation, operationsBitField, type ResourceTypeCode } from '../../broker/security/acl-operations';
import { CLUSTER_NAME, PatternType, describeBinding, operationName, resourcePatternName } from '../../broker/security/acl-binding';
import type { Rule, Session } from '../../broker/security/standard-authorizer';

export { AclOperation, ResourceType };

function session(ctx: RequestContext): Session {
  // A dual-stack socket reports IPv4 clients as ::ffff:a.b.c.d; ACL hosts are written as Kafka prints addresses.
  return { principal: ctx.principal, host: ctx.clientHost.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1') };
}

/** Whether the connection's principal may perform `operation` on the resource; denials are logged. */
export function authorize(ctx: RequestContext, operation: number, resourceType: number, resourceName: string, logIfDenied = true): boolean {
  const authorizer = ctx.cluster.authorizer;
  if (!authorizer) return true;
  const s = session(ctx);
  const d = authorizer.decide(s, operation, resourceType, resourceName);
  if (!d.allowed && logIfDenied) {
    ctx.server.logger.info(
      `authorizer: Principal = ${s.principal} is Denied operation = ${operationName(operation)} from host = ${s.host} on resource = ${resourcePatternName(resourceType, PatternType.LITERAL, resourceName)} for request = ${ctx.apiName} (connection ${ctx.connectionId}) based on rule ${ruleName(d.rule)}`,
    );
  }
  return d.allowed;
}

export function authorizeCluster(ctx: RequestContext, operation: number, logIfDenied = true): boolean {
  return authorize(ctx, operation, ResourceType.CLUSTER, CLUSTER_NAME, logIfDenied);
}

/**
 * Kafka's AuthHelper.filterByAuthorized on topics: the names the principal may `operation`, each distinct name asked
 * (and its denial logged) once, however many times the request names it.
 */
export function authorizedTopicNames(ctx: RequestContext, operation: number, names: Iterable<string>): Set<string> {
  return new Set([...new Set(names)].filter((name) => authorize(ctx, operation, ResourceType.TOPIC, name)));
}

/**
 * The same, asked lazily as a request's partitions are answered (a partition refused for another reason first never
 * asks): each topic once per request, however many of its partitions the request names.
 */
export function topicAuthorizer(ctx: RequestContext, operation: number): (topic: string) => boolean {
  const known = new Map<string, boolean>();
  return (topic) => {
    let ok = known.get(topic);
    if (ok === undefined) known.set(topic, (ok = authorize(ctx, operation, ResourceType.TOPIC, topic)));
    return ok;
  };
}

/**
 * The cluster's authorized-operations field (Metadata v8-10, DescribeCluster): Kafka reports 0 to a principal that
 * may not DESCRIBE the cluster, rather than listing what it may do.
 */
export function clusterAuthorizedOperations(ctx: RequestContext, requested: boolean): number {
  if (!requested) return OPERATIONS_NOT_REQUESTED;
  return authorizeCluster(ctx, AclOperation.DESCRIBE, false) ? authorizedOperations(ctx, ResourceType.CLUSTER, CLUSTER_NAME, true) : 0;
}

/** Kafka's authorizeByResourceType: allowed on at least one resource of the type. */
export function authorizeAnyOfType(ctx: RequestContext, operation: number, resourceType: number): boolean {
  const authorizer = ctx.cluster.authorizer;
  return !authorizer || authorizer.authorizeByResourceType(session(ctx), operation, resourceType);
}

/**
 * The authorized-operations field of a resource, or INT32_MIN when the client did not ask: the operations of its
 * type the principal may perform (every one without an authorizer, as Kafka reports then).
 */
export function authorizedOperations(ctx: RequestContext, resourceType: ResourceTypeCode, resourceName: string, requested: boolean): number {
  if (!requested) return OPERATIONS_NOT_REQUESTED;
  const authorizer = ctx.cluster.authorizer;
  if (!authorizer) return everyOperation(resourceType, true);
  return operationsBitField(authorizer.authorizedOperations(session(ctx), resourceType, resourceName));
}

function ruleName(rule: Rule): string {
  return rule.kind === 'MatchingAcl' ? `MatchingAcl(acl=${describeBinding(rule.acl)})` : rule.kind;
}
