/**
 * <trib-value-view>: a key, value or header value as text, pretty JSON or hex. Always rendered as text nodes
 * (never HTML); long values are cut for display, and a truncated value (the host sent only its first bytes)
 * says so. A value decoded through a schema registry names its schema above it (text and JSON show the decoded
 * value, hex the bytes as written); one that could not be decoded says why.
 */
import { LitElement, html, css, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { BytesView, ValueFormat } from '../../../../src/shared/webview-protocol';
import { baseStyles } from './styles';
import { bytesOf, formatBytes, hexLines, jsonTokens, prettyJson } from './bytes';

/** Characters of text / JSON and bytes of hex rendered at most; the rest is behind "open in an editor". */
export const DISPLAY_MAX_CHARS = 100_000;
export const DISPLAY_MAX_HEX_BYTES = 16 * 1024;

@customElement('trib-value-view')
export class ValueView extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      .box {
        background: var(--vscode-textCodeBlock-background);
        border: 1px solid var(--vscode-contrastBorder, transparent);
        padding: 6px 8px;
        max-height: var(--trib-value-max-height, 50vh);
        overflow: auto;
      }
      .note {
        margin-top: 4px;
        font-size: 0.9em;
      }
      .null {
        font-style: italic;
      }
      .schema {
        margin-bottom: 4px;
        font-size: 0.9em;
      }
    `,
  ];

  @property({ attribute: false }) bytes: BytesView | null = null;
  @property() format: ValueFormat = 'text';

  override render() {
    const v = this.bytes;
    if (v === null) return html`<div class="box"><span class="muted null">null</span></div>`;
    return html`${this.schemaLine(v)}<div class="box" part="box">${this.body(v)}</div>
      ${this.notes(v)}`;
  }

  private schemaLine(v: BytesView) {
    const s = v.schema;
    if (!s) return nothing;
    if (s.error !== undefined) return html`<div class="schema note error" data-role="schema-error">${s.id !== undefined ? `Schema ${s.id}: ` : ''}not decoded: ${s.error}</div>`;
    const names = [s.subject !== undefined ? `${s.subject} v${s.version}` : '', s.messageName ?? ''].filter(Boolean).join(' · ');
    return html`<div class="schema muted" data-role="schema" title=${this.format === 'hex' ? 'The bytes as written: magic byte, schema id, payload' : 'Decoded with the schema registry'}>
      ${s.type} · schema ${s.id}${names ? ` · ${names}` : ''}${this.format === 'hex' ? ' (wire format bytes)' : ''}
    </div>`;
  }

  private body(v: BytesView) {
    if (v.size === 0) return html`<span class="muted null">(empty)</span>`;
    if (this.format === 'hex') {
      const bytes = bytesOf(v);
      const lines = hexLines(bytes, DISPLAY_MAX_HEX_BYTES);
      return html`<div class="hex">
        ${lines.map(
          (l) =>
            html`<span class="off">${l.offset.toString(16).padStart(8, '0')}</span><span>${l.bytes.slice(0, 8).join(' ')}  ${l.bytes.slice(8).join(' ')}</span
              ><span class="ascii">${l.ascii}</span>`,
        )}
      </div>`;
    }
    const text = v.text.length > DISPLAY_MAX_CHARS ? v.text.slice(0, DISPLAY_MAX_CHARS) : v.text;
    if (this.format === 'json') {
      if (v.truncated) return html`<pre class="mono">${text}</pre>`;
      const p = prettyJson(v.text);
      if (!p.ok) return html`<pre class="mono">${text}</pre>`;
      const shown = p.text.length > DISPLAY_MAX_CHARS ? p.text.slice(0, DISPLAY_MAX_CHARS) : p.text;
      return html`<pre class="mono json">${jsonTokens(shown).map((t) => (t.kind === 'punct' || t.kind === 'space' ? t.text : html`<span class="json-${t.kind}">${t.text}</span>`))}</pre>`;
    }
    return html`<pre class="mono">${text}</pre>`;
  }

  private notes(v: BytesView) {
    const notes: unknown[] = [];
    if (this.format === 'json' && v.size > 0) {
      if (v.truncated) notes.push(html`<div class="note muted">Only the first ${formatBytes(bytesOf(v).length)} were sent: shown as text, not parsed.</div>`);
      else {
        const p = prettyJson(v.text);
        if (!p.ok) notes.push(html`<div class="note error" data-role="json-error">Not JSON: ${p.error}</div>`);
      }
    }
    if (this.format !== 'hex' && !v.utf8 && v.size > 0) notes.push(html`<div class="note muted">Not valid UTF-8: the hex view shows the bytes.</div>`);
    if (this.format === 'hex' && bytesOf(v).length > DISPLAY_MAX_HEX_BYTES)
      notes.push(html`<div class="note muted">Showing the first ${formatBytes(DISPLAY_MAX_HEX_BYTES)}.</div>`);
    if (this.format !== 'hex' && v.text.length > DISPLAY_MAX_CHARS) notes.push(html`<div class="note muted">Showing the first ${DISPLAY_MAX_CHARS.toLocaleString('en-US')} characters.</div>`);
    return notes.length ? notes : nothing;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'trib-value-view': ValueView;
  }
}
