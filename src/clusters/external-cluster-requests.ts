/**
 * The requests an external cluster is sent outside the library's clients, because those clients cannot make them:
 *  - Metadata for internal topics (__consumer_offsets, __transaction_state): Admin.metadata leaves them out;
 *  - ListOffsets for those topics: Admin.listOffsets looks their leaders up where they were left out;
 *  - a sessionless Fetch (session id 0, epoch -1), as Kafka's own tools make when they do not poll: Consumer.fetch
 *    sends epoch 0, which asks the broker for a new incremental fetch session each time, so that on a shared cluster
 *    every look at a topic would take a slot of the brokers' session cache (max.incremental.fetch.session.cache.slots)
 *    from the real consumers;
 *  - ConsumerGroupDescribe (KIP-848): the Admin describes groups with DescribeGroups only, which a Kafka 4 broker
 *    answers for a consumer protocol group with "Dead" and no members. The library's own reader of its answer
 *    misreads it (SubscribedTopicNames as one string, no tagged fields after each assignment): the answer is read
 *    with Tributary's codec, generated from Kafka's schema, through the library's public `createAPI`.
 *
 * Only the library's public, typed interface is used, so that a new release that changes it fails the build rather
 * than a user's browsing: the Admin's connection pool (`connections`: the same TLS and SASL as the Admin's own
 * requests), its `listApis()` (the brokers' ApiVersions), and the library's request functions per protocol version
 * (`metadataV12.api`...). Each request goes in the newest version both sides speak, as the library's clients choose.
 */
import './client-zstd';
import {
  type Admin,
  type Broker,
  type Connection,
  fetchV12,
  fetchV13,
  fetchV14,
  fetchV15,
  fetchV16,
  fetchV17,
  listOffsetsV5,
  listOffsetsV6,
  listOffsetsV7,
  listOffsetsV8,
  listOffsetsV9,
  metadataV9,
  metadataV10,
  metadataV11,
  metadataV12,
  consumerGroupDescribeV0,
  createAPI,
} from '@platformatic/kafka';
import { Reader as SchemaReader, Writer as SchemaWriter } from '../protocol/codec';
import { codecIsFlexible, type ApiCodec } from '../protocol/messages/api-codec';
import { Writer as LibWriter } from '@platformatic/kafka';
import { decodeConsumerGroupDescribeResponse, type ConsumerGroupDescribeResponseData } from '../protocol/messages/consumer-group-describe-response';
import { KafkaError } from '../broker/errors';
import { call } from './external-cluster-errors';

// Newest first: the first one the broker speaks is used.
const METADATA = [metadataV12.api, metadataV11.api, metadataV10.api, metadataV9.api];
const LIST_OFFSETS = [listOffsetsV9.api, listOffsetsV8.api, listOffsetsV7.api, listOffsetsV6.api, listOffsetsV5.api];
const FETCH = [fetchV17.api, fetchV16.api, fetchV15.api, fetchV14.api, fetchV13.api, fetchV12.api];

/** Fetch names topics by id from version 13 (KIP-516), by name before. */
const FETCH_BY_TOPIC_ID = 13;

type MetadataResponse = metadataV12.MetadataResponse;
type ListOffsetsResponse = listOffsetsV9.ListOffsetsResponse;
type FetchResponse = fetchV17.FetchResponse;
export type ConsumerGroupDescribeGroup = ConsumerGroupDescribeResponseData['groups'][number];
const CONSUMER_GROUP_DESCRIBE = [
  createAPI<[groupIds: string[], includeAuthorizedOperations: boolean], ConsumerGroupDescribeResponseData>(69, 0, consumerGroupDescribeV0.createRequest, (_correlationId, _apiKey, apiVersion, reader) =>
    decodeConsumerGroupDescribeResponse(new SchemaReader(reader.buffer.slice(reader.position, reader.position + reader.remaining)), apiVersion),
  ),
];
export type { RecordsBatch } from '@platformatic/kafka';

/** Where a sessionless fetch reads: one partition from one offset. */
interface PartitionRead {
  topic: string;
  topicId: string;
  partition: number;
  offset: number;
  maxBytes: number;
}

type ApiVersions = Awaited<ReturnType<Admin['listApis']>>;

/** What the requests take of a client (an Admin): the brokers' ApiVersions and its connection pool. */
export interface RequestChannel {
  listApis(): Promise<ApiVersions>;
  readonly connections: { get(broker: Broker): Promise<Connection> };
}

export class DirectRequests {
  private versions?: Promise<ApiVersions>;

  constructor(private readonly client: RequestChannel) {}

  /** Metadata of some topics, internal ones included, as `node` knows it. */
  async metadata(node: Broker, topics: string[]): Promise<MetadataResponse> {
    const [api, connection] = await this.prepare(METADATA, node);
    // A look creates no topic; the authorized operations are not shown, so not asked for.
    return call(() => api.async(connection, topics, false, false));
  }

  /** ListOffsets to a partitions' leader: the offset at `timestamp` (or -1 latest, -2 earliest) of each. */
  async listOffsets(leader: Broker, topic: string, partitions: number[], timestamp: bigint): Promise<ListOffsetsResponse> {
    const [api, connection] = await this.prepare(LIST_OFFSETS, leader);
    const request = [{ name: topic, partitions: partitions.map((partitionIndex) => ({ partitionIndex, currentLeaderEpoch: -1, timestamp })) }];
    // Replica -1: a consumer's request; read_uncommitted: up to the high watermark.
    return call(() => api.async(connection, -1, 0, request));
  }

  /** A sessionless Fetch of one partition from its leader. */
  async fetch(leader: Broker, read: PartitionRead): Promise<FetchResponse> {
    const [api, connection] = await this.prepare(FETCH, leader);
    const topicId = api.version >= FETCH_BY_TOPIC_ID ? read.topicId : read.topic;
    const partitions = [{ partition: read.partition, fetchOffset: BigInt(read.offset), partitionMaxBytes: read.maxBytes, currentLeaderEpoch: -1, lastFetchedEpoch: -1 }];
    // maxWaitMs 0, minBytes 1: answer at once; read_uncommitted; session 0, epoch -1; no rack.
    return call(() => api.async(connection, 0, 1, read.maxBytes, 0, 0, -1, [{ topicId, partitions }], [], ''));
  }

  /** Whether the cluster serves ConsumerGroupDescribe (Kafka 4, or 3.7+ with the new protocol enabled). */
  async speaksConsumerGroupDescribe(): Promise<boolean> {
    const key = CONSUMER_GROUP_DESCRIBE[0].key;
    return (await this.apiVersions()).some((v) => v.apiKey === key);
  }

  /** ConsumerGroupDescribe of one group at its coordinator. */
  async consumerGroupDescribe(coordinator: Broker, groupId: string): Promise<ConsumerGroupDescribeGroup | undefined> {
    const [api, connection] = await this.prepare(CONSUMER_GROUP_DESCRIBE, coordinator);
    const r = await call(() => api.async(connection, [groupId], false));
    return r.groups[0];
  }

  /**
   * Any request of Kafka's schemas the library has no client for (client quotas, transactions), written and read
   * with Tributary's codecs through the library's `createAPI`, in the newest version both sides speak, to `node`.
   */
  async schemaRequest<R>(codec: ApiCodec, request: unknown, node: Broker): Promise<R> {
    const range = (await this.apiVersions()).find((v) => v.apiKey === codec.apiKey);
    const version = range ? Math.min(range.maxVersion, codec.maxVersion) : -1;
    if (!range || version < Math.max(range.minVersion, codec.minVersion)) throw new KafkaError('UNSUPPORTED_VERSION', `The cluster does not serve ${codec.name}.`);
    const body = new SchemaWriter();
    codec.encodeRequest(body, version, request);
    const flexible = codecIsFlexible(codec, version);
    const api = createAPI<[], R>(
      codec.apiKey,
      version,
      () => LibWriter.create().append(body.toBuffer()),
      (_correlationId, _apiKey, apiVersion, reader) => codec.decodeResponse(new SchemaReader(reader.buffer.slice(reader.position, reader.position + reader.remaining)), apiVersion) as R,
      flexible,
      flexible,
    );
    const connection = await call(() => this.client.connections.get(node));
    return call(() => api.async(connection));
  }

  private prepare<A extends { key: number; version: number }>(versions: readonly A[], node: Broker): Promise<[A, Connection]> {
    return call(() => Promise.all([this.newest(versions), this.client.connections.get(node)]));
  }

  private async newest<A extends { key: number; version: number }>(versions: readonly A[]): Promise<A> {
    const key = versions[0].key;
    const range = (await this.apiVersions()).find((v) => v.apiKey === key);
    const api = range && versions.find((v) => v.version >= range.minVersion && v.version <= range.maxVersion);
    if (api) return api;
    const spoken = range ? `versions ${range.minVersion} to ${range.maxVersion}` : 'no version';
    const known = versions.map((v) => v.version).sort((a, b) => a - b);
    throw new KafkaError('UNSUPPORTED_VERSION', `The cluster speaks ${spoken} of ${range?.name ?? `API ${key}`}; Tributary's client speaks ${known[0]} to ${known.at(-1)}.`);
  }

  /** The brokers' ApiVersions, asked once as the library's clients do (again after a failure). */
  private apiVersions(): Promise<ApiVersions> {
    this.versions ??= this.client.listApis().catch((e: unknown) => {
      this.versions = undefined;
      throw e;
    });
    return this.versions;
  }
}
