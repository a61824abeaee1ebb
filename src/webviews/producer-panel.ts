/** The producer panel: one per topic (or one without a topic), routed by ProducerRouter. */
import * as vscode from 'vscode';
import { PanelContext, PanelHost, createPanel } from './panel-host';
import { ProducerTarget, panelKey, panelTitle } from './panel-targets';
import { ProducerRouter } from './producer-router';

export class ProducerPanel extends PanelHost {
  static create(ctx: PanelContext, t: ProducerTarget): ProducerPanel {
    // The form is kept in the webview's state, so the page may go while hidden.
    return new ProducerPanel(ctx, createPanel(ctx, 'producer', panelTitle('producer', t), false), t);
  }

  constructor(ctx: PanelContext, panel: vscode.WebviewPanel, readonly target: ProducerTarget) {
    super(ctx, panel, 'producer', panelKey('producer', target), (env) => new ProducerRouter(ctx.broker, env, target.topic));
  }
}
