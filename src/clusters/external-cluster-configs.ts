/**
 * A topic's configs on an external cluster, read with DescribeConfigs and changed with IncrementalAlterConfigs (as
 * kafka-configs --alter does), in the same shape as the embedded broker's so that the config table cannot tell them
 * apart: each value with its source, the default behind an override, Kafka's documentation and allowed values.
 */
import { type Admin, ConfigResourceTypes, ConfigSources, ConfigTypes, IncrementalAlterConfigOperationTypes } from '@platformatic/kafka';
import type { ConfigSourceName, TopicConfigEntry } from '../broker/api';
import { topicConfigDef } from '../broker/config/topic-config';
import { call } from './external-cluster-errors';

/** The sources a topic's config shows: the broker-wide ones all read as the broker's static config. */
const SOURCES: Record<number, ConfigSourceName> = {
  [ConfigSources.TOPIC_CONFIG]: 'DYNAMIC_TOPIC_CONFIG',
  [ConfigSources.DYNAMIC_BROKER_CONFIG]: 'STATIC_BROKER_CONFIG',
  [ConfigSources.DYNAMIC_DEFAULT_BROKER_CONFIG]: 'STATIC_BROKER_CONFIG',
  [ConfigSources.STATIC_BROKER_CONFIG]: 'STATIC_BROKER_CONFIG',
  [ConfigSources.DEFAULT_CONFIG]: 'DEFAULT_CONFIG',
};
const TYPE_NAMES = new Map<number, string>(Object.entries(ConfigTypes).map(([name, type]) => [type, name]));

export class TopicConfigs {
  constructor(private readonly admin: Admin) {}

  async getTopicConfigs(topic: string): Promise<TopicConfigEntry[]> {
    const r = await call(() =>
      this.admin.describeConfigs({ resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: topic, configurationKeys: [] }], includeSynonyms: true, includeDocumentation: true }),
    );
    const configs = r[0]?.configs ?? [];
    return configs
      .map((c) => {
        // The first synonym that is not the topic's own override is what the topic would have without it.
        const fallback = c.synonyms?.find((s) => s.source !== ConfigSources.TOPIC_CONFIG);
        // DescribeConfigs carries no allowed values: Kafka's own, for the configs Kafka defines, so that the
        // editors offer the same choices as on the embedded broker.
        const known = topicConfigDef.get(c.name);
        const entry: TopicConfigEntry = {
          name: c.name,
          value: c.value ?? null,
          default: c.configSource === ConfigSources.TOPIC_CONFIG ? inUnitOf(c.name, fallback) : (c.value ?? null),
          source: SOURCES[c.configSource] ?? 'DEFAULT_CONFIG',
          type: (TYPE_NAMES.get(c.configType) ?? 'STRING').toLowerCase(),
          documentation: c.documentation || known?.doc || '',
        };
        if (known?.validValues) entry.validValues = [...known.validValues];
        if (c.readOnly) entry.readOnly = true;
        return entry;
      })
      .sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  /** Sets each change's config, or removes its override where the value is null; then the configs as they are. */
  async setTopicConfigs(topic: string, changes: Record<string, string | null>): Promise<TopicConfigEntry[]> {
    const configs = Object.entries(changes).map(([name, value]) =>
      value === null ? { name, configOperation: IncrementalAlterConfigOperationTypes.DELETE } : { name, configOperation: IncrementalAlterConfigOperationTypes.SET, value },
    );
    await call(() => this.admin.incrementalAlterConfigs({ resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: topic, configs }] }));
    return this.getTopicConfigs(topic);
  }
}

/**
 * A synonym's value in the unit of the config it stands behind: Kafka reports retention.ms's broker default as
 * log.retention.hours=168, which the topic sees as 604800000.
 */
function inUnitOf(name: string, synonym: { name: string; value?: string | null } | undefined): string | null {
  const value = synonym?.value ?? null;
  if (value === null || !synonym || !name.endsWith('.ms') || !/^-?\d+$/.test(value) || Number(value) < 0) return value;
  const factor = synonym.name.endsWith('.hours') ? 3_600_000 : synonym.name.endsWith('.minutes') ? 60_000 : 1;
  return String(Number(value) * factor);
}
