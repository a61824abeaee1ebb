/**
 * The order in which Java's HashMap and HashSet iterate string keys. Confluent walks properties and dependencies
 * through them, so its compatibility messages come in that order; reproducing it keeps our lists identical to its.
 */

function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

function tableSizeFor(n: number): number {
  let cap = 1;
  while (cap < n) cap *= 2;
  return cap;
}

/**
 * Keys as a HashMap or HashSet of `initialCapacity` holds them after inserting `keys` in order: by bucket of the final
 * table (it doubles past 3/4 full), and within a bucket by insertion, which a resize keeps.
 */
function iterationOrder(keys: readonly string[], initialCapacity: number): string[] {
  let capacity = tableSizeFor(initialCapacity);
  for (let size = 1; size <= keys.length; size++) if (size > capacity * 0.75) capacity *= 2;
  const bucket = (key: string): number => {
    const h = javaStringHash(key);
    return (h ^ (h >>> 16)) & (capacity - 1);
  };
  return keys
    .map((key, index) => ({ key, index, bucket: bucket(key) }))
    .sort((a, b) => a.bucket - b.bucket || a.index - b.index)
    .map((e) => e.key);
}

/** A `new HashMap<>()` filled with `keys` in order. */
export function hashMapOrder(keys: readonly string[]): string[] {
  return iterationOrder(keys, 16);
}

/** `new HashSet<>(first)` then `addAll(second)`: how Confluent gathers the keys of two schemas. */
export function hashSetUnionOrder(first: readonly string[], second: readonly string[]): string[] {
  const keys = [...new Set([...first, ...second])];
  return iterationOrder(keys, Math.max(Math.floor(first.length / 0.75) + 1, 16));
}
