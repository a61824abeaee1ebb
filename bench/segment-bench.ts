/**
 * Segment inspector benchmark (issue 7): writes one 1 GB segment with the storage layer (Log.appendAsLeader, 16 KB
 * batches of 16 x 1 KB records, Kafka's default index.interval.bytes), then times what the inspector asks for:
 * the first page of the dump, a page in the middle (its position found through the offset index), the last page,
 * and one batch's bytes for the hex view. Goal: a page of a 1 GB segment in well under a second, because only the
 * page's batches are read.
 * Run: npm run bench -- segment      (BENCH_SEGMENT_MB=1024 by default; BENCH_DROP_CACHES=1, as root, also times
 * the first and middle pages with a cold page cache; record the figures in bench/RESULTS.md)
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Log } from '../src/broker/storage/log';
import { defaultLogConfig } from '../src/broker/config/topic-config';
import { encodeRecordBatch } from '../src/broker/records/record-batch';
import { dumpSegment, positionOfOffset, readBatchBytes } from '../src/broker/segment-dump';

const MB = 1024 * 1024;
const SEGMENT_MB = Number(process.env.BENCH_SEGMENT_MB ?? 1024);
const ROUNDS = 5;

function makeBatch(): Buffer {
  const value = Buffer.alloc(1000);
  for (let i = 0; i < value.length; i++) value[i] = 32 + ((i * 31) % 90);
  return encodeRecordBatch({ records: Array.from({ length: 16 }, (_, i) => ({ key: Buffer.from(`key-${i}`), value, timestamp: Date.now() })) });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, value };
}

async function rounds<T>(fn: () => Promise<T>): Promise<{ ms: number; all: number[]; value: T }> {
  const all: number[] = [];
  let value!: T;
  for (let i = 0; i < ROUNDS; i++) {
    const r = await timed(fn);
    all.push(r.ms);
    value = r.value;
  }
  return { ms: median(all), all, value };
}

const fmt = (r: { ms: number; all: number[] }) => `${r.ms.toFixed(1)} ms   (${r.all.map((x) => x.toFixed(1)).join(', ')})`;

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-segbench-'));
  try {
    const logDir = path.join(dir, 'node-0', 'bench-0');
    const log = Log.open(logDir, { topic: 'bench', partition: 0 }, defaultLogConfig({ 'segment.bytes': String(Math.min(SEGMENT_MB * MB + MB, 2 ** 31 - 1)) }));
    const batch = makeBatch();
    const count = Math.floor((SEGMENT_MB * MB) / batch.length);
    const w = await timed(async () => {
      for (let i = 0; i < count; i++) log.appendAsLeader(batch, 0);
    });
    const lastOffset = log.logEndOffset - 1;
    log.close();
    const file = path.join(logDir, '00000000000000000000.log');
    const size = fs.statSync(file).size;
    const indexSize = fs.statSync(path.join(logDir, '00000000000000000000.index')).size;
    console.log(`segment: ${(size / MB).toFixed(0)} MB in ${count} batches of ${batch.length} bytes, offsets 0-${lastOffset}, .index ${indexSize} bytes (written in ${(w.ms / 1000).toFixed(1)} s)`);
    console.log(`a page: at most 500 batches, 8 MB, 2000 records (the inspector asks for 500 batches); ${ROUNDS} rounds, median:`);

    const first = await rounds(() => dumpSegment(file, { maxBatches: 500 }));
    const json = JSON.stringify(first.value).length;
    console.log(`  first page:                 ${fmt(first)}  -> ${first.value.batches.length} batches, ${first.value.offsetIndex.length} index entries, ${(json / MB).toFixed(1)} MB as JSON`);

    const midOffset = Math.floor(lastOffset / 2);
    const lookup = await rounds(() => positionOfOffset(file, midOffset));
    console.log(`  find offset ${midOffset} (index): ${fmt(lookup)}  -> position ${lookup.value}`);
    const middle = await rounds(async () => dumpSegment(file, { fromPosition: await positionOfOffset(file, midOffset), maxBatches: 500 }));
    console.log(`  middle page (lookup + page): ${fmt(middle)}  -> first batch ${middle.value.batches[0].baseOffset}-${middle.value.batches[0].lastOffset} at ${middle.value.batches[0].position}`);
    const next = await rounds(() => dumpSegment(file, { fromPosition: middle.value.nextPosition, maxBatches: 500 }));
    console.log(`  next page ("Load more"):    ${fmt(next)}`);
    const lastPosition = await positionOfOffset(file, lastOffset);
    const last = await rounds(() => dumpSegment(file, { fromPosition: lastPosition, maxBatches: 500 }));
    console.log(`  last page:                  ${fmt(last)}  -> ${last.value.batches.length} batch(es), end of segment: ${last.value.nextPosition === undefined}`);
    const odd = await rounds(() => dumpSegment(file, { fromPosition: Math.floor(size / 3), maxBatches: 500 }));
    console.log(`  page from a position inside a batch (resolved through the index): ${fmt(odd)}`);
    const hex = await rounds(() => readBatchBytes(file, middle.value.batches[0].position, 4096));
    console.log(`  one batch's bytes (hex view): ${fmt(hex)}`);
    let cold: number[] = [];
    if (process.env.BENCH_DROP_CACHES === '1') {
      // Cold reads: the page cache dropped before each (needs root; the file was just written, so it is all cached).
      const drop = () => {
        fs.writeFileSync('/proc/sys/vm/drop_caches', '1');
      };
      drop();
      const c1 = await timed(() => dumpSegment(file, { maxBatches: 500 }));
      drop();
      const c2 = await timed(async () => dumpSegment(file, { fromPosition: await positionOfOffset(file, midOffset), maxBatches: 500 }));
      cold = [c1.ms, c2.ms];
      console.log(`  cold page cache: first page ${c1.ms.toFixed(1)} ms, middle page (lookup + page) ${c2.ms.toFixed(1)} ms`);
    }
    const ok = [first, middle, next, last, odd].every((r) => r.ms < 1000) && cold.every((ms) => ms < 1000);
    console.log(`goal: a page of a ${(size / MB).toFixed(0)} MB segment in < 1000 ms: ${ok ? 'met' : 'NOT met'}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
