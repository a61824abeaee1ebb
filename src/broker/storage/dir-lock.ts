/**
 * Kafka holds a file lock on `.lock` so two brokers never share a log directory. Node has no flock, so the lock
 * file names the owning process; a lock left by a dead process is taken over.
 */
import * as path from 'node:path';
import { io } from './file-io';

const heldInThisProcess = new Set<string>();

export class DirectoryLockedError extends Error {
  /** `owner`: who runs the other broker, as its lock file says ("tributary start", "VS Code (Tributary extension)"). */
  constructor(readonly dir: string, readonly pid: number, readonly owner?: string) {
    super(`the data directory ${dir} is in use by another broker: ${owner ?? 'a broker'} (process ${pid}); stop it or choose another directory`);
    this.name = 'DirectoryLockedError';
  }
}

/** The process that holds `dir`'s lock and what it says it is, if the lock file is there and readable. */
function lockOwner(dir: string): { pid: number; owner?: string } | undefined {
  try {
    const [pidLine, owner] = String(io.readFileSync(path.join(path.resolve(dir), '.lock'), 'utf8')).split('\n');
    const pid = Number(pidLine.trim());
    return Number.isInteger(pid) && pid > 0 ? { pid, owner: owner?.trim() || undefined } : undefined;
  } catch {
    return undefined;
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

/** The pid in a lock file (its first line), or undefined when it is unreadable or not a pid. */
function ownerOf(file: string): number | undefined {
  try {
    const pid = Number(String(io.readFileSync(file, 'utf8')).split('\n')[0].trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Creates `file` holding our pid (and who we are) only if it does not exist (O_EXCL): of two processes, exactly one succeeds. */
function createExclusive(file: string, owner = ''): boolean {
  let fd: number;
  try {
    fd = io.openSync(file, 'wx', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    io.writeSync(fd, Buffer.from(`${process.pid}\n${owner ? `${owner}\n` : ''}`));
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
export function lockDirectory(dir: string, owner = ''): () => void {
  const abs = path.resolve(dir);
  const file = path.join(abs, '.lock');
  const locked = (pid: number) => new DirectoryLockedError(abs, pid, lockOwner(abs)?.owner);
  if (heldInThisProcess.has(abs)) throw locked(process.pid);
  for (let attempt = 0; ; attempt++) {
    if (createExclusive(file, owner)) break;
    const pid = ownerOf(file);
    if (pid !== undefined && pid !== process.pid && alive(pid)) throw locked(pid);
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
      if (now !== undefined && now !== process.pid && alive(now)) throw locked(now);
      if (now === undefined && attempt < 5) {
        // Possibly a lock file created an instant ago whose pid is not written yet: look again shortly.
        sleepSync(10);
        continue;
      }
      io.writeFileSync(file, `${process.pid}\n${owner ? `${owner}\n` : ''}`, { mode: 0o600 });
      break;
    } finally {
      io.unlinkSync(takeover);
    }
  }
  heldInThisProcess.add(abs);
  return () => {
    heldInThisProcess.delete(abs);
    try {
      if (ownerOf(file) === process.pid) io.unlinkSync(file);
    } catch {
      // Already gone.
    }
  };
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
