import { strict as assert } from 'node:assert';
import * as crypto from 'node:crypto';
import {
  ScramServer,
  credentialFromSaltedPassword,
  decodeSaslName,
  parseClientFirstMessage,
  saltedPassword,
  scramCredential,
  type ScramCredential,
} from '../../../src/broker/security/scram';
import { SaslAuthenticationError } from '../../../src/broker/security/sasl-error';
import { ScramClient } from '../../support/scram-client';

/** RFC 7677 section 3: the SCRAM-SHA-256 exchange of user "user" with password "pencil". */
const RFC7677 = {
  clientFirst: 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO',
  serverNonce: '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0',
  serverFirst: 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
  clientFinal: 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
  serverFinal: 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
  salt: Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'),
};

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

const rfcCredential = () => scramCredential('SCRAM-SHA-256', 'pencil', { salt: RFC7677.salt, iterations: 4096 });

function rejects(fn: () => unknown, message: RegExp, exposed = false): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof SaslAuthenticationError, `not a SaslAuthenticationError: ${e}`);
    assert.match(e.message, message);
    assert.equal(e.exposed, exposed);
    return true;
  });
}

describe('SCRAM (RFC 5802 / RFC 7677)', () => {
  it("answers RFC 7677's SCRAM-SHA-256 example byte for byte: server-first, then v= with the server signature", () => {
    const server = new ScramServer('SCRAM-SHA-256', { lookup: (u) => (u === 'user' ? rfcCredential() : undefined), serverNonce: () => RFC7677.serverNonce });
    assert.equal(server.evaluate(Buffer.from(RFC7677.clientFirst)).toString(), RFC7677.serverFirst);
    assert.equal(server.complete, false);
    assert.equal(server.evaluate(Buffer.from(RFC7677.clientFinal)).toString(), RFC7677.serverFinal);
    assert.equal(server.complete, true);
    assert.equal(server.principal, 'user');
  });

  it('stores StoredKey and ServerKey derived from Hi(password, salt, 4096), not the password', () => {
    const c = rfcCredential();
    const salted = crypto.pbkdf2Sync('pencil', RFC7677.salt, 4096, 32, 'sha256');
    assert.deepEqual(saltedPassword('SCRAM-SHA-256', 'pencil', RFC7677.salt, 4096), salted);
    const clientKey = crypto.createHmac('sha256', salted).update('Client Key').digest();
    assert.deepEqual(c.storedKey, crypto.createHash('sha256').update(clientKey).digest());
    assert.deepEqual(c.serverKey, crypto.createHmac('sha256', salted).update('Server Key').digest());
    assert.deepEqual(credentialFromSaltedPassword('SCRAM-SHA-256', RFC7677.salt, salted, 4096), c);
    assert.deepEqual(Object.keys(c).sort(), ['iterations', 'salt', 'serverKey', 'storedKey']);
  });

  it('rejects a wrong password at the client proof, without telling the client why', () => {
    const server = new ScramServer('SCRAM-SHA-256', { lookup: () => rfcCredential(), serverNonce: () => RFC7677.serverNonce });
    server.evaluate(Buffer.from(RFC7677.clientFirst));
    const wrong = RFC7677.clientFinal.replace(/p=.*/, `p=${crypto.randomBytes(32).toString('base64')}`);
    rejects(() => server.evaluate(Buffer.from(wrong)), /invalid client proof for user "user" \(wrong password\)/);
    assert.equal(server.complete, false);
    // A failed exchange stays failed.
    rejects(() => server.evaluate(Buffer.from(RFC7677.clientFinal)), /after the exchange failed/);
    const e = new SaslAuthenticationError('x', false);
    assert.equal(e.clientMessage('SCRAM-SHA-256'), 'Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256');
  });

  for (const mechanism of ['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const) {
    it(`${mechanism}: a full exchange with the test's own client, the server signature checked by the client`, () => {
      const credential = scramCredential(mechanism, 'pa,ss=wörd');
      const server = new ScramServer(mechanism, { lookup: (u) => (u === 'al,i=ce' ? credential : undefined) });
      const client = new ScramClient(mechanism, 'al,i=ce', 'pa,ss=wörd');
      const first = client.first();
      assert.match(first.toString(), /^n,,n=al=2Ci=3Dce,r=/);
      const final = client.final(server.evaluate(first));
      client.verify(server.evaluate(final));
      assert.equal(server.principal, 'al,i=ce');
    });
  }

  it("accepts librdkafka's final nonce (its client nonce, then the combined nonce), as Kafka does", () => {
    const credential = scramCredential('SCRAM-SHA-256', 'pw');
    const server = new ScramServer('SCRAM-SHA-256', { lookup: () => credential });
    const client = new ScramClient('SCRAM-SHA-256', 'u', 'pw', { librdkafkaNonce: true });
    const final = client.final(server.evaluate(client.first()));
    assert.match(final.toString(), new RegExp(`^c=biws,r=${escape(client.nonce)}${escape(client.nonce)}`));
    client.verify(server.evaluate(final));
  });

  it('refuses an unknown user, a mandatory extension (m=), channel binding (p=), tokenauth, and a bad nonce', () => {
    const server = (c?: ScramCredential) => new ScramServer('SCRAM-SHA-256', { lookup: () => c });
    rejects(() => server().evaluate(Buffer.from('n,,n=nobody,r=abc')), /unknown user "nobody"/);
    rejects(() => server(rfcCredential()).evaluate(Buffer.from('n,,m=future,n=user,r=abc')), /requires the SCRAM extension "m=future"/);
    rejects(() => server(rfcCredential()).evaluate(Buffer.from('p=tls-unique,,n=user,r=abc')), /channel binding/);
    rejects(() => server(rfcCredential()).evaluate(Buffer.from('n,,n=user,r=abc,tokenauth=true')), /delegation-token/);
    rejects(() => server(rfcCredential()).evaluate(Buffer.from('n,,n=user,r=a,b')), /invalid SCRAM extension/);
    rejects(() => server(rfcCredential()).evaluate(Buffer.from('n,,n=user')), /invalid SCRAM client-first-message/);
    // An authorization id other than the user: Kafka tells the client this one.
    rejects(() => server(rfcCredential()).evaluate(Buffer.from('n,a=admin,n=user,r=abc')), /authorization id that is different from username/, true);
    // The final message must carry the whole nonce and repeat the gs2 header.
    const s = new ScramServer('SCRAM-SHA-256', { lookup: () => rfcCredential(), serverNonce: () => RFC7677.serverNonce });
    s.evaluate(Buffer.from(RFC7677.clientFirst));
    rejects(() => s.evaluate(Buffer.from(RFC7677.clientFinal.replace('k0,p=', 'k1,p='))), /invalid nonce/);
    const s2 = new ScramServer('SCRAM-SHA-256', { lookup: () => rfcCredential(), serverNonce: () => RFC7677.serverNonce });
    s2.evaluate(Buffer.from(RFC7677.clientFirst));
    rejects(() => s2.evaluate(Buffer.from(RFC7677.clientFinal.replace('c=biws', 'c=eSws'))), /does not repeat the gs2 header/);
  });

  it('accepts other extensions (ignored, as Kafka does) and tokenauth=false', () => {
    const s = new ScramServer('SCRAM-SHA-256', { lookup: () => rfcCredential() });
    assert.match(s.evaluate(Buffer.from('n,,n=user,r=abc,tokenauth=false,foo=bar')).toString(), /^r=abc.+,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096$/);
    assert.deepEqual([...parseClientFirstMessage(Buffer.from('y,,n=u,r=x,a=b=c')).extensions], [['a', 'b=c']]);
  });

  it('decodes saslnames: =2C and =3D, and nothing else after =', () => {
    assert.equal(decodeSaslName('a=2Cb=3Dc'), 'a,b=c');
    rejects(() => decodeSaslName('a=41'), /malformed SCRAM user name/);
  });
});
