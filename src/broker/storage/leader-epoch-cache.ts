/**
 * Kafka's LeaderEpochFileCache: which leader epoch started at which offset, kept in `leader-epoch-checkpoint`.
 * Followers use it (through OffsetForLeaderEpoch) to find where their log diverged from a new leader's.
 */
import * as path from 'node:path';
import { CheckpointFile, EpochEntry, leaderEpochCheckpointFormat } from './checkpoint-file';

const LEADER_EPOCH_CHECKPOINT = 'leader-epoch-checkpoint';

export class LeaderEpochFileCache {
  private entries: EpochEntry[];
  private readonly checkpoint: CheckpointFile<EpochEntry>;

  constructor(dir: string) {
    this.checkpoint = new CheckpointFile(path.join(dir, LEADER_EPOCH_CHECKPOINT), leaderEpochCheckpointFormat);
    this.entries = this.checkpoint.read();
  }

  all(): readonly EpochEntry[] {
    return this.entries;
  }

  get latestEpoch(): number | undefined {
    return this.entries.length ? this.entries[this.entries.length - 1].epoch : undefined;
  }

  /** Records that `epoch` starts at `startOffset`, if it is newer than the latest known epoch. */
  assign(epoch: number, startOffset: number): void {
    if (epoch < 0) return;
    const last = this.entries[this.entries.length - 1];
    if (last && epoch <= last.epoch) return;
    // An epoch that starts at or before an existing entry's offset replaces it (that leader wrote nothing).
    this.entries = this.entries.filter((e) => e.startOffset < startOffset);
    this.entries.push({ epoch, startOffset });
    this.flush();
  }

  /** The epoch of the batch at `offset`, or undefined when before the first entry. */
  epochForOffset(offset: number): number | undefined {
    let epoch: number | undefined;
    for (const e of this.entries) {
      if (e.startOffset <= offset) epoch = e.epoch;
      else break;
    }
    return epoch;
  }

  /**
   * Kafka's endOffsetFor: the largest epoch <= requested and the offset where the next epoch starts
   * (or the log end offset for the latest epoch). (-1, -1) when the requested epoch is older than all we know.
   */
  endOffsetFor(requestedEpoch: number, logEndOffset: number): { epoch: number; endOffset: number } {
    const latest = this.latestEpoch;
    if (latest === undefined) return { epoch: -1, endOffset: -1 };
    if (requestedEpoch === latest) return { epoch: latest, endOffset: logEndOffset };
    let i = this.entries.length - 1;
    while (i >= 0 && this.entries[i].epoch > requestedEpoch) i--;
    if (i < 0) return { epoch: -1, endOffset: -1 };
    const next = this.entries[i + 1];
    return { epoch: this.entries[i].epoch, endOffset: next ? next.startOffset : logEndOffset };
  }

  /** Removes epochs that start at or after `endOffset` (the log was truncated there). */
  truncateFromEnd(endOffset: number): void {
    const kept = this.entries.filter((e) => e.startOffset < endOffset);
    if (kept.length !== this.entries.length) {
      this.entries = kept;
      this.flush();
    }
  }

  /** Drops epochs wholly before `startOffset`; the earliest kept one now starts there (Kafka does the same). */
  truncateFromStart(startOffset: number): void {
    let i = 0;
    while (i + 1 < this.entries.length && this.entries[i + 1].startOffset <= startOffset) i++;
    const kept = this.entries.slice(i);
    if (kept.length && kept[0].startOffset < startOffset) kept[0] = { epoch: kept[0].epoch, startOffset };
    const changed = kept.length !== this.entries.length || (kept[0] && kept[0].startOffset !== this.entries[i]?.startOffset);
    this.entries = kept;
    if (changed) this.flush();
  }

  clearAndFlush(): void {
    this.entries = [];
    this.flush();
  }

  private flush(): void {
    this.checkpoint.write(this.entries);
  }
}
