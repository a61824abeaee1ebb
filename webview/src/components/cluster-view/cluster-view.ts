/**
 * <tributary-cluster-view>: the virtual nodes and the partition × node matrix of leaders and in-sync replicas,
 * under-replicated and offline partitions highlighted, leader elections appearing as the host pushes them, and
 * fault buttons (stop/start a node, slow a follower, cut a link) that send requests to the host.
 */
import { LitElement, html, css, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import {
  ClusterView,
  ClusterViewNotification,
  CutLinkRequest,
  ElectionEvent,
  ElectionNotification,
  ElectPreferredLeadersRequest,
  IpcRequest,
  isOffline,
  isUnderReplicated,
  NodeView,
  PartitionView,
  SlowFollowerRequest,
  StartNodeRequest,
  StopNodeRequest,
} from '../../../../src/shared/webview-protocol';
import { getHost, Unsubscribe } from '../../host';
import { baseStyles } from '../common/styles';
import { checkedOf, valueOf } from '../common/controls';
import { formatTime } from '../common/bytes';

const MAX_ELECTIONS = 200;
const MAX_ROWS = 2000;
const FLASH_MS = 4000;

@customElement('tributary-cluster-view')
export class ClusterViewPanel extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        padding: 10px 16px 24px;
      }
      header {
        display: flex;
        flex-wrap: wrap;
        gap: 6px 14px;
        align-items: baseline;
      }
      .nodes {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(320px, 1fr));
        gap: 8px;
      }
      .node {
        border: 1px solid var(--vscode-widget-border, var(--vscode-panel-border));
        padding: 8px 10px;
        display: flex;
        flex-direction: column;
        gap: 6px;
      }
      .node.down {
        border: 2px solid var(--vscode-inputValidation-errorBorder);
        background: var(--vscode-inputValidation-errorBackground);
      }
      .section-title {
        display: flex;
        align-items: center;
        gap: 12px;
      }
      .node .title {
        display: flex;
        gap: 8px;
        align-items: baseline;
      }
      .node .row {
        display: flex;
        gap: 6px;
        align-items: center;
        flex-wrap: wrap;
      }
      .node vscode-text-field {
        width: 100px;
      }
      .matrix td.cell {
        text-align: center;
        font-family: var(--vscode-editor-font-family);
        font-weight: 600;
        min-width: 64px;
      }
      .matrix th.node-col {
        text-align: center;
      }
      .matrix th.node-col.down {
        color: var(--vscode-errorForeground);
      }
      .cell .leader {
        display: inline-block;
        min-width: 54px;
        padding: 0 4px;
        background: var(--vscode-charts-blue);
        color: var(--vscode-editor-background);
        border: 1px solid var(--vscode-contrastBorder, transparent);
      }
      .cell .isr {
        display: inline-block;
        min-width: 54px;
        padding: 0 4px;
        border: 1px solid var(--vscode-charts-blue);
        color: var(--vscode-foreground);
      }
      .cell .out {
        display: inline-block;
        min-width: 54px;
        padding: 0 4px;
        border: 1px dashed var(--vscode-charts-orange);
        color: var(--vscode-charts-orange);
      }
      .cell .down-replica {
        text-decoration: line-through;
      }
      tr.under td {
        background: var(--vscode-inputValidation-warningBackground);
      }
      tr.offline td {
        background: var(--vscode-inputValidation-errorBackground);
      }
      tr.offline td.state {
        color: var(--vscode-errorForeground);
        font-weight: 700;
      }
      tr.under td.state {
        font-weight: 700;
      }
      td.cell.flash .leader {
        outline: 2px solid var(--vscode-focusBorder);
        outline-offset: 1px;
      }
      .elections {
        list-style: none;
        margin: 0;
        padding: 0;
        max-height: 260px;
        overflow: auto;
      }
      .elections li {
        padding: 2px 0;
        border-bottom: 1px solid var(--vscode-widget-border, var(--vscode-panel-border));
      }
      .elections li.offline {
        color: var(--vscode-errorForeground);
      }
      .legend {
        display: flex;
        gap: 14px;
        flex-wrap: wrap;
        margin: 4px 0 8px;
        font-size: 0.9em;
      }
      .legend .cell span {
        min-width: 0;
      }
    `,
  ];

  @state() private view: ClusterView | undefined;
  @state() private elections: ElectionEvent[] = [];
  @state() private onlyProblems = false;
  @state() private showInternal = false;
  @state() private topicFilter = '';
  @state() private busy = new Set<string>();
  @state() private errors = new Map<number, string>();
  @state() private slowMs = new Map<number, string>();
  @state() private cutTarget = new Map<number, number>();
  /** "topic\0partition" -> when its leader last changed (for a brief highlight). */
  @state() private flashed = new Map<string, number>();
  @state() private electing = false;
  /** The outcome of the last preferred leader election, in a sentence. */
  @state() private electionOutcome = '';

  private readonly unsubscribe: Unsubscribe[] = [];
  private readonly host$ = getHost();
  private flashTimer: ReturnType<typeof setTimeout> | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    const saved = this.host$.getState<{ onlyProblems: boolean; showInternal: boolean }>('cluster');
    if (saved) {
      this.onlyProblems = saved.onlyProblems;
      this.showInternal = saved.showInternal;
    }
    this.unsubscribe.push(
      this.host$.on(ClusterViewNotification, (p) => (this.view = p.view)),
      this.host$.on(ElectionNotification, (p) => (p.history ? (this.elections = [...p.events].reverse().slice(0, MAX_ELECTIONS)) : this.elected(p.events))),
    );
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.flashTimer);
    for (const u of this.unsubscribe.splice(0)) u();
  }

  private elected(events: ElectionEvent[]): void {
    this.elections = [...[...events].reverse(), ...this.elections].slice(0, MAX_ELECTIONS);
    const f = new Map(this.flashed);
    const now = Date.now();
    for (const e of events) f.set(`${e.topic}\u0000${e.partition}`, now);
    // Apply the new leader right away: the next ClusterView will agree.
    if (this.view) {
      const parts = this.view.partitions.map((p) => {
        const e = events.filter((x) => x.topic === p.topic && x.partition === p.partition).pop();
        return e ? { ...p, leader: e.newLeader, leaderEpoch: e.leaderEpoch } : p;
      });
      this.view = { ...this.view, partitions: parts };
    }
    this.flashed = f;
    clearTimeout(this.flashTimer);
    this.flashTimer = setTimeout(() => {
      const cutoff = Date.now() - FLASH_MS;
      this.flashed = new Map([...this.flashed].filter(([, t]) => t > cutoff));
    }, FLASH_MS + 50);
  }

  private saveUi(): void {
    this.host$.setState('cluster', { onlyProblems: this.onlyProblems, showInternal: this.showInternal });
  }

  private async send<P>(key: string, nodeId: number, req: IpcRequest<P, void>, params: P): Promise<void> {
    this.busy = new Set(this.busy).add(key);
    const errors = new Map(this.errors);
    errors.delete(nodeId);
    this.errors = errors;
    try {
      await this.host$.request(req, params);
    } catch (e) {
      this.errors = new Map(this.errors).set(nodeId, (e as Error).message);
    } finally {
      const b = new Set(this.busy);
      b.delete(key);
      this.busy = b;
    }
  }

  private renderNode(n: NodeView, v: ClusterView) {
    const leads = v.partitions.filter((p) => p.leader === n.id).length;
    const others = v.nodes.filter((x) => x.id !== n.id);
    const target = this.cutTarget.get(n.id) ?? others[0]?.id;
    const busy = (k: string) => this.busy.has(`${k}:${n.id}`);
    const slow = this.slowMs.get(n.id) ?? (n.slowFollowerMs ? String(n.slowFollowerMs) : '500');
    const downTitle = `Node ${n.id} is down: start it first`;
    return html`<div class="node ${n.up ? '' : 'down'}" data-role="node" data-node=${n.id}>
      <div class="title">
        <h3>Node ${n.id}</h3>
        ${n.up ? html`<span class="badge ok">up</span>` : html`<span class="badge error">down</span>`}
        ${n.isController ? html`<span class="badge">controller</span>` : nothing}
      </div>
      <div class="muted mono" data-role="address">${n.host}:${n.port}${n.up ? '' : ' (not listening)'}</div>
      <div>leads ${leads} partition${leads === 1 ? '' : 's'}${n.slowFollowerMs ? html` · <span class="badge warning">slowed ${n.slowFollowerMs} ms</span>` : nothing}</div>
      ${n.cutLinks.length
        ? html`<div>
            cut from ${n.cutLinks.map(
              (to) => html`<span class="badge warning">node ${to}</span>
                <button class="link" data-role="heal" @click=${() => void this.send(`link:${n.id}`, n.id, CutLinkRequest, { from: n.id, to, cut: false })}>heal</button> `,
            )}
          </div>`
        : nothing}
      ${v.faultsUnavailable
        ? nothing
        : html`      <div class="row">
        ${n.up
          ? html`<vscode-button data-role="stop" ?disabled=${busy('stop')} @click=${() => void this.send(`stop:${n.id}`, n.id, StopNodeRequest, { nodeId: n.id })}>Stop node</vscode-button>`
          : html`<vscode-button data-role="start" ?disabled=${busy('start')} @click=${() => void this.send(`start:${n.id}`, n.id, StartNodeRequest, { nodeId: n.id })}>Start node</vscode-button>`}
      </div>
      <div class="row">
        <vscode-text-field data-role="slow-ms" aria-label="Delay in ms" ?disabled=${!n.up} .value=${slow} @input=${(e: Event) => (this.slowMs = new Map(this.slowMs).set(n.id, valueOf(e)))}></vscode-text-field>
        <span class="muted">ms</span>
        <vscode-button appearance="secondary" data-role="slow" ?disabled=${busy('slow') || !n.up} title=${n.up ? 'Delay this node\'s replication fetches' : downTitle} @click=${() => void this.slowFollower(n.id, slow)}>Slow follower</vscode-button>
        ${n.slowFollowerMs
          ? html`<vscode-button appearance="secondary" data-role="unslow" @click=${() => void this.send(`slow:${n.id}`, n.id, SlowFollowerRequest, { nodeId: n.id, delayMs: 0 })}>Restore</vscode-button>`
          : nothing}
      </div>
      ${others.length
        ? html`<div class="row">
            <vscode-dropdown data-role="cut-target" aria-label="Node to cut from" ?disabled=${!n.up} .value=${String(target)} @change=${(e: Event) => (this.cutTarget = new Map(this.cutTarget).set(n.id, Number(valueOf(e))))}>
              ${others.map((o) => html`<vscode-option value=${String(o.id)} ?selected=${o.id === target}>node ${o.id}</vscode-option>`)}
            </vscode-dropdown>
            <vscode-button appearance="secondary" data-role="cut" ?disabled=${busy('link') || target === undefined || !n.up} title=${n.up ? 'Stop replication between these two nodes' : downTitle} @click=${() => void this.send(`link:${n.id}`, n.id, CutLinkRequest, { from: n.id, to: target!, cut: true })}
              >Cut link</vscode-button
            >
          </div>`
        : nothing}
`}
      ${this.errors.has(n.id) ? html`<div class="error-box" data-role="node-error">${this.errors.get(n.id)}</div>` : nothing}
    </div>`;
  }

  private async electPreferred(): Promise<void> {
    this.electing = true;
    this.electionOutcome = '';
    try {
      const r = await this.host$.request(ElectPreferredLeadersRequest, {});
      const parts = [`${r.elected} partition${r.elected === 1 ? '' : 's'} moved to ${r.elected === 1 ? 'its' : 'their'} preferred leader`, `${r.notNeeded} already had ${r.notNeeded === 1 ? 'it' : 'theirs'}`];
      if (r.failed.length) {
        const byError = new Map<string, number>();
        for (const f of r.failed) byError.set(f.error, (byError.get(f.error) ?? 0) + 1);
        parts.push(`${r.failed.length} could not (${[...byError].map(([e, n]) => `${n} ${e}`).join(', ')})`);
      }
      this.electionOutcome = `${parts.join('; ')}.`;
    } catch (e) {
      this.electionOutcome = `The election failed: ${(e as Error).message}`;
    } finally {
      this.electing = false;
    }
  }

  private async slowFollower(nodeId: number, ms: string): Promise<void> {
    const delayMs = Number(ms.trim());
    if (!Number.isInteger(delayMs) || delayMs < 0) {
      this.errors = new Map(this.errors).set(nodeId, 'The delay must be a whole number of milliseconds.');
      return;
    }
    await this.send(`slow:${nodeId}`, nodeId, SlowFollowerRequest, { nodeId, delayMs });
  }

  private cell(p: PartitionView, n: NodeView) {
    if (!p.replicas.includes(n.id)) return html`<span class="muted">·</span>`;
    const downCls = n.up ? '' : 'down-replica';
    if (p.leader === n.id) return html`<span class="leader ${downCls}" title="leader, epoch ${p.leaderEpoch}">leader</span>`;
    if (p.isr.includes(n.id)) return html`<span class="isr ${downCls}" title="follower in sync">in sync</span>`;
    return html`<span class="out ${downCls}" title="replica out of sync">out</span>`;
  }

  private renderMatrix(v: ClusterView) {
    const internal = new Set(v.internalTopics);
    const q = this.topicFilter.trim().toLowerCase();
    let rows = v.partitions.filter((p) => (this.showInternal || !internal.has(p.topic)) && (!q || p.topic.toLowerCase().includes(q)));
    if (this.onlyProblems) rows = rows.filter((p) => isOffline(p) || isUnderReplicated(p));
    rows = [...rows].sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
    const shown = rows.slice(0, MAX_ROWS);
    const nodes = [...v.nodes].sort((a, b) => a.id - b.id);
    return html`<div class="toolbar">
        <vscode-text-field id="topic-filter" placeholder="filter topics" .value=${this.topicFilter} @input=${(e: Event) => (this.topicFilter = valueOf(e))}></vscode-text-field>
        <vscode-checkbox id="only-problems" ?checked=${this.onlyProblems} @change=${(e: Event) => ((this.onlyProblems = checkedOf(e)), this.saveUi())}
          >only under-replicated / offline</vscode-checkbox
        >
        <vscode-checkbox id="show-internal" ?checked=${this.showInternal} @change=${(e: Event) => ((this.showInternal = checkedOf(e)), this.saveUi())}>internal topics</vscode-checkbox>
      </div>
      <div class="legend">
        <span class="cell"><span class="leader">leader</span></span><span class="cell"><span class="isr">in sync</span></span><span class="cell"
          ><span class="out">out</span></span
        >
        <span>replica not in the ISR</span><span class="muted">· not a replica</span>
      </div>
      <table class="matrix" data-role="matrix">
        <tr>
          <th>Partition</th>
          <th class="num">Epoch</th>
          ${nodes.map((n) => html`<th class="node-col ${n.up ? '' : 'down'}">node ${n.id}${n.up ? '' : ' (down)'}</th>`)}
          <th>State</th>
        </tr>
        ${shown.map((p) => {
          const off = isOffline(p);
          const under = !off && isUnderReplicated(p);
          const flash = this.flashed.has(`${p.topic}\u0000${p.partition}`);
          return html`<tr class=${off ? 'offline' : under ? 'under' : ''} data-topic=${p.topic} data-partition=${p.partition} data-state=${off ? 'offline' : under ? 'under-replicated' : 'ok'}>
            <td>${p.topic}-${p.partition}</td>
            <td class="num">${p.leaderEpoch}</td>
            ${nodes.map((n) => html`<td class="cell ${flash && p.leader === n.id ? 'flash' : ''}" data-node=${n.id}>${this.cell(p, n)}</td>`)}
            <td class="state">${off ? 'offline' : under ? `under-replicated (ISR ${p.isr.length}/${p.replicas.length})` : html`<span class="muted">ok</span>`}</td>
          </tr>`;
        })}
      </table>
      ${rows.length > shown.length ? html`<p class="muted">Showing ${MAX_ROWS} of ${rows.length} partitions: filter by topic to see the rest.</p>` : nothing}
      ${rows.length === 0 ? html`<p class="muted">${this.onlyProblems ? 'No under-replicated or offline partition.' : 'No partitions.'}</p>` : nothing}`;
  }

  private renderElections(v: ClusterView) {
    if (!this.elections.length) return html`<p class="muted" data-role="no-elections">${v.faultsUnavailable ? 'Elections are listed as they happen while this view is open (the cluster keeps no history a client can read).' : 'No election since the broker started.'}</p>`;
    // As in the matrix, internal topics only when asked for: a stopped node moves dozens of __consumer_offsets
    // leaders, which would bury the elections of the user's own topics.
    const internal = new Set(v.internalTopics);
    const shown = this.showInternal ? this.elections : this.elections.filter((e) => !internal.has(e.topic));
    const hidden = this.elections.length - shown.length;
    const note = hidden
      ? html`<p class="muted" data-role="elections-hidden">${hidden} election${hidden === 1 ? '' : 's'} of internal topics not shown (tick "internal topics" to see them).</p>`
      : nothing;
    if (!shown.length) return note;
    return html`${note}<ul class="elections" data-role="elections">
      ${shown.map(
        (e) => html`<li class=${e.newLeader < 0 ? 'offline' : ''} data-role="election">
          <span class="muted">${formatTime(e.at)}</span> ${e.topic}-${e.partition}:
          ${e.previousLeader < 0 ? 'no leader' : `node ${e.previousLeader}`} → ${e.newLeader < 0 ? 'offline' : `node ${e.newLeader}`} (epoch ${e.leaderEpoch}) <span class="muted">${e.reason}</span>
        </li>`,
      )}
    </ul>`;
  }

  override render() {
    const v = this.view;
    if (!v) return html`<h1>Cluster</h1><p class="muted">Waiting for the cluster…</p>`;
    const internal = new Set(v.internalTopics);
    const visible = v.partitions.filter((p) => this.showInternal || !internal.has(p.topic));
    const under = visible.filter((p) => isUnderReplicated(p)).length;
    const offline = visible.filter((p) => isOffline(p)).length;
    return html`
      <header>
        <h1>Cluster</h1>
        <span class="muted mono">${v.clusterId}</span>
        <span>controller: ${v.controllerId < 0 ? 'none' : `node ${v.controllerId}`}</span>
        <span data-role="summary">${visible.length} partitions ·
          <span class=${under ? 'badge warning' : ''} data-role="under-count">${under} under-replicated</span> ·
          <span class=${offline ? 'badge error' : ''} data-role="offline-count">${offline} offline</span></span
        >
      </header>
      <h2>Nodes</h2>
      ${v.faultsUnavailable ? html`<p class="muted" data-role="faults-unavailable">${v.faultsUnavailable}</p>` : nothing}
      <div class="nodes">${[...v.nodes].sort((a, b) => a.id - b.id).map((n) => this.renderNode(n, v))}</div>
      <h2>Partitions</h2>
      ${this.renderMatrix(v)}
      <div class="section-title">
        <h2>Elections</h2>
        <vscode-button
          appearance="secondary"
          data-role="elect-preferred"
          ?disabled=${this.electing || !!v.faultsUnavailable}
          title=${v.faultsUnavailable ?? 'Make each partition\'s preferred replica (the first of its replicas) its leader again, as kafka-leader-election --election-type PREFERRED does'}
          @click=${() => void this.electPreferred()}
          >Elect preferred leaders</vscode-button
        >
      </div>
      ${this.electionOutcome ? html`<p data-role="election-outcome">${this.electionOutcome}</p>` : nothing}
      ${this.renderElections(v)}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tributary-cluster-view': ClusterViewPanel;
  }
}
