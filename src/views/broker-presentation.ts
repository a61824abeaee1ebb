/**
 * How the broker's state reads in the UI (status bar, context keys) and which actions a failed start offers:
 * pure functions, so the wording and the choices are tested without VS Code.
 */
import type { StartFailure } from '../broker/api';
import type { BrokerState } from '../clusters/broker-lifecycle';

interface StatusBarView {
  text: string;
  tooltip: string;
  /** The command a click runs. */
  command: string;
  /** A theme colour id for the item's background (errors only, as VS Code recommends). */
  background?: string;
}

/** "127.0.0.1:9092,127.0.0.1:9093,127.0.0.1:9094" shown as "127.0.0.1:9092 +2". */
export function shortBootstrap(bootstrap: string): string {
  const all = bootstrap.split(',').filter(Boolean);
  if (all.length <= 1) return bootstrap;
  return `${all[0]} +${all.length - 1}`;
}

export function statusBarView(state: BrokerState): StatusBarView {
  switch (state.kind) {
    case 'stopped':
      return { text: '$(debug-disconnect) Kafka: stopped', tooltip: 'Tributary: the embedded broker is not running. Click to start it.', command: 'tributary.startBroker' };
    case 'starting':
      return { text: '$(sync~spin) Kafka: starting', tooltip: 'Tributary: starting the embedded broker…', command: 'tributary.showLog' };
    case 'stopping':
      return { text: '$(sync~spin) Kafka: stopping', tooltip: 'Tributary: stopping the embedded broker…', command: 'tributary.showLog' };
    case 'running':
      return {
        text: `$(radio-tower) Kafka: ${shortBootstrap(state.status.bootstrap)}`,
        tooltip: `Tributary: ${state.status.nodes.filter((n) => n.up).length} of ${state.status.nodes.length} nodes up\nBootstrap servers: ${state.status.bootstrap}${state.status.schemaRegistryUrl ? `\nSchema registry: ${state.status.schemaRegistryUrl}` : ''}\nData: ${state.status.dataDir}\nClick to copy the bootstrap servers.`,
        command: 'tributary.copyBootstrap',
      };
    case 'failed':
      return { text: '$(error) Kafka: failed', tooltip: `Tributary: ${state.failure.message}\nClick to see why and what to do.`, command: 'tributary.showStartFailure', background: 'statusBarItem.errorBackground' };
    case 'external':
      return {
        text: `$(lock) Kafka: process ${state.pid}`,
        tooltip: `Tributary: the data directory ${state.dataDir} is used by another broker, ${ownerText(state.pid, state.owner)}; its files are shown read-only.`,
        command: 'tributary.showStartFailure',
      };
  }
}

/** The value of the `tributary.state` context key that viewsWelcome and menus test. */
export function stateContextValue(state: BrokerState): string {
  return state.kind;
}

export type FailureAction = 'useAnotherPort' | 'useAnotherDirectory' | 'openFile' | 'openSettings' | 'showLog' | 'retry';

export const FAILURE_ACTION_LABELS: Readonly<Record<FailureAction, string>> = {
  useAnotherPort: 'Use Another Port',
  useAnotherDirectory: 'Use Another Directory',
  openFile: 'Open the File',
  openSettings: 'Open Settings',
  showLog: 'Show Log',
  retry: 'Try Again',
};

/** The buttons of a failed start's notification, most useful first. */
export function failureActions(f: StartFailure): FailureAction[] {
  switch (f.reason) {
    case 'portInUse':
      return ['useAnotherPort', 'openSettings', 'showLog'];
    case 'directoryLocked':
      return ['useAnotherDirectory', 'retry', 'showLog'];
    case 'corruptData':
      return f.path ? ['openFile', 'useAnotherDirectory', 'showLog'] : ['useAnotherDirectory', 'showLog'];
    case 'permissionDenied':
      return ['useAnotherDirectory', 'openSettings', 'showLog'];
    case 'badConfig':
      return ['openSettings', 'showLog'];
    default:
      return ['retry', 'showLog', 'openSettings'];
  }
}

/** Who holds the data directory: "tributary start (process 4242)", or just the process when its lock does not say. */
export function ownerText(pid: number, owner: string | undefined): string {
  return owner ? `${owner} (process ${pid})` : `process ${pid}`;
}
