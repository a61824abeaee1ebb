/**
 * The records of __consumer_offsets in Kafka's format: key = int16 version + OffsetCommitKey (v1) or
 * GroupMetadataKey (v2); value = int16 version + OffsetCommitValue (v3) or GroupMetadataValue (v3); a null value
 * is a tombstone. Tools that read that topic (kafka-console-consumer's formatter, our segment inspector) read these.
 */
import { Reader, Writer } from '../../../protocol/codec';
import { encodeOffsetCommitKey, decodeOffsetCommitKey } from '../../../protocol/messages/records/offset-commit-key';
import { encodeOffsetCommitValue, decodeOffsetCommitValue, type OffsetCommitValueData } from '../../../protocol/messages/records/offset-commit-value';
import { encodeGroupMetadataKey, decodeGroupMetadataKey } from '../../../protocol/messages/records/group-metadata-key';
import { encodeGroupMetadataValue, decodeGroupMetadataValue, type GroupMetadataValueData } from '../../../protocol/messages/records/group-metadata-value';
import { decodeConsumerGroupRecord, type ConsumerGroupRecord } from './consumer-group-records';

const OFFSET_COMMIT_KEY_VERSION = 1;
const GROUP_METADATA_KEY_VERSION = 2;
const OFFSET_COMMIT_VALUE_VERSION = 3;
const GROUP_METADATA_VALUE_VERSION = 3;

function versioned(version: number, write: (w: Writer) => void): Buffer {
  const w = new Writer(64, Number.MAX_SAFE_INTEGER);
  w.int16(version);
  write(w);
  return w.toBuffer();
}

export function offsetCommitKey(group: string, topic: string, partition: number): Buffer {
  return versioned(OFFSET_COMMIT_KEY_VERSION, (w) => encodeOffsetCommitKey(w, OFFSET_COMMIT_KEY_VERSION, { group, topic, partition }));
}

export function offsetCommitValue(v: OffsetCommitValueData): Buffer {
  // Kafka writes version 1, the one with an expire timestamp, for a commit that set a retention (OffsetCommit v2-4).
  const version = v.expireTimestamp >= 0 ? 1 : OFFSET_COMMIT_VALUE_VERSION;
  return versioned(version, (w) => encodeOffsetCommitValue(w, version, v));
}

export function groupMetadataKey(group: string): Buffer {
  return versioned(GROUP_METADATA_KEY_VERSION, (w) => encodeGroupMetadataKey(w, GROUP_METADATA_KEY_VERSION, { group }));
}

export function groupMetadataValue(v: GroupMetadataValueData): Buffer {
  return versioned(GROUP_METADATA_VALUE_VERSION, (w) => encodeGroupMetadataValue(w, GROUP_METADATA_VALUE_VERSION, v));
}

export type OffsetsTopicRecord =
  | { type: 'offset'; group: string; topic: string; partition: number; value: OffsetCommitValueData | null }
  | { type: 'group'; group: string; value: GroupMetadataValueData | null }
  | { type: 'consumer'; group: string; record: ConsumerGroupRecord }
  | { type: 'unknown'; keyVersion: number };

/** Decodes one record of __consumer_offsets; unknown key versions (share groups, streams groups) are reported, not fatal. */
export function decodeOffsetsTopicRecord(key: Buffer, value: Buffer | null): OffsetsTopicRecord {
  const kr = new Reader(key);
  const keyVersion = kr.int16();
  if (keyVersion === 0 || keyVersion === 1) {
    const k = decodeOffsetCommitKey(kr, keyVersion);
    let v: OffsetCommitValueData | null = null;
    if (value) {
      const vr = new Reader(value);
      v = decodeOffsetCommitValue(vr, vr.int16());
    }
    return { type: 'offset', group: k.group, topic: k.topic, partition: k.partition, value: v };
  }
  if (keyVersion === 2) {
    const k = decodeGroupMetadataKey(kr, keyVersion);
    let v: GroupMetadataValueData | null = null;
    if (value) {
      const vr = new Reader(value);
      v = decodeGroupMetadataValue(vr, vr.int16());
    }
    return { type: 'group', group: k.group, value: v };
  }
  const consumer = decodeConsumerGroupRecord(keyVersion, kr, value);
  if (consumer) return { type: 'consumer', group: consumer.group, record: consumer };
  return { type: 'unknown', keyVersion };
}
