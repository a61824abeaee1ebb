// AlterUserScramCredentials v0: creates, changes or deletes users' SCRAM credentials at run time, as
// `kafka-configs --alter --add-config 'SCRAM-SHA-256=[password=...]' --entity-type users --entity-name U` does.
// The client sends the salted password, never the password; the broker keeps only StoredKey and ServerKey.
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import { AclOperation, authorizeCluster } from '../authorize';

export default defineHandler({
  apiKey: 51,
  minVersion: 0,
  maxVersion: 0,
  handle(ctx, request) {
    if (!authorizeCluster(ctx, AclOperation.ALTER)) {
      // Kafka's controller refuses the whole request (AlterUserScramCredentialsRequest.getErrorResponse): each user
      // named once, sorted, with the message of its ClusterAuthorizationException, which names the request.
      const errorMessage = `Request(api=AlterUserScramCredentials, version=${ctx.apiVersion}, connectionId=${ctx.connectionId}, principal=${ctx.principal}) is not authorized.`;
      const users = [...new Set([...request.deletions, ...request.upsertions].map((u) => u.name))].sort();
      return { throttleTimeMs: 0, results: users.map((user) => ({ user, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage })) };
    }
    return { throttleTimeMs: 0, results: ctx.server.credentials.alter(request.deletions, request.upsertions) };
  },
});
