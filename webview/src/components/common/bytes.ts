/** Bytes, text, hex and JSON helpers shared by the panels. Pure functions: nothing here touches the DOM. */
import type { BytesView } from '../../../../src/shared/webview-protocol';

export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const encoder = new TextEncoder();

/** The bytes a BytesView carries (the store may drop base64 when the UTF-8 text says the same). */
export function bytesOf(v: BytesView): Uint8Array {
  if (v.base64 === '' && v.utf8 && v.size > 0) return encoder.encode(v.text);
  return base64ToBytes(v.base64);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function toHex(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let s = '';
  for (let i = start; i < end; i++) s += (i > start ? ' ' : '') + HEX[bytes[i]];
  return s;
}

export interface HexLine {
  offset: number;
  /** Sixteen bytes, each "ab", or "" past the end. */
  bytes: string[];
  ascii: string;
}

/** A hex dump, 16 bytes a line, of at most maxBytes. */
export function hexLines(bytes: Uint8Array, maxBytes = bytes.length): HexLine[] {
  const n = Math.min(bytes.length, maxBytes);
  const lines: HexLine[] = [];
  for (let off = 0; off < n; off += 16) {
    const cells: string[] = [];
    let ascii = '';
    for (let i = 0; i < 16; i++) {
      if (off + i < n) {
        const b = bytes[off + i];
        cells.push(HEX[b]);
        ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
      } else cells.push('');
    }
    lines.push({ offset: off, bytes: cells, ascii });
  }
  return lines;
}

export type PrettyJson = { ok: true; text: string } | { ok: false; error: string };

export function prettyJson(text: string): PrettyJson {
  try {
    return { ok: true, text: JSON.stringify(JSON.parse(text), null, 2) };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

export type JsonTokenKind = 'key' | 'string' | 'number' | 'boolean' | 'null' | 'punct' | 'space';
export interface JsonToken {
  kind: JsonTokenKind;
  text: string;
}

const JSON_TOKEN = /("(?:[^"\\]|\\.)*")(\s*:)?|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|(true|false)|(null)|([{}[\],:])|(\s+)/g;

/** Splits pretty-printed JSON into tokens for colouring (rendered as text spans). */
export function jsonTokens(pretty: string): JsonToken[] {
  const out: JsonToken[] = [];
  let last = 0;
  JSON_TOKEN.lastIndex = 0;
  for (let m = JSON_TOKEN.exec(pretty); m; m = JSON_TOKEN.exec(pretty)) {
    if (m.index > last) out.push({ kind: 'punct', text: pretty.slice(last, m.index) });
    if (m[1] !== undefined) {
      out.push({ kind: m[2] ? 'key' : 'string', text: m[1] });
      if (m[2]) out.push({ kind: 'punct', text: m[2] });
    } else if (m[3] !== undefined) out.push({ kind: 'number', text: m[3] });
    else if (m[4] !== undefined) out.push({ kind: 'boolean', text: m[4] });
    else if (m[5] !== undefined) out.push({ kind: 'null', text: m[5] });
    else if (m[6] !== undefined) out.push({ kind: 'punct', text: m[6] });
    else out.push({ kind: 'space', text: m[7] });
    last = JSON_TOKEN.lastIndex;
  }
  if (last < pretty.length) out.push({ kind: 'punct', text: pretty.slice(last) });
  return out;
}

/** One line of a value for a list row: control characters shown as spaces, at most max characters. */
export function oneLine(text: string, max = 240): string {
  const s = text.length > max ? text.slice(0, max) : text;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this removes
  return s.replace(/[\u0000-\u001f\u007f]+/g, ' ');
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1000 * 1024) return `${(n / 1024).toFixed(n < 10240 ? 1 : 0)} KB`;
  if (n < 1000 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GB`;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Local time, to the millisecond: 2024-05-01 13:04:05.123. */
export function formatTime(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return String(ms);
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return 'in progress';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** Parses "1714567890123", "2024-05-01T12:00:00Z" or "2024-05-01 12:00" into epoch ms; undefined if neither. */
export function parseTimestamp(s: string): number | undefined {
  const t = s.trim();
  if (/^\d+$/.test(t)) return Number(t);
  const ms = Date.parse(t.includes(' ') && !t.includes('T') ? t.replace(' ', 'T') : t);
  return Number.isNaN(ms) ? undefined : ms;
}
