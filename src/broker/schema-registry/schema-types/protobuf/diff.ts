/**
 * Confluent's Protobuf compatibility check (io.confluent.kafka.schemaregistry.protobuf.diff: SchemaDiff,
 * MessageSchemaDiff, FieldSchemaDiff, OneOfDiff, EnumSchemaDiff): every difference between two versions, in the
 * order Confluent finds them, each compatible or not by its type alone.
 */

import {
  EnumElement,
  FieldElement,
  isMapType,
  Label,
  MessageElement,
  OneOfElement,
  protoType,
  ProtoType,
  TypeElement,
} from './ast';
import { isEnum, mapTypeOf, SchemaFiles, TypeContext, TypeInfo } from './context';
import { hashMapKeys, javaIntegerHash, javaStringHash, unionOrder } from './java-hash';

type DifferenceType =
  | 'PACKAGE_CHANGED'
  | 'MESSAGE_ADDED'
  | 'MESSAGE_REMOVED'
  | 'MESSAGE_MOVED'
  | 'ENUM_ADDED'
  | 'ENUM_REMOVED'
  | 'ENUM_CONST_ADDED'
  | 'ENUM_CONST_CHANGED'
  | 'ENUM_CONST_REMOVED'
  | 'FIELD_ADDED'
  | 'FIELD_REMOVED'
  | 'FIELD_NAME_CHANGED'
  | 'FIELD_KIND_CHANGED'
  | 'FIELD_SCALAR_KIND_CHANGED'
  | 'FIELD_NAMED_TYPE_CHANGED'
  | 'FIELD_NUMERIC_LABEL_CHANGED'
  | 'FIELD_STRING_OR_BYTES_LABEL_CHANGED'
  | 'REQUIRED_FIELD_ADDED'
  | 'REQUIRED_FIELD_REMOVED'
  | 'ONEOF_ADDED'
  | 'ONEOF_REMOVED'
  | 'ONEOF_FIELD_ADDED'
  | 'ONEOF_FIELD_REMOVED'
  | 'MULTIPLE_FIELDS_MOVED_TO_ONEOF'
  | 'FIELD_MOVED_TO_EXISTING_ONEOF';

interface Difference {
  type: DifferenceType;
  /** Where, as `#/Message/Nested/fieldNumber` (a oneof's name where the difference is the oneof). */
  path: string;
}

/** What a reader of the new version can take from data written with the old (SchemaDiff.COMPATIBLE_CHANGES). */
export const COMPATIBLE_CHANGES: ReadonlySet<DifferenceType> = new Set<DifferenceType>([
  // Confluent counts a package change as compatible: the wire format carries no package (Any aside).
  'PACKAGE_CHANGED',
  'MESSAGE_ADDED',
  'MESSAGE_MOVED',
  'ENUM_ADDED',
  'ENUM_REMOVED',
  'ENUM_CONST_ADDED',
  'ENUM_CONST_CHANGED',
  'ENUM_CONST_REMOVED',
  'FIELD_ADDED',
  'FIELD_REMOVED',
  'FIELD_NAME_CHANGED',
  'FIELD_STRING_OR_BYTES_LABEL_CHANGED',
  'ONEOF_ADDED',
  'ONEOF_REMOVED',
  'ONEOF_FIELD_ADDED',
]);

/**
 * The message Confluent gives for a difference (Difference.toString). As there, the reader's and the writer's schema
 * are left as two `%s` for the registry to name (`new` and `old` when the new schema must read what the old one wrote,
 * the other way round for a forward check); pass the names to have them filled in.
 */
export function differenceMessage(difference: Difference, reader = '%s', writer = '%s'): string {
  const at = difference.path;
  const descriptions: Partial<Record<DifferenceType, string>> = {
    PACKAGE_CHANGED: `The package at '${at}' in the ${reader} schema does not match the package in the ${writer} schema`,
    MESSAGE_REMOVED: `The ${reader} schema is missing a MESSAGE type at path '${at}' in the ${writer} schema`,
    FIELD_KIND_CHANGED: `The type of a field at path '${at}' in the ${reader} schema does not match the ${writer} schema`,
    FIELD_SCALAR_KIND_CHANGED:
      `The kind of a SCALAR field at path '${at}' in the ${reader} schema does not match its kind in the ${writer} schema`,
    FIELD_NAMED_TYPE_CHANGED:
      `The type of a MESSAGE field at path '${at}' in the ${reader} schema does not match its type in the ${writer} schema`,
    FIELD_NUMERIC_LABEL_CHANGED:
      `The label for a NUMERIC field at path '${at}' in the ${reader} schema does not match its label in the ${writer} schema`,
    // Confluent's text has the double space.
    REQUIRED_FIELD_ADDED: `A required field  at path '${at}' in the ${reader} schema is missing in the ${writer} schema`,
    REQUIRED_FIELD_REMOVED: `The ${reader} schema is missing a required field at path: '${at}' in the ${writer} schema`,
    ONEOF_FIELD_REMOVED: `The ${reader} schema is missing a oneof field at path '${at}' in the ${writer} schema`,
    MULTIPLE_FIELDS_MOVED_TO_ONEOF:
      `Multiple fields in the oneof at path '${at}' in the ${reader} schema are outside a oneof in the ${writer} schema`,
    FIELD_MOVED_TO_EXISTING_ONEOF:
      `A field in the oneof at path '${at}' in the ${reader} schema is outside an existing oneof in the ${writer} schema`,
  };
  return `{errorType:"${difference.type}", description:"${descriptions[difference.type] ?? ''}"}`;
}

/** Every difference from `original` to `update`, in Confluent's order. */
export function compareSchemas(original: SchemaFiles, update: SchemaFiles): Difference[] {
  const ctx = new DiffContext();
  ctx.collectTypeInfo(original, 'original');
  ctx.collectTypeInfo(update, 'update');
  if (original.main.packageName !== update.main.packageName) ctx.addDifference('PACKAGE_CHANGED');
  compareTypeElements(ctx, original.main.types, update.main.types);
  return ctx.differences;
}

class DiffContext extends TypeContext {
  readonly differences: Difference[] = [];
  /** The messages being compared, so that a type reaching itself through its fields is not compared forever. */
  readonly schemas = new Set<MessageElement>();

  addDifference(type: DifferenceType): void {
    this.differences.push({ type, path: `#/${this.fullPath.join('/')}` });
  }

  isCompatible(): boolean {
    return this.differences.every((d) => COMPATIBLE_CHANGES.has(d.type));
  }

  /** A context over the same types and scope, collecting differences of its own. */
  subcontext(): DiffContext {
    const sub = new DiffContext();
    for (const side of ['original', 'update'] as const) {
      sub.sides[side] = { ...this.sides[side] };
    }
    for (const schema of this.schemas) sub.schemas.add(schema);
    sub.fullPath.push(...this.fullPath);
    sub.fullName.push(...this.fullName);
    return sub;
  }
}

interface TypeIndex {
  messages: Map<string, MessageElement>;
  /** Message names in declaration order, for both the HashMap replay and the position (MESSAGE_MOVED). */
  messageNames: string[];
  enums: Map<string, EnumElement>;
  enumNames: string[];
}

function indexTypes(types: readonly TypeElement[]): TypeIndex {
  const index: TypeIndex = { messages: new Map(), messageNames: [], enums: new Map(), enumNames: [] };
  for (const type of types) {
    if (type.kind === 'message') {
      index.messages.set(type.name, type);
      index.messageNames.push(type.name);
    } else {
      index.enums.set(type.name, type);
      index.enumNames.push(type.name);
    }
  }
  return index;
}

function compareTypeElements(ctx: DiffContext, original: readonly TypeElement[], update: readonly TypeElement[]): void {
  const before = indexTypes(original);
  const after = indexTypes(update);
  for (const name of unionOrder(javaStringHash, before.messageNames, after.messageNames)) {
    ctx.withName(name, () => compareMessageByName(ctx, name, before, after));
  }
  for (const name of unionOrder(javaStringHash, before.enumNames, after.enumNames)) {
    ctx.withName(name, () => {
      const originalEnum = before.enums.get(name);
      const updateEnum = after.enums.get(name);
      if (updateEnum === undefined) ctx.addDifference('ENUM_REMOVED');
      else if (originalEnum === undefined) ctx.addDifference('ENUM_ADDED');
      else compareEnums(ctx, originalEnum, updateEnum);
    });
  }
}

function compareMessageByName(ctx: DiffContext, name: string, before: TypeIndex, after: TypeIndex): void {
  const originalMessage = before.messages.get(name);
  const updateMessage = after.messages.get(name);
  if (updateMessage === undefined) {
    const info = ctx.getType(name, 'original');
    if (info !== undefined && !info.isMap) ctx.addDifference('MESSAGE_REMOVED');
  } else if (originalMessage === undefined) {
    const info = ctx.getType(name, 'update');
    if (info !== undefined && !info.isMap) ctx.addDifference('MESSAGE_ADDED');
  } else {
    compareMessages(ctx, originalMessage, updateMessage);
    // Moving a message is compatible: a record's message index is read against the schema it was written with.
    if (before.messageNames.lastIndexOf(name) !== after.messageNames.lastIndexOf(name)) ctx.addDifference('MESSAGE_MOVED');
  }
}

/**
 * Walks the items of both sides by key (a tag number or a name), in the order Java's hash set of those keys gives
 * (Confluent's order of differences), each under its key in the path: `removed`, `added`, or both present.
 */
function compareByKey<T, K extends string | number>(ctx: DiffContext, original: readonly T[], update: readonly T[], keyOf: (x: T) => K, hashCode: (key: K) => number, onRemoved: () => void, onAdded: () => void, onBoth: (before: T, after: T) => void): void {
  const before = new Map(original.map((x) => [keyOf(x), x]));
  const after = new Map(update.map((x) => [keyOf(x), x]));
  for (const key of unionOrder(hashCode, original.map(keyOf), update.map(keyOf))) {
    ctx.withPath(String(key), () => {
      const was = before.get(key);
      const now = after.get(key);
      if (now === undefined) onRemoved();
      else if (was === undefined) onAdded();
      else onBoth(was, now);
    });
  }
}

const byTag = (x: { tag: number }): number => x.tag;

function compareEnums(ctx: DiffContext, original: EnumElement, update: EnumElement): void {
  compareByKey(
    ctx,
    original.constants,
    update.constants,
    byTag,
    javaIntegerHash,
    () => ctx.addDifference('ENUM_CONST_REMOVED'),
    () => ctx.addDifference('ENUM_CONST_ADDED'),
    (was, now) => {
      if (was.name !== now.name) ctx.addDifference('ENUM_CONST_CHANGED');
    },
  );
}

function compareMessages(ctx: DiffContext, original: MessageElement, update: MessageElement): void {
  const entered = !ctx.schemas.has(original);
  if (entered) ctx.schemas.add(original);
  try {
    if (entered) compareMessageFields(ctx, original, update);
    compareTypeElements(ctx, original.nestedTypes, update.nestedTypes);
  } finally {
    if (entered) ctx.schemas.delete(original);
  }
}

function compareMessageFields(ctx: DiffContext, original: MessageElement, update: MessageElement): void {
  const originalByTag = new Map(original.fields.map((f) => [f.tag, f]));
  const updateByTag = new Map(update.fields.map((f) => [f.tag, f]));
  const originalKeys = hashMapKeys(javaIntegerHash, original.fields.map((f) => f.tag));
  const originalOneOfTags = new Set(original.oneOfs.flatMap((o) => o.fields.map((f) => f.tag)));
  for (const oneOf of update.oneOfs) {
    ctx.withPath(oneOf.name, () => checkMovedIntoOneOf(ctx, oneOf, originalByTag, originalOneOfTags));
  }
  compareOneOfs(ctx, original.oneOfs, update.oneOfs);
  // Fields moved into a oneof were taken out of originalByTag above, so they are not reported as removed.
  for (const tag of originalKeys.values()) {
    if (!originalByTag.has(tag)) originalKeys.delete(tag);
  }
  const tags = unionOrder(
    javaIntegerHash,
    originalKeys,
    update.fields.map((f) => f.tag),
  );
  for (const tag of tags) {
    ctx.withPath(String(tag), () => {
      const originalField = originalByTag.get(tag);
      const updateField = updateByTag.get(tag);
      if (updateField === undefined) {
        ctx.addDifference(originalField?.label === 'required' ? 'REQUIRED_FIELD_REMOVED' : 'FIELD_REMOVED');
      } else if (originalField === undefined) {
        ctx.addDifference(updateField.label === 'required' ? 'REQUIRED_FIELD_ADDED' : 'FIELD_ADDED');
      } else {
        compareFields(ctx, originalField, updateField);
      }
    });
  }
}

/** One field may move into a new oneof; more than one, or one joining fields that were already in a oneof, may not. */
function checkMovedIntoOneOf(
  ctx: DiffContext,
  oneOf: OneOfElement,
  originalByTag: Map<number, FieldElement>,
  originalOneOfTags: ReadonlySet<number>,
): void {
  let moved = 0;
  let existing = 0;
  for (const field of oneOf.fields) {
    if (originalByTag.delete(field.tag)) moved++;
    else if (originalOneOfTags.has(field.tag)) existing++;
  }
  if (moved > 1) ctx.addDifference('MULTIPLE_FIELDS_MOVED_TO_ONEOF');
  else if (moved === 1 && existing > 0) ctx.addDifference('FIELD_MOVED_TO_EXISTING_ONEOF');
}

function compareOneOfs(ctx: DiffContext, original: readonly OneOfElement[], update: readonly OneOfElement[]): void {
  compareByKey(
    ctx,
    original,
    update,
    (o) => o.name,
    javaStringHash,
    () => ctx.addDifference('ONEOF_REMOVED'),
    () => ctx.addDifference('ONEOF_ADDED'),
    (was, now) => compareOneOfFields(ctx, was, now),
  );
}

function compareOneOfFields(ctx: DiffContext, original: OneOfElement, update: OneOfElement): void {
  compareByKey(
    ctx,
    original.fields,
    update.fields,
    byTag,
    javaIntegerHash,
    () => ctx.addDifference('ONEOF_FIELD_REMOVED'),
    () => ctx.addDifference('ONEOF_FIELD_ADDED'),
    (was, now) => compareFields(ctx, was, now),
  );
}

function compareFields(ctx: DiffContext, original: FieldElement, update: FieldElement): void {
  if (original.name !== update.name) ctx.addDifference('FIELD_NAME_CHANGED');
  compareLabelsAndTypes(ctx, original.label, update.label, protoType(original.type), protoType(update.type));
}

type Kind = 'SCALAR' | 'MAP' | 'MESSAGE';

function compareLabelsAndTypes(
  ctx: DiffContext,
  originalLabel: Label | null,
  updateLabel: Label | null,
  originalType: ProtoType,
  updateType: ProtoType,
): void {
  const before = asMapType(ctx.getType(originalType.name, 'original')) ?? originalType;
  const after = asMapType(ctx.getType(updateType.name, 'update')) ?? updateType;
  const originalKind = kindOf(ctx, before, 'original');
  if (originalKind !== kindOf(ctx, after, 'update')) {
    ctx.addDifference('FIELD_KIND_CHANGED');
  } else if (originalKind === 'SCALAR') {
    compareScalars(ctx, originalLabel, updateLabel, before, after);
  } else if (originalKind === 'MESSAGE') {
    compareMessageTypes(ctx, before, after);
  } else if (before.key !== null && before.value !== null && after.key !== null && after.value !== null) {
    compareLabelsAndTypes(ctx, null, null, before.key, after.key);
    compareLabelsAndTypes(ctx, null, null, before.value, after.value);
  }
}

function asMapType(info: TypeInfo | undefined): ProtoType | null {
  return info !== undefined ? mapTypeOf(info) : null;
}

/** Enums count as scalars, and so does nothing else that names a type. */
function kindOf(ctx: DiffContext, type: ProtoType, side: 'original' | 'update'): Kind {
  if (type.isScalar) return 'SCALAR';
  if (isMapType(type)) return 'MAP';
  const info = ctx.getType(type.name, side);
  return info !== undefined && isEnum(info.type) ? 'SCALAR' : 'MESSAGE';
}

/** Scalars grouped by wire compatibility (the Protobuf language guide's "Updating A Message Type"); enums are numbers. */
const SCALAR_KINDS: Record<string, string> = {
  int32: 'GENERAL_NUMBER',
  int64: 'GENERAL_NUMBER',
  uint32: 'GENERAL_NUMBER',
  uint64: 'GENERAL_NUMBER',
  bool: 'GENERAL_NUMBER',
  sint32: 'SIGNED_NUMBER',
  sint64: 'SIGNED_NUMBER',
  string: 'STRING_OR_BYTES',
  bytes: 'STRING_OR_BYTES',
  fixed32: 'FIXED32',
  sfixed32: 'FIXED32',
  fixed64: 'FIXED64',
  sfixed64: 'FIXED64',
  float: 'FLOAT',
  double: 'DOUBLE',
};

function scalarKind(ctx: DiffContext, type: ProtoType, side: 'original' | 'update'): string {
  const info = ctx.getType(type.name, side);
  if (info !== undefined && isEnum(info.type)) return 'GENERAL_NUMBER';
  return SCALAR_KINDS[type.name] ?? 'UNKNOWN';
}

function compareScalars(
  ctx: DiffContext,
  originalLabel: Label | null,
  updateLabel: Label | null,
  originalType: ProtoType,
  updateType: ProtoType,
): void {
  const originalKind = scalarKind(ctx, originalType, 'original');
  if (originalKind !== scalarKind(ctx, updateType, 'update')) {
    ctx.addDifference('FIELD_SCALAR_KIND_CHANGED');
    return;
  }
  // A label is compared only when both versions write one (proto3's implicit label is no label).
  if (originalLabel === null || updateLabel === null || originalLabel === updateLabel) return;
  if (originalKind === 'STRING_OR_BYTES') ctx.addDifference('FIELD_STRING_OR_BYTES_LABEL_CHANGED');
  else ctx.addDifference('FIELD_NUMERIC_LABEL_CHANGED');
}

/**
 * Two message-typed fields: the same type by local name, and, when it comes from elsewhere than the same version of
 * the same referenced subject, a compatible one (compared as if from its own declaration).
 */
function compareMessageTypes(ctx: DiffContext, original: ProtoType, update: ProtoType): void {
  const originalFullName = ctx.resolveType(original.name, 'original');
  const updateFullName = ctx.resolveType(update.name, 'update');
  if (originalFullName === null || updateFullName === null) {
    if (original.name !== update.name) ctx.addDifference('FIELD_NAMED_TYPE_CHANGED');
    return;
  }
  // Confluent looks the full names up again from the current scope, as if written there.
  const originalInfo = (ctx.getType(originalFullName, 'original') ?? ctx.typeForFullName(originalFullName, 'original')) as TypeInfo;
  const updateInfo = (ctx.getType(updateFullName, 'update') ?? ctx.typeForFullName(updateFullName, 'update')) as TypeInfo;
  const localName = withoutPackage(originalFullName, originalInfo.packageName);
  if (localName !== withoutPackage(updateFullName, updateInfo.packageName)) {
    ctx.addDifference('FIELD_NAMED_TYPE_CHANGED');
    return;
  }
  const originalRef = originalInfo.ref;
  const updateRef = updateInfo.ref;
  const sameVersion =
    originalRef !== null &&
    updateRef !== null &&
    originalRef.subject === updateRef.subject &&
    originalRef.version === updateRef.version;
  if (sameVersion || originalInfo.type.kind !== 'message' || updateInfo.type.kind !== 'message') return;
  const sub = ctx.subcontext();
  sub.setPackageName(originalInfo.packageName, 'original');
  sub.setPackageName(updateInfo.packageName, 'update');
  sub.setFullName(localName);
  compareMessages(sub, originalInfo.type, updateInfo.type);
  ctx.differences.push(...sub.differences);
  if (!sub.isCompatible()) ctx.addDifference('FIELD_NAMED_TYPE_CHANGED');
}

function withoutPackage(fullName: string, packageName: string): string {
  return fullName.startsWith(`${packageName}.`) ? fullName.substring(packageName.length + 1) : fullName;
}
