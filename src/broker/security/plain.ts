/**
 * SASL/PLAIN (RFC 4616) as Kafka's PlainSaslServer answers it: one message `authzid NUL username NUL password`,
 * checked against the configured users, with Kafka's error messages (the client sees them as they are).
 * The password is checked against a salted hash (see PlainPasswordHash): it is never kept.
 */
import * as crypto from 'node:crypto';
import { promisify } from 'node:util';
import { exposedFailure } from './sasl-error';

const pbkdf2 = promisify(crypto.pbkdf2);

/** PBKDF2-HMAC-SHA-512 over a random salt: costly to reverse if the process memory leaks, cheap enough per login. */
const HASH = 'sha512';
const HASH_BYTES = 64;
const ITERATIONS = 4096;

export interface PlainPasswordHash {
  salt: Buffer;
  hash: Buffer;
}

export function hashPlainPassword(password: string): PlainPasswordHash {
  const salt = crypto.randomBytes(16);
  return { salt, hash: crypto.pbkdf2Sync(Buffer.from(password, 'utf8'), salt, ITERATIONS, HASH_BYTES, HASH) };
}

/** A hash no password matches, checked for unknown users so that they take as long as known ones. */
const NOBODY: PlainPasswordHash = { salt: crypto.randomBytes(16), hash: crypto.randomBytes(HASH_BYTES) };

export async function verifyPlainPassword(stored: PlainPasswordHash | undefined, password: string): Promise<boolean> {
  const h = stored ?? NOBODY;
  const candidate = await pbkdf2(Buffer.from(password, 'utf8'), h.salt, ITERATIONS, HASH_BYTES, HASH);
  return crypto.timingSafeEqual(candidate, h.hash) && stored !== undefined;
}

interface PlainMessage {
  authzid: string;
  username: string;
  password: string;
}

/** Splits the client's one message into its three parts, or fails with Kafka's message. */
function parsePlainMessage(token: Buffer): PlainMessage {
  const tokens = token.toString('utf8').split('\u0000');
  if (tokens.length !== 3) throw exposedFailure(`Invalid SASL/PLAIN response: expected 3 tokens, got ${tokens.length}`);
  const [authzid, username, password] = tokens;
  if (username === '') throw exposedFailure('Authentication failed: username not specified');
  if (password === '') throw exposedFailure('Authentication failed: password not specified');
  return { authzid, username, password };
}

/** The server side of one PLAIN exchange: a single message, answered with an empty one. */
export class PlainServer {
  readonly mechanism = 'PLAIN';
  complete = false;
  principal: string | undefined;
  private used = false;

  constructor(private readonly lookup: (username: string) => PlainPasswordHash | undefined) {}

  /** The user named in the message, once seen (for the log). */
  username: string | undefined;

  async evaluate(token: Buffer): Promise<Buffer> {
    if (this.used) throw exposedFailure('Authentication failed: unexpected SASL/PLAIN message after the first');
    this.used = true;
    const m = parsePlainMessage(token);
    this.username = m.username;
    if (!(await verifyPlainPassword(this.lookup(m.username), m.password))) throw exposedFailure('Authentication failed: Invalid username or password');
    if (m.authzid !== '' && m.authzid !== m.username) throw exposedFailure('Authentication failed: Client requested an authorization id that is different from username');
    this.complete = true;
    this.principal = m.username;
    return Buffer.alloc(0);
  }
}
