/**
 * The configs of a topic or a node as DescribeConfigs reports them: each value with its source, its synonyms by
 * level, its type and documentation. The UI's topic config table reads them too, so they live with the broker's
 * configs rather than in the handler.
 */
import { ConfigKey, ConfigValue, formatValue } from './config-def';
import { topicConfigDef, parseTopicConfigs, TOPIC_CONFIG_SYNONYMS } from './topic-config';
import { BrokerConfig, brokerConfigDef, type BrokerConfigLevel } from './broker-config';
import { isDynamicBrokerConfig } from './dynamic-broker-config';

/** The one part of the cluster the config views read. */
type ConfigHolder = { readonly brokerConfig: BrokerConfig };
/** Kafka's ConfigResource.Type ids. */
export const ResourceType = { UNKNOWN: 0, TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8, CLIENT_METRICS: 16, GROUP: 32 } as const;

/** Kafka's DescribeConfigsResponse.ConfigSource ids. */
export const ConfigSource = {
  UNKNOWN: 0,
  DYNAMIC_TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
  DYNAMIC_BROKER_LOGGER_CONFIG: 6,
} as const;

/** Kafka's DescribeConfigsResponse.ConfigType ids. */
const CONFIG_TYPE: Record<ConfigKey['type'], number> = { boolean: 1, string: 2, int: 3, long: 5, double: 6, list: 7, password: 9 };

interface ConfigSynonymView {
  name: string;
  value: string | null;
  source: number;
}

/** One described config, before it is cut to the response version. */
export interface ConfigEntryView {
  name: string;
  value: string | null;
  source: number;
  readOnly: boolean;
  isSensitive: boolean;
  /** Highest precedence first; the first one's source is the entry's source. */
  synonyms: ConfigSynonymView[];
  configType: number;
  documentation: string;
}

/** A value as Kafka's ConfigDef.convertToString prints it (doubles keep their ".0"). */
export function formatConfigValue(key: ConfigKey, value: ConfigValue | null): string | null {
  if (key.type === 'double' && value === Number.MAX_VALUE) return '1.7976931348623157E308';
  if (key.type === 'double' && typeof value === 'number' && Number.isInteger(value)) return value.toFixed(1);
  return formatValue(key, value);
}

/** Broker configs that set the same thing in other units, highest precedence first (Kafka's brokerConfigSynonyms). */
const BROKER_SYNONYM_GROUPS: readonly (readonly string[])[] = [
  ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours'],
  ['log.roll.ms', 'log.roll.hours'],
];

function brokerSynonymNames(name: string): readonly string[] {
  return BROKER_SYNONYM_GROUPS.find((g) => g.includes(name)) ?? [name];
}

const LEVEL_SOURCES: ReadonlyArray<[BrokerConfigLevel, number]> = [
  ['dynamicNode', ConfigSource.DYNAMIC_BROKER_CONFIG],
  ['dynamicDefault', ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG],
  ['static', ConfigSource.STATIC_BROKER_CONFIG],
];

/**
 * The broker-level synonyms of `names`, level by level as Kafka lists them: the node's dynamic configs, the
 * cluster-wide dynamic defaults, the static configuration, then the ones with defaults.
 */
function brokerSynonyms(cluster: ConfigHolder, names: readonly string[], sensitive: boolean, nodeId?: number): ConfigSynonymView[] {
  const out: ConfigSynonymView[] = [];
  const bc = cluster.brokerConfig;
  for (const [level, source] of LEVEL_SOURCES) {
    for (const n of names) {
      const key = brokerConfigDef.get(n);
      const v = bc.valueAt(level, n, nodeId);
      if (key && v !== undefined) out.push({ name: n, value: sensitive ? null : formatConfigValue(key, v), source });
    }
  }
  for (const n of names) {
    const key = brokerConfigDef.get(n);
    if (key && key.default !== null) out.push({ name: n, value: sensitive ? null : formatConfigValue(key, key.default), source: ConfigSource.DEFAULT_CONFIG });
  }
  return out;
}

/**
 * Every topic config of a topic whose overrides are `overrides`: the override (DYNAMIC_TOPIC_CONFIG), else the
 * broker setting that supplies the default (the node's dynamic config, the cluster-wide dynamic default, the static
 * configuration, including log.retention.hours/minutes for retention.ms), else Kafka's default (DEFAULT_CONFIG), as
 * node `nodeId` sees them. Sorted by name.
 */
export function topicConfigEntries(cluster: ConfigHolder, overrides: Record<string, string>, nodeId?: number): ConfigEntryView[] {
  const parsed = parseTopicConfigs(overrides);
  const defaults = cluster.brokerConfig.topicDefaults(nodeId);
  return topicConfigDef.all().map((key) => {
    const sensitive = key.type === 'password';
    const value = parsed.has(key.name) ? parsed.get(key.name)! : defaults.has(key.name) ? defaults.get(key.name)! : key.default;
    const synonyms: ConfigSynonymView[] = [];
    if (parsed.has(key.name)) synonyms.push({ name: key.name, value: sensitive ? null : formatConfigValue(key, parsed.get(key.name)!), source: ConfigSource.DYNAMIC_TOPIC_CONFIG });
    const brokerName = TOPIC_CONFIG_SYNONYMS[key.name];
    if (brokerName) synonyms.push(...brokerSynonyms(cluster, brokerSynonymNames(brokerName), sensitive, nodeId));
    return {
      name: key.name,
      value: sensitive ? null : formatConfigValue(key, value),
      source: synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG,
      readOnly: false,
      isSensitive: sensitive,
      synonyms,
      configType: CONFIG_TYPE[key.type],
      documentation: key.doc,
    };
  });
}

/** A dynamic config Kafka does not know: described as Kafka describes custom configs (sensitive, type unknown). */
function customEntry(name: string, source: number): ConfigEntryView {
  return { name, value: null, source, readOnly: true, isSensitive: true, synonyms: [{ name, value: null, source }], configType: 0, documentation: '' };
}

/**
 * The configs of one node, as Kafka describes a broker: the value in effect (null for an unset key without a
 * default, such as log.retention.ms) with its synonyms level by level (the node's dynamic config, the cluster-wide
 * dynamic default, the static configuration, the default); read-only unless Kafka can change it at run time.
 * Custom configs set dynamically are listed too.
 */
export function brokerConfigEntries(cluster: ConfigHolder, nodeId: number): ConfigEntryView[] {
  const bc = cluster.brokerConfig;
  const known = brokerConfigDef.all().map((key): ConfigEntryView => {
    const sensitive = key.type === 'password';
    let value: string | null;
    let synonyms: ConfigSynonymView[];
    if (key.name === 'node.id') {
      // Each virtual node is given its id by the process that runs it.
      value = String(nodeId);
      synonyms = [{ name: key.name, value, source: ConfigSource.STATIC_BROKER_CONFIG }];
    } else {
      const set = bc.valueAt('dynamicNode', key.name, nodeId) ?? bc.valueAt('dynamicDefault', key.name) ?? bc.valueAt('static', key.name, nodeId);
      value = sensitive ? null : formatConfigValue(key, set !== undefined ? set : key.default);
      const all = brokerSynonyms(cluster, brokerSynonymNames(key.name), sensitive, nodeId);
      // As Kafka: a synonym of higher precedence than the key itself (log.retention.ms when describing
      // log.retention.hours) is not listed.
      const first = all.findIndex((s) => s.name === key.name);
      synonyms = first < 0 ? [] : all.slice(first);
    }
    return {
      name: key.name,
      value,
      source: synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG,
      readOnly: !isDynamicBrokerConfig(key.name),
      isSensitive: sensitive,
      synonyms,
      configType: CONFIG_TYPE[key.type],
      documentation: key.doc,
    };
  });
  const nodeCustom = Object.keys(bc.dynamicConfigs(nodeId)).filter((n) => !brokerConfigDef.get(n));
  const defaultCustom = Object.keys(bc.dynamicConfigs(null)).filter((n) => !brokerConfigDef.get(n) && !nodeCustom.includes(n));
  const custom = [...nodeCustom.map((n) => customEntry(n, ConfigSource.DYNAMIC_BROKER_CONFIG)), ...defaultCustom.map((n) => customEntry(n, ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG))];
  return [...known, ...custom].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The cluster-wide default resource (""): only the dynamic defaults, each with that level as its one source. */
export function clusterDefaultConfigEntries(cluster: ConfigHolder): ConfigEntryView[] {
  const source = ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG;
  return Object.keys(cluster.brokerConfig.dynamicConfigs(null))
    .sort()
    .map((name): ConfigEntryView => {
      const key = brokerConfigDef.get(name);
      if (!key) return customEntry(name, source);
      const sensitive = key.type === 'password';
      const value = sensitive ? null : formatConfigValue(key, cluster.brokerConfig.valueAt('dynamicDefault', name)!);
      return { name, value, source, readOnly: !isDynamicBrokerConfig(name), isSensitive: sensitive, synonyms: [{ name, value, source }], configType: CONFIG_TYPE[key.type], documentation: key.doc };
    });
}

/** Kafka parses a broker resource name as an int. */
