/** The topic config table: one per topic, routed by TopicConfigRouter (which polls only while the panel is visible). */
import * as vscode from 'vscode';
import { PanelContext, PanelHost, createPanel } from './panel-host';
import { TopicConfigTarget, panelKey, panelTitle } from './panel-targets';
import { TopicConfigRouter } from './topic-config-router';

export class TopicConfigPanel extends PanelHost {
  static create(ctx: PanelContext, t: TopicConfigTarget): TopicConfigPanel {
    // Kept while hidden: edits not applied yet must survive switching tabs.
    return new TopicConfigPanel(ctx, createPanel(ctx, 'topicConfig', panelTitle('topicConfig', t), true), t);
  }

  constructor(ctx: PanelContext, panel: vscode.WebviewPanel, readonly target: TopicConfigTarget) {
    super(ctx, panel, 'topicConfig', panelKey('topicConfig', target), (env) => new TopicConfigRouter(ctx.broker, env, target.topic));
  }
}
