/**
 * Control records: the single record of a control batch (attributes bit 5), written by the broker, never by a
 * producer. Key: version int16 (0) + type int16. For COMMIT and ABORT (the transaction markers, Kafka's
 * EndTransactionMarker) the value is version int16 (0) + coordinatorEpoch int32; the other types belong to KRaft.
 * Consumers use the markers to drop aborted data and never hand control records to applications.
 */
import { NO_SEQUENCE } from './batch-header';
import { CorruptRecordError } from './errors';
import { Record } from './record';
import { encodeRecordBatch } from './record-batch';

export enum ControlRecordType {
  Abort = 0,
  Commit = 1,
  LeaderChange = 2,
  SnapshotHeader = 3,
  SnapshotFooter = 4,
  KraftVersion = 5,
  KraftVoters = 6,
}

/** Kafka's ControlRecordType names, as its tools print them. */
export function controlRecordTypeName(type: number): string {
  switch (type) {
    case ControlRecordType.Abort:
      return 'ABORT';
    case ControlRecordType.Commit:
      return 'COMMIT';
    case ControlRecordType.LeaderChange:
      return 'LEADER_CHANGE';
    case ControlRecordType.SnapshotHeader:
      return 'SNAPSHOT_HEADER';
    case ControlRecordType.SnapshotFooter:
      return 'SNAPSHOT_FOOTER';
    case ControlRecordType.KraftVersion:
      return 'KRAFT_VERSION';
    case ControlRecordType.KraftVoters:
      return 'KRAFT_VOTERS';
    default:
      return 'UNKNOWN';
  }
}

const CONTROL_RECORD_KEY_VERSION = 0;
const END_TXN_MARKER_VALUE_VERSION = 0;
const KEY_SIZE = 4;
const END_TXN_VALUE_SIZE = 6;

interface EndTxnMarker {
  type: ControlRecordType.Abort | ControlRecordType.Commit;
  coordinatorEpoch: number;
}

export function encodeControlRecordKey(type: ControlRecordType): Buffer {
  const key = Buffer.alloc(KEY_SIZE);
  key.writeInt16BE(CONTROL_RECORD_KEY_VERSION, 0);
  key.writeInt16BE(type, 2);
  return key;
}

/** The type id in a control record's key. Newer key versions only append fields, so they read the same. */
export function decodeControlRecordType(key: Buffer | null): number {
  if (key === null || key.length < KEY_SIZE) {
    throw new CorruptRecordError(`Invalid control record key: needs at least ${KEY_SIZE} bytes, found ${key === null ? 'null' : key.length}`);
  }
  const version = key.readInt16BE(0);
  if (version < 0) throw new CorruptRecordError(`Invalid version found for control record: ${version}`);
  return key.readInt16BE(2);
}

export function encodeEndTxnMarkerValue(coordinatorEpoch: number): Buffer {
  const value = Buffer.alloc(END_TXN_VALUE_SIZE);
  value.writeInt16BE(END_TXN_MARKER_VALUE_VERSION, 0);
  value.writeInt32BE(coordinatorEpoch, 2);
  return value;
}

/** Reads a COMMIT or ABORT marker from a decoded control record. */
export function decodeEndTxnMarker(record: Pick<Record, 'key' | 'value'>): EndTxnMarker {
  const type = decodeControlRecordType(record.key);
  if (type !== ControlRecordType.Abort && type !== ControlRecordType.Commit) {
    throw new CorruptRecordError(`Control record of type ${controlRecordTypeName(type)} (${type}) is not a transaction marker`);
  }
  const value = record.value;
  if (value === null || value.length < END_TXN_VALUE_SIZE) {
    throw new CorruptRecordError(`Invalid value size found for end transaction marker: needs ${END_TXN_VALUE_SIZE} bytes, found ${value === null ? 'null' : value.length}`);
  }
  const version = value.readInt16BE(0);
  if (version < 0) throw new CorruptRecordError(`Invalid version found for end transaction marker: ${version}`);
  return { type, coordinatorEpoch: value.readInt32BE(2) };
}

interface EndTxnMarkerBatchInput {
  type: ControlRecordType.Abort | ControlRecordType.Commit;
  producerId: number;
  producerEpoch: number;
  coordinatorEpoch: number;
  baseOffset?: number;
  partitionLeaderEpoch?: number;
  timestamp?: number;
}

/** The control batch a broker appends to end a transaction: transactional + control, one record, no sequence. */
export function encodeEndTxnMarkerBatch(input: EndTxnMarkerBatchInput): Buffer {
  return encodeRecordBatch({
    baseOffset: input.baseOffset,
    partitionLeaderEpoch: input.partitionLeaderEpoch,
    isTransactional: true,
    isControl: true,
    producerId: input.producerId,
    producerEpoch: input.producerEpoch,
    baseSequence: NO_SEQUENCE,
    records: [
      {
        key: encodeControlRecordKey(input.type),
        value: encodeEndTxnMarkerValue(input.coordinatorEpoch),
        timestamp: input.timestamp,
      },
    ],
  });
}
