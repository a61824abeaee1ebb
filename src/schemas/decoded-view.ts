/**
 * A record field's BytesView with its schema-decoded value: the one place that turns a DecodeResult into what the
 * panels show (text = the value as JSON, so the search, copy and JSON views work on the decoded value) or into why
 * it could not be decoded. The bytes stay as they were sent (the hex view shows the wire format). No vscode import.
 */
import type { BytesView, SchemaView } from '../shared/webview-protocol';
import type { SchemaSerde } from './schema-serde';
import type { DecodeResult, SchemaInfo } from './serde-types';
import { looksLikeWireFormat } from './wire-format';

/** Decoded JSON longer than this is cut in the panels (the editor opened by "Open value" has it whole). */
const MAX_DECODED_CHARS = 4 << 20;

function withDecoded(view: BytesView, result: DecodeResult): BytesView {
  if (result.kind === 'plain') return view;
  if (result.kind === 'error') return { ...view, schema: { ...(result.schemaId !== undefined ? { id: result.schemaId } : {}), error: result.reason } };
  const cut = result.json.length > MAX_DECODED_CHARS;
  return { ...view, text: cut ? result.json.slice(0, MAX_DECODED_CHARS) : result.json, utf8: true, truncated: cut, schema: schemaView(result.schema) };
}

/** One view per schema the serde names (it hands out the same SchemaInfo for a stream's records), not one per record. */
const views = new WeakMap<SchemaInfo, SchemaView>();

function schemaView(s: SchemaInfo): SchemaView {
  let v = views.get(s);
  if (v === undefined) {
    v = { id: s.id, type: s.type };
    if (s.subject !== undefined) v.subject = s.subject;
    if (s.version !== undefined) v.version = s.version;
    if (s.messageName !== undefined) v.messageName = s.messageName;
    views.set(s, v);
  }
  return v;
}

/**
 * Decodes a field when it is in the wire format: synchronously when its schema is cached (the common case when
 * thousands of records stream in), else after asking the registry. `view(withText)` makes the field's own view; a
 * decoded value's is asked for without its text (its bytes as UTF-8 would be thrown away for the JSON).
 */
export function decodeField(serde: SchemaSerde, bytes: Uint8Array, ctx: { topic: string; isKey: boolean }, view: (withText: boolean) => BytesView): BytesView | Promise<BytesView> {
  if (!looksLikeWireFormat(bytes)) return view(true);
  const finish = (r: DecodeResult): BytesView => (r.kind === 'decoded' ? withDecoded(view(false), r) : withDecoded(view(true), r));
  const cached = serde.decodeCached(bytes, ctx);
  return cached ? finish(cached) : serde.decode(bytes, ctx).then(finish);
}
