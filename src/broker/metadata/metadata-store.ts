/**
 * The cluster's metadata (what KRaft keeps in __cluster_metadata): topics with their ids, partitions, replica
 * assignment, leaders, ISR and config overrides. Persisted as one JSON document, replaced atomically on each change,
 * so a restart finds every topic with its configs.
 */
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { io, writeFileAtomic } from '../storage/file-io';
import { KafkaError } from '../errors';
import { validateTopicName } from '../config/topic-name';
import { parseTopicConfigs } from '../config/topic-config';
import { randomKafkaId } from '../storage/meta-properties';
import type { AclStore, StoredAcl } from '../security/standard-authorizer';
import type { StoredClientQuota } from '../quota/client-quota-entity';
import { defaultFinalizedLevels } from './features';

export const METADATA_FILE = 'cluster-metadata.json';

export interface PartitionState {
  partition: number;
  replicas: number[];
  leader: number;
  leaderEpoch: number;
  isr: number[];
  /**
   * While a reassignment is in progress (KIP-455): the replicas it adds and the ones it removes, `replicas` being the
   * target followed by those removed. Absent (or empty) when none is.
   */
  addingReplicas?: number[];
  removingReplicas?: number[];
}

export interface TopicState {
  name: string;
  topicId: string;
  partitions: PartitionState[];
  /** Overrides only, as the strings the user gave; validated on the way in. */
  configs: Record<string, string>;
  internal?: boolean;
}

interface MetadataDocument {
  version: 1;
  clusterId: string;
  topics: TopicState[];
  /** The first producer id no block has covered yet (Kafka's ProducerIdsRecord.nextProducerId); absent means 0. */
  nextProducerId?: number;
  /**
   * Dynamic broker configs (Kafka's ConfigRecords of BROKER resources): the cluster-wide defaults (resource "") and
   * each node's own, as the strings AlterConfigs gave.
   */
  brokerConfigs?: DynamicBrokerConfigs;
  /** ACLs (Kafka's AccessControlEntryRecords); absent means none. */
  acls?: StoredAcl[];
  /** Client quotas (Kafka's ClientQuotaRecords), one entry per entity with its values; absent means none. */
  clientQuotas?: StoredClientQuota[];
  /**
   * The finalized feature levels (Kafka's FeatureLevelRecords), features at level 0 left out, and the epoch that
   * changes with them; absent in a cluster made before they were kept, which has Kafka 4.0's defaults.
   */
  features?: FinalizedFeatures;
}

interface FinalizedFeatures {
  epoch: number;
  levels: Record<string, number>;
}

interface DynamicBrokerConfigs {
  clusterDefault: Record<string, string>;
  /** By node id. */
  nodes: Record<string, Record<string, string>>;
}

export class MetadataStore implements AclStore {
  private doc: MetadataDocument;
  private readonly file: string;

  /**
   * Told the name of a topic created, deleted, or changed (partitions, leaders, ISR, configs) once the change is
   * saved: the UI's change feed listens instead of comparing snapshots.
   */
  topicListener: ((topic: string) => void) | undefined;

  constructor(dataDir: string) {
    io.mkdirSync(dataDir, { recursive: true });
    this.file = path.join(dataDir, METADATA_FILE);
    if (io.existsSync(this.file)) {
      const text = io.readFileSync(this.file, 'utf8') as string;
      try {
        this.doc = JSON.parse(text) as MetadataDocument;
      } catch (e) {
        throw new Error(`${this.file} is not valid JSON (${(e as Error).message}); restore it or move it away`, { cause: e });
      }
      if (this.doc.version !== 1 || !Array.isArray(this.doc.topics)) throw new Error(`${this.file} has an unknown format`);
      for (const t of this.doc.topics) this.index(t);
    } else {
      this.doc = { version: 1, clusterId: randomKafkaId(), topics: [], features: { epoch: 0, levels: defaultFinalizedLevels() } };
      this.save();
    }
  }

  get clusterId(): string {
    return this.doc.clusterId;
  }

  topics(): readonly TopicState[] {
    return this.doc.topics;
  }

  topic(name: string): TopicState | undefined {
    return this.byName.get(name);
  }

  topicById(id: string): TopicState | undefined {
    return this.byId.get(id);
  }

  /**
   * Creates a topic with Kafka's rack-unaware replica placement: leaders round-robin over the nodes from a
   * random start, each partition's followers on the next nodes with a shift that grows every full round.
   */
  createTopic(name: string, numPartitions: number, replicationFactor: number, nodeIds: readonly number[], configs: Record<string, string> = {}, internal = false): TopicState {
    validateTopicName(name);
    if (this.topic(name)) throw new KafkaError('TOPIC_ALREADY_EXISTS', `Topic '${name}' already exists.`);
    if (!Number.isInteger(numPartitions) || numPartitions < 1) throw new KafkaError('INVALID_PARTITIONS', 'Number of partitions must be larger than 0.');
    if (!Number.isInteger(replicationFactor) || replicationFactor < 1) throw new KafkaError('INVALID_REPLICATION_FACTOR', 'Replication factor must be larger than 0.');
    requirePlaceable(replicationFactor, nodeIds);
    parseTopicConfigs(configs);
    const topic: TopicState = {
      name,
      topicId: randomBytes(16).toString('base64url'),
      partitions: assignReplicas(numPartitions, replicationFactor, nodeIds, 0),
      configs: { ...configs },
      internal,
    };
    this.doc.topics.push(topic);
    this.index(topic);
    this.save();
    this.topicListener?.(name);
    return topic;
  }

  addPartitions(name: string, totalCount: number, nodeIds: readonly number[]): TopicState {
    const t = this.requireTopic(name);
    if (totalCount <= t.partitions.length) {
      throw new KafkaError('INVALID_PARTITIONS', `Topic currently has ${t.partitions.length} partitions, which is higher than the requested ${totalCount}.`);
    }
    // The first partition's replica set as it stands, a reassignment's extra replicas included, as Kafka's controller
    // takes it (ReplicationControlManager.createPartitions).
    const rf = t.partitions[0].replicas.length;
    requirePlaceable(rf, nodeIds);
    t.partitions.push(...assignReplicas(totalCount - t.partitions.length, rf, nodeIds, t.partitions.length));
    this.save();
    this.topicListener?.(name);
    return t;
  }

  deleteTopic(name: string): TopicState {
    const t = this.requireTopic(name);
    this.doc.topics = this.doc.topics.filter((x) => x !== t);
    this.byName.delete(t.name);
    this.byId.delete(t.topicId);
    this.save();
    this.topicListener?.(name);
    return t;
  }

  /** Replaces the topic's overrides (AlterConfigs) after validating them all. */
  setTopicConfigs(name: string, configs: Record<string, string>): void {
    const t = this.requireTopic(name);
    parseTopicConfigs(configs);
    t.configs = { ...configs };
    this.save();
    this.topicListener?.(name);
  }

  /** The dynamic broker configs: the cluster-wide defaults and each node's. */
  dynamicBrokerConfigs(): DynamicBrokerConfigs {
    return { clusterDefault: { ...(this.doc.brokerConfigs?.clusterDefault ?? {}) }, nodes: { ...(this.doc.brokerConfigs?.nodes ?? {}) } };
  }

  acls(): readonly StoredAcl[] {
    return this.doc.acls ?? [];
  }

  /** Saves the whole ACL set (CreateAcls and DeleteAcls are each one change, as Kafka's atomic record batches). */
  replaceAcls(acls: StoredAcl[]): void {
    this.doc.acls = acls;
    this.save();
    this.aclListener?.();
  }

  /** Told after the ACLs change, for the UI's change feed. */
  aclListener: (() => void) | undefined;

  clientQuotas(): readonly StoredClientQuota[] {
    return this.doc.clientQuotas ?? [];
  }

  /** Saves the whole quota set (an AlterClientQuotas request is one change, as Kafka's atomic record batch). */
  replaceClientQuotas(q: StoredClientQuota[]): void {
    // Kafka drops an entity with its last key (ClientQuotaControlManager.replay).
    this.doc.clientQuotas = q.filter((x) => Object.keys(x.values).length > 0);
    this.save();
    this.quotaListener?.();
  }

  /** Told after the client quotas change: the quota managers re-read them, the UI refreshes. */
  quotaListener: (() => void) | undefined;

  finalizedFeatures(): Readonly<FinalizedFeatures> {
    return this.doc.features ?? { epoch: 0, levels: defaultFinalizedLevels() };
  }

  /** Saves new finalized levels (an UpdateFeatures request is one change); the epoch moves only when a level does. */
  setFinalizedFeatures(levels: Record<string, number>): void {
    const current = this.finalizedFeatures();
    const same = (a: Record<string, number>, b: Record<string, number>) => Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);
    if (same(current.levels, levels)) return;
    this.doc.features = { epoch: current.epoch + 1, levels: { ...levels } };
    this.save();
  }

  /** Replaces the dynamic configs of one node (a node id) or the cluster-wide defaults (null); validated by the caller. */
  setDynamicBrokerConfigs(nodeId: number | null, configs: Record<string, string>): void {
    const all = this.dynamicBrokerConfigs();
    if (nodeId === null) all.clusterDefault = { ...configs };
    else if (Object.keys(configs).length === 0) delete all.nodes[String(nodeId)];
    else all.nodes[String(nodeId)] = { ...configs };
    this.doc.brokerConfigs = all;
    this.save();
  }

  updatePartition(name: string, partition: number, change: Partial<Omit<PartitionState, 'partition'>>): void {
    const p = this.requireTopic(name).partitions[partition];
    Object.assign(p, change);
    this.save();
    this.topicListener?.(name);
  }

  /**
   * Reserves the next block of `size` producer ids (Kafka's AllocateProducerIds, blocks of 1000) and saves the new
   * end before returning, so an id is never handed out twice, even across restarts; ids of a block not used up
   * before a stop are skipped, as in Kafka.
   */
  allocateProducerIdBlock(size = 1000): { firstProducerId: number; size: number } {
    const first = this.doc.nextProducerId ?? 0;
    if (!Number.isSafeInteger(first + size)) throw new KafkaError('UNKNOWN_SERVER_ERROR', 'the producer id space is exhausted');
    this.doc.nextProducerId = first + size;
    this.save();
    return { firstProducerId: first, size };
  }

  private requireTopic(name: string): TopicState {
    const t = this.topic(name);
    if (!t) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `This server does not host this topic-partition: ${name}`);
    return t;
  }

  /** Lookups by name and id happen on every request; the document stays the persisted form. */
  private readonly byName = new Map<string, TopicState>();
  private readonly byId = new Map<string, TopicState>();

  private index(t: TopicState): void {
    this.byName.set(t.name, t);
    this.byId.set(t.topicId, t);
  }

  private batching = 0;
  private dirty = false;
  private readonly afterSave: Array<() => void> = [];

  /** Runs `fn` and saves once at the end, however many changes it made (an election moves many partitions). */
  batch<T>(fn: () => T): T {
    this.batching++;
    try {
      return fn();
    } finally {
      if (--this.batching === 0) {
        if (this.dirty) this.save();
        for (const f of this.afterSave.splice(0)) f();
      }
    }
  }

  /**
   * Runs `fn` once the changes made so far are on disk: at once outside a batch, else when the batch has saved. A
   * replica's log is deleted only after the metadata no longer names it, so a crash in between cannot bring the
   * replica back with an empty log.
   */
  whenSaved(fn: () => void): void {
    if (this.batching > 0) this.afterSave.push(fn);
    else fn();
  }

  private save(): void {
    if (this.batching > 0) {
      this.dirty = true;
      return;
    }
    this.dirty = false;
    writeFileAtomic(this.file, JSON.stringify(this.doc, null, 2) + '\n');
  }
}

/**
 * Kafka's placement refusal: `rf` replicas need as many nodes that may take one (a stopped node may not), for a new
 * topic as for new partitions of an existing one.
 */
function requirePlaceable(rf: number, nodeIds: readonly number[]): void {
  if (rf > nodeIds.length) {
    throw new KafkaError('INVALID_REPLICATION_FACTOR', `Unable to replicate the partition ${rf} time(s): The target replication factor of ${rf} cannot be reached because only ${nodeIds.length} broker(s) are registered.`);
  }
}

export function assignReplicas(count: number, rf: number, nodeIds: readonly number[], firstPartition: number): PartitionState[] {
  const nodes = [...nodeIds].sort((a, b) => a - b);
  const n = nodes.length;
  const start = Math.floor(Math.random() * n);
  let shift = Math.floor(Math.random() * n);
  const out: PartitionState[] = [];
  for (let i = 0; i < count; i++) {
    const p = firstPartition + i;
    if (p > 0 && p % n === 0) shift++;
    const first = (p + start) % n;
    const replicas = [nodes[first]];
    for (let j = 0; j < rf - 1; j++) replicas.push(nodes[(first + 1 + ((shift + j) % Math.max(n - 1, 1))) % n]);
    out.push({ partition: p, replicas, leader: replicas[0], leaderEpoch: 0, isr: [...replicas] });
  }
  return out;
}
