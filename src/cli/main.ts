/**
 * The `tributary` command line: `start` runs the embedded broker in the foreground; `dump-log` prints segment
 * and index files the way Kafka's kafka-dump-log does; `topics`, `groups`, `produce` and `consume` are Kafka's
 * kafka-topics, kafka-consumer-groups and console producer and consumer over the Kafka protocol, against any cluster.
 * Exit status: 0 done, 1 failed (the cluster refused, or could not be reached), 2 usage error.
 */
import * as path from 'node:path';
import { parseArgs, intOption, UsageError } from './args';
import { startBroker } from './start';
import { dumpLog } from './dump-log';
import { controlCommand } from './control';
import { topicsCommand } from './topics';
import { aclsCommand } from './acls';
import { configsCommand } from './configs';
import { groupsCommand } from './groups';
import { produceCommand } from './produce';
import { consumeCommand } from './consume';
import type { Output } from './kafka-client';
import { KafkaError } from '../broker/errors';
import { SECURITY_OPTIONS, securityOptions } from './security-args';

const USAGE = `usage:
  tributary start [--data DIR] [--port P] [--nodes N] [--host H] [--config name=value]... [--node-config ID:name=value]...
                  [--security-protocol PLAINTEXT|SSL|SASL_PLAINTEXT|SASL_SSL] [--sasl-mechanisms M1,M2]
                  [--sasl-user NAME:PASSWORD]... [--tls-cert FILE --tls-key FILE]
                  [--tls-ca FILE] [--ssl-client-auth none|requested|required]
                  [--schema-registry-port P | --no-schema-registry]
      Runs the broker in the foreground (Ctrl-C stops it cleanly). Defaults: --data .tributary, --port 9092,
      --nodes 3, --host 127.0.0.1. With it runs a Confluent-compatible schema registry (REST on --host, port
      8081 unless --schema-registry-port says otherwise; 0 for any free port), keeping its state in _schemas. --config takes any Kafka broker config (log.retention.hours=1, ...);
      --node-config sets one for node ID alone, as its own server.properties would (1:broker.rack=RACK1).
      Security: every listener speaks the protocol given (default PLAINTEXT); SASL mechanisms PLAIN,
      SCRAM-SHA-256, SCRAM-SHA-512 (default all), with the users given; SSL needs a PEM certificate and key.
      --ssl-client-auth (Kafka's ssl.client.auth, SSL listeners) asks clients for a certificate signed by a CA
      of --tls-ca (PEM): required refuses clients without one, requested serves them as User:ANONYMOUS; a
      certificate that is not trusted is refused either way.
  tributary dump-log [--print-data-log] FILE...
      Prints .log, .index, .timeindex and .txnindex files with the fields of Kafka's kafka-dump-log.
  tributary topics list|describe [T]|create T|delete T|alter T|alter-config T --bootstrap-server HOST:PORT [--json]
                   [--partitions N] [--replication-factor N] [--config name=value]... [--if-exists] [--if-not-exists]
                   [--add-config name=value[,name=value...]] [--delete-config name[,name...]]
      Kafka's kafka-topics.sh over the Kafka protocol, against any cluster; its flag form works as well
      (--create|--alter|--delete|--list|--describe [--topic T]) and scripts/kafka-tools/bin has a kafka-topics.sh
      that runs it. alter-config is kafka-configs.sh --alter (list values in brackets: cleanup.policy=[compact,delete]).
        tributary topics create demo --partitions 3 --replication-factor 3 --config retention.ms=3600000 --bootstrap-server 127.0.0.1:9092
  tributary acls --add | --remove [--force] | --list  --bootstrap-server HOST:PORT [--json]
                 [--topic T]... [--group G]... [--cluster] [--transactional-id X]... [--resource-pattern-type literal|prefixed|any|match]
                 [--allow-principal P]... [--deny-principal P]... [--allow-host H]... [--deny-host H]... [--operation O]...
                 [--producer [--idempotent]] [--consumer] [--principal P]
      Kafka's kafka-acls.sh (scripts/kafka-tools/bin has a kafka-acls.sh that runs it), for a cluster with an
      authorizer (start Tributary with --config authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
      and --config super.users=User:admin). --operation defaults to All; --remove without principals removes every
      ACL of the resource.
        tributary acls --add --allow-principal User:alice --operation Read --topic orders --bootstrap-server 127.0.0.1:9092
  tributary configs --describe | --alter [--add-config k=v[,k=v...]] [--delete-config k[,k...]]  --bootstrap-server HOST:PORT [--json]
                    --entity-type users|clients|ips|topics [--entity-name N | --entity-default]  (the pair repeatable:
                    users then clients for a user's client) | --user U | --client C | --ip I | --user-defaults |
                    --client-defaults | --ip-defaults | --topic T
      Kafka's kafka-configs.sh for client quotas (producer_byte_rate, consumer_byte_rate, request_percentage,
      controller_mutation_rate; connection_creation_rate for ips) and topic configs; scripts/kafka-tools/bin has a
      kafka-configs.sh that runs it. --describe lists the entities with exactly the given types, all of a type when
      it has no name.
        tributary configs --alter --add-config producer_byte_rate=1048576 --entity-type users --entity-name alice --bootstrap-server 127.0.0.1:9092
  tributary groups list [--state [S,...]] | describe G... [--members [--verbose] | --state] | delete G...
                   | reset-offsets G --topic T[:P,P]... | --all-topics  --to-earliest | --to-latest | --to-current |
                     --to-offset N | --shift-by N | --to-datetime YYYY-MM-DDTHH:mm:SS.sss | --by-duration PnDTnHnMnS
                     [--dry-run | --execute]      --bootstrap-server HOST:PORT [--json]
      Kafka's kafka-consumer-groups.sh (its --list/--describe/--reset-offsets/--delete --group G form works too).
      describe prints GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID. A partition
      without a committed offset shows CURRENT-OFFSET - (as Kafka) and, where Kafka prints LAG -, the lag counted
      from the log start offset marked with a *, explained under the table. reset-offsets is a dry run that prints
      the plan (GROUP TOPIC PARTITION NEW-OFFSET) unless --execute is given, and is refused while the group has
      members (NON_EMPTY_GROUP), as Kafka; --to-datetime is UTC unless a zone is given.
        tributary groups reset-offsets orders --topic demo --to-earliest --execute --bootstrap-server 127.0.0.1:9092
  tributary produce --topic T --bootstrap-server HOST:PORT [--property parse.key=true] [--property key.separator=:]
                    [--key-separator S] [--property parse.headers=true] [--compression-codec C] [--acks all|1|0]
                    [--partition N] [--json]
      kafka-console-producer: a record per line of stdin, keys and headers parsed as its LineMessageReader does
      (defaults key.separator TAB; headers "h1:v1,h2:v2" then headers.delimiter TAB before the key). A summary goes
      to stderr; --json prints where each record was written, a JSON object per line.
        printf 'k1:hello\\nk2:world\\n' | tributary produce --topic demo --key-separator : --bootstrap-server 127.0.0.1:9092
  tributary consume --topic T --bootstrap-server HOST:PORT [--partition N] [--from-beginning | --offset earliest|latest|N]
                    [--last N] [--max-messages N] [--timeout-ms MS] [--property print.key=true]... [--json]
      kafka-console-consumer without a group: reads the partitions from the latest offset (or as asked) and stops
      after --max-messages, or once it has read everything and no record came for --timeout-ms (default 1000; -1
      waits until Ctrl-C). --last N prints the newest N records of the topic across partitions and exits. print.*,
      key.separator, line.separator, headers.separator and null.literal as Kafka's DefaultMessageFormatter; --json
      prints a JSON object per record (topic, partition, offset, timestamp, timestampType, key, value, headers).
        tributary consume --topic demo --from-beginning --property print.key=true --bootstrap-server 127.0.0.1:9092
      topics, groups, acls, configs, produce and consume take --command-config FILE (Kafka client properties:
      security.protocol, sasl.mechanism PLAIN|SCRAM-SHA-256|SCRAM-SHA-512, sasl.jaas.config username/password,
      ssl.truststore.location PEM) and exit 0 when done, 1 when the cluster refused (with Kafka's error name) or
      cannot be reached, 2 on usage.
      --json: tables as one JSON document ({"topics": [...]}, {"groups": [...]}, {"dryRun", "offsets": [...]}),
      records as one JSON object per line; the README lists the fields.
  tributary status [--data DIR]
      Nodes, controller, faults, and each partition's leader, epoch, high watermark and replicas, of a running broker.
  tributary clients [--data DIR]
      The clients that connected to a running broker: client id, software and version (ApiVersions v3+), address,
      the APIs and versions each used, and the requests Kafka 4.0 refuses (KIP-896): the Kafka 4 upgrade check.
      tributary status warns about such clients too; --config protocol.versions=4.0 makes the broker refuse them.
  tributary node stop|start N [--data DIR]
      Stops or starts a virtual node of a running broker (its listener, its logs, its replication).
  tributary fault pause-follower N | resume-follower N | slow-follower N MS | cut-link A B | heal-link A B | clear | show [--data DIR]
      Injects replication faults into a running broker.
  tributary elect-leaders [--unclean] [TOPIC:PARTITION]... [--data DIR]
      Preferred (or unclean) leader election, as kafka-leader-election does.
`;

const STDIO: Output = { out: (l) => process.stdout.write(l + '\n'), err: (l) => process.stderr.write(l + '\n') };

/** An error for the user: a cluster's refusal leads with Kafka's error name (NON_EMPTY_GROUP: ...). */
function errorText(e: unknown): string {
  const message = (e as Error)?.message ?? String(e);
  if (e instanceof KafkaError && !message.startsWith(e.errorName)) return `${e.errorName}: ${message}`;
  return message;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'start': {
        const a = parseArgs(rest, new Set(['data', 'port', 'nodes', 'host', 'config', 'node-config', 'schema-registry-port', ...SECURITY_OPTIONS]), new Set(['no-schema-registry']));
        if (a.flags.has('no-schema-registry') && a.options.has('schema-registry-port')) throw new UsageError('--schema-registry-port and --no-schema-registry contradict each other');
        if (a.positional.length) throw new UsageError(`unexpected argument ${a.positional[0]}`);
        const config: Record<string, string> = {};
        for (const kv of a.options.get('config') ?? []) {
          const i = kv.indexOf('=');
          if (i <= 0) throw new UsageError(`--config takes name=value, not ${kv}`);
          config[kv.slice(0, i)] = kv.slice(i + 1);
        }
        const nodeConfig: Record<number, Record<string, string>> = {};
        for (const spec of a.options.get('node-config') ?? []) {
          const m = /^(\d+):([^=]+)=(.*)$/s.exec(spec);
          if (!m) throw new UsageError(`--node-config takes ID:name=value (1:broker.rack=RACK1), not ${spec}`);
          (nodeConfig[Number(m[1])] ??= {})[m[2]] = m[3];
        }
        const dataDir = path.resolve(a.options.get('data')?.at(-1) ?? '.tributary');
        await startBroker({
          dataDir,
          port: intOption(a, 'port', 0, 65535),
          nodes: intOption(a, 'nodes', 1, 9),
          host: a.options.get('host')?.at(-1),
          config,
          nodeConfig,
          security: securityOptions(a, dataDir),
          schemaRegistry: a.flags.has('no-schema-registry') ? undefined : { port: intOption(a, 'schema-registry-port', 0, 65535) },
        });
        return 0;
      }
      case 'dump-log': {
        const a = parseArgs(rest, new Set(), new Set(['print-data-log', 'print-data', 'deep-iteration']));
        if (a.positional.length === 0) throw new UsageError('dump-log needs at least one file');
        return await dumpLog(a.positional, { printData: a.flags.has('print-data-log') || a.flags.has('print-data') });
      }
      case 'topics':
        return await topicsCommand(rest, STDIO);
      case 'groups':
        return await groupsCommand(rest, STDIO);
      case 'acls':
        return await aclsCommand(rest, STDIO);
      case 'configs':
        return await configsCommand(rest, STDIO);
      case 'produce':
        return await produceCommand(rest, STDIO);
      case 'consume':
        return await consumeCommand(rest, STDIO);
      case 'status':
      case 'clients':
      case 'node':
      case 'fault':
      case 'elect-leaders': {
        const a = parseArgs(rest, new Set(['data']), new Set(['unclean']));
        const words = [...a.positional, ...(a.flags.has('unclean') ? ['--unclean'] : [])];
        return await controlCommand(command, words, path.resolve(a.options.get('data')?.at(-1) ?? '.tributary'), (l) => process.stdout.write(l + '\n'));
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command ${command}`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`tributary: ${e.message}\n${USAGE}`);
      return 2;
    }
    process.stderr.write(`tributary: ${errorText(e)}\n`);
    return 1;
  }
}

/** Runs the command line and exits with its status; scripts/tributary.js (the `tributary` bin) calls this. */
export function run(argv: string[] = process.argv.slice(2)): void {
  // A reader that goes away (`tributary status | head`) ends a command quietly, as for any Unix tool; the broker
  // itself (start) keeps running and only stops printing.
  const keepRunning = argv[0] === 'start';
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
      if (!keepRunning) process.exit(0);
    });
  }
  main(argv).then(
    (code) => {
      if (code !== 0) process.exit(code);
    },
    (e) => {
      process.stderr.write(`tributary: ${(e as Error).stack ?? e}\n`);
      process.exit(1);
    },
  );
}

if (require.main === module) run();
