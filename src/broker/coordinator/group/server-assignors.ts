/**
 * The broker-side assignors of the consumer protocol (group.consumer.assignors; a member picks one with
 * group.remote.assignor). Both are sticky: a partition stays with the member that has it in the previous target
 * assignment when balance allows, so that a rebalance moves as few partitions as it can.
 * - uniform (Kafka's default): every member gets as many partitions as the others, give or take one, among the
 *   partitions of the topics it subscribes to (members with different subscriptions are balanced as far as their
 *   subscriptions let them).
 * - range: each topic on its own, cut into contiguous ranges over the members subscribed to it (static members first,
 *   by instance id, then the others by member id), so that a member gets the same partition numbers of topics with the
 *   same partition count (co-partitioning). Like Kafka 4.0's, it is not sticky.
 */
import type { Assignment } from './consumer-group';

interface AssignorMember {
  memberId: string;
  instanceId: string | null;
  subscribedTopicIds: ReadonlySet<string>;
  /** The member's partitions in the previous target assignment. */
  previous: Assignment;
}

export interface AssignorTopic {
  id: string;
  name: string;
  partitions: number;
}

interface ServerAssignor {
  readonly name: string;
  assign(members: readonly AssignorMember[], topics: ReadonlyMap<string, AssignorTopic>): Map<string, Assignment>;
}

function add(a: Assignment, topicId: string, p: number): void {
  let s = a.get(topicId);
  if (!s) a.set(topicId, (s = new Set()));
  s.add(p);
}

function remove(a: Assignment, topicId: string, p: number): void {
  const s = a.get(topicId);
  s?.delete(p);
  if (s?.size === 0) a.delete(topicId);
}

function byMemberId(a: AssignorMember, b: AssignorMember): number {
  return a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0;
}

/** Topic ids sorted by topic name, as Kafka walks them. */
function topicOrder(topics: ReadonlyMap<string, AssignorTopic>): AssignorTopic[] {
  return [...topics.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

class UniformAssignor implements ServerAssignor {
  readonly name = 'uniform';

  assign(members: readonly AssignorMember[], topics: ReadonlyMap<string, AssignorTopic>): Map<string, Assignment> {
    const sorted = [...members].sort(byMemberId);
    const result = new Map<string, Assignment>(sorted.map((m) => [m.memberId, new Map()]));
    const count = new Map<string, number>(sorted.map((m) => [m.memberId, 0]));
    const owner = new Map<string, string>();
    // What each member keeps of its previous target: still subscribed, still existing, not claimed twice.
    for (const m of sorted) {
      for (const [topicId, ps] of m.previous) {
        const t = topics.get(topicId);
        if (!t || !m.subscribedTopicIds.has(topicId)) continue;
        for (const p of [...ps].sort((x, y) => x - y)) {
          const key = `${topicId}:${p}`;
          if (p >= t.partitions || owner.has(key)) continue;
          owner.set(key, m.memberId);
          add(result.get(m.memberId)!, topicId, p);
          count.set(m.memberId, count.get(m.memberId)! + 1);
        }
      }
    }
    const eligible = (topicId: string) => sorted.filter((m) => m.subscribedTopicIds.has(topicId));
    // Every partition nobody has goes to the least loaded member that subscribes to its topic.
    for (const t of topicOrder(topics)) {
      const candidates = eligible(t.id);
      if (candidates.length === 0) continue;
      for (let p = 0; p < t.partitions; p++) {
        if (owner.has(`${t.id}:${p}`)) continue;
        let best = candidates[0];
        for (const c of candidates) if (count.get(c.memberId)! < count.get(best.memberId)!) best = c;
        owner.set(`${t.id}:${p}`, best.memberId);
        add(result.get(best.memberId)!, t.id, p);
        count.set(best.memberId, count.get(best.memberId)! + 1);
      }
    }
    // Then partitions move from the most to the least loaded members while that evens them out: kept partitions of a
    // member that had too many, a newcomer that has none.
    for (let guard = 0; guard < 100000; guard++) {
      let moved = false;
      const heaviest = [...sorted].sort((a, b) => count.get(b.memberId)! - count.get(a.memberId)! || byMemberId(a, b));
      outer: for (const from of heaviest) {
        const fromCount = count.get(from.memberId)!;
        const own = result.get(from.memberId)!;
        for (const [topicId, ps] of [...own].sort(([a], [b]) => (topics.get(a)!.name < topics.get(b)!.name ? -1 : 1))) {
          // The partition given away is the highest one, so that what stays is a member's lowest partitions.
          for (const p of [...ps].sort((x, y) => y - x)) {
            let to: AssignorMember | undefined;
            for (const c of eligible(topicId)) if (fromCount - count.get(c.memberId)! > 1 && (!to || count.get(c.memberId)! < count.get(to.memberId)!)) to = c;
            if (!to) continue;
            remove(own, topicId, p);
            add(result.get(to.memberId)!, topicId, p);
            count.set(from.memberId, fromCount - 1);
            count.set(to.memberId, count.get(to.memberId)! + 1);
            moved = true;
            break outer;
          }
        }
      }
      if (!moved) break;
    }
    return result;
  }
}

class RangeAssignor implements ServerAssignor {
  readonly name = 'range';

  assign(members: readonly AssignorMember[], topics: ReadonlyMap<string, AssignorTopic>): Map<string, Assignment> {
    const key = (m: AssignorMember) => (m.instanceId !== null ? `0${m.instanceId}` : `1${m.memberId}`);
    const sorted = [...members].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    const result = new Map<string, Assignment>(sorted.map((m) => [m.memberId, new Map()]));
    for (const t of topicOrder(topics)) {
      const subscribers = sorted.filter((m) => m.subscribedTopicIds.has(t.id));
      if (subscribers.length === 0) continue;
      const quota = Math.floor(t.partitions / subscribers.length);
      const extra = t.partitions % subscribers.length;
      let next = 0;
      subscribers.forEach((m, i) => {
        const n = quota + (i < extra ? 1 : 0);
        for (let k = 0; k < n; k++) add(result.get(m.memberId)!, t.id, next++);
      });
    }
    return result;
  }
}

export const SERVER_ASSIGNORS: ReadonlyMap<string, ServerAssignor> = new Map<string, ServerAssignor>([
  ['uniform', new UniformAssignor()],
  ['range', new RangeAssignor()],
]);

/** Kafka accepts the assignors' class names in group.consumer.assignors as well as their names. */
export function assignorName(configured: string): string {
  const simple = configured.trim();
  if (simple.endsWith('.UniformAssignor')) return 'uniform';
  if (simple.endsWith('.RangeAssignor')) return 'range';
  return simple;
}
