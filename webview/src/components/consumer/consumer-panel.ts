/**
 * <tributary-consumer>: live tail of a topic. It starts at the last N records of each partition (default 100), the
 * earliest or latest offsets, an offset or a time, and may stop after N records. The host pushes record batches
 * (ConsumerRecordsNotification); the panel keeps `maxRecords` of them: a tail (last N, latest) keeps the newest in a
 * ring, a read from a point (earliest, offset, time) keeps the first and the host stops there, which a notice says.
 * It filters them by partition and by a text or regex search over key, value and headers, orders them by arrival or
 * by timestamp across partitions, and shows them in a virtualized list (headers in a column of their own) with a
 * details pane (text / JSON / hex, headers, copy, open the whole value in an editor, re-produce to another topic).
 */
import { LitElement, html, css, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import {
  CONSUMER_MAX_RECORDS,
  ConsumedRecord,
  ConsumerInit,
  ConsumerInitNotification,
  ConsumerRecordsNotification,
  ConsumerStatus,
  ConsumerStatusNotification,
  ConsumerStop,
  CopyToClipboardCommand,
  DEFAULT_LAST_N,
  keepsFirst,
  OpenValueCommand,
  PauseCommand,
  ReproduceRequest,
  StartPosition,
  SubscribeRequest,
  TopicSummary,
  TopicsChangedNotification,
  UnsubscribeCommand,
  ValueFormat,
} from '../../../../src/shared/webview-protocol';
import { getHost, Unsubscribe } from '../../host';
import { baseStyles } from '../common/styles';
import { checkedOf, valueOf } from '../common/controls';
import { bytesOf, formatBytes, formatCount, formatTime, parseTimestamp } from '../common/bytes';
import '../common/value-view';
import { RecordStore, RecordView } from './record-store';
import { buildFilter, SearchScope } from './filter';
import { RecordList, RecordSelectEvent } from './record-list';
import './record-list';

type StartKind = StartPosition['kind'];

interface ConsumerUiState {
  startKind: StartKind;
  /** The offset or time of an offset or timestamp start. */
  startValue: string;
  /** N of "last N per partition". */
  lastN: string;
  /** Records in all after which reading stops; '' = never. */
  stopAfter: string;
  /** Rows by timestamp across partitions, not by arrival. */
  timeOrder: boolean;
  partition: string;
  query: string;
  regex: boolean;
  scope: SearchScope;
  format: ValueFormat;
}

const DEFAULT_UI: ConsumerUiState = {
  startKind: 'lastN',
  startValue: '',
  lastN: String(DEFAULT_LAST_N),
  stopAfter: '',
  timeOrder: false,
  partition: 'all',
  query: '',
  regex: false,
  scope: 'all',
  format: 'text',
};

const START_LABELS: Record<StartKind, string> = {
  lastN: 'last N per partition',
  earliest: 'earliest',
  latest: 'latest (new records)',
  offset: 'offset',
  timestamp: 'timestamp',
};

function describeStart(s: StartPosition): string {
  switch (s.kind) {
    case 'lastN':
      return `the last ${formatCount(s.count)} of each partition`;
    case 'earliest':
    case 'latest':
      return s.kind;
    case 'offset':
      return `offset ${formatCount(s.offset)}`;
    case 'timestamp':
      return formatTime(s.timestamp);
  }
}

@customElement('tributary-consumer')
export class ConsumerPanel extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        height: 100%;
        padding: 8px 12px;
        gap: 6px;
        overflow: hidden;
      }
      header {
        display: flex;
        align-items: baseline;
        gap: 10px;
        flex-wrap: wrap;
      }
      .main {
        flex: 1;
        min-height: 0;
        display: grid;
        grid-template-columns: minmax(0, 3fr) minmax(280px, 2fr);
        gap: 10px;
      }
      /* Below this width the list beside the details would clip its value column (the list's fixed columns need
         about 600px, the details 280px): the details go below the list. */
      @media (max-width: 980px) {
        .main {
          grid-template-columns: minmax(0, 1fr);
          grid-template-rows: minmax(0, 3fr) minmax(0, 2fr);
        }
      }
      trib-record-list {
        min-height: 0;
      }
      .details {
        overflow: auto;
        min-height: 0;
        border: 1px solid var(--vscode-widget-border, var(--vscode-panel-border));
        padding: 8px 10px;
      }
      .details h2:first-child {
        margin-top: 0;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 6px;
        margin: 6px 0;
      }
      .status {
        font-size: 0.9em;
      }
      vscode-text-field.search {
        min-width: 240px;
      }
      .small {
        width: 140px;
      }
      .reproduce {
        display: flex;
        gap: 6px;
        align-items: center;
        flex-wrap: wrap;
      }
      .headers td:first-child {
        white-space: nowrap;
        width: 1%;
      }
      .headers td {
        word-break: break-all;
      }
      .tiny {
        width: 100px;
      }
      .notice {
        margin: 0;
      }
    `,
  ];

  @state() private topic = '';
  @state() private partitions = 0;
  @state() private topics: TopicSummary[] = [];
  @state() private ui: ConsumerUiState = { ...DEFAULT_UI };
  @state() private status: ConsumerStatus = 'idle';
  @state() private statusMessage = '';
  @state() private filterError = '';
  @state() private startError = '';
  @state() private selected = -1;
  @state() private version = 0;
  @state() private reproduceTarget = '';
  @state() private reproduceResult = '';
  @state() private received = 0;
  /** Why the last subscription stopped by itself (stopAfter, or the buffer when reading from a point). */
  @state() private notice = '';
  @query('trib-record-list') private list!: RecordList;
  /** Records the current subscription may deliver before the panel keeps no more (Infinity: a tail, the ring). */
  private limit = Infinity;
  /** Where the current subscription started (for the notice). */
  private started: StartPosition | undefined;

  private store = new RecordStore(CONSUMER_MAX_RECORDS);
  private view = new RecordView(this.store);
  /** Record batches of subscriptions below this id are stale. */
  private minSubscription = 0;
  private lastSubscription = 0;
  private framePending = false;
  private droppedSinceFrame = 0;
  private filterTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly unsubscribe: Unsubscribe[] = [];
  private readonly host$ = getHost();

  override connectedCallback(): void {
    super.connectedCallback();
    const saved = this.host$.getState<ConsumerUiState>('consumer');
    if (saved) this.ui = { ...DEFAULT_UI, ...saved };
    this.unsubscribe.push(
      this.host$.on(ConsumerInitNotification, (p) => this.init(p)),
      this.host$.on(ConsumerRecordsNotification, (p) => this.receive(p.subscriptionId, p.records)),
      this.host$.on(ConsumerStatusNotification, (p) => {
        this.status = p.status;
        // A read that stopped by itself says why in the notice, not in the header as well.
        this.statusMessage = p.stopped ? '' : (p.message ?? '');
        if (p.stopped) this.notice = this.stopNotice(p.stopped);
      }),
      this.host$.on(TopicsChangedNotification, (p) => (this.topics = p.topics)),
    );
    this.view.setTimeOrder(this.ui.timeOrder);
    this.applyFilter();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const u of this.unsubscribe.splice(0)) u();
  }

  private init(p: ConsumerInit): void {
    this.topic = p.topic;
    this.partitions = p.partitions;
    this.topics = p.topics;
    const capacity = p.maxRecords ?? CONSUMER_MAX_RECORDS;
    if (capacity !== this.store.capacity) {
      this.store = new RecordStore(capacity);
      this.view = new RecordView(this.store);
      this.view.setTimeOrder(this.ui.timeOrder);
      this.applyFilter();
    }
    if (!this.reproduceTarget) this.reproduceTarget = this.otherTopics()[0]?.name ?? '';
    if (p.autoStart) {
      const a = p.autoStart;
      this.ui = {
        ...this.ui,
        startKind: a.kind,
        ...(a.kind === 'lastN' ? { lastN: String(a.count) } : {}),
        ...(a.kind === 'offset' ? { startValue: String(a.offset) } : a.kind === 'timestamp' ? { startValue: String(a.timestamp) } : {}),
      };
      void this.start();
    }
  }

  private otherTopics(): TopicSummary[] {
    return this.topics.filter((t) => t.name !== this.topic && !t.internal);
  }

  private setUi(patch: Partial<ConsumerUiState>): void {
    this.ui = { ...this.ui, ...patch };
    this.host$.setState('consumer', this.ui);
  }

  // ---- live records ------------------------------------------------------------------------------------------

  private receive(subscriptionId: number, records: ConsumedRecord[]): void {
    if (subscriptionId < this.minSubscription) return;
    // Reading from a point keeps the first records: past the limit nothing is kept (the host stops there too).
    if (this.received + records.length > this.limit) records = records.slice(0, Math.max(0, this.limit - this.received));
    if (!records.length) return;
    const from = this.store.endSeq;
    const evicted = this.store.push(records);
    this.droppedSinceFrame += this.view.appended(from, evicted);
    this.received += records.length;
    if (this.selected >= 0 && this.selected < this.store.firstSeq) this.selected = -1;
    this.scheduleFrame();
  }

  /** Coalesces the batches of a frame into one render. */
  private scheduleFrame(): void {
    if (this.framePending) return;
    this.framePending = true;
    requestAnimationFrame(() => {
      this.framePending = false;
      const dropped = this.droppedSinceFrame;
      this.droppedSinceFrame = 0;
      this.version++;
      if (dropped) this.list?.rowsDropped(dropped);
    });
  }

  // ---- subscription ------------------------------------------------------------------------------------------

  private startPosition(): StartPosition | string {
    const v = this.ui.startValue.trim();
    switch (this.ui.startKind) {
      case 'lastN': {
        const n = this.ui.lastN.trim();
        if (!/^\d+$/.test(n) || Number(n) < 1 || Number(n) > 1_000_000) return 'Enter how many records of each partition to start with: a whole number from 1 to 1,000,000.';
        return { kind: 'lastN', count: Number(n) };
      }
      case 'earliest':
      case 'latest':
        return { kind: this.ui.startKind };
      case 'offset':
        if (!/^\d+$/.test(v)) return 'Enter the offset to start at (a whole number).';
        return { kind: 'offset', offset: Number(v) };
      case 'timestamp': {
        const ts = parseTimestamp(v);
        if (ts === undefined) return 'Enter a time: epoch milliseconds or an ISO date such as 2024-05-01T12:00:00Z.';
        return { kind: 'timestamp', timestamp: ts };
      }
    }
  }

  /** Records in all after which to stop; undefined = never; a string = why the field is wrong. */
  private stopAfter(): number | undefined | string {
    const v = this.ui.stopAfter.trim();
    if (v === '') return undefined;
    if (!/^\d+$/.test(v) || Number(v) < 1 || !Number.isSafeInteger(Number(v))) return 'Stop after: a whole number of records from 1, or empty to keep reading.';
    return Number(v);
  }

  private stopNotice(s: ConsumerStop): string {
    const n = formatCount(s.records);
    if (s.reason === 'stopAfter') return `Stopped after ${n} records, as asked (stop after ${n}).`;
    const from = this.started ? describeStart(this.started) : 'the start';
    return `Showing the first ${n} records from ${from}; stopped reading there: the panel keeps ${n} records. To see later ones, start from an offset or a time after them, or from the last N per partition.`;
  }

  private async start(): Promise<void> {
    const start = this.startPosition();
    const stopAfter = this.stopAfter();
    if (typeof start === 'string' || typeof stopAfter === 'string') {
      this.startError = typeof start === 'string' ? start : (stopAfter as string);
      return;
    }
    this.startError = '';
    this.started = start;
    this.limit = Math.min(stopAfter ?? Infinity, keepsFirst(start) ? this.store.capacity : Infinity);
    this.minSubscription = this.lastSubscription + 1;
    this.clear();
    this.status = 'running';
    this.statusMessage = '';
    try {
      const partition = this.ui.partition === 'all' ? null : [Number(this.ui.partition)];
      const res = await this.host$.request(SubscribeRequest, { topic: this.topic, start, partitions: partition, ...(stopAfter !== undefined ? { stopAfter } : {}) });
      this.lastSubscription = Math.max(this.lastSubscription, res.subscriptionId);
      this.minSubscription = res.subscriptionId;
    } catch (e) {
      this.status = 'error';
      this.statusMessage = (e as Error).message;
    }
  }

  private stop(): void {
    this.host$.command(UnsubscribeCommand, undefined);
    this.status = 'stopped';
  }

  private togglePause(): void {
    const paused = this.status !== 'paused';
    this.host$.command(PauseCommand, { paused });
    this.status = paused ? 'paused' : 'running';
  }

  private clear(): void {
    this.store.clear();
    this.view.reset();
    this.applyFilter();
    this.selected = -1;
    this.received = 0;
    this.notice = '';
    this.version++;
  }

  private setTimeOrder(on: boolean): void {
    this.setUi({ timeOrder: on });
    this.view.setTimeOrder(on);
    this.version++;
    if (on) this.list?.scrollToEnd();
  }

  // ---- filter ------------------------------------------------------------------------------------------------

  private applyFilter(): void {
    const f = buildFilter({
      query: this.ui.query,
      regex: this.ui.regex,
      scope: this.ui.scope,
      partition: this.ui.partition === 'all' ? null : Number(this.ui.partition),
    });
    if (f.error !== undefined) {
      this.filterError = f.error;
      return;
    }
    this.filterError = '';
    this.view.setPredicate(f.predicate);
    this.version++;
  }

  private setFilter(patch: Partial<ConsumerUiState>, debounce = false): void {
    this.setUi(patch);
    clearTimeout(this.filterTimer);
    if (debounce) this.filterTimer = setTimeout(() => this.applyFilter(), 150);
    else this.applyFilter();
  }

  // ---- details -----------------------------------------------------------------------------------------------

  private copy(text: string, label: string): void {
    this.host$.command(CopyToClipboardCommand, { text, label });
  }

  private recordJson(r: ConsumedRecord): string {
    const text = (v: ConsumedRecord['value']) => (v === null ? null : v.utf8 ? v.text : { base64: v.base64 });
    return JSON.stringify(
      {
        topic: r.topic,
        partition: r.partition,
        offset: r.offset,
        timestamp: r.timestamp,
        timestampType: r.timestampType,
        key: text(r.key),
        value: text(r.value),
        headers: r.headers.map((h) => ({ key: h.key, value: text(h.value) })),
      },
      null,
      2,
    );
  }

  private async reproduce(r: ConsumedRecord): Promise<void> {
    if (!this.reproduceTarget) return;
    this.reproduceResult = '';
    try {
      const res = await this.host$.request(ReproduceRequest, {
        source: { topic: r.topic, partition: r.partition, offset: r.offset },
        targetTopic: this.reproduceTarget,
        targetPartition: null,
      });
      this.reproduceResult = `Produced to ${this.reproduceTarget} partition ${res.partition} offset ${res.offset}.`;
    } catch (e) {
      this.reproduceResult = `Re-producing failed: ${(e as Error).message}`;
    }
  }

  private renderDetails() {
    const r = this.selected >= 0 ? this.store.get(this.selected) : undefined;
    if (!r) return html`<div class="details muted" data-role="details">Select a record to see it whole.</div>`;
    const fmt = this.ui.format;
    const open = (part: 'key' | 'value') => this.host$.command(OpenValueCommand, { topic: r.topic, partition: r.partition, offset: r.offset, part, format: fmt });
    const others = this.otherTopics();
    return html`<div class="details" data-role="details">
      <h2>Partition ${r.partition} · offset ${r.offset}</h2>
      <dl class="kv">
        <dt>Timestamp</dt>
        <dd>${formatTime(r.timestamp)} <span class="muted">(${r.timestampType}, ${r.timestamp})</span></dd>
        <dt>Size</dt>
        <dd>${formatBytes(r.size)}</dd>
        ${r.leaderEpoch !== undefined ? html`<dt>Leader epoch</dt><dd>${r.leaderEpoch}</dd>` : nothing}
      </dl>
      <div class="actions">
        <vscode-button appearance="secondary" id="copy-value" ?disabled=${r.value === null} @click=${() => r.value && this.copy(r.value.text, 'value')}>Copy value</vscode-button>
        <vscode-button appearance="secondary" id="copy-key" ?disabled=${r.key === null} @click=${() => r.key && this.copy(r.key.text, 'key')}>Copy key</vscode-button>
        <vscode-button appearance="secondary" id="copy-record" @click=${() => this.copy(this.recordJson(r), 'record')}>Copy as JSON</vscode-button>
        <vscode-button appearance="secondary" id="open-value" ?disabled=${r.value === null} @click=${() => open('value')}>Open value in editor</vscode-button>
      </div>
      ${r.value?.truncated
        ? html`<div class="info-box" data-role="truncated">
            Large value: showing the first ${formatBytes(bytesOf(r.value).length)} of ${formatBytes(r.value.size)}.
            <button class="link" id="open-whole" @click=${() => open('value')}>Open the whole value in an editor</button>
          </div>`
        : nothing}
      <h3>Key ${r.key ? html`<span class="muted">(${formatBytes(r.key.size)})</span>` : nothing}</h3>
      <trib-value-view data-role="key" .bytes=${r.key} format=${fmt === 'json' ? 'text' : fmt}></trib-value-view>
      ${r.key?.truncated ? html`<button class="link" @click=${() => open('key')}>Open the whole key in an editor</button>` : nothing}
      <h3>Headers <span class="muted">(${r.headers.length})</span></h3>
      ${r.headers.length
        ? html`<table class="headers" data-role="headers">
            ${r.headers.map((h) => html`<tr><td class="mono">${h.key}</td><td class="mono">${h.value === null ? html`<span class="muted">null</span>` : h.value.text}</td></tr>`)}
          </table>`
        : html`<div class="muted">none</div>`}
      <h3>Value ${r.value ? html`<span class="muted">(${formatBytes(r.value.size)})</span>` : nothing}</h3>
      <trib-value-view data-role="value" .bytes=${r.value} format=${fmt}></trib-value-view>
      <h3>Re-produce to another topic</h3>
      ${others.length
        ? html`<div class="reproduce">
            <vscode-dropdown id="reproduce-target" .value=${this.reproduceTarget} @change=${(e: Event) => (this.reproduceTarget = valueOf(e))}>
              ${others.map((t) => html`<vscode-option value=${t.name} ?selected=${t.name === this.reproduceTarget}>${t.name}</vscode-option>`)}
            </vscode-dropdown>
            <vscode-button id="reproduce" @click=${() => void this.reproduce(r)}>Re-produce</vscode-button>
          </div>
          ${this.reproduceResult ? html`<div class="muted" data-role="reproduce-result">${this.reproduceResult}</div>` : nothing}`
        : html`<div class="muted">No other topic.</div>`}
    </div>`;
  }

  // ---- render ------------------------------------------------------------------------------------------------

  private renderToolbar() {
    const u = this.ui;
    const running = this.status === 'running' || this.status === 'paused';
    return html`<div class="toolbar">
        <div class="field">
          <label for="start-kind">Start at</label>
          <vscode-dropdown id="start-kind" .value=${u.startKind} @change=${(e: Event) => this.setUi({ startKind: valueOf(e) as StartKind })}>
            ${(['lastN', 'earliest', 'latest', 'offset', 'timestamp'] as const).map((k) => html`<vscode-option value=${k} ?selected=${k === u.startKind}>${START_LABELS[k]}</vscode-option>`)}
          </vscode-dropdown>
        </div>
        ${u.startKind === 'lastN'
          ? html`<div class="field">
              <label for="last-n">N per partition</label>
              <vscode-text-field id="last-n" class="tiny" .value=${u.lastN} @input=${(e: Event) => this.setUi({ lastN: valueOf(e) })}></vscode-text-field>
            </div>`
          : nothing}
        ${u.startKind === 'offset' || u.startKind === 'timestamp'
          ? html`<div class="field">
              <label for="start-value">${u.startKind === 'offset' ? 'Offset' : 'Time (ms or ISO)'}</label>
              <vscode-text-field id="start-value" class="small" .value=${u.startValue} @input=${(e: Event) => this.setUi({ startValue: valueOf(e) })}></vscode-text-field>
            </div>`
          : nothing}
        <div class="field">
          <label for="stop-after">Stop after</label>
          <vscode-text-field id="stop-after" class="tiny" placeholder="never" .value=${u.stopAfter} @input=${(e: Event) => this.setUi({ stopAfter: valueOf(e) })}></vscode-text-field>
        </div>
        <div class="field">
          <label for="partition">Partition</label>
          <vscode-dropdown id="partition" .value=${u.partition} @change=${(e: Event) => this.setFilter({ partition: valueOf(e) })}>
            <vscode-option value="all" ?selected=${u.partition === 'all'}>all</vscode-option>
            ${Array.from({ length: this.partitions }, (_, p) => html`<vscode-option value=${String(p)} ?selected=${u.partition === String(p)}>${p}</vscode-option>`)}
          </vscode-dropdown>
        </div>
        <vscode-button id="start" @click=${() => void this.start()}>${running ? 'Restart' : 'Start'}</vscode-button>
        <vscode-button id="pause" appearance="secondary" ?disabled=${!running} @click=${() => this.togglePause()}>${this.status === 'paused' ? 'Resume' : 'Pause'}</vscode-button>
        <vscode-button id="stop" appearance="secondary" ?disabled=${!running} @click=${() => this.stop()}>Stop</vscode-button>
        <vscode-button id="clear" appearance="secondary" @click=${() => this.clear()}>Clear</vscode-button>
      </div>
      ${this.startError ? html`<div class="error-box" data-role="start-error">${this.startError}</div>` : nothing}
      <div class="toolbar">
        <div class="field">
          <label for="search">Search</label>
          <vscode-text-field id="search" class="search" placeholder=${u.regex ? 'regular expression' : 'text'} .value=${u.query} @input=${(e: Event) => this.setFilter({ query: valueOf(e) }, true)}></vscode-text-field>
        </div>
        <div class="field">
          <label for="scope">In</label>
          <vscode-dropdown id="scope" .value=${u.scope} @change=${(e: Event) => this.setFilter({ scope: valueOf(e) as SearchScope })}>
            ${(['all', 'key', 'value', 'headers'] as const).map((s) => html`<vscode-option value=${s} ?selected=${s === u.scope}>${s === 'all' ? 'key, value, headers' : s}</vscode-option>`)}
          </vscode-dropdown>
        </div>
        <vscode-checkbox id="regex" ?checked=${u.regex} @change=${(e: Event) => this.setFilter({ regex: checkedOf(e) })}>Regex</vscode-checkbox>
        <vscode-checkbox id="time-order" title="Rows by record timestamp across partitions (else as they arrive)" ?checked=${u.timeOrder} @change=${(e: Event) => this.setTimeOrder(checkedOf(e))}
          >Timestamp order</vscode-checkbox
        >
        <div class="field">
          <label for="format">Show values as</label>
          <vscode-dropdown id="format" .value=${u.format} @change=${(e: Event) => this.setUi({ format: valueOf(e) as ValueFormat })}>
            <vscode-option value="text" ?selected=${u.format === 'text'}>text</vscode-option>
            <vscode-option value="json" ?selected=${u.format === 'json'}>JSON (pretty)</vscode-option>
            <vscode-option value="hex" ?selected=${u.format === 'hex'}>hex</vscode-option>
          </vscode-dropdown>
        </div>
      </div>
      ${this.filterError ? html`<div class="error-box" role="alert" data-role="filter-error">${this.filterError}</div>` : nothing}`;
  }

  override render() {
    const shown = this.view.length;
    const held = this.store.size;
    const statusClass = this.status === 'error' ? 'error' : this.status === 'running' ? 'ok' : '';
    return html`
      <header>
        <h1>${this.topic || 'Consumer'}</h1>
        <span class="badge ${statusClass}" data-role="status">${this.status}</span>
        <span class="status muted" data-role="counts">
          ${this.view.filtered ? `${formatCount(shown)} of ${formatCount(held)} records match` : `${formatCount(held)} records`}${this.received > held
            ? ` · the oldest ${formatCount(this.received - held)} were dropped (keeping ${formatCount(this.store.capacity)})`
            : ''}
        </span>
        ${this.statusMessage ? html`<span class="status ${this.status === 'error' ? 'error' : 'muted'}">${this.statusMessage}</span>` : nothing}
      </header>
      ${this.renderToolbar()}
      ${this.notice ? html`<div class="info-box notice" role="status" data-role="notice">${this.notice}</div>` : nothing}
      <div class="main">
        <trib-record-list
          .store=${this.store}
          .view=${this.view}
          .version=${this.version}
          .selected=${this.selected}
          .format=${this.ui.format}
          .emptyText=${held ? 'No record matches.' : this.status === 'idle' ? 'Press Start to tail the topic.' : 'Waiting for records…'}
          @record-select=${(e: RecordSelectEvent) => (this.selected = e.seq)}
        ></trib-record-list>
        ${this.renderDetails()}
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tributary-consumer': ConsumerPanel;
  }
}
