/**
 * Value helpers of `.kafka` files: `{{seq}}`, `{{i}}`, `{{uuid}}`, `{{now}}`, `{{timestamp}}`,
 * `{{random.int(a,b)}}`, `{{random.choice(a,b,c)}}`, `{{random.string(n)}}`. A template is compiled once into
 * literal text and helper calls (checked: unknown helpers and bad arguments are reported with their position), then
 * rendered per record, so producing a million records costs one compile. Nothing is ever evaluated as code.
 *
 * No vscode import: the parser, the CodeLens runner and the unit tests share it.
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

export type TemplatePart = string | Helper;

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

export const HELPER_NAMES = ['seq', 'i', 'uuid', 'now', 'timestamp', 'random.int', 'random.choice', 'random.string'] as const;

/** The longest `{{random.string(n)}}` allowed. */
export const MAX_RANDOM_STRING = 1_000_000;

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
  if (!call) return `'${e}' is not a helper; use ${HELPER_NAMES.map((h) => `{{${h}}}`).join(', ')}`;
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
      return `unknown helper {{${name}}}; use ${HELPER_NAMES.map((h) => `{{${h}}}`).join(', ')}`;
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

export function renderHelper(h: Helper, ctx: RenderContext): string {
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
