// ApiVersions v0-4: every API this broker serves, with exactly the versions it implements.
import { defineHandler, ServerView } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import type { ApiVersionsResponseData } from '../../messages/api-versions-response';

function apiVersions(server: ServerView, errorCode: number): ApiVersionsResponseData {
  return {
    errorCode,
    apiKeys: server.supportedApis().map((a) => ({ apiKey: a.apiKey, minVersion: a.minVersion, maxVersion: a.maxVersion })),
    throttleTimeMs: 0,
    supportedFeatures: [],
    finalizedFeaturesEpoch: -1,
    finalizedFeatures: [],
    zkMigrationReady: false,
  };
}

/** The v0 answer to an ApiVersions request of a version we do not know. */
export function apiVersionsErrorResponse(server: ServerView): ApiVersionsResponseData {
  return apiVersions(server, ErrorCode.UNSUPPORTED_VERSION);
}

export default defineHandler({
  apiKey: 18,
  minVersion: 0,
  maxVersion: 4,
  handle: (ctx, req) => {
    // v3+ (KIP-511): the client names its software, for the Clients view and the Kafka 4 upgrade check.
    if (ctx.apiVersion >= 3) ctx.server.clients.noteSoftware(ctx.connectionId, req.clientSoftwareName, req.clientSoftwareVersion);
    return apiVersions(ctx.server, ErrorCode.NONE);
  },
});
