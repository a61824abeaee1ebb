/**
 * Option syntax as Wire's OptionReader reads it: `[a = 1, (b).c = "x"]` after a field, and the text-format values
 * of `option d = { e: 1 f: [2, 3] };`, where a repeated key gathers its values into one list.
 */

import { OptionElement, OptionValue } from './ast';
import { SyntaxReader } from './reader';

export class OptionReader {
  constructor(private readonly reader: SyntaxReader) {}

  readOptions(): OptionElement[] {
    const result: OptionElement[] = [];
    if (!this.reader.peekCharIs('[')) return result;
    for (;;) {
      result.push(this.readOption('='));
      if (this.reader.peekCharIs(']')) return result;
      this.reader.expect(this.reader.peekCharIs(','), "Expected ',' or ']");
    }
  }

  readOption(separator: '=' | ':'): OptionElement {
    const opening = this.reader.peekChar();
    const isExtension = opening === '[';
    const parenthesized = opening === '(';
    let name = this.reader.readName();
    if (isExtension) name = `[${name}]`;
    let subName: string | null = null;
    let c = this.reader.readChar();
    if (c === '.') {
      // `(foo.bar).baz.qux = 1`: the part after the parenthesis names a field of the option's message.
      subName = this.reader.readName();
      c = this.reader.readChar();
    }
    if (separator === ':' && c === '{') {
      // In text format a message value may follow its name without a colon.
      this.reader.pushBack('{');
    } else {
      this.reader.expect(c === separator, `expected '${separator}' in option`);
    }
    let value = this.readValue();
    if (subName !== null) value = nestedOption(subName, value);
    return { name, parenthesized, value };
  }

  private readValue(): OptionValue {
    const peeked = this.reader.peekChar();
    if (peeked === '{') return { kind: 'MAP', entries: this.readMap() };
    if (peeked === '[') return { kind: 'LIST', items: this.readList() };
    if (peeked === '"' || peeked === "'") return { kind: 'STRING', value: this.reader.readString() };
    if (/[0-9]/.test(peeked) || peeked === '-') return { kind: 'NUMBER', value: this.reader.readWord() };
    const word = this.reader.readWord();
    if (word === 'true' || word === 'false') return { kind: 'BOOLEAN', value: word };
    return { kind: 'ENUM', value: word };
  }

  private readMap(): Map<string, OptionValue> {
    this.reader.require('{');
    const result = new Map<string, OptionValue>();
    for (;;) {
      if (this.reader.peekCharIs('}')) return result;
      const option = this.readOption(':');
      addMapEntry(result, option.name, option.value);
      this.reader.peekCharIs(',');
    }
  }

  private readList(): OptionValue[] {
    this.reader.require('[');
    const result: OptionValue[] = [];
    for (;;) {
      if (this.reader.peekCharIs(']')) return result;
      result.push(this.readValue());
      if (this.reader.peekCharIs(',')) continue;
      this.reader.expect(this.reader.peekChar() === ']', "expected ',' or ']'");
    }
  }
}

/** `a.b.c` with value v reads as option a's field b's field c = v: nested OPTION values. */
function nestedOption(path: string, value: OptionValue): OptionValue {
  const parts = path.split('.');
  let result = value;
  for (let i = parts.length - 1; i >= 0; i--) {
    result = { kind: 'OPTION', option: { name: parts[i], parenthesized: false, value: result } };
  }
  return result;
}

/** A repeated key in a text-format map gathers its values into one list, as Wire's reader does. */
function addMapEntry(map: Map<string, OptionValue>, name: string, value: OptionValue): void {
  if (value.kind === 'OPTION') {
    const existing = map.get(name);
    const nested = existing?.kind === 'MAP' ? existing.entries : new Map<string, OptionValue>();
    if (existing?.kind !== 'MAP') map.set(name, { kind: 'MAP', entries: nested });
    nested.set(value.option.name, value.option.value);
    return;
  }
  const previous = map.get(name);
  if (previous === undefined) {
    map.set(name, value);
  } else if (previous.kind === 'LIST') {
    appendToList(previous.items, value);
  } else {
    const items = [previous];
    appendToList(items, value);
    map.set(name, { kind: 'LIST', items });
  }
}

function appendToList(items: OptionValue[], value: OptionValue): void {
  if (value.kind === 'LIST') items.push(...value.items);
  else items.push(value);
}
