/**
 * Errors raised by the Kafka protocol codecs.
 *
 * - ProtocolDecodeError: the bytes are not a valid encoding (truncated input, a length that is negative where null is
 *   not allowed, or larger than what is left in the frame, a varint that is too long...). A broker answers with
 *   CORRUPT_MESSAGE / INVALID_REQUEST or closes the connection.
 * - ProtocolEncodeError: the data cannot be encoded (a null in a non-nullable field, a string longer than 32767 bytes,
 *   a malformed uuid...). This is a programming error in the caller.
 * - UnsupportedVersionError: Kafka's UnsupportedVersionException: the version is outside the message's valid
 *   versions, or the data carries a non-default value in a field that the requested version cannot carry and that
 *   the schema does not mark as ignorable.
 */

export class ProtocolDecodeError extends Error {
  /** Byte offset in the input buffer where decoding failed. */
  readonly offset: number;

  constructor(message: string, offset: number) {
    super(`${message} (at byte ${offset})`);
    this.name = 'ProtocolDecodeError';
    this.offset = offset;
  }
}

export class ProtocolEncodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolEncodeError';
  }
}

export class UnsupportedVersionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedVersionError';
  }
}

/** Thrown by generated encoders: `field` holds a non-default value that `version` of `message` cannot carry. */
export function nonDefaultField(message: string, field: string, version: number): UnsupportedVersionError {
  return new UnsupportedVersionError(`Attempted to write a non-default ${field} at version ${version} of ${message}`);
}

/** Thrown by generated decoders and encoders when the version is outside the message's valid versions. */
export function checkVersion(message: string, version: number, min: number, max: number): void {
  if (!(version >= min && version <= max && Number.isInteger(version))) {
    throw new UnsupportedVersionError(`${message} does not support version ${version} (valid versions ${min}-${max})`);
  }
}
