// DescribeLogDirs v0-4: the log directory of the node that receives the request (each virtual node has its own),
// with the size of every partition replica it holds (all of them, or those the request names), offset lag and
// no future replicas; v4 adds the volume's total and usable bytes.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defineHandler } from '../handler';
import { ErrorCode } from '../../../broker/errors';
import type { DescribeLogDirsTopic, DescribeLogDirsResult } from '../../messages/describe-log-dirs-response';
import { AclOperation, authorizeCluster } from '../authorize';

function volumeBytes(dir: string): { totalBytes: number; usableBytes: number } {
  try {
    const s = fs.statfsSync(dir);
    return { totalBytes: s.blocks * s.bsize, usableBytes: s.bavail * s.bsize };
  } catch {
    return { totalBytes: -1, usableBytes: -1 };
  }
}

export default defineHandler({
  apiKey: 35,
  minVersion: 0,
  maxVersion: 4,
  handle(ctx, req) {
    // Kafka answers no log dir at all (v0-2 carry no error code: just an empty answer).
    if (!authorizeCluster(ctx, AclOperation.DESCRIBE)) return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, results: [] };
    const node = ctx.cluster.node(ctx.nodeId);
    const wanted = req.topics === null ? undefined : new Map(req.topics.map((t) => [t.topic, new Set(t.partitions)]));
    const byTopic = new Map<string, DescribeLogDirsTopic>();
    for (const log of node.logManager.allLogs()) {
      const { topic, partition } = log.tp;
      if (wanted && !wanted.get(topic)?.has(partition)) continue;
      let t = byTopic.get(topic);
      if (!t) byTopic.set(topic, (t = { name: topic, partitions: [] }));
      t.partitions.push({ partitionIndex: partition, partitionSize: log.size, offsetLag: Math.max(log.highWatermark - log.logEndOffset, 0), isFutureKey: false });
    }
    const topics = [...byTopic.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const t of topics) t.partitions.sort((a, b) => a.partitionIndex - b.partitionIndex);
    const logDir = path.resolve(node.logManager.logDir);
    const result: DescribeLogDirsResult = { errorCode: ErrorCode.NONE, logDir, topics, totalBytes: -1, usableBytes: -1 };
    if (ctx.apiVersion >= 4) Object.assign(result, volumeBytes(logDir));
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, results: [result] };
  },
});
