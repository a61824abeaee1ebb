// ApiVersions v0-4: every API this broker serves, with exactly the versions it implements; from v3 the features it
// supports and the cluster's finalized feature levels (KIP-584), which Kafka 4 clients read to choose, e.g., the
// transactions version 2 requests (transaction.version 2) and the admin client's describeFeatures shows.
import { defineHandler, ServerView } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import { SUPPORTED_FEATURES } from '../../../broker/metadata/features';
import type { ApiVersionsResponseData } from '../../messages/api-versions-response';

function apiVersions(server: ServerView, errorCode: number, version: number): ApiVersionsResponseData {
  const finalized = server.cluster.metadata.finalizedFeatures();
  return {
    errorCode,
    apiKeys: server.supportedApis().map((a) => ({ apiKey: a.apiKey, minVersion: a.minVersion, maxVersion: a.maxVersion })),
    throttleTimeMs: 0,
    // Clients before KAFKA-17011 fail on a supported minimum of 0: Kafka leaves those features out below v4.
    supportedFeatures: SUPPORTED_FEATURES.filter((f) => version >= 4 || f.minVersion > 0).map((f) => ({ name: f.name, minVersion: f.minVersion, maxVersion: f.maxVersion })),
    finalizedFeaturesEpoch: finalized.epoch,
    finalizedFeatures: Object.entries(finalized.levels)
      .filter(([, level]) => level > 0)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, level]) => ({ name, maxVersionLevel: level, minVersionLevel: level })),
    zkMigrationReady: false,
  };
}

/** The v0 answer to an ApiVersions request of a version we do not know. */
export function apiVersionsErrorResponse(server: ServerView): ApiVersionsResponseData {
  return apiVersions(server, ErrorCode.UNSUPPORTED_VERSION, 0);
}

export default defineHandler({
  apiKey: 18,
  minVersion: 0,
  maxVersion: 4,
  handle: (ctx, req) => {
    // v3+ (KIP-511): the client names its software, for the Clients view and the Kafka 4 upgrade check.
    if (ctx.apiVersion >= 3) ctx.server.clients.noteSoftware(ctx.connectionId, req.clientSoftwareName, req.clientSoftwareVersion);
    return apiVersions(ctx.server, ErrorCode.NONE, ctx.apiVersion);
  },
});
