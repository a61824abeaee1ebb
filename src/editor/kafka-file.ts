/**
 * The `.kafka` file format, parsed without VS Code (the CodeLens, the completion, the diagnostics and the unit tests
 * share this module). A file is a list of blocks separated by lines starting with `###` (the rest of that line is
 * the next block's title). Each block is one request:
 *
 *   PRODUCE <topic> [key=<text>] [partition=<n>] [count=<n>] [compression=none|gzip|snappy|lz4|zstd] [acks=all|1|0]
 *           [key-schema=<subject>[:<version>]] [value-schema=<subject>[:<version>]]
 *           [key-schema-file=<path>] [value-schema-file=<path>] [auto-register=true|false]
 *   Header-Name: header value
 *   <blank line>
 *   <value: text or JSON, any number of lines; none at all produces a null value, a tombstone>
 *
 *   CONSUME <topic> [from=earliest|latest|offset:<n>|-<n>|timestamp:<ms or ISO date>] [partition=<n>] [max=<n>]
 *
 * Lines starting with `#` or `//` are comments before the request line and among the headers (never in a value).
 * Keys, header values and values may use the helpers of template.ts. Parameter values with spaces are quoted:
 * key="a b". Every problem is reported with its line and columns; a block with an error has no `request`.
 */
import type { CompressionName, OffsetSpec } from '../broker/api';
import { validateTopicName } from '../broker/config/topic-name';
import { RenderContext, Template, TemplateProblem, compileTemplate, looksLikeJson, renderTemplate } from '../shared/template';

export interface ProduceSpec {
  kind: 'produce';
  topic: string;
  /** Absent: records without a key (the broker's sticky partitioner spreads them). */
  key?: Template;
  partition?: number;
  /** Records per run; default 1. */
  count: number;
  compression?: CompressionName;
  acks?: 'all' | 1 | 0;
  headers: Array<{ name: string; value: Template }>;
  /** Null: a record with a null value (a tombstone on a compacted topic). */
  value: Template | null;
  /** The key and the value are JSON encoded with these registered schemas (Confluent's wire format). */
  keySchema?: SchemaChoice;
  valueSchema?: SchemaChoice;
  /**
   * ... or with the schema in this file (relative to the .kafka file), under the *-schema= subject or the topic's
   * (`<topic>-key`, `<topic>-value`), registered first when autoRegister (Confluent's auto.register.schemas).
   */
  keySchemaFile?: string;
  valueSchemaFile?: string;
  /** Default true, as Confluent's serializers; false: the file's schema must be registered already (it is looked up). */
  autoRegister?: boolean;
}

interface SchemaChoice {
  subject: string;
  version: number | 'latest';
}

export interface ConsumeSpec {
  kind: 'consume';
  topic: string;
  from: OffsetSpec;
  /** Absent: every partition. */
  partition?: number;
  /** Records per partition; with from=-N, records in all (the newest). Default 20. */
  max: number;
}

type RequestSpec = ProduceSpec | ConsumeSpec;

interface FileProblem {
  line: number;
  start: number;
  endLine: number;
  end: number;
  message: string;
  severity: 'error' | 'warning';
}

export interface KafkaBlock {
  index: number;
  /** The text after the `###` that opens the block, if any. */
  title?: string;
  kind: 'produce' | 'consume';
  /** First and last line of the block (the opening `###` line included when there is one). */
  startLine: number;
  endLine: number;
  /** The PRODUCE/CONSUME line. */
  requestLine: number;
  topic: string;
  /** Undefined when the block has an error (see problems). */
  request?: RequestSpec;
  problems: FileProblem[];
}

export interface KafkaFile {
  blocks: KafkaBlock[];
  /** Every problem of the file, blocks' included, in line order. */
  problems: FileProblem[];
}

const DEFAULT_CONSUME_MAX = 20;
const MAX_CONSUME_MAX = 10_000;
export const MAX_COUNT = 10_000_000;

export const PRODUCE_PARAMETERS = ['key', 'partition', 'count', 'compression', 'acks', 'key-schema', 'value-schema', 'key-schema-file', 'value-schema-file', 'auto-register'] as const;
export const CONSUME_PARAMETERS = ['from', 'partition', 'max'] as const;
const COMPRESSIONS: readonly CompressionName[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

const SEPARATOR = /^\s*###/;
const COMMENT = /^\s*(#|\/\/)/;
const REQUEST = /^(\s*)(\S+)/;
/** An HTTP-style token: what Kafka header names look like in practice. */
const HEADER = /^([A-Za-z0-9!$%&'*+.^_`|~-][A-Za-z0-9!#$%&'*+.^_`|~-]*)\s*:\s?(.*)$/;

export function isSeparatorLine(line: string): boolean {
  return SEPARATOR.test(line);
}

export function isCommentLine(line: string): boolean {
  return COMMENT.test(line) && !SEPARATOR.test(line);
}

/** The verb of a request line, case-insensitive. */
function requestVerb(word: string): 'produce' | 'consume' | undefined {
  const w = word.toLowerCase();
  return w === 'produce' || w === 'consume' ? w : undefined;
}

interface Token {
  /** The token as written (quotes included). */
  raw: string;
  start: number;
  end: number;
}

/**
 * Splits a request line into whitespace-separated tokens, keeping together what is inside "double quotes" and
 * inside {{helpers}} (so key={{random.choice(a, b)}} is one token).
 */
export function tokenize(line: string, from = 0): Token[] {
  const tokens: Token[] = [];
  let i = from;
  const n = line.length;
  while (i < n) {
    while (i < n && /\s/.test(line[i])) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && !/\s/.test(line[i])) {
      if (line[i] === '"') {
        i++;
        while (i < n && line[i] !== '"') i += line[i] === '\\' ? 2 : 1;
        i = Math.min(n, i + 1);
      } else if (line.startsWith('{{', i)) {
        const close = line.indexOf('}}', i + 2);
        i = close < 0 ? n : close + 2;
      } else i++;
    }
    tokens.push({ raw: line.slice(start, i), start, end: i });
  }
  return tokens;
}

/** A parameter's value without its quotes (\" and \\ unescaped), and the column where its text starts. */
function unquote(raw: string): { text: string; offset: number } | string {
  if (!raw.startsWith('"')) return { text: raw, offset: 0 };
  if (raw.length < 2 || !raw.endsWith('"') || raw.endsWith('\\"')) return 'unclosed quote';
  return { text: raw.slice(1, -1).replace(/\\(["\\])/g, '$1'), offset: 1 };
}

/** Where a consume starts: earliest, latest, offset:N (or N), -N (the last N), timestamp:<ms or ISO date>. */
export function parseFrom(text: string): OffsetSpec | string {
  const t = text.trim().toLowerCase();
  if (t === 'earliest' || t === 'beginning') return { kind: 'earliest' };
  if (t === 'latest' || t === 'end') return { kind: 'latest' };
  let m = /^(?:offset:)?(\d+)$/.exec(t);
  if (m && Number.isSafeInteger(Number(m[1]))) return { kind: 'offset', offset: Number(m[1]) };
  m = /^-(\d+)$/.exec(t);
  if (m && Number.isSafeInteger(Number(m[1]))) return { kind: 'fromEnd', count: Number(m[1]) };
  if (t.startsWith('timestamp:')) {
    const v = text.trim().slice('timestamp:'.length);
    const ms = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
    if (Number.isSafeInteger(ms)) return { kind: 'timestamp', timestamp: ms };
    return `'${v}' is not a timestamp: give milliseconds since 1970 or an ISO date (timestamp:2025-01-31T12:00:00Z)`;
  }
  return `from=${text}: use earliest, latest, offset:N, -N (the last N records) or timestamp:<ms or ISO date>`;
}

/** `subject`, `subject:3` or `subject:latest`; the reason when it is none of them. */
function parseSchemaChoice(text: string, what: string): SchemaChoice | string {
  const m = /^(.+?)(?::(latest|\d+))?$/.exec(text.trim());
  if (!m || !m[1]) return `${what} needs a subject: ${what}<subject>[:<version>]`;
  const version = m[2] === undefined || m[2] === 'latest' ? 'latest' : Number(m[2]);
  if (version !== 'latest' && (version < 1 || !Number.isSafeInteger(version))) return `${what} version must be latest or a number from 1, not ${m[2]}`;
  return { subject: m[1], version };
}

function wholeNumber(text: string, min: number, max: number, what: string): number | string {
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) return `${what} must be a whole number, not '${text}'`;
  const n = Number(text);
  if (n < min || n > max) return `${what} must be from ${min} to ${max}, not ${n}`;
  return n;
}

/** Values a sample render uses to check that a JSON value stays JSON. */
const SAMPLE: RenderContext = { i: 0, seq: 1, now: () => 0, random: () => 0.5, uuid: () => '00000000-0000-4000-8000-000000000000' };


export function parseKafkaFile(text: string): KafkaFile {
  const lines = text.split(/\r?\n/);
  const blocks: KafkaBlock[] = [];
  const problems: FileProblem[] = [];
  let sectionStart = 0;
  for (let i = 0; i <= lines.length; i++) {
    if (i === lines.length || (i > sectionStart && SEPARATOR.test(lines[i]))) {
      const block = parseSection(lines, sectionStart, i - 1, blocks.length, problems);
      if (block) blocks.push(block);
      sectionStart = i;
    }
  }
  problems.sort((a, b) => a.line - b.line || a.start - b.start);
  return { blocks, problems };
}

function parseSection(lines: string[], first: number, last: number, index: number, fileProblems: FileProblem[]): KafkaBlock | undefined {
  let line = first;
  let title: string | undefined;
  if (SEPARATOR.test(lines[line] ?? '')) {
    title = lines[line].replace(SEPARATOR, '').trim() || undefined;
    line++;
  }
  while (line <= last && (lines[line].trim() === '' || isCommentLine(lines[line]))) line++;
  if (line > last) return undefined;

  const problems: FileProblem[] = [];
  const problem = (l: number, start: number, end: number, message: string, severity: 'error' | 'warning' = 'error', endLine = l) =>
    problems.push({ line: l, start, end, endLine, message, severity });

  const requestText = lines[line];
  const m = REQUEST.exec(requestText)!;
  const verbStart = m[1].length;
  const verb = requestVerb(m[2]);
  if (!verb) {
    problem(line, verbStart, verbStart + m[2].length, `Expected PRODUCE <topic> or CONSUME <topic>, not '${m[2]}'`);
    fileProblems.push(...problems);
    return undefined;
  }
  const requestLine = line;
  const tokens = tokenize(requestText, verbStart + m[2].length);
  const topicToken = tokens.shift();
  const topic = topicToken?.raw ?? '';
  if (!topicToken) problem(line, verbStart, requestText.length, `${verb.toUpperCase()} needs a topic: ${verb.toUpperCase()} <topic>`);
  else {
    try {
      validateTopicName(topic);
    } catch (e) {
      problem(line, topicToken.start, topicToken.end, (e as Error).message);
    }
  }

  // Parameters: name=value, each once.
  const allowed: readonly string[] = verb === 'produce' ? PRODUCE_PARAMETERS : CONSUME_PARAMETERS;
  const params = new Map<string, { text: string; column: number; token: Token }>();
  for (const t of tokens) {
    const eq = t.raw.indexOf('=');
    const name = eq < 0 ? t.raw : t.raw.slice(0, eq);
    if (eq <= 0) {
      problem(line, t.start, t.end, `Expected name=value (${allowed.join(', ')}), not '${t.raw}'`);
      continue;
    }
    if (!allowed.includes(name)) {
      problem(line, t.start, t.start + name.length, `${verb.toUpperCase()} has no parameter '${name}'; it takes ${allowed.map((a) => `${a}=`).join(', ')}`);
      continue;
    }
    if (params.has(name)) {
      problem(line, t.start, t.end, `${name}= is given twice`);
      continue;
    }
    const v = unquote(t.raw.slice(eq + 1));
    if (typeof v === 'string') {
      problem(line, t.start, t.end, `${name}=: ${v}`);
      continue;
    }
    params.set(name, { text: v.text, column: t.start + eq + 1 + v.offset, token: t });
  }
  const numberParam = (name: string, min: number, max: number): number | undefined => {
    const p = params.get(name);
    if (!p) return undefined;
    const n = wholeNumber(p.text, min, max, `${name}=`);
    if (typeof n === 'string') {
      problem(line, p.token.start, p.token.end, n);
      return undefined;
    }
    return n;
  };
  const templateProblems = (ps: TemplateProblem[], at: (offset: number) => { line: number; column: number }) => {
    for (const p of ps) {
      const s = at(p.offset);
      const e = at(p.offset + p.length);
      problem(s.line, s.column, e.column, p.message, 'error', e.line);
    }
  };

  let request: RequestSpec | undefined;
  let end = last;
  // A block ends before the blank lines and comments that trail it (they belong to no request).
  while (end > requestLine && lines[end].trim() === '') end--;

  if (verb === 'consume') {
    const partition = numberParam('partition', 0, 1_000_000);
    const max = numberParam('max', 1, MAX_CONSUME_MAX) ?? DEFAULT_CONSUME_MAX;
    let from: OffsetSpec = { kind: 'earliest' };
    const f = params.get('from');
    if (f) {
      const parsed = parseFrom(f.text);
      if (typeof parsed === 'string') problem(line, f.token.start, f.token.end, parsed);
      else from = parsed;
    }
    for (let l = requestLine + 1; l <= end; l++) {
      if (lines[l].trim() !== '' && !isCommentLine(lines[l])) {
        problem(l, 0, lines[l].length, 'CONSUME takes no headers or value: this line is ignored (start a new block with ###)', 'warning');
        break;
      }
    }
    request = { kind: 'consume', topic, from, max, ...(partition !== undefined ? { partition } : {}) };
  } else {
    const spec: ProduceSpec = { kind: 'produce', topic, count: 1, headers: [], value: null };
    const partition = numberParam('partition', 0, 1_000_000);
    if (partition !== undefined) spec.partition = partition;
    spec.count = numberParam('count', 1, MAX_COUNT) ?? 1;
    const k = params.get('key');
    if (k) {
      const { template, problems: ps } = compileTemplate(k.text);
      templateProblems(ps, (o) => ({ line, column: k.column + o }));
      spec.key = template;
    }
    const c = params.get('compression');
    if (c) {
      const name = c.text.toLowerCase() === 'uncompressed' ? 'none' : (c.text.toLowerCase() as CompressionName);
      if (COMPRESSIONS.includes(name)) spec.compression = name;
      else problem(line, c.token.start, c.token.end, `compression= must be one of ${COMPRESSIONS.join(', ')}, not '${c.text}'`);
    }
    const a = params.get('acks');
    if (a) {
      const v = a.text.toLowerCase();
      if (v === 'all' || v === '-1') spec.acks = 'all';
      else if (v === '1' || v === '0') spec.acks = Number(v) as 1 | 0;
      else problem(line, a.token.start, a.token.end, `acks= must be all, 1 or 0, not '${a.text}'`);
    }
    for (const [name, field] of [['key-schema', 'keySchema'], ['value-schema', 'valueSchema']] as const) {
      const p = params.get(name);
      if (!p) continue;
      const choice = parseSchemaChoice(p.text, `${name}=`);
      if (typeof choice === 'string') problem(line, p.token.start, p.token.end, choice);
      else spec[field] = choice;
    }
    for (const [name, field] of [['key-schema-file', 'keySchemaFile'], ['value-schema-file', 'valueSchemaFile']] as const) {
      const p = params.get(name);
      if (p && !p.text.trim()) problem(line, p.token.start, p.token.end, `${name}= needs a path (relative to this file)`);
      else if (p) spec[field] = p.text.trim();
    }
    const ar = params.get('auto-register');
    if (ar) {
      const v = ar.text.toLowerCase();
      if (v === 'true' || v === 'false') spec.autoRegister = v === 'true';
      else problem(line, ar.token.start, ar.token.end, `auto-register= must be true or false, not '${ar.text}'`);
    }

    // Headers up to the first blank line; a line that is no header starts the value even without one.
    let l = requestLine + 1;
    for (; l <= end; l++) {
      const text = lines[l];
      if (text.trim() === '') {
        l++;
        break;
      }
      if (isCommentLine(text)) continue;
      const h = HEADER.exec(text);
      if (!h) break;
      const valueColumn = text.length - h[2].length;
      const { template, problems: ps } = compileTemplate(h[2].trimEnd());
      templateProblems(ps, (o) => ({ line: l, column: valueColumn + o }));
      spec.headers.push({ name: h[1], value: template });
    }
    // The value: the remaining lines, without the blank lines around them.
    let vFirst = l;
    while (vFirst <= end && lines[vFirst].trim() === '') vFirst++;
    if (vFirst <= end) {
      const valueLines = lines.slice(vFirst, end + 1);
      const source = valueLines.join('\n');
      const { template, problems: ps } = compileTemplate(source);
      const starts: number[] = [];
      let o = 0;
      for (const vl of valueLines) {
        starts.push(o);
        o += vl.length + 1;
      }
      const at = (offset: number) => {
        let k = starts.length - 1;
        while (k > 0 && starts[k] > offset) k--;
        return { line: vFirst + k, column: offset - starts[k] };
      };
      templateProblems(ps, at);
      spec.value = template;
      if (ps.length === 0 && looksLikeJson(source)) {
        try {
          JSON.parse(renderTemplate(template, SAMPLE));
        } catch (e) {
          problem(vFirst, 0, lines[vFirst].length, `The value looks like JSON but does not parse: ${(e as Error).message}. It is sent as written.`, 'warning', end);
        }
      }
    }
    request = spec;
  }

  fileProblems.push(...problems);
  return {
    index,
    title,
    kind: verb,
    startLine: first,
    endLine: end,
    requestLine,
    topic,
    request: problems.some((p) => p.severity === 'error') ? undefined : request,
    problems,
  };
}

/**
 * The block at `line`: the one whose lines contain it (a separator line belongs to the block it opens), else the
 * one it trails (blank lines and comments after a block belong to it for this purpose).
 */
export function blockAt(file: KafkaFile, line: number): KafkaBlock | undefined {
  let found: KafkaBlock | undefined;
  for (const b of file.blocks) if (b.startLine <= line) found = b;
  return found;
}

/** The blocks that share at least one line with [startLine, endLine]. */
export function blocksIn(file: KafkaFile, startLine: number, endLine: number): KafkaBlock[] {
  return file.blocks.filter((b) => b.endLine >= startLine && b.startLine <= endLine);
}
