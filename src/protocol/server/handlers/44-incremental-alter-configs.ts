// IncrementalAlterConfigs v0-1: SET, DELETE, APPEND and SUBTRACT (the last two on LIST configs) applied to a
// TOPIC resource's overrides or a BROKER resource's dynamic configs (a node's, or the cluster-wide defaults of ""),
// the result validated as a whole, all or nothing per resource; validateOnly. BROKER_LOGGER resources are refused
// (no runtime log levels).
import { defineHandler } from '../handler';
import { KafkaError } from '../../../broker/errors';
import { topicConfigDef } from '../../../broker/config/topic-config';
import { ResourceType, topicConfigEntries, formatConfigValue } from '../../../broker/config/config-entries';
import { brokerResourceLevel, checkConfigList, checkTopicResourceName, configResourceDenial, duplicateResourceIndexes, replaceTopicConfigs, resourceOutcome } from './33-alter-configs';
import { AclOperation } from '../authorize';
import { brokerConfigDef } from '../../../broker/config/broker-config';
import type { ConfigDef } from '../../../broker/config/config-def';

/** Kafka's AlterConfigOp.OpType ids. */
const OpType = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;
const OP_NAMES = ['SET', 'DELETE', 'APPEND', 'SUBTRACT'];

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * The new set of configs after `ops` on `current`: SET and DELETE as given, APPEND and SUBTRACT on LIST configs of
 * `def` (INVALID_CONFIG for any other), starting from `current`'s value, else `fallback`.
 */
function applyOps(
  ops: ReadonlyArray<{ name: string; configOperation: number; value: string | null }>,
  current: Readonly<Record<string, string>>,
  def: ConfigDef,
  fallback: (name: string) => string | null,
): Record<string, string> {
  const next: Record<string, string> = { ...current };
  for (const c of ops) {
    switch (c.configOperation) {
      case OpType.SET:
        next[c.name] = c.value!;
        break;
      case OpType.DELETE:
        delete next[c.name];
        break;
      default: {
        if (def.get(c.name)?.type !== 'list') {
          throw new KafkaError('INVALID_CONFIG', `Can't ${OP_NAMES[c.configOperation]} to key ${c.name} because its type is not LIST.`);
        }
        const parts = splitList(c.name in next ? next[c.name] : fallback(c.name) ?? '');
        const given = splitList(c.value!);
        const result = c.configOperation === OpType.APPEND ? [...parts, ...given.filter((v, k) => !parts.includes(v) && given.indexOf(v) === k)] : parts.filter((v) => !given.includes(v));
        next[c.name] = result.join(',');
      }
    }
  }
  return next;
}

export default defineHandler({
  apiKey: 44,
  minVersion: 0,
  maxVersion: 1,
  handle(ctx, req) {
    const dups = duplicateResourceIndexes(req.resources);
    const responses = req.resources.map((res, i) =>
      resourceOutcome(ctx, 'IncrementalAlterConfigs', res, () => {
        if (dups.has(i)) throw new KafkaError('INVALID_REQUEST', 'Each resource must appear at most once.');
        checkConfigList(res.configs, (j) => res.configs[j].configOperation === OpType.DELETE);
        // Kafka's controller authorizes TOPIC, GROUP and CLIENT_METRICS resources before looking at their operations,
        // and the broker authorizes BROKER_LOGGER ones first too (answering a denial without a message); a BROKER
        // resource is validated on the broker before the controller authorizes it.
        if (res.resourceType !== ResourceType.BROKER) {
          const denied = configResourceDenial(ctx, AclOperation.ALTER_CONFIGS, res.resourceType, res.resourceName);
          if (denied) return res.resourceType === ResourceType.BROKER_LOGGER ? { ...denied, errorMessage: null } : denied;
        }
        for (const c of res.configs) {
          if (OP_NAMES[c.configOperation] === undefined) throw new KafkaError('INVALID_REQUEST', `Unknown operations type ${c.configOperation}`);
        }
        switch (res.resourceType) {
          case ResourceType.TOPIC: {
            checkTopicResourceName(res.resourceName);
            const current = ctx.cluster.metadata.topic(res.resourceName)?.configs ?? {};
            let effective: Map<string, string | null> | undefined;
            // APPEND and SUBTRACT work on the value in effect: the override, else the default the topic gets now.
            const next = applyOps(res.configs, current, topicConfigDef, (name) => {
              effective ??= new Map(topicConfigEntries(ctx.cluster, current, ctx.nodeId).map((e) => [e.name, e.value]));
              return effective.get(name) ?? null;
            });
            replaceTopicConfigs(ctx, res.resourceName, next, req.validateOnly);
            return;
          }
          case ResourceType.BROKER: {
            const level = brokerResourceLevel(ctx, res.resourceName);
            // As Kafka: APPEND and SUBTRACT start from this level's dynamic value, else the config's default (never
            // the static configuration).
            const next = applyOps(res.configs, ctx.cluster.brokerConfig.dynamicConfigs(level), brokerConfigDef, (name) => {
              const key = brokerConfigDef.get(name)!;
              return formatConfigValue(key, key.default);
            });
            ctx.cluster.setDynamicBrokerConfigs(level, next, true);
            const denied = configResourceDenial(ctx, AclOperation.ALTER_CONFIGS, res.resourceType, res.resourceName);
            if (denied) return denied;
            if (!req.validateOnly) ctx.cluster.setDynamicBrokerConfigs(level, next);
            return;
          }
          case ResourceType.BROKER_LOGGER:
            throw new KafkaError('INVALID_REQUEST', 'Tributary does not support changing broker log levels (BROKER_LOGGER resources)');
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
