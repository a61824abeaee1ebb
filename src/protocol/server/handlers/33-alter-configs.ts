// AlterConfigs v0-2 (the legacy, non-incremental API): a TOPIC resource's overrides, or a BROKER resource's dynamic
// configs (a node's, or the cluster-wide defaults of ""), are replaced by exactly the configs the request lists
// (what it leaves out goes back to its default), all validated first; validateOnly.
import { defineHandler, RequestContext } from '../handler';
import { ErrorCode, KafkaError, errorCodeOf } from '../../../broker/errors';
import { parseTopicConfigs } from '../../../broker/config/topic-config';
import { validateTopicName } from '../../../broker/config/topic-name';
import { ResourceType } from '../../../broker/config/config-entries';

interface ResourceResponse {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
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

/** The response entry of one resource: NONE, or the code and message of what `f` threw. */
export function resourceOutcome(ctx: RequestContext, what: string, r: { resourceType: number; resourceName: string }, f: () => void): ResourceResponse {
  try {
    f();
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
        switch (res.resourceType) {
          case ResourceType.TOPIC: {
            checkTopicResourceName(res.resourceName);
            const overrides: Record<string, string> = {};
            for (const c of res.configs) overrides[c.name] = c.value!;
            replaceTopicConfigs(ctx, res.resourceName, overrides, req.validateOnly);
            return;
          }
          case ResourceType.BROKER: {
            // The legacy API replaces the level's whole set of dynamic configs with the ones given.
            const level = brokerResourceLevel(ctx, res.resourceName);
            const configs: Record<string, string> = {};
            for (const c of res.configs) configs[c.name] = c.value!;
            ctx.cluster.setDynamicBrokerConfigs(level, configs, req.validateOnly);
            return;
          }
          case ResourceType.GROUP:
          case ResourceType.CLIENT_METRICS:
            throw new KafkaError('INVALID_REQUEST', `Tributary does not support configs of resource type ${res.resourceType} yet`);
          default:
            throw new KafkaError('INVALID_REQUEST', `Unknown resource type ${res.resourceType}`);
        }
      }),
    );
    return { throttleTimeMs: 0, responses };
  },
});
