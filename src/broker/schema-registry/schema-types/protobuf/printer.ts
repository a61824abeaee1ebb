/**
 * Prints a parsed .proto file the way Confluent's registry prints it for `canonicalString()` and, with `normalize`,
 * for `normalize()` (ProtobufSchemaUtils.toString / toNormalizedString): syntax, package, imports, options, then
 * messages before enums, two-space indentation, a blank line between the sections of a block, and no comments.
 */

import {
  EnumConstantElement,
  EnumElement,
  ExtendElement,
  ExtensionsElement,
  FieldElement,
  GroupElement,
  isMapType,
  isRange,
  MAX_TAG_VALUE,
  MessageElement,
  OneOfElement,
  OptionElement,
  ProtoFile,
  protoType,
  ReservedElement,
  RpcElement,
  ServiceElement,
  simpleName,
  TagValue,
  TypeElement,
} from './ast';
import { mapTypeOf, TypeContext } from './context';
import { bracketedOptions, compareStrings, indent, normalizeOptions, optionDeclaration, OptionFormat } from './options';

/** A type name the normalizer must qualify and cannot: Confluent refuses such a schema. */
export class UnresolvedTypeError extends Error {
  override name = 'UnresolvedTypeError';
}

type PrintMode = 'canonical' | 'normalized' | 'skeleton';

/**
 * `skeleton` prints the declarations without options (but an enum's allow_alias) and without reserved ranges, for
 * protobufjs to check: the option syntax Wire accepts is wider than protobufjs's, options play no part in resolving
 * types, and Confluent does not refuse a number that is both reserved and used (its own tests register one).
 */
export function printProto(file: ProtoFile, mode: PrintMode, ctx: TypeContext = new TypeContext()): string {
  return new ProtoPrinter(ctx, mode).file(file);
}

class ProtoPrinter implements OptionFormat {
  readonly normalize: boolean;
  private readonly skeleton: boolean;

  constructor(
    readonly ctx: TypeContext,
    mode: PrintMode,
  ) {
    this.normalize = mode === 'normalized';
    this.skeleton = mode === 'skeleton';
  }

  file(file: ProtoFile): string {
    let out = '';
    if (file.syntax !== null && (!this.normalize || file.syntax === 'proto3')) out += `syntax = "${file.syntax}";\n`;
    if (file.packageName !== null) out += `package ${file.packageName};\n`;
    if (file.imports.length > 0 || file.publicImports.length > 0) {
      out += '\n';
      for (const path of this.sortedIfNormalizing(file.imports)) out += `import "${path}";\n`;
      for (const path of this.sortedIfNormalizing(file.publicImports)) out += `import public "${path}";\n`;
    }
    const options = this.filterOptions(file.options);
    if (options.length > 0) out += '\n' + options.map((o) => optionDeclaration(this, o)).join('');
    const types = this.filterTypes(file.types);
    // Messages keep their order among themselves: clients number them by position in the schema as registered.
    if (types.length > 0) out += '\n' + this.types(types, (text) => text);
    if (file.extendDeclarations.length > 0) {
      out += '\n' + this.extendDeclarations(file.extendDeclarations).map((e) => this.extend(e)).join('');
    }
    if (file.services.length > 0) out += '\n' + file.services.map((s) => this.service(s)).join('');
    return out;
  }

  private sortedIfNormalizing(paths: readonly string[]): readonly string[] {
    return this.normalize ? [...new Set(paths)].sort(compareStrings) : paths;
  }

  private types(types: readonly TypeElement[], wrap: (text: string) => string): string {
    let out = '';
    for (const type of types) {
      if (type.kind === 'message') out += wrap(this.ctx.withName(type.name, () => this.message(type)));
    }
    for (const type of types) {
      if (type.kind === 'enum') out += wrap(this.ctx.withName(type.name, () => this.enumType(type)));
    }
    return out;
  }

  /** Normalizing leaves out the entry messages of maps (printed as `map<K, V>` fields instead). */
  private filterTypes(types: readonly TypeElement[]): readonly TypeElement[] {
    if (!this.normalize) return types;
    return types.filter((type) => type.kind !== 'message' || !this.ctx.getType(type.name, 'original')?.isMap);
  }

  private filterOptions(options: readonly OptionElement[]): readonly OptionElement[] {
    if (this.skeleton) return [];
    return this.normalize ? normalizeOptions(this.ctx, options) : options;
  }

  private optionLines(options: readonly OptionElement[]): string {
    return options.map((o) => indent(optionDeclaration(this, o))).join('');
  }

  private message(message: MessageElement): string {
    let out = `message ${message.name} {`;
    if (message.reserveds.length > 0 && !this.skeleton) {
      out += '\n' + this.reserveds(message.reserveds).map((r) => indent(this.reserved('reserved', r.values))).join('');
    }
    const options = this.filterOptions(message.options);
    if (options.length > 0) out += '\n' + this.optionLines(options);
    if (message.fields.length > 0) {
      out += '\n' + this.byTagIfNormalizing(message.fields).map((f) => indent(this.field(f))).join('');
    }
    if (message.oneOfs.length > 0) out += '\n' + this.oneOfs(message.oneOfs).map((o) => indent(this.oneOf(o))).join('');
    if (message.groups.length > 0) {
      out += '\n' + this.byTagIfNormalizing(message.groups).map((g) => indent(this.group(g))).join('');
    }
    if (message.extensions.length > 0) {
      out += '\n' + this.extensionRanges(message.extensions).map((e) => indent(this.reserved('extensions', e.values))).join('');
    }
    if (message.extendDeclarations.length > 0) {
      out += '\n' + this.extendDeclarations(message.extendDeclarations).map((e) => indent(this.extend(e))).join('');
    }
    const nested = this.filterTypes(message.nestedTypes);
    if (nested.length > 0) out += '\n' + this.types(nested, indent);
    return `${out}}\n`;
  }

  private byTagIfNormalizing<T extends { tag: number }>(items: readonly T[]): readonly T[] {
    return this.normalize ? [...items].sort((a, b) => a.tag - b.tag) : items;
  }

  /** Normalizing gives each reserved number, range and name a line of its own, numbers first by value. */
  private reserveds(reserveds: readonly ReservedElement[]): readonly ReservedElement[] {
    if (!this.normalize) return reserveds;
    const single = reserveds.flatMap((r) => r.values.map((value) => ({ values: [value] })));
    return single.sort((a, b) => compareReserved(a.values[0], b.values[0]));
  }

  private extensionRanges(extensions: readonly ExtensionsElement[]): readonly ExtensionsElement[] {
    if (!this.normalize) return extensions;
    const single = extensions.flatMap((e) => e.values.map((value) => ({ values: [value] })));
    return single.sort((a, b) => rangeStart(a.values[0]) - rangeStart(b.values[0]));
  }

  private reserved(keyword: string, values: readonly (string | TagValue)[]): string {
    const text = values.map((value) => {
      if (typeof value === 'string') return `"${value}"`;
      if (!isRange(value)) return String(value);
      if (this.normalize && value.start === value.end) return String(value.start);
      return `${value.start} to ${value.end < MAX_TAG_VALUE ? value.end : 'max'}`;
    });
    return `${keyword} ${text.join(', ')};\n`;
  }

  /** Normalizing drops empty oneofs and orders oneofs (and their fields) by field number. */
  private oneOfs(oneOfs: readonly OneOfElement[]): readonly OneOfElement[] {
    if (!this.normalize) return oneOfs;
    return oneOfs
      .filter((o) => o.fields.length > 0)
      .map((o) => ({ ...o, fields: [...o.fields].sort((a, b) => a.tag - b.tag) }))
      .sort((a, b) => a.fields[0].tag - b.fields[0].tag);
  }

  private oneOf(oneOf: OneOfElement): string {
    let out = `oneof ${oneOf.name} {`;
    const options = this.filterOptions(oneOf.options);
    if (options.length > 0) out += '\n' + this.optionLines(options);
    if (oneOf.fields.length > 0) out += '\n' + oneOf.fields.map((f) => indent(this.field(f))).join('');
    if (oneOf.groups.length > 0) {
      out += '\n' + this.byTagIfNormalizing(oneOf.groups).map((g) => indent(this.group(g))).join('');
    }
    return `${out}}\n`;
  }

  private group(group: GroupElement): string {
    let out = `${group.label !== null ? `${group.label} ` : ''}group ${group.name} = ${group.tag} {`;
    if (group.fields.length > 0) {
      out += '\n' + this.byTagIfNormalizing(group.fields).map((f) => indent(this.field(f))).join('');
    }
    return `${out}}\n`;
  }

  /** Normalizing qualifies the extended type's name and gathers extensions of one type into one block. */
  private extendDeclarations(extendDeclarations: readonly ExtendElement[]): readonly ExtendElement[] {
    if (!this.normalize) return extendDeclarations;
    const byName = new Map<string, ExtendElement>();
    for (const extend of extendDeclarations) {
      const name = this.qualifiedType(extend.name);
      const existing = byName.get(name);
      if (existing === undefined) byName.set(name, { name, fields: [...extend.fields] });
      else existing.fields.push(...extend.fields);
    }
    return [...byName.values()];
  }

  private extend(extend: ExtendElement): string {
    let out = `extend ${extend.name} {`;
    if (extend.fields.length > 0) {
      out += '\n' + this.byTagIfNormalizing(extend.fields).map((f) => indent(this.field(f))).join('');
    }
    return `${out}}\n`;
  }

  private field(field: FieldElement): string {
    let label = field.label;
    let type = protoType(field.type);
    if (this.normalize) {
      if (!type.isScalar && !isMapType(type)) {
        const qualified = this.qualifiedType(field.type);
        const info = this.ctx.typeForFullName(qualified, 'original');
        type = (info !== undefined ? mapTypeOf(info) : null) ?? protoType(qualified);
      }
      if (type.key !== null && type.value !== null) {
        const valueType = this.ctx.resolveType(type.value.name, 'original');
        if (valueType !== null) type = protoType(`map<${type.key.name}, .${valueType}>`);
        label = null;
      }
    }
    const options: OptionElement[] = this.skeleton ? [] : [...field.options];
    if (!this.skeleton && field.defaultValue !== null) {
      options.push({ name: 'default', parenthesized: false, value: defaultValue(type.name, field.defaultValue) });
    }
    if (!this.skeleton && field.jsonName !== null) {
      options.push({ name: 'json_name', parenthesized: false, value: { kind: 'STRING', value: field.jsonName } });
    }
    const filtered = this.filterOptions(options);
    const optionText = filtered.length > 0 ? ` ${bracketedOptions(this, filtered)}` : '';
    return `${label !== null ? `${label} ` : ''}${type.name} ${field.name} = ${field.tag}${optionText};\n`;
  }

  /** `.full.Name` for a type name as written; the schema is refused when it names nothing. */
  private qualifiedType(name: string): string {
    const resolved = this.ctx.resolveType(name, 'original');
    if (resolved === null) throw new UnresolvedTypeError(`Could not resolve type: ${name}`);
    return `.${resolved}`;
  }

  private enumType(element: EnumElement): string {
    let out = `enum ${element.name} {`;
    if (element.reserveds.length > 0 && !this.skeleton) {
      out += '\n' + this.reserveds(element.reserveds).map((r) => indent(this.reserved('reserved', r.values))).join('');
    } else if (element.options.length > 0 || element.constants.length > 0) {
      out += '\n';
    }
    const options = this.skeleton ? element.options.filter((o) => o.name === 'allow_alias') : this.filterOptions(element.options);
    out += this.optionLines(options);
    const constants = this.normalize
      ? [...element.constants].sort((a, b) => a.tag - b.tag || compareStrings(a.name, b.name))
      : element.constants;
    out += constants.map((c) => indent(this.enumConstant(c))).join('');
    return `${out}}\n`;
  }

  private enumConstant(constant: EnumConstantElement): string {
    const options = this.filterOptions(constant.options);
    const optionText = options.length > 0 ? ` ${bracketedOptions(this, options)}` : '';
    return `${constant.name} = ${constant.tag}${optionText};\n`;
  }

  private service(service: ServiceElement): string {
    let out = `service ${service.name} {`;
    const options = this.filterOptions(service.options);
    if (options.length > 0) out += '\n' + this.optionLines(options);
    if (service.rpcs.length > 0) out += '\n' + service.rpcs.map((r) => indent(this.rpc(r))).join('');
    return `${out}}\n`;
  }

  private rpc(rpc: RpcElement): string {
    const request = this.normalize ? this.qualifiedType(rpc.requestType) : rpc.requestType;
    const response = this.normalize ? this.qualifiedType(rpc.responseType) : rpc.responseType;
    let out = `rpc ${rpc.name} (${rpc.requestStreaming ? 'stream ' : ''}${request}) returns (`;
    out += `${rpc.responseStreaming ? 'stream ' : ''}${response})`;
    const options = this.filterOptions(rpc.options);
    if (options.length > 0) out += ` {\n${this.optionLines(options)}}`;
    return `${out};\n`;
  }
}

/** A default value printed by the field's type: quoted for string, bare for numbers, bool and enum constants. */
function defaultValue(type: string, value: string): OptionElement['value'] {
  switch (simpleName(type)) {
    case 'bool':
      return { kind: 'BOOLEAN', value };
    case 'string':
      return { kind: 'STRING', value };
    case 'bytes':
    case 'double':
    case 'float':
    case 'fixed32':
    case 'fixed64':
    case 'int32':
    case 'int64':
    case 'sfixed32':
    case 'sfixed64':
    case 'sint32':
    case 'sint64':
    case 'uint32':
    case 'uint64':
      return { kind: 'NUMBER', value };
    default:
      return { kind: 'ENUM', value };
  }
}

function rangeStart(value: TagValue): number {
  return isRange(value) ? value.start : value;
}

/** Numbers and ranges by their first number, names after them; ties by the value's Java text (`1..3`). */
function compareReserved(a: string | TagValue, b: string | TagValue): number {
  const key = (v: string | TagValue): number => (typeof v === 'string' ? 2_147_483_647 : rangeStart(v));
  const text = (v: string | TagValue): string => (typeof v === 'string' ? v : isRange(v) ? `${v.start}..${v.end}` : String(v));
  return key(a) - key(b) || compareStrings(text(a), text(b));
}
