/**
 * The base of the routers that show something they read from the cluster (the group inspector, the topic config
 * table): one read at a time (a refresh asked for meanwhile runs once more after the current one, so the last
 * change is never missed), every `refreshMs` while the panel is visible (external clusters raise no events), on
 * events through a throttle, and on demand. No vscode import.
 */
import type { PanelKind } from '../shared/webview-protocol';
import { BrokerSource, PanelEnvironment, PanelRouter, Throttle } from './panel-router';

export abstract class PollingRouter extends PanelRouter {
  /** Schedule a refresh from an event: bursts of events become one read. */
  protected readonly eventRefresh: Throttle;
  private timer: ReturnType<typeof setInterval> | undefined;
  private refreshing: Promise<void> | undefined;
  private again = false;

  constructor(
    kind: PanelKind,
    broker: BrokerSource,
    env: PanelEnvironment,
    private readonly refreshMs: number,
    eventThrottleMs: number,
  ) {
    super(kind, broker, env);
    this.eventRefresh = new Throttle(eventThrottleMs, () => this.refresh());
    this.disposables.push(
      () => this.eventRefresh.dispose(),
      () => this.stopTimer(),
    );
  }

  /** Reads and pushes once. */
  protected abstract refreshOnce(): Promise<void>;

  refresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      try {
        do {
          this.again = false;
          await this.refreshOnce();
        } while (this.again && !this.disposed);
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  protected override visibilityChanged(visible: boolean): void {
    if (!this.ready) return;
    if (visible) {
      void this.refresh();
      this.startTimer();
    } else this.stopTimer();
  }

  /** Starts the periodic refresh (subclasses: once the webview is ready); only while the panel is visible. */
  protected startTimer(): void {
    if (this.timer || !this.visible || this.disposed) return;
    this.timer = setInterval(() => void this.refresh(), this.refreshMs);
  }

  private stopTimer(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
