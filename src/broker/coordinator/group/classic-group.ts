/** A classic-protocol group and its members, as Kafka's GroupCoordinator keeps them in memory. */
import { ErrorCode } from '../../errors';
import type { Timer } from '../../clock';
import { RebalanceJournal, MemberSnapshot, snapshotPartitions } from './rebalance-journal';

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export interface JoinResult {
  errorCode: number;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leader: string;
  skipAssignment: boolean;
  memberId: string;
  members: Array<{ memberId: string; groupInstanceId: string | null; metadata: Buffer }>;
}

export interface SyncResult {
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

export interface Protocol {
  name: string;
  metadata: Buffer;
}

export class Member {
  assignment: Buffer = Buffer.alloc(0);
  awaitingJoin?: (r: JoinResult) => void;
  awaitingSync?: (r: SyncResult) => void;
  lastHeartbeat: number;
  heartbeatTimer?: Timer;
  /** Joined during the current rebalance (Kafka expires such members faster if they never come back). */
  isNew = true;

  constructor(
    public memberId: string,
    readonly groupInstanceId: string | null,
    public clientId: string,
    public clientHost: string,
    public rebalanceTimeoutMs: number,
    public sessionTimeoutMs: number,
    public protocolType: string,
    public protocols: Protocol[],
    now: number,
  ) {
    this.lastHeartbeat = now;
  }

  metadataFor(protocol: string): Buffer {
    return this.protocols.find((p) => p.name === protocol)?.metadata ?? Buffer.alloc(0);
  }

  protocolNames(): string[] {
    return this.protocols.map((p) => p.name);
  }

  /** Same protocols with the same metadata, in the same order: a rejoin that changes nothing. */
  sameProtocols(other: Protocol[]): boolean {
    return other.length === this.protocols.length && other.every((p, i) => p.name === this.protocols[i].name && p.metadata.equals(this.protocols[i].metadata));
  }
}

export interface CommittedOffset {
  offset: number;
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: number;
  expireTimestamp: number;
}

/** The key of a committed offset in ClassicGroup.offsets. */
export function offsetKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

export function parseOffsetKey(key: string): { topic: string; partition: number } {
  const [topic, p] = key.split('\u0000');
  return { topic, partition: Number(p) };
}

export class ClassicGroup {
  readonly type = 'classic' as const;
  state: GroupState = 'Empty';
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  readonly members = new Map<string, Member>();
  /** group.instance.id -> member id of the static member holding it. */
  readonly staticMembers = new Map<string, string>();
  /** Members told MEMBER_ID_REQUIRED, expected back with their id within the session timeout. */
  readonly pendingMembers = new Map<string, Timer>();
  /** Members that have not yet sent SyncGroup in this generation. */
  readonly pendingSync = new Set<string>();
  readonly offsets = new Map<string, CommittedOffset>();
  currentStateTimestamp: number;
  joinTimer?: Timer;
  syncTimer?: Timer;
  /** Set while the group waits out group.initial.rebalance.delay.ms. */
  initialDelay?: { deadline: number; delayMs: number; newMembersAdded: boolean };
  /** Carried over when the group changes protocol (consumer-group-migration.ts). */
  journal = new RebalanceJournal();

  constructor(readonly groupId: string, now: number) {
    this.currentStateTimestamp = now;
  }

  transitionTo(state: GroupState, now: number): void {
    this.state = state;
    this.currentStateTimestamp = now;
  }

  is(...states: GroupState[]): boolean {
    return states.includes(this.state);
  }

  /** Kafka's supportsProtocols: the type matches and some protocol is common to everyone. */
  supportsProtocols(protocolType: string, protocols: Protocol[]): boolean {
    if (this.members.size === 0) return protocolType !== '' && protocols.length > 0;
    if (protocolType !== this.protocolType) return false;
    const names = new Set(protocols.map((p) => p.name));
    return this.candidateProtocols().some((c) => names.has(c));
  }

  /** Protocols every member supports. */
  candidateProtocols(): string[] {
    let common: string[] | undefined;
    for (const m of this.members.values()) {
      const names = m.protocolNames();
      common = common ? common.filter((c) => names.includes(c)) : names;
    }
    return common ?? [];
  }

  /** Each member votes for its most preferred common protocol; the most votes wins (ties: first candidate). */
  selectProtocol(): string {
    const candidates = this.candidateProtocols();
    const votes = new Map<string, number>(candidates.map((c) => [c, 0]));
    for (const m of this.members.values()) {
      const choice = m.protocolNames().find((n) => votes.has(n));
      if (choice) votes.set(choice, votes.get(choice)! + 1);
    }
    let best = candidates[0];
    for (const c of candidates) if (votes.get(c)! > votes.get(best)!) best = c;
    return best;
  }

  /** FENCED_INSTANCE_ID when another member id holds the static member's instance id (KIP-345). */
  fencedInstance(memberId: string, instanceId: string | null): number | undefined {
    if (instanceId === null) return undefined;
    const current = this.staticMembers.get(instanceId);
    if (current !== undefined && current !== memberId) return ErrorCode.FENCED_INSTANCE_ID;
    return undefined;
  }

  maxRebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }

  allMembersJoined(): boolean {
    if (this.pendingMembers.size > 0) return false;
    for (const m of this.members.values()) if (!m.awaitingJoin) return false;
    return true;
  }

  snapshot(): MemberSnapshot[] {
    return [...this.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      partitions: snapshotPartitions(m.assignment),
    }));
  }
}
