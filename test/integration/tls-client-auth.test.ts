/**
 * Mutual TLS on SSL listeners, as Kafka's `ssl.client.auth` with a PEM truststore (`ssl.truststore.certificates`):
 * `required` serves only clients whose certificate chains to the truststore, `requested` also serves clients without
 * a certificate (as User:ANONYMOUS) but not with an untrusted one (Kafka's JSSE fails that handshake too), `none` asks
 * for nothing. The principal of a verified client is `User:` and its subject in Java's RFC 2253 form. On SASL_SSL the
 * setting is accepted and ignored, as Kafka ignores the broker-wide setting there (KIP-684). Node TLS clients, kcat,
 * and `tributary start --tls-ca/--ssl-client-auth`. The client certificates are made with openssl for each run.
 */
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as tls from 'node:tls';
import { startTestBroker, type TestBroker } from '../support/broker';
import { startCli, TRIBUTARY_BIN } from '../support/cli';
import { RawClient } from '../support/raw-client';
import { CA_FILE, CERT_FILE, KEY_FILE, caPem, serverTls } from '../support/tls';
import { tmpDir, rm } from '../support/tmp';
import { KCAT, haveKcat, run } from '../compat/helpers';
import { defaultMetadataRequestData } from '../../src/protocol/messages/metadata-request';
import { rfc2253Subject } from '../../src/broker/security/listener-security';
import { ConfigError } from '../../src/broker/config/config-def';
import type { Connection } from '../../src/protocol/server/connection';
import type { SslClientAuth } from '../../src/broker/api';

const CLIENT_DN = 'CN=client,OU=eng,O=acme';
/**
 * How a Node client sees a listener drop it for an untrusted certificate: no TLS alert (Node verifies the chain only
 * after OpenSSL finished the handshake, then closes the socket), so a close before or after its own handshake ended.
 */
const DROPPED = /connection closed by the broker|ECONNRESET|socket hang up|socket disconnected before secure TLS connection was established/;

/** A client CA, a client certificate it signed, a self-signed one, and one signed by another CA: PEM files in `dir`. */
function makeCertificates(dir: string): void {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const clientExt = path.join(dir, 'client.ext');
  fs.writeFileSync(clientExt, 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n');
  const ca = (name: string, cn: string) =>
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '2', '-subj', `/CN=${cn}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-keyout', `${name}.key`, '-out', `${name}.pem`);
  const signed = (name: string, subject: string, by: string) => {
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-subj', subject, '-keyout', `${name}.key`, '-out', `${name}.csr`);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${by}.pem`, '-CAkey', `${by}.key`, '-CAcreateserial', '-days', '2', '-sha256', '-extfile', clientExt, '-out', `${name}.pem`);
  };
  ca('client-ca', 'Tributary Test Client CA');
  signed('client', '/O=acme/OU=eng/CN=client', 'client-ca');
  ca('rogue-ca', 'Rogue CA');
  signed('rogue', '/CN=rogue-client', 'rogue-ca');
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '2', '-subj', '/CN=intruder', '-keyout', 'self-signed.key', '-out', 'self-signed.pem');
  // An unusual subject, to pin the RFC 2253 form of the principal.
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-utf8', '-subj', '/DC=com/DC=example/L=München/O=Acme, Inc. <x>/OU=eng+UID=u42/CN= lead=#x /emailAddress=a@b.c', '-keyout', 'odd.key', '-out', 'odd.pem');
}

describe('mutual TLS on SSL listeners (ssl.client.auth)', function () {
  this.timeout(60000);
  let dir: string;
  const file = (name: string) => path.join(dir, name);
  const pem = (name: string) => fs.readFileSync(file(name), 'utf8');
  /** Client TLS options presenting certificate NAME (NAME.pem, NAME.key), or none. */
  const cert = (name?: string): tls.ConnectionOptions => (name ? { cert: pem(`${name}.pem`), key: pem(`${name}.key`) } : {});
  const brokers: TestBroker[] = [];
  const start = async (clientAuth: SslClientAuth | undefined, protocol: 'SSL' | 'SASL_SSL' = 'SSL') => {
    const b = await startTestBroker({
      security: { protocol, tls: { ...serverTls(), ca: pem('client-ca.pem'), ...(clientAuth ? { clientAuth } : {}) }, ...(protocol === 'SASL_SSL' ? { users: [{ name: 'alice', password: 'alice-secret' }] } : {}) },
    });
    brokers.push(b);
    return b;
  };

  before(() => {
    dir = tmpDir('tributary-mtls-');
    makeCertificates(dir);
  });
  after(async () => {
    for (const b of brokers) await b.stop();
    rm(dir);
  });

  /** Connects over TLS with `opts` and asks for Metadata; resolves with 'ok' or the error that ended it. */
  const metadataOver = async (b: TestBroker, opts: tls.ConnectionOptions, whileOpen?: () => void): Promise<string> => {
    let c: RawClient | undefined;
    try {
      c = await RawClient.connect(b.bootstrap, { tls: { ca: caPem(), ...opts }, timeoutMs: 5000 });
      const md = await c.request(3, 12, { ...defaultMetadataRequestData(), topics: null });
      assert.deepEqual(md.brokers.map((x) => x.nodeId), [0]);
      whileOpen?.();
      return 'ok';
    } catch (e) {
      return (e as Error).message;
    } finally {
      c?.close();
    }
  };

  /** The principal of every open connection of the broker (Connection.principal). */
  const principals = (b: TestBroker): string[] => {
    const nodes = (b.server as unknown as { nodes: Map<number, { connections: Set<Connection> }> }).nodes;
    return [...nodes.values()].flatMap((l) => [...l.connections].map((c) => c.principal));
  };

  const logged = (b: TestBroker, re: RegExp) => assert.ok(b.logger.lines.some((l) => re.test(l)), `no log line matches ${re}:\n${b.logger.lines.slice(-10).join('\n')}`);

  describe('required', () => {
    let b: TestBroker;
    before(async () => (b = await start('required')));

    it('a certificate signed by the truststore\'s CA: Metadata is served, and the principal is User:<subject in RFC 2253 form>', async () => {
      let seen: string[] = [];
      for (const maxVersion of ['TLSv1.2', 'TLSv1.3'] as const) {
        assert.equal(await metadataOver(b, { ...cert('client'), maxVersion }, () => (seen = principals(b))), 'ok', maxVersion);
        assert.deepEqual(seen, [`User:${CLIENT_DN}`], maxVersion);
      }
    });

    it('no certificate: the handshake fails with the TLS alert (116 certificate_required on TLS 1.3, 40 handshake_failure on 1.2); the broker serves the next client', async () => {
      assert.match(await metadataOver(b, { maxVersion: 'TLSv1.3' }), /alert certificate required|alert number 116/i);
      assert.match(await metadataOver(b, { maxVersion: 'TLSv1.2' }), /alert handshake failure|alert number 40/i);
      logged(b, /TLS handshake with .* failed: .*peer did not return a certificate.*\(ssl\.client\.auth=required: the client must present a certificate/);
      assert.equal(await metadataOver(b, cert('client')), 'ok');
    });

    it('a self-signed certificate, or one signed by another CA: the client is dropped before any request is read; the broker serves the next client', async () => {
      for (const name of ['self-signed', 'rogue']) {
        for (const maxVersion of ['TLSv1.2', 'TLSv1.3'] as const) {
          const failure = await metadataOver(b, { ...cert(name), maxVersion });
          assert.match(failure, DROPPED, `${name} ${maxVersion}: ${failure}`);
        }
      }
      logged(b, /TLS handshake with .* failed: the client certificate is not trusted: DEPTH_ZERO_SELF_SIGNED_CERT \(it must chain to a CA of the truststore, ssl\.client\.auth=required\)/);
      logged(b, /the client certificate is not trusted: UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
      assert.equal(await metadataOver(b, cert('client')), 'ok');
      // The refused clients never became connections; the last one goes when the broker sees it close.
      const deadline = Date.now() + 5000;
      while (principals(b).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(principals(b), [], 'no connection is left open');
    });

    describe('kcat', () => {
      before(function () {
        if (!haveKcat()) this.skip();
      });
      const kcatL = (certName?: string) =>
        run(KCAT, ['-b', b.bootstrap, '-L', '-J', '-m', '5', '-X', 'security.protocol=SSL', '-X', `ssl.ca.location=${CA_FILE}`, ...(certName ? ['-X', `ssl.certificate.location=${file(`${certName}.pem`)}`, '-X', `ssl.key.location=${file(`${certName}.key`)}`] : [])], { timeoutMs: 20000 });

      it('kcat -L with ssl.certificate.location/ssl.key.location of a trusted certificate lists the broker; without one, or with an untrusted one, it fails', async () => {
        const ok = await kcatL('client');
        assert.equal(ok.code, 0, ok.stderr);
        assert.deepEqual((JSON.parse(ok.stdout) as { brokers: Array<{ id: number }> }).brokers.map((x) => x.id), [0]);
        const none = await kcatL();
        assert.notEqual(none.code, 0);
        assert.match(none.stderr, /alert certificate required: SSL alert number 116/);
        const untrusted = await kcatL('self-signed');
        assert.notEqual(untrusted.code, 0);
        // No TLS alert: Node finishes the handshake and then drops the client (see resolveListenerSecurity).
        assert.match(untrusted.stderr, /Receive failed: .*(unexpected eof|connection closed|Disconnected)/i);
      });
    });
  });

  describe('requested', () => {
    let b: TestBroker;
    before(async () => (b = await start('requested')));

    it('no certificate: served as User:ANONYMOUS; a trusted certificate: User:<subject>', async () => {
      let seen: string[] = [];
      for (const maxVersion of ['TLSv1.2', 'TLSv1.3'] as const) {
        assert.equal(await metadataOver(b, { maxVersion }, () => (seen = principals(b))), 'ok', maxVersion);
        assert.deepEqual(seen, ['User:ANONYMOUS'], maxVersion);
      }
      assert.equal(await metadataOver(b, cert('client'), () => (seen = principals(b))), 'ok');
      assert.deepEqual(seen, [`User:${CLIENT_DN}`]);
    });

    it('an untrusted certificate is refused, as Kafka refuses it (JSSE checks a certificate that is presented even when only requested)', async () => {
      for (const name of ['self-signed', 'rogue']) {
        const failure = await metadataOver(b, cert(name));
        assert.match(failure, DROPPED, `${name}: ${failure}`);
      }
      logged(b, /TLS handshake with 127\.0\.0\.1:\d+ failed: the client certificate is not trusted: DEPTH_ZERO_SELF_SIGNED_CERT \(it must chain to a CA of the truststore, ssl\.client\.auth=requested\)/);
      assert.equal(await metadataOver(b, {}), 'ok');
    });
  });

  it('none (the default): no certificate is asked for, and the principal is User:ANONYMOUS even for a client that has one', async () => {
    for (const clientAuth of [undefined, 'none'] as const) {
      const b = await start(clientAuth);
      assert.equal(b.server.security.clientAuth, 'none');
      let seen: string[] = [];
      assert.equal(await metadataOver(b, {}), 'ok');
      assert.equal(await metadataOver(b, cert('client'), () => (seen = principals(b))), 'ok');
      assert.deepEqual(seen, ['User:ANONYMOUS']);
    }
  });

  it('SASL_SSL: ssl.client.auth is accepted and ignored (KIP-684); clients without a certificate reach the SASL handshake', async () => {
    const b = await start('required', 'SASL_SSL');
    assert.equal(b.server.security.clientAuth, 'none');
    logged(b, /ssl\.client\.auth=required does not apply to SASL_SSL listeners \(as in Kafka, KIP-684\)/);
    const c = await RawClient.connect(b.bootstrap, { tls: { ca: caPem() } });
    try {
      assert.equal((await c.request(17, 1, { mechanism: 'PLAIN' })).errorCode, 0);
    } finally {
      c.close();
    }
  });

  it('refuses what cannot work when the broker starts: client auth without a truststore, a truststore with no or a broken certificate, an unknown value', async () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ clientAuth: 'required' }, /^ssl\.client\.auth=required needs a truststore: the CA certificates \(PEM\) that client certificates must chain to \(ssl\.truststore\.certificates\)$/],
      [{ clientAuth: 'requested' }, /^ssl\.client\.auth=requested needs a truststore/],
      [{ clientAuth: 'required', ca: fs.readFileSync(KEY_FILE, 'utf8') }, /The TLS truststore \(ssl\.truststore\.certificates\) holds no PEM certificate/],
      [{ clientAuth: 'required', ca: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' }, /Certificate 1 of the TLS truststore \(ssl\.truststore\.certificates\) cannot be read/],
      [{ clientAuth: 'want', ca: caPem() }, /Invalid value want for configuration ssl\.client\.auth: String must be one of: none, requested, required/],
    ];
    for (const [extra, message] of cases) {
      await assert.rejects(startTestBroker({ security: { protocol: 'SSL', tls: { ...serverTls(), ...(extra as object) } } }), (e: Error) => {
        assert.ok(e instanceof ConfigError, e.stack);
        assert.match(e.message, message);
        return true;
      }, JSON.stringify(extra));
    }
  });

  it('the principal\'s subject is written as Java\'s X500Principal.getName() writes it (RFC 2253)', () => {
    // Checked against X500Principal.getName() of Java 17 and 25 for the same certificate: RDNs last to first,
    // multi-valued RDNs in DER order joined by "+", ",=+<>#;\"\\" and edge spaces escaped, UTF-8 kept, and
    // attributes without an RFC 2253 keyword (emailAddress) as OID=#hex of their DER value.
    assert.equal(rfc2253Subject(new crypto.X509Certificate(pem('odd.pem')).raw), '1.2.840.113549.1.9.1=#16056140622e63,CN=\\ lead\\=\\#x\\ ,OU=eng+UID=u42,O=Acme\\, Inc. \\<x\\>,L=München,DC=example,DC=com');
    assert.equal(rfc2253Subject(new crypto.X509Certificate(pem('client.pem')).raw), CLIENT_DN);
    assert.equal(rfc2253Subject(new crypto.X509Certificate(fs.readFileSync(CERT_FILE)).raw), 'CN=localhost');
  });

  describe('tributary start --tls-ca --ssl-client-auth', () => {
    let data: string;
    beforeEach(() => (data = tmpDir()));
    afterEach(() => rm(data));
    const TLS_FLAGS = ['--security-protocol', 'SSL', '--tls-cert', CERT_FILE, '--tls-key', KEY_FILE];
    const startSync = (args: string[]) => spawnSync(process.execPath, [TRIBUTARY_BIN, 'start', '--data', data, '--port', '0', '--nodes', '1', ...args], { encoding: 'utf8', timeout: 20000 });

    it('--ssl-client-auth required with --tls-ca: a client with a trusted certificate is served, one without is refused', async () => {
      const cli = await startCli(['--data', data, '--port', '0', '--nodes', '1', ...TLS_FLAGS, '--tls-ca', file('client-ca.pem'), '--ssl-client-auth', 'required']);
      try {
        const asBroker = { bootstrap: cli.bootstrap } as TestBroker;
        assert.equal(await metadataOver(asBroker, cert('client')), 'ok');
        assert.match(await metadataOver(asBroker, {}), /alert certificate required|alert number 116/i);
      } finally {
        assert.equal(await cli.stop(), '0 null', cli.output());
      }
    });

    it('refuses flags that cannot work, naming what is missing (usage errors exit 2)', () => {
      const cases: Array<[string[], RegExp]> = [
        [[...TLS_FLAGS, '--ssl-client-auth', 'required'], /--ssl-client-auth required needs --tls-ca FILE \(the PEM CA certificates client certificates must chain to\)/],
        [[...TLS_FLAGS, '--ssl-client-auth', 'requested'], /--ssl-client-auth requested needs --tls-ca FILE/],
        [[...TLS_FLAGS, '--ssl-client-auth', 'want', '--tls-ca', CA_FILE], /--ssl-client-auth must be one of none, requested, required, not want/],
        [['--tls-ca', CA_FILE], /--tls-ca needs --security-protocol SSL or SASL_SSL \(it is PLAINTEXT\)/],
        [['--security-protocol', 'SASL_PLAINTEXT', '--sasl-user', 'a:b', '--ssl-client-auth', 'required'], /--ssl-client-auth needs --security-protocol SSL or SASL_SSL \(it is SASL_PLAINTEXT\)/],
      ];
      for (const [args, message] of cases) {
        const r = startSync(args);
        assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, message);
        assert.match(r.stderr, /usage:/);
        assert.match(r.stderr, /\[--tls-ca FILE\] \[--ssl-client-auth none\|requested\|required\]/);
      }
    });

    it('a --tls-ca file that is missing or holds no certificate stops the start (exit 1)', () => {
      const missing = startSync([...TLS_FLAGS, '--tls-ca', file('nope.pem'), '--ssl-client-auth', 'required']);
      assert.equal(missing.status, 1, missing.stderr);
      assert.match(missing.stderr, /cannot read --tls-ca .*nope\.pem: ENOENT/);
      const notCa = startSync([...TLS_FLAGS, '--tls-ca', KEY_FILE, '--ssl-client-auth', 'required']);
      assert.equal(notCa.status, 1, notCa.stderr);
      assert.match(notCa.stderr, /A broker or topic setting is invalid: The TLS truststore \(ssl\.truststore\.certificates\) holds no PEM certificate/);
    });
  });
});
