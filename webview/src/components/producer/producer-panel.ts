/**
 * <tributary-producer>: produce records to a topic. Topic, partition (or automatic), key, value, headers,
 * compression, acks, repeat N, with the templates of `.kafka` files ({{seq}}, {{i}}, {{uuid}}, {{now}}, ...: one
 * module, src/shared/template.ts, renders both). Templates are expanded here; the host receives plain records in
 * ProduceRequests of at most PRODUCE_CHUNK records. The value is edited with JSON colouring and checking
 * (<trib-value-editor>), or in a real editor beside the panel (EditValueRequest) whose changes come back here.
 */
import { LitElement, html, css, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import {
  Acks,
  CompressionName,
  EditValueRequest,
  PRODUCE_CHUNK,
  ProduceRecordInput,
  ProduceRequest,
  SchemaSubjectsRequest,
  type SchemaSubjects,
  ProducerInit,
  ProducerInitNotification,
  TopicsChangedNotification,
  TopicSummary,
  UnlinkValueCommand,
  ValueEditClosedNotification,
  ValueEditedNotification,
} from '../../../../src/shared/webview-protocol';
import { defaultSources, looksLikeJson, RecordTemplates, TEMPLATE_HELP } from '../../../../src/shared/template';
import { getHost, Unsubscribe } from '../../host';
import { baseStyles } from '../common/styles';
import { checkedOf, valueOf } from '../common/controls';
import { formatCount } from '../common/bytes';
import { compileFields, panelRecords, TemplateFields } from './templates';
import { ValueMode, valueProblem } from './json-check';
import './value-editor';

export interface ProducerForm {
  topic: string;
  /** 'auto' or a partition number as text. */
  partition: string;
  key: string;
  value: string;
  /** auto: checked as JSON when it starts with { or [; json: always (invalid JSON is not sent); text: never. */
  valueMode: ValueMode;
  nullValue: boolean;
  headers: Array<{ key: string; value: string }>;
  compression: CompressionName;
  acks: Acks;
  repeat: number;
  /** Subjects whose schemas encode the key and the value ('' = none: the text is sent as it is). */
  keySubject: string;
  valueSubject: string;
  /** The value schema's version: 'latest' or a number. */
  valueVersion: string;
}

const DEFAULT_FORM: ProducerForm = {
  topic: '',
  partition: 'auto',
  key: '',
  value: '',
  valueMode: 'auto',
  nullValue: false,
  headers: [],
  compression: 'none',
  acks: -1,
  repeat: 1,
  keySubject: '',
  valueSubject: '',
  valueVersion: 'latest',
};

const MAX_REPEAT = 1_000_000;
/** Where the panel keeps its {{seq}} counter in the webview state (apart from the form, which a reload restores). */
const SEQ_STATE = 'producer-seq';

interface SendSummary {
  topic: string;
  count: number;
  ms: number;
  /** partition -> [first offset, last offset]. */
  ranges: Map<number, [number, number]>;
  cancelled: boolean;
}

@customElement('tributary-producer')
export class ProducerPanel extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        padding: 10px 16px 16px;
        max-width: 1000px;
      }
      .grid {
        display: grid;
        grid-template-columns: max-content 1fr;
        gap: 8px 12px;
        align-items: center;
        margin-top: 10px;
      }
      .grid > label {
        color: var(--vscode-descriptionForeground);
      }
      .top-align {
        align-self: start;
        padding-top: 4px;
      }
      .wide {
        width: 100%;
      }
      .headers {
        display: flex;
        flex-direction: column;
        gap: 4px;
      }
      .header-row {
        display: grid;
        grid-template-columns: 1fr 2fr max-content;
        gap: 6px;
        align-items: center;
      }
      .inline {
        display: flex;
        gap: 12px;
        align-items: center;
        flex-wrap: wrap;
      }
      .preview {
        margin-top: 12px;
      }
      .preview .kv {
        margin-top: 4px;
      }
      .preview dd {
        white-space: pre-wrap;
        max-height: 12em;
        overflow: auto;
      }
      .actions {
        margin-top: 14px;
        display: flex;
        gap: 10px;
        align-items: center;
      }
      .results li {
        margin: 2px 0;
      }
      .value-tools {
        display: flex;
        flex-wrap: wrap;
        gap: 6px 14px;
        align-items: center;
        margin-top: 6px;
      }
      #value-mode {
        min-width: 190px;
      }
      .value-tools .field {
        flex-direction: row;
        align-items: center;
        gap: 6px;
      }
      .linked {
        margin-top: 6px;
      }
      progress {
        accent-color: var(--vscode-progressBar-background);
      }
    `,
  ];

  @state() private topics: TopicSummary[] = [];
  @state() private form: ProducerForm = { ...DEFAULT_FORM };
  @state() private sending = false;
  @state() private sent = 0;
  @state() private total = 0;
  @state() private error = '';
  @state() private results: SendSummary[] = [];
  /** The {{seq}} of the next record: 1 at first, going on across sends. */
  @state() private nextSeq = 1;
  /** The editor the value follows (EditValueRequest), by its title; '' when the value is edited here. */
  @state() private editingIn = '';
  @state() private editError = '';
  @state() private schemas: SchemaSubjects = { subjects: [] };
  private cancelRequested = false;
  private readonly unsubscribe: Unsubscribe[] = [];
  private readonly host$ = getHost();

  override connectedCallback(): void {
    super.connectedCallback();
    const saved = this.host$.getState<ProducerForm>('producer');
    if (saved) this.form = { ...DEFAULT_FORM, ...saved };
    this.nextSeq = this.host$.getState<number>(SEQ_STATE) ?? 1;
    this.unsubscribe.push(
      this.host$.on(ProducerInitNotification, (p) => this.init(p)),
      this.host$.on(TopicsChangedNotification, (p) => (this.topics = p.topics.filter((t) => !t.internal))),
      this.host$.on(ValueEditedNotification, (p) => this.editingIn && this.update$({ value: p.text })),
      this.host$.on(ValueEditClosedNotification, () => (this.editingIn = '')),
    );
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const u of this.unsubscribe.splice(0)) u();
  }

  private init(p: ProducerInit): void {
    this.topics = p.topics.filter((t) => !t.internal);
    if (p.topic && !this.form.topic) this.update$({ topic: p.topic });
    else if (!this.form.topic && this.topics.length) this.update$({ topic: this.topics[0].name });
    this.editingIn = p.editing?.name ?? '';
    if (p.editing) this.update$({ value: p.editing.text, nullValue: false });
    void this.loadSubjects();
  }

  private async loadSubjects(): Promise<void> {
    try {
      this.schemas = await this.host$.request(SchemaSubjectsRequest, {});
    } catch (e) {
      this.schemas = { subjects: [], error: (e as Error).message };
    }
  }

  private update$(patch: Partial<ProducerForm>): void {
    this.form = { ...this.form, ...patch };
    this.host$.setState('producer', this.form);
  }

  private get partitionCount(): number {
    return this.topics.find((t) => t.name === this.form.topic)?.partitions ?? 0;
  }

  private templateFields(): TemplateFields {
    const f = this.form;
    return { key: f.key, value: f.nullValue ? null : f.value, headers: f.headers };
  }

  /** Why the form cannot be sent, or its compiled templates. */
  private validate(): { error: string; templates?: undefined } | { error?: undefined; templates: RecordTemplates } {
    if (!this.form.topic.trim()) return { error: 'Choose a topic.' };
    const n = this.form.repeat;
    if (!Number.isInteger(n) || n < 1 || n > MAX_REPEAT) return { error: `Repeat must be a whole number from 1 to ${formatCount(MAX_REPEAT)}.` };
    if (this.form.headers.some((h) => h.key.trim() === '')) return { error: 'Every header needs a key.' };
    const compiled = compileFields(this.templateFields());
    if (compiled.error !== undefined) return { error: compiled.error };
    const v = this.form.valueVersion.trim();
    if (this.form.valueSubject && v !== 'latest' && !/^[1-9]\d*$/.test(v)) return { error: 'The schema version must be "latest" or a number from 1.' };
    // A value encoded with a schema is written as JSON, whatever the text/JSON choice.
    const json = this.form.nullValue || (this.form.valueMode !== 'json' && !this.form.valueSubject) ? undefined : valueProblem(this.form.value, 'json');
    if (json) return { error: `The value is not JSON (line ${json.line}, column ${json.column}: ${json.message}). Fix it, or choose "text" to send it as written.` };
    return { templates: compiled.templates };
  }

  private async send(): Promise<void> {
    const { error, templates } = this.validate();
    if (error !== undefined) {
      this.error = error;
      return;
    }
    this.error = '';
    this.sending = true;
    this.cancelRequested = false;
    this.sent = 0;
    this.total = this.form.repeat;
    const started = performance.now();
    const summary: SendSummary = { topic: this.form.topic, count: 0, ms: 0, ranges: new Map(), cancelled: false };
    const partition = this.form.partition === 'auto' ? null : Number(this.form.partition);
    const seqBase = this.nextSeq;
    try {
      for (let start = 0; start < this.total; start += PRODUCE_CHUNK) {
        if (this.cancelRequested) {
          summary.cancelled = true;
          break;
        }
        const records: ProduceRecordInput[] = panelRecords(templates, start, Math.min(PRODUCE_CHUNK, this.total - start), seqBase, defaultSources);
        const res = await this.host$.request(ProduceRequest, {
          topic: this.form.topic,
          partition,
          compression: this.form.compression,
          acks: this.form.acks,
          records,
          ...(this.form.keySubject ? { keySchema: { subject: this.form.keySubject } } : {}),
          ...(this.form.valueSubject
            ? { valueSchema: { subject: this.form.valueSubject, version: this.form.valueVersion.trim() === 'latest' ? 'latest' : Number(this.form.valueVersion.trim()) } }
            : {}),
        });
        for (const r of res.records) {
          const range = summary.ranges.get(r.partition);
          if (!range) summary.ranges.set(r.partition, [r.offset, r.offset]);
          else {
            range[0] = Math.min(range[0], r.offset);
            range[1] = Math.max(range[1], r.offset);
          }
        }
        summary.count += records.length;
        this.sent = summary.count;
        // {{seq}} goes on from here next time, as a .kafka block's counter does across runs.
        this.nextSeq = seqBase + summary.count;
        this.host$.setState(SEQ_STATE, this.nextSeq);
      }
    } catch (e) {
      this.error = `Producing to ${this.form.topic} failed${summary.count ? ` after ${formatCount(summary.count)} records` : ''}: ${(e as Error).message}`;
    } finally {
      this.sending = false;
      summary.ms = Math.round(performance.now() - started);
      if (summary.count > 0) this.results = [summary, ...this.results].slice(0, 5);
    }
  }

  private preview() {
    const { templates, error } = compileFields(this.templateFields());
    if (error !== undefined) return html`<div class="error-box" data-role="template-error">${error}</div>`;
    const [r] = panelRecords(templates, 0, 1, this.nextSeq, defaultSources);
    return html`<div class="preview">
      <div class="label">Record 0 as it will be sent${this.form.repeat > 1 ? html` (of ${formatCount(this.form.repeat)})` : nothing}, {{seq}} = ${this.nextSeq}</div>
      <dl class="kv mono" data-role="preview">
        <dt>key</dt>
        <dd>${r.key === null ? html`<span class="muted">null</span>` : r.key}</dd>
        <dt>value</dt>
        <dd>${r.value === null ? html`<span class="muted">null (tombstone)</span>` : r.value.length > 2000 ? r.value.slice(0, 2000) + '…' : r.value}</dd>
        ${r.headers.map((h) => html`<dt>header</dt><dd>${h.key}: ${h.value}</dd>`)}
      </dl>
    </div>`;
  }

  private renderHeaders() {
    return html`<div class="headers">
      ${this.form.headers.map(
        (h, i) => html`<div class="header-row">
          <vscode-text-field
            placeholder="header key"
            aria-label="Header ${i + 1} key"
            data-role="header-key"
            .value=${h.key}
            @input=${(e: Event) => this.setHeader(i, { key: valueOf(e) })}
          ></vscode-text-field>
          <vscode-text-field
            placeholder="header value"
            aria-label="Header ${i + 1} value"
            data-role="header-value"
            .value=${h.value}
            @input=${(e: Event) => this.setHeader(i, { value: valueOf(e) })}
          ></vscode-text-field>
          <vscode-button appearance="icon" aria-label="Remove header ${i + 1}" title="Remove header" @click=${() => this.removeHeader(i)}>✕</vscode-button>
        </div>`,
      )}
      <div><vscode-button appearance="secondary" id="add-header" @click=${() => this.update$({ headers: [...this.form.headers, { key: '', value: '' }] })}>Add header</vscode-button></div>
    </div>`;
  }

  private setHeader(i: number, patch: Partial<{ key: string; value: string }>): void {
    this.update$({ headers: this.form.headers.map((h, j) => (j === i ? { ...h, ...patch } : h)) });
  }

  private removeHeader(i: number): void {
    this.update$({ headers: this.form.headers.filter((_, j) => j !== i) });
  }

  private async editInEditor(): Promise<void> {
    this.editError = '';
    const f = this.form;
    const json = f.valueMode === 'json' || (f.valueMode === 'auto' && (looksLikeJson(f.value) || f.value.trim() === ''));
    try {
      const res = await this.host$.request(EditValueRequest, { text: f.value, language: json ? 'json' : 'plaintext' });
      this.editingIn = res.name;
      if (f.nullValue) this.update$({ nullValue: false });
    } catch (e) {
      this.editError = `Could not open an editor: ${(e as Error).message}`;
    }
  }

  private unlink(): void {
    this.host$.command(UnlinkValueCommand, undefined);
    this.editingIn = '';
  }

  private renderValue() {
    const f = this.form;
    return html`<div>
      <trib-value-editor
        id="value"
        label="Value"
        placeholder='{"id": {{seq}}, "at": "{{now}}"}'
        mode=${f.valueMode}
        ?disabled=${f.nullValue}
        ?readonly=${this.editingIn !== ''}
        .value=${f.value}
        @input=${(e: Event) => this.update$({ value: valueOf(e) })}
      ></trib-value-editor>
      ${this.editingIn
        ? html`<div class="info-box linked" data-role="linked">
            Editing in <b>${this.editingIn}</b>: what you type there shows here.
            <button class="link" id="unlink" @click=${() => this.unlink()}>Edit here instead</button>
          </div>`
        : nothing}
      ${this.editError ? html`<div class="error-box" data-role="edit-error">${this.editError}</div>` : nothing}
      <div class="value-tools">
        <div class="field">
          <label for="value-mode">Check as</label>
          <vscode-dropdown id="value-mode" .value=${f.valueMode} @change=${(e: Event) => this.update$({ valueMode: valueOf(e) as ValueMode })}>
            <vscode-option value="auto" ?selected=${f.valueMode === 'auto'}>auto (JSON if { or [)</vscode-option>
            <vscode-option value="json" ?selected=${f.valueMode === 'json'}>JSON</vscode-option>
            <vscode-option value="text" ?selected=${f.valueMode === 'text'}>text</vscode-option>
          </vscode-dropdown>
        </div>
        <vscode-button appearance="secondary" id="edit-in-editor" ?disabled=${f.nullValue} @click=${() => void this.editInEditor()}>Edit in editor</vscode-button>
        <vscode-checkbox id="null-value" ?checked=${f.nullValue} @change=${(e: Event) => this.update$({ nullValue: checkedOf(e) })}>null value (tombstone)</vscode-checkbox>
      </div>
    </div>`;
  }

  private describe(r: SendSummary): string {
    const ranges = [...r.ranges.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([p, [a, b]]) => (a < 0 ? `partition ${p}` : a === b ? `partition ${p} offset ${a}` : `partition ${p} offsets ${a}–${b}`))
      .join(', ');
    return `${r.cancelled ? 'Stopped after' : 'Produced'} ${formatCount(r.count)} record${r.count === 1 ? '' : 's'} to ${r.topic} in ${r.ms} ms: ${ranges}`;
  }

  /** The schema pickers, shown when the cluster has a registry: a chosen subject encodes the key or value (JSON) with it. */
  private renderSchemas() {
    const sr = this.schemas;
    if (!sr.registry) return nothing;
    const f = this.form;
    const options = (chosen: string) => html`<vscode-option value="" ?selected=${chosen === ''}>none (send the text)</vscode-option>
      ${sr.subjects.map((s) => html`<vscode-option value=${s} ?selected=${s === chosen}>${s}</vscode-option>`)}`;
    return html`<label>Schemas</label>
      <div class="inline" data-role="schemas">
        <div class="field">
          <label for="value-subject">Value schema</label>
          <vscode-dropdown id="value-subject" .value=${f.valueSubject} @change=${(e: Event) => this.update$({ valueSubject: valueOf(e) })}>${options(f.valueSubject)}</vscode-dropdown>
        </div>
        <div class="field">
          <label for="value-version">Version</label>
          <vscode-text-field id="value-version" size="6" .value=${f.valueVersion} ?disabled=${!f.valueSubject} @input=${(e: Event) => this.update$({ valueVersion: valueOf(e) })}></vscode-text-field>
        </div>
        <div class="field">
          <label for="key-subject">Key schema</label>
          <vscode-dropdown id="key-subject" .value=${f.keySubject} @change=${(e: Event) => this.update$({ keySubject: valueOf(e) })}>${options(f.keySubject)}</vscode-dropdown>
        </div>
        <vscode-button appearance="icon" id="reload-subjects" title="Reload the subjects" aria-label="Reload the subjects" @click=${() => void this.loadSubjects()}>↻</vscode-button>
        ${sr.error ? html`<span class="error" data-role="schemas-error">${sr.error}</span>` : nothing}
      </div>`;
  }

  override render() {
    const f = this.form;
    const pc = this.partitionCount;
    return html`
      <h1>Produce</h1>
      <div class="grid">
        <label for="topic">Topic</label>
        ${this.topics.length
          ? html`<vscode-dropdown id="topic" .value=${f.topic} @change=${(e: Event) => this.update$({ topic: valueOf(e), partition: 'auto' })}>
              ${this.topics.map((t) => html`<vscode-option value=${t.name} ?selected=${t.name === f.topic}>${t.name}</vscode-option>`)}
            </vscode-dropdown>`
          : html`<vscode-text-field id="topic" placeholder="topic name" .value=${f.topic} @input=${(e: Event) => this.update$({ topic: valueOf(e) })}></vscode-text-field>`}

        <label>Options</label>
        <div class="inline">
          <div class="field">
            <label for="partition">Partition</label>
            <vscode-dropdown id="partition" .value=${f.partition} @change=${(e: Event) => this.update$({ partition: valueOf(e) })}>
              <vscode-option value="auto" ?selected=${f.partition === 'auto'}>automatic</vscode-option>
              ${Array.from({ length: pc }, (_, p) => html`<vscode-option value=${String(p)} ?selected=${f.partition === String(p)}>${p}</vscode-option>`)}
            </vscode-dropdown>
          </div>
          <div class="field">
            <label for="compression">Compression</label>
            <vscode-dropdown id="compression" .value=${f.compression} @change=${(e: Event) => this.update$({ compression: valueOf(e) as CompressionName })}>
              ${(['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const).map((c) => html`<vscode-option value=${c} ?selected=${c === f.compression}>${c}</vscode-option>`)}
            </vscode-dropdown>
          </div>
          <div class="field">
            <label for="acks">Acks</label>
            <vscode-dropdown id="acks" .value=${String(f.acks)} @change=${(e: Event) => this.update$({ acks: Number(valueOf(e)) as Acks })}>
              <vscode-option value="-1" ?selected=${f.acks === -1}>all (-1)</vscode-option>
              <vscode-option value="1" ?selected=${f.acks === 1}>leader (1)</vscode-option>
              <vscode-option value="0" ?selected=${f.acks === 0}>none (0)</vscode-option>
            </vscode-dropdown>
          </div>
          <div class="field">
            <label for="repeat">Repeat</label>
            <vscode-text-field id="repeat" size="8" .value=${String(f.repeat)} @input=${(e: Event) => this.update$({ repeat: Number(valueOf(e).trim() || NaN) })}></vscode-text-field>
          </div>
        </div>

        ${this.renderSchemas()}
        <label for="key">Key</label>
        <vscode-text-field id="key" class="wide" placeholder="empty = null key" .value=${f.key} @input=${(e: Event) => this.update$({ key: valueOf(e) })}></vscode-text-field>

        <label for="value" class="top-align">Value</label>
        ${this.renderValue()}

        <label class="top-align">Headers</label>
        ${this.renderHeaders()}
      </div>
      <p class="muted" data-role="template-help">Templates in the key, the value and header values, as in <code>.kafka</code> files: ${TEMPLATE_HELP}</p>
      ${this.preview()}
      <div class="actions">
        <vscode-button id="send" ?disabled=${this.sending} @click=${() => void this.send()}>${f.repeat > 1 ? `Send ${formatCount(f.repeat)} records` : 'Send'}</vscode-button>
        ${this.sending
          ? html`<progress max=${this.total} .value=${this.sent}></progress><span class="muted">${formatCount(this.sent)} / ${formatCount(this.total)}</span>
              <vscode-button appearance="secondary" id="stop" @click=${() => (this.cancelRequested = true)}>Stop</vscode-button>`
          : nothing}
      </div>
      ${this.error ? html`<div class="error-box" role="alert" data-role="error">${this.error}</div>` : nothing}
      ${this.results.length
        ? html`<h2>Sent</h2>
            <ul class="results" data-role="results">
              ${this.results.map((r) => html`<li>${this.describe(r)}</li>`)}
            </ul>`
        : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tributary-producer': ProducerPanel;
  }
}
