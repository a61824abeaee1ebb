/**
 * ListOffsets on an external cluster: where each partition's log starts and ends, or its first offset at a time.
 * Admin.listOffsets serves ordinary topics; for internal ones it cannot find the leaders (it keeps them where its
 * metadata left internal topics out), so those are asked of each leader directly.
 */
import type { Admin } from '@platformatic/kafka';
import { call } from './external-cluster-errors';
import { MetadataReader, isInternal } from './external-cluster-metadata';
import type { DirectRequests } from './external-cluster-requests';

/** ListOffsets' special timestamps. */
const EARLIEST = -2n;
const LATEST = -1n;

/** Partition → offset. */
type PartitionOffsets = Map<number, number>;

export class OffsetReader {
  constructor(
    private readonly admin: Admin,
    private readonly metadata: MetadataReader,
    private readonly requests: DirectRequests,
  ) {}

  /** The offset at `timestamp` (or -2 for the log start, -1 for the high watermark) of some partitions of one topic. */
  async offsets(topic: string, partitions: number[], timestamp: bigint): Promise<PartitionOffsets> {
    if (!partitions.length) return new Map();
    if (isInternal(topic)) return this.fromLeaders(topic, partitions, timestamp);
    const r = await call(() => this.admin.listOffsets({ topics: [{ name: topic, partitions: partitions.map((p) => ({ partitionIndex: p, timestamp })) }] }));
    return new Map(r.flatMap((t) => t.partitions.map((p) => [p.partitionIndex, Number(p.offset)] as [number, number])));
  }

  /** Each partition's log start offset and its high watermark (a client sees no further). */
  async startAndEnd(topic: string, partitions: number[]): Promise<{ start: PartitionOffsets; end: PartitionOffsets }> {
    const [start, end] = await Promise.all([this.offsets(topic, partitions, EARLIEST), this.offsets(topic, partitions, LATEST)]);
    return { start, end };
  }

  private async fromLeaders(topic: string, partitions: number[], timestamp: bigint): Promise<PartitionOffsets> {
    const { topic: t, brokers } = await this.metadata.topic(topic);
    const byLeader = new Map<number, number[]>();
    for (const p of partitions) {
      const leader = t.partitions[p]?.leader ?? -1;
      byLeader.set(leader, [...(byLeader.get(leader) ?? []), p]);
    }
    const out: PartitionOffsets = new Map();
    await Promise.all(
      [...byLeader].map(async ([leader, ps]) => {
        const node = brokers.get(leader);
        if (!node) return;
        const r = await this.requests.listOffsets(node, topic, ps, timestamp);
        for (const tp of r.topics) for (const p of tp.partitions) if (p.errorCode === 0) out.set(p.partitionIndex, Number(p.offset));
      }),
    );
    return out;
  }
}
