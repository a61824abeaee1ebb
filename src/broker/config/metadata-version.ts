/**
 * Kafka's MetadataVersion strings (inter.broker.protocol.version values up to 3.9), for the deprecated
 * message.format.version / log.message.format.version configs: Kafka 3.9 still accepts any version it knows there
 * (and ignores the value: from 3.0 on every batch is written in format v2).
 */

const FULL_VERSIONS = [
  '0.8.0', '0.8.1', '0.8.2', '0.9.0',
  '0.10.0-IV0', '0.10.0-IV1', '0.10.1-IV0', '0.10.1-IV1', '0.10.1-IV2', '0.10.2-IV0',
  '0.11.0-IV0', '0.11.0-IV1', '0.11.0-IV2', '1.0-IV0', '1.1-IV0', '2.0-IV0', '2.0-IV1',
  '2.1-IV0', '2.1-IV1', '2.1-IV2', '2.2-IV0', '2.2-IV1', '2.3-IV0', '2.3-IV1', '2.4-IV0', '2.4-IV1',
  '2.5-IV0', '2.6-IV0', '2.7-IV0', '2.7-IV1', '2.7-IV2', '2.8-IV0', '2.8-IV1', '3.0-IV0', '3.0-IV1',
  '3.1-IV0', '3.2-IV0', '3.3-IV0', '3.3-IV1', '3.3-IV2', '3.3-IV3', '3.4-IV0', '3.5-IV0', '3.5-IV1', '3.5-IV2',
  '3.6-IV0', '3.6-IV1', '3.6-IV2', '3.7-IV0', '3.7-IV1', '3.7-IV2', '3.7-IV3', '3.7-IV4', '3.8-IV0', '3.9-IV0',
];

/** Every full version and every release's short form ("0.10.0", "2.8"), as MetadataVersion.fromVersionString looks up. */
const KNOWN = new Set<string>([...FULL_VERSIONS, ...FULL_VERSIONS.map((v) => v.replace(/-IV\d+$/, ''))]);

/**
 * Whether `version` names a known version: as Kafka, "0.x" versions are matched on three segments and later ones on
 * two, so "0.10.0.1" and "2.8.2" are fine.
 */
function isKnownMetadataVersion(version: string): boolean {
  const segments = version.split('.');
  const wanted = version.startsWith('0.') ? 3 : 2;
  const key = wanted >= segments.length ? version : segments.slice(0, wanted).join('.');
  return KNOWN.has(key);
}

/** The ConfigKey validator of the message format version configs, with Kafka's message. */
export function metadataVersionValidator(value: unknown): string | undefined {
  return isKnownMetadataVersion(String(value)) ? undefined : `Version ${String(value)} is not a valid version`;
}

/** The default of message.format.version in Kafka 3.x. */
export const DEFAULT_MESSAGE_FORMAT_VERSION = '3.0-IV1';
