/**
 * A record's whole key or value as an editor shows it (consumer/openValue): UTF-8 text, pretty-printed JSON (text
 * when it is not JSON), or a hex dump in the `xxd`/`hexdump -C` layout. No vscode import.
 */
import type { ValueFormat } from '../shared/webview-protocol';

/** A hex dump of more than this many bytes is cut (the editor would struggle); text and JSON are not. */
const HEX_DUMP_MAX_BYTES = 16 << 20;

interface FormattedValue {
  content: string;
  /** VS Code language id. */
  language: 'plaintext' | 'json';
  /** File extension for the document's name. */
  extension: 'txt' | 'json' | 'hex';
  /** Set when the format asked for could not be used or the content was cut. */
  note?: string;
}

export function formatValue(bytes: Buffer | null, format: ValueFormat): FormattedValue {
  if (bytes === null) return { content: '', language: 'plaintext', extension: 'txt', note: 'The field is null.' };
  switch (format) {
    case 'json': {
      const text = bytes.toString('utf8');
      try {
        return { content: JSON.stringify(JSON.parse(text), null, 2) + '\n', language: 'json', extension: 'json' };
      } catch (e) {
        return { content: text, language: 'plaintext', extension: 'txt', note: `Not JSON (${(e as Error).message}); shown as text.` };
      }
    }
    case 'hex': {
      const cut = bytes.length > HEX_DUMP_MAX_BYTES;
      const content = hexDump(cut ? bytes.subarray(0, HEX_DUMP_MAX_BYTES) : bytes);
      return { content, language: 'plaintext', extension: 'hex', ...(cut ? { note: `Only the first ${HEX_DUMP_MAX_BYTES} of ${bytes.length} bytes are shown.` } : {}) };
    }
    default:
      return { content: bytes.toString('utf8'), language: 'plaintext', extension: 'txt' };
  }
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** `00000010  7b 22 6b 22 3a 31 7d 0a  00 01 02 03 04 05 06 07  |{"k":1}.........|` per 16 bytes. */
export function hexDump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let at = 0; at < bytes.length; at += 16) {
    let hex = '';
    let ascii = '';
    for (let i = 0; i < 16; i++) {
      if (i === 8) hex += ' ';
      if (at + i < bytes.length) {
        const b = bytes[at + i];
        hex += HEX[b] + ' ';
        ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
      } else hex += '   ';
    }
    lines.push(`${at.toString(16).padStart(8, '0')}  ${hex} |${ascii}|`);
  }
  lines.push(bytes.length.toString(16).padStart(8, '0'));
  return lines.join('\n') + '\n';
}
