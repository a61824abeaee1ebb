/**
 * Kafka's `uuid` type (16 bytes on the wire) is represented in TypeScript as a 32-character lowercase hex string:
 * cheap to read (Buffer#toString('hex')), usable directly as a Map key and comparable with ===.
 * Kafka's own text form (Uuid#toString: 22 characters of URL-safe base64 without padding, e.g. topic ids printed by
 * kafka-topics.sh) is available through uuidToKafkaString / uuidFromKafkaString.
 */
import { randomBytes } from 'node:crypto';
import { ProtocolEncodeError } from './errors';

/** Kafka's Uuid.ZERO_UUID, the default of every uuid field. */
export const ZERO_UUID = '00000000000000000000000000000000';
/** Kafka's Uuid.ONE_UUID (the reserved id of the __cluster_metadata topic). */
export const ONE_UUID = '00000000000000000000000000000001';

const UUID_HEX = /^[0-9a-f]{32}$/;

export function isUuid(s: unknown): s is string {
  return typeof s === 'string' && UUID_HEX.test(s);
}

export function assertUuid(s: string): void {
  if (!UUID_HEX.test(s)) throw new ProtocolEncodeError(`not a uuid (32 lowercase hex characters): ${JSON.stringify(s)}`);
}

/** Kafka's text form: URL-safe base64 of the 16 bytes, without padding (22 characters). */
export function uuidToKafkaString(hex: string): string {
  assertUuid(hex);
  return Buffer.from(hex, 'hex').toString('base64url');
}

export function uuidFromKafkaString(s: string): string {
  const buf = Buffer.from(s, 'base64url');
  if (buf.length !== 16 || buf.toString('base64url') !== s) throw new ProtocolEncodeError(`not a Kafka uuid string: ${JSON.stringify(s)}`);
  return buf.toString('hex');
}

/** A random (version 4) uuid, avoiding what Kafka's Uuid.randomUuid avoids: the reserved ids and a leading '-'. */
export function randomUuid(): string {
  for (;;) {
    const b = randomBytes(16);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const hex = b.toString('hex');
    if (hex !== ZERO_UUID && hex !== ONE_UUID && !b.toString('base64url').startsWith('-')) return hex;
  }
}
