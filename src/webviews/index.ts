/**
 * The webview panels of the extension: opening them (one per topic, group, partition or file; an open one is
 * revealed rather than opened twice), bringing them back after a window reload (a WebviewPanelSerializer per panel
 * kind: the host remembers what each panel showed, by view type and title, in the workspace state; the webview
 * keeps its own UI state), the read-only value editors, and the commands that open them.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { KafkaError } from '../broker/errors';
import type { BrokerApi } from '../broker/api';
import type { PanelKind } from '../shared/webview-protocol';
import type { Services } from '../commands/services';
import { ClusterPanel } from './cluster-panel';
import { ConsumerPanel } from './consumer-panel';
import { GroupPanel } from './group-panel';
import { PanelContext, PanelHost } from './panel-host';
import type { BrokerSource } from './panel-router';
import { AnyTarget, ConsumerTarget, GroupTarget, ProducerTarget, SegmentSource, TopicConfigTarget, panelKey, targetFromTitle } from './panel-targets';
import { ProducerPanel } from './producer-panel';
import { SegmentPanel } from './segment-panel';
import { TopicConfigPanel } from './topic-config-panel';
import { ValueDocuments } from './value-documents';
import { ownerText } from '../views/broker-presentation';
import { VIEW_TYPES } from './view-types';

export type { SegmentSource };

interface Remembered {
  viewType: string;
  title: string;
  target: AnyTarget;
}

const MEMENTO_KEY = 'tributary.webviewPanels';
const MAX_REMEMBERED = 200;

export class WebviewPanels implements vscode.Disposable {
  private readonly panels = new Map<string, PanelHost>();

  constructor(
    private readonly ctx: PanelContext,
    private readonly memento: vscode.Memento,
  ) {}

  /** Keys of the open panels (tests, diagnostics). */
  openKeys(): string[] {
    return [...this.panels.keys()];
  }

  openProducer(t: ProducerTarget): PanelHost {
    return this.show(panelKey('producer', t), t, () => ProducerPanel.create(this.ctx, t));
  }

  openConsumer(t: ConsumerTarget): PanelHost {
    return this.show(panelKey('consumer', t), t, () => ConsumerPanel.create(this.ctx, t));
  }

  openGroup(t: GroupTarget): PanelHost {
    return this.show(panelKey('group', t), t, () => GroupPanel.create(this.ctx, t));
  }

  openSegment(t: SegmentSource): PanelHost {
    const target: SegmentSource = t.kind === 'file' ? { kind: 'file', file: path.resolve(t.file) } : t;
    return this.show(panelKey('segment', target), target, () => SegmentPanel.create(this.ctx, target));
  }

  openCluster(): PanelHost {
    return this.show(panelKey('cluster', {}), {}, () => ClusterPanel.create(this.ctx));
  }

  openTopicConfig(t: TopicConfigTarget): PanelHost {
    return this.show(panelKey('topicConfig', t), t, () => TopicConfigPanel.create(this.ctx, t));
  }

  private show(key: string, target: AnyTarget, create: () => PanelHost): PanelHost {
    const existing = this.panels.get(key);
    if (existing) {
      existing.reveal();
      return existing;
    }
    const host = create();
    this.track(host, target);
    return host;
  }

  private track(host: PanelHost, target: AnyTarget): void {
    this.panels.set(host.key, host);
    host.onDidDispose(() => {
      if (this.panels.get(host.key) === host) this.panels.delete(host.key);
    });
    void this.remember({ viewType: VIEW_TYPES[host.kind], title: host.panel.title, target });
  }

  private remembered(): Remembered[] {
    const v = this.memento.get<unknown>(MEMENTO_KEY);
    return Array.isArray(v) ? (v as Remembered[]) : [];
  }

  /** Kept even after the panel closes (a window reload may close panels before it saves them), bounded. */
  private async remember(r: Remembered): Promise<void> {
    const rest = this.remembered().filter((x) => !(x.viewType === r.viewType && x.title === r.title));
    await this.memento.update(MEMENTO_KEY, [...rest, r].slice(-MAX_REMEMBERED));
  }

  private recall(viewType: string, title: string): AnyTarget | undefined {
    return this.remembered().find((x) => x.viewType === viewType && x.title === title)?.target;
  }

  registerSerializers(): vscode.Disposable[] {
    return (Object.keys(VIEW_TYPES) as PanelKind[]).map((kind) =>
      vscode.window.registerWebviewPanelSerializer(VIEW_TYPES[kind], {
        deserializeWebviewPanel: async (panel: vscode.WebviewPanel) => this.restore(kind, panel),
      }),
    );
  }

  private restore(kind: PanelKind, panel: vscode.WebviewPanel): void {
    const target = this.recall(VIEW_TYPES[kind], panel.title) ?? targetFromTitle(kind, panel.title);
    if (target === undefined) {
      this.ctx.output.warn(`Could not restore the panel "${panel.title}": what it showed is not known any more.`);
      panel.dispose();
      return;
    }
    let host: PanelHost;
    try {
      host = this.construct(kind, panel, target);
    } catch (e) {
      this.ctx.output.warn(`Could not restore the panel "${panel.title}": ${(e as Error).message}`);
      panel.dispose();
      return;
    }
    if (this.panels.has(host.key)) {
      host.dispose(); // the same thing is already open
      return;
    }
    this.track(host, target);
  }

  private construct(kind: PanelKind, panel: vscode.WebviewPanel, target: AnyTarget): PanelHost {
    switch (kind) {
      case 'producer':
        return new ProducerPanel(this.ctx, panel, target as ProducerTarget);
      case 'consumer':
        return new ConsumerPanel(this.ctx, panel, target as ConsumerTarget);
      case 'group':
        return new GroupPanel(this.ctx, panel, target as GroupTarget);
      case 'segment':
        return new SegmentPanel(this.ctx, panel, target as SegmentSource);
      case 'cluster':
        return new ClusterPanel(this.ctx, panel);
      case 'topicConfig':
        return new TopicConfigPanel(this.ctx, panel, target as TopicConfigTarget);
    }
  }

  dispose(): void {
    for (const p of [...this.panels.values()]) p.dispose();
    this.panels.clear();
  }
}

/** The running broker for the panels: started on first need; otherwise BROKER_NOT_AVAILABLE with the reason. */
function brokerSource(s: Services): BrokerSource {
  return {
    api: async (): Promise<BrokerApi> => {
      // The panels show the cluster the sidebar shows.
      if (s.clusters.isExternal()) return s.clusters.external();
      const running = s.lifecycle.api ?? (await s.lifecycle.startOnNeed().catch(() => undefined));
      if (running) return running;
      const state = s.lifecycle.state;
      const why =
        state.kind === 'external'
          ? `The data directory ${state.dataDir} is used by another broker, ${ownerText(state.pid, state.owner)}.`
          : state.kind === 'failed'
            ? `The broker could not start: ${state.failure.message}`
            : 'The broker is not running: start it with "Tributary: Start Broker".';
      throw new KafkaError('BROKER_NOT_AVAILABLE', why);
    },
    onEvent: (listener) => s.lifecycle.onEvent(listener),
    // The embedded broker reports every change (its change feed); an external cluster says nothing unasked.
    raisesEvents: () => !s.clusters.isExternal(),
    schemas: () => s.schemas.serde(),
    onAvailability: (listener) => {
      let running = s.lifecycle.state.kind === 'running';
      const offState = s.lifecycle.onState((state) => {
        const now = state.kind === 'running';
        if (now !== running && !s.clusters.isExternal()) {
          running = now;
          listener(now);
        }
      });
      // Another cluster chosen: the panels start over on it, as after a restart.
      const offCluster = s.clusters.onChange(() => {
        running = s.lifecycle.state.kind === 'running';
        listener(false);
        listener(true);
      });
      return () => {
        offState();
        offCluster();
      };
    },
  };
}

/**
 * Registers the panels' serializers and the value editors; returns the panels for the commands that open them
 * (src/commands/index.ts) and the extension's API.
 */
export function registerWebviews(context: vscode.ExtensionContext, s: Services): WebviewPanels {
  const values = new ValueDocuments();
  const panels = new WebviewPanels({ extensionUri: context.extensionUri, broker: brokerSource(s), output: s.output, values }, context.workspaceState);
  context.subscriptions.push(values, panels, ...panels.registerSerializers());
  return panels;
}
