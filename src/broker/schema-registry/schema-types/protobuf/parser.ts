/**
 * Parses .proto source text into the Wire-shaped tree of ./ast, accepting and refusing what Wire's ProtoParser and
 * OptionReader do (Confluent's registry parses every Protobuf schema with them). Comments are skipped: the registry's
 * printer does not print them.
 */

import {
  emptyFile,
  emptyMessage,
  EnumConstantElement,
  EnumElement,
  ExtendElement,
  ExtensionsElement,
  FieldElement,
  GroupElement,
  Label,
  MAX_TAG_VALUE,
  MessageElement,
  OneOfElement,
  OptionElement,
  OptionValue,
  ProtoFile,
  ReservedElement,
  RpcElement,
  ServiceElement,
  TagValue,
} from './ast';
import { OptionReader } from './option-reader';
import { SyntaxReader } from './reader';

type Scope = 'file' | 'message' | 'enum' | 'rpc' | 'extend' | 'service';

type Declaration =
  | { kind: 'type'; element: MessageElement | EnumElement }
  | { kind: 'service'; element: ServiceElement }
  | { kind: 'option'; element: OptionElement }
  | { kind: 'extend'; element: ExtendElement }
  | { kind: 'field'; element: FieldElement }
  | { kind: 'group'; element: GroupElement }
  | { kind: 'oneof'; element: OneOfElement }
  | { kind: 'reserved'; element: ReservedElement }
  | { kind: 'extensions'; element: ExtensionsElement }
  | { kind: 'constant'; element: EnumConstantElement }
  | { kind: 'rpc'; element: RpcElement }
  | null;

export function parseProto(text: string): ProtoFile {
  return new ProtoParser(text).readProtoFile();
}

class ProtoParser {
  private readonly reader: SyntaxReader;
  private readonly file = emptyFile();
  private declarationCount = 0;

  constructor(text: string) {
    this.reader = new SyntaxReader(text);
  }

  readProtoFile(): ProtoFile {
    for (;;) {
      this.reader.skipDocumentation();
      if (this.reader.exhausted()) return this.file;
      this.addFileDeclaration(this.readDeclaration('file'));
    }
  }

  private addFileDeclaration(declaration: Declaration): void {
    if (declaration === null) return;
    switch (declaration.kind) {
      case 'type':
        this.reader.expect(
          !this.file.types.some((t) => t.name === declaration.element.name),
          `${declaration.element.name} is already defined`,
        );
        this.file.types.push(declaration.element);
        break;
      case 'service':
        this.reader.expect(
          !this.file.services.some((s) => s.name === declaration.element.name),
          `${declaration.element.name} is already defined`,
        );
        this.file.services.push(declaration.element);
        break;
      case 'option':
        this.file.options.push(declaration.element);
        break;
      case 'extend':
        this.file.extendDeclarations.push(declaration.element);
        break;
      default:
        break;
    }
  }

  private readDeclaration(scope: Scope): Declaration {
    const index = this.declarationCount++;
    // Stray semicolons (after a nested message's closing brace, say) are allowed.
    if (this.reader.peekCharIs(';')) return null;
    const label = this.reader.readWord(scope !== 'enum');
    if (scope === 'file') {
      const fileLevel = this.readFileDeclaration(label, index);
      if (fileLevel !== undefined) return fileLevel;
    }
    return this.readCommonDeclaration(label, scope);
  }

  /** `package`, `import` and `syntax`, allowed only at the top of a file; undefined for anything else. */
  private readFileDeclaration(label: string, index: number): Declaration | undefined {
    switch (label) {
      case 'package':
        this.file.packageName = this.reader.readName();
        this.reader.require(';');
        return null;
      case 'import':
        this.readImport();
        return null;
      case 'syntax':
        this.readSyntax(index);
        return null;
      case 'edition':
        throw this.reader.unexpected('edition is not currently supported');
      default:
        return undefined;
    }
  }

  private readImport(): void {
    const peeked = this.reader.peekChar();
    if (peeked === '"' || peeked === "'") {
      this.file.imports.push(importPath(this.reader.readQuotedString()));
    } else {
      const modifier = this.reader.readString();
      if (modifier === 'weak') this.file.weakImports.push(importPath(this.reader.readQuotedString()));
      else if (modifier === 'public') this.file.publicImports.push(importPath(this.reader.readQuotedString()));
      else throw this.reader.unexpected('expected quoted string');
    }
    this.reader.require(';');
  }

  private readSyntax(index: number): void {
    this.reader.expect(this.file.syntax === null, 'too many syntax definitions');
    this.reader.require('=');
    this.reader.expect(index === 0, "'syntax' element must be the first declaration in a file");
    const syntax = this.reader.readQuotedString();
    if (syntax !== 'proto2' && syntax !== 'proto3') throw this.reader.unexpected(`unexpected syntax: ${syntax}`);
    this.file.syntax = syntax;
    this.reader.require(';');
  }

  private readCommonDeclaration(label: string, scope: Scope): Declaration {
    const inMessage = scope === 'message';
    const inFileOrMessage = scope === 'file' || inMessage;
    if (label === 'option') {
      const element = new OptionReader(this.reader).readOption('=');
      this.reader.require(';');
      return { kind: 'option', element };
    }
    if (label === 'reserved') return { kind: 'reserved', element: this.readReserved() };
    if (label === 'message' && inFileOrMessage) return { kind: 'type', element: this.readMessage() };
    if (label === 'enum' && inFileOrMessage) return { kind: 'type', element: this.readEnum() };
    if (label === 'service' && scope === 'file') return { kind: 'service', element: this.readService() };
    if (label === 'extend' && inFileOrMessage) return { kind: 'extend', element: this.readExtend() };
    if (label === 'rpc' && scope === 'service') return { kind: 'rpc', element: this.readRpc() };
    if (label === 'oneof' && inMessage) return { kind: 'oneof', element: this.readOneOf() };
    if (label === 'extensions' && inMessage) return { kind: 'extensions', element: this.readExtensions() };
    if (inMessage || scope === 'extend') return this.readLabeledField(label);
    if (scope === 'enum') return { kind: 'constant', element: this.readEnumConstant(label) };
    throw this.reader.unexpected(`unexpected label: ${label}`);
  }

  /** Reads declarations up to the closing brace (the opening one already read). */
  private readBlock(scope: Scope, add: (declaration: Declaration) => void): void {
    for (;;) {
      this.reader.skipDocumentation();
      if (this.reader.peekCharIs('}')) return;
      add(this.readDeclaration(scope));
    }
  }

  private readMessage(): MessageElement {
    const message = emptyMessage(this.reader.readName());
    this.reader.require('{');
    this.readBlock('message', (d) => addToMessage(message, d));
    return message;
  }

  private readExtend(): ExtendElement {
    const extend: ExtendElement = { name: this.reader.readName(), fields: [] };
    this.reader.require('{');
    this.readBlock('extend', (d) => {
      if (d?.kind === 'field') extend.fields.push(d.element);
    });
    return extend;
  }

  private readService(): ServiceElement {
    const service: ServiceElement = { name: this.reader.readName(), rpcs: [], options: [] };
    this.reader.require('{');
    this.readBlock('service', (d) => {
      if (d?.kind === 'rpc') service.rpcs.push(d.element);
      else if (d?.kind === 'option') service.options.push(d.element);
    });
    return service;
  }

  private readEnum(): EnumElement {
    const element: EnumElement = {
      kind: 'enum',
      name: this.reader.readName(),
      options: [],
      constants: [],
      reserveds: [],
    };
    this.reader.require('{');
    this.readBlock('enum', (d) => {
      if (d?.kind === 'constant') element.constants.push(d.element);
      else if (d?.kind === 'option') element.options.push(d.element);
      else if (d?.kind === 'reserved') element.reserveds.push(d.element);
    });
    return element;
  }

  private readLabeledField(word: string): Declaration {
    let label: Label | null = null;
    let type: string;
    if (word === 'required') {
      this.reader.expect(this.file.syntax !== 'proto3', "'required' label forbidden in proto3 field declarations");
      label = 'required';
      type = this.reader.readDataType();
    } else if (word === 'optional' || word === 'repeated') {
      label = word;
      type = this.reader.readDataType();
    } else {
      this.reader.expect(
        this.file.syntax === 'proto3' || (word === 'map' && this.reader.peekChar() === '<'),
        `unexpected label: ${word}`,
      );
      type = this.reader.readDataType(word);
    }
    this.reader.expect(!type.startsWith('map<') || label === null, "'map' type cannot have label");
    if (type === 'group') return { kind: 'group', element: this.readGroup(label) };
    return { kind: 'field', element: this.readField(label, type) };
  }

  private readField(label: Label | null, type: string): FieldElement {
    const name = this.reader.readName(false);
    this.reader.require('=');
    const tag = this.reader.readInt();
    const options = new OptionReader(this.reader).readOptions();
    // Wire keeps the default value and the JSON name apart from the options (the printer puts them back last).
    const defaultValue = stripOption(options, 'default');
    const jsonName = stripOption(options, 'json_name');
    this.reader.require(';');
    this.reader.skipTrailingDocumentation();
    return { label, type, name, tag, defaultValue, jsonName, options };
  }

  private readOneOf(): OneOfElement {
    const oneOf: OneOfElement = { name: this.reader.readName(), fields: [], groups: [], options: [] };
    this.reader.require('{');
    for (;;) {
      this.reader.skipDocumentation();
      if (this.reader.peekCharIs('}')) return oneOf;
      const type = this.reader.readDataType();
      if (type === 'group') {
        oneOf.groups.push(this.readGroup(null));
      } else if (type === 'option') {
        oneOf.options.push(new OptionReader(this.reader).readOption('='));
        this.reader.require(';');
      } else {
        oneOf.fields.push(this.readField(null, type));
      }
    }
  }

  private readGroup(label: Label | null): GroupElement {
    const name = this.reader.readWord();
    this.reader.require('=');
    const tag = this.reader.readInt();
    const group: GroupElement = { label, name, tag, fields: [] };
    this.reader.require('{');
    for (;;) {
      this.reader.skipDocumentation();
      if (this.reader.peekCharIs('}')) return group;
      const field = this.readLabeledField(this.reader.readWord());
      if (field?.kind !== 'field') throw this.reader.unexpected('expected field declaration');
      group.fields.push(field.element);
    }
  }

  private readReserved(): ReservedElement {
    const values: (string | TagValue)[] = [];
    for (;;) {
      const c = this.reader.peekChar();
      if (c === '"' || c === "'") {
        values.push(this.reader.readQuotedString());
      } else {
        const start = this.reader.readInt();
        const next = this.reader.peekChar();
        values.push(next === ',' || next === ';' ? start : this.readRangeEnd(start, "expected ',', ';', or 'to'"));
      }
      const separator = this.reader.readChar();
      if (separator === ';') break;
      if (separator !== ',') throw this.reader.unexpected("expected ',' or ';'");
    }
    this.reader.expect(values.length > 0, "'reserved' must have at least one field name or tag");
    this.reader.skipTrailingDocumentation();
    return { values };
  }

  private readRangeEnd(start: number, message: string): TagValue {
    this.reader.expect(this.reader.readWord() === 'to', message);
    const end = this.reader.readWord();
    if (end === 'max') return { start, end: MAX_TAG_VALUE };
    const value = Number(end);
    if (!/^[+-]?[0-9]+$/.test(end) || !Number.isSafeInteger(value)) {
      throw this.reader.unexpected(`expected an integer but was ${end}`);
    }
    return { start, end: value };
  }

  private readExtensions(): ExtensionsElement {
    const values: TagValue[] = [];
    for (;;) {
      const start = this.reader.readInt();
      const next = this.reader.peekChar();
      values.push(
        next === ',' || next === ';' || next === '['
          ? start
          : this.readRangeEnd(start, "expected ',', ';', '[' or 'to'"),
      );
      if (this.reader.peekChar() === '[') {
        // Extension range options (declarations) are read and dropped: the registry's printer ignores them.
        new OptionReader(this.reader).readOptions();
        this.reader.require(';');
        break;
      }
      const separator = this.reader.readChar();
      if (separator === ';') break;
      if (separator !== ',') throw this.reader.unexpected("expected ',' or ';'");
    }
    return { values };
  }

  private readEnumConstant(name: string): EnumConstantElement {
    this.reader.require('=');
    const tag = this.reader.readInt();
    const options = new OptionReader(this.reader).readOptions();
    this.reader.require(';');
    this.reader.skipTrailingDocumentation();
    return { name, tag, options };
  }

  private readRpc(): RpcElement {
    const name = this.reader.readName();
    const [requestType, requestStreaming] = this.readRpcType();
    this.reader.expect(this.reader.readWord() === 'returns', "expected 'returns'");
    const [responseType, responseStreaming] = this.readRpcType();
    const options: OptionElement[] = [];
    if (this.reader.peekCharIs('{')) {
      this.readBlock('rpc', (d) => {
        if (d?.kind === 'option') options.push(d.element);
      });
    } else {
      this.reader.require(';');
    }
    return { name, requestType, responseType, requestStreaming, responseStreaming, options };
  }

  private readRpcType(): [string, boolean] {
    this.reader.require('(');
    const word = this.reader.readWord();
    const streaming = word === 'stream';
    const type = streaming ? this.reader.readDataType() : this.reader.readDataType(word);
    this.reader.require(')');
    return [type, streaming];
  }
}

function addToMessage(message: MessageElement, declaration: Declaration): void {
  if (declaration === null) return;
  switch (declaration.kind) {
    case 'field':
      message.fields.push(declaration.element);
      break;
    case 'oneof':
      message.oneOfs.push(declaration.element);
      break;
    case 'group':
      message.groups.push(declaration.element);
      break;
    case 'type':
      message.nestedTypes.push(declaration.element);
      break;
    case 'extensions':
      message.extensions.push(declaration.element);
      break;
    case 'option':
      message.options.push(declaration.element);
      break;
    case 'extend':
      message.extendDeclarations.push(declaration.element);
      break;
    case 'reserved':
      message.reserveds.push(declaration.element);
      break;
    default:
      break;
  }
}

/** Removes every option called `name` and gives the last one's value as text. */
function stripOption(options: OptionElement[], name: string): string | null {
  let result: string | null = null;
  for (let i = 0; i < options.length; ) {
    if (options[i].name === name) {
      result = optionText(options[i].value);
      options.splice(i, 1);
    } else {
      i++;
    }
  }
  return result;
}

function optionText(value: OptionValue): string {
  switch (value.kind) {
    case 'STRING':
    case 'BOOLEAN':
    case 'NUMBER':
    case 'ENUM':
      return value.value;
    default:
      // A default that is a message literal is not valid; Wire would keep its Kotlin text, which nothing relies on.
      return '';
  }
}

/** Wire reads import paths as file paths: forward slashes, `.` segments dropped, `..` applied. */
function importPath(path: string): string {
  const absolute = path.startsWith('/');
  const parts: string[] = [];
  for (const part of path.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
    else parts.push(part);
  }
  return (absolute ? '/' : '') + parts.join('/');
}
