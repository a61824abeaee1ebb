/**
 * Topic names for completion after PRODUCE/CONSUME: listed once from the broker, kept until a topic is created,
 * deleted or changed (the broker's events) or the broker's state changes, then listed again on the next ask.
 * No vscode import.
 */
import type { BrokerEvent, TopicSummary } from '../broker/api';

export class TopicCache {
  private list: Promise<TopicSummary[]> | undefined;
  /** How many times the broker was asked (tests). */
  loads = 0;

  /** `load` gives undefined when there is no running broker to ask: the answer is then empty, and not kept. */
  constructor(private readonly load: () => Promise<TopicSummary[]> | undefined) {}

  get(): Promise<TopicSummary[]> {
    if (this.list) return this.list;
    const p = this.load();
    if (!p) return Promise.resolve([]);
    this.loads++;
    const kept = p.catch(() => {
      // A failure is not kept: the next ask tries again.
      if (this.list === kept) this.list = undefined;
      return [] as TopicSummary[];
    });
    this.list = kept;
    return kept;
  }

  handleEvent(e: BrokerEvent): void {
    if (e.type === 'topicCreated' || e.type === 'topicDeleted' || e.type === 'topicChanged') this.invalidate();
  }

  invalidate(): void {
    this.list = undefined;
  }
}
