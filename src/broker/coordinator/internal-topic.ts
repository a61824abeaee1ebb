/**
 * An internal topic a coordinator keeps its records in (__consumer_offsets, __transaction_state): created on first
 * need with its broker-configured partition count, compacted, written through the partition leaders with acks=all
 * (Kafka's coordinators write so, with a 5 s timeout) and read back from the leaders when the coordinator loads.
 */
import type { ClusterState } from '../cluster-state';
import type { TopicState } from '../metadata/metadata-store';
import type { LogAppendInfo } from '../storage/log';
import { encodeRecordBatch, decodeRecords, type EncodeBatchInput } from '../records/record-batch';
import { LOG_OVERHEAD, readBatchHeader, isControl, isTransactional } from '../records/batch-header';
import { ControlRecordType, decodeControlRecordType } from '../records/control-record';
import type { OffsetsTopicRecordIn } from './group/group-context';
import type { AppendOrigin } from '../replication/replica-manager';

interface InternalTopicSpec {
  name: string;
  /**
   * Its partition count and replication factor: the broker configs that set them, or the numbers themselves (the
   * schema registry's `_schemas` has one partition and Confluent's default factor of 3, which no broker config sets).
   */
  partitionsConfig: string | number;
  replicationConfig: string | number;
  configs: (replicationFactor: number) => Record<string, string>;
  /** Kafka's internal topics (__consumer_offsets, __transaction_state); `_schemas` is an ordinary topic. Default true. */
  internal?: boolean;
}

/** What an internal topic needs of the cluster: to create itself, and to write through its partitions' leaders. */
export interface InternalTopicHost extends ClusterState {
  createTopic(name: string, numPartitions?: number, replicationFactor?: number, configs?: Record<string, string>, opts?: { internal?: boolean }): TopicState;
  produce(topic: string, partition: number, records: Buffer, acks: number, timeoutMs: number, origin?: AppendOrigin): Promise<LogAppendInfo>;
}

export class ClusterInternalTopic {
  readonly numPartitions: number;

  constructor(
    protected readonly cluster: InternalTopicHost,
    private readonly spec: InternalTopicSpec,
  ) {
    const existing = cluster.metadata.topic(spec.name);
    this.numPartitions = existing ? existing.partitions.length : this.setting(spec.partitionsConfig);
  }

  private setting(s: string | number): number {
    return typeof s === 'number' ? s : this.cluster.brokerConfig.get<number>(s);
  }

  exists(): boolean {
    return this.cluster.metadata.topic(this.spec.name) !== undefined;
  }

  /** Creates the topic if it does not exist yet. */
  ensure(): void {
    if (this.exists()) return;
    // At most the nodes up: one stopped while the topic is first needed gets no replica of it (Kafka places replicas
    // on unfenced brokers only); Tributary lowers the factor rather than leave the coordinator unavailable.
    const rf = Math.min(this.setting(this.spec.replicationConfig), Math.max(1, this.cluster.nodes.filter((n) => n.up).length));
    this.cluster.createTopic(this.spec.name, this.numPartitions, rf, { 'cleanup.policy': 'compact', 'segment.bytes': '104857600', ...this.spec.configs(rf) }, { internal: this.spec.internal ?? true });
  }

  /** The node leading the partition, or -1 when none is up. */
  leaderOf(partition: number): number {
    const p = this.cluster.metadata.topic(this.spec.name)?.partitions[partition];
    if (!p) return -1;
    return this.cluster.nodes.find((n) => n.id === p.leader)?.up ? p.leader : -1;
  }

  leaderEpochOf(partition: number): number {
    return this.cluster.metadata.topic(this.spec.name)?.partitions[partition]?.leaderEpoch ?? 0;
  }

  async append(partition: number, records: OffsetsTopicRecordIn[]): Promise<void> {
    await this.appendBatch(partition, records, {}, 'client');
  }

  /**
   * One batch of the records with `batch`'s producer fields and flags. A transactional batch without a sequence is
   * not what a client may send, so it is appended as the coordinator's.
   */
  protected async appendBatch(partition: number, records: OffsetsTopicRecordIn[], batch: Omit<EncodeBatchInput, 'records'>, origin: AppendOrigin): Promise<void> {
    this.ensure();
    const now = Date.now();
    const encoded = encodeRecordBatch({ ...batch, records: records.map((r) => ({ key: r.key, value: r.value, timestamp: now })) });
    await this.cluster.produce(this.spec.name, partition, encoded, -1, 5000, origin);
  }

  /**
   * Every record of the partition, oldest first, read from its leader: data records with the producer of their batch
   * when it is transactional, and each COMMIT or ABORT marker as a record with `control` set.
   */
  *read(partition: number): Iterable<OffsetsTopicRecordIn> {
    if (!this.exists()) return;
    const log = this.cluster.leaderLog(this.spec.name, partition);
    let offset = log.logStartOffset;
    while (offset < log.logEndOffset) {
      const { records } = log.read(offset, 1 << 20, 'logEnd');
      if (records.length === 0) break;
      let pos = 0;
      while (pos + LOG_OVERHEAD <= records.length) {
        const h = readBatchHeader(records, pos);
        const size = h.batchLength + LOG_OVERHEAD;
        const batch = records.subarray(pos, pos + size);
        offset = h.baseOffset + h.lastOffsetDelta + 1;
        pos += size;
        if (isControl(h.attributes)) {
          for (const r of decodeRecords(batch)) {
            const type = decodeControlRecordType(r.key);
            if (type === ControlRecordType.Commit || type === ControlRecordType.Abort) {
              yield { key: Buffer.alloc(0), value: null, producerId: h.producerId, control: type === ControlRecordType.Commit ? 'commit' : 'abort' };
            }
          }
          continue;
        }
        const producerId = isTransactional(h.attributes) ? h.producerId : undefined;
        for (const r of decodeRecords(batch)) if (r.key) yield { key: r.key, value: r.value, producerId };
      }
    }
  }
}
