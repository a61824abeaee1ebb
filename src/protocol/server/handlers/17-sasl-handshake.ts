// SaslHandshake v0-1: the client names its SASL mechanism. v1 goes on with SaslAuthenticate requests; v0 (Kafka
// 0.10) with the mechanism's messages as bare size-prefixed frames (see SaslAuthenticator and Connection).
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';

export default defineHandler({
  apiKey: 17,
  minVersion: 0,
  maxVersion: 1,
  handle: (ctx, request) => {
    // Before authentication on a SASL listener, or to re-authenticate when sessions expire (connections.max.reauth.ms).
    // Elsewhere (a PLAINTEXT or SSL listener, or an authenticated connection whose session does not expire) Kafka's
    // request handler answers ILLEGAL_SASL_STATE.
    if (!ctx.sasl || (ctx.sasl.complete && !ctx.sasl.canReauthenticate)) return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [] };
    return ctx.sasl.handshake(request.mechanism, ctx.apiVersion);
  },
});
