/**
 * The broker-level settings of the log cleaner (Kafka's CleanerConfig) and Kafka's defaults for them.
 */

/** Kafka's defaults for the broker-level cleaner settings. */
export const DEFAULT_DEDUPE_BUFFER_SIZE = 128 * 1024 * 1024;
export const DEFAULT_DEDUPE_LOAD_FACTOR = 0.9;
export const DEFAULT_IO_BUFFER_SIZE = 512 * 1024;
export const DEFAULT_CLEANER_BACKOFF_MS = 15_000;

export interface CleanerConfig {
  /** log.cleaner.dedupe.buffer.size: bounds the keys one round maps (24 bytes per key, as Kafka counts). */
  dedupeBufferSize?: number;
  /** log.cleaner.io.buffer.load.factor. */
  dedupeBufferLoadFactor?: number;
  /** log.cleaner.io.buffer.size: how much of a segment is read at a time (grown for a larger batch). */
  ioBufferSize?: number;
  /** producer.id.expiration.ms: a producer idle for longer no longer needs its last batch kept. */
  producerIdExpirationMs?: number;
}
