/**
 * The iteration order of a java.util.HashSet / HashMap key set. Confluent's compatibility check walks messages,
 * oneofs and field numbers through hash sets, so that is the order its messages come in; replaying the hash table
 * (String and Integer hash codes, bucket spreading, resizing) gives the same order here.
 */

const DEFAULT_CAPACITY = 16;
const TREEIFY_THRESHOLD = 8;
const MIN_TREEIFY_CAPACITY = 64;

export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

export function javaIntegerHash(n: number): number {
  return n | 0;
}

function spread(h: number): number {
  return h ^ (h >>> 16);
}

function tableSizeFor(capacity: number): number {
  let n = 1;
  while (n < capacity) n *= 2;
  return n;
}

interface Entry<T> {
  key: T;
  hash: number;
}

export class JavaHashSet<T> {
  private table: Entry<T>[][] | null = null;
  private size = 0;
  private threshold: number;

  /** `initialCapacity` as `new HashMap<>(n)` takes it; none for `new HashMap<>()`. */
  constructor(
    private readonly hashCode: (key: T) => number,
    initialCapacity?: number,
  ) {
    this.threshold = initialCapacity === undefined ? 0 : tableSizeFor(initialCapacity);
  }

  /** `new HashSet<>(collection)`: sized for the collection, then filled in its order. */
  static copyOf<T>(hashCode: (key: T) => number, keys: readonly T[]): JavaHashSet<T> {
    const set = new JavaHashSet(hashCode, Math.max(Math.floor(Math.fround(keys.length / 0.75)) + 1, DEFAULT_CAPACITY));
    for (const key of keys) set.add(key);
    return set;
  }

  add(key: T): void {
    if (this.table === null) this.resize();
    const table = this.table as Entry<T>[][];
    const hash = spread(this.hashCode(key));
    const bin = table[(table.length - 1) & hash];
    if (bin.some((entry) => entry.key === key)) return;
    bin.push({ key, hash });
    // Java turns a long bin into a tree, or grows a small table instead: the growing changes the order.
    if (bin.length > TREEIFY_THRESHOLD && table.length < MIN_TREEIFY_CAPACITY) this.resize();
    if (++this.size > this.threshold) this.resize();
  }

  delete(key: T): boolean {
    const table = this.table;
    if (table === null) return false;
    const bin = table[(table.length - 1) & spread(this.hashCode(key))];
    const at = bin.findIndex((entry) => entry.key === key);
    if (at < 0) return false;
    bin.splice(at, 1);
    this.size--;
    return true;
  }

  values(): T[] {
    return (this.table ?? []).flatMap((bin) => bin.map((entry) => entry.key));
  }

  private resize(): void {
    const old = this.table;
    const oldCapacity = old?.length ?? 0;
    let capacity: number;
    let threshold = 0;
    if (oldCapacity > 0) {
      capacity = oldCapacity * 2;
      if (oldCapacity >= DEFAULT_CAPACITY) threshold = this.threshold * 2;
    } else if (this.threshold > 0) {
      capacity = this.threshold;
    } else {
      capacity = DEFAULT_CAPACITY;
    }
    if (threshold === 0) threshold = Math.floor(capacity * 0.75);
    this.threshold = threshold;
    const table: Entry<T>[][] = Array.from({ length: capacity }, () => []);
    // Each old bin splits into a low and a high bin, each keeping its entries' order.
    for (const bin of old ?? []) {
      for (const entry of bin) table[entry.hash & (capacity - 1)].push(entry);
    }
    this.table = table;
  }
}

/** A HashMap's key set, filled in `keys` order. */
export function hashMapKeys<T>(hashCode: (key: T) => number, keys: readonly T[]): JavaHashSet<T> {
  const map = new JavaHashSet(hashCode);
  for (const key of keys) map.add(key);
  return map;
}

/** `new HashSet<>(first.keySet())` then `addAll(second.keySet())`, as Confluent gathers the names or numbers of two versions. */
export function unionOrder<T>(
  hashCode: (key: T) => number,
  first: readonly T[] | JavaHashSet<T>,
  second: readonly T[],
): T[] {
  const firstKeys = Array.isArray(first) ? hashMapKeys(hashCode, first) : (first as JavaHashSet<T>);
  const set = JavaHashSet.copyOf(hashCode, firstKeys.values());
  for (const key of hashMapKeys(hashCode, second).values()) set.add(key);
  return set.values();
}
