/**
 * The consumer protocol's records in __consumer_offsets, in Kafka's format (coordinator-records/ConsumerGroup*.json):
 * key = int16 version (which names the record type: 3 group epoch, 4 subscribed topics, 5 member, 6 target epoch,
 * 7 a member's target, 8 a member's current assignment) + the key struct; value = int16 version 0 + the value struct;
 * a null value deletes. Kafka's own tools and a Kafka broker reading the topic read these.
 */
import { Reader, Writer } from '../../../protocol/codec';
import { encodeConsumerGroupMetadataKey, decodeConsumerGroupMetadataKey } from '../../../protocol/messages/records/consumer-group-metadata-key';
import { encodeConsumerGroupMetadataValue, decodeConsumerGroupMetadataValue } from '../../../protocol/messages/records/consumer-group-metadata-value';
import { encodeConsumerGroupPartitionMetadataKey, decodeConsumerGroupPartitionMetadataKey } from '../../../protocol/messages/records/consumer-group-partition-metadata-key';
import { encodeConsumerGroupPartitionMetadataValue, decodeConsumerGroupPartitionMetadataValue, type ConsumerGroupPartitionMetadataValueData } from '../../../protocol/messages/records/consumer-group-partition-metadata-value';
import { encodeConsumerGroupMemberMetadataKey, decodeConsumerGroupMemberMetadataKey } from '../../../protocol/messages/records/consumer-group-member-metadata-key';
import { encodeConsumerGroupMemberMetadataValue, decodeConsumerGroupMemberMetadataValue, type ConsumerGroupMemberMetadataValueData } from '../../../protocol/messages/records/consumer-group-member-metadata-value';
import { encodeConsumerGroupTargetAssignmentMetadataKey, decodeConsumerGroupTargetAssignmentMetadataKey } from '../../../protocol/messages/records/consumer-group-target-assignment-metadata-key';
import { encodeConsumerGroupTargetAssignmentMetadataValue, decodeConsumerGroupTargetAssignmentMetadataValue } from '../../../protocol/messages/records/consumer-group-target-assignment-metadata-value';
import { encodeConsumerGroupTargetAssignmentMemberKey, decodeConsumerGroupTargetAssignmentMemberKey } from '../../../protocol/messages/records/consumer-group-target-assignment-member-key';
import { encodeConsumerGroupTargetAssignmentMemberValue, decodeConsumerGroupTargetAssignmentMemberValue } from '../../../protocol/messages/records/consumer-group-target-assignment-member-value';
import { encodeConsumerGroupCurrentMemberAssignmentKey, decodeConsumerGroupCurrentMemberAssignmentKey } from '../../../protocol/messages/records/consumer-group-current-member-assignment-key';
import { encodeConsumerGroupCurrentMemberAssignmentValue, decodeConsumerGroupCurrentMemberAssignmentValue, type ConsumerGroupCurrentMemberAssignmentValueData } from '../../../protocol/messages/records/consumer-group-current-member-assignment-value';

const CONSUMER_GROUP_KEY_VERSIONS = { metadata: 3, partitionMetadata: 4, member: 5, targetMetadata: 6, targetMember: 7, currentAssignment: 8 } as const;
const VALUE_VERSION = 0;

type MemberMetadata = ConsumerGroupMemberMetadataValueData;
type CurrentAssignmentValue = ConsumerGroupCurrentMemberAssignmentValueData;
type TopicPartitionsList = Array<{ topicId: string; partitions: number[] }>;

function record(keyVersion: number, writeKey: (w: Writer) => void, writeValue: ((w: Writer) => void) | null): { key: Buffer; value: Buffer | null } {
  const k = new Writer(64, Number.MAX_SAFE_INTEGER);
  k.int16(keyVersion);
  writeKey(k);
  if (!writeValue) return { key: k.toBuffer(), value: null };
  const v = new Writer(64, Number.MAX_SAFE_INTEGER);
  v.int16(VALUE_VERSION);
  writeValue(v);
  return { key: k.toBuffer(), value: v.toBuffer() };
}

export function groupEpochRecord(groupId: string, epoch: number | null) {
  const kv = CONSUMER_GROUP_KEY_VERSIONS.metadata;
  return record(kv, (w) => encodeConsumerGroupMetadataKey(w, kv, { groupId }), epoch === null ? null : (w) => encodeConsumerGroupMetadataValue(w, VALUE_VERSION, { epoch }));
}

export function subscribedTopicsRecord(groupId: string, topics: Array<{ topicId: string; topicName: string; numPartitions: number }> | null) {
  const kv = CONSUMER_GROUP_KEY_VERSIONS.partitionMetadata;
  return record(
    kv,
    (w) => encodeConsumerGroupPartitionMetadataKey(w, kv, { groupId }),
    topics === null ? null : (w) => encodeConsumerGroupPartitionMetadataValue(w, VALUE_VERSION, { topics: topics.map((t) => ({ ...t, partitionMetadata: [] })) }),
  );
}

export function memberRecord(groupId: string, memberId: string, value: MemberMetadata | null) {
  const kv = CONSUMER_GROUP_KEY_VERSIONS.member;
  return record(kv, (w) => encodeConsumerGroupMemberMetadataKey(w, kv, { groupId, memberId }), value === null ? null : (w) => encodeConsumerGroupMemberMetadataValue(w, VALUE_VERSION, value));
}

export function targetEpochRecord(groupId: string, assignmentEpoch: number | null) {
  const kv = CONSUMER_GROUP_KEY_VERSIONS.targetMetadata;
  return record(
    kv,
    (w) => encodeConsumerGroupTargetAssignmentMetadataKey(w, kv, { groupId }),
    assignmentEpoch === null ? null : (w) => encodeConsumerGroupTargetAssignmentMetadataValue(w, VALUE_VERSION, { assignmentEpoch }),
  );
}

export function targetMemberRecord(groupId: string, memberId: string, topicPartitions: TopicPartitionsList | null) {
  const kv = CONSUMER_GROUP_KEY_VERSIONS.targetMember;
  return record(
    kv,
    (w) => encodeConsumerGroupTargetAssignmentMemberKey(w, kv, { groupId, memberId }),
    topicPartitions === null ? null : (w) => encodeConsumerGroupTargetAssignmentMemberValue(w, VALUE_VERSION, { topicPartitions }),
  );
}

export function currentAssignmentRecord(groupId: string, memberId: string, value: CurrentAssignmentValue | null) {
  const kv = CONSUMER_GROUP_KEY_VERSIONS.currentAssignment;
  return record(
    kv,
    (w) => encodeConsumerGroupCurrentMemberAssignmentKey(w, kv, { groupId, memberId }),
    value === null ? null : (w) => encodeConsumerGroupCurrentMemberAssignmentValue(w, VALUE_VERSION, value),
  );
}

export type ConsumerGroupRecord =
  | { kind: 'metadata'; group: string; epoch: number | null }
  | { kind: 'partitionMetadata'; group: string; value: ConsumerGroupPartitionMetadataValueData | null }
  | { kind: 'member'; group: string; memberId: string; value: MemberMetadata | null }
  | { kind: 'targetMetadata'; group: string; assignmentEpoch: number | null }
  | { kind: 'targetMember'; group: string; memberId: string; topicPartitions: TopicPartitionsList | null }
  | { kind: 'currentAssignment'; group: string; memberId: string; value: CurrentAssignmentValue | null };

/** Decodes a consumer protocol record whose key version (already read from `kr`) is 3..8; undefined for others. */
export function decodeConsumerGroupRecord(keyVersion: number, kr: Reader, value: Buffer | null): ConsumerGroupRecord | undefined {
  const vr = value ? new Reader(value) : null;
  const valueVersion = vr ? vr.int16() : 0;
  switch (keyVersion) {
    case 3: {
      const k = decodeConsumerGroupMetadataKey(kr, keyVersion);
      return { kind: 'metadata', group: k.groupId, epoch: vr ? decodeConsumerGroupMetadataValue(vr, valueVersion).epoch : null };
    }
    case 4: {
      const k = decodeConsumerGroupPartitionMetadataKey(kr, keyVersion);
      return { kind: 'partitionMetadata', group: k.groupId, value: vr ? decodeConsumerGroupPartitionMetadataValue(vr, valueVersion) : null };
    }
    case 5: {
      const k = decodeConsumerGroupMemberMetadataKey(kr, keyVersion);
      return { kind: 'member', group: k.groupId, memberId: k.memberId, value: vr ? decodeConsumerGroupMemberMetadataValue(vr, valueVersion) : null };
    }
    case 6: {
      const k = decodeConsumerGroupTargetAssignmentMetadataKey(kr, keyVersion);
      return { kind: 'targetMetadata', group: k.groupId, assignmentEpoch: vr ? decodeConsumerGroupTargetAssignmentMetadataValue(vr, valueVersion).assignmentEpoch : null };
    }
    case 7: {
      const k = decodeConsumerGroupTargetAssignmentMemberKey(kr, keyVersion);
      return { kind: 'targetMember', group: k.groupId, memberId: k.memberId, topicPartitions: vr ? decodeConsumerGroupTargetAssignmentMemberValue(vr, valueVersion).topicPartitions : null };
    }
    case 8: {
      const k = decodeConsumerGroupCurrentMemberAssignmentKey(kr, keyVersion);
      return { kind: 'currentAssignment', group: k.groupId, memberId: k.memberId, value: vr ? decodeConsumerGroupCurrentMemberAssignmentValue(vr, valueVersion) : null };
    }
    default:
      return undefined;
  }
}
