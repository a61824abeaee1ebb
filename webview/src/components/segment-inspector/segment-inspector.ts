/**
 * <tributary-segment-inspector>: the on-disk segments of one partition replica, read the way kafka-dump-log.sh
 * prints them. Per batch its dump-log fields, expandable records (key, value, headers; __consumer_offsets
 * records decoded), a hex view with the 61-byte header's fields marked, the .index and .timeindex entries beside
 * the log, and what is wrong highlighted: invalid CRCs, torn tails, index entries past the log.
 */
import { LitElement, html, css, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import {
  BatchBytesRequest,
  BatchDump,
  DumpSegmentRequest,
  ListSegmentsRequest,
  OffsetsTopicRecord,
  SegmentDump,
  SegmentInit,
  SegmentInitNotification,
  SegmentRecord,
  SegmentSummary,
  ValueFormat,
} from '../../../../src/shared/webview-protocol';
import { getHost, Unsubscribe } from '../../host';
import { baseStyles } from '../common/styles';
import { valueOf } from '../common/controls';
import { base64ToBytes, formatBytes, formatTime, hexLines, oneLine } from '../common/bytes';
import '../common/value-view';

const PAGE_BATCHES = 500;
const HEX_MAX_BYTES = 4096;

/** The fields of a RecordBatch v2 header, by byte range, for the hex view. */
export const HEADER_FIELDS: Array<{ name: string; start: number; end: number }> = [
  { name: 'baseOffset', start: 0, end: 8 },
  { name: 'batchLength', start: 8, end: 12 },
  { name: 'partitionLeaderEpoch', start: 12, end: 16 },
  { name: 'magic', start: 16, end: 17 },
  { name: 'crc', start: 17, end: 21 },
  { name: 'attributes', start: 21, end: 23 },
  { name: 'lastOffsetDelta', start: 23, end: 27 },
  { name: 'baseTimestamp', start: 27, end: 35 },
  { name: 'maxTimestamp', start: 35, end: 43 },
  { name: 'producerId', start: 43, end: 51 },
  { name: 'producerEpoch', start: 51, end: 53 },
  { name: 'baseSequence', start: 53, end: 57 },
  { name: 'recordsCount', start: 57, end: 61 },
];

function fieldAt(i: number): number {
  return HEADER_FIELDS.findIndex((f) => i >= f.start && i < f.end);
}

/** __consumer_offsets records in words. */
export function describeOffsetsRecord(r: OffsetsTopicRecord): string {
  switch (r.type) {
    case 'offset':
      if (!r.value) return `OffsetCommit tombstone: group ${r.group}, ${r.topic}-${r.partition} (offset deleted)`;
      return (
        `OffsetCommit: group ${r.group}, ${r.topic}-${r.partition} → offset ${r.value.offset}` +
        ` (leader epoch ${r.value.leaderEpoch}, metadata ${JSON.stringify(r.value.metadata)}, committed ${formatTime(r.value.commitTimestamp)}` +
        `${r.value.expireTimestamp >= 0 ? `, expires ${formatTime(r.value.expireTimestamp)}` : ''})`
      );
    case 'group': {
      if (!r.value) return `GroupMetadata tombstone: group ${r.group} (group deleted)`;
      const v = r.value;
      const members = v.members
        .map((m) => `${m.clientId} ${m.memberId}${m.groupInstanceId ? ` [${m.groupInstanceId}]` : ''}${m.assignment ? ` ← ${m.assignment.map((a) => `${a.topic} [${a.partitions.join(',')}]`).join(' ')}` : ''}`)
        .join('; ');
      return (
        `GroupMetadata: group ${r.group}, ${v.protocolType || 'no protocol type'}${v.protocol ? `/${v.protocol}` : ''}, generation ${v.generation}` +
        `, leader ${v.leader ?? 'none'}, ${v.members.length} member${v.members.length === 1 ? '' : 's'}${members ? `: ${members}` : ''}`
      );
    }
    case 'consumerGroup': {
      const member = r.memberId !== undefined ? `, member ${r.memberId}` : '';
      return r.summary === null ? `${r.record} tombstone: group ${r.group}${member}` : `${r.record}: group ${r.group}${member}, ${r.summary}`;
    }
    case 'unknown':
      return `Record with key version ${r.keyVersion} (not an offset commit or group metadata record)`;
  }
}

@customElement('tributary-segment-inspector')
export class SegmentInspector extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        height: 100%;
        padding: 8px 12px;
        overflow: hidden;
      }
      header {
        display: flex;
        gap: 12px;
        align-items: flex-end;
        flex-wrap: wrap;
        margin-bottom: 6px;
      }
      .layout {
        flex: 1;
        min-height: 0;
        display: grid;
        grid-template-columns: 170px minmax(0, 1fr) 290px;
        gap: 10px;
      }
      .pane {
        overflow: auto;
        min-height: 0;
        border: 1px solid var(--vscode-widget-border, var(--vscode-panel-border));
        padding: 6px 8px;
      }
      .segments {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      .segments button {
        display: block;
        width: 100%;
        text-align: left;
        background: none;
        border: 1px solid transparent;
        color: inherit;
        font: inherit;
        padding: 4px 6px;
        cursor: pointer;
      }
      .segments button:hover {
        background: var(--vscode-list-hoverBackground);
      }
      .segments button.selected {
        background: var(--vscode-list-activeSelectionBackground);
        color: var(--vscode-list-activeSelectionForeground);
        border-color: var(--vscode-list-focusOutline, transparent);
      }
      .batch {
        border: 1px solid var(--vscode-widget-border, var(--vscode-panel-border));
        margin-bottom: 6px;
      }
      .batch.invalid {
        border: 2px solid var(--vscode-inputValidation-errorBorder);
      }
      .batch.invalid > .batch-line {
        background: var(--vscode-inputValidation-errorBackground);
      }
      .batch.highlight {
        outline: 2px solid var(--vscode-focusBorder);
      }
      .batch-line {
        display: flex;
        gap: 4px 12px;
        flex-wrap: wrap;
        align-items: baseline;
        padding: 4px 8px;
        cursor: pointer;
        font-family: var(--vscode-editor-font-family);
        font-size: var(--vscode-editor-font-size);
      }
      .batch-line:hover {
        background: var(--vscode-list-hoverBackground);
      }
      .twisty {
        width: 1em;
        display: inline-block;
      }
      .batch-body {
        overflow-x: auto;
        padding: 6px 10px 10px;
        border-top: 1px solid var(--vscode-widget-border, var(--vscode-panel-border));
      }
      .fields {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(210px, 1fr));
        gap: 2px 14px;
        font-family: var(--vscode-editor-font-family);
        font-size: var(--vscode-editor-font-size);
        margin-bottom: 8px;
      }
      .fields .k {
        color: var(--vscode-descriptionForeground);
      }
      .bad {
        color: var(--vscode-errorForeground);
        font-weight: 700;
      }
      .records td {
        font-family: var(--vscode-editor-font-family);
        font-size: var(--vscode-editor-font-size);
        max-width: 260px;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .records tr.rec {
        cursor: pointer;
      }
      .records tr.rec:hover {
        background: var(--vscode-list-hoverBackground);
      }
      .records td.decoded {
        white-space: normal;
        max-width: none;
        color: var(--vscode-debugTokenExpression-name);
      }
      .torn {
        border: 2px dashed var(--vscode-inputValidation-errorBorder);
        background: var(--vscode-inputValidation-errorBackground);
        color: var(--vscode-errorForeground);
        padding: 6px 8px;
        margin-bottom: 6px;
      }
      .index-table td {
        font-family: var(--vscode-editor-font-family);
        font-size: var(--vscode-editor-font-size);
        padding: 1px 6px;
        white-space: nowrap;
      }
      .index-table tr.problem td[colspan] {
        white-space: normal;
      }
      .index-table tr.problem td {
        background: var(--vscode-inputValidation-errorBackground);
        color: var(--vscode-errorForeground);
      }
      .index-table tr.entry {
        cursor: pointer;
      }
      .index-table tr.entry:hover td {
        background: var(--vscode-list-hoverBackground);
      }
      .hexview {
        display: grid;
        grid-template-columns: max-content max-content max-content;
        gap: 0 14px;
        font-family: var(--vscode-editor-font-family);
        font-size: var(--vscode-editor-font-size);
        white-space: pre;
        margin-top: 6px;
      }
      .hexview .off {
        color: var(--vscode-editorLineNumber-foreground);
      }
      .hexview .ascii {
        color: var(--vscode-descriptionForeground);
      }
      .f0,
      .f4,
      .f8,
      .f12 {
        color: var(--vscode-charts-blue);
      }
      .f1,
      .f5,
      .f9 {
        color: var(--vscode-charts-green);
      }
      .f2,
      .f6,
      .f10 {
        color: var(--vscode-charts-purple);
      }
      .f3,
      .f7,
      .f11 {
        color: var(--vscode-charts-orange);
      }
      .f4 {
        font-weight: 700;
      }
      .crc-bad {
        color: var(--vscode-errorForeground);
        text-decoration: underline wavy var(--vscode-errorForeground);
      }
      .legend {
        display: flex;
        flex-wrap: wrap;
        gap: 2px 10px;
        font-size: 0.9em;
      }
      /* A header's key as wide as it needs, its value the rest (not half the row each). */
      .headers td:first-child {
        white-space: nowrap;
        width: 1%;
        padding-right: 16px;
      }
      .summary {
        display: flex;
        gap: 6px 14px;
        flex-wrap: wrap;
        margin-bottom: 6px;
      }
    `,
  ];

  @state() private init: SegmentInit | undefined;
  @state() private node = 0;
  @state() private segments: SegmentSummary[] = [];
  @state() private selected: number | undefined;
  @state() private dump: SegmentDump | undefined;
  @state() private loading = false;
  @state() private error = '';
  @state() private expanded = new Set<number>();
  @state() private hex = new Map<number, { bytes: Uint8Array; size: number; truncated: boolean } | string>();
  @state() private openRecord: string | undefined;
  @state() private recordFormat: ValueFormat = 'text';
  @state() private highlight: number | undefined;

  private readonly unsubscribe: Unsubscribe[] = [];
  private readonly host$ = getHost();

  override connectedCallback(): void {
    super.connectedCallback();
    this.unsubscribe.push(
      this.host$.on(SegmentInitNotification, (p) => {
        this.init = p;
        this.node = p.node;
        this.segments = p.segments;
        const saved = this.host$.getState<{ node: number; baseOffset: number }>('segment');
        const pick = saved && saved.node === p.node && p.segments.some((s) => s.baseOffset === saved.baseOffset) ? saved.baseOffset : p.segments[0]?.baseOffset;
        if (pick !== undefined) void this.load(pick);
      }),
    );
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const u of this.unsubscribe.splice(0)) u();
  }

  private async switchNode(node: number): Promise<void> {
    if (!this.init) return;
    this.node = node;
    this.dump = undefined;
    this.selected = undefined;
    try {
      this.segments = (await this.host$.request(ListSegmentsRequest, { topic: this.init.topic, partition: this.init.partition, node })).segments;
      if (this.segments.length) await this.load(this.segments[0].baseOffset);
    } catch (e) {
      this.error = (e as Error).message;
    }
  }

  private async load(baseOffset: number, fromPosition?: number): Promise<void> {
    if (!this.init) return;
    this.loading = true;
    this.error = '';
    if (fromPosition === undefined) {
      this.selected = baseOffset;
      this.expanded = new Set();
      this.hex = new Map();
      this.openRecord = undefined;
      this.host$.setState('segment', { node: this.node, baseOffset });
    }
    try {
      const page = await this.host$.request(DumpSegmentRequest, {
        topic: this.init.topic,
        partition: this.init.partition,
        node: this.node,
        baseOffset,
        fromPosition,
        maxBatches: PAGE_BATCHES,
      });
      if (fromPosition !== undefined && this.dump && this.dump.baseOffset === baseOffset) {
        this.dump = { ...page, batches: [...this.dump.batches, ...page.batches] };
      } else this.dump = page;
    } catch (e) {
      this.error = `Could not read segment ${baseOffset}: ${(e as Error).message}`;
    } finally {
      this.loading = false;
    }
  }

  private toggle(position: number): void {
    const s = new Set(this.expanded);
    if (s.has(position)) s.delete(position);
    else s.add(position);
    this.expanded = s;
  }

  private async toggleHex(b: BatchDump): Promise<void> {
    if (!this.init || this.selected === undefined) return;
    const m = new Map(this.hex);
    if (m.has(b.position)) {
      m.delete(b.position);
      this.hex = m;
      return;
    }
    try {
      const r = await this.host$.request(BatchBytesRequest, {
        topic: this.init.topic,
        partition: this.init.partition,
        node: this.node,
        baseOffset: this.selected,
        position: b.position,
        maxBytes: HEX_MAX_BYTES,
      });
      m.set(b.position, { bytes: base64ToBytes(r.base64), size: r.size, truncated: r.truncated });
    } catch (e) {
      m.set(b.position, `Could not read the batch's bytes: ${(e as Error).message}`);
    }
    this.hex = new Map(m);
  }

  private jumpTo(position: number): void {
    const b = this.dump?.batches.find((x) => x.position === position);
    this.highlight = position;
    if (!b) return;
    void this.updateComplete.then(() => {
      const el = this.renderRoot.querySelector(`.batch[data-position="${position}"]`);
      el?.scrollIntoView({ block: 'nearest' });
    });
  }

  // ---- rendering ---------------------------------------------------------------------------------------------

  private renderHex(b: BatchDump) {
    const h = this.hex.get(b.position);
    if (h === undefined) return nothing;
    if (typeof h === 'string') return html`<div class="error-box">${h}</div>`;
    const lines = hexLines(h.bytes, HEX_MAX_BYTES);
    return html`<div class="legend" data-role="hex-legend">
        ${HEADER_FIELDS.map((f, i) => html`<span class="f${i}">${f.name}</span>`)}<span class="muted">records</span>
      </div>
      <div class="hexview" data-role="hex">
        ${lines.map((l) => {
          const bytes =
            l.offset < 61
              ? l.bytes.map((x, j) => {
                  const i = l.offset + j;
                  const f = fieldAt(i);
                  const sep = j === 0 ? '' : j === 8 ? '  ' : ' ';
                  if (x === '' || f < 0) return sep + x;
                  const bad = HEADER_FIELDS[f].name === 'crc' && !b.isValid;
                  return html`${sep}<span class="f${f} ${bad ? 'crc-bad' : ''}" title=${HEADER_FIELDS[f].name}>${x}</span>`;
                })
              : `${l.bytes.slice(0, 8).join(' ')}  ${l.bytes.slice(8).join(' ')}`;
          return html`<span class="off">${l.offset.toString(16).padStart(8, '0')}</span><span>${bytes}</span><span class="ascii">${l.ascii}</span>`;
        })}
      </div>
      ${h.truncated ? html`<div class="muted">Showing ${formatBytes(h.bytes.length)} of ${formatBytes(h.size)}.</div>` : nothing}`;
  }

  private renderRecord(b: BatchDump, r: SegmentRecord) {
    const id = `${b.position}:${r.offset}`;
    const open = this.openRecord === id;
    const text = (v: SegmentRecord['key']) => (v === null ? html`<span class="muted">null</span>` : oneLine(v.text, 80));
    return html`<tr class="rec" data-offset=${r.offset} @click=${() => (this.openRecord = open ? undefined : id)}>
        <td class="num">${r.offset}</td>
        <td>${formatTime(r.timestamp)}</td>
        <td class="num">${r.keySize}</td>
        <td class="num">${r.valueSize}</td>
        <td class="num">${r.sequence}</td>
        <td>${r.headerKeys.join(',')}</td>
        ${r.control
          ? html`<td colspan="2" class="decoded">${r.control}</td>`
          : r.offsetsTopic
            ? html`<td colspan="2" class="decoded" data-role="offsets-record">${describeOffsetsRecord(r.offsetsTopic)}</td>`
            : html`<td>${text(r.key)}</td>
                <td>${text(r.value)}</td>`}
      </tr>
      ${open
        ? html`<tr>
            <td colspan="8">
              <div class="toolbar">
                <div class="field">
                  <label for="record-format">Show as</label>
                  <vscode-dropdown id="record-format" .value=${this.recordFormat} @change=${(e: Event) => (this.recordFormat = valueOf(e) as ValueFormat)}>
                    <vscode-option value="text" ?selected=${this.recordFormat === 'text'}>text</vscode-option>
                    <vscode-option value="json" ?selected=${this.recordFormat === 'json'}>JSON</vscode-option>
                    <vscode-option value="hex" ?selected=${this.recordFormat === 'hex'}>hex</vscode-option>
                  </vscode-dropdown>
                </div>
              </div>
              <h3>Key</h3>
              <trib-value-view .bytes=${r.key} format=${this.recordFormat}></trib-value-view>
              ${r.headers.length
                ? html`<h3>Headers</h3>
                    <table class="headers">
                      ${r.headers.map((h) => html`<tr><td class="mono">${h.key}</td><td class="mono">${h.value === null ? 'null' : h.value.text}</td></tr>`)}
                    </table>`
                : nothing}
              <h3>Value</h3>
              <trib-value-view .bytes=${r.value} format=${this.recordFormat}></trib-value-view>
            </td>
          </tr>`
        : nothing}`;
  }

  private renderBatch(b: BatchDump) {
    const open = this.expanded.has(b.position);
    const dh = b.deleteHorizonMs === null ? 'OptionalLong.empty' : `OptionalLong[${b.deleteHorizonMs}]`;
    const fields: Array<[string, unknown, boolean?]> = [
      ['baseOffset', b.baseOffset],
      ['lastOffset', b.lastOffset],
      ['count', b.count],
      ['baseSequence', b.baseSequence],
      ['lastSequence', b.lastSequence],
      ['producerId', b.producerId],
      ['producerEpoch', b.producerEpoch],
      ['partitionLeaderEpoch', b.partitionLeaderEpoch],
      ['isTransactional', b.isTransactional],
      ['isControl', b.isControl],
      ['deleteHorizonMs', dh],
      ['position', b.position],
      [b.timestampType, `${b.maxTimestamp} (${formatTime(b.maxTimestamp)})`],
      ['size', b.size],
      ['magic', b.magic],
      ['compresscodec', b.compresscodec],
      ['crc', b.crc, !b.isValid],
      ['isvalid', b.isValid, !b.isValid],
    ];
    if (b.computedCrc !== undefined) fields.push(['computed crc', b.computedCrc, true]);
    return html`<div class="batch ${b.isValid ? '' : 'invalid'} ${this.highlight === b.position ? 'highlight' : ''}" data-role="batch" data-position=${b.position} data-valid=${String(b.isValid)}>
      <div class="batch-line" role="button" tabindex="0" aria-expanded=${String(open)} @click=${() => this.toggle(b.position)} @keydown=${(e: KeyboardEvent) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), this.toggle(b.position))}>
        <span class="twisty">${open ? '▾' : '▸'}</span>
        <span>offsets ${b.baseOffset}–${b.lastOffset}</span>
        <span class="muted">count ${b.count}</span>
        <span class="muted">position ${b.position}</span>
        <span class="muted">size ${b.size}</span>
        <span class="muted">${b.compresscodec}</span>
        ${b.isTransactional ? html`<span class="badge">transactional</span>` : nothing} ${b.isControl ? html`<span class="badge">control</span>` : nothing}
        ${b.isValid ? html`<span class="badge ok">crc ok</span>` : html`<span class="badge error" data-role="crc-invalid">CRC invalid</span>`}
      </div>
      ${open
        ? html`<div class="batch-body">
            <div class="fields" data-role="batch-fields">
              ${fields.map(([k, v, bad]) => html`<div><span class="k">${k}:</span> <span class=${bad ? 'bad' : ''}>${String(v)}</span></div>`)}
            </div>
            <vscode-button appearance="secondary" data-role="hex-toggle" @click=${() => void this.toggleHex(b)}>${this.hex.has(b.position) ? 'Hide hex' : 'Hex view'}</vscode-button>
            ${this.renderHex(b)}
            ${b.recordsError ? html`<div class="error-box">Cannot read the records: ${b.recordsError}</div>` : nothing}
            ${b.records?.length
              ? html`<table class="records" data-role="records">
                  <tr>
                    <th class="num">offset</th>
                    <th>${b.timestampType}</th>
                    <th class="num">keySize</th>
                    <th class="num">valueSize</th>
                    <th class="num">sequence</th>
                    <th>headerKeys</th>
                    <th>key</th>
                    <th>value</th>
                  </tr>
                  ${b.records.map((r) => this.renderRecord(b, r))}
                </table>`
              : nothing}
          </div>`
        : nothing}
    </div>`;
  }

  private renderLog() {
    const d = this.dump;
    if (this.error) return html`<div class="error-box">${this.error}</div>`;
    if (!d) return html`<p class="muted">${this.loading ? 'Reading…' : 'Choose a segment.'}</p>`;
    const invalid = d.batches.filter((b) => !b.isValid).length;
    const records = d.batches.reduce((n, b) => n + b.count, 0);
    return html`<div class="summary">
        <span class="mono">${d.logFile}</span>
        <span class="muted">${formatBytes(d.logSize)}</span>
        <span class="muted">${d.batches.length} batches${d.nextPosition !== undefined ? '+' : ''}, ${records} records</span>
        ${invalid ? html`<span class="badge error" data-role="invalid-count">${invalid} invalid CRC${invalid === 1 ? '' : 's'}</span>` : nothing}
        ${d.invalidTail ? html`<span class="badge error">torn tail</span>` : nothing}
      </div>
      ${d.problems.map((p) => html`<div class="error-box">${p}</div>`)} ${d.batches.map((b) => this.renderBatch(b))}
      ${d.invalidTail
        ? html`<div class="torn" data-role="torn-tail">
            Found ${d.invalidTail.bytes} invalid bytes at the end of ${d.logFile}. Valid data ends at position ${d.invalidTail.position}: ${d.invalidTail.reason}
          </div>`
        : nothing}
      ${d.nextPosition !== undefined
        ? html`<vscode-button appearance="secondary" id="more" ?disabled=${this.loading} @click=${() => void this.load(d.baseOffset, d.nextPosition)}>Load more batches</vscode-button>`
        : nothing}`;
  }

  private renderIndexes() {
    const d = this.dump;
    if (!d) return nothing;
    return html`<h3>.index <span class="muted">(${d.offsetIndex.length})</span></h3>
      ${d.offsetIndex.length
        ? html`<table class="index-table" data-role="offset-index">
            <tr><th class="num">offset</th><th class="num">position</th></tr>
            ${d.offsetIndex.map(
              (e) => html`<tr class="entry ${e.problem ? 'problem' : ''}" title=${e.problem ?? `go to the batch at position ${e.position}`} @click=${() => this.jumpTo(e.position)}>
                <td class="num">${e.offset}</td>
                <td class="num">${e.position}</td>
              </tr>
              ${e.problem ? html`<tr class="problem"><td colspan="2">${e.problem}</td></tr>` : nothing}`,
            )}
          </table>`
        : html`<div class="muted">empty</div>`}
      <h3>.timeindex <span class="muted">(${d.timeIndex.length})</span></h3>
      ${d.timeIndex.length
        ? html`<table class="index-table" data-role="time-index">
            <tr><th>timestamp</th><th class="num">offset</th></tr>
            ${d.timeIndex.map(
              (e) => html`<tr class=${e.problem ? 'problem' : ''} title=${e.problem ?? String(e.timestamp)}>
                  <td>${formatTime(e.timestamp)}</td>
                  <td class="num">${e.offset}</td>
                </tr>
                ${e.problem ? html`<tr class="problem"><td colspan="2">${e.problem}</td></tr>` : nothing}`,
            )}
          </table>`
        : html`<div class="muted">empty</div>`}`;
  }

  override render() {
    const i = this.init;
    if (!i) return html`<p class="muted">Waiting for the partition…</p>`;
    return html`<header>
        <h1>${i.topic}-${i.partition}</h1>
        <div class="field">
          <label for="node">Replica on node</label>
          <vscode-dropdown id="node" .value=${String(this.node)} @change=${(e: Event) => void this.switchNode(Number(valueOf(e)))}>
            ${i.replicaNodes.map((n) => html`<vscode-option value=${String(n)} ?selected=${n === this.node}>node ${n}</vscode-option>`)}
          </vscode-dropdown>
        </div>
      </header>
      <div class="layout">
        <div class="pane">
          <h3>Segments</h3>
          <ul class="segments" data-role="segments">
            ${this.segments.map(
              (s) => html`<li>
                <button class=${s.baseOffset === this.selected ? 'selected' : ''} data-base-offset=${s.baseOffset} @click=${() => void this.load(s.baseOffset)}>
                  <div class="mono">${s.baseOffset}</div>
                  <div class="muted">${formatBytes(s.logSize)}${s.active ? ' · active' : ''}</div>
                </button>
              </li>`,
            )}
          </ul>
        </div>
        <div class="pane" data-role="log">${this.renderLog()}</div>
        <div class="pane" data-role="indexes">${this.renderIndexes()}</div>
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tributary-segment-inspector': SegmentInspector;
  }
}
