/**
 * <trib-record-list>: the consumer's virtualized list. Rows have a fixed height; only the rows in view (and a
 * few around them) exist in the DOM, so 100,000 records cost as much to show as 40. The list follows the tail
 * while scrolled to the bottom, and keeps what the user looks at still when old records are dropped.
 */
import { LitElement, html, css, PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { styleProps } from '../common/style-props';
import type { ConsumedRecord, ValueFormat } from '../../../../src/shared/webview-protocol';
import { baseStyles } from '../common/styles';
import { bytesOf, formatTime, oneLine, toHex } from '../common/bytes';
import type { RecordStore, RecordView } from './record-store';
import { headersLine, headersTooltip } from './headers';

export const ROW_HEIGHT = 22;
const OVERSCAN = 8;

export class RecordSelectEvent extends Event {
  constructor(readonly seq: number) {
    super('record-select', { bubbles: true, composed: true });
  }
}

@customElement('trib-record-list')
export class RecordList extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 0;
        border: 1px solid var(--vscode-widget-border, var(--vscode-panel-border));
      }
      .head,
      .row {
        display: grid;
        /* ch of the editor font, which both the head and the rows use, so the columns line up. */
        grid-template-columns: 3ch 10ch 23ch minmax(8ch, 1fr) minmax(10ch, 1.3fr) minmax(12ch, 3fr);
        gap: 0 1.2ch;
        padding: 0 8px;
        align-items: center;
        font-family: var(--vscode-editor-font-family);
        font-size: var(--vscode-editor-font-size);
      }
      .head {
        height: ${ROW_HEIGHT + 2}px;
        font-weight: 600;
        color: var(--vscode-descriptionForeground);
        border-bottom: 1px solid var(--vscode-widget-border, var(--vscode-panel-border));
        flex: none;
      }
      .viewport {
        flex: 1;
        min-height: 0;
        overflow-y: auto;
        overflow-x: hidden;
        position: relative;
        outline: none;
      }
      .viewport:focus-visible {
        outline: 1px solid var(--vscode-focusBorder);
        outline-offset: -1px;
      }
      .spacer {
        position: relative;
        width: 100%;
      }
      /* Rows are a fixed pool of slots, each placed at its record's own position: a scroll refills only the slots
         whose records left the view, so a frame lays out the rows that came into view, not every row (about 0.1 ms
         of text layout each). The DOM order of the slots is therefore not the visual order: aria-rowindex gives it. */
      .rows {
        position: absolute;
        top: 0;
        left: 0;
        right: 0;
        contain: layout style;
      }
      .row {
        position: absolute;
        top: 0;
        left: 0;
        right: 0;
        height: ${ROW_HEIGHT}px;
        line-height: ${ROW_HEIGHT - 2}px;
        cursor: default;
        border: 1px solid transparent;
        /* A row's size never depends on its text: layout and paint stay inside it. */
        contain: strict;
      }
      .row[hidden] {
        display: none;
      }
      .row > span {
        overflow: hidden;
        white-space: pre;
        text-overflow: ellipsis;
      }
      .row:hover {
        background: var(--vscode-list-hoverBackground);
        color: var(--vscode-list-hoverForeground);
      }
      .row.selected {
        background: var(--vscode-list-activeSelectionBackground);
        color: var(--vscode-list-activeSelectionForeground);
        border-color: var(--vscode-list-focusOutline, transparent);
      }
      .num {
        text-align: right;
        font-variant-numeric: tabular-nums;
      }
      .null {
        font-style: italic;
        opacity: 0.7;
      }
      .row > .headers {
        color: var(--vscode-descriptionForeground);
      }
      .row.selected > .headers,
      .row:hover > .headers {
        color: inherit;
      }
      .empty {
        padding: 20px;
        text-align: center;
      }
    `,
  ];

  @property({ attribute: false }) store!: RecordStore;
  @property({ attribute: false }) view!: RecordView;
  /** Bumped by the panel whenever the store or view changed. */
  @property({ type: Number }) version = 0;
  @property({ type: Number }) selected = -1;
  @property() format: ValueFormat = 'text';
  @property() emptyText = 'No records yet.';

  @state() private firstRow = 0;
  @state() private viewportRows = 40;
  @query('.viewport') private viewport!: HTMLDivElement;
  /** Scrolled to the bottom: new records scroll into view. */
  private following = true;
  private resizeObserver?: ResizeObserver;

  override firstUpdated(): void {
    this.resizeObserver = new ResizeObserver(() => {
      const rows = Math.ceil(this.viewport.clientHeight / ROW_HEIGHT) + 1;
      if (rows !== this.viewportRows) this.viewportRows = rows;
    });
    this.resizeObserver.observe(this.viewport);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resizeObserver?.disconnect();
  }

  /** The panel calls this after rows fell off the top (ring full) so the rows in view stay in view. */
  rowsDropped(n: number): void {
    if (n <= 0 || this.following || !this.viewport) return;
    this.viewport.scrollTop = Math.max(0, this.viewport.scrollTop - n * ROW_HEIGHT);
    this.syncFirstRow();
  }

  /** Jumps to the bottom and follows new records again. */
  scrollToEnd(): void {
    this.following = true;
    this.requestUpdate();
  }

  scrollToRow(row: number): void {
    const vp = this.viewport;
    const top = row * ROW_HEIGHT;
    if (top < vp.scrollTop) vp.scrollTop = top;
    else if (top + ROW_HEIGHT > vp.scrollTop + vp.clientHeight) vp.scrollTop = top + ROW_HEIGHT - vp.clientHeight;
    this.syncFirstRow();
  }

  get isFollowing(): boolean {
    return this.following;
  }

  private syncFirstRow(): void {
    const first = Math.floor(this.viewport.scrollTop / ROW_HEIGHT);
    if (first !== this.firstRow) this.firstRow = first;
  }

  private onScroll(): void {
    const vp = this.viewport;
    this.following = vp.scrollTop + vp.clientHeight >= vp.scrollHeight - ROW_HEIGHT / 2;
    this.syncFirstRow();
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    if (this.following && this.viewport) {
      const max = this.viewport.scrollHeight - this.viewport.clientHeight;
      if (max > 0 && Math.abs(this.viewport.scrollTop - max) > 1) {
        this.viewport.scrollTop = max;
        this.syncFirstRow();
      }
    }
  }

  private onKey(e: KeyboardEvent): void {
    const n = this.view.length;
    if (!n) return;
    let row = this.selected >= 0 ? this.view.rowOf(this.selected) : -1;
    const page = Math.max(1, this.viewportRows - 2);
    switch (e.key) {
      case 'ArrowDown':
        row = Math.min(n - 1, row + 1);
        break;
      case 'ArrowUp':
        row = Math.max(0, row < 0 ? n - 1 : row - 1);
        break;
      case 'PageDown':
        row = Math.min(n - 1, row + page);
        break;
      case 'PageUp':
        row = Math.max(0, row - page);
        break;
      case 'Home':
        row = 0;
        break;
      case 'End':
        row = n - 1;
        break;
      default:
        return;
    }
    e.preventDefault();
    this.scrollToRow(row);
    this.dispatchEvent(new RecordSelectEvent(this.view.seqAt(row)));
  }

  private onClick(e: MouseEvent): void {
    const row = (e.target as HTMLElement).closest('.row') as HTMLElement | null;
    if (!row) return;
    const seq = Number(row.dataset.seq);
    if (Number.isFinite(seq)) this.dispatchEvent(new RecordSelectEvent(seq));
  }

  private preview(r: ConsumedRecord): unknown {
    const v = r.value;
    if (v === null) return html`<span class="null">null</span>`;
    if (this.format === 'hex') {
      const b = bytesOf(v);
      return toHex(b, 0, Math.min(b.length, 48));
    }
    // Enough to fill the widest column; longer text only costs layout time (the details pane has it all).
    return oneLine(v.text, 200);
  }

  override render() {
    const total = this.view ? this.view.length : 0;
    const first = Math.max(0, Math.min(this.firstRow - OVERSCAN, total - 1));
    const last = Math.min(total, this.firstRow + this.viewportRows + OVERSCAN);
    const rows: unknown[] = [];
    // Slot k always shows the index in [first, first + pool) that is k modulo pool: an index keeps its slot (and
    // its DOM) for as long as it stays in view.
    const pool = this.viewportRows + 2 * OVERSCAN;
    for (let k = 0; k < pool; k++) {
      const i = first + ((((k - first) % pool) + pool) % pool);
      const seq = i < last ? this.view.seqAt(i) : -1;
      const r = seq >= 0 ? this.store.get(seq) : undefined;
      if (!r) {
        rows.push(html`<div class="row" hidden></div>`);
        continue;
      }
      rows.push(html`<div
        class="row ${seq === this.selected ? 'selected' : ''}"
        role="row"
        aria-rowindex=${i + 1}
        ${styleProps({ transform: `translateY(${i * ROW_HEIGHT}px)` })}
        data-row=${i}
        data-seq=${seq}
        data-offset=${r.offset}
        data-partition=${r.partition}
      >
        <span class="num">${r.partition}</span><span class="num">${r.offset}</span><span>${formatTime(r.timestamp)}</span><span
          >${r.key === null ? html`<span class="null">null</span>` : oneLine(r.key.text, 80)}</span
        ><span class="headers" data-role="row-headers" title=${headersTooltip(r)}>${headersLine(r)}</span><span>${this.preview(r)}</span>
      </div>`);
    }
    return html`
      <div class="head" role="row">
        <span class="num">P</span><span class="num">Offset</span><span>Timestamp</span><span>Key</span><span>Headers</span><span>Value</span>
      </div>
      <div class="viewport" tabindex="0" role="grid" aria-rowcount=${total} @scroll=${this.onScroll} @keydown=${this.onKey} @click=${this.onClick}>
        ${total === 0 ? html`<div class="empty muted">${this.emptyText}</div>` : ''}
        <div class="spacer" ${styleProps({ height: `${total * ROW_HEIGHT}px` })}>
          <div class="rows">${rows}</div>
        </div>
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'trib-record-list': RecordList;
  }
}
