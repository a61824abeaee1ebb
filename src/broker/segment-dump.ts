/**
 * A structured dump of one log segment for the segment inspector: what `tributary dump-log` (src/cli/dump-log.ts,
 * Kafka's kafka-dump-log.sh) prints, as the protocol's SegmentDump data instead of text. Per batch the fields of
 * kafka-dump-log's batch line plus the CRC-32C computed over the bytes; per record its key, value and headers (as
 * capped BytesViews), control records described, `__consumer_offsets` records decoded; the `.index` and `.timeindex`
 * entries that cover the page, each checked against the batches; a torn or corrupt tail.
 *
 * Paged and bounded: a page starts at `fromPosition` and reads only its own batches (at most `maxBatches`, about
 * `maxBytes` of log and `maxRecords` records), so the first page of a 1 GB segment reads a few kilobytes. A position
 * that is not the start of a batch is resolved through the offset index (the last entry at or below it, then a walk
 * over batch headers), and so is an offset (positionOfOffset). The index files are read entry by entry (binary search
 * with positioned reads), never whole; a preallocated index of a real Kafka log directory ends at its first zero entry.
 *
 * Works on any path: a partition directory of this broker or of a real Kafka log directory. No vscode import.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isUtf8 } from 'node:buffer';
import type {
  BatchDump,
  BytesView,
  GroupMetadataValue,
  OffsetIndexEntry,
  OffsetsTopicRecord,
  RecordHeaderView,
  SegmentDump,
  SegmentRecord,
  SegmentSummary,
  TimeIndexEntry,
} from '../shared/webview-protocol';
import { ATTRIBUTES_OFFSET, BatchHeader, DELETE_HORIZON_FLAG_MASK, isControl, isLogAppendTime, isTransactional, lastOffsetOf } from './records/batch-header';
import { compressionName } from './records/compression';
import { ControlRecordType, controlRecordTypeName, decodeControlRecordType, decodeEndTxnMarker } from './records/control-record';
import { crc32c } from './records/crc32c';
import type { Record as KafkaRecord } from './records/record';
import { decodeRecords, incrementSequence, lastSequenceOf } from './records/record-batch';
import { decodeOffsetsTopicRecord } from './coordinator/group/offsets-records';
import { decodeAssignment } from './coordinator/group/consumer-protocol';
import type { ConsumerGroupRecord } from './coordinator/group/consumer-group-records';
import { MEMBER_STATE_NAMES, type MemberState } from './coordinator/group/consumer-group';
import { uuidToKafkaString } from '../protocol/codec';
import { SegmentFileReader } from './storage/segment-file-reader';
import { INDEX_FILE_SUFFIX, LOG_FILE_SUFFIX, TIME_INDEX_FILE_SUFFIX, filenamePrefixFromOffset, offsetFromFileName, parsePartitionDirName } from './storage/log-files';

const OFFSETS_TOPIC = '__consumer_offsets';
const OFFSET_ENTRY = 8;
const TIME_ENTRY = 12;

const SEGMENT_PAGE_DEFAULTS = {
  maxBatches: 500,
  /** Bytes of log one page reads at most (a page always holds at least one batch). */
  maxBytes: 8 << 20,
  /** Records one page lists at most; a page ends before the batch that would go past it. */
  maxRecords: 2000,
  /** Bytes of a key, value or header value sent in its BytesView. */
  maxPreviewBytes: 1024,
} as const;

// ---------------------------------------------------------------------------------------------------------------
// BytesView

/**
 * A capped view of some bytes for a webview: the first `maxPreviewBytes` as base64 and as UTF-8 text, with the
 * whole size. `utf8` says whether the bytes shown are valid UTF-8 (a multi-byte character cut by the cap does not
 * count against them). Shared by the segment dump and the consumer panel's host.
 */
export function bytesView(buf: Uint8Array | null, maxPreviewBytes: number): BytesView | null {
  if (buf === null) return null;
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const truncated = b.length > maxPreviewBytes;
  const shown = truncated ? b.subarray(0, Math.max(0, maxPreviewBytes)) : b;
  let textBytes = shown;
  let utf8 = isUtf8(shown);
  if (!utf8 && truncated) {
    // The cap may have cut a character in two: the bytes before it still decide.
    for (let cut = 1; cut <= 3 && cut <= shown.length && !utf8; cut++) {
      if (isUtf8(shown.subarray(0, shown.length - cut))) {
        textBytes = shown.subarray(0, shown.length - cut);
        utf8 = true;
      }
    }
  }
  return { size: b.length, base64: shown.toString('base64'), text: textBytes.toString('utf8'), utf8, truncated };
}

// ---------------------------------------------------------------------------------------------------------------
// Files

/** What a segment file's path says: its partition directory, topic-partition, node and base offset. */
interface SegmentFileInfo {
  dir: string;
  /** The partition directory's name when it is not "<topic>-<partition>". */
  topic: string;
  /** -1 when the directory name does not end in a partition number. */
  partition: number;
  /** From a parent "node-N" directory (Tributary) or its meta.properties (node.id / broker.id, Kafka); else -1. */
  node: number;
  baseOffset: number;
  logFile: string;
}

/** Reads the path of a .log (or .index/.timeindex) file. Throws when the name has no 20-digit base offset. */
export function segmentFileInfo(file: string): SegmentFileInfo {
  const abs = path.resolve(file);
  const dir = path.dirname(abs);
  const name = path.basename(abs);
  const baseOffset = offsetFromFileName(name);
  if (baseOffset === undefined) throw new Error(`${name} is not a segment file: its name must start with a 20-digit base offset (00000000000000000000.log)`);
  const tp = parsePartitionDirName(path.basename(dir));
  return {
    dir,
    topic: tp?.topic ?? path.basename(dir),
    partition: tp?.partition ?? -1,
    node: nodeOfLogDir(path.dirname(dir)),
    baseOffset,
    logFile: path.join(dir, filenamePrefixFromOffset(baseOffset) + LOG_FILE_SUFFIX),
  };
}

function nodeOfLogDir(logDir: string): number {
  const m = /^node-(\d+)$/.exec(path.basename(logDir));
  if (m) return Number(m[1]);
  try {
    const props = fs.readFileSync(path.join(logDir, 'meta.properties'), 'utf8');
    const id = /^(?:node\.id|broker\.id)\s*=\s*(\d+)\s*$/m.exec(props);
    if (id) return Number(id[1]);
  } catch {
    // not a Kafka log directory, or unreadable: the node is unknown
  }
  return -1;
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/** The segments of a partition directory, by base offset; the last one is the active segment. */
export function listSegments(dir: string): SegmentSummary[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const out: SegmentSummary[] = [];
  for (const name of names) {
    if (!name.endsWith(LOG_FILE_SUFFIX)) continue;
    const base = offsetFromFileName(name);
    if (base === undefined) continue;
    const prefix = filenamePrefixFromOffset(base);
    out.push({
      baseOffset: base,
      logFile: name,
      logSize: fileSize(path.join(dir, name)),
      indexSize: fileSize(path.join(dir, prefix + INDEX_FILE_SUFFIX)),
      timeIndexSize: fileSize(path.join(dir, prefix + TIME_INDEX_FILE_SUFFIX)),
      active: false,
    });
  }
  out.sort((a, b) => a.baseOffset - b.baseOffset);
  if (out.length) out[out.length - 1].active = true;
  return out;
}

/** The .log file of the segment with this base offset in a partition directory. */
export function segmentLogFile(dir: string, baseOffset: number): string {
  if (!Number.isSafeInteger(baseOffset) || baseOffset < 0) throw new Error(`Invalid segment base offset ${baseOffset}`);
  return path.join(dir, filenamePrefixFromOffset(baseOffset) + LOG_FILE_SUFFIX);
}

// ---------------------------------------------------------------------------------------------------------------
// Reading the indexes

/** An .index or .timeindex file read entry by entry. */
class IndexReader {
  private constructor(
    private readonly fh: fs.promises.FileHandle | undefined,
    readonly entrySize: number,
    /** Whole entries in the file. */
    readonly slots: number,
    /** Bytes past the last whole entry. */
    readonly trailing: number,
    /** Entries before the zero fill of a preallocated index. */
    public count = 0,
  ) {}

  static async open(file: string, entrySize: number): Promise<IndexReader> {
    let fh: fs.promises.FileHandle;
    try {
      fh = await fs.promises.open(file, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return new IndexReader(undefined, entrySize, 0, 0);
      throw e;
    }
    const size = (await fh.stat()).size;
    const r = new IndexReader(fh, entrySize, Math.floor(size / entrySize), size % entrySize);
    r.count = await r.countEntries();
    return r;
  }

  get exists(): boolean {
    return this.fh !== undefined;
  }

  close(): Promise<void> {
    return this.fh?.close() ?? Promise.resolve();
  }

  async raw(slot: number, n = 1): Promise<Buffer> {
    const buf = Buffer.alloc(n * this.entrySize);
    if (!this.fh || n === 0) return buf;
    await this.fh.read(buf, 0, buf.length, slot * this.entrySize);
    return buf;
  }

  /** The relative offset of an entry (bytes 0-3 of an offset entry, 8-11 of a time entry). */
  private async relativeOffset(slot: number): Promise<number> {
    return (await this.raw(slot)).readInt32BE(this.entrySize === OFFSET_ENTRY ? 0 : 8);
  }

  /**
   * Real entries strictly increase in offset, so past the first entry a relative offset of 0 is the zero fill of a
   * preallocated index (Kafka's active segment): real entries are a prefix, found by binary search.
   */
  private async countEntries(): Promise<number> {
    if (this.slots <= 1) return this.slots;
    let lo = 1;
    let hi = this.slots; // first zero slot in [lo, hi]
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((await this.relativeOffset(mid)) === 0) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** The first slot in [0, count) whose key (read by `key`) is >= target; count when none. */
  async lowerBound(target: number, key: (entry: Buffer) => number): Promise<number> {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (key(await this.raw(mid)) < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

const positionOf = (e: Buffer) => e.readInt32BE(4);
const relOffsetOf = (e: Buffer) => e.readInt32BE(0);
const timeRelOffsetOf = (e: Buffer) => e.readInt32BE(8);
const timestampOf = (e: Buffer, at = 0) => e.readInt32BE(at) * 4294967296 + e.readUInt32BE(at + 4);

/** Where `file`'s index sits next to it. */
function sibling(logFile: string, suffix: string): string {
  return path.join(path.dirname(logFile), path.basename(logFile).split('.')[0] + suffix);
}

/**
 * The position of the batch holding `offset` (or the first batch after it) in a .log, found as Kafka's
 * LogSegment.translateOffset does: the offset index's last entry at or below it, then batch headers forward.
 * Undefined when the segment has no such batch.
 */
export async function positionOfOffset(logFile: string, offset: number): Promise<number | undefined> {
  const baseOffset = offsetFromFileName(path.basename(logFile)) ?? 0;
  const [log, index] = await Promise.all([SegmentFileReader.open(logFile), IndexReader.open(sibling(logFile, INDEX_FILE_SUFFIX), OFFSET_ENTRY)]);
  try {
    const slot = (await index.lowerBound(offset - baseOffset + 1, relOffsetOf)) - 1;
    let position = slot >= 0 ? positionOf(await index.raw(slot)) : 0;
    if (position < 0 || position >= log.size) position = 0; // a broken entry: walk from the start
    return (await log.batchHolding(position, offset))?.position;
  } finally {
    await Promise.all([log.close(), index.close()]);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The dump

interface SegmentDumpOptions {
  /** Where the page starts (a batch's position); default 0. */
  fromPosition?: number;
  maxBatches?: number;
  maxBytes?: number;
  maxRecords?: number;
  maxPreviewBytes?: number;
  /** Names shown in the dump; by default taken from the path (segmentFileInfo). */
  topic?: string;
  partition?: number;
  node?: number;
}

/** One page of the dump of the .log file `logFile` (the path of its .index or .timeindex is taken as its .log). */
export async function dumpSegment(logFile: string, opts: SegmentDumpOptions = {}): Promise<SegmentDump> {
  const info = segmentFileInfo(logFile);
  const file = info.logFile;
  const maxBatches = Math.max(1, Math.floor(opts.maxBatches ?? SEGMENT_PAGE_DEFAULTS.maxBatches));
  const maxBytes = Math.max(1, opts.maxBytes ?? SEGMENT_PAGE_DEFAULTS.maxBytes);
  const maxRecords = Math.max(1, opts.maxRecords ?? SEGMENT_PAGE_DEFAULTS.maxRecords);
  const preview = Math.max(0, opts.maxPreviewBytes ?? SEGMENT_PAGE_DEFAULTS.maxPreviewBytes);
  const topic = opts.topic ?? info.topic;
  const problems: string[] = [];

  const log = await SegmentFileReader.open(file);
  const [offsetIndex, timeIndex] = await Promise.all([
    IndexReader.open(sibling(file, INDEX_FILE_SUFFIX), OFFSET_ENTRY),
    IndexReader.open(sibling(file, TIME_INDEX_FILE_SUFFIX), TIME_ENTRY),
  ]);
  try {
    const start = await resolveStart(log, offsetIndex, info.baseOffset, opts.fromPosition ?? 0, problems);
    const batches: BatchDump[] = [];
    let bytes = 0;
    let records = 0;
    const walked = await log.walk(start, async ({ position, header, size }) => {
      if (batches.length > 0 && (batches.length >= maxBatches || bytes + size > maxBytes || records + header.recordCount > maxRecords)) return false;
      const raw = await log.read(position, size);
      batches.push(batchDump(raw, header, position, topic, preview, maxRecords));
      bytes += size;
      records += Math.max(0, header.recordCount);
      return true;
    });
    const nextPosition = walked.end ? undefined : walked.position;
    const invalidTail: SegmentDump['invalidTail'] =
      walked.end && walked.end.end !== 'eof' ? { position: walked.position, bytes: log.size - walked.position, reason: walked.end.reason } : undefined;
    const pageEnd = nextPosition ?? Number.MAX_SAFE_INTEGER;
    const atEnd = nextPosition === undefined;
    // The active segment's indexes may not be on disk yet (Tributary writes their entries in bulk; Kafka's are
    // preallocated): only a closed segment's missing index is a problem.
    const active = isActiveSegment(info);
    const offsetEntries = await offsetIndexEntries(offsetIndex, info.baseOffset, start, pageEnd, log.size, batches, invalidTail, active ? [] : problems);
    const timeEntries = await timeIndexEntries(timeIndex, info.baseOffset, batches, atEnd, active ? [] : problems);
    return {
      topic,
      partition: opts.partition ?? info.partition,
      node: opts.node ?? info.node,
      baseOffset: info.baseOffset,
      logFile: path.basename(file),
      logSize: log.size,
      batches,
      ...(nextPosition !== undefined ? { nextPosition } : {}),
      ...(invalidTail ? { invalidTail } : {}),
      offsetIndex: offsetEntries,
      timeIndex: timeEntries,
      problems,
    };
  } finally {
    await Promise.all([log.close(), offsetIndex.close(), timeIndex.close()]);
  }
}

/** No segment with a larger base offset shares the directory. */
function isActiveSegment(info: SegmentFileInfo): boolean {
  try {
    return !fs.readdirSync(info.dir).some((n) => n.endsWith(LOG_FILE_SUFFIX) && (offsetFromFileName(n) ?? -1) > info.baseOffset);
  } catch {
    return false;
  }
}

/**
 * The page's first batch. A position where a plausible batch starts is taken as is (the webview asks for the
 * nextPosition it was given); anything else is resolved through the offset index and a walk over headers.
 */
async function resolveStart(log: SegmentFileReader, index: IndexReader, baseOffset: number, from: number, problems: string[]): Promise<number> {
  if (!Number.isSafeInteger(from) || from <= 0) return 0;
  if (from >= log.size) return log.size;
  const here = await log.batchAt(from);
  if (!('end' in here) && here.header.baseOffset >= baseOffset) return from;
  const slot = (await index.lowerBound(from + 1, positionOf)) - 1;
  let position = slot >= 0 ? positionOf(await index.raw(slot)) : 0;
  if (position < 0 || position > from) position = 0;
  position = (await log.walk(position, (b) => b.position < from)).position;
  problems.push(`Position ${from} is not the start of a batch; the page starts at the next batch, at position ${position}.`);
  return position;
}

function batchDump(raw: Buffer, h: BatchHeader, position: number, topic: string, preview: number, maxRecords: number): BatchDump {
  const dump = batchFields(raw, h, position);
  // As kafka-dump-log --deep-iteration: the records are read even when the CRC is wrong (what is left may help).
  let decoded: KafkaRecord[];
  try {
    decoded = decodeRecords(raw);
  } catch (e) {
    dump.records = [];
    dump.recordsError = (e as Error).message;
    return dump;
  }
  const listed = decoded.length > maxRecords ? decoded.slice(0, maxRecords) : decoded;
  dump.records = listed.map((r) => segmentRecord(h, r, topic, preview));
  if (listed.length < decoded.length) dump.recordsError = `Only the first ${listed.length} of ${decoded.length} records are listed.`;
  return dump;
}

/** The fields of kafka-dump-log's batch line for the batch `raw` at `position`, and the CRC-32C computed over it. */
export function batchFields(raw: Buffer, h: BatchHeader, position: number): BatchDump {
  const computed = crc32c(raw, ATTRIBUTES_OFFSET, raw.length);
  const valid = computed === h.crc;
  const logAppendTime = isLogAppendTime(h.attributes);
  return {
    baseOffset: h.baseOffset,
    lastOffset: lastOffsetOf(h),
    count: h.recordCount,
    baseSequence: h.baseSequence,
    lastSequence: lastSequenceOf(h.baseSequence, h.lastOffsetDelta),
    producerId: h.producerId,
    producerEpoch: h.producerEpoch,
    partitionLeaderEpoch: h.partitionLeaderEpoch,
    isTransactional: isTransactional(h.attributes),
    isControl: isControl(h.attributes),
    deleteHorizonMs: h.attributes & DELETE_HORIZON_FLAG_MASK ? h.baseTimestamp : null,
    position,
    timestampType: logAppendTime ? 'LogAppendTime' : 'CreateTime',
    maxTimestamp: h.maxTimestamp,
    size: raw.length,
    magic: h.magic,
    compresscodec: compressionName(h.attributes & 0x07),
    crc: h.crc,
    ...(valid ? {} : { computedCrc: computed }),
    isValid: valid,
  };
}

function headerViews(r: KafkaRecord, preview: number): RecordHeaderView[] {
  return r.headers.map((x) => ({ key: x.key, value: bytesView(x.value, preview) }));
}

function segmentRecord(h: BatchHeader, r: KafkaRecord, topic: string, preview: number): SegmentRecord {
  const rec: SegmentRecord = {
    offset: r.offset,
    timestamp: r.timestamp,
    keySize: r.key === null ? -1 : r.key.length,
    valueSize: r.value === null ? -1 : r.value.length,
    sequence: h.baseSequence < 0 ? -1 : incrementSequence(h.baseSequence, r.offsetDelta),
    headerKeys: r.headers.map((x) => x.key),
    key: bytesView(r.key, preview),
    value: bytesView(r.value, preview),
    headers: headerViews(r, preview),
  };
  if (isControl(h.attributes)) rec.control = describeControl(r);
  else if (topic === OFFSETS_TOPIC && r.key !== null) {
    const o = offsetsRecord(r.key, r.value);
    if (o) rec.offsetsTopic = o;
  }
  return rec;
}

/** kafka-dump-log's text for a control record: "endTxnMarker: COMMIT coordinatorEpoch: 0", "controlType: ...". */
export function describeControl(r: Pick<KafkaRecord, 'key' | 'value'>): string {
  try {
    const type = decodeControlRecordType(r.key);
    if (type === ControlRecordType.Abort || type === ControlRecordType.Commit) {
      const marker = decodeEndTxnMarker(r);
      return `endTxnMarker: ${controlRecordTypeName(marker.type)} coordinatorEpoch: ${marker.coordinatorEpoch}`;
    }
    return `controlType: ${controlRecordTypeName(type)}(${type})`;
  } catch (e) {
    return `controlType: invalid (${(e as Error).message})`;
  }
}

/** A __consumer_offsets record as plain data (assignments decoded), or undefined when its key is unreadable. */
function offsetsRecord(key: Buffer, value: Buffer | null): OffsetsTopicRecord | undefined {
  let d: ReturnType<typeof decodeOffsetsTopicRecord>;
  try {
    d = decodeOffsetsTopicRecord(key, value);
  } catch {
    return undefined;
  }
  switch (d.type) {
    case 'offset':
      return {
        type: 'offset',
        group: d.group,
        topic: d.topic,
        partition: d.partition,
        value: d.value && { offset: d.value.offset, leaderEpoch: d.value.leaderEpoch, metadata: d.value.metadata, commitTimestamp: d.value.commitTimestamp, expireTimestamp: d.value.expireTimestamp },
      };
    case 'group': {
      const v = d.value;
      const value: GroupMetadataValue | null = v && {
        protocolType: v.protocolType,
        generation: v.generation,
        protocol: v.protocol,
        leader: v.leader,
        currentStateTimestamp: v.currentStateTimestamp,
        members: v.members.map((m) => {
          const assignment = v.protocolType === 'consumer' ? decodeAssignment(m.assignment) : undefined;
          return {
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            clientId: m.clientId,
            clientHost: m.clientHost,
            rebalanceTimeout: m.rebalanceTimeout,
            sessionTimeout: m.sessionTimeout,
            ...(assignment ? { assignment } : {}),
          };
        }),
      };
      return { type: 'group', group: d.group, value };
    }
    case 'consumer':
      return consumerGroupRecordView(d.record);
    default:
      return { type: 'unknown', keyVersion: d.keyVersion };
  }
}

/**
 * The .index entries of the page (positions in [start, pageEnd)) and every entry past the end of the log, each
 * checked as kafka-dump-log does: the batch at its position must end at its offset.
 */
async function offsetIndexEntries(
  index: IndexReader,
  baseOffset: number,
  start: number,
  pageEnd: number,
  logSize: number,
  batches: BatchDump[],
  tail: SegmentDump['invalidTail'],
  problems: string[],
): Promise<OffsetIndexEntry[]> {
  if (!index.exists) {
    problems.push('The offset index (.index) is missing: Kafka rebuilds it when it recovers the segment.');
    return [];
  }
  if (index.trailing) problems.push(`The offset index has ${index.trailing} bytes past its last whole entry (a torn write).`);
  if (index.count === 0) return [];
  const byPosition = new Map(batches.map((b) => [b.position, b]));
  const first = await index.lowerBound(start, positionOf);
  const last = pageEnd >= logSize ? index.count : await index.lowerBound(pageEnd, positionOf);
  const pastEnd = await index.lowerBound(logSize, positionOf);
  const slots: Array<[number, number]> = [[first, last]];
  if (pastEnd > last) slots.push([pastEnd, index.count]);
  const out: OffsetIndexEntry[] = [];
  for (const [from, to] of slots) {
    const raw = await index.raw(from, to - from);
    let prev = from > 0 ? baseOffset + relOffsetOf(await index.raw(from - 1)) : -1;
    for (let i = 0; i < to - from; i++) {
      const e = raw.subarray(i * OFFSET_ENTRY, (i + 1) * OFFSET_ENTRY);
      const offset = baseOffset + relOffsetOf(e);
      const position = positionOf(e);
      const entry: OffsetIndexEntry = { offset, position };
      const b = byPosition.get(position);
      if (position < 0 || position >= logSize) entry.problem = `position ${position} is past the end of the log (${logSize} bytes)`;
      else if (tail && position >= tail.position) entry.problem = `position ${position} is in the invalid tail of the log`;
      else if (!b) entry.problem = `position ${position} is not the start of a batch`;
      else if (b.lastOffset !== offset) entry.problem = `points at offset ${b.lastOffset}, not ${offset}`;
      else if (offset <= prev) entry.problem = `offset ${offset} is not larger than the previous entry's ${prev}`;
      prev = offset;
      out.push(entry);
    }
  }
  return out;
}

/**
 * The .timeindex entries whose offsets fall in the page's batches (and, on the last page, those past them), checked
 * as kafka-dump-log does: the offset must be the last offset of a batch whose max timestamp is the entry's, and
 * timestamps must increase.
 */
async function timeIndexEntries(index: IndexReader, baseOffset: number, batches: BatchDump[], atEnd: boolean, problems: string[]): Promise<TimeIndexEntry[]> {
  if (!index.exists) {
    problems.push('The time index (.timeindex) is missing: Kafka rebuilds it when it recovers the segment.');
    return [];
  }
  if (index.trailing) problems.push(`The time index has ${index.trailing} bytes past its last whole entry (a torn write).`);
  if (index.count === 0 || batches.length === 0) return [];
  const firstOffset = batches[0].baseOffset;
  const lastOffset = batches[batches.length - 1].lastOffset;
  const from = await index.lowerBound(firstOffset - baseOffset, timeRelOffsetOf);
  const to = atEnd ? index.count : await index.lowerBound(lastOffset - baseOffset + 1, timeRelOffsetOf);
  if (to <= from) return [];
  const byLastOffset = new Map(batches.map((b) => [b.lastOffset, b]));
  const raw = await index.raw(from, to - from);
  let prev = from > 0 ? timestampOf(await index.raw(from - 1)) : Number.NEGATIVE_INFINITY;
  const out: TimeIndexEntry[] = [];
  for (let i = 0; i < to - from; i++) {
    const timestamp = timestampOf(raw, i * TIME_ENTRY);
    const offset = baseOffset + raw.readInt32BE(i * TIME_ENTRY + 8);
    const entry: TimeIndexEntry = { timestamp, offset };
    const b = byLastOffset.get(offset);
    if (offset > lastOffset) entry.problem = `offset ${offset} is not in the log (it ends at offset ${lastOffset})`;
    else if (!b) {
      const holder = batches.find((x) => x.baseOffset <= offset && offset <= x.lastOffset);
      entry.problem = holder ? `offset ${offset} is not the last offset of its batch (${holder.lastOffset})` : `offset ${offset} is in no batch`;
    } else if (b.maxTimestamp !== timestamp) entry.problem = `timestamp ${timestamp}, but the batch ending at offset ${offset} has max timestamp ${b.maxTimestamp}`;
    else if (timestamp <= prev) entry.problem = `timestamp ${timestamp} is not later than the previous entry's ${prev}`;
    prev = Math.max(prev, timestamp);
    out.push(entry);
  }
  return out;
}

/** The raw bytes of the batch at `position` (at most maxBytes of them), for a hex view. */
export async function readBatchBytes(logFile: string, position: number, maxBytes = 4096): Promise<{ base64: string; size: number; truncated: boolean }> {
  const log = await SegmentFileReader.open(segmentFileInfo(logFile).logFile);
  try {
    if (!Number.isSafeInteger(position) || position < 0 || position >= log.size) throw new Error(`Position ${position} is outside the log (${log.size} bytes)`);
    const at = await log.batchAt(position);
    // A torn or corrupt batch still has bytes worth seeing: whatever is left of the file.
    const size = 'end' in at ? log.size - position : at.size;
    const n = Math.min(size, Math.max(0, maxBytes));
    const bytes = Buffer.from(await log.read(position, n));
    return { base64: bytes.toString('base64'), size, truncated: n < size };
  } finally {
    await log.close();
  }
}

const CONSUMER_RECORD_NAMES = {
  metadata: 'ConsumerGroupMetadata',
  partitionMetadata: 'ConsumerGroupPartitionMetadata',
  member: 'ConsumerGroupMemberMetadata',
  targetMetadata: 'ConsumerGroupTargetAssignmentMetadata',
  targetMember: 'ConsumerGroupTargetAssignmentMember',
  currentAssignment: 'ConsumerGroupCurrentMemberAssignment',
} as const;

function partitionsText(list: ReadonlyArray<{ topicId: string; partitions: readonly number[] }>): string {
  return list.length ? list.map((t) => `${uuidToKafkaString(t.topicId)} [${t.partitions.join(',')}]`).join(' ') : 'none';
}

/** A consumer protocol record of __consumer_offsets in words, topic ids as Kafka prints them. */
function consumerGroupRecordView(r: ConsumerGroupRecord): OffsetsTopicRecord {
  const base = { type: 'consumerGroup' as const, group: r.group, record: CONSUMER_RECORD_NAMES[r.kind], ...('memberId' in r ? { memberId: r.memberId } : {}) };
  switch (r.kind) {
    case 'metadata':
      return { ...base, summary: r.epoch === null ? null : `group epoch ${r.epoch}` };
    case 'targetMetadata':
      return { ...base, summary: r.assignmentEpoch === null ? null : `assignment epoch ${r.assignmentEpoch}` };
    case 'partitionMetadata':
      return { ...base, summary: r.value === null ? null : `subscribed topics: ${r.value.topics.map((t) => `${t.topicName} (${t.numPartitions} partitions)`).join(', ') || 'none'}` };
    case 'member':
      return {
        ...base,
        summary:
          r.value === null
            ? null
            : `client ${r.value.clientId} on ${r.value.clientHost}${r.value.instanceId ? `, instance ${r.value.instanceId}` : ''}${r.value.rackId ? `, rack ${r.value.rackId}` : ''}` +
              `, topics [${r.value.subscribedTopicNames.join(',')}]${r.value.subscribedTopicRegex ? `, regex ${r.value.subscribedTopicRegex}` : ''}` +
              `${r.value.serverAssignor ? `, assignor ${r.value.serverAssignor}` : ''}, rebalance timeout ${r.value.rebalanceTimeoutMs} ms`,
      };
    case 'targetMember':
      return { ...base, summary: r.topicPartitions === null ? null : `target ${partitionsText(r.topicPartitions)}` };
    case 'currentAssignment':
      return {
        ...base,
        summary:
          r.value === null
            ? null
            : `member epoch ${r.value.memberEpoch} (previous ${r.value.previousMemberEpoch}), state ${MEMBER_STATE_NAMES[r.value.state as MemberState] ?? r.value.state}` +
              `, assigned ${partitionsText(r.value.assignedPartitions)}, revoking ${partitionsText(r.value.partitionsPendingRevocation)}`,
      };
  }
}
