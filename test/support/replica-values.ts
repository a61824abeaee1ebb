/** Reading a replica back from its own log, independent of any client: what replication tests compare. */
import type { Cluster } from '../../src/broker/cluster';
import { decodeRecords } from '../../src/broker/records/record-batch';
import { LOG_OVERHEAD } from '../../src/broker/records/batch-header';

/** The values of a node's replica of a partition, in offset order; none when the node has no log of it. */
export function replicaValues(cluster: Cluster, node: number, topic: string, partition = 0): string[] {
  const log = cluster.node(node).logManager.getLog({ topic, partition });
  if (!log) return [];
  const out: string[] = [];
  const { records } = log.read(log.logStartOffset, 1 << 24, 'logEnd');
  let pos = 0;
  while (pos < records.length) {
    const size = records.readInt32BE(pos + 8) + LOG_OVERHEAD;
    for (const r of decodeRecords(records.subarray(pos, pos + size))) out.push(r.value!.toString());
    pos += size;
  }
  return out;
}
