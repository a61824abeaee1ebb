/** The segment inspector: one per partition of the running broker, or per segment file on disk (SegmentRouter). */
import * as vscode from 'vscode';
import { PanelContext, PanelHost, createPanel } from './panel-host';
import { panelKey, panelTitle } from './panel-targets';
import { SegmentRouter, SegmentSource } from './segment-router';

export class SegmentPanel extends PanelHost {
  static create(ctx: PanelContext, t: SegmentSource): SegmentPanel {
    // Pages already read and opened batches stay while hidden.
    return new SegmentPanel(ctx, createPanel(ctx, 'segment', panelTitle('segment', t), true), t);
  }

  constructor(ctx: PanelContext, panel: vscode.WebviewPanel, readonly target: SegmentSource) {
    super(ctx, panel, 'segment', panelKey('segment', target), (env) => new SegmentRouter(ctx.broker, env, target));
  }
}
