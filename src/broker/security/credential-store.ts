/**
 * Who may log in: PLAIN password hashes and SCRAM credentials per user and mechanism.
 *
 * Two sources, as in Kafka: users configured at start (Kafka's JAAS `user_NAME` entries and `kafka-storage format
 * --add-scram`), set again at every start and kept only in memory; and SCRAM credentials created, changed or deleted
 * at run time through AlterUserScramCredentials (what `kafka-configs --alter --add-config 'SCRAM-SHA-256=[...]'
 * --entity-type users` sends), written to `scram-credentials.json` in the data directory so they survive a restart.
 * A configured user wins over a stored credential of the same name at start. Only salts, iteration counts,
 * StoredKeys and ServerKeys are stored: never a password, nor a salted password.
 */
import * as path from 'node:path';
import { io, writeFileAtomic } from '../storage/file-io';
import { ErrorCode } from '../errors';
import type { Logger } from '../logger';
import type { SaslMechanismName } from '../api';
import { hashPlainPassword, type PlainPasswordHash } from './plain';
import {
  MAX_SCRAM_ITERATIONS,
  SCRAM_MECHANISMS,
  credentialFromSaltedPassword,
  isScramMechanism,
  scramCredential,
  scramMechanismByType,
  type ScramCredential,
  type ScramMechanismName,
} from './scram';

export const SCRAM_CREDENTIALS_FILE = 'scram-credentials.json';

interface StoredCredential {
  user: string;
  mechanism: ScramMechanismName;
  iterations: number;
  salt: string;
  storedKey: string;
  serverKey: string;
}

/** One user's answer in DescribeUserScramCredentials / AlterUserScramCredentials. */
interface ScramUserResult {
  user: string;
  errorCode: number;
  errorMessage: string | null;
  credentialInfos?: Array<{ mechanism: number; iterations: number }>;
}

interface ScramDeletion {
  name: string;
  mechanism: number;
}

interface ScramUpsertion {
  name: string;
  mechanism: number;
  iterations: number;
  salt: Buffer;
  saltedPassword: Buffer;
}

type CredentialMap = Map<ScramMechanismName, Map<string, ScramCredential>>;

const emptyMap = (): CredentialMap => new Map(Object.keys(SCRAM_MECHANISMS).map((m) => [m as ScramMechanismName, new Map()]));

export class CredentialStore {
  /** What authentication uses: configured users over stored credentials. */
  private readonly scram = emptyMap();
  /** The credentials changed at run time, as in the file. */
  private readonly stored = emptyMap();
  private readonly plain = new Map<string, PlainPasswordHash>();
  private readonly file: string | undefined;

  /** `dataDir` undefined: nothing is read or written (tests of the store alone). */
  constructor(dataDir: string | undefined, private readonly logger: Logger) {
    this.file = dataDir === undefined ? undefined : path.join(dataDir, SCRAM_CREDENTIALS_FILE);
    if (this.file && io.existsSync(this.file)) this.load(this.file);
  }

  /** Adds the configured users with every enabled mechanism (SCRAM credentials with 4096 iterations, as kafka-configs' default). */
  configureUsers(users: ReadonlyArray<{ name: string; password: string }>, mechanisms: readonly SaslMechanismName[]): void {
    for (const u of users) {
      for (const m of mechanisms) {
        if (m === 'PLAIN') {
          this.plain.set(u.name, hashPlainPassword(u.password));
        } else {
          if (this.stored.get(m)!.has(u.name)) this.logger.info(`SASL user ${u.name}: the configured password replaces the ${m} credential stored in ${SCRAM_CREDENTIALS_FILE} while this broker runs`);
          this.scram.get(m)!.set(u.name, scramCredential(m, u.password));
        }
      }
    }
  }

  scramCredential(mechanism: ScramMechanismName, user: string): ScramCredential | undefined {
    return this.scram.get(mechanism)!.get(user);
  }

  plainPassword(user: string): PlainPasswordHash | undefined {
    return this.plain.get(user);
  }

  /** How many users can log in with the mechanism. */
  userCount(mechanism: SaslMechanismName): number {
    return mechanism === 'PLAIN' ? this.plain.size : this.scram.get(mechanism)!.size;
  }

  /** DescribeUserScramCredentials: every user with a SCRAM credential (users null or empty), or the ones named. */
  describe(users: string[] | null): ScramUserResult[] {
    const all = new Set<string>();
    for (const byUser of this.scram.values()) for (const u of byUser.keys()) all.add(u);
    const wanted = users === null || users.length === 0 ? [...all].sort() : [...new Set(users)];
    return wanted.map((user) => {
      if (users && users.indexOf(user) !== users.lastIndexOf(user)) {
        return { user, errorCode: ErrorCode.DUPLICATE_RESOURCE, errorMessage: `Cannot describe SCRAM credentials for the same user twice in a single request: ${user}`, credentialInfos: [] };
      }
      const credentialInfos = Object.values(SCRAM_MECHANISMS)
        .filter((m) => this.scram.get(m.name)!.has(user))
        .map((m) => ({ mechanism: m.type, iterations: this.scram.get(m.name)!.get(user)!.iterations }));
      if (credentialInfos.length === 0) return { user, errorCode: ErrorCode.RESOURCE_NOT_FOUND, errorMessage: `Attempt to describe a user credential that does not exist: ${user}`, credentialInfos: [] };
      return { user, errorCode: ErrorCode.NONE, errorMessage: null, credentialInfos };
    });
  }

  /**
   * AlterUserScramCredentials with the checks of Kafka's ScramControlManager: a user named twice in one request, an
   * empty name, an unknown mechanism, iterations out of 4096..16384, deleting what does not exist. A user's changes
   * are applied only when all of them pass.
   */
  alter(deletions: readonly ScramDeletion[], upsertions: readonly ScramUpsertion[]): ScramUserResult[] {
    const errors = new Map<string, { code: number; message: string }>();
    const toDelete = new Map<string, ScramDeletion>();
    const toUpsert = new Map<string, ScramUpsertion>();
    const duplicate = { code: ErrorCode.DUPLICATE_RESOURCE, message: 'A user credential cannot be altered twice in the same request' };
    for (const d of deletions) {
      if (errors.has(d.name)) continue;
      if (toDelete.delete(d.name)) {
        errors.set(d.name, duplicate);
        continue;
      }
      const e = this.validateDeletion(d);
      if (e) errors.set(d.name, e);
      else toDelete.set(d.name, d);
    }
    for (const u of upsertions) {
      if (errors.has(u.name)) continue;
      if (toDelete.delete(u.name) || toUpsert.delete(u.name)) {
        errors.set(u.name, duplicate);
        continue;
      }
      const e = validateUpsertion(u);
      if (e) errors.set(u.name, e);
      else toUpsert.set(u.name, u);
    }
    for (const d of toDelete.values()) {
      const m = scramMechanismByType(d.mechanism)!.name;
      this.scram.get(m)!.delete(d.name);
      this.stored.get(m)!.delete(d.name);
      this.logger.info(`SCRAM credential of ${d.name} with mechanism ${m} deleted`);
    }
    for (const u of toUpsert.values()) {
      const m = scramMechanismByType(u.mechanism)!.name;
      const c = credentialFromSaltedPassword(m, u.salt, u.saltedPassword, u.iterations);
      const existed = this.scram.get(m)!.has(u.name);
      this.scram.get(m)!.set(u.name, c);
      this.stored.get(m)!.set(u.name, c);
      this.logger.info(`SCRAM credential of ${u.name} with mechanism ${m} ${existed ? 'changed' : 'created'} (${u.iterations} iterations)`);
    }
    if (toDelete.size || toUpsert.size) this.save();
    return [
      ...[...toDelete.keys(), ...toUpsert.keys()].map((user) => ({ user, errorCode: ErrorCode.NONE, errorMessage: null })),
      ...[...errors].map(([user, e]) => ({ user, errorCode: e.code, errorMessage: e.message })),
    ];
  }

  private validateDeletion(d: ScramDeletion): { code: number; message: string } | undefined {
    const e = validateNameAndMechanism(d.name, d.mechanism);
    if (e) return e;
    if (!this.scram.get(scramMechanismByType(d.mechanism)!.name)!.has(d.name)) return { code: ErrorCode.RESOURCE_NOT_FOUND, message: 'Attempt to delete a user credential that does not exist' };
    return undefined;
  }

  private load(file: string): void {
    let entries: StoredCredential[];
    try {
      const parsed = JSON.parse(io.readFileSync(file, 'utf8') as string) as { version?: number; credentials?: StoredCredential[] };
      if (parsed.version !== 1 || !Array.isArray(parsed.credentials)) throw new Error(`${file} has an unknown format`);
      entries = parsed.credentials;
    } catch (e) {
      if (e instanceof SyntaxError) throw new Error(`${file} is not valid JSON: ${e.message}`, { cause: e });
      throw e;
    }
    for (const e of entries) {
      if (!isScramMechanism(e.mechanism) || typeof e.user !== 'string' || !Number.isInteger(e.iterations)) throw new Error(`${file} has an unknown format: ${JSON.stringify({ user: e.user, mechanism: e.mechanism })}`);
      const c: ScramCredential = { iterations: e.iterations, salt: Buffer.from(e.salt, 'base64'), storedKey: Buffer.from(e.storedKey, 'base64'), serverKey: Buffer.from(e.serverKey, 'base64') };
      this.stored.get(e.mechanism)!.set(e.user, c);
      this.scram.get(e.mechanism)!.set(e.user, c);
    }
  }

  private save(): void {
    if (!this.file) return;
    const credentials: StoredCredential[] = [];
    for (const [mechanism, byUser] of this.stored) {
      for (const [user, c] of byUser) {
        credentials.push({ user, mechanism, iterations: c.iterations, salt: c.salt.toString('base64'), storedKey: c.storedKey.toString('base64'), serverKey: c.serverKey.toString('base64') });
      }
    }
    writeFileAtomic(this.file, JSON.stringify({ version: 1, credentials }, null, 2) + '\n');
  }
}

function validateNameAndMechanism(name: string, mechanism: number): { code: number; message: string } | undefined {
  if (name === '') return { code: ErrorCode.UNACCEPTABLE_CREDENTIAL, message: 'Username must not be empty' };
  if (!scramMechanismByType(mechanism)) return { code: ErrorCode.UNSUPPORTED_SASL_MECHANISM, message: 'Unknown SCRAM mechanism' };
  return undefined;
}

function validateUpsertion(u: ScramUpsertion): { code: number; message: string } | undefined {
  const e = validateNameAndMechanism(u.name, u.mechanism);
  if (e) return e;
  const m = scramMechanismByType(u.mechanism)!;
  if (u.iterations < m.minIterations) return { code: ErrorCode.UNACCEPTABLE_CREDENTIAL, message: 'Too few iterations' };
  if (u.iterations > MAX_SCRAM_ITERATIONS) return { code: ErrorCode.UNACCEPTABLE_CREDENTIAL, message: 'Too many iterations' };
  // The salted password is Hi(password, salt, i): one hash long. Anything else could never match a client's proof.
  if (u.saltedPassword.length !== m.keyLength) return { code: ErrorCode.UNACCEPTABLE_CREDENTIAL, message: `The salted password of ${m.name} must be ${m.keyLength} bytes, not ${u.saltedPassword.length}` };
  if (u.salt.length === 0) return { code: ErrorCode.UNACCEPTABLE_CREDENTIAL, message: 'The salt must not be empty' };
  return undefined;
}
