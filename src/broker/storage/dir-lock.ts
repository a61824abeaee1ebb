/**
 * Kafka holds a file lock on `.lock` so two brokers never share a log directory. Node has no flock, so the lock
 * file names the owning process; a lock left by a dead process is taken over.
 */
import * as path from 'node:path';
import { io } from './file-io';

const heldInThisProcess = new Set<string>();

export class DirectoryLockedError extends Error {
  constructor(readonly dir: string, readonly pid: number) {
    super(`the data directory ${dir} is in use by another broker (process ${pid}); stop it or choose another directory`);
    this.name = 'DirectoryLockedError';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid in a lock file, or undefined when it is unreadable or not a pid. */
function ownerOf(file: string): number | undefined {
  try {
    const pid = Number(String(io.readFileSync(file, 'utf8')).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Creates `file` holding our pid only if it does not exist (O_EXCL): of two processes, exactly one succeeds. */
function createExclusive(file: string): boolean {
  let fd: number;
  try {
    fd = io.openSync(file, 'wx', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    io.writeSync(fd, Buffer.from(`${process.pid}\n`));
  } finally {
    io.closeSync(fd);
  }
  return true;
}

/**
 * Takes `dir`'s lock, atomically: the lock file is created exclusively, so of two brokers started at once on the same
 * directory one wins and the other is told the directory is in use. A lock left by a dead process is taken over
 * under a second exclusive file, so that two processes cannot both take over the same stale lock.
 */
export function lockDirectory(dir: string): () => void {
  const abs = path.resolve(dir);
  const file = path.join(abs, '.lock');
  if (heldInThisProcess.has(abs)) throw new DirectoryLockedError(abs, process.pid);
  for (let attempt = 0; ; attempt++) {
    if (createExclusive(file)) break;
    const pid = ownerOf(file);
    if (pid !== undefined && pid !== process.pid && alive(pid)) throw new DirectoryLockedError(abs, pid);
    // Stale (its process is gone) or being written this very moment (no pid yet): take it over, one taker at a time.
    const takeover = `${file}.takeover`;
    if (!createExclusive(takeover)) {
      const taker = ownerOf(takeover);
      if (taker !== undefined && alive(taker) && attempt < 50) {
        sleepSync(20);
        continue;
      }
      if (attempt >= 50) throw new DirectoryLockedError(abs, taker ?? 0);
      io.unlinkSync(takeover);
      continue;
    }
    try {
      const now = ownerOf(file);
      if (now !== undefined && now !== process.pid && alive(now)) throw new DirectoryLockedError(abs, now);
      if (now === undefined && attempt < 5) {
        // Possibly a lock file created an instant ago whose pid is not written yet: look again shortly.
        sleepSync(10);
        continue;
      }
      io.writeFileSync(file, `${process.pid}\n`, { mode: 0o600 });
      break;
    } finally {
      io.unlinkSync(takeover);
    }
  }
  heldInThisProcess.add(abs);
  return () => {
    heldInThisProcess.delete(abs);
    try {
      if (String(io.readFileSync(file, 'utf8')).trim() === String(process.pid)) io.unlinkSync(file);
    } catch {
      // Already gone.
    }
  };
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
