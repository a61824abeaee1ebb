/**
 * The producer panel's records from its form, in the template language of `.kafka` files: the same module
 * (src/shared/template.ts) compiles and renders both, so a template means the same thing in the panel and in a file,
 * with the same errors. Pure functions (no DOM), unit-tested in Node beside the `.kafka` renderer.
 */
import { RecordTemplates, RenderSources, TemplateProblem, compileTemplate, recordContext, renderRecord } from '../../../../src/shared/template';
import type { ProduceRecordInput } from '../../../../src/shared/webview-protocol';
import { lineColumn } from './json-check';

/** The form's templated fields; header names are literal, as in `.kafka` files. */
export interface TemplateFields {
  key: string;
  /** null: a null value (tombstone). */
  value: string | null;
  headers: ReadonlyArray<{ key: string; value: string }>;
}

export type CompiledFields = { templates: RecordTemplates; error?: undefined } | { templates?: undefined; error: string };

function where(field: string, source: string, p: TemplateProblem): string {
  if (!source.includes('\n')) return field;
  const { line, column } = lineColumn(source, p.offset);
  return `${field}, line ${line} column ${column}`;
}

/** Compiles every field; the first problem names its field (and line and column in a value of several lines). */
export function compileFields(f: TemplateFields): CompiledFields {
  const compile = (field: string, source: string) => {
    const { template, problems } = compileTemplate(source);
    if (problems.length) throw new Error(`${where(field, source, problems[0])}: ${problems[0].message}`);
    return template;
  };
  try {
    const key = compile('key', f.key);
    const value = f.value === null ? null : compile('value', f.value);
    const headers = f.headers.map((h, i) => ({ name: h.key, value: compile(`header ${i + 1} (${h.key || 'no name'})`, h.value) }));
    return { templates: { key, value, headers } };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/**
 * Records `first` .. `first + count - 1` of a send: `{{i}}` the index in the send, `{{seq}}` = `seqBase + i` (the
 * panel's counter, going on across sends as a `.kafka` block's does across runs). An empty key is a null key.
 */
export function panelRecords(t: RecordTemplates, first: number, count: number, seqBase: number, sources: RenderSources): ProduceRecordInput[] {
  const out = new Array<ProduceRecordInput>(count);
  for (let k = 0; k < count; k++) {
    const r = renderRecord(t, recordContext(first + k, seqBase, sources));
    out[k] = { key: r.key ? r.key : null, value: r.value, headers: r.headers };
  }
  return out;
}
