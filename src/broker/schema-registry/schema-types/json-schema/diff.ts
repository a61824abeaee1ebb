/**
 * Confluent's JSON Schema comparison (io.confluent.kafka.schemaregistry.json.diff.SchemaDiff and the per-type diffs),
 * on our model of everit's schemas. `original` is the schema the data was written with, `update` the reader's.
 * Every difference is collected, compatible or not, because a nested comparison asks whether a branch is compatible
 * (a union member, a property an additionalProperties schema covers) and then keeps its differences.
 */
import { decimalParts, type JsonNumberNode } from './json-text';
import { isCompatible, type Difference, type DifferenceType } from './difference';
import { ComparisonState, compareLimit, compareSets, Context, PairMap } from './context';
import { compareArrays, compareObjects } from './diff-containers';
import type { CombinedSchema, NotSchema, NumberSchema, Schema, StringSchema } from './model';
import { isEmptySchema } from './model';

/**
 * All differences, in Confluent's order, from reading `original`'s data with `update`. Recursive schemas are
 * compared coinductively: a pass assumes the pairs it meets again compatible; when one turns out not to be, the pass
 * is run again knowing it, until every assumption made holds (a few passes at most, one per such pair).
 */
export function schemaDifferences(original: Schema, update: Schema): Difference[] {
  const known = new PairMap<readonly Difference[]>();
  for (;;) {
    const state = new ComparisonState(known);
    const ctx = new Context(state);
    compare(ctx, original, update);
    let wrong = false;
    for (const [o, u] of state.assumed.entries()) {
      const found = state.memo.get(o, u) ?? [];
      if (known.get(o, u) === undefined && !found.every((d) => isCompatible(d.type))) {
        known.set(o, u, found);
        wrong = true;
      }
    }
    if (!wrong) return withoutEchoes(ctx.differences);
  }
}

/** What to report; should the echoes be all that makes the schemas incompatible, they are reported after all. */
function withoutEchoes(differences: readonly Difference[]): Difference[] {
  const reported = differences.filter((d) => !d.echo);
  const incompatible = (list: readonly Difference[]): boolean => !list.every((d) => isCompatible(d.type));
  return incompatible(differences) && !incompatible(reported) ? [...differences] : reported;
}

function compare(ctx: Context, originalOrRef: Schema | undefined, updateOrRef: Schema | undefined): void {
  if (originalOrRef === undefined && updateOrRef === undefined) return;
  if (originalOrRef === undefined) return ctx.add('SCHEMA_ADDED');
  if (updateOrRef === undefined) return ctx.add('SCHEMA_REMOVED');
  ctx.addRelative(pairDifferences(ctx.state, dereference(originalOrRef), dereference(updateOrRef)));
}

/** The pair's differences relative to it: remembered, assumed (a recursion), or compared now. */
function pairDifferences(state: ComparisonState, original: Schema, update: Schema): readonly Difference[] {
  const done = state.memo.get(original, update);
  if (done !== undefined) return done;
  if (state.inProgress.get(original, update)) {
    const known = state.known.get(original, update);
    if (known !== undefined) return known.map((d) => ({ ...d, echo: true }));
    state.assumed.set(original, update, true);
    return [];
  }
  state.inProgress.set(original, update, true);
  try {
    const ctx = new Context(state);
    compareResolved(ctx, original, update);
    state.memo.set(original, update, ctx.differences);
    return ctx.differences;
  } finally {
    state.inProgress.delete(original, update);
  }
}

function compareResolved(ctx: Context, original: Schema, update: Schema): void {
  if (original.kind !== 'combined' && update.kind === 'combined' && intoUnion(ctx, original, update)) return;
  if (original.kind === 'combined' && update.kind !== 'combined' && outOfUnion(ctx, original, update)) return;
  if (!sameType(original, update)) {
    // Anything reads what `false` allowed (nothing), and `{}` reads anything.
    if (original.kind !== 'false' && !isEmptySchema(update) && !bothConnectBytes(original, update)) ctx.add('TYPE_CHANGED');
    return;
  }
  compareAnnotations(ctx, original, update);
  compareSameType(ctx, original, update);
}

/** A `$ref` is compared as what it refers to (Confluent unwraps one level; a chain is followed to its end here). */
function dereference(schema: Schema): Schema {
  let current = schema;
  const seen = new Set<Schema>();
  while (current.kind === 'ref' && !seen.has(current)) {
    seen.add(current);
    current = current.referred();
  }
  return current;
}

function sameType(a: Schema, b: Schema): boolean {
  return a.kind === b.kind || (isEmptySchema(a) && isEmptySchema(b));
}

function bothConnectBytes(a: Schema, b: Schema): boolean {
  return a.connectType === 'bytes' && b.connectType === 'bytes';
}

/** A schema became a union (or a one-member combination): fine when one member reads what it did. */
function intoUnion(ctx: Context, original: Schema, update: CombinedSchema): boolean {
  if (update.subschemas.length === 1) return tryBranch(ctx, original, update.subschemas[0]);
  if (update.criterion === 'allOf') return false;
  return update.subschemas.some((member) => tryBranch(ctx, original, member, 'SUM_TYPE_EXTENDED'));
}

/** A combination became a plain schema: fine when it is one of its members (for allOf, any one of them). */
function outOfUnion(ctx: Context, original: CombinedSchema, update: Schema): boolean {
  if (original.subschemas.length === 1 && tryBranch(ctx, original.subschemas[0], update)) return true;
  if (original.criterion !== 'allOf') return false;
  return original.subschemas.some((member) => tryBranch(ctx, member, update, 'PRODUCT_TYPE_NARROWED'));
}

function tryBranch(ctx: Context, original: Schema, update: Schema, then?: DifferenceType): boolean {
  const sub = ctx.subcontext();
  compare(sub, original, update);
  if (!sub.isCompatible()) return false;
  ctx.addAll(sub.differences);
  if (then !== undefined) ctx.add(then);
  return true;
}

function compareAnnotations(ctx: Context, original: Schema, update: Schema): void {
  if (original.id !== update.id) ctx.add('ID_CHANGED');
  if (original.title !== update.title) ctx.add('TITLE_CHANGED');
  if (original.description !== update.description) ctx.add('DESCRIPTION_CHANGED');
  if (original.defaultValue !== update.defaultValue) ctx.add('DEFAULT_CHANGED');
}

function compareSameType(ctx: Context, original: Schema, update: Schema): void {
  switch (original.kind) {
    case 'string':
      return compareStrings(ctx, original, update as StringSchema);
    case 'number':
      return compareNumbers(ctx, original, update as NumberSchema);
    case 'const':
      if (update.kind === 'const' && original.value !== update.value) ctx.add('ENUM_ARRAY_CHANGED', 'const');
      return;
    case 'enum':
      if (update.kind === 'enum') compareSets(ctx, 'enum', original.values, update.values, ['ENUM_ARRAY_EXTENDED', 'ENUM_ARRAY_NARROWED', 'ENUM_ARRAY_CHANGED']);
      return;
    case 'combined':
      return compareCombined(ctx, original, update as CombinedSchema);
    case 'not':
      return compareNot(ctx, original, update as NotSchema);
    case 'object':
      if (update.kind === 'object') compareObjects(ctx, original, update, compare);
      return;
    case 'array':
      if (update.kind === 'array') compareArrays(ctx, original, update, compare);
      return;
  }
}

function compareStrings(ctx: Context, original: StringSchema, update: StringSchema): void {
  compareLimit(ctx, 'maxLength', 'MAX_LENGTH', original.maxLength, update.maxLength);
  compareLimit(ctx, 'minLength', 'MIN_LENGTH', original.minLength, update.minLength);
  if (original.pattern === undefined && update.pattern !== undefined) ctx.add('PATTERN_ADDED', 'pattern');
  else if (original.pattern !== undefined && update.pattern === undefined) ctx.add('PATTERN_REMOVED', 'pattern');
  else if (original.pattern !== update.pattern) ctx.add('PATTERN_CHANGED', 'pattern');
}

function compareNumbers(ctx: Context, original: NumberSchema, update: NumberSchema): void {
  compareLimit(ctx, 'maximum', 'MAXIMUM', original.maximum?.value, update.maximum?.value);
  compareLimit(ctx, 'minimum', 'MINIMUM', original.minimum?.value, update.minimum?.value);
  compareLimit(ctx, 'exclusiveMaximum', 'EXCLUSIVE_MAXIMUM', original.exclusiveMaximum?.value, update.exclusiveMaximum?.value);
  compareLimit(ctx, 'exclusiveMinimum', 'EXCLUSIVE_MINIMUM', original.exclusiveMinimum?.value, update.exclusiveMinimum?.value);
  compareMultipleOf(ctx, original.multipleOf, update.multipleOf);
  if (original.requiresInteger !== update.requiresInteger) ctx.add(original.requiresInteger ? 'TYPE_EXTENDED' : 'TYPE_NARROWED');
}

/** Exact decimals, as Confluent's BigDecimal arithmetic: 0.5 then 10 is expanded, 0.5 and 0.50 are the same. */
function compareMultipleOf(ctx: Context, original?: JsonNumberNode, update?: JsonNumberNode): void {
  if (original === undefined && update === undefined) return;
  if (original === undefined) return ctx.add('MULTIPLE_OF_ADDED', 'multipleOf');
  if (update === undefined) return ctx.add('MULTIPLE_OF_REMOVED', 'multipleOf');
  const [a, b] = commonScale(original.text, update.text);
  if (a === b) return;
  if (a !== 0n && b % a === 0n) ctx.add('MULTIPLE_OF_EXPANDED', 'multipleOf');
  else if (b !== 0n && a % b === 0n) ctx.add('MULTIPLE_OF_REDUCED', 'multipleOf');
  else ctx.add('MULTIPLE_OF_CHANGED', 'multipleOf');
}

function commonScale(x: string, y: string): [bigint, bigint] {
  const a = decimalParts(x);
  const b = decimalParts(y);
  const scale = Math.max(a.scale, b.scale);
  const scaled = (p: typeof a): bigint => (p.negative ? -1n : 1n) * BigInt(p.digits) * 10n ** BigInt(scale - p.scale);
  return [scaled(a), scaled(b)];
}

/** The new `not` must exclude no more than the old: the inner schemas compared the other way round. */
function compareNot(ctx: Context, original: NotSchema, update: NotSchema): void {
  ctx.at('not', () => {
    const sub = ctx.subcontext();
    compare(sub, update.mustNotMatch, original.mustNotMatch);
    ctx.add(sub.isCompatible() ? 'NOT_TYPE_NARROWED' : 'NOT_TYPE_EXTENDED');
  });
}

/**
 * CombinedSchemaDiff: the criterion may only loosen; duplicates are dropped; then each old member must be read by a
 * distinct new one (a maximum bipartite matching over the compatible pairs) as far as the smaller side goes.
 */
function compareCombined(ctx: Context, original: CombinedSchema, update: CombinedSchema): void {
  if (compareCriteria(ctx, original, update) === 'COMBINED_TYPE_CHANGED') return;
  const olds = distinct(original);
  const news = distinct(update);
  const product = update.criterion === 'allOf';
  if (olds.length < news.length) ctx.add(product ? 'PRODUCT_TYPE_EXTENDED' : 'SUM_TYPE_EXTENDED');
  else if (olds.length > news.length) ctx.add(product ? 'PRODUCT_TYPE_NARROWED' : 'SUM_TYPE_NARROWED');
  const edges: Edge[] = [];
  olds.forEach((old, i) =>
    ctx.at(`${original.criterion}/${i}`, () => {
      news.forEach((neu, j) => {
        const sub = ctx.subcontext();
        compare(sub, old, neu);
        if (sub.isCompatible()) edges.push({ from: i, to: j, differences: sub.differences });
      });
    }),
  );
  const matching = maximumMatching(edges, olds.length);
  for (const edge of matching) ctx.addAll(edge.differences);
  if (matching.length < Math.min(olds.length, news.length)) ctx.add('COMBINED_TYPE_SUBSCHEMAS_CHANGED');
}

function compareCriteria(ctx: Context, original: CombinedSchema, update: CombinedSchema): DifferenceType | undefined {
  if (original.criterion === update.criterion) return undefined;
  const single = (s: CombinedSchema): boolean => s.subschemas.length === 1;
  let type: DifferenceType = 'COMBINED_TYPE_CHANGED';
  if (update.criterion === 'anyOf') type = 'COMBINED_TYPE_EXTENDED';
  else if (update.criterion === 'oneOf' && single(original)) type = 'COMBINED_TYPE_EXTENDED';
  else if (update.criterion === 'allOf' && single(original) && single(update)) type = 'COMBINED_TYPE_EXTENDED';
  ctx.add(type);
  return type;
}

function distinct(schema: CombinedSchema): Schema[] {
  const seen = new Set<string>();
  return schema.subschemas.filter((_, i) => {
    const key = schema.keys[i];
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

interface Edge {
  from: number;
  to: number;
  differences: Difference[];
}

/** Kuhn's augmenting paths: the largest set of compatible pairs using each old and each new member once. */
function maximumMatching(edges: readonly Edge[], leftSize: number): Edge[] {
  const byLeft = Array.from({ length: leftSize }, (_, i) => edges.filter((e) => e.from === i));
  const matchOfRight = new Map<number, Edge>();
  const augment = (left: number, seen: Set<number>): boolean => {
    for (const edge of byLeft[left]) {
      if (seen.has(edge.to)) continue;
      seen.add(edge.to);
      const current = matchOfRight.get(edge.to);
      if (current === undefined || augment(current.from, seen)) {
        matchOfRight.set(edge.to, edge);
        return true;
      }
    }
    return false;
  };
  for (let left = 0; left < leftSize; left++) augment(left, new Set());
  return [...matchOfRight.values()];
}
