/**
 * Producer templates, parsed and expanded without eval: {{i}} (0 … N-1), {{uuid}}, {{now}} (epoch ms),
 * {{now.iso}}, {{random.int(a,b)}} (a ≤ n ≤ b, integers). Anything else between {{ and }} that looks like an
 * expression is an error; text that does not (a JSON object written as {{"a":1}}) stays as it is.
 */

export type TemplateExpr =
  | { kind: 'i'; add: number }
  | { kind: 'uuid' }
  | { kind: 'now' }
  | { kind: 'nowIso' }
  | { kind: 'randomInt'; min: number; max: number };

export type TemplatePart = string | TemplateExpr;

export class TemplateError extends Error {
  constructor(
    message: string,
    readonly index: number,
  ) {
    super(message);
    this.name = 'TemplateError';
  }
}

export interface CompiledTemplate {
  parts: TemplatePart[];
  /** True when the text holds no expression (expanding it returns it unchanged). */
  constant: boolean;
}

export const TEMPLATE_HELP = '{{i}} (0…N-1), {{i+1}}, {{uuid}}, {{now}}, {{now.iso}}, {{random.int(a,b)}}';

const LOOKS_LIKE_EXPR = /^[A-Za-z_][\w.]*\s*(\(.*\))?(\s*[+-]\s*\d+)?$/s;

function parseExpr(src: string, index: number): TemplateExpr {
  const s = src.trim();
  let m = /^i(?:\s*([+-])\s*(\d+))?$/.exec(s);
  if (m) return { kind: 'i', add: m[1] ? (m[1] === '-' ? -1 : 1) * Number(m[2]) : 0 };
  if (s === 'uuid') return { kind: 'uuid' };
  if (s === 'now') return { kind: 'now' };
  if (s === 'now.iso') return { kind: 'nowIso' };
  m = /^random\.int\s*\(\s*(-?\d+)\s*,\s*(-?\d+)\s*\)$/.exec(s);
  if (m) {
    const min = Number(m[1]);
    const max = Number(m[2]);
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max)) throw new TemplateError(`{{${s}}}: bounds must be safe integers`, index);
    if (min > max) throw new TemplateError(`{{${s}}}: the lower bound ${min} is above the upper bound ${max}`, index);
    return { kind: 'randomInt', min, max };
  }
  if (/^random\.int\b/.test(s)) throw new TemplateError(`{{${s}}}: write random.int(a,b) with two integers`, index);
  throw new TemplateError(`Unknown template {{${s}}}: use ${TEMPLATE_HELP}`, index);
}

export function compileTemplate(src: string): CompiledTemplate {
  const parts: TemplatePart[] = [];
  let text = '';
  let i = 0;
  let constant = true;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    if (open < 0) break;
    const close = src.indexOf('}}', open + 2);
    if (close < 0) break;
    const inner = src.slice(open + 2, close);
    if (!LOOKS_LIKE_EXPR.test(inner.trim())) {
      // Not an expression: keep "{{" literally and look again after it.
      text += src.slice(i, open + 2);
      i = open + 2;
      continue;
    }
    text += src.slice(i, open);
    if (text) parts.push(text);
    text = '';
    parts.push(parseExpr(inner, open));
    constant = false;
    i = close + 2;
  }
  text += src.slice(i);
  if (text) parts.push(text);
  return { parts, constant };
}

export interface TemplateEnv {
  now(): number;
  uuid(): string;
  /** A float in [0, 1). */
  random(): number;
}

function randomUuid(): string {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  const b = new Uint8Array(16);
  if (c && typeof c.getRandomValues === 'function') c.getRandomValues(b);
  else for (let k = 0; k < 16; k++) b[k] = Math.floor(Math.random() * 256);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const defaultEnv: TemplateEnv = { now: () => Date.now(), uuid: randomUuid, random: () => Math.random() };

export function expandTemplate(t: CompiledTemplate, i: number, env: TemplateEnv = defaultEnv): string {
  if (t.constant) return t.parts.length ? (t.parts[0] as string) : '';
  let out = '';
  for (const p of t.parts) {
    if (typeof p === 'string') {
      out += p;
      continue;
    }
    switch (p.kind) {
      case 'i':
        out += String(i + p.add);
        break;
      case 'uuid':
        out += env.uuid();
        break;
      case 'now':
        out += String(env.now());
        break;
      case 'nowIso':
        out += new Date(env.now()).toISOString();
        break;
      case 'randomInt':
        out += String(p.min + Math.floor(env.random() * (p.max - p.min + 1)));
        break;
    }
  }
  return out;
}

/** Compiles, reporting the first error with the field it is in. */
export function compileAll(fields: Record<string, string>): { templates: Record<string, CompiledTemplate>; error?: string } {
  const templates: Record<string, CompiledTemplate> = {};
  for (const [name, src] of Object.entries(fields)) {
    try {
      templates[name] = compileTemplate(src);
    } catch (e) {
      return { templates, error: `${name}: ${(e as Error).message}` };
    }
  }
  return { templates };
}
