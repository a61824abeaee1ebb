/**
 * The storage layer's only door to the file system. Tests swap members of `io` to inject faults
 * (a full disk, a failing fsync) without touching the real disk.
 */
import * as fs from 'node:fs';

/**
 * What the broker creates is private to the user running it (message contents are in there): directories 0700,
 * files 0600, unless a caller says otherwise. Existing files and directories keep their modes.
 */
const PRIVATE_DIR_MODE = 0o700;
const PRIVATE_FILE_MODE = 0o600;

function openPrivate(file: fs.PathLike, flags?: fs.OpenMode, mode?: fs.Mode | null): number {
  return fs.openSync(file, flags ?? 'r', mode ?? PRIVATE_FILE_MODE);
}

function mkdirPrivate(dir: fs.PathLike, options?: fs.Mode | fs.MakeDirectoryOptions | null): string | undefined {
  const o: fs.MakeDirectoryOptions = typeof options === 'object' && options !== null ? options : options !== undefined && options !== null ? { mode: options } : {};
  return fs.mkdirSync(dir, { ...o, mode: o.mode ?? PRIVATE_DIR_MODE });
}

function writeFilePrivate(file: fs.PathOrFileDescriptor, data: string | NodeJS.ArrayBufferView, options?: fs.WriteFileOptions): void {
  const o = typeof options === 'string' ? { encoding: options } : options ?? {};
  fs.writeFileSync(file, data, { ...o, mode: o.mode ?? PRIVATE_FILE_MODE });
}

export const io = {
  openSync: openPrivate,
  closeSync: fs.closeSync,
  readSync: fs.readSync,
  writeSync: fs.writeSync as (fd: number, buffer: Uint8Array, offset?: number, length?: number, position?: number | null) => number,
  fsyncSync: fs.fsyncSync,
  fdatasyncSync: fs.fdatasyncSync,
  ftruncateSync: fs.ftruncateSync,
  fstatSync: fs.fstatSync,
  renameSync: fs.renameSync,
  unlinkSync: fs.unlinkSync,
  rmSync: fs.rmSync,
  mkdirSync: mkdirPrivate,
  readdirSync: fs.readdirSync,
  existsSync: fs.existsSync,
  readFileSync: fs.readFileSync,
  writeFileSync: writeFilePrivate,
  statSync: fs.statSync,
};

/** Kafka's KAFKA_STORAGE_ERROR: the disk said no (full, read-only, gone). */
export class KafkaStorageError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'KafkaStorageError';
  }
}

/** Writes all of `buf` at `position`, looping over short writes. */
export function writeFully(fd: number, buf: Uint8Array, position: number): void {
  let done = 0;
  while (done < buf.length) {
    done += io.writeSync(fd, buf, done, buf.length - done, position + done);
  }
}

/** Reads up to `length` bytes at `position`; returns what the file has (a short read at end of file). */
export function readAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const n = io.readSync(fd, buf, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done === length ? buf : buf.subarray(0, done);
}

/** Fsyncs a directory so that a rename or create inside it survives a crash. */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = io.openSync(dir, 'r');
    io.fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on directories; the rename itself has still happened.
  } finally {
    if (fd !== undefined) io.closeSync(fd);
  }
}

/**
 * Replaces `file` with `content` so that a crash leaves either the old or the new file, never a torn one:
 * write a temp file, fsync it, rename over, fsync the directory (Kafka's CheckpointFile does the same).
 * `durable: false` keeps the rename (never a torn file) but skips the fsyncs, for files that are rebuilt when lost.
 */
export function writeFileAtomic(file: string, content: string | Uint8Array, opts: { durable?: boolean } = {}): void {
  const durable = opts.durable ?? true;
  const tmp = `${file}.tmp`;
  const fd = io.openSync(tmp, 'w');
  try {
    const buf = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    writeFully(fd, buf, 0);
    if (durable) io.fsyncSync(fd);
  } finally {
    io.closeSync(fd);
  }
  io.renameSync(tmp, file);
  const slash = file.lastIndexOf('/');
  if (durable && slash > 0) fsyncDir(file.slice(0, slash));
}
