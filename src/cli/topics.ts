/**
 * `tributary topics`: Kafka's kafka-topics.sh over the Kafka protocol, with its options, against any cluster
 * (Tributary or Apache Kafka, PLAINTEXT): --create, --alter --partitions, --delete, --list, --describe.
 * scripts/kafka-tools/bin/kafka-topics.sh runs it, so tools and test suites that call Kafka's script (librdkafka's,
 * through KAFKA_PATH) work without a Java installation.
 */
import { ExternalCluster } from '../clusters/external-cluster';
import { parseArgs, intOption, UsageError } from './args';

const VALUE_OPTIONS = new Set(['bootstrap-server', 'topic', 'partitions', 'replication-factor', 'config', 'command-config']);
const FLAGS = new Set(['create', 'alter', 'delete', 'list', 'describe', 'if-not-exists', 'if-exists', 'exclude-internal']);

export async function topicsCommand(argv: string[], out: (line: string) => void): Promise<number> {
  const a = parseArgs(argv, VALUE_OPTIONS, FLAGS);
  if (a.positional.length) throw new UsageError(`unexpected argument ${a.positional[0]}`);
  const actions = ['create', 'alter', 'delete', 'list', 'describe'].filter((f) => a.flags.has(f));
  if (actions.length !== 1) throw new UsageError('topics takes exactly one of --create, --alter, --delete, --list, --describe');
  const bootstrap = a.options.get('bootstrap-server')?.at(-1);
  if (!bootstrap) throw new UsageError('topics needs --bootstrap-server host:port');
  if (a.options.has('command-config')) throw new UsageError('--command-config is not supported: topics speaks PLAINTEXT only');
  const topic = a.options.get('topic')?.at(-1);
  const configs: Record<string, string> = {};
  for (const kv of a.options.get('config') ?? []) {
    const i = kv.indexOf('=');
    if (i <= 0) throw new UsageError(`--config takes name=value, not ${kv}`);
    configs[kv.slice(0, i)] = kv.slice(i + 1);
  }
  const cluster = new ExternalCluster({ config: { name: 'cli', bootstrapServers: bootstrap, securityProtocol: 'PLAINTEXT' }, clientId: 'tributary-topics' });
  const need = (what: string) => {
    if (!topic) throw new UsageError(`--${what} needs --topic`);
    return topic;
  };
  try {
    switch (actions[0]) {
      case 'create': {
        const name = need('create');
        const exists = (await cluster.listTopics()).some((t) => t.name === name);
        if (exists && a.flags.has('if-not-exists')) return 0;
        await cluster.createTopic({ name, partitions: intOption(a, 'partitions', 1, 1_000_000), replicationFactor: intOption(a, 'replication-factor', 1, 32767), configs });
        out(`Created topic ${name}.`);
        return 0;
      }
      case 'alter': {
        const name = need('alter');
        const partitions = intOption(a, 'partitions', 1, 1_000_000);
        if (partitions === undefined) throw new UsageError('--alter takes --partitions (configs are kafka-configs.sh\'s)');
        await cluster.addPartitions(name, partitions);
        return 0;
      }
      case 'delete': {
        const name = need('delete');
        const exists = (await cluster.listTopics()).some((t) => t.name === name);
        if (!exists && a.flags.has('if-exists')) return 0;
        await cluster.deleteTopic(name);
        return 0;
      }
      case 'list': {
        for (const t of await cluster.listTopics()) if (!(a.flags.has('exclude-internal') && t.internal) && (!topic || t.name === topic)) out(t.name);
        return 0;
      }
      default: {
        const names = topic ? [topic] : (await cluster.listTopics()).filter((t) => !(a.flags.has('exclude-internal') && t.internal)).map((t) => t.name);
        for (const name of names) {
          const d = await cluster.describeTopic(name);
          const configText = Object.entries(d.configs).map(([k, v]) => `${k}=${v}`).join(',');
          out(`Topic: ${d.name}\tTopicId: ${d.topicId}\tPartitionCount: ${d.partitions.length}\tReplicationFactor: ${d.partitions[0]?.replicas.length ?? 0}\tConfigs: ${configText}`);
          for (const p of d.partitions) out(`\tTopic: ${d.name}\tPartition: ${p.partition}\tLeader: ${p.leader}\tReplicas: ${p.replicas.join(',')}\tIsr: ${p.isr.join(',')}`);
        }
        return 0;
      }
    }
  } finally {
    await cluster.close();
  }
}
