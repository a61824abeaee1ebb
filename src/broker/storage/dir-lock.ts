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

export function lockDirectory(dir: string): () => void {
  const abs = path.resolve(dir);
  const file = path.join(abs, '.lock');
  if (heldInThisProcess.has(abs)) throw new DirectoryLockedError(abs, process.pid);
  if (io.existsSync(file)) {
    const pid = Number(String(io.readFileSync(file, 'utf8')).trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) throw new DirectoryLockedError(abs, pid);
  }
  io.writeFileSync(file, `${process.pid}\n`);
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
