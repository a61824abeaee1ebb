/**
 * What a `.kafka` CONSUME reads. `from=-N` means what a user reads it as: the newest N records of the topic (or of
 * the one partition named), across partitions by timestamp, and `max` keeps the newest of those; the other starting
 * points read up to `max` records from each partition.
 */
import type { ConsumeResult } from '../broker/api';
import type { ConsumeSpec } from './kafka-file';

/** The part of the broker API a CONSUME needs. */
interface ConsumeSource {
  describeTopic(topic: string): Promise<{ partitions: Array<{ partition: number }> }>;
  consume(request: { topic: string; partition: number; from: ConsumeSpec['from']; maxRecords?: number }): Promise<ConsumeResult>;
}

/** Control batches (transaction markers) take offsets but are not records: the tail is read again from further back. */
const TAIL_ATTEMPTS = 4;

export async function readConsume(source: ConsumeSource, spec: ConsumeSpec): Promise<ConsumeResult[]> {
  const partitions = spec.partition !== undefined ? [spec.partition] : (await source.describeTopic(spec.topic)).partitions.map((p) => p.partition);
  if (spec.from.kind !== 'fromEnd') {
    const out: ConsumeResult[] = [];
    for (const partition of partitions) out.push(await source.consume({ topic: spec.topic, partition, from: spec.from, maxRecords: spec.max }));
    return out;
  }
  const wanted = Math.min(spec.from.count, spec.max);
  const results: ConsumeResult[] = [];
  for (const partition of partitions) results.push(await tail(source, spec.topic, partition, wanted));
  return keepNewest(results, wanted);
}

/** The last `n` records of one partition (fewer only when the partition holds fewer). */
async function tail(source: ConsumeSource, topic: string, partition: number, n: number): Promise<ConsumeResult> {
  let back = n;
  let r = await source.consume({ topic, partition, from: { kind: 'fromEnd', count: back }, maxRecords: back });
  for (let i = 1; i < TAIL_ATTEMPTS && r.records.length < n && r.startOffset > r.logStartOffset; i++) {
    back *= 2;
    r = await source.consume({ topic, partition, from: { kind: 'fromEnd', count: back }, maxRecords: back });
  }
  return { ...r, records: r.records.slice(-n) };
}

/** Keeps the `n` newest records over all partitions (by timestamp, then partition and offset), each partition's in order. */
function keepNewest(results: ConsumeResult[], n: number): ConsumeResult[] {
  const all = results.flatMap((r) => r.records);
  all.sort((a, b) => a.timestamp - b.timestamp || a.partition - b.partition || a.offset - b.offset);
  const kept = new Set(all.slice(Math.max(0, all.length - n)));
  return results.map((r) => ({ ...r, records: r.records.filter((rec) => kept.has(rec)) }));
}
