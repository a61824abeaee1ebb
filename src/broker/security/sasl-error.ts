/**
 * A failed SASL exchange. Kafka tells the client some reasons as they are (PLAIN's "Invalid username or password",
 * a mismatched authorization id) and hides the rest behind "Authentication failed during authentication due to
 * invalid credentials with SASL mechanism X", so that an answer never says whether a user exists. `exposed` says
 * which kind this is; the broker's log always gets the real reason.
 */
export class SaslAuthenticationError extends Error {
  constructor(
    message: string,
    readonly exposed: boolean,
  ) {
    super(message);
    this.name = 'SaslAuthenticationError';
  }

  /** What the client is told in SaslAuthenticate's error message, as Kafka's SaslServerAuthenticator words it. */
  clientMessage(mechanism: string): string {
    return this.exposed ? this.message : `Authentication failed during authentication due to invalid credentials with SASL mechanism ${mechanism}`;
  }
}

/** A reason the client may see (Kafka's SaslAuthenticationException). */
export function exposedFailure(message: string): SaslAuthenticationError {
  return new SaslAuthenticationError(message, true);
}

/** A reason only the log sees (Kafka's SaslException). */
export function hiddenFailure(message: string): SaslAuthenticationError {
  return new SaslAuthenticationError(message, false);
}
