/**
 * `_schemas`, the topic Confluent's Schema Registry keeps everything in (its `kafkastore.topic`): one partition,
 * compacted, replicated (Confluent's default factor of 3, at most the nodes up), written with acks=all through the
 * partition's leader, and read back from the leader when the registry starts. The records are Confluent's own keys
 * and values, so that the topic means to other tools what Confluent's `_schemas` means.
 */
import { ClusterInternalTopic, type InternalTopicHost } from '../coordinator/internal-topic';

export const SCHEMAS_TOPIC = '_schemas';

interface SchemasTopicRecord {
  key: Buffer;
  value: Buffer | null;
}

export class ClusterSchemasTopic extends ClusterInternalTopic {
  constructor(cluster: InternalTopicHost) {
    super(cluster, {
      name: SCHEMAS_TOPIC,
      partitionsConfig: 1,
      replicationConfig: 3,
      internal: false,
      configs: () => ({}),
    });
  }

  /** Appends the records as one batch, in order; resolves once every in-sync replica has them. */
  async write(records: SchemasTopicRecord[]): Promise<void> {
    await this.append(0, records);
  }

  /** Every record of the topic, oldest first (tombstones included: a hard delete is one). */
  *records(): Iterable<SchemasTopicRecord> {
    for (const r of this.read(0)) if (r.control === undefined) yield { key: r.key, value: r.value };
  }
}
