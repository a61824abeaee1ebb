/**
 * A compatibility level applied to a new schema and the subject's earlier versions, with Confluent's messages
 * (CompatibilityChecker and SchemaValidatorBuilder): the earlier versions are checked newest first, only the newest
 * unless the level is transitive, and the first one that fails ends the check. A provider's messages may hold two
 * `%s` for the reader and writer ("new", "old"), which are filled in here as Confluent does.
 */
import type { ParsedSchema } from './schema-provider';
import type { CompatibilityLevel } from './schema-records';

export interface EarlierSchema {
  version: number;
  /** The stored text, quoted in the messages. */
  text: string;
  parsed: ParsedSchema;
}

// Confluent quotes at most this much of the earlier schema in a message.
const MAX_QUOTED = 10 * 1024;

function fill(message: string, reader: string, writer: string): string {
  const args = [reader, writer];
  let i = 0;
  return message.replace(/%s/g, (m) => (i < args.length ? args[i++] : m));
}

/** The messages in the reader's and writer's words, then (when asked and there are any) which version they are about. */
function explained(messages: string[], earlier: EarlierSchema, reader: string, writer: string, quote: boolean): string[] {
  if (!messages.length) return [];
  const out = messages.map((m) => fill(m, reader, writer));
  if (quote) {
    out.push(`{oldSchemaVersion: ${earlier.version}}`);
    out.push(earlier.text.length <= MAX_QUOTED ? `{oldSchema: '${earlier.text}'}` : `{oldSchema: <truncated> '${earlier.text.slice(0, MAX_QUOTED)}...'}`);
  }
  return out;
}

/**
 * Empty when `next` may be registered after `earlier` (oldest first) at `level`; otherwise Confluent's messages, closed
 * by the line naming the level, as register and the compatibility endpoints report them.
 */
export function compatibilityMessages(level: CompatibilityLevel, next: ParsedSchema, earlier: readonly EarlierSchema[]): string[] {
  if (level === 'NONE') return [];
  const newestFirst = [...earlier].reverse();
  const checked = level.endsWith('_TRANSITIVE') ? newestFirst : newestFirst.slice(0, 1);
  const backward = level.startsWith('BACKWARD') || level.startsWith('FULL');
  const forward = level.startsWith('FORWARD') || level.startsWith('FULL');
  for (const e of checked) {
    let messages: string[];
    if (e.parsed.schemaType !== next.schemaType) messages = ['Incompatible because of different schema type'];
    else {
      // FULL reports what the old schema cannot read first, and quotes the old schema once, after both.
      messages = forward ? explained(e.parsed.isBackwardCompatible(next), e, 'old', 'new', !backward) : [];
      if (backward) messages.push(...explained(next.isBackwardCompatible(e.parsed), e, 'new', 'old', true));
    }
    if (messages.length) return [...messages, `{validateFields: 'false', compatibility: '${level}'}`];
  }
  return [];
}
