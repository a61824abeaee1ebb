/**
 * The "consumer" embedded protocol: subscriptions and assignments are opaque bytes to the group protocol, but
 * the broker reads them to show who owns which partition, to journal who moved where, and for OffsetDelete.
 * Each starts with an int16 version; newer versions than we know are read as the newest we know (as clients do).
 */
import { Reader } from '../../../protocol/codec';
import { decodeConsumerProtocolAssignment } from '../../../protocol/messages/consumer-protocol-assignment';
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
