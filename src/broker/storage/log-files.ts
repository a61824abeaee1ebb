/** Kafka's file names in a partition directory: segments are named by their 20-digit base offset. */
import * as path from 'node:path';

export const LOG_FILE_SUFFIX = '.log';
export const INDEX_FILE_SUFFIX = '.index';
export const TIME_INDEX_FILE_SUFFIX = '.timeindex';
export const SNAPSHOT_FILE_SUFFIX = '.snapshot';
export const TXN_INDEX_FILE_SUFFIX = '.txnindex';
export const DELETED_FILE_SUFFIX = '.deleted';
export const CLEANED_FILE_SUFFIX = '.cleaned';
export const SWAP_FILE_SUFFIX = '.swap';
export const DELETE_DIR_SUFFIX = '-delete';
/** A partition directory the broker will not use (unreadable, or not in the cluster metadata), kept for the user. */
export const STRAY_DIR_SUFFIX = '-stray';

export function filenamePrefixFromOffset(offset: number): string {
  return String(offset).padStart(20, '0');
}

export function logFile(dir: string, offset: number, suffix = ''): string {
  return path.join(dir, filenamePrefixFromOffset(offset) + LOG_FILE_SUFFIX + suffix);
}
export function offsetIndexFile(dir: string, offset: number, suffix = ''): string {
  return path.join(dir, filenamePrefixFromOffset(offset) + INDEX_FILE_SUFFIX + suffix);
}
export function timeIndexFile(dir: string, offset: number, suffix = ''): string {
  return path.join(dir, filenamePrefixFromOffset(offset) + TIME_INDEX_FILE_SUFFIX + suffix);
}

export function txnIndexFile(dir: string, offset: number, suffix = ''): string {
  return path.join(dir, filenamePrefixFromOffset(offset) + TXN_INDEX_FILE_SUFFIX + suffix);
}

/** The base offset in a segment file name, or undefined when the name is not one of ours. */
export function offsetFromFileName(name: string): number | undefined {
  const m = /^(\d{20})\./.exec(name);
  return m ? Number(m[1]) : undefined;
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

export function partitionDirName(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`;
}

/**
 * "<topic>-<partition>.<32 hex>-delete" (or -stray) as Kafka names a directory on its way out, the topic cut short
 * so that the name stays within 255 bytes: a topic name may be 249 characters long.
 */
export function retiredDirName(tp: TopicPartition, uniqueId: string, suffix: string): string {
  const tail = `-${tp.partition}.${uniqueId}${suffix}`;
  const topic = Buffer.from(tp.topic, 'utf8');
  return topic.subarray(0, Math.max(0, Math.min(topic.length, 255 - Buffer.byteLength(tail)))).toString('utf8') + tail;
}

/** Parses "<topic>-<partition>"; the topic itself may contain '-'. */
export function parsePartitionDirName(name: string): TopicPartition | undefined {
  const i = name.lastIndexOf('-');
  if (i <= 0) return undefined;
  const partition = name.slice(i + 1);
  if (!/^\d+$/.test(partition)) return undefined;
  return { topic: name.slice(0, i), partition: Number(partition) };
}

export function tpKey(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`;
}
