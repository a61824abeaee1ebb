// SaslAuthenticate v0-2: one message of the SASL exchange each way, after SaslHandshake v1 (also when a client
// re-authenticates, KIP-368). A failure is answered with SASL_AUTHENTICATION_FAILED and Kafka's message, then the
// connection closes (Connection sees the failed state); v1+ says how long the session lasts.
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import { EMPTY_BUFFER } from '../../codec';

export default defineHandler({
  apiKey: 36,
  minVersion: 0,
  maxVersion: 2,
  handle: async (ctx, request) => {
    if (!ctx.sasl || ctx.sasl.complete) {
      // Kafka's words for it, on any listener once past authentication (or without SASL at all).
      return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, errorMessage: 'SaslAuthenticate request received after successful authentication', authBytes: EMPTY_BUFFER, sessionLifetimeMs: 0 };
    }
    const r = await ctx.sasl.authenticate(request.authBytes);
    if (!r.ok) return { errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED, errorMessage: r.errorMessage, authBytes: EMPTY_BUFFER, sessionLifetimeMs: 0 };
    // v1+: how long the session lasts before the client must authenticate again (0: connections.max.reauth.ms unset).
    return { errorCode: ErrorCode.NONE, errorMessage: null, authBytes: r.response, sessionLifetimeMs: ctx.apiVersion >= 1 && ctx.sasl.complete ? ctx.sasl.sessionLifetimeMs : 0 };
  },
});
