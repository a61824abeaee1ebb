/**
 * <trib-value-editor>: the producer's value, edited as code. A native textarea (its text transparent, its caret and
 * selection visible) lies over a <pre> that shows the same text coloured: JSON strings, keys, numbers, literals and
 * template helpers. In JSON mode, or in auto mode when the value starts with { or [, the value is checked as JSON
 * with templates and the first problem is shown below it with its line and column, and marked in the text.
 * Everything is rendered as text nodes, never HTML. `value` and `input` events work as on a textarea.
 */
import { LitElement, html, css, nothing } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { looksLikeJson } from '../../../../src/shared/template';
import { baseStyles } from '../common/styles';
import { JsonProblem, sourceTokens, ValueMode, valueProblem } from './json-check';

export type { ValueMode };

/** Past this size the value is not coloured (the check still runs). */
const MAX_COLOURED = 200_000;

@customElement('trib-value-editor')
export class ValueEditor extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      .editor {
        position: relative;
        border: 1px solid var(--vscode-input-border, var(--vscode-widget-border, transparent));
        background: var(--vscode-input-background);
      }
      .editor:focus-within {
        border-color: var(--vscode-focusBorder);
      }
      .editor.invalid {
        border-color: var(--vscode-inputValidation-errorBorder);
      }
      textarea,
      .highlight {
        margin: 0;
        border: 0;
        padding: 6px 8px;
        font-family: var(--vscode-editor-font-family);
        font-size: var(--vscode-editor-font-size);
        font-weight: var(--vscode-editor-font-weight, normal);
        line-height: 1.5;
        letter-spacing: normal;
        tab-size: 2;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        word-break: normal;
        scrollbar-gutter: stable;
      }
      textarea {
        display: block;
        position: relative;
        width: 100%;
        min-height: 5em;
        resize: vertical;
        overflow: auto;
        background: transparent;
        color: transparent;
        caret-color: var(--vscode-editor-foreground, var(--vscode-input-foreground));
        outline: none;
      }
      textarea::selection {
        color: transparent;
        background: var(--vscode-editor-selectionBackground, var(--vscode-list-activeSelectionBackground));
      }
      textarea::placeholder {
        color: var(--vscode-input-placeholderForeground);
      }
      textarea:disabled,
      textarea[readonly] {
        cursor: default;
      }
      .highlight {
        position: absolute;
        inset: 0;
        overflow: hidden;
        pointer-events: none;
        color: var(--vscode-input-foreground);
      }
      :host([disabled]) .highlight {
        opacity: 0.5;
      }
      .helper {
        color: var(--vscode-textLink-foreground);
        font-style: italic;
      }
      .problem-mark {
        text-decoration: underline wavy var(--vscode-editorError-foreground, var(--vscode-errorForeground));
        text-decoration-skip-ink: none;
      }
      .problem-mark.at-end::after {
        content: ' ';
      }
      .problem {
        margin-top: 4px;
        font-size: 0.9em;
      }
    `,
  ];

  @property() value = '';
  @property() mode: ValueMode = 'auto';
  @property() placeholder = '';
  @property({ type: Boolean, reflect: true }) disabled = false;
  @property({ type: Boolean }) readonly = false;
  @property() label = 'Value';
  @query('textarea') private textarea!: HTMLTextAreaElement;
  @query('.highlight') private highlight!: HTMLElement;

  /** The JSON problem shown (tests and the panel read it). */
  get problem(): JsonProblem | undefined {
    return valueProblem(this.value, this.mode);
  }

  private onInput(e: Event): void {
    this.value = (e.target as HTMLTextAreaElement).value;
    // The native input event is composed: it reaches the panel retargeted to this element, whose value is current.
  }

  private syncScroll(): void {
    if (this.highlight && this.textarea) {
      this.highlight.scrollTop = this.textarea.scrollTop;
      this.highlight.scrollLeft = this.textarea.scrollLeft;
    }
  }

  protected override updated(): void {
    // The highlight follows the textarea's height (resizing) and scroll position.
    this.syncScroll();
  }

  private coloured(problem: JsonProblem | undefined): unknown[] {
    const v = this.value;
    if (v.length > MAX_COLOURED || this.mode === 'text') return [v];
    const tokens = this.mode === 'auto' && !looksLikeJson(v) ? [{ kind: 'text' as const, text: v }] : sourceTokens(v);
    const out: unknown[] = [];
    let at = 0;
    // What the problem covers gets a wavy underline (a line break under it shows as a marked space).
    const from = problem?.offset ?? -1;
    const to = problem ? problem.offset + problem.length : -1;
    for (const t of tokens) {
      const end = at + t.text.length;
      const cls = t.kind === 'text' ? '' : t.kind === 'helper' ? 'helper' : `json-${t.kind}`;
      if (from < end && to > at) {
        const a = Math.max(from, at) - at;
        const b = Math.min(to, end) - at;
        const marked = t.text.slice(a, b);
        out.push(html`<span class=${cls}>${t.text.slice(0, a)}</span><span class="problem-mark ${cls}">${marked.startsWith('\n') ? ` ${marked}` : marked}</span><span class=${cls}
            >${t.text.slice(b)}</span
          >`);
      } else out.push(cls ? html`<span class=${cls}>${t.text}</span>` : t.text);
      at = end;
    }
    if (problem && from >= v.length) out.push(html`<span class="problem-mark at-end"></span>`);
    return out;
  }

  override render() {
    const problem = this.problem;
    return html`<div class="editor ${problem ? 'invalid' : ''}">
        <pre class="highlight" aria-hidden="true">${this.coloured(problem)}${'\n'}</pre>
        <textarea
          rows="8"
          spellcheck="false"
          autocomplete="off"
          aria-label=${this.label}
          aria-invalid=${problem ? 'true' : 'false'}
          aria-describedby="problem"
          placeholder=${this.placeholder}
          ?disabled=${this.disabled}
          ?readonly=${this.readonly}
          .value=${this.value}
          @input=${this.onInput}
          @scroll=${this.syncScroll}
        ></textarea>
      </div>
      ${problem
        ? html`<div class="problem error" id="problem" role="alert" data-role="json-error">Line ${problem.line}, column ${problem.column}: ${problem.message}</div>`
        : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'trib-value-editor': ValueEditor;
  }
}
