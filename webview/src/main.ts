/**
 * The webview bundle's entry: one panel per document, chosen by <body data-panel="…">. Registers the toolkit's
 * standard controls, mounts the panel's element, then tells the host it is ready (the host answers with the
 * panel's didInit notification).
 */
import { PANEL_ATTRIBUTE, PanelKind, WebviewReadyCommand } from '../../src/shared/webview-protocol';
import { getHost } from './host';
import { registerControls } from './components/common/controls';
import './components/producer/producer-panel';
import './components/consumer/consumer-panel';
import './components/group-inspector/group-inspector';
import './components/segment-inspector/segment-inspector';
import './components/cluster-view/cluster-view';
import './components/topic-config/topic-config-table';

const PANELS: Record<PanelKind, string> = {
  producer: 'tributary-producer',
  consumer: 'tributary-consumer',
  group: 'tributary-group-inspector',
  segment: 'tributary-segment-inspector',
  cluster: 'tributary-cluster-view',
  topicConfig: 'tributary-topic-configs',
};

/** Page-level layout only (colours stay with the panels); a constructed sheet, so the CSP needs no inline style. */
function adoptPageStyles(): void {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync('html, body { height: 100%; } body { margin: 0; padding: 0; overflow: hidden; } body > .tributary-panel { height: 100%; overflow: auto; }');
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}

function main(): void {
  const kind = document.body.getAttribute(PANEL_ATTRIBUTE) as PanelKind | null;
  const tag = kind ? PANELS[kind] : undefined;
  adoptPageStyles();
  if (!kind || !tag) {
    const p = document.createElement('p');
    p.textContent = `Tributary: unknown panel "${kind ?? ''}"`;
    document.body.append(p);
    return;
  }
  registerControls();
  const host = getHost();
  const el = document.createElement(tag);
  el.classList.add('tributary-panel');
  document.body.append(el);
  host.command(WebviewReadyCommand, { panel: kind, restoredState: host.allState() });
}

main();
