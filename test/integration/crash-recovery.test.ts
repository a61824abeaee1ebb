import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Cluster } from '../../src/broker/cluster';
import { decodeRecords } from '../../src/broker/records/record-batch';
import { LOG_OVERHEAD } from '../../src/broker/records/batch-header';
import { MemoryLogger } from '../../src/broker/logger';
import { tmpDir, rm } from '../support/tmp';

/** Runs the appender until it has acknowledged at least `minAcks` appends, then SIGKILLs it. */
function runAndKill(dataDir: string, minAcks: number): Promise<Array<{ offset: number; n: number }>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, '..', 'support', 'crash-appender.js'), dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    const acks: Array<{ offset: number; n: number }> = [];
    let buf = '';
    let killed = false;
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const l of lines) {
        const m = /^ack (\d+) (\d+)$/.exec(l);
        if (m) acks.push({ offset: Number(m[1]), n: Number(m[2]) });
      }
      if (!killed && acks.length >= minAcks) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`appender exited by itself: code ${code}`));
      else resolve(acks);
    });
  });
}

function readValues(cluster: Cluster): Array<{ offset: number; value: string }> {
  const log = cluster.leaderLog('crash', 0);
  const out: Array<{ offset: number; value: string }> = [];
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const { records } = log.read(offset, 1 << 20, 'logEnd');
    let pos = 0;
    while (pos < records.length) {
      const size = records.readInt32BE(pos + 8) + LOG_OVERHEAD;
      for (const r of decodeRecords(records.subarray(pos, pos + size))) {
        out.push({ offset: r.offset, value: r.value!.toString() });
        offset = r.offset + 1;
      }
      pos += size;
    }
  }
  return out;
}

describe('crash recovery (SIGKILL while appending)', function () {
  this.timeout(120000);
  let dir: string;
  before(() => (dir = tmpDir()));
  after(() => rm(dir));

  it('keeps every acknowledged append, in order, exactly once, across three kills', async () => {
    const acked: Array<{ offset: number; n: number }> = [];
    for (let round = 0; round < 3; round++) {
      acked.push(...(await runAndKill(dir, 3000)));
      const logger = new MemoryLogger();
      const cluster = new Cluster({ dataDir: dir, nodes: 1, logger });
      try {
        assert.ok(logger.lines.some((l) => /unclean shutdown/.test(l)), 'the restart knows the last stop was not clean');
        const values = readValues(cluster);
        // Offsets are dense and values are v0, v1, ... in order: nothing lost, duplicated or reordered.
        values.forEach((v, i) => {
          assert.equal(v.offset, i);
          assert.equal(v.value, `v${i}`);
        });
        for (const a of acked) {
          assert.ok(a.offset < values.length, `acknowledged offset ${a.offset} survived`);
          assert.equal(values[a.offset].value, `v${a.n}`);
        }
        const segments = fs.readdirSync(path.join(dir, 'node-0', 'crash-0')).filter((f) => f.endsWith('.log'));
        assert.ok(segments.length > 1, 'the test spans several segments, so recovery starts from a recovery point');
      } finally {
        cluster.shutdown();
      }
    }
    assert.ok(acked.length >= 9000);
  });
});
