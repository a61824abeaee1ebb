/**
 * The "consumer" embedded protocol: subscriptions and assignments are opaque bytes to the group protocol, but
 * the broker reads them to show who owns which partition, to journal who moved where, and for OffsetDelete.
 * Each starts with an int16 version; newer versions than we know are read as the newest we know (as clients do).
 */
import { Reader, Writer } from '../../../protocol/codec';
import { decodeConsumerProtocolAssignment, encodeConsumerProtocolAssignment } from '../../../protocol/messages/consumer-protocol-assignment';
import { decodeConsumerProtocolSubscription } from '../../../protocol/messages/consumer-protocol-subscription';

export interface TopicPartitions {
  topic: string;
  partitions: number[];
}

const MAX_ASSIGNMENT_VERSION = 3;
const MAX_SUBSCRIPTION_VERSION = 3;

/** The partitions in a consumer assignment, or undefined when the bytes are not one. */
export function decodeAssignment(bytes: Buffer): TopicPartitions[] | undefined {
  if (bytes.length < 2) return bytes.length === 0 ? [] : undefined;
  try {
    const r = new Reader(bytes);
    const version = Math.min(r.int16(), MAX_ASSIGNMENT_VERSION);
    if (version < 0) return undefined;
    return decodeConsumerProtocolAssignment(r, version).assignedPartitions.map((tp) => ({ topic: tp.topic, partitions: [...tp.partitions].sort((a, b) => a - b) }));
  } catch {
    return undefined;
  }
}

/** The topics a consumer subscribes to, or undefined when the bytes are not a consumer subscription. */
export function decodeSubscriptionTopics(bytes: Buffer): string[] | undefined {
  try {
    const r = new Reader(bytes);
    const version = Math.min(r.int16(), MAX_SUBSCRIPTION_VERSION);
    if (version < 0) return undefined;
    return decodeConsumerProtocolSubscription(r, version).topics;
  } catch {
    return undefined;
  }
}

/** A member's subscription, all of it: what a classic member of a consumer group is assigned by. */
interface Subscription {
  version: number;
  topics: string[];
  /** What the member owns now (v1+: cooperative clients say; an eager client has revoked everything before it joins). */
  ownedPartitions: TopicPartitions[];
  rackId: string | null;
  userData: Buffer | null;
}

/** The subscription, or undefined when the bytes are not a consumer subscription. */
export function decodeSubscription(bytes: Buffer): Subscription | undefined {
  try {
    const r = new Reader(bytes);
    const version = r.int16();
    if (version < 0) return undefined;
    const s = decodeConsumerProtocolSubscription(r, Math.min(version, MAX_SUBSCRIPTION_VERSION));
    return {
      version,
      topics: s.topics,
      ownedPartitions: version >= 1 ? s.ownedPartitions.map((tp) => ({ topic: tp.topic, partitions: tp.partitions })) : [],
      rackId: version >= 3 ? s.rackId : null,
      userData: s.userData,
    };
  } catch {
    return undefined;
  }
}

/** The assignment with its user data, or undefined when the bytes are not one. */
export function decodeFullAssignment(bytes: Buffer): { partitions: TopicPartitions[]; userData: Buffer | null } | undefined {
  if (bytes.length === 0) return { partitions: [], userData: null };
  try {
    const r = new Reader(bytes);
    const version = Math.min(r.int16(), MAX_ASSIGNMENT_VERSION);
    if (version < 0) return undefined;
    const a = decodeConsumerProtocolAssignment(r, version);
    return { partitions: a.assignedPartitions.map((tp) => ({ topic: tp.topic, partitions: tp.partitions })), userData: a.userData };
  } catch {
    return undefined;
  }
}

/** An assignment at `version` (a member's subscription version, as Kafka answers it), without user data. */
export function encodeAssignment(version: number, partitions: TopicPartitions[]): Buffer {
  const v = Math.max(0, Math.min(version, MAX_ASSIGNMENT_VERSION));
  const w = new Writer();
  w.int16(v);
  encodeConsumerProtocolAssignment(w, v, { assignedPartitions: partitions.map((p) => ({ topic: p.topic, partitions: p.partitions })), userData: null });
  return w.toBuffer();
}
