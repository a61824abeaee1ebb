/**
 * Tributary's one template language, for `.kafka` files and the producer panel alike (README, "Templates"):
 * `{{seq}}`, `{{i}}`, `{{uuid}}`, `{{now}}` (ISO time), `{{timestamp}}` (ms), `{{random.int(a,b)}}`,
 * `{{random.choice(a,b,c)}}`, `{{random.string(n)}}`; `\{{` is a literal `{{`. A template is compiled once into
 * literal text and helper calls (checked: unknown helpers and bad arguments are reported with their position), then
 * rendered per record, so producing a million records costs one compile. Nothing is ever evaluated as code.
 *
 * No vscode, Node or DOM import: the `.kafka` parser and runner (extension host) and the producer panel (webview
 * bundle) import this same module, so a template renders the same in both for the same clock and random numbers.
 */

export type Helper =
  | { name: 'seq' }
  | { name: 'i' }
  | { name: 'uuid' }
  | { name: 'now' }
  | { name: 'timestamp' }
  | { name: 'random.int'; min: number; max: number }
  | { name: 'random.choice'; choices: string[] }
  | { name: 'random.string'; length: number };

type TemplatePart = string | Helper;

export interface TemplateProblem {
  /** Character offset of the problem in the template's text. */
  offset: number;
  length: number;
  message: string;
}

export interface Template {
  /** The text as written. */
  readonly source: string;
  readonly parts: readonly TemplatePart[];
  /** True when the text has no helper: it renders to itself (escapes resolved). */
  readonly constant: boolean;
}

/** What rendering needs; every source of variation is injectable so tests are reproducible. */
export interface RenderContext {
  /** 0-based index of the record within this run. */
  i: number;
  /** The block's counter: 1 for the first record it ever produced in this session, growing across runs. */
  seq: number;
  /** Current time in ms (Date.now). */
  now: () => number;
  /** Uniform in [0, 1) (Math.random). */
  random: () => number;
  /** A random UUID (crypto.randomUUID). */
  uuid: () => string;
}

const HELPER_NAMES = ['seq', 'i', 'uuid', 'now', 'timestamp', 'random.int', 'random.choice', 'random.string'] as const;

const HELPER_LIST = HELPER_NAMES.map((h) => `{{${h}}}`).join(', ');

/** One line naming every helper, for help texts. */
export const TEMPLATE_HELP = '{{seq}} (1, 2, 3, … going on across runs), {{i}} (0 … N-1 within a run), {{uuid}}, {{now}} (ISO time), {{timestamp}} (ms), {{random.int(a,b)}}, {{random.choice(a,b,c)}}, {{random.string(n)}}; \\{{ is a literal {{';

/** The longest `{{random.string(n)}}` allowed. */
const MAX_RANDOM_STRING = 1_000_000;

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Splits a helper's argument list on commas outside quotes. Arguments are trimmed; "double" or 'single' quoted
 * arguments keep their inner spaces and commas (\" and \\ escape inside them).
 */
export function splitArguments(text: string): string[] | string {
  const args: string[] = [];
  let i = 0;
  const n = text.length;
  if (text.trim() === '') return [];
  for (;;) {
    while (i < n && /\s/.test(text[i])) i++;
    let arg = '';
    if (text[i] === '"' || text[i] === "'") {
      const quote = text[i++];
      let closed = false;
      while (i < n) {
        const c = text[i++];
        if (c === '\\' && i < n) arg += text[i++];
        else if (c === quote) {
          closed = true;
          break;
        } else arg += c;
      }
      if (!closed) return `unclosed ${quote} in the arguments`;
      while (i < n && /\s/.test(text[i])) i++;
      if (i < n && text[i] !== ',') return `expected ',' after the quoted argument ${quote}${arg}${quote}`;
    } else {
      const start = i;
      while (i < n && text[i] !== ',') i++;
      arg = text.slice(start, i).trim();
    }
    args.push(arg);
    if (i >= n) return args;
    i++; // the comma
  }
}

function parseInteger(s: string): number | undefined {
  return /^[+-]?\d+$/.test(s) && Number.isSafeInteger(Number(s)) ? Number(s) : undefined;
}

/** Compiles one helper expression (the text between `{{` and `}}`); a string is the problem. */
export function compileHelper(expression: string): Helper | string {
  const e = expression.trim();
  const call = /^([A-Za-z_][\w.]*)\s*(?:\((.*)\))?$/s.exec(e);
  if (!call) return `'${e}' is not a helper; use ${HELPER_LIST}${/^i\s*[-+]/.test(e) ? ' (no arithmetic: {{seq}} counts from 1, {{i}} from 0)' : ''}`;
  const [, name, rawArgs] = call;
  const args = rawArgs === undefined ? undefined : splitArguments(rawArgs);
  if (typeof args === 'string') return `${name}: ${args}`;
  const noArgs = (h: Helper): Helper | string => (args && args.length > 0 ? `{{${name}}} takes no arguments` : h);
  switch (name) {
    case 'seq':
    case 'i':
    case 'uuid':
    case 'now':
    case 'timestamp':
      return noArgs({ name });
    case 'random.int': {
      if (!args || args.length !== 2) return '{{random.int(a,b)}} needs two whole numbers, e.g. {{random.int(1,100)}}';
      const [min, max] = args.map(parseInteger);
      if (min === undefined || max === undefined) return `{{random.int(a,b)}} needs whole numbers, not ${args.join(', ')}`;
      if (min > max) return `{{random.int(a,b)}} needs a <= b, not ${min} > ${max}`;
      return { name, min, max };
    }
    case 'random.choice':
      if (!args || args.length === 0) return '{{random.choice(a,b,...)}} needs at least one choice';
      return { name, choices: args };
    case 'random.string': {
      if (!args || args.length !== 1) return '{{random.string(n)}} needs a length, e.g. {{random.string(8)}}';
      const length = parseInteger(args[0]);
      if (length === undefined || length < 0 || length > MAX_RANDOM_STRING) return `{{random.string(n)}} needs a length from 0 to ${MAX_RANDOM_STRING}, not ${args[0]}`;
      return { name, length };
    }
    default:
      return `unknown helper {{${name}}}; use ${HELPER_LIST}${name === 'now.iso' ? ' ({{now}} is ISO time, {{timestamp}} milliseconds)' : ''}`;
  }
}

/**
 * Compiles a template. `{{` starts a helper that ends at the next `}}`; `\{{` is a literal `{{`. A `{{` with no
 * `}}` after it is a problem, as is a helper that does not compile; the text is kept literally in both cases.
 */
export function compileTemplate(source: string): { template: Template; problems: TemplateProblem[] } {
  const parts: TemplatePart[] = [];
  const problems: TemplateProblem[] = [];
  let literal = '';
  let i = 0;
  while (i < source.length) {
    if (source.startsWith('\\{{', i)) {
      literal += '{{';
      i += 3;
      continue;
    }
    if (source.startsWith('{{', i)) {
      const end = source.indexOf('}}', i + 2);
      const newline = source.indexOf('\n', i + 2);
      if (end < 0 || (newline >= 0 && newline < end)) {
        problems.push({ offset: i, length: 2, message: "'{{' without a closing '}}' on the same line (write \\{{ for a literal '{{')" });
        literal += '{{';
        i += 2;
        continue;
      }
      const helper = compileHelper(source.slice(i + 2, end));
      if (typeof helper === 'string') {
        problems.push({ offset: i, length: end + 2 - i, message: helper });
        literal += source.slice(i, end + 2);
      } else {
        if (literal) parts.push(literal);
        literal = '';
        parts.push(helper);
      }
      i = end + 2;
      continue;
    }
    literal += source[i++];
  }
  if (literal) parts.push(literal);
  return { template: { source, parts, constant: parts.every((p) => typeof p === 'string') }, problems };
}

function randomInt(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

function renderHelper(h: Helper, ctx: RenderContext): string {
  switch (h.name) {
    case 'seq':
      return String(ctx.seq);
    case 'i':
      return String(ctx.i);
    case 'uuid':
      return ctx.uuid();
    case 'now':
      return new Date(ctx.now()).toISOString();
    case 'timestamp':
      return String(ctx.now());
    case 'random.int':
      return String(randomInt(ctx.random, h.min, h.max));
    case 'random.choice':
      return h.choices[randomInt(ctx.random, 0, h.choices.length - 1)];
    case 'random.string': {
      let s = '';
      for (let k = 0; k < h.length; k++) s += ALPHANUMERIC[Math.floor(ctx.random() * ALPHANUMERIC.length)];
      return s;
    }
  }
}

export function renderTemplate(t: Template, ctx: RenderContext): string {
  if (t.parts.length === 1 && typeof t.parts[0] === 'string') return t.parts[0];
  let out = '';
  for (const p of t.parts) out += typeof p === 'string' ? p : renderHelper(p, ctx);
  return out;
}

/** The templates of one record: what a `.kafka` PRODUCE block and the producer panel's form both compile to. */
export interface RecordTemplates {
  key?: Template;
  /** null: a null value (a tombstone). */
  value: Template | null;
  /** Header names are literal; their values are templates. */
  headers: ReadonlyArray<{ name: string; value: Template }>;
}

interface RenderedRecord {
  key?: string;
  value: string | null;
  headers: Array<{ key: string; value: string }>;
}

/** Renders one record's fields, always in the same order (value, headers, key), so seeded runs agree everywhere. */
export function renderRecord(t: RecordTemplates, ctx: RenderContext): RenderedRecord {
  const r: RenderedRecord = {
    value: t.value === null ? null : renderTemplate(t.value, ctx),
    headers: t.headers.map((h) => ({ key: h.name, value: renderTemplate(h.value, ctx) })),
  };
  if (t.key) r.key = renderTemplate(t.key, ctx);
  return r;
}

/** Where a run's variation comes from: the clock, random numbers and UUIDs (injected by tests). */
export interface RenderSources {
  now: () => number;
  random: () => number;
  uuid: () => string;
}

/** A version 4 UUID from the platform's crypto (Node 20 and webviews alike have crypto.randomUUID). */
function randomUuid(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string; getRandomValues?: (b: Uint8Array) => Uint8Array } }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  const b = new Uint8Array(16);
  if (c?.getRandomValues) c.getRandomValues(b);
  else for (let k = 0; k < 16; k++) b[k] = Math.floor(Math.random() * 256);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const defaultSources: RenderSources = { now: () => Date.now(), random: () => Math.random(), uuid: randomUuid };

/** The context of record `i` of a run whose `{{seq}}` starts at `seqBase` (the counter where the last run stopped). */
export function recordContext(i: number, seqBase: number, sources: RenderSources): RenderContext {
  return { i, seq: seqBase + i, now: sources.now, random: sources.random, uuid: sources.uuid };
}

/** A value worth checking as JSON: it starts with { or [. */
export function looksLikeJson(text: string): boolean {
  const t = text.trimStart();
  return t.startsWith('{') || t.startsWith('[');
}
