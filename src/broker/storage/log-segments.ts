/**
 * Range queries over a log's segments, ascending by base offset (Kafka's LogSegments.values and floorSegment).
 */
import type { LogSegment } from './log-segment';

/**
 * Kafka's logSegments(from, to): the segments holding offsets in [from, to), i.e. from the one containing `from`
 * (or the first) up to those starting before `to`. Empty when from >= to.
 */
export function segmentsInRange(segments: readonly LogSegment[], from: number, to: number): LogSegment[] {
  if (from >= to) return [];
  const out: LogSegment[] = [];
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    const next = segments[i + 1];
    if (seg.baseOffset >= to) break;
    if (next && next.baseOffset <= from) continue;
    out.push(seg);
  }
  return out;
}

/** The segment holding `offset`: the last one starting at or before it. */
export function floorSegment(segments: readonly LogSegment[], offset: number): LogSegment | undefined {
  let found: LogSegment | undefined;
  for (const s of segments) {
    if (s.baseOffset > offset) break;
    found = s;
  }
  return found;
}
