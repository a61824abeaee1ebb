// DescribeConfigs v0-4: TOPIC resources (every topic config with its value, source, synonyms, type and
// documentation) and BROKER resources (a node id: that node's configs, dynamic ones included; "": the cluster-wide
// dynamic defaults). isDefault in v0, config sources and synonyms from v1, type and documentation from v3.
import { defineHandler, RequestContext } from '../handler';
import { ErrorCode, KafkaError, errorCodeOf } from '../../../broker/errors';
import { ConfigSource, ResourceType, brokerConfigEntries, clusterDefaultConfigEntries, topicConfigEntries, type ConfigEntryView } from '../../../broker/config/config-entries';
import { validateTopicName } from '../../../broker/config/topic-name';
import type { DescribeConfigsResult, DescribeConfigsResourceResult } from '../../messages/describe-configs-response';
import { AclOperation } from '../authorize';
import { configResourceDenial } from './33-alter-configs';

function brokerIdOf(resourceName: string): number {
  if (!/^[+-]?\d+$/.test(resourceName) || Number(resourceName) > 2147483647 || Number(resourceName) < -2147483648) {
    throw new KafkaError('INVALID_REQUEST', `Broker id must be an integer, but it is: ${resourceName}`);
  }
  return Number(resourceName);
}

function toResult(e: ConfigEntryView, version: number, includeSynonyms: boolean, includeDocumentation: boolean): DescribeConfigsResourceResult {
  return {
    name: e.name,
    value: e.value,
    readOnly: e.readOnly,
    // v0 has no sources: IsDefault says whether the value is anyone's setting.
    isDefault: version === 0 ? e.source === ConfigSource.DEFAULT_CONFIG : false,
    configSource: e.source,
    isSensitive: e.isSensitive,
    synonyms: includeSynonyms ? e.synonyms : [],
    configType: e.configType,
    documentation: includeDocumentation ? e.documentation : null,
  };
}

function errorResult(resourceType: number, resourceName: string, errorCode: number, errorMessage: string | null): DescribeConfigsResult {
  return { errorCode, errorMessage, resourceType, resourceName, configs: [] };
}

export default defineHandler({
  apiKey: 32,
  minVersion: 0,
  maxVersion: 4,
  handle(ctx: RequestContext, req) {
    const version = ctx.apiVersion;
    const includeSynonyms = version >= 1 && req.includeSynonyms;
    const includeDocumentation = version >= 3 && req.includeDocumentation;
    const results = req.resources.map((res): DescribeConfigsResult => {
      // Before the resource is looked at, as Kafka's ConfigHelper does: a denied topic is refused, existing or not.
      const denied = configResourceDenial(ctx, AclOperation.DESCRIBE_CONFIGS, res.resourceType, res.resourceName);
      if (denied) return errorResult(res.resourceType, res.resourceName, denied.errorCode, denied.errorMessage);
      try {
        let entries: ConfigEntryView[];
        switch (res.resourceType) {
          case ResourceType.TOPIC: {
            validateTopicName(res.resourceName);
            const t = ctx.cluster.metadata.topic(res.resourceName);
            if (!t) return errorResult(res.resourceType, res.resourceName, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${res.resourceName}' does not exist.`);
            entries = topicConfigEntries(ctx.cluster, t.configs, ctx.nodeId);
            break;
          }
          case ResourceType.BROKER: {
            // "" is the cluster-wide default resource: it holds the dynamic defaults only.
            if (res.resourceName === '') {
              entries = clusterDefaultConfigEntries(ctx.cluster);
              break;
            }
            const id = brokerIdOf(res.resourceName);
            if (id !== ctx.nodeId) throw new KafkaError('INVALID_REQUEST', `Unexpected broker id, expected ${ctx.nodeId} or empty string, but received ${res.resourceName}`);
            entries = brokerConfigEntries(ctx.cluster, id);
            break;
          }
          case ResourceType.BROKER_LOGGER:
            throw new KafkaError('INVALID_REQUEST', 'Tributary does not expose broker log levels (BROKER_LOGGER resources)');
          case ResourceType.GROUP:
          case ResourceType.CLIENT_METRICS:
            throw new KafkaError('INVALID_REQUEST', `Tributary does not support configs of resource type ${res.resourceType} yet`);
          default:
            throw new KafkaError('INVALID_REQUEST', `Unsupported resource type: ${res.resourceType}`);
        }
        const wanted = res.configurationKeys && res.configurationKeys.length > 0 ? new Set(res.configurationKeys) : undefined;
        return {
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          resourceType: res.resourceType,
          resourceName: res.resourceName,
          configs: entries.filter((e) => !wanted || wanted.has(e.name)).map((e) => toResult(e, version, includeSynonyms, includeDocumentation)),
        };
      } catch (e) {
        const code = errorCodeOf(e);
        if (code === ErrorCode.UNKNOWN_SERVER_ERROR) ctx.server.logger.error(`DescribeConfigs of ${res.resourceType}/${res.resourceName} failed: ${(e as Error).stack}`);
        return errorResult(res.resourceType, res.resourceName, code, (e as Error).message);
      }
    });
    return { throttleTimeMs: 0, results };
  },
});
