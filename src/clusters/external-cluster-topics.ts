/**
 * An external cluster's topics as kafka-topics lists, describes, creates, grows and deletes them. A client sees
 * leaders, replicas and the ISR, and the offsets a consumer could read; no segment files, sizes or log directories,
 * which stay empty.
 */
import type { Admin } from '@platformatic/kafka';
import type { CreateTopicRequest, PartitionDescription, TopicDescription, TopicSummary } from '../broker/api';
import { call } from './external-cluster-errors';
import type { TopicConfigs } from './external-cluster-configs';
import { MetadataReader, isInternal, unknownTopic } from './external-cluster-metadata';
import type { OffsetReader } from './external-cluster-offsets';

export class Topics {
  constructor(
    private readonly admin: Admin,
    private readonly metadata: MetadataReader,
    private readonly offsets: OffsetReader,
    private readonly configs: TopicConfigs,
  ) {}

  async listTopics(): Promise<TopicSummary[]> {
    const m = await this.metadata.everyTopic();
    const live = new Set(m.brokers.keys());
    return [...m.topics]
      .map(([name, t]) => ({
        name,
        topicId: t.id,
        partitions: t.partitionsCount,
        replicationFactor: t.partitions[0]?.replicas.length ?? 0,
        underReplicated: t.partitions.filter((p) => p.isr.length < p.replicas.length).length,
        offline: t.partitions.filter((p) => p.leader < 0 || !live.has(p.leader)).length,
        internal: isInternal(name),
      }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async describeTopic(topic: string): Promise<TopicDescription> {
    const { topic: t } = await this.metadata.topic(topic);
    const ids = t.partitions.map((_, i) => i);
    const [{ start, end }, configs] = await Promise.all([this.offsets.startAndEnd(topic, ids), this.configs.getTopicConfigs(topic)]);
    const partitions: PartitionDescription[] = t.partitions.map((p, i) => ({
      partition: i,
      leader: p.leader,
      leaderEpoch: p.leaderEpoch,
      replicas: p.replicas,
      isr: p.isr,
      logStartOffset: start.get(i) ?? -1,
      highWatermark: end.get(i) ?? -1,
      // A client sees the high watermark, not the leader's log end.
      logEndOffset: end.get(i) ?? -1,
      size: -1,
      dir: '',
      segments: [],
      otherFiles: [],
    }));
    const overrides = Object.fromEntries(configs.filter((c) => c.source === 'DYNAMIC_TOPIC_CONFIG' && c.value !== null).map((c) => [c.name, c.value as string]));
    return { name: topic, topicId: t.id, internal: isInternal(topic), configs: overrides, partitions };
  }

  async createTopic(request: CreateTopicRequest): Promise<TopicSummary> {
    const created = await call(() =>
      this.admin.createTopics({
        topics: [request.name],
        // -1: the cluster's num.partitions and default.replication.factor.
        partitions: request.partitions ?? -1,
        replicas: request.replicationFactor ?? -1,
        configs: Object.entries(request.configs ?? {}).map(([name, value]) => ({ name, value })),
      }),
    );
    const c = created[0];
    return { name: request.name, topicId: c?.id ?? '', partitions: c?.partitions ?? 0, replicationFactor: c?.replicas ?? 0, underReplicated: 0, offline: 0, internal: false };
  }

  async deleteTopic(topic: string): Promise<void> {
    await call(() => this.admin.deleteTopics({ topics: [topic] }));
  }

  async addPartitions(topic: string, totalCount: number): Promise<TopicSummary> {
    await call(() => this.admin.createPartitions({ topics: [{ name: topic, count: totalCount, assignments: null }] }));
    const found = (await this.listTopics()).find((t) => t.name === topic);
    if (!found) throw unknownTopic(topic);
    return found;
  }
}
