/**
 * Incremental fetch sessions (KIP-227): a client that opens a session sends only the partitions whose fetch
 * position changed, and is answered only for partitions with news (data, an error, or a moved high watermark,
 * last stable offset or log start offset).
 */
import { KafkaError } from '../../broker/errors';

export interface SessionPartition {
  topic: string;
  topicId: string;
  partition: number;
  fetchOffset: number;
  maxBytes: number;
  currentLeaderEpoch: number;
  /** What the client was last told, to decide whether it needs telling again. */
  lastHighWatermark: number;
  lastStableOffset: number;
  lastLogStartOffset: number;
}

export interface FetchSession {
  id: number;
  epoch: number;
  partitions: Map<string, SessionPartition>;
  lastUsed: number;
}

export const INITIAL_EPOCH = 0;
export const FINAL_EPOCH = -1;

export class FetchSessionCache {
  private readonly sessions = new Map<number, FetchSession>();
  private nextId = 1 + Math.floor(Math.random() * 1000);

  constructor(private readonly maxSessions = 1000, private readonly evictionMs = 120000) {}

  create(now = Date.now()): FetchSession | undefined {
    this.evict(now);
    if (this.sessions.size >= this.maxSessions) return undefined;
    const id = this.nextId++;
    if (this.nextId > 0x7fffffff) this.nextId = 1;
    const s: FetchSession = { id, epoch: 1, partitions: new Map(), lastUsed: now };
    this.sessions.set(id, s);
    return s;
  }

  /** The session for an incremental request, or the error Kafka answers with. */
  get(id: number, epoch: number, now = Date.now()): FetchSession {
    const s = this.sessions.get(id);
    if (!s) throw new KafkaError('FETCH_SESSION_ID_NOT_FOUND', `fetch session ${id} not found`);
    if (s.epoch !== epoch) throw new KafkaError('INVALID_FETCH_SESSION_EPOCH', `fetch session ${id} expected epoch ${s.epoch}, got ${epoch}`);
    s.lastUsed = now;
    return s;
  }

  remove(id: number): void {
    this.sessions.delete(id);
  }

  get size(): number {
    return this.sessions.size;
  }

  private evict(now: number): void {
    for (const [id, s] of this.sessions) if (now - s.lastUsed > this.evictionMs) this.sessions.delete(id);
  }
}
