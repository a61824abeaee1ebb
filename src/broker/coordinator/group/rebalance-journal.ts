/**
 * Why did my group rebalance? Each rebalance of a group is recorded with its trigger, the generation it produced,
 * the members and their partitions before and after, who moved where, and how long it took. Bounded per group.
 */
import { decodeAssignment, TopicPartitions } from './consumer-protocol';

export type RebalanceTrigger =
  | 'member joined'
  | 'member left'
  | 'session timeout'
  | 'rebalance timeout'
  | 'sync timeout'
  | 'static member replaced'
  | 'subscription or metadata change'
  | 'leader rejoined'
  | 'group loaded'
  | 'topic metadata change'
  | 'protocol upgrade'
  | 'protocol downgrade'
  | 'fenced';

export interface MemberSnapshot {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  /** Decoded consumer assignment; empty when unknown or before the first sync. */
  partitions: TopicPartitions[];
}

interface PartitionMove {
  topic: string;
  partition: number;
  /** Client id of the previous owner, undefined when nobody owned it. */
  from?: string;
  to?: string;
}

export interface RebalanceRecord {
  /** Generation before the rebalance and the one it produced (undefined while in progress). */
  fromGeneration: number;
  toGeneration?: number;
  trigger: RebalanceTrigger;
  /** Who caused it (member id) and anything the client said (JoinGroup/LeaveGroup reason, v8+/v5+). */
  triggeredBy?: string;
  detail?: string;
  /** Members removed during the rebalance and why (session or rebalance timeout, left). */
  removed: Array<{ memberId: string; clientId: string; why: RebalanceTrigger }>;
  startedAt: number;
  endedAt?: number;
  durationMs?: number;
  protocol?: string | null;
  before: MemberSnapshot[];
  after?: MemberSnapshot[];
  moves?: PartitionMove[];
  /** Ended with the group empty, or superseded by another rebalance before it finished. */
  outcome?: 'stable' | 'empty' | 'restarted';
  /** What the coordinator waited for before it could assign (the join phase), and what ended the wait. */
  joinPhase?: JoinPhase;
  /**
   * Consumer protocol groups: the group epochs the rebalance went through, and each member's steps towards the target
   * assignment (what it had to give up, what it received, when), so that a slow rebalance shows who held it up.
   */
  epochs?: number[];
  steps?: ReconciliationStep[];
}

interface ReconciliationStep {
  at: number;
  memberId: string;
  clientId: string;
  /** revoke: asked to give partitions up; revoked: it did; assigned: received them; waiting: its partitions are still owned by others. */
  action: 'revoke' | 'revoked' | 'assigned' | 'waiting';
  memberEpoch: number;
  partitions: TopicPartitions[];
}

/**
 * How a rebalance's join phase ended (Kafka's onCompleteJoin): every member rejoined; the rebalance timeout (the
 * largest member's max.poll.interval.ms) passed and the members that had not rejoined were dropped; or a new group's
 * group.initial.rebalance.delay.ms passed without more members arriving.
 */
export interface JoinPhase {
  endedBy: 'all members rejoined' | 'rebalance timeout' | 'initial rebalance delay';
  /** From the start of the rebalance to the end of the join phase. */
  afterMs: number;
  /** The limit that applied: the rebalance timeout, or the initial delay. */
  limitMs: number;
  /** Members the coordinator was still waiting for when the phase ended (did not rejoin). */
  notRejoined: Array<{ memberId: string; clientId: string; groupInstanceId: string | null }>;
}

export class RebalanceJournal {
  private readonly entries: RebalanceRecord[] = [];
  private current: RebalanceRecord | undefined;

  constructor(private readonly capacity = 100) {}

  get inProgress(): RebalanceRecord | undefined {
    return this.current;
  }

  /** Starts a record unless one is in progress (a second trigger during a rebalance joins the first). */
  begin(fromGeneration: number, trigger: RebalanceTrigger, before: MemberSnapshot[], now: number, triggeredBy?: string, detail?: string): RebalanceRecord {
    if (this.current) return this.current;
    this.current = { fromGeneration, trigger, triggeredBy, detail, removed: [], startedAt: now, before };
    this.entries.push(this.current);
    if (this.entries.length > this.capacity) this.entries.shift();
    return this.current;
  }

  noteStep(step: ReconciliationStep): void {
    if (!this.current) return;
    (this.current.steps ??= []).push(step);
    // A long rebalance keeps its first step and its latest 499.
    if (this.current.steps.length > 500) this.current.steps.splice(1, 1);
  }

  noteEpoch(epoch: number): void {
    if (this.current) (this.current.epochs ??= []).push(epoch);
  }

  noteRemoved(memberId: string, clientId: string, why: RebalanceTrigger): void {
    this.current?.removed.push({ memberId, clientId, why });
  }

  noteJoinPhase(phase: Omit<JoinPhase, 'afterMs'>, now: number): void {
    if (this.current) this.current.joinPhase = { ...phase, afterMs: now - this.current.startedAt };
  }

  /** Closes the record in progress with the members and assignments that resulted. */
  end(toGeneration: number, protocol: string | null, after: MemberSnapshot[], now: number, outcome: 'stable' | 'empty'): void {
    const r = this.current;
    if (!r) return;
    r.toGeneration = toGeneration;
    r.protocol = protocol;
    r.after = after;
    r.endedAt = now;
    r.durationMs = now - r.startedAt;
    r.outcome = outcome;
    r.moves = movesBetween(r.before, after);
    this.current = undefined;
  }

  /** Records an event that needed no rebalance (a static member came back within its session timeout). */
  event(record: RebalanceRecord): void {
    this.entries.push(record);
    if (this.entries.length > this.capacity) this.entries.shift();
  }

  list(): readonly RebalanceRecord[] {
    return this.entries;
  }
}

export function snapshotPartitions(assignment: Buffer): TopicPartitions[] {
  return decodeAssignment(assignment) ?? [];
}

function ownerMap(members: MemberSnapshot[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const mem of members) for (const tp of mem.partitions) for (const p of tp.partitions) m.set(`${tp.topic}\u0000${p}`, mem.groupInstanceId ?? mem.clientId + ' ' + mem.memberId);
  return m;
}

/** Partitions whose owner changed, owners named by instance id or client id and member id. */
function movesBetween(before: MemberSnapshot[], after: MemberSnapshot[]): PartitionMove[] {
  const a = ownerMap(before);
  const b = ownerMap(after);
  const moves: PartitionMove[] = [];
  for (const k of new Set([...a.keys(), ...b.keys()])) {
    if (a.get(k) === b.get(k)) continue;
    const [topic, p] = k.split('\u0000');
    moves.push({ topic, partition: Number(p), from: a.get(k), to: b.get(k) });
  }
  return moves.sort((x, y) => (x.topic === y.topic ? x.partition - y.partition : x.topic < y.topic ? -1 : 1));
}
