/**
 * The base of the routers that show something they read from the cluster (the group inspector, the topic config
 * table): one read at a time (a refresh asked for meanwhile runs once more after the current one, so the last
 * change is never missed), on events through a throttle, on demand, and, for a source that raises no events (an
 * external cluster), every `refreshMs` while the panel is visible. No vscode import.
 */
import type { PanelKind } from '../shared/webview-protocol';
import { BrokerSource, PanelEnvironment, PanelRouter } from './panel-router';
import { Throttle } from '../shared/throttle';

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
    // Another cluster (embedded or external) may or may not raise events: the timer follows.
    if (broker.onAvailability) {
      this.disposables.push(
        broker.onAvailability(() => {
          this.stopTimer();
          if (this.ready) this.startTimer();
        }),
      );
    }
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

  /**
   * Starts the periodic refresh (subclasses: once the webview is ready): only while the panel is visible, and only
   * for a source whose events do not report every change.
   */
  protected startTimer(): void {
    if (this.timer || !this.visible || this.disposed || this.broker.raisesEvents?.()) return;
    this.timer = setInterval(() => void this.refresh(), this.refreshMs);
  }

  private stopTimer(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
