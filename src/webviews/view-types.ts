/** The view type of each panel kind: WebviewPanelSerializers and `onWebviewPanel:` activation events use them. */
import type { PanelKind } from '../shared/webview-protocol';

export const VIEW_TYPES: Record<PanelKind, string> = {
  producer: 'tributary.producer',
  consumer: 'tributary.consumer',
  group: 'tributary.groupInspector',
  segment: 'tributary.segmentInspector',
  cluster: 'tributary.clusterView',
  topicConfig: 'tributary.topicConfig',
};
