/**
 * A 32-bit float read into a JavaScript number carries the binary noise of its widening (0.1f reads as
 * 0.10000000149011612); Java prints the shortest decimal that reads back as the same float ("0.1"), and so do we.
 */
export function shortestFloat32(v: number): number {
  if (!Number.isFinite(v) || v === 0) return v;
  for (let digits = 1; digits < 10; digits++) {
    const candidate = Number(v.toPrecision(digits));
    if (Math.fround(candidate) === v) return candidate;
  }
  return v;
}
