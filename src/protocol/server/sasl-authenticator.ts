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

export type AuthenticateResult = { ok: true; response: Buffer } | { ok: false; errorMessage: string };

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

  constructor(
    private readonly mechanisms: readonly SaslMechanismName[],
    private readonly credentials: CredentialStore,
    private readonly failureDelayMs: number,
  ) {}

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
      if (server.complete) this.state = 'complete';
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
