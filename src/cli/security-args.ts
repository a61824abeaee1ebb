/**
 * `tributary start`'s security flags, turned into the broker's ListenerSecurityOptions:
 *   --security-protocol PLAINTEXT|SSL|SASL_PLAINTEXT|SASL_SSL   --sasl-mechanisms PLAIN,SCRAM-SHA-256,SCRAM-SHA-512
 *   --sasl-user NAME:PASSWORD (repeatable)                       --tls-cert FILE --tls-key FILE (PEM)
 *   --tls-ca FILE (PEM CA certificates, the truststore)          --ssl-client-auth none|requested|required
 * Mistakes are usage errors naming the flag; the broker checks the rest (a key that does not match its certificate).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SASL_MECHANISMS, SECURITY_PROTOCOLS, SSL_CLIENT_AUTH, type ListenerSecurityOptions, type SaslMechanismName, type SecurityProtocol, type SslClientAuth } from '../broker/api';
import { SCRAM_CREDENTIALS_FILE } from '../broker/security/credential-store';
import { UsageError, type ParsedArgs } from './args';

export const SECURITY_OPTIONS = ['security-protocol', 'sasl-mechanisms', 'sasl-user', 'tls-cert', 'tls-key', 'tls-ca', 'ssl-client-auth'] as const;

function readPem(flag: string, file: string): string {
  try {
    return fs.readFileSync(path.resolve(file), 'utf8');
  } catch (e) {
    // Not a usage error: the flag is right, the file is not there or not readable.
    throw new Error(`cannot read --${flag} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
}

/** The security options of `start`, or undefined when none is given (PLAINTEXT, as before). */
export function securityOptions(a: ParsedArgs, dataDir: string): ListenerSecurityOptions | undefined {
  const last = (name: string) => a.options.get(name)?.at(-1);
  if (!SECURITY_OPTIONS.some((o) => a.options.has(o))) return undefined;

  const protocol = (last('security-protocol') ?? 'PLAINTEXT').toUpperCase() as SecurityProtocol;
  if (!SECURITY_PROTOCOLS.includes(protocol)) throw new UsageError(`--security-protocol must be one of ${SECURITY_PROTOCOLS.join(', ')}, not ${last('security-protocol')}`);
  const sasl = protocol.startsWith('SASL_');
  const useTls = protocol.endsWith('SSL');

  const saslFlags = ['sasl-mechanisms', 'sasl-user'].filter((o) => a.options.has(o));
  if (!sasl && saslFlags.length) throw new UsageError(`--${saslFlags[0]} needs --security-protocol SASL_PLAINTEXT or SASL_SSL (it is ${protocol})`);
  const tlsFlags = ['tls-cert', 'tls-key', 'tls-ca', 'ssl-client-auth'].filter((o) => a.options.has(o));
  if (!useTls && tlsFlags.length) throw new UsageError(`--${tlsFlags[0]} needs --security-protocol SSL or SASL_SSL (it is ${protocol})`);

  const out: ListenerSecurityOptions = { protocol };
  if (sasl) {
    const list = last('sasl-mechanisms');
    if (list !== undefined) {
      const mechanisms = list.split(',').map((m) => m.trim().toUpperCase()).filter((m) => m !== '');
      const unknown = mechanisms.find((m) => !(SASL_MECHANISMS as readonly string[]).includes(m));
      if (unknown !== undefined || mechanisms.length === 0) throw new UsageError(`--sasl-mechanisms takes a comma-separated list of ${SASL_MECHANISMS.join(', ')}${unknown ? `, not ${unknown}` : ''}`);
      out.saslMechanisms = mechanisms as SaslMechanismName[];
    }
    out.users = (a.options.get('sasl-user') ?? []).map((u) => {
      const i = u.indexOf(':');
      // The password may hold colons; the name cannot.
      if (i <= 0 || i === u.length - 1) throw new UsageError(`--sasl-user takes NAME:PASSWORD, not ${JSON.stringify(u.replace(/:.*/, ':...'))}`);
      return { name: u.slice(0, i), password: u.slice(i + 1) };
    });
    // SCRAM users added earlier through AlterUserScramCredentials (kafka-configs) live in the data directory.
    if (out.users.length === 0 && !fs.existsSync(path.join(dataDir, SCRAM_CREDENTIALS_FILE))) {
      throw new UsageError(`--security-protocol ${protocol} needs at least one --sasl-user NAME:PASSWORD: without users nobody can log in`);
    }
  }
  if (useTls) {
    const cert = last('tls-cert');
    const key = last('tls-key');
    if (!cert || !key) throw new UsageError(`--security-protocol ${protocol} needs --tls-cert FILE and --tls-key FILE (PEM certificate and private key)`);
    // Kafka's ssl.client.auth (mutual TLS) with a PEM truststore; on SASL_SSL it is accepted and has no effect, as in
    // Kafka (the broker says so when it starts).
    const given = last('ssl-client-auth');
    const clientAuth = given?.toLowerCase() as SslClientAuth | undefined;
    if (clientAuth !== undefined && !SSL_CLIENT_AUTH.includes(clientAuth)) throw new UsageError(`--ssl-client-auth must be one of ${SSL_CLIENT_AUTH.join(', ')}, not ${given}`);
    const ca = last('tls-ca');
    if (clientAuth !== undefined && clientAuth !== 'none' && !ca) throw new UsageError(`--ssl-client-auth ${clientAuth} needs --tls-ca FILE (the PEM CA certificates client certificates must chain to)`);
    out.tls = { cert: readPem('tls-cert', cert), key: readPem('tls-key', key) };
    if (ca) out.tls.ca = readPem('tls-ca', ca);
    if (clientAuth) out.tls.clientAuth = clientAuth;
  }
  return out;
}
