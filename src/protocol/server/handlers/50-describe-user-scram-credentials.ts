// DescribeUserScramCredentials v0: which users have SCRAM credentials, with each mechanism's iteration count (never
// the salt or the keys), as `kafka-configs --describe --entity-type users` shows them.
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import { AclOperation, authorizeCluster } from '../authorize';

export default defineHandler({
  apiKey: 50,
  minVersion: 0,
  maxVersion: 0,
  handle(ctx, request) {
    if (!authorizeCluster(ctx, AclOperation.DESCRIBE)) {
      // Kafka's error response (DescribeUserScramCredentialsRequest.getErrorResponse): no message (the error's default
      // one is left out), and one result per user asked, which names no user.
      const errorCode = ErrorCode.CLUSTER_AUTHORIZATION_FAILED;
      return { throttleTimeMs: 0, errorCode, errorMessage: null, results: (request.users ?? []).map(() => ({ user: '', errorCode, errorMessage: null, credentialInfos: [] })) };
    }
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      results: ctx.server.credentials.describe(request.users?.map((u) => u.name) ?? null).map((r) => ({ ...r, credentialInfos: r.credentialInfos ?? [] })),
    };
  },
});
