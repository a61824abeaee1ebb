/**
 * A listener's security as the options give it, checked once at start: the protocol (Kafka's four), the SASL
 * mechanisms, the users, a TLS certificate and key that OpenSSL accepts as a pair, and for mutual TLS
 * (`ssl.client.auth`) the CA certificates client certificates must chain to. A mistake is a ConfigError (the start
 * fails with "A broker or topic setting is invalid: ..."), never a listener that silently serves less.
 * Also the principal of an SSL connection, as Kafka's DefaultKafkaPrincipalBuilder names it.
 */
import * as crypto from 'node:crypto';
import * as tls from 'node:tls';
import { ConfigError } from '../config/config-def';
import { SASL_MECHANISMS, SECURITY_PROTOCOLS, SSL_CLIENT_AUTH, type ListenerSecurityOptions, type SaslMechanismName, type SecurityProtocol, type SslClientAuth } from '../api';

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
  /** Options for tls.createServer (certificate and key; with client authentication, the CA and requestCert), when `tls`. */
  tlsOptions?: tls.TlsOptions;
  /**
   * `ssl.client.auth` as it takes effect, when `tls`: `none` unless the listener is SSL (on SASL_SSL Kafka ignores the
   * broker-wide setting, KIP-684, so it is accepted there and asks for no certificate).
   */
  clientAuth?: SslClientAuth;
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

  const configured = o.tls.clientAuth ?? 'none';
  if (!SSL_CLIENT_AUTH.includes(configured)) throw new ConfigError(`Invalid value ${configured} for configuration ssl.client.auth: String must be one of: ${SSL_CLIENT_AUTH.join(', ')}`);
  if (configured !== 'none' && !o.tls.ca) {
    throw new ConfigError(`ssl.client.auth=${configured} needs a truststore: the CA certificates (PEM) that client certificates must chain to (ssl.truststore.certificates)`);
  }
  if (o.tls.ca !== undefined) checkTruststore(o.tls.ca);
  // Kafka applies the broker-wide ssl.client.auth to SSL listeners only: a SASL_SSL listener authenticates its
  // clients with SASL and asks for a certificate only when listener.name.X.ssl.client.auth says so (KIP-684), which
  // a single broker-wide setting cannot. So on SASL_SSL the setting is accepted, as Kafka accepts it, and ignored.
  const clientAuth: SslClientAuth = protocol === 'SSL' ? configured : 'none';
  if (clientAuth === 'required') {
    // A client that sends no certificate fails in the handshake (OpenSSL's SSL_VERIFY_FAIL_IF_NO_PEER_CERT), with
    // alert 40 handshake_failure on TLS 1.2 and 116 certificate_required on TLS 1.3, as Kafka on Java 23+. A client
    // whose certificate does not chain to `ca` is dropped right after the handshake, without a TLS alert (Kafka's
    // JSSE sends 46 certificate_unknown): Node's native verify callback always lets OpenSSL finish the handshake and
    // rejects in JavaScript afterwards (nodejs/node#20737), and no Node API sends an alert of our choosing.
    Object.assign(tlsOptions, { ca: o.tls.ca, requestCert: true, rejectUnauthorized: true });
  } else if (clientAuth === 'requested') {
    // A client without a certificate is served (as User:ANONYMOUS). One whose certificate is not trusted is not:
    // Kafka's JSSE engine (setWantClientAuth) still runs the trust manager on a certificate that is presented and
    // fails the handshake when it throws (46 certificate_unknown, Java 17 and 25 alike). rejectUnauthorized would
    // also refuse clients without a certificate, so it stays off, and KafkaServer drops a client with an untrusted
    // one right after the handshake (untrustedClientCertificate), as Node does for `required`.
    Object.assign(tlsOptions, { ca: o.tls.ca, requestCert: true, rejectUnauthorized: false });
  }
  return { protocol, sasl, tls: true, mechanisms, userNames: [...names], tlsOptions, clientAuth };
}

/** The truststore must hold at least one certificate, and every PEM block in it must be one that parses. */
function checkTruststore(pem: string): void {
  // tls.createSecureContext({ ca }) skips what is not a certificate without a word: each block is parsed here.
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new ConfigError('The TLS truststore (ssl.truststore.certificates) holds no PEM certificate (-----BEGIN CERTIFICATE-----)');
  blocks.forEach((b, i) => {
    try {
      new crypto.X509Certificate(b);
    } catch (e) {
      throw new ConfigError(`Certificate ${i + 1} of the TLS truststore (ssl.truststore.certificates) cannot be read: ${(e as Error).message}`);
    }
  });
  try {
    tls.createSecureContext({ ca: pem });
  } catch (e) {
    throw new ConfigError(`The TLS truststore (ssl.truststore.certificates) cannot be used: ${(e as Error).message}`);
  }
}

export const ANONYMOUS_PRINCIPAL = 'User:ANONYMOUS';

/**
 * The principal of a connection to an SSL listener, as Kafka's DefaultKafkaPrincipalBuilder builds it (with the
 * default ssl.principal.mapping.rules): `User:` and the subject of a client certificate that chains to the truststore,
 * as Java's X500Principal.getName() writes it (RFC 2253: `CN=client,OU=eng,O=acme`); User:ANONYMOUS without one.
 */
export function sslPrincipal(socket: tls.TLSSocket): string {
  if (!socket.authorized) return ANONYMOUS_PRINCIPAL;
  const raw = socket.getPeerCertificate()?.raw;
  if (!raw) return ANONYMOUS_PRINCIPAL;
  try {
    return `User:${rfc2253Subject(raw)}`;
  } catch {
    // OpenSSL verified the certificate, so this parser should not fail; if it does, OpenSSL's own rendering of the
    // subject (RDNs reversed) rather than an exception in the accept path.
    return `User:${new crypto.X509Certificate(raw).subject.split('\n').reverse().join(',')}`;
  }
}

/** The attribute types Java's RFC 2253 form names by keyword (RFC 2253 section 2.3); any other is its dotted OID. */
const RFC2253_KEYWORDS: Record<string, string> = {
  '2.5.4.3': 'CN', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.9': 'STREET', '2.5.4.10': 'O', '2.5.4.11': 'OU',
  '0.9.2342.19200300.100.1.25': 'DC', '0.9.2342.19200300.100.1.1': 'UID',
};

/** One DER element: its tag, where it starts (`at`), where its contents start, and where it ends. */
interface Der { tag: number; at: number; start: number; end: number; }

function readDer(b: Buffer, at: number, limit: number): Der {
  if (at + 2 > limit) throw new Error('truncated DER');
  const tag = b[at];
  let len = b[at + 1];
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || start + n > limit) throw new Error('bad DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[start + i];
    start += n;
  }
  if (start + len > limit) throw new Error('truncated DER');
  return { tag, at, start, end: start + len };
}

function children(b: Buffer, e: Der): Der[] {
  const out: Der[] = [];
  for (let at = e.start; at < e.end; at = out[out.length - 1].end) out.push(readDer(b, at, e.end));
  return out;
}

function oidString(b: Buffer, e: Der): string {
  const parts: number[] = [];
  let v = 0;
  for (let i = e.start; i < e.end; i++) {
    v = v * 128 + (b[i] & 0x7f);
    if (!(b[i] & 0x80)) {
      if (parts.length === 0) parts.push(v < 80 ? Math.floor(v / 40) : 2, v < 80 ? v % 40 : v - 80);
      else parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

/**
 * A certificate's subject (DER) in the RFC 2253 form of Java's X500Principal.getName(), which Kafka's principal
 * builder uses: RDNs last to first, separated by `,`; multi-valued RDNs joined by `+`; the RFC 2253 keywords, other
 * attributes as OID=#hex of their DER value; string values with `,=+<>#;"\` and leading or trailing spaces escaped.
 */
export function rfc2253Subject(certificate: Buffer): string {
  const cert = readDer(certificate, 0, certificate.length);
  const tbs = children(certificate, cert)[0];
  const fields = children(certificate, tbs);
  // TBSCertificate: [0] version (optional), serialNumber, signature, issuer, validity, subject, ...
  const subject = fields[fields[0].tag === 0xa0 ? 5 : 4];
  const rdns = children(certificate, subject).map((rdn) =>
    children(certificate, rdn)
      .map((atv) => {
        const [type, value] = children(certificate, atv);
        const oid = oidString(certificate, type);
        const keyword = RFC2253_KEYWORDS[oid];
        return `${keyword ?? oid}=${keyword ? attributeValue(certificate, value) : hexValue(certificate, value)}`;
      })
      .join('+'),
  );
  return rdns.reverse().join(',');
}

/** `#` and the hex of a value's whole DER encoding (tag and length included), as Java writes a non-string value. */
function hexValue(b: Buffer, e: Der): string {
  return '#' + b.subarray(e.at, e.end).toString('hex');
}

/** A keyword attribute's value: the text of a string type (escaped as Java escapes it), else #hex of the DER value. */
function attributeValue(b: Buffer, e: Der): string {
  const bytes = b.subarray(e.start, e.end);
  let text: string;
  switch (e.tag) {
    case 0x0c: // UTF8String
    case 0x13: // PrintableString
    case 0x14: // TeletexString
    case 0x16: // IA5String
    case 0x1b: // GeneralString
      text = bytes.toString('utf8');
      break;
    case 0x1e: // BMPString: UTF-16BE
      if (bytes.length % 2) return hexValue(b, e);
      text = Buffer.from(bytes).swap16().toString('utf16le');
      break;
    default:
      return hexValue(b, e);
  }
  let out = '';
  for (const ch of text) out += ch === '\u0000' ? '\\00' : (',=+<>#;"\\'.includes(ch) ? '\\' : '') + ch;
  // Leading and trailing spaces (and carriage returns) are escaped too.
  const lead = /^[ \r]*/.exec(out)![0].length;
  const trail = /[ \r]*$/.exec(out.slice(lead))![0].length;
  const esc = (s: string) => s.replace(/[ \r]/g, (c) => '\\' + c);
  return esc(out.slice(0, lead)) + out.slice(lead, out.length - trail) + esc(out.slice(out.length - trail));
}
