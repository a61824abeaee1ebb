/**
 * `tributary dump-log`: prints .log, .index, .timeindex and .txnindex files with the fields and line format of Kafka's
 * kafka-dump-log.sh (DumpLogSegments), so output can be compared line by line with Kafka's own tool.
 *
 * Differences, all in what Kafka would crash on or stay silent about:
 * - a torn or corrupt tail of a .log is reported (Kafka's "Found N invalid bytes" line, then where valid data ends
 *   and why), never thrown;
 * - an index entry whose position is at or past the end of its .log is reported as such instead of failing;
 * - a batch whose records cannot be decoded gets an error line and the walk goes on.
 * Records are listed by default (Kafka's --deep-iteration); pass deepIteration: false for batch lines only.
 *
 * Segments are walked batch by batch by the segment inspector's walker (src/broker/storage/segment-file-reader.ts), so
 * a 1 GB segment is never loaded whole and both tools give the same verdict on the same bytes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TransactionIndex, ABORTED_TXN_SIZE } from '../broker/storage/transaction-index';
import { SegmentFileReader } from '../broker/storage/segment-file-reader';
import { BatchHeader, isControl, isLogAppendTime, lastOffsetOf } from '../broker/records/batch-header';
import { Record } from '../broker/records/record';
import { decodeRecords, incrementSequence } from '../broker/records/record-batch';
import { batchFields, describeControl } from '../broker/segment-dump';
import type { BatchDump } from '../shared/webview-protocol';

interface DumpLogOptions {
  /** Also print each record's key and payload as UTF-8 (Kafka's --print-data-log). */
  printData?: boolean;
  /** List records under each batch (default true, Kafka's --deep-iteration). */
  deepIteration?: boolean;
  /** Where Kafka's stdout lines go. Default: process.stdout. */
  out?: (line: string) => void;
  /** Where Kafka's stderr lines go (mismatch reports, unreadable files). Default: `out` if given, else process.stderr. */
  err?: (line: string) => void;
}

const OFFSET_INDEX_ENTRY_SIZE = 8;
const TIME_INDEX_ENTRY_SIZE = 12;

/** Problems found while dumping, printed after all files as Kafka does. Keyed by absolute path. */
interface Findings {
  indexMismatches: Map<string, IndexProblem[]>;
  timestampMismatches: Map<string, Array<[number, number]>>;
  outOfOrderTimestamps: Map<string, Array<[number, number]>>;
  offsetsNotFound: Map<string, Array<[number, number]>>;
  nonConsecutive: Map<string, Array<[number, number]>>;
}

type IndexProblem =
  | { kind: 'mismatch'; entry: number; indexOffset: number; logOffset: number }
  | { kind: 'pastEnd'; entry: number; indexOffset: number; position: number; logSize: number; logName: string }
  | { kind: 'unreadable'; entry: number; indexOffset: number; position: number; reason: string };

/** Dumps every file in order and returns the process exit code: 0, or 1 if a file could not be read at all. */
export async function dumpLog(files: string[], opts: DumpLogOptions): Promise<number> {
  const out = opts.out ?? ((line: string) => void process.stdout.write(line + '\n'));
  const err = opts.err ?? (opts.out ? out : (line: string) => void process.stderr.write(line + '\n'));
  const findings: Findings = {
    indexMismatches: new Map(),
    timestampMismatches: new Map(),
    outOfOrderTimestamps: new Map(),
    offsetsNotFound: new Map(),
    nonConsecutive: new Map(),
  };
  let exitCode = 0;
  for (const file of files) {
    out(`Dumping ${file}`);
    try {
      switch (path.extname(file)) {
        case '.log':
          await dumpSegment(file, opts.printData ?? false, opts.deepIteration ?? true, out, err, findings);
          break;
        case '.index':
          await dumpOffsetIndex(file, out, err, findings);
          break;
        case '.timeindex':
          await dumpTimeIndex(file, out, err, findings);
          break;
        case '.txnindex':
          dumpTxnIndex(file, out, err);
          break;
        default:
          err(`Ignoring unknown file ${file}`);
      }
    } catch (e) {
      err(`${file}: ${(e as Error).message}`);
      exitCode = 1;
    }
  }
  printFindings(findings, err);
  return exitCode;
}

/** The base offset in a segment file's 20-digit name (00000000000000001234.log -> 1234). */
function baseOffsetOfFile(file: string): number {
  const name = path.basename(file);
  const m = /^(\d+)\./.exec(name);
  if (!m) throw new Error(`cannot take a base offset from the file name ${name}: expected <20 digits>.${path.extname(name).slice(1)}`);
  return Number(m[1]);
}

function siblingFile(file: string, suffix: string): string {
  return path.join(path.dirname(file), path.basename(file).split('.')[0] + suffix);
}

function timestampTypeName(attributes: number): string {
  return isLogAppendTime(attributes) ? 'LogAppendTime' : 'CreateTime';
}

async function dumpSegment(file: string, printData: boolean, deep: boolean, out: (l: string) => void, err: (l: string) => void, findings: Findings): Promise<void> {
  out(`Log starting offset: ${baseOffsetOfFile(file)}`);
  const log = await SegmentFileReader.open(file);
  try {
    // Kafka starts from -1 whatever the segment's base offset, so a segment not starting at 0 reports one gap.
    let lastOffset = -1;
    const walked = await log.walk(0, async ({ position, header: h, size }) => {
      const batch = await log.read(position, size);
      out(batchLine(batchFields(batch, h, position)));
      if (deep) {
        let records: Record[] = [];
        try {
          records = decodeRecords(batch);
        } catch (e) {
          err(`Cannot read the records of the batch at position ${position}: ${(e as Error).message}`);
        }
        for (const r of records) {
          if (r.offset !== lastOffset + 1) addFinding(findings.nonConsecutive, file, [lastOffset, r.offset]);
          lastOffset = r.offset;
          out(recordLine(h, r, printData));
        }
      }
      return true;
    });
    if (walked.end && walked.end.end !== 'eof') {
      out(`Found ${log.size - walked.position} invalid bytes at the end of ${path.basename(file)}`);
      out(`Valid data ends at position ${walked.position}: ${walked.end.reason}`);
    }
  } finally {
    await log.close();
  }
}

function batchLine(d: BatchDump): string {
  const deleteHorizon = d.deleteHorizonMs === null ? 'OptionalLong.empty' : `OptionalLong[${d.deleteHorizonMs}]`;
  return (
    `baseOffset: ${d.baseOffset} lastOffset: ${d.lastOffset} count: ${d.count}` +
    ` baseSequence: ${d.baseSequence} lastSequence: ${d.lastSequence}` +
    ` producerId: ${d.producerId} producerEpoch: ${d.producerEpoch} partitionLeaderEpoch: ${d.partitionLeaderEpoch}` +
    ` isTransactional: ${d.isTransactional} isControl: ${d.isControl} deleteHorizonMs: ${deleteHorizon}` +
    ` position: ${d.position} ${d.timestampType}: ${d.maxTimestamp} size: ${d.size} magic: ${d.magic}` +
    ` compresscodec: ${d.compresscodec} crc: ${d.crc} isvalid: ${d.isValid}`
  );
}

function recordLine(h: BatchHeader, r: Record, printData: boolean): string {
  const sequence = h.baseSequence < 0 ? -1 : incrementSequence(h.baseSequence, r.offsetDelta);
  let line =
    `| offset: ${r.offset} ${timestampTypeName(h.attributes)}: ${r.timestamp}` +
    ` keySize: ${r.key === null ? -1 : r.key.length} valueSize: ${r.value === null ? -1 : r.value.length}` +
    ` sequence: ${sequence} headerKeys: [${r.headers.map((x) => x.key).join(',')}]`;
  if (isControl(h.attributes)) {
    line += ` ${describeControl(r)}`;
  } else if (printData) {
    if (r.key !== null) line += ` key: ${r.key.toString('utf8')}`;
    if (r.value !== null) line += ` payload: ${r.value.toString('utf8')}`;
  }
  return line;
}

async function dumpOffsetIndex(file: string, out: (l: string) => void, err: (l: string) => void, findings: Findings): Promise<void> {
  const baseOffset = baseOffsetOfFile(file);
  const data = fs.readFileSync(file);
  const entries = Math.floor(data.length / OFFSET_INDEX_ENTRY_SIZE);
  if (data.length % OFFSET_INDEX_ENTRY_SIZE !== 0) {
    err(`${file} has ${data.length} bytes, not a multiple of ${OFFSET_INDEX_ENTRY_SIZE}: the last ${data.length % OFFSET_INDEX_ENTRY_SIZE} are not an entry`);
  }
  if (entries === 0) {
    out(`${file} is empty.`);
    return;
  }
  const logFile = siblingFile(file, '.log');
  const log = fs.existsSync(logFile) ? await SegmentFileReader.open(logFile) : undefined;
  if (!log) err(`${logFile} not found: index entries cannot be checked`);
  try {
    for (let i = 0; i < entries; i++) {
      const relative = data.readInt32BE(i * OFFSET_INDEX_ENTRY_SIZE);
      const position = data.readInt32BE(i * OFFSET_INDEX_ENTRY_SIZE + 4);
      // A preallocated index is zero-filled past its last entry; like Kafka, stop at the first entry after the
      // first whose offset is the base offset (relative offset 0), since real entries strictly increase.
      if (relative === 0 && i > 0) return;
      const offset = baseOffset + relative;
      if (log) {
        const problem = await checkIndexEntry(log, i, offset, position);
        if (problem) addFinding(findings.indexMismatches, file, problem);
      }
      out(`offset: ${offset} position: ${position}`);
    }
  } finally {
    await log?.close();
  }
}

async function checkIndexEntry(log: SegmentFileReader, entry: number, indexOffset: number, position: number): Promise<IndexProblem | undefined> {
  if (position < 0 || position >= log.size) {
    return { kind: 'pastEnd', entry, indexOffset, position, logSize: log.size, logName: path.basename(log.file) };
  }
  const got = await log.batchAt(position);
  if ('end' in got) return { kind: 'unreadable', entry, indexOffset, position, reason: got.reason };
  const logOffset = lastOffsetOf(got.header);
  return logOffset === indexOffset ? undefined : { kind: 'mismatch', entry, indexOffset, logOffset };
}

/** Kafka's line per aborted transaction of a .txnindex file. */
function dumpTxnIndex(file: string, out: (l: string) => void, err: (l: string) => void): void {
  const data = fs.readFileSync(file);
  if (data.length % ABORTED_TXN_SIZE !== 0) {
    err(`${file} has ${data.length} bytes, not a multiple of ${ABORTED_TXN_SIZE}: the last ${data.length % ABORTED_TXN_SIZE} are not an entry`);
  }
  for (const t of new TransactionIndex(file, baseOffsetOfFile(file)).all()) {
    out(`version: 0 producerId: ${t.producerId} firstOffset: ${t.firstOffset} lastOffset: ${t.lastOffset} lastStableOffset: ${t.lastStableOffset}`);
  }
}

async function dumpTimeIndex(file: string, out: (l: string) => void, err: (l: string) => void, findings: Findings): Promise<void> {
  const baseOffset = baseOffsetOfFile(file);
  const data = fs.readFileSync(file);
  const entries = Math.floor(data.length / TIME_INDEX_ENTRY_SIZE);
  if (data.length % TIME_INDEX_ENTRY_SIZE !== 0) {
    err(`${file} has ${data.length} bytes, not a multiple of ${TIME_INDEX_ENTRY_SIZE}: the last ${data.length % TIME_INDEX_ENTRY_SIZE} are not an entry`);
  }
  if (entries === 0) {
    out(`${file} is empty.`);
    return;
  }
  const logFile = siblingFile(file, '.log');
  const log = fs.existsSync(logFile) ? await SegmentFileReader.open(logFile) : undefined;
  if (!log) err(`${logFile} not found: time index entries cannot be checked`);
  const offsetIndex = loadOffsetIndex(siblingFile(file, '.index'), baseOffset);
  try {
    let prevTimestamp = -1;
    for (let i = 0; i < entries; i++) {
      const pos = i * TIME_INDEX_ENTRY_SIZE;
      const timestamp = data.readBigInt64BE(pos);
      const relative = data.readInt32BE(pos + 8);
      if (relative === 0 && i > 0) return;
      const offset = baseOffset + relative;
      const ts = Number(timestamp);
      if (log) {
        // Kafka's check: the batch holding the indexed offset must end at it and carry that max timestamp.
        const found = await log.batchHolding(lookupPosition(offsetIndex, offset), offset);
        if (found === undefined) {
          addFinding(findings.offsetsNotFound, file, [offset, -1]);
        } else if (lastOffsetOf(found.header) !== offset) {
          addFinding(findings.offsetsNotFound, file, [offset, lastOffsetOf(found.header)]);
        } else {
          let maxTimestamp = -1;
          try {
            for (const r of decodeRecords(await log.read(found.position, found.size))) maxTimestamp = Math.max(maxTimestamp, r.timestamp);
          } catch (e) {
            err(`Cannot read the records of the batch ending at offset ${offset}: ${(e as Error).message}`);
          }
          if (maxTimestamp !== ts) addFinding(findings.timestampMismatches, file, [ts, maxTimestamp]);
          if (prevTimestamp >= ts) addFinding(findings.outOfOrderTimestamps, file, [ts, prevTimestamp]);
        }
      }
      out(`timestamp: ${timestamp} offset: ${offset}`);
      prevTimestamp = ts;
    }
  } finally {
    await log?.close();
  }
}

/** The offset index's entries, or none if it is missing: then every lookup starts at position 0. */
function loadOffsetIndex(file: string, baseOffset: number): Array<[number, number]> {
  if (!fs.existsSync(file)) return [];
  const data = fs.readFileSync(file);
  const entries: Array<[number, number]> = [];
  for (let i = 0; i + OFFSET_INDEX_ENTRY_SIZE <= data.length; i += OFFSET_INDEX_ENTRY_SIZE) {
    const relative = data.readInt32BE(i);
    if (relative === 0 && i > 0) break;
    entries.push([baseOffset + relative, data.readInt32BE(i + 4)]);
  }
  return entries;
}

/** Position of the last index entry at or below offset (Kafka's OffsetIndex.lookup), else 0. */
function lookupPosition(index: Array<[number, number]>, offset: number): number {
  let position = 0;
  for (const [o, p] of index) {
    if (o > offset) break;
    position = p;
  }
  return position;
}

function addFinding<T>(map: Map<string, T[]>, file: string, item: T): void {
  const key = path.resolve(file);
  const list = map.get(key);
  if (list) list.push(item);
  else map.set(key, [item]);
}

function printFindings(f: Findings, err: (l: string) => void): void {
  for (const [file, problems] of f.indexMismatches) {
    err(`Mismatches in :${file}`);
    // Kafka lists them by index offset, highest first.
    for (const p of [...problems].sort((a, b) => b.indexOffset - a.indexOffset)) {
      if (p.kind === 'mismatch') err(`  Index offset: ${p.indexOffset}, log offset: ${p.logOffset}`);
      else if (p.kind === 'pastEnd') {
        err(`  Index offset: ${p.indexOffset}, position: ${p.position} is past the end of ${p.logName} (${p.logSize} bytes) (entry ${p.entry})`);
      } else err(`  Index offset: ${p.indexOffset}, position: ${p.position} holds no readable batch: ${p.reason} (entry ${p.entry})`);
    }
  }
  for (const [file, list] of f.timestampMismatches) {
    err(`Found timestamp mismatch in :${file}`);
    for (const [index, log] of list) err(`  Index timestamp: ${index}, log timestamp: ${log}`);
  }
  for (const [file, list] of f.outOfOrderTimestamps) {
    err(`Found out of order timestamp in :${file}`);
    for (const [index, prev] of list) err(`  Index timestamp: ${index}, Previously indexed timestamp: ${prev}`);
  }
  for (const list of f.offsetsNotFound.values()) {
    err('The following indexed offsets are not found in the log.');
    for (const [index, log] of list) err(`Indexed offset: ${index}, found log offset: ${log}`);
  }
  for (const [file, list] of f.nonConsecutive) {
    err(`Non-consecutive offsets in ${file}`);
    for (const [a, b] of list) err(`  ${a} is followed by ${b}`);
  }
}
