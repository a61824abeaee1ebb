/**
 * <tributary-group-inspector>: one consumer group, refreshed live by the host. Members and the partition map
 * (partition -> member), committed offsets and lag per partition with bars, the rebalance timeline from the
 * broker's journal (trigger, generation, duration, who moved where), and a reset-offsets dialog with a preview
 * that refuses to apply while the group has members (as kafka-consumer-groups.sh does). Consumer protocol groups
 * (KIP-848) show their group and assignment epochs, each member's epoch, target, what it still has to give up or
 * receive, and each rebalance's reconciliation steps.
 */
import { LitElement, html, css, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { styleProps } from '../common/style-props';
import {
  GroupDescription,
  GroupDescriptionNotification,
  GroupGoneNotification,
  GroupInitNotification,
  GroupJournalNotification,
  GroupRefreshCommand,
  JoinPhase,
  PlanResetRequest,
  RebalanceRecord,
  RebalanceTrigger,
  ResetOffsetsRequest,
  ResetPlanRow,
  ResetTarget,
  TopicSummary,
} from '../../../../src/shared/webview-protocol';
import { getHost, HostError, Unsubscribe } from '../../host';
import { baseStyles, categoryColour } from '../common/styles';
import { valueOf } from '../common/controls';
import { formatCount, formatDuration, formatTime, parseTimestamp } from '../common/bytes';

/** What the coordinator waited for and what ended the wait, in a sentence. */
function joinPhaseText(j: JoinPhase, r: RebalanceRecord): string {
  const names = (list: JoinPhase['notRejoined']) => list.map((m) => m.groupInstanceId ?? m.clientId).join(', ');
  const after = formatDuration(j.afterMs);
  switch (j.endedBy) {
    case 'all members rejoined':
      return r.outcome === 'empty' ? 'No member was left to wait for: the group is empty.' : `Every member rejoined after ${after}.`;
    case 'initial rebalance delay':
      return `A new group: waited group.initial.rebalance.delay.ms (${formatDuration(j.limitMs)}) for more members to join.`;
    case 'rebalance timeout':
      return j.notRejoined.length
        ? `Waited ${after} for ${names(j.notRejoined)} to rejoin; ${j.notRejoined.length === 1 ? 'it did' : 'they did'} not, and the rebalance timeout (${formatDuration(j.limitMs)}, the largest max.poll.interval.ms of the members) ended the wait.`
        : `The rebalance timeout (${formatDuration(j.limitMs)}) ended the wait after ${after}.`;
  }
}

function removalText(why: RebalanceTrigger): string {
  switch (why) {
    case 'member left':
      return 'it left the group: LeaveGroup';
    case 'session timeout':
      return 'no heartbeat within its session timeout';
    case 'rebalance timeout':
      return 'did not rejoin within the rebalance timeout';
    case 'sync timeout':
      return 'did not sync within the rebalance timeout';
    default:
      return why;
  }
}

/** Topic partitions in words: "orders [0, 1]; payments [3]". */
function tpText(tps: ReadonlyArray<{ topic: string; partitions: number[] }>): string {
  return tps.map((tp) => `${tp.topic} [${tp.partitions.join(', ')}]`).join('; ');
}

const STEP_TEXT: Record<ReconciliationStepView['action'], string> = {
  revoke: 'is asked to give up',
  revoked: 'gave up',
  assigned: 'received',
  waiting: 'waits for',
};

type ReconciliationStepView = NonNullable<RebalanceRecord['steps']>[number];

const UNCOMMITTED_LAG = "Partitions without a committed offset count from their log start: the broker does not know the consumer's auto.offset.reset (with latest it would start at the end instead).";

type TargetKind = ResetTarget['kind'];

/** Why a reset cannot be applied now, or undefined when it can. */
export function resetRefusal(d: GroupDescription | undefined): string | undefined {
  if (!d) return 'The group has not been described yet.';
  if (d.members.length > 0 || (d.state !== 'Empty' && d.state !== 'Dead')) {
    const n = d.members.length;
    return `Offsets can only be reset while the group is inactive: '${d.groupId}' has ${n} member${n === 1 ? '' : 's'} (state ${d.state}). Stop its consumers first; the preview still shows what a reset would do.`;
  }
  return undefined;
}

@customElement('tributary-group-inspector')
export class GroupInspector extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        padding: 10px 16px 24px;
      }
      header {
        display: flex;
        flex-wrap: wrap;
        gap: 8px 14px;
        align-items: baseline;
      }
      header .spacer {
        flex: 1;
      }
      .facts {
        display: flex;
        flex-wrap: wrap;
        gap: 4px 16px;
        margin-top: 4px;
      }
      .swatch {
        display: inline-block;
        width: 12px;
        height: 12px;
        border: 1px solid var(--vscode-contrastBorder, transparent);
        vertical-align: middle;
        margin-right: 6px;
      }
      .pmap {
        display: flex;
        flex-wrap: wrap;
        gap: 4px;
        margin-bottom: 8px;
      }
      .cell {
        min-width: 84px;
        padding: 3px 6px;
        border: 1px solid var(--vscode-contrastBorder, transparent);
        color: var(--vscode-editor-background);
        font-size: 0.9em;
        line-height: 1.3;
      }
      .cell .p {
        font-weight: 700;
      }
      .cell.revoking {
        outline: 2px dashed var(--vscode-editorWarning-foreground);
        outline-offset: -2px;
      }
      .cell .who {
        display: block;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        max-width: 140px;
      }
      .cell.unassigned {
        color: var(--vscode-descriptionForeground);
        border: 1px dashed var(--vscode-widget-border, var(--vscode-panel-border));
      }
      .bar-track {
        width: 160px;
        height: 10px;
        background: var(--vscode-editorWidget-background);
        border: 1px solid var(--vscode-widget-border, var(--vscode-panel-border));
        display: inline-block;
        vertical-align: middle;
      }
      .bar {
        height: 100%;
        background: var(--vscode-charts-orange);
      }
      .bar.zero {
        background: var(--vscode-charts-green);
      }
      /* Nothing committed: the lag is counted from the log start, not a position the group reached. */
      .bar.estimated {
        background: repeating-linear-gradient(45deg, var(--vscode-charts-orange) 0 4px, transparent 4px 7px);
      }
      .bar.zero.estimated {
        background: var(--vscode-charts-orange);
      }
      .uncommitted {
        color: var(--vscode-descriptionForeground);
        font-style: italic;
      }
      .timeline {
        list-style: none;
        padding: 0;
        margin: 0;
        border-left: 2px solid var(--vscode-widget-border, var(--vscode-panel-border));
      }
      .timeline > li {
        position: relative;
        padding: 4px 0 10px 16px;
      }
      .timeline > li::before {
        content: '';
        position: absolute;
        left: -6px;
        top: 8px;
        width: 10px;
        height: 10px;
        border-radius: 50%;
        background: var(--vscode-charts-blue);
        border: 1px solid var(--vscode-contrastBorder, transparent);
      }
      .timeline > li.restarted::before,
      .timeline > li.timeout::before {
        background: var(--vscode-charts-red);
      }
      .timeline > li.empty::before {
        background: var(--vscode-descriptionForeground);
      }
      .timeline .title {
        font-weight: 600;
      }
      .duration-track {
        display: inline-block;
        width: 120px;
        height: 6px;
        vertical-align: middle;
        background: var(--vscode-editorWidget-background);
        border: 1px solid var(--vscode-widget-border, var(--vscode-panel-border));
        margin-left: 6px;
      }
      .duration {
        height: 100%;
        background: var(--vscode-charts-purple);
      }
      .moves {
        width: auto;
        margin-top: 4px;
      }
      .moves td,
      .moves th {
        padding: 1px 8px;
      }
      dialog {
        background: var(--vscode-editorWidget-background);
        color: var(--vscode-editorWidget-foreground, var(--vscode-foreground));
        border: 1px solid var(--vscode-editorWidget-border, var(--vscode-contrastBorder));
        box-shadow: 0 4px 16px var(--vscode-widget-shadow);
        padding: 14px 18px;
        min-width: 520px;
        max-width: 90vw;
        /* A modal dialog clips its content by default (overflow: auto), which cut off the toolkit dropdowns' option
           lists (they open over the dialog's edge); the preview scrolls on its own instead. */
        overflow: visible;
      }
      .plan {
        max-height: 40vh;
        overflow: auto;
      }
      dialog::backdrop {
        background: var(--vscode-widget-shadow);
      }
      .dialog-actions {
        display: flex;
        gap: 8px;
        justify-content: flex-end;
        margin-top: 12px;
      }
      .delta-up {
        color: var(--vscode-charts-green);
      }
      .delta-down {
        color: var(--vscode-charts-orange);
      }
      .gone {
        margin-top: 8px;
      }
    `,
  ];

  @state() private groupId = '';
  @state() private topics: TopicSummary[] = [];
  @state() private desc: GroupDescription | undefined;
  @state() private updatedAt = 0;
  @state() private journal: RebalanceRecord[] = [];
  @state() private journalUnavailable = '';
  @state() private gone = '';
  // reset dialog
  @state() private resetTopic = '';
  @state() private resetKind: TargetKind = 'earliest';
  @state() private resetValue = '';
  @state() private resetPartitions = '';
  @state() private plan: ResetPlanRow[] | undefined;
  @state() private resetError = '';
  @state() private resetDone = '';
  @state() private busy = false;
  @query('dialog') private dialog!: HTMLDialogElement;

  private readonly unsubscribe: Unsubscribe[] = [];
  private readonly host$ = getHost();

  override connectedCallback(): void {
    super.connectedCallback();
    this.unsubscribe.push(
      this.host$.on(GroupInitNotification, (p) => {
        this.groupId = p.groupId;
        this.topics = p.topics;
      }),
      this.host$.on(GroupDescriptionNotification, (p) => {
        if (this.groupId && p.description.groupId !== this.groupId) return;
        this.groupId = p.description.groupId;
        this.desc = p.description;
        this.updatedAt = p.at;
        this.gone = '';
      }),
      this.host$.on(GroupJournalNotification, (p) => {
        if (this.groupId && p.groupId !== this.groupId) return;
        this.journal = p.records;
        this.journalUnavailable = p.unavailable ?? '';
      }),
      this.host$.on(GroupGoneNotification, (p) => {
        if (p.groupId === this.groupId) this.gone = p.reason;
      }),
    );
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const u of this.unsubscribe.splice(0)) u();
  }

  /** Members in a stable order, for their colours. */
  private memberIndex(): Map<string, number> {
    const m = new Map<string, number>();
    const sorted = [...(this.desc?.members ?? [])].sort((a, b) => (a.clientId + a.memberId < b.clientId + b.memberId ? -1 : 1));
    sorted.forEach((mem, i) => m.set(mem.memberId, i));
    return m;
  }

  // ---- sections ----------------------------------------------------------------------------------------------

  private renderMembers(colour: Map<string, number>) {
    const d = this.desc!;
    if (!d.members.length) return html`<p class="muted" data-role="no-members">No members: the group is ${d.state.toLowerCase()}.</p>`;
    if (d.type === 'consumer') return this.renderConsumerMembers(colour);
    return html`<table data-role="members">
      <tr>
        <th>Client id</th>
        <th>Member id</th>
        <th>Instance id</th>
        <th>Host</th>
        <th class="num">Session timeout</th>
        <th>Partitions</th>
      </tr>
      ${d.members.map(
        (m) => html`<tr>
          <td><span class="swatch" ${styleProps({ background: categoryColour(colour.get(m.memberId) ?? 0) })}></span>${m.clientId}${m.memberId === d.leader ? html` <span class="badge">leader</span>` : nothing}</td>
          <td class="mono">${m.memberId}</td>
          <td>${m.groupInstanceId ?? html`<span class="muted">—</span>`}</td>
          <td>${m.clientHost}</td>
          <td class="num">${formatDuration(m.sessionTimeoutMs)}</td>
          <td>${m.assignment.map((tp) => `${tp.topic} [${tp.partitions.join(', ')}]`).join('; ') || html`<span class="muted">none</span>`}</td>
        </tr>`,
      )}
    </table>`;
  }

  /** Consumer protocol members: each one's epoch against the group's, and where it is on its way to its target. */
  private renderConsumerMembers(colour: Map<string, number>) {
    const d = this.desc!;
    return html`<table data-role="members">
      <tr>
        <th>Client id</th>
        <th>Member id</th>
        <th>Instance id</th>
        <th>Host</th>
        <th class="num">Epoch</th>
        <th>Owns</th>
        <th>Target</th>
        <th>Reconciliation</th>
      </tr>
      ${d.members.map((m) => {
        const c = m.consumer!;
        const behind = c.memberEpoch !== d.assignmentEpoch;
        return html`<tr data-member=${m.clientId}>
          <td>
            <span class="swatch" ${styleProps({ background: categoryColour(colour.get(m.memberId) ?? 0) })}></span>${m.clientId}
            ${c.protocol === 'classic' ? html`<span class="badge" data-role="classic-member" title="A classic consumer in a consumer group: the broker assigns it, and it rejoins (JoinGroup/SyncGroup) at each new group epoch">classic</span>` : nothing}
          </td>
          <td class="mono">${m.memberId}</td>
          <td>${m.groupInstanceId ?? html`<span class="muted">—</span>`}</td>
          <td>${m.clientHost}</td>
          <td class="num" data-role="member-epoch" title=${behind ? `The group's assignment epoch is ${d.assignmentEpoch}` : ''}>${c.memberEpoch === -2 ? html`<span class="badge warning" title="A static member away for a restart: it keeps its partitions until its session timeout">left (static)</span>` : c.memberEpoch}</td>
          <td>${tpText(m.assignment) || html`<span class="muted">none</span>`}</td>
          <td>${tpText(c.target) || html`<span class="muted">none</span>`}</td>
          <td data-role="reconciliation">
            ${c.state === 'stable' && !behind ? html`<span class="badge ok">stable</span>` : nothing}
            ${c.revoking.length ? html`<div><span class="badge warning">revoking</span> ${tpText(c.revoking)}</div>` : nothing}
            ${c.toReceive.length ? html`<div><span class="badge">to receive</span> ${tpText(c.toReceive)}</div>` : nothing}
            ${c.state !== 'stable' && !c.revoking.length && !c.toReceive.length ? html`<span class="badge">${c.state.replace('_', ' ')}</span>` : nothing}
            <div class="muted">
              subscribes ${c.subscribedTopicNames.join(', ') || '—'}${c.subscribedTopicRegex ? ` + /${c.subscribedTopicRegex}/` : ''}${c.rackId ? ` · rack ${c.rackId}` : ''}${c.serverAssignor ? ` · asks for ${c.serverAssignor}` : ''}
            </div>
          </td>
        </tr>`;
      })}
    </table>`;
  }

  private renderPartitionMap(colour: Map<string, number>) {
    const d = this.desc!;
    // Topics: assigned ones plus committed ones; partitions: the union too (a topic's count when known).
    const owners = new Map<string, { memberId: string; clientId: string; revoking?: boolean; next?: string }>();
    for (const m of d.members) for (const tp of m.assignment) for (const p of tp.partitions) owners.set(`${tp.topic}\u0000${p}`, { memberId: m.memberId, clientId: m.clientId });
    // Consumer protocol: a partition being given up is still its owner's until it confirms; who waits for it, if anyone.
    for (const m of d.members) for (const tp of m.consumer?.revoking ?? []) for (const p of tp.partitions) owners.set(`${tp.topic}\u0000${p}`, { memberId: m.memberId, clientId: m.clientId, revoking: true });
    for (const m of d.members) {
      for (const tp of m.consumer?.toReceive ?? []) {
        for (const p of tp.partitions) {
          const o = owners.get(`${tp.topic}\u0000${p}`);
          if (o) o.next = m.clientId;
        }
      }
    }
    const byTopic = new Map<string, Set<number>>();
    const add = (t: string, p: number) => (byTopic.get(t) ?? byTopic.set(t, new Set()).get(t)!).add(p);
    for (const k of owners.keys()) {
      const [t, p] = k.split('\u0000');
      add(t, Number(p));
    }
    for (const o of d.offsets) add(o.topic, o.partition);
    for (const t of byTopic.keys()) {
      const known = this.topics.find((x) => x.name === t);
      if (known) for (let p = 0; p < known.partitions; p++) add(t, p);
    }
    if (!byTopic.size) return html`<p class="muted">No partitions assigned or committed.</p>`;
    return [...byTopic.entries()]
      .sort((a, b) => (a[0] < b[0] ? -1 : 1))
      .map(
        ([topic, ps]) => html`<h3>${topic}</h3>
          <div class="pmap" data-role="partition-map" data-topic=${topic}>
            ${[...ps]
              .sort((a, b) => a - b)
              .map((p) => {
                const o = owners.get(`${topic}\u0000${p}`);
                return o
                  ? html`<div
                      class="cell ${o.revoking ? 'revoking' : ''}"
                      data-partition=${p}
                      data-owner=${o.clientId}
                      title="${topic}-${p}: ${o.clientId} (${o.memberId})${o.revoking ? `, giving it up${o.next ? ` to ${o.next}` : ''}` : ''}"
                      ${styleProps({ background: categoryColour(colour.get(o.memberId) ?? 0) })}
                    >
                      <span class="p">${p}</span><span class="who">${o.clientId}${o.revoking ? html` → ${o.next ?? '…'}` : nothing}</span>
                    </div>`
                  : html`<div class="cell unassigned" data-partition=${p} title="${topic}-${p}: not assigned"><span class="p">${p}</span><span class="who">unassigned</span></div>`;
              })}
          </div>`,
      );
  }

  private renderOffsets() {
    const d = this.desc!;
    if (!d.offsets.length) return html`<p class="muted">Nothing committed.</p>`;
    const maxLag = Math.max(1, ...d.offsets.map((o) => o.lag ?? 0));
    return html`<table data-role="offsets">
      <tr>
        <th>Topic</th>
        <th class="num">Partition</th>
        <th>Owner</th>
        <th class="num">Log start</th>
        <th class="num">Committed</th>
        <th class="num">End</th>
        <th class="num">Lag</th>
        <th></th>
      </tr>
      ${d.offsets.map(
        (o) => html`<tr data-topic=${o.topic} data-partition=${o.partition}>
          <td>${o.topic}</td>
          <td class="num">${o.partition}</td>
          <td>${o.owner?.clientId ?? html`<span class="muted">—</span>`}</td>
          <td class="num">${o.logStartOffset < 0 ? '—' : formatCount(o.logStartOffset)}</td>
          <td class="num">${o.committed === null ? html`<span class="uncommitted" data-role="uncommitted" title="The group never committed an offset for this partition">none</span>` : formatCount(o.committed)}</td>
          <td class="num">${o.endOffset < 0 ? '—' : formatCount(o.endOffset)}</td>
          <td class="num" data-role="lag" title=${o.lagFrom === 'log-start' ? UNCOMMITTED_LAG : ''}>${o.lag === null ? '—' : formatCount(o.lag)}${o.lagFrom === 'log-start' ? html`<span class="uncommitted"> from log start</span>` : nothing}</td>
          <td>
            <div class="bar-track" title=${o.lag === null ? 'lag unknown: no live leader' : o.lagFrom === 'log-start' ? `lag ${o.lag} from the log start (nothing committed)` : `lag ${o.lag}`}>
              <div class="bar ${o.lag === 0 ? 'zero' : ''} ${o.lagFrom === 'log-start' ? 'estimated' : ''}" data-role="lag-bar" ${styleProps({ width: o.lag === null ? '0' : o.lag === 0 ? '2px' : `${Math.max(2, (o.lag / maxLag) * 100)}%` })}></div>
            </div>
          </td>
        </tr>`,
      )}
    </table>`;
  }

  private renderTimeline() {
    if (this.journalUnavailable) return html`<p class="muted" data-role="journal-unavailable">${this.journalUnavailable}</p>`;
    if (!this.journal.length) return html`<p class="muted">No rebalance recorded.</p>`;
    const maxMs = Math.max(1, ...this.journal.map((r) => r.durationMs ?? 0));
    const who = (id: string | undefined, r: RebalanceRecord) => {
      if (!id) return '';
      const m = [...r.before, ...(r.after ?? [])].find((x) => x.memberId === id);
      return m ? `${m.clientId} (${m.groupInstanceId ?? m.memberId})` : id;
    };
    return html`<ol class="timeline" data-role="timeline">
      ${[...this.journal].reverse().map((r) => {
        const cls = r.outcome === 'restarted' ? 'restarted' : r.outcome === 'empty' ? 'empty' : r.trigger.includes('timeout') ? 'timeout' : '';
        return html`<li class=${cls} data-role="rebalance">
          <div>
            <span class="title">${r.trigger}</span>
            ${r.triggeredBy ? html`<span class="muted"> by ${who(r.triggeredBy, r)}</span>` : nothing} ·
            ${r.epochs ? html`group epoch ${r.fromGeneration} → ${r.epochs.join(' → ')}` : html`generation ${r.fromGeneration} → ${r.toGeneration ?? '…'}`} ·
            <span class="muted">${formatTime(r.startedAt)}</span> · took ${formatDuration(r.durationMs)}<span class="duration-track"
              ><div class="duration" ${styleProps({ width: `${((r.durationMs ?? maxMs) / maxMs) * 100}%` })}></div></span
            >
            ${r.outcome ? html` <span class="badge ${r.outcome === 'restarted' ? 'warning' : ''}">${r.outcome}</span>` : nothing}
            ${r.protocol ? html` <span class="muted">· ${r.protocol}</span>` : nothing}
          </div>
          ${r.detail ? html`<div class="muted">Reason given: ${r.detail}</div>` : nothing}
          ${r.joinPhase ? html`<div data-role="join-phase">${joinPhaseText(r.joinPhase, r)}</div>` : nothing}
          ${r.removed.length ? html`<div>Removed: ${r.removed.map((x) => `${x.clientId} (${removalText(x.why)})`).join(', ')}</div>` : nothing}
          <div class="muted">Members: ${r.before.length} → ${r.after ? r.after.length : '…'}</div>
          ${r.steps?.length
            ? html`<ol class="steps" data-role="steps">
                ${r.steps.map((s) => html`<li>+${formatDuration(s.at - r.startedAt)}: ${s.clientId} ${STEP_TEXT[s.action]} ${tpText(s.partitions)} <span class="muted">(epoch ${s.memberEpoch})</span></li>`)}
              </ol>`
            : nothing}
          ${r.moves?.length
            ? html`<table class="moves" data-role="moves">
                <tr><th>Partition</th><th>From</th><th>To</th></tr>
                ${r.moves.map((m) => html`<tr><td>${m.topic}-${m.partition}</td><td>${m.from ?? html`<span class="muted">nobody</span>`}</td><td>${m.to ?? html`<span class="muted">nobody</span>`}</td></tr>`)}
              </table>`
            : r.moves
              ? html`<div class="muted">No partition moved.</div>`
              : nothing}
        </li>`;
      })}
    </ol>`;
  }

  // ---- reset dialog ------------------------------------------------------------------------------------------

  private resetTopics(): string[] {
    const s = new Set<string>();
    for (const o of this.desc?.offsets ?? []) s.add(o.topic);
    for (const m of this.desc?.members ?? []) for (const tp of m.assignment) s.add(tp.topic);
    return [...s].sort();
  }

  private openReset(): void {
    const topics = this.resetTopics();
    if (!this.resetTopic || !topics.includes(this.resetTopic)) this.resetTopic = topics[0] ?? '';
    this.plan = undefined;
    this.resetError = '';
    this.resetDone = '';
    this.dialog.showModal();
  }

  private params(): { target: ResetTarget; partitions?: number[] } | string {
    let target: ResetTarget;
    const v = this.resetValue.trim();
    switch (this.resetKind) {
      case 'earliest':
      case 'latest':
        target = { kind: this.resetKind };
        break;
      case 'offset':
        if (!/^\d+$/.test(v)) return 'Enter the offset (a whole number).';
        target = { kind: 'offset', offset: Number(v) };
        break;
      case 'shift':
        if (!/^[+-]?\d+$/.test(v)) return 'Enter how far to shift (e.g. -100 or +20).';
        target = { kind: 'shift', by: Number(v) };
        break;
      case 'timestamp': {
        const ts = parseTimestamp(v);
        if (ts === undefined) return 'Enter a time: epoch milliseconds or an ISO date.';
        target = { kind: 'timestamp', timestamp: ts };
        break;
      }
    }
    const ps = this.resetPartitions.trim();
    if (!ps || ps === 'all') return { target };
    if (!/^\d+(\s*,\s*\d+)*$/.test(ps)) return 'Partitions: "all" or a list such as 0, 2, 5.';
    return { target, partitions: ps.split(',').map((x) => Number(x.trim())) };
  }

  private async preview(): Promise<void> {
    const p = this.params();
    if (typeof p === 'string') {
      this.resetError = p;
      return;
    }
    if (!this.resetTopic) {
      this.resetError = 'Choose a topic.';
      return;
    }
    this.resetError = '';
    this.resetDone = '';
    this.busy = true;
    try {
      this.plan = (await this.host$.request(PlanResetRequest, { groupId: this.groupId, topic: this.resetTopic, ...p })).rows;
    } catch (e) {
      this.plan = undefined;
      this.resetError = (e as Error).message;
    } finally {
      this.busy = false;
    }
  }

  private async apply(): Promise<void> {
    const p = this.params();
    if (typeof p === 'string' || resetRefusal(this.desc)) return;
    this.busy = true;
    try {
      const res = await this.host$.request(ResetOffsetsRequest, { groupId: this.groupId, topic: this.resetTopic, ...p });
      this.plan = res.rows;
      this.resetDone = `Committed new offsets for ${res.rows.length} partition${res.rows.length === 1 ? '' : 's'} of ${this.resetTopic}.`;
      this.host$.command(GroupRefreshCommand, { groupId: this.groupId });
    } catch (e) {
      const err = e as HostError;
      this.resetError = err.code === 'NON_EMPTY_GROUP' ? `Refused by the broker: ${err.message}` : err.message;
    } finally {
      this.busy = false;
    }
  }

  private renderDialog() {
    const refusal = resetRefusal(this.desc);
    const needsValue = this.resetKind === 'offset' || this.resetKind === 'shift' || this.resetKind === 'timestamp';
    return html`<dialog aria-labelledby="reset-title" @close=${() => (this.plan = undefined)}>
      <h2 id="reset-title">Reset offsets of ${this.groupId}</h2>
      ${refusal ? html`<div class="warning-box" role="alert" data-role="reset-refusal">${refusal}</div>` : nothing}
      <div class="toolbar">
        <div class="field">
          <label for="reset-topic">Topic</label>
          <vscode-dropdown id="reset-topic" .value=${this.resetTopic} @change=${(e: Event) => (this.resetTopic = valueOf(e))}>
            ${this.resetTopics().map((t) => html`<vscode-option value=${t} ?selected=${t === this.resetTopic}>${t}</vscode-option>`)}
          </vscode-dropdown>
        </div>
        <div class="field">
          <label for="reset-kind">To</label>
          <vscode-dropdown id="reset-kind" .value=${this.resetKind} @change=${(e: Event) => (this.resetKind = valueOf(e) as TargetKind)}>
            ${(['earliest', 'latest', 'offset', 'timestamp', 'shift'] as const).map((k) => html`<vscode-option value=${k} ?selected=${k === this.resetKind}>${k === 'shift' ? 'shift by' : k}</vscode-option>`)}
          </vscode-dropdown>
        </div>
        ${needsValue
          ? html`<div class="field">
              <label for="reset-value">${this.resetKind === 'offset' ? 'Offset' : this.resetKind === 'shift' ? 'By' : 'Time'}</label>
              <vscode-text-field id="reset-value" .value=${this.resetValue} @input=${(e: Event) => (this.resetValue = valueOf(e))}></vscode-text-field>
            </div>`
          : nothing}
        <div class="field">
          <label for="reset-partitions">Partitions</label>
          <vscode-text-field id="reset-partitions" placeholder="all" .value=${this.resetPartitions} @input=${(e: Event) => (this.resetPartitions = valueOf(e))}></vscode-text-field>
        </div>
      </div>
      ${this.resetError ? html`<div class="error-box" role="alert" data-role="reset-error">${this.resetError}</div>` : nothing}
      ${this.resetDone ? html`<div class="info-box" data-role="reset-done">${this.resetDone}</div>` : nothing}
      ${this.plan
        ? html`<h3>Preview</h3>
            <div class="plan"><table data-role="reset-plan">
              <tr><th>Partition</th><th class="num">Current</th><th class="num">New</th><th class="num">Change</th></tr>
              ${this.plan.map((r) => {
                const delta = r.current === null ? null : r.target - r.current;
                return html`<tr>
                  <td>${r.topic}-${r.partition}</td>
                  <td class="num">${r.current === null ? '—' : formatCount(r.current)}</td>
                  <td class="num">${formatCount(r.target)}</td>
                  <td class="num ${delta === null ? '' : delta >= 0 ? 'delta-up' : 'delta-down'}">${delta === null ? 'new' : `${delta >= 0 ? '+' : ''}${formatCount(delta)}`}</td>
                </tr>`;
              })}
            </table></div>`
        : nothing}
      <div class="dialog-actions">
        <vscode-button id="reset-preview" appearance="secondary" ?disabled=${this.busy} @click=${() => void this.preview()}>Preview</vscode-button>
        <vscode-button id="reset-apply" ?disabled=${this.busy || !!refusal || !this.plan} title=${refusal ?? 'Commit these offsets'} @click=${() => void this.apply()}>Reset offsets</vscode-button>
        <vscode-button id="reset-close" appearance="secondary" @click=${() => this.dialog.close()}>Close</vscode-button>
      </div>
    </dialog>`;
  }

  // ---- render ------------------------------------------------------------------------------------------------

  override render() {
    const d = this.desc;
    if (!d)
      return html`<h1>Group ${this.groupId}</h1>
        <p class="muted">${this.gone || 'Waiting for the group description…'}</p>
        ${this.renderDialog()}`;
    const colour = this.memberIndex();
    const stateClass = d.state === 'Stable' ? 'ok' : d.state === 'Dead' ? 'error' : d.state === 'Empty' ? '' : 'warning';
    return html`
      <header>
        <h1>Group ${d.groupId}</h1>
        <span class="badge ${stateClass}" data-role="state">${d.state}</span>
        <span class="spacer"></span>
        <vscode-button appearance="secondary" id="refresh" @click=${() => this.host$.command(GroupRefreshCommand, { groupId: d.groupId })}>Refresh</vscode-button>
        <vscode-button id="open-reset" @click=${() => this.openReset()}>Reset offsets…</vscode-button>
      </header>
      <div class="facts muted">
        ${d.type === 'consumer'
          ? html`<span data-role="group-type">consumer protocol (KIP-848)</span>
              <span data-role="epochs">group epoch ${d.groupEpoch} · assignment epoch ${d.assignmentEpoch}</span>
              <span>assignor ${d.protocol ?? '—'}</span>`
          : html`<span>generation ${d.generation}</span>
              <span>protocol ${d.protocolType ?? '—'}${d.protocol ? ` / ${d.protocol}` : ''}</span>`}
        <span>coordinator node ${d.coordinator}</span>
        <span>${d.members.length} member${d.members.length === 1 ? '' : 's'}</span>
        <span data-role="total-lag" title=${d.uncommitted > 0 ? UNCOMMITTED_LAG : ''}>total lag ${formatCount(d.totalLag)}${d.uncommitted > 0 ? ` (${d.uncommitted} partition${d.uncommitted === 1 ? '' : 's'} without a committed offset, counted from the log start)` : ''}</span>
        <span>updated ${formatTime(this.updatedAt)}</span>
      </div>
      ${this.gone ? html`<div class="warning-box gone">${this.gone}</div>` : nothing}
      <h2>Members</h2>
      ${this.renderMembers(colour)}
      <h2>Partition map</h2>
      ${this.renderPartitionMap(colour)}
      <h2>Committed offsets and lag</h2>
      ${this.renderOffsets()}
      <h2>Rebalances</h2>
      ${this.renderTimeline()}
      ${this.renderDialog()}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tributary-group-inspector': GroupInspector;
  }
}
