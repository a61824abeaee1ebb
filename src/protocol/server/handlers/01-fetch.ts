// Fetch 0-16: Fetch v0-3 (clients older than Kafka 0.11) get the records down-converted to message format v0 (v0-1)
// or v1 (v2-3), as Kafka 3.9 does (down-convert.ts; message.downconversion.enable=false: UNSUPPORTED_VERSION), and
// v0-2's partition max bytes is a hard limit; a zstd topic is UNSUPPORTED_COMPRESSION_TYPE below v10. Then
// sessionless and incremental (KIP-227) fetch sessions, max.wait.ms long-poll woken by new data,
// min/max bytes (the first batch is always whole), isolation level, topic ids from v13, and from v11 fetch from
// follower (KIP-392): followers serve consumers up to their high watermark, and a leader with a replica selector
// names the preferred read replica for the consumer's rack.
import { defineHandler, RequestContext } from '../handler';
import { ErrorCode, errorCodeOf } from '../../../broker/errors';
import { uuidFromKafkaString, uuidToKafkaString, ZERO_UUID } from '../../codec';
import type { FetchRequestData } from '../../messages/fetch-request';
import type { FetchResponseData, FetchableTopicResponse, PartitionData } from '../../messages/fetch-response';
import { FetchSessionCache, FetchSession, SessionPartition, INITIAL_EPOCH, FINAL_EPOCH } from '../fetch-session';
import type { Cluster } from '../../../broker/cluster';
import { readBatchHeader, nextOffsetOf, batchSizeOf, RECORD_BATCH_OVERHEAD } from '../../../broker/records/batch-header';
import { downConvert } from '../../../broker/records/down-convert';
import type { Log } from '../../../broker/storage/log';
import { AclOperation, ResourceType, authorize, authorizeCluster } from '../authorize';

const sessionCaches = new WeakMap<Cluster, FetchSessionCache>();
function sessionsOf(cluster: Cluster): FetchSessionCache {
  let c = sessionCaches.get(cluster);
  if (!c) sessionCaches.set(cluster, (c = new FetchSessionCache()));
  return c;
}

const EMPTY_RECORDS = Buffer.alloc(0);

const key = (p: { topic: string; partition: number }) => `${p.topic}-${p.partition}`;

function emptyPartition(partitionIndex: number, errorCode: number): PartitionData {
  return {
    partitionIndex,
    errorCode,
    highWatermark: -1,
    lastStableOffset: -1,
    logStartOffset: -1,
    divergingEpoch: { epoch: -1, endOffset: -1 },
    currentLeader: { leaderId: -1, leaderEpoch: -1 },
    snapshotId: { endOffset: -1, epoch: -1 },
    abortedTransactions: null,
    preferredReadReplica: -1,
    // Kafka answers an empty record set, never null: librdkafka takes a null one (size -1) as a parse failure of the
    // whole response.
    records: EMPTY_RECORDS,
  };
}

/** The partitions a request names, resolving topic ids (v13+) to names. */
function requestedPartitions(cluster: Cluster, req: FetchRequestData, version: number): SessionPartition[] {
  const out: SessionPartition[] = [];
  for (const t of req.topics) {
    const name = version >= 13 ? cluster.metadata.topicById(uuidToKafkaString(t.topicId))?.name ?? '' : t.topic;
    const topicId = version >= 13 ? t.topicId : ZERO_UUID;
    for (const p of t.partitions) {
      out.push({
        topic: name,
        topicId,
        partition: p.partition,
        fetchOffset: p.fetchOffset,
        maxBytes: p.partitionMaxBytes,
        currentLeaderEpoch: p.currentLeaderEpoch,
        lastHighWatermark: -2,
        lastStableOffset: -2,
        lastLogStartOffset: -2,
      });
    }
  }
  return out;
}

/** The offset after the last batch in `records`, or undefined when there is none. */
function nextOffsetAfter(records: Buffer): number | undefined {
  let pos = 0;
  let next: number | undefined;
  while (pos + RECORD_BATCH_OVERHEAD <= records.length) {
    const h = readBatchHeader(records, pos);
    next = nextOffsetOf(h);
    pos += batchSizeOf(h);
  }
  return next;
}

interface ReadResult {
  data: PartitionData;
  bytes: number;
  /** Answer at once, without waiting for min.bytes: an error, or the consumer is sent to another replica. */
  immediate: boolean;
}

/** How the consumer fetches: its isolation and, from v11, its rack (KIP-392 lets it read from a follower). */
interface FetchClient {
  readCommitted: boolean;
  /** Fetch v11+: the consumer may be served by a follower and sent to one (client.rack, possibly ""). */
  rack: string | undefined;
}

function failed(partitionIndex: number, errorCode: number): ReadResult {
  return { data: emptyPartition(partitionIndex, errorCode), bytes: 0, immediate: true };
}

/**
 * Fetch v0-3: what the old client can read (Kafka's maybeConvertFetchedData). Its cost, records and bytes and time, is
 * logged, as Kafka reports it in its request metrics.
 */
function forOldClient(ctx: RequestContext, log: Log, p: SessionPartition, records: Buffer): { records: Buffer } | { errorCode: number } {
  if (!log.config.messageDownconversionEnable) return { errorCode: ErrorCode.UNSUPPORTED_VERSION };
  const magic = ctx.apiVersion <= 1 ? 0 : 1;
  const started = process.hrtime.bigint();
  try {
    const out = downConvert(records, magic, p.fetchOffset);
    if (out.converted > 0) {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      ctx.cluster.logger.info(`Fetch v${ctx.apiVersion} from ${ctx.header.clientId ?? 'a client'} (${ctx.clientHost}): ${out.converted} records of ${p.topic}-${p.partition} down-converted to message format v${magic}, ${records.length} → ${out.records.length} bytes in ${ms.toFixed(2)} ms`);
    }
    return { records: out.records };
  } catch (e) {
    return { errorCode: errorCodeOf(e) };
  }
}

function readPartition(ctx: RequestContext, p: SessionPartition, maxBytes: number, minOneMessage: boolean, client: FetchClient): ReadResult {
  if (p.topic === '') return failed(p.partition, ErrorCode.UNKNOWN_TOPIC_ID);
  try {
    const state = ctx.cluster.partitionState(p.topic, p.partition);
    const isLeader = state.leader === ctx.nodeId;
    // A follower serves consumers that may read from followers (v11+), as Kafka's fetchOnlyFromLeader = false.
    const log = isLeader ? ctx.cluster.leaderLog(p.topic, p.partition) : client.rack !== undefined && state.replicas.includes(ctx.nodeId) ? ctx.cluster.node(ctx.nodeId).logManager.getLog(p) : undefined;
    if (!log) return failed(p.partition, ErrorCode.NOT_LEADER_OR_FOLLOWER);
    if (p.currentLeaderEpoch >= 0 && p.currentLeaderEpoch !== state.leaderEpoch) {
      return failed(p.partition, p.currentLeaderEpoch < state.leaderEpoch ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.UNKNOWN_LEADER_EPOCH);
    }
    // Clients before Fetch v10 cannot read zstd; Kafka refuses them a topic that compresses with it.
    if (ctx.apiVersion < 10 && log.config.compressionType === 'zstd') return failed(p.partition, ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
    const base = { ...emptyPartition(p.partition, ErrorCode.NONE), highWatermark: log.highWatermark, lastStableOffset: log.lastStableOffset, logStartOffset: log.logStartOffset };
    // Both of Kafka's selectors keep a consumer without a rack on the leader: no replica views to build per fetch.
    if (isLeader && client.rack) {
      // Kafka answers a consumer sent elsewhere without records and at once; it fetches again from that replica.
      const preferred = ctx.cluster.replicaManager.preferredReadReplica(p.topic, p.partition, client.rack, p.fetchOffset);
      if (preferred !== undefined) return { data: { ...base, preferredReadReplica: preferred }, bytes: 0, immediate: true };
    }
    try {
      const limit = Math.min(p.maxBytes, maxBytes);
      // read_committed reads up to the last stable offset and names the aborted transactions in what it returns,
      // whose records the consumer drops (Kafka's FetchIsolation.TXN_COMMITTED).
      const read = log.read(p.fetchOffset, limit, client.readCommitted ? 'txnCommitted' : 'highWatermark', minOneMessage);
      if (client.readCommitted) {
        const end = nextOffsetAfter(read.records);
        base.abortedTransactions = end === undefined ? [] : log.collectAbortedTransactions(p.fetchOffset, end).map((t) => ({ producerId: t.producerId, firstOffset: t.firstOffset }));
      }
      if (ctx.apiVersion <= 3) {
        const old = forOldClient(ctx, log, p, read.records);
        if ('errorCode' in old) return { data: { ...base, errorCode: old.errorCode }, bytes: 0, immediate: true };
        return { data: { ...base, records: old.records }, bytes: old.records.length, immediate: false };
      }
      return { data: { ...base, records: read.records }, bytes: read.records.length, immediate: false };
    } catch (e) {
      return { data: { ...base, errorCode: errorCodeOf(e) }, bytes: 0, immediate: true };
    }
  } catch (e) {
    return failed(p.partition, errorCodeOf(e));
  }
}

/**
 * Which partitions of this fetch the principal may not read, decided once per request as Kafka does: a follower
 * (replica id >= 0) needs CLUSTER_ACTION and is refused every partition without it; a consumer needs READ on each
 * topic, checked after an unknown topic id (which names no topic to check) and before the topic's existence.
 */
function refusedPartitions(ctx: RequestContext, req: FetchRequestData, parts: SessionPartition[], version: number): (p: SessionPartition) => boolean {
  if (!ctx.cluster.authorizer) return () => false;
  const replicaId = version >= 15 ? req.replicaState.replicaId : req.replicaId;
  if (replicaId >= 0) {
    const allowed = authorizeCluster(ctx, AclOperation.CLUSTER_ACTION);
    return () => !allowed;
  }
  const refused = new Set<string>();
  for (const topic of new Set(parts.map((p) => p.topic))) if (topic !== '' && !authorize(ctx, AclOperation.READ, ResourceType.TOPIC, topic)) refused.add(topic);
  return (p) => refused.has(p.topic);
}

/** Reads every partition, sharing max.bytes; the first partition that returns data may exceed it by one batch. */
function readAll(ctx: RequestContext, parts: SessionPartition[], req: FetchRequestData, version: number, refused: (p: SessionPartition) => boolean): { results: Map<string, ReadResult>; bytes: number; immediate: boolean } {
  const results = new Map<string, ReadResult>();
  let bytes = 0;
  let immediate = false;
  let served = 0;
  const client: FetchClient = { readCommitted: req.isolationLevel === 1, rack: version >= 11 ? req.rackId : undefined };
  for (const p of parts) {
    if (refused(p)) {
      // Not read, and no reason to answer early: Kafka waits on the partitions it does serve.
      results.set(key(p), { data: emptyPartition(p.partition, ErrorCode.TOPIC_AUTHORIZATION_FAILED), bytes: 0, immediate: false });
      continue;
    }
    served++;
    const remaining = Math.max(0, req.maxBytes - bytes);
    // v0-2: the partition's max bytes is a hard limit (Kafka's hardMaxBytesLimit): no first batch over it.
    const r = readPartition(ctx, p, remaining, bytes === 0 && version >= 3, client);
    if (r.immediate) immediate = true;
    bytes += r.bytes;
    results.set(key(p), r);
  }
  return { results, bytes, immediate: immediate || served === 0 };
}

function buildResponse(parts: SessionPartition[], results: Map<string, ReadResult>, sessionId: number, incremental: boolean, version: number): FetchResponseData {
  const byTopic = new Map<string, FetchableTopicResponse>();
  for (const p of parts) {
    const r = results.get(key(p))!;
    const d = r.data;
    if (incremental) {
      const changed = r.bytes > 0 || d.errorCode !== ErrorCode.NONE || d.preferredReadReplica >= 0 || d.highWatermark !== p.lastHighWatermark || d.lastStableOffset !== p.lastStableOffset || d.logStartOffset !== p.lastLogStartOffset;
      if (!changed) continue;
    }
    p.lastHighWatermark = d.highWatermark;
    p.lastStableOffset = d.lastStableOffset;
    p.lastLogStartOffset = d.logStartOffset;
    const tk = version >= 13 ? p.topicId : p.topic;
    let t = byTopic.get(tk);
    if (!t) byTopic.set(tk, (t = { topic: p.topic, topicId: p.topicId, partitions: [] }));
    t.partitions.push(d);
  }
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId, responses: [...byTopic.values()], nodeEndpoints: [] };
}

function topLevelError(code: number): FetchResponseData {
  return { throttleTimeMs: 0, errorCode: code, sessionId: 0, responses: [], nodeEndpoints: [] };
}

export default defineHandler({
  apiKey: 1,
  minVersion: 0,
  maxVersion: 16,
  async handle(ctx, req) {
    const version = ctx.apiVersion;
    const cache = sessionsOf(ctx.cluster);
    let parts: SessionPartition[];
    let session: FetchSession | undefined;
    let incremental = false;
    const requested = requestedPartitions(ctx.cluster, req, version);
    if (version < 7 || req.sessionEpoch === FINAL_EPOCH || req.sessionEpoch === INITIAL_EPOCH) {
      if (version >= 7 && req.sessionId !== 0) cache.remove(req.sessionId);
      parts = requested;
      if (version >= 7 && req.sessionEpoch === INITIAL_EPOCH) {
        session = cache.create();
        if (session) for (const p of parts) session.partitions.set(key(p), p);
      }
    } else {
      try {
        session = cache.get(req.sessionId, req.sessionEpoch);
      } catch (e) {
        return topLevelError(errorCodeOf(e));
      }
      for (const p of requested) {
        const existing = session.partitions.get(key(p));
        if (existing) Object.assign(existing, { fetchOffset: p.fetchOffset, maxBytes: p.maxBytes, currentLeaderEpoch: p.currentLeaderEpoch });
        else session.partitions.set(key(p), p);
      }
      for (const f of req.forgottenTopicsData) {
        const name = version >= 13 ? ctx.cluster.metadata.topicById(uuidToKafkaString(f.topicId))?.name ?? '' : f.topic;
        for (const partition of f.partitions) session.partitions.delete(`${name}-${partition}`);
      }
      session.epoch++;
      incremental = true;
      parts = [...session.partitions.values()];
    }
    // The topic id of every named topic, so that v13+ answers carry it.
    if (version >= 13) for (const p of parts) if (p.topicId === ZERO_UUID && p.topic) p.topicId = uuidFromKafkaString(ctx.cluster.metadata.topic(p.topic)?.topicId ?? '') ;

    const refused = refusedPartitions(ctx, req, parts, version);
    // A consumer under a consumer_byte_rate quota gets at most what the quota allows in a whole window (Kafka's
    // getMaxValueInQuotaWindow), so that one answer cannot hold it back for longer than the window.
    const consumer = (version >= 15 ? req.replicaState.replicaId : req.replicaId) < 0;
    const clientId = ctx.header.clientId ?? '';
    if (consumer) {
      const cap = ctx.quotas.fetch.maxValueInQuotaWindow(ctx.quotaUser, clientId);
      if (cap < req.maxBytes) req = { ...req, maxBytes: Math.floor(cap), minBytes: Math.min(req.minBytes, Math.floor(cap)) };
    }
    let read = readAll(ctx, parts, req, version, refused);
    const deadline = Date.now() + req.maxWaitMs;
    // A client that leaves ends the long poll. Each wait gets its own cancel promise: waiting on ctx.closed itself
    // would, once the connection is gone, resolve every wait at once and spin this loop in microtasks (the event
    // loop frozen) until max.wait.ms, and while the client stays it would pile up one reaction per wake-up.
    let closed = false;
    let wake: (() => void) | undefined;
    void ctx.closed.then(() => {
      closed = true;
      wake?.();
    });
    while (!closed && read.bytes < Math.max(1, req.minBytes) && !read.immediate && req.maxWaitMs > 0 && Date.now() < deadline && parts.length > 0) {
      await ctx.cluster.waitForAppend(parts.map(key), deadline - Date.now(), new Promise<void>((r) => (wake = r)));
      wake = undefined;
      if (closed) break;
      read = readAll(ctx, parts, req, version, refused);
      if (read.bytes >= Math.max(1, req.minBytes)) break;
    }
    if (consumer) {
      const now = Date.now();
      const throttleMs = ctx.quotas.fetch.recordAndGetThrottleTimeMs(ctx.quotaUser, clientId, read.bytes, now);
      if (throttleMs > 0) {
        // Over the quota: Kafka answers with no data and takes the bytes back, and the session is left as it was
        // (a session this request would have created is not, since its answer carries nothing).
        ctx.quotas.fetch.unrecord(ctx.quotaUser, clientId, read.bytes, now);
        ctx.quotas.fetch.noteThrottle(ctx.quotaUser, clientId, throttleMs, now);
        if (session && !incremental) cache.remove(session.id);
        return { throttleTimeMs: throttleMs, errorCode: ErrorCode.NONE, sessionId: incremental ? session!.id : 0, responses: [], nodeEndpoints: [] };
      }
    }
    return buildResponse(parts, read.results, session?.id ?? 0, incremental, version);
  },
});
