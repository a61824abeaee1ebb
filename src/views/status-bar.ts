/** The status bar item: the broker's state and bootstrap servers; a click copies them (or starts the broker). */
import * as vscode from 'vscode';
import type { BrokerState } from '../clusters/broker-lifecycle';
import { statusBarView } from './broker-presentation';

export class BrokerStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('tributary.broker', vscode.StatusBarAlignment.Left, 50);

  constructor() {
    this.item.name = 'Tributary Kafka Broker';
  }

  show(state: BrokerState): void {
    const v = statusBarView(state);
    this.item.text = v.text;
    this.item.tooltip = v.tooltip;
    this.item.command = v.command;
    this.item.backgroundColor = v.background ? new vscode.ThemeColor(v.background) : undefined;
    this.item.show();
  }

  /** An external cluster is shown: its name; a click chooses another cluster. */
  showExternal(name: string, bootstrap: string): void {
    this.item.text = `$(cloud) Kafka: ${name}`;
    this.item.tooltip = `Tributary shows the external cluster ${name} (${bootstrap}). Click to choose another cluster.`;
    this.item.command = 'tributary.selectCluster';
    this.item.backgroundColor = undefined;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
