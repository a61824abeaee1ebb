/**
 * An external cluster's metadata: its brokers, its topics and where their partitions' leaders and replicas are.
 * Admin.metadata answers all of it but internal topics (__consumer_offsets, __transaction_state), which it leaves
 * out; those are asked for with a Metadata request of our own, so that the tree shows them as it does for the
 * embedded broker.
 */
import type { Admin, ClusterMetadata, ClusterTopicMetadata } from '@platformatic/kafka';
import { ErrorCode, KafkaError } from '../broker/errors';
import { call } from './external-cluster-errors';
import type { DirectRequests } from './external-cluster-requests';

export function isInternal(name: string): boolean {
  return name.startsWith('__');
}

/** A topic's metadata and the brokers of the same answer (where its leaders listen). */
interface TopicMetadata {
  topic: ClusterTopicMetadata;
  brokers: ClusterMetadata['brokers'];
}

export class MetadataReader {
  constructor(
    private readonly admin: Admin,
    private readonly requests: DirectRequests,
  ) {}

  /** Every topic's name, internal ones included. */
  topicNames(): Promise<string[]> {
    return call(() => this.admin.listTopics({ includeInternals: true }));
  }

  /** Metadata of every topic: named one by one, since Metadata for no topic answers none. */
  async everyTopic(): Promise<ClusterMetadata> {
    return this.metadata(await this.topicNames());
  }

  async metadata(topics: string[]): Promise<ClusterMetadata> {
    // A copy: the library sorts the list it is given.
    const m = await call(() => this.admin.metadata({ topics: [...topics], forceUpdate: true }));
    // The library answers from its cache, where a topic the response left out is undefined.
    const found = new Map([...m.topics].filter(([, t]) => t !== undefined));
    const missing = topics.filter((t) => !found.has(t) && isInternal(t));
    if (missing.length) for (const [name, t] of await this.internalTopics(m.brokers, missing)) found.set(name, t);
    return { ...m, topics: found };
  }

  /** One topic's metadata; UNKNOWN_TOPIC_OR_PARTITION if the cluster has no such topic. */
  async topic(name: string): Promise<TopicMetadata> {
    const all = await this.topicNames();
    if (!all.includes(name)) throw await this.whyMissing(name);
    const m = await this.metadata([name]);
    const t = m.topics.get(name);
    if (!t) throw unknownTopic(name);
    return { topic: t, brokers: m.brokers };
  }

  /**
   * Why a topic is not in the list: with an authorizer, the list leaves out what the principal may not describe,
   * and asking for the topic by name says so (TOPIC_AUTHORIZATION_FAILED, as Kafka's tools report it).
   */
  private async whyMissing(name: string): Promise<KafkaError> {
    const refused = new KafkaError('TOPIC_AUTHORIZATION_FAILED', `Not authorized to access topics: [${name}]`);
    try {
      const brokers = (await call(() => this.admin.metadata({ topics: [], forceUpdate: false }))).brokers;
      const node = [...brokers.values()][0];
      // The library throws a topic's error code as an error; an answer without one is looked at too.
      const r = node ? await this.requests.metadata(node, [name]) : undefined;
      if (r?.topics.some((t) => t.errorCode === ErrorCode.TOPIC_AUTHORIZATION_FAILED)) return refused;
    } catch (e) {
      if (e instanceof KafkaError && e.errorName === 'TOPIC_AUTHORIZATION_FAILED') return refused;
      // Otherwise asking was only to tell a refusal from absence: absence it is.
    }
    return unknownTopic(name);
  }

  private async internalTopics(brokers: ClusterMetadata['brokers'], names: string[]): Promise<Map<string, ClusterTopicMetadata>> {
    const node = [...brokers.values()][0];
    if (!node) return new Map();
    const r = await this.requests.metadata(node, names);
    const out = new Map<string, ClusterTopicMetadata>();
    for (const t of r.topics) {
      if (t.errorCode !== 0 || !t.name) continue;
      const partitions = [...t.partitions]
        .sort((a, b) => a.partitionIndex - b.partitionIndex)
        .map((p) => ({ leader: p.leaderId, leaderEpoch: p.leaderEpoch, replicas: p.replicaNodes, isr: p.isrNodes, offlineReplicas: p.offlineReplicas }));
      out.set(t.name, { id: t.topicId, partitions, partitionsCount: partitions.length, lastUpdate: Date.now() });
    }
    return out;
  }
}

export function unknownTopic(name: string): KafkaError {
  return new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Topic '${name}' does not exist.`);
}
