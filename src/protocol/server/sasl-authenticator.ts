/**
 * One connection's SASL state on a SASL_PLAINTEXT or SASL_SSL listener, as Kafka's SaslServerAuthenticator keeps it:
 *
 *   handshake     ApiVersions and SaslHandshake only (anything else closes the connection)
 *   authenticate  after SaslHandshake v1: SaslAuthenticate only, its auth bytes carrying the mechanism's messages
 *   raw           after SaslHandshake v0: the mechanism's messages as bare size-prefixed frames, no request header
 *   complete      authenticated: every API
 *   failed        the answer that says why goes out, then the connection closes
 *
 * A failure is answered after `connection.failed.authentication.delay.ms` (Kafka's brake on password guessing).
 * With `connections.max.reauth.ms` (KIP-368) a session lasts that long: SaslAuthenticate v1+ tells the client, which
 * authenticates again on the same connection (SaslHandshake v1 and SaslAuthenticate, same mechanism, same principal)
 * while its other requests wait; a request that comes after the session expired closes the connection.
 */
import type { SaslMechanismName } from '../../broker/api';
import type { CredentialStore } from '../../broker/security/credential-store';
import { ErrorCode } from '../../broker/errors';
import { PlainServer } from '../../broker/security/plain';
import { ScramServer, isScramMechanism } from '../../broker/security/scram';
import { SaslAuthenticationError } from '../../broker/security/sasl-error';

type State = 'handshake' | 'authenticate' | 'raw' | 'complete' | 'failed';

/** What a mechanism's server side does: answer each client message until complete, or throw. */
interface MechanismServer {
  readonly mechanism: string;
  readonly complete: boolean;
  readonly principal: string | undefined;
  readonly username: string | undefined;
  evaluate(token: Buffer): Buffer | Promise<Buffer>;
}

type AuthenticateResult = { ok: true; response: Buffer } | { ok: false; errorMessage: string };

const API_VERSIONS = 18;
const SASL_HANDSHAKE = 17;
const SASL_AUTHENTICATE = 36;

export class SaslAuthenticator {
  private state: State = 'handshake';
  private server: MechanismServer | undefined;
  /** A message is being evaluated (PLAIN hashes asynchronously): nothing else may come meanwhile. */
  private busy = false;
  /** Why authentication failed, for the log line of the close. */
  failure: string | undefined;
  /** When the authenticated session ends (connections.max.reauth.ms), in ms since the epoch; undefined: never. */
  private sessionExpiresAt: number | undefined;
  /** The principal and mechanism of the session being re-authenticated. */
  private previous: { principal: string | undefined; mechanism: string } | undefined;

  constructor(
    private readonly mechanisms: readonly SaslMechanismName[],
    private readonly credentials: CredentialStore,
    private readonly failureDelayMs: number,
    /** connections.max.reauth.ms: 0 (Kafka's default) means sessions do not expire. */
    private readonly maxReauthMs = 0,
    private readonly now: () => number = Date.now,
  ) {}

  /** The session lifetime SaslAuthenticate v1+ reports: the re-authentication interval, or 0 when there is none. */
  get sessionLifetimeMs(): number {
    return this.maxReauthMs;
  }

  /** An authenticated client may start over with SaslHandshake when sessions expire (Kafka allows it only then). */
  get canReauthenticate(): boolean {
    return this.state === 'complete' && this.maxReauthMs > 0;
  }

  get complete(): boolean {
    return this.state === 'complete';
  }

  get failed(): boolean {
    return this.state === 'failed';
  }

  /** After a v0 handshake the next frames are bare SASL messages. */
  get expectsRawTokens(): boolean {
    return this.state === 'raw';
  }

  /** The authenticated user. */
  get principal(): string | undefined {
    return this.state === 'complete' ? this.server?.principal : undefined;
  }

  /** Why a request of this API may not be handled now (the connection is then closed), or undefined when it may. */
  refusal(apiKey: number, apiName: string): string | undefined {
    if (this.busy) return `${apiName} request received while a SASL message is being checked`;
    switch (this.state) {
      case 'complete':
        if (this.sessionExpiresAt !== undefined && this.now() > this.sessionExpiresAt && apiKey !== SASL_HANDSHAKE) {
          return `the SASL session expired (connections.max.reauth.ms ${this.maxReauthMs}) before the client authenticated again (${apiName} request)`;
        }
        return undefined;
      case 'handshake':
        if (apiKey === API_VERSIONS || apiKey === SASL_HANDSHAKE) return undefined;
        return `Unexpected Kafka request of type ${apiName} during SASL handshake (the listener requires SASL authentication first; is the client configured with security.protocol=SASL_PLAINTEXT or SASL_SSL?)`;
      case 'authenticate':
        return apiKey === SASL_AUTHENTICATE ? undefined : `Unexpected Kafka request of type ${apiName} during SASL authentication`;
      default:
        return `${apiName} request received after SASL authentication failed`;
    }
  }

  /** SaslHandshake: picks the mechanism, or fails with UNSUPPORTED_SASL_MECHANISM and the enabled ones. */
  async handshake(mechanism: string, version: number): Promise<{ errorCode: number; mechanisms: string[] }> {
    const mechanisms = [...this.mechanisms];
    if (this.state === 'complete') {
      // Re-authentication (KIP-368): v1 only, and the mechanism of the session.
      const current = this.server!.mechanism;
      if (version === 0 || mechanism !== current) {
        this.fail(`SASL mechanism '${mechanism}' requested by client is not supported for re-authentication of mechanism '${current}'`);
        await this.delay();
        return { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms: [current] };
      }
      this.previous = { principal: this.server!.principal, mechanism: current };
      this.server = this.createServer(mechanism as SaslMechanismName);
      this.state = 'authenticate';
      return { errorCode: ErrorCode.NONE, mechanisms };
    }
    if (!(this.mechanisms as readonly string[]).includes(mechanism)) {
      this.fail(`the client asked for SASL mechanism ${JSON.stringify(mechanism)}; enabled: ${mechanisms.join(', ')}`);
      await this.delay();
      return { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms };
    }
    this.server = this.createServer(mechanism as SaslMechanismName);
    this.state = version === 0 ? 'raw' : 'authenticate';
    return { errorCode: ErrorCode.NONE, mechanisms };
  }

  /** One message of the mechanism's exchange (from SaslAuthenticate, or a bare frame after a v0 handshake). */
  async authenticate(token: Buffer): Promise<AuthenticateResult> {
    const server = this.server!;
    this.busy = true;
    try {
      const response = await server.evaluate(token);
      if (server.complete) {
        if (this.previous && server.principal !== this.previous.principal) {
          throw new SaslAuthenticationError(`Cannot change principals during re-authentication from User:${this.previous.principal}: User:${server.principal}`, true);
        }
        this.previous = undefined;
        this.state = 'complete';
        if (this.maxReauthMs > 0) this.sessionExpiresAt = this.now() + this.maxReauthMs;
      }
      return { ok: true, response };
    } catch (e) {
      const err = e instanceof SaslAuthenticationError ? e : new SaslAuthenticationError(String((e as Error)?.message ?? e), false);
      const who = server.username === undefined ? '' : ` of user ${JSON.stringify(server.username)}`;
      this.fail(`SASL ${server.mechanism} authentication${who} failed: ${err.message}`);
      await this.delay();
      return { ok: false, errorMessage: err.clientMessage(server.mechanism) };
    } finally {
      this.busy = false;
    }
  }

  private fail(why: string): void {
    this.state = 'failed';
    this.failure = why;
  }

  private delay(): Promise<void> {
    return new Promise((r) => setTimeout(r, this.failureDelayMs));
  }

  private createServer(mechanism: SaslMechanismName): MechanismServer {
    if (isScramMechanism(mechanism)) return new ScramServer(mechanism, { lookup: (user) => this.credentials.scramCredential(mechanism, user) });
    return new PlainServer((user) => this.credentials.plainPassword(user));
  }
}
