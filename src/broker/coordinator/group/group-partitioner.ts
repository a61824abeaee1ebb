/**
 * Which __consumer_offsets partition holds a group: Kafka's `Utils.abs(groupId.hashCode) % partitions`, with
 * Java's String.hashCode over UTF-16 code units, so a group lands where a real Kafka cluster would put it.
 */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** Kafka's Utils.abs: Math.abs, except that Integer.MIN_VALUE (which has no positive counterpart) gives 0. */
function kafkaAbs(n: number): number {
  return n === -2147483648 ? 0 : Math.abs(n);
}

/** Also where a transactional id's state goes in __transaction_state (the same formula). */
export function partitionForGroup(groupId: string, numPartitions: number): number {
  return kafkaAbs(javaStringHashCode(groupId)) % numPartitions;
}
