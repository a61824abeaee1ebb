/**
 * A record's headers as one line of the consumer's list and as its tooltip: `key: value` pairs as text (rendered
 * as text nodes and an attribute, never HTML), long values cut in the line, the tooltip with more of each, and the
 * details pane with all of what the host sent. Pure functions: no DOM.
 */
import type { ConsumedRecord, RecordHeaderView } from '../../../../src/shared/webview-protocol';
import { oneLine } from '../common/bytes';

/** Characters of one header value in the list's line, and in the tooltip. */
export const HEADER_VALUE_IN_LINE = 40;
export const HEADER_VALUE_IN_TOOLTIP = 500;
/** Headers listed in a tooltip at most. */
const TOOLTIP_HEADERS = 20;

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function valueText(h: RecordHeaderView): string {
  if (h.value === null) return 'null';
  if (!h.value.utf8) return `(${h.value.size} bytes, not text)`;
  return h.value.text;
}

/** "trace-id: abc · source: x" with each value cut to HEADER_VALUE_IN_LINE characters, on one line. */
export function headersLine(r: ConsumedRecord, max = 200): string {
  let out = '';
  for (const h of r.headers) {
    const part = `${oneLine(h.key, 60)}: ${oneLine(cut(valueText(h), HEADER_VALUE_IN_LINE), HEADER_VALUE_IN_LINE + 1)}`;
    out += out ? ` · ${part}` : part;
    if (out.length >= max) return cut(out, max);
  }
  return out;
}

/** One header a line, values up to HEADER_VALUE_IN_TOOLTIP characters; '' when there are none. */
export function headersTooltip(r: ConsumedRecord): string {
  if (!r.headers.length) return '';
  const lines = r.headers.slice(0, TOOLTIP_HEADERS).map((h) => `${h.key}: ${cut(valueText(h), HEADER_VALUE_IN_TOOLTIP)}`);
  if (r.headers.length > TOOLTIP_HEADERS) lines.push(`… ${r.headers.length - TOOLTIP_HEADERS} more`);
  if (r.headers.some((h) => h.value && (h.value.text.length > HEADER_VALUE_IN_TOOLTIP || h.value.truncated))) lines.push('(the details pane shows whole values)');
  return lines.join('\n');
}
