/** The consumer panel: one live tail per topic, routed by ConsumerRouter (its ConsumerSession does the fetching). */
import * as vscode from 'vscode';
import { ConsumerRouter } from './consumer-router';
import { PanelContext, PanelHost, createPanel } from './panel-host';
import { ConsumerTarget, panelKey, panelTitle } from './panel-targets';

export class ConsumerPanel extends PanelHost {
  static create(ctx: PanelContext, t: ConsumerTarget): ConsumerPanel {
    // Up to 100,000 records live in the webview: it is kept while hidden rather than refilled.
    return new ConsumerPanel(ctx, createPanel(ctx, 'consumer', panelTitle('consumer', t), true), t, true);
  }

  /** autoStart: a panel just opened starts tailing; one restored after a reload waits for the user. */
  constructor(ctx: PanelContext, panel: vscode.WebviewPanel, readonly target: ConsumerTarget, autoStart = false) {
    super(ctx, panel, 'consumer', panelKey('consumer', target), (env) => new ConsumerRouter(ctx.broker, env, target.topic, { autoStart }));
  }
}
