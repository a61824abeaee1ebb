/**
 * An external cluster (Apache Kafka, Redpanda, a `tributary start` elsewhere) behind the same BrokerApi as the
 * embedded broker, reached through @platformatic/kafka, a maintained pure-TypeScript Kafka client: the tree and the
 * panels browse it without knowing which kind of cluster they show.
 *
 * What only the embedded broker can do (its segment files, stopping nodes, injecting faults, its rebalance journal)
 * throws LocalOnlyError, which says so; the UI asks `capabilities` first and offers none of it here.
 *
 * Reads go through Kafka's own APIs as a Kafka tool would: Metadata for topics and leaders, ListOffsets for the
 * offsets, Fetch to the leader without joining a group (like kcat -C), DescribeGroups and OffsetFetch for groups,
 * OffsetCommit through the admin API to reset a group's offsets (refused while it has members, as
 * kafka-consumer-groups does). This class only assembles them: each job is a module of its own beside it
 * (external-cluster-clients, -requests, -metadata, -offsets, -nodes, -topics, -configs, -groups, -produce, -consume).
 */
import type {
  BrokerApi,
  ClientQuotasView,
  TransactionView,
  BrokerEvent,
  BrokerEventSource,
  BrokerStatus,
  ConsumeRequest,
  ConsumeResult,
  CreateTopicRequest,
  ElectionRecord,
  ElectionResult,
  FaultState,
  GroupDescription,
  GroupSummary,
  ProduceRequest,
  ProduceResult,
  RebalanceRecord,
  ReplicationView,
  ResetOffsetsRequest,
  ResetPlanRow,
  TopicConfigEntry,
  TopicDescription,
  TopicSummary,
  ClientView,
} from '../broker/api';
import { Listeners } from '../shared/listeners';
import { ExternalClients, ExternalClusterOptions, closeClients, createClients } from './external-cluster-clients';
import { TopicConfigs } from './external-cluster-configs';
import { Acls } from './external-cluster-acls';
import type { AclBinding, AclBindingFilter } from '../broker/security/acl-binding';
import { KafkaError } from '../broker/errors';
import { ClientQuotas, type ClientQuotaAlteration, type ClientQuotaFilter } from './external-cluster-quotas';
import { Transactions } from './external-cluster-transactions';
import { Reassignments } from './external-cluster-reassignments';
import type { StoredClientQuota } from '../broker/quota/client-quota-entity';
import { RecordReader } from './external-cluster-consume';
import { LocalOnlyError } from './external-cluster-errors';
import { Groups } from './external-cluster-groups';
import { MetadataReader } from './external-cluster-metadata';
import { NodesReader } from './external-cluster-nodes';
import { OffsetReader } from './external-cluster-offsets';
import { RecordWriter } from './external-cluster-produce';
import { Topics } from './external-cluster-topics';

export type { ExternalClusterOptions } from './external-cluster-clients';
export { LocalOnlyError } from './external-cluster-errors';

/** What a cluster can do beyond browsing; the embedded broker can do all of it. */
interface ClusterCapabilities {
  segments: boolean;
  faults: boolean;
  rebalanceHistory: boolean;
}

export class ExternalCluster implements BrokerApi, BrokerEventSource {
  readonly capabilities: ClusterCapabilities = { segments: false, faults: false, rebalanceHistory: false };
  private readonly clients: ExternalClients;
  private readonly nodes: NodesReader;
  private readonly topics: Topics;
  private readonly configs: TopicConfigs;
  private readonly acls: Acls;
  private readonly quotas: ClientQuotas;
  private readonly transactions: Transactions;
  private readonly reassignments: Reassignments;
  private readonly groups: Groups;
  private readonly writer: RecordWriter;
  private readonly reader: RecordReader;
  private readonly events = new Listeners<BrokerEvent>();
  private closed = false;

  constructor(readonly options: ExternalClusterOptions) {
    this.clients = createClients(options);
    const { admin, producer, requests } = this.clients;
    const metadata = new MetadataReader(admin, requests);
    const offsets = new OffsetReader(admin, metadata, requests);
    this.nodes = new NodesReader(options.config, metadata);
    this.configs = new TopicConfigs(admin);
    this.acls = new Acls(admin);
    this.quotas = new ClientQuotas(admin, requests);
    this.transactions = new Transactions(admin, requests);
    this.reassignments = new Reassignments(admin, requests);
    this.topics = new Topics(admin, metadata, offsets, this.configs);
    this.groups = new Groups(admin, metadata, offsets, requests);
    this.writer = new RecordWriter(producer, metadata);
    this.reader = new RecordReader(metadata, offsets, requests);
  }

  get name(): string {
    return this.options.config.name;
  }

  onEvent(listener: (event: BrokerEvent) => void): () => void {
    // An external cluster says nothing unasked; the panels poll it (their `pollMs`).
    return this.events.add(listener);
  }

  /** Checks that the cluster answers (and the credentials work): the cluster's status, or the reason it failed. */
  async connect(): Promise<BrokerStatus> {
    return this.status();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await closeClients(this.clients);
  }

  // -- cluster --------------------------------------------------------------------------------------------------

  status(): Promise<BrokerStatus> {
    return this.nodes.status();
  }

  replication(): Promise<ReplicationView> {
    return this.nodes.replication();
  }

  // -- topics ---------------------------------------------------------------------------------------------------

  listTopics(): Promise<TopicSummary[]> {
    return this.topics.listTopics();
  }

  describeTopic(topic: string): Promise<TopicDescription> {
    return this.topics.describeTopic(topic);
  }

  createTopic(request: CreateTopicRequest): Promise<TopicSummary> {
    return this.topics.createTopic(request);
  }

  deleteTopic(topic: string): Promise<void> {
    return this.topics.deleteTopic(topic);
  }

  addPartitions(topic: string, totalCount: number): Promise<TopicSummary> {
    return this.topics.addPartitions(topic, totalCount);
  }

  describeAcls(filter: AclBindingFilter): Promise<AclBinding[]> {
    return this.acls.describeAcls(filter);
  }

  createAcls(bindings: AclBinding[]): Promise<void> {
    return this.acls.createAcls(bindings);
  }

  deleteAcls(filters: AclBindingFilter[]): Promise<AclBinding[]> {
    return this.acls.deleteAcls(filters);
  }

  async clientQuotas(): Promise<ClientQuotasView> {
    // Rates and throttling are inside the cluster's brokers (their JMX metrics): only the settings are shown.
    const quotas = await this.quotas.describeClientQuotas({ components: [], strict: false });
    return { quotas, usage: [] };
  }

  listTransactions(): Promise<TransactionView[]> {
    return this.transactions.list();
  }

  async abortTransaction(): Promise<void> {
    // Kafka aborts another producer's transaction only partition by partition (kafka-transactions.sh abort, with the
    // producer's id, epoch and coordinator epoch from DescribeProducers): not offered here.
    throw new KafkaError('UNSUPPORTED_VERSION', 'Aborting a transaction is offered for the embedded broker only; on this cluster use kafka-transactions.sh abort.');
  }

  reassignPartition(topic: string, partition: number, replicas: number[] | null): Promise<void> {
    return this.reassignments.reassign(topic, partition, replicas);
  }

  describeClientQuotas(filter: ClientQuotaFilter): Promise<StoredClientQuota[]> {
    return this.quotas.describeClientQuotas(filter);
  }

  alterClientQuotas(entries: ClientQuotaAlteration[], validateOnly = false): Promise<void> {
    return this.quotas.alterClientQuotas(entries, validateOnly);
  }

  getTopicConfigs(topic: string): Promise<TopicConfigEntry[]> {
    return this.configs.getTopicConfigs(topic);
  }

  setTopicConfigs(topic: string, changes: Record<string, string | null>): Promise<TopicConfigEntry[]> {
    return this.configs.setTopicConfigs(topic, changes);
  }

  // -- records --------------------------------------------------------------------------------------------------

  produce(request: ProduceRequest): Promise<ProduceResult> {
    return this.writer.produce(request);
  }

  consume(request: ConsumeRequest): Promise<ConsumeResult> {
    return this.reader.consume(request);
  }

  // -- groups ---------------------------------------------------------------------------------------------------

  listGroups(): Promise<GroupSummary[]> {
    return this.groups.listGroups();
  }

  describeGroup(groupId: string): Promise<GroupDescription> {
    return this.groups.describeGroup(groupId);
  }

  planReset(request: ResetOffsetsRequest): Promise<ResetPlanRow[]> {
    return this.groups.planReset(request);
  }

  resetOffsets(request: ResetOffsetsRequest): Promise<ResetPlanRow[]> {
    return this.groups.resetOffsets(request);
  }

  deleteGroup(groupId: string): Promise<void> {
    return this.groups.deleteGroup(groupId);
  }

  // -- what needs the embedded broker ---------------------------------------------------------------------------

  async rebalanceHistory(_groupId: string): Promise<RebalanceRecord[]> {
    throw new LocalOnlyError('The rebalance history', 'Tributary records rebalances as its own group coordinator runs them, and a Kafka cluster keeps no history that a client can read');
  }

  async connectedClients(): Promise<ClientView[]> {
    throw new LocalOnlyError('The clients view', 'Tributary sees the requests its own listeners receive; a Kafka cluster does not tell a client who else connects to it');
  }

  async electionHistory(): Promise<ElectionRecord[]> {
    throw new LocalOnlyError('The election history', 'Tributary records elections as its own controller makes them; a Kafka cluster keeps no history that a client can read');
  }

  async stopNode(_nodeId: number): Promise<void> {
    throw new LocalOnlyError('Stopping a node');
  }

  async startNode(_nodeId: number): Promise<void> {
    throw new LocalOnlyError('Starting a node');
  }

  async setFault(): Promise<FaultState> {
    throw new LocalOnlyError('Fault injection');
  }

  async electLeaders(): Promise<ElectionResult[]> {
    throw new LocalOnlyError('Electing leaders from Tributary');
  }
}
