/**
 * The control socket of a running `tributary start`: the same typed API as the worker RPC (src/broker/rpc.ts), as
 * newline-delimited JSON over a Unix socket in the data directory (a named pipe on Windows), so that
 * `tributary node stop 1` or `tributary fault cut-link 0 2` reach the broker that owns the directory. Only processes
 * that can open the data directory can use it.
 */
import * as net from 'node:net';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { createHash } from 'node:crypto';
import type { BrokerApi, BrokerMethod } from './api';
import { answerRequest, BrokerError, isBrokerMethod, type MethodParams, type MethodResult, type RpcRequest, type WorkerToHost } from './rpc';

export function controlSocketPath(dataDir: string): string {
  const abs = path.resolve(dataDir);
  if (process.platform === 'win32') return `\\\\.\\pipe\\tributary-${createHash('sha1').update(abs).digest('hex').slice(0, 16)}`;
  return path.join(abs, 'tributary.sock');
}

/** Serves `api` on the data directory's control socket until the returned close() is called. */
export async function serveControlSocket(api: BrokerApi, dataDir: string): Promise<() => Promise<void>> {
  const where = controlSocketPath(dataDir);
  // A socket file left by a broker that died; the directory lock says we own the directory now.
  if (process.platform !== 'win32' && fs.existsSync(where)) fs.rmSync(where, { force: true });
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffered = '';
    socket.on('data', (d) => {
      buffered += d.toString('utf8');
      if (buffered.length > 16 * 1024 * 1024) return socket.destroy();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        let m: RpcRequest;
        try {
          m = JSON.parse(line) as RpcRequest;
        } catch {
          socket.destroy();
          return;
        }
        if (m?.type !== 'request' || typeof m.id !== 'number' || !isBrokerMethod(m.method) || !Array.isArray(m.params)) {
          socket.write(JSON.stringify({ type: 'response', id: m?.id ?? 0, ok: false, error: { name: 'Error', message: 'malformed request' } }) + '\n');
          continue;
        }
        void answerRequest(api, m).then((r) => socket.writable && socket.write(JSON.stringify(r) + '\n'));
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(where, () => resolve());
  });
  if (process.platform !== 'win32') fs.chmodSync(where, 0o600);
  return () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
}

/** A client of a running broker's control socket. */
export class ControlClient {
  private nextId = 1;
  private buffered = '';
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (d) => {
      this.buffered += d.toString('utf8');
      let nl: number;
      while ((nl = this.buffered.indexOf('\n')) >= 0) {
        const m = JSON.parse(this.buffered.slice(0, nl)) as WorkerToHost;
        this.buffered = this.buffered.slice(nl + 1);
        if (m.type !== 'response') continue;
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (m.ok) p?.resolve(m.result);
        else p?.reject(new BrokerError(m.error));
      }
    });
    const fail = (why: string) => {
      for (const p of this.pending.values()) p.reject(new Error(why));
      this.pending.clear();
    };
    socket.on('error', (e) => fail(`the control connection failed: ${e.message}`));
    socket.on('close', () => fail('the broker closed the control connection (is it shutting down?)'));
  }

  static connect(dataDir: string): Promise<ControlClient> {
    const where = controlSocketPath(dataDir);
    return new Promise((resolve, reject) => {
      const socket = net.connect(where);
      socket.once('connect', () => resolve(new ControlClient(socket)));
      socket.once('error', (e: NodeJS.ErrnoException) =>
        reject(e.code === 'ENOENT' || e.code === 'ECONNREFUSED' ? new Error(`no broker is running on ${path.resolve(dataDir)} (start one with: tributary start --data ${dataDir})`) : e),
      );
    });
  }

  call<M extends BrokerMethod>(method: M, ...params: MethodParams<M>): Promise<MethodResult<M>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      if (!this.socket.writable) return reject(new Error('the control connection is closed'));
      this.socket.write(JSON.stringify({ type: 'request', id, method, params }) + '\n');
    });
  }

  close(): void {
    this.socket.end();
  }
}
