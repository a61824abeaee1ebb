/** Hostile-client tools shared by test/integration/hostile-clients.test.ts and bench/hostile-bench.ts. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { encodeRequestFrame, RawClient } from './raw-client';
import { sizedBatch } from './batches';
import { defaultFetchRequestData } from '../../src/protocol/messages/fetch-request';

/** The resident memory of a process, in MB. */
export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** A Fetch v12 request of one partition from offset 0, up to 10 MB, answered at once. */
export function bigFetchFrame(topic: string, correlationId: number): Buffer {
  return encodeRequestFrame(1, 12, {
    ...defaultFetchRequestData(),
    maxWaitMs: 0,
    minBytes: 1,
    maxBytes: 52428800,
    topics: [{ topic, topicId: '00000000000000000000000000000000', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 10485760, replicaDirectoryId: '00000000000000000000000000000000' }] }],
  }, correlationId);
}

/** Connects and writes `frames` in one write, then never reads. */
export async function pipelineAndIgnore(address: string, frames: Buffer[]): Promise<net.Socket> {
  const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
  const s = net.connect({ host, port });
  await new Promise((r) => s.once('connect', r));
  s.on('error', () => undefined);
  s.pause();
  s.write(Buffer.concat(frames));
  return s;
}

/** Fills a one-partition topic with ~12 MB of 1 MB batches, so that every fetch of it answers 10 MB. */
export async function fillTopic(bootstrap: string, topic: string): Promise<void> {
  const c = await RawClient.connect(bootstrap, { timeoutMs: 30000 });
  try {
    await c.request(19, 5, { topics: [{ name: topic, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 10000, validateOnly: false });
    for (let i = 0; i < 12; i++) {
      const r = await c.request(0, 9, { transactionalId: null, acks: 1, timeoutMs: 10000, topicData: [{ name: topic, partitionData: [{ index: 0, records: sizedBatch(1_000_000) }] }] });
      assert.equal(r.responses[0].partitionResponses[0].errorCode, 0);
    }
  } finally {
    c.close();
  }
}
