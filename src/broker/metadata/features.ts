/**
 * Kafka's feature versions (KIP-584, KIP-778, KIP-1022): what this broker supports of each feature, the levels a new
 * cluster is formatted with (as Kafka 4.0's `kafka-storage format` picks them), and UpdateFeatures' validation as
 * Kafka 4.0's FeatureControlManager does it. The finalized levels live in the cluster metadata (MetadataStore); a
 * feature at level 0 is not finalized at all, as Kafka removes its FeatureLevelRecord.
 */
import { ErrorCode } from '../errors';

export const METADATA_VERSION = 'metadata.version';
export const KRAFT_VERSION = 'kraft.version';
export const TRANSACTION_VERSION = 'transaction.version';
export const GROUP_VERSION = 'group.version';
export const ELIGIBLE_LEADER_REPLICAS_VERSION = 'eligible.leader.replicas.version';

/**
 * The metadata.version levels Kafka 4.0 supports (3.3-IV3 to 4.0-IV3), each with its release name and whether it
 * changed the metadata format: a downgrade across a level that did may lose metadata, so Kafka refuses it.
 */
const METADATA_VERSIONS: ReadonlyArray<{ level: number; name: string; metadataChanged: boolean }> = [
  { level: 7, name: '3.3-IV3', metadataChanged: true },
  { level: 8, name: '3.4-IV0', metadataChanged: true },
  { level: 9, name: '3.5-IV0', metadataChanged: false },
  { level: 10, name: '3.5-IV1', metadataChanged: false },
  { level: 11, name: '3.5-IV2', metadataChanged: true },
  { level: 12, name: '3.6-IV0', metadataChanged: false },
  { level: 13, name: '3.6-IV1', metadataChanged: true },
  { level: 14, name: '3.6-IV2', metadataChanged: true },
  { level: 15, name: '3.7-IV0', metadataChanged: true },
  { level: 16, name: '3.7-IV1', metadataChanged: false },
  { level: 17, name: '3.7-IV2', metadataChanged: true },
  { level: 18, name: '3.7-IV3', metadataChanged: false },
  { level: 19, name: '3.7-IV4', metadataChanged: false },
  { level: 20, name: '3.8-IV0', metadataChanged: false },
  { level: 21, name: '3.9-IV0', metadataChanged: false },
  { level: 22, name: '4.0-IV0', metadataChanged: false },
  { level: 23, name: '4.0-IV1', metadataChanged: true },
  { level: 24, name: '4.0-IV2', metadataChanged: false },
  { level: 25, name: '4.0-IV3', metadataChanged: false },
];

const MINIMUM_METADATA_VERSION = METADATA_VERSIONS[0].level;
const LATEST_METADATA_VERSION = METADATA_VERSIONS[METADATA_VERSIONS.length - 1].level;

interface FeatureDefinition {
  name: string;
  minVersion: number;
  maxVersion: number;
  /** The level `kafka-storage format` gives a new Kafka 4.0 cluster. */
  defaultLevel: number;
  /** Levels that need another feature at a level (Kafka's FeatureVersion.dependencies). */
  dependencies?: Readonly<Record<number, Readonly<Record<string, number>>>>;
}

/**
 * What a Kafka 4.0 broker supports, by name. kraft.version 1 is what a 4.0 cluster formatted with a dynamic quorum
 * (`--standalone`, the quickstart's way) has; ELR stays off in 4.0 unless upgraded to.
 */
export const SUPPORTED_FEATURES: readonly FeatureDefinition[] = [
  { name: ELIGIBLE_LEADER_REPLICAS_VERSION, minVersion: 0, maxVersion: 1, defaultLevel: 0, dependencies: { 1: { [METADATA_VERSION]: 23 } } },
  { name: GROUP_VERSION, minVersion: 0, maxVersion: 1, defaultLevel: 1 },
  { name: KRAFT_VERSION, minVersion: 0, maxVersion: 1, defaultLevel: 1 },
  { name: METADATA_VERSION, minVersion: MINIMUM_METADATA_VERSION, maxVersion: LATEST_METADATA_VERSION, defaultLevel: LATEST_METADATA_VERSION },
  { name: TRANSACTION_VERSION, minVersion: 0, maxVersion: 2, defaultLevel: 2 },
];

const BY_NAME = new Map(SUPPORTED_FEATURES.map((f) => [f.name, f]));

/** The finalized levels of a new cluster: only the features above level 0. */
export function defaultFinalizedLevels(): Record<string, number> {
  return Object.fromEntries(SUPPORTED_FEATURES.filter((f) => f.defaultLevel > 0).map((f) => [f.name, f.defaultLevel]));
}

/** The release name of a metadata.version level (4.0-IV3), for messages and tools. */
export function metadataVersionName(level: number): string | undefined {
  return METADATA_VERSIONS.find((v) => v.level === level)?.name;
}

/** Kafka's FeatureUpdate.UpgradeType codes. */
export const UpgradeType = { UPGRADE: 1, SAFE_DOWNGRADE: 2, UNSAFE_DOWNGRADE: 3 } as const;

export interface FeatureUpdate {
  feature: string;
  level: number;
  upgradeType: number;
}

interface FeatureUpdateError {
  feature: string;
  errorCode: number;
  message: string;
}

/**
 * Checks `updates` against the `current` finalized levels as Kafka's controller does, stopping at the first feature
 * that fails (no update is applied then). Returns the new levels, without the features brought to 0.
 */
export function applyFeatureUpdates(current: Readonly<Record<string, number>>, updates: readonly FeatureUpdate[], controllerId: number): { error: FeatureUpdateError } | { levels: Record<string, number> } {
  const levels: Record<string, number> = { ...current };
  // Dependencies are judged on every level as it will be once the whole request is applied.
  const proposed: Record<string, number> = { ...current };
  for (const u of updates) proposed[u.feature] = u.level;
  for (const u of updates) {
    const message = rejection(u, current[u.feature] ?? 0, proposed, controllerId);
    if (message !== undefined) return { error: { feature: u.feature, errorCode: ErrorCode.INVALID_UPDATE_VERSION, message } };
    if (u.level > 0) levels[u.feature] = u.level;
    else delete levels[u.feature];
  }
  return { levels };
}

function rejection(u: FeatureUpdate, currentLevel: number, proposed: Readonly<Record<string, number>>, controllerId: number): string | undefined {
  const invalid = (why: string) => `Invalid update version ${u.level} for feature ${u.feature}. ${why}`;
  if (u.upgradeType !== UpgradeType.UPGRADE && u.upgradeType !== UpgradeType.SAFE_DOWNGRADE && u.upgradeType !== UpgradeType.UNSAFE_DOWNGRADE) {
    return invalid('The controller does not support the given upgrade type.');
  }
  if (u.level < 0) return invalid('A feature version cannot be less than 0.');
  const def = BY_NAME.get(u.feature);
  // An unknown feature is supported at level 0 only (Kafka's DISABLED range), which lets the dependency check below
  // be the one to refuse it.
  const [min, max] = def ? [def.minVersion, def.maxVersion] : [0, 0];
  if (u.level < min || u.level > max) {
    return invalid(max === 0 ? `Local controller ${controllerId} does not support this feature.` : `Local controller ${controllerId} only supports versions ${min}-${max}`);
  }
  if (u.level < currentLevel && u.upgradeType === UpgradeType.UPGRADE) {
    return invalid("Can't downgrade the version of this feature without setting the upgrade type to either safe or unsafe downgrade.");
  }
  if (u.level > currentLevel && u.upgradeType !== UpgradeType.UPGRADE) return invalid("Can't downgrade to a newer version.");
  if (u.feature === METADATA_VERSION) return metadataVersionRejection(u, currentLevel);
  if (!def) return invalid(`Feature ${u.feature} not found.`);
  // The quorum's own version is the raft layer's, which Kafka 4.0 cannot change through UpdateFeatures.
  if (u.feature === KRAFT_VERSION && u.level !== currentLevel) return invalid('Changing kraft.version is not supported by this cluster.');
  if (u.level >= 1 && (proposed[METADATA_VERSION] ?? 0) < MINIMUM_METADATA_VERSION) {
    return invalid(`${u.feature} could not be set to ${u.level} because it depends on metadata.version=${MINIMUM_METADATA_VERSION} (${metadataVersionName(MINIMUM_METADATA_VERSION)})`);
  }
  for (const [feature, needed] of Object.entries(def.dependencies?.[u.level] ?? {})) {
    if ((proposed[feature] ?? 0) < needed) return invalid(`${u.feature} could not be set to ${u.level} because it depends on ${feature} level ${needed}`);
  }
  return undefined;
}

function metadataVersionRejection(u: FeatureUpdate, currentLevel: number): string | undefined {
  const invalid = (why: string) => `Invalid metadata.version ${u.level}. ${why}`;
  if (u.level >= currentLevel) return undefined;
  if (!metadataChangedBetween(u.level, currentLevel)) return undefined;
  return invalid(u.upgradeType === UpgradeType.UNSAFE_DOWNGRADE ? 'Unsafe metadata downgrade is not supported in this version.' : 'Refusing to perform the requested downgrade because it might delete metadata information.');
}

/** Kafka's MetadataVersion.checkIfMetadataChanged: some level above `low`, up to `high`, changed the metadata. */
function metadataChangedBetween(low: number, high: number): boolean {
  return METADATA_VERSIONS.some((v) => v.level > low && v.level <= high && v.metadataChanged);
}
