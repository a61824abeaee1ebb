/**
 * Errors raised while reading record batches.
 *
 * Kafka answers a produce whose batch fails validation with CORRUPT_MESSAGE (error code 2), and its log recovery
 * truncates at the first batch that fails the same checks; one error type lets both callers react the same way.
 */

/** Kafka's CORRUPT_MESSAGE: "This message has failed its CRC checksum, exceeds the valid size, has a null key for a
 * compacted topic, or is otherwise corrupt." */
const CORRUPT_MESSAGE_ERROR_CODE = 2;

export class CorruptRecordError extends Error {
  /** The Kafka protocol error code a broker should answer with. */
  readonly errorCode = CORRUPT_MESSAGE_ERROR_CODE;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CorruptRecordError';
  }
}

/** A varint that runs off the end of its buffer or is longer than its type allows. */
export class InvalidVarintError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidVarintError';
  }
}

/** Compressed data that its codec cannot decode. Wrapped into CorruptRecordError by the batch reader. */
export class CompressionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CompressionError';
  }
}
