/**
 * The webview's only way to the extension host: a seam over acquireVsCodeApi() (postMessage, getState/setState)
 * with typed commands, requests and notifications from src/shared/webview-protocol.ts. Tests replace the VS Code
 * API with a fake that defines `acquireVsCodeApi` before the bundle runs.
 */
import {
  IpcCommand,
  IpcMessage,
  IpcNotification,
  IpcRequest,
  ipcMessage,
  isIpcMessage,
} from '../../src/shared/webview-protocol';

/** What acquireVsCodeApi() returns (@types/vscode-webview's WebviewApi). */
export interface VsCodeApiLike {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState<T>(newState: T): T;
}

declare function acquireVsCodeApi(): VsCodeApiLike;

export class HostError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'HostError';
  }
}

interface Pending {
  method: string;
  resolve: (value: unknown) => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

export type Unsubscribe = () => void;

export class Host {
  private readonly pending = new Map<string, Pending>();
  private readonly handlers = new Map<string, Set<(params: unknown) => void>>();
  private state: Record<string, unknown>;

  constructor(
    private readonly api: VsCodeApiLike,
    target: Pick<Window, 'addEventListener'> = window,
  ) {
    const s = api.getState();
    this.state = typeof s === 'object' && s !== null ? { ...(s as Record<string, unknown>) } : {};
    target.addEventListener('message', (e: Event) => this.receive((e as MessageEvent).data));
  }

  /** Fire and forget. */
  command<P>(cmd: IpcCommand<P>, params: P): void {
    this.api.postMessage(ipcMessage(cmd, params));
  }

  /** Sends a request; resolves with the host's answer, rejects with HostError on failure or timeout. */
  request<P, R>(req: IpcRequest<P, R>, params: P, timeoutMs = 60_000): Promise<R> {
    const msg = ipcMessage(req, params);
    return new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(msg.id);
        reject(new HostError(`The extension did not answer ${req.method} within ${Math.round(timeoutMs / 1000)} s`, 'TIMEOUT'));
      }, timeoutMs);
      this.pending.set(msg.id, { method: req.response.method, resolve: resolve as (v: unknown) => void, reject, timer });
      this.api.postMessage(msg);
    });
  }

  /** Calls handler with every notification of this kind until unsubscribed. */
  on<P>(notification: IpcNotification<P>, handler: (params: P) => void): Unsubscribe {
    let set = this.handlers.get(notification.method);
    if (!set) this.handlers.set(notification.method, (set = new Set()));
    const h = handler as (params: unknown) => void;
    set.add(h);
    return () => set!.delete(h);
  }

  /** The panel's saved UI state under `key` (VS Code keeps it across reloads and restores). */
  getState<T>(key: string): T | undefined {
    return this.state[key] as T | undefined;
  }

  setState<T>(key: string, value: T): void {
    this.state = { ...this.state, [key]: value };
    this.api.setState(this.state);
  }

  allState(): Record<string, unknown> {
    return this.state;
  }

  private receive(data: unknown): void {
    if (!isIpcMessage(data)) return;
    const msg = data as IpcMessage;
    if (msg.completionId !== undefined) {
      const p = this.pending.get(msg.completionId);
      if (!p || p.method !== msg.method) return;
      this.pending.delete(msg.completionId);
      clearTimeout(p.timer);
      if (msg.error) p.reject(new HostError(String(msg.error.message), msg.error.code));
      else p.resolve(msg.params);
      return;
    }
    const set = this.handlers.get(msg.method);
    if (!set) return;
    for (const h of [...set]) {
      try {
        h(msg.params);
      } catch (e) {
        // One failing handler must not stop the others or the message loop.
        console.error(`tributary webview: handler of ${msg.method} failed`, e);
      }
    }
  }
}

let instance: Host | undefined;

/** The one Host of this document (acquireVsCodeApi may be called only once). */
export function getHost(): Host {
  if (!instance) instance = new Host(acquireVsCodeApi());
  return instance;
}

/** Tests (in a browser without VS Code) install their own. */
export function setHost(h: Host): void {
  instance = h;
}
