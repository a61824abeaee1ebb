/**
 * SCRAM-SHA-256 and SCRAM-SHA-512 (RFC 5802, RFC 7677) as Kafka's ScramSaslServer runs them: the broker keeps, per
 * user and mechanism, only a salt, an iteration count, StoredKey and ServerKey (never the password, nor the salted
 * password, which would let anyone who reads it log in); a client proves it knows the password without sending it,
 * and the broker proves it holds the credential with the server signature in the final message.
 */
import * as crypto from 'node:crypto';
import { exposedFailure, hiddenFailure, SaslAuthenticationError } from './sasl-error';

export type ScramMechanismName = 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

interface ScramMechanismInfo {
  name: ScramMechanismName;
  hash: 'sha256' | 'sha512';
  /** Bytes of the hash, and so of every key and proof. */
  keyLength: number;
  /** The mechanism's number in DescribeUserScramCredentials/AlterUserScramCredentials (Kafka's ScramMechanism.type). */
  type: number;
  /** Kafka refuses fewer iterations than this (and more than MAX_SCRAM_ITERATIONS). */
  minIterations: number;
}

export const SCRAM_MECHANISMS: Readonly<Record<ScramMechanismName, ScramMechanismInfo>> = {
  'SCRAM-SHA-256': { name: 'SCRAM-SHA-256', hash: 'sha256', keyLength: 32, type: 1, minIterations: 4096 },
  'SCRAM-SHA-512': { name: 'SCRAM-SHA-512', hash: 'sha512', keyLength: 64, type: 2, minIterations: 4096 },
};

/** Kafka's ScramControlManager.MAX_ITERATIONS. */
export const MAX_SCRAM_ITERATIONS = 16384;
/** What kafka-configs uses when --add-config does not say (and what the command line's users get). */
const DEFAULT_SCRAM_ITERATIONS = 4096;

export function isScramMechanism(name: string): name is ScramMechanismName {
  return Object.prototype.hasOwnProperty.call(SCRAM_MECHANISMS, name);
}

export function scramMechanismByType(type: number): ScramMechanismInfo | undefined {
  return Object.values(SCRAM_MECHANISMS).find((m) => m.type === type);
}

/** What the broker stores for one user and mechanism. */
export interface ScramCredential {
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

const hmac = (hash: string, key: Buffer, data: string | Buffer) => crypto.createHmac(hash, key).update(data).digest();
const h = (hash: string, data: Buffer) => crypto.createHash(hash).update(data).digest();

/** Hi(password, salt, i) of RFC 5802: PBKDF2 with HMAC over the mechanism's hash, one hash length long. */
export function saltedPassword(mechanism: ScramMechanismName, password: string, salt: Buffer, iterations: number): Buffer {
  const m = SCRAM_MECHANISMS[mechanism];
  // Kafka takes the password's UTF-8 bytes as they are (no SASLprep); so do we, so the same passwords work.
  return crypto.pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, m.keyLength, m.hash);
}

/** StoredKey = H(HMAC(SaltedPassword, "Client Key")), ServerKey = HMAC(SaltedPassword, "Server Key"). */
export function credentialFromSaltedPassword(mechanism: ScramMechanismName, salt: Buffer, salted: Buffer, iterations: number): ScramCredential {
  const { hash } = SCRAM_MECHANISMS[mechanism];
  const clientKey = hmac(hash, salted, 'Client Key');
  return { salt: Buffer.from(salt), iterations, storedKey: h(hash, clientKey), serverKey: hmac(hash, salted, 'Server Key') };
}

/** A new credential for a password, with a random salt. */
export function scramCredential(mechanism: ScramMechanismName, password: string, opts: { salt?: Buffer; iterations?: number } = {}): ScramCredential {
  const salt = opts.salt ?? crypto.randomBytes(32);
  const iterations = opts.iterations ?? DEFAULT_SCRAM_ITERATIONS;
  return credentialFromSaltedPassword(mechanism, salt, saltedPassword(mechanism, password, salt, iterations), iterations);
}

/**
 * A `saslname` (RFC 5802 5.1): "=2C" stands for ",", "=3D" for "=", and any other "=" is malformed.
 */
export function decodeSaslName(s: string): string {
  if (/=(?!2C|3D)/.test(s)) throw hiddenFailure(`malformed SCRAM user name ${JSON.stringify(s)} ("=" must be "=2C" or "=3D")`);
  return s.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

const PRINTABLE_NONCE = /^[\x21-\x2B\x2D-\x7E]+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function base64(what: string, s: string): Buffer {
  if (!BASE64.test(s)) throw hiddenFailure(`SCRAM ${what} is not base64: ${JSON.stringify(s)}`);
  return Buffer.from(s, 'base64');
}

interface ClientFirstMessage {
  gs2Header: string;
  authzid: string;
  username: string;
  nonce: string;
  /** client-first-message-bare, exactly as received: it goes into the AuthMessage both sides sign. */
  bare: string;
  extensions: Map<string, string>;
}

/** Parses `gs2-header [reserved-mext ","] username "," nonce ["," extensions]`. */
export function parseClientFirstMessage(token: Buffer): ClientFirstMessage {
  const text = token.toString('utf8');
  const parts = text.split(',');
  if (parts.length < 4) throw hiddenFailure(`invalid SCRAM client-first-message: ${JSON.stringify(text)}`);
  const [cbind, authz] = parts;
  if (cbind.startsWith('p=')) throw hiddenFailure(`the client asked for channel binding (${cbind}), which is not offered (no -PLUS mechanism)`);
  if (cbind !== 'n' && cbind !== 'y') throw hiddenFailure(`invalid SCRAM gs2 header ${JSON.stringify(cbind + ',' + authz + ',')}`);
  let authzid = '';
  if (authz !== '') {
    if (!authz.startsWith('a=')) throw hiddenFailure(`invalid SCRAM authorization id ${JSON.stringify(authz)}`);
    authzid = decodeSaslName(authz.slice(2));
  }
  const gs2Header = `${cbind},${authz},`;
  const bare = text.slice(gs2Header.length);
  const attrs = parts.slice(2);
  // RFC 5802: "m" is reserved for mandatory extensions, and one the server does not know must fail the exchange.
  if (attrs[0].startsWith('m=')) throw hiddenFailure(`the client requires the SCRAM extension ${JSON.stringify(attrs[0])}, which is not supported`);
  if (!attrs[0].startsWith('n=') || attrs[0].length === 2) throw hiddenFailure(`SCRAM client-first-message has no user name: ${JSON.stringify(text)}`);
  const username = decodeSaslName(attrs[0].slice(2));
  if (!attrs[1].startsWith('r=') || !PRINTABLE_NONCE.test(attrs[1].slice(2))) throw hiddenFailure(`SCRAM client-first-message has no valid nonce: ${JSON.stringify(text)}`);
  const nonce = attrs[1].slice(2);
  // Optional extensions (Kafka's "tokenauth=true" for delegation tokens); unknown ones are ignored, as Kafka does.
  const extensions = new Map<string, string>();
  for (const a of attrs.slice(2)) {
    const m = /^([A-Za-z]+)=(.+)$/.exec(a);
    if (!m) throw hiddenFailure(`invalid SCRAM extension ${JSON.stringify(a)}`);
    extensions.set(m[1], m[2]);
  }
  return { gs2Header, authzid, username, nonce, bare, extensions };
}

interface ClientFinalMessage {
  channelBinding: Buffer;
  nonce: string;
  proof: Buffer;
  /** client-final-message-without-proof, exactly as received. */
  withoutProof: string;
}

/** Parses `channel-binding "," nonce ["," extensions] "," proof`. */
function parseClientFinalMessage(token: Buffer): ClientFinalMessage {
  const text = token.toString('utf8');
  const at = text.lastIndexOf(',p=');
  const withoutProof = at < 0 ? '' : text.slice(0, at);
  const [c, r] = withoutProof.split(',');
  if (at < 0 || !c?.startsWith('c=') || !r?.startsWith('r=')) throw hiddenFailure(`invalid SCRAM client-final-message: ${JSON.stringify(text)}`);
  return { channelBinding: base64('channel binding', c.slice(2)), nonce: r.slice(2), proof: base64('client proof', text.slice(at + 3)), withoutProof };
}

/** Compares secrets in constant time (a length mismatch is not secret). */
function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

interface ScramServerOptions {
  /** The stored credential of a user for this mechanism, or undefined for an unknown user. */
  lookup(username: string): ScramCredential | undefined;
  /** The server's part of the nonce; random unless a test fixes it. */
  serverNonce?: () => string;
}

/** The server side of one SCRAM exchange: client-first → server-first, client-final → server-final. */
export class ScramServer {
  private state: 'first' | 'final' | 'complete' | 'failed' = 'first';
  private clientFirst: ClientFirstMessage | undefined;
  private serverFirst = '';
  private nonce = '';
  private credential: ScramCredential | undefined;
  /** The authenticated user once complete. */
  principal: string | undefined;

  constructor(
    readonly mechanism: ScramMechanismName,
    private readonly opts: ScramServerOptions,
  ) {}

  get complete(): boolean {
    return this.state === 'complete';
  }

  /** The user named in the client-first-message, once seen (for the log). */
  get username(): string | undefined {
    return this.clientFirst?.username;
  }

  /** The server's answer to the client's next message; throws SaslAuthenticationError and fails the exchange. */
  evaluate(token: Buffer): Buffer {
    try {
      if (this.state === 'first') return this.first(token);
      if (this.state === 'final') return this.final(token);
      throw hiddenFailure(`unexpected SCRAM message after the exchange ${this.state === 'complete' ? 'completed' : 'failed'}`);
    } catch (e) {
      this.state = 'failed';
      this.credential = undefined;
      throw e instanceof SaslAuthenticationError ? e : hiddenFailure(String((e as Error)?.message ?? e));
    }
  }

  private first(token: Buffer): Buffer {
    const cf = parseClientFirstMessage(token);
    this.clientFirst = cf;
    // Delegation tokens authenticate through SCRAM with this extension; Tributary issues none.
    if (cf.extensions.get('tokenauth')?.toLowerCase() === 'true') throw hiddenFailure(`user ${JSON.stringify(cf.username)} asked for delegation-token authentication (tokenauth), which is not supported`);
    const credential = this.opts.lookup(cf.username);
    if (!credential) throw hiddenFailure(`unknown user ${JSON.stringify(cf.username)} (no ${this.mechanism} credential)`);
    if (cf.authzid !== '' && cf.authzid !== cf.username) throw exposedFailure('Authentication failed: Client requested an authorization id that is different from username');
    this.credential = credential;
    this.nonce = cf.nonce + (this.opts.serverNonce?.() ?? crypto.randomBytes(24).toString('base64'));
    this.serverFirst = `r=${this.nonce},s=${credential.salt.toString('base64')},i=${credential.iterations}`;
    this.state = 'final';
    return Buffer.from(this.serverFirst, 'utf8');
  }

  private final(token: Buffer): Buffer {
    const cf = this.clientFirst!;
    const credential = this.credential!;
    const { hash, keyLength } = SCRAM_MECHANISMS[this.mechanism];
    const fin = parseClientFinalMessage(token);
    if (!fin.channelBinding.equals(Buffer.from(cf.gs2Header, 'utf8'))) throw hiddenFailure(`the channel binding c= of user ${JSON.stringify(cf.username)} does not repeat the gs2 header ${JSON.stringify(cf.gs2Header)}`);
    // RFC 5802 wants the nonce repeated exactly; librdkafka (up to 2.x at least) sends its client nonce followed by
    // the whole combined nonce. Kafka's ScramSaslServer only checks that the nonce ends with the combined one, and
    // so do we, or librdkafka clients could never log in. The proof still signs what the client sent.
    if (!fin.nonce.endsWith(this.nonce)) throw hiddenFailure(`invalid nonce in the client-final-message of user ${JSON.stringify(cf.username)}`);
    if (fin.proof.length !== keyLength) throw hiddenFailure(`the client proof of user ${JSON.stringify(cf.username)} is ${fin.proof.length} bytes, not ${keyLength}`);
    const authMessage = `${cf.bare},${this.serverFirst},${fin.withoutProof}`;
    const clientSignature = hmac(hash, credential.storedKey, authMessage);
    const clientKey = Buffer.alloc(keyLength);
    for (let i = 0; i < keyLength; i++) clientKey[i] = fin.proof[i] ^ clientSignature[i];
    if (!sameBytes(h(hash, clientKey), credential.storedKey)) throw hiddenFailure(`invalid client proof for user ${JSON.stringify(cf.username)} (wrong password)`);
    const serverSignature = hmac(hash, credential.serverKey, authMessage);
    this.state = 'complete';
    this.principal = cf.username;
    this.credential = undefined;
    return Buffer.from(`v=${serverSignature.toString('base64')}`, 'utf8');
  }
}
