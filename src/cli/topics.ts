/**
 * `tributary topics`: Kafka's kafka-topics.sh over the Kafka protocol, against any cluster (Tributary or Apache
 * Kafka). Two spellings of the same actions:
 *   kafka-topics.sh's flags   --list | --describe [--topic T] | --create --topic T | --delete --topic T | --alter --topic T --partitions N
 *   subcommands               list | describe [T] | create T | delete T | alter T --partitions N | alter-config T --add-config k=v,... --delete-config k,...
 * scripts/kafka-tools/bin/kafka-topics.sh runs the flag form, so tools and test suites that call Kafka's script
 * (librdkafka's, through KAFKA_PATH) work without a Java installation. alter-config is kafka-configs.sh's
 * `--entity-type topics --alter` (values with commas in square brackets: cleanup.policy=[compact,delete]).
 * --json prints one JSON document instead of the text.
 */
import type { ExternalCluster } from '../clusters/external-cluster';
import { parseArgs, intOption, UsageError, type ParsedArgs } from './args';
import { CLIENT_OPTIONS, json, keyValues, withCluster, type Output } from './kafka-client';

const VALUE_OPTIONS = new Set(['topic', 'partitions', 'replication-factor', 'config', 'add-config', 'delete-config', ...CLIENT_OPTIONS]);
const FLAGS = new Set(['create', 'alter', 'delete', 'list', 'describe', 'if-not-exists', 'if-exists', 'exclude-internal', 'json']);
const ACTIONS = ['create', 'alter', 'delete', 'list', 'describe'] as const;
const SUBCOMMANDS = new Set(['list', 'describe', 'create', 'delete', 'alter', 'alter-config']);

/** kafka-configs.sh's --add-config list: k=v pairs split at commas outside square brackets, brackets dropped. */
export function parseAddConfig(spec: string): Record<string, string> {
  const out: Record<string, string> = {};
  let depth = 0;
  let start = 0;
  const pairs: string[] = [];
  for (let i = 0; i <= spec.length; i++) {
    const c = spec[i];
    if (c === '[') depth++;
    else if (c === ']') depth = Math.max(0, depth - 1);
    else if ((c === ',' && depth === 0) || i === spec.length) {
      pairs.push(spec.slice(start, i));
      start = i + 1;
    }
  }
  for (const pair of pairs.map((p) => p.trim()).filter((p) => p !== '')) {
    const i = pair.indexOf('=');
    if (i <= 0) throw new UsageError(`--add-config takes name=value[,name=value...], not ${pair}`);
    const value = pair.slice(i + 1).trim();
    out[pair.slice(0, i).trim()] = /^\[.*\]$/s.test(value) ? value.slice(1, -1) : value;
  }
  return out;
}

export async function topicsCommand(argv: string[], out: Output): Promise<number> {
  const a = parseArgs(argv, VALUE_OPTIONS, FLAGS);
  const flagged = ACTIONS.filter((f) => a.flags.has(f));
  let action: string;
  let topic = a.options.get('topic')?.at(-1);
  if (a.positional.length && SUBCOMMANDS.has(a.positional[0])) {
    if (flagged.length) throw new UsageError(`topics ${a.positional[0]} takes no --${flagged[0]}`);
    action = a.positional[0];
    const named = a.positional.slice(1);
    if (named.length > 1) throw new UsageError(`unexpected argument ${named[1]}`);
    if (named.length && topic !== undefined && named[0] !== topic) throw new UsageError(`two topics given: ${named[0]} and --topic ${topic}`);
    topic = named[0] ?? topic;
  } else {
    if (a.positional.length) throw new UsageError(`unknown topics command ${a.positional[0]} (list, describe, create, delete, alter, alter-config)`);
    if (flagged.length !== 1) throw new UsageError('topics takes exactly one of list, describe, create, delete, alter, alter-config (or --create, --alter, --delete, --list, --describe)');
    action = flagged[0];
  }
  const configOnly = ['add-config', 'delete-config'].find((o) => a.options.has(o));
  if (configOnly && action !== 'alter-config') throw new UsageError(`--${configOnly} belongs to topics alter-config`);
  return withCluster(a, 'topics', out, (cluster) => runTopics(cluster, action, topic, a, out));
}

async function runTopics(cluster: ExternalCluster, action: string, topic: string | undefined, a: ParsedArgs, io: Output): Promise<number> {
  const asJson = a.flags.has('json');
  const need = () => {
    if (!topic) throw new UsageError(`topics ${action} needs a topic (topics ${action} TOPIC, or --topic TOPIC)`);
    return topic;
  };
  const configs = Object.fromEntries(keyValues(a.options.get('config'), 'config'));
  switch (action) {
    case 'create': {
      const name = need();
      const exists = (await cluster.listTopics()).some((t) => t.name === name);
      if (exists && a.flags.has('if-not-exists')) {
        if (asJson) io.out(json({ topic: name, created: false }));
        return 0;
      }
      const created = await cluster.createTopic({ name, partitions: intOption(a, 'partitions', 1, 1_000_000), replicationFactor: intOption(a, 'replication-factor', 1, 32767), configs });
      io.out(asJson ? json({ topic: name, created: true, topicId: created.topicId, partitions: created.partitions, replicationFactor: created.replicationFactor }) : `Created topic ${name}.`);
      return 0;
    }
    case 'alter': {
      const name = need();
      const partitions = intOption(a, 'partitions', 1, 1_000_000);
      if (partitions === undefined) throw new UsageError('topics alter takes --partitions N (configs: topics alter-config)');
      const t = await cluster.addPartitions(name, partitions);
      if (asJson) io.out(json({ topic: name, partitions: t.partitions }));
      return 0;
    }
    case 'alter-config': {
      const name = need();
      const changes: Record<string, string | null> = {};
      for (const spec of a.options.get('add-config') ?? []) Object.assign(changes, parseAddConfig(spec));
      for (const spec of a.options.get('delete-config') ?? []) {
        for (const k of spec.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
          if (k in changes) throw new UsageError(`${k} is both added and deleted`);
          changes[k] = null;
        }
      }
      if (!Object.keys(changes).length) throw new UsageError('topics alter-config needs --add-config name=value[,name=value...] or --delete-config name[,name...]');
      const after = await cluster.setTopicConfigs(name, changes);
      if (asJson) {
        const overrides = Object.fromEntries(after.filter((c) => c.source === 'DYNAMIC_TOPIC_CONFIG' && c.value !== null).map((c) => [c.name, c.value]));
        io.out(json({ topic: name, changed: changes, configs: overrides }));
      } else io.out(`Completed updating config for topic ${name}.`);
      return 0;
    }
    case 'delete': {
      const name = need();
      const exists = (await cluster.listTopics()).some((t) => t.name === name);
      if (!exists && a.flags.has('if-exists')) {
        if (asJson) io.out(json({ topic: name, deleted: false }));
        return 0;
      }
      await cluster.deleteTopic(name);
      if (asJson) io.out(json({ topic: name, deleted: true }));
      return 0;
    }
    case 'list': {
      const topics = (await cluster.listTopics()).filter((t) => !(a.flags.has('exclude-internal') && t.internal) && (!topic || t.name === topic));
      if (asJson) io.out(json({ topics: topics.map((t) => ({ name: t.name, topicId: t.topicId, partitions: t.partitions, replicationFactor: t.replicationFactor, internal: t.internal })) }));
      else for (const t of topics) io.out(t.name);
      return 0;
    }
    default: {
      const names = topic ? [topic] : (await cluster.listTopics()).filter((t) => !(a.flags.has('exclude-internal') && t.internal)).map((t) => t.name);
      const described = [];
      for (const name of names) {
        const d = await cluster.describeTopic(name);
        if (asJson) {
          described.push({
            name: d.name,
            topicId: d.topicId,
            internal: d.internal,
            partitionCount: d.partitions.length,
            replicationFactor: d.partitions[0]?.replicas.length ?? 0,
            configs: d.configs,
            partitions: d.partitions.map((p) => ({ partition: p.partition, leader: p.leader, replicas: p.replicas, isr: p.isr, logStartOffset: p.logStartOffset, highWatermark: p.highWatermark })),
          });
          continue;
        }
        const configText = Object.entries(d.configs).map(([k, v]) => `${k}=${v}`).join(',');
        io.out(`Topic: ${d.name}\tTopicId: ${d.topicId}\tPartitionCount: ${d.partitions.length}\tReplicationFactor: ${d.partitions[0]?.replicas.length ?? 0}\tConfigs: ${configText}`);
        for (const p of d.partitions) io.out(`\tTopic: ${d.name}\tPartition: ${p.partition}\tLeader: ${p.leader}\tReplicas: ${p.replicas.join(',')}\tIsr: ${p.isr.join(',')}`);
      }
      if (asJson) io.out(json({ topics: described }));
      return 0;
    }
  }
}
