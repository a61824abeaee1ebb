/**
 * Why a broker did not start, in terms a user can act on: a port taken, the data directory locked by another broker,
 * a corrupt file, a bad config. The extension turns the reason into actions ("Use another port", "Open settings").
 */
import * as path from 'node:path';
import type { StartFailure } from './api';
import { DirectoryLockedError } from './storage/dir-lock';
import { KafkaError } from './errors';

/** Errors raised while reading files the broker cannot start without. */
const CORRUPT_ERROR_NAMES = new Set(['CorruptCheckpointError', 'CorruptIndexError', 'CorruptRecordError', 'KafkaStorageError']);
const CORRUPT_MESSAGES = [/is not valid JSON/, /has an unknown format/, /belongs to (node|cluster)/, /meta\.properties/, /corrupt/i];

function describe(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}

/** The first absolute path in the message that lies inside the data directory (the file at fault). */
function pathInMessage(message: string, dataDir: string): string | undefined {
  const i = message.indexOf(dataDir);
  if (i < 0) return undefined;
  const m = /^[^\s:'"]+/.exec(message.slice(i));
  return m ? m[0] : undefined;
}

export function classifyStartError(e: unknown, ctx: { dataDir: string; basePort?: number }): StartFailure {
  const dataDir = path.resolve(ctx.dataDir);
  const detail = describe(e);
  const err = e as Partial<NodeJS.ErrnoException> & { name?: string; message?: string };
  const message = err?.message ?? String(e);

  if (e instanceof DirectoryLockedError || err?.name === 'DirectoryLockedError') {
    const locked = e as DirectoryLockedError;
    return {
      reason: 'directoryLocked',
      message: locked.owner
        ? `The data directory is in use by another broker: ${locked.owner} (process ${locked.pid}). Stop it, or choose another data directory.`
        : `The data directory is in use by another broker (process ${locked.pid}), for example a \`tributary start\` in a terminal. Stop it, or choose another data directory.`,
      dataDir,
      pid: locked.pid,
      owner: locked.owner,
      path: locked.dir,
      detail,
    };
  }
  if (err?.code === 'EADDRINUSE' || /no free port/.test(message) || (err?.code === 'EACCES' && err.syscall === 'listen')) {
    return {
      reason: 'portInUse',
      message: `No port free for the broker's listeners from ${ctx.basePort ?? 9092}: ${message}`,
      dataDir,
      port: ctx.basePort,
      detail,
    };
  }
  if (err?.code === 'EACCES' || err?.code === 'EPERM' || err?.code === 'EROFS') {
    return { reason: 'permissionDenied', message: `The broker cannot write its data directory: ${message}`, dataDir, path: err.path ?? dataDir, detail };
  }
  if (e instanceof KafkaError && e.errorName === 'INVALID_CONFIG') {
    return { reason: 'badConfig', message: `A broker or topic setting is invalid: ${message}`, dataDir, detail };
  }
  if (CORRUPT_ERROR_NAMES.has(err?.name ?? '') || (e instanceof KafkaError && e.errorName === 'INCONSISTENT_CLUSTER_ID') || CORRUPT_MESSAGES.some((r) => r.test(message))) {
    return { reason: 'corruptData', message: `A file in the data directory cannot be used: ${message}`, dataDir, path: pathInMessage(message, dataDir), detail };
  }
  return { reason: 'unknown', message: `The broker failed to start: ${message}`, dataDir, detail };
}

/** A failed start as an Error, so that callers can throw it and still reach the reason. */
export class BrokerStartError extends Error {
  constructor(readonly failure: StartFailure) {
    super(failure.message);
    this.name = 'BrokerStartError';
  }
}
