// AlterUserScramCredentials v0: creates, changes or deletes users' SCRAM credentials at run time, as
// `kafka-configs --alter --add-config 'SCRAM-SHA-256=[password=...]' --entity-type users --entity-name U` does.
// The client sends the salted password, never the password; the broker keeps only StoredKey and ServerKey.
import { defineHandler } from '../handler';

export default defineHandler({
  apiKey: 51,
  minVersion: 0,
  maxVersion: 0,
  handle: (ctx, request) => ({
    throttleTimeMs: 0,
    results: ctx.server.credentials.alter(request.deletions, request.upsertions),
  }),
});
