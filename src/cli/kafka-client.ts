/**
 * What the Kafka-tool commands (topics, groups, produce, consume) share: the connection flags of Kafka's tools
 * (--bootstrap-server, --command-config FILE with client security properties, --command-property k=v), turned into
 * an ExternalCluster over the Kafka protocol, so that they work against any cluster, Tributary or Apache Kafka; and
 * the output helpers (Kafka's column tables, --json).
 *
 * --command-config reads a Java properties file as Kafka's tools do and understands the client security properties
 * ExternalCluster's ConnectionConfig supports:
 *   security.protocol=PLAINTEXT|SSL|SASL_PLAINTEXT|SASL_SSL
 *   sasl.mechanism=PLAIN|SCRAM-SHA-256|SCRAM-SHA-512       (Kafka's default, GSSAPI, is refused by name)
 *   sasl.jaas.config=... required username="..." password="...";   (or librdkafka's sasl.username/sasl.password)
 *   ssl.truststore.location=FILE (PEM; ssl.truststore.type PEM)   client.id, request.timeout.ms
 * Client certificates (ssl.keystore.*), Kerberos and OAUTHBEARER are refused with the reason rather than ignored.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ExternalCluster } from '../clusters/external-cluster';
import { SASL_MECHANISMS, SECURITY_PROTOCOLS, type ConnectionConfig, type SaslMechanism, type SecurityProtocol } from '../clusters/connections';
import { UsageError, type ParsedArgs } from './args';

/** The connection options every Kafka-tool command takes (aliases as Kafka's console tools name them). */
export const CLIENT_OPTIONS = ['bootstrap-server', 'command-config', 'command-property', 'producer.config', 'consumer.config', 'producer-property', 'consumer-property'] as const;

/** Lines of output; `err` is for what is not the command's result (summaries, warnings). */
export interface Output {
  out(line: string): void;
  err(line: string): void;
}

/**
 * A Java .properties file: `key=value`, `key: value` or `key value`; `#` and `!` comments; a trailing backslash
 * continues the line; \t \n \r \f \uXXXX and escaped separators as in java.util.Properties.
 */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const physical = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < physical.length; i++) {
    let line = physical[i].replace(/^[ \t\f]+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    // An odd number of trailing backslashes continues the logical line.
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < physical.length) line = line.slice(0, -1) + physical[++i].replace(/^[ \t\f]+/, '');
    let k = 0;
    let key = '';
    for (; k < line.length; k++) {
      const c = line[k];
      if (c === '\\' && k + 1 < line.length) {
        key += line[k] + line[++k];
        continue;
      }
      if (c === '=' || c === ':' || c === ' ' || c === '\t' || c === '\f') break;
      key += c;
    }
    let rest = line.slice(k).replace(/^[ \t\f]*/, '');
    if (rest.startsWith('=') || rest.startsWith(':')) rest = rest.slice(1).replace(/^[ \t\f]*/, '');
    out.set(unescapeProperty(key), unescapeProperty(rest));
  }
  return out;
}

function unescapeProperty(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, e: string) => {
    if (e.length === 5) return String.fromCharCode(parseInt(e.slice(1), 16));
    return ({ t: '\t', n: '\n', r: '\r', f: '\f' } as Record<string, string>)[e] ?? e;
  });
}

/** `key=value` arguments (--property, --command-property...) as a map; `what` names the flag in errors. */
export function keyValues(values: readonly string[] | undefined, what: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const kv of values ?? []) {
    const i = kv.indexOf('=');
    if (i <= 0) throw new UsageError(`--${what} takes name=value, not ${kv}`);
    out.set(kv.slice(0, i), kv.slice(i + 1));
  }
  return out;
}

/** username="..." password="..." of a sasl.jaas.config value (quoted with " or ', backslash escapes). */
export function jaasOptions(jaas: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([A-Za-z0-9_.-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([^\s;]+))/g;
  for (let m = re.exec(jaas); m; m = re.exec(jaas)) out[m[1]] = (m[2] ?? m[3] ?? m[4]).replace(/\\(.)/g, '$1');
  return out;
}

const REFUSED: Array<[RegExp, string]> = [
  [/^ssl\.keystore\./, 'client certificates (mutual TLS) are not supported by this command line'],
  [/^ssl\.key\.password$/, 'client certificates (mutual TLS) are not supported by this command line'],
  [/^ssl\.truststore\.certificates$/, 'give the CA certificates as a PEM file with ssl.truststore.location'],
  [/^sasl\.kerberos\.|^sasl\.oauthbearer\.|^sasl\.login\./, 'only the SASL mechanisms PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 are supported'],
];

interface ClientSettings {
  config: ConnectionConfig;
  password?: string;
  clientId?: string;
  requestTimeoutMs?: number;
  /** Properties understood but not applied, said once on stderr. */
  warnings: string[];
}

/** The connection of a Kafka-tool command from its flags; usage errors name the flag or property at fault. */
function clientSettings(a: ParsedArgs, command: string): ClientSettings {
  const bootstrap = a.options.get('bootstrap-server')?.at(-1);
  if (!bootstrap) throw new UsageError(`${command} needs --bootstrap-server HOST:PORT (as Kafka's tools do)`);
  const props = new Map<string, string>();
  for (const flag of ['command-config', 'producer.config', 'consumer.config']) {
    for (const file of a.options.get(flag) ?? []) {
      let text: string;
      try {
        text = fs.readFileSync(path.resolve(file), 'utf8');
      } catch (e) {
        throw new Error(`cannot read --${flag} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
      }
      for (const [k, v] of parseProperties(text)) props.set(k, v);
    }
  }
  for (const flag of ['command-property', 'producer-property', 'consumer-property']) for (const [k, v] of keyValues(a.options.get(flag), flag)) props.set(k, v);
  return settingsFromProperties(bootstrap, props);
}

export function settingsFromProperties(bootstrap: string, props: ReadonlyMap<string, string>): ClientSettings {
  const warnings: string[] = [];
  for (const key of props.keys()) {
    const refused = REFUSED.find(([re]) => re.test(key));
    if (refused) throw new UsageError(`--command-config: ${key} is not supported: ${refused[1]}`);
  }
  const given = (props.get('security.protocol') ?? 'PLAINTEXT').trim().toUpperCase();
  if (!(SECURITY_PROTOCOLS as readonly string[]).includes(given)) throw new UsageError(`--command-config: security.protocol must be one of ${SECURITY_PROTOCOLS.join(', ')}, not ${given}`);
  const config: ConnectionConfig = { name: 'cli', bootstrapServers: bootstrap, securityProtocol: given as SecurityProtocol };
  let password: string | undefined;
  if (given.startsWith('SASL_')) {
    const mechanism = (props.get('sasl.mechanism') ?? 'GSSAPI').trim().toUpperCase();
    if (!(SASL_MECHANISMS as readonly string[]).includes(mechanism)) {
      throw new UsageError(`--command-config: sasl.mechanism ${mechanism}${props.has('sasl.mechanism') ? '' : " (Kafka's default)"} is not supported: set sasl.mechanism to one of ${SASL_MECHANISMS.join(', ')}`);
    }
    const jaas = props.has('sasl.jaas.config') ? jaasOptions(props.get('sasl.jaas.config')!) : {};
    const username = jaas.username ?? props.get('sasl.username');
    password = jaas.password ?? props.get('sasl.password');
    if (!username || password === undefined) {
      throw new UsageError(`--command-config: ${given} needs a user: sasl.jaas.config=... required username="NAME" password="PASSWORD"; (or sasl.username and sasl.password)`);
    }
    config.saslMechanism = mechanism as SaslMechanism;
    config.username = username;
  }
  if (given.endsWith('SSL')) {
    const type = props.get('ssl.truststore.type')?.trim().toUpperCase();
    const location = props.get('ssl.truststore.location');
    if (type !== undefined && type !== 'PEM') throw new UsageError(`--command-config: ssl.truststore.type ${type} is not supported: give the CA certificates as PEM (ssl.truststore.type=PEM)`);
    if (location) {
      const file = path.resolve(location);
      let pem: string;
      try {
        pem = fs.readFileSync(file, 'utf8');
      } catch (e) {
        throw new Error(`cannot read ssl.truststore.location ${location}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
      }
      if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
        throw new UsageError(`--command-config: ssl.truststore.location ${location} holds no PEM certificate (a JKS or PKCS12 truststore must be converted to PEM first)`);
      }
      config.caFile = file;
    }
    config.verifyCertificates = true;
    if (props.get('ssl.endpoint.identification.algorithm') === '') warnings.push('ssl.endpoint.identification.algorithm is empty: the broker host names are verified all the same');
  } else if (props.has('ssl.truststore.location')) {
    warnings.push(`ssl.truststore.location is not used: security.protocol is ${given}`);
  }
  const timeout = props.get('request.timeout.ms') ?? props.get('default.api.timeout.ms');
  const requestTimeoutMs = timeout !== undefined && /^\d+$/.test(timeout.trim()) ? Number(timeout) : undefined;
  return { config, password, clientId: props.get('client.id'), requestTimeoutMs, warnings };
}

/** Runs `f` with a cluster client for the command's connection flags, closed afterwards. */
export async function withCluster<T>(a: ParsedArgs, command: string, io: Output, f: (cluster: ExternalCluster) => Promise<T>): Promise<T> {
  const s = clientSettings(a, command);
  for (const w of s.warnings) io.err(`tributary: warning: ${w}`);
  const cluster = new ExternalCluster({ config: s.config, password: s.password, clientId: s.clientId ?? `tributary-${command}`, requestTimeoutMs: s.requestTimeoutMs });
  try {
    return await f(cluster);
  } finally {
    await cluster.close();
  }
}

/**
 * Rows padded as Kafka's tools print them with `%-Ns`: each column at least `min` wide (its widest cell otherwise),
 * one space between columns, the last column not padded.
 */
export function table(header: string[], rows: string[][], min: number[] = []): string[] {
  const widths = header.map((h, i) => Math.max(min[i] ?? 0, h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join(' ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** One JSON document (tables) or one line (a record): stable field names, no indentation. */
export function json(value: unknown): string {
  return JSON.stringify(value);
}

/** The last value of an option, or undefined. */
export function last(a: ParsedArgs, name: string): string | undefined {
  return a.options.get(name)?.at(-1);
}

/**
 * Options whose value Kafka's tools make optional (`--compression-codec` alone means gzip, `--state` alone shows the
 * state column): `--name` followed by nothing or another option becomes `--name=<fallback>`.
 */
export function optionalValue(argv: string[], name: string, fallback: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === `--${name}` && (i + 1 >= argv.length || argv[i + 1].startsWith('--'))) out.push(`--${name}=${fallback}`);
    else out.push(argv[i]);
  }
  return out;
}
