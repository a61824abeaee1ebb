/**
 * Printing option values as Confluent's printer does (ProtobufSchemaUtils), and the rewriting its normalizer applies
 * to them: custom option names qualified, `(a).b = 1` folded into `(a) = { b: 1 }`, repeats of a non-repeated option
 * merged, map keys sorted, numbers reformatted.
 */

import { OptionElement, OptionValue } from './ast';
import { TypeContext } from './context';

export interface OptionFormat {
  readonly normalize: boolean;
  readonly ctx: TypeContext;
}

/** Java's String.split("\n") as appendIndented uses it: trailing empty lines dropped. */
export function indent(value: string): string {
  if (!value.includes('\n')) return `  ${value}\n`;
  const lines = value.split('\n');
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.map((line) => `  ${line}\n`).join('');
}

const ESCAPES: Record<string, string> = {
  '\u0007': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '\\': '\\\\',
  "'": "\\'",
  '"': '\\"',
};

function escapeChars(input: string): string {
  let result = '';
  for (const c of input) result += ESCAPES[c] ?? c;
  return result;
}

/** `name = value`, or `name.field = value` for an option naming a field of a message-typed option. */
function optionToString(format: OptionFormat, option: OptionElement): string {
  const name = option.parenthesized ? `(${option.name})` : option.name;
  const value = option.value;
  switch (value.kind) {
    case 'STRING':
      return `${name} = "${escapeChars(value.value)}"`;
    case 'BOOLEAN':
    case 'ENUM':
      return `${name} = ${value.value}`;
    case 'NUMBER':
      return `${name} = ${formatNumber(format, value.value)}`;
    case 'OPTION':
      return `${name}.${optionToString(format, value.option)}`;
    case 'MAP':
      return `${name} = {\n${formatOptionMap(format, value.entries)}}`;
    case 'LIST':
      return `${name} = ${bracketed(value.items.map((item) => formatValue(format, item)))}`;
  }
}

/** `option name = value;` on a line of its own. */
export function optionDeclaration(format: OptionFormat, option: OptionElement): string {
  return `option ${optionToString(format, option)};\n`;
}

/** A field's or enum constant's options: `[a = 1]` on one line, more than one each on a line of its own. */
export function bracketedOptions(format: OptionFormat, options: readonly OptionElement[]): string {
  return bracketed(options.map((option) => optionToString(format, option)));
}

function bracketed(items: readonly string[]): string {
  if (items.length === 1) return `[${items[0]}]`;
  return `[\n${items.map((item, i) => indent(i < items.length - 1 ? `${item},` : item)).join('')}]`;
}

function formatOptionMap(format: OptionFormat, entries: ReadonlyMap<string, OptionValue>): string {
  const list = format.normalize ? normalizedEntries(format, entries) : [...entries];
  return list
    .map(([key, value], i) => indent(`${key}: ${formatValue(format, value)}${i < list.length - 1 ? ',' : ''}`))
    .join('');
}

/** Empty lists dropped, `[extension]` keys qualified, keys in Java's String order (the first of equal keys kept). */
function normalizedEntries(format: OptionFormat, entries: ReadonlyMap<string, OptionValue>): [string, OptionValue][] {
  const result = new Map<string, OptionValue>();
  for (const [key, value] of entries) {
    if (value.kind === 'LIST' && value.items.length === 0) continue;
    let name = key;
    if (key.startsWith('[') && key.endsWith(']')) {
      const resolved = format.ctx.resolveExtendField(key.substring(1, key.length - 1), 'original');
      if (resolved !== null) name = `[${resolved}]`;
    }
    if (!result.has(name)) result.set(name, value);
  }
  return [...result].sort(([a], [b]) => compareStrings(a, b));
}

function formatValue(format: OptionFormat, value: OptionValue): string {
  switch (value.kind) {
    case 'STRING':
      return `"${escapeChars(value.value)}"`;
    case 'MAP':
      return `{\n${formatOptionMap(format, value.entries)}}`;
    case 'LIST':
      if (format.normalize && value.items.length === 1) return formatValue(format, value.items[0]);
      return `[\n${value.items
        .map((item, i) => indent(`${formatValue(format, item)}${i < value.items.length - 1 ? ',' : ''}`))
        .join('')}]`;
    case 'BOOLEAN':
    case 'ENUM':
      return value.value;
    case 'NUMBER':
      return formatNumber(format, value.value);
    case 'OPTION':
      return optionToString(format, value.option);
  }
}

/** Java's String.compareTo: by UTF-16 code unit, which is also how JavaScript compares strings. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The normalizer's rewriting of a list of options: names of custom options qualified (and `(a).b = v` turned into
 * `(a) = { b: v }`), sorted by name, and repeats of a non-repeated extension merged into one.
 */
export function normalizeOptions(ctx: TypeContext, options: readonly OptionElement[]): OptionElement[] {
  const qualified = options.map((option) => {
    if (!option.parenthesized) return option;
    const resolved = ctx.resolveExtendField(option.name, 'original');
    return resolved === null ? option : toMapOption({ ...option, name: resolved });
  });
  const sorted = [...qualified].sort((a, b) => compareStrings(a.name, b.name));
  const groups = new Map<string, OptionElement[]>();
  for (const option of sorted) {
    const group = groups.get(option.name);
    if (group === undefined) groups.set(option.name, [option]);
    else group.push(option);
  }
  const result: OptionElement[] = [];
  for (const [name, group] of groups) {
    const field = ctx.extendFieldForFullName(name, 'original');
    if (field !== undefined && !field.repeated) result.push(group.reduce(mergeOptions));
    else result.push(...group);
  }
  return result;
}

function toMapOption(option: OptionElement): OptionElement {
  if (option.value.kind !== 'OPTION') return option;
  return { ...option, value: { kind: 'MAP', entries: optionAsMap(option.value.option) } };
}

function optionAsMap(option: OptionElement): Map<string, OptionValue> {
  const value: OptionValue =
    option.value.kind === 'OPTION' ? { kind: 'MAP', entries: optionAsMap(option.value.option) } : option.value;
  return new Map([[option.name, value]]);
}

/** Two settings of one message-typed option become one; a field set twice gathers both values into a list. */
function mergeOptions(existing: OptionElement, next: OptionElement): OptionElement {
  const replacement = toMapOption(next);
  if (existing.value.kind !== 'MAP' || replacement.value.kind !== 'MAP') return replacement;
  const merged = new Map(existing.value.entries);
  for (const [key, value] of replacement.value.entries) {
    const previous = merged.get(key);
    merged.set(key, previous === undefined ? value : mergeValues(previous, value));
  }
  return { name: replacement.name, parenthesized: replacement.parenthesized, value: { kind: 'MAP', entries: merged } };
}

function mergeValues(a: OptionValue, b: OptionValue): OptionValue {
  const items: OptionValue[] = [];
  const seen = new Set<string>();
  for (const item of [...(a.kind === 'LIST' ? a.items : [a]), ...(b.kind === 'LIST' ? b.items : [b])]) {
    const key = valueKey(item);
    if (!seen.has(key)) {
      seen.add(key);
      items.push(item);
    }
  }
  return { kind: 'LIST', items };
}

/** Equality as Java's collections see it: maps regardless of order, lists in order, values by kind and text. */
function valueKey(value: OptionValue): string {
  switch (value.kind) {
    case 'MAP':
      return `{${[...value.entries]
        .map(([k, v]) => `${JSON.stringify(k)}:${valueKey(v)}`)
        .sort()
        .join(',')}}`;
    case 'LIST':
      return `[${value.items.map(valueKey).join(',')}]`;
    case 'OPTION':
      return `(${JSON.stringify(value.option.name)}=${valueKey(value.option.value)})`;
    default:
      return `${value.kind}:${JSON.stringify(value.value)}`;
  }
}

/**
 * Numbers as the normalizer writes them: read as Apache Commons' NumberUtils.createNumber reads them (hex, octal, a
 * type suffix), written as a default java.text.DecimalFormat without grouping (at most three decimals, half-even).
 * What does not read as a number (inf, nan) is kept as written.
 */
function formatNumber(format: OptionFormat, text: string): string {
  if (!format.normalize) return text;
  const value = readJavaNumber(text);
  if (value === null) return text;
  return typeof value === 'bigint' ? value.toString() : formatDecimal(value);
}

function readJavaNumber(text: string): bigint | number | null {
  const hex = /^(-?)(?:0[xX]|#)([0-9a-fA-F]+)$/.exec(text);
  if (hex !== null) return BigInt(`0x${hex[2]}`) * (hex[1] === '-' ? -1n : 1n);
  const octal = /^(-?)0([0-7]+)$/.exec(text);
  if (octal !== null) return BigInt(`0o${octal[2]}`) * (octal[1] === '-' ? -1n : 1n);
  const integer = /^([+-]?[0-9]+)[lL]?$/.exec(text);
  if (integer !== null && !/^[+-]?0[0-9]/.test(text)) return BigInt(integer[1].replace('+', ''));
  const decimal = /^([+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)([fFdD]?)$/.exec(text);
  if (decimal === null) return null;
  const parsed = Number(decimal[1]);
  if (!Number.isFinite(parsed)) return null;
  // A float suffix reads the value as a 32-bit float, whose exact value is then printed.
  return decimal[2] === 'f' || decimal[2] === 'F' ? Math.fround(parsed) : parsed;
}

function formatDecimal(value: number): string {
  const negative = value < 0 || Object.is(value, -0);
  const [mantissa, exponentText] = Math.abs(value).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  // The digits as an integer part and a fraction, then rounded half-even to three places.
  const pointAt = exponent + 1;
  const padded = pointAt <= 0 ? '0'.repeat(1 - pointAt) + digits : digits.padEnd(pointAt, '0');
  const split = Math.max(pointAt, 1);
  let integerPart = padded.substring(0, split);
  let fraction = padded.substring(split);
  if (fraction.length > 3) {
    const kept = fraction.substring(0, 3);
    const rest = fraction.substring(3);
    const last = Number((integerPart + kept).slice(-1));
    const roundUp = rest[0] > '5' || (rest[0] === '5' && (/[1-9]/.test(rest.substring(1)) || last % 2 === 1));
    const scaled = BigInt(integerPart + kept) + (roundUp ? 1n : 0n);
    const text = scaled.toString().padStart(4, '0');
    integerPart = text.substring(0, text.length - 3);
    fraction = text.substring(text.length - 3);
  }
  fraction = fraction.replace(/0+$/, '');
  integerPart = integerPart.replace(/^0+(?=[0-9])/, '');
  return `${negative ? '-' : ''}${integerPart}${fraction === '' ? '' : `.${fraction}`}`;
}
