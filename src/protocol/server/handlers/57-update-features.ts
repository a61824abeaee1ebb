// UpdateFeatures 0-2 (kafka-features.sh upgrade/downgrade/disable, the admin client's updateFeatures): changes the
// cluster's finalized feature levels as Kafka 4.0's controller does. ALTER on the cluster first (refused: the top-level
// CLUSTER_AUTHORIZATION_FAILED, no per-feature results). The updates are checked together and applied together: the
// first one that fails fails them all, its error (INVALID_UPDATE_VERSION) becoming the top-level one with no
// per-feature results; on success v0-1 answer NONE for each feature, v2 only the top-level NONE. validateOnly (v1+)
// checks without applying. v0 has AllowDowngrade where v1 has the upgrade type: true is a safe downgrade.
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import { AclOperation, authorizeCluster } from '../authorize';
import { UpgradeType, applyFeatureUpdates, type FeatureUpdate } from '../../../broker/metadata/features';
import type { UpdateFeaturesResponseData } from '../../messages/update-features-response';

export default defineHandler({
  apiKey: 57,
  minVersion: 0,
  maxVersion: 2,
  handle(ctx, req): UpdateFeaturesResponseData {
    const answer = (errorCode: number, errorMessage: string | null, features: string[] = []): UpdateFeaturesResponseData => ({
      throttleTimeMs: 0,
      errorCode,
      errorMessage,
      results: features.map((feature) => ({ feature, errorCode: ErrorCode.NONE, errorMessage: null })),
    });
    if (!authorizeCluster(ctx, AclOperation.ALTER)) return answer(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Cluster authorization failed.');
    // As Kafka's request map: a feature named twice counts once, its last update.
    const byFeature = new Map<string, FeatureUpdate>();
    for (const u of req.featureUpdates) {
      const upgradeType = ctx.apiVersion === 0 ? (u.allowDowngrade ? UpgradeType.SAFE_DOWNGRADE : UpgradeType.UPGRADE) : u.upgradeType;
      byFeature.delete(u.feature);
      byFeature.set(u.feature, { feature: u.feature, level: u.maxVersionLevel, upgradeType });
    }
    const updates = [...byFeature.values()];
    const metadata = ctx.cluster.metadata;
    const outcome = applyFeatureUpdates(metadata.finalizedFeatures().levels, updates, ctx.cluster.controllerId);
    if ('error' in outcome) {
      ctx.server.logger.warn(`UpdateFeatures: ${outcome.error.message}`);
      return answer(outcome.error.errorCode, `The update failed for all features since the following feature had an error: ${outcome.error.message}`);
    }
    const validateOnly = ctx.apiVersion >= 1 && req.validateOnly;
    if (!validateOnly) {
      metadata.setFinalizedFeatures(outcome.levels);
      for (const u of updates) ctx.server.logger.info(`UpdateFeatures: ${u.feature} finalized at level ${u.level}`);
    }
    // v2 dropped the per-feature results; the codec leaves them out of its answer.
    return answer(ErrorCode.NONE, null, ctx.apiVersion <= 1 ? updates.map((u) => u.feature) : []);
  },
});
