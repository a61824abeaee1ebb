/** The consumer's filter: a partition, and a text or regular-expression search over key, value and headers. */
import type { ConsumedRecord } from '../../../../src/shared/webview-protocol';
import type { RecordPredicate } from './record-store';

export type SearchScope = 'all' | 'key' | 'value' | 'headers';

export interface FilterSpec {
  query: string;
  regex: boolean;
  scope: SearchScope;
  /** null = every partition. */
  partition: number | null;
}

export type BuiltFilter = { predicate?: RecordPredicate; error?: undefined } | { predicate?: undefined; error: string };

/** The predicate for a spec (undefined = show everything), or why the regular expression is invalid. */
export function buildFilter(spec: FilterSpec): BuiltFilter {
  let match: ((s: string) => boolean) | undefined;
  if (spec.query !== '') {
    if (spec.regex) {
      let re: RegExp;
      try {
        re = new RegExp(spec.query, 'i');
      } catch (e) {
        return { error: `Invalid regular expression: ${(e as Error).message}` };
      }
      match = (s) => re.test(s);
    } else {
      // Case-insensitive substring: an escaped regular expression allocates nothing per record (toLowerCase would).
      const re = new RegExp(spec.query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
      match = (s) => re.test(s);
    }
  }
  const partition = spec.partition;
  if (!match && partition === null) return {};
  const scope = spec.scope;
  const test = match;
  const predicate: RecordPredicate = (r: ConsumedRecord) => {
    if (partition !== null && r.partition !== partition) return false;
    if (!test) return true;
    if ((scope === 'all' || scope === 'key') && r.key && test(r.key.text)) return true;
    if ((scope === 'all' || scope === 'value') && r.value && test(r.value.text)) return true;
    if (scope === 'all' || scope === 'headers') {
      for (const h of r.headers) {
        if (test(h.key)) return true;
        if (h.value && test(h.value.text)) return true;
      }
    }
    return false;
  };
  return { predicate };
}
