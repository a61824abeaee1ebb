/**
 * The records of __transaction_state in Kafka's format: key = int16 version (0) + TransactionLogKey; value = int16
 * version + TransactionLogValue, or null (a tombstone) once a transactional id expires. The value is written at
 * version 1 (flexible, with the previous and next producer ids and the client's transaction version as tagged
 * fields) once transaction.version 1 or above is finalized, as Kafka 4.0 writes it, else at version 0, which brokers
 * before 4.0 read. The status byte is Kafka's TransactionState id.
 */
import { Reader, Writer } from '../../../protocol/codec';
import { encodeTransactionLogKey, decodeTransactionLogKey } from '../../../protocol/messages/records/transaction-log-key';
import { encodeTransactionLogValue, decodeTransactionLogValue, type TransactionLogValueData } from '../../../protocol/messages/records/transaction-log-value';

export const TRANSACTION_STATE_TOPIC = '__transaction_state';

export type TxnState = 'Empty' | 'Ongoing' | 'PrepareCommit' | 'PrepareAbort' | 'CompleteCommit' | 'CompleteAbort' | 'Dead' | 'PrepareEpochFence';

/** Kafka's TransactionState ids, as stored in TransactionStatus. */
export const TXN_STATE_IDS: Readonly<Record<TxnState, number>> = {
  Empty: 0,
  Ongoing: 1,
  PrepareCommit: 2,
  PrepareAbort: 3,
  CompleteCommit: 4,
  CompleteAbort: 5,
  Dead: 6,
  PrepareEpochFence: 7,
};

const STATE_BY_ID = new Map<number, TxnState>(Object.entries(TXN_STATE_IDS).map(([k, v]) => [v, k as TxnState]));

export function txnStateOf(id: number): TxnState {
  const s = STATE_BY_ID.get(id);
  if (!s) throw new Error(`unknown transaction status ${id}`);
  return s;
}

const KEY_VERSION = 0;

export function transactionLogKey(transactionalId: string): Buffer {
  const w = new Writer(64, Number.MAX_SAFE_INTEGER);
  w.int16(KEY_VERSION);
  encodeTransactionLogKey(w, KEY_VERSION, { transactionalId });
  return w.toBuffer();
}

/** Kafka's TransactionVersion.transactionLogValueVersion. */
export function transactionLogValueVersion(transactionVersion: number): number {
  return transactionVersion >= 1 ? 1 : 0;
}

export function transactionLogValue(v: TransactionLogValueData, version = 0): Buffer {
  const w = new Writer(128, Number.MAX_SAFE_INTEGER);
  w.int16(version);
  // Version 0 has no tagged fields: what only version 1 carries is left out rather than refused.
  encodeTransactionLogValue(w, version, version >= 1 ? v : { ...v, previousProducerId: -1, nextProducerId: -1, clientTransactionVersion: 0 });
  return w.toBuffer();
}

export function decodeTransactionLogRecord(key: Buffer, value: Buffer | null): { transactionalId: string; value: TransactionLogValueData | null } {
  const kr = new Reader(key);
  const keyVersion = kr.int16();
  if (keyVersion !== KEY_VERSION) throw new Error(`unknown __transaction_state key version ${keyVersion}`);
  const { transactionalId } = decodeTransactionLogKey(kr, keyVersion);
  if (!value) return { transactionalId, value: null };
  const vr = new Reader(value);
  return { transactionalId, value: decodeTransactionLogValue(vr, vr.int16()) };
}
