/**
 * A listener's security as the options give it, checked once at start: the protocol (Kafka's four), the SASL
 * mechanisms, the users, and a TLS certificate and key that OpenSSL accepts as a pair. A mistake is a ConfigError
 * (the start fails with "A broker or topic setting is invalid: ..."), never a listener that silently serves less.
 */
import * as tls from 'node:tls';
import { ConfigError } from '../config/config-def';
import { SASL_MECHANISMS, SECURITY_PROTOCOLS, type ListenerSecurityOptions, type SaslMechanismName, type SecurityProtocol } from '../api';

export interface ListenerSecurity {
  protocol: SecurityProtocol;
  /** SASL_PLAINTEXT and SASL_SSL: clients authenticate before anything else. */
  sasl: boolean;
  /** SSL and SASL_SSL: the listener speaks TLS. */
  tls: boolean;
  /** The enabled mechanisms, in the order the handshake lists them (empty without SASL). */
  mechanisms: SaslMechanismName[];
  /** The configured users' names; their passwords go to the CredentialStore only, to be hashed, and are not kept. */
  userNames: string[];
  /** Options for tls.createServer (certificate and key), when `tls`. */
  tlsOptions?: tls.TlsOptions;
}

export function resolveListenerSecurity(o: ListenerSecurityOptions | undefined): ListenerSecurity {
  const protocol = o?.protocol ?? 'PLAINTEXT';
  if (!SECURITY_PROTOCOLS.includes(protocol)) throw new ConfigError(`Invalid security protocol ${protocol}: it must be one of ${SECURITY_PROTOCOLS.join(', ')}`);
  const sasl = protocol.startsWith('SASL_');
  const useTls = protocol.endsWith('SSL');
  const mechanisms = sasl ? [...(o?.saslMechanisms ?? SASL_MECHANISMS)] : [];
  for (const m of mechanisms) {
    if (!SASL_MECHANISMS.includes(m)) throw new ConfigError(`Invalid value ${m} for configuration sasl.enabled.mechanisms: Tributary serves ${SASL_MECHANISMS.join(', ')}`);
  }
  if (sasl && mechanisms.length === 0) throw new ConfigError(`The ${protocol} listeners need at least one SASL mechanism (sasl.enabled.mechanisms)`);
  if (new Set(mechanisms).size !== mechanisms.length) throw new ConfigError(`sasl.enabled.mechanisms lists a mechanism twice: ${mechanisms.join(',')}`);

  const users = o?.users ?? [];
  const names = new Set<string>();
  for (const u of users) {
    if (!u.name) throw new ConfigError('A SASL user needs a name');
    if (!u.password) throw new ConfigError(`SASL user ${u.name} needs a password`);
    // PLAIN separates its fields with NUL: a name holding one could never log in.
    if (u.name.includes('\u0000')) throw new ConfigError(`SASL user name ${JSON.stringify(u.name)} contains a NUL character`);
    if (names.has(u.name)) throw new ConfigError(`SASL user ${u.name} is configured twice`);
    names.add(u.name);
  }
  if (!sasl && users.length) throw new ConfigError(`SASL users are configured but the security protocol is ${protocol}: use SASL_PLAINTEXT or SASL_SSL`);

  if (!useTls) {
    if (o?.tls) throw new ConfigError(`A TLS certificate is configured but the security protocol is ${protocol}: use SSL or SASL_SSL`);
    return { protocol, sasl, tls: false, mechanisms, userNames: [...names] };
  }
  if (!o?.tls?.cert || !o.tls.key) throw new ConfigError(`The ${protocol} listeners need a TLS certificate and its private key (PEM)`);
  const tlsOptions: tls.TlsOptions = { cert: o.tls.cert, key: o.tls.key, minVersion: 'TLSv1.2' };
  try {
    // OpenSSL checks here that the PEM parses and that the key belongs to the certificate.
    tls.createSecureContext(tlsOptions);
  } catch (e) {
    throw new ConfigError(`The TLS certificate and key cannot be used: ${(e as Error).message}`);
  }
  return { protocol, sasl, tls: true, mechanisms, userNames: [...names], tlsOptions };
}
