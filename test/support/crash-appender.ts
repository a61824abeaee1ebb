/**
 * A broker process for the crash test: opens the cluster in DATA_DIR and appends one-record batches
 * "v<n>" to crash-0 forever, printing "ack <offset> <n>" after each append returns. The test kills it with SIGKILL.
 */
import { Cluster } from '../../src/broker/cluster';
import { textBatch } from './batches';

const dataDir = process.argv[2];
const cluster = new Cluster({
  dataDir,
  nodes: 1,
  config: { 'log.segment.bytes': '4096', 'log.flush.offset.checkpoint.interval.ms': '50' },
});
if (!cluster.metadata.topic('crash')) cluster.createTopic('crash', 1, 1);
const log = cluster.leaderLog('crash', 0);
let n = log.logEndOffset;
const out: string[] = [];
function burst(): void {
  for (let i = 0; i < 50; i++, n++) {
    const info = cluster.append('crash', 0, textBatch([`v${n}`]));
    out.push(`ack ${info.firstOffset} ${n}`);
  }
  process.stdout.write(out.join('\n') + '\n');
  out.length = 0;
  setImmediate(burst);
}
process.stdout.write(`ready ${n}\n`);
burst();
