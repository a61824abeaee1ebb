import { strict as assert } from 'node:assert';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CredentialStore, SCRAM_CREDENTIALS_FILE } from '../../../src/broker/security/credential-store';
import { PlainServer, hashPlainPassword, verifyPlainPassword } from '../../../src/broker/security/plain';
import { resolveListenerSecurity } from '../../../src/broker/security/listener-security';
import { ScramServer } from '../../../src/broker/security/scram';
import { SaslAuthenticationError } from '../../../src/broker/security/sasl-error';
import { MemoryLogger } from '../../../src/broker/logger';
import { ErrorCode } from '../../../src/broker/errors';
import { ConfigError } from '../../../src/broker/config/config-def';
import { ScramClient, clientSaltedPassword } from '../../support/scram-client';
import { caPem, serverTls } from '../../support/tls';
import { tmpDir, rm } from '../../support/tmp';

const SHA256 = 1;
const SHA512 = 2;

async function plainFails(server: PlainServer, token: string, message: string): Promise<void> {
  await assert.rejects(server.evaluate(Buffer.from(token)), (e: unknown) => {
    assert.ok(e instanceof SaslAuthenticationError);
    assert.equal(e.message, message);
    assert.equal(e.exposed, true, 'PLAIN failures are told to the client as Kafka tells them');
    return true;
  });
}

describe('SASL/PLAIN', () => {
  const users = new Map([['alice', hashPlainPassword('alice-secret')]]);

  it('keeps a salted PBKDF2 hash, never the password, and checks it', async () => {
    const h = users.get('alice')!;
    assert.equal(h.hash.length, 64);
    assert.ok(!h.hash.includes(Buffer.from('alice-secret')));
    assert.notDeepEqual(hashPlainPassword('alice-secret').hash, h.hash, 'a new salt each time');
    assert.equal(await verifyPlainPassword(h, 'alice-secret'), true);
    assert.equal(await verifyPlainPassword(h, 'alice-secreT'), false);
    assert.equal(await verifyPlainPassword(undefined, 'anything'), false);
  });

  it("accepts authzid NUL user NUL password and answers with an empty message; refuses with Kafka's messages", async () => {
    const ok = new PlainServer((u) => users.get(u));
    assert.equal((await ok.evaluate(Buffer.from('\u0000alice\u0000alice-secret'))).length, 0);
    assert.equal(ok.principal, 'alice');
    const lookup = (u: string) => users.get(u);
    await plainFails(new PlainServer(lookup), '\u0000alice\u0000wrong', 'Authentication failed: Invalid username or password');
    await plainFails(new PlainServer(lookup), '\u0000bob\u0000alice-secret', 'Authentication failed: Invalid username or password');
    await plainFails(new PlainServer(lookup), 'alice\u0000alice-secret', 'Invalid SASL/PLAIN response: expected 3 tokens, got 2');
    await plainFails(new PlainServer(lookup), '\u0000\u0000pw', 'Authentication failed: username not specified');
    await plainFails(new PlainServer(lookup), '\u0000alice\u0000', 'Authentication failed: password not specified');
    await plainFails(new PlainServer(lookup), 'root\u0000alice\u0000alice-secret', 'Authentication failed: Client requested an authorization id that is different from username');
  });
});

describe('CredentialStore', () => {
  let dir: string;
  beforeEach(() => (dir = tmpDir()));
  afterEach(() => rm(dir));

  const upsert = (name: string, password: string, mechanism = SHA256, iterations = 4096) => {
    const salt = crypto.randomBytes(16);
    return { name, mechanism, iterations, salt, saltedPassword: clientSaltedPassword(mechanism === SHA256 ? 'SCRAM-SHA-256' : 'SCRAM-SHA-512', password, salt, iterations) };
  };

  /** Logs in with the test's own SCRAM client against the store's credential. */
  const canLogIn = (store: CredentialStore, mechanism: 'SCRAM-SHA-256' | 'SCRAM-SHA-512', user: string, password: string) => {
    const server = new ScramServer(mechanism, { lookup: (u) => store.scramCredential(mechanism, u) });
    const client = new ScramClient(mechanism, user, password);
    try {
      client.verify(server.evaluate(client.final(server.evaluate(client.first()))));
      return true;
    } catch {
      return false;
    }
  };

  it('configured users get PLAIN and SCRAM credentials for the enabled mechanisms; they are not written to disk', () => {
    const store = new CredentialStore(dir, new MemoryLogger());
    store.configureUsers([{ name: 'alice', password: 'pw' }], ['PLAIN', 'SCRAM-SHA-512']);
    assert.equal(store.userCount('PLAIN'), 1);
    assert.equal(store.userCount('SCRAM-SHA-256'), 0);
    assert.equal(store.scramCredential('SCRAM-SHA-512', 'alice')!.iterations, 4096);
    assert.ok(canLogIn(store, 'SCRAM-SHA-512', 'alice', 'pw'));
    assert.ok(!canLogIn(store, 'SCRAM-SHA-512', 'alice', 'pW'));
    assert.deepEqual(store.describe(null), [{ user: 'alice', errorCode: 0, errorMessage: null, credentialInfos: [{ mechanism: SHA512, iterations: 4096 }] }]);
    assert.ok(!fs.existsSync(path.join(dir, SCRAM_CREDENTIALS_FILE)));
  });

  it("AlterUserScramCredentials: Kafka's checks per user, all-or-nothing per user", () => {
    const store = new CredentialStore(dir, new MemoryLogger());
    const results = store.alter(
      [{ name: 'ghost', mechanism: SHA256 }, { name: 'twice', mechanism: SHA256 }],
      [
        upsert('bob', 'bob-pw'),
        upsert('twice', 'x'),
        upsert('', 'x'),
        { ...upsert('odd', 'x'), mechanism: 9 },
        upsert('few', 'x', SHA256, 1000),
        { ...upsert('many', 'x'), iterations: 20000 },
      ],
    );
    const byUser = Object.fromEntries(results.map((r) => [r.user, [r.errorCode, r.errorMessage]]));
    assert.deepEqual(byUser, {
      bob: [ErrorCode.NONE, null],
      ghost: [ErrorCode.RESOURCE_NOT_FOUND, 'Attempt to delete a user credential that does not exist'],
      twice: [ErrorCode.RESOURCE_NOT_FOUND, 'Attempt to delete a user credential that does not exist'],
      '': [ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Username must not be empty'],
      odd: [ErrorCode.UNSUPPORTED_SASL_MECHANISM, 'Unknown SCRAM mechanism'],
      few: [ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Too few iterations'],
      many: [ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Too many iterations'],
    });
    assert.ok(canLogIn(store, 'SCRAM-SHA-256', 'bob', 'bob-pw'));
    assert.equal(store.scramCredential('SCRAM-SHA-256', 'twice'), undefined);

    const dup = store.alter([], [upsert('carol', 'a'), upsert('carol', 'b', SHA512)]);
    assert.deepEqual(dup, [{ user: 'carol', errorCode: ErrorCode.DUPLICATE_RESOURCE, errorMessage: 'A user credential cannot be altered twice in the same request' }]);
    assert.equal(store.scramCredential('SCRAM-SHA-256', 'carol'), undefined);

    assert.deepEqual(store.describe(['bob', 'nobody', 'bob']), [
      { user: 'bob', errorCode: ErrorCode.DUPLICATE_RESOURCE, errorMessage: 'Cannot describe SCRAM credentials for the same user twice in a single request: bob', credentialInfos: [] },
      { user: 'nobody', errorCode: ErrorCode.RESOURCE_NOT_FOUND, errorMessage: 'Attempt to describe a user credential that does not exist: nobody', credentialInfos: [] },
    ]);
  });

  it('keeps credentials altered at run time in scram-credentials.json (keys, never passwords) across a restart; deletions too', () => {
    const a = new CredentialStore(dir, new MemoryLogger());
    assert.deepEqual(a.alter([], [upsert('bob', 'bob-pw', SHA512, 8192)]).map((r) => r.errorCode), [0]);
    assert.deepEqual(a.alter([], [upsert('dan', 'dan-pw')]).map((r) => r.errorCode), [0]);
    const text = fs.readFileSync(path.join(dir, SCRAM_CREDENTIALS_FILE), 'utf8');
    assert.ok(!text.includes('bob-pw') && !text.includes('saltedPassword'));
    assert.deepEqual(Object.keys(JSON.parse(text).credentials[0]).sort(), ['iterations', 'mechanism', 'salt', 'serverKey', 'storedKey', 'user']);

    const b = new CredentialStore(dir, new MemoryLogger());
    assert.ok(canLogIn(b, 'SCRAM-SHA-512', 'bob', 'bob-pw'));
    assert.deepEqual(b.describe(['bob']), [{ user: 'bob', errorCode: 0, errorMessage: null, credentialInfos: [{ mechanism: SHA512, iterations: 8192 }] }]);
    assert.deepEqual(b.alter([{ name: 'dan', mechanism: SHA256 }], []).map((r) => r.errorCode), [0]);

    const c = new CredentialStore(dir, new MemoryLogger());
    assert.equal(c.scramCredential('SCRAM-SHA-256', 'dan'), undefined);
    assert.deepEqual(c.describe(null).map((r) => r.user), ['bob']);
  });

  it('a configured user replaces a stored credential of the same name while the broker runs', () => {
    new CredentialStore(dir, new MemoryLogger()).alter([], [upsert('bob', 'old')]);
    const logger = new MemoryLogger();
    const store = new CredentialStore(dir, logger);
    store.configureUsers([{ name: 'bob', password: 'new' }], ['SCRAM-SHA-256']);
    assert.ok(canLogIn(store, 'SCRAM-SHA-256', 'bob', 'new'));
    assert.ok(!canLogIn(store, 'SCRAM-SHA-256', 'bob', 'old'));
    assert.ok(logger.lines.some((l) => /SASL user bob: the configured password replaces the SCRAM-SHA-256 credential stored/.test(l)));
  });

  it('a corrupt scram-credentials.json stops the start with the file named', () => {
    fs.writeFileSync(path.join(dir, SCRAM_CREDENTIALS_FILE), '{"version":1,');
    assert.throws(() => new CredentialStore(dir, new MemoryLogger()), /scram-credentials\.json is not valid JSON/);
  });
});

describe('listener security options', () => {
  const bad = (o: Parameters<typeof resolveListenerSecurity>[0], message: RegExp) =>
    assert.throws(() => resolveListenerSecurity(o), (e: unknown) => e instanceof ConfigError && message.test(e.message));

  it('defaults to PLAINTEXT; SASL defaults to all three mechanisms; passwords are not kept', () => {
    assert.deepEqual(resolveListenerSecurity(undefined), { protocol: 'PLAINTEXT', sasl: false, tls: false, mechanisms: [], userNames: [] });
    const s = resolveListenerSecurity({ protocol: 'SASL_SSL', users: [{ name: 'a', password: 'p' }], tls: serverTls() });
    assert.deepEqual([s.sasl, s.tls, s.mechanisms, s.userNames], [true, true, ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'], ['a']]);
    assert.ok(!JSON.stringify(s).includes('"p"'));
  });

  it('refuses what cannot work, saying what is missing', () => {
    bad({ protocol: 'TLS' as never }, /Invalid security protocol TLS: it must be one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL/);
    bad({ protocol: 'SSL' }, /The SSL listeners need a TLS certificate and its private key/);
    bad({ protocol: 'SASL_PLAINTEXT', saslMechanisms: ['GSSAPI' as never] }, /sasl.enabled.mechanisms: Tributary serves PLAIN, SCRAM-SHA-256, SCRAM-SHA-512/);
    bad({ protocol: 'SASL_PLAINTEXT', saslMechanisms: [] }, /need at least one SASL mechanism/);
    bad({ protocol: 'SASL_PLAINTEXT', users: [{ name: 'a', password: '' }] }, /SASL user a needs a password/);
    bad({ protocol: 'SASL_PLAINTEXT', users: [{ name: 'a', password: 'x' }, { name: 'a', password: 'y' }] }, /configured twice/);
    bad({ protocol: 'PLAINTEXT', users: [{ name: 'a', password: 'x' }] }, /SASL users are configured but the security protocol is PLAINTEXT/);
    bad({ protocol: 'SASL_PLAINTEXT', tls: serverTls() }, /A TLS certificate is configured but the security protocol is SASL_PLAINTEXT/);
    bad({ protocol: 'SSL', tls: { cert: serverTls().cert, key: 'not a key' } }, /The TLS certificate and key cannot be used/);
    // The CA's certificate with the server's key: OpenSSL sees they do not belong together.
    bad({ protocol: 'SSL', tls: { cert: caPem(), key: serverTls().key } }, /The TLS certificate and key cannot be used: .*key values mismatch/);
  });
});
