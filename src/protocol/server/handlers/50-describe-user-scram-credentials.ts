// DescribeUserScramCredentials v0: which users have SCRAM credentials, with each mechanism's iteration count (never
// the salt or the keys), as `kafka-configs --describe --entity-type users` shows them.
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';

export default defineHandler({
  apiKey: 50,
  minVersion: 0,
  maxVersion: 0,
  handle: (ctx, request) => ({
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    results: ctx.server.credentials.describe(request.users?.map((u) => u.name) ?? null).map((r) => ({ ...r, credentialInfos: r.credentialInfos ?? [] })),
  }),
});
