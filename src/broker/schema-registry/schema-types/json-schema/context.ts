/**
 * The state of one comparison, and the comparisons every schema type shares. Split from diff.ts so the per-type
 * modules can use them without importing the dispatcher that imports them.
 */
import { isCompatible, type Difference, type DifferenceType } from './difference';
import type { Schema } from './model';

/** A value per (original, update) pair of schema objects, by identity. */
export class PairMap<V> {
  private readonly byOriginal = new Map<Schema, Map<Schema, V>>();

  get(original: Schema, update: Schema): V | undefined {
    return this.byOriginal.get(original)?.get(update);
  }

  set(original: Schema, update: Schema, value: V): void {
    let inner = this.byOriginal.get(original);
    if (inner === undefined) this.byOriginal.set(original, (inner = new Map()));
    inner.set(update, value);
  }

  delete(original: Schema, update: Schema): void {
    this.byOriginal.get(original)?.delete(update);
  }

  *entries(): Generator<[Schema, Schema, V]> {
    for (const [original, inner] of this.byOriginal) for (const [update, value] of inner) yield [original, update, value];
  }
}

/**
 * What one pass of a comparison shares across its branches. Each pair of schemas is compared once (`memo`, with
 * paths relative to the pair), which keeps unions of recursive definitions from exploding; a pair met again while it
 * is being compared is a recursion, assumed compatible (`assumed`) unless an earlier pass found it is not (`known`).
 */
export class ComparisonState {
  readonly memo = new PairMap<readonly Difference[]>();
  readonly inProgress = new PairMap<true>();
  readonly assumed = new PairMap<true>();

  constructor(readonly known: PairMap<readonly Difference[]>) {}
}

/** Where the comparison is (a JSON pointer) and what it found; a subcontext tries a branch without committing to it. */
export class Context {
  readonly differences: Difference[] = [];

  constructor(
    readonly state: ComparisonState,
    private readonly path: string[] = [],
  ) {}

  subcontext(): Context {
    return new Context(this.state, [...this.path]);
  }

  isCompatible(): boolean {
    return this.differences.every((d) => isCompatible(d.type));
  }

  add(type: DifferenceType, attribute?: string): void {
    const path = attribute === undefined ? this.path : [...this.path, attribute];
    this.differences.push({ type, path: `#/${path.join('/')}` });
  }

  addAll(differences: readonly Difference[]): void {
    this.differences.push(...differences);
  }

  /** Differences found with the pair compared as the root (`#/...`), moved under the current path. */
  addRelative(differences: readonly Difference[]): void {
    if (this.path.length === 0) return this.addAll(differences);
    const prefix = `#/${this.path.join('/')}`;
    for (const d of differences) this.differences.push({ ...d, path: d.path === '#/' ? prefix : `${prefix}/${d.path.slice(2)}` });
  }

  at(segment: string, body: () => void): void {
    this.path.push(segment);
    try {
      body();
    } finally {
      this.path.pop();
    }
  }
}

export type Compare = (ctx: Context, original: Schema | undefined, update: Schema | undefined) => void;

/** Equal, a superset (extended), a subset (narrowed), or neither (changed), reported at `attribute`. */
export function compareSets(
  ctx: Context,
  attribute: string | undefined,
  original: ReadonlySet<string>,
  update: ReadonlySet<string>,
  [extended, narrowed, changed]: readonly [DifferenceType, DifferenceType, DifferenceType],
): void {
  const covers = (a: ReadonlySet<string>, b: ReadonlySet<string>): boolean => [...b].every((v) => a.has(v));
  if (original.size === update.size && covers(original, update)) return;
  if (covers(update, original)) ctx.add(extended, attribute);
  else if (covers(original, update)) ctx.add(narrowed, attribute);
  else ctx.add(changed, attribute);
}

type Bound = 'ADDED' | 'REMOVED' | 'INCREASED' | 'DECREASED';

/** Which way a limit moved: the `<NAME>_ADDED`…`_DECREASED` Confluent reports at the keyword. */
export function compareLimit(ctx: Context, attribute: string, prefix: string, original?: number, update?: number): void {
  if (original === update) return;
  let bound: Bound | undefined;
  if (original === undefined) bound = 'ADDED';
  else if (update === undefined) bound = 'REMOVED';
  else if (original < update) bound = 'INCREASED';
  else if (original > update) bound = 'DECREASED';
  if (bound !== undefined) ctx.add(`${prefix}_${bound}` as DifferenceType, attribute);
}
