/**
 * The request versions Apache Kafka 4.0 no longer serves (KIP-896: clients older than Kafka 2.1), read from Kafka 4.0's
 * message schemas ("Version 0 was removed in Apache Kafka 4.0, Version 1 is the new baseline"). Tributary serves what
 * Kafka 3.9 serves, and Kafka 4.0's newer versions where it implements them (transactions version 2: Produce 12,
 * TxnOffsetCommit 5, EndTxn 5, AddPartitionsToTxn 4-5), none of which 4.0 removed; this table is what its Kafka 4
 * upgrade check warns about, and what `tributary.protocol.floor=4.0` refuses. Metadata kept its old versions in Kafka 4.0.
 */
const KAFKA4_MIN_VERSIONS: ReadonlyMap<number, number> = new Map([
  [0, 3], // Produce (0-2 still advertised, for librdkafka's sake: KAFKA-18659)
  [1, 4], // Fetch
  [2, 1], // ListOffsets
  [8, 2], // OffsetCommit
  [9, 1], // OffsetFetch
  [11, 2], // JoinGroup
  [19, 2], // CreateTopics
  [20, 1], // DeleteTopics
  [23, 2], // OffsetForLeaderEpoch
  [27, 1], // WriteTxnMarkers
  [29, 1], // DescribeAcls
  [30, 1], // CreateAcls
  [31, 1], // DeleteAcls
  [32, 1], // DescribeConfigs
  [34, 1], // AlterReplicaLogDirs
  [35, 1], // DescribeLogDirs
]);

/** Kafka 4.0 still lists Produce from version 0 in ApiVersions (librdkafka needs it), and refuses 0-2 otherwise. */
export const KAFKA4_PRODUCE_ADVERTISED_MIN = 0;

/** The lowest version of the API Kafka 4.0 serves (0 when it kept them all). */
export function kafka4MinVersion(apiKey: number): number {
  return KAFKA4_MIN_VERSIONS.get(apiKey) ?? 0;
}
