/**
 * <tributary-topic-configs>: every config of one topic as a table (name and description, value, Kafka's default, the
 * source the cluster reports, a link to Kafka's documentation), edited in place: a dropdown for configs with a fixed
 * set of values, a checkbox for booleans, a text field otherwise; read-only configs are shown, not editable.
 * Changes stay here until Apply, which sends only the changed rows; "Reset to default" marks an override for removal.
 * The cluster validates: a refusal (Kafka's message) is shown on the row it names, and nothing is changed. The host
 * pushes the configs again whenever they change elsewhere; edits not applied yet are kept.
 */
import { LitElement, html, css, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import {
  ApplyTopicConfigsRequest,
  ConfigSourceName,
  OpenConfigDocsCommand,
  TopicConfigEntry,
  TopicConfigGoneNotification,
  TopicConfigInitNotification,
  TopicConfigRefreshCommand,
  TopicConfigsNotification,
  topicConfigDocsUrl,
} from '../../../../src/shared/webview-protocol';
import { getHost, Unsubscribe } from '../../host';
import { baseStyles } from '../common/styles';
import { checkedOf, valueOf } from '../common/controls';
import { formatTime } from '../common/bytes';

/** The sources as the Settings editor would name them. */
export const SOURCE_LABEL: Record<ConfigSourceName, string> = {
  DYNAMIC_TOPIC_CONFIG: 'topic override',
  STATIC_BROKER_CONFIG: 'broker setting',
  DEFAULT_CONFIG: 'Kafka default',
};

const OVERRIDE: ConfigSourceName = 'DYNAMIC_TOPIC_CONFIG';

/** A list config's values in the order of its valid values (so that "compact,delete" is "delete,compact"), else as is. */
function canonicalList(valid: readonly string[], value: string): string {
  const items = value.split(',').map((x) => x.trim()).filter(Boolean);
  return items.every((x) => valid.includes(x)) ? valid.filter((v) => items.includes(v)).join(',') : value;
}

/** The dropdown's choices: the valid values (for a list, every combination of them), and the current value if it is none of them. */
export function choicesOf(c: TopicConfigEntry, current: string): string[] {
  const valid = c.validValues ?? [];
  let out = [...valid];
  // A list of at most four values: every non-empty combination (cleanup.policy: delete, compact, delete,compact).
  if (c.type === 'list' && valid.length <= 4) {
    out = [];
    for (let mask = 1; mask < 1 << valid.length; mask++) out.push(valid.filter((_, i) => mask & (1 << i)).join(','));
  }
  return out.includes(current) ? out : [...out, current];
}

/** Whether `value` is what the config has now (lists compared as sets of values). */
function isCurrent(c: TopicConfigEntry, value: string | null): boolean {
  if (value === null) return c.source !== OVERRIDE;
  if (c.type === 'list' && c.validValues && c.value !== null) return canonicalList(c.validValues, value) === canonicalList(c.validValues, c.value);
  return value === c.value;
}

interface SavedUi {
  topic: string;
  filter: string;
  overridesOnly: boolean;
  drafts: Array<[string, string | null]>;
}

@customElement('tributary-topic-configs')
export class TopicConfigTable extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        padding: 0 16px 24px;
      }
      /* The title and the toolbar stay in view while the table scrolls. */
      .top {
        position: sticky;
        top: 0;
        z-index: 1;
        padding: 10px 0 6px;
        background: var(--vscode-editor-background);
        border-bottom: 1px solid var(--vscode-widget-border, var(--vscode-panel-border));
      }
      header {
        display: flex;
        flex-wrap: wrap;
        gap: 8px 14px;
        align-items: center;
      }
      .spacer {
        flex: 1;
      }
      .facts {
        display: flex;
        flex-wrap: wrap;
        gap: 4px 16px;
        margin: 4px 0 8px;
      }
      .toolbar {
        align-items: center;
      }
      #filter {
        width: 240px;
      }
      td {
        vertical-align: middle;
      }
      td.name {
        min-width: 160px;
      }
      .default {
        white-space: nowrap;
      }
      /* In a narrow editor, long names and values (9223372036854775807) break rather than widen the table. */
      @media (max-width: 900px) {
        .name .mono,
        .default {
          white-space: normal;
          overflow-wrap: anywhere;
        }
      }
      .name .mono {
        font-weight: 600;
      }
      .doc {
        font-size: 0.9em;
        margin-top: 1px;
      }
      td.value {
        min-width: 190px;
      }
      td.value vscode-text-field,
      td.value vscode-dropdown {
        width: 180px;
      }
      /* A row with an edit not applied yet: the Settings editor's "modified" bar. */
      tr.changed td:first-child {
        box-shadow: inset 3px 0 0 var(--vscode-settings-modifiedItemIndicator, var(--vscode-inputValidation-infoBorder));
      }
      tr.refused td:first-child {
        box-shadow: inset 3px 0 0 var(--vscode-inputValidation-errorBorder);
      }
      .pending {
        font-size: 0.9em;
        color: var(--vscode-descriptionForeground);
        margin-top: 2px;
      }
      .row-error {
        color: var(--vscode-errorForeground);
        background: var(--vscode-inputValidation-errorBackground);
        border: 1px solid var(--vscode-inputValidation-errorBorder);
        padding: 2px 6px;
        margin-top: 3px;
        max-width: 420px;
        white-space: pre-wrap;
      }
      .source.override {
        background: var(--vscode-badge-background);
        color: var(--vscode-badge-foreground);
      }
      .source.broker {
        background: transparent;
        color: var(--vscode-foreground);
        border-color: var(--vscode-widget-border, var(--vscode-panel-border));
      }
      .source.default {
        background: transparent;
        color: var(--vscode-descriptionForeground);
        border-color: transparent;
      }
      /* Under the value, as the Settings editor puts "Reset Setting" with the setting: no column of its own. */
      .actions {
        margin-top: 2px;
      }
      .actions button.link {
        white-space: nowrap;
        margin-right: 12px;
      }
    `,
  ];

  @state() private topic = '';
  @state() private configs: TopicConfigEntry[] = [];
  @state() private updatedAt = 0;
  @state() private gone = '';
  @state() private filter = '';
  @state() private overridesOnly = false;
  /** Edits not applied yet: the new value, or null to remove the override. */
  @state() private drafts = new Map<string, string | null>();
  /** Kafka's refusal, on the row it names. */
  @state() private rowErrors = new Map<string, string>();
  @state() private applyError = '';
  @state() private applied = '';
  @state() private busy = false;
  @state() private loaded = false;

  private readonly unsubscribe: Unsubscribe[] = [];
  private readonly host$ = getHost();

  override connectedCallback(): void {
    super.connectedCallback();
    this.unsubscribe.push(
      this.host$.on(TopicConfigInitNotification, (p) => {
        this.topic = p.topic;
        const saved = this.host$.getState<SavedUi>('topicConfig');
        if (saved?.topic === p.topic) {
          this.filter = saved.filter;
          this.overridesOnly = saved.overridesOnly;
          this.drafts = new Map(saved.drafts);
        }
      }),
      this.host$.on(TopicConfigsNotification, (p) => {
        if (this.topic && p.topic !== this.topic) return;
        this.topic = p.topic;
        this.setConfigs(p.configs);
        this.updatedAt = p.at;
        this.gone = '';
      }),
      this.host$.on(TopicConfigGoneNotification, (p) => {
        if (p.topic === this.topic) this.gone = p.reason;
      }),
    );
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const u of this.unsubscribe.splice(0)) u();
  }

  /** New configs from the cluster: edits that now match what the config has are done with; the others stay. */
  private setConfigs(configs: TopicConfigEntry[]): void {
    this.configs = configs;
    this.loaded = true;
    const byName = new Map(configs.map((c) => [c.name, c]));
    const drafts = new Map([...this.drafts].filter(([name, v]) => byName.has(name) && !isCurrent(byName.get(name)!, v)));
    if (drafts.size !== this.drafts.size) this.setDrafts(drafts);
  }

  private saveUi(): void {
    this.host$.setState<SavedUi>('topicConfig', { topic: this.topic, filter: this.filter, overridesOnly: this.overridesOnly, drafts: [...this.drafts] });
  }

  private setDrafts(drafts: Map<string, string | null>): void {
    this.drafts = drafts;
    this.saveUi();
  }

  /** The user set a value (or asked for the default): kept as an edit unless it is what the config has now. */
  private edit(c: TopicConfigEntry, value: string | null): void {
    const drafts = new Map(this.drafts);
    if (isCurrent(c, value)) drafts.delete(c.name);
    else drafts.set(c.name, value);
    this.setDrafts(drafts);
    if (this.rowErrors.has(c.name)) {
      const errors = new Map(this.rowErrors);
      errors.delete(c.name);
      this.rowErrors = errors;
    }
    this.applied = '';
  }

  private discard(): void {
    this.setDrafts(new Map());
    this.rowErrors = new Map();
    this.applyError = '';
  }

  private async apply(): Promise<void> {
    const changes = [...this.drafts].map(([name, value]) => ({ name, value }));
    if (!changes.length || this.busy) return;
    this.busy = true;
    this.applyError = '';
    this.applied = '';
    this.rowErrors = new Map();
    try {
      const r = await this.host$.request(ApplyTopicConfigsRequest, { topic: this.topic, changes });
      if (r.configs) this.setConfigs(r.configs);
      if (r.refused) {
        const n = changes.length;
        const none = n === 1 ? 'The change was not made' : `None of the ${n} changes was made`;
        if (r.refused.config) {
          this.rowErrors = new Map([[r.refused.config, r.refused.message]]);
          this.applyError = `Refused by the cluster: ${r.refused.config} (its row says why). ${none}.`;
        } else this.applyError = `Refused by the cluster: ${r.refused.message} ${none}.`;
        return;
      }
      const drafts = new Map(this.drafts);
      for (const name of r.applied) drafts.delete(name);
      this.setDrafts(drafts);
      const what = changes.map((c) => (c.value === null ? `${c.name} back to its default` : `${c.name} = ${c.value}`));
      this.applied = `Applied ${what.join(', ')}.`;
    } catch (e) {
      this.applyError = (e as Error).message;
    } finally {
      this.busy = false;
    }
  }

  private visible(): TopicConfigEntry[] {
    const terms = this.filter.toLowerCase().split(/\s+/).filter(Boolean);
    return this.configs.filter((c) => {
      // A row being edited stays in view: it is about to become an override.
      if (this.overridesOnly && c.source !== OVERRIDE && !this.drafts.has(c.name)) return false;
      const text = `${c.name} ${c.documentation}`.toLowerCase();
      return terms.every((t) => text.includes(t));
    });
  }

  // ---- rows --------------------------------------------------------------------------------------------------

  private renderEditor(c: TopicConfigEntry, shown: string) {
    const label = `Value of ${c.name}`;
    if (c.readOnly) return html`<span class="mono" data-role="read-only-value">${shown}</span> <span class="badge" title="The cluster does not let clients change this config">read-only</span>`;
    if (c.validValues?.length) {
      const current = c.type === 'list' ? canonicalList(c.validValues, shown) : shown;
      return html`<vscode-dropdown data-role="editor" data-editor="dropdown" aria-label=${label} .value=${live(current)} @change=${(e: Event) => this.edit(c, valueOf(e))}>
        ${choicesOf(c, current).map((v) => html`<vscode-option value=${v} ?selected=${v === current}>${v}</vscode-option>`)}
      </vscode-dropdown>`;
    }
    if (c.type === 'boolean') {
      return html`<vscode-checkbox data-role="editor" data-editor="checkbox" aria-label=${label} .checked=${live(shown === 'true')} @change=${(e: Event) => this.edit(c, String(checkedOf(e)))}
        >${shown}</vscode-checkbox
      >`;
    }
    return html`<vscode-text-field data-role="editor" data-editor="text" aria-label=${label} .value=${live(shown)} @input=${(e: Event) => this.edit(c, valueOf(e))}></vscode-text-field>`;
  }

  private renderRow(c: TopicConfigEntry) {
    const draft = this.drafts.get(c.name);
    const changed = this.drafts.has(c.name);
    const error = this.rowErrors.get(c.name);
    // Reset to default shows the value the topic will have once the override is gone.
    const shown = changed ? (draft ?? c.default ?? '') : (c.value ?? '');
    const source = c.source === OVERRIDE ? 'override' : c.source === 'STATIC_BROKER_CONFIG' ? 'broker' : 'default';
    const canReset = !c.readOnly && c.source === OVERRIDE && draft !== null;
    return html`<tr data-config=${c.name} data-source=${c.source} class="${changed ? 'changed' : ''} ${error ? 'refused' : ''}">
      <td class="name" title=${c.documentation}>
        <span class="mono">${c.name}</span>
        <div class="doc muted">${c.type}${c.documentation ? ` · ${c.documentation}` : ''}</div>
      </td>
      <td class="value">
        ${this.renderEditor(c, shown)}
        ${changed ? html`<div class="pending" data-role="pending">${draft === null ? `override removed on Apply (was ${c.value ?? 'unset'})` : `was ${c.value ?? 'unset'}`}</div>` : nothing}
        ${canReset || changed
          ? html`<div class="actions">
              ${canReset ? html`<button class="link" data-role="reset" title="Remove the topic's override: back to ${c.default ?? 'no value'}" @click=${() => this.edit(c, null)}>Reset to default</button>` : nothing}
              ${changed ? html`<button class="link" data-role="revert" title="Forget this edit" @click=${() => this.edit(c, c.value)}>Undo</button>` : nothing}
            </div>`
          : nothing}
        ${error ? html`<div class="row-error" role="alert" data-role="row-error">${error}</div>` : nothing}
      </td>
      <td class="mono default" data-role="default">${c.default ?? html`<span class="muted">none</span>`}</td>
      <td><span class="badge source ${source}" data-role="source">${SOURCE_LABEL[c.source] ?? c.source}</span></td>
      <td>
        <button class="link" data-role="docs" title=${topicConfigDocsUrl(c.name)} aria-label="Kafka's documentation of ${c.name}" @click=${() => this.host$.command(OpenConfigDocsCommand, { name: c.name })}>docs</button>
      </td>
    </tr>`;
  }

  // ---- render ------------------------------------------------------------------------------------------------

  override render() {
    const rows = this.visible();
    const overrides = this.configs.filter((c) => c.source === OVERRIDE).length;
    const n = this.drafts.size;
    return html`
      <div class="top">
        <header>
          <h1>Configs of topic ${this.topic || '…'}</h1>
          <span class="spacer"></span>
          <vscode-button appearance="secondary" id="refresh" @click=${() => this.host$.command(TopicConfigRefreshCommand, { topic: this.topic })}>Refresh</vscode-button>
        </header>
        <div class="facts muted">
          <span data-role="counts">${this.configs.length} configs, ${overrides} override${overrides === 1 ? '' : 's'}</span>
          ${this.updatedAt ? html`<span>updated ${formatTime(this.updatedAt)}</span>` : nothing}
        </div>
        <div class="toolbar">
          <vscode-text-field id="filter" placeholder="Filter by name or description" aria-label="Filter configs" .value=${live(this.filter)} @input=${(e: Event) => ((this.filter = valueOf(e)), this.saveUi())}></vscode-text-field>
          <vscode-checkbox id="overrides-only" .checked=${live(this.overridesOnly)} @change=${(e: Event) => ((this.overridesOnly = checkedOf(e)), this.saveUi())}>Show overrides only</vscode-checkbox>
          <span class="spacer"></span>
          <span class="muted" data-role="pending-count">${n ? `${n} change${n === 1 ? '' : 's'} not applied` : ''}</span>
          <vscode-button appearance="secondary" id="discard" ?disabled=${!n || this.busy} @click=${() => this.discard()}>Discard</vscode-button>
          <vscode-button id="apply" ?disabled=${!n || this.busy || !!this.gone} title="Send the changed rows to the cluster (IncrementalAlterConfigs)" @click=${() => void this.apply()}>Apply</vscode-button>
        </div>
        ${this.gone ? html`<div class="warning-box" data-role="gone">${this.gone}</div>` : nothing}
        ${this.applyError ? html`<div class="error-box" role="alert" data-role="apply-error">${this.applyError}</div>` : nothing}
        ${this.applied ? html`<div class="info-box" data-role="applied">${this.applied}</div>` : nothing}
      </div>
      ${!this.loaded
        ? html`<p class="muted">${this.gone || 'Waiting for the configs…'}</p>`
        : rows.length
          ? html`<table data-role="configs">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Value</th>
                  <th>Default</th>
                  <th>Source</th>
                  <th>Docs</th>
                </tr>
              </thead>
              <tbody>
                ${rows.map((c) => this.renderRow(c))}
              </tbody>
            </table>`
          : html`<p class="muted" data-role="no-match">No config matches${this.filter ? ` "${this.filter}"` : ''}${this.overridesOnly ? ' among the overrides' : ''}.</p>`}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tributary-topic-configs': TopicConfigTable;
  }
}
