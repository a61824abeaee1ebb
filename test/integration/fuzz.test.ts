/**
 * Protocol fuzzing against a running broker: at least 100,000 mutated request frames (bit flips, interesting
 * integers, truncation, splices, wrong api keys and versions, absurd and negative sizes, garbage, record batches
 * corrupted behind a valid CRC) built from valid requests of every API the broker serves, at every version it serves,
 * sent over many concurrent loopback connections. After each mutated frame a valid ApiVersions probe tells whether
 * the broker answered, closed the connection (what it should do on bad input) or stalled.
 *
 * Meanwhile a healthy kafkajs producer and a raw-frame reader keep working. At the end: no handler crashed (no
 * ERROR line), no stall outside the APIs that may legitimately wait (long-poll Fetch, JoinGroup/SyncGroup), the event
 * loop never froze, no connection leaked, memory stayed bounded, the healthy data is complete and in order, and a
 * fresh client works.
 *
 * FUZZ_SEED=<n> replays a run (the frames; not their interleaving); FUZZ_FRAMES, FUZZ_THREADS and FUZZ_CONNECTIONS change
 * its size; the seed is printed in the test title.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { Kafka, logLevel, Producer } from 'kafkajs';
import { startTestBroker, TestBroker } from '../support/broker';
import { RawClient, encodeRequestFrame, type ApiKeyNumber, type RequestOf } from '../support/raw-client';
import { encodeRecordBatch, decodeRecords } from '../../src/broker/records/record-batch';
import { crc32c } from '../../src/broker/records/crc32c';
import { CompressionType, initCompression } from '../../src/broker/records/compression';
import { LOG_OVERHEAD } from '../../src/broker/records/batch-header';
import { Reader, readRequestHeader, uuidFromKafkaString, UnsupportedVersionError, ZERO_UUID } from '../../src/protocol/codec';
import { defaultFetchRequestData } from '../../src/protocol/messages/fetch-request';
import { getApiCodec, requestHeaderVersion } from '../../src/protocol/messages';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 0x7fffffff));
const TARGET = Number(process.env.FUZZ_FRAMES ?? 100_000);
/** Fuzzing threads, and connections in flight across them. */
const THREADS = Number(process.env.FUZZ_THREADS ?? Math.max(1, Math.min(3, os.cpus().length - 1)));
const CONNECTIONS = Number(process.env.FUZZ_CONNECTIONS ?? 48);
/** The fuzzing phase stops here even short of TARGET (which then fails the test); about 35-45 s on an idle 2-core machine. */
const TIME_LIMIT_MS = 90_000;
const PROBE_TIMEOUT_MS = 1_000;
/** APIs whose answer may legitimately wait: long-poll Fetch, JoinGroup/SyncGroup waiting for the group, Produce acks=all. */
const MAY_WAIT = new Set([0, 1, 11, 14]);

/** mulberry32: small, fast, seedable. */
class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  u32(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  int(n: number): number {
    return n <= 0 ? 0 : this.u32() % n;
  }
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  chance(p: number): boolean {
    return this.u32() / 0x100000000 < p;
  }
  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)];
  }
  bytes(n: number): Buffer {
    const b = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) b[i] = this.u32() & 0xff;
    return b;
  }
}

interface Sample {
  apiKey: number;
  version: number;
  /** The whole frame, size prefix included. */
  frame: Buffer;
  /** Where a record batch sits in the frame (Produce), to corrupt it behind a valid CRC. */
  batchAt?: { pos: number; len: number };
}

interface Mutated {
  kind: string;
  bytes: Buffer;
  /** The framing is broken (the broker may wait for bytes that never come): last frame on the connection. */
  terminal: boolean;
  /** The broker must close the connection at once. */
  mustClose: boolean;
}

// ---------------------------------------------------------------------------------------------------------------
// The corpus: valid requests of every served API at every served version.

interface CorpusContext {
  topic: string;
  topicId: string;
  topic3: string;
  topic3Id: string;
  group: string;
  batches: Buffer[];
}

type Builders = { [K in ApiKeyNumber]?: Array<(c: CorpusContext, v: number) => RequestOf<K>> };

const fetchPartition = (partition: number, fetchOffset: number) => ({
  partition,
  currentLeaderEpoch: -1,
  fetchOffset,
  lastFetchedEpoch: -1,
  logStartOffset: -1,
  partitionMaxBytes: 65536,
  replicaDirectoryId: ZERO_UUID,
});

const BUILDERS: Builders = {
  0: [
    (c) => ({ transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: c.topic, partitionData: [{ index: 0, records: c.batches[0] }] }] }),
    (c) => ({ transactionalId: null, acks: -1, timeoutMs: 1000, topicData: [{ name: c.topic3, partitionData: [{ index: 1, records: c.batches[1] }, { index: 2, records: c.batches[2] }] }] }),
    (c) => ({ transactionalId: null, acks: 0, timeoutMs: 1000, topicData: [{ name: c.topic, partitionData: [{ index: 0, records: c.batches[3] }] }] }),
    (c) => ({ transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: c.topic3, partitionData: [{ index: 0, records: c.batches[4] }] }] }),
    (c) => ({ transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: c.topic, partitionData: [{ index: 0, records: c.batches[5] }] }] }),
  ],
  1: [
    (c, v) => ({
      ...defaultFetchRequestData(),
      replicaId: -1,
      maxWaitMs: 20,
      minBytes: 1,
      maxBytes: 1 << 20,
      isolationLevel: 0,
      topics: [{ topic: v >= 13 ? '' : c.topic, topicId: v >= 13 ? c.topicId : ZERO_UUID, partitions: [fetchPartition(0, 0)] }],
    }),
    (c, v) => ({
      ...defaultFetchRequestData(),
      replicaId: -1,
      maxWaitMs: 10,
      minBytes: 1,
      maxBytes: 1 << 16,
      isolationLevel: 1,
      sessionId: 0,
      sessionEpoch: 0,
      topics: [{ topic: v >= 13 ? '' : c.topic3, topicId: v >= 13 ? c.topic3Id : ZERO_UUID, partitions: [fetchPartition(0, 0), fetchPartition(1, 1), fetchPartition(2, 1000)] }],
      forgottenTopicsData: v >= 7 ? [{ topic: v >= 13 ? '' : c.topic, topicId: v >= 13 ? c.topicId : ZERO_UUID, partitions: [0] }] : [],
      rackId: v >= 11 ? 'rack-a' : '',
    }),
  ],
  2: [
    (c) => ({
      replicaId: -1,
      isolationLevel: 0,
      timeoutMs: 1000,
      topics: [
        {
          name: c.topic3,
          partitions: [
            { partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1, maxNumOffsets: 1 },
            { partitionIndex: 1, currentLeaderEpoch: -1, timestamp: -2, maxNumOffsets: 1 },
            { partitionIndex: 2, currentLeaderEpoch: 0, timestamp: Date.now() - 1000, maxNumOffsets: 1 },
          ],
        },
      ],
    }),
    (c, v) => ({ replicaId: -1, isolationLevel: 1, timeoutMs: 1000, topics: [{ name: c.topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: v >= 7 ? -3 : -1, maxNumOffsets: 1 }] }] }),
  ],
  3: [
    (c, v) => ({ topics: [{ topicId: ZERO_UUID, name: c.topic }, { topicId: ZERO_UUID, name: c.topic3 }], allowAutoTopicCreation: v < 4, includeClusterAuthorizedOperations: v >= 8 && v <= 10, includeTopicAuthorizedOperations: v >= 8 }),
    (_c, v) => ({ topics: v === 0 ? [] : null, allowAutoTopicCreation: v < 4, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false }),
    // By id: v12+ (v10-11 carry the fields, but Kafka refuses ids there with INVALID_REQUEST).
    (c, v) => ({ topics: [{ topicId: v >= 10 ? c.topicId : ZERO_UUID, name: v >= 10 ? null : c.topic }], allowAutoTopicCreation: v < 4, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false }),
  ],
  8: [
    (c) => ({
      groupId: c.group,
      generationIdOrMemberEpoch: -1,
      memberId: '',
      groupInstanceId: null,
      retentionTimeMs: -1,
      topics: [{ name: c.topic3, partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: 'meta' }, { partitionIndex: 2, committedOffset: 0, committedLeaderEpoch: 0, commitTimestamp: -1, committedMetadata: null }] }],
    }),
  ],
  9: [
    (c, v) => ({
      groupId: v < 8 ? c.group : '',
      topics: v < 8 ? [{ name: c.topic3, partitionIndexes: [0, 1, 2] }] : [],
      groups: v >= 8 ? [{ groupId: c.group, memberId: null, memberEpoch: -1, topics: [{ name: c.topic3, partitionIndexes: [0, 1] }] }] : [],
      requireStable: v >= 7,
    }),
    (c, v) => ({ groupId: v < 8 ? c.group : '', topics: v < 2 || v >= 8 ? [] : null, groups: v >= 8 ? [{ groupId: c.group, memberId: null, memberEpoch: -1, topics: null }] : [], requireStable: false }),
  ],
  10: [(c, v) => ({ key: v < 4 ? c.group : '', keyType: 0, coordinatorKeys: v >= 4 ? [c.group, 'other-group'] : [] })],
  11: [
    (c, v) => ({
      groupId: c.group,
      sessionTimeoutMs: 10000,
      rebalanceTimeoutMs: 500,
      memberId: '',
      groupInstanceId: v >= 5 ? 'static-1' : null,
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: Buffer.from('0000000000010005667579787a00000000', 'hex') }],
      reason: v >= 8 ? 'fuzz' : null,
    }),
  ],
  12: [(c, v) => ({ groupId: c.group, generationId: 1, memberId: 'member-1', groupInstanceId: v >= 3 ? 'static-1' : null })],
  13: [
    (c, v) => ({
      groupId: c.group,
      memberId: v < 3 ? 'member-1' : '',
      members: v >= 3 ? [{ memberId: 'member-1', groupInstanceId: null, reason: v >= 5 ? 'bye' : null }] : [],
    }),
  ],
  14: [
    (c, v) => ({
      groupId: c.group,
      generationId: 1,
      memberId: 'member-1',
      groupInstanceId: v >= 3 ? 'static-1' : null,
      protocolType: v >= 5 ? 'consumer' : null,
      protocolName: v >= 5 ? 'range' : null,
      assignments: [{ memberId: 'member-1', assignment: Buffer.from('00000000000100056675787a7a000000010000000000000000', 'hex') }],
    }),
  ],
  15: [(c, v) => ({ groups: [c.group, 'nope'], includeAuthorizedOperations: v >= 3 })],
  16: [(_c, v) => ({ statesFilter: v >= 4 ? ['Stable', 'Empty'] : [], typesFilter: v >= 5 ? ['classic'] : [] })],
  18: [(_c, v) => ({ clientSoftwareName: v >= 3 ? 'fuzzer' : '', clientSoftwareVersion: v >= 3 ? '1.0' : '' })],
  19: [
    (c) => ({
      topics: [
        { name: `${c.topic}-new`, numPartitions: 2, replicationFactor: 1, assignments: [], configs: [{ name: 'retention.ms', value: '86400000' }] },
        { name: `${c.topic}-manual`, numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [0] }], configs: [] },
      ],
      timeoutMs: 1000,
      validateOnly: true,
    }),
    (c) => ({ topics: [{ name: `${c.topic}-x`, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: 'cleanup.policy', value: 'delete' }] }], timeoutMs: 1000, validateOnly: false }),
  ],
  20: [
    (c, v) => ({
      topics: v >= 6 ? [{ name: `${c.topic}-x`, topicId: ZERO_UUID }, { name: null, topicId: 'ffffffffffffffffffffffffffffffff' }] : [],
      topicNames: v < 6 ? [`${c.topic}-x`, 'does-not-exist'] : [],
      timeoutMs: 1000,
    }),
  ],
  21: [(c) => ({ topics: [{ name: c.topic3, partitions: [{ partitionIndex: 1, offset: 0 }, { partitionIndex: 2, offset: -1 }] }], timeoutMs: 1000 })],
  22: [
    () => ({ transactionalId: null, transactionTimeoutMs: 60000, producerId: -1, producerEpoch: -1 }),
    (_c, v) => ({ transactionalId: null, transactionTimeoutMs: 60000, producerId: v >= 3 ? 1000 : -1, producerEpoch: v >= 3 ? 0 : -1 }),
  ],
  32: [
    (c, v) => ({
      resources: [
        { resourceType: 2, resourceName: c.topic, configurationKeys: null },
        { resourceType: 4, resourceName: '0', configurationKeys: ['log.retention.hours', 'message.max.bytes'] },
      ],
      includeSynonyms: v >= 1,
      includeDocumentation: v >= 3,
    }),
  ],
  33: [(c) => ({ resources: [{ resourceType: 2, resourceName: c.topic3, configs: [{ name: 'retention.ms', value: '604800000' }, { name: 'segment.ms', value: '3600000' }] }], validateOnly: false })],
  35: [(c) => ({ topics: [{ topic: c.topic3, partitions: [0, 1, 2] }] }), () => ({ topics: null })],
  37: [(c) => ({ topics: [{ name: c.topic, count: 4, assignments: null }], timeoutMs: 1000, validateOnly: true })],
  23: [
    (c) => ({
      replicaId: -1,
      topics: [
        { topic: c.topic3, partitions: [{ partition: 0, currentLeaderEpoch: 0, leaderEpoch: 0 }, { partition: 2, currentLeaderEpoch: -1, leaderEpoch: 5 }] },
        { topic: c.topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, leaderEpoch: -1 }] },
      ],
    }),
  ],
  42: [() => ({ groupsNames: ['no-such-group', 'another'] })],
  43: [
    (c, v) => ({ electionType: v >= 1 ? 0 : 0, topicPartitions: [{ topic: c.topic3, partitions: [0, 1, 2] }], timeoutMs: 1000 }),
    () => ({ electionType: 0, topicPartitions: null, timeoutMs: 1000 }),
  ],
  44: [
    (c) => ({
      resources: [
        {
          resourceType: 2,
          resourceName: c.topic3,
          configs: [
            { name: 'retention.bytes', configOperation: 0, value: '100000000' },
            { name: 'delete.retention.ms', configOperation: 1, value: null },
          ],
        },
      ],
      validateOnly: false,
    }),
  ],
  47: [(c) => ({ groupId: c.group, topics: [{ name: c.topic3, partitions: [{ partitionIndex: 0 }] }] })],
  60: [(_c, v) => ({ includeClusterAuthorizedOperations: true, endpointType: v >= 1 ? 1 : 1 })],
};

/** For an API added to the broker after this corpus was written: the generated default request (shallow, but real). */
function defaultBuilder(name: string): Array<() => unknown> | undefined {
  const file = name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
  try {
    const mod = require(`../../src/protocol/messages/${file}-request`) as Record<string, () => unknown>;
    const make = mod[`default${name}RequestData`];
    return make ? [() => make()] : undefined;
  } catch {
    return undefined;
  }
}

function buildCorpus(c: CorpusContext, apis: Array<{ apiKey: number; minVersion: number; maxVersion: number }>): { samples: Sample[]; missing: string[] } {
  const samples: Sample[] = [];
  const missing: string[] = [];
  let correlationId = 1;
  for (const api of apis) {
    const codec = getApiCodec(api.apiKey);
    const builders = (BUILDERS as Record<number, Array<(c: CorpusContext, v: number) => unknown>>)[api.apiKey] ?? (codec ? defaultBuilder(codec.name) : undefined);
    if (!builders || !codec) {
      missing.push(`${api.apiKey}`);
      continue;
    }
    for (let v = Math.max(api.minVersion, codec.minVersion); v <= Math.min(api.maxVersion, codec.maxVersion); v++) {
      let any = false;
      for (const build of builders) {
        const data = build(c, v);
        let frame: Buffer;
        try {
          frame = encodeRequestFrame(api.apiKey as ApiKeyNumber, v, data as never, correlationId++, 'fuzz');
        } catch (e) {
          if (e instanceof UnsupportedVersionError) continue;
          throw e;
        }
        any = true;
        const s: Sample = { apiKey: api.apiKey, version: v, frame };
        if (api.apiKey === 0) {
          for (const b of c.batches) {
            const pos = frame.indexOf(b);
            if (pos > 0) s.batchAt = { pos, len: b.length };
          }
        }
        samples.push(s);
      }
      if (!any) missing.push(`${api.apiKey} v${v}`);
    }
  }
  return { samples, missing };
}

// ---------------------------------------------------------------------------------------------------------------
// Mutations.

const INTERESTING_16 = [0, 1, -1, 0x7fff, -0x8000, 0x00ff, 0x0100];
const INTERESTING_32 = [0, 1, -1, 0x7fffffff, -0x80000000, 0xffff, 0x10000, 0x0fffffff, 100_000_000];
const BIG_VARINTS = [Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]), Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), Buffer.from([0x80, 0x80, 0x80, 0x80, 0x08]), Buffer.from([0x00]), Buffer.from([0xfe, 0xff, 0x7f])];

/** Rewrites the size prefix to the body's length. */
function framed(body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(body.length + 4);
  out.writeInt32BE(body.length, 0);
  body.copy(out, 4);
  return out;
}

function mutateBody(rng: Rng, body: Buffer, keepHeader: boolean): { body: Buffer; kind: string } {
  const from = keepHeader ? Math.min(body.length, 8) : 0;
  const span = Math.max(1, body.length - from);
  switch (rng.int(7)) {
    case 0: {
      const b = Buffer.from(body);
      const n = rng.range(1, 4);
      for (let i = 0; i < n && b.length; i++) b[Math.min(b.length - 1, from + rng.int(span))] ^= 1 << rng.int(8);
      return { body: b, kind: 'bitflip' };
    }
    case 1: {
      const b = Buffer.from(body);
      const n = rng.range(1, 8);
      for (let i = 0; i < n && b.length; i++) b[Math.min(b.length - 1, from + rng.int(span))] = rng.u32() & 0xff;
      return { body: b, kind: 'bytes' };
    }
    case 2: {
      const b = Buffer.from(body);
      const at = Math.min(Math.max(0, b.length - 4), from + rng.int(span));
      if (b.length >= at + 4 && rng.chance(0.6)) b.writeInt32BE(rng.pick(INTERESTING_32) | 0, at);
      else if (b.length >= at + 2) b.writeInt16BE(rng.pick(INTERESTING_16), at);
      return { body: b, kind: 'interesting-int' };
    }
    case 3: {
      const at = Math.min(body.length, from + rng.int(span));
      const v = rng.pick(BIG_VARINTS);
      return { body: Buffer.concat([body.subarray(0, at), v, body.subarray(Math.min(body.length, at + v.length))]), kind: 'varint' };
    }
    case 4:
      return { body: body.subarray(0, from + rng.int(span)), kind: 'truncate' };
    case 5: {
      // Delete, duplicate or insert a chunk.
      const at = Math.min(body.length, from + rng.int(span));
      const len = rng.range(1, 64);
      const r = rng.int(3);
      if (r === 0) return { body: Buffer.concat([body.subarray(0, at), body.subarray(Math.min(body.length, at + len))]), kind: 'delete' };
      if (r === 1) return { body: Buffer.concat([body.subarray(0, at), body.subarray(at, at + len), body.subarray(at)]), kind: 'duplicate' };
      return { body: Buffer.concat([body.subarray(0, at), rng.bytes(len), body.subarray(at)]), kind: 'insert' };
    }
    default:
      return { body: Buffer.concat([body, rng.bytes(rng.range(1, 256))]), kind: 'append' };
  }
}

function mutate(rng: Rng, s: Sample, samples: Sample[]): Mutated {
  const body = s.frame.subarray(4);
  // Weights: mostly damage that gets past the first checks (deeper into decoders and handlers); the kinds that
  // nearly always end the connection (garbage, tiny frames, bad sizes...) less often, each still thousands of times.
  const roll = rng.int(100);
  if (roll < 50 || (roll < 60 && !s.batchAt) || roll >= 94) {
    // Structure-aware: the header stays, the request body is damaged (reaches the decoders and the handlers).
    let b = body;
    let kind = '';
    for (let i = 0, n = rng.chance(0.25) ? rng.range(2, 3) : 1; i < n; i++) {
      const m = mutateBody(rng, b, true);
      b = m.body;
      kind += (kind ? '+' : '') + m.kind;
    }
    return { kind, bytes: framed(b), terminal: false, mustClose: false };
  }
  if (roll < 60 && s.batchAt) {
    // A damaged record batch behind a valid CRC: past the broker's first check.
    const f = Buffer.from(s.frame);
    const { pos, len } = s.batchAt;
    const m = rng.int(4);
    if (m === 0) f.writeInt32BE(rng.pick(INTERESTING_32) | 0, pos + rng.pick([8, 12, 23, 57]));
    else if (m === 1) f.writeInt16BE(rng.pick(INTERESTING_16) | rng.int(8), pos + 21);
    else for (let i = rng.range(1, 6); i > 0; i--) f[pos + 21 + rng.int(len - 21)] ^= 1 << rng.int(8);
    // The CRC-32C covers attributes to the end (the declared length may be damaged: use the real one).
    if (len >= 61) f.writeUInt32BE(crc32c(f, pos + 21, pos + len) >>> 0, pos + 17);
    return { kind: 'batch-behind-crc', bytes: f, terminal: false, mustClose: false };
  }
  if (roll < 65) {
    // Anything, header included.
    const m = mutateBody(rng, body, false);
    return { kind: 'header+' + m.kind, bytes: framed(m.body), terminal: false, mustClose: false };
  }
  if (roll < 70) {
    // Another API key and/or version over this body.
    const b = Buffer.from(body);
    const r = rng.int(3);
    if (r !== 1) b.writeInt16BE(rng.chance(0.5) ? rng.range(-3, 90) : rng.pick(samples).apiKey, 0);
    if (r !== 0) b.writeInt16BE(rng.chance(0.5) ? rng.range(-2, 20) : rng.pick([-1, 0x7fff, -0x8000, s.version + 1]), 2);
    return { kind: 'api-key/version', bytes: framed(b), terminal: false, mustClose: false };
  }
  if (roll < 73) {
    // The client id's length.
    const b = Buffer.from(body);
    if (b.length >= 10) b.writeInt16BE(rng.pick([-2, -1, 0x7fff, b.length, b.length - 9, 0x4000]), 8);
    return { kind: 'client-id-length', bytes: framed(b), terminal: false, mustClose: false };
  }
  if (roll < 77) {
    // Garbage, maybe with a real api key in front.
    const g = rng.bytes(rng.range(0, 2048));
    if (g.length >= 4 && rng.chance(0.5)) {
      g.writeInt16BE(rng.pick(samples).apiKey, 0);
      g.writeInt16BE(rng.range(0, 12), 2);
    }
    return { kind: 'garbage', bytes: framed(g), terminal: false, mustClose: false };
  }
  if (roll < 79) {
    // Frames too short for a request header.
    return { kind: 'tiny', bytes: framed(rng.bytes(rng.range(0, 7))), terminal: false, mustClose: true };
  }
  if (roll < 82) {
    // A size the broker must refuse at once: negative or over socket.request.max.bytes.
    const f = Buffer.from(s.frame);
    f.writeInt32BE(rng.pick([-1, -0x80000000, 0x7fffffff, 104857601, 0x40000000]) | 0, 0);
    return { kind: 'size-refused', bytes: f, terminal: true, mustClose: true };
  }
  if (roll < 85) {
    // A size larger than what follows: the broker waits for the rest (the connection is done for).
    const f = Buffer.from(s.frame);
    f.writeInt32BE(body.length + rng.pick([1, 2, 100, 65536, 50_000_000]), 0);
    return { kind: 'size-short', bytes: f, terminal: true, mustClose: false };
  }
  if (roll < 88) {
    // The frame cut short, size untouched.
    return { kind: 'cut', bytes: s.frame.subarray(0, rng.range(0, s.frame.length - 1)), terminal: true, mustClose: false };
  }
  // Several valid frames glued, then one damaged (ordering + partial reads).
  const parts = [s.frame, rng.pick(samples).frame, framed(mutateBody(rng, rng.pick(samples).frame.subarray(4), true).body)];
  return { kind: 'pipelined', bytes: Buffer.concat(parts), terminal: false, mustClose: false };
}

/**
 * KNOWN_SLOW: creating a partition is synchronous storage work (directories, files, fsyncs: 3-15 ms each on a disk)
 * and every topic change rewrites the whole metadata file, so one CreateTopics/CreatePartitions request for thousands
 * of partitions (allowed up to 10000, as in Kafka) freezes the broker for seconds to minutes. That is a storage
 * matter, reported separately; the fuzzer re-rolls the rare mutation that would ask for it, so that it measures
 * protocol robustness. Returns true for such a frame.
 */
function createsManyPartitions(bytes: Buffer): boolean {
  if (bytes.length < 12) return false;
  const apiKey = bytes.readInt16BE(4);
  if (apiKey !== 19 && apiKey !== 37) return false;
  try {
    const version = bytes.readInt16BE(6);
    const r = new Reader(bytes, 4, Math.min(bytes.length, 4 + Math.max(0, bytes.readInt32BE(0))));
    readRequestHeader(r, requestHeaderVersion(apiKey, version));
    const req = getApiCodec(apiKey)!.decodeRequest(r, version) as { validateOnly?: boolean; topics: Array<{ numPartitions?: number; count?: number; assignments?: unknown[] | null }> };
    if (req.validateOnly) return false;
    return req.topics.some((t) => (t.numPartitions ?? 0) > 64 || (t.count ?? 0) > 64 || (t.assignments?.length ?? 0) > 64);
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// A fuzzing connection: writes frames, reads responses just enough to find the probe's answer.

const PROBE_BASE = 0x70000000;
/** ApiVersions v0, its correlation id at byte 8. */
const PROBE_FRAME = encodeRequestFrame(18, 0, { clientSoftwareName: '', clientSoftwareVersion: '' }, 0, 'probe');

class FuzzConn {
  readonly socket: net.Socket;
  private buf: Buffer = Buffer.alloc(0);
  private waiting: { id: number; resolve: (r: 'answered' | 'closed') => void } | undefined;
  closed = false;
  localPort = 0;
  readonly closedPromise: Promise<void>;

  constructor(host: string, port: number) {
    this.socket = net.connect({ host, port });
    this.socket.setNoDelay(true);
    let resolveClosed!: () => void;
    this.closedPromise = new Promise((r) => (resolveClosed = r));
    this.socket.on('connect', () => (this.localPort = this.socket.localPort ?? 0));
    this.socket.on('data', (d: Buffer) => this.onData(d));
    this.socket.on('error', () => {});
    this.socket.on('close', () => {
      this.closed = true;
      this.waiting?.resolve('closed');
      this.waiting = undefined;
      resolveClosed();
    });
  }

  ready(): Promise<boolean> {
    return new Promise((resolve) => {
      if (this.localPort) return resolve(true);
      this.socket.once('connect', () => resolve(true));
      this.socket.once('close', () => resolve(false));
    });
  }

  write(b: Buffer): void {
    if (!this.closed) this.socket.write(b);
  }

  /** Sends an ApiVersions v0 probe (after `before`, in the same write); resolves with its fate. */
  probe(id: number, timeoutMs: number, before?: Buffer): Promise<'answered' | 'closed' | 'timeout'> {
    if (this.closed) return Promise.resolve('closed');
    let settle!: (r: 'answered' | 'closed') => void;
    this.probeFate = new Promise((resolve) => (settle = resolve));
    this.waiting = { id, resolve: settle };
    const frame = Buffer.from(PROBE_FRAME);
    frame.writeInt32BE(id, 8);
    this.socket.write(before ? Buffer.concat([before, frame]) : frame);
    return this.awaitProbe(timeoutMs);
  }

  private probeFate: Promise<'answered' | 'closed'> | undefined;

  /** Waits (again) for the last probe's fate, at most `timeoutMs`. */
  awaitProbe(timeoutMs: number): Promise<'answered' | 'closed' | 'timeout'> {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([this.probeFate!, new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)))]).finally(() => clearTimeout(timer));
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    while (this.buf.length >= 8) {
      const size = this.buf.readInt32BE(0);
      if (size < 4 || size > 64 << 20) {
        // The broker never sends this: record it by closing (the probe then reports 'closed' and the test fails on it).
        badResponses++;
        this.destroy();
        return;
      }
      if (this.buf.length < 4 + size) return;
      const correlationId = this.buf.readInt32BE(4);
      this.buf = this.buf.subarray(4 + size);
      if (this.waiting && correlationId === this.waiting.id) {
        const w = this.waiting;
        this.waiting = undefined;
        w.resolve('answered');
      }
    }
  }
}

let badResponses = 0;

function forceGc(): void {
  v8.setFlagsFromString('--expose_gc');
  const gc = vm.runInNewContext('gc') as () => void;
  gc();
  gc();
}

// ---------------------------------------------------------------------------------------------------------------
// The fuzzing client runs in worker threads: the broker keeps this thread (and its event loop, which is measured)
// to itself, and the fuzzer gets the other cores.

interface ThreadInput {
  host: string;
  port: number;
  seed: number;
  connections: number;
  target: number;
  deadline: number;
  probeTimeoutMs: number;
  samples: Array<{ apiKey: number; version: number; frame: Uint8Array; batchAt?: { pos: number; len: number } }>;
}

interface ThreadResult {
  mutated: number;
  valid: number;
  connections: number;
  answered: number;
  closed: number;
  stalls: number;
  rerolled: number;
  byKind: Array<[string, number]>;
  badStalls: string[];
  mustCloseViolations: string[];
  badResponses: number;
}

type ThreadMessage = { type: 'progress'; mutated: number; recent: string[] } | { type: 'done'; result: ThreadResult } | { type: 'frames'; frames: Array<[number, string]> };

interface SentFrame {
  kind: string;
  sample: Sample;
  bytes: Buffer;
}

const describe_ = (f: SentFrame) => `${f.kind} from ${getApiCodec(f.sample.apiKey)!.name} v${f.sample.version}: ${f.bytes.subarray(0, 200).toString('hex')}`;

async function fuzzThread(input: ThreadInput): Promise<void> {
  const samples: Sample[] = input.samples.map((x) => ({ ...x, frame: Buffer.from(x.frame.buffer, x.frame.byteOffset, x.frame.byteLength) }));
  const quickSamples = samples.filter((x) => x.apiKey !== 11 && x.apiKey !== 14);
  const r: ThreadResult = { mutated: 0, valid: 0, connections: 0, answered: 0, closed: 0, stalls: 0, rerolled: 0, byKind: [], badStalls: [], mustCloseViolations: [], badResponses: 0 };
  const byKind = new Map<string, number>();
  const lastFrameByPort = new Map<number, SentFrame>();
  const recent: SentFrame[] = [];
  let probeId = PROBE_BASE;
  const post = (m: ThreadMessage) => parentPort!.postMessage(m);
  const progress = setInterval(() => post({ type: 'progress', mutated: r.mutated, recent: recent.slice(-6).map(describe_) }), 100);

  const loop = async (index: number) => {
    // One generator per connection loop: its frames do not depend on how the loops interleave.
    const rng = new Rng(input.seed + index * 7919);
    let conn: FuzzConn | undefined;
    while (r.mutated < input.target && Date.now() < input.deadline) {
      if (!conn || conn.closed) {
        conn = new FuzzConn(input.host, input.port);
        r.connections++;
        if (!(await conn.ready())) throw new Error('cannot connect to the broker');
        // Some real traffic first, so that connections are not all one-frame affairs (not an API that may wait:
        // the probe would wait behind it).
        if (rng.chance(0.3)) {
          conn.write(rng.pick(quickSamples).frame);
          r.valid++;
        }
      }
      const s = rng.pick(samples);
      let m = mutate(rng, s, samples);
      while (createsManyPartitions(m.bytes)) {
        r.rerolled++;
        m = mutate(rng, s, samples);
      }
      r.mutated++;
      const kind = m.kind.split('+')[0];
      byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
      const sent: SentFrame = { kind: m.kind, sample: s, bytes: m.bytes };
      recent.push(sent);
      if (recent.length > 64) recent.splice(0, 32);
      lastFrameByPort.set(conn.localPort, sent);
      // Now and then, deliver in two pieces (the broker reassembles frames from any split).
      let pending: Buffer | undefined = m.bytes;
      if (rng.chance(0.05) && m.bytes.length > 8) {
        const cut = rng.range(1, m.bytes.length - 1);
        conn.write(m.bytes.subarray(0, cut));
        await new Promise((res) => setImmediate(res));
        conn.write(m.bytes.subarray(cut));
        pending = undefined;
      }
      if (m.terminal) {
        if (pending) conn.write(pending);
        const closedInTime = await Promise.race([conn.closedPromise.then(() => true), new Promise<boolean>((res) => setTimeout(() => res(false), m.mustClose ? 1000 : 5))]);
        if (m.mustClose && !closedInTime) r.mustCloseViolations.push(`${m.kind}: ${m.bytes.subarray(0, 16).toString('hex')}`);
        conn.destroy();
        conn = undefined;
        continue;
      }
      const fate = await conn.probe(++probeId, input.probeTimeoutMs, pending);
      if (fate === 'answered') {
        r.answered++;
        if (m.mustClose) r.mustCloseViolations.push(`${m.kind} was answered: ${m.bytes.toString('hex')}`);
      } else if (fate === 'closed') r.closed++;
      else {
        r.stalls++;
        // An API that never waits: give a busy machine 5 s more before calling it a hang.
        const apiKey = m.bytes.length >= 6 ? m.bytes.readInt16BE(4) : -99;
        if (!MAY_WAIT.has(apiKey) && m.kind !== 'pipelined' && (await conn.awaitProbe(5000)) === 'timeout') r.badStalls.push(describe_(sent));
        conn.destroy();
        conn = undefined;
      }
    }
    conn?.destroy();
  };
  await Promise.all(Array.from({ length: input.connections }, (_, i) => loop(i)));
  clearInterval(progress);
  r.byKind = [...byKind];
  r.badResponses = badResponses;
  post({ type: 'done', result: r });
  // The test asks for the frames last sent on the connections the broker complained about.
  parentPort!.once('message', (ports: number[]) => {
    post({ type: 'frames', frames: ports.filter((p) => lastFrameByPort.has(p)).map((p) => [p, describe_(lastFrameByPort.get(p)!)]) });
    parentPort!.close();
  });
}

if (!isMainThread && (workerData as { fuzzThread?: ThreadInput })?.fuzzThread) {
  void fuzzThread((workerData as { fuzzThread: ThreadInput }).fuzzThread);
} else if (typeof describe === 'function') {
  // What the fuzzer found, pinned down so that it stays fixed whatever the seed.
  describe('fuzz findings (regressions)', function () {
    this.timeout(20000);
    let broker: TestBroker;
    before(async () => {
      broker = await startTestBroker({ nodes: 1 });
      broker.cluster.createTopic('pinned', 1, 1);
    });
    after(async () => broker?.stop());

    it('Metadata v10-11 naming a topic by id (or by a null name) is refused with INVALID_REQUEST, not a failed encode', async () => {
      const id = uuidFromKafkaString(broker.cluster.metadata.topic('pinned')!.topicId);
      const c = await RawClient.connect(broker.bootstrap);
      try {
        for (const v of [10, 11]) {
          for (const topics of [
            [{ topicId: 'ffffffffffffffffffffffffffffffff', name: null }],
            [{ topicId: id, name: null }],
            [{ topicId: ZERO_UUID, name: 'pinned' }, { topicId: id, name: 'pinned' }],
          ]) {
            const md = await c.request(3, v, { topics, allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false });
            assert.deepEqual(md.topics.map((t) => [t.name, t.errorCode]), topics.map((t) => [t.name ?? '', 42]), `v${v}`);
          }
        }
        // By name it works, and v12 resolves ids.
        const ok = await c.request(3, 11, { topics: [{ topicId: ZERO_UUID, name: 'pinned' }], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false });
        assert.deepEqual(ok.topics.map((t) => [t.name, t.errorCode]), [['pinned', 0]]);
        const v12 = await c.request(3, 12, { topics: [{ topicId: id, name: null }], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false });
        assert.deepEqual(v12.topics.map((t) => [t.name, t.errorCode]), [['pinned', 0]]);
      } finally {
        c.close();
      }
      assert.deepEqual(broker.logger.lines.filter((l) => l.startsWith('ERROR')), []);
    });

    it('a long-poll Fetch whose client leaves stops waiting, without spinning the event loop until max.wait.ms', async () => {
      broker.cluster.append('pinned', 0, encodeRecordBatch({ records: [{ key: null, value: Buffer.from('x') }] }));
      const [host, port] = broker.bootstrap.split(',')[0].split(':');
      const socket = net.connect({ host, port: Number(port) });
      await new Promise((r) => socket.once('connect', r));
      const fetch = encodeRequestFrame(1, 12, {
        ...defaultFetchRequestData(),
        maxWaitMs: 3000,
        minBytes: 1_000_000,
        maxBytes: 1 << 20,
        topics: [{ topic: 'pinned', topicId: ZERO_UUID, partitions: [fetchPartition(0, 0)] }],
      }, 1);
      socket.write(fetch);
      await new Promise((r) => setTimeout(r, 100));
      socket.destroy();
      // Before the fix every wait resolved at once on the closed connection: the loop spun in microtasks for the
      // remaining ~2.9 s and no timer could fire.
      const t0 = Date.now();
      await new Promise((r) => setTimeout(r, 50));
      const lateBy = Date.now() - t0 - 50;
      assert.ok(lateBy < 500, `a 50 ms timer fired ${lateBy} ms late: the event loop was blocked`);
    });

    it('Produce refuses what Kafka refuses from clients: no records, inconsistent counts, control batches, bad codecs', async () => {
      const c = await RawClient.connect(broker.bootstrap);
      const log = broker.cluster.leaderLog('pinned', 0);
      const produce = async (batch: Buffer) => {
        batch.writeUInt32BE(crc32c(batch, 21, batch.length) >>> 0, 17);
        const r = await c.request(0, 9, { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: 'pinned', partitionData: [{ index: 0, records: batch }] }] });
        const p = r.responses[0].partitionResponses[0];
        return [p.errorCode, p.errorMessage];
      };
      const batch = (n = 3) => encodeRecordBatch({ records: Array.from({ length: n }, (_, i) => ({ key: null, value: Buffer.from(`v${i}`) })) });
      try {
        const end = log.logEndOffset;
        let b = batch();
        b.writeInt32BE(0, 57); // no records...
        b.writeInt32BE(0x7fffffff, 23); // ...but 2^31 offsets
        assert.deepEqual(await produce(b), [87, 'Invalid reported count for record batch: 0 in topic partition pinned-0']);
        b = batch();
        b.writeInt32BE(1000, 23);
        assert.deepEqual(await produce(b), [87, 'Inconsistent batch offset range [0, 1000] and count of records 3 in topic partition pinned-0']);
        b = batch();
        b.writeInt16BE(0x20, 21);
        assert.deepEqual(await produce(b), [87, 'Clients are not allowed to write control records in topic partition pinned-0']);
        b = batch();
        b.writeInt16BE(0x07, 21);
        assert.deepEqual(await produce(b), [2, 'Unknown compression type id: 7']);
        b = batch(3);
        b.writeInt32BE(1000, 57);
        b.writeInt32BE(999, 23);
        assert.equal((await produce(b))[0], 87);
        assert.equal(log.logEndOffset, end, 'nothing was appended');
        assert.deepEqual(await produce(batch()), [0, null]);
        assert.equal(log.logEndOffset, end + 3);
      } finally {
        c.close();
      }
    });
  });

  describe('fuzz: mutated frames against a running broker', function () {
    this.timeout(TIME_LIMIT_MS + 60_000);
    let broker: TestBroker;

    before(async () => {
      await initCompression();
      // On tmpfs when there is one: fsync costs are not what this test is about (see KNOWN_SLOW).
      const dataDir = fs.existsSync('/dev/shm') ? fs.mkdtempSync(path.join('/dev/shm', 'tributary-fuzz-')) : undefined;
      broker = await startTestBroker({ nodes: 1, dataDir, config: { 'group.initial.rebalance.delay.ms': '0', 'auto.create.topics.enable': 'true' } });
    });
    after(async () => broker?.stop());

    it(`survives ${TARGET.toLocaleString('en')} mutated frames while a healthy client keeps working (seed ${SEED})`, async () => {
      const cluster = broker.cluster;
      const [host, portText] = broker.bootstrap.split(',')[0].split(':');
      const port = Number(portText);

      // Fuzz targets (the healthy topic is never named in the corpus, so no mutation can reach it by name).
      const fuzzTopic = cluster.createTopic('fuzz', 1, 1);
      const fuzzTopic3 = cluster.createTopic('fuzz3', 3, 1);
      cluster.createTopic('healthy', 1, 1);
      const now = Date.now();
      const recs = (n: number, tag: string) =>
        Array.from({ length: n }, (_, i) => ({ key: i % 3 ? Buffer.from(`k${i}`) : null, value: Buffer.from(`${tag}-${i}`.repeat(3)), headers: i % 2 ? [{ key: 'h', value: Buffer.from('v') }] : [], timestamp: now + i }));
      const ctx: CorpusContext = {
        topic: 'fuzz',
        topicId: uuidFromKafkaString(fuzzTopic.topicId),
        topic3: 'fuzz3',
        topic3Id: uuidFromKafkaString(fuzzTopic3.topicId),
        group: 'fuzz-group',
        batches: [
          encodeRecordBatch({ records: recs(5, 'plain') }),
          encodeRecordBatch({ records: recs(4, 'gzip'), compression: CompressionType.Gzip }),
          encodeRecordBatch({ records: recs(4, 'snappy'), compression: CompressionType.Snappy }),
          encodeRecordBatch({ records: recs(3, 'lz4'), compression: CompressionType.Lz4 }),
          encodeRecordBatch({ records: recs(6, 'zstd'), compression: CompressionType.Zstd }),
          encodeRecordBatch({ records: recs(2, 'idem'), producerId: 7, producerEpoch: 0, baseSequence: 0 }),
        ],
      };
      const { samples, missing } = buildCorpus(ctx, broker.server.supportedApis());
      assert.deepEqual(missing, [], 'every served API and version has a sample');
      // Sanity: every unmutated sample is a request the broker accepts.
      {
        let c = new FuzzConn(host, port);
        await c.ready();
        for (const [i, s] of samples.entries()) {
          c.write(s.frame);
          const fate = await c.probe(PROBE_BASE - 1 - i, 3000);
          // Produce v0-2 is advertised but refused; with acks=0 the refusal closes the connection, as in Kafka.
          // A JoinGroup may wait for the other members of the group.
          if ((s.apiKey === 0 && s.version < 3 && fate === 'closed') || (MAY_WAIT.has(s.apiKey) && fate === 'timeout')) {
            c.destroy();
            c = new FuzzConn(host, port);
            await c.ready();
            continue;
          }
          assert.equal(fate, 'answered', `valid ${getApiCodec(s.apiKey)!.name} v${s.version} was not answered (${fate}): ${broker.logger.lines.slice(-3).join(' | ')}`);
        }
        c.destroy();
      }

      // The healthy client: a kafkajs producer (no retries: any failure shows) and a raw reader.
      const kafka = new Kafka({ brokers: [broker.bootstrap.split(',')[0]], clientId: 'healthy', logLevel: logLevel.NOTHING, retry: { retries: 0 } });
      const producer: Producer = kafka.producer({ allowAutoTopicCreation: false });
      await producer.connect();
      const reader = await RawClient.connect(broker.bootstrap);
      let healthySent = 0;
      let healthyRead = 0;
      const healthyErrors: string[] = [];
      let healthyMaxLatency = 0;
      let stopHealthy = false;
      const healthyLoop = (async () => {
        while (!stopHealthy) {
          const batch = Array.from({ length: 10 }, (_, i) => ({ key: `k${healthySent + i}`, value: `healthy-${healthySent + i}` }));
          const t0 = Date.now();
          try {
            const res = await producer.send({ topic: 'healthy', acks: -1, messages: batch });
            if (res[0].errorCode !== 0 || Number(res[0].baseOffset) !== healthySent) healthyErrors.push(`produce answered ${JSON.stringify(res)} for offset ${healthySent}`);
            healthySent += batch.length;
          } catch (e) {
            healthyErrors.push(`produce: ${(e as Error).message}`);
            await new Promise((res) => setTimeout(res, 100));
          }
          healthyMaxLatency = Math.max(healthyMaxLatency, Date.now() - t0);
          try {
            const f = await reader.request(1, 12, {
              ...defaultFetchRequestData(),
              maxWaitMs: 0,
              minBytes: 0,
              maxBytes: 1 << 20,
              topics: [{ topic: 'healthy', topicId: ZERO_UUID, partitions: [{ ...fetchPartition(0, healthyRead), partitionMaxBytes: 1 << 20 }] }],
            });
            const p = f.responses[0].partitions[0];
            if (p.errorCode !== 0) healthyErrors.push(`fetch error ${p.errorCode}`);
            const records = p.records ?? Buffer.alloc(0);
            for (let pos = 0; pos + 12 <= records.length; ) {
              const size = records.readInt32BE(pos + 8) + LOG_OVERHEAD;
              if (pos + size > records.length) break;
              for (const rec of decodeRecords(records, pos)) {
                if (rec.offset < healthyRead) continue;
                if (rec.offset !== healthyRead || rec.value?.toString() !== `healthy-${healthyRead}`) healthyErrors.push(`read ${rec.offset}=${rec.value?.toString()} where ${healthyRead} was expected`);
                healthyRead = rec.offset + 1;
              }
              pos += size;
            }
          } catch (e) {
            healthyErrors.push(`fetch: ${(e as Error).message}`);
          }
          await new Promise((res) => setTimeout(res, 15));
        }
      })();

      // The broker's event loop (this thread's): a frozen broker shows here, with what the fuzzers sent last.
      const recentByThread = new Map<number, string[]>();
      let maxLag = 0;
      let last = Date.now();
      const freezes: string[] = [];
      const lagTimer = setInterval(() => {
        const t = Date.now();
        const lag = t - last - 20;
        if (lag > 1000) freezes.push(`${lag} ms, after: ${[...recentByThread.values()].flat().join('\n  ')}`);
        maxLag = Math.max(maxLag, lag);
        last = t;
      }, 20);

      // Broker log lines: errors (a handler threw) are collected with the port of their connection.
      const errors: Array<{ line: string; port?: number }> = [];
      const drainLog = () => {
        for (const line of broker.logger.lines.splice(0)) {
          if (!line.startsWith('ERROR')) continue;
          const m = /127\.0\.0\.1:(\d+)-\d+/.exec(line);
          errors.push({ line: line.split('\n').slice(0, 4).join(' / '), port: m ? Number(m[1]) : undefined });
        }
      };
      const logTimer = setInterval(drainLog, 200);

      forceGc();
      const memBefore = process.memoryUsage();
      const rssBefore = memBefore.rss;
      const heapBefore = memBefore.heapUsed + memBefore.external;
      const started = Date.now();
      const threadCount = THREADS;
      const workers = Array.from({ length: threadCount }, (_, t) => {
        const input: ThreadInput = {
          host,
          port,
          seed: SEED + t * 1_000_003,
          connections: Math.ceil(CONNECTIONS / threadCount),
          target: Math.ceil(TARGET / threadCount),
          deadline: started + TIME_LIMIT_MS,
          probeTimeoutMs: PROBE_TIMEOUT_MS,
          samples: samples.map((x) => ({ apiKey: x.apiKey, version: x.version, frame: x.frame, batchAt: x.batchAt })),
        };
        return new Worker(__filename, { workerData: { fuzzThread: input } });
      });
      const results = await Promise.all(
        workers.map(
          (w, t) =>
            new Promise<ThreadResult>((resolve, reject) => {
              w.on('message', (m: ThreadMessage) => {
                if (m.type === 'progress') recentByThread.set(t, m.recent);
                if (m.type === 'done') resolve(m.result);
              });
              w.on('error', reject);
              w.on('exit', (code) => reject(new Error(`fuzz thread ${t} exited with ${code} before it finished`)));
            }),
        ),
      );
      const fuzzMs = Date.now() - started;

      // Let the broker notice the last closes.
      await new Promise((res) => setTimeout(res, 500));
      stopHealthy = true;
      await healthyLoop;
      clearInterval(lagTimer);
      clearInterval(logTimer);
      drainLog();

      // The frames behind the broker's complaints; then the threads exit.
      const ports = errors.map((e) => e.port).filter((p): p is number => p !== undefined);
      const frames = new Map<number, string>();
      await Promise.all(
        workers.map(
          (w) =>
            new Promise<void>((resolve) => {
              w.on('message', (m: ThreadMessage) => {
                if (m.type === 'frames') for (const [p, f] of m.frames) frames.set(p, f);
              });
              w.once('exit', () => resolve());
              w.postMessage(ports);
            }),
        ),
      );
      // What is left (the fuzzing threads are gone: their memory is not the broker's).
      forceGc();
      const memAfter = process.memoryUsage();
      const rssAfter = memAfter.rss;
      const heapAfter = memAfter.heapUsed + memAfter.external;
      await Promise.all(workers.map((w) => w.terminate()));
      const errorReports = errors.map((e) => `${e.line}${e.port !== undefined && frames.has(e.port) ? `\n    frame: ${frames.get(e.port)}` : ''}`);

      const sum = (f: (r: ThreadResult) => number) => results.reduce((n, r) => n + f(r), 0);
      const byKind = new Map<string, number>();
      for (const r of results) for (const [k, n] of r.byKind) byKind.set(k, (byKind.get(k) ?? 0) + n);
      const mutated = sum((r) => r.mutated);
      const answered = sum((r) => r.answered);
      const closed = sum((r) => r.closed);
      const badStalls = results.flatMap((r) => r.badStalls);
      const mustCloseViolations = results.flatMap((r) => r.mustCloseViolations);
      const summary =
        `seed ${SEED}: ${mutated} mutated + ${sum((r) => r.valid)} valid frames in ${(fuzzMs / 1000).toFixed(1)} s over ${sum((r) => r.connections)} connections ` +
        `(${threadCount} threads); probe answered ${answered}, closed ${closed}, stalled ${sum((r) => r.stalls)}; ` +
        `kinds ${[...byKind].map(([k, n]) => `${k}=${n}`).join(' ')}; ` +
        `healthy ${healthySent} sent / ${healthyRead} read, max latency ${healthyMaxLatency} ms; event loop max lag ${maxLag} ms; ` +
        `${cluster.metadata.topics().length} topics; ${sum((r) => r.rerolled)} re-rolled (KNOWN_SLOW); ` +
        `rss ${(rssBefore / 1e6).toFixed(0)} -> ${(rssAfter / 1e6).toFixed(0)} MB, heap+external ${(heapBefore / 1e6).toFixed(0)} -> ${(heapAfter / 1e6).toFixed(0)} MB`;
      console.log(`      ${summary}`);

      assert.deepEqual(errorReports.slice(0, 10), [], `handlers failed on fuzzed input (${errorReports.length} errors)`);
      assert.ok(maxLag < 1500, `the broker's event loop froze for ${maxLag} ms: ${freezes.slice(0, 2).join('\n')}`);
      assert.deepEqual(badStalls.slice(0, 10), [], `the broker stalled on ${badStalls.length} frames of APIs that never wait`);
      assert.deepEqual(mustCloseViolations.slice(0, 10), [], 'frames that must close the connection did not');
      assert.equal(sum((r) => r.badResponses), 0, 'the broker sent a malformed response frame');
      assert.ok(mutated >= TARGET, `only ${mutated} mutated frames were sent within ${TIME_LIMIT_MS} ms`);
      assert.ok(closed > TARGET / 10 && answered > TARGET / 10, 'the fuzzer saw both answers and closes (it reached the broker)');
      assert.deepEqual(healthyErrors.slice(0, 10), [], 'the healthy client failed');
      assert.ok(healthySent >= 200, `the healthy client made progress (${healthySent} messages)`);
      assert.ok(rssAfter - rssBefore < 200e6, `rss grew by ${((rssAfter - rssBefore) / 1e6).toFixed(0)} MB`);
      assert.ok(heapAfter - heapBefore < 64e6, `the broker's heap and buffers grew by ${((heapAfter - heapBefore) / 1e6).toFixed(0)} MB`);

      // Everything the healthy client sent is there, once, in order.
      const log = cluster.leaderLog('healthy', 0);
      assert.equal(log.logEndOffset, healthySent);
      const values: string[] = [];
      for (let offset = 0; offset < log.logEndOffset; ) {
        const { records } = log.read(offset, 1 << 20, 'logEnd');
        for (let pos = 0; pos < records.length; ) {
          const size = records.readInt32BE(pos + 8) + LOG_OVERHEAD;
          for (const rec of decodeRecords(records, pos)) values.push(rec.value!.toString());
          pos += size;
        }
        offset = values.length;
      }
      assert.deepEqual(values, Array.from({ length: healthySent }, (_, i) => `healthy-${i}`));

      // No connection leaked: only the healthy client's remain.
      const open = [...(broker.server as unknown as { nodes: Map<number, { connections: Set<unknown> }> }).nodes.values()].reduce((n, l) => n + l.connections.size, 0);
      assert.ok(open <= 4, `${open} connections are still open on the broker`);

      // The broker is still up: a fresh client works end to end.
      await producer.disconnect();
      reader.close();
      const fresh = new Kafka({ brokers: broker.bootstrap.split(','), clientId: 'fresh', logLevel: logLevel.NOTHING });
      const p2 = fresh.producer();
      await p2.connect();
      const res = await p2.send({ topic: 'after-fuzz', acks: -1, messages: [{ key: 'a', value: 'still alive' }] });
      assert.equal(res[0].errorCode, 0);
      await p2.disconnect();
      const admin = fresh.admin();
      await admin.connect();
      assert.deepEqual(await admin.fetchTopicOffsets('after-fuzz'), [{ partition: 0, offset: '1', high: '1', low: '0' }]);
      await admin.disconnect();
      const raw = await RawClient.connect(broker.bootstrap);
      const versions = await raw.request(18, 3, { clientSoftwareName: 'fresh', clientSoftwareVersion: '1' });
      assert.equal(versions.errorCode, 0);
      raw.close();
    });
  });
}
