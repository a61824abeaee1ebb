/**
 * Confluent's ObjectSchemaDiff and ArraySchemaDiff: what may come and go in an object's properties or an array's
 * items depends on the content model. Open (anything else allowed): the writer may already have put anything under a
 * new name, so a new property must accept anything. Closed (`additionalProperties: false`): new names are safe, but
 * a removed one is not. Partially open (pattern or additional schema): whatever the partial schema says.
 */
import { compareLimit, compareSets, type Compare, type Context } from './context';
import type { DifferenceType } from './difference';
import { hashMapOrder, hashSetUnionOrder } from './java-order';
import { isEmptySchema, type ArraySchema, type ObjectSchema, type Schema } from './model';

export function compareObjects(ctx: Context, original: ObjectSchema, update: ObjectSchema, compare: Compare): void {
  compareRequired(ctx, original, update);
  compareProperties(ctx, original, update, compare);
  compareDependencies(ctx, original, update, compare);
  compareAdditionalProperties(ctx, original, update, compare);
  compareUnevaluated(ctx, 'unevaluatedProperties', 'UNEVALUATED_PROPERTIES', original.unevaluated, update.unevaluated, compare);
  compareLimit(ctx, 'maxProperties', 'MAX_PROPERTIES', original.maxProperties, update.maxProperties);
  compareLimit(ctx, 'minProperties', 'MIN_PROPERTIES', original.minProperties, update.minProperties);
}

export function compareArrays(ctx: Context, original: ArraySchema, update: ArraySchema, compare: Compare): void {
  ctx.at('items', () => compare(ctx, original.allItems, update.allItems));
  compareItemList(ctx, original, update, compare);
  compareAdditionalItems(ctx, original, update, compare);
  compareUnevaluated(ctx, 'unevaluatedItems', 'UNEVALUATED_ITEMS', original.unevaluated, update.unevaluated, compare);
  compareLimit(ctx, 'maxItems', 'MAX_ITEMS', original.maxItems, update.maxItems);
  compareLimit(ctx, 'minItems', 'MIN_ITEMS', original.minItems, update.minItems);
  if (original.uniqueItems !== update.uniqueItems) ctx.add(original.uniqueItems ? 'UNIQUE_ITEMS_REMOVED' : 'UNIQUE_ITEMS_ADDED', 'uniqueItems');
  compareLimit(ctx, 'maxContains', 'MAX_CONTAINS', original.maxContains, update.maxContains);
  compareLimit(ctx, 'minContains', 'MIN_CONTAINS', original.minContains, update.minContains);
}

function hasDefault(schema: Schema): boolean {
  return schema.defaultValue !== undefined;
}

/** Compares `original` with the schema that covers it; both its differences and the verdict are reported. */
function covered(ctx: Context, original: Schema, update: Schema, yes: DifferenceType, no: DifferenceType, compare: Compare): void {
  const sub = ctx.subcontext();
  compare(sub, original, update);
  ctx.addAll(sub.differences);
  ctx.add(sub.isCompatible() ? yes : no);
}

function compareRequired(ctx: Context, original: ObjectSchema, update: ObjectSchema): void {
  ctx.at('required', () => {
    for (const key of hashMapOrder([...original.properties.keys()])) {
      const property = update.properties.get(key);
      if (property === undefined) continue;
      const was = original.required.includes(key);
      const is = update.required.includes(key);
      if (was && !is) ctx.add('REQUIRED_ATTRIBUTE_REMOVED', key);
      else if (!was && is) ctx.add(hasDefault(property) ? 'REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED' : 'REQUIRED_ATTRIBUTE_ADDED', key);
    }
  });
}

function compareProperties(ctx: Context, original: ObjectSchema, update: ObjectSchema, compare: Compare): void {
  ctx.at('properties', () => {
    const keys = hashSetUnionOrder(hashMapOrder([...original.properties.keys()]), hashMapOrder([...update.properties.keys()]));
    for (const key of keys) {
      const before = original.properties.get(key);
      const after = update.properties.get(key);
      ctx.at(key, () => {
        if (after === undefined) propertyRemoved(ctx, before as Schema, update, key, compare);
        else if (before === undefined) propertyAdded(ctx, after, original, update.required.includes(key), key, compare);
        else compare(ctx, before, after);
      });
    }
  });
}

/** Only the new schema's content model matters: data may carry the property, and the reader must still take it. */
function propertyRemoved(ctx: Context, before: Schema, update: ObjectSchema, key: string, compare: Compare): void {
  if (isOpenObject(update)) return ctx.add('PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL');
  const partial = partialObjectSchema(update, key);
  if (partial !== undefined) {
    return covered(ctx, before, partial, 'PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', 'PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', compare);
  }
  ctx.add(before.kind === 'false' ? 'PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL' : 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL');
}

/**
 * Only the old schema's content model matters: what it let writers put under the new name. The open case is split
 * by required/optional as Confluent 8.x does (7.x said PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL for all three).
 */
function propertyAdded(ctx: Context, after: Schema, original: ObjectSchema, required: boolean, key: string, compare: Compare): void {
  if (isOpenObject(original)) {
    if (isEmptySchema(after)) return ctx.add('PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL');
    if (!required) return ctx.add('OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL');
    return ctx.add(hasDefault(after) ? 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL' : 'REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL');
  }
  const partial = partialObjectSchema(original, key);
  if (partial !== undefined) {
    covered(ctx, partial, after, 'PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', 'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', compare);
  }
  if (!required) return ctx.add('OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL');
  ctx.add(hasDefault(after) ? 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL' : 'REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL');
}

/** Open: no patternProperties, no additionalProperties schema or `false`, and unevaluatedProperties absent or `{}`. */
function isOpenObject(schema: ObjectSchema): boolean {
  return schema.patternProperties.length === 0 && schema.additionalSchema === undefined && schema.permitsAdditional && openUnevaluated(schema.unevaluated);
}

function openUnevaluated(unevaluated: Schema | undefined): boolean {
  return unevaluated === undefined || isEmptySchema(unevaluated);
}

/** The schema an undeclared property falls under: the first matching pattern, else additionalProperties' schema. */
function partialObjectSchema(schema: ObjectSchema, key: string): Schema | undefined {
  const pattern = schema.patternProperties.find(([re]) => re.test(key));
  if (pattern) return pattern[1];
  if (schema.additionalSchema !== undefined) return schema.additionalSchema;
  return schema.permitsAdditional ? partialUnevaluated(schema.unevaluated) : undefined;
}

function partialUnevaluated(unevaluated: Schema | undefined): Schema | undefined {
  return unevaluated !== undefined && unevaluated.kind !== 'false' && !isEmptySchema(unevaluated) ? unevaluated : undefined;
}

function compareDependencies(ctx: Context, original: ObjectSchema, update: ObjectSchema, compare: Compare): void {
  ctx.at('dependencies', () => {
    const arrays = hashSetUnionOrder(hashMapOrder([...original.propertyDependencies.keys()]), hashMapOrder([...update.propertyDependencies.keys()]));
    for (const key of arrays) {
      const before = original.propertyDependencies.get(key);
      const after = update.propertyDependencies.get(key);
      if (after === undefined) ctx.add('DEPENDENCY_ARRAY_REMOVED', key);
      else if (before === undefined) ctx.add('DEPENDENCY_ARRAY_ADDED', key);
      else compareSets(ctx, key, before, after, ['DEPENDENCY_ARRAY_EXTENDED', 'DEPENDENCY_ARRAY_NARROWED', 'DEPENDENCY_ARRAY_CHANGED']);
    }
    const schemas = hashSetUnionOrder(hashMapOrder([...original.schemaDependencies.keys()]), hashMapOrder([...update.schemaDependencies.keys()]));
    for (const key of schemas) {
      const before = original.schemaDependencies.get(key);
      const after = update.schemaDependencies.get(key);
      if (after === undefined) ctx.add('DEPENDENCY_SCHEMA_REMOVED', key);
      else if (before === undefined) ctx.add('DEPENDENCY_SCHEMA_ADDED', key);
      else ctx.at(key, () => compare(ctx, before, after));
    }
  });
}

function compareAdditionalProperties(ctx: Context, original: ObjectSchema, update: ObjectSchema, compare: Compare): void {
  ctx.at('additionalProperties', () => {
    if (original.permitsAdditional !== update.permitsAdditional) {
      ctx.add(update.permitsAdditional ? 'ADDITIONAL_PROPERTIES_ADDED' : 'ADDITIONAL_PROPERTIES_REMOVED');
    } else if (original.additionalSchema === undefined && update.additionalSchema !== undefined) {
      ctx.add('ADDITIONAL_PROPERTIES_NARROWED');
    } else if (update.additionalSchema === undefined && original.additionalSchema !== undefined) {
      ctx.add('ADDITIONAL_PROPERTIES_EXTENDED');
    } else {
      compare(ctx, original.additionalSchema, update.additionalSchema);
    }
  });
}

/** unevaluatedItems (ArraySchemaDiff), and unevaluatedProperties read the same way. */
function compareUnevaluated(ctx: Context, attribute: string, prefix: string, before: Schema | undefined, after: Schema | undefined, compare: Compare): void {
  if (before === undefined && after === undefined) return;
  const add = (change: 'ADDED' | 'REMOVED' | 'EXTENDED' | 'NARROWED'): void => ctx.add(`${prefix}_${change}` as DifferenceType);
  ctx.at(attribute, () => {
    if (before === undefined) add(after?.kind === 'false' ? 'REMOVED' : 'NARROWED');
    else if (after === undefined) add(before.kind === 'false' ? 'ADDED' : 'EXTENDED');
    else if (before.kind === 'false' && after.kind !== 'false') add('ADDED');
    else if (before.kind !== 'false' && after.kind === 'false') add('REMOVED');
    else if (isEmptySchema(before) && !isEmptySchema(after)) add('NARROWED');
    else if (!isEmptySchema(before) && isEmptySchema(after)) add('EXTENDED');
    else compare(ctx, before, after);
  });
}

function compareItemList(ctx: Context, original: ArraySchema, update: ArraySchema, compare: Compare): void {
  const before = original.itemSchemas ?? [];
  const after = update.itemSchemas ?? [];
  const common = Math.min(before.length, after.length);
  for (let i = 0; i < common; i++) ctx.at(`items/${i}`, () => compare(ctx, before[i], after[i]));
  for (let i = common; i < before.length; i++) ctx.at(`items/${i}`, () => itemRemoved(ctx, before[i], update, compare));
  for (let i = common; i < after.length; i++) ctx.at(`items/${i}`, () => itemAdded(ctx, after[i], original, compare));
}

function itemRemoved(ctx: Context, before: Schema, update: ArraySchema, compare: Compare): void {
  if (isOpenArray(update)) return ctx.add('ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL');
  const partial = partialArraySchema(update);
  if (partial !== undefined) {
    return covered(ctx, before, partial, 'ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', 'ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', compare);
  }
  ctx.add(before.kind === 'false' ? 'ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL' : 'ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL');
}

function itemAdded(ctx: Context, after: Schema, original: ArraySchema, compare: Compare): void {
  if (isOpenArray(original)) return ctx.add(isEmptySchema(after) ? 'ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL' : 'ITEM_ADDED_TO_OPEN_CONTENT_MODEL');
  const partial = partialArraySchema(original);
  if (partial !== undefined) {
    return covered(ctx, partial, after, 'ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', 'ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', compare);
  }
  ctx.add('ITEM_ADDED_TO_CLOSED_CONTENT_MODEL');
}

function isOpenArray(schema: ArraySchema): boolean {
  return schema.permitsAdditionalItems && schema.additionalItemsSchema === undefined && openUnevaluated(schema.unevaluated);
}

function partialArraySchema(schema: ArraySchema): Schema | undefined {
  if (schema.additionalItemsSchema !== undefined) return schema.additionalItemsSchema;
  return schema.permitsAdditionalItems ? partialUnevaluated(schema.unevaluated) : undefined;
}

function compareAdditionalItems(ctx: Context, original: ArraySchema, update: ArraySchema, compare: Compare): void {
  ctx.at('additionalItems', () => {
    if (original.permitsAdditionalItems !== update.permitsAdditionalItems) {
      ctx.add(original.permitsAdditionalItems ? 'ADDITIONAL_ITEMS_REMOVED' : 'ADDITIONAL_ITEMS_ADDED');
    } else if (original.additionalItemsSchema === undefined && update.additionalItemsSchema !== undefined) {
      ctx.add('ADDITIONAL_ITEMS_NARROWED');
    } else if (update.additionalItemsSchema === undefined && original.additionalItemsSchema !== undefined) {
      ctx.add('ADDITIONAL_ITEMS_EXTENDED');
    } else {
      compare(ctx, original.additionalItemsSchema, update.additionalItemsSchema);
    }
  });
}
