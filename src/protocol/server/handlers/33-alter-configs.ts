// AlterConfigs v0-2 (the legacy, non-incremental API): a TOPIC resource's overrides, or a BROKER resource's dynamic
// configs (a node's, or the cluster-wide defaults of ""), are replaced by exactly the configs the request lists
// (what it leaves out goes back to its default), all validated first; validateOnly.
import { defineHandler, RequestContext } from '../handler';
import { ErrorCode, KafkaError, errorCodeOf } from '../../../broker/errors';
import { parseTopicConfigs } from '../../../broker/config/topic-config';
import { validateTopicName } from '../../../broker/config/topic-name';
import { ResourceType } from '../../../broker/config/config-entries';
import { AclOperation, ResourceType as AclResourceType, authorize, authorizeCluster } from '../authorize';

interface ResourceResponse {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
}

/** How a config resource the principal may not touch is answered: Kafka's error, and its message or none. */
interface Denial {
  errorCode: number;
  errorMessage: string | null;
}

/**
 * Kafka's authorization of a config resource (ConfigHelper, ControllerApis.authorizeAlterResource): BROKER,
 * BROKER_LOGGER and CLIENT_METRICS resources are the cluster's, TOPIC and GROUP resources their own. The denial, with
 * the error's default message as Kafka sends it, or undefined when allowed or of a type Kafka does not authorize.
 */
export function configResourceDenial(ctx: RequestContext, operation: number, resourceType: number, resourceName: string): Denial | undefined {
  switch (resourceType) {
    case ResourceType.BROKER:
    case ResourceType.BROKER_LOGGER:
    case ResourceType.CLIENT_METRICS:
      return authorizeCluster(ctx, operation) ? undefined : { errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: 'Cluster authorization failed.' };
    case ResourceType.TOPIC:
      return authorize(ctx, operation, AclResourceType.TOPIC, resourceName) ? undefined : { errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: 'Topic authorization failed.' };
    case ResourceType.GROUP:
      return authorize(ctx, operation, AclResourceType.GROUP, resourceName) ? undefined : { errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, errorMessage: 'Group authorization failed.' };
    default:
      return undefined;
  }
}

/** The indexes of resources named more than once (Kafka answers each of them INVALID_REQUEST). */
export function duplicateResourceIndexes(resources: ReadonlyArray<{ resourceType: number; resourceName: string }>): Set<number> {
  const seen = new Map<string, number[]>();
  resources.forEach((r, i) => {
    const k = `${r.resourceType}\u0000${r.resourceName}`;
    seen.set(k, [...(seen.get(k) ?? []), i]);
  });
  return new Set([...seen.values()].filter((l) => l.length > 1).flat());
}

/** Kafka's checks on the config list of one resource before anything else: no key twice, no null value. */
export function checkConfigList(configs: ReadonlyArray<{ name: string; value: string | null }>, nullAllowed: (i: number) => boolean = () => false): void {
  if (new Set(configs.map((c) => c.name)).size !== configs.length) throw new KafkaError('INVALID_REQUEST', 'Error due to duplicate config keys');
  const nulls = configs.filter((c, i) => c.value === null && !nullAllowed(i)).map((c) => c.name);
  if (nulls.length > 0) throw new KafkaError('INVALID_REQUEST', `Null value not supported for : ${nulls.join(', ')}`);
}

/** Checks a topic resource name as Kafka's controller does. */
export function checkTopicResourceName(name: string): void {
  if (name === '') throw new KafkaError('INVALID_REQUEST', 'Default topic resources are not allowed.');
  validateTopicName(name);
}

/**
 * Validates `overrides` as the topic's complete new override set, checks that the topic exists, then (unless
 * validateOnly) installs it. Kafka's order: the configs are validated before the topic's existence is checked.
 */
export function replaceTopicConfigs(ctx: RequestContext, topic: string, overrides: Record<string, string>, validateOnly: boolean): void {
  parseTopicConfigs(overrides);
  if (!ctx.cluster.metadata.topic(topic)) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `The topic '${topic}' does not exist.`);
  if (validateOnly) return;
  ctx.cluster.setTopicConfigs(topic, overrides);
  ctx.server.logger.info(`topic ${topic}: config overrides are now ${JSON.stringify(overrides)}`);
}

/**
 * The level a BROKER resource names: the cluster-wide dynamic defaults ("", null) or this node (its id), as Kafka's
 * ConfigAdminManager checks it; a request for another node's configs goes to that node.
 */
export function brokerResourceLevel(ctx: RequestContext, resourceName: string): number | null {
  if (resourceName === '') return null;
  if (!/^[+-]?\d+$/.test(resourceName)) throw new KafkaError('INVALID_REQUEST', `Node id must be an integer, but it is: ${resourceName}`);
  if (Number(resourceName) !== ctx.nodeId) throw new KafkaError('INVALID_REQUEST', `Unexpected broker id, expected ${ctx.nodeId}, but received ${resourceName}`);
  return ctx.nodeId;
}

/** The response entry of one resource: NONE, the denial `f` returned, or the code and message of what `f` threw. */
export function resourceOutcome(ctx: RequestContext, what: string, r: { resourceType: number; resourceName: string }, f: () => Denial | undefined): ResourceResponse {
  try {
    const denied = f();
    if (denied) return { ...denied, resourceType: r.resourceType, resourceName: r.resourceName };
    return { errorCode: ErrorCode.NONE, errorMessage: null, resourceType: r.resourceType, resourceName: r.resourceName };
  } catch (e) {
    const code = errorCodeOf(e);
    if (code === ErrorCode.UNKNOWN_SERVER_ERROR) ctx.server.logger.error(`${what} of ${r.resourceType}/${r.resourceName} failed: ${(e as Error).stack}`);
    return { errorCode: code, errorMessage: (e as Error).message, resourceType: r.resourceType, resourceName: r.resourceName };
  }
}

export default defineHandler({
  apiKey: 33,
  minVersion: 0,
  maxVersion: 2,
  handle(ctx, req) {
    const dups = duplicateResourceIndexes(req.resources);
    const responses = req.resources.map((res, i) =>
      resourceOutcome(ctx, 'AlterConfigs', res, () => {
        if (dups.has(i)) throw new KafkaError('INVALID_REQUEST', 'Each resource must appear at most once.');
        checkConfigList(res.configs);
        const configs: Record<string, string> = {};
        for (const c of res.configs) configs[c.name] = c.value!;
        const denial = () => configResourceDenial(ctx, AclOperation.ALTER_CONFIGS, res.resourceType, res.resourceName);
        switch (res.resourceType) {
          case ResourceType.TOPIC: {
            const denied = denial();
            if (denied) return denied;
            checkTopicResourceName(res.resourceName);
            replaceTopicConfigs(ctx, res.resourceName, configs, req.validateOnly);
            return;
          }
          case ResourceType.BROKER: {
            // The legacy API replaces the level's whole set of dynamic configs with the ones given. Kafka validates
            // them on the broker that receives the request, before the controller authorizes the change.
            const level = brokerResourceLevel(ctx, res.resourceName);
            ctx.cluster.setDynamicBrokerConfigs(level, configs, true);
            const denied = denial();
            if (denied) return denied;
            if (!req.validateOnly) ctx.cluster.setDynamicBrokerConfigs(level, configs);
            return;
          }
          case ResourceType.GROUP:
          case ResourceType.CLIENT_METRICS: {
            const denied = denial();
            if (denied) return denied;
            throw new KafkaError('INVALID_REQUEST', `Tributary does not support configs of resource type ${res.resourceType} yet`);
          }
          default:
            // BROKER_LOGGER among them: the legacy API never had it, and Kafka refuses it before authorizing.
            throw new KafkaError('INVALID_REQUEST', `Unknown resource type ${res.resourceType}`);
        }
      }),
    );
    return { throttleTimeMs: 0, responses };
  },
});
