/**
 * The embedded broker's life in the extension: stopped, starting, running, stopping, failed (with why), or
 * "external" when another broker process owns the data directory. Starts on first need, never twice at once, keeps
 * event listeners across restarts, and notices a worker that dies. Has no vscode import: the extension renders its
 * state (status bar, context keys, notifications), tests drive it with a fake connection.
 */
import type { BrokerApi, BrokerEvent, BrokerEventSource, BrokerServiceOptions, BrokerStatus, StartFailure } from '../broker/api';
import { BrokerStartError } from '../broker/start-failure';
import { Listeners } from '../shared/listeners';
import type { WorkerExit } from './embedded-cluster';

/** What the lifecycle needs of a broker connection; EmbeddedCluster is one. */
export interface BrokerConnection extends BrokerApi, BrokerEventSource {
  start(): Promise<BrokerStatus>;
  stop(): Promise<void>;
  onExit(listener: (exit: WorkerExit) => void): () => void;
}

export type BrokerState =
  | { kind: 'stopped' }
  | { kind: 'starting' }
  | { kind: 'running'; status: BrokerStatus }
  | { kind: 'stopping' }
  | { kind: 'failed'; failure: StartFailure }
  /** Another process (pid) holds the data directory: its files can be shown, read-only. */
  | { kind: 'external'; pid: number; dataDir: string; owner?: string };

export class BrokerLifecycle {
  private _state: BrokerState = { kind: 'stopped' };
  private connection: BrokerConnection | undefined;
  private starting: Promise<BrokerApi> | undefined;
  private stopping: Promise<void> | undefined;
  private detach: Array<() => void> = [];
  /** The user stopped the broker (or a start failed): a view being opened must not start it again by itself. */
  private heldBack = false;
  private readonly states = new Listeners<BrokerState>();
  private readonly events = new Listeners<BrokerEvent>();

  constructor(
    private readonly connect: (options: BrokerServiceOptions) => BrokerConnection,
    private readonly options: () => BrokerServiceOptions,
  ) {}

  get state(): BrokerState {
    return this._state;
  }

  /** The running broker's API, or undefined. */
  get api(): BrokerApi | undefined {
    return this._state.kind === 'running' ? this.connection : undefined;
  }

  onState(listener: (state: BrokerState) => void): () => void {
    return this.states.add(listener);
  }

  /** Events of whichever broker is running; listeners stay subscribed across restarts. */
  onEvent(listener: (event: BrokerEvent) => void): () => void {
    return this.events.add(listener);
  }

  private setState(s: BrokerState): void {
    this._state = s;
    this.states.fire(s);
  }

  /**
   * Starts the broker on first need (a view opened, autoStart): unless the user stopped it or a start failed in
   * this session, in which case only an explicit start() does. Resolves to the API, or undefined when held back.
   */
  async startOnNeed(): Promise<BrokerApi | undefined> {
    if (this._state.kind === 'running') return this.connection;
    if (this.starting) return this.starting;
    if (this.heldBack || this._state.kind !== 'stopped') return undefined;
    return this.start();
  }

  /** Starts the broker (or joins the start in progress); rejects with a BrokerStartError. */
  start(): Promise<BrokerApi> {
    if (this._state.kind === 'running' && this.connection) return Promise.resolve(this.connection);
    if (!this.starting) {
      this.starting = this.launch().finally(() => {
        this.starting = undefined;
      });
    }
    return this.starting;
  }

  private async launch(): Promise<BrokerApi> {
    if (this.stopping) await this.stopping;
    this.heldBack = false;
    this.setState({ kind: 'starting' });
    const connection = this.connect(this.options());
    this.connection = connection;
    this.detach = [
      connection.onEvent((e) => {
        // The running status follows node changes, so the status bar's bootstrap stays right.
        if (e.type === 'nodeChanged' && this._state.kind === 'running') this.refreshStatus(connection);
        this.events.fire(e);
      }),
      connection.onExit((exit) => {
        if (exit.expected || this.connection !== connection) return;
        this.heldBack = true;
        this.cleanup();
        this.setState({
          kind: 'failed',
          failure: { reason: 'workerCrashed', message: `The broker stopped unexpectedly${exit.error ? `: ${exit.error.split('\n')[0]}` : ` (exit code ${exit.code})`}.`, dataDir: this.options().dataDir, detail: exit.error },
        });
      }),
    ];
    try {
      const status = await connection.start();
      this.setState({ kind: 'running', status });
      return connection;
    } catch (e) {
      this.cleanup();
      await connection.stop().catch(() => undefined);
      const failure: StartFailure =
        e instanceof BrokerStartError ? e.failure : { reason: 'unknown', message: `The broker failed to start: ${(e as Error).message}`, dataDir: this.options().dataDir, detail: (e as Error).stack };
      this.heldBack = true;
      if (failure.reason === 'directoryLocked' && failure.pid !== undefined) this.setState({ kind: 'external', pid: failure.pid, dataDir: failure.dataDir, owner: failure.owner });
      else this.setState({ kind: 'failed', failure });
      throw e instanceof BrokerStartError ? e : new BrokerStartError(failure);
    }
  }

  private refreshStatus(connection: BrokerConnection): void {
    connection.status().then(
      (status) => {
        if (this.connection === connection && this._state.kind === 'running') this.setState({ kind: 'running', status });
      },
      () => undefined,
    );
  }

  private cleanup(): void {
    for (const d of this.detach) d();
    this.detach = [];
    this.connection = undefined;
  }

  /** Stops the broker cleanly; a view opened later will not restart it by itself. */
  stop(): Promise<void> {
    this.heldBack = true;
    if (!this.stopping) {
      this.stopping = this.shutdown().finally(() => {
        this.stopping = undefined;
      });
    }
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    if (this.starting) await this.starting.catch(() => undefined);
    const connection = this.connection;
    if (!connection) {
      // Nothing of ours runs; a failure or an external owner is forgotten so the next start tries afresh.
      if (this._state.kind !== 'stopped') this.setState({ kind: 'stopped' });
      return;
    }
    this.setState({ kind: 'stopping' });
    try {
      await connection.stop();
    } finally {
      this.cleanup();
      this.setState({ kind: 'stopped' });
    }
  }

  async restart(): Promise<BrokerApi> {
    await this.stop();
    return this.start();
  }

  /** The directory's owner went away (its lock is free): back to stopped, so it can be started here. */
  externalOwnerGone(): void {
    if (this._state.kind === 'external') {
      this.heldBack = false;
      this.setState({ kind: 'stopped' });
    }
  }
}
