// IncrementalAlterConfigs v0-1: SET, DELETE, APPEND and SUBTRACT (the last two on LIST configs) applied to a
// TOPIC resource's overrides, the result validated as a whole, all or nothing per resource; validateOnly.
// BROKER resources are refused (no dynamic broker configs), as are BROKER_LOGGER ones (no runtime log levels).
import { defineHandler } from '../handler';
import { KafkaError } from '../../../broker/errors';
import { topicConfigDef } from '../../../broker/config/topic-config';
import { ResourceType, topicConfigEntries } from './32-describe-configs';
import { checkConfigList, checkTopicResourceName, duplicateResourceIndexes, refuseBrokerConfigChange, replaceTopicConfigs, resourceOutcome } from './33-alter-configs';

/** Kafka's AlterConfigOp.OpType ids. */
export const OpType = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;
const OP_NAMES = ['SET', 'DELETE', 'APPEND', 'SUBTRACT'];

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
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
        for (const c of res.configs) {
          if (OP_NAMES[c.configOperation] === undefined) throw new KafkaError('INVALID_REQUEST', `Unknown operations type ${c.configOperation}`);
        }
        switch (res.resourceType) {
          case ResourceType.TOPIC: {
            checkTopicResourceName(res.resourceName);
            const current = ctx.cluster.metadata.topic(res.resourceName)?.configs ?? {};
            const next: Record<string, string> = { ...current };
            let effective: Map<string, string | null> | undefined;
            const valueInEffect = (name: string): string | null => {
              if (name in next) return next[name];
              effective ??= new Map(topicConfigEntries(ctx.cluster, current).map((e) => [e.name, e.value]));
              return effective.get(name) ?? null;
            };
            for (const c of res.configs) {
              switch (c.configOperation) {
                case OpType.SET:
                  next[c.name] = c.value!;
                  break;
                case OpType.DELETE:
                  delete next[c.name];
                  break;
                default: {
                  if (topicConfigDef.get(c.name)?.type !== 'list') {
                    throw new KafkaError('INVALID_CONFIG', `Can't ${OP_NAMES[c.configOperation]} to key ${c.name} because its type is not LIST.`);
                  }
                  // On top of the value in effect: the override, else the default the topic gets now.
                  const parts = splitList(valueInEffect(c.name) ?? '');
                  const given = splitList(c.value!);
                  const result = c.configOperation === OpType.APPEND ? [...parts, ...given.filter((v, k) => !parts.includes(v) && given.indexOf(v) === k)] : parts.filter((v) => !given.includes(v));
                  next[c.name] = result.join(',');
                }
              }
            }
            replaceTopicConfigs(ctx, res.resourceName, next, req.validateOnly);
            return;
          }
          case ResourceType.BROKER:
            refuseBrokerConfigChange(ctx, res.resourceName, res.configs.map((c) => c.name));
            return;
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
