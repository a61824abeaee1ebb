/** The cluster view: one for the embedded cluster, routed by ClusterRouter. */
import * as vscode from 'vscode';
import { ClusterRouter } from './cluster-router';
import { PanelContext, PanelHost, createPanel } from './panel-host';
import { panelKey, panelTitle } from './panel-targets';

export class ClusterPanel extends PanelHost {
  static create(ctx: PanelContext): ClusterPanel {
    return new ClusterPanel(ctx, createPanel(ctx, 'cluster', panelTitle('cluster', {}), true));
  }

  constructor(ctx: PanelContext, panel: vscode.WebviewPanel) {
    super(ctx, panel, 'cluster', panelKey('cluster', {}), (env) => new ClusterRouter(ctx.broker, env));
  }
}
