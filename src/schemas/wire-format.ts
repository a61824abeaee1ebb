/**
 * Confluent's wire format around a serialized key or value: magic byte 0, the schema id as a big-endian int32, then
 * (Protobuf only) the message-index list, then the payload. The index list is a zigzag varint count followed by that
 * many zigzag varint indexes, with the single byte 0 standing for [0], the first message (Confluent's MessageIndexes).
 */

const MAGIC_BYTE = 0;
const HEADER_BYTES = 5;
/** Deeper than any real schema nests its messages; a garbled payload must not make us read thousands of indexes. */
const MAX_INDEXES = 64;

export function looksLikeWireFormat(bytes: Uint8Array): boolean {
  return bytes.length >= HEADER_BYTES && bytes[0] === MAGIC_BYTE;
}

/** The schema id and what follows it; only called on bytes that look like the wire format. */
export function readHeader(bytes: Uint8Array): { id: number; payload: Uint8Array } {
  return { id: schemaIdOf(bytes), payload: bytes.subarray(HEADER_BYTES) };
}

/** The big-endian int32 after the magic byte, read without a DataView (this runs for every record shown). */
export function schemaIdOf(bytes: Uint8Array): number {
  return ((bytes[1] << 24) | (bytes[2] << 16) | (bytes[3] << 8) | bytes[4]) | 0;
}

export function writeWireFormat(id: number, payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
  out[0] = MAGIC_BYTE;
  out.writeInt32BE(id, 1);
  out.set(payload, HEADER_BYTES);
  return out;
}

/** The message indexes at the start of a Protobuf payload, and where the message itself starts. Throws when garbled. */
export function readMessageIndexes(bytes: Uint8Array): { indexes: number[]; offset: number } {
  let offset = 0;
  const next = (): number => {
    const r = readZigZagVarint(bytes, offset);
    offset = r.offset;
    return r.value;
  };
  const count = next();
  if (count === 0) return { indexes: [0], offset };
  if (count < 0 || count > MAX_INDEXES) throw new Error(`the message-index count ${count} is not plausible`);
  const indexes: number[] = [];
  for (let i = 0; i < count; i++) {
    const index = next();
    if (index < 0) throw new Error(`message index ${index} is negative`);
    indexes.push(index);
  }
  return { indexes, offset };
}

export function writeMessageIndexes(indexes: readonly number[]): Uint8Array {
  if (indexes.length === 1 && indexes[0] === 0) return Uint8Array.of(0);
  const out: number[] = [];
  for (const n of [indexes.length, ...indexes]) writeZigZagVarint(n, out);
  return Uint8Array.from(out);
}

function readZigZagVarint(bytes: Uint8Array, start: number): { value: number; offset: number } {
  let raw = 0;
  let offset = start;
  for (let shift = 0; shift < 35; shift += 7) {
    if (offset >= bytes.length) throw new Error('the message indexes end early');
    const b = bytes[offset++];
    raw += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return { value: raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2, offset };
  }
  throw new Error('a message index is longer than a 32-bit varint');
}

function writeZigZagVarint(n: number, out: number[]): void {
  let raw = n >= 0 ? n * 2 : -n * 2 - 1;
  while (raw >= 0x80) {
    out.push((raw % 0x80) | 0x80);
    raw = Math.floor(raw / 0x80);
  }
  out.push(raw);
}
