/**
 * SASL and TLS on the listeners, frame by frame: what may come before authentication, how each failure is answered
 * (UNSUPPORTED_SASL_MECHANISM with the enabled list, SASL_AUTHENTICATION_FAILED with Kafka's message) and that the
 * connection then closes; SaslHandshake v0's bare SASL frames; SCRAM with the test's own client; TLS listeners;
 * SCRAM users added at run time through AlterUserScramCredentials and kept across a restart.
 */
import { strict as assert } from 'node:assert';
import * as crypto from 'node:crypto';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { startTestBroker, type TestBroker } from '../support/broker';
import { RawClient, encodeRequestFrame, decodeResponseFrame } from '../support/raw-client';
import { ScramClient, clientSaltedPassword } from '../support/scram-client';
import { caPem, serverTls } from '../support/tls';
import { tmpDir, rm } from '../support/tmp';
import { defaultMetadataRequestData } from '../../src/protocol/messages/metadata-request';
import { ErrorCode } from '../../src/broker/errors';
import type { ListenerSecurityOptions } from '../../src/broker/api';

const USERS = [
  { name: 'alice', password: 'alice-secret' },
  { name: 'carol', password: 'c:a,r=o;l' },
];
const ALL = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'];
const metadata = () => ({ ...defaultMetadataRequestData(), topics: null });
const plainToken = (user: string, password: string, authzid = '') => Buffer.from(`${authzid}\u0000${user}\u0000${password}`);

/** A socket that sends and reads size-prefixed frames with no Kafka header: what follows a v0 SaslHandshake. */
class FrameSocket {
  private buffered = Buffer.alloc(0);
  private waiting: Array<(b: Buffer) => void> = [];
  readonly closed: Promise<void>;

  constructor(readonly socket: net.Socket) {
    this.closed = new Promise((r) => socket.once('close', () => r()));
    socket.on('error', () => {});
    socket.on('data', (d: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, d]);
      while (this.buffered.length >= 4 && this.buffered.length >= 4 + this.buffered.readInt32BE(0)) {
        const size = this.buffered.readInt32BE(0);
        const frame = this.buffered.subarray(4, 4 + size);
        this.buffered = this.buffered.subarray(4 + size);
        this.waiting.shift()?.(Buffer.from(frame));
      }
    });
  }

  static connect(address: string): Promise<FrameSocket> {
    const [host, port] = address.split(',')[0].split(':');
    return new Promise((resolve, reject) => {
      const s = net.connect({ host, port: Number(port) }, () => resolve(new FrameSocket(s)));
      s.once('error', reject);
    });
  }

  /** Writes one frame (its 4-byte size added) and resolves with the next frame read, or rejects when the broker closes. */
  exchange(body: Buffer): Promise<Buffer> {
    const size = Buffer.alloc(4);
    size.writeInt32BE(body.length, 0);
    const next = new Promise<Buffer>((resolve, reject) => {
      this.waiting.push(resolve);
      void this.closed.then(() => reject(new Error('connection closed by the broker')));
    });
    this.socket.write(Buffer.concat([size, body]));
    return next;
  }

  /** A Kafka request (with header) in, its response out. */
  async request<K extends 3 | 17>(apiKey: K, version: number, data: Parameters<typeof encodeRequestFrame<K>>[2], correlationId: number) {
    const frame = encodeRequestFrame(apiKey, version, data, correlationId);
    return decodeResponseFrame(apiKey, version, await this.exchange(frame.subarray(4))).response;
  }

  close(): void {
    this.socket.destroy();
  }
}

describe('SASL and TLS listeners (raw frames)', function () {
  this.timeout(30000);
  let sasl: TestBroker;
  let saslSsl: TestBroker;
  let ssl: TestBroker;
  let plaintext: TestBroker;
  const tlsClient = { ca: caPem() };

  before(async () => {
    sasl = await startTestBroker({ security: { protocol: 'SASL_PLAINTEXT', users: USERS } });
    saslSsl = await startTestBroker({ security: { protocol: 'SASL_SSL', users: USERS, saslMechanisms: ['SCRAM-SHA-512', 'PLAIN'], tls: serverTls() } });
    ssl = await startTestBroker({ security: { protocol: 'SSL', tls: serverTls() } });
    plaintext = await startTestBroker();
  });
  after(async () => {
    for (const b of [sasl, saslSsl, ssl, plaintext]) await b?.stop();
  });

  /** SaslHandshake v1 + SaslAuthenticate with PLAIN; returns the SaslAuthenticate response. */
  const plainLogin = async (c: RawClient, user: string, password: string, authVersion = 2) => {
    const hs = await c.request(17, 1, { mechanism: 'PLAIN' });
    assert.equal(hs.errorCode, 0);
    return c.request(36, authVersion, { authBytes: plainToken(user, password) });
  };

  /** SaslHandshake v1 + two SaslAuthenticate rounds with the test's SCRAM client. */
  const scramLogin = async (c: RawClient, client: ScramClient) => {
    assert.equal((await c.request(17, 1, { mechanism: client.mechanism })).errorCode, 0);
    const first = await c.request(36, 2, { authBytes: client.first() });
    if (first.errorCode !== 0) return first;
    const final = await c.request(36, 2, { authBytes: client.final(first.authBytes) });
    if (final.errorCode === 0) client.verify(final.authBytes);
    return final;
  };

  const logged = (b: TestBroker, re: RegExp) => assert.ok(b.logger.lines.some((l) => re.test(l)), `no log line matches ${re}:\n${b.logger.lines.slice(-10).join('\n')}`);

  it('advertises SaslHandshake 0-1, SaslAuthenticate 0-2 and the SCRAM admin APIs, and answers ApiVersions before authentication', async () => {
    const c = await RawClient.connect(sasl.bootstrap);
    try {
      const r = await c.request(18, 3, { clientSoftwareName: 'test', clientSoftwareVersion: '1' });
      const byKey = new Map(r.apiKeys.map((k) => [k.apiKey, [k.minVersion, k.maxVersion]]));
      assert.deepEqual([byKey.get(17), byKey.get(36), byKey.get(50), byKey.get(51)], [[0, 1], [0, 2], [0, 0], [0, 0]]);
      // Still unauthenticated: ApiVersions again is fine too.
      assert.equal((await c.request(18, 0, { clientSoftwareName: '', clientSoftwareVersion: '' })).errorCode, 0);
    } finally {
      c.close();
    }
  });

  it('closes the connection on any other request before authentication, and logs why', async () => {
    for (const [apiKey, send] of [
      [3, (c: RawClient) => c.request(3, 12, metadata())],
      [36, (c: RawClient) => c.request(36, 2, { authBytes: plainToken('alice', 'alice-secret') })],
    ] as const) {
      const c = await RawClient.connect(sasl.bootstrap);
      await assert.rejects(send(c), /connection closed by the broker/);
      await c.closed;
      logged(sasl, new RegExp(`Unexpected Kafka request of type ${apiKey === 3 ? 'Metadata' : 'SaslAuthenticate'} during SASL handshake`));
    }
  });

  it('answers an unsupported mechanism with UNSUPPORTED_SASL_MECHANISM (33) and the enabled mechanisms, then closes', async () => {
    const c = await RawClient.connect(sasl.bootstrap);
    const r = await c.request(17, 1, { mechanism: 'GSSAPI' });
    assert.equal(r.errorCode, ErrorCode.UNSUPPORTED_SASL_MECHANISM);
    assert.deepEqual(r.mechanisms, ALL);
    await c.closed;
    logged(sasl, /closed: the client asked for SASL mechanism "GSSAPI"; enabled: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512/);
    // The list is sasl.enabled.mechanisms, in its order.
    const d = await RawClient.connect(saslSsl.bootstrap, { tls: tlsClient });
    assert.deepEqual(await d.request(17, 0, { mechanism: 'SCRAM-SHA-256' }), { errorCode: 33, mechanisms: ['SCRAM-SHA-512', 'PLAIN'] });
    await d.closed;
  });

  it('PLAIN with a wrong password: SASL_AUTHENTICATION_FAILED (58) with Kafka\'s message after the failure delay, then closed', async () => {
    for (const version of [0, 1, 2]) {
      const c = await RawClient.connect(sasl.bootstrap);
      const started = Date.now();
      const r = await plainLogin(c, 'alice', 'wrong', version);
      assert.equal(r.errorCode, ErrorCode.SASL_AUTHENTICATION_FAILED);
      assert.equal(r.errorMessage, 'Authentication failed: Invalid username or password');
      assert.ok(Date.now() - started >= 90, 'connection.failed.authentication.delay.ms (100) holds the answer back');
      await c.closed;
    }
    logged(sasl, /closed: SASL PLAIN authentication of user "alice" failed: Authentication failed: Invalid username or password/);
  });

  it('PLAIN with the right password: every API afterwards; metadata advertises 127.0.0.1 and the port; SASL again is ILLEGAL_SASL_STATE', async () => {
    const c = await RawClient.connect(sasl.bootstrap);
    try {
      const r = await plainLogin(c, 'carol', 'c:a,r=o;l');
      assert.deepEqual([r.errorCode, r.errorMessage, r.authBytes.length, r.sessionLifetimeMs], [0, null, 0, 0]);
      const md = await c.request(3, 12, metadata());
      assert.deepEqual(md.brokers.map((b) => `${b.host}:${b.port}`), [sasl.bootstrap]);
      assert.ok(sasl.bootstrap.startsWith('127.0.0.1:'));
      assert.deepEqual(await c.request(17, 1, { mechanism: 'PLAIN' }), { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [] });
      const again = await c.request(36, 2, { authBytes: plainToken('carol', 'c:a,r=o;l') });
      assert.deepEqual([again.errorCode, again.errorMessage], [ErrorCode.ILLEGAL_SASL_STATE, 'SaslAuthenticate request received after successful authentication']);
      assert.equal((await c.request(3, 12, metadata())).brokers.length, 1, 'still open');
    } finally {
      c.close();
    }
  });

  describe('re-authentication (KIP-368, connections.max.reauth.ms)', () => {
    let reauth: TestBroker;
    before(async () => {
      reauth = await startTestBroker({ config: { 'connections.max.reauth.ms': '1500' }, security: { protocol: 'SASL_PLAINTEXT', users: USERS } });
    });
    after(async () => reauth?.stop());
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

    it('SaslAuthenticate v1+ gives the session lifetime; the client authenticates again on its connection and goes on, past the first expiry', async () => {
      const c = await RawClient.connect(reauth.bootstrap);
      try {
        const r = await plainLogin(c, 'alice', 'alice-secret');
        assert.deepEqual([r.errorCode, r.sessionLifetimeMs], [0, 1500]);
        assert.equal((await c.request(3, 12, metadata())).brokers.length, 1);
        for (let round = 0; round < 2; round++) {
          await sleep(1000);
          const again = await plainLogin(c, 'alice', 'alice-secret', 1);
          assert.deepEqual([again.errorCode, again.sessionLifetimeMs], [0, 1500], `re-authentication ${round}`);
          assert.equal((await c.request(3, 12, metadata())).brokers.length, 1);
        }
        assert.ok(!c.isClosed, 'the connection lived for more than one session');
      } finally {
        c.close();
      }
    });

    it('a request after the session expired closes the connection; another principal or mechanism is refused', async () => {
      const c = await RawClient.connect(reauth.bootstrap);
      await plainLogin(c, 'alice', 'alice-secret');
      await sleep(1700);
      await assert.rejects(c.request(3, 12, metadata()));
      await c.closed;
      logged(reauth, /SASL session expired/);

      const other = await RawClient.connect(reauth.bootstrap);
      await plainLogin(other, 'alice', 'alice-secret');
      const r = await plainLogin(other, 'carol', 'c:a,r=o;l');
      assert.deepEqual([r.errorCode, r.errorMessage], [ErrorCode.SASL_AUTHENTICATION_FAILED, 'Cannot change principals during re-authentication from User:alice: User:carol']);
      await other.closed;

      const third = await RawClient.connect(reauth.bootstrap);
      await plainLogin(third, 'alice', 'alice-secret');
      const hs = await third.request(17, 1, { mechanism: 'SCRAM-SHA-256' });
      assert.deepEqual([hs.errorCode, hs.mechanisms], [ErrorCode.UNSUPPORTED_SASL_MECHANISM, ['PLAIN']]);
      await third.closed;
    });
  });

  it('after a v1 handshake only SaslAuthenticate may come: another request closes the connection', async () => {
    const c = await RawClient.connect(sasl.bootstrap);
    assert.equal((await c.request(17, 1, { mechanism: 'PLAIN' })).errorCode, 0);
    await assert.rejects(c.request(3, 12, metadata()), /connection closed/);
    logged(sasl, /Unexpected Kafka request of type Metadata during SASL authentication/);
  });

  for (const mechanism of ['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const) {
    it(`${mechanism}: logs in through SaslAuthenticate, the server signature checks out; a wrong password fails with Kafka's SCRAM message`, async () => {
      const c = await RawClient.connect(sasl.bootstrap);
      try {
        const ok = await scramLogin(c, new ScramClient(mechanism, 'alice', 'alice-secret'));
        assert.equal(ok.errorCode, 0);
        assert.equal((await c.request(3, 12, metadata())).brokers.length, 1);
      } finally {
        c.close();
      }
      const bad = await RawClient.connect(sasl.bootstrap);
      const r = await scramLogin(bad, new ScramClient(mechanism, 'alice', 'not-it'));
      assert.equal(r.errorCode, ErrorCode.SASL_AUTHENTICATION_FAILED);
      assert.equal(r.errorMessage, `Authentication failed during authentication due to invalid credentials with SASL mechanism ${mechanism}`);
      await bad.closed;
      logged(sasl, new RegExp(`SASL ${mechanism} authentication of user "alice" failed: invalid client proof`));
    });
  }

  it('SCRAM: an unknown user and a mandatory m= extension fail at the first message, with the same message as a wrong password', async () => {
    for (const client of [new ScramClient('SCRAM-SHA-256', 'mallory', 'x'), new ScramClient('SCRAM-SHA-256', 'alice', 'alice-secret', { reserved: 'm=x-future' })]) {
      const c = await RawClient.connect(sasl.bootstrap);
      const r = await scramLogin(c, client);
      assert.deepEqual([r.errorCode, r.errorMessage], [58, 'Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256']);
      await c.closed;
    }
    logged(sasl, /unknown user "mallory"/);
    logged(sasl, /requires the SCRAM extension "m=x-future"/);
  });

  describe('SaslHandshake v0: the SASL messages as bare frames', () => {
    it('PLAIN: the token in, an empty frame out, then Kafka requests', async () => {
      const s = await FrameSocket.connect(sasl.bootstrap);
      try {
        assert.deepEqual(await s.request(17, 0, { mechanism: 'PLAIN' }, 1), { errorCode: 0, mechanisms: ALL });
        assert.equal((await s.exchange(plainToken('alice', 'alice-secret'))).length, 0);
        assert.equal((await s.request(3, 12, metadata(), 2)).brokers.length, 1);
      } finally {
        s.close();
      }
    });

    it('SCRAM-SHA-512: client-first, server-first, client-final, server-final as bare frames', async () => {
      const s = await FrameSocket.connect(sasl.bootstrap);
      try {
        assert.equal((await s.request(17, 0, { mechanism: 'SCRAM-SHA-512' }, 1)).errorCode, 0);
        const client = new ScramClient('SCRAM-SHA-512', 'carol', 'c:a,r=o;l');
        const serverFirst = await s.exchange(client.first());
        client.verify(await s.exchange(client.final(serverFirst)));
        assert.equal((await s.request(3, 12, metadata(), 2)).brokers.length, 1);
      } finally {
        s.close();
      }
    });

    it('a wrong password cannot be answered in this framing: the connection closes', async () => {
      const s = await FrameSocket.connect(sasl.bootstrap);
      assert.equal((await s.request(17, 0, { mechanism: 'PLAIN' }, 1)).errorCode, 0);
      await assert.rejects(s.exchange(plainToken('alice', 'nope')), /connection closed by the broker/);
      logged(sasl, /SASL PLAIN authentication of user "alice" failed/);
    });
  });

  it('a PLAINTEXT listener answers SaslHandshake and SaslAuthenticate with ILLEGAL_SASL_STATE and stays open', async () => {
    const c = await RawClient.connect(plaintext.bootstrap);
    try {
      assert.deepEqual(await c.request(17, 1, { mechanism: 'PLAIN' }), { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [] });
      assert.equal((await c.request(36, 1, { authBytes: Buffer.alloc(0) })).errorCode, ErrorCode.ILLEGAL_SASL_STATE);
      assert.equal((await c.request(3, 12, metadata())).brokers.length, 1);
    } finally {
      c.close();
    }
  });

  describe('TLS', () => {
    it('SSL: requests over TLS, the certificate verified against the test CA for 127.0.0.1 and localhost', async () => {
      for (const servername of [undefined, 'localhost']) {
        const c = await RawClient.connect(ssl.bootstrap, { tls: { ...tlsClient, servername } });
        try {
          const md = await c.request(3, 12, metadata());
          assert.deepEqual(md.brokers.map((b) => `${b.host}:${b.port}`), [ssl.bootstrap]);
        } finally {
          c.close();
        }
      }
      // Without the CA, the client refuses the broker's certificate.
      await assert.rejects(RawClient.connect(ssl.bootstrap, { tls: {} }), /self-signed certificate in certificate chain|unable to (get|verify)/);
    });

    it('SASL_SSL: TLS, then SASL before anything else', async () => {
      const c = await RawClient.connect(saslSsl.bootstrap, { tls: tlsClient });
      await assert.rejects(c.request(3, 12, metadata()), /connection closed/);
      const d = await RawClient.connect(saslSsl.bootstrap, { tls: tlsClient });
      try {
        const r = await scramLogin(d, new ScramClient('SCRAM-SHA-512', 'alice', 'alice-secret'));
        assert.equal(r.errorCode, 0);
        assert.equal((await d.request(3, 12, metadata())).brokers[0].host, '127.0.0.1');
      } finally {
        d.close();
      }
    });

    it('a stopped node closes its TLS listener; started again it serves TLS and SASL on the same port', async () => {
      const b = await startTestBroker({ nodes: 2, security: { protocol: 'SASL_SSL', users: USERS, tls: serverTls() } });
      try {
        const before = b.server.listeners().find((l) => l.nodeId === 1)!;
        b.cluster.stopNode(1);
        await waitFor(() => !b.server.listeners().some((l) => l.nodeId === 1));
        await assert.rejects(RawClient.connect(`127.0.0.1:${before.port}`, { tls: tlsClient }), /ECONNREFUSED/);
        b.cluster.startNode(1);
        await waitFor(() => b.server.listeners().some((l) => l.nodeId === 1));
        assert.deepEqual(b.server.listeners().find((l) => l.nodeId === 1), { ...before });
        const c = await RawClient.connect(`127.0.0.1:${before.port}`, { tls: tlsClient });
        try {
          assert.equal((await scramLogin(c, new ScramClient('SCRAM-SHA-256', 'alice', 'alice-secret'))).errorCode, 0);
          assert.equal((await c.request(3, 12, metadata())).brokers.length, 2);
        } finally {
          c.close();
        }
      } finally {
        await b.stop();
      }
    });

    it('a client without TLS on an SSL listener, and one with TLS on a PLAINTEXT listener: closed, and the log says which mismatch', async () => {
      const c = await RawClient.connect(ssl.bootstrap, { timeoutMs: 3000 });
      await assert.rejects(c.request(3, 12, metadata()), /connection closed|no response/);
      c.close();
      await waitFor(() => ssl.logger.lines.some((l) => /TLS handshake with 127\.0\.0\.1:\d+ failed: .*does not speak TLS/.test(l)));

      const socket = tls.connect({ host: '127.0.0.1', port: Number(plaintext.bootstrap.split(':')[1]), ...tlsClient });
      socket.on('error', () => {});
      await new Promise((r) => socket.once('close', r));
      logged(plaintext, /it looks like a TLS handshake: the client uses SSL or SASL_SSL, but this listener does not/);
    });
  });

  describe('SCRAM users added at run time (DescribeUserScramCredentials / AlterUserScramCredentials)', () => {
    let dir: string;
    const security: ListenerSecurityOptions = { protocol: 'SASL_SSL', saslMechanisms: ['SCRAM-SHA-256', 'SCRAM-SHA-512'], users: [USERS[0]], tls: serverTls() };
    beforeEach(() => (dir = tmpDir()));
    afterEach(() => rm(dir));

    const connectAs = async (b: TestBroker, mechanism: 'SCRAM-SHA-256' | 'SCRAM-SHA-512', user: string, password: string) => {
      const c = await RawClient.connect(b.bootstrap, { tls: tlsClient });
      const r = await scramLogin(c, new ScramClient(mechanism, user, password));
      if (r.errorCode !== 0) {
        c.close();
        throw new Error(`${user} cannot log in: ${r.errorMessage}`);
      }
      return c;
    };

    it('an admin adds bob, bob logs in; the credential survives a restart; deleting it locks bob out', async () => {
      let b = await startTestBroker({ dataDir: dir, security });
      let admin = await connectAs(b, 'SCRAM-SHA-256', 'alice', 'alice-secret');
      const salt = crypto.randomBytes(20);
      const altered = await admin.request(51, 0, {
        deletions: [{ name: 'nobody', mechanism: 1 }],
        upsertions: [{ name: 'bob', mechanism: 2, iterations: 8192, salt, saltedPassword: clientSaltedPassword('SCRAM-SHA-512', 'bob-pw', salt, 8192) }],
      });
      assert.deepEqual(
        altered.results.map((r) => [r.user, r.errorCode, r.errorMessage]).sort(),
        [['bob', 0, null], ['nobody', ErrorCode.RESOURCE_NOT_FOUND, 'Attempt to delete a user credential that does not exist']],
      );
      const described = await admin.request(50, 0, { users: null });
      assert.deepEqual(described.results.map((r) => [r.user, r.errorCode, r.credentialInfos.map((i) => [i.mechanism, i.iterations])]), [
        ['alice', 0, [[1, 4096], [2, 4096]]],
        ['bob', 0, [[2, 8192]]],
      ]);
      admin.close();
      (await connectAs(b, 'SCRAM-SHA-512', 'bob', 'bob-pw')).close();
      await assert.rejects(connectAs(b, 'SCRAM-SHA-256', 'bob', 'bob-pw'), /invalid credentials with SASL mechanism SCRAM-SHA-256/);
      await b.stop(true);

      b = await startTestBroker({ dataDir: dir, security });
      try {
        (await connectAs(b, 'SCRAM-SHA-512', 'bob', 'bob-pw')).close();
        admin = await connectAs(b, 'SCRAM-SHA-512', 'alice', 'alice-secret');
        assert.deepEqual((await admin.request(51, 0, { deletions: [{ name: 'bob', mechanism: 2 }], upsertions: [] })).results.map((r) => r.errorCode), [0]);
        const gone = await admin.request(50, 0, { users: [{ name: 'bob' }] });
        assert.deepEqual([gone.results[0].errorCode, gone.results[0].errorMessage], [ErrorCode.RESOURCE_NOT_FOUND, 'Attempt to describe a user credential that does not exist: bob']);
        admin.close();
        await assert.rejects(connectAs(b, 'SCRAM-SHA-512', 'bob', 'bob-pw'), /invalid credentials/);
      } finally {
        await b.stop(true);
      }
    });

    it('refuses to start SASL with nobody able to log in, or SSL without a certificate, and leaves the directory usable', async () => {
      await assert.rejects(startTestBroker({ dataDir: dir, security: { protocol: 'SASL_PLAINTEXT' } }), /SASL is on \(SASL_PLAINTEXT, mechanisms PLAIN, SCRAM-SHA-256, SCRAM-SHA-512\) but no user can log in/);
      await assert.rejects(startTestBroker({ dataDir: dir, security: { protocol: 'SSL' } }), /The SSL listeners need a TLS certificate and its private key/);
      const b = await startTestBroker({ dataDir: dir });
      await b.stop(true);
    });
  });
});

async function waitFor(fn: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > deadline) assert.fail('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
