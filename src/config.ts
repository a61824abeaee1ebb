/**
 * The extension's settings (`tributary.*` in package.json), typed and resolved into broker options. Reads through a
 * `get` function rather than importing vscode, so that the rules (defaults, relative paths, topic defaults as the
 * broker configs Kafka takes them from) are tested without VS Code.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_SCHEMA_REGISTRY_PORT, type BrokerServiceOptions } from './broker/api';
import { TOPIC_CONFIG_SYNONYMS, topicConfigDef } from './broker/config/topic-config';
import { SUBJECT_NAME_STRATEGIES, type SubjectNameStrategy } from './schemas/subject-names';

export const SECTION = 'tributary';

/** The subset of vscode.WorkspaceConfiguration read here. */
interface ConfigurationLike {
  get<T>(key: string): T | undefined;
}

interface TributarySettings {
  /** Absolute path of the data directory. */
  dataDirectory: string;
  basePort: number;
  nodes: number;
  autoStart: boolean;
  /** Kafka topic configs every new topic gets, by their topic names (retention.ms, cleanup.policy...). */
  topicDefaults: Record<string, string>;
  /** Any Kafka broker config by its Kafka name (authorizer.class.name, super.users...), validated when the broker starts. */
  brokerConfig: Record<string, string>;
  /** The embedded schema registry's port, or undefined when it is turned off. */
  schemaRegistryPort: number | undefined;
}

export interface ResolvedSettings {
  settings: TributarySettings;
  /** Settings that were ignored, and why: shown to the user. */
  problems: string[];
}

interface SettingsContext {
  /** The first workspace folder, where `.tributary/` goes by default. */
  workspaceFolder?: string;
  /** Where data goes without a workspace (the extension's global storage). */
  fallbackDirectory: string;
}

/** Broker configs that are really topic defaults, accepted in tributary.topicDefaults under these names. */
const BROKER_TOPIC_DEFAULTS: Readonly<Record<string, string>> = {
  'num.partitions': 'num.partitions',
  partitions: 'num.partitions',
  'default.replication.factor': 'default.replication.factor',
  'replication.factor': 'default.replication.factor',
};

function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? path.join(os.homedir(), p.slice(1)) : p;
}

function intIn(value: unknown, min: number, max: number): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? value : undefined;
}

/** An object setting of Kafka configs by name, its values as strings; what is refused goes to `problems`. */
function configMap(config: ConfigurationLike, key: string, kind: string, example: string, problems: string[], refuse: (name: string) => string | undefined = () => undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const raw = config.get<Record<string, unknown>>(key) ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.push(`tributary.${key} must be an object of Kafka ${kind} configs, such as ${example}.`);
    return out;
  }
  for (const [name, value] of Object.entries(raw)) {
    const why = refuse(name) ?? (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean' ? `${name} needs a string, number or boolean value` : undefined);
    if (why) problems.push(`tributary.${key}: ${why}; ignored.`);
    else out[name] = String(value);
  }
  return out;
}

export function resolveSettings(config: ConfigurationLike, ctx: SettingsContext): ResolvedSettings {
  const problems: string[] = [];
  const base = ctx.workspaceFolder ?? ctx.fallbackDirectory;
  const rawDir = config.get<string>('dataDirectory')?.trim();
  const dataDirectory = rawDir ? path.resolve(base, expandHome(rawDir)) : path.join(base, '.tributary');

  const rawPort = config.get<number>('basePort');
  let basePort = intIn(rawPort ?? 9092, 0, 65535);
  if (basePort === undefined) {
    problems.push(`tributary.basePort must be a port number from 0 to 65535, not ${JSON.stringify(rawPort)}; using 9092.`);
    basePort = 9092;
  }
  const rawNodes = config.get<number>('nodes');
  let nodes = intIn(rawNodes ?? 3, 1, 9);
  if (nodes === undefined) {
    problems.push(`tributary.nodes must be from 1 to 9, not ${JSON.stringify(rawNodes)}; using 3.`);
    nodes = 3;
  }

  const topicDefaults = configMap(config, 'topicDefaults', 'topic', '{ "retention.ms": 3600000 }', problems, (name) =>
    topicConfigDef.get(name) || BROKER_TOPIC_DEFAULTS[name] ? undefined : `${name} is not a Kafka topic config`,
  );
  const brokerConfig = configMap(config, 'brokerConfig', 'broker', '{ "auto.create.topics.enable": false }', problems);
  const rawRegistryPort = config.get<number>('schemaRegistry.port');
  let registryPort = intIn(rawRegistryPort ?? DEFAULT_SCHEMA_REGISTRY_PORT, 0, 65535);
  if (registryPort === undefined) {
    problems.push(`tributary.schemaRegistry.port must be a port number from 0 to 65535, not ${JSON.stringify(rawRegistryPort)}; using ${DEFAULT_SCHEMA_REGISTRY_PORT}.`);
    registryPort = DEFAULT_SCHEMA_REGISTRY_PORT;
  }
  const schemaRegistryPort = config.get<boolean>('schemaRegistry.enabled') === false ? undefined : registryPort;
  return { settings: { dataDirectory, basePort, nodes, autoStart: config.get<boolean>('autoStart') === true, topicDefaults, brokerConfig, schemaRegistryPort }, problems };
}

/**
 * `tributary.schemaRegistry.subjectNameStrategy`: how the cluster's serializers name subjects, which the tree uses to
 * show a topic's subjects. Read apart from the broker's settings: it changes what the tree shows, not the broker.
 */
export function subjectNameStrategy(config: ConfigurationLike): SubjectNameStrategy {
  const raw = config.get<string>('schemaRegistry.subjectNameStrategy');
  return SUBJECT_NAME_STRATEGIES.find((s) => s === raw) ?? 'TopicNameStrategy';
}

/** How the extension's broker names itself in the data directory's lock (`tributary start` says "tributary start"). */
const BROKER_OWNER = 'VS Code (the Tributary extension)';

/**
 * Broker options from the settings. Topic defaults become the broker configs Kafka takes topic defaults from
 * (retention.ms -> log.retention.ms, partitions -> num.partitions), so they apply to topics created by any client
 * and DescribeConfigs reports them as STATIC_BROKER_CONFIG, as a Kafka broker with those settings would.
 */
export function brokerOptions(s: TributarySettings): BrokerServiceOptions {
  // The topic defaults, under their broker names, win over the same names given in brokerConfig.
  const config: Record<string, string> = { ...(s.brokerConfig ?? {}) };
  for (const [name, value] of Object.entries(s.topicDefaults)) {
    const brokerName = BROKER_TOPIC_DEFAULTS[name] ?? TOPIC_CONFIG_SYNONYMS[name];
    if (brokerName) config[brokerName] = value;
  }
  const schemaRegistry = s.schemaRegistryPort === undefined ? undefined : { port: s.schemaRegistryPort };
  return { dataDir: s.dataDirectory, nodes: s.nodes, basePort: s.basePort, host: '127.0.0.1', config, owner: BROKER_OWNER, schemaRegistry };
}

/** Settings whose change needs a broker restart to apply. */
export const RESTART_SETTINGS = ['dataDirectory', 'basePort', 'nodes', 'topicDefaults', 'brokerConfig', 'schemaRegistry.enabled', 'schemaRegistry.port'].map((k) => `${SECTION}.${k}`);
