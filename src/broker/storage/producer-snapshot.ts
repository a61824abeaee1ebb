/**
 * Producer state snapshots: `<20-digit offset>.snapshot` in the partition directory holds the state of every
 * producer as of that offset (exclusive), in Kafka's exact format so that Kafka and its tools read ours and we read
 * theirs (Kafka's ProducerStateManager.writeSnapshot/readSnapshot):
 *
 *   Version int16 (1) | Crc uint32 (CRC-32C of every byte after this field) | ProducerEntries: int32 count, then
 *   per entry ProducerId int64 | Epoch int16 | LastSequence int32 | LastOffset int64 | OffsetDelta int32 |
 *   Timestamp int64 | CoordinatorEpoch int32 | CurrentTxnFirstOffset int64 (-1: no open transaction)
 *
 * A snapshot keeps only the last batch of each producer; replaying the batches after it restores up to five.
 */
import * as path from 'node:path';
import { readInt64, writeInt64 } from '../records/batch-header';
import { crc32c } from '../records/crc32c';
import { io } from './file-io';
import { SNAPSHOT_FILE_SUFFIX, filenamePrefixFromOffset } from './log-files';
import { BatchMetadata, ProducerStateEntry } from './producer-state-entry';

const PRODUCER_SNAPSHOT_VERSION = 1;
const VERSION_OFFSET = 0;
const CRC_OFFSET = VERSION_OFFSET + 2;
const PRODUCER_ENTRIES_OFFSET = CRC_OFFSET + 4;
/** Bytes of one snapshot entry: 8 + 2 + 4 + 8 + 4 + 8 + 4 + 8. */
export const SNAPSHOT_ENTRY_SIZE = 46;

/** The path of the snapshot at `offset` in `dir`. */
export function producerSnapshotFile(dir: string, offset: number): string {
  return path.join(dir, filenamePrefixFromOffset(offset) + SNAPSHOT_FILE_SUFFIX);
}

/** A snapshot file that cannot be read (Kafka's CorruptSnapshotException): it is deleted and an older one used. */
export class CorruptSnapshotError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CorruptSnapshotError';
  }
}

/** The bytes of a snapshot holding `entries`, producers in ascending id order. */
export function encodeProducerSnapshot(entries: Iterable<ProducerStateEntry>): Buffer {
  const list = [...entries].sort((a, b) => a.producerId - b.producerId);
  const buf = Buffer.alloc(PRODUCER_ENTRIES_OFFSET + 4 + list.length * SNAPSHOT_ENTRY_SIZE);
  buf.writeInt16BE(PRODUCER_SNAPSHOT_VERSION, VERSION_OFFSET);
  let pos = PRODUCER_ENTRIES_OFFSET;
  buf.writeInt32BE(list.length, pos);
  pos += 4;
  for (const e of list) {
    writeInt64(buf, pos, e.producerId);
    buf.writeInt16BE(e.producerEpoch, pos + 8);
    buf.writeInt32BE(e.lastSeq, pos + 10);
    writeInt64(buf, pos + 14, e.lastDataOffset);
    buf.writeInt32BE(e.lastOffsetDelta, pos + 22);
    writeInt64(buf, pos + 26, e.lastTimestamp);
    buf.writeInt32BE(e.coordinatorEpoch, pos + 34);
    writeInt64(buf, pos + 38, e.currentTxnFirstOffset ?? -1);
    pos += SNAPSHOT_ENTRY_SIZE;
  }
  buf.writeUInt32BE(crc32c(buf, PRODUCER_ENTRIES_OFFSET, buf.length), CRC_OFFSET);
  return buf;
}

/** Reads the bytes of a snapshot; throws CorruptSnapshotError for a bad version, size or CRC. */
export function decodeProducerSnapshot(buf: Buffer): ProducerStateEntry[] {
  if (buf.length < PRODUCER_ENTRIES_OFFSET + 4) throw new CorruptSnapshotError(`Snapshot failed schema validation: ${buf.length} bytes are too few`);
  const version = buf.readInt16BE(VERSION_OFFSET);
  if (version !== PRODUCER_SNAPSHOT_VERSION) throw new CorruptSnapshotError(`Snapshot contained an unknown file version ${version}`);
  const count = buf.readInt32BE(PRODUCER_ENTRIES_OFFSET);
  if (count < 0 || PRODUCER_ENTRIES_OFFSET + 4 + count * SNAPSHOT_ENTRY_SIZE > buf.length) {
    throw new CorruptSnapshotError(`Snapshot failed schema validation: ${count} entries do not fit in ${buf.length} bytes`);
  }
  const stored = buf.readUInt32BE(CRC_OFFSET);
  const computed = crc32c(buf, PRODUCER_ENTRIES_OFFSET, buf.length);
  if (stored !== computed) throw new CorruptSnapshotError(`Snapshot is corrupt (CRC is no longer valid). Stored crc: ${stored}. Computed crc: ${computed}`);
  const entries: ProducerStateEntry[] = [];
  let pos = PRODUCER_ENTRIES_OFFSET + 4;
  for (let i = 0; i < count; i++) {
    const producerId = readInt64(buf, pos);
    const epoch = buf.readInt16BE(pos + 8);
    const lastSeq = buf.readInt32BE(pos + 10);
    const lastOffset = readInt64(buf, pos + 14);
    const offsetDelta = buf.readInt32BE(pos + 22);
    const timestamp = readInt64(buf, pos + 26);
    const coordinatorEpoch = buf.readInt32BE(pos + 34);
    const txnFirst = readInt64(buf, pos + 38);
    const batch = lastOffset >= 0 ? new BatchMetadata(lastSeq, lastOffset, offsetDelta, timestamp) : undefined;
    entries.push(new ProducerStateEntry(producerId, epoch, coordinatorEpoch, timestamp, txnFirst >= 0 ? txnFirst : undefined, batch));
    pos += SNAPSHOT_ENTRY_SIZE;
  }
  return entries;
}

/** Reads a snapshot file (for the log and for dump tools). */
export function readProducerSnapshot(file: string): ProducerStateEntry[] {
  return decodeProducerSnapshot(io.readFileSync(file) as Buffer);
}
