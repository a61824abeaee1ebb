/**
 * A schema sent as a base64 serialized FileDescriptorProto, which Confluent's registry accepts in place of .proto
 * text, turned into the file tree Confluent makes of it (ProtobufSchema.toProtoFile(FileDescriptorProto)): the
 * standard options it knows in its order, types as the descriptor names them (fully qualified), map fields as their
 * entry messages. Custom options are dropped: Confluent decodes the descriptor without their definitions, so they
 * never reach its tree either.
 */

import * as descriptor from 'protobufjs/ext/descriptor';
import {
  emptyFile,
  emptyMessage,
  EnumElement,
  ExtendElement,
  FieldElement,
  Label,
  MessageElement,
  OptionElement,
  ProtoFile,
  RpcElement,
  ServiceElement,
  Syntax,
  TagValue,
} from './ast';

interface Range {
  start?: number;
  end?: number;
}
type Options = Record<string, unknown>;
interface FieldProto {
  name?: string;
  number?: number;
  label?: string;
  type?: string;
  typeName?: string;
  extendee?: string;
  defaultValue?: string;
  oneofIndex?: number;
  jsonName?: string;
  options?: Options;
  proto3Optional?: boolean;
}
interface EnumProto {
  name?: string;
  value?: { name?: string; number?: number; options?: Options }[];
  options?: Options;
  reservedRange?: Range[];
  reservedName?: string[];
}
interface MessageProto {
  name?: string;
  field?: FieldProto[];
  extension?: FieldProto[];
  nestedType?: MessageProto[];
  enumType?: EnumProto[];
  extensionRange?: Range[];
  oneofDecl?: { name?: string }[];
  options?: Options;
  reservedRange?: Range[];
  reservedName?: string[];
}
interface ServiceProto {
  name?: string;
  method?: {
    name?: string;
    inputType?: string;
    outputType?: string;
    clientStreaming?: boolean;
    serverStreaming?: boolean;
    options?: Options;
  }[];
  options?: Options;
}
interface FileProto {
  package?: string;
  dependency?: string[];
  publicDependency?: number[];
  messageType?: MessageProto[];
  enumType?: EnumProto[];
  service?: ServiceProto[];
  extension?: FieldProto[];
  options?: Options;
  syntax?: string;
}

/** Java's Base64 decoder: the standard alphabet only, no whitespace, padding optional. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

/** The file a base64 FileDescriptorProto describes, or null when the text is not one. */
export function parseDescriptorText(text: string): ProtoFile | null {
  if (text.length === 0 || !BASE64.test(text)) return null;
  try {
    const message = descriptor.FileDescriptorProto.decode(Buffer.from(text, 'base64'));
    const file = descriptor.FileDescriptorProto.toObject(message, { enums: String, longs: Number, defaults: false });
    return toProtoFile(file as FileProto);
  } catch {
    return null;
  }
}

/** The standard file options Confluent carries over, in its order, with their kinds. */
const FILE_OPTIONS: [string, string, OptionKind][] = [
  ['javaPackage', 'java_package', 'STRING'],
  ['javaOuterClassname', 'java_outer_classname', 'STRING'],
  ['javaMultipleFiles', 'java_multiple_files', 'BOOLEAN'],
  ['javaGenerateEqualsAndHash', 'java_generate_equals_and_hash', 'BOOLEAN'],
  ['javaStringCheckUtf8', 'java_string_check_utf8', 'BOOLEAN'],
  ['optimizeFor', 'optimize_for', 'ENUM'],
  ['goPackage', 'go_package', 'STRING'],
  ['ccGenericServices', 'cc_generic_services', 'BOOLEAN'],
  ['javaGenericServices', 'java_generic_services', 'BOOLEAN'],
  ['pyGenericServices', 'py_generic_services', 'BOOLEAN'],
  ['phpGenericServices', 'php_generic_services', 'BOOLEAN'],
  ['deprecated', 'deprecated', 'BOOLEAN'],
  ['ccEnableArenas', 'cc_enable_arenas', 'BOOLEAN'],
  ['objcClassPrefix', 'objc_class_prefix', 'STRING'],
  ['csharpNamespace', 'csharp_namespace', 'STRING'],
  ['swiftPrefix', 'swift_prefix', 'STRING'],
  ['phpClassPrefix', 'php_class_prefix', 'STRING'],
  ['phpNamespace', 'php_namespace', 'STRING'],
  ['phpMetadataNamespace', 'php_metadata_namespace', 'STRING'],
  ['rubyPackage', 'ruby_package', 'STRING'],
];
const MESSAGE_OPTIONS: [string, string, OptionKind][] = [
  ['noStandardDescriptorAccessor', 'no_standard_descriptor_accessor', 'BOOLEAN'],
  ['deprecated', 'deprecated', 'BOOLEAN'],
  ['mapEntry', 'map_entry', 'BOOLEAN'],
];
const FIELD_OPTIONS: [string, string, OptionKind][] = [
  ['ctype', 'ctype', 'ENUM'],
  ['packed', 'packed', 'BOOLEAN'],
  ['jstype', 'jstype', 'ENUM'],
  ['deprecated', 'deprecated', 'BOOLEAN'],
];
const ENUM_OPTIONS: [string, string, OptionKind][] = [
  ['allowAlias', 'allow_alias', 'BOOLEAN'],
  ['deprecated', 'deprecated', 'BOOLEAN'],
];
const DEPRECATED_ONLY: [string, string, OptionKind][] = [['deprecated', 'deprecated', 'BOOLEAN']];
const METHOD_OPTIONS: [string, string, OptionKind][] = [
  ['deprecated', 'deprecated', 'BOOLEAN'],
  ['idempotencyLevel', 'idempotency_level', 'ENUM'],
];

type OptionKind = 'STRING' | 'BOOLEAN' | 'ENUM';

function standardOptions(options: Options | undefined, known: [string, string, OptionKind][]): OptionElement[] {
  if (options === undefined) return [];
  return known
    .filter(([key]) => options[key] !== undefined)
    .map(([key, name, kind]) => ({ name, parenthesized: false, value: { kind, value: String(options[key]) } }));
}

function toProtoFile(file: FileProto): ProtoFile {
  const proto = emptyFile();
  proto.packageName = file.package !== undefined && file.package !== '' ? file.package : null;
  proto.syntax = file.syntax === 'proto2' || file.syntax === 'proto3' ? (file.syntax as Syntax) : null;
  const isProto3 = file.syntax === 'proto3';
  proto.types = [
    ...(file.messageType ?? []).map((m) => toMessage(m, isProto3)),
    ...(file.enumType ?? []).map(toEnum),
  ];
  proto.services = (file.service ?? []).map(toService);
  const publicIndexes = new Set(file.publicDependency ?? []);
  (file.dependency ?? []).forEach((dependency, i) => {
    (publicIndexes.has(i) ? proto.publicImports : proto.imports).push(dependency);
  });
  proto.options = standardOptions(file.options, FILE_OPTIONS);
  proto.extendDeclarations = toExtends(file.extension ?? [], isProto3);
  return proto;
}

/** Extensions grouped by the (fully qualified) type they extend, in first-seen order. */
function toExtends(fields: readonly FieldProto[], isProto3: boolean): ExtendElement[] {
  const byExtendee = new Map<string, FieldElement[]>();
  for (const field of fields) {
    const extendee = field.extendee ?? '';
    const list = byExtendee.get(extendee) ?? [];
    list.push(toField(field, false, isProto3));
    byExtendee.set(extendee, list);
  }
  return [...byExtendee].map(([name, list]) => ({ name, fields: list }));
}

function toMessage(message: MessageProto, isProto3: boolean): MessageElement {
  const element = emptyMessage(message.name ?? '');
  const oneOfs = (message.oneofDecl ?? []).map((o) => ({ name: o.name ?? '', fields: [] as FieldElement[] }));
  for (const field of message.field ?? []) {
    const oneOf = field.oneofIndex !== undefined && field.proto3Optional !== true ? oneOfs[field.oneofIndex] : undefined;
    if (oneOf !== undefined) oneOf.fields.push(toField(field, true, isProto3));
    else element.fields.push(toField(field, false, isProto3));
  }
  element.nestedTypes = [
    ...(message.nestedType ?? []).map((m) => toMessage(m, isProto3)),
    ...(message.enumType ?? []).map(toEnum),
  ];
  element.reserveds = [
    ...(message.reservedRange ?? []).map((r) => ({ values: [exclusiveRange(r)] })),
    ...(message.reservedName ?? []).map((name) => ({ values: [name] })),
  ];
  element.extensions = (message.extensionRange ?? []).map((r) => ({ values: [exclusiveRange(r)] }));
  element.options = standardOptions(message.options, MESSAGE_OPTIONS);
  element.extendDeclarations = toExtends(message.extension ?? [], isProto3);
  // Oneofs left empty (the synthetic ones of proto3 optional fields) are dropped; groups are not carried over.
  element.oneOfs = oneOfs.filter((o) => o.fields.length > 0).map((o) => ({ ...o, groups: [], options: [] }));
  return element;
}

function exclusiveRange(range: Range): TagValue {
  const start = range.start ?? 0;
  const end = (range.end ?? 0) - 1;
  return start === end ? start : { start, end };
}

function toEnum(element: EnumProto): EnumElement {
  return {
    kind: 'enum',
    name: element.name ?? '',
    constants: (element.value ?? []).map((v) => ({
      name: v.name ?? '',
      tag: v.number ?? 0,
      options: standardOptions(v.options, DEPRECATED_ONLY),
    })),
    reserveds: [
      ...(element.reservedRange ?? []).map((r) => ({
        // Enum reserved ranges are inclusive at both ends.
        values: [r.start === r.end ? (r.start ?? 0) : { start: r.start ?? 0, end: r.end ?? 0 }],
      })),
      ...(element.reservedName ?? []).map((name) => ({ values: [name] })),
    ],
    options: standardOptions(element.options, ENUM_OPTIONS),
  };
}

function toService(service: ServiceProto): ServiceElement {
  const rpcs: RpcElement[] = (service.method ?? []).map((m) => ({
    name: m.name ?? '',
    requestType: m.inputType ?? '',
    responseType: m.outputType ?? '',
    requestStreaming: m.clientStreaming === true,
    responseStreaming: m.serverStreaming === true,
    options: standardOptions(m.options, METHOD_OPTIONS),
  }));
  return { name: service.name ?? '', rpcs, options: standardOptions(service.options, DEPRECATED_ONLY) };
}

function toField(field: FieldProto, inOneOf: boolean, isProto3: boolean): FieldElement {
  return {
    label: inOneOf ? null : label(field, isProto3),
    type: field.typeName ?? (field.type ?? 'TYPE_INT32').replace(/^TYPE_/, '').toLowerCase(),
    name: field.name ?? '',
    tag: field.number ?? 0,
    defaultValue: !isProto3 && field.defaultValue !== undefined ? field.defaultValue : null,
    jsonName: field.jsonName ?? null,
    options: standardOptions(field.options, FIELD_OPTIONS),
  };
}

function label(field: FieldProto, isProto3: boolean): Label | null {
  if (field.proto3Optional === true) return 'optional';
  switch (field.label) {
    case 'LABEL_REPEATED':
      return 'repeated';
    case 'LABEL_REQUIRED':
      return isProto3 ? null : 'required';
    default:
      return isProto3 ? null : 'optional';
  }
}
