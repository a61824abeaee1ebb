/**
 * Kafka's text checkpoint files: a version line, a count line, then one entry per line.
 * Used for recovery-point-offset-checkpoint, log-start-offset-checkpoint, replication-offset-checkpoint,
 * cleaner-offset-checkpoint (entries "topic partition offset") and leader-epoch-checkpoint ("epoch startOffset").
 */
import { io, writeFileAtomic } from './file-io';

export class CorruptCheckpointError extends Error {
  constructor(file: string, why: string) {
    super(`corrupt checkpoint file ${file}: ${why}`);
    this.name = 'CorruptCheckpointError';
  }
}

interface CheckpointFormat<T> {
  version: number;
  format(entry: T): string;
  parse(line: string): T | undefined;
}

export class CheckpointFile<T> {
  /** What this object last wrote: the same entries again are not rewritten (an idle broker writes nothing). */
  private lastWritten: string | undefined;

  constructor(readonly file: string, private readonly fmt: CheckpointFormat<T>) {}

  write(entries: readonly T[]): void {
    const lines = [String(this.fmt.version), String(entries.length), ...entries.map((e) => this.fmt.format(e))];
    const text = lines.join('\n') + '\n';
    if (text === this.lastWritten && io.existsSync(this.file)) return;
    writeFileAtomic(this.file, text);
    this.lastWritten = text;
  }

  /** The entries, or [] when the file does not exist. A malformed file throws: we never guess offsets. */
  read(): T[] {
    if (!io.existsSync(this.file)) return [];
    const lines = (io.readFileSync(this.file, 'utf8') as string).split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    if (lines.length < 2) throw new CorruptCheckpointError(this.file, 'missing version or count line');
    const version = Number(lines[0]);
    if (version !== this.fmt.version) throw new CorruptCheckpointError(this.file, `unrecognized version ${lines[0]}`);
    const count = Number(lines[1]);
    if (!Number.isInteger(count) || count < 0) throw new CorruptCheckpointError(this.file, `bad entry count ${lines[1]}`);
    if (lines.length - 2 !== count) {
      throw new CorruptCheckpointError(this.file, `expected ${count} entries but found ${lines.length - 2}`);
    }
    return lines.slice(2).map((line, i) => {
      const e = this.fmt.parse(line);
      if (e === undefined) throw new CorruptCheckpointError(this.file, `malformed line ${i + 3}: ${line}`);
      return e;
    });
  }
}

export interface TopicPartitionOffset {
  topic: string;
  partition: number;
  offset: number;
}

const INT = /^-?\d+$/;

export const offsetCheckpointFormat: CheckpointFormat<TopicPartitionOffset> = {
  version: 0,
  format: (e) => `${e.topic} ${e.partition} ${e.offset}`,
  parse: (line) => {
    const parts = line.split(' ');
    if (parts.length !== 3 || !INT.test(parts[1]) || !INT.test(parts[2])) return undefined;
    return { topic: parts[0], partition: Number(parts[1]), offset: Number(parts[2]) };
  },
};

export interface EpochEntry {
  epoch: number;
  startOffset: number;
}

export const leaderEpochCheckpointFormat: CheckpointFormat<EpochEntry> = {
  version: 0,
  format: (e) => `${e.epoch} ${e.startOffset}`,
  parse: (line) => {
    const parts = line.split(' ');
    if (parts.length !== 2 || !INT.test(parts[0]) || !INT.test(parts[1])) return undefined;
    return { epoch: Number(parts[0]), startOffset: Number(parts[1]) };
  },
};

/** A map view over an offset checkpoint file, keyed "topic-partition". */
export class OffsetCheckpointFile {
  private readonly cp: CheckpointFile<TopicPartitionOffset>;
  constructor(readonly file: string) {
    this.cp = new CheckpointFile(file, offsetCheckpointFormat);
  }
  read(): Map<string, number> {
    const m = new Map<string, number>();
    for (const e of this.cp.read()) m.set(`${e.topic}-${e.partition}`, e.offset);
    return m;
  }
  write(entries: Iterable<TopicPartitionOffset>): void {
    this.cp.write([...entries]);
  }
}
