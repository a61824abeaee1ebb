/**
 * What every panel's host does with the messages of its webview, without VS Code: a PanelRouter receives whatever
 * the webview posted, checks it with the protocol's `X.is(msg)` guards, answers requests with ipcResponse or
 * ipcErrorResponse (the error's code is the Kafka error name the broker raised), and pushes notifications. The
 * vscode-facing panel classes (panel-host.ts and the *-panel.ts files) only connect a WebviewPanel to a router and
 * provide the PanelEnvironment, so the routing is tested against a real broker with a recording environment.
 *
 * Everything from the webview is data: parameters are checked before use, and a message that is not one of the
 * protocol's is ignored (logged), never answered with anything it could interpret.
 */
import type { BrokerApi, BrokerEvent, TopicSummary as BrokerTopicSummary } from '../broker/api';
import { kafkaErrorOf } from '../broker/rpc';
import {
  CopyToClipboardCommand,
  IpcError,
  IpcMessage,
  IpcNotification,
  IpcRequest,
  PanelKind,
  ShowMessageCommand,
  TopicSummary,
  WebviewReadyCommand,
  ipcErrorResponse,
  ipcMessage,
  ipcResponse,
  isIpcMessage,
} from '../shared/webview-protocol';

import type { SchemaSerde } from '../schemas/schema-serde';

type Unsubscribe = () => void;

/** Where the routers reach the broker: the running one (started on first need), its events and state. */
export interface BrokerSource {
  /** The running broker; rejects (code BROKER_NOT_AVAILABLE) when it is not running and cannot start here. */
  api(): Promise<BrokerApi>;
  onEvent(listener: (event: BrokerEvent) => void): Unsubscribe;
  /** Called with true when a broker starts running, false when it stops. */
  onAvailability?(listener: (running: boolean) => void): Unsubscribe;
  /**
   * Whether onEvent reports every change (the embedded broker) or the panels must look for changes themselves (an
   * external cluster says nothing unasked). Absent: they look.
   */
  raisesEvents?(): boolean;
  /** The cluster's schema registry, which decodes and encodes values in its wire format; undefined when there is none. */
  schemas?(): Promise<SchemaSerde | undefined>;
}

/** What the panel's host provides besides the webview: VS Code's clipboard, messages and editors, and a log. */
export interface PanelEnvironment {
  /** webview.postMessage; the promise (if any) settles when the webview has taken the message. */
  post(message: IpcMessage): unknown;
  /** Copies to the clipboard; `label` says what was copied (shown briefly in the status bar). */
  copy(text: string, label?: string): Promise<void> | void;
  showMessage(level: 'info' | 'warning' | 'error', message: string): void;
  /** Opens text in a read-only editor; `name` is the document's file name (its extension picks the language). */
  openDocument(content: string, name: string, language: string): Promise<void> | void;
  /**
   * Opens text in a new untitled editor the user can change: each change calls onChange with the whole text, and
   * onClose once the editor is closed. dispose() stops listening (the editor stays open).
   */
  editDocument(content: string, language: string, onChange: (text: string) => void, onClose: () => void): Promise<LinkedDocument>;
  /** Opens a web page in the user's browser (vscode.env.openExternal): webviews never navigate themselves. */
  openExternal(url: string): unknown;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

/** An editor whose changes a panel follows (PanelEnvironment.editDocument). */
export interface LinkedDocument {
  /** Its title, e.g. Untitled-1. */
  readonly name: string;
  dispose(): void;
}

/** A request's parameters failed a check: answered with INVALID_REQUEST. */
export class InvalidRequestError extends Error {
  readonly errorName = 'INVALID_REQUEST';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidRequestError';
  }
}

/** The protocol's error for anything a request threw: its message, and the Kafka error name when there is one. */
function toIpcError(e: unknown): IpcError {
  const message = e instanceof Error ? e.message : String(e);
  const code = kafkaErrorOf(e);
  return code ? { message, code } : { message };
}

// -- parameter checks -----------------------------------------------------------------------------------------------

function fail(what: string, expected: string, v: unknown): never {
  throw new InvalidRequestError(`${what} must be ${expected}, not ${JSON.stringify(v) ?? String(v)}`);
}

export function str(v: unknown, what: string): string {
  return typeof v === 'string' ? v : fail(what, 'a string', v);
}

export function int(v: unknown, what: string, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max ? v : fail(what, `a whole number from ${min} to ${max}`, v);
}

export function optInt(v: unknown, what: string, min?: number, max?: number): number | undefined {
  return v === undefined || v === null ? undefined : int(v, what, min, max);
}

export function obj(v: unknown, what: string): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : fail(what, 'an object', v);
}

export function oneOf<T extends string | number>(v: unknown, what: string, allowed: readonly T[]): T {
  return allowed.includes(v as T) ? (v as T) : fail(what, `one of ${allowed.join(', ')}`, v);
}

/** Topic summaries as the panels' pickers show them (internal topics last, by name). */
export function topicSummaries(topics: readonly BrokerTopicSummary[]): TopicSummary[] {
  return topics
    .map((t) => ({ name: t.name, partitions: t.partitions, internal: t.internal }))
    .sort((a, b) => (a.internal === b.internal ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.internal ? 1 : -1));
}

/**
 * The base of every panel's router: the core messages (ready, copy, showMessage), request answering, notifying,
 * visibility and disposal. Subclasses implement `init` (answer to ready) and `route` (their own messages).
 */
export abstract class PanelRouter {
  protected readonly disposables: Unsubscribe[] = [];
  private _visible = true;
  private _disposed = false;
  /** The webview said it is ready at least once (notifications before that would be lost). */
  protected ready = false;

  constructor(
    readonly kind: PanelKind,
    protected readonly broker: BrokerSource,
    protected readonly env: PanelEnvironment,
  ) {}

  get visible(): boolean {
    return this._visible;
  }

  get disposed(): boolean {
    return this._disposed;
  }

  /** Handles one message from the webview; never throws (failures are answered or logged). */
  async handle(raw: unknown): Promise<void> {
    if (this._disposed) return;
    if (!isIpcMessage(raw)) {
      this.env.log('warn', `${this.kind} panel: ignored a message that is not a protocol message`);
      return;
    }
    try {
      if (WebviewReadyCommand.is(raw)) {
        this.ready = true;
        await this.init(raw.params?.restoredState);
        return;
      }
      if (CopyToClipboardCommand.is(raw)) {
        const p = obj(raw.params, 'copy');
        await this.env.copy(str(p.text, 'text'), typeof p.label === 'string' && p.label ? p.label : undefined);
        return;
      }
      if (ShowMessageCommand.is(raw)) {
        const p = obj(raw.params, 'showMessage');
        this.env.showMessage(oneOf(p.level, 'level', ['info', 'warning', 'error'] as const), str(p.message, 'message'));
        return;
      }
      if (!(await this.route(raw))) this.env.log('warn', `${this.kind} panel: ignored unknown message ${raw.method}`);
    } catch (e) {
      this.env.log('error', `${this.kind} panel: ${raw.method} failed: ${(e as Error)?.stack ?? String(e)}`);
    }
  }

  /** The webview is (again) ready: send its didInit and current data. */
  protected abstract init(restoredState: unknown): Promise<void>;

  /** Handles a panel message; false when it is not one of this panel's. */
  protected abstract route(msg: IpcMessage): Promise<boolean>;

  /** Answers a request with what `run` returns, or with its error (code = the Kafka error name). */
  protected async answer<P, R>(req: IpcRequest<P, R>, msg: IpcMessage<P>, run: (params: P) => Promise<R>): Promise<void> {
    let reply: IpcMessage<R | undefined>;
    try {
      reply = ipcResponse(req, msg, await run(msg.params));
    } catch (e) {
      const error = toIpcError(e);
      if (!error.code || error.code === 'UNKNOWN_SERVER_ERROR') this.env.log('warn', `${this.kind} panel: ${req.method} failed: ${(e as Error)?.stack ?? error.message}`);
      reply = ipcErrorResponse(req, msg, error);
    }
    if (!this._disposed) await this.env.post(reply);
  }

  protected notify<P>(n: IpcNotification<P>, params: P): unknown {
    if (this._disposed) return undefined;
    return this.env.post(ipcMessage(n, params));
  }

  /** The panel became visible or hidden (routers that poll only do so while visible). */
  setVisible(visible: boolean): void {
    const was = this._visible;
    this._visible = visible;
    if (visible !== was) this.visibilityChanged(visible);
  }

  protected visibilityChanged(_visible: boolean): void {
    // polling routers override
  }

  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    for (const d of this.disposables.splice(0)) {
      try {
        d();
      } catch {
        // disposal goes on
      }
    }
  }
}
