/**
 * A .proto file as Square Wire's parser models it (ProtoFileElement and its elements), which is what Confluent's
 * registry prints, normalizes and compares. protobufjs's reflection loses what that needs (declaration order of
 * messages against enums, `reserved 5` against `reserved 5 to 5`, option values as written, labels as written), so the
 * provider keeps this tree of its own and uses protobufjs only to resolve types.
 */

export type Syntax = 'proto2' | 'proto3';
export type Label = 'optional' | 'required' | 'repeated';

/** Wire's MAX_TAG_VALUE: `to max` in a range, and what a range ending there prints as. */
export const MAX_TAG_VALUE = 536_870_911;

/** An inclusive range `start to end` (Kotlin's IntRange); a lone number is kept as a plain number. */
interface TagRange {
  start: number;
  end: number;
}
export type TagValue = number | TagRange;

/** An option's value, by Wire's OptionElement.Kind; a STRING holds the unescaped text. */
export type OptionValue =
  | { kind: 'STRING'; value: string }
  | { kind: 'BOOLEAN' | 'NUMBER' | 'ENUM'; value: string }
  | { kind: 'MAP'; entries: Map<string, OptionValue> }
  | { kind: 'LIST'; items: OptionValue[] }
  | { kind: 'OPTION'; option: OptionElement };

export interface OptionElement {
  name: string;
  parenthesized: boolean;
  value: OptionValue;
}

export interface FieldElement {
  label: Label | null;
  type: string;
  name: string;
  tag: number;
  /** `[default = ...]` and `[json_name = ...]` are kept apart from the options, as Wire does. */
  defaultValue: string | null;
  jsonName: string | null;
  options: OptionElement[];
}

export interface GroupElement {
  label: Label | null;
  name: string;
  tag: number;
  fields: FieldElement[];
}

export interface OneOfElement {
  name: string;
  fields: FieldElement[];
  groups: GroupElement[];
  options: OptionElement[];
}

export interface ReservedElement {
  values: (string | TagValue)[];
}

export interface ExtensionsElement {
  values: TagValue[];
}

export interface ExtendElement {
  name: string;
  fields: FieldElement[];
}

export interface EnumConstantElement {
  name: string;
  tag: number;
  options: OptionElement[];
}

export interface EnumElement {
  kind: 'enum';
  name: string;
  options: OptionElement[];
  constants: EnumConstantElement[];
  reserveds: ReservedElement[];
}

export interface MessageElement {
  kind: 'message';
  name: string;
  nestedTypes: TypeElement[];
  options: OptionElement[];
  reserveds: ReservedElement[];
  fields: FieldElement[];
  oneOfs: OneOfElement[];
  extensions: ExtensionsElement[];
  groups: GroupElement[];
  extendDeclarations: ExtendElement[];
}

export type TypeElement = MessageElement | EnumElement;

export interface RpcElement {
  name: string;
  requestType: string;
  responseType: string;
  requestStreaming: boolean;
  responseStreaming: boolean;
  options: OptionElement[];
}

export interface ServiceElement {
  name: string;
  rpcs: RpcElement[];
  options: OptionElement[];
}

export interface ProtoFile {
  packageName: string | null;
  syntax: Syntax | null;
  imports: string[];
  publicImports: string[];
  weakImports: string[];
  types: TypeElement[];
  services: ServiceElement[];
  extendDeclarations: ExtendElement[];
  options: OptionElement[];
}

export function emptyMessage(name: string): MessageElement {
  return {
    kind: 'message',
    name,
    nestedTypes: [],
    options: [],
    reserveds: [],
    fields: [],
    oneOfs: [],
    extensions: [],
    groups: [],
    extendDeclarations: [],
  };
}

export function emptyFile(): ProtoFile {
  return {
    packageName: null,
    syntax: null,
    imports: [],
    publicImports: [],
    weakImports: [],
    types: [],
    services: [],
    extendDeclarations: [],
    options: [],
  };
}

export function isRange(value: string | TagValue): value is TagRange {
  return typeof value === 'object';
}

const SCALARS = new Set([
  'bool',
  'bytes',
  'double',
  'float',
  'fixed32',
  'fixed64',
  'int32',
  'int64',
  'sfixed32',
  'sfixed64',
  'sint32',
  'sint64',
  'string',
  'uint32',
  'uint64',
]);

/** A field's type as Wire's ProtoType reads it: a scalar, a `map<K, V>`, or a (possibly qualified) type name. */
export interface ProtoType {
  readonly name: string;
  readonly isScalar: boolean;
  readonly key: ProtoType | null;
  readonly value: ProtoType | null;
}

export function protoType(name: string): ProtoType {
  if (name.startsWith('map<') && name.endsWith('>')) {
    const comma = name.indexOf(',');
    if (comma > 0) {
      const key = protoType(name.substring(4, comma).trim());
      const value = protoType(name.substring(comma + 1, name.length - 1).trim());
      return { name: `map<${key.name}, ${value.name}>`, isScalar: false, key, value };
    }
  }
  return { name, isScalar: SCALARS.has(name), key: null, value: null };
}

export function isMapType(type: ProtoType): boolean {
  return type.key !== null && type.value !== null;
}

/** The last part of a dotted name, as ProtoType.simpleName gives it. */
export function simpleName(name: string): string {
  return name.substring(name.lastIndexOf('.') + 1);
}
