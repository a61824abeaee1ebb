/**
 * The type table and name resolution Confluent's normalizer and compatibility check share (their diff `Context`): every
 * message, enum and extension field of a schema and of the files it can import, by full name, and the lookup of a
 * name as written from the scope being printed or compared.
 */

import { EnumElement, FieldElement, MessageElement, ProtoFile, TypeElement, protoType, ProtoType } from './ast';

/** Which registered schema a type came from: the subject and version of a direct reference. */
export interface RefId {
  subject: string;
  version: number;
}

/** Confluent gives the schema itself a placeholder reference, so that its own types compare as "the same version". */
const SELF_REF: RefId = { subject: '', version: -1 };

/** A schema and everything it can import: its references flattened by import name, and the well-known files. */
export interface SchemaFiles {
  main: ProtoFile;
  /** Every file the schema can import (its references, their references, and the well-known ones), by import name. */
  dependencies: ReadonlyMap<string, ProtoFile>;
  /** The schema's own references (not theirs), by import name. */
  directRefs: ReadonlyMap<string, RefId>;
}

export interface TypeInfo {
  packageName: string;
  ref: RefId | null;
  type: TypeElement;
  isMap: boolean;
  key: FieldElement | null;
  value: FieldElement | null;
}

interface ExtendFieldInfo {
  packageName: string;
  ref: RefId | null;
  field: FieldElement;
  repeated: boolean;
}

type Side = 'original' | 'update';

interface SideTables {
  packageName: string;
  types: Map<string, TypeInfo>;
  extendFields: Map<string, ExtendFieldInfo>;
}

export class TypeContext {
  protected readonly sides: Record<Side, SideTables> = {
    original: { packageName: '', types: new Map(), extendFields: new Map() },
    update: { packageName: '', types: new Map(), extendFields: new Map() },
  };
  /** The path reported with a difference (`#/Message/Nested/3`). */
  readonly fullPath: string[] = [];
  /** The scope names resolve from: the part of the path that names messages. */
  readonly fullName: string[] = [];

  /** Registers the types of a schema and of all it can import (the main schema last, so its package is current). */
  collectTypeInfo(schema: SchemaFiles, side: Side = 'original'): void {
    for (const [name, file] of schema.dependencies) {
      const ref = schema.directRefs.get(name) ?? null;
      this.collectFile(file, ref, side);
    }
    this.collectFile(schema.main, SELF_REF, side);
  }

  private collectFile(file: ProtoFile, ref: RefId | null, side: Side): void {
    this.setPackageName(file.packageName, side);
    this.collectExtendFields(file.extendDeclarations, ref, side);
    this.collectTypes(file.types, ref, side);
  }

  private collectTypes(types: readonly TypeElement[], ref: RefId | null, side: Side): void {
    for (const type of types) {
      this.withName(type.name, () => {
        let isMap = false;
        let key: FieldElement | null = null;
        let value: FieldElement | null = null;
        if (type.kind === 'message') {
          this.collectExtendFields(type.extendDeclarations, ref, side);
          isMap = type.options.some((o) => o.name === 'map_entry' && optionIsTrue(o.value));
          if (isMap) {
            key = type.fields.find((f) => f.name === 'key') ?? null;
            value = type.fields.find((f) => f.name === 'value') ?? null;
          }
        }
        const tables = this.sides[side];
        tables.types.set(this.qualify(tables.packageName), { packageName: tables.packageName, ref, type, isMap, key, value });
        if (type.kind === 'message') this.collectTypes(type.nestedTypes, ref, side);
      });
    }
  }

  private collectExtendFields(extendDeclarations: MessageElement['extendDeclarations'], ref: RefId | null, side: Side): void {
    for (const extend of extendDeclarations) {
      for (const field of extend.fields) {
        this.withName(field.name, () => {
          const tables = this.sides[side];
          tables.extendFields.set(this.qualify(tables.packageName), {
            packageName: tables.packageName,
            ref,
            field,
            repeated: field.label === 'repeated',
          });
        });
      }
    }
  }

  private qualify(packageName: string): string {
    const name = this.fullPath.join('.');
    return packageName === '' ? name : `${packageName}.${name}`;
  }

  setPackageName(packageName: string | null, side: Side): void {
    this.sides[side].packageName = packageName ?? '';
  }

  packageName(side: Side): string {
    return this.sides[side].packageName;
  }

  withPath<T>(path: string, fn: () => T): T {
    this.fullPath.push(path);
    try {
      return fn();
    } finally {
      this.fullPath.pop();
    }
  }

  withName<T>(name: string, fn: () => T): T {
    this.fullName.push(name);
    try {
      return this.withPath(name, fn);
    } finally {
      this.fullName.pop();
    }
  }

  /** Replaces the scope, for comparing a type met through a field as if from its own declaration. */
  setFullName(name: string): void {
    const parts = name.split('.');
    this.fullPath.splice(0, this.fullPath.length, ...parts);
    this.fullName.splice(0, this.fullName.length, ...parts);
  }

  typeForFullName(fullName: string, side: Side): TypeInfo | undefined {
    return this.sides[side].types.get(fullName.startsWith('.') ? fullName.substring(1) : fullName);
  }

  extendFieldForFullName(fullName: string, side: Side): ExtendFieldInfo | undefined {
    return this.sides[side].extendFields.get(fullName.startsWith('.') ? fullName.substring(1) : fullName);
  }

  getType(name: string, side: Side): TypeInfo | undefined {
    const fullName = this.resolveType(name, side);
    return fullName !== null ? this.typeForFullName(fullName, side) : undefined;
  }

  resolveType(name: string, side: Side): string | null {
    return this.resolve((n) => this.typeForFullName(n, side) !== undefined, name, side);
  }

  resolveExtendField(name: string, side: Side): string | null {
    return this.resolve((n) => this.extendFieldForFullName(n, side) !== undefined, name, side);
  }

  /**
   * Confluent's lookup (not protoc's): a leading dot is absolute; otherwise the name is tried under the package and
   * each enclosing scope, innermost first, then as it is. Returns the full name without a leading dot.
   */
  private resolve(exists: (fullName: string) => boolean, name: string, side: Side): string | null {
    if (name.startsWith('.')) {
      const absolute = name.substring(1);
      return exists(absolute) ? absolute : null;
    }
    const packageName = this.sides[side].packageName;
    const prefix = [...(packageName === '' ? [] : packageName.split('.')), ...this.fullName];
    while (prefix.length > 0) {
      const candidate = `${prefix.join('.')}.${name}`;
      if (exists(candidate)) return candidate;
      prefix.pop();
    }
    return exists(name) ? name : null;
  }
}

/** A map entry message seen as the `map<K, V>` type it stands for. */
export function mapTypeOf(info: TypeInfo): ProtoType | null {
  if (!info.isMap || info.key === null || info.value === null) return null;
  return protoType(`map<${info.key.type}, ${info.value.type}>`);
}

/** As Java's Boolean.valueOf reads an option's text: `true` in any case. */
function optionIsTrue(value: MessageElement['options'][number]['value']): boolean {
  return (value.kind === 'BOOLEAN' || value.kind === 'ENUM' || value.kind === 'STRING') && value.value.toLowerCase() === 'true';
}

export function isEnum(type: TypeElement): type is EnumElement {
  return type.kind === 'enum';
}
