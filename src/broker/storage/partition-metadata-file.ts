/** `partition.metadata`: the topic id of the partition directory, so a recreated topic is never confused with the old one. */
import * as path from 'node:path';
import { io, writeFileAtomic } from './file-io';

const PARTITION_METADATA_FILE = 'partition.metadata';

/**
 * Written without fsyncs (still by rename, so never torn): a file lost in a crash is written again from the cluster
 * metadata when the log opens, and creating a 1,000-partition topic would otherwise wait for 2,000 fsyncs.
 */
export function writePartitionMetadata(dir: string, topicId: string): void {
  writeFileAtomic(path.join(dir, PARTITION_METADATA_FILE), `version: 0\ntopic_id: ${topicId}\n`, { durable: false });
}

export function readPartitionMetadata(dir: string): string | undefined {
  const file = path.join(dir, PARTITION_METADATA_FILE);
  if (!io.existsSync(file)) return undefined;
  const text = io.readFileSync(file, 'utf8') as string;
  const m = /topic_id:\s*(\S+)/.exec(text);
  return m ? m[1] : undefined;
}
