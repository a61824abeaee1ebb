/** The group inspector: one per consumer group, routed by GroupRouter (which polls only while the panel is visible). */
import * as vscode from 'vscode';
import { GroupRouter } from './group-router';
import { PanelContext, PanelHost, createPanel } from './panel-host';
import { GroupTarget, panelKey, panelTitle } from './panel-targets';

export class GroupPanel extends PanelHost {
  static create(ctx: PanelContext, t: GroupTarget): GroupPanel {
    return new GroupPanel(ctx, createPanel(ctx, 'group', panelTitle('group', t), true), t);
  }

  constructor(ctx: PanelContext, panel: vscode.WebviewPanel, readonly target: GroupTarget) {
    super(ctx, panel, 'group', panelKey('group', target), (env) => new GroupRouter(ctx.broker, env, target.groupId));
  }
}
