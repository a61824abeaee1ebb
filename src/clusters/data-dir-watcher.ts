/**
 * Watches the data directory for changes made by anyone, our own broker or a `tributary start` in a terminal, and
 * reports them debounced. Only the top two levels are watched (cluster-metadata.json, node-N/, the checkpoint files,
 * partition directories appearing and going, `.lock`), which is what the sidebar's root levels show: one watch per
 * directory, not one per partition, so a thousand topics cost a handful of watches. A directory that does not exist
 * yet is waited for.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { watch, FSWatcher } from 'chokidar';

export interface DataDirChange {
  /** Paths that changed since the last report (relative to the data directory). */
  paths: string[];
  /** A node's `.lock` went away: the broker that held it stopped. */
  lockReleased: boolean;
}

export class DataDirWatcher {
  private watcher: FSWatcher | undefined;
  private poll: NodeJS.Timeout | undefined;
  private timer: NodeJS.Timeout | undefined;
  private changed = new Set<string>();
  private lockReleased = false;
  private disposed = false;

  constructor(
    readonly dataDir: string,
    private readonly onChange: (change: DataDirChange) => void,
    private readonly debounceMs = 500,
  ) {
    this.begin();
  }

  private begin(): void {
    if (this.disposed) return;
    if (!fs.existsSync(this.dataDir)) {
      // Watching a path that does not exist is unreliable across platforms; a cheap check every 2 s is not.
      this.poll = setInterval(() => {
        if (!fs.existsSync(this.dataDir)) return;
        clearInterval(this.poll);
        this.poll = undefined;
        this.note(this.dataDir, false);
        this.begin();
      }, 2000);
      this.poll.unref();
      return;
    }
    this.watcher = watch(this.dataDir, { depth: 1, ignoreInitial: true, persistent: false, ignorePermissionErrors: true });
    this.watcher.on('all', (event, p) => this.note(p, event === 'unlink' && path.basename(p) === '.lock'));
    this.watcher.on('error', () => undefined); // a directory removed under us; the next change re-reads
  }

  private note(p: string, lockReleased: boolean): void {
    // Atomic writes go through temporary files; only the result matters.
    if (p.endsWith('.tmp')) return;
    this.changed.add(path.relative(this.dataDir, p) || '.');
    this.lockReleased ||= lockReleased;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), this.debounceMs);
  }

  private flush(): void {
    this.timer = undefined;
    const change = { paths: [...this.changed].sort(), lockReleased: this.lockReleased };
    this.changed.clear();
    this.lockReleased = false;
    if (!this.disposed) this.onChange(change);
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.poll) clearInterval(this.poll);
    void this.watcher?.close();
  }
}
