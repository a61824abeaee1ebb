/**
 * The client side of SCRAM-SHA-256/512 (RFC 5802), written for the tests from the RFC and not from the broker's
 * code, so that raw-frame tests can log in and check the server's signature:
 *
 *   const c = new ScramClient('SCRAM-SHA-256', 'alice', 'secret');
 *   const serverFirst = send(c.first()); const serverFinal = send(c.final(serverFirst)); c.verify(serverFinal);
 */
import * as crypto from 'node:crypto';

export type ScramMechanism = 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

const HASH = { 'SCRAM-SHA-256': 'sha256', 'SCRAM-SHA-512': 'sha512' } as const;
const LENGTH = { 'SCRAM-SHA-256': 32, 'SCRAM-SHA-512': 64 } as const;

/** The salted password AlterUserScramCredentials carries: Hi(password, salt, iterations). */
export function clientSaltedPassword(mechanism: ScramMechanism, password: string, salt: Buffer, iterations: number): Buffer {
  return crypto.pbkdf2Sync(password, salt, iterations, LENGTH[mechanism], HASH[mechanism]);
}

export class ScramClient {
  readonly nonce = crypto.randomBytes(18).toString('base64');
  private bare = '';
  private authMessage = '';
  private salted: Buffer = Buffer.alloc(0);

  constructor(
    readonly mechanism: ScramMechanism,
    private readonly user: string,
    private readonly password: string,
    /**
     * Attributes put before n= (to test m=) or after the nonce (extensions); `librdkafkaNonce`: send the client
     * nonce again before the combined nonce in the final message, as librdkafka does.
     */
    private readonly extra: { reserved?: string; extensions?: string; librdkafkaNonce?: boolean } = {},
  ) {}

  first(): Buffer {
    const name = this.user.replace(/=/g, '=3D').replace(/,/g, '=2C');
    this.bare = `${this.extra.reserved ? this.extra.reserved + ',' : ''}n=${name},r=${this.nonce}${this.extra.extensions ? ',' + this.extra.extensions : ''}`;
    return Buffer.from(`n,,${this.bare}`);
  }

  final(serverFirst: Buffer): Buffer {
    const text = serverFirst.toString();
    const attrs = Object.fromEntries(text.split(',').map((a) => [a[0], a.slice(2)]));
    if (!attrs.r?.startsWith(this.nonce)) throw new Error(`server nonce ${attrs.r} does not start with the client's ${this.nonce}`);
    const hash = HASH[this.mechanism];
    this.salted = clientSaltedPassword(this.mechanism, this.password, Buffer.from(attrs.s, 'base64'), Number(attrs.i));
    const withoutProof = `c=${Buffer.from('n,,').toString('base64')},r=${this.extra.librdkafkaNonce ? this.nonce : ''}${attrs.r}`;
    this.authMessage = `${this.bare},${text},${withoutProof}`;
    const clientKey = crypto.createHmac(hash, this.salted).update('Client Key').digest();
    const storedKey = crypto.createHash(hash).update(clientKey).digest();
    const signature = crypto.createHmac(hash, storedKey).update(this.authMessage).digest();
    const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i]));
    return Buffer.from(`${withoutProof},p=${proof.toString('base64')}`);
  }

  /** Checks the server-final-message: the server proves it holds this user's ServerKey. */
  verify(serverFinal: Buffer): void {
    const hash = HASH[this.mechanism];
    const serverKey = crypto.createHmac(hash, this.salted).update('Server Key').digest();
    const expected = crypto.createHmac(hash, serverKey).update(this.authMessage).digest('base64');
    if (serverFinal.toString() !== `v=${expected}`) throw new Error(`server signature ${serverFinal.toString()} is not v=${expected}`);
  }
}
