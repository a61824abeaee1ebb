/**
 * JSON with templates, for the producer's value editor: a checker that reads the value as written (helpers and all)
 * and says where it stops being JSON, by line and column of what the user typed; and a tokenizer for colouring it.
 * A helper outside quotes is a JSON value when it renders one ({{seq}}, {{i}}, {{timestamp}}, {{random.int(a,b)}},
 * {{random.choice(...)}} of numbers, true, false or null); {{uuid}}, {{now}} and {{random.string(n)}} render text
 * and belong in quotes. Pure functions: no DOM.
 */
import { compileHelper, Helper, looksLikeJson } from '../../../../src/shared/template';

export interface JsonProblem {
  /** Character offset in the source. */
  offset: number;
  /** Characters of the source the problem covers (at least 1; the end of the source counts as one). */
  length: number;
  /** 1-based, as editors count. */
  line: number;
  column: number;
  message: string;
}

/** 1-based line and column of an offset. */
export function lineColumn(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = source.indexOf('\n'); i >= 0 && i < offset; i = source.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

function rendersJsonValue(h: Helper): boolean {
  switch (h.name) {
    case 'seq':
    case 'i':
    case 'timestamp':
    case 'random.int':
      return true;
    case 'random.choice':
      return h.choices.every((c) => /^(-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|true|false|null)$/.test(c));
    default:
      return false;
  }
}

class Stop extends Error {
  constructor(
    readonly offset: number,
    message: string,
    readonly length = 1,
  ) {
    super(message);
  }
}

/** Checks `source` as JSON with templates; undefined when it is JSON (once rendered), else the first problem. */
export function checkJsonTemplate(source: string): JsonProblem | undefined {
  let i = 0;
  const n = source.length;
  const fail = (message: string, at = i, length = 1): never => {
    throw new Stop(at, message, length);
  };
  const describe = (at: number) => (at >= n ? 'the end of the value' : `'${source[at]}'`);
  const ws = () => {
    while (i < n && (source[i] === ' ' || source[i] === '\t' || source[i] === '\n' || source[i] === '\r')) i++;
  };
  /** A helper at i (outside a string): skipped; true when it renders a JSON value. */
  const helper = (): boolean => {
    const end = source.indexOf('}}', i + 2);
    if (end < 0) fail("'{{' without a closing '}}'");
    const h = compileHelper(source.slice(i + 2, end));
    const at = i;
    i = end + 2;
    if (typeof h === 'string') return true; // the template's own check reports it
    if (!rendersJsonValue(h)) fail(`{{${h.name}}} renders text: put it in quotes ("{{${source.slice(at + 2, end).trim()}}}")`, at, i - at);
    return true;
  };
  const string = () => {
    const open = i++;
    while (i < n) {
      const c = source[i];
      if (c === '"') {
        i++;
        return;
      }
      if (c === '\\') {
        const e = source[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(source.slice(i + 2, i + 6))) fail('\\u needs four hex digits');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else fail(`invalid escape \\${e ?? ''} in a string`);
        continue;
      }
      if (c === '\n') fail('a string cannot run over the end of the line (missing ")', open);
      if (c.charCodeAt(0) < 0x20) fail('control character in a string (escape it)');
      i++;
    }
    fail('the string is not closed (missing ")', open);
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(source.slice(i, i + 400));
    if (!m || m[0] === '-' || m[0] === '') fail(`invalid number at ${describe(i)}`);
    i += m![0].length;
    if (i < n && /[\w.]/.test(source[i])) fail(`invalid number '${source.slice(i - m![0].length, i + 1)}'`, i - m![0].length);
  };
  const value = (depth: number): void => {
    if (depth > 512) fail('nested too deeply');
    ws();
    const c = source[i];
    if (source.startsWith('{{', i)) {
      helper();
      return;
    }
    if (c === '{') return object(depth);
    if (c === '[') return array(depth);
    if (c === '"') return string();
    if (c === '-' || (c >= '0' && c <= '9')) return number();
    for (const word of ['true', 'false', 'null']) {
      if (source.startsWith(word, i) && !/\w/.test(source[i + word.length] ?? '')) {
        i += word.length;
        return;
      }
    }
    if (c === "'") fail('strings take double quotes in JSON');
    fail(`expected a value, found ${describe(i)}`);
  };
  /** The members of an object or the elements of an array: `member` each, separated by commas, up to `close`. */
  const list = (close: string, member: () => void, what: string) => {
    i++;
    ws();
    if (source[i] === close) {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (source[i] === close) fail(`trailing comma before '${close}'`);
      member();
      ws();
      if (source[i] === ',') {
        i++;
        continue;
      }
      if (source[i] === close) {
        i++;
        return;
      }
      fail(`expected ',' or '${close}' after ${what}, found ${describe(i)}`);
    }
  };
  const object = (depth: number) =>
    list(
      '}',
      () => {
        if (source[i] !== '"') fail(`expected a property name in double quotes, found ${describe(i)}`);
        string();
        ws();
        if (source[i] !== ':') fail(`expected ':' after the property name, found ${describe(i)}`);
        i++;
        value(depth + 1);
      },
      'a property value',
    );
  const array = (depth: number) => list(']', () => value(depth + 1), 'an array element');
  try {
    value(0);
    ws();
    if (i < n) fail(`unexpected ${describe(i)} after the JSON value`);
    return undefined;
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
    const offset = Math.min(e.offset, n);
    return { offset, length: e.length, ...lineColumn(source, offset), message: e.message };
  }
}

export type ValueMode = 'auto' | 'json' | 'text';

/** The JSON problem of a value in a mode: JSON mode always checks, auto mode when it starts with { or [. */
export function valueProblem(value: string, mode: ValueMode): JsonProblem | undefined {
  if (mode === 'text' || (mode === 'auto' && !looksLikeJson(value))) return undefined;
  return checkJsonTemplate(value);
}

export type SourceTokenKind = 'key' | 'string' | 'number' | 'boolean' | 'null' | 'helper' | 'text';
export interface SourceToken {
  kind: SourceTokenKind;
  text: string;
}

const SOURCE_TOKEN = /(\{\{.*?\}\})|("(?:[^"\\\n]|\\.)*"?)(\s*:)?|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|(true|false)|(null)/g;
const HELPER_IN_STRING = /\{\{.*?\}\}/g;

/** Splits JSON as written (with helpers, perhaps invalid) into tokens for colouring; the texts add up to the source. */
export function sourceTokens(source: string): SourceToken[] {
  const out: SourceToken[] = [];
  const push = (kind: SourceTokenKind, text: string) => {
    if (!text) return;
    const last = out[out.length - 1];
    if (last && last.kind === kind && kind === 'text') last.text += text;
    else out.push({ kind, text });
  };
  let last = 0;
  SOURCE_TOKEN.lastIndex = 0;
  for (let m = SOURCE_TOKEN.exec(source); m; m = SOURCE_TOKEN.exec(source)) {
    if (m[0] === '') {
      SOURCE_TOKEN.lastIndex++;
      continue;
    }
    push('text', source.slice(last, m.index));
    if (m[1] !== undefined) push('helper', m[1]);
    else if (m[2] !== undefined) {
      // A string, its helpers coloured as helpers.
      const kind = m[3] ? 'key' : 'string';
      let from = 0;
      HELPER_IN_STRING.lastIndex = 0;
      for (let h = HELPER_IN_STRING.exec(m[2]); h; h = HELPER_IN_STRING.exec(m[2])) {
        push(kind, m[2].slice(from, h.index));
        push('helper', h[0]);
        from = h.index + h[0].length;
      }
      push(kind, m[2].slice(from));
      if (m[3]) push('text', m[3]);
    } else if (m[4] !== undefined) push('number', m[4]);
    else if (m[5] !== undefined) push('boolean', m[5]);
    else push('null', m[6]);
    last = SOURCE_TOKEN.lastIndex;
  }
  push('text', source.slice(last));
  return out;
}
